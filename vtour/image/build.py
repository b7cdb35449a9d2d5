"""One flat image (a painting, a mural, a scroll) or overlapping photos of one, to an IIIF tile pyramid.

The build is a short list of named steps::

    check headers (size limit)  ->  open (libvips, streaming) | stitch photos (OpenCV, "scans")
        ->  8-bit sRGB, alpha flattened  ->  dzsave, IIIF 3 layout  ->  info.json's id and sizes
        ->  full/max when the image fits one tile  ->  manifest.json  ->  image.json

One image is never decoded into one array: libvips reads it sequentially (``access="sequential"``)
and writes the pyramid as it goes, so peak memory stays about the same whatever the image's size
(measured by benchmarks/bench_image.py). Photos to stitch are read whole (OpenCV stitches arrays).
The layout, tile paths and info.json are described once in :mod:`vtour.image.iiif`, the IIIF
Presentation 3.0 manifest in :mod:`vtour.image.manifest`. Output is
written to a temporary folder and moved into place when complete (:mod:`vtour.output`).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vtour.errors import VtourError
from vtour.image.iiif import TILE_NAME, all_tile_paths, finish_info, service_id
from vtour.image.manifest import MANIFEST_JSON, image_manifest, manifest_files
from vtour.image.options import DEFAULT_IMAGE_OPTIONS, ImageOptions
from vtour.images import probe_image
from vtour.output import atomic_dir
from vtour.pano.stitch import stitch_photos

log = logging.getLogger(__name__)

#: vtour's own record of an image build (and the marker of its output folder).
IMAGE_JSON = "image.json"
IMAGE_FORMAT_VERSION = 1
_FIX_REEXPORT = "export or copy the file again"
#: Words of libvips' errors that blame the output; any other dzsave error is the source's decoder.
#: The folder dzsave makes inside the output's temporary folder, and the file it writes beside it.
_DZ_FOLDER, _DZ_PROPERTIES = ".dzsave", "vips-properties.xml"
_WRITE_FAILURES = ("write", "No space", "ermission denied", "ead-only", "quota", "mkdir")


@dataclass(frozen=True)
class ImageResult:
    """What :func:`build_image` wrote. ``info`` is the content of info.json."""

    out_dir: Path
    width: int
    height: int
    scale_factors: tuple[int, ...]
    tiles: int
    bytes: int
    seconds: float
    source_kind: str  # "image" or "stitch"
    used: tuple[Path, ...] = ()
    unmatched: tuple[Path, ...] = ()
    info: dict = field(default_factory=dict, repr=False)


def _pyvips() -> Any:
    try:
        import pyvips
    except (ImportError, OSError) as e:  # OSError: the wheel's libvips could not be loaded
        raise VtourError("image", f"libvips is not available ({e})", fix="pip install pyvips pyvips-binary") from None
    return pyvips


# ---------------------------------------------------------------------------------------------
# step: read


def check_inputs(paths: Sequence[Path], options: ImageOptions) -> None:
    """Every input exists, is an image and has at most ``max_pixels``, from its header alone."""
    if not paths:
        raise VtourError("image", "no input images given", fix="pass one image, or overlapping photos to stitch")
    for p in paths:
        info = probe_image(p, step="image")
        if info.pixels > options.max_pixels:
            raise VtourError(
                "image",
                f"image has too many pixels ({info.width}x{info.height} = {info.pixels:,}); "
                f"the limit is {options.max_pixels:,}",
                path=p,
                field="max_pixels",
                value=options.max_pixels,
                fix="raise it with --max-pixels if you trust the file",
            )


def open_image(path: Path, rotate: int = 0) -> Any:
    """One image file as a lazy libvips image (decoded as dzsave pulls rows), EXIF-rotated.

    ``fail_on="warning"``: a truncated or corrupt file fails the build instead of leaving grey.
    """
    pyvips = _pyvips()
    rotated = probe_image(path, step="image").orientation != 1
    # a rotation reads rows out of order: libvips then decodes to a temporary file (large images)
    access = "random" if rotated or rotate else "sequential"
    try:
        image = pyvips.Image.new_from_file(str(path), access=access, fail_on="warning")
    except pyvips.Error as e:
        text = _first_line(e)
        raise VtourError("image", f"libvips cannot open the image ({text})", path=path, fix=_FIX_REEXPORT) from None
    return turn(image.autorot() if rotated else image, rotate)


def turn(image: Any, rotate: int) -> Any:
    """``image`` turned clockwise by ``rotate`` degrees (a quarter turn: 0, 90, 180, 270)."""
    return image.rot(f"d{rotate}") if rotate else image


def stitch_image(paths: Sequence[Path], options: ImageOptions) -> tuple[Any, Any]:
    """Overlapping photos of a flat subject -> (libvips image, StitchResult); affine ("scans")."""
    pyvips = _pyvips()
    result = stitch_photos(
        paths,
        max_pixels=options.max_pixels,
        work_megapix=options.work_megapix,
        compose_megapix=options.compose_megapix,
        mode="scans",
        step="image",
    )
    return pyvips.Image.new_from_array(result.image, interpretation="srgb"), result


def to_srgb8(image: Any) -> Any:
    """Any libvips image -> 3-band 8-bit sRGB; alpha is flattened onto black (JPEG has none)."""
    if image.hasalpha():
        image = image.flatten(background=[0])
    if image.interpretation != "srgb" or image.format != "uchar" or image.bands != 3:
        image = image.colourspace("srgb")
    if image.format != "uchar":
        image = image.cast("uchar")
    if image.bands == 1:
        image = image.bandjoin([image, image])
    return image


# ---------------------------------------------------------------------------------------------
# step: tiles and info.json


def write_tiles(image: Any, folder: Path, options: ImageOptions, source: Path | None) -> None:
    """The IIIF 3 pyramid of ``image`` into ``folder`` (which exists) with libvips' dzsave."""
    pyvips = _pyvips()
    # dzsave writes vips-properties.xml beside the folder it makes (properties=False does not stop
    # it for the IIIF layouts): make that folder inside ``folder``, so nothing lands outside it
    inner = folder / _DZ_FOLDER
    try:
        image.dzsave(str(inner), layout="iiif3", tile_size=options.tile_size, suffix=f".jpg[Q={options.quality}]")
    except pyvips.Error as e:
        text = _first_line(e)
        if source is None or any(word in text for word in _WRITE_FAILURES):
            raise VtourError(
                "image", f"cannot write the tiles ({text})", path=folder, fix="check the disk space and permissions"
            ) from None
        raise VtourError(
            "image", f"the image is corrupt or truncated ({text})", path=source, fix=_FIX_REEXPORT
        ) from None
    (folder / _DZ_PROPERTIES).unlink(missing_ok=True)
    for child in inner.iterdir():
        child.rename(folder / child.name)
    inner.rmdir()


def finish(folder: Path, name: str, options: ImageOptions) -> dict:
    """Rewrite dzsave's info.json (absolute id, sizes), add ``full/max`` when the image fits one tile,
    and check that every file info.json implies is there."""
    raw = json.loads((folder / "info.json").read_text(encoding="utf-8"))
    info = finish_info(raw, service_id(options.base_url, name))
    w, h = info["width"], info["height"]
    whole = folder / "full" / f"{w},{h}" / TILE_NAME
    if whole.is_file():
        (folder / "full" / "max" / "0").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(whole, folder / "full" / "max" / TILE_NAME)
    missing = [p for p, _ in all_tile_paths(info) if not (folder / p).is_file()]
    if missing:  # libvips' layout changed under us: fail rather than publish holes
        raise VtourError(
            "image", f"{len(missing)} tiles info.json implies were not written, e.g. {missing[0]}", path=folder
        )
    (folder / "info.json").write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    return info


def write_manifest(folder: Path, info: dict, label: str, options: ImageOptions) -> dict:
    """manifest.json for ``info`` into ``folder``, after checking that every file it names is there."""
    manifest = image_manifest(
        info, label=options.label or label, summary=options.summary or None, rights=options.rights or None
    )
    (folder / MANIFEST_JSON).write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    missing = [p for p in manifest_files(manifest) if "://" in p or not (folder / p).is_file()]
    if missing:  # a URL outside the folder, or a size info.json lists that was not written
        raise VtourError(
            "image", f"manifest.json names files that are not in the output, e.g. {missing[0]}", path=folder
        )
    return manifest


def _first_line(e: Exception) -> str:
    """libvips' message and detail in one line, without its generic "unable to call" lead."""
    text = f"{getattr(e, 'message', '')}\n{getattr(e, 'detail', '') or ''}" if hasattr(e, "message") else str(e)
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("unable to call")]
    return "; ".join(lines[:3])[:300] or "libvips gave no detail"


def _count(folder: Path) -> tuple[int, int]:
    tiles = size = 0
    for root, _, files in os.walk(folder):
        for f in files:
            if f.endswith(".jpg"):
                tiles += 1
                size += os.path.getsize(os.path.join(root, f))
    return tiles, size


def build_image(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    options: ImageOptions = DEFAULT_IMAGE_OPTIONS,
    *,
    name: str | None = None,
    manifest: bool = True,
) -> ImageResult:
    """Build one image's IIIF Image API 3.0 level-0 tile pyramid into ``out_dir``.

    Parameters
    ----------
    inputs : list of paths
        One image (JPEG, PNG 8/16-bit, TIFF or BigTIFF...), or two or more overlapping photos of a
        flat subject, stitched with an affine model.
    out_dir : path
        Output folder: ``info.json``, the tiles, ``manifest.json`` (IIIF Presentation 3.0),
        ``image.json``. Replaced atomically when complete;
        an existing non-empty folder without an image.json is refused.
    options : ImageOptions
    name : str or None
        The last part of info.json's ``id`` (``base_url/name``); default the output folder's name.
        A tour's build, which writes into a cache folder named by a hash, gives the image's id.
    manifest : bool
        Write manifest.json (default); a tour writes its manifests itself (:mod:`vtour.tour.iiif`).

    Raises
    ------
    VtourError
        Missing, unreadable, corrupt, truncated or oversized inputs, photos that do not overlap;
        nothing is written then.
    """
    t0 = time.perf_counter()
    paths = [Path(p) for p in inputs]
    check_inputs(paths, options)
    name = name or Path(out_dir).absolute().name
    stitched = None
    with atomic_dir(out_dir, marker=IMAGE_JSON, step="image") as tmp:
        if len(paths) == 1:
            image = open_image(paths[0], options.rotate)
        else:
            image, stitched = stitch_image(paths, options)
            image = turn(image, options.rotate)
        image = to_srgb8(image)
        log.info("image: %d x %d px, tiles %d px", image.width, image.height, options.tile_size)
        write_tiles(image, tmp, options, paths[0] if len(paths) == 1 else None)
        info = finish(tmp, name, options)
        if manifest:
            write_manifest(tmp, info, paths[0].stem if len(paths) == 1 else name, options)
        record = {
            "format": "vtour-image",
            "version": IMAGE_FORMAT_VERSION,
            "width": info["width"],
            "height": info["height"],
            "tile_size": options.tile_size,
            "max_zoom": options.max_zoom,
            "rotate": options.rotate,
            "info": "info.json",
            **({"manifest": MANIFEST_JSON} if manifest else {}),
            "sources": [p.name for p in (stitched.used if stitched else paths)],
        }
        (tmp / IMAGE_JSON).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        tiles, size = _count(tmp)
    return ImageResult(
        out_dir=Path(out_dir),
        width=info["width"],
        height=info["height"],
        scale_factors=tuple(info["tiles"][0]["scaleFactors"]),
        tiles=tiles,
        bytes=size,
        seconds=time.perf_counter() - t0,
        source_kind="stitch" if stitched else "image",
        used=tuple(stitched.used) if stitched else tuple(paths),
        unmatched=tuple(stitched.unmatched) if stitched else (),
        info=info,
    )
