"""Verify that products of the paper's scalars span every invariant (equivariant) polynomial.

For every multidegree up to the requested total degree this compares

* the true dimension of the space (Weyl's character formula, :mod:`invariants.counting`), with
* a lower bound on the dimension of the span of the candidates (rank mod ``p`` of their values at
  random points, :mod:`invariants.spanning`).

Equality is a proof that the candidates span the block; the certificate records what is needed to
re-check it (``proofs/spanning.md``).

>>> report = verify("O(3)", "p,q,r,s:vector", degree=8)
>>> report.complete, report.degrees[8].dimension, report.degrees[8].relations
(True, 714, 1)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .blocks import canonical_multidegrees, input_multidegree, multidegree_table
from .counting import character_dimension
from .errors import CountMismatchError, InvariantsError
from .groups import Group
from .inputs import Input
from .modular import PRIME
from .problem import Problem, check_degree, make_problem
from .spanning import (
    candidate_matrix,
    candidate_monomials,
    generator_values,
    sample_points,
    span_rank,
    swapped_points,
)

Progress = Callable[[int, int], None]


class _Counts:
    """Shared by the rows of a report: ``dimension`` of the space, ``span`` of the candidates,
    number of ``candidates`` and of ``relations`` among them."""

    dimension: int
    span: int
    candidates: int
    relations: int

    @property
    def complete(self) -> bool:
        return self.span == self.dimension

    def _counts(self) -> dict:
        return {
            "dimension": self.dimension,
            "span": self.span,
            "candidates": self.candidates,
            "relations": self.relations,
        }


@dataclass(frozen=True)
class BlockResult(_Counts):
    """Numbers for one multidegree (over the inputs, in the order they were written)."""

    multidegree: tuple[int, ...]
    dimension: int
    span: int
    candidates: int
    relations: int

    def as_dict(self) -> dict:
        return {"multidegree": list(self.multidegree), **self._counts()}


@dataclass(frozen=True)
class DegreeResult(_Counts):
    """Numbers for one total degree (sums over its multidegrees)."""

    degree: int
    dimension: int
    span: int
    candidates: int
    relations: int

    def as_dict(self) -> dict:
        return {"degree": self.degree, **self._counts()}


@dataclass(frozen=True)
class CanonicalBlock:
    """A block over the problem's variables, with the data a certificate needs."""

    multidegree: tuple[int, ...]
    dimension: int
    candidates: np.ndarray = field(repr=False)
    span: int
    basis: tuple[int, ...]
    rows: tuple[int, ...]
    det: int


@dataclass(frozen=True)
class VerificationReport:
    """Result of :func:`verify`: tables per degree and multidegree, relations, certificate.

    >>> r = verify("O(2)", "a,b,c:vector", degree=6)
    >>> r.complete, r.degrees[6].relations, len(r.blocks)
    (True, 1, 84)
    >>> print(r.relations()[0])
    (a·a)*(b·b)*(c·c) - (a·a)*(b·c)^2 - (a·b)^2*(c·c) + 2*(a·b)*(a·c)*(b·c) - (a·c)^2*(b·b) = 0
    """

    problem: Problem
    degree: int
    blocks: tuple[BlockResult, ...]
    degrees: tuple[DegreeResult, ...]
    canonical: tuple[CanonicalBlock, ...] = field(repr=False)
    points: np.ndarray = field(repr=False)
    prime: int = PRIME

    @property
    def group(self) -> Group:
        return self.problem.group

    @property
    def inputs(self) -> tuple[Input, ...]:
        return self.problem.inputs

    @property
    def output(self) -> str:
        return self.problem.output

    @property
    def complete(self) -> bool:
        """True iff the candidates span every block (a proof, see ``proofs/spanning.md``)."""
        return all(b.span == b.dimension for b in self.canonical)

    def relations(self, limit: int = 10, max_candidates: int = 600):
        """Exact minimal relations, lowest degree first (:mod:`invariants.relations`)."""
        from .relations import find_relations

        return find_relations(self, limit=limit, max_candidates=max_candidates)

    def as_dict(self) -> dict:
        """The JSON object printed by ``invariants verify --json``."""
        return {
            "group": self.group.name,
            "inputs": [{"name": i.name, "type": i.type} for i in self.inputs],
            "output": self.output,
            "degree": self.degree,
            "complete": self.complete,
            "degrees": [d.as_dict() for d in self.degrees],
            "multidegrees": [b.as_dict() for b in self.blocks],
        }

    def certificate(self) -> dict:
        """A certificate that :func:`invariants.check` re-checks independently."""
        from .certificate import make_certificate

        return make_certificate(self)

    def table(self) -> str:
        """A plain-text table per total degree."""
        head = f"{'degree':>6} {'dimension':>10} {'span':>10} {'candidates':>11} {'relations':>10}"
        lines = [head, "-" * len(head)]
        for r in self.degrees:
            flag = "" if r.complete else "   INCOMPLETE"
            lines.append(
                f"{r.degree:>6} {r.dimension:>10} {r.span:>10} {r.candidates:>11} "
                f"{r.relations:>10}{flag}"
            )
        return "\n".join(lines)


def verify(
    group: str | Group,
    inputs,
    output: str = "scalar",
    degree: int = 4,
    *,
    seed: int = 0,
    progress: Progress | None = None,
    cross_check: bool = False,
) -> VerificationReport:
    """Check, degree by degree, that the generators' products span all invariants.

    ``output`` other than ``"scalar"`` verifies equivariant maps of that type (seeds times
    scalars), through the dummy-variable encoding of :mod:`invariants.problem`.
    ``cross_check=True`` also counts every block by linear constraints mod ``p``
    (:mod:`invariants.constraints`) and raises
    :class:`~invariants.errors.CountMismatchError` if the two counts differ.

    >>> r = verify("SO(3)", "p,q:vector", output="vector", degree=3)
    >>> [(d.degree, d.dimension, d.span) for d in r.degrees]
    [(0, 0, 0), (1, 2, 2), (2, 1, 1), (3, 6, 6)]
    """
    problem = make_problem(group, inputs, output, max_degree=check_degree(degree))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InvariantsError(f"seed must be a non-negative integer, got {seed!r}")
    if progress is not None and not callable(progress):
        raise InvariantsError(
            f"progress must be None or a function progress(done, total), got {progress!r}"
        )
    if not isinstance(cross_check, bool):
        raise InvariantsError(f"cross_check must be True or False, got {cross_check!r}")
    return verify_problem(
        problem, check_degree(degree), seed=seed, progress=progress, cross_check=cross_check
    )


def verify_problem(
    problem: Problem,
    degree: int,
    *,
    seed: int = 0,
    progress: Progress | None = None,
    cross_check: bool = False,
) -> VerificationReport:
    """:func:`verify` for an already built :class:`~invariants.problem.Problem`."""
    if problem.max_degree is not None and degree > problem.max_degree:
        raise InvariantsError(
            f"degree {degree} exceeds the problem's max_degree {problem.max_degree}: "
            "generators of higher degree were left out"
        )
    blocks = canonical_multidegrees(problem, degree)
    family, d = problem.group.family, problem.group.d
    types = [v.type for v in problem.variables]
    bound = degree + sum(v.degree or 0 for v in problem.variables)
    dims = [
        character_dimension(family, d, types, beta, problem.antisymmetric, bound) for beta in blocks
    ]
    if cross_check:
        _cross_check(problem, blocks, dims)
    rng = np.random.default_rng(seed)
    margin = 4
    points = sample_points(problem, 2 * max(dims, default=0) + 2 * margin, rng)
    values = generator_values(problem, points, degree=degree)
    swapped = (
        generator_values(problem, swapped_points(problem, points), degree=degree)
        if problem.antisymmetric is not None
        else None
    )
    results = []
    for done, (beta, dim) in enumerate(zip(blocks, dims)):
        cands = candidate_monomials(problem, beta)
        if dim == 0 or len(cands) == 0:
            result = _empty(beta, dim, cands)
        else:
            n = min(dim + margin, len(points))
            span = span_rank(candidate_matrix(problem, cands, values[:, :n], _cut(swapped, n)))
            if span.rank < dim:  # unlucky points, or a real gap: use every point
                span = span_rank(candidate_matrix(problem, cands, values, swapped))
            result = CanonicalBlock(beta, dim, cands, span.rank, span.basis, span.rows, span.det)
        results.append(result)
        if progress is not None:
            progress(done + 1, len(blocks))
    return _report(problem, degree, tuple(results), points)


def _cross_check(problem: Problem, blocks, dims) -> None:
    from .constraints import constraint_dimension

    types = [v.type for v in problem.variables]
    for beta, dim in zip(blocks, dims):
        other = constraint_dimension(
            problem.group.family, problem.group.d, types, beta, problem.antisymmetric
        )
        if other != dim:
            where = list(input_multidegree(problem, beta))
            raise CountMismatchError(
                f"multidegree {where}: characters give {dim}, constraints mod p give {other}"
            )


def _cut(values: np.ndarray | None, n: int) -> np.ndarray | None:
    return None if values is None else values[:, :n]


def _empty(beta, dim, cands) -> CanonicalBlock:
    return CanonicalBlock(beta, dim, cands, 0, (), (), 1)


def _report(problem, degree, canonical_blocks, points) -> VerificationReport:
    by_beta = {b.multidegree: b for b in canonical_blocks}
    # multidegree_table runs by total degree, then descending lex over the variables, which are
    # the inputs in order (dummies last, a translation origin left out): the order of the rows.
    blocks = []
    sums = [[0, 0, 0, 0] for _ in range(degree + 1)]
    for _, rep, over_inputs in multidegree_table(problem, degree):
        c = by_beta[rep]
        row = BlockResult(
            multidegree=over_inputs,
            dimension=c.dimension,
            span=c.span,
            candidates=len(c.candidates),
            relations=len(c.candidates) - c.span,
        )
        blocks.append(row)
        total = sums[sum(over_inputs)]
        for k, x in enumerate((row.dimension, row.span, row.candidates, row.relations)):
            total[k] += x
    degrees = [DegreeResult(t, *sums[t]) for t in range(degree + 1)]
    return VerificationReport(
        problem, degree, tuple(blocks), tuple(degrees), canonical_blocks, points
    )
