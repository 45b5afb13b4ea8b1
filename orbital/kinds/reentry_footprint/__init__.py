"""``kind: reentry_footprint``: N dispersed Soyuz descents, flown in chunks on the engine.

Every field of ``kind: reentry`` describes the nominal descent; ``dispersions``
gives one-sigma Gaussian scatter of the burn (delta-v, pitch, yaw, start time)
and of the vehicle and air (density scale and drag coefficient: relative,
log-normal; L/D and mass: absolute). Sample ``i`` draws its eight normals from its own
stream, :func:`orbital.engine.sample_rng` ``(seed, i)``, so a seed gives the same landings bit
for bit however the samples are chunked and wherever they run. The coast before the burn is
the same for every sample and is integrated once (compiled:
:func:`orbital.propagation.batch_integrator.coast`), up to :data:`TIMING_SIGMAS` timing sigmas
before the planned burn (a start drawn earlier, a chance of 1e-15, is moved there).

The samples are cut into chunks, each a task of :func:`orbital.engine.run_chunks` (the
module-level :func:`fly_chunk`) of at most :data:`CHUNK_SAMPLES`: ``scheduler`` says where they
run (``inprocess``, the default: in one thread per CPU of this process, the compiled kernels
releasing the GIL; ``local``: a 2-worker LocalCluster; ``tcp://HOST:PORT``: a running Dask
scheduler). Progress is reported per chunk; Ctrl-C stops within a step of the integrator
in-process, and the engine cancels a cluster's tasks.

The guidance of every sample tracks the one plan (the undispersed descent; see
:mod:`orbital.kinds.reentry`), as the real module's does.

Statistics stream: each chunk gives its counts and the mean and the summed squared deviations
(3 x 3) of its landing points' unit vectors, merged chunk by chunk (Chan, Golub and LeVeque's
parallel update), so memory does not grow with them. The mean landing point is the mean of unit
vectors; the dispersion ellipse comes from the covariance of east/north offsets (km, local tangent
plane at the mean: the unit vectors' covariance projected on it) at probability
``ellipse_probability`` for a 2-D Gaussian (scale sqrt(-2 ln(1 - P))); ``ellipse_major_km`` /
``ellipse_minor_km`` are *full* axis lengths. Under lifting guidance the cross-track spread has two
humps (one per side of the last bank), so the ellipse is a Gaussian fit, not a contour.
``p_water``: share of landings on water (sea or lake, GSHHG; see :mod:`orbital.earth.landmask`).
The peak-g percentiles are exact: the landings table keeps every sample's peak.

``Result.tables``: ``landings`` (one row per sample that landed) and ``samples`` (one row per
sample: its drawn inputs in SI, for sensitivity studies), float64, 136 bytes a sample together.

``Result.scene``: ``ellipse_wgs84`` (the ellipse as a closed ring: ``lat_deg``,
``lon_deg`` lists, and its ``probability``) and ``target_wgs84`` (``lat_deg``,
``lon_deg`` of the planned landing point).

Run directory extras, up to :data:`TEXT_FILES_MAX_SAMPLES` samples: ``landings.csv`` (one row per
sample), ``landings.geojson`` (a FeatureCollection of points, with the mean and the ellipse as a
polygon) for any web map, and ``landings.kml`` (written by hand: a simple XML document, Google
Earth opens it). Over :data:`PARQUET_FROM_SAMPLES` samples: ``landings.parquet`` and
``samples.parquet``, the two tables with their units in the column names. The summary's
``landing_files`` names the files written.
"""

import io
import json
import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from pydantic import Field, field_validator

from orbital.analysis.sensitivity import add_to_result
from orbital.earth.constants import R_EARTH_MEAN_M
from orbital.earth.geodesy import direction_lat_lon_deg, ellipse_ring, tangent_basis, unit_vectors
from orbital.engine import AUTO, INPROCESS, LOCAL, LOCAL_WORKERS, SCHEDULER_EXPECTED, check_scheduler, chunk_ranges, run_chunks, sample_rng, stop_event, threads_available
from orbital.errors import SchedulerError
from orbital.models import soyuz
from orbital.models.landing_files import csv_columns_text, decimal_cells, feature_collection_text, integer_cells, point_features_text, rows_text, word_cells
from orbital.progress import reporting, within
from orbital.kind_contract import DisplayHints, KindSpec, MapPlot, SensitivityPlot, SummaryKey
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
    n_samples: int = Field(default=1000, ge=2, le=1_000_000, description="descents flown (a million: 1 GB of memory, measured)")
    dispersions: DispersionSpec = Field(default_factory=DispersionSpec)
    ellipse_probability: float = Field(default=0.95, gt=0.0, lt=1.0, description="probability inside the landing ellipse")
    progress: bool = Field(default=True, description="report progress to the caller (the command line shows it on a terminal)")
    scheduler: str = Field(default=INPROCESS, description="where the descents run: inprocess, local (a 2-worker LocalCluster) or tcp://HOST:PORT (a running dask scheduler)")

    @field_validator("scheduler", mode="before")
    @classmethod
    def _known_scheduler(cls, value):
        try:
            return check_scheduler(value, "scheduler")
        except SchedulerError:
            raise ValueError(f"not a scheduler; {SCHEDULER_EXPECTED}") from None


#: The shared coast ends this many timing sigmas before the planned burn.
TIMING_SIGMAS = 8.0


def coast_end_s(scn):
    """When the coast every sample shares ends (s since the epoch): :data:`TIMING_SIGMAS` timing
    sigmas before the planned burn, not before undocking (the epoch)."""
    return max(0.0, scn.burn.start - TIMING_SIGMAS * scn.dispersions.timing)


@dataclass
class SharedStart:
    """What every dispersed descent of a footprint starts from: the plan (its ``planned`` outcome and
    the ``guidance`` it sets) and the stack's ``state`` (6,) at ``t_s`` (s since the ``epoch``), the
    end of the coast they share (:func:`coast_end_s`)."""

    epoch: Any
    planned: Any
    guidance: Any
    t_s: float
    state: np.ndarray


def shared_start(scn, progress_span=None) -> SharedStart:
    """Plan the descent (its progress into ``progress_span`` of the run's, as :func:`soyuz.plan`) and
    fly the coast every sample shares, once, compiled (:func:`orbital.propagation.batch_integrator.coast`)."""
    from orbital.propagation.batch_integrator import coast

    epoch, r0, v0 = initial_state(scn.station)
    Y0 = np.concatenate([r0, v0])
    planned, guidance = soyuz.plan(scn, Y0, progress_span=progress_span)
    t_s = coast_end_s(scn)
    state = coast(Y0[None, :], 0.0, t_s, soyuz.nominal_params(scn), soyuz.sequence(scn))[0]
    return SharedStart(epoch, planned, guidance, t_s, state)


def draw_params(scn, samples):
    """:class:`~orbital.dynamics.entry_dynamics.SampleParams` of the dispersed descents numbered
    ``samples`` (indices): each draws eight standard normals from its own stream, in a fixed order."""
    n, d = len(samples), scn.dispersions
    z = np.empty((8, n))  # dv, pitch, yaw, timing, density, cd, L/D, mass
    for k, index in enumerate(samples):
        z[:, k] = sample_rng(scn.seed, index).standard_normal(8)
    b, m = scn.burn, scn.module
    return soyuz.nominal_params(
        scn,
        n,
        burn_dv_m_s=b.delta_v + d.delta_v * z[0],
        burn_pitch_rad=b.pitch + d.pitch * z[1],
        burn_yaw_rad=b.yaw + d.yaw * z[2],
        burn_start_s=np.maximum(b.start + d.timing * z[3], coast_end_s(scn)),  # never before the shared coast ends
        density_scale=scn.density_scale * np.exp(d.density_scale * z[4]),
        cd_hypersonic=m.drag_coefficient * np.exp(d.drag_coefficient * z[5]),
        cd_subsonic=m.subsonic_drag_coefficient * np.exp(d.drag_coefficient * z[5]),
        lift_to_drag=np.clip(m.lift_to_drag + d.lift_to_drag * z[6], 0.0, None),
        module_mass_kg=np.maximum(m.mass + d.mass * z[7], 1.0),
    )


@dataclass
class LandingStats:
    """Statistics of the landings, merged chunk by chunk with ``+``: counts, the mean of the landing
    points' unit vectors and the sum of their squared deviations from it (3 x 3), the first burn
    and the last touchdown (s since the epoch)."""

    n_landed: int = 0
    n_water: int = 0
    n_impacts: int = 0
    n_outside_envelope: int = 0
    mean_unit: np.ndarray = field(default_factory=lambda: np.zeros(3))
    m2_unit: np.ndarray = field(default_factory=lambda: np.zeros((3, 3)))
    first_burn_s: float = math.inf
    last_touchdown_s: float = -math.inf

    @classmethod
    def of(cls, lat, lon, water, impacts, outside, first_burn_s, touchdowns_s):
        """The statistics of one chunk's landings (arrays over the samples that landed)."""
        u = unit_vectors(lat, lon)
        mean = u.mean(axis=0) if len(u) else np.zeros(3)
        d = u - mean
        return cls(len(u), int(np.count_nonzero(water)), int(np.count_nonzero(impacts)), int(np.count_nonzero(outside)),
                   mean, d.T @ d, float(first_burn_s), float(np.max(touchdowns_s, initial=-math.inf)))

    def __add__(self, other: "LandingStats") -> "LandingStats":
        n = self.n_landed + other.n_landed
        delta = other.mean_unit - self.mean_unit
        share = other.n_landed / n if n else 0.0
        return LandingStats(
            n, self.n_water + other.n_water, self.n_impacts + other.n_impacts, self.n_outside_envelope + other.n_outside_envelope,
            self.mean_unit + delta * share, self.m2_unit + other.m2_unit + np.outer(delta, delta) * (self.n_landed * share),
            min(self.first_burn_s, other.first_burn_s), max(self.last_touchdown_s, other.last_touchdown_s),
        )

    def mean_point(self):
        """``(lat_deg, lon_deg)`` of the mean landing point (the mean unit vector's direction)."""
        return direction_lat_lon_deg(self.mean_unit)

    def offsets_covariance_km2(self):
        """Covariance (2 x 2, km^2) of the east/north offsets in the plane tangent at the mean point."""
        east, north = tangent_basis(*self.mean_point())
        basis = np.stack([east, north], axis=1)
        return (R_EARTH_MEAN_M / 1e3) ** 2 * basis.T @ (self.m2_unit / (self.n_landed - 1)) @ basis


def ellipse_axes(cov_km2, probability):
    """``(major_km, minor_km, azimuth_deg of the major axis from north)`` of the ellipse holding
    ``probability`` of a 2-D Gaussian with the east/north covariance ``cov_km2``."""
    values, vectors = np.linalg.eigh(cov_km2)
    k = math.sqrt(-2.0 * math.log(1.0 - probability))
    major, minor = 2 * k * math.sqrt(max(values[1], 0.0)), 2 * k * math.sqrt(max(values[0], 0.0))
    azimuth = math.degrees(math.atan2(vectors[0, 1], vectors[1, 1])) % 180.0
    return major, minor, azimuth


#: Most samples a chunk flies. A chunk costs some 0.2 s whatever its size (its ~900 steps) plus about
#: 1 ms a sample (measured: 1 sample 0.17 s, 4,000 samples 4.4 s): 2,000 keeps that near 10 %. (Measured
#: before the step law of 2026-12-04: 621 steps a descent now, 0.3 ms a sample.)
CHUNK_SAMPLES = 2000


def chunk_size(n_samples, parallel):
    """Samples per chunk: at most :data:`CHUNK_SAMPLES`, in a multiple of ``parallel`` chunks (the
    threads or workers) of equal size, so that none waits long for the last."""
    rounds = -(-n_samples // (parallel * CHUNK_SAMPLES))
    return max(1, -(-n_samples // (parallel * rounds)))

#: The landings table (``Result.tables["landings"]``, frame wgs84): one row per sample that landed.
LANDINGS_COLUMNS = ("lat", "lon", "on_land", "peak_g", "peak_heat_flux", "touchdown_speed", "sample", "t_touchdown")
LANDINGS_UNITS = ("deg", "deg", "bool", "g", "W/m2", "m/s", "index", "s")
#: The samples table (``Result.tables["samples"]``): one row per sample, its drawn inputs (SI).
#: The subsonic drag coefficient scales with the hypersonic one (one draw).
SAMPLES_COLUMNS = ("sample", "burn_dv", "burn_pitch", "burn_yaw", "burn_start", "density_scale", "cd_hypersonic", "lift_to_drag", "module_mass")
SAMPLES_UNITS = ("index", "m/s", "rad", "rad", "s", "1", "1", "1", "kg")


@dataclass(frozen=True)
class Descents:
    """What every chunk of the dispersed descents shares; picklable (a cluster's workers get it)."""

    scenario: Any
    epoch: str
    state: np.ndarray  # (6,) TEME of the epoch at t_start_s, the end of the shared coast
    t_start_s: float
    guidance: Any


@dataclass
class Chunk:
    """What one chunk gives back: its rows of the landings and samples tables and its statistics."""

    landings: np.ndarray
    samples: np.ndarray
    stats: LandingStats


def fly_chunk(job: "tuple[Descents, range]") -> Chunk:
    """The engine's task: fly the descents numbered ``samples`` of ``job = (descents, samples)``."""
    from orbital.earth.landmask import is_land
    from orbital.propagation.batch_integrator import integrate

    descents, samples = job
    scn = descents.scenario
    n = len(samples)
    params = draw_params(scn, samples)
    Ys = np.repeat(descents.state[None, :], n, axis=0)
    out = integrate(Ys, descents.t_start_s, params, soyuz.sequence(scn), descents.guidance, cancel=stop_event())
    ok = out.landed
    lat, lon, land = np.full(n, np.nan), np.full(n, np.nan), np.zeros(n, dtype=bool)
    if np.any(ok):
        la, lo, _ = soyuz.teme_to_geodetic(descents.epoch, out.t_touchdown[ok], out.r_touchdown[ok], each_alone=True)
        lat[ok], lon[ok], land[ok] = la, lo, is_land(la, lo)
    index = np.arange(samples.start, samples.stop, dtype=float)
    landings = np.column_stack([lat, lon, land, out.peak_g, out.peak_heat, out.v_touchdown, index, out.t_touchdown])[ok]
    drawn = np.column_stack([index, params.burn_dv_m_s, params.burn_pitch_rad, params.burn_yaw_rad, params.burn_start_s,
                             params.density_scale, params.cd_hypersonic, params.lift_to_drag, params.module_mass_kg])
    outside = soyuz.canopies_outside_envelope(out, params.density_scale)
    stats = LandingStats.of(lat[ok], lon[ok], ~land[ok], soyuz.is_impact(out.v_touchdown[ok]), (outside["drogue"] | outside["main"])[ok],
                            np.nanmin(out.events["burn_start"]["t"]), out.t_touchdown[ok])
    return Chunk(landings, drawn, stats)


def simulate(scn):
    """Fly the dispersed descents; returns ``(epoch, planned_outcome, landings, samples, stats)``:
    the two tables' data (:data:`LANDINGS_COLUMNS`, :data:`SAMPLES_COLUMNS`) and the merged
    :class:`LandingStats`.

    Progress goes to :func:`orbital.progress.report` (unless ``scn.progress`` is false): the plan
    up to 2 %, then each chunk of descents.
    """
    with within(0.0, 1.0) if scn.progress else reporting(None):
        start = shared_start(scn, progress_span=(0.0, 0.02))
        epoch, planned, guidance, t_start, Yc = start.epoch, start.planned, start.guidance, start.t_s, start.state
        # here the chunks run in a thread per core (the kernels release the GIL): "auto" stays here
        threads = threads_available() if scn.scheduler in (INPROCESS, AUTO) else 1
        parallel = {INPROCESS: threads, AUTO: threads, LOCAL: LOCAL_WORKERS}.get(scn.scheduler, 1)
        descents = Descents(scn, epoch, Yc, t_start, guidance)
        jobs = [(descents, samples) for samples in chunk_ranges(scn.n_samples, chunk_size(scn.n_samples, parallel))]
        landings = np.empty((scn.n_samples, len(LANDINGS_COLUMNS)))
        drawn = np.empty((scn.n_samples, len(SAMPLES_COLUMNS)))
        stats, n_rows = LandingStats(), 0
        with within(0.02, 1.0):
            for (_, samples), chunk in zip(jobs, run_chunks(fly_chunk, jobs, scn.scheduler, what="chunks of descents", option="scheduler", threads=threads)):
                landings[n_rows:n_rows + len(chunk.landings)] = chunk.landings
                drawn[samples.start:samples.stop] = chunk.samples
                stats, n_rows = stats + chunk.stats, n_rows + len(chunk.landings)
    return epoch, planned, landings if n_rows == len(landings) else landings[:n_rows].copy(), drawn, stats


COLUMNS = ("sample", "lat_deg", "lon_deg", "landed_on", "peak_g", "peak_heat_flux_kw_m2", "touchdown_speed_m_s", "time_burn_to_touchdown_s",
           "burn_dv_m_s", "burn_start_s", "density_scale", "cd_hypersonic", "lift_to_drag", "module_mass_kg", "burn_pitch_rad", "burn_yaw_rad")


def _columns(landings, samples):
    """The per-sample files' columns (:data:`COLUMNS`: arrays, ``landed_on`` of words), one
    value per sample, from the two tables' data, and which samples landed; a sample that never
    landed has no place, no peak and no touchdown (NaN)."""
    L, S = (dict(zip(names, range(len(names)))) for names in (LANDINGS_COLUMNS, SAMPLES_COLUMNS))
    landed = np.zeros(len(samples), dtype=bool)
    at = landings[:, L["sample"]].astype(int)
    landed[at] = True
    per_sample = np.full((len(samples), len(LANDINGS_COLUMNS)), np.nan)
    per_sample[at] = landings
    columns = {
        "sample": np.arange(len(samples)),
        "lat_deg": per_sample[:, L["lat"]],
        "lon_deg": per_sample[:, L["lon"]],
        "landed_on": np.where(landed, np.where(per_sample[:, L["on_land"]] == 1.0, "land", "water"), "not_landed"),
        "peak_g": per_sample[:, L["peak_g"]],
        "peak_heat_flux_kw_m2": per_sample[:, L["peak_heat_flux"]] / 1e3,
        "touchdown_speed_m_s": per_sample[:, L["touchdown_speed"]],
        "time_burn_to_touchdown_s": per_sample[:, L["t_touchdown"]] - samples[:, S["burn_start"]],
    }
    for name, key in (("burn_dv_m_s", "burn_dv"), ("burn_start_s", "burn_start"), ("density_scale", "density_scale"), ("cd_hypersonic", "cd_hypersonic"),
                      ("lift_to_drag", "lift_to_drag"), ("module_mass_kg", "module_mass"), ("burn_pitch_rad", "burn_pitch"), ("burn_yaw_rad", "burn_yaw")):
        columns[name] = samples[:, S[key]]
    return columns, landed


def to_csv(columns):
    """landings.csv: a row per sample, :data:`COLUMNS`, floats to 6 decimals (empty where it did not land)."""
    return csv_columns_text(COLUMNS, [integer_cells(c) if name == "sample" else word_cells(c) if name == "landed_on" else decimal_cells(c)
                                      for name, c in columns.items()])


def to_geojson(columns, landed, summary, ring):
    """landings.geojson: a point per landed sample (its columns as properties), the mean landing point and the ellipse."""
    properties = {name: c[landed] for name, c in columns.items() if name not in ("lat_deg", "lon_deg")}
    features = [point_features_text(columns["lat_deg"][landed], columns["lon_deg"][landed], properties)]
    if summary["landing_mean_lat_deg"] is not None:
        features.append(json.dumps({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [summary["landing_mean_lon_deg"], summary["landing_mean_lat_deg"]]},
            "properties": {"name": "mean landing point"},
        }))
    if ring is not None:
        features.append(json.dumps({
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [[[float(lo), float(la)] for la, lo in zip(*ring)]]},
            "properties": {"name": f"{summary['ellipse_probability']:.0%} landing ellipse", "major_km": summary["ellipse_major_km"], "minor_km": summary["ellipse_minor_km"]},
        }))
    return feature_collection_text(features)


def to_kml(columns, landed, name, ring):
    """landings.kml: a placemark per landed sample (written by hand: a simple XML document) and the ellipse."""
    from xml.sax.saxutils import escape

    parts = ['<?xml version="1.0" encoding="UTF-8"?>', '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>', f"<name>{escape(name)}</name>"]
    where = np.flatnonzero(landed)
    if where.size:
        parts.append(rows_text(["<Placemark><name>", integer_cells(where), "</name><description>", word_cells(columns["landed_on"][where]), ", ",
                                decimal_cells(columns["peak_g"][where], 2), " g</description><Point><coordinates>", decimal_cells(columns["lon_deg"][where]),
                                ",", decimal_cells(columns["lat_deg"][where]), ",0</coordinates></Point></Placemark>"], "\n"))
    if ring is not None:
        coords = " ".join(f"{lo:.6f},{la:.6f},0" for la, lo in zip(*ring))
        parts.append(f"<Placemark><name>landing ellipse</name><Polygon><outerBoundaryIs><LinearRing><coordinates>{coords}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>")
    parts.append("</Document></kml>")
    return "\n".join(parts) + "\n"


#: Fewest landings a dispersion ellipse is fitted to (a covariance needs a spread).
MIN_LANDINGS_FOR_ELLIPSE = 3


def summarise(scn, stats, peak_g, planned_lat_lon, files):
    """The footprint's summary from the merged :class:`LandingStats` and the landings' ``peak_g``;
    statistics over the samples that landed (``n_landed``), the others counted in ``n_not_landed``;
    the ellipse only from MIN_LANDINGS_FOR_ELLIPSE landings. ``files``: the per-sample files written."""
    n_landed = stats.n_landed
    keys = dict.fromkeys(("landing_mean_lat_deg", "landing_mean_lon_deg", "ellipse_major_km", "ellipse_minor_km",
                          "ellipse_major_azimuth_deg", "p_water", "peak_g_p50", "peak_g_p99", "mean_miss_km"))
    if n_landed:
        keys["landing_mean_lat_deg"], keys["landing_mean_lon_deg"] = stats.mean_point()
        keys["p_water"] = stats.n_water / n_landed
        keys["peak_g_p50"], keys["peak_g_p99"] = (float(np.percentile(peak_g, q)) for q in (50, 99))
        keys["mean_miss_km"] = float(soyuz.ground_distance_km(*planned_lat_lon, keys["landing_mean_lat_deg"], keys["landing_mean_lon_deg"]))
    if n_landed >= MIN_LANDINGS_FOR_ELLIPSE:
        axes = ellipse_axes(stats.offsets_covariance_km2(), scn.ellipse_probability)
        keys["ellipse_major_km"], keys["ellipse_minor_km"], keys["ellipse_major_azimuth_deg"] = axes
    return {
        "n_samples": int(scn.n_samples),
        "n_landed": n_landed,
        "n_not_landed": int(scn.n_samples - n_landed),
        "n_impacts": stats.n_impacts,
        "n_canopies_outside_envelope": stats.n_outside_envelope,
        "guidance": scn.guidance.mode,
        "landing_mean_lat_deg": keys["landing_mean_lat_deg"],
        "landing_mean_lon_deg": keys["landing_mean_lon_deg"],
        "ellipse_probability": scn.ellipse_probability,
        "ellipse_major_km": keys["ellipse_major_km"],
        "ellipse_minor_km": keys["ellipse_minor_km"],
        "ellipse_major_azimuth_deg": keys["ellipse_major_azimuth_deg"],
        "p_water": keys["p_water"],
        "peak_g_p50": keys["peak_g_p50"],
        "peak_g_p99": keys["peak_g_p99"],
        "target_lat_deg": planned_lat_lon[0],
        "target_lon_deg": planned_lat_lon[1],
        "mean_miss_km": keys["mean_miss_km"],
        "landing_files": ", ".join(files),
    }


#: Most samples written as text (landings.csv, .geojson, .kml): 100,000 rows make some 15 MB of CSV,
#: 40 MB of GeoJSON; a map program with more points is no use, a table program barely opens it.
TEXT_FILES_MAX_SAMPLES = 100_000
#: More samples than this: the tables are written as Parquet too (landings.parquet, samples.parquet).
PARQUET_FROM_SAMPLES = 10_000
#: A column's unit as it ends the column's name in a Parquet file (none for counts, flags and g).
_UNIT_SUFFIX = {"deg": "_deg", "m/s": "_m_s", "W/m2": "_w_m2", "s": "_s", "rad": "_rad", "kg": "_kg"}


def per_sample_files(n_samples):
    """The names of the per-sample files a footprint of ``n_samples`` writes."""
    text = ["landings.csv", "landings.geojson", "landings.kml"] if n_samples <= TEXT_FILES_MAX_SAMPLES else []
    return text + (["landings.parquet", "samples.parquet"] if n_samples > PARQUET_FROM_SAMPLES else [])


def to_parquet(table):
    """A :class:`Table` as Parquet bytes: each column named with its unit (``lat_deg``, ``burn_dv_m_s``),
    floats as float32 (7 digits: a landing to about 1 m, a time to a few ms), the sample number as
    int64, a flag as bool."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {}
    for k, (name, unit) in enumerate(zip(table.columns, table.units)):
        kind = {"index": np.int64, "bool": bool}.get(unit, np.float32)
        columns[name + _UNIT_SUFFIX.get(unit, "")] = table.data[:, k].astype(kind)
    sink = io.BytesIO()
    pq.write_table(pa.table(columns), sink)
    return sink.getvalue()


def run(scenario):
    """Fly the dispersed descents; returns a :class:`orbital.result.Result` with no time series (its
    ``time_s`` is empty, shape (0,), and it has no trajectories): the landings and the samples are
    tables (:data:`LANDINGS_COLUMNS`, touchdown times in ``t_touchdown``, s since the epoch;
    :data:`SAMPLES_COLUMNS`)."""
    epoch, planned, landings, drawn, stats = simulate(scenario)
    plat, plon, _ = soyuz.teme_to_geodetic(epoch, planned.t_touchdown, planned.r_touchdown)
    files = per_sample_files(scenario.n_samples)
    summary = summarise(scenario, stats, landings[:, LANDINGS_COLUMNS.index("peak_g")], (float(plat[0]), float(plon[0])), files)
    keys = ("landing_mean_lat_deg", "landing_mean_lon_deg", "ellipse_major_km", "ellipse_minor_km", "ellipse_major_azimuth_deg")
    ring = ellipse_ring(*(summary[k] for k in keys)) if summary["ellipse_major_km"] is not None else None
    tables = {
        "landings": Table(LANDINGS_COLUMNS, LANDINGS_UNITS, landings, "wgs84", "one landed sample per row: where and when it touched down, its peak loads", "t_touchdown"),
        "samples": Table(SAMPLES_COLUMNS, SAMPLES_UNITS, drawn, None, "one sample per row: its drawn inputs (the subsonic drag coefficient scales with the hypersonic one)"),
    }
    extra = {}
    if "landings.csv" in files:
        columns, landed = _columns(landings, drawn)
        extra = {"landings.csv": to_csv(columns), "landings.geojson": to_geojson(columns, landed, summary, ring),
                 "landings.kml": to_kml(columns, landed, scenario.name, ring)}
    if "landings.parquet" in files:
        extra.update({"landings.parquet": to_parquet(tables["landings"]), "samples.parquet": to_parquet(tables["samples"])})
    events = [Event(stats.first_burn_s, "first_burn", "first deorbit burn starts")]
    if stats.n_landed:
        events.append(Event(stats.last_touchdown_s, "last_touchdown", "last module lands"))
    scene = {"target_wgs84": {"lat_deg": summary["target_lat_deg"], "lon_deg": summary["target_lon_deg"]}}
    if ring is not None:
        scene["ellipse_wgs84"] = {"lat_deg": ring[0].tolist(), "lon_deg": ring[1].tolist(), "probability": scenario.ellipse_probability}
    result = Result(scenario.name, scenario.kind, epoch, np.zeros(0), {}, events, summary, extra, scene, tables=tables)
    add_to_result(result, *sensitivity_data(landings, drawn, (summary["target_lat_deg"], summary["target_lon_deg"])), seed=scenario.seed)
    return result


#: Most samples the sensitivity analysis reads (the first ones): plenty for its estimates, and
#: seconds rather than minutes at a million samples.
SENSITIVITY_MAX_SAMPLES = 100_000


def sensitivity_data(landings, drawn, target_lat_lon_deg):
    """``(inputs, outputs)`` for :func:`orbital.analysis.sensitivity.add_to_result`: each sample's
    drawn inputs (SI) and its landing's offsets from the target, north and east (km, small-angle on
    the mean sphere: under 0.1 % off at the footprint's tens of km), and its peak load (g); NaN for a
    sample that did not land. The first :data:`SENSITIVITY_MAX_SAMPLES` samples."""
    n = min(len(drawn), SENSITIVITY_MAX_SAMPLES)
    L = {name: k for k, name in enumerate(LANDINGS_COLUMNS)}
    outputs = {name: np.full(n, np.nan) for name in ("landing_north_km", "landing_east_km", "peak_g")}
    index = landings[:, L["sample"]].astype(int)
    mine = index < n
    lat0, lon0 = target_lat_lon_deg
    km_per_deg = math.radians(1.0) * R_EARTH_MEAN_M / 1e3
    outputs["landing_north_km"][index[mine]] = (landings[mine, L["lat"]] - lat0) * km_per_deg
    outputs["landing_east_km"][index[mine]] = ((landings[mine, L["lon"]] - lon0 + 180.0) % 360.0 - 180.0) * km_per_deg * math.cos(math.radians(lat0))
    outputs["peak_g"][index[mine]] = landings[mine, L["peak_g"]]
    inputs = {name if unit == "1" else f"{name}_{unit.replace('/', '_')}": drawn[:n, k]
              for k, (name, unit) in enumerate(zip(SAMPLES_COLUMNS, SAMPLES_UNITS)) if name != "sample"}
    return inputs, outputs


#: What :func:`summarise` puts in the summary: statistics over the samples that landed (null if none
#: did; the ellipse needs three). Places geodetic (WGS84), ground distances on the mean sphere.
SUMMARY_KEYS = {
    "n_samples": SummaryKey("1", "number of dispersed descents flown"),
    "n_landed": SummaryKey("1", "how many of them landed"),
    "n_not_landed": SummaryKey("1", "how many were still flying when the run gave up (4 h after their burn)"),
    "n_impacts": SummaryKey("1", "landings faster than 10 m/s"),
    "n_canopies_outside_envelope": SummaryKey("1", "landings whose drogue or main canopy opened beyond the envelope flown"),
    "guidance": SummaryKey("", "the guidance mode flown: lifting, predictor_corrector or ballistic"),
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
    "landing_files": SummaryKey("", "the per-sample files written: CSV, GeoJSON and KML up to 100,000 samples, Parquet over 10,000"),
}

KIND = KindSpec(
    name="reentry_footprint",
    scenario=Scenario,
    run=run,
    title="dispersed Soyuz descents: the landing footprint",
    summary=SUMMARY_KEYS,
    display=DisplayHints(roles={"landings": "landings"}, play_span="landings", span_name="from the first to the last touchdown", still_at_end=True, plots=(
        MapPlot("footprint", "Landing footprint", points=("landings",), split_by="on_land", markers=("target_wgs84", "ellipse_wgs84")),
        SensitivityPlot("sensitivity", "Which dispersion drives the landing"),
    )),
    first_run_note=soyuz.first_run_note,
)
