"""Where each file of a built tour lies: the one home of the layout (DESIGN.md "Built tour")::

    tour.json                      TOUR_JSON: the tour document; its presence makes a folder a built tour
    index.html, viewer/            INDEX_HTML, VIEWER: the static site (vtour.site)
    scenes/<id>/                   scene_dir: a scene stage's files (tiles, preview, thumb.jpg, pano.json), and
                                   the peers' JPEG tiles and preview.jpg beside WebP/AVIF ones (vtour.tour.peers)
    models/<id>/                   model_dir: a model stage's files (lod<k>.glb, report.json)
    images/<id>/                   image_dir: a deep-zoom image stage's files (info.json, IIIF Image API 3 tiles)
    images/<path>                  image_destination: the authored images hotspots and the floor plan name
    iiif/collection.json           IIIF_COLLECTION: IIIF Presentation 3 Collection of the tour's objects
    iiif/images/<id>.json          image_manifest: a deep-zoom image's Manifest
    iiif/images/<id>-annotations.json   image_annotations: its W3C AnnotationPage, when it has regions
    iiif/models/<id>.json, .jpg    model_manifest, model_thumb: a model's Manifest and thumbnail
    marzipano/data.js              MARZIPANO_DATA: the same tour for Marzipano (vtour.tour.peers)
    pannellum.json                 PANNELLUM_CONFIG: the same tour for Pannellum (vtour.tour.peers)

Paths are POSIX strings relative to the tour folder, as tour.json carries them. This module imports
only :mod:`vtour.errors`, so that every part of the build and every command that reads a built tour
(site, package, serve, schema, validate) can use it without importing the build.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from vtour.errors import VtourError

TOUR_JSON = "tour.json"
INDEX_HTML = "index.html"
VIEWER = "viewer"
SCENES = "scenes"
MODELS = "models"
IMAGES = "images"
IIIF = "iiif"
IIIF_COLLECTION = f"{IIIF}/collection.json"
MARZIPANO_DATA = "marzipano/data.js"
PANNELLUM_CONFIG = "pannellum.json"
#: The top-level entries a build writes (what counts as vtour's in an output written before manifests).
TOP_LEVEL = (
    TOUR_JSON,
    INDEX_HTML,
    VIEWER,
    SCENES,
    MODELS,
    IMAGES,
    IIIF,
    MARZIPANO_DATA.split("/")[0],
    PANNELLUM_CONFIG,
)
#: The folder of each stage kind, in the tour and in the stage cache (a collection object's "views": in
#: the cache only; the collection build publishes them in the object's folder).
STAGE_FOLDERS = {"scene": SCENES, "model": MODELS, "image": IMAGES, "views": "views"}
#: A cache entry's record of its files (size, mtime, sha256), checked before the entry is reused.
STAGE_RECORD = ".vtour-stage.json"
#: Files of a stage's folder that stay in the cache: the stitched equirect (an intermediate, often
#: larger than all the tiles) and the entry's record.
CACHE_ONLY = frozenset({"stitched.jpg", "image.json", STAGE_RECORD})

#: What a command given a folder without tour.json says (step, path and this message).
NOT_BUILT = "no tour.json in the folder: not a built tour"
NOT_BUILT_FIX = "pass a built tour's folder (vtour build TOUR.yaml writes one)"


def scene_dir(scene_id: str) -> str:
    """A scene's folder in the tour: ``scenes/<id>``."""
    return f"{SCENES}/{scene_id}"


def model_dir(model_id: str) -> str:
    """A model's folder in the tour: ``models/<id>``."""
    return f"{MODELS}/{model_id}"


def image_dir(image_id: str) -> str:
    """A deep-zoom image's folder in the tour, holding info.json: ``images/<id>``."""
    return f"{IMAGES}/{image_id}"


def image_manifest(image_id: str) -> str:
    """A deep-zoom image's IIIF Manifest: ``iiif/images/<id>.json``."""
    return f"{IIIF}/{IMAGES}/{image_id}.json"


def image_annotations(image_id: str) -> str:
    """A deep-zoom image's W3C AnnotationPage (its regions): ``iiif/images/<id>-annotations.json``."""
    return f"{IIIF}/{IMAGES}/{image_id}-annotations.json"


def model_manifest(model_id: str) -> str:
    """A model's IIIF Manifest: ``iiif/models/<id>.json``."""
    return f"{IIIF}/{MODELS}/{model_id}.json"


def model_thumb(model_id: str) -> str:
    """A model's thumbnail for its Manifest: ``iiif/models/<id>.jpg``."""
    return f"{IIIF}/{MODELS}/{model_id}.jpg"


def image_destination(rel: str) -> str:
    """Where an authored image goes in the tour: under images/, keeping its sub-folders
    (``panoramas/note.jpg`` -> ``images/panoramas/note.jpg``, ``images/a.png`` -> ``images/a.png``)."""
    parts = PurePosixPath(os.path.normpath(rel).replace("\\", "/")).parts
    if parts and parts[0] == IMAGES:
        parts = parts[1:]
    return str(PurePosixPath(IMAGES, *parts))


def built_tour_folder(path: str | os.PathLike[str]) -> Path:
    """The folder of a built tour named by itself or by its tour.json."""
    path = Path(path)
    return path.parent if path.name == TOUR_JSON and not path.is_dir() else path


def is_built_tour(folder: str | os.PathLike[str]) -> bool:
    """True when ``folder`` holds a tour.json (its content is the schema's business)."""
    return (Path(folder) / TOUR_JSON).is_file()


def require_built_tour(folder: str | os.PathLike[str], step: str) -> Path:
    """``folder`` when it is a built tour, else a VtourError naming ``step`` and the folder."""
    folder = Path(folder)
    if not is_built_tour(folder):
        raise VtourError(step, NOT_BUILT, path=folder, fix=NOT_BUILT_FIX)
    return folder
