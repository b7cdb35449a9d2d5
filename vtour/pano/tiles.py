"""Tile pyramids of cube faces: the level list, the filtered levels, and the tiles on disk.

Layout (Marzipano's, which Pannellum's multires reads unchanged, see :mod:`vtour.conventions`)::

    {z}/{f}/{y}/{x}.jpg    z indexes LEVELS, f a face letter, y the row and x the column of the tile
                           (the extension is the tile format's, :mod:`vtour.pano.codec`)

The level list starts with a fallback level of half a tile per face (the same faces as the preview
strip), then one tile per face, then doubles up to the full face size. With that first level the
number z of a level equals Pannellum's multires level number (1 = one tile per face), so one tile
set serves vtour's viewer, Marzipano and Pannellum.

Every level is made from the level above it with a 2x2 area filter, so each is properly
low-passed (no aliasing), and no level ever reads past its own face's edge (no seams). Because the
filter is 2x2 and aligned, a block of a face reduces to exactly the pixels the whole face would:
equirect sources are written block by block that way (:mod:`vtour.pano.stream`); whole faces
(cube inputs) go through :func:`face_pyramid` and :func:`write_face_tiles` here.
"""

from __future__ import annotations

import itertools
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from vtour.conventions import FACES, tile_path
from vtour.pano.codec import DEFAULT_TILE_FORMAT, TILE_FORMATS, encode_tile

#: Default tile edge in pixels (Marzipano Tool's and Pannellum's generate.py's choice).
DEFAULT_TILE_SIZE = 512
#: Smallest face edge vtour writes; smaller faces are not worth a pyramid.
MIN_FACE_SIZE = 64


@dataclass(frozen=True)
class TileLevel:
    """One level of a cube pyramid.

    Attributes
    ----------
    size : int
        Face edge in pixels.
    tile_size : int
        Tile edge in pixels; ``size`` is a multiple of it.
    fallback_only : bool
        Shown only while better levels load (Marzipano's ``fallbackOnly``).
    """

    size: int
    tile_size: int
    fallback_only: bool = False

    def __post_init__(self):
        if self.size <= 0 or self.tile_size <= 0 or self.size % self.tile_size:
            raise ValueError(
                f"TileLevel: face size {self.size} is not a positive multiple of tile size {self.tile_size}"
            )

    @property
    def tiles_per_side(self) -> int:
        return self.size // self.tile_size

    def to_json(self) -> dict:
        d = {"tileSize": self.tile_size, "size": self.size}
        if self.fallback_only:
            d["fallbackOnly"] = True
        return d


def is_power_of_two(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0


def check_levels(levels: tuple[TileLevel, ...]) -> None:
    """Reject level lists the peers' renderers cannot use, naming both values (Marzipano's rules)."""
    if not levels:
        raise ValueError("levels: the list is empty")
    for a, b in itertools.pairwise(levels):
        if b.size <= a.size or b.size % a.size:
            raise ValueError(f"levels: size {b.size} is not a multiple of the previous size {a.size}")


def plan_levels(face_size: int, tile_size: int = DEFAULT_TILE_SIZE) -> tuple[TileLevel, ...]:
    """The level list for faces of ``face_size`` px cut into tiles of ``tile_size`` px.

    Both must be powers of two. Faces no larger than a tile get a single level (plus the
    fallback level when there is room for one).
    """
    if not is_power_of_two(tile_size) or tile_size < 64:
        raise ValueError(f"tiles: tile size {tile_size} must be a power of two of at least 64")
    if not is_power_of_two(face_size) or face_size < MIN_FACE_SIZE:
        raise ValueError(f"tiles: face size {face_size} must be a power of two of at least {MIN_FACE_SIZE}")
    fallback = min(tile_size, face_size) // 2
    levels = [TileLevel(fallback, fallback, fallback_only=True)]
    size = tile_size
    while size < face_size:
        levels.append(TileLevel(size, tile_size))
        size *= 2
    levels.append(TileLevel(face_size, min(tile_size, face_size)))
    planned = tuple(levels)
    check_levels(planned)
    return planned


def downsample_half(img: np.ndarray) -> np.ndarray:
    """(2n, 2n, C) -> (n, n, C): the mean of each 2x2 block, rounded (an exact box filter)."""
    h, w = img.shape[:2]
    return cv2.resize(img, (w // 2, h // 2), interpolation=cv2.INTER_AREA)


def face_pyramid(face: np.ndarray, levels: tuple[TileLevel, ...]) -> dict[int, np.ndarray]:
    """Every level's image of one face, keyed by z. ``face`` is the full-size (S, S, 3) uint8 face.

    Levels are made by repeated 2x area reduction from the one above (exact when sizes are powers
    of two); the largest level is ``face`` itself, resized first if its size differs.
    """
    top = levels[-1].size
    img = face if face.shape[0] == top else resize_face(face, top)
    out: dict[int, np.ndarray] = {}
    for z in range(len(levels) - 1, -1, -1):
        while img.shape[0] > levels[z].size:
            img = downsample_half(img)
        out[z] = img
    return out


def resize_face(face: np.ndarray, size: int) -> np.ndarray:
    """Resize a square face: area filter when shrinking (anti-aliased), bicubic when enlarging."""
    interp = cv2.INTER_AREA if size < face.shape[0] else cv2.INTER_CUBIC
    return cv2.resize(face, (size, size), interpolation=interp)


def write_face_tiles(
    root: Path,
    face_letter: str,
    pyramid: dict[int, np.ndarray],
    levels: tuple[TileLevel, ...],
    *,
    quality: int | None,
    tile_format: str = DEFAULT_TILE_FORMAT,
    executor: Executor | None = None,
) -> int:
    """Encode and write every tile of one face's pyramid under ``root``; returns bytes written.

    ``tile_format`` and ``quality`` (None: the format's default) as :func:`vtour.pano.codec.encode_tile`.
    """
    ext = TILE_FORMATS[tile_format]

    def write(z: int, y: int, x: int) -> int:
        t = levels[z].tile_size
        tile = np.ascontiguousarray(pyramid[z][y * t : (y + 1) * t, x * t : (x + 1) * t, :3])
        data = encode_tile(tile, tile_format, quality)
        path = root / tile_path(z, face_letter, y, x, ext)
        path.write_bytes(data)
        return len(data)

    jobs: list[tuple[int, int, int]] = []
    for z, level in enumerate(levels):
        for y in range(level.tiles_per_side):
            (root / f"{z}/{face_letter}/{y}").mkdir(parents=True, exist_ok=True)
            jobs.extend((z, y, x) for x in range(level.tiles_per_side))
    if executor is None:
        return sum(write(*j) for j in jobs)
    return sum(executor.map(lambda j: write(*j), jobs))


def preview_strip(small_faces: dict[str, np.ndarray]) -> np.ndarray:
    """Marzipano's preview: the faces stacked vertically in ``FACES`` order (b d f l r u)."""
    return np.concatenate([small_faces[f] for f in FACES], axis=0)


def thumbnail(front: np.ndarray, width: int = 256) -> np.ndarray:
    """A 16:9 thumbnail: the middle band of the front face (a 90 x 59 degree view at yaw 0, pitch 0)."""
    face = resize_face(front, width) if front.shape[0] != width else front
    h = width * 9 // 16
    top = (width - h) // 2
    return np.ascontiguousarray(face[top : top + h])
