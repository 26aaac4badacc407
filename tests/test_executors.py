"""Verification at scale: executors give identical results, memory is checked before work,
caches are bounded, interrupted runs resume to the same certificate, imports stay light."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import invariants
from invariants import InvariantsError, check, verify
from invariants.schedule import block_costs, candidate_counts, make_tasks
from invariants.spanning import candidate_monomials
from invariants.verify import verify_block
from tests.conftest import run

ROOT = Path(__file__).resolve().parent.parent
# Small cases that still exercise every code path: brackets, reflections (product generators),
# translations, the antisymmetrized skew output, and interchangeable inputs of two types.
CASES = [
    ("SO(3)", "a,b,c,e:vector", "scalar", 9),
    ("O(3)", "p,q:vector; w:pseudovector; m:scalar", "vector", 5),
    ("E(3)", "x1,x2,x3:position", "skew", 5),
    ("SO(1,3)", "p,q,r:vector", "sym", 4),
]


def _children() -> set[int]:
    return {p.pid for p in multiprocessing.active_children()}


def dumps(report) -> str:
    return json.dumps(report.certificate(), separators=(",", ":"))


@pytest.fixture(scope="module")
def serial_reports():
    return {case: verify(*case[:3], degree=case[3], executor="serial") for case in CASES}


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    import logging

    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address="127.0.0.1:0",
        silence_logs=logging.ERROR,
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


# --- the same results wherever the blocks run ----------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c[0] + "-" + c[2] for c in CASES])
def test_processes_give_the_serial_certificate(case, serial_reports):
    before = _children()
    report = verify(*case[:3], degree=case[3], executor="processes", jobs=2)
    expected = serial_reports[case]
    assert dumps(report) == dumps(expected)
    assert report.as_dict() == expected.as_dict()
    assert _children() <= before


def _square(shared, task):
    return task * task


def test_every_pool_is_reaped_before_the_run_returns():
    # Joining a worker from two threads (ours and the pool's manager) once left a reaped child
    # in multiprocessing's list of active children, in about 1 run in 30 (7 of 200 measured).
    from invariants.executors import run_tasks

    before = _children()
    for _ in range(60):
        results = dict(run_tasks(_square, None, [1, 2, 3, 4], executor="processes", jobs=2))
        assert results == {0: 1, 1: 4, 2: 9, 3: 16}
        assert _children() <= before


def test_a_dask_local_cluster_gives_the_serial_certificate(dask_client, serial_reports):
    for case in CASES:
        report = verify(*case[:3], degree=case[3], executor=dask_client)
        assert dumps(report) == dumps(serial_reports[case]), case


def test_a_scheduler_address_gives_the_serial_certificate(dask_client, serial_reports):
    # The path of a remote cluster: a new client connects to the address and closes after.
    case = CASES[0]
    address = dask_client.scheduler.address
    report = verify(*case[:3], degree=case[3], scheduler=address)
    assert dumps(report) == dumps(serial_reports[case])
    assert dask_client.status == "running"  # ours is not closed by the run


def test_cli_scheduler_writes_the_serial_certificate(dask_client, tmp_path, capsys):
    argv = ["verify", "SO(3)", "p,q,r:vector", "--degree", "8", "--relations", "0"]
    remote, local = tmp_path / "remote.json", tmp_path / "local.json"
    address = dask_client.scheduler.address
    code, out, err = run(capsys, *argv, "--scheduler", address, "--certificate", str(remote))
    assert code == 0 and "COMPLETE" in out, err
    assert run(capsys, *argv, "--jobs", "1", "--certificate", str(local))[0] == 0
    assert remote.read_bytes() == local.read_bytes()


def test_a_user_executor_and_auto_give_the_serial_certificate(serial_reports):
    case = CASES[1]
    with ThreadPoolExecutor(2) as pool:
        report = verify(*case[:3], degree=case[3], executor=pool)
    assert dumps(report) == dumps(serial_reports[case])
    assert dumps(verify(*case[:3], degree=case[3])) == dumps(serial_reports[case])


def test_verify_block_is_the_block_of_the_report(serial_reports):
    case = CASES[2]
    report = serial_reports[case]
    for block in report.canonical:
        alone = verify_block(report.problem, block.multidegree, block.dimension, report.points)
        assert (alone.span, alone.basis, alone.rows, alone.det) == (
            block.span,
            block.basis,
            block.rows,
            block.det,
        )
        assert (alone.candidates == block.candidates).all()


def test_bad_executor_and_jobs_are_rejected():
    with pytest.raises(InvariantsError, match="unknown executor 'threads'; accepted: auto"):
        verify("SO(2)", "p:vector", executor="threads")
    with pytest.raises(InvariantsError, match="jobs must be a positive integer"):
        verify("SO(2)", "p:vector", jobs=0)


def test_cli_jobs_must_be_positive(capsys):
    code, _, err = run(capsys, "verify", "SO(2)", "p:vector", "--jobs", "0")
    assert code == 2 and "invariants: error: --jobs must be a positive integer, got 0" in err


@pytest.mark.parametrize(
    "address", ["nonsense", "", "tcp://", "localhost:notaport", "tcp://host:0", "tcp://h:99999"]
)
def test_malformed_scheduler_addresses_are_refused_in_one_line(address, capsys):
    with pytest.raises(InvariantsError, match="scheduler must be a Dask scheduler address"):
        verify("SO(2)", "p:vector", degree=2, scheduler=address)
    code, out, err = run(capsys, "verify", "SO(2)", "p:vector", "--scheduler", address)
    assert code == 2 and out == "" and err.count("\n") == 1 and "Traceback" not in err


def test_a_server_that_is_not_a_scheduler_is_refused_in_one_line(capsys):
    # a TCP server that accepts the connection and never answers: Dask's handshake would wait
    # forever; the connection has a hard deadline (shortened here)
    import socket

    from invariants import executors

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    old = executors.CONNECT_SECONDS
    executors.CONNECT_SECONDS = 1
    try:
        code, out, err = run(
            capsys, "verify", "SO(3)", "p,q:vector", "--scheduler", f"tcp://127.0.0.1:{port}"
        )
    finally:
        executors.CONNECT_SECONDS = old
        server.close()
    assert code == 2 and out == "" and "cannot use the Dask scheduler" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--jobs", "0"], "--jobs must be a positive integer, got 0"),
        (["--jobs", "2"], "--jobs N>1 is not available for tensor inputs"),
        (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler is not available for tensor"),
        (["--max-block-memory", "inf"], "--max-block-memory must be a positive, finite"),
        (["--max-block-memory", "2"], "--max-block-memory is not available for tensor"),
        (["--cross-check"], "--cross-check is not available for tensor inputs"),
    ],
)
def test_tensor_inputs_refuse_the_scale_out_flags_they_ignore(flags, message, capsys):
    code, out, err = run(capsys, "verify", "O(3)", "A:sym", "--degree", "2", *flags)
    assert code == 2 and out == "" and message in err


def test_the_library_refuses_what_tensor_and_particle_runs_ignore():
    for spec in ("A:sym", "3*p:vector"):
        with pytest.raises(InvariantsError, match="jobs must be a positive integer"):
            verify("O(3)", spec, degree=2, jobs=0)
        with pytest.raises(InvariantsError, match="unknown executor"):
            verify("O(3)", spec, degree=2, executor="nonsense")
        for kwargs in ({"jobs": 2}, {"executor": "dask"}, {"max_block_bytes": 10**6}):
            with pytest.raises(InvariantsError, match="is not available"):
                verify("O(3)", spec, degree=2, **kwargs)
        assert verify("O(3)", spec, degree=2, jobs=1).complete


def test_cli_max_block_memory_must_be_finite_and_at_least_a_byte(capsys):
    for value in ("inf", "nan", "1e-300", "0", "-1"):
        code, _, err = run(capsys, "verify", "SO(2)", "p:vector", "--max-block-memory", value)
        assert code == 2 and "--max-block-memory must be a positive, finite number" in err


def test_a_second_attempt_stays_within_the_memory_limit():
    from invariants.schedule import BYTES_PER_ENTRY, retry_points

    assert retry_points(10, 100) == 28  # twice the first attempt's 14 points
    assert retry_points(10, 20) == 20  # no more points than drawn
    limit = BYTES_PER_ENTRY * 50 * 20 + 8 * 3 * 50  # 20 points of 50 candidates fit
    assert retry_points(10, 100, candidates=50, generators=3, limit=limit) == 20
    assert retry_points(10, 100, candidates=50, generators=3, limit=1) == 14  # the first fitted


# --- scheduling and memory ------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c[0] + "-" + c[2] for c in CASES])
def test_candidate_counts_without_enumerating(case, serial_reports):
    report = serial_reports[case]
    blocks = [b.multidegree for b in report.canonical]
    counts = candidate_counts(report.problem, blocks)
    real = [len(candidate_monomials(report.problem, b)) for b in blocks]
    if case[2] == "skew":  # antisymmetrization merges candidates: an upper bound
        assert all(c >= r for c, r in zip(counts, real)) and counts != real
    else:
        assert counts == real


def test_tasks_send_the_largest_blocks_first(monkeypatch):
    monkeypatch.setattr("invariants.schedule.MIN_TASK_SECONDS", 0.0)  # tasks of total / 40
    report = verify("SO(3)", "a,b,c,e:vector", degree=12, executor="serial")
    blocks = [b.multidegree for b in report.canonical]
    dims = [b.dimension for b in report.canonical]
    costs = block_costs(report.problem, blocks, dims, len(report.points))
    tasks = make_tasks(costs, jobs=2)
    assert sorted(i for t in tasks for i in t) == list(range(len(blocks)))
    firsts = [costs[t[0]].seconds for t in tasks]
    assert firsts == sorted(firsts, reverse=True)
    largest = max(range(len(blocks)), key=lambda i: costs[i].seconds)
    assert tasks[0] == [largest] and report.canonical[largest].multidegree == (3, 3, 3, 3)
    assert len(tasks[-1]) > 1  # small blocks travel together


def test_a_block_too_large_is_reported_before_any_block_runs(monkeypatch):
    def fail(*args):
        raise AssertionError("a block was computed")

    monkeypatch.setattr(sys.modules["invariants.verify"], "_verify_task", fail)
    with pytest.raises(InvariantsError) as info:
        verify("SO(3)", "a,b,c,e:vector", degree=8, max_block_bytes=10**4)
    message = str(info.value)
    monkeypatch.undo()
    block = next(
        b for b in verify("SO(3)", "a,b,c,e:vector", degree=8).canonical if b.dimension == 16
    )
    assert block.multidegree == (2, 2, 2, 2)  # the largest block
    c, gens = block.candidates.shape  # the matrix, and the candidates' exponents
    size = ((block.dimension + 4) * c * 200 + 8 * c * gens) / 1024
    assert message == (
        f"block [2, 2, 2, 2] needs about {size:.3g} KiB ({block.dimension + 4} points × "
        f"{len(block.candidates)} candidates), more than the limit of 9.77 KiB per block; raise "
        "max_block_bytes (--max-block-memory) on machines with more memory"
    )


def test_cli_reports_a_block_too_large(capsys):
    argv = ["verify", "SO(3)", "a,b,c,e:vector", "--degree", "8", "--max-block-memory", "0.0001"]
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and "invariants: error: block [2, 2, 2, 2] needs about" in err


def test_every_cache_is_bounded_and_clearable():
    verify("O(3)", "p,q:vector", output="skew", degree=4, cross_check=True)
    import invariants.basis  # noqa: F401  (every module of the package, loaded)
    import invariants.checker  # noqa: F401
    import invariants.fitting  # noqa: F401
    import invariants.kernels  # noqa: F401

    cached = [
        (name, obj)
        for name, module in list(sys.modules.items())
        if name.startswith("invariants.")
        for obj in vars(module).values()
        if hasattr(obj, "cache_info") and getattr(obj, "__module__", "") == name
    ]
    assert len(cached) >= 10
    unbounded = [f"{n}.{f.__name__}" for n, f in cached if f.cache_parameters()["maxsize"] is None]
    assert unbounded == []
    assert any(f.cache_info().currsize for _, f in cached)
    invariants.clear_caches()
    assert all(f.cache_info().currsize == 0 for _, f in cached)


# --- progress ---------------------------------------------------------------------------------


class Recorder:
    def __init__(self, stop_after: int | None = None):
        self.events: list[tuple] = []
        self.stop_after = stop_after
        self.spanned = 0

    def start(self, phase, work, blocks, done):
        self.events.append(("start", phase, work, blocks, done))

    def advance(self, work, blocks):
        self.events.append(("advance", work, blocks))
        if self._phase() == "spanning":
            self.spanned += blocks
            if self.stop_after is not None and self.spanned >= self.stop_after:
                raise KeyboardInterrupt

    def close(self):
        self.events.append(("close",))

    def _phase(self):
        return [e for e in self.events if e[0] == "start"][-1][1]


def test_progress_covers_counting_and_spanning():
    rec = Recorder()
    report = verify("SO(3)", "a,b,c:vector", degree=8, progress=rec, executor="processes", jobs=2)
    n = len(report.canonical)
    starts = [e for e in rec.events if e[0] == "start"]
    assert [(s[1], s[3], s[4]) for s in starts] == [("counting", n, 0), ("spanning", n, 0)]
    split = rec.events.index(starts[1])
    counting, spanning = rec.events[1:split], rec.events[split + 1 : -1]
    assert sum(e[2] for e in counting) == n and sum(e[2] for e in spanning) == n
    assert sum(e[1] for e in spanning) == pytest.approx(starts[1][2])
    assert rec.events[-1] == ("close",)
    calls = []
    verify("SO(3)", "a,b,c:vector", degree=4, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (len(calls), len(calls))  # the old (done, total) callback


# --- interruption and resume ------------------------------------------------------------------


def test_interrupted_processes_stop_and_resume_to_the_same_certificate(tmp_path):
    spec = ("SO(3)", "a,b,c,e:vector")
    path = tmp_path / "cert.json"
    before = _children()
    with pytest.raises(KeyboardInterrupt):
        verify(*spec, degree=10, executor="processes", jobs=2, checkpoint=path,
               progress=Recorder(stop_after=3))  # fmt: skip
    assert _children() <= before  # the workers were stopped
    partial = json.loads(path.read_text())
    assert partial["partial"] is True and partial["complete"] is False and partial["seed"] == 0
    total = len(verify(*spec, degree=10, executor="serial").canonical)
    assert 3 <= len(partial["blocks"]) < total
    result = check(path)
    assert not result.ok
    assert result.problems == (
        f"partial certificate: {len(partial['blocks'])} of {total} blocks, written by an "
        "interrupted run; finish it with `invariants verify ... --resume FILE`",
    )
    code = subprocess.run([sys.executable, "-m", "invariants.cli", "check", str(path)]).returncode
    assert code == 1
    rec = Recorder()
    resumed = verify(*spec, degree=10, resume=path, checkpoint=path, progress=rec)
    assert rec.events[[e[:2] for e in rec.events].index(("start", "spanning"))][4] == len(
        partial["blocks"]
    )
    fresh = tmp_path / "fresh.json"
    verify(*spec, degree=10, checkpoint=fresh, executor="serial")
    assert path.read_bytes() == fresh.read_bytes()
    assert dumps(resumed) == fresh.read_text().strip()
    assert check(path).ok


def test_a_run_killed_before_its_first_flush_can_resume(tmp_path):
    # the partial certificate is written when the run starts: a SIGKILL in the first block
    # (no cleanup runs) leaves a file to resume from
    path = tmp_path / "early.json"
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        import invariants.verify
        v = sys.modules["invariants.verify"]
        v._verify_task = lambda shared, task: os.kill(os.getpid(), signal.SIGKILL)
        v.verify("SO(3)", "p,q:vector", degree=4, executor="serial",
                 checkpoint={str(path)!r}, checkpoint_every=3600.0)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT)
    assert proc.returncode == -signal.SIGKILL
    partial = json.loads(path.read_text())
    assert partial["partial"] is True and partial["blocks"] == []
    resumed = verify("SO(3)", "p,q:vector", degree=4, resume=path, executor="serial")
    assert resumed.certificate() == verify("SO(3)", "p,q:vector", degree=4).certificate()


def test_a_killed_run_resumes_to_the_same_certificate(tmp_path, capsys):
    path = tmp_path / "big.json"
    script = textwrap.dedent(
        f"""
        from invariants import verify
        verify("SO(3)", "a,b,c,e:vector", degree=14, executor="serial",
               checkpoint={str(path)!r}, checkpoint_every=0.0)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    _wait_for_partial(path, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = json.loads(path.read_text())  # the last flush is whole (atomic replace)
    assert partial["partial"] is True and len(partial["blocks"]) >= 1
    rec = Recorder()
    verify("SO(3)", "a,b,c,e:vector", degree=14, resume=path, progress=rec, executor="serial")
    spanning = rec.events[[e[:2] for e in rec.events].index(("start", "spanning")) :]
    computed = sum(e[2] for e in spanning if e[0] == "advance")
    assert spanning[0][4] == len(partial["blocks"])  # resumed, not computed again:
    assert computed == spanning[0][3] - len(partial["blocks"])
    argv = ["verify", "SO(3)", "a,b,c,e:vector", "--degree", "14", "--relations", "0"]
    code, out, _ = run(capsys, *argv, "--resume", str(path))
    assert code == 0 and f"certificate written to {path}" in out
    fresh = tmp_path / "fresh.json"
    run(capsys, *argv, "--certificate", str(fresh))
    assert path.read_bytes() == fresh.read_bytes()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_ctrl_c_on_the_cli_stops_the_workers_and_keeps_the_blocks(tmp_path, sig):
    path = tmp_path / "ctrl-c.json"
    script = textwrap.dedent(
        f"""
        import signal, sys
        import invariants.verify
        from invariants.cli import main
        # a shell without job control starts background jobs with SIGINT ignored, and Python
        # then keeps it ignored: restore the default, as an interactive terminal has it
        signal.signal(signal.SIGINT, signal.default_int_handler)
        sys.modules["invariants.verify"].CHECKPOINT_SECONDS = 0.0
        # degree 22 (10 s): at degree 18 (2 s) the run could finish before the signal arrived
        sys.exit(main(["verify", "SO(3)", "a,b,c,e:vector", "--degree", "22", "--jobs", "2",
                       "--certificate", {str(path)!r}]))
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stderr=subprocess.PIPE, text=True
    )
    _wait_for_partial(path, proc)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert err.endswith(
        f"interrupted; the finished blocks are in {path}: continue with --resume {path}\n"
    )
    assert "Traceback" not in err
    assert _processes_mentioning(str(path)) == []
    assert json.loads(path.read_text())["partial"] is True


def test_workers_exit_when_their_parent_is_killed(tmp_path):
    path = tmp_path / "orphans.json"
    script = textwrap.dedent(
        f"""
        from invariants import verify
        verify("SO(3)", "a,b,c,e:vector", degree=18, executor="processes", jobs=2,
               checkpoint={str(path)!r}, checkpoint_every=0.0)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    _wait_for_partial(path, proc)
    assert len(_processes_mentioning(str(path))) == 3  # the run and its two workers
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    end = time.monotonic() + 10
    while _processes_mentioning(str(path)) and time.monotonic() < end:
        time.sleep(0.05)
    assert _processes_mentioning(str(path)) == []


def test_resume_refuses_another_run(tmp_path, capsys):
    path = tmp_path / "c.json"
    verify("SO(3)", "a,b,c:vector", degree=4, checkpoint=path)
    with pytest.raises(InvariantsError, match="its degree is 4, this run's is 5"):
        verify("SO(3)", "a,b,c:vector", degree=5, resume=path)
    with pytest.raises(InvariantsError, match="its group is 'SO[(]3[)]', this run's is 'O[(]3[)]'"):
        verify("O(3)", "a,b,c:vector", degree=4, resume=path)
    with pytest.raises(InvariantsError, match="points are not this run's"):
        verify("SO(3)", "a,b,c:vector", degree=4, resume=path, seed=1)
    cert = json.loads(path.read_text())
    count = cert["blocks"][-1]["candidates"]
    cert["blocks"][-1]["candidates"] += 1
    path.write_text(json.dumps(cert))
    where = rf"block \[2, 1, 1\]: {count + 1} candidates recorded, {count} counted"
    with pytest.raises(InvariantsError, match=where):
        verify("SO(3)", "a,b,c:vector", degree=4, resume=path)
    missing = tmp_path / "missing.json"
    code, _, err = run(capsys, "verify", "SO(3)", "a:vector", "--resume", str(missing))
    assert code == 2 and err.startswith(f"invariants: error: cannot resume from '{missing}': ")


def _wait_for_partial(path: Path, proc, timeout: float = 60.0) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        assert proc.poll() is None, "the run ended before it was interrupted"
        if path.exists():
            data = json.loads(path.read_text())
            if data.get("partial") and data["blocks"]:
                return data
        time.sleep(0.01)
    raise AssertionError("no partial certificate appeared")


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for pid in os.listdir("/proc"):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if pid.isdigit() and text in cmdline:
            found.append(int(pid))
    return found


# --- light imports ------------------------------------------------------------------------------


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(out.stdout.split())


def test_the_checker_and_the_cli_help_load_neither_sympy_nor_flint(tmp_path):
    cert = tmp_path / "c.json"
    cert.write_text(json.dumps(verify("SO(2)", "p,q:vector", degree=3).certificate()))
    for code in (
        "import invariants.checker",
        "import invariants",
        "from invariants.cli import _parser\ntry:\n    _parser().parse_args(['--help'])\n"
        "except SystemExit:\n    pass",
        f"from invariants.cli import main\nassert main(['check', {str(cert)!r}]) == 0",
    ):
        loaded = _loaded_after(code)
        assert "sympy" not in loaded and "flint" not in loaded, code


def test_the_package_resolves_names_lazily():
    import invariants.verify as module_or_function

    assert invariants.verify is verify and callable(module_or_function)
    assert "verify" in dir(invariants) and "clear_caches" in dir(invariants)
    assert set(invariants.__all__) <= set(dir(invariants))
    assert invariants.basis.__module__ == "invariants.basis" and callable(invariants.basis)
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        invariants.nothing  # noqa: B018


def test_the_command_with_worker_processes_prints_no_traceback(tmp_path):
    """Workers forked by the command inherit its SIGTERM handler; stopping the pool must not
    make them print tracebacks."""
    import subprocess
    import sys

    cert = tmp_path / "c.json"
    code = "import sys; from invariants.cli import main; sys.exit(main(sys.argv[1:]))"
    argv = [
        "verify",
        "SO(3)",
        "p,q,r,s:vector",
        "--degree",
        "18",
        "--jobs",
        "2",
        "--relations",
        "0",
        "--no-progress",
        "--certificate",
        str(cert),
    ]
    proc = subprocess.run(
        [sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0 and "COMPLETE" in proc.stdout
    assert "Traceback" not in proc.stderr and "KeyboardInterrupt" not in proc.stderr


def test_the_cli_default_block_memory_is_the_librarys():
    from invariants.cli import DEFAULT_MAX_BLOCK_GIB
    from invariants.schedule import DEFAULT_MAX_BLOCK_BYTES

    assert DEFAULT_MAX_BLOCK_GIB * 2**30 == DEFAULT_MAX_BLOCK_BYTES
