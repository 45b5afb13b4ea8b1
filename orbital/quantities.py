"""Quantities with units, as written in scenario files and on the command line.

A quantity is a string of one or more ``number unit`` terms that are summed:
``"420 km"``, ``"0.1 m/s"``, ``"4 min 41 s"``, ``"1600 m2"``. A bare number takes
the field's documented default unit. Units are parsed by astropy, so anything
astropy knows works ("d", "h", "min", "deg", "arcmin", "t", "kg/m3", ...).
Values leave here as plain floats in SI units.
"""

import math
import warnings
import re

from orbital.errors import QuantityError

_NUMBER = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


def _terms(text):
    """Split ``"4 min 41 s"`` into ``[(4.0, "min"), (41.0, "s")]``."""
    terms = []
    for token in text.split():
        match = _NUMBER.match(token)
        if match:
            terms.append([float(match.group(0)), token[match.end():]])
        elif terms:
            terms[-1][1] = f"{terms[-1][1]} {token}".strip()
        else:
            raise QuantityError("it does not start with a number")
    if not terms:
        raise QuantityError("it is empty")
    return [(value, unit.strip()) for value, unit in terms]


def to_si(value, si_unit, default_unit, kind=None):
    """Convert a number or a ``"number unit ..."`` string to a float in ``si_unit``.

    ``kind`` names the quantity in messages ("angular rate"); default: astropy's
    physical type of ``si_unit``. Raises :class:`QuantityError` for text that is not a quantity of the right
    kind (a length where a speed is expected, an unknown unit, NaN, ...).
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise QuantityError(f"expected a number or a string such as '1 {default_unit}'")
    if isinstance(value, (int, float)):
        terms = [(float(value), "")]
    else:
        terms = _terms(value)

    from astropy import units as u

    target = u.Unit(si_unit)
    total = 0.0
    for number, unit_text in terms:
        unit_text = unit_text or default_unit
        try:
            with warnings.catch_warnings():  # astropy warns on style ('m/s/s'); the message below is the one message
                warnings.simplefilter("ignore", u.UnitsWarning)
                unit = u.Unit(unit_text, parse_strict="raise")
            total += (number * unit).to_value(target)
        except u.UnitConversionError:
            raise QuantityError(
                f"'{unit_text}' is not a unit of {kind or target.physical_type}"
            ) from None
        except Exception:
            raise QuantityError(f"'{unit_text}' is not a unit astropy knows") from None
    if not math.isfinite(total):
        raise QuantityError("it is not a finite number")
    return total


def format_si(value, si_unit):
    """Write an SI float back as a quantity string that :func:`to_si` reads exactly."""
    return f"{float(value)!r} {si_unit}" if si_unit else repr(float(value))
