"""vtour.pano.stitch: overlapping photos -> equirect with a known coverage."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from vtour.errors import VtourError
from vtour.pano.stitch import _to_sphere, stitch_photos

BOAT = [f"stitching/boat/boat{i}.jpg" for i in range(1, 7)]
NEWSPAPER = [f"stitching/newspaper/newspaper{i}.jpg" for i in range(1, 5)]


def test_spherical_warper_is_equirectangular():
    """OpenCV's spherical warp: u = s * longitude (right +), v = s * (90 deg - latitude)."""
    s = 100.0
    warper = cv2.PyRotationWarper("spherical", s)
    K = np.array([[100, 0, 50], [0, 100, 40], [0, 0, 1]], np.float32)
    R = np.eye(3, dtype=np.float32)
    for (x, y), (lon, lat) in [((50, 40), (0, 0)), ((150, 40), (45, 0)), ((50, -60), (0, 45)),
                               ((150, 140), (45, -math.degrees(math.atan(1 / math.sqrt(2)))))]:
        u, v = warper.warpPoint((x, y), K, R)
        assert u == pytest.approx(s * math.radians(lon), abs=1e-3)
        assert v == pytest.approx(s * (math.pi / 2 - math.radians(lat)), abs=1e-3)


def test_canvas_rows_map_to_latitude_and_are_cropped_at_the_poles():
    s = 100.0
    img = np.zeros((400, 200, 4), np.uint8)
    out, cov = _to_sphere(img, -50, s)                   # rows from v = -50: 50 rows past the pole
    assert out.shape[0] == int(math.pi * s) + 1          # v in [0, pi * s]
    assert cov.vfov == pytest.approx(min(180, math.degrees(out.shape[0] / s)))
    assert cov.hfov == pytest.approx(math.degrees(200 / s))
    v0 = int(s * math.pi / 2) - 50                       # about centred on the horizon
    out, cov = _to_sphere(img[:100], v0, s)
    # the top edge is half a pixel above row 0's centre v0; the centre is 50 rows below it
    assert cov.pitch == pytest.approx(math.degrees(math.pi / 2 - (v0 - 0.5 + 50) / s))
    assert cov.vfov == pytest.approx(math.degrees(100 / s))


def test_boat_photos_stitch_to_a_true_equirect(data_file):
    paths = [data_file(p) for p in BOAT]
    result = stitch_photos(paths)
    assert result.used == paths and result.unmatched == []
    cov = result.coverage
    assert 60 < cov.hfov < 200 and 15 < cov.vfov < 90
    assert abs(cov.pitch) < 10 and cov.yaw == 0          # wave correction levels the horizon
    h, w = result.image.shape[:2]
    assert result.image.dtype == np.uint8 and result.image.shape[2] == 4
    assert (w / h) / (cov.hfov / cov.vfov) == pytest.approx(1, abs=0.02)
    centre = result.image[h // 2 - h // 8:h // 2 + h // 8, w // 2 - w // 8:w // 2 + w // 8]
    assert (centre[..., 3] == 255).all() and centre[..., :3].std() > 5
    # RGB order: the sky across the top is blue
    sky = result.image[h // 8:h // 4, w // 4:3 * w // 4]
    sky = sky[sky[..., 3] == 255]
    assert sky[:, 2].mean() > sky[:, 0].mean()


def test_a_photo_of_another_scene_is_reported_unmatched(data_file):
    paths = [data_file("stitching/boat/boat1.jpg"), data_file("stitching/boat/boat3.jpg"),
             data_file("stitching/newspaper/newspaper1.jpg")]
    result = stitch_photos(paths, compose_megapix=0.3)
    assert result.used == paths[:2] and result.unmatched == paths[2:]


def test_photos_that_do_not_overlap_are_an_error_naming_them(data_file):
    paths = [data_file("stitching/boat/boat1.jpg"), data_file("stitching/newspaper/newspaper1.jpg")]
    with pytest.raises(VtourError, match=r"boat1.jpg, .*newspaper1.jpg: no two photos overlap.*30-50%"):
        stitch_photos(paths)


def test_near_duplicate_photos_are_explained(data_file):
    paths = [data_file("stitching/boat/boat1.jpg"), data_file("stitching/boat/boat2.jpg")]
    with pytest.raises(VtourError, match="nearly the same view"):
        stitch_photos(paths)


def test_newspaper_scans_stitch_flat(data_file):
    paths = [data_file(p) for p in NEWSPAPER]
    result = stitch_photos(paths, mode="scans", compose_megapix=0.5)
    assert result.used == paths
    h, w = result.image.shape[:2]
    assert (w / h) / (result.coverage.hfov / result.coverage.vfov) == pytest.approx(1, abs=0.02)
    assert (result.image[h // 2 - 10:h // 2 + 10, w // 2 - 10:w // 2 + 10, 3] == 255).all()


def test_fewer_than_two_photos_is_an_error(tmp_path):
    with pytest.raises(VtourError, match="needs at least 2 photos, got 1"):
        stitch_photos([tmp_path / "a.jpg"])
    with pytest.raises(VtourError, match="mode='sphere'"):
        stitch_photos([tmp_path / "a.jpg", tmp_path / "b.jpg"], mode="sphere")


def test_synthetic_unrelated_photos_are_an_error(tmp_path):
    from vtour.images import write_image
    rng = np.random.default_rng(0)
    paths = []
    for i in range(2):
        paths.append(tmp_path / f"noise{i}.png")
        write_image(paths[-1], cv2.GaussianBlur(rng.integers(0, 255, (300, 400, 3), dtype=np.uint8), (5, 5), 0))
    with pytest.raises(VtourError, match="no two photos overlap"):
        stitch_photos(paths)
