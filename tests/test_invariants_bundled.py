"""Every bundled scenario's result satisfies the invariants that hold for any result."""

import pytest

from orbital.runners import run_scenario
from orbital.scenario import bundled_scenarios, load

from invariants import assert_common_invariants

#: The span of a run where it is longer than its time grid: a decay's events reach the end of its
#: prediction window (its window_track goes there), while its history stops at the reentry.
RUN_SPAN = {"decay_reentry": lambda result: (0.0, result.scene["window_end_s"])}

SLOW = {"soyuz_footprint", "iss_uncontrolled", "soyuz_no_burn", "gordon_adrift", "gordon_tethered", "safer_return"}


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in bundled_scenarios()]
)
def test_bundled_result_keeps_the_common_invariants(name):
    calls = []
    result = run_scenario(load(name, []), progress=lambda f, what: calls.append(f))
    span = RUN_SPAN.get(result.kind)
    assert_common_invariants(result, *(span(result) if span else ()))
    assert calls == sorted(calls), "progress went backwards"
