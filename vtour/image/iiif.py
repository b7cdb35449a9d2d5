"""The IIIF Image API 3.0 level-0 layout vtour writes: tile paths and info.json, written once here.

A static (level 0) image service is a folder holding ``info.json`` and one JPEG per request a
viewer may make, at the path the Image API's URL syntax gives::

    {region}/{size}/0/default.jpg        region "x,y,w,h" in full-resolution px, size "w,h"

For scale factor ``s`` (1, 2, 4... up to the first level that fits in one tile), tile ``(i, j)`` of
edge ``t`` covers the region ``x = i*t*s, y = j*t*s, w = min(t*s, W - x), h = min(t*s, H - y)``
and is ``ceil(w / s) x ceil(h / s)`` px (Image API 3.0, section 5.1 "tiles"). A level that fits
in one tile is the whole image: its region is ``full`` (``full/{w},{h}/0/default.jpg``, and
``full/max/0/default.jpg`` when that is the full resolution), which is what OpenSeadragon asks for.
``info.json``'s ``sizes`` lists those whole-image files, so viewers find a thumbnail.

``id`` is absolute (the Image API requires it, and viewers build every tile URL from it):
``<base URL>/<folder name>``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

IIIF_CONTEXT = "http://iiif.io/api/image/3/context.json"
IIIF_PROTOCOL = "http://iiif.io/api/image"
TILE_NAME = "0/default.jpg"  # rotation 0, quality default, format jpg


def scale_factors(width: int, height: int, tile_size: int) -> list[int]:
    """1, 2, 4... up to the first factor at which the image fits in one tile (as libvips' dzsave)."""
    factors = [1]
    while math.ceil(width / factors[-1]) > tile_size or math.ceil(height / factors[-1]) > tile_size:
        factors.append(factors[-1] * 2)
    return factors


def level_size(width: int, height: int, factor: int) -> tuple[int, int]:
    """The whole image's size at scale factor ``factor``: ``ceil(W / s) x ceil(H / s)``."""
    return math.ceil(width / factor), math.ceil(height / factor)


def tile_paths(width: int, height: int, tile_size: int, factor: int) -> Iterator[tuple[str, tuple[int, ...]]]:
    """Each file of the level at scale ``factor``: ``(path, (x, y, w, h, size_w, size_h))``.

    ``x, y, w, h`` is the region in full-resolution px, ``size_w x size_h`` the tile's px.
    """
    lw, lh = level_size(width, height, factor)
    if lw <= tile_size and lh <= tile_size:
        yield f"full/{lw},{lh}/{TILE_NAME}", (0, 0, width, height, lw, lh)
        if (lw, lh) == (width, height):
            yield f"full/max/{TILE_NAME}", (0, 0, width, height, lw, lh)
        return
    step = tile_size * factor
    for y in range(0, height, step):
        for x in range(0, width, step):
            w, h = min(step, width - x), min(step, height - y)
            sw, sh = math.ceil(w / factor), math.ceil(h / factor)
            yield f"{x},{y},{w},{h}/{sw},{sh}/{TILE_NAME}", (x, y, w, h, sw, sh)


def all_tile_paths(info: dict) -> Iterator[tuple[str, tuple[int, ...]]]:
    """Every file an info.json (one ``tiles`` entry) implies, its tiles and its ``sizes``."""
    width, height = info["width"], info["height"]
    for entry in info["tiles"]:
        for factor in entry["scaleFactors"]:
            yield from tile_paths(width, height, entry["width"], factor)


def service_id(base_url: str, name: str) -> str:
    """info.json's ``id``: ``base_url/name`` (one slash between)."""
    return f"{base_url.rstrip('/')}/{name}"


def finish_info(info: dict, service: str) -> dict:
    """libvips' info.json -> vtour's: the absolute ``id``, and ``sizes`` listing the whole-image
    files (the levels that fit in one tile), smallest first."""
    width, height, tile = info["width"], info["height"], info["tiles"][0]["width"]
    factors = sorted({f for entry in info["tiles"] for f in entry["scaleFactors"]}, reverse=True)
    sizes = []
    for factor in factors:
        lw, lh = level_size(width, height, factor)
        if lw <= tile and lh <= tile:
            sizes.append({"width": lw, "height": lh})
    return {
        "@context": IIIF_CONTEXT,
        "id": service,
        "type": "ImageService3",
        "protocol": IIIF_PROTOCOL,
        "profile": "level0",
        "width": width,
        "height": height,
        "sizes": sizes,
        "tiles": info["tiles"],
    }
