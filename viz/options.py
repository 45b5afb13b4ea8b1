"""Checks of the ``issim view`` options; each error names the option, the value and what was expected."""

import math
import os
import re
from pathlib import Path

from viz.export import FORMATS
from orbital.errors import QuantityError

MAX_SIDE_PX = 7680
MAX_FPS = 120


class OptionError(ValueError):
    """A bad ``issim view`` option; the message is meant for the user."""


def parse_size(text):
    """``"1280x720"`` -> ``(1280, 720)``: even sides (H.264) from 16 to 7680 px."""
    match = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", str(text))
    if not match:
        raise OptionError(f"--size {text!r}: expected WIDTHxHEIGHT in pixels, e.g. 1280x720")
    width, height = int(match.group(1)), int(match.group(2))
    if not (16 <= width <= MAX_SIDE_PX and 16 <= height <= MAX_SIDE_PX) or width % 2 or height % 2:
        raise OptionError(f"--size {text!r}: expected even width and height from 16 to {MAX_SIDE_PX} px")
    return width, height


def check_fps(fps):
    if not 1 <= fps <= MAX_FPS:
        raise OptionError(f"--fps {fps}: expected frames per second from 1 to {MAX_FPS}")
    return fps


def check_pace(pace):
    from viz.pacing import PACES

    if pace not in PACES:
        raise OptionError(f"--pace {pace!r}: expected {' or '.join(PACES)}")
    return pace


def check_duration(duration_s):
    if not 0.0 < duration_s <= 3600.0:
        raise OptionError(f"--duration {duration_s:g}: expected a video length in seconds, above 0 and at most 3600")
    return duration_s


#: Words ``--time`` takes for the ends of the played span.
SPAN_ENDS = ("start", "end")
#: ``issim run`` prints event times to 0.1 s: a printed time is within half of that of the event.
PRINTED_EVENT_TIME_S = 0.1


def parse_time(text):
    """``--time``: seconds since the epoch, a bare number or with units ("20 min"), or
    ``start`` / ``end`` of the played span (returned as the word)."""
    from orbital.quantities import to_si

    if str(text).strip().lower() in SPAN_ENDS:
        return str(text).strip().lower()
    try:
        return to_si(text if not _is_number(text) else float(text), "s", "s")
    except QuantityError as exc:
        raise OptionError(f"--time {text!r}: {exc}; expected a time since the epoch, e.g. 1200 or '20 min', or start or end") from None


def check_time_in_span(text, t_s, span_s, span_words):
    """``--time`` in the played span ``(t0_s, t1_s)``, returned in seconds (``start``/``end`` its
    ends; a time within the rounding of the event table, 0.05 s, of an end is that end, so any
    time the table prints is taken); the message gives the span in s, rounded outwards to the
    ms, and in d/h/min."""
    from viz.hud import format_elapsed

    t0_s, t1_s = span_s
    if t_s in SPAN_ENDS:
        return t0_s if t_s == "start" else t1_s
    low, high = math.floor(t0_s * 1e3) / 1e3, math.ceil(t1_s * 1e3) / 1e3
    slack_s = 0.5 * PRINTED_EVENT_TIME_S
    if not low - slack_s <= t_s <= high + slack_s:
        raise OptionError(
            f"--time {text!r}: expected a time {span_words}, between {_seconds(low)} s ({format_elapsed(t0_s)}) "
            f"and {_seconds(high)} s ({format_elapsed(t1_s)}) after the epoch, or start or end"
        )
    return min(max(t_s, t0_s), t1_s)


def _seconds(t_s):
    return f"{t_s:.3f}".rstrip("0").rstrip(".")


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def check_export_path(text, time_given, overwrite=False):
    """The export file: a known suffix, in an existing writable folder, new unless ``overwrite``; ``--time`` only for .png."""
    path = Path(text)
    if str(text).endswith(("/", os.sep)) or os.altsep and str(text).endswith(os.altsep):
        raise OptionError(f"--export {text!r}: ends with a slash, so names a folder; expected a file name, e.g. {path.name or 'orbit.mp4'}")
    if path.suffix.lower() not in FORMATS:
        raise OptionError(f"--export {text!r}: expected a file ending in {', '.join(FORMATS)}")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise OptionError(f"--export {text!r}: folder {str(folder)!r} does not exist or is not writable")
    if path.is_dir():
        raise OptionError(f"--export {text!r}: is a directory; expected a file name")
    _probe_writable(text, folder)
    if path.exists() and not overwrite:
        raise OptionError(f"--export {text!r}: the file exists; expected a new file name (or pass --overwrite to replace it)")
    if time_given and path.suffix.lower() != ".png":
        raise OptionError(f"--time: only with --export FILE.png (a single frame); got {text!r}")
    return path


def _probe_writable(text, folder):
    """Create and remove a file in ``folder``: the real test that the export can be written there."""
    import tempfile

    try:
        with tempfile.NamedTemporaryFile(prefix=".issim-probe.", dir=folder):
            pass
    except OSError as exc:
        raise OptionError(f"--export {text!r}: cannot write in folder {str(folder)!r} ({exc.strerror or exc}); expected a writable folder") from None


def check_export_options(path, fps_given, duration_given, warp_given):
    """Options that an export of this kind would ignore are refused, each named."""
    if warp_given:
        raise OptionError(f"--warp: only for the window; an export plays the whole span in --duration (got --export {str(path)!r})")
    if path.suffix.lower() == ".png" and (fps_given or duration_given):
        option = "--fps" if fps_given else "--duration"
        raise OptionError(f"{option}: only for a video (.mp4, .gif); a .png is one frame, chosen by --time (got --export {str(path)!r})")


def check_window_options(fps_given, duration_given, time_given, overwrite):
    """Options that only an export uses are refused for the window, each named."""
    given = [name for name, on in (("--fps", fps_given), ("--duration", duration_given), ("--time", time_given), ("--overwrite", overwrite)) if on]
    if given:
        raise OptionError(f"{given[0]}: only with --export FILE; the window plays the run live (use --warp for its speed)")
