"""Picks the runner of a scenario by its ``kind`` (through the registry) and runs it."""

from typing import Optional

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
    return note() if note else None
