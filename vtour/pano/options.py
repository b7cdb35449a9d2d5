"""What a panorama build can be asked to do: :class:`PanoOptions`, declared once.

The CLI flags of ``vtour pano``, the keys of a tour.yaml's ``pano:`` blocks and the table in
docs/tour-yaml.md all come from these fields: each declares its flag and key with
:func:`vtour.option_spec.option`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from vtour.conventions import PANNELLUM_CUBE_ORDER
from vtour.errors import VtourError
from vtour.images import DEFAULT_MAX_PIXELS
from vtour.option_spec import Option, option
from vtour.pano.codec import DEFAULT_TILE_FORMAT, TILE_FORMATS
from vtour.pano.coverage import Coverage
from vtour.pano.stitch import STITCH_DEFAULTS
from vtour.pano.tiles import DEFAULT_TILE_SIZE, MIN_FACE_SIZE, is_power_of_two

Mode = Literal["auto", "equirect", "cube", "stitch"]
#: Default pixel limit of an equirect: 100,000 x 50,000, which streams through a decoded copy on disc in
#: bounded memory (:mod:`vtour.pano.stream`). Images held whole in memory (cube faces, photos to stitch, a
#: strip or cross) keep :data:`vtour.images.DEFAULT_MAX_PIXELS` unless ``max_pixels`` is set.
MAX_PANO_PIXELS = 100_000 * 50_000
#: Largest tile edge: bigger tiles hold up a viewer's first view, and would make the streamed build's
#: accumulated faces (faces / 4096 px blocks x tile size) outgrow its memory bound.
MAX_TILE_SIZE = 1024
#: JPEG quality of the JPEG previews (thumbnail, and a JPEG preview strip) unless JPEG tiles ask for another.
JPEG_QUALITY = 85


def coverage_from_keys(parts: dict[str, Any]) -> Coverage:
    """A tour.yaml's ``hfov``/``vfov``/``yaw``/``pitch`` (any of them, degrees) -> a Coverage; the
    parts not given keep Coverage's defaults (360 x 180 centred on 0, 0)."""
    return Coverage(**{k: float(v) for k, v in parts.items()})


#: Each coverage flag's range, as ``(low, high, low is open)``, and what its bounds mean.
_FLAG_RANGES = {
    "hfov": (0.0, 360.0, "degrees of longitude the image spans, in (0, 360]; leave it out for a full turn"),
    "vfov": (0.0, 180.0, "degrees of latitude the image spans, in (0, 180]; leave it out for pole to pole"),
}


def coverage_from_flags(parts: dict[str, float]) -> Coverage | None:
    """``vtour pano``'s ``--hfov``/``--vfov``/``--yaw``/``--pitch`` (degrees) -> a Coverage.

    Only ``--hfov`` or ``--vfov`` makes the image partial; ``--yaw``/``--pitch`` alone change
    nothing (None: GPano metadata or 360 x 180). A span not given is the full one; a span given
    must lie in its range (``--hfov 0`` is refused, never read as a full turn).

    Raises
    ------
    VtourError
        Naming the flag (``--hfov``) and the value, for a span outside its range or a centre
        that is not finite.
    """
    for name, (low, high, meaning) in _FLAG_RANGES.items():
        value = parts.get(name)
        if value is not None and not low < value <= high:
            raise VtourError(
                "pano",
                f"must be in ({low:g}, {high:g}] degrees",
                field=f"--{name}",
                value=value,
                fix=f"give the {meaning}",
            )
    for name in ("yaw", "pitch"):
        value = parts.get(name)
        if value is not None and not math.isfinite(value):
            raise VtourError(
                "pano", "must be a finite number of degrees", field=f"--{name}", value=value, fix="give degrees"
            )
    if parts.get("hfov") is None and parts.get("vfov") is None:
        return None
    try:
        return Coverage(
            hfov=parts.get("hfov", 360.0),
            vfov=parts.get("vfov", 180.0),
            yaw=parts.get("yaw", 0.0),
            pitch=parts.get("pitch", 0.0),
        )
    except VtourError as e:  # the combination (vfov and pitch past a pole): name the flag
        raise VtourError(e.step, e.message, field=f"--{e.field}", value=e.value, fix=e.fix) from None


def _part(flag: str, help: str, key: str) -> Option:
    return Option(flag, help, tour=key, parse=float)


@dataclass(frozen=True)
class PanoOptions:
    """Options of :func:`build_pano`; ``DEFAULT_PANO_OPTIONS`` is what the CLI and the tour build use.

    Attributes
    ----------
    mode : {"auto", "equirect", "cube", "stitch"}
        What the inputs are. "auto": one 2:1 image (or any image with coverage or GPano metadata)
        is an equirect, one 6:1 or 1:6 image, one 4:3 or 3:4 image that is a cube cross (blank
        empty cells, faces that meet; else an equirect, refused without coverage) or six images
        are cube faces, and other counts of images are photos to stitch.
    tile_size : int
        Tile edge in px, a power of two >= 64. Default 512.
    face_size : int or None
        Largest face edge in px, a power of two; None picks the power of two nearest (in log scale)
        to the source's natural resolution (an equirect of width W: W / pi).
    tile_format : str
        Encoding of the tiles, a key of :data:`vtour.pano.codec.TILE_FORMATS` ("jpeg", "webp",
        "avif"); it sets the tiles' extension. Default :data:`~vtour.pano.codec.DEFAULT_TILE_FORMAT`.
        Marzipano and Pannellum exports get JPEG copies of other formats (:mod:`vtour.tour.peers`).
    quality : int or None
        Tile quality on the tile format's own 1..100 scale; None (default) takes the format's
        default (:func:`vtour.pano.codec.default_quality`: the SSIM of JPEG q85). JPEG previews
        (the thumbnail; the preview strip when written as JPEG) use :attr:`jpeg_quality`.
    antialias : bool
        Filter the polar rows before sampling the u and d faces. Default True.
    interpolation : {"cubic", "linear"}
        Resampling kernel of the equirect-to-cube remap. Default "linear": with the polar
        anti-aliasing it is 0.6 dB closer to Hugin's faces than py360convert's bilinear on the real test
        data, at 3-4x the speed of "cubic", which is 0.5 dB closer still (``benchmarks/bench_pano.py``).
    coverage : Coverage or None
        Angular extent of a partial equirect; None reads GPano metadata, else assumes 360 x 180.
    cube_order : str
        Face order of six unnamed files or of a strip: letters of "frblud". Default "frblud".
    max_pixels : int
        Refuse any input image with more pixels than this (decompression bomb guard). Default
        :data:`MAX_PANO_PIXELS`: a 100,000 x 50,000 equirect, which streams through a decoded copy on
        disc in bounded memory (:mod:`vtour.pano.stream`); images held whole in memory then keep
        ``DEFAULT_MAX_PIXELS`` (see :attr:`in_memory_pixels`).
    background : (r, g, b)
        Colour under transparent pixels and outside a partial panorama's coverage.
    jobs : int or None
        Threads for encoding tiles; None uses every core.
    work_megapix, compose_megapix : float
        Stitching: megapixels per photo for matching and for the final composite.
    stitch_mode : {"panorama", "scans"}
        Stitching: photos turned about one point (spherical), or of a flat subject (affine).
    """

    mode: Mode = field(
        default="auto",
        metadata=option(
            "--mode",
            "what the inputs are (default: {default}, from their count and shape)",
            tour="mode",
            choices=("auto", "equirect", "cube", "stitch"),
        ),
    )
    tile_size: int = field(
        default=DEFAULT_TILE_SIZE,
        metadata=option("--tile-size", "tile edge, px (default {default})", tour="tile_size", parse=int),
    )
    face_size: int | None = field(
        default=None,
        metadata=option(
            "--face-size",
            "largest face edge, a power of two (default: nearest to the source's resolution)",
            tour="face_size",
            parse=int,
        ),
    )
    tile_format: str = field(
        default=DEFAULT_TILE_FORMAT,
        metadata=option(
            "--tile-format",
            "tile encoding (default {default}); Marzipano and Pannellum exports get JPEG copies",
            tour="tile_format",
            choices=tuple(TILE_FORMATS),
        ),
    )
    quality: int | None = field(
        default=None,
        metadata=option(
            "--quality",
            "tile quality on the format's 1..100 scale (default: the format's, the SSIM of JPEG q85)",
            tour="quality",
            parse=int,
            show=lambda q: "the format's" if q is None else str(q),
        ),
    )
    antialias: bool = field(
        default=True,
        metadata=option(
            "--no-antialias",
            "skip the polar pre-filter (faster, may shimmer near zenith and nadir)",
            tour="antialias",
            switch=True,
        ),
    )
    interpolation: Literal["cubic", "linear"] = field(
        default="linear",
        metadata=option(
            "--interpolation", "remap kernel (default {default})", tour="interpolation", choices=("cubic", "linear")
        ),
    )
    coverage: Coverage | None = field(
        default=None,
        metadata=option(
            None,
            "partial equirect: the part of the sphere the image covers",
            parts=(
                ("hfov", _part("--hfov", "partial equirect: degrees of longitude the image spans", "hfov")),
                ("vfov", _part("--vfov", "partial equirect: degrees of latitude the image spans", "vfov")),
                ("yaw", _part("--yaw", "partial equirect: longitude of its centre", "yaw")),
                ("pitch", _part("--pitch", "partial equirect: latitude of its centre", "pitch")),
            ),
            from_tour=coverage_from_keys,
            from_flags=coverage_from_flags,
        ),
    )
    cube_order: str = field(
        default="".join(PANNELLUM_CUBE_ORDER),
        metadata=option(
            "--cube-order", "order of six unnamed faces or of a strip (default {default})", tour="cube_order"
        ),
    )
    max_pixels: int = field(
        default=MAX_PANO_PIXELS,
        metadata=option("--max-pixels", "refuse larger images (default {default})", tour="max_pixels", parse=int),
    )
    background: tuple[int, int, int] = field(
        default=(0, 0, 0),
        metadata=option(
            None,
            "colour under transparent pixels and outside a partial panorama's coverage",
            why="for library callers that composite on a colour; tours and the command keep black",
        ),
    )
    jobs: int | None = field(
        default=None,
        metadata=option("--jobs", "threads for tile encoding (default: all cores)", parse=int),
    )
    work_megapix: float = field(
        default=STITCH_DEFAULTS["work_megapix"],
        metadata=option(
            "--work-megapix",
            "stitching: megapixels per photo for matching (default {default})",
            tour="work_megapix",
            parse=float,
        ),
    )
    compose_megapix: float = field(
        default=STITCH_DEFAULTS["compose_megapix"],
        metadata=option(
            "--compose-megapix",
            "stitching: megapixels per photo in the final composite (default {default})",
            tour="compose_megapix",
            parse=float,
        ),
    )
    stitch_mode: Literal["panorama", "scans"] = field(
        default=STITCH_DEFAULTS["mode"],
        metadata=option(
            "--stitch-mode",
            "photos turned about one point, or of a flat subject (default {default})",
            choices=("panorama", "scans"),
        ),
    )

    def __post_init__(self):
        if self.mode not in ("auto", "equirect", "cube", "stitch"):
            raise VtourError(
                "pano", "unknown input mode", field="mode", value=self.mode, fix="use auto, equirect, cube or stitch"
            )
        if not is_power_of_two(self.tile_size) or not 64 <= self.tile_size <= MAX_TILE_SIZE:
            raise VtourError(
                "pano",
                f"tile size must be a power of two from 64 to {MAX_TILE_SIZE}",
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
        if self.tile_format not in TILE_FORMATS:
            raise VtourError(
                "pano",
                "unknown tile format",
                field="tile_format",
                value=self.tile_format,
                fix="use " + " or ".join(TILE_FORMATS),
            )
        if self.quality is not None and not 1 <= self.quality <= 100:
            raise VtourError("pano", "tile quality must be in 1..100", field="quality", value=self.quality)
        if self.interpolation not in ("cubic", "linear"):
            raise VtourError(
                "pano",
                "unknown interpolation",
                field="interpolation",
                value=self.interpolation,
                fix="use cubic or linear",
            )
        if sorted(self.cube_order) != sorted(PANNELLUM_CUBE_ORDER):
            raise VtourError(
                "pano", "cube order must name each of f r b l u d once", field="cube_order", value=self.cube_order
            )
        if self.max_pixels <= 0:
            raise VtourError("pano", "pixel limit must be positive", field="max_pixels", value=self.max_pixels)

    @property
    def in_memory_pixels(self) -> int:
        """The pixel limit of an image decoded whole into memory: ``max_pixels`` when it was set, else
        :data:`vtour.images.DEFAULT_MAX_PIXELS` (a larger default would let one file exhaust memory)."""
        return DEFAULT_MAX_PIXELS if self.max_pixels == MAX_PANO_PIXELS else self.max_pixels

    @property
    def tile_extension(self) -> str:
        """The tiles' file extension (``".webp"``), from :data:`~vtour.pano.codec.TILE_FORMATS`."""
        return TILE_FORMATS[self.tile_format]

    @property
    def jpeg_quality(self) -> int:
        """JPEG quality of the JPEG previews (thumbnail, a JPEG preview strip): ``quality`` when the
        tiles are JPEG and it is given, else :data:`JPEG_QUALITY` (other formats' scales differ)."""
        if self.tile_format == "jpeg" and self.quality is not None:
            return self.quality
        return JPEG_QUALITY


DEFAULT_PANO_OPTIONS = PanoOptions()
