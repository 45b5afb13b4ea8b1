"""The viewer's story aids (issue 15, last part): a descent's side-profile inset, the phase and warp
on the timeline, the arm's reach envelope and the LVLH axes in the close-up; rendered headless (EGL)."""

import dataclasses

import numpy as np
import pytest

from orbital.kind_contract import DisplayHints, ProfilePlot
from viz.backend import offscreen_unavailable_reason

REASON = offscreen_unavailable_reason()
needs_gl = pytest.mark.skipif(REASON is not None, reason=str(REASON))

from viz_helpers import bundled_result, near_colour  # noqa: E402

#: Wide enough for the live plots and the inset (viz.plots.LEAST_CANVAS_W_PX).
WIDE = (960, 540)


class _Key:
    """A key press as glfw delivers it: ``Key('E')`` with the text ``"e"``."""

    def __init__(self, name, text=""):
        from vispy.util.keys import Key

        self.key, self.text = Key(name), text


def _viewer(result, size=WIDE):
    from viz.viewer import Viewer

    return Viewer(result, size=size)


def test_a_profile_hint_survives_summary_json():
    plot = ProfilePlot("profile", "Side profile", "capsule_geodetic", "capsule_loads", ("coast", "entry"), "entry_interface", "target_wgs84")
    hints = DisplayHints(roles={"capsule": "descent"}, plots=(plot,))
    assert DisplayHints.from_json(hints.to_json()) == hints


def test_profile_downrange_runs_on_round_the_earth_and_a_place_past_the_end_lies_beyond_it():
    """A track once and a half round the equator: its downrange grows to 1.5 circumferences (a
    distance from the first point would turn back after half); a place 100 km past the end lies
    100 km beyond it; one abeam a point of the last lap at that point's downrange."""
    from orbital.plot_data import MEAN_EARTH_RADIUS_M, profile_data
    from orbital.result import Event, Result, Trajectory

    t = np.linspace(0.0, 5400.0, 541)
    lon = (np.linspace(0.0, 540.0, t.size) + 180.0) % 360.0 - 180.0
    alt = np.linspace(130e3, 0.0, t.size)
    track = Trajectory("wgs84", ("lat", "lon", "alt"), ("deg", "deg", "m"), np.column_stack([np.zeros(t.size), lon, alt]))
    beyond_deg = np.degrees(100e3 / MEAN_EARTH_RADIUS_M)
    plot = ProfilePlot("profile", "Profile", "probe_geodetic", from_event="start", marker="goal_wgs84")
    result = Result("probe", "made_up", "2026-11-25T00:00:00", t, {"probe_geodetic": track}, [Event(0.0, "start", "")], {},
                    scene={"goal_wgs84": {"lat_deg": 0.0, "lon_deg": float(lon[-1] + beyond_deg)}}, display=DisplayHints(plots=(plot,)))
    profile = profile_data(result, plot)
    circumference_m = 2.0 * np.pi * MEAN_EARTH_RADIUS_M
    assert np.all(np.diff(profile.downrange_m) > 0.0) and profile.downrange_m[-1] == pytest.approx(1.5 * circumference_m, rel=1e-9)
    assert profile.marker_downrange_m - profile.downrange_m[-1] == pytest.approx(100e3, rel=1e-6)
    assert profile.phase is None
    abeam = dataclasses.replace(result, scene={"goal_wgs84": {"lat_deg": 0.5, "lon_deg": float(lon[450])}})
    assert profile_data(abeam, plot).marker_downrange_m == pytest.approx(profile.downrange_m[450], rel=1e-9)


@needs_gl
def test_the_side_profile_point_moves_with_the_clock_and_the_planned_landing_lies_ahead_of_a_short_landing():
    from viz.globe_layers import CAPSULE_COLOR, TARGET_COLOR

    result = bundled_result("soyuz_ballistic")  # lands 385 km short of the planned point
    viewer = _viewer(result)
    inset, profile = viewer.profile, viewer.profile.profile
    entry = next(e.time_s for e in result.events if e.kind == "entry_interface")
    assert profile.t_s[0] == pytest.approx(entry, abs=float(np.max(np.diff(result.time_s))))
    # the miss is along the track: the planned point lies about 385 km further downrange than the touchdown
    miss_km = viewer.views[0].layers[0].miss_km
    assert (profile.marker_downrange_m - profile.downrange_m[-1]) / 1e3 == pytest.approx(miss_km, rel=0.1)
    middle = float(profile.t_s[np.argmax(profile.alt_m < 50e3)])  # mid-entry (most of the time goes under the canopies)
    image = viewer.frame_at(middle)
    x_mid, y_mid = inset.point_xy()
    assert (x_mid, y_mid) == pytest.approx(inset.xy(*inset.at(middle)), abs=0.01)
    assert near_colour(image, (x_mid, y_mid), CAPSULE_COLOR, radius=2)
    assert near_colour(image, inset.xy(profile.marker_downrange_m, 0.0), TARGET_COLOR, radius=3)
    assert "km downrange" in inset.text.text
    image = viewer.frame_at(result.time_s[-1])
    x_end, y_end = inset.point_xy()
    assert x_end > x_mid + 20.0 and y_end > y_mid + 20.0  # on down the range and down to the ground
    assert near_colour(image, (x_end, y_end), CAPSULE_COLOR, radius=2)
    left, top, width, height = inset.boxes()[0]
    assert left <= x_end <= left + width and top <= y_end <= top + height
    viewer.frame_at(0.5 * entry)  # before the entry interface: held at the start, dimmed
    assert tuple(inset.point_xy()) == pytest.approx(inset.xy(0.0, profile.alt_m[0]), abs=0.01)


@needs_gl
def test_a_result_without_a_profile_hint_has_no_inset_and_a_small_canvas_no_room():
    result = bundled_result("soyuz_nominal")
    plain = dataclasses.replace(result, display=DisplayHints(roles=result.display.roles))
    viewer = _viewer(plain)
    assert viewer.profile.profile is None and not viewer.profile.boxes()
    small = _viewer(result, size=(480, 360))
    assert small.profile.profile is not None and not small.profile.boxes()


@needs_gl
def test_the_timeline_shows_the_phase_in_its_colour_and_the_warp():
    from viz.globe_layers import PHASES

    result = bundled_result("soyuz_nominal")
    viewer = _viewer(result)
    timeline = viewer.timeline
    entry = next(e.time_s for e in result.events if e.kind == "entry_interface")
    t = entry + 120.0
    image = viewer.frame_at(t)
    assert timeline.phase_label.text == "entry" and timeline.phase_label.color == PHASES[3][1]
    x, y = float(timeline.x_of(t)), timeline._y()
    assert near_colour(image, (x - 3.0, y), PHASES[3][1], radius=1)  # the played bar, red in the entry
    burn = next(e.time_s for e in result.events if e.kind == "burn_start")
    assert near_colour(image, (float(timeline.x_of(burn + 100.0)), y), PHASES[1][1], radius=1)  # orange in the burn
    # the label over the cursor, the warp at the bar's right end
    label_x, label_y = timeline.phase_label.pos
    assert label_x == pytest.approx(x) and label_y < y and timeline.warp_label.text.startswith("x")
    viewer.on_key(_Key(" ", " "))
    assert timeline.warp_label.text.endswith("paused")


@needs_gl
def test_without_phase_codes_the_timeline_names_the_stretch_after_the_last_event():
    result = bundled_result("gordon_tethered")
    viewer = _viewer(result, size=(480, 360))
    events = sorted(result.events, key=lambda e: e.time_s)  # the push at the start, the tether taut, slack...
    for event, after in zip(events[:3], events[1:4]):
        viewer.frame_at(0.5 * (event.time_s + after.time_s))
        assert viewer.timeline.phase_label.text == event.kind.replace("_", " ")


@needs_gl
def test_the_arms_reach_envelope_comes_from_its_links_and_its_pixels_go_and_come_back_with_e():
    from orbital.models.arm import canadarm2_offsets

    result = bundled_result("arm_rescue")
    assert result.scene["arm_reach_m"] == pytest.approx(np.linalg.norm(canadarm2_offsets().sum(axis=0)), rel=1e-12)
    viewer = _viewer(result)
    closeup = viewer.views[-1]
    assert closeup.envelope.reach_m == result.scene["arm_reach_m"]
    assert "e  arm's reach envelope" in viewer.hud.help.text and "gold shell: the arm's reach" in viewer.hud.legend
    t = 0.5 * (viewer.player.t0_s + viewer.player.t1_s)
    shown = viewer.frame_at(t)
    viewer.on_key(_Key("E", "e"))
    assert not closeup.envelope.visible
    hidden = viewer.frame_at(t)
    changed = np.any(shown[..., :3] != hidden[..., :3], axis=-1)
    assert changed.sum() > 500
    assert changed[:, : viewer.canvas.size[0] // 2].sum() == 0  # the close-up's panel alone (the globe on the left)
    viewer.on_key(_Key("E", "e"))
    assert np.array_equal(viewer.frame_at(t), shown)


@needs_gl
def test_the_lvlh_axes_are_drawn_in_the_closeups_corner_and_go_with_l():
    from viz.closeup_guides import AXES

    result = bundled_result("arm_rescue")
    viewer = _viewer(result)
    closeup = viewer.views[-1]
    t = viewer.player.t0_s
    image = viewer.frame_at(t)
    offset = np.asarray(closeup.viewbox.pos)  # the panel's corner on the canvas
    tips = closeup.axes.tips_px(closeup.camera) + offset
    origin = closeup.axes.origin_px() + offset
    for (name, _, color), tip, label in zip(AXES, tips, closeup.axes.labels):
        if np.linalg.norm(tip - origin) > 10.0:  # an axis not seen end-on
            assert near_colour(image, 0.5 * (tip + origin), color, radius=2), name
        assert label.visible and label.text == name
    [(left, top, width, height)] = closeup.overlay_boxes()  # the flash keeps clear of it
    assert np.all((tips >= (left, top)) & (tips <= (left + width, top + height)))
    assert (left, top, width, height) in viewer.hud.keep_clear()
    assert "l  LVLH axes" in viewer.hud.help.text and "LVLH arrows: R-bar radial out" in viewer.hud.legend
    viewer.on_key(_Key("L", "l"))
    image = viewer.frame_at(t)
    assert not any(label.visible for label in closeup.axes.labels) and not closeup.overlay_boxes()
    for (name, _, color), tip in zip(AXES, tips):
        assert not near_colour(image, 0.5 * (tip + origin), color, radius=1, tolerance=30), name
