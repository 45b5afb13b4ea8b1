"""An interactive window (glfw) under a virtual X server (Xvfb): opens, plays, takes keys, closes.

The keys are real X key events (the XTEST extension, through libXtst), so glfw delivers them as it
does to a user: Space as ``Key(' ')`` with the text ``" "``, letters as ``Key('R')``.
"""

import os
import shutil
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed (apt-get install xvfb)")

#: Types keys into the window through XTEST, as a keyboard would: press, then release.
PRESS_KEYS = textwrap.dedent(
    """
    import ctypes, ctypes.util, time

    def press_keys(keysyms, x=40, y=40):
        x11 = ctypes.CDLL(ctypes.util.find_library("X11"))
        xtst = ctypes.CDLL(ctypes.util.find_library("Xtst"))
        x11.XOpenDisplay.restype = ctypes.c_void_p
        display = ctypes.c_void_p(x11.XOpenDisplay(None))
        xtst.XTestFakeMotionEvent(display, -1, x, y, 0)  # focus follows the pointer without a window manager
        for keysym in keysyms:
            code = x11.XKeysymToKeycode(display, ctypes.c_ulong(keysym))
            xtst.XTestFakeKeyEvent(display, code, True, 0)
            xtst.XTestFakeKeyEvent(display, code, False, 0)
            x11.XFlush(display)
            time.sleep(0.05)
        x11.XCloseDisplay(display)
    """
)

SCRIPT = textwrap.dedent(
    """
    import sys
    from viz.backend import use_window
    use_window()
    from vispy import app
    from orbital.io.run_dirs import read_run
    from viz.viewer import Viewer

    viewer = Viewer(read_run(sys.argv[1]), size=(320, 240), show=True)
    app.Timer(5.0, connect=lambda event: app.quit(), iterations=1, start=True)
    viewer.run()
    print("played", viewer.player.t_s - viewer.player.t0_s)
    """
)


@pytest.fixture
def display():
    """A private Xvfb display; yields its DISPLAY value."""
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "640x480x24", "-nolisten", "tcp"], pass_fds=(write_fd,))
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


KEYS_SCRIPT = PRESS_KEYS + textwrap.dedent(
    """
    import sys
    from viz.backend import use_window
    use_window()
    from vispy import app
    from orbital.io.run_dirs import read_run
    from viz.viewer import Viewer

    viewer = Viewer(read_run(sys.argv[1]), size=(320, 240), show=True)
    # each step waits for the last to show (a busy machine is slow), at most 30 s in all
    state = {"step": 0, "ticks": 0}

    def poll(event):
        state["ticks"] += 1
        player, step = viewer.player, state["step"]
        if step == 0 and state["ticks"] >= 10:
            press_keys([0x20])  # XK_space
            state["step"] = 1
        elif step == 1 and player.paused:
            state["t"] = player.t_s
            press_keys([0x68])  # XK_h: the help
            state["step"] = 2
        elif step == 2 and viewer.hud.help.visible:
            state["step"], state["at"] = 3, state["ticks"]
        elif (step == 3 and state["ticks"] >= state["at"] + 5) or state["ticks"] >= 300:
            print("paused", player.paused, "help", viewer.hud.help.visible, "still", player.t_s == state.get("t"))
            app.quit()

    app.Timer(0.1, connect=poll, start=True)
    viewer.run()
    """
)


def _run_in_window(display, script, run_dir):
    env = {**os.environ, "DISPLAY": display}
    env.pop("EGL_PLATFORM", None)
    done = subprocess.run([sys.executable, "-c", script, str(run_dir)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def run_dir(tmp_path):
    from orbital.io.run_dirs import resolved_yaml, write_run
    from orbital.io.scenario import load
    from orbital.runners import run_scenario

    model = load("iss_orbit", ["duration=1 h"])
    return write_run(run_scenario(model), resolved_yaml(model), tmp_path / "run")


@pytest.mark.slow
def test_space_from_the_keyboard_pauses_a_real_window(display, run_dir):
    out = _run_in_window(display, KEYS_SCRIPT, run_dir)
    assert "paused True help True still True" in out, out


@pytest.mark.slow
def test_window_opens_and_plays(display, tmp_path):
    from orbital.io.scenario import load
    from orbital.io.run_dirs import resolved_yaml, write_run
    from orbital.runners import run_scenario

    model = load("iss_orbit", ["duration=1 h"])
    run_dir = write_run(run_scenario(model), resolved_yaml(model), tmp_path / "run")
    env = {**os.environ, "DISPLAY": display}
    env.pop("EGL_PLATFORM", None)
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(run_dir)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    played_s = float(done.stdout.split("played")[-1])
    assert played_s > 0.0  # wall-clock time passed and the player moved on


#: Drags the pointer through XTEST, as a mouse would: move, press the left button, move in steps, release.
DRAG_POINTER = textwrap.dedent(
    """
    import ctypes, ctypes.util, time

    def drag(start, end, steps=6):
        x11 = ctypes.CDLL(ctypes.util.find_library("X11"))
        xtst = ctypes.CDLL(ctypes.util.find_library("Xtst"))
        x11.XOpenDisplay.restype = ctypes.c_void_p
        display = ctypes.c_void_p(x11.XOpenDisplay(None))

        def move(x, y):
            xtst.XTestFakeMotionEvent(display, -1, int(round(x)), int(round(y)), 0)
            x11.XFlush(display)
            time.sleep(0.05)

        move(*start)
        xtst.XTestFakeButtonEvent(display, 1, True, 0)
        x11.XFlush(display)
        for k in range(1, steps + 1):
            move(start[0] + (end[0] - start[0]) * k / steps, start[1] + (end[1] - start[1]) * k / steps)
        xtst.XTestFakeButtonEvent(display, 1, False, 0)
        x11.XFlush(display)
        x11.XCloseDisplay(display)
    """
)

DRAG_SCRIPT = DRAG_POINTER + textwrap.dedent(
    """
    import sys
    import glfw
    from viz.backend import use_window
    use_window()
    from vispy import app
    from orbital.io.run_dirs import read_run
    from viz.viewer import Viewer

    viewer = Viewer(read_run(sys.argv[1]), size=(480, 240), show=True)
    viewer.player.toggle_pause()  # the clock stays where the drag leaves it
    timeline = viewer.timeline
    state = {"ticks": 0, "dragged": False}

    def poll(event):
        state["ticks"] += 1
        if not state["dragged"] and state["ticks"] >= 10:
            # the bar's canvas pixels, on the screen where the window stands
            left, top = glfw.get_window_pos(viewer.canvas.native._id)
            y = timeline._y()
            start, end = (timeline.x_of(timeline.t0_s + share * (timeline.t1_s - timeline.t0_s)) for share in (0.2, 0.7))
            drag((left + start, top + y), (left + end, top + y))
            state["dragged"], state["at"], state["want"] = True, state["ticks"], timeline.time_at(end)
        elif state["dragged"] and (state["ticks"] >= state["at"] + 10 or state["ticks"] >= 300):
            span = timeline.t1_s - timeline.t0_s
            print("moved", abs(viewer.player.t_s - state["want"]) / span, "released", not timeline._dragging)
            app.quit()

    app.Timer(0.1, connect=poll, start=True)
    viewer.run()
    """
)


@pytest.mark.slow
def test_dragging_the_timeline_in_a_real_window_moves_the_clock_there(display, run_dir):
    """Press on the bar at a fifth of the run, drag to seven tenths, release (X pointer events, as
    glfw delivers a mouse's): the paused clock stands where the pointer let go (within a pixel's time)."""
    out = _run_in_window(display, DRAG_SCRIPT, run_dir)
    moved, released = out.split("moved")[-1].split("released")
    assert float(moved) < 1.0 / 400.0 and released.strip() == "True", out
