"""pano.json, and the scene blocks Marzipano and Pannellum read, from one panorama's JSON facts.

Both peers open the tiles vtour writes (:mod:`vtour.pano.tiles`, :mod:`vtour.conventions`), so their
blocks are pure functions of three values that pano.json and tour.json both carry: the face size,
the ``levels`` list (``{"tileSize", "size", "fallbackOnly"?}`` dicts, coarse to fine) and the
``coverage`` dict (``hfov``, ``vfov``, ``yaw``, ``pitch`` in degrees). :func:`peer_blocks` takes those
JSON values, so ``vtour.tour.peers`` computes Pannellum's ``multiRes`` from tour.json without
re-creating :class:`~vtour.pano.tiles.TileLevel` or :class:`~vtour.pano.coverage.Coverage` objects.

Tile format and presence (pano.json and tour.json's ``panorama`` carry both)
    ``tiles`` is the tile template with the format's extension (``{z}/{f}/{y}/{x}.webp``): readers
    take the extension from it, never assume ``.jpg``. A partial panorama leaves out the tiles wholly
    outside its coverage; then ``present`` says, per level z (the ``levels`` list's order), per face
    letter, which tiles exist: ``true`` (all of that face's tiles), ``false`` (none), or the base64
    of ``np.packbits(mask.ravel())`` for the face's ``(n, n)`` bool mask (n tiles per side; row y
    from the top, column x; bit ``y * n + x``, most significant bit first, the last byte padded with
    zeros). ``present`` is absent when every tile exists (:func:`decode_present` reads it back).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

import numpy as np

from vtour.conventions import FACES, TILE_TEMPLATE, tile_template
from vtour.pano.codec import TILE_FORMATS
from vtour.pano.coverage import Coverage
from vtour.pano.tiles import TileLevel

#: Version of the pano.json format written by :func:`pano_manifest`.
PANO_FORMAT_VERSION = 1

_TILE_STEM, _TILE_EXTENSION = TILE_TEMPLATE.rsplit(".", 1)
#: ``TILE_TEMPLATE`` in Pannellum's multires spelling: ``path`` is appended to ``basePath`` (hence the
#: leading "/"), %l is the level (vtour's z, see vtour.conventions "Tiles"), %s the face letter.
PANNELLUM_TILE_PATH = "/" + _TILE_STEM.format(z="%l", f="%s", y="%y", x="%x")


#: Which tiles of each level z and face letter were written: ``(n, n)`` bool masks.
Presence = Mapping[int, Mapping[str, np.ndarray]]


def encode_present(levels: tuple[TileLevel, ...], present: Presence | None) -> list | None:
    """pano.json's ``present`` (see the module docstring) of per-level, per-face ``(n, n)`` bool masks.

    A level or face missing from ``present`` counts as wholly present. Returns None when every tile
    exists (pano.json then has no ``present``). Raises ValueError for a mask of the wrong shape.
    """
    if present is None:
        return None
    out: list[dict] = []
    for z, level in enumerate(levels):
        faces = present.get(z, {})
        n = level.tiles_per_side
        entry: dict[str, bool | str] = {}
        for f in FACES:
            mask = np.asarray(faces.get(f, True), bool)
            if mask.ndim == 0:
                entry[f] = bool(mask)
                continue
            if mask.shape != (n, n):
                raise ValueError(f"present: level {z} face {f} mask is {mask.shape}, expected ({n}, {n})")
            entry[f] = True if mask.all() else False if not mask.any() else _b64(mask)
        out.append(entry)
    return None if all(v is True for e in out for v in e.values()) else out


def _b64(mask: np.ndarray) -> str:
    return base64.b64encode(np.packbits(mask.ravel()).tobytes()).decode("ascii")


#: Most tiles on a face's side that :func:`decode_present` reads (a 65536 px face of 64 px tiles).
MAX_TILES_PER_SIDE = 1024


def decode_present(present: list | None, levels: list[dict]) -> dict[int, dict[str, np.ndarray]]:
    """Per-level, per-face ``(n, n)`` bool masks of a JSON ``present`` (None: every tile is present).

    Raises ValueError (binascii.Error included) for a mask that is not base64 of exactly the face's bits.
    """
    if present is not None and len(present) != len(levels):
        raise ValueError(f"present: {len(present)} levels, but the panorama has {len(levels)}")
    out: dict[int, dict[str, np.ndarray]] = {}
    for z, level in enumerate(levels):
        n = level["size"] // level["tileSize"]
        if not 0 < n <= MAX_TILES_PER_SIDE:  # a tampered file must not allocate a mask of its choosing
            raise ValueError(f"present: level {z} has {n} tiles a side; at most {MAX_TILES_PER_SIDE} are read")
        entry = present[z] if present is not None else {}
        masks = {}
        for f in FACES:
            value = entry.get(f, True)
            if isinstance(value, bool):
                masks[f] = np.full((n, n), value)
            else:
                packed = base64.b64decode(value, validate=True)
                if len(packed) != -(-n * n // 8):
                    raise ValueError(f"present: level {z} face {f} has {len(packed)} bytes for {n} x {n} tiles")
                bits = np.unpackbits(np.frombuffer(packed, np.uint8), count=n * n)
                masks[f] = bits.astype(bool).reshape(n, n)
        out[z] = masks
    return out


def tile_extension(tiles: str) -> str:
    """The extension without its dot (``"webp"``) of a tile template such as pano.json's ``tiles``."""
    return tiles.rsplit(".", 1)[1]


def pannellum_bounds(coverage: dict) -> dict[str, float]:
    """Pannellum's ``minYaw``/``maxYaw`` and ``minPitch``/``maxPitch`` (degrees) of a partial panorama.

    ``coverage`` is the JSON coverage dict. Yaw limits appear only when the panorama does not wrap
    (``hfov < 360``), pitch limits only when it misses a pole (``vfov < 180``); a full one gets none.
    """
    hfov, vfov, yaw, pitch = coverage["hfov"], coverage["vfov"], coverage["yaw"], coverage["pitch"]
    bounds: dict[str, float] = {}
    if hfov < 360:
        bounds["minYaw"], bounds["maxYaw"] = yaw - hfov / 2, yaw + hfov / 2
    if vfov < 180:
        bounds["minPitch"], bounds["maxPitch"] = pitch - vfov / 2, pitch + vfov / 2
    return bounds


def peer_blocks(
    face_size: int, levels: list[dict], coverage: dict, *, base_path: str = ".", tiles: str = TILE_TEMPLATE
) -> dict:
    """The scene's Marzipano ``levels``/``faceSize`` and Pannellum ``multiRes`` blocks (same tiles).

    Parameters
    ----------
    face_size : int
        Edge of the largest level's faces, in pixels (Pannellum's ``cubeResolution``).
    levels : list of dict
        The JSON ``levels`` of pano.json or tour.json, coarse to fine. The first is the fallback
        level, so the last one's index is Pannellum's ``maxLevel`` and its ``tileSize`` is
        Pannellum's ``tileResolution``.
    coverage : dict
        The JSON ``coverage`` (degrees); a partial one adds Pannellum's yaw and pitch limits.
    base_path : str
        Pannellum's ``basePath``: the panorama's folder relative to the config ("." in pano.json,
        ``scenes/<id>`` in a tour's pannellum.json).
    tiles : str
        The tile template relative to ``base_path``; only its extension is used (Pannellum's
        ``extension``), the layout is always :data:`~vtour.conventions.TILE_TEMPLATE`'s.

    Returns
    -------
    ``{"marzipano": {"levels", "faceSize"}, "pannellum": {"multiRes": {...}, minYaw...}}``
    """
    multires = {
        "basePath": base_path,
        "path": PANNELLUM_TILE_PATH,
        "extension": tile_extension(tiles),
        "tileResolution": levels[-1]["tileSize"],
        "maxLevel": len(levels) - 1,
        "cubeResolution": face_size,
    }
    return {
        "marzipano": {"levels": levels, "faceSize": face_size},
        "pannellum": {"multiRes": multires, **pannellum_bounds(coverage)},
    }


def pano_manifest(
    face_size: int,
    levels: tuple[TileLevel, ...],
    coverage: Coverage,
    source: dict,
    *,
    tile_format: str = "jpeg",
    present: Presence | None = None,
    preview: str = "preview.jpg",
) -> dict:
    """The content of pano.json: the tile set, its preview and thumbnail, coverage, source and peer blocks.

    ``source`` is ``{"kind", "files"}`` plus, for stitched photos, ``used`` and ``unmatched`` file names.
    ``tile_format`` (a key of :data:`~vtour.pano.codec.TILE_FORMATS`) sets the template's extension;
    ``present`` (None: every tile was written) maps level z -> face letter -> ``(n, n)`` bool mask of
    the tiles written, and is stored as the module docstring says. ``preview`` names the preview
    strip's file (``preview.webp`` when it is written in the tiles' format: the viewer's first bytes).
    """
    if tile_format not in TILE_FORMATS:
        raise ValueError(f"pano_manifest: unknown tile format {tile_format!r}; expected one of {list(TILE_FORMATS)}")
    tiles = tile_template(TILE_FORMATS[tile_format])
    levels_json = [lv.to_json() for lv in levels]
    coverage_json = coverage.to_json()
    present_json = encode_present(levels, present)
    return {
        "format": "vtour-pano",
        "version": PANO_FORMAT_VERSION,
        "faceSize": face_size,
        "tileSize": levels[-1].tile_size,
        "levels": levels_json,
        "tiles": tiles,
        **({"present": present_json} if present_json is not None else {}),
        "faces": list(FACES),
        "preview": preview,
        "previewFaceOrder": "".join(FACES),
        "thumb": "thumb.jpg",
        "coverage": coverage_json,
        "source": source,
        **peer_blocks(face_size, levels_json, coverage_json, tiles=tiles),
    }
