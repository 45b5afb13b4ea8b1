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


#: Moves the pointer and presses its left button through XTEST, as a mouse does: one action a call,
#: so that the window's event loop runs between them as it does between a user's hand movements.
POINTER = textwrap.dedent(
    """
    import ctypes, ctypes.util

    class Pointer:
        def __init__(self):
            self.x11 = ctypes.CDLL(ctypes.util.find_library("X11"))
            self.xtst = ctypes.CDLL(ctypes.util.find_library("Xtst"))
            self.x11.XOpenDisplay.restype = ctypes.c_void_p
            self.display = ctypes.c_void_p(self.x11.XOpenDisplay(None))

        def move(self, x, y):
            self.xtst.XTestFakeMotionEvent(self.display, -1, int(round(x)), int(round(y)), 0)
            self.x11.XFlush(self.display)

        def button(self, down):
            self.xtst.XTestFakeButtonEvent(self.display, 1, down, 0)
            self.x11.XFlush(self.display)
    """
)

DRAG_SCRIPT = POINTER + textwrap.dedent(
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
    timeline, player = viewer.timeline, viewer.player
    span = timeline.t1_s - timeline.t0_s
    pointer = Pointer()
    state = {"ticks": 0, "steps": None}

    def drag_steps():
        # the bar's canvas pixels, on the screen where the window stands
        left, top = glfw.get_window_pos(viewer.canvas.native._id)
        y = top + timeline._y()
        start, end = (left + timeline.x_of(timeline.t0_s + share * span) for share in (0.2, 0.7))
        moves = [lambda x=start + (end - start) * k / 6: pointer.move(x, y) for k in range(1, 7)]
        state["want"] = timeline.time_at(end - left)
        return [lambda: pointer.move(start, y), lambda: pointer.button(True), "pressed", *moves, lambda: pointer.button(False)]

    def poll(event):
        state["ticks"] += 1
        if state["ticks"] < 10:
            return
        if state["steps"] is None:
            state["steps"] = drag_steps()
        if state["steps"]:
            step = state["steps"].pop(0)
            if step == "pressed":  # the press alone has moved the clock to the start of the drag
                print("pressed at", round((player.t_s - timeline.t0_s) / span, 3))
            else:
                step()
            state["at"] = state["ticks"]
        elif state["ticks"] >= state["at"] + 5 or state["ticks"] >= 300:
            print("moved", abs(player.t_s - state["want"]) / span, "released", not timeline._dragging)
            app.quit()

    app.Timer(0.1, connect=poll, start=True)
    viewer.run()
    """
)


@pytest.mark.slow
def test_dragging_the_timeline_in_a_real_window_moves_the_clock_there(display, run_dir):
    """Press on the bar at a fifth of the run, drag to seven tenths, release (X pointer events, as
    glfw delivers a mouse's): the paused clock jumps to the press, then stands where the pointer let
    go (within a pixel's time), and the timeline lets go of the drag."""
    out = _run_in_window(display, DRAG_SCRIPT, run_dir)
    assert "pressed at 0.2\n" in out, out
    moved, released = out.split("moved")[-1].split("released")
    assert float(moved) < 1.0 / 400.0 and released.strip() == "True", out
