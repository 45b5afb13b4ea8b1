"""``kind: cw_free_drift``: a body released near a station in a circular orbit, drifting freely.

The example kind of docs/adding_a_kind.md. Its motion relative to the station is the
Clohessy-Wiltshire closed form (:mod:`orbital.propagation.cw`) in the station's LVLH frame
(x radial out, y along-track, z orbit normal), metres: no J2, no drag, no tether.
"""

from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from orbital.earth.constants import MU_EARTH_M3_S2, R_EARTH_EQ_M
from orbital.kind_contract import DisplayHints, KindSpec, SummaryKey
from orbital.propagation.cw import cw_propagate
from orbital.result import Event, Result, Trajectory
from orbital.schema import Epoch, PositiveDuration, Quantity, ScenarioBase, Vector3, check_sample_count

#: Most output samples a run may ask for (duration / output_step).
MAX_OUTPUT_SAMPLES = 100_000


class Scenario(ScenarioBase):
    """A body released at ``release_position`` with ``delta_v`` relative to the station (LVLH)."""

    kind: Literal["cw_free_drift"] = "cw_free_drift"
    epoch: Epoch = "2026-11-25T00:00:00.000"
    altitude: Quantity("m", "km", ge=150.0e3, le=2000.0e3) = Field(
        default=420.0e3, description="the station's circular orbit above the equatorial radius (bare number: km)"
    )
    duration: Quantity("s", "s", gt=0.0, le=86400.0) = Field(default=7200.0, description="up to a day (bare number: s)")
    output_step: PositiveDuration = Field(default=10.0, description="bare number: s")
    release_position: Vector3("m", "m") = Field(default=(0.0, 0.0, 0.0), description="LVLH, from the station (bare numbers: m)")
    delta_v: Vector3("m/s", "m/s") = Field(default=(0.0, 0.1, 0.0), description="LVLH velocity at release (bare numbers: m/s)")

    @model_validator(mode="after")
    def _grid_not_too_large(self):
        check_sample_count(self.duration, self.output_step, MAX_OUTPUT_SAMPLES)
        return self


def mean_motion_rad_s(altitude_m):
    """Mean motion (rad/s) of a circular orbit ``altitude_m`` above the equatorial radius."""
    return float(np.sqrt(MU_EARTH_M3_S2 / (R_EARTH_EQ_M + altitude_m) ** 3))


def run(scenario):
    """Drift from the release; returns a :class:`orbital.result.Result`."""
    n = mean_motion_rad_s(scenario.altitude)
    period_s = 2.0 * np.pi / n
    state0 = np.concatenate([scenario.release_position, scenario.delta_v])
    t_s = np.append(np.arange(0.0, scenario.duration, scenario.output_step), scenario.duration)
    states = cw_propagate(state0, n, t_s)
    # over one whole period the periodic terms cancel: what is left of y is the secular drift
    y_start, y_after_one_orbit = cw_propagate(state0, n, [0.0, period_s])[:, 1]
    summary = {
        "period_min": period_s / 60.0,
        "along_track_drift_per_orbit_m": float(y_after_one_orbit - y_start),
        "max_radial_m": float(np.max(np.abs(states[:, 0]))),
        "final_separation_m": float(np.linalg.norm(states[-1, :3])),
    }
    columns, units = ("x", "y", "z", "vx", "vy", "vz"), ("m",) * 3 + ("m/s",) * 3
    trajectories = {"drifter": Trajectory("lvlh", columns, units, states)}
    events = [Event(0.0, "release", f"released with {np.round(scenario.delta_v, 3).tolist()} m/s LVLH"), Event(float(t_s[-1]), "end", "end of the run")]
    return Result(scenario.name, scenario.kind, scenario.epoch, t_s, trajectories, events, summary)


SUMMARY_KEYS = {
    "period_min": SummaryKey("min", "period of the station's circular orbit, 2 pi / n"),
    "along_track_drift_per_orbit_m": SummaryKey("m", "secular LVLH along-track drift over one orbit: y(T) - y(0) of the CW solution"),
    "max_radial_m": SummaryKey("m", "largest LVLH radial distance |x| from the station over the output samples"),
    "final_separation_m": SummaryKey("m", "distance from the station at the last sample"),
}

KIND = KindSpec(
    name="cw_free_drift",
    scenario=Scenario,
    run=run,
    title="a body released near a station in a circular orbit, drifting freely (Clohessy-Wiltshire)",
    summary=SUMMARY_KEYS,
    display=DisplayHints(roles={"drifter": "chaser"}),
)
