"""``kind: rendezvous``: help arrives. A crew vehicle parked in a lower orbit phases up and docks.

The scenario is read here and handed to :mod:`orbital.models.rendezvous` (the plan and the
flight); the station flies in TEME of the epoch (J2 about the true pole, as in
:mod:`orbital.kinds.station`) and both bodies are written out in GCRS; the chaser also in the
station's LVLH frame (x radial out, y along-track, z orbit normal), metres.
"""

import math
from typing import List, Literal

from pydantic import Field, model_validator

from orbital.earth.constants import R_EARTH_EQ_M
from orbital.errors import InfeasibleScenario
from orbital.kind_contract import Curve, DisplayHints, KindSpec, SeriesPlot, SummaryKey
from orbital.models.spacewalk import STATION_EXTENT_M, BoundedVector3, station_gcrs
from orbital.result import Result, Trajectory
from orbital.schema import (
    Integer,
    Quantity,
    ScenarioBase,
    StationSpec,
    StrictModel,
    check_station_orbit,
    field_error,
)

#: Most output samples a run may ask for (its span / output_step).
MAX_OUTPUT_SAMPLES = 200_000
#: Lowest parking orbit (m): below about 150 km a vehicle falls within a day; Soyuz is inserted near 200 km.
MIN_CHASER_ALTITUDE_M = 150.0e3
#: Closest approach of the phasing orbit to the station's (m): a Lambert transfer needs some height to climb.
MIN_CLIMB_M = 1.0e3
#: The Lambert transfer: at least 10 min (a shorter one is a brute-force lunge costing km/s), at most
#: 85 min (single revolution: a low orbit takes about 90).
MIN_TRANSFER_S, MAX_TRANSFER_S = 600.0, 5100.0
#: Longest coast in the phasing orbit searched for the cheapest Lambert departure (s): a day,
#: the slowest of the flown phasing profiles (Soyuz's two-day profile phases for about a day and a half).
MAX_COAST_S = 86400.0
#: Keep-out sphere: the ISS's is 200 m; 50 m to 2 km spans visiting vehicles' rules (its approach
#: ellipsoid is 4 x 2 x 2 km).
MIN_KEEP_OUT_M, MAX_KEEP_OUT_M = 50.0, 2000.0
#: Approach corridor half-angle: visiting vehicles fly cones of about 10 to 16 deg; 1 to 45 deg accepted.
MIN_HALF_ANGLE_RAD, MAX_HALF_ANGLE_RAD = math.radians(1.0), math.radians(45.0)
#: Farthest hold point (m): CW targeting stays within metres of the truth out to about 10 km.
MAX_HOLD_DISTANCE_M = 10.0e3
#: Longest hold (s): two orbits, as long as an ISS approach waits for a go.
MAX_HOLD_S = 3.0 * 3600.0
#: A CW hop lasts 5 min to 0.9 orbit (at a whole orbit the in-plane motion comes back and the targeting is singular).
MIN_HOP_S, MAX_HOP_S = 300.0, 5000.0
#: Speeds inside the keep-out sphere: corridor 1 cm/s to 1 m/s; docking 1 to 30 cm/s (Soyuz docks at
#: about 0.1 to 0.3 m/s, IDSS mechanisms capture at up to 0.1 m/s).
MAX_CORRIDOR_SPEED_M_S = 1.0
MIN_DOCKING_SPEED_M_S, MAX_DOCKING_SPEED_M_S = 0.01, 0.3
#: Abort retreat speed: 5 cm/s to 2 m/s (a collision-avoidance burn of visiting vehicles is 0.5 to 1 m/s).
MIN_ABORT_SPEED_M_S, MAX_ABORT_SPEED_M_S = 0.05, 2.0
#: A burn error (m/s): up to 1 m/s, far beyond any thruster's execution error at close range.
MAX_BURN_ERROR_M_S = 1.0
#: Longest flight after the planned contact (s): a day.
MAX_AFTER_CONTACT_S = 86400.0


class ChaserSpec(StrictModel):
    """The crew vehicle at the epoch: a circular orbit in the station's plane, behind it."""

    altitude: Quantity("m", "km", ge=MIN_CHASER_ALTITUDE_M, le=2.0e6) = Field(
        default=250.0e3, description="circular parking orbit (bare number: km): the radius of the plan's Kepler circle less the "
        "equatorial radius (the plan is Keplerian; not a mean altitude as station.altitude); at least 150 km, below the phasing orbit"
    )
    phase_angle: Quantity("rad", "deg", gt=0.0, lt=2.0 * math.pi) = Field(
        default=math.radians(30.0), description="how far it trails the station in argument of latitude (bare number: deg), 0 to 360"
    )


class PhasingSpec(StrictModel):
    """The Hohmann transfer up to a circular phasing orbit."""

    first_burn: Quantity("s", "s", ge=0.0, le=86400.0) = Field(default=600.0, description="time of the first burn after the epoch (bare number: s), at most a day")
    altitude: Quantity("m", "km", ge=MIN_CHASER_ALTITUDE_M, le=2.0e6) = Field(
        default=350.0e3, description="phasing orbit (bare number: km): the plan's Kepler circle, as chaser.altitude; above the "
        "parking orbit, at least 1 km below the station's perigee"
    )


class TransferSpec(StrictModel):
    """The Lambert transfer from the phasing orbit to the first hold point."""

    duration: Quantity("s", "s", ge=MIN_TRANSFER_S, le=MAX_TRANSFER_S) = Field(default=2700.0, description="time of flight (bare number: s), 10 to 85 min")
    max_coast: Quantity("s", "s", ge=0.0, le=MAX_COAST_S) = Field(
        default=5400.0, description="longest coast in the phasing orbit searched for the cheapest departure (bare number: s), at most a day"
    )


class HoldPointSpec(StrictModel):
    """A hold point on the approach axis, its distance from the docking port."""

    distance: Quantity("m", "m", gt=0.0, le=MAX_HOLD_DISTANCE_M) = Field(description="from the docking port along the axis (bare number: m), at most 10 km")
    hold: Quantity("s", "s", ge=0.0, le=MAX_HOLD_S) = Field(default=600.0, description="time held there (bare number: s), at most 3 h")


class BurnErrorSpec(StrictModel):
    """An execution error added to the first burn of an approach leg."""

    leg: Integer(ge=1, le=100, description="approach leg, 1 from the first hold point") = 1
    delta_v: BoundedVector3("m/s", "m/s", MAX_BURN_ERROR_M_S, "far beyond a thruster's execution error") = Field(
        default=(0.0, 0.0, 0.0), description="LVLH delta-v added (bare numbers: m/s), at most 1 m/s"
    )


def _default_holds():
    return [HoldPointSpec(distance=3000.0, hold=600.0), HoldPointSpec(distance=250.0, hold=600.0), HoldPointSpec(distance=30.0, hold=300.0)]


class ApproachSpec(StrictModel):
    """The relative approach: axis, keep-out sphere, corridor, hold points, speeds, abort."""

    axis: Literal["v_bar", "r_bar"] = Field(default="v_bar", description="v_bar: from behind along -y; r_bar: from below along -x")
    port_distance: Quantity("m", "m", ge=0.0, le=STATION_EXTENT_M) = Field(default=10.0, description="docking port from the centre of mass along the axis (bare number: m)")
    keep_out_radius: Quantity("m", "m", ge=MIN_KEEP_OUT_M, le=MAX_KEEP_OUT_M) = Field(default=200.0, description="keep-out sphere about the centre of mass (bare number: m), 50 m to 2 km")
    corridor_half_angle: Quantity("rad", "deg", ge=MIN_HALF_ANGLE_RAD, le=MAX_HALF_ANGLE_RAD) = Field(
        default=math.radians(10.0), description="approach cone about the axis, apex at the port (bare number: deg), 1 to 45 deg"
    )
    hold_points: List[HoldPointSpec] = Field(default_factory=_default_holds, min_length=1, description="decreasing distances; the first outside the keep-out sphere")
    hop_time: Quantity("s", "s", ge=MIN_HOP_S, le=MAX_HOP_S) = Field(default=1800.0, description="duration of a CW hop between hold points outside the sphere (bare number: s)")
    corridor_speed: Quantity("m/s", "m/s", gt=0.0, le=MAX_CORRIDOR_SPEED_M_S) = Field(default=0.15, description="straight-line speed into the sphere (bare number: m/s)")
    docking_speed: Quantity("m/s", "m/s", ge=MIN_DOCKING_SPEED_M_S, le=MAX_DOCKING_SPEED_M_S) = Field(default=0.06, description="closing speed of the last leg (bare number: m/s)")
    abort_speed: Quantity("m/s", "m/s", ge=MIN_ABORT_SPEED_M_S, le=MAX_ABORT_SPEED_M_S) = Field(default=0.5, description="retreat speed after an abort (bare number: m/s)")
    burn_errors: List[BurnErrorSpec] = Field(default_factory=list, description="execution errors of leg burns (a dispersed run)")

    @model_validator(mode="after")
    def _holds_make_an_approach(self):
        distances = [h.distance for h in self.hold_points]
        for k in range(1, len(distances)):
            if not distances[k] < distances[k - 1]:
                raise field_error(f"hold_points[{k}].distance", f"{distances[k]:g} m", f"expected less than the hold point before ({distances[k - 1]:g} m): the approach closes in")
        if not self.port_distance + distances[0] > self.keep_out_radius:
            raise field_error("hold_points[0].distance", f"{distances[0]:g} m",
                              f"expected beyond the keep-out sphere ({self.keep_out_radius - self.port_distance:g} m from the port): the transfer arrives there")
        for k, error in enumerate(self.burn_errors):
            if error.leg > len(distances):
                raise field_error(f"burn_errors[{k}].leg", str(error.leg), f"expected at most {len(distances)}, the number of legs (one from each hold point)")
        return self


class Scenario(ScenarioBase):
    """A crew vehicle phasing up from a lower orbit and docking with the station."""

    kind: Literal["rendezvous"] = "rendezvous"
    output_step: Quantity("s", "s", gt=0.0, le=600.0) = Field(default=10.0, description="bare number: s; at most 10 min")
    after_contact: Quantity("s", "s", ge=0.0, le=MAX_AFTER_CONTACT_S) = Field(default=600.0, description="flown after the planned contact (bare number: s)")
    station: StationSpec = Field(default_factory=StationSpec)
    j2: bool = Field(default=True, description="J2 gravity for both bodies (the plan is Keplerian)")
    chaser: ChaserSpec = Field(default_factory=ChaserSpec)
    phasing: PhasingSpec = Field(default_factory=PhasingSpec)
    transfer: TransferSpec = Field(default_factory=TransferSpec)
    approach: ApproachSpec = Field(default_factory=ApproachSpec)

    @model_validator(mode="after")
    def _orbits_climb_to_the_station(self):
        check_station_orbit(self.station)
        station_altitude = self.station.perigee_radius_m - R_EARTH_EQ_M
        if self.station.tle is None and not self.phasing.altitude <= station_altitude - MIN_CLIMB_M:
            raise field_error("phasing.altitude", f"{self.phasing.altitude / 1e3:g} km",
                              f"expected at least {MIN_CLIMB_M / 1e3:g} km below the station's perigee ({station_altitude / 1e3:g} km): the chaser phases up")
        if not self.chaser.altitude < self.phasing.altitude:
            raise field_error("chaser.altitude", f"{self.chaser.altitude / 1e3:g} km",
                              f"expected below the phasing orbit ({self.phasing.altitude / 1e3:g} km): the Hohmann transfer climbs")
        return self


SUMMARY_KEYS = {
    "phasing_delta_v_m_s": SummaryKey("m/s", "delta-v of the Hohmann transfer to the phasing orbit (sum of the burns' magnitudes)"),
    "transfer_delta_v_m_s": SummaryKey("m/s", "delta-v of the Lambert transfer: its departure and the arrival burn that stops at the first hold point"),
    "approach_delta_v_m_s": SummaryKey("m/s", "delta-v from the first hold point to contact: hop and corridor burns, and the thrust holding points and lines (integral of |a|)"),
    "abort_delta_v_m_s": SummaryKey("m/s", "delta-v of the abort's stop-and-retreat burn (0 without an abort)"),
    "total_delta_v_m_s": SummaryKey("m/s", "the four phases' delta-v summed"),
    "first_burn_to_contact_min": SummaryKey("min", "time from the first phasing burn to contact with the docking port; null without contact"),
    "contact_closing_speed_m_s": SummaryKey("m/s", "speed along the docking axis towards the port at contact; null without contact"),
    "contact_lateral_offset_m": SummaryKey("m", "distance of the chaser from the docking axis at contact; null without contact"),
    "contact_misalignment_deg": SummaryKey("deg", "angle between the chaser's relative velocity and the docking axis at contact (attitude is not modelled); null without contact"),
    "keep_out_violations": SummaryKey("1", "entries into the keep-out sphere off a corridor leg, until an abort"),
    "corridor_violations": SummaryKey("1", "exits from the approach cone inside the keep-out sphere (or entries into the sphere outside it), until an abort"),
    "docked": SummaryKey("", "whether contact came within the capture envelope (IDSS: 0.1 m lateral, 5 deg, 0.1 m/s) with no abort"),
    "aborted": SummaryKey("", "whether a violation aborted the approach (stop, retreat along the axis)"),
    "abort_reason": SummaryKey("", "the first violation: keep_out or corridor; null without an abort"),
    "closest_after_abort_m": SummaryKey("m", "least distance from the station's centre of mass after the abort (output samples); null without an abort"),
    "transfer_arrival_miss_m": SummaryKey("m", "distance between the first hold point and where the nonlinear flight ended the Lambert transfer"),
    "max_hop_miss_m": SummaryKey("m", "largest distance between a CW hop's target and where the nonlinear flight arrived; null without hops"),
}


def _approach_config(spec: ApproachSpec):
    from orbital.models.rendezvous import ApproachConfig, HoldPoint

    errors = {}
    for error in spec.burn_errors:
        errors[error.leg] = tuple(a + b for a, b in zip(errors.get(error.leg, (0.0, 0.0, 0.0)), error.delta_v))
    return ApproachConfig(
        axis=spec.axis,
        port_distance_m=spec.port_distance,
        keep_out_radius_m=spec.keep_out_radius,
        corridor_half_angle_rad=spec.corridor_half_angle,
        holds=tuple(HoldPoint(h.distance, h.hold) for h in spec.hold_points),
        hop_s=spec.hop_time,
        corridor_speed_m_s=spec.corridor_speed,
        docking_speed_m_s=spec.docking_speed,
        abort_speed_m_s=spec.abort_speed,
        burn_errors=errors,
    )


def run(scenario):
    """Plan and fly the scenario; returns a :class:`orbital.result.Result`."""
    import numpy as np

    from orbital.models.eva import output_times
    from orbital.models.rendezvous import circular_state, fly_rendezvous, plan
    from orbital.progress import Stage
    from orbital.schema import initial_state

    epoch, rs, vs = initial_state(scenario.station, scenario.j2)
    rc, vc = circular_state(rs, vs, scenario.chaser.altitude, scenario.chaser.phase_angle, R_EARTH_EQ_M)
    approach = _approach_config(scenario.approach)
    the_plan = plan(rs, vs, rc, vc, scenario.phasing.first_burn, R_EARTH_EQ_M + scenario.phasing.altitude,
                    scenario.transfer.duration, scenario.transfer.max_coast, approach)
    t_end = the_plan.contact_s + scenario.after_contact
    if t_end / scenario.output_step > MAX_OUTPUT_SAMPLES:
        raise InfeasibleScenario(
            f"output_step = {scenario.output_step:g} s: the planned flight lasts {t_end / 3600:.1f} h, "
            f"{t_end / scenario.output_step:.0f} samples; expected at most {MAX_OUTPUT_SAMPLES}: raise output_step"
        )
    times = output_times(t_end, scenario.output_step)
    flown = fly_rendezvous(rs, vs, rc, vc, the_plan, approach, scenario.transfer.duration, times,
                           include_j2=scenario.j2, progress=Stage("rendezvous", 0.0, t_end))
    columns, units = ("x", "y", "z", "vx", "vy", "vz"), ("m",) * 3 + ("m/s",) * 3
    trajectories = {
        "station": Trajectory("gcrs", columns, units, station_gcrs(epoch, flown.states[:, 0:6])),
        "chaser_path": Trajectory("gcrs", columns, units, station_gcrs(epoch, flown.states[:, 0:6] + flown.states[:, 6:12])),
        "chaser": Trajectory("lvlh", columns, units, flown.rel_lvlh),
    }
    a = approach
    scene = {
        "docking_port_lvlh_m": [float(v) for v in a.point(0.0)],
        "hold_points_lvlh_m": [[float(v) for v in a.point(h.distance_m)] for h in a.holds],
        "keep_out_radius_m": a.keep_out_radius_m,
    }
    return Result(scenario.name, scenario.kind, epoch, np.asarray(times), trajectories, flown.events, flown.summary, scene=scene)


def first_run_note(_scenario):
    """Planning compiles the poliastro-API library's numba functions on first use."""
    return "planning the burns: the poliastro-API library compiles its maneuvers on first use (10 to 30 s)"


KIND = KindSpec(
    name="rendezvous",
    scenario=Scenario,
    run=run,
    title="a crew vehicle phases up from a lower orbit and docks with the station",
    summary=SUMMARY_KEYS,
    display=DisplayHints(roles={"station": "orbit", "chaser_path": "orbit", "chaser": "chaser"}, plots=(
        SeriesPlot("range", "Distance from the station", "km", (Curve("chaser", ("x", "y", "z"), "norm"),), events=("violation", "contact")),
        SeriesPlot("relative_speed", "Speed relative to the station (LVLH)", "m/s", (Curve("chaser", ("vx", "vy", "vz"), "norm"),),
                   events=("violation", "contact")),
    )),
    first_run_note=first_run_note,
)
