"""Invariants of the station and decay kinds over their parameter space (hypothesis).

Inputs are drawn as a user writes them (``--set`` strings through ``orbital.io.scenario.load``):
plausible and extreme-but-valid orbits (100 km perigees to 2,000 km, circular to eccentric,
equatorial, polar and retrograde) and bodies (ballistic coefficients from a solar sail's to a
steel ball's). Runs are an orbit or a few (station) or a low orbit's decay (decay_reentry).
"""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orbital.earth.constants import R_EARTH_EQ_M
from orbital.kinds.station.orbit_metrics import energy_semi_major_axis_m
from orbital.propagation.propagate import DECAY_STOP_ALTITUDE_M
from orbital.runners import run_scenario
from orbital.io.run_dirs import summary_document
from orbital.io.scenario import load

from invariants import assert_common_invariants


@st.composite
def station_overrides(draw, max_altitude_km=2000.0):
    """``--set`` strings of a station orbit and body, with a perigee above 110 km."""
    # altitude is a mean height above the ellipsoid: a polar orbit's mean a is 16 km below Re +
    # altitude (the ellipsoid under the track, and J2), so its perigee above the equator is lower too
    altitude_km = draw(st.floats(121.0, max_altitude_km))
    a_m = R_EARTH_EQ_M + altitude_km * 1e3
    max_ecc = min(0.05, (altitude_km - 121.0) * 1e3 / a_m)
    ecc = draw(st.floats(0.0, 1.0)) * max_ecc
    # ballistic coefficient m / (Cd A) from 0.05 to 5,000 kg/m2 (log-uniform), Cd A fixed
    ballistic = 10.0 ** draw(st.floats(np.log10(0.05), np.log10(5000.0)))
    return [
        f"station.altitude={altitude_km!r} km",
        f"station.eccentricity={ecc!r}",
        f"station.inclination={draw(st.sampled_from([0.0, 28.5, 51.64, 90.0, 97.8, 135.0, 180.0]))!r} deg",
        f"station.raan={draw(st.floats(-360.0, 360.0))!r} deg",
        f"station.arg_perigee={draw(st.floats(0.0, 360.0))!r} deg",
        f"station.arg_latitude={draw(st.floats(0.0, 360.0))!r} deg",
        f"station.mass={ballistic * 2.2 * 10.0!r} kg",
        "station.drag_area=10 m2",
        f"station.density_scale={draw(st.sampled_from([0.5, 1.0, 3.0]))!r}",
    ]


def _run_station(overrides, minutes, step_s=60.0, extra=()):
    return run_scenario(load("iss_orbit", [*overrides, f"duration={minutes!r} min", f"output_step={step_s!r} s", *extra]))


@settings(max_examples=15)
@given(station_overrides(), st.floats(20.0, 300.0))
def test_station_runs_keep_the_common_invariants_and_their_summary_agrees(overrides, minutes):
    result = _run_station(overrides, minutes)
    assert_common_invariants(result)
    summary = result.summary
    alt_km = result.trajectories["station_geodetic"].data[:, 2] / 1e3
    assert summary["min_altitude_km"] == np.min(alt_km)
    assert summary["max_altitude_km"] == np.max(alt_km)
    assert summary["final_altitude_km"] == alt_km[-1]
    ended_early = result.time_s[-1] < minutes * 60.0 - 1e-6
    # decayed iff the run ended at the decay height (100 km along the radius: within metres of geodetic)
    assert summary["decayed"] == ended_early
    if summary["decayed"]:
        assert alt_km[-1] == pytest.approx(DECAY_STOP_ALTITUDE_M / 1e3, abs=0.01)
        assert [e.kind for e in result.events][-2:] == ["decay", "end"]
    else:
        assert np.min(alt_km) > DECAY_STOP_ALTITUDE_M / 1e3 - 0.01
    for key in ("raan_rate", "nodal_period"):  # an unknown is null, and the summary says why
        unit = "deg_per_day" if key == "raan_rate" else "min"
        assert (summary[f"{key}_{unit}"] is None) == (f"{key}_note" in summary)


@settings(max_examples=10)
@given(station_overrides(), st.floats(20.0, 300.0))
def test_without_drag_the_energy_semi_major_axis_is_conserved(overrides, minutes):
    result = _run_station(overrides, minutes, extra=["forces.drag=false"])
    # TEME is quasi-inertial: J2's potential about its z; GCRS is 0.13 deg off, so use TEME states
    from astropy.time import Time

    from orbital.earth.frames import teme_to_gcrs_matrix

    to_gcrs = teme_to_gcrs_matrix(Time(result.epoch_utc, scale="utc"))
    states = result.trajectories["station"].data
    teme = np.hstack([states[:, :3] @ to_gcrs, states[:, 3:] @ to_gcrs])
    a_m = energy_semi_major_axis_m(teme, include_j2=True)
    # rtol 1e-10 over up to 5 h: measured drift under 1 mm; 0.05 m leaves room for rounding in the rotation
    assert np.max(np.abs(a_m - a_m[0])) < 0.05
    assert not result.summary["decayed"]


@settings(max_examples=3)
@given(station_overrides(max_altitude_km=600.0))
def test_the_reference_integrator_agrees_with_dop853(overrides):
    ours = _run_station(overrides, 90.0, step_s=300.0)
    reference = _run_station(overrides, 90.0, step_s=300.0, extra=["integrator.method=poliastro_cowell"])
    assert ours.summary["decayed"] == reference.summary["decayed"]
    assert ours.time_s[-1] == pytest.approx(reference.time_s[-1], abs=0.1)  # the decay time if it decayed
    r_ours = ours.trajectories["station"].data[-1, :3]
    r_ref = reference.trajectories["station"].data[-1, :3]
    # the same forces with two DOP853s at rtol 1e-10 (atol 0.1 mm vs 1 nm): centimetres over an orbit;
    # a decaying one ends 0.1 s (800 m) apart at most
    assert np.linalg.norm(r_ours - r_ref) < (800.0 if ours.summary["decayed"] else 1.0)


@settings(max_examples=3)
@given(station_overrides(), st.floats(20.0, 200.0))
def test_the_same_station_inputs_give_the_same_bytes(overrides, minutes):
    first, second = _run_station(overrides, minutes), _run_station(overrides, minutes)
    assert json.dumps(summary_document(first)) == json.dumps(summary_document(second))
    for name, trajectory in first.trajectories.items():
        assert trajectory.data.tobytes() == second.trajectories[name].data.tobytes()


@st.composite
def decay_overrides(draw):
    """``--set`` strings of a low orbit (decays in days to months) and body for kind decay_reentry."""
    ballistic = 10.0 ** draw(st.floats(np.log10(0.05), np.log10(300.0)))
    return [
        f"object.altitude={draw(st.floats(150.0, 260.0))!r} km",
        f"object.eccentricity={draw(st.floats(0.0, 0.002))!r}",
        f"object.inclination={draw(st.sampled_from([0.0, 0.5, 51.64, 90.0, 98.0, 180.0]))!r} deg",
        f"object.raan={draw(st.floats(0.0, 360.0))!r} deg",
        f"object.mass={ballistic * 2.2 * 10.0!r} kg",
        "object.drag_area=10 m2",
        f"window_fraction={draw(st.sampled_from([0.05, 0.2, 0.5]))!r}",
        "track_step=120 s",
        "max_track_samples=20000",
    ]


@settings(max_examples=8)
@given(decay_overrides())
def test_decay_runs_keep_their_invariants(overrides):
    result = run_scenario(load("soyuz_no_burn", overrides))
    assert_common_invariants(result, 0.0, result.scene["window_end_s"])
    scene, summary = result.scene, result.summary
    assert scene["window_start_s"] <= scene["reentry_time_s"] <= scene["window_end_s"]
    assert result.time_s[-1] == pytest.approx(scene["reentry_time_s"])
    track = result.tables["window_track"].data
    assert np.all(np.isfinite(track))
    assert track[0, 0] == pytest.approx(scene["window_start_s"]) and track[-1, 0] == pytest.approx(scene["window_end_s"])
    # the plunge's plane turns by ~0.1 deg in air that turns with the Earth (test_decay_reentry)
    assert np.max(np.abs(track[:, 1])) <= summary["max_abs_lat_deg"] + 0.2
    assert 0.0 <= summary["p_over_land"] <= 1.0
    json.loads(result.extra_files["window_track.geojson"], parse_constant=lambda c: pytest.fail(f"not JSON: {c}"))
