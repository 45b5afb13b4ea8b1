"""``kind: reentry``: a Soyuz undocks, burns retrograde, and its descent module comes home.

The whole flight is one 3-DOF point mass in TEME of the undocking epoch (see
:mod:`orbital.dynamics.entry_dynamics` for the forces and phases, :mod:`orbital.models.guidance`
for the lift control, :mod:`orbital.models.parachutes` for the landing system), integrated
by :mod:`orbital.propagation.batch_integrator` with N = 1.

The *target* is the landing point of the planned descent: the same burn, flown with
the nominal vertical lift fraction cos(bank_angle) and no net lateral lift (the
``reference`` guidance). ``lifting`` guidance tracks that plan; ``ballistic`` spins
and lands short. Miss distances are measured from that target, which
``Result.scene["target_wgs84"]`` (``lat_deg``, ``lon_deg``) gives the viewer.

Nominal numbers (Soyuz MS-11, 2019; REFERENCES.md): 128 m/s over 4 min 41 s from
432.7 km; descent module 2,900 kg, 2.17 m across (reference area pi 1.085^2 =
3.70 m^2), hypersonic Cd 1.3 (published band 1.2 to 1.5), subsonic Cd 1.0 (so that
the module falls at ~230 m/s at 10.8 km), L/D 0.3. Nose radius for Sutton-Graves:
2.2 m, about the radius of curvature of the Soyuz heat shield (a shallow
spherical segment ~2.2 m across), a documented choice, not a published figure.
"""

import math
from typing import Literal

import numpy as np

from orbital.earth.constants import G0_M_S2, OMEGA_EARTH_RAD_S
from orbital.models.soyuz import (  # descent_first_run_note: the kind's hook, declared in KIND
    SoyuzScenario,
    along_cross_km,
    descent_events,
    descent_first_run_note,
    ground_distance_km,
    is_impact,
    landing_warnings,
    no_descent,
    nominal_params,
    plan,
    sequence,
    teme_to_geodetic,
    touchdown_phase,
)
from orbital.progress import Stage
from orbital.dynamics.entry_dynamics import PHASE_NAMES
from orbital.kind_contract import Curve, DisplayHints, KindSpec, MapPlot, ProfilePlot, SeriesPlot, SummaryKey
from orbital.result import Event, Result, Trajectory
from orbital.schema import initial_state


class Scenario(SoyuzScenario):
    """A single Soyuz descent from the station's orbit to touchdown."""

    kind: Literal["reentry"] = "reentry"


def _or_none(value):
    """A float, or None for an event that did not happen (NaN)."""
    value = float(value)
    return value if math.isfinite(value) else None


def run(scenario):
    """Fly the descent; returns a :class:`orbital.result.Result`."""
    from orbital.propagation.batch_integrator import integrate
    from orbital.earth.landmask import surface_at

    epoch, r0, v0 = initial_state(scenario.station)
    Y0 = np.concatenate([r0, v0])
    planned, guidance = plan(scenario, Y0, progress_span=(0.0, 0.5))
    clock = Stage("descent", 0.0, float(planned.t_touchdown[0]), 0.5, 1.0)
    out = integrate(Y0[None, :], 0.0, nominal_params(scenario), sequence(scenario), guidance, record=True, progress=clock)
    if not out.landed[0]:
        raise no_descent(scenario, "the guided descent")
    h = out.history
    t_hist = np.append(h["t"], out.t_touchdown[0])
    Y_hist = np.vstack([h["Y"], np.concatenate([out.r_touchdown[0], np.zeros(3)])])
    # Velocity at touchdown: the ground's (co-rotating); written for completeness.
    Y_hist[-1, 3:] = np.cross([0.0, 0.0, OMEGA_EARTH_RAD_S], out.r_touchdown[0]) + 0.0
    lat, lon, alt = teme_to_geodetic(epoch, t_hist, Y_hist[:, :3])
    # touchdown is on the integrator's ground: its ellipsoid turns about TEME's z, and WGS84's in
    # ITRS (polar motion included) lies some centimetres off it (3.5 cm on MS-11's day)
    alt[-1] = 0.0
    lat_t, lon_t, _ = teme_to_geodetic(epoch, planned.t_touchdown, planned.r_touchdown)
    e = out.events
    ei_t = e["entry_interface"]["t"][0]
    r_ei = np.array([np.interp(ei_t, t_hist, Y_hist[:, i]) for i in range(3)])  # 1 s steps: within metres
    lat_ei, lon_ei, _ = teme_to_geodetic(epoch, [ei_t], r_ei[None, :])
    along, cross = along_cross_km(lat_ei[0], lon_ei[0], lat_t[0], lon_t[0], lat[-1], lon[-1])
    thrust = scenario.parachutes.soft_landing_thrust
    phase = touchdown_phase(out, 0, thrust > 0.0)
    summary = {
        "guidance": scenario.guidance.mode,
        "peak_g": float(out.peak_g[0]),
        "peak_g_altitude_km": float(out.peak_g_alt[0]) / 1e3,
        "peak_heat_flux_kw_m2": float(out.peak_heat[0]) / 1e3,
        "peak_heat_altitude_km": float(out.peak_heat_alt[0]) / 1e3,
        "landing_lat_deg": float(lat[-1]),
        "landing_lon_deg": float(lon[-1]),
        "landed_on": surface_at(lat[-1], lon[-1]),
        "touchdown_speed_m_s": float(out.v_touchdown[0]),
        "touchdown_phase": phase,
        "touchdown_impact": bool(is_impact(out.v_touchdown[0])),
        # the engines' push at ignition (thrust + the canopy's drag, m g at terminal speed), for
        # about 0.2 s: not in peak_g, which is the flight's (entry, canopies) down to their altitude
        "soft_landing_g": (1.0 + thrust / (scenario.module.mass * G0_M_S2)) if phase == "soft_landing" else None,
        "landing_warnings": landing_warnings(out, scenario.density_scale),
        "time_burn_to_touchdown_s": float(out.t_touchdown[0] - e["burn_start"]["t"][0]),
        "downrange_km": float(ground_distance_km(lat_ei[0], lon_ei[0], lat[-1], lon[-1])),
        "target_lat_deg": float(lat_t[0]),
        "target_lon_deg": float(lon_t[0]),
        "miss_distance_km": float(ground_distance_km(lat_t[0], lon_t[0], lat[-1], lon[-1])),
        "miss_along_track_km": float(along),
        "miss_cross_track_km": float(cross),
        "burn_altitude_km": float(e["burn_start"]["alt"][0]) / 1e3,
        "separation_altitude_km": float(e["separation"]["alt"][0]) / 1e3,
        "entry_interface_altitude_km": float(e["entry_interface"]["alt"][0]) / 1e3,
        "entry_speed_m_s": float(e["entry_interface"]["speed"][0]),
        "parachute_altitude_km": float(e["parachute"]["alt"][0]) / 1e3,
        "speed_at_parachute_m_s": float(e["parachute"]["speed"][0]),
        "speed_at_main_canopy_m_s": _or_none(e["main_canopy"]["speed"][0]),
        "main_canopy_descent_speed_m_s": _or_none(e["soft_landing"]["speed"][0]),
        "bank_reversals": int(out.bank_reversals[0]),
    }
    events = descent_events(out, thrust, scenario.density_scale)
    events.insert(0, Event(0.0, "undocking", "Soyuz undocks from the station"))
    side = h["bank_side"]
    for k in np.flatnonzero((side[:-1] != 0) & (side[1:] != side[:-1])) + 1:
        to = "left" if side[k] > 0 else "right"
        events.append(Event(float(h["t"][k]), "bank_reversal", f"bank reversal: lift to the {to} at {alt[k] / 1e3:.1f} km"))
    events.append(Event(float(out.peak_g_t[0]), "peak_g", f"peak load {out.peak_g[0]:.2f} g at {out.peak_g_alt[0] / 1e3:.1f} km"))
    events.sort(key=lambda ev: ev.time_s)

    from astropy.time import Time

    from orbital.earth.frames import teme_to_gcrs_states

    states = teme_to_gcrs_states(Time(epoch, scale="utc"), Y_hist)
    loads = np.column_stack(
        [np.append(h["sensed_g"], 0.0), np.append(h["heat_flux_w_m2"], 0.0), np.append(h["phase"], 7).astype(float)]
    )
    trajectories = {
        "soyuz": Trajectory("gcrs", ("x", "y", "z", "vx", "vy", "vz"), ("m",) * 3 + ("m/s",) * 3, states),
        "soyuz_geodetic": Trajectory("wgs84", ("lat", "lon", "alt"), ("deg", "deg", "m"), np.column_stack([lat, lon, alt])),
        "soyuz_loads": Trajectory(None, ("sensed_g", "heat_flux", "phase"), ("g", "W/m2", "code"), loads),
    }
    scene = {"target_wgs84": {"lat_deg": float(lat_t[0]), "lon_deg": float(lon_t[0])}}
    return Result(scenario.name, scenario.kind, epoch, t_hist, trajectories, events, summary, scene=scene)


#: What :func:`run` puts in the summary. Altitudes are above the WGS84 ellipsoid, speeds relative to the
#: air (which turns with the Earth), places geodetic (WGS84), ground distances on the mean sphere.
SUMMARY_KEYS = {
    "guidance": SummaryKey("", "the guidance mode flown: lifting, predictor_corrector or ballistic"),
    "peak_g": SummaryKey("g", "largest sensed load of the flight (burn, entry, canopy openings; not the soft-landing engines' push)"),
    "peak_g_altitude_km": SummaryKey("km", "altitude of that largest load"),
    "peak_heat_flux_kw_m2": SummaryKey("kW/m2", "largest stagnation-point convective heat flux (Sutton-Graves, nose radius 2.2 m)"),
    "peak_heat_altitude_km": SummaryKey("km", "altitude of that largest heat flux"),
    "landing_lat_deg": SummaryKey("deg", "geodetic latitude of the touchdown"),
    "landing_lon_deg": SummaryKey("deg", "longitude of the touchdown"),
    "landed_on": SummaryKey("", "land or water at the touchdown (GSHHG coastlines; lakes are water)"),
    "touchdown_speed_m_s": SummaryKey("m/s", "speed at touchdown"),
    "touchdown_phase": SummaryKey("", "what the module came down under: soft_landing (main canopy and engines), main, drogue or none (the barometric parachute command never came)"),
    "touchdown_impact": SummaryKey("", "whether the touchdown was an impact: faster than 10 m/s"),
    "soft_landing_g": SummaryKey(
        "g", "the soft-landing engines' push at ignition (thrust plus the canopy's drag), about 0.2 s; null unless they landed it"
    ),
    "landing_warnings": SummaryKey("", "canopy openings beyond the envelope flown and impacts, in words; null if none"),
    "time_burn_to_touchdown_s": SummaryKey("s", "from the start of the deorbit burn to touchdown"),
    "downrange_km": SummaryKey("km", "great-circle distance from the entry-interface point to the touchdown"),
    "target_lat_deg": SummaryKey("deg", "geodetic latitude of the target: the planned (reference) descent's landing point"),
    "target_lon_deg": SummaryKey("deg", "longitude of the target"),
    "miss_distance_km": SummaryKey("km", "great-circle distance from the target to the touchdown"),
    "miss_along_track_km": SummaryKey("km", "the miss along the great circle from the entry-interface point to the target; negative: short"),
    "miss_cross_track_km": SummaryKey("km", "the miss across that great circle; positive: to the left"),
    "burn_altitude_km": SummaryKey("km", "altitude at the start of the deorbit burn"),
    "separation_altitude_km": SummaryKey("km", "altitude where the modules separate"),
    "entry_interface_altitude_km": SummaryKey("km", "altitude of the entry interface"),
    "entry_speed_m_s": SummaryKey("m/s", "speed at the entry interface"),
    "parachute_altitude_km": SummaryKey("km", "altitude of the parachute command (the drogue opens)"),
    "speed_at_parachute_m_s": SummaryKey("m/s", "speed at the parachute command"),
    "speed_at_main_canopy_m_s": SummaryKey("m/s", "speed when the main canopy opens; null if it never did"),
    "main_canopy_descent_speed_m_s": SummaryKey(
        "m/s", "steady descent speed under the settled main canopy, at the soft-landing engines' height; null if it never got there"
    ),
    "bank_reversals": SummaryKey("1", "number of bank reversals the guidance flew"),
}

KIND = KindSpec(
    name="reentry",
    scenario=Scenario,
    run=run,
    title="one Soyuz descent from undocking to touchdown",
    summary=SUMMARY_KEYS,
    display=DisplayHints(roles={"soyuz": "descent", "soyuz_geodetic": "descent_geodetic", "soyuz_loads": "descent_loads"}, plots=(
        SeriesPlot("altitude", "Altitude", "km", (Curve("soyuz_geodetic", ("alt",)),), "separation", ("entry_interface", "parachute", "touchdown")),
        SeriesPlot("g_load", "Sensed load", "g", (Curve("soyuz_loads", ("sensed_g",)),), "entry_interface", ("peak_g", "parachute")),
        SeriesPlot("speed", "Speed (inertial, GCRS)", "km/s", (Curve("soyuz", ("vx", "vy", "vz"), "norm"),), "separation", ("entry_interface", "parachute", "touchdown")),
        SeriesPlot("heat_flux", "Heat flux at the stagnation point", "kW/m2", (Curve("soyuz_loads", ("heat_flux",)),), "entry_interface", ("peak_g", "parachute")),
        MapPlot("ground_track", "Ground track of the descent", tracks=("soyuz_geodetic",), markers=("target_wgs84",)),
        ProfilePlot("profile", "Side profile from the entry interface", "soyuz_geodetic", "soyuz_loads", PHASE_NAMES, "entry_interface",
                    "target_wgs84"),
    )),
    first_run_note=descent_first_run_note,
)
