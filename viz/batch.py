"""Many flat shapes in one visual: each vispy visual costs a draw call, and on a software
rasteriser vispy's Python around a draw (about half a millisecond) costs more than its pixels.

:class:`Rects` draws axis-aligned rectangles in canvas pixels (bars, ticks, cursors, frames, panel
fills) as one mesh; :class:`Polylines` draws polylines of one width as one line;
:func:`panel_background_class` clears a panel to its colour instead of filling a quad, and
:func:`panel_borders_class` the frames round every panel to theirs. A drawing built
of several such pieces puts them all in one of these, and hands over new data only when something
changed (``set`` compares with what it last drew).
"""

import functools
import weakref

import numpy as np

@functools.cache
def moving_mesh_class():
    """:class:`MovingMesh`, a vispy Mesh whose ``set_data`` keeps its shader (defined on first use:
    importing vispy.scene needs the system's fontconfig)."""
    from vispy import gloo, scene

    class MovingMesh(scene.visuals.Mesh):
        """vispy builds a new colour function on every ``set_data``, which recompiles the program
        (about 20 ms a frame on a software rasteriser); this one builds it once. And where vispy
        hands the program a new colour buffer and sets its variables again at each upload (about half
        a millisecond, however small the mesh), this one rewrites the buffers it uploaded first, when
        the new data is of the same kind (per-vertex or per-face colours, vertices of as many dimensions)."""

        _color_transform = None
        #: the per-vertex colour buffer of the last upload, and the vertices' dimensions then
        _color_buffer = None
        _dims = None

        def _build_color_transform(self, colors):
            if self._color_transform is None:
                self._color_transform = super()._build_color_transform(colors)
            return self._color_transform

        def _update_data(self):
            md = self.mesh_data
            colored = md.has_vertex_color() or md.has_face_color()
            vertices = md.get_vertices(indexed="faces")
            if vertices is None or not colored or self._color_buffer is None or vertices.shape[-1] != self._dims:
                uploaded = super()._update_data()
                base = self.shared_program.vert["base_color"]
                self._color_buffer = base if uploaded is not False and colored and isinstance(base, gloo.VertexBuffer) else None
                self._dims = None if vertices is None else vertices.shape[-1]
                return uploaded
            if self._dims == 2:  # drawn at z = 0, as vispy draws flat meshes
                vertices = np.concatenate((vertices, np.zeros(vertices.shape[:-1] + (1,))), -1)
            self._vertices.set_data(vertices, convert=True)
            colors = md.get_vertex_colors(indexed="faces") if md.has_vertex_color() else md.get_face_colors(indexed="faces")
            self._color_buffer.set_data(colors.astype(np.float32))
            self._data_changed = False
            self.events.data_updated()

    return MovingMesh


#: The two triangles of a rectangle, by its corners (x0 y0, x1 y0, x1 y1, x0 y1).
_QUAD = np.array([[0, 1, 2], [0, 2, 3]], dtype=np.uint32)


#: The shared visuals of each parent node, by kind and drawing order (:func:`shared_visual`).
_SHARED = weakref.WeakKeyDictionary()


#: The style each Markers was last given through :func:`set_markers` (vispy's visuals are frozen).
_marker_style = weakref.WeakKeyDictionary()


def set_markers(markers, pos, size, **style):
    """``markers.set_data(pos, size=size, **style)`` (a vispy Markers), but when only the positions and
    sizes moved since the last call (same count, equal hashable ``style``), write those two into the
    uploaded data in place: vispy's ``set_data`` rebuilds every attribute and rebinds them to the
    program, about half a millisecond for a single marker."""
    pos = np.atleast_2d(np.asarray(pos, dtype=np.float32))
    try:
        key = (len(pos), pos.shape[1], tuple(sorted(style.items())))
        hash(key)
    except TypeError:  # an array among the style: no fast path
        key = None
    data = getattr(markers, "_data", None)
    if key is not None and key == _marker_style.get(markers) and data is not None and len(data) == len(pos):
        data["a_position"][:, : pos.shape[1]] = pos
        data["a_size"] = size
        markers._vbo.set_data(data)
        markers.events.data_updated()
        markers.update()
        return
    markers.set_data(pos, size=size, **style)
    _marker_style[markers] = key


def shared_visual(parent, kind, order, make):
    """The one visual of ``kind`` drawn at ``order`` under ``parent``, made by ``make(parent, order)``
    on first use: the pieces that several owners draw at one order share it, one draw call."""
    visuals = _SHARED.setdefault(parent, {})
    if (kind, order) not in visuals:
        visuals[kind, order] = make(parent, order)
    return visuals[kind, order]


class _RectsMesh:
    """The mesh that draws the rectangles of every :class:`Rects` of one parent and order, each
    owner's in the order the owners were made (as their own visuals were drawn)."""

    def __init__(self, parent, order):
        self.mesh = moving_mesh_class()(parent=parent)
        self.mesh.set_gl_state("translucent", depth_test=False)
        self.mesh.order = order
        self.groups = []  # [rects (K, 4), colors (K, 4), visible] per owner

    def changed(self):
        shown = [(r, c) for r, c, visible in self.groups if visible and len(r)]
        self.mesh.visible = bool(shown)
        if not shown:
            return
        rects, colors = np.concatenate([r for r, _ in shown]), np.concatenate([c for _, c in shown])
        x0, y0, x1, y1 = rects.T
        corners = np.stack([np.column_stack(c) for c in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))], axis=1).reshape(-1, 2)
        faces = (_QUAD[None] + 4 * np.arange(len(rects), dtype=np.uint32)[:, None, None]).reshape(-1, 3)
        self.mesh.set_data(vertices=corners, faces=faces, vertex_colors=np.repeat(colors, 4, axis=0))


class Rects:
    """Filled rectangles ``(x0, y0, x1, y1)`` px in one colour each, over the canvas (no depth test),
    drawn at ``order`` under ``parent`` (a canvas scene). The rectangles of every ``Rects`` at one
    order under one parent are drawn by one mesh (:func:`shared_visual`)."""

    def __init__(self, parent, order):
        self._shared = shared_visual(parent, "rects", order, _RectsMesh)
        self._index = len(self._shared.groups)
        self._shared.groups.append([np.zeros((0, 4), np.float32), np.zeros((0, 4), np.float32), True])
        self._drawn = None

    def set(self, rects, colors):
        """Draw ``rects`` (K, 4) px in ``colors`` (K, 4) RGBA; nothing is uploaded if both are as last drawn."""
        rects = np.asarray(rects, dtype=np.float32).reshape(-1, 4)
        colors = np.asarray(colors, dtype=np.float32).reshape(-1, 4)
        key = (rects.tobytes(), colors.tobytes())
        if key == self._drawn:
            return
        self._drawn = key
        group = self._shared.groups[self._index]
        group[0], group[1] = rects, colors
        self._shared.changed()

    @property
    def mesh(self):
        """The vispy mesh that draws these rectangles (with the others of their order)."""
        return self._shared.mesh

    @property
    def visible(self):
        return self._shared.groups[self._index][2]

    @visible.setter
    def visible(self, value):
        group = self._shared.groups[self._index]
        if group[2] != bool(value):
            group[2] = bool(value)
            self._shared.changed()


def outline(x0, y0, x1, y1, width=1.0):
    """The four sides (4, 4) of the frame round a rectangle, ``width`` px thick, inside it."""
    return np.array([(x0, y0, x1, y0 + width), (x0, y1 - width, x1, y1), (x0, y0, x0 + width, y1), (x1 - width, y0, x1, y1)], dtype=np.float32)


class Polylines:
    """Polylines of one ``width`` (px) in one visual, each in its own colour, over the canvas (no
    depth test), drawn at ``order`` under ``parent``."""

    def __init__(self, parent, order, width=1.5):
        from vispy import scene

        self.line = scene.visuals.Line(np.zeros((2, 2), np.float32), width=width, connect="segments", parent=parent)
        self.line.set_gl_state("translucent", depth_test=False)
        self.line.order = order

    def set(self, lines, colors):
        """Draw ``lines`` (a list of (N_k, 2) px arrays) in ``colors`` (one RGBA each)."""
        lines = [np.asarray(line, dtype=np.float32) for line in lines if len(line) > 1]
        self.line.visible = bool(lines)
        if not lines:
            return
        # consecutive points of one line are joined, the last of a line and the first of the next are not
        starts = np.cumsum([0] + [len(line) for line in lines[:-1]])
        pairs = np.concatenate([s + np.column_stack([np.arange(len(line) - 1), np.arange(1, len(line))]) for s, line in zip(starts, lines)])
        vertex_colors = np.concatenate([np.tile(np.asarray(c, np.float32), (len(line), 1)) for c, line in zip(colors, lines)])
        self.line.set_data(np.vstack(lines), color=vertex_colors, connect=pairs.astype(np.uint32))

    @property
    def visible(self):
        return self.line.visible

    @visible.setter
    def visible(self, value):
        self.line.visible = bool(value)


def framebuffer_box(widget, left, top, width, height):
    """``(x, y, w, h)`` framebuffer px (up from the bottom, as GL's) of a rectangle in ``widget``'s px."""
    return framebuffer_boxes(widget, [(left, top, width, height)])[0]


def framebuffer_boxes(widget, rects):
    """:func:`framebuffer_box` of each ``(left, top, width, height)`` of ``rects``, through one
    transform (vispy builds the widget's chain to the framebuffer anew on every call: a tenth of a
    millisecond)."""
    to_framebuffer = widget.get_transform("visual", "framebuffer")
    corners = np.array([corner for left, top, width, height in rects for corner in ((left, top), (left + width, top + height))], dtype=float)
    mapped = np.round(to_framebuffer.map(corners)[:, :2]).astype(int)
    return [(min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0)) for (x0, y0), (x1, y1) in zip(mapped[0::2], mapped[1::2])]


@functools.cache
def _clearing_visual_class():
    """A vispy visual that draws nothing itself: its ``_prepare_draw`` clears rectangles (scissored
    glClears) and returns False. A software rasteriser clears in a fraction of the time it fills and
    blends quads, and no draw call goes through vispy's Python."""
    from vispy.visuals import Visual

    class ClearingVisual(Visual):
        def __init__(self):
            super().__init__(vcode="void main() { gl_Position = vec4(0.0); }", fcode="void main() { gl_FragColor = vec4(0.0); }")

        @staticmethod
        def _clear(boxes, color):
            """Clear each of ``boxes`` (framebuffer px) to ``color`` (no depth)."""
            from vispy import gloo

            gloo.set_state(scissor_test=True)
            for box in boxes:
                gloo.set_scissor(*box)
                gloo.clear(color=color, depth=False)
            gloo.set_state(scissor_test=False)

        @staticmethod
        def _prepare_transforms(view):
            pass  # its program never draws

        def _compute_bounds(self, axis, view):
            return None

    return ClearingVisual


@functools.cache
def panel_background_class():
    """:class:`PanelBackground` (defined on first use, as :func:`moving_mesh_class`)."""
    from vispy.scene.visuals import create_visual_node

    class PanelBackgroundVisual(_clearing_visual_class()):
        """A widget's inner rectangle cleared to ``color`` (no depth), where a quad would be filled."""

        def __init__(self, widget, color):
            super().__init__()
            self.widget, self.color = widget, tuple(color)

        def _prepare_draw(self, view):
            inner = self.widget.rect.padded(self.widget.border_width)  # inside the frame (viz.viewer: one pixel)
            self._clear([framebuffer_box(self.widget, inner.left, inner.bottom, inner.width, inner.height)], self.color)
            return False

    return create_visual_node(PanelBackgroundVisual)


@functools.cache
def panel_borders_class():
    """:class:`PanelBorders` (defined on first use, as :func:`moving_mesh_class`)."""
    from vispy.scene.visuals import create_visual_node

    class PanelBordersVisual(_clearing_visual_class()):
        """A frame ``width`` px wide in ``color`` along the edges of each of ``widgets``, cleared where
        vispy's widget border draws a mesh of its own per panel: one node for every panel, and no draw
        call. Give the widgets ``padding=width`` and no border colour of their own, so that their
        insides stay where a border would put them."""

        def __init__(self, widgets, color, width=1):
            super().__init__()
            self.widgets, self.color, self.width = list(widgets), tuple(color), width

        def _prepare_draw(self, view):
            w = self.width
            sides = [
                box
                for widget in self.widgets
                if widget.visible
                for x1, y1 in [widget.size]
                for box in framebuffer_boxes(widget, ((0, 0, x1, w), (0, y1 - w, x1, w), (0, 0, w, y1), (x1 - w, 0, w, y1)))
            ]
            self._clear(sides, self.color)
            return False

    return create_visual_node(PanelBordersVisual)
