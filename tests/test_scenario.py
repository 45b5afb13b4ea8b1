"""Scenario loading: schema, overrides, and messages that name the field."""

import math

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orbital import errors
from orbital.io import scenario as sc
from orbital.io.run_dirs import resolved_yaml

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
    assert station.mean_altitude_m == 420e3 and station.mean_elements
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
    again.write_text(resolved_yaml(model))
    reloaded = sc.load(again)
    assert reloaded == model
    assert reloaded.seed == 7


@pytest.mark.parametrize(
    "text, fragments",
    [
        ("kind: station\nstation:\n  altitde: 400 km\n", ["station.altitde", "unknown field", "altitude"]),
        ("kind: station\nstation:\n  mass: -5 kg\n", ["station.mass", "-5 kg", ">= 0.001 kg"]),
        ("kind: station\nstation:\n  altitude: 400 km/s\n", ["station.altitude", "400 km/s", "not a unit of length"]),
        ("kind: station\nduration: soon\n", ["duration", "soon", "expected a time"]),
        ("kind: station\nstation:\n  altitude: -100 km\n", ["station", "perigee", "under the Earth's surface"]),
        ("kind: station\nstation:\n  eccentricity: 1.5\n", ["station.eccentricity", "1.5", "expected a number >= 0 and < 1"]),
        ("kind: station\nstation:\n  epoch: yesterday\n", ["station.epoch", "yesterday", "UTC date"]),
        ("kind: station\nstation:\n  altitude: 400 km\n  semi_major_axis: 6800 km\n", ["station", "not both"]),
        ("kind: staton\n", ["kind", "staton", "station"]),
        ("name: x\n", ["kind", "missing"]),
        ("- a\n- b\n", ["mapping", "list"]),
        ("kind: station\nstation: [1, 2\n", ["not valid YAML", "line"]),
        ("kind: station\nstation: 5\n", ["station", "5"]),
        ("kind: station\noutput_step: 1 s\nduration: 90 d\n", ["samples", "output_step"]),
    ],
)
def test_bad_files_name_the_field(write_yaml, text, fragments):
    path = write_yaml(text)
    with pytest.raises(errors.ScenarioError) as info:
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
    with pytest.raises(errors.ScenarioError, match=fragment):
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
    except errors.ScenarioError as exc:
        assert str(exc)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_random_text_never_crashes(write_yaml, text):
    path = write_yaml(text)
    try:
        sc.load(path)
    except errors.ScenarioError as exc:
        assert str(exc)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.text(max_size=30), value=st.text(max_size=30))
def test_random_overrides_never_crash(write_yaml, key, value):
    path = write_yaml(MINIMAL)
    try:
        sc.load(path, [f"{key}={value}"])
    except errors.ScenarioError as exc:
        assert str(exc)


@pytest.mark.parametrize("name", ["../../etc/x", "a/b", ".hidden", "x" * 101, "two words"])
def test_a_name_that_is_not_a_plain_file_name_is_refused(name):
    with pytest.raises(errors.ScenarioError, match=r"--set: name = .*it names the run directory"):
        sc.load("iss_orbit", [f"name={name}"])


def test_a_file_name_becomes_a_safe_default_name(tmp_path):
    path = tmp_path / "my scen (2).yaml"
    path.write_text("kind: station\n")
    assert sc.load(str(path)).name == "my_scen__2_"


def _model_classes():
    """Every model class of every kind, the kinds' own and their sections, each once."""
    from pydantic import BaseModel

    seen, todo = [], [sc.model_class(kind) for kind in sc.KINDS]
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.append(cls)
        for field in cls.model_fields.values():
            stack = [field.annotation]
            while stack:
                annotation = stack.pop()
                if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                    todo.append(annotation)
                stack.extend(getattr(annotation, "__args__", ()))
    return seen


def test_schema_defaults_are_in_the_unit_a_bare_number_takes():
    # issue 12 item 9: StationSpec.inclination's default was 0.9013 (rad), which an editor
    # inserts as a bare number: 0.9 deg. Every quantity field of every kind, in its default unit.
    from orbital.quantities import to_si
    from orbital.schema import quantity_units

    schema = sc.json_schema()
    definitions = schema["$defs"]
    # a kind's own Scenario under the name its contract in the schema gives (they share a class name)
    kind_models = {sc.model_class(kind): entry["model"].rsplit("/", 1)[1] for kind, entry in schema["x-issim-kinds"].items()}
    checked = 0
    for cls in _model_classes():
        properties = definitions[kind_models.get(cls, cls.__name__)]["properties"]
        for name, field in cls.model_fields.items():
            if field.is_required():  # no default to write (a fragment's mass and area)
                continue
            units = quantity_units(field)
            default = field.get_default(call_default_factory=True)
            if units is None or default is None or field.is_required():  # a required field has no default to write
                continue
            written = properties[name]["default"]
            values_si, values_written = (default, written) if isinstance(default, (tuple, list)) else ([default], [written])
            for si, number in zip(values_si, values_written, strict=True):
                # the default, read back as the bare number it is in the schema, is the field's default
                assert to_si(number, units.si_unit, units.default_unit) == pytest.approx(si, rel=1e-11, abs=1e-12), (cls.__name__, name)
            checked += 1
    assert checked >= 14  # the issue counted at least 14 such fields
    assert definitions["StationSpec"]["properties"]["inclination"]["default"] == 51.64


def test_assigning_to_a_loaded_model_is_validated_up_to_the_scenario():
    # issue 12 item 14: m.station.altitude = "50 km" was accepted, and the run went underground.
    from pydantic import ValidationError

    model = sc.load("iss_orbit")
    with pytest.raises(ValidationError, match="100 km"):
        model.station.altitude = "50 km"  # the station kind's 100 km perigee floor is the scenario's check
    assert model.station.altitude == 420e3  # left as it was
    with pytest.raises(ValidationError):
        model.station.eccentricity = 1.5  # the section's own field check
    with pytest.raises(ValidationError, match="samples"):
        model.output_step = "1 ms"  # the scenario's own model check
    model.station.altitude = "300 km"
    assert model.station.altitude == 300e3
    decay = sc.load("iss_uncontrolled")
    with pytest.raises(ValidationError, match="end_altitude"):
        decay.object.altitude = "70 km"  # under the 80 km end altitude
    with pytest.raises(ValidationError, match="end_altitude"):
        decay.end_altitude = "130 km"  # above the 120 km hand-off


def test_copies_of_a_model_are_validated_against_their_own_scenario():
    import copy
    import pickle

    from pydantic import ValidationError

    model = sc.load("iss_orbit")
    for again in (copy.deepcopy(model), model.model_copy(deep=True), pickle.loads(pickle.dumps(model))):
        assert again == model
        with pytest.raises(ValidationError):
            again.station.altitude = "50 km"
        again.station.altitude = "300 km"
    assert model.station.altitude == 420e3  # the original never saw the copies' changes
    section = model.station.model_copy(deep=True)  # a loose section: only its own checks
    section.altitude = "50 km"
    assert model.station.altitude == 420e3


@pytest.mark.parametrize(
    "epoch", ["1000-01-01T00:00:00", "1959-12-31T23:59:59", "2100-01-01T00:00:00", "9999-01-01T00:00:00", "-0100-01-01T00:00:00"]
)
def test_epochs_outside_the_time_data_are_refused(write_yaml, epoch):
    # issue 12 item 20: years 1000 and 9999 were accepted, with raw ErfaWarnings on the screen.
    with pytest.raises(errors.ScenarioError) as info:
        sc.load(write_yaml(MINIMAL), [f"station.epoch={epoch}"])
    message = str(info.value)
    assert "station.epoch" in message and "1960-01-01" in message and "2100-01-01" in message


@pytest.mark.parametrize("epoch", ["1960-01-01T00:00:00", "1998-11-20T06:40:00", "2050-06-01T00:00:00", "2099-12-31T23:59:59"])
def test_epochs_inside_are_accepted_without_raw_warnings(write_yaml, epoch):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an ErfaWarning ("dubious year") would fail here
        model = sc.load(write_yaml(MINIMAL), [f"station.epoch={epoch}"])
    assert model.station.epoch.startswith(epoch[:19])


def test_a_tle_from_before_1960_is_refused(write_yaml):
    from orbital.earth.tle import tle_checksum

    line1 = "1 25544U 98067A   57300.51774680  .00018497  00000+0  32893-3 0  999"
    line2 = "2 25544  51.6414 123.5405 0005872 328.1418 171.0139 15.49653587441578"
    line1 += str(tle_checksum(line1 + "0"))
    with pytest.raises(errors.ScenarioError, match="1957-10-27.*1960-01-01"):
        sc.validate({"kind": "station", "station": {"tle": f"{line1}\n{line2}\n"}})


@pytest.mark.parametrize(
    "override, fragments",
    [
        # issue 12 item 11: each ran for minutes (1e30 m2) or hung (1e-9 kg) with nothing shown
        ("station.drag_area=1e30", ["station.drag_area", "<= 100000 m2"]),
        ("station.mass=1e-9", ["station.mass", ">= 0.001 kg"]),
        ("station.mass=1 kg", ["station.drag_area", "ballistic coefficient", "0.000284 kg/m2", "expected 0.01 to 10000 kg/m2"]),
        ("station.drag_coefficient=1e-6", ["station.drag_area", "ballistic coefficient"]),
        # issue 12 item 6: rtol 1e-3 gave 34.6 km/day of decay instead of 0.069, silently
        ("integrator.rtol=0.001", ["integrator.rtol", "<= 1e-08"]),
        ("integrator.rtol=1e-15", ["integrator.rtol", ">= 1e-13"]),
        # pydantic's own wording ("Input should be ...") is not the message
        ("station.eccentricity=1", ["station.eccentricity", "expected a number >= 0 and < 1"]),
        ("station.density_scale=0", ["station.density_scale", "expected a number > 0 and <= 100"]),
        ("station.raan=1e30", ["station.raan", "<= 360 deg"]),
        ("station.semi_major_axis=1e9 km", ["station.semi_major_axis", "km"]),
    ],
)
def test_out_of_range_inputs_name_field_value_and_expectation(write_yaml, override, fragments):
    with pytest.raises(errors.ScenarioError) as info:
        sc.load(write_yaml(MINIMAL), [override])
    message = str(info.value)
    assert "Input should" not in message
    for fragment in fragments:
        assert fragment in message, message


def test_model_level_errors_name_the_field_not_the_top_level(write_yaml):
    # "(top level) = {'kind': ...}: ..." before: a dict dump instead of the field
    path = write_yaml("kind: decay_reentry\nend_altitude: 110 km\nhandoff_altitude: 105 km\n")
    with pytest.raises(errors.ScenarioError) as info:
        sc.load(path)
    message = str(info.value)
    assert "(top level)" not in message and "{" not in message
    assert "end_altitude = 110 km" in message and "handoff_altitude (105 km)" in message


@pytest.mark.parametrize(
    "override, fragment",
    [
        ("seed=-1", "seed = -1: out of range; expected a whole number >= 0 and <= 9223372036854775807"),
        ("seed=abc", "seed = 'abc': expected a whole number"),
        ("seed=1.5", "seed = 1.5: expected a whole number"),
    ],
)
def test_whole_numbers_say_what_was_expected(write_yaml, override, fragment):
    # pydantic's "Input should be greater than or equal to 0" before
    with pytest.raises(errors.ScenarioError) as info:
        sc.load(write_yaml(MINIMAL), [override])
    assert fragment in str(info.value) and "Input should" not in str(info.value)
    assert sc.load(write_yaml(MINIMAL), ["seed=1e3"]).seed == 1000
