"""Equations of motion of a Soyuz descent, vectorised over samples.

State layout: ``Y`` has shape (6, N), rows x, y, z, vx, vy, vz (m, m/s) in TEME of
the epoch (quasi-inertial; z is the Earth's axis of rotation);
:mod:`orbital.propagation.batch_integrator` takes and returns (N, 6) at its edges.

The descent is compiled with numba: :func:`rates` (one sample's derivatives) and
:func:`advance` (one sample's RK4 step), which the batch integrator's compiled loop calls, so ten
thousand descents cost no Python per step and no temporary arrays. The forces themselves (gravity, air density,
air velocity, drag, height) are the compiled kernels of :mod:`orbital.dynamics.kernels`, the
same ones the station's vector adapters call. Compiled code is cached on disk
(:mod:`orbital.dynamics.compiled`: a folder keyed by every kernel source, so an edit anywhere
recompiles without a manual step); the first run after an edit compiles for some seconds.

Forces (SI throughout):

- gravity: point mass + J2 (:mod:`orbital.dynamics.gravity` constants);
- aerodynamics in an atmosphere that co-rotates with the Earth (U.S. Standard
  Atmosphere 1976 from :mod:`orbital.dynamics.atmosphere`, tabulated every 10 m, times
  ``density_scale``): drag along -v_rel and, while the descent module flies alone
  (phase ENTRY), a lift of magnitude (L/D) x drag perpendicular to v_rel, split
  into an in-plane ("up") fraction ``c = cos(bank)`` and a lateral fraction
  ``s = sin(bank)`` by the guidance (:mod:`orbital.models.guidance`: held commands, or a
  steady roll);
- the deorbit engine (phase BURN): constant acceleration dv / duration along a
  direction given by pitch and yaw from retrograde (mass loss ignored: the
  delta-v is exact, the thrust history only roughly);
- parachutes (:mod:`orbital.models.parachutes`): extra drag area that fills smoothly;
- under the fully open main canopy (phase TERMINAL) the module moves at its
  terminal speed along the plumb line (effective gravity, centrifugal included)
  relative to the air: a quasi-steady model that replaces a stiff ODE whose time
  constant (v_t / 2 g ~ 0.4 s) would otherwise set the step for a 10-minute descent.

Phases (integer codes, per sample): COAST0 (before the burn, whole Soyuz),
BURN, COAST (whole Soyuz, until module separation: on the sequencer's clock, a fixed time after
the burn ends, or at the entry interface if that comes first), ENTRY (descent module,
lifting), DROGUE, MAIN (main canopy filling and settling), TERMINAL, LANDED.

Altitude is height above the WGS84 ellipsoid measured along the geocentric
radius, r - b / sqrt(1 - e^2 cos^2 phi_gc): exact on the ellipsoid itself (so
touchdown is on WGS84), and within metres of the geodetic height at entry
altitudes, which is immaterial for the air density and the event thresholds.
"""

import os
from dataclasses import dataclass, fields

import numpy as np

from orbital.dynamics import kernels as _compiled
from orbital.dynamics.compiled import interpreted, kernel
from orbital.dynamics.forces import air_velocity_xyz as air_velocity
from orbital.dynamics.gravity import gravity_xyz as gravity
from orbital.dynamics.kernels import air_density, drag_over_air_speed
from orbital.earth.constants import G0_M_S2, OMEGA_EARTH_RAD_S
from orbital.earth.geodesy import ellipsoid_height_along_radius_m as altitude_m

# Inside the kernels, the compiled forces; at the NumPy level (``gravity``, ``air_velocity``,
# ``altitude_m`` above: the same functions, the vector adapters) numpy evaluates them on arrays,
# so that no array-typed copy of a kernel is compiled for a call from Python (seconds on a first run).
_gravity, _air_velocity, _altitude_m = _compiled.gravity, _compiled.air_velocity, _compiled.altitude_m

COAST0, BURN, COAST, ENTRY, DROGUE, MAIN, TERMINAL, LANDED = range(8)
PHASE_NAMES = ("coast_before_burn", "burn", "coast", "entry", "drogue", "main", "terminal", "landed")

#: Sutton-Graves constant for Earth air, kg^0.5 / m (q in W/m^2 with rho in kg/m^3, V in m/s, Rn in m).
SUTTON_GRAVES_K = 1.7415e-4

_W = OMEGA_EARTH_RAD_S


@dataclass
class SampleParams:
    """Per-sample parameters, every field a float64 array of shape (N,)."""

    soyuz_beta_m2_kg: np.ndarray  # Cd A / m of the whole Soyuz (before separation)
    burn_start_s: np.ndarray  # since the epoch
    burn_duration_s: np.ndarray  # 0: impulsive
    burn_dv_m_s: np.ndarray
    burn_pitch_rad: np.ndarray  # from retrograde toward the Earth (+) / away (-)
    burn_yaw_rad: np.ndarray  # from retrograde toward the orbit normal
    module_mass_kg: np.ndarray
    module_area_m2: np.ndarray
    cd_hypersonic: np.ndarray
    cd_subsonic: np.ndarray
    lift_to_drag: np.ndarray
    density_scale: np.ndarray
    drogue_cda_m2: np.ndarray
    main_cda_m2: np.ndarray

    @classmethod
    def broadcast(cls, n, **values):
        """Build from scalars or arrays, each broadcast to (n,) float64."""
        return cls(**{k: np.broadcast_to(np.asarray(v, dtype=float), (n,)).copy() for k, v in values.items()})

    def subset(self, index):
        """The parameters of the samples at ``index`` (integer array or mask)."""
        return SampleParams(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    def matrix(self):
        """All fields stacked, (14, N) in field order: the compiled kernels' view."""
        return np.stack([getattr(self, f.name) for f in fields(self)])

    def __len__(self):
        return self.burn_dv_m_s.shape[0]


# rows of SampleParams.matrix()
(_BETA, _BURN_START, _BURN_DURATION, _BURN_DV, _PITCH, _YAW, _MASS, _AREA, _CD_HYP, _CD_SUB, _LD, _DENSITY,
 _DROGUE_CDA, _MAIN_CDA) = range(14)
#: the deorbit burn's rows, for the batch integrator's compiled loop
BURN_START_ROW, BURN_DURATION_ROW, BURN_DV_ROW, PITCH_ROW, YAW_ROW = _BURN_START, _BURN_DURATION, _BURN_DV, _PITCH, _YAW


@dataclass
class Sequence:
    """Scenario-wide thresholds and timings of the descent sequence (SI)."""

    #: the modules separate this long after the burn ends (the sequencer's timer), or at the entry
    #: interface if the whole Soyuz gets down there first
    separation_delay_s: float = 23.0 * 60.0
    entry_interface_altitude_m: float = 100.0e3
    #: the barometric setting: the command comes where the air's pressure is US76's at this height
    #: (:func:`orbital.dynamics.atmosphere.barometric_trip_altitude_m`; this very height in US76 air)
    parachute_altitude_m: float = 10.8e3
    drogue_fill_s: float = 4.0
    drogue_duration_s: float = 35.0
    main_fill_s: float = 25.0
    main_settle_s: float = 25.0
    soft_landing_altitude_m: float = 0.8
    soft_landing_thrust_n: float = 104.0e3
    nose_radius_m: float = 2.2
    max_time_after_burn_s: float = 4.0 * 3600.0
    #: The ground: before the steady descent under the main canopy (phases DROGUE, MAIN) the
    #: module touches down here at whatever speed it has; -inf lets it fall on through sea-level
    #: air (for :func:`orbital.models.soyuz.minimum_command_altitude`'s what-if).
    ground_altitude_m: float = 0.0


def kernel_constants(seq, guidance):
    """The scenario-wide numbers the compiled kernels need, as one float64 array."""
    return np.array([seq.drogue_fill_s, seq.main_fill_s, seq.nose_radius_m, float(guidance.mode == "ballistic"),
                     guidance.roll_rate_rad_s, guidance.roll_phase_rad])


# entries of kernel_constants()
_DROGUE_FILL, _MAIN_FILL, _NOSE_RADIUS, _BALLISTIC, _ROLL_RATE, _ROLL_PHASE = range(6)


@kernel
def smoothstep(u):
    """0 below 0, 1 above 1, 3u^2 - 2u^3 between (C1-continuous filling of a canopy)."""
    u = np.minimum(np.maximum(u, 0.0), 1.0)
    return u * u * (3.0 - 2.0 * u)


@kernel
def drag_coefficient(cd_hyp, cd_sub, speed):
    """Cd of the module against air speed: subsonic value below 300 m/s, hypersonic above
    1200 m/s, a smoothstep between (a stand-in for Mach number with a ~ 300 m/s)."""
    return cd_sub + (cd_hyp - cd_sub) * smoothstep((speed - 300.0) / 900.0)


@kernel
def _norm(ax, ay, az):
    return np.sqrt(ax * ax + ay * ay + az * az)


@kernel
def lift_fractions(t, c_cmd, side, ballistic, roll_rate_rad_s, roll_phase_rad):
    """In-plane and lateral lift fractions ``(c, s)`` at time ``t`` (s) from the held
    commands (vertical fraction ``c_cmd``, bank side ``side``: +1 left, -1 right, 0 the
    reference's mean of reversals), or, ``ballistic``, from the steady roll."""
    if ballistic:
        bank = roll_rate_rad_s * t + roll_phase_rad
        return np.cos(bank), np.sin(bank)
    return c_cmd, side * np.sqrt(np.maximum(1.0 - c_cmd * c_cmd, 0.0))


@kernel
def thrust_direction(x, y, z, vx, vy, vz, pitch_rad, yaw_rad):
    """Unit thrust vector: retrograde, pitched toward the Earth by ``pitch``, yawed toward
    the orbit normal by ``yaw`` (inertial velocity, osculating orbit plane)."""
    v = _norm(vx, vy, vz)
    tx, ty, tz = vx / v, vy / v, vz / v
    nx, ny, nz = y * vz - z * vy, z * vx - x * vz, x * vy - y * vx
    nn = _norm(nx, ny, nz)
    nx, ny, nz = nx / nn, ny / nn, nz / nn
    dx, dy, dz = ny * tz - nz * ty, nz * tx - nx * tz, nx * ty - ny * tx  # n x t: toward the Earth
    cp, sp, cy, sy = np.cos(pitch_rad), np.sin(pitch_rad), np.cos(yaw_rad), np.sin(yaw_rad)
    return (-cp * cy * tx + sp * cy * dx + sy * nx, -cp * cy * ty + sp * cy * dy + sy * ny, -cp * cy * tz + sp * cy * dz + sy * nz)


@kernel
def _terminal_velocity(x, y, z, mass_kg, cd_subsonic, area_m2, main_cda_m2, density_scale):
    """See :func:`terminal_velocity`; one module (scalars)."""
    gx, gy, gz = _gravity(x, y, z)
    gx = gx + _W * _W * x
    gy = gy + _W * _W * y
    g_eff = _norm(gx, gy, gz)
    rho = air_density(_altitude_m(x, y, z), density_scale)
    v_t = np.sqrt(2.0 * mass_kg * g_eff / (rho * (cd_subsonic * area_m2 + main_cda_m2)))
    f = v_t / g_eff
    return -_W * y + f * gx, _W * x + f * gy, f * gz, v_t, g_eff


def terminal_velocity(x, y, z, p, interpret=False):
    """Velocity (inertial components) of modules (params ``p``) at terminal speed under the main canopy.

    Terminal speed along the plumb line relative to the air:
    v_t = sqrt(2 m g_eff / (rho (Cd_sub A + CdA_main))); returns (vx, vy, vz, v_t, g_eff), arrays (N,).
    ``interpret``: through the kernels' pure-Python twins (:func:`orbital.dynamics.compiled.interpreted`).
    """
    rows = [np.ascontiguousarray(np.broadcast_to(c, (len(p),)), dtype=float) for c in (x, y, z)]
    if not interpret:
        return tuple(_terminal_velocities(p.matrix(), *rows))
    with np.errstate(all="ignore"):
        return tuple(interpreted(_terminal_velocities)(p.matrix(), *rows))


@kernel(inline="always")
def _rates(t, s, phase, t_phase, P, i, K, c_cmd, side):
    """One sample's derivatives and diagnostics at time ``t`` and state ``s`` (6-tuple):
    ``(dx, dy, dz, dvx, dvy, dvz), (sensed_g, heat_flux_w_m2, altitude_m, air_speed_m_s, density_kg_m3)``.
    ``P`` is :meth:`SampleParams.matrix` (sample in column ``i``), ``K`` :func:`kernel_constants`."""
    x, y, z, vx, vy, vz = s
    gx, gy, gz = _gravity(x, y, z)
    h = _altitude_m(x, y, z)
    ux, uy, uz = _air_velocity(x, y, vx, vy, vz)
    speed = _norm(ux, uy, uz)
    rho = air_density(h, P[_DENSITY, i])
    if phase >= ENTRY:
        cda = drag_coefficient(P[_CD_HYP, i], P[_CD_SUB, i], speed) * P[_AREA, i]
        if phase == DROGUE:
            cda += P[_DROGUE_CDA, i] * smoothstep((t - t_phase) / K[_DROGUE_FILL])
        elif phase == MAIN:
            cda += P[_MAIN_CDA, i] * smoothstep((t - t_phase) / K[_MAIN_FILL])
        beta = cda / P[_MASS, i]
    else:
        beta = P[_BETA, i]
    drag_over_v = drag_over_air_speed(rho, beta, speed)  # |drag| / |v_rel|, 1/s
    ax, ay, az = -drag_over_v * ux, -drag_over_v * uy, -drag_over_v * uz

    if phase == ENTRY:
        c, sd = lift_fractions(t, c_cmd, side, K[_BALLISTIC] != 0.0, K[_ROLL_RATE], K[_ROLL_PHASE])
        lift = P[_LD, i] * drag_over_v * speed
        # up: radial direction with its v_rel component removed; side: r x v_rel (left)
        rr = _norm(x, y, z)
        rdotu = (x * ux + y * uy + z * uz) / (rr * speed)
        upx, upy, upz = x / rr - rdotu * ux / speed, y / rr - rdotu * uy / speed, z / rr - rdotu * uz / speed
        sx, sy, sz = y * uz - z * uy, z * ux - x * uz, x * uy - y * ux
        a_up = lift * c / _norm(upx, upy, upz)
        a_side = lift * sd / _norm(sx, sy, sz)
        ax += a_up * upx + a_side * sx
        ay += a_up * upy + a_side * sy
        az += a_up * upz + a_side * sz
    elif phase == BURN:
        tx, ty, tz = thrust_direction(x, y, z, vx, vy, vz, P[_PITCH, i], P[_YAW, i])
        duration = P[_BURN_DURATION, i]
        acc = P[_BURN_DV, i] / (duration if duration > 0.0 else 1.0)
        ax += acc * tx
        ay += acc * ty
        az += acc * tz

    heat = SUTTON_GRAVES_K * np.sqrt(rho / K[_NOSE_RADIUS]) * speed**3
    # how fast drag pulls the air speed to its equilibrium: d|drag| / d|v_rel| = rho beta v (1/s)
    drag_rate = 2.0 * drag_over_v * (1.0 + P[_LD, i] if phase == ENTRY else 1.0)
    diag = (_norm(ax, ay, az) / G0_M_S2, heat, h, speed, rho, drag_rate)
    if phase == TERMINAL:  # quasi-steady: position follows the terminal velocity; drag balances gravity
        tvx, tvy, tvz, _, _ = terminal_velocity_of(P, i, x, y, z)
        return (tvx, tvy, tvz, 0.0, 0.0, 0.0), (1.0, heat, h, speed, rho, 0.0)
    return (vx, vy, vz, gx + ax, gy + ay, gz + az), diag


@kernel
def _state(Y, i):
    return (Y[0, i], Y[1, i], Y[2, i], Y[3, i], Y[4, i], Y[5, i])


@kernel
def _plus(s, a, k):
    """s + a k for 6-tuples."""
    return (s[0] + a * k[0], s[1] + a * k[1], s[2] + a * k[2], s[3] + a * k[3], s[4] + a * k[4], s[5] + a * k[5])


@kernel(nogil=True)
def rates_into(t, Y, phase, t_phase, P, K, c_cmd, side, dY, diag):
    """Fill ``dY`` (6, N) and ``diag`` (6, N: sensed g, heat flux W/m^2, altitude m, air
    speed m/s, density kg/m^3, drag rate 1/s) for states ``Y`` (6, N) at times ``t`` (N,)."""
    for i in range(Y.shape[1]):
        k, d = _rates(t[i], _state(Y, i), phase[i], t_phase[i], P, i, K, c_cmd[i], side[i])
        for j in range(6):
            dY[j, i] = k[j]
        for j in range(6):
            diag[j, i] = d[j]


@kernel
def _rk4_step(t, s, a, dt, phase, t_phase, P, i, K, c_cmd, side):
    """One classical RK4 step by ``dt`` of one state ``s`` (6-tuple) of sample ``i`` (column of
    ``P``), given its first stage ``a`` (6-tuple, from :func:`_rates`); returns the new state."""
    k, weighted = a, a  # a + 2 b + 2 c + d, summed in that order
    # the compiled rates, not another inlined copy of _rates (each copy costs a second of compiling)
    for stage in range(3):
        h, weight = (0.5 * dt, 2.0) if stage < 2 else (dt, 1.0)
        k, _ = rates(t + h, _plus(s, h, k), phase, t_phase, P, i, K, c_cmd, side)
        weighted = _plus(weighted, weight, k)
    return _plus(s, dt / 6.0, weighted)


@kernel
def terminal_velocity_of(P, i, x, y, z):
    """:func:`terminal_velocity` of sample ``i`` (column of :meth:`SampleParams.matrix`) at one position."""
    return _terminal_velocity(x, y, z, P[_MASS, i], P[_CD_SUB, i], P[_AREA, i], P[_MAIN_CDA, i], P[_DENSITY, i])


@kernel
def _terminal_velocities(P, x, y, z):
    """:func:`terminal_velocity` of every sample, a loop over :func:`terminal_velocity_of` (rows of (5, N))."""
    out = np.empty((5, x.size))
    for i in range(x.size):
        out[0, i], out[1, i], out[2, i], out[3, i], out[4, i] = terminal_velocity_of(P, i, x[i], y[i], z[i])
    return out


#: Largest step times drag rate (:data:`DIAGNOSTICS` ``drag_rate_1_s``) of an RK4 step. Classical
#: RK4 is stable on a decaying mode up to 2.78; 1 leaves room for a canopy filling within the step.
#: Descents as flown (2,900 kg, US76) reach it only as the main canopy settles (drag rate up to 1.8 /s:
#: its 1 s steps shorten to some 0.55 s); a light module or dense air gets shorter steps instead of diverging.
MAX_STEP_TIMES_DRAG_RATE = 1.0


@kernel
def entry_step(t, s, dt_max, P, i, K, c_cmd, side):
    """One RK4 step of the entry (phase ENTRY) of state ``s`` (6-tuple) of sample ``i`` (column of
    ``P``) at ``t``, of length ``dt_max`` or less (at most MAX_STEP_TIMES_DRAG_RATE / drag rate, as
    :func:`advance`); returns ``(new state, step length, altitude (m) at the step's start)``."""
    a, d = _rates(t, s, ENTRY, t, P, i, K, c_cmd, side)
    dt = min(dt_max, MAX_STEP_TIMES_DRAG_RATE / d[5]) if d[5] > 0.0 else dt_max
    return _rk4_step(t, s, a, dt, np.intp(ENTRY), t, P, i, K, c_cmd, side), dt, d[2]  # typed int: the descent's compiled RK4 step


@kernel
def rates(t, s, phase, t_phase, P, i, K, c_cmd, side):
    """:func:`_rates` (one sample's derivatives and diagnostics) as one compiled function, not inlined:
    the call site for compiled callers other than the RK4 stages."""
    return _rates(t, s, phase, t_phase, P, i, K, c_cmd, side)


@kernel
def advance(t, s, a, drag_rate, phase, t_phase, t_next, t_cycle, step, P, i, K, c_cmd, side):
    """One RK4 step of state ``s`` (6-tuple) of sample ``i`` (column of ``P``) at ``t``, given its
    first stage ``a`` and drag rate (1/s) (from :func:`rates`). Step length: ``step[phase]``, at most
    MAX_STEP_TIMES_DRAG_RATE / drag rate, cut to end on the next time event ``t_next`` or guidance
    cycle ``t_cycle``. Under the main canopy (TERMINAL) the velocity is reset to the terminal one.
    Returns ``(new state, step length, new time, new altitude)``."""
    own = step[phase]
    if own * drag_rate > MAX_STEP_TIMES_DRAG_RATE:
        own = MAX_STEP_TIMES_DRAG_RATE / drag_rate
    h = min(own, t_next - t, t_cycle - t)
    s1 = _rk4_step(t, s, a, h, phase, t_phase, P, i, K, c_cmd, side)
    if phase == TERMINAL:
        vx, vy, vz, _, _ = terminal_velocity_of(P, i, s1[0], s1[1], s1[2])
        s1 = (s1[0], s1[1], s1[2], vx, vy, vz)
    return s1, h, t + h, _altitude_m(s1[0], s1[1], s1[2])


def derivatives(t, Y, phase, t_phase, p, seq, guidance, with_diagnostics=False, command=None):
    """dY/dt (6, N) for states ``Y`` (6, N) at times ``t`` (N,) in phases ``phase`` (N,).

    ``t_phase`` (N,) is when each sample entered its phase (parachute filling).
    ``command`` is the guidance's held ``(c_cmd, side)`` (N,) (see
    :func:`lift_fractions`); None: the plan's (c0, 0).
    With ``with_diagnostics``, also returns a dict of (N,) arrays: ``sensed_g``
    (non-gravitational acceleration / g0), ``heat_flux_w_m2`` (Sutton-Graves),
    ``altitude_m``, ``air_speed_m_s``, ``density_kg_m3``, ``drag_rate_1_s`` (rho beta v, times
    1 + L/D in the entry: the rate at which drag damps a change of air speed, which bounds an
    explicit step; 0 in the quasi-steady TERMINAL phase).
    """
    n = Y.shape[1]
    if command is None:
        command = (np.full(n, guidance.c0), np.zeros(n))
    dY, diag = np.empty((6, n)), np.empty((len(DIAGNOSTICS), n))
    rates_into(np.asarray(t, dtype=float), np.ascontiguousarray(Y, dtype=float), np.asarray(phase, dtype=np.intp),
               np.asarray(t_phase, dtype=float), p.matrix(), kernel_constants(seq, guidance),
               np.asarray(command[0], dtype=float), np.asarray(command[1], dtype=float), dY, diag)
    if not with_diagnostics:
        return dY
    return dY, dict(zip(DIAGNOSTICS, diag))


def compile_note():
    """A line for the user if this process is about to compile the kernels (nothing cached
    for them yet: the first run after installing or editing), else None."""
    try:  # numba's own record of the cache; another numba version may name it otherwise
        index = advance._cache._cache_file._index_path
    except AttributeError:
        return None
    return None if os.path.exists(index) else "compiling the descent's force kernels (once per install, some seconds; `issim warm-up` does it ahead) ..."


#: Names of the rows of the diagnostics that :func:`rates_into` fills.
DIAGNOSTICS = ("sensed_g", "heat_flux_w_m2", "altitude_m", "air_speed_m_s", "density_kg_m3", "drag_rate_1_s")


def engines_stop_distance_m(v_t, g_eff, thrust_n, mass_kg):
    """How far (m) the soft-landing engines, firing at the terminal speed ``v_t`` under the main
    canopy, brake the module before it stops (inf if they cannot stop it); arrays broadcast.

    With s the distance fallen since they fired and w = v^2: dw/ds = 2 (g - F/m) - (2 g / v_t^2) w,
    so w(s) = w_inf + (v_t^2 - w_inf) exp(-k s), k = 2 g / v_t^2, w_inf = v_t^2 (1 - F / (m g)):
    w reaches 0 at s = ln((v_t^2 - w_inf) / -w_inf) / k when w_inf < 0 (thrust above the weight).
    """
    w0 = v_t**2
    w_inf = w0 * (1.0 - thrust_n / (mass_kg * g_eff))
    k = 2.0 * g_eff / w0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(w_inf < 0.0, np.log((w0 - w_inf) / np.where(w_inf < 0.0, -w_inf, 1.0)) / k, np.inf)


def touchdown(Y, p, seq, interpret=False):
    """From the soft-landing altitude to the ground, in closed form; returns
    ``(r_touchdown (3, N) inertial at touchdown, duration_s (N,), v_touchdown (N,), v_start (N,))``.

    Below ``soft_landing_altitude_m`` the engines push with ``soft_landing_thrust_n``
    while the canopy's drag, ~ m g (v / v_t)^2, still acts: w = v^2 follows
    :func:`engines_stop_distance_m`'s w(s). The ground is reached at s = the altitude where the
    engines fire (the soft-landing altitude, or less if the steady descent began lower).
    Engines strong enough to stop the module in the air (a light module, dense air) stop it at
    rest some height above the ground; the closed form cannot fly it back up, so their push
    ends there (as if cut) and the module falls the rest from rest under its canopy:
    v = v_t tanh(g t / v_t), fallen (v_t^2 / g) ln cosh(g t / v_t). Braking time: quadrature
    of ds / v (v stays above the speed they leave), or exactly (v_t^2 / (g c)) atan(v_t / c)
    with c^2 = -w_inf for engines that stop the module. ``interpret``: as :func:`terminal_velocity`'s.
    """
    Y = np.ascontiguousarray(Y)  # rows as contiguous arrays: the compiled functions' one array layout
    x, y, z = Y[0], Y[1], Y[2]
    _, _, _, v_t, g_eff = terminal_velocity(x, y, z, p, interpret)
    s_end = np.minimum(np.maximum(altitude_m(x, y, z), 0.0), seq.soft_landing_altitude_m)
    w_inf = v_t**2 * (1.0 - seq.soft_landing_thrust_n / (p.module_mass_kg * g_eff))
    k = 2.0 * g_eff / v_t**2
    w0 = v_t**2
    s_stop = engines_stop_distance_m(v_t, g_eff, seq.soft_landing_thrust_n, p.module_mass_kg)
    stopped = s_stop < s_end
    drop_m = np.where(stopped, s_end - s_stop, 0.0)  # height at which the engines stop it

    def w_of(s):
        return np.maximum(w_inf + (w0 - w_inf) * np.exp(-k * s), 0.0)

    v_end = np.where(stopped, v_t * np.sqrt(1.0 - np.exp(-k * drop_m)), np.sqrt(w_of(s_end)))
    # duration: midpoint rule in s on 64 cells (v varies smoothly and stays > 0.5 m/s in practice)
    s_mid = (np.arange(64) + 0.5)[:, None] * (s_end / 64.0)
    braking = np.sum(1.0 / np.maximum(np.sqrt(w_of(s_mid)), 0.05), axis=0) * (s_end / 64.0)
    c = np.sqrt(np.maximum(-w_inf, 1e-300))
    braking_to_rest = w0 / (g_eff * c) * np.arctan(v_t / c)
    falling = v_t / g_eff * np.arccosh(np.exp(g_eff * drop_m / w0))
    duration = np.where(stopped, braking_to_rest + falling, braking)
    # straight down the plumb line, then carried round with the Earth for `duration`
    gx, gy, gz = gravity(x, y, z)
    gx = gx + _W * _W * x
    gy = gy + _W * _W * y
    gn = np.sqrt(gx * gx + gy * gy + gz * gz)
    px, py, pz = x + s_end * gx / gn, y + s_end * gy / gn, z + s_end * gz / gn
    angle = _W * duration
    ca, sa = np.cos(angle), np.sin(angle)
    r = np.vstack([ca * px - sa * py, sa * px + ca * py, pz])
    return r, duration, v_end, v_t
