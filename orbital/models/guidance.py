"""Entry guidance of the descent module: how its lift is pointed.

The module trims at a fixed angle of attack, so it controls its lift only by
rolling about the air-relative velocity (the bank angle). The lift then splits
into an in-plane "up" fraction ``c = cos(bank)`` and a lateral fraction
``s = sin(bank)`` (positive: to the left of the flight), which
:func:`orbital.dynamics.entry_dynamics.derivatives` applies.

Modes:

``reference``
    Constant vertical lift fraction ``c0`` and no net lateral lift: the average of
    a bank angle of acos(c0) flown with frequent bank reversals. This is the
    *planned* descent: it is flown once, undispersed, and its landing point is the
    target; its range-to-go against air speed is the reference table.

``lifting``
    A digital guidance in the manner of Apollo's and Soyuz's entry guidance: every
    ``cycle_s`` (Apollo's cycle: 2 s) it computes a bank command, held until the
    next cycle (:meth:`Guidance.command`).

    Range (the bank's magnitude): reference-trajectory tracking,

        c = clip(c0 + K (R_togo - R_ref(V)), c_min, 1)

    with R_togo the signed great-circle distance from the sub-module point to the
    target (Earth-fixed; negative once past it), R_ref(V) the plan's range-to-go
    at the same air speed V, K (1/m) the gain: a module that would fall short
    flies more lift up, one that would overshoot rolls its lift toward
    horizontal (never below, c_min = 0: that would trade range for load). Range
    control acts between ``v_start`` and ``v_end``: above v_start range-to-go
    hardly varies with speed, so the table would turn tiny speed differences
    into huge range errors (c = c0 there); below v_end (about Mach 2) the last
    command is held.

    Cross-range (the bank's side): the module banks to one side and keeps that
    side until the target's cross-range X (from the plane of r and v_rel,
    positive to the left) lies beyond a deadband on the *other* side; then it
    reverses the bank (s changes sign, c is kept). The deadband narrows with
    speed, from ``deadband_start_m`` at v_start to ``deadband_end_m`` at v_end,
    quadratically in (V - v_end) (Apollo's lateral logic narrows as V^2); below
    v_end the last bank is held, as Apollo's final phase did. The module
    therefore weaves across the ground track with a few reversals (the nominal
    descent: 5) and lands some km to either side of it: footprints are km wide,
    as flown. Reversals are instantaneous at a cycle (the real roll through
    lift-up takes several seconds).

``ballistic``
    No lift control: the module spins about its velocity at ``roll_rate``, so the
    bank angle grows linearly, bank = roll_rate t + roll_phase, and the lift
    averages to zero over each turn (Soyuz TMA-1 in 2003, the film's "free fall").
"""

from dataclasses import dataclass, field, replace

import numpy as np

from orbital.dynamics.compiled import kernel
from orbital.dynamics.entry_dynamics import ENTRY, air_velocity, lift_fractions
from orbital.earth.constants import OMEGA_EARTH_RAD_S, R_EARTH_MEAN_M


@dataclass
class Guidance:
    """Guidance law and, for ``lifting``, its reference table and target (SI)."""

    mode: str = "reference"  # reference | lifting | ballistic
    c0: float = 0.6
    gain_per_m: float = 1.0 / 100.0e3
    v_end_m_s: float = 600.0
    v_start_m_s: float = 7200.0  # range-to-go against speed is ill-conditioned near peak speed
    c_min: float = 0.0  # never roll the lift below horizontal: keeps the load near the plan's
    deadband_start_m: float = 40.0e3
    deadband_end_m: float = 3.0e3
    cycle_s: float = 2.0
    roll_rate_rad_s: float = np.radians(13.0)
    roll_phase_rad: float = 0.0
    table_speed_m_s: np.ndarray = field(default_factory=lambda: np.zeros(0))
    table_range_m: np.ndarray = field(default_factory=lambda: np.zeros(0))
    target_fixed: np.ndarray = field(default_factory=lambda: np.array([1.0, 0.0, 0.0]))

    @property
    def cycles(self):
        """True if the lift follows commands computed once per guidance cycle."""
        return self.mode == "lifting"

    def lift_fractions(self, t, c_cmd, side):
        """In-plane and lateral lift fractions ``(c, s)`` (N,) at times ``t`` (N,),
        from the held commands: vertical fraction ``c_cmd`` and bank side ``side``
        (+1 left, -1 right, 0 none: the reference's mean of reversals)."""
        return lift_fractions(t, c_cmd, side, self.mode == "ballistic", self.roll_rate_rad_s, self.roll_phase_rad)

    def deadband_m(self, speed):
        """Cross-range deadband (m) at air speed ``speed`` (m/s)."""
        return deadband_m(speed, self.v_end_m_s, self.v_start_m_s, self.deadband_end_m, self.deadband_start_m)

    def command(self, t, Y, c_prev, side_prev):
        """One guidance cycle for states ``Y`` (6, N) at ``t`` (N,): returns the new
        ``(c_cmd, side)`` (N,) given the held ones (side 0: not chosen yet)."""
        law = np.array([self.c0, self.gain_per_m, self.c_min, self.v_end_m_s, self.v_start_m_s, self.deadband_end_m, self.deadband_start_m])
        c, side = np.empty(len(t)), np.empty(len(t))
        _commands_into(np.asarray(t, dtype=float), np.ascontiguousarray(Y, dtype=float), np.asarray(c_prev, dtype=float),
                       np.asarray(side_prev, dtype=float), law, self.table_speed_m_s, self.table_range_m,
                       np.asarray(self.target_fixed, dtype=float), c, side)
        return c, side

    def tracking(self, table_speed_m_s, table_range_m, target_fixed):
        """This guidance in ``lifting`` mode with the given reference table and target."""
        return replace(
            self,
            mode="lifting",
            table_speed_m_s=np.asarray(table_speed_m_s, dtype=float),
            table_range_m=np.asarray(table_range_m, dtype=float),
            target_fixed=np.asarray(target_fixed, dtype=float),
        )


@kernel
def deadband_m(speed, v_end, v_start, deadband_end, deadband_start):
    """Cross-range deadband (m) at air speed ``speed`` (m/s): ``deadband_start`` at ``v_start``
    narrowing quadratically to ``deadband_end`` at ``v_end``; scalars or arrays."""
    u = np.minimum(np.maximum((speed - v_end) / (v_start - v_end), 0.0), 1.0)
    return deadband_end + (deadband_start - deadband_end) * u * u


@kernel
def _interp(x, xp, fp):
    """``np.interp(x, xp, fp)`` for one ``x`` and strictly increasing ``xp``, by its very formula (NaN
    fallbacks included, so the same bits): numba's np.interp costs two seconds of compiling on a first run."""
    n = xp.size
    if n == 0:
        raise ValueError("the guidance's reference table is empty")
    if x < xp[0]:
        return fp[0]
    if x >= xp[n - 1]:
        return fp[n - 1]
    lo, hi = 0, n - 1  # xp[lo] <= x < xp[hi]
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if xp[mid] <= x:
            lo = mid
        else:
            hi = mid
    if xp[lo] == x:
        return fp[lo]
    slope = (fp[lo + 1] - fp[lo]) / (xp[lo + 1] - xp[lo])
    y = slope * (x - xp[lo]) + fp[lo]
    if np.isnan(y):
        y = slope * (x - xp[lo + 1]) + fp[lo + 1]
        if np.isnan(y) and fp[lo] == fp[lo + 1]:
            y = fp[lo]
    return y


@kernel
def _command(t, x, y, z, vx, vy, vz, c_prev, side_prev, law, table_speed, table_range, target):
    """The lifting law (module docstring) for one sample; ``law`` as in :meth:`Guidance.command`."""
    c0, gain, c_min, v_end, v_start, band_end, band_start = law[0], law[1], law[2], law[3], law[4], law[5], law[6]
    # v - w x r, written out: compiled code here calls nothing from other files (see entry_dynamics)
    ux, uy, uz = vx + OMEGA_EARTH_RAD_S * y, vy - OMEGA_EARTH_RAD_S * x, vz
    speed = np.sqrt(ux * ux + uy * uy + uz * uz)
    a = OMEGA_EARTH_RAD_S * t
    tx, ty, tz = np.cos(a) * target[0] - np.sin(a) * target[1], np.sin(a) * target[0] + np.cos(a) * target[1], target[2]
    r = np.sqrt(x * x + y * y + z * z)
    cos_angle = (x * tx + y * ty + z * tz) / r
    cx, cy, cz = y * tz - z * ty, z * tx - x * tz, x * ty - y * tx
    sin_angle = np.sqrt(cx * cx + cy * cy + cz * cz) / r
    # ahead or behind: the target against the horizontal part of the flight direction
    ahead = (tx * ux + ty * uy + tz * uz) - cos_angle * (x * ux + y * uy + z * uz) / r
    range_to_go = R_EARTH_MEAN_M * np.arctan2(sin_angle, cos_angle) * (1.0 if ahead >= 0.0 else -1.0)
    if speed >= v_start:
        c = c0
    elif speed > v_end:
        range_ref = _interp(speed, table_speed, table_range)
        c = min(max(c0 + gain * (range_to_go - range_ref), c_min), 1.0)
    else:
        c = c_prev

    hx, hy, hz = y * uz - z * uy, z * ux - x * uz, x * uy - y * ux  # r x v_rel: left of the flight
    hn = np.sqrt(hx * hx + hy * hy + hz * hz)
    crossrange = R_EARTH_MEAN_M * np.arcsin(min(max((hx * tx + hy * ty + hz * tz) / hn, -1.0), 1.0))
    reverse = speed > v_end and abs(crossrange) > deadband_m(speed, v_end, v_start, band_end, band_start) and side_prev * crossrange < 0.0
    side = (1.0 if crossrange >= 0.0 else -1.0) if (side_prev == 0.0 or reverse) else side_prev
    return c, side


@kernel(nogil=True)
def _commands_into(t, Y, c_prev, side_prev, law, table_speed, table_range, target, c_out, side_out):
    for i in range(Y.shape[1]):
        c_out[i], side_out[i] = _command(t[i], Y[0, i], Y[1, i], Y[2, i], Y[3, i], Y[4, i], Y[5, i], c_prev[i], side_prev[i],
                                         law, table_speed, table_range, target)


def to_fixed(r, t):
    """Inertial (TEME of epoch) position(s) (3, N) at ``t`` (N,) into the frame that turns
    with the Earth and coincides with TEME of epoch at t = 0."""
    a = -OMEGA_EARTH_RAD_S * np.asarray(t, dtype=float)
    ca, sa = np.cos(a), np.sin(a)
    return np.stack([ca * r[0] - sa * r[1], sa * r[0] + ca * r[1], r[2]])


def reference_table(t, Y, phase, r_landing, t_landing):
    """Range-to-go against air speed along a reference descent, and its target.

    ``t`` (M,), ``Y`` (6, M), ``phase`` (M,) are the recorded steps of one
    descent; ``r_landing`` (3,) its inertial touchdown point at ``t_landing``.
    Returns ``(speed_ascending (K,), range_m (K,), target_fixed (3,))``.
    """
    target = to_fixed(np.asarray(r_landing, dtype=float)[:, None], np.array([t_landing]))[:, 0]
    target /= np.linalg.norm(target)
    entry = phase == ENTRY
    te, Ye = t[entry], np.ascontiguousarray(Y[:, entry])
    fixed = to_fixed(Ye[:3], te)
    fixed /= np.linalg.norm(fixed, axis=0)
    cos_angle = target @ fixed
    sin_angle = np.linalg.norm(np.cross(fixed.T, target), axis=1)
    range_m = R_EARTH_MEAN_M * np.arctan2(sin_angle, cos_angle)
    ux, uy, uz = air_velocity(Ye[0], Ye[1], Ye[3], Ye[4], Ye[5])
    speed = np.sqrt(ux * ux + uy * uy + uz * uz)
    start = int(np.argmax(speed))
    speed, range_m = speed[start:], range_m[start:]
    keep = speed < np.minimum.accumulate(np.concatenate([[np.inf], speed[:-1]]))  # strictly decreasing
    speed, range_m = speed[keep], range_m[keep]
    return speed[::-1].copy(), range_m[::-1].copy(), target
