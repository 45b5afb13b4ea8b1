"""Invariants of the spacewalk and arm kinds (eva_drift, arm_push, arm_rescue), property-tested.

Inputs are drawn as a user writes them (``--set``-style overrides of the bundled scenarios),
over physically plausible and extreme-but-valid values, with short runs and few examples
(the hypothesis profile in conftest.py is derandomized: the same examples every run).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from invariants import assert_common_invariants
from orbital.kinds import arm_push, arm_rescue, eva_drift
from orbital import errors
from orbital.io import scenario as sc
from orbital.io.run_dirs import summary_document
from orbital.earth.constants import MU_EARTH_M3_S2
from orbital.earth.frames import lvlh_to_inertial
from orbital.dynamics.gravity import j2_potential


def speed(lo, hi):
    return st.floats(lo, hi, allow_nan=False).map(lambda v: f"{v:.6g} m/s")


def vector(component):
    return st.tuples(component, component, component).map(lambda v: "[" + ", ".join(v) + "]")


# A knock or a blow: up to 3 m/s a component (a hard blow; pushes are bounded at 10 m/s).
knock = vector(speed(-3.0, 3.0))

tether_overrides = st.fixed_dictionaries(
    {
        "tether.damping_ratio": st.floats(0.0, 2.0).map(lambda v: f"{v:.4g}"),
        "tether.axial_stiffness": st.sampled_from(["1e3 N", "2.5e5 N", "1e7 N"]),  # soft, the default, the stiffest
        "tether.breaking_load": st.sampled_from(["60 N", "300 N", "4900 N", "1e5 N"]),
        "tether.reel_force": st.sampled_from(["0 N", "4.5 N", "50 N"]),
        "astronaut.mass": st.sampled_from(["100 kg", "240 kg", "1000 kg"]),
        "pushes.0.delta_v": knock,
    }
)


def overrides(mapping, *extra):
    return [f"{key}={value}" for key, value in mapping.items()] + list(extra)


def load(name, mapping, *extra):
    """The scenario a user gets with these ``--set`` overrides, or None if it is refused (with a ScenarioError)."""
    try:
        return sc.load(name, overrides(mapping, *extra))
    except errors.ScenarioError:
        return None


def assert_tension_never_above_a_standing_line(summary, tension_n, breaking_load_n):
    """A line whose tension reached its breaking load is broken, and no tension above it is ever reported."""
    assert np.max(tension_n, initial=0.0) <= breaking_load_n * (1 + 1e-9)
    assert summary["max_tether_tension_n"] <= breaking_load_n * (1 + 1e-9)
    assert summary["max_tether_tension_n"] >= np.max(tension_n, initial=0.0) * (1 - 1e-12)  # the peak is found between samples too
    if summary["max_tether_tension_n"] >= breaking_load_n * (1 - 1e-9):
        assert summary["tether_broken"] is True


def assert_drift_summary_agrees_with_its_trajectories(result):
    him = result.trajectories["astronaut"].data
    separation = np.linalg.norm(him[:, :3], axis=1)
    assert result.summary["max_separation_m"] == pytest.approx(separation.max(), rel=1e-12)
    if "final_separation_m" in result.summary:
        assert result.summary["final_separation_m"] == pytest.approx(separation[-1], rel=1e-12)


@settings(max_examples=15)
@given(mapping=tether_overrides, clipped=st.booleans())
def test_spacewalk_invariants_over_tethers_and_knocks(mapping, clipped):
    scenario = load("gordon_tethered", mapping, f"tether.clipped={str(clipped).lower()}", "duration=60 s", "output_step=0.5 s")
    if scenario is None:  # e.g. a reel pulling harder than the line holds: refused, as it should be
        return
    result = eva_drift.run(scenario)
    assert_common_invariants(result, 0.0, scenario.duration)
    tension = result.trajectories["tether_tension"].data[:, 0]
    assert_tension_never_above_a_standing_line(result.summary, tension, scenario.tether.breaking_load)
    assert_drift_summary_agrees_with_its_trajectories(result)
    kinds = [e.kind for e in result.events]
    assert kinds.count("tether_broken") == (1 if result.summary["tether_broken"] else 0)
    if result.summary["tether_broken"]:  # nothing on a parted line
        broken_s = result.events[kinds.index("tether_broken")].time_s
        assert not tension[result.time_s >= broken_s].any()
    if not clipped:
        assert not tension.any() and result.summary["max_tether_tension_n"] == 0.0


@settings(max_examples=10)
@given(
    mapping=st.fixed_dictionaries(
        {
            "pushes.0.delta_v": vector(speed(-1.0, 1.0)),
            "safer.delta_v_budget": st.sampled_from(["0.5 m/s", "3 m/s", "30 m/s"]),
            "safer.thruster_force": st.sampled_from(["1 N", "3.6 N", "10 N"]),
            "safer.start_delay": st.sampled_from(["0 s", "10 s", "100 s"]),
            "tether.clipped": st.sampled_from(["true", "false"]),
        }
    )
)
def test_safer_invariants(mapping):
    scenario = load("safer_return", mapping, "duration=240 s")
    result = eva_drift.run(scenario)
    assert_common_invariants(result, 0.0, scenario.duration)
    summary = result.summary
    assert 0.0 <= summary["safer_dv_used_m_s"] <= scenario.safer.delta_v_budget * (1 + 1e-12)
    kinds = [e.kind for e in result.events]
    assert summary["returned"] == ("returned" in kinds)
    if summary["returned"]:  # he holds on where he came back, within the capture radius of the target
        him = result.trajectories["astronaut"].data[result.time_s >= result.events[kinds.index("returned")].time_s]
        assert np.all(him[:, 3:] == 0.0)
        assert np.linalg.norm(him[0, :3] - scenario.safer.target) <= scenario.safer.capture_radius
    assert_drift_summary_agrees_with_its_trajectories(result)


def specific_energy_j_kg(r_m, v_m_s, include_j2):
    """Inertial specific orbital energy (J/kg): kinetic, point mass and (if on) J2 potential."""
    energy = 0.5 * np.sum(v_m_s * v_m_s, axis=-1) - MU_EARTH_M3_S2 / np.linalg.norm(r_m, axis=-1)
    return energy + (j2_potential(r_m) if include_j2 else 0.0)


@settings(max_examples=10)
@given(
    position=vector(st.floats(-50.0, 50.0).map(lambda v: f"{v:.6g} m")),
    velocity=vector(speed(-2.0, 2.0)),
    j2=st.booleans(),
    altitude=st.sampled_from(["200 km", "420 km", "2000 km"]),
)
def test_a_free_drift_keeps_his_orbital_energy(position, velocity, j2, altitude):
    # No pushes, no tether, no SAFER: only gravity (point mass + J2 about the frame's z) acts on
    # him, whose inertial energy is then a constant of the motion. The integrator holds the
    # station to 0.1 mm and 0.1 um/s, his offset to 1 um and 1 nm/s (atol): energy errors of
    # v dv ~ 7.7e3 m/s x 1e-7 m/s ~ 1e-3 J/kg at worst; measured 5e-8 J/kg (rounding of 3e7 J/kg).
    # 1e-4 J/kg allowed: a stray 1e-6 m/s^2 acting for 10 minutes would show as ~5 J/kg.
    scenario = sc.load(
        "gordon_adrift",
        ["pushes=[]", "tether.clipped=false", f"astronaut.position={position}", f"astronaut.velocity={velocity}",
         f"j2={str(j2).lower()}", f"station.altitude={altitude}", "duration=600 s", "output_step=10 s"],
    )
    _, eva = eva_drift.fly_from_start(scenario, None)
    station = eva.station_teme  # the inertial frame the station was flown in (TEME of epoch: J2 about its z)
    r, v = lvlh_to_inertial(station[:, :3], station[:, 3:], eva.rel_lvlh[:, :3], eva.rel_lvlh[:, 3:])
    energy = specific_energy_j_kg(r, v, j2)
    assert np.max(np.abs(energy - energy[0])) < 1e-4


@settings(max_examples=8)
@given(
    mapping=st.fixed_dictionaries(
        {
            "pushes.0.delta_v": vector(speed(-0.3, 0.3)),
            "rescue.capture_radius": st.sampled_from(["0.1 m", "0.5 m", "2 m"]),
            "rescue.capture_speed": st.sampled_from(["0.05 m/s", "0.2 m/s", "1 m/s"]),
            "rescue.reaction_time": st.sampled_from(["0 s", "5 s", "60 s"]),
            "arm.airlock": st.sampled_from(["[0 m, -2 m, 4 m]", "[3 m, 0 m, 29 m]", "[3 m, 0.5 m, 10.5 m]"]),
        }
    ),
    duration=st.sampled_from(["60 s", "200 s"]),
)
def test_rescue_outcomes_always_say_why(mapping, duration):
    scenario = load("arm_rescue", mapping, f"duration={duration}")
    result = arm_rescue.run(scenario)
    assert_common_invariants(result, 0.0, scenario.duration)
    summary = result.summary
    captured, returned, reason = summary["captured"], summary["returned_to_airlock"], summary["reason"]
    assert (reason is None) == (captured and returned)  # a failure always has a reason, a success none
    assert not returned or captured
    assert (summary["capture_time_s"] is None) == (not captured)
    assert (summary["at_airlock_time_s"] is None) == (not returned)
    if reason is not None:
        assert reason in [e.kind for e in result.events]
        allowed = ("airlock_out_of_reach", "not_at_airlock") if captured else ("out_of_reach", "too_fast", "not_captured")
        assert reason in allowed
    # The arm keeps its limits (REFERENCES.md: 4 deg/s, 0.37 m/s unloaded, 0.15 m/s loaded).
    assert summary["max_joint_rate_deg_s"] <= np.degrees(scenario.arm.joint_rate) * (1 + 1e-9)
    assert summary["max_tip_speed_m_s"] <= scenario.arm.tip_speed_unloaded * (1 + 1e-9)
    if summary["max_tip_speed_loaded_m_s"] is not None:
        assert summary["max_tip_speed_loaded_m_s"] <= scenario.arm.tip_speed_loaded * (1 + 1e-9)
    assert_drift_summary_agrees_with_its_trajectories(result)


@settings(max_examples=6)
@given(
    mapping=st.fixed_dictionaries(
        {
            "strike.start": st.sampled_from(["0 s", "7.5 s", "40 s"]),
            "strike.restitution": st.floats(0.0, 1.0).map(lambda v: f"{v:.3g}"),
            "tether.breaking_load": st.sampled_from(["300 N", "4900 N"]),
            "tether.damping_ratio": st.sampled_from(["0", "0.05", "2"]),
        }
    ),
    output_step=st.sampled_from(["0.25 s", "1 s", "7 s"]),
)
def test_arm_push_outcome_does_not_depend_on_the_output_step(mapping, output_step):
    scenario = load("arm_push", mapping, "duration=60 s")
    reference = arm_push.run(scenario)
    result = arm_push.run(load("arm_push", mapping, "duration=60 s", f"output_step={output_step}"))
    for one in (reference, result):
        assert_common_invariants(one, 0.0, scenario.duration)
        tension = one.trajectories["tether_tension"].data[:, 0]
        assert_tension_never_above_a_standing_line(one.summary, tension, scenario.tether.breaking_load)
        assert_drift_summary_agrees_with_its_trajectories(one)
    for key in ("contact", "contact_time_s", "push_delta_v_m_s", "tether_broken", "reason", "final_separation_m"):
        expected = reference.summary.get(key)
        assert result.summary.get(key) == (pytest.approx(expected, rel=1e-9, abs=1e-9) if isinstance(expected, float) else expected), key
    assert [e.kind for e in result.events] == [e.kind for e in reference.events]
    assert np.allclose([e.time_s for e in result.events], [e.time_s for e in reference.events], atol=1e-6)


@pytest.mark.parametrize("name", ["gordon_tethered", "arm_push", "arm_rescue"])
def test_the_same_scenario_gives_the_same_bytes(name):
    first, second = (sc.load(name, ["duration=60 s"]) for _ in range(2))
    module = {"eva_drift": eva_drift, "arm_push": arm_push, "arm_rescue": arm_rescue}[first.kind]
    a, b = module.run(first), module.run(second)
    assert summary_document(a) == summary_document(b)
    assert a.time_s.tobytes() == b.time_s.tobytes()
    for key, trajectory in a.trajectories.items():
        assert np.asarray(trajectory.data).tobytes() == np.asarray(b.trajectories[key].data).tobytes(), key
