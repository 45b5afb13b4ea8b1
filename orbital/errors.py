"""The error types a user of issim meets, in one module every room may import.

Each is a :class:`ValueError` whose ``str()`` is the whole user-facing message: it names
the field, the file or the line, the value found and what was expected. The CLI prints it
and exits with code 2. The public API re-exports the first three from ``orbital``.
"""


class ScenarioError(ValueError):
    """Bad scenario input. ``str(error)`` is the whole user-facing message."""


class InfeasibleScenario(ScenarioError):
    """Raised by a runner: inputs that each validate but together cannot make a run.

    The message names the fields and values to change; the CLI prints it and exits 2.
    """


class RunDirError(ValueError):
    """A run directory cannot be written or read; the message says why."""


class QuantityError(ValueError):
    """A quantity could not be read; the message says what was expected."""


class TLEError(ValueError):
    """A TLE that cannot be used; the message says which line and what is wrong."""


class SchedulerError(ValueError):
    """A Dask scheduler that cannot be used (a malformed address, nothing answering there); the
    message names the option or field, the value and what was expected."""


class SensitivityError(ValueError):
    """Per-sample data a sensitivity analysis cannot use (ragged, non-finite inputs, too few
    samples); the message names the input or output, the value and what was expected."""
