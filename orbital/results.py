"""What a run produces, and its run directory on disk.

A run directory holds:

- ``summary.json``: scenario name and kind, epoch, the summary scalars, the events
  (each with ``time_s`` since epoch), and a manifest of the trajectory arrays
  (frame, column names, units).
- ``trajectories.npz``: ``time_s`` (N,) seconds since epoch, and one float64
  array (N, k) per trajectory, named as in the manifest.
- ``scenario.yaml``: the fully resolved scenario (defaults filled in, seed
  included); ``issim run <dir>/scenario.yaml`` repeats the run exactly.

The directory is written in a temporary sibling and renamed into place, so a
reader never sees a half-written run and an earlier run is never overwritten.
"""

import json
import os
import shutil
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Optional

import numpy as np

SUMMARY_FILE = "summary.json"
TRAJECTORIES_FILE = "trajectories.npz"
SCENARIO_FILE = "scenario.yaml"


class RunDirError(ValueError):
    """A run directory cannot be written or read; the message says why."""


@dataclass
class Trajectory:
    """Samples on the result's time grid, in a named frame."""

    frame: str
    columns: tuple
    units: tuple
    data: np.ndarray
    #: Seconds since the epoch of each row: set on the copy that :meth:`Result.trajectory` hands out
    #: (None there for an array on its own time base, such as a decay's ``window_track``: its column ``t``).
    time_s: Optional[np.ndarray] = field(default=None, repr=False, compare=False)

    def column(self, name: str) -> np.ndarray:
        """One column by name (``"x"``, ``"lat"``...), in the unit ``units[columns.index(name)]``."""
        if name not in self.columns:
            raise KeyError(f"no column {name!r}; expected one of: {', '.join(self.columns)}")
        return self.data[:, self.columns.index(name)]


@dataclass
class Event:
    """Something that happened at ``time_s`` seconds after the epoch."""

    time_s: float
    kind: str
    message: str = ""
    data: dict = field(default_factory=dict)


@dataclass
class Result:
    """Everything a runner hands to the CLI and the viewer."""

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

    def trajectory(self, name: str) -> Trajectory:
        """The trajectory ``name`` with its time (``time_s``, seconds since the epoch), columns, units
        and frame; an unknown name raises a KeyError listing the names there are."""
        if name not in self.trajectories:
            raise KeyError(f"{self.scenario_name} has no trajectory {name!r}; expected one of: {', '.join(self.trajectories)}")
        found = self.trajectories[name]
        own_time_base = "t" in found.columns or len(found.data) != len(self.time_s)
        return replace(found, time_s=None if own_time_base else self.time_s)

    def save(self, run_dir: "str | os.PathLike[str]", overwrite: bool = False) -> Path:
        """Write the run directory (atomically, with the resolved ``scenario.yaml``); returns its path.

        An existing directory with files in it is refused (:class:`RunDirError`) unless ``overwrite``."""
        if self.scenario is None:
            raise RunDirError(f"{self.scenario_name}: the result does not know its scenario; expected a result of a run")
        from orbital.scenario import resolved_yaml

        return write_run(self, resolved_yaml(self.scenario), run_dir, overwrite)

    def manifest(self):
        """Frame, columns and units of every trajectory array."""
        return {
            name: {"frame": t.frame, "columns": list(t.columns), "units": list(t.units), "shape": list(t.data.shape)}
            for name, t in self.trajectories.items()
        }

    def summary_document(self):
        """The content of ``summary.json``."""
        from orbital import __version__

        return {
            "scenario": self.scenario_name,
            "kind": self.kind,
            "epoch_utc": self.epoch_utc,
            "issim_version": __version__,
            "summary": _jsonable(self.summary),
            "events": [_jsonable(vars(e)) for e in self.events],
            "scene": _jsonable(self.scene),
            "trajectories": self.manifest(),
        }


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (np.floating, float)):
        value = float(value)
        return value if np.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def default_run_dir(scenario_name, now_utc, base="runs"):
    """``runs/<name>-<YYYYmmdd-HHMMSS>``, suffixed ``-2``, ``-3``... if taken."""
    stem = Path(base) / f"{scenario_name}-{now_utc.strftime('%Y%m%d-%H%M%S')}"
    candidate, n = stem, 1
    while candidate.exists():
        n += 1
        candidate = stem.with_name(f"{stem.name}-{n}")
    return candidate


def check_can_write(run_dir, overwrite=False):
    """Refuse an existing, non-empty directory unless ``overwrite``; fail before any work."""
    run_dir = Path(run_dir)
    if run_dir.exists() and not run_dir.is_dir():
        raise RunDirError(f"--out {run_dir}: exists and is not a directory; expected a new directory")
    if run_dir.is_dir() and any(run_dir.iterdir()) and not overwrite:
        raise RunDirError(f"--out {run_dir}: already holds files; expected a new directory (or pass --overwrite)")
    parent = run_dir.resolve().parent
    probe = parent
    while not probe.exists():
        probe = probe.parent
    if not os.access(probe, os.W_OK):
        raise RunDirError(f"--out {run_dir}: cannot write in {probe}; expected a writable place")


def umask_mode(mode):
    """``mode`` less the process umask: what ``open``/``mkdir`` give (``mkstemp``/``mkdtemp`` give owner-only)."""
    mask = os.umask(0)
    os.umask(mask)
    return mode & ~mask


def write_run(result, resolved_scenario_yaml, run_dir, overwrite=False):
    """Write a run directory atomically; returns its path."""
    run_dir = Path(run_dir)
    check_can_write(run_dir, overwrite)
    run_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{run_dir.name}.", dir=run_dir.parent))
    try:
        os.chmod(staging, umask_mode(0o777))
        (staging / SCENARIO_FILE).write_text(resolved_scenario_yaml, encoding="utf-8")
        arrays = {"time_s": np.asarray(result.time_s, dtype=float)}
        arrays.update({name: np.asarray(t.data, dtype=float) for name, t in result.trajectories.items()})
        np.savez_compressed(staging / TRAJECTORIES_FILE, **arrays)
        (staging / SUMMARY_FILE).write_text(json.dumps(result.summary_document(), indent=2), encoding="utf-8")
        for name, content in result.extra_files.items():
            if Path(name).name != name or name in (SUMMARY_FILE, TRAJECTORIES_FILE, SCENARIO_FILE):
                raise RunDirError(f"extra file name {name!r}: expected a plain file name")
            target = staging / name
            target.write_bytes(content) if isinstance(content, bytes) else target.write_text(content, encoding="utf-8")
        _swap_into_place(staging, run_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return run_dir


def _swap_into_place(staging, run_dir):
    """Rename ``staging`` to ``run_dir``; an old ``run_dir`` is removed only after."""
    if run_dir.exists():
        retired = run_dir.with_name(f".{run_dir.name}.old-{os.getpid()}")
        os.rename(run_dir, retired)
        os.rename(staging, run_dir)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.rename(staging, run_dir)


def read_run(run_dir):
    """Load a run directory back into a :class:`Result`."""
    run_dir = Path(run_dir)
    try:
        doc = json.loads((run_dir / SUMMARY_FILE).read_text(encoding="utf-8"))
        with np.load(run_dir / TRAJECTORIES_FILE, allow_pickle=False) as arrays:
            time_s = arrays["time_s"]
            trajectories = {
                name: Trajectory(m["frame"], tuple(m["columns"]), tuple(m["units"]), arrays[name])
                for name, m in doc["trajectories"].items()
            }
        events = [Event(**e) for e in doc["events"]]
    except (OSError, KeyError, ValueError, TypeError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        # a truncated or corrupted archive raises BadZipFile, EOFError or zlib.error rather than OSError;
        # numpy calls a file that is not .npy/.npz at all "pickled data": say what it is to the user
        detail = f"{TRAJECTORIES_FILE} is not a numpy archive" if "pickle" in str(exc) else str(exc)
        raise RunDirError(f"{run_dir}: not a readable issim run directory ({detail})") from None
    return Result(
        doc["scenario"], doc["kind"], doc["epoch_utc"], time_s, trajectories, events, doc["summary"], scene=doc.get("scene", {})
    )
