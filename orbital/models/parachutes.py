"""The Soyuz landing system: drogue, main canopy, soft-landing engines (scenario section).

Sequence (Soyuz MS-11 figures in ../shared/REFERENCES.md):

1. At ``command_altitude`` (10.8 km), a barometric switch (ru.wikipedia: "по команде
   барометрического прибора"): where the air's pressure is US76's at that altitude, so in air of
   ``density_scale`` x US76 it trips higher (denser) or lower, the drogue (24 m^2) opens; its
   drag area ``Cd x area`` grows as a smoothstep over ``drogue_fill_time``.
   The module, ~230 m/s there, slows to ~80 m/s.
2. ``drogue_duration`` after the command (35 s: the sequencer's timer, which brings the
   release to about 7 km, where the drogue pulls out the main canopy: ru.wikipedia.org,
   "Союз (космический корабль)", parachute system; laboratoridenvol.com, "gnuSoyuz parachute")
   the drogue is cut and the main canopy
   (1,000 m^2) fills over ``main_fill_time`` (a smoothstep: the reefing stages
   smoothed into one ramp, keeping the opening load near 4 g).
3. ``main_settle_time`` after it is full, the module is at its terminal speed and
   the descent switches to the quasi-steady model (terminal speed along the plumb
   line relative to the air; see :mod:`orbital.dynamics.entry_dynamics`).
4. At ``soft_landing_altitude`` (0.8 m, the gamma-ray altimeter) the engines fire
   with ``soft_landing_thrust``; closed-form deceleration to touchdown.

Drag coefficients (on the nominal areas): 0.45 for the drogue, a choice that leaves the module
at the 80 m/s that CSA's MS-11 timeline gives for the drogue's end (ru.wikipedia: 90 m/s) when
the main is released near 7 km. It sits at the low end of ribbon canopies: Knacke, *Parachute
Recovery Systems Design Manual*, NWC TP 6575 (1991), Table 5-2, as remembered: flat ribbon 0.45
to 0.50, conical ribbon 0.50 to 0.55; the table is an image
(https://mediawiki.aerodecelerator.org/index.php/Parachute_Performance) and was not checked as
text; a secondary quote of the manual gives conical ribbon 0.50 to 0.55. 0.89 for the main canopy gives CSA's 7.2 m/s at sea level for a 2,900 kg module
(a choice matching that figure). The 104 kN total thrust leaves about 1.5 m/s at touchdown
from 7.2 m/s.
"""

import math

from pydantic import Field

from orbital.dynamics.atmosphere import density_kg_m3
from orbital.earth.constants import G0_M_S2
from orbital.schema import Quantity, StrictModel

_Length = Quantity("m", "m", gt=0.0, le=1.0e6)
_Altitude = Quantity("m", "km", gt=0.0, le=100.0e3)
_Duration = Quantity("s", "s", gt=0.0, le=3600.0)
_Area = Quantity("m2", "m2", gt=0.0, le=1.0e5)
_Force = Quantity("N", "N", ge=0.0, le=1.0e7)


class ParachuteSpec(StrictModel):
    """Parachute sequence and soft-landing engines."""

    command_altitude: _Altitude = Field(default=10.8e3, description="the barometric setting: the drogue opens where the air's "
                                        "pressure falls to US76's at this altitude, higher in denser air (bare number: km)")
    drogue_area: _Area = 24.0
    drogue_drag_coefficient: float = Field(default=0.45, gt=0.0, le=3.0)
    drogue_fill_time: _Duration = 4.0
    drogue_duration: _Duration = Field(default=35.0, description="from the command to the main canopy's release (bare number: s)")
    main_area: _Area = 1000.0
    main_drag_coefficient: float = Field(default=0.89, gt=0.0, le=3.0)
    main_fill_time: _Duration = 25.0
    main_settle_time: _Duration = Field(default=25.0, description="after the main is full, before the quasi-steady descent model takes over")
    soft_landing_altitude: Quantity("m", "m", gt=0.0, le=100.0) = Field(default=0.8, description="engines fire here (bare number: m)")
    soft_landing_thrust: _Force = Field(default=104.0e3, description="total thrust of the soft-landing engines (bare number: N); 0 = none")

    @property
    def drogue_cda_m2(self):
        return self.drogue_drag_coefficient * self.drogue_area

    @property
    def main_cda_m2(self):
        return self.main_drag_coefficient * self.main_area


#: The engines may stop the module at most this share of their firing altitude above the ground.
#: They are made to brake it down to the ground (MS-11: 7.2 to 1.5 m/s over 0.8 m); stopped
#: higher, a real module would be thrown back up by its still-burning solid motors, which the
#: closed-form landing (:func:`orbital.dynamics.entry_dynamics.touchdown`) cannot fly: it cuts them at rest.
#: Dispersed footprint samples stop a few cm up at most (+16 % air: 7 cm).
MAX_ENGINE_STOP_SHARE = 0.5


def sea_level_terminal_speed_m_s(mass_kg, cda_m2, density_scale):
    """Terminal speed (m/s) of a module of ``mass_kg`` under a total drag area ``cda_m2`` (m2) in
    US76 sea-level air times ``density_scale``, at standard gravity."""
    return math.sqrt(2.0 * mass_kg * G0_M_S2 / (float(density_kg_m3(0.0)) * density_scale * cda_m2))


def max_soft_landing_thrust_n(mass_kg, v_t_m_s, firing_altitude_m):
    """The largest thrust (N) that, fired at ``firing_altitude_m`` at the terminal speed ``v_t_m_s``,
    stops the module no higher than MAX_ENGINE_STOP_SHARE of that altitude:
    F / (m g) = 1 / (1 - exp(-k s)), k = 2 g / v_t^2, s the distance it may brake over
    (see :func:`orbital.dynamics.entry_dynamics.engines_stop_distance_m`)."""
    k = 2.0 * G0_M_S2 / v_t_m_s**2
    return mass_kg * G0_M_S2 / -math.expm1(-k * (1.0 - MAX_ENGINE_STOP_SHARE) * firing_altitude_m)


# The canopies' opening envelope as flown (Soyuz; public figures): the parachute system is
# commanded at 9 to 11 km, where two pilot chutes open at 220 to 270 m/s and pull out the drogue;
# the drogue slows the module to 90 to 50 m/s and, at about 7 km, pulls out the main canopy
# (ru.wikipedia.org, "Союз (космический корабль)", parachute system: the drogue brings the module
# to 90 m/s, the main opens at about 7 km; laboratoridenvol.com, "gnuSoyuz parachute", a table of
# public data: pilot chutes at 10 km, 220-270 m/s; drogue 25 m2, 90-50 m/s; main at 7 km).
# Limits: the highest of those speeds (a subsonic canopy: Mach 0.9 at 10 km), and the dynamic
# pressure of that speed at the bottom of each altitude band (the densest air flown). The model's
# nominal openings: drogue 230 m/s and 9.9 kPa at 10.8 km; main 83 m/s and 2.0 kPa at 7.0 km.
DROGUE_MAX_OPENING_SPEED_M_S = 270.0
DROGUE_MAX_OPENING_Q_PA = 17.0e3  # 0.5 x 0.4671 kg/m3 (US76, 9 km) x (270 m/s)^2
MAIN_MAX_OPENING_SPEED_M_S = 90.0
MAIN_MAX_OPENING_Q_PA = 2.39e3  # 0.5 x 0.5900 kg/m3 (US76, 7 km) x (90 m/s)^2


def opening_outside_envelope(canopy, speed_m_s, q_pa):
    """True where a ``canopy`` ("drogue" or "main") opening at ``speed_m_s`` and dynamic pressure
    ``q_pa`` lies beyond the envelope flown (arrays broadcast; an opening that never happened, NaN: False)."""
    top_speed, top_q = {"drogue": (DROGUE_MAX_OPENING_SPEED_M_S, DROGUE_MAX_OPENING_Q_PA),
                        "main": (MAIN_MAX_OPENING_SPEED_M_S, MAIN_MAX_OPENING_Q_PA)}[canopy]
    return (speed_m_s > top_speed) | (q_pa > top_q)
