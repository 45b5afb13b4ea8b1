"""What a run produces: the Result contract every kind fills and the CLI, the viewer and the API read.

- ``Result.time_s`` (N,): the time grid, seconds since the epoch, finite and non-decreasing. A kind
  with no time series (a footprint: one landing per sample) has an empty grid, shape (0,).
- ``Result.trajectories``: name -> :class:`Trajectory`, each sampled on the time grid (N rows).
- ``Result.tables``: name -> :class:`Table`, per-sample or own-time-base data (a footprint's
  landings, a decay's window track): rows of their own, a time column of their own if any.
- ``Result.events``: :class:`Event` list in time order (``time_s`` since the epoch).
- ``Result.summary``: scalars, units in the key names (``perigee_km``, ``peak_g``).

Units in trajectories and tables are SI (:data:`SI_UNITS`) or one of :data:`OTHER_UNITS`, each
allowed for a stated reason; frames are one of :data:`FRAMES`, or None for data without a frame.
The run directory that holds a Result on disk is :mod:`orbital.io.run_dirs`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import numpy as np

from orbital.kind_contract import DisplayHints

if TYPE_CHECKING:
    import xarray

#: The frames a trajectory or table may be in (None: no frame, e.g. a tension or heights).
FRAMES: dict[str, str] = {
    "gcrs": "Geocentric Celestial Reference System: x, y, z (m), vx, vy, vz (m/s)",
    "lvlh": "local vertical local horizontal of the station: x radial out, y along-track, z orbit normal",
    "wgs84": "geodetic latitude and longitude (deg) and height (m) on the WGS84 ellipsoid",
    "joint": "the robotic arm's joint space: one angle per joint",
}

#: SI units (and dimensionless markers) a column may carry.
SI_UNITS: frozenset[str] = frozenset({"m", "m/s", "s", "N", "rad", "W/m2", "m2", "kg", "1"})
#: Units outside SI a column may carry, each with its reason.
OTHER_UNITS: dict[str, str] = {
    "deg": "geodetic latitude and longitude (frame wgs84), as every map reads them",
    "g": "a load factor in standard gravities, only in a column named so (sensed_g, peak_g)",
    "bool": "a flag stored as 0.0 or 1.0 (on_land)",
    "index": "a sample's number (0, 1, 2...)",
    "code": "a phase number of a descent (the viewer's legend names them)",
}


@dataclass
class Trajectory:
    """Samples on the result's time grid (one row per ``Result.time_s``), in a named frame."""

    frame: Optional[str]
    columns: tuple
    units: tuple
    data: np.ndarray
    #: Seconds since the epoch of each row: set on the copy that :meth:`Result.trajectory` hands out.
    time_s: Optional[np.ndarray] = field(default=None, repr=False, compare=False)

    def column(self, name: str) -> np.ndarray:
        """One column by name (``"x"``, ``"lat"``...), in the unit ``units[columns.index(name)]``."""
        return _column(self.columns, self.data, name)


@dataclass
class Table:
    """Rows of their own (rows, k), not on the time grid: per-sample data (a footprint's landings) or
    data on its own time base (a decay's window track, its time in ``time_column``)."""

    columns: tuple
    units: tuple
    data: np.ndarray
    frame: Optional[str] = None
    #: what one row is, in one line
    description: str = ""
    #: the column holding each row's time, seconds since the epoch (None: no time column)
    time_column: Optional[str] = None
    #: each row's name, for a table whose rows are named (a sensitivity's inputs); empty otherwise
    row_names: tuple = ()

    def column(self, name: str) -> np.ndarray:
        """One column by name, in the unit ``units[columns.index(name)]``."""
        return _column(self.columns, self.data, name)

    def times_s(self) -> Optional[np.ndarray]:
        """Each row's time (s since the epoch), or None for a table without a time column."""
        return None if self.time_column is None else self.column(self.time_column)


def _column(columns: tuple, data: np.ndarray, name: str) -> np.ndarray:
    if name not in columns:
        raise KeyError(f"no column {name!r}; expected one of: {', '.join(columns)}")
    return data[:, columns.index(name)]


@dataclass
class Event:
    """Something that happened at ``time_s`` seconds after the epoch: its ``kind`` (a word such as
    ``"push"``), a human ``message`` and JSON-able ``data`` (SI, units in the keys' names)."""

    time_s: float
    kind: str
    message: str = ""
    data: dict = field(default_factory=dict)


@dataclass
class Result:
    """Everything a runner hands to the CLI, the viewer and the API (see the module's docstring)."""

    scenario_name: str
    kind: str
    epoch_utc: str
    time_s: np.ndarray
    trajectories: dict
    events: list
    summary: dict
    #: Further files for the run directory: name -> text or bytes (e.g. landing points as CSV).
    extra_files: dict = field(default_factory=dict)
    #: Fixed geometry the viewer draws (JSON-able, SI, frame in the key's name), e.g.
    #: ``{"tether_anchor_lvlh_m": [1.0, 0.0, 12.0]}``.
    scene: dict = field(default_factory=dict)
    #: The validated scenario model that made this result (set by ``run_scenario``; None if unknown):
    #: :meth:`save` writes it as ``scenario.yaml``.
    scenario: Any = field(default=None, repr=False, compare=False)
    #: How the viewer shows this result (the kind's declared hints; set by ``run_scenario``).
    display: DisplayHints = field(default_factory=DisplayHints, repr=False, compare=False)
    #: Per-sample or own-time-base data: name -> :class:`Table`.
    tables: dict = field(default_factory=dict)

    def trajectory(self, name: str) -> Trajectory:
        """The trajectory ``name`` with its time (``time_s``, seconds since the epoch), columns, units
        and frame; an unknown name raises a KeyError listing the names there are."""
        if name not in self.trajectories:
            raise KeyError(f"{self.scenario_name} has no trajectory {name!r}; expected one of: {', '.join(self.trajectories)}")
        return replace(self.trajectories[name], time_s=self.time_s)

    def table(self, name: str) -> Table:
        """The table ``name``; an unknown name raises a KeyError listing the names there are."""
        if name not in self.tables:
            raise KeyError(f"{self.scenario_name} has no table {name!r}; expected one of: {', '.join(self.tables) or '(none)'}")
        return self.tables[name]

    def save(self, run_dir: "str | os.PathLike[str]", overwrite: bool = False) -> Path:
        """Write the run directory (atomically, with the resolved ``scenario.yaml``); returns its path.

        An existing directory with files in it is refused (:class:`orbital.errors.RunDirError`) unless
        ``overwrite``. See :mod:`orbital.io.run_dirs` for what it holds."""
        from orbital.io.run_dirs import save_result

        return save_result(self, run_dir, overwrite)

    def to_xarray(self) -> "xarray.Dataset":
        """The result as an ``xarray.Dataset``.

        One variable per column, named ``<trajectory>.<column>`` on the dimension ``time`` (the
        coordinate ``time``: ``time_s``), or ``<table>.<column>`` on the table's own dimension
        ``<table>.row``; each variable's attrs: ``units``, ``frame`` (absent for data without a
        frame), and ``description`` and ``time_column`` for a table's. Dataset attrs: ``scenario``,
        ``kind``, ``epoch_utc`` and, as JSON text, ``summary`` and ``events``.
        """
        import xarray as xr

        variables = {}
        for name, t in self.trajectories.items():
            for k, column in enumerate(t.columns):
                variables[f"{name}.{column}"] = xr.Variable("time", np.asarray(t.data[:, k]), _attrs(t.units[k], t.frame))
        for name, table in self.tables.items():
            extra = {"description": table.description, **({"time_column": table.time_column} if table.time_column else {})}
            for k, column in enumerate(table.columns):
                variables[f"{name}.{column}"] = xr.Variable(f"{name}.row", np.asarray(table.data[:, k]), _attrs(table.units[k], table.frame, extra))
        attrs = {
            "scenario": self.scenario_name,
            "kind": self.kind,
            "epoch_utc": self.epoch_utc,
            "summary": json.dumps(jsonable(self.summary)),
            "events": json.dumps([jsonable(vars(e)) for e in self.events]),
        }
        time = xr.Variable("time", np.asarray(self.time_s, dtype=float), {"units": "s", "description": f"seconds since {self.epoch_utc} UTC"})
        return xr.Dataset(variables, coords={"time": time}, attrs=attrs)


def _attrs(unit: str, frame: Optional[str], extra: Optional[dict] = None) -> dict:
    return {"units": unit, **({"frame": frame} if frame is not None else {}), **(extra or {})}


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON: numpy numbers as Python ones, tuples as lists, a non-finite float as None."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (np.floating, float)):
        value = float(value)
        return value if np.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value
