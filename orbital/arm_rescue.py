"""``kind: arm_rescue``: the arm catches a drifting crew member and brings him to the airlock.

He drifts as in ``eva_drift`` (:func:`orbital.eva.simulate_eva`: J2, pushes, a
tether or none); the arm does not touch him until it captures him, so that one
drift run is both the planner's prediction of his path and his path until
capture (the prediction is exact: the planner knows the drift model). After a
reaction time the planner walks along the predicted path and takes the first
point that is inside the arm's reach (inverse kinematics converges), that the
tip can reach before he does (time estimated from the tip speed and joint rate
limits, with a margin) and where he moves slower than the capture speed. The tip
is driven there (rate-limited resolved-rate steps, :func:`orbital.arm.step_tip_towards`)
and waits. He is captured when he is within the capture radius of the tip and
slower than the capture speed relative to it; the arm (with the station, far
heavier than him) stops him, and from then on he moves with the tip, carried to
the airlock at the loaded tip speed. If he passes the waiting tip without being
captured, the planner tries again from there. No point on his path qualifies:
the run goes on to its end with ``captured: false`` and ``reason`` ``out_of_reach``
(never inside the reach in time) or ``too_fast`` (reachable, but never slow
enough). The arm and the crew member are not checked for collisions with the station.
"""

from dataclasses import dataclass
from typing import List, Literal

import numpy as np
from pydantic import Field, model_validator

from orbital.arm import solve_ik, step_tip_towards, tip_speeds_m_s
from orbital.arm_runs import LVLH_COLUMNS, LVLH_UNITS, ArmScenarioBase, arm_rate_summary, arm_scene, arm_trajectories
from orbital.eva_drift import AstronautSpec, PushSpec, TetherSpec, check_push_times, check_within_tether
from orbital.schema import PositiveLength, PositiveSpeed, StrictModel, Time

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

    reaction_time: Time = Field(default=5.0, description="from the start of the run until the arm moves (bare number: s)")
    capture_radius: PositiveLength = Field(default=0.5, description="tip within this distance of him (bare number: m)")
    capture_speed: PositiveSpeed = Field(default=0.2, description="... and slower than this relative to the tip (m/s)")


class Scenario(ArmScenarioBase):
    """A crew member adrift near the station and the arm that catches him."""

    kind: Literal["arm_rescue"] = "arm_rescue"
    astronaut: AstronautSpec = Field(default_factory=AstronautSpec)
    pushes: List[PushSpec] = Field(default_factory=list)
    tether: TetherSpec = Field(default_factory=lambda: TetherSpec(clipped=False))
    rescue: RescueSpec = Field(default_factory=RescueSpec)

    @model_validator(mode="after")
    def _pushes_and_tether_possible(self):
        check_push_times(self.pushes, self.duration)
        check_within_tether(self.astronaut.position, self.tether)
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


def _reason_message(reason):
    return {
        "out_of_reach": "his path never comes inside the arm's reach in time",
        "too_fast": "where the arm can reach him he moves faster than the capture speed",
    }[reason]


def run(scenario):
    """Fly the rescue; returns a :class:`orbital.results.Result`."""
    from orbital.eva_drift import drift_summary, fly_from_start, station_gcrs, tether_config
    from orbital.results import Event, Result, Trajectory

    tether = tether_config(scenario.tether)
    epoch, eva = fly_from_start(scenario, tether)
    arm, rescue = scenario.arm.build(), scenario.rescue
    t = eva.t_s
    him = eva.rel_lvlh.copy()
    tension = eva.tension_n.copy()
    q = np.empty((t.size, 7))
    q[0] = scenario.arm.initial_joints
    events = [Event(e.time_s, e.kind, e.detail) for e in eva.events]

    plan, reason, planned = None, None, False
    capture_index, airlock_index, capture_speed = None, None, None
    tip_prev = arm.tip(q[0])
    miss = float(np.linalg.norm(him[0, :3] - tip_prev))
    for k in range(1, t.size):
        dt = t[k] - t[k - 1]
        if capture_index is None:
            if not planned and t[k - 1] >= rescue.reaction_time:
                planned = True
                plan, reason = plan_intercept(arm, q[k - 1], t, him, k - 1, rescue.capture_speed)
                if plan is None:
                    events.append(Event(t[k - 1], reason, _reason_message(reason)))
                else:
                    events.append(Event(t[k - 1], "intercept_planned", f"tip to {np.round(plan.point_lvlh_m, 2).tolist()} m LVLH by t = {plan.time_s:g} s"))
            target = plan.point_lvlh_m if plan is not None else tip_prev
            q[k] = step_tip_towards(arm, q[k - 1], target, dt, arm.tip_speed_unloaded_m_s)
            tip = arm.tip(q[k])
            distance = float(np.linalg.norm(him[k, :3] - tip))
            relative_speed = float(np.linalg.norm(him[k, 3:] - (tip - tip_prev) / dt))
            miss = min(miss, distance)
            if planned and distance <= rescue.capture_radius and relative_speed <= rescue.capture_speed:
                capture_index, capture_speed, reason = k, relative_speed, None
                events.append(Event(t[k], "capture", f"{distance:.3f} m from the tip, {relative_speed:.3f} m/s relative"))
            elif plan is not None and t[k] > plan.time_s + REPLAN_AFTER_S:
                events.append(Event(t[k], "missed", f"not captured at the planned intercept; closest {miss:.2f} m"))
                plan, reason = plan_intercept(arm, q[k], t, him, k, rescue.capture_speed)
                if plan is None:
                    events.append(Event(t[k], reason, _reason_message(reason)))
        else:
            q[k] = step_tip_towards(arm, q[k - 1], scenario.arm.airlock, dt, arm.tip_speed_loaded_m_s)
            tip = arm.tip(q[k])
            him[k] = np.concatenate([tip, (tip - tip_prev) / dt])
            tension[k] = 0.0  # held by the arm: the line, if any, is not modelled any more
            if airlock_index is None and np.linalg.norm(tip - np.asarray(scenario.arm.airlock)) <= AIRLOCK_TOLERANCE_M:
                airlock_index = k
                events.append(Event(t[k], "at_airlock", "brought to the airlock"))
        tip_prev = tip
    if capture_index is None and reason is None:
        reason = "not_captured"
        events.append(Event(t[-1], reason, "the run ended before the arm caught him"))

    trajectories = {
        "station": Trajectory("gcrs", LVLH_COLUMNS, LVLH_UNITS, station_gcrs(epoch, eva.station_gcrs)),
        "astronaut": Trajectory("lvlh", LVLH_COLUMNS, LVLH_UNITS, him),
        "tether_tension": Trajectory("none", ("tension",), ("N",), tension[:, None]),
        **arm_trajectories(arm, t, q),
    }
    summary = {
        "captured": capture_index is not None,
        "capture_time_s": float(t[capture_index]) if capture_index is not None else None,
        "capture_relative_speed_m_s": capture_speed,
        "intercept_lvlh_m": np.round(plan.point_lvlh_m, 3).tolist() if plan is not None else None,
        "miss_distance_m": miss,
        **arm_rate_summary(t, trajectories),
        "max_tip_speed_loaded_m_s": (
            float(np.max(tip_speeds_m_s(t[capture_index:], trajectories["arm_tip"].data[capture_index:, :3])))
            if capture_index is not None and capture_index + 1 < t.size
            else None
        ),
        "returned_to_airlock": airlock_index is not None,
        "at_airlock_time_s": float(t[airlock_index]) if airlock_index is not None else None,
        "reason": reason,
        "max_separation_m": float(np.max(np.linalg.norm(him[:, :3], axis=1))),
        "drift_max_separation_m": drift_summary(eva)["max_separation_m"],
        "tether_broken": eva.tether_broken,
    }
    scene = {**arm_scene(scenario.arm, tether), "capture_radius_m": rescue.capture_radius}
    return Result(scenario.name, scenario.kind, epoch, t, trajectories, sorted(events, key=lambda e: e.time_s), summary, scene=scene)
