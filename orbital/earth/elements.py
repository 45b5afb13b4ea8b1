"""Classical (Keplerian) orbital elements <-> inertial state vectors, vectorised.

Everything is SI: metres, m/s, seconds, radians. Inputs broadcast like numpy
arrays; a state vector has its 3 components on the last axis.

Conventions of ``rv_to_classical`` for the degenerate cases:

* Equatorial orbit (sin i < ``EQUATORIAL_TOL``): the ascending node is undefined;
  ``raan_rad = 0`` and the node line is taken along +x, so ``arglat_rad`` is the
  true longitude measured from +x in the direction of motion.
* Circular orbit (ecc < ``CIRCULAR_TOL``): the periapsis is undefined;
  ``argp_rad = 0`` and ``nu_rad = arglat_rad``.

Both together give ``raan = argp = 0`` and ``nu`` = the true longitude.
"""

from typing import NamedTuple

import numpy as np

from .constants import J2_EARTH, MU_EARTH_M3_S2, R_EARTH_EQ_M

#: Below this eccentricity an orbit is treated as circular (argp = 0).
CIRCULAR_TOL = 1e-10
#: Below this sin(inclination) an orbit is treated as equatorial (raan = 0).
EQUATORIAL_TOL = 1e-10

_TWO_PI = 2.0 * np.pi


class ClassicalElements(NamedTuple):
    """Osculating classical elements; each field an array of shape (...)."""

    a_m: np.ndarray  #: semi-major axis, m (negative for hyperbolic orbits)
    ecc: np.ndarray  #: eccentricity
    inc_rad: np.ndarray  #: inclination, [0, pi]
    raan_rad: np.ndarray  #: right ascension of the ascending node, [0, 2pi)
    argp_rad: np.ndarray  #: argument of periapsis, [0, 2pi)
    nu_rad: np.ndarray  #: true anomaly, [0, 2pi)
    arglat_rad: np.ndarray  #: argument of latitude argp + nu, [0, 2pi)


def classical_to_rv(a_m, ecc, inc_rad, raan_rad, argp_rad, nu_rad, mu_m3_s2=MU_EARTH_M3_S2):
    """Classical elements to inertial ``(r_m, v_m_s)``, each of shape (..., 3).

    Works for ellipses (a > 0, e < 1) and hyperbolas (a < 0, e > 1).
    """
    a, e, i, raan, argp, nu = np.broadcast_arrays(
        *(np.asarray(x, dtype=float) for x in (a_m, ecc, inc_rad, raan_rad, argp_rad, nu_rad))
    )
    p = a * (1.0 - e * e)
    radius = p / (1.0 + e * np.cos(nu))
    speed_scale = np.sqrt(mu_m3_s2 / p)
    # Unit vectors towards periapsis (P) and 90 deg ahead of it in the plane (Q).
    cos_o, sin_o = np.cos(raan), np.sin(raan)
    cos_w, sin_w = np.cos(argp), np.sin(argp)
    cos_i, sin_i = np.cos(i), np.sin(i)
    p_hat = np.stack(
        [cos_o * cos_w - sin_o * sin_w * cos_i, sin_o * cos_w + cos_o * sin_w * cos_i, sin_w * sin_i],
        axis=-1,
    )
    q_hat = np.stack(
        [-cos_o * sin_w - sin_o * cos_w * cos_i, -sin_o * sin_w + cos_o * cos_w * cos_i, cos_w * sin_i],
        axis=-1,
    )
    cos_nu, sin_nu = np.cos(nu)[..., None], np.sin(nu)[..., None]
    r = radius[..., None] * (cos_nu * p_hat + sin_nu * q_hat)
    v = speed_scale[..., None] * (-sin_nu * p_hat + (e[..., None] + cos_nu) * q_hat)
    return r, v


def rv_to_classical(r_m, v_m_s, mu_m3_s2=MU_EARTH_M3_S2):
    """Inertial state(s) of shape (..., 3) to ``ClassicalElements`` of shape (...).

    See the module docstring for circular and equatorial orbits.
    """
    r, v = np.broadcast_arrays(np.asarray(r_m, dtype=float), np.asarray(v_m_s, dtype=float))
    radius = np.linalg.norm(r, axis=-1)
    h = np.cross(r, v)
    h_norm = np.linalg.norm(h, axis=-1)
    h_hat = h / h_norm[..., None]
    e_vec = (
        (np.sum(v * v, axis=-1) - mu_m3_s2 / radius)[..., None] * r - np.sum(r * v, axis=-1)[..., None] * v
    ) / mu_m3_s2
    ecc = np.linalg.norm(e_vec, axis=-1)
    a = 1.0 / (2.0 / radius - np.sum(v * v, axis=-1) / mu_m3_s2)

    node = np.stack([-h[..., 1], h[..., 0], np.zeros_like(radius)], axis=-1)  # z x h
    node_norm = np.linalg.norm(node, axis=-1)
    inc = np.arctan2(node_norm, h[..., 2])
    equatorial = node_norm < EQUATORIAL_TOL * h_norm
    node_hat = np.where(
        equatorial[..., None], [1.0, 0.0, 0.0], node / np.where(equatorial, 1.0, node_norm)[..., None]
    )
    in_plane_normal = np.cross(h_hat, node_hat)  # 90 deg past the node, in the direction of motion

    raan = np.where(equatorial, 0.0, np.arctan2(node[..., 1], node[..., 0]))
    arglat = np.arctan2(np.sum(r * in_plane_normal, axis=-1), np.sum(r * node_hat, axis=-1))
    argp = np.where(
        ecc < CIRCULAR_TOL,
        0.0,
        np.arctan2(np.sum(e_vec * in_plane_normal, axis=-1), np.sum(e_vec * node_hat, axis=-1)),
    )
    return ClassicalElements(
        a_m=a,
        ecc=ecc,
        inc_rad=inc,
        raan_rad=_wrap_two_pi(raan),
        argp_rad=_wrap_two_pi(argp),
        nu_rad=_wrap_two_pi(arglat - argp),
        arglat_rad=_wrap_two_pi(arglat),
    )


def period_s(a_m, mu_m3_s2=MU_EARTH_M3_S2):
    """Orbital period (s) of an ellipse with semi-major axis ``a_m`` (m)."""
    return _TWO_PI * np.sqrt(np.asarray(a_m, dtype=float) ** 3 / mu_m3_s2)


def mean_motion_rad_s(a_m, mu_m3_s2=MU_EARTH_M3_S2):
    """Keplerian mean motion sqrt(mu / a^3) (rad/s) of an orbit with semi-major axis ``a_m`` (m)."""
    return np.sqrt(mu_m3_s2 / np.asarray(a_m, dtype=float) ** 3)


def j2_secular_rates(a_m, ecc, inc_rad):
    """``(raan_dot, argp_dot, mean_anomaly_dot)`` in rad/s: first-order J2 secular theory
    (Brouwer/Kozai) of mean elements ``a_m`` (m), ``ecc``, ``inc_rad``."""
    n = mean_motion_rad_s(a_m)
    eta2 = 1.0 - ecc**2
    k = J2_EARTH * (R_EARTH_EQ_M / (a_m * eta2)) ** 2
    cos_i = np.cos(inc_rad)
    raan_dot = -1.5 * n * k * cos_i
    argp_dot = 0.75 * n * k * (5.0 * cos_i**2 - 1.0)
    mean_anomaly_dot = n * (1.0 + 0.75 * k * np.sqrt(eta2) * (3.0 * cos_i**2 - 1.0))
    return raan_dot, argp_dot, mean_anomaly_dot


def semi_major_axis_from_mean_motion_m(n_rad_s, mu_m3_s2=MU_EARTH_M3_S2):
    """Semi-major axis (m) of a Kepler orbit with mean motion ``n_rad_s`` (rad/s)."""
    return np.cbrt(mu_m3_s2 / np.asarray(n_rad_s, dtype=float) ** 2)


def perigee_apogee_radius_m(a_m, ecc):
    """``(r_perigee_m, r_apogee_m)``: radii (m, from Earth's centre) of an ellipse."""
    a, e = np.asarray(a_m, dtype=float), np.asarray(ecc, dtype=float)
    return a * (1.0 - e), a * (1.0 + e)


def true_to_mean_anomaly(nu_rad, ecc):
    """Mean anomaly (rad) of the true anomaly ``nu_rad`` (rad) on an ellipse of eccentricity ``ecc``."""
    nu, e = np.asarray(nu_rad, dtype=float), np.asarray(ecc, dtype=float)
    ecc_anomaly = 2.0 * np.arctan2(np.sqrt(1.0 - e) * np.sin(0.5 * nu), np.sqrt(1.0 + e) * np.cos(0.5 * nu))
    return ecc_anomaly - e * np.sin(ecc_anomaly)


#: Newton steps on Kepler's equation in :func:`mean_to_true_anomaly` (from E = M, or E = pi
#: for e >= 0.8, Newton converges for every e < 1; tested to 1e-12 rad up to e = 0.999).
KEPLER_NEWTON_STEPS = 30


def mean_to_true_anomaly(mean_anomaly_rad, ecc):
    """True anomaly (rad) of the mean anomaly ``mean_anomaly_rad`` (rad) on an ellipse of eccentricity ``ecc``."""
    m, e = np.broadcast_arrays(np.asarray(mean_anomaly_rad, dtype=float), np.asarray(ecc, dtype=float))
    m = np.mod(m + np.pi, _TWO_PI) - np.pi  # in [-pi, pi): Newton from pi converges for any e
    ecc_anomaly = np.where(e < 0.8, m, np.pi * np.sign(m + (m == 0)))
    for _ in range(KEPLER_NEWTON_STEPS):
        ecc_anomaly = ecc_anomaly - (ecc_anomaly - e * np.sin(ecc_anomaly) - m) / (1.0 - e * np.cos(ecc_anomaly))
    return 2.0 * np.arctan2(np.sqrt(1.0 + e) * np.sin(0.5 * ecc_anomaly), np.sqrt(1.0 - e) * np.cos(0.5 * ecc_anomaly))


def _wrap_two_pi(angle_rad):
    """Angles into [0, 2pi); np.mod alone can return 2pi for tiny negative input."""
    wrapped = np.mod(angle_rad, _TWO_PI)
    return np.where(wrapped >= _TWO_PI, 0.0, wrapped)
