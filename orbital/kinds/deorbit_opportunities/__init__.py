"""``kind: deorbit_opportunities``: let it fall wherever it does. The crew undock the Soyuz at some
moment of a window (a day, say) and let it come down: where does it land for each moment?

The station's orbit is propagated once over the window (:func:`orbital.propagation.propagate.propagate_orbit`,
J2 and drag, in TEME of the window's start), sampled every ``step``. Each sample is an undocking
opportunity: the Soyuz leaves with the station's state, coasts to ``burn.start``, burns and
descends exactly as in ``kind: reentry`` (:mod:`orbital.models.soyuz`), all opportunities flown as
one batch (:func:`orbital.propagation.batch_integrator.integrate`). Each descent keeps its own
clock from its undocking (the ballistic spin's phase, the burn's start, as a single ``reentry``
run from that state has them); its touchdown is placed on the turning Earth at its absolute time.

Guidance (``guidance.mode``): ``ballistic``, the module spins (its lift averages out); ``lifting``,
each opportunity flies its own planned descent (the constant lift-up fraction cos(bank_angle) of
:func:`orbital.models.soyuz.open_loop_guidance`): the landing point a ``reentry`` run from that
state calls its target, which its lifting guidance reaches to within a few km. Nothing steers
toward the nominal site: distances to it say how far off each opportunity falls.

Places are geodetic (WGS84), ground distances great circles on the mean sphere; land or water
from GSHHG (:mod:`orbital.earth.landmask`; lakes are water).

``Result.tables["opportunities"]``: one row per opportunity (:data:`COLUMNS`), its time column the
undocking (s since the window's start); a descent that never landed has NaN for its place, loads
and touchdown. ``Result.trajectories["station"]``: the station over the window (GCRS, every
:data:`DISPLAY_STEP_S` and at every opportunity). ``Result.scene``: ``target_wgs84`` (the nominal
site) and ``reach_wgs84`` (the chosen point and its radius as a closed ring). Run directory
extras: ``opportunities.csv`` and ``opportunities.geojson``.
"""

import math
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from orbital.earth.constants import DAY_S, R_EARTH_MEAN_M
from orbital.earth.geodesy import ellipse_ring
from orbital.errors import InfeasibleScenario
from orbital.kind_contract import Curve, DisplayHints, KindSpec, MapPlot, SeriesPlot, SummaryKey
from orbital.models import soyuz
from orbital.models.landing_files import csv_text, feature_collection, point_feature
from orbital.models.station_orbit import station_forces
from orbital.progress import Stage, reporting, within
from orbital.result import Event, Result, Table, Trajectory
from orbital.schema import Quantity, StationSpec, StrictModel, field_error, initial_state

#: Longest window: a week. The station's predicted position drifts along-track by kilometres a day
#: with the unknown air density (its orbit is re-determined daily), so landings predicted further
#: ahead mean little; and a week every minute is already 10,081 descents (about 10 s).
MAX_WINDOW_S = 7.0 * DAY_S
#: Finest step: 1 s. One second of burn timing moves a landing about 8 km (REFERENCES.md): no
#: crew times an undocking more finely.
MIN_STEP_S = 1.0
#: Most opportunities a run flies (a week every minute, both ends): memory and time grow with them (about 1 ms each).
MAX_OPPORTUNITIES = 10_081
#: The station's track is kept this often for the viewer (and at every opportunity).
DISPLAY_STEP_S = 60.0
#: Half the mean circumference (m): no two places on Earth are farther apart.
HALF_CIRCUMFERENCE_M = math.pi * R_EARTH_MEAN_M

_Latitude = Quantity("rad", "deg", ge=-math.pi / 2, le=math.pi / 2)
#: East longitude, either convention (-180 to 180 or 0 to 360 deg).
_Longitude = Quantity("rad", "deg", ge=-math.pi, le=2.0 * math.pi)

#: The nominal site: where the reentry kind's nominal descent (soyuz_nominal, after Soyuz MS-11)
#: plans to land, in the Kazakh steppe north-east of Dzhezkazgan (its summary's target: 47.40 N, 69.60 E).
NOMINAL_SITE_DEG = (47.40, 69.60)


class SiteSpec(StrictModel):
    """A place on the ground (geodetic, WGS84)."""

    lat: _Latitude = Field(default=math.radians(NOMINAL_SITE_DEG[0]), description="geodetic latitude, -90 to 90 (bare number: deg)")
    lon: _Longitude = Field(default=math.radians(NOMINAL_SITE_DEG[1]), description="east longitude, -180 to 360 (bare number: deg)")


class ReachSpec(SiteSpec):
    """A chosen point and a radius: the summary names the first opportunity landing within it."""

    radius: Quantity("m", "km", gt=0.0, le=HALF_CIRCUMFERENCE_M) = Field(
        default=300.0e3, description="up to half the Earth's circumference, 20,015 km: no place is farther (bare number: km)"
    )


class Scenario(soyuz.SoyuzScenario):
    """Undocking opportunities every ``step`` over ``window`` from the station's epoch, each descent
    flown as in ``kind: reentry``."""

    kind: Literal["deorbit_opportunities"] = "deorbit_opportunities"
    station: StationSpec = Field(
        default_factory=StationSpec, description="the station's orbit at the start of the window (epoch = the first opportunity)"
    )
    window: Quantity("s", "s", gt=0.0, le=MAX_WINDOW_S) = Field(
        default=DAY_S, description="undocking times from the epoch over this span, up to a week (bare number: s)"
    )
    step: Quantity("s", "s", ge=MIN_STEP_S, le=MAX_WINDOW_S) = Field(
        default=300.0, description="time between opportunities, at least 1 s (bare number: s)"
    )
    site: SiteSpec = Field(default_factory=SiteSpec, description="the nominal landing site (default: the reentry kind's, 47.40 N 69.60 E)")
    reach: ReachSpec = Field(default_factory=ReachSpec, description="find the first opportunity landing within radius of this point")
    progress: bool = Field(default=True, description="report progress to the caller (the command line shows it on a terminal)")

    @model_validator(mode="after")
    def _opportunities_countable(self):
        if self.step > self.window:
            raise field_error("step", f"{self.step:g} s", f"longer than window ({self.window:g} s); expected at most the window")
        n = opportunity_count(self.window, self.step)
        if n > MAX_OPPORTUNITIES:
            raise field_error(
                "step", f"{self.step:g} s",
                f"window / step gives {n} opportunities; expected at most {MAX_OPPORTUNITIES} (a week every minute): raise step",
            )
        return self


def opportunity_count(window_s, step_s):
    """Opportunities at 0, step, 2 step, ... up to the window's end (included when it falls on the step)."""
    return int(math.floor(window_s / step_s + 1e-9)) + 1


def opportunity_times_s(scn):
    """The undocking times (s since the station's epoch)."""
    return scn.step * np.arange(opportunity_count(scn.window, scn.step))


#: The opportunities table (``Result.tables["opportunities"]``, frame wgs84): one row per undocking.
COLUMNS = ("t_undock", "t_burn", "t_touchdown", "lat", "lon", "on_land", "site_distance", "reach_distance", "peak_g")
UNITS = ("s", "s", "s", "deg", "deg", "bool", "m", "m", "g")


def fly(scn):
    """Propagate the station and fly every opportunity; returns ``(epoch, t_grid_s, station_states_teme,
    table_data)`` (:data:`COLUMNS`, one row per opportunity)."""
    from orbital.earth.landmask import is_land
    from orbital.propagation.batch_integrator import integrate
    from orbital.propagation.propagate import propagate_orbit

    epoch, r0, v0 = initial_state(scn.station)
    t_opp = opportunity_times_s(scn)
    grid = np.union1d(np.arange(0.0, scn.window, DISPLAY_STEP_S), t_opp)
    with within(0.0, 1.0) if scn.progress else reporting(None):
        t_s, states, decay_s = propagate_orbit(r0, v0, grid, station_forces(scn.station), progress_span=(0.0, 0.3))
        if decay_s is not None:
            field, value = scn.station.size_field()
            raise InfeasibleScenario(
                f"window = {scn.window / 3600.0:g} h: the station decays {decay_s / 3600.0:.2f} h after its epoch "
                f"(station.{field} = {value}); expected a window the station's orbit lasts: a shorter window or a higher orbit"
            )
        Y0 = states[np.searchsorted(t_s, t_opp)]
        n = len(t_opp)
        clock = Stage("descents", 0.0, scn.burn.start + soyuz.EXPECTED_DESCENT_S, 0.3, 1.0)
        out = integrate(Y0, 0.0, soyuz.nominal_params(scn, n), soyuz.sequence(scn), soyuz.open_loop_guidance(scn), progress=clock)
    if not np.any(out.landed):
        raise soyuz.no_descent(scn, "every opportunity's descent")
    ok = out.landed
    lat, lon, land = np.full(n, np.nan), np.full(n, np.nan), np.zeros(n, dtype=bool)
    lat[ok], lon[ok], _ = soyuz.teme_to_geodetic(epoch, t_opp[ok] + out.t_touchdown[ok], out.r_touchdown[ok], each_alone=True)
    land[ok] = is_land(lat[ok], lon[ok])
    site = (math.degrees(scn.site.lat), math.degrees(scn.site.lon))
    reach = (math.degrees(scn.reach.lat), math.degrees(scn.reach.lon))
    data = np.column_stack([
        t_opp, t_opp + scn.burn.start, t_opp + out.t_touchdown, lat, lon, land,
        1e3 * soyuz.ground_distance_km(*site, lat, lon), 1e3 * soyuz.ground_distance_km(*reach, lat, lon), np.where(ok, out.peak_g, np.nan),
    ])
    return epoch, t_s, states, data


def utc_after(epoch, t_s):
    """ISO UTC texts, truncated to the second, ``t_s`` seconds after ``epoch`` (scalar or array)."""
    from astropy.time import Time, TimeDelta

    times = Time(epoch, scale="utc") + TimeDelta(np.asarray(t_s, dtype=float), format="sec")
    return np.char.partition(np.atleast_1d(times.isot).astype(str), ".")[:, 0] if np.ndim(t_s) else times.isot.split(".")[0]


def _pick(prefix, row, columns, epoch, distance_column):
    """Summary keys ``<prefix>_...`` of one opportunity's row (None for every key if ``row`` is None)."""
    keys = ("undock_s", "undock_utc", "lat_deg", "lon_deg", "distance_km", "landed_on", "peak_g")
    if row is None:
        return {f"{prefix}_{k}": None for k in keys}
    c = {name: row[k] for k, name in enumerate(columns)}
    values = (float(c["t_undock"]), utc_after(epoch, c["t_undock"]), float(c["lat"]), float(c["lon"]), float(c[distance_column]) / 1e3,
              "land" if c["on_land"] else "water", float(c["peak_g"]))
    return {f"{prefix}_{k}": v for k, v in zip(keys, values)}


def summarise(scn, epoch, data):
    """The summary of the opportunities' table data (statistics over those that landed)."""
    col = {name: k for k, name in enumerate(COLUMNS)}
    landed = data[np.isfinite(data[:, col["lat"]])]
    site_m = landed[:, col["site_distance"]]
    in_reach = landed[landed[:, col["reach_distance"]] <= scn.reach.radius]
    summary = {
        "n_opportunities": int(len(data)),
        "n_not_landed": int(len(data) - len(landed)),
        "guidance": scn.guidance.mode,
        "first_undock_utc": utc_after(epoch, 0.0),
        "last_undock_utc": utc_after(epoch, data[-1, col["t_undock"]]),
        "share_on_land": float(np.count_nonzero(landed[:, col["on_land"]])) / len(landed),
        "site_lat_deg": math.degrees(scn.site.lat),
        "site_lon_deg": math.degrees(scn.site.lon),
        **_pick("best", landed[np.argmin(site_m)], COLUMNS, epoch, "site_distance"),
        **_pick("worst", landed[np.argmax(site_m)], COLUMNS, epoch, "site_distance"),
        "reach_lat_deg": math.degrees(scn.reach.lat),
        "reach_lon_deg": math.degrees(scn.reach.lon),
        "reach_radius_km": scn.reach.radius / 1e3,
        "n_in_reach": int(len(in_reach)),
        **_pick("next_in_reach", in_reach[0] if len(in_reach) else None, COLUMNS, epoch, "reach_distance"),
        "lowest_peak_g": float(np.min(landed[:, col["peak_g"]])),
        "highest_peak_g": float(np.max(landed[:, col["peak_g"]])),
        "opportunity_files": ", ".join(FILES),
    }
    return summary


#: The run directory's extra files.
FILES = ("opportunities.csv", "opportunities.geojson")
#: Columns of opportunities.csv (and the GeoJSON points' properties).
CSV_COLUMNS = ("opportunity", "undock_utc", "undock_s", "burn_s", "touchdown_s", "lat_deg", "lon_deg", "landed_on",
               "site_distance_km", "reach_distance_km", "peak_g")


def _csv_rows(epoch, data):
    col = {name: k for k, name in enumerate(COLUMNS)}
    utc = utc_after(epoch, data[:, col["t_undock"]])
    rows = []
    for i, r in enumerate(data):
        down = bool(np.isfinite(r[col["lat"]]))
        value = lambda name, scale=1.0: float(r[col[name]]) * scale if down else None  # noqa: E731
        rows.append((i, str(utc[i]), float(r[col["t_undock"]]), float(r[col["t_burn"]]), value("t_touchdown"), value("lat"), value("lon"),
                     ("land" if r[col["on_land"]] else "water") if down else "not_landed", value("site_distance", 1e-3),
                     value("reach_distance", 1e-3), value("peak_g")))
    return rows


def _geojson(rows, summary):
    features = [point_feature(r[5], r[6], {k: v for k, v in zip(CSV_COLUMNS, r) if k not in ("lat_deg", "lon_deg")}) for r in rows if r[5] is not None]
    features.append(point_feature(summary["site_lat_deg"], summary["site_lon_deg"], {"name": "nominal landing site"}))
    features.append(point_feature(summary["reach_lat_deg"], summary["reach_lon_deg"], {"name": "chosen point", "radius_km": summary["reach_radius_km"]}))
    return feature_collection(features)


def run(scenario):
    """Fly every opportunity; returns a :class:`orbital.result.Result` (module docstring)."""
    from astropy.time import Time

    from orbital.earth.frames import teme_to_gcrs_states

    epoch, t_s, states_teme, data = fly(scenario)
    summary = summarise(scenario, epoch, data)
    rows = _csv_rows(epoch, data)
    extra = {"opportunities.csv": csv_text(CSV_COLUMNS, rows), "opportunities.geojson": _geojson(rows, summary)}
    table = Table(COLUMNS, UNITS, data, "wgs84", "one undocking opportunity per row: its burn, where and when it lands, its peak load", "t_undock")
    events = [
        Event(0.0, "first_undocking", "first undocking opportunity"),
        Event(summary["best_undock_s"], "best_opportunity",
              f"closest to the nominal site: lands {summary['best_distance_km']:.0f} km from it, on {summary['best_landed_on']}"),
        Event(float(data[-1, 0]), "last_undocking", "last undocking opportunity"),
    ]
    if summary["next_in_reach_undock_s"] is not None:
        events.append(Event(summary["next_in_reach_undock_s"], "next_in_reach",
                            f"first opportunity landing within {summary['reach_radius_km']:g} km of the chosen point: "
                            f"{summary['next_in_reach_distance_km']:.0f} km from it"))
    events.sort(key=lambda e: e.time_s)
    ring = ellipse_ring(summary["reach_lat_deg"], summary["reach_lon_deg"], 2 * summary["reach_radius_km"], 2 * summary["reach_radius_km"], 0.0)
    scene = {
        "target_wgs84": {"lat_deg": summary["site_lat_deg"], "lon_deg": summary["site_lon_deg"]},
        "reach_wgs84": {"lat_deg": ring[0].tolist(), "lon_deg": ring[1].tolist(), "radius_km": summary["reach_radius_km"]},
    }
    station = Trajectory("gcrs", ("x", "y", "z", "vx", "vy", "vz"), ("m",) * 3 + ("m/s",) * 3, teme_to_gcrs_states(Time(epoch, scale="utc"), states_teme))
    return Result(scenario.name, scenario.kind, epoch, t_s, {"station": station}, events, summary, extra, scene, tables={"opportunities": table})


def _one(what):
    """Summary keys of one chosen opportunity (``what``: which one, in words)."""
    return {
        "undock_s": SummaryKey("s", f"undocking of {what}, after the first opportunity"),
        "undock_utc": SummaryKey("", f"undocking of {what}, UTC"),
        "lat_deg": SummaryKey("deg", f"geodetic latitude where {what} lands"),
        "lon_deg": SummaryKey("deg", f"longitude where {what} lands"),
        "landed_on": SummaryKey("", f"land or water where {what} lands"),
        "peak_g": SummaryKey("g", f"largest sensed load of {what}"),
    }


def _keys(prefix, what, distance_meaning):
    keys = {f"{prefix}_{k}": v for k, v in _one(what).items()}
    keys[f"{prefix}_distance_km"] = SummaryKey("km", distance_meaning)
    order = ("undock_s", "undock_utc", "lat_deg", "lon_deg", "distance_km", "landed_on", "peak_g")
    return {f"{prefix}_{k}": keys[f"{prefix}_{k}"] for k in order}


#: What :func:`summarise` puts in the summary: statistics over the opportunities that landed.
#: Places geodetic (WGS84), ground distances great circles on the mean sphere.
SUMMARY_KEYS = {
    "n_opportunities": SummaryKey("1", "undocking opportunities flown: every step over the window"),
    "n_not_landed": SummaryKey("1", "opportunities whose descent had not landed when the run gave up (4 h after the burn)"),
    "guidance": SummaryKey("", "ballistic (spinning) or lifting (each opportunity's planned descent)"),
    "first_undock_utc": SummaryKey("", "the first opportunity (the station's epoch), UTC"),
    "last_undock_utc": SummaryKey("", "the last opportunity, UTC"),
    "share_on_land": SummaryKey("1", "share of the landed opportunities that land on land (GSHHG coastlines; lakes are water)"),
    "site_lat_deg": SummaryKey("deg", "geodetic latitude of the nominal landing site"),
    "site_lon_deg": SummaryKey("deg", "longitude of the nominal landing site"),
    **_keys("best", "the best opportunity (landing closest to the nominal site)", "great-circle distance from the nominal site"),
    **_keys("worst", "the worst opportunity (landing farthest from the nominal site)", "great-circle distance from the nominal site"),
    "reach_lat_deg": SummaryKey("deg", "geodetic latitude of the chosen point"),
    "reach_lon_deg": SummaryKey("deg", "longitude of the chosen point"),
    "reach_radius_km": SummaryKey("km", "the radius around the chosen point"),
    "n_in_reach": SummaryKey("1", "opportunities landing within that radius of the chosen point"),
    **_keys("next_in_reach", "the first opportunity landing within the radius of the chosen point (null if none)",
            "great-circle distance from the chosen point (null if none)"),
    "lowest_peak_g": SummaryKey("g", "smallest of the opportunities' largest sensed loads"),
    "highest_peak_g": SummaryKey("g", "largest of the opportunities' largest sensed loads"),
    "opportunity_files": SummaryKey("", "the per-opportunity files written: CSV and GeoJSON"),
}

KIND = KindSpec(
    name="deorbit_opportunities",
    scenario=Scenario,
    run=run,
    title="where a Soyuz let fall lands, for every undocking time over a window",
    summary=SUMMARY_KEYS,
    display=DisplayHints(
        roles={"opportunities": "opportunities", "station": "orbit"}, span_name="over the undocking window", still_at_end=True,
        plots=(
            MapPlot("landings", "Where each undocking lands", points=("opportunities",), split_by="on_land", markers=("target_wgs84", "reach_wgs84")),
            SeriesPlot("site_distance", "Landing's distance from the nominal site", "km", (Curve("opportunities", ("site_distance",)),),
                       events=("best_opportunity",), dots=True),
            SeriesPlot("peak_g", "Peak sensed load", "g", (Curve("opportunities", ("peak_g",)),), dots=True),
        ),
    ),
    first_run_note=soyuz.first_run_note,
)
