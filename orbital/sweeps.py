"""Sweeps: one scenario run at every point of a grid of varied inputs (or of a Latin hypercube),
each point one row of a table: the varied inputs in SI (``station.altitude_m``) and the summary.

A varied input is a scenario field holding one number, given as

- a range ``a..b:step`` (``380..440:10km``): from a to b in steps, b included where it lands on
  the grid; a unit written after the last number applies to the bare numbers before it;
- a list ``a,b,c`` (``110,128,140m/s``), the same rule for units; or a YAML/Python list, each item
  on its own (a bare number in the field's default unit, as in scenario files);
- one value (``400 km``).

With ``samples=N`` the inputs are ranges ``a..b`` and the points a Latin hypercube of N: each
input's range cut into N equal strata, one sample in each, the strata paired at random (``seed``).
Every point is validated through the scenario model before any is run; the runs go through
:mod:`orbital.engine` (in-process, a LocalCluster, or a running Dask cluster). A Latin hypercube's
run directory also holds the sensitivity of each summary key to the inputs (:mod:`orbital.analysis.sensitivity`).
"""

from __future__ import annotations

import io
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence, Union

import numpy as np

from orbital.engine import check_scheduler, chunk_ranges, run_chunks
from orbital.errors import QuantityError, ScenarioError
from orbital.quantities import format_si, to_si

#: the most points a sweep may have (a typo in a step should not start a week of runs)
MAX_POINTS = 100_000
#: the files of a sweep's run directory, beside summary.json (its record of them) and the plots
TABLE_CSV, TABLE_PARQUET, SWEEP_FILE = "sweep.csv", "sweep.parquet", "sweep.yaml"
#: one figure per varied input: a panel per numeric summary key against that input
PLOT_FILE = "plot_{column}.png"
#: a Latin hypercube's sensitivity of each numeric summary key to the varied inputs (orbital.analysis)
SENSITIVITY_CSV, SENSITIVITY_PLOT = "sensitivity.csv", "sensitivity.png"
#: the tasks a sweep is cut into, at most (more points: several per task)
MAX_TASKS = 64

VaryValue = Union[str, float, int, Sequence[Union[str, float, int]]]


@dataclass(frozen=True)
class Axis:
    """One varied input: its field, how it was given, its units, and its points or range (SI)."""

    key: str
    label: str  # how the user gave it, for messages: "--vary station.altitude=380..440:10km"
    given: Any
    si_unit: str  # "" for a number without a unit
    default_unit: str
    values: tuple[float, ...] = ()  # grid points
    bounds: tuple[float, float] = (0.0, 0.0)  # Latin hypercube range

    @property
    def column(self) -> str:
        """The table's column: the key with its SI unit, ``station.altitude_m``, ``burn.delta_v_m_s``."""
        return f"{self.key}_{self.si_unit.replace('/', '_')}" if self.si_unit else self.key

    def in_default_unit(self, si_value: float) -> str:
        """``si_value`` as the user thinks of it: ``'380 km'``."""
        if not self.si_unit:
            return f"{si_value:g}"
        scale = to_si(f"1 {self.default_unit}", self.si_unit, self.default_unit)
        return f"{si_value / scale:.12g} {self.default_unit}"


# ---------------------------------------------------------------- the sweep's inputs


def field_units(scenario_class: type, key: str, label: str) -> tuple[str, str]:
    """``(si_unit, default_unit)`` of the field at the dotted ``key`` (``("", "")`` for a plain
    number); a :class:`ScenarioError` naming ``label`` if there is no such field or it does not
    hold one number."""
    from typing import get_args

    from orbital.io.scenario import section_class
    from orbital.schema import quantity_units

    parts, node, info = key.split("."), scenario_class, None
    for depth, part in enumerate(parts):
        if part.isdigit() and info is not None:  # an index into a list of sections
            continue
        fields = getattr(node, "model_fields", {})
        if part not in fields:
            where = ".".join(parts[:depth]) or "the scenario"
            raise ScenarioError(f"{label}: {where} has no field {part!r}; expected one of: {', '.join(fields)}")
        info = fields[part]
        if depth < len(parts) - 1:
            node = section_class(info.annotation)
            if node is None:
                raise ScenarioError(f"{label}: {'.'.join(parts[: depth + 1])} is a value, not a section with fields")
    if section_class(info.annotation) is not None:
        raise ScenarioError(f"{label}: {key} is a section; expected a field holding one number, such as {key}.{next(iter(section_class(info.annotation).model_fields))}")
    units = quantity_units(info)

    def flat(annotation):
        return [annotation, *(item for arg in get_args(annotation) for item in flat(arg))]

    types = flat(info.annotation)
    if units is not None and not any(getattr(t, "__origin__", t) in (tuple, list) for t in types):
        return units.si_unit, units.default_unit
    if units is None and any(t is float or t is int for t in types):
        return "", ""
    raise ScenarioError(f"{label}: {key} does not hold one number; expected a field such as station.altitude (a vector's components cannot be varied)")


_RANGE = re.compile(r"^(?P<a>.+?)\.\.(?P<b>[^:]+?)(?::(?P<step>.+))?$")


def _is_bare(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _trailing_unit(text: str) -> str:
    """The unit written after the last number of ``text`` (``"10km"`` -> ``"km"``), or ``""``."""
    match = re.match(r"^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*(?P<unit>.*)$", text)
    return match.group("unit").strip() if match else ""


def parse_vary(key: str, given: VaryValue, scenario_class: type, latin: bool, label: str) -> Axis:
    """One varied input read and checked: the field exists and holds a number; the values parse
    in its unit; a grid's range has a positive step; a Latin hypercube's input is a range ``a..b``."""
    si_unit, default_unit = field_units(scenario_class, key, label)
    bare = f"a bare number is in {default_unit}" if default_unit else "the field has no unit"
    if latin:
        expected = f"a range a..b for the Latin hypercube (e.g. 380..440km; {bare})"
    else:
        expected = f"a range a..b:step (e.g. 380..440:10km), a list a,b,c (e.g. 110,128,140m/s) or one value; {bare}"

    def si(item: Any, unit: str = "") -> float:
        text = item if not isinstance(item, str) or not _is_bare(item) or not unit else f"{item} {unit}"
        try:
            return to_si(float(text) if isinstance(text, str) and _is_bare(text) else text, si_unit, default_unit)
        except QuantityError as exc:
            raise ScenarioError(f"{label}: {item!r}: {exc}; expected {expected}") from None

    if isinstance(given, (list, tuple)):
        if latin or not given:
            raise ScenarioError(f"{label}: a list of {len(given)} values; expected {expected}")
        return Axis(key, label, list(given), si_unit, default_unit, values=tuple(si(item) for item in given))
    if isinstance(given, bool) or not isinstance(given, (str, int, float)):
        raise ScenarioError(f"{label}: {given!r}; expected {expected}")
    text = str(given).strip()
    ranged = _RANGE.match(text)
    if latin:
        if ranged is None or ranged.group("step") is not None:
            raise ScenarioError(f"{label}: {text!r} is not a range a..b; expected {expected}")
        unit = _trailing_unit(ranged.group("b"))
        low, high = si(ranged.group("a").strip(), unit), si(ranged.group("b").strip())
        if not low < high:
            raise ScenarioError(f"{label}: the range runs from {low:g} to {high:g} {si_unit}; expected a < b")
        return Axis(key, label, given, si_unit, default_unit, bounds=(low, high))
    if ranged is None:
        items = [item.strip() for item in text.split(",")]
        unit = _trailing_unit(items[-1])
        return Axis(key, label, given, si_unit, default_unit, values=tuple(si(item, unit) for item in items))
    if ranged.group("step") is None:
        raise ScenarioError(f"{label}: the range {text!r} has no step; expected {expected}")
    unit = _trailing_unit(ranged.group("step"))
    low, high, step = (si(ranged.group(part).strip(), unit) for part in ("a", "b", "step"))
    if not step > 0 or not high >= low:
        raise ScenarioError(f"{label}: a range from {low:g} to {high:g} in steps of {step:g} {si_unit}; expected a <= b and a step > 0")
    steps = (high - low) / step
    if steps + 1 > MAX_POINTS:
        raise ScenarioError(f"{label}: {math.floor(steps) + 1} points; expected at most {MAX_POINTS} (a larger step, or --samples)")
    values = low + step * np.arange(math.floor(steps + 1e-9) + 1)
    if abs(steps - round(steps)) < 1e-9:
        values[-1] = high  # b itself, not b give or take a rounding
    return Axis(key, label, given, si_unit, default_unit, values=tuple(float(v) for v in values))


def latin_hypercube(n_samples: int, n_inputs: int, seed: int) -> np.ndarray:
    """``(n_samples, n_inputs)`` in [0, 1): each column has one value in each of the ``n_samples``
    equal strata, the strata of the columns paired at random."""
    rng = np.random.default_rng(seed)
    strata = np.stack([rng.permutation(n_samples) for _ in range(n_inputs)], axis=1)
    return (strata + rng.random((n_samples, n_inputs))) / n_samples


def sweep_points(axes: Sequence[Axis], samples: Optional[int], seed: int) -> np.ndarray:
    """The points, ``(n_points, n_inputs)`` in SI: the grid (the first input varying slowest) or,
    with ``samples``, the Latin hypercube."""
    if samples is not None:
        low, high = (np.array([axis.bounds[i] for axis in axes]) for i in (0, 1))
        return low + latin_hypercube(samples, len(axes), seed) * (high - low)
    count = math.prod(len(axis.values) for axis in axes)
    if count > MAX_POINTS:
        raise ScenarioError(f"{', '.join(axis.label for axis in axes)}: a grid of {count} points; expected at most {MAX_POINTS} (fewer values, or --samples)")
    grids = np.meshgrid(*[np.array(axis.values) for axis in axes], indexing="ij")
    return np.stack([grid.ravel() for grid in grids], axis=1)


def point_models(base: Any, axes: Sequence[Axis], points: np.ndarray) -> list:
    """The scenario of every point, each validated; the first point that does not make a valid
    scenario is refused with its values and the field's message, before any point runs."""
    from orbital import load

    models = []
    for index, point in enumerate(points):
        overrides = {axis.key: format_si(value, axis.si_unit) for axis, value in zip(axes, point)}
        try:
            models.append(load(base, set=overrides))
        except ScenarioError as exc:
            where = ", ".join(f"{axis.key} = {axis.in_default_unit(value)}" for axis, value in zip(axes, point))
            problem = re.sub(r"^--set( '[^']*')*: ", "", str(exc), flags=re.MULTILINE)
            raise ScenarioError(
                f"{', '.join(axis.label for axis in axes)}: point {index + 1} of {len(points)} ({where}) is not a valid scenario: "
                f"{problem}; no point was run"
            ) from None
    return models


# ---------------------------------------------------------------- the sweep file


def _sweep_model():
    from typing import Dict, List, Union as U

    from pydantic import BaseModel, ConfigDict, Field

    class SweepSection(BaseModel):
        """The ``sweep:`` section of a sweep file."""

        model_config = ConfigDict(extra="forbid")
        scenario: U[str, Dict[str, Any]] = Field(description="a bundled name, a YAML path (relative to this file) or a whole scenario")
        set: Dict[str, Any] = Field(default_factory=dict, description="fields set at every point, as --set")
        vary: Dict[str, U[str, float, List[U[str, float]]]] = Field(min_length=1, description="field -> range, list or value")
        samples: Optional[int] = Field(default=None, ge=1, le=MAX_POINTS, description="a Latin hypercube of this many points instead of the grid")
        seed: int = Field(default=0, ge=0, description="seed of the Latin hypercube")
        scheduler: Optional[str] = Field(default=None, description="auto (default: here, or a LocalCluster once the points measure longer than a minute), inprocess, local or tcp://HOST:PORT")

    return SweepSection


def is_sweep_file(target: Union[str, os.PathLike]) -> bool:
    """True if ``target`` is a YAML file whose top level has a ``sweep:`` section."""
    from orbital.io.scenario import read_yaml

    path = Path(target)
    if path.suffix.lower() not in (".yaml", ".yml") or not path.is_file():
        return False
    try:
        return "sweep" in read_yaml(path)
    except ScenarioError:
        return False


def read_sweep_file(path: Union[str, os.PathLike]) -> dict:
    """A sweep file's ``sweep:`` section, validated: ``{scenario, set, vary, samples, seed, scheduler}``
    (``scenario`` a path made absolute, or a bundled name, or a whole scenario as a mapping)."""
    from pydantic import ValidationError

    from orbital.io.scenario import read_yaml

    data = read_yaml(path)
    extra = sorted(set(data) - {"sweep"})
    if extra or not isinstance(data.get("sweep"), dict):
        raise ScenarioError(f"{path}: expected one section, sweep: {{scenario: ..., vary: {{...}}}}; found {', '.join(extra) or repr(data.get('sweep'))}")
    try:
        section = _sweep_model().model_validate(data["sweep"]).model_dump()
    except ValidationError as exc:
        lines = [
            f"{path}: sweep.{'.'.join(map(str, error['loc']))} = {error.get('input')!r}: {error['msg']}"
            if error["type"] != "missing" else f"{path}: sweep.{'.'.join(map(str, error['loc']))}: missing; this field is required"
            for error in exc.errors(include_url=False)
        ]
        raise ScenarioError("\n".join(lines)) from None
    scenario = section["scenario"]
    if isinstance(scenario, str) and (Path(path).parent / scenario).is_file():
        section["scenario"] = str(Path(path).parent / scenario)
    return section


# ---------------------------------------------------------------- running it


@dataclass
class SweepPlan:
    """A sweep ready to run: its base scenario, inputs, points (SI) and their validated scenarios."""

    base: Any
    axes: list
    points: np.ndarray
    models: list
    samples: Optional[int]
    seed: int
    scheduler: str
    scheduler_option: str  # how the user named it: --scheduler, FILE: sweep.scheduler, scheduler =

    def point_name(self, index: int) -> str:
        """``point 2 of 7 (station.altitude = 390 km)``."""
        values = ", ".join(f"{axis.key} = {axis.in_default_unit(value)}" for axis, value in zip(self.axes, self.points[index]))
        return f"point {index + 1} of {len(self.points)} ({values})"

    def resolved(self) -> dict:
        """The sweep as a sweep file that repeats it (``sweep.yaml``): the whole base scenario inline."""
        return {"sweep": {
            "scenario": self.base.model_dump(mode="json"),
            "vary": {axis.key: axis.given for axis in self.axes},
            "samples": self.samples,
            "seed": self.seed,
            "scheduler": self.scheduler,
        }}


def plan_sweep(
    scenario: Any,
    vary: Optional[Mapping[str, VaryValue]] = None,
    samples: Optional[int] = None,
    seed: Optional[int] = None,
    scheduler: Optional[str] = None,
    set: Any = None,
    labels: Optional[Callable[[str, Any], str]] = None,
    scheduler_option: str = "scheduler =",
) -> SweepPlan:
    """Read, check and validate a sweep (see :func:`orbital.sweep`) without running it.

    ``scenario`` may be a sweep file: its section gives what the arguments leave out (``vary``
    merged, the arguments' keys winning). ``labels(key, value)`` names a varied input in messages.
    """
    from orbital import load
    from orbital.io.scenario import validate

    from orbital import _override_texts

    file_section: dict = {}
    sweep_path = "scenario"
    if isinstance(scenario, (str, os.PathLike)) and is_sweep_file(scenario):
        file_section, sweep_path = read_sweep_file(scenario), str(scenario)
        scenario = file_section["scenario"]
    overrides = _override_texts(file_section.get("set")) + _override_texts(set)
    merged_vary = {**file_section.get("vary", {}), **dict(vary or {})}
    if labels is None:
        labels = lambda key, value: f"vary[{key!r}] = {value!r}"
    file_label = lambda key, value: f"{sweep_path}: sweep.vary.{key} = {value!r}"
    label_of = lambda key, value: file_label(key, value) if key not in (vary or {}) else labels(key, value)
    samples = samples if samples is not None else file_section.get("samples")
    seed = seed if seed is not None else file_section.get("seed", 0)
    if scheduler is None and file_section.get("scheduler") is not None:
        scheduler, scheduler_option = file_section["scheduler"], f"{sweep_path}: sweep.scheduler"
    scheduler = check_scheduler(scheduler, scheduler_option)
    if not merged_vary:
        raise ScenarioError("vary: nothing to vary; expected at least one field, e.g. --vary station.altitude=380..440:10km")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ScenarioError(f"seed = {seed!r}: expected a whole number >= 0")
    if samples is not None and (isinstance(samples, bool) or not isinstance(samples, int) or not 1 <= samples <= MAX_POINTS):
        raise ScenarioError(f"samples = {samples!r}: expected a whole number from 1 to {MAX_POINTS}")
    if isinstance(scenario, Mapping):
        scenario = validate(dict(scenario), source=f"{sweep_path}: sweep.scenario")
    base = load(scenario, set=overrides)
    axes = [parse_vary(key, value, type(base), samples is not None, label_of(key, value)) for key, value in merged_vary.items()]
    points = sweep_points(axes, samples, seed)
    return SweepPlan(base, axes, points, point_models(base, axes, points), samples, seed, scheduler, scheduler_option)


def run_point_summaries(points: Sequence[tuple[str, Any]]) -> list[dict]:
    """The engine's task: run each point's scenario (``(what the point is, model)``); its summary,
    numpy scalars made plain. A point that cannot make a run is named in the message."""
    from orbital.errors import InfeasibleScenario
    from orbital.runners import run_scenario

    summaries = []
    for name, model in points:
        try:
            summary = run_scenario(model).summary
        except InfeasibleScenario as exc:
            raise InfeasibleScenario(f"sweep {name}: {exc}") from None
        summaries.append({key: _plain(value) for key, value in summary.items()})
    return summaries


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def run_plan(plan: SweepPlan):
    """Run every point (through :func:`orbital.engine.run_chunks`); the table, one row per point."""
    import pandas as pd

    from orbital.kinds import kind_spec

    points = [(plan.point_name(index), model) for index, model in enumerate(plan.models)]
    chunks = [points[r.start:r.stop] for r in chunk_ranges(len(points), max(1, math.ceil(len(points) / MAX_TASKS)))]
    summaries = [row for rows in run_chunks(run_point_summaries, chunks, plan.scheduler, what="sweep points", option=plan.scheduler_option) for row in rows]
    declared = list(kind_spec(plan.base.kind).summary)
    keys = [key for key in declared if any(key in row for row in summaries)]
    keys += [key for row in summaries for key in row if key not in keys]
    table = pd.DataFrame({axis.column: plan.points[:, i] for i, axis in enumerate(plan.axes)})
    for key in keys:
        table[key] = [row.get(key) for row in summaries]
    table.attrs["sweep"] = plan.resolved()
    return table


# ---------------------------------------------------------------- its run directory


def numeric_keys(table, axes: Sequence[Axis]) -> list[str]:
    """The summary columns that hold numbers (not flags, not text), not all missing."""
    import pandas as pd

    inputs = {axis.column for axis in axes}
    return [
        column for column in table.columns
        if column not in inputs and pd.api.types.is_numeric_dtype(table[column]) and not pd.api.types.is_bool_dtype(table[column])
        and table[column].notna().any()
    ]


def plot_input(table, axis: Axis, keys: Sequence[str]) -> bytes:
    """One PNG: a small panel per summary key against ``axis`` (in its default unit)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    columns = max(1, min(4, math.ceil(math.sqrt(len(keys)))))
    rows = max(1, math.ceil(len(keys) / columns))
    figure = Figure(figsize=(3.2 * columns, 2.5 * rows), layout="constrained")
    scale = to_si(f"1 {axis.default_unit}", axis.si_unit, axis.default_unit) if axis.si_unit else 1.0
    x = table[axis.column].to_numpy(dtype=float) / scale
    order = np.argsort(x, kind="stable")
    for index, key in enumerate(keys):
        panel = figure.add_subplot(rows, columns, index + 1)
        y = table[key].to_numpy(dtype=float)
        panel.plot(x[order], y[order], "o", markersize=3)
        panel.set_title(key, fontsize=9)
        panel.tick_params(labelsize=7)
        panel.set_xlabel(f"{axis.key} [{axis.default_unit}]" if axis.default_unit else axis.key, fontsize=8)
    figure.suptitle(f"sweep of {len(table)} points: summary against {axis.key}", fontsize=10)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    return buffer.getvalue()


def sweep_sensitivity(table, plan: SweepPlan):
    """A Latin hypercube's :class:`~orbital.analysis.sensitivity.Sensitivity` of every numeric
    summary key to the varied inputs, and its note for summary.json (the measures, inputs left
    out, samples dropped, outputs skipped); ``(None, {"not_computed": why})`` if the sample cannot
    be analysed; ``(None, None)`` for a grid (its points are not a random sample)."""
    from orbital.analysis.sensitivity import MEASURES, sensitivity
    from orbital.errors import SensitivityError

    if plan.samples is None:
        return None, None
    keys = numeric_keys(table, plan.axes)
    if not keys:
        return None, {"not_computed": "no numeric summary key"}
    try:
        report = sensitivity({axis.column: table[axis.column].to_numpy(dtype=float) for axis in plan.axes},
                             {key: table[key].to_numpy(dtype=float) for key in keys})
    except SensitivityError as exc:
        return None, {"not_computed": str(exc)}
    note = {"measures": {m: MEASURES[m] for m in MEASURES if any(row["measure"] == m for row in report.rows)},
            "excluded_inputs": report.excluded, "dropped_samples": {k: v for k, v in report.dropped.items() if v},
            "skipped_outputs": report.skipped}
    return report, note


def sweep_files(table, plan: SweepPlan, report=None) -> dict[str, bytes]:
    """The run directory's files but summary.json: the table (CSV, Parquet), the resolved sweep,
    one figure per varied input and, with a sensitivity ``report``, its table and bar plots."""
    import yaml

    parquet = io.BytesIO()
    table.to_parquet(parquet, index=False)
    files = {
        TABLE_CSV: table.to_csv(index=False).encode("utf-8"),
        TABLE_PARQUET: parquet.getvalue(),
        SWEEP_FILE: yaml.safe_dump(plan.resolved(), sort_keys=False, allow_unicode=True).encode("utf-8"),
    }
    keys = numeric_keys(table, plan.axes)
    if keys:
        for axis in plan.axes:
            files[PLOT_FILE.format(column=axis.column)] = plot_input(table, axis, keys)
    if report is not None:
        files[SENSITIVITY_CSV] = report.to_csv().encode("utf-8")
        files[SENSITIVITY_PLOT] = report.png()
    return files


def sweep_document(table, plan: SweepPlan, sensitivity_note: Optional[dict] = None) -> dict:
    """summary.json of a sweep's directory (the record of its files is added on writing); a Latin
    hypercube's says what its sensitivity measured or why there is none."""
    from orbital import __version__

    document = {
        "kind": "sweep",
        "scenario": plan.base.name,
        "scenario_kind": plan.base.kind,
        "issim_version": __version__,
        "points": len(table),
        "design": "latin_hypercube" if plan.samples is not None else "grid",
        "inputs": {axis.column: {"field": axis.key, "unit": axis.si_unit} for axis in plan.axes},
        "summary_keys": [c for c in table.columns if c not in {axis.column for axis in plan.axes}],
    }
    if sensitivity_note is not None:
        document["sensitivity"] = sensitivity_note
    return document


def write_sweep_dir(slot, table, plan: SweepPlan) -> Path:
    """The sweep's files in its claimed run directory (a ``RunDirSlot``); returns its path."""
    report, note = sweep_sensitivity(table, plan)
    return slot.commit_files(sweep_files(table, plan, report), sweep_document(table, plan, note), what="sweep")
