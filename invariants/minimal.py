"""Minimal generating sets (integrity bases) of invariants of vectors and rank-2 tensors.

Degree by degree, over the multidegrees ``β`` of the inputs in order of total degree:

* the exact dimension ``D(β)`` of the invariants of multidegree ``β`` comes from characters
  (:func:`invariants.counting.character_dimension`, which takes tensor types);
* the products of the generators already kept that have multidegree ``β`` are evaluated at random
  integer points mod ``p``; the rank ``r`` of their values is a lower bound on the dimension of
  their span (``proofs/spanning.md``);
* each connected contraction of multidegree ``β`` (:mod:`invariants.contractions`) is kept iff it
  raises that rank.

When the rank reaches ``D(β)`` the kept elements provably span the block. The number kept in a
multidegree is then the dimension of ``(R₊/R₊²)_β`` for the invariant ring ``R`` and does not
depend on the choices made (graded Nakayama lemma: a homogeneous set generates ``R`` iff its
image spans ``R₊/R₊²``) — so it can be compared with published integrity bases. If some block
stays below ``D(β)``, the contractions do not generate there (for the "S" groups in more than
six dimensions, where contractions with the Levi-Civita tensor are not enumerated, or for
products with more than :data:`invariants.matchings.MAX_SLOTS` index slots) and
``complete_to_degree`` says up to which degree the set is proven complete.

Inputs of rank ≥ 3 (``tensor(FORMULA)``), pseudo-tensors and ``SO(6)`` go through the
perfect-matching contractions of :mod:`invariants.matchings` (index notation):

>>> r = minimal_generators("O(3)", "E:tensor(ijkl=jikl=klij)", degree=2)
>>> [g.name for g in r.generators][:3], len(r.generators), r.complete_to_degree
(['E_{iijj}', 'E_{ijij}', 'E_{iijk}E_{jkll}'], 6, 2)

>>> r = minimal_generators("O(3)", "A:sym", degree=6)
>>> [g.name for g in r.generators], r.complete_to_degree
(['tr(A)', 'tr(A²)', 'tr(A³)'], 6)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import sympy

from .blocks import all_multidegrees, input_multidegree
from .contractions import Contraction, EpsilonContraction, Ops, _kind, connected_contractions
from .counting import character_dimension
from .errors import InvariantsError, check_integer
from .groups import parse_group
from .inputs import parse_inputs
from .matchings import EPSILON, tensor_contractions
from .matchings import MAX_EPSILON_DIMENSION as MAX_DENSE_EPSILON
from .modular import PRIME, rank_and_pivots
from .particles import parse_spec
from .problem import check_degree, make_problem
from .spaces import TensorType, field_type, is_pseudo, output_type, parse_tensor_type
from .spanning import generator_values, sample_points

__all__ = ["MinimalGenerator", "MinimalGenerators", "minimal_generators"]

#: Extra evaluation points beyond the largest dimension (a safety margin for unlucky draws).
MARGIN = 4

#: Largest d for contractions with the Levi-Civita tensor (evaluated as a sum over d! terms).
MAX_EPSILON_DIMENSION = 5


@dataclass(frozen=True)
class MinimalGenerator:
    """One element of a minimal generating set: its name as physics writes it, its multidegree
    over the inputs (in the order they were written) and its SymPy expression in the input
    components (``p_0, …`` for vectors, ``A_01, …`` for tensors)."""

    name: str
    multidegree: tuple[int, ...]
    expression: sympy.Expr
    #: The contraction (tensor inputs) or exponent vector over the problem's generators.
    source: object = field(default=None, repr=False, compare=False)

    @property
    def degree(self) -> int:
        return sum(self.multidegree)


@dataclass(frozen=True)
class MinimalGenerators:
    """A minimal homogeneous generating set up to ``degree``, proven complete up to
    ``complete_to_degree``; ``blocks`` lists ``(multidegree, dimension, span)``."""

    group: str
    inputs: tuple[tuple[str, str], ...]
    degree: int
    generators: tuple[MinimalGenerator, ...]
    complete_to_degree: int
    blocks: tuple[tuple[tuple[int, ...], int, int], ...]
    output: str = "scalar"
    #: Number of products of the kept generators in each block (the candidates of its span).
    products: tuple[int, ...] = ()

    def degrees(self) -> list[dict]:
        """Per total degree: ``dimension``, ``span`` (rank of the products of the generators),
        ``candidates`` (number of those products) and ``relations`` (their excess) — the table
        of ``invariants verify`` for tensor inputs."""
        rows = []
        for t in range(self.degree + 1):
            if t == 0 and self.output == "scalar":  # the constants
                rows.append(
                    {"degree": 0, "dimension": 1, "span": 1, "candidates": 1, "relations": 0}
                )
                continue
            picked = [k for k, (b, _, _) in enumerate(self.blocks) if sum(b) == t]
            dim = sum(self.blocks[k][1] for k in picked)
            span = sum(self.blocks[k][2] for k in picked)
            cands = sum(self.products[k] for k in picked)
            rows.append(
                {
                    "degree": t,
                    "dimension": dim,
                    "span": span,
                    "candidates": cands,
                    "relations": cands - span,
                }
            )
        return rows

    @property
    def complete(self) -> bool:
        return self.complete_to_degree == self.degree

    def as_dict(self) -> dict:
        """The JSON object of ``invariants generators --minimal --json``."""
        return {
            "group": self.group,
            "inputs": [{"name": n, "type": t} for n, t in self.inputs],
            "output": self.output,
            "degree": self.degree,
            "complete_to_degree": self.complete_to_degree,
            "generators": [
                {
                    "name": g.name,
                    "expression": str(g.expression),
                    "multidegree": list(g.multidegree),
                    "degree": g.degree,
                }
                for g in self.generators
            ],
        }


def minimal_generators(
    group, inputs, degree: int, output: str = "scalar", *, seed: int = 0
) -> MinimalGenerators:
    """A minimal generating set of the invariants of ``inputs`` up to ``degree`` (module
    docstring), or with ``output`` of the module of equivariants of that type over the invariant
    ring. ``inputs`` is a specification (``"A,B:sym; v:vector"``), parsed inputs, or a dict
    name → type. Inputs of vector types use the generators of :func:`invariants.generators`
    (inner products, brackets); rank-2 tensors (``sym``, ``skew``, ``dev``, ``matrix``), with
    vectors, and the outputs ``skew`` and ``dev`` use the contractions of
    :mod:`invariants.contractions`, an output of type ``W`` being a dummy input of type ``W``
    of degree 1 (``f`` is equivariant iff ``⟨f, D⟩`` is invariant).

    >>> r = minimal_generators("O(3)", "A:sym; v:vector", degree=5)
    >>> [g.name for g in r.generators]
    ['tr(A)', 'tr(A²)', 'v·v', 'tr(A³)', 'v·A·v', 'v·A²·v']
    >>> [g.name for g in minimal_generators("SO(3)", "p,q,r:vector", 3).generators]
    ['p·p', 'p·q', 'p·r', 'q·q', 'q·r', 'r·r', '[p,q,r]']
    >>> [g.name for g in minimal_generators("O(3)", "A:sym", 6, output="sym").generators]
    ['I', 'A', 'A²']
    """
    G = parse_group(group)
    degree = check_degree(check_integer(degree, "degree"))
    if isinstance(inputs, str) and parse_spec(inputs).identical:
        if output != "scalar":
            raise InvariantsError(
                f"minimal generators for identical particles (N*…) take the output scalar so "
                f"far, not {output!r}"
            )
        from .symmetric_minimal import symmetric_minimal_generators

        return symmetric_minimal_generators(G, inputs, degree, seed=seed)
    parsed = parse_inputs(list(inputs.items()) if isinstance(inputs, dict) else inputs)
    output_type = _output_type(output)
    vectorial = all(i.tensor is None for i in parsed)
    if vectorial and output in _VECTOR_PATH_OUTPUTS:
        return _vector_generators(G, parsed, degree, output, seed)
    if _needs_matchings(G, parsed) or output not in _TENSOR_PATH_OUTPUTS:
        if output == "pseudoscalar":
            raise InvariantsError(
                "output 'pseudoscalar' with tensor inputs: minimal generators take scalar, "
                "vector, pseudovector and tensor outputs so far"
            )
        return _matching_generators(G, parsed, degree, seed, output, output_type)
    if output not in _TENSOR_PATH_OUTPUTS:
        raise InvariantsError(
            f"output {output!r} with tensor inputs: minimal generators take the outputs "
            f"{', '.join(_TENSOR_PATH_OUTPUTS)} so far"
        )
    types = {i.name: _type(i.name, i.tensor or i.type) for i in parsed}
    dummy = None
    if output != "scalar":
        dummy = dummy_name(types)
        types[dummy] = "vector" if output == "vector" else parse_tensor_type(output)
    names = tuple(types)
    inputs_only = len(names) - (dummy is not None)
    epsilon = G.d if G.family == "SO" and G.d <= MAX_EPSILON_DIMENSION else None
    contractions = connected_contractions(types, degree + (dummy is not None), epsilon)
    blocks = _blocks(degree, inputs_only, dummy is not None)
    dims = {
        beta: character_dimension(G.family, G.d, [types[n] for n in names], beta) for beta in blocks
    }
    points = _points(G, types, 2 * max(dims.values(), default=0) + MARGIN, seed)
    candidates = [(c, c.multidegree(names), _value(c, points, G.metric)) for c in contractions]
    kept, spans, complete_to, products = select(candidates, blocks, dims, degree)
    coords = coordinates(G.d, types, G.metric)
    if dummy is None:
        found = tuple(
            MinimalGenerator(c.name, c.multidegree(names), c.expression(coords, G.metric), c)
            for c in kept
        )
    else:
        found = tuple(
            _equivariant(c, dummy, output, types, G, names)
            for c in kept
            if c.multidegree(names)[-1] == 1
        )
        module = [k for k, (b, _, _) in enumerate(spans) if b[-1] == 1]
        products = [products[k] for k in module]
        spans = [(spans[k][0][:-1],) + spans[k][1:] for k in module]
    return MinimalGenerators(
        G.name,
        tuple((i.name, i.type) for i in parsed),
        degree,
        found,
        complete_to,
        tuple(spans),
        output,
        tuple(products),
    )


def dummy_name(names) -> str:
    """The name of the dummy input of an equivariant output: one not among ``names``."""
    return next(n for n in ("D", "D_", "D__", "Φ") if n not in names)


OUTPUTS = ("scalar", "pseudoscalar", "vector", "pseudovector", "sym", "skew", "dev", "matrix")


def _output_type(output) -> str | TensorType | None:
    """``None`` for scalars, the type name for vectors, else the :class:`TensorType` (also
    ``tensor(FORMULA)`` and ``pseudo…`` tensors): the dummy of the output."""
    kind = output_type(output)
    return None if kind.rank == 0 else output if kind.rank == 1 else kind


_VECTOR_PATH_OUTPUTS = ("scalar", "pseudoscalar", "vector", "pseudovector", "sym", "matrix")
_TENSOR_PATH_OUTPUTS = ("scalar", "vector", "sym", "skew", "dev", "matrix")


def _equivariant(c: Contraction, dummy: str, output: str, types, G, names) -> MinimalGenerator:
    """The equivariant tensor of a contraction linear in the dummy ``D``: ``⟨f, D⟩ = c``, so
    ``f = η (∂c/∂D) η`` with ``D`` a general matrix (``η ∂c/∂u`` for a vector dummy), projected
    onto the output's symmetry."""
    d = G.d
    eta = sympy.diag(*G.metric)
    coords = coordinates(d, {n: t for n, t in types.items() if n != dummy}, G.metric)
    if output == "vector":
        u = sympy.Matrix(sympy.symbols(f"{dummy}_0:{d}"))
        phi = c.expression({**coords, dummy: u}, G.metric)
        value = eta * sympy.Matrix([sympy.diff(phi, x) for x in u])
    else:
        D = sympy.Matrix(d, d, lambda i, j: sympy.Symbol(f"{dummy}_{i}_{j}"))
        phi = c.expression({**coords, dummy: D}, G.metric)
        grad = sympy.Matrix(d, d, lambda i, j: sympy.diff(phi, D[i, j]))
        value = eta * grad * eta
        if output in ("sym", "dev"):
            value = (value + value.T) / 2
        elif output == "skew":
            value = (value - value.T) / 2
        if output == "dev":  # traceless for η: subtract (tr(f η)/d) η⁻¹
            value = value - (value * eta).trace() / d * eta.inv()
    value = value.applyfunc(sympy.expand)
    multidegree = c.multidegree(names)[:-1]
    return MinimalGenerator(_tensor_name(c, dummy, output, types, G.metric), multidegree, value, c)


def _tensor_name(c: Contraction, dummy: str, output: str, types, metric) -> str:
    """As physics writes it: ``A²``, ``AB + BA``, ``SR − RS``, ``dev(S²)``, ``A v``, ``v⊗v``."""
    from .contractions import _reverse, _word_text

    def vec(word, end):
        return (_word_text(word) + end) if word else end

    if isinstance(c, EpsilonContraction):  # the output's slots written "·": [v, Av, ·]
        return c.name.replace(dummy + "ᵀ", "·").replace(dummy, "·")

    if c.ends is None:  # tr(D w): f = wᵀ (projected)
        k = next(i for i, (n, _) in enumerate(c.word) if n == dummy)
        transposed = c.word[k][1]
        rest = c.word[k + 1 :] + c.word[:k]
        word, _ = _reverse(rest, types) if not transposed else (rest, 1)
        if not word:
            return "I" if set(metric) == {1} else "η"
        back, sign = _reverse(word, types)
        base = _word_text(word)
        if output == "matrix" or back == word and sign == 1 and output != "dev":
            return base
        first, second = sorted((base, _word_text(back)))
        if output == "skew":
            return base if back == word else f"{first} − {second}"
        part = base if back == word else f"{first} {'+' if sign > 0 else '−'} {second}"
        if output == "dev" and not _traceless(word, types):
            return f"dev({part})"
        return part
    a, b = c.ends
    if dummy in (a, b):  # a vector output: u·w·v = ⟨u, w v⟩
        other, word = (b, c.word) if a == dummy else (a, _reverse(c.word, types)[0])
        return vec(word, other)
    k = next(i for i, (n, _) in enumerate(c.word) if n == dummy)
    left = vec(_reverse(c.word[:k], types)[0], a)
    right = vec(c.word[k + 1 :], b)
    if output == "matrix":
        return f"{left}⊗{right}" if not c.word[k][1] else f"{right}⊗{left}"
    if output == "skew":
        return f"{left}∧{right}"
    part = f"{left}⊗{right}" if left == right else f"sym({left}⊗{right})"
    return f"dev({part})" if output == "dev" else part


def _traceless(word, types) -> bool:
    """Whether ``tr(word)`` vanishes identically (by symmetry, or a single traceless factor)."""
    from .contractions import _canonical_cycle

    if len(word) == 1 and types[word[0][0]].traceless:
        return True
    return _canonical_cycle(word, types) is None


def _vector_generators(G, parsed, degree: int, output: str, seed: int) -> MinimalGenerators:
    """The same selection over the problem's generators (vectors, scalars, positions; inner
    products and brackets). For an equivariant output the candidates of the module are the
    monomials in the dummy-carrying generators alone (the seeds: ``p``, ``[p,q,·]``, ``p⊗q``,
    ``η``), and the products with the ring's generators are the span they must raise."""
    from .basis import to_tensor
    from .names import term_name
    from .spanning import monomial_values

    problem = make_problem(G, parsed, output)
    variables, gens = problem.variables, problem.generators
    dummies = [i for i, v in enumerate(variables) if v.role == "dummy"]
    usable = [k for k, g in enumerate(gens) if G.family == "SO" or g.parity == 0]
    ring = [k for k in usable if not any(gens[k].multidegree[i] for i in dummies)]
    seeds = [k for k in usable if k not in ring]
    module_blocks = [b for b in all_multidegrees(problem, degree) if any(b)]
    blocks = []
    for beta in module_blocks:
        bare = tuple(0 if i in dummies else k for i, k in enumerate(beta))
        if any(bare) and bare not in blocks:
            blocks.append(bare)
        if dummies:
            blocks.append(beta)
    types = [v.type for v in variables]
    dims = {b: character_dimension(G.family, G.d, types, b) for b in blocks}
    rng = np.random.default_rng(seed)
    points = sample_points(problem, 2 * max(dims.values(), default=0) + MARGIN, rng)
    values = generator_values(problem, points)
    unit = np.eye(len(gens), dtype=np.int64)
    candidates = [(tuple(unit[k]), gens[k].multidegree, values[k]) for k in ring]
    seed_degrees = [gens[k].multidegree for k in seeds]
    for beta in blocks:
        if not any(beta[i] for i in dummies):
            continue
        for exps in _exponents(seed_degrees, beta):
            mono = np.zeros(len(gens), dtype=np.int64)
            mono[seeds] = exps
            row = monomial_values(mono[None, :], values)[0]
            candidates.append((tuple(int(e) for e in mono), beta, row))
    kept, spans, complete_to, products = select(candidates, blocks, dims, degree)
    exprs = problem.generator_expressions()
    found = []
    for mono in kept:
        beta = tuple(
            sum(e * x for e, x in zip(mono, col)) for col in zip(*(g.multidegree for g in gens))
        )
        if dummies and not any(beta[i] for i in dummies):
            continue  # a generator of the invariant ring, not of the module
        phi = sympy.Mul(*(exprs[k] ** e for k, e in enumerate(mono) if e))
        value = to_tensor(problem, sympy.expand(phi))
        single = [k for k, e in enumerate(mono) if e]
        scalar = sum(mono) == 1 and not dummies
        name = gens[single[0]].name if scalar else str(term_name(problem, mono))
        found.append(MinimalGenerator(name, input_multidegree(problem, beta), value, mono))
    module = [k for k, (b, _, _) in enumerate(spans) if not dummies or any(b[i] for i in dummies)]
    return MinimalGenerators(
        G.name,
        tuple((i.name, i.type) for i in parsed),
        degree,
        tuple(found),
        complete_to,
        tuple((input_multidegree(problem, spans[k][0]),) + spans[k][1:] for k in module),
        output,
        tuple(products[k] for k in module),
    )


def select(candidates, blocks, dims, degree: int):
    """Keep, block by block, the candidates ``(item, multidegree, values mod p)`` that raise the
    rank of the products of those already kept; return ``(kept, [(β, dimension, span)],
    complete_to_degree, [number of products per block])``."""
    kept: list = []
    kept_values: dict = {}
    kept_degrees: list = []
    spans = []
    products: list[int] = []
    complete_to = degree
    for beta in blocks:
        rows = [
            _product(exps, [kept_values[k] for k in kept])
            for exps in _exponents(kept_degrees, beta)
        ]
        rank = _rank(rows)
        for item, multidegree, values in candidates:
            if multidegree != beta or rank >= dims[beta]:
                continue
            new = _rank(rows + [values])
            if new > rank:
                kept.append(item)
                kept_values[item] = values
                kept_degrees.append(multidegree)
                rows.append(values)
                rank = new
        if rank > dims[beta]:  # rank mod p is a lower bound on the dimension: never
            raise RuntimeError(f"block {beta}: rank {rank} exceeds the dimension {dims[beta]}")
        spans.append((beta, dims[beta], rank))
        products.append(len(rows))
        if rank < dims[beta]:
            complete_to = min(complete_to, sum(beta) - 1)
    return kept, spans, complete_to, products


def _needs_matchings(G, parsed) -> bool:
    """Whether the rank-≤2 words do not suffice: a tensor of rank ≠ 2, a pseudo-tensor (with a
    pseudovector among tensors), or ``ε`` with more than five slots."""
    tensors = [i.tensor for i in parsed if i.tensor is not None]
    return any(t.rank != 2 or t.pseudo for t in tensors) or (
        bool(tensors)
        and (
            any(i.type in ("pseudovector", "pseudoscalar") for i in parsed)
            or (G.family == "SO" and G.d > MAX_EPSILON_DIMENSION)
        )
    )


def _matching_generators(
    G, parsed, degree: int, seed: int, output: str = "scalar", output_type=None
) -> MinimalGenerators:
    """The selection over the perfect-matching contractions of :mod:`invariants.matchings`
    (factors of any rank, pseudo-tensors, one ``ε``). For ``O`` groups a contraction with an
    odd number of pseudo factors (``ε`` is one) is a pseudoscalar: the invariants are the even
    part of the ring the contractions generate, generated by the even contractions and the
    products of two odd ones (``tr(A)²`` for a pseudosym ``A``), the candidates here.

    An equivariant output of type ``W`` is a dummy input ``D`` of type ``W`` and degree ≤ 1, as
    on the rank-2 path: the generators of the module are the kept contractions linear in ``D``,
    and ``f`` with ``⟨f, D⟩ = c`` is read off by :func:`_matching_equivariant`."""
    types = {}
    for i in parsed:
        if i.tensor is None and i.type not in ("vector", "pseudovector", "scalar", "pseudoscalar"):
            raise InvariantsError(
                f"input {i.name!r} of type {i.type!r}: with tensor inputs, minimal generators "
                "take scalars, vectors, their pseudo forms and tensors (positions are "
                "not translated there: use their differences as vectors)"
            )
        types[i.name] = _slot_type(i)
    dummy = None
    if output_type is not None:
        dummy = next(n for n in ("D", "D_", "D__", "Φ") if n not in types)
        types[dummy] = output_type
    names = tuple(types)
    inputs_only = len(names) - (dummy is not None)
    pseudo = any(is_pseudo(t) for t in types.values())
    epsilon = G.d if G.family == "SO" or pseudo else None
    if epsilon is not None and epsilon > MAX_DENSE_EPSILON:
        epsilon = None  # not enumerated: the blocks that need ε stay incomplete, and say so
    contractions = tensor_contractions(types, degree + (dummy is not None), epsilon)
    if dummy is not None:
        contractions = [c for c in contractions if c.factors.count(dummy) <= 1]
    blocks = _blocks(degree, inputs_only, dummy is not None)
    dims = {b: character_dimension(G.family, G.d, list(types.values()), b) for b in blocks}
    points = _tensor_points(G, types, 2 * max(dims.values(), default=0) + MARGIN, seed)
    ops = _mod_p_ops(len(next(iter(points.values())))).bind(G.metric)
    candidates = [
        (c, c.multidegree(names), np.asarray(c.evaluate(points, ops)) % PRIME) for c in contractions
    ]
    if G.family == "O":  # the even part: even contractions and products of two odd ones
        candidates = even_part(candidates, types, degree, inputs_only, dummy is not None)
    kept, spans, complete_to, products = select(candidates, blocks, dims, degree)
    coords = tensor_coordinates(G.d, types, G.metric)
    found = []
    for c in kept:
        pair = c if isinstance(c, tuple) else (c,)
        beta = multidegree_of(c, names)
        if dummy is not None:
            if beta[-1] == 1:
                found.append(_matching_equivariant(pair, dummy, output_type, types, G, beta))
            continue
        if len(pair) == 2:  # a product of two pseudoscalar contractions
            a, b = pair
            name = product_name(a, b)
            expr = sympy.expand(a.expression(coords, G.metric) * b.expression(coords, G.metric))
            found.append(MinimalGenerator(name, beta, expr, c))
        else:
            expr = c.expression(coords, G.metric)
            found.append(MinimalGenerator(c.name, beta, expr, c))
    if dummy is not None:
        module = [k for k, (b, _, _) in enumerate(spans) if b[-1] == 1]
        products = [products[k] for k in module]
        spans = [(spans[k][0][:-1],) + spans[k][1:] for k in module]
    return MinimalGenerators(
        G.name,
        tuple((i.name, i.type) for i in parsed),
        degree,
        tuple(found),
        complete_to,
        tuple(spans),
        output,
        tuple(products),
    )


def _matching_equivariant(pair, dummy: str, output_type, types, G, beta) -> MinimalGenerator:
    """The tensor ``f`` with ``⟨f, D⟩ = c`` for a kept contraction ``c`` linear in the dummy
    (times an odd scalar contraction for a product of two odd ones): ``D`` a general tensor,
    ``f^{i…} = η_{ii}⋯ ∂c/∂D^{i…}`` (the pairs of :mod:`invariants.matchings` carry ``η``,
    diagonal with entries ``±1``), projected onto the output's index symmetry
    (``(1/|S|) Σ_s sign(s) s·f``) and, for ``dev``, made ``η``-traceless."""
    d, metric = G.d, tuple(G.metric)
    rank = 1 if isinstance(output_type, str) else output_type.rank
    coords = tensor_coordinates(d, {n: t for n, t in types.items() if n != dummy}, metric)
    shape = (d,) * rank
    general = np.empty(shape, dtype=object)
    for idx in itertools.product(range(d), repeat=rank):
        general[idx] = sympy.Symbol(f"{dummy}_" + "_".join(map(str, idx)))
    value_of_dummy = (sympy.Matrix if rank <= 2 else sympy.Array)(general.tolist())
    with_dummy = [x for x in pair if dummy in x.factors]
    phi = sympy.Integer(1)
    for x in pair:
        phi = phi * x.expression({**coords, dummy: value_of_dummy}, metric)
    phi = sympy.expand(phi)
    f = np.empty(shape, dtype=object)
    for idx in itertools.product(range(d), repeat=rank):
        f[idx] = sympy.diff(phi, general[idx]) * sympy.prod([metric[i] for i in idx])
    raw = f
    if not isinstance(output_type, str):
        elements = output_type.symmetry.elements
        projected = np.empty(shape, dtype=object)
        for idx in itertools.product(range(d), repeat=rank):
            projected[idx] = sum(
                sign * raw[tuple(idx[perm[a]] for a in range(rank))] for perm, sign in elements
            ) / len(elements)
        f = projected
        if output_type.traceless:  # subtract (η_{μν} f^{μν} / d) η^{μν}
            trace = sum(metric[i] * f[i, i] for i in range(d))
            for i in range(d):
                f[i, i] = f[i, i] - trace * metric[i] / d
    f = np.vectorize(sympy.expand, otypes=[object])(f)
    (c,) = with_dummy
    rest = [x for x in pair if x is not c]
    name = _free_index_name(c, dummy)
    if any(sympy.expand(a - b) != 0 for a, b in zip(f.flat, raw.flat)):  # the projection acted
        base = output_type.name.removeprefix("pseudo")
        label = "dev" if output_type.traceless else base if base in ("sym", "skew") else "proj"
        name = f"{label}({name})"
    if rest:
        name = f"{rest[0].name} {name}"
    value = sympy.Matrix(f.tolist()) if rank <= 2 else sympy.Array(f.tolist())
    source = pair if len(pair) == 2 else c
    return MinimalGenerator(name, beta[:-1], value, source)


def _free_index_name(c, dummy: str) -> str:
    """``c`` in index notation without the dummy ``D``, whose slots become the free indices
    ``i, j, …`` in slot order: ``A_{ijk}v_kD_{ij}`` gives ``A_{ijk}v_k``, ``v_kD_{iik}`` gives
    ``δ_{ij}v_k`` (a pair of the dummy's own slots is a Kronecker delta)."""
    from .matchings import _LETTERS, _slots

    slots = list(_slots(c.ranks))
    k = c.factors.index(dummy)
    own = list(slots[k])
    letter = {s: _LETTERS[a] for a, s in enumerate(own)}
    for s in own:  # the other end of a free index carries its letter
        letter.setdefault(c.matching[s], letter[s])
    parts = []
    for a, b in itertools.combinations(own, 2):
        if c.matching[a] == b:
            parts.append(f"δ_{{{letter[a]}{letter[b]}}}")
    for f, fslots in zip(c.factors, slots):
        if f == dummy:
            continue
        text = []
        for s in fslots:
            if s not in letter:
                letter[s] = letter[c.matching[s]] = _LETTERS[len(set(letter.values()))]
            text.append(letter[s])
        idx = "".join(text)
        parts.append(f"{f}_{idx}" if len(idx) == 1 else f"{f}_{{{idx}}}")
    return "".join(parts)


def even_part(candidates: list, types: dict, degree: int, inputs: int, dummy: bool) -> list:
    """Under an ``O`` group with pseudo-quantities, the invariants are the even part of the ring
    of contractions: the even candidates ``(contraction, multidegree, values mod p)`` and the
    products ``(a, b)`` of two odd ones, of input degree at most ``degree`` (over the first
    ``inputs`` entries) and, with a ``dummy``, of degree at most 1 in it."""
    odd = [x for x in candidates if _odd(x[0], types)]
    out = [x for x in candidates if not _odd(x[0], types)]
    for (a, da, va), (b, db, vb) in itertools.combinations_with_replacement(odd, 2):
        beta = tuple(x + y for x, y in zip(da, db))
        if sum(beta[:inputs]) <= degree and (not dummy or beta[-1] <= 1):
            out.append(((a, b), beta, va * vb % PRIME))
    return out


def multidegree_of(c, names: tuple[str, ...]) -> tuple[int, ...]:
    """The multidegree of a contraction or of a product ``(a, b)`` of two."""
    parts = c if isinstance(c, tuple) else (c,)
    return tuple(map(sum, zip(*(x.multidegree(names) for x in parts))))


def product_name(a, b) -> str:
    """The name of a product of two odd contractions: ``m²``, ``(A_{ii})²``, ``(A_{ii})*m``
    (a bare input name needs no parentheses)."""
    first, second = (x.name if x.name.isidentifier() else f"({x.name})" for x in (a, b))
    return f"{first}²" if a == b else f"{first}*{second}"


def _slot_type(i) -> str | TensorType:
    """The type of an input among the contractions of index slots: a tensor's object, a
    vector's name, a scalar's object of rank 0 (a contraction of one factor and no slot)."""
    if i.tensor is not None:
        return i.tensor
    return field_type(i.type) if i.type in ("scalar", "pseudoscalar") else i.type


def _odd(c, types) -> bool:
    """Whether ``c`` changes sign under reflections: an odd number of pseudo factors, ``ε``
    counting as one."""
    pseudo = sum(is_pseudo(types[f]) for f in c.factors if f in types)
    return (pseudo + (EPSILON in c.factors)) % 2 == 1


def traceless_entry(X, metric) -> object:
    """The entry ``X^{d-1,d-1}`` that makes ``X`` traceless for ``η``: ``η_{μν} X^{μν} = 0``
    (``η`` diagonal with entries ``±1``, each its own inverse). Works on one tensor (SymPy or
    object arrays, ``(d, d)``) and on batches ``(n, d, d)``."""
    d = len(metric)
    diagonal = [X[..., i, i] if isinstance(X, np.ndarray) else X[i, i] for i in range(d - 1)]
    return -metric[d - 1] * sum(m * x for m, x in zip(metric, diagonal))


def _tensor_points(G, types, count, seed) -> dict:
    """Random points mod p: vectors ``(count, d)``, tensors symmetrized over their index group
    (``Σ_g sign(g) g·X`` spans the tensor space), ``dev`` made traceless."""
    rng = np.random.default_rng(seed)
    d = G.d
    out = {}
    for name, t in types.items():
        if not isinstance(t, TensorType):
            out[name] = rng.integers(0, PRIME, size=(count, d))
            continue
        X = rng.integers(0, PRIME, size=(count,) + (d,) * t.rank)
        Y = np.zeros_like(X)
        for perm, sign in t.symmetry.elements:
            Y = (Y + sign * np.transpose(X, (0,) + tuple(1 + a for a in perm))) % PRIME
        if t.traceless:
            Y[:, d - 1, d - 1] = traceless_entry(Y, G.metric) % PRIME
        out[name] = Y
    return out


def tensor_coordinates(d: int, types: dict, metric: tuple[int, ...] | None = None) -> dict:
    """Component symbols of inputs of any rank: one symbol ``C_012`` per surviving orbit of
    index tuples (its least member), the others ``±`` it; vectors ``d × 1`` columns; scalars
    their name."""
    out = {}
    for name, t in types.items():
        if not isinstance(t, TensorType):
            out[name] = sympy.Matrix(sympy.symbols(f"{name}_0:{d}"))
            continue
        if t.rank == 0:  # a scalar: its own symbol, as on the vector path
            out[name] = sympy.Symbol(name)
            continue
        X = np.zeros((d,) * t.rank, dtype=object)
        for idx in t.symmetry.orbits(d):
            x = sympy.Symbol(f"{name}_" + "".join(map(str, idx)))
            for perm, sign in t.symmetry.elements:
                X[tuple(idx[a] for a in perm)] = sign * x
        if t.traceless:
            X[d - 1, d - 1] = traceless_entry(X, metric or (1,) * d)
        out[name] = sympy.Array(X.tolist()) if t.rank != 2 else sympy.Matrix(X.tolist())
    return out


def _type(name: str, t):
    if t == "vector":
        return "vector"
    if t == "scalar" or (isinstance(t, TensorType) and t.rank == 0 and not t.pseudo):
        return field_type("scalar")
    if isinstance(t, str) and t.removeprefix("pseudo") in ("scalar", "vector", "position"):
        tensor = None
    else:
        tensor = t if isinstance(t, TensorType) else parse_tensor_type(t)
    if tensor is None or tensor.rank != 2 or tensor.pseudo:
        what = t if isinstance(t, str) else t.name
        raise InvariantsError(
            f"input {name!r} of type {what!r}: with tensor inputs, minimal generators take "
            "scalars, vectors and rank-2 tensors (sym, skew, dev, matrix) here"
        )
    return tensor


def _blocks(degree: int, inputs: int, dummy: bool) -> list[tuple[int, ...]]:
    """The multidegrees of the selection, by total degree: over the inputs, and with a dummy
    one more entry, its degree 0 (the ring) or 1 (the module)."""
    return [
        b + ((e,) if dummy else ())
        for total in range(0 if dummy else 1, degree + 1)
        for e in ((0, 1) if dummy else (0,))
        for b in _compositions(total, inputs)
        if any(b) or e
    ]


def _compositions(total: int, parts: int):
    """Tuples of ``parts`` non-negative integers summing to ``total``, the first input's degree
    highest first."""
    out = []
    for cut in itertools.combinations(range(total + parts - 1), parts - 1):
        bounds = (-1,) + cut + (total + parts - 1,)
        out.append(tuple(bounds[k + 1] - bounds[k] - 1 for k in range(parts)))
    return sorted(out, reverse=True)


def _exponents(degrees: list[tuple[int, ...]], beta: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Exponent vectors ``e`` with ``Σ e_k · degrees[k] = beta`` (iterative, any length), in
    the order of a depth-first walk over ``e_0, e_1, …`` (the largest exponent first).

    A branch is dropped as soon as some input degree still to be reached has no generator left
    that raises it: only branches without a solution are cut, so the order is that of the walk.

    >>> _exponents([(1, 0), (0, 1), (1, 1)], (1, 1))
    [(1, 1, 0), (0, 0, 1)]
    """
    n = len(degrees)
    degs = [tuple(int(x) for x in g) for g in degrees]
    # dead[k]: the coordinates no generator k, k+1, … raises
    dead: list[list[int]] = [list(range(len(beta)))]
    for g in reversed(degs):
        dead.append([j for j in dead[-1] if not g[j]])
    dead.reverse()
    out = []
    stack = [(0, tuple(int(b) for b in beta), ())]
    while stack:
        k, rest, exps = stack.pop()
        if any(rest[j] for j in dead[k]):
            continue
        if k == n:
            out.append(exps)
            continue
        g, e = degs[k], 0
        while min(rest, default=0) >= 0:
            stack.append((k + 1, rest, exps + (e,)))
            if not any(g):
                break
            e += 1
            rest = tuple(a - b for a, b in zip(rest, g))
    return out


def _points(G, types, count, seed) -> dict:
    """Random integer inputs mod p with the symmetries of their types."""
    rng = np.random.default_rng(seed)
    d = G.d
    out = {}
    for name, t in types.items():
        if t == "vector":
            out[name] = rng.integers(0, PRIME, size=(count, d, 1))
            continue
        if t.rank == 0:  # a scalar
            out[name] = rng.integers(0, PRIME, size=count)
            continue
        X = rng.integers(0, PRIME, size=(count, d, d))
        kind = _kind(t)
        if kind == "sym":
            X = np.triu(X) + np.transpose(np.triu(X, 1), (0, 2, 1))
        elif kind == "skew":
            X = (np.triu(X, 1) - np.transpose(np.triu(X, 1), (0, 2, 1))) % PRIME
        if t.traceless:
            X[:, d - 1, d - 1] = traceless_entry(X, G.metric) % PRIME
        out[name] = X % PRIME
    return out


def _matmul(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Batched matrix product mod p in int64 (one reduction per summand)."""
    out = np.zeros(A.shape[:-1] + B.shape[-1:], dtype=np.int64)
    for k in range(A.shape[-1]):
        out = (out + A[..., :, k : k + 1] * B[..., k : k + 1, :] % PRIME) % PRIME
    return out


def _value(c, points: dict, metric) -> np.ndarray:
    """Values mod p of a contraction at every point (one evaluator: ``c.evaluate``)."""
    n = len(next(iter(points.values())))
    return np.asarray(c.evaluate(points, _mod_p_ops(n).bind(metric))) % PRIME


def _mod_p_ops(n: int) -> Ops:
    def product(factors, sign):
        out = np.full(n, sign % PRIME, dtype=np.int64)
        for f in factors:
            out = out * f % PRIME
        return out

    return Ops(
        mul=_matmul,
        transpose=lambda A: A.transpose(0, 2, 1),
        trace=lambda A: np.trace(A, axis1=1, axis2=2) % PRIME,
        entry=lambda A, i, j: A[:, i, j],
        product=product,
        add=lambda a, b: (a + b) % PRIME,
        diag=lambda m: np.broadcast_to(
            np.diag(np.array(m, dtype=np.int64) % PRIME), (n,) + (len(m),) * 2
        ),
        eye=lambda k: np.broadcast_to(np.eye(k, dtype=np.int64), (n, k, k)),
        batched=True,
        reduce=lambda x: x % PRIME,
    )


def _product(exps: tuple[int, ...], values: list[np.ndarray]) -> np.ndarray:
    out = np.ones_like(values[0]) if values else None
    for v, e in zip(values, exps):
        for _ in range(e):
            out = out * v % PRIME
    return out


def _rank(rows: list[np.ndarray]) -> int:
    if not rows:
        return 0
    rank, _ = rank_and_pivots(np.ascontiguousarray(np.array(rows).T), PRIME)
    return rank


def coordinates(
    d: int, inputs: dict, metric: tuple[int, ...] | None = None
) -> dict[str, sympy.Matrix]:
    """Component symbols of every input, as ``d × 1`` columns and ``d × d`` matrices."""
    out = {}
    for name, t in inputs.items():
        if t == "vector":
            out[name] = sympy.Matrix(sympy.symbols(f"{name}_0:{d}"))
            continue
        t = _type(name, t)
        if t.rank == 0:
            out[name] = sympy.Symbol(name)
            continue
        kind = _kind(t)
        X = sympy.zeros(d, d)
        for i in range(d):
            for j in range(d):
                if kind == "matrix" or i < j:
                    X[i, j] = sympy.Symbol(f"{name}_{i}{j}")
                elif i == j and kind == "sym":
                    X[i, j] = sympy.Symbol(f"{name}_{i}{i}")
        for i in range(d):
            for j in range(i):
                if kind != "matrix":
                    X[i, j] = X[j, i] if kind == "sym" else -X[j, i]
        if t.traceless:
            X[d - 1, d - 1] = traceless_entry(X, metric or (1,) * d)
        out[name] = X
    return out
