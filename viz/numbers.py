"""Numbers in words for the viewer's text: the HUD, the live plots, the profile inset, the headlines."""

import math

#: Numbers smaller than this (in magnitude) are written in powers of ten.
SMALLEST_PLAIN = 1e-3

def round_figures(number, figures=3):
    """``26.0`` -> ``"26"``, ``0.24134`` -> ``"0.241"``, ``385.67`` -> ``"386"``: at most ``figures``
    significant figures past the whole number, no trailing zeros; below :data:`SMALLEST_PLAIN` in
    powers of ten (``1.45e-8``: a free fall's sensed load, not ``0.0000000145``)."""
    if number == 0 or not math.isfinite(number):
        return f"{number:g}"
    if abs(number) < SMALLEST_PLAIN:
        mantissa, exponent = f"{number:.{figures - 1}e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
        return f"{mantissa}e{int(exponent)}"
    decimals = max(0, figures - 1 - math.floor(math.log10(abs(number))))
    text = f"{number:.{decimals}f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text == "-0" else text


#: Units of length by their size (m), largest first: a length is said in the largest of them it
#: fills at least once (``"2498 km"``, ``"946 m"``, ``"3.35 cm"``).
LENGTH_UNITS_M = (("km", 1e3), ("m", 1.0), ("cm", 1e-2), ("mm", 1e-3))


def format_length(metres, per="", figures=3):
    """A length (m) in the unit that suits its size, to ``figures`` significant figures past the
    whole number (:func:`round_figures`): ``"23.4 m"``, ``"480 m"``, ``"3.02 km"``, ``"2000 km"``,
    ``"3.35 cm"``, ``"0 m"``; ``per`` follows the unit (``"/s"``: a speed, in km/s or m/s only,
    ``"1.56 m/s"``, ``"0.548 m/s"``)."""
    if not math.isfinite(metres):
        return f"{metres:g} m{per}"
    rounded = float(f"{metres:.{figures}g}")  # 999.7 m is "1 km", not "1000 m"
    if rounded == 0.0:
        return f"0 m{per}"
    units = LENGTH_UNITS_M[:2] if per else LENGTH_UNITS_M
    name, size = next(((n, s) for n, s in units if abs(rounded) >= s), units[-1])
    return f"{round_figures(metres / size, figures)} {name}{per}"


def format_quantity(value, unit, figures=3):
    """``value`` in ``unit`` as the viewer writes it: a length or a speed (``km``, ``m``, ``km/s``,
    ``m/s`` ...) in the unit that suits its size (:func:`format_length`), anything else to
    ``figures`` significant figures (:func:`round_figures`) before its unit (``"3.2 g"``)."""
    base, slash, rest = unit.partition("/")
    size = dict(LENGTH_UNITS_M).get(base)
    if size is not None and (not slash or rest == "s"):
        return format_length(value * size, slash + rest, figures)
    return f"{round_figures(value, figures)} {unit}".rstrip()
