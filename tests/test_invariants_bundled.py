"""Every bundled scenario's result satisfies the invariants that hold for any result."""

import pytest

from orbital.runners import run_scenario
from orbital.scenario import bundled_scenarios, load

from invariants import assert_common_invariants

SLOW = {"soyuz_footprint", "iss_uncontrolled", "soyuz_no_burn", "gordon_adrift", "gordon_tethered", "safer_return"}


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in bundled_scenarios()]
)
def test_bundled_result_keeps_the_common_invariants(name):
    calls = []
    result = run_scenario(load(name, []), progress=lambda f, what: calls.append(f))
    assert_common_invariants(result)
    assert calls == sorted(calls), "progress went backwards"
