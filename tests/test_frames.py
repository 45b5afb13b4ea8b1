"""Frames: geodetic WGS84, GCRS -> ITRS against astropy, TEME, LVLH, offline astropy.

Tests marked physics also run in CI on Python 3.10 with astropy 5.3 and numpy 1.26.
"""

import subprocess
import sys
import textwrap

import erfa
import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import CIRS, GCRS, ITRS, TEME, CartesianRepresentation
from astropy.time import Time, TimeDelta
from astropy.utils import iers

from orbital.earth import frames
from orbital.earth.constants import MU_EARTH_M3_S2, R_EARTH_EQ_M, WGS84_FLATTENING
from orbital.earth.elements import classical_to_rv

# Inside the bundled IERS tables of astropy 5.3 (to 2023-08-31) and of astropy 8.
EPOCH_IN_TABLES = Time("2023-03-01T06:00:00", scale="utc")
DEG = np.pi / 180.0


def _random_geodetic(n, seed=1):
    rng = np.random.default_rng(seed)
    lat = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))
    lat[:4] = [90.0, -90.0, 0.0, 89.999999]
    return lat, rng.uniform(-180.0, 180.0, n), rng.uniform(-10e3, 2000e3, n)


# --- geodetic -------------------------------------------------------------------------


@pytest.mark.physics
def test_geodetic_known_points():
    np.testing.assert_allclose(frames.geodetic_to_itrs(0.0, 0.0, 0.0), [6378137.0, 0.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(frames.geodetic_to_itrs(90.0, 0.0, 0.0), [0.0, 0.0, 6356752.3142], atol=1e-4)
    np.testing.assert_allclose(frames.geodetic_to_itrs(0.0, 90.0, 1000.0), [0.0, 6379137.0, 0.0], atol=1e-9)
    lat, lon, alt = frames.itrs_to_geodetic([0.0, 0.0, -6356752.3142])
    assert (lat, alt) == (pytest.approx(-90.0), pytest.approx(0.0, abs=1e-3))
    lat, lon, alt = frames.itrs_to_geodetic([6378137.0 + 400e3, 0.0, 0.0])
    assert (lat, lon, alt) == (0.0, 0.0, pytest.approx(400e3, abs=1e-9))


def test_longitude_range_is_half_open():
    _, lon, _ = frames.itrs_to_geodetic([[-7e6, -0.0, 0.0], [-7e6, 0.0, 0.0], [-7e6, -1e-3, 0.0]])
    assert lon[0] == lon[1] == 180.0
    assert -180.0 < lon[2] < -179.99


def test_geodetic_round_trip_sub_mm():
    lat, lon, alt = _random_geodetic(20000)
    r = frames.geodetic_to_itrs(lat, lon, alt)
    assert r.shape == (20000, 3)
    lat2, lon2, alt2 = frames.itrs_to_geodetic(r)
    # Spec: 1 mm. Bowring's two steps actually reach float64 noise (~1e-8 m).
    assert np.abs(frames.geodetic_to_itrs(lat2, lon2, alt2) - r).max() < 1e-6
    assert np.abs(alt2 - alt).max() < 1e-6
    assert np.abs(lat2 - lat).max() < 1e-11  # 1e-11 deg is about 1 um
    off_pole = np.abs(lat) < 89.9
    assert np.abs(lon2 - lon)[off_pole].max() < 1e-8


def test_geodetic_matches_erfa():
    # erfa.gc2gde (Fukushima's method) is an independent reference; it is itself
    # good to ~0.02 mm at 2000 km altitude.
    lat, lon, alt = _random_geodetic(5000, seed=2)
    r = frames.geodetic_to_itrs(lat, lon, alt)
    _, phi, height = erfa.gc2gde(R_EARTH_EQ_M, WGS84_FLATTENING, r)
    lat2, lon2, alt2 = frames.itrs_to_geodetic(r)
    assert np.abs(alt2 - height).max() < 1e-3
    assert np.abs(np.radians(lat2) - phi).max() * 7e6 < 1e-3


def test_geodetic_broadcasts():
    r = frames.geodetic_to_itrs(np.zeros((2, 5)), np.linspace(-90, 90, 5), 400e3)
    assert r.shape == (2, 5, 3)
    assert all(x.shape == (2, 5) for x in frames.itrs_to_geodetic(r))


# --- GCRS -> ITRS -----------------------------------------------------------------------


@pytest.mark.physics
def test_gcrs_to_itrs_matches_astropy_high_level():
    t_s = np.linspace(0.0, 86400.0, 7)
    r = np.array(
        [[7e6, 1e6, 2e6], [-3e6, 5e6, -4e6], [1e5, -6.6e6, 1e6], [0, 0, 6.7e6], [6.4e6, 0, 0], [4e6] * 3, [-1e7, 2e7, 3e6]]
    )
    times = EPOCH_IN_TABLES + TimeDelta(t_s, format="sec")
    reference = GCRS(CartesianRepresentation(r.T * u.m), obstime=times).transform_to(ITRS(obstime=times))
    mine = frames.gcrs_to_itrs(EPOCH_IN_TABLES, t_s, r)
    assert np.abs(mine - reference.cartesian.xyz.to_value(u.m).T).max() < 0.01  # 1 cm (spec: 1 m)


@pytest.mark.physics
def test_gcrs_to_cirs_matches_astropy_high_level():
    t_s = np.array([0.0, 3e5, 4e6])
    r = np.array([[7e6, 1e6, 2e6], [-3e6, 5e6, -4e6], [1e5, -6.6e6, 1e6]])
    times = EPOCH_IN_TABLES + TimeDelta(t_s, format="sec")
    reference = GCRS(CartesianRepresentation(r.T * u.m), obstime=times).transform_to(CIRS(obstime=times))
    mine = frames.gcrs_to_cirs_matrices(EPOCH_IN_TABLES, t_s) @ r[..., None]
    assert np.abs(mine[..., 0] - reference.cartesian.xyz.to_value(u.m).T).max() < 0.01


@pytest.mark.physics
def test_interpolated_precession_nutation_matches_exact_erfa():
    t_s = np.linspace(0.0, 86400.0, 5000)  # interpolated path: 25 nodes < 5000 samples
    times = EPOCH_IN_TABLES + TimeDelta(t_s, format="sec")
    xp, yp = iers.earth_orientation_table.get().pm_xy(times)
    exact = erfa.c2t06a(times.tt.jd1, times.tt.jd2, times.ut1.jd1, times.ut1.jd2, xp.to_value(u.rad), yp.to_value(u.rad))
    error = (frames.gcrs_to_itrs_matrices(EPOCH_IN_TABLES, t_s) - exact) @ np.array([7e6, 0.0, 0.0])
    assert np.abs(error).max() < 1e-3  # 1 mm at 7000 km


@pytest.mark.physics
def test_inertially_fixed_point_regresses_at_sidereal_rate():
    t_s = np.linspace(0.0, 86400.0, 1441)
    r = np.tile([7e6, 2e6, 1e6], (t_s.size, 1))
    _, lon, _ = frames.gcrs_to_geodetic(EPOCH_IN_TABLES, t_s, r)
    turned_deg = np.degrees(np.unwrap(np.radians(lon)))
    assert turned_deg[0] - turned_deg[-1] == pytest.approx(360.9856, abs=0.01)


@pytest.mark.physics
def test_gcrs_to_geodetic_iss_ground_track():
    t_s = np.arange(0.0, 5600.0, 10.0)
    nu = np.sqrt(MU_EARTH_M3_S2 / 6797.8e3**3) * t_s
    r, _ = classical_to_rv(6797.8e3, 0.0, 51.64 * DEG, 0.4, 0.0, nu)
    lat, lon, alt = frames.gcrs_to_geodetic(EPOCH_IN_TABLES, t_s, r)
    # Geodetic latitude peaks ~0.2 deg above the geocentric inclination; precession
    # since J2000 tilts the pole by ~0.1 deg.
    assert 51.4 < np.abs(lat).max() < 52.1
    assert np.all((alt > 415e3) & (alt < 435e3))
    assert np.all((lon > -180.0) & (lon <= 180.0))


# --- TEME --------------------------------------------------------------------------------


@pytest.mark.physics
def test_teme_to_gcrs_is_consistent_with_astropy_teme_to_itrs():
    r_teme = np.array([[524557.1, -5815149.6, 3477485.4], [-4e6, 3e6, 4e6]])
    v_teme = np.array([[5740.69, -2218.07, -4559.59], [1e3, 7e3, -2e3]])
    r, v = frames.teme_to_gcrs(EPOCH_IN_TABLES, r_teme, v_teme)
    assert r.shape == v.shape == (2, 3)
    np.testing.assert_allclose(np.linalg.norm(r, axis=-1), np.linalg.norm(r_teme, axis=-1), rtol=0, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(v, axis=-1), np.linalg.norm(v_teme, axis=-1), rtol=0, atol=1e-3)
    itrs = TEME(CartesianRepresentation(r_teme.T * u.m), obstime=EPOCH_IN_TABLES).transform_to(
        ITRS(obstime=EPOCH_IN_TABLES)
    )
    via_gcrs = frames.gcrs_to_itrs(EPOCH_IN_TABLES, np.zeros(2), r)
    # pyerfa's IAU 1976/1980 TEME matrix against astropy's route through ITRS: 2 m
    # at 7000 km (the two theories differ by tens of milliarcseconds).
    assert np.abs(via_gcrs - itrs.cartesian.xyz.to_value(u.m).T).max() < 2.0


# --- LVLH --------------------------------------------------------------------------------


def _kepler_state(t_s, a_m, ecc, inc, raan, argp, m0):
    """Two-body state at t_s from the mean anomaly m0 at t = 0 (Newton on Kepler's equation)."""
    mean = m0 + np.sqrt(MU_EARTH_M3_S2 / a_m**3) * np.asarray(t_s)
    ecc_anom = mean.copy()
    for _ in range(30):
        ecc_anom -= (ecc_anom - ecc * np.sin(ecc_anom) - mean) / (1.0 - ecc * np.cos(ecc_anom))
    nu = 2.0 * np.arctan2(np.sqrt(1 + ecc) * np.sin(ecc_anom / 2), np.sqrt(1 - ecc) * np.cos(ecc_anom / 2))
    return classical_to_rv(a_m, ecc, inc, raan, argp, nu)


def test_lvlh_basis_axes():
    r, v = classical_to_rv(6797.8e3, 0.0, 0.9, 0.3, 0.0, np.linspace(0, 6, 5))
    basis = frames.lvlh_basis(r, v)
    assert basis.shape == (5, 3, 3)
    np.testing.assert_allclose(basis @ np.swapaxes(basis, -1, -2), np.broadcast_to(np.eye(3), (5, 3, 3)), atol=1e-15)
    np.testing.assert_allclose(np.linalg.det(basis), 1.0)
    np.testing.assert_allclose(basis[:, 0], r / np.linalg.norm(r, axis=-1, keepdims=True), atol=1e-15)
    np.testing.assert_allclose(basis[:, 1], v / np.linalg.norm(v, axis=-1, keepdims=True), atol=1e-15)  # circular
    np.testing.assert_allclose(basis @ v[..., None], (np.linalg.norm(v, axis=-1)[:, None] * [0, 1, 0])[..., None], atol=1e-9)


def test_lvlh_round_trip():
    rng = np.random.default_rng(5)
    r_t, v_t = _kepler_state(rng.uniform(0, 6000, 100), 7000e3, 0.05, 0.9, 0.2, 1.0, 0.0)
    r_c, v_c = r_t + rng.normal(0, 1e3, (100, 3)), v_t + rng.normal(0, 1.0, (100, 3))
    rel_r, rel_v = frames.inertial_to_lvlh(r_t, v_t, r_c, v_c)
    np.testing.assert_allclose(np.linalg.norm(rel_r, axis=-1), np.linalg.norm(r_c - r_t, axis=-1), rtol=1e-12)
    r_back, v_back = frames.lvlh_to_inertial(r_t, v_t, rel_r, rel_v)
    assert np.abs(r_back - r_c).max() < 1e-8
    assert np.abs(v_back - v_c).max() < 1e-11


def test_along_track_neighbour_on_circular_orbit_is_at_rest_on_y():
    a_m = 6797.8e3
    arc_m = 100.0
    r_t, v_t = classical_to_rv(a_m, 0.0, 51.64 * DEG, 0.3, 0.0, 1.0)
    r_c, v_c = classical_to_rv(a_m, 0.0, 51.64 * DEG, 0.3, 0.0, 1.0 + arc_m / a_m)
    rel_r, rel_v = frames.inertial_to_lvlh(r_t, v_t, r_c, v_c)
    assert rel_r[1] == pytest.approx(arc_m, abs=1e-3)
    assert abs(rel_r[0]) < 1e-3  # the chord dips by arc^2 / 2a = 0.7 mm
    assert abs(rel_r[2]) < 1e-6
    assert np.abs(rel_v).max() < 1e-6


def test_lvlh_velocity_is_the_rate_of_lvlh_position_on_an_ellipse():
    # The omega x r term: finite differences of LVLH positions along true two-body
    # trajectories must equal the LVLH velocity, even on an eccentric target orbit.
    t_s = np.array([1000.0 - 0.5, 1000.0, 1000.0 + 0.5])
    r_t, v_t = _kepler_state(t_s, 7500e3, 0.1, 0.9, 0.2, 1.0, 0.3)
    r_c, v_c = _kepler_state(t_s, 7502e3, 0.1003, 0.9002, 0.2, 1.0001, 0.3002)
    rel_r, rel_v = frames.inertial_to_lvlh(r_t, v_t, r_c, v_c)
    assert np.linalg.norm(rel_r[1]) > 1e3
    np.testing.assert_allclose((rel_r[2] - rel_r[0]) / 1.0, rel_v[1], rtol=0, atol=1e-4)


# --- offline astropy ---------------------------------------------------------------------


def test_configure_offline_astropy_is_idempotent():
    from astropy.utils import data

    frames.configure_offline_astropy()
    frames.configure_offline_astropy()
    assert (iers.conf.auto_download, iers.conf.auto_max_age, data.conf.allow_internet) == (False, None, False)
    assert iers.conf.iers_degraded_accuracy == "ignore"


OFFLINE_SCRIPT = textwrap.dedent(
    """
    import logging, socket, warnings

    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network blocked by the test")

    socket.socket.connect = socket.socket.connect_ex = socket.getaddrinfo = refuse
    socket.create_connection = refuse

    import numpy as np
    from astropy.time import Time
    from orbital.earth import frames

    logged = []
    handler = logging.Handler()
    handler.emit = lambda record: logged.append(record.getMessage())
    logging.getLogger("orbital.earth.frames").addHandler(handler)

    r = np.array([[7e6, 1e6, 2e6], [-3e6, 5e6, -4e6]])
    for date in ("2026-11-25", "2031-06-01"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # erfa: Time("2031...") is a 'dubious year'
            epoch = Time(date, scale="utc")
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # our conversions must stay quiet
            itrs = frames.gcrs_to_itrs(epoch, np.array([0.0, 600.0]), r)
            lat, lon, alt = frames.gcrs_to_geodetic(epoch, np.array([0.0, 600.0]), r)
            r_gcrs, v_gcrs = frames.teme_to_gcrs(epoch, r, np.ones_like(r))
        assert np.allclose(np.linalg.norm(itrs, axis=-1), np.linalg.norm(r, axis=-1))
        assert np.allclose(np.linalg.norm(r_gcrs, axis=-1), np.linalg.norm(r, axis=-1))
        print(date, "ok")
    assert not attempts, attempts
    assert any("outside the bundled IERS table" in message for message in logged), logged
    print("logged:", logged)
    """
)


@pytest.mark.physics
def test_offline_conversions_in_future_never_touch_the_network():
    done = subprocess.run([sys.executable, "-c", OFFLINE_SCRIPT], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "2026-11-25 ok" in done.stdout and "2031-06-01 ok" in done.stdout
