"""The long-term decay method (orbital/propagation/decay.py) against direct integration and published figures."""

import math

import numpy as np
import pytest

from orbital.earth.constants import DAY_S
from orbital.propagation.decay import (
    MeanElements,
    j2_secular_rates,
    mean_element_rates,
    mean_to_osculating,
    osculating_to_mean,
    propagate_mean,
)
from orbital.dynamics.forces import OrbitForces
from orbital.propagation.propagate import propagate_orbit
from orbital.schema import StationSpec
from orbital.schema import initial_state

ISS_BALLISTIC_KG_M2 = 420000.0 / (2.2 * 1600.0)  # REFERENCES.md: ~420 t, Cd 2.2; the area used by iss_orbit


def _state(altitude_km, inclination_deg=51.64, eccentricity=0.0005):
    spec = StationSpec(altitude=f"{altitude_km} km", inclination=f"{inclination_deg} deg", eccentricity=eccentricity)
    return initial_state(spec)[1:]


def _forces(ballistic_kg_m2, drag=True):
    return OrbitForces(j2=True, drag=drag, cd_area_over_mass_m2_kg=1.0 / ballistic_kg_m2)


def test_mean_and_osculating_round_trip():
    r0, v0 = _state(420.0)
    r, v = mean_to_osculating(osculating_to_mean(r0, v0))
    assert np.linalg.norm(r - r0) < 1e-3  # m
    assert np.linalg.norm(v - v0) < 1e-6  # m/s


def test_mean_elements_are_steady_along_a_j2_orbit():
    """Converted at every point of one J2-only orbit, the mean a barely moves
    (the osculating a swings by about +-7 km): the short-period terms are right."""
    r0, v0 = _state(420.0)
    grid = np.arange(0.0, 5600.0, 60.0)
    _, states, _ = propagate_orbit(r0, v0, grid, _forces(1.0, drag=False), "dop853", 1e-11)
    a_mean = np.array([osculating_to_mean(s[:3], s[3:]).a_m for s in states])
    from orbital.earth.elements import rv_to_classical

    a_osc = rv_to_classical(states[:, :3], states[:, 3:]).a_m
    assert np.ptp(a_osc) > 8e3
    assert np.ptp(a_mean) < 40.0  # m


@pytest.mark.physics
def test_j2_nodal_regression_matches_the_reference_formula():
    # REFERENCES.md: dRAAN/dt = -1.5 n J2 (Re/a)^2 cos i / (1 - e^2)^2; the ISS's is about -5 deg/day
    raan_dot, _, _ = j2_secular_rates(6797.8e3, 0.0005, math.radians(51.64))
    assert math.degrees(raan_dot) * DAY_S == pytest.approx(-4.96, abs=0.05)


@pytest.mark.physics
@pytest.mark.parametrize("altitude_km", [400.0, 420.0])
def test_decay_rate_at_iss_altitude_is_in_the_observed_band(altitude_km):
    # REFERENCES.md (the station): observed decay roughly 50 to 100 m/day at 330 to 420 km
    r0, v0 = _state(altitude_km)
    rate_m_day = -mean_element_rates(osculating_to_mean(r0, v0), _forces(ISS_BALLISTIC_KG_M2))[0] * DAY_S
    assert 50.0 <= rate_m_day <= 100.0


def _mean_a_over_first_and_last_orbit(t_s, states, period_s):
    def mean_a(mask):
        return np.mean([osculating_to_mean(s[:3], s[3:]).a_m for s in states[mask]])

    return mean_a(t_s < period_s), mean_a(t_s > t_s[-1] - period_s)


@pytest.mark.physics
@pytest.mark.slow
@pytest.mark.parametrize(
    "altitude_km, days, ballistic",
    [(420.0, 3.0, ISS_BALLISTIC_KG_M2), (250.0, 2.0, 270.0)],  # the station; a Soyuz-like body lower down
)
def test_long_term_method_agrees_with_direct_integration(altitude_km, days, ballistic):
    """Decay of the mean semi-major axis over days: orbit-averaged vs the full dynamics
    (J2 + drag, DOP853). Measured: 0.04 % (420 km, 3 d, 203 m) and 0.03 % (250 km, 2 d, 1.86 km)."""
    r0, v0 = _state(altitude_km)
    forces = _forces(ballistic)
    mean0 = osculating_to_mean(r0, v0)
    span_s = days * DAY_S
    history = propagate_mean(mean0, forces, span_s, 0.0)
    t_s, states, _ = propagate_orbit(r0, v0, np.arange(0.0, span_s + 1.0, 60.0), forces, "dop853", 1e-10)
    period_s = 2.0 * math.pi * math.sqrt(mean0.a_m**3 / 3.986004418e14)
    a_start, a_end = _mean_a_over_first_and_last_orbit(t_s, states, period_s)
    direct_m = a_end - a_start
    averaged_m = float(np.diff(history.dense(np.array([period_s / 2.0, span_s - period_s / 2.0]))[0])[0])
    assert direct_m < -100.0
    assert averaged_m == pytest.approx(direct_m, rel=0.01)  # within 1 % of the decay
    # and the object is where the direct integration puts it, to a few km after days
    r_end, _ = mean_to_osculating(MeanElements.from_vector(history.dense(span_s)))
    assert np.linalg.norm(r_end - states[-1, :3]) < 5e3


@pytest.mark.physics
def test_decay_rate_scales_with_the_inverse_ballistic_coefficient():
    # da/dt = -sqrt(mu a) rho Cd A / m (circular orbit): twice m/(Cd A), half the rate
    mean0 = osculating_to_mean(*_state(350.0))
    light = mean_element_rates(mean0, _forces(100.0))[0]
    heavy = mean_element_rates(mean0, _forces(200.0))[0]
    assert light / heavy == pytest.approx(2.0, rel=1e-9)


@pytest.mark.physics
def test_circular_decay_rate_matches_the_textbook_formula():
    """da/dt = -rho sqrt(mu r) Cd A / m for a circular orbit in still air (Vallado, drag
    decay of a circular orbit); air turning with the Earth under an equatorial orbit scales
    it by (1 - omega r / v)^2, about 0.87."""
    from orbital.dynamics.atmosphere import density_kg_m3

    circular = MeanElements(6778.137e3, 0.0, 0.0, 0.0, 0.0, 0.0)  # mean e = 0: circular in the J2 field too
    r0, v0 = mean_to_osculating(circular)
    rate = mean_element_rates(circular, OrbitForces(j2=True, drag=True, cd_area_over_mass_m2_kg=0.01))[0]
    radius, speed = float(np.linalg.norm(r0)), float(np.linalg.norm(v0))
    expected = -density_kg_m3(radius - 6378137.0) * math.sqrt(3.986004418e14 * radius) * 0.01
    corotation = (1.0 - 7.292115e-5 * radius / speed) ** 2
    assert rate == pytest.approx(expected * corotation, rel=0.01)
