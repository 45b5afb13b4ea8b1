"""The reference path of a Soyuz descent: one descent, phase by phase, with poliastro's Cowell
propagator (DOP853, ``rtol``) through :mod:`orbital.propagation.astro`, the same
:func:`orbital.dynamics.entry_dynamics.derivatives` as the perturbation, and altitude events
found by Brent's method on repeated Cowell calls; the quasi-steady terminal descent (a
first-order ODE, which Cowell cannot take) goes through scipy's DOP853 with an event function.
It agrees with the fast path, :func:`orbital.propagation.batch_integrator.integrate`, on landing
points to metres (tests/test_reentry_parity.py). Slow, and kept out of the fast path's module.
"""

import numpy as np

from orbital.dynamics import entry_dynamics as ed
from orbital.dynamics.atmosphere import barometric_trip_altitude_m
from orbital.dynamics.entry_dynamics import BURN, COAST, COAST0, DROGUE, ENTRY, MAIN
from orbital.propagation import astro
from orbital.propagation.batch_integrator import Outcome, _empty_events, _set_terminal_velocity, _speed, apply_impulse


def integrate_reference(Y0, t0, params, seq, guidance, rtol=1e-11, grid_s=2.0):
    """One descent (``params`` of one sample) through poliastro's Cowell; returns an :class:`Outcome`.

    Events are located to about a microsecond; peaks are not sampled (NaN). A
    lifting entry is integrated cycle by cycle from the entry interface on, each with its held
    guidance command (above it, the plan's ``c0`` and no side, as the fast path).
    """
    from scipy.integrate import solve_ivp
    from scipy.optimize import brentq

    mu = astro.earth_mu_m3_s2()
    Y = np.asarray(Y0, dtype=float).reshape(6).copy()
    t = float(t0)
    p = params
    events = _empty_events(1)
    held = {"command": (np.array([guidance.c0]), np.zeros(1)), "reversals": 0}

    def mark(name, tt, YY):
        events[name]["t"][0] = tt
        YY = np.asarray(YY, dtype=float).reshape(6, 1)
        events[name]["alt"][0] = float(ed.altitude_m(*YY[:3, 0]))
        events[name]["speed"][0] = float(_speed(YY)[0])

    def segment(phase, t_start, t_phase):
        ph = np.array([phase])
        tp = np.array([t_phase])
        command = held["command"]

        def perturbation(tau, state):
            state = np.asarray(state, dtype=float)
            dY = ed.derivatives(np.array([t_start + tau]), state[:, None], ph, tp, p, seq, guidance, command=command)[:, 0]
            r = state[:3]
            return dY[3:] + mu * r / np.linalg.norm(r) ** 3

        return perturbation

    def propagate(Ystart, t_start, phase, t_phase, tofs):
        rr, vv = astro.cowell_propagate(Ystart[:3], Ystart[3:], tofs, segment(phase, t_start, t_phase), rtol)
        return np.hstack([rr, vv])

    def until_time(Ystart, t_start, phase, t_end):
        return propagate(Ystart, t_start, phase, t_start, [t_end - t_start])[-1]

    def until_altitude(Ystart, t_start, phase, level, guided=True):
        """Integrate on a grid until the altitude drops to ``level``; refine by Brent.

        In a lifting entry (``guided``) the grid is the guidance cycle and the command is renewed
        at every grid point. Returns ``(t, state)`` at the crossing.
        """
        cycles = phase == ENTRY and guidance.cycles and guided
        chunk = np.array([guidance.cycle_s]) if cycles else np.arange(1, 11) * grid_s
        base_Y, base_t = Ystart, t_start

        def crossing(Ya, ta, tau_b, lv):
            # the altitude reaches lv between ta (state Ya) and ta + tau_b, under the held command
            g = lambda tau: float(ed.altitude_m(*(Ya if tau <= 0 else propagate(Ya, ta, phase, t_start, [tau])[-1])[:3])) - lv
            tau = brentq(g, 0.0, tau_b, xtol=1e-9, rtol=1e-14)
            return ta + tau, (Ya if tau <= 0 else propagate(Ya, ta, phase, t_start, [tau])[-1])

        while True:
            if cycles:
                before = held["command"][1].copy()
                held["command"] = guidance.command(np.array([base_t]), base_Y[:, None], *held["command"], sensed_by=p)
                held["reversals"] += int((before[0] != 0.0) and held["command"][1][0] != before[0])
            states = propagate(base_Y, base_t, phase, t_start, chunk)
            h = ed.altitude_m(states[:, 0], states[:, 1], states[:, 2])
            below = np.flatnonzero(h <= level)
            if below.size:
                k = below[0]
                Ya, ta = (base_Y, base_t) if k == 0 else (states[k - 1], base_t + chunk[k - 1])
                return crossing(Ya, ta, chunk[k] - (chunk[k - 1] if k else 0.0), level)
            base_Y, base_t = states[-1], base_t + chunk[-1]
            if base_t - p.burn_start_s[0] > seq.max_time_after_burn_s:
                raise RuntimeError("the reference descent never reached the altitude event")

    # before the burn, the burn, the coast
    if p.burn_start_s[0] > t:
        Y = until_time(Y, t, COAST0, p.burn_start_s[0])
        t = float(p.burn_start_s[0])
    mark("burn_start", t, Y[:, None])
    if p.burn_duration_s[0] > 0.0:
        t_end = t + float(p.burn_duration_s[0])
        Y = until_time(Y, t, BURN, t_end)
        t = t_end
    else:
        Yc = Y[:, None].copy()
        apply_impulse(Yc, p, np.array([True]))
        Y = Yc[:, 0]
    mark("burn_end", t, Y[:, None])
    # the separation timer, or the entry interface if the whole Soyuz gets there first (the coast
    # falls all the way: the altitude at the timer tells which)
    ei = seq.entry_interface_altitude_m
    t_separation = t + seq.separation_delay_s
    Y_timer = until_time(Y, t, COAST, t_separation)
    separated_above = ed.altitude_m(*Y_timer[:3]) > ei
    t, Y = (t_separation, Y_timer) if separated_above else until_altitude(Y, t, COAST, ei)
    mark("separation", t, Y[:, None])
    if separated_above:  # the guidance starts at the entry interface
        t, Y = until_altitude(Y, t, ENTRY, ei, guided=False)
    mark("entry_interface", t, Y[:, None])
    command_m = float(barometric_trip_altitude_m(seq.parachute_altitude_m, p.density_scale[0]))
    t, Y = until_altitude(Y, t, ENTRY, command_m)

    def until_time_or_ground(Ystart, t_start, phase, t_end):
        """Integrate a canopy phase (begun at ``t_start``) to ``t_end``, or to the ground if it
        comes first (Brent on the grid step that crosses it); returns ``(t, state, on_ground)``."""
        span = t_end - t_start
        tofs = np.append(np.arange(1, int(span / grid_s) + 1) * grid_s, span)
        tofs = np.unique(tofs[tofs <= span])
        states = propagate(Ystart, t_start, phase, t_start, tofs)
        h = ed.altitude_m(states[:, 0], states[:, 1], states[:, 2])
        below = np.flatnonzero(h <= seq.ground_altitude_m)
        if not below.size:
            return t_end, states[-1], False
        k = below[0]
        tau_a = tofs[k - 1] if k else 0.0
        state_at = lambda tau: Ystart if tau <= 0 else propagate(Ystart, t_start, phase, t_start, [tau])[-1]
        g = lambda tau: float(ed.altitude_m(*state_at(tau)[:3])) - seq.ground_altitude_m
        tau = brentq(g, tau_a, tofs[k], xtol=1e-9, rtol=1e-14)
        return t_start + tau, state_at(tau), True

    def impact(tt, YY):
        """Touchdown before the steady descent: at the speed the module has."""
        events["touchdown"]["t"][0] = tt
        events["touchdown"]["alt"][0] = 0.0
        speed = float(_speed(np.asarray(YY, dtype=float).reshape(6, 1))[0])
        events["touchdown"]["speed"][0] = speed
        nan = np.full(1, np.nan)
        return Outcome(
            landed=np.array([True]), r_touchdown=np.asarray(YY[:3], dtype=float)[None, :], t_touchdown=np.array([tt]),
            v_touchdown=np.array([speed]), events=events, peak_g=nan, peak_g_alt=nan, peak_g_t=nan, peak_heat=nan,
            peak_heat_alt=nan, bank_reversals=np.array([held["reversals"]]),
        )

    if command_m <= seq.ground_altitude_m:  # the command's pressure never came: on the ground
        return impact(t, Y)
    mark("parachute", t, Y[:, None])
    t, Y, on_ground = until_time_or_ground(Y, t, DROGUE, t + seq.drogue_duration_s)
    if on_ground:
        return impact(t, Y)
    mark("main_canopy", t, Y[:, None])
    t, Y, on_ground = until_time_or_ground(Y, t, MAIN, t + seq.main_fill_s + seq.main_settle_s)
    if on_ground:
        return impact(t, Y)
    Yc = Y[:, None].copy()
    _set_terminal_velocity(Yc, p, np.array([True]))
    Y = Yc[:, 0]
    mark("main_settled", t, Y[:, None])

    # quasi-steady descent: dr/dt = terminal velocity (first order), scipy DOP853 with an event
    def rhs(tt, r):
        vx, vy, vz, _, _ = ed.terminal_velocity(r[0:1], r[1:2], r[2:3], p)
        return np.array([vx[0], vy[0], vz[0]])

    def ground(tt, r):
        return float(ed.altitude_m(r[0], r[1], r[2])) - seq.soft_landing_altitude_m

    ground.terminal = True
    ground.direction = -1
    if ground(t, Y[:3]) > 0.0:
        sol = solve_ivp(rhs, (t, t + 3600.0), Y[:3], method="DOP853", rtol=rtol, atol=1e-6, events=ground)
        t = float(sol.t_events[0][0])
        r = sol.y_events[0][0]
    else:  # the steady descent began under the soft-landing altitude: the engines fire at once
        r = Y[:3]
    Yc = np.concatenate([r, np.zeros(3)])[:, None]
    _set_terminal_velocity(Yc, p, np.array([True]))
    mark("soft_landing", t, Yc)
    r_td, duration, v_td, _ = ed.touchdown(Yc, p, seq)
    t_td = t + float(duration[0])
    events["touchdown"]["t"][0] = t_td
    events["touchdown"]["alt"][0] = 0.0
    events["touchdown"]["speed"][0] = float(v_td[0])
    nan = np.full(1, np.nan)
    return Outcome(
        landed=np.array([True]),
        r_touchdown=r_td.T,
        t_touchdown=np.array([t_td]),
        v_touchdown=np.asarray(v_td),
        events=events,
        peak_g=nan,
        peak_g_alt=nan,
        peak_g_t=nan,
        peak_heat=nan,
        peak_heat_alt=nan,
        bank_reversals=np.array([held["reversals"]]),
    )
