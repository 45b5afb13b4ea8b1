"""Which views and globe layers draw which result kind, and over which time span.

To teach the viewer a new kind: add its globe layers to ``GLOBE_LAYERS`` (and a
span to ``TIME_SPANS`` if its time grid is not the span to play); a view that
applies to it (``applies_to(result)``) joins it side by side.
"""

import numpy as np

from viz.globe_layers import DecaySwathLayer, DescentLayer, FootprintLayer, OrbitLayer
from viz.sampling import finite_span

GLOBE_LAYERS = {
    "station": [OrbitLayer],
    "eva_drift": [OrbitLayer],
    "arm_push": [OrbitLayer],
    "arm_rescue": [OrbitLayer],
    "reentry": [DescentLayer],
    "reentry_footprint": [FootprintLayer],
    "decay_reentry": [DecaySwathLayer],
}


def _decay_span(result):
    scene = result.scene
    track_t = np.asarray(result.tables["window_track"].column("t"), float)
    return float(scene.get("window_start_s", np.nanmin(track_t))), float(scene.get("window_end_s", np.nanmax(track_t)))


TIME_SPANS = {
    # play from the first landing to the last (the landings table's touchdown times)
    "reentry_footprint": lambda result: finite_span(result.tables["landings"].column("t_touchdown")),
    # time_s is months of decay history: play the prediction window
    "decay_reentry": _decay_span,
}

#: Kinds whose still picture (a .png without --time) is best at the end of the span: a
#: footprint's first touchdown shows one landing, its last all of them.
STILL_AT_END = {"reentry_footprint"}

#: What the played span is, in words, for kinds whose span is not the whole run.
SPAN_NAMES = {
    "reentry_footprint": "from the first to the last touchdown",
    "decay_reentry": "in the prediction window",
}


def globe_layers(result):
    """Layer classes the globe draws for ``result`` (unknown kinds: the station if present)."""
    if result.kind in GLOBE_LAYERS:
        return GLOBE_LAYERS[result.kind]
    return [OrbitLayer] if "station" in result.trajectories else []


def span_name(result):
    """The played span in words, e.g. ``"in the prediction window"``."""
    return SPAN_NAMES.get(result.kind, "in the run")


def still_time(result):
    """The moment (s since the epoch) a still picture of ``result`` shows when none is asked for."""
    t0, t1 = time_span(result)
    return t1 if result.kind in STILL_AT_END else t0


def time_span(result):
    """``(t0_s, t1_s)`` the player runs over, in s since the epoch."""
    if result.kind in TIME_SPANS:
        return TIME_SPANS[result.kind](result)
    return finite_span(result.time_s)


def view_classes():
    """Every view class, the globe first; the close-up joins when its module is present."""
    from viz.globe import GlobeView

    classes = [GlobeView]
    try:
        from viz.closeup import CloseupView
    except ImportError:
        return classes
    return classes + [CloseupView]


def views_for(result):
    """The view classes that draw ``result``, in screen order (left to right)."""
    return [cls for cls in view_classes() if cls.applies_to(result)]
