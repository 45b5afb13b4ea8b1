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

- time events (burn start and end, guidance cycles, main canopy deployment, main
  settled) cut the step so that it ends on them;
- altitude events (module separation, parachute command, soft-landing engines,
  and the entry interface, which is only recorded) are located inside the step on
  cubic Hermite interpolants of the position (from position and velocity at both
  ends) and of the velocity (from velocity and acceleration): a few secant
  iterations on the altitude; the sample restarts from the interpolated state.

Samples that land leave the working arrays, so the cost follows the samples still
flying. The result is bit-for-bit reproducible for the same inputs.

The reference path, one descent through poliastro's Cowell, is
:func:`orbital.propagation.descent_reference.integrate_reference`; the two agree on landing
points to metres (tests/test_reentry_parity.py).
"""

import os
import threading
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, fields

import numpy as np

from orbital.dynamics import entry_dynamics as ed
from orbital.dynamics.compiled import kernel
from orbital.dynamics.entry_dynamics import BURN, COAST, COAST0, DROGUE, ENTRY, LANDED, MAIN, TERMINAL

#: Fixed step (s) of the fast path in each phase (COAST0 .. TERMINAL).
STEP_S = np.array([20.0, 10.0, 10.0, 1.0, 0.5, 0.5, 10.0, 0.0])
#: Step (s) of the entry while still above HIGH_ENTRY_ALTITUDE_M (thin air, weak forces).
HIGH_ENTRY_STEP_S, HIGH_ENTRY_ALTITUDE_M = 2.0, 70.0e3

#: Fewest samples worth a thread of their own in :func:`integrate_in_threads`.
MIN_SAMPLES_PER_THREAD = 500
#: Samples per chunk of work in :func:`integrate_in_threads`. A chunk costs about 1 ms of CPU per
#: sample plus some 0.2 s for its ~900 steps whatever its size (measured: 1 sample 0.17 s, 4,000
#: samples 4.4 s), so 2,000 keeps that overhead near 10 % while the threads share the work evenly.
CHUNK_SAMPLES = 2000
#: Wall time (s) between two looks of :func:`integrate_in_threads` at its chunks (progress, errors, Ctrl-C).
PROGRESS_PERIOD_S = 0.25


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
    history: dict = field(default_factory=dict)  # with record=True: t (M,), Y (M, 6), phase, sensed_g, heat, bank_side

    @classmethod
    def concatenate(cls, parts):
        """One outcome of the samples of ``parts`` (in order); histories are not kept."""
        per_sample = [f.name for f in fields(cls) if f.name not in ("events", "history")]
        events = {name: {k: np.concatenate([p.events[name][k] for p in parts]) for k in parts[0].events[name]} for name in parts[0].events}
        return cls(**{name: np.concatenate([getattr(p, name) for p in parts]) for name in per_sample}, events=events)


def _empty_events(n):
    return {name: {k: np.full(n, np.nan) for k in ("t", "alt", "speed")} for name in EVENT_NAMES}


def _speed(Y):
    ux, uy, uz = ed.air_velocity(Y[0], Y[1], Y[3], Y[4], Y[5])
    return np.sqrt(ux * ux + uy * uy + uz * uz)


def _hermite(y0, d0, y1, d1, theta, dt):
    """Cubic Hermite at fraction ``theta`` of a step ``dt`` (arrays broadcast over rows)."""
    t2, t3 = theta * theta, theta * theta * theta
    return (2 * t3 - 3 * t2 + 1) * y0 + (t3 - 2 * t2 + theta) * dt * d0 + (-2 * t3 + 3 * t2) * y1 + (t3 - t2) * dt * d1


def _time_event(t_phase, phase, p, seq):
    """Time at which each sample's current phase ends on the clock (inf if on altitude)."""
    out = np.full(phase.shape, np.inf)
    out = np.where(phase == COAST0, p.burn_start_s, out)
    out = np.where(phase == BURN, p.burn_start_s + p.burn_duration_s, out)
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


_ALTITUDE_SWITCH = {
    COAST: "separation_altitude_m",
    ENTRY: "parachute_altitude_m",
    DROGUE: "ground_altitude_m",  # under a canopy not yet settled: the ground ends the flight as it is
    MAIN: "ground_altitude_m",
    TERMINAL: "soft_landing_altitude_m",
}
_SWITCH_EVENT = {COAST: "separation", ENTRY: "parachute", TERMINAL: "soft_landing"}


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
    events = _empty_events(n)
    out_r = np.full((n, 3), np.nan)
    out_t = np.full(n, np.nan)
    out_v = np.full(n, np.nan)
    peak_g = np.zeros(n)
    peak_g_alt = np.full(n, np.nan)
    peak_g_t = np.full(n, np.nan)
    peak_q = np.zeros(n)
    peak_q_alt = np.full(n, np.nan)
    reversals = np.zeros(n, dtype=np.intp)

    Y = Y0.T.copy()
    t = np.broadcast_to(np.asarray(t0, dtype=float), (n,)).copy()
    phase = np.full(n, phase0, dtype=np.intp)
    t_phase = t.copy()
    # guidance commands, held between cycles: vertical lift fraction, bank side, next cycle time
    c_cmd, side, t_cycle = np.full(n, guidance.c0), np.zeros(n), np.full(n, np.inf)
    if guidance.cycles:
        t_cycle[phase == ENTRY] = t[phase == ENTRY]
    idx = np.arange(n)  # original index of each working sample
    p = params
    P, K = p.matrix(), ed.kernel_constants(seq, guidance)
    step = STEP_S * step_scale
    step_high_entry = HIGH_ENTRY_STEP_S * step_scale
    history = {"t": [], "Y": [], "phase": [], "sensed_g": [], "heat_flux_w_m2": [], "bank_side": []} if record else None
    steps = 0

    def mark(name, local_mask, tt, YY):
        where = idx[local_mask]
        YY = np.ascontiguousarray(YY)
        events[name]["t"][where] = tt
        events[name]["alt"][where] = ed.altitude_m(YY[0], YY[1], YY[2])
        events[name]["speed"][where] = _speed(YY)

    while idx.size:
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        # --- time events due now
        t_next = _time_event(t_phase, phase, p, seq)
        due = t >= t_next - 1e-9
        if np.any(due):
            phase_before = phase.copy()
            for ph in (COAST0, BURN, DROGUE, MAIN):
                m = due & (phase_before == ph)
                if not np.any(m):
                    continue
                if ph == COAST0:
                    mark("burn_start", m, t[m], Y[:, m])
                    impulsive = m & (p.burn_duration_s <= 0.0)
                    if np.any(impulsive):
                        apply_impulse(Y, p, impulsive)
                        mark("burn_end", impulsive, t[impulsive], Y[:, impulsive])
                    phase[m] = np.where(impulsive[m], COAST, BURN)
                elif ph == BURN:
                    mark("burn_end", m, t[m], Y[:, m])
                    phase[m] = COAST
                elif ph == DROGUE:
                    mark("main_canopy", m, t[m], Y[:, m])
                    phase[m] = MAIN
                else:
                    mark("main_settled", m, t[m], Y[:, m])
                    phase[m] = TERMINAL
                    _set_terminal_velocity(Y, p, m)
                t_phase[m] = t[m]
            t_next = _time_event(t_phase, phase, p, seq)

        # --- guidance cycles due now (new commands, held over the next cycle)
        cycle = t >= t_cycle - 1e-9
        if np.any(cycle):
            c_new, side_new = guidance.command(t[cycle], Y[:, cycle], c_cmd[cycle], side[cycle])
            reversals[idx[cycle]] += (side[cycle] != 0.0) & (side_new != side[cycle])
            c_cmd[cycle], side[cycle] = c_new, side_new
            t_cycle[cycle] += guidance.cycle_s

        k1, diag = np.empty_like(Y), np.empty((len(ed.DIAGNOSTICS), idx.size))
        ed.rates_into(t, Y, phase, t_phase, P, K, c_cmd, side, k1, diag)
        g, q, h0 = diag[0], diag[1], diag[2]
        _track_peaks(idx, phase, t, diag, peak_g, peak_g_alt, peak_g_t, peak_q, peak_q_alt)
        if record and idx[0] == 0:
            history["t"].append(t[0])
            history["Y"].append(Y[:, 0].copy())
            history["phase"].append(phase[0])
            history["sensed_g"].append(g[0])
            history["heat_flux_w_m2"].append(q[0])
            history["bank_side"].append(side[0])

        # --- one RK4 step, every sample with its own dt; altitude events inside it
        Y1, t1, dt, h1 = np.empty_like(Y), np.empty_like(t), np.empty_like(t), np.empty_like(t)
        ed.advance_into(t, Y, k1, h0, diag[5], phase, t_phase, t_next, t_cycle, step, step_high_entry, HIGH_ENTRY_ALTITUDE_M, P, K, c_cmd, side, Y1, t1, dt, h1)
        thresholds = np.full(idx.size, -np.inf)
        for ph, attr in _ALTITUDE_SWITCH.items():
            thresholds[phase == ph] = getattr(seq, attr)
        ei = seq.entry_interface_altitude_m
        crossing_ei = (phase >= COAST) & (phase <= ENTRY) & (h0 > ei) & (h1 <= ei)
        switching = h1 <= thresholds
        crossing = switching | crossing_ei
        finished = np.zeros(idx.size, dtype=bool)
        if np.any(crossing):
            c = np.flatnonzero(crossing)
            pc = p.subset(c)
            k_end = ed.derivatives(t1[c], Y1[:, c], phase[c], t_phase[c], pc, seq, guidance, command=(c_cmd[c], side[c]))
            Ya, Yb, ka, dtc = Y[:, c], Y1[:, c], k1[:, c], dt[c]

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
                full = np.zeros(idx.size, dtype=bool)
                full[c[m]] = True
                mark("entry_interface", full, (t[c] + theta * dtc)[m], S[:, m])
            sw = switching[c]
            if np.any(sw):
                theta, S = locate(thresholds[c])
                cs = c[sw]
                tc = (t[c] + theta * dtc)[sw]
                Y1[:, cs] = S[:, sw]
                t1[cs] = tc
                full = np.zeros(idx.size, dtype=bool)
                full[cs] = True
                for ph in (COAST, ENTRY, TERMINAL):
                    m = full & (phase == ph)
                    if np.any(m):
                        mark(_SWITCH_EVENT[ph], m, t1[m], Y1[:, m])
                land = full & (phase == TERMINAL)
                impact = full & ((phase == DROGUE) | (phase == MAIN))
                phase[full] = np.where(impact[full], LANDED, phase[full] + 1)  # COAST -> ENTRY, ENTRY -> DROGUE, TERMINAL -> LANDED
                t_phase[full] = t1[full]
                t_cycle[full] = np.where((phase[full] == ENTRY) & guidance.cycles, t1[full], np.inf)
                if np.any(impact):  # on the ground at the speed it has (the engines need the steady descent)
                    w = idx[impact]
                    out_r[w] = Y1[:3, impact].T
                    out_t[w] = t1[impact]
                    out_v[w] = _speed(np.ascontiguousarray(Y1[:, impact]))
                    events["touchdown"]["t"][w] = out_t[w]
                    events["touchdown"]["alt"][w] = 0.0
                    events["touchdown"]["speed"][w] = out_v[w]
                    finished |= impact
                if np.any(land):
                    r_td, duration, v_td, _ = ed.touchdown(Y1[:, land], p.subset(land), seq)
                    w = idx[land]
                    out_r[w] = r_td.T
                    out_t[w] = t1[land] + duration
                    out_v[w] = v_td
                    events["touchdown"]["t"][w] = out_t[w]
                    events["touchdown"]["alt"][w] = 0.0
                    events["touchdown"]["speed"][w] = v_td
                    finished |= land
        Y, t = Y1, t1
        finished |= t > p.burn_start_s + seq.max_time_after_burn_s  # never came down (or a bad sample): left as NaN
        steps += 1
        if np.any(finished):
            if record and finished[0] and idx[0] == 0:
                history["t"].append(t[0])
                history["Y"].append(Y[:, 0].copy())
                history["phase"].append(phase[0])
                history["sensed_g"].append(1.0)
                history["heat_flux_w_m2"].append(0.0)
                history["bank_side"].append(side[0])
            keep = ~finished
            idx, Y, t, phase, t_phase = idx[keep], np.ascontiguousarray(Y[:, keep]), t[keep], phase[keep], t_phase[keep]
            c_cmd, side, t_cycle = c_cmd[keep], side[keep], t_cycle[keep]
            p = p.subset(keep)
            P = p.matrix()
        if progress is not None and (steps % 20 == 0 or not idx.size):
            progress(float(t.min()) if t.size else np.inf)

    outcome = Outcome(
        landed=np.isfinite(out_t),
        r_touchdown=out_r,
        t_touchdown=out_t,
        v_touchdown=out_v,
        events=events,
        peak_g=peak_g,
        peak_g_alt=peak_g_alt,
        peak_g_t=peak_g_t,
        peak_heat=peak_q,
        peak_heat_alt=peak_q_alt,
        bank_reversals=reversals,
    )
    if record:
        outcome.history = {
            "t": np.asarray(history["t"]),
            "Y": np.asarray(history["Y"]),
            "phase": np.asarray(history["phase"]),
            "sensed_g": np.asarray(history["sensed_g"]),
            "heat_flux_w_m2": np.asarray(history["heat_flux_w_m2"]),
            "bank_side": np.asarray(history["bank_side"]),
        }
    return outcome


def clock_fraction(t_start_s, t_end_s):
    """Fraction of the flight from ``t_start_s`` to ``t_end_s`` reached by a clock ``t_s`` (inf: 1)."""
    span = max(t_end_s - t_start_s, 1.0)
    return lambda t_s: 1.0 if not np.isfinite(t_s) else min(max((t_s - t_start_s) / span, 0.0), 1.0)


def integrate_in_threads(Y0, t0, params, seq, guidance, progress=None, n_threads=None, t_end_s=None, chunk_samples=CHUNK_SAMPLES):
    """:func:`integrate` with the samples split into chunks shared by threads (the compiled kernels
    release the GIL): the same :class:`Outcome`, bit for bit, as one call, since every sample is
    integrated on its own. ``n_threads`` defaults to the CPUs this process may use; fewer than
    MIN_SAMPLES_PER_THREAD samples a thread are not split.

    ``progress(fraction_done)`` (an :class:`orbital.progress.Stage`, which throttles) is called from
    the calling thread, each chunk counting by its slowest sample's clock between ``t0`` and
    ``t_end_s`` (the expected last touchdown). An exception in the calling thread (Ctrl-C, SIGTERM
    as SystemExit) sets the chunks' cancel event: running chunks stop at their next step, queued
    ones never start, and the exception goes on within milliseconds."""
    n = len(params)
    t0 = np.broadcast_to(np.asarray(t0, dtype=float), (n,))
    t_start = float(t0.min())
    fraction = clock_fraction(t_start, t_start + 3600.0 if t_end_s is None else t_end_s)
    if n_threads is None:
        n_threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    n_threads = max(1, min(n_threads, n // MIN_SAMPLES_PER_THREAD))
    if n_threads == 1:
        return integrate(Y0, t0, params, seq, guidance, progress=(lambda t_s: progress(fraction(t_s))) if progress else None)
    chunks = np.array_split(np.arange(n), max(n_threads, -(-n // chunk_samples)))
    reached = np.full(len(chunks), t_start)  # each chunk's clock, written by its thread
    cancel = threading.Event()

    def run(k):
        def clock(t_s):
            reached[k] = t_s

        rows = chunks[k]
        return integrate(Y0[rows], t0[rows], params.subset(rows), seq, guidance, progress=clock, cancel=cancel)

    sizes = np.array([c.size for c in chunks], dtype=float) / n
    pool = ThreadPoolExecutor(n_threads)
    futures = [pool.submit(run, k) for k in range(len(chunks))]
    try:
        pending, done_so_far = set(futures), 0.0
        while pending:
            done, pending = wait(pending, timeout=PROGRESS_PERIOD_S, return_when=FIRST_COMPLETED)
            for future in done:
                future.result()  # a chunk's error surfaces now
            if progress:
                done_so_far = max(done_so_far, float(sizes @ np.array([fraction(t) for t in reached])))
                progress(done_so_far)
    except BaseException:
        cancel.set()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return Outcome.concatenate([f.result() for f in futures])

