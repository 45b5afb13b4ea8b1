"""The data of a :class:`~orbital.kind_contract.SeriesPlot`, without matplotlib: its curves evaluated
on a Result and converted to the plot's display unit; and of a :class:`~orbital.kind_contract.ProfilePlot`,
a track's altitude against its downrange. ``issim plot`` (:mod:`orbital.figures`) draws them on
paper, the viewer's live plots and inset beside the 3D view; both read the hints, never a kind's name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

import numpy as np

from orbital.kind_contract import Curve, ProfilePlot, SeriesPlot
from orbital.result import Result

#: A display unit outside SI -> (the SI unit of the data it shows, factor from that unit).
DISPLAY_UNITS: dict[str, tuple[str, float]] = {
    "km": ("m", 1e-3),
    "km/s": ("m/s", 1e-3),
    "kW/m2": ("W/m2", 1e-3),
    "deg/s": ("rad/s", 180.0 / math.pi),
}


#: Mean Earth radius (m) for distances along the ground (IUGG R1).
MEAN_EARTH_RADIUS_M = 6371008.8


#: A profile's marked place nearest to the track within this distance (m) of its end is taken to lie beyond the end.
END_M = 1000.0


class PlotHintError(ValueError):
    """A plot hint that does not fit the data it names (a contract bug, not bad user input)."""


def curve_values(result: Result, curve: Curve) -> Optional[tuple[np.ndarray, np.ndarray, str]]:
    """``(time_s, values, SI unit)`` of one curve, or None if the run has no such data."""
    if curve.source in result.trajectories:
        source = result.trajectory(curve.source)
        t_s = np.asarray(result.time_s, dtype=float)
    elif curve.source in result.tables and result.tables[curve.source].time_column:
        source = result.tables[curve.source]
        t_s = source.times_s()
    else:
        return None
    missing = [c for c in curve.columns if c not in source.columns]
    if missing:
        raise PlotHintError(f"{curve.source} has no column {missing[0]!r}; expected one of: {', '.join(source.columns)}")
    units = {source.units[source.columns.index(c)] for c in curve.columns}
    if len(units) != 1:
        raise PlotHintError(f"{curve.source}: columns {', '.join(curve.columns)} mix units {sorted(units)}; expected one unit")
    unit = units.pop()
    columns = np.column_stack([source.column(c) for c in curve.columns])
    if curve.of == "norm":
        return t_s, np.sqrt(np.sum(columns**2, axis=1)), unit
    if len(curve.columns) != 1:
        raise PlotHintError(f"{curve.source}: a curve of {curve.of!r} takes one column, got {', '.join(curve.columns)}")
    if curve.of == "value":
        return t_s, columns[:, 0], unit
    if curve.of == "rate":
        rate = np.full(len(t_s), np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            rate[1:] = np.diff(columns[:, 0]) / np.diff(t_s)
        return t_s, np.where(np.isfinite(rate), rate, np.nan), f"{unit}/s"
    raise PlotHintError(f"{curve.source}: a curve of {curve.of!r}; expected value, norm or rate")


def to_display_unit(values: np.ndarray, unit: str, display_unit: str) -> np.ndarray:
    """``values`` in ``unit`` (SI) converted to ``display_unit`` (a PlotHintError if they do not match)."""
    si_unit, factor = DISPLAY_UNITS.get(display_unit, (display_unit, 1.0))
    if unit != si_unit:
        raise PlotHintError(f"data in {unit} drawn in {display_unit}; expected data in {si_unit}")
    return values * factor


def series_plots(result: Result) -> list[SeriesPlot]:
    """The result's :class:`~orbital.kind_contract.SeriesPlot` hints, in their declared order."""
    return [plot for plot in result.display.plots if isinstance(plot, SeriesPlot)]


def series_curves(result: Result, plot: SeriesPlot) -> list[tuple[Curve, np.ndarray, np.ndarray]]:
    """``[(curve, time_s, values in plot.unit)]`` of the curves the run holds, from the plot's
    ``from_event`` to its ``to_event`` (and only where active, for ``active_only``); none if nothing is left."""
    t_start = next((e.time_s for e in result.events if e.kind == plot.from_event), -np.inf)
    t_end = next((e.time_s for e in result.events if e.kind == plot.to_event), np.inf)
    drawn = []
    for curve in plot.curves:
        found = curve_values(result, curve)
        if found is None or len(found[0]) == 0:
            continue
        t_s, values, unit = found
        keep = (t_s >= t_start) & (t_s <= t_end)
        if keep.any():
            drawn.append((curve, t_s[keep], to_display_unit(values[keep], unit, plot.unit)))
    if drawn and plot.active_only:
        return _active_span(drawn)
    return drawn


def _active_span(drawn: list, margin: float = 0.15, zero: float = 1e-9) -> list:
    """The curves where some is not zero (below ``zero`` times the largest value: rounding; NaN
    aside), widened by ``margin`` of that span on both sides; none if all are zero throughout."""
    largest = max(float(np.nanmax(np.abs(values), initial=0.0)) for _, _, values in drawn)
    if not largest > 0.0:
        return []
    active = np.concatenate([t[np.nan_to_num(np.abs(values)) > zero * largest] for _, t, values in drawn])
    pad = margin * max(float(active.max() - active.min()), 1e-9)
    t_lo, t_hi = active.min() - pad, active.max() + pad
    return [(curve, t[(t >= t_lo) & (t <= t_hi)], values[(t >= t_lo) & (t <= t_hi)]) for curve, t, values in drawn]


@dataclass(frozen=True)
class Profile:
    """A :class:`~orbital.kind_contract.ProfilePlot` evaluated: per sample from the profile's start,
    its time (s), downrange (m) and altitude (m), and its phase code (None without phases); the
    marked place's downrange (m, None without one)."""

    t_s: np.ndarray
    downrange_m: np.ndarray
    alt_m: np.ndarray
    phase: Optional[np.ndarray]
    marker_downrange_m: Optional[float]


def profile_plots(result: Result) -> list[ProfilePlot]:
    """The result's :class:`~orbital.kind_contract.ProfilePlot` hints, in their declared order."""
    return [plot for plot in result.display.plots if isinstance(plot, ProfilePlot)]


def ground_distance_m(lat1_deg, lon1_deg, lat2_deg, lon2_deg):
    """Great-circle distance (m) on the mean sphere between points (deg; arrays broadcast), by the haversine."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(a, dtype=float)) for a in (lat1_deg, lon1_deg, lat2_deg, lon2_deg))
    h = np.sin((lat2 - lat1) / 2.0) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2.0) ** 2
    return 2.0 * MEAN_EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def profile_data(result: Result, plot: ProfilePlot) -> Optional[Profile]:
    """The profile of ``result`` from the plot's ``from_event`` on: downrange is the distance along
    the ground track from its first point (great circles between samples, summed: it grows however
    far the track runs round the Earth). The marked place lies at the downrange of the point of the
    track's last half-circumference nearest to it, or, nearest to the track's end (within :data:`END_M`), beyond the end by its
    distance from there (a landing short of it). None if the run has no such track or fewer than two samples of it."""
    if plot.track not in result.trajectories:
        return None
    track = result.trajectory(plot.track)
    missing = [c for c in ("lat", "lon", "alt") if c not in track.columns]
    if missing:
        raise PlotHintError(f"{plot.track} has no column {missing[0]!r}; expected lat, lon and alt")
    t_s = np.asarray(result.time_s, dtype=float)
    t_start = next((e.time_s for e in result.events if e.kind == plot.from_event), -np.inf)
    lat, lon, alt = (np.asarray(track.column(c), dtype=float) for c in ("lat", "lon", "alt"))
    keep = (t_s >= t_start) & np.isfinite(lat) & np.isfinite(alt)
    if np.count_nonzero(keep) < 2:
        return None
    phase = None
    if plot.phases in result.trajectories and "phase" in result.trajectory(plot.phases).columns:
        phase = np.asarray(result.trajectory(plot.phases).column("phase"), dtype=float)[keep].astype(int)
    lat, lon = lat[keep], lon[keep]
    downrange = np.concatenate([[0.0], np.cumsum(ground_distance_m(lat[:-1], lon[:-1], lat[1:], lon[1:]))])
    place = (result.scene or {}).get(plot.marker) if plot.marker else None
    marker = None
    if place and place.get("lat_deg") is not None:
        # a track round the Earth passes near the place more than once: the last half-circumference counts
        last = int(np.searchsorted(downrange, downrange[-1] - np.pi * MEAN_EARTH_RADIUS_M))
        off = ground_distance_m(lat[last:], lon[last:], place["lat_deg"], place["lon_deg"])
        nearest = last + int(np.argmin(off))
        at_end = downrange[-1] - downrange[nearest] < END_M  # the track's last samples (under a canopy) barely move
        marker = float(downrange[-1] + off[-1] if at_end else downrange[nearest])
    return Profile(t_s[keep], downrange, alt[keep], phase, marker)
