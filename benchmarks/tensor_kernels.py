"""Kernels of bases with tensor inputs: the in-process kernel and the exported module against
``sympy.lambdify`` of the terms' expanded expressions (the baseline), in one run.

For each case prints the basis size, the time to build it, and per evaluation of ``N`` samples
the three times and the ratios baseline / kernel and baseline / export (best of ``--repeat``).

Usage: ``python benchmarks/tensor_kernels.py [--samples 100000] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import sympy

import invariants as inv
from invariants.spaces import field_type

CASES = [
    ("O(3)", "A:sym; v:vector", "vector", 5),
    ("O(3)", "A,B:sym", "sym", 3),
    ("O(1,3)", "F:skew; p:vector", "sym", 4),
    ("O(3)", "C:tensor(ijk=jik=ikj); v:vector", "scalar", 3),
]


def random_inputs(B, n: int, rng) -> dict:
    d = B.group.d
    out = {}
    for i in B.data_inputs:
        t = field_type(i.type)
        x = rng.normal(size=(n,) + (d,) * t.rank)
        if t.rank >= 2:
            x = sum(
                s * np.transpose(x, (0,) + tuple(1 + a for a in p)) for p, s in t.symmetry.elements
            )
        out[i.name] = x
    return out


def best(fn, arg, repeat: int) -> float:
    """Least time of ``fn(**arg)`` (a dict of inputs) over ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(**arg)
        times.append(time.perf_counter() - start)
    return min(times)


def sympy_baseline(B):
    """One lambdified function of all terms' expressions, over the component symbols."""
    exprs = []  # every component of every term, as one flat list
    for e in B.expressions():
        exprs += list(sympy.flatten(sympy.Array(e).tolist())) if hasattr(e, "shape") else [e]
    symbols = sorted(set().union(*(sympy.sympify(e).free_symbols for e in exprs)), key=str)
    fs = [sympy.lambdify(symbols, e, "numpy") for e in exprs]

    def run(**x):
        args = []
        for s in symbols:  # A_01 -> x["A"][:, 0, 1], v_2 -> x["v"][:, 2]
            name, _, index = s.name.rpartition("_")
            a = x[name]
            args.append(a[(slice(None),) + tuple(int(c) for c in index)] if a.ndim > 1 else a)
        return [f(*args) for f in fs]

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    print(f"N = {args.samples} samples, best of {args.repeat}")
    header = "case | terms | build s | sympy s | kernel s | export s | sympy/kernel | sympy/export"
    print(header)
    for case in CASES:
        start = time.perf_counter()
        B = inv.basis(*case)
        build = time.perf_counter() - start
        x = random_inputs(B, args.samples, rng)
        K = B.lambdify()
        namespace: dict = {}
        exec(inv.export_module(B), namespace)
        baseline = sympy_baseline(B)
        t_base = best(baseline, x, args.repeat)
        t_kernel = best(K, x, args.repeat)
        t_export = best(namespace["evaluate"], x, args.repeat)
        print(
            f"{case[0]} {case[1]} -> {case[2]}, deg {case[3]} | {len(B)} | {build:.2f} | "
            f"{t_base:.3f} | {t_kernel:.3f} | {t_export:.3f} | {t_base / t_kernel:.1f}x | "
            f"{t_base / t_export:.1f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
