"""Sweeps: the grid and the Latin hypercube of varied fields, their units and messages, the table
(one row per point, equal to single runs), the run directory, the sweep file and the CLI.
Every output goes to tmp_path; the cheap scenario is the station for 10 minutes."""

import json
import math

import numpy as np
import pandas as pd
import pytest

import orbital as issim
from orbital.errors import ScenarioError
from orbital.sweeps import latin_hypercube, parse_vary

SHORT = {"duration": "10 min", "output_step": "60 s"}


@pytest.fixture(scope="module")
def station_class():
    return type(issim.load("iss_orbit"))


@pytest.fixture(scope="module")
def soyuz_class():
    return type(issim.load("soyuz_nominal"))


def _values(axis, scale=1.0):
    return [round(v / scale, 9) for v in axis.values]


@pytest.mark.parametrize("given, km", [
    ("380..440:10km", [380, 390, 400, 410, 420, 430, 440]),
    ("380..440:10 km", [380, 390, 400, 410, 420, 430, 440]),
    ("380..445:10km", [380, 390, 400, 410, 420, 430, 440]),  # 445 is off the grid: not a point
    ("380 km..0.44 Mm:20000 m", [380, 400, 420, 440]),
    ("380..440:30", [380, 410, 440]),  # a bare number is in the field's default unit (km)
    ("400,410.5,420km", [400, 410.5, 420]),
    ("400 km, 400000 m", [400, 400]),
    ("420", [420]),
    (["400 km", 410], [400, 410]),  # a list: each item on its own, a bare number in km
])
def test_ranges_and_lists_read_with_units(station_class, given, km):
    axis = parse_vary("station.altitude", given, station_class, False, "--vary")
    assert _values(axis, 1e3) == km
    assert axis.column == "station.altitude_m"


def test_the_last_point_of_a_range_is_b_itself(station_class):
    axis = parse_vary("station.density_scale", "0.1..0.7:0.1", station_class, False, "--vary")
    assert axis.values[-1] == 0.7 and len(axis.values) == 7
    assert axis.column == "station.density_scale"  # no unit: no suffix


def test_a_speed_list_takes_the_trailing_unit(soyuz_class):
    axis = parse_vary("burn.delta_v", "110,128,140m/s", soyuz_class, False, "--vary")
    assert axis.values == (110.0, 128.0, 140.0) and axis.column == "burn.delta_v_m_s"
    axis = parse_vary("burn.delta_v", "0.11,0.128 km/s", soyuz_class, False, "--vary")
    assert _values(axis) == [110.0, 128.0]


@pytest.mark.parametrize("key, given, fragments", [
    ("station.altitud", "380..440:10km", ["station has no field 'altitud'", "altitude"]),
    ("statio.altitude", "380", ["the scenario has no field 'statio'", "station"]),
    ("station.altitude", "380..440:10kg", ["'kg' is not a unit of length", "a range a..b:step", "bare number is in km"]),
    ("station.altitude", "380..440:0km", ["expected a <= b and a step > 0"]),
    ("station.altitude", "440..380:10km", ["expected a <= b and a step > 0"]),
    ("station.altitude", "380..440km", ["has no step", "a range a..b:step"]),
    ("station.altitude", "fast", ["'fast'", "expected a range a..b:step"]),
    ("station.altitude", "380..440:0.0001km", ["600001 points; expected at most 100000"]),
    ("forces.j2", "0,1", ["forces.j2 does not hold one number"]),
    ("station", "1,2", ["station is a section", "station.epoch"]),
])
def test_a_bad_vary_names_the_option_the_value_and_the_expectation(station_class, key, given, fragments):
    with pytest.raises(ScenarioError) as err:
        parse_vary(key, given, station_class, False, f"--vary {key}={given}")
    message = str(err.value)
    assert message.startswith(f"--vary {key}={given}: ")
    for fragment in fragments:
        assert fragment in message


def test_a_vector_cannot_be_varied():
    eva_class = type(issim.load("gordon_adrift"))
    with pytest.raises(ScenarioError, match="does not hold one number"):
        parse_vary("astronaut.velocity", "0,1", eva_class, False, "--vary")


def test_a_latin_hypercube_takes_ranges_only(station_class):
    axis = parse_vary("station.altitude", "380..440km", station_class, True, "--vary")
    assert axis.bounds == (380e3, 440e3)
    for given in ("380..440:10km", "380,440km", "440..380km"):
        with pytest.raises(ScenarioError, match="--vary"):
            parse_vary("station.altitude", given, station_class, True, "--vary")


@pytest.mark.parametrize("n", [1, 7, 50])
def test_latin_hypercube_puts_one_sample_in_each_stratum(n):
    unit = latin_hypercube(n, 3, seed=4)
    assert unit.shape == (n, 3) and np.all((unit >= 0) & (unit < 1))
    for column in unit.T:
        assert sorted(np.floor(column * n).astype(int)) == list(range(n))
    assert np.array_equal(unit, latin_hypercube(n, 3, seed=4))


def test_a_grid_sweep_has_one_row_per_point_equal_to_single_runs():
    table = issim.sweep("iss_orbit", vary={"station.altitude": "380..440:30km", "station.drag_area": "700,1600m2"}, set=SHORT)
    assert len(table) == 6
    assert list(table.columns[:2]) == ["station.altitude_m", "station.drag_area_m2"]
    assert table["station.altitude_m"].tolist() == [380e3, 380e3, 410e3, 410e3, 440e3, 440e3]
    assert table["station.drag_area_m2"].tolist() == [700.0, 1600.0] * 3
    for _, row in table.iloc[[0, 5]].iterrows():
        single = issim.run("iss_orbit", set={**SHORT, "station.altitude": f"{row['station.altitude_m']} m",
                                             "station.drag_area": f"{row['station.drag_area_m2']} m2"})
        for key, value in single.summary.items():
            assert row[key] == value or (value is None and pd.isna(row[key])), key
    assert table.attrs["sweep"]["sweep"]["vary"] == {"station.altitude": "380..440:30km", "station.drag_area": "700,1600m2"}


def test_a_latin_hypercube_sweep_samples_each_range_once_per_stratum():
    table = issim.sweep("iss_orbit", vary={"station.altitude": "380..440km", "station.density_scale": "0.5..2"},
                        samples=8, seed=3, set=SHORT)
    assert len(table) == 8
    for column, (low, high) in (("station.altitude_m", (380e3, 440e3)), ("station.density_scale", (0.5, 2.0))):
        strata = np.floor((table[column].to_numpy() - low) / (high - low) * 8).astype(int)
        assert sorted(strata) == list(range(8))


def test_one_bad_point_refuses_the_sweep_before_any_runs(monkeypatch):
    ran = []
    monkeypatch.setattr("orbital.sweeps.run_point_summaries", lambda models: ran.append(models))
    with pytest.raises(ScenarioError) as err:
        issim.sweep("iss_orbit", vary={"station.eccentricity": "0.001,1.5"}, set=SHORT)
    message = str(err.value)
    assert "point 2 of 2 (station.eccentricity = 1.5)" in message
    assert "station.eccentricity" in message.split("is not a valid scenario:")[1]
    assert "no point was run" in message and not ran


def test_a_point_that_cannot_make_a_run_is_named(monkeypatch):
    def refuse(model):
        raise issim.InfeasibleScenario("station.altitude = ...: expected ...")

    monkeypatch.setattr("orbital.runners.run_scenario", refuse)
    with pytest.raises(issim.InfeasibleScenario, match=r"^sweep point 1 of 2 \(station.altitude = 400 km\): station.altitude"):
        issim.sweep("iss_orbit", vary={"station.altitude": "400,420km"}, set=SHORT)


@pytest.mark.parametrize("seed", [-1, 1.5, True])
def test_a_bad_seed_is_refused(seed):
    with pytest.raises(ScenarioError, match="seed = .*expected a whole number >= 0"):
        issim.sweep("iss_orbit", vary={"station.altitude": "400..420km"}, samples=2, seed=seed, set=SHORT)


def test_the_run_directory_holds_the_table_the_sweep_and_a_figure_per_input(tmp_path):
    out = tmp_path / "sweep"
    table = issim.sweep("iss_orbit", vary={"station.altitude": "400,420km", "station.density_scale": "1,2"}, set=SHORT, out=out)
    names = sorted(p.name for p in out.iterdir())
    assert names == ["plot_station.altitude_m.png", "plot_station.density_scale.png", "summary.json",
                     "sweep.csv", "sweep.parquet", "sweep.yaml"]
    pd.testing.assert_frame_equal(pd.read_parquet(out / "sweep.parquet"), table, check_dtype=False)
    csv = pd.read_csv(out / "sweep.csv")
    assert list(csv.columns) == list(table.columns) and np.allclose(csv["period_min"], table["period_min"], rtol=1e-15)
    record = json.loads((out / "summary.json").read_text())
    assert record["kind"] == "sweep" and record["points"] == 4 and set(record["files"]) == set(names) - {"summary.json"}
    assert (out / "plot_station.altitude_m.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # sweep.yaml repeats the sweep: the whole scenario inline
    again = issim.sweep(out / "sweep.yaml")
    pd.testing.assert_frame_equal(again, table)
    # files are sacred: a second sweep into the same place is refused, --overwrite replaces only issim's
    with pytest.raises(issim.RunDirError, match="already holds files"):
        issim.sweep(out / "sweep.yaml", out=out)
    issim.sweep(out / "sweep.yaml", out=out, overwrite=True)
    (out / "notes.txt").write_text("mine")
    with pytest.raises(issim.RunDirError, match="holds files issim did not write"):
        issim.sweep(out / "sweep.yaml", out=out, overwrite=True)
    assert (out / "notes.txt").read_text() == "mine"


def test_a_sweep_file(tmp_path, write_yaml):
    path = write_yaml(
        "sweep:\n"
        "  scenario: iss_orbit\n"
        "  set: {duration: 10 min, output_step: 60 s}\n"
        "  vary:\n"
        "    station.altitude: 400..420:20km\n"
        "    station.density_scale: [1, 2]\n",
        name="my_sweep.yaml",
    )
    table = issim.sweep(path)
    assert table["station.altitude_m"].tolist() == [400e3, 400e3, 420e3, 420e3]
    assert table["station.density_scale"].tolist() == [1.0, 2.0, 1.0, 2.0]
    # the arguments win over the file's fields
    assert len(issim.sweep(path, vary={"station.altitude": "400km"})) == 2


@pytest.mark.parametrize("body, fragments", [
    ("sweep:\n  scenario: iss_orbit\n  vary: {station.altitude: 400km}\n  samples: 0\n", ["sweep.samples = 0", "greater than or equal to 1"]),
    ("sweep:\n  scenario: iss_orbit\n", ["sweep.vary: missing"]),
    ("sweep:\n  scenario: iss_orbit\n  vary: {station.altitude: 400km}\n  colour: red\n", ["sweep.colour = 'red'", "Extra inputs"]),
    ("sweep:\n  scenario: iss_orbit\n  vary: {station.altitude: 1..2:1kg}\n", ["sweep.vary.station.altitude = '1..2:1kg'", "not a unit of length"]),
    ("sweep:\n  scenario: iss_orbit\n  vary: {station.altitude: 400km}\n  scheduler: nope\n", ["sweep.scheduler 'nope'", "tcp://HOST:PORT"]),
])
def test_a_bad_sweep_file_names_the_field(write_yaml, body, fragments):
    path = write_yaml(body, name="bad_sweep.yaml")
    with pytest.raises((ScenarioError, issim.SchedulerError)) as err:
        issim.sweep(path)
    for fragment in fragments:
        assert fragment in str(err.value)


def test_the_cli_sweeps_and_writes_its_directory(issim, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    done = issim("sweep", "iss_orbit", "--vary", "station.altitude=400..420:20km", "--vary", "station.density_scale=1,2",
                 "--set", "duration=10 min", "--out", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert "4 points" in done.stdout and (tmp_path / "out" / "sweep.csv").is_file()
    assert len(pd.read_csv(tmp_path / "out" / "sweep.csv")) == 4
    done = issim("sweep", "iss_orbit", "--vary", "station.altitude=400..420km", "--samples", "3", "--set", "duration=10 min")
    assert done.returncode == 0, done.stderr
    (made,) = (tmp_path / "runs").iterdir()
    assert made.name.startswith("iss_orbit-sweep-") and len(pd.read_parquet(made / "sweep.parquet")) == 3


@pytest.mark.parametrize("args, fragments", [
    (["--vary", "station.altitude"], ["--vary 'station.altitude': expected KEY=VALUES"]),
    (["--vary", "station.altitud=1..2:1km"], ["--vary station.altitud=1..2:1km: station has no field 'altitud'"]),
    (["--vary", "station.altitude=1..2:1kg"], ["--vary station.altitude=1..2:1kg", "'kg' is not a unit of length", "expected"]),
    (["--vary", "station.altitude=1,2", "--vary", "station.altitude=3"], ["already varied"]),
    (["--vary", "station.altitude=400km", "--scheduler", "tcp://nowhere"], ["--scheduler 'tcp://nowhere'", "tcp://HOST:PORT"]),
    (["--vary", "station.eccentricity=0.001,1.5"], ["point 2 of 2", "station.eccentricity"]),
    ([], ["vary: nothing to vary"]),
])
def test_a_bad_sweep_from_the_cli_is_one_message_and_exit_2(issim, tmp_path, args, fragments):
    done = issim("sweep", "iss_orbit", *args, "--out", tmp_path / "out")
    assert done.returncode == 2
    assert done.stderr.startswith("issim: error: ") and "Traceback" not in done.stderr
    for fragment in fragments:
        assert fragment in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.cluster
def test_a_sweep_on_the_cluster_equals_the_sweep_here(dask_cluster):
    vary = {"station.altitude": "380..440km", "station.drag_area": "700..2500m2"}
    here = issim.sweep("iss_orbit", vary=vary, samples=6, set=SHORT)
    there = issim.sweep("iss_orbit", vary=vary, samples=6, set=SHORT, scheduler=dask_cluster.scheduler_address)
    assert there.attrs["sweep"]["sweep"].pop("scheduler") == dask_cluster.scheduler_address
    here.attrs["sweep"]["sweep"].pop("scheduler")
    pd.testing.assert_frame_equal(here, there)
    assert not math.isnan(there["period_min"].sum())
