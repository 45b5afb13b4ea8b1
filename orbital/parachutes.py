"""The Soyuz landing system: drogue, main canopy, soft-landing engines (scenario section).

Sequence (Soyuz MS-11 figures in ../shared/REFERENCES.md):

1. At ``command_altitude`` (10.8 km, barometric) the drogue (24 m^2) opens; its
   drag area ``Cd x area`` grows as a smoothstep over ``drogue_fill_time``.
   The module, ~230 m/s there, slows to ~80 m/s.
2. ``drogue_duration`` after the command the drogue is cut and the main canopy
   (1,000 m^2) fills over ``main_fill_time`` (a smoothstep: the reefing stages
   smoothed into one ramp, keeping the opening load near 4 g).
3. ``main_settle_time`` after it is full, the module is at its terminal speed and
   the descent switches to the quasi-steady model (terminal speed along the plumb
   line relative to the air; see :mod:`orbital.entry_dynamics`).
4. At ``soft_landing_altitude`` (0.8 m, the gamma-ray altimeter) the engines fire
   with ``soft_landing_thrust``; closed-form deceleration to touchdown.

Tuning (documented choices, not published figures): drag coefficients 0.7 for
the drogue and 0.89 for the main canopy (on their nominal areas) give 80 m/s at
the end of the drogue phase and 7.2 m/s at sea level for a 2,900 kg module; the
104 kN total thrust leaves about 1.5 m/s at touchdown from 7.2 m/s.
"""

from pydantic import Field

from orbital.schema import Quantity, StrictModel

_Length = Quantity("m", "m", gt=0.0, le=1.0e6)
_Altitude = Quantity("m", "km", gt=0.0, le=100.0e3)
_Duration = Quantity("s", "s", gt=0.0, le=3600.0)
_Area = Quantity("m2", "m2", gt=0.0, le=1.0e5)
_Force = Quantity("N", "N", ge=0.0, le=1.0e7)


class ParachuteSpec(StrictModel):
    """Parachute sequence and soft-landing engines."""

    command_altitude: _Altitude = Field(default=10.8e3, description="drogue opens below this altitude (bare number: km)")
    drogue_area: _Area = 24.0
    drogue_drag_coefficient: float = Field(default=0.70, gt=0.0, le=3.0)
    drogue_fill_time: _Duration = 4.0
    drogue_duration: _Duration = Field(default=16.0, description="from the command to the main canopy's release (bare number: s)")
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
