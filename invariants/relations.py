"""Exact linear relations among the candidates of a block (syzygies), confirmed symbolically.

The relations of a block are the kernel of the linear map from candidate coefficients to
polynomials. We compute the kernel of the *exact* integer evaluation matrix at integer points
(python-flint), bring it to reduced echelon form over ``Q``, scale each vector to coprime integers,
and confirm every relation by expanding it as a polynomial with integer coefficients.

>>> from invariants.verify import verify
>>> rels = verify("O(2)", "a,b,c:vector", degree=6).relations(limit=1)
>>> rels[0].multidegree, rels[0].confirmed
((2, 2, 2), True)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import flint
import numpy as np
import sympy

from .blocks import canonical, input_multidegree, permutation_to, permute_monomial
from .errors import check_integer
from .evaluation import IntegerOps, PolynomialOps, evaluate_generators
from .names import factor
from .problem import Problem
from .spanning import swap_map


@dataclass(frozen=True)
class Relation:
    """``Σ coefficient · candidate = 0`` in one block, with integer coefficients."""

    multidegree: tuple[int, ...]  # over the inputs, as written
    terms: tuple[tuple[int, tuple[int, ...]], ...]  # (coefficient, exponent vector)
    generator_names: tuple[str, ...]
    confirmed: bool
    antisymmetrized: bool = False

    def expression(self) -> sympy.Expr:
        """The relation as a SymPy expression in symbols named after the generators."""
        syms = [sympy.Symbol(n) for n in self.generator_names]
        total = sympy.Integer(0)
        for c, exps in self.terms:
            total += c * sympy.Mul(*(s**e for s, e in zip(syms, exps) if e))
        return total

    def __str__(self) -> str:
        """E.g. ``(p·p)*[q,r,s] - (p·q)*[p,r,s] + (p·r)*[p,q,s] - (p·s)*[p,q,r] = 0``."""
        text = ""
        for k, (c, exps) in enumerate(self.terms):
            mono = "*".join(
                factor(n) + (f"^{e}" if e > 1 else "")
                for n, e in zip(self.generator_names, exps)
                if e
            )
            body = (f"{abs(c)}*{mono}" if abs(c) != 1 else mono) if mono else str(abs(c))
            sign = ("-" if c < 0 else "") if k == 0 else (" - " if c < 0 else " + ")
            text += sign + body
        return ("antisymmetrized: " if self.antisymmetrized else "") + text + " = 0"


def find_relations(report, limit: int = 10, max_candidates: int = 600) -> list[Relation]:
    """Up to ``limit`` *minimal* relations, lowest degree first (canonical blocks only).

    A relation of a block is listed only if it is not a combination of products
    ``generator × (relation of a lower block)``; so the list starts with generators of the ideal
    of relations (the syzygies), e.g. ``[p,q,r]² = det Gram(p,q,r)``. Blocks are processed in
    order of total degree and the search stops at the first block with more than
    ``max_candidates`` candidates. For ``skew`` outputs every relation is listed (no
    minimality filter).
    """
    limit = check_integer(limit, "limit")
    max_candidates = check_integer(max_candidates, "max_candidates")
    if limit == 0:
        return []
    problem: Problem = report.problem
    gens = problem.generators
    dummies = [i for i, v in enumerate(problem.variables) if v.role == "dummy"]
    multipliers = [
        k
        for k, g in enumerate(gens)
        if (problem.group.family == "SO" or g.parity == 0)
        and not any(g.multidegree[i] for i in dummies)
    ]
    names = tuple(g.name for g in gens)
    skew = problem.antisymmetric is not None
    spaces: dict[tuple[int, ...], list[dict[tuple[int, ...], int]]] = {}
    out: list[Relation] = []
    rng = np.random.default_rng(12345)
    checker = None
    for block in report.canonical:
        count = len(block.candidates) - block.span
        if count <= 0:
            spaces[block.multidegree] = []
            continue
        if len(block.candidates) > max_candidates:
            break
        vectors = _exact_kernel(problem, block.candidates, block.span, count, rng)
        keys = [tuple(row) for row in block.candidates.tolist()]
        relations = [{keys[j]: int(c) for j, c in enumerate(v) if c} for v in vectors]
        spaces[block.multidegree] = relations
        column = {m: j for j, m in enumerate(keys)}
        if skew:
            new = relations
        else:
            old = []
            fits = (problem.generator_degrees[multipliers] <= block.multidegree).all(axis=1)
            for k in np.array(multipliers, dtype=np.int64)[fits].tolist():
                gamma = tuple(b - e for b, e in zip(block.multidegree, gens[k].multidegree))
                for rel in _relations_of(problem, spaces, gamma):
                    old.append({_bump(m, k): c for m, c in rel.items()})
            new = _independent_of(old, relations, column)
        checker = checker or _SymbolicChecker(problem)
        for rel in new:
            terms = tuple((c, m) for m, c in sorted(rel.items(), key=lambda t: column[t[0]]))
            out.append(
                Relation(
                    input_multidegree(problem, block.multidegree),
                    terms,
                    names,
                    checker.vanishes(terms),
                    skew,
                )
            )
            if len(out) >= limit:
                return out
    return out


def _bump(monomial: tuple[int, ...], k: int) -> tuple[int, ...]:
    return tuple(e + (i == k) for i, e in enumerate(monomial))


def _relations_of(problem, spaces, gamma):
    """Relations of any block, by permuting those of its canonical representative."""
    rep = canonical(problem, gamma)
    if rep == gamma:
        return spaces[rep]
    perm = permutation_to(problem, gamma)
    out = []
    for rel in spaces[rep]:
        new = {}
        for m, c in rel.items():
            image, sign = permute_monomial(problem, m, perm)
            new[image] = sign * c
        out.append(new)
    return out


def _independent_of(old, candidates, column) -> list[dict]:
    """The members of ``candidates`` that enlarge the span of ``old`` (exact ranks over Z)."""

    def rows(vectors):
        return [[v.get(m, 0) for m in column] for v in vectors]

    chosen: list[dict] = []
    base = rows(old)
    rank = flint.fmpz_mat(base).rank() if base else 0
    for vec in candidates:
        trial = base + rows(chosen + [vec])
        r = flint.fmpz_mat(trial).rank()
        if r > rank + len(chosen):
            chosen.append(vec)
    return chosen


def _exact_kernel(problem, candidates, span, count, rng) -> list[list[int]]:
    """Integer basis (reduced echelon form, primitive rows) of the candidates' relations."""
    n_points = span + 8
    for _attempt in range(5):
        values = _exact_candidate_values(problem, candidates, n_points, rng)
        M = flint.fmpz_mat(values)
        X, nullity = M.nullspace()
        if nullity == count:
            break
        n_points *= 2
    else:  # pragma: no cover - needs a long run of unlucky points
        raise RuntimeError("could not isolate the relations with exact evaluation")
    cols = [[X[i, j] for i in range(X.nrows())] for j in range(nullity)]
    R, rank = flint.fmpq_mat(nullity, X.nrows(), [x for col in cols for x in col]).rref()
    out = []
    for i in range(rank):
        row = [Fraction(int(R[i, j].p), int(R[i, j].q)) for j in range(R.ncols())]
        out.append(_primitive(row))
    return out


def _primitive(row: list[Fraction]) -> list[int]:
    from math import gcd, lcm

    den = 1
    for x in row:
        den = lcm(den, x.denominator)
    ints = [int(x * den) for x in row]
    g = 0
    for x in ints:
        g = gcd(g, x)
    ints = [x // g for x in ints] if g else ints
    first = next(x for x in ints if x)
    return [-x for x in ints] if first < 0 else ints


def _exact_candidate_values(problem, candidates, n_points, rng) -> list[list[int]]:
    d = problem.group.d
    eta = problem.group.metric
    coords = []
    for _ in range(n_points):
        coords.append(
            [
                [int(x) for x in rng.integers(-30, 31, size=d if v.vector_like else 1)]
                for v in problem.variables
            ]
        )
    swapped = None
    if problem.antisymmetric is not None:
        i, j = problem.antisymmetric
        swapped = []
        for pt in coords:
            q = list(pt)
            q[i], q[j] = pt[j], pt[i]
            swapped.append(q)
    factors = [_factors(row) for row in np.asarray(candidates).tolist()]
    needed = _needed(problem, {g for f in factors for g, _ in f})
    rows = []
    for k, pt in enumerate(coords):
        vals = _generator_values_exact(problem, pt, eta, needed)
        row = [_monomial(vals, f) for f in factors]
        if swapped is not None:
            other = _generator_values_exact(problem, swapped[k], eta, needed)
            row = [a - _monomial(other, f) for a, f in zip(row, factors)]
        rows.append(row)
    return rows


def _factors(exps) -> list[tuple[int, int]]:
    """The ``(generator, exponent)`` pairs of an exponent vector with a non-zero exponent."""
    return [(g, int(e)) for g, e in enumerate(exps) if e]


def _needed(problem: Problem, used: set[int]) -> list[int]:
    """``used`` and the factors of its product generators, in generator order."""
    gens = problem.generators
    return sorted(used | {a for g in used if gens[g].kind == "product" for a in gens[g].args})


def _monomial(values: dict[int, int], factors: list[tuple[int, int]]) -> int:
    out = 1
    for g, e in factors:
        out *= values[g] ** e
    return out


def _generator_values_exact(problem, point, eta, needed: list[int]) -> dict[int, int]:
    """Exact values of the generators ``needed`` (factors before products) at a point."""
    return evaluate_generators(problem.generators, IntegerOps(point, eta), needed)


class _SymbolicChecker:
    """Expands relations as integer polynomials in the coordinates (python-flint).

    The polynomial of a generator is built when a relation first uses it.
    """

    def __init__(self, problem: Problem):
        d = problem.group.d
        names = []
        for v in problem.variables:
            width = d if v.vector_like else 1
            names += [f"v{len(names) + k}" for k in range(width)]
        self.ctx = flint.fmpz_mpoly_ctx.get(tuple(names), "lex")
        gens = self.ctx.gens()
        self.coords, k = [], 0
        for v in problem.variables:
            width = d if v.vector_like else 1
            self.coords.append(gens[k : k + width])
            k += width
        self.problem = problem
        self.ops = PolynomialOps(self.coords, problem.group.metric, self.ctx)
        self.polys: dict[int, object] = {}
        self.swap = swap_map(problem) if problem.antisymmetric is not None else None

    def poly(self, k: int):
        if k not in self.polys:
            evaluate_generators(self.problem.generators, self.ops, [k], self.polys)
        return self.polys[k]

    def swapped(self, k: int):
        """The generator with the two dummies exchanged: ± another generator."""
        target, signs = self.swap
        return int(signs[k]) * self.poly(int(target[k]))

    def _value(self, exps, swapped: bool):
        out = self.ctx.from_dict({(0,) * self.ctx.nvars(): 1})
        for g, e in _factors(exps):
            out *= (self.swapped(g) if swapped else self.poly(g)) ** e
        return out

    def vanishes(self, terms) -> bool:
        total = self.ctx.from_dict({})
        for c, exps in terms:
            total += c * self._value(exps, False)
            if self.swap is not None:
                total -= c * self._value(exps, True)
        return total == 0
