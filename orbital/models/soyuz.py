"""A Soyuz that undocks, burns retrograde, and whose descent module comes home: its inputs
(shared by the ``reentry`` and ``reentry_footprint`` kinds), the planned descent that sets the
target, the landing's classification and the events of a descent.

The whole flight is one 3-DOF point mass in TEME of the undocking epoch (see
:mod:`orbital.dynamics.entry_dynamics` for the forces and phases, :mod:`orbital.models.guidance`
for the lift control, :mod:`orbital.models.parachutes` for the landing system), integrated
by :mod:`orbital.propagation.batch_integrator`.
"""

import math
from typing import Annotated, Literal

import numpy as np
from pydantic import BeforeValidator, Field, model_validator

from orbital.earth.constants import R_EARTH_MEAN_M
from orbital.errors import InfeasibleScenario, QuantityError
from orbital.models import parachutes as P
from orbital.models.parachutes import (
    MAX_ENGINE_STOP_SHARE,
    ParachuteSpec,
    max_soft_landing_thrust_n,
    opening_outside_envelope,
    sea_level_terminal_speed_m_s,
)
from orbital.progress import Stage
from orbital.quantities import to_si
from orbital.result import Event
from orbital.schema import Mass, Quantity, ScenarioBase, StationSpec, StrictModel, field_error

_Speed = Quantity("m/s", "m/s", ge=0.0, le=2000.0)
_Duration0 = Quantity("s", "s", ge=0.0, le=36000.0)
_Length = Quantity("m", "m", gt=0.0, le=100.0)
_HighAltitude = Quantity("m", "km", gt=20.0e3, le=400.0e3)


def _angle_per_second(value):
    """Files written before ``guidance.roll_rate`` became a rate gave it as an angle
    ("13 deg", meaning per second): read such a value as that angle per second (a
    number in deg/s); anything else is left to the rate's own parsing."""
    if isinstance(value, str):
        try:
            return math.degrees(to_si(value, "rad", "deg"))
        except QuantityError:
            pass
    return value


#: A roll rate (rad/s; bare number: deg/s). An angle alone ("13 deg") is read per second.
_RollRate = Annotated[Quantity("rad/s", "deg/s", ge=0.0, le=10.0), BeforeValidator(_angle_per_second)]


def _default_station():
    # ISS-like orbit at the bundled Soyuz scenarios' mean 419.54 km (the ISS's on MS-11's day, from
    # its TLE). Node and phase at zero land the module wherever they do (the Pacific); the bundled
    # scenarios set the day's node, perigee and phase, which land it in the Kazakh steppe.
    return StationSpec(
        epoch="2019-06-24T23:00:00", altitude="419.54 km", inclination="51.64 deg",
        raan="0 deg", arg_latitude="0 deg", mass="7150 kg", drag_area="10 m2", drag_coefficient=2.2
    )


class SoyuzSpec(StrictModel):
    """The whole Soyuz before module separation (drag only matters a little)."""

    mass: Mass = 7150.0
    drag_area: Quantity("m2", "m2", gt=0.0, le=1000.0) = 10.0
    drag_coefficient: float = Field(default=2.2, gt=0.0, le=10.0)


class BurnSpec(StrictModel):
    """The deorbit burn: along the velocity, against it (retrograde), tilted by pitch and yaw."""

    start: _Duration0 = Field(default=0.0, description="after undocking (the station epoch) (bare number: s)")
    delta_v: _Speed = 128.0
    duration: _Duration0 = Field(default=281.0, description="0 for an impulsive burn (bare number: s)")
    pitch: Quantity("rad", "deg", ge=-math.pi / 2, le=math.pi / 2) = Field(default=0.0, description="from retrograde toward the Earth (bare number: deg)")
    yaw: Quantity("rad", "deg", ge=-math.pi / 2, le=math.pi / 2) = Field(default=0.0, description="from retrograde toward the orbit normal (bare number: deg)")


class ModuleSpec(StrictModel):
    """The descent module alone, after separation."""

    mass: Mass = 2900.0
    diameter: _Length = 2.17
    drag_coefficient: float = Field(default=1.3, gt=0.0, le=5.0, description="hypersonic Cd on pi (diameter/2)^2")
    subsonic_drag_coefficient: float = Field(default=1.0, gt=0.0, le=5.0)
    lift_to_drag: float = Field(default=0.3, ge=0.0, le=1.0)
    nose_radius: _Length = Field(default=2.2, description="for the Sutton-Graves stagnation heat flux (bare number: m)")
    separation_delay: Quantity("s", "s", ge=0.0, le=7200.0) = Field(
        default=23.0 * 60.0, description="the modules separate this long after the burn ends (the sequencer's timer), "
        "or at the entry interface if the whole Soyuz gets there first (bare number: s)")
    entry_interface_altitude: _HighAltitude = Field(default=100.0e3, description="the guided entry starts where the descent crosses it; recorded (bare number: km)")

    @property
    def area_m2(self):
        return math.pi * (0.5 * self.diameter) ** 2


class GuidanceSpec(StrictModel):
    """How the lift is pointed (see orbital/models/guidance.py)."""

    mode: Literal["lifting", "predictor_corrector", "ballistic"] = Field(
        default="lifting", description="lifting: range law on the plan's table; predictor_corrector: predicts the rest of the entry every cycle; ballistic: spins"
    )
    bank_angle: Quantity("rad", "deg", ge=0.0, le=math.pi) = Field(
        default=math.radians(68.0), description="nominal bank: vertical lift fraction cos(bank) (bare number: deg)"
    )
    range_gain: float = Field(default=0.5, ge=0.0, le=100.0, description="change of cos(bank) per 100 km of range error")
    deadband_start: Quantity("m", "km", ge=0.0, le=1.0e6) = Field(
        default=40.0e3, description="cross-range deadband at start_speed: a bank reversal once the target lies farther to the other side (bare number: km)"
    )
    deadband_end: Quantity("m", "km", ge=0.0, le=1.0e6) = Field(default=3.0e3, description="the deadband at end_speed; it narrows as speed squared between (bare number: km)")
    cycle: Quantity("s", "s", gt=0.0, le=60.0) = Field(default=2.0, description="guidance cycle: commands are computed this often and held between (bare number: s)")
    start_speed: Quantity("m/s", "m/s", ge=0.0, le=8000.0) = Field(default=7200.0, description="guidance starts below this air speed")
    end_speed: Quantity("m/s", "m/s", ge=0.0, le=8000.0) = Field(default=600.0, description="below this air speed the last bank command is held")
    predictor_step: Quantity("s", "s", ge=0.5, le=20.0) = Field(default=4.0, description="predictor_corrector: longest RK4 step of its predictions (bare number: s)")
    roll_rate: _RollRate = Field(default=math.radians(13.0), description="ballistic spin rate (bare number: deg/s; an angle alone, '13 deg', is per second)")


class SoyuzScenario(ScenarioBase):
    """The inputs of a Soyuz descent, shared by the ``reentry`` and ``reentry_footprint`` kinds
    (each declares its own ``kind``)."""

    station: StationSpec = Field(default_factory=_default_station, description="the orbit at undocking (epoch = undocking)")
    soyuz: SoyuzSpec = Field(default_factory=SoyuzSpec)
    burn: BurnSpec = Field(default_factory=BurnSpec)
    module: ModuleSpec = Field(default_factory=ModuleSpec)
    guidance: GuidanceSpec = Field(default_factory=GuidanceSpec)
    parachutes: ParachuteSpec = Field(default_factory=ParachuteSpec)
    density_scale: float = Field(default=1.0, gt=0.0, le=100.0, description="multiplies US76 density")

    @model_validator(mode="after")
    def _station_above_entry_interface(self):
        self.station.check_perigee_above("station", self.module.entry_interface_altitude, "module.entry_interface_altitude")
        return self

    @model_validator(mode="after")
    def _sequence_in_order(self):
        m, pc, g = self.module, self.parachutes, self.guidance
        km, mps, kg, sec, m_ = (lambda v: f"{v / 1e3:g} km"), (lambda v: f"{v:g} m/s"), (lambda v: f"{v:g} kg"), (lambda v: f"{v:g} s"), (lambda v: f"{v:g} m")
        _check_order(("module.entry_interface_altitude", m, km), ("parachutes.command_altitude", pc, km),
                     "the parachutes open well after the entry interface (MS-11: 99.7 km, then 10.8 km)")
        _check_order(("parachutes.command_altitude", pc, km), ("parachutes.soft_landing_altitude", pc, m_),
                     "the soft-landing engines fire just above the ground, under the main canopy")
        _check_order(("parachutes.drogue_duration", pc, sec), ("parachutes.drogue_fill_time", pc, sec),
                     "the drogue fills before it is cut, drogue_duration after the command", strict=False)
        _check_order(("soyuz.mass", self.soyuz, kg), ("module.mass", m, kg),
                     "the whole Soyuz (orbital, descent and service modules) carries the descent module (MS: 7150 kg and 2900 kg)")
        _check_order(("guidance.start_speed", g, mps), ("guidance.end_speed", g, mps),
                     "range control acts as the air speed falls from start_speed to end_speed")
        _check_order(("guidance.deadband_start", g, km), ("guidance.deadband_end", g, km),
                     "the cross-range deadband narrows as the air speed falls", strict=False)
        return self


    @model_validator(mode="after")
    def _engines_not_overpowering(self):
        """Refuse soft-landing engines that would stop the module high in the air (a light module,
        dense air): 104 kN on 100 kg hovered it down at 107 g before this check."""
        m, pc = self.module, self.parachutes
        v_t = sea_level_terminal_speed_m_s(m.mass, m.subsonic_drag_coefficient * m.area_m2 + pc.main_cda_m2, self.density_scale)
        most = max_soft_landing_thrust_n(m.mass, v_t, pc.soft_landing_altitude)
        if pc.soft_landing_thrust > most:
            raise field_error(
                "parachutes.soft_landing_thrust", f"{pc.soft_landing_thrust / 1e3:g} kN",
                f"the engines would stop the {m.mass:g} kg module (falling at {v_t:.2f} m/s under its main canopy at sea level, "
                f"density_scale = {self.density_scale:g}) more than {MAX_ENGINE_STOP_SHARE:.0%} of their "
                f"{pc.soft_landing_altitude:g} m firing height above the ground, and throw it back up; expected at most "
                f"{most / 1e3:.3g} kN for this module and air, or 0 for none (MS-11: 104 kN for 2900 kg, leaving 1.5 m/s)",
            )
        return self


def _check_order(high, low, why, strict=True):
    """Refuse two fields out of order: ``high`` and ``low`` are ``(dotted name, section, format)``
    and high's value must exceed low's (or equal it, not ``strict``). The message names the field
    moved off its default (high if both or neither moved), its value, and the other's."""
    (h_name, h_sec, h_fmt), (l_name, l_sec, l_fmt) = high, low
    h_key, l_key = h_name.rsplit(".", 1)[1], l_name.rsplit(".", 1)[1]
    hv, lv = getattr(h_sec, h_key), getattr(l_sec, l_key)
    if hv > lv or (not strict and hv == lv):
        return
    h_moved = hv != type(h_sec).model_fields[h_key].default
    l_moved = lv != type(l_sec).model_fields[l_key].default
    if l_moved and not h_moved:
        problem, expected = ("not below", "below it") if strict else ("above", "at most that")
        raise field_error(l_name, l_fmt(lv), f"{problem} {h_name} ({h_fmt(hv)}); expected {expected}: {why}")
    problem, expected = ("not above", "above it") if strict else ("below", "at least that")
    raise field_error(h_name, h_fmt(hv), f"{problem} {l_name} ({l_fmt(lv)}); expected {expected}: {why}")


# ---------------------------------------------------------------- building blocks


def sequence(scn):
    """The :class:`~orbital.dynamics.entry_dynamics.Sequence` of a reentry-like scenario."""
    from orbital.dynamics.entry_dynamics import Sequence

    pc = scn.parachutes
    return Sequence(
        separation_delay_s=scn.module.separation_delay,
        entry_interface_altitude_m=scn.module.entry_interface_altitude,
        parachute_altitude_m=pc.command_altitude,
        drogue_fill_s=pc.drogue_fill_time,
        drogue_duration_s=pc.drogue_duration,
        main_fill_s=pc.main_fill_time,
        main_settle_s=pc.main_settle_time,
        soft_landing_altitude_m=pc.soft_landing_altitude,
        soft_landing_thrust_n=pc.soft_landing_thrust,
        nose_radius_m=scn.module.nose_radius,
    )


def nominal_params(scn, n=1, **overrides):
    """:class:`~orbital.dynamics.entry_dynamics.SampleParams` of ``n`` identical nominal samples,
    with per-sample ``overrides`` (arrays) replacing fields."""
    from orbital.dynamics.entry_dynamics import SampleParams

    s, b, m, pc = scn.soyuz, scn.burn, scn.module, scn.parachutes
    values = dict(
        soyuz_beta_m2_kg=s.drag_coefficient * s.drag_area / s.mass,
        burn_start_s=b.start,
        burn_duration_s=b.duration,
        burn_dv_m_s=b.delta_v,
        burn_pitch_rad=b.pitch,
        burn_yaw_rad=b.yaw,
        module_mass_kg=m.mass,
        module_area_m2=m.area_m2,
        cd_hypersonic=m.drag_coefficient,
        cd_subsonic=m.subsonic_drag_coefficient,
        lift_to_drag=m.lift_to_drag,
        density_scale=scn.density_scale,
        drogue_cda_m2=pc.drogue_cda_m2,
        main_cda_m2=pc.main_cda_m2,
    )
    values.update(overrides)
    return SampleParams.broadcast(n, **values)


def reference_guidance(scn):
    """The planned descent's guidance (constant vertical lift fraction)."""
    from orbital.models.guidance import Guidance

    g = scn.guidance
    return Guidance(
        mode="reference",
        c0=math.cos(g.bank_angle),
        gain_per_m=g.range_gain / 100.0e3,
        deadband_start_m=g.deadband_start,
        deadband_end_m=g.deadband_end,
        cycle_s=g.cycle,
        v_end_m_s=g.end_speed,
        v_start_m_s=g.start_speed,
        roll_rate_rad_s=g.roll_rate,
        predictor_step_s=g.predictor_step,
        stop_altitude_m=scn.parachutes.command_altitude,
        model=nominal_params(scn).matrix(),
    )


def open_loop_guidance(scn):
    """The guidance of descents flown without a plan of their own (many from different orbits at
    once): ``ballistic`` spins at the roll rate as in :func:`plan`; ``lifting`` flies the plan's
    law itself (:func:`reference_guidance`), the path the lifting guidance would track, whose
    landing point is the target it steers to."""
    from dataclasses import replace

    guidance = reference_guidance(scn)
    return replace(guidance, mode="ballistic") if scn.guidance.mode == "ballistic" else guidance


def no_descent(scn, which, outcome=None):
    """The error for a descent that does not reach the ground: names the inputs that decide
    where it stopped (the recorded ``outcome``'s last phase): the burn if the Soyuz never got
    down to the entry interface; the lift if the module skips back out; the module's mass per
    drag area (and the canopies, the air) if it is still drifting down when time runs out."""
    from orbital.dynamics.entry_dynamics import COAST, ENTRY, altitude_m

    burn, m, pc, g = scn.burn, scn.module, scn.parachutes, scn.guidance
    size_field, size = scn.station.size_field()
    burn_text = (f"burn.delta_v = {burn.delta_v:g} m/s, burn.pitch = {math.degrees(burn.pitch):g} deg, "
                 f"burn.yaw = {math.degrees(burn.yaw):g} deg from station.{size_field} = {size}")
    h = outcome.history if outcome is not None else {}
    phase = int(h["phase"][-1]) if len(h.get("phase", ())) else COAST
    never_entered = outcome is not None and not np.isfinite(outcome.events["entry_interface"]["t"][0])
    if phase <= COAST or never_entered:  # the separation timer may have run out high above the air
        return InfeasibleScenario(
            f"{which} does not come down: {burn_text}; "
            "expected a retrograde burn large enough to bring the perigee into the atmosphere (about 128 m/s from 420 km)"
        )
    from orbital.propagation.batch_integrator import _speed

    from orbital.dynamics.entry_dynamics import Sequence

    Y = np.ascontiguousarray(h["Y"][-1][:, None])
    alt_km, speed = float(altitude_m(Y[0], Y[1], Y[2])[0]) / 1e3, float(_speed(Y)[0])
    hours = Sequence.max_time_after_burn_s / 3600.0
    if phase == ENTRY and alt_km > m.entry_interface_altitude / 1e3:
        return InfeasibleScenario(
            f"{which} does not come down: the descent module skips back out of the atmosphere ({alt_km:.0f} km up, "
            f"{speed:.0f} m/s, {hours:g} h after the burn): module.lift_to_drag = {m.lift_to_drag:g}, "
            f"guidance.bank_angle = {math.degrees(g.bank_angle):g} deg (lift up: cos(bank) = {math.cos(g.bank_angle):.2f}), {burn_text}; "
            "expected less lift up or a steeper entry (MS-11: L/D 0.3 at a 68 deg bank after a 128 m/s burn)"
        )
    ballistic = m.mass / (m.drag_coefficient * m.area_m2)
    under = {ENTRY: "before its parachutes"}.get(phase, "under its parachutes")
    return InfeasibleScenario(
        f"{which} does not come down within {hours:g} h of the burn: the descent module is still {alt_km:.1f} km up "
        f"{under}, falling at {speed:.2g} m/s: module.mass = {m.mass:g} kg on module.drag_coefficient = {m.drag_coefficient:g} "
        f"x pi (module.diameter / 2)^2 = {m.area_m2:.2f} m2 ({ballistic:.3g} kg/m2), with parachutes.drogue_area = {pc.drogue_area:g} m2, "
        f"parachutes.main_area = {pc.main_area:g} m2, density_scale = {scn.density_scale:g}; "
        f"expected a module heavy enough to come down through its parachutes (MS-11: 2900 kg, {2900.0 / (1.3 * math.pi * 1.085**2):.0f} kg/m2)"
    )


#: Air speed (m/s) below which a parachute command is one the landing system is made for
#: (subsonic; MS-11: 230 m/s). A planned descent commanded that slowly which still reaches
#: the ground before its steady descent under the main canopy has its command too low.
SUBSONIC_COMMAND_SPEED_M_S = 300.0


def minimum_command_altitude(scn, planned):
    """The lowest ``parachutes.command_altitude`` (m) from which the planned descent (an
    :class:`~orbital.propagation.batch_integrator.Outcome` with history) settles under its main canopy
    above the soft-landing altitude: the canopy phases flown from the plan's recorded entry,
    with the ground out of the way (a few fixed-point steps, to within 20 m)."""
    from dataclasses import replace

    from orbital.propagation.batch_integrator import integrate
    from orbital.dynamics.entry_dynamics import DROGUE, ENTRY, altitude_m

    h = planned.history
    entry = h["phase"] == ENTRY
    t_e, Y_e = h["t"][entry], h["Y"][entry]
    alt_e = altitude_m(np.ascontiguousarray(Y_e[:, 0]), np.ascontiguousarray(Y_e[:, 1]), np.ascontiguousarray(Y_e[:, 2]))
    seq = replace(sequence(scn), ground_altitude_m=-math.inf)
    level = scn.parachutes.command_altitude
    for _ in range(6):
        k = np.flatnonzero(alt_e >= level)
        k = k[-1] if k.size else 0
        out = integrate(Y_e[k][None, :], t_e[k], nominal_params(scn), seq, reference_guidance(scn), phase0=DROGUE)
        settled = out.events["main_settled"]["alt"][0]
        if not np.isfinite(settled):
            return math.inf
        new_level = alt_e[k] - settled + seq.soft_landing_altitude_m
        if abs(new_level - level) < 20.0:
            return max(new_level, level)
        level = new_level
    return level


def _command_too_low(scn, planned):
    """The error for a planned descent that lands under a canopy not yet settled."""

    pc = scn.parachutes
    e = planned.events
    under = "the drogue" if not np.isfinite(e["main_canopy"]["t"][0]) else "the main canopy, still filling or settling"
    minimum = minimum_command_altitude(scn, planned)
    need = pc.drogue_duration + pc.main_fill_time + pc.main_settle_time
    return InfeasibleScenario(
        f"parachutes.command_altitude = {pc.command_altitude / 1e3:g} km: too low to open the canopies: the planned descent "
        f"reaches the ground {e['touchdown']['t'][0] - e['parachute']['t'][0]:.1f} s after the command, at "
        f"{e['touchdown']['speed'][0]:.0f} m/s under {under} (the steady descent that the soft-landing engines need comes "
        f"parachutes.drogue_duration + main_fill_time + main_settle_time = {need:g} s after the command); "
        f"expected a command altitude of at least {math.ceil(minimum / 100.0) / 10.0:g} km for this module"
    )


#: Expected time (s) from the burn to touchdown, for the planned descent's progress (MS-11: 53 min).
EXPECTED_DESCENT_S = 3600.0


def plan(scn, Y0, progress_span=None):
    """Fly the planned descent once; returns ``(outcome, guidance for scn.guidance.mode)``.

    For ``lifting`` the guidance tracks the plan's range-to-go table toward its
    landing point; ``predictor_corrector`` predicts its way to the same point; ``ballistic``
    spins. Its progress is reported into ``progress_span`` ``(lo, hi)`` of the run's, if given.
    """
    from dataclasses import replace

    from orbital.propagation.batch_integrator import integrate
    from orbital.models.guidance import reference_table

    ref_guidance = reference_guidance(scn)
    clock = Stage("planned descent", 0.0, scn.burn.start + EXPECTED_DESCENT_S, *progress_span) if progress_span else None
    outcome = integrate(Y0[None, :], 0.0, nominal_params(scn), sequence(scn), ref_guidance, record=True, progress=clock)
    if not outcome.landed[0]:
        raise no_descent(scn, "the planned descent", outcome)
    e = outcome.events
    if not np.isfinite(e["soft_landing"]["t"][0]) and e["parachute"]["speed"][0] <= SUBSONIC_COMMAND_SPEED_M_S:
        raise _command_too_low(scn, outcome)
    h = outcome.history
    speed, rng, target = reference_table(h["t"], h["Y"].T, h["phase"], outcome.r_touchdown[0], outcome.t_touchdown[0])
    if scn.guidance.mode == "ballistic":
        guidance = replace(ref_guidance, mode="ballistic", target_fixed=target)
    else:
        guidance = ref_guidance.tracking(speed, rng, target, mode=scn.guidance.mode)
    return outcome, guidance


def teme_to_geodetic(epoch, t_s, r_teme, each_alone=False):
    """TEME-of-epoch positions (N, 3) at ``t_s`` (N,) to WGS84 ``(lat_deg, lon_deg, alt_m)``.
    ``each_alone``: each position's result does not depend on the others of the call (no
    interpolation across them, no matrix product whose rounding depends on N)."""
    from astropy.time import Time

    from orbital.earth.frames import gcrs_to_geodetic, teme_to_gcrs_matrix

    epoch_time = Time(epoch, scale="utc")
    m = teme_to_gcrs_matrix(epoch_time)
    r = np.asarray(r_teme, dtype=float)
    r_gcrs = np.stack([r[:, 0] * m[i, 0] + r[:, 1] * m[i, 1] + r[:, 2] * m[i, 2] for i in range(3)], axis=-1) if each_alone else r @ m.T
    return gcrs_to_geodetic(epoch_time, np.asarray(t_s, dtype=float), r_gcrs, each_alone)


def ground_distance_km(lat1, lon1, lat2, lon2):
    """Great-circle distance (km) on the mean sphere (haversine), arrays broadcast."""

    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2.0 * R_EARTH_MEAN_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))) / 1e3


def along_cross_km(lat0, lon0, lat_t, lon_t, lat, lon):
    """Miss of (lat, lon) from the target (lat_t, lon_t) along and across the great
    circle from (lat0, lon0) to the target (km; along < 0: short, cross > 0: left)."""

    def unit(la, lo):
        la, lo = np.radians(la), np.radians(lo)
        return np.stack(np.broadcast_arrays(np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)), axis=-1)

    a, b, c = unit(lat0, lon0), unit(lat_t, lon_t), unit(lat, lon)
    normal = np.cross(a, b)
    normal = normal / np.linalg.norm(normal, axis=-1, keepdims=True)
    cross = np.arcsin(np.clip(np.sum(c * normal, axis=-1), -1, 1))
    along_c = np.arctan2(np.sum(np.cross(a, c) * normal, axis=-1), np.sum(a * c, axis=-1))
    along_t = np.arctan2(np.sum(np.cross(a, b) * normal, axis=-1), np.sum(a * b, axis=-1))
    return R_EARTH_MEAN_M * (along_c - along_t) / 1e3, R_EARTH_MEAN_M * cross / 1e3


#: Touchdown speed (m/s) above which a landing is an impact (the main canopy alone lands at
#: 7.2 m/s, the engines leave 1.5 m/s; the reserve canopy lands at 8 to 11 m/s: REFERENCES.md,
#: laboratoridenvol.com "gnuSoyuz parachute").
IMPACT_SPEED_M_S = 10.0


def touchdown_phase(outcome, i=0, engines=True):
    """How sample ``i`` touched down: ``"soft_landing"`` (it has ``engines``, they fired in the
    steady descent under the main canopy, and it was no impact: :func:`is_impact`), ``"main"``
    (under the main canopy otherwise: still filling or settling, no engines, or too fast for them),
    ``"drogue"`` or ``"none"`` (air so thin that the barometric parachute command never came)."""
    e = outcome.events
    if engines and np.isfinite(e["soft_landing"]["t"][i]) and not is_impact(outcome.v_touchdown[i]):
        return "soft_landing"
    if np.isfinite(e["main_canopy"]["t"][i]):
        return "main"
    return "drogue" if np.isfinite(e["parachute"]["t"][i]) else "none"


def is_impact(touchdown_speed_m_s):
    """True where a touchdown is an impact: faster than IMPACT_SPEED_M_S (arrays or a float)."""
    return np.asarray(touchdown_speed_m_s) > IMPACT_SPEED_M_S


def opening_dynamic_pressure_pa(outcome, canopy, density_scale):
    """Dynamic pressure (Pa) at each sample's opening of ``canopy`` ("drogue": the parachute
    command; "main"), NaN where it never opened; ``density_scale`` scalar or (N,)."""
    from orbital.dynamics.kernels import air_density_array

    e = outcome.events["parachute" if canopy == "drogue" else "main_canopy"]
    rho = air_density_array(np.nan_to_num(e["alt"], nan=0.0), np.broadcast_to(density_scale, e["alt"].shape).astype(float))
    return np.where(np.isfinite(e["t"]), 0.5 * rho * e["speed"] ** 2, np.nan)


def canopies_outside_envelope(outcome, density_scale):
    """``{"drogue": (N,) bool, "main": (N,) bool}``: openings beyond the envelope flown
    (:func:`orbital.models.parachutes.opening_outside_envelope`)."""
    names = {"drogue": "parachute", "main": "main_canopy"}
    return {
        canopy: opening_outside_envelope(canopy, outcome.events[event]["speed"], opening_dynamic_pressure_pa(outcome, canopy, density_scale))
        for canopy, event in names.items()
    }


def landing_warnings(outcome, density_scale, i=0):
    """What went beyond the landing system's design for sample ``i``: one sentence, or None."""
    notes = []
    outside = canopies_outside_envelope(outcome, density_scale)
    limits = {"drogue": ("parachute", P.DROGUE_MAX_OPENING_SPEED_M_S, P.DROGUE_MAX_OPENING_Q_PA),
              "main": ("main_canopy", P.MAIN_MAX_OPENING_SPEED_M_S, P.MAIN_MAX_OPENING_Q_PA)}
    for canopy, (event, top_speed, top_q) in limits.items():
        if outside[canopy][i]:
            speed, q = outcome.events[event]["speed"][i], opening_dynamic_pressure_pa(outcome, canopy, density_scale)[i]
            notes.append(f"the {canopy} opened at {speed:.0f} m/s and {q / 1e3:.1f} kPa, beyond the envelope flown "
                         f"(at most {top_speed:g} m/s and {top_q / 1e3:g} kPa)")
    v = float(outcome.v_touchdown[i])
    if is_impact(v):
        notes.append(f"touchdown at {v:.1f} m/s: an impact (over {IMPACT_SPEED_M_S:g} m/s)")
    return "; ".join(notes) or None


def _touchdown_text(outcome, i, engines):
    """The touchdown event's message when it needs more than its speed: an impact is called one,
    a landing without the engines says so (None for a soft landing)."""
    speed = float(outcome.events["touchdown"]["speed"][i])
    phase = touchdown_phase(outcome, i, engines)
    if phase == "soft_landing":
        return None
    fired = engines and np.isfinite(outcome.events["soft_landing"]["t"][i])
    settled = np.isfinite(outcome.events["main_settled"]["t"][i])
    if phase == "none":
        under = "no canopy (the air never reached the parachute command's barometric pressure)"
    else:
        under = "the drogue" if phase == "drogue" else "the main canopy" + ("" if settled else " (not yet settled)")
        under += ", after the soft-landing engines" if fired else ", without the soft-landing engines"
    if is_impact(speed):
        return (f"touchdown: an impact at {speed:.1f} m/s under {under} (the landing system is made for "
                f"7.2 m/s under the main canopy, 1.5 m/s after the engines)")
    return f"touchdown at {speed:.2f} m/s under {under}"


def descent_events(outcome, thrust_n, density_scale, i=0):
    messages = {
        "burn_start": "deorbit burn starts",
        "burn_end": "deorbit burn ends",
        "separation": "modules separate",
        "entry_interface": "entry interface",
        "parachute": "parachute command: drogue opens",
        "main_canopy": "main canopy released",
        "main_settled": "main canopy settled: steady descent",
        "soft_landing": "soft-landing engines fire",
        "touchdown": "touchdown",
    }
    if thrust_n <= 0.0:
        del messages["soft_landing"]  # no engines: the closed-form landing starts there all the same
    outside = canopies_outside_envelope(outcome, density_scale)
    canopy_of = {"parachute": "drogue", "main_canopy": "main"}
    events = []
    for name, message in messages.items():
        e = outcome.events[name]
        if np.isfinite(e["t"][i]):
            alt, speed = float(e["alt"][i]), float(e["speed"][i])
            text = f"{message} at {alt / 1e3:.2f} km, {speed:.1f} m/s air speed" if alt >= 100 else f"{message} at {alt:.2f} m, {speed:.2f} m/s"
            if name == "touchdown":
                text = _touchdown_text(outcome, i, thrust_n > 0.0) or text
            elif name in canopy_of and outside[canopy_of[name]][i]:
                text += ": beyond the canopy's opening envelope (see landing_warnings)"
            events.append(Event(float(e["t"][i]), name, text, {"altitude_m": alt, "air_speed_m_s": speed}))
    return sorted(events, key=lambda e: e.time_s)


def first_run_note(_scenario):
    """What the CLI says before a run that will first compile the force kernels (or None)."""
    from orbital.dynamics.entry_dynamics import compile_note

    return compile_note()


def descent_first_run_note(scenario):
    """:func:`first_run_note` for one descent (the ``reentry`` kind): None unless it is flown compiled
    (:func:`orbital.propagation.batch_integrator.runs_interpreted`: the predictor-corrector)."""
    from orbital.propagation.batch_integrator import runs_interpreted

    return None if runs_interpreted(1, scenario.guidance) else first_run_note(scenario)
