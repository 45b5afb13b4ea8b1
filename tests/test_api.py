"""The public Python API (``import orbital as issim``), used as a notebook would use it."""

import inspect
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import orbital as issim
from orbital.io.run_dirs import resolved_yaml

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def adrift_26m():
    """gordon_adrift as bundled: a 26 m line that snaps."""
    return issim.run("gordon_adrift")


@pytest.fixture(scope="module")
def adrift_30m():
    """The same strike with a 30 m line, set as a notebook user would."""
    return issim.run("gordon_adrift", set={"tether.length": "30 m"})


def _event(result, kind):
    return next(e for e in result.events if e.kind == kind)


def _distance_from_anchor_m(result, time_s):
    """Gordon's distance (m) from the tether's anchor at ``time_s``, interpolated linearly in LVLH."""
    gordon = result.trajectory("astronaut")
    at = np.array([np.interp(time_s, gordon.time_s, gordon.column(axis)) for axis in "xyz"])
    return float(np.linalg.norm(at - np.array(result.scene["tether_anchor_lvlh_m"])))


def test_set_reaches_the_run_a_30_m_line_goes_taut_at_30_m(adrift_26m, adrift_30m):
    assert adrift_26m.scenario.tether.length == 26.0 and adrift_30m.scenario.tether.length == 30.0  # m, SI inside
    for result, length_m in ((adrift_26m, 26.0), (adrift_30m, 30.0)):
        taut = _event(result, "tether_taut")
        # the line goes taut when he is one line length from its anchor; 0.5 m covers the linear
        # interpolation between 5 s samples of a path bent by the reel's pull and the snap right after
        assert _distance_from_anchor_m(result, taut.time_s) == pytest.approx(length_m, abs=0.5)
    # 4 m more line at his range rate of about 0.6 m/s: it goes taut several seconds later
    assert _event(adrift_30m, "tether_taut").time_s - _event(adrift_26m, "tether_taut").time_s > 4.0


def test_a_longer_line_lets_him_drift_off_slower(adrift_26m, adrift_30m):
    short, long = adrift_26m.summary, adrift_30m.summary
    assert short["tether_broken"] and long["tether_broken"]
    # Physics: the reel pulls him back at 4.5 N while the line pays out, for longer on a longer line,
    # and the longer cable is softer (k = EA / L), so its 600 N snap takes a larger impulse
    # (about T_break^2 / (2 k v)); both take speed off him, so after the snap he drifts away slower.
    assert long["max_separation_m"] < short["max_separation_m"] - 100.0
    assert abs(long["along_track_drift_per_orbit_m"]) < abs(short["along_track_drift_per_orbit_m"])
    assert long["orbital_period_min"] == short["orbital_period_min"]  # the station's orbit is not his line's business


def test_set_takes_a_mapping_strings_numbers_and_units_alike():
    as_text = issim.load("gordon_adrift", set=["tether.length=30 m", "pushes.0.delta_v=[0.1 m/s, 0, 0]"])
    as_mapping = issim.load("gordon_adrift", set={"tether.length": 30, "pushes.0.delta_v": np.array([0.1, 0.0, 0.0])})
    in_cm = issim.load("gordon_adrift", set={"tether.length": "3000 cm", "pushes.0.delta_v": ["10 cm/s", 0, 0]})
    assert as_text == as_mapping == in_cm
    assert as_text.tether.length == 30.0 and list(as_text.pushes[0].delta_v) == [0.1, 0.0, 0.0]  # m, m/s


def test_a_scenario_is_named_by_bundled_name_or_by_path_alike():
    assert issim.load(ROOT / "scenarios" / "iss_orbit.yaml") == issim.load("iss_orbit") == issim.load(str(ROOT / "scenarios" / "iss_orbit.yaml"))


def test_a_loaded_model_runs_and_takes_further_overrides():
    model = issim.load("iss_orbit", set={"duration": "10 min"})
    changed = issim.load(model, set={"station.altitude": "400 km"})
    assert changed == issim.load("iss_orbit", set={"duration": "10 min", "station.altitude": "400 km"})
    assert model.station.altitude == 420e3  # the model given is left as it was (m)
    result = issim.run(changed)
    assert result.scenario == changed
    assert result.time_s[-1] == pytest.approx(600.0)  # 10 min, s


def test_trajectory_carries_time_frame_columns_and_units(adrift_30m):
    gordon = adrift_30m.trajectory("astronaut")
    assert gordon.frame == "lvlh"
    assert gordon.columns == ("x", "y", "z", "vx", "vy", "vz")
    assert gordon.units == ("m",) * 3 + ("m/s",) * 3
    np.testing.assert_array_equal(gordon.time_s, adrift_30m.time_s)
    assert gordon.data.shape == (len(gordon.time_s), 6)
    np.testing.assert_array_equal(gordon.column("vz"), gordon.data[:, 5])
    with pytest.raises(KeyError, match=r"no column 'speed'; expected one of: x, y, z, vx, vy, vz"):
        gordon.column("speed")


def test_an_unknown_trajectory_is_a_key_error_listing_the_names(adrift_30m):
    with pytest.raises(KeyError) as caught:
        adrift_30m.trajectory("gordon")
    for name in ("'gordon'", "station", "astronaut", "astronaut_cw", "tether_tension"):
        assert name in str(caught.value)


def test_save_and_read_back_are_equal(adrift_30m, tmp_path):
    run_dir = adrift_30m.save(tmp_path / "runs" / "x")
    again = issim.read_run(run_dir)
    assert (again.scenario_name, again.kind, again.epoch_utc) == (adrift_30m.scenario_name, adrift_30m.kind, adrift_30m.epoch_utc)
    assert again.summary == adrift_30m.summary
    assert [(e.time_s, e.kind, e.message) for e in again.events] == [(e.time_s, e.kind, e.message) for e in adrift_30m.events]
    np.testing.assert_array_equal(again.time_s, adrift_30m.time_s)
    assert again.trajectories.keys() == adrift_30m.trajectories.keys()
    for name, saved in adrift_30m.trajectories.items():
        back = again.trajectory(name)
        assert (back.frame, back.columns, back.units) == (saved.frame, saved.columns, saved.units)
        np.testing.assert_array_equal(back.data, saved.data)  # float64 through npz: bit for bit
    assert again.scenario == adrift_30m.scenario
    assert (run_dir / "scenario.yaml").read_text() == resolved_yaml(adrift_30m.scenario)
    assert "length: 30.0 m" in (run_dir / "scenario.yaml").read_text()


def test_save_refuses_an_existing_run_directory_and_leaves_it_alone(adrift_30m, tmp_path):
    run_dir = adrift_30m.save(tmp_path / "x")
    before = {p.name: p.read_bytes() for p in run_dir.iterdir()}
    other = issim.run("iss_orbit", set={"duration": "10 min"})
    with pytest.raises(issim.RunDirError, match=re.escape(str(run_dir)) + ".*already holds files"):
        other.save(run_dir)
    assert {p.name: p.read_bytes() for p in run_dir.iterdir()} == before
    other.save(run_dir, overwrite=True)
    assert issim.read_run(run_dir).kind == "station"


def test_a_result_that_does_not_know_its_scenario_is_not_saved(adrift_30m, tmp_path):
    from dataclasses import replace

    with pytest.raises(issim.RunDirError, match="does not know its scenario"):
        replace(adrift_30m, scenario=None).save(tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_read_run_refuses_what_is_not_a_run_directory(adrift_30m, tmp_path):
    with pytest.raises(issim.RunDirError, match="not a readable issim run directory"):
        issim.read_run(tmp_path)
    run_dir = adrift_30m.save(tmp_path / "x")
    (run_dir / "scenario.yaml").unlink()
    with pytest.raises(issim.RunDirError, match="scenario.yaml is missing"):
        issim.read_run(run_dir)


@pytest.mark.parametrize(
    "overrides, names",
    [
        ({"tether.length": "30 kg"}, ["tether.length", "30 kg", "length"]),
        ({"tether.length": -3}, ["tether.length", "-3"]),
        ({"tether.colour": "red"}, ["tether.colour", "unknown field", "length"]),
        (["tether.length"], ["tether.length", "KEY=VALUE"]),
    ],
)
def test_bad_input_is_a_scenario_error_naming_the_field(overrides, names):
    with pytest.raises(issim.ScenarioError) as caught:
        issim.run("gordon_adrift", set=overrides)
    for name in names:
        assert name in str(caught.value)


def test_an_unknown_scenario_name_lists_the_bundled_ones():
    with pytest.raises(issim.ScenarioError, match="'gordon' is neither a file nor a bundled scenario; expected one of: .*gordon_adrift"):
        issim.load("gordon")


def test_inputs_that_cannot_make_a_run_are_infeasible_scenario():
    with pytest.raises(issim.InfeasibleScenario, match=r"does not come down: burn\.delta_v = 0 m/s") as caught:
        issim.run("soyuz_nominal", set={"burn.delta_v": "0 m/s"})
    assert isinstance(caught.value, issim.ScenarioError)  # one except clause catches all bad input


def test_list_scenarios_names_every_bundled_file_with_its_description():
    scenarios = issim.list_scenarios()
    assert list(scenarios) == sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
    assert scenarios["gordon_adrift"].startswith("Struck at 1 m/s")
    assert all(description and "\n" not in description for description in scenarios.values())


def test_progress_reaches_the_callback_from_the_runners_loop():
    calls = []
    issim.run("iss_orbit", set={"duration": "10 min"}, progress=lambda done, what: calls.append((done, what)))
    fractions = [done for done, _ in calls]
    assert fractions and fractions == sorted(fractions) and fractions[-1] == 1.0  # the station's loop, to its end
    assert all(0.0 <= done <= 1.0 and what for done, what in calls)


def test_every_public_function_is_typed_and_documented():
    for name in issim.__all__:
        item = getattr(issim, name)
        assert item.__doc__, name
        if inspect.isfunction(item):
            signature = inspect.signature(item)
            assert signature.return_annotation is not inspect.Signature.empty, name
            assert all(p.annotation is not inspect.Parameter.empty for p in signature.parameters.values()), name
    for method in (issim.Result.trajectory, issim.Result.save, issim.Trajectory.column):
        assert method.__doc__ and inspect.signature(method).return_annotation is not inspect.Signature.empty


def test_import_orbital_loads_no_heavy_module():
    # the API's heavy parts (numpy, pydantic, astropy, the physics) load on first use, so that
    # `import orbital` and `issim --help` stay quick
    code = "import sys, orbital; print(sorted(m for m in ('numpy', 'pydantic', 'astropy', 'yaml', 'orbital.io.scenario') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def _readme_api_example():
    """The first ```python block of the README's "Python API" section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Python API\n", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_python_api_example_runs_as_written(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    exec(compile(_readme_api_example(), "README.md (Python API)", "exec"), {})
    assert (tmp_path / "runs" / "gordon_30m" / "scenario.yaml").is_file()
    assert "'kg' is not a unit of length" in capsys.readouterr().out
