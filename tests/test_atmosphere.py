"""orbital.dynamics.atmosphere against published US76 densities and poliastro/boinor's COESA76."""

import math

import numpy as np
import pytest

from orbital.dynamics.atmosphere import Z_TOP_M, density_kg_m3, scale_height_m

# U.S. Standard Atmosphere 1976, NOAA-S/T 76-1562, Table I; also ../shared/REFERENCES.md.
# (geometric altitude km, density kg/m^3)
US76_TABLE_I = [
    (0.0, 1.225),
    (10.0, 0.41351),
    (50.0, 1.0269e-3),
    (86.0, 6.958e-6),
    (100.0, 5.604e-7),
    (150.0, 2.076e-9),
    (200.0, 2.541e-10),
    (300.0, 1.916e-11),
    (400.0, 2.803e-12),
    (500.0, 5.215e-13),
    (1000.0, 3.561e-15),
]


@pytest.mark.parametrize("altitude_km, rho_kg_m3", US76_TABLE_I)
def test_published_us76_densities(altitude_km, rho_kg_m3):
    assert density_kg_m3(altitude_km * 1e3) == pytest.approx(rho_kg_m3, rel=0.005)


def _reference_altitudes_m():
    """~500 altitudes over 0-1000 km: random, plus both sides of every joint of the
    reference's layers and polynomial fits, where disagreement is likeliest."""
    joints_km = [11.019, 20.063, 32.162, 47.35, 51.413, 71.802, 86, 91, 100, 110, 120, 150, 200, 300, 500, 750]
    near_joints = np.array(joints_km)[:, None] * 1e3 + np.array([-500.0, -1e-3, 1e-3, 500.0])
    random = np.random.default_rng(1976).uniform(0.0, Z_TOP_M, 436)
    return np.concatenate([random, near_joints.ravel(), [0.0, Z_TOP_M]])


@pytest.mark.physics
def test_agrees_with_poliastro_coesa76_within_1_percent():
    from orbital.propagation.astro import coesa76_density

    z = _reference_altitudes_m()
    np.testing.assert_allclose(density_kg_m3(z), coesa76_density(z), rtol=0.01)


@pytest.mark.physics
def test_scale_height_matches_poliastro_coesa76_slope():
    """Within 5 % of the reference's own d ln(rho)/dz (3.1 % worst, measured every 100 m,
    next to the 500 km joint of its fits), away from the steps at lapse-rate changes and
    from 86-87 km, where the reference's fit leaves the standard's isothermal slope."""
    from orbital.propagation.astro import coesa76_density

    z = np.random.default_rng(76).uniform(1e3, 999e3, 200)
    steps_km = [11.019, 20.063, 32.162, 47.35, 51.413, 71.802]
    z = z[(np.abs(z[:, None] - np.array(steps_km) * 1e3).min(axis=1) > 10.0) & ((z < 86e3) | (z > 87e3))]
    dz = 1.0
    reference = -2.0 * dz / (np.log(coesa76_density(z + dz)) - np.log(coesa76_density(z - dz)))
    np.testing.assert_allclose(scale_height_m(z), reference, rtol=0.05)


def test_scalar_path_matches_array_path():
    z = np.concatenate([np.linspace(-1e3, 1.2e6, 997), [86e3, Z_TOP_M, np.nan]])
    scalars = [density_kg_m3(float(x)) for x in z]
    np.testing.assert_allclose(scalars, density_kg_m3(z), rtol=1e-13)


def test_density_decreases_monotonically_and_continuously():
    z = np.linspace(0.0, 1.1e6, 1_100_001)  # every metre
    rho = density_kg_m3(z)
    ratio = rho[1:] / rho[:-1]
    assert np.all(ratio < 1.0)
    assert ratio.min() > 1.0 - 1e-3  # no step bigger than 1 m of descent through the layers


def test_scale_height_is_positive_and_sea_level_value():
    z = np.linspace(0.0, 1.1e6, 10_001)
    assert np.all(scale_height_m(z) > 0.0)
    # troposphere at sea level: H = T0 / (g0 M0 / R* + L0), with L0 = -6.5 K/km
    assert scale_height_m(0.0) == pytest.approx(288.15 / (9.80665 * 28.9644 / 8314.32 - 0.0065), rel=1e-9)


def test_shapes_and_types():
    rho = density_kg_m3(400e3)
    assert isinstance(rho, float)
    assert isinstance(density_kg_m3(400_000), float)
    assert isinstance(density_kg_m3(np.float64(400e3)), float)
    assert np.shape(density_kg_m3(np.array(400e3))) == ()
    grid = np.linspace(0.0, 1e6, 12).reshape(3, 4)
    for func in (density_kg_m3, scale_height_m):
        out = func(grid)
        assert out.shape == (3, 4) and out.dtype == np.float64
        np.testing.assert_array_equal(out.ravel(), func(grid.ravel()))
        assert func(np.empty((0, 2))).shape == (0, 2)
    assert isinstance(scale_height_m(400e3), float)
    big = np.linspace(0.0, 1e6, 50_001)  # more than one block of the array path
    np.testing.assert_array_equal(density_kg_m3(big)[-3:], density_kg_m3(big[-3:]))


def test_below_sea_level_clamps_to_sea_level():
    sea = density_kg_m3(0.0)
    assert density_kg_m3(-500.0) == sea
    np.testing.assert_array_equal(density_kg_m3(np.array([-1e4, -np.inf])), [sea, sea])
    assert scale_height_m(-500.0) == scale_height_m(0.0)


def test_above_1000_km_extrapolates_with_last_scale_height():
    top_rho, top_h = density_kg_m3(Z_TOP_M), scale_height_m(Z_TOP_M)
    z = Z_TOP_M + np.array([1.0, 5e4, 1e6])
    np.testing.assert_allclose(density_kg_m3(z), top_rho * np.exp(-(z - Z_TOP_M) / top_h), rtol=1e-12)
    np.testing.assert_allclose(scale_height_m(z), top_h, rtol=1e-12)
    assert density_kg_m3(math.inf) == 0.0


def test_nan_in_nan_out():
    assert math.isnan(density_kg_m3(math.nan))
    assert math.isnan(scale_height_m(math.nan))
    for func in (density_kg_m3, scale_height_m):
        out = func(np.array([[np.nan, 400e3], [2e6, np.nan]]))
        np.testing.assert_array_equal(np.isnan(out), [[True, False], [False, True]])
