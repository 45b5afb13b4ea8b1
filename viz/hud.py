"""The heads-up display: scenario, time, warp, the views' readouts, flashing events, key help."""

import math
import re
from datetime import datetime, timedelta

from viz.batch import Rects
from viz.numbers import format_quantity, round_figures
from viz.overlay_text import OverlayText, line_width_px, wrap
from viz.timeline import TIMELINE_PX

KEYS_HELP = (
    "space  pause / play\n"
    "+ / -  time warp up / down\n"
    "<- / ->  step back / forward\n"
    "r  restart\n"
    "c  cycle camera\n"
    "h  show / hide this help\n"
    "bottom bar  click / drag to jump"
)
#: Wall seconds an event message stays up (fading over the last half).
FLASH_S = 3.0
TEXT_COLOR = (1.0, 1.0, 1.0, 0.95)
FLASH_COLOR = (1.0, 0.85, 0.2)
MARGIN_PX = 12
#: The flash's font size (pt): the large one on panels at least FLASH_WIDE_PX wide.
FLASH_FONT_PT = 16
FLASH_SMALL_FONT_PT = 12
FLASH_WIDE_PX = 800
#: The flash's top (px) under the canvas's top edge; beside the status block, or under it
#: where there is no room beside it.
FLASH_TOP_PX = MARGIN_PX + 30
FOOTER_FONT_PT = 8
#: Drawing order of the key help, over every other overlay (the views are under 10, the live plots
#: and the side profile 11-13), on a backdrop of its own one order under it.
HELP_ORDER = 20
HELP_BACKDROP_COLOR = (0.0, 0.0, 0.05, 0.95)
#: Room (px) round the help's text inside its backdrop.
HELP_PAD_PX = 4
#: Events this close together in play (wall seconds) flash together, one line each.
TOGETHER_WALL_S = 0.3
#: Part of a panel's height, about its middle, that a flash keeps clear of: the followed subject.
SUBJECT_BAND = 0.3
#: A number with decimals, and three of them in brackets followed by a unit (a vector).
_NUMBER = re.compile(r"(?<![\w.])-?\d+\.\d+")
#: A number followed by a unit of length or speed.
_LENGTH = re.compile(r"(?<![\w.])(-?\d+(?:\.\d+)?)\s+((?:km|m|cm|mm)(?:/s)?)(?![\w/])")
_VECTOR = re.compile(r"[\[(]\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)\s*[\])]\s*(\S+)(?:\s+LVLH)?")


def format_elapsed(t_s):
    """``T+1 h 02 min 05 s`` style elapsed time."""
    rounded = int(round(t_s))
    sign, t = ("-" if rounded < 0 else "+"), abs(rounded)
    days, t = divmod(t, 86400)
    hours, t = divmod(t, 3600)
    minutes, seconds = divmod(t, 60)
    head = f"{days} d " if days else ""
    return f"T{sign}{head}{hours} h {minutes:02d} min {seconds:02d} s"


def format_utc(moment):
    """``2026-11-25 10:00:05 UTC``, rounded to the second as :func:`format_elapsed` rounds."""
    return (moment + timedelta(microseconds=500_000)).replace(microsecond=0).strftime("%Y-%m-%d %H:%M:%S UTC")


def format_warp(warp):
    """``1,000,000`` and ``500,000`` alike (thousands separators); ``2.5``, ``0.78`` below 10
    (two figures: the story's pace changes the warp from frame to frame)."""
    return f"{warp:,.0f}" if warp >= 10 else f"{warp:.2g}"


class Hud:
    """Text overlays drawn on the canvas in pixels, over every view."""

    def __init__(self, canvas, result, legend=(), flash_panel=(0, 1), own_keys=()):
        """``own_keys``: help lines of the views' own keys, listed after :data:`KEYS_HELP`."""
        self.canvas, self.result = canvas, result
        self.epoch = datetime.fromisoformat(str(result.epoch_utc).replace("Z", ""))
        layer = canvas.scene
        self.status = OverlayText(layer, font_size=10, color=TEXT_COLOR)
        self.flash_text = OverlayText(layer, font_size=FLASH_FONT_PT, bold=True, color=FLASH_COLOR + (1.0,), anchor_x="center")
        self.help = OverlayText(layer, "\n".join([KEYS_HELP, *own_keys]), font_size=10, color=TEXT_COLOR, anchor_x="right")
        self.footer = OverlayText(layer, font_size=FOOTER_FONT_PT, color=(0.85, 0.85, 0.85, 0.9), hang="above")
        self.legend = "\n".join(legend)
        self._footer_unwrapped = None
        #: (index, count): events flash at the top centre of this one of ``count`` side-by-side panels
        self.flash_panel = flash_panel
        self.help.order = HELP_ORDER
        self.help.visible = False
        self.help_backdrop = Rects(layer, order=HELP_ORDER - 1)
        #: ``() -> [(left, top, width, height)]`` px of other overlays the flash keeps clear of (the live plots)
        self.keep_clear = list
        self._flash_left_s = 0.0
        self._last_t = None
        self._place()
        canvas.events.resize.connect(lambda event: self._place())

    def _place(self):
        width, height = self.canvas.size
        self.status.pos = (MARGIN_PX, MARGIN_PX)
        self.help.pos = (width - MARGIN_PX, MARGIN_PX)
        self._place_help_backdrop()
        self.footer.pos = (MARGIN_PX, height - MARGIN_PX - TIMELINE_PX)  # over the timeline
        self._footer_unwrapped = None  # a new width: wrap the footer again at the next update
        self._place_flash()

    def _place_flash(self):
        """Put the flash on its panel where it covers nothing else: centred at the top, beside the
        status block or under it, or at the bottom above the footer; never over the help or the
        middle of the panel (where the followed subject is). The first place that is clear wins,
        else the one it overlaps least."""
        width, height = self.canvas.size
        left, right = self._flash_span_px()
        flash_w, flash_h = self.flash_text.size
        status_w, status_h = self.status.size
        help_w, help_h = self.help.size if self.help.visible else (0, 0)
        footer_w, footer_h = self.footer.size
        footer_top = self.footer.pos[1] - footer_h  # it hangs above the timeline
        keep_out = [
            (MARGIN_PX, MARGIN_PX, status_w, status_h),
            (width - MARGIN_PX - help_w, MARGIN_PX, help_w, help_h),
            (MARGIN_PX, footer_top, footer_w, footer_h),
            (left, height * (0.5 - SUBJECT_BAND / 2), right - left, height * SUBJECT_BAND),
            *self.keep_clear(),
        ]
        centre = 0.5 * (left + right)
        free_right = self._free_right_px()
        beside = max(centre, MARGIN_PX + status_w + MARGIN_PX + flash_w / 2)
        places = [
            (centre, FLASH_TOP_PX),
            (min(beside, free_right - flash_w / 2), FLASH_TOP_PX),
            (centre, MARGIN_PX + max(status_h, help_h) + 4),
            (centre, footer_top - 4 - flash_h),
        ]

        def overlap(place):
            x, y = place[0] - flash_w / 2, place[1]
            return sum(max(0.0, min(x + flash_w, bx + bw) - max(x, bx)) * max(0.0, min(y + flash_h, by + bh) - max(y, by)) for bx, by, bw, bh in keep_out)

        self.flash_text.bounds = (width, height)
        self.flash_text.pos = min(places, key=overlap)

    def _flash_span_px(self):
        """Left and right edges (px) of the flash's panel, inside the margins."""
        index, count = self.flash_panel
        panel = self.canvas.size[0] / count
        return index * panel + MARGIN_PX, (index + 1) * panel - MARGIN_PX

    def _free_right_px(self):
        """The right edge (px) of the flash's panel, or the left edge of an overlay in its top half
        (the live plots) where that comes first."""
        left, right = self._flash_span_px()
        return min([right] + [bx - MARGIN_PX for bx, by, bw, bh in self.keep_clear() if left < bx < right and by < self.canvas.size[1] / 2])

    def _flash_width_px(self):
        """Room (px) for the flash: its panel's top, less the status block and the overlays beside
        it (the live plots) where they leave room enough, else the whole panel."""
        left, right = self._flash_span_px()
        status_right = MARGIN_PX + self.status.size[0] + MARGIN_PX
        beside = self._free_right_px() - max(left, status_right)
        return beside if beside >= 0.45 * (right - left) else right - left

    def toggle_help(self):
        self.help.visible = not self.help.visible
        self._place_help_backdrop()

    def _place_help_backdrop(self):
        """The help's backdrop: behind its text while it is shown, so that it reads over the plots."""
        if not self.help.visible:
            self.help_backdrop.set([], [])
            return
        (x, y), (w, h) = self.help.corner, self.help.size
        pad = HELP_PAD_PX
        self.help_backdrop.set([(x - pad, y - pad, x + w + pad, y + h + pad)], [HELP_BACKDROP_COLOR])

    def update(self, t_s, wall_dt_s, warp, paused, items, camera):
        """Redraw for simulation time ``t_s``; events crossed since the last update flash."""
        if self._last_t is not None and t_s > self._last_t:
            # events in the last FLASH_S of play (wall seconds times warp) flash, even after a jump
            recent = max(self._last_t, t_s - FLASH_S * warp)
            crossed = [e for e in self.result.events if recent < e.time_s <= t_s]
            if crossed:
                left, right = self._flash_span_px()
                self.flash_text.font_size = FLASH_FONT_PT if right - left >= FLASH_WIDE_PX - 2 * MARGIN_PX else FLASH_SMALL_FONT_PT
                newest = crossed[-1].time_s
                # events close together in play flash together, the earliest first (at most three)
                together = [e for e in self.result.events if newest - TOGETHER_WALL_S * warp <= e.time_s <= newest][-3:]
                set_text(self.flash_text, "\n".join(flash_message(e, self._flash_width_px(), self.flash_text.font_size) for e in together))
                self._flash_left_s = FLASH_S - (t_s - newest) / warp + wall_dt_s
        elif self._last_t is not None and t_s < self._last_t:
            self._flash_left_s = 0.0
        self._last_t = t_s
        self._flash_left_s = max(0.0, self._flash_left_s - wall_dt_s)
        self.flash_text.visible = self._flash_left_s > 0.0
        if self.flash_text.visible:  # a new colour redraws the text's image
            self.flash_text.color = FLASH_COLOR + (min(1.0, 2.0 * self._flash_left_s / FLASH_S),)
        clock = format_utc(self.epoch + timedelta(seconds=float(t_s)))
        lines = [
            f"{self.result.scenario_name}  ({self.result.kind})",
            f"{clock}   {format_elapsed(t_s)}",
            f"warp x{format_warp(warp)}" + ("   PAUSED" if paused else ""),
        ]
        lines += [f"{name}: {value}" for name, value in items.items()]
        done = [e for e in self.result.events if e.time_s <= t_s]
        if done and not self.flash_text.visible:  # what happened last stays said (a failed rescue, a touchdown)
            last = f"last event ({format_elapsed(done[-1].time_s)}): {headline(done[-1])}"
            lines.append(wrap(last, 0.45 * self.canvas.size[0], 10))
        set_text(self.status, "\n".join(lines))
        footer = (self.legend + "\n" if self.legend else "") + f"camera: {camera}   (h: keys)"
        if footer != self._footer_unwrapped:  # wrapping measures every word: only when it changes
            self._footer_unwrapped = footer
            set_text(self.footer, wrap(footer, self.canvas.size[0] - 2 * MARGIN_PX, FOOTER_FONT_PT))
        if self.flash_text.visible:
            self._place_flash()


def headline(event):
    """An event in words: ``"tether taut: 26 m from the anchor"`` (the event's kind, unless its
    message has a heading of its own), numbers to three figures, lengths and speeds in units that
    suit them (:func:`viz.numbers.format_quantity`: ``"0.80 m"`` -> ``"80 cm"``), a vector as its length
    (``"delta-v (0.241, -0.186, 0.456) m/s LVLH"`` -> ``"delta-v 0.55 m/s"``)."""
    words = event.kind.replace("_", " ")
    message = _VECTOR.sub(lambda m: f"{round_figures(math.hypot(*(float(m.group(k)) for k in (1, 2, 3))))} {m.group(4)}", event.message.strip())
    message = _LENGTH.sub(lambda m: format_quantity(float(m.group(1)), m.group(2)), message)
    message = _NUMBER.sub(lambda m: round_figures(float(m.group(0))), message)
    return f"{words}: {message}" if message and ":" not in message and not message.lower().startswith(words.lower()) else (message or words)


def flash_message(event, width_px, font_size_pt=FLASH_FONT_PT):
    """The :func:`headline` of ``event``; wider than ``width_px``, split after the colon, and
    lines still too wide wrapped between words."""
    text = headline(event)
    if line_width_px(text, font_size_pt, bold=True) <= width_px:
        return text
    head, sep, tail = text.partition(": ")
    return wrap(f"{head}:\n{tail}" if sep else text, width_px, font_size_pt, bold=True)


def set_text(visual, text):
    """Change a text block only when its text changes (laying text out costs time)."""
    if visual.text != text:
        visual.text = text
