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

