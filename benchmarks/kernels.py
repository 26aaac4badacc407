"""Benchmark: basis kernels (``B.lambdify()``) against two baselines measured in the same run.

* **hand-written NumPy**: the same functions evaluated directly and generically — an ``einsum``
  Gram matrix of the stacked vectors (batch axes first), then every term as ``np.prod`` of powers
  of its generators times its seed, stacked;
* **expanded lambdify**: ``sympy.lambdify`` of the expanded coordinate polynomials
  (``B.expressions()``), only at batch ≤ 10⁵ and when the expansion takes < 60 s.

Times are the best of 5 calls (3 at batch 10⁶ and for lambdify; a single call when one took
more than 20 s); ratios are ``kernel / hand-written`` (target ≤ 1 at batch
≥ 10⁵) and ``lambdify / kernel`` (target ≥ 20× at degree ≥ 6). Peak memory is measured with
``tracemalloc`` in a separate call (NumPy reports its buffers to it). Batches whose output alone
would exceed 2 GB are skipped.

Run ``python benchmarks/kernels.py`` (a few minutes) or ``--quick`` (about 20 s);
``--markdown`` prints the table for ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import gc
import platform
import signal
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path

import numpy as np
import sympy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import invariants as inv  # noqa: E402

CASES = [
    ("O(3)", "p,q:vector", "vector", 4),
    ("O(5)", "p,q:vector", "vector", 6),
    ("O(1,3)", "p1,p2,p3,p4:vector", "scalar", 4),
    ("O(1,3)", "p1,p2,p3,p4:vector", "scalar", 6),
    ("O(3)", "x1,x2,x3,x4,x5:vector; m1,m2,m3,m4,m5:scalar", "sym", 3),
]
QUICK_CASES = [CASES[0], CASES[2], CASES[3]]
BATCHES = [10**3, 10**4, 10**5, 10**6]
QUICK_BATCHES = [10**3, 10**4, 10**5]
MEMORY_LIMIT = 2 * 2**30
LAMBDIFY_MAX_BATCH = 10**5
EXPANSION_LIMIT = 60


# ---------------------------------------------------------------------------------------------
# Baseline 1: hand-written NumPy, generic in the basis


def handwritten(B):
    """A direct NumPy evaluation of ``B``: Gram by einsum, then a product tree (each scalar
    monomial is a cached parent monomial times one generator), then the seeds, stacked."""
    problem = B.problem
    gens, variables = problem.generators, problem.variables
    d = problem.group.d
    eta = np.array(problem.group.metric, dtype=float)
    dummies = {i for i, v in enumerate(variables) if v.role == "dummy"}
    vectors = [i for i, v in enumerate(variables) if v.vector_like and v.role == "input"]
    position = {v: k for k, v in enumerate(vectors)}

    def name(i):
        v = variables[i]
        if v.origin is not None:
            raise NotImplementedError("positions")
        return problem.inputs[v.source].name

    def flatten(g, e, acc):
        if gens[g].kind == "product":
            for a in gens[g].args:
                flatten(a, e, acc)
        else:
            acc[g] += e

    terms = []
    for t in B.terms:
        acc = Counter()
        for g, e in enumerate(t.monomial):
            if e:
                flatten(g, e, acc)
        scalars, seeds = [], []
        for g, e in acc.items():
            gen = gens[g]
            if gen.kind == "bracket":
                raise NotImplementedError("brackets")
            if dummies.intersection(gen.args):
                others = [a for a in gen.args if a not in dummies]
                seeds.extend([others[0] if others else None] * e)
            else:
                scalars.append((gen.kind, gen.args, e))
        terms.append((scalars, seeds))

    def evaluate(**X):
        V = np.stack([X[name(i)] for i in vectors], axis=-2)
        G = np.einsum("...ai,...bi->...ab", V * eta, V)
        batch = G.shape[:-2]
        out = []
        tree = {(): np.ones(batch)}

        def factor(kind, a):
            return G[..., position[a[0]], position[a[1]]] if kind == "dot" else X[name(a[0])]

        def monomial(factors):
            if factors not in tree:
                tree[factors] = monomial(factors[:-1]) * factor(*factors[-1])
            return tree[factors]

        for scalars, seeds in terms:
            m = monomial(tuple(sorted((k, a) for k, a, e in scalars for _ in range(e))))
            if not seeds:  # scalar output
                out.append(m)
            elif len(seeds) == 1 and seeds[0] is not None:  # a vector seed a·u
                out.append(m[..., None] * X[name(seeds[0])])
            elif len(seeds) == 1:  # u·u
                out.append(m[..., None, None] * np.diag(eta))
            else:  # (a·u)(b·u), symmetrized
                a, b = X[name(seeds[0])], X[name(seeds[1])]
                sym = (a[..., :, None] * b[..., None, :] + b[..., :, None] * a[..., None, :]) / 2
                out.append(m[..., None, None] * sym)
        return np.stack(out, axis=len(batch))

    del d
    return evaluate


# ---------------------------------------------------------------------------------------------
# Baseline 2: sympy.lambdify of the expanded polynomials


class _Timeout(Exception):
    pass


def expanded(B, limit=EXPANSION_LIMIT):
    """``(evaluate, seconds)`` for the lambdified expanded polynomials, or ``(None, seconds)``."""

    def alarm(signum, frame):
        raise _Timeout

    start = time.perf_counter()
    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(limit)
    try:
        exprs = B.expressions()
    except _Timeout:
        return None, time.perf_counter() - start
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    problem = B.problem
    syms = problem.symbols()
    flat = [s for i in problem.inputs for s in syms[i.name]]
    components = []
    for e in exprs:
        components.extend(list(e) if isinstance(e, sympy.MatrixBase) else [e])
    f = sympy.lambdify(flat, components, "numpy")
    d = problem.group.d
    tensor = {"scalar": (), "pseudoscalar": (), "vector": (d,), "pseudovector": (d,)}.get(
        B.output, (d, d)
    )
    seconds = time.perf_counter() - start

    def evaluate(**X):
        args = [
            x
            for i in problem.inputs
            for x in (np.moveaxis(X[i.name], -1, 0) if i.vector_like else [X[i.name]])
        ]
        batch = np.broadcast_shapes(*(np.shape(a) for a in args))
        values = [np.broadcast_to(v, batch) for v in f(*args)]
        out = np.stack(values, axis=-1)
        return out.reshape(batch + (len(B),) + tensor)

    return evaluate, seconds


# ---------------------------------------------------------------------------------------------
# Measuring


def best_time(f, repeats, budget=20.0):
    """Best of ``repeats`` calls (fewer when the calls have already taken ``budget`` seconds)."""
    times = []
    while len(times) < repeats and (not times or sum(times) < budget):
        gc.collect()
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_memory(f):
    gc.collect()
    tracemalloc.start()
    try:
        f()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def data(B, n, rng):
    d = B.group.d
    return {
        i.name: rng.normal(size=(n, d)) if i.vector_like else rng.normal(size=n)
        for i in B.problem.inputs
    }


def run(cases, batches, repeats, lambdify_max_batch=LAMBDIFY_MAX_BATCH):
    rng = np.random.default_rng(0)
    rows = []
    for group, inputs, output, degree in cases:
        B = inv.basis(group, inputs, output=output, degree=degree)
        K = B.lambdify()
        hand = handwritten(B)
        lam, expand_seconds = expanded(B)
        size = int(np.prod(K.plan.tensor_shape, dtype=int)) * len(B) * 8
        label = f"{group} {inputs} → {output}, deg ≤ {degree}"
        print(
            f"\n{label}: {len(B)} terms, {K.plan.multiplies} product-tree multiplies, "
            f"expansion {expand_seconds:.1f} s",
            flush=True,
        )
        small = data(B, 7, rng)
        reference = K(**small)
        assert np.allclose(hand(**small), reference, rtol=1e-10, atol=1e-10)
        if lam is not None:
            assert np.allclose(lam(**small), reference, rtol=1e-10, atol=1e-10)
        for n in batches:
            if size * n > MEMORY_LIMIT:
                print(f"  batch {n:>8}: skipped (output {size * n / 2**30:.1f} GB > 2 GB)")
                continue
            X = data(B, n, rng)
            reps = repeats if n < 10**6 else max(3, repeats - 2)
            t_kernel = best_time(lambda X=X, K=K: K(**X), reps)
            t_hand = best_time(lambda X=X, hand=hand: hand(**X), reps)
            t_lam = None
            if lam is not None and n <= lambdify_max_batch:
                t_lam = best_time(lambda X=X, lam=lam: lam(**X), 3)
            mem_kernel = peak_memory(lambda X=X, K=K: K(**X))
            mem_hand = peak_memory(lambda X=X, hand=hand: hand(**X))
            row = {
                "case": label,
                "terms": len(B),
                "batch": n,
                "kernel": t_kernel,
                "hand": t_hand,
                "lambdify": t_lam,
                "mem_kernel": mem_kernel,
                "mem_hand": mem_hand,
                "degree": degree,
            }
            rows.append(row)
            lam_text = (
                f"lambdify {t_lam * 1e3:9.2f} ms ({t_lam / t_kernel:6.1f}× slower)"
                if t_lam is not None
                else "lambdify        —"
            )
            print(
                f"  batch {n:>8}: kernel {t_kernel * 1e3:9.2f} ms, hand-written "
                f"{t_hand * 1e3:9.2f} ms (ratio {t_kernel / t_hand:5.2f}), {lam_text}; peak "
                f"{mem_kernel / 2**20:7.1f} MB vs {mem_hand / 2**20:7.1f} MB",
                flush=True,
            )
    return rows


def markdown(rows) -> str:
    head = (
        "| case | terms | batch | kernel (ms) | hand-written (ms) | kernel / hand | "
        "lambdify (ms) | lambdify / kernel | peak MB kernel | peak MB hand |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    lines = [head]
    for r in rows:
        lam = f"{r['lambdify'] * 1e3:.2f}" if r["lambdify"] is not None else "—"
        speed = f"{r['lambdify'] / r['kernel']:.1f}×" if r["lambdify"] is not None else "—"
        lines.append(
            f"| {r['case']} | {r['terms']} | 10^{round(np.log10(r['batch']))} | "
            f"{r['kernel'] * 1e3:.2f} | {r['hand'] * 1e3:.2f} | {r['kernel'] / r['hand']:.2f} | "
            f"{lam} | {speed} | {r['mem_kernel'] / 2**20:.1f} | {r['mem_hand'] / 2**20:.1f} |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer cases and batch sizes")
    parser.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    print(
        f"numpy {np.__version__}, sympy {sympy.__version__}, Python {platform.python_version()}, "
        f"{platform.machine()}"
    )
    if args.quick:
        rows = run(QUICK_CASES, QUICK_BATCHES, repeats=3, lambdify_max_batch=10**4)
    else:
        rows = run(CASES, BATCHES, repeats=5)
    big = [r for r in rows if r["batch"] >= 10**5]
    if big:
        worst = max(r["kernel"] / r["hand"] for r in big)
        print(f"\nworst kernel / hand-written ratio at batch ≥ 10^5: {worst:.2f} (target ≤ 1.0)")
    high = [r for r in rows if r["degree"] >= 6 and r["lambdify"] is not None]
    if high:
        least = min(r["lambdify"] / r["kernel"] for r in high)
        print(f"smallest lambdify / kernel speed-up at degree ≥ 6: {least:.1f}× (target ≥ 20×)")
    print(f"total {time.perf_counter() - start:.0f} s")
    if args.markdown:
        print()
        print(markdown(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
