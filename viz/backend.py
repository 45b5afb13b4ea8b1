"""Which OpenGL backend vispy uses: EGL offscreen (no display) or a glfw window.

Offscreen rendering uses Mesa's EGL with ``EGL_PLATFORM=surfaceless``, so it
needs no X server and no GPU. A process picks one backend once (vispy's rule).
"""

import functools
import os


class NoGLError(RuntimeError):
    """No OpenGL backend can be started here; the message says why."""


def use_offscreen():
    """Select vispy's EGL backend for headless rendering (idempotent)."""
    os.environ.setdefault("EGL_PLATFORM", "surfaceless")
    import vispy

    try:
        vispy.use(app="egl")
    except Exception as exc:  # vispy raises RuntimeError, ImportError or OSError by platform
        raise NoGLError(f"offscreen OpenGL (EGL) is not available: {exc}") from None


def use_window():
    """Select vispy's glfw backend and start it, so a window can open (else :class:`NoGLError`)."""
    import vispy

    try:
        vispy.use(app="glfw")
        from vispy import app

        app.use_app().native  # initialises glfw: fails here without a display
    except Exception as exc:  # glfw reports a missing display as OSError, others as RuntimeError
        reason = " ".join(str(exc).split())
        raise NoGLError(f"no window can open here (glfw: {reason})") from None


@functools.lru_cache(maxsize=1)
def offscreen_unavailable_reason():
    """``None`` if an offscreen canvas renders here, else the reason it does not."""
    try:
        use_offscreen()
        from vispy import scene

        canvas = scene.SceneCanvas(size=(8, 8), show=False)
        canvas.render()
        canvas.close()
    except Exception as exc:
        return f"no OpenGL available for offscreen rendering: {exc}"
    return None
