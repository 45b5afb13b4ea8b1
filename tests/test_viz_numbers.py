"""Numbers in the viewer's words (viz.numbers): one formatter for the HUD, the live plots, the
profile inset, the scale bar and the headlines."""

from orbital.result import Event
from viz.hud import headline
from viz.numbers import format_length, format_quantity


def test_a_length_is_said_in_the_unit_that_suits_its_size():
    # the profile inset read "0.0000335 km up" at touchdown
    assert format_quantity(0.0000335, "km") == "3.35 cm"
    assert format_length(0.0) == "0 m" and format_length(-0.0) == "0 m"
    assert format_length(0.0004) == "0.4 mm"
    assert format_length(946.15) == "946 m" and format_length(59.97) == "60 m"
    assert format_length(999.7) == "1 km"  # rounded first: not "1000 m"
    assert format_length(2498.4e3) == "2498 km"  # figures past the whole number are dropped, never the whole
    assert format_length(-1234.0) == "-1.23 km"
    assert format_quantity(1.69, "km") == "1.69 km" and format_quantity(0.9, "km") == "900 m"


def test_a_speed_in_km_s_or_m_s_and_other_units_to_three_figures():
    assert format_quantity(7.6601, "km/s") == "7.66 km/s"
    assert format_quantity(0.41, "km/s") == "410 m/s"
    assert format_quantity(0.548, "m/s") == "0.548 m/s"  # an astronaut's delta-v stays in m/s
    assert format_length(1.5633, "/s") == "1.56 m/s"
    assert format_quantity(3.9412, "g") == "3.94 g" and format_quantity(1.0, "g") == "1 g"
    assert format_quantity(0.04896, "kW/m2") == "0.049 kW/m2"
    assert format_quantity(26.0, "") == "26"
    assert format_quantity(1.4512e-8, "g") == "1.45e-8 g"  # a free fall's load: not "0.0000000145 g"
    assert format_quantity(-2.0e-4, "N") == "-2e-4 N" and format_quantity(0.00123, "g") == "0.00123 g"


def test_headlines_say_lengths_and_speeds_in_units_that_suit_them():
    touchdown = Event(0.0, "touchdown", "touchdown at 0.00 m, 1.56 m/s")
    soft = Event(0.0, "soft_landing", "soft-landing engines fire at 0.80 m, 7.21 m/s")
    drogue = Event(0.0, "parachute", "parachute command: drogue opens at 10.80 km, 230.1 m/s air speed")
    assert headline(touchdown) == "touchdown at 0 m, 1.56 m/s"
    assert headline(soft) == "soft landing: soft-landing engines fire at 80 cm, 7.21 m/s"
    assert headline(drogue) == "parachute command: drogue opens at 10.8 km, 230 m/s air speed"


def test_a_title_too_wide_for_its_panel_is_shortened_to_fit():
    from viz.overlay_text import fit, line_width_px

    wide = "profile: 0.0000335 km up, 2498 km downrange"  # it read "downrang" at the panel's edge
    assert line_width_px(wide, 8) > 220 - 6
    assert fit([wide, "3.35 cm up, 2498 km downrange"], 220, 8) == "3.35 cm up, 2498 km downrange"
    assert fit(["short"], 220, 8) == "short"
    cut = fit(["a title far too long for a panel of this width"], 120, 8)
    assert cut.endswith("\u2026") and line_width_px(cut, 8) <= 120 - 6


def test_a_landing_ellipse_is_said_in_the_units_that_suit_its_axes():
    from viz.globe_layers import _ellipse_size

    assert _ellipse_size({"ellipse_major_km": 48.21, "ellipse_minor_km": 14.07, "ellipse_probability": 0.95}) == "48.2 km x 14.1 km (95%)"
    # a tight ellipse (a guided descent with small spreads) read "1 x 0 km"
    assert _ellipse_size({"ellipse_major_km": 0.82, "ellipse_minor_km": 0.31}) == "820 m x 310 m"
    assert _ellipse_size({"ellipse_major_km": None, "ellipse_minor_km": 1.0}) is None
