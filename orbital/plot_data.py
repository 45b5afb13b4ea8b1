"""The data of a :class:`~orbital.kind_contract.SeriesPlot`, without matplotlib: its curves evaluated
on a Result and converted to the plot's display unit. ``issim plot`` (:mod:`orbital.figures`) draws
them on paper, the viewer's live plots beside the 3D view; both read the hints, never a kind's name.
"""

from __future__ import annotations

import math
from typing import Optional

import numpy as np

from orbital.kind_contract import Curve, SeriesPlot
from orbital.result import Result

#: A display unit outside SI -> (the SI unit of the data it shows, factor from that unit).
DISPLAY_UNITS: dict[str, tuple[str, float]] = {
    "km": ("m", 1e-3),
    "km/s": ("m/s", 1e-3),
    "kW/m2": ("W/m2", 1e-3),
    "deg/s": ("rad/s", 180.0 / math.pi),
}


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
