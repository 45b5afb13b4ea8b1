"""The target-and-chaser relative integrator on its own: Clohessy-Wiltshire agreement, impulses,
LVLH accelerations and located events, with no spacewalker in sight."""

import numpy as np
from scipy.optimize import brentq

from orbital.earth import frames
from orbital.earth.constants import MU_EARTH_M3_S2
from orbital.propagation.cw import cw_propagate
from orbital.dynamics.forces import OrbitForces
from orbital.propagation.relative import (
    Drag, Loads, fly_relative, initial_state, relative_lvlh, relative_lvlh_compiled, relative_lvlh_one,
)

R_M = 6378137.0 + 420e3
N_RAD_S = np.sqrt(MU_EARTH_M3_S2 / R_M**3)
ORBIT_S = 2.0 * np.pi / N_RAD_S


def circular_target():
    """A circular orbit at 420 km, inclination 51.64 deg: r (m), v (m/s)."""
    inc = np.radians(51.64)
    return np.array([R_M, 0.0, 0.0]), np.sqrt(MU_EARTH_M3_S2 / R_M) * np.array([0.0, np.cos(inc), np.sin(inc)])


def fly(rel0, times_s, chaser=None):
    """The chaser's LVLH states (N, 6) from ``rel0`` (6,), point-mass gravity only."""
    y0 = initial_state(*circular_target(), rel0[:3], rel0[3:])
    states, _ = fly_relative(Loads() if chaser is None else chaser, y0, times_s, include_j2=False)
    return np.concatenate(relative_lvlh(states), axis=1)


def test_fast_lvlh_path_matches_frames():
    r, v = circular_target()
    rng = np.random.default_rng(1)
    for _ in range(5):
        y = np.concatenate([r, v, rng.normal(0, 30, 3), rng.normal(0, 0.5, 3)])
        basis, rel_r, rel_v = relative_lvlh_one(y)
        ref_r, ref_v = frames.inertial_to_lvlh(r, v, r + y[6:9], v + y[9:12])
        np.testing.assert_allclose(basis, frames.lvlh_basis(r, v), atol=1e-15)
        np.testing.assert_allclose(rel_r, ref_r, atol=1e-8)  # 10 nm: r + dr rounds to 1 nm
        np.testing.assert_allclose(rel_v, ref_v, atol=1e-11)


def test_compiled_lvlh_path_matches_frames():
    r, v = circular_target()
    rng = np.random.default_rng(2)
    y = np.concatenate([np.tile(np.concatenate([r, v]), (5, 1)), rng.normal(0, 30, (5, 3)), rng.normal(0, 0.5, (5, 3))], axis=1)
    rel_r, rel_v = relative_lvlh_compiled(y)
    ref_r, ref_v = frames.inertial_to_lvlh(y[:, :3], y[:, 3:6], y[:, :3] + y[:, 6:9], y[:, 3:6] + y[:, 9:12])
    np.testing.assert_allclose(rel_r, ref_r, atol=1e-8)  # 10 nm: r + dr rounds to 1 nm
    np.testing.assert_allclose(rel_v, ref_v, atol=1e-11)


def test_compiled_flight_is_solve_ivps_step_for_step():
    # The compiled DOP853 (dop853.advance with relative_dynamics) and solve_ivp's, on the same
    # segments (J2, a kick at 300 s, 20 minutes): the same algorithm, so the same steps; they
    # differ in the last bits of the forces' sums (2 nm seen after 20 minutes).
    r, v = circular_target()
    y0 = initial_state(r, v, [10.0, -20.0, 5.0], [0.01, -0.02, 0.005])
    times = np.linspace(0.0, 1200.0, 61)

    def flown(compiled):
        loads = Loads(impulses=[(300.0, (0.05, -0.02, 0.01))])
        return fly_relative(loads, y0, times, include_j2=True, compiled=compiled)[0]

    compiled, reference = flown(True), flown(False)
    np.testing.assert_allclose(compiled[:, 6:9], reference[:, 6:9], rtol=0, atol=2e-8)  # 20 nm
    np.testing.assert_allclose(compiled[:, 9:12], reference[:, 9:12], rtol=0, atol=2e-11)
    np.testing.assert_allclose(compiled[:, 0:3], reference[:, 0:3], rtol=0, atol=2e-8)


def cw_error_m(scale):
    """Largest distance (m) over one orbit between the integrator and CW for a drift of size ``scale``."""
    rel0 = scale * np.array([10.0, -20.0, 5.0, 0.01, -0.02, 0.005])
    times = np.linspace(0.0, ORBIT_S, 200)
    flown = fly(rel0, times)
    return float(np.max(np.linalg.norm(flown[:, :3] - cw_propagate(rel0, N_RAD_S, times)[:, :3], axis=1)))


def test_small_displacement_follows_clohessy_wiltshire():
    # CW keeps the relative gravity's first order in d / R; the first term it drops is about
    # 3 n^2 d^2 / R (d the separation, R the orbit radius), which a drift of d ~ 50 m
    # (about 25 m plus 25 m of CW's own along-track wander over one orbit) turns into an error of
    # order d^2 / R ~ 0.4 mm, times the along-track growth of an orbit (up to 6 pi): a few
    # millimetres. The bound is 1 cm; the error must also grow as the square of the scale (the
    # nonlinear term, not a frame or sign mistake, which would grow linearly).
    small, large = cw_error_m(1.0), cw_error_m(2.0)
    assert small < 0.01
    assert 3.9 < large / small < 4.1


def test_impulse_changes_relative_velocity_by_exactly_it():
    rel0 = np.array([5.0, 10.0, -3.0, 0.02, 0.0, 0.01])
    times = np.array([0.0, 300.0, 600.0])
    delta_v = np.array([0.03, -0.05, 0.07])
    kicked = fly(rel0, times, Loads(impulses=[(300.0, delta_v)]))
    # the same boundary at 300 s with no kick: the two flights are identical up to it
    plain = fly(rel0, times, Loads(impulses=[(300.0, (0.0, 0.0, 0.0))]))
    np.testing.assert_array_equal(kicked[0], plain[0])
    np.testing.assert_allclose(kicked[1, :3], plain[1, :3], atol=1e-9)  # the position does not jump
    np.testing.assert_allclose(kicked[1, 3:] - plain[1, 3:], delta_v, atol=1e-10)  # float64 rounding at 7.7 km/s


def test_lvlh_acceleration_acts_in_lvlh():
    # 1 mm/s^2 along-track from rest at the target for 20 s: y = a t^2 / 2 = 0.2 m, but for the
    # Coriolis term (x = n a t^3 / 3, 1.5 % of it; the gravity gradient's are smaller still): bound 2 %
    accel = np.array([0.0, 1e-3, 0.0])
    flown = fly(np.zeros(6), np.array([0.0, 20.0]), Loads(accelerations=[lambda t, r, v: accel]))
    np.testing.assert_allclose(flown[-1, :3], 0.5 * accel * 20.0**2, atol=0.02 * 0.2)
    np.testing.assert_allclose(flown[-1, 4], 1e-3 * 20.0, rtol=0.02)


def test_located_event_fires_when_the_distance_is_reached():
    # from the target's centre, 0.1 m/s radially out: CW gives x = v/n sin nt, y = -2 v/n (1 - cos nt);
    # the 20 m sphere is crossed near 200 s. CW's nonlinear error there is about d^2 / R = 0.06 mm
    # times n t ~ 0.2 built up by then, ~10 um: 0.1 ms at 0.1 m/s (6 us measured); the solver
    # places the crossing on its own path to well under a micrometre.
    rel0 = np.array([0.0, 0.0, 0.0, 0.1, 0.0, 0.0])
    radius_m = 20.0

    def sphere(t, rel_r, rel_v):
        return np.linalg.norm(rel_r) - radius_m

    sphere.direction = 1.0
    loads = Loads(events=[sphere])
    fly(rel0, np.array([0.0, 600.0]), loads)
    expected_s = brentq(lambda t: np.linalg.norm(cw_propagate(rel0, N_RAD_S, t)[0, :3]) - radius_m, 1.0, 600.0, xtol=1e-12)
    [(t_s, which, state)] = loads.fired
    assert which == 0
    assert abs(t_s - expected_s) < 1e-4
    assert abs(np.linalg.norm(state[:3]) - radius_m) < 1e-6


def test_differential_drag_pulls_the_chaser_back_along_its_air_velocity():
    # same place, same speed, only the chaser feels drag (Cd A / m = 0.01 m^2/kg; the target none):
    # over 20 s his relative velocity changes by his drag deceleration times 20 s, in LVLH, but for
    # the Coriolis term of relative size n t = 2.3 % (bound 3 %); with equal Cd A / m on both,
    # nothing separates them at all.
    r, v = circular_target()
    times = np.array([0.0, 20.0])
    y0 = initial_state(r, v, np.zeros(3), np.zeros(3))
    chaser_only = Drag(0.0, 0.01)
    states, _ = fly_relative(Loads(), y0, times, include_j2=False, drag=chaser_only)
    drag_m_s2 = OrbitForces(drag=True, cd_area_over_mass_m2_kg=0.01).drag_acceleration(r, v)
    expected_m_s = frames.lvlh_basis(r, v) @ drag_m_s2 * 20.0
    assert np.linalg.norm(expected_m_s) > 1e-6  # the air at 420 km is felt
    np.testing.assert_allclose(relative_lvlh(states[-1])[1], expected_m_s, rtol=0.03, atol=0.03 * np.linalg.norm(expected_m_s))
    both, _ = fly_relative(Loads(), y0, times, include_j2=False, drag=Drag(0.01, 0.01))
    np.testing.assert_array_equal(both[-1, 6:], 0.0)
