"""Exact relations among minimal generators of tensor invariants, and the other contractions
written in them (Cayley–Hamilton and its relatives).

For a block (multidegree ``β``) the products ``m_1, …, m_N`` of the minimal generators
(:mod:`invariants.minimal`) are evaluated *exactly* at integer points; the integer null space of
that matrix contains every relation ``Σ c_j m_j = 0`` (a relation of polynomials is one of their
values), and each candidate is then **confirmed** by expanding ``Σ c_j m_j`` symbolically, so a
listed relation is a theorem, not a numerical coincidence. A relation is *minimal* if it is not a
combination of lower relations times generators. A contraction ``c`` that was not kept is written
as ``c = Σ a_j m_j`` the same way (its block is spanned by the products, ``verify`` proves it).

>>> rels = relations("O(3)", "A:sym", degree=4)
>>> print(rels[0])
tr(A⁴) = 1/6*tr(A)^4 - tr(A)^2*tr(A²) + 4/3*tr(A)*tr(A³) + 1/2*tr(A²)^2
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import flint
import numpy as np
import sympy

from .contractions import Ops, connected_contractions
from .errors import check_integer
from .groups import parse_group
from .inputs import parse_inputs
from .matchings import MAX_EPSILON_DIMENSION as MAX_DENSE_EPSILON
from .matchings import tensor_contractions
from .minimal import (
    MAX_EPSILON_DIMENSION,
    _exponents,
    _needs_matchings,
    _odd,
    _slot_type,
    _type,
    coordinates,
    minimal_generators,
    tensor_coordinates,
    traceless_entry,
)
from .names import monomial as monomial_text
from .particles import parse_spec
from .problem import check_degree
from .spaces import is_pseudo

__all__ = ["TensorRelation", "relations"]


@dataclass(frozen=True)
class TensorRelation:
    """``Σ coefficient · Π generators^e = 0`` (``lhs`` is ``None``), or a contraction ``lhs``
    written as such a sum; exact rationals, confirmed by symbolic expansion."""

    multidegree: tuple[int, ...]
    terms: tuple[tuple[Fraction, tuple[int, ...]], ...]  # (coefficient, exponents over generators)
    generator_names: tuple[str, ...]
    lhs: str | None
    confirmed: bool

    def __str__(self) -> str:
        parts = []
        for k, (c, exps) in enumerate(self.terms):
            body = monomial_text(zip(self.generator_names, exps))
            size = abs(c)
            text = (
                body
                if size == 1 and body != "1"
                else (str(size) if body == "1" else f"{size}*{body}")
            )
            sign = ("-" if c < 0 else "") if k == 0 else (" - " if c < 0 else " + ")
            parts.append(sign + text)
        right = "".join(parts) or "0"
        return f"{self.lhs} = {right}" if self.lhs else f"{right} = 0"


def relations(group, inputs, degree: int, limit: int = 10, *, seed: int = 0) -> list:
    """Up to ``limit`` exact relations up to ``degree``, lowest degree first: for tensor inputs
    the non-minimal contractions written in the minimal generators and the minimal syzygies
    among the generators (module docstring); for vector inputs the minimal relations of
    :meth:`invariants.VerificationReport.relations`.
    """
    limit = check_integer(limit, "limit")
    degree = check_degree(check_integer(degree, "degree"))
    if isinstance(inputs, str) and parse_spec(inputs).identical:
        from .symmetric_minimal import symmetric_relations

        return symmetric_relations(group, inputs, degree, limit, seed=seed)
    result = minimal_generators(group, inputs, degree, seed=seed)
    if limit == 0:
        return []
    G = parse_group(group)
    parsed = parse_inputs(list(inputs.items()) if isinstance(inputs, dict) else inputs)
    if all(i.tensor is None for i in parsed):
        from .verify import verify

        return verify(group, inputs, degree=degree, seed=seed).relations(limit=limit)
    gens = [g.source for g in result.generators]
    kept = set(gens)
    if _needs_matchings(G, parsed):  # inputs of any rank, pseudo-tensors: index notation
        types = {i.name: _slot_type(i) for i in parsed}
        coords = tensor_coordinates(G.d, types, G.metric)
        pseudo = any(is_pseudo(t) for t in types.values())
        epsilon = G.d if G.family == "SO" or pseudo else None
        if epsilon is not None and epsilon > MAX_DENSE_EPSILON:
            epsilon = None
        extra = [
            c
            for c in tensor_contractions(types, degree, epsilon)
            if c not in kept and (G.family == "SO" or not _odd(c, types))
        ]
    else:
        types = {n: _type(n, t) for n, t in result.inputs}
        coords = coordinates(G.d, types, G.metric)
        epsilon = G.d if G.family == "SO" and G.d <= MAX_EPSILON_DIMENSION else None
        extra = [c for c in connected_contractions(types, degree, epsilon) if c not in kept]
    names = tuple(types)
    gen_names = tuple(g.name for g in result.generators)
    exprs = [g.expression for g in result.generators]
    rng = np.random.default_rng(12345 + seed)
    degrees = [g.multidegree for g in result.generators]
    out: list[TensorRelation] = []
    lower: dict[tuple[int, ...], list[dict]] = {}
    for beta, _dim, _span in result.blocks:
        monos = _exponents(degrees, beta)
        others = [c for c in extra if c.multidegree(names) == beta]
        if not others and len(monos) <= _dim:
            lower[beta] = []
            continue
        points = [
            _integer_point(G.d, types, rng, G.metric) for _ in range(len(monos) + len(others) + 6)
        ]
        gen_values = [[_exact(c, p, G.metric) for c in gens] for p in points]
        rows = [[_product(v, m) for m in monos] for v in gen_values]
        syzygies = _kernel(rows, len(monos))
        lower[beta] = [dict(zip(monos, v)) for v in syzygies]
        old = []
        for k, deg in enumerate(degrees):
            gamma = tuple(b - e for b, e in zip(beta, deg))
            if min(gamma) < 0:
                continue
            for rel in lower.get(gamma, []):
                old.append(
                    {tuple(e + (i == k) for i, e in enumerate(m)): c for m, c in rel.items()}
                )
        for vec in _new(old, syzygies, monos):
            out.append(_relation(beta, monos, vec, gen_names, None, exprs, None))
            if len(out) >= limit:
                return out
        for c in others:
            column = [_exact(c, p, G.metric) for p in points]
            vecs = _kernel([r + [x] for r, x in zip(rows, column)], len(monos) + 1)
            vec = next((v for v in vecs if v[-1] != 0), None)
            if vec is None:  # not in the span: the generators are incomplete here
                continue
            coeffs = [Fraction(-x, 1) / vec[-1] for x in vec[:-1]]
            lhs = c.expression(coords, G.metric)
            out.append(_relation(beta, monos, coeffs, gen_names, c.name, exprs, lhs))
            if len(out) >= limit:
                return out
    return out


def _relation(beta, monos, coeffs, names, lhs_name, exprs, lhs) -> TensorRelation:
    terms = tuple((Fraction(c), m) for m, c in zip(monos, coeffs) if c)
    total = sum(
        (
            sympy.Rational(c.numerator, c.denominator)
            * sympy.Mul(*(x**e for x, e in zip(exprs, m)))
            for c, m in terms
        ),
        sympy.Integer(0),
    )
    residue = sympy.expand(total - lhs) if lhs is not None else sympy.expand(total)
    return TensorRelation(beta, terms, names, lhs_name, residue == 0)


def _integer_point(d: int, types: dict, rng, metric: tuple[int, ...]) -> dict:
    out = {}
    for name, t in types.items():
        if t == "vector":
            out[name] = np.array(rng.integers(-6, 7, size=(d, 1)), dtype=object)
            continue
        X = np.array(rng.integers(-6, 7, size=(d,) * t.rank), dtype=object)
        X = sum(sign * np.transpose(X, perm) for perm, sign in t.symmetry.elements)
        if t.traceless:
            X[d - 1, d - 1] = traceless_entry(X, metric)
        out[name] = X
    return out


def _exact(c, point: dict, metric) -> int:
    """The exact value of a contraction, or of a product of two (an even part's generator)."""
    if isinstance(c, tuple):
        return math.prod(_exact(x, point, metric) for x in c)
    return int(c.evaluate(point, EXACT.bind(metric)))


EXACT = Ops(
    mul=np.dot,
    transpose=lambda A: A.T,
    trace=np.trace,
    entry=lambda A, i, j: A[i, j],
    product=lambda factors, sign: sign * int(np.prod(np.array(factors, dtype=object))),
    add=lambda a, b: a + b,
    diag=lambda m: np.diag(np.array(m, dtype=object)),
    eye=lambda k: np.eye(k, dtype=int).astype(object),
)


def _product(values: list[int], exps: tuple[int, ...]) -> int:
    out = 1
    for v, e in zip(values, exps):
        if e:
            out *= v**e
    return out


def _kernel(rows: list[list[int]], width: int) -> list[list[Fraction]]:
    """A basis of the rational null space, in reduced echelon form."""
    if width == 0:
        return []
    X, nullity = flint.fmpz_mat(rows).nullspace()
    if nullity == 0:
        return []
    R, rank = flint.fmpq_mat(
        nullity, width, [X[i, j] for j in range(nullity) for i in range(width)]
    ).rref()
    return [[Fraction(int(R[i, j].p), int(R[i, j].q)) for j in range(width)] for i in range(rank)]


def _new(old: list[dict], candidates: list[list[Fraction]], monos) -> list[list[Fraction]]:
    """Members of ``candidates`` independent of the span of ``old`` (exact ranks over Q)."""
    index = {m: j for j, m in enumerate(monos)}
    base = [[r.get(m, 0) for m in monos] for r in old if set(r) <= set(index)]
    chosen: list = []

    def rank(vectors):
        if not vectors:
            return 0
        flat = [flint.fmpq(x.numerator, x.denominator) for v in vectors for x in map(Fraction, v)]
        return flint.fmpq_mat(len(vectors), len(monos), flat).rank()

    start = rank(base)
    for vec in candidates:
        if rank(base + chosen + [vec]) > start + len(chosen):
            chosen.append(vec)
    return chosen
