"""The station's DOP853, compiled: scipy's ``solve_ivp(method="DOP853")`` step for step, with the
forces of :class:`orbital.dynamics.forces.OrbitForces` (US76 air) as compiled kernels. The stepping
(:func:`advance`) takes its right-hand side and event functions as compiled arguments, so the
relative flight (:mod:`orbital.propagation.relative`) steps with the same code.

The same tableau (:mod:`orbital.propagation.dop853_tableau`), initial step, error norm, step
control, dense output and ``t_eval`` sampling as scipy 1.17, and the decay event found as scipy
finds it (``brentq`` on the dense output, xtol = rtol = 4 eps), so results differ from scipy's
only where its BLAS sums in another order (last bits). Compiled once per install
(:mod:`orbital.dynamics.compiled`): a day of the station takes about a millisecond, some 200 times
less than scipy's Python loop. The forces do not depend on time, so the stages' nodes (``C``) are
not needed. SI throughout: m, m/s, s.
"""

import math

import numpy as np

from orbital.dynamics.compiled import interpret_next_job, interpreted, kernel
from orbital.dynamics.kernels import air_velocity, altitude_m, density, drag_over_air_speed, gravity
from orbital.propagation.dop853_tableau import A, B, D, E3, E5, INTERPOLATOR_POWER, N_STAGES, N_STAGES_EXTENDED

_SAFETY, _MIN_FACTOR, _MAX_FACTOR = 0.9, 0.2, 10.0
_ERROR_EXPONENT = -1.0 / 8.0  # -1 / (error estimator order 7 + 1)
_EPS = np.finfo(float).eps
#: Steps between two returns to Python (progress reports): a few hundredths of a second.
STEPS_PER_CALL = 2000
#: Steps :func:`dop853` takes interpreted before it goes on compiled: a day of the station (about 420 at
#: rtol 1e-10) and some; past them the interpreter's time (0.3-0.7 ms a step) would outgrow numba's.
INTERPRETED_STEPS = 600

#: What :func:`advance` returns.
RUNNING, FINISHED, EVENT, STEP_TOO_SMALL = 0, 1, 2, -1
#: Slots of the station's parameters (:func:`force_parameters`).
_J2, _DRAG, _DENSITY_SCALE, _CD_A_M, _STOP_ALTITUDE = range(5)
#: Slots of the integrator's clock: time, step size, previous time, samples written.
_T, _H_ABS, _T_OLD, _N_OUT = range(4)


def force_parameters(forces, stop_altitude_m) -> np.ndarray:
    """The station's compiled right-hand side's and decay event's parameters from an
    :class:`orbital.dynamics.forces.OrbitForces` (US76 air) and the decay altitude (m)."""
    return np.array([1.0 if forces.j2 else 0.0, 1.0 if forces.drag else 0.0, forces.density_scale,
                     forces.cd_area_over_mass_m2_kg, stop_altitude_m])


def new_clock(t0_s: float, h_abs_s: float) -> np.ndarray:
    """An integrator's clock (:func:`advance`) at ``t0_s`` (s) with the next step ``h_abs_s`` (s)."""
    clock = np.zeros(4)
    clock[_T], clock[_H_ABS] = t0_s, h_abs_s
    return clock


def clock_reading(clock: np.ndarray) -> tuple[float, float, int]:
    """A clock's last step, from and to (s), and the samples written so far."""
    return float(clock[_T_OLD]), float(clock[_T]), int(clock[_N_OUT])


@kernel
def _rhs(y, p, out):
    """d/dt [r, v] (m/s, m/s^2) into ``out``: gravity (point mass, J2 times p[_J2]) plus drag in US76 air."""
    x, yy, z, vx, vy, vz = y[0], y[1], y[2], y[3], y[4], y[5]
    gx, gy, gz = gravity(x, yy, z, 1.0, p[_J2])
    rho = p[_DENSITY_SCALE] * density(altitude_m(x, yy, z)) if p[_DRAG] != 0.0 else 0.0
    ux, uy, uz = air_velocity(x, yy, vx, vy, vz)
    k = drag_over_air_speed(rho, p[_CD_A_M], np.sqrt(ux * ux + uy * uy + uz * uz))
    out[0], out[1], out[2] = vx, vy, vz
    out[3], out[4], out[5] = gx + -k * ux, gy + -k * uy, gz + -k * uz


@kernel
def _below_stop(y, p, g):
    """The decay event into g[0]: height above the ellipsoid minus the stop altitude (m)."""
    g[0] = altitude_m(y[0], y[1], y[2]) - p[_STOP_ALTITUDE]


@kernel
def _weighted_rms(x, scale):
    """RMS over the state of x / scale (scipy's ``norm``)."""
    acc = 0.0
    for i in range(x.size):
        acc += (x[i] / scale[i]) ** 2
    return np.sqrt(acc) / x.size**0.5


@kernel
def initial_step(rhs, t0, y0, f0, t_bound, rtol, atol, p):
    """scipy's ``select_initial_step`` for order 7 (s); no largest step."""
    interval = abs(t_bound - t0)
    if interval == 0.0:
        return 0.0
    n = y0.size
    scale, y1, f1 = np.empty(n), np.empty(n), np.empty(n)
    for i in range(n):
        scale[i] = atol[i] + abs(y0[i]) * rtol
    d0, d1 = _weighted_rms(y0, scale), _weighted_rms(f0, scale)
    h0 = 1e-6 if d0 < 1e-5 or d1 < 1e-5 else 0.01 * d0 / d1
    h0 = min(h0, interval)
    for i in range(n):
        y1[i] = y0[i] + h0 * f0[i]
    rhs(y1, p, f1)
    for i in range(n):
        f1[i] -= f0[i]
    d2 = _weighted_rms(f1, scale) / h0
    if d1 <= 1e-15 and d2 <= 1e-15:
        h1 = max(1e-6, h0 * 1e-3)
    else:
        h1 = (0.01 / max(d1, d2)) ** (1.0 / 8.0)
    return min(100.0 * h0, h1, interval)


@kernel
def _stage(K, s, h, y, out):
    """y + (sum over the first s stages of K[j] A[s, j]) h into ``out``."""
    for i in range(y.size):
        acc = 0.0
        for j in range(s):
            acc += K[j, i] * A[s, j]
        out[i] = y[i] + acc * h


@kernel
def _step(rhs, y, f, h, p, K, y_new, f_new):
    """One Runge-Kutta step of size h from (t, y) with derivative f: y_new, f_new and the stages K."""
    tmp = np.empty(y.size)
    for i in range(y.size):
        K[0, i] = f[i]
    for s in range(1, N_STAGES):
        _stage(K, s, h, y, tmp)
        rhs(tmp, p, K[s])
    for i in range(y.size):
        acc = 0.0
        for j in range(N_STAGES):
            acc += K[j, i] * B[j]
        y_new[i] = y[i] + h * acc
    rhs(y_new, p, f_new)
    for i in range(y.size):
        K[N_STAGES, i] = f_new[i]


@kernel
def _error_norm(K, h, scale):
    """DOP853's error estimate: the 5th-order error weighted by the 3rd's, RMS over the state."""
    e5, e3 = 0.0, 0.0
    for i in range(scale.size):
        a5, a3 = 0.0, 0.0
        for j in range(N_STAGES + 1):
            a5 += K[j, i] * E5[j]
            a3 += K[j, i] * E3[j]
        a5, a3 = a5 / scale[i], a3 / scale[i]
        e5 += a5 * a5
        e3 += a3 * a3
    if e5 == 0.0 and e3 == 0.0:
        return 0.0
    e5, e3 = np.sqrt(e5) ** 2, np.sqrt(e3) ** 2  # as scipy squares np.linalg.norm
    return abs(h) * e5 / np.sqrt((e5 + 0.01 * e3) * scale.size)


@kernel
def _dense_coefficients(rhs, h, y_old, y, f, p, K, F):
    """The step's 7th-order interpolant ``F`` (INTERPOLATOR_POWER, n): three more stages into K."""
    tmp = np.empty(y.size)
    for s in range(N_STAGES + 1, N_STAGES_EXTENDED):
        _stage(K, s, h, y_old, tmp)
        rhs(tmp, p, K[s])
    for i in range(y.size):
        delta = y[i] - y_old[i]
        F[0, i] = delta
        F[1, i] = h * K[0, i] - delta
        F[2, i] = 2.0 * delta - h * (f[i] + K[0, i])
        for m in range(INTERPOLATOR_POWER - 3):
            acc = 0.0
            for j in range(N_STAGES_EXTENDED):
                acc += D[m, j] * K[j, i]
            F[3 + m, i] = h * acc


@kernel
def dense_states(t_old, t_new, y_old, F, ts, out, start, end):
    """States at times ts[start:end] inside the step (t_old, t_new] from its interpolant ``F``, into out[start:end]."""
    h = t_new - t_old
    for k in range(start, end):
        x = (ts[k] - t_old) / h
        for i in range(y_old.size):
            acc = 0.0
            for m in range(INTERPOLATOR_POWER):
                acc += F[INTERPOLATOR_POWER - 1 - m, i]
                acc *= x if m % 2 == 0 else 1.0 - x
            out[k, i] = acc + y_old[i]


@kernel
def _spacing(t):
    """|nextafter(t, +inf) - t| for t >= 0 (s): the gap to the next float."""
    smallest = 5e-324  # the gap above 0 and between subnormals
    if t == 0.0:
        return smallest
    return max(math.ldexp(1.0, math.frexp(t)[1] - 53), smallest)


@kernel
def _active(g_old, g_new, direction):
    """Whether an event function went from ``g_old`` to ``g_new`` across zero in ``direction``
    (> 0 up, < 0 down, 0 either; scipy's ``find_active_events``)."""
    up, down = g_old <= 0.0 and g_new >= 0.0, g_old >= 0.0 and g_new <= 0.0
    return (up and direction > 0.0) or (down and direction < 0.0) or ((up or down) and direction == 0.0)


@kernel
def advance(rhs, events, clock, y, f, y_old, K, F, g, p, directions, rtol, atol, max_step, t_eval, out, max_steps, dense):
    """Up to ``max_steps`` steps towards t_eval[-1], no step longer than ``max_step`` (s), writing samples
    to ``out``; the integrator's state (``clock``, ``y``, ``f``) is updated in place.

    ``rhs(y, p, dydt)`` and ``events(y, p, values)`` are compiled functions of the state and the
    parameters ``p``; g[0] holds the event values at the current state, and each event ends the
    integration where it crosses zero in its ``directions`` entry. Returns FINISHED, RUNNING (call
    again), EVENT (g[1] holds the values at the end of the step from clock[_T_OLD] to clock[_T], whose
    interpolant is ``F`` from ``y_old``; its samples are not written) or STEP_TOO_SMALL. ``dense``:
    build every step's interpolant ``F`` (else only where it is needed).
    """
    t_bound = t_eval[-1]
    y_new, f_new, scale = np.empty(y.size), np.empty(y.size), np.empty(y.size)
    for _ in range(max_steps):
        t = clock[_T]
        if t == t_bound:
            return FINISHED
        min_step = 10.0 * _spacing(t)
        h_abs = clock[_H_ABS]
        if h_abs > max_step:
            h_abs = max_step
        elif h_abs < min_step:
            h_abs = min_step
        rejected = False
        while True:
            if h_abs < min_step:
                return STEP_TOO_SMALL
            t_new = t + h_abs
            if t_new - t_bound > 0.0:
                t_new = t_bound
            h = t_new - t
            h_abs = abs(h)
            _step(rhs, y, f, h, p, K, y_new, f_new)
            for i in range(y.size):
                scale[i] = atol[i] + max(abs(y[i]), abs(y_new[i])) * rtol
            error = _error_norm(K, h, scale)
            if error < 1.0:
                factor = _MAX_FACTOR if error == 0.0 else min(_MAX_FACTOR, _SAFETY * error**_ERROR_EXPONENT)
                if rejected:
                    factor = min(1.0, factor)
                h_abs *= factor
                break
            h_abs *= max(_MIN_FACTOR, _SAFETY * error**_ERROR_EXPONENT)
            rejected = True
        for i in range(y.size):  # K[0] keeps the derivative at y_old, for the interpolant
            y_old[i], y[i], f[i] = y[i], y_new[i], f_new[i]
        clock[_T_OLD], clock[_T], clock[_H_ABS] = t, t_new, h_abs
        events(y, p, g[1])
        crossed = False
        for k in range(directions.size):
            crossed = crossed or _active(g[0, k], g[1, k], directions[k])
        n_out = end = int(clock[_N_OUT])
        while end < t_eval.size and t_eval[end] <= t_new:
            end += 1
        if crossed or dense or end > n_out:
            _dense_coefficients(rhs, h, y_old, y, f, p, K, F)
        if crossed:
            return EVENT
        for k in range(directions.size):
            g[0, k] = g[1, k]
        if end > n_out:
            dense_states(t, t_new, y_old, F, t_eval, out, n_out, end)
            clock[_N_OUT] = end
    return FINISHED if clock[_T] == t_bound else RUNNING


class StepEvents:
    """The events of the step after which :func:`advance` returned EVENT, on its interpolant (the
    arguments as :func:`advance` took them)."""

    def __init__(self, events, p, directions, g, clock, y_old, F, interpret=False):
        self._dense_states = interpreted(dense_states) if interpret else dense_states
        self._events, self._p, self._directions, self._g = events, p, directions, g
        self._clock, self._y_old, self._F = clock, y_old, F
        self.t_old, self.t_new = float(clock[_T_OLD]), float(clock[_T])
        self._values = np.empty(directions.size)

    def state(self, t: float) -> np.ndarray:
        """The state at time t (s) inside the step."""
        state = np.empty((1, self._y_old.size))
        self._dense_states(self.t_old, self.t_new, self._y_old, self._F, np.array([t]), state, 0, 1)
        return state[0]

    def value(self, t: float, k: int) -> float:
        """Event function ``k`` at time t (s) inside the step."""
        self._events(self.state(t), self._p, self._values)
        return float(self._values[k])

    def root(self, k: int, t_from: float, t_to: float) -> float:
        """Where (s) event function ``k`` crosses zero between ``t_from`` and ``t_to`` (s), found as
        solve_ivp finds an event (``brentq``, xtol = rtol = 4 eps)."""
        from scipy.optimize import brentq

        return float(brentq(self.value, t_from, t_to, args=(k,), xtol=4 * _EPS, rtol=4 * _EPS))

    def fired(self) -> list:
        """The events that crossed zero in their direction in the step, as (time s, index), in time
        order (on a tie, the lower index first, as scipy sorts them)."""
        g, directions = self._g, self._directions
        return sorted((self.root(k, self.t_old, self.t_new), k) for k in range(directions.size)
                      if _active(g[0, k], g[1, k], directions[k]))

    def pass_by(self, t_eval: np.ndarray, out: np.ndarray) -> None:
        """Go on from the step as if no event had fired: its samples written, its end's event values kept."""
        n_out = end = int(self._clock[_N_OUT])
        while end < t_eval.size and t_eval[end] <= self.t_new:
            end += 1
        self._dense_states(self.t_old, self.t_new, self._y_old, self._F, t_eval, out, n_out, end)
        self._clock[_N_OUT] = end
        self._g[0] = self._g[1]


def dop853(y0, t_eval, forces, rtol, atol, stop_altitude_m, progress=None, interpreted_steps=None):
    """Integrate the station from ``y0`` (6,) at t_eval[0] to t_eval[-1] (s), sampled at ``t_eval``.

    ``forces``: :class:`orbital.dynamics.forces.OrbitForces` with US76 air; ``atol`` (6,);
    ``progress(t)`` is called now and then. Returns ``(t_s, states (N, 6), decay_time_s, decay_state)``:
    the samples up to the decay (to ``stop_altitude_m`` above the ellipsoid, found as scipy finds an
    event), and its time and state, or None and None.

    The first ``interpreted_steps`` steps run interpreted (:func:`orbital.dynamics.compiled.interpreted`),
    the rest compiled; None: :data:`INTERPRETED_STEPS` in the process's first few short jobs
    (:func:`orbital.dynamics.compiled.interpret_next_job`), else none. A day of the station takes
    0.2-0.3 s interpreted, while compiled code costs numba's import and set-up and the kernels'
    loading from its cache (0.5 s), or, the first time, compiling them (3 to 5 s). The same
    arithmetic: the same samples (tests/test_station.py).
    """
    if interpreted_steps is None:
        interpreted_steps = INTERPRETED_STEPS if interpret_next_job() else 0
    p = force_parameters(forces, stop_altitude_m)
    y = np.array(y0, dtype=float)
    atol = np.asarray(atol, dtype=float)
    t_eval = np.asarray(t_eval, dtype=float)
    f = np.empty(6)
    interpret = interpreted_steps > 0
    rhs, events, first_step = ((interpreted(_rhs), interpreted(_below_stop), interpreted(initial_step)) if interpret
                               else (_rhs, _below_stop, initial_step))
    with np.errstate(all="ignore"):  # numba's arithmetic does not warn
        rhs(y, p, f)
        clock = new_clock(t_eval[0], first_step(rhs, t_eval[0], y, f, t_eval[-1], rtol, atol, p))
        g, directions = np.empty((2, 1)), np.array([-1.0])
        events(y, p, g[0])
    K = np.empty((N_STAGES_EXTENDED, 6))
    F = np.empty((INTERPOLATOR_POWER, 6))
    y_old = np.empty(6)
    out = np.empty((t_eval.size, 6))
    while True:
        if interpret:
            with np.errstate(all="ignore"):
                status = interpreted(advance)(rhs, events, clock, y, f, y_old, K, F, g, p, directions, rtol, atol, np.inf,
                                              t_eval, out, interpreted_steps, False)
        else:
            status = advance(_rhs, _below_stop, clock, y, f, y_old, K, F, g, p, directions, rtol, atol, np.inf,
                             t_eval, out, STEPS_PER_CALL, False)
        if progress is not None:
            progress(clock[_T])
        if status == STEP_TOO_SMALL:
            raise RuntimeError(f"orbit integration failed at t = {clock[_T]:.3f} s: required step size is less than spacing between numbers")
        n_out = int(clock[_N_OUT])
        if status == FINISHED:
            return t_eval[:n_out], out[:n_out], None, None
        if status == EVENT:
            step = StepEvents(events if interpret else _below_stop, p, directions, g, clock, y_old, F, interpret)
            t_decay = step.fired()[0][0]
            decay_state = step.state(t_decay)
            end = int(np.searchsorted(t_eval, t_decay, side="right"))
            if end > n_out:
                (interpreted(dense_states) if interpret else dense_states)(clock[_T_OLD], clock[_T], y_old, F, t_eval, out, n_out, end)
            return t_eval[:end], out[:end], t_decay, decay_state
        interpret = False
