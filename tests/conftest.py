"""Shared fixtures: run the installed ``issim`` command as a user would."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests are reproducible in CI (the same examples every run, no example database)
# and never fail on a slow shared machine: bounds come from max_examples, not deadlines.
settings.register_profile(
    "issim",
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("issim")

ISSIM = Path(sys.executable).with_name("issim")


@pytest.fixture
def issim(tmp_path):
    """Run ``issim ARGS...`` in a temporary folder; returns the CompletedProcess."""

    def run(*args, cwd=None, timeout=300):
        env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
        return subprocess.run(
            [str(ISSIM), *map(str, args)],
            cwd=cwd or tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run


@pytest.fixture
def write_yaml(tmp_path):
    """Write YAML text to a file in the temporary folder; returns its path."""

    def write(text, name="scenario.yaml"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def dask_cluster():
    """One 2-worker Dask LocalCluster (processes, one thread each) on 127.0.0.1 for the whole
    session; yields its ``tcp://127.0.0.1:PORT`` address. Tests that use it are marked ``cluster``."""
    import logging

    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    try:
        yield cluster
    finally:
        cluster.close()
