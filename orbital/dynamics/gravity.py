"""Earth gravity: point mass plus the J2 zonal term.

:func:`gravity_xyz` is the force, written once, unit-free in components (SI: m in, m/s^2 out):
:mod:`orbital.dynamics.kernels` compiles it for the descent's kernels; the vector adapters
here evaluate the very same function with numpy (no numba to import or call: faster for the
station's one state per call). They take inertial positions (GCRS or TEME of epoch; z the
Earth's axis) of shape (..., 3) in m and return accelerations of the same shape in m/s^2.
"""

import numpy as np

from orbital.earth.constants import J2_EARTH, MU_EARTH_M3_S2, R_EARTH_EQ_M

_J2_FACTOR = 1.5 * J2_EARTH * MU_EARTH_M3_S2 * R_EARTH_EQ_M**2


def gravity_xyz(x, y, z, point_mass=1.0, j2=1.0):
    """Gravity acceleration components (m/s^2) at position components ``x, y, z`` (m): the point
    mass -mu r / |r|^3 times ``point_mass`` plus J2 (Curtis eq. 12.30) times ``j2`` (weights 1 or
    0 switch a term on or off); scalars or arrays."""
    r2 = x * x + y * y + z * z
    r = np.sqrt(r2)
    mu_r3 = point_mass * MU_EARTH_M3_S2 / (r2 * r)
    k = j2 * _J2_FACTOR / (r2 * r2 * r)
    z2r2 = 5.0 * z * z / r2
    gxy = -mu_r3 + k * (z2r2 - 1.0)
    return gxy * x, gxy * y, (-mu_r3 + k * (z2r2 - 3.0)) * z


def components(r_m):
    """``(x, y, z)`` of positions (..., 3): floats for one position, else arrays (...,)."""
    r_m = np.asarray(r_m, dtype=float)
    if r_m.ndim == 1:
        return float(r_m[0]), float(r_m[1]), float(r_m[2])
    return r_m[..., 0], r_m[..., 1], r_m[..., 2]


def vector(ax, ay, az):
    """Components (floats or arrays (...,)) stacked into vectors (..., 3)."""
    return np.stack(np.broadcast_arrays(ax, ay, az), axis=-1)


def j2_acceleration(r_m):
    """Acceleration of the J2 zonal harmonic alone (m/s^2) at positions ``r_m`` (..., 3) in m."""
    return vector(*gravity_xyz(*components(r_m), 0.0, 1.0))


def gravity_acceleration(r_m, include_j2=True):
    """Point mass plus, optionally, J2 (m/s^2) at positions ``r_m`` (..., 3) in m."""
    return vector(*gravity_xyz(*components(r_m), 1.0, 1.0 if include_j2 else 0.0))


def j2_potential(r_m, mu_m3_s2=MU_EARTH_M3_S2, j2=J2_EARTH, radius_m=R_EARTH_EQ_M):
    """Specific potential energy of the J2 term (J/kg), so that a = -grad(U)."""
    r_m = np.asarray(r_m, dtype=float)
    r2 = np.sum(r_m * r_m, axis=-1)
    r = np.sqrt(r2)
    sin2_lat = r_m[..., 2] ** 2 / r2
    return mu_m3_s2 * j2 * radius_m**2 / (2.0 * r**3) * (3.0 * sin2_lat - 1.0)
