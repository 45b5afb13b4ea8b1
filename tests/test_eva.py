"""Spacewalk drift: nonlinear relative motion against Clohessy-Wiltshire, energy, SAFER."""

import numpy as np
import pytest

from orbital.earth.constants import MU_EARTH_M3_S2
from orbital.models.eva import (
    Push,
    SaferConfig,
    mean_motion_rad_s,
    safer_acceleration_lvlh,
    simulate_eva,
)
from orbital.models.tether import TetherConfig, anchor_offset, spring_potential_j

MASS_KG = 240.0


def iss_like_station():
    """A circular orbit at 420 km, inclination 51.64 deg: GCRS r (m), v (m/s)."""
    r = 6378137.0 + 420e3
    inc = np.radians(51.64)
    return np.array([r, 0.0, 0.0]), np.sqrt(MU_EARTH_M3_S2 / r) * np.array([0.0, np.cos(inc), np.sin(inc)])


def one_orbit_s():
    return 2.0 * np.pi / mean_motion_rad_s(*iss_like_station())


def drift(rel_r0, delta_v, t_end_s, output_dt_s=10.0, **kwargs):
    r, v = iss_like_station()
    pushes = [Push(0.0, delta_v_lvlh_m_s=delta_v)]
    return simulate_eva(r, v, rel_r0, [0.0, 0.0, 0.0], t_end_s, output_dt_s, pushes=pushes, **kwargs)


def test_result_shapes_and_grid():
    result = drift([1.0, 0.0, 0.0], (0.0, 0.01, 0.0), 95.0, output_dt_s=10.0)
    np.testing.assert_allclose(result.t_s, [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95])
    n = result.t_s.size
    assert result.rel_lvlh.shape == result.rel_cw.shape == result.station_teme.shape == (n, 6)
    assert result.tension_n.shape == (n,)
    # The first sample is just after the push at t = 0, and CW starts from it.
    np.testing.assert_allclose(result.rel_lvlh[0], [1.0, 0, 0, 0, 0.01, 0], atol=1e-9)
    np.testing.assert_allclose(result.rel_cw[0], result.rel_lvlh[0], atol=1e-12)
    assert result.events[0].kind == "push" and result.events[0].time_s == 0.0


def test_nonlinear_agrees_with_cw_at_metre_separations():
    # 1 m out radially, 1 cm/s along-track, 10 min, J2 on: the linear answer holds to
    # well under 2 cm (measured about 4 mm, from J2 and the osculating mean motion).
    result = drift([1.0, 0.0, 0.0], (0.0, 0.01, 0.0), 600.0, output_dt_s=5.0)
    assert result.cw_max_deviation_m < 0.02
    assert result.max_separation_m > 2.0


def test_nonlinear_departs_from_cw_at_large_separations():
    # A 5 m/s kick carries him ~90 km along-track within an orbit; the curvature
    # the linear CW frame ignores then costs hundreds of metres.
    result = drift([0.0, 0.0, 0.0], (0.0, 5.0, 0.0), one_orbit_s(), output_dt_s=60.0)
    assert result.max_separation_m > 50e3
    assert result.cw_max_deviation_m > 100.0


def test_radial_push_closes_its_loop_in_one_orbit():
    # CW: a 0.1 m/s radial kick draws a 2:1 ellipse, 89 m up/down and 355 m along,
    # and is back at the start after one orbit T = 2 pi / n.
    # Point-mass gravity: the kick adds v^2/2 to the energy, raising a by ~1 mm, so
    # the period differs by ~1 us and he misses the start by ~1 cm (< 5 cm).
    # With J2 the in-plane frequency differs from the osculating n by ~1.4e-3, so he
    # is ~2 pi (v/n) 1.4e-3 = 0.8 m off after T (< 2 m).
    for include_j2, tolerance_m in [(False, 0.05), (True, 2.0)]:
        result = drift([0.0, 0.0, 0.0], (0.1, 0.0, 0.0), one_orbit_s(), include_j2=include_j2)
        assert result.max_separation_m == pytest.approx(4 * 0.1 / result.mean_motion_rad_s, rel=0.01)
        assert np.linalg.norm(result.rel_lvlh[-1, :3]) < tolerance_m


def test_forward_push_rises_and_falls_behind():
    # The film's paradox: push forward (+y) and you rise (+x, up to 4 v/n = 355 m
    # half an orbit later) and fall behind, y = -3 v T = -1.67 km after one orbit.
    v = 0.1
    result = drift([0.0, 0.0, 0.0], (0.0, v, 0.0), one_orbit_s())
    x, y = result.rel_lvlh[:, 0], result.rel_lvlh[:, 1]
    period = 2.0 * np.pi / result.mean_motion_rad_s
    assert x.min() > -1.0 and x.max() == pytest.approx(4 * v / result.mean_motion_rad_s, rel=0.01)
    assert y[-1] == pytest.approx(-3.0 * v * period, rel=0.01)
    assert result.along_track_drift_per_orbit_m == pytest.approx(-3.0 * v * period, rel=0.01)


@pytest.mark.slow  # a spacewalk of an orbit or more: about 6 s
def test_along_track_drift_is_only_reported_for_a_free_drift_of_an_orbit():
    # On a tether he never drifts away; over a quarter orbit the fit means nothing.
    tethered = drift([0.0, 0.0, 0.0], (0.0, 0.1, 0.0), one_orbit_s(), output_dt_s=30.0, tether=TetherConfig())
    assert tethered.along_track_drift_per_orbit_m is None
    short = drift([0.0, 0.0, 0.0], (0.0, 0.1, 0.0), one_orbit_s() / 4.0, output_dt_s=30.0)
    assert short.along_track_drift_per_orbit_m is None


def test_force_push_matches_the_equivalent_impulse():
    # 24 N for 1 s on 240 kg is 0.1 m/s: over 10 min the two differ by the ~5 cm
    # the 1 s of spread-out acceleration shifts the drift (measured < 0.1 m).
    r, v = iss_like_station()
    force = simulate_eva(r, v, [0, 0, 0], [0, 0, 0], 600.0, 10.0, pushes=[Push(0.0, force_lvlh_n=(0, 24.0, 0), duration_s=1.0)])
    impulse = simulate_eva(r, v, [0, 0, 0], [0, 0, 0], 600.0, 10.0, pushes=[Push(0.5, delta_v_lvlh_m_s=(0, 0.1, 0))])
    np.testing.assert_allclose(force.rel_lvlh[-1, :3], impulse.rel_lvlh[-1, :3], atol=1e-3)


def test_push_needs_exactly_one_kind():
    with pytest.raises(ValueError):
        Push(0.0)
    with pytest.raises(ValueError):
        Push(0.0, delta_v_lvlh_m_s=(0, 1, 0), force_lvlh_n=(0, 1, 0), duration_s=1.0)
    with pytest.raises(ValueError):
        Push(0.0, force_lvlh_n=(0, 1, 0))


def jacobi_j_kg(result, tether):
    """CW-frame Jacobi integral per unit mass (J/kg), exact for point-mass gravity
    and a circular station orbit: 1/2 |v|^2 - mu/|R| - 1/2 n^2 (X^2 + Y^2) + U/m,
    station terms subtracted so that no 6e7 J/kg constants cancel."""
    r0 = np.linalg.norm(result.station_teme[:, :3], axis=1)
    n2 = MU_EARTH_M3_S2 / r0**3
    x, y, z = result.rel_lvlh[:, :3].T
    big_r = np.sqrt((r0 + x) ** 2 + y**2 + z**2)
    gravity = MU_EARTH_M3_S2 * (big_r - r0) / (big_r * r0)  # -mu/|R| + mu/r0
    kinetic = 0.5 * np.sum(result.rel_lvlh[:, 3:] ** 2, axis=1)
    tether_j = spring_potential_j(tether, anchor_offset(tether, result.rel_lvlh[:, :3])[1])
    return kinetic + gravity - n2 * r0 * x - 0.5 * n2 * (x**2 + y**2) + tether_j / MASS_KG


@pytest.mark.slow  # a spacewalk of an orbit or more: about 6 s
def test_energy_bounded_with_an_undamped_tether_over_an_orbit():
    # Point mass, circular station: the Jacobi integral is exact, so over an orbit of
    # bouncing on the line (some 50 taut phases) it may only wander by the integrator
    # error: measured 3.5e-7 J/kg of 0.13 (a velocity error of ~1 um/s); allow 2e-6.
    tether = TetherConfig(anchor_lvlh_m=(1.0, 2.0, -0.5), reel_force_n=0.2, damping_ratio=0.0)
    result = drift([1.0, 2.0, -0.5], (0.3, 0.4, 0.1), one_orbit_s(), output_dt_s=1.0, tether=tether, include_j2=False)
    assert sum(e.kind == "tether_taut" for e in result.events) > 20
    jacobi = jacobi_j_kg(result, tether)
    assert jacobi[0] == pytest.approx(0.5 * 0.26, rel=1e-3)  # the kick's kinetic energy
    assert np.max(np.abs(jacobi - jacobi[0])) < 2e-6


def test_energy_only_decreases_with_a_damped_tether():
    tether = TetherConfig(anchor_lvlh_m=(1.0, 2.0, -0.5), reel_force_n=0.2, damping_ratio=0.05)
    result = drift([1.0, 2.0, -0.5], (0.3, 0.4, 0.1), 600.0, output_dt_s=1.0, tether=tether, include_j2=False)
    jacobi = jacobi_j_kg(result, tether)
    assert np.max(np.diff(jacobi)) < 1e-7
    # Each bounce keeps exp(-2 pi zeta / sqrt(1 - zeta^2)) = 73 % of the radial energy.
    assert jacobi[-1] < jacobi[0] - 0.01


@pytest.mark.physics
def test_safer_controller_saturates_and_points_home():
    # REFERENCES.md, Spacewalk: SAFER thrusters of 3.6 N; crew + suit + SAFER ~240 kg.
    safer = SaferConfig()
    a_max = safer.axis_acceleration_m_s2(MASS_KG)
    assert a_max == pytest.approx(2 * 3.6 / 240.0)
    accel = safer_acceleration_lvlh(safer, MASS_KG, [20.0, 0.0, 0.0], [0.5, 0.0, 0.0])
    np.testing.assert_allclose(accel, [-a_max, 0.0, 0.0])
    accel = safer_acceleration_lvlh(safer, MASS_KG, [20.0, 0.0, 0.0], [-0.2, 0.0, 0.0])  # on its way in
    np.testing.assert_allclose(accel, 0.0, atol=1e-12)
    assert not safer_acceleration_lvlh(safer, MASS_KG, [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]).any()


def test_safer_brings_him_back_after_a_gentle_push():
    result = drift([0.0, 0.0, 0.0], (0.2, -0.2, 0.1), 300.0, output_dt_s=1.0, safer=SaferConfig())
    assert result.returned
    assert 0.5 < result.safer_dv_used_m_s < 3.0  # at least the 0.5 m/s (summed by axis) of the push
    kinds = [e.kind for e in result.events]
    assert kinds.index("safer_start") < kinds.index("returned")
    assert "safer_budget_exhausted" not in kinds
    assert result.final_separation_m < 2.0


@pytest.mark.parametrize("delta_v", [(0.3, 0.0, 0.0), (0.0, 0.0, -0.3)])
def test_safer_returns_from_a_0_3_m_s_push(delta_v):
    result = drift([0.0, 0.0, 0.0], delta_v, 300.0, output_dt_s=1.0, safer=SaferConfig())
    assert result.returned
    # Kill 0.3 m/s, fly back at up to 0.2 m/s and slow to under 0.1 m/s within 2 m, where he
    # takes hold: about 0.6 m/s of the 3 (0.3 + 0.2 + 0.1; 0.59 and 0.62 measured).
    assert result.safer_dv_used_m_s == pytest.approx(0.6, abs=0.1)


@pytest.mark.physics
def test_safer_budget_runs_out_after_a_hard_push():
    # REFERENCES.md, Spacewalk: SAFER holds about 3 m/s of delta-v.
    # 3 m/s away needs 3 m/s just to stop: the budget is gone, and he is not back.
    result = drift([0.0, 0.0, 0.0], (0.0, 3.0, 0.0), 300.0, output_dt_s=1.0, safer=SaferConfig())
    assert not result.returned
    assert result.safer_dv_used_m_s == pytest.approx(3.0, abs=1e-12)
    exhausted = [e for e in result.events if e.kind == "safer_budget_exhausted"]
    assert len(exhausted) == 1
    # 7.2 N on 240 kg spends 3 m/s in 100 s on one axis, from t = 10 s; steering on
    # the other axes spends it a little sooner.
    assert 80.0 < exhausted[0].time_s < 111.0
    assert result.final_separation_m > 100.0


def test_safer_disabled_or_absent_does_nothing():
    for safer in (None, SaferConfig(enabled=False)):
        result = drift([0.0, 0.0, 0.0], (0.3, 0.0, 0.0), 60.0, output_dt_s=5.0, safer=safer)
        assert result.safer_dv_used_m_s == 0.0 and not result.returned
        assert result.cw_max_deviation_m < 1e-3


def test_along_track_drift_is_fitted_over_the_free_drift_only():
    # Found by hand (QA, issue 12): the fit ran over the whole run, pushes included. An along-track
    # push of 0.01 m/s from the centre of mass drifts -6 pi dv / n = -167 m per orbit (CW); the
    # opposite push one orbit later (x back to 0) stops the drift. Before: -83.6 m/orbit reported
    # (the two orbits averaged); now the orbit after the last push: 0 to 1 m.
    one_orbit = one_orbit_s()
    r, v = iss_like_station()
    result = simulate_eva(
        r, v, [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], 2.0 * one_orbit, 30.0,
        pushes=[Push(0.0, delta_v_lvlh_m_s=(0.0, 0.01, 0.0)), Push(one_orbit, delta_v_lvlh_m_s=(0.0, -0.01, 0.0))],
    )
    assert abs(result.along_track_drift_per_orbit_m) < 1.0
