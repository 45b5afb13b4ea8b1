"""A safety tether's tension, written once, unit-free (SI: m, m/s in, N out): numpy evaluates it on
arrays (:mod:`orbital.models.tether`) and the relative flight's compiled right-hand side on one
state (:mod:`orbital.propagation.relative_dynamics`, through :mod:`orbital.dynamics.kernels`).

A reel pays the line out and winds it in, keeping the small pull ``reel_force_n`` on it, which
fades as F d / sqrt(d^2 + a^2) within about ``REEL_TAPER_M`` of the reel; at full payout
``length_m`` the cable adds a spring-damper, k (d - L) + c d', and cannot push. The two branches
are two functions, so that compiled code choosing one with an ``if`` stays scalar.
"""

import numpy as np

#: Length a (m) over which the reel's pull fades to zero as the hook reaches the reel.
REEL_TAPER_M = 0.5


def reel_pull_n(reel_force_n, distance_m):
    """The slack line's tension (N), the reel's pull, at distance d (m) from the reel; scalars or arrays."""
    return reel_force_n * distance_m / np.hypot(distance_m, REEL_TAPER_M)


def taut_tension_n(reel_pull, stiffness_n_m, damping_n_s_m, length_m, distance_m, range_rate_m_s):
    """The taut line's tension (N) at distance d (m) from the reel, range rate d' (m/s), given the
    reel's pull there (N, :func:`reel_pull_n`); scalars or arrays."""
    return np.maximum(reel_pull + stiffness_n_m * (distance_m - length_m) + damping_n_s_m * range_rate_m_s, 0.0)
