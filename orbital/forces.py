"""Forces on an orbiting body beyond point-mass gravity, vectorised over samples.

Positions and velocities are inertial (GCRS), m and m/s, shape (..., 3).
"""

import numpy as np

from orbital.constants import OMEGA_EARTH_RAD_S, R_EARTH_EQ_M, WGS84_FLATTENING
from orbital.gravity import gravity_acceleration

_EARTH_SPIN_RAD_S = np.array([0.0, 0.0, OMEGA_EARTH_RAD_S])


def ellipsoid_altitude_m(r_m):
    """Height above the WGS84 ellipsoid (m), from the geocentric position.

    Uses the ellipsoid radius at the geocentric latitude, r_e = a (1 - f sin^2 phi),
    and takes inertial z as the Earth's axis: within ~100 m of the geodetic height
    in low orbit, which is plenty for air density and costs no frame rotation.
    """
    r_m = np.asarray(r_m, dtype=float)
    r = np.sqrt(np.sum(r_m * r_m, axis=-1))
    sin2_lat = (r_m[..., 2] / r) ** 2
    return r - R_EARTH_EQ_M * (1.0 - WGS84_FLATTENING * sin2_lat)


def air_velocity_m_s(r_m, v_m_s):
    """Velocity relative to an atmosphere that co-rotates with the Earth (m/s)."""
    return np.asarray(v_m_s, dtype=float) - np.cross(_EARTH_SPIN_RAD_S, r_m)


def drag_acceleration(r_m, v_m_s, density_kg_m3, cd_area_over_mass_m2_kg):
    """Aerodynamic drag -1/2 rho (Cd A / m) |v_rel| v_rel (m/s^2), rotating atmosphere."""
    v_rel = air_velocity_m_s(r_m, v_m_s)
    speed = np.sqrt(np.sum(v_rel * v_rel, axis=-1, keepdims=True))
    rho = np.asarray(density_kg_m3, dtype=float)[..., None]
    return -0.5 * rho * np.asarray(cd_area_over_mass_m2_kg, dtype=float)[..., None] * speed * v_rel


class OrbitForces:
    """Gravity (point mass, optional J2) and optional drag in US76 air.

    ``cd_area_over_mass_m2_kg`` is Cd A / m; ``density_scale`` multiplies the
    US76 density (a crude stand-in for solar activity).
    """

    def __init__(self, j2=True, drag=True, cd_area_over_mass_m2_kg=0.0, density_scale=1.0):
        self.j2 = j2
        self.drag = drag
        self.cd_area_over_mass_m2_kg = cd_area_over_mass_m2_kg
        self.density_scale = density_scale

    def drag_acceleration(self, r_m, v_m_s):
        """Drag alone (m/s^2); zeros when drag is off."""
        if not self.drag:
            return np.zeros(np.shape(v_m_s))
        from orbital.atmosphere import density_kg_m3

        rho = self.density_scale * density_kg_m3(ellipsoid_altitude_m(r_m))
        return drag_acceleration(r_m, v_m_s, rho, self.cd_area_over_mass_m2_kg)

    def perturbation(self, r_m, v_m_s):
        """Everything but point-mass gravity (m/s^2): what poliastro's ``f`` adds."""
        from orbital.gravity import j2_acceleration

        acc = self.drag_acceleration(r_m, v_m_s)
        if self.j2:
            acc = acc + j2_acceleration(r_m)
        return acc

    def acceleration(self, r_m, v_m_s):
        """Total acceleration (m/s^2)."""
        return gravity_acceleration(r_m, include_j2=self.j2) + self.drag_acceleration(r_m, v_m_s)
