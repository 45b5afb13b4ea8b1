"""Progress of long runs, through a callback the caller installs: library code never prints.

A runner calls :func:`report` from its main loop (the calling thread); whoever started the run
(the CLI's progress bar, a notebook) receives ``(fraction_done, what)``. With no callback
installed, :func:`report` does nothing and costs one context-variable read.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Callable, Iterator, Optional

#: ``callback(fraction_done in [0, 1], what is being done)``
ProgressCallback = Callable[[float, str], None]

_callback: ContextVar[Optional[ProgressCallback]] = ContextVar("issim_progress", default=None)


@contextmanager
def reporting(callback: Optional[ProgressCallback]) -> Iterator[None]:
    """Send the :func:`report` calls made inside the ``with`` block to ``callback``."""
    token = _callback.set(callback)
    try:
        yield
    finally:
        _callback.reset(token)


def report(fraction_done: float, what: str = "") -> None:
    """Tell the installed callback (if any) how far the run has come, clipped to [0, 1]."""
    callback = _callback.get()
    if callback is not None:
        callback(min(max(float(fraction_done), 0.0), 1.0), what)
