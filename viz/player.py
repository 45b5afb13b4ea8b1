"""The clock of the viewer: the story advances with wall-clock time times the warp.

Like rebound's ``integrate(t)``, the player only says which time to show; the
views interpolate the result there, so frame rate and sample grid are independent.
The warp is the mean speed (simulated s per wall s over the whole span); the story
clock (:mod:`viz.pacing`) makes it slower near events and faster through coasts,
``effective_warp`` the speed at the moment shown.
"""

import numpy as np

#: Warp steps (simulated seconds per wall-clock second) offered by + and -.
WARPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 500000, 1000000)


def warp_to_fit(span_s, play_s=30.0):
    """The largest warp step that plays ``span_s`` in at least ``play_s`` wall seconds (at least 1)."""
    fitting = [w for w in WARPS if w * play_s <= span_s]
    return fitting[-1] if fitting else WARPS[0]


class Player:
    """Time over ``[t0_s, t1_s]``: ``advance(wall_dt_s)``, pause, warp steps, arrow steps, restart;
    paced by ``clock`` (a :class:`viz.pacing.StoryClock`; uniform without one)."""

    def __init__(self, t0_s, t1_s, warp=None, clock=None):
        from viz.pacing import StoryClock

        self.t0_s, self.t1_s = float(t0_s), float(t1_s)
        self.t_s = self.t0_s
        self.warp = float(warp if warp is not None else warp_to_fit(self.t1_s - self.t0_s))
        self.clock = clock or StoryClock(self.t0_s, self.t1_s, pace="linear")
        self.paused = False

    @property
    def effective_warp(self):
        """Simulated seconds per wall second at the moment shown."""
        return self.warp * self.clock.rate(self.t_s) / (self.t1_s - self.t0_s)

    @property
    def finished(self):
        return self.t_s >= self.t1_s

    def advance(self, wall_dt_s):
        """Move on by ``wall_dt_s`` wall seconds times the warp (not while paused); stops at the end."""
        if not self.paused:
            self._move_story(wall_dt_s)
        return self.t_s

    def _move_story(self, wall_s):
        """Move the story on by ``wall_s`` wall seconds (back if negative) at the warp."""
        if self.clock.linear:  # by the clock alone, to the last bit
            self.seek(self.t_s + wall_s * self.warp)
            return
        u = self.clock.progress(self.t_s) + wall_s * self.warp / (self.t1_s - self.t0_s)
        self.seek(float(self.clock.time(min(max(u, 0.0), 1.0))))

    def seek(self, t_s):
        self.t_s = float(np.clip(t_s, self.t0_s, self.t1_s))

    def toggle_pause(self):
        self.paused = not self.paused

    def faster(self):
        self.warp = next((w for w in WARPS if w > self.warp), self.warp)

    def slower(self):
        self.warp = next((w for w in reversed(WARPS) if w < self.warp), self.warp)

    def step(self, direction, wall_s=1.0):
        """Jump by ``direction`` (+1 or -1) times ``wall_s`` seconds of play at the current warp."""
        self._move_story(direction * wall_s)

    def restart(self):
        self.t_s = self.t0_s
