"""Forces on an orbiting body beyond point-mass gravity: drag in air that co-rotates with the Earth.

:func:`air_velocity_xyz` and :func:`drag_over_air_speed_1_s` are the forces, written once, unit-free in
components (SI): :mod:`orbital.dynamics.kernels` compiles them for the descent's kernels; the
vector adapters here evaluate the same functions with numpy. They take inertial positions and
velocities (GCRS or TEME of epoch; z the Earth's axis), m and m/s, shape (..., 3).
"""

import copy

import numpy as np

from orbital.dynamics.atmosphere import density_kg_m3
from orbital.dynamics.gravity import components, gravity_xyz, vector
from orbital.earth.constants import OMEGA_EARTH_RAD_S
from orbital.earth.geodesy import ellipsoid_height_along_radius_m

_W = OMEGA_EARTH_RAD_S


def air_velocity_xyz(x, y, vx, vy, vz):
    """Velocity relative to the co-rotating atmosphere, v - w x r (m/s), from position (m) and
    velocity (m/s) components; the Earth turns about z at OMEGA_EARTH_RAD_S. Scalars or arrays."""
    return vx + _W * y, vy - _W * x, vz


def drag_over_air_speed_1_s(density_kg_m3, cd_area_over_mass_m2_kg, air_speed_m_s):
    """|drag| / |v_rel| = 1/2 rho (Cd A / m) |v_rel| (1/s): drag is this times -v_rel (m/s^2)."""
    return 0.5 * density_kg_m3 * cd_area_over_mass_m2_kg * air_speed_m_s


def _drag_xyz(x, y, vx, vy, vz, density_kg_m3, cd_area_over_mass_m2_kg):
    """Drag acceleration components (m/s^2) in co-rotating air, from components (SI)."""
    ux, uy, uz = air_velocity_xyz(x, y, vx, vy, vz)
    k = drag_over_air_speed_1_s(density_kg_m3, cd_area_over_mass_m2_kg, np.sqrt(ux * ux + uy * uy + uz * uz))
    return -k * ux, -k * uy, -k * uz


def air_velocity_m_s(r_m, v_m_s):
    """Velocity relative to an atmosphere that co-rotates with the Earth (m/s), shape (..., 3)."""
    x, y, _ = components(r_m)
    return vector(*air_velocity_xyz(x, y, *components(v_m_s)))


def drag_acceleration(r_m, v_m_s, density_kg_m3, cd_area_over_mass_m2_kg):
    """Aerodynamic drag -1/2 rho (Cd A / m) |v_rel| v_rel (m/s^2), rotating atmosphere."""
    x, y, _ = components(r_m)
    return vector(*_drag_xyz(x, y, *components(v_m_s), density_kg_m3, cd_area_over_mass_m2_kg))


class OrbitForces:
    """Gravity (point mass, optional J2) and optional drag in US76 air.

    ``cd_area_over_mass_m2_kg`` is Cd A / m; ``density_scale`` multiplies the
    US76 density (a crude stand-in for solar activity). ``density_model``, a
    function of height (m, array) giving kg/m^3, replaces US76 if given. ``density_at``,
    a function of time (s since the epoch) and ``local`` giving a function ``(r_m, height_m) -> kg/m^3``
    (air that changes with time and place, e.g. :class:`orbital.dynamics.msis_profile.ForecastDensity`'s
    ``at``), replaces both: :meth:`at` fixes the time (the forces as built hold at t = 0).
    """

    def __init__(
        self, j2=True, drag=True, cd_area_over_mass_m2_kg=0.0, density_scale=1.0, density_model=None, density_at=None,
    ):
        self.j2 = j2
        self.drag = drag
        self.cd_area_over_mass_m2_kg = cd_area_over_mass_m2_kg
        self.density_scale = density_scale
        self.density_model = density_kg_m3 if density_model is None else density_model
        self.density_at = density_at
        self._air_now = None if density_at is None else density_at(0.0)

    def at(self, t_s, local=True):
        """These forces at ``t_s`` (s since the epoch): themselves unless the air changes with time.
        ``local=False``: the air's global mean at each height (``density_at(t_s, local=False)``)."""
        if self.density_at is None:
            return self
        moved = copy.copy(self)
        moved._air_now = self.density_at(t_s, local)
        return moved

    def density(self, r_m):
        """Air density (kg/m^3) at positions (..., 3) in m; 0 when drag is off."""
        if not self.drag:
            return np.zeros(np.shape(r_m)[:-1]) if np.ndim(r_m) > 1 else 0.0
        height_m = ellipsoid_height_along_radius_m(*components(r_m))
        if self._air_now is not None:
            return self.density_scale * self._air_now(r_m, height_m)
        return self.density_scale * self.density_model(height_m)

    def drag_acceleration(self, r_m, v_m_s):
        """Drag alone (m/s^2); zeros when drag is off."""
        return drag_acceleration(r_m, v_m_s, self.density(r_m), self.cd_area_over_mass_m2_kg)

    def _total(self, r_m, v_m_s, point_mass):
        """Gravity (the point mass weighted by ``point_mass``, J2 if on) plus drag (m/s^2)."""
        x, y, z = components(r_m)
        gx, gy, gz = gravity_xyz(x, y, z, point_mass, 1.0 if self.j2 else 0.0)
        ax, ay, az = _drag_xyz(x, y, *components(v_m_s), self.density(r_m), self.cd_area_over_mass_m2_kg)
        return vector(gx + ax, gy + ay, gz + az)

    def perturbation(self, r_m, v_m_s):
        """Everything but point-mass gravity (m/s^2): what poliastro's ``f`` adds."""
        return self._total(r_m, v_m_s, 0.0)

    def acceleration(self, r_m, v_m_s):
        """Total acceleration (m/s^2)."""
        return self._total(r_m, v_m_s, 1.0)
