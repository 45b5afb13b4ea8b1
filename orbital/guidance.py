"""Entry guidance of the descent module: how its lift is pointed.

The module trims at a fixed angle of attack, so it controls its lift only by
rolling about the air-relative velocity (the bank angle). The lift then splits
into an in-plane "up" fraction ``c`` and a lateral fraction ``s`` (c = cos(bank),
s = sin(bank) for a steady roll), which :func:`orbital.entry_dynamics.derivatives`
applies.

Modes:

``reference``
    Constant vertical lift fraction ``c0`` and no net lateral lift: the average of
    a bank angle of acos(c0) flown with frequent bank reversals. This is the
    *planned* descent: it is flown once, undispersed, and its landing point is the
    target; its range-to-go against air speed is the reference table.

``lifting``
    Reference-trajectory tracking, in the spirit of Apollo's and Soyuz's entry
    guidance, reduced to one line, stateless and vectorised:

        c = clip(c0 + K (R_togo - R_ref(V)), c_min, 1)

    where R_togo is the great-circle distance from the sub-module point to the
    target (Earth-fixed), R_ref(V) the reference range-to-go at the same air speed
    V, and K (1/m) the gain: a module that would fall short flies more lift up,
    one that would overshoot rolls its lift toward horizontal (c_min = 0:
    never below, which would trade range for load). The lateral fraction steers
    toward the target's side of the flight plane:

        s = sqrt(1 - c^2) tanh(X / X0)

    with X the crossrange of the target (positive to the left of v_rel) and X0 a
    scale of a few km; near X = 0 this is the mean of fast bank reversals (the
    lift magnitude then drops below L), far from it a steady bank toward the
    target. Guidance acts between ``v_start`` and ``v_end``: above v_start (the
    first minutes, while drag has barely slowed the module) range-to-go hardly
    varies with speed, so the table would turn tiny speed differences into huge
    range errors; below v_end (about Mach 3) lift no longer moves the landing
    point much. Outside that band: c = c0, s = 0.

``ballistic``
    No lift control: the module spins about its velocity at ``roll_rate``, so the
    bank angle grows linearly, bank = roll_rate t + roll_phase, and the lift
    averages to zero over each turn (Soyuz TMA-1 in 2003, the film's "free fall").
"""

from dataclasses import dataclass, field

import numpy as np

from orbital.constants import OMEGA_EARTH_RAD_S
from orbital.entry_dynamics import ENTRY, R_EARTH_MEAN_M


@dataclass
class Guidance:
    """Guidance law and, for ``lifting``, its reference table and target."""

    mode: str = "reference"  # reference | lifting | ballistic
    c0: float = 0.6
    gain_per_m: float = 1.0 / 100.0e3
    crossrange_scale_m: float = 5.0e3
    v_end_m_s: float = 1000.0
    v_start_m_s: float = 7200.0  # range-to-go against speed is ill-conditioned near peak speed
    c_min: float = 0.0  # never roll the lift below horizontal: keeps the load near the plan's
    roll_rate_rad_s: float = np.radians(13.0)
    roll_phase_rad: float = 0.0
    table_speed_m_s: np.ndarray = field(default_factory=lambda: np.zeros(0))
    table_range_m: np.ndarray = field(default_factory=lambda: np.zeros(0))
    target_fixed: np.ndarray = field(default_factory=lambda: np.array([1.0, 0.0, 0.0]))

    def lift_fractions(self, t, x, y, z, ux, uy, uz, speed, active):
        """In-plane and lateral lift fractions ``(c, s)``, arrays (N,)."""
        if self.mode == "ballistic":
            bank = self.roll_rate_rad_s * t + self.roll_phase_rad
            return np.cos(bank), np.sin(bank)
        c = np.full(np.shape(t), self.c0)
        s = np.zeros(np.shape(t))
        if self.mode == "reference":
            return c, s
        tx, ty, tz = target_inertial(self.target_fixed, t)
        r = np.sqrt(x * x + y * y + z * z)
        cos_angle = (x * tx + y * ty + z * tz) / r
        cx, cy, cz = y * tz - z * ty, z * tx - x * tz, x * ty - y * tx
        sin_angle = np.sqrt(cx * cx + cy * cy + cz * cz) / r
        range_to_go = R_EARTH_MEAN_M * np.arctan2(sin_angle, cos_angle)
        range_ref = np.interp(speed, self.table_speed_m_s, self.table_range_m)
        guided = active & (speed > self.v_end_m_s) & (speed < self.v_start_m_s)
        c = np.where(guided, np.clip(self.c0 + self.gain_per_m * (range_to_go - range_ref), self.c_min, 1.0), c)
        hx, hy, hz = y * uz - z * uy, z * ux - x * uz, x * uy - y * ux  # r x v_rel: left of the flight
        hn = np.sqrt(hx * hx + hy * hy + hz * hz)
        crossrange = R_EARTH_MEAN_M * np.arcsin(np.clip((hx * tx + hy * ty + hz * tz) / hn, -1.0, 1.0))
        s = np.where(guided, np.sqrt(1.0 - c * c) * np.tanh(crossrange / self.crossrange_scale_m), 0.0)
        return c, s

    def tracking(self, table_speed_m_s, table_range_m, target_fixed):
        """This guidance in ``lifting`` mode with the given reference table and target."""
        from dataclasses import replace

        return replace(
            self,
            mode="lifting",
            table_speed_m_s=np.asarray(table_speed_m_s, dtype=float),
            table_range_m=np.asarray(table_range_m, dtype=float),
            target_fixed=np.asarray(target_fixed, dtype=float),
        )


def to_fixed(r, t):
    """Inertial (TEME of epoch) position(s) (3, N) at ``t`` (N,) into the frame that turns
    with the Earth and coincides with TEME of epoch at t = 0."""
    a = -OMEGA_EARTH_RAD_S * np.asarray(t, dtype=float)
    ca, sa = np.cos(a), np.sin(a)
    return np.stack([ca * r[0] - sa * r[1], sa * r[0] + ca * r[1], r[2]])


def target_inertial(target_fixed, t):
    """The Earth-fixed unit vector ``target_fixed`` (3,) at times ``t``, in inertial axes."""
    a = OMEGA_EARTH_RAD_S * t
    ca, sa = np.cos(a), np.sin(a)
    return ca * target_fixed[0] - sa * target_fixed[1], sa * target_fixed[0] + ca * target_fixed[1], np.broadcast_to(target_fixed[2], np.shape(t))


def reference_table(t, Y, phase, r_landing, t_landing):
    """Range-to-go against air speed along a reference descent, and its target.

    ``t`` (M,), ``Y`` (6, M), ``phase`` (M,) are the recorded steps of one
    descent; ``r_landing`` (3,) its inertial touchdown point at ``t_landing``.
    Returns ``(speed_ascending (K,), range_m (K,), target_fixed (3,))``.
    """
    target = to_fixed(np.asarray(r_landing, dtype=float)[:, None], np.array([t_landing]))[:, 0]
    target /= np.linalg.norm(target)
    entry = phase == ENTRY
    te, Ye = t[entry], Y[:, entry]
    fixed = to_fixed(Ye[:3], te)
    fixed /= np.linalg.norm(fixed, axis=0)
    cos_angle = target @ fixed
    sin_angle = np.linalg.norm(np.cross(fixed.T, target), axis=1)
    range_m = R_EARTH_MEAN_M * np.arctan2(sin_angle, cos_angle)
    ux = Ye[3] + OMEGA_EARTH_RAD_S * Ye[1]
    uy = Ye[4] - OMEGA_EARTH_RAD_S * Ye[0]
    speed = np.sqrt(ux * ux + uy * uy + Ye[5] ** 2)
    start = int(np.argmax(speed))
    speed, range_m = speed[start:], range_m[start:]
    keep = speed < np.minimum.accumulate(np.concatenate([[np.inf], speed[:-1]]))  # strictly decreasing
    speed, range_m = speed[keep], range_m[keep]
    return speed[::-1].copy(), range_m[::-1].copy(), target
