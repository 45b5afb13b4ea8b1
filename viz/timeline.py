"""The timeline: a scrub bar along the canvas's bottom edge with the run's events as ticks and the
moment shown as a cursor; a click or a drag on it jumps there. Above the bar: the current phase at
the cursor and, at the right end, the warp (and whether the player is paused). The played part of
the bar takes each phase's colour where the phases have colours (a descent's, as on the globe).

Drawn in canvas pixels over every view (as the HUD is); the bar spans the played span in
simulated time, so an event's tick stays where it is whatever the pace.
"""

from dataclasses import dataclass

import numpy as np

from viz.batch import Rects
from viz.globe_layers import PHASES
from viz.overlay_text import OverlayText
from viz.sampling import names_of

#: The bar's height (px), its distance from the bottom edge (px), and how far above it a click still counts.
BAR_PX, BOTTOM_PX, GRAB_PX = 4.0, 5.0, 8.0
BAR_COLOR = (1.0, 1.0, 1.0, 0.35)
PLAYED_COLOR = (0.35, 0.9, 1.0, 0.9)
TICK_COLOR = (1.0, 0.85, 0.2, 1.0)
CURSOR_COLOR = (1.0, 1.0, 1.0, 1.0)
MARGIN_PX = 12.0
#: Width (px) of an event's tick and of the cursor.
TICK_PX = 2.0
#: The labels' font size (pt) and the height (px) of their row above the bar.
LABEL_FONT_PT, LABEL_ROW_PX = 8, 16.0
#: Height (px) the timeline takes at the bottom of the canvas: the footer stands above it.
TIMELINE_PX = BOTTOM_PX + BAR_PX + 6.0 + LABEL_ROW_PX
#: Room (px) between the phase's label and the warp's.
LABEL_GAP_PX = 10.0


@dataclass(frozen=True)
class Phases:
    """Stretches of the run: each starts at ``start_s`` (ascending) and is named ``names``; ``colors``
    (RGBA each) colour the played bar, or are None (the bar keeps its own colour)."""

    start_s: tuple
    names: tuple
    colors: tuple = None

    def index_at(self, t_s):
        """Index of the phase at ``t_s``, or -1 before the first."""
        return int(np.searchsorted(self.start_s, t_s, side="right")) - 1


def run_phases(result):
    """The phases of ``result``: a descent's (the phase codes of its ``descent_loads``, named and
    coloured as the globe colours its path), else the stretches between events, each named for the
    event it follows ("tether taut")."""
    for name in names_of(result, "descent_loads"):
        loads = result.trajectories[name]
        if "phase" in loads.columns:
            codes = np.clip(np.asarray(loads.column("phase"), dtype=float).astype(int), 0, len(PHASES) - 1)
            starts = np.flatnonzero(np.r_[True, np.diff(codes) != 0])
            t = np.asarray(result.time_s, dtype=float)
            return Phases(tuple(t[starts]), tuple(PHASES[c][0] for c in codes[starts]), tuple(PHASES[c][1] for c in codes[starts]))
    events = sorted(result.events, key=lambda e: e.time_s)
    return Phases(tuple(e.time_s for e in events), tuple(e.kind.replace("_", " ") for e in events))


class Timeline:
    """Over ``canvas`` (a vispy SceneCanvas): the span ``[t0_s, t1_s]``, ticks at ``event_times_s``;
    ``seek(t_s)`` is called when the user clicks or drags on the bar."""

    def __init__(self, canvas, t0_s, t1_s, event_times_s, seek, phases=Phases((), ())):
        self.canvas, self.t0_s, self.t1_s, self._seek = canvas, float(t0_s), float(t1_s), seek
        self.phases = phases
        inside = [t for t in event_times_s if self.t0_s <= t <= self.t1_s]
        self.event_times_s = np.asarray(inside, dtype=float)
        # the bar, the played part, the ticks and the cursor: one visual (viz.batch)
        self.rects = Rects(canvas.scene, order=11)  # over the views and the HUD's text
        self._ticks = np.zeros((0, 4), np.float32)
        self.phase_label = OverlayText(canvas.scene, font_size=LABEL_FONT_PT, anchor_x="center", hang="above")
        self.warp_label = OverlayText(canvas.scene, font_size=LABEL_FONT_PT, anchor_x="right", hang="above")
        self._t, self._warp, self._paused = self.t0_s, 1.0, False
        self._dragging = False
        canvas.events.mouse_press.connect(self._on_press)
        canvas.events.mouse_move.connect(self._on_move)
        canvas.events.mouse_release.connect(self._on_release)
        canvas.events.resize.connect(lambda event: self._place())
        self._place()

    def x_of(self, t_s):
        """Canvas x (px) of simulated time ``t_s`` on the bar."""
        width = self.canvas.size[0]
        share = (np.asarray(t_s, dtype=float) - self.t0_s) / max(self.t1_s - self.t0_s, 1e-12)
        return MARGIN_PX + np.clip(share, 0.0, 1.0) * (width - 2.0 * MARGIN_PX)

    def time_at(self, x_px):
        """Simulated time under canvas x ``x_px`` (clamped to the span)."""
        width = self.canvas.size[0]
        share = (float(x_px) - MARGIN_PX) / max(width - 2.0 * MARGIN_PX, 1.0)
        return self.t0_s + float(np.clip(share, 0.0, 1.0)) * (self.t1_s - self.t0_s)

    def _y(self):
        return self.canvas.size[1] - BOTTOM_PX - BAR_PX / 2.0

    def _place(self):
        y = self._y()
        x = self.x_of(self.event_times_s)
        self._ticks = np.column_stack([x - TICK_PX / 2, np.full_like(x, y - BAR_PX - 2.0), x + TICK_PX / 2, np.full_like(x, y + BAR_PX / 2.0)])
        self.update(self._t, self._warp, self._paused)

    def update(self, t_s, warp=None, paused=None):
        """Move the cursor (and the played part of the bar) to ``t_s``; say the phase there and the
        ``warp`` (simulated s per wall s; kept when None) and whether the player is ``paused``."""
        from viz.hud import format_warp, set_text

        self._t = float(t_s)
        self._warp = self._warp if warp is None else float(warp)
        self._paused = self._paused if paused is None else bool(paused)
        x, y = self.cursor_x(), self._y()
        start, end = float(self.x_of(self.t0_s)), float(self.x_of(self.t1_s))
        played, played_colors = self._played(start, x, y)
        rects = [(start, y - BAR_PX / 2.0, end, y + BAR_PX / 2.0), *played, *self._ticks,
                 (x - TICK_PX / 2, y - BAR_PX - 3.0, x + TICK_PX / 2, y + BAR_PX)]
        self.rects.set(rects, [BAR_COLOR, *played_colors] + [TICK_COLOR] * len(self._ticks) + [CURSOR_COLOR])
        set_text(self.warp_label, f"x{format_warp(self._warp)}" + ("  paused" if self._paused else ""))
        label_y = y - BAR_PX - 4.0
        self.warp_label.pos = (self.canvas.size[0] - MARGIN_PX, label_y)
        k = self.phases.index_at(self._t)
        set_text(self.phase_label, self.phases.names[k] if k >= 0 else "")
        self.phase_label.color = self.phases.colors[k] if k >= 0 and self.phases.colors else CURSOR_COLOR
        # over the cursor, kept on the canvas and clear of the warp's label
        half = 0.5 * self.phase_label.size[0]
        right = self.canvas.size[0] - MARGIN_PX - self.warp_label.size[0] - LABEL_GAP_PX - half
        self.phase_label.pos = (max(MARGIN_PX + half, min(x, right)), label_y)

    def _played(self, start_x, x, y):
        """The bar from ``start_x`` to the cursor ``x`` (px) at height ``y``: its rectangles and colours,
        one per phase where phases have colours, else one."""
        half = BAR_PX / 2.0
        if not self.phases.colors:
            return [(start_x, y - half, x, y + half)], [PLAYED_COLOR]
        cuts = [t for t in self.phases.start_s if self.t0_s < t < self._t]
        times = [self.t0_s, *cuts, self._t]
        xs = self.x_of(np.asarray(times))
        rects = [(a, y - half, b, y + half) for a, b in zip(xs[:-1], xs[1:])]
        colors = [self.phases.colors[max(self.phases.index_at(0.5 * (a + b)), 0)] for a, b in zip(times[:-1], times[1:])]
        return rects, colors

    def cursor_x(self):
        """Canvas x (px) of the cursor."""
        return float(self.x_of(self._t))

    def on_bar(self, pos):
        """True if canvas point ``pos`` (px) is on the bar or just above it."""
        return abs(pos[1] - self._y()) <= GRAB_PX and MARGIN_PX - GRAB_PX <= pos[0] <= self.canvas.size[0] - MARGIN_PX + GRAB_PX

    def _on_press(self, event):
        if self.on_bar(event.pos):
            self._dragging = True
            event.handled = True
            self._seek(self.time_at(event.pos[0]))

    def _on_move(self, event):
        if self._dragging:
            event.handled = True
            self._seek(self.time_at(event.pos[0]))

    def _on_release(self, event):
        self._dragging = False
