"""Many descents at once: a batch integrator over an (N, 6) state.

Fast path, :func:`integrate`: classical fourth-order Runge-Kutta, each sample with its own time,
phase and step (the step depends on the phase, :data:`STEP_S`:
20 s on orbit before and after the burn, 10 s in the burn and from the separation down to the
entry interface while the air barely acts (:data:`THIN_AIR_STEP_S`; the guidance starts at the
entry interface, the step cut there), 2 s through the rest of the entry (the guidance's cycle:
each step ends on a cycle; a ballistic module's spin keeps 2 s from the separation), 1 s under the
drogue and the filling main canopy
(shorter as the main canopy's drag grows, below), 30 s in the quasi-steady descent under the settled
main canopy, its end located at the soft-landing engines' height inside the step: the landing point
moves by metres against steps four times shorter, tests/test_step_convergence.py). The samples never
interact, so one compiled loop
(:func:`_fly`, numba, without the GIL: chunks run in threads side by side) flies each sample in turn,
step after step, to a time horizon that :func:`integrate` moves on between calls (progress, Ctrl-C). Where
drag damps the air speed faster than that step can follow (a light module, dense air)
the step shortens to keep RK4 stable (:data:`orbital.dynamics.entry_dynamics.MAX_STEP_TIMES_DRAG_RATE`).
Discontinuities are never stepped over:

- time events (burn start and end, module separation, guidance cycles, main canopy
  deployment, main settled) cut the step so that it ends on them;
- altitude events (parachute command, at the height where the sample's air has the pressure
  of the set altitude in US76, soft-landing engines, the entry interface, which
  is recorded and separates the modules if their timer has not yet) are located inside the step on
  cubic Hermite interpolants of the position (from position and velocity at both
  ends) and of the velocity (from velocity and acceleration): a few secant
  iterations on the altitude; the sample restarts from the interpolated state.

The result is bit-for-bit reproducible for the same inputs, however the samples are split.

The reference path, one descent through poliastro's Cowell, is
:func:`orbital.propagation.descent_reference.integrate_reference`; the two agree on landing
points to metres (tests/test_reentry_parity.py).
"""

import contextlib
from dataclasses import dataclass, field

import numpy as np

from orbital.dynamics import entry_dynamics as ed
from orbital.dynamics.atmosphere import barometric_trip_altitude_m
from orbital.dynamics.compiled import interpret_next_job, interpreted, kernel
from orbital.dynamics.entry_dynamics import BURN, COAST, COAST0, DROGUE, ENTRY, LANDED, MAIN, TERMINAL
from orbital.dynamics.kernels import air_velocity as _air_velocity
from orbital.dynamics.kernels import altitude_m as _altitude_m
from orbital.models.guidance import sample_command

#: Fixed step (s) of the fast path in each phase (COAST0 .. TERMINAL, LANDED): the entry's 2 s is the
#: guidance's cycle; as the main canopy fills, its drag damps the speed at up to 1.8 /s, which
#: shortens the step to some 0.55 s (:data:`orbital.dynamics.entry_dynamics.MAX_STEP_TIMES_DRAG_RATE`).
STEP_S = np.array([20.0, 10.0, 20.0, 2.0, 1.0, 1.0, 30.0, 0.0])
#: Step (s) of the entry above the entry interface, before the guidance starts (the air barely acts):
#: against steps four times shorter, 1,000 guided landings moved by 0.57 m (median) with it, 0.58 m
#: with the entry's 2 s, 1.5 m with 20 s (tests/test_step_convergence.py); 120 steps fewer a descent.
THIN_AIR_STEP_S = 10.0
#: Most that drag may damp the air speed in one such step (step times drag rate): at the default
#: 100 km a Soyuz module's drag rate is some 1e-5 /s (1e-4 in 10 s); an entry interface set low, in air
#: that acts, gets the entry's own step instead.
THIN_AIR_DAMPING = 0.02
#: Simulated time (s) the samples fly between two calls of the compiled loop (progress, Ctrl-C).
HORIZON_S = 60.0


class Cancelled(Exception):
    """:func:`integrate` stopped because its ``cancel`` event was set (the caller was interrupted)."""

#: Recorded events: name -> the phase change it marks (or "entry_interface").
EVENT_NAMES = (
    "burn_start",
    "burn_end",
    "separation",
    "entry_interface",
    "parachute",
    "main_canopy",
    "main_settled",
    "soft_landing",
    "touchdown",
)
(_BURN_START_EV, _BURN_END_EV, _SEPARATION_EV, _ENTRY_INTERFACE_EV, _PARACHUTE_EV, _MAIN_CANOPY_EV, _MAIN_SETTLED_EV,
 _SOFT_LANDING_EV, _TOUCHDOWN_EV) = range(len(EVENT_NAMES))
#: What ends each phase on the clock (COAST0 .. TERMINAL): the event recorded (-1: none; an impulsive
#: burn goes from COAST0 straight on to COAST, with burn_end too) and the next phase.
_CLOCK_EVENT = np.array([_BURN_START_EV, _BURN_END_EV, _SEPARATION_EV, -1, _MAIN_CANOPY_EV, _MAIN_SETTLED_EV, -1])
_CLOCK_NEXT = np.array([BURN, COAST, ENTRY, -1, MAIN, TERMINAL, -1])
#: What ends each phase on altitude: the event and the next phase. The whole Soyuz that reaches the
#: entry interface before the separation timer separates there. Under a canopy not yet settled (DROGUE,
#: MAIN) the ground ends the flight at whatever speed the module has (its touchdown is the event).
_ALTITUDE_EVENT = np.array([-1, -1, _SEPARATION_EV, _PARACHUTE_EV, -1, -1, _SOFT_LANDING_EV])
_ALTITUDE_NEXT = np.array([-1, -1, ENTRY, DROGUE, LANDED, LANDED, LANDED])
#: A sample's state in :func:`_fly`: still flying, down at the speed it had, at the soft-landing
#: engines' altitude (the rest in closed form, :func:`orbital.dynamics.entry_dynamics.touchdown`), or
#: given up (never came down within the sequence's max_time_after_burn_s, or a bad sample: left as NaN).
FLYING, IMPACT, SOFT, GIVEN_UP = range(4)
#: Rows of :func:`_fly`'s clock array, its integer array, its tally, and of the
#: sequence's numbers it takes (:func:`_sequence_numbers`).
_T, _T_PHASE, _C_CMD, _SIDE, _T_CYCLE = range(5)
_PHASE, _STATUS, _REVERSALS = range(3)
_PEAK_G, _PEAK_G_ALT, _PEAK_G_T, _PEAK_Q, _PEAK_Q_ALT, _HEAT_LOAD = range(6)
(_SEPARATION_DELAY, _DROGUE_DURATION, _MAIN_FILL, _MAIN_SETTLE, _ENTRY_INTERFACE, _GROUND, _SOFT_LANDING,
 _MAX_TIME_AFTER_BURN) = range(8)
#: Columns of the recorded history (``record``): t, the state (6), phase, sensed g, heat flux, bank side.
_HISTORY_COLUMNS = 11


@dataclass
class Outcome:
    """Per-sample results of a batch of descents (arrays of shape (N,) unless noted)."""

    landed: np.ndarray
    r_touchdown: np.ndarray  # (N, 3) TEME of epoch, m
    t_touchdown: np.ndarray  # s since epoch
    v_touchdown: np.ndarray  # m/s
    events: dict  # name -> {"t": (N,), "alt": (N,), "speed": (N,)} (air speed; NaN if never)
    peak_g: np.ndarray
    peak_g_alt: np.ndarray
    peak_g_t: np.ndarray
    peak_heat: np.ndarray  # W/m^2
    peak_heat_alt: np.ndarray
    bank_reversals: np.ndarray  # count (lifting guidance)
    #: the stagnation-point heat flux (Sutton-Graves at the Sequence's nose radius) integrated over
    #: the flight, J/m^2 (left Riemann sum over the steps); the fast path's alone, empty from the reference path
    heat_load_j_m2: np.ndarray = field(default_factory=lambda: np.zeros(0))
    history: dict = field(default_factory=dict)  # with record=True: t (M,), Y (M, 6), phase, sensed_g, heat, bank_side


def _empty_events(n):
    return {name: {k: np.full(n, np.nan) for k in ("t", "alt", "speed")} for name in EVENT_NAMES}


def _speed(Y):
    ux, uy, uz = ed.air_velocity(Y[0], Y[1], Y[3], Y[4], Y[5])
    return np.sqrt(ux * ux + uy * uy + uz * uz)


def apply_impulse(Y, p, mask):
    """Impulsive deorbit burn for the samples in ``mask`` (in place)."""
    tx, ty, tz = ed.thrust_direction(*Y[:, mask], p.burn_pitch_rad[mask], p.burn_yaw_rad[mask])
    Y[3, mask] += p.burn_dv_m_s[mask] * tx
    Y[4, mask] += p.burn_dv_m_s[mask] * ty
    Y[5, mask] += p.burn_dv_m_s[mask] * tz


def _set_terminal_velocity(Y, p, mask):
    vx, vy, vz, _, _ = ed.terminal_velocity(Y[0, mask], Y[1, mask], Y[2, mask], p.subset(mask))
    Y[3, mask], Y[4, mask], Y[5, mask] = vx, vy, vz


@kernel
def _hermite(y0, d0, y1, d1, theta, dt):
    """Cubic Hermite at fraction ``theta`` of a step ``dt``."""
    t2, t3 = theta * theta, theta * theta * theta
    return (2 * t3 - 3 * t2 + 1) * y0 + (t3 - 2 * t2 + theta) * dt * d0 + (-2 * t3 + 3 * t2) * y1 + (t3 - t2) * dt * d1


@kernel
def _state_at(s0, k0, s1, k1, theta, dt):
    """The state (6-tuple) at fraction ``theta`` of the step ``dt`` from ``s0`` to ``s1`` (rates ``k0``,
    ``k1``): cubic Hermite interpolants of the position (from position and velocity at both ends) and of
    the velocity (from velocity and acceleration)."""
    return (_hermite(s0[0], k0[0], s1[0], k1[0], theta, dt), _hermite(s0[1], k0[1], s1[1], k1[1], theta, dt),
            _hermite(s0[2], k0[2], s1[2], k1[2], theta, dt), _hermite(s0[3], k0[3], s1[3], k1[3], theta, dt),
            _hermite(s0[4], k0[4], s1[4], k1[4], theta, dt), _hermite(s0[5], k0[5], s1[5], k1[5], theta, dt))


@kernel
def _locate(s0, k0, s1, k1, dt, h0, h1, level):
    """Where in the step the altitude reaches ``level`` (altitudes ``h0``, ``h1`` at its ends): a few
    safeguarded secant iterations (regula falsi with bracketing) on :func:`_state_at`; returns
    ``(theta, state)``."""
    th_lo, th_hi = 0.0, 1.0
    f_lo, f_hi = h0 - level, h1 - level
    denom = f_lo - f_hi
    theta = min(max(f_lo / (denom if denom != 0 else 1.0), 0.0), 1.0)
    for _ in range(6):
        S = _state_at(s0, k0, s1, k1, theta, dt)
        f = _altitude_m(S[0], S[1], S[2]) - level
        if f > 0:
            th_lo, f_lo = theta, f
        else:
            th_hi, f_hi = theta, f
        denom = f_lo - f_hi
        if denom != 0:
            theta = th_lo + (th_hi - th_lo) * f_lo / denom
    return theta, _state_at(s0, k0, s1, k1, theta, dt)


@kernel
def _mark(events, e, j, t, s):
    """Event ``e`` of sample ``j`` at ``t`` in state ``s``: time, altitude, air speed (callers pass ``e`` as a
    typed int, ``np.intp``: a literal one would compile a copy for each event)."""
    ux, uy, uz = _air_velocity(s[0], s[1], s[3], s[4], s[5])
    events[e, 0, j], events[e, 1, j], events[e, 2, j] = t, _altitude_m(s[0], s[1], s[2]), np.sqrt(ux * ux + uy * uy + uz * uz)


@kernel
def _clock_end(phase, t_phase, P, j, seq):
    """When sample ``j``'s phase ends on the clock (inf if on altitude)."""
    if phase == COAST0:
        return P[ed.BURN_START_ROW, j]
    if phase == BURN:
        return P[ed.BURN_START_ROW, j] + P[ed.BURN_DURATION_ROW, j]
    if phase == COAST:  # COAST begins as the burn ends
        return t_phase + seq[_SEPARATION_DELAY]
    if phase == DROGUE:
        return t_phase + seq[_DROGUE_DURATION]
    if phase == MAIN:
        return t_phase + seq[_MAIN_FILL] + seq[_MAIN_SETTLE]
    return np.inf


@kernel
def _impulse(s, P, j):
    """Sample ``j``'s impulsive deorbit burn on state ``s``."""
    tx, ty, tz = ed.thrust_direction(s[0], s[1], s[2], s[3], s[4], s[5], P[ed.PITCH_ROW, j], P[ed.YAW_ROW, j])
    dv = P[ed.BURN_DV_ROW, j]
    return (s[0], s[1], s[2], s[3] + dv * tx, s[4] + dv * ty, s[5] + dv * tz)


@kernel
def _record(hist, hist_n, t, s, phase, sensed_g, heat_flux, side):
    """One more row of the history ``hist`` (rows filled: ``hist_n[0]``)."""
    k = hist_n[0]
    hist[k, 0] = t
    for c in range(6):
        hist[k, 1 + c] = s[c]
    hist[k, 7], hist[k, 8], hist[k, 9], hist[k, 10] = phase, sensed_g, heat_flux, side
    hist_n[0] = k + 1


@kernel(nogil=True)
def _fly(Y, clock, ints, tally, events, P, K, seq, trip, cycles, cycle_s, guidance, step, step_thin, t_horizon, hist, hist_n):
    """Fly every sample (column of ``Y`` (6, N), ``clock``, ``ints``) still FLYING on, step after step,
    until its time reaches ``t_horizon`` or it ends (its status); sample 0 stops early when the history
    ``hist`` (rows filled: ``hist_n[0]``; no rows: not recorded) has no room for one more step.
    Per step: the phase changes due on the clock; a guidance cycle if one is due (``cycles``, every
    ``cycle_s`` from the entry interface on, :func:`orbital.models.guidance.sample_command` with ``guidance`` =
    :meth:`~orbital.models.guidance.Guidance.compiled`); the peaks; one RK4 step
    (:func:`orbital.dynamics.entry_dynamics.advance`, by ``step``, or ``step_thin`` in the entry above the
    entry interface while drag damps the air speed by under THIN_AIR_DAMPING a step); the altitude
    events inside it, located (:func:`_locate`; the step ends at the entry interface where the guidance
    starts); the heat load; the phase changes on altitude. ``trip``: each sample's parachute
    command altitude (m). Updates every array in place."""
    onboard = guidance[5].copy()
    for j in range(Y.shape[1]):
        if ints[_STATUS, j] != FLYING:
            continue
        s = (Y[0, j], Y[1, j], Y[2, j], Y[3, j], Y[4, j], Y[5, j])
        t, t_phase, c_cmd, side, t_cycle = clock[_T, j], clock[_T_PHASE, j], clock[_C_CMD, j], clock[_SIDE, j], clock[_T_CYCLE, j]
        phase, status = ints[_PHASE, j], FLYING
        recording = j == 0 and hist.shape[0] > 0
        while status == FLYING and t < t_horizon and not (recording and hist_n[0] + 2 > hist.shape[0]):
            t_next = _clock_end(phase, t_phase, P, j, seq)
            if t >= t_next - 1e-9:
                after = _CLOCK_NEXT[phase]
                _mark(events, _CLOCK_EVENT[phase], j, t, s)
                if phase == COAST0 and P[ed.BURN_DURATION_ROW, j] <= 0.0:
                    s = _impulse(s, P, j)
                    _mark(events, np.intp(_BURN_END_EV), j, t, s)
                    after = COAST
                elif phase == MAIN:
                    vx, vy, vz, _, _ = ed.terminal_velocity_of(P, j, s[0], s[1], s[2])
                    s = (s[0], s[1], s[2], vx, vy, vz)
                # the guidance starts at the entry interface (below it already: at once)
                guided = after == ENTRY and cycles and _altitude_m(s[0], s[1], s[2]) <= seq[_ENTRY_INTERFACE]
                phase, t_phase, t_cycle = after, t, (t if guided else np.inf)
                t_next = _clock_end(phase, t_phase, P, j, seq)
            if t >= t_cycle - 1e-9:
                c_new, side_new = sample_command(t, s, c_cmd, side, P, j, onboard, *guidance)
                if side != 0.0 and side_new != side:
                    ints[_REVERSALS, j] += 1
                c_cmd, side = c_new, side_new
                t_cycle += cycle_s
            k1, diag = ed.rates(t, s, phase, t_phase, P, j, K, c_cmd, side)
            g, q, h0 = diag[0], diag[1], diag[2]
            if g > tally[_PEAK_G, j]:
                tally[_PEAK_G, j], tally[_PEAK_G_ALT, j], tally[_PEAK_G_T, j] = g, h0, t
            if q > tally[_PEAK_Q, j]:
                tally[_PEAK_Q, j], tally[_PEAK_Q_ALT, j] = q, h0
            if recording:
                _record(hist, hist_n, t, s, phase, g, q, side)

            ei = seq[_ENTRY_INTERFACE]
            thin = phase == ENTRY and h0 > ei and diag[5] * step_thin[ENTRY] <= THIN_AIR_DAMPING
            s1, dt, t1, h1 = ed.advance(t, s, k1, diag[5], phase, t_phase, t_next, t_cycle, step_thin if thin else step, P, j, K, c_cmd,
                                        side)
            threshold = -np.inf
            if phase == COAST:
                threshold = seq[_ENTRY_INTERFACE]
            elif phase == ENTRY:  # the parachute command is barometric: each sample's air sets its height
                threshold = trip[j]
            elif phase == DROGUE or phase == MAIN:
                threshold = seq[_GROUND]
            elif phase == TERMINAL:
                threshold = seq[_SOFT_LANDING]
            crossing_ei = phase >= COAST and phase <= ENTRY and h0 > ei and h1 <= ei
            switching = h1 <= threshold
            if switching or crossing_ei:
                k_end, _ = ed.rates(t1, s1, phase, t_phase, P, j, K, c_cmd, side)
                if crossing_ei:
                    theta, S = _locate(s, k1, s1, k_end, dt, h0, h1, ei)
                    t_ei = t + theta * dt
                    _mark(events, np.intp(_ENTRY_INTERFACE_EV), j, t_ei, S)
                    if phase == ENTRY and cycles:  # the step ends where the guidance starts (the parachute's altitude is below)
                        s1, t1, h1, switching, t_cycle = S, t_ei, ei, False, t_ei
                if switching:
                    theta, s1 = _locate(s, k1, s1, k_end, dt, h0, h1, threshold)
                    t1 = t + theta * dt
                    if phase == TERMINAL:  # quasi-steady: the velocity is the terminal one where it got to
                        vx, vy, vz, _, _ = ed.terminal_velocity_of(P, j, s1[0], s1[1], s1[2])
                        s1 = (s1[0], s1[1], s1[2], vx, vy, vz)
            tally[_HEAT_LOAD, j] += q * (t1 - t)  # the step as cut by an altitude event
            s, t = s1, t1

            if switching:  # in air so thin that the parachute command's pressure never comes, the entry ends on the ground
                grounded = phase == ENTRY and trip[j] <= seq[_GROUND]
                after = LANDED if grounded else _ALTITUDE_NEXT[phase]
                if not grounded and _ALTITUDE_EVENT[phase] >= 0:
                    _mark(events, _ALTITUDE_EVENT[phase], j, t, s)
                if phase == TERMINAL:
                    status = SOFT
                elif grounded or phase == DROGUE or phase == MAIN:  # on the ground at the speed it has
                    status = IMPACT
                phase, t_phase, t_cycle = after, t, (t if after == ENTRY and cycles else np.inf)
            # a NaN time or state (a bad sample: the kernels' divisions give NaN rather than raise) ends it too
            if status == FLYING and not (t <= P[ed.BURN_START_ROW, j] + seq[_MAX_TIME_AFTER_BURN] and h1 == h1):
                status = GIVEN_UP
            if recording and status != FLYING:
                _record(hist, hist_n, t, s, phase, 1.0, 0.0, side)
        for c in range(6):
            Y[c, j] = s[c]
        clock[_T, j], clock[_T_PHASE, j], clock[_C_CMD, j], clock[_SIDE, j], clock[_T_CYCLE, j] = t, t_phase, c_cmd, side, t_cycle
        ints[_PHASE, j], ints[_STATUS, j] = phase, status


@kernel(nogil=True)
def _coast(Y, t0, t1, P, K, step):
    """RK4 on orbit (phase COAST0, the steps of ``step``, the last cut to end exactly at ``t1``) of every
    column of ``Y`` (6, N) from ``t0`` to ``t1``, in place: :func:`_fly`'s arithmetic before the burn."""
    phase = np.intp(COAST0)  # typed, not literal: the descent's own compiled rates and step
    for j in range(Y.shape[1]):
        s = (Y[0, j], Y[1, j], Y[2, j], Y[3, j], Y[4, j], Y[5, j])
        t = t0
        while t < t1 - 1e-9:
            k1, diag = ed.rates(t, s, phase, t0, P, j, K, 0.0, 0.0)
            s, _, t, _ = ed.advance(t, s, k1, diag[5], phase, t0, t1, np.inf, step, P, j, K, 0.0, 0.0)
        for c in range(6):
            Y[c, j] = s[c]


def coast(Y0, t0, t1, params, seq):
    """The whole Soyuz on orbit before its burn (phase COAST0: drag, no engine), states ``Y0`` (N, 6) at
    ``t0`` to ``t1`` (s since the epoch, before any sample's burn), compiled; returns (N, 6). The
    footprints fly the coast their samples share once with it."""
    from orbital.models.guidance import Guidance

    Y = np.asarray(Y0, dtype=float).T.copy()
    _coast(Y, float(t0), float(t1), params.matrix(), ed.kernel_constants(seq, Guidance()), STEP_S)
    return Y.T


def _sequence_numbers(seq):
    """The :class:`~orbital.dynamics.entry_dynamics.Sequence`'s numbers that :func:`_fly` takes."""
    return np.array([seq.separation_delay_s, seq.drogue_duration_s, seq.main_fill_s, seq.main_settle_s, seq.entry_interface_altitude_m,
                     seq.ground_altitude_m, seq.soft_landing_altitude_m, seq.max_time_after_burn_s])


def integrate(Y0, t0, params, seq, guidance, phase0=COAST0, record=False, step_scale=1.0, progress=None, cancel=None,
              interpret=None):
    """Integrate N descents from states ``Y0`` (N, 6) at times ``t0`` (scalar or (N,)) to touchdown.

    ``params`` is a :class:`~orbital.dynamics.entry_dynamics.SampleParams` of N samples,
    ``seq`` the :class:`~orbital.dynamics.entry_dynamics.Sequence`, ``guidance`` a
    :class:`~orbital.models.guidance.Guidance`. ``record`` keeps every step of sample 0
    (for one descent's trajectory). ``progress(t_s)`` is called now and then with
    the time reached by the slowest sample still flying (inf at the end). ``cancel`` (a
    :class:`threading.Event`) is checked every HORIZON_S of flight: once set, :class:`Cancelled` is raised.
    Returns an :class:`Outcome`.

    ``interpret``: fly through the kernels' pure-Python twins (True) or compiled (False); None: as
    :func:`runs_interpreted` says, for the process's first few such descents
    (:func:`orbital.dynamics.compiled.interpret_next_job`).
    """
    Y0 = np.asarray(Y0, dtype=float)
    n = Y0.shape[0]
    if interpret is None:
        interpret = runs_interpreted(n, guidance) and interpret_next_job()
    t = np.broadcast_to(np.asarray(t0, dtype=float), (n,))
    Y = Y0.T.copy()
    # the guidance starts at the entry interface (an entry begun below it: at once)
    guided = phase0 == ENTRY and guidance.cycles and ed.altitude_m(Y0[:, 0], Y0[:, 1], Y0[:, 2]) <= seq.entry_interface_altitude_m
    clock = np.stack([t, t, np.full(n, guidance.c0), np.zeros(n), np.where(guided, t, np.inf)])
    ints = np.zeros((3, n), dtype=np.intp)
    ints[_PHASE] = phase0
    tally = np.zeros((6, n))
    tally[[_PEAK_G_ALT, _PEAK_G_T, _PEAK_Q_ALT]] = np.nan
    events = np.full((len(EVENT_NAMES), 3, n), np.nan)
    hist, hist_n = np.empty((1024 if record else 0, _HISTORY_COLUMNS)), np.zeros(1, dtype=np.intp)
    args = (params.matrix(), ed.kernel_constants(seq, guidance), _sequence_numbers(seq),
            np.asarray(barometric_trip_altitude_m(seq.parachute_altitude_m, params.density_scale), dtype=float),
            guidance.cycles, float(guidance.cycle_s), guidance.compiled(), STEP_S * step_scale, _thin_air_steps(guidance) * step_scale)
    while True:
        flying = ints[_STATUS] == FLYING
        if not np.any(flying):
            break
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        if record and hist_n[0] + 2 > hist.shape[0]:
            hist = np.concatenate([hist, np.empty_like(hist)])
        t_slowest = float(clock[_T, flying].min())
        if progress is not None:
            progress(t_slowest)
        with np.errstate(all="ignore") if interpret else contextlib.nullcontext():  # numba's arithmetic does not warn
            (interpreted(_fly) if interpret else _fly)(Y, clock, ints, tally, events, *args, t_slowest + HORIZON_S, hist, hist_n)
    if progress is not None:
        progress(np.inf)
    return _outcome(Y, clock, ints, tally, events, params, seq, hist[:hist_n[0]] if record else None, interpret)


def _thin_air_steps(guidance):
    """:data:`STEP_S` with :data:`THIN_AIR_STEP_S` for the entry above the entry interface (:func:`_fly`'s
    ``step_thin``); a ballistic module's as it is (its spin, 13 deg/s, needs the entry's step)."""
    steps = STEP_S.copy()
    if guidance.mode != "ballistic":
        steps[ENTRY] = THIN_AIR_STEP_S
    return steps


def runs_interpreted(n, guidance):
    """Whether :func:`integrate` may fly ``n`` descents under ``guidance`` through the kernels' pure-Python
    twins (:func:`orbital.dynamics.compiled.interpreted`), not compiled: for one descent under a
    table law (every mode but the predictor-corrector, which flies a prediction of the rest of the
    entry every guidance cycle). Such a descent takes a quarter of a second interpreted (a few thousand
    RK4 steps); compiled, the first run after installing compiles its kernels for 6 to 10 s, and
    every later one loads them from the cache in about 0.5 s. The numbers agree (the same IEEE
    arithmetic, tests/test_reentry_parity.py)."""
    return n == 1 and guidance.mode != "predictor_corrector"


def _outcome(Y, clock, ints, tally, events, params, seq, history, interpret=False):
    """The :class:`Outcome` of :func:`_fly`'s arrays: touchdowns (the soft landings' last metre in
    closed form), events, peaks; ``history`` (rows of :data:`_HISTORY_COLUMNS`) if recorded; ``interpret``:
    :func:`runs_interpreted`."""
    n = Y.shape[1]
    r, t_td, v_td = np.full((n, 3), np.nan), np.full(n, np.nan), np.full(n, np.nan)
    impact, soft = ints[_STATUS] == IMPACT, ints[_STATUS] == SOFT
    r[impact], t_td[impact], v_td[impact] = Y[:3, impact].T, clock[_T, impact], _speed(np.ascontiguousarray(Y[:, impact]))
    if np.any(soft):
        r_td, duration, v, _ = ed.touchdown(Y[:, soft], params.subset(soft), seq, interpret)
        r[soft], t_td[soft], v_td[soft] = r_td.T, clock[_T, soft] + duration, v
    named = {name: {k: events[e, row] for row, k in enumerate(("t", "alt", "speed"))} for e, name in enumerate(EVENT_NAMES)}
    landed = impact | soft
    named["touchdown"]["t"][landed], named["touchdown"]["alt"][landed], named["touchdown"]["speed"][landed] = t_td[landed], 0.0, v_td[landed]
    out = Outcome(landed=np.isfinite(t_td), r_touchdown=r, t_touchdown=t_td, v_touchdown=v_td, events=named,
                  peak_g=tally[_PEAK_G], peak_g_alt=tally[_PEAK_G_ALT], peak_g_t=tally[_PEAK_G_T], peak_heat=tally[_PEAK_Q],
                  peak_heat_alt=tally[_PEAK_Q_ALT], bank_reversals=ints[_REVERSALS].copy(), heat_load_j_m2=tally[_HEAT_LOAD])
    if history is not None:
        out.history = {"t": history[:, 0], "Y": history[:, 1:7], "phase": history[:, 7].astype(np.intp), "sensed_g": history[:, 8],
                       "heat_flux_w_m2": history[:, 9], "bank_side": history[:, 10]}
    return out
