"""Clohessy-Wiltshire (Hill) relative motion about a circular orbit, closed form.

Frame LVLH: x radial out, y along-track, z orbit normal. A relative state is
``[x, y, z, vx, vy, vz]`` in m and m/s; the target's mean motion ``n`` in rad/s.
The equations are x'' - 2n y' - 3n^2 x = 0, y'' + 2n x' = 0, z'' + n^2 z = 0.
"""

import numpy as np


def cw_state_transition(n_rad_s, t_s):
    """State transition matrix Phi(t) of the CW equations.

    A scalar ``t_s`` gives (6, 6); an array of shape (N,) gives (N, 6, 6).
    """
    t = np.asarray(t_s, dtype=float)
    n = float(n_rad_s)
    nt = n * t
    s, c = np.sin(nt), np.cos(nt)
    one, zero = np.ones_like(t), np.zeros_like(t)
    rows = [
        [4.0 - 3.0 * c, zero, zero, s / n, 2.0 * (1.0 - c) / n, zero],
        [6.0 * (s - nt), one, zero, -2.0 * (1.0 - c) / n, (4.0 * s - 3.0 * nt) / n, zero],
        [zero, zero, c, zero, zero, s / n],
        [3.0 * n * s, zero, zero, c, 2.0 * s, zero],
        [-6.0 * n * (1.0 - c), zero, zero, -2.0 * s, 4.0 * c - 3.0, zero],
        [zero, zero, -n * s, zero, zero, c],
    ]
    return np.moveaxis(np.array(rows, dtype=float), (0, 1), (-2, -1))


def cw_propagate(rel_state0, n_rad_s, t_s):
    """Relative states (N, 6) in m, m/s at times ``t_s`` (N,) s after ``rel_state0`` (6,)."""
    phi = cw_state_transition(n_rad_s, np.atleast_1d(np.asarray(t_s, dtype=float)))
    return phi @ np.asarray(rel_state0, dtype=float)



def cw_two_impulse(rel_state0, target_position_m, n_rad_s, transfer_s):
    """Clohessy-Wiltshire targeting: the velocity (3,) m/s to leave ``rel_state0`` (6,) with so as
    to reach ``target_position_m`` (3,) m after ``transfer_s`` s, and the velocity (3,) m/s it
    arrives with. Singular where n t is a multiple of 2 pi (the in-plane motion comes back)."""
    phi = cw_state_transition(n_rad_s, transfer_s)
    rel0 = np.asarray(rel_state0, dtype=float)
    v0 = np.linalg.solve(phi[:3, 3:], np.asarray(target_position_m, dtype=float) - phi[:3, :3] @ rel0[:3])
    arrival = phi @ np.concatenate([rel0[:3], v0])
    return v0, arrival[3:]


def cw_acceleration(rel_r_m, rel_v_m_s, n_rad_s):
    """The acceleration (m/s^2, (..., 3)) the CW equations give a free body at ``rel_r_m``, ``rel_v_m_s``:
    ``[3 n^2 x + 2 n vy, -2 n vx, -n^2 z]``; thrust of its opposite holds it on a straight line."""
    r, v = np.asarray(rel_r_m, dtype=float), np.asarray(rel_v_m_s, dtype=float)
    n = float(n_rad_s)
    return np.stack([3.0 * n * n * r[..., 0] + 2.0 * n * v[..., 1], -2.0 * n * v[..., 0], -n * n * r[..., 2]], axis=-1)
