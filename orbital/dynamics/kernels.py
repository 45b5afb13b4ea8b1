"""The forces, compiled: each is written once as a unit-free component function in its own
module and compiled here with numba (:mod:`orbital.dynamics.compiled`: cached on disk, the cache
following every kernel source). The descent's kernels (:mod:`orbital.dynamics.entry_dynamics`,
:mod:`orbital.models.guidance`) call these inside compiled code, and NumPy-level descent code
calls them on arrays; the station's integrator (:mod:`orbital.propagation.dop853`) calls them
compiled; the vector adapters (:mod:`orbital.dynamics.gravity`, :mod:`orbital.dynamics.forces`)
evaluate the same functions with numpy. SI throughout.
"""

import numpy as np

from orbital.dynamics.atmosphere import Z_TOP_M, density_kg_m3, density_one_kg_m3
from orbital.dynamics.compiled import kernel
from orbital.dynamics.forces import air_velocity_xyz, drag_over_air_speed_1_s
from orbital.dynamics.gravity import gravity_xyz
from orbital.dynamics.tether_line import reel_pull_n, taut_tension_n
from orbital.earth.geodesy import ellipsoid_height_along_radius_m

#: Point mass + J2 (m/s^2) from position components (m): :func:`orbital.dynamics.gravity.gravity_xyz`.
gravity = kernel(gravity_xyz)
#: A safety tether's tension (N), slack and taut: :func:`orbital.dynamics.tether_line.reel_pull_n`,
#: :func:`orbital.dynamics.tether_line.taut_tension_n`.
reel_pull = kernel(reel_pull_n)
taut_tension = kernel(taut_tension_n)
#: Velocity relative to the co-rotating air (m/s): :func:`orbital.dynamics.forces.air_velocity_xyz`.
air_velocity = kernel(air_velocity_xyz)
#: |drag| / |v_rel| (1/s): :func:`orbital.dynamics.forces.drag_over_air_speed_1_s`.
drag_over_air_speed = kernel(drag_over_air_speed_1_s)
#: Height above WGS84 along the geocentric radius (m) from components (m):
#: :func:`orbital.earth.geodesy.ellipsoid_height_along_radius_m`.
altitude_m = kernel(ellipsoid_height_along_radius_m)
#: US76 density (kg/m^3) at one height (m), the model itself: :func:`orbital.dynamics.atmosphere.density_one_kg_m3`.
density = kernel(density_one_kg_m3)

#: ln(US76 density) every _DZ_M metres from 0 to 1000 km, from :func:`orbital.dynamics.atmosphere.density_kg_m3`,
#: for ``air_density`` (linear between knots: within 3e-5 of the model everywhere).
_DZ_M = 10.0
_LN_RHO = np.log(density_kg_m3(np.arange(0.0, Z_TOP_M + 0.5 * _DZ_M, _DZ_M)))
_DLN_RHO = np.diff(_LN_RHO)
_TOP_SLOPE = _DLN_RHO[-1] / _DZ_M


def _air_density(h, density_scale):
    """US76 density (kg/m^3) at height ``h`` (m) times ``density_scale``: a lookup in a table of
    the model (the descent's hottest call). Below 0 m: sea level; above 1000 km: exponential with
    the scale height there. Scalars."""
    u = min(max(h, 0.0), Z_TOP_M) * (1.0 / _DZ_M)
    j = min(int(u), _DLN_RHO.size - 1)
    ln_rho = _LN_RHO[j] + (u - j) * _DLN_RHO[j] + max(h - Z_TOP_M, 0.0) * _TOP_SLOPE
    return density_scale * np.exp(ln_rho)


#: :func:`_air_density`, compiled (compiled code calls it; it was a ufunc, which numba rebuilt in
#: every process that loaded it from the cache: 0.75 s a descent run).
air_density = kernel(_air_density)
#: :func:`_air_density` over arrays (broadcast), value by value: for the NumPy-level callers, which
#: ask for a few values a sample (a canopy's opening pressure). Interpreted, not :data:`air_density`:
#: a call of the compiled one from Python compiles it (0.7 s), or loads it (the LLVM set-up, 0.3 s).
air_density_array = np.vectorize(_air_density, otypes=[float])
