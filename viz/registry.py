"""Which views and globe layers draw a result, and over which time span: read from its display
hints (``result.display``, :class:`orbital.kind_contract.DisplayHints`), never from its kind.

A trajectory or table is drawn by the globe layer of its role (``LAYERS``); the other roles are
read by those layers (a descent's geodetic track and loads) or by the close-up (a chaser, an arm),
which joins a result it applies to (``applies_to(result)``) side by side.
"""

from viz.globe_layers import DecaySwathLayer, DescentLayer, FootprintLayer, OpportunitiesLayer, OrbitLayer
from viz.sampling import finite_span, table

#: role -> the globe layer that draws a trajectory or table of that role
LAYERS = {
    "orbit": OrbitLayer,
    "descent": DescentLayer,
    "landings": FootprintLayer,
    "reentry_window": DecaySwathLayer,
    "opportunities": OpportunitiesLayer,
}


def globe_layers(result):
    """``(layer class, trajectory or table name)`` the globe draws for ``result``, in the order of its roles."""
    return [
        (LAYERS[role], name)
        for name, role in result.display.roles.items()
        if role in LAYERS and (name in result.trajectories or table(result, name) is not None)
    ]


def _play_table(result):
    """The table whose times the player runs over, or None to play the time grid."""
    play_span = result.display.play_span
    return None if play_span == "time_grid" else table(result, play_span)


def span_name(result):
    """The played span in words, e.g. ``"in the prediction window"``."""
    if result.display.play_span != "time_grid" and _play_table(result) is None:
        return "in the run"
    return result.display.span_name


def still_time(result):
    """The moment (s since the epoch) a still picture of ``result`` shows when none is asked for."""
    t0, t1 = time_span(result)
    return t1 if result.display.still_at_end else t0


def time_span(result):
    """``(t0_s, t1_s)`` the player runs over, in s since the epoch."""
    rows = _play_table(result)
    return finite_span(result.time_s if rows is None else rows["t"])


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
