"""Equirect to tiles in bounded memory: the source read by regions, the faces made block by block.

Memory, whatever the panorama's size, is about one block, its maps and its source region, plus one
accumulator face at a coarse level; never the whole source or a whole large face.

Source
    :mod:`vtour.pano.source`: the equirect in memory when small, else a raw copy on disc read by regions.

Blocks (:func:`write_tiles`)
    Each face is cut into square blocks of ``BLOCK_SIZE`` px (4096, a power of two times the tile
    size) at the finest level. A block's sampling maps are the equirect's (:mod:`vtour.pano.equirect`,
    the same float32 formulas: away from the poles the pixels are those of a whole-face remap, and
    near them the polar anti-aliasing differs, a row-wise tent here, a halving pyramid in
    :func:`vtour.pano.equirect.iter_faces`). Its source region is the bounding box of the maps
    plus the interpolation kernel's reach, taken across the +-180 degree seam when the block
    straddles it. With an even number of blocks per side the poles sit at block corners, so a
    polar block needs a quarter turn of longitude, not all of it.
    u and d regions get the polar anti-alias prefilter row by row, which needs a margin of the
    filter's width each side (or the full turn near the pole). A window whose region would pass
    ``REGION_BYTES`` or OpenCV's 32767 px remap limit is split in four, recursively, so every
    ``cv2.remap`` stays within both. The block is written as the tiles of every level it spans
    (finest, then 2x area reductions, exactly as a whole face's pyramid), and its reduction to
    one tile goes into an accumulator face from which the coarser levels are made as before.

Speed
    The four side faces are made together, block by block: on a full panorama their maps are the
    front's moved a quarter turn, so one set of maps (converted once to OpenCV's fixed-point form)
    serves the four, each reading its own region; d reuses u's maps mirrored across the equator.
    A block's tiles are encoded in the pool while the next block is remapped. With one block per
    face, an in-memory full panorama takes its faces from :func:`vtour.pano.equirect.iter_faces`.
    Measured: about 18 s and 0.8 GB for a 32768 x 16384 JPEG (8192 px faces, 2052 tiles) where the
    whole-face path needed 3.5 GB (or refused it); 100,000 x 50,000 in 1.2 GB (docs/pano.md).

Partial panoramas
    A block whose directions (from its border, plus the pole when it touches one) miss the
    coverage's yaw and pitch ranges is skipped before any map is made. A tile is written only when
    one of its pixels samples the coverage (within the kernel's reach) and, for a source with alpha
    (stitched photos), its alpha is not 0 everywhere; a coarser tile when one of the finest tiles
    it covers was. A full panorama writes every tile. ``write_tiles`` returns the per-level,
    per-face masks of the tiles written, for pano.json's ``present``.

Figures: benchmarks/bench_pano_scale.py, quoted in docs/pano.md "Large panoramas".
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from vtour.conventions import FACES, PANNELLUM_CUBE_ORDER, tile_path
from vtour.errors import VtourError
from vtour.pano.codec import TILE_FORMATS, encode_tile
from vtour.pano.coverage import Coverage
from vtour.pano.equirect import (
    _KERNELS,
    _SIDE_TURNS,
    MAX_REMAP_SIDE,
    _lat_to_y,
    _lon_to_x,
    _prefilter_polar_band,
    natural_face_size,
)
from vtour.pano.source import ArraySource, wrapped_columns
from vtour.pano.tiles import TileLevel, downsample_half

#: Edge of the square blocks a face is made in, px at the finest level (a multiple of any tile size).
BLOCK_SIZE = 4096
#: Block edge for partial panoramas (more blocks skipped whole, smaller maps where it ends).
PARTIAL_BLOCK_SIZE = 1024
#: Edge of the accumulated faces a partial panorama's blocks may need (px; full ones: by BLOCK_SIZE).
ACCUMULATED_SIZE = 4096
#: Largest source region (bytes) one remap reads; a window needing more is split in four.
REGION_BYTES = 96 * 2**20
#: Smallest window a block is split into when its region is too large.
_MIN_WINDOW = 16


# ---------------------------------------------------------------------------------------------
# directions and maps of a window of a face (the formulas of vtour.pano.equirect, in float32)

_DEG = np.float32(180 / np.pi)


def _grid(n: int, idx: np.ndarray) -> np.ndarray:
    return ((idx.astype(np.float32) + 0.5) * (2.0 / n) - 1.0).astype(np.float32)


def _atan2_deg(y, x) -> np.ndarray:
    out = np.arctan2(y, x, dtype=np.float32)
    out *= _DEG
    return out


def _angles(face: str, gx: np.ndarray, gy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lon, lat) degrees of face coordinates ``gx``, ``gy`` (broadcastable; for d, ``gy`` is u's row)."""
    if face in _SIDE_TURNS:
        lon = _atan2_deg(gx, np.float32(1)) + np.float32(90 * _SIDE_TURNS[face])
        return lon, _atan2_deg(-gy, np.sqrt(gx * gx + 1))
    if face in ("u", "d"):  # d is u mirrored top to bottom, latitude negated
        lon, lat = _atan2_deg(gx, gy), _atan2_deg(np.float32(1), np.sqrt(gx * gx + gy * gy))
        return lon, (lat if face == "u" else -lat)
    raise ValueError(f"stream: unknown face {face!r}; expected one of {FACES}")


def _row_grid(face: str, n: int, rows: np.ndarray) -> np.ndarray:
    return _grid(n, n - 1 - rows if face == "d" else rows)


def window_angles(face: str, n: int, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lon, lat) in degrees (float32) of face pixels ``rows`` x ``cols`` of a face of ``n`` px.

    ``rows``, ``cols``: integer pixel indices. Side faces give lon of shape (1, len(cols)) (it
    depends on the column only); u and d give (len(rows), len(cols)) for both.
    """
    return _angles(face, _grid(n, cols)[None, :], _row_grid(face, n, rows)[:, None])


def _misses(face: str, n: int, r0: int, c0: int, size: int, cov: Coverage, margin: tuple[float, float]) -> bool:
    """True when no direction of the window is within ``margin`` (lon, lat degrees) of ``cov``.

    Latitude and longitude have no extremum inside a window except at a pole, so the window's
    border (and the pole, when the window touches the face's centre) bounds them.
    """
    if cov.is_full:
        return False
    edge = np.arange(size)
    rows = np.concatenate([np.full(size, r0), np.full(size, r0 + size - 1), r0 + edge, r0 + edge])
    cols = np.concatenate([c0 + edge, c0 + edge, np.full(size, c0), np.full(size, c0 + size - 1)])
    lon, lat = _angles(face, _grid(n, cols), _row_grid(face, n, rows))
    lat_lo, lat_hi = float(lat.min()), float(lat.max())
    pole = face in ("u", "d") and r0 <= n / 2 <= r0 + size and c0 <= n / 2 <= c0 + size
    if pole:
        lat_lo, lat_hi = (lat_lo, 90.0) if face == "u" else (-90.0, lat_hi)
    p_lo, p_hi = cov.pitch_range
    if lat_hi < p_lo - margin[1] or lat_lo > p_hi + margin[1]:
        return True
    if pole or cov.wraps:
        return False
    # the window's longitudes: the circle less the largest gap between them
    a = np.sort(np.mod(np.broadcast_to(lon, lat.shape).astype(np.float64), 360.0))
    gaps = np.diff(np.concatenate([a, [a[0] + 360.0]]))
    i = int(np.argmax(gaps))
    start, span = float(a[(i + 1) % len(a)]), 360.0 - float(gaps[i])
    # the coverage's arc, widened by the margin; do the two arcs meet?
    c_start = cov.yaw - cov.hfov / 2 - margin[0]
    c_span = cov.hfov + 2 * margin[0]
    d = (start - c_start) % 360.0
    return not (d <= c_span or d + span >= 360.0)


# ---------------------------------------------------------------------------------------------
# one window of one face, remapped from its region


@dataclass
class _Remap:
    """What every window of one build shares."""

    src: ArraySource
    cov: Coverage
    n: int
    kernel: int
    antialias: bool
    reach: int  # source px the kernel reads beyond the sample: 2 cubic, 1 linear
    r: float  # equirect columns per face pixel at a face centre
    regions: list[int] = field(default_factory=list)  # bytes of each region read (for benchmarks)
    cache_key: tuple | None = None
    cache: tuple[np.ndarray, np.ndarray] | None = None

    def lat_of_rows(self, y0: int, y1: int) -> np.ndarray:
        h, cov = self.src.height, self.cov
        return cov.pitch + (0.5 - (np.arange(y0, y1) + 0.5) / h) * cov.vfov

    def filter_width(self, y0: int, y1: int) -> float:
        """Widest polar prefilter (source columns, both passes) over rows ``y0:y1``."""
        lat = np.clip(self.lat_of_rows(y0, y1), -89.999, 89.999)
        return float(np.max(self.r / np.cos(np.radians(lat))))


@dataclass(frozen=True)
class _Plan:
    """The source region one window reads: rows y0:y1, columns x0:x1 (unwrapped), polar prefilter or not."""

    y0: int
    y1: int
    x0: int
    x1: int
    polar: bool


_EMPTY = "empty"


def _plan(job: _Remap, face: str, map_x: np.ndarray, map_y: np.ndarray) -> _Plan | str | None:
    """The region of a window's maps; ``_EMPTY`` when it samples nothing, None when it is too large."""
    w_img, h_img = job.src.width, job.src.height
    reach = job.reach + 1
    y0 = max(0, math.floor(float(map_y.min())) - reach)
    y1 = min(h_img, math.floor(float(map_y.max())) + reach + 1)
    if y1 <= y0:
        return _EMPTY  # every sample lies above or below the image: the border value (0) stays
    lo, hi = float(map_x.min()), float(map_x.max())
    if job.cov.wraps:
        if hi - lo > w_img / 2:  # straddles the seam: take the columns past the right edge instead
            lo = float(map_x[map_x >= w_img / 2].min())
            hi = float(map_x[map_x < w_img / 2].max()) + w_img
        x0, x1 = math.floor(lo) - reach, math.floor(hi) + reach + 1
    else:
        x0, x1 = max(0, math.floor(lo) - reach), min(w_img, math.floor(hi) + reach + 1)
        if x1 <= x0:
            return _EMPTY
    polar = job.antialias and face in ("u", "d") and job.filter_width(y0, y1) >= 2
    # the prefilter's wider rows are read a few at a time (see _fetch): only the result counts here
    nbytes = (y1 - y0) * (x1 - x0) * job.src.channels
    if nbytes > REGION_BYTES or y1 - y0 > MAX_REMAP_SIDE or x1 - x0 > MAX_REMAP_SIDE:
        return None
    return _Plan(y0, y1, x0, x1, polar)


def _relative(map_x: np.ndarray, map_y: np.ndarray, plan: _Plan, job: _Remap) -> tuple[np.ndarray, np.ndarray]:
    """The maps in the region's own coordinates, as OpenCV's fixed-point pair (converted once)."""
    mx = map_x - np.float32(plan.x0)
    if job.cov.wraps:  # samples past the seam, when the region straddles it (all others are >= 0)
        mx[mx < 0] += np.float32(job.src.width)
    return cv2.convertMaps(mx, map_y - np.float32(plan.y0), cv2.CV_16SC2)


def _remap_window(job: _Remap, face: str, map_x: np.ndarray, map_y: np.ndarray, out: np.ndarray) -> None:
    """Fill ``out`` (h, w, C) from the source through the window's maps, split as :func:`_leaves` says."""
    leaves: list = []
    _leaves(job, face, map_x, map_y, (0, 0), leaves)
    for r, c, plan, m1, m2 in leaves:
        h, w = m1.shape[:2]
        out[r : r + h, c : c + w] = _remap_region(job, plan, m1, m2, 0, False).reshape(h, w, -1)


def _remap_region(job: _Remap, plan: _Plan, m1: np.ndarray, m2: np.ndarray, shift: int, flip: bool) -> np.ndarray:
    """Remap the region of ``plan`` moved ``shift`` columns (a side face's quarter turn) or, with
    ``flip``, its mirror across the equator (d from u's maps, in u's orientation), through
    fixed-point maps m1, m2."""
    y0, y1 = (job.src.height - plan.y1, job.src.height - plan.y0) if flip else (plan.y0, plan.y1)
    region = _fetch(job, y0, y1, plan.x0 + shift, plan.x1 + shift, plan.polar)
    job.regions.append(region.nbytes)
    if flip:
        region = np.ascontiguousarray(region[::-1])
    return cv2.remap(region, m1, m2, job.kernel, borderMode=cv2.BORDER_CONSTANT, borderValue=0)


def _leaves(job: _Remap, face: str, map_x: np.ndarray, map_y: np.ndarray, at: tuple[int, int], leaves: list) -> None:
    """Append ``(row, col, plan, m1, m2)`` for each sub-window of a window's maps small enough for one
    remap (split in four while the region is too large); ``at`` is the window's place in the block."""
    plan = _plan(job, face, map_x, map_y)
    if plan == _EMPTY:
        return
    h, w = map_x.shape
    if plan is None:
        if min(h, w) <= _MIN_WINDOW:
            raise VtourError(
                "pano",
                f"a {w} x {h} px window of face {face} reads more of the equirect than one remap takes "
                f"({REGION_BYTES >> 20} MB, {MAX_REMAP_SIDE} px a side)",
                field="face_size",
                value=job.n,
                fix="use a larger face size for so large an equirect",
            )
        hh, hw = h // 2, w // 2
        for r, rr in ((0, slice(0, hh)), (hh, slice(hh, h))):
            for c, cc in ((0, slice(0, hw)), (hw, slice(hw, w))):
                _leaves(job, face, map_x[rr, cc], map_y[rr, cc], (at[0] + r, at[1] + c), leaves)
        return
    assert isinstance(plan, _Plan)
    leaves.append((at[0], at[1], plan, *_relative(map_x, map_y, plan, job)))


def _remap_group(
    job: _Remap, group: tuple[str, ...], windows: dict[str, tuple[int, int]], size: int
) -> Iterator[tuple[str, tuple[np.ndarray, np.ndarray | None]]]:
    """Each face's window of ``group`` (the side faces, or u and d) remapped, sharing one set of maps.

    On a full panorama the side faces' maps are the front's moved a quarter turn (W / 4 columns)
    and d's are u's mirrored across the equator, so one window's maps (in OpenCV's fixed-point
    form, made once) serve the group, each face reading its own region. Otherwise each face is
    remapped on its own (:func:`remap_window`). Yields (face, (pixels, coverage mask or None)) as
    :func:`remap_window` returns, one face at a time.
    """
    side = group[0] in _SIDE_TURNS
    if not (job.cov.is_full and (job.src.width % 4 == 0 or not side)):
        for f in group:
            yield f, remap_window(job, f, *windows[f], size)
        return
    first = "f" if side else "u"
    r0, c0 = windows[group[0]] if group[0] != "d" else (job.n - windows["d"][0] - size, windows["d"][1])
    map_x, map_y = window_maps(job, first, r0, c0, size)
    leaves: list = []
    _leaves(job, first, map_x, map_y, (0, 0), leaves)
    del map_x, map_y
    for f in group:
        out = np.zeros((size, size, job.src.channels), np.uint8)
        shift = _SIDE_TURNS[f] * (job.src.width // 4) if side else 0
        for r, c, plan, m1, m2 in leaves:
            h, w = m1.shape[:2]
            out[r : r + h, c : c + w] = _remap_region(job, plan, m1, m2, shift, f == "d").reshape(h, w, -1)
        yield f, ((out[::-1] if f == "d" else out), None)  # d is made in u's orientation


def _fetch(job: _Remap, y0: int, y1: int, x0: int, x1: int, polar: bool) -> np.ndarray:
    """Source rows y0:y1, columns x0:x1 (modulo the width when it wraps), prefiltered when ``polar``.

    The prefilter pads each row with the image's own wrap (as the whole-image prefilter does), so
    its rows are read wider by the filter's reach each side, or as the full turn when that is no
    less; a few rows at a time, each group with its own reach, so the wide rows near a pole never
    make a large temporary.
    """
    src = job.src
    if not polar:
        return src.region(y0, y1, x0, x1)
    w = src.width
    out = np.empty((y1 - y0, x1 - x0, src.channels), np.uint8)
    step = max(4, REGION_BYTES // (8 * w * src.channels))
    for g0 in range(y0, y1, step):
        g1 = min(y1, g0 + step)
        lat = job.lat_of_rows(g0, g1)
        pad = math.ceil(job.filter_width(g0, g1) * 1.1) + 4
        if x1 - x0 + 2 * pad >= w:
            full = _prefilter_polar_band(src.rows(g0, g1), slice(0, g1 - g0), lat, job.r)
            out[g0 - y0 : g1 - y0] = wrapped_columns(full, x0, x1)
        else:
            wide = src.region(g0, g1, x0 - pad, x1 + pad)
            out[g0 - y0 : g1 - y0] = _prefilter_polar_band(wide, slice(0, g1 - g0), lat, job.r)[:, pad : pad + x1 - x0]
    return out


def _cached_angles(job: _Remap, face: str, r0: int, c0: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`window_angles` of a square window, sharing work across faces as the whole-face remap does.

    The side faces share their latitudes and differ in longitude by quarter turns; d's window is
    u's mirrored top to bottom. The last window's angles are kept, so with one block per face the
    arctangents are computed for one side face and for u only.
    """
    side = face in _SIDE_TURNS
    ur0 = job.n - r0 - size if face == "d" else r0
    key = ("side" if side else "pole", ur0, c0, size)
    if job.cache_key != key:
        job.cache_key, job.cache = None, None  # freed before the next are made
        rows = np.arange(ur0, ur0 + size)
        job.cache = window_angles("f" if side else "u", job.n, rows, np.arange(c0, c0 + size))
        job.cache_key = key
    assert job.cache is not None
    lon, lat = job.cache
    if side:
        return lon + np.float32(90 * _SIDE_TURNS[face]), lat
    return (lon[::-1], -lat[::-1]) if face == "d" else (lon, lat)


def window_maps(job: _Remap, face: str, r0: int, c0: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """(map_x, map_y): (size, size) float32 equirect coordinates of the window's pixels."""
    lon, lat = _cached_angles(job, face, r0, c0, size)
    map_x = _lon_to_x(lon, job.src.width, job.cov)
    if map_x.shape[0] == 1:
        map_x = np.ascontiguousarray(np.broadcast_to(map_x, (size, size)))
    return map_x, np.ascontiguousarray(_lat_to_y(lat, job.src.height, job.cov))


def remap_window(job: _Remap, face: str, r0: int, c0: int, size: int) -> tuple[np.ndarray, np.ndarray | None]:
    """The (size, size, C) uint8 pixels of a window of ``face`` and, for a partial panorama, the
    (size, size) bool mask of pixels sampling the coverage (None: all do)."""
    map_x, map_y = window_maps(job, face, r0, c0, size)
    inside = None
    if not job.cov.is_full:
        w, h, s = job.src.width, job.src.height, job.reach
        inside = np.ones((size, size), bool)
        if not job.cov.wraps:
            inside &= (map_x > -0.5 - s) & (map_x < w - 0.5 + s)
        if job.cov.vfov < 180:
            inside &= (map_y > -0.5 - s) & (map_y < h - 0.5 + s)
    out = np.zeros((size, size, job.src.channels), np.uint8)
    if inside is None or inside.any():
        _remap_window(job, face, map_x, map_y, out)
    return out, inside


def make_job(
    src: ArraySource, cov: Coverage, n: int, *, antialias: bool = True, interpolation: str = "linear"
) -> _Remap:
    return _Remap(
        src,
        cov,
        n,
        _KERNELS[interpolation],
        antialias,
        2 if interpolation == "cubic" else 1,
        natural_face_size(src.width, cov.hfov) / n,
    )


def iter_stream_faces(job: _Remap, faces: tuple[str, ...] = PANNELLUM_CUBE_ORDER):
    """Whole faces, one at a time, made window by window (for :class:`~vtour.pano.build.FaceSource`)."""
    for f in faces:
        out = np.zeros((job.n, job.n, job.src.channels), np.uint8)
        b = min(job.n, BLOCK_SIZE)
        for r0 in range(0, job.n, b):
            for c0 in range(0, job.n, b):
                out[r0 : r0 + b, c0 : c0 + b] = remap_window(job, f, r0, c0, b)[0]
        yield f, out


# ---------------------------------------------------------------------------------------------
# blocks to tiles


@dataclass
class Written:
    """What :func:`write_tiles` wrote: bytes, tile count, previews' sources and the presence masks."""

    bytes: int = 0
    tiles: int = 0
    small: dict[str, np.ndarray] = field(default_factory=dict)
    front: np.ndarray | None = None
    present: dict[int, dict[str, np.ndarray]] = field(default_factory=dict)
    partial: bool = False
    blocks_skipped: int = 0
    blocks: int = 0


def composite(block: np.ndarray, background: tuple[int, int, int]) -> np.ndarray:
    """(h, w, 1|3|4) uint8 -> (h, w, 3) over ``background``, 256 rows at a time (small float temporaries)."""
    if block.shape[2] == 3:
        return block
    if block.shape[2] == 1:
        return np.repeat(block, 3, axis=2)
    out = np.empty((*block.shape[:2], 3), np.uint8)
    bg = np.asarray(background, np.float32)
    for y in range(0, block.shape[0], 256):
        part = block[y : y + 256]
        alpha = part[..., 3:4].astype(np.float32) * np.float32(1 / 255)
        rgb = part[..., :3].astype(np.float32) * alpha
        rgb += bg * (1 - alpha)
        out[y : y + 256] = np.clip(rgb + 0.5, 0, 255)
    return out


def _reduce(mask: np.ndarray, tps: int) -> np.ndarray:
    """(m, m) bool finest-tile mask -> (tps, tps): a tile is there when any finer tile under it is."""
    f = mask.shape[0] // tps
    return np.asarray(mask.reshape(tps, f, tps, f).any(axis=(1, 3)))


def write_tiles(
    job: _Remap,
    levels: tuple[TileLevel, ...],
    root: Path,
    *,
    tile_format: str,
    quality: int | None,
    background: tuple[int, int, int],
    pool: Executor,
    block_size: int = BLOCK_SIZE,
    faces: Iterator[tuple[str, np.ndarray]] | None = None,
) -> Written:
    """Write every tile of the six faces of ``job`` under ``root`` (see the module docstring).

    ``faces``: whole faces in :data:`PANNELLUM_CUBE_ORDER` (:func:`vtour.pano.equirect.iter_faces`
    of an in-memory source), taken instead of remapping when a face is one block and the panorama
    is full, so the common case runs at the whole-face remap's speed.
    """
    n = job.n
    ext = TILE_FORMATS[tile_format]
    top = levels[-1]
    # a partial panorama in smaller blocks: fewer pixels remapped around its edge, smaller maps
    # (few enough that the accumulated faces, blocks a side x tile size, stay within ACCUMULATED_SIZE)
    partial_b = max(PARTIAL_BLOCK_SIZE, n * top.tile_size // ACCUMULATED_SIZE)
    b = min(n, max(top.tile_size, block_size if job.cov.is_full else min(block_size, partial_b)))
    nb = n // b
    # levels a block holds whole tiles of; the coarsest of them is accumulated into a whole face
    block_levels = [z for z, lv in enumerate(levels) if (lv.size // nb) % lv.tile_size == 0 and lv.size >= nb]
    z_acc = block_levels[0]
    z_front = next((z for z, lv in enumerate(levels) if lv.size >= 256), len(levels) - 1)
    whole = sorted({z_acc, max(z_front, z_acc)})
    fill = np.asarray(background if job.src.channels == 4 else (0, 0, 0), np.uint8)
    margin = (
        (job.reach + 1) * job.cov.hfov / job.src.width,
        (job.reach + 1) * job.cov.vfov / job.src.height,
    )
    done = Written(partial=not job.cov.is_full)  # a full panorama writes every tile
    made_dirs: set[tuple[int, str, int]] = set()

    def save(z: int, letter: str, y: int, x: int, tile: np.ndarray) -> int:
        data = encode_tile(np.ascontiguousarray(tile), tile_format, quality)
        (root / tile_path(z, letter, y, x, ext)).write_bytes(data)
        return len(data)

    pending: list[Future] = []

    def write(jobs: list[tuple[int, str, int, int, np.ndarray]] | None) -> None:
        """Encode ``jobs`` in the pool while the next block is remapped; the previous block's are
        awaited first, so at most two blocks' tiles are held (None: await the last ones)."""
        done.bytes += sum(fut.result() for fut in pending)
        pending.clear()
        for z, f, y, _, _ in jobs or ():
            if (z, f, y) not in made_dirs:
                (root / f"{z}/{f}/{y}").mkdir(parents=True, exist_ok=True)
                made_dirs.add((z, f, y))
        pending.extend(pool.submit(save, *j) for j in jobs or ())
        done.tiles += len(jobs or ())

    t = top.tile_size
    tb = b // t  # finest tiles per block side

    def block_tiles(letter: str, r0: int, c0: int, raw: np.ndarray, inside, finest, acc) -> list:
        """Tiles of every level a block spans (and its share of the accumulated faces)."""
        if job.src.channels == 4 and done.partial:
            here = raw[..., 3].reshape(tb, t, tb, t).max(axis=(1, 3)) > 0
        elif inside is not None:
            here = inside.reshape(tb, t, tb, t).any(axis=(1, 3))
        else:
            here = np.ones((tb, tb), bool)
        finest[r0 // t : r0 // t + tb, c0 // t : c0 // t + tb] = here
        if not here.any():
            done.blocks_skipped += 1
            return []
        img = composite(raw, background)
        tiles = []
        for z in range(len(levels) - 1, z_acc - 1, -1):
            lv = levels[z]
            while img.shape[0] > lv.size // nb:
                img = downsample_half(img)
            k, ts = img.shape[0] // lv.tile_size, lv.tile_size
            ty0, tx0 = r0 // b * k, c0 // b * k
            for y, x in zip(*np.nonzero(_reduce(here, k))):
                tiles.append((z, letter, ty0 + int(y), tx0 + int(x), img[y * ts : (y + 1) * ts, x * ts : (x + 1) * ts]))
            if z in acc:
                s = img.shape[0]
                acc[z][r0 // b * s : (r0 // b + 1) * s, c0 // b * s : (c0 // b + 1) * s] = img
        return tiles

    def coarse_tiles(letter: str, finest, acc) -> list:
        """The levels coarser than the blocks', from the accumulated face; keeps the previews' sources."""
        img = acc[z_acc]
        tiles = []
        for z in range(z_acc - 1, -1, -1):
            lv = levels[z]
            while img.shape[0] > lv.size:
                img = downsample_half(img)
            if z in (0, z_front):
                acc.setdefault(z, img)
            ts = lv.tile_size
            for y, x in zip(*np.nonzero(_reduce(finest, lv.tiles_per_side))):
                tiles.append((z, letter, int(y), int(x), img[y * ts : (y + 1) * ts, x * ts : (x + 1) * ts]))
        done.small[letter] = acc[0]
        if letter == "f":
            done.front = acc[z_front]
        for z, lv in enumerate(levels):
            done.present.setdefault(z, {})[letter] = _reduce(finest, lv.tiles_per_side)
        return tiles

    whole_faces = faces if faces is not None and nb == 1 and job.cov.is_full else None
    # the side faces together, then u and d: a block position's maps serve its whole group
    for group in (PANNELLUM_CUBE_ORDER[:4], PANNELLUM_CUBE_ORDER[4:]):
        finest = {f: np.zeros((n // t, n // t), bool) for f in group}
        acc = {f: {z: np.empty((levels[z].size, levels[z].size, 3), np.uint8) for z in whole} for f in group}
        for per_face in acc.values():
            for a in per_face.values():
                a[:] = fill
        for r0 in range(0, n, b):
            for c0 in range(0, n, b):
                windows = {f: (n - r0 - b if f == "d" else r0, c0) for f in group}
                done.blocks += len(group)
                todo = tuple(f for f in group if not _misses(f, n, *windows[f], b, job.cov, margin))
                done.blocks_skipped += len(group) - len(todo)
                if not todo:
                    continue
                if whole_faces is not None:
                    got = {}
                    for f in todo:
                        given, face = next(whole_faces)
                        if given != f:
                            raise ValueError(f"stream: faces gave {given!r} where {f!r} was due")
                        got[f] = (face if face.ndim == 3 else face[..., None], None)
                    for f in todo:
                        raw, inside = got.pop(f)
                        write(block_tiles(f, *windows[f], raw, inside, finest[f], acc[f]))
                else:
                    for f, (raw, inside) in _remap_group(job, todo, windows, b):
                        write(block_tiles(f, *windows[f], raw, inside, finest[f], acc[f]))
                del raw, inside
        for f in group:
            write(coarse_tiles(f, finest[f], acc[f]))
        write(None)
        del acc
    return done


__all__ = [
    "BLOCK_SIZE",
    "REGION_BYTES",
    "Written",
    "iter_stream_faces",
    "make_job",
    "remap_window",
    "window_angles",
    "write_tiles",
]
