"""A spacewalker's safety tether: a steel cable on a take-up reel, vectorised over samples.

The reel is anchored at ``anchor_lvlh_m`` (m, LVLH, relative to the station's
centre of mass; the station is assumed to hold an LVLH attitude, so the anchor is
fixed in that frame). The model, for a crew member at distance d (m) from the
anchor, range rate d' (m/s):

- Slack (d < max length): the reel pays out and winds in freely, the reel's spring
  keeping the line at the small tension ``reel_force_n``; the payed-out length
  equals d. Within about ``REEL_TAPER_M`` of the reel the pull fades smoothly,
  F d / sqrt(d^2 + a^2), as the hook reaches the reel; the force stays smooth
  (an integrator needs no small steps) through the anchor.
- Taut (reel at full payout, d >= max length): the cable adds a spring-damper,
  T = reel pull + k (d - L) + c d', with k = EA / L; a cable cannot push, so
  T >= 0.
- Broken: once T reaches ``breaking_load_n`` the line parts for good; no force.

The massless reel reacts instantly, and the station's structure is not modelled
(the line and the crew member may pass through it).
"""

from dataclasses import dataclass

import numpy as np

from orbital.dynamics.tether_line import REEL_TAPER_M, reel_pull_n, taut_tension_n


@dataclass(frozen=True)
class TetherConfig:
    """Tether parameters, SI.

    Defaults: the 26 m (85 ft) steel-cable reel of REFERENCES.md. EA = 2.5e5 N is
    a ~2.4 mm 7x19 steel wire rope (0.6 fill factor, 100 GPa effective rope
    modulus); 4.9 kN (1,100 lbf) is the tensile strength quoted for the ISS safety
    tether (soft, press source); the reel's 4.5 N (1 lbf) is the low end of the
    1-2 lbf a Shuttle-era reel kept on the line (soft). The damping ratio 0.05
    (cable hysteresis plus suit compliance) is an assumption.
    """

    anchor_lvlh_m: tuple = (0.0, 0.0, 0.0)
    max_length_m: float = 26.0
    axial_stiffness_n: float = 2.5e5
    damping_ratio: float = 0.05
    reel_force_n: float = 4.5
    breaking_load_n: float = 4900.0

    def stiffness_n_m(self):
        """Spring constant k = EA / L of the fully payed-out cable (N/m)."""
        return self.axial_stiffness_n / self.max_length_m

    def damping_n_s_m(self, mass_kg):
        """Damping coefficient c = 2 zeta sqrt(k m) for a crew member of ``mass_kg`` (N s/m)."""
        return 2.0 * self.damping_ratio * np.sqrt(self.stiffness_n_m() * mass_kg)


@dataclass(frozen=True)
class TetherState:
    """The tether as of its last update: line payed out from the reel (m), and whether it has parted."""

    payout_m: float
    broken: bool = False


def anchor_offset(config, rel_r_lvlh_m):
    """Vector from the anchor to the crew member (m, LVLH, (..., 3)) and its length d (m, (...))."""
    offset = np.asarray(rel_r_lvlh_m, dtype=float) - np.asarray(config.anchor_lvlh_m, dtype=float)
    return offset, np.sqrt(np.sum(offset * offset, axis=-1))


def is_taut(config, distance_m):
    """True where the reel is at full payout and the cable is stretched."""
    return np.asarray(distance_m) >= config.max_length_m


def tether_tension_n(config, mass_kg, distance_m, range_rate_m_s, taut=None):
    """Line tension (N) at distance d (m) from the anchor, range rate d' (m/s).

    ``taut`` (bool or array) chooses the branch; by default it follows from d. An
    integrator passes the branch it is in, so that a step never mixes the two.
    """
    d = np.asarray(distance_m, dtype=float)
    taut = is_taut(config, d) if taut is None else np.asarray(taut, dtype=bool)
    reel = reel_pull_n(config.reel_force_n, d)
    stretched = taut_tension_n(
        reel, config.stiffness_n_m(), config.damping_n_s_m(mass_kg), config.max_length_m, d, np.asarray(range_rate_m_s, dtype=float)
    )
    return np.where(taut, stretched, reel)


def tether_force_lvlh(config, state, mass_kg, rel_r_lvlh_m, rel_v_lvlh_m_s, taut=None):
    """Force of the tether on the crew member (N, LVLH, (..., 3)) and the tension (N, (...)).

    ``rel_r_lvlh_m``, ``rel_v_lvlh_m_s``: his position and velocity relative to the
    station's centre of mass in LVLH (m, m/s; the velocity as seen in the rotating
    frame). ``state`` is a :class:`TetherState`; a broken tether gives zero.
    """
    offset, d = anchor_offset(config, rel_r_lvlh_m)
    if state.broken:
        return np.zeros_like(offset), np.zeros_like(d)
    unit = offset / np.maximum(d, 1e-12)[..., None]
    range_rate = np.sum(unit * np.asarray(rel_v_lvlh_m_s, dtype=float), axis=-1)
    tension = tether_tension_n(config, mass_kg, d, range_rate, taut)
    return -tension[..., None] * unit, tension


def updated_tether_state(config, state, distance_m, tension_n):
    """The state after a sample at ``distance_m`` (m) from the anchor with line tension ``tension_n`` (N)."""
    broken = state.broken or float(tension_n) >= config.breaking_load_n
    return TetherState(payout_m=min(float(distance_m), config.max_length_m), broken=broken)


def spring_potential_j(config, distance_m):
    """Potential energy (J) of the unbroken, undamped tether at distance d (m) from the anchor.

    Zero at the anchor; the line force is minus its gradient, for the slack and
    the taut branch alike (used to check energy conservation).
    """
    d = np.asarray(distance_m, dtype=float)
    f, taper, length = config.reel_force_n, REEL_TAPER_M, config.max_length_m
    reel = f * (np.hypot(d, taper) - taper)
    stretch = np.maximum(d - length, 0.0)
    return reel + 0.5 * config.stiffness_n_m() * stretch * stretch
