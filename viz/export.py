"""Export without a display: frames rendered offscreen, written as MP4, GIF or PNG.

MP4 goes through the ffmpeg binary that ``imageio-ffmpeg`` carries (H.264,
yuv420p, so the size must be even); GIF and PNG through Pillow. A GIF has 256
colours: its palette holds the viewer's own marker and line colours (a small red
target or orange capsule would otherwise be mapped to the nearest Earth colour)
and the first frame's; its frame delays, whole centiseconds in the format, add up
to the duration asked for. A still is multisampled. Frames map to the palette without dithering: dithered oceans
shimmer from frame to frame and cost the compression of every frame. The file is written under a temporary name beside the
target and renamed into place, so a failed export leaves nothing half-written.
"""

import os
import tempfile
from pathlib import Path

import numpy as np

from orbital.io.run_dirs import umask_mode

FORMATS = (".mp4", ".gif", ".png")
#: Samples a pixel of a PNG still (multisampled edges, :mod:`viz.multisample`): one frame, so the
#: doubled time does not matter; movies keep one sample (and smooth their lines).
STILL_SAMPLES = 4


def frame_times(t0_s, t1_s, fps, duration_s, clock=None):
    """Simulation times of the ``round(duration_s * fps)`` frames spread over ``[t0_s, t1_s]``,
    evenly in story progress (``clock``, a :class:`viz.pacing.StoryClock`; evenly in time without one)."""
    n = max(1, int(round(duration_s * fps)))
    if n == 1:
        return np.array([t0_s])
    return np.linspace(t0_s, t1_s, n) if clock is None or clock.linear else clock.time(np.linspace(0.0, 1.0, n))


def export(result, path, fps=30, size=(1280, 720), duration_s=10.0, time_s=None, pace="story", stop_requested=lambda: False):
    """Render ``result`` to ``path`` (.mp4/.gif: the whole span in ``duration_s``, paced by ``pace``
    (:mod:`viz.pacing`); .png: one frame at ``time_s``). ``stop_requested()`` is asked after every
    frame and before the file takes its name: True stops with KeyboardInterrupt, nothing written (a
    signal handler's exception can be lost in a destructor that runs when the signal lands)."""
    from viz.backend import use_offscreen

    use_offscreen()
    from viz.viewer import Viewer

    path = Path(path)
    suffix = path.suffix.lower()
    # created first: an unwritable place fails (OSError) before any rendering
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=suffix, dir=path.parent or ".")
    os.close(fd)
    viewer = None
    try:
        os.chmod(tmp_name, umask_mode(0o666))
        viewer = Viewer(result, size=size, show=False, pace=pace)
        player = viewer.player
        if suffix == ".png":
            import imageio.v2 as imageio

            from viz.registry import still_time

            viewer.show_time(still_time(result) if time_s is None else time_s)
            try:
                still = viewer.render(samples=STILL_SAMPLES)
            except RuntimeError:  # an OpenGL without multisampled framebuffers: one sample, as a movie's frames
                still = viewer.render()
            imageio.imwrite(tmp_name, still[..., :3], format="PNG")
        else:
            times = frame_times(player.t0_s, player.t1_s, fps, duration_s, player.clock)
            player.warp = (player.t1_s - player.t0_s) / max(duration_s, 1e-9)
            frames = (_unless_stopped(image[..., :3], stop_requested) for image in viewer.frames(times, 1.0 / fps))
            _write_movie(tmp_name, suffix, frames, fps)
        _unless_stopped(None, stop_requested)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    finally:
        if viewer is not None:
            viewer.canvas.close()
    return path


def _unless_stopped(value, stop_requested):
    """``value``, or KeyboardInterrupt if ``stop_requested()``."""
    if stop_requested():
        raise KeyboardInterrupt
    return value


def _write_movie(name, suffix, frames, fps):
    import imageio.v2 as imageio

    if suffix == ".gif":
        _write_gif(name, frames, fps)
        return
    writer = imageio.get_writer(name, format="FFMPEG", fps=fps, codec="libx264", quality=7, pixelformat="yuv420p", macro_block_size=1)
    with writer:
        for frame in frames:
            writer.append_data(frame)


def gif_end_cs(frame_number, fps):
    """When frame ``frame_number`` (1, 2, ...; scalar or array) ends, in whole centiseconds as GIF stores delays."""
    return np.round(np.asarray(frame_number) * 100.0 / fps)


def gif_delays_ms(n_frames, fps):
    """Per-frame delays (ms, whole centiseconds as GIF stores them) whose sum follows ``n_frames / fps``."""
    ends_cs = gif_end_cs(np.arange(1, n_frames + 1), fps)
    return (np.diff(np.concatenate([[0.0], ends_cs])) * 10).astype(int).tolist()


def viewer_colours():
    """RGB (K, 3) uint8 of the colours the viewer draws with (markers, lines, text), for a GIF's palette."""
    from viz import closeup, globe_layers, hud

    colours = [value for module in (globe_layers, closeup, hud) for key, value in vars(module).items() if key.endswith("_COLOR")]
    colours += [phase[1] for phase in globe_layers.PHASES] + [(0, 0, 0), (1, 1, 1)]
    rgb = np.unique(np.round(np.array([np.asarray(c, float)[:3] for c in colours]) * 255), axis=0)
    return rgb.astype(np.uint8)


def _gif_palette(first_frame):
    """A 256-colour palette image: the viewer's own colours, then the first frame's most used."""
    from PIL import Image

    fixed = viewer_colours()
    adaptive = Image.fromarray(first_frame).quantize(colors=256 - len(fixed), method=Image.Quantize.MEDIANCUT)
    learned = np.asarray(adaptive.getpalette()[: 3 * (256 - len(fixed))], np.uint8).reshape(-1, 3)
    palette = Image.new("P", (1, 1))
    palette.putpalette(np.concatenate([fixed, learned]).ravel().tolist())
    return palette


def _write_gif(name, frames, fps):
    """Frames (H, W, 3) uint8 to an endlessly looping GIF, on one palette, with exact timing.

    Streamed to the file: each frame is quantized and encoded as it comes, so at most two are
    held (the last one shown, to crop the next to what changed, and the one waiting for its
    delay, which grows while identical frames follow), however many frames there are.
    """
    from PIL import GifImagePlugin, Image

    frames = iter(frames)
    first = Image.fromarray(next(frames))
    palette = _gif_palette(np.asarray(first))
    shown = _to_palette(first, palette)
    with open(name, "wb") as fp:
        header, _ = GifImagePlugin.getheader(shown, info={"loop": 0})
        fp.write(b"".join(header))
        waiting = _GifFrame(shown, (0, 0), 0.0, gif_end_cs(1, fps))
        for number, frame in enumerate(frames, start=2):
            image = _to_palette(Image.fromarray(frame), palette)
            box = _changed_box(shown, image)
            if box is None:  # the same picture: the frame waiting is shown longer
                waiting.end_cs = gif_end_cs(number, fps)
                continue
            waiting.write(fp)
            waiting = _GifFrame(image.crop(box), box[:2], waiting.end_cs, gif_end_cs(number, fps))
            shown = image
        waiting.write(fp)
        fp.write(b";")  # the GIF trailer


def _to_palette(image, palette):
    """``image`` on ``palette``, each pixel its nearest colour (no dithering)."""
    from PIL import Image

    return image.quantize(palette=palette, dither=Image.Dither.NONE)


def _changed_box(before, after):
    """The box (left, upper, right, lower) of the pixels whose palette index differs, or None."""
    from PIL import ImageChops

    return ImageChops.subtract_modulo(after, before).getbbox(alpha_only=False)


class _GifFrame:
    """A frame waiting to be written: its image (cropped to what changed), its place, its span in cs."""

    def __init__(self, image, offset, start_cs, end_cs):
        self.image, self.offset, self.start_cs, self.end_cs = image, offset, start_cs, end_cs

    def write(self, fp):
        """Its image descriptor and LZW data, with its delay and 'do not dispose' (frames draw over the last)."""
        from PIL import GifImagePlugin

        delay_ms = int(round(self.end_cs - self.start_cs)) * 10
        fp.write(b"".join(GifImagePlugin.getdata(self.image, offset=self.offset, duration=delay_ms, disposal=1)))
