"""Shared fixtures: run the ``issim`` command as a user would, in this process or as the installed command."""

import contextlib
import io
import os
import signal
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


def ctrl_c_as_from_a_terminal():
    """A child's ``preexec_fn``: SIGINT at its default, as under a terminal. A shell's background job
    (a suite started with ``&``) passes SIGINT on ignored, and issim then leaves it so, as a program
    started under nohup should: a test of Ctrl-C would see it ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


#: The environment of every ``issim`` a test runs: a wide terminal's width, no colours.
CLI_ENV = {"COLUMNS": "200", "NO_COLOR": "1"}


@pytest.fixture
def issim(tmp_path, monkeypatch):
    """Run ``issim ARGS...`` in this process, in a temporary folder (or ``cwd``), with ``env`` added to
    the environment; returns a CompletedProcess: the exit code, and stdout and stderr apart.

    It calls ``orbital.cli.main`` as the installed command does (argv, exit code through SystemExit),
    without the start-up of a new Python. What only a real process shows (the entry point, signals,
    a terminal or a pipe, what start-up imports) is tested with ``issim_process``."""
    from orbital import cli

    def run(*args, cwd=None, env=None):
        argv = ["issim", *map(str, args)]
        out, err = io.StringIO(), io.StringIO()
        handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
        code = None
        with monkeypatch.context() as patch:
            patch.chdir(cwd or tmp_path)
            for key, value in {**CLI_ENV, **(env or {})}.items():
                patch.setenv(key, value)
            patch.setattr(sys, "argv", argv)
            try:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    cli.main()
            except SystemExit as exc:
                code = exc.code
            finally:  # main installs its Ctrl-C and SIGTERM handlers: give pytest its own back
                for number, handler in handlers.items():
                    signal.signal(number, handler)
        assert isinstance(code, int), f"issim ended without an exit code: {code!r}"
        return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())

    return run


@pytest.fixture
def issim_process(tmp_path):
    """Run the installed ``issim ARGS...`` as a subprocess in a temporary folder; returns the CompletedProcess."""

    def run(*args, cwd=None, timeout=300):
        return subprocess.run(
            [str(ISSIM), *map(str, args)],
            cwd=cwd or tmp_path,
            env={**os.environ, **CLI_ENV},
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


@pytest.fixture
def saved_run(tmp_path, monkeypatch):
    """A short spacewalk's run directory (tmp_path/run), HOME a fake one (tmp_path/home)."""
    from viz_helpers import bundled_result

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    return bundled_result("safer_return").save(tmp_path / "run")
