"""The close-up: the target's LVLH frame in metres, drawn into a vispy ViewBox.

LVLH: x radial out (drawn up), y along-track, z orbit normal; origin at the
target's centre of mass. Every position comes from the Result as float64
differences from the target and is cast to float32 only when handed to the GPU,
so metres stay metres even kilometres out.

It draws a result with a ``chaser`` or an ``arm`` among its display roles
(:mod:`viz.closeup_tracks` finds them, whatever their names): the target as the
station (:mod:`viz.station_model`), the arm, the chaser as a spacewalker (figure,
ring marker and its trajectory's name), the tether (sagging when slack, straight
and coloured by tension when taut, a stub when broken), the drift trail up to now,
the ``chaser_reference`` (Clohessy-Wiltshire) prediction as a dashed ghost with a
ghost marker, the SAFER target / airlock, and a scale bar. Cameras (``c`` in the
player cycles them; named with the trajectories' names, e.g. ``station + astronaut``):
target + chaser (frames both and zooms out as he drifts away), target, follow the
chaser, ``arm`` (frames the arm and the chaser together).
"""


import numpy as np
from vispy import scene
from vispy.visuals.transforms import STTransform

from orbital.earth.frames import lvlh_basis
from viz import lighting, station_model
from viz.sky import in_earth_shadow, sun_direction
from viz.batch import moving_mesh_class, panel_background_class, set_markers
from viz.closeup_guides import LvlhAxes, ReachEnvelope
from viz.closeup_tracks import TAUT_TENSION_N, Tracks
from viz.overlay_text import OverlayText
from viz.sampling import names_of
from viz.numbers import format_length, format_quantity
from viz.scale_bar import ScaleBar, eye_position, pixels_per_unit

BACKGROUND = (0.02, 0.03, 0.07, 1.0)
#: In the Earth's shadow the station is lit by the night Earth and its own lamps alone.
ECLIPSE_LIGHT = lighting.Light(ambient=0.3, diffuse=0.0, specular=0.0)
TRAIL_COLOR = np.array([0.35, 0.85, 1.0])
GHOST_COLOR = (0.75, 0.75, 1.0, 0.55)
MARKER_COLOR = (1.0, 0.85, 0.2, 1.0)
TARGET_COLOR = (0.35, 1.0, 0.55, 1.0)
SLACK_COLOR = (0.75, 1.0, 0.45, 1.0)
BROKEN_COLOR = (1.0, 0.25, 0.2, 1.0)
STATION_MARK_COLOR = (0.85, 0.9, 1.0, 0.9)
ARM_BOOM = (0.96, 0.96, 0.93, 1.0)
ARM_TIP = (1.0, 0.55, 0.15, 1.0)
ARM_BASE = (0.85, 0.72, 0.30, 1.0)

#: Dashes along the whole CW ghost path.
GHOST_DASHES = 120
#: Tension (N) drawn full red; lower tensions blend from orange.
RED_TENSION_N = 1000.0
#: Sag of a slack tether as a fraction of its chord (the reel keeps it nearly straight).
SLACK_SAG = 0.08
#: Length (m) of the broken tether's stubs.
STUB_LENGTH_M = 3.0
#: Camera: vertical field of view (deg), and depth range (depth precision: keep it small).
FOV_DEG = 45.0
DEPTH_VALUE = 300.0
MAX_DEPTH_VALUE = 1e5
#: Radius (m) framed to show the whole station (its bounding sphere, 70 m, seen obliquely looks smaller).
STATION_VIEW_RADIUS_M = 48.0
#: Extent (m) across the narrower side of the view, at its centre, of the tracking presets when chosen.
FOLLOW_VIEW_M = 25.0
ARM_VIEW_M = 37.0
#: Room left round the framed subjects (1.15: 15 % more than they need).
FRAME_MARGIN = 1.15
#: The story camera's least extent (m) across: enough station round the story to read as one.
STORY_VIEW_M = 30.0
#: Every this many samples of his path so far are framed (the path is smooth between them).
TRAIL_STRIDE = 5
#: Radius (m) of the arm's booms and joints; sides of a boom's tube.
ARM_RADIUS_M = 0.3
JOINT_RADIUS_M = 0.5
ARM_SIDES = 12
#: The meshes are relit when the light or the eye has turned by this much (rad, about 0.6 deg):
#: the Sun turns in LVLH with every frame, and relighting the station costs milliseconds.
RELIGHT_STEP = 0.01
#: Half-width (m) of the arm's pedestal: slim enough that the astronaut carried past it (his centre
#: 1.23 m off its axis in the bundled rescue) is drawn beside it, not inside.
PEDESTAL_HALF_M = 0.6
#: The chaser's ring: its least size on screen (px) far off ...
RING_MIN_PX = 28.0
#: ... and its size (m) near by, where it circles his 1.9 m figure.
RING_DIAMETER_M = 2.6
#: Gap (px) between the chaser's ring and his label above it.
LABEL_GAP_PX = 10.0
#: Data for visuals until the first set_time (vispy wants some).
_PLACEHOLDER_LINE = np.zeros((2, 3), dtype=np.float32)
#: Horizontal gap (px) between a marked point and its label beside it.
LABEL_OFFSET_PX = 8.0
#: Below this size on screen (px) the station gets a marker and a label.
STATION_SPECK_PX = 40.0


#: A vispy Mesh whose ``set_data`` keeps its shader (:func:`viz.batch.moving_mesh_class`).
MovingMesh = moving_mesh_class()
#: The panel's background colour, cleared rather than filled (:func:`viz.batch.panel_background_class`).
PanelBackground = panel_background_class()


class LitMesh:
    """A flat-lit mesh: its face colours are relit on the CPU (:mod:`viz.lighting`) when the
    light or the view turns, or when its vertices move (``move_to``)."""

    def __init__(self, mesh, parent, closed=False):
        """``closed``: ``mesh`` is made of closed solids wound as :mod:`viz.station_model` winds them,
        so their back faces are culled (a software rasteriser pays for every triangle it sets up)."""
        self.vertices, self.faces = mesh.vertices.astype(np.float32), np.asarray(mesh.faces, dtype=np.int32)
        self.base_colors = np.asarray(mesh.face_colors, dtype=float)
        self.normals = lighting.face_normals(self.vertices, self.faces)
        self.visual = MovingMesh(self.vertices, self.faces, face_colors=self.base_colors.astype(np.float32), parent=parent)
        self.visual.set_gl_state("opaque", depth_test=True, depth_mask=True, cull_face="back" if closed else False)  # solid: no blending to pay for
        self._lit_for = None

    def move_to(self, vertices):
        """New vertex positions (V, 3) m, same faces; relit at the next ``light``."""
        self.vertices = np.asarray(vertices, dtype=np.float32)
        self.normals = lighting.face_normals(self.vertices, self.faces)
        self._lit_for = None

    def light(self, light_dir, view_dir, light=lighting.Light()):
        """Relight for these directions (the meshes' frame) and ``light``, if they or the vertices changed."""
        key = np.concatenate([light_dir / np.linalg.norm(light_dir), view_dir / np.linalg.norm(view_dir), [light.diffuse]])
        if self._lit_for is not None and np.allclose(key, self._lit_for, rtol=0.0, atol=RELIGHT_STEP):
            return
        self._lit_for = key
        colors = lighting.lit_colors(self.base_colors, self.normals, light_dir, view_dir, light)
        self.visual.set_data(vertices=self.vertices, faces=self.faces, face_colors=colors)


class CloseupView:
    """The station-frame scene of one Result, drawn into ``viewbox`` (a vispy ViewBox)."""

    @staticmethod
    def applies_to(result):
        """True if ``result`` has LVLH trajectories to draw (a ``chaser`` or an ``arm``)."""
        return any(result.trajectories[name].frame == "lvlh" for role in ("chaser", "arm") for name in names_of(result, role))

    def __init__(self, viewbox, result):
        self.viewbox = viewbox
        self.tracks = Tracks(result)
        self._t = float(self.tracks.time_s[0])
        self.background = PanelBackground(viewbox, BACKGROUND, parent=viewbox)
        self.background.order = -100  # before the scene
        root = viewbox.scene
        self._lit = []
        self.eclipsed = False

        # the station and the arm's pedestal stand still: one mesh
        still = [station_model.station_mesh()] + ([self._pedestal()] if self.tracks.arm is not None else [])
        self.station = self._lit_mesh(station_model.merge(still), root, closed=True).visual
        self.arm = self._build_arm(root) if self.tracks.arm is not None else None
        self.chaser = self._build_chaser(root) if self.tracks.chaser is not None else None
        self.tether = scene.visuals.Line(_PLACEHOLDER_LINE, parent=root, width=2.0, antialias=True)
        self.trail = scene.visuals.Line(_PLACEHOLDER_LINE, parent=root, width=3.0, antialias=True)
        self.ghost_path = self._build_ghost_path(root)
        self.ghost_marker = scene.visuals.Markers(pos=_PLACEHOLDER_LINE[:1], parent=root)
        self._build_targets(root)
        self.station_marker = self._build_station_marker(root)
        self.scale_bar = ScaleBar(viewbox)
        tr = self.tracks
        base = tr.arm_base if tr.arm_base is not None else None if tr.arm is None else tr.arm[0, 0]
        self.envelope = ReachEnvelope(root, base, tr.arm_reach_m) if base is not None and tr.arm_reach_m is not None else None
        self.axes = LvlhAxes(viewbox)
        #: this view's own keys, for the help
        self.keys_help = ["l  LVLH axes on / off"] + ["e  arm's reach envelope on / off"] * (self.envelope is not None)
        self._order_transparent()

        self.camera = scene.cameras.TurntableCamera(fov=FOV_DEG, up="+x", elevation=25.0, azimuth=-55.0)
        self.camera.depth_value = DEPTH_VALUE
        viewbox.camera = self.camera
        target, chaser = self.tracks.target_name, self.tracks.chaser_name
        presets = [("target", target)]  # (what the preset does, its name)
        if self.chaser is not None:
            presets = [("both", f"{target} + {chaser}" + (" + arm" if self.arm is not None else "")), *presets, ("follow", f"follow {chaser}")]
        if self.arm is not None:
            presets.insert(1 if self.chaser is not None else 0, ("arm", "arm"))
        tr = self.tracks
        fixed = [p for p in (tr.tether_anchor, tr.arm_base, *tr.targets.values()) if p is not None]
        #: the station's centre of mass and its marked points (anchor, arm base, targets): always in the frame
        self.station_points = np.vstack([np.zeros((1, 3)), *[np.atleast_2d(p) for p in fixed]])
        self.legend = self._legend()
        self._preset_of = {name: preset for preset, name in presets}
        self.camera_names = [name for _, name in presets]
        self.camera_name = None
        self._choose_camera(self.camera_names[0])
        self.set_time(self._t)

    # --- building -------------------------------------------------------------------------

    def _legend(self):
        """What the close-up's marks mean, one line of those it draws."""
        tr, marks = self.tracks, []
        if self.chaser is not None:
            marks.append(f"yellow ring: {tr.chaser_name}; blue trail: his path so far")
        if self.ghost_path is not None:
            marks.append("dashed: the linear (Clohessy-Wiltshire) prediction")
        if tr.tether_anchor is not None:
            marks.append("tether: green slack, orange to red taut (by tension), red stubs broken")
        if tr.targets:
            marks.append("green diamonds: " + ", ".join(tr.targets))
        if self.envelope is not None:
            marks.append(f"gold shell: the arm's reach ({format_length(self.envelope.reach_m)} from its base)")
        marks.append("LVLH arrows: R-bar radial out, V-bar along-track, H-bar orbit normal")
        return ["close-up: " + "; ".join(marks)]

    def _lit_mesh(self, mesh, parent, closed=False):
        lit = LitMesh(mesh, parent, closed)
        self._lit.append(lit)
        return lit

    def _build_arm(self, root):
        k = self.tracks.arm.shape[1]
        sphere_v, sphere_f = station_model.sphere_template(6, 10)
        self._sphere_v = sphere_v
        link_faces = station_model.tube_faces(k - 1, ARM_SIDES)
        link_vertex_count = (k - 1) * 2 * ARM_SIDES
        joint_faces = np.concatenate([sphere_f + link_vertex_count + j * len(sphere_v) for j in range(k)])
        self._arm_faces = np.concatenate([link_faces, joint_faces]).astype(np.int32)
        colors = [ARM_BOOM] * len(link_faces) + [station_model.JOINT_GREY] * ((k - 1) * len(sphere_f)) + [ARM_TIP] * len(sphere_f)
        self._arm_colors = np.array(colors, dtype=np.float32)
        return self._lit_mesh(station_model.Mesh(*self._arm_geometry(self.tracks.arm[0])[:2], self._arm_colors), root)

    def _pedestal(self):
        """The arm's pedestal: a box from the truss top up to the arm's base."""
        base = self.tracks.arm_base if self.tracks.arm_base is not None else self.tracks.arm[0, 0]
        top = min(station_model.TRUSS_TOP_X_M, base[0] - 0.5)
        half = PEDESTAL_HALF_M
        return station_model.box((top, base[1] - half, base[2] - half), (base[0], base[1] + half, base[2] + half), ARM_BASE)

    def _arm_geometry(self, points):
        """Vertices (float32) and faces of the arm through ``points`` (K, 3) m."""
        links = station_model.tube_vertices(points[:-1], points[1:], ARM_RADIUS_M, ARM_SIDES)
        joints = (points[:, None, :] + JOINT_RADIUS_M * self._sphere_v[None]).reshape(-1, 3)
        return np.vstack([links, joints]).astype(np.float32), self._arm_faces

    def _build_chaser(self, root):
        figure = self._lit_mesh(station_model.astronaut_mesh(), root, closed=True).visual
        figure.transform = STTransform()
        ring = scene.visuals.Markers(pos=_PLACEHOLDER_LINE[:1], parent=root)
        ring.set_gl_state("translucent", depth_test=False)  # always on top: he must never vanish behind the station
        ring.order = 2
        label = OverlayText(self.viewbox, self.tracks.chaser_name, font_size=10, anchor_x="center", hang="above")
        return {"figure": figure, "ring": ring, "label": label}

    def _build_station_marker(self, root):
        """A cross and a label at the centre of mass, shown only when the station is a speck."""
        cross = scene.visuals.Markers(
            pos=np.zeros((1, 3), np.float32), symbol="cross", size=10, face_color=STATION_MARK_COLOR, edge_width=0, parent=root
        )
        cross.set_gl_state("translucent", depth_test=False)
        cross.order = 2
        # to the left of the cross: the airlock / SAFER target labels, a few metres off, go to the right
        label = OverlayText(self.viewbox, self.tracks.target_name, font_size=9, color=STATION_MARK_COLOR, anchor_x="right", hang="middle")
        return cross, label

    def _build_ghost_path(self, root):
        """The CW prediction, dashed: every other piece of the path, cut at equal arc lengths."""
        cw = self.tracks.chaser_reference
        if cw is None:
            return None
        path = cw[np.all(np.isfinite(cw), axis=1)]
        if len(path) < 2:
            return None
        arc = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(path, axis=0), axis=1))])
        if arc[-1] <= 0:
            return None
        s = np.linspace(0.0, arc[-1], 2 * GHOST_DASHES)
        dashed = np.stack([np.interp(s, arc, path[:, i]) for i in range(3)], 1)
        return scene.visuals.Line(dashed.astype(np.float32), color=GHOST_COLOR, connect="segments", width=1.5, parent=root)

    def _build_targets(self, root):
        self._target_labels = []
        if not self.tracks.targets:
            return
        points = np.array(list(self.tracks.targets.values()), dtype=np.float32)
        scene.visuals.Markers(pos=points, symbol="diamond", size=11, face_color=(0, 0, 0, 0), edge_color=TARGET_COLOR, edge_width=2, parent=root)
        self._target_labels = [
            (OverlayText(self.viewbox, label, font_size=9, color=TARGET_COLOR, hang="middle"), np.asarray(p, dtype=float))
            for label, p in self.tracks.targets.items()
        ]

    def _order_transparent(self):
        """Opaque meshes first; lines and markers blend over them."""
        for visual in (self.tether, self.trail, self.ghost_path, self.ghost_marker):
            if visual is not None:
                visual.order = 1

    # --- per frame ------------------------------------------------------------------------

    def set_time(self, t_s):
        """Move everything to ``t_s`` (s since epoch), interpolating between samples."""
        self._t = float(t_s)
        tr = self.tracks
        self._track_camera()  # first: the chaser's ring and label are sized for this view
        if self.arm is not None:
            self.arm.move_to(self._arm_geometry(tr.at(tr.arm, t_s))[0])
        if self.chaser is not None:
            self._place_chaser(tr.chaser_position(t_s))
            self._draw_trail(t_s)
            self._draw_ghost(t_s)
        self._draw_tether(t_s)
        speck = 2.0 * station_model.STATION_RADIUS_M * self._pixels_per_metre(np.zeros(3)) < STATION_SPECK_PX
        cross, label = self.station_marker
        cross.visible = speck
        self._pin_label(label, np.zeros(3), (-LABEL_OFFSET_PX, 0.0), speck)
        for label, p in self._target_labels:  # clear of the chaser's ring when he is there
            self._pin_label(label, p, (0.5 * RING_MIN_PX + LABEL_OFFSET_PX, 0.0))
        self._update_guides()
        self._update_lights()

    def toggle(self, key):
        """Switch one of the view's guides for ``key`` (``"L"`` the axes, ``"E"`` the envelope); False if not its key."""
        guide = {"L": self.axes, "E": self.envelope}.get(key)
        if guide is None:
            return False
        guide.toggle()
        self._update_guides()
        return True

    def overlay_boxes(self):
        """``[(left, top, width, height)]`` canvas px of the view's own overlays (the LVLH triad, when
        shown), for the flash to keep clear of."""
        if not self.axes.visible:
            return []
        left, top, width, height = self.axes.box()
        x, y = self.viewbox.pos
        return [(left + x, top + y, width, height)]

    def _update_guides(self):
        self.axes.update(self.camera)
        if self.envelope is not None:
            self.envelope.update(eye_position(self.camera))

    def _panel_xy(self, point):
        """Where LVLH ``point`` (m) shows in the panel (px, y down), or None behind the eye."""
        mapped = self.viewbox.scene.node_transform(self.viewbox).map(np.append(np.asarray(point, float), 1.0))
        return None if mapped[3] <= 0.0 else mapped[:2] / mapped[3]

    def _pin_label(self, label, point, offset_px, shown=True):
        """Put ``label`` at ``point`` (m) plus ``offset_px``; hidden when not ``shown`` or off the panel."""
        xy = self._panel_xy(point) if shown else None
        width, height = self.viewbox.size
        inside = xy is not None and 0.0 <= xy[0] <= width and 0.0 <= xy[1] <= height
        label.visible = inside
        if inside:
            label.bounds = (width, height)  # near an edge, the whole word stays on the panel
            label.pos = xy + np.asarray(offset_px)

    def _place_chaser(self, p):
        a = self.chaser
        a["figure"].transform.translate = p.astype(np.float32)
        pixels_per_metre = self._pixels_per_metre(p)
        ring_px = max(RING_MIN_PX, RING_DIAMETER_M * pixels_per_metre)
        self._pin_label(a["label"], p, (0.0, -(0.5 * ring_px + LABEL_GAP_PX)))
        set_markers(a["ring"], p[None], ring_px, symbol="disc", face_color=(0, 0, 0, 0), edge_color=MARKER_COLOR, edge_width=3)

    def _draw_trail(self, t_s):
        past = self.tracks.history(self.tracks.chaser[:, :3], t_s)
        alpha = np.linspace(0.35, 0.95, len(past))
        colors = np.column_stack([np.tile(TRAIL_COLOR, (len(past), 1)), alpha]).astype(np.float32)
        self.trail.set_data(past.astype(np.float32), color=colors)

    def _draw_ghost(self, t_s):
        cw = self.tracks.at(self.tracks.chaser_reference, t_s) if self.tracks.chaser_reference is not None else None
        if cw is None or not np.all(np.isfinite(cw)):
            self.ghost_marker.visible = False
            return
        self.ghost_marker.visible = True
        set_markers(self.ghost_marker, cw[None], 12, symbol="disc", face_color=(0, 0, 0, 0), edge_color=GHOST_COLOR, edge_width=1.5)

    def _draw_tether(self, t_s):
        tr = self.tracks
        state = tr.tether_state(t_s)
        p = tr.chaser_position(t_s)
        if state == "none" or p is None:
            self.tether.visible = False
            return
        self.tether.visible = True
        anchor = tr.tether_anchor
        if state == "broken":
            points, color = broken_stubs(anchor, p), BROKEN_COLOR
            self.tether.set_data(points.astype(np.float32), color=color, connect="segments")
            return
        if state == "taut":
            points, color = np.array([anchor, p]), tension_color(max(tr.tension(t_s), TAUT_TENSION_N))
        else:
            points, color = sagging_line(anchor, p, SLACK_SAG), SLACK_COLOR
        self.tether.set_data(points.astype(np.float32), color=color, connect="strip")

    # --- cameras -------------------------------------------------------------------------

    def cycle_camera(self):
        """Switch to the next camera preset; returns its name."""
        i = (self.camera_names.index(self.camera_name) + 1) % len(self.camera_names)
        self._choose_camera(self.camera_names[i])
        self._track_camera()
        return self.camera_name

    def _choose_camera(self, name):
        self.camera_name = name
        preset = self._preset_of[name]
        if preset == "target":
            self.camera.center = (0.0, 0.0, 0.0)
            self.camera.scale_factor = 2.0 * STATION_VIEW_RADIUS_M
        elif preset == "follow":
            self.camera.scale_factor = FOLLOW_VIEW_M
        elif preset == "arm":
            self.camera.scale_factor = ARM_VIEW_M

    def _track_camera(self):
        """Re-aim the tracking presets at the current time (the user keeps azimuth and elevation)."""
        tr, t = self.tracks, self._t
        preset = self._preset_of[self.camera_name]
        if preset == "follow":
            self.camera.center = tuple(tr.chaser_position(t).astype(np.float32))
        elif preset in ("arm", "both"):
            # "both": the story so far (his path, the arm) and the station's marked points, at least
            # STORY_VIEW_M across; "arm": the arm and him, at least ARM_VIEW_M across
            subjects = [] if preset == "arm" else [self.station_points]
            if tr.arm is not None:
                subjects.append(tr.at(tr.arm, t))
            if tr.chaser is not None:  # his figure and ring, about him; his path so far
                subjects.append(tr.chaser_position(t) + RING_DIAMETER_M * np.vstack([np.eye(3), -np.eye(3)]))
                if preset == "both":
                    subjects.append(tr.history(tr.chaser[:, :3], t)[::TRAIL_STRIDE])
            center, distance = self._fit(np.vstack(subjects), least_m=ARM_VIEW_M if preset == "arm" else STORY_VIEW_M)
            scale = 2.0 * distance * np.tan(np.radians(FOV_DEG) / 2.0)
            if not (np.isclose(self.camera.scale_factor, scale, rtol=1e-4) and np.allclose(self.camera.center, center)):
                self.camera.set_state(center=tuple(center.astype(np.float32)), scale_factor=scale)
        self._reach_far_things()
        self.scale_bar.update(self._pixels_per_metre())

    def _fit(self, points, least_m=0.0, margin=FRAME_MARGIN):
        """Centre (m) and eye distance (m) that show every point of ``points`` (K, 3) whole, seen
        from the camera's present direction (the user's turn is kept), and at least ``least_m`` across.

        A point ``u`` to the side of the centre and ``d`` nearer the eye shows inside a half-angle
        ``a`` when ``u <= (D - d) tan a``: the distance is the largest ``u / tan a + d`` over the
        points, each side of the panel with its own angle (vispy's fov spans the shorter side).
        """
        right, up, back = (self.camera.transform.map(axis)[:3] for axis in ([1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]))
        right, up, back = (v / np.linalg.norm(v) for v in (right, up, back))
        xyz = np.asarray(points, dtype=float) @ np.column_stack([right, up, back])
        mid = 0.5 * (xyz.min(axis=0) + xyz.max(axis=0))
        width, height = (max(float(n), 1.0) for n in self.viewbox.size)
        tan_short = np.tan(np.radians(FOV_DEG) / 2.0)
        tan_x, tan_y = tan_short * max(width / height, 1.0), tan_short * max(height / width, 1.0)
        rel = xyz - mid
        need = np.maximum(np.abs(rel[:, 0]) * margin / tan_x, np.abs(rel[:, 1]) * margin / tan_y) + rel[:, 2]
        distance = max(float(need.max()), 0.5 * least_m / tan_short, 1.0)
        return mid @ np.vstack([right, up, back]), distance

    def _reach_far_things(self):
        """Push the far clipping plane out to the station and the chaser, however far apart.

        vispy puts the planes at distance / k and distance * k, k = sqrt(10 depth_value); the
        depth buffer's precision wants k small, so it grows only as far as needed.
        """
        eye = eye_position(self.camera)
        far = np.linalg.norm(eye) + station_model.STATION_RADIUS_M
        p = self.tracks.chaser_position(self._t)
        if p is not None:
            far = max(far, np.linalg.norm(eye - p) + STATION_VIEW_RADIUS_M)
        distance = max(np.linalg.norm(eye - np.asarray(self.camera.center, dtype=float)), 1e-3)
        depth_value = float(np.clip((far / distance) ** 2 / 10.0, DEPTH_VALUE, MAX_DEPTH_VALUE))
        if not np.isclose(self.camera.depth_value, depth_value, rtol=0.2):
            self.camera.depth_value = depth_value

    def _pixels_per_metre(self, point=None):
        """Screen pixels per metre at the camera's centre (or at ``point``, m)."""
        return pixels_per_unit(self.camera, self.viewbox.size[1], point, least_distance=1e-3)

    def _update_lights(self):
        """Sunlight from the Sun's direction in the target's LVLH frame, or (a result without the
        target's orbit) from over the viewer's left shoulder; in the Earth's shadow, ambient light only."""
        view_dir = self.camera.transform.map([0.0, 0.0, -1.0, 0.0])[:3]
        light_dir, light = self.camera.transform.map([0.6, -0.7, -1.0, 0.0])[:3], lighting.Light()
        state = self.tracks.target_state
        if state is not None:
            r, v = (self.tracks.at(state, self._t)[k : k + 3] for k in (0, 3))
            sun = sun_direction(self.tracks.epoch_utc, self._t)
            light_dir = -(lvlh_basis(r, v) @ sun)
            self.eclipsed = in_earth_shadow(r, sun)
            if self.eclipsed:
                light = ECLIPSE_LIGHT
        for lit in self._lit:
            lit.light(light_dir, view_dir, light)

    # --- heads-up display ------------------------------------------------------------------

    def hud_items(self, t_s):
        """Short strings for the HUD at ``t_s``: distance, speed, tether, targets, camera."""
        tr = self.tracks
        items = {"camera": self.camera_name}
        if tr.chaser is not None:
            state = tr.at(tr.chaser, t_s)
            items["distance"] = format_length(float(np.linalg.norm(state[:3])))
            items["speed"] = format_quantity(float(np.linalg.norm(state[3:6])), "m/s")
            for label, target in tr.targets.items():
                items[f"to {label}"] = format_length(float(np.linalg.norm(state[:3] - target)))
            if tr.arm is not None:
                items["arm tip"] = format_length(float(np.linalg.norm(tr.at(tr.arm, t_s)[-1] - state[:3])))
        tether = tr.tether_state(t_s)
        if tether == "taut":  # a bounce shorter than the output step can fall between samples
            tension = tr.tension(t_s)
            items["tether"] = f"taut {format_quantity(tension, 'N')}" if tension > TAUT_TENSION_N else "taut"
        elif tether == "slack":
            items["tether"] = f"slack {format_length(float(np.linalg.norm(tr.chaser_position(t_s) - tr.tether_anchor)))} out"
        elif tether == "broken":
            items["tether"] = "broken"
        return items


def tension_color(tension_n):
    """Orange at low tension to red at :data:`RED_TENSION_N` and above (RGBA)."""
    f = float(np.clip(np.log10(max(tension_n, 1.0)) / np.log10(RED_TENSION_N), 0.0, 1.0))
    return (1.0, 0.65 * (1.0 - f) + 0.1 * f, 0.1, 1.0)


def sagging_line(start, end, sag_fraction, count=32):
    """A parabolic curve from ``start`` to ``end`` (m), bowed by ``sag_fraction`` of its chord.

    It bows toward +x (up, away from the truss top where the reels sit) where it can, else toward -y.
    """
    start, end = np.asarray(start, float), np.asarray(end, float)
    chord = end - start
    length = np.linalg.norm(chord)
    s = np.linspace(0.0, 1.0, count)[:, None]
    if length < 1e-9:
        return start + s * chord
    axis = chord / length
    bow = np.array([1.0, 0.0, 0.0]) - axis * axis[0]
    if np.linalg.norm(bow) < 0.3:
        bow = np.array([0.0, -1.0, 0.0]) - axis * -axis[1]
    bow /= np.linalg.norm(bow)
    return start + s * chord + (4.0 * sag_fraction * length) * (s * (1.0 - s)) * bow


def broken_stubs(anchor, astronaut):
    """Two short dangling ends (segment pairs, m): one at the reel, one on the astronaut."""
    anchor, astronaut = np.asarray(anchor, float), np.asarray(astronaut, float)
    away = astronaut - anchor
    away = away / max(np.linalg.norm(away), 1e-9)
    droop = np.array([-0.6, 0.0, 0.0])
    reel_end = anchor + STUB_LENGTH_M * (0.6 * away + droop)
    suit_end = astronaut + STUB_LENGTH_M * (-0.6 * away + droop)
    return np.array([anchor, reel_end, astronaut, suit_end])
