"""Clohessy-Wiltshire closed form."""

import numpy as np
import pytest

from orbital.propagation.cw import cw_propagate, cw_state_transition

N_590_KM = np.sqrt(398600.4415e9 / ((6378.1363 + 590.0) * 1e3) ** 3)


@pytest.mark.physics
def test_vallado_example_6_14():
    # Vallado, Fundamentals of Astrodynamics, Example 6-14: target circular at
    # 590 km (Re = 6378.1363 km, mu = 398600.4415 km^3/s^2); chaser at r0 = 0 with
    # v0 = [-0.1, -0.04, -0.02] m/s; after 300 s:
    expected_r_m = [-33.345724432, -1.473560307, -5.894530312]
    expected_v_m_s = [-0.120337094, 0.032387584, -0.018949032]
    state = cw_propagate([0.0, 0.0, 0.0, -0.1, -0.04, -0.02], N_590_KM, 300.0)[0]
    np.testing.assert_allclose(state[:3], expected_r_m, rtol=0, atol=1e-6)  # 1 micrometre
    np.testing.assert_allclose(state[3:], expected_v_m_s, rtol=0, atol=1e-9)  # 1 nm/s


def test_radial_kick_closes_a_2_by_1_ellipse_in_one_orbit():
    # x = (v/n) sin nt, y = -(2v/n)(1 - cos nt): back at the start after one orbit,
    # 2 v/n out radially and 4 v/n behind after half of one.
    v, n = 0.1, N_590_KM
    period = 2.0 * np.pi / n
    half, full = cw_propagate([0.0, 0.0, 0.0, v, 0.0, 0.0], n, [0.5 * period, period])
    np.testing.assert_allclose(half[:3], [0.0, -4.0 * v / n, 0.0], atol=1e-9)
    np.testing.assert_allclose(full, [0.0, 0.0, 0.0, v, 0.0, 0.0], atol=1e-9)


def test_transition_matrix_shapes_and_group_property():
    n = N_590_KM
    assert cw_state_transition(n, 10.0).shape == (6, 6)
    assert cw_state_transition(n, np.array([1.0, 2.0, 3.0])).shape == (3, 6, 6)
    np.testing.assert_allclose(cw_state_transition(n, 0.0), np.eye(6), atol=0)
    composed = cw_state_transition(n, 700.0) @ cw_state_transition(n, 500.0)
    np.testing.assert_allclose(composed, cw_state_transition(n, 1200.0), rtol=1e-9, atol=1e-9)


def test_along_track_push_rises_and_falls_behind():
    # CW: a push +v along-track lifts him to x = 4 v/n half an orbit later, and he
    # is back at x = 0 but y = -3 v T behind after one orbit of period T.
    v, n = 0.1, N_590_KM
    period = 2.0 * np.pi / n
    states = cw_propagate([0.0, 0.0, 0.0, 0.0, v, 0.0], n, np.linspace(0, period, 101))
    assert states[:, 0].max() == pytest.approx(4.0 * v / n, rel=1e-3)
    assert states[-1, 1] == pytest.approx(-3.0 * v * period, rel=1e-9)
