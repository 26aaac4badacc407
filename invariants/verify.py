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

import math
import os
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from .blocks import canonical_multidegrees, input_multidegree, multidegree_table
from .counting import character_dimension
from .errors import CountMismatchError, InvariantsError
from .executors import check_executor, check_jobs, run_tasks
from .groups import Group
from .inputs import Input
from .modular import PRIME
from .problem import Problem, check_degree, make_problem
from .resume import CHECKPOINT_SECONDS, Checkpoint, load_finished
from .schedule import (
    DEFAULT_MAX_BLOCK_BYTES,
    MARGIN,
    SERIAL_BELOW_SECONDS,
    block_costs,
    check_limit,
    check_memory,
    make_tasks,
    retry_points,
)
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


class ProblemView:
    """``group``, ``inputs`` and ``output`` of a report's ``problem``."""

    problem: Problem

    @property
    def group(self) -> Group:
        return self.problem.group

    @property
    def inputs(self) -> tuple[Input, ...]:
        return self.problem.inputs

    @property
    def output(self) -> str:
        return self.problem.output


@dataclass(frozen=True)
class VerificationReport(ProblemView):
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
    progress: Progress | ProgressReporter | None = None,
    cross_check: bool = False,
    executor: Any = "auto",
    jobs: int | None = None,
    scheduler: str | None = None,
    checkpoint: str | os.PathLike | None = None,
    checkpoint_every: float | None = None,
    checkpoint_final: bool = True,
    resume: str | os.PathLike | None = None,
    max_block_bytes: int | None = DEFAULT_MAX_BLOCK_BYTES,
) -> VerificationReport:
    """Check, degree by degree, that the generators' products span all invariants.

    ``output`` other than ``"scalar"`` verifies equivariant maps of that type (seeds times
    scalars), through the dummy-variable encoding of :mod:`invariants.problem`.
    ``cross_check=True`` also counts every block by linear constraints mod ``p``
    (:mod:`invariants.constraints`) and raises
    :class:`~invariants.errors.CountMismatchError` if the two counts differ.

    Blocks are independent; ``executor`` says where they run (:mod:`invariants.executors`):
    ``"auto"`` (local processes on ``jobs`` cores, default all, unless the estimated work is
    under a second), ``"serial"``, ``"processes"``, ``"dask"`` (``scheduler`` is the address of
    a Dask scheduler; without one a ``LocalCluster`` is started for the run), or an executor
    object. The result does not depend on the executor, bit for bit.

    ``checkpoint``: a file kept up to date with a partial certificate while the run goes (at
    most every ``checkpoint_every`` seconds, default 10, and when interrupted), and holding the
    final certificate at the end (``checkpoint_final=False``: the caller writes it, e.g. after
    printing the report, as the command does). ``resume``: a (partial) certificate of the same
    run whose finished blocks are not computed again (:mod:`invariants.resume`).
    ``max_block_bytes``: the limit on the estimated memory of one block (default 8 GiB;
    ``None``: no limit), checked before any block is computed.

    >>> r = verify("SO(3)", "p,q:vector", output="vector", degree=3)
    >>> [(d.degree, d.dimension, d.span) for d in r.degrees]
    [(0, 0, 0), (1, 2, 2), (2, 1, 1), (3, 6, 6)]

    Tensor inputs (``sym``, ``skew``, ``dev``, ``matrix``, with vectors) go to the contraction
    engine (:func:`invariants.tensor_verify.verify_tensors`; no checkpoints or cross-check yet):

    >>> r = verify("O(3)", "S:dev; R:skew", output="dev", degree=4)
    >>> r.complete, [d.dimension for d in r.degrees], r.certificate()["version"]
    (True, [0, 1, 3, 4, 11], 2)

    Identical particles (``"4*p:vector"``, symmetry ``G × S_4``) go to
    :func:`invariants.symmetric_verify.verify_symmetric`, which returns a
    :class:`~invariants.symmetric_verify.SymmetricReport` (orbit sums of the candidates, two
    independent dimension counts, ``.certificate()``; no checkpoints or worker processes yet):

    >>> r = verify("O(3)", "4*p:vector", degree=6)
    >>> r.complete, [d.dimension for d in r.degrees]
    (True, [1, 0, 2, 0, 7, 0, 20])
    """
    if _identical(inputs):  # G × S_n: orbit sums (invariants.symmetric_verify)
        return _verify_identical(
            group, inputs, output, degree, seed, progress, cross_check, executor, jobs,
            scheduler, checkpoint, resume, max_block_bytes,
        )  # fmt: skip
    if _tensor_inputs(inputs, output):  # contractions, not scalar products: the tensor engine
        return _verify_tensors(
            group, inputs, output, degree, seed, cross_check, executor, jobs, scheduler,
            checkpoint, resume, max_block_bytes,
        )  # fmt: skip
    problem = make_problem(group, inputs, output, max_degree=check_degree(degree))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InvariantsError(f"seed must be a non-negative integer, got {seed!r}")
    if not (progress is None or callable(progress) or hasattr(progress, "advance")):
        raise InvariantsError(
            f"progress must be None, a function progress(done, total) or a ProgressReporter, "
            f"got {progress!r}"
        )
    if not isinstance(cross_check, bool):
        raise InvariantsError(f"cross_check must be True or False, got {cross_check!r}")
    return verify_problem(
        problem,
        check_degree(degree),
        seed=int(seed),
        progress=progress,
        cross_check=cross_check,
        executor=executor,
        jobs=jobs,
        scheduler=scheduler,
        checkpoint=checkpoint,
        checkpoint_every=checkpoint_every,
        checkpoint_final=checkpoint_final,
        resume=resume,
        max_block_bytes=max_block_bytes,
    )


def _identical(inputs) -> bool:
    """Whether ``inputs`` is a specification string with ``N*`` particles (malformed ones are
    left to :func:`make_problem`)."""
    from .particles import parse_spec

    if not isinstance(inputs, str):
        return False
    try:
        return bool(parse_spec(inputs).identical)
    except InvariantsError:
        return False


def _verify_identical(
    group, inputs, output, degree, seed, progress, cross_check, executor, jobs, scheduler,
    checkpoint, resume, max_block_bytes,
):  # fmt: skip
    """:func:`invariants.symmetric_verify.verify_symmetric`, refusing what it does not do."""
    from .symmetric_verify import verify_symmetric

    _in_process_only(
        "with identical particles (N*…)", executor, jobs, scheduler, checkpoint, resume,
        max_block_bytes,
    )  # fmt: skip
    if not isinstance(cross_check, bool):
        raise InvariantsError(f"cross_check must be True or False, got {cross_check!r}")
    # cross_check: the second count (traces on the plain basis) is always made and compared
    return verify_symmetric(group, inputs, output, degree, seed=seed, progress=progress)


def _in_process_only(
    where: str, executor, jobs, scheduler, checkpoint, resume, max_block_bytes
) -> None:
    """For the engines that verify in this process only (identical particles, tensors): the
    arguments checked as :func:`verify_problem` checks them, then the ones they cannot honour
    refused by name."""
    from .executors import check_executor, check_jobs, check_scheduler

    check_executor(executor)
    if jobs is not None:
        check_jobs(jobs)
    check_scheduler(scheduler)
    check_limit(max_block_bytes)
    refused = {
        "checkpoint (certificates)": checkpoint is not None,
        "resume": resume is not None,
        "scheduler": scheduler is not None,
        "jobs other than 1": jobs not in (None, 1),
        f"executor {executor!r}": executor not in ("auto", "serial"),
        "max_block_bytes other than the default": max_block_bytes
        not in (None, DEFAULT_MAX_BLOCK_BYTES),
    }
    for name, bad in refused.items():
        if bad:
            raise InvariantsError(
                f"{name} is not available {where} yet; they are verified in this process "
                "(report.certificate() gives a certificate)"
            )


def _tensor_inputs(inputs, output="scalar") -> bool:
    """Whether the contraction engine takes the problem: a tensor input, or vector inputs only
    with an output the engine of vector inputs does not build (``dev``, ``tensor(FORMULA)``,
    pseudo-tensors). Malformed inputs are left to :func:`make_problem`."""
    from .inputs import OUTPUT_TYPES, parse_inputs

    if isinstance(inputs, Problem):
        return False
    try:
        parsed = parse_inputs(list(inputs.items()) if isinstance(inputs, dict) else inputs)
    except (InvariantsError, TypeError, ValueError):
        return False
    if any(i.tensor is not None for i in parsed):
        return True
    vectors = bool(parsed) and all(i.type in ("vector", "pseudovector") for i in parsed)
    return vectors and isinstance(output, str) and output not in OUTPUT_TYPES


def _verify_tensors(
    group, inputs, output, degree, seed, cross_check, executor, jobs, scheduler, checkpoint,
    resume, max_block_bytes,
):  # fmt: skip
    """:func:`invariants.tensor_verify.verify_tensors`, refusing what it does not do yet."""
    from .tensor_verify import verify_tensors

    _in_process_only(
        "for tensor inputs", executor, jobs, scheduler, checkpoint, resume, max_block_bytes
    )
    if cross_check not in (None, False):
        raise InvariantsError(
            "cross_check is not available for tensor inputs yet (the dimensions come from "
            "characters; the independent checker recounts them from the certificate)"
        )
    return verify_tensors(group, inputs, output, degree, seed=seed)


def verify_problem(
    problem: Problem,
    degree: int,
    *,
    seed: int = 0,
    progress: Progress | ProgressReporter | None = None,
    cross_check: bool = False,
    executor: Any = "auto",
    jobs: int | None = None,
    scheduler: str | None = None,
    checkpoint: str | os.PathLike | None = None,
    checkpoint_every: float | None = None,
    checkpoint_final: bool = True,
    resume: str | os.PathLike | None = None,
    max_block_bytes: int | None = DEFAULT_MAX_BLOCK_BYTES,
) -> VerificationReport:
    """:func:`verify` for an already built :class:`~invariants.problem.Problem`."""
    if problem.max_degree is not None and degree > problem.max_degree:
        raise InvariantsError(
            f"degree {degree} exceeds the problem's max_degree {problem.max_degree}: "
            "generators of higher degree were left out"
        )
    check_executor(executor)
    jobs = check_jobs(jobs)
    reporter = _reporter(progress)
    try:
        blocks = canonical_multidegrees(problem, degree)
        dims = _dimensions(problem, degree, blocks, reporter)
        if cross_check:
            _cross_check(problem, blocks, dims)
        rng = np.random.default_rng(seed)
        points = sample_points(problem, 2 * max(dims, default=0) + 2 * MARGIN, rng)
        finished = {}
        if resume is not None:
            counts = dict(zip(blocks, dims))
            finished = load_finished(resume, problem, degree, counts, points, PRIME, seed)
        tasks, work = _plan(problem, blocks, dims, finished, len(points), jobs, max_block_bytes)
        saver = None
        if checkpoint is not None:
            every = CHECKPOINT_SECONDS if checkpoint_every is None else checkpoint_every
            _check_checkpoint(checkpoint, every)
            saver = Checkpoint(checkpoint, problem, degree, blocks, points, PRIME, seed, every)
            saver.flush(finished)  # at once: a run killed before the first flush can resume
        reporter.start("spanning", sum(work), len(blocks), len(finished))
        runs = run_tasks(
            _verify_task,
            _Shared(problem, points, PRIME, max_block_bytes),
            tasks,
            executor=_choose(executor, work, jobs, scheduler),
            jobs=jobs,
            scheduler=scheduler,
        )
        _collect(runs, work, finished, reporter, saver)
    finally:
        reporter.close()
    report = _report(problem, degree, tuple(finished[beta] for beta in blocks), points)
    if saver is not None and checkpoint_final:
        saver.finish(report)
    return report


def _check_checkpoint(checkpoint, every) -> None:
    if not isinstance(checkpoint, (str, os.PathLike)) or not os.fspath(checkpoint):
        raise InvariantsError(f"checkpoint must be a path to a file, got {checkpoint!r}")
    if (
        isinstance(every, bool)
        or not isinstance(every, (int, float))
        or not (math.isfinite(every) and every >= 0)
    ):
        raise InvariantsError(
            f"checkpoint_every must be a number of seconds ≥ 0 (0: after every block), got "
            f"{every!r}"
        )


def _plan(problem, blocks, dims, finished, n_points: int, jobs: int, max_block_bytes):
    """The blocks still to compute, grouped into tasks (largest first), and each task's
    estimated seconds; raises if a block would exceed the memory limit."""
    todo = [(beta, dim) for beta, dim in zip(blocks, dims) if beta not in finished]
    costs = block_costs(problem, [b for b, _ in todo], [d for _, d in todo], n_points)
    check_memory(problem, costs, max_block_bytes)
    groups = make_tasks(costs, jobs)
    tasks = [tuple(todo[i] for i in group) for group in groups]
    work = [sum(costs[i].seconds for i in group) for group in groups]
    return tasks, work


def _collect(runs, work, finished: dict, reporter, saver) -> None:
    """Take the results as they come; on any interruption keep what is done, for resume."""
    try:
        with closing(runs):  # closing stops the workers, whatever happens here
            for i, results in runs:
                for block in results:
                    finished[block.multidegree] = block
                reporter.advance(work[i], len(results))
                if saver is not None:
                    saver.update(finished)
    except BaseException:
        if saver is not None and len(finished) > saver.flushed:
            saver.flush(finished)
        raise


def verify_block(
    problem: Problem,
    multidegree: tuple[int, ...],
    dimension: int,
    points: np.ndarray,
    prime: int = PRIME,
) -> CanonicalBlock:
    """One block: the rank mod ``prime`` of its candidates at a prefix of ``points``.

    A pure function of its arguments (the work every executor distributes): ``dimension`` is
    the block's count, ``points`` the run's points (rows of residues). The first
    ``dimension + 4`` points are used; if their rank falls short of ``dimension`` (unlucky
    points, or a real gap) every point is.

    >>> from invariants.problem import make_problem
    >>> pr = make_problem("O(3)", "p,q:vector")
    >>> points = np.random.default_rng(0).integers(0, PRIME, size=(8, 6))
    >>> b = verify_block(pr, (2, 2), 2, points)
    >>> b.span, b.dimension, len(b.candidates), len(b.rows)
    (2, 2, 2, 2)
    """
    return _verify_block(_Shared(problem, points, prime), tuple(multidegree), dimension)


@dataclass
class _Shared:
    """What every block of a run needs, sent once per worker: the problem, the points, the
    prime, and (computed once per process, not sent) the generators' values at the points."""

    problem: Problem
    points: np.ndarray
    prime: int
    max_block_bytes: int | None = None
    _values: tuple | None = field(default=None, repr=False)

    def values(self) -> tuple[np.ndarray, np.ndarray | None]:
        if self._values is None:
            pr, pts, p = self.problem, self.points, self.prime
            swapped = None
            if pr.antisymmetric is not None:
                swapped = generator_values(pr, swapped_points(pr, pts), p, pr.max_degree)
            self._values = (generator_values(pr, pts, p, pr.max_degree), swapped)
        return self._values

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_values": None}


def _verify_task(shared: _Shared, task) -> list[CanonicalBlock]:
    return [_verify_block(shared, beta, dim) for beta, dim in task]


def _verify_block(shared: _Shared, beta: tuple[int, ...], dim: int) -> CanonicalBlock:
    problem, p = shared.problem, shared.prime
    cands = candidate_monomials(problem, beta)
    if dim == 0 or len(cands) == 0:
        return _empty(beta, dim, cands)
    values, swapped = shared.values()
    n = min(dim + MARGIN, values.shape[1])
    span = span_rank(candidate_matrix(problem, cands, values[:, :n], _cut(swapped, n), p), p)
    if span.rank < dim:  # unlucky points, or a real gap: twice as many points
        gens = len(problem.generators)
        m = retry_points(dim, values.shape[1], len(cands), gens, shared.max_block_bytes)
        span = span_rank(candidate_matrix(problem, cands, values[:, :m], _cut(swapped, m), p), p)
    return CanonicalBlock(beta, dim, cands, span.rank, span.basis, span.rows, span.det)


def _choose(executor: Any, work: list[float], jobs: int, scheduler: str | None) -> Any:
    """``"auto"``: serial when one core, one task or too little work to pay for workers."""
    if executor != "auto" or scheduler is not None:
        return executor
    if jobs == 1 or len(work) < 2 or sum(work) < SERIAL_BELOW_SECONDS:
        return "serial"
    return "processes"


def _dimensions(problem: Problem, degree: int, blocks, reporter) -> list[int]:
    family, d = problem.group.family, problem.group.d
    types = [v.type for v in problem.variables]
    bound = degree + sum(v.degree or 0 for v in problem.variables)
    reporter.start("counting", len(blocks), len(blocks), 0)
    dims = []
    for beta in blocks:
        dims.append(character_dimension(family, d, types, beta, problem.antisymmetric, bound))
        reporter.advance(1, 1)
    return dims


# --- progress ----------------------------------------------------------------------------------


class ProgressReporter(Protocol):
    """What :func:`verify` tells a progress display (the CLI's bar is one).

    ``start(phase, work, blocks, done)`` opens a phase (``"counting"``, then ``"spanning"``)
    with its estimated ``work`` (in blocks for counting, estimated seconds for spanning), its
    number of ``blocks`` and the number already ``done`` (resumed); ``advance(work, blocks)``
    reports finished blocks; ``close()`` ends the run.
    """

    def start(self, phase: str, work: float, blocks: int, done: int) -> None: ...

    def advance(self, work: float, blocks: int) -> None: ...

    def close(self) -> None: ...


class _Silent:
    def start(self, phase: str, work: float, blocks: int, done: int) -> None:
        pass

    def advance(self, work: float, blocks: int) -> None:
        pass

    def close(self) -> None:
        pass


class _Callback(_Silent):
    """``progress(done, total)`` (blocks) after every finished block of the spanning phase."""

    def __init__(self, fn: Progress):
        self.fn, self.phase, self.done, self.total = fn, "", 0, 0

    def start(self, phase: str, work: float, blocks: int, done: int) -> None:
        self.phase, self.done, self.total = phase, done, blocks

    def advance(self, work: float, blocks: int) -> None:
        if self.phase == "spanning":
            for _ in range(blocks):
                self.done += 1
                self.fn(self.done, self.total)


def _reporter(progress) -> ProgressReporter:
    if progress is None:
        return _Silent()
    if all(hasattr(progress, m) for m in ("start", "advance", "close")):
        return progress
    return _Callback(progress)


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
