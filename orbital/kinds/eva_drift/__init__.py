"""``kind: eva_drift``: a crew member pushed off the station, on a tether or free.

The scenario is read here and handed to :func:`orbital.models.eva.simulate_eva`; the
station flies in TEME of the epoch (J2 about the true pole, as in
:mod:`orbital.kinds.station`) and is written out in GCRS. Relative states are in the
station's LVLH frame (x radial out, y along-track, z orbit normal), metres.
"""

from typing import List, Literal

from pydantic import Field, model_validator

from orbital.models.spacewalk import (
    DRIFT_SUMMARY_KEYS,
    MAX_OUTPUT_SAMPLES,
    AstronautSpec,
    EvaDuration,
    PushSpec,
    SaferSpec,
    TetherSpec,
    check_push_times,
    check_start_time,
    check_within_tether,
    drift_summary,
    fly_from_start,
    safer_config,
    spacewalk_plots,
    station_gcrs,
    tether_config,
)
from orbital.kind_contract import Curve, DisplayHints, KindSpec, SeriesPlot
from orbital.result import Result, Trajectory
from orbital.schema import PositiveDuration, ScenarioBase, StationSpec, check_sample_count, check_station_orbit


class Scenario(ScenarioBase):
    """A spacewalker near the station: pushes, a tether, SAFER; nonlinear relative motion."""

    kind: Literal["eva_drift"] = "eva_drift"
    duration: EvaDuration = Field(default=5580.0, description="bare number: s; default about one orbit; at most 9 h (an EMU's life support)")
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
        check_push_times(self.pushes, self.duration, self.astronaut.mass)
        check_within_tether(self.astronaut.position, self.tether)
        if self.safer.enabled:
            check_start_time("safer.start_delay", self.safer.start_delay, self.duration)
        if self.safer.enabled and self.safer.target is not None:
            # a target the line cannot reach: the jets would pull against the taut line until the nitrogen ran out
            check_within_tether(self.safer.target, self.tether, "safer.target")
        return self


def run(scenario):
    """Fly the scenario; returns a :class:`orbital.result.Result`."""
    tether, safer = tether_config(scenario.tether), safer_config(scenario.safer, scenario.astronaut.position)
    epoch, eva = fly_from_start(scenario, tether, safer)
    lvlh_columns, lvlh_units = ("x", "y", "z", "vx", "vy", "vz"), ("m",) * 3 + ("m/s",) * 3
    trajectories = {
        "station": Trajectory("gcrs", lvlh_columns, lvlh_units, station_gcrs(epoch, eva.station_teme)),
        "astronaut": Trajectory("lvlh", lvlh_columns, lvlh_units, eva.rel_lvlh),
        "astronaut_cw": Trajectory("lvlh", lvlh_columns, lvlh_units, eva.rel_cw),
        "tether_tension": Trajectory(None, ("tension",), ("N",), eva.tension_n[:, None]),
        "safer_dv": Trajectory(None, ("spent",), ("m/s",), eva.safer_dv_m_s[:, None]),
    }
    summary = drift_summary(eva)
    events = eva.events
    scene = {"tether_anchor_lvlh_m": list(tether.anchor_lvlh_m)} if tether is not None else {}
    if safer is not None:
        scene["safer_target_lvlh_m"] = list(safer.target_lvlh_m)
    return Result(scenario.name, scenario.kind, epoch, eva.t_s, trajectories, events, summary, scene=scene)


KIND = KindSpec(
    name="eva_drift",
    scenario=Scenario,
    run=run,
    title="a crew member pushed off the station, on a tether or free",
    summary=DRIFT_SUMMARY_KEYS,
    display=DisplayHints(roles={"station": "orbit", "astronaut": "chaser", "astronaut_cw": "chaser_reference", "tether_tension": "tension"},
                         plots=(*spacewalk_plots("astronaut", "tether_tension", "astronaut_cw"),
                                SeriesPlot("safer_dv", "SAFER delta-v spent", "m/s", (Curve("safer_dv", ("spent",)),), to_event="returned", events=("safer_start", "returned"), active_only=True))),
)
