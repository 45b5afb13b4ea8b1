"""Picks the runner of a scenario by its ``kind`` (through the registry) and runs it."""

import time
from typing import Callable, Optional

from orbital.kinds import kind_spec
from orbital.progress import ProgressCallback, reporting


def run_scenario(scenario, progress: Optional[ProgressCallback] = None):
    """Run a validated scenario model; returns an :class:`orbital.result.Result` that remembers
    the model (``result.scenario``, written as ``scenario.yaml`` by ``result.save``).

    ``progress(fraction_done, what)`` is called from the runner's loop, if given.
    """
    spec = kind_spec(scenario.kind)
    with reporting(progress):
        result = spec.run(scenario)
    result.scenario = scenario
    result.display = spec.display
    return result


def first_run_note(scenario) -> Optional[str]:
    """A line for the user before a run that does some one-off work first (or None)."""
    note = kind_spec(scenario.kind).first_run_note
    return note(scenario) if note else None


#: What :func:`warm_up` runs: a bundled scenario and its overrides (short, but on every path a
#: compiled kind takes: the Soyuz's descent and guidance, a footprint's batch, the station's DOP853).
#: The first, one descent under a table law, compiles nothing (it flies interpreted,
#: :func:`orbital.propagation.batch_integrator.runs_interpreted`): it derives the land mask and
#: the Earth-orientation table.
WARM_UP_RUNS = (
    ("soyuz_nominal", ()),
    ("soyuz_footprint", ("n_samples=4",)),
    ("iss_orbit", ("duration=1 h",)),
    ("gordon_tethered", ("duration=2 min",)),
    ("soyuz_nominal", ("guidance.mode=predictor_corrector",)),
)


def warm_up(done: Optional[Callable[[str, float], None]] = None) -> None:
    """Do a first run's one-off work ahead (compile and cache the kernels, derive the land mask and
    the Earth-orientation table into issim's cache) by running :data:`WARM_UP_RUNS`, nothing written
    but the cache; ``done(scenario_name, seconds)`` after each."""
    from orbital.io.scenario import load

    for name, overrides in WARM_UP_RUNS:
        start = time.perf_counter()
        run_scenario(load(name, list(overrides)))
        if done is not None:
            done(name, time.perf_counter() - start)
