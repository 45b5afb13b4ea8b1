"""The batch integrator's step law (batch_integrator.STEP_S) against steps four times shorter.

The same dispersed descents of soyuz_footprint (seed 0, flown from the end of the shared coast with
the plan's guidance) twice: with the fixed steps and with every step a quarter as long. Landing
points compared on the ground (each touchdown turned back by the Earth's rotation at its time).
Measured on 1,000 samples with the law of 2026-12-04 (20 s coast, 10 s in the burn and in the entry
above the entry interface, where the guidance starts, 2 s below it, 1 s canopies, 30 s under the
settled main): lifting median 0.57 m, 99th percentile 0.78 m, but 1 in 1,000 moved 0.76 km with as
many bank reversals as before (the target on the deadband's edge: a reversal at another 2-s cycle, a
decision rather than an integration error); predictor-corrector median 0.54 m, 95th percentile 3.3 m,
8 in 1,000 moved 0.13 to 6.2 km; ballistic median 3.7 m, at most 5.6 m; touchdown times within 0.03 s
(the predictor-corrector's outliers 9 s).
"""

import numpy as np
import pytest

from orbital.earth.constants import OMEGA_EARTH_RAD_S
from orbital.io import scenario as sc
from orbital.kinds.reentry_footprint import draw_params, shared_start
from orbital.models import soyuz
from orbital.propagation.batch_integrator import coast, integrate
from orbital.schema import initial_state

N_SAMPLES = 100


def _ground_points(outcome):
    """Touchdown points (N, 3) in the frame that turns with the Earth (m)."""
    a = -OMEGA_EARTH_RAD_S * outcome.t_touchdown
    r = outcome.r_touchdown
    return np.stack([np.cos(a) * r[:, 0] - np.sin(a) * r[:, 1], np.sin(a) * r[:, 0] + np.cos(a) * r[:, 1], r[:, 2]], axis=1)


def _landings_twice(mode):
    scn = sc.load("soyuz_footprint", [f"n_samples={N_SAMPLES}", "progress=false", f"guidance.mode={mode}"])
    start, params, seq = shared_start(scn), draw_params(scn, range(N_SAMPLES)), soyuz.sequence(scn)
    Ys = np.repeat(start.state[None, :], N_SAMPLES, axis=0)
    return [integrate(Ys, start.t_s, params, seq, start.guidance, step_scale=scale) for scale in (1.0, 0.25)]


@pytest.mark.physics
@pytest.mark.parametrize("mode, median_m, p95_m, max_m", [("lifting", 2.0, 5.0, 2000.0), ("ballistic", 8.0, 10.0, 15.0)])
def test_landings_move_by_metres_against_steps_four_times_shorter(mode, median_m, p95_m, max_m):
    fixed, short = _landings_twice(mode)
    assert fixed.landed.all() and short.landed.all()
    moved = np.linalg.norm(_ground_points(fixed) - _ground_points(short), axis=1)
    assert np.median(moved) < median_m
    assert np.percentile(moved, 95) < p95_m
    assert moved.max() < max_m  # lifting: a bank reversal a cycle apart moves a landing by up to some 1.3 km
    assert np.max(np.abs(fixed.t_touchdown - short.t_touchdown)) < 0.1  # s
    assert np.max(np.abs(fixed.v_touchdown - short.v_touchdown)) < 0.01  # m/s
    assert np.max(np.abs(fixed.peak_g - short.peak_g)) < 0.05  # g


def test_the_shared_coast_ends_on_the_batch_integrators_own_coast():
    # the compiled coast is the integrator's arithmetic before the burn: coasting to t then
    # integrating on gives the descent integrated from the start (to rounding)
    scn = sc.load("soyuz_nominal", ["guidance.mode=ballistic"])
    _, r0, v0 = initial_state(scn.station)
    Y0 = np.concatenate([r0, v0])
    params, seq, guidance = soyuz.nominal_params(scn), soyuz.sequence(scn), soyuz.open_loop_guidance(scn)
    whole = integrate(Y0[None], 0.0, params, seq, guidance)
    t_c = scn.burn.start - 5.0
    Yc = coast(Y0[None], 0.0, t_c, params, seq)
    split = integrate(Yc, t_c, params, seq, guidance)
    assert np.linalg.norm(_ground_points(whole) - _ground_points(split)) < 1.0  # m
    assert abs(whole.t_touchdown[0] - split.t_touchdown[0]) < 0.01  # s


@pytest.mark.physics
@pytest.mark.parametrize("entry_interface_km", [100.0, 60.0, 30.0])
def test_the_entry_above_the_interface_keeps_its_accuracy_wherever_the_interface_is_set(entry_interface_km):
    # Above the entry interface the entry steps 10 s while drag damps the air speed by under 2 % a
    # step (batch_integrator.THIN_AIR_DAMPING); an interface set low, in air that acts, must not let
    # those steps into it: one guided descent lands within metres of itself with steps 4x shorter.
    scn = sc.load("soyuz_nominal", [f"module.entry_interface_altitude={entry_interface_km} km"])
    _, r0, v0 = initial_state(scn.station)
    Y0 = np.concatenate([r0, v0])
    _, guidance = soyuz.plan(scn, Y0)
    params, seq = soyuz.nominal_params(scn), soyuz.sequence(scn)
    fixed, short = (integrate(Y0[None], 0.0, params, seq, guidance, step_scale=scale, interpret=False) for scale in (1.0, 0.25))
    assert fixed.landed[0] and short.landed[0]
    assert np.linalg.norm(_ground_points(fixed) - _ground_points(short)) < 10.0  # m
    assert abs(fixed.events["entry_interface"]["alt"][0] - entry_interface_km * 1e3) < 1e-3  # m: located, the guidance starts there
