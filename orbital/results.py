"""What a run produces, and its run directory on disk.

A run directory holds:

- ``summary.json``: scenario name and kind, epoch, the summary scalars, the events
  (each with ``time_s`` since epoch), and a manifest of the trajectory arrays
  (frame, column names, units), and ``files``: name and size of every other file issim
  wrote there.
- ``trajectories.npz``: ``time_s`` (N,) seconds since epoch, and one float64
  array (N, k) per trajectory, named as in the manifest.
- ``scenario.yaml``: the fully resolved scenario (defaults filled in, seed
  included); ``issim run <dir>/scenario.yaml`` repeats the run exactly.

The directory is claimed before the run (:func:`claim_out_dir`, :func:`claim_default_dir`):
created, so that concurrent runs never share one and an unwritable place fails before any
work. The files are written in a temporary sibling and renamed into place, so a reader never
sees a half-written run. ``summary.json`` records the files written beside it; ``--overwrite``
replaces only a directory whose content still matches that record.
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

from orbital.errors import RunDirError
from orbital.kind_contract import DisplayHints

SUMMARY_FILE = "summary.json"
TRAJECTORIES_FILE = "trajectories.npz"
SCENARIO_FILE = "scenario.yaml"


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
    #: How the viewer shows this result (the kind's declared hints; set by ``run_scenario``).
    display: DisplayHints = field(default_factory=DisplayHints, repr=False, compare=False)

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
            "display": self.display.to_json(),
            "trajectories": self.manifest(),
        }


def resolved_yaml(scenario):
    """The fully resolved scenario as YAML text (defaults filled in, SI units written out)."""
    import yaml

    return yaml.safe_dump(scenario.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


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


#: summary.json's record of the files issim wrote beside it: {name: size in bytes}. ``--overwrite``
#: replaces a directory only if its content still matches this record.
FILES_KEY = "files"

#: Files the kinds wrote beside the standard three before summary.json recorded its files (issim 0.x):
#: such a directory still counts as issim's if it holds these and nothing else.
LEGACY_EXTRA_FILES = {
    "reentry_footprint": ("landings.csv", "landings.geojson", "landings.kml"),
    "decay_reentry": ("window_track.geojson",),
}

#: A file in a directory reserved for a run still in progress; it holds the process id.
RESERVED_MARKER = ".issim-run-in-progress"

STANDARD_FILES = (SUMMARY_FILE, TRAJECTORIES_FILE, SCENARIO_FILE)


def umask_mode(mode):
    """``mode`` less the process umask: what ``open``/``mkdir`` give (``mkstemp``/``mkdtemp`` give owner-only)."""
    mask = os.umask(0)
    os.umask(mask)
    return mode & ~mask


class RunDirSlot:
    """A run directory claimed before a run: created (or checked, when it replaces an earlier run)
    together with a hidden staging sibling, so that an unwritable place fails before any work.

    :meth:`commit` writes the result in the staging directory and renames it into place in one
    step; :meth:`release` (on failure or interrupt) removes what the claim created. Used as a
    context manager, a slot is released unless it was committed.
    """

    def __init__(self, path: Path, option: str, made: list, replaces: bool):
        self.path = path
        self.option = option  # how the user named it in messages ("--out DIR" or "run directory DIR")
        self._made = made  # directories this claim created, deepest first
        self._replaces = replaces
        self._committed = False
        try:
            self._staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
        except OSError as exc:
            self.release()
            raise RunDirError(f"{option}: cannot write in {path.parent} ({exc.strerror or exc}); expected a writable place") from None

    def __enter__(self) -> "RunDirSlot":
        return self

    def __exit__(self, *exc_info) -> None:
        if not self._committed:
            self.release()

    def commit(self, result: "Result", resolved_scenario_yaml: str) -> Path:
        """Write ``result`` and its scenario, then rename them into the claimed place; returns the path."""
        _fill_run_dir(self._staging, result, resolved_scenario_yaml)
        if self._replaces:
            reason = not_written_by_issim(self.path)
            if reason:
                raise RunDirError(f"{self.option}: {reason} (changed during the run); nothing replaced")
            _replace_dir(self._staging, self.path)
        else:
            (self.path / RESERVED_MARKER).unlink(missing_ok=True)
            try:
                os.rename(self._staging, self.path)  # replaces the empty reserved directory in one step
            except OSError as exc:
                raise RunDirError(f"{self.option}: another process wrote in it during the run ({exc.strerror}); nothing replaced") from None
        self._committed = True
        return self.path

    def release(self) -> None:
        """Remove the staging directory and every directory this claim created (if still empty of others' files)."""
        staging = getattr(self, "_staging", None)
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        if not self._replaces:
            (self.path / RESERVED_MARKER).unlink(missing_ok=True)
        for directory in self._made:
            try:
                directory.rmdir()
            except OSError:
                break  # not empty (another run's, or the user's): kept


def claim_default_dir(scenario_name: str, now_utc, base: str = "runs") -> RunDirSlot:
    """Reserve ``runs/<name>-<YYYYmmdd-HHMMSS>`` (suffixed ``-2``, ``-3``... if taken) by creating it:
    concurrent runs never share one, whatever their clocks say."""
    base_dir = Path(base)
    stem = base_dir / f"{scenario_name}-{now_utc.strftime('%Y%m%d-%H%M%S')}"
    made_base = not base_dir.exists()
    n, tries = 1, 0
    while n < 10_000 and tries < 100:
        candidate = stem if n == 1 else stem.with_name(f"{stem.name}-{n}")
        try:
            base_dir.mkdir(parents=True, exist_ok=True)
            candidate.mkdir()
        except FileExistsError:
            n += 1
            continue
        except FileNotFoundError:  # another run removed an empty runs/ just now: make it again
            tries += 1
            continue
        except OSError as exc:
            raise RunDirError(f"cannot create a run directory in {base} ({exc.strerror or exc}); pass --out DIR") from None
        _write_marker(candidate)
        return RunDirSlot(candidate, f"run directory {candidate}", [candidate, base_dir] if made_base else [candidate], replaces=False)
    raise RunDirError(f"{stem}: cannot find a free name for a run directory there; pass --out DIR")


def claim_out_dir(out, overwrite: bool = False) -> RunDirSlot:
    """Check and reserve the ``--out`` directory before any work.

    A new path is created (its missing parents too); an existing empty directory is used; an
    existing directory that issim wrote is replaced only with ``overwrite``. Anything else (a
    file, a symbolic link, the current folder or one above it, the home folder, a directory
    holding files issim did not write) is refused with a :class:`RunDirError` naming ``--out``.
    """
    path = Path(out)
    option = f"--out {out}" if str(out).strip() else f"--out {str(out)!r}"
    _refuse_protected(path, option)
    if path.is_symlink():
        raise RunDirError(f"{option}: is a symbolic link; expected a directory path (give the directory it points to)")
    if path.exists() and not path.is_dir():
        raise RunDirError(f"{option}: exists and is not a directory; expected a new directory")
    if not path.exists():
        made = _make_dirs(path, option)
        _write_marker(path)
        return RunDirSlot(path, option, made, replaces=False)
    entries = sorted(entry.name for entry in path.iterdir())
    if not entries or entries == [RESERVED_MARKER]:
        _take_empty(path, option)
        return RunDirSlot(path, option, [], replaces=False)
    if not overwrite:
        raise RunDirError(f"{option}: already holds files; expected a new directory (or pass --overwrite to replace an earlier run)")
    reason = not_written_by_issim(path)
    if reason:
        raise RunDirError(f"{option} --overwrite: {reason}; --overwrite replaces only a run directory that issim wrote")
    return RunDirSlot(path, option, [], replaces=True)


def not_written_by_issim(run_dir: Path):
    """None if ``run_dir`` holds exactly what issim wrote there (its summary's record of files, or
    for runs written before the record, the standard files and the kind's extra files); else why not."""
    run_dir = Path(run_dir)
    entries = {entry.name: entry for entry in run_dir.iterdir()}
    if SUMMARY_FILE not in entries:
        return f"holds no {SUMMARY_FILE} (but {_names(sorted(entries))}): not a run directory"
    try:
        doc = json.loads(entries[SUMMARY_FILE].read_text(encoding="utf-8"))
        kind, recorded = doc["kind"], doc.get(FILES_KEY)
        if recorded is None:  # written before the record: the standard files and the kind's extra files
            expected = set(STANDARD_FILES) | set(LEGACY_EXTRA_FILES.get(kind, ()))
            recorded = {name: None for name in expected & set(entries)} if set(STANDARD_FILES) <= set(entries) else None
            if recorded is None:
                return f"{SUMMARY_FILE} without {', '.join(sorted(set(STANDARD_FILES) - set(entries)))}: not a complete run directory"
        recorded = {**{str(k): v for k, v in dict(recorded).items()}, SUMMARY_FILE: None}
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return f"its {SUMMARY_FILE} is not one that issim writes"
    foreign = sorted(set(entries) - set(recorded))
    if foreign:
        return f"holds files issim did not write ({_names(foreign)})"
    missing = sorted(set(recorded) - set(entries))
    if missing:
        return f"files issim wrote are missing ({_names(missing)})"
    for name, size in recorded.items():
        entry = entries[name]
        if entry.is_symlink() or not entry.is_file():
            return f"{name} is not a regular file"
        if size is not None and entry.stat().st_size != size:
            return f"{name} changed since issim wrote it ({entry.stat().st_size} bytes, {size} written)"
    return None


def _names(names, limit=5):
    return ", ".join(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _refuse_protected(path: Path, option: str) -> None:
    """The current folder, any folder above it, the home folder and / are never a run directory."""
    resolved = path.resolve()
    cwd = Path.cwd().resolve()
    protected = {Path.home().resolve(): "the home folder", Path(resolved.anchor): "the root folder"}
    if resolved in protected or resolved == cwd or resolved in cwd.parents:
        what = protected.get(resolved) or ("the current folder" if resolved == cwd else "a folder above the current one")
        raise RunDirError(f"{option}: is {what}; expected a directory of its own for the run, e.g. runs/mine")


def _make_dirs(path: Path, option: str) -> list:
    """Create ``path`` and its missing parents; returns those created, deepest first."""
    missing = [path, *(parent for parent in path.parents if not parent.exists())]
    first_existing = missing[-1].parent
    if not first_existing.is_dir():
        raise RunDirError(f"{option}: {first_existing} is a file, not a folder; expected a path in a writable place")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.mkdir()
    except FileExistsError:
        raise RunDirError(f"{option}: was just created by another process; expected a new directory") from None
    except OSError as exc:
        for directory in missing[1:]:
            try:
                directory.rmdir()
            except OSError:
                break
        raise RunDirError(f"{option}: cannot create the directory ({exc.strerror or exc}); expected a path in a writable place") from None
    return [d for d in missing if d.is_dir()]


def _write_marker(path: Path) -> None:
    (path / RESERVED_MARKER).write_text(str(os.getpid()), encoding="utf-8")


def _take_empty(path: Path, option: str) -> None:
    """Reserve an existing empty directory (or one a dead issim process had reserved)."""
    marker = path / RESERVED_MARKER
    if marker.exists():
        pid = marker.read_text(encoding="utf-8").strip()
        if pid.isdigit() and _process_alive(int(pid)):
            raise RunDirError(f"{option}: another issim run (process {pid}) is writing it; expected a directory of its own")
    if not os.access(path, os.W_OK):
        raise RunDirError(f"{option}: cannot write in it (permission denied); expected a writable directory")
    _write_marker(path)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fill_run_dir(staging: Path, result: "Result", resolved_scenario_yaml: str) -> None:
    """The run's files in ``staging``; ``summary.json`` last, with the record of the others."""
    os.chmod(staging, umask_mode(0o777))
    (staging / SCENARIO_FILE).write_text(resolved_scenario_yaml, encoding="utf-8")
    arrays = {"time_s": np.asarray(result.time_s, dtype=float)}
    arrays.update({name: np.asarray(t.data, dtype=float) for name, t in result.trajectories.items()})
    np.savez_compressed(staging / TRAJECTORIES_FILE, **arrays)
    for name, content in result.extra_files.items():
        if Path(name).name != name or name in STANDARD_FILES or name == RESERVED_MARKER:
            raise RunDirError(f"extra file name {name!r}: expected a plain file name")
        target = staging / name
        target.write_bytes(content) if isinstance(content, bytes) else target.write_text(content, encoding="utf-8")
    document = result.summary_document()
    document[FILES_KEY] = {entry.name: entry.stat().st_size for entry in sorted(staging.iterdir())}
    (staging / SUMMARY_FILE).write_text(json.dumps(document, indent=2), encoding="utf-8")


def write_run(result, resolved_scenario_yaml, run_dir, overwrite=False):
    """Write a run directory atomically (claimed as ``--out`` is); returns its path."""
    with claim_out_dir(run_dir, overwrite) as slot:
        return slot.commit(result, resolved_scenario_yaml)


def _replace_dir(staging, run_dir):
    """Rename ``staging`` to ``run_dir``; the old ``run_dir`` is removed only after."""
    retired = Path(tempfile.mkdtemp(prefix=f".{run_dir.name}.old-", dir=run_dir.parent))
    os.rename(run_dir, retired)  # onto the empty directory just made: atomic
    os.rename(staging, run_dir)
    shutil.rmtree(retired, ignore_errors=True)


def read_run(run_dir):
    """Load a run directory back into a :class:`Result`."""
    run_dir = Path(run_dir)
    _refuse_unfinished(run_dir)
    try:
        doc = json.loads((run_dir / SUMMARY_FILE).read_text(encoding="utf-8"))
        with np.load(run_dir / TRAJECTORIES_FILE, allow_pickle=False) as arrays:
            _check_contents(doc, set(arrays.files) - {"time_s"})
            time_s = arrays["time_s"]
            trajectories = {
                name: Trajectory(m["frame"], tuple(m["columns"]), tuple(m["units"]), arrays[name])
                for name, m in doc["trajectories"].items()
            }
        events = [Event(**e) for e in doc["events"]]
        return Result(
            str(doc["scenario"]), str(doc["kind"]), doc["epoch_utc"], time_s, trajectories, events, dict(doc["summary"]),
            scene=dict(doc.get("scene") or {}), display=_display_hints(doc),
        )
    except (OSError, KeyError, ValueError, TypeError, AttributeError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        # a truncated or corrupted archive raises BadZipFile, EOFError or zlib.error rather than OSError;
        # numpy calls a file that is not .npy/.npz at all "pickled data": say what it is to the user
        detail = f"{TRAJECTORIES_FILE} is not a numpy archive" if "pickle" in str(exc) else _read_error(exc)
        raise RunDirError(f"{run_dir}: not a readable issim run directory ({detail}); expected a directory written by 'issim run'") from None


def _check_contents(doc, array_names):
    """A summary of a known kind whose manifest lists exactly the archive's arrays (a ValueError if not)."""
    from orbital.kinds import KINDS

    if doc["kind"] not in KINDS:
        raise ValueError(f"{SUMMARY_FILE} gives kind {doc['kind']!r}; expected one of: {', '.join(KINDS)}")
    listed = set(doc["trajectories"])
    if listed != array_names:
        raise ValueError(f"{SUMMARY_FILE} lists the trajectories {_names(sorted(listed))}, {TRAJECTORIES_FILE} holds {_names(sorted(array_names))}")


def _display_hints(doc):
    """The hints summary.json holds, or for a run written before it held them, its kind's."""
    from orbital.kinds import kind_spec

    return DisplayHints.from_json(doc["display"]) if "display" in doc else kind_spec(str(doc["kind"])).display


def _refuse_unfinished(run_dir: Path) -> None:
    """A directory reserved for a run still in progress, or an empty one, is said to be so."""
    unfinished = (run_dir / RESERVED_MARKER).is_file()
    if unfinished or run_dir.is_dir() and not any(run_dir.iterdir()):
        detail = "a run has not finished writing it, or was stopped" if unfinished else "an empty directory"
        raise RunDirError(f"{run_dir}: not a readable issim run directory ({detail}); expected a directory written by 'issim run'")


def _read_error(exc):
    """What went wrong reading a run directory, in words (a missing key is named as a field of summary.json)."""
    if isinstance(exc, KeyError):
        return f"{SUMMARY_FILE} lacks {exc}"
    if isinstance(exc, FileNotFoundError):
        return f"no {Path(exc.filename).name}" if exc.filename else str(exc)
    return str(exc)
