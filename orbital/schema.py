"""Building blocks of the scenario schema: quantity fields and shared sections.

Every scenario kind is a pydantic model built from these. Quantity fields accept
a number (in the field's default unit) or a string with units, and hold a float
in SI units; they serialise back as ``"<float> <SI unit>"`` strings, so a saved
scenario reloads bit for bit.
"""

import re
from datetime import datetime
from typing import Annotated, Literal, Optional, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from orbital.constants import R_EARTH_EQ_M
from orbital.quantities import QuantityError, format_si, to_si

_KIND_OF_UNIT = {
    "m": "length",
    "s": "time",
    "rad": "angle",
    "rad/s": "angular rate",
    "kg": "mass",
    "m2": "area",
    "m/s": "speed",
    "N": "force",
}


def with_article(noun):
    """``noun`` after its indefinite article: 'a length', 'an angle'."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _bounds_text(gt, ge, lt, le, si_unit, default_unit):
    def show(bound):
        # Bounds are written in the field's default unit, as the user thinks of them.
        scale = to_si(f"1 {default_unit}", si_unit, default_unit)
        return f"{bound / scale:g} {default_unit}"

    parts = []
    if gt is not None:
        parts.append(f"> {show(gt)}")
    if ge is not None:
        parts.append(f">= {show(ge)}")
    if lt is not None:
        parts.append(f"< {show(lt)}")
    if le is not None:
        parts.append(f"<= {show(le)}")
    return " and ".join(parts)


def Quantity(si_unit, default_unit, *, gt=None, ge=None, lt=None, le=None):
    """An annotated float field holding a quantity in ``si_unit`` (bounds in SI)."""
    kind = _KIND_OF_UNIT.get(si_unit, si_unit)
    bounds = _bounds_text(gt, ge, lt, le, si_unit, default_unit)
    expected = with_article(kind) + (f" {bounds}" if bounds else "") + f", e.g. '1 {default_unit}'"

    def parse(value):
        try:
            si = to_si(value, si_unit, default_unit, _KIND_OF_UNIT.get(si_unit))
        except QuantityError as exc:
            raise PydanticCustomError("quantity", "{reason}; expected {expected}", {"reason": str(exc), "expected": expected})
        if (gt is not None and not si > gt) or (ge is not None and not si >= ge) or (
            lt is not None and not si < lt
        ) or (le is not None and not si <= le):
            raise PydanticCustomError("quantity_range", "out of range; expected {expected}", {"expected": expected})
        return si

    return Annotated[
        float,
        BeforeValidator(parse, json_schema_input_type=Union[str, float]),
        PlainSerializer(lambda v: format_si(v, si_unit), return_type=str),
        Field(description=f"{kind} (bare number: {default_unit})"),
    ]


def Vector3(si_unit, default_unit):
    """An annotated field holding three components in ``si_unit`` (e.g. an LVLH vector).

    YAML gives a list of three numbers or quantity strings: ``[0, 0.5 m/s, 0]``.
    """
    kind = _KIND_OF_UNIT.get(si_unit, si_unit)
    expected = f"a list of 3 {kind} values, e.g. [0, 1 {default_unit}, 0]"

    def parse(value):
        if not isinstance(value, (list, tuple)) or len(value) != 3:
            raise PydanticCustomError("vector", "expected {expected}", {"expected": expected})
        try:
            return tuple(to_si(item, si_unit, default_unit, _KIND_OF_UNIT.get(si_unit)) for item in value)
        except QuantityError as exc:
            raise PydanticCustomError("vector", "{reason}; expected {expected}", {"reason": str(exc), "expected": expected})

    return Annotated[
        tuple[float, float, float],
        BeforeValidator(parse, json_schema_input_type=list[Union[str, float]]),
        PlainSerializer(lambda v: [format_si(x, si_unit) for x in v], return_type=list),
        Field(description=f"3 x {kind} (bare numbers: {default_unit})"),
    ]


Altitude = Quantity("m", "km", gt=-R_EARTH_EQ_M, le=1.0e8)
PositiveDuration = Quantity("s", "s", gt=0.0)
Time = Quantity("s", "s", ge=0.0)
PositiveLength = Quantity("m", "m", gt=0.0)
PositiveSpeed = Quantity("m/s", "m/s", gt=0.0)
PositiveForce = Quantity("N", "N", gt=0.0)
Angle = Quantity("rad", "deg")
Mass = Quantity("kg", "kg", gt=0.0)
Area = Quantity("m2", "m2", gt=0.0)


class StrictModel(BaseModel):
    """A section of a scenario file: unknown keys are errors, values validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


def _parse_epoch(value):
    if isinstance(value, datetime):
        value = value.isoformat()
    if not isinstance(value, str):
        raise PydanticCustomError("epoch", "expected a UTC date and time such as '2026-11-25T00:00:00'")
    from astropy.time import Time

    try:
        text = value.strip().removesuffix("Z").removesuffix("UTC").strip()
        time = Time(text, scale="utc")
        return time.isot
    except Exception:
        raise PydanticCustomError("epoch", "expected a UTC date and time such as '2026-11-25T00:00:00'") from None


Epoch = Annotated[str, BeforeValidator(_parse_epoch, json_schema_input_type=str), Field(description="UTC, ISO 8601")]


#: Lowest perigee altitude (m) of the station's orbit: its run stops at 100 km, and below it
#: an object falls within its first revolution.
MIN_STATION_PERIGEE_M = 100.0e3


def check_station_orbit(station):
    """Refuse a station (:class:`StationSpec`) whose perigee is not above :data:`MIN_STATION_PERIGEE_M`."""
    station.check_perigee_above("station", MIN_STATION_PERIGEE_M, "the lowest orbit a station run flies")


def field_error(field, value, message):
    """A validation error whose CLI message names ``field`` (dotted, relative to the
    section validated) and ``value`` (text): ``file: section.field = value: message``."""
    return PydanticCustomError("field", "{message}", {"field": field, "value": value, "message": message})


def check_sample_count(duration_s, output_step_s, max_samples):
    """Refuse an output step longer than the run or a grid of more than ``max_samples`` samples (a validator's helper)."""
    if output_step_s > duration_s:
        raise field_error(
            "output_step", f"{output_step_s:g} s", f"longer than duration ({duration_s:g} s); expected at most the duration"
        )
    samples = duration_s / output_step_s
    if samples > max_samples:
        raise field_error(
            "output_step", f"{output_step_s:g} s",
            f"duration / output_step = {samples:.0f} samples; expected at most {max_samples}: raise output_step",
        )


class StationSpec(StrictModel):
    """The station: its orbit at ``epoch`` (osculating elements or a TLE) and its drag body.

    Elements refer to the true equator and equinox of the epoch (TEME, the frame
    of TLEs), so an inclination of 51.64 deg is the ISS's published one.
    """

    epoch: Epoch = "2026-11-25T00:00:00.000"
    altitude: Optional[Altitude] = Field(
        default=None,
        description="semi-major axis minus the equatorial radius (bare number: km); default 420 km",
    )
    semi_major_axis: Optional[Quantity("m", "km", gt=0.0)] = None
    eccentricity: float = Field(default=0.0005, ge=0.0, lt=1.0)
    inclination: Quantity("rad", "deg", ge=0.0, le=3.141592653589793) = 0.9012880257298718
    raan: Angle = 0.0
    arg_perigee: Angle = 0.0
    arg_latitude: Angle = Field(default=0.0, description="argument of latitude at epoch (arg_perigee + true anomaly)")
    tle: Optional[str] = Field(default=None, description="two-line element set; replaces epoch and elements")
    mass: Mass = 420000.0
    drag_area: Area = 1600.0
    drag_coefficient: float = Field(default=2.2, gt=0.0, le=10.0)
    density_scale: float = Field(default=1.0, gt=0.0, le=100.0, description="multiplies US76 density (solar activity)")

    @model_validator(mode="after")
    def _one_orbit_definition(self):
        elements_given = {"altitude", "semi_major_axis", "eccentricity", "inclination", "raan", "arg_perigee", "arg_latitude", "epoch"} & self.model_fields_set
        if self.tle is not None:
            if elements_given:
                raise PydanticCustomError(
                    "orbit_conflict",
                    "give either 'tle' or orbital elements, not both (found tle and {fields})",
                    {"fields": ", ".join(sorted(elements_given))},
                )
            return self
        if self.altitude is not None and self.semi_major_axis is not None:
            raise PydanticCustomError("orbit_conflict", "give 'altitude' or 'semi_major_axis', not both")
        a_m = self.semi_major_axis_m
        perigee_m = a_m * (1.0 - self.eccentricity)
        if perigee_m <= R_EARTH_EQ_M:
            raise PydanticCustomError(
                "perigee_under_surface",
                "the perigee ({perigee} km above the equator, from the semi-major axis and eccentricity) "
                "is under the Earth's surface; expected a perigee altitude above 0 km",
                {"perigee": f"{(perigee_m - R_EARTH_EQ_M) / 1e3:.1f}"},
            )
        return self

    @field_validator("tle")
    @classmethod
    def _tle_is_valid(cls, value):
        if value is None:
            return value
        from orbital.tle import TLEError, parse_tle, tle_state_teme

        try:
            line1, line2 = parse_tle(value)
            tle_state_teme(line1, line2)  # SGP4 itself refuses some element sets (decayed, e >= 1)
        except TLEError as exc:
            raise PydanticCustomError("tle", "{reason}", {"reason": str(exc)}) from None
        return f"{line1}\n{line2}\n"

    @model_serializer(mode="wrap")
    def _write_one_orbit_definition(self, handler):
        """Write exactly one orbit definition, so the saved scenario reloads as is."""
        data = handler(self)
        if self.tle is not None:
            for key in ("epoch", "altitude", "semi_major_axis", "eccentricity", "inclination", "raan", "arg_perigee", "arg_latitude"):
                data.pop(key, None)
        elif self.semi_major_axis is not None:
            data.pop("altitude", None)
        else:
            data["altitude"] = format_si(self.semi_major_axis_m - R_EARTH_EQ_M, "m")
            data.pop("semi_major_axis", None)
        if self.tle is None:
            data.pop("tle", None)
        return data

    @property
    def semi_major_axis_m(self):
        """Semi-major axis (m) from ``semi_major_axis`` or ``altitude`` (default 420 km)."""
        if self.semi_major_axis is not None:
            return self.semi_major_axis
        altitude = 420.0e3 if self.altitude is None else self.altitude
        return R_EARTH_EQ_M + altitude

    def check_perigee_above(self, section, floor_m, floor_name):
        """Refuse an orbit (elements or TLE) whose perigee is not above ``floor_m`` (m above the equator)."""
        if self.tle is not None:
            from orbital.tle import tle_perigee_height_m

            perigee_m = tle_perigee_height_m(self.tle)
            field, value = "tle", f"mean perigee {perigee_m / 1e3:.1f} km"
        else:
            perigee_m = self.semi_major_axis_m * (1.0 - self.eccentricity) - R_EARTH_EQ_M
            field, value = ("semi_major_axis", self.semi_major_axis) if self.semi_major_axis is not None else ("altitude", self.semi_major_axis_m - R_EARTH_EQ_M)
            value = f"{value / 1e3:g} km"
        if perigee_m > floor_m:
            return
        raise field_error(
            f"{section}.{field}", value,
            f"perigee {perigee_m / 1e3:g} km above the equator; expected above {floor_name} ({floor_m / 1e3:g} km)",
        )


class ForcesSpec(StrictModel):
    """Which forces act beyond the point-mass Earth."""

    j2: bool = True
    drag: bool = True


class IntegratorSpec(StrictModel):
    """How the orbit is integrated."""

    method: Literal["dop853", "poliastro_cowell"] = Field(
        default="dop853",
        description="dop853: issim's own (scipy DOP853, numpy forces); poliastro_cowell: the reference (slow start: numba compiles)",
    )
    rtol: float = Field(default=1e-10, ge=1e-14, le=1e-3)


#: A scenario's name: it names the run directory, so one plain file name, no folders.
NAME_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}")


def safe_name(text):
    """``text`` made into a valid scenario name (other characters become '_'), e.g. from a file's name."""
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", str(text))[:100]
    return name if NAME_PATTERN.fullmatch(name) else f"_{name}"[:100]


class ScenarioBase(StrictModel):
    """Fields every scenario has."""

    kind: str
    name: str = Field(default="", description="defaults to the file name; letters, digits, '_', '-', '.'")
    description: str = ""
    seed: int = Field(default=0, ge=0, le=2**63 - 1, description="random seed; runs are reproducible")

    @field_validator("name")
    @classmethod
    def _plain_file_name(cls, value):
        if value and not NAME_PATTERN.fullmatch(value):
            raise PydanticCustomError(
                "name", "expected up to 100 letters, digits, '_', '-' or '.' (not first): it names the run directory"
            )
        return value

