"""Progress of long runs, through a callback the caller installs: library code never prints.

A runner calls :func:`report` from its main loop (the calling thread); whoever started the run
(the CLI's progress bar, a notebook) receives ``(fraction_done, what)``. With no callback
installed, :func:`report` does nothing and costs one context-variable read.
"""

import math
import time
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


@contextmanager
def within(lo: float, hi: float) -> Iterator[None]:
    """Reports made inside the ``with`` block, mapped into the share ``[lo, hi]`` of the caller's."""
    outer = _callback.get()
    with reporting(None if outer is None else (lambda fraction, what: outer(lo + (hi - lo) * fraction, what))):
        yield


def report(fraction_done: float, what: str = "") -> None:
    """Tell the installed callback (if any) how far the run has come, clipped to [0, 1]."""
    callback = _callback.get()
    if callback is not None:
        callback(min(max(float(fraction_done), 0.0), 1.0), what)


#: Shortest wall time (s) between two reports of one :class:`Stage`.
REPORT_INTERVAL_S = 0.25


class Stage:
    """One stage of a run, reporting to :func:`report` how far a quantity (a time, a falling
    height) has come from ``start`` to ``end``, mapped into the share ``[lo, hi]`` of the run.

    Call it with the quantity as often as you like: it reports at most every
    :data:`REPORT_INTERVAL_S` of wall time (the first call, and the stage's end, at once) and
    never backwards (an integrator tries and rejects steps). An infinite value means done.
    """

    def __init__(self, what: str, start: float = 0.0, end: float = 1.0, lo: float = 0.0, hi: float = 1.0):
        self.what, self.start, self.end, self.lo, self.hi = what, float(start), float(end), float(lo), float(hi)
        self.reached = self.lo
        self._reported = -math.inf
        self._next_report_s = -math.inf

    def __call__(self, value: float) -> None:
        value = float(value)
        if math.isnan(value):
            return
        share = 1.0 if self.end == self.start else (value - self.start) / (self.end - self.start)
        self.reached = max(self.reached, self.lo + (self.hi - self.lo) * min(max(share, 0.0), 1.0))
        now = time.monotonic()
        if self.reached > self._reported and (now >= self._next_report_s or self.reached >= self.hi):
            self._next_report_s, self._reported = now + REPORT_INTERVAL_S, self.reached
            report(self.reached, self.what)


@contextmanager
def share_of_run(lo: float, hi: float) -> Iterator[None]:
    """Reports made inside the ``with`` block (fractions 0 to 1) reach the installed callback as
    ``[lo, hi]`` of the run: one stage of a run made of stages that report on their own."""
    outer = _callback.get()
    with reporting(None if outer is None else lambda fraction, what: outer(lo + (hi - lo) * fraction, what)):
        yield
