"""Numbers in words for the viewer's text: the HUD, the live plots, the profile inset, the headlines."""

import math


def round_figures(number, figures=3):
    """``26.0`` -> ``"26"``, ``0.24134`` -> ``"0.241"``, ``385.67`` -> ``"386"``: at most ``figures``
    significant figures past the whole number, no trailing zeros."""
    if number == 0 or not math.isfinite(number):
        return f"{number:g}"
    decimals = max(0, figures - 1 - math.floor(math.log10(abs(number))))
    text = f"{number:.{decimals}f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text == "-0" else text
