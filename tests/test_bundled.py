"""Every bundled scenario, run once: the invariants any result keeps, and its golden summary.

The golden files (``tests/golden/<name>.json``: summary and events) pin each bundled result,
so that a change meant to move no result (a refactor, a speed-up) is seen to move none: numbers
match to 1e-9 relative (runs that amplify the last bits between machines, ``SENSITIVE_RUNS``, in
physical units by each key's declared unit). A change that moves a result on purpose regenerates them with
``ISSIM_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_bundled.py`` and says why in its
commit; the diff of the golden files shows by how much.
"""

import json
import math
import os
import re
from datetime import datetime
from pathlib import Path

import pytest

from orbital.result import jsonable as _jsonable
from orbital.runners import run_scenario
from orbital.io.scenario import bundled_scenarios, load
from orbital.kinds import kind_spec

from invariants import assert_common_invariants

GOLDEN_DIR = Path(__file__).with_name("golden")
RELATIVE_TOLERANCE = 1e-9
ABSOLUTE_TOLERANCE = 1e-12  # for values that are zero in the golden file
#: Runs whose dynamics amplify last-bit differences between machines (numpy's and libm's kernels
#: vary with the CPU) beyond 1e-9 are compared in physical units instead, by each summary key's
#: declared unit (seen between two x86-64 machines with the same packages):
#: - multi-year decays: step-size control turns the last bits into differences of the integrator's
#:   tolerance, which years of drag carry to seconds at reentry (5 s after 772 days; 2 of 152
#:   steps). Times to 20 s, the reentry point to 1.5 deg (20 s of ground track at ~7.4 km/s is
#:   150 km), shares to 2e-3, step counts to 5: far inside the +-20 % window they are read against.
#: - a tether that snaps taut again and again: each bounce's timing feeds the next (3e-5 s after
#:   ten bounces, 5e-5 m of final separation). Times to 1 ms, lengths to 1 mm, tension to 0.01 N.
#: - an ensemble of such decays: the same for each member; a member's reentry point moving 1.5 deg
#:   can cross a coast, which moves the share of members over land by one member (1/50 = 0.02).
#: - a station's plunge from 130 km to its breakup: a micrometre at the breakup (the compiled
#:   integrator against scipy's, or one CPU against another) moves the footprint's edges 400 to
#:   1,200 km downrange by a millimetre (2e-9 relative). Lengths to 1 m, places to 1e-6 deg (0.1 m),
#:   speeds to 1 mm/s, energies to 10 J (of kJ to MJ); which pieces survive (masses, counts) exactly.
#: Event messages are compared by their words, their numbers being the summary's.
SENSITIVE_RUNS = {
    "iss_uncontrolled": {"time_s": 20.0, "deg": 1.5, "1": 2e-3, "km": 1e-3, "m/d": 1e-3, "count": 5},
    "iss_uncontrolled_uncertain": {"time_s": 20.0, "deg": 1.5, "1": 0.021, "km": 1e-3, "m/d": 1e-3, "count": 5},
    "soyuz_no_burn": {"time_s": 20.0, "deg": 1.5, "1": 2e-3, "km": 1e-3, "m/d": 1e-3, "count": 5},
    "gordon_tethered": {"time_s": 1e-3, "m": 1e-3, "N": 1e-2, "m/s": 1e-6, "count": 0},
    "iss_breakup": {"time_s": 1e-3, "km": 1e-3, "deg": 1e-6, "m/s": 1e-3, "J": 10.0, "kg": 1e-6, "1": 1e-9, "count": 0},
}
SECONDS_PER_UNIT = {"s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0}
#: Runs left out of the fast loop (pytest -m "not slow"): an ensemble of 50 two-year decays, about a minute;
#: a station's breakup into 867 falling pieces, 3 s in a warm process and 7 to 15 s cold; the
#: rendezvous, whose planning compiles the poliastro-API library's maneuvers (10 to 30 s a process).
SLOW = {"iss_uncontrolled_uncertain", "iss_breakup", "help_arrives", "help_arrives_aborted"}


def _golden_document(result):
    """What a golden file pins: the summary and the events, as JSON sees them."""
    return {
        "summary": _jsonable(result.summary),
        "events": [_jsonable({"time_s": e.time_s, "kind": e.kind, "message": e.message, "data": e.data}) for e in result.events],
    }


def _differences(expected, actual, where=""):
    """Paths at which ``actual`` departs from ``expected`` (numbers beyond the tolerance)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        keys = set(expected) | set(actual)
        return [d for k in sorted(keys, key=str) for d in _differences(expected.get(k), actual.get(k), f"{where}.{k}")]
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [d for i, (e, a) in enumerate(zip(expected, actual)) for d in _differences(e, a, f"{where}[{i}]")]
    numbers = (int, float)
    if isinstance(expected, numbers) and isinstance(actual, numbers) and not isinstance(expected, bool) and not isinstance(actual, bool):
        if math.isclose(expected, actual, rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE):
            return []
        return [f"{where}: {expected!r} -> {actual!r}"]
    return [] if expected == actual else [f"{where}: {expected!r} -> {actual!r}"]


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in bundled_scenarios()])
def test_bundled_run_keeps_the_invariants_and_its_golden_summary(name):
    fractions = []
    result = run_scenario(load(name, []), progress=lambda fraction, what: fractions.append(fraction))
    assert_common_invariants(result)
    assert fractions == sorted(fractions), "progress went backwards"

    golden_path = GOLDEN_DIR / f"{name}.json"
    actual = json.loads(json.dumps(_golden_document(result)))
    if os.environ.get("ISSIM_REGEN_GOLDEN"):
        golden_path.write_text(json.dumps(actual, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(golden_path.read_text(encoding="utf-8"))
    differences = _differences(expected, actual) if name not in SENSITIVE_RUNS else _physical_differences(expected, actual, result.kind, SENSITIVE_RUNS[name])
    assert not differences, f"{name} moved from {golden_path.name}:\n" + "\n".join(differences[:20])


def _physical_differences(expected, actual, kind, tolerances):
    """As :func:`_differences`, with ``tolerances`` by declared unit (see ``SENSITIVE_RUNS``)."""
    declared = kind_spec(kind).summary
    found = []
    for key in sorted(set(expected["summary"]) | set(actual["summary"])):
        e, a = expected["summary"].get(key), actual["summary"].get(key)
        if not _close_in_unit(e, a, declared[key].unit if key in declared else None, tolerances):
            found.append(f".summary.{key}: {e!r} -> {a!r}")
    if len(expected["events"]) != len(actual["events"]):
        return found + [f".events: {len(expected['events'])} -> {len(actual['events'])} events"]
    for i, (e, a) in enumerate(zip(expected["events"], actual["events"])):
        if e["kind"] != a["kind"] or _words(e["message"]) != _words(a["message"]) or abs(e["time_s"] - a["time_s"]) > tolerances["time_s"]:
            found.append(f".events[{i}]: {e!r} -> {a!r}")
    return found


def _close_in_unit(expected, actual, unit, tolerances):
    if isinstance(expected, str) and isinstance(actual, str) and _is_utc(expected) and _is_utc(actual):
        return abs((datetime.fromisoformat(expected) - datetime.fromisoformat(actual)).total_seconds()) <= tolerances["time_s"]
    if isinstance(expected, bool) or isinstance(actual, bool) or not isinstance(expected, (int, float)) or not isinstance(actual, (int, float)):
        return expected == actual
    if isinstance(expected, int) and isinstance(actual, int):
        return abs(expected - actual) <= tolerances["count"]
    if unit in SECONDS_PER_UNIT:
        return abs(expected - actual) * SECONDS_PER_UNIT[unit] <= tolerances["time_s"]
    return math.isclose(expected, actual, rel_tol=RELATIVE_TOLERANCE, abs_tol=tolerances.get(unit, ABSOLUTE_TOLERANCE))


def _is_utc(text):
    return re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?", text) is not None


def _words(message):
    """A message without its numbers."""
    return re.sub(r"-?\d+(\.\d+)?", "#", message)
