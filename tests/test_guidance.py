"""The entry guidance's cycle logic (orbital/models/guidance.py): range sign, bank reversals, deadband."""

import numpy as np
import pytest

from orbital.earth.constants import R_EARTH_MEAN_M
from orbital.models.guidance import Guidance

R = 6478.0e3  # 100 km over the equator


def _state(speed, heading_north_deg=0.0):
    """Over (lat 0, lon 0) at t = 0, air speed ``speed`` flying east turned north by a heading angle."""
    a = np.radians(heading_north_deg)
    from orbital.earth.constants import OMEGA_EARTH_RAD_S

    # air velocity (0, speed cos a, speed sin a); inertial adds w x r = (0, w R, 0)
    return np.array([[R], [0.0], [0.0], [0.0], [speed * np.cos(a) + OMEGA_EARTH_RAD_S * R], [speed * np.sin(a)]])


def _guidance(target_lat_deg, target_lon_deg, **kw):
    la, lo = np.radians(target_lat_deg), np.radians(target_lon_deg)
    target = np.array([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])
    table = dict(table_speed_m_s=np.array([0.0, 8000.0]), table_range_m=np.array([0.0, 0.0]))
    return Guidance(mode="lifting", c0=0.4, gain_per_m=1.0 / 100.0e3, target_fixed=target, **table, **kw)


def _deg(km):
    return np.degrees(km * 1e3 / R_EARTH_MEAN_M)


def test_range_to_go_is_signed_past_the_target():
    # 20 km ahead: fly more lift up (longer); 20 km behind (overshot): less, not more
    ahead = _guidance(0.0, _deg(20.0)).command(np.zeros(1), _state(3000.0), np.array([0.4]), np.array([1.0]))[0]
    behind = _guidance(0.0, -_deg(20.0)).command(np.zeros(1), _state(3000.0), np.array([0.4]), np.array([1.0]))[0]
    assert ahead[0] == pytest.approx(0.4 + 0.2, abs=1e-3)
    assert behind[0] == pytest.approx(0.4 - 0.2, abs=1e-3)


@pytest.mark.parametrize(
    "target_north_km, side_before, speed, side_after",
    [
        (-10.0, 1.0, 3000.0, -1.0),  # target right, beyond the deadband: reverse to the right
        (-1.0, 1.0, 3000.0, 1.0),  # inside the deadband: keep the bank
        (10.0, 1.0, 3000.0, 1.0),  # already banked toward it
        (-10.0, 1.0, 500.0, 1.0),  # below end speed: the last bank is held
        (-1.0, 0.0, 3000.0, -1.0),  # first cycle: bank toward the target
    ],
)
def test_bank_reversal_logic(target_north_km, side_before, speed, side_after):
    # flying east, north is the left; the target 100 km ahead
    g = _guidance(_deg(target_north_km), _deg(100.0), deadband_start_m=40e3, deadband_end_m=3e3, v_end_m_s=600.0)
    c, side = g.command(np.zeros(1), _state(speed), np.array([0.4]), np.array([side_before]))
    assert side[0] == side_after
    s = g.lift_fractions(np.zeros(1), c, side)[1]
    assert c[0] ** 2 + s[0] ** 2 == pytest.approx(1.0)  # full lift: only its direction is controlled


def test_deadband_narrows_with_speed():
    g = _guidance(0.0, 1.0, deadband_start_m=40e3, deadband_end_m=3e3, v_end_m_s=600.0, v_start_m_s=7200.0)
    speeds = np.array([8000.0, 7200.0, 5000.0, 2000.0, 600.0, 300.0])
    band = g.deadband_m(speeds)
    assert band[0] == band[1] == 40e3 and band[-2] == band[-1] == 3e3
    assert np.all(np.diff(band) <= 0.0)


def test_the_reference_tables_interpolation_is_numpys_to_the_bit():
    # guidance.py writes np.interp out (numba's costs seconds of compiling): same values, ends and knots included
    from orbital.models.guidance import _interp

    rng = np.random.default_rng(1)
    for n in (1, 2, 7, 40):
        xp = np.unique(rng.normal(size=n) * 1000.0)
        fp = rng.normal(size=xp.size) * 1e5
        for x in np.concatenate([rng.normal(size=30) * 1500.0, xp, [np.inf, -np.inf]]):
            assert _interp(float(x), xp, fp) == np.interp(x, xp, fp)
