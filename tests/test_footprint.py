"""Monte-Carlo landing footprints (kind: reentry_footprint)."""

import json

import numpy as np
import pytest

from orbital import errors
from orbital.io import scenario as sc
from orbital.kinds.reentry_footprint import run, simulate

KEYS = ("delta_v", "pitch", "yaw", "timing", "density_scale", "drag_coefficient", "lift_to_drag", "mass")


def _footprint(n, overrides=()):
    return sc.load("soyuz_footprint", [f"n_samples={n}", "progress=false", *overrides])


def test_same_seed_same_footprint_bit_for_bit():
    a = simulate(_footprint(40))[2]
    b = simulate(_footprint(40))[2]
    c = simulate(_footprint(40, ["seed=1"]))[2]
    assert np.array_equal(a, b)
    assert not np.array_equal(a[:, :2], c[:, :2])


def test_progress_reports_rising_times_then_the_end():
    from orbital.models import soyuz as R
    from orbital.propagation.batch_integrator import integrate
    from orbital.kinds.reentry_footprint import draw_params
    from orbital.schema import initial_state

    scn = _footprint(20, ["burn.start=0 s"])
    _, r0, v0 = initial_state(scn.station)
    Y0 = np.concatenate([r0, v0])
    _, guidance = R.plan(scn, Y0)
    seen = []
    integrate(np.repeat(Y0[None], 20, axis=0), 0.0, draw_params(scn, range(20)), R.sequence(scn), guidance, progress=seen.append)
    assert len(seen) > 10 and seen[-1] == np.inf
    assert np.all(np.diff(seen[:-1]) >= 0.0) and seen[-2] > 3000.0  # the slowest sample's clock, to touchdown


@pytest.mark.physics
def test_burn_timing_sensitivity():
    # REFERENCES.md: 1 s of error in the deorbit burn timing moves the landing point about 8 km.
    scn = _footprint(60, [f"dispersions.{k}=0" for k in KEYS if k != "timing"] + ["guidance.range_gain=0"])
    result = run(scn)
    sigma_km = result.summary["ellipse_major_km"] / (2 * np.sqrt(-2 * np.log(1 - 0.95)))
    assert 5.0 < sigma_km < 12.0


@pytest.mark.physics
def test_guided_footprint_tighter_than_ballistic():
    guided = run(_footprint(80)).summary
    ballistic = run(_footprint(80, ["guidance.mode=ballistic"])).summary
    # REFERENCES.md: guided (lifting) dispersion about 28 km (1,000 samples give 25 km).
    assert 10.0 < guided["ellipse_major_km"] < 60.0
    assert guided["ellipse_major_km"] < 0.5 * ballistic["ellipse_major_km"]
    # bank reversals leave a km-wide cross-track spread (not pinned to the ground track)
    assert 3.0 < guided["ellipse_minor_km"] < 20.0
    assert guided["ellipse_minor_km"] < guided["ellipse_major_km"]
    assert guided["mean_miss_km"] < 20.0 < 300.0 < ballistic["mean_miss_km"]
    assert guided["peak_g_p50"] < 5.0 and ballistic["peak_g_p50"] > 7.5
    assert 0.0 <= guided["p_water"] <= 1.0


def test_run_directory_has_map_files(tmp_path):
    from orbital.io.run_dirs import read_run, resolved_yaml, write_run

    scn = _footprint(12)
    result = run(scn)
    out = write_run(result, resolved_yaml(scn), tmp_path / "run")
    csv_lines = (out / "landings.csv").read_text().splitlines()
    assert len(csv_lines) == 13 and csv_lines[0].startswith("sample,lat_deg,lon_deg,landed_on")
    geo = json.loads((out / "landings.geojson").read_text())
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 12 + 2
    assert (out / "landings.kml").read_text().count("<Placemark>") == 13
    # the viewer's geometry round-trips through the run directory
    back = read_run(out)
    ellipse = back.scene["ellipse_wgs84"]
    assert ellipse == result.scene["ellipse_wgs84"] and ellipse["probability"] == 0.95
    assert len(ellipse["lat_deg"]) == len(ellipse["lon_deg"]) > 8
    assert (ellipse["lat_deg"][0], ellipse["lon_deg"][0]) == (ellipse["lat_deg"][-1], ellipse["lon_deg"][-1])  # closed ring
    lat0, lon0 = result.summary["landing_mean_lat_deg"], result.summary["landing_mean_lon_deg"]
    assert abs(np.mean(ellipse["lat_deg"][:-1]) - lat0) < 1e-9 and abs(np.mean(ellipse["lon_deg"][:-1]) - lon0) < 1e-9
    target = back.scene["target_wgs84"]
    assert target == {"lat_deg": result.summary["target_lat_deg"], "lon_deg": result.summary["target_lon_deg"]}
    s = result.summary
    for key in ("n_samples", "landing_mean_lat_deg", "landing_mean_lon_deg", "ellipse_major_km", "ellipse_minor_km", "p_water", "peak_g_p50", "peak_g_p99"):
        assert key in s


def test_cli_footprint(issim, tmp_path):
    done = issim("run", "soyuz_footprint", "--set", "n_samples=200", "--json", "--out", tmp_path / "fp")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["summary"]["n_samples"] == 200


def test_bad_footprint_input():
    with pytest.raises(errors.ScenarioError, match="n_samples"):
        sc.load("soyuz_footprint", ["n_samples=0"])
    with pytest.raises(errors.ScenarioError, match=r"dispersions\.timing"):
        sc.load("soyuz_footprint", ["dispersions.timing=-1 s"])


def test_ellipse_ring_is_closed_and_counter_clockwise_for_geojson():
    from orbital.earth.geodesy import ellipse_ring

    lat, lon = ellipse_ring(47.4, 69.6, 28.0, 14.0, 86.0)
    assert lat[0] == lat[-1] and lon[0] == lon[-1]
    x, y = lon * np.cos(np.radians(47.4)), lat
    signed_area = 0.5 * np.sum(x[:-1] * y[1:] - x[1:] * y[:-1])
    assert signed_area > 0.0  # RFC 7946: exterior rings counter-clockwise
    # the full axes come out as asked (km, small-offset approximation: to 0.1 %)
    km_per_deg = 6371.0088 * np.pi / 180.0
    east, north = (lon - 69.6) * np.cos(np.radians(47.4)) * km_per_deg, (lat - 47.4) * km_per_deg
    extent = np.hypot(east, north)
    assert extent.max() == pytest.approx(14.0, rel=1e-3) and extent.min() == pytest.approx(7.0, rel=1e-3)


@pytest.mark.physics
def test_footprint_peak_g_covers_the_canopies():
    # the percentiles are of each sample's whole-descent peak (here the drogue's opening, ~190 g)
    s = run(_footprint(12, ["module.drag_coefficient=0.01", "module.subsonic_drag_coefficient=0.01"])).summary
    assert s["peak_g_p50"] > 100.0 and s["peak_g_p99"] >= s["peak_g_p50"]


def test_samples_that_never_land_are_said_so_and_counted(tmp_path):
    # QA: samples that never came down were written to landings.csv as "landed_on: water" with NaN
    # lat/lon. A 60 m/s one-sigma burn error leaves some burns far too small (under ~100 m/s from
    # 430 km) to come down within the 4 h the integrator gives a descent.
    import csv

    from orbital.io.run_dirs import resolved_yaml, write_run

    scn = _footprint(12, ["dispersions.delta_v=60 m/s", "burn.start=0 s"])
    result = run(scn)
    s = result.summary
    assert 0 < s["n_not_landed"] < 12 and s["n_landed"] + s["n_not_landed"] == 12
    assert len(result.tables["landings"].data) == s["n_landed"] and result.time_s.shape == (0,) and not result.trajectories
    assert np.all(np.isfinite(result.tables["landings"].data))
    out = write_run(result, resolved_yaml(scn), tmp_path / "run")
    rows = list(csv.DictReader((out / "landings.csv").open()))
    missing = [r for r in rows if r["landed_on"] == "not_landed"]
    assert len(missing) == s["n_not_landed"] and all(r["lat_deg"] == r["lon_deg"] == "" for r in missing)
    assert "nan" not in (out / "landings.csv").read_text().lower()
    assert all(np.isfinite(float(r["lat_deg"])) for r in rows if r["landed_on"] != "not_landed")
    geo = json.loads((out / "landings.geojson").read_text())
    assert sum(f["geometry"]["type"] == "Point" for f in geo["features"]) == s["n_landed"] + 1  # and the mean
    # p_water agrees with the rows that landed
    landed = [r for r in rows if r["landed_on"] != "not_landed"]
    assert s["p_water"] == pytest.approx(sum(r["landed_on"] == "water" for r in landed) / len(landed))


def test_a_burn_is_never_drawn_before_undocking():
    # Found in QA: with burn.start = 0 s, half the samples drew a negative start, yet their burns
    # began at the epoch (undocking) and ended start + duration later: shorter burns, less delta-v.
    from orbital.kinds.reentry_footprint import draw_params

    params = draw_params(_footprint(200, ["burn.start=0 s", "dispersions.timing=10 s"]), range(200))
    assert np.all(params.burn_start_s >= 0.0)
