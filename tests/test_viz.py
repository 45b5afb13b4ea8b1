"""The viewer rendered headless (EGL offscreen): pixels of every bundled scenario, layers, HUD."""

import numpy as np
import pytest

from viz.backend import offscreen_unavailable_reason

REASON = offscreen_unavailable_reason()
pytestmark = pytest.mark.skipif(REASON is not None, reason=str(REASON))

from viz_helpers import (  # noqa: E402
    boxes_overlap,
    bundled_result,
    canvas_xy,
    circular_orbit_gcrs,
    near_colour,
    synthetic_arm_result,
    synthetic_decay_result,
    text_box,
)

SIZE = (480, 360)


def _viewer(result, **kwargs):
    from viz.viewer import Viewer

    return Viewer(result, size=SIZE, **kwargs)


def _use_camera(view, name):
    while view.camera_names[view._preset] != name:
        view.cycle_camera()


def _bundled_names():
    from orbital.io.scenario import bundled_scenarios

    return sorted(bundled_scenarios())


@pytest.mark.slow
@pytest.mark.parametrize("name", _bundled_names())
def test_every_bundled_scenario_shows_the_earth(name):
    viewer = _viewer(bundled_result(name))
    t_mid = 0.5 * (viewer.player.t0_s + viewer.player.t1_s)
    assert viewer.frame_at(t_mid)[..., :3].std() > 10, "the default cameras show nothing"
    globe = viewer.views[0]
    _use_camera(globe, "globe")
    image = viewer.frame_at(t_mid)
    assert image.shape == (SIZE[1], SIZE[0], 4)
    # The Earth's disk: its centre is lit by the texture, a corner of the view is empty space.
    mesh = globe.ground.children[0]
    cx, cy = canvas_xy(mesh, [0.0, 0.0, 0.0])
    left, top = viewer.viewboxes[0].pos
    width, height = viewer.viewboxes[0].size
    assert left < cx < left + width and top < cy < top + height
    centre = image[int(cy) - 5 : int(cy) + 5, int(cx) - 5 : int(cx) + 5, :3].astype(int)
    assert centre.sum(axis=-1).mean() > 40, "no Earth at the centre of the globe view"
    bottom, right = int(top + height), int(left + width)
    corner = image[bottom - 70 : bottom - 60, right - 12 : right - 4, :3].astype(int)  # away from the HUD
    assert np.median(corner.sum(axis=-1)) < 30, "the corner of the globe view should be dark space"


def test_station_trail_colour_where_projection_says():
    from viz.globe_layers import STATION_COLOR

    viewer = _viewer(bundled_result("iss_orbit"))
    globe = viewer.views[0]
    orbit = globe.layers[0]
    _use_camera(globe, "station")
    t = viewer.player.t0_s + 3000.0
    image = viewer.frame_at(t)
    behind = orbit.position(t - 60.0)  # a point on the trail, a minute back (GCRS scene units)
    assert near_colour(image, canvas_xy(orbit.trail, behind), STATION_COLOR)
    assert near_colour(image, canvas_xy(orbit.marker, orbit.position(t)), STATION_COLOR)
    # before it has flown there, the trail does not reach a point a minute ahead
    ahead = canvas_xy(orbit.trail, orbit.position(t + 60.0))
    assert not near_colour(image, ahead, STATION_COLOR, radius=1, tolerance=30)


def test_descent_path_coloured_by_phase():
    from viz.globe_layers import PHASES

    result = bundled_result("soyuz_nominal")
    viewer = _viewer(result)
    globe = viewer.views[0]
    descent = globe.layers[0]
    assert globe.camera_names[0] == "capsule"
    entry = np.flatnonzero(descent.codes == 3)
    k = entry[len(entry) // 3]
    t = result.time_s[k] + 10.0  # the camera comes down with the capsule: a point flown a little before
    image = viewer.frame_at(t)
    assert near_colour(image, canvas_xy(descent.flown, descent.path[k]), PHASES[3][1])
    hud = viewer.hud.status.text
    assert "g load" in hud and "altitude" in hud and "phase: entry" in hud


def test_footprint_points_land_and_ellipse():
    from viz.globe_layers import ELLIPSE_COLOR, LAND_COLOR, WATER_COLOR
    from viz.numbers import format_length

    result = bundled_result("soyuz_footprint")
    viewer = _viewer(result)
    footprint = viewer.views[0].layers[0]
    image = viewer.frame_at(viewer.player.t1_s)
    on_land = result.tables["landings"].column("on_land") > 0.5
    k = int(np.flatnonzero(np.isfinite(result.tables["landings"].column("lat")))[0])
    colour = LAND_COLOR if on_land[k] else WATER_COLOR
    assert near_colour(image, canvas_xy(footprint.markers, footprint.points[0]), colour)
    assert near_colour(image, canvas_xy(footprint.markers, footprint.centre), ELLIPSE_COLOR, radius=40)
    assert f"landed: {footprint.n_total} / {footprint.n_total}" in viewer.hud.status.text
    # at the first touchdown only the first landings are drawn
    viewer.frame_at(viewer.player.t0_s)
    assert footprint.hud_items(viewer.player.t0_s)["landed"].startswith("1 /")
    major, minor = result.summary["ellipse_major_km"], result.summary["ellipse_minor_km"]
    scale = f"{format_length(major * 1e3)} x {format_length(minor * 1e3)}"  # the view's scale
    assert footprint.hud_items(viewer.player.t0_s)["ellipse"].startswith(scale)


def test_opportunities_appear_as_their_undockings_pass_around_the_site():
    from viz.globe_layers import ELLIPSE_COLOR, TARGET_COLOR
    from viz.earth import ground_points

    result = bundled_result("let_it_fall")
    viewer = _viewer(result)
    globe = viewer.views[0]
    layer = globe.layers[0]
    n = result.summary["n_opportunities"]
    assert type(layer).__name__ == "OpportunitiesLayer" and layer.n_total == n
    assert (viewer.player.t0_s, viewer.player.t1_s) == (0.0, 6 * 3600.0)  # the window, from the station's grid
    assert layer.hud_items(0.0)["undockings"] == f"1 / {n}"
    assert layer.hud_items(5400.0 - 1.0)["undockings"] == f"6 / {n}"  # every 15 min: 0, 15, ..., 75 min
    _use_camera(globe, "landing site")
    image = viewer.frame_at(viewer.player.t1_s)
    assert f"undockings: {n} / {n}" in viewer.hud.status.text
    assert near_colour(image, canvas_xy(layer.latest, layer.centre), TARGET_COLOR, radius=6)
    ring = result.scene["reach_wgs84"]  # the 300 km reach ring: drawn through its first vertex
    on_ring = ground_points(ring["lat_deg"][:1], ring["lon_deg"][:1])[0]
    assert near_colour(image, canvas_xy(layer.latest, on_ring), ELLIPSE_COLOR, radius=6)
    assert layer.latest.visible and layer.markers.visible
    viewer.frame_at(0.0)
    assert layer.latest.visible  # the first undocking's landing, from the start


def test_decay_swath_before_and_after_nominal():
    from viz.globe_layers import AFTER_COLOR, BEFORE_COLOR, TARGET_COLOR

    result = synthetic_decay_result()
    viewer = _viewer(result)
    swath = viewer.views[0].layers[0]
    assert (viewer.player.t0_s, viewer.player.t1_s) == (result.scene["window_start_s"], result.scene["window_end_s"])
    nominal = result.scene["reentry_time_s"]
    _use_camera(viewer.views[0], "reentry point")
    image = viewer.frame_at(nominal)
    for dt, colour in ((-40.0, BEFORE_COLOR), (+40.0, AFTER_COLOR), (-150.0, BEFORE_COLOR), (+150.0, AFTER_COLOR)):
        point = [np.interp(nominal + dt, swath.t, swath.points[:, j]) for j in range(3)]
        assert near_colour(image, canvas_xy(swath.marker, point), colour), dt
    image = viewer.frame_at(nominal - 1800.0)  # the moving marker away from the nominal point's star
    assert near_colour(image, canvas_xy(swath.marker, swath.nominal_point), TARGET_COLOR, radius=5)
    assert "to nominal reentry" in viewer.hud.status.text and "perigee" in viewer.hud.status.text


def test_an_ensembles_reentry_points_are_drawn_with_the_window():
    from dataclasses import replace

    from orbital.result import Table
    from viz.globe_layers import MEMBER_COLOR

    result = synthetic_decay_result()
    nominal = result.scene["reentry_time_s"]
    # three members near the nominal point (0, 30 deg) and one still in orbit (NaN)
    rows = np.array([[0, nominal - 3000.0, 8.0, 22.0], [1, nominal + 2000.0, -8.0, 38.0], [2, nominal, 10.0, 35.0], [3, np.nan, np.nan, np.nan]])
    samples = Table(("sample", "t_reentry", "lat", "lon"), ("index", "s", "deg", "deg"), rows, "wgs84", "members", "t_reentry")
    viewer = _viewer(replace(result, tables={**result.tables, "samples": samples}))
    swath = viewer.views[0].layers[0]
    _use_camera(viewer.views[0], "reentry point")
    viewer.frame_at(nominal)
    image = viewer.frame_at(nominal, 5.0)  # the nominal reentry's flash has faded (it may cover a point)
    assert len(swath.member_points) == 3
    for point in swath.member_points:
        assert near_colour(image, canvas_xy(swath.marker, point), MEMBER_COLOR)
    assert swath.hud_items(nominal)["members reentered"] == "2 / 4"


def test_events_flash_when_crossed():
    result = bundled_result("soyuz_nominal")
    viewer = _viewer(result)
    event = next(e for e in result.events if e.kind == "entry_interface")
    viewer.frame_at(event.time_s - 10.0, 0.1)
    viewer.frame_at(event.time_s - 9.0, 5.0)  # earlier events have faded after 5 wall seconds
    assert not viewer.hud.flash_text.visible
    viewer.frame_at(event.time_s + 1.0, 0.1)
    from viz.hud import headline

    assert viewer.hud.flash_text.visible and headline(event) in " ".join(viewer.hud.flash_text.text.split())  # wrapped to the panel
    viewer.frame_at(event.time_s + 2.0, 5.0)  # some wall seconds later it is gone
    assert not viewer.hud.flash_text.visible


class FakeCloseup:
    """Stands in for viz.closeup.CloseupView (same interface): a marker at the astronaut's LVLH x, y."""

    camera_names = ["near", "far"]

    @staticmethod
    def applies_to(result):
        return "astronaut" in result.trajectories

    def __init__(self, viewbox, result):
        from vispy import scene

        self.result, self._index = result, 0
        self.marker = scene.visuals.Markers(parent=viewbox.scene)
        self.marker.set_data(np.zeros((1, 2), np.float32))
        viewbox.camera = scene.PanZoomCamera(rect=(-50, -50, 100, 100))

    def set_time(self, t_s):
        data = self.result.trajectories["astronaut"].data
        xy = [np.interp(t_s, self.result.time_s, data[:, j]) for j in (0, 1)]
        self.marker.set_data(np.array([xy], np.float32), face_color=(1, 0, 1, 1), size=12)

    def cycle_camera(self):
        self._index = (self._index + 1) % 2
        return self.camera_names[self._index]

    def hud_items(self, t_s):
        return {"distance": "12.0 m"}


def test_two_scales_side_by_side_with_one_player_and_hud():
    from viz.globe import GlobeView

    viewer = _viewer(synthetic_arm_result(), view_classes=[GlobeView, FakeCloseup])
    globe, closeup = viewer.views
    image = viewer.frame_at(300.0)
    left, right = viewer.viewboxes
    assert left.pos[0] + left.size[0] <= right.pos[0] and right.size[0] > 0.4 * SIZE[0]
    assert near_colour(image, canvas_xy(closeup.marker, [5.0, 2.5, 0.0]), (1, 0, 1), radius=60)
    assert "distance: 12.0 m" in viewer.hud.status.text
    names = [viewer.cycle_camera() for _ in range(len(globe.camera_names) + 2)]
    assert names[-2:] == ["far", "near"]


def test_registry_draws_the_contract_kinds():
    from viz.registry import globe_layers, time_span

    arm = synthetic_arm_result()
    assert [(layer.__name__, name) for layer, name in globe_layers(arm)] == [("OrbitLayer", "station")]
    assert time_span(arm) == (0.0, 600.0)
    decay = synthetic_decay_result()
    assert time_span(decay) == (decay.scene["window_start_s"], decay.scene["window_end_s"])


def _made_up_result(roles, trajectories, tables=None, play_span="time_grid"):
    """A Result of a kind no registry knows: only its display roles say what each trajectory is."""
    from orbital.kind_contract import DisplayHints
    from orbital.kinds import KINDS
    from orbital.result import Result

    assert "tug_and_probe" not in KINDS
    display = DisplayHints(roles=roles, play_span=play_span, span_name="while the dots fall", still_at_end=True)
    scene = {"tether_anchor_lvlh_m": [1.0, 0.0, 12.0]}
    return Result("made_up", "tug_and_probe", "2026-11-25T00:00:00", MADE_UP_T, trajectories, [], {}, scene=scene, display=display, tables=tables or {})


MADE_UP_T = np.linspace(0.0, 600.0, 121)


def _made_up_trajectories():
    """The made-up kind's trajectories and its table ``dots``."""
    from orbital.result import Table, Trajectory

    n, t = MADE_UP_T.size, MADE_UP_T
    lvlh6 = (("x", "y", "z", "vx", "vy", "vz"), ("m",) * 3 + ("m/s",) * 3)
    probe = np.column_stack([np.linspace(5.0, 25.0, n), np.linspace(-10.0, 15.0, n), np.full(n, 8.0)])
    probe = np.hstack([probe, np.gradient(probe, t, axis=0)])
    boom = np.hstack([np.tile([3.0, 0.0, 10.0], (n, 1)), np.tile([3.0, 5.0, 10.0], (n, 1)), probe[:, :3] - [0.5, 0.0, 0.0]])
    dots_t = np.linspace(100.0, 500.0, 9)
    dots = np.column_stack([dots_t, 47.0 + 0.1 * np.arange(9), 69.0 + 0.1 * np.arange(9), np.ones(9)])
    return {
        "tug": Trajectory("gcrs", *lvlh6, circular_orbit_gcrs(t)),
        "probe": Trajectory("lvlh", *lvlh6, probe),
        "probe_linear": Trajectory("lvlh", *lvlh6, probe + [0.0, 3.0, 0.0, 0.0, 0.0, 0.0]),
        "boom": Trajectory("lvlh", tuple(f"p{k}_{a}" for k in range(3) for a in "xyz"), ("m",) * 9, boom),
        "line": Trajectory(None, ("tension",), ("N",), np.full((n, 1), 40.0)),
    }, {"dots": Table(("t", "lat", "lon", "on_land"), ("s", "deg", "deg", "bool"), dots, "wgs84", "a falling dot", "t")}


def test_a_kind_no_registry_knows_is_drawn_from_its_roles_in_both_views():
    from viz.closeup import MARKER_COLOR
    from viz.globe_layers import STATION_COLOR
    from viz.registry import globe_layers, span_name, still_time, time_span

    roles = {"tug": "orbit", "probe": "chaser", "probe_linear": "chaser_reference", "boom": "arm", "line": "tension", "dots": "landings"}
    result = _made_up_result(roles, *_made_up_trajectories(), play_span="dots")
    assert [(layer.__name__, name) for layer, name in globe_layers(result)] == [("OrbitLayer", "tug"), ("FootprintLayer", "dots")]
    assert time_span(result) == (100.0, 500.0) and still_time(result) == 500.0 and span_name(result) == "while the dots fall"
    viewer = _viewer(result)
    globe, closeup = viewer.views
    assert [type(view).__name__ for view in viewer.views] == ["GlobeView", "CloseupView"]
    assert closeup.camera_names == ["tug + probe + arm", "arm", "tug", "follow probe"]  # the story first
    _use_camera(globe, "tug")
    image = viewer.frame_at(300.0)
    orbit, footprint = globe.layers
    from viz.globe_layers import ECLIPSE_COLOR

    assert near_colour(image, canvas_xy(orbit.marker, orbit.position(300.0)), ECLIPSE_COLOR if orbit.in_shadow(300.0) else STATION_COLOR)
    p = closeup.tracks.chaser_position(300.0)
    assert near_colour(image, canvas_xy(closeup.chaser["ring"], p), MARKER_COLOR, radius=20)
    assert closeup.chaser["label"].visible and closeup.chaser["label"].text == "probe"
    hud = viewer.hud.status.text
    assert "landed: 5 / 9" in hud and "distance: " in hud and "tether: taut 40 N" in hud and "arm tip: " in hud


def test_a_kind_no_registry_knows_shows_its_descent_and_reentry_window_on_the_globe_alone():
    from orbital.result import Table, Trajectory
    from viz.globe_layers import CAPSULE_COLOR

    t = MADE_UP_T
    falling = circular_orbit_gcrs(t) * np.linspace(1.0, 0.95, t.size)[:, None]  # down to the ground, no geodetic track given
    pass_t = np.linspace(0.0, 600.0, 61)
    ground_pass = np.column_stack([pass_t, np.linspace(-20.0, 20.0, 61), np.linspace(10.0, 40.0, 61), np.zeros(61)])
    trajectories = {
        "falling": Trajectory("gcrs", ("x", "y", "z", "vx", "vy", "vz"), ("m",) * 3 + ("m/s",) * 3, falling),
    }
    tables = {"pass": Table(("t", "lat", "lon", "alt"), ("s", "deg", "deg", "m"), ground_pass, "wgs84", "a ground pass", "t")}
    result = _made_up_result({"falling": "descent", "pass": "reentry_window"}, trajectories, tables=tables)
    viewer = _viewer(result)
    assert [type(view).__name__ for view in viewer.views] == ["GlobeView"]
    descent, swath = viewer.views[0].layers
    assert (type(descent).__name__, type(swath).__name__) == ("DescentLayer", "DecaySwathLayer")
    image = viewer.frame_at(300.0)
    assert near_colour(image, canvas_xy(descent.marker, descent.path[60]), CAPSULE_COLOR)
    assert "to nominal reentry" in viewer.hud.status.text


def test_a_result_without_display_hints_shows_the_earth_alone():
    result = _made_up_result({}, *_made_up_trajectories())
    viewer = _viewer(result)
    assert [type(view).__name__ for view in viewer.views] == ["GlobeView"] and viewer.views[0].layers == []
    assert viewer.frame_at(300.0)[..., :3].std() > 10


class _Key:
    """A key press as vispy's glfw backend delivers it: ``Key(chr(code))`` for the keys from
    space to ``~`` (``Key(' ')``, ``Key('R')``, ``Key('=')``), names for the others (``Key('Right')``),
    and the typed ``text``."""

    def __init__(self, name, text=""):
        from vispy.util.keys import Key

        self.key, self.text = Key(name), text


def test_keys_drive_the_player_cameras_and_help():
    viewer = _viewer(bundled_result("iss_orbit"), pace="linear")  # a step is a wall second at the warp
    player = viewer.player
    warp = player.warp
    viewer.on_key(_Key("=", "+"))
    assert player.warp > warp
    viewer.on_key(_Key("-", "-"))
    assert player.warp == warp
    viewer.on_key(_Key("Right"))
    assert player.t_s == pytest.approx(player.t0_s + warp)
    viewer.on_key(_Key(" ", " "))
    assert player.paused and "PAUSED" in viewer.hud.status.text
    viewer.tick(1.0)
    assert player.t_s == pytest.approx(player.t0_s + warp)  # paused: wall time does not move it
    viewer.on_key(_Key("R", "r"))
    assert player.t_s == player.t0_s
    viewer.on_key(_Key("C", "c"))
    assert viewer.camera_of == ["station"] and "camera: station" in viewer.hud.footer.text
    viewer.on_key(_Key("H", "h"))
    assert viewer.hud.help.visible and "space" in viewer.hud.help.text


def test_arm_moves_between_two_frames_in_the_closeup():
    viewer = _viewer(synthetic_arm_result())
    assert [type(v).__name__ for v in viewer.views] == ["GlobeView", "CloseupView"]
    first = viewer.frame_at(0.0).astype(int)
    last = viewer.frame_at(600.0).astype(int)
    left, right = viewer.viewboxes
    x0, y0 = int(right.pos[0]), int(right.pos[1])
    w, h = int(right.size[0]), int(right.size[1])
    below_hud = slice(y0 + h // 4, y0 + h)  # the HUD text changes too; look under it
    changed = np.abs(first[below_hud, x0 : x0 + w, :3] - last[below_hud, x0 : x0 + w, :3]).sum(axis=-1) > 60
    assert changed.mean() > 0.002, "the arm (and the astronaut at its tip) should have moved"
    # both views' readouts in one HUD; the close-up's speed kept apart from the station's
    assert "distance: " in viewer.hud.status.text and "speed (closeup): " in viewer.hud.status.text


def test_decay_hud_shows_the_object_height_in_the_plunge_and_no_negative_zero():
    from dataclasses import replace

    from orbital.result import Trajectory
    from viz.globe_layers import _clock

    result = synthetic_decay_result()
    t = result.time_s
    nominal = result.scene["reentry_time_s"]
    t = np.append(t[t < nominal - 3600.0], [nominal - 3600.0, nominal - 300.0, nominal])  # the plunge: the last 5 minutes
    perigee = np.append(np.linspace(300.0, 100.0, t.size - 2), [-170.0, -871.0])
    heights = np.column_stack([perigee + 5.0, perigee, perigee + 10.0])
    heights[-2:, 0], heights[-2:, 2] = [-40.0, -395.0], [88.0, 81.0]
    geodetic = np.column_stack([np.zeros(t.size), np.zeros(t.size), np.append(np.linspace(310e3, 110e3, t.size - 2), [95e3, 80e3])])
    trajectories = {
        **result.trajectories,
        "altitude": Trajectory(None, ("mean", "perigee", "apogee"), ("m",) * 3, heights * 1e3),
        "object_geodetic": Trajectory("wgs84", ("lat", "lon", "alt"), ("deg", "deg", "m"), geodetic),
    }
    swath = _viewer(replace(result, time_s=t, trajectories=trajectories)).views[0].layers[0]
    in_orbit = swath.hud_items(nominal - 4000.0)
    assert in_orbit["altitude"].startswith("mean ") and "perigee" in in_orbit["altitude"]
    perigee_km = float(in_orbit["altitude"].split("perigee ")[1].split()[0])
    assert 99.0 <= perigee_km <= 101.0  # km, not thousands of km (it read 0)
    plunging = swath.hud_items(nominal - 150.0)
    assert plunging["altitude"] == "87.5 km (plunging)" and "-" not in plunging["altitude"]
    assert swath.hud_items(nominal + 60.0)["altitude"] == "reentered"
    assert swath.hud_items(nominal - 20.0)["to nominal reentry"] == "+0 h 00 min"
    assert _clock(-20.0) == "+0 h 00 min" and _clock(-3900.0) == "-1 h 05 min" and _clock(3599.0) == "+1 h 00 min"
    assert _clock(47 * 3600.0) == "+47 h 00 min" and _clock(-(30 * 86400.0 + 21 * 3600.0 + 47 * 60.0)) == "-30 d 21 h 47 min"


def test_closeup_events_flash_what_happened_inside_the_closeup_panel():
    result = bundled_result("arm_push")
    push = next(e for e in result.events if e.kind == "push")
    assert push.message == "delta-v (0.241, -0.186, 0.456) m/s LVLH"  # mm/s, not raw floats
    viewer = _viewer(result)
    viewer.frame_at(push.time_s - 1.0, 0.1)
    viewer.frame_at(push.time_s + 0.1, 0.1)
    text = viewer.hud.flash_text
    from viz.hud import headline

    flashed = " ".join(text.text.split())
    assert text.visible and headline(push) in flashed
    # the contact and the release of the same instant flash with it, the earliest first
    assert flashed.index("contact:") < flashed.index("release:") < flashed.index("push:")
    x = text.pos[0, 0] if np.ndim(text.pos) == 2 else text.pos[0]
    left, _ = viewer.viewboxes[1].pos
    assert left < x < left + viewer.viewboxes[1].size[0], "the flash belongs to the close-up panel"


def test_first_frame_sizes_closeup_labels_from_the_laid_out_panel():
    from viz.closeup import RING_MIN_PX

    viewer = _viewer(bundled_result("safer_return"))
    closeup = viewer.views[1]
    assert viewer.viewboxes[1].size[0] > 100  # laid out before the first frame, not vispy's 10 x 10 placeholder
    viewer.frame_at(viewer.player.t0_s)
    cross, label = closeup.station_marker
    assert not cross.visible and not label.visible, "the station fills the view: no 'station' label over the model"
    assert label.anchor_x == "right"  # when shown, left of the cross; the airlock / SAFER target labels go right
    assert closeup.chaser["ring"]._data["a_size"][0] >= RING_MIN_PX


def test_hud_blocks_sit_in_their_corners_and_the_help_appears_with_h():
    from viz.hud import MARGIN_PX

    viewer = _viewer(bundled_result("iss_orbit"))
    width, height = SIZE
    hidden = viewer.frame_at(viewer.player.t0_s)
    viewer.on_key(_Key("H", "h"))
    shown = viewer.frame_at(viewer.player.t0_s)
    changed = np.abs(shown[..., :3].astype(int) - hidden[..., :3].astype(int)).sum(axis=-1) > 60
    ys, xs = np.nonzero(changed)
    assert ys.size > 100, "the key help is drawn"
    # hung from the top-right corner, inside the margin
    assert width - MARGIN_PX - 4 <= xs.max() <= width - MARGIN_PX + 2 and ys.min() >= MARGIN_PX - 2
    white = (shown[..., :3].min(axis=-1) > 200)
    # the status block hangs from the top-left corner, the footer stands on the timeline along the bottom edge
    from viz.timeline import TIMELINE_PX

    assert white[MARGIN_PX : MARGIN_PX + 20, MARGIN_PX : MARGIN_PX + 80].any()
    bottom = height - MARGIN_PX - int(TIMELINE_PX)
    footer = shown[bottom - 14 : bottom, MARGIN_PX : MARGIN_PX + 80, :3]
    assert (footer.min(axis=-1) > 150).any() and not white[bottom + 3 : height - int(TIMELINE_PX), :].any()


def test_globe_scale_bar_only_at_followed_points_and_true_to_the_projection():
    viewer = _viewer(bundled_result("soyuz_footprint"))
    globe = viewer.views[0]
    _use_camera(globe, "landing site")
    viewer.frame_at(viewer.player.t0_s)
    assert globe.scale_bar.visible and globe.scale_bar.label.text.endswith("km")
    # a kilometre across the line of sight at the camera's centre spans pixels_per_metre * 1000 px
    centre = np.asarray(globe.camera.center, float)
    eye = np.asarray(globe.camera.transform.map([0.0, 0.0, 0.0, 1.0]))[:3]
    across = np.cross(centre - eye, [0.0, 0.0, 1.0])
    across /= np.linalg.norm(across)
    to_canvas = globe.inertial.node_transform(viewer.canvas.scene)
    a, b = (to_canvas.map(np.append(p, 1.0)) for p in (centre, centre + across * 1e-3))  # scene units: 1000 km
    a, b = a[:2] / a[3], b[:2] / b[3]
    assert np.linalg.norm(a - b) == pytest.approx(globe.pixels_per_metre() * 1e3, rel=1e-3)
    _use_camera(globe, "globe")
    viewer.frame_at(viewer.player.t0_s)
    assert not globe.scale_bar.visible  # across the whole globe a length means nothing


def test_no_river_is_drawn_as_a_coast():
    """GSHHG keeps the Amazon as a thin lake; drawn, it was a white line across the forest."""
    from viz.earth import coastlines_lon_lat, roundness

    inland = [line[(line[:, 0] > -73) & (line[:, 0] < -53) & (line[:, 1] > -5) & (line[:, 1] < 0)] for line in coastlines_lon_lat()]
    assert max(np.ptp(part[:, 0]) for part in inland if len(part)) < 2.0  # lakes by the river, not the river (20 deg long)
    circle = np.linspace(0.0, 2.0 * np.pi, 200)
    assert roundness(np.cos(circle), np.sin(circle)) == pytest.approx(1.0, abs=1e-3)


def test_the_whole_globe_sees_an_orbit_open_not_edge_on():
    from viz.globe import ORBIT_OPEN_DEG
    from viz.scale_bar import eye_position

    viewer = _viewer(bundled_result("iss_orbit"))
    globe = viewer.views[0]
    _use_camera(globe, "globe")
    eye = eye_position(globe.camera)
    normal = globe.layers[0].normal(viewer.player.t0_s)
    assert np.degrees(np.arcsin(eye @ normal / np.linalg.norm(eye))) == pytest.approx(ORBIT_OPEN_DEG, abs=1.0)


def test_the_earth_hides_the_far_side_of_the_orbit_in_every_frame():
    """Depth is tested and written frame after frame: the stars, drawn first without a depth test,
    once left depth writes off for all that followed, and the far half of the trail showed through the Earth."""
    from viz.earth_rotation import R_EARTH
    from viz.globe_layers import STATION_COLOR
    from viz.scale_bar import eye_position

    viewer = _viewer(bundled_result("iss_orbit"))
    globe, orbit = viewer.views[0], viewer.views[0].layers[0]
    _use_camera(globe, "globe")
    t = viewer.player.t0_s + 6000.0
    for _ in range(2):  # the second frame too: a state left over from the first must not leak
        image = viewer.frame_at(t)
    eye = eye_position(globe.camera)
    past = [orbit.position(s) for s in np.linspace(orbit.trail_start(t), t, 200)]
    # points of the trail behind the Earth: on the far side, and inside its disk as seen from the eye
    hidden = [p for p in past if p @ eye < 0 and np.linalg.norm(np.cross(p, eye / np.linalg.norm(eye))) < 0.95 * R_EARTH]
    assert len(hidden) > 10
    seen = [near_colour(image, canvas_xy(orbit.trail, p), STATION_COLOR, radius=1, tolerance=60) for p in hidden]
    assert not any(seen)


def test_a_multisampled_still_smooths_the_edges_of_the_same_picture():
    """Four samples a pixel (stills): the same picture, its edges blended, and the next frame one sample again."""
    viewer = _viewer(bundled_result("iss_orbit"))
    _use_camera(viewer.views[0], "globe")
    t = viewer.player.t0_s + 3000.0
    plain = viewer.frame_at(t)
    smooth = viewer.frame_at(t, samples=4)
    assert (viewer.frame_at(t) == plain).all()
    assert np.mean(np.abs(smooth.astype(int) - plain).sum(axis=-1) > 60) < 0.02
    # edges blend what lies either side: the same steps in colour, in smaller steps (less squared
    # gradient), here round the Earth's outline (the station's trail crosses it)
    from viz.earth_rotation import R_EARTH
    from viz.scale_bar import pixels_per_unit

    globe = viewer.views[0]
    centre = canvas_xy(globe.earth.mesh, [0.0, 0.0, 0.0])
    radius_px = R_EARTH * pixels_per_unit(globe.camera, viewer.viewboxes[0].size[1])
    rows, columns = np.mgrid[0 : SIZE[1], 0 : SIZE[0] - 1]
    ring = np.abs(np.hypot(columns - centre[0], rows - centre[1]) / radius_px - 1.0) < 0.1
    energy = [float((np.diff(image[..., :3].astype(float), axis=1) ** 2).sum(axis=-1)[ring].sum()) for image in (plain, smooth)]
    assert energy[1] < 0.95 * energy[0]


def test_close_cameras_see_the_plain_sharper_earth_and_the_globe_its_coastlines():
    from viz.earth import CLOSE_TEXTURE_WIDTH, TEXTURE_WIDTH, close_texture, earth_texture

    assert close_texture().shape == (CLOSE_TEXTURE_WIDTH // 2, CLOSE_TEXTURE_WIDTH, 3)
    assert earth_texture().shape == (TEXTURE_WIDTH // 2, TEXTURE_WIDTH, 3)
    viewer = _viewer(bundled_result("soyuz_nominal"))
    globe = viewer.views[0]
    _use_camera(globe, "capsule")
    viewer.frame_at(viewer.player.t0_s)
    assert globe.earth.close
    _use_camera(globe, "globe")
    viewer.frame_at(viewer.player.t0_s)
    assert not globe.earth.close


def test_a_flash_on_a_small_canvas_stays_clear_of_the_status_block_and_inside_the_canvas():
    from viz.viewer import Viewer

    result = bundled_result("soyuz_nominal")
    event = next(e for e in result.events if e.kind == "main_settled")  # the longest message
    viewer = Viewer(result, size=(640, 360))
    viewer.frame_at(event.time_s - 1.0, 0.1)
    viewer.frame_at(event.time_s + 0.1, 0.1)
    hud = viewer.hud
    assert hud.flash_text.visible
    fx, _, fw, _ = text_box(hud.flash_text)
    assert 0 <= fx and fx + fw <= 640, "the whole message is on the canvas"
    assert not boxes_overlap(text_box(hud.flash_text), text_box(hud.status)), "the flash does not cover the status lines"


def test_three_flashes_together_cover_neither_the_legend_nor_the_plots():
    """The footer (legend and camera) hangs above the timeline: the flash's place above it once
    left that out, and three events together lay over the legend's lines at 960 x 540."""
    from viz.viewer import Viewer

    result = bundled_result("soyuz_nominal")
    viewer = Viewer(result, size=(960, 540))
    t = viewer.player.t1_s
    viewer.frame_at(t - 1.0, 0.1)
    viewer.frame_at(t, 0.1)
    hud = viewer.hud
    assert hud.flash_text.visible and hud.flash_text.text.count("\n") >= 1
    flash = text_box(hud.flash_text)
    for other in [text_box(hud.footer), text_box(hud.status), *hud.keep_clear()]:
        assert not boxes_overlap(flash, other), (flash, other)


def test_the_capsule_camera_is_under_a_kilometre_across_at_touchdown():
    result = bundled_result("soyuz_ballistic")
    viewer = _viewer(result)
    globe = viewer.views[0]
    assert globe.camera_names[globe._preset] == "capsule"
    viewer.frame_at(viewer.player.t1_s)
    width, height = globe.viewbox.size
    across_m = min(width, height) / globe.pixels_per_metre()
    assert across_m < 1000.0
    viewer.frame_at(viewer.player.t0_s)  # in orbit it shows hundreds of km
    assert min(width, height) / globe.pixels_per_metre() > 500e3


def test_the_ground_is_drawn_under_the_capsule_camera_at_touchdown():
    """A camera a kilometre from the landed capsule has its near plane metres away and the ground
    kilometres beyond: the ground's depth offset once pushed the whole Earth past the far plane,
    and the capsule sat in black space among the stars."""
    viewer = _viewer(bundled_result("soyuz_ballistic"))
    globe = viewer.views[0]
    assert globe.camera_names[globe._preset] == "capsule"
    image = viewer.frame_at(viewer.player.t1_s)  # a jump from the start, as --time end draws it
    left, top = viewer.viewboxes[0].pos
    width, height = viewer.viewboxes[0].size
    # below the capsule (the view's middle) and above the footer: the ground, lit (the landing was by day)
    below = image[int(top + 0.55 * height) : int(top + 0.75 * height), int(left + 0.3 * width) : int(left + 0.7 * width), :3].astype(int)
    assert np.median(below.sum(axis=-1)) > 150, "no ground under the landed capsule"
    from viz.earth import DEPTH_OFFSET_UNITS

    assert globe.earth.depth_offset < DEPTH_OFFSET_UNITS  # fitted to the camera's depth range there
    viewer.frame_at(viewer.player.t0_s)
    _use_camera(globe, "globe")
    viewer.frame_at(viewer.player.t0_s)
    assert globe.earth.depth_offset == DEPTH_OFFSET_UNITS  # the whole globe keeps its offset


def test_the_landed_capsule_stands_still_on_the_ground_in_the_hud():
    """The ground turns about the ITRS pole, 0.27 deg off GCRS's z in 2019: about z the landed capsule
    once moved at 0.69 m/s, and WGS84 in ITRS put it 3.5 cm above the integrator's ground."""
    viewer = _viewer(bundled_result("soyuz_nominal"))
    items = viewer.views[0].layers[0].hud_items(viewer.player.t1_s)
    assert items["altitude"] == "0 m"
    assert items["speed"] == "0 m/s (ground)"
    # under the main canopy (about 7 m/s down) the ground speed is the physics' air speed (no wind)
    from orbital.dynamics.forces import air_velocity_m_s

    result, layer = viewer.result, viewer.views[0].layers[0]
    k = len(result.time_s) - 4
    t, state = result.time_s[k], result.trajectories["soyuz"].data[k]
    assert result.trajectories["soyuz_geodetic"].data[k, 2] < 3e3  # under the canopy
    from astropy.time import Time

    from orbital.earth.frames import teme_to_gcrs_matrix

    to_teme = teme_to_gcrs_matrix(Time(result.epoch_utc, scale="utc")).T  # the frame the integrator flew in
    teme_air = float(np.linalg.norm(air_velocity_m_s(to_teme @ state[:3], to_teme @ state[3:])))
    shown = float(layer.hud_items(t)["speed"].split()[0])
    assert abs(shown - teme_air) < 0.01 * teme_air + 0.01


def test_the_landed_capsule_sits_on_the_ground_seen_from_the_side():
    """Lines and the capsule were drawn 8 km over the ground (the 3 deg mesh's flat cells sag 2.2 km
    under the ellipsoid): turned towards the horizon, the camera saw the landed capsule hang in the
    sky. The fine ground under a close camera lets them be drawn at their own heights."""
    from viz.earth import PATCH_CELL_DEG

    viewer = _viewer(bundled_result("soyuz_nominal"))
    globe, descent = viewer.views[0], viewer.views[0].layers[0]
    t = viewer.player.t1_s
    viewer.frame_at(t)
    from viz.globe import view_angles

    # the eye half a degree over the capsule's horizon (the turntable's elevation turns it in the
    # meridian plane, where the way up is the point's latitude): 8 km up, the capsule was seen in
    # the sky, the horizon some 2.4 deg (25 px) under it
    globe.camera.elevation = view_angles(descent.position(t))[1] - 89.5
    image = viewer.frame_at(t)
    rows, patch = globe.earth._tessellation
    assert patch is not None and all(abs(a - b) < 0.5 + PATCH_CELL_DEG for a, b in zip(patch, descent.geo[-1, :2]))
    x, y = canvas_xy(descent.flown, descent.path[-1])
    below = image[int(y) + 8 : int(y) + 18, int(x) - 6 : int(x) + 6, :3].astype(int)
    assert np.median(below.sum(axis=-1)) > 150, "sky, not ground, under the landed capsule"
    sky = image[int(y) - 30 : int(y) - 10, int(x) + 20 : int(x) + 60, :3].astype(int)
    assert np.median(sky.sum(axis=-1)) < 60, "the horizon should be at the capsule"


def test_a_single_descent_draws_its_planned_landing_point_and_the_miss():
    from viz.globe import view_angles
    from viz.globe_layers import MISS_COLOR, TARGET_COLOR, ground_points

    result = bundled_result("soyuz_ballistic")  # lands 385 km short of the planned point
    viewer = _viewer(result)
    globe = viewer.views[0]
    descent = globe.layers[0]
    _use_camera(globe, "globe")
    lat, lon = descent.target
    globe.camera.azimuth, globe.camera.elevation = view_angles(globe.rotation.gcrs_to_itrs(viewer.player.t1_s).T @ ground_points([lat], [lon])[0])
    image = viewer.frame_at(viewer.player.t1_s)
    assert near_colour(image, canvas_xy(descent.flown, ground_points([lat], [lon])[0]), TARGET_COLOR, radius=4)
    middle = ground_points(*[[v] for v in np.mean([descent.geo[-1, :2], descent.target], axis=0)])[0]
    assert near_colour(image, canvas_xy(descent.flown, middle), MISS_COLOR, radius=3)
    assert viewer.hud.status.text.count("planned landing: missed by 3") == 1  # 385 km


def test_frames_far_apart_are_a_time_lapse_that_holds_the_earth_still(monkeypatch):
    """A decay window of months played in seconds: the Earth would strobe, so it stands still in daylight
    (here frames 2 h apart count as far: the made-up window is 6 h long)."""
    import viz.globe

    monkeypatch.setattr(viz.globe, "TIME_LAPSE_S", 3600.0)
    viewer = _viewer(synthetic_decay_result())
    globe = viewer.views[0]
    _use_camera(globe, "globe")
    t0 = viewer.player.t0_s
    viewer.frame_at(t0 + 600.0)
    assert not globe.time_lapse and globe.layers[0].marker.visible
    azimuth = globe.camera.azimuth
    viewer.frame_at(t0 + 600.0 + 7200.0)
    assert globe.time_lapse and not globe.layers[0].marker.visible
    turned_deg = (globe.camera.azimuth - azimuth) % 360.0  # the eye turned with the Earth
    assert turned_deg == pytest.approx(7200.0 * 7.2921150e-5 * 180.0 / np.pi, abs=0.01)


def test_the_timeline_cursor_follows_the_clock_and_a_click_on_the_bar_jumps_there():
    result = bundled_result("soyuz_nominal")
    viewer = _viewer(result)
    timeline, player = viewer.timeline, viewer.player
    assert len(timeline.event_times_s) == len(result.events)  # a tick for each event
    t = 0.5 * (player.t0_s + player.t1_s)
    viewer.frame_at(t)
    assert timeline.cursor_x() == pytest.approx(timeline.x_of(t))

    class Press:
        def __init__(self, pos):
            self.pos, self.handled = pos, False

    width, height = viewer.canvas.size
    press = Press((0.25 * width, height - 7.0))
    timeline._on_press(press)
    assert press.handled and player.t_s == pytest.approx(timeline.time_at(0.25 * width))
    timeline._on_release(press)
    away = Press((0.8 * width, 0.5 * height))  # in the view: the camera's, not the timeline's
    timeline._on_press(away)
    assert not away.handled and player.t_s == pytest.approx(timeline.time_at(0.25 * width))


def test_live_plots_are_the_hints_series_and_their_cursor_moves_with_the_clock():
    """A result whose hints declare one made-up SeriesPlot gets exactly that plot, over its events' span,
    in its unit; its cursor and readout follow the clock; a canvas under 960 px has no room for it."""
    import dataclasses

    from orbital.kind_contract import Curve, DisplayHints, SeriesPlot
    from viz.plots import CURSOR_COLOR, IDLE_CURSOR_COLOR, LINE_COLORS
    from viz.viewer import Viewer

    result = bundled_result("gordon_tethered")
    taut = next(e.time_s for e in result.events if e.kind == "tether_taut")
    speed = SeriesPlot("speed", "Speed", "km/s", (Curve("astronaut", ("vx", "vy", "vz"), "norm"),), from_event="tether_taut")
    made_up = dataclasses.replace(result, display=DisplayHints(roles=result.display.roles, plots=(speed,)))
    viewer = Viewer(made_up, size=(960, 540))
    plots, player = viewer.plots, viewer.player
    [series] = plots.series
    first = result.time_s[np.searchsorted(result.time_s, taut)]  # the first sample from the event on
    assert (series.label, series.unit, series.t0_s, series.t1_s) == ("speed", "km/s", first, player.t1_s)
    t = 0.5 * (first + player.t1_s)
    viewer.frame_at(t)
    left, top, width, height = plots.boxes()[0]
    assert plots.cursor_x() == pytest.approx(left + 0.5 * width, abs=0.5)
    v = np.array([np.interp(t, result.time_s, result.trajectory("astronaut").column(c)) for c in ("vx", "vy", "vz")])
    text = plots._parts[0]["text"].text
    # the plot's unit is km/s; an astronaut's fraction of a metre a second is said in m/s (viz.numbers)
    assert text == series.text_at(t) and text.startswith("speed: ") and text.endswith(" m/s") and "km/s" not in text
    assert series.value_at(t)[1] == pytest.approx(np.linalg.norm(v) / 1e3, rel=1e-3)
    image = viewer.frame_at(t)
    assert near_colour(image, (plots.cursor_x(), top + 0.5 * height), CURSOR_COLOR)
    viewer.frame_at(0.5 * taut)  # before the plot's span: the cursor waits, dimmed, at its left edge
    assert plots.cursor_x() == pytest.approx(left) and plots.cursor_color() == pytest.approx(IDLE_CURSOR_COLOR)
    assert plots._parts[0]["curve_colors"] == [LINE_COLORS[0]]
    small = _viewer(made_up)  # 480 px wide: no room, no plots
    assert [s.label for s in small.plots.series] == ["speed"] and not small.plots.boxes()


#: A bundled run of each family -> the live plots its kind's hints give it (the first two not flat)
LIVE_PLOTS = {
    "soyuz_nominal": ["altitude", "g load"],
    "iss_breakup": ["altitude", "g load"],
    "gordon_tethered": ["separation", "tension"],
    "arm_rescue": ["joint rates", "tip speed"],
    "soyuz_no_burn": ["heights"],
    "help_arrives": ["range", "relative speed"],
    "iss_orbit": ["altitude"],
    "let_it_fall": [],  # its series are cases drawn as dots: left out
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(LIVE_PLOTS))
def test_every_family_gets_the_live_plots_its_hints_declare(name):
    from viz.plots import plot_series
    from viz.registry import time_span

    result = bundled_result(name)
    series = plot_series(result, *time_span(result))
    assert [s.label for s in series] == LIVE_PLOTS[name]
    for s in series:
        t = 0.5 * (s.t0_s + s.t1_s)
        assert s.text_at(t).startswith(f"{s.label}") and s.text_at(t).endswith(f" {s.unit}")


@pytest.mark.parametrize("name", ["soyuz_nominal", "iss_breakup"])
def test_the_hud_and_the_live_plot_say_one_sensed_load(name):
    """The runs write no load once down (a 0): the HUD said 1.00 g on the ground, the plot 0 g.
    Both read the sensed load, 1 g at rest on the ground, and say it alike; also outside the plot's
    span (the breakup's is from the breakup to the first impact), where it said the value at its edge."""
    import re

    result = bundled_result(name)
    from viz.viewer import Viewer

    viewer = Viewer(result, size=(960, 540))  # wide enough for the live plots
    plot = next(k for k, s in enumerate(viewer.plots.series) if s.label == "g load")
    for t in np.linspace(viewer.player.t0_s, viewer.player.t1_s, 13):
        viewer.frame_at(t)
        hud = re.search(r"^g load: (.*)$", viewer.hud.status.text, re.M).group(1)
        shown = viewer.plots._parts[plot]["text"].text
        assert shown == f"g load: {hud}", (t, shown, hud)
    assert hud == "1 g"  # at rest on the ground
    assert any("g load: the sensed load (1 g at rest on the ground)" == line for line in viewer.hud.legend.split("\n"))


def test_the_titles_over_the_plots_and_the_profile_stay_inside_their_panels():
    """The side profile's title ran past the canvas's right edge ("downrang")."""
    from viz.overlay_text import OUTLINE_PX
    from viz.viewer import Viewer

    result = bundled_result("soyuz_ballistic")
    viewer = Viewer(result, size=(960, 540))
    inset, plots = viewer.profile, viewer.plots
    left, top, width, height = inset.boxes()[0]
    for t in np.linspace(viewer.player.t0_s, viewer.player.t1_s, 25):
        viewer.show_time(t)
        for text, box in [(inset.text, inset.boxes()[0])] + [(part["text"], b) for part, b in zip(plots._parts, plots.boxes())]:
            assert text.corner[0] + text.size[0] <= box[0] + box[2] + OUTLINE_PX + 1, (t, text.text)
    # the pixels the title draws at touchdown (its value there the longest) lie over its panel
    shown = viewer.frame_at(viewer.player.t1_s)
    inset.text.visible = False
    hidden = viewer.frame_at(viewer.player.t1_s)
    xs = np.nonzero(np.abs(shown[..., :3].astype(int) - hidden[..., :3].astype(int)).sum(axis=-1) > 30)[1]
    assert xs.size > 50 and xs.max() <= left + width + OUTLINE_PX + 1


def test_the_key_help_draws_over_the_live_plots():
    """Pressed h, the help was drawn under the plots' panels and curves, and mixed with their labels."""
    from viz.viewer import Viewer

    viewer = Viewer(bundled_result("soyuz_nominal"), size=(960, 540))
    viewer.on_key(_Key("H", "h"))
    t = viewer.player.t1_s
    shown = viewer.frame_at(t)
    x, y, w, h = text_box(viewer.hud.help)
    assert boxes_overlap((x, y, w, h), viewer.plots.boxes()[0]), "the help and the first plot overlap here"
    plots = viewer.plots
    for visual in (plots.panels, plots.curves, plots.cursors, *(part["text"] for part in plots._parts)):
        visual.visible = False
    alone = viewer.frame_at(t)
    inside = (slice(int(y), int(y + h)), slice(int(x), int(x + w)))
    difference = np.abs(shown[inside][..., :3].astype(int) - alone[inside][..., :3].astype(int)).max()
    assert difference < 30, "the plots show through the help"
    assert (shown[inside][..., :3].min(axis=-1) > 200).sum() > 200  # its white text is drawn


@pytest.mark.parametrize("name", ["gordon_tethered", "soyuz_nominal"])
def test_pipelined_frames_are_the_frames_rendered_one_by_one(name):
    """``Viewer.frames`` sets each next time while the last frame rasterises: the same pixels, byte for byte,
    events flashing and fading in wall seconds as they do frame by frame."""
    result = bundled_result(name)
    one_by_one, piped = _viewer(result), _viewer(result)
    times = one_by_one.player.clock.time(np.linspace(0.0, 1.0, 12))
    expected = [one_by_one.frame_at(t, 0.5) for t in times]
    got = list(piped.frames(times, 0.5))
    assert len(got) == len(expected)
    for t, a, b in zip(times, expected, got):
        assert np.array_equal(a, b), f"frame at t = {t:.1f} s differs"
    assert list(piped.frames([])) == []
