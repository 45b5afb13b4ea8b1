"""``issim view``: exports that open with the expected frames, and bad options refused (exit 2)."""

import imageio.v2 as imageio
import numpy as np
import pytest

from orbital.io.run_dirs import umask_mode
from viz.backend import offscreen_unavailable_reason
from viz.export import frame_times
from viz.player import WARPS, Player, warp_to_fit

needs_gl = pytest.mark.skipif(offscreen_unavailable_reason() is not None, reason=str(offscreen_unavailable_reason()))


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """A short saved station run, viewed again without recomputing."""
    from orbital.runners import run_scenario
    from orbital.io.scenario import load
    from orbital.io.run_dirs import resolved_yaml, write_run

    model = load("iss_orbit", ["duration=1 h", "output_step=60 s"])
    return write_run(run_scenario(model), resolved_yaml(model), tmp_path_factory.mktemp("runs") / "iss")


@needs_gl
@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".mp4", ".gif"])
def test_exported_video_opens_with_the_expected_frame_count(issim, run_dir, tmp_path, suffix):
    out = tmp_path / f"orbit{suffix}"
    done = issim("view", run_dir, "--export", out, "--fps", "6", "--duration", "1.5", "--size", "160x120")
    assert done.returncode == 0, done.stderr
    if suffix == ".mp4":
        reader = imageio.get_reader(out, format="FFMPEG")
        assert reader.count_frames() == 9
        assert reader.get_meta_data()["size"] == (160, 120)
    else:
        frames = imageio.mimread(out)
        assert len(frames) == 9 and frames[0].shape[:2] == (120, 160)
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left


@needs_gl
def test_png_at_a_given_time(issim, run_dir, tmp_path):
    out = tmp_path / "still.png"
    done = issim("view", run_dir, "--export", out, "--time", "20 min", "--size", "320x240")
    assert done.returncode == 0, done.stderr
    image = imageio.imread(out)
    assert image.shape == (240, 320, 3) and image.std() > 10


@pytest.mark.parametrize(
    "args, named",
    [
        (["--size", "100"], "--size '100'"),
        (["--size", "641x480"], "--size '641x480'"),
        (["--fps", "0"], "--fps 0"),
        (["--duration", "-2"], "--duration -2"),
        (["--export", "out.avi"], "--export 'out.avi'"),
        (["--export", "nowhere/out.mp4"], "--export 'nowhere/out.mp4'"),
        (["--export", "out.mp4", "--time", "10 min"], "--time"),
        (["--export", "out.png", "--time", "ten"], "--time 'ten'"),
        (["--export", "out.png", "--warp", "0"], "--warp 0"),
        (["--export", "out.mp4", "--warp", "50"], "--warp: only for the window"),
        (["--export", "out.png", "--fps", "10"], "--fps: only for a video"),
        (["--export", "out.png", "--duration", "3"], "--duration: only for a video"),
        (["--export", "out.mp4", "--pace", "fast"], "--pace 'fast': expected story or linear"),
    ],
)
def test_bad_options_exit_2_naming_the_option(issim, tmp_path, args, named):
    done = issim("view", "iss_orbit", *args)
    assert done.returncode == 2
    assert named in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written, nothing run


def test_bad_target_exit_2(issim, tmp_path):
    (tmp_path / "empty").mkdir()
    done = issim("view", tmp_path / "empty", "--export", "x.png")
    assert done.returncode == 2 and "not a readable issim run directory" in done.stderr
    done = issim("view", "no_such_scenario", "--export", "x.png")
    assert done.returncode == 2 and "no_such_scenario" in done.stderr
    assert not (tmp_path / "x.png").exists()


def test_frame_times_cover_the_span():
    times = frame_times(100.0, 200.0, fps=10, duration_s=2.0)
    assert len(times) == 20 and times[0] == 100.0 and times[-1] == 200.0


def test_player_follows_wall_clock_times_warp():
    player = Player(0.0, 1000.0, warp=10)
    assert player.advance(2.5) == 25.0
    player.toggle_pause()
    assert player.advance(5.0) == 25.0
    player.toggle_pause()
    player.faster()
    assert player.warp == 20
    player.slower(), player.slower()
    assert player.warp == 5
    player.step(+1, wall_s=2.0)
    assert player.t_s == 35.0
    player.step(-1, wall_s=100.0)
    assert player.t_s == 0.0  # held at the start
    assert player.advance(1e6) == 1000.0 and player.finished
    player.restart()
    assert player.t_s == 0.0


def test_default_warp_plays_a_span_in_about_half_a_minute():
    assert warp_to_fit(86400.0) == 2000  # a day in 43 s
    assert warp_to_fit(10.0) == 1
    assert warp_to_fit(1e12) == WARPS[-1]


def test_without_a_display_the_window_refuses_before_any_work(issim, tmp_path, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    for args in (["view", "iss_orbit"], ["run", "iss_orbit", "--view", "--out", tmp_path / "run"]):
        done = issim(*args)
        assert done.returncode == 1 and "no window can open here" in done.stderr and "--export" in done.stderr
        assert "running" not in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "run").exists()


def test_help_lists_view(issim):
    done = issim("view", "--help")
    assert done.returncode == 0
    for option in ("--export", "--fps", "--size", "--duration", "--time"):
        assert option in done.stdout


def test_existing_export_file_is_refused_and_kept(issim, tmp_path):
    existing = tmp_path / "keep.png"
    existing.write_bytes(b"precious")
    done = issim("view", "iss_orbit", "--export", existing)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--export" in done.stderr and "keep.png" in done.stderr and "--overwrite" in done.stderr
    assert existing.read_bytes() == b"precious" and "running" not in done.stderr


@needs_gl
def test_overwrite_replaces_an_existing_export(issim, run_dir, tmp_path):
    existing = tmp_path / "still.png"
    existing.write_bytes(b"old")
    done = issim("view", run_dir, "--export", existing, "--size", "160x120", "--overwrite")
    assert done.returncode == 0, done.stderr
    assert imageio.imread(existing).shape == (120, 160, 3)


@pytest.mark.parametrize("damage", ["truncated", "garbled"])
def test_corrupted_run_dir_is_one_message(issim, run_dir, tmp_path, damage):
    import shutil

    from orbital.errors import RunDirError
    from orbital.io.run_dirs import TRAJECTORIES_FILE, read_run

    broken = tmp_path / "broken"
    shutil.copytree(run_dir, broken)
    archive = broken / TRAJECTORIES_FILE
    data = archive.read_bytes()
    if damage == "truncated":
        archive.write_bytes(data[: len(data) // 2])
    else:  # right length, compressed bytes overwritten: the zip directory still reads
        archive.write_bytes(data[:100] + bytes(len(data) // 2) + data[100 + len(data) // 2 :])
    with pytest.raises(RunDirError, match="not a readable issim run directory"):
        read_run(broken)
    done = issim("view", broken, "--export", tmp_path / "x.png")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "not a readable issim run directory" in done.stderr
    assert not (tmp_path / "x.png").exists()


def test_unwritable_export_place_is_one_message(issim, run_dir, tmp_path):
    done = issim("view", run_dir, "--export", "/proc/x.png")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "--export '/proc/x.png'" in done.stderr


@needs_gl
def test_export_has_the_umask_permissions(issim, run_dir, tmp_path):
    out = tmp_path / "still.png"
    done = issim("view", run_dir, "--export", out, "--size", "160x120")
    assert done.returncode == 0, done.stderr
    assert out.stat().st_mode & 0o777 == umask_mode(0o666)  # not owner-only like a temp file


def test_run_dir_has_the_umask_permissions(run_dir):
    assert run_dir.stat().st_mode & 0o777 == umask_mode(0o777)


@pytest.mark.parametrize("when", ["-3600", "2 h"])
def test_time_outside_the_run_is_refused_naming_the_span(issim, run_dir, tmp_path, when):
    done = issim("view", run_dir, "--export", tmp_path / "x.png", "--time", when)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"--time '{when}'" in done.stderr and "between 0 s" in done.stderr and "and 3600 s" in done.stderr
    assert not (tmp_path / "x.png").exists()


def test_time_span_of_a_sub_window_is_named():
    from viz.options import OptionError, check_time_in_span
    from viz.registry import span_name

    from viz_helpers import synthetic_decay_result

    decay = synthetic_decay_result()  # its display hints name the span
    window = (53_402_880.0, 53_500_000.0)
    assert check_time_in_span("53450000", 53_450_000.0, window, span_name(decay)) == 53_450_000.0
    with pytest.raises(OptionError, match=r"--time '100': expected a time in the prediction window, between 53402880 s \(T\+618 d"):
        check_time_in_span("100", 100.0, window, span_name(decay))


def test_flash_says_what_happened_and_fits_its_panel():
    from orbital.result import Event
    from viz.hud import flash_message

    taut, slack = Event(7.4, "tether_taut", "26.000 m from the anchor"), Event(7.9, "tether_slack", "26.000 m from the anchor")
    assert flash_message(taut, 640) == "tether taut: 26 m from the anchor"  # numbers to three figures
    assert flash_message(slack, 640) == "tether slack: 26 m from the anchor"
    assert flash_message(taut, 300) == "tether taut:\n26 m from the anchor"  # a narrow panel: two lines
    assert flash_message(taut, 200) == "tether taut:\n26 m from the\nanchor"  # narrower: wrapped between words
    # a vector reads as its length, in its unit
    push = Event(1.0, "push", "delta-v (0.241, -0.186, 0.456) m/s LVLH")
    assert flash_message(push, 640) == "push: delta-v 0.548 m/s"
    assert flash_message(Event(1.0, "bank_reversal", "bank reversal: lift to the left"), 640) == "bank reversal: lift to the left"
    assert flash_message(Event(1.0, "capture"), 640) == "capture"


def test_hud_numbers_have_one_format_and_no_negative_zero():
    from viz.hud import format_elapsed, format_warp

    assert [format_warp(w) for w in (1e6, 500000, 2000, 2.5, 1, 0.779503)] == ["1,000,000", "500,000", "2,000", "2.5", "1", "0.78"]
    assert format_elapsed(-0.3) == "T+0 h 00 min 00 s" and format_elapsed(-61) == "T-0 h 01 min 01 s"
    assert format_elapsed(86400 + 3725) == "T+1 d 1 h 02 min 05 s"
    # the clock and the elapsed time round alike: 12.6 s after a whole-second epoch is 13 s on both
    from datetime import datetime, timedelta

    from viz.hud import format_utc

    assert format_utc(datetime(2026, 11, 25) + timedelta(seconds=12.6)) == "2026-11-25 00:00:13 UTC"
    assert format_elapsed(12.6) == "T+0 h 00 min 13 s"


def test_gif_delays_add_up_to_the_duration_in_whole_centiseconds():
    from viz.export import gif_delays_ms

    delays = gif_delays_ms(90, 15)  # 66.7 ms a frame: 60 and 70 ms mixed
    assert len(delays) == 90 and sum(delays) == 6000 and set(delays) == {60, 70}
    assert sum(gif_delays_ms(90, 30)) == 3000 and all(d % 10 == 0 for d in gif_delays_ms(7, 7))


def test_gif_palette_keeps_the_viewers_marker_colours():
    from viz.export import _gif_palette, viewer_colours
    from viz.globe_layers import CAPSULE_COLOR, TARGET_COLOR

    earth_only = np.tile(np.array([[[30, 60, 120]], [[90, 80, 50]]], np.uint8), (50, 100, 1))
    palette = np.asarray(_gif_palette(earth_only).getpalette()[:768], np.uint8).reshape(-1, 3)
    for colour in (TARGET_COLOR, CAPSULE_COLOR):
        rgb = np.round(np.asarray(colour[:3]) * 255)
        assert np.abs(palette.astype(int) - rgb).sum(axis=1).min() == 0
    assert len(viewer_colours()) < 64  # most of the palette is left to the picture


def test_time_takes_the_ends_of_the_span_and_its_printed_bounds():
    from viz.options import OptionError, check_time_in_span, parse_time

    span = (12353.3421, 12512.7739)
    assert check_time_in_span("end", parse_time("end"), span, "in the run") == span[1]
    assert check_time_in_span("Start", parse_time("Start"), span, "in the run") == span[0]
    with pytest.raises(OptionError, match=r"between 12353.342 s .* and 12512.774 s .*, or start or end") as bad:
        check_time_in_span("99999", 99999.0, span, "in the run")
    # the bounds the message prints are taken, and mean the ends themselves
    assert check_time_in_span("12512.774", 12512.774, span, "in the run") == span[1]
    assert check_time_in_span("12353.342", 12353.342, span, "in the run") == span[0]
    assert "12512.774" in str(bad.value)
    # a time the event table prints (0.1 s) for an event at an end is that end
    assert check_time_in_span("12512.8", 12512.8, span, "in the run") == span[1]
    assert check_time_in_span("12353.3", 12353.3, span, "in the run") == span[0]


def test_a_footprint_still_shows_every_landing_by_default():
    from viz.registry import still_time, time_span
    from viz_helpers import bundled_result

    footprint, orbit = bundled_result("soyuz_footprint"), bundled_result("iss_orbit")
    assert still_time(footprint) == time_span(footprint)[1]
    assert still_time(orbit) == time_span(orbit)[0]


# --- issue 12: exports checked before any work, and streamed with bounded memory


@pytest.mark.parametrize("given", ["out.png/", "out.gif/", "sub/"])
def test_an_export_path_naming_a_folder_is_refused(issim, tmp_path, given):
    (tmp_path / "sub").mkdir()
    done = issim("view", "iss_orbit", "--export", given)
    assert done.returncode == 2 and f"--export '{given}'" in done.stderr and "running" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sub"] and not any((tmp_path / "sub").iterdir())


@pytest.mark.parametrize("option", [["--fps", "10"], ["--duration", "5"], ["--time", "60"], ["--overwrite"]])
def test_export_options_without_export_are_refused(issim, option):
    done = issim("view", "iss_orbit", *option)
    assert done.returncode == 2 and f"{option[0]}: only with --export" in done.stderr and "running" not in done.stderr


@needs_gl
def test_a_still_falls_back_to_one_sample_where_multisampling_is_missing(run_dir, tmp_path, monkeypatch):
    from orbital.io.run_dirs import read_run
    from viz import multisample
    from viz.export import export

    def missing(*args, **kwargs):
        raise RuntimeError("Function glRenderbufferStorageMultisample not present in context")

    monkeypatch.setattr(multisample.MultisampledFrame, "__init__", missing)
    out = tmp_path / "still.png"
    export(read_run(run_dir), out, size=(160, 120))
    assert imageio.imread(out).shape == (120, 160, 3)


@needs_gl
@pytest.mark.parametrize("suffix", [".mp4", ".png"])
def test_a_stop_requested_during_an_export_writes_nothing(run_dir, tmp_path, suffix):
    # the CLI's SIGTERM handler raises, but a handler's exception can be lost in a destructor: the
    # export also asks stop_requested() after every frame and before the file takes its name
    from orbital.io.run_dirs import read_run
    from viz.export import export

    with pytest.raises(KeyboardInterrupt):
        export(read_run(run_dir), tmp_path / f"cut{suffix}", fps=5, size=(160, 90), duration_s=2.0, stop_requested=lambda: True)
    assert list(tmp_path.iterdir()) == []


@needs_gl
def test_the_readmes_viewer_example_runs_as_written():
    import re
    from pathlib import Path

    text = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    after = text.split("From Python (a notebook), the viewer's frames are arrays:", 1)[1]
    example = re.search(r"```python\n(.*?)```", after, re.S).group(1)
    names = {}
    exec(compile(example, "README.md (the viewer from Python)", "exec"), names)
    still, frames = names["still"], names["frames"]
    assert still.shape == (360, 640, 4) and still.dtype == np.uint8
    assert len(frames) == 50 and all(frame.shape == still.shape for frame in frames)
    assert not np.array_equal(frames[0], frames[-1]), "the rescue moves between the first frame and the last"
    assert still[..., :3].std() > 10, "the still shows a scene, not a flat fill"
