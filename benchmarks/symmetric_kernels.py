"""Benchmark: the kernel of a symmetric basis (orbit sums over identical particles) against
evaluating its orbit sums term by term, measured in the same run.

* **symmetric kernel** (``B.lambdify()``, :mod:`invariants.symmetric_kernels`): generator
  families over particle indices computed once, one ``einsum`` per orbit sum over distinct
  particle slots;
* **term by term** (``B.expanded_kernel()``): every distinct image of every orbit sum through
  the compiled plain kernel (:mod:`invariants.kernels`, itself a staged product tree), then the
  signed sums.

Both are checked to agree (relative 1e-9) before timing. Times are the best of 3 calls; the ratio
is ``term by term / symmetric kernel`` (> 1: the symmetric kernel is faster). The build times
(basis, and compiling both) are printed but not part of the ratio.

Run ``python benchmarks/symmetric_kernels.py`` (about a minute) or ``--quick``;
``--markdown`` prints the table for ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from invariants.symmetric_kernels import symmetric_basis  # noqa: E402

CASES = [
    ("O(3)", "{n}*(m:scalar; x:vector)", "sym", 3),
    ("O(3)", "{n}*p:vector", "scalar", 4),
]
SIZES = [4, 5, 6, 7, 8]


def best(f, data, repeat=3):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f(**data)
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="n = 4..6, batch 10^3")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    ap.add_argument("--batch", type=int, default=None)
    args = ap.parse_args()
    sizes = SIZES[:3] if args.quick else SIZES
    batch = args.batch or (10**3 if args.quick else 10**4)
    rows = []
    for group, pattern, output, degree in CASES:
        for n in sizes:
            spec = pattern.format(n=n)
            t0 = time.perf_counter()
            B = symmetric_basis(group, spec, output, degree)
            build = time.perf_counter() - t0
            t0 = time.perf_counter()
            K, E = B.lambdify(), B.expanded_kernel()
            compile_time = time.perf_counter() - t0
            images = E.S.shape[1]
            rng = np.random.default_rng(0)
            d = B.group.d
            data = {
                i.name: rng.normal(size=(batch, d)) if i.vector_like else rng.normal(size=batch)
                for i in B.problem.inputs
            }
            fast, slow = K(**data), E(**data)
            err = np.max(np.abs(fast - slow)) / np.max(np.abs(slow))
            assert err < 1e-9, (spec, err)
            tk, te = best(K, data), best(E, data)
            rows.append((group, spec, output, degree, len(B), images, tk, te, build, compile_time))
            print(
                f"{group} {spec:<24} {output:<6} deg {degree}: {len(B):3d} orbit sums, "
                f"{images:5d} images; kernel {tk * 1e3:8.1f} ms, term by term {te * 1e3:8.1f} ms, "
                f"ratio {te / tk:5.1f}x  (basis {build:.1f} s, compile {compile_time:.1f} s)",
                flush=True,
            )
    if args.markdown:
        print()
        print(
            f"batch {batch}, best of 3, {platform.processor() or platform.machine()}, "
            f"NumPy {np.__version__}"
        )
        print()
        print(
            "| group | inputs | output | degree | orbit sums | images | symmetric kernel | "
            "term by term | ratio |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for g, s, o, k, nb, ni, tk, te, _, _ in rows:
            print(
                f"| {g} | `{s}` | {o} | {k} | {nb} | {ni} | {tk * 1e3:.1f} ms | "
                f"{te * 1e3:.1f} ms | {te / tk:.1f}× |"
            )


if __name__ == "__main__":
    main()
