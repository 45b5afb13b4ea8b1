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
    A digital guidance in the manner of Apollo's and Soyuz's entry guidance: from the entry
    interface on (above it the module flies the plan's ``c0``, no side), every ``cycle_s``
    (Apollo's cycle: 2 s) it computes a bank command, held until the next cycle
    (:meth:`Guidance.command`).

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

``predictor_corrector``
    A numerical predictor-corrector, the family of Apollo's final phase made whole-entry and
    flown by Orion and modern capsules (Lu, "Entry Guidance: A Unified Method", J. Guidance,
    Control, and Dynamics 37(3), 2014 (FNPEG); Brunner and Lu, "Skip Entry Trajectory Planning
    and Guidance", JGCD 31(5), 2008). Every cycle, between ``v_start`` and ``v_end`` like the
    range law, for each sample:

    - *predict* (:func:`predict`): fly the rest of the entry, compiled, with the same forces as
      the descent (:func:`orbital.dynamics.entry_dynamics.entry_step`), the onboard vehicle
      model (the plan's nominal module and air: the guidance does not know a sample's
      dispersions) and the held vertical lift fraction c = cos(bank), in coarse RK4 steps of at
      most ``predictor_step_s``, down to the parachute command altitude. The model's air is
      scaled by the ratio of the sensed to the modelled aerodynamic load (:func:`sensed_air_factor`),
      which lumps the day's density with the module's own drag and mass errors, as FNPEG's
      density filter does;
    - *miss*: the predicted range-to-go there to the target (the planned landing point) minus
      the plan's range-to-go at its own parachute command (the canopies' drift, flown as
      planned): positive means short;
    - *correct*: one secant (Newton) step on the miss, from a second prediction at c shifted by
      SECANT_DELTA: c <- c - miss / (d miss / dc), by at most MAX_CHANGE_PER_CYCLE, within
      [min(``c_min``, ``c0``), 1] (bank from 0 to 90 deg, or to the plan's own bank if that flies
      lift down: never lower than planned, as the range law never below horizontal); held where the
      slope has the wrong sign; a prediction that does not come down (a skip) lowers c.

    The correction starts from the plan's c0 and, each cycle, from the last command, so the
    iteration runs across cycles as FNPEG's does. Lateral control is the range law's: bank
    reversals when the target leaves the deadband, which narrows with speed. Below ``v_end``
    the last command is held.

``ballistic``
    No lift control: the module spins about its velocity at ``roll_rate``, so the
    bank angle grows linearly, bank = roll_rate t + roll_phase, and the lift
    averages to zero over each turn (Soyuz TMA-1 in 2003, the film's "free fall").
"""

from dataclasses import dataclass, field, fields, replace

import numpy as np

from orbital.dynamics.compiled import kernel
from orbital.dynamics.entry_dynamics import ENTRY, SampleParams, Sequence, air_velocity, entry_step, kernel_constants, lift_fractions, rates
from orbital.dynamics.kernels import altitude_m as _altitude_m  # compiled: predict calls it inside a kernel
from orbital.earth.constants import OMEGA_EARTH_RAD_S, R_EARTH_MEAN_M


@dataclass
class Guidance:
    """Guidance law and, for ``lifting`` and ``predictor_corrector``, the plan's reference table,
    target and (predictor_corrector) onboard model (SI)."""

    mode: str = "reference"  # reference | lifting | predictor_corrector | ballistic
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
    #: predictor_corrector: longest step (s) of a prediction, where it stops (the parachute
    #: command), and the onboard vehicle model (one column of SampleParams.matrix(), (14, 1))
    predictor_step_s: float = 4.0
    stop_altitude_m: float = 10.8e3
    model: np.ndarray = field(default_factory=lambda: np.zeros((14, 1)))

    @property
    def cycles(self):
        """True if the lift follows commands computed once per guidance cycle."""
        return self.mode in ("lifting", "predictor_corrector")

    def lift_fractions(self, t, c_cmd, side):
        """In-plane and lateral lift fractions ``(c, s)`` (N,) at times ``t`` (N,),
        from the held commands: vertical fraction ``c_cmd`` and bank side ``side``
        (+1 left, -1 right, 0 none: the reference's mean of reversals)."""
        return lift_fractions(t, c_cmd, side, self.mode == "ballistic", self.roll_rate_rad_s, self.roll_phase_rad)

    def deadband_m(self, speed):
        """Cross-range deadband (m) at air speed ``speed`` (m/s)."""
        return deadband_m(speed, self.v_end_m_s, self.v_start_m_s, self.deadband_end_m, self.deadband_start_m)

    def command(self, t, Y, c_prev, side_prev, sensed_by=None):
        """One guidance cycle for states ``Y`` (6, N) at ``t`` (N,): returns the new
        ``(c_cmd, side)`` (N,) given the held ones (side 0: not chosen yet). ``sensed_by``: the
        samples' own :class:`~orbital.dynamics.entry_dynamics.SampleParams`, whose load the
        accelerometers read (:meth:`air_factor`); None: the onboard model as planned."""
        n = len(t)
        sensed = np.repeat(np.asarray(self.model, dtype=float), n, axis=1) if sensed_by is None else sensed_by.matrix()
        c, side = np.empty(n), np.empty(n)
        _commands_into(np.asarray(t, dtype=float), np.ascontiguousarray(Y, dtype=float), np.asarray(c_prev, dtype=float),
                       np.asarray(side_prev, dtype=float), sensed, self.compiled(), c, side)
        return c, side

    def compiled(self):
        """This guidance as :func:`sample_command` takes it: ``(predictor_corrector, law, table speeds,
        table ranges, target, onboard model, kernel constants, predictor step (s), stop altitude (m),
        the plan's range-to-go at its parachute command (m))``; ``predictor_corrector`` is True or None
        (a table law): None's type lets numba leave the predictor-corrector out of the other modes' kernels
        (seconds less to compile on a first run)."""
        law = np.array([self.c0, self.gain_per_m, self.c_min, self.v_end_m_s, self.v_start_m_s, self.deadband_end_m, self.deadband_start_m])
        pc = True if self.mode == "predictor_corrector" else None
        return (pc, law, np.ascontiguousarray(self.table_speed_m_s, dtype=float), np.ascontiguousarray(self.table_range_m, dtype=float),
                np.ascontiguousarray(self.target_fixed, dtype=float), np.ascontiguousarray(self.model, dtype=float),
                kernel_constants(Sequence(), self), float(self.predictor_step_s), float(self.stop_altitude_m),
                float(self.table_range_m[0]) if pc else np.nan)

    def air_factor(self, t, Y, sensed_by):
        """Sensed over modelled aerodynamic load (N,) at states ``Y`` (6, N), ``t`` (N,): the
        samples' (``sensed_by``, their :class:`~orbital.dynamics.entry_dynamics.SampleParams`) over
        the onboard model's (:func:`sensed_air_factor`)."""
        Y = np.ascontiguousarray(Y, dtype=float)
        P, model, K = sensed_by.matrix(), np.ascontiguousarray(self.model, dtype=float), kernel_constants(Sequence(), self)
        return np.array([sensed_air_factor(float(t[i]), (Y[0, i], Y[1, i], Y[2, i], Y[3, i], Y[4, i], Y[5, i]), P, i, model, K, self.c0)
                         for i in range(len(t))])

    def tracking(self, table_speed_m_s, table_range_m, target_fixed, mode="lifting"):
        """This guidance in ``mode`` (``lifting`` or ``predictor_corrector``) with the given reference table and target."""
        return replace(
            self,
            mode=mode,
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
def _air_speed(x, y, vx, vy, vz):
    # v - w x r, written out
    ux, uy, uz = vx + OMEGA_EARTH_RAD_S * y, vy - OMEGA_EARTH_RAD_S * x, vz
    return ux, uy, uz, np.sqrt(ux * ux + uy * uy + uz * uz)


@kernel
def _range_and_crossrange(t, x, y, z, ux, uy, uz, target):
    """Signed great-circle range-to-go (m; negative once past) from the point under ``(x, y, z)``
    flying along the air velocity ``(ux, uy, uz)`` at ``t`` to the Earth-fixed unit vector
    ``target``, and the target's cross-range (m, positive to the left of the flight)."""
    a = OMEGA_EARTH_RAD_S * t
    tx, ty, tz = np.cos(a) * target[0] - np.sin(a) * target[1], np.sin(a) * target[0] + np.cos(a) * target[1], target[2]
    r = np.sqrt(x * x + y * y + z * z)
    cos_angle = (x * tx + y * ty + z * tz) / r
    cx, cy, cz = y * tz - z * ty, z * tx - x * tz, x * ty - y * tx
    sin_angle = np.sqrt(cx * cx + cy * cy + cz * cz) / r
    # ahead or behind: the target against the horizontal part of the flight direction
    ahead = (tx * ux + ty * uy + tz * uz) - cos_angle * (x * ux + y * uy + z * uz) / r
    range_to_go = R_EARTH_MEAN_M * np.arctan2(sin_angle, cos_angle) * (1.0 if ahead >= 0.0 else -1.0)
    hx, hy, hz = y * uz - z * uy, z * ux - x * uz, x * uy - y * ux  # r x v_rel: left of the flight
    hn = np.sqrt(hx * hx + hy * hy + hz * hz)
    crossrange = R_EARTH_MEAN_M * np.arcsin(min(max((hx * tx + hy * ty + hz * tz) / hn, -1.0), 1.0))
    return range_to_go, crossrange


@kernel
def _bank_side(speed, crossrange, side_prev, v_end, v_start, band_end, band_start):
    """The bank's side (+1 left, -1 right): kept until the target lies beyond the deadband on the
    other side, then reversed; chosen toward the target on the first cycle; held below ``v_end``."""
    reverse = speed > v_end and abs(crossrange) > deadband_m(speed, v_end, v_start, band_end, band_start) and side_prev * crossrange < 0.0
    return (1.0 if crossrange >= 0.0 else -1.0) if (side_prev == 0.0 or reverse) else side_prev


@kernel
def _command(t, x, y, z, vx, vy, vz, c_prev, side_prev, law, table_speed, table_range, target):
    """The lifting law (module docstring) for one sample; ``law`` as in :meth:`Guidance.command`."""
    c0, gain, c_min, v_end, v_start, band_end, band_start = law[0], law[1], law[2], law[3], law[4], law[5], law[6]
    ux, uy, uz, speed = _air_speed(x, y, vx, vy, vz)
    range_to_go, crossrange = _range_and_crossrange(t, x, y, z, ux, uy, uz, target)
    if speed >= v_start:
        c = c0
    elif speed > v_end:
        range_ref = _interp(speed, table_speed, table_range)
        c = min(max(c0 + gain * (range_to_go - range_ref), c_min), 1.0)
    else:
        c = c_prev
    return c, _bank_side(speed, crossrange, side_prev, v_end, v_start, band_end, band_start)


#: Most steps of one prediction (a bound on its cost: 4,000 steps of 1 s is over an hour of flight).
PREDICTOR_MAX_STEPS = 4000
#: Row of the air's density scale in SampleParams.matrix().
_DENSITY_ROW = [f.name for f in fields(SampleParams)].index("density_scale")
#: Least modelled aerodynamic load (g) from which the predictor-corrector scales its air by the sensed load.
MIN_SENSED_G = 0.05
#: Bounds of that scale: a guard against readings no plausible air gives (a sample beyond them
#: is predicted with the bound).
AIR_FACTOR_BOUNDS = (0.2, 5.0)
#: Change of cos(bank) between the two predictions of a cycle's secant step.
SECANT_DELTA = 0.05
#: Largest change of cos(bank) in one guidance cycle.
MAX_CHANGE_PER_CYCLE = 0.2


@kernel
def predict(t, x, y, z, vx, vy, vz, c, model, i, K, step_s, stop_altitude_m, target):
    """Fly one entry on to ``stop_altitude_m`` at a constant vertical lift fraction ``c`` and no
    lateral lift, with the onboard vehicle ``model`` (column ``i`` of a
    :meth:`~orbital.dynamics.entry_dynamics.SampleParams.matrix`) and the descent's forces
    (:func:`orbital.dynamics.entry_dynamics.entry_step`: RK4 steps of ``step_s`` at most);
    returns the range-to-go (m) at the stop altitude to the Earth-fixed ``target``, NaN if it
    does not get down within PREDICTOR_MAX_STEPS steps (a skip)."""
    s = (x, y, z, vx, vy, vz)
    for _ in range(PREDICTOR_MAX_STEPS):
        s1, dt, h0 = entry_step(t, s, step_s, model, i, K, c, 0.0)
        h1 = _altitude_m(s1[0], s1[1], s1[2])
        if h1 <= stop_altitude_m:
            u = (h0 - stop_altitude_m) / (h0 - h1)  # linear in the step: the range moves little in it
            e = (s[0] + u * (s1[0] - s[0]), s[1] + u * (s1[1] - s[1]), s[2] + u * (s1[2] - s[2]),
                 s[3] + u * (s1[3] - s[3]), s[4] + u * (s1[4] - s[4]), s[5] + u * (s1[5] - s[5]))
            ux, uy, uz, _ = _air_speed(e[0], e[1], e[3], e[4], e[5])
            return _range_and_crossrange(t + u * dt, e[0], e[1], e[2], ux, uy, uz, target)[0]
        s, t = s1, t + dt
    return np.nan


@kernel
def _pc_command(t, x, y, z, vx, vy, vz, c_prev, side_prev, law, model, i, K, step_s, stop_altitude_m, range_at_stop_m, target):
    """The predictor-corrector (module docstring) for one sample; ``law`` as in :meth:`Guidance.command`."""
    c0, v_end, v_start, band_end, band_start = law[0], law[3], law[4], law[5], law[6]
    c_min = min(law[2], c0)
    ux, uy, uz, speed = _air_speed(x, y, vx, vy, vz)
    crossrange = _range_and_crossrange(t, x, y, z, ux, uy, uz, target)[1]
    if speed >= v_start:
        c = c0
    elif speed > v_end:
        miss = predict(t, x, y, z, vx, vy, vz, c_prev, model, i, K, step_s, stop_altitude_m, target) - range_at_stop_m
        if np.isnan(miss):  # skips out: less lift up
            c = c_prev - MAX_CHANGE_PER_CYCLE
        else:
            c_other = c_prev - SECANT_DELTA if c_prev - SECANT_DELTA >= c_min else c_prev + SECANT_DELTA
            miss_other = predict(t, x, y, z, vx, vy, vz, c_other, model, i, K, step_s, stop_altitude_m, target) - range_at_stop_m
            slope = (miss_other - miss) / (c_other - c_prev)  # d miss / d c: negative, more lift flies farther
            c = c_prev
            if slope < 0.0:
                c = c_prev - min(max(miss / slope, -MAX_CHANGE_PER_CYCLE), MAX_CHANGE_PER_CYCLE)
        c = min(max(c, c_min), 1.0)
    else:
        c = c_prev
    return c, _bank_side(speed, crossrange, side_prev, v_end, v_start, band_end, band_start)


@kernel
def sensed_air_factor(t, s, P, i, model, K, c0):
    """Sensed over modelled aerodynamic load at state ``s`` (6-tuple) and ``t``: sample ``i``'s (column
    of ``P``) over the onboard ``model``'s (column 0), both in the entry with the plan's lift ``c0``,
    which then scales the model's air density, as FNPEG's density filter does (unfiltered: the
    simulated accelerometers have no noise); 1 where the model's load is under MIN_SENSED_G (too
    little air to tell), within AIR_FACTOR_BOUNDS elsewhere."""
    entry, column = np.intp(ENTRY), np.intp(0)  # typed int, not literal: one compiled rates for every caller
    sensed = rates(t, s, entry, t, P, i, K, c0, 0.0)[1][0]
    modelled = rates(t, s, entry, t, model, column, K, c0, 0.0)[1][0]
    if not modelled >= MIN_SENSED_G:
        return 1.0
    return min(max(sensed / max(modelled, MIN_SENSED_G), AIR_FACTOR_BOUNDS[0]), AIR_FACTOR_BOUNDS[1])


@kernel
def sample_command(t, s, c_prev, side_prev, P, i, onboard, pc, law, table_speed, table_range, target, model, K, step_s,
                   stop_altitude_m, range_at_stop_m):
    """One guidance cycle of sample ``i`` (column of ``P``: the load its accelerometers read) at state
    ``s`` (6-tuple), ``t``: the new ``(c_cmd, side)``; the guidance as :meth:`Guidance.compiled` gives it,
    ``onboard`` a scratch copy of its ``model`` (the predictor-corrector's air scaled by :func:`sensed_air_factor`)."""
    x, y, z, vx, vy, vz = s
    if pc is None:  # typed None: numba prunes the predictor-corrector below, compiling it only for that mode
        return _command(t, x, y, z, vx, vy, vz, c_prev, side_prev, law, table_speed, table_range, target)
    onboard[_DENSITY_ROW, 0] = model[_DENSITY_ROW, 0] * sensed_air_factor(t, s, P, i, model, K, law[0])
    return _pc_command(t, x, y, z, vx, vy, vz, c_prev, side_prev, law, onboard, np.intp(0), K, step_s, stop_altitude_m, range_at_stop_m,
                       target)


@kernel(nogil=True)
def _commands_into(t, Y, c_prev, side_prev, P, guidance, c_out, side_out):
    onboard = guidance[5].copy()
    for i in range(Y.shape[1]):
        s = (Y[0, i], Y[1, i], Y[2, i], Y[3, i], Y[4, i], Y[5, i])
        c_out[i], side_out[i] = sample_command(t[i], s, c_prev[i], side_prev[i], P, i, onboard, *guidance)


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
