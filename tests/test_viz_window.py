"""An interactive window (glfw) under a virtual X server (Xvfb): opens, plays, closes."""

import os
import shutil
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed (apt-get install xvfb)")

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
