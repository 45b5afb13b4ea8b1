"""The timeline: a scrub bar along the canvas's bottom edge with the run's events as ticks and the
moment shown as a cursor; a click or a drag on it jumps there.

Drawn in canvas pixels over every view (as the HUD is); the bar spans the played span in
simulated time, so an event's tick stays where it is whatever the pace.
"""

import numpy as np

from viz.batch import Rects

#: The bar's height (px), its distance from the bottom edge (px), and how far above it a click still counts.
BAR_PX, BOTTOM_PX, GRAB_PX = 4.0, 5.0, 8.0
BAR_COLOR = (1.0, 1.0, 1.0, 0.35)
PLAYED_COLOR = (0.35, 0.9, 1.0, 0.9)
TICK_COLOR = (1.0, 0.85, 0.2, 1.0)
CURSOR_COLOR = (1.0, 1.0, 1.0, 1.0)
MARGIN_PX = 12.0
#: Width (px) of an event's tick and of the cursor.
TICK_PX = 2.0
#: Height (px) the timeline takes at the bottom of the canvas: the footer stands above it.
TIMELINE_PX = BOTTOM_PX + BAR_PX + 6.0


class Timeline:
    """Over ``canvas`` (a vispy SceneCanvas): the span ``[t0_s, t1_s]``, ticks at ``event_times_s``;
    ``seek(t_s)`` is called when the user clicks or drags on the bar."""

    def __init__(self, canvas, t0_s, t1_s, event_times_s, seek):
        self.canvas, self.t0_s, self.t1_s, self._seek = canvas, float(t0_s), float(t1_s), seek
        inside = [t for t in event_times_s if self.t0_s <= t <= self.t1_s]
        self.event_times_s = np.asarray(inside, dtype=float)
        # the bar, the played part, the ticks and the cursor: one visual (viz.batch)
        self.rects = Rects(canvas.scene, order=11)  # over the views and the HUD's text
        self._ticks = np.zeros((0, 4), np.float32)
        self._t = self.t0_s
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
        self.update(self._t)

    def update(self, t_s):
        """Move the cursor (and the played part of the bar) to ``t_s``."""
        self._t = float(t_s)
        x, y = self.cursor_x(), self._y()
        start, end = float(self.x_of(self.t0_s)), float(self.x_of(self.t1_s))
        half = BAR_PX / 2.0
        rects = [(start, y - half, end, y + half), (start, y - half, x, y + half), *self._ticks,
                 (x - TICK_PX / 2, y - BAR_PX - 3.0, x + TICK_PX / 2, y + BAR_PX)]
        colors = [BAR_COLOR, PLAYED_COLOR] + [TICK_COLOR] * len(self._ticks) + [CURSOR_COLOR]
        self.rects.set(rects, colors)

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
