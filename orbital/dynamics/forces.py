"""Forces on an orbiting body beyond point-mass gravity, vectorised over samples.

Positions and velocities are inertial (GCRS), m and m/s, shape (..., 3).
"""

import numpy as np

from orbital.dynamics.atmosphere import density_kg_m3
from orbital.earth.constants import OMEGA_EARTH_RAD_S
from orbital.earth.geodesy import ellipsoid_altitude_m
from orbital.dynamics.gravity import gravity_acceleration, j2_acceleration

_EARTH_SPIN_RAD_S = np.array([0.0, 0.0, OMEGA_EARTH_RAD_S])
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
    US76 density (a crude stand-in for solar activity). ``density_model``, a
    function of height (m, array) giving kg/m^3, replaces US76 if given.
    """

    def __init__(self, j2=True, drag=True, cd_area_over_mass_m2_kg=0.0, density_scale=1.0, density_model=None):
        self.j2 = j2
        self.drag = drag
        self.cd_area_over_mass_m2_kg = cd_area_over_mass_m2_kg
        self.density_scale = density_scale
        self.density_model = density_kg_m3 if density_model is None else density_model

    def drag_acceleration(self, r_m, v_m_s):
        """Drag alone (m/s^2); zeros when drag is off."""
        if not self.drag:
            return np.zeros(np.shape(v_m_s))
        rho = self.density_scale * self.density_model(ellipsoid_altitude_m(r_m))
        return drag_acceleration(r_m, v_m_s, rho, self.cd_area_over_mass_m2_kg)

    def perturbation(self, r_m, v_m_s):
        """Everything but point-mass gravity (m/s^2): what poliastro's ``f`` adds."""
        acc = self.drag_acceleration(r_m, v_m_s)
        if self.j2:
            acc = acc + j2_acceleration(r_m)
        return acc

    def acceleration(self, r_m, v_m_s):
        """Total acceleration (m/s^2)."""
        return gravity_acceleration(r_m, include_j2=self.j2) + self.drag_acceleration(r_m, v_m_s)
