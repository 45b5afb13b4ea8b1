"""Every bundled scenario, run once: the invariants any result keeps, and its golden summary.

The golden files (``tests/golden/<name>.json``: summary and events) pin each bundled result,
so that a change meant to move no result (a refactor, a speed-up) is seen to move none: numbers
match to 1e-9 relative. A change that moves a result on purpose regenerates them with
``ISSIM_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_bundled.py`` and says why in its
commit; the diff of the golden files shows by how much.
"""

import json
import math
import os
from pathlib import Path

import pytest

from orbital.result import jsonable as _jsonable
from orbital.runners import run_scenario
from orbital.io.scenario import bundled_scenarios, load

from invariants import assert_common_invariants

GOLDEN_DIR = Path(__file__).with_name("golden")
RELATIVE_TOLERANCE = 1e-9
ABSOLUTE_TOLERANCE = 1e-12  # for values that are zero in the golden file
SLOW = {"soyuz_footprint", "iss_uncontrolled", "soyuz_no_burn", "gordon_adrift", "gordon_tethered", "safer_return"}


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


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in bundled_scenarios()]
)
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
    differences = _differences(expected, actual)
    assert not differences, f"{name} moved from {golden_path.name}:\n" + "\n".join(differences[:20])
