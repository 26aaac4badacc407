"""How long does ``verify`` take, and how does it grow?

Prints, in one run:

Sections 1-3 run serially (one core), as before executors existed.

1. ``verify("SO(3)", 4 vectors, degree 10)`` against a baseline measured in the same run: the same
   check without the permutation-symmetry reduction and with a pure-Python Gaussian elimination
   mod p in place of FLINT (the "straightforward" implementation), as a ratio;
2. time against degree (SO(3), 4 vectors) and against the number of vectors (SO(3), degree 8);
3. many inputs: 100 vectors (or positions) at degree 2 (and 3 without ``--quick``);
4. the largest cases verified within one minute for a few groups;
5. the same cases with every executor: serial, local processes (``jobs=2``, as
   ``invariants verify --jobs 2``) and a local Dask cluster of 2 worker processes, with the
   speed-ups, and the largest case verified in one minute with ``jobs=2``;
6. peak memory (``ru_maxrss``) of a large run, against the estimate made before it starts;
7. start-up: ``invariants --help``, ``import invariants.checker``, ``invariants check``.

Usage: ``python benchmarks/verify_scaling.py [--quick]``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

from invariants.blocks import compositions
from invariants.counting import character_dimension
from invariants.modular import PRIME
from invariants.problem import make_problem
from invariants.schedule import block_costs
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

    invariants.clear_caches()


def serial(*args, **kwargs):
    """Sections 1-3 measure one core: the algorithm, not the executors (section 4)."""
    return verify(*args, executor="serial", **kwargs)


def timed(fn, *args, **kwargs):
    clear_caches()
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def best_of(runs: int, fn, *args, **kwargs):
    """The fastest of ``runs`` timings (the machine is shared: the others only add noise)."""
    return min((timed(fn, *args, **kwargs) for _ in range(runs)), key=lambda r: r[1])


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
    ours = min(timed(serial, "SO(3)", "a,b,c,e:vector", degree=deg)[1] for _ in range(3))
    ok, base = timed(baseline_verify, "SO(3)", "a,b,c,e:vector", deg)
    print(
        f"degree {deg}: ours {ours:.3f} s, baseline {base:.3f} s (complete={ok}), "
        f"ratio ours/baseline = {ours / base:.4f}  (speed-up {base / ours:.0f}x)"
    )

    print("\n== time vs degree: SO(3), 4 vectors, scalar output ==")
    print(f"{'degree':>6} {'seconds':>9} {'dimension':>10} {'candidates':>11}")
    for k in range(4, 11 if quick else 17, 2):
        r, t = timed(serial, "SO(3)", "a,b,c,e:vector", degree=k)
        print(
            f"{k:>6} {t:>9.3f} {sum(x.dimension for x in r.degrees):>10} "
            f"{sum(x.candidates for x in r.degrees):>11}"
        )

    print("\n== time vs number of vectors: SO(3), degree 8, scalar output ==")
    print(f"{'vectors':>7} {'seconds':>9} {'blocks':>8}")
    for n in range(2, 7 if quick else 9):
        spec = ",".join(f"v{i}" for i in range(n)) + ":vector"
        r, t = timed(serial, "SO(3)", spec, degree=8)
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

    print("\n== largest degree verified within 60 s, serial (scalar / vector output) ==")
    cases = [("SO(3)", 4), ("SO(3)", 6), ("O(3)", 6), ("O(1,3)", 5), ("SO(5)", 5)]
    for group, n in cases[: 2 if quick else None]:
        spec = ",".join(f"v{i}" for i in range(n)) + ":vector"
        for output in ("scalar", "vector"):
            best, k = None, 2
            while True:
                r, t = timed(serial, group, spec, output=output, degree=k)
                if t > 60 or not r.complete:
                    break
                best = (k, t)
                if t > 20:  # the next degree would very likely exceed the minute
                    break
                k += 1
            print(f"{group:>7} {n} vectors {output:>6}: degree {best[0]} in {best[1]:.1f} s")

    executors(quick)
    memory(quick)
    startup()


def vectors(n: int) -> str:
    return ",".join(f"v{i}" for i in range(n)) + ":vector"


def executors(quick: bool) -> None:
    import distributed

    print("\n== executors: serial vs jobs=2 (processes) vs a local Dask cluster (2 workers) ==")
    cases = [("SO(3)", 4, 10), ("SO(3)", 4, 16), ("O(3)", 6, 10)]
    if not quick:
        cases = [("SO(3)", 4, 14), ("SO(3)", 4, 20), ("O(3)", 8, 12), ("SO(3)", 4, 24)]
    print(f"(load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    runs, cpu = {}, {}
    for group, n, k in cases:  # before the cluster: its threads would rule out fork
        c0 = time.process_time()
        one = best_of(2, verify, group, vectors(n), degree=k, executor="serial")
        c1 = time.process_time()
        with _worker_cpu() as workers:
            two = best_of(2, _run, group, vectors(n), degree=k, executor="processes", jobs=2)
        cpu[group, n, k] = ((c1 - c0) / 2, (time.process_time() - c1) / 2, workers)
        runs[group, n, k] = [one, two]
    start = time.perf_counter()
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0",
        silence_logs=logging.ERROR,
    )  # fmt: skip
    client = distributed.Client(cluster)
    print(f"(Dask LocalCluster start-up: {time.perf_counter() - start:.1f} s, not counted below)")
    for group, n, k in cases:
        runs[group, n, k].append(best_of(2, verify, group, vectors(n), degree=k, executor=client))
    client.close()
    cluster.close()
    head = f"{'case':>24} {'blocks':>7} {'serial':>8} {'jobs=2':>8} {'dask':>8} {'speed-up':>17}"
    print(head + "\n" + "-" * len(head))
    all_same = True
    for (group, n, k), [(one, ts), (two, tp), (dask, td)] in runs.items():
        same = json.dumps(one.certificate()) == json.dumps(two.certificate())
        same &= json.dumps(one.certificate()) == json.dumps(dask.certificate())
        all_same &= same
        print(
            f"{group:>7} {n} vectors deg {k:>2}: {len(one.canonical):>7} {ts:>7.2f}s "
            f"{tp:>7.2f}s {td:>7.2f}s   x{ts / tp:.2f} / x{ts / td:.2f}"
            + ("" if same else "   CERTIFICATES DIFFER")
        )
    print(
        f"(load average after: {os.getloadavg()[0]:.1f}. speed-up: serial time / jobs=2 time, "
        "serial time / Dask time;\n best of 2 runs each. "
        + ("Certificates equal in every case.)" if all_same else "CERTIFICATES DIFFER above.)")
    )
    print(
        "\nCPU seconds per run (not inflated by other users' load): serial; jobs=2: the main\n"
        "process (counting, planning, receiving) and each worker. On idle cores jobs=2 takes\n"
        "at most main + busiest worker:"
    )
    for (group, n, k), (serial_cpu, main_cpu, workers) in cpu.items():
        bound = main_cpu + max(workers, default=0.0)
        print(
            f"{group:>7} {n} vectors deg {k:>2}: serial {serial_cpu:6.2f}; main {main_cpu:.2f}, "
            "workers "
            + " + ".join(f"{w:.2f}" for w in workers)
            + f"; at most {bound:.2f} s (speed-up at least x{serial_cpu / max(bound, 1e-9):.2f})"
        )
    if quick:
        return
    print("\n== largest degree verified within 60 s with jobs=2: SO(3), 4 vectors, scalar ==")
    best, k = None, 20
    while True:
        r, t = timed(verify, "SO(3)", vectors(4), degree=k, executor="processes", jobs=2)
        if t > 60 or not r.complete:
            break
        best = (k, t)
        k += 1 if t > 20 else 2
    print(f"  SO(3) 4 vectors scalar: degree {best[0]} in {best[1]:.1f} s (jobs=2)")


_CPU_LOG = os.path.join(tempfile.gettempdir(), f"verify-scaling-{os.getpid()}.cpu")


_TASK = None
_RUN = 0  # which run a worker belongs to: forked workers inherit the value


def _run(*args, **kwargs):
    global _RUN
    _RUN += 1
    return verify(*args, **kwargs)


def _timed_task(shared, task):
    """The worker's task, with its CPU time appended to a log (one line per task)."""
    start = time.process_time()
    out = _TASK(shared, task)
    with open(_CPU_LOG, "a") as log:
        log.write(f"{_RUN} {os.getpid()} {time.process_time() - start}\n")
    return out


@contextlib.contextmanager
def _worker_cpu():
    """CPU seconds of each worker process, averaged over the runs inside (sorted)."""
    global _TASK
    module = sys.modules["invariants.verify"]
    _TASK, module._verify_task = module._verify_task, _timed_task  # the workers are forks
    workers: list[float] = []
    try:
        yield workers
    finally:
        module._verify_task = _TASK
        runs: dict[str, dict[str, float]] = {}
        with open(_CPU_LOG) as log:
            for line in log:
                run, pid, seconds = line.split()
                runs.setdefault(run, {}).setdefault(pid, 0.0)
                runs[run][pid] += float(seconds)
        os.unlink(_CPU_LOG)
        per_run = [sorted(r.values(), reverse=True) for r in runs.values()]
        workers.extend(np.mean([r + [0.0] * (2 - len(r)) for r in per_run], axis=0).tolist())


def memory(quick: bool) -> None:
    """Peak resident memory of a run in a fresh process, and the estimate made before it."""
    group, n, k = ("SO(3)", 4, 16) if quick else ("SO(3)", 4, 24)
    print(f"\n== peak memory: {group}, {n} vectors, degree {k} ==")
    r = verify(group, vectors(n), degree=k, executor="serial")
    costs = block_costs(r.problem, [b.multidegree for b in r.canonical],
                        [b.dimension for b in r.canonical], len(r.points))  # fmt: skip
    worst = max(costs, key=lambda c: c.bytes)
    print(
        f"largest block {list(worst.multidegree)}: {worst.points} points x {worst.candidates} "
        f"candidates, estimated {worst.bytes / 2**20:.0f} MiB before the run"
    )
    base = _peak("import invariants.verify")[0]
    print(f"after the imports alone: {base / 1024:.0f} MiB")
    for label, executor in (("serial", "serial"), ("jobs=2", "processes")):
        args = f"{group!r}, {vectors(n)!r}, degree={k}, executor={executor!r}, jobs=2"
        run = f"invariants.verify({args})"
        me, kids = _peak(f"import invariants\n{run}")
        print(
            f"{label:>7}: peak {me / 1024:.0f} MiB in the main process"
            + (
                f", {kids / 1024:.0f} MiB in the largest worker (with pages shared with it)"
                if kids
                else ""
            )
        )


def _peak(code: str) -> tuple[int, int]:
    """Peak resident KiB of a fresh process running ``code`` (VmHWM: ru_maxrss would carry the
    benchmark's own peak across fork and exec) and of its largest child."""
    probe = (
        f"{code}\nimport resource\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
        "print(hwm, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    me, kids = out.stdout.split()
    return int(me), int(kids)


def startup() -> None:
    """Wall time of fresh commands, best of 5."""
    print("\n== start-up (best of 5, fresh processes) ==")
    script = os.path.join(os.path.dirname(sys.executable), "invariants")
    with tempfile.TemporaryDirectory() as tmp:
        cert = os.path.join(tmp, "c.json")
        verify("SO(2)", "p,q:vector", degree=3, checkpoint=cert)
        commands = [
            ("invariants --help", [script, "--help"]),
            ("invariants check (small file)", [script, "check", cert]),
            ("python -c 'import invariants.checker'", [sys.executable, "-c",
                                                        "import invariants.checker"]),
            ("every public name (the old eager import)", [sys.executable, "-c",
             "import invariants as i; [getattr(i, n) for n in i.__all__]"]),
        ]  # fmt: skip
        for label, cmd in commands:
            best = min(_wall(cmd) for _ in range(5))
            print(f"{label:>42}: {best:.3f} s")


def _wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller cases (a few minutes)")
    main(parser.parse_args().quick)
