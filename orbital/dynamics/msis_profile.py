"""NRLMSIS 2.1 air density through ``pymsis``: one global-mean profile, or air that follows the Sun.

``pymsis`` (NASA/NRL's Fortran model in a PyPI wheel) is called with the solar flux F10.7
(daily and 81-day mean, sfu) and the geomagnetic index Ap given explicitly, so it never looks
for space-weather files and runs offline. It is evaluated on a latitude/longitude grid (at
0 h UTC longitude is local solar time) at 1 km height knots; ln(rho) is interpolated linearly,
clamped below 0 and extended exponentially above 1000 km. Heights in metres, densities in kg/m^3.

* :func:`global_mean_density_function` (``space_weather: fixed``): the grid at the epoch for
  fixed F10.7/Ap, averaged with cos(latitude) weights altitude by altitude. The diurnal bulge,
  seasons and the solar cycle's course are averaged out or held fixed; what remains is the
  density's dependence on solar activity, which dominates decay.
* :class:`ForecastDensity` (``space_weather: forecast``): one grid per month, at the 16th 0 h UTC
  for that month's F10.7, 81-day F10.7 and Ap from ``data/space_weather_monthly.csv``
  (observed months, then NOAA SWPC's forecast; see the make script beside it for sources and
  licence), ln(rho) blended linearly in time between neighbouring months, and read at each
  point's local solar time and latitude: the day/night bulge stays in.
"""

from functools import lru_cache
from pathlib import Path
from typing import Callable, NamedTuple

import numpy as np

from orbital.earth.sun import julian_date, sun_ra_dec_rad

#: Knots of the profile (m) and the evaluation grid (deg): longitude 0..330 is local solar time 0..22 h at 0 h UTC.
PROFILE_HEIGHTS_M = np.arange(0.0, 1000.0e3 + 1.0, 1.0e3)
_LATITUDES_DEG = np.linspace(-85.0, 85.0, 18)
_LONGITUDES_DEG = np.arange(0.0, 360.0, 30.0)
#: The monthly space-weather table shipped with the package.
SPACE_WEATHER_CSV = Path(__file__).parents[1] / "data" / "space_weather_monthly.csv"
#: Months whose grids a :class:`ForecastDensity` keeps (each 1.7 MB; one pymsis call, about 1 s, to make).
GRID_CACHE_MONTHS = 48


def _msis_grid_kg_m3(date_iso, f107_sfu, f107a_sfu, ap):
    """NRLMSIS 2.1 total mass density (kg/m^3), shape (longitude, latitude, height) on the grid."""
    from pymsis import msis

    date = np.array([np.datetime64(str(date_iso).rstrip("Z"), "s")])
    out = msis.calculate(
        date, _LONGITUDES_DEG, _LATITUDES_DEG, PROFILE_HEIGHTS_M / 1e3,
        f107s=[f107_sfu], f107as=[f107a_sfu], aps=[[ap] * 7],
    )
    return np.asarray(out, dtype=float)[0, :, :, :, 0]


def global_mean_profile(epoch_iso, f107_sfu, f107a_sfu, ap):
    """Global-mean NRLMSIS 2.1 density (kg/m^3) at :data:`PROFILE_HEIGHTS_M` on ``epoch_iso`` (UTC)."""
    return _global_mean(_msis_grid_kg_m3(epoch_iso, f107_sfu, f107a_sfu, ap))


def _global_mean(rho):
    """cos(latitude)-weighted mean over the grid's longitudes and latitudes, height by height."""
    weights = np.cos(np.radians(_LATITUDES_DEG))
    return np.einsum("ijk,j->k", rho, weights) / (weights.sum() * _LONGITUDES_DEG.size)


def global_mean_density_function(epoch_iso, f107_sfu, f107a_sfu, ap):
    """A function height (m, float or array) -> density (kg/m^3) from :func:`global_mean_profile`."""
    ln_rho = np.log(global_mean_profile(epoch_iso, f107_sfu, f107a_sfu, ap))
    top_slope = (ln_rho[-1] - ln_rho[-2]) / (PROFILE_HEIGHTS_M[-1] - PROFILE_HEIGHTS_M[-2])
    top = PROFILE_HEIGHTS_M[-1]

    def density_kg_m3(height_m):
        z = np.asarray(height_m, dtype=float)
        above = np.maximum(z - top, 0.0)
        return np.exp(np.interp(z, PROFILE_HEIGHTS_M, ln_rho) + top_slope * above)

    return density_kg_m3


class SpaceWeatherTable(NamedTuple):
    """The monthly table: first days of the months (datetime64[M]) and their values."""

    months: np.ndarray
    f107_sfu: np.ndarray
    f107a_sfu: np.ndarray
    ap: np.ndarray
    observed: np.ndarray


@lru_cache(maxsize=1)
def space_weather_table() -> SpaceWeatherTable:
    """:data:`SPACE_WEATHER_CSV`, read once."""
    rows = [line.split(",") for line in SPACE_WEATHER_CSV.read_text().splitlines() if line and not line.startswith("#")][1:]
    return SpaceWeatherTable(
        np.array([row[0] for row in rows], dtype="datetime64[M]"),
        *(np.array([float(row[k]) for row in rows]) for k in (1, 2, 3)),
        np.array([row[4] == "observed" for row in rows]),
    )


def space_weather_at(utc_iso):
    """``(f107_sfu, f107a_sfu, ap, observed)`` of the table's month holding ``utc_iso``; ValueError outside it."""
    table = space_weather_table()
    month = np.datetime64(str(utc_iso).rstrip("Z")[:7], "M")
    k = int(np.searchsorted(table.months, month))
    if k >= table.months.size or table.months[k] != month:
        raise ValueError(f"{month} is outside the space-weather table ({table.months[0]} to {table.months[-1]})")
    return float(table.f107_sfu[k]), float(table.f107a_sfu[k]), float(table.ap[k]), bool(table.observed[k])


def _trilinear_ln(grid, lst_h, lat_deg, height_m):
    """ln(rho) of a (longitude=local time, latitude, height) grid of ln(rho) at points (N,): local time
    periodic, latitude clamped to the grid, height clamped below 0 and extrapolated above 1000 km."""
    x = np.mod(lst_h, 24.0) / 2.0
    i0 = np.floor(x).astype(int) % _LONGITUDES_DEG.size
    i1 = (i0 + 1) % _LONGITUDES_DEG.size
    fx = x - np.floor(x)
    y = np.clip((lat_deg - _LATITUDES_DEG[0]) / (_LATITUDES_DEG[1] - _LATITUDES_DEG[0]), 0.0, _LATITUDES_DEG.size - 1.0)
    j0 = np.minimum(np.floor(y).astype(int), _LATITUDES_DEG.size - 2)
    fy = y - j0
    z = np.maximum(height_m, 0.0) / 1e3
    k0 = np.minimum(np.floor(z).astype(int), PROFILE_HEIGHTS_M.size - 2)
    fz = z - k0  # above the top knot fz > 1: the top slope carries on

    def along_height(i, j):
        low = grid[i, j, k0]
        return low + fz * (grid[i, j, k0 + 1] - low)

    def along_latitude(i):
        low = along_height(i, j0)
        return low + fy * (along_height(i, j0 + 1) - low)

    low = along_latitude(i0)
    return low + fx * (along_latitude(i1) - low)


class ForecastDensity:
    """NRLMSIS 2.1 under the monthly space weather of :data:`SPACE_WEATHER_CSV`, from ``epoch_iso`` on.

    :meth:`at` gives the air at a time as a function of position (see the module docstring).
    Past the table's last month the last month holds. ValueError for an epoch before the table.
    """

    def __init__(self, epoch_iso):
        table = space_weather_table()
        epoch = np.datetime64(str(epoch_iso).rstrip("Z"), "s")
        if epoch < table.months[0].astype("datetime64[s]"):
            raise ValueError(f"epoch {epoch_iso} is before the space-weather table, which starts {table.months[0]}")
        self.epoch_jd = float(julian_date(epoch))
        self.table = table
        nodes = table.months.astype("datetime64[D]") + np.timedelta64(15, "D")  # the 16th, 0 h UTC
        self.node_dates = nodes
        self.node_t_s = (nodes.astype("datetime64[s]") - epoch) / np.timedelta64(1, "s")
        self._grid = lru_cache(maxsize=GRID_CACHE_MONTHS)(self._month_grid)

    def _month_grid(self, k):
        """Month ``k`` of the table: ``(ln(rho) grid float32 (longitude = local time, latitude, height),
        ln(rho) of its global mean (height))``."""
        t = self.table
        rho = _msis_grid_kg_m3(str(self.node_dates[k]), t.f107_sfu[k], t.f107a_sfu[k], t.ap[k])
        return np.log(rho).astype(np.float32), np.log(_global_mean(rho))

    def at(self, t_s, local=True) -> Callable:
        """The air at ``t_s`` (s since the epoch): a function ``(r_m (..., 3) inertial, z the pole;
        height_m (...)) -> density (kg/m^3)``; ``local=False``: the global mean at that height
        (what an orbit average needs: a smooth function, the bulge averaged out)."""
        nodes = self.node_t_s
        k = int(np.clip(np.searchsorted(nodes, t_s, side="right") - 1, 0, nodes.size - 2))
        w = float(np.clip((t_s - nodes[k]) / (nodes[k + 1] - nodes[k]), 0.0, 1.0))
        months = [(self._grid(k), 1.0 - w)] + ([(self._grid(k + 1), w)] if w > 0.0 else [])
        if not local:
            ln_rho = sum(weight * month[1] for month, weight in months)
            top_slope = (ln_rho[-1] - ln_rho[-2]) / (PROFILE_HEIGHTS_M[-1] - PROFILE_HEIGHTS_M[-2])

            def mean_density_kg_m3(_r_m, height_m):
                z = np.asarray(height_m, dtype=float)
                above = np.maximum(z - PROFILE_HEIGHTS_M[-1], 0.0)
                return np.exp(np.interp(z, PROFILE_HEIGHTS_M, ln_rho) + top_slope * above)

            return mean_density_kg_m3
        sun_ra, _ = sun_ra_dec_rad(self.epoch_jd + t_s / 86400.0)

        def density_kg_m3(r_m, height_m):
            r = np.asarray(r_m, dtype=float)
            shape = r.shape[:-1]
            r = r.reshape(-1, 3)
            lst_h = 12.0 + np.degrees(np.arctan2(r[:, 1], r[:, 0]) - sun_ra) / 15.0
            lat_deg = np.degrees(np.arcsin(r[:, 2] / np.linalg.norm(r, axis=-1)))
            height = np.broadcast_to(np.asarray(height_m, dtype=float), shape).reshape(-1)
            ln_rho = sum(weight * _trilinear_ln(month[0], lst_h, lat_deg, height) for month, weight in months)
            out = np.exp(ln_rho)
            return out.reshape(shape) if shape else float(out[0])

        return density_kg_m3
