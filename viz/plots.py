"""Live plots: small graphs in the canvas's top-right corner, each with a cursor at the moment
shown and its value, synced to the player's clock.

Which plots are drawn is what the result's display hints declare (``Result.display.plots``, the
kind's :class:`~orbital.kind_contract.SeriesPlot` figures, evaluated and converted to their units as
``issim plot`` does), never its kind: the first :data:`MOST_PLOTS` whose data are not flat over the
played span, each over its own span (from its ``from_event`` to its ``to_event``, or where active).
Plots of cases drawn as dots (``dots``: each row a case, not a moment) are left out.
"""

import dataclasses
from dataclasses import dataclass

import numpy as np

from orbital.plot_data import PlotHintError, series_curves, series_plots
from viz.batch import Polylines, Rects, outline
from viz.globe_layers import sensed_load_g
from viz.numbers import format_quantity
from viz.overlay_text import OverlayText, fit
from viz.sampling import names_of

MOST_PLOTS = 2
#: Narrower canvases (px) have no room for plots beside the HUD and the flash: they are hidden.
LEAST_CANVAS_W_PX = 960
PLOT_W_PX, PLOT_H_PX, GAP_PX, MARGIN_PX = 220.0, 56.0, 22.0, 12.0
#: Samples of a plotted line at most (a longer series is thinned evenly).
MOST_POINTS = 600
#: The curves' colours, in the plot's order (cycled).
LINE_COLORS = ((0.35, 0.9, 1.0, 0.95), (1.0, 0.55, 0.75, 0.95), (0.6, 1.0, 0.45, 0.95), (0.75, 0.65, 1.0, 0.95))
FRAME_COLOR = (1.0, 1.0, 1.0, 0.3)
CURSOR_COLOR = (1.0, 0.85, 0.2, 1.0)
#: The cursor outside the plot's span, held at its edge.
IDLE_CURSOR_COLOR = (1.0, 0.85, 0.2, 0.35)
#: The cursor's width (px).
CURSOR_PX = 2.0
FILL_COLOR = (0.0, 0.0, 0.05, 0.55)
#: A value below this share of its plot's largest is rounding, shown as 0.
ROUNDING = 1e-9


@dataclass(frozen=True)
class LiveSeries:
    """One live plot: its label and display unit, its time span, and its curves ``(label, t_s, values)``;
    ``peers``: its curves are alike (each joint's rate), so its readout names the largest, not the first;
    ``readout``: the same curves over the whole run where the plot shows a part of it (from one event
    to another), so that its readout says the value now, as the HUD does, not the one at its edge."""

    label: str
    unit: str
    t0_s: float
    t1_s: float
    curves: tuple
    peers: bool = False
    readout: tuple = ()

    def value_at(self, t_s):
        """``(curve label, value)`` at ``t_s`` (held at the ends of the data) of the plot's first curve, or of its
        curve largest in magnitude there for ``peers`` (a value below :data:`ROUNDING` of the plot's largest is 0)."""
        values = [(label, float(np.interp(t_s, t, v))) for label, t, v in (self.readout or self.curves)]
        label, value = max(values, key=lambda lv: abs(lv[1])) if self.peers else values[0]
        largest = max(float(np.max(np.abs(v))) for _, _, v in self.curves)
        return label, value if abs(value) > ROUNDING * largest else 0.0

    def text_at(self, t_s, width_px=None, font_size_pt=8):
        """``"g load: 3.2 g"``; ``"heights, apogee: 412 km"`` for a plot of several curves; shortened
        to fit ``width_px`` when given (:func:`viz.overlay_text.fit`: the curve's name dropped, then the plot's)."""
        label, value = self.value_at(t_s)
        said = format_quantity(value, self.unit)
        texts = [f"{self.label}, {label}: {said}"] if len(self.curves) > 1 and label else []
        texts += [f"{self.label}: {said}", said]
        return texts[0] if width_px is None else fit(texts, width_px, font_size_pt)


def plot_series(result, t0_s, t1_s):
    """The :class:`LiveSeries` of the result's series hints within ``[t0_s, t1_s]`` (at most
    :data:`MOST_PLOTS`; curves with fewer than two finite samples there are left out, and plots
    whose curves are all constant)."""
    series = []
    for plot in series_plots(result):
        if plot.dots:
            continue
        try:
            drawn = _played_curves(result, plot, t0_s, t1_s)
            whole = _played_curves(result, dataclasses.replace(plot, from_event="", to_event="", active_only=False), t0_s, t1_s)
        except PlotHintError:  # a run written by an older issim, its kind's hints naming what it lacks: not drawn
            continue
        curves = tuple(drawn.values())
        if curves and any(np.ptp(values) > 0.0 for _, _, values in curves):  # a flat line says nothing
            span = (min(float(t[0]) for _, t, _ in curves), max(float(t[-1]) for _, t, _ in curves))
            peers = len(plot.curves) > 1 and all(curve.of == "rate" for curve in plot.curves)
            readout = tuple(whole.get(curve, found) for curve, found in drawn.items())
            series.append(LiveSeries(plot.name.replace("_", " "), plot.unit, *span, curves, peers, readout))
    return series[:MOST_PLOTS]


def _played_curves(result, plot, t0_s, t1_s):
    """``{curve: (label, t_s, values)}`` of ``plot``'s curves (:func:`orbital.plot_data.series_curves`)
    within ``[t0_s, t1_s]``, with at least two finite samples there."""
    curves = {}
    for curve, t, values in series_curves(result, plot):
        values = _as_sensed(result, curve, t, values)
        keep = np.isfinite(values) & (t >= t0_s) & (t <= t1_s)
        if np.count_nonzero(keep) >= 2:
            curves[curve] = (curve.label, t[keep], values[keep])
    return curves


def _as_sensed(result, curve, t_s, values):
    """``values`` of ``curve``; for a descent's sensed load (the first column of a ``descent_loads``
    trajectory), as the HUD reads it: 1 g once landed (:func:`viz.globe_layers.sensed_load_g`)."""
    if curve.source not in names_of(result, "descent_loads") or curve.of != "value":
        return values
    source = result.trajectories[curve.source]
    if curve.columns != (source.columns[0],):
        return values
    rows = np.searchsorted(np.asarray(result.time_s, dtype=float), t_s)
    return sensed_load_g(source.data)[rows]


class LivePlots:
    """The plots of ``result`` over ``canvas``'s top-right corner; ``update(t_s)`` moves the cursors.

    Drawn in three visuals whatever the number of plots (:mod:`viz.batch`): the panels (fills and
    frames), the curves, the cursors; and a label each."""

    def __init__(self, canvas, result, t0_s, t1_s):
        self.canvas = canvas
        self.series = plot_series(result, float(t0_s), float(t1_s))
        self.panels = Rects(canvas.scene, order=11)
        self.curves = Polylines(canvas.scene, order=12, width=1.5)
        self.cursors = Rects(canvas.scene, order=13)
        self._parts = [self._build(series) for series in self.series]
        self._t = float(t0_s)
        canvas.events.resize.connect(lambda event: self._place())
        self._place()

    def _build(self, series):
        colors = [LINE_COLORS[k % len(LINE_COLORS)] for k in range(len(series.curves))]
        return {"curve_colors": colors, "cursor": (0.0, CURSOR_COLOR), "text": OverlayText(self.canvas.scene, series.label, font_size=8, hang="above")}

    @property
    def shown(self):
        """True where the canvas has room for the plots (:data:`LEAST_CANVAS_W_PX`)."""
        return self.canvas.size[0] >= LEAST_CANVAS_W_PX

    def boxes(self):
        """``(left, top, width, height)`` px of each plot shown (for the flash to keep clear of)."""
        width = self.canvas.size[0]
        if not self.shown:
            return []
        plot_w = min(PLOT_W_PX, 0.3 * width)
        return [(width - MARGIN_PX - plot_w, MARGIN_PX + GAP_PX + k * (PLOT_H_PX + GAP_PX), plot_w, PLOT_H_PX) for k in range(len(self.series))]

    @staticmethod
    def _xy(box, series, t_s, values, low, high):
        left, top, w, h = box
        x = left + (np.asarray(t_s) - series.t0_s) / max(series.t1_s - series.t0_s, 1e-12) * w
        y = top + h - (np.asarray(values) - low) / max(high - low, 1e-12) * h
        return x, y

    def _place(self):
        for visual in (self.panels, self.curves, self.cursors, *(part["text"] for part in self._parts)):
            visual.visible = self.shown
        rects, colors, lines, line_colors = [], [], [], []
        for series, part, box in zip(self.series, self._parts, self.boxes()):
            left, top, w, h = box
            rects.append((left, top, left + w, top + h))
            colors.append(FILL_COLOR)
            # the frame: 1 px lines centred on the box's edges
            rects += list(outline(left - 0.5, top - 0.5, left + w + 0.5, top + h + 0.5))
            colors += [FRAME_COLOR] * 4
            low = min(float(values.min()) for _, _, values in series.curves)
            high = max(float(values.max()) for _, _, values in series.curves)
            for (_, t, values), color in zip(series.curves, part["curve_colors"]):
                step = max(1, len(t) // MOST_POINTS)
                x, y = self._xy(box, series, t[::step], values[::step], low, high)
                lines.append(np.column_stack([x, y]))
                line_colors.append(color)
            part["text"].pos = (left, top - 1.0)
        self.panels.set(rects, colors)
        self.curves.set(lines, line_colors)
        self.update(self._t)

    def update(self, t_s):
        """Put each cursor at ``t_s`` (held at the plot's edge, dimmed, outside its span) and write
        the value there beside the label."""
        self._t = float(t_s)
        rects, colors = [], []
        for series, part, box in zip(self.series, self._parts, self.boxes()):
            left, top, w, h = box
            x, _ = self._xy(box, series, self._t, 0.0, 0.0, 1.0)
            inside = series.t0_s <= self._t <= series.t1_s
            x = float(np.clip(x, left, left + w))
            part["cursor"] = (x, CURSOR_COLOR if inside else IDLE_CURSOR_COLOR)
            rects.append((x - 0.5 * CURSOR_PX, top, x + 0.5 * CURSOR_PX, top + h))
            colors.append(part["cursor"][1])
            text = series.text_at(self._t, w, part["text"].font_size)
            if part["text"].text != text:
                part["text"].text = text
        self.cursors.set(rects, colors)

    def cursor_x(self, k=0):
        """Canvas x (px) of the ``k``-th plot's cursor."""
        return self._parts[k]["cursor"][0]

    def cursor_color(self, k=0):
        """RGBA of the ``k``-th plot's cursor (dimmed outside the plot's span)."""
        return self._parts[k]["cursor"][1]
