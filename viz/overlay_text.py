"""Text on the canvas in pixels, rendered by Pillow into one small image per block.

vispy's Text visual lays a string out glyph by glyph in Python, some milliseconds
for the HUD's ten lines, and the HUD changes every frame. Pillow lays out and
rasterises the same block in a fraction of that; the image is redrawn only when
the text or its colour changes. Each block gets a dark outline, so it reads on
white modules and on the bright Earth alike. The font is the OpenSans that vispy ships.

The blocks under one parent at one drawing order share one visual (:class:`TextLayer`): their
images sit side by side in one texture and are drawn as textured rectangles in one draw call, by
a shader that only samples the texture. vispy's Image visual per block cost a draw call each (about
half a millisecond of Python) and a colour pipeline (clim, gamma) the rasteriser ran per pixel.
"""

import functools
import math
import re
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
    cached, as a HUD changes only a few of its lines a frame. Put together from its words' own
    coverages where that gives the very pixels Pillow draws for the whole line (:func:`_words_mask`):
    a readout's changing number is then the only thing drawn (Pillow's time grows with the glyphs)."""
    words = _words_mask(line, size_px, bold)
    return words if words is not None else _drawn_mask(line, size_px, bold)


def _drawn_mask(line, size_px, bold, margin=0):
    """Coverage of ``line`` drawn by Pillow with its pen starting ``margin`` px from the left edge of an
    image ``margin`` px wider each side than its advance."""
    from PIL import Image, ImageDraw

    font = _font(size_px, bold)
    ascent, descent = font.getmetrics()
    image = Image.new("L", (max(1, math.ceil(font.getlength(line))) + 2 * margin, ascent + descent), 0)
    ImageDraw.Draw(image).text((margin, 0), line, fill=255, font=font, anchor="la")
    return np.asarray(image)


@functools.lru_cache(maxsize=2048)
def _word_ink(word, size_px, bold):
    """``(left, ink, advance)`` of a word drawn alone, its pen at x = 0: the columns that have ink
    (h, w) uint8 starting ``left`` px from the pen (a j's tail reaches left of it), and its advance (px);
    None if its ink reaches the edge of the room drawn round it."""
    margin = size_px  # room for ink beyond the advance
    drawn = _drawn_mask(word, size_px, bold, margin)
    columns = np.flatnonzero(drawn.any(axis=0))
    advance = _font(size_px, bold).getlength(word)
    if len(columns) == 0:
        return 0, drawn[:, :0], advance
    if columns[0] == 0 or columns[-1] == drawn.shape[1] - 1:  # ink may run past the image: not to be trusted
        return None
    return int(columns[0]) - margin, drawn[:, columns[0] : columns[-1] + 1], advance


@functools.lru_cache(maxsize=4096)
def _advance(text, size_px, bold):
    """Advance (px) of ``text``, Pillow's ``getlength``."""
    return _font(size_px, bold).getlength(text)


def _unkerned(left, right, size_px, bold):
    """True if the characters ``left`` and ``right`` side by side advance as far as each alone (no kerning)."""
    return _advance(left + right, size_px, bold) == _advance(left, size_px, bold) + _advance(right, size_px, bold)


def _words_mask(line, size_px, bold):
    """:func:`_drawn_mask` of ``line`` put together from its words' coverages (:func:`_word_ink`), or
    None where that could differ: fewer than two words, an advance of a fraction of a pixel (a glyph
    would be drawn shifted by it), kerning across a space, or ink of two words in the same column."""
    pieces = [piece for piece in re.split("( +)", line) if piece]
    if sum(piece[0] != " " for piece in pieces) < 2:
        return None
    x, placed = 0.0, []
    for k, piece in enumerate(pieces):
        if k and not _unkerned(pieces[k - 1][-1], piece[0], size_px, bold):
            return None
        if piece[0] == " ":
            advance = _advance(piece, size_px, bold)
        else:
            word = _word_ink(piece, size_px, bold)
            if word is None:
                return None
            left, ink, advance = word
            if placed and x + left < placed[-1][0] + placed[-1][1].shape[1]:
                return None
            if ink.shape[1]:
                placed.append((int(x) + left, ink))
        if advance != int(advance):
            return None
        x += advance
    ascent, descent = _font(size_px, bold).getmetrics()
    out = np.zeros((ascent + descent, max(1, math.ceil(x))), np.uint8)
    for start, ink in placed:
        lo, hi = max(start, 0), min(start + ink.shape[1], out.shape[1])
        if hi > lo:
            out[:, lo:hi] = ink[:, lo - start : hi - start]
    return out


def _size_px(font_size_pt):
    """Font size in whole pixels (at least 1) for a size in points."""
    return max(1, int(round(font_size_pt * PX_PER_PT)))


def line_width_px(line, font_size_pt, bold=False):
    """Width (px) of one line of text as :class:`OverlayText` draws it (outline not counted)."""
    return _font(_size_px(font_size_pt), bold).getlength(line)


@functools.lru_cache(maxsize=256)
def wrap(text, width_px, font_size_pt, bold=False):
    """``text`` with each of its lines wrapped between words to ``width_px`` (a single word
    wider than that stands alone on its line); cached, as the HUD wraps the same lines frame after frame."""
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


def fit(candidates, width_px, font_size_pt, bold=False):
    """The first of ``candidates`` (one-line texts, the fullest first) that fits ``width_px`` as
    :class:`OverlayText` draws it (outline included); else the last, cut to fit and ended with an
    ellipsis. For a title over a panel: a second line would cover what is above it."""
    room = width_px - 2 * (OUTLINE_PX + 1)
    for text in candidates:
        if line_width_px(text, font_size_pt, bold) <= room:
            return text
    text = candidates[-1]
    while text and line_width_px(text + "\u2026", font_size_pt, bold) > room:
        text = text[:-1]
    return text.rstrip() + "\u2026"


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
    fill, outline, size = _text_masks8(text, font_size_pt, bold, align)
    return fill.astype(np.float32) / 255.0, outline.astype(np.float32) / 255.0, size


def _text_masks8(text, font_size_pt, bold=False, align="left"):
    """:func:`text_masks` in 0..255 (H, W) uint8."""
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
    return fill, _dilate(fill, OUTLINE_PX), (own_w, own_h)


def compose(fill, outline, rgba):
    """RGBA (H, W, 4) float32: glyphs in ``rgba`` over a dark outline, straight (not premultiplied) alpha."""
    r, g, b, a = rgba
    f = fill * a
    o = outline * (OUTLINE_ALPHA * a)
    alpha = f + o * (1.0 - f)
    weight = np.divide(f, alpha, out=np.zeros_like(f), where=alpha > 0.0)
    return np.dstack([weight * r, weight * g, weight * b, alpha]).astype(np.float32)


@functools.lru_cache(maxsize=64)
def _compose_table(rgba):
    """:func:`compose` in 8 bits of every pair of 8-bit glyph and outline coverages, (65536,) uint32
    (RGBA bytes) indexed by ``fill * 256 + outline``: a block's image is a lookup per pixel, the
    same bytes as composing it (the arithmetic is per pixel)."""
    levels = np.arange(256, dtype=np.float32) / 255.0
    fill, outline = np.meshgrid(levels, levels, indexing="ij")
    return np.round(compose(fill, outline, rgba) * 255.0).astype(np.uint8).reshape(-1, 4).view(np.uint32).ravel()


def compose8(fill, outline, rgba):
    """RGBA (H, W, 4) uint8 of 8-bit coverages ``fill`` and ``outline`` (H, W): :func:`compose`
    rounded to bytes, by table."""
    index = fill.astype(np.intp) << 8
    index |= outline
    return _compose_table(tuple(rgba))[index].view(np.uint8).reshape(*fill.shape, 4)


#: Width (texels) of a layer's texture (wider only for a wider block); its height grows by
#: :data:`ATLAS_ROWS_PX` as blocks need it.
ATLAS_WIDTH_PX = 2048
ATLAS_ROWS_PX = 256
#: A block's place in the texture is rounded up to this many texels across, so that a line growing
#: by a few pixels (the HUD's clock) keeps its place and only its texels are uploaded.
SLOT_ROUND_PX = 64

_VERTEX_SHADER = """
attribute vec2 a_position;
attribute vec2 a_texcoord;
varying vec2 v_texcoord;
void main() {
    v_texcoord = a_texcoord;
    gl_Position = $transform(vec4(a_position, 0.0, 1.0));
}
"""
_FRAGMENT_SHADER = """
uniform sampler2D u_atlas;
varying vec2 v_texcoord;
void main() {
    gl_FragColor = texture2D(u_atlas, v_texcoord);
}
"""


@functools.cache
def text_layer_class():
    """:class:`TextLayer`, a vispy visual node (defined on first use: importing vispy.scene needs
    the system's fontconfig)."""
    from vispy import gloo
    from vispy.scene.visuals import create_visual_node
    from vispy.visuals import Visual

    class TextLayerVisual(Visual):
        """The images of many text blocks in one texture, drawn as one rectangle each (canvas px of
        the parent, integer corners: one texel a pixel, sampled at its centre) in one draw call.

        A block is ``(image, corner, visible)``; :meth:`put` stores its image (uploading only its
        texels when it fits the place it had), :meth:`place` moves or hides it.
        """

        def __init__(self):
            super().__init__(vcode=_VERTEX_SHADER, fcode=_FRAGMENT_SHADER)
            self._texture = gloo.Texture2D(shape=(ATLAS_ROWS_PX, ATLAS_WIDTH_PX, 4), format="rgba", interpolation="nearest")
            self._texels = np.zeros((ATLAS_ROWS_PX, ATLAS_WIDTH_PX, 4), np.uint8)
            self._positions = gloo.VertexBuffer(np.zeros((6, 2), np.float32))
            self._texcoords = gloo.VertexBuffer(np.zeros((6, 2), np.float32))
            self.shared_program["u_atlas"] = self._texture
            self.shared_program["a_position"] = self._positions
            self.shared_program["a_texcoord"] = self._texcoords
            self._draw_mode = "triangles"
            #: per block (in drawing order): its image's size (w, h), its slot (x, y, w, h) in the texture, corner, visible
            self._blocks = {}
            self._shelf = (0, 0, 0)  # the next free x, the shelf's top and its height
            self._quads_dirty = True
            self._resized = True  # the texture's texels are to be uploaded whole
            self._vertex_count = 0
            self.set_gl_state("translucent", depth_test=False)

        def put(self, key, image):
            """Store ``image`` (h, w, 4) uint8 as block ``key``'s, in its old place if it fits there."""
            h, w = image.shape[:2]
            block = self._blocks.setdefault(key, {"size": (0, 0), "slot": None, "corner": (0, 0), "visible": False})
            slot = block["slot"]
            if slot is None or w > slot[2] or h > slot[3]:
                block["slot"] = slot = self._allocate(-(-w // SLOT_ROUND_PX) * SLOT_ROUND_PX, h)
            x, y = slot[:2]
            self._texels[y : y + h, x : x + w] = image
            if self._resized:  # a new texture: all of it
                self._texture.set_data(self._texels)
                self._resized = False
            else:
                self._texture.set_data(image, offset=(y, x))
            if block["size"] != (w, h):
                block["size"] = (w, h)
                self._quads_dirty = True

        def place(self, key, corner, visible):
            """Draw block ``key`` with its top-left texel at ``corner`` (integer px), or not at all (the
            layer hides itself when it has nothing to draw)."""
            block = self._blocks[key]
            if (block["corner"], block["visible"]) != (corner, visible):
                block["corner"], block["visible"] = corner, visible
                self._quads_dirty = True
                self.visible = not self.empty

        def remove(self, key):
            """Forget block ``key`` (its place in the texture is reused when the texture is repacked)."""
            if self._blocks.pop(key, None) is not None:
                self._quads_dirty = True
                self.visible = not self.empty

        def _allocate(self, w, h):
            """A free slot (x, y, w, h) of the texture: the next on the shelf, else on a new shelf; the
            texture grows (or is repacked, when places left by resized blocks fill it) as needed."""
            x, top, height = self._shelf
            width = self._texels.shape[1]
            if w > width:  # a block wider than the texture (a long footer line on a wide canvas): widen it
                wider = np.zeros((self._texels.shape[0], w, 4), np.uint8)
                wider[:, :width] = self._texels
                self._texels, width = wider, w
                self._texture.resize(wider.shape)
                self._resized = True
            if x + w > width:
                x, top, height = 0, top + height, 0
            needed = top + h
            if needed > self._texels.shape[0]:
                if needed > 4 * ATLAS_WIDTH_PX:  # only holes of old slots can fill that much: start again
                    return self._repack(w, h)
                grown = np.zeros((-(-needed // ATLAS_ROWS_PX) * ATLAS_ROWS_PX, width, 4), np.uint8)
                grown[: self._texels.shape[0]] = self._texels
                self._texels = grown
                self._texture.resize(grown.shape)
                self._resized = True
            self._shelf = (x + w, top, max(height, h))
            self._quads_dirty = True  # texture coordinates are fractions of its height
            return (x, top, w, h)

        def _repack(self, w, h):
            """Put every block in a fresh slot of an emptied texture, then allocate (w, h)."""
            old, blocks = self._texels, list(self._blocks.values())
            self._texels = np.zeros((ATLAS_ROWS_PX, ATLAS_WIDTH_PX, 4), np.uint8)
            self._texture.resize(self._texels.shape)
            self._resized = True
            self._shelf = (0, 0, 0)
            for block in blocks:
                if block["slot"] is not None:
                    (bw, bh), (ox, oy) = block["size"], block["slot"][:2]
                    block["slot"] = slot = self._allocate(block["slot"][2], block["slot"][3])
                    self._texels[slot[1] : slot[1] + bh, slot[0] : slot[0] + bw] = old[oy : oy + bh, ox : ox + bw]
            return self._allocate(w, h)

        def _update_quads(self):
            shown = [b for b in self._blocks.values() if b["visible"] and b["slot"] is not None and b["size"][0] > 0]
            corners = np.array([(0, 0), (1, 0), (1, 1), (0, 0), (1, 1), (0, 1)], np.float32)
            atlas_h, atlas_w = (float(n) for n in self._texels.shape[:2])
            positions, texcoords = [], []
            for block in shown:
                (w, h), (sx, sy), (cx, cy) = block["size"], block["slot"][:2], block["corner"]
                positions.append((cx, cy) + corners * (w, h))
                texcoords.append(((sx, sy) + corners * (w, h)) / (atlas_w, atlas_h))
            if shown:
                self._positions.set_data(np.concatenate(positions).astype(np.float32))
                self._texcoords.set_data(np.concatenate(texcoords).astype(np.float32))
            self._vertex_count = 6 * len(shown)
            self._quads_dirty = False

        @property
        def empty(self):
            """True when no block is to be drawn."""
            return not any(b["visible"] and b["size"][0] > 0 for b in self._blocks.values())

        def _prepare_draw(self, view):
            if self._quads_dirty:
                self._update_quads()
            return self._vertex_count > 0

        @staticmethod
        def _prepare_transforms(view):
            view.view_program.vert["transform"] = view.get_transform()

        def _compute_bounds(self, axis, view):
            return None

    return create_visual_node(TextLayerVisual)


def text_layer(parent, order):
    """The :class:`TextLayer` of the text blocks under ``parent`` drawn at ``order`` (made on first use)."""
    from viz.batch import shared_visual

    def make(parent, order):
        layer = text_layer_class()(parent=parent)
        layer.order = order
        layer.visible = False  # until a block is shown
        return layer

    return shared_visual(parent, "text", order, make)


class OverlayText:
    """A block of text at ``pos`` (canvas px, y down) under ``parent`` (the canvas scene, or a view's box).

    ``anchor_x``: ``left``, ``center`` or ``right`` edge at ``pos``; lines align to it too.
    ``hang``: ``below`` puts the block's top at ``pos``, ``above`` its bottom, ``middle`` its middle.
    ``bounds``: ``(width, height)`` px of the parent's area to keep the whole block inside, or None.
    ``text``, ``color``, ``pos``, ``bounds``, ``visible`` and ``order`` can be set at any time.
    The blocks of one parent and one order are drawn together, in the order they were made.
    """

    def __init__(self, parent, text="", font_size=10, color=(1.0, 1.0, 1.0, 1.0), bold=False, anchor_x="left", hang="below", pos=(0.0, 0.0)):
        self.font_size, self.bold, self.anchor_x, self.hang = font_size, bold, anchor_x, hang
        self._parent = parent
        self._order = 10  # over the views
        self._layer = text_layer(parent, self._order)
        self._text, self._color, self._pos = None, tuple(color), (float(pos[0]), float(pos[1]))
        self._visible = True
        self.bounds = None
        self._masks = None
        self._corner = (0, 0)
        self.text = text

    @property
    def order(self):
        """Drawing order among the parent's visuals (10: over the views)."""
        return self._order

    @order.setter
    def order(self, value):
        if value == self._order:
            return
        self._layer.remove(id(self))
        self._order = value
        self._layer = text_layer(self._parent, value)
        self._redraw()

    @property
    def text(self):
        return self._text

    @text.setter
    def text(self, value):
        if value == self._text:
            return
        self._text = value
        self._masks = _text_masks8(value, self.font_size, self.bold, self.anchor_x) if value else None
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
    def corner(self):
        """``(x, y)`` px of the block's top-left corner as drawn (whole pixels)."""
        return self._corner

    @property
    def visible(self):
        return self._visible

    @visible.setter
    def visible(self, value):
        self._visible = bool(value)
        self._show()

    def _redraw(self):
        if self._masks is None:
            image = np.zeros((1, 1, 4), np.uint8)
        else:
            image = compose8(self._masks[0], self._masks[1], self._color)
        self._layer.put(id(self), image)
        self._place()
        self._show()

    def _place(self):
        width, height = (0, 0) if self._masks is None else self._masks[2]
        x, y = self._pos
        x -= {"left": 0.0, "center": 0.5, "right": 1.0}[self.anchor_x] * width
        y -= {"below": 0.0, "middle": 0.5, "above": 1.0}[self.hang] * height
        if self.bounds is not None:
            x = min(max(x, 0.0), max(self.bounds[0] - width, 0.0))
            y = min(max(y, 0.0), max(self.bounds[1] - height, 0.0))
        self._corner = (round(x), round(y))
        self._show()

    def _show(self):
        self._layer.place(id(self), self._corner, self._visible and self._masks is not None)
