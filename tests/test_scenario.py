"""Scenario loading: schema, overrides, and messages that name the field."""

import math

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orbital import scenario as sc
from orbital.constants import R_EARTH_EQ_M

MINIMAL = "kind: station\n"


def test_bundled_scenarios_all_validate():
    bundled = sc.bundled_scenarios()
    assert "iss_orbit" in bundled
    for name in bundled:
        model = sc.load(name)
        assert model.name


def test_defaults_are_iss_like(write_yaml):
    model = sc.load(write_yaml(MINIMAL))
    station = model.station
    assert station.semi_major_axis_m == pytest.approx(R_EARTH_EQ_M + 420e3)
    assert math.degrees(station.inclination) == pytest.approx(51.64)
    assert station.mass == 420_000.0 and station.drag_coefficient == 2.2
    assert model.name == "scenario"  # defaults to the file's name


def test_units_and_overrides(write_yaml):
    path = write_yaml(MINIMAL + "duration: 90 min\nstation:\n  altitude: 400 km\n")
    model = sc.load(path, ["station.altitude=410", "duration=3 d", "station.inclination=0.9 rad"])
    assert model.station.altitude == 410e3  # bare number: km
    assert model.duration == 3 * 86400.0
    assert model.station.inclination == 0.9


def test_resolved_scenario_reloads_identically(write_yaml, tmp_path):
    model = sc.load(write_yaml(MINIMAL + "station:\n  semi_major_axis: 6797.8 km\n"), ["seed=7"])
    again = tmp_path / "again.yaml"
    again.write_text(sc.resolved_yaml(model))
    reloaded = sc.load(again)
    assert reloaded == model
    assert reloaded.seed == 7


@pytest.mark.parametrize(
    "text, fragments",
    [
        ("kind: station\nstation:\n  altitde: 400 km\n", ["station.altitde", "unknown field", "altitude"]),
        ("kind: station\nstation:\n  mass: -5 kg\n", ["station.mass", "-5 kg", "> 0 kg"]),
        ("kind: station\nstation:\n  altitude: 400 km/s\n", ["station.altitude", "400 km/s", "not a unit of length"]),
        ("kind: station\nduration: soon\n", ["duration", "soon", "expected a time"]),
        ("kind: station\nstation:\n  altitude: -100 km\n", ["station", "perigee", "under the Earth's surface"]),
        ("kind: station\nstation:\n  eccentricity: 1.5\n", ["station.eccentricity", "1.5", "less than 1"]),
        ("kind: station\nstation:\n  epoch: yesterday\n", ["station.epoch", "yesterday", "UTC date"]),
        ("kind: station\nstation:\n  altitude: 400 km\n  semi_major_axis: 6800 km\n", ["station", "not both"]),
        ("kind: staton\n", ["kind", "staton", "station"]),
        ("name: x\n", ["kind", "missing"]),
        ("- a\n- b\n", ["mapping", "list"]),
        ("kind: station\nstation: [1, 2\n", ["not valid YAML", "line"]),
        ("kind: station\nstation: 5\n", ["station", "5"]),
        ("kind: station\noutput_step: 1 s\nduration: 1000 d\n", ["samples", "output_step"]),
    ],
)
def test_bad_files_name_the_field(write_yaml, text, fragments):
    path = write_yaml(text)
    with pytest.raises(sc.ScenarioError) as info:
        sc.load(path)
    message = str(info.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message, message


@pytest.mark.parametrize(
    "override, fragment",
    [
        ("station.altitude", "KEY=VALUE"),
        ("=5", "KEY=VALUE"),
        ("seed.x=1", "'seed' is a value"),
        ("station.nope=1", "station.nope"),
    ],
)
def test_bad_overrides(write_yaml, override, fragment):
    path = write_yaml(MINIMAL + "seed: 1\n")
    with pytest.raises(sc.ScenarioError, match=fragment):
        sc.load(path, [override])


def test_json_schema_covers_fields():
    schema = sc.json_schema()
    station = schema["$defs"]["StationSpec"]["properties"]
    assert {"altitude", "inclination", "tle", "mass", "drag_area"} <= set(station)
    assert all(schema["$defs"][name]["additionalProperties"] is False for name in schema["$defs"])


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
field_names = st.sampled_from(
    ["kind", "name", "seed", "duration", "output_step", "station", "forces", "integrator", "junk"]
)
station_fields = st.sampled_from(
    ["altitude", "eccentricity", "inclination", "raan", "mass", "drag_area", "tle", "epoch", "density_scale"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    top=st.dictionaries(field_names, yaml_values, max_size=5),
    station=st.dictionaries(station_fields, yaml_values, max_size=4),
)
def test_random_structures_never_crash(write_yaml, top, station):
    data = {"kind": "station", **top, "station": station}
    path = write_yaml(yaml.safe_dump(data))
    try:
        sc.load(path)
    except sc.ScenarioError as exc:
        assert str(exc)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_random_text_never_crashes(write_yaml, text):
    path = write_yaml(text)
    try:
        sc.load(path)
    except sc.ScenarioError as exc:
        assert str(exc)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.text(max_size=30), value=st.text(max_size=30))
def test_random_overrides_never_crash(write_yaml, key, value):
    path = write_yaml(MINIMAL)
    try:
        sc.load(path, [f"{key}={value}"])
    except sc.ScenarioError as exc:
        assert str(exc)


@pytest.mark.parametrize("name", ["../../etc/x", "a/b", ".hidden", "x" * 101, "two words"])
def test_a_name_that_is_not_a_plain_file_name_is_refused(name):
    with pytest.raises(sc.ScenarioError, match=r"--set: name = .*it names the run directory"):
        sc.load("iss_orbit", [f"name={name}"])


def test_a_file_name_becomes_a_safe_default_name(tmp_path):
    path = tmp_path / "my scen (2).yaml"
    path.write_text("kind: station\n")
    assert sc.load(str(path)).name == "my_scen__2_"
