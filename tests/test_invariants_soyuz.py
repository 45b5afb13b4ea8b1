"""Invariants of the Soyuz kinds (reentry, reentry_footprint) over their parameter space.

Inputs are drawn as a user writes them (``--set`` strings through ``orbital.io.scenario.load``):
plausible and extreme-but-valid values. Inputs the schema refuses, or a run finds infeasible
(InfeasibleScenario: a burn too small, a command too low), are outcomes too, not failures.
Kept cheap: a few descents (about 1 s each) and footprints of a few dozen samples.
"""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from orbital import errors
from orbital.io import scenario as sc
from orbital.models.soyuz import IMPACT_SPEED_M_S

from invariants import assert_common_invariants

#: --set strings for a descent, each drawn from a band a user could reach for.
SETTINGS = {
    "module.mass": st.sampled_from(["1500 kg", "2900 kg", "4000 kg", "8000 kg"]),
    "density_scale": st.sampled_from(["0.01", "0.3", "1", "3"]),
    "module.lift_to_drag": st.sampled_from(["0", "0.15", "0.3", "0.45"]),
    "guidance.mode": st.sampled_from(["lifting", "predictor_corrector", "ballistic"]),
    "guidance.predictor_step": st.sampled_from(["0.5 s", "4 s", "20 s"]),
    "parachutes.main_area": st.sampled_from(["1e-6 m2", "300 m2", "1000 m2", "3000 m2"]),
    "parachutes.soft_landing_thrust": st.sampled_from(["0 kN", "50 kN", "104 kN", "150 kN"]),
    "burn.delta_v": st.sampled_from(["110 m/s", "128 m/s", "200 m/s"]),
}


def _load_or_reject(name, overrides):
    """The model, or a rejected example if the schema refuses the combination (named in the message)."""
    try:
        return sc.load(name, overrides)
    except errors.ScenarioError:
        assume(False)


def _run_or_reject(model):
    from orbital.runners import run_scenario

    try:
        return run_scenario(model)
    except errors.InfeasibleScenario:
        assume(False)


@pytest.mark.slow
@settings(max_examples=10)
@given(st.fixed_dictionaries({k: st.one_of(st.none(), v) for k, v in SETTINGS.items()}))
def test_descent_invariants(choice):
    overrides = ["burn.start=0 s"] + [f"{k}={v}" for k, v in choice.items() if v is not None]
    model = _load_or_reject("soyuz_nominal", overrides)
    result = _run_or_reject(model)
    assert_common_invariants(result, t_start_s=0.0)
    s = result.summary
    loads = result.trajectories["soyuz_loads"].data
    geo = result.trajectories["soyuz_geodetic"].data
    # peak_g is the largest sensed load recorded, at its altitude (geodetic vs along-radius height: metres)
    k = int(np.argmax(loads[:, 0]))
    assert s["peak_g"] == pytest.approx(loads[k, 0], rel=1e-12)
    assert s["peak_g_altitude_km"] == pytest.approx(geo[k, 2] / 1e3, abs=0.05)
    # the descent ends on the ground, at the summary's place and speed
    assert abs(geo[-1, 2]) < 1.0 and (geo[-1, 0], geo[-1, 1]) == (s["landing_lat_deg"], s["landing_lon_deg"])
    touchdown = next(e for e in result.events if e.kind == "touchdown")
    assert touchdown.data["air_speed_m_s"] == pytest.approx(s["touchdown_speed_m_s"])
    # an impact is one in the summary; a soft landing needs engines that fired, and no impact
    impact = s["touchdown_speed_m_s"] > IMPACT_SPEED_M_S
    assert s["touchdown_impact"] is impact
    if impact:
        assert s["touchdown_phase"] != "soft_landing" and "impact" in s["landing_warnings"] and "impact" in touchdown.message
    if s["touchdown_phase"] == "soft_landing":
        assert model.parachutes.soft_landing_thrust > 0 and any(e.kind == "soft_landing" for e in result.events)
        assert s["soft_landing_g"] == pytest.approx(1.0 + model.parachutes.soft_landing_thrust / (model.module.mass * 9.80665))
    else:
        assert s["soft_landing_g"] is None
    # the engines never hover a module down: a soft landing ends moving (QA: 0 m/s at 107 g)
    assert s["touchdown_speed_m_s"] > 0.0


@settings(max_examples=4)
@given(
    st.sampled_from(["lifting", "predictor_corrector", "ballistic"]),
    st.sampled_from(["0.1 m/s", "3 m/s", "40 m/s"]),
    st.sampled_from(["0.05", "0.5"]),
    st.sampled_from(["20 kg", "300 kg"]),
)
def test_footprint_invariants(mode, dv_sigma, density_sigma, mass_sigma):
    from orbital.kinds.reentry_footprint import run

    overrides = ["n_samples=24", "progress=false", "burn.start=0 s", f"guidance.mode={mode}", f"dispersions.delta_v={dv_sigma}",
                 f"dispersions.density_scale={density_sigma}", f"dispersions.mass={mass_sigma}"]
    model = _load_or_reject("soyuz_footprint", overrides)
    result = _run_or_reject(model)
    assert_common_invariants(result, t_start_s=0.0)
    s = result.summary
    table = result.tables["landings"].data
    columns = result.tables["landings"].columns
    # landed counts are the rows of the landings table, and the rest are counted
    assert s["n_landed"] == len(table) and s["n_landed"] + s["n_not_landed"] == 24
    csv_rows = result.extra_files["landings.csv"].splitlines()[1:]
    assert len(csv_rows) == 24 and sum(",not_landed," in r for r in csv_rows) == s["n_not_landed"]
    if s["n_landed"]:
        on_land = table[:, columns.index("on_land")]
        assert s["p_water"] == pytest.approx(1.0 - on_land.mean())
        g = table[:, columns.index("peak_g")]
        assert g.min() <= s["peak_g_p50"] <= s["peak_g_p99"] <= g.max() + 1e-9
        assert s["n_impacts"] == int(np.count_nonzero(table[:, columns.index("touchdown_speed")] > IMPACT_SPEED_M_S))
        assert np.all(table[:, columns.index("touchdown_speed")] > 0.0)
    # the same seed gives the same bytes
    again = run(model)
    assert result.extra_files["landings.csv"] == again.extra_files["landings.csv"] and result.summary == again.summary



@pytest.mark.slow
@pytest.mark.physics
@settings(max_examples=3)
@given(
    st.sampled_from(["lifting", "ballistic"]),
    st.sampled_from(["2500 kg", "2900 kg", "3300 kg"]),
    st.sampled_from(["0.7", "1", "1.4"]),
)
def test_batch_and_poliastro_reference_agree(mode, mass, density):
    # The fast path (RK4, fixed steps) against poliastro's Cowell (DOP853, rtol 1e-11): the same
    # forces and events; landing points within 10 m (measured 0.3 to 0.4 m on the bundled descents).
    from orbital.models import soyuz as R
    from orbital.propagation.batch_integrator import integrate
    from orbital.propagation.descent_reference import integrate_reference
    from orbital.schema import initial_state

    model = _load_or_reject("soyuz_nominal", ["burn.start=0 s", f"guidance.mode={mode}", f"module.mass={mass}", f"density_scale={density}"])
    _, r0, v0 = initial_state(model.station)
    Y0 = np.concatenate([r0, v0])
    try:
        _, guidance = R.plan(model, Y0)
    except errors.InfeasibleScenario:
        assume(False)
    params, seq = R.nominal_params(model), R.sequence(model)
    fast = integrate(Y0[None], 0.0, params, seq, guidance)
    ref = integrate_reference(Y0, 0.0, params, seq, guidance)
    assert np.linalg.norm(fast.r_touchdown[0] - ref.r_touchdown[0]) < 10.0
    assert abs(fast.v_touchdown[0] - ref.v_touchdown[0]) < 0.05
    assert math.isclose(fast.t_touchdown[0], ref.t_touchdown[0], abs_tol=0.1)
