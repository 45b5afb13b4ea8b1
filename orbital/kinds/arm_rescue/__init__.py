"""``kind: arm_rescue``: the arm catches a drifting crew member and brings him to the airlock.

He drifts as in ``eva_drift`` (:func:`orbital.models.eva.simulate_eva`: J2, pushes, a
tether or none); the arm does not touch him until it captures him, so that one
drift run is both the planner's prediction of his path and his path until
capture (the prediction is exact: the planner knows the drift model). After a
reaction time the planner walks along the predicted path and takes the first
point that is inside the arm's reach (inverse kinematics converges), that the
tip can reach before he does (time estimated from the tip speed and joint rate
limits, with a margin) and where he moves slower than the capture speed. The tip
is driven there (rate-limited resolved-rate steps, :func:`orbital.models.arm.step_tip_towards`)
and waits. He is captured when he is within the capture radius of the tip and
slower than the capture speed relative to it; the arm (with the station, far
heavier than him) stops him, and from then on he moves with the tip, held where
the grapple took him (a fixed offset from the tip, LVLH), carried to the airlock at
the loaded tip speed. A capture that does not end at the airlock says why:
``airlock_out_of_reach`` (the tip stopped short of it) or ``not_at_airlock`` (the run ended first). If he passes the waiting tip without being
captured, the planner tries again from there. No point on his path qualifies:
the run goes on to its end with ``captured: false`` and ``reason`` ``out_of_reach``
(never inside the reach in time) or ``too_fast`` (reachable, but never slow
enough). The arm and the crew member are not checked for collisions with the station.
"""

from dataclasses import dataclass
from typing import List, Literal

import numpy as np
from pydantic import Field, model_validator

from orbital.models.arm import solve_ik, step_tip_towards
from orbital.models.arm_runs import ARM_RATE_SUMMARY_KEYS, LVLH_COLUMNS, LVLH_UNITS, ArmScenarioBase, arm_grid, arm_rate_summary, arm_scene
from orbital.models.arm_runs import ARM_PLOTS, arm_trajectories, joints_between_commands
from orbital.models.spacewalk import (
    AstronautSpec,
    PushSpec,
    TetherSpec,
    check_push_times,
    check_start_time,
    check_within_tether,
    drift_summary,
    fly_from_start,
    spacewalk_plots,
    station_gcrs,
    tether_config,
)
from orbital.progress import Stage
from orbital.kind_contract import DisplayHints, KindSpec, SummaryKey
from orbital.result import Event, Result, Trajectory
from orbital.schema import Quantity, StrictModel, Time

#: The tip must be able to get to an intercept point this many times faster than
#: the straight-line estimate says (the controller's path is not a straight line in joint space) ...
PLAN_TIME_MARGIN = 1.3
#: ... plus this long to settle there, s.
PLAN_SETTLE_S = 5.0
#: The planner wants him this much slower than the capture speed at the intercept.
PLAN_SPEED_MARGIN = 0.9
#: If he has not been captured this long after the planned intercept, plan again, s.
REPLAN_AFTER_S = 3.0
#: The tip is at the airlock within this distance, m.
AIRLOCK_TOLERANCE_M = 0.05
#: Inverse kinematics tolerance for a planned intercept, m.
PLAN_IK_TOLERANCE_M = 1e-3


class RescueSpec(StrictModel):
    """How the arm catches him."""

    reaction_time: Time = Field(default=5.0, description="from the start of the run until the arm moves (bare number: s); at most the duration")
    capture_radius: Quantity("m", "m", gt=0.0, le=2.0) = Field(
        default=0.5, description="tip within this distance of him (bare number: m); a grapple reaches under 2 m"
    )
    capture_speed: Quantity("m/s", "m/s", gt=0.0, le=1.0) = Field(
        default=0.2, description="... and slower than this relative to the tip (m/s); at most 1 m/s, a hard knock"
    )


class Scenario(ArmScenarioBase):
    """A crew member adrift near the station and the arm that catches him."""

    kind: Literal["arm_rescue"] = "arm_rescue"
    astronaut: AstronautSpec = Field(default_factory=AstronautSpec)
    pushes: List[PushSpec] = Field(default_factory=list)
    tether: TetherSpec = Field(default_factory=lambda: TetherSpec(clipped=False))
    rescue: RescueSpec = Field(default_factory=RescueSpec)

    @model_validator(mode="after")
    def _pushes_and_tether_possible(self):
        check_push_times(self.pushes, self.duration, self.astronaut.mass)
        check_within_tether(self.astronaut.position, self.tether)
        check_start_time("rescue.reaction_time", self.rescue.reaction_time, self.duration)
        return self


@dataclass(frozen=True)
class Intercept:
    """Where (LVLH, m) and when (s; sample ``index``) the tip waits for him."""

    index: int
    time_s: float
    point_lvlh_m: np.ndarray


def plan_intercept(arm, q_now, t_s, path_lvlh, now_index, capture_speed_m_s):
    """The first point of his predicted path (N, 6) after sample ``now_index`` the tip can wait at.

    Returns ``(Intercept, None)``, or ``(None, reason)`` with reason
    ``"out_of_reach"`` or ``"too_fast"``.
    """
    points, _ = arm.forward(q_now)
    base, tip = points[0], points[-1]
    reach = arm.full_stretch_reach_m()
    reachable_seen = False
    for k in range(now_index + 1, len(t_s)):
        point, available_s = path_lvlh[k, :3], t_s[k] - t_s[now_index]
        travel_m = np.linalg.norm(point - tip)
        if np.linalg.norm(point - base) > reach or travel_m / arm.tip_speed_unloaded_m_s > available_s:
            continue
        slow_enough = np.linalg.norm(path_lvlh[k, 3:]) <= PLAN_SPEED_MARGIN * capture_speed_m_s
        if reachable_seen and not slow_enough:
            continue
        ik = solve_ik(arm, point, q_now, tolerance_m=PLAN_IK_TOLERANCE_M, restarts=1)
        if not ik.converged:
            continue
        turn_s = np.max(np.abs(ik.q_rad - q_now)) / arm.joint_rate_rad_s
        needed_s = PLAN_TIME_MARGIN * max(travel_m / arm.tip_speed_unloaded_m_s, turn_s) + PLAN_SETTLE_S
        if needed_s > available_s:
            continue
        reachable_seen = True
        if slow_enough:
            return Intercept(k, float(t_s[k]), point.copy()), None
    return None, "too_fast" if reachable_seen else "out_of_reach"


_REASON_MESSAGES = {
    "out_of_reach": "his path never comes inside the arm's reach in time",
    "too_fast": "where the arm can reach him he moves faster than the capture speed",
    "not_captured": "the run ended before the arm caught him",
    "airlock_out_of_reach": "the arm cannot bring him to the airlock: the tip stopped short of it",
    "not_at_airlock": "the run ended before the arm brought him to the airlock",
}

#: The tip has stopped short of the airlock when a control step brings it this little closer (m).
_STALL_M = 1e-6


def _reason_message(reason):
    return _REASON_MESSAGES[reason]


@dataclass
class _Rescue:
    """The arm's side of a rescue, commanded at the control times ``t_s`` (s) against his drift ``him`` (N, 6) there."""

    scenario: object
    arm: object
    t_s: np.ndarray
    him: np.ndarray
    events: list
    plan: Intercept = None
    reason: str = None
    planned: bool = False
    capture_index: int = None
    capture_offset_m: np.ndarray = None
    capture_speed: float = None
    airlock_index: int = None
    miss_m: float = np.inf

    def fly(self, progress):
        """Joint angles (N, 7) rad at the control times; sets capture, airlock, reason and events."""
        t, q = self.t_s, np.empty((self.t_s.size, 7))
        q[0] = self.scenario.arm.initial_joints
        tip_prev = self.arm.tip(q[0])
        self.miss_m = float(np.linalg.norm(self.him[0, :3] - tip_prev))
        for k in range(1, t.size):
            if self.capture_index is None:
                q[k] = self.reach_for_him(k, q[k - 1], tip_prev)
            else:
                q[k] = self.carry_him(k, q[k - 1])
            tip_prev = self.arm.tip(q[k])
            progress(t[k])
        self.settle_reason()
        return q

    def reach_for_him(self, k, q_prev, tip_prev):
        """One control step before capture: plan, drive the tip, capture or replan."""
        t, rescue = self.t_s, self.scenario.rescue
        if not self.planned and t[k - 1] >= rescue.reaction_time:
            self.planned = True
            self.replan(k - 1, q_prev)
        target = self.plan.point_lvlh_m if self.plan is not None else tip_prev
        dt = t[k] - t[k - 1]
        q = step_tip_towards(self.arm, q_prev, target, dt, self.arm.tip_speed_unloaded_m_s)
        tip = self.arm.tip(q)
        distance = float(np.linalg.norm(self.him[k, :3] - tip))
        relative_speed = float(np.linalg.norm(self.him[k, 3:] - (tip - tip_prev) / dt))
        self.miss_m = min(self.miss_m, distance)
        if self.planned and distance <= rescue.capture_radius and relative_speed <= rescue.capture_speed:
            self.capture_index, self.capture_speed, self.reason = k, relative_speed, None
            self.capture_offset_m = self.him[k, :3] - tip  # the grapple holds him where it took him
            self.events.append(Event(t[k], "capture", f"{distance:.3f} m from the tip, {relative_speed:.3f} m/s relative"))
        elif self.plan is not None and t[k] > self.plan.time_s + REPLAN_AFTER_S:
            self.events.append(Event(t[k], "missed", f"not captured at the planned intercept; closest {self.miss_m:.2f} m"))
            self.replan(k, q)
        return q

    def replan(self, k, q_now):
        self.plan, self.reason = plan_intercept(self.arm, q_now, self.t_s, self.him, k, self.scenario.rescue.capture_speed)
        t = self.t_s[k]
        if self.plan is None:
            self.events.append(Event(t, self.reason, _reason_message(self.reason)))
        else:
            where = np.round(self.plan.point_lvlh_m, 2).tolist()
            self.events.append(Event(t, "intercept_planned", f"tip to {where} m LVLH by t = {self.plan.time_s:g} s"))

    def carry_him(self, k, q_prev):
        """One control step after capture: the tip carries him (at his grapple offset) towards the airlock."""
        t, airlock = self.t_s, np.asarray(self.scenario.arm.airlock, dtype=float)
        tip_prev = self.arm.tip(q_prev)
        goal = airlock - self.capture_offset_m
        q = step_tip_towards(self.arm, q_prev, goal, t[k] - t[k - 1], self.arm.tip_speed_loaded_m_s)
        tip = self.arm.tip(q)
        if self.airlock_index is None and np.linalg.norm(tip - goal) <= AIRLOCK_TOLERANCE_M:
            self.airlock_index = k
            self.events.append(Event(t[k], "at_airlock", "brought to the airlock"))
        elif self.airlock_index is None and self.reason is None and (
            np.linalg.norm(tip_prev - goal) - np.linalg.norm(tip - goal) < _STALL_M
        ):
            self.reason = "airlock_out_of_reach"
            self.events.append(Event(t[k], self.reason, _reason_message(self.reason)))
        return q

    def settle_reason(self):
        """Every failure has a reason: not captured, or captured and not brought to the airlock."""
        if self.reason is not None:
            return
        if self.capture_index is None:
            self.reason = "not_captured"
        elif self.airlock_index is None:
            self.reason = "not_at_airlock"
        else:
            return
        self.events.append(Event(self.t_s[-1], self.reason, _reason_message(self.reason)))


def _carried(arm, t_s, q_rad, offset_m):
    """His states (N, 6) LVLH held at ``offset_m`` from the tip: positions from the joint angles
    ``q_rad`` (N, 7) at ``t_s`` (s); velocities over the step ending at each sample (the first: zero)."""
    position = np.stack([arm.tip(q) for q in q_rad]) + offset_m
    velocity = np.zeros_like(position)
    velocity[1:] = np.diff(position, axis=0) / np.diff(t_s)[:, None]
    return np.hstack([position, velocity])


def run(scenario):
    """Fly the rescue; returns a :class:`orbital.result.Result`."""
    tether = tether_config(scenario.tether)
    grid = arm_grid(scenario.duration, scenario.output_step)
    epoch, eva = fly_from_start(scenario, tether, times_s=grid.t_s, progress_span=(0.0, 0.5))
    arm, t_control = scenario.arm.build(), grid.control_t_s
    rescue = _Rescue(scenario, arm, t_control, eva.rel_lvlh[grid.control], [])
    q_control = rescue.fly(Stage("arm rescue", 0.0, scenario.duration, 0.5, 1.0))
    # his drift's own events (pushes, his line) only until the arm holds him: after that it is a path he did not fly
    capture_s = t_control[rescue.capture_index] if rescue.capture_index is not None else np.inf
    events = [e for e in eva.events if e.time_s <= capture_s] + rescue.events
    q = joints_between_commands(grid, q_control)

    him, tension = eva.rel_lvlh.copy(), eva.tension_n.copy()
    if rescue.capture_index is not None:
        start = grid.control[rescue.capture_index]  # he moves with the tip from his capture on
        him[start:] = _carried(arm, grid.t_s[start:], q[start:], rescue.capture_offset_m)
        him[start, 3:] = eva.rel_lvlh[start, 3:]  # ... his drift velocity up to that instant
        tension[start:] = 0.0  # held by the arm: the line, if any, is not modelled any more
    out = grid.output
    t = grid.t_s[out]
    him, tension, q = him[out], tension[out], q[out]

    trajectories = {
        "station": Trajectory("gcrs", LVLH_COLUMNS, LVLH_UNITS, station_gcrs(epoch, eva.station_teme[out])),
        "astronaut": Trajectory("lvlh", LVLH_COLUMNS, LVLH_UNITS, him),
        "tether_tension": Trajectory(None, ("tension",), ("N",), tension[:, None]),
        **arm_trajectories(arm, t, q),
    }
    capture, airlock = rescue.capture_index, rescue.airlock_index
    summary = {
        "captured": capture is not None,
        "capture_time_s": float(t_control[capture]) if capture is not None else None,
        "capture_relative_speed_m_s": rescue.capture_speed,
        "intercept_lvlh_m": np.round(rescue.plan.point_lvlh_m, 3).tolist() if rescue.plan is not None else None,
        "miss_distance_m": rescue.miss_m,
        **arm_rate_summary(arm, t_control, q_control),
        "max_tip_speed_loaded_m_s": (
            arm_rate_summary(arm, t_control[capture:], q_control[capture:])["max_tip_speed_m_s"]
            if capture is not None and capture + 1 < t_control.size
            else None
        ),
        "returned_to_airlock": airlock is not None,
        "at_airlock_time_s": float(t_control[airlock]) if airlock is not None else None,
        "reason": rescue.reason,
        "max_separation_m": float(np.max(np.linalg.norm(him[:, :3], axis=1))),
        "drift_max_separation_m": drift_summary(eva)["max_separation_m"],
        "tether_broken": any(e.kind == "tether_broken" for e in events),
    }
    scene = {**arm_scene(scenario.arm, tether), "capture_radius_m": scenario.rescue.capture_radius}
    return Result(scenario.name, scenario.kind, epoch, t, trajectories, sorted(events, key=lambda e: e.time_s), summary, scene=scene)


#: What :func:`run` puts in the summary. Times are since the epoch; positions and speeds LVLH.
SUMMARY_KEYS = {
    "captured": SummaryKey("", "whether the arm caught him"),
    "capture_time_s": SummaryKey("s", "time of the capture; null without one"),
    "capture_relative_speed_m_s": SummaryKey("m/s", "his speed relative to the tip at the capture; null without one"),
    "intercept_lvlh_m": SummaryKey("m", "the last intercept point the planner sent the tip to, LVLH [x, y, z] (to the mm); null if none qualified"),
    "miss_distance_m": SummaryKey("m", "closest distance from the tip to his centre before the capture, at the arm's control steps"),
    **ARM_RATE_SUMMARY_KEYS,
    "max_tip_speed_loaded_m_s": SummaryKey("m/s", "largest tip speed after the capture (carrying him); null without a capture"),
    "returned_to_airlock": SummaryKey("", "whether the arm brought him within 5 cm of the airlock"),
    "at_airlock_time_s": SummaryKey("s", "time he reached the airlock; null if he did not"),
    "reason": SummaryKey(
        "", "why the rescue failed: out_of_reach, too_fast, not_captured, airlock_out_of_reach (the tip stopped short of it) "
        "or not_at_airlock (the run ended first); null when he was brought to the airlock",
    ),
    "max_separation_m": SummaryKey("m", "largest distance of him from the station's centre of mass over the output samples, carried by the arm after a capture"),
    "drift_max_separation_m": SummaryKey("m", "the same for his drift had the arm not caught him (the planner's predicted path)"),
    "tether_broken": SummaryKey("", "whether his tether parted before the capture"),
}

KIND = KindSpec(
    name="arm_rescue",
    scenario=Scenario,
    run=run,
    title="the robotic arm reaches out and catches a drifting crew member",
    summary=SUMMARY_KEYS,
    display=DisplayHints(roles={"station": "orbit", "astronaut": "chaser", "tether_tension": "tension", "arm_points": "arm"},
                         plots=(*ARM_PLOTS, *spacewalk_plots("astronaut", "tether_tension"))),
)
