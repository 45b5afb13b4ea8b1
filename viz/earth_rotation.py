"""The Earth's orientation for the globe view, and scene units.

The globe is drawn in the inertial frame (GCRS) in megametres (1 scene unit =
1000 km), so the Earth is about 6.4 units across its radius and float32 keeps
metre-level detail. Ground-fixed things (texture, coastlines, ground tracks,
landing points) hang under a node turned by ITRS -> GCRS at each time.

The exact GCRS -> ITRS matrices (orbital.earth.frames, IAU 2006/2000A) are computed
on nodes spaced ``NODE_STEP_S`` apart over the span; in between, the Earth turns
about the node's pole at the sidereal rate (the precession over one step is far
below a pixel).
"""

import numpy as np

from orbital.earth.constants import OMEGA_EARTH_RAD_S, R_EARTH_EQ_M

#: metres per scene unit
SCENE_UNIT_M = 1.0e6
R_EARTH = R_EARTH_EQ_M / SCENE_UNIT_M
NODE_STEP_S = 3600.0
MAX_NODES = 4000


def to_scene(r_m):
    """Metres -> scene units (float64 kept; cast at upload)."""
    return np.asarray(r_m, dtype=float) / SCENE_UNIT_M


def _rot_z(angle_rad):
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    return np.array([[c, s, 0.0], [-s, c, 0.0], [0.0, 0.0, 1.0]])  # frame rotation by +angle


class EarthRotation:
    """GCRS <-> ITRS rotation at any time over ``[t0_s, t1_s]`` (s since ``epoch_utc``)."""

    def __init__(self, epoch_utc, t0_s, t1_s):
        from astropy.time import Time

        from orbital.earth.frames import gcrs_to_itrs_matrices

        t0_s, t1_s = float(t0_s), float(max(t1_s, t0_s))
        n = int(min(MAX_NODES, np.ceil((t1_s - t0_s) / NODE_STEP_S) + 1))
        self.nodes_s = np.linspace(t0_s, t1_s, max(n, 2))
        self.matrices = gcrs_to_itrs_matrices(Time(epoch_utc, scale="utc"), self.nodes_s)

    def _nearest_node(self, t_s):
        step = max(self.nodes_s[1] - self.nodes_s[0], 1e-9)
        return np.clip(np.rint((np.asarray(t_s, dtype=float) - self.nodes_s[0]) / step), 0, self.nodes_s.size - 1).astype(int)

    def gcrs_to_itrs(self, t_s):
        """3x3 matrix taking GCRS vectors to ITRS at ``t_s``."""
        k = int(self._nearest_node(t_s))
        return _rot_z(OMEGA_EARTH_RAD_S * (t_s - self.nodes_s[k])) @ self.matrices[k]

    def itrs_positions(self, t_s, r_gcrs):
        """ITRS positions (N, 3) of GCRS positions ``r_gcrs`` (N, 3) at times ``t_s`` (N,)."""
        t_s = np.asarray(t_s, dtype=float)
        k = self._nearest_node(t_s)
        dt = t_s - self.nodes_s[k]
        c, s = np.cos(OMEGA_EARTH_RAD_S * dt), np.sin(OMEGA_EARTH_RAD_S * dt)
        node = np.einsum("nij,nj->ni", self.matrices[k], np.asarray(r_gcrs, dtype=float))
        return np.column_stack([c * node[:, 0] + s * node[:, 1], -s * node[:, 0] + c * node[:, 1], node[:, 2]])
