"""Classical elements <-> state vectors: round trips, degenerate orbits, poliastro parity."""

import numpy as np
import pytest

from orbital.propagation import astro
from orbital.earth.constants import DAY_S, MU_EARTH_M3_S2, R_EARTH_EQ_M
from orbital.earth.elements import (
    classical_to_rv,
    perigee_apogee_radius_m,
    period_s,
    rv_to_classical,
    semi_major_axis_from_mean_motion_m,
)

DEG = np.pi / 180.0
ISS = dict(a_m=6797.8e3, ecc=0.0005, inc_rad=51.64 * DEG, raan_rad=123.54 * DEG, argp_rad=328.14 * DEG)


def _angle_diff(a, b):
    return np.abs(np.angle(np.exp(1j * (np.asarray(a) - np.asarray(b)))))


def _random_elliptic(n, seed=20240229):
    rng = np.random.default_rng(seed)
    ecc = rng.uniform(1e-3, 0.9, n)
    perigee_m = rng.uniform(R_EARTH_EQ_M + 150e3, R_EARTH_EQ_M + 40000e3, n)
    return dict(
        a_m=perigee_m / (1.0 - ecc),
        ecc=ecc,
        inc_rad=rng.uniform(1e-3, np.pi - 1e-3, n),
        raan_rad=rng.uniform(0.0, 2 * np.pi, n),
        argp_rad=rng.uniform(0.0, 2 * np.pi, n),
        nu_rad=rng.uniform(0.0, 2 * np.pi, n),
    )


def test_round_trip_random_elliptic_orbits():
    coe = _random_elliptic(2000)
    r, v = classical_to_rv(**coe)
    assert r.shape == v.shape == (2000, 3)
    back = rv_to_classical(r, v)
    assert back.a_m.shape == (2000,)
    np.testing.assert_allclose(back.a_m, coe["a_m"], rtol=1e-10)
    np.testing.assert_allclose(back.ecc, coe["ecc"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(back.inc_rad, coe["inc_rad"], atol=1e-11)
    for name in ("raan_rad", "argp_rad", "nu_rad"):
        assert _angle_diff(getattr(back, name), coe[name]).max() < 1e-9, name
    # ...and back to the same state: 1 mm / 1 um/s even at 40,000 km.
    r2, v2 = classical_to_rv(*back[:6])
    assert np.abs(r2 - r).max() < 1e-3
    assert np.abs(v2 - v).max() < 1e-6


def test_angles_in_range_and_arglat():
    coe = _random_elliptic(500, seed=7)
    back = rv_to_classical(*classical_to_rv(**coe))
    for name in ("raan_rad", "argp_rad", "nu_rad", "arglat_rad"):
        angle = getattr(back, name)
        assert np.all((angle >= 0.0) & (angle < 2 * np.pi)), name
    assert _angle_diff(back.arglat_rad, back.argp_rad + back.nu_rad).max() < 1e-12


def test_broadcasting_over_scalars_and_arrays():
    nu = np.linspace(0.0, 2 * np.pi, 7)
    r, v = classical_to_rv(7000e3, 0.01, 0.5, 0.1, 0.2, nu)
    assert r.shape == v.shape == (7, 3)
    r1, v1 = classical_to_rv(7000e3, 0.01, 0.5, 0.1, 0.2, nu[3])
    assert r1.shape == (3,)
    np.testing.assert_allclose(r1, r[3], rtol=0, atol=1e-9)
    single = rv_to_classical(r1, v1)
    assert np.shape(single.ecc) == ()
    grid = rv_to_classical(r.reshape(7, 1, 3), v.reshape(7, 1, 3))
    assert grid.nu_rad.shape == (7, 1)


def test_circular_orbit_convention():
    r, v = classical_to_rv(6800e3, 0.0, 0.9, 1.1, 2.0, 0.3)  # argp is meaningless here
    coe = rv_to_classical(r, v)
    assert coe.ecc < 1e-12
    assert coe.argp_rad == 0.0
    assert coe.nu_rad == pytest.approx(coe.arglat_rad)
    assert coe.arglat_rad == pytest.approx(2.3, abs=1e-12)
    assert coe.raan_rad == pytest.approx(1.1, abs=1e-12)


def test_equatorial_orbit_convention():
    # Prograde: raan = 0, node along +x, so argp is the longitude of periapsis.
    r, v = classical_to_rv(8000e3, 0.1, 0.0, 0.0, 0.7, 0.4)
    coe = rv_to_classical(r, v)
    assert (coe.inc_rad, coe.raan_rad) == (0.0, 0.0)
    assert coe.argp_rad == pytest.approx(0.7, abs=1e-12)
    assert coe.nu_rad == pytest.approx(0.4, abs=1e-12)
    # Retrograde: angles run in the direction of motion (clockwise seen from +z).
    r, v = classical_to_rv(8000e3, 0.1, np.pi, 0.0, 0.7, 0.4)
    coe = rv_to_classical(r, v)
    assert coe.inc_rad == pytest.approx(np.pi, abs=1e-15)
    assert coe.raan_rad == 0.0
    assert coe.argp_rad == pytest.approx(0.7, abs=1e-12)
    np.testing.assert_allclose(classical_to_rv(*coe[:6])[0], r, atol=1e-6)


def test_circular_equatorial_gives_true_longitude():
    r = np.array([0.0, 7000e3, 0.0])
    v = np.array([-np.sqrt(MU_EARTH_M3_S2 / 7000e3), 0.0, 0.0])
    coe = rv_to_classical(r, v)
    assert (coe.raan_rad, coe.argp_rad) == (0.0, 0.0)
    assert coe.nu_rad == pytest.approx(np.pi / 2, abs=1e-15)


def test_hyperbolic_round_trip():
    r, v = classical_to_rv(-20000e3, 1.4, 0.5, 0.1, 0.2, 0.3)
    coe = rv_to_classical(r, v)
    assert coe.a_m == pytest.approx(-20000e3, rel=1e-12)
    assert coe.ecc == pytest.approx(1.4, rel=1e-12)
    assert coe.nu_rad == pytest.approx(0.3, abs=1e-12)


def test_vis_viva_and_angular_momentum():
    coe = _random_elliptic(300, seed=3)
    r, v = classical_to_rv(**coe)
    radius, speed = np.linalg.norm(r, axis=-1), np.linalg.norm(v, axis=-1)
    np.testing.assert_allclose(speed**2, MU_EARTH_M3_S2 * (2 / radius - 1 / coe["a_m"]), rtol=1e-12)
    h = np.linalg.norm(np.cross(r, v), axis=-1)
    np.testing.assert_allclose(h, np.sqrt(MU_EARTH_M3_S2 * coe["a_m"] * (1 - coe["ecc"] ** 2)), rtol=1e-12)


def test_period_and_apsides():
    # ../shared/REFERENCES.md, "The station": mean motion 15.49 rev/day gives
    # a = 6797.8 km and a period of 92.96 min.
    a_m = semi_major_axis_from_mean_motion_m(15.49 * 2 * np.pi / DAY_S)
    assert a_m == pytest.approx(6797.8e3, abs=1e3)
    assert period_s(a_m) / 60 == pytest.approx(92.96, abs=0.01)
    assert period_s(6797.8e3) == pytest.approx(DAY_S / 15.49, abs=1.0)
    rp, ra = perigee_apogee_radius_m(ISS["a_m"], ISS["ecc"])
    assert (rp, ra) == (pytest.approx(6794.4011e3), pytest.approx(6801.1989e3))


PARITY_CASES = [
    pytest.param({**ISS, "nu_rad": 171.01 * DEG}, id="iss"),
    pytest.param({**ISS, "nu_rad": 0.0}, id="iss-at-perigee"),
    pytest.param(dict(a_m=26560e3, ecc=0.01, inc_rad=55 * DEG, raan_rad=0.3, argp_rad=4.0, nu_rad=2.5), id="gps"),
    pytest.param(dict(a_m=26600e3, ecc=0.74, inc_rad=63.4 * DEG, raan_rad=5.0, argp_rad=270 * DEG, nu_rad=3.0), id="molniya"),
    pytest.param(dict(a_m=24396e3, ecc=0.7306, inc_rad=7 * DEG, raan_rad=1.2, argp_rad=0.5, nu_rad=-0.3), id="gto"),
    pytest.param(dict(a_m=7200e3, ecc=0.05, inc_rad=98.7 * DEG, raan_rad=0.0, argp_rad=0.0, nu_rad=1.0), id="sso"),
]


@pytest.mark.physics
@pytest.mark.parametrize("coe", PARITY_CASES)
def test_parity_with_poliastro(coe):
    assert astro.earth_mu_m3_s2() == MU_EARTH_M3_S2
    r_ref, v_ref = astro.classical_to_rv(**coe)
    r, v = classical_to_rv(**coe)
    assert np.abs(r - r_ref).max() < 1e-3  # 1 mm
    assert np.abs(v - v_ref).max() < 1e-3  # 1 mm/s
