"""What the close-up reads from a Result, sampled at any time: pure numpy, float64.

Trajectories are found by their roles (``result.display``, :data:`orbital.kind_contract.ROLES`),
whatever their names: the ``chaser`` and its ``chaser_reference`` (lvlh, x y z m then
velocities), the ``tension`` of its tether (N), the ``arm`` (lvlh, 3K columns: base, joints, tip);
the target is the body in ``orbit``. Also read: the scene's fixed points, and the tether's events
(``tether_taut``, ``tether_slack``, ``tether_broken``). Values between samples are linear
interpolations; times outside the run are clamped.
"""

import numpy as np

from viz.sampling import names_of

#: The events that change a tether's state, and the state each leaves it in.
TETHER_EVENTS = {"tether_taut": "taut", "tether_slack": "slack", "tether_broken": "broken"}
#: Above this tension (N) a tether without taut/slack events counts as taut: the
#: take-up reel alone keeps a slack line at a few newtons.
TAUT_TENSION_N = 10.0


class Tracks:
    """The close-up's data of one Result, sampled at ``t_s`` (s since epoch)."""

    def __init__(self, result):
        self.time_s = np.asarray(result.time_s, dtype=float)
        #: the chaser's and the target's names, for labels (the target: the LVLH origin, the body in orbit)
        self.chaser_name = _first_name(result, "chaser")
        self.target_name = _first_name(result, "orbit") or "target"
        self.epoch_utc = result.epoch_utc
        target = _first_name(result, "orbit")
        #: the target's GCRS state (N, 6), for the Sun's direction in its LVLH frame; None if it has none
        self.target_state = (
            np.asarray(result.trajectories[target].data, dtype=float)[:, :6]
            if target is not None and result.trajectories[target].frame in ("gcrs", "eci")
            else None
        )
        self.chaser = self._lvlh(result, "chaser", 6)
        self.chaser_reference = self._lvlh(result, "chaser_reference", 3)
        self.arm = self._lvlh(result, "arm", None)
        if self.arm is not None:
            self.arm = self.arm.reshape(len(self.time_s), -1, 3)
        tension = _first_name(result, "tension")
        self.tension_n = None if tension is None else np.asarray(result.trajectories[tension].data, dtype=float)[:, 0]
        scene = result.scene or {}
        self.tether_anchor = _point(scene, "tether_anchor_lvlh_m")
        self.arm_base = _point(scene, "arm_base_lvlh_m")
        #: the arm's reach (m) about its base, for the envelope; None if the run does not say
        self.arm_reach_m = scene.get("arm_reach_m")
        self.targets = {
            label: p
            for label, p in (
                ("SAFER target", _point(scene, "safer_target_lvlh_m")),
                ("airlock", _point(scene, "airlock_lvlh_m")),
                ("docking port", _point(scene, "docking_port_lvlh_m")),
            )
            if p is not None
        }
        self.tether_events = sorted((float(e.time_s), TETHER_EVENTS[e.kind]) for e in result.events if e.kind in TETHER_EVENTS)

    @staticmethod
    def _lvlh(result, role, columns):
        """The first trajectory of ``role`` in LVLH (its first ``columns`` columns), or None."""
        name = _first_name(result, role)
        trajectory = None if name is None else result.trajectories[name]
        if trajectory is None or trajectory.frame != "lvlh":
            return None
        data = np.asarray(trajectory.data, dtype=float)
        return data if columns is None else data[:, :columns]

    def _blend(self, t_s):
        """Index ``i`` and weight ``w``: value(t) = (1 - w) row[i] + w row[i + 1]."""
        t = float(np.clip(t_s, self.time_s[0], self.time_s[-1]))
        i = int(np.clip(np.searchsorted(self.time_s, t, side="right") - 1, 0, max(len(self.time_s) - 2, 0)))
        if len(self.time_s) < 2:
            return i, 0.0
        span = self.time_s[i + 1] - self.time_s[i]
        return i, float((t - self.time_s[i]) / span) if span > 0 else 0.0

    def at(self, array, t_s):
        """``array`` (N, ...) interpolated at ``t_s``; NaN where a neighbour sample is NaN."""
        i, w = self._blend(t_s)
        if len(array) < 2:
            return array[0].copy()
        return (1.0 - w) * array[i] + w * array[i + 1]

    def history(self, array, t_s):
        """Rows of ``array`` up to ``t_s``, ending with the interpolated value at ``t_s``."""
        i, _ = self._blend(t_s)
        return np.concatenate([array[: i + 1], self.at(array, t_s)[None]])

    def chaser_position(self, t_s):
        """LVLH position (m) of the chaser, or None if the result has none."""
        return None if self.chaser is None else self.at(self.chaser[:, :3], t_s)

    def tension(self, t_s):
        """Tether tension (N) at ``t_s``, 0 without a tension record."""
        return 0.0 if self.tension_n is None else float(self.at(self.tension_n, t_s))

    def tether_state(self, t_s):
        """``"none"`` (no tether), ``"broken"``, ``"taut"`` or ``"slack"`` at ``t_s``."""
        if self.tether_anchor is None:
            return "none"
        past = [state for time, state in self.tether_events if time <= t_s]
        if "broken" in past:
            return "broken"
        if past:
            return past[-1]
        return "taut" if self.tension(t_s) > TAUT_TENSION_N else "slack"


def _first_name(result, role):
    """The first trajectory name of ``role`` that ``result`` holds, or None."""
    return next(iter(names_of(result, role)), None)


def _point(scene, key):
    value = scene.get(key)
    return None if value is None else np.asarray(value, dtype=float)
