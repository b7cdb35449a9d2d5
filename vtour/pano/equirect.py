"""Equirectangular image to the six faces of a cube, resampled faithfully and fast.

Each face is one ``cv2.remap`` (bilinear by default, multi-threaded) with fixed-point maps
(``cv2.convertMaps``: int16 column/row pairs and 1/32-pixel fractions, 2.5x faster than float maps).
The maps cost an arctangent per pixel, so they are kept between calls in a least-recently-used cache
bounded by bytes (:data:`MAP_CACHE_BYTES`): a batch of same-size panoramas pays for them once. The
cube's symmetry keeps them small: the four side faces of a full turn share one map set (a side
face's column depends on the pixel's column only, and the faces lie a quarter turn apart), each read
from the window of the equirect it covers; u and d have one each.

Anti-aliasing. Near the poles the equirect is oversampled along its rows: a u or d face pixel at
latitude ``lat`` spans ``r * tan(lat)`` equirect columns (``r = W / (pi * N)`` the equirect-to-face
sample ratio at a face centre), and point sampling them would alias (moire on a painted ceiling).
Each polar row is area-averaged down by a power of two to keep 1.4 to 2.8 samples per face pixel,
then smoothed by a [1 2 1] tent at that spacing, and the face is sampled from this "polar canvas"
(:func:`_polar_blocks`). That damps sub-pixel patterns about 10x and makes the polar source small.
The side faces never reach past 45 degrees of latitude, where the stretch is at most 1.41, and are
sampled unfiltered. Smaller pyramid levels are made from the full-size faces with an area filter
(:mod:`vtour.pano.tiles`).

:func:`face_maps` (float maps) and :func:`_prefilter_polar_band` (a tent filter of the polar rows)
are the reference geometry and filter, for the streaming remap (:mod:`vtour.pano.stream`) and tests.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

import cv2
import numpy as np

from vtour.conventions import FACES
from vtour.errors import VtourError
from vtour.pano.coverage import FULL, Coverage

#: Longest side ``cv2.remap`` takes, source and destination: it asserts sides below SHRT_MAX (32767).
MAX_REMAP_SIDE = 32766

#: Latitude (degrees) of the side faces' corners; the u and d faces lie beyond +-this.
SIDE_FACE_MAX_LAT = math.degrees(math.atan(1 / math.sqrt(2)))

_KERNELS = {"linear": cv2.INTER_LINEAR, "cubic": cv2.INTER_CUBIC}
# Side faces: longitude offset of each face's centre, in quarter turns (yaw positive right).
_SIDE_TURNS = {"f": 0, "r": 1, "b": 2, "l": -1}


def natural_face_size(width: int, hfov: float = 360.0) -> float:
    """Face edge (px) whose centre pixel spans the same angle as one equirect column.

    ``width`` is the equirect's width covering ``hfov`` degrees; a full 360 degree width W gives
    ``W / pi``.
    """
    return width * 360.0 / hfov / math.pi


def check_remap_size(width: int, height: int, face_size: int, *, path=None, step: str = "pano") -> None:
    """Refuse an equirect or a face size the remap cannot take, naming it and what to do.

    Raises
    ------
    VtourError
        ``width`` or ``height`` (px) of the equirect, or ``face_size``, above ``MAX_REMAP_SIDE``.
    """
    for name, value, what in (("width", width, "wide"), ("height", height, "high")):
        if value > MAX_REMAP_SIDE:
            raise VtourError(
                step,
                f"equirect is {value} px {what}; its remap to cube faces (OpenCV) takes at most {MAX_REMAP_SIDE} px "
                "on a side",
                path=path,
                field=name,
                value=value,
                fix=f"resize it to at most {MAX_REMAP_SIDE} px {what} (a 30000 x 15000 equirect still gives "
                "8192 px faces)",
            )
    if face_size > MAX_REMAP_SIDE:
        raise VtourError(
            step,
            f"faces of {face_size} px are more than the remap to cube faces (OpenCV) makes: at most "
            f"{MAX_REMAP_SIDE} px",
            path=path,
            field="face_size",
            value=face_size,
            fix="use a face size of 16384 or less",
        )


def _face_grid(n: int) -> np.ndarray:
    """(n,) float32 face coordinates in [-1, 1] at pixel centres."""
    return ((np.arange(n, dtype=np.float32) + 0.5) * (2.0 / n) - 1.0).astype(np.float32)


_DEG = np.float32(180 / np.pi)


def _atan2_deg(y: np.ndarray | np.float32, x: np.ndarray | np.float32) -> np.ndarray:
    """Elementwise atan2 in degrees, in float32 throughout.

    numpy's float32 arctan2 is vectorised (SIMD) and exact to float32; float64 here would cost 5x
    and ``cv2.cartToPolar``'s fast approximation is off by up to 0.01 degree (0.2 px at 8k).
    """
    out = np.arctan2(y, x, dtype=np.float32)
    out *= _DEG
    return out


def _lon_to_x(lon_deg: np.ndarray, w: int, cov: Coverage) -> np.ndarray:
    """Longitude in degrees (any turn) to equirect column coordinates (cv2.remap's: centre = integer)."""
    x = (lon_deg - np.float32(cov.yaw)) * np.float32(1.0 / 360.0)  # turns from the image centre
    x -= np.floor(x + np.float32(0.5))  # into [-0.5, 0.5): the gap behind a partial pano splits evenly
    x *= np.float32(360.0 / cov.hfov * w)
    x += np.float32(w / 2 - 0.5)
    if cov.wraps:  # the left edge's half pixel belongs to the last column (BORDER_WRAP blends them)
        np.add(x, np.float32(w), out=x, where=x < 0)
    return x


def _lat_to_y(lat_deg: np.ndarray, h: int, cov: Coverage) -> np.ndarray:
    """Latitude in degrees to equirect row coordinates."""
    y = (np.float32(cov.pitch) - lat_deg) * np.float32(h / cov.vfov)
    y += np.float32(h / 2 - 0.5)
    if cov.vfov >= 180:
        np.clip(y, 0, h - 1, out=y)  # the pole rows: never blend across the top or bottom edge
    return y


class _AngleMaps:
    """Longitude/latitude (degrees, float32) of every face pixel, computed once per face size.

    The four side faces share one latitude map and differ in longitude by quarter turns, and their
    longitude depends on the column only; d is u mirrored top to bottom with latitude negated.
    So three (n, n) arctangents serve all six faces.
    """

    def __init__(self, n: int):
        self.n = n
        self._side: tuple[np.ndarray, np.ndarray] | None = None
        self._pole: tuple[np.ndarray, np.ndarray] | None = None

    def side(self) -> tuple[np.ndarray, np.ndarray]:
        if self._side is None:
            g = _face_grid(self.n)
            # front direction (u, -v, -1): lon = atan(u), lat = atan2(-v, hypot(u, 1))
            lon = _atan2_deg(g, np.float32(1))
            lat = _atan2_deg(-g[:, None], np.sqrt(g * g + 1)[None, :])
            self._side = lon, lat
        return self._side

    def pole(self) -> tuple[np.ndarray, np.ndarray]:
        if self._pole is None:
            g = _face_grid(self.n)
            uu, vv = g[None, :], g[:, None]
            # u direction (u, 1, -v): lon = atan2(u, v), lat = atan2(1, hypot(u, v))
            self._pole = _atan2_deg(uu, vv), _atan2_deg(np.float32(1), np.sqrt(uu * uu + vv * vv))
        return self._pole

    def drop_side(self) -> None:
        self._side = None

    def of(self, face: str) -> tuple[np.ndarray, np.ndarray]:
        """(lon, lat) of ``face``: lon (n,) for side faces (one value per column), else (n, n)."""
        if face in _SIDE_TURNS:
            lon, lat = self.side()
            return lon + np.float32(90 * _SIDE_TURNS[face]), lat
        if face == "u":
            return self.pole()
        if face == "d":
            lon, lat = self.pole()
            return lon[::-1], -lat[::-1]
        raise ValueError(f"equirect: unknown face {face!r}; expected one of {FACES}")


def face_maps(
    face: str, n: int, shape: tuple[int, int], cov: Coverage = FULL, *, angles: _AngleMaps | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Sampling maps of one face.

    Parameters
    ----------
    face : str
        A letter of ``FACES``.
    n : int
        Face edge in pixels.
    shape : (H, W)
        Size of the equirect image.
    cov : Coverage
        Angular extent of the equirect image.
    angles : _AngleMaps, optional
        Shared angle maps of size ``n`` (reused across faces).

    Returns
    -------
    map_x, map_y : (n, n) float32
        Equirect pixel coordinates (column, row; integer = pixel centre) that face pixel
        ``[row, col]`` samples.
    """
    h, w = shape
    lon, lat = (angles or _AngleMaps(n)).of(face)
    map_x = _lon_to_x(lon, w, cov)
    if map_x.ndim == 1:
        map_x = np.ascontiguousarray(np.broadcast_to(map_x[None, :], (n, n)))
    return map_x, _lat_to_y(lat, h, cov)


def _prefilter_polar_band(img: np.ndarray, rows: slice, lat_of_row: np.ndarray, r: float) -> np.ndarray:
    """Copy of ``img[rows]`` with each row tent-filtered horizontally over ``r / cos(lat)`` columns.

    The tent (a box of that width applied twice: the footprint of bilinear reconstruction at that
    spacing) leaves ``1 / m**2`` of a pattern at the Nyquist rate where a single box leaves
    ``1 / m``. Rows are grouped by odd box width (geometric steps past 9) so the cost is a few
    dozen ``cv2.blur`` calls; the horizontal wrap of a full turn is honoured by padding.
    """
    band = img[rows]
    out = np.empty_like(band)
    w = img.shape[1]
    width = r / np.maximum(np.cos(np.radians(lat_of_row)), 1e-6)
    width = np.minimum(width, w)
    # odd widths keep the box centred; past 9, steps of ~8 % in width are invisible
    q = np.where(
        width < 9,
        2 * np.round((width - 1) / 2) + 1,
        2 * np.round(np.exp(np.round(np.log(np.maximum(width, 1)) / 0.08) * 0.08) / 2) + 1,
    )
    q = np.minimum(q, 2 * (w // 2) - 1).astype(np.int64)
    cut = np.flatnonzero(np.diff(q)) + 1
    for start, stop in zip(np.concatenate([[0], cut]), np.concatenate([cut, [len(q)]])):
        m = int(q[start])
        if m <= 1:
            out[start:stop] = band[start:stop]
            continue
        pad = m  # two passes reach m // 2 each side twice
        padded = cv2.copyMakeBorder(band[start:stop], 0, 0, pad, pad, cv2.BORDER_WRAP)
        once = cv2.blur(padded, (m, 1), borderType=cv2.BORDER_REPLICATE)
        cv2.blur(once, (m, 1), dst=padded, borderType=cv2.BORDER_REPLICATE)
        out[start:stop] = padded[:, pad : pad + w].reshape(out[start:stop].shape)
    return out


# ---------------------------------------------------------------------------------------------
# The remap: fixed-point maps, cached; sources cut to the window each face reads.

#: Bytes of fixed-point sampling maps kept between calls, all face sizes together (least recently
#: used dropped first). A map set is ``6 * n**2`` bytes (int16 column/row pairs, uint16 fractions);
#: a full panorama needs three (the four side faces share one, u, d): ``18 * n**2`` bytes, so
#: 75 MB for 2048 px faces and 302 MB for 4096 px. A set above a third of the bound (faces above
#: 5461 px; 8192 px: 400 MB a set) is never kept: it is made for each call and freed after its
#: face (the side set after the last side face).
MAP_CACHE_BYTES = 512 * 2**20

_AA_SAMPLES = 2.0  # polar rows keep 1.4 to 2.8 samples per face pixel along the row (tangentially)
_AA_TENT = np.array([[0.25, 0.5, 0.25]], np.float32)  # then smoothed by this, at the decimated spacing
_PAD = 3  # columns added each side of a polar canvas block: the wrap (or zeros); cubic reads 2
_MARGIN = 2  # rows of context above and below each polar block: cubic reads 2 rows either way
_STRIP = 256  # face rows whose float maps exist at once while fixed-point maps are made


@dataclass(frozen=True, eq=False)
class _Maps:
    """Fixed-point sampling maps of one face (``cv2.convertMaps``' CV_16SC2 + CV_16UC1 pair).

    ``xy`` (n, n, 2) int16 holds each face pixel's integer source column and row, ``frac`` (n, n)
    uint16 the index of its fractions in OpenCV's interpolation table (1/32 px). They address
    either a window ``[y0:y1, x0:x1]`` of the equirect (``x0`` relative to the face's column shift
    for the shared side maps) or, when ``blocks`` is set, a polar canvas built from those rows.
    """

    xy: np.ndarray
    frac: np.ndarray
    x0: int
    x1: int
    y0: int
    y1: int
    # polar canvas: (first row, stop row, halvings, width, first canvas row) per block of equirect rows
    blocks: tuple[tuple[int, int, int, int, int], ...] = ()

    @property
    def nbytes(self) -> int:
        return self.xy.nbytes + self.frac.nbytes


class _MapCache:
    """Least-recently-used maps, bounded by bytes (:data:`MAP_CACHE_BYTES`); thread-safe."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple, _Maps] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def nbytes(self) -> int:
        return sum(m.nbytes for m in self._entries.values())

    def get(self, key: tuple, build: Callable[[], _Maps]) -> _Maps:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        maps = build()  # outside the lock: other threads keep remapping meanwhile
        with self._lock:
            # a panorama needs three map sets: when they cannot all stay, keeping one only evicts another
            if 3 * maps.nbytes <= self.max_bytes:
                self._entries[key] = maps
                while self.nbytes > self.max_bytes:
                    self._entries.popitem(last=False)
        return maps

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_CACHE = _MapCache(MAP_CACHE_BYTES)


def map_cache_info() -> dict[str, int]:
    """What the remap's map cache holds: ``entries``, ``bytes`` and its bound ``max_bytes``."""
    return {"entries": len(_CACHE._entries), "bytes": _CACHE.nbytes, "max_bytes": _CACHE.max_bytes}


def clear_map_cache() -> None:
    """Drop the maps kept by the remap (the next call of each size makes them again)."""
    _CACHE.clear()


def set_map_cache_bytes(max_bytes: int = MAP_CACHE_BYTES) -> None:
    """Bound the map cache at ``max_bytes`` (0 turns it off), dropping what it holds."""
    _CACHE.clear()
    _CACHE.max_bytes = int(max_bytes)


def _face_angles(face: str, n: int, r0: int, r1: int) -> tuple[np.ndarray, np.ndarray]:
    """(lon, lat) in degrees of face rows ``r0:r1``: lon (n,) for side faces, else (r1 - r0, n).

    The same geometry as :class:`_AngleMaps`, a strip at a time.
    """
    g = _face_grid(n)
    if face in _SIDE_TURNS:
        lon = _atan2_deg(g, np.float32(1)) + np.float32(90 * _SIDE_TURNS[face])
        return lon, _atan2_deg(-g[r0:r1, None], np.sqrt(g * g + 1)[None, :])
    if face == "u":
        uu, vv = g[None, :], g[r0:r1, None]
        return _atan2_deg(uu, vv), _atan2_deg(np.float32(1), np.sqrt(uu * uu + vv * vv))
    if face == "d":  # u mirrored top to bottom, latitude negated: row i of d is row n - 1 - i of u
        lon, lat = _face_angles("u", n, n - r1, n - r0)
        return lon[::-1], -lat[::-1]
    raise ValueError(f"equirect: unknown face {face!r}; expected one of {FACES}")


def _fixed_maps(n: int, strip: Callable[[int, int], tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Fixed-point maps of an (n, n) face from ``strip(r0, r1)`` -> float32 (x, y) of those rows."""
    xy = np.empty((n, n, 2), np.int16)
    frac = np.empty((n, n), np.uint16)
    for r0 in range(0, n, _STRIP):
        r1 = min(n, r0 + _STRIP)
        x, y = strip(r0, r1)
        x = np.ascontiguousarray(np.broadcast_to(x, (r1 - r0, n)), np.float32)
        y = np.ascontiguousarray(np.broadcast_to(y, (r1 - r0, n)), np.float32)
        xy[r0:r1], frac[r0:r1] = cv2.convertMaps(x, y, cv2.CV_16SC2)
    return xy, frac


def _rows_of(lat_lo: float, lat_hi: float, h: int, cov: Coverage) -> tuple[int, int]:
    """Equirect rows ``[y0, y1)`` that sampling latitudes ``lat_lo..lat_hi`` reads, clamped to the image."""
    ys = _lat_to_y(np.array([lat_lo, lat_hi], np.float32), h, cov)
    return max(0, math.floor(float(ys.min())) - _MARGIN), min(h, math.ceil(float(ys.max())) + _MARGIN + 1)


def _side_lat_range(n: int) -> float:
    """Largest |latitude| (degrees) a side face's pixel centres reach (bound: at its edges' middles)."""
    return math.degrees(math.atan(abs(float(_face_grid(n)[0]))))


def _side_shift(face: str, w: int, cov: Coverage) -> tuple[int, float]:
    """Integer and fractional equirect column of a side face's centre, for a full turn."""
    cx = (((90.0 * _SIDE_TURNS[face] - cov.yaw) / 360.0 % 1.0) * w + w / 2 - 0.5) % w
    shift = math.floor(cx)
    return shift, round((cx - shift) * 2**20) / 2**20


def _side_maps_wrapping(n: int, h: int, w: int, cov: Coverage, frac: float) -> _Maps:
    """Maps shared by the side faces of a full turn, relative to the face centre's column.

    A side face's column depends on the pixel's column only, its row on the pixel's row and column
    alike; the four faces differ by a quarter turn, a whole number of columns when 4 divides W.
    """
    half = math.ceil(w / 8) + _MARGIN + 1  # columns either side of the centre a face reads
    lat = _side_lat_range(n)
    y0, y1 = _rows_of(-lat, lat, h, cov)
    lon_rel = _atan2_deg(_face_grid(n), np.float32(1))
    x = (lon_rel * np.float32(w / 360.0) + np.float32(frac + half))[None, :]

    def strip(r0: int, r1: int) -> tuple[np.ndarray, np.ndarray]:
        _, lat_rows = _face_angles("f", n, r0, r1)
        return x, _lat_to_y(lat_rows, h, cov) - np.float32(y0)

    xy, fr = _fixed_maps(n, strip)
    return _Maps(xy, fr, -half, half + 2, y0, y1)


def _side_maps_partial(face: str, n: int, h: int, w: int, cov: Coverage) -> _Maps:
    """Maps of one side face of a partial panorama, in the window of the equirect it reads."""
    lat = _side_lat_range(n)
    y0, y1 = _rows_of(-lat, lat, h, cov)
    lon, _ = _face_angles(face, n, 0, 0)
    x = _lon_to_x(lon, w, cov)
    inside = (x > -1) & (x < w)
    if not inside.any() or y0 >= y1:
        return _Maps(np.empty((0, 0, 2), np.int16), np.empty((0, 0), np.uint16), 0, 0, 0, 0)
    x0 = max(0, math.floor(float(x[inside].min())) - _MARGIN)
    x1 = min(w, math.ceil(float(x[inside].max())) + _MARGIN + 1)
    x_rel = (x - np.float32(x0))[None, :]

    def strip(r0: int, r1: int) -> tuple[np.ndarray, np.ndarray]:
        _, lat_rows = _face_angles(face, n, r0, r1)
        return x_rel, _lat_to_y(lat_rows, h, cov) - np.float32(y0)

    xy, fr = _fixed_maps(n, strip)
    return _Maps(xy, fr, x0, x1, y0, y1)


def _level_width(w: int, level: int) -> int:
    """Width of a polar row halved ``level`` times (at most what the remap takes, padded)."""
    return max(1, min(round(w / 2**level), MAX_REMAP_SIDE - 2 * _PAD))


def _polar_blocks(
    y0: int, y1: int, h: int, w: int, cov: Coverage, r: float, antialias: bool
) -> list[tuple[int, int, int]]:
    """Rows ``[y0, y1)`` of a polar band grouped by how often each is halved: (start, stop, halvings).

    A u or d face pixel at latitude ``lat`` spans ``r * tan(lat)`` equirect columns along the row
    (``r`` columns per face pixel at a face centre; the face-plane distance from its centre is
    ``1 / tan(lat)``). Each row is area-averaged down by the power of two nearest to leaving
    :data:`_AA_SAMPLES` samples per face pixel, which both anti-aliases and shrinks what the remap
    reads.
    """
    rows = np.arange(y0, y1)
    if antialias:
        lat = cov.pitch + (0.5 - (rows + 0.5) / h) * cov.vfov
        k = r * np.tan(np.radians(np.clip(np.abs(lat), 0, 89.999))) / _AA_SAMPLES
        level = np.maximum(0, np.round(np.log2(np.maximum(k, 1)))).astype(np.int64)
        np.minimum(level, max(0, math.ceil(math.log2(w))), out=level)
    else:
        level = np.zeros(len(rows), np.int64)
    cut = np.flatnonzero(np.diff(level)) + 1
    starts = np.concatenate([[0], cut]).astype(np.int64)
    stops = np.concatenate([cut, [len(rows)]]).astype(np.int64)
    return [(y0 + int(a), y0 + int(b), int(level[a])) for a, b in zip(starts, stops)]


def _polar_maps(face: str, n: int, h: int, w: int, cov: Coverage, r: float, antialias: bool) -> _Maps:
    """Maps of the u or d face into its polar canvas (see :func:`_polar_blocks`)."""
    g0 = float(_face_grid(n)[0])
    edge = math.degrees(math.atan2(1.0, math.hypot(g0, g0)))  # the face's corner pixels
    lo, hi = (edge, 90.0) if face == "u" else (-90.0, -edge)
    y0, y1 = _rows_of(lo, hi, h, cov)
    if y0 >= y1:
        return _Maps(np.empty((0, 0, 2), np.int16), np.empty((0, 0), np.uint16), 0, 0, 0, 0)
    groups = _polar_blocks(y0, y1, h, w, cov, r, antialias)
    blocks, at = [], 0
    for a, b, level in groups:
        first, stop = max(y0, a - _MARGIN), min(y1, b + _MARGIN)
        blocks.append((first, stop, level, _level_width(w, level), at))
        at += stop - first
    first_row = np.array([a for a, _, _ in groups], np.float32)
    scale = np.array([width / w for _, _, _, width, _ in blocks], np.float32)
    shift = np.array([c - s for s, _, _, _, c in blocks], np.float32)  # canvas row - equirect row

    def strip(r0: int, r1: int) -> tuple[np.ndarray, np.ndarray]:
        lon, lat = _face_angles(face, n, r0, r1)
        x, y = _lon_to_x(lon, w, cov), _lat_to_y(lat, h, cov)
        i = np.searchsorted(first_row, np.floor(y + np.float32(0.5)), side="right") - 1
        np.clip(i, 0, len(first_row) - 1, out=i)
        x += np.float32(0.5)
        x *= scale[i]
        x += np.float32(_PAD - 0.5)
        y += shift[i]
        return x, y

    xy, fr = _fixed_maps(n, strip)
    width = max(b[3] for b in blocks) + 2 * _PAD
    return _Maps(xy, fr, 0, width, 0, at, tuple(blocks))


def _polar_canvas(img: np.ndarray, maps: _Maps, wraps: bool) -> np.ndarray:
    """The rows of ``maps.blocks``, each halved its number of times, stacked, padded by the wrap or zeros.

    The halvings are a chain over nested row ranges (rows halved twice are those halved once, halved
    again), each an exact 2:1 area average (``cv2.resize`` linear at exactly half the width, a
    vectorised pair mean); an odd width is area-averaged instead. Halved rows are then smoothed by
    :data:`_AA_TENT` at their own spacing: with the area average that damps a pattern finer than a
    face pixel (the test images' one-pixel stripes) about 10x, where halving alone leaves a quarter.
    """
    w = img.shape[1]
    shape = (maps.y1, maps.x1, *img.shape[2:])
    canvas = np.empty(shape, img.dtype) if wraps else np.zeros(shape, img.dtype)

    def pad(dst: np.ndarray, width: int) -> None:
        if wraps:
            dst[:, :_PAD] = dst[:, _PAD + np.arange(-_PAD, 0) % width]
            dst[:, _PAD + width : 2 * _PAD + width] = dst[:, _PAD + np.arange(_PAD) % width]

    top = max(b[2] for b in maps.blocks)
    cur, cur_first, cur_width = img, 0, w
    for level in range(top + 1):
        deeper = [b for b in maps.blocks if b[2] >= level]
        first, stop = min(b[0] for b in deeper), max(b[1] for b in deeper)
        rows = cur[first - cur_first : stop - cur_first]
        width = _level_width(w, level)
        if width != cur_width:
            how = cv2.INTER_LINEAR if 2 * width == cur_width else cv2.INTER_AREA
            rows = cv2.resize(rows, (width, stop - first), interpolation=how).reshape((stop - first, width, *shape[2:]))
        cur, cur_first, cur_width = rows, first, width
        for a, b, lv, _, at in maps.blocks:
            if lv != level:
                continue
            dst = canvas[at : at + b - a, : width + 2 * _PAD]
            dst[:, _PAD : _PAD + width] = cur[a - first : b - first]
            pad(dst, width)
            if level:
                dst[...] = cv2.filter2D(dst, -1, _AA_TENT, borderType=cv2.BORDER_REPLICATE).reshape(dst.shape)
                pad(dst, width)
    return canvas


def _columns(img: np.ndarray, y0: int, y1: int, x0: int, x1: int) -> np.ndarray:
    """``img[y0:y1, x0:x1]`` with columns taken modulo the width (a view unless it crosses the seam).

    A compact copy is also made when the rows are 32 kB or longer: OpenCV's fixed-point remap has
    no SIMD path for a source of that row step (1.4x slower measured at 12288 px wide).
    """
    w = img.shape[1]
    rows = img[y0:y1]
    a, b = x0 % w, x0 % w + x1 - x0
    if b <= w:
        view = rows[:, a:b]
        return np.ascontiguousarray(view) if img.strides[0] >= 0x8000 else view
    if b - a <= w:
        return np.concatenate([rows[:, a:], rows[:, : b - w]], axis=1)
    return np.take(rows, np.arange(x0, x1) % w, axis=1)


def _remap_face(face: str, img: np.ndarray, n: int, maps: _Maps, shift: int, kernel: int, wraps: bool) -> np.ndarray:
    """Face ``face`` (n px) from its maps: the window (or polar canvas) they address, then ``cv2.remap``.

    ``face`` only names the face for whoever watches the calls (tests: each face made once, lazily).
    """
    if maps.xy.size == 0:  # the face sees nothing of a partial panorama
        return np.zeros((n, n, *img.shape[2:]), img.dtype)
    if maps.blocks:
        src = _polar_canvas(img, maps, wraps)
    else:
        src = _columns(img, maps.y0, maps.y1, shift + maps.x0, shift + maps.x1)
    return cv2.remap(src, maps.xy, maps.frac, kernel, borderMode=cv2.BORDER_CONSTANT, borderValue=0)


def iter_faces(
    img: np.ndarray,
    face_size: int,
    coverage: Coverage = FULL,
    *,
    faces: tuple[str, ...] = FACES,
    antialias: bool = True,
    interpolation: str = "linear",
    cache: bool = True,
) -> Iterator[tuple[str, np.ndarray]]:
    """Resample an equirectangular image onto cube faces, one face at a time.

    Each face is one ``cv2.remap`` with fixed-point maps (``cv2.convertMaps``: 2.5x faster than
    float maps) over the window of the equirect it reads. The maps are the costly part (an
    arctangent per pixel); they are kept for the next image of the same size and coverage, up to
    :data:`MAP_CACHE_BYTES`. Peak memory is the source plus one face, its maps and whatever
    maps are cached.

    Parameters
    ----------
    img : (H, W, C) uint8, uint16 or float32
        Equirectangular image covering ``coverage``; C is 1, 3 or 4. Not modified.
    face_size : int
        Edge of each output face in pixels.
    coverage : Coverage
        Angular extent of ``img``. Directions outside it become 0 (black, or transparent with alpha).
    faces : tuple of str
        Which faces to make, letters from ``FACES``, in this order.
    antialias : bool
        Area-average the polar rows along the row before sampling u and d (see :func:`_polar_blocks`).
    interpolation : {"linear", "cubic"}
        Resampling kernel. Linear is the default: 0.5 dB closer to Hugin's faces than py360convert's
        bilinear; cubic is 0.5 dB closer still at about 3x the cost.
    cache : bool
        Keep the maps made (bounded by :data:`MAP_CACHE_BYTES`) and use those kept.

    Yields
    ------
    (face letter, (face_size, face_size, C) array of ``img``'s dtype)
    """
    if img.ndim not in (2, 3):
        raise ValueError(f"equirect: image must be (H, W) or (H, W, C), got shape {img.shape}")
    if interpolation not in _KERNELS:
        raise ValueError(f"equirect: unknown interpolation {interpolation!r}; expected one of {tuple(_KERNELS)}")
    h, w = img.shape[:2]
    n = int(face_size)
    check_remap_size(w, h, n)
    kernel = _KERNELS[interpolation]
    r = natural_face_size(w, coverage.hfov) / n  # equirect columns per face pixel at a face centre
    side_maps: dict[tuple, _Maps] = {}  # this call's side maps, shared by the side faces

    def get(key: tuple, build: Callable[[], _Maps]) -> _Maps:
        return _CACHE.get(key, build) if cache else build()

    for i, face in enumerate(faces):
        shift = 0
        if face in _SIDE_TURNS:
            if coverage.wraps:
                shift, frac = _side_shift(face, w, coverage)
                key: tuple = ("side", n, h, w, coverage, frac)
                build = partial(_side_maps_wrapping, n, h, w, coverage, frac)
                if key not in side_maps:
                    side_maps[key] = get(key, build)
                maps = side_maps[key]
            else:  # a partial panorama: each side face its own maps
                key = ("side", n, h, w, coverage, face)
                maps = get(key, partial(_side_maps_partial, face, n, h, w, coverage))
            if not set(faces[i + 1 :]) & set(_SIDE_TURNS):
                side_maps.clear()  # not needed again: with large faces, memory back before u and d
        elif face in ("u", "d"):
            key = ("pole", n, h, w, coverage, face, antialias)
            maps = get(key, partial(_polar_maps, face, n, h, w, coverage, r, antialias))
        else:
            raise ValueError(f"equirect: unknown face {face!r}; expected one of {FACES}")
        out = _remap_face(face, img, n, maps, shift, kernel, coverage.wraps)
        del maps
        yield face, (out[..., None] if out.ndim == 2 and img.ndim == 3 else out)


def equirect_to_faces(
    img: np.ndarray,
    face_size: int,
    coverage: Coverage = FULL,
    *,
    faces: tuple[str, ...] = FACES,
    antialias: bool = True,
    interpolation: str = "linear",
    cache: bool = True,
) -> dict[str, np.ndarray]:
    """All of :func:`iter_faces` at once: a dict of face letter -> (face_size, face_size, C) array."""
    return dict(
        iter_faces(img, face_size, coverage, faces=faces, antialias=antialias, interpolation=interpolation, cache=cache)
    )
