"""The station's orbit as a body in air: the forces on it, shared by the kinds that propagate it
(``station``, ``deorbit_opportunities``)."""

from orbital.dynamics.forces import OrbitForces
from orbital.schema import StationSpec


def station_forces(station: StationSpec, j2: bool = True, drag: bool = True) -> OrbitForces:
    """The :class:`OrbitForces` on ``station``: J2 and drag on its m / (Cd A) in US76 air times its ``density_scale``."""
    return OrbitForces(
        j2=j2,
        drag=drag,
        cd_area_over_mass_m2_kg=station.drag_coefficient * station.drag_area / station.mass,
        density_scale=station.density_scale,
    )
