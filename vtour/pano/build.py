"""One panorama, from whatever was captured, to a tile pyramid that vtour, Marzipano and Pannellum open.

The build is a short list of named steps::

    read (equirect | six faces | photos -> stitch)  ->  FaceSource
        ->  equirect: blocks of faces -> tiles (:mod:`.stream`) | cube: faces -> filtered levels -> tiles
        ->  preview strip, thumbnail  ->  pano.json (:mod:`.manifest`)

A reader returns what it read, a :class:`FaceSource`. An equirect (read, or stitched from photos)
is written block by block from its ``equirect`` source (:mod:`vtour.pano.stream`): memory stays
bounded whatever the size (a large source is streamed from a raw copy in the output's temporary
folder), and a partial panorama writes only the tiles its coverage reaches, which pano.json's
``present`` lists. Cube faces are consumed one at a time from ``faces``, a generator.
Output is written to a temporary folder and moved into place when complete (:mod:`vtour.output`).
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from vtour.conventions import FACES, PANNELLUM_CUBE_ORDER
from vtour.errors import VtourError
from vtour.images import encode_jpeg, probe_image, read_image, to_uint8
from vtour.output import atomic_dir
from vtour.pano.codec import check_encoder
from vtour.pano.coverage import FULL, Coverage
from vtour.pano.cube_input import cube_layout_problem, read_cube_faces, split_cube_image
from vtour.pano.equirect import iter_faces, natural_face_size
from vtour.pano.gpano import read_gpano
from vtour.pano.manifest import pano_manifest
from vtour.pano.options import DEFAULT_PANO_OPTIONS, PanoOptions
from vtour.pano.source import ArraySource, RawSource, open_equirect
from vtour.pano.stitch import StitchResult, stitch_photos
from vtour.pano.stream import composite, iter_stream_faces, make_job, write_tiles
from vtour.pano.tiles import (
    MIN_FACE_SIZE,
    TileLevel,
    face_pyramid,
    plan_levels,
    preview_strip,
    resize_face,
    thumbnail,
    write_face_tiles,
)

log = logging.getLogger(__name__)

#: Largest face edge chosen automatically (from a 90k px wide equirect on); larger needs ``face_size``.
MAX_AUTO_FACE_SIZE = 32768


@dataclass(frozen=True)
class PanoResult:
    """What :func:`build_pano` wrote. ``manifest`` is the content of pano.json."""

    out_dir: Path
    face_size: int
    levels: tuple[TileLevel, ...]
    coverage: Coverage
    source_kind: str
    tiles: int
    bytes: int
    seconds: float
    used: tuple[Path, ...] = ()
    unmatched: tuple[Path, ...] = ()
    manifest: dict = field(default_factory=dict, repr=False)


# ---------------------------------------------------------------------------------------------
# step: decide what the inputs are


_CUBE_ASPECTS = {6.0: "strip", 1 / 6: "strip", 4 / 3: "cross", 3 / 4: "cross"}


def detect_mode(paths: Sequence[Path], options: PanoOptions) -> str:
    """Which reader the inputs need ("equirect", "cube" or "stitch"), from their count and shape."""
    if options.mode != "auto":
        return options.mode
    if len(paths) == 6:
        sizes = {(i.width, i.height) for i in map(probe_image, paths)}
        if len(sizes) == 1 and (s := sizes.pop())[0] == s[1]:
            return "cube"
        return "stitch"
    if len(paths) == 1:
        info = probe_image(paths[0])
        w, h = info.width, info.height
        if options.coverage is None and not math.isclose(w / h, 2.0, rel_tol=0.01):
            if any(math.isclose(w / h, a, rel_tol=0.01) for a in _CUBE_ASPECTS):
                return "cube"
        return "equirect"
    return "stitch"


def choose_face_size(natural: float, options: PanoOptions) -> int:
    """The power of two nearest ``natural`` in log scale, unless the options fix the size."""
    if options.face_size is not None:
        return options.face_size
    n = 2 ** round(math.log2(max(natural, 1)))
    return int(min(max(n, MIN_FACE_SIZE), MAX_AUTO_FACE_SIZE))


def _coverage_of(path: Path, img_shape: tuple[int, int], options: PanoOptions, not_cube: str = "") -> Coverage:
    """The options' coverage, else the file's GPano metadata, else the full sphere for a 2:1 image.

    ``not_cube`` says why an image of a cube layout's shape was not taken as cube faces.
    """
    if options.coverage is not None:
        return options.coverage
    gpano = read_gpano(path)
    if gpano is not None:
        return gpano.coverage()
    h, w = img_shape
    if not math.isclose(w / h, 2.0, rel_tol=0.01):
        raise VtourError(
            "pano",
            f"image is {w}x{h}, not 2:1, and no coverage was given" + (f"; {not_cube}" if not_cube else ""),
            path=path,
            fix="pass --hfov and --vfov (degrees) for a partial panorama, or crop or pad it to 2:1",
        )
    return FULL


# ---------------------------------------------------------------------------------------------
# step: faces, levels, tiles


class _Writer:
    """Writes one face at a time into the output folder and keeps what the preview needs."""

    def __init__(self, root: Path, levels: tuple[TileLevel, ...], options: PanoOptions, pool: Executor):
        self.root, self.levels, self.options, self.pool = root, levels, options, pool
        self.small: dict[str, np.ndarray] = {}
        self.front: np.ndarray | None = None
        self.bytes = 0
        self.tiles = 0
        self.present: dict[int, dict[str, np.ndarray]] | None = None

    def add(self, letter: str, face: np.ndarray) -> None:
        face = composite(face, self.options.background)
        pyramid = face_pyramid(face, self.levels)
        self.bytes += write_face_tiles(
            self.root,
            letter,
            pyramid,
            self.levels,
            quality=self.options.quality,
            tile_format=self.options.tile_format,
            executor=self.pool,
        )
        self.tiles += sum(lv.tiles_per_side**2 for lv in self.levels)
        self.small[letter] = pyramid[0]
        if letter == "f":  # the thumbnail's source: a level at least 256 px wide
            self.front = (
                next(pyramid[z] for z in range(len(self.levels)) if pyramid[z].shape[0] >= 256)
                if self.levels[-1].size >= 256
                else pyramid[len(self.levels) - 1]
            )

    def previews(self) -> tuple[np.ndarray, np.ndarray]:
        """(preview strip, thumbnail) of the six faces written; refuses a source that skipped one."""
        if self.front is None or sorted(self.small) != sorted(FACES):
            raise ValueError(f"pano: the face source gave faces {sorted(self.small)}, not the six of {FACES}")
        return preview_strip(self.small), thumbnail(self.front)


# ---------------------------------------------------------------------------------------------
# step: read the inputs into a face source


@dataclass(frozen=True)
class FaceSource:
    """What a reader read: the cube faces to write, produced lazily, and the facts about them.

    Attributes
    ----------
    face_size : int
        Edge of every face ``faces`` yields, in pixels (a power of two unless the options fix it).
    coverage : Coverage
        The part of the sphere the faces show; outside it they are transparent (alpha 0).
    kind : str
        "equirect", "cube" or "stitch": pano.json's ``source.kind``.
    faces : iterator of (letter, (face_size, face_size, 3 or 4) uint8)
        Each of the six faces once. A generator: a face is made only when it is taken, so a build
        holds the decoded source plus about one face.
    stitch : StitchResult or None
        The stitcher's result when the faces came from photos (for stitched.jpg, used, unmatched).
    equirect : ArraySource or None
        The equirect the faces are made from (in memory, or a raw copy read by regions);
        :func:`build_pano` writes its tiles block by block from it rather than taking ``faces``.
    """

    face_size: int
    coverage: Coverage
    kind: str
    faces: Iterator[tuple[str, np.ndarray]] = field(repr=False)
    stitch: StitchResult | None = None
    equirect: ArraySource | None = field(default=None, repr=False)


def _faces_from_equirect(
    path: Path, options: PanoOptions, work_dir: Path | None = None, stream_above: int | None = None
) -> FaceSource:
    # what the header tells is checked before a byte is decoded: a 100k px equirect is 15 GB
    info = probe_image(path)
    cov = _coverage_of(path, (info.height, info.width), options)
    src = open_equirect(
        path,
        max_pixels=options.max_pixels,
        memory_pixels=options.in_memory_pixels,
        work_dir=work_dir,
        stream_above=stream_above,
    )
    return _remap_all(src, cov, options, kind="equirect")


def _remap_all(
    src: ArraySource, cov: Coverage, options: PanoOptions, kind: str, stitch: StitchResult | None = None
) -> FaceSource:
    n = choose_face_size(natural_face_size(src.width, cov.hfov), options)
    if isinstance(src, RawSource):
        job = make_job(src, cov, n, antialias=options.antialias, interpolation=options.interpolation)
        faces = iter_stream_faces(job)
    else:  # side faces first, so their shared maps can be dropped before the polar ones are made
        faces = iter_faces(
            src.img,
            n,
            cov,
            faces=PANNELLUM_CUBE_ORDER,
            antialias=options.antialias,
            interpolation=options.interpolation,
        )
    return FaceSource(n, cov, kind, faces, stitch, equirect=src)


def _faces_from_one_image(path: Path, options: PanoOptions) -> FaceSource:
    """Mode "auto", one image of a strip's or a cross's shape: its cube faces when it is a cube
    layout, else an equirect (refused unless coverage or GPano metadata says what it spans)."""
    img = read_image(path, max_pixels=options.in_memory_pixels)
    why = cube_layout_problem(img)
    if why is None:
        return _cube_source(split_cube_image(img, options.cube_order, path=path), options)
    img = to_uint8(img)
    cov = _coverage_of(path, img.shape[:2], options, not_cube=why)
    return _remap_all(ArraySource(img), cov, options, kind="equirect")


def _faces_from_cube(paths: list[Path], options: PanoOptions) -> FaceSource:
    return _cube_source(read_cube_faces(paths, max_pixels=options.in_memory_pixels, order=options.cube_order), options)


def _cube_source(faces: dict[str, np.ndarray], options: PanoOptions) -> FaceSource:
    n = choose_face_size(next(iter(faces.values())).shape[0], options)

    def resized() -> Iterator[tuple[str, np.ndarray]]:
        for letter in FACES:  # popped, so each decoded face is freed once it is written
            face = to_uint8(faces.pop(letter))
            yield letter, face if face.shape[0] == n else resize_face(face, n)

    return FaceSource(n, FULL, "cube", resized())


def _faces_from_photos(paths: list[Path], options: PanoOptions) -> FaceSource:
    result = stitch_photos(
        paths,
        max_pixels=options.in_memory_pixels,
        work_megapix=options.work_megapix,
        compose_megapix=options.compose_megapix,
        mode=options.stitch_mode,
    )
    return _remap_all(ArraySource(result.image), result.coverage, options, "stitch", stitch=result)


def read_faces(
    paths: list[Path],
    mode: str,
    options: PanoOptions,
    work_dir: Path | None = None,
    stream_above: int | None = None,
) -> FaceSource:
    """The face source of ``paths`` read as ``mode`` (see :func:`detect_mode`); faces not yet made.

    ``work_dir`` (the build's temporary folder) receives the raw copy of an equirect too large to
    hold in memory (decoded size over ``stream_above`` bytes, default
    :data:`vtour.pano.source.STREAM_ABOVE_BYTES`); None decodes every equirect into memory.
    """
    if mode == "equirect":
        if len(paths) != 1:
            raise VtourError(
                "pano",
                f"an equirect is one image, got {len(paths)}",
                field="mode",
                value=mode,
                fix="pass one image, or --mode stitch",
            )
        return _faces_from_equirect(paths[0], options, work_dir, stream_above)
    if mode == "cube":
        if options.mode == "auto" and len(paths) == 1:
            return _faces_from_one_image(paths[0], options)
        return _faces_from_cube(paths, options)
    return _faces_from_photos(paths, options)


def _source_json(source: FaceSource, paths: list[Path]) -> dict:
    """pano.json's ``source``: the reader's kind, the input file names and, for photos, which were used."""
    out: dict = {"kind": source.kind, "files": [p.name for p in paths]}
    if source.stitch is not None:
        out["used"] = [Path(p).name for p in source.stitch.used]
        out["unmatched"] = [Path(p).name for p in source.stitch.unmatched]
    return out


def _write_blocks(writer: _Writer, source: FaceSource) -> None:
    """Write an equirect's tiles block by block (:func:`vtour.pano.stream.write_tiles`) into ``writer``."""
    assert source.equirect is not None
    o = writer.options
    job = make_job(
        source.equirect, source.coverage, source.face_size, antialias=o.antialias, interpolation=o.interpolation
    )
    done = write_tiles(
        job,
        writer.levels,
        writer.root,
        tile_format=o.tile_format,
        quality=o.quality,
        background=o.background,
        pool=writer.pool,
        faces=None if isinstance(source.equirect, RawSource) else source.faces,
    )
    writer.small, writer.front, writer.bytes, writer.tiles = done.small, done.front, done.bytes, done.tiles
    partial = done.partial and not all(m.all() for faces in done.present.values() for m in faces.values())
    writer.present = done.present if partial else None
    log.info(
        "pano: %d tiles written; %d of %d blocks outside the coverage", done.tiles, done.blocks_skipped, done.blocks
    )


# ---------------------------------------------------------------------------------------------


def build_pano(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    options: PanoOptions = DEFAULT_PANO_OPTIONS,
    *,
    stream_above: int | None = None,
) -> PanoResult:
    """Build one panorama's tile pyramid, preview, thumbnail and pano.json into ``out_dir``.

    Parameters
    ----------
    inputs : list of paths
        One equirect image; six cube faces (or one strip or cross image); or overlapping photos.
    out_dir : path
        Output folder; replaced atomically when complete. An existing non-empty folder without a
        pano.json is refused.
    options : PanoOptions
    stream_above : int, optional
        Decoded size (bytes) above which an equirect is streamed from a raw copy on disc rather
        than held in memory; default :data:`vtour.pano.source.STREAM_ABOVE_BYTES` (512 MB).

    Raises
    ------
    VtourError
        For unreadable, inconsistent or oversized inputs; nothing is written then.
    """
    t0 = time.perf_counter()
    paths = [Path(p) for p in inputs]
    if not paths:
        raise VtourError("pano", "no input images given", fix="pass an equirect, six faces or photos")
    for p in paths:
        if not p.is_file():
            raise VtourError("pano", "input file not found", path=p, fix="check the path")
    check_encoder(options.tile_format)  # before a 100k px source is decoded, not at its first tile
    mode = detect_mode(paths, options)
    log.info("pano: %d input(s) as %s", len(paths), mode)
    with (
        atomic_dir(out_dir, marker="pano.json", step="pano") as tmp,
        ThreadPoolExecutor(max_workers=options.jobs or os.cpu_count() or 2) as pool,
    ):
        source = read_faces(paths, mode, options, tmp, stream_above)
        try:
            levels = plan_levels(source.face_size, options.tile_size)
            log.info("pano: faces %d px, %d levels, tiles %d px", source.face_size, len(levels), options.tile_size)
            writer = _Writer(tmp, levels, options, pool)
            present = None
            if source.equirect is not None:
                _write_blocks(writer, source)
                present = writer.present
            else:
                for letter, face in source.faces:
                    writer.add(letter, face)
        finally:
            if source.equirect is not None:
                source.equirect.close()  # the raw copy of a streamed source goes before the move
        preview, thumb = writer.previews()
        (tmp / "preview.jpg").write_bytes(encode_jpeg(preview, options.jpeg_quality))
        (tmp / "thumb.jpg").write_bytes(encode_jpeg(thumb, options.jpeg_quality))
        if source.stitch is not None:
            (tmp / "stitched.jpg").write_bytes(encode_jpeg(to_uint8(source.stitch.image), 90))
        manifest = pano_manifest(
            source.face_size,
            levels,
            source.coverage,
            _source_json(source, paths),
            tile_format=options.tile_format,
            present=present,
        )
        (tmp / "pano.json").write_text(json.dumps(manifest, indent=1))
    tiles = writer.tiles
    return PanoResult(
        out_dir=Path(out_dir),
        face_size=source.face_size,
        levels=levels,
        coverage=source.coverage,
        source_kind=source.kind,
        tiles=tiles,
        bytes=writer.bytes,
        seconds=time.perf_counter() - t0,
        used=tuple(source.stitch.used) if source.stitch else (),
        unmatched=tuple(source.stitch.unmatched) if source.stitch else (),
        manifest=manifest,
    )


__all__ = [
    "DEFAULT_PANO_OPTIONS",
    "FaceSource",
    "PanoOptions",
    "PanoResult",
    "build_pano",
    "choose_face_size",
    "detect_mode",
    "read_faces",
]
