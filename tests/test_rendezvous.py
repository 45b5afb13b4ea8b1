"""``kind: rendezvous``: the burns against the library's maneuvers and published solutions, CW
targeting against its closed form and the nonlinear flight, the bundled timeline against flown
profiles, invariants, and bad input refused with exit 2.

Anything that plans a rendezvous compiles the poliastro-API library's maneuvers (10 to 30 s a
process): those cases are ``slow``; the CW and guidance cases and the input checks are fast.
"""

import numpy as np
import pytest
from hypothesis import given, strategies as st

from orbital.earth.constants import MU_EARTH_M3_S2, R_EARTH_EQ_M
from orbital.earth.elements import classical_to_rv
from orbital.models.rendezvous import MAX_CONTACT_LATERAL_M
from orbital.propagation.cw import cw_acceleration, cw_propagate, cw_two_impulse
from orbital.propagation.relative import Loads, fly_relative, initial_state, relative_lvlh

ALTITUDE_M = 420.0e3
N_420 = np.sqrt(MU_EARTH_M3_S2 / (R_EARTH_EQ_M + ALTITUDE_M) ** 3)


def station_state():
    """A circular 420 km orbit at the ISS's inclination (m, m/s)."""
    return classical_to_rv(R_EARTH_EQ_M + ALTITUDE_M, 0.0, np.radians(51.64), 0.0, 0.0, 0.0)


# --- Clohessy-Wiltshire targeting (fast) -------------------------------------------------------

@given(
    start=st.tuples(*[st.floats(-3000.0, 3000.0)] * 3),
    target=st.tuples(*[st.floats(-3000.0, 3000.0)] * 3),
    transfer_s=st.floats(300.0, 5000.0),
)
def test_cw_targeting_reaches_its_target_in_the_closed_form(start, target, transfer_s):
    rel0 = np.concatenate([start, [0.0, 0.0, 0.0]])
    v0, v_arrival = cw_two_impulse(rel0, target, N_420, transfer_s)
    assert np.all(np.isfinite(v0)) and np.all(np.isfinite(v_arrival))
    end = cw_propagate(np.concatenate([start, v0]), N_420, transfer_s)[0]
    np.testing.assert_allclose(end[:3], target, atol=1e-6)  # 1 micrometre
    np.testing.assert_allclose(end[3:], v_arrival, atol=1e-9)


def test_cw_acceleration_is_the_right_hand_side_of_the_closed_form():
    state = np.array([12.0, -250.0, 3.0, 0.01, -0.02, 0.005])
    h = 1e-2
    before, after = cw_propagate(state, N_420, [-h])[0], cw_propagate(state, N_420, [h])[0]
    np.testing.assert_allclose(cw_acceleration(state[:3], state[3:], N_420), (after[3:] - before[3:]) / (2 * h), rtol=1e-6)


@pytest.mark.physics
def test_cw_hop_lands_within_metres_of_its_target_in_the_nonlinear_flight():
    # A V-bar hop from 3 km to 260 m behind the station in 30 min, point-mass gravity: the CW
    # equations drop the terms of second order in rho / r; over a 3 km hop they weigh
    # (3/2) n^2 rho^2 / r ~ 2e-6 m/s^2, a few metres over half an hour (3000^2 / 6.8e6 = 1.3 m
    # for each n t of order one). So the flight must land within 10 m of the CW target.
    rs, vs = station_state()
    start, target = np.array([0.0, -3000.0, 0.0]), np.array([0.0, -260.0, 0.0])
    transfer_s = 1800.0
    v0, _ = cw_two_impulse(np.concatenate([start, [0.0, 0.0, 0.0]]), target, N_420, transfer_s)
    states, _ = fly_relative(Loads(), initial_state(rs, vs, start, v0), np.array([0.0, transfer_s]), include_j2=False)
    miss = np.linalg.norm(relative_lvlh(states[-1])[0] - target)
    assert 0.0 < miss < 10.0


@pytest.mark.physics
@pytest.mark.parametrize("j2, within_m", [(False, 0.05), (True, 1.0)])
def test_forced_motion_along_the_v_bar_stays_on_the_line(j2, within_m):
    # Thrust cancelling the CW acceleration holds a straight line: 220 m in along the V-bar at
    # 0.15 m/s (about 25 min). Point mass: the terms CW leaves out weigh n^2 rho^2 / r ~ 1e-8 m/s^2
    # at 250 m, millimetres. With J2 its gradient across 250 m, 4 x 1.5 J2 (R/r)^2 g rho / r
    # ~ 2e-6 m/s^2, acts too (the cancelling thrust knows only the mean motion): under a metre
    # (1/2 a t^2 = 2 m for a constant push; it turns with the orbit).
    rs, vs = station_state()
    speed = 0.15
    loads = Loads(accelerations=[lambda t, r, v: -cw_acceleration(r, v, N_420)])
    y0 = initial_state(rs, vs, [0.0, -260.0, 0.0], [0.0, speed, 0.0])
    times = np.linspace(0.0, 220.0 / speed, 50)
    rel_r, _ = relative_lvlh(fly_relative(loads, y0, times, include_j2=j2)[0])
    assert np.max(np.hypot(rel_r[:, 0], rel_r[:, 2])) < within_m
    assert rel_r[-1, 1] == pytest.approx(-40.0, abs=within_m)


# --- the library's maneuvers (slow: they compile) ---------------------------------------------

def test_the_planned_hohmann_burns_are_vis_viva():
    from orbital.models.rendezvous import hohmann_burns

    mu = MU_EARTH_M3_S2
    r1, r2 = R_EARTH_EQ_M + 250.0e3, R_EARTH_EQ_M + 350.0e3
    r, v = classical_to_rv(r1, 0.0, np.radians(51.64), 1.0, 0.0, 0.7, mu_m3_s2=mu)
    (t1, dv1), (t2, dv2) = hohmann_burns(r, v, r2)
    a = 0.5 * (r1 + r2)
    # vis-viva: the transfer ellipse's speeds at its ends against the circular speeds
    assert np.linalg.norm(dv1) == pytest.approx(np.sqrt(mu * (2 / r1 - 1 / a)) - np.sqrt(mu / r1), abs=1e-3)  # 1 mm/s
    assert np.linalg.norm(dv2) == pytest.approx(np.sqrt(mu / r2) - np.sqrt(mu * (2 / r2 - 1 / a)), abs=1e-3)
    assert t1 == 0.0 and t2 == pytest.approx(np.pi * np.sqrt(a**3 / mu), abs=1e-3)
    assert dv1 @ v / (np.linalg.norm(dv1) * np.linalg.norm(v)) == pytest.approx(1.0, abs=1e-12)  # burnt here, along v


@pytest.mark.slow
@pytest.mark.physics
def test_the_planned_hohmann_burns_are_the_librarys():
    # the plan computes the transfer by vis-viva (the library's Maneuver.hohmann compiles for 10 s
    # and more in each process); the library's own burns agree to 1 mm/s and 1 ms
    from orbital.models.rendezvous import hohmann_burns
    from orbital.propagation.astro import earth_mu_m3_s2, hohmann_impulses

    mu = earth_mu_m3_s2()
    r, v = classical_to_rv(R_EARTH_EQ_M + 250.0e3, 0.0, np.radians(51.64), 1.0, 0.0, 0.7, mu_m3_s2=mu)
    ours, theirs = hohmann_burns(r, v, R_EARTH_EQ_M + 350.0e3), hohmann_impulses(r, v, R_EARTH_EQ_M + 350.0e3)
    for (t_ours, dv_ours), (t_theirs, dv_theirs) in zip(ours, theirs):
        assert t_ours == pytest.approx(t_theirs, abs=1e-3)
        np.testing.assert_allclose(dv_ours, dv_theirs, atol=1e-3, rtol=0.0)


@pytest.mark.slow
@pytest.mark.physics
def test_lambert_reproduces_vallado_example_7_5():
    # Vallado, Fundamentals of Astrodynamics, Example 7-5 (also in poliastro's test suite,
    # tests/tests_iod/test_lambert.py, test_vallado75): r0 = [15945.34, 0, 0] km,
    # r = [12214.83399, 10249.46731, 0] km, 76 min: va = [2.058925, 2.915956, 0] km/s,
    # vb = [-3.451569, 0.910301, 0] km/s. poliastro holds va to 1e-5 and vb to 1e-4 relative
    # (its mu differs from Vallado's in the 9th digit): 0.05 m/s and 0.5 m/s.
    from orbital.propagation.astro import earth_mu_m3_s2, lambert_impulses

    mu = earth_mu_m3_s2()
    r0, r1 = np.array([15945.34e3, 0.0, 0.0]), np.array([12214.83399e3, 10249.46731e3, 0.0])
    v0 = np.array([0.0, np.sqrt(mu / np.linalg.norm(r0)), 0.0])  # any orbit through r0 (the burn is the difference)
    v1 = np.array([-1.0, 1.0, 0.0]) * 3.0e3
    (t_a, dva), (t_b, dvb) = lambert_impulses(r0, v0, r1, v1, 76.0 * 60.0)
    np.testing.assert_allclose(v0 + dva, [2058.925, 2915.956, 0.0], atol=0.05)
    np.testing.assert_allclose(v1 - dvb, [-3451.569, 910.301, 0.0], atol=0.5)
    assert (t_a, t_b) == (0.0, pytest.approx(76.0 * 60.0))


# --- the bundled runs (slow: planning compiles) -----------------------------------------------

@pytest.fixture(scope="module")
def bundled():
    from orbital.io.scenario import load
    from orbital.runners import run_scenario

    return {name: (load(name, []), run_scenario(load(name, []))) for name in ("help_arrives", "help_arrives_aborted")}


def burns(result, phase):
    return [np.linalg.norm(e.data["delta_v_lvlh_m_s"]) for e in result.events if e.kind == "burn" and e.data["phase"] == phase]


@pytest.mark.slow
@pytest.mark.physics
def test_the_flown_phasing_burns_are_the_hohmann_transfer(bundled):
    # The two phasing burns are the Hohmann transfer from 250 km to 350 km: each within
    # 1 mm/s of the vis-viva figure (the plan is Keplerian; the flight applies the planned burns).
    scenario, result = bundled["help_arrives"]
    mu = MU_EARTH_M3_S2
    r1, r2 = R_EARTH_EQ_M + scenario.chaser.altitude, R_EARTH_EQ_M + scenario.phasing.altitude
    a = 0.5 * (r1 + r2)
    expected = [np.sqrt(mu * (2 / r1 - 1 / a)) - np.sqrt(mu / r1), np.sqrt(mu / r2) - np.sqrt(mu * (2 / r2 - 1 / a))]
    np.testing.assert_allclose(burns(result, "phasing"), expected, atol=1e-3)
    assert result.summary["phasing_delta_v_m_s"] == pytest.approx(sum(expected), abs=2e-3)


@pytest.mark.slow
@pytest.mark.physics
def test_the_nonlinear_flight_arrives_where_the_plan_aims(bundled):
    # The Lambert burn, its aim corrected in the truth (J2), ends the transfer within a metre of
    # the first hold point; CW hops land within metres of theirs (second-order terms over 3 km).
    for _, result in bundled.values():
        assert result.summary["transfer_arrival_miss_m"] < 1.0
        assert result.summary["max_hop_miss_m"] < 15.0


@pytest.mark.slow
@pytest.mark.physics
def test_the_timeline_is_a_two_orbit_fast_track(bundled):
    # Soyuz MS-17, 14 October 2020, the first crewed two-orbit rendezvous: launch 05:45 UTC,
    # docking at Rassvet 08:48 UTC, 3 h 03 min; orbit insertion 8 min 45 s after launch, so
    # about 2 h 54 min (174 min) from orbit to docking. The bundled run, from its first burn,
    # must match that within 20 min.
    _, result = bundled["help_arrives"]
    assert result.summary["first_burn_to_contact_min"] == pytest.approx(174.0, abs=20.0)


@pytest.mark.slow
@pytest.mark.physics
def test_hold_points_and_contact_are_those_of_flown_approaches(bundled):
    # ATV-3 (ESA ATV-CC blog, 28 March 2012): hold points at 2.5 km (S2), 250 m (S3), 20 m (S4);
    # ATV-2 (ESA blog, 23 Feb 2011): S2 at 3.5 km. ATV docks "within 10 cm and ... less than
    # 10 cm/s" (ESA blog, 24 Feb 2011).
    scenario, result = bundled["help_arrives"]
    holds = [h.distance for h in scenario.approach.hold_points]
    assert holds[0] == pytest.approx(3000.0, abs=500.0)
    assert holds[1] == pytest.approx(250.0, abs=5.0)
    assert holds[2] == pytest.approx(20.0, abs=10.0)
    s = result.summary
    assert s["docked"] and not s["aborted"]
    assert s["contact_closing_speed_m_s"] == pytest.approx(scenario.approach.docking_speed, abs=1e-3) and s["contact_closing_speed_m_s"] < 0.1
    assert s["contact_lateral_offset_m"] < 0.1 and s["contact_misalignment_deg"] < 5.0
    assert s["keep_out_violations"] == 0 and s["corridor_violations"] == 0


@pytest.mark.slow
def test_invariants_of_both_runs(bundled):
    for scenario, result in bundled.values():
        s = result.summary
        parts = [s[k] for k in ("phasing_delta_v_m_s", "transfer_delta_v_m_s", "approach_delta_v_m_s", "abort_delta_v_m_s")]
        assert all(np.isfinite(p) and p >= 0.0 for p in parts)
        assert s["total_delta_v_m_s"] == pytest.approx(sum(parts), rel=1e-12)
        assert s["docked"] != s["aborted"]
        chaser = result.trajectories["chaser"].data
        assert np.all(np.isfinite(chaser)) and np.all(np.isfinite(result.trajectories["chaser_path"].data))
        # the chaser's GCRS path minus the station's is its LVLH offset, rotated: same length
        offset = result.trajectories["chaser_path"].data[:, :3] - result.trajectories["station"].data[:, :3]
        np.testing.assert_allclose(np.linalg.norm(offset, axis=1), np.linalg.norm(chaser[:, :3], axis=1), rtol=1e-9, atol=1e-6)
        if s["docked"]:  # docked: every sample inside the keep-out sphere lies in the corridor, then at rest at the port
            port = np.array(result.scene["docking_port_lvlh_m"])
            axis_out = port / np.linalg.norm(port)
            half_angle = scenario.approach.corridor_half_angle
            apex = port - MAX_CONTACT_LATERAL_M / np.tan(half_angle) * axis_out
            inside = np.linalg.norm(chaser[:, :3], axis=1) < scenario.approach.keep_out_radius
            from_apex = chaser[inside, :3] - apex
            assert np.all(from_apex @ axis_out >= np.cos(half_angle) * np.linalg.norm(from_apex, axis=1) - 1e-6)
            after = result.time_s > result.time_s[-1] - 60.0
            # held there by the thrust cancelling CW (J2's pull across 35 m moves it centimetres)
            assert np.all(np.linalg.norm(chaser[after, :3] - port, axis=1) < 0.2)


@pytest.mark.slow
def test_the_dispersed_run_aborts_and_backs_away(bundled):
    scenario, result = bundled["help_arrives_aborted"]
    s = result.summary
    assert s["aborted"] and not s["docked"] and s["abort_reason"] == "corridor"
    assert s["corridor_violations"] >= 1 and s["keep_out_violations"] == 0
    assert s["first_burn_to_contact_min"] is None
    assert s["abort_delta_v_m_s"] > scenario.approach.abort_speed * 0.9
    abort_t = next(e.time_s for e in result.events if e.kind == "violation")
    distance = np.linalg.norm(result.trajectories["chaser"].data[:, :3], axis=1)
    at_abort = np.interp(abort_t, result.time_s, distance)
    assert at_abort < scenario.approach.keep_out_radius  # it left the corridor inside the sphere
    assert s["closest_after_abort_m"] >= at_abort - 1.0  # and never came closer after


# --- bad input (fast: refused before planning) -------------------------------------------------

@pytest.mark.parametrize(
    "override, fragment",
    [
        ("approach.corridor_half_angle=60 deg", "approach.corridor_half_angle"),
        ("approach.keep_out_radius=10 m", "approach.keep_out_radius"),
        ("approach.docking_speed=1 m/s", "approach.docking_speed"),
        ("approach.axis=h_bar", "approach.axis"),
        ("approach.hold_points=[{distance: 100 m}]", "approach.hold_points[0].distance = 100 m"),
        ("approach.hold_points=[{distance: 3 km}, {distance: 5 km}]", "approach.hold_points[1].distance = 5000 m"),
        ("approach.burn_errors=[{leg: 7, delta_v: [0, 0, 0]}]", "approach.burn_errors[0].leg = 7"),
        ("approach.burn_errors=[{leg: 1, delta_v: [2 m/s, 0, 0]}]", "approach.burn_errors"),
        ("chaser.altitude=100 km", "chaser.altitude"),
        ("chaser.altitude=360 km", "chaser.altitude = 360 km"),
        ("phasing.altitude=430 km", "phasing.altitude = 430 km"),
        ("transfer.duration=2 h", "transfer.duration"),
    ],
)
def test_bad_values_exit_2_naming_field_value_and_expectation(issim, override, fragment):
    done = issim("validate", "help_arrives", "--set", override)
    assert done.returncode == 2, done.stdout
    assert fragment in done.stderr
    assert ("expected" in done.stderr or "should be" in done.stderr) and "Traceback" not in done.stderr


# --- the viewer's reading (fast: no run) ------------------------------------------------------

def test_the_close_up_labels_the_docking_port_and_the_globe_draws_both_orbits():
    from orbital.kinds import kind_spec
    from orbital.result import Result, Trajectory
    from viz.closeup_tracks import Tracks
    from viz.registry import globe_layers

    columns, units = ("x", "y", "z", "vx", "vy", "vz"), ("m",) * 3 + ("m/s",) * 3
    rows = np.zeros((3, 6))
    result = Result(
        "synthetic", "rendezvous", "2026-11-25T00:00:00.000", np.array([0.0, 10.0, 20.0]),
        {name: Trajectory(frame, columns, units, rows) for name, frame in (("station", "gcrs"), ("chaser_path", "gcrs"), ("chaser", "lvlh"))},
        [], {}, scene={"docking_port_lvlh_m": [0.0, -35.0, 0.0]}, display=kind_spec("rendezvous").display,
    )
    np.testing.assert_array_equal(Tracks(result).targets["docking port"], [0.0, -35.0, 0.0])
    assert [name for _, name in globe_layers(result)] == ["station", "chaser_path"]
