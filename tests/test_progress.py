"""The progress channel: one throttled, monotone stage reporter for every runner."""

import math

from orbital import progress
from orbital.progress import Stage, reporting


def _collect(monkeypatch, clock):
    """Reports into a list, on a clock the test moves (no wall time involved)."""
    monkeypatch.setattr(progress.time, "monotonic", lambda: clock[0])
    seen = []
    return seen, reporting(lambda fraction, what: seen.append((fraction, what)))


def test_a_stage_maps_its_quantity_into_its_share_of_the_run_and_never_goes_back(monkeypatch):
    clock = [0.0]
    seen, installed = _collect(monkeypatch, clock)
    stage = Stage("orbit", start=100.0, end=200.0, lo=0.5, hi=0.9)
    with installed:
        for t_s, value in [(0.0, 100.0), (1.0, 150.0), (2.0, 120.0), (3.0, 175.0), (4.0, math.inf)]:
            clock[0] = t_s
            stage(value)
    assert [f for f, _ in seen] == [0.5, 0.7, 0.8, 0.9]  # the step back to 120 is not reported
    assert {what for _, what in seen} == {"orbit"}


def test_a_stage_reports_a_few_times_a_second_but_always_its_end(monkeypatch):
    clock = [0.0]
    seen, installed = _collect(monkeypatch, clock)
    stage = Stage("descent", 0.0, 1000.0)
    with installed:
        for step in range(1000):  # 1000 calls within 0.1 s of wall time
            clock[0] = step * 1e-4
            stage(float(step))
        stage(1000.0)
        stage(1000.0)
        stage(float("nan"))  # a clock that is not a number says nothing
    assert [f for f, _ in seen] == [0.0, 1.0]


def test_without_a_callback_a_stage_costs_nothing_and_says_nothing():
    Stage("quiet")(0.5)  # no callback installed: nothing to assert but that it does not fail
    seen = []
    with reporting(lambda fraction, what: seen.append(fraction)):
        Stage("loud", lo=0.2, hi=0.4)(2.0)
    assert seen == [0.4]
