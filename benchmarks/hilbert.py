"""How long does a closed-form Hilbert series take, against counting degree by degree?

Prints, in one run:

1. ``hilbert_series("SO(3)", n vectors)`` for ``n = 2..8``;
2. ``hilbert_series("O(3)", n identical vectors)`` (``O(3) × S_n``) for ``n = 2..8``;

each against a baseline measured in the same run: summing ``character_dimension`` over the blocks
of every degree up to the numerator's degree — the fewest coefficients that fix the numerator
even when the denominator is known — using the permutation symmetry of the multidegrees (one
count per sorted multidegree, times the number of its orderings). For ``O(3) × S_n`` the baseline
counts only the ``O(3)`` invariants (the ``S_n``-invariant counts need more), so its ratio is a
lower bound. A baseline is stopped after ``--cap`` seconds (default 20) and the ratio then reported
as a lower bound.

Usage: ``python benchmarks/hilbert.py [--cap SECONDS]``.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from math import factorial, prod

from invariants import hilbert
from invariants.counting import character_dimension


def clear_caches() -> None:
    """Forget memoized series and counts so that every timing starts cold."""
    import invariants.counting as counting

    for module in (hilbert, counting):
        for obj in vars(module).values():
            if hasattr(obj, "cache_clear"):
                obj.cache_clear()


def partitions(k: int, parts: int, largest: int | None = None):
    """Non-increasing tuples of ``parts`` non-negative integers with sum ``k``."""
    largest = k if largest is None else largest
    if parts == 0:
        if k == 0:
            yield ()
        return
    for first in range(min(k, largest), -1, -1):
        if first * parts < k:
            break
        for rest in partitions(k - first, parts - 1, first):
            yield (first,) + rest


def orderings(beta: tuple[int, ...]) -> int:
    return factorial(len(beta)) // prod(factorial(m) for m in Counter(beta).values())


def baseline(family: str, d: int, n: int, degree: int, cap: float) -> tuple[float, int]:
    """Seconds to count degrees ``0..degree`` block by block, and the last degree reached."""
    clear_caches()
    start = time.perf_counter()
    types = ["vector"] * n
    for k in range(degree + 1):
        sum(
            orderings(beta) * character_dimension(family, d, types, beta, bound=degree)
            for beta in partitions(k, n)
        )
        if time.perf_counter() - start > cap:
            return time.perf_counter() - start, k
    return time.perf_counter() - start, degree


def row(label: str, n: int, series_call, family: str, cap: float) -> None:
    clear_caches()
    start = time.perf_counter()
    h = series_call()
    elapsed = time.perf_counter() - start
    degree = len(h.numerator) - 1
    base, reached = baseline(family, 3, n, degree, cap)
    ratio = f"{base / elapsed:8.0f}×" if reached == degree else f"> {base / elapsed:6.0f}×"
    note = "" if reached == degree else f" (stopped at degree {reached})"
    print(
        f"{label:12} n={n}  {elapsed * 1e3:9.1f} ms   numerator degree {degree:4d}   "
        f"baseline {base:8.2f} s{note}   ratio {ratio}"
    )


def main(argv: list[str]) -> None:
    cap = float(argv[argv.index("--cap") + 1]) if "--cap" in argv else 20.0
    print("SO(3) with n vectors")
    for n in range(2, 9):
        names = ",".join(f"v{i}" for i in range(n))
        row(
            "SO(3)",
            n,
            lambda names=names: hilbert.hilbert_series("SO(3)", f"{names}:vector"),
            "SO",
            cap,
        )
    print("O(3) × S_n with n identical vectors (baseline: O(3) counts only)")
    for n in range(2, 9):
        names = ",".join(f"v{i}" for i in range(n))

        def call(names=names):
            return hilbert.hilbert_series("O(3)", f"{names}:vector", identical=[names])

        row("O(3) × S_n", n, call, "O", cap)


if __name__ == "__main__":
    main(sys.argv[1:])
