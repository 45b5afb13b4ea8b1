"""The numerical predictor-corrector entry guidance (guidance.mode: predictor_corrector,
orbital/models/guidance.py) against today's range law and the ballistic descent.

The target is the planned descent's landing point (the plan flies cos(68 deg) of its lift up);
the dispersed cases change the air's density under a guidance that still assumes the plan's
(US76 x 1), as the flown module's does.
"""

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orbital.dynamics.entry_dynamics import ENTRY, Sequence, kernel_constants
from orbital.earth.constants import R_EARTH_MEAN_M
from orbital.io import scenario as sc
from orbital.models import soyuz
from orbital.models.guidance import MAX_CHANGE_PER_CYCLE, predict, to_fixed
from orbital.propagation.batch_integrator import integrate
from orbital.schema import initial_state

#: Density scales flown under every mode: the day's air 20 % thinner, as planned, 20 % denser.
DENSITY_SCALES = np.array([0.8, 1.0, 1.2])


def _planned(mode, *overrides):
    scn = sc.load("soyuz_nominal", ["burn.start=0 s", f"guidance.mode={mode}", *overrides])
    _, r0, v0 = initial_state(scn.station)
    Y0 = np.concatenate([r0, v0])
    planned, guidance = soyuz.plan(scn, Y0)
    return scn, Y0, planned, guidance


def _misses_km(out, planned, guidance):
    """Great-circle distance (km) of each touchdown from the guidance's target, and its part
    along the track (the great circle from the plan's module separation to the target; + long)."""
    fixed = to_fixed(out.r_touchdown.T, out.t_touchdown)
    fixed /= np.linalg.norm(fixed, axis=0)
    target = guidance.target_fixed
    h = planned.history
    k = np.flatnonzero(h["phase"] == ENTRY)[0]
    start = to_fixed(h["Y"][k, :3][:, None], h["t"][k:k + 1])[:, 0]
    normal = np.cross(start, target)
    normal /= np.linalg.norm(normal)
    along = R_EARTH_MEAN_M * (np.arctan2(np.cross(start, fixed.T) @ normal, fixed.T @ start)
                              - np.arctan2(np.cross(start, target) @ normal, start @ target)) / 1e3
    return R_EARTH_MEAN_M * np.arccos(np.clip(target @ fixed, -1.0, 1.0)) / 1e3, along


@pytest.fixture(scope="module")
def flown():
    """mode -> (miss km, along-track miss km, peak g) of descents under DENSITY_SCALES."""
    out = {}
    for mode in ("lifting", "predictor_corrector", "ballistic"):
        scn, Y0, planned, guidance = _planned(mode)
        n = DENSITY_SCALES.size
        o = integrate(np.repeat(Y0[None], n, axis=0), 0.0, soyuz.nominal_params(scn, n, density_scale=DENSITY_SCALES),
                      soyuz.sequence(scn), guidance)
        assert o.landed.all()
        out[mode] = (*_misses_km(o, planned, guidance), o.peak_g)
    return out


@pytest.fixture(scope="module")
def plan_pc():
    return _planned("predictor_corrector")


def test_undispersed_lands_on_the_target(flown):
    # as planned, it lands within 3 km of the target: the bank reversals leave the target up to
    # guidance.deadband_end (3 km) to the side; along the track it is within 1 km
    from orbital.runners import run_scenario

    s = run_scenario(sc.load("soyuz_nominal", ["burn.start=0 s", "guidance.mode=predictor_corrector"])).summary
    assert s["miss_distance_km"] < 3.0 and abs(s["miss_along_track_km"]) < 1.0
    assert s["guidance"] == "predictor_corrector"
    assert flown["predictor_corrector"][0][1] < 3.0 and abs(flown["predictor_corrector"][1][1]) < 1.0


def test_dispersed_density_lands_closer_than_the_range_law_and_far_closer_than_ballistic(flown):
    # measured: predictor-corrector 5.2 / 2.6 km at 0.8 / 1.2 density (along the track 0.1 / 0.3 km:
    # the rest is the bank reversals' cross-track), the range law 18 / 15 km (along: -18 / +13 km),
    # ballistic 305 / 432 km short (TMA-1 in 2003 landed some 460 km short: REFERENCES.md)
    pc, law, ballistic = (flown[m][0] for m in ("predictor_corrector", "lifting", "ballistic"))
    assert np.all(pc < ballistic) and np.all(pc <= law)
    # along the track within 2 km: the guidance predicts to the parachute command's set altitude,
    # but the barometric switch trips higher in denser air (11.7 km at 1.16), and the canopies' longer
    # drift from there is not in the prediction (measured -0.3, 0.0, -1.5 km at 0.8, 1.0, 1.2)
    assert np.all(np.abs(flown["predictor_corrector"][1]) < 2.0)


def test_peak_load_stays_in_the_guided_band(flown):
    # Soyuz MS-11 peaked at 4 to 5 g guided; the ballistic TMA-1 at about 8 g (REFERENCES.md).
    # Thinner air makes the predictor-corrector fly less lift up, steeper: 5.4 g at 0.8 (4.2 g at 1.2).
    pc_g, ballistic_g = flown["predictor_corrector"][2], flown["ballistic"][2]
    assert np.all(pc_g < 6.0) and np.all(pc_g < ballistic_g - 2.0)
    assert 4.0 <= pc_g[1] <= 5.0


def _entry_states(planned):
    h = planned.history
    entry = h["phase"] == ENTRY
    return h["t"][entry], h["Y"][entry]


def test_the_prediction_from_the_plan_ends_where_the_plan_commands_its_parachutes(plan_pc):
    # the predictor flies the plan's own forces in coarse steps: from any point of the plan, at
    # the plan's lift, it ends within 1 km of the plan's own range-to-go at the parachute command
    scn, _, planned, g = plan_pc
    t, Y = _entry_states(planned)
    K = kernel_constants(Sequence(), g)
    for k in np.linspace(0, len(t) - 40, 6).astype(int):
        predicted = predict(t[k], *Y[k], g.c0, g.model, 0, K, g.predictor_step_s, g.stop_altitude_m, g.target_fixed)
        assert predicted == pytest.approx(g.table_range_m[0], abs=1.0e3)


def test_the_sensed_load_tells_the_guidance_how_dense_the_air_is(plan_pc):
    # air 20 % denser than the onboard model's: the accelerometers read 1.2 times its load wherever
    # there is enough air to tell (over MIN_SENSED_G), and the guidance scales its air by that
    scn, _, planned, g = plan_pc
    t, Y = _entry_states(planned)
    factor = g.air_factor(t, np.ascontiguousarray(Y.T), soyuz.nominal_params(scn, len(t), density_scale=1.2))
    felt = np.flatnonzero(factor != 1.0)
    assert felt.size and np.allclose(factor[felt[0]:], 1.2, rtol=1e-9, atol=0.0)  # from then on to the parachutes


@pytest.mark.parametrize("target_shift_km, sign", [(50.0, 1.0), (-50.0, -1.0)])
def test_a_farther_target_asks_for_more_lift_up(plan_pc, target_shift_km, sign):
    scn, _, planned, g = plan_pc
    t, Y = _entry_states(planned)
    k = int(np.argmin(np.abs(np.linalg.norm(Y[:, 3:], axis=1) - 5000.0)))  # flying at about 5 km/s
    state = Y[k][:, None]
    # the target moved along the track: rotate it about the plan's orbit normal in the Earth-fixed frame
    r, v = to_fixed(state[:3], t[k:k + 1])[:, 0], state[3:, 0]
    axis = np.cross(r, v)
    axis /= np.linalg.norm(axis)
    a = target_shift_km * 1e3 / R_EARTH_MEAN_M
    tg = g.target_fixed
    moved = tg * math.cos(a) + np.cross(axis, tg) * math.sin(a) + axis * (axis @ tg) * (1 - math.cos(a))
    c_same, _ = g.command(t[k:k + 1], state, np.array([g.c0]), np.array([1.0]))
    c_moved, _ = replace(g, target_fixed=moved).command(t[k:k + 1], state, np.array([g.c0]), np.array([1.0]))
    assert abs(c_same[0] - g.c0) < 0.03  # on the plan: the plan's lift
    assert sign * (c_moved[0] - g.c0) > 0.05


@settings(max_examples=25, deadline=None)
@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.sampled_from([-1.0, 0.0, 1.0]), st.floats(0.5, 20.0))
def test_commands_stay_a_bank_between_0_and_90_deg_and_change_by_a_bounded_step(plan_pc, where, c_prev, side, step_s):
    # any point of the entry, any held command, any predictor step the schema allows (0.5 to 20 s)
    _, _, planned, g = plan_pc
    t, Y = _entry_states(planned)
    k = int(where * (len(t) - 1))
    c, new_side = replace(g, predictor_step_s=step_s).command(t[k:k + 1], Y[k][:, None], np.array([c_prev]), np.array([side]))
    bank_deg = math.degrees(math.acos(c[0]))
    assert 0.0 <= bank_deg <= 90.0 and abs(new_side[0]) == 1.0  # the plan's 68 deg flies lift up: never below horizontal
    assert abs(c[0] - c_prev) <= MAX_CHANGE_PER_CYCLE + 1e-12 or c[0] == g.c0  # above start_speed: the plan's


@pytest.mark.parametrize("bank", ["120 deg", "180 deg"])
def test_a_plan_flown_lift_down_is_flown_as_planned(bank):
    # the plan banks past 90 deg (lift down): the corrector may go as low as the plan's bank and
    # lands on its target; bank commands stay within 0 to 180 deg
    from orbital.runners import run_scenario

    s = run_scenario(sc.load("soyuz_nominal", ["burn.start=0 s", "guidance.mode=predictor_corrector", f"guidance.bank_angle={bank}"])).summary
    # measured at 120 deg: 1.8 km along track from soyuz_nominal's orbit (MS-11's day; 1.3 km from
    # the synthetic orbit 8 km higher before it); lift down leaves the corrector little room
    assert abs(s["miss_along_track_km"]) < 2.5


@pytest.mark.parametrize(
    "setting, fragments",
    [
        ("guidance.mode=predictive", ["guidance.mode = 'predictive'", "'predictor_corrector'"]),
        ("guidance.predictor_step=0.1 s", ["guidance.predictor_step = '0.1 s'", ">= 0.5 s and <= 20 s"]),
        ("guidance.predictor_step=1 min", ["guidance.predictor_step = '1 min'", ">= 0.5 s and <= 20 s"]),
    ],
)
def test_bad_settings_are_refused_naming_field_value_and_expectation(issim, setting, fragments):
    done = issim("validate", "soyuz_nominal", "--set", setting)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert all(f in done.stderr for f in fragments), done.stderr


@pytest.mark.slow
@pytest.mark.physics
def test_fast_path_and_poliastro_cowell_agree_under_the_predictor_corrector():
    # the batch integrator (RK4, fixed steps) against the poliastro Cowell reference path (DOP853,
    # rtol 1e-11), both calling the guidance at the same cycles, in air 30 % thinner than the plan's
    # (the sensed-load scaling at work): landing points within 10 m (measured 0.4 m)
    from orbital.propagation.descent_reference import integrate_reference

    scn, Y0, _, guidance = _planned("predictor_corrector")
    params, seq = soyuz.nominal_params(scn, density_scale=0.7), soyuz.sequence(scn)
    fast = integrate(Y0[None], 0.0, params, seq, guidance)
    ref = integrate_reference(Y0, 0.0, params, seq, guidance)
    assert np.linalg.norm(fast.r_touchdown[0] - ref.r_touchdown[0]) < 10.0
    assert abs(fast.t_touchdown[0] - ref.t_touchdown[0]) < 0.1
