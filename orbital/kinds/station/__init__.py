"""``kind: station``: the station's orbit with J2 and drag, and its ground track.

The orbit is integrated in TEME of the epoch (quasi-inertial, z the true pole:
precession over a run of days moves it by arcseconds), so J2 acts about the real
axis and elements mean what is published. Trajectories are written in GCRS.
"""

from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from orbital.earth.constants import DAY_S, J2_EARTH, R_EARTH_EQ_M
from orbital.earth.elements import perigee_apogee_radius_m, period_s, rv_to_classical
from orbital.earth.mean_elements import mean_altitude_m, rv_to_mean_elements
from orbital.kinds.station.orbit_metrics import ascending_node_times_s, linear_rate
from orbital.models.station_orbit import station_forces as orbit_forces
from orbital.propagation.propagate import DECAY_STOP_ALTITUDE_M, propagate_orbit
from orbital.kind_contract import Curve, DisplayHints, KindSpec, MapPlot, SeriesPlot, SummaryKey
from orbital.result import Event, Result, Trajectory
from orbital.schema import (
    ForcesSpec,
    IntegratorSpec,
    PositiveDuration,
    Quantity,
    ScenarioBase,
    StationSpec,
    check_sample_count,
    check_station_orbit,
    field_error,
    initial_state,
)

#: Most output samples a run may ask for (duration / output_step).
MAX_OUTPUT_SAMPLES = 2_000_000
#: Longest run (s): see ``Scenario.duration``.
MAX_DURATION_S = 100.0 * DAY_S
#: Longest run (s) with the reference integrator (poliastro's Cowell, Python forces: ~1 wall min/day).
MAX_REFERENCE_DURATION_S = 10.0 * DAY_S


class Scenario(ScenarioBase):
    """The station alone: propagate its orbit for ``duration``."""

    kind: Literal["station"] = "station"
    # Direct integration (compiled) costs milliseconds per simulated day, but 100 days at 60 s is
    # 144,000 samples to convert and write: past that, kind decay_reentry (orbit-averaged) is the tool.
    duration: Quantity("s", "s", gt=0.0, le=MAX_DURATION_S) = Field(
        default=DAY_S, description="how long to propagate, up to 100 days (bare number: s)"
    )
    output_step: PositiveDuration = Field(default=60.0, description="output sampling (bare number: s)")
    station: StationSpec = Field(default_factory=StationSpec)
    forces: ForcesSpec = Field(default_factory=ForcesSpec)
    integrator: IntegratorSpec = Field(default_factory=IntegratorSpec)

    @model_validator(mode="after")
    def _grid_not_too_large(self):
        check_sample_count(self.duration, self.output_step, MAX_OUTPUT_SAMPLES)
        check_station_orbit(self.station)
        if self.integrator.method == "poliastro_cowell" and self.duration > MAX_REFERENCE_DURATION_S:
            raise field_error(
                "integrator.method", "poliastro_cowell",
                f"duration {self.duration / DAY_S:g} d; expected at most {MAX_REFERENCE_DURATION_S / DAY_S:g} d with the "
                "reference integrator (about a wall minute per simulated day), or method dop853 (milliseconds per day)",
            )
        return self


def station_forces(scenario):
    """The :class:`OrbitForces` of a scenario's station (its ``forces`` switches)."""
    return orbit_forces(scenario.station, scenario.forces.j2, scenario.forces.drag)


def output_grid_s(duration_s, step_s):
    """0, step, 2 step, ..., ending exactly at ``duration_s`` (s)."""
    grid = np.arange(0.0, duration_s, step_s)
    return np.append(grid, duration_s)


#: Shortest span (orbits) over which the node's drift is fitted: within one orbit the
#: osculating node swings with J2's short-period terms (about 0.01 deg at 51.6 deg)
#: as much as it drifts secularly (0.35 deg per orbit), so a shorter fit means nothing.
MIN_RAAN_FIT_ORBITS = 1.0
#: Below this sin(inclination) the orbit counts as equatorial: it has no node to follow.
EQUATORIAL_SIN_INC = 1e-4


def raan_rate_or_reason(t_s, elements, orbits):
    """``(rate_rad_s, None)``: the fitted drift of the osculating node, or ``(None, why)``."""
    if orbits < MIN_RAAN_FIT_ORBITS:
        return None, f"run spans {orbits:.2f} orbit; the node's drift is fitted over at least {MIN_RAAN_FIT_ORBITS:g}"
    if np.min(np.sin(elements.inc_rad)) < EQUATORIAL_SIN_INC:
        return None, "equatorial orbit: it has no ascending node to follow"

    return linear_rate(t_s, np.unwrap(elements.raan_rad)), None


#: Coarsest output step, as a share of the period, at which node crossings are timed (linear
#: interpolation of z): at 1/10 (9.3 min for the ISS) the nodal period is within 0.01 min; at
#: 1/3 it is 0.06 min off, and at 2/3 crossings are missed (170 min instead of 92.8).
MAX_NODE_TIMING_STEP_PERIODS = 0.1


def nodal_period_or_reason(t_s, states, period):
    """``(nodal_period_s, None)`` from the ascending-node crossings, or ``(None, why)``."""
    step_s = float(np.max(np.diff(t_s[:-1]))) if t_s.size > 2 else float(t_s[-1] - t_s[0])
    if step_s > MAX_NODE_TIMING_STEP_PERIODS * period:
        return None, (
            f"output_step {step_s:g} s is too coarse to time node crossings; "
            f"expected at most {MAX_NODE_TIMING_STEP_PERIODS * period:.0f} s (a tenth of the period)"
        )
    nodes = ascending_node_times_s(t_s, states)
    if len(nodes) < 2:
        return None, "fewer than two ascending-node crossings in the run"
    return float(np.mean(np.diff(nodes))), None


def summarise(t_s, states, lat_deg, alt_m, include_j2):
    """The summary scalars of a station run (see README for their meaning)."""
    from orbital.kinds.station.orbit_metrics import (
        energy_semi_major_axis_m,
        j2_raan_rate_rad_s,
        linear_rate,
    )

    elements = rv_to_classical(states[:, :3], states[:, 3:])
    a0, e0, i0 = float(elements.a_m[0]), float(elements.ecc[0]), float(elements.inc_rad[0])
    perigee_m, apogee_m = perigee_apogee_radius_m(a0, e0)
    orbits = float(t_s[-1] - t_s[0]) / float(period_s(a0))
    raan_rate, raan_note = raan_rate_or_reason(t_s, elements, orbits)
    j2 = J2_EARTH if include_j2 else 0.0  # without J2 the mean elements are the Kepler ones
    mean = rv_to_mean_elements(states[:, :3], states[:, 3:], j2)
    # the J2 formula takes mean elements: the run's average of the first-order ones (drag lowers a)
    a_mean, e_mean, i_mean = (float(np.mean(x)) for x in (mean.a_m, mean.ecc, mean.inc_rad))
    a_energy = energy_semi_major_axis_m(states, include_j2=include_j2)
    nodal_period, nodal_note = nodal_period_or_reason(t_s, states, float(period_s(a0)))
    summary = {
        "mean_altitude_km": mean_altitude_m(*(float(x[0]) for x in (mean.a_m, mean.ecc, mean.inc_rad, mean.argp_rad)), j2) / 1e3,
        "osculating_altitude_km": (a0 - R_EARTH_EQ_M) / 1e3,
        "period_min": float(period_s(a0)) / 60.0,
        "nodal_period_min": None if nodal_period is None else nodal_period / 60.0,
        "perigee_km": (perigee_m - R_EARTH_EQ_M) / 1e3,
        "apogee_km": (apogee_m - R_EARTH_EQ_M) / 1e3,
        "inclination_deg": np.degrees(i0),
        "raan_rate_deg_per_day": None if raan_rate is None else np.degrees(raan_rate) * DAY_S,
        "raan_rate_j2_theory_deg_per_day": np.degrees(j2_raan_rate_rad_s(a_mean, e_mean, i_mean)) * DAY_S
        if include_j2
        else 0.0,
        "altitude_loss_km_per_day": -linear_rate(t_s, a_energy) * DAY_S / 1e3,
        "min_altitude_km": float(np.min(alt_m)) / 1e3,
        "max_altitude_km": float(np.max(alt_m)) / 1e3,
        "final_altitude_km": float(alt_m[-1]) / 1e3,
        "max_abs_lat_deg": float(np.max(np.abs(lat_deg))),
        "orbits": orbits,
        "duration_days": float(t_s[-1] - t_s[0]) / DAY_S,
    }
    if nodal_note is not None:
        summary["nodal_period_note"] = nodal_note
    if raan_note is not None:
        summary["raan_rate_note"] = raan_note
    return summary


def run(scenario):
    """Propagate the station and return a :class:`orbital.result.Result`."""
    from astropy.time import Time

    from orbital.earth.frames import gcrs_to_geodetic, teme_to_gcrs_states

    epoch, r0, v0 = initial_state(scenario.station, scenario.forces.j2)
    grid = output_grid_s(scenario.duration, scenario.output_step)
    # with the decay state as the last sample: a decayed run ends at the decay altitude
    t_s, states_teme, decay_time_s = propagate_orbit(
        r0, v0, grid, station_forces(scenario), scenario.integrator.method, scenario.integrator.rtol, include_stop_state=True
    )
    epoch_time = Time(epoch, scale="utc")
    states = teme_to_gcrs_states(epoch_time, states_teme)
    lat_deg, lon_deg, alt_m = gcrs_to_geodetic(epoch_time, t_s, states[:, :3])
    summary = summarise(t_s, states_teme, lat_deg, alt_m, scenario.forces.j2)
    summary["decayed"] = decay_time_s is not None
    events = [Event(0.0, "start", "station state at epoch")]
    if decay_time_s is not None:
        events.append(Event(decay_time_s, "decay", f"fell to {DECAY_STOP_ALTITUDE_M / 1e3:g} km; propagation stopped"))
    events.append(Event(float(t_s[-1]), "end", "end of propagation"))  # the decay's time if it decayed
    trajectories = {
        "station": Trajectory("gcrs", ("x", "y", "z", "vx", "vy", "vz"), ("m",) * 3 + ("m/s",) * 3, states),
        "station_geodetic": Trajectory(
            "wgs84", ("lat", "lon", "alt"), ("deg", "deg", "m"), np.column_stack([lat_deg, lon_deg, alt_m])
        ),
    }
    return Result(scenario.name, scenario.kind, epoch, t_s, trajectories, events, summary)


#: What :func:`summarise` and :func:`run` put in the summary. Elements are osculating, in TEME of the epoch.
SUMMARY_KEYS = {
    "mean_altitude_km": SummaryKey(
        "km", "mean altitude at the epoch: the height above WGS84 averaged over a revolution of the epoch state's first-order J2 "
        "mean orbit (what station.altitude sets; computed back from the state to first order in J2: within about 20 m of it)",
    ),
    "osculating_altitude_km": SummaryKey("km", "osculating semi-major axis at the epoch minus the equatorial radius (6378.137 km)"),
    "period_min": SummaryKey("min", "Keplerian period of the osculating elements at the epoch"),
    "nodal_period_min": SummaryKey(
        "min", "mean time between ascending-node crossings (z from - to + in TEME of the epoch); null, with nodal_period_note, "
        "if output_step exceeds a tenth of the period or there are fewer than two crossings",
    ),
    "nodal_period_note": SummaryKey("", "why nodal_period_min is null (only then)"),
    "perigee_km": SummaryKey("km", "osculating perigee at the epoch, above the equatorial radius (6378.137 km)"),
    "apogee_km": SummaryKey("km", "osculating apogee at the epoch, above the equatorial radius (6378.137 km)"),
    "inclination_deg": SummaryKey("deg", "osculating inclination at the epoch, to the true equator (TEME)"),
    "raan_rate_deg_per_day": SummaryKey(
        "deg/d", "measured drift of the osculating ascending node (least-squares slope over the run); null, with raan_rate_note, "
        "for a run shorter than an orbit or an equatorial orbit",
    ),
    "raan_rate_note": SummaryKey("", "why raan_rate_deg_per_day is null (only then)"),
    "raan_rate_j2_theory_deg_per_day": SummaryKey(
        "deg/d", "secular J2 node rate -1.5 n J2 (Re/a)^2 cos i / (1 - e^2)^2 at the run's average first-order J2 mean a, e, i; "
        "0 without J2"
    ),
    "altitude_loss_km_per_day": SummaryKey(
        "km/d", "secular decay: minus the least-squares slope of the energy semi-major axis (J2 potential included: no short-period wiggle)"
    ),
    "min_altitude_km": SummaryKey("km", "lowest geodetic (WGS84) altitude over the output samples"),
    "max_altitude_km": SummaryKey("km", "highest geodetic (WGS84) altitude over the output samples"),
    "final_altitude_km": SummaryKey("km", "geodetic (WGS84) altitude at the last sample"),
    "max_abs_lat_deg": SummaryKey("deg", "highest geodetic latitude (north or south) of the ground track over the output samples"),
    "orbits": SummaryKey("1", "the run's span in Keplerian periods at the epoch"),
    "duration_days": SummaryKey("d", "the run's span: the duration asked for, or up to the decay if it decayed"),
    "decayed": SummaryKey("", "whether the orbit fell to 100 km: the run stops there, its last sample"),
}

KIND = KindSpec(
    name="station",
    scenario=Scenario,
    run=run,
    title="the station alone: its orbit with J2 and drag, and its ground track",
    summary=SUMMARY_KEYS,
    display=DisplayHints(roles={"station": "orbit", "station_geodetic": "orbit_geodetic"}, plots=(
        SeriesPlot("altitude", "Altitude above the WGS84 ellipsoid", "km", (Curve("station_geodetic", ("alt",)),)),
        MapPlot("ground_track", "Ground track", tracks=("station_geodetic",), extent="world"),
    )),
)
