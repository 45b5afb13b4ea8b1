"""Quantities with units, as written in YAML and on the command line."""

import math

import pytest

from orbital.errors import QuantityError
from orbital.quantities import format_si, to_si


@pytest.mark.parametrize(
    "text, si_unit, default, expected",
    [
        ("420 km", "m", "km", 420_000.0),
        ("420km", "m", "km", 420_000.0),
        (420, "m", "km", 420_000.0),
        ("0.1 m/s", "m/s", "m/s", 0.1),
        ("4 min 41 s", "s", "s", 281.0),  # MS-11 deorbit burn duration
        ("3 d", "s", "s", 3 * 86400.0),
        ("90 min", "s", "s", 5400.0),
        ("1600 m2", "m2", "m2", 1600.0),
        ("420 t", "kg", "kg", 420_000.0),
        ("1.5e-3 km", "m", "km", 1.5),
    ],
)
def test_reads_quantities(text, si_unit, default, expected):
    assert to_si(text, si_unit, default) == pytest.approx(expected, rel=1e-15)


def test_angles_in_radians():
    assert to_si("51.64 deg", "rad", "deg") == pytest.approx(math.radians(51.64), rel=1e-15)
    assert to_si(180, "rad", "deg") == pytest.approx(math.pi, rel=1e-15)


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("5 km/s", "not a unit of length"),
        ("abc", "does not start with a number"),
        ("1 furlongz", "not a unit astropy knows"),
        ("", "empty"),
        ("inf km", "does not start with a number"),
        (True, "expected a number"),
        ([1, 2], "expected a number"),
    ],
)
def test_rejects_bad_quantities(text, fragment):
    with pytest.raises(QuantityError, match=fragment):
        to_si(text, "m", "km")


def test_written_form_reads_back_bit_for_bit():
    for value in (0.1, 6798137.0000000001, math.pi / 7, 1e-300):
        assert to_si(format_si(value, "m"), "m", "m") == value
