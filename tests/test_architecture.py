"""The rooms of DESIGN.md ("Rooms and the rules between them") and the rules between them, read
from the source: every module under orbital/ and viz/ is parsed with ``ast`` and every import is
checked, imports inside functions included (they run too, only later).

A room is listed in ``ROOMS`` with its rank; arrows point down only: a module may import its own
room or a room of lower rank, never a higher one. Adding a room is one row in ``ROOMS``.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("orbital", "viz")

#: room -> (rank, the module prefixes it holds). A module belongs to the room with the longest
#: matching prefix; modules of no room (not moved yet) are not checked by the rank rule.
ROOMS: dict[str, tuple[int, tuple[str, ...]]] = {
    # what every room may import: the error types, the progress callback, quantities read from
    # text into SI, and the cache of derived files (the Earth room keeps its tables there; in io/
    # it would be an upward arrow), and the engine that runs chunks of work in-process or on a Dask
    # cluster (it imports numpy, the progress callback and the errors only: any room's ensemble may use it)
    "contracts": (0, ("orbital.errors", "orbital.progress", "orbital.quantities", "orbital.cache", "orbital.result", "orbital.kind_contract",
                      "orbital.engine")),
    # statistics over per-sample data (sensitivity of outputs to inputs): numpy and scipy over
    # name -> array mappings; it needs nothing of issim but the contracts (its errors, Table), and
    # every room that makes ensembles (kinds, sweeps) may use it
    "analysis": (0, ("orbital.analysis",)),
    "earth": (1, ("orbital.earth",)),
    "dynamics": (2, ("orbital.dynamics",)),
    "propagation": (3, ("orbital.propagation",)),
    # the scenario field types (quantities with bounds, the station's orbit) that kinds and
    # models declare their inputs with; it reads the Earth room (TLEs, frames) only
    "schema": (4, ("orbital.schema",)),
    "models": (5, ("orbital.models",)),
    "kinds": (6, ("orbital.kinds",)),
    "io": (7, ("orbital.io",)),
    # static figures of a Result (issim plot): they read the Result and its display hints (the
    # contracts) and draw coastlines from the Earth room; the CLI calls them and writes the files
    # through io, so they need no room above the Earth's and must not know the kinds; their
    # series' data (plot_data, no matplotlib) is shared with the viewer's live plots
    "figures": (7, ("orbital.figures", "orbital.plot_data")),
    # the public API (orbital/__init__.py) and the runner it calls sit above io; so do sweeps
    # (they load scenarios through io, run them through the runner, claim a run directory)
    "api": (8, ("orbital.runners", "orbital.sweeps")),
    "cli": (9, ("orbital.cli",)),
}

#: Rooms whose modules import nothing from these rooms (DESIGN.md, and issue 13's "Done means").
FORBIDDEN: dict[str, tuple[str, ...]] = {
    **{room: ("kinds", "io", "cli") for room in ("contracts", "analysis", "earth", "dynamics", "propagation", "schema", "models")},
    # the figures come from the hints, never from a kind's name: they import no kind (nor the physics)
    "figures": ("kinds", "io", "cli", "dynamics", "propagation", "models"),
}

#: Upward imports that remain, each with its reason (importer, imported): keep this short.
UPWARD_EXCEPTIONS: dict[tuple[str, str], str] = {
    ("orbital.result", "orbital.io.run_dirs"): "Result.save (the API's r.save(dir), issue 13) writes through the "
    "run-directory I/O, imported when called; the contract defines no file format itself",
    ("orbital.propagation.batch_integrator", "orbital.models.guidance"): "the batch integrator's compiled loop calls "
    "the guidance's compiled per-sample command directly; passed in as an argument, a kernel is typed by its identity "
    "and every process loading the loop from numba's cache re-resolves it (measured 0.5 s while the US76 density was a ufunc)",
}

#: Modules in no room, each with its reason.
UNPLACED: dict[str, str] = {
    "orbital": "the public API (orbital/__init__.py): it may import every room but the CLI",
    "orbital.data.make_us76_table": "a maintenance script that writes the US76 table from poliastro's COESA76",
    "orbital.data.make_space_weather_table": "a maintenance script that writes the monthly space-weather table from CelesTrak's file",
}

#: What viz may import from orbital: it reads a Result and draws it; it never runs physics and
#: never names a kind. Honest exceptions, each with its reason:
VIZ_MAY_IMPORT: dict[str, str] = {
    "orbital.errors": "QuantityError: --time and --duration are read as quantities",
    "orbital.quantities": "to_si: --time and --duration take units as scenario files do",
    "orbital.io.run_dirs": "umask_mode: an export file gets the permissions a run directory's files get",
    "orbital.earth.constants": "the Earth's radius and rotation rate place the globe and turn it",
    "orbital.earth.frames": "GCRS->ITRS for the globe's turn, geodetic<->ITRS for drawing ground points",
    "orbital.earth.landmask": "the GSHHG coastline polygons drawn on the globe",
    "orbital.earth.sun": "the Sun's direction lights the globe's day side and the close-up (one formula with the decay's air)",
    "orbital.plot_data": "the live plots draw the kind's SeriesPlot hints, evaluated and converted as issim plot does",
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@lru_cache(maxsize=None)
def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for package in PACKAGES
        for path in sorted((REPO / package).rglob("*.py"))
    }


def _imported(module: str, node: ast.AST) -> list[str]:
    """The modules of orbital/viz that one import statement loads (``from a import b`` is ``a.b``
    when b is a module, else ``a``); the package's ``__version__`` is metadata, not a room."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        here = module.split(".")
        is_package = _modules()[module].name == "__init__.py"
        anchor = here if is_package else here[:-1]
        anchor = anchor[: len(anchor) - (node.level - 1)]
        base = ".".join(anchor + ([base] if base else []))
    found = []
    for alias in node.names:
        candidate = f"{base}.{alias.name}"
        if candidate in _modules():
            found.append(candidate)
        elif alias.name != "__version__":
            found.append(base)
    return found


@lru_cache(maxsize=None)
def _imports() -> tuple[tuple[str, str, int], ...]:
    """(importer, imported, line) for every import of an orbital/viz module, anywhere in a file."""
    rows = []
    for module, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            for target in _imported(module, node):
                if target.split(".")[0] in PACKAGES:
                    rows.append((module, target, node.lineno))
    return tuple(rows)


def _room(module: str) -> str | None:
    best = None
    for room, (_, prefixes) in ROOMS.items():
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (best is None or len(prefix) > len(best[1])):
                best = (room, prefix)
    return best[0] if best else None


def _kind(module: str) -> str | None:
    """``orbital.kinds.<kind>...`` -> ``<kind>``."""
    parts = module.split(".")
    return parts[2] if parts[:2] == ["orbital", "kinds"] and len(parts) > 2 else None


def test_the_parser_sees_the_imports_it_must_judge():
    # the rules below pass vacuously if nothing is found: the CLI's lazy import of the viewer
    # (inside a function) and a relative import (tle -> frames) must be seen
    rows = _imports()
    assert any(a == "orbital.cli" and b.startswith("viz.") for a, b, _ in rows)
    assert ("orbital.earth.tle", "orbital.earth.frames") in {(a, b) for a, b, _ in rows}
    for room, (_, prefixes) in ROOMS.items():
        for prefix in prefixes:
            assert any(m == prefix or m.startswith(prefix + ".") for m in _modules()), f"{room}: no module {prefix}"


def test_only_the_cli_imports_the_viewer():
    bad = [
        f"{a} (line {line}) imports {b}"
        for a, b, line in _imports()
        if a.startswith("orbital") and b.split(".")[0] == "viz" and _room(a) != "cli"
    ]
    assert not bad, "\n".join(bad)


def test_the_viewer_reads_results_and_no_physics():
    bad = [
        f"{a} (line {line}) imports {b}"
        for a, b, line in _imports()
        if a.split(".")[0] == "viz" and b.split(".")[0] == "orbital" and b not in VIZ_MAY_IMPORT
    ]
    assert not bad, "\n".join(bad)


def test_no_exception_is_stale():
    used = {b for a, b, _ in _imports() if a.split(".")[0] == "viz"}
    assert not set(VIZ_MAY_IMPORT) - used, "listed but no longer imported by viz: drop them"


def test_arrows_point_down_only():
    bad = []
    for a, b, line in _imports():
        room_a, room_b = _room(a), _room(b)
        if room_a is None or room_b is None or room_a == room_b:
            continue
        if (a, b) in UPWARD_EXCEPTIONS:
            continue
        if ROOMS[room_b][0] > ROOMS[room_a][0] or room_b in FORBIDDEN.get(room_a, ()):
            bad.append(f"{a} ({room_a}, line {line}) imports {b} ({room_b})")
    assert not bad, "\n".join(bad)


def test_a_kind_imports_no_other_kind():
    bad = [
        f"{a} (line {line}) imports {b}"
        for a, b, line in _imports()
        if _kind(a) and _kind(b) and _kind(a) != _kind(b)
    ]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_rooms_of_the_lower_floors_import_no_unplaced_module(room):
    """A lower room imports only rooms (or the standard library and third parties): leaning on a
    module in no room would hide an upward arrow."""
    bad = [
        f"{a} (line {line}) imports {b}, which is in no room"
        for a, b, line in _imports()
        if _room(a) == room and b.split(".")[0] == "orbital" and _room(b) is None and b != "orbital"
    ]
    assert not bad, "\n".join(bad)


def test_every_module_has_a_room():
    homeless = sorted(m for m in _modules() if m.startswith("orbital") and _room(m) is None and m not in UNPLACED)
    assert not homeless, f"modules in no room: {homeless}; add them to ROOMS (or to UNPLACED with a reason)"


def test_no_exception_is_stale_among_the_upward_ones():
    found = {(a, b) for a, b, _ in _imports()}
    assert not set(UPWARD_EXCEPTIONS) - found, "listed but no longer imported: drop them"


#: Strings the viewer may write although a kind names a trajectory so, each with its reason. The
#: role words (ROLES) are the vocabulary the viewer reads, and are allowed too.
VIZ_WORDS: dict[str, str] = {
    "altitude": "a readout's label in the HUD (the decay kind calls its heights trajectory so)",
}


def _viz_strings() -> list[tuple[str, int, str]]:
    """(module, line, text) of every string constant in viz/ (f-string pieces included)."""
    return [
        (module, node.lineno, node.value)
        for module, path in _modules().items()
        if module.split(".")[0] == "viz"
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path)))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def test_the_viewer_names_no_kind_and_no_trajectory_of_a_kind():
    """The viewer reads display hints (roles), never a kind's name or its trajectories' names."""
    from orbital.kind_contract import ROLES
    from orbital.kinds import KINDS, kind_spec

    trajectory_names = {name for kind in KINDS for name in kind_spec(kind).display.roles} - set(ROLES) - set(VIZ_WORDS)
    bad = [f"{module} (line {line}): {text!r}" for module, line, text in _viz_strings() if text in KINDS or text in trajectory_names]
    assert not bad, "the viewer names kinds or trajectories by heart:\n" + "\n".join(bad)


def test_every_kind_declares_roles_of_the_vocabulary_and_a_span_it_has():
    from orbital.kind_contract import ROLES
    from orbital.kinds import KINDS, kind_spec

    for kind in KINDS:
        display = kind_spec(kind).display
        assert set(display.roles.values()) <= set(ROLES), f"{kind}: roles {sorted(set(display.roles.values()) - set(ROLES))} not in ROLES"
        assert display.play_span == "time_grid" or display.play_span in display.roles, f"{kind}: play_span {display.play_span!r}"
