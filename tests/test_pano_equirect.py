"""Equirect -> cube faces: geometry against analytic ground truth, Hugin's faces, py360convert."""

import cv2
import numpy as np
import pytest
from data_paths import require_module

from vtour.conventions import FACES, PANNELLUM_CUBE_ORDER, face_directions
from vtour.images import read_image
from vtour.pano import equirect
from vtour.pano.coverage import Coverage
from vtour.pano.equirect import equirect_to_faces, face_maps, natural_face_size


def directions_of_equirect(h, w):
    """(h, w, 3) unit directions of equirect pixel centres (conventions.py)."""
    lon = ((np.arange(w) + 0.5) / w - 0.5) * 2 * np.pi
    lat = (0.5 - (np.arange(h) + 0.5) / h) * np.pi
    lon, lat = np.meshgrid(lon, lat)
    return np.stack([np.cos(lat) * np.sin(lon), np.sin(lat), -np.cos(lat) * np.cos(lon)], -1)


def unit_face_directions(face, n):
    g = (np.arange(n) + 0.5) * 2 / n - 1
    x, y, z = face_directions(face, g[None, :], g[:, None])
    d = np.stack([x, y, z], -1).astype(float)
    return d / np.linalg.norm(d, axis=-1, keepdims=True)


def psnr(a, b):
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return 10 * np.log10(255**2 / mse)


@pytest.mark.parametrize("interpolation", ["linear", "cubic"])
def test_faces_sample_a_smooth_function_of_direction_exactly(interpolation):
    # colour = 0.5 + 0.4 * direction: every face pixel must see the value of its own direction
    img = (0.5 + 0.4 * directions_of_equirect(1024, 2048)).astype(np.float32)
    faces = equirect_to_faces(img, 256, antialias=False, interpolation=interpolation)
    for face in FACES:
        expected = 0.5 + 0.4 * unit_face_directions(face, 256)
        err = np.abs(faces[face] - expected)
        # 1024 rows: one pixel is 0.18 degrees, the largest slope 0.4 per radian -> 1.2e-3 per pixel
        assert err.max() < 2e-3, (face, err.max())


def test_faces_meet_without_seams():
    img = (0.5 + 0.4 * directions_of_equirect(512, 1024)).astype(np.float32)
    f = equirect_to_faces(img, 128, interpolation="linear")
    # f's right column and r's left column are half a pixel either side of the same edge
    assert np.abs(f["f"][:, -1] - f["r"][:, 0]).max() < 0.02
    assert np.abs(f["u"][-1, :] - f["f"][0, :]).max() < 0.02
    assert np.abs(f["d"][0, :] - f["f"][-1, :]).max() < 0.02


def test_antialias_removes_moire_near_the_poles():
    # one-pixel columns, black and white: near the zenith a u-face pixel spans many of them
    h, w = 1024, 2048
    img = np.zeros((h, w, 3), np.uint8)
    img[:, ::2] = 255
    plain = equirect_to_faces(img, 256, faces=("u",), antialias=False, interpolation="linear")["u"]
    smooth = equirect_to_faces(img, 256, faces=("u",), antialias=True, interpolation="linear")["u"]
    centre = (slice(64, 192), slice(64, 192))  # beyond 60 degrees of latitude
    assert plain[centre].std() > 40  # aliased: pixels land on black or white columns at random
    # an even decimation factor cancels one-pixel stripes outright
    assert smooth[centre].std() < plain[centre].std() / 8 and abs(smooth[centre].mean() - 127.5) < 4


def test_partial_coverage_places_the_image_and_leaves_the_rest_empty():
    cov = Coverage(hfov=90, vfov=60, yaw=90, pitch=0)  # centred on the right face
    img = np.full((200, 300, 4), 255, np.uint8)
    faces = equirect_to_faces(img, 64, cov)
    assert faces["r"][32, 32, 3] == 255 and faces["r"][32, 32, 0] == 255
    for face in ("f", "b", "l", "u", "d"):
        assert faces[face][24:40, 24:40].max() == 0, face
    # 60 degrees tall: rows beyond +-30 degrees on the right face are empty
    assert faces["r"][2, 32, 3] == 0


def test_maps_of_side_faces_differ_by_a_quarter_turn():
    fx, fy = face_maps("f", 32, (512, 1024))
    rx, ry = face_maps("r", 32, (512, 1024))
    np.testing.assert_allclose(fy, ry)
    np.testing.assert_allclose((rx - fx) % 1024, 256, atol=1e-3)


def test_natural_face_size_matches_the_angular_resolution_at_a_face_centre():
    assert natural_face_size(4096) == pytest.approx(4096 / np.pi)
    assert natural_face_size(1024, hfov=90) == pytest.approx(4096 / np.pi)


@pytest.mark.parametrize("period", [3, 5])
def test_antialias_damps_stripes_of_any_period_near_the_poles(period):
    h, w = 1024, 2048
    img = np.zeros((h, w, 3), np.uint8)
    img[:, ::period] = 255
    centre = (slice(64, 192), slice(64, 192))
    plain = equirect_to_faces(img, 256, faces=("u",), antialias=False, cache=False)["u"][centre]
    smooth = equirect_to_faces(img, 256, faces=("u",), cache=False)["u"][centre]
    assert smooth.std() < plain.std() / 6, (smooth.std(), plain.std())  # about 1/10 measured
    assert abs(smooth.mean() - 255 / period) < 4


def test_a_full_turn_that_spans_less_than_180_degrees_leaves_the_poles_empty():
    """The sky beyond the image's top row is empty, not the bottom rows wrapped around."""
    img = np.full((256, 1024, 3), 200, np.uint8)
    faces = equirect_to_faces(img, 128, Coverage(hfov=360, vfov=90))
    assert faces["u"][48:80, 48:80].max() == 0 and faces["d"][48:80, 48:80].max() == 0
    assert (faces["f"][56:72, 56:72] == 200).all()


def smooth_image(h, w, seed=0):
    rng = np.random.default_rng(seed)
    return cv2.resize(rng.integers(0, 256, (32, 64, 3), dtype=np.uint8), (w, h), interpolation=cv2.INTER_CUBIC)


@pytest.mark.parametrize("shape", [(512, 1024), (515, 1030), (500, 1001)])
def test_fixed_point_cached_faces_match_float_maps_within_one_level(shape):
    """The fast path (fixed-point maps, windows, shared side maps) against face_maps' float maps."""
    img = smooth_image(*shape)
    fast = equirect_to_faces(img, 200, antialias=False, cache=False)
    for face in FACES:
        map_x, map_y = face_maps(face, 200, shape)
        ref = cv2.remap(img, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_WRAP)
        assert np.abs(fast[face].astype(int) - ref).max() <= 1, face


@pytest.mark.parametrize("coverage", [Coverage(), Coverage(hfov=200, vfov=120, yaw=30, pitch=10)])
def test_cached_maps_give_the_same_faces_as_fresh_ones(coverage):
    img = smooth_image(400, 800)
    fresh = equirect_to_faces(img, 160, coverage, cache=False)
    equirect.clear_map_cache()
    first = equirect_to_faces(img, 160, coverage)
    assert equirect.map_cache_info()["entries"] >= 3
    again = equirect_to_faces(img, 160, coverage)
    for face in FACES:
        np.testing.assert_array_equal(first[face], fresh[face])
        np.testing.assert_array_equal(again[face], fresh[face])


def test_the_side_faces_of_a_full_turn_share_one_map_set():
    equirect.clear_map_cache()
    equirect_to_faces(smooth_image(512, 1024), 128)
    info = equirect.map_cache_info()
    assert info["entries"] == 3 and info["bytes"] == 3 * 6 * 128 * 128


def test_the_map_cache_is_bounded_by_bytes():
    img = smooth_image(512, 1024)
    try:
        equirect.set_map_cache_bytes(3 * 6 * 200 * 200)  # room for one face size's three sets
        for n in (100, 150, 200):
            equirect_to_faces(img, n)
            info = equirect.map_cache_info()
            assert info["bytes"] <= info["max_bytes"]
        assert equirect.map_cache_info()["entries"] == 3  # the last size only
        equirect_to_faces(img, 201)  # a set above a third of the bound is never kept
        assert equirect.map_cache_info()["entries"] == 3
        equirect.set_map_cache_bytes(0)
        faces = equirect_to_faces(img, 64)  # no cache at all still works
        assert equirect.map_cache_info()["entries"] == 0 and faces["u"].shape == (64, 64, 3)
    finally:
        equirect.set_map_cache_bytes()


def test_windows_across_the_seam_take_columns_modulo_the_width():
    from vtour.pano.equirect import _columns

    img = np.arange(4 * 10 * 3, dtype=np.uint8).reshape(4, 10, 3)
    for x0, x1 in [(-3, 4), (7, 13), (2, 6), (12, 15), (-5, 8)]:
        np.testing.assert_array_equal(_columns(img, 1, 3, x0, x1), img[1:3, np.arange(x0, x1) % 10])


@pytest.mark.shared_data
@pytest.mark.parametrize("interpolation", ["linear", "cubic"])
def test_faces_match_hugin_ground_truth_at_least_as_well_as_py360convert(data_file, interpolation):
    py360convert = require_module("py360convert", "the peer of the PSNR comparison")
    img = read_image(data_file("equirect/examplepano.jpg"))
    truth = {
        f: read_image(data_file(f"cubemap/pannellum_jordan_pond/examplepanocube{i}.jpg"))
        for i, f in enumerate(PANNELLUM_CUBE_ORDER)
    }
    ours = equirect_to_faces(img, 1584, interpolation=interpolation)
    peer = py360convert.e2c(img, 1584, mode="bilinear", cube_format="dict")
    # py360convert's faces F R B L U D are in the same orientation as Hugin's (checked by PSNR)

    def stack(faces, key):
        return np.stack([faces[key(f)] for f in PANNELLUM_CUBE_ORDER])

    truth_all = stack(truth, str)
    assert psnr(stack(ours, str), truth_all) >= psnr(stack(peer, str.upper), truth_all) + 0.3
    for f in PANNELLUM_CUBE_ORDER:
        ours_psnr, peer_psnr = psnr(ours[f], truth[f]), psnr(peer[f.upper()], truth[f])
        # the sky face (u) is smooth: both are within JPEG noise of Hugin's, 49.3 vs 49.4 dB
        assert ours_psnr >= peer_psnr - 0.15, (f, ours_psnr, peer_psnr)
        assert ours_psnr > 25, (f, ours_psnr)  # a wrong orientation scores about 10 dB


def test_an_equirect_too_wide_for_the_remap_is_a_clear_error_not_an_opencv_assertion():
    """cv2.remap refuses a source of 32767 px or more on a side (SHRT_MAX); issue 10's silent exit."""
    from vtour.errors import VtourError
    from vtour.pano.equirect import MAX_REMAP_SIDE, check_remap_size, iter_faces

    img = np.zeros((2, 32768, 3), np.uint8)
    with pytest.raises(VtourError) as e:
        next(iter_faces(img, 64, Coverage(hfov=360, vfov=0.1)))
    assert "32768 px wide" in e.value.message and str(MAX_REMAP_SIDE) in e.value.message
    assert e.value.field == "width" and e.value.value == 32768 and "resize" in e.value.fix
    check_remap_size(MAX_REMAP_SIDE, MAX_REMAP_SIDE // 2, 16384)  # the largest that works passes
    with pytest.raises(VtourError, match=r"face_size=32768"):
        check_remap_size(1024, 512, 32768)
