"""The kind contract (orbital/kind_contract.py) against what the kinds do and what the docs say.

Every summary key a bundled run holds (tests/golden/*.json) is declared by its kind, and every
declared key is seen in a golden file or listed below as conditional, with its condition; units
agree with the keys' names; display roles come from ROLES; the README's summary tables and
``issim schema`` carry exactly the contracts. The last tests walk docs/adding_a_kind.md through
its example kind (tests/example_kinds/cw_free_drift), registered for the test only.
"""

import json
import math
import re
from pathlib import Path

import pytest

import orbital as issim
from orbital.io.kind_docs import main as regenerate_tables, readme_kinds, summary_table_markdown, with_summary_tables
from orbital.io.scenario import bundled_scenarios, json_schema, read_yaml
from orbital.kind_contract import ROLES, KindSpec
from orbital.kinds import KINDS, kind_spec

ROOT = Path(__file__).resolve().parent.parent
GOLDEN_DIR = Path(__file__).with_name("golden")
GUIDE = ROOT / "docs" / "adding_a_kind.md"

#: The unit a key's name promises, by the name's ending (the longest ending that matches wins).
#: A key with none of these endings is a count or ratio (unit "1") or text or a flag (unit "").
SUFFIX_UNITS: dict[str, str] = {
    "_m": "m",
    "_km": "km",
    "_s": "s",
    "_min": "min",
    "_hours": "h",
    "_days": "d",
    "_deg": "deg",
    "_n": "N",
    "_kg": "kg",
    "_g": "g",
    "_m_s": "m/s",
    "_deg_s": "deg/s",
    "_kw_m2": "kW/m2",
    "_kg_m2": "kg/m2",
    "_j": "J",
    "_m_per_day": "m/d",
    "_km_per_day": "km/d",
    "_deg_per_day": "deg/d",
}
#: A statistic after the unit: ``peak_g_p99`` is in g.
STATISTIC = re.compile(r"_p\d+$")

#: Declared keys no bundled run holds: kind -> key -> when the summary holds it.
CONDITIONAL: dict[str, dict[str, str]] = {
    "station": {
        "nodal_period_note": "nodal_period_min is null: output_step over a tenth of the period, or fewer than two node crossings",
        "raan_rate_note": "raan_rate_deg_per_day is null: a run shorter than an orbit, or an equatorial orbit",
    },
    "decay_reentry": {
        "final_mean_altitude_km": "the object did not reenter within max_lifetime",
    },
}

#: One cheap run per kind (seconds): bundled scenario and overrides. The Soyuz kinds are left to
#: their golden files: their first run compiles the numba kernels (15-25 s); so does deorbit_opportunities, which flies Soyuz descents.
CHEAP_RUNS: dict[str, tuple[str, dict[str, str]]] = {
    "station": ("iss_orbit", {"duration": "20 min", "output_step": "60 s"}),  # under an orbit: both notes
    "eva_drift": ("gordon_tethered", {"duration": "3 min"}),
    "arm_push": ("arm_push", {"duration": "60 s"}),
    "arm_rescue": ("arm_rescue", {"duration": "60 s"}),  # caught, not yet at the airlock
    "decay_reentry": ("iss_uncontrolled", {"max_lifetime": "2 d"}),  # not reentered
}
#: kinds without a cheap run here: the descents and the breakup compile their kernels on a first
#: run; rendezvous planning compiles the library's maneuvers
NOT_RUN_HERE = {"reentry", "reentry_footprint", "deorbit_opportunities", "breakup_footprint", "rendezvous"}


def _golden_summaries_by_kind() -> dict[str, list[tuple[str, dict]]]:
    found: dict[str, list[tuple[str, dict]]] = {}
    for name, path in bundled_scenarios().items():
        summary = json.loads((GOLDEN_DIR / f"{name}.json").read_text(encoding="utf-8"))["summary"]
        found.setdefault(read_yaml(path)["kind"], []).append((name, summary))
    return found


def _unit_named_by(key: str) -> str | None:
    """The unit ``key``'s ending promises (SUFFIX_UNITS), or None if it names none."""
    bare = STATISTIC.sub("", key)
    endings = [suffix for suffix in SUFFIX_UNITS if bare.endswith(suffix)]
    return SUFFIX_UNITS[max(endings, key=len)] if endings else None


def _contract_problems(spec: KindSpec) -> list[str]:
    """What is wrong with one kind's declarations (units against names, one-line meanings, roles)."""
    problems = []
    for key, declared in spec.summary.items():
        named = _unit_named_by(key)
        if named is not None and declared.unit != named:
            problems.append(f"{spec.name}.{key}: unit {declared.unit!r}; its name says {named!r}")
        if named is None and declared.unit not in ("1", ""):
            problems.append(f"{spec.name}.{key}: unit {declared.unit!r}, but its name ends in no unit (a count is '1', text or a flag '')")
        if not declared.meaning.strip() or "\n" in declared.meaning:
            problems.append(f"{spec.name}.{key}: the meaning must be one line of text")
    problems += [f"{spec.name}: {name} plays {role!r}, not a key of ROLES" for name, role in spec.display.roles.items() if role not in ROLES]
    if spec.display.play_span not in ("time_grid", *spec.display.roles):
        problems.append(f"{spec.name}: play_span {spec.display.play_span!r} is neither time_grid nor a trajectory it names")
    return problems


def test_the_registry_names_each_kind_as_it_names_itself():
    assert list(KINDS) == [kind_spec(kind).name for kind in KINDS]


def test_every_bundled_scenario_has_a_registered_kind_and_a_golden_file():
    assert set(_golden_summaries_by_kind()) <= set(KINDS)
    assert {p.stem for p in GOLDEN_DIR.glob("*.json")} == set(bundled_scenarios())


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_key_of_a_bundled_summary_is_declared(kind):
    declared = kind_spec(kind).summary
    undeclared = [f"{name}: {key}" for name, summary in _golden_summaries_by_kind().get(kind, []) for key in summary if key not in declared]
    assert not undeclared, f"{kind} does not declare: {undeclared}"


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_declared_key_is_seen_in_a_golden_file_or_listed_as_conditional(kind):
    seen = {key for _, summary in _golden_summaries_by_kind().get(kind, []) for key in summary}
    conditional = CONDITIONAL.get(kind, {})
    assert not set(conditional) & seen, "a key listed as conditional is in a golden file: take it off the list"
    assert set(kind_spec(kind).summary) == seen | set(conditional)


@pytest.mark.parametrize("kind", list(KINDS))
def test_units_agree_with_key_names_and_roles_come_from_the_vocabulary(kind):
    assert _contract_problems(kind_spec(kind)) == []


def test_the_suffix_rule_judges_as_intended():
    assert [_unit_named_by(key) for key in ("peak_g_p99", "touchdown_speed_m_s", "capture_time_s", "miss_distance_m", "orbits")] == [
        "g", "m/s", "s", "m", None,
    ]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_cheap_run_holds_only_declared_keys(kind):
    if kind in NOT_RUN_HERE:
        pytest.skip(f"{kind}: its first run compiles numba kernels; its golden files cover its keys")
    name, overrides = CHEAP_RUNS[kind]
    summary = issim.run(name, set=overrides).summary
    assert set(summary) <= set(kind_spec(kind).summary)
    # the runs chosen to show conditional keys do show them
    assert set(CONDITIONAL.get(kind, {})) <= set(summary)


def test_every_kind_is_run_cheaply_or_named_as_not_run():
    assert set(CHEAP_RUNS) | NOT_RUN_HERE == set(KINDS) and not set(CHEAP_RUNS) & NOT_RUN_HERE


def test_the_readme_holds_exactly_the_rendered_summary_table_of_every_kind():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert sorted(readme_kinds(readme)) == sorted(KINDS), "one summary-keys block per kind"
    assert with_summary_tables(readme) == readme, "the README's tables differ: run .venv/bin/python -m orbital.io.kind_docs README.md"


def test_the_regeneration_command_rewrites_a_stale_table_in_place(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    stale = readme.replace("| `period_min` | min |", "| `period_min` | s |")
    copy = tmp_path / "README.md"
    copy.write_text(stale, encoding="utf-8")
    assert stale != readme and regenerate_tables([str(copy)]) == 0
    assert copy.read_text(encoding="utf-8") == readme


def test_a_rendered_table_has_a_row_per_key_with_its_unit():
    table = summary_table_markdown("eva_drift").splitlines()
    assert table[:2] == ["| key | unit | meaning |", "|---|---|---|"]
    assert len(table) == 2 + len(kind_spec("eva_drift").summary)
    assert "| `max_tether_tension_n` | N | " in table[5] and "sum \\|dv_i\\|" in table[7]  # a pipe in a meaning is escaped


def test_issim_schema_carries_every_kind_in_registry_order_with_its_contract():
    schema = json_schema()
    kinds = schema["x-issim-kinds"]
    assert list(kinds) == list(KINDS)
    assert [entry["$ref"] for entry in schema["oneOf"]] == [kinds[kind]["model"] for kind in KINDS]
    for kind, entry in kinds.items():
        spec = kind_spec(kind)
        assert entry["title"] == spec.title
        assert entry["summary"] == {key: {"unit": k.unit, "meaning": k.meaning} for key, k in spec.summary.items()}
        assert entry["display"] == spec.display.to_json()
        assert schema["discriminator"]["mapping"][kind] == entry["model"]


def test_issim_schema_names_its_definitions_without_module_paths_and_every_reference_resolves():
    schema = json_schema()
    names = set(schema["$defs"])
    assert {"StationScenario", "ReentryFootprintScenario", "ArmPushScenario"} <= names
    assert not [name for name in names if "__" in name or "." in name or name.startswith("orbital")]
    refs = re.findall(r'"\$ref": "#/\$defs/([^"]+)"', json.dumps(schema))
    assert refs and set(refs) <= names


# --- docs/adding_a_kind.md, walked through on tests/example_kinds/cw_free_drift ---------------


def _guide_blocks(language: str) -> list[tuple[str, str]]:
    """``(file named in the excerpt marker above it or "", text)`` of every ``language`` block of the guide."""
    pattern = re.compile(r"(?:<!-- excerpt: (\S+) -->\n)?```" + language + r"\n(.*?)```", re.DOTALL)
    return [(source, text) for source, text in pattern.findall(GUIDE.read_text(encoding="utf-8"))]


def _stripped_lines(text: str) -> str:
    """``text`` with each line's indentation taken off (an excerpt may come from inside a function)."""
    return "\n".join(line.strip() for line in text.splitlines())


def test_every_code_excerpt_in_the_guide_is_in_the_file_it_names():
    blocks = _guide_blocks("python")
    assert blocks and all(source for source, _ in blocks), "each python block of the guide names its file"
    for source, text in blocks:
        whole = _stripped_lines((ROOT / source).read_text(encoding="utf-8"))
        assert _stripped_lines(text).strip("\n") in whole, f"the guide's excerpt of {source} is not in it:\n{text}"


@pytest.fixture
def cw_free_drift_registered(monkeypatch):
    """The example kind in the registry, for one test (KINDS is the dict every module reads)."""
    monkeypatch.setitem(KINDS, "cw_free_drift", "example_kinds.cw_free_drift")
    return kind_spec("cw_free_drift")


def test_the_example_kind_keeps_the_contract(cw_free_drift_registered):
    assert cw_free_drift_registered.name == "cw_free_drift"
    assert _contract_problems(cw_free_drift_registered) == []


def test_the_guide_walkthrough_loads_runs_saves_and_reads_the_example_kind(cw_free_drift_registered, tmp_path):
    (yaml_text,) = [text for _, text in _guide_blocks("yaml")]
    (tmp_path / "drift.yaml").write_text(yaml_text, encoding="utf-8")

    scenario = issim.load(tmp_path / "drift.yaml")
    result = issim.run(scenario)
    result.save(tmp_path / "runs" / "drift")
    again = issim.read_run(tmp_path / "runs" / "drift")

    assert set(result.summary) == set(cw_free_drift_registered.summary)
    assert again.summary == result.summary and again.scenario == scenario
    assert again.display.names_with_role("chaser") == ["drifter"]
    # Clohessy-Wiltshire, closed form (H. D. Curtis, Orbital Mechanics for Engineering Students, 3rd
    # ed., sec. 7.4, "Clohessy-Wiltshire equations"): released at the station with along-track speed
    # dv, a body drifts -3 dv T along-track per orbit of period T (pushed forward, it falls behind, as
    # Gemini 4's crew found chasing their booster) and rises 4 dv / n above the station half an orbit
    # later. 0.1 m/s at 420 km (T = 5578.3 s): -1673.5 m per orbit, 355.1 m up.
    dv_m_s, period_s = 0.1, 2.0 * math.pi * math.sqrt((6378.137e3 + 420e3) ** 3 / 3.986004418e14)
    assert result.summary["period_min"] == pytest.approx(period_s / 60.0, rel=1e-12)
    assert result.summary["along_track_drift_per_orbit_m"] == pytest.approx(-3.0 * dv_m_s * period_s, rel=1e-9)
    assert result.summary["along_track_drift_per_orbit_m"] == pytest.approx(-1673.5, abs=0.1)
    # largest |x| over 10 s samples: within (n 5 s)^2 / 2 = 2e-5 of the peak
    assert result.summary["max_radial_m"] == pytest.approx(4.0 * dv_m_s * period_s / (2.0 * math.pi), rel=1e-4)
    assert result.summary["max_radial_m"] == pytest.approx(355.1, abs=0.1)
