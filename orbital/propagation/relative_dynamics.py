"""The relative flight's right-hand side and line events, compiled for :func:`orbital.propagation.dop853.advance`.

The state is :mod:`orbital.propagation.relative`'s ``[r_target, v_target, dr, dv]`` (12,; m, m/s):
both bodies under gravity (point mass plus J2 times p[J2]), the chaser also under an acceleration
held constant in the target's LVLH frame and, if p[LINE] is set, a tether's pull from an anchor
fixed in LVLH, on the branch p[TAUT] (:mod:`orbital.dynamics.tether_line`). The
arithmetic follows :mod:`orbital.propagation.relative`'s numpy forms term for term. LVLH: x radial
out, y along-track, z orbit normal; velocities seen in the rotating frame. SI throughout.
"""

import numpy as np

from orbital.dynamics.compiled import kernel
from orbital.dynamics.kernels import gravity, reel_pull, taut_tension

#: Slots of the parameters: J2 weight; the held LVLH acceleration (m/s^2); the line (1 or 0) and its
#: branch (1 taut, 0 slack); the anchor (m, LVLH); full payout (m); stiffness (N/m); damping (N s/m);
#: the reel's pull (N); the breaking load (N); the chaser's mass (kg); the branch switch's hysteresis (m).
J2, AX, AY, AZ, LINE, TAUT, ANCHOR_X, ANCHOR_Y, ANCHOR_Z, LENGTH, STIFFNESS, DAMPING, REEL, BREAKING, MASS, HYSTERESIS = range(16)
N_PARAMETERS = 16


@kernel
def lvlh(y, basis, rel):
    """The LVLH basis (rows x, y, z in inertial axes) into ``basis`` and the chaser's LVLH position
    and rotating-frame velocity into rel[0:3], rel[3:6], from state ``y`` (12,)."""
    rx, ry, rz, vx, vy, vz = y[0], y[1], y[2], y[3], y[4], y[5]
    hx, hy, hz = ry * vz - rz * vy, rz * vx - rx * vz, rx * vy - ry * vx
    r2 = rx * rx + ry * ry + rz * rz
    h_norm = np.sqrt(hx * hx + hy * hy + hz * hz)
    r = np.sqrt(r2)
    basis[0, 0], basis[0, 1], basis[0, 2] = rx / r, ry / r, rz / r
    basis[2, 0], basis[2, 1], basis[2, 2] = hx / h_norm, hy / h_norm, hz / h_norm
    basis[1, 0] = basis[2, 1] * basis[0, 2] - basis[2, 2] * basis[0, 1]
    basis[1, 1] = basis[2, 2] * basis[0, 0] - basis[2, 0] * basis[0, 2]
    basis[1, 2] = basis[2, 0] * basis[0, 1] - basis[2, 1] * basis[0, 0]
    for k in range(3):
        rel[k] = basis[k, 0] * y[6] + basis[k, 1] * y[7] + basis[k, 2] * y[8]
        rel[3 + k] = basis[k, 0] * y[9] + basis[k, 1] * y[10] + basis[k, 2] * y[11]
    rate = h_norm / r2  # LVLH turns about its z axis
    rel[3] -= rate * -rel[1]
    rel[4] -= rate * rel[0]


@kernel
def _line(rel, p, unit):
    """The line's unit vector from the anchor to the chaser into ``unit`` (LVLH); returns the distance
    (m), the range rate (m/s) and the tension (N) on the branch p[TAUT]."""
    ox, oy, oz = rel[0] - p[ANCHOR_X], rel[1] - p[ANCHOR_Y], rel[2] - p[ANCHOR_Z]
    d = np.sqrt(ox * ox + oy * oy + oz * oz)
    scale = max(d, 1e-12)
    unit[0], unit[1], unit[2] = ox / scale, oy / scale, oz / scale
    range_rate = unit[0] * rel[3] + unit[1] * rel[4] + unit[2] * rel[5]
    tension = reel_pull(p[REEL], d)
    if p[TAUT] != 0.0:
        tension = taut_tension(tension, p[STIFFNESS], p[DAMPING], p[LENGTH], d, range_rate)
    return d, range_rate, tension


@kernel
def relative_rhs(y, p, out):
    """d/dt [r_target, v_target, dr, dv] into ``out``."""
    x, yy, z = y[0], y[1], y[2]
    gx, gy, gz = gravity(x, yy, z, 1.0, p[J2])
    cx, cy, cz = gravity(x + y[6], yy + y[7], z + y[8], 1.0, p[J2])
    basis, rel, unit = np.empty((3, 3)), np.empty(6), np.empty(3)
    lvlh(y, basis, rel)
    a0, a1, a2 = p[AX], p[AY], p[AZ]
    if p[LINE] != 0.0:
        pull = _line(rel, p, unit)[2]
        a0, a1, a2 = a0 + -pull * unit[0] / p[MASS], a1 + -pull * unit[1] / p[MASS], a2 + -pull * unit[2] / p[MASS]
    for i in range(3):
        out[i], out[6 + i] = y[3 + i], y[9 + i]
    out[3], out[4], out[5] = gx, gy, gz
    out[9] = (cx - gx) + (a0 * basis[0, 0] + a1 * basis[1, 0] + a2 * basis[2, 0])
    out[10] = (cy - gy) + (a0 * basis[0, 1] + a1 * basis[1, 1] + a2 * basis[2, 1])
    out[11] = (cz - gz) + (a0 * basis[0, 2] + a1 * basis[1, 2] + a2 * basis[2, 2])


@kernel
def line_events(y, p, g):
    """The line's event functions into g (nothing if g is empty): g[0], its distance from the anchor
    past full payout plus the hysteresis (m; the branch ends where it crosses zero); g[1], taut, the
    tension past the breaking load (N), slack, the range rate (m/s; where it turns from outward to
    inward, the distance peaks)."""
    if g.size == 0:
        return
    basis, rel, unit = np.empty((3, 3)), np.empty(6), np.empty(3)
    lvlh(y, basis, rel)
    d, range_rate, tension = _line(rel, p, unit)
    g[0] = d - p[LENGTH] + p[HYSTERESIS]
    g[1] = tension - p[BREAKING] if p[TAUT] != 0.0 else range_rate


@kernel
def lvlh_states(states, rel):
    """The chaser's LVLH positions and rotating-frame velocities (k, 6) into ``rel`` from states (k, 12)."""
    basis = np.empty((3, 3))
    for k in range(states.shape[0]):
        lvlh(states[k], basis, rel[k])
