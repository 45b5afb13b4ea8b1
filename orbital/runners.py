"""Picks the runner of a scenario by its ``kind`` and runs it."""

import importlib

from orbital.scenario import KINDS


def run_scenario(scenario):
    """Run a validated scenario model; returns an :class:`orbital.results.Result`."""
    return importlib.import_module(KINDS[scenario.kind]).run(scenario)
