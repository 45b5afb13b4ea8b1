"""A scale bar in a view's corner: a round length (1, 2 or 5 x 10^k m) and its label; and the
screen scale of a perspective camera that it shows."""

import math

import numpy as np

from viz.hud import set_text
from viz.numbers import format_length
from viz.overlay_text import OverlayText
from viz.timeline import TIMELINE_PX

#: The bar aims at this length on screen (px).
SCALE_BAR_PX = 110.0
#: Distance (px) of the bar from the panel's side and bottom edges (above the timeline and its labels).
INSET_PX = (16.0, 3.0 + TIMELINE_PX)


class ScaleBar:
    """A white bar with end ticks and its length, at the bottom-left or bottom-right of ``viewbox``."""

    def __init__(self, viewbox, corner="left"):
        from vispy import scene

        self.viewbox, self.corner = viewbox, corner
        self.line = scene.visuals.Line(np.zeros((2, 2), np.float32), parent=viewbox, width=2.0, color="white")
        self.label = OverlayText(viewbox, font_size=9, hang="middle", anchor_x="left" if corner == "left" else "right")
        self._points = None  # what the line last drew: it is handed over again only when that changed

    @property
    def visible(self):
        return self.line.visible

    @visible.setter
    def visible(self, value):
        self.line.visible = self.label.visible = bool(value)

    def update(self, pixels_per_metre):
        """Redraw for this scale (screen px per metre at the view's centre)."""
        length_m, length_px = scale_bar_length(pixels_per_metre, SCALE_BAR_PX)
        width, height = self.viewbox.size
        y = height - INSET_PX[1]
        if self.corner == "left":
            x0, x1, label_x = INSET_PX[0], INSET_PX[0] + length_px, INSET_PX[0] + length_px + 6.0
        else:
            x1 = width - INSET_PX[0]
            x0, label_x = x1 - length_px, x1 - length_px - 6.0
        points = np.array([[x0, y - 5], [x0, y], [x1, y], [x1, y - 5]], np.float32)
        if self._points is None or not np.array_equal(points, self._points):
            self.line.set_data(points)
            self._points = points
        set_text(self.label, format_length(length_m))
        self.label.pos = (label_x, y - 2.0)


def eye_position(camera):
    """The eye's position (scene units), from a vispy camera's own transform."""
    return np.asarray(camera.transform.map([0.0, 0.0, 0.0, 1.0]), dtype=float)[:3]


def eye_distance(camera, point=None, least=1e-9):
    """Distance (scene units, at least ``least``) from the eye to ``point`` (default: the camera's centre)."""
    target = np.asarray(camera.center if point is None else point, dtype=float)
    return max(float(np.linalg.norm(eye_position(camera) - target)), least)


def pixels_per_unit(camera, height_px, point=None, least_distance=1e-9):
    """Screen pixels per scene unit at ``point`` (default: the camera's centre) of a perspective
    ``camera`` whose view is ``height_px`` tall."""
    distance = eye_distance(camera, point, least_distance)
    return max(height_px, 1.0) / (2.0 * distance * math.tan(math.radians(camera.fov) / 2.0))


def scale_bar_length(pixels_per_metre, target_px):
    """A round length (1, 2 or 5 x 10^k m) near ``target_px`` on screen: ``(metres, pixels)``."""
    raw = target_px / max(pixels_per_metre, 1e-12)
    decade = 10.0 ** math.floor(math.log10(raw))
    metres = max((m * decade for m in (1.0, 2.0, 5.0, 10.0) if m * decade <= raw), default=decade)
    return metres, metres * pixels_per_metre
