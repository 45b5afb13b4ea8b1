"""A safety tether's tension, written once, unit-free (SI: m, m/s in, N out): numpy evaluates it on
arrays (:mod:`orbital.models.tether`) and the relative flight's compiled right-hand side on one
state (:mod:`orbital.propagation.relative_dynamics`, through :mod:`orbital.dynamics.kernels`).

A reel pays the line out and winds it in, keeping the small pull ``reel_force_n`` on it, which
fades as F d / sqrt(d^2 + a^2) within about ``REEL_TAPER_M`` of the reel; at full payout
``length_m`` the cable adds a spring-damper, k (d - L) + c d', and cannot push.
"""

import numpy as np

#: Length a (m) over which the reel's pull fades to zero as the hook reaches the reel.
REEL_TAPER_M = 0.5


def line_tension_n(reel_force_n, stiffness_n_m, damping_n_s_m, length_m, distance_m, range_rate_m_s, taut):
    """Line tension (N) at distance d (m) from the reel, range rate d' (m/s), on the branch ``taut``
    (True: at full payout, the cable stretched; False: slack, the reel's pull only); scalars or arrays."""
    reel = reel_force_n * distance_m / np.hypot(distance_m, REEL_TAPER_M)
    stretched = reel + stiffness_n_m * (distance_m - length_m) + damping_n_s_m * range_rate_m_s
    return np.where(taut, np.maximum(stretched, 0.0), reel)
