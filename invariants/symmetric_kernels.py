"""Batched evaluation of orbit sums over identical particles (``G × S_n``), without expanding them.

A symmetric basis element is the *orbit sum* of a representative :class:`~invariants.BasisTerm`
(a monomial in the generators of the expanded problem, inputs ``m1…mn, x1…xn``) under the
permutations of the particles of each class: the sum of its distinct images, each with the sign a
permutation puts on a bracket. If some permutation maps the term to minus itself, the orbit sum is
zero (it is its own negative).

Evaluating it term by term costs one monomial per image (up to ``n!/(n-k)!`` of them for a term on
``k`` particles). Here every generator *family* is computed once as an array over particle indices
(``m_i`` as ``(N, n)``, the Gram block ``x_i·x_j`` as ``(N, n, n)``, brackets ``[x_i,x_j,x_k]`` as
``(N, n, n, n)``, seeds ``x_i`` as ``(N, n, d)``), and each orbit sum is a few ``einsum`` calls
over the particle slots its representative uses, restricted to distinct particles by
inclusion–exclusion (Möbius inversion over set partitions of the slots: ``Σ_{i≠j} m_i m_j =
(Σ m)² − Σ m²``; each unrestricted sum is an ``einsum`` that factorizes). This sums the term over
all injective maps ``f`` of its ``k`` used particles into the ``n`` of their class; each distinct
image appears ``c`` times, ``c`` = (number of injective maps) / (number of distinct images), the
order of the stabilizer (orbit–stabilizer theorem), so the
orbit sum is that einsum divided by ``c``.

The einsum is invariant under permuting the particles in the data up to round-off: a
permutation of the data only reorders the summands.

>>> import numpy as np
>>> from invariants.particles import parse_spec
>>> B = symmetric_basis("O(3)", "3*(m:scalar; x:vector)", output="scalar", degree=3)
>>> [t.name for t in B.terms][:4]
['1', 'Σ_i m_i', 'Σ_i m_i^2', 'Σ_{i<j} m_i m_j']
>>> rng = np.random.default_rng(0)
>>> m, x = rng.normal(size=(4, 3)), rng.normal(size=(4, 3, 3))
>>> K = B.lambdify()
>>> v = K(m=m, x=x)  # stacked per field: m (N, 3), x (N, 3, 3)
>>> bool(np.allclose(v[:, 1], m.sum(axis=1)))
True
>>> bool(np.allclose(v, K(m=m[:, ::-1], x=x[:, ::-1])))  # permuting the particles
True
"""

from __future__ import annotations

import itertools
import math
import string
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .basis import Basis, BasisTerm
from .errors import InvariantsError
from .kernels import _prepare, _tensor_shape, _to_numpy
from .orbit_names import orbit_name

__all__ = [
    "Orbit",
    "SymmetricBasis",
    "SymmetricKernel",
    "orbit",
    "symmetric_basis",
    "stack_inputs",
]


# ---------------------------------------------------------------------------------------------
# Orbits of a term under the particle permutations


@dataclass(frozen=True)
class Orbit:
    """The orbit of a representative term: its distinct images (sorted ``(generator, exponent)``
    pairs) with signs, and ``multiplicity`` = injective maps of its particles per image."""

    images: tuple[tuple[tuple[tuple[int, int], ...], int], ...]
    multiplicity: int
    vanishes: bool


def _particle_of(problem, identical) -> dict[int, tuple[int, int, int]]:
    """Variable index -> (class, particle, field) for the variables of identical particles."""
    where = {}
    for c, cls in enumerate(identical):
        for k, particle in enumerate(cls):
            for f, inp in enumerate(particle):
                where[inp] = (c, k, f)
    out = {}
    for i, v in enumerate(problem.variables):
        if v.origin is not None:
            raise InvariantsError(  # symmetric_basis centres them (symmetric_positions)
                f"positions under {problem.group.name} reach the orbits only relative to a "
                "centroid; build the basis with invariants.basis or symmetric_basis"
            )
        if v.role == "dummy" or v.source not in where:
            continue
        out[i] = where[v.source]
    return out


def _variable_of(problem, identical) -> dict[tuple[int, int, int], int]:
    return {key: i for i, key in _particle_of(problem, identical).items()}


def _used_particles(problem, factors, particle_of) -> list[tuple[int, int]]:
    gens = problem.generators
    used = set()
    for g, _ in factors:
        basic = gens[g].args if gens[g].kind == "product" else (g,)
        for b in basic:
            for a in gens[b].args:
                if a in particle_of:
                    c, k, _ = particle_of[a]
                    used.add((c, k))
    return sorted(used)


def orbit(problem, identical, factors) -> Orbit:
    """The orbit of the monomial ``factors`` (``(generator, exponent)`` pairs) under the
    permutations of the particles of each class in ``identical`` (as
    :attr:`invariants.particles.Spec.identical`).

    >>> from invariants.particles import parse_spec
    >>> from invariants.problem import make_problem
    >>> s = parse_spec("3*p:vector")
    >>> P = make_problem("SO(3)", s.inputs, "scalar")
    >>> g = P.generators.index(next(g for g in P.generators if g.kind == "bracket"))
    >>> orbit(P, s.identical, ((g, 1),)).vanishes  # [p1,p2,p3] is alternating under S_3
    True
    """
    particle_of = _particle_of(problem, identical)
    variable_of = {key: i for i, key in particle_of.items()}
    used = _used_particles(problem, factors, particle_of)
    sizes = [len(cls) for cls in identical]
    by_class: dict[int, list[int]] = {}
    for c, k in used:
        by_class.setdefault(c, []).append(k)
    classes = sorted(by_class)
    images: dict[tuple, int] = {}
    vanishes = False
    maps = 0
    for choice in itertools.product(
        *(itertools.permutations(range(sizes[c]), len(by_class[c])) for c in classes)
    ):
        maps += 1
        perm: dict[int, int] = {}
        for c, targets in zip(classes, choice):
            for k, t in zip(by_class[c], targets):
                for f in range(len(identical[c][k])):
                    perm[variable_of[(c, k, f)]] = variable_of[(c, t, f)]
        image: dict[int, int] = {}
        sign = 1
        for g, e in factors:
            target, s = problem.permute_generator(g, perm)
            image[target] = image.get(target, 0) + e
            sign *= s**e
        key = tuple(sorted(image.items()))
        if key in images and images[key] != sign:
            vanishes = True
        images.setdefault(key, sign)
    return Orbit(tuple(sorted(images.items())), maps // len(images), vanishes)


def orbit_sum(images, values, p: int | None = None):
    """``Σ ± Π values[g]^e`` over the ``images`` of an orbit (:attr:`Orbit.images`): mod ``p``
    for rows of residues (arrays over points), exactly for ``p=None`` (Python integers)."""
    total = 0
    for image, sign in images:
        term = 1
        for g, e in image:
            for _ in range(e):
                term = term * values[g] if p is None else term * values[g] % p
        total = total + sign * term if p is None else (total + sign * term) % p
    return total


# ---------------------------------------------------------------------------------------------
# Symmetric bases


@dataclass(frozen=True, eq=False)
class SymmetricBasis(Basis):
    """Orbit sums of representative terms (``terms``) under the particle permutations.

    ``spec`` is the parsed :class:`~invariants.particles.Spec`; ``orbits[j]`` the orbit of
    ``terms[j]``. ``lambdify()`` gives a :class:`SymmetricKernel`; :func:`invariants.fit` takes
    the basis with data per input (``m1``, ``x1``, …) or stacked per field (``m`` of shape
    ``(N, n)``, ``x`` of shape ``(N, n, d)``).
    """

    spec: object = None
    orbits: tuple[Orbit, ...] = ()
    #: The specification as written (``"5*(m:scalar; x:vector)"``).
    source: str = ""
    #: Positions under translations (:mod:`invariants.symmetric_positions`): the group as asked
    #: (``problem`` is then the vector problem of its linear part) and ``centre`` = (the inputs
    #: whose centroid is the origin, the position inputs taken relative to it).
    translation_group: object = None
    centre: tuple = ()

    @property
    def group(self):
        return self.translation_group or self.problem.group

    @property
    def data_inputs(self):
        """The inputs as written: positions stay positions (the problem has them as vectors)."""
        if self.translation_group is None:
            return super().data_inputs
        from .particles import parse_spec

        return parse_spec(self.source).inputs

    def at_degree(self, degree: int) -> SymmetricBasis:
        """The symmetric basis of the same group, particles and output at another degree."""
        if degree == self.degree:
            return self
        return symmetric_basis(self.group, self.source, self.output, degree)

    @cached_property
    def invariants(self):
        """Each orbit sum as an invariant polynomial in input and dummy coordinates."""
        import sympy

        gens = self.problem.generator_expressions()
        out = []
        for o in self.orbits:
            total = sympy.Integer(0)
            for factors, sign in o.images:
                expr = sympy.Integer(sign)
                for g, e in factors:
                    expr *= gens[g] ** e
                total += expr
            out.append(sympy.expand(total))
        return tuple(out)

    def orbit_parts(self) -> list:
        """``(Σ_images sign × scalar part × seed, 1)`` per orbit sum, in the named symbols of
        :func:`invariants.fitting.term_parts`: a fitted model's formula is then written out
        over the particles (``m1*(x1·x1)*η + … + m5*(x5·x5)*η``)."""
        import sympy

        from .names import term_name
        from .orbit_names import centred

        out = []
        for o in self.orbits:
            total = sympy.Integer(0)
            for factors, sign in o.images:
                name = term_name(self.problem, factors)
                scalar = sympy.Mul(
                    *(sympy.Symbol(centred(n, self.centre)) ** e for n, e in name.scalars)
                )
                seed = sympy.Symbol(centred(name.seed, self.centre)) if name.seed else 1
                total += sign * scalar * seed
            out.append((total, sympy.Integer(1)))
        return out

    def lambdify(self, backend: str = "numpy", dtype=np.float64, mode: str = "auto"):
        """The :class:`SymmetricKernel` (``mode`` as in :data:`MODES`)."""
        if backend != "numpy":
            raise InvariantsError("symmetric kernels run on the 'numpy' back end only so far")
        return SymmetricKernel(self, dtype, mode)

    def expand_data(self, inputs):
        """Data per input name, accepting fields stacked over particles (:func:`stack_inputs`)."""
        return stack_inputs(self.spec, self.group.d, inputs)

    def expanded_kernel(self):
        """The term-by-term evaluator (every image through the plain kernel), the baseline."""
        return _ExpandedKernel(self)


def _representatives(report, spec, centre=()) -> tuple[list[BasisTerm], list[Orbit]]:
    """One term per orbit of the plain basis of the expanded problem, non-vanishing orbits only:
    the Reynolds operator maps a spanning set onto a spanning set of the symmetric part, so these
    span it; :func:`invariants.symmetric_positions.independent_orbit_sums` then keeps an
    independent subset of the right size (relations of the plain generators can make distinct
    orbit sums dependent)."""
    from .basis import basis

    plain = basis(report.problem.group, spec.inputs, report.problem.output, report.degree)
    seen: set = set()
    terms, orbits = [], []
    for t in plain.terms:
        o = orbit(plain.problem, spec.identical, t.factors)
        key = tuple(f for f, _ in o.images)
        if key in seen:
            continue
        seen.add(key)
        if o.vanishes:
            continue
        if plain.problem.output == "skew":
            # the output is the antisymmetric part ½(φ(u,w) − φ(w,u)): if swapping the dummies
            # maps the orbit to ± itself, the orbit sum is zero or a duplicate
            swapped, sign = _swapped(plain.problem, t.factors)
            images = dict(o.images)
            if swapped in images and sign * images[swapped] == 1:
                continue
            seen.add(tuple(sorted(_swapped(plain.problem, f)[0] for f in images)))
        name = orbit_name(plain.problem, spec, t.factors, centre)
        terms.append(BasisTerm(t.monomial, t.multidegree, name, t.factors))
        orbits.append(o)
    return terms, orbits


def _swapped(problem, factors) -> tuple[tuple[tuple[int, int], ...], int]:
    """Image (factors, sign) of a monomial when the two dummies of a skew output are swapped."""
    target, signs = problem.dummy_swap
    image: dict[int, int] = {}
    sign = 1
    for g, e in factors:
        image[int(target[g])] = image.get(int(target[g]), 0) + e
        sign *= int(signs[g]) ** e
    return tuple(sorted(image.items())), sign


def symmetric_basis(
    group, inputs: str, output: str = "scalar", degree: int = 4, *, seed: int = 0, features=()
) -> SymmetricBasis:
    """Orbit sums spanning the ``G × S_n`` invariants (equivariants) up to ``degree``, for a
    specification with identical particles (``"5*(m:scalar; x:vector)"``); the same as
    :func:`invariants.basis` on such a specification. Names: :mod:`invariants.orbit_names`.

    >>> B = symmetric_basis("O(3)", "5*(m:scalar; x:vector)", output="sym", degree=3)
    >>> len(B), [t.name for t in B.terms][:3]
    (19, ['η', 'Σ_i m_i η', 'Σ_i m_i^2 η'])
    """
    from .features import parse_features
    from .groups import parse_group
    from .particles import parse_spec
    from .verify import verify

    if not isinstance(inputs, str):
        raise InvariantsError(
            f"identical particles are given as a specification string such as "
            f"'5*(m:scalar; x:vector)', got {type(inputs).__name__}"
        )
    spec = parse_spec(inputs)
    if not spec.identical:
        raise InvariantsError(
            f"{inputs!r} declares no identical particles; write e.g. '5*(m:scalar; x:vector)' "
            "or use invariants.basis"
        )
    tensors = [f"{i.name}:{i.type}" for i in spec.inputs if i.tensor is not None]
    if tensors:
        raise InvariantsError(
            f"tensor inputs ({tensors[0]}, …) are not supported with identical particles (N*…) "
            "yet; identical particles take scalar, pseudoscalar, vector and pseudovector fields"
        )
    if parse_features(features):
        raise InvariantsError(
            "features (norms, cosines) are not supported with identical particles (N*…) yet; "
            "pass features=() or write the particles as distinct inputs"
        )
    if parse_group(group).translations and any(i.type == "position" for i in spec.inputs):
        from .symmetric_positions import centred_basis

        return centred_basis(group, spec, inputs, output, degree, seed)
    from .symmetric_positions import independent_orbit_sums

    report = verify(group, spec.inputs, output, degree, seed=seed)
    terms, orbits = _representatives(report, spec)
    B = SymmetricBasis(report, tuple(terms), (), spec, tuple(orbits), inputs)
    return independent_orbit_sums(B, parse_group(group), inputs, output, degree, seed)


# ---------------------------------------------------------------------------------------------
# Data: per input or stacked per field


def stack_inputs(spec, d: int, inputs) -> dict:
    """Data per expanded input (``m1``, ``x1``, …) from a dict that gives each particle field
    either per input or stacked over the particles (``m``: ``(N, n)``, ``x``: ``(N, n, d)``);
    the other inputs pass through. Mixing both forms for one field is refused.

    >>> from invariants.particles import parse_spec
    >>> s = parse_spec("2*(m:scalar; x:vector)")
    >>> out = stack_inputs(s, 3, {"m": np.ones((4, 2)), "x": np.zeros((4, 2, 3))})
    >>> sorted(out), out["x2"].shape
    (['m1', 'm2', 'x1', 'x2'], (4, 3))
    """
    from collections.abc import Mapping

    if not isinstance(inputs, Mapping):
        return inputs
    return _stack_fields(_fields_of(spec), d, dict(inputs), InvariantsError)


def _fields_of(spec) -> tuple:
    """``(field name, type, input names over the particles)`` of every particle field (names
    are field + particle number)."""
    return tuple(
        (spec.inputs[cls[0][f]].name[:-1], spec.inputs[cls[0][f]].type)
        + (tuple(spec.inputs[p[f]].name for p in cls),)
        for cls in spec.identical
        for f in range(len(cls[0]))
    )


# ---------------------------------------------------------------------------------------------
# The kernel


_LETTERS = string.ascii_letters.replace("A", "")  # 'a' is the batch, 'A' the injective maps
#: How each orbit sum is summed over distinct particles: by a cost model, or forced (tests).
MODES = ("auto", "inclusion-exclusion", "gather")
#: The fixed cost of one einsum call, in element operations (about 10 µs).
CALL_COST = 10_000
#: The cost of one element gathered at the injective maps, in element operations: fancy
#: indexing writes a fresh (N, maps) array (page faults on first touch), measured about 4 ns
#: per element against 0.4 ns per element of an einsum.
GATHER_COST = 10


@dataclass(frozen=True)
class _TermPlan:
    operands: tuple  # (family key, subscripts)
    merges: list  # inclusion–exclusion: (coefficient, letter merge)
    tensor: list  # (letter, dummy index) of the output axes
    out: str  # output tensor letters
    multiplicity: int
    vanishes: bool
    gather: dict | None  # slot letter -> particle index at each injective map
    ie_flops: float  # per sample
    gather_flops: float  # per sample


def _flops(expr: str, sizes: dict) -> float:
    """Per-sample cost of an einsum over the given letter sizes (its greedy contraction)."""
    inputs = expr.split("->")[0].split(",")
    ops = [np.zeros((1,) + tuple(sizes[x] for x in sub[1:])) for sub in inputs]
    reduced, small = _private_sums(expr, ops)
    pre = sum(a.size for a, b in zip(ops, small) if a is not b)  # the sums done first
    text = np.einsum_path(reduced, *small, optimize="greedy")[1]
    line = next(x for x in text.splitlines() if "Optimized FLOP count" in x)
    return pre + float(line.split(":")[1])


class SymmetricKernel:
    """``K(**inputs)`` evaluates every orbit sum of a :class:`SymmetricBasis` on a batch:
    shape ``(..., len(B))``, ``(..., len(B), d)`` or ``(..., len(B), d, d)``, like
    :class:`invariants.kernels.Kernel`. Inputs per expanded input or stacked per field."""

    def __init__(self, B: SymmetricBasis, dtype=np.float64, mode: str = "auto"):
        from .kernels import _numpy_dtype

        if mode not in MODES:
            raise InvariantsError(f"unknown mode {mode!r}; accepted: {', '.join(MODES)}")
        self.mode = mode
        self.B = B
        self.dtype = _numpy_dtype(dtype).type
        self.plans = [self._plan(t, o) for t, o in zip(B.terms, B.orbits)]
        self._paths: dict = {}

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.B.terms)

    def __len__(self) -> int:
        return len(self.B.terms)

    def _plan(self, term: BasisTerm, o: Orbit):
        """Operands ``(family key, subscripts)`` of the einsum of one orbit sum."""
        problem = self.B.problem
        gens = problem.generators
        identical = self.B.spec.identical
        particle_of = _particle_of(problem, identical)
        dummies = [i for i, v in enumerate(problem.variables) if v.role == "dummy"]
        used = _used_particles(problem, term.factors, particle_of)
        slot = {p: _LETTERS[1 + j] for j, p in enumerate(used)}  # 'a' is the batch
        free = iter(_LETTERS[1 + len(used) :])
        operands: list[tuple[tuple, str]] = []
        tensor: list[tuple[str, int]] = []  # (letter, dummy index) of the output axes

        def ref(a):
            """(family part, subscript) of a variable argument."""
            if a in particle_of:
                c, k, f = particle_of[a]
                return ("field", c, f), slot[(c, k)]
            return ("input", a), ""

        for g, e in term.factors:
            basic = gens[g].args if gens[g].kind == "product" else (g,)
            for b in basic:
                gen = gens[b]
                for _ in range(e):
                    dum = [a for a in gen.args if a in dummies]
                    if gen.kind == "dot" and len(dum) == 2:  # u·u or u·w: the seed η (_seed)
                        continue
                    if gen.kind == "scalar":
                        if dum:  # the pseudoscalar dummy: ∂φ/∂(dummy) drops it
                            continue
                        part, sub = ref(gen.args[0])
                        operands.append((("scalar", part), sub))
                        continue
                    parts, subs, letters = [], [], []
                    for a in gen.args:
                        if a in dummies:
                            parts.append(("dummy", dummies.index(a)))
                            letter = next(free)
                            letters.append(letter)
                            tensor.append((letter, dummies.index(a)))
                            subs.append("")
                        else:
                            part, sub = ref(a)
                            parts.append(part)
                            subs.append(sub)
                    operands.append(((gen.kind, tuple(parts)), "".join(subs) + "".join(letters)))
        by_class: dict[int, list[str]] = {}
        for (c, _k), letter in slot.items():
            by_class.setdefault(c, []).append(letter)
        merges = _inclusion_exclusion(list(by_class.values()))
        # The alternative: gather the families at every injective map of the slots (one
        # einsum over the maps; cheaper than inclusion–exclusion for few particles).
        sizes = {letter: len(identical[c]) for (c, _k), letter in slot.items()}
        sizes.update({letter: problem.group.d for letter, _ in tensor})
        choices = [
            itertools.permutations(range(len(identical[c])), len(letters))
            for c, letters in by_class.items()
        ]
        order = [letter for letters in by_class.values() for letter in letters]
        maps = np.array([sum(m, ()) for m in itertools.product(*choices)], dtype=np.intp)
        gather = {letter: maps[:, k] for k, letter in enumerate(order)} if order else None
        out = "".join(letter for letter, _ in sorted(tensor, key=lambda t: t[1]))
        ie_flops = sum(
            _flops(",".join("a" + sub.translate(m) for _, sub in operands) + "->a" + out, sizes)
            for _, m in merges
            if operands
        )
        tsize = problem.group.d ** len(tensor)
        gathered = sum(1 for _, sub in operands if any(x in gather for x in sub)) if order else 0
        gather_flops = len(maps) * (GATHER_COST * gathered + len(operands) + 1) * tsize
        return _TermPlan(
            operands,
            merges,
            tensor,
            out,
            o.multiplicity,
            o.vanishes,
            gather,
            ie_flops,
            gather_flops,
        )

    @cached_property
    def sources(self) -> dict:
        """Where each operand's array comes from: a particle field ``("field", c, f)`` -> the
        input names over the particles, another input ``("input", variable)`` -> its name."""
        problem, identical = self.B.problem, self.B.spec.identical
        names = [i.name for i in problem.inputs]
        out: dict = {}
        for plan in self.plans:
            for (kind, parts), _ in plan.operands:
                for part in (parts,) if kind == "scalar" else parts:
                    if part[0] == "field":
                        _, c, f = part
                        out[part] = tuple(names[p[f]] for p in identical[c])
                    elif part[0] == "input":
                        out[part] = names[problem.variables[part[1]].source]
        return out

    @cached_property
    def fields(self) -> tuple:
        """``(field name, type, input names over the particles)`` of every particle field."""
        return _fields_of(self.B.spec)

    def __call__(self, *args, **inputs):
        if args:
            raise InvariantsError("pass the inputs by name (per input or stacked per field)")
        B = self.B
        spec = [(i.name, i.type) for i in B.problem.inputs]
        return _evaluate_batch(
            spec,
            self.fields,
            self.sources,
            self.plans,
            B.group.d,
            B.output,
            tuple(B.problem.group.metric),
            self.dtype,
            self.mode,
            self._paths,
            inputs,
            InvariantsError,
            B.centre,
        )


# The evaluation: module-level functions of plain data only (NumPy), so that export_module
# copies them verbatim into a standalone module that runs the same code.

_VEC = ("vector", "pseudovector", "position")


def _evaluate_batch(
    spec, fields, sources, plans, d, output, metric, dtype, mode, paths, inputs, error, centre=()
):
    """Check and stack the inputs, evaluate every orbit sum; the result has the batch axes.
    ``centre = (origin names, position names)``: positions relative to the origins' centroid."""
    data = _stack_fields(fields, d, inputs, error)
    arrays, batch = _prepare(spec, d, data, lambda n, x: _to_numpy(n, x, dtype, error), error)
    if centre:
        origin, positions = centre
        mean = sum(arrays[name] for name in origin) / len(origin)
        for name in positions:
            arrays[name] = arrays[name] - mean
    N = 1
    for k in batch:
        N *= k
    flat = {}
    for name, type_ in spec:
        vec = (d,) if type_ in _VEC else ()
        flat[name] = np.broadcast_to(arrays[name], batch + vec).reshape((N,) + vec)
    eta = np.asarray(metric, dtype=dtype)
    out = _evaluate(plans, sources, flat, N, d, output, eta, dtype, mode, paths)
    return out.reshape(batch + out.shape[1:])


def _stack_fields(fields, d, inputs, error):
    """Data per expanded input from a dict giving each particle field ``(name, type, input
    names)`` per input or stacked over the particles (``(N, n)``, ``(N, n, d)``)."""
    if not isinstance(inputs, dict):
        return inputs
    out = dict(inputs)
    for field_name, type_, names in fields:
        if field_name not in out:
            continue
        clash = [k for k in names if k in out]
        if clash:
            raise error(
                f"field {field_name!r} is given both stacked and per particle ({clash[0]!r}); "
                "pass one form"
            )
        a = np.asarray(out.pop(field_name))
        n, vec = len(names), type_ in _VEC
        want = f"(N, {n}, {d})" if vec else f"(N, {n})"
        axis = a.ndim - (2 if vec else 1)
        if axis < 0 or a.shape[axis] != n or (vec and a.shape[-1] != d):
            raise error(
                f"stacked field {field_name!r} ({type_}) of {n} particles: expected "
                f"shape {want}, got {a.shape}"
            )
        for k, name in enumerate(names):
            out[name] = np.take(a, k, axis=axis)
    return out


def _use_gather(mode, plan, N):
    """Gather at the injective maps, or inclusion–exclusion: the cheaper by a cost model
    (element operations, plus a fixed cost ``CALL_COST`` per einsum call)."""
    if mode != "auto":
        return mode == "gather"
    ie = N * plan.ie_flops + CALL_COST * len(plan.merges)
    return N * plan.gather_flops + CALL_COST < ie


def _private_sums(expr, ops):
    """Sum each operand over the letters that neither another operand nor the output has, first:
    ``Σ_{ijkl} G_ij G_kl = (Σ_ij G_ij)(Σ_kl G_kl)``. ``einsum`` would loop over all of them
    at once (``n⁴`` per sample here instead of ``2n²``)."""
    inputs, out = expr.split("->")
    subs = inputs.split(",")
    new_subs, new_ops = [], []
    for k, (sub, op) in enumerate(zip(subs, ops)):
        others = set(out).union(*(set(x) for j, x in enumerate(subs) if j != k))
        keep = "".join(dict.fromkeys(x for x in sub if x in others))
        if keep != sub:
            op = np.einsum(sub + "->" + keep, op)
        new_subs.append(keep)
        new_ops.append(op)
    return ",".join(new_subs) + "->" + out, new_ops


def _einsum(paths, expr, ops):
    """``einsum`` with its contraction order planned once per expression and shapes (after the
    sums private to one operand)."""
    expr, ops = _private_sums(expr, ops)
    if len(ops) <= 2:  # no order to choose: the C loop, without the path machinery's overhead
        return np.einsum(expr, *ops)
    key = (expr,) + tuple(o.shape for o in ops)
    path = paths.get(key)
    if path is None:
        path = paths[key] = np.einsum_path(expr, *ops, optimize="greedy")[0]
    return np.einsum(expr, *ops, optimize=path)


def _evaluate(plans, sources, flat, N, d, output, eta, dtype, mode, paths):
    """Every orbit sum at ``N`` samples ``flat`` (input name -> ``(N,)`` or ``(N, d)``)."""
    cache = {}

    def field_array(part):
        """(N, n) or (N, n, d) for a particle field; (N,) or (N, d) for another input."""
        if part not in cache:
            source = sources[part]
            if part[0] == "field":
                cache[part] = np.stack([flat[name] for name in source], axis=1)
            else:
                cache[part] = flat[source]
        return cache[part]

    def family(key):
        if key in cache:
            return cache[key]
        kind, parts = key
        if kind == "scalar":
            value = field_array(parts)
        elif kind == "dot" and any(p[0] == "dummy" for p in parts):
            # v·u = vᵀηu: the seed η ∂φ/∂u = η η v = v
            (other,) = [p for p in parts if p[0] != "dummy"]
            value = field_array(other)
        elif kind == "dot":  # the η-weighted Gram block, by batched matrix products
            a, b = (field_array(p) for p in parts)
            a = a * eta
            if a.ndim == 3 and b.ndim == 3:  # (N, n, d) · (N, n', d) -> (N, n, n')
                value = np.matmul(a, np.swapaxes(b, 1, 2))
            elif a.ndim == 3:
                value = np.matmul(a, b[:, :, None])[:, :, 0]
            elif b.ndim == 3:
                value = np.matmul(b, a[:, :, None])[:, :, 0]
            else:
                value = np.einsum("az,az->a", a, b)
        else:  # bracket: ε contracted with its arguments; the dummy axes stay free
            coords = _LETTERS[27 : 27 + d]
            particles = iter(_LETTERS[1:26])
            subs, ops, out_sub, tensor_sub = [], [], "", ""
            for part, t in zip(parts, coords):
                if part[0] == "dummy":
                    tensor_sub += t
                    continue
                p = next(particles) if part[0] == "field" else ""
                out_sub += p
                subs.append("a" + p + t)
                ops.append(field_array(part))
            value = np.einsum(
                coords + "," + ",".join(subs) + f"->a{out_sub}{tensor_sub}",
                _levi_civita(d, dtype),
                *ops,
            )
            value = _apply_eta(value, eta, len(tensor_sub))  # the seed is η ∂φ/∂u
        cache[key] = value
        return value

    result = np.zeros((N, len(plans)) + _tensor_shape(output, d), dtype=dtype)
    for j, plan in enumerate(plans):
        if plan.vanishes:
            continue
        operands, tensor, out = plan.operands, plan.tensor, plan.out
        ops = [family(key) for key, _ in operands]
        if not ops:
            value = np.ones(N, dtype=dtype)
        elif plan.gather is not None and _use_gather(mode, plan, N):
            subs, gathered = [], []
            for (_, sub), F in zip(operands, ops):
                slots = [x for x in sub if x in plan.gather]
                rest = "".join(x for x in sub if x not in plan.gather)
                if slots:
                    gathered.append(F[(slice(None),) + tuple(plan.gather[x] for x in slots)])
                    subs.append("a" + "A" + rest)
                else:
                    gathered.append(F)
                    subs.append("a" + rest)
            value = _einsum(paths, ",".join(subs) + "->a" + out, gathered)
        else:
            value = 0
            for coefficient, merge in plan.merges:
                expr = ",".join("a" + sub.translate(merge) for _, sub in operands) + "->a" + out
                value = value + coefficient * _einsum(paths, expr, ops)
        value = _seed(output, value, tensor, eta, d)
        result[:, j] = value / plan.multiplicity
    return result


def _apply_eta(value: np.ndarray, eta: np.ndarray, axes: int) -> np.ndarray:
    """Multiply each of the last ``axes`` axes by the (diagonal) metric η."""
    for k in range(axes):
        shape = [1] * value.ndim
        shape[value.ndim - axes + k] = len(eta)
        value = value * eta.reshape(shape)
    return value


def _seed(output: str, value: np.ndarray, tensor, eta, d: int) -> np.ndarray:
    """The scalar-part einsum (with its linear factors' axes) as the output tensor."""
    if output in ("sym", "matrix", "skew"):
        if value.ndim == 1:  # u·u or u·w: the seed η
            value = value[:, None, None] * np.diag(eta)
        if output == "sym":
            value = (value + np.swapaxes(value, 1, 2)) / 2
        elif output == "skew":
            value = (value - np.swapaxes(value, 1, 2)) / 2
    return value


def _levi_civita(d: int, dtype) -> np.ndarray:
    eps = np.zeros((d,) * d, dtype=dtype)
    for perm in itertools.permutations(range(d)):
        sign = 1
        p = list(perm)
        for i in range(d):
            for j in range(i + 1, d):
                if p[i] > p[j]:
                    sign = -sign
        eps[perm] = sign
    return eps


def _set_partitions(items: list) -> list[list[list]]:
    """Every partition of ``items`` into non-empty blocks."""
    if not items:
        return [[]]
    first, rest = items[0], items[1:]
    out = []
    for p in _set_partitions(rest):
        out.append([[first]] + p)
        for k in range(len(p)):
            out.append(p[:k] + [[first] + p[k]] + p[k + 1 :])
    return out


def _inclusion_exclusion(classes: list[list[str]]) -> list[tuple[int, dict]]:
    """The sum over pairwise distinct particle slots (within each class) as a signed sum of
    unrestricted sums, ``(coefficient, letter merge)``: Möbius inversion on the lattice of set
    partitions, ``Σ_{distinct} = Σ_π μ(0̂, π) Σ_{maps constant on the blocks of π}`` with
    ``μ(0̂, π) = Π_blocks (−1)^{|b|−1} (|b|−1)!`` (Rota, "On the foundations of combinatorial
    theory I", 1964). Each unrestricted sum factorizes in ``einsum`` (``Σ_{i≠j} m_i m_j =
    (Σ m)² − Σ m²``)."""
    out = [(1, {})]
    for letters in classes:
        step = []
        for partition in _set_partitions(letters):
            mu = math.prod((-1) ** (len(b) - 1) * math.factorial(len(b) - 1) for b in partition)
            merge = {ord(x): b[0] for b in partition for x in b}
            step.append((mu, merge))
        out = [(c1 * c2, {**m1, **m2}) for c1, m1 in out for c2, m2 in step]
    return out


class _ExpandedKernel:
    """Orbit sums term by term: every distinct image through the plain compiled kernel."""

    def __init__(self, B: SymmetricBasis):
        from .kernels import compile_kernel

        images, rows, signs = [], [], []
        index: dict = {}
        for j, o in enumerate(B.orbits):
            if o.vanishes:
                continue
            for factors, sign in o.images:
                if factors not in index:
                    index[factors] = len(images)
                    dense = [0] * len(B.problem.generators)
                    for g, e in factors:
                        dense[g] = e
                    images.append(BasisTerm(tuple(dense), (), "", factors))
                rows.append((j, index[factors]))
                signs.append(sign)
        self.B = B
        self.plain = compile_kernel(Basis(B.report, tuple(images)))
        S = np.zeros((len(B.terms), len(images)))
        for (j, i), s in zip(rows, signs):
            S[j, i] += s
        self.S = S

    def __call__(self, **inputs):
        data = self.B.expand_data(inputs)
        if self.B.centre:  # positions relative to the centroid (symmetric_positions)
            origin, positions = self.B.centre
            mean = sum(np.asarray(data[n], dtype=float) for n in origin) / len(origin)
            data = {k: (np.asarray(v) - mean if k in positions else v) for k, v in data.items()}
        values = self.plain(**data)  # (N, images, *tensor)
        return np.moveaxis(np.tensordot(values, self.S, axes=([1], [1])), -1, 1)
