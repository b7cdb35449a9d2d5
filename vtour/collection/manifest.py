"""A built object's IIIF Presentation manifest, and the IIIF Collection of a built collection's objects.

:func:`object_manifest` makes ``OUT/objects/<id>/manifest.json`` from the object's object.json
document alone (it reads no file: a page is made without its media at hand), ``base`` the object
folder's absolute URL::

    <base>/manifest.json                          the Manifest; partOf <base>/../../collection.json
                                                  (or another Collection: ``part_of``)
    <base>/manifest.json/canvas/views/<name>      one Canvas per view (front, back, left, right, top,
                                                  bottom), size x size, painted with views/<name>.jpg
    <base>/manifest.json/canvas/images/<k>        one Canvas per photo, its full size, painted with the
                                                  image's whole-image file and its level-0
                                                  ImageService3 <base>/images/<k> (vtour.image.manifest)
    <base>/manifest.json/scene/1                  the scan's Scene after the IIIF 3D draft, painted with
                                                  the finest level (vtour.tour.iiif.model_scene)

The ``@context`` is Presentation 4's (the 3D draft's, as a tour's model manifests have it) when the
object has a Scene, else 3.0's. ``thumbnail`` is the views' thumb.jpg, else the first photo's.

Descriptive properties: ``label`` (title), ``summary`` (description), ``metadata`` (the object's
fields in object.json's order, each label in en and zh and every other language of the collection
in English: date, period, material, dimensions, museum, credit, then the free ``metadata`` fields
with their own labels, then the tags), ``requiredStatement`` ("Attribution": the credit, else the
museum), ``homepage`` (the object page) and ``rights``: only a Creative Commons licence or a
RightsStatements.org statement, the URLs IIIF accepts there; another rights URL becomes a "Rights"
metadata entry instead.

:func:`collection_manifest` makes ``OUT/collection.json``: a Presentation 3.0 Collection listing
every object's Manifest with its label (and thumbnail when given).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from typing import Any

from vtour.image.iiif import finish_info, scale_factors
from vtour.image.manifest import PRESENTATION_CONTEXT, descriptive, image_manifest
from vtour.tour.deepzoom import url_problem
from vtour.tour.iiif import ATTRIBUTION, METADATA_LABELS, PRESENTATION_4_CONTEXT, label_map, model_scene, text_map

STEP = "build"
MANIFEST = "manifest.json"
COLLECTION = "collection.json"
#: Labels of object.json's field keys (and of the tags, and of a rights URL IIIF's ``rights`` refuses).
FIELD_LABELS = {
    "date": METADATA_LABELS["date"],
    "period": {"en": "Period", "zh": "时期"},
    "material": {"en": "Material", "zh": "材质"},
    "dimensions": METADATA_LABELS["dimensions"],
    "museum": {"en": "Museum", "zh": "博物馆"},
    "credit": METADATA_LABELS["credit"],
    "tags": {"en": "Tags", "zh": "标签"},
    "rights": {"en": "Rights", "zh": "权利"},
}
VIEW_LABELS = {
    "front": {"en": "Front", "zh": "正面"},
    "back": {"en": "Back", "zh": "背面"},
    "left": {"en": "Left", "zh": "左侧"},
    "right": {"en": "Right", "zh": "右侧"},
    "top": {"en": "Top", "zh": "顶面"},
    "bottom": {"en": "Bottom", "zh": "底面"},
}
PHOTO_LABEL = {"en": "Photo", "zh": "照片"}
#: Hosts whose URLs IIIF's ``rights`` accepts (Presentation 3.0, section 3.3.1.8).
RIGHTS_HOSTS = ("creativecommons.org", "rightsstatements.org")


def iiif_rights(url: str | None) -> str | None:
    """``url`` when IIIF's ``rights`` may hold it (an http(s) Creative Commons or RightsStatements.org URL)."""
    if not url or url_problem(url):
        return None
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    return url if host in RIGHTS_HOSTS or host.endswith(tuple(f".{h}" for h in RIGHTS_HOSTS)) else None


def _metadata(doc: dict, languages: Sequence[str]) -> list[tuple]:
    out = []
    for i, f in enumerate(doc.get("fields") or []):
        if not f.get("value"):
            continue
        key = f.get("key")
        label = f.get("label") if key == "metadata" else FIELD_LABELS.get(key, {"en": str(key).capitalize()})
        label = label_map(label, languages) if key != "metadata" else text_map(label, languages, f"fields[{i}].label")
        out.append((label, text_map(f["value"], languages, f"fields[{i}].value")))
    tags: dict[str, list[str]] = {}
    for tag in doc.get("tags") or []:
        for lang, values in text_map(tag, languages, "tags").items():
            tags.setdefault(lang, []).extend(values)
    if tags:
        out.append((label_map(FIELD_LABELS["tags"], languages), tags))
    if doc.get("rights") and not iiif_rights(doc["rights"]):
        out.append((label_map(FIELD_LABELS["rights"], languages), {"none": [doc["rights"]]}))
    return out


def _canvas(canvas: str, label: dict, width: int, height: int, body: dict) -> dict:
    """A Canvas painted whole with ``body``, its page and annotation named under it."""
    annotation = {
        "id": f"{canvas}/page/1/annotation/1",
        "type": "Annotation",
        "motivation": "painting",
        "body": body,
        "target": canvas,
    }
    page = {"id": f"{canvas}/page/1", "type": "AnnotationPage", "items": [annotation]}
    return {"id": canvas, "type": "Canvas", "label": label, "width": width, "height": height, "items": [page]}


def _jpeg(url: str, width: int, height: int) -> dict:
    return {"id": url, "type": "Image", "format": "image/jpeg", "width": width, "height": height}


def _photo(entry: dict, base: str, canvas: str, label: dict) -> tuple[dict, list[dict]]:
    """A photo's Canvas and thumbnail from its object.json entry (path, width, height, tileSize):
    its info.json as vtour writes it (:func:`vtour.image.iiif.finish_info`), through
    :func:`vtour.image.manifest.image_manifest`."""
    width, height, tile = entry["width"], entry["height"], entry["tileSize"]
    factors = scale_factors(width, height, tile)
    info = finish_info(
        {"width": width, "height": height, "tiles": [{"width": tile, "height": tile, "scaleFactors": factors}]},
        f"{base}/{entry['path']}",
    )
    single = image_manifest(info, label=label)
    body = single["items"][0]["items"][0]["items"][0]["body"]
    return _canvas(canvas, label, width, height, body), single["thumbnail"]


def object_manifest(doc: dict, base: str, *, part_of: str | None = f"../../{COLLECTION}") -> dict:
    """The IIIF Manifest (a JSON-ready dict) of the object whose object.json is ``doc``; every id
    under ``base``, the object folder's absolute URL (module docstring). ``part_of``: the URL of
    the IIIF Collection it belongs to, relative to the object's folder or absolute (default: the
    built collection's collection.json); None: no ``partOf``.

    Raises VtourError for an empty title or text, naming the field (object.json is built from a
    validated collection, so this is a bug upstream, not a user's mistake).
    """
    base = base.rstrip("/")
    languages = list(doc.get("languages") or [])
    manifest_id = f"{base}/{MANIFEST}"
    summary = text_map(doc["description"], languages, "description") if doc.get("description") else None
    credit = doc.get("credit") or doc.get("museum")
    required = (label_map(ATTRIBUTION, languages), text_map(credit, languages, "credit")) if credit else None
    label = text_map(doc["title"], languages, "title")
    manifest: dict = {"@context": PRESENTATION_CONTEXT, "id": manifest_id, "type": "Manifest"}
    manifest.update(
        descriptive(label, summary, _metadata(doc, languages), iiif_rights(doc.get("rights")), required, step=STEP)
    )
    items: list[dict] = []
    thumbnail: list[dict] = []
    views = doc.get("views")
    if views:
        from vtour.collection.views import THUMB_SIZE, VIEW_NAMES

        size = views["size"]
        for name in VIEW_NAMES:
            body = _jpeg(f"{base}/{views['files'][name]}", size, size)
            canvas = f"{manifest_id}/canvas/views/{name}"
            view = text_map(label_map(VIEW_LABELS[name], languages), languages, "views")
            items.append(_canvas(canvas, view, size, size, body))
        if views.get("thumb"):
            thumbnail = [_jpeg(f"{base}/{views['thumb']}", THUMB_SIZE, THUMB_SIZE)]
    for k, entry in enumerate(doc.get("images") or [], 1):
        photo = {lang: f"{text} {k}" for lang, text in label_map(PHOTO_LABEL, languages).items()}
        photo_canvas, thumb = _photo(
            entry, base, f"{manifest_id}/canvas/images/{k}", text_map(photo, languages, "images")
        )
        items.append(photo_canvas)
        thumbnail = thumbnail or thumb
    model = doc.get("model")
    if model and model.get("lods"):
        manifest["@context"] = PRESENTATION_4_CONTEXT
        items.append(model_scene(f"{manifest_id}/scene/1", label, f"{base}/{model['lods'][-1]['path']}"))
    if thumbnail:
        manifest["thumbnail"] = thumbnail
    manifest["homepage"] = [
        {"id": f"{base}/", "type": "Text", "label": label, "format": "text/html", "language": languages or ["none"]}
    ]
    if part_of is not None:
        manifest["partOf"] = [{"id": urllib.parse.urljoin(f"{base}/", part_of), "type": "Collection"}]
    manifest["items"] = items
    return manifest


def collection_manifest(collection_meta: dict, objects: Sequence[tuple], base: str) -> dict:
    """``OUT/collection.json``: the IIIF Collection of the objects' Manifests.

    ``collection_meta``: ``{"id", "title", "languages", "description"}``; ``objects``: ``(id, title)``
    or ``(id, title, thumb)`` pairs in catalogue order, ``thumb`` a JPEG's path under the object's
    folder (``"thumb.jpg"``) or None; ``base`` the built collection's absolute URL.
    """
    base = base.rstrip("/")
    languages = list(collection_meta.get("languages") or [])
    description = collection_meta.get("description")
    summary = text_map(description, languages, "description") if description else None
    collection: dict = {"@context": PRESENTATION_CONTEXT, "id": f"{base}/{COLLECTION}", "type": "Collection"}
    collection.update(descriptive(text_map(collection_meta["title"], languages, "title"), summary, step=STEP))
    items = []
    for oid, title, *rest in objects:
        item: dict[str, Any] = {
            "id": f"{base}/objects/{oid}/{MANIFEST}",
            "type": "Manifest",
            "label": text_map(title, languages, f"objects.{oid}.title"),
        }
        if rest and rest[0]:
            item["thumbnail"] = [{"id": f"{base}/objects/{oid}/{rest[0]}", "type": "Image", "format": "image/jpeg"}]
        items.append(item)
    collection["items"] = items
    return collection
