"""The ``issim`` command as a user runs it: exit codes, stdout/stderr. In this process (the ``issim`` fixture)
where a subprocess proves nothing more; as the installed command (``issim_process``) for the entry point, a
terminal or a pipe, and signals."""

import json

import pytest

from orbital.io.run_dirs import SCENARIO_FILE, SUMMARY_FILE, TRAJECTORIES_FILE

SHORT = ["--set", "duration=2 h", "--set", "output_step=120 s"]


def test_help_lists_commands(issim):
    done = issim("--help")
    assert done.returncode == 0
    for command in ("list", "run", "sweep", "view", "plot", "export", "validate", "schema"):
        assert command in done.stdout


def test_help_starts_without_the_heavy_modules():
    """A fresh process: ``issim --help`` imports none of the physics, the numerics or the viewer."""
    import subprocess
    import sys

    code = ("import sys\nfrom orbital import cli\nsys.argv = ['issim', '--help']\ntry:\n    cli.main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('numpy', 'scipy', 'numba', 'astropy', 'pydantic', 'yaml', 'viz', 'orbital.io.scenario')"
            " if m in sys.modules), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "Usage: issim" in done.stdout, done.stderr
    assert done.stderr.strip() == "[]"


def test_list_shows_bundled_scenarios(issim):
    done = issim("list")
    assert done.returncode == 0
    assert "iss_orbit" in done.stdout and "station" in done.stdout


def test_run_by_name_writes_a_run_directory(issim, tmp_path):
    done = issim("run", "iss_orbit", *SHORT)
    assert done.returncode == 0, done.stderr
    assert "period_min" in done.stdout
    runs = list((tmp_path / "runs").iterdir())
    assert len(runs) == 1 and runs[0].name.startswith("iss_orbit-")
    for name in (SUMMARY_FILE, TRAJECTORIES_FILE, SCENARIO_FILE):
        assert (runs[0] / name).is_file()
    # A second run never overwrites the first.
    assert issim("run", "iss_orbit", *SHORT).returncode == 0
    assert len(list((tmp_path / "runs").iterdir())) == 2


def test_run_by_path_with_set_and_json(issim_process, write_yaml, tmp_path):
    """The installed command: a run's JSON alone on stdout, whatever else the process writes."""
    path = write_yaml("kind: station\nname: mine\nstation:\n  altitude: 420 km\n")
    done = issim_process("run", path, "--set", 'station.altitude="400 km"', *SHORT, "--json", "--out", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)  # stdout holds the JSON and nothing else
    assert document["scenario"] == "mine"
    assert document["summary"]["mean_altitude_km"] == pytest.approx(400.0, abs=0.03)  # read back to first order in J2: 15 m
    resolved = (tmp_path / "out" / SCENARIO_FILE).read_text()
    assert "400000.0 m" in resolved and "seed: 0" in resolved


def test_saved_scenario_repeats_the_run(issim, tmp_path):
    assert issim("run", "iss_orbit", *SHORT, "--out", tmp_path / "a").returncode == 0
    again = issim("run", tmp_path / "a" / SCENARIO_FILE, "--out", tmp_path / "b", "--json")
    assert again.returncode == 0, again.stderr
    first = json.loads((tmp_path / "a" / SUMMARY_FILE).read_text())["summary"]
    assert json.loads(again.stdout)["summary"] == first


def test_out_directory_is_never_overwritten_silently(issim, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    done = issim("run", "iss_orbit", *SHORT, "--out", out)
    assert done.returncode == 2
    assert "--out" in done.stderr and "Traceback" not in done.stderr
    assert (out / "precious.txt").read_text() == "keep me"


def test_validate_good_and_bad(issim_process, write_yaml):
    """The installed command: exit 0, or exit 2 with one message and no traceback from the process."""
    assert issim_process("validate", "iss_orbit").returncode == 0
    bad = write_yaml("kind: station\nstation:\n  mass: -3 kg\n")
    done = issim_process("validate", bad)
    assert done.returncode == 2
    assert "station.mass" in done.stderr and "-3 kg" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["run", "no_such_scenario"], "neither a file nor a bundled scenario"),
        (["run", "missing.yaml"], "no such file"),
        (["run", "iss_orbit", "--set", "station.altitude=5 parsecs"], "station.altitude"),
        (["run", "iss_orbit", "--set", "station.inclination=abc"], "station.inclination"),
        (["run", "iss_orbit", "--set", "nonsense"], "KEY=VALUE"),
        (["run", "iss_orbit", "--set", "forces.j3=true"], "forces.j3"),
        (["run"], "Missing argument"),
        (["run", "iss_orbit", "--bogus"], "No such option"),
    ],
)
def test_bad_input_exits_2_with_one_message(issim, args, fragment):
    done = issim(*args)
    assert done.returncode == 2
    assert fragment in done.stderr
    assert "Traceback" not in done.stderr


def test_schema_is_json_schema(issim):
    done = issim("schema")
    assert done.returncode == 0
    schema = json.loads(done.stdout)
    assert schema["title"] == "issim scenario"
    assert set(schema["discriminator"]["mapping"]) >= {"station", "eva_drift"}
    # each kind's model through the discriminator, under a name without its module path
    assert schema["discriminator"]["mapping"]["station"] == "#/$defs/StationScenario"
    assert "station" in schema["$defs"]["StationScenario"]["properties"]
    # and its contract beside the schema (tests/test_kind_contract.py compares it with the kinds')
    assert schema["x-issim-kinds"]["station"]["summary"]["perigee_km"]["unit"] == "km"


@pytest.mark.parametrize("name", ["gordon_tethered", "gordon_adrift", "safer_return"])
def test_bundled_spacewalks_run_from_the_cli(issim, tmp_path, name):
    done = issim("run", name, "--json", "--out", tmp_path / name)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)["summary"]
    for key in ("max_separation_m", "final_separation_m", "along_track_drift_per_orbit_m",
                "max_tether_tension_n", "tether_broken", "safer_dv_used_m_s", "returned"):
        assert key in summary


@pytest.mark.parametrize("given", [["--set", "station.epoch=2019-13-45T00:00:00"], ["--set", "station.epoch=2019-02-30T00:00:00"]])
def test_an_impossible_date_is_one_message_naming_the_set_value(issim, given):
    done = issim("run", "iss_orbit", *given)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("issim: error: --set: station.epoch = '2019-")
    assert "expected a UTC date and time" in done.stderr


def test_an_impossible_date_in_a_file_names_the_file(issim, write_yaml):
    path = write_yaml("kind: station\nname: x\nstation:\n  epoch: 2019-02-30T00:00:00\n")
    done = issim("validate", path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{path}: station.epoch = '2019-02-30T00:00:00'" in done.stderr


def test_an_unexpected_error_is_one_line_and_exit_1(issim, monkeypatch):
    from orbital.io import scenario

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(scenario, "load", broken)
    monkeypatch.delenv("ISSIM_DEBUG", raising=False)
    done = issim("validate", "iss_orbit")
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert done.stderr.startswith("issim: internal error: ZeroDivisionError: division by zero") and "Traceback" not in done.stderr


def test_sigterm_during_an_export_leaves_no_file(tmp_path):
    import os
    import signal
    import subprocess
    import time

    from conftest import ISSIM

    export = subprocess.Popen([str(ISSIM), "view", "iss_orbit", "--export", "cut.mp4", "--duration", "60", "--size", "320x180"],
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(".cut.") for p in tmp_path.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.1)  # the temporary file appears when rendering starts
    export.send_signal(signal.SIGTERM)
    export.communicate(timeout=60)
    assert export.returncode == 128 + signal.SIGTERM
    assert os.listdir(tmp_path) == [], "nothing half-written is left"


# --- issue 12, the command line's own defects


def _run_on_a_terminal(args, cwd, stdout_too=False):
    """Run issim with stderr (and stdout if ``stdout_too``) on a pseudo-terminal; returns (code, terminal text, stdout)."""
    import os
    import pty
    import subprocess

    from conftest import ISSIM

    controller, terminal = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120"}
    env.pop("NO_COLOR", None)
    run = subprocess.Popen([str(ISSIM), *args], cwd=cwd, env=env, stderr=terminal,
                           stdout=terminal if stdout_too else subprocess.PIPE)
    os.close(terminal)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: every process holding it has exited
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    out = run.stdout.read() if run.stdout else b""
    return run.wait(timeout=60), shown.decode(errors="replace"), out.decode()


#: rich's elapsed-time column, as the progress bar shows it (h:mm:ss)
ELAPSED = r"\d:\d\d:\d\d"


@pytest.mark.slow  # a real process over a TTY or a hang guard: about 10-15 s
def test_a_run_shows_progress_on_a_terminal_only(issim_process, tmp_path):
    """A run of a few seconds draws a progress bar on a terminal's stderr; none in a pipe or with --json."""
    import re

    long_run = ["run", "iss_orbit", "--set", "duration=5 d"]
    code, shown, _ = _run_on_a_terminal([*long_run, "--out", "a"], tmp_path)
    assert code == 0 and re.search(ELAPSED, shown), shown
    code, shown, out = _run_on_a_terminal([*long_run, "--out", "b", "--json"], tmp_path)
    assert code == 0 and not re.search(ELAPSED, shown) and json.loads(out)["scenario"] == "iss_orbit"
    piped = issim_process(*long_run, "--out", "c")
    assert piped.returncode == 0 and not re.search(ELAPSED, piped.stderr)
    assert piped.stderr == "running iss_orbit (station) ...\n"


def test_list_in_a_pipe_prints_whole_lines(tmp_path):
    import os
    import subprocess

    from conftest import ISSIM
    from orbital.io.scenario import bundled_scenarios, read_yaml

    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
    done = subprocess.run([str(ISSIM), "list"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    lines = done.stdout.splitlines()
    assert done.returncode == 0 and len(lines) == len(bundled_scenarios()) + 1
    for line, path in zip(lines[1:], bundled_scenarios().values()):
        assert line.endswith(read_yaml(path)["description"].strip().splitlines()[0])


@pytest.mark.parametrize("what, says", [("/dev/null", "is a character device, not a regular file"), ("fifo", "is a named pipe, not a regular file")])
def test_a_special_file_is_named_for_what_it_is(issim, tmp_path, what, says):
    import os

    if what == "fifo":
        os.mkfifo(tmp_path / "fifo")
    done = issim("run", what)
    assert done.returncode == 2 and f"{what}: {says}" in done.stderr and "no such file" not in done.stderr


def test_view_of_a_missing_run_says_so_without_a_display(issim, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    done = issim("view", "runs/iss_orbit-20260101-000000")
    assert done.returncode == 2 and "runs/iss_orbit-20260101-000000: no such run directory" in done.stderr
    assert "window" not in done.stderr


@pytest.mark.parametrize(
    "scenario, sets, names",
    [
        # a model-level check (today: "(top level) = {'kind': ...}" blamed on the file), naming the field it checks
        ("iss_uncontrolled", ["end_altitude=110 km", "handoff_altitude=105 km"], "--set: end_altitude = 110 km: expected below handoff_altitude (105 km)"),
        # a section's check (today: the section dumped as a dict, blamed on the file)
        ("gordon_tethered", ["pushes.0.force=[1, 0, 0]"], "--set 'pushes.0.force=[1, 0, 0]': pushes.0: give either"),
        # a field the --set did not touch, made invalid by one it did
        ("gordon_tethered", ["tether.breaking_load=3"], "--set tether.breaking_load=3: tether.reel_force = 4.5 N"),
        ("iss_orbit", ["station.semi_major_axis=7000 km"], "--set: station.semi_major_axis = 7000 km: give 'altitude' or 'semi_major_axis', not both"),
        ("iss_orbit", ["kind=nonsense"], "--set: kind = 'nonsense'"),
    ],
)
def test_errors_made_by_a_set_name_the_set(issim, scenario, sets, names):
    done = issim("validate", scenario, *[arg for text in sets for arg in ("--set", text)])
    assert done.returncode == 2 and done.stderr.startswith(f"issim: error: {names}"), done.stderr
    assert ".yaml" not in done.stderr and "(top level)" not in done.stderr and "{'" not in done.stderr


def test_a_files_own_error_stays_the_files_beside_a_set(issim, write_yaml):
    path = write_yaml("kind: station\nname: x\nstation:\n  mass: -3 kg\n")
    done = issim("validate", path, "--set", "duration=3 h")
    assert done.returncode == 2 and done.stderr.startswith(f"issim: error: {path}: station.mass = '-3 kg'"), done.stderr


def test_version(issim):
    from orbital import __version__

    done = issim("--version")
    assert done.returncode == 0 and done.stdout == f"issim {__version__}\n"


def test_a_key_set_twice_is_refused_naming_both(issim):
    done = issim("validate", "iss_orbit", "--set", "duration=1 h", "--set", "duration=2 h")
    assert done.returncode == 2
    assert "--set 'duration=2 h': duration is already set by --set 'duration=1 h'" in done.stderr


def test_a_bundled_name_with_yaml_is_pointed_to_the_bundled_scenario(issim):
    done = issim("run", "iss_orbit.yaml")
    assert done.returncode == 2 and "the bundled scenario is named 'iss_orbit'" in done.stderr


@pytest.mark.parametrize("command", ["run", "view"])
def test_a_run_directory_file_given_as_a_scenario_says_what_to_give(issim, tmp_path, command):
    assert issim("run", "iss_orbit", *SHORT, "--out", tmp_path / "r", "--json").returncode == 0
    done = issim(command, tmp_path / "r" / SUMMARY_FILE)
    assert done.returncode == 2 and "is a file of the run directory" in done.stderr
    assert f"{tmp_path / 'r' / SCENARIO_FILE}" in done.stderr and "unknown field" not in done.stderr
