"""``issim export --czml``: a valid CZML document (JSON packets) whose clock and time-tagged
positions match the Result to metres; the file is checked before any work and replaces only
a CZML file that issim wrote."""

import json
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from orbital.earth.frames import itrs_to_geodetic
from orbital.io.czml import MARK, to_czml
from orbital.kind_contract import DisplayHints
from orbital.result import Result, Table, Trajectory
from viz_helpers import bundled_result, circular_orbit_gcrs


def parse(text):
    doc = json.loads(text)
    assert isinstance(doc, list) and doc[0]["id"] == "document" and doc[0]["version"] == "1.0"
    ids = [packet["id"] for packet in doc]
    assert len(ids) == len(set(ids)), "packet ids must be unique"
    return doc[0], {packet["id"]: packet for packet in doc[1:]}


def cesium_time(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def samples(position, width):
    """A time-tagged position's samples as rows (t, ...), and its epoch."""
    return np.asarray(position["cartesian" if width == 4 and "cartesian" in position else "cartographicDegrees"]).reshape(-1, width), cesium_time(position["epoch"])


def test_a_spacewalk_round_trips_epoch_clock_and_positions():
    result = bundled_result("safer_return")
    head, packets = parse(to_czml(result))
    epoch = datetime.fromisoformat(result.epoch_utc).replace(tzinfo=timezone.utc)
    assert head["description"].startswith(MARK) and result.epoch_utc in head["description"]
    start, end = (cesium_time(t) for t in head["clock"]["interval"].split("/"))
    assert start == epoch + timedelta(seconds=float(result.time_s[0])) and abs((end - epoch).total_seconds() - result.time_s[-1]) < 1e-3
    station, astronaut = packets["station"], packets["astronaut"]
    assert station["position"]["referenceFrame"] == "FIXED"
    rows_s, epoch_s = samples(station["position"], 4)
    rows_a, epoch_a = samples(astronaut["position"], 4)
    assert epoch_s == epoch_a == epoch
    assert np.array_equal(rows_s[:, 0], result.time_s) and np.array_equal(rows_a[:, 0], result.time_s)
    # Earth-fixed: the station's radius is its GCRS radius (a rotation keeps lengths), to a mm
    r_gcrs = np.linalg.norm(result.trajectories["station"].data[:, :3], axis=1)
    assert np.max(np.abs(np.linalg.norm(rows_s[:, 1:], axis=1) - r_gcrs)) < 1e-3
    # the astronaut is his LVLH offset away from the station (distances survive both rotations), to a mm
    offset = np.linalg.norm(result.trajectories["astronaut"].data[:, :3], axis=1)
    assert np.max(np.abs(np.linalg.norm(rows_a[:, 1:] - rows_s[:, 1:], axis=1) - offset)) < 1e-3


@pytest.mark.slow
def test_an_orbit_lies_on_its_geodetic_track_within_a_metre():
    """The CZML's Earth-fixed positions at the CZML's times are where the run's own geodetic track
    (computed by the kind) puts the station: the epoch and the frames agree."""
    result = bundled_result("iss_orbit")
    _, packets = parse(to_czml(result))
    rows, _ = samples(packets["station"]["position"], 4)
    lat, lon, alt = itrs_to_geodetic(rows[:, 1:])
    geodetic = result.trajectories["station_geodetic"]
    metres_per_deg = 6.371e6 * np.pi / 180.0
    assert np.max(np.abs(lat - geodetic.column("lat"))) * metres_per_deg < 1.0
    assert np.max(np.abs((lon - geodetic.column("lon") + 180.0) % 360.0 - 180.0) * np.cos(np.radians(lat))) * metres_per_deg < 1.0
    assert np.max(np.abs(alt - geodetic.column("alt"))) < 1.0
    track = np.asarray(packets["station_geodetic/ground_track"]["polyline"]["positions"]["cartographicDegrees"]).reshape(-1, 3)
    assert np.array_equal(track[:, 0], geodetic.column("lon")) and np.array_equal(track[:, 1], geodetic.column("lat"))


def test_points_tracks_and_places_come_from_the_roles():
    t = np.linspace(0.0, 600.0, 61)
    landings = np.column_stack([[47.0, 47.5, np.nan], [69.0, 70.0, np.nan], [1.0, 0.0, 0.0], [100.0, 110.0, np.nan]])
    window = np.column_stack([np.linspace(0.0, 900.0, 31), np.linspace(-10.0, 10.0, 31), np.linspace(20.0, 40.0, 31), np.full(31, 80e3)])
    result = Result(
        "made_up", "tug_and_probe", "2026-11-25T00:00:00", t,
        {"probe": Trajectory("gcrs", ("x", "y", "z", "vx", "vy", "vz"), ("m",) * 3 + ("m/s",) * 3, circular_orbit_gcrs(t))},
        [], {},
        scene={"home_wgs84": {"lat_deg": 47.4, "lon_deg": 69.6}, "ring_wgs84": {"lat_deg": [47.0, 47.8, 47.0], "lon_deg": [69.0, 69.6, 70.2]},
               "arm_base_lvlh_m": [1.0, 2.0, 3.0]},
        tables={"drops": Table(("lat", "lon", "on_land", "t"), ("deg", "deg", "bool", "s"), landings, "wgs84", "drops", "t"),
                "swath": Table(("t", "lat", "lon", "alt"), ("s", "deg", "deg", "m"), window, "wgs84", "window", "t")},
        display=DisplayHints(roles={"probe": "descent", "drops": "landings", "swath": "reentry_window"}),
    )
    head, packets = parse(to_czml(result))
    assert sorted(packets) == ["drops/0", "drops/1", "probe", "scene/home_wgs84", "scene/ring_wgs84", "swath"]  # the NaN landing is left out
    assert packets["drops/0"]["position"]["cartographicDegrees"] == [69.0, 47.0, 0.0]
    assert packets["drops/0"]["point"]["color"]["rgba"] != packets["drops/1"]["point"]["color"]["rgba"]  # land and water
    rows, epoch = samples(packets["swath"]["position"], 4)
    assert epoch == datetime(2026, 11, 25, tzinfo=timezone.utc) and np.array_equal(rows[:, 0], window[:, 0])
    lat, lon, alt = itrs_to_geodetic(rows[:, 1:])
    assert np.allclose(lat, window[:, 1], atol=1e-8) and np.allclose(lon, window[:, 2], atol=1e-8) and np.allclose(alt, window[:, 3], atol=1e-3)
    assert packets["scene/ring_wgs84"]["polyline"]["positions"]["cartographicDegrees"][-3:] == [69.0, 47.0, 0.0]  # closed
    assert packets["probe"]["position"]["interpolationAlgorithm"] == "LINEAR"


# -- the command ----------------------------------------------------------------------------------


def test_issim_export_czml_writes_a_document_and_replaces_only_its_own(issim, saved_run, tmp_path):
    out = tmp_path / "walk.czml"
    done = issim("export", saved_run, "--czml", out)
    assert done.returncode == 0, done.stderr
    head, packets = parse(out.read_text())
    assert "station" in packets and "astronaut" in packets
    again = issim("export", saved_run, "--czml", out)
    assert again.returncode == 2 and f"--czml '{out}': the file exists" in again.stderr
    assert issim("export", saved_run, "--czml", out, "--overwrite").returncode == 0
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".walk")], "no temporary file left behind"


@pytest.mark.parametrize("case", ["foreign_file", "suffix", "no_folder", "a_folder", "missing_target"])
def test_issim_export_refuses_bad_files_and_targets(issim, saved_run, tmp_path, case):
    foreign = tmp_path / "notes.czml"
    foreign.write_text('[{"id": "document", "name": "my own work"}]')
    (tmp_path / "dir.czml").mkdir()
    args, expected = {
        "foreign_file": ((saved_run, "--czml", foreign, "--overwrite"), f"--czml '{foreign}': is not a CZML file that issim wrote"),
        "suffix": ((saved_run, "--czml", tmp_path / "walk.json"), "expected a file name ending in .czml"),
        "no_folder": ((saved_run, "--czml", tmp_path / "nope" / "walk.czml"), "does not exist; expected a file in an existing folder"),
        "a_folder": ((saved_run, "--czml", tmp_path / "dir.czml"), "is not a regular file"),
        "missing_target": ((tmp_path / "no_run/", "--czml", tmp_path / "walk.czml"), "no such run directory or scenario file"),
    }[case]
    done = issim("export", *args)
    assert done.returncode == 2 and expected in done.stderr and "Traceback" not in done.stderr
    assert foreign.read_text() == '[{"id": "document", "name": "my own work"}]' and not (tmp_path / "walk.czml").exists()
