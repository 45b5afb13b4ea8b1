"""Checks that hold for every Result of every kind; the kinds' property tests call them.

Each check raises AssertionError naming what broke, so a hypothesis failure reads as a
statement about physics or bookkeeping, not as a stack of numbers.
"""

import json
import math

import numpy as np

from orbital.io.run_dirs import summary_document


def assert_finite_trajectories(result):
    """Every trajectory and table sample and every time is a finite number."""
    assert np.all(np.isfinite(result.time_s)), "time_s holds a non-finite value"
    for what, items in (("trajectory", result.trajectories), ("table", result.tables)):
        for name, item in items.items():
            bad = ~np.isfinite(np.asarray(item.data, dtype=float))
            assert not bad.any(), f"{what} {name!r}: {int(bad.sum())} non-finite values"


def assert_time_grid_increasing(result):
    """The time grid never goes back (kinds whose time axis is a grid)."""
    steps = np.diff(np.asarray(result.time_s, dtype=float))
    assert np.all(steps >= 0), f"time_s goes back at index {int(np.argmin(steps))}"


def run_span_s(result):
    """The run's time span [s since epoch]: from the epoch (or earlier samples) to the last time on
    the time grid or in any table's time column (a reentry window's track, a footprint's touchdowns)."""
    times = [np.asarray(result.time_s, dtype=float).ravel(), [0.0]]
    for table in result.tables.values():
        if table.time_column is not None:
            times.append(np.asarray(table.times_s(), dtype=float))
    every = np.concatenate([np.asarray(t, dtype=float) for t in times])
    return float(np.min(every)), float(np.max(every))


def assert_events_ordered_and_inside(result, t_start_s=None, t_end_s=None, slack_s=1e-6):
    """Events come in time order and fall inside the run [t_start_s, t_end_s] (default: :func:`run_span_s`)."""
    times = [float(e.time_s) for e in result.events]
    assert all(math.isfinite(t) for t in times), f"an event has a non-finite time: {times}"
    assert times == sorted(times), f"events out of time order: {[(e.kind, e.time_s) for e in result.events]}"
    if times:
        span_lo, span_hi = run_span_s(result)
        lo = span_lo if t_start_s is None else t_start_s
        hi = span_hi if t_end_s is None else t_end_s
        outside = [(e.kind, e.time_s) for e in result.events if not lo - slack_s <= e.time_s <= hi + slack_s]
        assert not outside, f"events outside the run [{lo}, {hi}] s: {outside}"


def assert_summary_jsonable_and_finite(result):
    """The summary is plain JSON, and every number in it is finite (an unknown is None, said so)."""
    document = json.loads(json.dumps(summary_document(result), allow_nan=False))
    for key, value in document["summary"].items():
        if isinstance(value, float):
            assert math.isfinite(value), f"summary {key!r} = {value}"


def assert_common_invariants(result, t_start_s=None, t_end_s=None):
    """All of the above: what any Result must satisfy whatever the inputs."""
    assert_finite_trajectories(result)
    assert_events_ordered_and_inside(result, t_start_s, t_end_s)
    assert_summary_jsonable_and_finite(result)
