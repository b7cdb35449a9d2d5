"""Equirectangular image to the six faces of a cube, resampled faithfully and fast.

The remap is one ``cv2.remap`` per face (bilinear, multi-threaded, fixed-point) over sampling maps
that are cheap to build because of the cube's symmetry: the four side faces share one latitude map
and their longitude depends on the column only, and u/d share theirs up to a flip.

Anti-aliasing. Near the poles the equirect is oversampled horizontally by ``1 / cos(latitude)``;
a u or d face pixel there covers many equirect columns, and point sampling them would alias
(moire on a painted ceiling). Before the u and d faces are sampled, each row of their polar band is
box-filtered horizontally over the equirect columns one face pixel spans:
``r / cos(lat)`` with ``r = W / (pi * N)`` the equirect-to-face sample ratio at a face centre
(a face pixel there spans ``2 / N`` radians, an equirect column ``2 pi / W``). The side faces never
reach past 45 degrees of latitude, where the stretch is at most 1.41, and are sampled unfiltered.
Smaller pyramid levels are made from the full-size faces with an area filter (:mod:`vtour.pano.tiles`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

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
    out = band.copy()
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
    start = 0
    while start < len(q):
        m = q[start]
        stop = start + 1
        while stop < len(q) and q[stop] == m:
            stop += 1
        if m > 1:
            pad = m  # two passes reach m // 2 each side twice
            chunk = band[start:stop]
            padded = np.concatenate([chunk[:, w - pad :], chunk, chunk[:, :pad]], axis=1)
            once = cv2.blur(padded, (m, 1), borderType=cv2.BORDER_REPLICATE)
            out[start:stop] = cv2.blur(once, (m, 1), borderType=cv2.BORDER_REPLICATE)[:, pad : pad + w]
        start = stop
    return out


def iter_faces(
    img: np.ndarray,
    face_size: int,
    coverage: Coverage = FULL,
    *,
    faces: tuple[str, ...] = FACES,
    antialias: bool = True,
    interpolation: str = "cubic",
) -> Iterator[tuple[str, np.ndarray]]:
    """Resample an equirectangular image onto cube faces, one face at a time.

    Yielding faces one by one keeps peak memory at the source plus about one face and its maps.

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
        Box-filter the polar rows horizontally before sampling u and d (see the module docstring).
    interpolation : {"cubic", "linear"}
        Resampling kernel. Cubic is sharper (0.5 dB closer to Hugin's faces) at about 1.7x the cost.

    Yields
    ------
    (face letter, (face_size, face_size, C) array of ``img``'s dtype)
    """
    if img.ndim not in (2, 3):
        raise ValueError(f"equirect: image must be (H, W) or (H, W, C), got shape {img.shape}")
    h, w = img.shape[:2]
    n = int(face_size)
    check_remap_size(w, h, n)
    kernel = _KERNELS[interpolation]
    border = cv2.BORDER_WRAP if coverage.wraps else cv2.BORDER_CONSTANT
    r = natural_face_size(w, coverage.hfov) / n  # equirect columns per face pixel at a face centre
    angles = _AngleMaps(n)
    for i, face in enumerate(faces):
        map_x, map_y = face_maps(face, n, (h, w), coverage, angles=angles)
        if not set(faces[i + 1 :]) & set(_SIDE_TURNS):
            angles.drop_side()  # at 4096 px faces that is 64 MB back before the polar faces
        src = img
        if antialias and face in ("u", "d"):
            # the band of rows this face can reach, filtered for it alone
            lat_edge = SIDE_FACE_MAX_LAT - 0.5
            y_edge = (0.5 - (lat_edge * (1 if face == "u" else -1) - coverage.pitch) / coverage.vfov) * h
            rows = slice(0, min(h, math.ceil(y_edge) + 2)) if face == "u" else slice(max(0, math.floor(y_edge) - 2), h)
            if rows.stop > rows.start:
                lat_of_row = coverage.pitch + (0.5 - (np.arange(rows.start, rows.stop) + 0.5) / h) * coverage.vfov
                if np.any(r / np.cos(np.radians(np.clip(lat_of_row, -89.999, 89.999))) >= 2):
                    src = _prefilter_polar_band(img, rows, lat_of_row, r)
                    map_y -= np.float32(rows.start)
        out = cv2.remap(src, map_x, map_y, kernel, borderMode=border, borderValue=0)
        del map_x, map_y, src
        yield face, (out[..., None] if out.ndim == 2 and img.ndim == 3 else out)


def equirect_to_faces(
    img: np.ndarray,
    face_size: int,
    coverage: Coverage = FULL,
    *,
    faces: tuple[str, ...] = FACES,
    antialias: bool = True,
    interpolation: str = "cubic",
) -> dict[str, np.ndarray]:
    """All of :func:`iter_faces` at once: a dict of face letter -> (face_size, face_size, C) array."""
    return dict(iter_faces(img, face_size, coverage, faces=faces, antialias=antialias, interpolation=interpolation))
