"""Export without a display: frames rendered offscreen, written as MP4, GIF or PNG.

MP4 goes through the ffmpeg binary that ``imageio-ffmpeg`` carries (H.264,
yuv420p, so the size must be even); GIF and PNG through Pillow. The file is
written under a temporary name beside the target and renamed into place, so a
failed export leaves nothing half-written.
"""

import os
import tempfile
from pathlib import Path

import numpy as np

from orbital.results import umask_mode

FORMATS = (".mp4", ".gif", ".png")


def frame_times(t0_s, t1_s, fps, duration_s):
    """Simulation times of the ``round(duration_s * fps)`` frames spread over ``[t0_s, t1_s]``."""
    n = max(1, int(round(duration_s * fps)))
    return np.linspace(t0_s, t1_s, n) if n > 1 else np.array([t0_s])


def export(result, path, fps=30, size=(1280, 720), duration_s=10.0, time_s=None):
    """Render ``result`` to ``path`` (.mp4/.gif: the whole span in ``duration_s``; .png: one frame at ``time_s``)."""
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
        viewer = Viewer(result, size=size, show=False)
        player = viewer.player
        if suffix == ".png":
            import imageio.v2 as imageio

            imageio.imwrite(tmp_name, viewer.frame_at(player.t0_s if time_s is None else time_s)[..., :3], format="PNG")
        else:
            times = frame_times(player.t0_s, player.t1_s, fps, duration_s)
            player.warp = (player.t1_s - player.t0_s) / max(duration_s, 1e-9)
            frames = (viewer.frame_at(t, 1.0 / fps)[..., :3] for t in times)
            _write_movie(tmp_name, suffix, frames, fps)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    finally:
        if viewer is not None:
            viewer.canvas.close()
    return path


def _write_movie(name, suffix, frames, fps):
    import imageio.v2 as imageio

    if suffix == ".mp4":
        writer = imageio.get_writer(name, format="FFMPEG", fps=fps, codec="libx264", quality=7, pixelformat="yuv420p", macro_block_size=1)
    else:
        writer = imageio.get_writer(name, format="GIF", mode="I", duration=1000.0 / fps, loop=0)
    with writer:
        for frame in frames:
            writer.append_data(frame)
