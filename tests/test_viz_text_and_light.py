"""The close-up's CPU lighting and the HUD's Pillow-rendered text blocks (no GL needed)."""

import numpy as np
import pytest

from viz import lighting
from viz.overlay_text import OUTLINE_PX, _drawn_mask, _words_mask, compose, compose8, text_masks


def test_face_normals_are_unit_and_follow_the_winding():
    vertices = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
    normals = lighting.face_normals(vertices, np.array([[0, 1, 2], [0, 2, 1], [0, 3, 0]]))
    assert np.allclose(normals, [[0, 0, 1], [0, 0, -1], [0, 0, 0]])  # the degenerate face gets no normal


def test_lit_colours_add_ambient_diffuse_and_specular_on_the_side_facing_the_eye():
    light = lighting.Light(ambient=0.4, diffuse=0.5, specular=0.2, shininess=10.0)
    base = np.array([[0.5, 0.5, 0.5, 0.8], [0.5, 0.5, 0.5, 0.8]])
    # the eye and the light look straight down -z: a face towards +z is lit head on, either winding
    head_on = lighting.lit_colors(base, np.array([[0.0, 0.0, 1.0], [0.0, 0.0, -1.0]]), (0, 0, -1), (0, 0, -2), light)
    assert np.allclose(head_on[:, :3], 0.5 * (0.4 + 0.5) + 0.2) and np.allclose(head_on[:, 3], 0.8)
    # a face seen edge-on to the light gets the ambient term only
    grazing = lighting.lit_colors(base[:1], np.array([[1.0, 0.0, 0.0]]), (0, 0, -1), (1, 0, -1), light)
    assert np.allclose(grazing[0, :3], 0.5 * 0.4)
    assert head_on.dtype == np.float32


def test_text_block_has_one_line_height_per_line_and_an_outline_around_the_glyphs():
    fill1, _, (w1, h1) = text_masks("altitude: 417.0 km", 10)
    fill3, outline3, (w3, h3) = text_masks("altitude: 417.0 km\nspeed\nwarp x20", 10)
    assert w3 == w1 and h3 - 2 * (OUTLINE_PX + 1) == pytest.approx(3 * (h1 - 2 * (OUTLINE_PX + 1)))
    assert fill3.shape[0] >= h3 and fill3.shape[1] >= w3 and fill1.max() == pytest.approx(1.0)
    assert np.all(outline3 >= fill3) and outline3.sum() > 1.5 * fill3.sum()  # the outline rings every glyph


def test_right_aligned_lines_end_at_the_same_column():
    fill, _, (width, _) = text_masks("a\nmuch longer line", 10, align="right")
    rows = np.flatnonzero(fill.any(axis=1))
    first_line = fill[: rows[0] + 8]
    last_col = lambda mask: np.flatnonzero(mask.any(axis=0)).max()
    assert abs(last_col(first_line) - last_col(fill)) <= 1 and last_col(fill) < width


def test_compose_puts_glyphs_over_a_dark_outline_with_straight_alpha():
    fill = np.array([[1.0, 0.0, 0.0]], np.float32)
    outline = np.array([[1.0, 1.0, 0.0]], np.float32)
    rgba = compose(fill, outline, (1.0, 0.5, 0.0, 1.0))
    assert np.allclose(rgba[0, 0], [1.0, 0.5, 0.0, 1.0])  # glyph: its colour, opaque
    assert np.allclose(rgba[0, 1, :3], 0.0) and 0.0 < rgba[0, 1, 3] < 1.0  # outline: dark, see-through
    assert rgba[0, 2, 3] == 0.0  # nothing: transparent


def test_a_block_near_the_edge_is_kept_inside_its_bounds():
    from viz.backend import offscreen_unavailable_reason

    if offscreen_unavailable_reason():
        pytest.skip(offscreen_unavailable_reason())
    from vispy import scene

    from viz.overlay_text import OverlayText

    canvas = scene.SceneCanvas(size=(200, 100), show=False)
    label = OverlayText(canvas.scene, "astronaut", anchor_x="center", hang="above", pos=(2.0, 50.0))
    width, height = label._masks[2]
    assert label.corner[0] == round(2.0 - width / 2)  # free: centred on its point
    label.bounds = (200, 100)
    label.pos = (2.0, 50.0)
    assert label.corner == (0, round(50.0 - height))
    label.pos = (199.0, 3.0)
    assert label.corner == (200 - width, 0)
    canvas.close()


@pytest.mark.parametrize("rgba", [(1.0, 1.0, 1.0, 0.95), (1.0, 0.85, 0.2, 0.37), (0.85, 0.85, 0.85, 0.9)])
def test_composing_by_table_gives_the_bytes_of_composing_each_pixel(rgba):
    fill, outline, _ = text_masks("tether taut: 26 m\nfrom the anchor", 16, bold=True)
    by_pixel = np.round(compose(fill, outline, rgba) * 255.0).astype(np.uint8)
    by_table = compose8(np.round(fill * 255.0).astype(np.uint8), np.round(outline * 255.0).astype(np.uint8), rgba)
    assert by_table.shape == by_pixel.shape and np.array_equal(by_table, by_pixel)
    assert by_table[..., 3].max() >= round(255 * rgba[3])  # the glyphs are there, at their opacity


@pytest.mark.parametrize("size_px, bold", [(11, False), (12, False), (13, False), (16, True), (21, True)])
def test_a_line_put_together_from_its_words_is_the_line_pillow_draws(size_px, bold):
    rng = np.random.default_rng(size_px)
    letters = list("0123456789.:-+TxkmNsUCh()abcdefgjyfrtvwAVWYT,/'_")
    lines = ["2026-11-25 00:15:00 UTC   T+0 h 15 min 00 s", "speed (closeup): 0.61 m/s", "tension: 4.49 N", "j j  f f", "Ty To AV", " a  b "]
    lines += [" ".join("".join(rng.choice(letters, rng.integers(1, 8))) for _ in range(rng.integers(2, 7))) for _ in range(150)]
    composed = [line for line in lines if _words_mask(line, size_px, bold) is not None]
    assert len(composed) > len(lines) // 2  # most lines: the check is not vacuous
    for line in composed:
        np.testing.assert_array_equal(_words_mask(line, size_px, bold), _drawn_mask(line, size_px, bold), err_msg=line)


def test_text_blocks_draw_the_same_after_their_shared_texture_grew_and_was_repacked():
    from viz.backend import offscreen_unavailable_reason

    if offscreen_unavailable_reason():
        pytest.skip(offscreen_unavailable_reason())
    from vispy import scene

    from viz.overlay_text import ATLAS_WIDTH_PX, OverlayText

    def frame(history):
        """Draw two blocks, the first given each text of ``history`` in turn; the canvas's pixels."""
        canvas = scene.SceneCanvas(size=(400, 300), show=False, bgcolor="black")
        first = OverlayText(canvas.scene, pos=(5.0, 5.0))
        OverlayText(canvas.scene, "station: 417 km", color=(1.0, 0.85, 0.2, 1.0), anchor_x="right", pos=(395.0, 280.0), hang="above")
        for text in history:
            first.text = text
        image = canvas.render()
        layer = first._layer
        canvas.close()
        return image, layer

    # ever wider blocks of 40 lines: each takes a new place, the texture grows past the repacking
    # size (8192 rows) and is repacked; the last is wider than the texture, which widens
    tall = ["\n".join(["x" * n] * 40) for n in [*range(30, 300, 15), 380]]
    grown, layer = frame([*tall, "altitude: 417.0 km\nspeed: 7.66 km/s"])
    fresh, _ = frame(["altitude: 417.0 km\nspeed: 7.66 km/s"])
    rows, width = layer._texels.shape[:2]
    assert rows < 4 * ATLAS_WIDTH_PX and width > ATLAS_WIDTH_PX  # repacked, and widened
    assert np.array_equal(grown, fresh) and grown[..., :3].max() > 200  # the same text, drawn
