"""Text on the canvas in pixels, rendered by Pillow into one small image per block.

vispy's Text visual lays a string out glyph by glyph in Python, some milliseconds
for the HUD's ten lines, and the HUD changes every frame. Pillow lays out and
rasterises the same block in a fraction of that; the image is redrawn only when
the text or its colour changes. Each block gets a dark outline, so it reads on
white modules and on the bright Earth alike. The font is the OpenSans that vispy ships.
"""

import functools
import math
from pathlib import Path

import numpy as np

#: Screen pixels per typographic point (vispy's Text sizes at 96 dpi too).
PX_PER_PT = 96.0 / 72.0
#: Outline thickness (px) and opacity (0..1).
OUTLINE_PX = 2
OUTLINE_ALPHA = 0.7
#: Image widths and heights are rounded up to this many pixels (fewer texture reallocations).
ROUND_PX = 16


@functools.lru_cache(maxsize=None)
def _font(size_px, bold):
    from PIL import ImageFont
    from vispy.util import fonts

    name = "OpenSans-Bold.ttf" if bold else "OpenSans-Regular.ttf"
    # the basic layout: several times faster than raqm, and the HUD is plain left-to-right text
    return ImageFont.truetype(str(Path(fonts.__file__).parent / "data" / name), size_px, layout_engine=ImageFont.Layout.BASIC)


@functools.lru_cache(maxsize=512)
def _line_mask(line, size_px, bold):
    """Coverage (h, w) uint8 of one line, h the font's line height (lines stack without gaps);
    cached, as a HUD changes only a few of its lines a frame."""
    from PIL import Image, ImageDraw

    font = _font(size_px, bold)
    ascent, descent = font.getmetrics()
    image = Image.new("L", (max(1, math.ceil(font.getlength(line))), ascent + descent), 0)
    ImageDraw.Draw(image).text((0, 0), line, fill=255, font=font, anchor="la")
    return np.asarray(image)


def _size_px(font_size_pt):
    """Font size in whole pixels (at least 1) for a size in points."""
    return max(1, int(round(font_size_pt * PX_PER_PT)))


def line_width_px(line, font_size_pt, bold=False):
    """Width (px) of one line of text as :class:`OverlayText` draws it (outline not counted)."""
    return _font(_size_px(font_size_pt), bold).getlength(line)


def wrap(text, width_px, font_size_pt, bold=False):
    """``text`` with each of its lines wrapped between words to ``width_px`` (a single word
    wider than that stands alone on its line)."""
    out = []
    for line in text.split("\n"):
        wrapped = []
        for word in line.split(" "):
            if wrapped and line_width_px(f"{wrapped[-1]} {word}", font_size_pt, bold) <= width_px:
                wrapped[-1] = f"{wrapped[-1]} {word}"
            else:
                wrapped.append(word)
        out += wrapped
    return "\n".join(out)


def _dilate(mask, radius):
    """Max filter of ``mask`` over a (2 radius + 1) square, by shifted maxima (rows, then columns)."""
    out = mask.copy()
    for k in range(1, radius + 1):
        np.maximum(out[k:], mask[:-k], out=out[k:])
        np.maximum(out[:-k], mask[k:], out=out[:-k])
    rows = out.copy()
    for k in range(1, radius + 1):
        np.maximum(out[:, k:], rows[:, :-k], out=out[:, k:])
        np.maximum(out[:, :-k], rows[:, k:], out=out[:, :-k])
    return out


def text_masks(text, font_size_pt, bold=False, align="left"):
    """Coverage of the glyphs and of their outline, (H, W) float32 in 0..1, and the block's
    own size (w, h) px inside them (the images are rounded up to :data:`ROUND_PX`)."""
    size_px = _size_px(font_size_pt)
    lines = [_line_mask(line, size_px, bold) for line in text.split("\n")]
    pad = OUTLINE_PX + 1
    own_w = max(line.shape[1] for line in lines) + 2 * pad
    own_h = sum(line.shape[0] for line in lines) + 2 * pad
    fill = np.zeros((-(-own_h // ROUND_PX) * ROUND_PX, -(-own_w // ROUND_PX) * ROUND_PX), np.uint8)
    y = pad
    for line in lines:
        h, w = line.shape
        x = pad + {"left": 0, "center": (own_w - 2 * pad - w) // 2, "right": own_w - 2 * pad - w}[align]
        fill[y : y + h, x : x + w] = line
        y += h
    outline = _dilate(fill, OUTLINE_PX)
    return fill.astype(np.float32) / 255.0, outline.astype(np.float32) / 255.0, (own_w, own_h)


def compose(fill, outline, rgba):
    """RGBA (H, W, 4) float32: glyphs in ``rgba`` over a dark outline, straight (not premultiplied) alpha."""
    r, g, b, a = rgba
    f = fill * a
    o = outline * (OUTLINE_ALPHA * a)
    alpha = f + o * (1.0 - f)
    weight = np.divide(f, alpha, out=np.zeros_like(f), where=alpha > 0.0)
    return np.dstack([weight * r, weight * g, weight * b, alpha]).astype(np.float32)


class OverlayText:
    """A block of text at ``pos`` (canvas px, y down) under ``parent`` (the canvas scene).

    ``anchor_x``: ``left``, ``center`` or ``right`` edge at ``pos``; lines align to it too.
    ``hang``: ``below`` puts the block's top at ``pos``, ``above`` its bottom, ``middle`` its middle.
    ``bounds``: ``(width, height)`` px of the parent's area to keep the whole block inside, or None.
    ``text``, ``color``, ``pos``, ``bounds``, ``visible`` and ``order`` can be set at any time.
    """

    def __init__(self, parent, text="", font_size=10, color=(1.0, 1.0, 1.0, 1.0), bold=False, anchor_x="left", hang="below", pos=(0.0, 0.0)):
        from vispy import scene
        from vispy.visuals.transforms import STTransform

        self.font_size, self.bold, self.anchor_x, self.hang = font_size, bold, anchor_x, hang
        # 8-bit texels: a quarter of the upload of float ones, and cheaper for a software rasteriser to sample
        self._image = scene.visuals.Image(np.zeros((1, 1, 4), np.uint8), parent=parent, clim=(0, 255), interpolation="nearest")
        self._image.set_gl_state("translucent", depth_test=False)
        self._image.transform = STTransform()
        self._image.order = 10  # over the views
        self._text, self._color, self._pos = None, tuple(color), (float(pos[0]), float(pos[1]))
        self.bounds = None
        self._masks = None
        self._corner = None
        self.text = text

    @property
    def order(self):
        """Drawing order among the canvas's visuals (10: over the views)."""
        return self._image.order

    @order.setter
    def order(self, value):
        self._image.order = value

    @property
    def text(self):
        return self._text

    @text.setter
    def text(self, value):
        if value == self._text:
            return
        self._text = value
        self._masks = text_masks(value, self.font_size, self.bold, self.anchor_x) if value else None
        self._redraw()

    @property
    def color(self):
        return self._color

    @color.setter
    def color(self, rgba):
        rgba = tuple(float(c) for c in rgba)
        if rgba != self._color:
            self._color = rgba
            self._redraw()

    @property
    def pos(self):
        return self._pos

    @pos.setter
    def pos(self, xy):
        self._pos = (float(xy[0]), float(xy[1]))
        self._place()

    @property
    def size(self):
        """``(width, height)`` px of the block (outline included); (0, 0) without text."""
        return (0, 0) if self._masks is None else self._masks[2]

    @property
    def visible(self):
        return self._image.visible

    @visible.setter
    def visible(self, value):
        self._image.visible = bool(value)

    def _redraw(self):
        if self._masks is None:
            self._image.set_data(np.zeros((1, 1, 4), np.uint8))
        else:
            self._image.set_data(np.round(compose(self._masks[0], self._masks[1], self._color) * 255.0).astype(np.uint8))
        self._place()

    def _place(self):
        width, height = (0, 0) if self._masks is None else self._masks[2]
        x, y = self._pos
        x -= {"left": 0.0, "center": 0.5, "right": 1.0}[self.anchor_x] * width
        y -= {"below": 0.0, "middle": 0.5, "above": 1.0}[self.hang] * height
        if self.bounds is not None:
            x = min(max(x, 0.0), max(self.bounds[0] - width, 0.0))
            y = min(max(y, 0.0), max(self.bounds[1] - height, 0.0))
        corner = (round(x), round(y))
        if corner != self._corner:  # vispy recomputes the transform chain on every set
            self._corner = corner
            self._image.transform.translate = (*corner, 0.0)
