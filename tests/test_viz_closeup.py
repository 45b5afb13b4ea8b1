"""The close-up view, rendered headless (EGL) and checked on its pixels.

Skips with the reason only where no OpenGL context can be made at all.
"""

import os

import numpy as np
import pytest

from orbital.io import scenario as sc
from orbital.kinds import kind_spec
from orbital.result import Event, Result, Trajectory
from orbital.runners import run_scenario

SIZE = (640, 400)
LVLH6 = (("x", "y", "z", "vx", "vy", "vz"), ("m",) * 3 + ("m/s",) * 3)
ARM_BASE = np.array([3.0, 0.0, 10.0])
#: Where the synthetic arm's free-floating astronaut waits, clear of the arm (LVLH, m).
WAITING_ASTRONAUT = np.array([10.0, -20.0, 30.0])
TETHER_ANCHOR = np.array([1.0, 0.0, 12.0])


def _offscreen_canvas_or_skip():
    """A vispy SceneCanvas on EGL (Mesa works headless), or skip naming why GL is missing."""
    os.environ.setdefault("EGL_PLATFORM", "surfaceless")
    try:
        import vispy

        try:
            vispy.use(app="egl")
        except RuntimeError:
            pass  # another backend is already in use in this process: use it
        from vispy import scene

        canvas = scene.SceneCanvas(size=SIZE, show=False)
        canvas.render()
    except Exception as exc:  # any failure here means: no usable OpenGL
        pytest.skip(f"no OpenGL context available for offscreen rendering ({type(exc).__name__}: {exc})")
    return canvas


@pytest.fixture
def view_of():
    """``view_of(result)`` -> (canvas, CloseupView) drawn into a fresh offscreen canvas."""

    def make(result):
        canvas = _offscreen_canvas_or_skip()
        from viz.closeup import CloseupView

        return canvas, CloseupView(canvas.central_widget.add_view(), result)

    return make


@pytest.fixture(scope="module")
def bundled():
    return {name: run_scenario(sc.load(name)) for name in ("gordon_tethered", "gordon_adrift", "safer_return")}


def synthetic_arm_result(samples=61, duration_s=60.0):
    """An arm_rescue-like Result (contracts.md): the arm swings up and unfolds; a tether goes taut 20-40 s."""
    t = np.linspace(0.0, duration_s, samples)
    shoulder = np.radians(30.0 + 50.0 * t / duration_s)
    elbow = np.radians(-110.0 + 60.0 * t / duration_s)
    boom1 = np.stack([np.sin(shoulder), np.cos(shoulder), np.zeros_like(t)], 1)
    boom2 = np.stack([np.sin(shoulder + elbow), np.cos(shoulder + elbow), np.zeros_like(t)], 1)
    p0 = np.tile(ARM_BASE, (samples, 1))
    p1 = p0 + [1.0, 0.0, 0.0]
    p2 = p1 + [0.6, 0.0, 0.5]
    p3 = p2 + 7.1 * boom1
    p4 = p3 + 7.1 * boom2
    p5 = p4 + 0.5 * boom2 + [0.0, 0.0, 0.5]
    p6 = p5 + 0.5 * boom2
    p7 = p6 + 0.5 * boom2
    tip = p7 + 0.8 * boom2
    points = np.stack([p0, p1, p2, p3, p4, p5, p6, p7, tip], 1)
    tip_state = np.hstack([tip, np.gradient(tip, t, axis=0)])
    astronaut = np.hstack([np.tile(WAITING_ASTRONAUT, (samples, 1)), np.zeros((samples, 3))])
    taut = (t >= 20.0) & (t < 40.0)
    trajectories = {
        "station": Trajectory("gcrs", *LVLH6, np.tile([6.8e6, 0, 0, 0, 7.66e3, 0], (samples, 1))),
        "astronaut": Trajectory("lvlh", *LVLH6, astronaut),
        "arm_joints": Trajectory("joint", tuple(f"q{i}" for i in range(1, 8)), ("rad",) * 7, np.zeros((samples, 7))),
        "arm_points": Trajectory(
            "lvlh", tuple(f"p{k}_{a}" for k in range(9) for a in "xyz"), ("m",) * 27, points.reshape(samples, 27)
        ),
        "arm_tip": Trajectory("lvlh", *LVLH6, tip_state),
        "tether_tension": Trajectory(None, ("tension",), ("N",), np.where(taut, 300.0, 4.5)[:, None]),
    }
    events = [Event(20.0, "tether_taut"), Event(40.0, "tether_slack")]
    scene = {
        "arm_base_lvlh_m": list(ARM_BASE),
        "airlock_lvlh_m": [0.0, -2.0, 4.0],
        "tether_anchor_lvlh_m": list(TETHER_ANCHOR),
        "capture_radius_m": 1.0,
    }
    display = kind_spec("arm_rescue").display
    return Result("synthetic_arm", "arm_rescue", "2026-11-25T00:00:00", t, trajectories, events, {}, scene=scene, display=display)


def _render(canvas, view, t_s, camera=None):
    if camera is not None:
        while view.camera_name != camera:
            view.cycle_camera()
    view.set_time(t_s)
    return canvas.render()[:, :, :3].astype(int)


def _pixel(view, point):
    """Canvas pixel (column, row) where the camera projects the LVLH ``point`` (m)."""
    p = view.station.get_transform("visual", "canvas").map(np.append(np.asarray(point, float), 1.0))
    return int(round(p[0] / p[3])), int(round(p[1] / p[3]))


def _window(image, pixel, half):
    col, row = pixel
    return image[max(row - half, 0) : row + half + 1, max(col - half, 0) : col + half + 1]


def _background(image):
    from viz.closeup import BACKGROUND

    return np.all(np.abs(image - np.round(np.array(BACKGROUND[:3]) * 255)) <= 3, axis=-1)


def _near_color(image, rgba, tolerance=30):
    return np.all(np.abs(image - np.array(rgba[:3]) * 255) <= tolerance, axis=-1)


def test_applies_to_lvlh_results_only(bundled):
    from viz.closeup import CloseupView

    assert CloseupView.applies_to(bundled["gordon_adrift"])
    assert CloseupView.applies_to(synthetic_arm_result())
    station_only = Result("iss", "station", "2026-11-25T00:00:00", np.zeros(2), {"station": bundled["gordon_adrift"].trajectories["station"]}, [], {}, display=kind_spec("station").display)
    assert not CloseupView.applies_to(station_only)


@pytest.mark.parametrize("name", ["gordon_tethered", "gordon_adrift", "safer_return"])
def test_station_drawn_around_its_projected_centre(bundled, view_of, name):
    canvas, view = view_of(bundled[name])
    image = _render(canvas, view, bundled[name].time_s[0], camera="station")
    around_centre = _window(image, _pixel(view, (0.0, 0.0, 0.0)), 6)
    assert (~_background(around_centre)).mean() > 0.8
    assert _background(image).mean() > 0.5  # mostly space: the station does not fill the frame


@pytest.mark.parametrize("name", ["gordon_tethered", "gordon_adrift", "safer_return"])
def test_astronaut_marker_where_the_projection_says(bundled, view_of, name):
    from viz.closeup import MARKER_COLOR

    result = bundled[name]
    canvas, view = view_of(result)
    for t_s in np.linspace(result.time_s[0], result.time_s[-1], 3):
        image = _render(canvas, view, t_s, camera="station + astronaut")
        col, row = _pixel(view, view.tracks.chaser_position(t_s))
        assert 0 <= col < SIZE[0] and 0 <= row < SIZE[1], f"{name} t={t_s}: astronaut off screen"
        rows, cols = np.nonzero(_near_color(image, MARKER_COLOR))
        assert len(rows) > 20, f"{name} t={t_s}: no marker"
        assert abs(cols.mean() - col) <= 3 and abs(rows.mean() - row) <= 3, f"{name} t={t_s}: marker not at the astronaut"


def test_drifting_kilometres_away_stays_in_view_with_a_scale(bundled, view_of):
    result = bundled["gordon_adrift"]
    canvas, view = view_of(result)
    _render(canvas, view, result.time_s[-1], camera="station + astronaut")
    assert np.linalg.norm(view.tracks.chaser_position(result.time_s[-1])) > 2000.0
    assert view.hud_items(result.time_s[-1])["distance"].endswith(" km")
    assert view.scale_bar.label.text in {"500 m", "1000 m", "1.00 km", "2.00 km"}


def test_arm_moves_between_two_times(view_of):
    from viz.closeup import ARM_TIP

    result = synthetic_arm_result()
    canvas, view = view_of(result)
    view.tracks.target_state = None  # lit over the viewer's shoulder: this made-up station is in the Earth's shadow
    start = _render(canvas, view, 0.0, camera="station")
    tip_then = _pixel(view, view.tracks.arm[0, -1])
    end = _render(canvas, view, 60.0)
    tip_now = _pixel(view, view.tracks.arm[-1, -1])
    assert np.hypot(tip_now[0] - tip_then[0], tip_now[1] - tip_then[1]) > 10
    tip_color = lambda image, pixel: _near_color(_window(image, pixel, 2), ARM_TIP, tolerance=90).any()  # noqa: E731
    assert tip_color(start, tip_then) and not tip_color(start, tip_now)
    assert tip_color(end, tip_now) and not tip_color(end, tip_then)


def test_tether_colour_changes_when_taut(view_of):
    from viz.closeup import SLACK_COLOR, sagging_line, tension_color, SLACK_SAG

    result = synthetic_arm_result()
    canvas, view = view_of(result)
    midpoint = sagging_line(TETHER_ANCHOR, WAITING_ASTRONAUT, SLACK_SAG, count=3)[1]
    slack = _render(canvas, view, 10.0, camera="follow astronaut")
    slack_pixels = _window(slack, _pixel(view, midpoint), 3)
    taut = _render(canvas, view, 30.0)
    taut_pixels = _window(taut, _pixel(view, 0.5 * (TETHER_ANCHOR + WAITING_ASTRONAUT)), 3)
    taut_color = tension_color(300.0)
    assert _near_color(slack_pixels, SLACK_COLOR, 40).any() and not _near_color(slack_pixels, taut_color, 40).any()
    assert _near_color(taut_pixels, taut_color, 40).any() and not _near_color(taut_pixels, SLACK_COLOR, 40).any()
    assert view.hud_items(30.0)["tether"] == "taut 300 N"
    assert view.hud_items(10.0)["tether"].startswith("slack")


def test_broken_tether_leaves_stubs(bundled, view_of):
    result = bundled["gordon_adrift"]
    canvas, view = view_of(result)
    broken_at = next(e.time_s for e in result.events if e.kind == "tether_broken")
    assert view.tracks.tether_state(broken_at - 1.0) != "broken"
    assert view.tracks.tether_state(broken_at + 1.0) == "broken"
    _render(canvas, view, broken_at + 1.0)
    assert view.hud_items(broken_at + 1.0)["tether"] == "broken"
    assert len(view.tether.pos) == 4  # two stubs, drawn as segments


def test_cameras_cycle_through_all_presets(view_of):
    canvas, view = view_of(synthetic_arm_result())
    names = [view.cycle_camera() for _ in view.camera_names]
    assert sorted(names) == sorted(view.camera_names)
    assert {"station", "arm", "follow astronaut"} <= set(names)


# --- geometry and sampling, no GL needed ------------------------------------------------


def test_station_model_matches_the_contract_layout():
    from viz import station_model

    mesh = station_model.station_mesh()
    lo, hi = mesh.vertices.min(axis=0), mesh.vertices.max(axis=0)
    assert hi[2] - lo[2] == pytest.approx(station_model.TRUSS_LENGTH_M + 2 * 1.0, abs=5.0)  # truss (+ joints) along z
    assert lo[1] == pytest.approx(-35.5, abs=1.0) and hi[1] == pytest.approx(35.5, abs=1.0)  # wings reach past the modules
    assert np.linalg.norm(mesh.vertices, axis=1).max() <= station_model.STATION_RADIUS_M
    assert mesh.faces.min() == 0 and mesh.faces.max() == len(mesh.vertices) - 1
    assert len(mesh.face_colors) == len(mesh.faces)
    assert station_model.TRUSS_TOP_X_M == pytest.approx(1.0)  # the bundled tether reels sit on it


def test_tube_vertices_lie_on_their_cylinders():
    from viz import station_model

    starts, ends = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]]), np.array([[0.0, 0.0, 5.0], [4.0, -2.0, 3.0]])
    v = station_model.tube_vertices(starts, ends, 0.3, 10).reshape(2, 20, 3)
    for k in range(2):
        axis = (ends[k] - starts[k]) / np.linalg.norm(ends[k] - starts[k])
        rel = v[k] - starts[k]
        radial = rel - np.outer(rel @ axis, axis)
        assert np.allclose(np.linalg.norm(radial, axis=1), 0.3)
        assert np.allclose(rel[:10] @ axis, 0.0) and np.allclose(rel[10:] @ axis, np.linalg.norm(ends[k] - starts[k]))
    assert station_model.tube_faces(2, 10).max() == 39


def test_tracks_interpolate_in_float64_and_clamp():
    from viz.closeup_tracks import Tracks

    result = synthetic_arm_result()
    tracks = Tracks(result)
    points = result.trajectories["arm_points"].data.reshape(61, 9, 3)
    assert np.allclose(tracks.at(tracks.arm, 10.5), 0.5 * (points[10] + points[11]))
    assert np.allclose(tracks.at(tracks.arm, -5.0), points[0])
    assert np.allclose(tracks.at(tracks.arm, 1e6), points[-1])
    assert tracks.history(tracks.chaser[:, :3], 2.5).shape == (4, 3)
    assert [tracks.tether_state(t) for t in (10.0, 30.0, 50.0)] == ["slack", "taut", "slack"]
    far = 3000.0 + 1e-3  # a millimetre 3 km out survives: the sampling stays float64
    result.trajectories["astronaut"].data[:, 0] = far
    assert Tracks(result).chaser_position(7.0)[0] == far


def test_sagging_line_sags_and_ends_at_its_ends():
    from viz.closeup import sagging_line

    start, end = np.array([1.0, 0.0, 12.0]), np.array([1.0, 0.0, 32.0])
    curve = sagging_line(start, end, 0.1, count=33)
    assert np.allclose(curve[0], start) and np.allclose(curve[-1], end)
    assert curve[16, 0] - 1.0 == pytest.approx(0.1 * 20.0)  # bowed up by a tenth of the chord at mid-span


def test_scale_bar_and_lengths_are_round():
    from viz.numbers import format_length
    from viz.scale_bar import scale_bar_length

    assert scale_bar_length(4.0, 110.0) == (20.0, 80.0)
    assert scale_bar_length(0.03, 110.0)[0] == 2000.0
    assert [format_length(m) for m in (23.44, 480.2, 3021.0, 48_460.0, 2.0e6)] == ["23.4 m", "480 m", "3.02 km", "48.5 km", "2000 km"]


def test_tracks_read_back_from_a_run_directory(bundled, tmp_path):
    from orbital.io.run_dirs import read_run, write_run
    from viz.closeup_tracks import Tracks

    result = bundled["gordon_adrift"]
    fresh, reread = Tracks(result), Tracks(read_run(write_run(result, "kind: eva_drift\n", tmp_path / "run")))
    assert np.array_equal(fresh.tether_anchor, reread.tether_anchor)
    for t_s in (0.0, 30.0, 3000.0):
        assert np.array_equal(fresh.chaser_position(t_s), reread.chaser_position(t_s))
        assert fresh.tether_state(t_s) == reread.tether_state(t_s)


@pytest.mark.parametrize("name, t_s", [("arm_push", 60.0), ("arm_rescue_too_far", 200.0)])
def test_arm_camera_keeps_the_drifting_astronaut_in_view(view_of, name, t_s):
    result = run_scenario(sc.load(name, []))
    canvas, view = view_of(result)
    _render(canvas, view, t_s, camera="arm")
    for point in (view.tracks.chaser_position(t_s), *view.tracks.at(view.tracks.arm, t_s)):
        col, row = _pixel(view, point)
        assert 0 <= col < SIZE[0] and 0 <= row < SIZE[1], f"{name} t={t_s}: {point} off screen in the arm camera"


def test_labels_stand_by_their_points_and_hide_off_the_panel(bundled, view_of):
    from viz.closeup import LABEL_GAP_PX

    result = bundled["gordon_adrift"]
    canvas, view = view_of(result)
    t_s = result.time_s[len(result.time_s) // 3]
    image = _render(canvas, view, t_s, camera="station + astronaut")
    label = view.chaser["label"]
    col, row = _pixel(view, view.tracks.chaser_position(t_s))
    assert label.visible and label.text == "astronaut"
    x, y = label.pos
    assert abs(x - col) <= 1 and row - 60 < y < row - LABEL_GAP_PX  # centred over him, above his ring
    # white glyphs there, on the panel (the outline keeps them readable on white modules too)
    block = image[int(y) - 16 : int(y), int(x) - 30 : int(x) + 30]
    assert (block.min(axis=-1) > 200).sum() > 10
    # the station's own label shows only when the station is a speck (he is kilometres off at
    # the end), left of its cross, and only on the panel
    _render(canvas, view, result.time_s[-1])
    cross, station_label = view.station_marker
    col, row = _pixel(view, (0.0, 0.0, 0.0))
    assert cross.visible and station_label.visible and station_label.pos[0] < col
    view._pin_label(station_label, np.array([0.0, 0.0, 1e9]), (0.0, 0.0))
    assert not station_label.visible


CLOSEUP_RUNS = ("gordon_tethered", "gordon_adrift", "safer_return", "arm_push", "arm_rescue", "arm_rescue_too_far")


@pytest.mark.slow
@pytest.mark.parametrize("name", CLOSEUP_RUNS)
def test_the_closeup_keeps_station_astronaut_and_arm_in_frame_all_run_long(name):
    """Every bundled close-up, side by side with the globe at 320x180, its first camera, from start to end:
    the station (its centre and marked points: anchor, arm base, airlock, SAFER target), him and the arm."""
    _offscreen_canvas_or_skip()
    from viz.viewer import Viewer
    from viz_helpers import bundled_result

    viewer = Viewer(bundled_result(name), size=(320, 180))
    view = viewer.views[-1]
    tr = view.tracks
    for t_s in np.linspace(viewer.player.t0_s, viewer.player.t1_s, 7):
        viewer.show_time(t_s)
        subjects = [*view.station_points]  # its centre of mass and the points marked on it
        subjects += [] if tr.chaser is None else [tr.chaser_position(t_s)]
        subjects += [] if tr.arm is None else [*tr.at(tr.arm, t_s)]
        width, height = view.viewbox.size
        for point in subjects:
            x, y = view._panel_xy(point)
            assert 0 <= x <= width and 0 <= y <= height, f"{name} at {t_s:.0f} s: {np.round(point, 1)} m is off the {view.camera_name!r} frame"


def test_the_station_goes_dark_in_the_earths_shadow(bundled, view_of):
    """gordon_tethered starts in the Earth's shadow (the globe's marker says so too): ambient light only."""
    from viz.closeup import ECLIPSE_LIGHT
    from viz.sky import in_earth_shadow, sun_direction

    result = bundled["gordon_tethered"]
    canvas, view = view_of(result)
    t = float(result.time_s[0])
    view.set_time(t)
    r = view.tracks.target_state[0, :3]
    assert view.eclipsed == in_earth_shadow(r, sun_direction(result.epoch_utc, t)) == True  # noqa: E712
    station = view._lit[0]
    assert station._lit_for[-1] == ECLIPSE_LIGHT.diffuse == 0.0


def test_the_carried_astronaut_is_drawn_beside_the_arms_pedestal_never_inside():
    from viz.closeup import PEDESTAL_HALF_M
    from viz.closeup_tracks import Tracks
    from viz import station_model

    tracks = Tracks(run_scenario(sc.load("arm_rescue")))
    base, p = tracks.arm_base, tracks.chaser[:, :3]
    top = min(station_model.TRUSS_TOP_X_M, base[0] - 0.5)
    level = (p[:, 0] >= top) & (p[:, 0] <= base[0])
    body_m = 0.35  # half his figure's width
    assert np.all(np.max(np.abs(p[level][:, 1:] - base[1:]), axis=1) > PEDESTAL_HALF_M + body_m)


def test_station_solids_wind_outward_so_back_faces_can_be_culled():
    """Every face of the culled meshes (station, pedestal, astronaut) is counter-clockwise seen from
    outside: its normal points away from the centre of the solid it belongs to."""
    from viz import station_model as sm

    for part in [sm.box((0, 0, 0), (1, 2, 3), sm.TRUSS_GREY), sm.frustum((0, 0, 0), (0, 5, 0), 2.0, 1.0, sm.US_MODULE),
                 sm.sphere((1, 1, 1), 0.5, sm.JOINT_GREY)]:
        corners = part.vertices[part.faces]
        normal = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
        assert np.all(np.einsum("ij,ij->i", normal, corners.mean(axis=1) - part.vertices.mean(axis=0)) > 0.0)
