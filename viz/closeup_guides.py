"""Guides drawn in the close-up, each toggled with a key: the arm's reach envelope (a faint wire shell
about its base and its outline as seen from the eye, ``e``) and the LVLH axes (``l``, a small
labelled triad in the panel's top-left corner, clear of the footer's legend and the scale bar
below and of the live plots at the top right, that turns with the camera).

The reach is the run's own (``Result.scene["arm_reach_m"]``: the arm model's full stretch, from its
link lengths), never a number the viewer knows; a result without it has no envelope.
"""

import numpy as np
from vispy import scene

from viz.overlay_text import OverlayText

ENVELOPE_COLOR = (0.95, 0.8, 0.35, 0.2)
OUTLINE_COLOR = (0.95, 0.8, 0.35, 0.65)
#: The shell's meridians (great circles through its radial axis) and parallels (deg of latitude).
MERIDIANS = 4
PARALLELS_DEG = (-45.0, 0.0, 45.0)
CIRCLE_POINTS = 72
#: The LVLH axes: name, direction (x radial out, y along-track, z orbit normal), colour.
AXES = (
    ("R-bar", (1.0, 0.0, 0.0), (1.0, 0.35, 0.3, 1.0)),
    ("V-bar", (0.0, 1.0, 0.0), (0.4, 1.0, 0.4, 1.0)),
    ("H-bar", (0.0, 0.0, 1.0), (0.45, 0.65, 1.0, 1.0)),
)
#: The triad's arm length (px), its centre's inset from the panel's left and top edges (px), and
#: its arrowheads' length (px) and half-angle (rad).
AXIS_PX = 34.0
AXES_INSET_PX = (60.0, 60.0)
HEAD_PX, HEAD_RAD = 8.0, 0.45
#: How far (px) past a tip its label may reach (its offset and half a short word).
LABEL_REACH_PX = 26.0


def shell_segments(center, radius, meridians=MERIDIANS, parallels_deg=PARALLELS_DEG, n=CIRCLE_POINTS):
    """Segment pairs (M, 3) of a wire sphere of ``radius`` about ``center``: ``meridians`` great
    circles through its x axis (radial, up in the close-up) and the circles of ``parallels_deg``."""
    a = np.linspace(0.0, 2.0 * np.pi, n + 1)
    rings = []
    for k in range(meridians):
        turn = np.pi * k / meridians
        rings.append(np.column_stack([np.cos(a), np.sin(a) * np.cos(turn), np.sin(a) * np.sin(turn)]))
    for lat in np.radians(parallels_deg):
        rings.append(np.column_stack([np.full_like(a, np.sin(lat)), np.cos(lat) * np.cos(a), np.cos(lat) * np.sin(a)]))
    pairs = [np.stack([ring[:-1], ring[1:]], axis=1).reshape(-1, 3) for ring in rings]
    return np.asarray(center, dtype=float) + radius * np.vstack(pairs)


def outline(center, radius, eye, n=CIRCLE_POINTS):
    """The circle (n + 1, 3) where a sphere's edge shows from ``eye`` (the eye's lines touch the
    sphere along it), or None with the eye inside."""
    center = np.asarray(center, dtype=float)
    toward = np.asarray(eye, dtype=float) - center
    d = float(np.linalg.norm(toward))
    if d <= radius:
        return None
    toward /= d
    u = np.cross(toward, [1.0, 0.0, 0.0] if abs(toward[0]) < 0.9 else [0.0, 1.0, 0.0])
    u /= np.linalg.norm(u)
    v = np.cross(toward, u)
    a = np.linspace(0.0, 2.0 * np.pi, n + 1)[:, None]
    rim = radius * np.sqrt(d * d - radius * radius) / d
    return center + radius * radius / d * toward + rim * (np.cos(a) * u + np.sin(a) * v)


class ReachEnvelope:
    """The arm's reach about its base in the close-up's scene ``parent``: a faint wire shell and,
    brighter, its outline as the eye sees it (``update(eye)``)."""

    def __init__(self, parent, base_lvlh_m, reach_m):
        self.base_lvlh_m, self.reach_m = np.asarray(base_lvlh_m, dtype=float), float(reach_m)
        self.shell = scene.visuals.Line(shell_segments(self.base_lvlh_m, self.reach_m).astype(np.float32), color=ENVELOPE_COLOR,
                                        connect="segments", width=1.0, antialias=True, parent=parent)
        self.outline = scene.visuals.Line(np.zeros((2, 3), np.float32), color=OUTLINE_COLOR, width=1.5, antialias=True, parent=parent)
        for visual in (self.shell, self.outline):
            visual.set_gl_state("translucent", depth_test=True, depth_mask=False)  # the station hides the shell's far side; the faint shell hides nothing
            visual.order = 1
        self.visible = True

    def toggle(self):
        self.visible = not self.visible

    def update(self, eye):
        """Show or hide the envelope; its outline as seen from ``eye`` (LVLH m)."""
        rim = outline(self.base_lvlh_m, self.reach_m, eye) if self.visible else None
        self.shell.visible = self.visible
        self.outline.visible = rim is not None
        if rim is not None:
            self.outline.set_data(rim.astype(np.float32))


class LvlhAxes:
    """R-bar, V-bar and H-bar arrows in ``viewbox``'s top-left corner, seen as the camera sees LVLH."""

    def __init__(self, viewbox):
        self.viewbox = viewbox
        self.lines = scene.visuals.Line(np.zeros((2, 2), np.float32), connect="segments", width=2.0, antialias=True, parent=viewbox)
        self.lines.set_gl_state("translucent", depth_test=False)
        self.lines.order = 3
        self.labels = [OverlayText(viewbox, name, font_size=8, color=color, anchor_x="center", hang="middle") for name, _, color in AXES]
        self.visible = True

    def origin_px(self):
        """The triad's centre (px in the panel, y down)."""
        return np.array(AXES_INSET_PX)

    def box(self):
        """``(left, top, width, height)`` px in the panel that the triad and its labels may take, whatever the turn."""
        reach = AXIS_PX + LABEL_REACH_PX
        left, top = self.origin_px() - reach
        return (float(left), float(top), 2.0 * reach, 2.0 * reach)

    def tips_px(self, camera):
        """Panel px (3, 2) of the three arrows' tips, for ``camera``'s present turn (foreshortened, as seen)."""
        right, up = (camera.transform.map(axis)[:3] for axis in ([1, 0, 0, 0], [0, 1, 0, 0]))
        right, up = right / np.linalg.norm(right), up / np.linalg.norm(up)
        directions = np.array([d for _, d, _ in AXES])
        return self.origin_px() + AXIS_PX * np.column_stack([directions @ right, -(directions @ up)])

    def toggle(self):
        self.visible = not self.visible

    def update(self, camera):
        """Turn the triad as ``camera`` looks (or hide it)."""
        self.lines.visible = self.visible
        for label in self.labels:
            label.visible = self.visible
        if not self.visible:
            return
        origin, tips = self.origin_px(), self.tips_px(camera)
        points, colors = [], []
        for tip, (_, _, color), label in zip(tips, AXES, self.labels):
            along = tip - origin
            length = max(float(np.linalg.norm(along)), 1e-6)
            back = -along / length * min(HEAD_PX, length)
            barbs = [tip + rotate(back, s * HEAD_RAD) for s in (1.0, -1.0)]
            points += [origin, tip, tip, barbs[0], tip, barbs[1]]
            colors += [color] * 6
            # the label beyond the tip, or beside the origin for an axis seen end-on
            label.pos = tip + (along / length * 12.0 if length > 4.0 else np.array([0.0, 12.0]))
        self.lines.set_data(np.asarray(points, np.float32), color=np.asarray(colors, np.float32))


def rotate(vector, angle_rad):
    """``vector`` (2,) turned by ``angle_rad``."""
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    return np.array([c * vector[0] - s * vector[1], s * vector[0] + c * vector[1]])
