"""GIF export streams its frames to the file (issue 12, item 12): memory does not grow with the
number of frames, and the file is the same as when every frame was held (one palette, exact
delays, repeated frames merged)."""

import numpy as np


def _most_images_held(n_frames, tmp_path, monkeypatch):
    """Write an ``n_frames`` GIF; returns the most PIL images alive at once while it was written.

    Every image is noted (weakly) as it is made, and the garbage collector is off, so an
    image counts until its last reference goes: without a scan of every object in the process."""
    import gc
    import weakref

    from PIL import Image

    from viz.export import _write_gif

    made, init = [], Image.Image.__init__

    def noted(image, *args, **kwargs):
        init(image, *args, **kwargs)
        made.append(weakref.ref(image))

    held = []

    def frames():
        for i in range(n_frames):
            frame = np.zeros((48, 64, 3), np.uint8)
            frame[10:20, i % 60 : i % 60 + 4] = (255, 80, 0)  # a moving marker: every frame differs
            held.append(sum(image() is not None for image in made))
            yield frame

    with monkeypatch.context() as patch:
        patch.setattr(Image.Image, "__init__", noted)
        gc.collect()
        gc.disable()
        try:
            _write_gif(tmp_path / f"{n_frames}.gif", frames(), fps=30)
        finally:
            gc.enable()
    return max(held)


def test_gif_export_holds_a_bounded_number_of_frames(tmp_path, monkeypatch):
    """Frames are encoded as they come: ten times the frames, the same images held (today's main kept every one)."""
    from PIL import Image, ImageSequence

    assert _most_images_held(120, tmp_path, monkeypatch) == _most_images_held(12, tmp_path, monkeypatch) <= 6
    with Image.open(tmp_path / "120.gif") as gif:
        delays = [frame.info["duration"] for frame in ImageSequence.Iterator(gif)]
        assert len(delays) == 120 and sum(delays) == 4000 and gif.info["loop"] == 0  # 120 frames at 30 fps: 4 s


def test_streamed_gif_draws_every_frame_and_merges_repeats(tmp_path):
    """Frames decode to what was given (on the palette: exact colours here); a repeated frame lengthens the one before."""
    from PIL import Image, ImageSequence

    from viz.export import _write_gif
    from viz.globe_layers import TARGET_COLOR

    target = np.round(np.asarray(TARGET_COLOR[:3]) * 255).astype(np.uint8)
    given = []
    for i in range(6):
        frame = np.zeros((40, 60, 3), np.uint8)
        frame[5:15, 5 + 8 * min(i, 3) : 10 + 8 * min(i, 3)] = target  # frames 3, 4 and 5 are the same picture
        given.append(frame)
    _write_gif(tmp_path / "m.gif", given, fps=10)
    with Image.open(tmp_path / "m.gif") as gif:
        decoded = [(frame.info["duration"], np.asarray(frame.convert("RGB"))) for frame in ImageSequence.Iterator(gif)]
    assert [delay for delay, _ in decoded] == [100, 100, 100, 300]
    for (_, picture), frame in zip(decoded, given):
        assert np.array_equal(picture, frame)
