"""The footprint on the engine: the same seed gives the same landings however the samples are
chunked and wherever they run; statistics merged chunk by chunk equal those of all landings at
once; the samples table holds each sample's draws; a bad scheduler is one message."""

import io
import math

import numpy as np
import pytest

from orbital.earth import geodesy
from orbital.io import scenario as sc
from orbital.kinds import reentry_footprint as F
from orbital.kinds.reentry_footprint import LandingStats, run

N = 120


def _footprint(n=N, overrides=()):
    return sc.load("soyuz_footprint", [f"n_samples={n}", "progress=false", *overrides])


@pytest.fixture(scope="module")
def reference():
    """The footprint of N samples in-process, with the default chunks (one per thread)."""
    return run(_footprint())


def _same_tables(a, b):
    for name in ("landings", "samples"):
        assert np.array_equal(a.tables[name].data, b.tables[name].data), name


def test_smaller_chunks_give_the_same_landings_bit_for_bit(reference, monkeypatch):
    monkeypatch.setattr(F, "CHUNK_SAMPLES", 17)
    again = run(_footprint())
    _same_tables(reference, again)
    assert again.summary["landing_mean_lat_deg"] == pytest.approx(reference.summary["landing_mean_lat_deg"], rel=1e-12)
    assert again.summary["ellipse_major_km"] == pytest.approx(reference.summary["ellipse_major_km"], rel=1e-9)


def test_one_thread_gives_the_same_landings_bit_for_bit(reference, monkeypatch):
    monkeypatch.setattr(F, "threads_available", lambda: 1)
    _same_tables(reference, run(_footprint()))


@pytest.mark.cluster
def test_a_two_worker_cluster_gives_the_same_landings_bit_for_bit(reference, dask_cluster):
    there = run(_footprint(overrides=[f"scheduler={dask_cluster.scheduler_address}"]))
    _same_tables(reference, there)
    assert there.summary["n_landed"] == reference.summary["n_landed"]


def test_a_samples_row_is_that_samples_own_draw(reference):
    samples = reference.tables["samples"]
    assert samples.columns == F.SAMPLES_COLUMNS and samples.units == F.SAMPLES_UNITS and len(samples.data) == N
    assert np.array_equal(samples.column("sample"), np.arange(N))
    scn = _footprint()
    for i in (0, 57, N - 1):
        p = F.draw_params(scn, [i])
        row = samples.data[i]
        drawn = (p.burn_dv_m_s, p.burn_pitch_rad, p.burn_yaw_rad, p.burn_start_s, p.density_scale, p.cd_hypersonic,
                 p.lift_to_drag, p.module_mass_kg)
        assert np.array_equal(row[1:], np.concatenate(drawn)), i
    assert abs(np.mean(samples.column("burn_dv")) - scn.burn.delta_v) < 5 * scn.dispersions.delta_v / math.sqrt(N)


def _all_at_once(lat, lon, probability):
    """Mean point and ellipse from every landing at once: the east/north offsets' covariance."""
    u = geodesy.unit_vectors(lat, lon)
    m = u.mean(axis=0)
    lat0, lon0 = math.degrees(math.atan2(m[2], math.hypot(m[0], m[1]))), math.degrees(math.atan2(m[1], m[0]))
    east, north = geodesy.tangent_basis(lat0, lon0)
    offsets_km = F.R_EARTH_MEAN_M / 1e3 * np.stack([u @ east, u @ north])
    return (lat0, lon0), F.ellipse_axes(np.cov(offsets_km), probability)


def test_statistics_merged_chunk_by_chunk_equal_those_of_all_landings_at_once():
    rng = np.random.default_rng(7)
    n = 3000
    lat, lon = 47.4 + 0.1 * rng.standard_normal(n), 69.6 + 0.25 * rng.standard_normal(n) + 0.05 * rng.standard_normal(n)
    water = rng.random(n) < 0.2
    cuts = np.sort(rng.choice(np.arange(1, n), 12, replace=False))
    merged = LandingStats()
    for part in np.split(np.arange(n), cuts):
        merged = merged + LandingStats.of(lat[part], lon[part], water[part], water[part] & False, water[part] & False, 10.0, part.astype(float))
    merged = merged + LandingStats.of(lat[:0], lon[:0], water[:0], water[:0], water[:0], 5.0, [])  # a chunk where nothing landed
    (lat0, lon0), axes = _all_at_once(lat, lon, 0.95)
    assert merged.n_landed == n and merged.n_water == np.count_nonzero(water)
    assert merged.mean_point() == pytest.approx((lat0, lon0), rel=1e-13)
    assert F.ellipse_axes(merged.offsets_covariance_km2(), 0.95) == pytest.approx(axes, rel=1e-9)
    assert (merged.first_burn_s, merged.last_touchdown_s) == (5.0, n - 1.0)


def test_the_summary_is_that_of_the_landings_table(reference):
    s, landings = reference.summary, reference.tables["landings"]
    (lat0, lon0), (major, minor, azimuth) = _all_at_once(landings.column("lat"), landings.column("lon"), s["ellipse_probability"])
    assert (s["landing_mean_lat_deg"], s["landing_mean_lon_deg"]) == pytest.approx((lat0, lon0), rel=1e-12)
    assert (s["ellipse_major_km"], s["ellipse_minor_km"], s["ellipse_major_azimuth_deg"]) == pytest.approx((major, minor, azimuth), rel=1e-9)
    assert s["p_water"] == pytest.approx(1.0 - landings.column("on_land").mean())
    assert s["peak_g_p99"] == np.percentile(landings.column("peak_g"), 99)
    assert s["landing_files"] == "landings.csv, landings.geojson, landings.kml"


def test_a_large_footprint_writes_parquet_and_no_text_files(monkeypatch):
    pq = pytest.importorskip("pyarrow.parquet")
    monkeypatch.setattr(F, "TEXT_FILES_MAX_SAMPLES", 20)
    monkeypatch.setattr(F, "PARQUET_FROM_SAMPLES", 20)
    result = run(_footprint(24))
    assert sorted(f for f in result.extra_files if not f.startswith("sensitivity.")) == ["landings.parquet", "samples.parquet"]
    assert result.summary["landing_files"] == "landings.parquet, samples.parquet"
    landings = pq.read_table(io.BytesIO(result.extra_files["landings.parquet"]))
    assert landings.column_names == ["lat_deg", "lon_deg", "on_land", "peak_g", "peak_heat_flux_w_m2", "touchdown_speed_m_s", "sample", "t_touchdown_s"]
    lat = landings.column("lat_deg").to_numpy()
    assert np.all(np.abs(lat - result.tables["landings"].column("lat")) < 1e-5)  # float32: under a metre
    samples = pq.read_table(io.BytesIO(result.extra_files["samples.parquet"]))
    assert samples.column_names == ["sample", "burn_dv_m_s", "burn_pitch_rad", "burn_yaw_rad", "burn_start_s", "density_scale",
                                    "cd_hypersonic", "lift_to_drag", "module_mass_kg"]
    assert samples.column("sample").to_pylist() == list(range(24))


@pytest.mark.parametrize("value", ["bogus", "tcp://nohost", "5"])
def test_a_bad_scheduler_in_the_file_is_one_message_naming_the_field(issim, write_yaml, tmp_path, value):
    path = write_yaml(f"kind: reentry_footprint\nname: fp\nn_samples: 10\nscheduler: {value!r}\n")
    done = issim("run", path, "--out", tmp_path / "run")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"scheduler = '{value}': not a scheduler; expected auto (in-process, or a LocalCluster once the work measures long enough), inprocess, local" in done.stderr
    assert not (tmp_path / "run").exists()


def test_a_bad_scheduler_on_the_command_line_is_one_message(issim, tmp_path):
    done = issim("run", "soyuz_footprint", "--scheduler", "tcp://host", "--out", tmp_path / "run")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--scheduler 'tcp://host': not a scheduler; expected auto (in-process, or a LocalCluster once the work measures long enough), inprocess, local" in done.stderr
    done = issim("run", "soyuz_nominal", "--scheduler", "local", "--out", tmp_path / "run")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--scheduler 'local': soyuz_nominal (kind reentry) runs no ensemble" in done.stderr
    assert not (tmp_path / "run").exists()


def test_the_sensitivity_reads_each_sample_beside_its_own_landing(reference):
    # 120 samples, 8 drawn inputs: PRCC only (S1 from 200 samples on); outputs are the landing's
    # offsets from the target and its peak load, NaN where a sample did not land
    inputs, outputs = F.sensitivity_data(reference.tables["landings"].data, reference.tables["samples"].data, (45.0, 68.0))
    assert list(inputs) == ["burn_dv_m_s", "burn_pitch_rad", "burn_yaw_rad", "burn_start_s", "density_scale",
                            "cd_hypersonic", "lift_to_drag", "module_mass_kg"]
    landings = reference.tables["landings"]
    landed = landings.column("sample").astype(int)
    assert np.array_equal(outputs["peak_g"][landed], landings.column("peak_g"))
    assert np.count_nonzero(np.isfinite(outputs["peak_g"])) == reference.summary["n_landed"]
    # one degree of latitude north of the target is 111.2 km on the mean sphere (R = 6371.0088 km)
    k = landed[0]
    assert outputs["landing_north_km"][k] == pytest.approx((landings.column("lat")[0] - 45.0) * 111.195, rel=1e-4)
    assert np.array_equal(inputs["density_scale"], reference.tables["samples"].column("density_scale"))
    for output in ("landing_north_km", "landing_east_km", "peak_g"):
        table = reference.tables[f"sensitivity_{output}"]
        assert table.data.shape[0] == len(inputs) and "prcc_rank" in table.columns
        assert sorted(table.column("prcc_rank")) == list(range(1, len(inputs) + 1))
        assert table.row_names == tuple(inputs)
    assert "sensitivity.csv" in reference.extra_files  # the bar plot is issim plot's, not the run's
    assert "sensitivity.png" not in reference.extra_files
