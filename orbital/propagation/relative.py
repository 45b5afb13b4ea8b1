"""A target and a chaser flown together; the chaser reported in the target's LVLH frame.

Both bodies fly in the inertial frame they are given in (TEME of the epoch for the kinds; J2 acts
about its z) under the same gravity, point mass plus J2 if asked
(:func:`orbital.dynamics.gravity.gravity_xyz`), and drag in co-rotating US76 air if a
:class:`Drag` is given (:class:`orbital.dynamics.forces.OrbitForces`), as one 12-state ODE
``[r_target, v_target, dr, dv]`` (m, m/s), where ``dr, dv`` is the chaser's inertial state minus
the target's, a float64 difference, and the chaser's acceleration is ``g(r_target + dr) + a``
(plus its drag). Carrying the difference itself (Encke style) keeps the step-size control on metres rather than
on 7,000 km positions; the physics is the same as propagating the two inertial states. LVLH:
x radial out, y along-track, z orbit normal; velocities are seen in the rotating frame.

What acts on the chaser beyond gravity is a :class:`Chaser` plug-in, which knows the
integrator only through this module: it names the times where its dynamics change (the
integrator stops there, so no step straddles a discontinuity), applies impulses there, and for
each segment between them gives a :class:`Segment`: an acceleration in LVLH (held constant, plus
a function of time and the relative state, if any), terminal events located by the solver, and step
limits. :class:`Loads` is the plain plug-in: LVLH accelerations, impulses at given times and
terminal events. The target feels only gravity and its drag.

A flight asked to be ``compiled``, whose segments give the chaser only the held acceleration and a
safety tether (:class:`Line`, its branch switch and parting as events), flies in
:func:`orbital.propagation.dop853.advance` with :mod:`orbital.propagation.relative_dynamics` (some
hundred times faster); otherwise (Python accelerations or events, as the rendezvous's, or drag) in
scipy's ``solve_ivp``. Both are the same DOP853, step for step, with events located on the dense
output, so the same segments differ only in the last bits.
"""

from dataclasses import dataclass, field
from typing import Callable, Optional, Protocol, Sequence

import numpy as np
from scipy.integrate import solve_ivp

from orbital.dynamics.forces import OrbitForces
from orbital.dynamics.gravity import gravity_xyz
from orbital.earth.frames import inertial_to_lvlh, lvlh_to_inertial
from orbital.progress import Stage
from orbital.propagation import relative_dynamics as rd
from orbital.propagation.dop853 import (
    EVENT, FINISHED, RUNNING, STEP_TOO_SMALL, STEPS_PER_CALL, StepEvents, advance, clock_reading, dense_states, new_clock,
)
from orbital.propagation.dop853_tableau import INTERPOLATOR_POWER, N_STAGES_EXTENDED

_RTOL = 1e-10
#: Absolute tolerances: target r (m), v (m/s); relative dr (m), dv (m/s).
_ATOL = np.array([1e-4] * 3 + [1e-7] * 3 + [1e-6] * 3 + [1e-9] * 3)
#: Longest integrator step (s) unless a segment asks for shorter.
MAX_STEP_S = 10.0
#: First step (s) tried in a segment: short control periods are then single steps;
#: longer first steps cost accuracy where a force switches on.
_FIRST_STEP_S = 2.0

#: An LVLH acceleration (m/s^2, (3,)) of time (s) and the relative position (m) and velocity (m/s).
AccelerationLvlh = Callable[[float, np.ndarray, np.ndarray], np.ndarray]
#: A located event: a function of time (s) and the relative position and velocity whose sign
#: change the solver finds; it may carry ``direction`` as solve_ivp's events do, and
#: ``samples_after = False`` if an output sample at its very time belongs to the dynamics before
#: it (by default, to those after). Always terminal: it ends the segment.
RelativeEventFunction = Callable[[float, np.ndarray, np.ndarray], float]


def initial_state(target_r_m, target_v_m_s, rel_r_lvlh_m, rel_v_lvlh_m_s) -> np.ndarray:
    """The integrator's state (12,) from the target's inertial state and the chaser's LVLH state (m, m/s)."""
    rs = np.asarray(target_r_m, dtype=float)
    vs = np.asarray(target_v_m_s, dtype=float)
    r_chaser, v_chaser = lvlh_to_inertial(rs, vs, rel_r_lvlh_m, rel_v_lvlh_m_s)
    return np.concatenate([rs, vs, r_chaser - rs, v_chaser - vs])


def relative_lvlh(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The chaser's LVLH position (m) and rotating-frame velocity (m/s) from integrator states (..., 12)."""
    rs, vs = y[..., 0:3], y[..., 3:6]
    return inertial_to_lvlh(rs, vs, rs + y[..., 6:9], vs + y[..., 9:12])


def _cross(a, b):
    return np.array([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]])


def relative_lvlh_one(y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fast path of :func:`relative_lvlh` for one state (12,), for solve_ivp's right-hand side and the plug-ins.

    Returns the LVLH basis (rows x, y, z in inertial axes, as
    :func:`orbital.earth.frames.lvlh_basis`), relative position and rotating-frame
    velocity; the tests hold it to the :mod:`orbital.earth.frames` reference.
    """
    rs, vs = y[0:3], y[3:6]
    h = _cross(rs, vs)
    r2, h_norm = rs @ rs, np.sqrt(h @ h)
    x, z = rs / np.sqrt(r2), h / h_norm
    basis = np.array([x, _cross(z, x), z])
    rel_r = basis @ y[6:9]
    rate = h_norm / r2  # LVLH turns about its z axis
    rel_v = basis @ y[9:12] - rate * np.array([-rel_r[1], rel_r[0], 0.0])
    return basis, rel_r, rel_v


def relative_lvlh_compiled(states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`relative_lvlh` of states (k, 12) as the compiled right-hand side computes it
    (:func:`orbital.propagation.relative_dynamics.lvlh`); the tests hold it to the :mod:`orbital.earth.frames` reference."""
    rel = np.empty((len(states), 6))
    rd.lvlh_states(np.ascontiguousarray(states, dtype=float), rel)
    return rel[:, :3], rel[:, 3:]


def with_impulse(y: np.ndarray, delta_v_lvlh_m_s) -> np.ndarray:
    """State (12,) after an impulse ``delta_v_lvlh_m_s`` (m/s, LVLH) on the chaser."""
    rs, vs = y[0:3], y[3:6]
    rel_r, rel_v = relative_lvlh(y)
    rel_v = rel_v + np.asarray(delta_v_lvlh_m_s, dtype=float)
    r_chaser, v_chaser = lvlh_to_inertial(rs, vs, rel_r, rel_v)
    return np.concatenate([rs, vs, r_chaser - rs, v_chaser - vs])


@dataclass(frozen=True)
class Drag:
    """Drag on both bodies in US76 air co-rotating with the Earth, its density times ``density_scale``:
    each body's Cd A / m (m^2/kg)."""

    target_cd_area_over_mass_m2_kg: float
    chaser_cd_area_over_mass_m2_kg: float
    density_scale: float = 1.0

    def forces(self) -> tuple[OrbitForces, OrbitForces]:
        """The target's and the chaser's forces, whose drag the integrator takes."""
        return tuple(
            OrbitForces(drag=True, cd_area_over_mass_m2_kg=cd_a_m, density_scale=self.density_scale)
            for cd_a_m in (self.target_cd_area_over_mass_m2_kg, self.chaser_cd_area_over_mass_m2_kg)
        )


@dataclass(frozen=True)
class Line:
    """A safety tether on its reel pulling the chaser towards ``anchor_lvlh_m`` (m, fixed in LVLH), on
    one branch (:mod:`orbital.dynamics.tether_line`): full payout ``length_m`` (m),
    ``stiffness_n_m`` (N/m), ``damping_n_s_m`` (N s/m), the reel's pull ``reel_force_n`` (N); the
    chaser's ``mass_kg``; ``taut``: the branch. Its events: 0, the branch ends where the distance from
    the anchor minus ``length_m`` plus ``hysteresis_m`` crosses zero (downwards if taut, upwards if
    slack; a sample at its very time still sees the branch it ends); 1 (taut only), the tension reaches
    ``breaking_load_n`` (N).

    No step is bounded for the sake of these events: while slack, the integrator also watches the
    range rate turn from outward to inward (the distance peaks; ``line_events``' slack g[1]) and
    looks there for an excursion past full payout too short to show at a step's ends, so the line
    going taut is found however briefly, with the steps the dynamics allow."""

    #: The index of the slack branch's watch on the range rate among its event functions.
    SLACK_PEAK = 1

    anchor_lvlh_m: tuple
    length_m: float
    stiffness_n_m: float
    damping_n_s_m: float
    reel_force_n: float
    breaking_load_n: float
    mass_kg: float
    taut: bool
    hysteresis_m: float

    def directions(self) -> np.ndarray:
        """The directions of its events' zero crossings (as solve_ivp's ``direction``)."""
        return np.array([-1.0, 1.0]) if self.taut else np.array([1.0, -1.0])


@dataclass
class Segment:
    """The chaser's dynamics from a boundary to ``t_end_s`` (s), where they may change next.

    ``accel_lvlh_m_s2``: held constant (m/s^2, LVLH); ``acceleration``: an :data:`AccelerationLvlh`
    added to it, or None; ``events``: :data:`RelativeEventFunction` list, terminal (the first
    that fires ends the segment); ``observe``: a function of relative positions and velocities
    (k, 3) giving a value per output sample (k,) (a tether's tension), or None (zeros);
    ``dense_output``: keep the solver's dense output for :meth:`Chaser.end_segment`; ``line``: a
    safety tether's pull (:class:`Line`), whose events are then the segment's (no others, and no
    ``acceleration``, beside it).
    """

    t_end_s: float
    accel_lvlh_m_s2: np.ndarray = field(default_factory=lambda: np.zeros(3))
    acceleration: Optional[AccelerationLvlh] = None
    events: Sequence[RelativeEventFunction] = ()
    max_step_s: float = MAX_STEP_S
    observe: Optional[Callable[[np.ndarray, np.ndarray], np.ndarray]] = None
    dense_output: bool = False
    line: Optional[Line] = None

    def __post_init__(self):
        if self.line is not None and (self.acceleration is not None or self.events):
            raise ValueError("a Segment with a line takes no acceleration or events beside it")

    def samples_after(self, which: int) -> bool:
        """Whether an output sample at the very time of event ``which`` belongs to the dynamics after it."""
        if self.line is not None:
            return which != 0
        return getattr(self.events[which], "samples_after", True)


#: A located event: (time s, integrator state (12,), index into the segment's events).
FoundEvent = tuple[float, np.ndarray, int]


class Chaser(Protocol):
    """What acts on the chaser beyond gravity, as the integrator asks for it."""

    def next_boundary_s(self, t_s: float) -> float:
        """The next time (s) after ``t_s`` where the dynamics change (inf if none)."""

    def at_boundary(self, t_s: float, y: np.ndarray) -> np.ndarray:
        """Act at a boundary (impulses due by ``t_s``, a controller's update); the state (12,) after."""

    def segment(self, t_s: float, t_next_s: float, y: np.ndarray) -> Segment:
        """The dynamics from ``t_s`` to at most ``t_next_s``, from state ``y`` (12,)."""

    def end_segment(self, sol, event: Optional[FoundEvent]) -> Optional[FoundEvent]:
        """The event ending a flown segment (the solver's ``event``, or an earlier one found on its
        dense output ``sol.sol``), or None if it runs to its end."""

    def on_event(self, t_s: float, y: np.ndarray, which: int) -> None:
        """The segment's event ``which`` fired at ``t_s`` in state ``y`` (12,)."""


@dataclass
class Loads:
    """The plain :class:`Chaser`: LVLH ``accelerations`` (:data:`AccelerationLvlh`), ``impulses``
    ``(time s, delta-v m/s LVLH)`` and ``events`` (:data:`RelativeEventFunction`), each of which
    fires once and is kept in ``fired`` as ``(time s, index into events, LVLH state (6,) m, m/s)``;
    the flight goes on."""

    accelerations: Sequence[AccelerationLvlh] = ()
    impulses: Sequence[tuple[float, Sequence[float]]] = ()
    events: Sequence[RelativeEventFunction] = ()
    fired: list = field(default_factory=list)

    def _waiting(self):
        """Indices of the events that have not fired."""
        done = {which for _, which, _ in self.fired}
        return [i for i in range(len(self.events)) if i not in done]

    def next_boundary_s(self, t_s):
        return min([time_s for time_s, _ in self.impulses if time_s > t_s], default=np.inf)

    def at_boundary(self, t_s, y):
        for time_s, delta_v in self.impulses:
            if time_s == t_s:
                y = with_impulse(y, delta_v)
        return y

    def _total(self, t, rel_r, rel_v):
        return sum(a(t, rel_r, rel_v) for a in self.accelerations)

    def segment(self, t_s, t_next_s, y):
        acceleration = self._total if self.accelerations else None
        return Segment(t_next_s, acceleration=acceleration, events=[self.events[i] for i in self._waiting()])

    def end_segment(self, sol, event):
        return event

    def on_event(self, t_s, y, which):
        self.fired.append((t_s, self._waiting()[which], np.concatenate(relative_lvlh(y))))


def _solver_event(event: RelativeEventFunction):
    """``event`` as solve_ivp calls it: of time and the integrator's state; terminal."""

    def of_state(t, y):
        return event(t, *relative_lvlh_one(y)[1:])

    of_state.terminal = True
    of_state.direction = getattr(event, "direction", 0.0)
    return of_state


def _rhs(include_j2: bool, drag: Optional[Drag], segment: Segment):
    """d/dt [r_target, v_target, dr, dv] over ``segment``."""
    accel_lvlh, acceleration = segment.accel_lvlh_m_s2, segment.acceleration
    pushed = acceleration is not None or accel_lvlh.any()
    drag_forces = None if drag is None else drag.forces()

    j2 = 1.0 if include_j2 else 0.0

    def rhs(t, y):
        rs, dr = y[0:3], y[6:9]
        x, yy, z = float(y[0]), float(y[1]), float(y[2])  # one state: Python floats beat (2, 3) arrays
        a_target = np.array(gravity_xyz(x, yy, z, 1.0, j2))
        a_rel = np.array(gravity_xyz(x + float(y[6]), yy + float(y[7]), z + float(y[8]), 1.0, j2)) - a_target
        if drag_forces is not None:
            vs = y[3:6]
            target_drag = drag_forces[0].drag_acceleration(rs, vs)
            a_target = a_target + target_drag
            a_rel = a_rel + (drag_forces[1].drag_acceleration(rs + dr, vs + y[9:12]) - target_drag)
        if pushed:
            basis, rel_r, rel_v = relative_lvlh_one(y)
            a_lvlh = accel_lvlh
            if acceleration is not None:
                a_lvlh = a_lvlh + acceleration(t, rel_r, rel_v)
            a_rel = a_rel + a_lvlh @ basis
        return np.concatenate([y[3:6], a_target, y[9:12], a_rel])

    return rhs


class _DenseSteps:
    """The dense output of a compiled segment, as scipy's ``OdeSolution``: ``ts`` (s) bound the steps
    (the last one ended at an event if one ended the segment); called with a time (s) or times (k,),
    it gives the state (12,) or states (12, k)."""

    def __init__(self, t0_s: float):
        self._ts, self._steps = [t0_s], []

    @property
    def ts(self) -> np.ndarray:
        return np.array(self._ts)

    def add(self, t_old_s, t_new_s, y_old, F, t_end_s=None):
        """Keep the step from ``t_old_s`` to ``t_new_s`` (s) (its interpolant ``F`` from ``y_old``), which
        the flight leaves at ``t_end_s`` (s; by default its end)."""
        self._steps.append((t_old_s, t_new_s, y_old.copy(), F.copy()))
        self._ts.append(t_new_s if t_end_s is None else t_end_s)

    def __call__(self, t):
        ts = self.ts
        times = np.atleast_1d(np.asarray(t, dtype=float))
        which = np.clip(np.searchsorted(ts, times, side="left") - 1, 0, len(self._steps) - 1)
        states = np.empty((times.size, 12))
        for k in np.unique(which):
            t_old, t_new, y_old, F = self._steps[k]
            at = np.flatnonzero(which == k)
            part = np.empty((at.size, 12))
            dense_states(t_old, t_new, y_old, F, times[at], part, 0, at.size)
            states[at] = part
        return states[0] if np.ndim(t) == 0 else states.T


@dataclass
class _Flown:
    """A flown segment as ``solve_ivp`` reports one: sample times ``t`` (s), states ``y`` (12, k) and
    the dense output ``sol`` (or None)."""

    t: np.ndarray
    y: np.ndarray
    sol: Optional[_DenseSteps]


def _parameters(segment: Segment, include_j2: bool) -> np.ndarray:
    """The compiled right-hand side's parameters (:mod:`orbital.propagation.relative_dynamics`) over ``segment``."""
    p = np.zeros(rd.N_PARAMETERS)
    p[rd.J2] = 1.0 if include_j2 else 0.0
    p[rd.AX : rd.AZ + 1] = segment.accel_lvlh_m_s2
    line = segment.line
    if line is not None:
        p[rd.LINE], p[rd.TAUT] = 1.0, 1.0 if line.taut else 0.0
        p[rd.ANCHOR_X : rd.ANCHOR_Z + 1] = line.anchor_lvlh_m
        p[rd.LENGTH], p[rd.STIFFNESS], p[rd.DAMPING] = line.length_m, line.stiffness_n_m, line.damping_n_s_m
        p[rd.REEL], p[rd.BREAKING], p[rd.MASS] = line.reel_force_n, line.breaking_load_n, line.mass_kg
        p[rd.HYSTERESIS] = line.hysteresis_m
    return p


def _fly_compiled(segment: Segment, include_j2: bool, t0: float, y0: np.ndarray, grid: np.ndarray):
    """Fly ``segment`` compiled from ``y0`` at ``t0`` (s) to grid[-1], sampled at ``grid`` (s), as
    ``solve_ivp`` would: returns the flown segment (:class:`_Flown`) and its event ``(t, y, which)`` or None."""
    p = _parameters(segment, include_j2)
    directions = segment.line.directions() if segment.line is not None else np.empty(0)
    y, f = np.array(y0, dtype=float), np.empty(12)
    rd.relative_rhs(y, p, f)
    g = np.empty((2, directions.size))
    rd.line_events(y, p, g[0])
    clock = new_clock(t0, min(grid[-1] - t0, _FIRST_STEP_S))
    K, F = np.empty((N_STAGES_EXTENDED, 12)), np.empty((INTERPOLATOR_POWER, 12))
    y_old, out = np.empty(12), np.empty((grid.size, 12))
    dense = _DenseSteps(t0) if segment.dense_output else None
    steps_per_call = 1 if dense is not None else STEPS_PER_CALL  # one step a call: each one's interpolant kept
    event = None
    while True:
        status = advance(rd.relative_rhs, rd.line_events, clock, y, f, y_old, K, F, g, p, directions, _RTOL, _ATOL,
                         segment.max_step_s, grid, out, steps_per_call, dense is not None)
        t_old, t_new, n_out = clock_reading(clock)
        if status == STEP_TOO_SMALL:
            raise RuntimeError(f"relative integration failed at t = {t_new:.3f} s: required step size is less than spacing between numbers")
        if status == EVENT:
            step = StepEvents(rd.line_events, p, directions, g, clock, y_old, F)
            event = _line_event(segment.line, step)
            if event is None:  # the distance peaked short of full payout: on to the next step
                step.pass_by(grid, out)
                t_old, t_new, n_out = clock_reading(clock)
                status = FINISHED if t_new == grid[-1] else RUNNING
            else:
                end = int(np.searchsorted(grid, event[0], side="right"))
                dense_states(t_old, t_new, y_old, F, grid, out, n_out, end)
                n_out = end
        if dense is not None:
            dense.add(t_old, t_new, y_old, F, None if event is None else event[0])
        if status in (EVENT, FINISHED):
            return _Flown(grid[:n_out], out[:n_out].T, dense), event


def _line_event(line: Line, step: StepEvents):
    """The line's event ``(t, y, which)`` in a step where one of its event functions fired, or None if
    only the slack line's distance peaked, short of full payout."""
    for t_s, which in step.fired():
        if line.taut or which != Line.SLACK_PEAK:
            return t_s, step.state(t_s), which
        if step.value(t_s, 0) >= 0.0:  # past full payout at the peak: taut since the crossing before it
            t_s = step.root(0, step.t_old, t_s)
            return t_s, step.state(t_s), 0
    return None


def _fly_scipy(segment: Segment, include_j2: bool, drag: Optional[Drag], t0: float, y0: np.ndarray, grid: np.ndarray):
    """Fly ``segment`` in ``solve_ivp`` (Python accelerations or events, or drag); as :func:`_fly_compiled`."""
    sol = solve_ivp(
        _rhs(include_j2, drag, segment),
        (t0, grid[-1]),
        y0,
        method="DOP853",
        t_eval=grid,
        events=[_solver_event(e) for e in segment.events] or None,
        dense_output=segment.dense_output,
        rtol=_RTOL,
        atol=_ATOL,
        max_step=segment.max_step_s,
        first_step=min(grid[-1] - t0, _FIRST_STEP_S),
    )
    if sol.status < 0:
        raise RuntimeError(f"relative integration failed at t = {t0:.3f} s: {sol.message}")
    event = None
    if sol.status == 1:
        which = next(i for i, te in enumerate(sol.t_events) if te.size)
        event = (float(sol.t_events[which][0]), sol.y_events[which][0], which)
    return sol, event


def fly_relative(
    chaser: Chaser,
    y0: np.ndarray,
    times_s: np.ndarray,
    include_j2: bool = True,
    drag: Optional[Drag] = None,
    progress: Optional[Stage] = None,
    compiled: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Fly from state ``y0`` (12, :func:`initial_state`) at t = 0 to ``times_s[-1]`` (s).

    ``times_s``: the output grid (s, increasing, from 0); ``chaser``: what acts on the chaser;
    ``include_j2``: gravity with J2 or point mass only; ``drag``: drag on both bodies, or none;
    ``progress``: reports the time flown; ``compiled``: fly compiled, the segments' forces all data
    (held accelerations and lines; no drag), else in ``solve_ivp`` (no lines).
    Returns the states (N, 12) at ``times_s`` (:func:`relative_lvlh` turns them into LVLH) and the
    segments' observed values (N,) (zeros where a segment observes nothing).
    """
    t_end = times_s[-1]
    states = np.empty((times_s.size, 12))
    observed = np.zeros(times_s.size)
    emitted, t, y = 0, 0.0, np.asarray(y0, dtype=float)
    while True:
        y = chaser.at_boundary(t, y)
        if t >= t_end:
            return states, observed
        t_next = min(t_end, chaser.next_boundary_s(t))
        segment = chaser.segment(t, t_next, y)
        t_next = min(t_next, segment.t_end_s)
        out = times_s[emitted : np.searchsorted(times_s, t_next, side="right" if t_next >= t_end else "left")]
        grid = out if out.size and out[-1] == t_next else np.append(out, t_next)
        if compiled:
            if segment.acceleration is not None or segment.events or drag is not None:
                raise ValueError("a compiled relative flight takes no Python accelerations or events, and no drag")
            sol, event = _fly_compiled(segment, include_j2, t, y, grid)
        else:
            if segment.line is not None:
                raise ValueError("a line flies only in a compiled relative flight (fly_relative(..., compiled=True))")
            sol, event = _fly_scipy(segment, include_j2, drag, t, y, grid)
        event = chaser.end_segment(sol, event)
        count = min(len(sol.t), out.size)  # the last point may be t_next, not a sample
        if event is not None:  # samples after the event (and by default at it) belong to what follows it
            count = min(count, int(np.searchsorted(out, event[0], side="left" if segment.samples_after(event[2]) else "right")))
        if count:
            states[emitted : emitted + count] = sol.y[:, :count].T
            if segment.observe is not None:
                observed[emitted : emitted + count] = segment.observe(*relative_lvlh_compiled(sol.y[:, :count].T))
        emitted += count
        if event is not None:
            t, y = event[0], event[1]
            chaser.on_event(*event)
        else:
            t, y = t_next, sol.y[:, -1]
        if progress is not None:
            progress(t)
