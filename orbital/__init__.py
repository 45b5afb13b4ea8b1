"""issim's physics and its Python API. Imports no graphics.

Plain float64 numpy arrays in SI units inside (m, s, kg, rad); astropy units and
times only at the edges (YAML parsing, poliastro calls, output).

The API, as a notebook uses it::

    import orbital as issim

    issim.list_scenarios()                     # bundled name -> one-line description
    r = issim.run("gordon_adrift", set={"tether.length": "30 m"})
    r.summary                                  # the table `issim run` prints, as a dict
    r.trajectory("astronaut")                  # time_s, columns, units, frame, data (N, k)
    r.to_xarray()                              # every column as an xarray variable, units and frame in attrs
    r.save("runs/x")                           # a run directory, as `issim run --out runs/x` writes
    issim.read_run("runs/x")                   # the same Result back
    issim.sensitivity(inputs, outputs)         # which input drives each output's spread (PRCC, S1)

Bad input raises :class:`ScenarioError` (or :class:`InfeasibleScenario`, a subclass, for
inputs that each validate but together cannot make a run), run directories that cannot be
written or read raise :class:`RunDirError`; each message names the field or file.

``import orbital`` stays cheap: the physics, pydantic and numpy load on first use.
"""

from __future__ import annotations

import os
from importlib import import_module
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Optional, Union

__version__ = "0.1.0"

if TYPE_CHECKING:
    import pandas
    from pydantic import BaseModel

    from orbital.analysis.sensitivity import Sensitivity
    from orbital.progress import ProgressCallback
    from orbital.result import Result

__all__ = [
    "Event",
    "InfeasibleScenario",
    "Result",
    "RunDirError",
    "ScenarioError",
    "Sensitivity",
    "SensitivityError",
    "Table",
    "SchedulerError",
    "Trajectory",
    "list_scenarios",
    "load",
    "read_run",
    "run",
    "sensitivity",
    "sweep",
    "__version__",
]

#: Public names defined in heavier modules, imported on first use (PEP 562).
_LAZY = {
    "Event": "orbital.result",
    "Result": "orbital.result",
    "RunDirError": "orbital.errors",
    "Table": "orbital.result",
    "Trajectory": "orbital.result",
    "ScenarioError": "orbital.errors",
    "InfeasibleScenario": "orbital.errors",
    "SchedulerError": "orbital.errors",
    "Sensitivity": "orbital.analysis.sensitivity",
    "SensitivityError": "orbital.errors",
}

#: ``set=``: a mapping ``{"tether.length": "30 m", "duration": 600}`` or ``KEY=VALUE`` strings.
Overrides = Union[Mapping[str, Any], Iterable[str], str, None]
#: What names a scenario: a bundled name, a YAML path, or a model from :func:`load`.
ScenarioSource = Union[str, "os.PathLike[str]", "BaseModel"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'orbital' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


def list_scenarios() -> dict[str, str]:
    """The bundled scenarios, sorted by name: ``{name: one-line description}`` (as ``issim list``)."""
    from orbital.io.scenario import bundled_scenarios, read_yaml

    return {
        name: (str(read_yaml(path).get("description", "")).strip().splitlines() or [""])[0]
        for name, path in bundled_scenarios().items()
    }


def load(scenario: ScenarioSource, set: Overrides = None) -> "BaseModel":
    """Read and validate a scenario: a bundled name, a YAML path, or an already loaded model.

    ``set`` overrides fields as ``issim run --set`` does: ``{"tether.length": "30 m"}`` or
    ``["tether.length=30 m"]``. A string value is read as the command line reads it (a quantity
    with its unit, or a bare number in the field's default unit, or YAML such as
    ``"[0.1 m/s, 0, 0]"``); a number, bool or list is taken as it is. Bad input raises
    :class:`ScenarioError` naming the field, the value and what was expected.
    """
    from orbital.io.scenario import apply_overrides, load as load_file, validate

    texts = _override_texts(set)
    if not hasattr(scenario, "model_dump"):
        return load_file(os.fspath(scenario), texts)
    if not texts:
        return scenario
    data = apply_overrides(scenario.model_dump(mode="json"), texts)
    keys = [text.partition("=")[0].strip() for text in texts]
    return validate(data, source=f"scenario {scenario.name!r}", overridden=keys)


def run(
    scenario: ScenarioSource,
    set: Overrides = None,
    progress: Optional["ProgressCallback"] = None,
) -> "Result":
    """Load (see :func:`load`) and run a scenario; returns its :class:`Result`, which remembers the
    resolved scenario (``result.scenario``) so that ``result.save(dir)`` can write it beside.

    ``progress(fraction_done, what)`` is called from the run's main loop (this thread), a few times
    a second at most; a one-off note (such as compiling the Soyuz kernels on a first run) comes
    first as ``progress(0.0, note)``. Inputs that cannot make a run raise :class:`InfeasibleScenario`.
    """
    from orbital.runners import first_run_note, run_scenario

    model = load(scenario, set)
    note = first_run_note(model) if progress is not None else None
    if note:
        progress(0.0, note)
    return run_scenario(model, progress=progress)


def sweep(
    scenario: ScenarioSource,
    vary: Optional[Mapping[str, Any]] = None,
    samples: Optional[int] = None,
    seed: Optional[int] = None,
    scheduler: Optional[str] = None,
    set: Overrides = None,
    progress: Optional["ProgressCallback"] = None,
    out: Union[str, "os.PathLike[str]", None] = None,
    overwrite: bool = False,
) -> "pandas.DataFrame":
    """Run ``scenario`` at every point of a grid of varied fields (or a Latin hypercube of
    ``samples`` points drawn with ``seed``); returns a table with one row per point: the varied
    fields in SI (``station.altitude_m``), then every summary key.

    ``vary``: ``{"station.altitude": "380..440:10km", "burn.delta_v": "110,128,140m/s"}`` (a
    range ``a..b:step``, a comma list, or a list of values; with ``samples``, ranges ``a..b``).
    ``scenario`` may be a sweep file (``sweep: {scenario: ..., vary: ...}``); the arguments given
    win over its fields. Every point is validated before any runs (:class:`ScenarioError` naming
    the point and the field). ``scheduler``: ``None``/``"auto"`` (here, or a LocalCluster once the points
    measure longer than a minute), ``"inprocess"``, ``"local"`` (a 2-worker LocalCluster) or ``"tcp://HOST:PORT"`` (:class:`SchedulerError` if unusable). ``progress`` is
    called per finished chunk of points. ``out``: also write the sweep's run directory there
    (``sweep.csv``, ``sweep.parquet``, ``sweep.yaml``, a figure per varied input), claimed as
    ``issim sweep --out`` claims it. The resolved sweep is in ``table.attrs["sweep"]``.
    """
    from orbital.progress import reporting
    from orbital.sweeps import plan_sweep, run_plan, write_sweep_dir

    plan = plan_sweep(scenario, vary, samples, seed, scheduler, set)
    if out is None:
        with reporting(progress):
            return run_plan(plan)
    from orbital.io.run_dirs import claim_out_dir

    with claim_out_dir(out, overwrite) as slot:
        with reporting(progress):
            table = run_plan(plan)
        write_sweep_dir(slot, table, plan)
    return table


def sensitivity(
    inputs: Union[Mapping[str, Any], "pandas.DataFrame"],
    outputs: Union[Mapping[str, Any], "pandas.DataFrame"],
    n_boot: int = 200,
    seed: int = 0,
) -> "Sensitivity":
    """Which input drives the spread of each output: per (output, input) the partial rank
    correlation (PRCC, with a 95 % interval and p-value) and, from 200 samples on, the first-order
    Sobol index from the given data (S1, a share of the variance, with a 95 % bootstrap interval).

    ``inputs`` and ``outputs``: name -> one value per sample (dicts of arrays, or DataFrames whose
    columns are the names), inputs in SI. Non-finite outputs (samples that did not land) are
    dropped and counted, constant inputs left out and named. The result's ``to_frame()`` is the
    long-form table, ``table(output)`` a :class:`Table`, ``png()`` the bar plots. Data that cannot
    be analysed (too few samples, ragged or non-finite inputs) raises :class:`SensitivityError`.
    """
    from orbital.analysis.sensitivity import sensitivity as analyse

    def columns(given: Any) -> Mapping[str, Any]:
        return {str(name): given[name].to_numpy() for name in given.columns} if hasattr(given, "columns") else given

    return analyse(columns(inputs), columns(outputs), n_boot=n_boot, seed=seed)


def read_run(run_dir: Union[str, "os.PathLike[str]"]) -> "Result":
    """Read a run directory (written by ``issim run`` or ``Result.save``) back into a :class:`Result`,
    with its scenario from ``scenario.yaml``; an unreadable directory raises :class:`RunDirError`."""
    from pathlib import Path

    from orbital.errors import RunDirError, ScenarioError
    from orbital.io.run_dirs import SCENARIO_FILE, read_run as read_dir
    from orbital.io.scenario import load as load_file

    result = read_dir(run_dir)
    scenario_path = Path(run_dir) / SCENARIO_FILE
    if not scenario_path.is_file():
        raise RunDirError(f"{run_dir}: not a readable issim run directory ({SCENARIO_FILE} is missing)")
    try:
        result.scenario = load_file(scenario_path)
    except ScenarioError as exc:
        raise RunDirError(f"{run_dir}: its {SCENARIO_FILE} does not load: {exc}") from None
    return result


def _override_texts(overrides: Overrides) -> list[str]:
    """``set=`` as the ``KEY=VALUE`` strings of ``--set``: a string value is kept as typed; any other
    value is written as YAML, which reads back as the same number, bool or list."""
    if overrides is None:
        return []
    if isinstance(overrides, str):
        return [overrides]
    if not isinstance(overrides, Mapping):
        return [str(text) for text in overrides]
    return [f"{key}={value if isinstance(value, str) else _yaml_flow(value)}" for key, value in overrides.items()]


def _yaml_flow(value: Any) -> str:
    """A number, bool, None or list (numpy ones too) as one line of YAML."""
    import json

    import yaml

    plain = json.loads(json.dumps(value, default=lambda item: item.tolist()))  # tuples, numpy -> lists, floats
    text = yaml.safe_dump([plain], default_flow_style=True, width=float("inf")).strip()
    return text[1:-1]  # the one item of the list: safe_dump of a bare scalar adds a document end
