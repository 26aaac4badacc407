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

from .modular import PRIME, det_mod, det_mod_flint, rank_and_pivots
from .problem import Problem


def candidate_monomials(problem: Problem, multidegree: tuple[int, ...]) -> np.ndarray:
    """Exponent vectors (rows) of the candidates of a block, in a fixed order.

    A candidate is a monomial in the usable generators (for groups with reflections: those of
    even parity) of exactly this multidegree over the problem's variables. For ``skew`` outputs
    each class ``{m, swap(m)}`` is represented once, and classes whose antisymmetrization
    vanishes are dropped.
    """
    gens = problem.generators
    usable = tuple(i for i, g in enumerate(gens) if problem.group.family == "SO" or g.parity == 0)
    degrees = tuple(gens[i].multidegree for i in usable)
    found = _monomials(degrees, tuple(multidegree))
    out = np.zeros((len(found), len(gens)), dtype=np.int64)
    for row, exps in enumerate(found):
        out[row, list(usable)] = exps
    if problem.antisymmetric is not None:
        out = _antisymmetric_classes(problem, out)
    return out


@lru_cache(maxsize=1024)
def _monomials(degrees: tuple[tuple[int, ...], ...], target: tuple[int, ...]) -> list[tuple]:
    return _monomials_from(degrees, target, 0)


@lru_cache(maxsize=65536)
def _monomials_from(
    degrees: tuple[tuple[int, ...], ...], target: tuple[int, ...], start: int
) -> list[tuple]:
    if start == len(degrees):
        return [()] if not any(target) else []
    deg = degrees[start]
    support = [k for k, x in enumerate(deg) if x]
    top = min(target[k] // deg[k] for k in support) if support else 0
    result = []
    for e in range(top, -1, -1):
        rest = tuple(t - e * x for t, x in zip(target, deg))
        for tail in _monomials_from(degrees, rest, start + 1):
            result.append((e,) + tail)
    return result


def swap_map(problem: Problem) -> tuple[np.ndarray, np.ndarray]:
    """Generator permutation and signs induced by exchanging the two dummies of ``skew``."""
    i, j = problem.antisymmetric
    images = [problem.permute_generator(g, {i: j, j: i}) for g in range(len(problem.generators))]
    return np.array([k for k, _ in images]), np.array([s for _, s in images])


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
    return np.array(sorted(set(keep), key=lambda k: keep.index(k)), dtype=np.int64).reshape(
        -1, monomials.shape[1]
    )


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


def generator_values(problem: Problem, points: np.ndarray, p: int = PRIME) -> np.ndarray:
    """Values mod ``p`` of every generator at every point: shape ``(generators, points)``."""
    slices = variable_slices(problem)
    eta = np.array(problem.group.metric, dtype=np.int64) % p
    values = np.zeros((len(problem.generators), len(points)), dtype=np.int64)
    for k, g in enumerate(problem.generators):
        if g.kind == "scalar":
            values[k] = points[:, slices[g.args[0]]][:, 0] % p
        elif g.kind == "dot":
            a, b = points[:, slices[g.args[0]]], points[:, slices[g.args[1]]]
            values[k] = (a * b % p * eta % p).sum(axis=1) % p
        elif g.kind == "bracket":
            cols = np.stack([points[:, slices[i]] for i in g.args], axis=2)
            values[k] = det_mod(cols, p)
        else:
            values[k] = values[g.args[0]] * values[g.args[1]] % p
    return values


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
