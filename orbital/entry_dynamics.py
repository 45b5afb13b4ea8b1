"""Equations of motion of a Soyuz descent, vectorised over samples.

State layout: ``Y`` has shape (6, N), rows x, y, z, vx, vy, vz (m, m/s) in TEME of
the epoch (quasi-inertial; z is the Earth's axis of rotation). Component rows
rather than (N, 6) rows keep every operation on contiguous 1-d arrays, which is
what makes ten thousand samples cheap; :mod:`orbital.batch_integrator` takes and
returns (N, 6) at its edges.

Forces (SI throughout):

- gravity: point mass + J2 (:mod:`orbital.gravity` constants);
- aerodynamics in an atmosphere that co-rotates with the Earth (U.S. Standard
  Atmosphere 1976 from :mod:`orbital.atmosphere`, tabulated every 10 m, times
  ``density_scale``): drag along -v_rel and, while the descent module flies alone
  (phase ENTRY), a lift of magnitude (L/D) x drag perpendicular to v_rel, split
  into an in-plane ("up") fraction ``c = cos(bank)`` and a lateral fraction
  ``s = sin(bank)`` by the guidance (:mod:`orbital.guidance`: held commands, or a
  steady roll);
- the deorbit engine (phase BURN): constant acceleration dv / duration along a
  direction given by pitch and yaw from retrograde (mass loss ignored: the
  delta-v is exact, the thrust history only roughly);
- parachutes (:mod:`orbital.parachutes`): extra drag area that fills smoothly;
- under the fully open main canopy (phase TERMINAL) the module moves at its
  terminal speed along the plumb line (effective gravity, centrifugal included)
  relative to the air: a quasi-steady model that replaces a stiff ODE whose time
  constant (v_t / 2 g ~ 0.4 s) would otherwise set the step for a 10-minute descent.

Phases (integer codes, per sample): COAST0 (before the burn, whole Soyuz),
BURN, COAST (whole Soyuz, down to module separation), ENTRY (descent module,
lifting), DROGUE, MAIN (main canopy filling and settling), TERMINAL, LANDED.

Altitude is height above the WGS84 ellipsoid measured along the geocentric
radius, r - b / sqrt(1 - e^2 cos^2 phi_gc): exact on the ellipsoid itself (so
touchdown is on WGS84), and within metres of the geodetic height at entry
altitudes, which is immaterial for the air density and the event thresholds.
"""

from dataclasses import dataclass, fields

import numpy as np

from orbital.atmosphere import Z_TOP_M, density_kg_m3
from orbital.constants import G0_M_S2, J2_EARTH, MU_EARTH_M3_S2, OMEGA_EARTH_RAD_S, R_EARTH_EQ_M
from orbital.forces import ellipsoid_height_along_radius_m as altitude_m

COAST0, BURN, COAST, ENTRY, DROGUE, MAIN, TERMINAL, LANDED = range(8)
PHASE_NAMES = ("coast_before_burn", "burn", "coast", "entry", "drogue", "main", "terminal", "landed")

#: Sutton-Graves constant for Earth air, kg^0.5 / m (q in W/m^2 with rho in kg/m^3, V in m/s, Rn in m).
SUTTON_GRAVES_K = 1.7415e-4
#: Mean Earth radius used for ranges along the ground (great-circle distances), m.
R_EARTH_MEAN_M = 6371008.8

#: ln(US76 density) every _DZ_M metres from 0 to 1000 km, from orbital.atmosphere, for
#: :func:`air_density` (linear between knots: within 3e-5 of the model everywhere).
_DZ_M = 10.0
_LN_RHO = np.log(density_kg_m3(np.arange(0.0, Z_TOP_M + 0.5 * _DZ_M, _DZ_M)))
_DLN_RHO = np.diff(_LN_RHO)
_TOP_SLOPE = _DLN_RHO[-1] / _DZ_M

_J2_FACTOR = 1.5 * J2_EARTH * MU_EARTH_M3_S2 * R_EARTH_EQ_M**2
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

    def __len__(self):
        return self.burn_dv_m_s.shape[0]


@dataclass
class Sequence:
    """Scenario-wide thresholds and timings of the descent sequence (SI)."""

    separation_altitude_m: float = 140.0e3
    entry_interface_altitude_m: float = 100.0e3
    parachute_altitude_m: float = 10.8e3
    drogue_fill_s: float = 4.0
    drogue_duration_s: float = 16.0
    main_fill_s: float = 25.0
    main_settle_s: float = 25.0
    soft_landing_altitude_m: float = 0.8
    soft_landing_thrust_n: float = 104.0e3
    nose_radius_m: float = 2.2
    max_time_after_burn_s: float = 4.0 * 3600.0


def gravity(x, y, z):
    """Point mass + J2 acceleration components (m/s^2)."""
    r2 = x * x + y * y + z * z
    r = np.sqrt(r2)
    mu_r3 = MU_EARTH_M3_S2 / (r2 * r)
    k = _J2_FACTOR / (r2 * r2 * r)
    z2r2 = 5.0 * z * z / r2
    gxy = -mu_r3 + k * (z2r2 - 1.0)
    return gxy * x, gxy * y, (-mu_r3 + k * (z2r2 - 3.0)) * z


def air_density(h, density_scale):
    """US76 density (kg/m^3) at heights ``h`` (m) times ``density_scale``: a table lookup,
    twice as fast as :func:`orbital.atmosphere.density_kg_m3` (the entry's hottest call).
    Below 0 m: sea level; above 1000 km: exponential with the scale height there."""
    u = np.minimum(np.maximum(h, 0.0), Z_TOP_M) * (1.0 / _DZ_M)
    j = np.minimum(u.astype(np.intp), _DLN_RHO.size - 1)
    ln_rho = _LN_RHO.take(j) + (u - j) * _DLN_RHO.take(j) + np.maximum(h - Z_TOP_M, 0.0) * _TOP_SLOPE
    return density_scale * np.exp(ln_rho)


def air_velocity(x, y, vx, vy, vz):
    """Velocity relative to the co-rotating atmosphere, v - w x r (m/s)."""
    return vx + _W * y, vy - _W * x, vz


def drag_coefficient(cd_hyp, cd_sub, speed):
    """Cd of the module against air speed: subsonic value below 300 m/s, hypersonic above
    1200 m/s, a smoothstep between (a stand-in for Mach number with a ~ 300 m/s)."""
    return cd_sub + (cd_hyp - cd_sub) * smoothstep((speed - 300.0) / 900.0)


def smoothstep(u):
    """0 below 0, 1 above 1, 3u^2 - 2u^3 between (C1-continuous filling of a canopy)."""
    u = np.minimum(np.maximum(u, 0.0), 1.0)  # np.clip costs more on small arrays
    return u * u * (3.0 - 2.0 * u)


def _norm(ax, ay, az):
    return np.sqrt(ax * ax + ay * ay + az * az)


def terminal_velocity(x, y, z, p, density_scale):
    """Velocity (inertial components) of a module at terminal speed under the main canopy.

    Terminal speed along the plumb line relative to the air:
    v_t = sqrt(2 m g_eff / (rho (Cd_sub A + CdA_main))); returns (vx, vy, vz, v_t, g_eff).
    """
    gx, gy, gz = gravity(x, y, z)
    gx = gx + _W * _W * x
    gy = gy + _W * _W * y
    g_eff = _norm(gx, gy, gz)
    rho = air_density(altitude_m(x, y, z), density_scale)
    cda = p.cd_subsonic * p.module_area_m2 + p.main_cda_m2
    v_t = np.sqrt(2.0 * p.module_mass_kg * g_eff / (rho * cda))
    f = v_t / g_eff
    return -_W * y + f * gx, _W * x + f * gy, f * gz, v_t, g_eff


def derivatives(t, Y, phase, t_phase, p, seq, guidance, with_diagnostics=False, command=None):
    """dY/dt (6, N) for states ``Y`` (6, N) at times ``t`` (N,) in phases ``phase`` (N,).

    ``t_phase`` (N,) is when each sample entered its phase (parachute filling).
    ``command`` is the guidance's held ``(c_cmd, side)`` (N,) (see
    :meth:`orbital.guidance.Guidance.lift_fractions`); None: the plan's (c0, 0).
    With ``with_diagnostics``, also returns a dict of (N,) arrays: ``sensed_g``
    (non-gravitational acceleration / g0), ``heat_flux_w_m2`` (Sutton-Graves),
    ``altitude_m``, ``air_speed_m_s``, ``density_kg_m3``.
    """
    x, y, z, vx, vy, vz = Y
    gx, gy, gz = gravity(x, y, z)
    h = altitude_m(x, y, z)
    ux, uy, uz = air_velocity(x, y, vx, vy, vz)
    speed = _norm(ux, uy, uz)
    rho = air_density(h, p.density_scale)

    module = phase >= ENTRY
    beta = p.soyuz_beta_m2_kg
    if np.any(module):
        cda = drag_coefficient(p.cd_hypersonic, p.cd_subsonic, speed) * p.module_area_m2
        drogue, main = phase == DROGUE, phase == MAIN
        if np.any(drogue) or np.any(main):
            since = t - t_phase
            cda = cda + np.where(
                drogue,
                p.drogue_cda_m2 * smoothstep(since / seq.drogue_fill_s),
                np.where(main, p.main_cda_m2 * smoothstep(since / seq.main_fill_s), 0.0),
            )
        beta = np.where(module, cda / p.module_mass_kg, beta)
    drag_over_v = 0.5 * rho * beta * speed  # |drag| / |v_rel|, 1/s
    ax = -drag_over_v * ux
    ay = -drag_over_v * uy
    az = -drag_over_v * uz

    entry = phase == ENTRY
    if np.any(entry):
        if command is None:
            command = (np.full(t.shape, guidance.c0), np.zeros(t.shape))
        c, s = guidance.lift_fractions(t, *command)
        drag_mag = drag_over_v * speed
        lift = np.where(entry, p.lift_to_drag * drag_mag, 0.0)
        # up: radial direction with its v_rel component removed; side: r x v_rel (left)
        rr = _norm(x, y, z)
        rdotu = (x * ux + y * uy + z * uz) / (rr * speed)
        upx = x / rr - rdotu * ux / speed
        upy = y / rr - rdotu * uy / speed
        upz = z / rr - rdotu * uz / speed
        nup = _norm(upx, upy, upz)
        sx, sy, sz = y * uz - z * uy, z * ux - x * uz, x * uy - y * ux
        nside = _norm(sx, sy, sz)
        a_up = lift * c / nup
        a_side = lift * s / nside
        ax = ax + a_up * upx + a_side * sx
        ay = ay + a_up * upy + a_side * sy
        az = az + a_up * upz + a_side * sz

    burning = phase == BURN
    if np.any(burning):
        tx, ty, tz = thrust_direction(x, y, z, vx, vy, vz, p.burn_pitch_rad, p.burn_yaw_rad)
        acc = np.where(burning, p.burn_dv_m_s / np.where(p.burn_duration_s > 0, p.burn_duration_s, 1.0), 0.0)
        ax = ax + acc * tx
        ay = ay + acc * ty
        az = az + acc * tz

    dY = np.empty_like(Y)
    dY[0], dY[1], dY[2] = vx, vy, vz
    dY[3], dY[4], dY[5] = gx + ax, gy + ay, gz + az
    terminal = phase == TERMINAL
    if np.any(terminal):
        tvx, tvy, tvz, _, _ = terminal_velocity(x, y, z, p, p.density_scale)
        dY[0] = np.where(terminal, tvx, vx)
        dY[1] = np.where(terminal, tvy, vy)
        dY[2] = np.where(terminal, tvz, vz)
        dY[3:, terminal] = 0.0
    if not with_diagnostics:
        return dY
    sensed = _norm(ax, ay, az) / G0_M_S2
    if np.any(terminal):
        sensed = np.where(terminal, 1.0, sensed)  # drag balances gravity
    diag = {
        "sensed_g": sensed,
        "heat_flux_w_m2": SUTTON_GRAVES_K * np.sqrt(rho / seq.nose_radius_m) * speed**3,
        "altitude_m": h,
        "air_speed_m_s": speed,
        "density_kg_m3": rho,
    }
    return dY, diag


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


def touchdown(Y, p, seq):
    """From the soft-landing altitude to the ground, in closed form; returns
    ``(r_touchdown (3, N) inertial at touchdown, duration_s (N,), v_touchdown (N,), v_start (N,))``.

    Below ``soft_landing_altitude_m`` the engines push with ``soft_landing_thrust_n``
    while the canopy's drag, ~ m g (v / v_t)^2, still acts. With s the distance
    fallen and w = v^2: dw/ds = 2 (g - F/m) - (2 g / v_t^2) w, so
    w(s) = w_inf + (w0 - w_inf) exp(-2 g s / v_t^2), w_inf = v_t^2 (1 - F / (m g)).
    The ground is reached at s = soft_landing_altitude (speed 0 if w reaches 0
    first: the module hovers down). Duration by quadrature of ds / v.
    """
    x, y, z = Y[0], Y[1], Y[2]
    _, _, _, v_t, g_eff = terminal_velocity(x, y, z, p, p.density_scale)
    s_end = seq.soft_landing_altitude_m
    w_inf = v_t**2 * (1.0 - seq.soft_landing_thrust_n / (p.module_mass_kg * g_eff))
    k = 2.0 * g_eff / v_t**2
    w0 = v_t**2

    def w_of(s):
        return np.maximum(w_inf + (w0 - w_inf) * np.exp(-k * s), 0.0)

    v_end = np.sqrt(w_of(s_end))
    # duration: midpoint rule in s on 64 cells (v varies smoothly and stays > 0.5 m/s in practice)
    s_mid = (np.arange(64) + 0.5)[:, None] * (s_end / 64.0)
    duration = np.sum(1.0 / np.maximum(np.sqrt(w_of(s_mid)), 0.05), axis=0) * (s_end / 64.0)
    # straight down the plumb line, then carried round with the Earth for `duration`
    gx, gy, gz = gravity(x, y, z)
    gx = gx + _W * _W * x
    gy = gy + _W * _W * y
    gn = _norm(gx, gy, gz)
    px, py, pz = x + s_end * gx / gn, y + s_end * gy / gn, z + s_end * gz / gn
    angle = _W * duration
    ca, sa = np.cos(angle), np.sin(angle)
    r = np.vstack([ca * px - sa * py, sa * px + ca * py, pz])
    return r, duration, v_end, v_t
