"""Live plots: small graphs in the canvas's top-right corner, over the played span, each with a
cursor at the moment shown and its value, synced to the player's clock.

Which quantities are plotted comes from the result's display hints (the roles of its trajectories,
:data:`PLOTS`), never from its kind: a descent's altitude and g-load, a chaser's distance from
the target and the tether's tension, a decaying orbit's perigee height.
"""

import numpy as np

from viz.hud import round_figures
from viz.overlay_text import OverlayText
from viz.sampling import names_of

#: role -> (label, unit, values (N,) from the trajectory's data (N, k) and columns), in the order shown
#: (heights come in m or km, by their unit)
PLOTS = {
    "descent_geodetic": ("altitude", "km", lambda data, columns: data[:, 2] / 1e3),
    "descent_loads": ("g-load", "g", lambda data, columns: data[:, 0]),
    "chaser": ("distance", "m", lambda data, columns: np.linalg.norm(data[:, :3], axis=1)),
    "tension": ("tether tension", "N", lambda data, columns: data[:, 0]),
    "heights": ("perigee", "km", lambda data, columns: data[:, list(columns).index("perigee") if "perigee" in columns else 0]),
}
MOST_PLOTS = 2
#: Narrower canvases (px) have no room for plots beside the HUD and the flash: they are hidden.
LEAST_CANVAS_W_PX = 960
PLOT_W_PX, PLOT_H_PX, GAP_PX, MARGIN_PX = 220.0, 56.0, 22.0, 12.0
#: Samples of a plotted line at most (a longer series is thinned evenly).
MOST_POINTS = 600
LINE_COLOR = (0.35, 0.9, 1.0, 0.95)
FRAME_COLOR = (1.0, 1.0, 1.0, 0.3)
CURSOR_COLOR = (1.0, 0.85, 0.2, 1.0)
FILL_COLOR = (0.0, 0.0, 0.05, 0.55)


def plot_series(result, t0_s, t1_s):
    """``[(label, unit, t_s (N,), values (N,))]`` the result's roles call for, within ``[t0_s, t1_s]``
    (at most :data:`MOST_PLOTS`; series with fewer than two finite samples there, or constant, are left out)."""
    t = np.asarray(result.time_s, dtype=float)
    series = []
    for role, (label, unit, values_of) in PLOTS.items():
        for name in names_of(result, role)[:1]:
            trajectory = result.trajectories[name]
            data = np.asarray(trajectory.data, dtype=float)
            if data.ndim != 2 or len(data) != len(t) or (role == "chaser" and trajectory.frame != "lvlh"):
                continue
            values = np.asarray(values_of(data, trajectory.columns), dtype=float)
            if role == "heights" and trajectory.units and trajectory.units[0] == "m":  # heights in m or km
                values = values / 1e3
            keep = np.isfinite(values) & (t >= t0_s) & (t <= t1_s)
            if np.count_nonzero(keep) >= 2 and np.ptp(values[keep]) > 0.0:  # a flat line says nothing
                series.append((label, unit, t[keep], values[keep]))
    return series[:MOST_PLOTS]


class LivePlots:
    """The plots of ``result`` over ``canvas``'s top-right corner; ``update(t_s)`` moves the cursors."""

    def __init__(self, canvas, result, t0_s, t1_s):
        self.canvas, self.t0_s, self.t1_s = canvas, float(t0_s), float(t1_s)
        self.series = plot_series(result, self.t0_s, self.t1_s)
        self._parts = [self._build(label) for label, _, _, _ in self.series]
        self._t = self.t0_s
        canvas.events.resize.connect(lambda event: self._place())
        self._place()

    def _line(self, color, width=1.5, connect="strip", order=12):
        from vispy import scene

        line = scene.visuals.Line(np.zeros((2, 2), np.float32), color=color, width=width, connect=connect, parent=self.canvas.scene)
        line.set_gl_state("translucent", depth_test=False)
        line.order = order
        return line

    def _build(self, label):
        from vispy import scene

        fill = scene.visuals.Rectangle(center=(0, 0), width=1, height=1, color=FILL_COLOR, parent=self.canvas.scene)
        fill.set_gl_state("translucent", depth_test=False)
        fill.order = 11
        return {"fill": fill, "frame": self._line(FRAME_COLOR, 1.0), "line": self._line(LINE_COLOR), "cursor": self._line(CURSOR_COLOR, 2.0),
                "text": OverlayText(self.canvas.scene, label, font_size=8, hang="above")}

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

    def _xy(self, box, t_s, values, low, high):
        left, top, w, h = box
        x = left + (np.asarray(t_s) - self.t0_s) / max(self.t1_s - self.t0_s, 1e-12) * w
        y = top + h - (np.asarray(values) - low) / max(high - low, 1e-12) * h
        return x, y

    def _place(self):
        for part in self._parts:
            for key in ("fill", "frame", "line", "cursor", "text"):
                part[key].visible = self.shown
        for (label, unit, t, values), part, box in zip(self.series, self._parts, self.boxes()):
            left, top, w, h = box
            part["fill"].center, part["fill"].width, part["fill"].height = (left + w / 2, top + h / 2), w, h
            part["frame"].set_data(np.array([[left, top], [left + w, top], [left + w, top + h], [left, top + h], [left, top]], np.float32))
            step = max(1, len(t) // MOST_POINTS)
            low, high = float(values.min()), float(values.max())
            x, y = self._xy(box, t[::step], values[::step], low, high)
            part["line"].set_data(np.column_stack([x, y]).astype(np.float32))
            part["range"] = (low, high)
            part["text"].pos = (left, top - 1.0)
        self.update(self._t)

    def update(self, t_s):
        """Put each cursor at ``t_s`` and write the value there beside the label."""
        self._t = float(t_s)
        for (label, unit, t, values), part, box in zip(self.series, self._parts, self.boxes()):
            left, top, w, h = box
            x, _ = self._xy(box, self._t, 0.0, *part["range"])
            x = float(np.clip(x, left, left + w))
            part["cursor"].set_data(np.array([[x, top], [x, top + h]], np.float32))
            value = float(np.interp(self._t, t, values))
            text = f"{label}: {round_figures(value)} {unit}"
            if part["text"].text != text:
                part["text"].text = text

    def cursor_x(self, k=0):
        """Canvas x (px) of the ``k``-th plot's cursor."""
        return float(self._parts[k]["cursor"].pos[0, 0])
