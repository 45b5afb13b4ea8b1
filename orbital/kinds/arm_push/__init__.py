"""``kind: arm_push``: the arm's tip is driven into a crew member and pushes him off (as in the film).

Before the contact he holds on to the structure at his work place (at rest in
LVLH) and the tip is driven at him at the unloaded tip speed limit (rate-limited
resolved-rate steps). Contact is the first sample
where the tip is within ``contact_distance`` of his centre. It is an impulsive
collision with a body of infinite mass (the arm with the station, about 420 t,
against his 240 kg): along the line from the tip to him, his relative approach
speed ``u`` comes back as ``e u`` (coefficient of restitution ``e``), i.e. he
gains ``(1 + e) u`` there. That delta-v is a push at the contact time of the
drift model (:func:`orbital.models.eva.simulate_eva`: tether or none, J2), which flies
him for the rest of the run; the arm backs off to where its tip started. The
station's own path before the contact comes from a drift run with no tether.
"""

from dataclasses import replace
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from orbital.models.arm import step_tip_towards
from orbital.models.arm_runs import ARM_RATE_SUMMARY_KEYS, LVLH_COLUMNS, LVLH_UNITS, ArmScenarioBase, arm_grid, arm_rate_summary, arm_scene
from orbital.models.arm_runs import ARM_PLOTS, arm_trajectories, joints_between_commands
from orbital.models.spacewalk import (
    DRIFT_SUMMARY_KEYS,
    CrewMass,
    EvaDuration,
    StationPoint,
    TetherSpec,
    check_start_time,
    check_within_tether,
    drift_summary,
    spacewalk_plots,
    station_gcrs,
    tether_config,
)
from orbital.progress import Stage
from orbital.kind_contract import DisplayHints, KindSpec, SummaryKey
from orbital.result import Event, Result, Trajectory
from orbital.schema import Quantity, StrictModel, Time, field_error, initial_state


class HeldAstronautSpec(StrictModel):
    """The crew member, holding on at his work place until the tip strikes him."""

    mass: CrewMass = Field(default=240.0, description="crew + suit + SAFER: 230 to 250 kg; 100 to 1,000 kg accepted")
    position: StationPoint = Field(default=(16.0, -1.0, 17.0), description="his work place on the station, LVLH (bare numbers: m)")


class StrikeSpec(StrictModel):
    """The tip's strike: when the arm starts, how bouncy the contact is, where it touches."""

    start: Time = Field(default=0.0, description="when the arm starts moving at him (bare number: s); at most the duration")
    restitution: float = Field(default=0.5, ge=0.0, le=1.0, description="coefficient of restitution: 0 plastic, 1 elastic")
    contact_distance: Quantity("m", "m", gt=0.0, le=1.0) = Field(
        default=0.3, description="tip to his centre at contact: the suit's half-depth (m); a suit with its backpack is under 1 m deep"
    )


class Scenario(ArmScenarioBase):
    """The arm strikes a crew member; he drifts off, on his tether or free."""

    kind: Literal["arm_push"] = "arm_push"
    duration: EvaDuration = Field(default=900.0, description="bare number: s; at most 9 h (an EMU's life support)")
    astronaut: HeldAstronautSpec = Field(default_factory=HeldAstronautSpec)
    tether: TetherSpec = Field(default_factory=TetherSpec)
    strike: StrikeSpec = Field(default_factory=StrikeSpec)

    @model_validator(mode="after")
    def _within_tether(self):
        check_within_tether(self.astronaut.position, self.tether)
        check_start_time("strike.start", self.strike.start, self.duration)
        self._not_inside_the_tip()
        return self

    def _not_inside_the_tip(self):
        # the tip starts on his suit or inside it: there is no approach to strike him with
        tip = self.arm.build().tip(np.asarray(self.arm.initial_joints))
        distance = float(np.linalg.norm(np.subtract(self.astronaut.position, tip)))
        if distance <= self.strike.contact_distance + CONTACT_SLACK_M:
            raise field_error(
                "astronaut.position", "[" + ", ".join(f"{x:g}" for x in self.astronaut.position) + "] m",
                f"{distance:.3g} m from the arm's tip at the start; expected farther than strike.contact_distance "
                f"({self.strike.contact_distance:g} m): the tip would start inside his suit",
            )


def contact_delta_v(tip_velocity, his_velocity, tip_to_him, restitution):
    """His delta-v (m/s, (3,)) from an impulsive contact with an infinitely heavy tip.

    ``tip_to_him``: the contact normal (any length; if zero the relative velocity's
    direction is used); the tangential velocity is left unchanged (no friction).
    """
    relative = np.asarray(tip_velocity, dtype=float) - np.asarray(his_velocity, dtype=float)
    normal = np.asarray(tip_to_him, dtype=float)
    if not np.linalg.norm(normal) > 1e-9:
        normal = relative
    normal = normal / np.linalg.norm(normal)
    approach = float(relative @ normal)
    return (1.0 + restitution) * max(approach, 0.0) * normal


def _drift(scenario, station_r, station_v, rel_r, rel_v, times_s, progress_span, pushes=(), tether=None):
    """His drift (an :class:`orbital.models.eva.EvaResult`) sampled at ``times_s`` (s, from 0), reporting
    its progress into ``progress_span`` of the run."""
    from orbital.models.eva import simulate_eva

    return simulate_eva(
        station_r,
        station_v,
        rel_r,
        rel_v,
        float(times_s[-1]),
        scenario.output_step,
        mass_kg=scenario.astronaut.mass,
        pushes=pushes,
        tether=tether,
        include_j2=scenario.j2,
        times_s=times_s,
        progress_span=progress_span,
    )


#: Contact when the tip is within the contact distance plus this, m (the last
#: resolved-rate step closes most, not all, of the gap).
CONTACT_SLACK_M = 0.01


def _strike(arm, scenario, t, progress):
    """Drive the tip into him, one command per control time ``t`` (s); joint history (N, 7),
    closest approach (m), and the contact ``(index, tip velocity, tip -> him)`` or None.

    The tip is aimed at the point of his suit facing it (``contact_distance``
    short of his centre), so its last step ends on the suit, not inside him; it
    touches him at the speed it had on the step before, in the direction of the last step.
    """
    q = np.empty((t.size, 7))
    q[0] = scenario.arm.initial_joints
    home = arm.tip(q[0])
    him = np.asarray(scenario.astronaut.position, dtype=float)
    tip_prev, speed, contact = home, 0.0, None
    miss = float(np.linalg.norm(him - home))
    for k in range(1, t.size):
        progress(t[k])
        dt = t[k] - t[k - 1]
        if contact is not None:
            q[k] = step_tip_towards(arm, q[k - 1], home, dt, arm.tip_speed_unloaded_m_s)
            continue
        if t[k - 1] < scenario.strike.start:
            q[k] = q[k - 1]
            continue
        to_him = him - tip_prev
        surface = him - scenario.strike.contact_distance * to_him / np.linalg.norm(to_him)
        q[k] = step_tip_towards(arm, q[k - 1], surface, dt, arm.tip_speed_unloaded_m_s)
        tip = arm.tip(q[k])
        distance = float(np.linalg.norm(him - tip))
        miss = min(miss, distance)
        step = tip - tip_prev
        if distance <= scenario.strike.contact_distance + CONTACT_SLACK_M:
            contact = (k, max(speed, np.linalg.norm(step) / dt) * step / np.linalg.norm(step), him - tip)
        speed, tip_prev = np.linalg.norm(step) / dt, tip
    return q, miss, contact


def _after_contact(scenario, grid, before, start, delta_v, tether):
    """His states (M, 6) LVLH, tensions (M,) N and drift (or None) at the times ``grid.t_s[start:]``,
    pushed off with ``delta_v`` (m/s, LVLH) at ``grid.t_s[start]``; events shifted to run time."""
    from orbital.models.eva import Push

    held = np.concatenate([scenario.astronaut.position, np.zeros(3)])
    times = grid.t_s[start:] - grid.t_s[start]
    if times.size == 1:  # struck at the run's last instant: he has only just left
        return (held + np.concatenate([np.zeros(3), delta_v]))[None, :], np.zeros(1), None
    station = before.station_teme[start]
    push = Push(0.0, delta_v_lvlh_m_s=tuple(float(x) for x in delta_v))
    drift = _drift(scenario, station[:3], station[3:], held[:3], held[3:], times, (0.6, 1.0), [push], tether)
    return drift.rel_lvlh, drift.tension_n, drift


def run(scenario):
    """Fly the strike and the drift after it; returns a :class:`orbital.result.Result`."""
    epoch, r0, v0 = initial_state(scenario.station, scenario.j2)
    grid = arm_grid(scenario.duration, scenario.output_step)
    held = np.concatenate([scenario.astronaut.position, np.zeros(3)])
    before = _drift(scenario, r0, v0, held[:3], held[3:], grid.t_s, (0.0, 0.4))  # the station's path
    arm, tether, t_control = scenario.arm.build(), tether_config(scenario.tether), grid.control_t_s
    q_control, miss, contact = _strike(arm, scenario, t_control, Stage("arm strike", 0.0, scenario.duration, 0.4, 0.6))
    astronaut = np.tile(held, (grid.t_s.size, 1))  # he holds still at his work place until struck ...
    tension = np.zeros(grid.t_s.size)  # ... his line slack
    cw = astronaut.copy()
    if contact is None:
        contact_time, delta_v, drift = None, np.zeros(3), None
        events = [Event(grid.t_s[-1], "no_contact", "the tip never reached him")]
    else:
        k, tip_velocity, tip_to_him = contact
        start, contact_time = grid.control[k], float(t_control[k])
        delta_v = contact_delta_v(tip_velocity, np.zeros(3), tip_to_him, scenario.strike.restitution)
        astronaut[start:], tension[start:], drift = _after_contact(scenario, grid, before, start, delta_v, tether)
        if drift is not None:
            cw[start:] = drift.rel_cw
        speed = float(np.linalg.norm(tip_velocity))
        events = [
            Event(contact_time, "contact", f"tip at {speed:.3f} m/s, restitution {scenario.strike.restitution:g}"),
            Event(contact_time, "release", f"he leaves with delta-v {np.round(delta_v, 3).tolist()} m/s LVLH"),
        ]
        events += [replace(e, time_s=e.time_s + contact_time) for e in (drift.events if drift else [])]
    out = grid.output
    t, astronaut, cw, tension = grid.t_s[out], astronaut[out], cw[out], tension[out]
    q = joints_between_commands(grid, q_control)[out]

    trajectories = {
        "station": Trajectory("gcrs", LVLH_COLUMNS, LVLH_UNITS, station_gcrs(epoch, before.station_teme[out])),
        "astronaut": Trajectory("lvlh", LVLH_COLUMNS, LVLH_UNITS, astronaut),
        "astronaut_cw": Trajectory("lvlh", LVLH_COLUMNS, LVLH_UNITS, cw),
        "tether_tension": Trajectory(None, ("tension",), ("N",), tension[:, None]),
        **arm_trajectories(arm, t, q),
    }
    summary = {
        "contact": contact is not None,
        "contact_time_s": contact_time,
        "push_delta_v_m_s": float(np.linalg.norm(delta_v)),
        "push_delta_v_lvlh_m_s": delta_v.tolist(),
        "captured": False,
        "capture_time_s": None,
        "miss_distance_m": float(miss),
        **arm_rate_summary(arm, t_control, q_control),
        "returned_to_airlock": False,
        "reason": None if contact is not None else "no_contact",
        **(drift_summary(drift) if drift is not None else {}),
        "max_separation_m": float(np.max(np.linalg.norm(astronaut[:, :3], axis=1))),
    }
    scene = arm_scene(scenario.arm, tether)
    return Result(scenario.name, scenario.kind, epoch, t, trajectories, sorted(events, key=lambda e: e.time_s), summary, scene=scene)


#: What :func:`run` puts in the summary: the strike, the keys it shares with arm_rescue, then his drift's after it.
SUMMARY_KEYS = {
    "contact": SummaryKey("", "whether the tip reached him"),
    "contact_time_s": SummaryKey("s", "time of the contact since the epoch; null without one"),
    "push_delta_v_m_s": SummaryKey("m/s", "size of the delta-v the contact gave him (0 without one)"),
    "push_delta_v_lvlh_m_s": SummaryKey("m/s", "that delta-v as an LVLH vector [x, y, z]"),
    "captured": SummaryKey("", "always false here (a push never captures); the key is shared with arm_rescue"),
    "capture_time_s": SummaryKey("s", "always null here; the key is shared with arm_rescue"),
    "miss_distance_m": SummaryKey("m", "closest distance from the tip to his centre during the strike, at the arm's control steps"),
    **ARM_RATE_SUMMARY_KEYS,
    "returned_to_airlock": SummaryKey("", "always false here; the key is shared with arm_rescue"),
    "reason": SummaryKey("", "why the strike failed: no_contact (the tip never reached him); null when it struck"),
    "max_separation_m": SummaryKey("m", "largest distance of him from the station's centre of mass over the output samples, before and after the strike"),
    **{
        key: SummaryKey(declared.unit, f"{declared.meaning}; only if he was struck before the run's last instant")
        for key, declared in DRIFT_SUMMARY_KEYS.items()
        if key != "max_separation_m"
    },
}

KIND = KindSpec(
    name="arm_push",
    scenario=Scenario,
    run=run,
    title="the robotic arm's tip strikes a crew member, who drifts off",
    summary=SUMMARY_KEYS,
    display=DisplayHints(roles={"station": "orbit", "astronaut": "chaser", "astronaut_cw": "chaser_reference", "tether_tension": "tension", "arm_points": "arm"},
                         plots=(*ARM_PLOTS, *spacewalk_plots("astronaut", "tether_tension", "astronaut_cw"))),
)
