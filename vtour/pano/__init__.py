"""Panoramas: one capture (an equirect, six cube faces, or overlapping photos) to a tile pyramid.

``build.py`` is the entry point; the other modules are its parts, in the order a build runs::

    options.py              PanoOptions, the one declaration of a build's settings
    gpano.py, coverage.py   what part of the sphere an equirect covers (XMP metadata, flags)
    equirect.py             equirect -> cube faces (remap), one face at a time
    cube_input.py           reads cube-face input (six files, a strip, a cross)
    stitch.py               overlapping photos -> one equirect (OpenCV's detailed pipeline)
    build.py                the readers, each returning a FaceSource; build_pano writes what they read
    tiles.py                one face -> filtered levels -> tiles, preview strip, thumbnail
    manifest.py             pano.json and the scene blocks Marzipano and Pannellum read (from JSON levels)

``from vtour.pano import build_pano, PanoOptions`` is the public API.
"""

from vtour.pano.build import (
    DEFAULT_PANO_OPTIONS,
    FaceSource,
    PanoOptions,
    PanoResult,
    build_pano,
    choose_face_size,
    read_faces,
)
from vtour.pano.manifest import PANO_FORMAT_VERSION, pano_manifest, peer_blocks

__all__ = [
    "DEFAULT_PANO_OPTIONS",
    "PANO_FORMAT_VERSION",
    "FaceSource",
    "PanoOptions",
    "PanoResult",
    "build_pano",
    "choose_face_size",
    "pano_manifest",
    "peer_blocks",
    "read_faces",
]
