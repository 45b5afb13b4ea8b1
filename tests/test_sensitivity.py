"""Sensitivity (orbital.analysis.sensitivity): a dominant input ranks first with an interval clear of
the others, an irrelevant input's measures are zero within their intervals, the first-order Sobol
estimate agrees with the Ishigami function's published indices, and bad data is refused by name.
A Latin-hypercube sweep writes its sensitivity files (outputs in tmp_path)."""

import io
import json

import numpy as np
import pandas as pd
import pytest

import orbital as issim
from orbital.analysis.sensitivity import MIN_SAMPLES_ABOVE_INPUTS, S1_MIN_SAMPLES, sensitivity
from orbital.errors import SensitivityError


def _rows(report, output, measure):
    return {row["input"]: row for row in report.rows if row["output"] == output and row["measure"] == measure}


def _uniform(n, k, seed, low=0.0, high=1.0):
    x = np.random.default_rng(seed).uniform(low, high, (n, k))
    return {f"x{j + 1}": x[:, j] for j in range(k)}


def _linear_and_monotone():
    x = _uniform(1000, 3, seed=7)
    noise = np.random.default_rng(8).normal(0.0, 0.3, 1000)
    return x, {
        "linear": 10 * x["x1"] + x["x2"] + 0.1 * x["x3"] + noise,
        "monotone": np.exp(4 * x["x1"]) + 3 * x["x2"] ** 3 + noise,  # x3 plays no part
    }


@pytest.mark.parametrize("output", ["linear", "monotone"])
@pytest.mark.parametrize("measure", ["prcc", "s1"])
def test_the_dominant_input_ranks_first_with_an_interval_clear_of_the_others(output, measure):
    inputs, outputs = _linear_and_monotone()
    rows = _rows(sensitivity(inputs, outputs), output, measure)
    assert rows["x1"]["rank"] == 1
    low = rows["x1"]["ci_low"]
    for other in ("x2", "x3"):
        assert low > abs(rows[other]["ci_high"]) and low > abs(rows[other]["ci_low"]), (other, rows)


@pytest.mark.parametrize("measure", ["prcc", "s1"])
def test_an_irrelevant_input_is_zero_within_its_interval(measure):
    inputs, outputs = _linear_and_monotone()
    x3 = _rows(sensitivity(inputs, outputs), "monotone", measure)["x3"]
    assert x3["ci_low"] <= 0.0 <= x3["ci_high"]
    assert abs(x3["value"]) < 0.1 and x3["ci_high"] - x3["ci_low"] < 0.15
    if measure == "prcc":
        assert x3["p_value"] > 0.05


@pytest.mark.parametrize("seed", [11, 13, 15])
def test_prcc_rank_intervals_resolve_a_clear_rank_and_not_a_tie(seed):
    # y = 3 x1 + x2 + x3 + noise: x1 drives most by far (rank 1, resolved); x2 and x3 are equals,
    # so the bootstrap must leave their ranks (2 or 3) unresolved; x4 plays no part (rank 4 or 3-4 at worst)
    x = _uniform(2000, 4, seed=seed)
    noise = np.random.default_rng(seed + 1).normal(0.0, 0.1, 2000)
    report = sensitivity(x, {"y": 3 * x["x1"] + x["x2"] + x["x3"] + noise})
    assert all(row["rank_low"] is None and row["rank_high"] is None for row in report.rows if row["measure"] == "s1")
    rows = _rows(report, "y", "prcc")
    assert (rows["x1"]["rank"], rows["x1"]["rank_low"], rows["x1"]["rank_high"]) == (1, 1, 1)
    for tied in ("x2", "x3"):
        assert (rows[tied]["rank_low"], rows[tied]["rank_high"]) == (2, 3)
    assert rows["x4"]["rank_high"] == 4 and rows["x4"]["rank_low"] >= 3
    for row in rows.values():
        assert row["rank_low"] <= row["rank"] <= row["rank_high"]


def test_s1_agrees_with_the_ishigami_functions_published_indices():
    # Ishigami & Homma (1990), a = 7, b = 0.1, inputs uniform on [-pi, pi]: S1 = 0.3139, S2 = 0.4424,
    # S3 = 0 (Saltelli et al. 2008, "Global Sensitivity Analysis: The Primer", section 4.5).
    # Tolerance: 0.03 absolute at 10,000 random samples (the estimator's spread there is about 0.008).
    x = _uniform(10_000, 3, seed=11, low=-np.pi, high=np.pi)
    y = np.sin(x["x1"]) + 7 * np.sin(x["x2"]) ** 2 + 0.1 * x["x3"] ** 4 * np.sin(x["x1"])
    report = sensitivity(x, {"ishigami": y})
    s1 = _rows(report, "ishigami", "s1")
    for name, published in (("x1", 0.3139), ("x2", 0.4424), ("x3", 0.0)):
        assert abs(s1[name]["value"] - published) < 0.03, (name, s1[name])
        assert s1[name]["ci_low"] - 0.01 <= published <= s1[name]["ci_high"] + 0.01, (name, s1[name])
    # why S1 beside PRCC: 7 sin^2(x2) is not monotone, so its rank correlation is near 0
    assert s1["x2"]["rank"] == 1 and abs(_rows(report, "ishigami", "prcc")["x2"]["value"]) < 0.05


def test_s1_is_reported_only_where_the_sample_allows():
    x = _uniform(S1_MIN_SAMPLES - 1, 2, seed=1)
    report = sensitivity(x, {"y": x["x1"] + 0.1 * x["x2"]})
    assert {row["measure"] for row in report.rows} == {"prcc"}


def test_a_constant_input_is_left_out_and_named():
    x = _uniform(300, 2, seed=2)
    report = sensitivity({**x, "fixed": np.full(300, 4.5)}, {"y": x["x1"] + 0.2 * x["x2"]})
    assert report.inputs == ("x1", "x2")
    assert "fixed" in report.excluded and "4.5" in report.excluded["fixed"]
    assert {row["input"] for row in report.rows} == {"x1", "x2"}


def test_samples_that_did_not_land_are_dropped_and_counted():
    x = _uniform(400, 2, seed=3)
    y = x["x1"] + 0.2 * x["x2"]
    landed = np.ones(400, bool)
    landed[::5] = False
    report = sensitivity(x, {"y": np.where(landed, y, np.nan)})
    assert report.dropped == {"y": 80}
    assert all(row["samples"] == 320 for row in report.rows)
    alone = sensitivity({k: v[landed] for k, v in x.items()}, {"y": y[landed]})
    assert [row["value"] for row in report.rows] == [row["value"] for row in alone.rows]


def test_too_few_samples_are_refused_naming_the_count_and_the_minimum():
    x = _uniform(12, 3, seed=4)
    minimum = 3 + MIN_SAMPLES_ABOVE_INPUTS
    with pytest.raises(SensitivityError, match=f"^inputs: 12 samples for 3 varying inputs; expected at least {minimum}"):
        sensitivity(x, {"y": x["x1"]})


def test_an_output_that_cannot_be_analysed_is_skipped_and_named_and_none_is_an_error():
    x = _uniform(50, 2, seed=5)
    mostly_lost = np.full(50, np.nan)
    mostly_lost[:5] = 1.0
    report = sensitivity(x, {"y": x["x1"], "lost": mostly_lost, "flat": np.ones(50)})
    assert report.outputs == ["y"]
    assert "5 samples with a finite value; expected at least 13" in report.skipped["lost"]
    assert "constant" in report.skipped["flat"]
    with pytest.raises(SensitivityError, match="none could be analysed: lost: 5 samples"):
        sensitivity(x, {"lost": mostly_lost})


@pytest.mark.parametrize("inputs, outputs, fragment", [
    ({"a": np.arange(20.0), "b": np.arange(19.0)}, {"y": np.arange(20.0)}, "inputs['b']: shape (19,); expected 1-D, 20 values"),
    ({"a": np.r_[np.arange(19.0), np.inf]}, {"y": np.arange(20.0)}, "inputs['a']: inf at sample 19; expected finite values"),
    ({"a": np.arange(20.0)}, {"y": np.arange(21.0)}, "outputs['y']: shape (21,); expected (20,)"),
    ({"a": np.arange(20.0), "b": 2 * np.arange(20.0)}, {"y": np.arange(20.0)}, "inputs['a']: its ranks are a linear function"),
    ({"a": np.ones(20)}, {"y": np.arange(20.0)}, "every input is constant (a)"),
    ({}, {"y": np.arange(20.0)}, "inputs: none given"),
    ({"a": np.arange(20.0)}, {}, "outputs: none given"),
])
def test_bad_data_is_one_message_naming_it(inputs, outputs, fragment):
    with pytest.raises(SensitivityError) as err:
        sensitivity(inputs, outputs)
    assert fragment in str(err.value)


def test_too_few_bootstrap_resamples_are_refused():
    x = _uniform(50, 2, seed=6)
    with pytest.raises(SensitivityError, match="n_boot = 1: expected a whole number of bootstrap resamples >= 10"):
        sensitivity(x, {"y": x["x1"]}, n_boot=1)


def test_the_plot_of_outputs_with_different_measures():
    # an output that keeps too few samples for S1 is drawn with PRCC alone beside one that has both
    x = _uniform(S1_MIN_SAMPLES + 50, 2, seed=9)
    sparse = np.where(np.arange(S1_MIN_SAMPLES + 50) < 100, x["x1"], np.nan)
    report = sensitivity(x, {"full": x["x1"] + x["x2"], "sparse": sparse})
    assert {r["measure"] for r in report.rows if r["output"] == "sparse"} == {"prcc"}
    assert report.png()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_table_the_long_form_and_the_plot():
    inputs, outputs = _linear_and_monotone()
    report = sensitivity(inputs, outputs)
    table = report.table("linear")
    assert table.columns == ("prcc", "prcc_ci_low", "prcc_ci_high", "prcc_p_value", "prcc_rank", "prcc_rank_low", "prcc_rank_high",
                             "s1", "s1_ci_low", "s1_ci_high", "s1_rank")
    assert table.data.shape == (3, 11) and list(table.column("prcc_rank")) == [1, 2, 3]
    frame = pd.read_csv(io.StringIO(report.to_csv()))
    assert len(frame) == 2 * 3 * 2 and list(frame.columns) == list(report.to_frame().columns)
    assert {"rank_low", "rank_high"} <= set(frame.columns)
    assert frame.query("output == 'linear' and measure == 's1' and rank == 1")["input"].tolist() == ["x1"]
    assert report.png(["linear"])[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(KeyError, match="no output 'nope'"):
        report.table("nope")


def test_the_tables_give_the_analysis_back_and_a_run_directory_keeps_their_row_names(tmp_path):
    # a run writes the tables; issim plot draws the bars from them, read back from its directory
    from orbital.analysis.sensitivity import Sensitivity
    from orbital.io.run_dirs import read_run, write_run
    from orbital.result import Result

    inputs, outputs = _linear_and_monotone()
    report = sensitivity(inputs, outputs)
    result = Result("probe", "station", "2026-01-01T00:00:00.000", np.zeros(0), {}, [], {},
                    tables={f"sensitivity_{name}": report.table(name) for name in report.outputs})
    back = Sensitivity.from_tables(read_run(write_run(result, "name: probe\n", tmp_path / "run")).tables)
    assert back.inputs == report.inputs and back.outputs == report.outputs
    pd.testing.assert_frame_equal(back.to_frame().drop(columns="samples"), report.to_frame().drop(columns="samples"))
    assert Sensitivity.from_tables({}) is None
    assert back.png()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_api_takes_data_frames_or_dicts():
    inputs, outputs = _linear_and_monotone()
    from_frames = issim.sensitivity(pd.DataFrame(inputs), pd.DataFrame(outputs))
    pd.testing.assert_frame_equal(from_frames.to_frame(), issim.sensitivity(inputs, outputs).to_frame())
    assert isinstance(from_frames, issim.Sensitivity)


def test_a_latin_hypercube_sweep_writes_its_sensitivity(tmp_path):
    out = tmp_path / "sweep"
    issim.sweep("iss_orbit", vary={"station.altitude": "380..440km", "station.density_scale": "0.5..3"},
                samples=2 + MIN_SAMPLES_ABOVE_INPUTS, seed=2, set={"duration": "10 min", "output_step": "60 s"}, out=out)
    frame = pd.read_csv(out / "sensitivity.csv")
    assert (out / "sensitivity.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    record = json.loads((out / "summary.json").read_text())
    assert {"sensitivity.csv", "sensitivity.png"} <= set(record["files"])
    assert "prcc" in record["sensitivity"]["measures"]
    # the period follows the altitude alone; the decay rate follows the air density too
    first = frame.query("measure == 'prcc' and rank == 1").set_index("output")["input"]
    assert first["period_min"] == "station.altitude_m"
    loss = frame.query("output == 'altitude_loss_km_per_day'").set_index("input")
    assert loss.loc["station.density_scale", "value"] > 0.5


def test_a_sweep_too_small_for_sensitivity_says_so(tmp_path):
    out = tmp_path / "sweep"
    issim.sweep("iss_orbit", vary={"station.altitude": "380..440km"}, samples=3, set={"duration": "10 min", "output_step": "60 s"}, out=out)
    assert not (out / "sensitivity.csv").exists()
    note = json.loads((out / "summary.json").read_text())["sensitivity"]["not_computed"]
    assert "3 samples for 1 varying inputs; expected at least 12" in note


def test_ranks_averaged_as_scipy_ranks_them():
    from scipy import stats

    from orbital.analysis.sensitivity import ranks_averaged

    rng = np.random.default_rng(3)
    for a in (rng.standard_normal(500), rng.integers(0, 7, 500).astype(float), np.array([2.0, 2.0, 2.0]), np.array([1.0])):
        assert np.array_equal(ranks_averaged(a), stats.rankdata(a))
