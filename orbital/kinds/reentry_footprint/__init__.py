"""``kind: reentry_footprint``: N dispersed Soyuz descents, integrated together.

Every field of ``kind: reentry`` describes the nominal descent; ``dispersions``
gives one-sigma Gaussian scatter of the burn (delta-v, pitch, yaw, start time)
and of the vehicle and air (density scale and drag coefficient: relative,
log-normal; L/D and mass: absolute). Samples are drawn from ``numpy.random.
default_rng(seed)`` in a fixed order, so a seed gives the same footprint bit for
bit. The pre-burn coast is the same for every sample and is integrated once.

The guidance of every sample tracks the one plan (the undispersed descent; see
:mod:`orbital.kinds.reentry`), as the real module's does.

Statistics: the mean landing point (mean of unit vectors); the dispersion
ellipse from the covariance of east/north offsets (km, local tangent plane at the
mean) at probability ``ellipse_probability`` for a 2-D Gaussian (scale
sqrt(-2 ln(1 - P))); ``ellipse_major_km`` / ``ellipse_minor_km`` are *full* axis
lengths. Under lifting guidance the cross-track spread has two humps (one per
side of the last bank), so the ellipse is a Gaussian fit, not a contour. ``p_water``: share of landings on water (sea or lake, GSHHG; see
:mod:`orbital.earth.landmask`).

``Result.scene``: ``ellipse_wgs84`` (the ellipse as a closed ring: ``lat_deg``,
``lon_deg`` lists, and its ``probability``) and ``target_wgs84`` (``lat_deg``,
``lon_deg`` of the planned landing point).

Run directory extras: ``landings.csv`` (one row per sample), ``landings.geojson``
(a FeatureCollection of points, with the mean and the ellipse as a polygon) for
any web map, and ``landings.kml`` (written by hand: a simple XML document,
Google Earth opens it).
"""

import io
import json
import math
from typing import Literal

import numpy as np
from pydantic import Field

from orbital.earth.constants import R_EARTH_MEAN_M
from orbital.earth.geodesy import ellipse_ring
from orbital.models import soyuz
from orbital.progress import Stage
from orbital.kind_contract import DisplayHints, KindSpec, SummaryKey
from orbital.result import Event, Result, Table
from orbital.schema import Quantity, StrictModel, initial_state


class DispersionSpec(StrictModel):
    """One-sigma dispersions."""

    delta_v: Quantity("m/s", "m/s", ge=0.0, le=100.0) = 0.1
    pitch: Quantity("rad", "deg", ge=0.0, le=0.5) = math.radians(0.1)
    yaw: Quantity("rad", "deg", ge=0.0, le=0.5) = math.radians(0.1)
    timing: Quantity("s", "s", ge=0.0, le=600.0) = Field(default=1.0, description="burn start time (bare number: s)")
    density_scale: float = Field(default=0.05, ge=0.0, le=1.0, description="relative (log-normal)")
    drag_coefficient: float = Field(default=0.03, ge=0.0, le=1.0, description="relative (log-normal)")
    lift_to_drag: float = Field(default=0.01, ge=0.0, le=0.3, description="absolute")
    mass: Quantity("kg", "kg", ge=0.0, le=500.0) = 20.0


class Scenario(soyuz.SoyuzScenario):
    """N dispersed descents; summary statistics of the landing points."""

    kind: Literal["reentry_footprint"] = "reentry_footprint"
    n_samples: int = Field(default=1000, ge=2, le=1_000_000)
    dispersions: DispersionSpec = Field(default_factory=DispersionSpec)
    ellipse_probability: float = Field(default=0.95, gt=0.0, lt=1.0, description="probability inside the landing ellipse")
    progress: bool = Field(default=True, description="report progress to the caller (the command line shows it on a terminal)")


def draw_params(scn, rng=None):
    """Per-sample :class:`~orbital.dynamics.entry_dynamics.SampleParams` of the dispersed descents."""
    n, d = scn.n_samples, scn.dispersions
    rng = np.random.default_rng(scn.seed) if rng is None else rng
    z = rng.standard_normal((8, n))  # fixed order: dv, pitch, yaw, timing, density, cd, L/D, mass
    b, m = scn.burn, scn.module
    return soyuz.nominal_params(
        scn,
        n,
        burn_dv_m_s=b.delta_v + d.delta_v * z[0],
        burn_pitch_rad=b.pitch + d.pitch * z[1],
        burn_yaw_rad=b.yaw + d.yaw * z[2],
        burn_start_s=np.maximum(b.start + d.timing * z[3], 0.0),  # no burn before undocking (the epoch)
        density_scale=scn.density_scale * np.exp(d.density_scale * z[4]),
        cd_hypersonic=m.drag_coefficient * np.exp(d.drag_coefficient * z[5]),
        cd_subsonic=m.subsonic_drag_coefficient * np.exp(d.drag_coefficient * z[5]),
        lift_to_drag=np.clip(m.lift_to_drag + d.lift_to_drag * z[6], 0.0, None),
        module_mass_kg=np.maximum(m.mass + d.mass * z[7], 1.0),
    )


def coast(Y0, t0, t1, params, seq, step_s=20.0):
    """RK4 on orbit (phase COAST0) of state(s) (N, 6) from t0 to t1, ending exactly at t1."""
    from orbital.dynamics.entry_dynamics import COAST0, derivatives
    from orbital.models.guidance import Guidance

    Y = np.asarray(Y0, dtype=float).T.copy()
    n = Y.shape[1]
    phase, guidance = np.full(n, COAST0), Guidance()
    t = float(t0)
    while t < t1 - 1e-9:
        dt = min(step_s, t1 - t)
        tt = np.full(n, t)
        f = lambda tau, y: derivatives(np.full(n, tau), y, phase, tt, params, seq, guidance)
        k1 = f(t, Y)
        k2 = f(t + dt / 2, Y + dt / 2 * k1)
        k3 = f(t + dt / 2, Y + dt / 2 * k2)
        k4 = f(t + dt, Y + dt * k3)
        Y = Y + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        t += dt
    return Y.T


def simulate(scn, progress=None):
    """Integrate the dispersed descents; returns ``(epoch, planned_outcome, outcome, params)``.

    Progress goes to :func:`orbital.progress.report` (unless ``scn.progress`` is false, or
    ``progress`` says otherwise): the plan up to 2 %, the dispersed descents the rest.
    """
    from orbital.propagation.batch_integrator import integrate_in_threads

    enabled = scn.progress if progress is None else progress
    epoch, r0, v0 = initial_state(scn.station)
    Y0 = np.concatenate([r0, v0])
    planned, guidance = soyuz.plan(scn, Y0, progress_span=(0.0, 0.02) if enabled else None)
    params = draw_params(scn)
    seq = soyuz.sequence(scn)
    t_c = max(0.0, float(np.min(params.burn_start_s)))
    Yc = coast(Y0[None, :], 0.0, t_c, soyuz.nominal_params(scn), seq)
    Ys = np.repeat(Yc, scn.n_samples, axis=0)
    report = Stage(f"{scn.n_samples} descents", 0.0, 1.0, 0.02, 1.0) if enabled else None
    outcome = integrate_in_threads(Ys, t_c, params, seq, guidance, progress=report, t_end_s=float(planned.t_touchdown[0]))
    return epoch, planned, outcome, params


def local_offsets_km(lat, lon, lat0, lon0):
    """East and north offsets (km) of points from (lat0, lon0) in the tangent plane."""

    la, lo, la0, lo0 = map(np.radians, (lat, lon, lat0, lon0))
    u = np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=-1)
    east = np.array([-np.sin(lo0), np.cos(lo0), 0.0])
    north = np.array([-np.sin(la0) * np.cos(lo0), -np.sin(la0) * np.sin(lo0), np.cos(la0)])
    return R_EARTH_MEAN_M / 1e3 * (u @ east), R_EARTH_MEAN_M / 1e3 * (u @ north)


def mean_point(lat, lon):
    la, lo = np.radians(lat), np.radians(lon)
    m = np.array([np.mean(np.cos(la) * np.cos(lo)), np.mean(np.cos(la) * np.sin(lo)), np.mean(np.sin(la))])
    return math.degrees(math.atan2(m[2], math.hypot(m[0], m[1]))), math.degrees(math.atan2(m[1], m[0]))


def ellipse(lat, lon, probability):
    """Mean point and ellipse: ``(lat0, lon0, major_km, minor_km, azimuth_deg of the major axis from north)``."""
    lat0, lon0 = mean_point(lat, lon)
    e, n = local_offsets_km(lat, lon, lat0, lon0)
    cov = np.cov(np.vstack([e, n]))
    values, vectors = np.linalg.eigh(cov)
    k = math.sqrt(-2.0 * math.log(1.0 - probability))
    major, minor = 2 * k * math.sqrt(max(values[1], 0.0)), 2 * k * math.sqrt(max(values[0], 0.0))
    azimuth = math.degrees(math.atan2(vectors[0, 1], vectors[1, 1])) % 180.0
    return lat0, lon0, major, minor, azimuth


COLUMNS = ("sample", "lat_deg", "lon_deg", "landed_on", "peak_g", "peak_heat_flux_kw_m2", "touchdown_speed_m_s", "time_burn_to_touchdown_s",
           "burn_dv_m_s", "burn_start_s", "density_scale", "cd_hypersonic", "lift_to_drag", "module_mass_kg")


def _surface(landed, on_land):
    """``landed_on`` of a row: land, water, or not_landed (still flying when the run gave up)."""
    return "not_landed" if not landed else ("land" if on_land else "water")


def _rows(lat, lon, land, out, params):
    """One row per sample; a sample that never landed has no place, no peak and no touchdown (None)."""
    def place(value, i):
        return value if out.landed[i] else None

    return [
        (i, place(lat[i], i), place(lon[i], i), _surface(out.landed[i], land[i]), place(out.peak_g[i], i), place(out.peak_heat[i] / 1e3, i),
         place(out.v_touchdown[i], i), place(out.t_touchdown[i] - params.burn_start_s[i], i), params.burn_dv_m_s[i], params.burn_start_s[i],
         params.density_scale[i], params.cd_hypersonic[i], params.lift_to_drag[i], params.module_mass_kg[i])
        for i in range(lat.size)
    ]


def to_csv(rows):
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([f"{v:.6f}" if isinstance(v, (float, np.floating)) else ("" if v is None else v) for v in row])
    return buffer.getvalue()


def to_geojson(rows, summary, ring):
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(float(r[2]), 6), round(float(r[1]), 6)]},
            "properties": {k: (round(float(v), 4) if isinstance(v, (float, np.floating)) else (int(v) if isinstance(v, (int, np.integer)) else v)) for k, v in zip(COLUMNS, r) if k not in ("lat_deg", "lon_deg")},
        }
        for r in rows
        if r[1] is not None
    ]
    if summary["landing_mean_lat_deg"] is not None:
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [summary["landing_mean_lon_deg"], summary["landing_mean_lat_deg"]]},
            "properties": {"name": "mean landing point"},
        })
    if ring is not None:
        features.append({
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [[[float(lo), float(la)] for la, lo in zip(*ring)]]},
            "properties": {"name": f"{summary['ellipse_probability']:.0%} landing ellipse", "major_km": summary["ellipse_major_km"], "minor_km": summary["ellipse_minor_km"]},
        })
    return json.dumps({"type": "FeatureCollection", "features": features}) + "\n"


def to_kml(rows, name, ring):
    from xml.sax.saxutils import escape

    parts = ['<?xml version="1.0" encoding="UTF-8"?>', '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>', f"<name>{escape(name)}</name>"]
    for r in rows:
        if r[1] is not None:
            parts.append(f"<Placemark><name>{r[0]}</name><description>{r[3]}, {r[4]:.2f} g</description><Point><coordinates>{r[2]:.6f},{r[1]:.6f},0</coordinates></Point></Placemark>")
    if ring is not None:
        coords = " ".join(f"{lo:.6f},{la:.6f},0" for la, lo in zip(*ring))
        parts.append(f"<Placemark><name>landing ellipse</name><Polygon><outerBoundaryIs><LinearRing><coordinates>{coords}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>")
    parts.append("</Document></kml>")
    return "\n".join(parts) + "\n"


#: Fewest landings a dispersion ellipse is fitted to (a covariance needs a spread).
MIN_LANDINGS_FOR_ELLIPSE = 3


def summarise(scn, lat, lon, land, out, planned_lat_lon, params):
    """The footprint's summary; statistics over the samples that landed (``n_landed``), the
    others counted in ``n_not_landed``; the ellipse only from MIN_LANDINGS_FOR_ELLIPSE landings."""
    ok = out.landed
    n_landed = int(np.count_nonzero(ok))
    stats = dict.fromkeys(("landing_mean_lat_deg", "landing_mean_lon_deg", "ellipse_major_km", "ellipse_minor_km",
                           "ellipse_major_azimuth_deg", "p_water", "peak_g_p50", "peak_g_p99", "mean_miss_km"))
    if n_landed:
        stats["landing_mean_lat_deg"], stats["landing_mean_lon_deg"] = mean_point(lat[ok], lon[ok])
        stats["p_water"] = float(np.mean(~land[ok]))
        stats["peak_g_p50"], stats["peak_g_p99"] = (float(np.percentile(out.peak_g[ok], q)) for q in (50, 99))
        stats["mean_miss_km"] = float(soyuz.ground_distance_km(*planned_lat_lon, stats["landing_mean_lat_deg"], stats["landing_mean_lon_deg"]))
    if n_landed >= MIN_LANDINGS_FOR_ELLIPSE:
        _, _, *axes = ellipse(lat[ok], lon[ok], scn.ellipse_probability)
        stats["ellipse_major_km"], stats["ellipse_minor_km"], stats["ellipse_major_azimuth_deg"] = axes
    outside = soyuz.canopies_outside_envelope(out, params.density_scale)
    return {
        "n_samples": int(scn.n_samples),
        "n_landed": n_landed,
        "n_not_landed": int(scn.n_samples - n_landed),
        "n_impacts": int(np.count_nonzero(ok & soyuz.is_impact(np.nan_to_num(out.v_touchdown)))),
        "n_canopies_outside_envelope": int(np.count_nonzero(ok & (outside["drogue"] | outside["main"]))),
        "guidance": scn.guidance.mode,
        "landing_mean_lat_deg": stats["landing_mean_lat_deg"],
        "landing_mean_lon_deg": stats["landing_mean_lon_deg"],
        "ellipse_probability": scn.ellipse_probability,
        "ellipse_major_km": stats["ellipse_major_km"],
        "ellipse_minor_km": stats["ellipse_minor_km"],
        "ellipse_major_azimuth_deg": stats["ellipse_major_azimuth_deg"],
        "p_water": stats["p_water"],
        "peak_g_p50": stats["peak_g_p50"],
        "peak_g_p99": stats["peak_g_p99"],
        "target_lat_deg": planned_lat_lon[0],
        "target_lon_deg": planned_lat_lon[1],
        "mean_miss_km": stats["mean_miss_km"],
    }



#: The landings table (``Result.tables["landings"]``, frame wgs84): one row per sample that landed.
LANDINGS_COLUMNS = ("lat", "lon", "on_land", "peak_g", "peak_heat_flux", "touchdown_speed", "sample", "t_touchdown")
LANDINGS_UNITS = ("deg", "deg", "bool", "g", "W/m2", "m/s", "index", "s")


def run(scenario):
    """Fly the dispersed descents; returns a :class:`orbital.result.Result` with no time series (its
    ``time_s`` is empty, shape (0,), and it has no trajectories): the landings are a table
    (:data:`LANDINGS_COLUMNS`, touchdown times in ``t_touchdown``, s since the epoch)."""
    from orbital.earth.landmask import is_land

    epoch, planned, out, params = simulate(scenario)
    ok = out.landed
    lat = np.full(scenario.n_samples, np.nan)
    lon = np.full(scenario.n_samples, np.nan)
    if np.any(ok):
        la, lo, _ = soyuz.teme_to_geodetic(epoch, out.t_touchdown[ok], out.r_touchdown[ok])
        lat[ok], lon[ok] = la, lo
    land = np.zeros(scenario.n_samples, dtype=bool)
    land[ok] = is_land(lat[ok], lon[ok])
    plat, plon, _ = soyuz.teme_to_geodetic(epoch, planned.t_touchdown, planned.r_touchdown)
    summary = summarise(scenario, lat, lon, land, out, (float(plat[0]), float(plon[0])), params)
    rows = _rows(lat, lon, land, out, params)
    keys = ("landing_mean_lat_deg", "landing_mean_lon_deg", "ellipse_major_km", "ellipse_minor_km", "ellipse_major_azimuth_deg")
    ring = ellipse_ring(*(summary[k] for k in keys)) if summary["ellipse_major_km"] is not None else None
    extra = {
        "landings.csv": to_csv(rows),
        "landings.geojson": to_geojson(rows, summary, ring),
        "landings.kml": to_kml(rows, scenario.name, ring),
    }
    # one row per sample that landed (its index in "sample"), its touchdown time in "t_touchdown"
    data = np.column_stack([lat, lon, land.astype(float), out.peak_g, out.peak_heat, out.v_touchdown, np.arange(scenario.n_samples), out.t_touchdown])[ok]
    tables = {
        "landings": Table(LANDINGS_COLUMNS, LANDINGS_UNITS, data, "wgs84", "one landed sample per row: where and when it touched down, its peak loads", "t_touchdown"),
    }
    events = [Event(float(np.nanmin(out.events["burn_start"]["t"])), "first_burn", "first deorbit burn starts")]
    if np.any(ok):
        events.append(Event(float(np.max(out.t_touchdown[ok])), "last_touchdown", "last module lands"))
    scene = {"target_wgs84": {"lat_deg": summary["target_lat_deg"], "lon_deg": summary["target_lon_deg"]}}
    if ring is not None:
        scene["ellipse_wgs84"] = {"lat_deg": ring[0].tolist(), "lon_deg": ring[1].tolist(), "probability": scenario.ellipse_probability}
    return Result(scenario.name, scenario.kind, epoch, np.zeros(0), {}, events, summary, extra, scene, tables=tables)


#: What :func:`summarise` puts in the summary: statistics over the samples that landed (null if none
#: did; the ellipse needs three). Places geodetic (WGS84), ground distances on the mean sphere.
SUMMARY_KEYS = {
    "n_samples": SummaryKey("1", "number of dispersed descents flown"),
    "n_landed": SummaryKey("1", "how many of them landed"),
    "n_not_landed": SummaryKey("1", "how many were still flying when the run gave up (4 h after their burn)"),
    "n_impacts": SummaryKey("1", "landings faster than 10 m/s"),
    "n_canopies_outside_envelope": SummaryKey("1", "landings whose drogue or main canopy opened beyond the envelope flown"),
    "guidance": SummaryKey("", "the guidance mode flown: lifting or ballistic"),
    "landing_mean_lat_deg": SummaryKey("deg", "geodetic latitude of the mean landing point (mean of unit vectors)"),
    "landing_mean_lon_deg": SummaryKey("deg", "longitude of the mean landing point"),
    "ellipse_probability": SummaryKey("1", "probability inside the dispersion ellipse (2-D Gaussian fit)"),
    "ellipse_major_km": SummaryKey("km", "full major axis of the dispersion ellipse (east/north offsets in the plane tangent at the mean)"),
    "ellipse_minor_km": SummaryKey("km", "full minor axis of the dispersion ellipse"),
    "ellipse_major_azimuth_deg": SummaryKey("deg", "azimuth of the major axis from north, 0 to 180"),
    "p_water": SummaryKey("1", "share of the landings on water (GSHHG coastlines; lakes are water)"),
    "peak_g_p50": SummaryKey("g", "median of the samples' largest sensed loads"),
    "peak_g_p99": SummaryKey("g", "99th percentile of the samples' largest sensed loads"),
    "target_lat_deg": SummaryKey("deg", "geodetic latitude of the target: the undispersed planned descent's landing point"),
    "target_lon_deg": SummaryKey("deg", "longitude of the target"),
    "mean_miss_km": SummaryKey("km", "great-circle distance from the target to the mean landing point"),
}

KIND = KindSpec(
    name="reentry_footprint",
    scenario=Scenario,
    run=run,
    title="dispersed Soyuz descents: the landing footprint",
    summary=SUMMARY_KEYS,
    display=DisplayHints(roles={"landings": "landings"}, play_span="landings", span_name="from the first to the last touchdown", still_at_end=True),
    first_run_note=soyuz.first_run_note,
)
