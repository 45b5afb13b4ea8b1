"""A run as a CZML document (``issim export --czml``), written with czml3, so that it opens in Cesium.

What is drawn comes from the display roles (never a kind's name):

- ``orbit``, ``descent``: the body, time-tagged Earth-fixed (ITRS, Cesium's ``FIXED``) positions on
  the run's time grid, with its path; ``chaser``: the same, its LVLH offset added to the first
  orbit's state in float64 before the conversion.
- ``orbit_geodetic``, ``descent_geodetic``: the ground track, a polyline on the ground.
- ``reentry_window``: the track over the prediction window, every row as a time-tagged Earth-fixed
  position (rows picked apart would cut chords across the globe) with a path of one orbit behind.
- ``landings``, ``reentry_points``, ``opportunities``: one point per row (at most :data:`MAX_POINTS`, the first ones),
  green on land and blue on water where the table says which.
- the scene's places (a key ending ``_wgs84`` holding ``lat_deg`` and ``lon_deg``): a labelled point,
  or a ring on the ground.

Times are seconds since the run's epoch (each position's ``epoch``); the document's clock spans
the played span. Other roles (a decay sampled days apart, tensions, the arm's joints) have nothing
to show on a globe and are left out.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Optional

import numpy as np

from orbital.errors import RunDirError
from orbital.io.run_dirs import umask_mode
from orbital.result import Result

#: Most points of one table (a footprint of a million landings).
MAX_POINTS = 10_000
#: The document packet's description starts so: :func:`is_issim_czml` tells issim's files by it.
MARK = "Written by issim"

_COLOURS = {  # RGBA, 0-255
    "orbit": [255, 255, 255, 255],
    "chaser": [255, 200, 40, 255],
    "descent": [255, 140, 0, 255],
    "track": [120, 200, 255, 200],
    "window": [255, 80, 80, 255],
    "land": [60, 180, 75, 255],
    "water": [30, 120, 255, 255],
    "place": [220, 20, 60, 255],
}


def _line_colour(rgba: list):
    from czml3.properties import Color, PolylineMaterial, SolidColorMaterial

    return PolylineMaterial(solidColor=SolidColorMaterial(color=Color(rgba=rgba)))


def epoch_datetime(result: Result) -> datetime:
    """The run's epoch (UTC) as an aware datetime."""
    return datetime.fromisoformat(result.epoch_utc).replace(tzinfo=timezone.utc)


def to_czml(result: Result) -> str:
    """The CZML document of ``result`` (JSON text)."""
    from czml3 import Document, Packet
    from czml3.enums import ClockRanges, ClockSteps
    from czml3.properties import Clock
    from czml3.types import TimeInterval

    from orbital import __version__

    epoch = epoch_datetime(result)
    packets, notes = _packets(result, epoch)
    t0_s, t1_s = _span(result)
    start, end = epoch + timedelta(seconds=t0_s), epoch + timedelta(seconds=max(t1_s, t0_s + 1.0))
    description = f"{MARK} {__version__}: {result.scenario_name} ({result.kind}), epoch {result.epoch_utc} UTC" + "".join(f"; {n}" for n in notes)
    clock = Clock(
        interval=TimeInterval(start=start, end=end),
        currentTime=start,
        multiplier=max((t1_s - t0_s) / 60.0, 1.0),  # the span in about a minute
        range=ClockRanges.LOOP_STOP,
        step=ClockSteps.SYSTEM_CLOCK_MULTIPLIER,
    )
    document = Packet(id="document", name=f"{result.scenario_name} ({result.kind})", version="1.0", clock=clock, description=description)
    return Document(packets=[document, *packets]).dumps()


def is_issim_czml(text: str) -> bool:
    """True if ``text`` is a CZML document that issim wrote (its document packet says so)."""
    try:
        doc = json.loads(text)
    except ValueError:
        return False
    head = doc[0] if isinstance(doc, list) and doc and isinstance(doc[0], dict) else {}
    return head.get("id") == "document" and str(head.get("description", "")).startswith(MARK)


def check_czml_path(text: str, overwrite: bool = False) -> Path:
    """The ``--czml`` file, checked before any work: a name ending .czml in an existing folder, new,
    or with ``overwrite`` a CZML file that issim wrote (a RunDirError naming it if not)."""
    path = Path(text)
    option = f"--czml {text!r}"
    if path.suffix.lower() != ".czml":
        raise RunDirError(f"{option}: expected a file name ending in .czml, e.g. run.czml")
    folder = path.parent
    if not folder.is_dir():
        raise RunDirError(f"{option}: folder {str(folder)!r} does not exist; expected a file in an existing folder")
    if path.is_symlink() or path.exists() and not path.is_file():
        raise RunDirError(f"{option}: is not a regular file; expected a new file name")
    if path.exists():
        if not overwrite:
            raise RunDirError(f"{option}: the file exists; expected a new file name (or --overwrite to replace a CZML file issim wrote)")
        try:
            ours = is_issim_czml(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            ours = False
        if not ours:
            raise RunDirError(f"{option}: is not a CZML file that issim wrote; expected a new file name (--overwrite replaces only issim's)")
    return path


def write_czml(path: Path, text: str, overwrite: bool = False) -> None:
    """Write ``text`` under a temporary name beside ``path``, then rename it into place (checked again
    just before: a file that appeared meanwhile, or changed into someone else's, is left alone)."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp_name, umask_mode(0o666))
        check_czml_path(str(path), overwrite)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _span(result: Result) -> tuple[float, float]:
    """The played span (s since the epoch): the time grid, or the table the hints play over."""
    span = result.display.play_span
    if span != "time_grid" and span in result.tables and result.tables[span].time_column:
        t = result.tables[span].times_s()
    else:
        t = np.asarray(result.time_s, dtype=float)
    t = t[np.isfinite(t)]
    return (float(t.min()), float(t.max())) if len(t) else (0.0, 0.0)


def _packets(result: Result, epoch: datetime) -> tuple[list, list]:
    """The packets of every role that shows on a globe, and notes on what was thinned."""
    roles = result.display.roles
    packets, notes = [], []
    target = next((n for n in result.display.names_with_role("orbit") if n in result.trajectories), None)
    for name, role in roles.items():
        if role in ("orbit", "descent", "chaser") and name in result.trajectories:
            if role == "chaser" and target is None:
                continue
            packets.append(_body(result, name, role, target, epoch))
        elif role in ("orbit_geodetic", "descent_geodetic") and name in result.trajectories:
            packets.append(_ground_track(result, name))
        elif role == "reentry_window" and name in result.tables:
            packets.append(_window_track(result, name, epoch))
        elif role in ("landings", "reentry_points", "opportunities") and name in result.tables:
            new, note = _points(result, name)
            packets += new
            notes += [note] if note else []
    packets += _places(result)
    return packets, notes


def fixed_positions(result: Result, name: str, target: Optional[str]) -> np.ndarray:
    """Earth-fixed (ITRS) positions (N, 3) in m of a GCRS trajectory, or of an LVLH one relative to
    the GCRS trajectory ``target``."""
    from astropy.time import Time

    from orbital.earth.frames import gcrs_to_itrs, lvlh_to_inertial

    traj = result.trajectory(name)
    xyz = np.column_stack([traj.column(c) for c in ("x", "y", "z")])
    if traj.frame == "lvlh":
        station = result.trajectory(target)
        r_t = np.column_stack([station.column(c) for c in ("x", "y", "z")])
        v_t = np.column_stack([station.column(c) for c in ("vx", "vy", "vz")])
        xyz, _ = lvlh_to_inertial(r_t, v_t, xyz, np.column_stack([traj.column(c) for c in ("vx", "vy", "vz")]))
    return gcrs_to_itrs(Time(result.epoch_utc, scale="utc"), result.time_s, xyz)


def _body(result: Result, name: str, role: str, target: Optional[str], epoch: datetime):
    from czml3 import Packet
    from czml3.enums import InterpolationAlgorithms, ReferenceFrames
    from czml3.properties import Color, Label, Path, Point, Position
    from czml3.types import Cartesian2Value

    r = fixed_positions(result, name, target)
    samples = np.column_stack([result.time_s, r]).ravel().tolist()
    colour = _COLOURS[role]
    smooth = role == "orbit"  # an orbit is smooth; a descent has kinks (chutes), a chaser pushes
    position = Position(
        epoch=epoch, referenceFrame=ReferenceFrames.FIXED, cartesian=samples,
        interpolationAlgorithm=InterpolationAlgorithms.LAGRANGE if smooth else InterpolationAlgorithms.LINEAR,
        interpolationDegree=5 if smooth else 1,
    )
    return Packet(
        id=name, name=f"{name} ({role})", position=position,
        point=Point(pixelSize=8, color=Color(rgba=colour)),
        label=Label(text=name, pixelOffset=Cartesian2Value(values=[12, 0]), scale=0.6),
        path=Path(material=_line_colour(colour), width=1.5,
                  leadTime=0, trailTime=float(result.time_s[-1] - result.time_s[0]) if len(result.time_s) else 0.0),
    )


def _ground_track(result: Result, name: str):
    from czml3 import Packet
    from czml3.properties import Polyline, PositionList

    traj = result.trajectory(name)
    lon_lat = np.column_stack([traj.column("lon"), traj.column("lat"), np.zeros(len(traj.data))])
    return Packet(
        id=f"{name}/ground_track", name=f"{name}: ground track",
        polyline=Polyline(positions=PositionList(cartographicDegrees=lon_lat.ravel().tolist()), clampToGround=True, width=1.5,
                          material=_line_colour(_COLOURS["track"])),
    )


def _window_track(result: Result, name: str, epoch: datetime):
    from czml3 import Packet
    from czml3.enums import InterpolationAlgorithms, ReferenceFrames
    from czml3.properties import Color, Path, Point, Position

    from orbital.earth.frames import geodetic_to_itrs

    table = result.tables[name]
    rows = np.flatnonzero(np.isfinite(table.times_s()) & np.isfinite(table.column("lat")))
    alt = table.column("alt")[rows] if "alt" in table.columns else np.zeros(len(rows))
    r = geodetic_to_itrs(table.column("lat")[rows], table.column("lon")[rows], alt)
    samples = np.column_stack([table.times_s()[rows], r]).ravel().tolist()
    colour = _COLOURS["window"]
    position = Position(  # Earth-fixed, so that samples minutes apart interpolate along the track, not across the date line
        epoch=epoch, referenceFrame=ReferenceFrames.FIXED, cartesian=samples,
        interpolationAlgorithm=InterpolationAlgorithms.LAGRANGE, interpolationDegree=5,
    )
    return Packet(
        id=name, name=f"{name} (reentry window)", position=position,
        point=Point(pixelSize=7, color=Color(rgba=colour)),
        path=Path(material=_line_colour(colour), width=1.5, leadTime=0, trailTime=5400),
    )


def _points(result: Result, name: str):
    from czml3 import Packet
    from czml3.properties import Color, Point, Position

    table = result.tables[name]
    lat, lon = table.column("lat"), table.column("lon")
    rows = np.flatnonzero(np.isfinite(lat) & np.isfinite(lon))
    note = None
    if len(rows) > MAX_POINTS:
        note = f"{name}: the first {MAX_POINTS} of its {len(rows)} rows"
        rows = rows[:MAX_POINTS]
    on_land = table.column("on_land") if "on_land" in table.columns else None
    packets = []
    for row in rows:
        colour = _COLOURS["place"] if on_land is None else _COLOURS["land" if on_land[row] > 0.5 else "water"]
        packets.append(Packet(
            id=f"{name}/{row}", name=f"{name} row {row}",
            position=Position(cartographicDegrees=[float(lon[row]), float(lat[row]), 0.0]),
            point=Point(pixelSize=5, color=Color(rgba=colour)),
        ))
    return packets, note


def _places(result: Result) -> list:
    from czml3 import Packet
    from czml3.properties import Color, Label, Point, Polyline, Position, PositionList
    from czml3.types import Cartesian2Value

    packets = []
    for key, place in result.scene.items():
        if not (key.endswith("_wgs84") and isinstance(place, dict) and "lat_deg" in place and "lon_deg" in place):
            continue
        words = key.removesuffix("_wgs84").replace("_", " ")
        lat, lon = np.atleast_1d(np.asarray(place["lat_deg"], dtype=float)), np.atleast_1d(np.asarray(place["lon_deg"], dtype=float))
        colour = Color(rgba=_COLOURS["place"])
        if len(lat) == 1:
            packets.append(Packet(id=f"scene/{key}", name=words, position=Position(cartographicDegrees=[float(lon[0]), float(lat[0]), 0.0]),
                                  point=Point(pixelSize=10, color=colour), label=Label(text=words, pixelOffset=Cartesian2Value(values=[12, 0]), scale=0.6)))
        else:
            ring = np.column_stack([np.append(lon, lon[0]), np.append(lat, lat[0]), np.zeros(len(lat) + 1)])
            packets.append(Packet(id=f"scene/{key}", name=words, polyline=Polyline(
                positions=PositionList(cartographicDegrees=ring.ravel().tolist()), clampToGround=True, width=2,
                material=_line_colour(_COLOURS["place"]))))
    return packets
