"""What the arm scenario kinds (``arm_push``, ``arm_rescue``) share: the ``arm:`` section
of their YAML, the log of the arm's motion, and its trajectories and summary for the Result.

The arm is commanded once per output sample (the control step is the output
step); its joint angles are recorded at every sample, so the recorded rates are
exactly the commanded ones.
"""

import math
from typing import List

import numpy as np
from pydantic import Field, model_validator

from orbital.arm import (
    JOINT_LIMIT_RAD,
    JOINT_RATE_RAD_S,
    TIP_SPEED_LOADED_M_S,
    TIP_SPEED_UNLOADED_M_S,
    Arm,
    base_rotation_matrix,
    joint_rates_rad_s,
    tip_speeds_m_s,
)
from orbital.eva_drift import MAX_OUTPUT_SAMPLES
from orbital.schema import (
    Angle,
    PositiveDuration,
    PositiveSpeed,
    Quantity,
    ScenarioBase,
    StationSpec,
    StrictModel,
    Vector3,
    check_sample_count,
    check_station_orbit,
    field_error,
)

#: A ready pose: shoulder pitched 30 deg, elbow folded -120 deg, wrist pitched 90 deg.
READY_POSE_RAD = tuple(math.radians(a) for a in (0.0, 0.0, 30.0, -120.0, 90.0, 0.0, 0.0))

LVLH_COLUMNS = ("x", "y", "z", "vx", "vy", "vz")
LVLH_UNITS = ("m",) * 3 + ("m/s",) * 3


class ArmSpec(StrictModel):
    """The arm on the station: where its base is, how it is turned, its pose at the start, its limits."""

    base: Vector3("m", "m") = Field(default=(3.0, 0.0, 10.0), description="base on the truss, LVLH from the centre of mass")
    base_rotation: Vector3("rad", "deg") = Field(
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
    joint_rate: Quantity("rad/s", "deg/s", gt=0.0) = Field(default=JOINT_RATE_RAD_S, description="about 4 deg/s")
    tip_speed_unloaded: PositiveSpeed = Field(default=TIP_SPEED_UNLOADED_M_S, description="0.37 m/s")
    tip_speed_loaded: PositiveSpeed = Field(default=TIP_SPEED_LOADED_M_S, description="0.15 m/s carrying a spacewalker")
    airlock: Vector3("m", "m") = Field(default=(0.0, -2.0, 4.0), description="where a rescued crew member is brought, LVLH")

    @model_validator(mode="after")
    def _joints_within_travel(self):
        for index, angle in enumerate(self.initial_joints):
            if abs(angle) > self.joint_limit:
                raise field_error(
                    f"initial_joints.{index}", f"{math.degrees(angle):g} deg",
                    f"beyond the joint's travel; expected within +-{math.degrees(self.joint_limit):g} deg (joint_limit)",
                )
        if self.tip_speed_loaded > self.tip_speed_unloaded:
            raise field_error(
                "tip_speed_loaded", f"{self.tip_speed_loaded:g} m/s",
                f"faster than tip_speed_unloaded; expected at most {self.tip_speed_unloaded:g} m/s",
            )
        return self

    def build(self):
        """The :class:`orbital.arm.Arm` this section describes."""
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

    duration: PositiveDuration = Field(default=600.0, description="bare number: s")
    output_step: PositiveDuration = Field(default=1.0, description="sampling and arm control step (bare number: s)")
    station: StationSpec = Field(default_factory=StationSpec)
    j2: bool = Field(default=True, description="J2 gravity for both bodies")
    arm: ArmSpec = Field(default_factory=ArmSpec)

    @model_validator(mode="after")
    def _grid_not_too_large(self):
        check_sample_count(self.duration, self.output_step, MAX_OUTPUT_SAMPLES)
        check_station_orbit(self.station)
        return self


def arm_trajectories(arm, t_s, q_rad):
    """``arm_joints`` (N, 7) rad, ``arm_points`` (N, 3K) LVLH m, ``arm_tip`` (N, 6) LVLH m, m/s.

    The tip velocity at a sample is its displacement over the step that ends
    there (zero at the first sample): the velocity the arm was commanded to.
    """
    from orbital.results import Trajectory

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


def arm_rate_summary(t_s, trajectories):
    """Largest joint rate (deg/s) and tip speed (m/s) in the recorded arm trajectories."""
    q_rad, tip_m = trajectories["arm_joints"].data, trajectories["arm_tip"].data[:, :3]
    return {
        "max_joint_rate_deg_s": float(np.degrees(np.max(np.abs(joint_rates_rad_s(t_s, q_rad))))),
        "max_tip_speed_m_s": float(np.max(tip_speeds_m_s(t_s, tip_m))),
    }


def arm_scene(spec, tether):
    """Fixed geometry for the viewer: arm base, airlock and (if clipped) the tether's anchor, LVLH m."""
    scene = {"arm_base_lvlh_m": list(spec.base), "airlock_lvlh_m": list(spec.airlock)}
    if tether is not None:
        scene["tether_anchor_lvlh_m"] = list(tether.anchor_lvlh_m)
    return scene
