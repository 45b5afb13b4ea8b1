"""What the globe draws of a result: one layer per role of a trajectory or table (the result's
display hints, :data:`viz.registry.LAYERS`).

A layer is built with ``(globe, result, name)``, ``name`` the trajectory or table it draws; the
trajectories that go with it are found by their roles (:func:`_companion`). ``globe.inertial``
is the GCRS scene node, ``globe.ground`` the Earth-fixed (ITRS) node and ``globe.rotation`` the
:class:`viz.earth_rotation.EarthRotation`. A layer offers ``set_time(t_s)``,
``hud_items(t_s) -> dict``, ``cameras`` (``(name, distance, target(t_s) -> GCRS
scene point)``) and ``legend`` (text lines). Things on the ground (tracks,
landing points, swaths) hang under ``globe.ground``; orbits under ``globe.inertial``.
"""

import numpy as np

from orbital.earth.constants import OMEGA_EARTH_RAD_S
from orbital.earth.frames import geodetic_to_itrs, itrs_to_geodetic
from viz.batch import set_markers
from viz.earth import GROUND_LIFT_M, ground_points
from viz.earth_rotation import to_scene
from viz.numbers import format_length, format_quantity
from viz.sky import in_earth_shadow
from viz.sampling import between, interpolate, names_of, table, upto

STATION_COLOR = (0.35, 0.9, 1.0, 1.0)
#: A body in the Earth's shadow: its marker dark, ringed in white.
ECLIPSE_COLOR = (0.1, 0.2, 0.3, 1.0)
TRACK_COLOR = (0.35, 0.9, 1.0, 0.6)
CAPSULE_COLOR = (1.0, 0.55, 0.1, 1.0)
LAND_COLOR = (0.3, 0.95, 0.35, 1.0)
WATER_COLOR = (0.45, 0.8, 1.0, 1.0)  # light: it must stand out on the dark ocean
ELLIPSE_COLOR = (1.0, 1.0, 0.2, 1.0)
TARGET_COLOR = (1.0, 0.2, 0.2, 1.0)
BEFORE_COLOR = (1.0, 0.6, 0.1, 1.0)
AFTER_COLOR = (0.3, 0.8, 1.0, 1.0)
TICK_COLOR = (1.0, 1.0, 1.0, 1.0)
#: Height (m) of a footprint's target marker above the landing points (it stays in front of them).
TARGET_LIFT_M = 3.0e3
#: The capsule camera's distance (scene units) from the capsule: this much at the ground, plus
#: DESCENT_ZOOM per km of altitude, at most DESCENT_FAR: 0.8 km across at touchdown.
DESCENT_NEAR, DESCENT_ZOOM, DESCENT_FAR = 0.0012, 0.006, 2.5
MISS_COLOR = (1.0, 0.2, 0.2, 0.9)
#: Points of the miss line (the great circle from the landing to the planned point).
MISS_POINTS = 64
#: A descent is drawn at its own heights, the capsule's centre this far (m) over its point: about half
#: the descent module's 2.2 m (the fine ground under a close camera is true to 0.4 m: viz.earth).
CAPSULE_CENTRE_M = 1.0
#: Mean Earth radius (km) for distances along the ground (IUGG R1).
MEAN_EARTH_RADIUS_KM = 6371.0088
#: Descent phases (orbital.dynamics.entry_dynamics.PHASE_NAMES order), their colours and the colours' names.
PHASES = (
    ("coast", (0.75, 0.75, 0.75, 1.0), "grey"),
    ("deorbit burn", (1.0, 0.45, 0.0, 1.0), "orange"),
    ("coast", (1.0, 0.9, 0.3, 1.0), "yellow"),
    ("entry", (1.0, 0.15, 0.15, 1.0), "red"),
    ("drogue", (0.85, 0.4, 1.0, 1.0), "purple"),
    ("main chute", (0.3, 1.0, 0.4, 1.0), "green"),
    ("main chute", (0.3, 1.0, 0.4, 1.0), "green"),
    ("landed", (1.0, 1.0, 1.0, 1.0), "white"),
)
#: Phase code (the last of PHASES) of a capsule on the ground: it weighs 1 g there, as under the canopy.
LANDED = len(PHASES) - 1


def sensed_load_g(loads):
    """The sensed load (g) at each row of a ``descent_loads`` trajectory (N, 3: sensed load, heat
    flux, phase code): its first column, and 1 g where the phase code says landed (the runs write no
    load once down, a 0; at rest on the ground one feels one's weight). The HUD's readout and the
    live plot of that column both read it, so they say one number."""
    loads = np.asarray(loads, dtype=float)
    g = loads[:, 0].copy()
    g[np.clip(loads[:, 2].astype(int), 0, LANDED) == LANDED] = 1.0
    return g
#: A decay window can last months, its track then covering the whole latitude band (drawn as
#: two parallels): the track is drawn thin within SWATH_FAINT_S of the nominal time, bold with
#: time ticks within SWATH_BOLD_S (as the Aerospace Corporation's reentry maps draw a window of hours).
SWATH_BOLD_S = 1.5 * 3600.0
SWATH_FAINT_S = 12 * 3600.0
BAND_COLOR = (1.0, 1.0, 1.0, 0.45)
SWATH_TICK_S = 300.0
SWATH_FAINT_ALPHA = 0.35
#: An ensemble's reentry points (role ``reentry_points``), one dot per member.
MEMBER_COLOR = (1.0, 0.3, 0.9, 1.0)


def _markers(parent):
    from vispy import scene

    markers = scene.visuals.Markers(parent=parent, scaling="fixed", spherical=False)
    # tested against the Earth, not written: a blended rim would cut the dots and lines drawn after it
    markers.set_gl_state("translucent", depth_test=True, depth_mask=False)
    markers.set_data(np.zeros((1, 3), np.float32), size=0)  # placeholder until the first set_time
    return markers


def _set_points(markers, points, color, size=9, symbol="disc", edge_width=1.0, edge_color=(0, 0, 0, 0.8)):
    set_markers(markers, points, size, face_color=color, edge_color=edge_color, edge_width=edge_width, symbol=symbol)


def _line(parent, color, width=2.0):
    from vispy import scene

    # smooth (GL_LINE_SMOOTH): the software rasteriser blends their edges, where no multisampling is offered
    line = scene.visuals.Line(np.zeros((2, 3), np.float32), color=color, width=width, method="gl", antialias=True, parent=parent)
    line.set_gl_state("translucent", depth_test=True, depth_mask=False)
    return line


def _companion(result, role, k=0):
    """The ``k``-th trajectory of ``role`` (a descent's geodetic track goes with the descent of the
    same rank), or None if the result has none."""
    names = names_of(result, role)
    return result.trajectories[names[k]] if k < len(names) else None


def _companion_table(result, role):
    """The first table of ``role`` as its columns by name (:func:`viz.sampling.table`), or None."""
    for name in result.display.names_with_role(role):
        found = table(result, name)
        if found is not None:
            return found
    return None


def _swept_angle_rad(positions):
    """Angle (rad) the position vector (N, 3) has turned through since the first sample, at each sample."""
    r = np.asarray(positions, dtype=float)
    step = np.arctan2(np.linalg.norm(np.cross(r[:-1], r[1:]), axis=1), np.einsum("ij,ij->i", r[:-1], r[1:]))
    return np.concatenate([[0.0], np.cumsum(step)])


#: The HUD's ground speed is said to this (m/s): the integrator's ground turns about TEME's z, without
#: polar motion, and so moves by under a millimetre a second against ITRS's (0.85 mm/s landed on MS-11's day).
GROUND_SPEED_RESOLUTION_M_S = 0.01


def _ground_speed_m_s(r, v, gcrs_to_itrs):
    """Speed relative to the turning Earth (m/s, to :data:`GROUND_SPEED_RESOLUTION_M_S`) from GCRS
    r, v and the GCRS -> ITRS matrix then.

    The Earth turns about the ITRS pole, the matrix's last row in GCRS: GCRS's own z is the pole of
    J2000, 0.27 deg away in 2019, and the ground moves by up to 2 m/s about it (0.69 m/s at Soyuz
    MS-11's landing site: the landed capsule seemed to drift)."""
    speed = float(np.linalg.norm(v - np.cross(OMEGA_EARTH_RAD_S * np.asarray(gcrs_to_itrs)[2], r)))
    return round(speed / GROUND_SPEED_RESOLUTION_M_S) * GROUND_SPEED_RESOLUTION_M_S


def ground_distance_km(lat1_deg, lon1_deg, lat2_deg, lon2_deg):
    """Great-circle distance (km) on the mean sphere between two points (haversine)."""
    lat1, lon1, lat2, lon2 = np.radians([lat1_deg, lon1_deg, lat2_deg, lon2_deg])
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return float(2.0 * MEAN_EARTH_RADIUS_KM * np.arcsin(np.sqrt(min(h, 1.0))))


def chord_sag_m(chord_m):
    """How far (m) the middle of a straight chord ``chord_m`` long lies under the mean sphere."""
    return chord_m**2 / (8.0 * MEAN_EARTH_RADIUS_KM * 1e3)


def great_circle(lat1_deg, lon1_deg, lat2_deg, lon2_deg, n=MISS_POINTS):
    """Latitudes and longitudes (deg) of ``n`` points along the great circle between two points."""
    a, b = (geodetic_to_itrs(np.array([lat]), np.array([lon]), 0.0)[0] for lat, lon in ((lat1_deg, lon1_deg), (lat2_deg, lon2_deg)))
    a, b = a / np.linalg.norm(a), b / np.linalg.norm(b)
    angle = np.arccos(np.clip(a @ b, -1.0, 1.0))
    s = np.linspace(0.0, 1.0, n)[:, None]
    points = a * np.sin((1 - s) * angle) + b * np.sin(s * angle) if angle > 1e-9 else np.repeat(a[None], n, 0)
    return np.degrees(np.arctan2(points[:, 2], np.hypot(points[:, 0], points[:, 1]))), np.degrees(np.arctan2(points[:, 1], points[:, 0]))


def _clock(seconds):
    """``+1 h 05 min`` to the nearest minute, ``-30 d 21 h 47 min`` past two days; the sign of
    what is shown (no ``-0 h 00 min``)."""
    minutes = int(round(seconds / 60.0))
    hours, rest = divmod(abs(minutes), 60)
    sign = "-" if minutes < 0 else "+"
    if hours >= 48:
        return f"{sign}{hours // 24:d} d {hours % 24:d} h {rest:02d} min"
    return f"{sign}{hours:d} h {rest:02d} min"


class OrbitLayer:
    """A body in orbit (role ``orbit``, gcrs): marker, trail over its last revolution, ground track."""

    close_first = False  # start on the whole globe

    def __init__(self, globe, result, name):
        self.globe, self.name = globe, name
        # the first body in orbit is the station (the close-up's target); others (a chaser's path)
        # are drawn in the capsule's colour and read out under their names
        self.rank = result.display.names_with_role("orbit").index(name)
        color = STATION_COLOR if self.rank == 0 else CAPSULE_COLOR
        self.t = np.asarray(result.time_s, dtype=float)
        self.state = np.asarray(result.trajectories[name].data, dtype=float)
        self.swept_rad = _swept_angle_rad(self.state[:, :3])
        self.trail = _line(globe.inertial, color)
        self.track = _line(globe.ground, TRACK_COLOR, width=1.5)
        self.marker = _markers(globe.inertial)
        self.color = color
        self.cameras = [(name, 2.5, self.position)]
        self.legend = [f"{name}: trail over the last orbit, ground track"]

    def position(self, t_s):
        return to_scene(interpolate(self.t, self.state[:, :3], t_s))

    def normal(self, t_s):
        """The orbit's unit normal (GCRS) at ``t_s``: the whole-globe camera looks partly along it."""
        state = interpolate(self.t, self.state, t_s)
        h = np.cross(state[:3], state[3:])
        return h / np.linalg.norm(h)

    def trail_start(self, t_s):
        """When the body was one revolution (2 pi about the Earth's centre) back from ``t_s``; the
        run's start before its first revolution."""
        turned_rad = np.interp(t_s, self.t, self.swept_rad)
        return float(np.interp(turned_rad - 2.0 * np.pi, self.swept_rad, self.t))

    def set_time(self, t_s):
        start = self.trail_start(t_s)
        past = between(self.t, self.state[:, :3], start, t_s)
        self.trail.set_data(to_scene(past).astype(np.float32))
        times = np.linspace(start, t_s, len(past))
        itrs = self.globe.rotation.itrs_positions(times, past)
        lat, lon = _geocentric_lat_lon(itrs)
        self.track.set_data(ground_points(lat, lon).astype(np.float32))
        dark = self.in_shadow(t_s)
        _set_points(self.marker, self.position(t_s), ECLIPSE_COLOR if dark else self.color, size=11, edge_color=(1, 1, 1, 0.8) if dark else (0, 0, 0, 0.8))

    def in_shadow(self, t_s):
        """True while the body is in the Earth's shadow."""
        return in_earth_shadow(interpolate(self.t, self.state[:, :3], t_s), self.globe.sun)

    def hud_items(self, t_s):
        state = interpolate(self.t, self.state, t_s)
        altitude_km = float(itrs_to_geodetic(self.globe.rotation.gcrs_to_itrs(t_s) @ state[:3])[2]) / 1e3
        prefix = "" if self.rank == 0 else f"{self.name} "
        return {
            f"{prefix}altitude": format_length(altitude_km * 1e3),
            f"{prefix}speed": format_quantity(float(np.linalg.norm(state[3:])), "m/s"),
            f"{prefix}sunlight": "in the Earth's shadow" if self.in_shadow(t_s) else "in sunlight",
        }


def _geocentric_lat_lon(itrs):
    """Latitude and longitude (deg) straight under ITRS points (N, 3)."""
    x, y, z = itrs[:, 0], itrs[:, 1], itrs[:, 2]
    return np.degrees(np.arctan2(z, np.hypot(x, y))), np.degrees(np.arctan2(y, x))


class DescentLayer:
    """A descent (role ``descent``, gcrs; with its ``descent_geodetic`` track and ``descent_loads``):
    path coloured by phase."""

    def __init__(self, globe, result, name):
        self.globe = globe
        self.t = np.asarray(result.time_s, dtype=float)
        self.state = np.asarray(result.trajectories[name].data, dtype=float)
        rank = result.display.names_with_role("descent").index(name)
        geodetic = _companion(result, "descent_geodetic", rank)
        if geodetic is None:  # the ground under the GCRS state
            geo = np.column_stack(itrs_to_geodetic(globe.rotation.itrs_positions(self.t, self.state[:, :3])))
        else:
            geo = np.asarray(geodetic.data, dtype=float)
        self.path = ground_points(geo[:, 0], geo[:, 1], geo[:, 2] + CAPSULE_CENTRE_M)
        self.alt_m = geo[:, 2]
        loads = _companion(result, "descent_loads", rank)
        self.loads = None if loads is None else np.asarray(loads.data, dtype=float)
        self.sensed_g = None if loads is None else sensed_load_g(self.loads)
        codes = np.zeros(len(self.t), int) if self.loads is None else np.clip(self.loads[:, 2].astype(int), 0, len(PHASES) - 1)
        self.colors = np.array([PHASES[c][1] for c in codes], dtype=np.float32)
        self.codes = codes
        self.geo = geo
        # the path is drawn over one revolution back and ahead: older passes would cross the view as stray lines
        self.swept_rad = _swept_angle_rad(self.state[:, :3])
        self.ghost = _line(globe.ground, (1.0, 1.0, 1.0, 0.25), width=1.0)
        self.flown = _line(globe.ground, CAPSULE_COLOR, width=3.0)
        self.flown.set_gl_state("translucent", depth_test=True, depth_func="lequal")  # wins on the ghost it lies on
        self.flown.order = self.ghost.order + 1
        self.marker = _markers(globe.ground)
        self.target = _planned_landing(result)
        if self.target is not None:  # the planned landing point, and the miss once down
            self.miss_km = ground_distance_km(geo[-1, 0], geo[-1, 1], *self.target)
            # the line's straight pieces sag under the ground between its points: lifted by as much
            lift_m = CAPSULE_CENTRE_M + chord_sag_m(self.miss_km * 1e3 / (MISS_POINTS - 1))
            target_point = ground_points([self.target[0]], [self.target[1]], lift_m)
            marker = _markers(globe.ground)
            _set_points(marker, target_point, TARGET_COLOR, 14, "diamond", edge_width=1.5, edge_color=(1, 1, 1, 1))
            self.miss_line = _line(globe.ground, MISS_COLOR, width=2.0)
            self.miss_line.set_data(ground_points(*great_circle(geo[-1, 0], geo[-1, 1], *self.target), lift_m).astype(np.float32))
        self.cameras = [("capsule", self.camera_distance, self.position)]
        used = sorted(set(codes.tolist()))
        keys = dict.fromkeys(f"{PHASES[c][2]} {PHASES[c][0]}" for c in used)
        self.legend = ["descent: " + ", ".join(keys) + "; faint white: still to fly"] + (
            ["g load: the sensed load (1 g at rest on the ground)"] if self.loads is not None else []
        ) + (
            ["red diamond: the planned landing point; red line: the miss"] if self.target is not None else []
        )

    def camera_distance(self, t_s):
        """The capsule camera's distance (scene units): coming down with the capsule to 0.8 km across at touchdown."""
        alt_km = max(float(np.interp(t_s, self.t, self.alt_m)) / 1e3, 0.0)
        return min(DESCENT_NEAR + DESCENT_ZOOM * alt_km, DESCENT_FAR)

    def position(self, t_s):
        itrs = interpolate(self.t, self.path, t_s)
        return self.globe.rotation.gcrs_to_itrs(t_s).T @ itrs

    def set_time(self, t_s):
        turned_rad = np.interp(t_s, self.t, self.swept_rad)
        start, ahead = (float(np.interp(turned_rad + k * 2.0 * np.pi, self.swept_rad, self.t)) for k in (-1, 1))
        i0, n = (int(np.searchsorted(self.t, t, side="right")) for t in (start, t_s))
        pos = np.vstack([interpolate(self.t, self.path, start)[None], upto(self.t, self.path, t_s)[i0:]])
        colors = np.vstack([self.colors[max(i0 - 1, 0)][None], self.colors[i0:n], self.colors[max(n - 1, 0)][None, :]])
        self.flown.set_data(pos.astype(np.float32), color=colors)
        self.ghost.set_data(between(self.t, self.path, t_s, ahead).astype(np.float32))
        _set_points(self.marker, pos[-1], CAPSULE_COLOR, size=11)
        if self.target is not None:
            self.miss_line.visible = t_s >= self.t[-1]

    def hud_items(self, t_s):
        state = interpolate(self.t, self.state, t_s)
        items = {
            "altitude": format_length(float(np.interp(t_s, self.t, self.alt_m))),
            "speed": f"{format_quantity(_ground_speed_m_s(state[:3], state[3:], self.globe.rotation.gcrs_to_itrs(t_s)), 'm/s')} (ground)",
        }
        if self.loads is not None:
            code = self.codes[min(int(np.searchsorted(self.t, t_s, side='right')) - 1, len(self.t) - 1)]
            # named and rounded as the live plot of the same column says it (viz.plots)
            items["g load"] = format_quantity(float(np.interp(t_s, self.t, self.sensed_g)), "g")
            items["phase"] = PHASES[code][0]
        if self.target is not None:
            if t_s >= self.t[-1]:
                items["planned landing"] = f"missed by {format_length(self.miss_km * 1e3)}" if self.miss_km >= 1.0 else "on target"
            else:
                lat, lon = (float(np.interp(t_s, self.t, self.geo[:, k])) for k in (0, 1))
                items["planned landing"] = f"{format_length(ground_distance_km(lat, lon, *self.target) * 1e3)} away"
        return items


def _planned_landing(result):
    """``(lat_deg, lon_deg)`` of the planned landing point (``scene["target_wgs84"]``), or None."""
    target = (result.scene or {}).get("target_wgs84")
    if not target or target.get("lat_deg") is None:
        return None
    return float(target["lat_deg"]), float(target["lon_deg"])


class FootprintLayer:
    """Landing points (role ``landings``: t, lat, lon, on_land) coloured land/water, the dispersion
    ellipse (``scene["ellipse_wgs84"]``), the target."""

    def __init__(self, globe, result, name):
        self.globe = globe
        rows = table(result, name)
        ok = np.isfinite(rows["lat"]) & np.isfinite(rows["lon"])
        self.touchdown_s = rows["t"][ok]
        self.points = ground_points(rows["lat"][ok], rows["lon"][ok])
        self.colors = np.where(rows["on_land"][ok][:, None] > 0.5, LAND_COLOR, WATER_COLOR).astype(np.float32)
        self.markers = _markers(globe.ground)
        summary, scene = result.summary, result.scene
        ring = scene.get("ellipse_wgs84")
        if ring:
            _line(globe.ground, ELLIPSE_COLOR, width=2.0).set_data(ground_points(ring["lat_deg"], ring["lon_deg"]).astype(np.float32))
        target = scene.get("target_wgs84") or {"lat_deg": summary.get("target_lat_deg"), "lon_deg": summary.get("target_lon_deg")}
        if target.get("lat_deg") is not None:
            _target_marker(globe, target, self.markers)
        # the mean landing point (null when nothing landed: then any point, the camera has nothing to show)
        mean_lat, mean_lon = summary.get("landing_mean_lat_deg"), summary.get("landing_mean_lon_deg")
        self.centre = ground_points([mean_lat or 0.0], [mean_lon or 0.0])[0]
        self.n_total = int(ok.sum())
        self.ellipse_size = _ellipse_size(summary)
        self.cameras = [("landing site", 0.15, self.position)]
        marks = ["yellow ellipse"] * bool(ring) + ["red target"] * (target.get("lat_deg") is not None)
        self.legend = [f"{name}: green land, blue water" + ("; " + ", ".join(marks) if marks else "")]

    def position(self, t_s):
        return self.globe.rotation.gcrs_to_itrs(t_s).T @ self.centre

    def set_time(self, t_s):
        landed = self.touchdown_s <= t_s
        if landed.any():
            _set_points(self.markers, self.points[landed], self.colors[landed], size=6, edge_width=0.0)
        self.markers.visible = bool(landed.any())

    def hud_items(self, t_s):
        items = {"landed": f"{int(np.count_nonzero(self.touchdown_s <= t_s))} / {self.n_total}"}
        if self.ellipse_size:
            items["ellipse"] = self.ellipse_size
        return items


def _target_marker(globe, target, over):
    """The red cross of a target (``lat_deg``, ``lon_deg``), on top of the markers ``over``: a little
    higher, and drawn after them."""
    point = ground_points([target["lat_deg"]], [target["lon_deg"]], GROUND_LIFT_M + TARGET_LIFT_M)
    marker = _markers(globe.ground)
    marker.order = over.order + 1
    _set_points(marker, point, TARGET_COLOR, 16, "cross", edge_width=1.0, edge_color=(1, 1, 1, 1))
    return point[0]


class OpportunitiesLayer:
    """Undocking opportunities (role ``opportunities``: t the undocking, lat, lon, on_land of where
    each lands): each landing appears as its undocking passes, green on land, blue on water, the
    latest one larger; the target (``scene["target_wgs84"]``) and the reach ring (``scene["reach_wgs84"]``)."""

    close_first = False  # the landings span the globe

    def __init__(self, globe, result, name):
        self.globe = globe
        rows = table(result, name)
        ok = np.isfinite(rows["lat"]) & np.isfinite(rows["lon"])
        self.t_undock, self.n_total = rows["t"][ok], int(len(rows["t"]))
        self.lat, self.lon, self.land = rows["lat"][ok], rows["lon"][ok], rows["on_land"][ok] > 0.5
        self.site_km = rows["site_distance"][ok] / 1e3 if "site_distance" in rows else None
        self.points = ground_points(self.lat, self.lon)
        self.colors = np.where(self.land[:, None], LAND_COLOR, WATER_COLOR).astype(np.float32)
        self.markers = _markers(globe.ground)
        self.latest = _markers(globe.ground)
        self.latest.order = self.markers.order + 1
        ring = result.scene.get("reach_wgs84")
        if ring:
            _line(globe.ground, ELLIPSE_COLOR, width=2.0).set_data(ground_points(ring["lat_deg"], ring["lon_deg"]).astype(np.float32))
        target = result.scene.get("target_wgs84")
        self.centre = _target_marker(globe, target, self.latest) if target else ground_points([0.0], [0.0])[0]
        self.cameras = [("landing site", 1.5, self.position)]
        self.legend = [f"{name}: where each undocking lands, shown as it passes (green land, blue water, the latest larger); "
                       "red cross: the nominal site; yellow ring: the reach"]

    def position(self, t_s):
        return self.globe.rotation.gcrs_to_itrs(t_s).T @ self.centre

    def _passed(self, t_s):
        return int(np.searchsorted(self.t_undock, t_s, side="right"))

    def set_time(self, t_s):
        n = self._passed(t_s)
        self.markers.visible = self.latest.visible = n > 0
        if n:
            _set_points(self.markers, self.points[:n], self.colors[:n], size=6, edge_width=0.0)
            _set_points(self.latest, self.points[n - 1], self.colors[n - 1], size=13, edge_width=2.0, edge_color=(1, 1, 1, 1))

    def hud_items(self, t_s):
        n = self._passed(t_s)
        items = {"undockings": f"{n} / {self.n_total}"}
        if n:
            k = n - 1
            where = f"{abs(self.lat[k]):.1f} {'N' if self.lat[k] >= 0 else 'S'} {abs(self.lon[k]):.1f} {'E' if self.lon[k] >= 0 else 'W'}"
            far = f", {format_length(self.site_km[k] * 1e3)} from the site" if self.site_km is not None else ""
            items["latest lands"] = f"{where}, {'land' if self.land[k] else 'water'}{far}"
        return items


def _ellipse_size(summary):
    """``"48.2 km x 14.1 km (95%)"``: the ellipse's full axes, the scale of the landing-site view (or
    None); each in the unit that suits it (a tight ellipse is ``"820 m x 310 m"``, not ``"1 x 0 km"``)."""
    major, minor = summary.get("ellipse_major_km"), summary.get("ellipse_minor_km")
    if major is None or minor is None:
        return None
    probability = summary.get("ellipse_probability")
    size = f"{format_length(major * 1e3)} x {format_length(minor * 1e3)}"
    return size + (f" ({probability:.0%})" if probability is not None else "")


class DecaySwathLayer:
    """The reentry window's ground track (role ``reentry_window``: t, lat, lon), before/after nominal;
    an ensemble's reentry points (role ``reentry_points``), if any, as dots; the decaying orbit's
    ``heights`` and, in the plunge, the ``decay_geodetic`` height read out."""

    close_first = False

    def __init__(self, globe, result, name):
        self.globe = globe
        rows = table(result, name)
        ok = np.isfinite(rows["t"]) & np.isfinite(rows["lat"]) & np.isfinite(rows["lon"])
        self.t = rows["t"][ok]
        self.points = ground_points(rows["lat"][ok], rows["lon"][ok])
        scene = result.scene
        self.nominal_s = float(scene.get("reentry_time_s", np.median(self.t)))
        # pieces of the track between these times, each in its colour and weight
        cuts = self.nominal_s + np.array([-SWATH_FAINT_S, -SWATH_BOLD_S, 0.0, SWATH_BOLD_S, SWATH_FAINT_S])
        t_all = np.union1d(self.t, cuts[(cuts > self.t[0]) & (cuts < self.t[-1])])
        p_all = np.column_stack([np.interp(t_all, self.t, self.points[:, k]) for k in range(3)])
        faint_before, faint_after = BEFORE_COLOR[:3] + (SWATH_FAINT_ALPHA,), AFTER_COLOR[:3] + (SWATH_FAINT_ALPHA,)
        pieces = [(BEFORE_COLOR, 2.5, 1, 2), (AFTER_COLOR, 2.5, 2, 3), (faint_before, 1.0, 0, 1), (faint_after, 1.0, 3, 4)]
        for color, width, lo, hi in pieces:
            inside = (t_all >= cuts[lo]) & (t_all <= cuts[hi])
            if np.count_nonzero(inside) > 1:
                _line(globe.ground, color, width=width).set_data(p_all[inside].astype(np.float32))
        first, last = max(self.t[0], self.nominal_s - SWATH_BOLD_S), min(self.t[-1], self.nominal_s + SWATH_BOLD_S)
        ticks = np.arange(np.ceil(first / SWATH_TICK_S), np.floor(last / SWATH_TICK_S) + 1) * SWATH_TICK_S
        tick_points = np.column_stack([np.interp(ticks, self.t, self.points[:, k]) for k in range(3)])
        if len(tick_points):
            _set_points(_markers(globe.ground), tick_points, TICK_COLOR, size=5, edge_width=0.0)
        band_deg = scene.get("latitude_band_deg", scene.get("inclination_deg"))
        if band_deg is not None:
            lon = np.linspace(-180.0, 180.0, 361)
            for lat in (band_deg, -band_deg):
                _line(globe.ground, BAND_COLOR, width=1.0).set_data(ground_points(np.full_like(lon, lat), lon).astype(np.float32))
        nominal = scene.get("nominal_reentry_wgs84")
        self.nominal_point = (
            ground_points([nominal["lat_deg"]], [nominal["lon_deg"]])[0]
            if nominal
            else np.array([np.interp(self.nominal_s, self.t, self.points[:, k]) for k in range(3)])
        )
        _set_points(_markers(globe.ground), self.nominal_point, TARGET_COLOR, 14, edge_width=2.0, edge_color=(1, 1, 1, 1))
        members = _companion_table(result, "reentry_points")
        self.member_points, self.member_t, self.n_members = np.zeros((0, 3)), np.zeros(0), 0
        if members is not None:
            down = np.isfinite(members["t"]) & np.isfinite(members["lat"]) & np.isfinite(members["lon"])
            self.member_t, self.n_members = members["t"][down], len(members["t"])
            self.member_points = ground_points(members["lat"][down], members["lon"][down])
            if down.any():
                _set_points(_markers(globe.ground), self.member_points, MEMBER_COLOR, size=6, edge_width=0.0)
        self.marker = _markers(globe.ground)
        self.heights = _companion(result, "heights")
        self.geodetic = _companion(result, "decay_geodetic")
        self.grid_t = np.asarray(result.time_s, dtype=float)
        self.cameras = [("reentry point", 4.0, self.position)]
        self.legend = [
            "window track: orange before, blue after the nominal reentry (red dot); drawn within "
            f"{SWATH_FAINT_S / 3600:g} h of it, bold within {SWATH_BOLD_S / 3600:g} h, ticks every {SWATH_TICK_S / 60:g} min; "
            "white: latitude band"
        ] + (["magenta dots: the ensemble's reentry points, one per member, each equally likely"] if self.n_members else [])

    def position(self, t_s):
        return self.globe.rotation.gcrs_to_itrs(t_s).T @ self.nominal_point

    def set_time(self, t_s):
        # in a time lapse the point under the object would leap round the Earth from frame to frame
        inside = self.t[0] <= t_s <= self.t[-1] and not self.globe.time_lapse
        self.marker.visible = inside
        if inside:
            _set_points(self.marker, interpolate(self.t, self.points, t_s), (1, 1, 1, 1), 11)

    def hud_items(self, t_s):
        items = {"to nominal reentry": _clock(self.nominal_s - t_s)}
        if self.n_members:
            items["members reentered"] = f"{int(np.count_nonzero(self.member_t <= t_s))} / {self.n_members}"
        if self.heights is None or len(self.grid_t) < 2:
            return items
        if t_s > self.grid_t[-1]:
            items["altitude"] = "reentered"
            return items
        columns = [c.removesuffix("_km") for c in self.heights.columns]
        to_km = np.array([1e-3 if unit == "m" else 1.0 for unit in self.heights.units])
        values = dict(zip(columns, to_km * np.atleast_1d(interpolate(self.grid_t, np.asarray(self.heights.data, float), t_s))))
        if values.get("perigee", 1.0) > 0.0 or self.geodetic is None:
            # an orbit: its mean, perigee and apogee heights mean something
            items["altitude"] = " / ".join(f"{c} {v:.0f}" for c, v in values.items()) + " km"
        else:
            # the plunge: the osculating perigee is under ground, so the height of the object itself
            alt_m = interpolate(self.grid_t, np.asarray(self.geodetic.data, float)[:, 2], t_s)
            items["altitude"] = f"{format_length(float(alt_m))} (plunging)"
        return items


