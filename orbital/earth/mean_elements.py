"""Mean elements and the mean altitude: what a published "ISS at 420 km" means.

issim's mean elements are Brouwer's, first order in J2, short-period terms only: the
elements averaged over one revolution of the J2 orbit issim flies. The map between them and
the osculating elements (the state at an instant) is Brouwer's (1959) short-period part in
Lyddane's (1963) form, which stays regular at zero eccentricity and inclination; it is written
as in Schaub & Junkins, *Analytical Mechanics of Space Systems*, Appendix F (Brouwer-Lyddane
mean <-> osculating, first order in J2), with the long-period terms left out: they are of
order J2 e (under a metre for the ISS's e = 0.0005) and divide by 1 - 5 cos^2 i, infinite at
the critical inclination (63.4 deg) that a scenario may ask for. The map is exact to first
order in J2: its error is of order a g^2 with g = 3/2 J2 (Re/a)^2 / (1 - e)^3 (J2's relative
swing of a near perigee): about 10 m for a near-circular LEO, hundreds of metres at e = 0.7.

Why not a library: python-sgp4 turns SGP4's mean elements into a state, but its theory adds
J3, J4 and drag and uses its own constants, so its mean orbit is not the one issim's J2 flight
averages to; poliastro (and boinor) have no mean <-> osculating map.

The *mean altitude* of a mean orbit is the time average over one revolution of its height
above the WGS84 ellipsoid: :func:`mean_altitude_m`. For a circular orbit it is the mean
semi-major axis less the ellipsoid's radius averaged under the track (the equatorial radius
less about f Re sin^2 i / 2: 6.6 km at 51.64 deg), plus J2's short-period lift of the average
radius; for an eccentric one it includes the time average a (1 + e^2 / 2) of the radius.

Every function takes the Earth's ``j2`` (default :data:`J2_EARTH`): with 0, for a run without
J2, mean and osculating elements are the same Kepler elements.

SI throughout: m, m/s, rad. Inputs broadcast like numpy arrays.
"""

import functools
from typing import NamedTuple

import numpy as np

from .constants import J2_EARTH, R_EARTH_EQ_M
from .elements import classical_to_rv, mean_to_true_anomaly, rv_to_classical, true_to_mean_anomaly

#: Samples in mean anomaly of one revolution over which :func:`mean_altitude_m` averages:
#: the trapezoid rule on a periodic function; 720 hold the average to a millimetre up to e = 0.9.
ALTITUDE_SAMPLES = 720
#: :func:`mean_semi_major_axis_m` iterates until its step is below this (m).
ALTITUDE_SOLVE_TOL_M = 1.0e-4


class AnomalyElements(NamedTuple):
    """Classical elements with the mean anomaly; each field an array of shape (...)."""

    a_m: np.ndarray  #: semi-major axis, m
    ecc: np.ndarray  #: eccentricity
    inc_rad: np.ndarray  #: inclination
    raan_rad: np.ndarray  #: right ascension of the ascending node
    argp_rad: np.ndarray  #: argument of perigee
    mean_anomaly_rad: np.ndarray  #: mean anomaly


def _brouwer_short_period(elements, sign, j2):
    """Brouwer-Lyddane first-order J2 short-period map: mean -> osculating (``sign`` +1) or,
    to first order, osculating -> mean (``sign`` -1, the osculating elements given)."""
    a, e, i, raan, argp, mean_anomaly = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in elements))
    eta = np.sqrt(1.0 - e * e)
    gamma2 = sign * 0.5 * j2 * (R_EARTH_EQ_M / a) ** 2
    gamma2p = gamma2 / eta**4
    theta = np.cos(i)
    theta2 = theta * theta
    sin2_i = 1.0 - theta2
    f = mean_to_true_anomaly(mean_anomaly, e)
    cos_f = np.cos(f)
    a_r = (1.0 + e * cos_f) / eta**2  # a / r
    # the equation of the centre f - M (wrapped: f and M may sit on either side of 2 pi), plus e sin f
    center = np.mod(f - mean_anomaly + np.pi, 2.0 * np.pi) - np.pi + e * np.sin(f)
    two_w = 2.0 * argp
    cos_2wf, cos_2w2f, cos_2w3f = np.cos(two_w + f), np.cos(two_w + 2.0 * f), np.cos(two_w + 3.0 * f)
    sin_2wf, sin_2w2f, sin_2w3f = np.sin(two_w + f), np.sin(two_w + 2.0 * f), np.sin(two_w + 3.0 * f)
    cos_terms = e + 3.0 * cos_f + 3.0 * e * cos_f**2 + e * e * cos_f**3

    a_osc = a + a * gamma2 * ((3.0 * theta2 - 1.0) * (a_r**3 - 1.0 / eta**3) + 3.0 * sin2_i * a_r**3 * cos_2w2f)
    d_e = 0.5 * eta**2 * (
        gamma2 / eta**6 * (
            (3.0 * theta2 - 1.0) * (e * eta + e / (1.0 + eta) + cos_terms - e)
            + 3.0 * sin2_i * cos_terms * cos_2w2f
        )
        - gamma2p * sin2_i * (3.0 * cos_2wf + cos_2w3f)
    )
    d_i = 0.5 * gamma2p * theta * np.sqrt(sin2_i) * (3.0 * cos_2w2f + 3.0 * e * cos_2wf + e * cos_2w3f)
    sin_sum = 3.0 * sin_2w2f + 3.0 * e * sin_2wf + e * sin_2w3f
    d_raan = -0.5 * gamma2p * theta * (6.0 * center - sin_sum)
    d_longitude = 0.25 * gamma2p * (-6.0 * (1.0 - 5.0 * theta2) * center + (3.0 - 5.0 * theta2) * sin_sum) + d_raan
    a_r2_eta2 = a_r**2 * eta**2
    e_d_mean_anomaly = -0.25 * gamma2p * eta**3 * (
        2.0 * (3.0 * theta2 - 1.0) * (a_r2_eta2 + a_r + 1.0) * np.sin(f)
        + 3.0 * sin2_i * ((1.0 - a_r2_eta2 - a_r) * sin_2wf + (a_r2_eta2 + a_r + 1.0 / 3.0) * sin_2w3f)
    )

    # Lyddane: eccentricity and mean anomaly through (e cos M, e sin M), node and inclination
    # through sin(i/2) (cos, sin) of the node, so that e = 0 and i = 0 stay regular.
    cos_m, sin_m = np.cos(mean_anomaly), np.sin(mean_anomaly)
    d1 = (e + d_e) * sin_m + e_d_mean_anomaly * cos_m
    d2 = (e + d_e) * cos_m - e_d_mean_anomaly * sin_m
    half_i_sin = np.sin(0.5 * i) + 0.5 * np.cos(0.5 * i) * d_i
    sin_half_i = np.sin(0.5 * i)
    d3 = half_i_sin * np.sin(raan) + sin_half_i * d_raan * np.cos(raan)
    d4 = half_i_sin * np.cos(raan) - sin_half_i * d_raan * np.sin(raan)
    mean_anomaly_osc = np.arctan2(d1, d2)
    raan_osc = np.arctan2(d3, d4)
    argp_osc = mean_anomaly + argp + raan + d_longitude - mean_anomaly_osc - raan_osc
    return AnomalyElements(
        a_m=a_osc,
        ecc=np.hypot(d1, d2),
        inc_rad=2.0 * np.arcsin(np.minimum(np.hypot(d3, d4), 1.0)),
        raan_rad=np.mod(raan_osc, 2.0 * np.pi),
        argp_rad=np.mod(argp_osc, 2.0 * np.pi),
        mean_anomaly_rad=np.mod(mean_anomaly_osc, 2.0 * np.pi),
    )


def mean_to_osculating(a_m, ecc, inc_rad, raan_rad, argp_rad, mean_anomaly_rad, j2=J2_EARTH) -> AnomalyElements:
    """Osculating elements of the mean elements given (first-order J2, see the module)."""
    return _brouwer_short_period((a_m, ecc, inc_rad, raan_rad, argp_rad, mean_anomaly_rad), 1.0, j2)


def osculating_to_mean(a_m, ecc, inc_rad, raan_rad, argp_rad, mean_anomaly_rad, j2=J2_EARTH) -> AnomalyElements:
    """Mean elements of the osculating elements given (first-order J2: the inverse map to O(J2^2))."""
    return _brouwer_short_period((a_m, ecc, inc_rad, raan_rad, argp_rad, mean_anomaly_rad), -1.0, j2)


def mean_elements_to_rv(a_m, ecc, inc_rad, raan_rad, argp_rad, nu_rad, j2=J2_EARTH) -> tuple[np.ndarray, np.ndarray]:
    """Inertial ``(r_m, v_m_s)`` (..., 3) of the mean elements given (``nu_rad``: mean true anomaly)."""
    osc = mean_to_osculating(a_m, ecc, inc_rad, raan_rad, argp_rad, true_to_mean_anomaly(nu_rad, ecc), j2)
    nu_osc = mean_to_true_anomaly(osc.mean_anomaly_rad, osc.ecc)
    return classical_to_rv(osc.a_m, osc.ecc, osc.inc_rad, osc.raan_rad, osc.argp_rad, nu_osc)


def rv_to_mean_elements(r_m, v_m_s, j2=J2_EARTH) -> AnomalyElements:
    """Mean elements of inertial state(s) (..., 3) (first-order J2)."""
    osc = rv_to_classical(r_m, v_m_s)
    mean_anomaly = true_to_mean_anomaly(osc.nu_rad, osc.ecc)
    return osculating_to_mean(osc.a_m, osc.ecc, osc.inc_rad, osc.raan_rad, osc.argp_rad, mean_anomaly, j2)


def mean_altitude_m(a_m: float, ecc: float, inc_rad: float, argp_rad: float, j2: float = J2_EARTH) -> float:
    """Mean altitude (m): the height above the WGS84 ellipsoid averaged over one revolution, in
    time, of the orbit with these mean elements (scalars; the node does not matter)."""
    from .frames import itrs_to_geodetic

    mean_anomaly = np.linspace(0.0, 2.0 * np.pi, ALTITUDE_SAMPLES, endpoint=False)
    osc = mean_to_osculating(a_m, ecc, inc_rad, 0.0, argp_rad, mean_anomaly, j2)
    nu = mean_to_true_anomaly(osc.mean_anomaly_rad, osc.ecc)
    r_m, _ = classical_to_rv(osc.a_m, osc.ecc, osc.inc_rad, osc.raan_rad, osc.argp_rad, nu)
    return float(np.mean(itrs_to_geodetic(r_m)[2]))  # z is the Earth's axis: the height needs no rotation about it


@functools.lru_cache(maxsize=256)  # a scenario's checks and its run ask for the same orbit several times
def mean_semi_major_axis_m(altitude_m: float, ecc: float, inc_rad: float, argp_rad: float, j2: float = J2_EARTH) -> float:
    """Mean semi-major axis (m) of the orbit whose :func:`mean_altitude_m` is ``altitude_m`` (m) (scalars)."""
    slope = 1.0 + 0.5 * ecc * ecc  # d(mean altitude)/da of a Kepler ellipse: r averages a (1 + e^2 / 2)
    a_m = R_EARTH_EQ_M + altitude_m
    for _ in range(50):
        step = (altitude_m - mean_altitude_m(a_m, ecc, inc_rad, argp_rad, j2)) / slope
        a_m += step
        if abs(step) < ALTITUDE_SOLVE_TOL_M:
            return a_m
    raise ArithmeticError(f"mean semi-major axis for a mean altitude of {altitude_m:g} m did not converge (last step {step:g} m)")
