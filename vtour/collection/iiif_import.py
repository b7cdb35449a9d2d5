"""IIIF Presentation 3.0 manifests and collections imported as a collection.yaml (``vtour import --collection``).

The tour import's reader (:mod:`vtour.tour.iiif_import`, :mod:`vtour.tour.iiif_read`) does the reading:
the same inputs (a Manifest, a Collection of them, a FOLDER), the same rules (local files only, every
problem named with its file and field), the same media (an Image's full resolution, joined from its
local service's tiles when its file is smaller; a Scene's .glb) and the same staged,
complete-or-nothing output. What differs is the document: each Manifest becomes one object::

    id           the Manifest's id (its last meaningful part: .../objects/ding-01/manifest.json -> ding-01)
    title        label                                  description   summary
    date, period, material, dimensions, museum, credit  metadata entries so labelled, in English or
                                                        Chinese (FIELD_LABELS, vtour.collection.manifest)
    credit       else requiredStatement                 rights        rights (else a "Rights" entry)
    tags         a "Tags" entry, one tag per line of each language
    metadata     every other entry, by its English label
    images       its image Canvases' files: images/<id>[-k].<ext> (a joined pyramid: .tif)
    model        its Scene's model: models/<id>[-k].glb (metres, as glTF is)

A vtour collection's own manifests (:mod:`vtour.collection.manifest`) paint six view Canvases (ids
ending ``/views/front`` ...): renders of the scan, not photos, so they are skipped and a round trip
gives the photos back as ``images`` (field names in errors count the Canvases left).
"""

from __future__ import annotations

import re
from pathlib import Path

from vtour.collection.manifest import FIELD_LABELS
from vtour.tour.document import ID_PATTERN
from vtour.tour.iiif_import import _Reader, read_iiif
from vtour.tour.iiif_read import at, id_stem, safe_id

#: object fields read from metadata entries of these labels (lower case; English and Chinese)
FIELD_KEYS = {label.lower(): key for key, labels in FIELD_LABELS.items() for label in labels.values()}
TEXT_FIELDS = ("date", "period", "material", "dimensions", "museum", "credit")
VIEW_CANVAS = re.compile(r"/views/(front|back|left|right|top|bottom)$")


def is_view_canvas(canvas: dict) -> bool:
    """A built vtour collection's rendered view (its id ends ``/views/<name>``), not a photo."""
    return isinstance(canvas.get("id"), str) and bool(VIEW_CANVAS.search(canvas["id"]))


class _CollectionReader(_Reader):
    """The tour import's reader, gathering each Manifest's images and model into one object."""

    def __init__(self, root: Path, stage: Path, language: str):
        super().__init__(root, stage, language)
        self.objects: list[dict] = []
        self.object_ids: set[str] = set()

    def manifest(self, data: dict, where: str) -> None:
        canvases = self.objs(data.get("items"), at(where, "items"))
        first_image, first_model = len(self.images), len(self.models)
        super().manifest({**data, "items": [c for c in canvases if not is_view_canvas(c)]}, where)
        images, models = self.images[first_image:], self.models[first_model:]
        title = self.text(data.get("label"), at(where, "label"), required=True)
        raw = id_stem(data["id"]) if isinstance(data.get("id"), str) else ""
        # required: a plain string or a {lang: str} that is not empty (None only to the type checker)
        first = title if isinstance(title, str) else next(iter((title or {}).values()), "")
        oid = base = safe_id(raw or first, "object")
        n = 2
        while oid in self.object_ids:
            oid, n = f"{base[:60]}-{n}", n + 1
        self.object_ids.add(oid)
        obj: dict = {"id": oid, "title": title}
        if models:
            obj["model"] = models[0]["source"]
            obj["units"] = "m"  # glTF's
        obj["images"] = [entry["source"] for entry in images]
        meta = dict((images or models)[0].get("metadata") or {})  # what the tour reader read (self.metadata)
        rights = data.get("rights") or meta.pop("rights", None)
        meta.pop("licence", None)
        for key in TEXT_FIELDS:
            if meta.get(key):
                obj[key] = meta.pop(key)
        if rights:
            obj["rights"] = rights
        description = self.text(data.get("summary"), at(where, "summary"))
        if description:
            obj["description"] = description
        tags = meta.pop("tags", None)
        if tags:
            obj["tags"] = _tags(tags, self.language)
        if meta:
            obj["metadata"] = {key.replace("_", " ").capitalize(): value for key, value in meta.items()}
        self.objects.append(obj)

    def metadata(self, data: dict, where: str) -> dict:
        """The tour reader's metadata, an entry with no English label named by FIELD_KEYS when its
        label is one of them in another language (时期 -> period)."""
        entries = data.get("metadata")
        if isinstance(entries, list):
            data = {**data, "metadata": [_english_label(e) for e in entries]}
        return super().metadata(data, where)

    def document(self, data: dict, root: Path) -> dict:
        """collection.yaml: id and title from the Collection (or the one Manifest), then the objects."""
        title = self.text(data.get("label"), "label", required=True)
        doc: dict = {"id": _collection_id(data, title, root), "title": title, "languages": []}
        description = self.text(data.get("summary"), "summary") if data.get("type") == "Collection" else None
        if description:
            doc["description"] = description
        doc["objects"] = self.objects
        doc["languages"] = _languages(self.language, doc)
        return doc


def _collection_id(data: dict, title: dict | str | None, root: Path) -> str:
    """The imported collection's id: a Collection's own id's last meaningful part
    (``https://host/bronzes/collection.json`` -> bronzes, as a built collection's collection.json
    says it when published under its id), else its label (in the first language given), else the
    folder read; always a valid id (vtour.tour.document.ID_PATTERN)."""
    candidates = [root.name]
    if data.get("type") == "Collection":
        label = title if isinstance(title, str) else next(iter((title or {}).values()), "")
        stem = id_stem(data["id"]) if isinstance(data.get("id"), str) else ""
        candidates = [stem, label, *candidates]
    for value in candidates:
        oid = safe_id(value or "", "")
        if ID_PATTERN.match(oid):
            return oid
    return "collection"


def _tags(value: dict | str, language: str) -> list:
    """The tags of a "Tags" entry, one per line: ``{"en": "ritual\\nvessel", "zh": "礼器"}`` ->
    ``[{en: ritual, zh: 礼器}, {en: vessel}]``; a plain string gives plain tags. A language map keeps
    no pairing, so a tag missing a translation shifts the later ones of that language."""
    lines = {language: value.split("\n")} if isinstance(value, str) else {k: v.split("\n") for k, v in value.items()}
    tags = []
    for i in range(max(len(v) for v in lines.values())):
        tag = {lang: v[i] for lang, v in lines.items() if i < len(v) and v[i]}
        tags.append(tag[language] if isinstance(value, str) else tag)
    return tags


def _english_label(entry):
    """A metadata entry whose label has no English but names a field in another language, with the
    field's English label added; any other entry as it is (the reader reports bad shapes)."""
    label = entry.get("label") if isinstance(entry, dict) else None
    if not isinstance(label, dict) or "en" in label:
        return entry
    for values in label.values():
        for value in [values] if isinstance(values, str) else values if isinstance(values, list) else []:
            key = FIELD_KEYS.get(value.strip().lower()) if isinstance(value, str) else None
            if key:
                return {**entry, "label": {"en": [FIELD_LABELS[key]["en"]], **label}}
    return entry


def _languages(first: str, doc: dict) -> list[str]:
    """``first``, then every language of a text in ``doc``, in order of appearance."""
    found = [first]
    texts = [doc["title"], doc.get("description")]
    for obj in doc["objects"]:
        texts += [obj[key] for key in ("title", *TEXT_FIELDS, "description") if key in obj]
        texts += [*obj.get("tags", ()), *obj.get("metadata", {}).values()]
    for text in texts:
        found += [lang for lang in text if lang not in found] if isinstance(text, dict) else []
    return found


def import_collection(source: str | Path, out_yaml: str | Path, language: str = "en", *, force: bool = False) -> dict:
    """Write ``out_yaml`` (a collection.yaml) with its images/ and models/ from IIIF Presentation 3.0
    manifests, a collection or a FOLDER (module docstring); returns the document written. All of it
    or, on a VtourError, nothing; an existing different file is replaced only with ``force``."""
    header = f"# imported by vtour from IIIF {Path(source).name}; fields: docs/collection.md\n"
    return read_iiif(source, out_yaml, language, force=force, header=header, reader_class=_CollectionReader)
