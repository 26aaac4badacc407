"""Candidates (products of generators) in one block, and the rank of their span mod ``p``.

Evaluating the candidates at points gives a matrix whose rank mod ``p`` is a *lower bound* on the
dimension of their span: ``rank_p ≤ rank_Q ≤ dim span`` (a non-zero minor mod ``p`` is non-zero
over ``Q``, and a linear relation among the polynomials is one among their values).

>>> from invariants.problem import make_problem
>>> pr = make_problem("O(3)", "p,q:vector")
>>> candidate_monomials(pr, (2, 2)).tolist()
[[1, 0, 1], [0, 2, 0]]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .evaluation import evaluate_generators
from .modular import PRIME, det_mod, det_mod_flint, rank_and_pivots
from .problem import Problem


def candidate_monomials(problem: Problem, multidegree: tuple[int, ...]) -> np.ndarray:
    """Exponent vectors (rows) of the candidates of a block, in a fixed order.

    A candidate is a monomial in the usable generators (for groups with reflections: those of
    even parity) of exactly this multidegree over the problem's variables. For ``skew`` outputs
    each class ``{m, swap(m)}`` is represented once, and classes whose antisymmetrization
    vanishes are dropped.
    """
    beta = np.asarray(multidegree, dtype=np.int64)
    degrees = problem.generator_degrees
    support = np.flatnonzero(beta)
    # Only generators in the variables of beta can divide a monomial of degree beta. (Not
    # only those of degree <= beta: blocks with one support share the enumeration's memo.)
    usable = ~degrees[:, beta == 0].any(axis=1)
    if problem.group.family != "SO":
        usable &= np.array([g.parity == 0 for g in problem.generators], dtype=bool)
    usable = np.flatnonzero(usable)
    rows = degrees[np.ix_(usable, support)]
    found = _monomials(tuple(map(tuple, rows.tolist())), tuple(beta[support].tolist()))
    out = np.zeros((len(found), len(problem.generators)), dtype=np.int64)
    if found and len(usable):
        out[:, usable] = found
    if problem.antisymmetric is not None:
        out = _antisymmetric_classes(problem, out)
    return out


@lru_cache(maxsize=1024)
def _monomials(degrees: tuple[tuple[int, ...], ...], target: tuple[int, ...]) -> list[tuple]:
    """Exponent tuples ``e`` with ``Σ e_i degrees[i] = target``, in descending lex order."""
    return _enumerator(degrees).tails(0, target)


@lru_cache(maxsize=64)
def _enumerator(degrees: tuple[tuple[int, ...], ...]) -> _Monomials:
    return _Monomials(degrees)


class _Monomials:
    """Memoized tails: the exponents of ``degrees[start:]`` reaching a remaining target.

    They are computed with an explicit stack, so no recursion depth grows with the number of
    generators; the memo is shared by the blocks whose candidates use the same generators.
    """

    _LIMIT = 1 << 15  # memo entries kept per generator list

    def __init__(self, degrees: tuple[tuple[int, ...], ...]):
        self.degrees = degrees
        self.supports = [[k for k, x in enumerate(deg) if x] for deg in degrees]
        n = len(degrees)
        # reach[start]: the coordinates that some generator from ``start`` on has in its support.
        self.reach: list[frozenset] = [frozenset()] * (n + 1)
        for i in range(n - 1, -1, -1):
            self.reach[i] = self.reach[i + 1] | frozenset(self.supports[i])
        self.memo: dict[tuple[int, tuple[int, ...]], list[tuple]] = {}

    def tails(self, start: int, target: tuple[int, ...]) -> list[tuple]:
        memo, n = self.memo, len(self.degrees)
        if len(memo) > self._LIMIT:
            memo.clear()
        stack = [(start, target)]
        while stack:
            key = stack[-1]
            if key in memo:
                stack.pop()
                continue
            i, rest = key
            if i == n or any(x and k not in self.reach[i] for k, x in enumerate(rest)):
                memo[key] = [] if any(rest) else [()]
                stack.pop()
                continue
            children = self._children(i, rest)
            missing = [(i + 1, r) for _, r in children if (i + 1, r) not in memo]
            if missing:
                stack.extend(missing)
                continue
            memo[key] = [(e,) + tail for e, r in children for tail in memo[(i + 1, r)]]
            stack.pop()
        return memo[(start, target)]

    def _children(self, i: int, target: tuple[int, ...]) -> list[tuple[int, tuple]]:
        """``(e, target − e·deg)`` for every exponent ``e`` of generator ``i``, largest first."""
        deg, support = self.degrees[i], self.supports[i]
        top = min(target[k] // deg[k] for k in support) if support else 0
        out = [(0, target)]
        rest = list(target)
        for e in range(1, top + 1):
            for k in support:
                rest[k] -= deg[k]
            out.append((e, tuple(rest)))
        out.reverse()
        return out


def swap_map(problem: Problem) -> tuple[np.ndarray, np.ndarray]:
    """Generator permutation and signs induced by exchanging the two dummies of ``skew``."""
    return problem.dummy_swap


def _antisymmetric_classes(problem: Problem, monomials: np.ndarray) -> np.ndarray:
    target, signs = swap_map(problem)
    keep = []
    seen = set()
    for row in monomials:
        key = tuple(row)
        if key in seen:
            continue
        image = np.zeros_like(row)
        image[target] = row
        sign = int(np.prod(signs.astype(np.int64) ** row))
        image_key = tuple(image)
        seen.add(key)
        seen.add(image_key)
        if image_key == key and sign == 1:
            continue  # m − swap(m) = 0
        keep.append(max(key, image_key))  # the earlier input in the first slot: p∧q
    first_seen = list(dict.fromkeys(keep))
    return np.array(first_seen, dtype=np.int64).reshape(-1, monomials.shape[1])


# --- evaluation mod p --------------------------------------------------------------------------


def sample_points(problem: Problem, count: int, rng: np.random.Generator, p: int = PRIME):
    """``count`` random points: one row of residues per point, variables' coordinates in order."""
    width = sum(problem.group.d if v.vector_like else 1 for v in problem.variables)
    return rng.integers(0, p, size=(count, width), dtype=np.int64)


def variable_slices(problem: Problem) -> list[slice]:
    out, start = [], 0
    for v in problem.variables:
        width = problem.group.d if v.vector_like else 1
        out.append(slice(start, start + width))
        start += width
    return out


def generator_values(
    problem: Problem, points: np.ndarray, p: int = PRIME, degree: int | None = None
) -> np.ndarray:
    """Values mod ``p`` of every generator at every point: shape ``(generators, points)``.

    With ``degree``, only the generators of input degree at most ``degree`` (the only ones a
    block up to that degree can use) are evaluated; the rows of the others are 0.
    """
    gens = problem.generators
    values = np.zeros((len(gens), len(points)), dtype=np.int64)
    wanted = np.ones(len(gens), dtype=bool)
    if degree is not None:
        inputs = [i for i, v in enumerate(problem.variables) if v.role == "input"]
        wanted = problem.generator_degrees[:, inputs].sum(axis=1) <= degree
    ops = ModularOps(problem, points, p)
    for k, row in evaluate_generators(gens, ops, np.flatnonzero(wanted).tolist()).items():
        values[k] = row
    return values


class ModularOps:
    """The arithmetic of :func:`~invariants.evaluation.evaluate_generators` mod ``p`` at many
    points at once: every value is a row of residues, one per point."""

    def __init__(self, problem: Problem, points: np.ndarray, p: int):
        self.p, self.points = p, points
        self.slices = variable_slices(problem)
        self.coords = _vector_coordinates(problem, points, self.slices) % p  # (vars, points, d)
        self.eta = np.array(problem.group.metric, dtype=np.int64) % p

    def scalar(self, var: int) -> np.ndarray:
        return self.points[:, self.slices[var]][:, 0] % self.p

    def dots(self, pairs: list[tuple[int, int]]) -> list[np.ndarray]:
        p, out = self.p, []
        for chunk in _chunks(pairs):
            a, b = (self.coords[[pair[j] for pair in chunk]] for j in (0, 1))
            out.extend((a * b % p * self.eta % p).sum(axis=2) % p)
        return out

    def brackets(self, columns: list[tuple[int, ...]]) -> list[np.ndarray]:
        out = []
        for chunk in _chunks(columns):
            # (brackets, points, d, d): the vectors as columns
            cols = self.coords[np.array(chunk)].transpose(0, 2, 3, 1)
            out.extend(det_mod(cols, self.p))
        return out

    def mul(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return x * y % self.p


def _vector_coordinates(problem: Problem, points: np.ndarray, slices: list[slice]) -> np.ndarray:
    """``(variables, points, d)``: the coordinates of each vector-like variable (0 for scalars)."""
    d = problem.group.d
    out = np.zeros((len(problem.variables), len(points), d), dtype=np.int64)
    for i, v in enumerate(problem.variables):
        if v.vector_like:
            out[i] = points[:, slices[i]]
    return out


def _chunks(indices: list, size: int = 2048) -> list[list]:
    return [indices[k : k + size] for k in range(0, len(indices), size)]


def swapped_points(problem: Problem, points: np.ndarray) -> np.ndarray:
    """The points with the coordinates of the two ``skew`` dummies exchanged."""
    i, j = problem.antisymmetric
    slices = variable_slices(problem)
    out = points.copy()
    out[:, slices[i]], out[:, slices[j]] = points[:, slices[j]], points[:, slices[i]]
    return out


def monomial_values(exponents: np.ndarray, values: np.ndarray, p: int = PRIME) -> np.ndarray:
    """Values mod ``p`` of monomials (rows of ``exponents``) at points: ``(monomials, points)``."""
    out = np.ones((len(exponents), values.shape[1]), dtype=np.int64)
    for g in np.flatnonzero(exponents.any(axis=0)):
        top = int(exponents[:, g].max())
        powers = np.ones((top + 1, values.shape[1]), dtype=np.int64)
        for e in range(1, top + 1):
            powers[e] = powers[e - 1] * values[g] % p
        out = out * powers[exponents[:, g]] % p
    return out


@dataclass(frozen=True)
class SpanResult:
    """Rank of a block's candidates mod ``p``, with a certified independent subset."""

    rank: int
    basis: tuple[int, ...]  # indices of independent candidates
    rows: tuple[int, ...]  # point indices of a non-singular square minor
    det: int  # its determinant mod p


def span_rank(matrix: np.ndarray, p: int = PRIME) -> SpanResult:
    """Rank of ``matrix`` (points × candidates, residues) and a non-singular minor of that size."""
    rank, pivots = rank_and_pivots(matrix, p)
    if rank == 0:
        return SpanResult(0, (), (), 1)
    sub = matrix[:, pivots]
    _, rows = rank_and_pivots(np.ascontiguousarray(sub.T), p)
    det = det_mod_flint(sub[rows], p)
    assert det != 0
    return SpanResult(rank, tuple(pivots), tuple(rows), det)


def candidate_matrix(
    problem: Problem,
    candidates: np.ndarray,
    values: np.ndarray,
    swapped: np.ndarray | None,
    p: int = PRIME,
) -> np.ndarray:
    """Evaluation matrix ``(points, candidates)`` mod ``p`` (antisymmetrized for ``skew``)."""
    vals = monomial_values(candidates, values, p)
    if swapped is not None:
        vals = (vals - monomial_values(candidates, swapped, p)) % p
    return np.ascontiguousarray(vals.T)
