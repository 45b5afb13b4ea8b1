"""Parity: the batch integrator (fast path) against poliastro's Cowell (reference path).

The same descent, the same forces (orbital.dynamics.entry_dynamics.derivatives), the same
event logic and guidance cycles; landing points must agree to metres (measured:
0.3 m nominal, 0.4 m ballistic).
"""

import numpy as np
import pytest

from orbital.io import scenario as sc
from orbital.models import soyuz as R
from orbital.propagation.batch_integrator import integrate
from orbital.propagation.descent_reference import integrate_reference
from orbital.schema import initial_state


def _planned(name, overrides):
    """A bundled scenario's start state, planned guidance, parameters and sequence (undispersed)."""
    scn = sc.load(name, overrides)
    _, r0, v0 = initial_state(scn.station)
    Y0 = np.concatenate([r0, v0])
    _, guidance = R.plan(scn, Y0)
    return Y0, guidance, R.nominal_params(scn), R.sequence(scn)


def _fast_and_reference(name, overrides):
    """One undispersed descent by the batch integrator and by the poliastro-Cowell path."""
    Y0, guidance, params, seq = _planned(name, overrides)
    fast = integrate(Y0[None], 0.0, params, seq, guidance)
    ref = integrate_reference(Y0, 0.0, params, seq, guidance)
    return fast, ref


@pytest.mark.physics
@pytest.mark.parametrize("name, tolerance_m", [("soyuz_nominal", 5.0), ("soyuz_ballistic", 5.0)])
def test_fast_path_matches_poliastro_cowell(name, tolerance_m):
    # burn right after undocking keeps the test short; the coast is tested below
    fast, ref = _fast_and_reference(name, ["burn.start=0 s"])
    assert np.linalg.norm(fast.r_touchdown[0] - ref.r_touchdown[0]) < tolerance_m
    assert fast.bank_reversals[0] == ref.bank_reversals[0]  # the same guidance cycles, the same decisions
    for name_ in ("separation", "entry_interface", "parachute", "touchdown"):
        assert abs(fast.events[name_]["t"][0] - ref.events[name_]["t"][0]) < 0.05  # s
    assert abs(fast.events["main_canopy"]["alt"][0] - ref.events["main_canopy"]["alt"][0]) < 1.0  # m


@pytest.mark.physics
def test_impulsive_burn_and_coast_parity():
    fast, ref = _fast_and_reference("soyuz_ballistic", ["burn.start=30 min", "burn.duration=0 s"])
    assert abs(fast.events["burn_start"]["alt"][0] - ref.events["burn_start"]["alt"][0]) < 0.1  # m
    assert np.linalg.norm(fast.r_touchdown[0] - ref.r_touchdown[0]) < 10.0


@pytest.mark.physics
@pytest.mark.parametrize("command_m, under", [(500.0, "drogue"), (2500.0, "main")])
def test_touchdown_under_an_unsettled_canopy_in_both_paths(command_m, under):
    # A parachute command too low for the canopies to settle (the plan itself refuses it; the
    # sequence is set here directly): both paths end the flight on the WGS84 ellipsoid, at the
    # speed the module has there, and start no later phase.
    from dataclasses import replace

    from orbital.dynamics.entry_dynamics import altitude_m
    from orbital.models.soyuz import touchdown_phase

    scn = sc.load("soyuz_nominal", ["burn.start=0 s"])
    _, r0, v0 = initial_state(scn.station)
    Y0 = np.concatenate([r0, v0])
    _, guidance = R.plan(scn, Y0)
    params, seq = R.nominal_params(scn), replace(R.sequence(scn), parachute_altitude_m=command_m)
    fast = integrate(Y0[None], 0.0, params, seq, guidance)
    ref = integrate_reference(Y0, 0.0, params, seq, guidance)
    for out in (fast, ref):
        assert out.landed[0] and touchdown_phase(out) == under
        assert abs(float(altitude_m(*out.r_touchdown[0]))) < 1e-3  # m: on the ellipsoid, not under it
        assert np.isnan(out.events["soft_landing"]["t"][0]) and np.isnan(out.events["main_settled"]["t"][0])
        assert out.v_touchdown[0] > 20.0  # m/s: an impact, not the engines' 1.5 m/s
    assert abs(fast.t_touchdown[0] - ref.t_touchdown[0]) < 0.05  # s
    assert abs(fast.v_touchdown[0] - ref.v_touchdown[0]) < 0.1  # m/s
    assert np.linalg.norm(fast.r_touchdown[0] - ref.r_touchdown[0]) < 5.0  # m


@pytest.mark.physics
@pytest.mark.parametrize("name, overrides", [("soyuz_nominal", []), ("soyuz_ballistic", []),
                                             ("soyuz_ballistic", ["burn.start=30 min", "burn.duration=0 s"])])
def test_one_descent_flies_interpreted_as_compiled(name, overrides):
    # One descent under a table law flies through the kernels' pure-Python twins in a process's first
    # runs (nothing to compile on a first run), compiled later: the same answer, and a batch's sample
    # flies as if alone. The same IEEE arithmetic but for the transcendental functions: numpy's sin and
    # cos (its own SIMD code, which differs between numpy versions) and the compiled code's libm may
    # round in the last bit otherwise, which the ballistic spin's bank angle meets (measured with numpy
    # 1.26 on Python 3.10: soyuz_ballistic 3.2e-9 m/s apart at touchdown; with numpy 2 bit for bit).
    from orbital.propagation.batch_integrator import runs_interpreted

    Y0, guidance, params, seq = _planned(name, overrides)
    assert runs_interpreted(1, guidance) and not runs_interpreted(2, guidance)
    alone = integrate(Y0[None], 0.0, params, seq, guidance, record=True, interpret=True)
    pair = integrate(np.stack([Y0, Y0]), 0.0, params.subset(np.array([0, 0])), seq, guidance, record=True)
    compiled = integrate(Y0[None], 0.0, params, seq, guidance, record=True, interpret=False)
    assert np.array_equal(compiled.r_touchdown, pair.r_touchdown[:1])
    assert alone.landed[0] and pair.landed[0]
    assert np.linalg.norm(alone.r_touchdown[0] - pair.r_touchdown[0]) < 1e-3  # m
    assert alone.history["Y"].shape == pair.history["Y"].shape
    assert np.abs(alone.history["Y"][:, :3] - pair.history["Y"][:, :3]).max() < 1e-3  # m, every step
    assert alone.bank_reversals[0] == pair.bank_reversals[0]
    for event in ("separation", "entry_interface", "parachute", "touchdown"):
        assert abs(alone.events[event]["t"][0] - pair.events[event]["t"][0]) < 1e-6  # s
    assert abs(alone.peak_g[0] - pair.peak_g[0]) < 1e-9 and abs(alone.v_touchdown[0] - pair.v_touchdown[0]) < 1e-6  # g, m/s
