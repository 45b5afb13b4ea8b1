"""Picks the runner of a scenario by its ``kind`` and runs it."""

import importlib
from typing import Optional

from orbital.progress import ProgressCallback, reporting
from orbital.io.scenario import KINDS


def run_scenario(scenario, progress: Optional[ProgressCallback] = None):
    """Run a validated scenario model; returns an :class:`orbital.results.Result` that remembers
    the model (``result.scenario``, written as ``scenario.yaml`` by ``result.save``).

    ``progress(fraction_done, what)`` is called from the runner's loop, if given.
    """
    with reporting(progress):
        result = importlib.import_module(KINDS[scenario.kind]).run(scenario)
    result.scenario = scenario
    return result


def first_run_note(scenario):
    """A line for the user before a run that does some one-off work first (or None)."""
    note = getattr(importlib.import_module(KINDS[scenario.kind]), "first_run_note", None)
    return note() if note else None
