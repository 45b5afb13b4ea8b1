"""The heads-up display: scenario, time, warp, the views' readouts, flashing events, key help."""

from datetime import datetime, timedelta

KEYS_HELP = (
    "space  pause / play\n"
    "+ / -  time warp up / down\n"
    "<- / ->  step back / forward\n"
    "r  restart\n"
    "c  cycle camera\n"
    "h  show / hide this help"
)
#: Wall seconds an event message stays up (fading over the last half).
FLASH_S = 3.0
TEXT_COLOR = (1.0, 1.0, 1.0, 0.95)
FLASH_COLOR = (1.0, 0.85, 0.2)
MARGIN_PX = 12
#: Rough width of a character of the flash (16 pt bold), to keep it inside its panel.
FLASH_CHAR_PX = 13


def format_elapsed(t_s):
    """``T+1 h 02 min 05 s`` style elapsed time."""
    rounded = int(round(t_s))
    sign, t = ("-" if rounded < 0 else "+"), abs(rounded)
    days, t = divmod(t, 86400)
    hours, t = divmod(t, 3600)
    minutes, seconds = divmod(t, 60)
    head = f"{days} d " if days else ""
    return f"T{sign}{head}{hours} h {minutes:02d} min {seconds:02d} s"


def format_warp(warp):
    """``1,000,000`` and ``500,000`` alike (thousands separators); ``2.5`` below 10."""
    return f"{warp:,.0f}" if warp >= 10 else f"{warp:g}"


class Hud:
    """Text overlays drawn on the canvas in pixels, over every view."""

    def __init__(self, canvas, result, legend=(), flash_panel=(0, 1)):
        from viz.overlay_text import OverlayText

        self.canvas, self.result = canvas, result
        self.epoch = datetime.fromisoformat(str(result.epoch_utc).replace("Z", ""))
        layer = canvas.scene
        self.status = OverlayText(layer, font_size=10, color=TEXT_COLOR)
        self.flash_text = OverlayText(layer, font_size=16, bold=True, color=FLASH_COLOR + (1.0,), anchor_x="center")
        self.help = OverlayText(layer, KEYS_HELP, font_size=10, color=TEXT_COLOR, anchor_x="right")
        self.footer = OverlayText(layer, font_size=8, color=(0.85, 0.85, 0.85, 0.9), hang="above")
        self.legend = "\n".join(legend)
        #: (index, count): events flash at the top centre of this one of ``count`` side-by-side panels
        self.flash_panel = flash_panel
        self.help.visible = False
        self._flash_left_s = 0.0
        self._last_t = None
        self._place()
        canvas.events.resize.connect(lambda event: self._place())

    def _place(self):
        width, height = self.canvas.size
        self.status.pos = (MARGIN_PX, MARGIN_PX)
        index, count = self.flash_panel
        self.flash_text.pos = ((index + 0.5) * width / count, MARGIN_PX + 30)
        self.help.pos = (width - MARGIN_PX, MARGIN_PX)
        self.footer.pos = (MARGIN_PX, height - MARGIN_PX)

    def toggle_help(self):
        self.help.visible = not self.help.visible

    def update(self, t_s, wall_dt_s, warp, paused, items, camera):
        """Redraw for simulation time ``t_s``; events crossed since the last update flash."""
        if self._last_t is not None and t_s > self._last_t:
            # events in the last FLASH_S of play (wall seconds times warp) flash, even after a jump
            recent = max(self._last_t, t_s - FLASH_S * warp)
            crossed = [e for e in self.result.events if recent < e.time_s <= t_s]
            if crossed:
                set_text(self.flash_text, flash_message(crossed[-1], self.canvas.size[0] / self.flash_panel[1]))
                self._flash_left_s = FLASH_S - (t_s - crossed[-1].time_s) / warp + wall_dt_s
        elif self._last_t is not None and t_s < self._last_t:
            self._flash_left_s = 0.0
        self._last_t = t_s
        self._flash_left_s = max(0.0, self._flash_left_s - wall_dt_s)
        self.flash_text.visible = self._flash_left_s > 0.0
        if self.flash_text.visible:  # a new colour redraws the text's image
            self.flash_text.color = FLASH_COLOR + (min(1.0, 2.0 * self._flash_left_s / FLASH_S),)
        clock = (self.epoch + timedelta(seconds=float(t_s))).strftime("%Y-%m-%d %H:%M:%S UTC")
        lines = [
            f"{self.result.scenario_name}  ({self.result.kind})",
            f"{clock}   {format_elapsed(t_s)}",
            f"warp x{format_warp(warp)}" + ("   PAUSED" if paused else ""),
        ]
        lines += [f"{name}: {value}" for name, value in items.items()]
        set_text(self.status, "\n".join(lines))
        set_text(self.footer, (self.legend + "\n" if self.legend else "") + f"camera: {camera}   (h: keys)")


def flash_message(event, panel_width_px):
    """``"tether taut: 26.000 m from the anchor"``, split after the colon if wider than the panel."""
    words = event.kind.replace("_", " ")
    message = event.message.strip()
    if not message or message.lower().startswith(words.lower()):
        return message or words
    text = f"{words}: {message}"
    return text if len(text) * FLASH_CHAR_PX <= panel_width_px - 2 * MARGIN_PX else f"{words}:\n{message}"


def set_text(visual, text):
    """Change a Text visual only when its text changes (laying text out is slow)."""
    if visual.text != text:
        visual.text = text
