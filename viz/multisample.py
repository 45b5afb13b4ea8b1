"""Multisampled (anti-aliased) offscreen frames.

vispy's gloo allocates render buffers with one sample, and its EGL backend offers no multisampled
surface; OpenGL 3.0 (ARB_framebuffer_object, which Mesa's software rasteriser llvmpipe has) can
do it in a framebuffer object: the buffers gloo created are given multisampled storage
(``glRenderbufferStorageMultisample``), the scene is drawn into them, and ``glBlitFramebuffer``
resolves the samples into a one-sample buffer that is read back. On llvmpipe a 4-sample frame
costs about twice the CPU of a plain one: stills use it, animations and the player do not.
"""

import ctypes

#: OpenGL enums that vispy's (ES 2.0) gl namespace lacks.
GL_READ_FRAMEBUFFER, GL_DRAW_FRAMEBUFFER, GL_RGBA8 = 0x8CA8, 0x8CA9, 0x8058


def _gl_function(name, argtypes):
    from vispy.gloo.gl.gl2 import _get_gl_func

    return _get_gl_func(name, None, argtypes)


class MultisampledFrame:
    """A framebuffer of ``shape`` (rows, columns) with ``samples`` samples a pixel, colour and depth
    (``depth_format``, an OpenGL enum), for ``canvas``; :meth:`draw` renders into it and returns the
    resolved image. Raises RuntimeError where the OpenGL in use cannot build it."""

    def __init__(self, canvas, shape, samples, depth_format):
        from vispy import gloo
        from vispy.gloo import gl

        self.canvas, self.shape, self.samples = canvas, tuple(shape), int(samples)
        self.target = gloo.FrameBuffer(color=gloo.RenderBuffer(shape), depth=gloo.RenderBuffer(shape, format=depth_format))
        self.resolved = gloo.FrameBuffer(color=gloo.RenderBuffer(shape))
        canvas.set_current()
        for fbo in (self.target, self.resolved):  # gloo creates the GL objects when first bound
            canvas.push_fbo(fbo, (0, 0), canvas.size)
            canvas.pop_fbo()
        canvas.context.flush_commands()
        storage = _gl_function("glRenderbufferStorageMultisample", (ctypes.c_uint, ctypes.c_int, ctypes.c_uint, ctypes.c_int, ctypes.c_int))
        self._blit = _gl_function("glBlitFramebuffer", (ctypes.c_int,) * 8 + (ctypes.c_uint, ctypes.c_uint))
        rows, columns = self.shape
        for buffer, internal_format in ((self.target.color_buffer, GL_RGBA8), (self.target.depth_buffer, depth_format)):
            gl.glBindRenderbuffer(gl.GL_RENDERBUFFER, self._handle(buffer))
            storage(gl.GL_RENDERBUFFER, self.samples, internal_format, columns, rows)
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, self._handle(self.target))
        status = gl.glCheckFramebufferStatus(gl.GL_FRAMEBUFFER)
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, 0)
        if status != gl.GL_FRAMEBUFFER_COMPLETE:
            raise RuntimeError(f"a {self.samples}-sample framebuffer is incomplete here (status {status:#x})")

    def _handle(self, gloo_object):
        """The OpenGL name of a gloo object (vispy keeps it in its command parser)."""
        return self.canvas.context.shared.parser._objects[gloo_object.id].handle

    def draw(self, draw_scene):
        """Run ``draw_scene()`` into the multisampled buffers and return the resolved (H, W, 4) uint8 RGBA."""
        from vispy.gloo import gl

        canvas = self.canvas
        rows, columns = self.shape
        canvas.push_fbo(self.target, (0, 0), canvas.size)
        try:
            draw_scene()
            canvas.context.flush_commands()  # gloo queues its commands: draw them before resolving
            gl.glBindFramebuffer(GL_READ_FRAMEBUFFER, self._handle(self.target))
            gl.glBindFramebuffer(GL_DRAW_FRAMEBUFFER, self._handle(self.resolved))
            self._blit(0, 0, columns, rows, 0, 0, columns, rows, gl.GL_COLOR_BUFFER_BIT, gl.GL_NEAREST)
            gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, self._handle(self.target))  # as gloo left it
        finally:
            canvas.pop_fbo()
        canvas.push_fbo(self.resolved, (0, 0), canvas.size)
        try:
            return self.resolved.read()
        finally:
            canvas.pop_fbo()
