"""The polynomial variables of a verification problem, and its scalar generators.

Everything is reduced to *invariants of an extended list of variables*:

* position inputs of a translation group become the differences ``x_i − x_1`` (a polynomial is
  translation invariant iff it is a polynomial in differences, ``proofs/spanning.md``);
* an equivariant output of type ``W`` becomes a dummy variable: ``f`` is equivariant iff
  ``⟨f(x), u⟩`` is invariant, and it is linear in ``u`` (quadratic for ``sym``, bilinear in two
  dummies for ``matrix`` and ``skew``).

The generators are the paper's scalars: inner products ``⟨a, b⟩_η``, brackets
``[a_1, …, a_d] = det(a_1 … a_d)`` and the scalar inputs. For groups with reflections the
invariants are the products of even total parity (parity = behaviour under ``det g``), so the
generators there are the even basic scalars and the products of two odd ones — except products of
two brackets, which are polynomials in inner products: ``[A][B] = det(η) det(Aᵀ η B)``.

>>> p = make_problem("SO(3)", "p,q:vector; m:scalar", "vector")
>>> [v.name for v in p.variables]
['p', 'q', 'm', 'u']
>>> [g.name for g in p.generators]
['m', 'p·p', 'p·q', 'p·u', 'q·q', 'q·u', '[p,q,u]']

A verification up to degree ``k`` needs only the generators of total degree at most ``k`` in the
inputs (a generator of higher degree occurs in no block), and ``max_degree`` leaves the others out:
with 100 vectors, SO(3) has 161700 brackets of degree 3 and none is needed below degree 3.

>>> [g.name for g in make_problem("SO(3)", "p,q,r:vector", max_degree=2).generators]
['p·p', 'p·q', 'p·r', 'q·q', 'q·r', 'r·r']
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import numbers
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
import sympy

from .errors import InvariantsError
from .evaluation import SympyOps, evaluate_generators
from .groups import Group, parse_group
from .inputs import Input, parse_inputs, parse_output
from .particles import refuse_identical
from .spaces import field_type, is_pseudo, output_type

VECTOR_TYPES = ("vector", "pseudovector")
SCALAR_TYPES = ("scalar", "pseudoscalar")


@dataclass(frozen=True)
class Variable:
    """A polynomial variable: an input (or a difference of positions) or an output dummy."""

    name: str
    type: str  # one of VECTOR_TYPES + SCALAR_TYPES
    role: str  # "input" or "dummy"
    degree: int | None = None  # fixed degree of a dummy in every block
    source: int | None = None  # index of the input it comes from
    origin: int | None = None  # for a difference x_i - x_1: the index of x_1

    @property
    def vector_like(self) -> bool:
        return self.type in VECTOR_TYPES

    @property
    def parity(self) -> int:
        return 1 if is_pseudo(self.type) else 0


@dataclass(frozen=True)
class Generator:
    """A scalar generator. ``kind`` is ``scalar``, ``dot``, ``bracket`` or ``product``.

    For ``product`` the ``args`` are indices of two earlier generators; otherwise they are
    variable indices.
    """

    kind: str
    args: tuple[int, ...]
    name: str
    multidegree: tuple[int, ...]
    parity: int


@dataclass(frozen=True)
class Problem:
    """Group, inputs and output, reduced to variables and generators.

    ``max_degree``: if set, only the generators of total degree at most ``max_degree`` in the
    inputs (dummies not counted) are listed; they are all that blocks up to that degree use.
    """

    group: Group
    inputs: tuple[Input, ...]
    output: str
    max_degree: int | None = None

    @cached_property
    def variables(self) -> tuple[Variable, ...]:
        return _variables(self.group, self.inputs, self.output)

    @cached_property
    def antisymmetric(self) -> tuple[int, int] | None:
        """The two dummies of a ``skew`` output, in which candidates are antisymmetrized."""
        pairs = output_type(self.output).antisymmetric_pairs
        if not pairs:
            return None
        ((a, b),) = pairs  # the vector path's outputs have rank at most 2
        dummies = [i for i, v in enumerate(self.variables) if v.role == "dummy"]
        return (dummies[a], dummies[b])

    @cached_property
    def generators(self) -> tuple[Generator, ...]:
        return _generators(self.group, self.variables, self.max_degree)

    @cached_property
    def generator_degrees(self) -> np.ndarray:
        """Multidegrees of the generators as an array ``(generators, variables)``."""
        gens = self.generators
        out = np.zeros((len(gens), len(self.variables)), dtype=np.int64)
        basic = [(k, a) for k, g in enumerate(gens) if g.kind != "product" for a in g.args]
        if basic:
            rows, cols = np.array(basic).T
            np.add.at(out, (rows, cols), 1)
        for k, g in enumerate(gens):
            if g.kind == "product":  # of two earlier basic generators
                out[k] = out[g.args[0]] + out[g.args[1]]
        out.setflags(write=False)
        return out

    @cached_property
    def input_variables(self) -> tuple[int, ...]:
        return tuple(i for i, v in enumerate(self.variables) if v.role == "input")

    @cached_property
    def symmetries(self) -> tuple[tuple[int, ...], ...]:
        """Classes of interchangeable input variables (same type)."""
        classes: dict[str, list[int]] = {}
        for i in self.input_variables:
            classes.setdefault(self.variables[i].type, []).append(i)
        return tuple(tuple(c) for c in classes.values() if len(c) > 1)

    @cached_property
    def generator_index(self) -> dict[tuple, int]:
        return {_key(g, self.generators): i for i, g in enumerate(self.generators)}

    def permute_generator(self, index: int, perm: dict[int, int]) -> tuple[int, int]:
        """Image ``(index, sign)`` of a generator under a permutation of variables."""
        key, sign = _permuted_key(self.generators, index, perm)
        return self.generator_index[key], sign

    @cached_property
    def dummy_swap(self) -> tuple[np.ndarray, np.ndarray]:
        """For ``skew``: the image of each generator (index array) and its sign when the two
        dummies are exchanged."""
        i, j = self.antisymmetric
        images = [self.permute_generator(g, {i: j, j: i}) for g in range(len(self.generators))]
        target, signs = np.array([k for k, _ in images]), np.array([s for _, s in images])
        target.setflags(write=False)
        signs.setflags(write=False)
        return target, signs

    def symbols(self) -> dict[str, tuple[sympy.Symbol, ...]]:
        """Coordinate symbols of every input (``name_0, …`` for vectors; ``name`` for scalars)."""
        d = self.group.d
        return {
            inp.name: (
                sympy.symbols(f"{inp.name}_0:{d}") if inp.vector_like else (sympy.Symbol(inp.name),)
            )
            for inp in self.inputs
        }

    def variable_expressions(self) -> list[tuple[sympy.Expr, ...]]:
        """Coordinates of each variable as SymPy expressions in the input coordinates."""
        syms = self.symbols()
        d = self.group.d
        out = []
        for v in self.variables:
            if v.role == "dummy":
                out.append(
                    sympy.symbols(f"{v.name}_0:{d}") if v.vector_like else (sympy.Symbol(v.name),)
                )
            elif v.origin is not None:
                a, b = syms[self.inputs[v.source].name], syms[self.inputs[v.origin].name]
                out.append(tuple(x - y for x, y in zip(a, b)))
            else:
                out.append(syms[self.inputs[v.source].name])
        return out

    def generator_expressions(self) -> list[sympy.Expr]:
        """Every generator as a SymPy expression in the coordinates."""
        ops = SympyOps(self.variable_expressions(), self.group.metric)
        values = evaluate_generators(self.generators, ops)
        return [values[k] for k in range(len(self.generators))]


def make_problem(
    group, inputs, output: str = "scalar", *, max_degree: int | None = None
) -> Problem:
    """Parse and build a :class:`Problem` (cached); ``max_degree`` as in :class:`Problem`."""
    if max_degree is not None:
        max_degree = check_degree(max_degree)
    refuse_identical(inputs, "this computation")
    parsed = parse_inputs(inputs)
    tensors = [f"{i.name}:{i.type}" for i in parsed if i.tensor is not None]
    if tensors:
        raise InvariantsError(
            f"tensor inputs ({', '.join(tensors)}) are not taken by the engine of vector "
            "inputs here; minimal_generators (`invariants generators GROUP INPUTS --minimal "
            "--degree K`), verify, basis, their kernels and fit take them"
        )
    return _make_problem(parse_group(group), parsed, parse_output(output), max_degree)


@lru_cache(maxsize=128)
def _make_problem(
    group: Group, inputs: tuple[Input, ...], output: str, max_degree: int | None = None
) -> Problem:
    return Problem(group, inputs, output, max_degree)


def _dummies(output: str) -> tuple[tuple[str, int], ...]:
    """``(type, degree)`` of each output dummy, from the output type's polarization: the first
    dummy carries the parity (a pseudoscalar dummy for a pseudoscalar output)."""
    t = output_type(output)
    if t.rank == 0:
        return (("pseudoscalar", 1),) if t.pseudo else ()
    first = "pseudovector" if t.pseudo else "vector"
    return tuple((first if k == 0 else "vector", deg) for k, deg in enumerate(t.polarization))


def _variables(group: Group, inputs: tuple[Input, ...], output: str) -> tuple[Variable, ...]:
    variables = []
    origin = None
    for i, inp in enumerate(inputs):
        translates = field_type(inp.type).translates
        type_ = "vector" if translates else inp.type
        if translates and group.translations:
            if origin is None:
                origin = i
                continue
            name = f"{inp.name}-{inputs[origin].name}"
            variables.append(Variable(name, type_, "input", source=i, origin=origin))
        else:
            variables.append(Variable(inp.name, type_, "input", source=i))
    taken = {inp.name for inp in inputs}
    for (type_, degree), base in zip(_dummies(output), ("u", "w")):
        name = base
        # the dummy's name and its coordinate symbols u_0, u_1, … must be new
        while name in taken or any(f"{name}_{k}" in taken for k in range(group.d)):
            name += "_"
        taken.add(name)
        variables.append(Variable(name, type_, "dummy", degree=degree))
    return tuple(variables)


def _generators(
    group: Group, variables: tuple[Variable, ...], max_degree: int | None = None
) -> tuple[Generator, ...]:
    n = len(variables)
    vec = [i for i, v in enumerate(variables) if v.vector_like]
    inputs = {i for i, v in enumerate(variables) if v.role == "input"}

    def unit(*idx: int) -> tuple[int, ...]:
        deg = [0] * n
        for i in idx:
            deg[i] += 1
        return tuple(deg)

    basic = [
        Generator("scalar", (i,), v.name, unit(i), v.parity)
        for i, v in enumerate(variables)
        if not v.vector_like
    ]
    for a, b in itertools.combinations_with_replacement(vec, 2):
        name = f"{_paren(variables[a].name)}·{_paren(variables[b].name)}"
        parity = (variables[a].parity + variables[b].parity) % 2
        basic.append(Generator("dot", (a, b), name, unit(a, b), parity))
    caps = {i: v.degree for i, v in enumerate(variables) if v.role == "dummy"}
    basic = [g for g in basic if _fits(g.args, caps, inputs, max_degree)]
    # With reflections, brackets of vectors are odd and only occur times an odd non-bracket.
    if (
        group.family == "SO"
        or any(variables[i].parity for i in vec)
        or any(g.parity for g in basic)
    ):
        names = [v.name for v in variables]
        parities = [v.parity for v in variables]
        # each fits: the dummies occur at most once, the inputs at most max_degree times
        for args in _brackets(vec, inputs, group.d, max_degree):
            name = "[" + ",".join([names[i] for i in args]) + "]"
            parity = (1 + sum([parities[i] for i in args])) % 2
            basic.append(Generator("bracket", args, name, unit(*args), parity))
    if group.family == "SO":
        return tuple(basic)
    even = [g for g in basic if g.parity == 0]
    odd = [g for g in basic if g.parity == 1]
    gens = list(even)
    products = []
    for x, y in _odd_pairs(odd):
        g, h = odd[x], odd[y]
        if _fits(g.args + h.args, caps, inputs, max_degree):
            deg = tuple(p + q for p, q in zip(g.multidegree, h.multidegree))
            products.append((g, h, deg))
    if products:
        # Odd factors are listed (as generators of the identity component) so that products can
        # refer to them; they are marked by parity 1 and never used alone.
        base = len(gens)
        odd_used = {id(g) for g, _, _ in products} | {id(h) for _, h, _ in products}
        odd_list = [g for g in odd if id(g) in odd_used]
        position = {id(g): base + k for k, g in enumerate(odd_list)}
        gens.extend(odd_list)
        for g, h, deg in products:
            name = f"{_factor(g)}*{_factor(h)}"
            gens.append(Generator("product", (position[id(g)], position[id(h)]), name, deg, 0))
    return tuple(gens)


def _brackets(
    vec: list[int], inputs: set[int], d: int, max_degree: int | None
) -> Iterator[tuple[int, ...]]:
    """``itertools.combinations(vec, d)`` without the brackets of more than ``max_degree`` input
    vectors, never enumerating those (the dummies come after the inputs)."""
    if max_degree is None or max_degree >= d:
        yield from itertools.combinations(vec, d)
        return
    ins = [i for i in vec if i in inputs]
    dummies = [i for i in vec if i not in inputs]
    tails = [
        tail
        for k in range(max(d - max_degree, 0), min(d, len(dummies)) + 1)
        for tail in itertools.combinations(dummies, k)
    ]
    yield from heapq.merge(*(_with_tail(ins, d, tail) for tail in tails))


def _with_tail(ins: list[int], d: int, tail: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
    return (head + tail for head in itertools.combinations(ins, d - len(tail)))


def _odd_pairs(odd: list[Generator]) -> Iterator[tuple[int, int]]:
    """Index pairs ``x <= y`` of odd generators, in order, except pairs of two brackets:
    ``[A][B] = det(η) det(Aᵀ η B)`` is a polynomial in inner products."""
    others = [k for k, g in enumerate(odd) if g.kind != "bracket"]
    for x, g in enumerate(odd):
        if g.kind == "bracket":
            yield from ((x, y) for y in others[bisect.bisect_left(others, x) :])
        else:
            yield from ((x, y) for y in range(x, len(odd)))


def _fits(
    used: tuple[int, ...], caps: dict[int, int], inputs: set[int], max_degree: int | None
) -> bool:
    """Whether a product of the variables ``used`` (with repetition) is within the dummies'
    fixed degrees ``caps`` and, if set, of input degree at most ``max_degree``."""
    if max_degree is not None and sum(a in inputs for a in used) > max_degree:
        return False
    return all(used.count(i) <= c for i, c in caps.items())


def _paren(name: str) -> str:
    return f"({name})" if "-" in name else name


def _factor(g: Generator) -> str:
    return g.name if g.kind in ("scalar", "bracket") else f"({g.name})"


def _key(g: Generator, gens: tuple[Generator, ...]) -> tuple:
    if g.kind == "product":  # of two basic generators
        return ("product",) + tuple(sorted((gens[i].kind,) + gens[i].args for i in g.args))
    return (g.kind,) + g.args


def _permuted_key(
    gens: tuple[Generator, ...], index: int, perm: dict[int, int]
) -> tuple[tuple, int]:
    g = gens[index]
    if g.kind == "product":  # of two basic generators
        parts = [_permuted_basic_key(gens[i], perm) for i in g.args]
        sign = parts[0][1] * parts[1][1]
        return ("product",) + tuple(sorted(k for k, _ in parts)), sign
    return _permuted_basic_key(g, perm)


def _permuted_basic_key(g: Generator, perm: dict[int, int]) -> tuple[tuple, int]:
    args = [perm.get(a, a) for a in g.args]
    if g.kind == "dot":
        return ("dot",) + tuple(sorted(args)), 1
    if g.kind == "bracket":
        return ("bracket",) + tuple(sorted(args)), _permutation_sign(args)
    return ("scalar",) + tuple(args), 1


def _permutation_sign(seq: list[int]) -> int:
    sign = 1
    seq = list(seq)
    for i in range(len(seq)):
        for j in range(i + 1, len(seq)):
            if seq[i] > seq[j]:
                sign = -sign
    return sign


def check_degree(degree: int, maximum: int = 40) -> int:
    """Validate a degree bound (NumPy integers too)."""
    if isinstance(degree, bool) or not isinstance(degree, numbers.Integral):
        raise InvariantsError(f"degree must be an integer, got {degree!r}")
    degree = int(degree)
    if degree < 0:
        raise InvariantsError(f"degree must be non-negative, got {degree}")
    if degree > maximum:
        raise InvariantsError(f"degree {degree} is too large; the supported maximum is {maximum}")
    return degree
