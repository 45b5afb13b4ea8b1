"""The component-row force model of the Soyuz descent (orbital/dynamics/entry_dynamics.py) against the
(..., 3)-array models the station uses (orbital/dynamics/gravity.py, orbital/dynamics/forces.py, orbital/dynamics/atmosphere.py)."""

import numpy as np
import pytest

from orbital.dynamics import entry_dynamics as ed
from orbital.dynamics.atmosphere import density_kg_m3
from orbital.dynamics.forces import air_velocity_m_s
from orbital.dynamics.kernels import air_density_array
from orbital.dynamics.gravity import gravity_acceleration


def test_density_table_matches_us76_model():
    # the entry's table lookup against the US76 model (itself tested against REFERENCES.md)
    h = np.concatenate([np.linspace(-100.0, 1000.0e3, 200_001), [11.0e3, 20.0e3, 86.0e3, 1200.0e3]])
    assert np.max(np.abs(air_density_array(h, 1.0) / density_kg_m3(h) - 1.0)) < 1e-4
    assert air_density_array(np.array([50.0e3]), 1.3)[0] == pytest.approx(1.3 * density_kg_m3(50.0e3), rel=1e-4)


def test_gravity_and_air_velocity_match_the_vector_models():
    rng = np.random.default_rng(3)
    r = rng.normal(size=(50, 3))
    r *= (6.5e6 + 1e5 * rng.random(50))[:, None] / np.linalg.norm(r, axis=1)[:, None]
    v = 7.5e3 * rng.normal(size=(50, 3))
    g = np.stack(ed.gravity(*r.T), axis=1)
    assert np.allclose(g, gravity_acceleration(r, include_j2=True), rtol=1e-12, atol=0.0)
    u = np.stack(ed.air_velocity(r[:, 0], r[:, 1], *v.T), axis=1)
    assert np.allclose(u, air_velocity_m_s(r, v), rtol=0.0, atol=1e-9)


def test_compiled_altitude_is_the_station_models():
    # also catches a stale numba cache after orbital/dynamics/forces.py changed (see orbital/dynamics/entry_dynamics.py)
    from orbital.earth.geodesy import ellipsoid_height_along_radius_m

    from orbital.dynamics.kernels import altitude_m

    rng = np.random.default_rng(5)
    r = rng.normal(size=(3, 100)) * 4.0e6
    # the compiled kernel, one position at a time as the descent's kernels call it
    assert np.array_equal([altitude_m(*p) for p in r.T], ellipsoid_height_along_radius_m(*r))


def test_lift_is_perpendicular_to_the_air_velocity():
    # a module in the entry, lift split up/left by the command: drag along -v_rel, lift across it
    from orbital.models.guidance import Guidance
    from orbital.models.soyuz import nominal_params
    from orbital.io import scenario as sc

    scn = sc.validate({"kind": "reentry"}, default_name="t")
    p = nominal_params(scn, 2)
    Y = np.array([[6.43e6, 6.43e6], [0.0, 0.0], [0.0, 0.0], [-50.0, -50.0], [7.0e3, 7.0e3], [0.0, 0.0]])
    phase, t = np.full(2, ed.ENTRY), np.zeros(2)
    guidance = Guidance(mode="lifting", c0=0.4)
    seq = ed.Sequence()
    no_lift = ed.derivatives(t, Y, phase, t, ed.SampleParams(**{**vars(p), "lift_to_drag": np.zeros(2)}), seq, guidance)
    lifted = ed.derivatives(t, Y, phase, t, p, seq, guidance, command=(np.array([0.4, 0.4]), np.array([1.0, -1.0])))
    lift = (lifted - no_lift)[3:].T
    u = np.stack(ed.air_velocity(Y[0], Y[1], Y[3], Y[4], Y[5]), axis=1)
    drag = -no_lift[3:].T + np.stack(ed.gravity(Y[0], Y[1], Y[2]), axis=1)
    assert np.allclose(np.sum(lift * u, axis=1), 0.0, atol=1e-9 * np.linalg.norm(u))
    assert np.allclose(np.linalg.norm(lift, axis=1), 0.3 * np.linalg.norm(drag, axis=1), rtol=1e-9)
    # the two sides mirror each other; "up" is 0.4 of the lift, radially outward
    assert lift[0, 0] == pytest.approx(lift[1, 0]) and lift[0, 2] == pytest.approx(-lift[1, 2])
    assert lift[0, 0] == pytest.approx(0.4 * np.linalg.norm(lift[0]), rel=1e-3)
    assert lift[0, 2] > 0.0  # left of an eastward flight over (lat 0, lon 0) is north (+z)


def test_compile_note_only_when_nothing_is_cached(monkeypatch):
    import os

    assert ed.advance.dispatcher  # numba's dispatcher, made on first need, finds its cache folder
    monkeypatch.setattr(os.path, "exists", lambda path: False)
    assert "compiling" in ed.compile_note()
    monkeypatch.setattr(os.path, "exists", lambda path: True)
    assert ed.compile_note() is None
