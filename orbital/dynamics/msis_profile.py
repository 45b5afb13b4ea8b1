"""NRLMSIS 2.1 air density through ``pymsis``, as one global-mean profile for a run.

``pymsis`` (NASA/NRL's Fortran model in a PyPI wheel) is called once, with the
solar flux F10.7 (daily and 81-day mean, sfu) and the geomagnetic index Ap given
explicitly, so it never looks for space-weather files and runs offline. It is
evaluated at the epoch on a latitude/longitude grid (longitude spans local
time) and averaged with cos(latitude) weights, altitude by altitude: the
diurnal bulge, seasons and the solar cycle's course are averaged out or held
fixed; what remains is the density's dependence on solar activity, which
dominates decay. Heights in metres, densities in kg/m^3; ln(rho) is
interpolated linearly between 1 km knots, clamped below 0 and extended
exponentially above 1000 km.
"""

import numpy as np

#: Knots of the profile (m) and the averaging grid (deg).
PROFILE_HEIGHTS_M = np.arange(0.0, 1000.0e3 + 1.0, 1.0e3)
_LATITUDES_DEG = np.linspace(-85.0, 85.0, 18)
_LONGITUDES_DEG = np.arange(0.0, 360.0, 30.0)


def global_mean_profile(epoch_iso, f107_sfu, f107a_sfu, ap):
    """Global-mean NRLMSIS 2.1 density (kg/m^3) at :data:`PROFILE_HEIGHTS_M` on ``epoch_iso`` (UTC)."""
    from pymsis import msis

    date = np.array([np.datetime64(epoch_iso.rstrip("Z"), "s")])
    out = msis.calculate(
        date, _LONGITUDES_DEG, _LATITUDES_DEG, PROFILE_HEIGHTS_M / 1e3,
        f107s=[f107_sfu], f107as=[f107a_sfu], aps=[[ap] * 7],
    )
    rho = np.asarray(out, dtype=float)[0, :, :, :, 0]  # (lon, lat, alt): total mass density
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
