"""Invariant and equivariant bases, kernels and fits for inputs with tensors (``A:sym``, …).

A basis term is a monomial in the minimal generators of the invariant ring
(:func:`invariants.minimal_generators`: ``tr(A)``, ``tr(A²)``, ``v·A·v``, …) times, for an
equivariant output, one generator of the module of equivariants (its *seed*: ``v``, ``Av``,
``A²``, ``sym(Av⊗v)``, …). The products of those generating sets span every block of
multidegree ``β``; per block the candidates are evaluated at random integer points mod ``p``
(the seed through its invariant ``⟨f, D⟩`` with a random dummy ``D``) and kept greedily while
they raise the rank. The rank mod ``p`` is a lower bound on the dimension of the span
(``proofs/spanning.md``), so when it reaches the character dimension ``D(β)``
(:func:`invariants.counting.character_dimension`) the kept terms are a basis of the block —
otherwise :func:`tensor_basis` raises.

The kernel evaluates every generator and seed as the ``einsum`` plans of its contraction
(:func:`invariants.tensor_export.einsum_plan`, which the exported module runs too): a seed
``f = η (∂c/∂D) η`` is ``c`` with the dummy's slots left free, projected onto the output's
symmetry as in :func:`invariants.minimal._equivariant`; then products of powers times seeds.
The selection evaluates the same contractions mod ``p`` with
:meth:`~invariants.contractions.Contraction.evaluate` — two evaluators, which the tests
compare.

>>> import numpy as np
>>> B = tensor_basis("O(3)", "A:sym; v:vector", output="vector", degree=3)
>>> [t.name for t in B.terms]
['v', 'tr(A)*v', 'Av', 'tr(A)^2*v', 'tr(A²)*v', 'tr(A)*Av', 'A²v', '(v·v)*v']
>>> K = B.lambdify()
>>> A = np.diag([1.0, 2.0, 3.0]); v = np.array([1.0, 1.0, 0.0])
>>> K(A=A, v=v)[2].tolist()  # A v
[1.0, 2.0, 0.0]
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import sympy

from .basis import Basis
from .contractions import Ops
from .counting import character_dimension
from .errors import InvariantsError, check_integer
from .groups import Group, parse_group
from .inputs import Input, parse_inputs
from .minimal import (
    _TENSOR_PATH_OUTPUTS,
    MARGIN,
    MinimalGenerators,
    _compositions,
    _exponents,
    _matching_generators,
    _mod_p_ops,
    _needs_matchings,
    _output_type,
    _points,
    _product,
    _rank,
    _slot_type,
    _tensor_points,
    _type,
    dummy_name,
    minimal_generators,
)
from .modular import PRIME
from .names import monomial
from .particles import refuse_identical
from .problem import check_degree
from .spaces import TensorType

__all__ = ["TensorBasis", "TensorKernel", "TensorTerm", "tensor_basis"]

#: Largest deviation of a tensor input from its index symmetry (or trace condition) accepted,
#: relative to the largest entry of the sample; within it the input is projected exactly.
SYMMETRY_TOLERANCE = 1e-6


@dataclass(frozen=True)
class TensorTerm:
    """One basis element: ``Π g_k^{e_k} × seed`` over the ring's generators ``g_k`` and, for an
    equivariant output, one module generator (``seed`` indexes it, ``None`` for invariants)."""

    factors: tuple[tuple[int, int], ...]  # (ring generator, exponent), by generator
    seed: int | None
    multidegree: tuple[int, ...]  # over the inputs, as written
    name: str


@dataclass(frozen=True)
class TensorProblem:
    """What the consumers of a basis read of its problem: group, inputs and output."""

    group: Group
    inputs: tuple[Input, ...]
    output: str


@dataclass(frozen=True, eq=False)
class TensorBasis(Basis):
    """A basis of the invariants (equivariants) of inputs with tensors up to ``degree``.

    ``ring`` and ``module`` are the minimal generating sets the terms are products of;
    ``blocks`` lists ``(multidegree, dimension, rank)``, the rank being that of the kept terms
    mod ``p`` (equal to the dimension: the proof that they span).

    >>> B = tensor_basis("O(3)", "A:sym", output="sym", degree=2)
    >>> [t.name for t in B], B.blocks[-1]
    (['I', 'tr(A)*I', 'A', 'tr(A)^2*I', 'tr(A²)*I', 'tr(A)*A', 'A²'], ((2,), 4, 4))
    """

    tensor_problem: TensorProblem | None = None
    max_degree: int = 0
    ring: MinimalGenerators | None = field(default=None, repr=False)
    module: MinimalGenerators | None = field(default=None, repr=False)
    blocks: tuple[tuple[tuple[int, ...], int, int], ...] = ()
    #: Tells code written for vector bases (export) that this is not one.
    tensor_inputs: bool = True

    @property
    def problem(self) -> TensorProblem:
        return self.tensor_problem

    @property
    def degree(self) -> int:
        return self.max_degree

    @property
    def data_inputs(self) -> tuple[Input, ...]:
        return self.tensor_problem.inputs

    def verify(self):
        """The verification of the tensor engine (:func:`invariants.verify`) for this group,
        inputs, output and degree: its dimensions per degree are the sizes of this basis."""
        return self._verification

    @cached_property
    def _verification(self):
        from .verify import verify

        p = self.tensor_problem
        return verify(p.group, p.inputs, p.output, self.max_degree)

    @property
    def invariants(self):
        raise InvariantsError(
            "invariant polynomials in a dummy are not formed for tensor bases; use expressions()"
        )

    def expressions(self) -> list:
        """Each term as a SymPy scalar or ``Matrix`` in the input components (``A_01``, ``v_0``,
        as :func:`invariants.minimal.coordinates`)."""
        ring = [g.expression for g in self.ring.generators]
        out = []
        for t in self.terms:
            scalar = sympy.Mul(*(ring[k] ** e for k, e in t.factors))
            if t.seed is None:
                out.append(sympy.expand(scalar))
            else:
                seed = self.module.generators[t.seed].expression
                out.append((scalar * seed).applyfunc(sympy.expand))
        return out

    def term_parts(self) -> list[tuple[sympy.Expr, sympy.Expr]]:
        """``(scalar part, seed)`` of every term as symbols named after the generators (the
        symbols of :meth:`~invariants.FittedModel.formula`)."""
        names = [g.name for g in self.ring.generators]
        out = []
        for t in self.terms:
            scalar = sympy.Mul(*(sympy.Symbol(names[k]) ** e for k, e in t.factors))
            seed = (
                sympy.Integer(1)
                if t.seed is None
                else sympy.Symbol(self.module.generators[t.seed].name)
            )
            out.append((scalar, seed))
        return out

    def lambdify(self, backend: str = "numpy", dtype=np.float64) -> TensorKernel:
        """A batched NumPy evaluator of every term (:class:`TensorKernel`).

        >>> import numpy as np
        >>> K = tensor_basis("O(3)", "A:sym", output="sym", degree=2).lambdify()
        >>> K(A=np.ones((10, 3, 3))).shape
        (10, 7, 3, 3)
        """
        if backend != "numpy":
            raise InvariantsError(
                f"backend {backend!r} for a basis with tensor inputs: only 'numpy' so far"
            )
        return TensorKernel(self, dtype)


def tensor_basis(
    group, inputs, output: str = "scalar", degree: int = 4, *, seed: int = 0
) -> TensorBasis:
    """A basis of the invariant or equivariant polynomials of degree at most ``degree`` in inputs
    with tensors (module docstring), ordered by degree, then multidegree (the first input's
    degree highest first), then seed, then scalar monomial (descending exponents in generator
    order). :func:`invariants.basis` calls it for tensor inputs.

    >>> B = tensor_basis("O(3)", "A:sym; v:vector", output="vector", degree=5)
    >>> len(B), [t.name for t in B.terms][:5]
    (34, ['v', 'tr(A)*v', 'Av', 'tr(A)^2*v', 'tr(A²)*v'])
    """
    G = parse_group(group)
    degree = check_degree(check_integer(degree, "degree"))
    refuse_identical(inputs, "basis")
    parsed = parse_inputs(list(inputs.items()) if isinstance(inputs, dict) else inputs)
    vectorial = all(i.tensor is None for i in parsed)
    matchings = uses_matchings(G, parsed)
    # seeds through the contractions of index slots: inputs of rank ≥ 3, pseudo-tensors, or an
    # output the rank-2 words do not reach (pseudovector, tensor(FORMULA), pseudo-tensors)
    slots = matchings or (output != "scalar" and output not in _TENSOR_PATH_OUTPUTS)
    if vectorial:
        ring = _matching_generators(G, parsed, degree, seed)
    else:
        ring = minimal_generators(G, parsed, degree, seed=seed)
    module = None
    if output != "scalar" and vectorial:
        module = _matching_generators(G, parsed, degree, seed, output, _output_type(output))
    elif output != "scalar":
        module = minimal_generators(G, parsed, degree, output, seed=seed)
    for r in (ring, module):
        if r is not None and not r.complete:
            raise InvariantsError(
                f"the contractions do not generate the {r.output} part of degree "
                f"{r.complete_to_degree + 1} for {G.name} and these inputs; lower the degree "
                f"to {r.complete_to_degree}"
            )
    types = _types(G, parsed, matchings)
    names = tuple(types)
    dummy = None
    if module is not None:
        dummy = dummy_name(types)
        types[dummy] = _output_type(output)
    blocks = [b for t in range(degree + 1) for b in _compositions(t, len(names))]
    if module is None:
        dims = {b: character_dimension(G.family, G.d, list(types.values()), b) for b in blocks}
    else:
        dims = {
            b: character_dimension(G.family, G.d, list(types.values()), b + (1,)) for b in blocks
        }
    if slots:  # vectors as d × 1 columns, which both kinds of contraction take
        points = _tensor_points(G, types, 2 * max(dims.values(), default=0) + MARGIN, seed)
        points = {k: v[..., None] if v.ndim == 2 else v for k, v in points.items()}
    else:
        points = _points(G, types, 2 * max(dims.values(), default=0) + MARGIN, seed)
    n = len(next(iter(points.values())))
    ops = _mod_p_ops(n).bind(G.metric)
    ring_values = [_source_values(g.source, points, ops) for g in ring.generators]
    ring_degrees = [g.multidegree for g in ring.generators]
    if module is None:  # one seed: the number 1, of multidegree 0
        seeds = [((0,) * len(names), np.ones(n, dtype=np.int64))]
    else:
        seeds = [(g.multidegree, _source_values(g.source, points, ops)) for g in module.generators]
    terms, spans = [], []
    for beta in blocks:
        rows, kept = [], []
        for s, (sdeg, svalues) in enumerate(seeds):
            rest = tuple(b - a for a, b in zip(sdeg, beta))
            if min(rest) < 0:
                continue
            for exps in sorted(_exponents(ring_degrees, rest), reverse=True):
                if len(rows) == dims[beta]:
                    break
                values = _product(exps, ring_values) if ring_values else np.ones(n, np.int64)
                values = values * svalues % PRIME
                if _rank(rows + [values]) > len(rows):
                    rows.append(values)
                    kept.append((s, exps))
        if len(rows) != dims[beta]:
            raise InvariantsError(
                f"block {beta}: the products of the generators span {len(rows)} of "
                f"{dims[beta]} dimensions (unexpected; please report it)"
            )
        spans.append((beta, dims[beta], len(rows)))
        for s, exps in kept:
            factors = tuple((k, e) for k, e in enumerate(exps) if e)
            seed_name = None if module is None else module.generators[s].name
            terms.append(
                TensorTerm(
                    factors,
                    None if module is None else s,
                    beta,
                    _term_name(ring, factors, seed_name),
                )
            )
    problem = TensorProblem(G, parsed, output)
    return TensorBasis(None, tuple(terms), (), problem, degree, ring, module, tuple(spans))


def uses_matchings(G, parsed) -> bool:
    """Whether the generators are contractions of index slots (:mod:`invariants.matchings`):
    inputs of rank ≥ 3 or pseudo-tensors, or vector inputs only (with an output such as ``dev``
    or ``tensor(FORMULA)``), for the ring and the module alike."""
    return all(i.tensor is None for i in parsed) or _needs_matchings(G, parsed)


def _types(G, parsed, matchings: bool) -> dict:
    if matchings:
        return {i.name: _slot_type(i) for i in parsed}
    return {i.name: _type(i.name, i.tensor or i.type) for i in parsed}


def _term_name(ring, factors, seed: str | None) -> str:
    """``tr(A)^2*(v·v)*Av`` (the seed last; a seed alone is written bare)."""
    scalars = [(ring.generators[k].name, e) for k, e in factors]
    if seed is None:
        return monomial(scalars)
    return monomial(scalars + [(seed, 1)]) if scalars else seed


def _source_values(source, points: dict, ops: Ops) -> np.ndarray:
    """Values mod ``p`` of a generator's source (a contraction, or a pair whose product it is)
    under the mod-``p`` ``ops``, at every point."""
    if isinstance(source, tuple):
        a, b = (_source_values(s, points, ops) for s in source)
        return a * b % PRIME
    return np.asarray(source.evaluate(points, ops)) % PRIME


# ---------------------------------------------------------------------------------------------
# Numeric evaluation


class TensorKernel:
    """``K(**inputs)`` (or ``K({"A": …, "v": …})``) evaluates every term of a
    :class:`TensorBasis` on a batch.

    Inputs: vectors ``(..., d)``, tensors of rank ``r`` ``(..., d, …, d)``; the batch shapes
    broadcast. The result has shape ``(..., len(B))``, ``(..., len(B), d)`` or
    ``(..., len(B), d, d)``, computed in float64 and returned in ``dtype``. NaN and inf are
    refused. A tensor input must satisfy its index
    symmetry (and, for ``dev``, ``tr(A η) = 0``) up to :data:`SYMMETRY_TOLERANCE` relative to
    its largest entry, else the call is refused; within that it is projected exactly onto its
    symmetry (so round-off in the data does not leak into the terms).
    """

    def __init__(self, B: TensorBasis, dtype=np.float64):
        from .kernels import _numpy_dtype

        self.basis = B
        self.dtype = _numpy_dtype(dtype)
        self.group = B.group
        self._matchings = uses_matchings(self.group, B.data_inputs)
        self._types = _types(self.group, B.data_inputs, self._matchings)

    @property
    def inputs(self) -> tuple[tuple[str, str], ...]:
        return tuple((i.name, i.type) for i in self.basis.data_inputs)

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.basis.terms)

    def __len__(self) -> int:
        return len(self.basis.terms)

    def __repr__(self) -> str:
        args = ", ".join(f"{n}: {t}" for n, t in self.inputs)
        return (
            f"<TensorKernel {self.group.name} ({args}) -> {len(self)} {self.basis.output} "
            f"terms, degree <= {self.basis.degree}, numpy {self.dtype}>"
        )

    def __call__(self, *args, **inputs):
        from .fitting import _check_finite
        from .kernels import _prepare, _to_numpy

        if len(args) == 1 and not inputs and isinstance(args[0], dict):
            inputs = args[0]
        elif args:
            names = ", ".join(f"{n}=..." for n, _ in self.inputs)
            raise InvariantsError(f"pass the inputs by name, K({names}), or as one dict")
        d = self.group.d
        arrays, batch = _prepare(
            self.inputs,
            d,
            inputs,
            lambda name, x: _to_numpy(name, x, np.float64, InvariantsError),
            InvariantsError,
        )
        n = math.prod(batch)
        flat = {}
        for name, a in arrays.items():
            t = self._types[name]
            rank = t.rank if isinstance(t, TensorType) else 1
            tail = a.shape[a.ndim - rank :] if rank else ()
            _check_finite(a, f"input {name!r}", a.ndim - rank)
            if isinstance(t, TensorType):
                a = _project(name, a, t, self.group.metric)
            a = np.broadcast_to(a, batch + tail).reshape((n,) + tail)
            flat[name] = a
        out = self._evaluate(flat, n)
        shape = _shape(self.basis.output, d)
        return out.reshape(batch + (len(self),) + shape).astype(self.dtype, copy=False)

    @cached_property
    def _constants(self) -> dict:
        """``η``, ``δ`` and ``ε`` as the plans take them."""
        from .tensor_export import plan_constants

        return plan_constants(self.group.metric, self._plans[0] + self._plans[1])

    @cached_property
    def _plans(self) -> tuple[list, list]:
        """The ``einsum`` plans of the ring's generators and of the seeds
        (:func:`invariants.tensor_export.einsum_plan`), made once."""
        from .tensor_export import _plan_of

        B = self.basis
        ring = [_plan_of(g.source) for g in B.ring.generators]
        if B.module is None:
            return ring, []
        dummy = dummy_name(self._types)
        return ring, [_plan_of(g.source, dummy) for g in B.module.generators]

    def _evaluate(self, values: dict, n: int) -> np.ndarray:
        """Every term at ``n`` samples: each generator and seed one ``einsum`` per contraction
        (the plans the exported module runs), then products of powers times the seeds."""
        from .tensor_export import evaluate_plans

        B, constants = self.basis, self._constants
        ring_plans, seed_plans = self._plans
        ring = [np.broadcast_to(evaluate_plans(p, values, constants), (n,)) for p in ring_plans]
        seeds = [self._project_seed(evaluate_plans(p, values, constants), n) for p in seed_plans]
        monomials: dict = {(): np.ones(n)}

        def scalar(factors):  # a product tree: each monomial one multiply of a smaller one
            if factors not in monomials:
                (k, e), rest = factors[-1], factors[:-1]
                smaller = rest + (((k, e - 1),) if e > 1 else ())
                monomials[factors] = scalar(smaller) * ring[k]
            return monomials[factors]

        shape = _shape(B.output, self.group.d)
        out = np.empty((len(B.terms), n) + shape)  # term-major: contiguous writes
        for j, t in enumerate(B.terms):
            m = scalar(t.factors)
            if t.seed is None:
                out[j] = m
            else:
                np.multiply(m.reshape((n,) + (1,) * len(shape)), seeds[t.seed], out=out[j])
        return np.moveaxis(out, 0, 1)

    def _project_seed(self, f: np.ndarray, n: int) -> np.ndarray:
        """A seed ``f = η (∂c/∂D) η`` onto the output's index symmetry, ``η``-traceless for
        ``dev``, broadcast to the batch."""
        from .tensor_export import project_onto

        kind = _output_type(self.basis.output)
        f = np.broadcast_to(f, (n,) + _shape(self.basis.output, self.group.d))
        if isinstance(kind, str):
            return f
        return project_onto(f, kind.symmetry.elements, kind.traceless, self._constants["η"])


def _shape(output: str, d: int) -> tuple[int, ...]:
    """The shape of one value of the output: ``()``, ``(d,)``, ``(d, d)``, ``(d, d, d)``, …"""
    kind = _output_type(output)
    return () if kind is None else (d,) * (1 if isinstance(kind, str) else kind.rank)


def _project(name: str, a: np.ndarray, t: TensorType, metric) -> np.ndarray:
    """``a`` checked against its index symmetry (and trace) and projected onto it exactly."""
    r = t.rank
    axes = tuple(range(a.ndim - r))
    scale = np.abs(a).max(axis=tuple(range(a.ndim - r, a.ndim)), keepdims=True) if r else 1
    total = np.zeros_like(a)
    for perm, sign in t.symmetry.elements:
        image = sign * np.transpose(a, axes + tuple(len(axes) + p for p in perm))
        if (np.abs(a - image) > SYMMETRY_TOLERANCE * scale).any():
            formula = t.symmetry.formula
            raise InvariantsError(
                f"input {name!r} is a {t.name} but violates its symmetry {formula!r} by more "
                f"than {SYMMETRY_TOLERANCE:g} of its largest entry; pass "
                + ("symmetric" if t.symmetry.formula == "ij=ji" else "(anti)symmetrized")
                + " arrays"
            )
        total = total + image
    a = total / len(t.symmetry.elements)
    if t.traceless:
        eta = np.array(metric, dtype=np.float64)
        trace = np.einsum("...ii,i->...", a, eta)
        if (np.abs(trace) > SYMMETRY_TOLERANCE * len(eta) * scale[..., 0, 0]).any():
            raise InvariantsError(
                f"input {name!r} is a {t.name}: its trace tr(A η) must vanish (up to "
                f"{SYMMETRY_TOLERANCE:g} of its largest entry); pass traceless arrays"
            )
        a = a - trace[..., None, None] / len(eta) * np.diag(1 / eta)
    return a
