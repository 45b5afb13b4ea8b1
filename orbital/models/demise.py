"""Demise of reentering fragments: a heat load against a melting budget, as object-oriented
reentry tools (NASA DAS/ORSAT, ESA DRAMA/SESAM) judge a component in their simplest form.

A fragment absorbs the stagnation-point convective heat flux (Sutton-Graves, see
:data:`orbital.dynamics.entry_dynamics.SUTTON_GRAVES_K`; REFERENCES.md "Reentry heating")
over its heated area, integrated along its path:

    Q = A_heated * integral q_s dt,  q_s = k sqrt(rho / R_n) V^3,

and melts away (demises) once Q reaches its melting budget

    E = m (c_p (T_melt - T_0) + h_fusion).

Q scales as 1 / sqrt(R_n), so one integral at a reference nose radius serves every
fragment: Q = A_heated * H_ref * sqrt(R_ref / R_n). The heated area is the fragment's drag
reference area: for a tumbling sphere the surface-averaged convective flux is about a
quarter of the stagnation flux, and a quarter of 4 pi R^2 is pi R^2, its cross-section
(the averaging ORSAT and DAS apply to spheres). No re-radiation, no conduction inward, no
mass loss before demise: the model keeps the tools' energy balance and drops their
temperature history, so it is a screening estimate, not a prediction of what survives.
"""

from dataclasses import dataclass

import numpy as np

#: Temperature (K) at which a fragment starts its plunge: a sunlit structure in orbit.
START_TEMPERATURE_K = 300.0


@dataclass(frozen=True)
class Material:
    """What it takes to melt a material: specific heat J/(kg K), melting point K, heat of fusion J/kg."""

    specific_heat_j_kg_k: float
    melting_point_k: float
    heat_of_fusion_j_kg: float

    def budget_j_kg(self, start_k: float = START_TEMPERATURE_K) -> float:
        """Heat (J/kg) to bring one kilogram from ``start_k`` to its melting point and melt it."""
        return self.specific_heat_j_kg_k * (self.melting_point_k - start_k) + self.heat_of_fusion_j_kg


#: Materials a fragment can be made of. Pure aluminium and titanium: CRC Handbook of Chemistry and
#: Physics (melting point 933.47 K and 1941 K; heat of fusion 10.71 and 14.15 kJ/mol; c_p at 25 C
#: 24.20 and 25.06 J/(mol K); molar masses 26.982 and 47.867 g/mol). Stainless steel AISI 316L:
#: solidus 1380 C, c_p 470 J/(kg K), heat of fusion 290 kJ/kg (MakeItFrom.com, AISI 316L).
#: Alumina (corundum, Al2O3), standing in for the ceramic fabric (Nextel, 62 % alumina) of the
#: meteoroid shields: NIST-JANAF Thermochemical Tables (c_p at 298 K 79.01 J/(mol K), melting point
#: 2327 K, heat of fusion 111.1 kJ/mol; molar mass 101.96 g/mol).
#: Room-temperature c_p: c_p grows with temperature, so the budgets are low by some 10 to 20 %.
MATERIALS: dict[str, Material] = {
    "aluminium": Material(24.20 / 26.982e-3, 933.47, 10.71e3 / 26.982e-3),
    "titanium": Material(25.06 / 47.867e-3, 1941.0, 14.15e3 / 47.867e-3),
    "stainless_steel": Material(470.0, 1380.0 + 273.15, 290.0e3),
    "alumina": Material(79.01 / 101.96e-3, 2327.0, 111.1e3 / 101.96e-3),
}


def melting_budget_j(mass_kg, material: str):
    """Heat (J) that melts ``mass_kg`` of ``material`` (a key of :data:`MATERIALS`) from START_TEMPERATURE_K."""
    return np.asarray(mass_kg, dtype=float) * MATERIALS[material].budget_j_kg()


def absorbed_heat_j(heat_load_ref_j_m2, reference_radius_m, nose_radius_m, heated_area_m2):
    """Heat (J) a fragment absorbs: the stagnation heat load integrated at ``reference_radius_m``
    (J/m^2), moved to its own nose radius (q ~ 1/sqrt(R_n)), over its heated area; arrays broadcast."""
    return np.asarray(heated_area_m2) * np.asarray(heat_load_ref_j_m2) * np.sqrt(reference_radius_m / np.asarray(nose_radius_m))


def demised(absorbed_j, budget_j):
    """Whether each fragment melted away: its absorbed heat reached its melting budget."""
    return np.asarray(absorbed_j) >= np.asarray(budget_j)
