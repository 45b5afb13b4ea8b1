"""The engine of ensembles and sweeps: a pure, picklable function run over chunks of work as
tasks, in this process or on a Dask cluster (``dask.distributed``, imported only when used).

``scheduler`` names where the tasks run:

- ``None`` or ``"auto"``: here, unless the first chunk, run here, shows that the rest would take
  more than :data:`AUTO_CLUSTER_AFTER_S` here: then the rest go to a ``LocalCluster`` (as ``"local"``);
  work that runs in ``threads`` threads here already keeps every core busy and stays here;
- ``"inprocess"``: here, one chunk after another (or in ``threads`` threads, for tasks whose work
  releases the GIL, such as compiled numba kernels);
- ``"local"``: a ``LocalCluster`` on 127.0.0.1 started for the call (2 worker processes, 1 thread each);
- ``"tcp://HOST:PORT"``: a running cluster (``dask scheduler``, then ``dask worker tcp://HOST:PORT``).

Results come back in chunk order as they finish, with at most ``window`` chunks submitted and
not yet handed back (memory stays bounded however many chunks there are); each finished chunk
is reported through :mod:`orbital.progress`. A KeyboardInterrupt cancels the outstanding tasks
and is raised again (in-process threads are asked to stop: :func:`stop_event`). Random draws per sample come from :func:`sample_rng`, derived from the seed
and the sample's index alone, so results do not depend on how samples are chunked or where
they run.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Optional, Sequence

import numpy as np

from orbital.errors import SchedulerError
from orbital.progress import report, reporting

AUTO = "auto"
INPROCESS = "inprocess"
LOCAL = "local"
#: what ``scheduler`` may be, in words (every message about a bad one ends with it)
SCHEDULER_EXPECTED = (f"expected {AUTO} (in-process, or a LocalCluster once the work measures long enough), {INPROCESS}, "
                      f"{LOCAL} (a 2-worker LocalCluster) or tcp://HOST:PORT (a running 'dask scheduler')")
#: ``"auto"`` moves the chunks left after the first to a LocalCluster when they would take longer
#: than this here. Measured on 2 cores (README, "Running on a Dask cluster"): a LocalCluster's start
#: and its workers' first imports cost 5-10 s; sweeps of 32 one-orbit spacewalks (2.5-3.5 min
#: in-process) ran 1.3-1.6x faster on it, sweeps of 8 (under a minute) 0.7-1.2x, cheap sweeps 0.1x.
AUTO_CLUSTER_AFTER_S = 60.0
#: workers (processes, one thread each) of the ``"local"`` cluster
LOCAL_WORKERS = 2
#: seconds to wait for a running scheduler to answer
CONNECT_TIMEOUT_S = 10.0

_ADDRESS = re.compile(r"^tcp://(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(?P<port>\d{1,5})$")


def check_scheduler(scheduler: Optional[str], option: str = "--scheduler") -> str:
    """``scheduler`` as the engine takes it (``None`` -> ``"auto"``); a :class:`SchedulerError`
    naming ``option``, the value and what was expected if it is none of the four forms."""
    if scheduler is None:
        return AUTO
    text = str(scheduler).strip() if isinstance(scheduler, str) else None
    if text in (AUTO, INPROCESS, LOCAL):
        return text
    match = _ADDRESS.match(text or "")
    if match is None or not 0 < int(match.group("port")) < 65536:
        raise SchedulerError(f"{option} {scheduler!r}: not a scheduler; {SCHEDULER_EXPECTED}")
    return text


def sample_seed_sequence(seed: int, index: int) -> np.random.SeedSequence:
    """The seed sequence of sample ``index``: the ``index``-th child that ``SeedSequence(seed).spawn``
    gives, made directly, so that a chunk needs only its own indices."""
    return np.random.SeedSequence(seed, spawn_key=(int(index),))


def sample_rng(seed: int, index: int) -> np.random.Generator:
    """The random generator of sample ``index`` (see :func:`sample_seed_sequence`)."""
    return np.random.default_rng(sample_seed_sequence(seed, index))


def threads_available() -> int:
    """The threads a run here may keep busy: in a task on a Dask worker, that worker's threads (its
    fellow workers share the machine: a footprint point of a sweep on a LocalCluster must not start
    a thread per core in each worker); anywhere else, the CPUs this process may run on."""
    distributed = sys.modules.get("distributed")  # loaded in any worker; never imported here for this
    if distributed is not None:
        try:
            return max(1, int(distributed.get_worker().state.nthreads))
        except ValueError:  # not in a worker's task
            pass
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def chunk_ranges(n_items: int, chunk_size: int) -> list[range]:
    """``range(0, n_items)`` cut into consecutive ranges of ``chunk_size`` (the last one shorter)."""
    if chunk_size < 1:
        raise ValueError(f"chunk_size = {chunk_size}: expected a whole number >= 1")
    return [range(start, min(start + chunk_size, n_items)) for start in range(0, n_items, chunk_size)]


def run_chunks(
    task: Callable[[Any], Any],
    chunks: Sequence[Any],
    scheduler: Optional[str] = None,
    window: Optional[int] = None,
    what: str = "chunks",
    option: str = "--scheduler",
    threads: int = 1,
) -> Iterator[Any]:
    """``task(chunk)`` for each chunk, yielded in chunk order as the tasks finish.

    ``task`` must be a module-level function (a cluster's workers unpickle it by name) whose
    result depends on its chunk alone. ``window``: the most chunks submitted and not yet yielded
    (default: 4 per worker). Each finished chunk reports ``(chunks done / chunks, "<what> k/n")``.
    Reports made inside ``task`` are not passed on (they would mix with the chunks' own).
    ``option`` names the scheduler in messages (``--scheduler``, ``sweep.scheduler``). ``threads``:
    in-process, the chunks run in that many threads of this process (window default: 2 per thread);
    an interrupted run sets :func:`stop_event` for the tasks still running and waits for them.
    """
    scheduler = check_scheduler(scheduler, option)
    if scheduler == AUTO and threads <= 1 and len(chunks) > 1 and threads_available() > 1:
        yield from _run_auto(task, chunks, window, what, option)
    elif scheduler in (AUTO, INPROCESS):
        yield from _run_here(task, chunks, what) if threads <= 1 else _run_in_threads(task, chunks, threads, window, what)
    else:
        with _client(scheduler, option) as client:
            yield from _run_on_cluster(client, task, chunks, window, what)


def _run_auto(task, chunks, window, what, option):
    """The first chunk here; the rest here too, unless the first one's time says they would take
    longer than :data:`AUTO_CLUSTER_AFTER_S`: then on a LocalCluster started for them."""
    started = time.perf_counter()
    yield from _run_here(task, chunks[:1], what, total=len(chunks))
    if (time.perf_counter() - started) * (len(chunks) - 1) <= AUTO_CLUSTER_AFTER_S:
        yield from _run_here(task, chunks[1:], what, done_before=1, total=len(chunks))
        return
    with _client(LOCAL, option) as client:
        yield from _run_on_cluster(client, task, chunks[1:], window, f"{what} (on a LocalCluster)", done_before=1, total=len(chunks))


def _run_here(task, chunks, what, done_before=0, total=None):
    total = len(chunks) if total is None else total
    for done, chunk in enumerate(chunks, start=done_before + 1):
        with reporting(None):
            result = task(chunk)
        report(done / total, f"{what} {done}/{total}")
        yield result


_thread = threading.local()


def stop_event() -> Optional[threading.Event]:
    """In a task run in-process in threads (:func:`run_chunks` ``threads``): the event set when the
    run is interrupted, for work that can stop between steps; None anywhere else."""
    return getattr(_thread, "stop", None)


def _run_in_threads(task, chunks, threads, window, what):
    from concurrent.futures import ThreadPoolExecutor, wait

    stop = threading.Event()
    pool = ThreadPoolExecutor(threads, initializer=lambda: setattr(_thread, "stop", stop))
    window = 2 * threads if window is None else window
    n, futures, yielded = len(chunks), {}, 0
    try:
        while yielded < n:
            for index in range(yielded, min(n, yielded + window)):
                if index not in futures:
                    futures[index] = pool.submit(task, chunks[index])
            while not futures[yielded].done():
                wait([futures[yielded]], timeout=0.1)  # in steps: Ctrl-C is seen at once
            result = futures.pop(yielded).result()  # a task's error is raised here
            yielded += 1
            report(yielded / n, f"{what} {yielded}/{n}")
            yield result
    except BaseException:
        stop.set()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _run_on_cluster(client, task, chunks, window, what, done_before=0, total=None):
    from distributed import as_completed

    if window is None:
        window = 4 * max(1, len(client.scheduler_info().get("workers", {})))
    n = len(chunks)
    outstanding = {}  # future -> chunk index: submitted, not yet finished
    finished = {}  # chunk index -> result: finished, not yet yielded
    arrivals = as_completed(loop=client.loop)
    submitted = yielded = 0
    try:
        while yielded < n:
            while submitted < n and submitted < yielded + window:
                future = client.submit(task, chunks[submitted], pure=False)
                outstanding[future] = submitted
                arrivals.add(future)
                submitted += 1
            while yielded not in finished:
                future = next(arrivals)  # waits in steps of 0.1 s: Ctrl-C is seen at once
                finished[outstanding.pop(future)] = future.result()  # a task's error is raised here
                done, of = done_before + yielded + len(finished), (n if total is None else total)
                report(done / of, f"{what} {done}/{of}")
            while yielded in finished:
                result = finished.pop(yielded)
                yielded += 1
                yield result
    finally:
        if outstanding:
            client.cancel(list(outstanding), force=True)
        arrivals.clear()


@contextmanager
def _client(scheduler: str, option: str):
    """A ``distributed.Client`` on a LocalCluster started for the call, or on the running ``scheduler``
    (a :class:`SchedulerError` naming ``option`` if none answers there)."""
    from distributed import Client

    if scheduler == LOCAL:
        cluster = _local_cluster()
        try:
            with Client(cluster, set_as_default=False) as client:
                try:
                    yield client
                except BaseException:
                    _stop_workers(cluster)  # interrupted or failed: running tasks are not waited for
                    raise
        finally:
            cluster.close(timeout=5)
        return
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise SchedulerError(
            f"{option} {scheduler!r}: no Dask scheduler answered there within {CONNECT_TIMEOUT_S:g} s ({exc}); "
            f"expected the address of a running 'dask scheduler'"
        ) from None
    with client:
        yield client


def _local_cluster():
    """A LocalCluster on 127.0.0.1: :data:`LOCAL_WORKERS` processes, one thread each, no dashboard.

    Its worker processes ignore Ctrl-C (a terminal sends it to them too): this process stops them
    when it sees it, without a traceback from each."""
    import logging

    from distributed import LocalCluster

    with _children_ignore_ctrl_c():
        return LocalCluster(
            n_workers=LOCAL_WORKERS, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address=None, silence_logs=logging.ERROR,
        )


def _stop_workers(cluster) -> None:
    """Terminate a LocalCluster's worker processes at once (a graceful close waits for their tasks)."""
    for nanny in list(getattr(cluster, "workers", {}).values()):
        process = getattr(getattr(nanny, "process", None), "process", None)
        if process is not None:
            process.terminate()


@contextmanager
def _children_ignore_ctrl_c():
    """SIGINT ignored while the block starts processes: they inherit it (an ignored signal stays
    ignored across exec). A Ctrl-C in the block (a second or two) is lost; the main thread only."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
