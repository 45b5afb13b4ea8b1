"""What a scenario kind declares: the contract between a kind, the registry, the CLI and the viewer.

A kind is one package under :mod:`orbital.kinds`; its module-level ``KIND`` is a :class:`KindSpec`:
its schema (the pydantic ``Scenario`` model), its runner, the keys of its summary (each with a unit
and a one-line meaning) and its display hints (the role of each trajectory or table in the
picture). The registry (:data:`orbital.kinds.KINDS`) is the only list of kinds; the README's summary
tables and ``issim schema`` are tested against these declarations, and the viewer reads the hints,
never a kind's name or a trajectory's name by heart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional

#: The roles a trajectory or table can play in the picture (``DisplayHints.roles``), and what each is.
ROLES: dict[str, str] = {
    "orbit": "a body in orbit, GCRS state (x, y, z, vx, vy, vz): its orbit and ground track on the globe; "
    "the close-up's target (the origin of LVLH) when there is a chaser",
    "orbit_geodetic": "the same body's geodetic track (lat, lon, alt) on the WGS84 ellipsoid",
    "chaser": "a body moving near the target, LVLH state relative to it: the close-up follows it",
    "chaser_reference": "the linear (Clohessy-Wiltshire) prediction of the chaser, drawn as a ghost",
    "arm": "the robotic arm's joint positions in LVLH, drawn as links in the close-up",
    "tension": "a tether's tension (N), one column",
    "descent": "a capsule falling home, GCRS state: drawn on the globe down to the ground",
    "descent_geodetic": "the descent's geodetic track (lat, lon, alt)",
    "descent_loads": "the descent's sensed load (g), heat flux and phase code: its path's colours and readouts",
    "decay": "an object decaying from orbit, GCRS state sampled days apart until its plunge: too sparse to draw as a path",
    "decay_geodetic": "the decaying object's geodetic track (lat, lon, alt): its height read out in the plunge",
    "heights": "mean, perigee and apogee heights of a decaying orbit over the run (km): read out, not drawn",
    "landings": "a table of landing points (t, lat, lon, on_land per sample): the footprint on the globe",
    "reentry_window": "a table of the ground track over a reentry prediction window (t, lat, lon, alt)",
    "reentry_points": "a table of an ensemble's reentry points (t, lat, lon per member, each equally likely)",
    "opportunities": "a table of undocking opportunities (t the undocking; lat, lon, on_land of where each lands; site_distance, m, "
    "if given): each landing appears as its undocking passes; the target and the reach ring from the scene",
}


@dataclass(frozen=True)
class SummaryKey:
    """One key of a kind's summary: its unit (``"km"``, ``"deg"``, ``"1"`` for a count or ratio,
    ``""`` for text or a flag) and what it means, in one line."""

    unit: str
    meaning: str


#: What a :class:`Curve` draws of its columns.
CURVE_OF: dict[str, str] = {
    "value": "the column itself",
    "norm": "the Euclidean norm of the columns, e.g. a distance from x, y, z or a speed from vx, vy, vz",
    "rate": "the column's rate of change per second over the step ending at each sample (drawn as steps)",
}


@dataclass(frozen=True)
class Curve:
    """One line of a :class:`SeriesPlot`: a quantity of the trajectory ``source`` over its time."""

    source: str
    #: one column (``of`` "value" or "rate"), or the columns whose norm is drawn (``of`` "norm")
    columns: tuple
    of: str = "value"
    #: the legend's name for it ("" for a plot of one curve)
    label: str = ""


@dataclass(frozen=True)
class SeriesPlot:
    """A figure of quantities against time (``issim plot``), in the display ``unit`` (``"km"``,
    ``"km/s"``, ``"g"``, ``"kW/m2"``, ``"deg/s"``, or the curves' own SI unit)."""

    name: str
    title: str
    unit: str
    curves: tuple
    #: the plot starts at the first event of this kind ("" for the whole run)
    from_event: str = ""
    #: the plot ends at the first event of this kind ("" for the whole run)
    to_event: str = ""
    #: the time axis spans only where some curve is not zero, with a margin (a few seconds of arm
    #: motion in a quarter of an hour's run); if every curve is zero throughout (no tether, SAFER
    #: unused) the figure is not made
    active_only: bool = False
    #: each row is a case of its own (an undocking opportunity), drawn as a dot, not joined to the next
    dots: bool = False
    #: kinds of events marked by a vertical line
    events: tuple = ()


@dataclass(frozen=True)
class MapPlot:
    """A map over coastlines (``issim plot``): ground tracks as lines, tables of points as dots,
    fixed places of the scene as markers."""

    name: str
    title: str
    #: trajectories or tables with ``lat`` and ``lon`` columns (deg), drawn as lines
    tracks: tuple = ()
    #: tables with ``lat`` and ``lon`` columns, drawn as dots
    points: tuple = ()
    #: tables with ``lat`` and ``lon`` columns sampled evenly in time, drawn as the share of their
    #: time spent over each cell of the map (a long ground track that would fill its band as lines)
    density: tuple = ()
    #: a 0/1 column of the points' tables that splits them in two colours (e.g. on land or not), or ""
    split_by: str = ""
    #: keys of ``Result.scene`` holding ``{"lat_deg", "lon_deg"}``, drawn as labelled markers
    markers: tuple = ()
    #: ``"data"``: the map frames what is drawn; ``"world"``: the whole Earth
    extent: str = "data"


@dataclass(frozen=True)
class ProfilePlot:
    """A side profile (``issim plot``, and the viewer's inset beside a descent): the altitude of the
    geodetic trajectory ``track`` (``lat``, ``lon`` deg, ``alt`` m) against its downrange, the
    great-circle distance along the ground from where the profile starts, coloured by phase."""

    name: str
    title: str
    track: str
    #: a trajectory on the same time grid whose ``phase`` column holds a phase code per sample ("" for none)
    phases: str = ""
    #: the name of each phase code, in code order (the figure's legend)
    phase_names: tuple = ()
    #: the profile starts at the first event of this kind ("" for the whole run)
    from_event: str = ""
    #: a key of ``Result.scene`` holding ``{"lat_deg", "lon_deg"}`` (the planned landing point), marked
    #: on the ground at its downrange ("" for none)
    marker: str = ""


@dataclass(frozen=True)
class SensitivityPlot:
    """Bar plots of an ensemble's sensitivity (``issim plot``): a row per output, a panel per measure,
    the inputs ranked, each bar with its 95 % interval; from the tables whose names start with
    ``tables`` (one per output, a row per input, as :meth:`orbital.analysis.sensitivity.Sensitivity.table`
    makes them). No figure if the run has none (an ensemble too small to analyse)."""

    name: str
    title: str
    tables: str = "sensitivity_"


_PLOT_TYPES = {"map": MapPlot, "profile": ProfilePlot, "sensitivity": SensitivityPlot}


def _plot_from_json(doc: Mapping[str, Any]):
    doc = dict(doc)
    plot_type = _PLOT_TYPES.get(doc.pop("type"))
    if plot_type is not None:
        return plot_type(**{k: tuple(v) if isinstance(v, list) else v for k, v in doc.items()})
    curves = tuple(Curve(c["source"], tuple(c["columns"]), c.get("of", "value"), c.get("label", "")) for c in doc.pop("curves"))
    return SeriesPlot(curves=curves, **{k: tuple(v) if isinstance(v, list) else v for k, v in doc.items()})


def _plot_to_json(plot) -> dict[str, Any]:
    """The plot as plain JSON (lists, not tuples: what reading summary.json gives back)."""
    import json
    from dataclasses import asdict

    plot_type = next((name for name, cls in _PLOT_TYPES.items() if isinstance(plot, cls)), "series")
    return json.loads(json.dumps({"type": plot_type, **asdict(plot)}))


@dataclass(frozen=True)
class DisplayHints:
    """How the viewer shows a kind's result, without knowing the kind."""

    #: trajectory or table name -> its role (a key of :data:`ROLES`)
    roles: Mapping[str, str] = field(default_factory=dict)
    #: what the player runs over: ``"time_grid"`` (the result's time grid), or the name of a table
    #: whose time column spans the play (a footprint's touchdowns, a decay's prediction window)
    play_span: str = "time_grid"
    #: the played span in words, e.g. ``"in the prediction window"``
    span_name: str = "in the run"
    #: a still picture without ``--time`` shows the end of the span (a footprint: all landings)
    still_at_end: bool = False
    #: the figures ``issim plot`` draws: :class:`SeriesPlot`, :class:`MapPlot`, :class:`ProfilePlot` and
    #: :class:`SensitivityPlot`, in order
    plots: tuple = ()

    def names_with_role(self, role: str) -> list[str]:
        """The trajectory or table names that play ``role``, in declaration order."""
        return [name for name, r in self.roles.items() if r == role]

    def to_json(self) -> dict[str, Any]:
        return {"roles": dict(self.roles), "play_span": self.play_span, "span_name": self.span_name, "still_at_end": self.still_at_end,
                "plots": [_plot_to_json(plot) for plot in self.plots]}

    @classmethod
    def from_json(cls, doc: Optional[Mapping[str, Any]]) -> "DisplayHints":
        doc = dict(doc or {})
        return cls(
            roles=dict(doc.get("roles") or {}),
            play_span=str(doc.get("play_span", "time_grid")),
            span_name=str(doc.get("span_name", "in the run")),
            still_at_end=bool(doc.get("still_at_end", False)),
            plots=tuple(_plot_from_json(plot) for plot in doc.get("plots") or ()),
        )


@dataclass(frozen=True)
class KindSpec:
    """A kind's whole contract: the registry hands this out (:func:`orbital.kinds.kind_spec`)."""

    name: str
    #: the pydantic model of its scenario files (``kind: <name>``)
    scenario: type
    #: ``run(scenario) -> Result``
    run: Callable[[Any], Any]
    #: one line on what the kind simulates
    title: str
    #: every key its summary may hold, with unit and meaning
    summary: Mapping[str, SummaryKey]
    display: DisplayHints = field(default_factory=DisplayHints)
    #: ``first_run_note(scenario) -> str | None``: a line to show before a run of the (validated)
    #: ``scenario`` that does one-off work (compiling)
    first_run_note: Optional[Callable[[Any], Optional[str]]] = None

    def to_json(self) -> dict[str, Any]:
        """What tools read of the contract (``issim schema`` prints it): title, summary keys, display hints."""
        return {
            "title": self.title,
            "summary": {key: {"unit": k.unit, "meaning": k.meaning} for key, k in self.summary.items()},
            "display": self.display.to_json(),
        }
