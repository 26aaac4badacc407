"""How long does ``verify`` take, and how does it grow?

Prints, in one run:

1. ``verify("SO(3)", 4 vectors, degree 10)`` against a baseline measured in the same run: the same
   check without the permutation-symmetry reduction and with a pure-Python Gaussian elimination
   mod p in place of FLINT (the "straightforward" implementation), as a ratio;
2. time against degree (SO(3), 4 vectors) and against the number of vectors (SO(3), degree 8);
3. many inputs: 100 vectors (or positions) at degree 2 (and 3 without ``--quick``);
4. the largest cases verified within one minute for a few groups.

Usage: ``python benchmarks/verify_scaling.py [--quick]``.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from invariants.blocks import compositions
from invariants.counting import character_dimension
from invariants.modular import PRIME
from invariants.problem import make_problem
from invariants.spanning import (
    candidate_matrix,
    candidate_monomials,
    generator_values,
    sample_points,
)
from invariants.verify import verify


def clear_caches() -> None:
    """Forget every memoized count and candidate list, so that each timing starts cold."""
    import invariants

    for module in vars(invariants).values():
        for obj in vars(module).values() if hasattr(module, "__dict__") else ():
            if hasattr(obj, "cache_clear"):
                obj.cache_clear()
    for name in ("counting", "spanning", "problem", "groups"):
        module = getattr(invariants, name)
        for obj in vars(module).values():
            if hasattr(obj, "cache_clear"):
                obj.cache_clear()


def timed(fn, *args, **kwargs):
    clear_caches()
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def rank_mod_p_python(rows: list[list[int]], p: int) -> int:
    """Plain Gaussian elimination mod p on Python ints."""
    rows = [list(r) for r in rows]
    rank, cols = 0, len(rows[0]) if rows else 0
    for c in range(cols):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][c] % p), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        inv = pow(rows[rank][c], p - 2, p)
        rows[rank] = [x * inv % p for x in rows[rank]]
        for i in range(len(rows)):
            if i != rank and rows[i][c]:
                f = rows[i][c]
                rows[i] = [(a - f * b) % p for a, b in zip(rows[i], rows[rank])]
        rank += 1
    return rank


def baseline_verify(group: str, spec: str, degree: int) -> bool:
    """Every multidegree separately (no symmetry), pure-Python rank mod p."""
    problem = make_problem(group, spec)
    types = [v.type for v in problem.variables]
    blocks = [b for t in range(degree + 1) for b in compositions(t, len(types))]
    dims = [character_dimension(problem.group.family, problem.group.d, types, b) for b in blocks]
    points = sample_points(problem, max(dims) + 4, np.random.default_rng(0))
    values = generator_values(problem, points)
    ok = True
    for beta, dim in zip(blocks, dims):
        cands = candidate_monomials(problem, beta)
        if dim == 0:
            continue
        M = candidate_matrix(problem, cands, values[:, : dim + 4], None)
        ok &= rank_mod_p_python(M.tolist(), PRIME) == dim
    return ok


def main(quick: bool) -> None:
    print("== verify SO(3), 4 vectors, degree 10: ours vs baseline (same run) ==")
    deg = 8 if quick else 10
    ours = min(timed(verify, "SO(3)", "a,b,c,e:vector", degree=deg)[1] for _ in range(3))
    ok, base = timed(baseline_verify, "SO(3)", "a,b,c,e:vector", deg)
    print(
        f"degree {deg}: ours {ours:.3f} s, baseline {base:.3f} s (complete={ok}), "
        f"ratio ours/baseline = {ours / base:.4f}  (speed-up {base / ours:.0f}x)"
    )

    print("\n== time vs degree: SO(3), 4 vectors, scalar output ==")
    print(f"{'degree':>6} {'seconds':>9} {'dimension':>10} {'candidates':>11}")
    for k in range(4, 11 if quick else 17, 2):
        r, t = timed(verify, "SO(3)", "a,b,c,e:vector", degree=k)
        print(
            f"{k:>6} {t:>9.3f} {sum(x.dimension for x in r.degrees):>10} "
            f"{sum(x.candidates for x in r.degrees):>11}"
        )

    print("\n== time vs number of vectors: SO(3), degree 8, scalar output ==")
    print(f"{'vectors':>7} {'seconds':>9} {'blocks':>8}")
    for n in range(2, 7 if quick else 9):
        spec = ",".join(f"v{i}" for i in range(n)) + ":vector"
        r, t = timed(verify, "SO(3)", spec, degree=8)
        print(f"{n:>7} {t:>9.3f} {len(r.blocks):>8}")

    print("\n== many inputs: 100 vectors or positions ==")
    print(f"{'group':>6} {'inputs':>9} {'output':>6} {'degree':>6} {'seconds':>8} {'blocks':>7}")
    many = [
        ("O(3)", "vector", "scalar"),
        ("O(3)", "vector", "vector"),
        ("SO(3)", "vector", "scalar"),
        ("SO(3)", "vector", "vector"),
        ("E(3)", "position", "scalar"),
        ("SE(3)", "position", "vector"),
    ]
    for k in (2,) if quick else (2, 3):
        for group, kind, output in many:
            spec = ",".join(f"x{i}" for i in range(100)) + f":{kind}"
            r, t = timed(verify, group, spec, output=output, degree=k)
            assert r.complete
            print(f"{group:>6} {kind + 's':>9} {output:>6} {k:>6} {t:>8.2f} {len(r.blocks):>7}")

    print("\n== largest degree verified within 60 s (scalar / vector output) ==")
    cases = [("SO(3)", 4), ("SO(3)", 6), ("O(3)", 6), ("O(1,3)", 5), ("SO(5)", 5)]
    for group, n in cases[: 2 if quick else None]:
        spec = ",".join(f"v{i}" for i in range(n)) + ":vector"
        for output in ("scalar", "vector"):
            best, k = None, 2
            while True:
                r, t = timed(verify, group, spec, output=output, degree=k)
                if t > 60 or not r.complete:
                    break
                best = (k, t)
                if t > 20:  # the next degree would very likely exceed the minute
                    break
                k += 1
            print(f"{group:>7} {n} vectors {output:>6}: degree {best[0]} in {best[1]:.1f} s")


if __name__ == "__main__":
    main("--quick" in sys.argv)
