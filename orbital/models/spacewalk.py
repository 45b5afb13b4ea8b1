"""A crew member near the station, as the spacewalk and arm kinds describe one: the input
sections (astronaut, pushes, tether, SAFER) with their physical bounds, and the flight from the
start of a run through :func:`orbital.models.eva.simulate_eva`; the station flies in TEME of
the epoch (J2 about the true pole) and is written out in GCRS. Relative states are in the
station's LVLH frame (x radial out, y along-track, z orbit normal), metres.
"""

from typing import Annotated, Optional

import numpy as np
from pydantic import AfterValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from orbital.kind_contract import Curve, SeriesPlot, SummaryKey
from orbital.models.tether import TetherConfig
from orbital.schema import (
    Quantity,
    field_error,
    StrictModel,
    Time,
    Vector3,
    initial_state,
)

#: Most output samples a run may ask for (duration / output_step).
MAX_OUTPUT_SAMPLES = 200_000

# Upper bounds of the spacewalk's inputs, each with its physical reason.
#: Longest run (s): an EMU's life support lasts 8 to 9 hours; 9 h is also about six orbits,
#: enough for any drift story (the along-track drift is measured over one).
MAX_EVA_DURATION_S = 9 * 3600.0
#: Farthest point of the station from its centre of mass (m): the ISS's truss spans 109 m and
#: its modules 73 m, so every anchor, airlock and arm base lies within about 60 m.
STATION_EXTENT_M = 60.0
#: Farthest start from the station (m): SAFER's 3 m/s bring a crew member back from a few
#: hundred metres at most; a kilometre is beyond any spacewalk.
MAX_START_DISTANCE_M = 1000.0
#: Fastest relative velocity or impulse (m/s): a push-off or a blow gives at most 1 to 2 m/s
#: and SAFER's whole budget is 3 m/s; at 10 m/s he leaves the station's neighbourhood in seconds.
MAX_RELATIVE_SPEED_M_S = 10.0
#: Largest held push (N): a crew member's legs push off with up to about 1 kN; twice that is allowed.
MAX_PUSH_FORCE_N = 2000.0
#: Heaviest crew member with suit, SAFER and a carried load (kg): the EMU alone is about 145 kg,
#: a suited crew member 230 to 250 kg; 1,000 kg allows a large carried unit.
MIN_CREW_MASS_KG, MAX_CREW_MASS_KG = 100.0, 1000.0
#: Longest tether (m): the ISS safety tether is 26 m (85 ft), Gemini's longest 30 m.
MAX_TETHER_LENGTH_M = 100.0
#: Cable EA (N): from a bungee (about 100 N) to twice a 10 mm steel wire rope (about 5e6 N).
MIN_AXIAL_STIFFNESS_N, MAX_AXIAL_STIFFNESS_N = 10.0, 1.0e7
#: Strongest line (N): a 10 mm steel wire rope breaks at about 60 kN.
MAX_BREAKING_LOAD_N = 1.0e5
#: Strongest reel pull (N): reels keep 1 to 2 lbf (4.5 to 9 N) on the line; 50 N would drag him off his work site.
MAX_REEL_FORCE_N = 50.0
#: SAFER limits: its thrusters give 3.6 N (the MMU's, the largest of crew jet packs, 7.6 N);
#: its budget is about 3 m/s (the MMU's about 25 m/s); station approaches stay under 1 m/s;
#: "returned" means within reach of a handrail.
MAX_SAFER_THRUST_N = 10.0
MAX_SAFER_BUDGET_M_S = 30.0
MAX_APPROACH_SPEED_M_S = 1.0
MAX_CAPTURE_RADIUS_M = 10.0


def BoundedVector3(si_unit, default_unit, max_norm, reason):
    """A :func:`orbital.schema.Vector3` field whose length is at most ``max_norm`` (SI units), for ``reason``."""

    def at_most(value):
        norm = float(np.linalg.norm(value))
        if not norm <= max_norm:
            raise PydanticCustomError(
                "vector_range", "{message}", {"message": f"length {norm:.4g} {si_unit}; expected at most {max_norm:g} {si_unit}: {reason}"}
            )
        return value

    return Annotated[Vector3(si_unit, default_unit), AfterValidator(at_most)]


#: A point on the station (LVLH, m from its centre of mass).
StationPoint = BoundedVector3("m", "m", STATION_EXTENT_M, "a point on the station (the ISS spans about 109 m)")
#: A velocity change or relative velocity (LVLH, m/s).
RelativeVelocity = BoundedVector3("m/s", "m/s", MAX_RELATIVE_SPEED_M_S, "a push-off or a blow gives under 2 m/s")
#: A spacewalk's or an arm run's duration (s).
EvaDuration = Quantity("s", "s", gt=0.0, le=MAX_EVA_DURATION_S)
#: A crew member's mass with suit and SAFER (kg).
CrewMass = Quantity("kg", "kg", ge=MIN_CREW_MASS_KG, le=MAX_CREW_MASS_KG)


class AstronautSpec(StrictModel):
    """The crew member (with suit and SAFER) at the start, relative to the station's centre of mass."""

    mass: CrewMass = Field(default=240.0, description="crew + suit + SAFER: 230 to 250 kg; 100 to 1,000 kg accepted")
    position: BoundedVector3("m", "m", MAX_START_DISTANCE_M, "a spacewalk starts near the station") = Field(
        default=(0.0, 0.0, 0.0), description="LVLH position (bare numbers: m), within 1 km"
    )
    velocity: RelativeVelocity = Field(default=(0.0, 0.0, 0.0), description="LVLH velocity (bare numbers: m/s), at most 10 m/s")


class PushSpec(StrictModel):
    """A push at ``time``: an impulse ``delta_v`` or a ``force`` held for ``duration``, both LVLH."""

    time: Time = 0.0
    delta_v: Optional[RelativeVelocity] = Field(default=None, description="LVLH impulse (bare numbers: m/s), at most 10 m/s")
    force: Optional[BoundedVector3("N", "N", MAX_PUSH_FORCE_N, "a leg push-off peaks near 1 kN")] = Field(
        default=None, description="LVLH force held for 'duration' (bare numbers: N), at most 2 kN"
    )
    duration: Optional[EvaDuration] = None

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
    anchor: StationPoint = Field(default=(0.0, 0.0, 0.0), description="reel position on the station, LVLH from the centre of mass")
    length: Quantity("m", "m", gt=0.0, le=MAX_TETHER_LENGTH_M) = Field(
        default=26.0, description="full payout (REFERENCES: 26 m, 85 ft; Gemini's longest 30 m)"
    )
    axial_stiffness: Quantity("N", "N", ge=MIN_AXIAL_STIFFNESS_N, le=MAX_AXIAL_STIFFNESS_N) = Field(
        default=2.5e5, description="EA of the cable (bare number: N): a bungee ~100 N, a 2.4 mm steel rope 2.5e5 N, a 10 mm one 5e6 N"
    )
    damping_ratio: float = Field(default=0.05, ge=0.0, le=2.0, description="0: none; 1: critical; 2: far overdamped")
    reel_force: Quantity("N", "N", ge=0.0, le=MAX_REEL_FORCE_N) = Field(
        default=4.5, description="the reel's take-up pull (bare number: N): reels keep 1 to 2 lbf on the line"
    )
    breaking_load: Quantity("N", "N", gt=0.0, le=MAX_BREAKING_LOAD_N) = Field(
        default=4900.0, description="the line parts at this tension (bare number: N); a 10 mm steel rope breaks near 60 kN"
    )

    @model_validator(mode="after")
    def _reel_weaker_than_the_line(self):
        # the reel's pull is part of the line's tension: at or above the breaking load it would part the line by itself
        if self.clipped and self.reel_force >= self.breaking_load:
            raise field_error("reel_force", f"{self.reel_force:g} N", f"expected below breaking_load ({self.breaking_load:g} N): the reel pulls on the line it winds")
        return self


class SaferSpec(StrictModel):
    """SAFER jet pack and its fly-back autopilot."""

    enabled: bool = False
    thruster_force: Quantity("N", "N", gt=0.0, le=MAX_SAFER_THRUST_N) = Field(
        default=3.6, description="each of the 24 nitrogen thrusters (the MMU's were 7.6 N)"
    )
    delta_v_budget: Quantity("m/s", "m/s", gt=0.0, le=MAX_SAFER_BUDGET_M_S) = Field(
        default=3.0, description="about 3 m/s of nitrogen (the MMU carried about 25 m/s)"
    )
    start_delay: Time = Field(default=10.0, description="reaction time before the autopilot starts; at most the duration")
    target: Optional[StationPoint] = Field(
        default=None, description="where to fly back to, a point on the station (LVLH); default: where he started"
    )
    max_approach_speed: Quantity("m/s", "m/s", gt=0.0, le=MAX_APPROACH_SPEED_M_S) = Field(
        default=0.2, description="station approaches stay under 1 m/s"
    )
    capture_radius: Quantity("m", "m", gt=0.0, le=MAX_CAPTURE_RADIUS_M) = Field(
        default=2.0, description="'returned' within this distance of target (a handrail within reach)"
    )
    capture_speed: Quantity("m/s", "m/s", gt=0.0, le=MAX_APPROACH_SPEED_M_S) = Field(default=0.1, description="... and slower than this")


def check_start_time(field, time_s, duration_s):
    """Refuse a start time (a validator's helper) after the run's end."""
    if time_s > duration_s:
        raise field_error(field, f"{time_s:g} s", f"after the run's end; expected at most duration ({duration_s:g} s)")


def check_push_times(pushes, duration_s, mass_kg):
    """Refuse a push (a validator's helper) that would come after the run's end, or a held force
    whose impulse over his ``mass_kg`` exceeds the delta-v bound of an impulsive push."""
    for index, push in enumerate(pushes):
        check_start_time(f"pushes.{index}.time", push.time, duration_s)
        if push.force is not None:
            delta_v = float(np.linalg.norm(push.force)) * push.duration / mass_kg
            if delta_v > MAX_RELATIVE_SPEED_M_S:
                raise field_error(
                    f"pushes.{index}.duration", f"{push.duration:g} s",
                    f"the force gives him {delta_v:.4g} m/s; expected at most {MAX_RELATIVE_SPEED_M_S:g} m/s "
                    "(a push-off or a blow gives under 2 m/s): shorten it or push softer",
                )


def check_within_tether(position, tether, field="astronaut.position"):
    """Refuse a point for the crew member (a validator's helper: his start, or where SAFER takes him)
    farther from the anchor than the tether he is clipped to reaches."""
    distance = float(np.linalg.norm(np.subtract(position, tether.anchor)))
    if tether.clipped and distance > tether.length:
        raise field_error(
            field, "[" + ", ".join(f"{x:g}" for x in position) + "] m",
            f"{distance:.4g} m from the tether anchor; expected within tether.length ({tether.length:g} m) "
            "while tether.clipped is true",
        )


def push_list(specs):
    """YAML pushes -> :class:`orbital.models.eva.Push` list."""
    from orbital.models.eva import Push

    return [
        Push(p.time, delta_v_lvlh_m_s=p.delta_v)
        if p.delta_v is not None
        else Push(p.time, force_lvlh_n=p.force, duration_s=p.duration)
        for p in specs
    ]


def tether_config(t):
    """YAML tether -> :class:`orbital.models.tether.TetherConfig`, or None if not clipped."""
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


def safer_config(spec, start_lvlh_m):
    """YAML SAFER -> :class:`orbital.models.eva.SaferConfig`, or None if not enabled; with no target
    it flies him back to ``start_lvlh_m`` (m, LVLH), where he started."""
    from orbital.models.eva import SaferConfig

    if not spec.enabled:
        return None
    return SaferConfig(
        thruster_force_n=spec.thruster_force,
        delta_v_budget_m_s=spec.delta_v_budget,
        start_delay_s=spec.start_delay,
        target_lvlh_m=tuple(spec.target if spec.target is not None else start_lvlh_m),
        max_approach_speed_m_s=spec.max_approach_speed,
        capture_radius_m=spec.capture_radius,
        capture_speed_m_s=spec.capture_speed,
    )


def fly_from_start(scenario, tether, safer=None, times_s=None, progress_span=(0.0, 1.0)):
    """Fly the scenario's crew member from its start (station, astronaut, pushes, duration, j2).

    ``tether``: a :class:`~orbital.models.tether.TetherConfig` or None; ``safer``: a
    :class:`~orbital.models.eva.SaferConfig` or None; ``times_s``: sample times (s), by default
    every ``output_step``; ``progress_span``: the run's share of progress it reports into.
    Returns ``(epoch, EvaResult)``.
    """
    from orbital.models.eva import simulate_eva

    epoch, r0, v0 = initial_state(scenario.station, scenario.j2)
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
        times_s=times_s,
        progress_span=progress_span,
    )
    return epoch, eva


def station_gcrs(epoch, station_teme):
    """Station states (N, 6) flown in TEME of ``epoch`` -> GCRS (m, m/s)."""
    from astropy.time import Time as AstropyTime

    from orbital.earth.frames import teme_to_gcrs_states

    return teme_to_gcrs_states(AstropyTime(epoch, scale="utc"), station_teme)


def spacewalk_plots(crew: str, tension: str, linear_prediction: str = "") -> tuple:
    """The figures of a crew member near the station (``issim plot``): his distance from the station
    (trajectory ``crew``, LVLH; beside it the linear prediction's, if named) and the tether's tension."""
    separation = (Curve(crew, ("x", "y", "z"), "norm", "nonlinear"),)
    if linear_prediction:
        separation += (Curve(linear_prediction, ("x", "y", "z"), "norm", "linear (Clohessy-Wiltshire)"),)
    return (
        SeriesPlot("separation", "Distance from the station", "m", separation),
        SeriesPlot("tension", "Tether tension", "N", (Curve(tension, ("tension",)),), events=("tether_broken",), active_only=True),
    )


#: The keys of :func:`drift_summary`, for the contracts of the kinds that report them.
DRIFT_SUMMARY_KEYS: dict[str, SummaryKey] = {
    "max_separation_m": SummaryKey("m", "largest distance of the crew member from the station's centre of mass, over the output samples"),
    "final_separation_m": SummaryKey("m", "his distance from the station's centre of mass at the last sample"),
    "along_track_drift_per_orbit_m": SummaryKey(
        "m", "secular LVLH along-track drift per orbit (least-squares fit of the CW form to y); only for a free drift "
        "(no tether holding him, or it broke; SAFER never fired) over at least 0.9 orbit after the last push, else null",
    ),
    "max_tether_tension_n": SummaryKey("N", "peak tether tension over the run, found between samples too (0 without a tether)"),
    "tether_broken": SummaryKey("", "whether the tether parted at its breaking load"),
    "safer_dv_used_m_s": SummaryKey("m/s", "SAFER delta-v spent, summed over the LVLH axes (sum |dv_i|, as propellant is)"),
    "returned": SummaryKey("", "whether SAFER brought him within its capture radius of its target, slower than its capture speed"),
    "cw_max_deviation_m": SummaryKey(
        "m", "largest distance between the Clohessy-Wiltshire prediction (free drift from just after the first push) and the nonlinear path"
    ),
    "orbital_period_min": SummaryKey("min", "the station's Keplerian period 2 pi / n, from its osculating state where his drift starts"),
}


def drift_summary(eva):
    """The summary scalars of a drift run (:class:`orbital.models.eva.EvaResult`): :data:`DRIFT_SUMMARY_KEYS`."""
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
