"""Where independent tasks run: in this process, in a pool of local processes, or on Dask.

:func:`run_tasks` calls a top-level function ``fn(shared, task)`` on every task and yields
``(index, result)`` as the results arrive. ``shared`` (for verification: the problem and the
points) is sent once per worker, not once per task. The executors only move data: every task is
a pure function of its inputs, so the results do not depend on where or in which order they ran.

* ``"serial"``: a loop in this process;
* ``"processes"``: :class:`concurrent.futures.ProcessPoolExecutor` with ``jobs`` workers;
* ``"dask"``: a ``dask.distributed`` cluster (``pip install "invariants[dask]"``), given by a
  scheduler address, a :class:`distributed.Client`, or else a ``LocalCluster`` of ``jobs``
  worker processes started for the run;
* a :class:`concurrent.futures.Executor` or a :class:`distributed.Client` of your own.

Interrupting the iteration (``KeyboardInterrupt``, an exception or ``close()``) cancels the
tasks not yet finished and stops the worker processes this module started.

>>> list(run_tasks(pow, 2, [3, 5], executor="serial"))
[(0, 8), (1, 32)]
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from .errors import InvariantsError

EXECUTORS = ("auto", "serial", "processes", "dask")

Task = Callable[[Any, Any], Any]


def cpu_count() -> int:
    """The number of cores this process may use (its CPU affinity where the OS reports it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def check_jobs(jobs: int | None) -> int:
    """``jobs`` validated; ``None`` means every core (:func:`cpu_count`)."""
    if jobs is None:
        return cpu_count()
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise InvariantsError(
            f"jobs must be a positive integer (or None for all cores), got {jobs!r}"
        )
    return jobs


def check_executor(executor: Any) -> None:
    """Raise :class:`InvariantsError` unless ``executor`` is a name in ``EXECUTORS`` or an
    executor object (:class:`concurrent.futures.Executor`, :class:`distributed.Client`)."""
    if isinstance(executor, str):
        if executor not in EXECUTORS:
            raise InvariantsError(
                f"unknown executor {executor!r}; accepted: {', '.join(EXECUTORS)}, a "
                "concurrent.futures.Executor or a distributed.Client"
            )
    elif not (isinstance(executor, Executor) or _is_dask_client(executor)):
        raise InvariantsError(
            f"executor must be one of {', '.join(EXECUTORS)}, a concurrent.futures.Executor or a "
            f"distributed.Client, got {type(executor).__name__}"
        )


def run_tasks(
    fn: Task,
    shared: Any,
    tasks: Sequence[Any],
    *,
    executor: Any = "serial",
    jobs: int | None = None,
    scheduler: str | None = None,
) -> Iterator[tuple[int, Any]]:
    """``(i, fn(shared, tasks[i]))`` for every task, in the order they finish.

    ``fn`` must be a top-level function (it is pickled by reference). Tasks are started in the
    order given, so put the longest first. ``executor="auto"`` is ``"processes"`` (a caller
    that knows the work is small should pass ``"serial"`` instead).
    """
    check_executor(executor)
    scheduler = check_scheduler(scheduler)
    if scheduler is not None and executor in ("auto", "serial", "processes"):
        executor = "dask"
    if executor == "auto":
        executor = "processes"
    if executor == "serial" or not tasks:
        return _serial(fn, shared, tasks)
    if executor == "processes":
        return _processes(fn, shared, tasks, check_jobs(jobs))
    if executor == "dask" or _is_dask_client(executor):
        client = None if isinstance(executor, str) else executor
        return _dask(fn, shared, tasks, client, scheduler, check_jobs(jobs))
    return _futures(executor, fn, shared, tasks)


def _serial(fn: Task, shared: Any, tasks: Sequence[Any]) -> Iterator[tuple[int, Any]]:
    for i, task in enumerate(tasks):
        yield i, fn(shared, task)


# --- local processes ---------------------------------------------------------------------------

_SHARED: Any = None


def _init_worker(shared: Any) -> None:
    """Runs once in every worker: keep ``shared``; leave Ctrl-C to the parent, which stops us;
    exit if the parent dies without stopping us (SIGKILL, SIGTERM), instead of waiting forever
    on a queue whose other end forked workers keep open."""
    global _SHARED
    _SHARED = shared
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # a forked worker inherits the command's SIGTERM handler (raise KeyboardInterrupt): the
    # parent's terminate() must end it quietly, not print a traceback
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()


def _exit_with_parent(parent: int, every: float = 0.5) -> None:
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)


def _call_in_worker(fn: Task, task: Any) -> Any:
    return fn(_SHARED, task)


def _mp_context() -> multiprocessing.context.BaseContext:
    """``fork`` where it is safe (Linux, no other threads): workers start in milliseconds and
    inherit the loaded modules. Otherwise ``forkserver`` (preloading the verification code
    once) or ``spawn``."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1 and os.name == "posix":
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["invariants.verify"])
        return ctx
    return multiprocessing.get_context("spawn")


def _processes(fn: Task, shared: Any, tasks: Sequence[Any], jobs: int):
    pool = ProcessPoolExecutor(
        max_workers=min(jobs, len(tasks)),
        mp_context=_mp_context(),
        initializer=_init_worker,
        initargs=(shared,),
    )
    futures = {}
    try:
        for i, task in enumerate(tasks):
            futures[pool.submit(_call_in_worker, fn, task)] = i
        for future in as_completed(futures):
            yield futures[future], future.result()
    except BrokenProcessPool:
        raise InvariantsError(
            "a worker process died (killed, or out of memory?); use fewer jobs or a smaller "
            "max_block_bytes, and resume from the partial certificate"
        ) from None
    finally:
        _stop_pool(pool)


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started and stop the workers now (they may be inside a long block).

    The workers are terminated first and then reaped by the pool's own manager thread, which
    ``shutdown(wait=True)`` waits for. Joining them here as well would race that thread: of two
    ``waitpid`` calls on one child, the loser gets ``ECHILD``, and ``multiprocessing`` then keeps
    the reaped child in its list of active children."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            process.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


# --- a user's own concurrent.futures executor --------------------------------------------------


def _futures(pool: Executor, fn: Task, shared: Any, tasks: Sequence[Any]):
    futures = {pool.submit(fn, shared, task): i for i, task in enumerate(tasks)}
    try:
        for future in as_completed(futures):
            yield futures[future], future.result()
    finally:
        for future in futures:
            future.cancel()


# --- Dask distributed --------------------------------------------------------------------------


def _is_dask_client(obj: Any) -> bool:
    return type(obj).__name__ == "Client" and type(obj).__module__.startswith("distributed")


def _import_distributed():
    try:
        import distributed
    except ImportError:
        raise InvariantsError(
            'the dask executor needs dask.distributed: pip install "invariants[dask]"'
        ) from None
    return distributed


def _dask(fn: Task, shared: Any, tasks: Sequence[Any], client, scheduler, jobs: int):
    distributed = _import_distributed()
    owned = []  # what this run started, and must close
    try:
        if client is None and scheduler is not None:
            client = _connect(distributed, scheduler)
            owned.append(client)
        elif client is None:
            cluster = distributed.LocalCluster(
                n_workers=min(jobs, len(tasks)),
                threads_per_worker=1,
                processes=True,
                # a free local port: the default 8787 may be taken (the scheduler's HTTP server
                # starts even without a dashboard, and warns when it has to move)
                dashboard_address="127.0.0.1:0",
                silence_logs=logging.ERROR,
            )
            owned.append(cluster)
            client = distributed.Client(cluster)
            owned.insert(0, client)
        yield from _dask_run(distributed, client, fn, shared, tasks)
    finally:
        for thing in owned:
            thing.close()


#: Seconds to wait for a scheduler to answer (Dask's own timeout, then a hard deadline).
CONNECT_SECONDS = 10


def check_scheduler(scheduler: Any) -> str | None:
    """``scheduler`` validated: ``None`` or an address ``[PROTOCOL://]HOST:PORT``."""
    if scheduler is None:
        return None
    text = scheduler if isinstance(scheduler, str) else None
    rest = text.split("://", 1)[-1] if text else ""
    host, _, port = rest.rpartition(":")
    if not (text and host and port.isdigit() and 0 < int(port) < 65536):
        raise InvariantsError(
            f"scheduler must be a Dask scheduler address such as 'tcp://host:8786', got "
            f"{scheduler!r}"
        )
    return text


def _connect(distributed, scheduler: str):
    """A client of the scheduler at ``scheduler``, or one line saying why not. The connection
    is made in a thread with a hard deadline: a server that accepts the connection but is not a
    Dask scheduler can make the handshake wait forever."""
    scheduler = check_scheduler(scheduler)
    outcome: dict = {}

    def connect() -> None:
        try:
            outcome["client"] = distributed.Client(scheduler, timeout=f"{CONNECT_SECONDS}s")
        except BaseException as exc:  # noqa: BLE001 -- reported below, in one line
            outcome["error"] = exc

    thread = threading.Thread(target=connect, daemon=True)
    thread.start()
    thread.join(CONNECT_SECONDS + 5)
    if "client" in outcome:
        return outcome["client"]
    if thread.is_alive():
        why = f"no answer within {CONNECT_SECONDS + 5} s (is it a Dask scheduler?)"
    else:
        exc = outcome["error"]
        why = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".strip()
    raise InvariantsError(f"cannot use the Dask scheduler at {scheduler!r}: {why}")


def _dask_run(distributed, client, fn: Task, shared: Any, tasks: Sequence[Any]):
    tag = uuid.uuid4().hex[:12]  # keys unique on a scheduler shared with other runs
    [data] = client.scatter([shared], broadcast=True, hash=False)
    futures = [
        client.submit(fn, data, task, key=f"invariants-{tag}-{i}", priority=len(tasks) - i)
        for i, task in enumerate(tasks)
    ]
    index = {f.key: i for i, f in enumerate(futures)}
    try:
        for future, result in distributed.as_completed(futures, with_results=True):
            yield index[future.key], result
    except distributed.KilledWorker:
        raise InvariantsError(
            "Dask workers died (killed, or out of memory?) on the same task several times; use "
            "workers with more memory or a smaller max_block_bytes, and resume from the partial "
            "certificate"
        ) from None
    finally:
        client.cancel(futures + [data])
