"""Many descents at once: a batch integrator over an (N, 6) state.

Fast path, :func:`integrate`: classical fourth-order Runge-Kutta on all samples
together, each with its own time, phase and step (the step depends on the phase:
20 s on orbit before the burn, 10 s in the burn and the coast after it, 2 s in the
entry above 70 km and 1 s below, 0.5 s under filling canopies, 10 s in the
quasi-steady descent under the main canopy: the landing point moves by under 2 m
against steps four times shorter), so one numpy operation advances every sample. Where
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

Samples that land leave the working arrays, so the cost follows the samples still
flying. The result is bit-for-bit reproducible for the same inputs.

The reference path, one descent through poliastro's Cowell, is
:func:`orbital.propagation.descent_reference.integrate_reference`; the two agree on landing
points to metres (tests/test_reentry_parity.py).
"""

from dataclasses import dataclass, field

import numpy as np

from orbital.dynamics import entry_dynamics as ed
from orbital.dynamics.atmosphere import barometric_trip_altitude_m
from orbital.dynamics.compiled import kernel
from orbital.dynamics.entry_dynamics import BURN, COAST, COAST0, DROGUE, ENTRY, LANDED, MAIN, TERMINAL

#: Fixed step (s) of the fast path in each phase (COAST0 .. TERMINAL).
STEP_S = np.array([20.0, 10.0, 10.0, 1.0, 0.5, 0.5, 10.0, 0.0])
#: Step (s) of the entry while still above HIGH_ENTRY_ALTITUDE_M (thin air, weak forces).
HIGH_ENTRY_STEP_S, HIGH_ENTRY_ALTITUDE_M = 2.0, 70.0e3


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


def _hermite(y0, d0, y1, d1, theta, dt):
    """Cubic Hermite at fraction ``theta`` of a step ``dt`` (arrays broadcast over rows)."""
    t2, t3 = theta * theta, theta * theta * theta
    return (2 * t3 - 3 * t2 + 1) * y0 + (t3 - 2 * t2 + theta) * dt * d0 + (-2 * t3 + 3 * t2) * y1 + (t3 - t2) * dt * d1


#: Phase changes on the clock: phase -> (next phase, event), when :func:`_time_event` says the
#: phase ends (an impulsive burn goes from COAST0 straight on to COAST).
_ON_THE_CLOCK = {COAST0: (BURN, "burn_start"), BURN: (COAST, "burn_end"), COAST: (ENTRY, "separation"),
                 DROGUE: (MAIN, "main_canopy"), MAIN: (TERMINAL, "main_settled")}
#: Phase changes on altitude: phase -> (the :class:`~orbital.dynamics.entry_dynamics.Sequence` field of
#: the altitude, next phase, event). The whole Soyuz that reaches the entry interface before the
#: separation timer separates there. Under a canopy not yet settled (DROGUE, MAIN) the ground ends the
#: flight at whatever speed the module has (its touchdown is the event).
_ON_ALTITUDE = {
    COAST: ("entry_interface_altitude_m", ENTRY, "separation"),
    ENTRY: ("parachute_altitude_m", DROGUE, "parachute"),
    DROGUE: ("ground_altitude_m", LANDED, None),
    MAIN: ("ground_altitude_m", LANDED, None),
    TERMINAL: ("soft_landing_altitude_m", LANDED, "soft_landing"),
}


def _time_event(t_phase, phase, p, seq):
    """Time at which each sample's current phase ends on the clock (inf if on altitude)."""
    out = np.full(phase.shape, np.inf)
    out = np.where(phase == COAST0, p.burn_start_s, out)
    out = np.where(phase == BURN, p.burn_start_s + p.burn_duration_s, out)
    out = np.where(phase == COAST, t_phase + seq.separation_delay_s, out)  # COAST begins as the burn ends
    out = np.where(phase == DROGUE, t_phase + seq.drogue_duration_s, out)
    out = np.where(phase == MAIN, t_phase + seq.main_fill_s + seq.main_settle_s, out)
    return out


def apply_impulse(Y, p, mask):
    """Impulsive deorbit burn for the samples in ``mask`` (in place)."""
    tx, ty, tz = ed.thrust_direction(*Y[:, mask], p.burn_pitch_rad[mask], p.burn_yaw_rad[mask])
    Y[3, mask] += p.burn_dv_m_s[mask] * tx
    Y[4, mask] += p.burn_dv_m_s[mask] * ty
    Y[5, mask] += p.burn_dv_m_s[mask] * tz


def _set_terminal_velocity(Y, p, mask):
    vx, vy, vz, _, _ = ed.terminal_velocity(Y[0, mask], Y[1, mask], Y[2, mask], p.subset(mask))
    Y[3, mask], Y[4, mask], Y[5, mask] = vx, vy, vz


@kernel(nogil=True)
def _track_peaks(idx, phase, t, diag, peak_g, peak_g_alt, peak_g_t, peak_q, peak_q_alt):
    """Raise the peaks of sensed g (every phase: the burn, the entry, the canopies' opening
    loads; the soft-landing engines' short push below their altitude is not in it) and heat
    flux of the working samples (original indices ``idx``) to the diagnostics ``diag`` at ``t``."""
    for i in range(idx.size):
        j, g, q, h = idx[i], diag[0, i], diag[1, i], diag[2, i]
        if g > peak_g[j]:
            peak_g[j], peak_g_alt[j], peak_g_t[j] = g, h, t[i]
        if q > peak_q[j]:
            peak_q[j], peak_q_alt[j] = q, h


@dataclass
class _Flying:
    """The samples still flying: one column (or entry) per sample in every field, kept in step by
    :meth:`keep`."""

    idx: np.ndarray  # original index of each sample
    Y: np.ndarray  # (6, n) states
    t: np.ndarray  # s since epoch
    phase: np.ndarray
    t_phase: np.ndarray  # when the current phase began
    c_cmd: np.ndarray  # guidance command held between cycles: vertical lift fraction
    side: np.ndarray  # ... and bank side
    t_cycle: np.ndarray  # next guidance cycle (inf: none)
    p: ed.SampleParams
    P: np.ndarray  # p.matrix(), the compiled kernels' view

    def keep(self, mask):
        """The samples in ``mask``."""
        p = self.p.subset(mask)
        return _Flying(self.idx[mask], np.ascontiguousarray(self.Y[:, mask]), self.t[mask], self.phase[mask],
                       self.t_phase[mask], self.c_cmd[mask], self.side[mask], self.t_cycle[mask], p, p.matrix())

    def enter(self, mask, phase, guidance):
        """The samples in ``mask`` begin ``phase`` (scalar or per sample) now; guidance cycles run in the entry."""
        self.phase[mask] = phase
        self.t_phase[mask] = self.t[mask]
        self.t_cycle[mask] = np.where((self.phase[mask] == ENTRY) & guidance.cycles, self.t[mask], np.inf)


class _Tally:
    """What :func:`integrate` records per sample (original indices), filled as the samples fly."""

    def __init__(self, n, record):
        self.events = _empty_events(n)
        self.r = np.full((n, 3), np.nan)
        self.t = np.full(n, np.nan)
        self.v = np.full(n, np.nan)
        self.peak_g, self.peak_g_alt, self.peak_g_t = np.zeros(n), np.full(n, np.nan), np.full(n, np.nan)
        self.peak_q, self.peak_q_alt = np.zeros(n), np.full(n, np.nan)
        self.reversals = np.zeros(n, dtype=np.intp)
        self.heat_load = np.zeros(n)
        self.history = {k: [] for k in ("t", "Y", "phase", "sensed_g", "heat_flux_w_m2", "bank_side")} if record else None

    def mark(self, name, where, t, Y):
        """Event ``name`` of the samples ``where`` (original indices) at times ``t``, states ``Y`` (6, k)."""
        Y = np.ascontiguousarray(Y)
        self.events[name]["t"][where] = t
        self.events[name]["alt"][where] = ed.altitude_m(Y[0], Y[1], Y[2])
        self.events[name]["speed"][where] = _speed(Y)

    def touchdown(self, where, r, t, v):
        """Touchdown of the samples ``where`` at ``r`` (k, 3), times ``t``, speeds ``v``."""
        self.r[where], self.t[where], self.v[where] = r, t, v
        self.events["touchdown"]["t"][where] = self.t[where]
        self.events["touchdown"]["alt"][where] = 0.0
        self.events["touchdown"]["speed"][where] = v

    def step(self, fl, sensed_g, heat_flux_w_m2):
        """Keep sample 0's state in the history (``record``), if it is still flying."""
        if self.history is not None and fl.idx.size and fl.idx[0] == 0:
            for k, value in zip(self.history, (fl.t[0], fl.Y[:, 0].copy(), fl.phase[0], sensed_g, heat_flux_w_m2, fl.side[0])):
                self.history[k].append(value)

    def outcome(self):
        out = Outcome(landed=np.isfinite(self.t), r_touchdown=self.r, t_touchdown=self.t, v_touchdown=self.v, events=self.events,
                      peak_g=self.peak_g, peak_g_alt=self.peak_g_alt, peak_g_t=self.peak_g_t, peak_heat=self.peak_q,
                      peak_heat_alt=self.peak_q_alt, bank_reversals=self.reversals,
                      heat_load_j_m2=self.heat_load)
        if self.history is not None:
            out.history = {k: np.asarray(v) for k, v in self.history.items()}
        return out


def _switch_on_the_clock(fl, tally, seq, guidance):
    """Phase changes due on the clock now (:data:`_ON_THE_CLOCK`); returns when each sample's
    phase next ends on the clock."""
    t_next = _time_event(fl.t_phase, fl.phase, fl.p, seq)
    due = fl.t >= t_next - 1e-9
    if not np.any(due):
        return t_next
    phase_before = fl.phase.copy()
    for ph, (after, event) in _ON_THE_CLOCK.items():
        m = due & (phase_before == ph)
        if not np.any(m):
            continue
        tally.mark(event, fl.idx[m], fl.t[m], fl.Y[:, m])
        if ph == COAST0:
            impulsive = m & (fl.p.burn_duration_s <= 0.0)
            if np.any(impulsive):
                apply_impulse(fl.Y, fl.p, impulsive)
                tally.mark("burn_end", fl.idx[impulsive], fl.t[impulsive], fl.Y[:, impulsive])
            after = np.where(impulsive[m], COAST, BURN)
        elif ph == MAIN:
            _set_terminal_velocity(fl.Y, fl.p, m)
        fl.enter(m, after, guidance)
    return _time_event(fl.t_phase, fl.phase, fl.p, seq)


def _guide(fl, tally, guidance):
    """Guidance cycles due now: new commands, held over the next cycle."""
    cycle = fl.t >= fl.t_cycle - 1e-9
    if np.any(cycle):
        c_new, side_new = guidance.command(fl.t[cycle], fl.Y[:, cycle], fl.c_cmd[cycle], fl.side[cycle], sensed_by=fl.p.subset(cycle))
        tally.reversals[fl.idx[cycle]] += (fl.side[cycle] != 0.0) & (side_new != fl.side[cycle])
        fl.c_cmd[cycle], fl.side[cycle] = c_new, side_new
        fl.t_cycle[cycle] += guidance.cycle_s


def _locate_altitudes(fl, tally, seq, guidance, k1, h0, Y1, t1, dt, h1):
    """Altitude events inside the step from ``fl`` to ``Y1``, ``t1`` (``k1``, ``h0``: rates and
    altitudes at its start; ``dt``, ``h1``: step lengths, altitudes at its end): records the entry
    interface, moves the samples that reach their phase's altitude (:data:`_ON_ALTITUDE`) back to
    it in ``Y1``, ``t1``. Returns the mask of those samples."""
    thresholds = np.full(fl.idx.size, -np.inf)
    for ph, (attr, _, _) in _ON_ALTITUDE.items():
        thresholds[fl.phase == ph] = getattr(seq, attr)
    entry = fl.phase == ENTRY  # the parachute command is barometric: each sample's air sets its height
    thresholds[entry] = barometric_trip_altitude_m(seq.parachute_altitude_m, fl.p.density_scale[entry])
    ei = seq.entry_interface_altitude_m
    crossing_ei = (fl.phase >= COAST) & (fl.phase <= ENTRY) & (h0 > ei) & (h1 <= ei)
    switching = h1 <= thresholds
    crossing = switching | crossing_ei
    if not np.any(crossing):
        return switching
    c = np.flatnonzero(crossing)
    k_end = ed.derivatives(t1[c], Y1[:, c], fl.phase[c], fl.t_phase[c], fl.p.subset(c), seq, guidance,
                           command=(fl.c_cmd[c], fl.side[c]))
    Ya, Yb, ka, dtc = fl.Y[:, c], Y1[:, c], k1[:, c], dt[c]

    def state_at(theta):
        pos = _hermite(Ya[:3], ka[:3], Yb[:3], k_end[:3], theta, dtc)
        vel = _hermite(Ya[3:], ka[3:], Yb[3:], k_end[3:], theta, dtc)
        return np.vstack([pos, vel])

    def locate(level):
        ha, hb = h0[c], h1[c]
        th_lo, th_hi = np.zeros(c.size), np.ones(c.size)
        f_lo, f_hi = ha - level, hb - level
        theta = np.clip(f_lo / np.where(f_lo - f_hi != 0, f_lo - f_hi, 1.0), 0.0, 1.0)
        for _ in range(6):  # safeguarded secant (regula falsi with bracketing)
            S = state_at(theta)
            f = ed.altitude_m(S[0], S[1], S[2]) - level
            above = f > 0
            th_lo, f_lo = np.where(above, theta, th_lo), np.where(above, f, f_lo)
            th_hi, f_hi = np.where(above, th_hi, theta), np.where(above, f_hi, f)
            denom = f_lo - f_hi
            theta = np.where(denom != 0, th_lo + (th_hi - th_lo) * f_lo / np.where(denom != 0, denom, 1.0), theta)
        return theta, state_at(theta)

    if np.any(crossing_ei[c]):
        theta, S = locate(ei)
        m = crossing_ei[c]
        tally.mark("entry_interface", fl.idx[c[m]], (fl.t[c] + theta * dtc)[m], S[:, m])
    sw = switching[c]
    if np.any(sw):
        theta, S = locate(thresholds[c])
        Y1[:, c[sw]] = S[:, sw]
        t1[c[sw]] = (fl.t[c] + theta * dtc)[sw]
    return switching


def _switch_on_altitude(fl, tally, switching, seq, guidance):
    """Phase changes of the samples in ``switching``, now at their phase's altitude
    (:data:`_ON_ALTITUDE`); returns the mask of the samples that touched down."""
    landed = np.zeros(fl.idx.size, dtype=bool)
    if not np.any(switching):
        return landed
    # in air so thin that the parachute command's pressure never comes, the entry ends on the ground
    grounded = switching & (fl.phase == ENTRY)
    grounded[grounded] = barometric_trip_altitude_m(seq.parachute_altitude_m, fl.p.density_scale[grounded]) <= seq.ground_altitude_m
    after = fl.phase.copy()
    for ph, (_, nxt, event) in _ON_ALTITUDE.items():
        m = switching & (fl.phase == ph) & ~grounded
        after[m] = nxt
        if event is not None and np.any(m):
            tally.mark(event, fl.idx[m], fl.t[m], fl.Y[:, m])
    after[grounded] = LANDED
    soft = switching & (fl.phase == TERMINAL)
    impact = switching & ((fl.phase == DROGUE) | (fl.phase == MAIN)) | grounded
    fl.enter(switching, after[switching], guidance)
    if np.any(impact):  # on the ground at the speed it has (the engines need the steady descent)
        tally.touchdown(fl.idx[impact], fl.Y[:3, impact].T, fl.t[impact], _speed(np.ascontiguousarray(fl.Y[:, impact])))
    if np.any(soft):
        r_td, duration, v_td, _ = ed.touchdown(fl.Y[:, soft], fl.p.subset(soft), seq)
        tally.touchdown(fl.idx[soft], r_td.T, fl.t[soft] + duration, v_td)
    return impact | soft


def integrate(Y0, t0, params, seq, guidance, phase0=COAST0, record=False, step_scale=1.0, progress=None, cancel=None):
    """Integrate N descents from states ``Y0`` (N, 6) at times ``t0`` (scalar or (N,)) to touchdown.

    ``params`` is a :class:`~orbital.dynamics.entry_dynamics.SampleParams` of N samples,
    ``seq`` the :class:`~orbital.dynamics.entry_dynamics.Sequence`, ``guidance`` a
    :class:`~orbital.models.guidance.Guidance`. ``record`` keeps every step of sample 0
    (for one descent's trajectory). ``progress(t_s)`` is called now and then with
    the time reached by the slowest sample still flying (inf at the end). ``cancel`` (a
    :class:`threading.Event`) is checked at every step: once set, :class:`Cancelled` is raised.
    Returns an :class:`Outcome`.
    """
    Y0 = np.asarray(Y0, dtype=float)
    n = Y0.shape[0]
    tally = _Tally(n, record)
    t = np.broadcast_to(np.asarray(t0, dtype=float), (n,)).copy()
    phase = np.full(n, phase0, dtype=np.intp)
    fl = _Flying(np.arange(n), Y0.T.copy(), t, phase, t.copy(), np.full(n, guidance.c0), np.zeros(n),
                 np.where((phase == ENTRY) & guidance.cycles, t, np.inf), params, params.matrix())
    K = ed.kernel_constants(seq, guidance)
    step, step_high_entry = STEP_S * step_scale, HIGH_ENTRY_STEP_S * step_scale
    steps = 0
    while fl.idx.size:
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        t_next = _switch_on_the_clock(fl, tally, seq, guidance)
        _guide(fl, tally, guidance)
        k1, diag = np.empty_like(fl.Y), np.empty((len(ed.DIAGNOSTICS), fl.idx.size))
        ed.rates_into(fl.t, fl.Y, fl.phase, fl.t_phase, fl.P, K, fl.c_cmd, fl.side, k1, diag)
        _track_peaks(fl.idx, fl.phase, fl.t, diag, tally.peak_g, tally.peak_g_alt, tally.peak_g_t, tally.peak_q, tally.peak_q_alt)
        tally.step(fl, diag[0, 0], diag[1, 0])

        # one RK4 step, every sample with its own dt; altitude events inside it
        Y1, t1, dt, h1 = np.empty_like(fl.Y), np.empty_like(fl.t), np.empty_like(fl.t), np.empty_like(fl.t)
        ed.advance_into(fl.t, fl.Y, k1, diag[2], diag[5], fl.phase, fl.t_phase, t_next, fl.t_cycle, step, step_high_entry,
                        HIGH_ENTRY_ALTITUDE_M, fl.P, K, fl.c_cmd, fl.side, Y1, t1, dt, h1)
        switching = _locate_altitudes(fl, tally, seq, guidance, k1, diag[2], Y1, t1, dt, h1)
        tally.heat_load[fl.idx] += diag[1] * (t1 - fl.t)  # the step as cut by an altitude event
        fl.Y, fl.t = Y1, t1
        finished = _switch_on_altitude(fl, tally, switching, seq, guidance)
        finished |= fl.t > fl.p.burn_start_s + seq.max_time_after_burn_s  # never came down (or a bad sample): left as NaN
        steps += 1
        if np.any(finished):
            if finished[0]:
                tally.step(fl, 1.0, 0.0)
            fl = fl.keep(~finished)
        if progress is not None and (steps % 20 == 0 or not fl.idx.size):
            progress(float(fl.t.min()) if fl.t.size else np.inf)
    return tally.outcome()
