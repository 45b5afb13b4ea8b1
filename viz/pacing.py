"""Story pacing: how simulated time maps to play, slow near events and fast through coasts.

A :class:`StoryClock` maps a played span ``[t0_s, t1_s]`` to story progress ``u`` in 0..1 (the
share of the play that has gone by). ``linear`` is today's uniform clock. ``story`` gives
each beat (an event, or events close together) the same share of the play, spread over a bell
as wide as the time to its neighbours, and leaves the rest to the span as a whole: a burn, a
capture or a touchdown gets seconds on screen however short it is in simulated time, and a
two-hour coast passes in a few.
"""

import numpy as np

PACES = ("story", "linear")
#: Share of the play that the beats get together (the rest is spread evenly over the span).
BEAT_SHARE = 0.7
#: Events closer than this share of the span are one beat.
MERGE_SHARE = 0.004
#: A beat is two bells: a wide one, half the gap to its nearest neighbour wide (within these shares
#: of the span), and a narrow core, NARROW_SHARE of the span or NARROW_LEAST_S wide, whichever is
#: wider, that gets CORE_SHARE of the beat: the moment itself slows to minutes a second even in a
#: window of months.
LEAST_BELL_SHARE, MOST_BELL_SHARE = 0.002, 0.03
NARROW_SHARE, NARROW_LEAST_S, CORE_SHARE = 1e-4, 60.0, 0.5
#: Samples of the clock over the span (its inverse is interpolated between them); more round
#: each beat, where the narrow bells need them.
CLOCK_SAMPLES = 8001
BEAT_SAMPLES = 400


class StoryClock:
    """Simulated time <-> story progress ``u`` (0 at ``t0_s``, 1 at ``t1_s``), both monotonic."""

    def __init__(self, t0_s, t1_s, event_times_s=(), pace="story"):
        if pace not in PACES:
            raise ValueError(f"pace {pace!r}: expected one of {', '.join(PACES)}")
        self.t0_s, self.t1_s, self.pace = float(t0_s), float(t1_s), pace
        span = self.t1_s - self.t0_s
        beats = _beats(event_times_s, self.t0_s, self.t1_s) if pace == "story" else []
        #: uniform: progress and time by formula, exact to the last bit
        self.linear = not beats
        bells = []  # (centre, width, share of the play)
        for k, beat in enumerate(beats):
            gaps = [abs(beat - other) for other in beats[:k] + beats[k + 1 :]] + [span]
            wide = float(np.clip(0.5 * min(gaps), LEAST_BELL_SHARE * span, MOST_BELL_SHARE * span))
            narrow = min(max(NARROW_SHARE * span, NARROW_LEAST_S), wide)
            bells += [(beat, wide, (1.0 - CORE_SHARE) * BEAT_SHARE / len(beats)), (beat, narrow, CORE_SHARE * BEAT_SHARE / len(beats))]
        grid = [np.linspace(self.t0_s, self.t1_s, CLOCK_SAMPLES)]
        grid += [centre + width * np.linspace(-6.0, 6.0, BEAT_SAMPLES) for centre, width, _ in bells]
        self._t = np.unique(np.clip(np.concatenate(grid), self.t0_s, self.t1_s))
        density = np.full(self._t.size, (1.0 - BEAT_SHARE if bells else 1.0) / span)
        for centre, width, share in bells:
            density += share * np.exp(-0.5 * ((self._t - centre) / width) ** 2) / (width * np.sqrt(2.0 * np.pi))
        u = _integral(density, self._t)
        self._u = u / u[-1]

    def progress(self, t_s):
        """Story progress (0..1) at simulated time ``t_s``."""
        if self.linear:
            return float(np.clip((t_s - self.t0_s) / (self.t1_s - self.t0_s), 0.0, 1.0))
        return float(np.interp(t_s, self._t, self._u))

    def time(self, u):
        """Simulated time (s since the epoch) at story progress ``u`` (scalar or array)."""
        if self.linear:
            return self.t0_s + np.clip(u, 0.0, 1.0) * (self.t1_s - self.t0_s)
        return np.interp(u, self._u, self._t)

    def rate(self, t_s):
        """Simulated seconds per unit of progress at ``t_s``: the local speed of the story."""
        if self.linear:
            return self.t1_s - self.t0_s
        u = self.progress(t_s)
        du = 0.5 / CLOCK_SAMPLES
        lo, hi = max(u - du, 0.0), min(u + du, 1.0)
        return float((self.time(hi) - self.time(lo)) / max(hi - lo, 1e-12))


def _integral(values, t):
    """The running trapezoid integral of ``values`` over ``t``, 0 at the start."""
    return np.concatenate([[0.0], np.cumsum(0.5 * (values[1:] + values[:-1]) * np.diff(t))])


def _beats(event_times_s, t0_s, t1_s):
    """Event times inside the span, those closer than :data:`MERGE_SHARE` of it merged (their mean)."""
    inside = sorted(float(t) for t in event_times_s if np.isfinite(t) and t0_s <= t <= t1_s)
    groups = []
    for t in inside:
        if groups and t - groups[-1][-1] <= MERGE_SHARE * (t1_s - t0_s):
            groups[-1].append(t)
        else:
            groups.append([t])
    return [float(np.mean(group)) for group in groups]
