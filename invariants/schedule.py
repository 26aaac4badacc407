"""What each block of a verification costs, before it is computed, and in which order to send
the blocks to the workers.

A block's work is one rank mod ``p`` of an ``n × c`` matrix (``n = dimension + 4`` points,
``c`` candidates). ``c`` is counted without enumerating the candidates: it is the coefficient
of ``x^β`` in ``Π_g 1/(1 − x^{deg g})``, computed for all blocks at once on a dense array
(exact for every output but ``skew``, where it is an upper bound: antisymmetrization merges
candidates in pairs). Time and memory follow from ``n`` and ``c`` by a model fitted on
measurements (``docs/performance.md``); it is used to check memory before anything runs, to
send large blocks first, to choose serial execution for small runs, and to weight the ETA.

>>> from invariants.problem import make_problem
>>> pr = make_problem("O(3)", "p,q:vector")
>>> candidate_counts(pr, [(2, 2), (4, 0)])
[2, 1]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .blocks import input_multidegree
from .errors import InvariantsError
from .problem import Problem

#: Peak memory of one block per matrix entry: the int64 evaluation matrix and its transpose,
#: the list of Python ints handed to FLINT, FLINT's matrix and its echelon form (measured:
#: 185–205 bytes per entry from 0.7 to 43 million entries).
BYTES_PER_ENTRY = 200
#: The default limit on the estimated memory of one block (each worker runs one at a time).
DEFAULT_MAX_BLOCK_BYTES = 8 * 2**30
#: Below this many estimated seconds in total, ``executor="auto"`` runs in this process:
#: starting workers and moving data would cost more than it saves.
SERIAL_BELOW_SECONDS = 1.0
#: Blocks are grouped into tasks of at least this many estimated seconds (fewer messages).
MIN_TASK_SECONDS = 0.05
_DENSE_COUNT_LIMIT = 4_000_000  # entries of the array that counts all blocks at once
MARGIN = 4  # points beyond the dimension in a block's first attempt


def retry_points(
    dim: int, available: int, candidates: int = 0, generators: int = 0, limit: int | None = None
) -> int:
    """Points of a block's second attempt, when the first (``dim + MARGIN`` points) spans less
    than ``dim`` (unlucky points, or a real gap): twice as many, but no more than fit in
    ``limit`` bytes (the first attempt fitted: :func:`check_memory`), so that no attempt
    exceeds the limit."""
    n = min(2 * (dim + MARGIN), available)
    if limit is not None and candidates:
        fit = (limit - 8 * generators * candidates) // (BYTES_PER_ENTRY * candidates)
        n = max(min(n, fit), min(dim + MARGIN, available))
    return n


@dataclass(frozen=True)
class BlockCost:
    """Estimated work of one block: matrix shape ``points × candidates``, seconds, bytes (a
    second attempt, if any, stays within the limit: :func:`retry_points`)."""

    multidegree: tuple[int, ...]
    points: int
    candidates: int
    seconds: float
    bytes: int


def candidate_counts(problem: Problem, blocks: Sequence[tuple[int, ...]]) -> list[int]:
    """Number of candidate monomials of every block (an upper bound for ``skew`` outputs)."""
    if not blocks:
        return []
    usable = [
        g.multidegree
        for g in problem.generators
        if problem.group.family == "SO" or not g.parity  # as in spanning.candidate_monomials
    ]
    box = tuple(max(b[k] for b in blocks) for k in range(len(blocks[0])))
    if len(box) <= 32 and math.prod(k + 1 for k in box) <= _DENSE_COUNT_LIMIT:
        table = _count_table(usable, box)
        return [int(table[b]) for b in blocks]
    out = []
    for b in blocks:  # on the support of each block only (there may be many variables)
        support = [k for k, x in enumerate(b) if x]
        degrees = [
            tuple(deg[k] for k in support)
            for deg in usable
            if any(deg) and all(x <= y for x, y in zip(deg, b))
        ]
        beta = tuple(b[k] for k in support)
        out.append(int(_count_table(degrees, beta)[beta]))
    return out


def _count_table(degrees: Sequence[tuple[int, ...]], box: tuple[int, ...]) -> np.ndarray:
    """Entry ``x`` (for every ``x ≤ box``): the number of monomials of multidegree ``x`` in
    generators of these multidegrees (float64: exact below 2**53, and only an estimate beyond)."""
    table = np.zeros(tuple(k + 1 for k in box))
    table[(0,) * len(box)] = 1.0
    for deg in degrees:
        top = min((box[k] // e for k, e in enumerate(deg) if e), default=0)
        out = table.copy()
        for m in range(1, top + 1):  # multiply by 1 + x^deg + x^(2 deg) + …
            dst = tuple(slice(m * e, None) for e in deg)
            src = tuple(slice(0, k + 1 - m * e) for k, e in zip(box, deg))
            out[dst] += table[src]
        table = out
    return table


def block_costs(
    problem: Problem,
    blocks: Sequence[tuple[int, ...]],
    dims: Sequence[int],
    available_points: int,
) -> list[BlockCost]:
    """:class:`BlockCost` of every block (zero work where the dimension or ``c`` is zero)."""
    counts = candidate_counts(problem, blocks)
    gens = len(problem.generators)
    out = []
    for beta, dim, c in zip(blocks, dims, counts):
        n = min(dim + MARGIN, available_points) if dim and c else 0
        out.append(
            BlockCost(beta, n, c, _seconds(n, c, gens), BYTES_PER_ENTRY * n * c + 8 * gens * c)
        )
    return out


def _seconds(n: int, c: int, gens: int) -> float:
    """Least-squares fit of 1220 block timings (SO(3), O(3), SO(5), O(1,3); FLINT 0.9)."""
    if n == 0:
        return 2e-5
    entries = n * c
    return 1e-3 + 2.2e-7 * entries + 1.3e-9 * entries * min(n, c) + 6e-8 * entries * gens


def check_limit(limit) -> None:
    """Raise :class:`InvariantsError` unless ``limit`` (``max_block_bytes``) is ``None`` or a
    positive integer."""
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit <= 0):
        raise InvariantsError(f"max_block_bytes must be a positive integer or None, got {limit!r}")


def check_memory(problem: Problem, costs: Sequence[BlockCost], limit: int | None) -> None:
    """Raise :class:`InvariantsError` naming the largest block if it would exceed ``limit``."""
    check_limit(limit)
    if limit is None or not costs:
        return
    worst = max(costs, key=lambda c: c.bytes)
    if worst.bytes > limit:
        where = list(input_multidegree(problem, worst.multidegree))
        raise InvariantsError(
            f"block {where} needs about {_size(worst.bytes)} ({worst.points} points × "
            f"{worst.candidates} candidates), more than the limit of {_size(limit)} per block; "
            "raise max_block_bytes (--max-block-memory) on machines with more memory"
        )


def _size(n: float) -> str:
    """``n`` bytes for a reader: ``"117 KiB"``, ``"7.5 GiB"``."""
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024:
            return f"{n:.3g} {unit}"
        n /= 1024
    return f"{n:.3g} TiB"


def make_tasks(costs: Sequence[BlockCost], jobs: int) -> list[list[int]]:
    """Indices of ``costs`` grouped into tasks, the most expensive first.

    A large block is a task by itself; small ones are grouped until a task has at least
    ``max(MIN_TASK_SECONDS, total / (20 · jobs))`` seconds, so that messages stay few but the
    last tasks are short (they fill the gaps while other workers finish).
    """
    order = sorted(range(len(costs)), key=lambda i: -costs[i].seconds)
    total = sum(c.seconds for c in costs)
    target = max(MIN_TASK_SECONDS, total / (20 * jobs))
    tasks: list[list[int]] = []
    current: list[int] = []
    acc = 0.0
    for i in order:
        current.append(i)
        acc += costs[i].seconds
        if acc >= target:
            tasks.append(current)
            current, acc = [], 0.0
    if current:
        tasks.append(current)
    return tasks
