"""Picks the runner of a scenario by its ``kind`` and runs it."""

import importlib

from orbital.scenario import KINDS


def run_scenario(scenario):
    """Run a validated scenario model; returns an :class:`orbital.results.Result`."""
    return importlib.import_module(KINDS[scenario.kind]).run(scenario)


def first_run_note(scenario):
    """A line for the user before a run that does some one-off work first (or None)."""
    note = getattr(importlib.import_module(KINDS[scenario.kind]), "first_run_note", None)
    return note() if note else None
