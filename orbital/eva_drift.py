"""``kind: eva_drift``: a crew member pushed off the station, on a tether or free.

The scenario is read here and handed to :func:`orbital.eva.simulate_eva`; the
station flies in TEME of the epoch (J2 about the true pole, as in
:mod:`orbital.station`) and is written out in GCRS. Relative states are in the
station's LVLH frame (x radial out, y along-track, z orbit normal), metres.
"""

from typing import List, Literal, Optional

import numpy as np
from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from orbital.schema import (
    Mass,
    PositiveDuration,
    PositiveForce,
    PositiveLength,
    PositiveSpeed,
    Quantity,
    ScenarioBase,
    check_sample_count,
    check_station_orbit,
    field_error,
    StationSpec,
    StrictModel,
    Time,
    Vector3,
)

#: Most output samples a run may ask for (duration / output_step).
MAX_OUTPUT_SAMPLES = 200_000


class AstronautSpec(StrictModel):
    """The crew member (with suit and SAFER) at the start, relative to the station's centre of mass."""

    mass: Mass = Field(default=240.0, description="crew + suit + SAFER: 230 to 250 kg")
    position: Vector3("m", "m") = Field(default=(0.0, 0.0, 0.0), description="LVLH position (bare numbers: m)")
    velocity: Vector3("m/s", "m/s") = Field(default=(0.0, 0.0, 0.0), description="LVLH velocity (bare numbers: m/s)")


class PushSpec(StrictModel):
    """A push at ``time``: an impulse ``delta_v`` or a ``force`` held for ``duration``, both LVLH."""

    time: Time = 0.0
    delta_v: Optional[Vector3("m/s", "m/s")] = None
    force: Optional[Vector3("N", "N")] = None
    duration: Optional[PositiveDuration] = None

    @model_validator(mode="after")
    def _impulse_or_force(self):
        if (self.delta_v is None) == (self.force is None):
            raise PydanticCustomError("push", "give either 'delta_v' (an impulse) or 'force' with 'duration'")
        if self.force is not None and self.duration is None:
            raise PydanticCustomError("push", "a 'force' push needs a 'duration'")
        if self.delta_v is not None and self.duration is not None:
            raise PydanticCustomError("push", "an impulse ('delta_v') takes no 'duration'; use 'force' for a held push")
        return self


class TetherSpec(StrictModel):
    """The safety tether: a 26 m steel cable on a take-up reel, anchored on the station."""

    clipped: bool = Field(default=True, description="false: never clipped (no tether)")
    anchor: Vector3("m", "m") = Field(default=(0.0, 0.0, 0.0), description="reel position, LVLH from the centre of mass")
    length: PositiveLength = Field(default=26.0, description="full payout (REFERENCES: 26 m, 85 ft)")
    axial_stiffness: PositiveForce = Field(default=2.5e5, description="EA of the cable (bare number: N)")
    damping_ratio: float = Field(default=0.05, ge=0.0, le=2.0)
    reel_force: Quantity("N", "N", ge=0.0) = Field(default=4.5, description="the reel's take-up pull (bare number: N)")
    breaking_load: PositiveForce = Field(default=4900.0, description="the line parts at this tension (bare number: N)")

    @model_validator(mode="after")
    def _reel_weaker_than_the_line(self):
        # the reel's pull is part of the line's tension: at or above the breaking load it would part the line by itself
        if self.clipped and self.reel_force >= self.breaking_load:
            raise field_error("reel_force", f"{self.reel_force:g} N", f"expected below breaking_load ({self.breaking_load:g} N): the reel pulls on the line it winds")
        return self


class SaferSpec(StrictModel):
    """SAFER jet pack and its fly-back autopilot."""

    enabled: bool = False
    thruster_force: PositiveForce = Field(default=3.6, description="each of the 24 nitrogen thrusters")
    delta_v_budget: PositiveSpeed = Field(default=3.0, description="about 3 m/s of nitrogen")
    start_delay: Time = Field(default=10.0, description="reaction time before the autopilot starts")
    target: Vector3("m", "m") = Field(default=(0.0, 0.0, 0.0), description="where to fly back to, LVLH")
    max_approach_speed: PositiveSpeed = 0.2
    capture_radius: PositiveLength = Field(default=2.0, description="'returned' within this distance of target")
    capture_speed: PositiveSpeed = Field(default=0.1, description="... and slower than this")


class Scenario(ScenarioBase):
    """A spacewalker near the station: pushes, a tether, SAFER; nonlinear relative motion."""

    kind: Literal["eva_drift"] = "eva_drift"
    duration: PositiveDuration = Field(default=5580.0, description="bare number: s; default about one orbit")
    output_step: PositiveDuration = Field(default=5.0, description="bare number: s")
    station: StationSpec = Field(default_factory=StationSpec)
    j2: bool = Field(default=True, description="J2 gravity for both bodies")
    astronaut: AstronautSpec = Field(default_factory=AstronautSpec)
    pushes: List[PushSpec] = Field(default_factory=list)
    tether: TetherSpec = Field(default_factory=TetherSpec)
    safer: SaferSpec = Field(default_factory=SaferSpec)

    @model_validator(mode="after")
    def _grid_not_too_large(self):
        check_sample_count(self.duration, self.output_step, MAX_OUTPUT_SAMPLES)
        check_station_orbit(self.station)
        return self

    @model_validator(mode="after")
    def _pushes_and_tether_possible(self):
        check_push_times(self.pushes, self.duration)
        check_within_tether(self.astronaut.position, self.tether)
        return self


def check_push_times(pushes, duration_s):
    """Refuse a push (a validator's helper) that would come after the run's end."""
    for index, push in enumerate(pushes):
        if push.time > duration_s:
            raise field_error(
                f"pushes.{index}.time", f"{push.time:g} s", f"after the run's end; expected at most duration ({duration_s:g} s)"
            )


def check_within_tether(position, tether):
    """Refuse a crew member (a validator's helper) clipped to a tether shorter than his distance to its anchor."""
    distance = float(np.linalg.norm(np.subtract(position, tether.anchor)))
    if tether.clipped and distance > tether.length:
        raise field_error(
            "astronaut.position", "[" + ", ".join(f"{x:g}" for x in position) + "] m",
            f"{distance:.4g} m from the tether anchor; expected within tether.length ({tether.length:g} m) "
            "while tether.clipped is true",
        )


def push_list(specs):
    """YAML pushes -> :class:`orbital.eva.Push` list."""
    from orbital.eva import Push

    return [
        Push(p.time, delta_v_lvlh_m_s=p.delta_v)
        if p.delta_v is not None
        else Push(p.time, force_lvlh_n=p.force, duration_s=p.duration)
        for p in specs
    ]


def tether_config(t):
    """YAML tether -> :class:`orbital.tether.TetherConfig`, or None if not clipped."""
    from orbital.tether import TetherConfig

    if not t.clipped:
        return None
    return TetherConfig(
        anchor_lvlh_m=t.anchor,
        max_length_m=t.length,
        axial_stiffness_n=t.axial_stiffness,
        damping_ratio=t.damping_ratio,
        reel_force_n=t.reel_force,
        breaking_load_n=t.breaking_load,
    )


def _safer_config(spec):
    """YAML SAFER -> :class:`orbital.eva.SaferConfig`, or None if not enabled."""
    from orbital.eva import SaferConfig

    if not spec.enabled:
        return None
    return SaferConfig(
        thruster_force_n=spec.thruster_force,
        delta_v_budget_m_s=spec.delta_v_budget,
        start_delay_s=spec.start_delay,
        target_lvlh_m=spec.target,
        max_approach_speed_m_s=spec.max_approach_speed,
        capture_radius_m=spec.capture_radius,
        capture_speed_m_s=spec.capture_speed,
    )


def fly_from_start(scenario, tether, safer=None):
    """Fly the scenario's crew member from its start (station, astronaut, pushes, duration, j2).

    ``tether``: a :class:`~orbital.tether.TetherConfig` or None; ``safer``: a
    :class:`~orbital.eva.SaferConfig` or None. Returns ``(epoch, EvaResult)``.
    """
    from orbital.eva import simulate_eva
    from orbital.station import initial_state

    epoch, r0, v0 = initial_state(scenario.station)
    eva = simulate_eva(
        r0,
        v0,
        scenario.astronaut.position,
        scenario.astronaut.velocity,
        scenario.duration,
        scenario.output_step,
        mass_kg=scenario.astronaut.mass,
        pushes=push_list(scenario.pushes),
        tether=tether,
        safer=safer,
        include_j2=scenario.j2,
    )
    return epoch, eva


def station_gcrs(epoch, station_teme):
    """Station states (N, 6) flown in TEME of ``epoch`` -> GCRS (m, m/s)."""
    from astropy.time import Time as AstropyTime

    from orbital.frames import teme_to_gcrs_matrix

    to_gcrs = teme_to_gcrs_matrix(AstropyTime(epoch, scale="utc"))
    return np.hstack([station_teme[:, :3] @ to_gcrs.T, station_teme[:, 3:] @ to_gcrs.T])


def drift_summary(eva):
    """The summary scalars of a drift run (:class:`orbital.eva.EvaResult`)."""
    return {
        "max_separation_m": eva.max_separation_m,
        "final_separation_m": eva.final_separation_m,
        "along_track_drift_per_orbit_m": eva.along_track_drift_per_orbit_m,
        "max_tether_tension_n": eva.max_tether_tension_n,
        "tether_broken": eva.tether_broken,
        "safer_dv_used_m_s": eva.safer_dv_used_m_s,
        "returned": eva.returned,
        "cw_max_deviation_m": eva.cw_max_deviation_m,
        "orbital_period_min": 2.0 * np.pi / eva.mean_motion_rad_s / 60.0,
    }


def run(scenario):
    """Fly the scenario; returns a :class:`orbital.results.Result`."""
    from orbital.results import Event, Result, Trajectory

    tether, safer = tether_config(scenario.tether), _safer_config(scenario.safer)
    epoch, eva = fly_from_start(scenario, tether, safer)
    lvlh_columns, lvlh_units = ("x", "y", "z", "vx", "vy", "vz"), ("m",) * 3 + ("m/s",) * 3
    trajectories = {
        "station": Trajectory("gcrs", lvlh_columns, lvlh_units, station_gcrs(epoch, eva.station_gcrs)),
        "astronaut": Trajectory("lvlh", lvlh_columns, lvlh_units, eva.rel_lvlh),
        "astronaut_cw": Trajectory("lvlh", lvlh_columns, lvlh_units, eva.rel_cw),
        "tether_tension": Trajectory("none", ("tension",), ("N",), eva.tension_n[:, None]),
    }
    summary = drift_summary(eva)
    events = [Event(e.time_s, e.kind, e.detail) for e in eva.events]
    scene = {"tether_anchor_lvlh_m": list(tether.anchor_lvlh_m)} if tether is not None else {}
    if safer is not None:
        scene["safer_target_lvlh_m"] = list(safer.target_lvlh_m)
    return Result(scenario.name, scenario.kind, epoch, eva.t_s, trajectories, events, summary, scene=scene)
