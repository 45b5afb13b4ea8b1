"""kind breakup_footprint: the demise model by hand, the fall's physics, the bundled run's invariants
and footprint against published reentries, and bad input."""

import functools
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orbital.io.scenario import load, validate
from orbital.kinds.breakup_footprint import fall, footprint_km, fragment_arrays, plunge, separation_velocities
from orbital.models.demise import MATERIALS, absorbed_heat_j, demised, melting_budget_j
from orbital.models.soyuz import teme_to_geodetic
from orbital.runners import run_scenario

from invariants import assert_common_invariants


def tiny(**fields):
    """A 1 t object at 100 km that breaks into a steel and an aluminium half: a run of a second or so."""
    doc = {
        "kind": "breakup_footprint", "name": "tiny", "separation_speed": "0 m/s",
        "station": {"altitude": "100 km", "mass": "1000 kg", "drag_area": "5 m2"},
        "fragments": [
            {"name": "steel ball", "mass": "500 kg", "area": "0.5 m2", "material": "stainless_steel"},
            {"name": "aluminium plate", "mass": "500 kg", "area": "5 m2", "material": "aluminium"},
        ],
    }
    doc.update(fields)
    return validate(doc)


# --- the demise model, by hand ---------------------------------------------------------------------


@pytest.mark.physics
def test_the_melting_budget_of_an_aluminium_sphere_by_hand():
    # A solid aluminium sphere 20 cm across (2,700 kg/m3): m = 2700 * 4/3 pi 0.1^3 = 11.310 kg.
    # CRC Handbook (pure Al): c_p 24.20 J/(mol K) / 26.982 g/mol = 896.9 J/(kg K), melting at
    # 933.47 K, heat of fusion 10.71 kJ/mol = 396.9 kJ/kg. From 300 K:
    # 896.9 * 633.47 + 396,931 = 965,100 J/kg, so 10.915 MJ for the sphere.
    mass = 2700.0 * 4.0 / 3.0 * math.pi * 0.1**3
    assert mass == pytest.approx(11.310, abs=1e-3)
    assert float(melting_budget_j(mass, "aluminium")) == pytest.approx(10.915e6, rel=1e-3)
    # Under a steady 1 MW/m2 stagnation flux at its own 0.1 m nose radius over its 0.031416 m2
    # cross-section it takes in 31.4 kW, and melts after 10.915e6 / 31,416 = 347.4 s. The model
    # takes the heat load at a reference radius (1 m here): 1 MW/m2 at 0.1 m is 1 / sqrt(10) at 1 m.
    area = math.pi * 0.1**2
    for seconds, gone in ((340.0, False), (355.0, True)):
        load_at_1_m = 1.0e6 * seconds / math.sqrt(10.0)
        heat = absorbed_heat_j(load_at_1_m, 1.0, 0.1, area)
        assert float(heat) == pytest.approx(1.0e6 * area * seconds, rel=1e-12)
        assert bool(demised(heat, melting_budget_j(mass, "aluminium"))) is gone


def test_refractory_materials_cost_more_to_melt_per_kilogram():
    budget = {name: material.budget_j_kg() for name, material in MATERIALS.items()}
    # handbook values: aluminium about 0.97 MJ/kg, steel 0.9, titanium 1.1, alumina 2.7
    assert budget["aluminium"] == pytest.approx(0.965e6, rel=1e-2)
    assert budget["alumina"] > budget["titanium"] > budget["aluminium"]


def test_fragments_expand_copy_by_copy_and_separate_at_the_given_speed():
    scenario = load("iss_breakup")
    arrays, kind = fragment_arrays(scenario.fragments)
    assert kind.size == sum(f.count for f in scenario.fragments)
    assert arrays["mass_kg"].sum() == pytest.approx(scenario.station.mass, rel=1e-12)
    dv = separation_velocities(50, 5.0, np.random.default_rng(0))
    assert np.allclose(np.linalg.norm(dv, axis=1), 5.0, rtol=1e-12)


# --- the fall --------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _tiny_breakup():
    scenario = tiny()
    epoch, t_s, states = plunge(scenario)
    return scenario, epoch, float(t_s[-1]), states[-1]


@pytest.mark.slow
@settings(max_examples=8, deadline=None)
@given(st.lists(st.floats(20.0, 3000.0), min_size=2, max_size=5, unique=True))
def test_denser_fragments_fly_further_downrange(ballistic_coefficients_kg_m2):
    # Property: with the same start and no separation speed, a higher m / (Cd A) loses its speed
    # lower and later, so it lands further along the track (Allen-Eggers: the height of peak
    # deceleration grows with ln beta). Coefficients closer than 5 % are left out (their impact
    # points are metres apart, near the integrator's own steps).
    beta = np.sort(ballistic_coefficients_kg_m2)
    if np.any(beta[1:] / beta[:-1] < 1.05):
        return
    scenario, epoch, t_b, state = _tiny_breakup()
    arrays = {"mass_kg": beta, "area_m2": np.ones_like(beta), "cd": np.ones_like(beta), "nose_radius_m": np.ones_like(beta)}
    out = fall(scenario, t_b, state, arrays, np.random.default_rng(0))
    assert np.all(out.landed)
    lat, lon, _ = teme_to_geodetic(epoch, out.t_touchdown, out.r_touchdown, each_alone=True)
    downrange, _ = footprint_km(epoch, t_b, state, lat, lon)
    assert np.all(np.diff(downrange) > 0.0), (beta, downrange)


@pytest.mark.physics
def test_the_heat_load_of_a_steep_ballistic_entry_is_allen_and_eggers():
    # Allen & Eggers (1958, NACA Report 1381): a ballistic body entering at speed V_e and a constant
    # flight-path angle gamma through an exponential atmosphere of scale height H keeps
    # V = V_e exp(-rho H / (2 beta sin gamma)); with Sutton-Graves, q = k sqrt(rho / R_n) V^3 and
    # dt = H d rho / (rho V sin gamma), the stagnation heat load is
    #   Q = k V_e^2 sqrt(pi H beta / (R_n sin gamma)).
    # beta = 300 kg/m2, 45 deg, 7 km/s (air-relative) from 78 km: heating peaks near rho = beta sin
    # gamma / (3 H), about 32 km, where the US76 density scale height is 6.35 to 6.86 km (25 to 40 km);
    # H = 6.7 km gives 25.5 MJ/m2 at R_n = 1 m. Tolerance 5 %: H over that band moves Q by 2 %,
    # and gravity, which the formula leaves out, steepens the path and adds speed (2 to 3 %).
    from orbital.earth.constants import OMEGA_EARTH_RAD_S, R_EARTH_EQ_M

    beta, gamma, speed = 300.0, math.radians(45.0), 7000.0
    r = np.array([R_EARTH_EQ_M + 78.0e3, 0.0, 0.0])
    v = np.cross([0.0, 0.0, OMEGA_EARTH_RAD_S], r) + speed * np.array([-math.sin(gamma), math.cos(gamma), 0.0])
    arrays = {"mass_kg": np.array([beta]), "area_m2": np.ones(1), "cd": np.ones(1), "nose_radius_m": np.ones(1)}
    out = fall(tiny(), 0.0, np.concatenate([r, v]), arrays, np.random.default_rng(0))
    expected = 1.7415e-4 * speed**2 * math.sqrt(math.pi * 6.7e3 * beta / math.sin(gamma))
    assert expected == pytest.approx(25.5e6, rel=1e-2)
    assert out.heat_load_j_m2[0] == pytest.approx(expected, rel=0.05)


def test_a_tiny_breakup_conserves_mass_and_lands_downrange():
    result = run_scenario(tiny())
    s = result.summary
    assert s["fragments"] == 2 and s["surviving_mass_kg"] + s["demised_mass_kg"] == pytest.approx(1000.0, rel=1e-12)
    assert s["breakup_altitude_km"] == 78.0 and s["footprint_heel_km"] > 0.0
    # the survivors as GeoJSON points (RFC 7946: lon, lat), one per impacts row
    features = json.loads(result.extra_files["impacts.geojson"])["features"]
    impacts = result.tables["impacts"]
    assert len(features) == impacts.data.shape[0] == s["survivors"]
    lon_lat = np.array([f["geometry"]["coordinates"] for f in features])
    assert np.allclose(lon_lat, np.column_stack([impacts.column("lon"), impacts.column("lat")]), atol=1e-6, rtol=0.0)
    assert sum(f["properties"]["mass_kg"] for f in features) == pytest.approx(s["surviving_mass_kg"], rel=1e-4)
    assert_common_invariants(result)


def test_a_breakup_where_nothing_survives_says_so_with_nulls():
    foil = {"name": "foil", "count": 2, "mass": "500 kg", "area": "20 m2", "material": "aluminium", "nose_radius": "1 cm"}
    result = run_scenario(tiny(fragments=[foil]))
    s = result.summary
    assert s["survivors"] == 0 and s["demised_mass_kg"] == 1000.0 and result.tables["impacts"].data.shape == (0, 7)
    assert s["footprint_length_km"] is None and s["landing_mean_lat_deg"] is None and s["total_impact_energy_j"] == 0.0
    assert [e.kind for e in result.events] == ["start", "breakup"]
    assert_common_invariants(result)


# --- the bundled run -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _bundled():
    return run_scenario(load("iss_breakup"))


@pytest.mark.slow
def test_the_bundled_breakup_keeps_its_invariants():
    result = _bundled()
    s = result.summary
    impacts = result.tables["impacts"]
    # mass: what survived and what melted make the station
    assert s["surviving_mass_kg"] + s["demised_mass_kg"] == pytest.approx(s["fragments_mass_kg"], rel=1e-12)
    assert s["fragments_mass_kg"] == pytest.approx(load("iss_breakup").station.mass, rel=1e-12)
    assert impacts.data.shape[0] == s["survivors"] and 0 < s["survivors"] < s["fragments"]
    assert impacts.column("mass").sum() == pytest.approx(s["surviving_mass_kg"], rel=1e-12)
    # every impact finite, after the breakup, and downrange of it
    assert np.all(np.isfinite(impacts.data))
    assert np.all(impacts.column("t") > s["breakup_time_s"])
    assert 0.0 < s["footprint_heel_km"] < s["footprint_toe_km"]
    energy = 0.5 * impacts.column("mass") * impacts.column("speed") ** 2
    assert s["largest_impact_energy_j"] == pytest.approx(energy.max(), rel=1e-12)
    # the pieces that must melt (thin aluminium) melt; the steel and titanium ones come down
    names = {load("iss_breakup").fragments[int(i)].name for i in impacts.column("fragment")}
    assert {"control moment gyroscope", "high-pressure gas tank", "hatch and docking mechanism"} <= names
    assert not names & {"solar array wing", "radiator panel", "pressure shell panel"}


@pytest.mark.slow
@pytest.mark.physics
def test_the_footprint_is_as_long_as_those_of_large_reentries():
    # Published footprints: lengths from 185 km to about 2,000 km with the object's make-up, widths
    # typically 20 to 40 km, mostly from wind (The Aerospace Corporation, CORDS, "What is a debris
    # footprint?"). Mir, 23 March 2001: debris expected 1,500 km before and 1,500 km beyond the
    # main impact point near 40 S, 160 W (Russian Mission Control, as reported). Skylab, 1979:
    # debris over some 4,000 km from the Indian Ocean into Western Australia (as commonly reported). NASA's ISS deorbit analyses: a dispersed footprint up to 300 x
    # 5,370 km (National Research Council, 2000, "Engineering Challenges to the Long-Term Operation
    # of the ISS", ch. 6). Those planning figures include the uncertainty of the entry itself; one
    # breakup's survivors span less. Tolerance: from CORDS's shortest (185 km) to Mir's whole
    # +-1,500 km zone (3,000 km): the order of magnitude, which is what one breakup model can claim.
    s = _bundled().summary
    assert 185.0 <= s["footprint_length_km"] <= 3000.0
    # width: with no wind, only the 5 m/s separation spreads the pieces: under CORDS's 20-40 km
    assert 0.0 < s["footprint_width_km"] < 40.0


# --- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "setting, says",
    [
        ("breakup_altitude=120 km", ["breakup_altitude = '120 km'", "expected a length >= 60 km and <= 100 km"]),
        ("separation_speed=200 m/s", ["separation_speed = '200 m/s'", "<= 100 m/s"]),
        ("station.altitude=400 km", ["station.altitude = 400 km", "expected a mean altitude up to 250 km", "decay_reentry"]),
        ("station.altitude=70 km", ["station.altitude = 70 km", "expected above breakup_altitude (78 km)"]),
        ("fragments.0.mass=1000 kg", ["fragments = 571238 kg in all", "the station's mass (421238 kg)", "mass is conserved"]),
        ("fragments.5.area=1000 m2", ["fragments.5.area = 1000 m2", "0.55 kg/m2", "expected at least 1 kg/m2"]),
        ("fragments.0.material=wood", ["fragments.0.material = 'wood'", "'aluminium', 'titanium', 'stainless_steel' or 'alumina'"]),
        ("fragments.0.drag_coefficient=5", ["fragments.0.drag_coefficient = 5", "<= 3"]),
        ("fragments.0.count=0", ["fragments.0.count = 0", ">= 1"]),
        ("fragments.0.nose_radius=1 mm", ["fragments.0.nose_radius = '1 mm'", ">= 0.01 m"]),
        ("max_plunge=5 d", ["max_plunge = '5 d'", "<= 72 h"]),
    ],
)
def test_bad_input_is_refused_naming_field_value_and_expectation(issim, setting, says):
    done = issim("validate", "iss_breakup", "--set", setting)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    message = done.stderr.strip().splitlines()[-1]
    assert message.startswith("issim: error:")
    for text in says:
        assert text in message, message


def test_the_default_station_starts_the_plunge_at_130_km():
    core = {"name": "core", "count": 10, "mass": "42 t", "area": "30 m2", "material": "titanium"}
    scenario = validate({"kind": "breakup_footprint", "fragments": [core]})
    assert scenario.station.mean_altitude_m == pytest.approx(130.0e3) and scenario.station.mass == 420000.0


def test_an_empty_fragment_list_is_refused():
    from orbital.errors import ScenarioError

    with pytest.raises(ScenarioError, match="fragments"):
        tiny(fragments=[])
