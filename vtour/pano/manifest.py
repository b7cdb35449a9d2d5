"""pano.json, and the scene blocks Marzipano and Pannellum read, from one panorama's JSON facts.

Both peers open the tiles vtour writes (:mod:`vtour.pano.tiles`, :mod:`vtour.conventions`), so their
blocks are pure functions of three values that pano.json and tour.json both carry: the face size,
the ``levels`` list (``{"tileSize", "size", "fallbackOnly"?}`` dicts, coarse to fine) and the
``coverage`` dict (``hfov``, ``vfov``, ``yaw``, ``pitch`` in degrees). :func:`peer_blocks` takes those
JSON values, so ``vtour.tour.peers`` computes Pannellum's ``multiRes`` from tour.json without
re-creating :class:`~vtour.pano.tiles.TileLevel` or :class:`~vtour.pano.coverage.Coverage` objects.
"""

from __future__ import annotations

from vtour.conventions import FACES, TILE_TEMPLATE
from vtour.pano.coverage import Coverage
from vtour.pano.tiles import TileLevel

#: Version of the pano.json format written by :func:`pano_manifest`.
PANO_FORMAT_VERSION = 1

_TILE_STEM, _TILE_EXTENSION = TILE_TEMPLATE.rsplit(".", 1)
#: ``TILE_TEMPLATE`` in Pannellum's multires spelling: ``path`` is appended to ``basePath`` (hence the
#: leading "/"), %l is the level (vtour's z, see vtour.conventions "Tiles"), %s the face letter.
PANNELLUM_TILE_PATH = "/" + _TILE_STEM.format(z="%l", f="%s", y="%y", x="%x")


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


def peer_blocks(face_size: int, levels: list[dict], coverage: dict, *, base_path: str = ".") -> dict:
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

    Returns
    -------
    ``{"marzipano": {"levels", "faceSize"}, "pannellum": {"multiRes": {...}, minYaw...}}``
    """
    multires = {
        "basePath": base_path,
        "path": PANNELLUM_TILE_PATH,
        "extension": _TILE_EXTENSION,
        "tileResolution": levels[-1]["tileSize"],
        "maxLevel": len(levels) - 1,
        "cubeResolution": face_size,
    }
    return {
        "marzipano": {"levels": levels, "faceSize": face_size},
        "pannellum": {"multiRes": multires, **pannellum_bounds(coverage)},
    }


def pano_manifest(face_size: int, levels: tuple[TileLevel, ...], coverage: Coverage, source: dict) -> dict:
    """The content of pano.json: the tile set, its preview and thumbnail, coverage, source and peer blocks.

    ``source`` is ``{"kind", "files"}`` plus, for stitched photos, ``used`` and ``unmatched`` file names.
    """
    levels_json = [lv.to_json() for lv in levels]
    coverage_json = coverage.to_json()
    return {
        "format": "vtour-pano",
        "version": PANO_FORMAT_VERSION,
        "faceSize": face_size,
        "tileSize": levels[-1].tile_size,
        "levels": levels_json,
        "tiles": TILE_TEMPLATE,
        "faces": list(FACES),
        "preview": "preview.jpg",
        "previewFaceOrder": "".join(FACES),
        "thumb": "thumb.jpg",
        "coverage": coverage_json,
        "source": source,
        **peer_blocks(face_size, levels_json, coverage_json),
    }
