"""Long-term orbital decay by drag: orbit-averaged mean elements with J2 secular drift.

The method (for months to years of decay in seconds):

* **Mean elements** ``(a, ex, ey, i, raan, lam)``: semi-major axis (m), eccentricity
  vector measured from the ascending node (``ex = e cos w``, ``ey = e sin w``:
  no trouble at e = 0), inclination, right ascension of the node, and mean
  argument of latitude ``lam = M + w`` (rad). They are Brouwer mean elements to
  first order in J2: the osculating state adds the short-period J2 terms in the
  form SGP4 uses for near-circular orbits (Hoots & Roehrich, Spacetrack Report 3,
  the "short period periodics" of radius, argument of latitude, node,
  inclination and the two velocity components), see :func:`mean_to_osculating`.
  :func:`osculating_to_mean` inverts it by fixed-point iteration.
* **J2 secular rates** (Brouwer/Kozai, first order): node
  ``-1.5 n J2 (Re/p)^2 cos i``, perigee ``0.75 n J2 (Re/p)^2 (5 cos^2 i - 1)``
  (turns the eccentricity vector), mean anomaly
  ``n (1 + 0.75 J2 (Re/p)^2 sqrt(1 - e^2) (3 cos^2 i - 1))``.
* **Drag, averaged over one orbit by quadrature**: ``QUADRATURE_NODES`` points
  evenly spaced in eccentric longitude ``F = E + w`` (weights ``1 - e cos E``, i.e.
  time), each turned into an osculating state (short-period terms included, so
  the density is taken at the right radius), where the very same drag of
  :class:`orbital.dynamics.forces.OrbitForces` is evaluated (US76 or NRLMSIS air that turns
  with the Earth, height above the WGS84 ellipsoid). The exact Gauss rates of a,
  the eccentricity vector, i and the node are averaged over those points.
  The periodic trapezoid rule converges geometrically for smooth integrands.
* **Step control**: scipy's DOP853 with relative tolerance ``rtol`` on the six
  mean elements; steps grow to days while the orbit decays slowly and shrink
  near the end. Integration stops at a mean perigee height (above the equatorial
  radius) given by the caller; below that (around 120 km) an orbit loses
  several km per revolution, averaging no longer holds, and the caller hands
  the osculating state to direct integration.

Frame: TEME of the epoch (z = the true pole, about which J2 acts), as the
station is integrated (see :mod:`orbital.kinds.station`).
"""

from typing import NamedTuple

import numpy as np

from orbital.earth.constants import J2_EARTH, MU_EARTH_M3_S2, R_EARTH_EQ_M
from orbital.earth.elements import j2_secular_rates, mean_motion_rad_s, rv_to_classical

#: Quadrature points per orbit for the drag average.
QUADRATURE_NODES = 64
#: Fixed-point iterations of the osculating -> mean conversion (each gains ~J2).
MEAN_ITERATIONS = 8


class MeanElements(NamedTuple):
    """Mean elements; each field a float or an array (see the module docstring)."""

    a_m: np.ndarray
    ex: np.ndarray
    ey: np.ndarray
    inc_rad: np.ndarray
    raan_rad: np.ndarray
    lam_rad: np.ndarray

    @classmethod
    def from_vector(cls, y):
        """From a (6, ...) array in the field order."""
        return cls(*y)


def eccentric_longitude(lam_rad, ex, ey, iterations=8):
    """Solve Kepler's equation in the form ``F - ex sin F + ey cos F = lam`` for F (rad)."""
    lam = np.asarray(lam_rad, dtype=float)
    f = lam.copy()
    for _ in range(iterations):
        sin_f, cos_f = np.sin(f), np.cos(f)
        f = f - (f - ex * sin_f + ey * cos_f - lam) / (1.0 - ex * cos_f - ey * sin_f)
    return f


def _osculating_from_f(mean, f_rad):
    """Osculating ``(r_m, v_m_s)`` (..., 3) at eccentric longitude ``f_rad`` of mean elements.

    Kepler motion on the mean ellipse plus SGP4's first-order J2 short-period terms.
    """
    a, ex, ey, inc, raan = (np.asarray(x, dtype=float) for x in mean[:5])
    sin_f, cos_f = np.sin(f_rad), np.cos(f_rad)
    e_cos_e = ex * cos_f + ey * sin_f
    e_sin_e = ex * sin_f - ey * cos_f
    e2 = ex * ex + ey * ey
    p = a * (1.0 - e2)
    beta = np.sqrt(1.0 - e2)
    r = a * (1.0 - e_cos_e)
    r_dot = np.sqrt(MU_EARTH_M3_S2 * a) * e_sin_e / r
    rf_dot = np.sqrt(MU_EARTH_M3_S2 * p) / r
    tmp = e_sin_e / (1.0 + beta)
    sin_u = a / r * (sin_f - ey - ex * tmp)
    cos_u = a / r * (cos_f - ex + ey * tmp)
    u = np.arctan2(sin_u, cos_u)
    sin_2u, cos_2u = 2.0 * sin_u * cos_u, 1.0 - 2.0 * sin_u * sin_u
    # short-period J2 terms (Spacetrack Report 3, SGP4): k1 = J2/2 Re^2/p (m), k2 = k1/p
    k1 = 0.5 * J2_EARTH * R_EARTH_EQ_M**2 / p
    k2 = k1 / p
    cos_i, sin_i = np.cos(inc), np.sin(inc)
    n = mean_motion_rad_s(a)
    rk = r * (1.0 - 1.5 * k2 * beta * (3.0 * cos_i**2 - 1.0)) + 0.5 * k1 * sin_i**2 * cos_2u
    uk = u - 0.25 * k2 * (7.0 * cos_i**2 - 1.0) * sin_2u
    raan_k = raan + 1.5 * k2 * cos_i * sin_2u
    inc_k = inc + 1.5 * k2 * cos_i * sin_i * cos_2u
    r_dot_k = r_dot - n * k1 * sin_i**2 * sin_2u
    rf_dot_k = rf_dot + n * k1 * (sin_i**2 * cos_2u + 1.5 * (3.0 * cos_i**2 - 1.0))
    # radial and transverse unit vectors of (raan_k, inc_k, uk)
    sin_uk, cos_uk = np.sin(uk), np.cos(uk)
    sin_ik, cos_ik = np.sin(inc_k), np.cos(inc_k)
    sin_ok, cos_ok = np.sin(raan_k), np.cos(raan_k)
    mx, my = -sin_ok * cos_ik, cos_ok * cos_ik
    radial = np.stack([mx * sin_uk + cos_ok * cos_uk, my * sin_uk + sin_ok * cos_uk, sin_ik * sin_uk], axis=-1)
    transverse = np.stack([mx * cos_uk - cos_ok * sin_uk, my * cos_uk - sin_ok * sin_uk, sin_ik * cos_uk], axis=-1)
    r_vec = rk[..., None] * radial
    v_vec = r_dot_k[..., None] * radial + rf_dot_k[..., None] * transverse
    return r_vec, v_vec


def mean_to_osculating(mean):
    """Osculating state ``(r_m, v_m_s)`` (..., 3) of :class:`MeanElements` (arrays broadcast)."""
    f = eccentric_longitude(mean.lam_rad, mean.ex, mean.ey)
    return _osculating_from_f(mean, f)


def _elements_of_state(r_m, v_m_s):
    """``(a, ex, ey, inc, raan, u)`` of osculating states, e-vector from the node (Kepler)."""
    el = rv_to_classical(r_m, v_m_s)
    ex, ey = el.ecc * np.cos(el.argp_rad), el.ecc * np.sin(el.argp_rad)
    # mean argument of latitude from the true one: M + w
    f = np.arctan2(np.sqrt(1.0 - el.ecc**2) * np.sin(el.nu_rad), el.ecc + np.cos(el.nu_rad))  # eccentric anomaly
    mean_anomaly = f - el.ecc * np.sin(f)
    return np.array([el.a_m, ex, ey, el.inc_rad, el.raan_rad, el.argp_rad + mean_anomaly])


def _angle_diff(x, y):
    return (x - y + np.pi) % (2.0 * np.pi) - np.pi


def osculating_to_mean(r_m, v_m_s):
    """Mean elements whose :func:`mean_to_osculating` gives the state ``(r_m, v_m_s)`` (3,)."""
    target = _elements_of_state(r_m, v_m_s)
    guess = target.copy()
    for _ in range(MEAN_ITERATIONS):
        got = _elements_of_state(*mean_to_osculating(MeanElements.from_vector(guess)))
        delta = target - got
        delta[3:] = _angle_diff(target[3:], got[3:])
        guess = guess + delta
    return MeanElements.from_vector(guess)


def orbit_averaged_drag_rates(mean, forces, nodes=QUADRATURE_NODES):
    """Time averages over one orbit of ``(da, dex, dey, dinc, draan)/dt`` by drag (SI/s).

    ``forces`` is an :class:`orbital.dynamics.forces.OrbitForces` (its ``drag_acceleration``
    is evaluated at ``nodes`` osculating points of the mean orbit).
    """
    a, ex, ey, inc, raan, lam = (float(x) for x in mean)
    f = lam + 2.0 * np.pi * np.arange(nodes) / nodes
    weight = 1.0 - ex * np.cos(f) - ey * np.sin(f)  # d lam / dF: time spent per node
    weight = weight / weight.sum()
    r, v = _osculating_from_f(mean, f)
    acc = forces.drag_acceleration(r, v)
    mu = MU_EARTH_M3_S2
    v_dot_f = np.sum(v * acc, axis=-1)
    r_dot_f = np.sum(r * acc, axis=-1)
    r_dot_v = np.sum(r * v, axis=-1)
    # exact rates of the osculating orbit: a from the energy, e-vector from e = v x h / mu - r / |r|
    a_dot = 2.0 * a * a * v_dot_f / mu
    e_vec_dot = (2.0 * v_dot_f[:, None] * r - r_dot_f[:, None] * v - r_dot_v[:, None] * acc) / mu
    h_vec = np.cross(r, v)
    h = np.linalg.norm(h_vec, axis=-1)
    h_hat = h_vec / h[:, None]
    f_normal = np.sum(acc * h_hat, axis=-1)
    r_norm = np.linalg.norm(r, axis=-1)
    node_hat = np.array([np.cos(raan), np.sin(raan), 0.0])
    normal_hat = np.array([np.sin(inc) * np.sin(raan), -np.sin(inc) * np.cos(raan), np.cos(inc)])
    along_hat = np.cross(normal_hat, node_hat)  # 90 deg past the node, in the direction of motion
    sin_u = np.sum(r * along_hat, axis=-1) / r_norm
    cos_u = np.sum(r * node_hat, axis=-1) / r_norm
    inc_dot = r_norm * cos_u * f_normal / h
    raan_dot = r_norm * sin_u * f_normal / (h * max(np.sin(inc), 1e-9))
    mean_e_dot = weight @ e_vec_dot
    return (
        float(weight @ a_dot),
        float(mean_e_dot @ node_hat),
        float(mean_e_dot @ along_hat),
        float(weight @ inc_dot),
        float(weight @ raan_dot),
    )


def mean_element_rates(mean, forces):
    """d/dt of the six mean elements (SI per s): J2 secular drift plus averaged drag."""
    a, ex, ey, inc = (float(x) for x in mean[:4])
    ecc = np.hypot(ex, ey)
    raan_dot, argp_dot, m_dot = j2_secular_rates(a, ecc, inc) if forces.j2 else (0.0, 0.0, mean_motion_rad_s(a))
    da, dex, dey, dinc, draan = orbit_averaged_drag_rates(mean, forces) if forces.drag else (0.0,) * 5
    return np.array([da, dex - argp_dot * ey, dey + argp_dot * ex, dinc, draan + raan_dot, m_dot + argp_dot])


def perigee_height_m(mean):
    """Mean perigee above the equatorial radius, a (1 - e) - Re (m)."""
    return mean.a_m * (1.0 - np.hypot(mean.ex, mean.ey)) - R_EARTH_EQ_M


class DecayHistory(NamedTuple):
    """What :func:`propagate_mean` returns."""

    #: the mean elements at any time in [0, t_end_s] (s -> (6,) or (6, N) array)
    dense: object
    #: time the stop height was reached, or the end of the span (s)
    t_end_s: float
    #: whether the stop height was reached
    reached_stop: bool
    #: integrator steps taken
    steps: int


def propagate_mean(mean0, forces, max_duration_s, stop_perigee_height_m, rtol=1e-9, progress=None):
    """Integrate the mean elements from ``mean0`` until the mean perigee height falls to
    ``stop_perigee_height_m`` (m) or ``max_duration_s`` (s) passes; returns a :class:`DecayHistory`.

    ``progress(t_s, perigee_height_m)``, if given, is called at every evaluation of the rates;
    ``forces`` are taken at each time, their air as its global mean at each height
    (:meth:`orbital.dynamics.forces.OrbitForces.at` with ``local=False``): the orbit average
    needs a smooth integrand, and an orbit and the turning of its plane against the Sun
    average the day/night bulge out."""
    from scipy.integrate import solve_ivp

    def rhs(t, y):
        mean = MeanElements.from_vector(y)
        if progress is not None:
            progress(t, perigee_height_m(mean))
        return mean_element_rates(mean, forces.at(t, local=False))

    def reached(_t, y):
        return perigee_height_m(MeanElements.from_vector(y)) - stop_perigee_height_m

    reached.terminal = True
    reached.direction = -1
    # absolute floors: 1 mm in a, 1e-10 in e, 1e-10 rad in angles
    atol = np.array([1e-3, 1e-10, 1e-10, 1e-10, 1e-10, 1e-10])
    # A trial step too long near the end can reach a < 0 (NaN rates): the step control rejects
    # it (a NaN error shrinks the step), so numpy's warnings about it would only mislead.
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        solution = solve_ivp(
            rhs, (0.0, max_duration_s), np.asarray(mean0, dtype=float), method="DOP853",
            rtol=rtol, atol=atol, events=reached, dense_output=True,
        )
    if solution.status == -1:
        raise RuntimeError(f"mean-element integration failed: {solution.message}")
    hit = len(solution.t_events[0]) > 0
    t_end = float(solution.t_events[0][0]) if hit else float(solution.t[-1])
    return DecayHistory(solution.sol, t_end, hit, len(solution.t) - 1)
