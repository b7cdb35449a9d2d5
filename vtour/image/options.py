"""What a deep-zoom image build can be asked to do: :class:`ImageOptions`, declared once.

The flags of ``vtour image`` come from these fields (:func:`vtour.option_spec.option`); none is a
tour.yaml key yet (images in tours come with a later part of issue 13).
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field

from vtour.errors import VtourError
from vtour.image.manifest import rights_url
from vtour.option_spec import option
from vtour.pano.stitch import STITCH_DEFAULTS
from vtour.pano.tiles import is_power_of_two

#: Largest image read without raising the limit. Higher than panoramas' (1 << 30): a flat image is
#: streamed through libvips, never decoded into one array, so memory does not grow with it.
IMAGE_MAX_PIXELS: int = 1 << 32
#: Where ``python3 -m http.server`` serves the output's parent folder: the default base of ``id``.
DEFAULT_BASE_URL = "http://localhost:8000"
#: How far past the source's full resolution a viewer may zoom (screen px per image px), at most.
MAX_ZOOM_LIMIT = 2.0


#: The turns ``rotate`` may take, degrees clockwise (libvips ``rot``: d90, d180, d270).
ROTATIONS = (0, 90, 180, 270)


@dataclass(frozen=True)
class ImageOptions:
    """Options of :func:`vtour.image.build_image`; ``DEFAULT_IMAGE_OPTIONS`` is what the CLI uses.

    Attributes
    ----------
    tile_size : int
        Tile edge in px, a power of two in 64..4096. Default 512.
    quality : int
        JPEG quality of the tiles, 1..100. Default 85.
    max_pixels : int
        Refuse an input with more pixels than this, read from its header before decoding.
    base_url : str
        Absolute http(s) URL at which the output's parent folder is served; info.json's ``id`` is
        ``base_url/<output folder name>`` (IIIF requires an absolute ``id``, and viewers build every
        tile URL from it). Default ``http://localhost:8000``.
    max_zoom : float
        Device (physical screen) pixels per image pixel a viewer may zoom to, 1..2 (written to image.json
        for viewers; the vtour viewer sets OpenSeadragon's ``maxZoomPixelRatio``, which counts CSS px, to
        max_zoom / devicePixelRatio, so a high-DPI screen shows no more magnification). Default 2.
    label, summary : str
        The manifest's label and summary (language "none"); an empty label is the input file's name
        without its extension (the output folder's name for stitched photos), no summary by default.
    rights : str
        The manifest's ``rights``: a Creative Commons or RightsStatements.org URL; default none.
    work_megapix, compose_megapix : float
        Stitching several photos: megapixels per photo for matching, and in the result (<= 0: full
        resolution, the default, since deep zoom is for detail).
    """

    tile_size: int = field(default=512, metadata=option("--tile-size", "tile edge, px (default {default})", parse=int))
    quality: int = field(default=85, metadata=option("--quality", "JPEG quality (default {default})", parse=int))
    max_pixels: int = field(
        default=IMAGE_MAX_PIXELS,
        metadata=option("--max-pixels", "refuse larger images (default {default})", parse=int),
    )
    base_url: str = field(
        default=DEFAULT_BASE_URL,
        metadata=option(
            "--base-url",
            "URL the output's parent folder is served at; info.json's id is URL/NAME (default {default})",
        ),
    )
    max_zoom: float = field(
        default=MAX_ZOOM_LIMIT,
        metadata=option(
            "--max-zoom", "device px per image px a viewer may zoom to, 1..2 (default {default})", parse=float
        ),
    )
    rotate: int = field(
        default=0,
        metadata=option(
            "--rotate",
            "turn the image clockwise by 0, 90, 180 or 270 degrees, after stitching (default {default})",
            parse=int,
        ),
    )
    label: str = field(
        default="", metadata=option("--label", "manifest.json's label (default: the input's name without extension)")
    )
    summary: str = field(default="", metadata=option("--summary", "manifest.json's summary (default: none)"))
    rights: str = field(
        default="", metadata=option("--rights", "manifest.json's rights, a licence URL (default: none)", metavar="URL")
    )
    work_megapix: float = field(
        default=STITCH_DEFAULTS["work_megapix"],
        metadata=option(
            "--work-megapix", "stitching: megapixels per photo for matching (default {default})", parse=float
        ),
    )
    compose_megapix: float = field(
        default=-1.0,
        metadata=option(
            "--compose-megapix",
            "stitching: megapixels per photo in the result, <= 0 for full resolution (default {default})",
            parse=float,
        ),
    )

    def __post_init__(self):
        if not is_power_of_two(self.tile_size) or not 64 <= self.tile_size <= 4096:
            raise VtourError(
                "image",
                "tile size must be a power of two in 64..4096",
                field="tile_size",
                value=self.tile_size,
                fix="use 256, 512 or 1024",
            )
        if not 1 <= self.quality <= 100:
            raise VtourError(
                "image", "JPEG quality must be in 1..100", field="quality", value=self.quality, fix="use 85"
            )
        if self.max_pixels <= 0:
            raise VtourError(
                "image", "pixel limit must be positive", field="max_pixels", value=self.max_pixels, fix="leave it out"
            )
        if not 1.0 <= self.max_zoom <= MAX_ZOOM_LIMIT:  # also refuses NaN
            raise VtourError(
                "image",
                f"zoom limit must be in 1..{MAX_ZOOM_LIMIT:g} screen px per image px",
                field="max_zoom",
                value=self.max_zoom,
                fix="use 1 (the source's resolution) to 2",
            )
        if self.rotate not in ROTATIONS:
            raise VtourError(
                "image",
                "an image turns by a quarter turn: 0, 90, 180 or 270 degrees clockwise",
                field="rotate",
                value=self.rotate,
                fix="e.g. 90 for a page photographed lying on its left side",
            )
        url = urllib.parse.urlsplit(self.base_url)
        if url.scheme not in ("http", "https") or not url.netloc or url.query or url.fragment:
            raise VtourError(
                "image",
                "base URL must be an absolute http(s) URL without a query or fragment (IIIF ids are absolute)",
                field="base_url",
                value=self.base_url,
                fix=f"give the URL the output's parent folder is served at, e.g. {DEFAULT_BASE_URL}",
            )
        if self.rights:
            rights_url(self.rights)


DEFAULT_IMAGE_OPTIONS = ImageOptions()
