"""Minimal generating sets for identical particles (G × S_n) against distinguishable inputs.

For ``n`` identical vectors under a group, prints the time of
``minimal_generators(group, "n*p:vector", degree)`` (orbit sums, ``G × S_n``) and, measured in
the same run, of ``minimal_generators(group, "p1,…,pn:vector", degree)`` (the plain problem,
``G`` alone) as the baseline, with the number of generators of each and the ratio. Both are
proven complete to the degree (the script checks it).

Usage: ``python benchmarks/symmetric_minimal.py [--group "O(1,3)"] [--degree 6] [--max-n 6]``.
"""

from __future__ import annotations

import argparse
import time

import invariants as inv


def timed(fn, *args, **kwargs):
    inv.clear_caches()
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--group", default="O(1,3)")
    parser.add_argument("--degree", type=int, default=6)
    parser.add_argument("--max-n", type=int, default=6)
    args = parser.parse_args(argv)
    print(f"{args.group}, n identical vectors, minimal generators to degree {args.degree}")
    print(f"{'n':>2} {'G×S_n gens':>10} {'s':>7} {'G gens':>7} {'s':>7} {'ratio':>7}")
    for n in range(2, args.max_n + 1):
        sym, t_sym = timed(inv.minimal_generators, args.group, f"{n}*p:vector", args.degree)
        names = ",".join(f"p{i}" for i in range(1, n + 1))
        plain, t_plain = timed(inv.minimal_generators, args.group, f"{names}:vector", args.degree)
        assert sym.complete and plain.complete
        print(
            f"{n:>2} {len(sym.generators):>10} {t_sym:>7.2f} {len(plain.generators):>7} "
            f"{t_plain:>7.2f} {t_sym / t_plain:>7.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
