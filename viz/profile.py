"""The side-profile inset: a descent's altitude against its downrange, under the live plots in the
canvas's top-right corner, its path coloured by phase as on the globe, the capsule's point moving
with the clock, the ground as a line and the planned landing point as a red diamond at its downrange.
Height is drawn on a square-root scale (faint lines at 1, 10 and 50 km, labelled), so that the last
10 km under the canopies, a tenth of an entry's height, take a third of the inset.

What is drawn is the result's :class:`~orbital.kind_contract.ProfilePlot` hint (the first one),
evaluated as ``issim plot`` does (:func:`orbital.plot_data.profile_data`); a result without one has
no inset.
"""

import numpy as np

from orbital.plot_data import PlotHintError, profile_data, profile_plots
from viz.batch import Rects, outline
from viz.globe_layers import CAPSULE_COLOR, PHASES, TARGET_COLOR
from viz.numbers import format_length
from viz.overlay_text import OverlayText, fit
from viz.plots import FRAME_COLOR, GAP_PX, LEAST_CANVAS_W_PX, MARGIN_PX, PLOT_H_PX, PLOT_W_PX

#: The inset's height (px); its width is the live plots'.
PROFILE_H_PX = 96.0
GROUND_COLOR = (0.55, 0.45, 0.3, 1.0)
#: Opaque, unlike the live plots' fill: the globe's own diamond and paths must not show through as the inset's.
INSET_FILL_COLOR = (0.0, 0.0, 0.05, 1.0)
#: The capsule's point before the profile starts (held at its first point).
IDLE_ALPHA = 0.35
POINT_PX, TARGET_PX = 9.0, 11.0
#: Room (px) inside the frame's left and right edges, so a point on the edge is drawn whole.
PAD_PX = 6.0
#: Heights (km) of the faint lines across the inset, where under its top.
GRID_KM = (1.0, 10.0, 50.0)
GRID_COLOR = (1.0, 1.0, 1.0, 0.18)


class ProfileInset:
    """The inset of ``result``'s first profile hint on ``canvas``, below ``plot_count`` live plots;
    ``update(t_s)`` moves the capsule's point. ``profile`` is None (nothing drawn) without a hint."""

    def __init__(self, canvas, result, plot_count=0):
        self.canvas, self.plot_count = canvas, plot_count
        self.profile = None
        for plot in profile_plots(result):
            try:
                self.profile = profile_data(result, plot)
            except PlotHintError:  # a run written by an older issim, the hint naming what it lacks: not drawn
                continue
            if self.profile is not None:
                break
        self._t = 0.0  # until the first update
        if self.profile is None:
            return
        p = self.profile
        self.top_m = max(float(p.alt_m.max()), 1.0)
        self.right_m = max(float(p.downrange_m.max()), p.marker_downrange_m or 0.0, 1.0)
        self._build()
        canvas.events.resize.connect(lambda event: self._place())
        self._place()

    def _visual(self, visual):
        visual.set_gl_state("translucent", depth_test=False)
        visual.order = 12
        return visual

    def _build(self):
        from vispy import scene

        root, p = self.canvas.scene, self.profile
        # the fill, its frame and the ground line: one visual (viz.batch), under the rest of the inset
        self.box = Rects(root, order=11)
        self._grid_km = [km for km in GRID_KM if km * 1e3 < self.top_m]
        self.grid = self._visual(scene.visuals.Line(np.zeros((2, 2), np.float32), color=GRID_COLOR, width=1.0, connect="segments", parent=root))
        self.grid_labels = [OverlayText(root, f"{km:g} km", font_size=6, color=(1.0, 1.0, 1.0, 0.85), hang="above") for km in self._grid_km]
        for label in self.grid_labels:
            label.order = 12  # over the inset's fill
        codes = np.zeros(len(p.t_s), int) if p.phase is None else np.clip(p.phase, 0, len(PHASES) - 1)
        self._colors = np.array([PHASES[c][1] for c in codes], dtype=np.float32)
        self.path = self._visual(scene.visuals.Line(np.zeros((2, 2), np.float32), width=2.0, parent=root))
        self.target = self._visual(scene.visuals.Markers(parent=root)) if p.marker_downrange_m is not None else None
        self.point = self._visual(scene.visuals.Markers(parent=root))
        self.point.order = 13
        self.text = OverlayText(root, "profile", font_size=8, hang="above")

    @property
    def shown(self):
        """True where the canvas has room for the inset (as for the live plots)."""
        return self.profile is not None and self.canvas.size[0] >= LEAST_CANVAS_W_PX

    def boxes(self):
        """``[(left, top, width, height)]`` px of the inset when shown (for the flash to keep clear of)."""
        if not self.shown:
            return []
        width = self.canvas.size[0]
        plot_w = min(PLOT_W_PX, 0.3 * width)
        top = MARGIN_PX + GAP_PX + self.plot_count * (PLOT_H_PX + GAP_PX)
        return [(width - MARGIN_PX - plot_w, top, plot_w, PROFILE_H_PX)]

    def xy(self, downrange_m, alt_m):
        """Canvas px of a point of the profile (downrange and altitude, m)."""
        left, top, w, h = self.boxes()[0]
        x = left + PAD_PX + np.asarray(downrange_m, dtype=float) / self.right_m * (w - 2.0 * PAD_PX)
        y = top + h - PAD_PX - np.sqrt(np.clip(np.asarray(alt_m, dtype=float), 0.0, None) / self.top_m) * (h - 2.0 * PAD_PX)
        return x, y

    def _place(self):
        if self.profile is None:
            return
        parts = [self.box, self.grid, self.path, self.point, self.text, *self.grid_labels] + ([self.target] if self.target else [])
        for visual in parts:
            visual.visible = self.shown
        if not self.shown:
            return
        left, top, w, h = self.boxes()[0]
        p = self.profile
        _, ground_y = self.xy(0.0, 0.0)
        self.box.set([(left, top, left + w, top + h), *outline(left, top, left + w, top + h), (left, ground_y - 1.0, left + w, ground_y + 1.0)],
                     [INSET_FILL_COLOR] + [FRAME_COLOR] * 4 + [GROUND_COLOR])
        self.grid.visible = bool(self._grid_km)
        for km, label in zip(self._grid_km, self.grid_labels):
            label.pos = (left + 3.0, float(self.xy(0.0, km * 1e3)[1]))
        if self._grid_km:
            grid_y = self.xy(np.zeros(len(self._grid_km)), np.asarray(self._grid_km) * 1e3)[1]
            self.grid.set_data(np.column_stack([np.tile([left, left + w], len(grid_y)), np.repeat(grid_y, 2)]).astype(np.float32))
        x, y = self.xy(p.downrange_m, p.alt_m)
        self.path.set_data(np.column_stack([x, y]).astype(np.float32), color=self._colors)
        if self.target is not None:
            xy = np.column_stack(self.xy(p.marker_downrange_m, 0.0)).astype(np.float32)
            self.target.set_data(xy, symbol="diamond", size=TARGET_PX, face_color=TARGET_COLOR, edge_color=(1, 1, 1, 1), edge_width=1.0)
        self.text.pos = (left, top - 1.0)
        self.update(self._t)

    def at(self, t_s):
        """``(downrange_m, alt_m)`` of the capsule at ``t_s`` (held at the profile's ends)."""
        p = self.profile
        return float(np.interp(t_s, p.t_s, p.downrange_m)), float(np.interp(t_s, p.t_s, p.alt_m))

    def update(self, t_s):
        """Put the capsule's point at ``t_s`` (dimmed before the profile starts) and say where it is."""
        self._t = float(t_s)
        if not self.shown:
            return
        downrange_m, alt_m = self.at(self._t)
        alpha = 1.0 if self._t >= self.profile.t_s[0] else IDLE_ALPHA
        self.point.set_data(np.column_stack(self.xy(downrange_m, alt_m)).astype(np.float32), symbol="disc", size=POINT_PX,
                            face_color=CAPSULE_COLOR[:3] + (alpha,), edge_color=(1, 1, 1, alpha), edge_width=1.5)
        up, along = format_length(alt_m), format_length(downrange_m)
        text = fit([f"profile: {up} up, {along} downrange", f"{up} up, {along} downrange", f"{up} up, {along}"], self.boxes()[0][2], self.text.font_size)
        if self.text.text != text:
            self.text.text = text

    def point_xy(self):
        """Canvas px of the capsule's point as drawn."""
        return self.point._data["a_position"][0, :2].copy()
