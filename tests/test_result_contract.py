"""The Result contract (orbital/result.py): one time grid, tables for per-sample data, SI units,
frames from a declared set, one Event type, and ``Result.to_xarray()``; run directories keep it,
and read older ones (landings and window_track stored as trajectories, km) as it."""

import functools
import json

import numpy as np
import pytest

from orbital.io.run_dirs import SUMMARY_FILE, TABLES_FILE, TRAJECTORIES_FILE, read_run, resolved_yaml, write_run
from orbital.io.scenario import load, validate
from orbital.kinds import KINDS
from orbital.result import FRAMES, OTHER_UNITS, SI_UNITS, Event, Table, jsonable
from orbital.runners import run_scenario

#: One cheap run of every kind (the Soyuz kinds compile their kernels once, then take seconds).
CHEAP = {
    "station": lambda: load("iss_orbit", ["duration=2 h"]),
    "eva_drift": lambda: load("gordon_adrift", ["duration=20 min"]),
    "arm_push": lambda: load("arm_push", []),
    "arm_rescue": lambda: load("arm_rescue", []),
    "reentry": lambda: load("soyuz_nominal", []),
    "reentry_footprint": lambda: load("soyuz_footprint", ["n_samples=4", "progress=false"]),
    "deorbit_opportunities": lambda: load("let_it_fall", ["window=3 h", "step=30 min", "progress=false"]),
    "decay_reentry": lambda: validate(
        {"kind": "decay_reentry", "name": "fast", "object": {"altitude": "250 km"}, "track_step": 60, "max_track_samples": 20000}
    ),
    "breakup_footprint": lambda: validate(
        {"kind": "breakup_footprint", "name": "fast", "station": {"altitude": "100 km", "mass": "1000 kg", "drag_area": "5 m2"},
         "fragments": [{"name": "ball", "count": 2, "mass": "500 kg", "area": "0.5 m2", "material": "stainless_steel"}]}
    ),
    "rendezvous": lambda: load("help_arrives", ["transfer.max_coast=10 min", "after_contact=0 s", "output_step=60 s"]),
}
#: Kinds whose cheapest run still costs seconds of one-off work (the rendezvous's planning compiles the
#: poliastro-API library's maneuvers, 10 to 30 s a process): in the slow set.
SLOW_KINDS = {"rendezvous"}
KINDS_TO_RUN = [pytest.param(kind, marks=pytest.mark.slow) if kind in SLOW_KINDS else kind for kind in sorted(CHEAP)]


@functools.lru_cache(maxsize=None)
def _run(kind):
    return run_scenario(CHEAP[kind]())


def test_every_kind_has_a_cheap_run():
    assert set(CHEAP) == set(KINDS)


def _columns(result):
    """(what, name, frame, unit, column) of every column of every trajectory and table."""
    for what, items in (("trajectory", result.trajectories), ("table", result.tables)):
        for name, item in items.items():
            for column, unit in zip(item.columns, item.units):
                yield what, name, item.frame, unit, column


@pytest.mark.parametrize("kind", KINDS_TO_RUN)
def test_the_invariants_of_the_contract(kind):
    result = _run(kind)
    time_s = np.asarray(result.time_s)
    assert time_s.ndim == 1 and np.all(np.isfinite(time_s)) and np.all(np.diff(time_s) >= 0.0)
    for name, trajectory in result.trajectories.items():
        assert trajectory.data.shape == (len(time_s), len(trajectory.columns)), name
    for name, table in result.tables.items():
        assert isinstance(table, Table) and table.data.ndim == 2 and table.data.shape[1] == len(table.columns), name
        assert table.description and (table.time_column is None or table.units[table.columns.index(table.time_column)] == "s"), name
    for what, name, frame, unit, column in _columns(result):
        assert frame is None or frame in FRAMES, f"{what} {name}: frame {frame!r}"
        assert unit in SI_UNITS or unit in OTHER_UNITS, f"{what} {name}.{column}: unit {unit!r} is neither SI nor allowed"
        if unit == "g":
            assert column.endswith("_g"), f"{what} {name}.{column}: a load factor's column says so"
        if unit == "deg":
            assert frame == "wgs84", f"{what} {name}.{column}: degrees only for geodetic angles"
    assert all(type(e) is Event for e in result.events)


def test_a_footprint_has_no_time_series_and_its_landings_are_a_table():
    result = _run("reentry_footprint")
    assert result.time_s.shape == (0,) and result.trajectories == {}
    landings = result.table("landings")
    assert landings.time_column == "t_touchdown" and landings.frame == "wgs84"
    assert len(landings.data) == result.summary["n_landed"]
    assert np.max(landings.times_s()) == pytest.approx(next(e.time_s for e in result.events if e.kind == "last_touchdown"))
    heat = landings.column("peak_heat_flux")
    assert landings.units[landings.columns.index("peak_heat_flux")] == "W/m2" and np.all(heat > 1e4)  # W/m2, not kW/m2


@pytest.mark.parametrize("kind", KINDS_TO_RUN)
def test_to_xarray_holds_every_column_with_its_units_and_frame(kind):
    result = _run(kind)
    ds = result.to_xarray()
    assert np.array_equal(ds["time"].values, result.time_s)
    for name, trajectory in result.trajectories.items():
        for k, column in enumerate(trajectory.columns):
            variable = ds[f"{name}.{column}"]
            assert variable.dims == ("time",)
            assert np.array_equal(variable.values, trajectory.data[:, k])
            assert variable.attrs["units"] == trajectory.units[k] and variable.attrs.get("frame") == trajectory.frame
    for name, table in result.tables.items():
        for k, column in enumerate(table.columns):
            variable = ds[f"{name}.{column}"]
            assert variable.dims == (f"{name}.row",)
            assert np.array_equal(variable.values, table.data[:, k])
            assert variable.attrs["units"] == table.units[k] and variable.attrs.get("frame") == table.frame
            assert variable.attrs["description"] == table.description
    assert (ds.attrs["scenario"], ds.attrs["kind"], ds.attrs["epoch_utc"]) == (result.scenario_name, result.kind, result.epoch_utc)
    assert json.loads(ds.attrs["summary"]) == jsonable(result.summary)
    assert [e["kind"] for e in json.loads(ds.attrs["events"])] == [e.kind for e in result.events]


@pytest.mark.parametrize("kind", ["reentry_footprint", "decay_reentry", "eva_drift"])
def test_a_saved_and_read_run_gives_an_equal_dataset(kind, tmp_path):
    result = _run(kind)
    back = read_run(write_run(result, resolved_yaml(result.scenario), tmp_path / "run"))
    assert back.to_xarray().identical(result.to_xarray())
    assert (tmp_path / "run" / TABLES_FILE).is_file() == bool(result.tables)


def _tables_before(result):
    """The result's tables that existed when tables came (a footprint's samples came later)."""
    return {name: table for name, table in result.tables.items() if name != "samples"}


def _write_old_layout(result, run_dir):
    """A run directory as issim wrote it before tables: every table a trajectory (a footprint's
    landings on a time grid of touchdown times), heights in km, heat flux in kW/m2, frame "none"."""
    run_dir.mkdir()
    time_s, arrays, manifest = result.time_s, {}, {}
    for name, t in {**result.trajectories, **_tables_before(result)}.items():
        columns, units, data = list(t.columns), list(t.units), np.array(t.data, dtype=float)
        if name == "landings":
            time_s = data[:, columns.index("t_touchdown")]
            data = np.delete(data, columns.index("t_touchdown"), axis=1)
            del units[columns.index("t_touchdown")], columns[columns.index("t_touchdown")]
        for k, unit in enumerate(units):
            if unit in ("m", "W/m2") and name in ("altitude", "landings"):
                data[:, k] /= 1e3
                units[k] = {"m": "km", "W/m2": "kW/m2"}[unit]
        arrays[name] = data
        manifest[name] = {"frame": t.frame or "none", "columns": columns, "units": units, "shape": list(data.shape)}
    np.savez_compressed(run_dir / TRAJECTORIES_FILE, time_s=time_s, **arrays)
    (run_dir / "scenario.yaml").write_text(resolved_yaml(result.scenario), encoding="utf-8")
    document = {
        "scenario": result.scenario_name, "kind": result.kind, "epoch_utc": result.epoch_utc, "issim_version": "0.1.0",
        "summary": {}, "events": [vars(e) for e in result.events], "scene": {}, "trajectories": manifest,
    }
    (run_dir / SUMMARY_FILE).write_text(json.dumps(document, default=float), encoding="utf-8")
    return run_dir


@pytest.mark.parametrize("kind", ["reentry_footprint", "decay_reentry"])
def test_a_run_directory_of_the_layout_before_tables_is_read_as_the_contract(kind, tmp_path):
    result = _run(kind)
    back = read_run(_write_old_layout(result, tmp_path / "old"))
    assert back.time_s.shape == result.time_s.shape and np.array_equal(back.time_s, result.time_s)
    assert set(back.trajectories) == set(result.trajectories) and set(back.tables) == set(_tables_before(result))
    for name, trajectory in result.trajectories.items():
        again = back.trajectories[name]
        assert (again.frame, again.columns, again.units) == (trajectory.frame, trajectory.columns, trajectory.units)
        assert np.allclose(again.data, trajectory.data, rtol=1e-12)
    for name, table in _tables_before(result).items():
        again = back.tables[name]
        assert (again.frame, again.columns, again.units, again.time_column) == (table.frame, table.columns, table.units, table.time_column)
        assert np.allclose(again.data, table.data, rtol=1e-12)
