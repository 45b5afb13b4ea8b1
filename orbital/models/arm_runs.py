"""What the arm scenario kinds (``arm_push``, ``arm_rescue``) share: the ``arm:`` section
of their YAML, the log of the arm's motion, and its trajectories and summary for the Result.

The arm is commanded on its own clock, every :data:`ARM_CONTROL_STEP_S`, whatever
the output sampling: a run is computed on the union of the control and output
times (:func:`arm_grid`), his drift is sampled at all of them, and the joint angles
between two commands move at the commanded, constant rates (linear in time). The
summary's rates are those of the commands.
"""

import math
from dataclasses import dataclass
from typing import List

import numpy as np
from pydantic import Field, model_validator

from orbital.kind_contract import Curve, SeriesPlot, SummaryKey
from orbital.models.arm import (
    JOINT_LIMIT_RAD,
    JOINT_RATE_RAD_S,
    TIP_SPEED_LOADED_M_S,
    TIP_SPEED_UNLOADED_M_S,
    Arm,
    base_rotation_matrix,
    canadarm2_offsets,
    joint_rates_rad_s,
    tip_speeds_m_s,
)
from orbital.models.spacewalk import MAX_OUTPUT_SAMPLES, BoundedVector3, EvaDuration, StationPoint
from orbital.result import Trajectory
from orbital.schema import (
    Angle,
    Quantity,
    ScenarioBase,
    StationSpec,
    StrictModel,
    check_sample_count,
    check_station_orbit,
    field_error,
)

#: Fastest joint rate accepted (rad/s): large space arms turn their joints at a few deg/s (Canadarm2 about 4).
MAX_JOINT_RATE_RAD_S = math.radians(10.0)
#: Fastest tip speed accepted (m/s): the Shuttle's arm, the fastest large space arm, moved its tip at 0.6 m/s unloaded.
MAX_TIP_SPEED_M_S = 0.6
#: Finest output step (s): the run's times are kept to the nanosecond; a millisecond already
#: samples a 1 s arm command a thousand times.
MIN_OUTPUT_STEP_S = 1e-3

#: A ready pose: shoulder pitched 30 deg, elbow folded -120 deg, wrist pitched 90 deg.
READY_POSE_RAD = tuple(math.radians(a) for a in (0.0, 0.0, 30.0, -120.0, 90.0, 0.0, 0.0))

LVLH_COLUMNS = ("x", "y", "z", "vx", "vy", "vz")
LVLH_UNITS = ("m",) * 3 + ("m/s",) * 3


class ArmSpec(StrictModel):
    """The arm on the station: where its base is, how it is turned, its pose at the start, its limits."""

    base: StationPoint = Field(default=(3.0, 0.0, 10.0), description="base on the truss, LVLH from the centre of mass")
    base_rotation: BoundedVector3("rad", "deg", 2.0 * math.pi * math.sqrt(3.0), "each angle within +-360 deg") = Field(
        default=(0.0, math.pi / 2.0, 0.0),
        description="roll, pitch, yaw turning the base frame (arm along +z at zero angles) into LVLH; "
        "pitch 90 deg stands the arm up, radially out",
    )
    initial_joints: List[Angle] = Field(
        default=list(READY_POSE_RAD), min_length=7, max_length=7, description="7 joint angles at the start, base to tip"
    )
    joint_limit: Quantity("rad", "deg", gt=0.0, le=JOINT_LIMIT_RAD) = Field(
        default=JOINT_LIMIT_RAD, description="travel of every joint, +- (REFERENCES: 270 deg)"
    )
    joint_rate: Quantity("rad/s", "deg/s", gt=0.0, le=MAX_JOINT_RATE_RAD_S) = Field(
        default=JOINT_RATE_RAD_S, description="about 4 deg/s; large space arms turn at a few deg/s, 10 accepted"
    )
    tip_speed_unloaded: Quantity("m/s", "m/s", gt=0.0, le=MAX_TIP_SPEED_M_S) = Field(
        default=TIP_SPEED_UNLOADED_M_S, description="0.37 m/s (the Shuttle's arm, the fastest, 0.6 m/s)"
    )
    tip_speed_loaded: Quantity("m/s", "m/s", gt=0.0, le=MAX_TIP_SPEED_M_S) = Field(
        default=TIP_SPEED_LOADED_M_S, description="0.15 m/s carrying a spacewalker"
    )
    airlock: StationPoint = Field(default=(0.0, -2.0, 4.0), description="where a rescued crew member is brought, LVLH; within the arm's reach")

    @model_validator(mode="after")
    def _joints_within_travel(self):
        for index, angle in enumerate(self.initial_joints):
            if abs(angle) > self.joint_limit:
                raise field_error(
                    f"initial_joints.{index}", f"{math.degrees(angle):g} deg",
                    f"beyond the joint's travel; expected within +-{math.degrees(self.joint_limit):g} deg (joint_limit)",
                )
        for index, angle in enumerate(self.base_rotation):
            if abs(angle) > 2.0 * math.pi:
                raise field_error(f"base_rotation.{index}", f"{math.degrees(angle):g} deg", "expected within +-360 deg")
        reach_m = float(np.linalg.norm(canadarm2_offsets().sum(axis=0)))
        airlock_m = float(np.linalg.norm(np.subtract(self.airlock, self.base)))
        if airlock_m > reach_m:
            raise field_error(
                "airlock", "[" + ", ".join(f"{x:g}" for x in self.airlock) + "] m",
                f"{airlock_m:.4g} m from the arm's base; expected within its reach ({reach_m:.4g} m, arm straight)",
            )
        if self.tip_speed_loaded > self.tip_speed_unloaded:
            raise field_error(
                "tip_speed_loaded", f"{self.tip_speed_loaded:g} m/s",
                f"faster than tip_speed_unloaded; expected at most {self.tip_speed_unloaded:g} m/s",
            )
        return self

    def build(self):
        """The :class:`orbital.models.arm.Arm` this section describes."""
        return Arm(
            base_lvlh_m=self.base,
            base_rotation=base_rotation_matrix(self.base_rotation),
            joint_limit_rad=self.joint_limit,
            joint_rate_rad_s=self.joint_rate,
            tip_speed_unloaded_m_s=self.tip_speed_unloaded,
            tip_speed_loaded_m_s=self.tip_speed_loaded,
        )


class ArmScenarioBase(ScenarioBase):
    """Fields both arm kinds have: the output grid (also the arm's control step), the station, J2, the arm."""

    duration: EvaDuration = Field(default=600.0, description="bare number: s; at most 9 h (an EMU's life support)")
    output_step: Quantity("s", "s", ge=MIN_OUTPUT_STEP_S) = Field(
        default=1.0, description="sampling (bare number: s); the arm is commanded every second whatever it is"
    )
    station: StationSpec = Field(default_factory=StationSpec)
    j2: bool = Field(default=True, description="J2 gravity for both bodies")
    arm: ArmSpec = Field(default_factory=ArmSpec)

    @model_validator(mode="after")
    def _grid_not_too_large(self):
        check_sample_count(self.duration, self.output_step, MAX_OUTPUT_SAMPLES)
        check_station_orbit(self.station)
        return self


#: The arm's control step (s): joint rates are commanded this often and held in between.
#: A second is the step the bundled runs were tuned with; at the 0.37 m/s tip speed
#: limit the tip moves 0.37 m a step, about the suit's half-depth (strike.contact_distance).
ARM_CONTROL_STEP_S = 1.0


@dataclass(frozen=True)
class ArmGrid:
    """The times (s) of an arm run, ``t_s``: the union of the control and output times,
    with the indices into ``t_s`` of the control samples (``control``) and of the output samples (``output``)."""

    t_s: np.ndarray
    control: np.ndarray
    output: np.ndarray

    @property
    def control_t_s(self) -> np.ndarray:
        return self.t_s[self.control]


def arm_grid(duration_s: float, output_step_s: float) -> ArmGrid:
    """Control and output times of a run of ``duration_s`` sampled every ``output_step_s`` (to the nanosecond)."""
    from orbital.models.eva import output_times

    control = np.round(output_times(duration_s, ARM_CONTROL_STEP_S), 9)
    output = np.round(output_times(duration_s, output_step_s), 9)
    control[-1] = output[-1] = duration_s  # both end on the run's end exactly
    t_s = np.union1d(control, output)
    return ArmGrid(t_s, np.searchsorted(t_s, control), np.searchsorted(t_s, output))


def joints_between_commands(grid: ArmGrid, q_control_rad: np.ndarray) -> np.ndarray:
    """Joint angles (N, 7) rad at every time of ``grid`` from those at its control times:
    each joint turns at its commanded, constant rate between two commands."""
    t_control = grid.control_t_s
    return np.stack([np.interp(grid.t_s, t_control, q_control_rad[:, j]) for j in range(q_control_rad.shape[1])], axis=1)


def arm_trajectories(arm, t_s, q_rad):
    """``arm_joints`` (N, 7) rad, ``arm_points`` (N, 3K) LVLH m, ``arm_tip`` (N, 6) LVLH m, m/s.

    The tip velocity at a sample is its displacement over the step that ends
    there (zero at the first sample): the velocity the arm was commanded to.
    """
    points = np.stack([arm.forward(q)[0] for q in q_rad])
    tip = points[:, -1, :]
    tip_velocity = np.zeros_like(tip)
    tip_velocity[1:] = np.diff(tip, axis=0) / np.diff(t_s)[:, None]
    point_columns = tuple(f"p{k}_{c}" for k in range(arm.point_count) for c in "xyz")
    return {
        "arm_joints": Trajectory("joint", tuple(f"q{i + 1}" for i in range(7)), ("rad",) * 7, np.asarray(q_rad)),
        "arm_points": Trajectory("lvlh", point_columns, ("m",) * len(point_columns), points.reshape(len(t_s), -1)),
        "arm_tip": Trajectory("lvlh", LVLH_COLUMNS, LVLH_UNITS, np.hstack([tip, tip_velocity])),
    }


#: The keys of :func:`arm_rate_summary`, for the contracts of the arm kinds.
ARM_RATE_SUMMARY_KEYS: dict[str, SummaryKey] = {
    "max_joint_rate_deg_s": SummaryKey("deg/s", "largest commanded joint rate, any joint, over the arm's control steps"),
    "max_tip_speed_m_s": SummaryKey("m/s", "largest tip speed (LVLH) over the arm's control steps"),
}


#: The arm's figures (``issim plot``): each joint's rate and the tip's speed, from the trajectories
#: :func:`arm_trajectories` writes (joint rates are constant between commands: drawn as steps).
ARM_PLOTS = (
    SeriesPlot("joint_rates", "Arm joint rates", "deg/s", tuple(Curve("arm_joints", (f"q{k}",), "rate", f"q{k}") for k in range(1, 8)),
               active_only=True),
    SeriesPlot("tip_speed", "Arm tip speed", "m/s", (Curve("arm_tip", ("vx", "vy", "vz"), "norm"),), events=("contact", "capture", "at_airlock"),
               active_only=True),
)


def arm_rate_summary(arm, t_s, q_rad):
    """Largest commanded joint rate (deg/s) and tip speed (m/s): joint angles ``q_rad`` (N, 7) at the control times ``t_s``."""
    tip_m = np.stack([arm.tip(q) for q in q_rad])
    return {
        "max_joint_rate_deg_s": float(np.degrees(np.max(np.abs(joint_rates_rad_s(t_s, q_rad))))),
        "max_tip_speed_m_s": float(np.max(tip_speeds_m_s(t_s, tip_m))),
    }


def arm_scene(spec, tether):
    """Fixed geometry for the viewer: arm base, airlock and (if clipped) the tether's anchor, LVLH m;
    the arm's reach about its base (m, straight: from its link lengths), for its envelope."""
    scene = {"arm_base_lvlh_m": list(spec.base), "airlock_lvlh_m": list(spec.airlock), "arm_reach_m": spec.build().full_stretch_reach_m()}
    if tether is not None:
        scene["tether_anchor_lvlh_m"] = list(tether.anchor_lvlh_m)
    return scene
