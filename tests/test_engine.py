"""orbital.engine: chunks run in-process or on a Dask cluster give the same results, in chunk
order, with a progress report per chunk; Ctrl-C cancels what is outstanding; per-sample random
streams do not depend on the chunking. The cluster is the session's LocalCluster on 127.0.0.1."""

import sys

import numpy as np
import pytest

from orbital.engine import LOCAL, chunk_ranges, check_scheduler, run_chunks, sample_rng, sample_seed_sequence, stop_event, threads_available
from orbital.errors import SchedulerError
from orbital.progress import report, reporting

cloudpickle = pytest.importorskip("cloudpickle")
cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import tests/ by name

SEED = 20261203


def _draws(indices):
    """Three normal draws per sample, from the sample's own stream."""
    return np.array([sample_rng(SEED, i).normal(size=3) for i in indices])


def _collect(chunks, scheduler=None, **options):
    calls = []
    with reporting(lambda fraction, what: calls.append((fraction, what))):
        parts = list(run_chunks(_draws, chunks, scheduler, **options))
    return parts, calls


def test_a_samples_stream_is_the_spawned_child_of_the_seed():
    children = np.random.SeedSequence(SEED).spawn(5)
    for index, child in enumerate(children):
        assert sample_seed_sequence(SEED, index).generate_state(4).tolist() == child.generate_state(4).tolist()


@pytest.mark.parametrize("chunk_size", [1, 3, 7, 40])
def test_results_do_not_depend_on_the_chunking(chunk_size):
    whole = _draws(range(40))
    parts, _ = _collect(chunk_ranges(40, chunk_size))
    assert [len(p) for p in parts] == [len(r) for r in chunk_ranges(40, chunk_size)]
    assert np.array_equal(np.concatenate(parts), whole)


def test_progress_is_reported_once_per_chunk_and_reports_inside_tasks_are_not_passed_on():
    def noisy(chunk):
        report(0.5, "inside the task")
        return list(chunk)

    calls = []
    with reporting(lambda fraction, what: calls.append((fraction, what))):
        assert list(run_chunks(noisy, chunk_ranges(10, 4), what="points")) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert calls == [(1 / 3, "points 1/3"), (2 / 3, "points 2/3"), (1.0, "points 3/3")]


def test_ctrl_c_in_process_stops_at_once_and_is_raised():
    ran = []

    def task(chunk):
        ran.append(chunk)
        if chunk == 2:
            raise KeyboardInterrupt
        return chunk

    with pytest.raises(KeyboardInterrupt):
        list(run_chunks(task, list(range(6))))
    assert ran == [0, 1, 2]


def test_threads_give_what_one_thread_gives_in_chunk_order_one_report_each():
    chunks = chunk_ranges(40, 3)
    here, calls = _collect(chunks)
    threaded, threaded_calls = _collect(chunks, threads=3, window=4)
    assert all(np.array_equal(a, b) for a, b in zip(here, threaded)) and len(threaded) == len(chunks)
    assert threaded_calls == calls


def test_ctrl_c_in_threads_asks_the_running_tasks_to_stop_and_waits_for_them():
    import threading

    started, stopped = threading.Barrier(3), []

    def task(chunk):
        if chunk == 0:
            return chunk
        started.wait(10)  # both running tasks have started
        stopped.append(stop_event().wait(10))  # a task's work sees the event between steps
        return chunk

    def interrupt(fraction, what):
        started.wait(10)
        raise KeyboardInterrupt  # as Ctrl-C does, while the engine waits for the next chunk

    with reporting(interrupt), pytest.raises(KeyboardInterrupt):
        list(run_chunks(task, [0, 1, 2, 3], threads=2, window=3))
    assert stopped == [True, True]  # both were asked, and the engine waited for them
    assert stop_event() is None  # only the engine's threads have one


@pytest.mark.parametrize("value", ["tcp://127.0.0.1", "127.0.0.1:8786", "tcp://127.0.0.1:99999", "locla", "", 8786])
def test_a_bad_scheduler_names_the_option_the_value_and_the_forms(value):
    with pytest.raises(SchedulerError) as err:
        check_scheduler(value)
    message = str(err.value)
    assert message.startswith(f"--scheduler {value!r}: ")
    assert "inprocess, local" in message and "tcp://HOST:PORT" in message


def test_a_good_scheduler_is_kept():
    assert check_scheduler(None) == "auto"
    assert check_scheduler("inprocess") == "inprocess"
    assert check_scheduler(" local ") == "local"
    assert check_scheduler("tcp://127.0.0.1:8786") == "tcp://127.0.0.1:8786"


def test_nothing_listening_is_one_message(monkeypatch):
    import socket

    monkeypatch.setattr("orbital.engine.CONNECT_TIMEOUT_S", 1.0)
    with socket.socket() as probe:  # a port free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    with pytest.raises(SchedulerError, match="no Dask scheduler answered there"):
        list(run_chunks(_draws, [range(2)], address))


@pytest.mark.cluster
def test_the_cluster_gives_what_the_process_gives_in_chunk_order(dask_cluster):
    chunks = chunk_ranges(50, 4)
    here, here_calls = _collect(chunks)
    there, there_calls = _collect(chunks, dask_cluster.scheduler_address, window=3)
    assert len(there) == len(chunks)
    for a, b in zip(here, there):
        assert np.array_equal(a, b)  # bit for bit, in chunk order
    assert [what for _, what in there_calls] == [what for _, what in here_calls]
    assert [f for f, _ in there_calls] == pytest.approx([f for f, _ in here_calls])


def _later_ones_faster(index):
    import time

    time.sleep(0.05 * (8 - index))
    return index


@pytest.mark.cluster
def test_chunks_that_finish_out_of_order_come_back_in_order(dask_cluster):
    calls = []
    with reporting(lambda fraction, what: calls.append(fraction)):
        assert list(run_chunks(_later_ones_faster, list(range(8)), dask_cluster.scheduler_address, window=8)) == list(range(8))
    assert calls == sorted(calls) and calls[-1] == 1.0 and len(calls) == 8  # one report per chunk as it finishes


@pytest.mark.cluster
def test_local_starts_a_cluster_for_the_call_and_closes_it(dask_cluster, monkeypatch):
    # "local" on the session's cluster (one cluster start per session): closed after the call
    closed = []
    monkeypatch.setattr("orbital.engine._local_cluster", lambda: _Borrowed(dask_cluster, closed))
    parts, _ = _collect(chunk_ranges(9, 2), LOCAL)
    assert np.array_equal(np.concatenate(parts), _draws(range(9)))
    assert closed == [True]


class _Borrowed:
    """The session's cluster standing in for one started for the call: ``close`` is noted, not done."""

    def __init__(self, cluster, closed):
        self._cluster, self._closed = cluster, closed

    def __getattr__(self, name):
        return getattr(self._cluster, name)

    def close(self, timeout=None):
        self._closed.append(True)


def _wait_for_release(index):
    """Chunk 0 returns at once; the others wait for the test's release (at most 60 s)."""
    from distributed import Event

    if index:
        Event("issim-test-release").wait(60)
    return index


@pytest.mark.cluster
def test_ctrl_c_cancels_the_clusters_outstanding_tasks(dask_cluster):
    import time

    from distributed import Client, Event

    def interrupt(fraction, what):
        raise KeyboardInterrupt  # as Ctrl-C does, while the engine waits for the next chunk

    with Client(dask_cluster.scheduler_address, set_as_default=False) as client:
        try:
            with reporting(interrupt), pytest.raises(KeyboardInterrupt):
                list(run_chunks(_wait_for_release, list(range(6)), dask_cluster.scheduler_address, window=4))
            deadline = time.monotonic() + 30.0  # a bound on a hang, not a timed assertion
            while client.run_on_scheduler(_task_keys) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not client.run_on_scheduler(_task_keys), "tasks still held by the scheduler after Ctrl-C"
        finally:
            Event("issim-test-release", client=client).set()  # the running ones return, and are dropped


def _task_keys(dask_scheduler):
    return [str(key) for key in dask_scheduler.tasks if "wait_for_release" in str(key)]


def _threads_in_task(_chunk):
    return threads_available()


@pytest.mark.cluster
def test_a_task_on_a_worker_keeps_to_its_workers_threads(dask_cluster):
    # each worker has one thread: a footprint run as a sweep point there must not start one per core
    assert list(run_chunks(_threads_in_task, [0, 1], dask_cluster.scheduler_address)) == [1, 1]
    assert threads_available() >= 1  # here: this process's CPUs


def test_auto_keeps_work_that_measures_short_here(monkeypatch):
    def no_cluster():
        raise AssertionError("auto started a cluster for work of milliseconds")

    monkeypatch.setattr("orbital.engine._local_cluster", no_cluster)
    parts, calls = _collect(chunk_ranges(12, 5), "auto")
    assert np.array_equal(np.concatenate(parts), _draws(range(12)))
    assert [what for _, what in calls] == ["chunks 1/3", "chunks 2/3", "chunks 3/3"]


@pytest.mark.cluster
def test_auto_sends_the_rest_to_a_local_cluster_when_the_first_chunk_measures_long(dask_cluster, monkeypatch):
    # every chunk "measures long" against a zero threshold: the first runs here, the rest on the
    # (borrowed) LocalCluster, and the results are those of one process, bit for bit, in order
    closed = []
    monkeypatch.setattr("orbital.engine.AUTO_CLUSTER_AFTER_S", 0.0)
    monkeypatch.setattr("orbital.engine.threads_available", lambda: 2)
    monkeypatch.setattr("orbital.engine._local_cluster", lambda: _Borrowed(dask_cluster, closed))
    parts, calls = _collect(chunk_ranges(9, 2), "auto")
    assert np.array_equal(np.concatenate(parts), _draws(range(9)))
    assert closed == [True]
    assert [f for f, _ in calls] == pytest.approx([k / 5 for k in range(1, 6)])
    assert calls[0][1] == "chunks 1/5" and calls[-1][1] == "chunks (on a LocalCluster) 5/5"
