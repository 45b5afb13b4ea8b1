"""Run directories: a :class:`orbital.result.Result` on disk, claimed before the run, written atomically.

A run directory holds:

- ``summary.json``: scenario name and kind, epoch, issim's version, the summary scalars, the
  events (each with ``time_s`` since epoch), the scene, the display hints, a manifest of the
  trajectories (``trajectories``: frame, column names, units, shape) and of the tables
  (``tables``: the same, and ``description``, ``time_column`` and, for named rows, ``row_names``), and ``files``: name and size
  of every other file issim wrote there.
- ``trajectories.npz``: ``time_s`` (N,) seconds since epoch, and one float64 array (N, k) per
  trajectory, named as in the manifest.
- ``tables.npz`` (only if the result has tables): one float64 array (rows, k) per table, named
  as in the manifest.
- ``scenario.yaml``: the fully resolved scenario (defaults filled in, seed included);
  ``issim run <dir>/scenario.yaml`` repeats the run exactly.
- the kind's further files (``Result.extra_files``), such as ``landings.csv``.

A run directory written before tables existed (its summary.json has no ``tables``) is read as
the current contract: a trajectory off the time grid (a decay's ``window_track``, with its own
``t``) becomes a table; a footprint's ``landings``, whose rows stood on a time grid of touchdown
times, becomes a table with those times in ``t_touchdown`` and the grid empty; km become m and
kW/m2 W/m2; the frame ``"none"`` becomes None.

The directory is claimed before the run (:func:`claim_out_dir`, :func:`claim_default_dir`):
created, so that concurrent runs never share one and an unwritable place fails before any
work. The files are written in a temporary sibling and renamed into place, so a reader never
sees a half-written run. ``summary.json`` records the files written beside it; overwriting
replaces only a directory whose content still matches that record.
"""

import json
import os
import shutil
import tempfile
import zipfile
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Mapping, Optional

import numpy as np

from orbital.errors import RunDirError
from orbital.kind_contract import DisplayHints
from orbital.kinds import KINDS, kind_spec
from orbital.result import Event, Result, Table, Trajectory, jsonable

SUMMARY_FILE = "summary.json"
TRAJECTORIES_FILE = "trajectories.npz"
TABLES_FILE = "tables.npz"
SCENARIO_FILE = "scenario.yaml"


def resolved_yaml(scenario) -> str:
    """The fully resolved scenario as YAML text (defaults filled in, SI units written out)."""
    import yaml

    return yaml.safe_dump(scenario.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


def summary_document(result: Result) -> dict:
    """The content of ``summary.json`` (without its record of files)."""
    from orbital import __version__

    return {
        "scenario": result.scenario_name,
        "kind": result.kind,
        "epoch_utc": result.epoch_utc,
        "issim_version": __version__,
        "summary": jsonable(result.summary),
        "events": [jsonable(vars(e)) for e in result.events],
        "scene": jsonable(result.scene),
        "display": result.display.to_json(),
        "trajectories": {
            name: {"frame": t.frame, "columns": list(t.columns), "units": list(t.units), "shape": list(t.data.shape)}
            for name, t in result.trajectories.items()
        },
        "tables": {
            name: {"frame": t.frame, "columns": list(t.columns), "units": list(t.units), "shape": list(t.data.shape),
                   "description": t.description, "time_column": t.time_column, **({"row_names": list(t.row_names)} if t.row_names else {})}
            for name, t in result.tables.items()
        },
    }


def save_result(result: Result, run_dir: "str | os.PathLike[str]", overwrite: bool = False) -> Path:
    """:meth:`orbital.result.Result.save`: the result and its resolved scenario, as :func:`write_run` writes them."""
    if result.scenario is None:
        raise RunDirError(f"{result.scenario_name}: the result does not know its scenario; expected a result of a run")
    return write_run(result, resolved_yaml(result.scenario), run_dir, overwrite)


#: summary.json's record of the files issim wrote beside it: {name: size in bytes}. Overwriting
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

    def __init__(self, path: Path, label: str, made: list, replaces: bool):
        self.path = path
        self.label = label  # how messages name it ("run directory DIR", or the CLI's "--out DIR")
        self._made = made  # directories this claim created, deepest first
        self._replaces = replaces
        self._committed = False
        try:
            self._staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
        except OSError as exc:
            self.release()
            raise RunDirError(f"{label}: cannot write in {path.parent} ({exc.strerror or exc}); expected a writable place") from None

    def __enter__(self) -> "RunDirSlot":
        return self

    def __exit__(self, *exc_info) -> None:
        if not self._committed:
            self.release()

    def commit(self, result: Result, resolved_scenario_yaml: str) -> Path:
        """Write ``result`` and its scenario, then rename them into the claimed place; returns the path."""
        _write_result_files(self._staging, result, resolved_scenario_yaml)
        return self._finish(summary_document(result), "run")

    def commit_files(self, files: "Mapping[str, bytes | str]", document: dict, what: str = "run") -> Path:
        """Write ``files`` (name -> content) and ``summary.json`` (``document`` with the record of the
        files), then rename them into the claimed place; returns the path. ``what`` names the work in
        messages ("sweep")."""
        for name, content in files.items():
            _write_file(self._staging, name, content)
        return self._finish(document, what)

    def _finish(self, document: dict, what: str) -> Path:
        """``summary.json`` last, with the record of the files beside it; then the rename into place."""
        os.chmod(self._staging, umask_mode(0o777))
        document = {**document, FILES_KEY: {entry.name: entry.stat().st_size for entry in sorted(self._staging.iterdir())}}
        (self._staging / SUMMARY_FILE).write_text(json.dumps(document, indent=2), encoding="utf-8")
        if self._replaces:
            reason = not_written_by_issim(self.path)
            if reason:
                raise RunDirError(f"{self.label}: {reason} (changed during the {what}); nothing replaced")
            _replace_dir(self._staging, self.path)
        else:
            (self.path / RESERVED_MARKER).unlink(missing_ok=True)
            try:
                os.rename(self._staging, self.path)  # replaces the empty reserved directory in one step
            except OSError as exc:
                raise RunDirError(f"{self.label}: another process wrote in it during the {what} ({exc.strerror}); nothing replaced") from None
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
            raise RunDirError(f"cannot create a run directory in {base} ({exc.strerror or exc}); expected a writable place, or name a run directory elsewhere") from None
        _write_marker(candidate)
        return RunDirSlot(candidate, f"run directory {candidate}", [candidate, base_dir] if made_base else [candidate], replaces=False)
    raise RunDirError(f"{stem}: cannot find a free name for a run directory there; expected a run directory named elsewhere")


def claim_out_dir(out: "str | os.PathLike[str]", overwrite: bool = False, label: Optional[str] = None) -> RunDirSlot:
    """Check and reserve the run directory ``out`` before any work.

    A new path is created (its missing parents too); an existing empty directory is used; an
    existing directory that issim wrote is replaced only with ``overwrite``. Anything else (a
    file, a symbolic link, the current folder or one above it, the home folder, a directory
    holding files issim did not write) is refused with a :class:`RunDirError` naming it as
    ``label`` (default ``run directory OUT``; the CLI names it ``--out OUT``).
    """
    path = Path(out)
    option = label or (f"run directory {out}" if str(out).strip() else f"run directory {str(out)!r}")
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
        raise RunDirError(f"{option}: already holds files; expected a new directory (overwrite replaces an earlier run that issim wrote)")
    reason = not_written_by_issim(path)
    if reason:
        raise RunDirError(f"{option}: {reason}; overwrite replaces only a run directory that issim wrote")
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


def _write_result_files(staging: Path, result: Result, resolved_scenario_yaml: str) -> None:
    """A run's files but ``summary.json`` in ``staging``: its scenario, arrays and extra files."""
    (staging / SCENARIO_FILE).write_text(resolved_scenario_yaml, encoding="utf-8")
    arrays = {"time_s": np.asarray(result.time_s, dtype=float)}
    arrays.update({name: np.asarray(t.data, dtype=float) for name, t in result.trajectories.items()})
    np.savez_compressed(staging / TRAJECTORIES_FILE, **arrays)
    if result.tables:  # not compressed: a footprint's (random draws, landings) shrank by a fifth only, for 0.05 s of its 10,000-sample run at load 4
        np.savez(staging / TABLES_FILE, **{name: np.asarray(t.data, dtype=float) for name, t in result.tables.items()})
    for name, content in result.extra_files.items():
        _write_file(staging, name, content)


def _write_file(staging: Path, name: str, content: "bytes | str") -> None:
    """One further file of a run directory: a plain name that is none of issim's own."""
    if Path(name).name != name or name in (*STANDARD_FILES, TABLES_FILE, RESERVED_MARKER):
        raise RunDirError(f"extra file name {name!r}: expected a plain file name")
    target = staging / name
    target.write_bytes(content) if isinstance(content, bytes) else target.write_text(content, encoding="utf-8")


def write_run(result: Result, resolved_scenario_yaml: str, run_dir: "str | os.PathLike[str]", overwrite: bool = False) -> Path:
    """Write a run directory atomically (claimed as :func:`claim_out_dir` claims it); returns its path."""
    with claim_out_dir(run_dir, overwrite) as slot:
        return slot.commit(result, resolved_scenario_yaml)


def _replace_dir(staging, run_dir):
    """Rename ``staging`` to ``run_dir``; the old ``run_dir`` is removed only after."""
    retired = Path(tempfile.mkdtemp(prefix=f".{run_dir.name}.old-", dir=run_dir.parent))
    os.rename(run_dir, retired)  # onto the empty directory just made: atomic
    os.rename(staging, run_dir)
    shutil.rmtree(retired, ignore_errors=True)


def read_run(run_dir: "str | os.PathLike[str]") -> Result:
    """Load a run directory back into a :class:`Result` (one written before tables existed is
    converted to the current contract: see the module's docstring)."""
    run_dir = Path(run_dir)
    _refuse_unfinished(run_dir)
    try:
        doc = json.loads((run_dir / SUMMARY_FILE).read_text(encoding="utf-8"))
        if doc["kind"] not in KINDS:
            raise ValueError(f"{SUMMARY_FILE} gives kind {doc['kind']!r}; expected one of: {', '.join(KINDS)}")
        with np.load(run_dir / TRAJECTORIES_FILE, allow_pickle=False) as arrays:
            _check_listed(doc["trajectories"], set(arrays.files) - {"time_s"}, "trajectories", TRAJECTORIES_FILE)
            time_s = arrays["time_s"]
            trajectories = {
                name: Trajectory(m["frame"], tuple(m["columns"]), tuple(m["units"]), arrays[name])
                for name, m in doc["trajectories"].items()
            }
        tables = _read_tables(run_dir, doc["tables"]) if "tables" in doc else {}
        result = Result(
            str(doc["scenario"]), str(doc["kind"]), doc["epoch_utc"], time_s, trajectories, [Event(**e) for e in doc["events"]],
            dict(doc["summary"]), scene=dict(doc.get("scene") or {}), display=_display_hints(doc), tables=tables,
        )
        return result if "tables" in doc else _from_layout_without_tables(result)
    except (OSError, KeyError, ValueError, TypeError, AttributeError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        # a truncated or corrupted archive raises BadZipFile, EOFError or zlib.error rather than OSError;
        # numpy calls a file that is not .npy/.npz at all "pickled data": say what it is to the user
        detail = "an array file is not a numpy archive" if "pickle" in str(exc) else _read_error(exc)
        raise RunDirError(f"{run_dir}: not a readable issim run directory ({detail}); expected a directory written by 'issim run'") from None


def _read_tables(run_dir: Path, manifest: dict) -> dict:
    if not manifest:
        return {}
    with np.load(run_dir / TABLES_FILE, allow_pickle=False) as arrays:
        _check_listed(manifest, set(arrays.files), "tables", TABLES_FILE)
        return {
            name: Table(tuple(m["columns"]), tuple(m["units"]), arrays[name], m["frame"], str(m["description"]), m["time_column"],
                        tuple(m.get("row_names", ())))
            for name, m in manifest.items()
        }


def _check_listed(manifest: dict, array_names: set, what: str, file_name: str) -> None:
    """The manifest lists exactly the archive's arrays (a ValueError if not)."""
    listed = set(manifest)
    if listed != array_names:
        raise ValueError(f"{SUMMARY_FILE} lists the {what} {_names(sorted(listed))}, {file_name} holds {_names(sorted(array_names))}")


#: Units of a run directory written before tables existed -> (SI unit, factor to it).
_LEGACY_UNITS = {"km": ("m", 1e3), "kW/m2": ("W/m2", 1e3)}

#: Descriptions of the tables a run directory written before tables existed held as trajectories.
_LEGACY_TABLE_DESCRIPTIONS = {
    "landings": "one landed sample per row: where and when it touched down, its peak loads",
    "window_track": "the ground track over the prediction window, on its own time base t",
}


def _from_layout_without_tables(result: Result) -> Result:
    """A result read from a run directory written before tables existed, as the current contract."""
    n = len(result.time_s)
    for name, t in list(result.trajectories.items()):
        units, data = _si(t.units, t.data)
        frame = None if t.frame == "none" else t.frame
        if name == "landings":  # its rows stood on the touchdown times, which were the time grid
            columns, units, data = (*t.columns, "t_touchdown"), (*units, "s"), np.column_stack([data, result.time_s])
            result.tables[name] = Table(columns, units, data, frame, _LEGACY_TABLE_DESCRIPTIONS[name], "t_touchdown")
            result.time_s = np.zeros(0)
        elif "t" in t.columns or len(t.data) != n:
            time_column = "t" if "t" in t.columns else None
            result.tables[name] = Table(t.columns, units, data, frame, _LEGACY_TABLE_DESCRIPTIONS.get(name, ""), time_column)
        else:
            result.trajectories[name] = Trajectory(frame, t.columns, units, data)
            continue
        del result.trajectories[name]
    return result


def _si(units: tuple, data: np.ndarray) -> tuple:
    """``(units, data)`` with every column in a unit of :data:`_LEGACY_UNITS` converted to SI."""
    data = np.array(data, dtype=float)
    si = []
    for k, unit in enumerate(units):
        si_unit, factor = _LEGACY_UNITS.get(unit, (unit, 1.0))
        data[:, k] *= factor
        si.append(si_unit)
    return tuple(si), data


def _display_hints(doc: dict) -> DisplayHints:
    """The hints summary.json holds, or for a run written before it held them, its kind's (and its
    kind's plots, for a run written before the hints held plots)."""
    if "display" not in doc:
        return kind_spec(str(doc["kind"])).display
    hints = DisplayHints.from_json(doc["display"])
    if "plots" not in doc["display"] and str(doc["kind"]) in KINDS:
        hints = replace(hints, plots=kind_spec(str(doc["kind"])).display.plots)
    return hints


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
