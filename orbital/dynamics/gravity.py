"""Earth gravity: point mass plus the J2 zonal term, vectorised over samples.

Positions are inertial (GCRS), metres, with shape (..., 3); accelerations are
returned in m/s^2 with the same shape.
"""

import numpy as np

from orbital.earth.constants import J2_EARTH, MU_EARTH_M3_S2, R_EARTH_EQ_M


def point_mass_acceleration(r_m, mu_m3_s2=MU_EARTH_M3_S2):
    """Two-body acceleration -mu r / |r|^3 (m/s^2)."""
    r_m = np.asarray(r_m, dtype=float)
    r2 = np.sum(r_m * r_m, axis=-1, keepdims=True)
    return -mu_m3_s2 * r_m / (r2 * np.sqrt(r2))


def j2_acceleration(r_m, mu_m3_s2=MU_EARTH_M3_S2, j2=J2_EARTH, radius_m=R_EARTH_EQ_M):
    """Acceleration of the J2 zonal harmonic (m/s^2), Curtis eq. 12.30."""
    r_m = np.asarray(r_m, dtype=float)
    r2 = np.sum(r_m * r_m, axis=-1, keepdims=True)
    z2_over_r2 = r_m[..., 2:3] ** 2 / r2
    factor = 1.5 * j2 * mu_m3_s2 * radius_m**2 / (r2 * r2 * np.sqrt(r2))
    shape = np.concatenate(
        [5.0 * z2_over_r2 - 1.0, 5.0 * z2_over_r2 - 1.0, 5.0 * z2_over_r2 - 3.0], axis=-1
    )
    return factor * shape * r_m


def j2_potential(r_m, mu_m3_s2=MU_EARTH_M3_S2, j2=J2_EARTH, radius_m=R_EARTH_EQ_M):
    """Specific potential energy of the J2 term (J/kg), so that a = -grad(U)."""
    r_m = np.asarray(r_m, dtype=float)
    r2 = np.sum(r_m * r_m, axis=-1)
    r = np.sqrt(r2)
    sin2_lat = r_m[..., 2] ** 2 / r2
    return mu_m3_s2 * j2 * radius_m**2 / (2.0 * r**3) * (3.0 * sin2_lat - 1.0)


def gravity_acceleration(r_m, include_j2=True):
    """Point mass plus, optionally, J2 (m/s^2)."""
    acc = point_mass_acceleration(r_m)
    if include_j2:
        acc = acc + j2_acceleration(r_m)
    return acc
