"""What a panorama build can be asked to do: :class:`PanoOptions`, declared once.

The CLI flags of ``vtour pano``, the keys of a tour.yaml's ``pano:`` blocks and the table in
docs/tour-yaml.md all come from these fields.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from vtour.errors import VtourError
from vtour.images import DEFAULT_MAX_PIXELS
from vtour.pano.coverage import Coverage
from vtour.pano.stitch import STITCH_DEFAULTS
from vtour.pano.tiles import DEFAULT_TILE_SIZE, MIN_FACE_SIZE, is_power_of_two

Mode = Literal["auto", "equirect", "cube", "stitch"]


@dataclass(frozen=True)
class PanoOptions:
    """Options of :func:`build_pano`; ``DEFAULT_PANO_OPTIONS`` is what the CLI and the tour build use.

    Attributes
    ----------
    mode : {"auto", "equirect", "cube", "stitch"}
        What the inputs are. "auto": one 2:1 image (or any image with coverage or GPano metadata)
        is an equirect, one 6:1, 1:6, 4:3 or 3:4 image or six images are cube faces, and other
        counts of images are photos to stitch.
    tile_size : int
        Tile edge in px, a power of two >= 64. Default 512.
    face_size : int or None
        Largest face edge in px, a power of two; None picks the power of two nearest (in log scale)
        to the source's natural resolution (an equirect of width W: W / pi).
    quality : int
        JPEG quality of tiles, preview and thumbnail, 1..100. Default 85.
    antialias : bool
        Filter the polar rows before sampling the u and d faces. Default True.
    interpolation : {"cubic", "linear"}
        Resampling kernel of the equirect-to-cube remap. Default "cubic" (sharper, 0.5 dB closer to
        Hugin's faces than linear on the real test data).
    coverage : Coverage or None
        Angular extent of a partial equirect; None reads GPano metadata, else assumes 360 x 180.
    cube_order : str
        Face order of six unnamed files or of a strip: letters of "frblud". Default "frblud".
    max_pixels : int
        Refuse any input image with more pixels than this (decompression bomb guard).
    background : (r, g, b)
        Colour under transparent pixels and outside a partial panorama's coverage.
    jobs : int or None
        Threads for encoding tiles; None uses every core.
    work_megapix, compose_megapix : float
        Stitching: megapixels per photo for matching and for the final composite.
    stitch_mode : {"panorama", "scans"}
        Stitching: photos turned about one point (spherical), or of a flat subject (affine).
    """

    mode: Mode = "auto"
    tile_size: int = DEFAULT_TILE_SIZE
    face_size: int | None = None
    quality: int = 85
    antialias: bool = True
    interpolation: Literal["cubic", "linear"] = "cubic"
    coverage: Coverage | None = None
    cube_order: str = "frblud"
    max_pixels: int = DEFAULT_MAX_PIXELS
    background: tuple[int, int, int] = (0, 0, 0)
    jobs: int | None = None
    work_megapix: float = STITCH_DEFAULTS["work_megapix"]
    compose_megapix: float = STITCH_DEFAULTS["compose_megapix"]
    stitch_mode: Literal["panorama", "scans"] = STITCH_DEFAULTS["mode"]

    def __post_init__(self):
        if self.mode not in ("auto", "equirect", "cube", "stitch"):
            raise VtourError(
                "pano", "unknown input mode", field="mode", value=self.mode, fix="use auto, equirect, cube or stitch"
            )
        if not is_power_of_two(self.tile_size) or self.tile_size < 64:
            raise VtourError(
                "pano",
                "tile size must be a power of two of at least 64",
                field="tile_size",
                value=self.tile_size,
                fix="use 256, 512 or 1024",
            )
        if self.face_size is not None and (not is_power_of_two(self.face_size) or self.face_size < MIN_FACE_SIZE):
            raise VtourError(
                "pano",
                f"face size must be a power of two of at least {MIN_FACE_SIZE}",
                field="face_size",
                value=self.face_size,
                fix=f"use {2 ** round(math.log2(max(self.face_size, MIN_FACE_SIZE)))}",
            )
        if not 1 <= self.quality <= 100:
            raise VtourError("pano", "JPEG quality must be in 1..100", field="quality", value=self.quality)
        if self.interpolation not in ("cubic", "linear"):
            raise VtourError(
                "pano",
                "unknown interpolation",
                field="interpolation",
                value=self.interpolation,
                fix="use cubic or linear",
            )
        if sorted(self.cube_order) != sorted("frblud"):
            raise VtourError(
                "pano", "cube order must name each of f r b l u d once", field="cube_order", value=self.cube_order
            )
        if self.max_pixels <= 0:
            raise VtourError("pano", "pixel limit must be positive", field="max_pixels", value=self.max_pixels)


DEFAULT_PANO_OPTIONS = PanoOptions()
