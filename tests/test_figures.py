"""``issim plot``: each kind's figures, drawn from its contract's plot hints, as valid PNG and SVG
files in a directory claimed as a run directory is; maps over the offline coastlines."""

import ast
import json
import xml.etree.ElementTree as ElementTree
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest

from orbital.figures import break_at_antimeridian, figures, time_axis_unit
from orbital.kind_contract import Curve, DisplayHints, MapPlot, SensitivityPlot, SeriesPlot
from orbital.kinds import KINDS, kind_spec
from orbital.plot_data import curve_values
from orbital.result import Event, Result, Table, Trajectory
from viz_helpers import bundled_result, circular_orbit_gcrs

#: One bundled scenario per kind (shortened by viz_helpers.QUICK), and whether the case is in the
#: slow set (a run and figures over ~3 s; the fast loop draws a spacewalk through issim plot).
SCENARIO_OF_KIND = {
    "station": ("iss_orbit", True),
    "reentry": ("soyuz_nominal", True),
    "reentry_footprint": ("soyuz_footprint", True),
    "eva_drift": ("safer_return", True),
    "decay_reentry": ("iss_uncontrolled", True),
    "arm_push": ("arm_push", True),
    "arm_rescue": ("arm_rescue", True),
    "deorbit_opportunities": ("let_it_fall", True),
    "breakup_footprint": ("iss_breakup", True),
    "rendezvous": ("help_arrives", True),
}


def test_every_kind_has_a_scenario_here_and_declares_plots():
    assert set(SCENARIO_OF_KIND) == set(KINDS)
    for kind in KINDS:
        plots = kind_spec(kind).display.plots
        assert plots, f"{kind}: no plot hints"
        assert len({p.name for p in plots}) == len(plots), f"{kind}: two plots share a file name"


def assert_png(content):
    from PIL import Image

    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(BytesIO(content))
    image.verify()
    assert image.size[0] >= 800 and image.size[1] >= 400


def assert_svg(content):
    root = ElementTree.fromstring(content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert len(root.iter().__next__()) > 0


@pytest.mark.parametrize("kind, scenario", [
    pytest.param(kind, scenario, marks=[pytest.mark.slow] if slow else [], id=kind) for kind, (scenario, slow) in SCENARIO_OF_KIND.items()
])
def test_each_kind_gets_every_plot_its_contract_declares(kind, scenario):
    result = bundled_result(scenario)
    files = figures(result)
    declared = kind_spec(kind).display.plots
    made = {name.rsplit(".", 1)[0] for name in files}
    assert set(files) == {f"{name}.{fmt}" for name in made for fmt in ("png", "svg")}
    for plot in declared:  # a figure of activity only is left out when nothing was active (no tether)
        if plot.name in made:
            continue
        if isinstance(plot, SensitivityPlot):  # and a sensitivity when the run has none (a decay without an ensemble)
            assert not any(name.startswith(plot.tables) for name in result.tables), plot.name
        else:
            assert plot.active_only and all(not np.any(curve_values(result, c)[1]) for c in plot.curves), plot.name
    assert len(made) >= len(declared) - 1 and made <= {plot.name for plot in declared}
    for name, content in files.items():
        assert_png(content) if name.endswith(".png") else assert_svg(content)


def test_the_safer_series_grows_to_the_summary_value():
    result = bundled_result("safer_return")
    spent = result.trajectory("safer_dv").column("spent")
    assert spent[0] == 0.0 and np.all(np.diff(spent) >= 0.0)
    assert spent[-1] == pytest.approx(result.summary["safer_dv_used_m_s"], rel=1e-12)
    first_burn = next(e.time_s for e in result.events if e.kind == "safer_start")
    assert np.all(spent[result.time_s <= first_burn] == 0.0)


def test_a_figure_of_activity_spans_the_activity_and_is_left_out_without_any():
    t = np.linspace(0.0, 900.0, 901)
    busy = np.where((t > 100.0) & (t < 130.0), 2.0, 0.0)
    hints = DisplayHints(plots=(SeriesPlot("busy", "Busy", "N", (Curve("load", ("busy",)),), active_only=True),
                                SeriesPlot("idle", "Idle", "N", (Curve("load", ("idle",)),), active_only=True)))
    result = Result("made_up", "tug", "2026-11-25T00:00:00", t, {"load": Trajectory(None, ("busy", "idle"), ("N", "N"), np.column_stack([busy, 0 * t]))},
                    [], {}, display=hints)
    assert sorted(figures(result, ("svg",))) == ["busy.svg"]


def test_curves_norms_rates_and_units():
    t = np.array([0.0, 10.0, 20.0, 40.0])
    result = Result("made_up", "tug", "2026-11-25T00:00:00", t,
                    {"tug": Trajectory("lvlh", ("x", "y", "z", "q"), ("m", "m", "m", "rad"), np.array([[3.0, 4.0, 0.0, 0.0], [0.0, 0.0, 5.0, 1.0], [1.0, 0.0, 0.0, 2.0], [0.0, 0.0, 0.0, 2.0]]))},
                    [], {})
    _, norm, unit = curve_values(result, Curve("tug", ("x", "y", "z"), "norm"))
    assert unit == "m" and np.allclose(norm, [5.0, 5.0, 1.0, 0.0])
    _, rate, unit = curve_values(result, Curve("tug", ("q",), "rate"))
    assert unit == "rad/s" and np.isnan(rate[0]) and np.allclose(rate[1:], [0.1, 0.1, 0.0])  # over the step ending at each sample
    assert curve_values(result, Curve("nothing", ("x",))) is None
    assert time_axis_unit(30.0) == ("s", 1.0) and time_axis_unit(1800.0) == ("min", 60.0) and time_axis_unit(5 * 86400.0) == ("days", 86400.0)
    lon, lat = break_at_antimeridian(np.array([170.0, 179.0, -179.0, -170.0]), np.array([0.0, 1.0, 2.0, 3.0]))
    assert np.isnan(lon[2]) and np.isnan(lat[2]) and len(lon) == 5


def made_up_result():
    """A kind no registry knows: its hints alone say what to draw (a track, points split in two, a
    density of a long track, a place and a ring of the scene, a curve from an event on)."""
    t = np.linspace(0.0, 5400.0, 181)
    rows = np.linspace(0.0, 86400.0, 2000)
    points = np.column_stack([np.linspace(40.0, 50.0, 30), np.linspace(60.0, 75.0, 30), np.arange(30) % 2, np.arange(30.0)])
    lat_track = 51.6 * np.sin(2 * np.pi * rows / 5400.0)
    lon_track = (rows / 5400.0 * 337.5 + 180.0) % 360.0 - 180.0
    display = DisplayHints(roles={}, plots=(
        SeriesPlot("reach", "Distance", "km", (Curve("probe", ("x", "y", "z"), "norm", "probe"),), from_event="go", to_event="stop", events=("go", "stop")),
        MapPlot("where", "Where", tracks=("probe_track",), points=("drops",), split_by="wet", markers=("home_wgs84", "ring_wgs84")),
        MapPlot("swath", "Swath", density=("long_track",), markers=("home_wgs84",), extent="world"),
        SeriesPlot("absent", "Nothing here", "m", (Curve("not_in_this_run", ("x",)),)),
    ))
    trajectories = {
        "probe": Trajectory("gcrs", ("x", "y", "z", "vx", "vy", "vz"), ("m",) * 3 + ("m/s",) * 3, circular_orbit_gcrs(t)),
        "probe_track": Trajectory("wgs84", ("lat", "lon", "alt"), ("deg", "deg", "m"), np.column_stack([np.linspace(40, 50, 181), np.linspace(100, 200, 181) % 360 - 180, np.zeros(181)])),
    }
    tables = {
        "drops": Table(("lat", "lon", "wet", "t"), ("deg", "deg", "bool", "s"), points, "wgs84", "drops", "t"),
        "long_track": Table(("t", "lat", "lon"), ("s", "deg", "deg"), np.column_stack([rows, lat_track, lon_track]), "wgs84", "a day of track", "t"),
    }
    scene = {"home_wgs84": {"lat_deg": 45.0, "lon_deg": 70.0},
             "ring_wgs84": {"lat_deg": [44.0, 45.0, 46.0, 45.0], "lon_deg": [70.0, 72.0, 70.0, 68.0], "probability": 0.95}}
    events = [Event(600.0, "go"), Event(3000.0, "stop")]
    return Result("made_up", "tug_and_probe", "2026-11-25T00:00:00", t, trajectories, events, {}, scene=scene, tables=tables, display=display)


def test_a_kind_no_registry_knows_is_drawn_from_its_hints_alone():
    files = figures(made_up_result())
    assert sorted(files) == ["reach.png", "reach.svg", "swath.png", "swath.svg", "where.png", "where.svg"]  # "absent": no data, no figure
    for name, content in files.items():
        assert_png(content) if name.endswith(".png") else assert_svg(content)


def test_the_same_run_draws_the_same_svg():
    result = made_up_result()
    result.display = DisplayHints(plots=result.display.plots[:1])
    assert figures(result, ("svg",)) == figures(result, ("svg",))


def test_the_figures_module_names_no_kind_and_no_trajectory_of_a_kind():
    """As the viewer: which figures a run gets comes from its hints, never from a kind's name."""
    import orbital.figures

    names = {name for kind in KINDS for name in kind_spec(kind).display.roles}
    names |= {c.source for kind in KINDS for p in kind_spec(kind).display.plots if isinstance(p, SeriesPlot) for c in p.curves}
    names |= set(KINDS)
    tree = ast.parse(Path(orbital.figures.__file__).read_text())
    strings = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    assert not strings & names, f"orbital/figures.py names {sorted(strings & names)}"


def test_plot_hints_survive_summary_json_and_a_run_written_before_them_gets_its_kinds(tmp_path):
    from orbital import read_run

    result = bundled_result("safer_return")
    run_dir = result.save(tmp_path / "run")
    assert read_run(run_dir).display.plots == kind_spec("eva_drift").display.plots
    summary = json.loads((run_dir / "summary.json").read_text())
    del summary["display"]["plots"]
    (run_dir / "summary.json").write_text(json.dumps(summary))
    assert read_run(run_dir).display.plots == kind_spec("eva_drift").display.plots


# -- the command ----------------------------------------------------------------------------------


def test_issim_plot_writes_the_figures_and_records_them(issim, saved_run, tmp_path):
    out = tmp_path / "figs"
    done = issim("plot", saved_run, "--out", out)
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == ["safer_dv.png", "safer_dv.svg", "separation.png", "separation.svg", "summary.json"]  # no tether: no tension
    record = json.loads((out / "summary.json").read_text())
    assert record["kind"] == "plots" and record["scenario"] == "safer_return" and record["figures"] == ["safer_dv", "separation"]
    assert set(record["files"]) == set(names) - {"summary.json"}
    again = issim("plot", saved_run, "--out", out)
    assert again.returncode == 2 and f"--out {out}: already holds files" in again.stderr
    assert issim("plot", saved_run, "--out", out, "--overwrite").returncode == 0


def test_issim_plot_runs_a_scenario_name_first(issim, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    done = issim("plot", "safer_return", "--set", "duration=40 s", "--out", tmp_path / "figs")
    assert done.returncode == 0, done.stderr
    assert "running safer_return" in done.stderr and (tmp_path / "figs" / "separation.svg").is_file()


@pytest.mark.parametrize("case", ["foreign", "run_itself", "inside_run", "home", "missing_target", "bad_set"])
def test_issim_plot_refuses_bad_places_and_targets_before_any_work(issim, saved_run, tmp_path, case):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("precious")
    args, expected = {
        "foreign": ((saved_run, "--out", foreign, "--overwrite"), f"--out {foreign}: holds no summary.json"),
        "run_itself": ((saved_run, "--out", saved_run, "--overwrite"), f"--out {saved_run}: is the run directory {saved_run} being read"),
        "inside_run": ((saved_run, "--out", saved_run / "figs"), f"--out {saved_run / 'figs'}: is inside the run directory"),
        "home": ((saved_run, "--out", tmp_path / "home"), "is the home folder"),
        "missing_target": ((tmp_path / "no_such_run/",), "no such run directory or scenario file; expected a run directory"),
        "bad_set": (("safer_return", "--set", "duration=-3 s", "--out", tmp_path / "figs"), "duration"),
    }[case]
    done = issim("plot", *args)
    assert done.returncode == 2 and expected in done.stderr and "Traceback" not in done.stderr
    assert (foreign / "thesis.tex").read_text() == "precious" and sorted(p.name for p in foreign.iterdir()) == ["thesis.tex"]
    assert (saved_run / "summary.json").is_file() and not (saved_run / "figs").exists() and not (tmp_path / "figs").exists()
