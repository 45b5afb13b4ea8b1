"""The globe view: the Earth turning in the inertial frame, with the layers of a result's roles."""

import numpy as np

from orbital.earth.constants import OMEGA_EARTH_RAD_S
from orbital.earth.frames import itrs_to_geodetic
from viz.earth import PATCH_DISTANCE, Earth
from viz.earth_rotation import R_EARTH, SCENE_UNIT_M, EarthRotation
from viz.scale_bar import ScaleBar, eye_distance, eye_position, pixels_per_unit
from viz.sky import Sky, sun_direction

#: Camera depth range: near = distance / sqrt(DEPTH_VALUE). Chosen for a 16-bit depth buffer (frames
#: are 24-bit now), which z-fights at vispy's 1e6; at 100 lines 8 km above the ground stay on top at every preset.
DEPTH_VALUE = 1.0e2
GLOBE_DISTANCE = 5.2 * R_EARTH
FOLLOW_TILT_DEG = 25.0
#: The whole-globe camera looks down on an orbit from this far (deg) off its plane, towards its normal.
ORBIT_OPEN_DEG = 50.0
#: Frames further apart than this (s of simulated time) are a time lapse.
TIME_LAPSE_S = 6 * 3600.0
#: Depth (scene units, 40 km) the far plane reaches past a followed point near the ground.
GROUND_REACH = 0.04


class GlobeView:
    """Draws a result on the globe into a vispy ViewBox; the same interface as the close-up view."""

    @staticmethod
    def applies_to(result):
        return True

    def __init__(self, viewbox, result, time_span=None):
        from vispy import scene

        from viz.registry import globe_layers, time_span as span_of

        self.viewbox = viewbox
        t0, t1 = time_span or span_of(result)
        self.rotation = EarthRotation(result.epoch_utc, t0, t1)
        self.inertial = viewbox.scene
        self.ground = scene.Node(parent=viewbox.scene)
        self.ground.transform = scene.transforms.MatrixTransform()
        self.earth = Earth(self.ground)
        self.earth.mesh.clip_to(viewbox)
        self.epoch_utc = result.epoch_utc
        self.layers = [layer(self, result, name) for layer, name in globe_layers(result)]
        self.camera = scene.TurntableCamera(fov=35.0, up="+z")
        self.camera.depth_value = DEPTH_VALUE
        viewbox.camera = self.camera
        self.sky = Sky(viewbox.scene, self.camera)
        close = [preset for layer in self.layers for preset in layer.cameras]
        globe = [("globe", GLOBE_DISTANCE, None)]
        close_first = bool(self.layers) and all(getattr(layer, "close_first", True) for layer in self.layers)
        self.presets = close + globe if close_first else globe + close
        self.camera_names = [name for name, _, _ in self.presets]
        self._preset = 0
        self._t = t0
        # bottom right: the HUD's footer takes the canvas's bottom-left corner
        self.scale_bar = ScaleBar(viewbox, corner="right")
        self._base_angles = (0.0, 0.0)
        self._zoomed_scale = None
        self.time_lapse = False
        self._aim(t0)

    @property
    def legend(self):
        return [line for layer in self.layers for line in layer.legend]

    def set_time(self, t_s):
        """Turn the Earth and update every layer to ``t_s`` (s since epoch); follow the camera's target."""
        step_s, self._t = float(t_s) - self._t, float(t_s)
        # a frame a quarter of a day or more after the last would strobe the turning Earth, its night
        # side and what moves over it: a time lapse holds the Earth still, all in daylight
        self.time_lapse = abs(step_s) > TIME_LAPSE_S
        matrix = np.eye(4)
        matrix[:3, :3] = self.rotation.gcrs_to_itrs(self._t)  # vispy maps row vectors: p_gcrs = p_itrs @ M
        self.ground.transform.matrix = matrix
        self.sun = sun_direction(self.epoch_utc, self._t)
        self.earth.light_from(None if self.time_lapse else matrix[:3, :3] @ self.sun)
        for layer in self.layers:
            layer.set_time(self._t)
        _, distance, target = self.presets[self._preset]
        if self.time_lapse and target is None:  # the eye turns with the Earth: it stands still
            self.camera.azimuth = (self.camera.azimuth + np.degrees(OMEGA_EARTH_RAD_S * step_s)) % 360.0
        if callable(distance):  # a camera that comes down with what it follows
            self._zoom_to(distance(self._t))
        if target is not None:
            self._follow(np.asarray(target(self._t), dtype=float))
        eye_to_centre = eye_distance(self.camera)
        self.earth.seen_from(eye_to_centre, self._ground_looked_at(eye_to_centre, matrix[:3, :3]))
        self.earth.fit_depth_offset(eye_position(self.camera), *depth_range(self.camera))
        self.sky.update()
        # a length means something at a followed point near the ground, not across the whole globe
        self.scale_bar.visible = target is not None
        if target is not None:
            self.scale_bar.update(self.pixels_per_metre())

    def _ground_looked_at(self, eye_to_centre, gcrs_to_itrs):
        """(lat, lon) in deg of the ground under the camera's centre, ``eye_to_centre`` (scene units)
        from the eye, or None when that is the Earth's centre (the whole globe) or the camera is too
        far for the fine ground (:data:`viz.earth.PATCH_DISTANCE`)."""
        centre = np.asarray(self.camera.center, dtype=float)
        if np.linalg.norm(centre) < 0.5 * R_EARTH or eye_to_centre >= PATCH_DISTANCE:
            return None
        lat_deg, lon_deg, _ = itrs_to_geodetic(gcrs_to_itrs @ centre * SCENE_UNIT_M)
        return float(lat_deg), float(lon_deg)

    def _zoom_to(self, distance):
        """Put the eye ``distance`` (scene units) from the centre, times the user's own zoom since
        the last frame; the far plane reaches the ground well behind what is followed."""
        user_zoom = self.camera.scale_factor / self._zoomed_scale if self._zoomed_scale else 1.0
        scale = distance * 2.0 * np.tan(np.radians(self.camera.fov) / 2.0) * user_zoom
        depth_value = max(DEPTH_VALUE, ((distance * user_zoom + GROUND_REACH) / (distance * user_zoom)) ** 2)
        if not np.isclose(self.camera.depth_value, depth_value, rtol=0.2):
            self.camera.depth_value = depth_value
        self.camera.set_state(scale_factor=scale)
        self._zoomed_scale = scale

    def pixels_per_metre(self):
        """Screen pixels per metre at the camera's centre (the followed point)."""
        return pixels_per_unit(self.camera, self.viewbox.size[1]) / SCENE_UNIT_M

    def _follow(self, centre):
        """Centre on a moving target and turn with it, keeping the user's own turn on top."""
        azimuth, elevation = view_angles(centre, FOLLOW_TILT_DEG)
        base_azimuth, base_elevation = self._base_angles
        self._base_angles = (azimuth, elevation)
        self.camera.set_state(  # one view update, not one per property (each costs ms)
            azimuth=self.camera.azimuth - base_azimuth + azimuth,
            elevation=float(np.clip(self.camera.elevation - base_elevation + elevation, -89.0, 89.0)),
            center=tuple(centre),
        )

    def cycle_camera(self):
        """Switch to the next camera preset; returns its name."""
        self._preset = (self._preset + 1) % len(self.presets)
        self._aim(self._t)
        self.set_time(self._t)
        return self.camera_names[self._preset]

    def _aim(self, t_s):
        """Put the camera at its preset distance, looking down on the target (or the first layer's)."""
        _, distance, target = self.presets[self._preset]
        distance = distance(t_s) if callable(distance) else distance
        # the distance follows the scale factor, and so do the near and far planes (depth precision)
        self.camera.scale_factor = distance * 2.0 * np.tan(np.radians(self.camera.fov) / 2.0)
        self.camera.depth_value = DEPTH_VALUE
        self._zoomed_scale = None
        focus = target or next((p[2] for p in self.presets if p[2] is not None), None)
        centre = np.zeros(3) if target is None else np.asarray(target(t_s), dtype=float)
        self.camera.center = tuple(centre)
        if focus is not None:
            tilt = 0.0 if target is None else FOLLOW_TILT_DEG
            direction = np.asarray(focus(t_s), dtype=float)
            normal = next((layer.normal for layer in self.layers if hasattr(layer, "normal")), None)
            if target is None and normal is not None:  # the whole globe: the orbit seen open, not edge-on
                up = np.radians(ORBIT_OPEN_DEG)
                direction = np.cos(up) * direction / np.linalg.norm(direction) + np.sin(up) * normal(t_s)
            self.camera.azimuth, self.camera.elevation = self._base_angles = view_angles(direction, tilt)

    def hud_items(self, t_s):
        items = {}
        for layer in self.layers:
            items.update(layer.hud_items(t_s))
        return items


def depth_range(camera):
    """``(near, far)``: the distances (scene units) of a perspective camera's clipping planes, read
    from its projection matrix (vispy's row-vector layout), as the frame is drawn."""
    matrix = np.asarray(camera._projection.matrix, dtype=float)
    c, d = matrix[2, 2], matrix[3, 2]
    return d / (c - 1.0), d / (c + 1.0)


def view_angles(direction, tilt_deg=0.0):
    """Turntable ``(azimuth, elevation)`` (deg, up +z) that put the eye along ``direction`` from the centre.

    ``tilt_deg`` lowers the eye towards the horizon to show the ground in perspective.
    """
    x, y, z = np.asarray(direction, dtype=float) / np.linalg.norm(direction)
    return float(np.degrees(np.arctan2(x, -y))), float(np.clip(np.degrees(np.arcsin(z)) - tilt_deg, -89.0, 89.0))
