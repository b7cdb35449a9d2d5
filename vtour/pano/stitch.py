"""Overlapping photos to one equirectangular image with a known angular extent.

OpenCV's stitching "detail" pipeline (as in its ``stitching_detailed.py``), run step by step so the
camera rotations and focal length are ours to read:
SIFT features -> pairwise matches -> biggest connected set (the rest are reported as unmatched)
-> homography-based rotation estimate -> ray bundle adjustment -> horizontal wave correction
-> spherical warp -> gain-block exposure compensation -> graph-cut seams -> multi-band blend.
:func:`stitch_photos` runs that as four steps at three scales: ``_match`` (work scale),
``_estimate_cameras``, ``_find_seams`` (seam scale) and ``_blend`` (compose scale).

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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import cv2
import numpy as np

from vtour.errors import VtourError
from vtour.images import DEFAULT_MAX_PIXELS, read_image, to_uint8
from vtour.pano.coverage import Coverage

#: Defaults shared by the CLI and the library. Values are floats except ``mode`` (a str); typed Any so
#: that each keyword default of :func:`stitch_photos` below takes the type of its parameter.
STITCH_DEFAULTS: dict[str, Any] = {
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


@dataclass(frozen=True)
class _Cameras:
    """The estimated cameras of the kept photos, in work-scale pixels.

    ``cameras`` are OpenCV ``CameraParams`` (rotation ``R`` float32, ``focal``), one per kept photo;
    ``focal`` is their median focal length, which is the warper's pixels per radian at work scale;
    ``kind`` is the warp: "spherical" (a rotating camera) or "affine" (flat scans).
    """

    cameras: Sequence[cv2.detail.CameraParams]
    focal: float
    kind: str


def _warped(
    photos: list[np.ndarray], cams: _Cameras, photo_scale: float, work_ratio: float
) -> Iterator[tuple[tuple[int, int], np.ndarray, np.ndarray]]:
    """Yield (corner, warped image, warped mask) of each photo resized by ``photo_scale``.

    ``work_ratio`` is ``photo_scale`` over the work scale: the cameras' focal lengths and the
    warper's scale are in work-scale pixels and are multiplied by it.
    """
    warper = cv2.PyRotationWarper(cams.kind, cams.focal * work_ratio)
    for im, cam in zip(photos, cams.cameras):
        yield _warp(warper, _resize(im, photo_scale), cam, work_ratio)


# ---------------------------------------------------------------------------------------------
# the four steps of stitch_photos


def _match(
    photos: list[np.ndarray],
    paths: list[Path],
    work_scale: float,
    scans: bool,
    match_conf: float,
    conf_thresh: float,
    step: str,
) -> tuple[list[int], list[cv2.detail.ImageFeatures], Sequence[cv2.detail.MatchesInfo]]:
    """1. SIFT features and pairwise matches at work scale; keep the biggest connected set of photos.

    Returns ``(keep, features, pairwise)``: the kept photos' indices into ``photos``, and their
    features and matches renumbered 0..len(keep)-1. Raises when fewer than two photos connect.
    """
    finder = cv2.SIFT.create()
    features = [cv2.detail.computeImageFeatures2(finder, _resize(im, work_scale)) for im in photos]
    for i, f in enumerate(features):
        f.img_idx = i
    matcher = (
        cv2.detail.AffineBestOf2NearestMatcher(False, False, match_conf)
        if scans
        else cv2.detail.BestOf2NearestMatcher(False, match_conf)
    )
    pairwise = matcher.apply2(features)
    matcher.collectGarbage()
    keep = [int(i) for i in np.ravel(cv2.detail.leaveBiggestComponent(features, pairwise, conf_thresh))]
    if len(keep) < 2:
        _refuse_unmatched(paths, pairwise, step)
    features = [features[i] for i in keep]
    for j, f in enumerate(features):
        f.img_idx = j
    pairwise = matcher.apply2(features)  # re-run on the kept set so indices line up
    return keep, features, pairwise


def _refuse_unmatched(paths: list[Path], pairwise, step: str) -> NoReturn:
    """The error for photos of which no two connect, telling near duplicates from no overlap."""
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


def _estimate_cameras(features, pairwise, scans: bool, conf_thresh: float, used: list[Path], step: str) -> _Cameras:
    """2. Cameras: rotation + focal, refined by bundle adjustment, levelled by wave correction."""
    estimator = cv2.detail.AffineBasedEstimator() if scans else cv2.detail.HomographyBasedEstimator()
    # OpenCV's stub types the cameras argument as a list, but it is an output here: None is what its
    # own stitching_detailed.py passes.
    ok, cameras = estimator.apply(features, pairwise, None)  # type: ignore[arg-type]
    if not ok:
        raise VtourError(
            step, "could not estimate the camera of each photo", path=", ".join(map(str, used)), fix=_OVERLAP_FIX
        )
    for cam in cameras:
        cam.R = cam.R.astype(np.float32)
    adjuster = cv2.detail.BundleAdjusterAffinePartial() if scans else cv2.detail.BundleAdjusterRay()
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
    return _Cameras(cameras, float(np.median([c.focal for c in cameras])), "affine" if scans else "spherical")


def _find_seams(
    photos: list[np.ndarray], cams: _Cameras, seam_scale: float, seam_work: float
) -> tuple[cv2.detail.ExposureCompensator, Sequence[cv2.UMat]]:
    """3. Exposure gains and graph-cut seams at seam scale.

    Returns ``(compensator, seam_masks)``: the fed gain-block compensator and one (h, w) uint8 UMat mask
    per photo, at seam scale, of the warped pixels that photo contributes.
    """
    corners, masks_warped, images_warped = [], [], []
    for corner, warped, mask in _warped(photos, cams, seam_scale, seam_work):
        corners.append(corner)
        images_warped.append(warped)
        masks_warped.append(mask)
    compensator = cv2.detail.ExposureCompensator.createDefault(cv2.detail.ExposureCompensator_GAIN_BLOCKS)
    # The stubs of feed and find name only UMat lists; the bindings take numpy arrays as well, as
    # OpenCV's stitching_detailed.py passes them (find returns UMats).
    compensator.feed(corners=corners, images=images_warped, masks=masks_warped)  # type: ignore[arg-type]
    seam_finder = cv2.detail.GraphCutSeamFinder("COST_COLOR")
    float_images = [w.astype(np.float32) for w in images_warped]
    seam_masks = seam_finder.find(float_images, corners, masks_warped)  # type: ignore[arg-type]
    return compensator, seam_masks


def _blend(
    photos: list[np.ndarray],
    cams: _Cameras,
    compose_scale: float,
    compose_work: float,
    compensator: cv2.detail.ExposureCompensator,
    seam_masks: Sequence[cv2.UMat],
) -> tuple[np.ndarray, Sequence[int]]:
    """4. Warp at compose scale, apply the gains, and blend along the seams with a multi-band blender.

    Returns the (H, W, 4) uint8 RGBA canvas (alpha 0 where no photo reaches) and its ROI
    ``(u0, v0, W, H)`` in warped pixels.
    """
    warped_all, corners, sizes = [], [], []
    for idx, (corner, warped, mask) in enumerate(_warped(photos, cams, compose_scale, compose_work)):
        compensator.apply(idx, corner, warped, mask)
        # grow the seam by a pixel (None: OpenCV's default 3 x 3 kernel, which its stub does not admit)
        grown = cv2.dilate(seam_masks[idx], None)  # type: ignore[call-overload]
        seam = cv2.resize(grown, (mask.shape[1], mask.shape[0]), interpolation=cv2.INTER_LINEAR_EXACT)
        warped_all.append((warped.astype(np.int16), cv2.bitwise_and(seam, mask)))
        corners.append(corner)
        sizes.append((warped.shape[1], warped.shape[0]))
    roi = cv2.detail.resultRoi(corners=corners, sizes=sizes)
    blend_width = math.sqrt(roi[2] * roi[3]) * 0.05  # OpenCV's default blend strength, 5%
    blender = cv2.detail.MultiBandBlender()
    blender.setNumBands(max(1, int(math.log2(max(blend_width, 1))) - 1))
    blender.prepare(roi)
    for (warped, mask), corner in zip(warped_all, corners):
        blender.feed(warped, mask, corner)
    del warped_all
    # None: let blend allocate its outputs (the stub wants arrays to fill)
    result, result_mask = blender.blend(None, None)  # type: ignore[call-overload]
    return np.dstack([np.clip(result, 0, 255).astype(np.uint8), result_mask]), roi


# ---------------------------------------------------------------------------------------------


def _read_photos(paths: list[Path], max_pixels: int, step: str) -> list[np.ndarray]:
    """Each photo as (h, w, 3) uint8 RGB, contiguous (OpenCV's stitcher wants exactly that)."""
    return [np.ascontiguousarray(to_uint8(read_image(p, max_pixels=max_pixels, step=step))[..., :3]) for p in paths]


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
    photos = _read_photos(paths, max_pixels, step)
    # One scale for every photo (from the first, as OpenCV does): the focal lengths estimated
    # from the features are in work-scale pixels and must share a unit.
    area = photos[0].shape[0] * photos[0].shape[1]
    work_scale = _scale_for(area, work_megapix)
    keep, features, pairwise = _match(photos, paths, work_scale, scans, match_conf, conf_thresh, step)
    used = [paths[i] for i in keep]
    unmatched = [p for i, p in enumerate(paths) if i not in keep]
    photos = [photos[i] for i in keep]
    cams = _estimate_cameras(features, pairwise, scans, conf_thresh, used, step)
    seam_scale = _scale_for(area, seam_megapix)
    compensator, seam_masks = _find_seams(photos, cams, seam_scale, seam_scale / work_scale)
    compose_scale = _scale_for(area, compose_megapix)
    compose_work = compose_scale / work_scale
    rgba, roi = _blend(photos, cams, compose_scale, compose_work, compensator, seam_masks)
    if scans:
        coverage = _scan_coverage(rgba.shape, scan_hfov, photos[0].shape[1] * compose_scale)
    else:
        # the warper's scale in _warped: pixels per radian of the result
        rgba, coverage = _to_sphere(rgba, roi[1], cams.focal * compose_work)
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
