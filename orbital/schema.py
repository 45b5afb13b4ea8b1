"""Building blocks of the scenario schema: quantity fields and shared sections.

Every scenario kind is a pydantic model built from these. Quantity fields accept
a number (in the field's default unit) or a string with units, and hold a float
in SI units; they serialise back as ``"<float> <SI unit>"`` strings, so a saved
scenario reloads bit for bit.
"""

import math
import re
import weakref
from datetime import datetime
from typing import Annotated, Literal, NamedTuple, Optional, Union, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from orbital.earth.constants import R_EARTH_EQ_M
from orbital.errors import QuantityError, TLEError
from orbital.quantities import format_si, to_si

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


class QuantityUnits(NamedTuple):
    """Marks a quantity field (or a vector of them): its SI unit and the unit of a bare number."""

    si_unit: str
    default_unit: str

    def in_default_unit(self, si_value):
        """``si_value`` in the default unit, to 12 significant digits (0.9012880257298718 rad -> 51.64)."""
        scale = to_si(f"1 {self.default_unit}", self.si_unit, self.default_unit)
        return float(f"{si_value / scale:.12g}")


def _within(value, gt, ge, lt, le, expected):
    """``value`` if it satisfies the bounds given (None: no bound), else a range error saying ``expected``."""
    if (gt is not None and not value > gt) or (ge is not None and not value >= ge) or (
        lt is not None and not value < lt
    ) or (le is not None and not value <= le):
        raise PydanticCustomError("quantity_range", "out of range; expected {expected}", {"expected": expected})
    return value


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
        return _within(si, gt, ge, lt, le, expected)

    return Annotated[
        float,
        BeforeValidator(parse, json_schema_input_type=Union[str, float]),
        PlainSerializer(lambda v: format_si(v, si_unit), return_type=str),
        Field(description=f"{kind} (bare number: {default_unit})"),
        QuantityUnits(si_unit, default_unit),
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
        QuantityUnits(si_unit, default_unit),
    ]


def _whole_number_text(text):
    """``"12"`` -> 12, ``"1e5"`` -> 100000.0; other text unchanged (then refused)."""
    if re.fullmatch(r"\s*[-+]?\d+\s*", text):
        return int(text)
    try:
        return float(text)
    except ValueError:
        return text


def Integer(*, ge=None, le=None, description=None):
    """An annotated int field with bounds (a whole float such as 1e5 counts); out of range or not
    whole, the message says what was expected, not pydantic's "Input should be ..."."""
    bounds = " and ".join(f"{op} {bound}" for op, bound in ((">=", ge), ("<=", le)) if bound is not None)
    expected = "a whole number" + (f" {bounds}" if bounds else "")

    def parse(value):
        if isinstance(value, str):
            value = _whole_number_text(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise PydanticCustomError("number", "expected {expected}", {"expected": expected})
        return _within(value, None, ge, None, le, expected)

    return Annotated[int, BeforeValidator(parse, json_schema_input_type=int), Field(ge=ge, le=le, description=description)]


def Number(*, gt=None, ge=None, lt=None, le=None, description=None):
    """An annotated float field without a unit (a ratio, a tolerance, an index), bounds included.

    Out of range, the message says what was expected ("a number >= 0 and < 1"), not pydantic's
    "Input should be ..."; the JSON schema keeps the bounds.
    """
    bounds = " and ".join(
        f"{op} {bound:g}" for op, bound in ((">", gt), (">=", ge), ("<", lt), ("<=", le)) if bound is not None
    )
    expected = "a number" + (f" {bounds}" if bounds else "")

    def parse(value):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise PydanticCustomError("number", "expected {expected}", {"expected": expected})
        try:
            number = float(value)
        except ValueError:
            raise PydanticCustomError("number", "expected {expected}", {"expected": expected}) from None
        if not math.isfinite(number):
            raise PydanticCustomError("number", "not a finite number; expected {expected}", {"expected": expected})
        return _within(number, gt, ge, lt, le, expected)

    return Annotated[
        float,
        BeforeValidator(parse, json_schema_input_type=float),
        Field(gt=gt, ge=ge, lt=lt, le=le, description=description),
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
#: An angle of an orbit's orientation (node, perigee, position): within one turn either way;
#: anything more is a slip (1e30 deg leaves sin and cos no significant digit).
OrbitAngle = Quantity("rad", "deg", ge=-2.0 * math.pi, le=2.0 * math.pi)

#: Bounds of the mass per drag area m / (Cd A) (kg/m2) of a body flown through the air: a solar
#: sail is about 0.07 (LightSail 2: 5 kg, 32 m2), the ISS 119, a Soyuz 270, a solid steel ball
#: 1 m across 2,400. Lighter ones fall in minutes while the integrator crawls (1e-25:
#: minutes of nothing shown); heavier ones are no body issim knows.
MIN_BALLISTIC_COEFFICIENT_KG_M2 = 0.01
MAX_BALLISTIC_COEFFICIENT_KG_M2 = 1.0e4


def quantity_units(field_info):
    """The :class:`QuantityUnits` of a model field (a quantity, a vector, or Optional of one), or None."""

    def search(items):
        for item in items:
            if isinstance(item, QuantityUnits):
                return item
            found = search(get_args(item))
            if found is not None:
                return found
        return None

    return search([*field_info.metadata, field_info.annotation])


def _defaults_in_default_units(schema, model_class):
    """JSON schema hook: a quantity's default in the unit a bare number takes (an editor inserts
    it as a bare number), not in SI: inclination 51.64 (deg), not 0.9013 (rad)."""
    for name, field_info in model_class.model_fields.items():
        units = quantity_units(field_info)
        prop = schema.get("properties", {}).get(field_info.alias or name)
        if units is None or prop is None or "default" not in prop:
            continue
        default = field_info.get_default(call_default_factory=True)
        if default is None:
            continue
        prop["default"] = (
            [units.in_default_unit(x) for x in default] if isinstance(default, (tuple, list)) else units.in_default_unit(default)
        )


class _Owner:
    """Which model holds a section, and in which field, so that assigning to the section re-runs
    the holder's checks (a perigee floor, a sample count). Held weakly; never compared, copied
    or pickled: a copy is linked again by its own holder."""

    __slots__ = ("ref", "field")

    def __init__(self, owner=None, field=None):
        self.ref = None if owner is None else weakref.ref(owner)
        self.field = field

    def get(self):
        return None if self.ref is None else self.ref()

    def __eq__(self, other):
        return isinstance(other, _Owner)

    __hash__ = None

    def __copy__(self):
        return _Owner()

    def __deepcopy__(self, _memo):
        return _Owner()

    def __reduce__(self):
        return (_Owner, ())


class StrictModel(BaseModel):
    """A section of a scenario file: unknown keys are errors, values validated on assignment.

    Assignment re-runs the section's own checks and those of every model that holds it (up to
    the scenario), and leaves the model unchanged if any fails: ``m.station.altitude = "50 km"``
    raises, as loading that value does.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True, json_schema_extra=_defaults_in_default_units)
    _owner: _Owner = PrivateAttr(default_factory=_Owner)

    def model_post_init(self, _context):
        self._adopt_sections()

    def _adopt_sections(self):
        """Link the sections this model holds (directly or in a list) back to it."""
        for name in type(self).model_fields:
            value = self.__dict__.get(name)
            for child in value if isinstance(value, (list, tuple)) else (value,):
                if isinstance(child, StrictModel):
                    child._owner = _Owner(self, name)

    def _recheck_owner(self):
        """Re-run the checks of the model holding this section, up the chain (raises ValidationError)."""
        owner, field = self._owner.get(), self._owner.field
        if owner is None:
            return
        held = owner.__dict__.get(field)
        if held is not self and not (isinstance(held, (list, tuple)) and any(item is self for item in held)):
            self._owner = _Owner()  # no longer held there (replaced, or a shallow copy's section)
            return
        setattr(owner, field, held)

    def __setattr__(self, name, value):
        if name not in type(self).model_fields:
            return super().__setattr__(name, value)
        before, was_set = self.__dict__.get(name), name in self.model_fields_set
        try:
            # this section's field and model checks (pydantic keeps the new value if a model check fails)
            super().__setattr__(name, value)
            self._recheck_owner()
        except ValidationError:
            self.__dict__[name] = before
            if not was_set:
                self.model_fields_set.discard(name)
            raise
        self._adopt_sections()

    def __deepcopy__(self, memo=None):
        copied = super().__deepcopy__(memo)
        copied._adopt_sections()
        return copied

    def __setstate__(self, state):
        super().__setstate__(state)
        self._adopt_sections()


#: Earliest and latest epoch (UTC, ISO) issim accepts. UTC begins in 1960: before it erfa's
#: time scales are undefined ("dubious year"), and no satellite flew before October 1957.
#: Past astropy's bundled tables (Earth orientation to about a year after the astropy release,
#: leap seconds to their expiry) UT1-UTC and TAI-UTC are held at their last values, while the
#: Earth's rotation drifts from them by some 0.1 to 1 s a year (50 to 500 m at the equator);
#: by 2100 its unknown drift reaches tens of seconds (ground tracks off by several km), the
#: most a ground track or a landing point can be trusted with.
EPOCH_MIN_UTC = "1960-01-01T00:00:00"
EPOCH_MAX_UTC = "2100-01-01T00:00:00"
_EPOCH_EXPECTED = f"a UTC date and time such as '2026-11-25T00:00:00' from {EPOCH_MIN_UTC[:10]} to before {EPOCH_MAX_UTC[:10]}"


def epoch_out_of_range():
    """The validation error of an epoch outside [EPOCH_MIN_UTC, EPOCH_MAX_UTC)."""
    return PydanticCustomError(
        "epoch", "outside the years issim's time and Earth-orientation data cover; expected {expected}", {"expected": _EPOCH_EXPECTED}
    )


def epoch_in_range(isot):
    """Whether an ISO UTC text (astropy's ``isot``) lies in [EPOCH_MIN_UTC, EPOCH_MAX_UTC).

    Compares the normalised text, so that years below 1000 or above 9999 (written oddly) never pass.
    """
    return len(isot) == 23 and EPOCH_MIN_UTC <= isot < EPOCH_MAX_UTC


def _parse_epoch(value):
    if isinstance(value, datetime):
        value = value.isoformat()
    if not isinstance(value, str):
        raise PydanticCustomError("epoch", "expected {expected}", {"expected": _EPOCH_EXPECTED})
    from astropy.time import Time

    from orbital.earth.frames import quiet_time_scales

    text = value.strip().removesuffix("Z").removesuffix("UTC").strip()
    try:
        with quiet_time_scales():
            time = Time(text, scale="utc")
            isot = time.isot
    except Exception:
        raise PydanticCustomError("epoch", "expected {expected}", {"expected": _EPOCH_EXPECTED}) from None
    if not epoch_in_range(isot):
        raise epoch_out_of_range()
    return isot


Epoch = Annotated[str, BeforeValidator(_parse_epoch, json_schema_input_type=str), Field(description="UTC, ISO 8601")]


#: Mean altitude (m) of a station given no size (neither ``altitude`` nor ``semi_major_axis``).
DEFAULT_MEAN_ALTITUDE_M = 420.0e3

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
    """The station: its orbit at ``epoch`` (mean or osculating elements, or a TLE) and its drag body.

    With ``altitude`` (or neither size field: 420 km) the elements are mean elements, as published
    figures are: first-order J2 Brouwer mean elements (:mod:`orbital.earth.mean_elements`), and
    ``altitude`` the orbit's mean height above the WGS84 ellipsoid. With ``semi_major_axis`` they
    are osculating elements, the state at the epoch as it is. Elements refer to the true equator
    and equinox of the epoch (TEME, the frame of TLEs), so an inclination of 51.64 deg is the
    ISS's published one.
    """

    epoch: Epoch = "2026-11-25T00:00:00.000"
    altitude: Optional[Altitude] = Field(
        default=None,
        description="mean altitude (bare number: km): the height above the WGS84 ellipsoid averaged over a revolution, "
        "as published ('the ISS at 420 km'); the other elements are then mean elements (first-order J2, Brouwer); default 420 km",
    )
    semi_major_axis: Optional[Quantity("m", "km", gt=0.0, le=R_EARTH_EQ_M + 1.0e8)] = Field(
        default=None, description="osculating semi-major axis at the epoch (bare number: km), instead of altitude: the elements are "
        "then osculating; at most the Earth's radius + 100,000 km",
    )
    eccentricity: Number(ge=0.0, lt=1.0, description="0 circular; closed orbits only") = 0.0005
    inclination: Quantity("rad", "deg", ge=0.0, le=3.141592653589793) = 0.9012880257298718
    raan: OrbitAngle = 0.0
    arg_perigee: OrbitAngle = 0.0
    arg_latitude: OrbitAngle = Field(default=0.0, description="argument of latitude at epoch (arg_perigee + true anomaly) (bare number: deg)")
    tle: Optional[str] = Field(default=None, description="two-line element set; replaces epoch and elements")
    mass: Quantity("kg", "kg", ge=1.0e-3, le=1.0e7) = Field(
        default=420000.0, description="mass (bare number: kg): 1 g (a chip satellite) to 10,000 t (twice a stacked Starship)"
    )
    drag_area: Quantity("m2", "m2", ge=1.0e-4, le=1.0e5) = Field(
        default=1600.0, description="drag area (bare number: m2): 1 cm2 to 0.1 km2 (the ISS's arrays: 2,500 m2)"
    )
    drag_coefficient: Number(gt=0.0, le=10.0, description="2.2 is the usual free-molecular value") = 2.2
    density_scale: Number(gt=0.0, le=100.0, description="multiplies US76 density (solar activity)") = 1.0

    @model_validator(mode="after")
    def _one_orbit_definition(self):
        elements_given = {"altitude", "semi_major_axis", "eccentricity", "inclination", "raan", "arg_perigee", "arg_latitude", "epoch"} & self.model_fields_set
        if self.tle is not None:
            if elements_given:
                raise field_error(
                    "tle", "a two-line element set",
                    f"give either 'tle' or orbital elements, not both (found tle and {', '.join(sorted(elements_given))})",
                )
            return self.check_ballistic_coefficient()
        if self.altitude is not None and self.semi_major_axis is not None:
            raise field_error("semi_major_axis", f"{self.semi_major_axis / 1e3:g} km", "give 'altitude' or 'semi_major_axis', not both")
        perigee_m = self.perigee_radius_m
        if perigee_m <= R_EARTH_EQ_M:
            field, value = self.size_field()
            raise field_error(
                field, value,
                f"the perigee ({(perigee_m - R_EARTH_EQ_M) / 1e3:.1f} km above the equator, from the semi-major axis and "
                "eccentricity) is under the Earth's surface; expected a perigee altitude above 0 km",
            )
        return self.check_ballistic_coefficient()

    def check_ballistic_coefficient(self):
        """Refuse a mass per drag area m / (Cd A) outside [MIN, MAX]_BALLISTIC_COEFFICIENT_KG_M2; returns self."""
        value = self.mass / (self.drag_coefficient * self.drag_area)
        if MIN_BALLISTIC_COEFFICIENT_KG_M2 <= value <= MAX_BALLISTIC_COEFFICIENT_KG_M2:
            return self
        raise field_error(
            "drag_area", f"{self.drag_area:g} m2",
            f"with mass {self.mass:g} kg and drag_coefficient {self.drag_coefficient:g}, the ballistic coefficient "
            f"m / (Cd A) is {value:.3g} kg/m2; expected {MIN_BALLISTIC_COEFFICIENT_KG_M2:g} to "
            f"{MAX_BALLISTIC_COEFFICIENT_KG_M2:g} kg/m2 (a solar sail about 0.07, the ISS 119, a steel ball 1 m across 2,400)",
        )

    def size_field(self):
        """``(field, value text)`` that sets the orbit's size: semi_major_axis if given, else altitude."""
        if self.semi_major_axis is not None:
            return "semi_major_axis", f"{self.semi_major_axis / 1e3:g} km"
        return "altitude", f"{self.mean_altitude_m / 1e3:g} km"

    @field_validator("tle")
    @classmethod
    def _tle_is_valid(cls, value):
        if value is None:
            return value
        from orbital.earth.frames import quiet_time_scales
        from orbital.earth.tle import parse_tle, tle_state_teme

        try:
            line1, line2 = parse_tle(value)
            with quiet_time_scales():
                epoch, _, _ = tle_state_teme(line1, line2)  # SGP4 itself refuses some element sets (decayed, e >= 1)
                isot = epoch.utc.isot
        except TLEError as exc:
            raise PydanticCustomError("tle", "{reason}", {"reason": str(exc)}) from None
        if not epoch_in_range(isot):
            raise PydanticCustomError(
                "tle", "its epoch {epoch} is outside the years issim's time and Earth-orientation data cover; expected {expected}",
                {"epoch": isot, "expected": _EPOCH_EXPECTED},
            )
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
            data["altitude"] = format_si(self.mean_altitude_m, "m")
            data.pop("semi_major_axis", None)
        if self.tle is None:
            data.pop("tle", None)
        return data

    @property
    def mean_elements(self):
        """Whether the elements are mean elements (``altitude`` given, or no size at all), not osculating ones."""
        return self.tle is None and self.semi_major_axis is None

    @property
    def mean_altitude_m(self):
        """Mean altitude (m) of the elements' orbit (:func:`orbital.earth.mean_elements.mean_altitude_m`):
        ``altitude`` (default 420 km) for mean elements, else that of the osculating elements' mean orbit (not for a TLE)."""
        if self.mean_elements:
            return DEFAULT_MEAN_ALTITUDE_M if self.altitude is None else self.altitude
        from orbital.earth.mean_elements import mean_altitude_m

        mean = self._mean_of_osculating()
        return mean_altitude_m(float(mean.a_m), float(mean.ecc), float(mean.inc_rad), float(mean.argp_rad))

    @property
    def mean_semi_major_axis_m(self):
        """Mean semi-major axis (m): that of ``altitude`` (:func:`orbital.earth.mean_elements.mean_semi_major_axis_m`),
        or of the osculating elements' mean orbit (not for a TLE)."""
        if not self.mean_elements:
            return float(self._mean_of_osculating().a_m)
        from orbital.earth.mean_elements import mean_semi_major_axis_m

        return mean_semi_major_axis_m(self.mean_altitude_m, self.eccentricity, self.inclination, self.arg_perigee)

    @property
    def perigee_radius_m(self):
        """Perigee radius (m) of the elements given: of the mean orbit for mean elements, else osculating."""
        a_m = self.mean_semi_major_axis_m if self.mean_elements else self.semi_major_axis
        return a_m * (1.0 - self.eccentricity)

    def _mean_of_osculating(self):
        """First-order J2 mean elements of osculating elements (``semi_major_axis`` given)."""
        from orbital.earth.elements import true_to_mean_anomaly
        from orbital.earth.mean_elements import osculating_to_mean

        mean_anomaly = true_to_mean_anomaly(self.arg_latitude - self.arg_perigee, self.eccentricity)
        return osculating_to_mean(self.semi_major_axis, self.eccentricity, self.inclination, self.raan, self.arg_perigee, mean_anomaly)

    def check_perigee_above(self, section, floor_m, floor_name):
        """Refuse an orbit (elements or TLE) whose perigee is not above ``floor_m`` (m above the equator)."""
        if self.tle is not None:
            from orbital.earth.tle import tle_perigee_height_m

            perigee_m = tle_perigee_height_m(self.tle)
            field, value = "tle", f"mean perigee {perigee_m / 1e3:.1f} km"
        else:
            perigee_m = self.perigee_radius_m - R_EARTH_EQ_M
            field, value = self.size_field()
        if perigee_m > floor_m:
            return
        raise field_error(
            f"{section}.{field}", value,
            f"perigee {perigee_m / 1e3:g} km above the equator; expected above {floor_name} ({floor_m / 1e3:g} km)",
        )


def initial_state(station, j2=True):
    """Epoch (ISO UTC text) and state ``(r_m, v_m_s)`` of a :class:`StationSpec` (``j2``: whether
    the run flies J2; without it mean elements are Kepler elements).

    The state is in TEME of the epoch (true equator and equinox of date, as for
    TLEs): the station is integrated there, with J2 about the true pole. Mean elements
    (``altitude``) become the osculating state of :func:`orbital.earth.mean_elements.mean_elements_to_rv`;
    every kind starts its station here, so all take ``altitude`` in the same sense.
    """
    # numpy, astropy and sgp4 load here, not when a scenario file is read (issim list, validate)
    import numpy as np

    from orbital.earth.constants import J2_EARTH
    from orbital.earth.elements import classical_to_rv
    from orbital.earth.mean_elements import mean_elements_to_rv, mean_semi_major_axis_m

    if station.tle is not None:
        from orbital.earth.tle import parse_tle, tle_state_teme

        line1, line2 = parse_tle(station.tle)
        epoch, r_m, v_m_s = tle_state_teme(line1, line2)
        return epoch.utc.isot, r_m, v_m_s
    shape = (station.eccentricity, station.inclination, station.raan, station.arg_perigee, station.arg_latitude - station.arg_perigee)
    if station.mean_elements:
        j2_coefficient = J2_EARTH if j2 else 0.0
        a_m = mean_semi_major_axis_m(station.mean_altitude_m, station.eccentricity, station.inclination, station.arg_perigee, j2_coefficient)
        r_m, v_m_s = mean_elements_to_rv(a_m, *shape, j2=j2_coefficient)
    else:
        r_m, v_m_s = classical_to_rv(station.semi_major_axis, *shape)
    return station.epoch, np.asarray(r_m, dtype=float), np.asarray(v_m_s, dtype=float)


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
    # Measured on iss_orbit (420 km, one day): the energy drift of the integration itself is
    # 0.07 m/day at rtol 1e-8, 0.9 m/day at 1e-7 and 13 m/day at 1e-6, against a decay of
    # 69 m/day: the decay rate is off by 0.1 % at 1e-8, 1.3 % at 1e-7, 4.7 % at 3e-7 and
    # 50,000 % at 1e-3. Below 1e-13 scipy raises the tolerance itself (100 x machine epsilon).
    rtol: Number(
        ge=1e-13, le=1e-8,
        description="relative tolerance of the adaptive step; above 1e-8 the integration's own energy drift shows in the decay rate",
    ) = 1e-10


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
    seed: Integer(ge=0, le=2**63 - 1, description="random seed; runs are reproducible") = 0

    @field_validator("name")
    @classmethod
    def _plain_file_name(cls, value):
        if value and not NAME_PATTERN.fullmatch(value):
            raise PydanticCustomError(
                "name", "expected up to 100 letters, digits, '_', '-' or '.' (not first): it names the run directory"
            )
        return value

