"""One object: its stages' outputs read into object.json, its page files, its published folder.

An object's stages are the tour's (:func:`stage_tour`: its scan a model, each photo a deep-zoom
image named :func:`image_name`) plus its views; :func:`built_object` reads what they wrote into the
object's page document (:func:`object_document`, docs/collection.md), and a :class:`BuiltObject`
writes the object folder: ``object.json``, ``index.html``, ``manifest.json``, ``model/``,
``views/`` and ``images/<k>/``. The collection's build (vtour.collection.build) and an
exhibition's (vtour.collection.exhibit) both publish objects through it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vtour.collection.document import Collection, CollectionObject, Texts
from vtour.collection.manifest import object_manifest
from vtour.collection.page import object_html
from vtour.model.report import publish_report
from vtour.output import link_tree, write_bytes_atomic
from vtour.tour.assemble import image_block, model_block, write_info
from vtour.tour.deepzoom import DeepZoomImage
from vtour.tour.document import Model, Tour
from vtour.tour.iiif import dump_json
from vtour.tour.layout import CACHE_ONLY

#: The IIIF Collection of the objects' manifests: every built collection has it (atomic_dir's marker).
COLLECTION_JSON = "collection.json"
INDEX_HTML = "index.html"
#: The object folder's parts (docs/collection.md).
OBJECT_JSON, MANIFEST_JSON, MODEL_DIR, IMAGES_DIR = "object.json", "manifest.json", "model", "images"
OBJECT_FORMAT = "object/1"
#: Documentation fields of an object, in the order the page lists them.
FIELDS = ("date", "period", "material", "dimensions", "museum", "credit")


def image_name(object_id: str, k: int) -> str:
    """The deep-zoom stage id of an object's ``k``-th photo (1-based): ``<object>/images/<k>``."""
    return f"{object_id}/{IMAGES_DIR}/{k}"


def stage_tour(c: Collection, objects: Iterable[CollectionObject]) -> Tour:
    """The collection's objects as the tour the stage planner takes: one model per scan, one image
    per photo. No texts: a title is not an input of any stage (a model stage would otherwise
    rebuild for an edited title)."""
    objects = list(objects)
    models = tuple(Model(id=o.id, source=o.model, units=o.units) for o in objects if o.model)
    images = tuple(
        DeepZoomImage(id=image_name(o.id, k), source=(p,)) for o in objects for k, p in enumerate(o.images, 1)
    )
    return Tour(
        id=c.id,
        title=c.title,
        languages=c.languages,
        models=models,
        images=images,
        lod=c.lod,
        zoom=c.zoom,
        base_url=c.base_url,
        root=c.root,
        file=c.file,
        lines=c.lines,
    )


def _rebase(value: Any, old: str, new: str) -> Any:
    """``value`` with every string that starts with ``old`` starting with ``new`` instead."""
    if isinstance(value, str):
        return new + value[len(old) :] if value.startswith(old) else value
    if isinstance(value, dict):
        return {k: _rebase(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_rebase(v, old, new) for v in value]
    return value


@dataclass(frozen=True)
class ShownIn:
    """An exhibition that publishes an object's page: the page's way back (``url``, relative to the
    page, and ``title``) and the IIIF Collection its manifest is part of (``part_of``, absolute)."""

    url: str
    title: Texts
    part_of: str


@dataclass(frozen=True)
class BuiltObject:
    """One object with its stages built: the folders they wrote (in the cache) and its page document.

    ``views_dir`` holds ``views/front.jpg`` ... (None without a scan); ``document`` is object.json."""

    collection: Collection
    obj: CollectionObject
    model_dir: Path | None
    views_dir: Path | None
    image_dirs: tuple[Path, ...]
    document: dict = field(repr=False)

    @property
    def views(self) -> dict | None:
        return self.document.get("views")

    @property
    def model_source(self) -> Path | None:
        return self.collection.root / self.obj.model if self.obj.model else None

    @property
    def units(self) -> str | None:
        return self.obj.units

    def page_files(self, base: str, shown_in: ShownIn | None = None) -> dict[str, bytes]:
        """object.json, index.html and manifest.json (whose ids start with ``base``, the object
        folder's absolute URL); ``shown_in``: an exhibition publishing the page (its way back and
        its IIIF Collection instead of the collection's)."""
        doc, part_of = self.document, f"../../{COLLECTION_JSON}"
        if shown_in is not None:
            back = {"catalogue": shown_in.url, "title": dict(shown_in.title), "kind": "exhibition"}
            doc, part_of = {**doc, "collection": {**doc["collection"], **back}}, shown_in.part_of
        return {
            OBJECT_JSON: dump_json(doc),
            INDEX_HTML: object_html(doc).encode("utf-8"),
            MANIFEST_JSON: dump_json(object_manifest(doc, base, part_of=part_of)),
        }

    def link_media(self, folder: Path, base: str) -> None:
        """Hard-link the object's built media into ``folder`` (its info.json files rewritten with
        ids under ``base``, never written through the cache's)."""
        if self.model_dir is not None:
            link_tree(self.model_dir, folder / MODEL_DIR, skip=CACHE_ONLY)
            publish_report(folder / MODEL_DIR / "report.json", self.obj.model or "")
        if self.views_dir is not None:
            link_tree(self.views_dir, folder, skip=CACHE_ONLY)
        for k, src in enumerate(self.image_dirs, 1):
            link_tree(src, folder / IMAGES_DIR / str(k), skip=CACHE_ONLY)
            write_info(folder / IMAGES_DIR / str(k), f"{base}/{IMAGES_DIR}/{k}")

    def write(self, folder: Path, base: str, shown_in: ShownIn | None = None) -> None:
        """The whole object folder (media and page, :meth:`page_files`) into ``folder``."""
        self.link_media(folder, base)
        for name, data in self.page_files(base, shown_in).items():
            write_bytes_atomic(folder / name, data)


def _texts_or_none(t):
    return dict(t) if t else None


def object_document(
    c: Collection, o: CollectionObject, report: dict | None, views: dict | None, infos: list[tuple[dict, dict]]
) -> dict:
    """object.json (docs/collection.md) of ``o`` from its stages' summaries: the model's report.json,
    views.json, and each photo's (info.json, image.json)."""
    tour = stage_tour(c, [])
    fields: list[dict] = [{"key": k, "value": dict(getattr(o, k))} for k in FIELDS if getattr(o, k)]
    fields += [{"key": "metadata", "label": {c.language: label}, "value": dict(v)} for label, v in o.metadata.items()]
    model = None
    if report is not None:
        m = Model(id=o.id, source=o.model or "", title=o.title, description=o.description, units=o.units)
        model = _rebase(model_block(tour, m, report), f"models/{o.id}/", f"{MODEL_DIR}/")
        model["manifest"] = MANIFEST_JSON
    images = []
    for k, (info, record) in enumerate(infos, 1):
        name = image_name(o.id, k)
        image = DeepZoomImage(id=name, title=o.title, rights=o.rights)
        entry = _rebase(image_block(tour, image, info, record["max_zoom"]), f"images/{name}", f"{IMAGES_DIR}/{k}")
        entry["id"] = str(k)
        entry["manifest"] = MANIFEST_JSON
        images.append(entry)
    return {
        "vtour": OBJECT_FORMAT,
        "id": o.id,
        "collection": {"id": c.id, "title": dict(c.title), "catalogue": "../../index.html"},
        "languages": list(c.languages),
        "title": dict(o.title),
        "fields": fields,
        "description": _texts_or_none(o.description),
        "tags": [dict(t) for t in o.tags],
        "museum": _texts_or_none(o.museum),
        "credit": _texts_or_none(o.credit),
        "rights": o.rights,
        "views": views,
        "model": model,
        "images": images,
        "manifest": MANIFEST_JSON,
    }


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def built_object(c: Collection, o: CollectionObject, dests: dict[tuple[str, str], Path]) -> BuiltObject:
    """``o`` with its stages' folders (``dests``: (kind, stage id) -> folder) read into its page."""
    model_dir = dests.get(("model", o.id))
    views_dir = dests.get(("views", o.id))
    image_dirs = tuple(dests[("image", image_name(o.id, k))] for k in range(1, len(o.images) + 1))
    doc = object_document(
        c,
        o,
        _read_json(model_dir / "report.json") if model_dir else None,
        _read_json(views_dir / "views.json") if views_dir else None,
        [(_read_json(d / "info.json"), _read_json(d / "image.json")) for d in image_dirs],
    )
    return BuiltObject(c, o, model_dir, views_dir, image_dirs, doc)


__all__ = [
    "COLLECTION_JSON",
    "FIELDS",
    "IMAGES_DIR",
    "INDEX_HTML",
    "MANIFEST_JSON",
    "MODEL_DIR",
    "OBJECT_FORMAT",
    "OBJECT_JSON",
    "BuiltObject",
    "ShownIn",
    "built_object",
    "image_name",
    "object_document",
    "stage_tour",
]
