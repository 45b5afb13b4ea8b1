"""``kind: breakup_footprint``: an uncontrolled station reentry that does not end at a point.

1. The plunge: the station (orbit and drag body, :class:`orbital.schema.StationSpec`; a
   decaying near-circular orbit at 120 to 250 km, as the end of ``decay_reentry``) is
   integrated directly (:mod:`orbital.propagation.propagate`: J2 and drag in US76 air, DOP853)
   down to ``breakup_altitude`` (78 km, the altitude ESA's DRAMA/SESAM and NASA's DAS take for
   the main breakup of a spacecraft).
2. The breakup: the station becomes its ``fragments`` (each with its mass, drag area, drag
   coefficient and material; ``count`` identical copies), each leaving with the station's
   velocity plus ``separation_speed`` in a direction of its own (isotropic, from the
   scenario's seed).
3. The fall: every fragment flies as one batch (:mod:`orbital.propagation.batch_integrator`,
   the descents' 3-DOF point mass without lift) with its own ballistic coefficient to the
   ground, the stagnation heat load integrated along its path.
4. Demise (:mod:`orbital.models.demise`): a fragment whose absorbed heat reaches its melting
   budget melts away; the others are the survivors, and their impact points the footprint:
   its length along the breakup's ground track and its width across it.

Frames: integrated in TEME of the epoch, written in GCRS and WGS84. Ground distances on the
mean sphere. The model has no wind, no lift of tumbling fragments and no later breakups: the
footprint's width comes from the separation speed alone.
"""

import math
from typing import Literal, Optional

import numpy as np
from pydantic import Field, model_validator

from orbital.dynamics.entry_dynamics import PHASE_NAMES
from orbital.dynamics.forces import air_velocity_m_s
from orbital.earth.constants import OMEGA_EARTH_RAD_S
from orbital.earth.geodesy import mean_point_deg
from orbital.errors import InfeasibleScenario
from orbital.kind_contract import Curve, DisplayHints, KindSpec, MapPlot, ProfilePlot, SeriesPlot, SummaryKey
from orbital.models.demise import MATERIALS, absorbed_heat_j, demised, melting_budget_j
from orbital.models.landing_files import csv_text, feature_collection, point_feature
from orbital.models.station_orbit import station_forces
from orbital.progress import Stage, report
from orbital.result import Event, Result, Table, Trajectory
from orbital.schema import Integer, Number, Quantity, ScenarioBase, StationSpec, StrictModel, field_error, initial_state

#: Nose radius (m) at which the batch integrator integrates the heat load (each fragment's is scaled to its own).
REFERENCE_NOSE_RADIUS_M = 1.0
#: Spacing (s) of the plunge's output.
PLUNGE_STEP_S = 10.0
#: Relative tolerance of the plunge's DOP853: the station kind's default (its energy drift is
#: 0.07 m/day at 1e-8 against kilometres per orbit of decay here).
PLUNGE_RTOL = 1e-10
#: Highest mean altitude (m) a plunge starts from: above it the fall takes weeks (kind decay_reentry carries those).
MAX_START_ALTITUDE_M = 250.0e3
#: Longest fall of a fragment (s) after the breakup; a lighter one is refused (see FragmentSpec).
MAX_FALL_S = 4.0 * 3600.0
#: Lightest ballistic coefficient m / (Cd A) (kg/m2) of a fragment: at 1 kg/m2 (a bare solar-array
#: blanket) the fall from 78 km takes about an hour at terminal speed, and wind, which the model
#: lacks, would carry it further than its flight does.
MIN_FRAGMENT_BALLISTIC_COEFFICIENT_KG_M2 = 1.0
#: How far (relative) the fragments' total mass may differ from the station's: mass is conserved at the breakup.
MASS_TOLERANCE = 0.01


class FragmentSpec(StrictModel):
    """One kind of piece the station breaks into (``count`` identical copies)."""

    name: str = Field(description="what the piece is, e.g. 'control moment gyroscope'")
    count: Integer(ge=1, le=10_000, description="identical copies of this piece") = 1
    # 10 g (a bolt) to 50 t (a whole module, the heaviest piece a station can shed)
    mass: Quantity("kg", "kg", ge=0.01, le=50_000.0) = Field(description="mass of one copy (bare number: kg), 10 g to 50 t")
    # 1 cm2 to 1,000 m2 (a whole solar-array wing is 400 m2)
    area: Quantity("m2", "m2", ge=1.0e-4, le=1000.0) = Field(
        description="drag reference area of one copy, also its heated area (bare number: m2), 1 cm2 to 1,000 m2"
    )
    # tumbling bodies in hypersonic flow: a sphere 0.9 to 1, a cylinder or plate broadside up to 2
    drag_coefficient: Number(ge=0.5, le=3.0, description="tumbling average, 0.5 to 3 (sphere about 0.9, plate up to 2)") = 1.0
    material: Literal[tuple(MATERIALS)] = Field(description=f"what melts: {', '.join(MATERIALS)} (see orbital.models.demise)")
    nose_radius: Optional[Quantity("m", "m", ge=0.01, le=50.0)] = Field(
        default=None, description="radius of curvature the heating sees (bare number: m); default sqrt(area / pi), a sphere's"
    )

    @model_validator(mode="after")
    def _falls_within_the_run(self):
        value = self.mass / (self.drag_coefficient * self.area)
        if value < MIN_FRAGMENT_BALLISTIC_COEFFICIENT_KG_M2:
            raise field_error(
                "area", f"{self.area:g} m2",
                f"with mass {self.mass:g} kg and drag_coefficient {self.drag_coefficient:g}, m / (Cd A) is {value:.3g} kg/m2; "
                f"expected at least {MIN_FRAGMENT_BALLISTIC_COEFFICIENT_KG_M2:g} kg/m2: lighter pieces drift for hours on "
                "the wind, which this model lacks",
            )
        return self

    @property
    def nose_radius_m(self):
        """The nose radius (m) the heating uses."""
        return self.nose_radius if self.nose_radius is not None else math.sqrt(self.area / math.pi)


def _low_station():
    return StationSpec(altitude="130 km")


class Scenario(ScenarioBase):
    """A station's final plunge, its breakup and the footprint of the pieces that survive."""

    kind: Literal["breakup_footprint"] = "breakup_footprint"
    station: StationSpec = Field(
        default_factory=_low_station, description="orbit at the start of the plunge (mean altitude up to 250 km) and drag body"
    )
    # Observed and modelled main breakups of large spacecraft lie at about 70 to 90 km (the
    # Compton observatory, 2000, began to burn near 90 km and broke up near 70 km, as reported;
    # DRAMA/SESAM and DAS take 78 km). Above 100 km the heating and dynamic pressure are too weak
    # to tear a structure apart; below 60 km a station would have shed most of its speed whole.
    breakup_altitude: Quantity("m", "km", ge=60.0e3, le=100.0e3) = Field(
        default=78.0e3, description="height above the ellipsoid where the station breaks up, 60 to 100 km (bare number: km)"
    )
    # an aerodynamic breakup throws pieces apart at metres per second; a tank burst at tens
    separation_speed: Quantity("m/s", "m/s", ge=0.0, le=100.0) = Field(
        default=5.0, description="speed each piece gains at the breakup, isotropic (bare number: m/s), 0 to 100"
    )
    max_plunge: Quantity("s", "h", gt=0.0, le=3.0 * 86400.0) = Field(
        default=24.0 * 3600.0, description="give up if the station has not reached breakup_altitude by then (bare number: h), up to 3 days"
    )
    fragments: list[FragmentSpec] = Field(min_length=1, max_length=1000, description="the pieces the station breaks into")

    @model_validator(mode="after")
    def _a_plunge_that_conserves_mass(self):
        body = self.station
        if body.tle is None and body.mean_altitude_m > MAX_START_ALTITUDE_M:
            field, value = body.size_field()
            raise field_error(
                f"station.{field}", value,
                f"expected a mean altitude up to {MAX_START_ALTITUDE_M / 1e3:g} km: a plunge from higher takes weeks "
                "(kind decay_reentry carries the decay down to about 120 km)",
            )
        body.check_perigee_above("station", self.breakup_altitude, "breakup_altitude")
        total = sum(f.count * f.mass for f in self.fragments)
        if abs(total - body.mass) > MASS_TOLERANCE * body.mass:
            raise field_error(
                "fragments", f"{total:g} kg in all",
                f"expected the pieces to add up to the station's mass ({body.mass:g} kg) within {MASS_TOLERANCE:.0%}: "
                "mass is conserved at the breakup",
            )
        return self


def fragment_arrays(fragments):
    """The fragments expanded copy by copy: dict of (N,) arrays (mass_kg, area_m2, cd, nose_radius_m,
    budget_j) and ``kind`` (N,) int, the index of each copy's entry in ``fragments``."""
    kind = np.repeat(np.arange(len(fragments)), [f.count for f in fragments])
    per = {
        "mass_kg": [f.mass for f in fragments],
        "area_m2": [f.area for f in fragments],
        "cd": [f.drag_coefficient for f in fragments],
        "nose_radius_m": [f.nose_radius_m for f in fragments],
        "budget_j": [float(melting_budget_j(f.mass, f.material)) for f in fragments],
    }
    return {key: np.asarray(values, dtype=float)[kind] for key, values in per.items()}, kind


def separation_velocities(n, speed_m_s, rng):
    """(n, 3) velocities of ``speed_m_s`` in isotropic directions (normal draws, normalised)."""
    d = rng.standard_normal((n, 3))
    return speed_m_s * d / np.linalg.norm(d, axis=1, keepdims=True)


def plunge(scenario):
    """The station from its initial state to ``breakup_altitude``: ``(epoch, t_s, states (N, 6) TEME)``,
    the last row the breakup state."""
    from orbital.propagation.propagate import propagate_orbit

    epoch, r0, v0 = initial_state(scenario.station)
    grid = np.arange(0.0, scenario.max_plunge + PLUNGE_STEP_S, PLUNGE_STEP_S)
    t_s, states, breakup_s = propagate_orbit(r0, v0, grid, station_forces(scenario.station), "dop853", PLUNGE_RTOL,
                                             stop_altitude_m=scenario.breakup_altitude, include_stop_state=True, progress_span=(0.0, 0.4))
    if breakup_s is None:
        raise InfeasibleScenario(
            f"the station did not come down to {scenario.breakup_altitude / 1e3:g} km within max_plunge "
            f"({scenario.max_plunge / 3600.0:g} h); expected a lower start (about 120 to 150 km falls within hours) or a longer max_plunge"
        )
    return epoch, t_s, states


def fall(scenario, t_breakup_s, state, arrays, rng):
    """Every fragment from the breakup ``state`` (6,) to the ground, as one batch: the integrator's
    :class:`~orbital.propagation.batch_integrator.Outcome` (sample 0's path recorded)."""
    from orbital.dynamics.entry_dynamics import ENTRY, SampleParams, Sequence
    from orbital.models.guidance import Guidance
    from orbital.propagation.batch_integrator import integrate

    n = arrays["mass_kg"].size
    Y0 = np.tile(state, (n, 1))
    Y0[:, 3:] += separation_velocities(n, scenario.separation_speed, rng)
    body = scenario.station
    params = SampleParams.broadcast(
        n, soyuz_beta_m2_kg=body.drag_coefficient * body.drag_area / body.mass, burn_start_s=t_breakup_s, burn_duration_s=0.0,
        burn_dv_m_s=0.0, burn_pitch_rad=0.0, burn_yaw_rad=0.0, module_mass_kg=arrays["mass_kg"], module_area_m2=arrays["area_m2"],
        cd_hypersonic=arrays["cd"], cd_subsonic=arrays["cd"], lift_to_drag=0.0, density_scale=body.density_scale,
        drogue_cda_m2=0.0, main_cda_m2=0.0,
    )
    # No canopies: the "parachute command" is the ground itself, and the first step after it,
    # with no canopy area, ends the flight there at the speed the piece has.
    seq = Sequence(entry_interface_altitude_m=scenario.breakup_altitude, parachute_altitude_m=0.0,
                   nose_radius_m=REFERENCE_NOSE_RADIUS_M, max_time_after_burn_s=MAX_FALL_S)
    clock = Stage("fragments falling", t_breakup_s, t_breakup_s + 1800.0, 0.45, 0.95)
    no_lift = Guidance(mode="ballistic")  # its roll turns a lift of zero (lift_to_drag 0)
    return integrate(Y0, t_breakup_s, params, seq, no_lift, phase0=ENTRY, record=True, progress=clock)


def footprint_km(epoch, t_breakup_s, state, lat_deg, lon_deg):
    """``(downrange, crossrange)`` (km) of points (lat, lon) from the ground point under the breakup
    ``state`` (6,) along the great circle in the direction of flight and across it (positive: left).
    The direction: toward the ground point under where the station would be 60 s on, straight ahead."""
    from orbital.models.soyuz import along_cross_km, ground_distance_km, teme_to_geodetic

    (lat_b,), (lon_b,), _ = teme_to_geodetic(epoch, [t_breakup_s], state[None, :3])
    (lat_a,), (lon_a,), _ = teme_to_geodetic(epoch, [t_breakup_s + 60.0], (state[:3] + 60.0 * state[3:])[None, :])
    along, cross = along_cross_km(lat_b, lon_b, lat_a, lon_a, lat_deg, lon_deg)
    return along + ground_distance_km(lat_b, lon_b, lat_a, lon_a), cross


def run(scenario):
    """Plunge, breakup, fall and demise; returns a :class:`orbital.result.Result`.

    Trajectories on the time grid (the plunge every 10 s, then the fall of fragment 0, the densest
    piece, at its integrator's steps, to the ground even if it melted on the way, then at rest until
    the last impact): ``plunge``
    gcrs (x, y, z m; vx, vy, vz m/s), ``plunge_geodetic`` wgs84 (lat deg, lon deg, alt m) and
    ``plunge_loads`` (sensed g, heat flux W/m2 at a 1 m nose radius, phase code). Table ``impacts``: one row per surviving
    copy (t s, lat deg, lon deg, on_land, mass kg, speed m/s, fragment index). Extra file
    ``fragments.csv``: every copy, its heat and budget, demised or where it hit; ``impacts.geojson``: a
    point per survivor (name, mass, speed, energy, time after the breakup) for any map program.
    """
    from astropy.time import Time, TimeDelta

    from orbital.earth.frames import teme_to_gcrs_states
    from orbital.earth.landmask import is_land
    from orbital.models.soyuz import teme_to_geodetic

    epoch, t_plunge, plunge_states = plunge(scenario)
    t_b, state_b = float(t_plunge[-1]), plunge_states[-1]
    report(0.4, "the breakup")
    arrays, kind = fragment_arrays(scenario.fragments)
    # densest first: fragment 0's path is the one recorded and drawn
    order = np.argsort(-arrays["mass_kg"] / (arrays["cd"] * arrays["area_m2"]), kind="stable")
    arrays, kind = {k: v[order] for k, v in arrays.items()}, kind[order]
    out = fall(scenario, t_b, state_b, arrays, np.random.default_rng(scenario.seed))
    if not np.all(out.landed):
        raise InfeasibleScenario(
            f"{np.count_nonzero(~out.landed)} pieces still aloft {MAX_FALL_S / 3600:g} h after the breakup; expected every piece "
            f"down by then (m / (Cd A) of at least {MIN_FRAGMENT_BALLISTIC_COEFFICIENT_KG_M2:g} kg/m2 is, from 60 to 100 km)"
        )
    report(0.95, "demise and footprint")

    heat_j = absorbed_heat_j(out.heat_load_j_m2, REFERENCE_NOSE_RADIUS_M, arrays["nose_radius_m"], arrays["area_m2"])
    gone = demised(heat_j, arrays["budget_j"])
    s = ~gone
    lat, lon, _ = teme_to_geodetic(epoch, out.t_touchdown, out.r_touchdown, each_alone=True)
    (lat_b,), (lon_b,), _ = teme_to_geodetic(epoch, [t_b], state_b[None, :3])
    downrange, crossrange = footprint_km(epoch, t_b, state_b, lat, lon)
    mass = arrays["mass_kg"]
    energy_j = 0.5 * mass * out.v_touchdown**2
    on_land = is_land(lat, lon)

    summary = {
        "start_mean_altitude_km": scenario.station.mean_altitude_m / 1e3 if scenario.station.tle is None else None,
        "breakup_time_s": t_b,
        "breakup_epoch": (Time(epoch, scale="utc") + TimeDelta(t_b, format="sec")).utc.isot,
        "breakup_lat_deg": float(lat_b),
        "breakup_lon_deg": float(lon_b),
        "breakup_altitude_km": scenario.breakup_altitude / 1e3,
        "breakup_speed_m_s": float(np.linalg.norm(air_velocity_m_s(state_b[:3], state_b[3:]))),
        "fragments": int(mass.size),
        "fragments_mass_kg": float(mass.sum()),
        "survivors": int(s.sum()),
        "surviving_mass_kg": float(mass[s].sum()),
        "demised_mass_kg": float(mass[gone].sum()),
        "surviving_mass_fraction": float(mass[s].sum() / mass.sum()),
        **_footprint_summary(downrange[s], crossrange[s], lat[s], lon[s], on_land[s], energy_j[s], out.t_touchdown[s] - t_b),
    }
    events = [
        Event(0.0, "start", f"the station's final plunge from {summary['start_mean_altitude_km'] or 0:.0f} km"),
        Event(t_b, "breakup", f"breakup at {scenario.breakup_altitude / 1e3:g} km over {lat_b:.2f} deg, {lon_b:.2f} deg: {mass.size} pieces"),
    ]
    if s.any():
        first, last = np.argmin(np.where(s, out.t_touchdown, np.inf)), np.argmax(np.where(s, out.t_touchdown, -np.inf))
        events.append(Event(float(out.t_touchdown[first]), "first_impact", f"first surviving piece down: {scenario.fragments[kind[first]].name}"))
        events.append(Event(float(out.t_touchdown[last]), "last_impact", f"last surviving piece down: {scenario.fragments[kind[last]].name}"))

    t_grid, teme, loads = _drawn_path(scenario, t_plunge, plunge_states, out, float(np.max(out.t_touchdown[s], initial=out.t_touchdown[0])))
    epoch_time = Time(epoch, scale="utc")
    gcrs = teme_to_gcrs_states(epoch_time, teme)
    g_lat, g_lon, g_alt = teme_to_geodetic(epoch, t_grid, teme[:, :3])
    trajectories = {
        "plunge": Trajectory("gcrs", ("x", "y", "z", "vx", "vy", "vz"), ("m",) * 3 + ("m/s",) * 3, gcrs),
        "plunge_geodetic": Trajectory("wgs84", ("lat", "lon", "alt"), ("deg", "deg", "m"), np.column_stack([g_lat, g_lon, g_alt])),
        "plunge_loads": Trajectory(None, ("sensed_g", "heat_flux", "phase"), ("g", "W/m2", "code"), loads),
    }
    rows = np.column_stack([out.t_touchdown, lat, lon, on_land.astype(float), mass, out.v_touchdown, kind.astype(float)])[s]
    tables = {
        "impacts": Table(
            ("t", "lat", "lon", "on_land", "mass", "speed", "fragment"), ("s", "deg", "deg", "bool", "kg", "m/s", "index"), rows, "wgs84",
            "one surviving piece: impact time, point, surface, mass, speed, and its entry in the scenario's fragments", "t",
        )
    }
    files = {"fragments.csv": _fragments_csv(scenario, kind, arrays, heat_j, gone, lat, lon, out.v_touchdown, energy_j),
             "impacts.geojson": feature_collection(
                 point_feature(lat[i], lon[i], {"name": scenario.fragments[kind[i]].name, "mass_kg": mass[i], "speed_m_s": out.v_touchdown[i],
                                                "energy_j": energy_j[i], "after_breakup_s": out.t_touchdown[i] - t_b})
                 for i in np.flatnonzero(s))}
    scene = {"breakup_wgs84": {"lat_deg": float(lat_b), "lon_deg": float(lon_b)}}
    return Result(scenario.name, scenario.kind, epoch, t_grid, trajectories, events, summary, tables=tables,
                  extra_files=files, scene=scene)


def _drawn_path(scenario, t_plunge, plunge_states, out, t_end_s):
    """The time grid and what is drawn on it: the plunge, then fragment 0's fall (its first recorded
    step is the breakup itself), then fragment 0 at rest on the turning Earth until ``t_end_s`` (the
    last survivor's impact). Returns ``(t_s, states (N, 6) TEME, loads (N, 3))``: sensed g, heat flux
    (Sutton-Graves at REFERENCE_NOSE_RADIUS_M) and phase code (coast before the burn for the plunge,
    entry for the fall, landed)."""
    from orbital.dynamics.entry_dynamics import COAST0, ENTRY, LANDED, SUTTON_GRAVES_K
    from orbital.earth.constants import G0_M_S2

    forces = station_forces(scenario.station)
    r, v = plunge_states[:, :3], plunge_states[:, 3:]
    air_speed = np.linalg.norm(air_velocity_m_s(r, v), axis=1)
    plunge_loads = np.column_stack([
        np.linalg.norm(forces.drag_acceleration(r, v), axis=1) / G0_M_S2,
        SUTTON_GRAVES_K * np.sqrt(forces.density(r) / REFERENCE_NOSE_RADIUS_M) * air_speed**3,
        np.full(len(r), float(COAST0)),
    ])
    h = out.history
    # its steps in flight: the first is the breakup (the plunge's last sample), the last at the ground
    # (the integrator's parachute command, there only to end the flight: see fall)
    flying = np.flatnonzero(h["phase"] == ENTRY)[1:]
    fall_loads = np.column_stack([h["sensed_g"][flying], h["heat_flux_w_m2"][flying], h["phase"][flying].astype(float)])
    t_down = out.t_touchdown[0]
    t_rest = np.unique([t_down, max(t_end_s, t_down)])
    angle = OMEGA_EARTH_RAD_S * (t_rest - t_down)
    x, y, z = out.r_touchdown[0]
    rest = np.column_stack([np.cos(angle) * x - np.sin(angle) * y, np.sin(angle) * x + np.cos(angle) * y, np.full(angle.shape, z)])
    rest = np.hstack([rest, OMEGA_EARTH_RAD_S * np.column_stack([-rest[:, 1], rest[:, 0], np.zeros(len(rest))])])
    rest_loads = np.column_stack([np.zeros(len(rest)), np.zeros(len(rest)), np.full(len(rest), float(LANDED))])
    t_s = np.concatenate([t_plunge, h["t"][flying], t_rest])
    return t_s, np.vstack([plunge_states, h["Y"][flying], rest]), np.vstack([plunge_loads, fall_loads, rest_loads])


def _footprint_summary(downrange_km, crossrange_km, lat_deg, lon_deg, on_land, energy_j, fall_s):
    """The footprint's summary keys from the survivors' arrays (all None but the counts if none survived)."""
    if downrange_km.size == 0:
        keys = ("footprint_length_km", "footprint_width_km", "footprint_heel_km", "footprint_toe_km", "landing_mean_lat_deg",
                "landing_mean_lon_deg", "largest_impact_energy_j", "last_impact_after_breakup_min")
        return {**dict.fromkeys(keys), "impacts_on_land": 0, "total_impact_energy_j": 0.0}
    mean_lat, mean_lon = mean_point_deg(lat_deg, lon_deg)
    return {
        "footprint_length_km": float(np.ptp(downrange_km)),
        "footprint_width_km": float(np.ptp(crossrange_km)),
        "footprint_heel_km": float(downrange_km.min()),
        "footprint_toe_km": float(downrange_km.max()),
        "landing_mean_lat_deg": mean_lat,
        "landing_mean_lon_deg": mean_lon,
        "impacts_on_land": int(np.count_nonzero(on_land)),
        "largest_impact_energy_j": float(energy_j.max()),
        "total_impact_energy_j": float(energy_j.sum()),
        "last_impact_after_breakup_min": float(fall_s.max() / 60.0),
    }


FRAGMENT_COLUMNS = ("name", "material", "mass_kg", "ballistic_coefficient_kg_m2", "heat_absorbed_j", "melting_budget_j", "demised",
                    "lat_deg", "lon_deg", "speed_m_s", "energy_j")


def _fragments_csv(scenario, kind, arrays, heat_j, gone, lat, lon, speed, energy_j):
    """Every copy (:data:`FRAGMENT_COLUMNS`): name, mass, ballistic coefficient, heat absorbed and budget,
    demised, impact (blank if demised)."""
    beta = arrays["mass_kg"] / (arrays["cd"] * arrays["area_m2"])
    rows = []
    for i in range(kind.size):
        f = scenario.fragments[kind[i]]
        hit = (None,) * 4 if gone[i] else (lat[i], lon[i], speed[i], energy_j[i])
        rows.append((f.name, f.material, arrays["mass_kg"][i], beta[i], heat_j[i], arrays["budget_j"][i], str(bool(gone[i])).lower(), *hit))
    return csv_text(FRAGMENT_COLUMNS, rows)


#: What :func:`run` puts in the summary. Places geodetic (WGS84); ground distances on the mean sphere,
#: along the great circle from the breakup's ground point in the direction of flight.
SUMMARY_KEYS = {
    "start_mean_altitude_km": SummaryKey("km", "mean altitude (height above WGS84 averaged over a revolution) of the station's orbit at the start of the plunge; null for a TLE"),
    "breakup_time_s": SummaryKey("s", "from the epoch to the breakup"),
    "breakup_epoch": SummaryKey("", "the breakup's time, UTC (ISO 8601)"),
    "breakup_lat_deg": SummaryKey("deg", "geodetic latitude under the breakup"),
    "breakup_lon_deg": SummaryKey("deg", "longitude under the breakup"),
    "breakup_altitude_km": SummaryKey("km", "height above the ellipsoid of the breakup (breakup_altitude)"),
    "breakup_speed_m_s": SummaryKey("m/s", "the station's speed relative to the air at the breakup"),
    "fragments": SummaryKey("1", "pieces the station broke into (every copy counted)"),
    "fragments_mass_kg": SummaryKey("kg", "their total mass"),
    "survivors": SummaryKey("1", "pieces that reached the ground: their heat load stayed under their melting budget"),
    "surviving_mass_kg": SummaryKey("kg", "mass that reached the ground"),
    "demised_mass_kg": SummaryKey("kg", "mass that melted away (with surviving_mass_kg: the station's)"),
    "surviving_mass_fraction": SummaryKey("1", "surviving_mass_kg over the fragments' mass"),
    "footprint_length_km": SummaryKey("km", "along-track extent of the survivors' impact points (toe minus heel)"),
    "footprint_width_km": SummaryKey("km", "cross-track extent of the survivors' impact points"),
    "footprint_heel_km": SummaryKey("km", "downrange of the nearest survivor from the breakup's ground point"),
    "footprint_toe_km": SummaryKey("km", "downrange of the farthest survivor"),
    "landing_mean_lat_deg": SummaryKey("deg", "geodetic latitude of the survivors' mean impact point; null if none survived"),
    "landing_mean_lon_deg": SummaryKey("deg", "longitude of that mean point"),
    "impacts_on_land": SummaryKey("1", "survivors that hit land (GSHHG coastlines; lakes are water)"),
    "largest_impact_energy_j": SummaryKey("J", "largest kinetic energy of a survivor at impact, 1/2 m v^2 (air-relative speed)"),
    "total_impact_energy_j": SummaryKey("J", "the survivors' kinetic energies at impact, summed"),
    "last_impact_after_breakup_min": SummaryKey("min", "from the breakup to the last survivor's impact"),
}

KIND = KindSpec(
    name="breakup_footprint",
    scenario=Scenario,
    run=run,
    title="a station's final plunge and breakup: the footprint of the pieces that survive",
    summary=SUMMARY_KEYS,
    display=DisplayHints(
        roles={"plunge": "descent", "plunge_geodetic": "descent_geodetic", "plunge_loads": "descent_loads", "impacts": "landings"},
        still_at_end=True,
        plots=(
            SeriesPlot("altitude", "Altitude: the plunge, then the densest piece", "km", (Curve("plunge_geodetic", ("alt",)),), "", "first_impact",
                       events=("breakup",)),
            SeriesPlot("g_load", "Sensed load: the plunge, then the densest piece", "g", (Curve("plunge_loads", ("sensed_g",)),), "breakup",
                       "first_impact"),
            MapPlot("footprint", "Surviving pieces' impacts", points=("impacts",), split_by="on_land",
                    markers=("breakup_wgs84",)),
            ProfilePlot("profile", "Side profile: the plunge, then the densest piece", "plunge_geodetic", "plunge_loads", PHASE_NAMES),
        ),
    ),
)
