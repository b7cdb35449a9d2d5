"""An IIIF level-0 tile pyramid back to one full-resolution image: its scale-factor-1 tiles joined.

What ``vtour import`` uses when a manifest's image exists only as a static image service (a built
tour's ``images/<id>/``, a ``vtour image`` folder): the tiles at scale factor 1 hold every pixel,
at the paths :func:`vtour.image.iiif.tile_paths` gives, so joining them gives back the image the
pyramid was built from (decoded once more from its JPEG tiles; re-encoded at :data:`QUALITY`).

Bounded, whatever the image's size::

    every tile row (libvips arrayjoin, tiles read sequentially)  ->  one raw strip (.v) in a temporary folder
    groups of at most MAX_JOIN strips  ->  one band (repeated while more than MAX_JOIN are left)
    the strips (or bands) joined top to bottom  ->  a tiled TIFF, JPEG-compressed, no pyramid

so memory holds about one row of tiles and the open files are at most about ``2 * MAX_JOIN``
(libvips keeps a ``.v`` open while it maps it; a JPEG tile's file is closed once its header is read).
The temporary folder needs the image's raw size (``3 * width * height`` bytes) beside ``out``.
Measured (2 CPUs, a 16384 x 16384 pyramid of 512 px tiles from build_image): 6.7-9.5 s, peak RSS
220 MB (55 MB of it the imports), at most 72 open files, 13 MiB of TIFF, mean error 0.36 levels.
libvips' operation cache also holds loads open (its own bound: 100 files).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from vtour.errors import VtourError
from vtour.image.build import _first_line, _pyvips, to_srgb8
from vtour.image.iiif import tile_paths
from vtour.images import DEFAULT_MAX_PIXELS
from vtour.output import atomic_file, is_within

#: JPEG quality of the reassembled TIFF: high enough that the tiles' own JPEG loss dominates
#: (libvips keeps full chroma at 90 and above), since the tour build tiles it again.
QUALITY = 95
#: Edge of the TIFF's own tiles (px); a multiple of 16, as TIFF requires.
TIFF_TILE = 512
#: Most strips joined in one pass; it bounds the open files (two per strip while it is read).
MAX_JOIN = 64
#: Above this many bytes (uncompressed, a safe bound on the file) the TIFF is written as BigTIFF.
BIGTIFF_BYTES = 4 << 30
#: Largest info.json read (a level-0 info.json is a few kB).
MAX_INFO_BYTES = 1 << 20


def check_info(info: dict, path: Path) -> None:
    """A VtourError naming info.json, the field and the value when ``tiles`` or ``sizes`` (optional)
    is not a list of objects: what :func:`full_tile_size` and a reader of ``sizes`` iterate."""
    for key in ("tiles", "sizes"):
        value = info.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
            raise VtourError(
                "reassemble",
                f"{key} must be a list of objects ([{{...}}]), got {type(value).__name__}",
                path=path,
                field=key,
                value=value,
                fix='write it as the IIIF Image API 3.0 has it, e.g. "tiles": [{"width": 512, "scaleFactors": [1, 2]}]',
            )


def full_tile_size(info: dict) -> int | None:
    """The edge of the square tiles an info.json lists at scale factor 1, or None when it has none
    (or ``tiles`` is no list: :func:`check_info` names that)."""
    tiles = info.get("tiles")
    for entry in tiles if isinstance(tiles, list) else []:
        if not isinstance(entry, dict):
            continue
        width, height, factors = entry.get("width"), entry.get("height", entry.get("width")), entry.get("scaleFactors")
        if isinstance(width, int) and width > 0 and height == width and isinstance(factors, list) and 1 in factors:
            return width
    return None


def _read_info(info_dir: Path) -> tuple[int, int, int]:
    path = info_dir / "info.json"
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_INFO_BYTES + 1)
        info = json.loads(raw) if len(raw) <= MAX_INFO_BYTES else None
    except (OSError, ValueError) as exc:
        raise VtourError("reassemble", f"cannot read info.json ({exc})", path=path, fix="check the file") from None
    if not isinstance(info, dict):
        raise VtourError("reassemble", "info.json is not a JSON object (or is over 1 MiB)", path=path)
    check_info(info, path)
    width, height = info.get("width"), info.get("height")
    if not (isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0):
        raise VtourError("reassemble", "width and height must be positive integers", path=path, value=(width, height))
    tile = full_tile_size(info)
    if tile is None:
        raise VtourError(
            "reassemble",
            "lists no square tiles at scale factor 1",
            path=path,
            field="tiles",
            value=info.get("tiles"),
            fix="use the largest whole-image file (full/max) instead",
        )
    if width * height > DEFAULT_MAX_PIXELS:
        raise VtourError(
            "reassemble",
            f"the image has too many pixels ({width}x{height}); the limit is {DEFAULT_MAX_PIXELS:,}",
            path=path,
        )
    return width, height, tile


def _rows(info_dir: Path, width: int, height: int, tile: int) -> list[list[tuple[Path, int, int]]]:
    """Every scale-factor-1 tile, ``(path, width, height)`` row by row; a missing one is an error."""
    root = info_dir.resolve()
    rows: dict[int, list[tuple[Path, int, int]]] = {}
    for rel, (_, y, _, _, sw, sh) in tile_paths(width, height, tile, 1):
        path = info_dir / rel
        if not path.is_file() or not is_within(path.resolve(), root):
            raise VtourError(
                "reassemble",
                f"tile {rel} is missing (or outside the image's folder)",
                path=info_dir,
                fix="copy the whole image folder (every tile info.json implies)",
            )
        rows.setdefault(y, []).append((path, sw, sh))
    return list(rows.values())


def _strip(row: list[tuple[Path, int, int]], info_dir: Path) -> Any:
    """One row of tiles as one lazy libvips image, each tile checked against the size it must have."""
    pyvips = _pyvips()
    tiles = []
    for path, sw, sh in row:
        try:
            image = pyvips.Image.new_from_file(str(path), access="sequential", fail_on="warning")
        except pyvips.Error as exc:
            raise VtourError("reassemble", f"cannot read tile ({_first_line(exc)})", path=path) from None
        if (image.width, image.height) != (sw, sh):
            raise VtourError(
                "reassemble",
                f"tile {path.relative_to(info_dir)} is {image.width}x{image.height} px; info.json implies {sw}x{sh}",
                path=path,
                fix="rebuild the image's tiles",
            )
        tiles.append(to_srgb8(image))
    # arrayjoin makes every cell as large as the largest tile: crop the right edge's padding
    strip = pyvips.Image.arrayjoin(tiles, across=len(tiles))
    return strip.crop(0, 0, sum(t.width for t in tiles), tiles[0].height)


def _stack(images: list[Any]) -> Any:
    """Images of one width top to bottom (the last, shorter one's padding cropped)."""
    stacked = _pyvips().Image.arrayjoin(images, across=1)
    return stacked.crop(0, 0, images[0].width, sum(i.height for i in images))


def _save(image: Any, out: Path, what: str, **options: Any) -> None:
    pyvips = _pyvips()
    try:
        if out.suffix == ".v":
            image.write_to_file(str(out))
        else:
            image.tiffsave(str(out), **options)
    except pyvips.Error as exc:
        raise VtourError("reassemble", f"cannot write {what} ({_first_line(exc)})", path=out) from None


def _join(strips: list[Path], tmp: Path) -> list[Path]:
    """Groups of at most MAX_JOIN strips joined into bands, until at most MAX_JOIN are left."""
    pyvips = _pyvips()
    level, most = 0, max(2, MAX_JOIN)  # a group of one would never shrink the list
    while len(strips) > most:
        bands = []
        for i in range(0, len(strips), most):
            group = [pyvips.Image.new_from_file(str(p), access="sequential") for p in strips[i : i + most]]
            band = tmp / f"band-{level}-{i // most}.v"
            _save(_stack(group), band, "a temporary band")
            del group
            for p in strips[i : i + most]:
                p.unlink()
            bands.append(band)
        strips, level = bands, level + 1
    return strips


def reassemble(info_dir: Path, out: Path) -> tuple[int, int]:
    """Join the scale-factor-1 tiles of the IIIF level-0 image service in ``info_dir`` into ``out``.

    Parameters
    ----------
    info_dir : Path
        The folder holding ``info.json`` (``width``, ``height``, a ``tiles`` entry with square tiles
        and scale factor 1) and its tiles ``x,y,w,h/w,h/0/default.jpg`` (:mod:`vtour.image.iiif`).
    out : Path
        The TIFF written: 8-bit sRGB, tiled (TIFF_TILE px), JPEG (QUALITY), one page (no pyramid),
        BigTIFF above BIGTIFF_BYTES; written under a temporary name and renamed when complete.

    Returns
    -------
    (width, height) : tuple of int
        The image's size in px, info.json's ``width`` and ``height``.

    Raises
    ------
    VtourError
        info.json unreadable or without scale-factor-1 tiles; a tile missing, outside ``info_dir``,
        unreadable or not of the size info.json implies (named); the output not writable.
    """
    info_dir, out = Path(info_dir), Path(out)
    pyvips = _pyvips()
    width, height, tile = _read_info(info_dir)
    rows = _rows(info_dir, width, height, tile)  # every tile exists before any is decoded
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=f".{out.name}.strips-") as name:
        tmp = Path(name)
        strips = []
        for j, row in enumerate(rows):
            strip = tmp / f"strip-{j}.v"
            _save(_strip(row, info_dir), strip, f"the tiles of row {j} (y = {j * tile})")
            strips.append(strip)
        strips = _join(strips, tmp)
        parts = [pyvips.Image.new_from_file(str(p), access="sequential") for p in strips]
        image = _stack(parts)
        with atomic_file(out) as part:
            _save(
                image,
                part,
                "the reassembled image",
                tile=True,
                tile_width=TIFF_TILE,
                tile_height=TIFF_TILE,
                compression="jpeg",
                Q=QUALITY,
                bigtiff=3 * width * height > BIGTIFF_BYTES,
            )
        del image, parts
    return width, height
