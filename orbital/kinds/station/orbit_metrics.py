"""Numbers that describe a propagated orbit: secular rates, nodal period, J2 theory."""

import numpy as np

from orbital.earth.constants import MU_EARTH_M3_S2
from orbital.earth.elements import j2_secular_rates
from orbital.dynamics.gravity import j2_potential


def energy_semi_major_axis_m(states, include_j2=True):
    """Semi-major axis from the total specific energy, a = -mu / (2 E) (m).

    With the J2 potential included, E is conserved by gravity and changes only
    through drag, so this ``a`` has no short-period J2 wiggle: its slope is the
    secular decay. States are (N, 6) in m and m/s.
    """
    r = states[:, :3]
    v = states[:, 3:]
    energy = 0.5 * np.sum(v * v, axis=1) - MU_EARTH_M3_S2 / np.linalg.norm(r, axis=1)
    if include_j2:
        energy = energy + j2_potential(r)
    return -MU_EARTH_M3_S2 / (2.0 * energy)


def linear_rate(t_s, values):
    """Least-squares slope of ``values`` against ``t_s`` (units of values per s)."""
    if len(t_s) < 2:
        return float("nan")
    return float(np.polyfit(t_s - t_s[0], values, 1)[0])


def ascending_node_times_s(t_s, states):
    """Times (s) when z crosses from negative to positive, linearly interpolated."""
    z = states[:, 2]
    i = np.nonzero((z[:-1] < 0.0) & (z[1:] >= 0.0))[0]
    fraction = -z[i] / (z[i + 1] - z[i])
    return t_s[i] + fraction * (t_s[i + 1] - t_s[i])


def j2_raan_rate_rad_s(a_m, ecc, inc_rad):
    """Secular nodal regression by J2: -1.5 n J2 (Re/a)^2 cos i / (1 - e^2)^2 (rad/s)."""
    return j2_secular_rates(a_m, ecc, inc_rad)[0]
