"""The viewer: a canvas with the views of a result side by side, the HUD and the player.

``Viewer(result, size, show=False)`` renders offscreen (``frame_at``); with
``show=True`` it opens a window and plays (``run``), with the keys of
:data:`viz.hud.KEYS_HELP`.
"""

import functools
import time

from viz.batch import panel_borders_class
from viz.hud import Hud
from viz.player import Player
from viz.plots import LivePlots
from viz.profile import ProfileInset
from viz.timeline import Timeline, run_phases
from viz.registry import time_span, views_for

BACKGROUND = (0.0, 0.0, 0.02, 1.0)
#: The frame round each panel.
BORDER_COLOR = (0.3, 0.3, 0.3, 1.0)
TICK_S = 1.0 / 60.0
#: Samples per pixel of a window's multisampling (anti-aliased edges of meshes and lines).
WINDOW_SAMPLES = 4
#: OpenGL's GL_DEPTH_COMPONENT24: offscreen frames get a 24-bit depth buffer (vispy's own is 16-bit,
#: where a path hugging the station's truss z-fights with it).
DEPTH_COMPONENT24 = 0x81A6


class Viewer:
    """Views of ``result`` on one canvas, driven by a :class:`viz.player.Player`."""

    def __init__(self, result, size=(1280, 720), show=False, warp=None, view_classes=None, pace="story"):
        """``pace``: ``story`` (slow near events, fast through coasts) or ``linear`` (:mod:`viz.pacing`)."""
        from vispy import scene

        from viz.pacing import StoryClock

        self.result = result
        # a window multisamples (glfw offers it); offscreen EGL has no multisampled surface, and
        # the lines smooth their own edges there
        config = dict(samples=WINDOW_SAMPLES) if show else None
        self.canvas = scene.SceneCanvas(size=size, show=show, bgcolor=BACKGROUND, keys=None, title=f"issim: {result.scenario_name}", config=config)
        grid = self.canvas.central_widget.add_widget(steady_grid_class()(spacing=2))
        self.views, self.viewboxes = [], []
        for column, cls in enumerate(view_classes or views_for(result)):
            # the border is cleared round every panel at once (viz.batch.panel_borders_class); the
            # padding keeps the panel's inside where vispy's own border would (a pixel inside it)
            viewbox = grid.add_view(row=0, col=column, padding=1)
            self.viewboxes.append(viewbox)
            self.views.append(cls(viewbox, result))
        self.borders = panel_borders_class()(self.viewboxes, BORDER_COLOR, parent=self.canvas.scene)
        self.borders.order = 9  # after the panels, under the overlays' text
        # lay the panels out now, not at the first draw: the first frame's labels and markers
        # are sized from the panel's pixels (vispy gives a 10 x 10 px placeholder until then)
        grid._update_child_widget_dim()
        t0, t1 = time_span(result)
        self.player = Player(t0, t1, warp, StoryClock(t0, t1, [e.time_s for e in result.events], pace))
        legend = [line for view in self.views for line in getattr(view, "legend", [])]
        # events flash over the rightmost panel: the close-up's (tether, push, capture) when there is one
        own_keys = [line for view in self.views for line in getattr(view, "keys_help", [])]
        self.hud = Hud(self.canvas, result, legend, flash_panel=(len(self.views) - 1, len(self.views)), own_keys=own_keys)
        self.timeline = Timeline(self.canvas, t0, t1, [e.time_s for e in result.events], self.scrub, run_phases(result))
        self.plots = LivePlots(self.canvas, result, t0, t1)
        self.profile = ProfileInset(self.canvas, result, len(self.plots.series))
        self.hud.keep_clear = lambda: self.plots.boxes() + self.profile.boxes() + [
            box for view in self.views for box in getattr(view, "overlay_boxes", list)()]
        self._camera_view = 0
        self.camera_of = [view.camera_names[0] for view in self.views]
        self._wall = None
        self._frame_buffer = None
        self.canvas.events.key_press.connect(self.on_key)
        # gloo sets only the states a visual names, so a depth_mask=False of the last visual drawn
        # would stay set, and the next frame's clear would leave its depth buffer as it was
        self.canvas.events.draw.connect(lambda event: self.canvas.context.set_depth_mask(True), position="first")
        self.show_time(t0)

    def show_time(self, t_s, wall_dt_s=0.0):
        """Set every view and the HUD to simulation time ``t_s``."""
        self.player.seek(t_s)
        items = {}
        for view in self.views:
            view.set_time(self.player.t_s)
            for name, value in view.hud_items(self.player.t_s).items():
                items[name if name not in items else f"{name} ({view_label(view)})"] = value
        cameras = ", ".join(self.camera_of)
        self.hud.update(self.player.t_s, wall_dt_s, self.player.effective_warp, self.player.paused, items, cameras)
        self.timeline.update(self.player.t_s, self.player.effective_warp, self.player.paused)
        self.plots.update(self.player.t_s)
        self.profile.update(self.player.t_s)

    def scrub(self, t_s):
        """Jump to ``t_s`` (a click or drag on the timeline) and redraw."""
        self.show_time(t_s)
        self.canvas.update()

    def frame_at(self, t_s, wall_dt_s=0.0, samples=1):
        """Render the frame at ``t_s``: an (H, W, 4) uint8 RGBA image (``samples``: see :meth:`render`)."""
        self.show_time(t_s, wall_dt_s)
        return self.render(samples)

    def render(self, samples=1):
        """Draw the canvas offscreen and read it back: (H, W, 4) uint8 RGBA.

        Like ``SceneCanvas.render`` but into one framebuffer kept between frames (allocating
        a new one costs a few ms a frame on a software rasteriser), with a 24-bit depth buffer.
        ``samples`` > 1: multisampled, anti-aliased edges of meshes and lines
        (:mod:`viz.multisample`; on llvmpipe about twice the time of a frame).
        """
        frame = self._offscreen_frame(samples)
        if samples > 1:
            self.canvas.set_current()
            return frame.draw(self._draw_scene)
        return self._draw_and_read(frame)

    def frames(self, times_s, wall_dt_s=0.0):
        """The frames at ``times_s`` (simulation times), as :meth:`frame_at` renders them one by one,
        but each next time is set (:meth:`show_time`, Python only) while the last frame is still being
        rasterised: a software rasteriser works in threads of its own from the flush to the read-back,
        and the views' updates, a sixth of a close-up frame, run meanwhile instead of after it."""
        times = iter(times_s)
        t_s = next(times, None)
        if t_s is None:
            return
        frame = self._offscreen_frame(1)
        self.show_time(t_s, wall_dt_s)
        while t_s is not None:
            t_s = next(times, None)
            show_next = None if t_s is None else functools.partial(self.show_time, t_s, wall_dt_s)
            yield self._draw_and_read(frame, show_next)

    def _draw_and_read(self, frame, meanwhile=None):
        """Draw the canvas into the one-sample framebuffer ``frame`` and read it back; ``meanwhile``
        (no arguments) runs after the flush, while the rasteriser works, before the read-back waits."""
        canvas = self.canvas
        canvas.set_current()
        canvas.push_fbo(frame, (0, 0), canvas.size)
        try:
            self._draw_scene()
            canvas.context.flush()  # the rasteriser starts on this frame
            if meanwhile is not None:
                meanwhile()
            return frame.read()
        finally:
            canvas.pop_fbo()

    def _offscreen_frame(self, samples):
        """The framebuffer kept for offscreen frames of ``samples`` samples at the canvas's size."""
        from vispy import gloo

        from viz.multisample import MultisampledFrame

        canvas = self.canvas
        shape = tuple(int(n * canvas.pixel_scale) for n in canvas.size)[::-1]
        key = (shape, samples)
        if self._frame_buffer is None or self._frame_buffer[0] != key:
            frame = (
                MultisampledFrame(canvas, shape, samples, DEPTH_COMPONENT24)
                if samples > 1
                else gloo.FrameBuffer(color=gloo.RenderBuffer(shape), depth=gloo.RenderBuffer(shape, format=DEPTH_COMPONENT24))
            )
            self._frame_buffer = (key, frame)
        return self._frame_buffer[1]

    def _draw_scene(self):
        """Clear and draw the whole canvas into the current framebuffer."""
        canvas = self.canvas
        canvas.context.set_depth_mask(True)  # as in a window's draw (see __init__)
        canvas.context.clear(color=canvas.bgcolor, depth=True)
        canvas.draw_visual(canvas.scene)

    def tick(self, wall_dt_s):
        """Advance the player by ``wall_dt_s`` wall seconds and redraw."""
        self.show_time(self.player.advance(wall_dt_s), wall_dt_s)
        self.canvas.update()

    def on_key(self, event):
        key, text = key_name(event), event.text or ""
        player = self.player
        if key == "Space":
            player.toggle_pause()
        elif text == "+" or key in ("+", "=", "Plus", "Equal"):
            player.faster()
        elif text == "-" or key in ("-", "Minus"):
            player.slower()
        elif key == "Right":
            player.step(+1)
        elif key == "Left":
            player.step(-1)
        elif key == "R":
            player.restart()
        elif key == "C":
            self.cycle_camera()
        elif key == "H":
            self.hud.toggle_help()
        elif not any(view.toggle(key) for view in self.views if hasattr(view, "toggle")):  # a view's own keys
            return
        self.show_time(player.t_s)
        self.canvas.update()

    def cycle_camera(self):
        """Next preset of the views in turn: every preset of the first view, then the next view's..."""
        index = self._camera_view
        name = self.views[index].cycle_camera()
        self.camera_of[index] = name
        if name == self.views[index].camera_names[0] and len(self.views) > 1:
            self._camera_view = (index + 1) % len(self.views)
        return name

    def run(self):
        """Open the window and play until it is closed."""
        from vispy import app

        def on_timer(event):
            now = time.perf_counter()
            dt = 0.0 if self._wall is None else now - self._wall
            self._wall = now
            self.tick(dt)

        timer = app.Timer(TICK_S, connect=on_timer, start=True)
        self.canvas.show()
        app.run()
        timer.stop()


@functools.cache
def steady_grid_class():
    """:class:`SteadyGrid`, a vispy Grid (defined on first use: importing vispy.scene needs the
    system's fontconfig)."""
    from vispy.scene.widgets import Grid

    class SteadyGrid(Grid):
        """vispy's Grid solves its layout before every draw (a quarter of a millisecond a frame on
        the 2-core machine); this one only when its rectangle, padding, margin, spacing or widgets
        changed (the same layout otherwise: the solver is handed the same numbers)."""

        _laid_out_for = None

        def _prepare_draw(self, view):
            if self._layout_key() != self._laid_out_for:
                super()._prepare_draw(view)
                self._laid_out_for = self._layout_key()

        def _layout_key(self):
            rect = self.rect
            widgets = tuple((key, value[:4], id(value[4])) for key, value in self._grid_widgets.items())
            return (tuple(rect.pos), tuple(rect.size), self.padding, self.margin, self.spacing, widgets, self._need_solver_recreate)

    return SteadyGrid


def key_name(event):
    """The key of a key event by one name whatever the backend: glfw delivers the keys from
    space to ``~`` as their character (``Key(' ')``, ``Key('R')``), Qt by name (``Key('Space')``)."""
    name = event.key.name if event.key is not None else ""
    return "Space" if name == " " else name.upper() if len(name) == 1 else name


def view_label(view):
    """Short name of a view for the HUD: ``GlobeView`` -> ``globe``."""
    return type(view).__name__.removesuffix("View").lower()
