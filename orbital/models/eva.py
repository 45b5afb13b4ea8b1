"""Spacewalk drift: a crew member near the station, with pushes, a tether and SAFER.

The station (the target) and the crew member (the chaser) fly together in the relative
integrator, :func:`orbital.propagation.relative.fly_relative`: both under the same gravity,
point mass plus J2, in the inertial frame the station is given in (GCRS, or TEME of epoch, where
z is the true pole), the crew member reported in the station's LVLH frame (x radial out, y
along-track, z orbit normal). This module is the crew member's plug-in there (:class:`_Run`):
the tether (:mod:`orbital.models.tether`), pushes, and SAFER thrust.

The station (about 420 t) is assumed not to feel them: at 240 kg the
tether's reaction would move it by about 0.06 % of the crew member's motion.
Separations are measured from the station's centre of mass, the LVLH origin.
"""

from dataclasses import dataclass, field
from typing import Optional

import numpy as np
from scipy.optimize import brentq

from orbital.earth import elements
from orbital.earth.constants import MU_EARTH_M3_S2
from orbital.propagation.cw import cw_propagate
from orbital.propagation.relative import (
    Line,
    Segment,
    fly_relative,
    initial_state,
    relative_lvlh,
    relative_lvlh_compiled,
    relative_lvlh_one,
    with_impulse,
)
from orbital.progress import Stage
from orbital.result import Event
from orbital.models.tether import (
    TetherState,
    anchor_offset,
    is_taut,
    tether_force_lvlh,
    tether_tension_n,
    updated_tether_state,
)

#: Crew member + suit + SAFER, kg (REFERENCES.md: 230 to 250 kg).
DEFAULT_MASS_KG = 240.0

#: Taut and slack switch this far (m) past full payout, each way: a branch never ends where it began.
_SWITCH_HYSTERESIS_M = 1e-9
#: Dense samples per integrator step when looking for the peak tension of a taut phase.
_TENSION_SAMPLES_PER_STEP = 8


@dataclass(frozen=True)
class Push:
    """A push on the crew member, LVLH, starting ``time_s`` (s) after the start of the run.

    Either an impulse ``delta_v_lvlh_m_s`` (m/s), or a force ``force_lvlh_n`` (N)
    held constant in LVLH for ``duration_s`` (s).
    """

    time_s: float
    delta_v_lvlh_m_s: tuple = None
    force_lvlh_n: tuple = None
    duration_s: float = 0.0

    def __post_init__(self):
        if (self.delta_v_lvlh_m_s is None) == (self.force_lvlh_n is None):
            raise ValueError("a Push takes exactly one of delta_v_lvlh_m_s and force_lvlh_n")
        if self.force_lvlh_n is not None and not self.duration_s > 0.0:
            raise ValueError("a force Push needs duration_s > 0")

    @property
    def end_s(self):
        """When the push ends (s); an impulse ends when it starts."""
        return self.time_s + self.duration_s


@dataclass(frozen=True)
class SaferConfig:
    """SAFER jet pack (SI) and its return-to-station autopilot.

    24 nitrogen thrusters of 3.6 N: we take ``thrusters_per_direction`` = 2 of
    them pushing along each of the six LVLH axis directions (an assumption; the
    pack's attitude is taken as LVLH-aligned), i.e. 7.2 N per axis, 0.03 m/s^2 for
    240 kg. The delta-v budget (about 3 m/s) is spent per axis, sum |dv_i|, as
    propellant is. SAFER comes on ``start_delay_s`` (s) after the start of the
    run and flies to ``target_lvlh_m`` (m); it is updated
    every ``control_period_s`` (s), thrust held in between. Within
    ``deadband_m_s`` (m/s) of the velocity it wants on every axis it fires
    nothing and looks again ``idle_check_s`` (s) later (no chattering pulses, and
    a cheap hold). The crew member has "returned" once within
    ``capture_radius_m`` (m) of the target slower than ``capture_speed_m_s`` (m/s):
    he then takes hold of the station there (at rest in LVLH for the rest of the
    run, later pushes not applied) and SAFER stops.
    """

    enabled: bool = True
    thruster_force_n: float = 3.6
    thrusters_per_direction: int = 2
    delta_v_budget_m_s: float = 3.0
    start_delay_s: float = 10.0
    control_period_s: float = 0.5
    deadband_m_s: float = 0.005
    idle_check_s: float = 2.0
    target_lvlh_m: tuple = (0.0, 0.0, 0.0)
    max_approach_speed_m_s: float = 0.2
    capture_radius_m: float = 2.0
    capture_speed_m_s: float = 0.1

    def axis_acceleration_m_s2(self, mass_kg):
        """Largest acceleration along one axis (m/s^2)."""
        return self.thruster_force_n * self.thrusters_per_direction / mass_kg


#: Fraction of the per-axis acceleration SAFER plans its braking with (margin for lag).
_SAFER_BRAKING_FRACTION = 0.5
#: Time constant (s) of the approach speed near the target: v = distance / tau.
_SAFER_POSITION_TIME_S = 10.0
#: Velocity-loop time constant in control periods (>= 4 keeps the held thrust smooth).
_SAFER_VELOCITY_PERIODS = 4.0


def safer_acceleration_lvlh(config, mass_kg, rel_r_lvlh_m, rel_v_lvlh_m_s):
    """SAFER's commanded acceleration (m/s^2, LVLH, (3,)), each axis saturated.

    A velocity-command law: the wanted velocity points at the target with speed
    min(max approach speed, sqrt(2 a_brake d), d / tau), so far away it first kills
    the drift and turns him round, flies back at the capped speed, and brakes to a
    stop on the target; the thrust is proportional to the velocity error, and
    zero while every axis is within the deadband.
    """
    a_max = config.axis_acceleration_m_s2(mass_kg)
    error = np.asarray(rel_r_lvlh_m, dtype=float) - np.asarray(config.target_lvlh_m, dtype=float)
    distance = np.linalg.norm(error)
    speed = min(
        config.max_approach_speed_m_s,
        np.sqrt(2.0 * _SAFER_BRAKING_FRACTION * a_max * distance),
        distance / _SAFER_POSITION_TIME_S,
    )
    wanted = -speed * error / distance if distance > 0.0 else np.zeros(3)
    velocity_error = wanted - np.asarray(rel_v_lvlh_m_s, dtype=float)
    if np.max(np.abs(velocity_error)) < config.deadband_m_s:
        return np.zeros(3)
    tau = _SAFER_VELOCITY_PERIODS * config.control_period_s
    return np.clip(velocity_error / tau, -a_max, a_max)


@dataclass
class EvaResult:
    """A spacewalk-drift run on the output grid ``t_s`` (N,) s after the start.

    ``rel_lvlh`` (N, 6): the crew member relative to the station's centre of mass,
    LVLH, m and m/s (velocity seen in the rotating frame), nonlinear.
    ``rel_cw`` (N, 6): the Clohessy-Wiltshire prediction ("ghost") from the
    relative state just after the first impulsive push (or at t = 0 if there is
    none; before that push it repeats ``rel_lvlh``) with ``mean_motion_rad_s``,
    ignoring later pushes, the tether and SAFER. ``station_teme`` (N, 6): the station, m and m/s,
    in the inertial frame it was given in: TEME of the epoch, as the kinds give it (J2 acts about its
    z, the true pole). ``tension_n`` (N,): tether tension. ``safer_dv_m_s`` (N,): SAFER delta-v spent
    by each sample (:func:`safer_dv_by_sample`; at the end it may lack part of a last command whose
    control period outlasts the run, which ``safer_dv_used_m_s`` counts whole).
    ``events``: :class:`orbital.result.Event` list in time order (``time_s`` after the start), kinds "push", "tether_taut",
    "tether_slack", "tether_broken", "safer_start", "safer_budget_exhausted",
    "returned".

    Summary: separations are from the station's centre of mass, over the samples;
    ``along_track_drift_per_orbit_m`` is the slope b of a least-squares fit
    y = a + b t + c cos nt + d sin nt (the CW form) times 2 pi / n, given only for a
    free drift (no tether holding him, or it broke; SAFER never fired), fitted from the
    end of the last push and the line's parting, over at least
    ``MIN_DRIFT_FIT_ORBITS`` orbits, else None; ``max_tether_tension_n`` is the peak over the whole
    run, found between samples too; ``returned``: SAFER brought him within its
    capture radius of its target, slower than its capture speed;
    ``cw_max_deviation_m``: largest distance between ``rel_cw`` and ``rel_lvlh``.
    """

    t_s: np.ndarray
    rel_lvlh: np.ndarray
    rel_cw: np.ndarray
    station_teme: np.ndarray
    tension_n: np.ndarray
    safer_dv_m_s: np.ndarray
    events: list
    mean_motion_rad_s: float
    max_separation_m: float
    final_separation_m: float
    along_track_drift_per_orbit_m: Optional[float]
    max_tether_tension_n: float
    tether_broken: bool
    safer_dv_used_m_s: float
    returned: bool
    cw_max_deviation_m: float


def safer_dv_by_sample(burns, times_s):
    """SAFER delta-v (m/s, sum |dv_i|) spent by each of ``times_s``: each command's, spent evenly
    over its control period (its acceleration is held that long); ``burns`` as ``_Run.safer_burns``.
    The spending rate steps at each period's start and end, so periods that touch or overlap add up."""
    if not burns:
        return np.zeros(len(times_s))
    start_s, dv_m_s, period_s = (np.array(column, dtype=float) for column in zip(*burns))
    edges_s = np.concatenate([start_s, start_s + period_s])
    order = np.argsort(edges_s, kind="stable")
    edges_s = edges_s[order]
    # the rate after each edge; where every period has ended, the sum's rounding (an ulp either way) is 0
    rate = np.maximum(np.cumsum(np.concatenate([dv_m_s / period_s, -dv_m_s / period_s])[order]), 0.0)
    spent = np.concatenate([[0.0], np.cumsum(rate[:-1] * np.diff(edges_s))])
    return np.interp(times_s, edges_s, spent, left=0.0)


def mean_motion_rad_s(r_m, v_m_s):
    """Keplerian mean motion sqrt(mu / a^3) (rad/s) of the osculating orbit."""
    r = np.linalg.norm(r_m)
    return elements.mean_motion_rad_s(1.0 / (2.0 / r - np.dot(v_m_s, v_m_s) / MU_EARTH_M3_S2))


@dataclass
class _Run:
    """The crew member's plug-in for :func:`orbital.propagation.relative.fly_relative` (a
    :class:`~orbital.propagation.relative.Chaser`) and the mutable state of one simulation
    (see :func:`simulate_eva`): pushes, the tether and SAFER."""

    mass_kg: float
    pushes: tuple
    tether: object
    safer: object
    tether_state: TetherState = None
    taut: bool = False
    safer_accel_lvlh: np.ndarray = field(default_factory=lambda: np.zeros(3))
    safer_active: bool = False
    safer_started: bool = False
    safer_next_s: float = 0.0
    safer_dv_used: float = 0.0
    #: each SAFER command that fired: (start s, delta-v it spends m/s, its control period s)
    safer_burns: list = field(default_factory=list)
    returned: bool = False
    held_from_s: Optional[float] = None
    held_lvlh_m: np.ndarray = None
    max_tension: float = 0.0
    pushes_started: set = field(default_factory=set)
    events: list = field(default_factory=list)
    first_impulse: tuple = None

    # -- forces ---------------------------------------------------------------

    def tether_on(self):
        """The line acts: clipped, not parted, and he is not holding on to the station."""
        return self.tether is not None and not self.tether_state.broken and self.held_from_s is None

    def tether_pull(self, rel_r, rel_v):
        """Tether force (N, LVLH) and tension (N) on the current branch."""
        return tether_force_lvlh(self.tether, self.tether_state, self.mass_kg, rel_r, rel_v, self.taut)

    def tension(self, rel_r, rel_v):
        """Tether tension (N) at relative states (LVLH, (3,) or (N, 3)), current branch."""
        return self.tether_pull(rel_r, rel_v)[1]

    def tensions_at(self, states):
        """Tether tension (N, (N,)) at integrator states (N, 12), current branch."""
        return self.tension(*relative_lvlh_compiled(states))

    def tension_one(self, y):
        """Tether tension (N) at one state (12,), current branch."""
        _, rel_r, rel_v = relative_lvlh_one(y)
        return self.tension(rel_r, rel_v)

    def constant_accel_lvlh(self, t_mid):
        """SAFER plus force pushes acting over a segment around ``t_mid`` (m/s^2, LVLH)."""
        accel = self.safer_accel_lvlh.copy()
        for push in self.pushes:
            if push.force_lvlh_n is not None and push.time_s <= t_mid < push.end_s:
                accel += np.asarray(push.force_lvlh_n, dtype=float) / self.mass_kg
        return accel

    # -- tether events --------------------------------------------------------

    def tether_line(self):
        """The line on its current branch, as the integrator takes it (its events: leaving the branch,
        and, taut, parting)."""
        tether = self.tether
        # a hair of hysteresis: the branch just begun at d = L must not see its own start as the
        # crossing out of it (a swing at full payout, d'' > 0 while slack, found it again and again)
        return Line(
            anchor_lvlh_m=tuple(tether.anchor_lvlh_m), length_m=tether.max_length_m,
            stiffness_n_m=tether.stiffness_n_m(), damping_n_s_m=float(tether.damping_n_s_m(self.mass_kg)),
            reel_force_n=tether.reel_force_n, breaking_load_n=tether.breaking_load_n, mass_kg=self.mass_kg,
            taut=self.taut, hysteresis_m=_SWITCH_HYSTERESIS_M if self.taut else -_SWITCH_HYSTERESIS_M,
        )

    def taut_tensions(self, sol):
        """Times (s) and tensions (N) over a taut segment, sampled densely inside every step."""
        steps = sol.sol.ts
        frac = np.linspace(0.0, 1.0, _TENSION_SAMPLES_PER_STEP, endpoint=False)
        ts = np.append((steps[:-1, None] + np.diff(steps)[:, None] * frac).ravel(), steps[-1])
        return ts, self.tensions_at(sol.sol(ts).T)

    def first_overload_s(self, sol, ts, tensions):
        """When (s) the tension of a taut segment first reaches the breaking load, or None.

        The damper makes the tension jump wherever the range rate does (the jerk that
        takes the line taut, an impulse while taut): the jump can start the segment above
        the breaking load, where a sign-change event never fires. The line then parts at
        the segment's start; a crossing between dense samples is refined on the dense output.
        """
        over = np.flatnonzero(tensions >= self.tether.breaking_load_n)
        if not over.size:
            return None
        k = int(over[0])
        if k == 0:
            return float(ts[0])
        excess = lambda t: float(self.tension_one(sol.sol(t))) - self.tether.breaking_load_n  # noqa: E731
        if not excess(ts[k - 1]) < 0.0 <= excess(ts[k]):  # rounding at the threshold: the sample will do
            return float(ts[k])
        return float(brentq(excess, ts[k - 1], ts[k], xtol=1e-9))

    def taut_segment_end(self, sol, event):
        """The event ending a taut segment: the solver's ``event`` ``(t, y, which)`` or None, or
        the line parting earlier where the dense tension first reaches the breaking load.
        Records the segment's peak tension up to that end."""
        ts, tensions = self.taut_tensions(sol)
        if event is not None:  # the solver's event ends the segment; look for an earlier break only
            before = ts < event[0]
            ts, tensions = ts[before], tensions[before]
        t_break = self.first_overload_s(sol, ts, tensions)
        if t_break is not None:
            event = (t_break, sol.sol(t_break), 1)
            tensions = tensions[ts <= t_break]
        if tensions.size:
            self.max_tension = max(self.max_tension, min(float(tensions.max()), self.tether.breaking_load_n))
        return event

    def on_event(self, t, y, which):
        """The line's event at time t: switch branch (``which`` = 0) or part (``which`` = 1)."""
        _, rel_r, rel_v = relative_lvlh_one(y)
        tension = float(self.tether_pull(rel_r, rel_v)[1])
        if which == 1:  # it parts as the tension reaches the breaking load, however fast it rose
            tension = self.tether.breaking_load_n
        distance = float(anchor_offset(self.tether, rel_r)[1])
        self.tether_state = updated_tether_state(self.tether, self.tether_state, distance, tension)
        self.max_tension = max(self.max_tension, tension)
        if self.tether_state.broken:
            self.taut = False
            detail = f"tension reached the breaking load, {tension:.0f} N"
            self.events.append(Event(t, "tether_broken", detail))
            return
        self.taut = not self.taut
        kind = "tether_taut" if self.taut else "tether_slack"
        self.events.append(Event(t, kind, f"{distance:.3f} m from the anchor"))

    # -- pushes and SAFER -----------------------------------------------------

    def apply_impulses(self, t, y):
        """Apply the impulses due by time t to state y; log every push as it starts."""
        for i, push in enumerate(self.pushes):
            if i in self.pushes_started or push.time_s > t:
                continue
            self.pushes_started.add(i)
            if self.held_from_s is not None:
                self.events.append(Event(push.time_s, "push", "not applied: he holds on at the return point"))
            elif push.delta_v_lvlh_m_s is None:
                detail = f"force {list(push.force_lvlh_n)} N LVLH for {push.duration_s:g} s"
            else:
                y = with_impulse(y, push.delta_v_lvlh_m_s)
                if self.first_impulse is None:
                    self.first_impulse = (push.time_s, np.concatenate(relative_lvlh(y)))
                detail = f"delta-v ({', '.join(f'{v:.3f}' for v in push.delta_v_lvlh_m_s)}) m/s LVLH"
            self.events.append(Event(push.time_s, "push", detail))
        return y

    def safer_update(self, t, y):
        """Take SAFER's command for the control period starting at t."""
        safer = self.safer
        if not self.safer_started:
            self.safer_started = True
            self.events.append(Event(t, "safer_start", f"budget {safer.delta_v_budget_m_s:g} m/s"))
        left = safer.delta_v_budget_m_s - self.safer_dv_used
        if left <= 0.0:
            self.safer_accel_lvlh = np.zeros(3)
            self.safer_active = False
            self.events.append(Event(t, "safer_budget_exhausted", f"{safer.delta_v_budget_m_s:g} m/s used"))
            return
        _, rel_r, rel_v = relative_lvlh_one(y)
        distance = np.linalg.norm(rel_r - np.asarray(safer.target_lvlh_m, dtype=float))
        captured = distance < safer.capture_radius_m and np.linalg.norm(rel_v) < safer.capture_speed_m_s
        if captured and not self.returned:
            # back within reach of a handrail, slowly: he takes hold and SAFER's work is done
            # (keeping station on the jets would fight the reel, or gravity, until the nitrogen ran out)
            self.returned, self.held_from_s, self.held_lvlh_m = True, t, rel_r.copy()
            self.safer_accel_lvlh, self.safer_active = np.zeros(3), False
            self.events.append(Event(t, "returned", f"{distance:.2f} m from the target; he takes hold there"))
            return
        accel = safer_acceleration_lvlh(safer, self.mass_kg, rel_r, rel_v)
        self.safer_next_s = t + (safer.control_period_s if accel.any() else safer.idle_check_s)
        cost = np.sum(np.abs(accel)) * safer.control_period_s
        if cost >= left:
            accel *= left / cost
            self.safer_dv_used = safer.delta_v_budget_m_s
        else:
            self.safer_dv_used += cost
        if cost > 0.0:
            self.safer_burns.append((t, min(cost, left), safer.control_period_s))
        self.safer_accel_lvlh = accel

    # -- the plug-in ----------------------------------------------------------

    def next_boundary_s(self, t_s):
        """The next time (s) after ``t_s`` where a push starts or ends or SAFER updates."""
        times = [p.time_s for p in self.pushes if p.time_s > t_s]
        times += [p.end_s for p in self.pushes if p.end_s > t_s]
        if self.safer_active:
            times.append(self.safer_next_s)
        return min(times, default=np.inf)

    def at_boundary(self, t_s, y):
        """Pushes due by ``t_s``, then SAFER's update if it is due; the state after."""
        y = self.apply_impulses(t_s, y)
        if self.safer_active and t_s >= self.safer_next_s - 1e-9:
            self.safer_update(t_s, y)
        return y

    def segment(self, t_s, t_next_s, y):
        """Pushes and SAFER held over [t_s, t_next_s]; the line's pull and its events on the current
        branch (its going taut found however briefly, with no short steps: see
        :class:`~orbital.propagation.relative.Line`)."""
        # pushes and SAFER updates are boundaries: the same acceleration over all of the segment
        accel_lvlh = self.constant_accel_lvlh(0.5 * (t_s + t_next_s))
        if not self.tether_on():
            return Segment(t_next_s, accel_lvlh)
        return Segment(t_next_s, accel_lvlh, observe=self.tension, dense_output=self.taut, line=self.tether_line())

    def end_segment(self, sol, event):
        """On a taut line, the line parting before the solver's ``event`` (see :meth:`taut_segment_end`)."""
        return self.taut_segment_end(sol, event) if self.tether_on() and self.taut else event


def output_times(t_end_s: float, step_s: float) -> np.ndarray:
    """Sample times (s) 0, step, 2 step, ... and ``t_end_s`` itself if the steps do not land on it."""
    times = step_s * np.arange(int(np.floor(t_end_s / step_s + 1e-9)) + 1)
    return times if times[-1] >= t_end_s - 1e-9 else np.append(times, t_end_s)


#: The along-track drift is fitted only over at least this many orbits (the fit needs about one).
MIN_DRIFT_FIT_ORBITS = 0.9


def _drift_per_orbit_m(t_s, y_m, n_rad_s):
    basis = np.stack([np.ones_like(t_s), t_s, np.cos(n_rad_s * t_s), np.sin(n_rad_s * t_s)], axis=1)
    coeffs = np.linalg.lstsq(basis, y_m, rcond=None)[0]
    return float(coeffs[1] * 2.0 * np.pi / n_rad_s)


def _free_drift_start_s(run):
    """When his free drift begins (s): after the last push has ended and his line (if any) has parted;
    None if it never does (the line holds, or SAFER fired)."""
    if run.safer_dv_used != 0.0 or (run.tether is not None and not run.tether_state.broken):
        return None
    broken_s = [e.time_s for e in run.events if e.kind == "tether_broken"]
    return max([p.end_s for p in run.pushes] + broken_s, default=0.0)


def _free_drift_per_orbit_m(run, t_s, y_m, n_rad_s):
    """Along-track drift per orbit (m) fitted over the free drift, if it lasts ``MIN_DRIFT_FIT_ORBITS``; else None."""
    start_s = _free_drift_start_s(run)
    if start_s is None or (t_s[-1] - start_s) * n_rad_s < 2.0 * np.pi * MIN_DRIFT_FIT_ORBITS:
        return None
    free = t_s >= start_s
    return _drift_per_orbit_m(t_s[free], y_m[free], n_rad_s)


def simulate_eva(
    station_r0_m,
    station_v0_m_s,
    rel_r0_lvlh_m,
    rel_v0_lvlh_m_s,
    t_end_s,
    output_dt_s,
    mass_kg=DEFAULT_MASS_KG,
    pushes=(),
    tether=None,
    safer=None,
    include_j2=True,
    times_s=None,
    progress_span=(0.0, 1.0),
):
    """Fly a crew member near the station for ``t_end_s`` seconds; returns an :class:`EvaResult`.

    ``station_r0_m``, ``station_v0_m_s``: the station in TEME of the epoch (m, m/s; J2 acts about its z);
    ``rel_r0_lvlh_m``, ``rel_v0_lvlh_m_s``: the crew member relative to it in LVLH
    (m, m/s, rotating-frame velocity); ``output_dt_s``: sample spacing (s);
    ``mass_kg``: crew member with suit and SAFER; ``pushes``: :class:`Push` list;
    ``tether``: a :class:`~orbital.models.tether.TetherConfig` or None; ``safer``: a
    :class:`SaferConfig` or None; ``include_j2``: gravity with J2 (default) or
    point mass only; ``times_s``: sample times (s) instead of every ``output_dt_s``,
    increasing from 0 to ``t_end_s``; ``progress_span``: the share of the caller's run
    (start, end in [0, 1]) this flight reports its progress into.
    """
    if not (t_end_s > 0.0 and output_dt_s > 0.0 and mass_kg > 0.0):
        raise ValueError("t_end_s, output_dt_s and mass_kg must be positive")
    if times_s is not None and not (times_s[0] == 0.0 and times_s[-1] == t_end_s and np.all(np.diff(times_s) > 0.0)):
        raise ValueError("times_s must increase from 0 to t_end_s")
    rs0 = np.asarray(station_r0_m, dtype=float)
    vs0 = np.asarray(station_v0_m_s, dtype=float)
    y = initial_state(rs0, vs0, rel_r0_lvlh_m, rel_v0_lvlh_m_s)

    run = _Run(mass_kg, tuple(sorted(pushes, key=lambda p: p.time_s)), tether, safer)
    if tether is not None:
        distance = anchor_offset(tether, relative_lvlh(y)[0])[1]
        run.tether_state = TetherState(payout_m=min(float(distance), tether.max_length_m))
        run.taut = bool(is_taut(tether, distance))
    if safer is not None and safer.enabled:
        run.safer_active, run.safer_next_s = True, safer.start_delay_s

    times = output_times(float(t_end_s), float(output_dt_s)) if times_s is None else np.asarray(times_s, dtype=float)
    y = run.apply_impulses(0.0, y)
    rel0 = np.concatenate(relative_lvlh(y))
    progress = Stage("spacewalk drift", 0.0, times[-1], *progress_span)
    states, tensions = fly_relative(run, y, times, include_j2=include_j2, progress=progress, compiled=True)

    rel_r, rel_v = relative_lvlh(states)
    if run.held_from_s is not None:  # holding on where SAFER brought him: at rest in LVLH
        held = times >= run.held_from_s
        rel_r[held], rel_v[held] = run.held_lvlh_m, 0.0
        if tether is not None:  # his line slack, the reel pulling as ever
            tensions[held] = tether_tension_n(tether, mass_kg, anchor_offset(tether, run.held_lvlh_m)[1], 0.0, False)
    rel_lvlh = np.concatenate([rel_r, rel_v], axis=1)
    n = mean_motion_rad_s(rs0, vs0)
    ghost_t0, ghost_state = run.first_impulse if run.first_impulse is not None else (0.0, rel0)
    rel_cw = rel_lvlh.copy()  # before the first impulse the ghost is the flown path
    after = times >= ghost_t0
    rel_cw[after] = cw_propagate(ghost_state, n, times[after] - ghost_t0)
    separation = np.linalg.norm(rel_r, axis=1)
    return EvaResult(
        t_s=times,
        rel_lvlh=rel_lvlh,
        rel_cw=rel_cw,
        station_teme=states[:, 0:6].copy(),
        tension_n=tensions,
        safer_dv_m_s=safer_dv_by_sample(run.safer_burns, times),
        events=sorted(run.events, key=lambda e: e.time_s),
        mean_motion_rad_s=float(n),
        max_separation_m=float(separation.max()),
        final_separation_m=float(separation[-1]),
        along_track_drift_per_orbit_m=_free_drift_per_orbit_m(run, times, rel_r[:, 1], n),
        max_tether_tension_n=float(max(run.max_tension, tensions.max())),
        tether_broken=bool(tether is not None and run.tether_state.broken),
        safer_dv_used_m_s=float(run.safer_dv_used),
        returned=run.returned,
        cw_max_deviation_m=float(np.max(np.linalg.norm(rel_r - rel_cw[:, :3], axis=1))),
    )
