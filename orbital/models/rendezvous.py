"""A crew vehicle phasing up from a lower orbit and docking with the station ("help arrives").

The plan (Keplerian, at the start): a Hohmann transfer from the chaser's circular orbit to a
circular phasing orbit, a coast, then a Lambert transfer to the first hold point on the approach
axis, the coast chosen (on a 60 s grid) for the least Lambert delta-v: the Hohmann pair by
vis-viva (:func:`hohmann_burns`), the Lambert transfer the poliastro-API library's maneuver
(:mod:`orbital.propagation.astro`). Then the approach, hold
point by hold point: outside the keep-out sphere, Clohessy-Wiltshire two-impulse hops between
hold points; into it, straight-line forced motion along the corridor (thrust cancelling the CW
acceleration), the last leg to the docking port at the docking speed. Holds are kept by the same
cancelling thrust.

The truth is nonlinear: both bodies fly together in :func:`orbital.propagation.relative.fly_relative`
(point mass + J2 if asked). Burns after the Hohmann pair are computed from the flown state when
they are due (the Lambert departure re-aimed, each arrival nulling the relative velocity, each hop
re-targeted), so the plan's errors are corrected as a real approach corrects them. Leaving the
corridor inside the keep-out sphere, or entering the sphere off a corridor leg, is a violation,
located by the integrator; the first one aborts the approach: the chaser stops and retreats
along the approach axis at the abort speed, then flies free.

LVLH: x radial out, y along-track, z orbit normal, origin at the station's centre of mass; a V-bar
approach comes from behind along -y, an R-bar approach from below along -x (``axis_out``, the
direction from the port out along the corridor).
"""

from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from orbital.earth.constants import MU_EARTH_M3_S2
from orbital.earth.elements import classical_to_rv, rv_to_classical
from orbital.earth.frames import lvlh_to_inertial
from orbital.propagation.cw import cw_acceleration, cw_two_impulse
from orbital.propagation.relative import Loads, Segment, fly_relative, initial_state, relative_lvlh, relative_lvlh_one
from orbital.result import Event

#: Spacing (s) of the coasts in the phasing orbit tried for the Lambert departure.
COAST_STEP_S = 60.0
#: Lambert solutions flown in the truth to correct the aim point (the miss shrinks about tenfold each).
_AIM_ITERATIONS = 3
#: An event function (m) is watched only while above this: at or below it, it has just crossed.
_EVENT_ARMED_M = 1e-6
#: Quadrature nodes per this many seconds of a thrusting segment (its delta-v is the integral of |a|).
_QUADRATURE_SPACING_S = 20.0
#: Capture envelope of a docking mechanism at first contact, after the International Docking
#: System Standard (IDSS IDD, rev. E, 2016): lateral misalignment up to 0.1 m, angular up to 5 deg,
#: closing speed up to 0.1 m/s; beyond any of them the contact is no capture.
MAX_CONTACT_LATERAL_M = 0.1
MAX_CONTACT_ANGLE_DEG = 5.0
MAX_CONTACT_SPEED_M_S = 0.1


@dataclass(frozen=True)
class HoldPoint:
    """A hold point on the approach axis: ``distance_m`` from the docking port, held ``hold_s``."""

    distance_m: float
    hold_s: float


@dataclass(frozen=True)
class ApproachConfig:
    """The approach: axis (``"v_bar"`` or ``"r_bar"``), port, keep-out sphere, corridor, hold
    points (decreasing distances, the first outside the sphere), speeds (m/s), the CW hops'
    duration (s), the abort's retreat speed, and burn errors (leg number -> LVLH delta-v m/s
    added to that leg's first burn)."""

    axis: str
    port_distance_m: float
    keep_out_radius_m: float
    corridor_half_angle_rad: float
    holds: tuple
    hop_s: float
    corridor_speed_m_s: float
    docking_speed_m_s: float
    abort_speed_m_s: float
    burn_errors: dict = field(default_factory=dict)

    @property
    def axis_out(self) -> np.ndarray:
        """Unit vector (LVLH) from the port out along the corridor."""
        return np.array([0.0, -1.0, 0.0]) if self.axis == "v_bar" else np.array([-1.0, 0.0, 0.0])

    def point(self, distance_m: float) -> np.ndarray:
        """LVLH position (m) on the axis ``distance_m`` out from the port."""
        return (self.port_distance_m + distance_m) * self.axis_out

    def inside_sphere(self, distance_m: float) -> bool:
        """Whether the axis point ``distance_m`` from the port lies inside the keep-out sphere."""
        return self.port_distance_m + distance_m < self.keep_out_radius_m


@dataclass(frozen=True)
class Leg:
    """The approach leg being flown: ``"hop"`` (CW two impulses) or ``"corridor"`` (straight-line
    forced motion), to hold point ``end`` (index) or, None, to the port."""

    kind: str
    end: Optional[int]


@dataclass
class Plan:
    """The Keplerian plan: the Hohmann burns, the Lambert transfer's times and the planned contact (s from the epoch)."""

    hohmann: list  #: [(time s, inertial delta-v m/s (3,))]
    lambert_departure_s: float
    lambert_arrival_s: float
    contact_s: float


def circular_state(r_station_m, v_station_m_s, altitude_m, behind_rad, earth_radius_m):
    """A circular orbit in the station's plane at ``altitude_m``, ``behind_rad`` behind the station
    in argument of latitude: inertial ``(r_m, v_m_s)``."""
    el = rv_to_classical(r_station_m, v_station_m_s)
    return classical_to_rv(earth_radius_m + altitude_m, 0.0, el.inc_rad, el.raan_rad, 0.0, el.arglat_rad - behind_rad)


def kepler_state(r_m, v_m_s, dt_s):
    """The two-body state (m, m/s) ``dt_s`` seconds after ``(r_m, v_m_s)`` (elliptic orbits)."""
    el = rv_to_classical(r_m, v_m_s)
    e = float(el.ecc)
    ecc_anomaly = 2.0 * np.arctan2(np.sqrt(1.0 - e) * np.sin(el.nu_rad / 2.0), np.sqrt(1.0 + e) * np.cos(el.nu_rad / 2.0))
    mean = ecc_anomaly - e * np.sin(ecc_anomaly) + np.sqrt(MU_EARTH_M3_S2 / float(el.a_m) ** 3) * dt_s
    big_e = mean
    for _ in range(30):  # Newton on Kepler's equation; e < 0.1 here converges in a few steps
        big_e = big_e - (big_e - e * np.sin(big_e) - mean) / (1.0 - e * np.cos(big_e))
    nu = 2.0 * np.arctan2(np.sqrt(1.0 + e) * np.sin(big_e / 2.0), np.sqrt(1.0 - e) * np.cos(big_e / 2.0))
    return classical_to_rv(el.a_m, e, el.inc_rad, el.raan_rad, el.argp_rad, nu)


def hold_point_state(r_station_m, v_station_m_s, approach: ApproachConfig, distance_m):
    """Inertial ``(r_m, v_m_s)`` of a body at rest in LVLH at the hold point ``distance_m`` out from the port."""
    return lvlh_to_inertial(r_station_m, v_station_m_s, approach.point(distance_m), np.zeros(3))


def _planned_contact_s(approach: ApproachConfig, t_first_hold_s: float) -> float:
    """When the approach from the first hold point, reached at ``t_first_hold_s``, touches the port
    if every leg lands where it aims (the flight runs late or early by its misses' share)."""
    t, holds = t_first_hold_s, approach.holds
    for k, hold in enumerate(holds):
        end_distance = holds[k + 1].distance_m if k + 1 < len(holds) else 0.0
        if k + 1 < len(holds) and not approach.inside_sphere(end_distance):
            t += hold.hold_s + approach.hop_s
        else:
            speed = approach.docking_speed_m_s if k + 1 == len(holds) else approach.corridor_speed_m_s
            t += hold.hold_s + (hold.distance_m - end_distance) / speed
    return t


def hohmann_burns(r_m, v_m_s, r_final_m) -> list:
    """The Hohmann transfer from the circular orbit through ``r_m`` in the plane of ``(r_m, v_m_s)``
    (inertial, m, m/s) to the circular orbit of radius ``r_final_m``, by vis-viva:
    ``[(0, delta_v_m_s), (half the transfer ellipse's period, delta_v_m_s)]``, each along the
    velocity where it fires. The same as the library's ``Maneuver.hohmann`` to 1 mm/s (tested),
    without compiling it (10 s or more in every new process)."""
    r1, r2 = float(np.linalg.norm(r_m)), float(r_final_m)
    a = 0.5 * (r1 + r2)
    along = np.cross(np.cross(r_m, v_m_s), r_m)  # the circular velocity's direction at r_m
    along = along / np.linalg.norm(along)
    dv1 = np.sqrt(MU_EARTH_M3_S2 * (2.0 / r1 - 1.0 / a)) - np.sqrt(MU_EARTH_M3_S2 / r1)
    dv2 = np.sqrt(MU_EARTH_M3_S2 / r2) - np.sqrt(MU_EARTH_M3_S2 * (2.0 / r2 - 1.0 / a))
    return [(0.0, dv1 * along), (float(np.pi * np.sqrt(a**3 / MU_EARTH_M3_S2)), -dv2 * along)]  # half a turn on: -along


def plan(r_station_m, v_station_m_s, r_chaser_m, v_chaser_m_s, first_burn_s, phasing_radius_m, transfer_s, max_coast_s,
         approach: ApproachConfig) -> Plan:
    """Plan the rendezvous from both bodies' inertial states at t = 0 (Keplerian: a Hohmann transfer
    by vis-viva, then the library's Lambert maneuvers); see the module's docstring."""
    from orbital.propagation.astro import lambert_impulses

    rc, vc = kepler_state(r_chaser_m, v_chaser_m_s, first_burn_s)
    hohmann = [(first_burn_s + t, dv) for t, dv in hohmann_burns(rc, vc, phasing_radius_m)]
    rc, vc = kepler_state(rc, vc + hohmann[0][1], hohmann[1][0] - first_burn_s)
    vc = vc + hohmann[1][1]
    t_phased = hohmann[1][0]
    best = None
    for coast in np.arange(0.0, max_coast_s + 0.5 * COAST_STEP_S, COAST_STEP_S):
        r0, v0 = kepler_state(rc, vc, coast)
        t_arrive = t_phased + coast + transfer_s
        r1, v1 = hold_point_state(*kepler_state(r_station_m, v_station_m_s, t_arrive), approach, approach.holds[0].distance_m)
        burns = lambert_impulses(r0, v0, r1, v1, transfer_s)
        cost = sum(float(np.linalg.norm(dv)) for _, dv in burns)
        if best is None or cost < best[0]:
            best = (cost, t_phased + coast)
    departure_s = best[1]
    arrival_s = departure_s + transfer_s
    return Plan(hohmann, departure_s, arrival_s, _planned_contact_s(approach, arrival_s))


@dataclass
class RendezvousResult:
    """A flown rendezvous: ``t_s`` (N,), ``states`` (N, 12) of the relative integrator (target in the
    inertial frame it was given in, chaser as the difference), ``rel_lvlh`` (N, 6), ``events``, and the
    summary's scalars (the keys of ``orbital.kinds.rendezvous.SUMMARY_KEYS``)."""

    t_s: np.ndarray
    states: np.ndarray
    rel_lvlh: np.ndarray
    events: list
    summary: dict


class _Flight:
    """The chaser's plug-in (:class:`orbital.propagation.relative.Chaser`): burns, guidance, violations.

    The far-range burns come at the plan's times; from the first hold point on, each action
    schedules the next (a leg ends when its hold point is reached at the leg's speed, measured
    from where the chaser really is), so the approach runs late or early by the misses' share."""

    def __init__(self, the_plan: Plan, approach: ApproachConfig, n_rad_s: float, transfer_s: float, include_j2: bool):
        self.plan, self.approach, self.n, self.transfer_s, self.include_j2 = the_plan, approach, n_rad_s, transfer_s, include_j2
        self.events: list = []
        self.delta_v = {"phasing": 0.0, "transfer": 0.0, "approach": 0.0, "abort": 0.0}
        self.violations = {"keep_out": 0, "corridor": 0}
        self.hop_misses_m: list = []
        self.arrival_miss_m: Optional[float] = None
        self.aborted_at: Optional[float] = None
        self.abort_reason: Optional[str] = None
        self._abort_due = False
        self.contact: Optional[tuple] = None
        self._contact_due = False
        self._leg: Optional[Leg] = None  # the leg being flown, None while holding or before the approach
        self._approaching = False
        self._thrusting = False
        self._actions = [(t, self._hohmann_burn(dv)) for t, dv in the_plan.hohmann]
        self._actions += [(the_plan.lambert_departure_s, self._lambert_departure), (the_plan.lambert_arrival_s, self._arrive)]

    # --- the integrator's questions
    def next_boundary_s(self, t_s):
        if self.aborted_at is not None or self.contact is not None:
            return np.inf
        return min((t for t, _ in self._actions if t > t_s), default=np.inf)

    def at_boundary(self, t_s, y):
        if self._abort_due:
            self._abort_due = False
            return self._abort(t_s, y)
        if self._contact_due:
            self._contact_due = False
            return self._impulse(y, -relative_lvlh_one(y)[2], None)  # held at the port: part of the station
        if self.aborted_at is not None or self.contact is not None:
            return y
        due = [action for t, action in self._actions if t == t_s]
        self._actions = [(t, action) for t, action in self._actions if t != t_s]
        for action in due:
            y = action(t_s, y)
        return y

    def segment(self, t_s, t_next_s, y):
        # holds and corridor legs: thrust cancels the CW acceleration; hops and the far range coast
        hop = self._leg is not None and self._leg.kind == "hop"
        self._span = (t_s, t_next_s)
        self._thrusting = self._approaching and self.aborted_at is None and not hop
        events = []
        if self.aborted_at is None and self.contact is None:
            events = [self._entering_sphere, self._leaving_corridor]
            if self._leg is not None and self._leg.end is None:
                events.append(self._touching_port)
        _, rel_r, rel_v = relative_lvlh_one(y)
        # an event only watches for a crossing still ahead: one at or just past its zero (it has just
        # fired) would fire again at once, and the flight would not move on
        self._watched = [e for e in events if e(t_s, rel_r, rel_v) > _EVENT_ARMED_M]
        events = self._watched
        acceleration = self._cancel_cw if self._thrusting else None
        return Segment(t_next_s, acceleration=acceleration, events=events, dense_output=self._thrusting)

    def end_segment(self, sol, event):
        if self._thrusting and self.contact is None:
            t1 = event[0] if event is not None else self._span[1]
            self.delta_v["approach"] += self._thrust_delta_v(sol, self._span[0], t1)
        return event

    def on_event(self, t_s, y, which):
        rel_r = relative_lvlh_one(y)[1]
        kind = {self._entering_sphere: "keep_out", self._leaving_corridor: "corridor", self._touching_port: "contact"}[self._watched[which]]
        if kind == "contact":
            self._record_contact(t_s, y)
            return
        inside = np.linalg.norm(rel_r) <= self.approach.keep_out_radius_m * (1.0 + 1e-9)
        # the corridor's event fires as its function falls through zero: off the axis by definition
        # (the located root may lie a hair either side of the cone)
        off_axis = kind == "corridor" or not self._in_corridor(rel_r)
        if kind == "keep_out" and (self._leg is None or self._leg.kind == "hop"):
            self._violation(t_s, "keep_out", "entered the keep-out sphere off a corridor leg")
        elif inside and off_axis:
            self._violation(t_s, "corridor", "left the approach corridor inside the keep-out sphere")

    # --- guidance and burns
    def _cancel_cw(self, t, rel_r, rel_v):
        return -cw_acceleration(rel_r, rel_v, self.n)

    def _thrust_delta_v(self, sol, t0, t1):
        if t1 <= t0:
            return 0.0
        count = int(np.ceil((t1 - t0) / _QUADRATURE_SPACING_S)) + 4
        x, w = np.polynomial.legendre.leggauss(count)
        ts = 0.5 * (t1 - t0) * x + 0.5 * (t1 + t0)
        rel_r, rel_v = relative_lvlh(sol.sol(ts).T)
        return float(0.5 * (t1 - t0) * np.sum(w * np.linalg.norm(cw_acceleration(rel_r, rel_v, self.n), axis=1)))

    def _impulse(self, y, delta_v_lvlh, phase):
        basis = relative_lvlh_one(y)[0]
        y = y.copy()
        y[9:12] += np.asarray(delta_v_lvlh, dtype=float) @ basis
        if phase is not None:
            self.delta_v[phase] += float(np.linalg.norm(delta_v_lvlh))
        return y

    def _burn_event(self, t_s, y, delta_v_lvlh, phase, what):
        self.events.append(Event(t_s, "burn", f"{what}: {np.linalg.norm(delta_v_lvlh):.3f} m/s ({phase})",
                                 {"phase": phase, "delta_v_lvlh_m_s": [float(v) for v in delta_v_lvlh]}))
        return self._impulse(y, delta_v_lvlh, phase)

    def _inertial_impulse(self, t_s, y, dv_inertial, phase, what):
        return self._burn_event(t_s, y, relative_lvlh_one(y)[0] @ dv_inertial, phase, what)

    def _stop(self, t_s, y, phase, what):
        return self._burn_event(t_s, y, -relative_lvlh_one(y)[2], phase, what)

    def _hohmann_burn(self, dv_inertial):
        return lambda t_s, y: self._inertial_impulse(t_s, y, dv_inertial, "phasing", "Hohmann burn")

    def _lambert_departure(self, t_s, y):
        """The Lambert burn from the flown state, its aim corrected for what the plan leaves out (J2):
        the library's Lambert solution is flown in the truth and its aim point moved by the miss."""
        from orbital.propagation.astro import lambert_impulses

        d0, tof = self.approach.holds[0].distance_m, self.transfer_s
        rs, vs = y[0:3], y[3:6]
        rc, vc = rs + y[6:9], vs + y[9:12]
        aim, v_aim = hold_point_state(*kepler_state(rs, vs, tof), self.approach, d0)
        for _ in range(_AIM_ITERATIONS):
            dv = lambert_impulses(rc, vc, aim, v_aim, tof)[0][1]
            trial = y.copy()
            trial[9:12] += dv
            end = fly_relative(Loads(), trial, np.array([0.0, tof]), include_j2=self.include_j2)[0][-1]
            wanted = hold_point_state(end[0:3], end[3:6], self.approach, d0)[0]
            aim = aim + (wanted - (end[0:3] + end[6:9]))
        return self._inertial_impulse(t_s, y, dv, "transfer", "Lambert departure")

    def _arrive(self, t_s, y):
        self.arrival_miss_m = self._miss(y, self.approach.holds[0].distance_m)
        self._approaching = True
        self._hold(t_s, 0)
        return self._stop(t_s, y, "transfer", "arrival at the first hold point")

    def _hold(self, t_s, k):
        """Hold at hold point ``k``, then fly the leg from it."""
        self._leg = None
        hold = self.approach.holds[k]
        self._actions.append((t_s + hold.hold_s, lambda t, y: self._start_leg(t, y, k)))

    def _start_leg(self, t_s, y, k):
        a = self.approach
        end = k + 1 if k + 1 < len(a.holds) else None
        _, rel_r, rel_v = relative_lvlh_one(y)
        target = a.point(0.0 if end is None else a.holds[end].distance_m)
        if end is not None and not a.inside_sphere(a.holds[end].distance_m):
            kind, duration = "hop", a.hop_s
            v_needed, _ = cw_two_impulse(np.concatenate([rel_r, rel_v]), target, self.n, duration)
        else:
            speed = a.docking_speed_m_s if end is None else a.corridor_speed_m_s
            kind, duration = "corridor", float(np.linalg.norm(target - rel_r)) / speed
            v_needed = speed * (target - rel_r) / np.linalg.norm(target - rel_r)
        self._leg = Leg(kind, end)
        if end is not None:
            self._actions.append((t_s + duration, self._end_leg))
        error = np.asarray(a.burn_errors.get(k + 1, np.zeros(3)), dtype=float)
        where = "the docking port" if end is None else f"the {a.holds[end].distance_m:g} m hold point"
        return self._burn_event(t_s, y, v_needed - rel_v + error, "approach", f"leg {k + 1} ({kind}) to {where}")

    def _end_leg(self, t_s, y):
        leg = self._leg
        distance = self.approach.holds[leg.end].distance_m
        if leg.kind == "hop":
            self.hop_misses_m.append(self._miss(y, distance))
        self._hold(t_s, leg.end)
        return self._stop(t_s, y, "approach", f"hold at {distance:g} m")

    def _miss(self, y, distance_m):
        return float(np.linalg.norm(relative_lvlh_one(y)[1] - self.approach.point(distance_m)))

    # --- corridor, keep-out sphere, contact, abort
    def _in_corridor(self, rel_r):
        return self._leaving_corridor(0.0, rel_r, None) >= 0.0

    def _entering_sphere(self, t, rel_r, rel_v):
        return float(np.linalg.norm(rel_r)) - self.approach.keep_out_radius_m

    def _leaving_corridor(self, t, rel_r, rel_v):
        """Positive inside the approach cone (m); its apex lies behind the port, where the cone is as
        wide as the capture envelope (:data:`MAX_CONTACT_LATERAL_M`) at the port."""
        a = self.approach
        behind_m = MAX_CONTACT_LATERAL_M / np.tan(a.corridor_half_angle_rad)
        from_apex = rel_r - a.point(-behind_m)
        return float(from_apex @ a.axis_out) - np.cos(a.corridor_half_angle_rad) * float(np.linalg.norm(from_apex))

    def _touching_port(self, t, rel_r, rel_v):
        return float((rel_r - self.approach.point(0.0)) @ self.approach.axis_out)

    _entering_sphere.direction = -1.0
    _leaving_corridor.direction = -1.0
    _touching_port.direction = -1.0

    def _violation(self, t_s, kind, message):
        self.violations[kind] += 1
        self.events.append(Event(t_s, "violation", message, {"violation": kind}))
        if self.aborted_at is None:
            self.aborted_at, self.abort_reason, self._abort_due = t_s, kind, True

    def _abort(self, t_s, y):
        """Stop, and retreat along the approach axis at the abort speed."""
        _, _, rel_v = relative_lvlh_one(y)
        dv = -rel_v + self.approach.abort_speed_m_s * self.approach.axis_out
        self._leg = None
        return self._burn_event(t_s, y, dv, "abort", f"approach aborted ({self.abort_reason}): retreat")

    def _record_contact(self, t_s, y):
        a = self.approach
        _, rel_r, rel_v = relative_lvlh_one(y)
        from_port = rel_r - a.point(0.0)
        lateral = from_port - (from_port @ a.axis_out) * a.axis_out
        closing = float(-rel_v @ a.axis_out)
        angle_deg = float(np.degrees(np.arctan2(np.linalg.norm(rel_v - (rel_v @ a.axis_out) * a.axis_out), closing)))
        self.contact = (t_s, closing, float(np.linalg.norm(lateral)), angle_deg)
        self._contact_due, self._leg = True, None
        captured = closing <= MAX_CONTACT_SPEED_M_S and np.linalg.norm(lateral) <= MAX_CONTACT_LATERAL_M and angle_deg <= MAX_CONTACT_ANGLE_DEG
        self.events.append(Event(t_s, "contact", f"contact at {closing * 100:.1f} cm/s, {np.linalg.norm(lateral) * 100:.1f} cm off axis, "
                                 f"{angle_deg:.2f} deg: {'docked' if captured else 'no capture'}",
                                 {"closing_speed_m_s": closing, "lateral_offset_m": float(np.linalg.norm(lateral)),
                                  "misalignment_deg": angle_deg, "captured": bool(captured)}))


def fly_rendezvous(r_station_m, v_station_m_s, r_chaser_m, v_chaser_m_s, the_plan: Plan, approach: ApproachConfig,
                   transfer_s: float, times_s: np.ndarray, include_j2: bool = True, progress=None) -> RendezvousResult:
    """Fly ``the_plan`` from the two inertial states at t = 0 over the output grid ``times_s`` (s)."""
    n = float(np.sqrt(MU_EARTH_M3_S2 / float(rv_to_classical(r_station_m, v_station_m_s).a_m) ** 3))
    flight = _Flight(the_plan, approach, n, transfer_s, include_j2)
    rs, vs = np.asarray(r_station_m, dtype=float), np.asarray(v_station_m_s, dtype=float)
    y0 = initial_state(rs, vs, np.zeros(3), np.zeros(3))
    y0[6:12] = np.concatenate([np.asarray(r_chaser_m) - rs, np.asarray(v_chaser_m_s) - vs])
    states, _ = fly_relative(flight, y0, times_s, include_j2=include_j2, progress=progress)
    rel_r, rel_v = relative_lvlh(states)
    return RendezvousResult(times_s, states, np.concatenate([rel_r, rel_v], axis=1),
                            sorted(flight.events, key=lambda e: e.time_s), _summary(flight, rel_r, times_s))


def _summary(flight: _Flight, rel_r, times_s):
    first_burn_s = flight.plan.hohmann[0][0]
    contact = flight.contact
    captured = contact is not None and contact[1] <= MAX_CONTACT_SPEED_M_S and contact[2] <= MAX_CONTACT_LATERAL_M and contact[3] <= MAX_CONTACT_ANGLE_DEG
    after_abort = times_s >= (flight.aborted_at if flight.aborted_at is not None else np.inf)
    dv = flight.delta_v
    return {
        "phasing_delta_v_m_s": dv["phasing"],
        "transfer_delta_v_m_s": dv["transfer"],
        "approach_delta_v_m_s": dv["approach"],
        "abort_delta_v_m_s": dv["abort"],
        "total_delta_v_m_s": sum(dv.values()),
        "first_burn_to_contact_min": None if contact is None else (contact[0] - first_burn_s) / 60.0,
        "contact_closing_speed_m_s": None if contact is None else contact[1],
        "contact_lateral_offset_m": None if contact is None else contact[2],
        "contact_misalignment_deg": None if contact is None else contact[3],
        "keep_out_violations": flight.violations["keep_out"],
        "corridor_violations": flight.violations["corridor"],
        "docked": bool(captured and flight.aborted_at is None),
        "aborted": flight.aborted_at is not None,
        "abort_reason": flight.abort_reason,
        "closest_after_abort_m": float(np.linalg.norm(rel_r[after_abort], axis=1).min()) if after_abort.any() else None,
        "transfer_arrival_miss_m": flight.arrival_miss_m,
        "max_hop_miss_m": max(flight.hop_misses_m) if flight.hop_misses_m else None,
    }
