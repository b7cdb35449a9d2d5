"""Panoramas: one capture (an equirect, six cube faces, or overlapping photos) to a tile pyramid.

``build.py`` is the entry point; the other modules are its parts, in the order a build runs::

    gpano.py, coverage.py   what part of the sphere an equirect covers (XMP metadata, flags)
    equirect.py             equirect -> cube faces (remap), one face at a time
    cube_input.py           reads cube-face input (six files, a strip, a cross)
    stitch.py               overlapping photos -> one equirect (OpenCV's detailed pipeline)
    tiles.py                one face -> filtered levels -> tiles, preview strip, thumbnail
    manifest.py             pano.json and the scene blocks Marzipano and Pannellum read

``from vtour.pano import build_pano, PanoOptions`` is the public API.
"""

from vtour.pano.build import (
    DEFAULT_PANO_OPTIONS,
    PANO_FORMAT_VERSION,
    PanoOptions,
    PanoResult,
    build_pano,
    choose_face_size,
    peer_blocks,
)

__all__ = [
    "DEFAULT_PANO_OPTIONS",
    "PANO_FORMAT_VERSION",
    "PanoOptions",
    "PanoResult",
    "build_pano",
    "choose_face_size",
    "peer_blocks",
]
