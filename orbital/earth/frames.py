"""Reference frames: ``gcrs`` (inertial), ``itrs`` (Earth-fixed), geodetic WGS84, LVLH.

SI inside (m, m/s, s); geodetic angles leave in degrees (``lat_deg``, ``lon_deg``).
Earth orientation comes from astropy's bundled IERS tables only (parsed once and
cached, :mod:`orbital.earth.orientation`): importing this
module calls ``configure_offline_astropy()``, so astropy never reaches for the
network. Past the end of those tables (about a year after the astropy data
release) UT1-UTC and polar motion are held at their last values; that is logged
once (logger ``orbital.earth.frames``) and moves Earth-fixed positions by some tens of
metres per year past the table (UT1-UTC drifts by about 0.1 s a year).

LVLH: x radial (away from Earth), y along-track (z cross x), z orbit normal (r x v).
"""

import contextlib
import functools
import logging
import warnings

import erfa
import numpy as np
from astropy import units as u
from astropy.time import Time, TimeDelta
from astropy.utils import data as astropy_data
from astropy.utils import iers
from astropy.utils.exceptions import AstropyWarning

from .constants import DAY_S, R_EARTH_EQ_M, WGS84_FLATTENING
from .orientation import earth_orientation_table

log = logging.getLogger(__name__)

#: Spacing (s) of the samples of the slow precession-nutation matrix, which is
#: interpolated linearly in between: < 0.3 mm error at 7000 km radius.
PRECESSION_NUTATION_STEP_S = 3600.0

_B_M = R_EARTH_EQ_M * (1.0 - WGS84_FLATTENING)  # polar radius
_E2 = WGS84_FLATTENING * (2.0 - WGS84_FLATTENING)  # first eccentricity squared
_EP2 = _E2 / (1.0 - _E2)  # second eccentricity squared
_GEODETIC_ITERATIONS = 2  # Bowring: 2 steps reach 1e-8 m from -10 to 2000 km altitude


def configure_offline_astropy():
    """Keep astropy on its bundled IERS and leap-second tables; idempotent.

    No download is ever attempted, and dates past the tables convert with
    degraded accuracy instead of raising.
    """
    astropy_data.conf.allow_internet = False
    iers.conf.auto_download = False
    iers.conf.auto_max_age = None  # bundled predictions are never "too old"
    iers.conf.iers_degraded_accuracy = "ignore"  # we log it ourselves


configure_offline_astropy()


@contextlib.contextmanager
def quiet_time_scales():
    """Silence the per-call warnings astropy/erfa give for dates outside their tables (the
    scenario's epoch is bounded, :data:`orbital.schema.EPOCH_MIN_UTC`; past the tables issim
    holds their last values and logs that once)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*dubious year", category=erfa.ErfaWarning)
        warnings.filterwarnings("ignore", message="Tried to get polar motions", category=AstropyWarning)
        yield


@functools.lru_cache(maxsize=None)
def _log_outside_iers_table(first_entry_iso, last_entry_iso):
    log.warning(
        "times outside the bundled IERS table (%s to %s): UT1-UTC and polar motion "
        "are held at their nearest values (Earth-fixed positions off by up to hundreds of m per year)",
        first_entry_iso,
        last_entry_iso,
    )


def _earth_orientation(times):
    """UT1 as (jd1, jd2) and polar motion (xp, yp) in rad at UTC ``times``."""
    table = earth_orientation_table()
    dut1_s, ut1_status = table.ut1_utc(times, return_status=True)
    xp, yp, pm_status = table.pm_xy(times, return_status=True)
    outside = (iers.TIME_BEFORE_IERS_RANGE, iers.TIME_BEYOND_IERS_RANGE)
    if np.any(np.isin(ut1_status, outside) | np.isin(pm_status, outside)):
        _log_outside_iers_table(Time(table["MJD"][0], format="mjd").iso[:10], Time(table["MJD"][-1], format="mjd").iso[:10])
    ut1_jd1, ut1_jd2 = erfa.utcut1(times.jd1, times.jd2, dut1_s.to_value(u.s))
    return ut1_jd1, ut1_jd2, xp.to_value(u.rad), yp.to_value(u.rad)


def _precession_nutation(tt, t_s, epoch_tt=None):
    """GCRS->CIRS matrices (IAU 2006/2000A) at TT ``tt`` = epoch + ``t_s``.

    Sampled every PRECESSION_NUTATION_STEP_S and interpolated when that is cheaper. Given the
    epoch in TT (``epoch_tt``), always interpolated between nodes at whole steps from it, so
    that a time's matrix does not depend on the other times of the call.
    """
    if epoch_tt is not None:
        step = PRECESSION_NUTATION_STEP_S
        nodes_s = np.arange(np.floor(t_s.min() / step), np.floor(t_s.max() / step) + 2) * step
        at_nodes = erfa.c2i06a(epoch_tt.jd1, epoch_tt.jd2 + nodes_s / DAY_S).reshape(nodes_s.size, 9)
        return np.stack([np.interp(t_s, nodes_s, at_nodes[:, k]) for k in range(9)], axis=-1).reshape(t_s.shape + (3, 3))
    n_nodes = int(np.ceil(np.ptp(t_s) / PRECESSION_NUTATION_STEP_S)) + 1
    if n_nodes >= t_s.size:
        return erfa.c2i06a(tt.jd1, tt.jd2)
    nodes_s = np.linspace(t_s.min(), t_s.max(), n_nodes)
    at_nodes = erfa.c2i06a(tt.jd1[0], tt.jd2[0] + (nodes_s - t_s[0]) / DAY_S).reshape(n_nodes, 9)
    columns = [np.interp(t_s, nodes_s, at_nodes[:, k]) for k in range(9)]
    return np.stack(columns, axis=-1).reshape(t_s.shape + (3, 3))


def _times(epoch, t_s):
    """``(t_s, utc, tt)``: seconds as a 1-d array and the Times epoch + t_s."""
    t_s = np.atleast_1d(np.asarray(t_s, dtype=float))
    with quiet_time_scales():
        utc = (epoch + TimeDelta(t_s, format="sec")).utc
        return t_s, utc, utc.tt


def gcrs_to_cirs_matrices(epoch, t_s):
    """Rotation matrices (N, 3, 3) from GCRS to CIRS at ``epoch`` + ``t_s`` (s).

    CIRS has the true equator of date (CIO origin): inclinations measured there are
    the published ones; GCRS keeps the J2000 equator, ~0.13 deg away in 2024.
    """
    t_s, _, tt = _times(epoch, t_s)
    return _precession_nutation(tt, t_s)


def gcrs_to_itrs_matrices(epoch, t_s, each_alone=False):
    """Rotation matrices (N, 3, 3) taking GCRS vectors to ITRS at ``epoch`` + ``t_s`` (s).

    IAU 2006/2000A precession-nutation, Earth rotation angle from UT1 and polar
    motion, the CIO-based chain astropy itself uses for GCRS -> CIRS -> ITRS.
    ``each_alone``: the precession-nutation interpolated between nodes fixed by the epoch alone,
    so that a time's matrix does not depend on the other times of the call.
    """
    t_s, utc, tt = _times(epoch, t_s)
    with quiet_time_scales():
        ut1_jd1, ut1_jd2, xp, yp = _earth_orientation(utc)
    polar_motion = erfa.pom00(xp, yp, erfa.sp00(tt.jd1, tt.jd2))
    with quiet_time_scales():
        epoch_tt = epoch.tt if each_alone else None
    return erfa.c2tcio(_precession_nutation(tt, t_s, epoch_tt), erfa.era00(ut1_jd1, ut1_jd2), polar_motion)


def gcrs_to_itrs(epoch, t_s, r_m, each_alone=False):
    """GCRS positions ``r_m`` (N, 3) at ``epoch`` (Time) + ``t_s`` (N,) s to ITRS (m)."""
    return np.einsum("...ij,...j->...i", gcrs_to_itrs_matrices(epoch, t_s, each_alone), np.asarray(r_m, dtype=float))


def gcrs_to_geodetic(epoch, t_s, r_m, each_alone=False):
    """GCRS positions (N, 3) in m to WGS84 ``(lat_deg, lon_deg, alt_m)`` (``each_alone``: see
    :func:`gcrs_to_itrs_matrices`)."""
    return itrs_to_geodetic(gcrs_to_itrs(epoch, t_s, r_m, each_alone))


def itrs_to_geodetic(r_m):
    """ITRS position(s) (..., 3) in m to WGS84 ``(lat_deg, lon_deg, alt_m)``.

    Bowring's iteration on the parametric latitude; lon in (-180, 180].
    """
    r = np.asarray(r_m, dtype=float)
    x, y, z = r[..., 0], r[..., 1], r[..., 2]
    p = np.hypot(x, y)
    beta = np.arctan2(z, (1.0 - WGS84_FLATTENING) * p)
    for _ in range(_GEODETIC_ITERATIONS):
        lat = np.arctan2(z + _EP2 * _B_M * np.sin(beta) ** 3, p - _E2 * R_EARTH_EQ_M * np.cos(beta) ** 3)
        beta = np.arctan2((1.0 - WGS84_FLATTENING) * np.sin(lat), np.cos(lat))
    sin_lat = np.sin(lat)
    alt_m = p * np.cos(lat) + z * sin_lat - R_EARTH_EQ_M * np.sqrt(1.0 - _E2 * sin_lat**2)
    lon_deg = np.degrees(np.arctan2(y, x))
    return np.degrees(lat), np.where(lon_deg <= -180.0, lon_deg + 360.0, lon_deg), alt_m


def geodetic_to_itrs(lat_deg, lon_deg, alt_m):
    """WGS84 geodetic coordinates to ITRS position(s) (..., 3) in m."""
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    sin_lat = np.sin(lat)
    n_m = R_EARTH_EQ_M / np.sqrt(1.0 - _E2 * sin_lat**2)  # prime-vertical radius
    horizontal = (n_m + alt_m) * np.cos(lat)
    return np.stack(
        np.broadcast_arrays(horizontal * np.cos(lon), horizontal * np.sin(lon), (n_m * (1.0 - _E2) + alt_m) * sin_lat),
        axis=-1,
    )


def teme_to_gcrs_matrix(time):
    """Rotation matrix (3, 3) taking TEME vectors at ``time`` to GCRS: ``r_gcrs = M @ r_teme``.

    TEME (the frame of TLEs) is the true equator of date with the mean equinox:
    rotate by the equation of the equinoxes to true-of-date, undo IAU 1976
    precession and 1980 nutation, then the frame bias (pyerfa; no Earth
    orientation data needed). Agrees with astropy's TEME -> GCRS to about 1 m at
    7000 km. TEME's z is the true pole, so "TEME of epoch" is the quasi-inertial
    frame in which inclinations mean what is published (51.64 deg for the ISS).
    """
    with quiet_time_scales():
        tt = time.tt
        equation_of_equinoxes = erfa.eqeq94(tt.jd1, tt.jd2)
        precession_nutation = erfa.pnm80(tt.jd1, tt.jd2)
        frame_bias, _, _ = erfa.bp00(tt.jd1, tt.jd2)
    c, s = np.cos(equation_of_equinoxes), np.sin(equation_of_equinoxes)
    teme_to_true_of_date = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
    return frame_bias.T @ precession_nutation.T @ teme_to_true_of_date


def teme_to_gcrs(time, r_m, v_m_s):
    """TEME state(s) (..., 3) at ``time`` (Time) to GCRS ``(r_m, v_m_s)``.

    The frame's own slow precession (~1e-12 rad/s) is neglected in the velocity.
    """
    matrix = teme_to_gcrs_matrix(time)
    return np.asarray(r_m, dtype=float) @ matrix.T, np.asarray(v_m_s, dtype=float) @ matrix.T


def teme_to_gcrs_states(time, states_teme):
    """TEME states (..., 6) (m, m/s) at ``time`` (Time) to GCRS states (..., 6): :func:`teme_to_gcrs`."""
    states_teme = np.asarray(states_teme, dtype=float)
    return np.concatenate(teme_to_gcrs(time, states_teme[..., :3], states_teme[..., 3:]), axis=-1)


def lvlh_basis(r_m, v_m_s):
    """Matrices (..., 3, 3) whose rows are the LVLH x, y, z unit vectors in inertial axes.

    ``basis @ d`` turns an inertial vector d into LVLH components.
    """
    r, v = np.broadcast_arrays(np.asarray(r_m, dtype=float), np.asarray(v_m_s, dtype=float))
    h = np.cross(r, v)
    x = r / np.linalg.norm(r, axis=-1, keepdims=True)
    z = h / np.linalg.norm(h, axis=-1, keepdims=True)
    return np.stack([x, np.cross(z, x), z], axis=-2)


def _lvlh_rate(r, v):
    """Angular velocity (rad/s, inertial axes) of the LVLH frame: h / r^2 along z.

    Exact for two-body motion; out-of-plane forces would add a small x component.
    """
    return np.cross(r, v) / np.sum(r * r, axis=-1, keepdims=True)


def inertial_to_lvlh(r_target, v_target, r_chaser, v_chaser):
    """Chaser's position (m) and velocity (m/s) relative to the target, in its LVLH frame.

    Inertial inputs of shape (..., 3); the velocity is the one seen in the rotating
    frame (inertial difference minus omega x dr).
    """
    r_t, v_t = np.asarray(r_target, dtype=float), np.asarray(v_target, dtype=float)
    basis = lvlh_basis(r_t, v_t)
    dr = np.asarray(r_chaser, dtype=float) - r_t
    dv = np.asarray(v_chaser, dtype=float) - v_t - np.cross(_lvlh_rate(r_t, v_t), dr)
    return np.einsum("...ij,...j->...i", basis, dr), np.einsum("...ij,...j->...i", basis, dv)


def lvlh_to_inertial(r_target, v_target, rel_r_lvlh, rel_v_lvlh):
    """Inverse of ``inertial_to_lvlh``: the chaser's inertial ``(r_m, v_m_s)``."""
    r_t, v_t = np.asarray(r_target, dtype=float), np.asarray(v_target, dtype=float)
    basis = lvlh_basis(r_t, v_t)
    dr = np.einsum("...ji,...j->...i", basis, np.asarray(rel_r_lvlh, dtype=float))
    dv = np.einsum("...ji,...j->...i", basis, np.asarray(rel_v_lvlh, dtype=float))
    return r_t + dr, v_t + dv + np.cross(_lvlh_rate(r_t, v_t), dr)
