"""Orbit propagation on an output time grid: issim's own DOP853 or poliastro's Cowell.

Both integrate the same :class:`orbital.dynamics.forces.OrbitForces` and stop at the same
decay altitude; the own path is the default (compiled, :mod:`orbital.propagation.dop853`, in
US76 air with a writable kernel cache; else scipy's DOP853, the same algorithm, on the vector
forces), poliastro's is the reference it is tested against.
"""

import numpy as np

from orbital.dynamics.atmosphere import density_kg_m3
from orbital.earth.geodesy import ellipsoid_altitude_m
from orbital.propagation import astro
from orbital.progress import Stage

#: Integration stops when the height above the ellipsoid falls below this (m).
DECAY_STOP_ALTITUDE_M = 100.0e3


#: Absolute tolerances of issim's DOP853: 0.1 mm and 0.1 um/s, far below rtol * |state| in orbit.
_ATOL = np.array([1e-4] * 3 + [1e-7] * 3)


def _own_dop853(r0_m, v0_m_s, t_grid_s, forces, rtol, stop_altitude_m, include_stop_state, progress):
    from orbital.dynamics.compiled import kernel_cache_dir

    # compiled in US76 air (fixed in time) where the kernels can be cached (compiling them takes seconds, once)
    if forces.density_model is density_kg_m3 and forces.density_at is None and kernel_cache_dir() is not None:
        from orbital.propagation.dop853 import dop853

        t_s, states, decay_time_s, decay_state = dop853(
            np.concatenate([r0_m, v0_m_s]), t_grid_s, forces, rtol, _ATOL, stop_altitude_m, progress
        )
    else:  # another atmosphere (a Python function), or no cache: scipy's solver on the vector forces
        t_s, states, decay_time_s, decay_state = _scipy_dop853(r0_m, v0_m_s, t_grid_s, forces, rtol, stop_altitude_m, progress)
    if include_stop_state and decay_time_s is not None and (t_s.size == 0 or t_s[-1] < decay_time_s):
        t_s = np.append(t_s, decay_time_s)
        states = np.vstack([states, decay_state])
    return t_s, states, decay_time_s


def _scipy_dop853(r0_m, v0_m_s, t_grid_s, forces, rtol, stop_altitude_m, progress):
    from scipy.integrate import solve_ivp

    def rhs(t, y):
        progress(t)
        return np.concatenate([y[3:], forces.at(t).acceleration(y[:3], y[3:])])

    def decayed(_t, y):
        return ellipsoid_altitude_m(y[:3]) - stop_altitude_m

    decayed.terminal = True
    decayed.direction = -1
    solution = solve_ivp(
        rhs,
        (t_grid_s[0], t_grid_s[-1]),
        np.concatenate([r0_m, v0_m_s]),
        method="DOP853",
        t_eval=t_grid_s,
        rtol=rtol,
        atol=_ATOL,
        events=decayed,
    )
    if solution.status == -1:
        raise RuntimeError(f"orbit integration failed: {solution.message}")
    if len(solution.t_events[0]):
        return solution.t, solution.y.T.copy(), float(solution.t_events[0][0]), solution.y_events[0][0]
    return solution.t, solution.y.T.copy(), None, None


def _poliastro_cowell(r0_m, v0_m_s, t_grid_s, forces, rtol, stop_altitude_m, include_stop_state, progress):
    def perturbation(t, state):
        progress(t_grid_s[0] + t)
        return forces.at(t_grid_s[0] + t).perturbation(state[:3], state[3:])

    def above_stop(_t, state):
        return ellipsoid_altitude_m(state[:3]) - stop_altitude_m

    r, v, stop_s = astro.cowell_propagate(
        r0_m, v0_m_s, t_grid_s - t_grid_s[0], perturbation, rtol=rtol, stop=above_stop
    )
    states = np.hstack([r, v])
    if stop_s is None:
        return t_grid_s, states, None
    decay_time_s = float(t_grid_s[0] + stop_s)
    # the library returns the grid times before the stop, then the stop itself
    t_s = np.append(t_grid_s[t_grid_s < decay_time_s], decay_time_s)
    if not include_stop_state:
        t_s, states = t_s[:-1], states[:-1]
    return t_s, states, decay_time_s


def propagate_orbit(
    r0_m, v0_m_s, t_grid_s, forces, method="dop853", rtol=1e-10, stop_altitude_m=DECAY_STOP_ALTITUDE_M, include_stop_state=False,
    progress_span=(0.0, 1.0),
):
    """Propagate an inertial state over ``t_grid_s`` (s, increasing, from the start).

    Returns ``(t_s, states, decay_time_s)``: the grid actually reached (shorter if
    the orbit decayed below ``stop_altitude_m``, height above the ellipsoid), states
    (N, 6) in m and m/s, and the decay time or ``None``. With
    ``include_stop_state`` the state at the decay time is appended as a last sample.
    Progress (the share of the grid's span flown) is reported into ``progress_span`` of the run.
    """
    t_grid_s = np.asarray(t_grid_s, dtype=float)
    r0_m = np.asarray(r0_m, dtype=float)
    v0_m_s = np.asarray(v0_m_s, dtype=float)
    progress = Stage("integrating the orbit", t_grid_s[0], t_grid_s[-1], *progress_span)
    if method == "dop853":
        return _own_dop853(r0_m, v0_m_s, t_grid_s, forces, rtol, stop_altitude_m, include_stop_state, progress)
    if method == "poliastro_cowell":
        return _poliastro_cowell(r0_m, v0_m_s, t_grid_s, forces, rtol, stop_altitude_m, include_stop_state, progress)
    raise ValueError(f"unknown integration method {method!r}")
