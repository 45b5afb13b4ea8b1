"""The one door to the poliastro API.

poliastro 0.17 serves Python 3.10; boinor, its maintained continuation with the
same API, serves Python 3.11 and later (``pyproject.toml`` picks one with an
environment marker). Nothing else in issim imports either library, so the rest of
the code never cares which one is installed.

Everything here takes and returns plain SI floats and numpy arrays (m, m/s, s,
rad, kg/m^3); astropy units are attached and stripped inside. The poliastro path
is the *reference*: issim's own integrator is tested against it, and scenarios
may pick it with ``integrator.method: poliastro_cowell``. Importing this module
is cheap; the library itself is imported on first use, and its numba functions
compile then (seconds), which is why the default path avoids it.
"""

import functools
import importlib
import sys

import numpy as np


@functools.lru_cache(maxsize=None)
def library():
    """Return the installed poliastro-API module (``poliastro`` or ``boinor``)."""
    preferred = ("poliastro", "boinor") if sys.version_info < (3, 11) else ("boinor", "poliastro")
    for name in preferred:
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    raise ImportError(
        "issim needs the poliastro API: install poliastro==0.17.0 (Python 3.10) "
        "or boinor>=0.20 (Python 3.11+)"
    )


def library_name_and_version():
    """Return e.g. ``("boinor", "0.20.0")``."""
    lib = library()
    return lib.__name__, getattr(lib, "__version__", "unknown")


def _submodule(path):
    return importlib.import_module(f"{library().__name__}.{path}")


def earth_mu_m3_s2():
    """Earth's gravitational parameter used by the library (m^3/s^2)."""
    from astropy import units as u

    return _submodule("bodies").Earth.k.to_value(u.m**3 / u.s**2)


def kepler_propagate(r0_m, v0_m_s, tof_s):
    """Two-body propagation with the library's default (analytic) propagator.

    Returns ``(r_m, v_m_s)`` after ``tof_s`` seconds.
    """
    from astropy import units as u

    orbit_cls = _submodule("twobody").Orbit
    earth = _submodule("bodies").Earth
    orbit = orbit_cls.from_vectors(earth, np.asarray(r0_m) * u.m, np.asarray(v0_m_s) * u.m / u.s)
    final = orbit.propagate(tof_s * u.s)
    return final.r.to_value(u.m), final.v.to_value(u.m / u.s)


def classical_to_rv(a_m, ecc, inc_rad, raan_rad, argp_rad, nu_rad):
    """Osculating classical elements to inertial ``(r_m, v_m_s)`` through the library."""
    from astropy import units as u

    orbit = _submodule("twobody").Orbit.from_classical(
        _submodule("bodies").Earth,
        a_m * u.m,
        ecc * u.one,
        inc_rad * u.rad,
        raan_rad * u.rad,
        argp_rad * u.rad,
        nu_rad * u.rad,
    )
    return orbit.r.to_value(u.m), orbit.v.to_value(u.m / u.s)


def _orbit(r_m, v_m_s):
    from astropy import units as u

    return _submodule("twobody").Orbit.from_vectors(
        _submodule("bodies").Earth, np.asarray(r_m, dtype=float) * u.m, np.asarray(v_m_s, dtype=float) * u.m / u.s
    )


def _impulses(maneuver):
    """A library ``Maneuver`` as ``[(time_s, delta_v_m_s (3,)), ...]``: its impulses' times (each
    counted from the one before) made times from the orbit's epoch."""
    from astropy import units as u

    times_s = np.cumsum([t.to_value(u.s) for t, _ in maneuver.impulses])
    return [(float(t), np.asarray(dv.to_value(u.m / u.s), dtype=float)) for t, (_, dv) in zip(times_s, maneuver.impulses)]


#: Above the library's 1e-8, below which ``rv2coe`` calls an orbit circular and sets its periapsis at the node.
_HOHMANN_ECCENTRICITY = 1e-7


def hohmann_impulses(r_m, v_m_s, r_final_m):
    """The library's Hohmann transfer (``Maneuver.hohmann``) from the circular orbit through ``r_m``
    in the plane of ``(r_m, v_m_s)`` (inertial, m, m/s) to a circular orbit of radius ``r_final_m``:
    ``[(time_s, delta_v_m_s), ...]``, inertial, the first burn at ``r_m`` now.

    The library burns at periapsis, in the direction its ``rv2coe`` finds there; a circular orbit
    has none (it takes the node), so the orbit is built with an eccentricity of
    :data:`_HOHMANN_ECCENTRICITY` and its periapsis here: that moves each burn by 0.4 mm/s at most
    in low orbit (e v / 2).
    """
    from astropy import units as u

    from orbital.earth.elements import rv_to_classical

    el = rv_to_classical(r_m, v_m_s)
    circular = _submodule("twobody").Orbit.from_classical(
        _submodule("bodies").Earth, float(np.linalg.norm(r_m)) / (1.0 - _HOHMANN_ECCENTRICITY) * u.m,
        _HOHMANN_ECCENTRICITY * u.one, float(el.inc_rad) * u.rad,
        float(el.raan_rad) * u.rad, float(el.arglat_rad) * u.rad, 0.0 * u.rad,
    )
    return _impulses(_submodule("maneuver").Maneuver.hohmann(circular, r_final_m * u.m))


def lambert_impulses(r0_m, v0_m_s, r1_m, v1_m_s, tof_s):
    """The library's Lambert transfer (``Maneuver.lambert``, single revolution, prograde, the short
    path) from the state ``(r0_m, v0_m_s)`` now to the state ``(r1_m, v1_m_s)`` reached ``tof_s``
    seconds later (inertial, m, m/s): ``[(0, delta_v_m_s), (tof_s, delta_v_m_s)]``; the second burn
    matches the velocity ``v1_m_s`` on arrival."""
    from astropy import units as u

    start = _orbit(r0_m, v0_m_s)
    end = _submodule("twobody").Orbit.from_vectors(
        start.attractor, np.asarray(r1_m, dtype=float) * u.m, np.asarray(v1_m_s, dtype=float) * u.m / u.s,
        epoch=start.epoch + tof_s * u.s,
    )
    return _impulses(_submodule("maneuver").Maneuver.lambert(start, end))


class _StopEvent:
    """A terminal event of the library's ``cowell``: ``stop(t_s, state_si)`` falling through zero.

    The library reads the time of the last call as the stop time: poliastro 0.17 as
    ``_last_t``, boinor as ``last_t_without_unit`` (both s, unitless).
    """

    terminal = True
    direction = -1

    def __init__(self, stop):
        self._stop = stop
        self._last_t = None

    def __call__(self, t_s, state_km, _k):
        self._last_t = float(t_s)
        return self._stop(t_s, np.asarray(state_km) * 1e3)

    @property
    def last_t_without_unit(self):
        return self._last_t


def cowell_propagate(r0_m, v0_m_s, tofs_s, perturbation=None, rtol=1e-11, stop=None):
    """Propagate with the library's Cowell integrator (DOP853) and our forces.

    ``perturbation(t_s, state_si)`` returns the non-two-body acceleration in m/s^2
    for a 6-vector state in m and m/s. Returns ``(r_m, v_m_s)`` arrays of shape
    (len(tofs_s), 3). With ``stop(t_s, state_si)`` (a float), the propagation ends
    where it falls through zero: then the arrays hold the times of ``tofs_s``
    before that and, last, the stop itself, and ``(r_m, v_m_s, stop_time_s)`` is
    returned (``stop_time_s`` None if it never fell through zero).
    """
    core = _submodule("core.propagation")
    twobody = core.func_twobody

    def rhs_km(t_s, state_km, k_km3_s2):
        du = twobody(t_s, state_km, k_km3_s2)
        if perturbation is not None:
            du[3:] += perturbation(t_s, state_km * 1e3) * 1e-3
        return du

    mu_km3_s2 = earth_mu_m3_s2() * 1e-9
    tofs = np.atleast_1d(np.asarray(tofs_s, dtype=float))
    event = _StopEvent(stop) if stop is not None else None
    rrs, vvs = core.cowell(
        mu_km3_s2,
        np.asarray(r0_m, dtype=float) * 1e-3,
        np.asarray(v0_m_s, dtype=float) * 1e-3,
        tofs,
        rtol,
        events=None if event is None else [event],
        f=rhs_km,
    )
    r_m, v_m_s = np.asarray(rrs) * 1e3, np.asarray(vvs) * 1e3
    if event is None:
        return r_m, v_m_s
    stopped = event._last_t is not None and event._last_t < tofs.max()
    return r_m, v_m_s, event._last_t if stopped else None


def coesa76_density(altitude_m):
    """U.S. Standard Atmosphere 1976 density (kg/m^3) at geometric altitude(s) in m."""
    from astropy import units as u

    model = _submodule("earth.atmosphere").COESA76()
    altitudes = np.atleast_1d(np.asarray(altitude_m, dtype=float))
    rho = [model.density(h * u.m).to_value(u.kg / u.m**3) for h in altitudes]
    return np.asarray(rho).reshape(np.shape(altitude_m))
