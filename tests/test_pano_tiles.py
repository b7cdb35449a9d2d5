"""Level lists and filtered pyramids."""

import numpy as np
import pytest

from vtour.pano.tiles import (TileLevel, check_levels, downsample_half, face_pyramid, plan_levels,
                         preview_strip, thumbnail)


def test_levels_start_with_a_fallback_then_double_to_the_face_size():
    levels = plan_levels(2048, 512)
    assert [lv.to_json() for lv in levels] == [
        {"tileSize": 256, "size": 256, "fallbackOnly": True}, {"tileSize": 512, "size": 512},
        {"tileSize": 512, "size": 1024}, {"tileSize": 512, "size": 2048}]


def test_level_number_equals_pannellum_level_for_other_tile_sizes():
    levels = plan_levels(1024, 256)
    # Pannellum level L has faces of tileResolution * 2**(L - 1)
    for z, lv in enumerate(levels[1:], start=1):
        assert lv.size == 256 * 2 ** (z - 1)
    assert levels[0].size == 128 and levels[0].fallback_only


def test_faces_smaller_than_a_tile_get_one_level_and_a_fallback():
    assert [(lv.size, lv.tile_size) for lv in plan_levels(256, 512)] == [(128, 128), (256, 256)]


def test_level_size_must_be_a_multiple_of_the_tile_size():
    with pytest.raises(ValueError, match="1000 is not a positive multiple of tile size 512"):
        TileLevel(1000, 512)


def test_level_size_must_be_a_multiple_of_the_previous_level():
    with pytest.raises(ValueError, match="size 768 is not a multiple of the previous size 512"):
        check_levels((TileLevel(512, 256), TileLevel(768, 256)))


@pytest.mark.parametrize("face,tile", [(1000, 512), (2048, 500), (32, 32)])
def test_face_and_tile_sizes_must_be_powers_of_two(face, tile):
    with pytest.raises(ValueError, match="power of two"):
        plan_levels(face, tile)


def test_downsampling_is_an_exact_box_filter():
    img = np.arange(16, dtype=np.uint8).reshape(4, 4, 1).repeat(3, axis=2) * 10
    half = downsample_half(img)
    expected = img.reshape(2, 2, 2, 2, 3).astype(float).mean(axis=(1, 3))
    assert np.abs(half - expected).max() <= 0.5


def test_pyramid_levels_keep_the_mean_and_remove_detail_they_cannot_hold():
    rng = np.random.default_rng(0)
    face = rng.integers(0, 256, (1024, 1024, 3), dtype=np.uint8)
    levels = plan_levels(1024, 256)
    pyr = face_pyramid(face, levels)
    assert [pyr[z].shape[0] for z in range(len(levels))] == [128, 256, 512, 1024]
    for z in range(len(levels)):
        assert abs(pyr[z].mean() - face.mean()) < 0.6
    # white noise averaged over 8x8 blocks: std falls by 8 (an unfiltered subsample would keep it)
    assert pyr[0].std() < face.std() / 6


def test_preview_strip_stacks_faces_in_marzipano_order():
    faces = {f: np.full((4, 4, 3), i * 40, np.uint8) for i, f in enumerate("bdflru")}
    strip = preview_strip(faces)
    assert strip.shape == (24, 4, 3)
    assert [strip[i * 4, 0, 0] for i in range(6)] == [0, 40, 80, 120, 160, 200]


def test_thumbnail_is_the_middle_band_of_the_front_face():
    front = np.zeros((512, 512, 3), np.uint8)
    front[200:312] = 255
    t = thumbnail(front, 256)
    assert t.shape == (144, 256, 3) and t[72, 128, 0] == 255 and t[0, 128, 0] == 0
