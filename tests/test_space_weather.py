"""``atmosphere.space_weather``: the shipped monthly F10.7/Ap table, NRLMSIS that follows it, the Sun."""

import numpy as np
import pytest

from orbital import errors
from orbital.dynamics.msis_profile import (
    ForecastDensity, global_mean_density_function, space_weather_at, space_weather_table,
)
from orbital.earth.constants import R_EARTH_EQ_M
from orbital.earth.sun import julian_date, sun_ra_dec_rad
from orbital.io import scenario as S


def test_the_table_runs_from_sputnik_to_the_forecast_months_without_a_gap():
    table = space_weather_table()
    assert str(table.months[0]) == "1957-10"
    assert str(table.months[-1]) >= "2041-01"
    assert np.all(np.diff(table.months).astype(int) == 1)
    # observed first, then predicted, and never back
    assert table.observed[0] and not table.observed[-1]
    assert np.all(np.diff(table.observed.astype(int)) <= 0)
    assert np.all((table.f107_sfu > 50.0) & (table.f107_sfu < 400.0)) and np.all(table.ap >= 0.0)


@pytest.mark.physics
def test_the_table_shows_the_solar_cycles_as_published():
    # NOAA SWPC's observed monthly F10.7 (observed-solar-cycle-indices): the deep minimum of
    # 2008-2009 stayed under 72 sfu; the cycle-24 maximum month, February 2014, passed 165 sfu;
    # October 1957 (cycle 19, the strongest on record) was about 270 sfu. Monthly means of the
    # same Penticton flux: 3 sfu covers observed against adjusted values and rounding.
    assert space_weather_at("2008-12-15")[0] < 72.0
    assert space_weather_at("2014-02-15")[0] > 165.0
    assert space_weather_at("1957-10-15")[0] > 250.0
    assert space_weather_at("2018-03-15")[3]  # observed
    assert not space_weather_at("2030-01-01")[3]  # NOAA's forecast


def test_a_month_outside_the_table_is_refused():
    with pytest.raises(ValueError, match="outside the space-weather table"):
        space_weather_at("1950-01-01")
    with pytest.raises(ValueError, match="before the space-weather table"):
        ForecastDensity("1957-09-30T00:00:00")


@pytest.mark.physics
@pytest.mark.parametrize(
    "instant, dec_deg",
    [
        # USNO/IMCCE: March equinox 2018-03-20 16:15 UTC (declination 0); June solstice 2018-06-21
        # 10:07 UTC (declination = obliquity of date, 23.4367 deg). The Almanac's low-precision
        # formulas hold 0.01 deg; the equinox time is given to the minute (0.0003 deg of declination).
        ("2018-03-20T16:15:00", 0.0),
        ("2018-06-21T10:07:00", 23.4367),
    ],
)
def test_sun_declination_at_an_equinox_and_a_solstice(instant, dec_deg):
    _, dec = sun_ra_dec_rad(julian_date(instant))
    assert np.degrees(dec) == pytest.approx(dec_deg, abs=0.01)


@pytest.mark.physics
def test_sun_right_ascension_at_the_june_solstice_is_six_hours():
    ra, _ = sun_ra_dec_rad(julian_date("2018-06-21T10:07:00"))
    assert np.degrees(ra) == pytest.approx(90.0, abs=0.01)


def _equator_point(lst_h, sun_ra_rad, height_m):
    """Inertial position on the equator at local solar time ``lst_h``."""
    angle = sun_ra_rad + np.radians(15.0 * (lst_h - 12.0))
    radius = R_EARTH_EQ_M + height_m
    return np.array([radius * np.cos(angle), radius * np.sin(angle), 0.0])


@pytest.fixture(scope="module")
def march_2018():
    """The forecast air from 2018-03-16 0 h UTC, the node of March 2018."""
    return ForecastDensity("2018-03-16T00:00:00")


def test_at_a_month_node_the_global_mean_is_that_months_fixed_profile(march_2018):
    f107, f107a, ap, _ = space_weather_at("2018-03")
    fixed = global_mean_density_function("2018-03-16T00:00:00", f107, f107a, ap)
    heights = np.array([150e3, 300e3, 420e3, 800e3, 1200e3])
    mean = march_2018.at(0.0, local=False)(np.zeros((heights.size, 3)), heights)
    np.testing.assert_allclose(mean, fixed(heights), rtol=1e-12)


def test_between_nodes_ln_density_is_blended_linearly(march_2018):
    nodes = march_2018.node_t_s
    k = int(np.searchsorted(nodes, 0.0))
    mid = 0.5 * (nodes[k] + nodes[k + 1])
    height = np.array([400e3])
    at = [march_2018.at(t, local=False)(np.zeros((1, 3)), height)[0] for t in (nodes[k], mid, nodes[k + 1])]
    assert at[1] == pytest.approx(np.sqrt(at[0] * at[2]), rel=1e-12)


@pytest.mark.physics
def test_the_day_night_bulge_peaks_in_the_afternoon_and_bottoms_before_dawn(march_2018):
    # The thermosphere's diurnal bulge: density peaks near 14-16 h local solar time and is least
    # near 3-5 h (Jacchia 1971, SAO Special Report 332; NRLMSIS keeps it). At 400 km in solar
    # minimum the day/night ratio is about 2 (over 1.5 here: a 2-hour grid).
    sun_ra, _ = sun_ra_dec_rad(march_2018.epoch_jd)
    hours = np.arange(0.0, 24.0, 0.5)
    r = np.array([_equator_point(h, sun_ra, 400e3) for h in hours])
    rho = march_2018.at(0.0)(r, np.full(hours.size, 400e3))
    assert 13.0 <= hours[np.argmax(rho)] <= 17.0
    assert 2.0 <= hours[np.argmin(rho)] <= 6.0
    assert rho.max() / rho.min() > 1.5
    # the global mean lies between night and day
    mean = march_2018.at(0.0, local=False)(r[:1], np.array([400e3]))[0]
    assert rho.min() < mean < rho.max()


def test_forecast_needs_nrlmsis_and_an_epoch_in_the_table():
    with pytest.raises(errors.ScenarioError, match="atmosphere.space_weather"):
        S.validate({"kind": "decay_reentry", "atmosphere": {"space_weather": "forecast"}})
    with pytest.raises(errors.ScenarioError, match="object.epoch"):
        S.validate({
            "kind": "decay_reentry", "object": {"altitude": "250 km", "epoch": "1957-01-01T00:00:00"},
            "atmosphere": {"model": "nrlmsis", "space_weather": "forecast"},
        })


def test_fixed_is_the_default():
    assert S.validate({"kind": "decay_reentry"}).atmosphere.space_weather == "fixed"


@pytest.mark.physics
def test_a_forecast_decay_at_solar_maximum_is_faster_than_at_minimum():
    # The same 300 km orbit, its first 20 days under the months of the cycle-24 maximum (2014-02)
    # and of the deep minimum (2019-06): thermospheric density at 300 km grows some tenfold
    # from minimum to maximum (NRLMSIS; e.g. Emmert 2015, Adv. Space Res. 56, 773).
    from orbital.kinds.decay_reentry import object_forces
    from orbital.propagation.decay import mean_element_rates, osculating_to_mean
    from orbital.schema import initial_state

    rates = []
    for epoch in ("2014-02-01T00:00:00", "2019-06-01T00:00:00"):
        scenario = S.validate({
            "kind": "decay_reentry", "object": {"altitude": "300 km", "epoch": epoch, "mass": 1000, "drag_area": 10},
            "atmosphere": {"model": "nrlmsis", "space_weather": "forecast"},
        })
        _, r0, v0 = initial_state(scenario.object)
        rates.append(-mean_element_rates(osculating_to_mean(r0, v0), object_forces(scenario).at(0.0, local=False))[0])
    assert rates[0] > 3.0 * rates[1] > 0.0


@pytest.mark.slow
def test_an_ensemble_member_flies_through_the_same_forecast_air():
    # A member with the nominal density scale, area and mass is the nominal decay itself.
    from orbital.kinds.decay_reentry import run_nominal
    from orbital.kinds.decay_reentry.ensemble import fly_members

    scenario = S.validate({
        "kind": "decay_reentry", "name": "forecast_member", "track_step": 60, "max_track_samples": 2000,
        "object": {"altitude": "150 km", "epoch": "2018-03-01T00:00:00"},
        "atmosphere": {"model": "nrlmsis", "space_weather": "forecast"},
    })
    body = scenario.object
    member = fly_members((scenario, np.array([[0.0, body.density_scale, body.drag_area, body.mass]])))
    assert member[0, 0] == pytest.approx(run_nominal(scenario).scene["reentry_time_s"], rel=1e-12)


def test_propagation_in_changing_air_flies_that_air_not_the_compiled_us76(march_2018):
    # the compiled station integrator knows US76 alone: forces whose air changes with time must go
    # the way that evaluates it (a 200 km orbit for a quarter of an hour: the two airs differ by tens of %)
    from orbital.dynamics.forces import OrbitForces
    from orbital.propagation.propagate import propagate_orbit

    r0 = np.array([R_EARTH_EQ_M + 200e3, 0.0, 0.0])
    v0 = np.array([0.0, 7784.0, 0.0])
    grid = np.linspace(0.0, 900.0, 4)
    drag = dict(cd_area_over_mass_m2_kg=2.2 * 1600.0 / 420e3)
    us76 = propagate_orbit(r0, v0, grid, OrbitForces(**drag))[1]
    changing = propagate_orbit(r0, v0, grid, OrbitForces(**drag, density_at=march_2018.at))[1]
    calm = propagate_orbit(r0, v0, grid, OrbitForces(**drag, density_at=lambda t, local=True: (lambda r, h: 0.0 * h)))[1]
    assert np.linalg.norm(changing[-1, :3] - us76[-1, :3]) > 1e-3  # not US76's path
    assert np.linalg.norm(calm[-1, :3] - us76[-1, :3]) > 1e-3  # air-free differs too: the air is read
