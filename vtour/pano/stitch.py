"""Overlapping photos to one equirectangular image with a known angular extent.

OpenCV's stitching "detail" pipeline (as in its ``stitching_detailed.py``), run step by step so the
camera rotations and focal length are ours to read:
SIFT features -> pairwise matches -> biggest connected set (the rest are reported as unmatched)
-> homography-based rotation estimate -> ray bundle adjustment -> horizontal wave correction
-> spherical warp -> gain-block exposure compensation -> graph-cut seams -> multi-band blend.

Why the result is exactly equirectangular
    OpenCV's ``SphericalProjector`` maps a world ray ``(x, y, z)`` (x right, y down, z forward)
    to ``u = s * atan2(x, z)`` and ``v = s * (pi - acos(y / |r|))`` (modules/stitching, warpers_inl.hpp;
    pinned by ``test_spherical_warper_is_equirectangular``). So ``u / s`` is longitude (positive
    right) and ``pi/2 - v / s`` latitude (positive up): one pixel is ``1/s`` radians both ways,
    and warped pixel ``(u, v)`` sits at those angles exactly (its centre). The blended canvas with
    top-left ``(u0, v0)`` and size ``W x H`` therefore covers ``hfov = W / s``, ``vfov = H / s``,
    with its centre row at latitude ``pi/2 - (v0 - 0.5 + H/2) / s``. Wave correction levels the
    horizon, so that latitude is the real pitch; the centre column is declared yaw 0.

``mode="scans"`` (flat subjects such as documents) uses the affine pipeline and an affine (flat)
warp: the mosaic has no angular meaning, so its coverage is nominal (``scan_hfov`` degrees for the
width of one photo, square pixels).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from vtour.errors import VtourError
from vtour.images import DEFAULT_MAX_PIXELS, read_image, to_uint8
from vtour.pano.coverage import Coverage

#: Defaults shared by the CLI and the library.
STITCH_DEFAULTS = {
    "work_megapix": 0.6,
    "seam_megapix": 0.1,
    "compose_megapix": 1.5,
    "match_conf": 0.65,
    "conf_thresh": 1.0,
    "mode": "panorama",
    "scan_hfov": 60.0,
}
_OVERLAP_FIX = (
    "take photos that overlap their neighbours by 30-50% and share detail "
    "(not sky or plain walls), or leave out the unrelated photos"
)


@dataclass(frozen=True)
class StitchResult:
    """A stitched panorama.

    Attributes
    ----------
    image : (H, W, 4) uint8
        Equirectangular RGBA; alpha 0 where no photo covers the canvas. Columns are uniform in
        longitude and rows in latitude, and ``W / H == coverage.hfov / coverage.vfov``.
    coverage : Coverage
        Angular extent of ``image``; yaw 0 is its centre column.
    used : list of Path
        Photos in the panorama, in input order.
    unmatched : list of Path
        Photos that matched no other photo well enough and were left out.
    """

    image: np.ndarray
    coverage: Coverage
    used: list[Path]
    unmatched: list[Path]


def _scale_for(area: int, megapix: float) -> float:
    return 1.0 if megapix <= 0 else min(1.0, math.sqrt(megapix * 1e6 / area))


def _warp(warper, img: np.ndarray, cam, work_ratio: float):
    """(corner, warped image, warped coverage mask) of one photo, its camera scaled from work size."""
    K = cam.K().astype(np.float32)
    K[:2] *= work_ratio  # focal length and principal point follow the photo's size
    corner, warped = warper.warp(img, K, cam.R, cv2.INTER_LINEAR, cv2.BORDER_REFLECT)
    _, mask = warper.warp(np.full(img.shape[:2], 255, np.uint8), K, cam.R, cv2.INTER_NEAREST, cv2.BORDER_CONSTANT)
    return corner, warped, mask


def _resize(img: np.ndarray, scale: float) -> np.ndarray:
    if scale == 1.0:
        return img
    return cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def stitch_photos(
    paths: Sequence,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    work_megapix: float = STITCH_DEFAULTS["work_megapix"],
    seam_megapix: float = STITCH_DEFAULTS["seam_megapix"],
    compose_megapix: float = STITCH_DEFAULTS["compose_megapix"],
    match_conf: float = STITCH_DEFAULTS["match_conf"],
    conf_thresh: float = STITCH_DEFAULTS["conf_thresh"],
    mode: str = STITCH_DEFAULTS["mode"],
    scan_hfov: float = STITCH_DEFAULTS["scan_hfov"],
    step: str = "stitch",
) -> StitchResult:
    """Stitch overlapping photos taken from one point into an equirectangular image.

    Parameters
    ----------
    paths : sequence of paths
        Two or more photos (any format :func:`vtour.images.read_image` reads; 16-bit is reduced to
        8-bit, alpha ignored).
    max_pixels : int
        Per-photo pixel limit.
    work_megapix : float
        Size of each photo for feature detection and camera estimation, in megapixels.
    seam_megapix : float
        Size for exposure compensation and seam finding.
    compose_megapix : float
        Size of each photo in the output, in megapixels (<= 0: full resolution).
    match_conf : float
        Lowe ratio-test threshold for SIFT matches (OpenCV's 0.65 for SIFT).
    conf_thresh : float
        Pair confidence needed to keep a photo in the panorama (OpenCV's default 1.0).
    mode : "panorama" or "scans"
        Rotating camera (spherical) or flat subject (affine, nominal coverage).
    scan_hfov : float
        Degrees given to the width of one photo in ``"scans"`` mode.

    Raises
    ------
    VtourError
        Fewer than two photos, photos that do not overlap, camera estimation failing, and every
        read error.
    """
    paths = [Path(p) for p in paths]
    if mode not in ("panorama", "scans"):
        raise VtourError(step, "mode must be 'panorama' or 'scans'", field="mode", value=mode)
    if len(paths) < 2:
        raise VtourError(
            step,
            f"stitching needs at least 2 photos, got {len(paths)}",
            path=", ".join(map(str, paths)) or None,
            fix="give the overlapping photos, or a single equirect image instead",
        )
    scans = mode == "scans"
    photos = []
    for p in paths:
        img = read_image(p, max_pixels=max_pixels, step=step)
        photos.append(np.ascontiguousarray(to_uint8(img)[..., :3]))

    # 1. features and matches at work scale
    finder = cv2.SIFT_create()
    # One scale for every photo (from the first, as OpenCV does): the focal lengths estimated
    # below are in work-scale pixels and must share a unit.
    area = photos[0].shape[0] * photos[0].shape[1]
    work_scale = _scale_for(area, work_megapix)
    features = [cv2.detail.computeImageFeatures2(finder, _resize(im, work_scale)) for im in photos]
    for i, f in enumerate(features):
        f.img_idx = i
    matcher = (
        cv2.detail_AffineBestOf2NearestMatcher(False, False, match_conf)
        if scans
        else cv2.detail_BestOf2NearestMatcher(False, match_conf)
    )
    pairwise = matcher.apply2(features)
    matcher.collectGarbage()
    keep = [int(i) for i in np.ravel(cv2.detail.leaveBiggestComponent(features, pairwise, conf_thresh))]
    used = [paths[i] for i in keep]
    unmatched = [p for i, p in enumerate(paths) if i not in keep]
    if len(keep) < 2:
        # OpenCV zeroes the confidence of pairs that agree too well (inliers > 3x the matches
        # expected): near duplicates. Say so, since "do not overlap" would mislead.
        twins = [
            (paths[m.src_img_idx].name, paths[m.dst_img_idx].name)
            for m in pairwise
            if m.src_img_idx < m.dst_img_idx and m.confidence == 0 and m.num_inliers > 100
        ]
        if twins:
            raise VtourError(
                step,
                "photos {} and {} show nearly the same view".format(*twins[0]),
                path=", ".join(map(str, paths)),
                fix="drop one of them, or add the photos between the views",
            )
        raise VtourError(
            step, "no two photos overlap enough to be stitched", path=", ".join(map(str, paths)), fix=_OVERLAP_FIX
        )
    features = [features[i] for i in keep]
    photos = [photos[i] for i in keep]
    for j, f in enumerate(features):
        f.img_idx = j
    pairwise = matcher.apply2(features)  # re-run on the kept set so indices line up

    # 2. cameras: rotation + focal, refined by bundle adjustment, levelled by wave correction
    estimator = cv2.detail_AffineBasedEstimator() if scans else cv2.detail_HomographyBasedEstimator()
    ok, cameras = estimator.apply(features, pairwise, None)
    if not ok:
        raise VtourError(
            step, "could not estimate the camera of each photo", path=", ".join(map(str, used)), fix=_OVERLAP_FIX
        )
    for cam in cameras:
        cam.R = cam.R.astype(np.float32)
    adjuster = cv2.detail_BundleAdjusterAffinePartial() if scans else cv2.detail_BundleAdjusterRay()
    adjuster.setConfThresh(conf_thresh)
    ok, cameras = adjuster.apply(features, pairwise, cameras)
    if not ok or not all(np.isfinite(c.R).all() and c.focal > 0 for c in cameras):
        raise VtourError(
            step,
            "camera bundle adjustment failed",
            path=", ".join(map(str, used)),
            fix=_OVERLAP_FIX + "; or try mode='scans' for a flat subject",
        )
    if not scans:
        rmats = cv2.detail.waveCorrect([np.copy(c.R) for c in cameras], cv2.detail.WAVE_CORRECT_HORIZ)
        for cam, r in zip(cameras, rmats):
            cam.R = r
    warped_scale = float(np.median([c.focal for c in cameras]))
    kind = "affine" if scans else "spherical"

    # 3. exposure compensation and seams at seam scale
    seam_scale = _scale_for(area, seam_megapix)
    seam_work = seam_scale / work_scale
    warper = cv2.PyRotationWarper(kind, warped_scale * seam_work)
    corners, masks_warped, images_warped = [], [], []
    for im, cam in zip(photos, cameras):
        corner, warped, mask = _warp(warper, _resize(im, seam_scale), cam, seam_work)
        corners.append(corner)
        images_warped.append(warped)
        masks_warped.append(mask)
    compensator = cv2.detail.ExposureCompensator_createDefault(cv2.detail.ExposureCompensator_GAIN_BLOCKS)
    compensator.feed(corners=corners, images=images_warped, masks=masks_warped)
    seam_finder = cv2.detail_GraphCutSeamFinder("COST_COLOR")
    seam_masks = seam_finder.find([w.astype(np.float32) for w in images_warped], corners, masks_warped)
    del images_warped

    # 4. compose at compose scale
    compose_scale = _scale_for(area, compose_megapix)
    compose_work = compose_scale / work_scale
    scale = warped_scale * compose_work  # pixels per radian of the result
    warper = cv2.PyRotationWarper(kind, scale)
    warped_all, corners, sizes = [], [], []
    for idx, (im, cam) in enumerate(zip(photos, cameras)):
        corner, warped, mask = _warp(warper, _resize(im, compose_scale), cam, compose_work)
        compensator.apply(idx, corner, warped, mask)
        seam = cv2.resize(
            cv2.dilate(seam_masks[idx], None), (mask.shape[1], mask.shape[0]), interpolation=cv2.INTER_LINEAR_EXACT
        )
        warped_all.append((warped.astype(np.int16), cv2.bitwise_and(seam, mask)))
        corners.append(corner)
        sizes.append((warped.shape[1], warped.shape[0]))
    roi = cv2.detail.resultRoi(corners=corners, sizes=sizes)
    blend_width = math.sqrt(roi[2] * roi[3]) * 0.05  # OpenCV's default blend strength, 5%
    blender = cv2.detail_MultiBandBlender()
    blender.setNumBands(max(1, int(math.log2(max(blend_width, 1))) - 1))
    blender.prepare(roi)
    for (warped, mask), corner in zip(warped_all, corners):
        blender.feed(warped, mask, corner)
    del warped_all
    result, result_mask = blender.blend(None, None)
    rgba = np.dstack([np.clip(result, 0, 255).astype(np.uint8), result_mask])

    if scans:
        coverage = _scan_coverage(rgba.shape, scan_hfov, photos[0].shape[1] * compose_scale)
    else:
        rgba, coverage = _to_sphere(rgba, roi[1], scale)
    return StitchResult(image=rgba, coverage=coverage, used=used, unmatched=unmatched)


def _scan_coverage(shape, scan_hfov: float, photo_width: float) -> Coverage:
    """Nominal extent of a flat mosaic: ``scan_hfov`` degrees per photo width, square pixels."""
    h, w = shape[:2]
    hfov = min(360.0, w * scan_hfov / photo_width)
    return Coverage(hfov=hfov, vfov=min(180.0, h * hfov / w), yaw=0.0, pitch=0.0)


def _to_sphere(image: np.ndarray, v0: int, scale: float) -> tuple[np.ndarray, Coverage]:
    """Crop a spherical-warped canvas to at most 360 x 180 degrees and give its extent.

    image : (H, W, C) canvas whose row r is warped v = v0 + r; ``scale`` pixels per radian.
    """
    h, w = image.shape[:2]
    top, bottom = max(0, -v0), min(h, math.floor(math.pi * scale) - v0 + 1)
    full_w = math.floor(2 * math.pi * scale)
    left = max(0, (w - full_w) // 2)
    image = image[top:bottom, left : left + min(w, full_w)]
    h, w = image.shape[:2]
    v0 += top
    top_lat = 90.0 - math.degrees((v0 - 0.5) / scale)  # latitude of the top edge
    vfov = min(180.0, math.degrees(h / scale))
    hfov = min(360.0, math.degrees(w / scale))
    pitch = max(-90 + vfov / 2, min(90 - vfov / 2, top_lat - vfov / 2))
    return np.ascontiguousarray(image), Coverage(hfov=hfov, vfov=vfov, yaw=0.0, pitch=pitch)
