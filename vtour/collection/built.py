"""``validate_built_collection``: the problems of a built collection folder (``vtour validate OUT``).

What is checked, against the layout of docs/collection.md "A built collection (OUT/)"::

    collection.json          parses, and lists (as ``.../objects/<id>/manifest.json``) every object folder
    catalogue/meta.json      exists (the catalogue's index starts there)
    objects/<id>/object.json parses, is ``object/1`` of the object ``<id>``, and every file it names
                             exists inside the object's folder: the six views, turntable, thumb,
                             the model's levels and report, each photo's info.json and thumb, manifest.json

Every problem is listed at once, each with its file and field, as the other validators do.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any

from vtour.collection.build import COLLECTION_JSON, MANIFEST_JSON, OBJECT_FORMAT, OBJECT_JSON, OBJECTS
from vtour.errors import Problem
from vtour.output import is_within

#: The catalogue's entry point (vtour.collection.catalogue writes it first).
CATALOGUE_META = "catalogue/meta.json"
REBUILD = "build the collection again (vtour build collection.yaml -o OUT)"


def _read(path: Path, rel: str) -> tuple[Any, list[Problem]]:
    """The JSON document at ``path`` (``rel``: its name in messages), or None and the problem."""
    try:
        return json.loads(path.read_text(encoding="utf-8")), []
    except FileNotFoundError:
        return None, [Problem(rel, "missing", REBUILD)]
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return None, [Problem(rel, f"not a readable JSON document ({exc})", REBUILD)]


def _get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, dict) else None


def _items(value: Any) -> list:
    """A dict's items or a list's (index, entry) pairs; [(None, None)] otherwise (one bad path)."""
    if isinstance(value, dict) and value:
        return list(value.items())
    return list(enumerate(value)) if isinstance(value, list) and value else [(None, None)]


def named_files(doc: dict) -> list[tuple[str, Any]]:
    """(field, path) for every file an object.json names, relative to the object's folder; a path
    that is absent or not a string is listed as None."""
    out: list[tuple[str, Any]] = [("manifest", doc.get("manifest"))]
    views = doc.get("views")
    if views is not None:
        out += [(f"views.files.{k}", v) for k, v in _items(_get(views, "files"))]
        out += [("views.turntable.path", _get(_get(views, "turntable"), "path")), ("views.thumb", _get(views, "thumb"))]
    model = doc.get("model")
    if model is not None:
        out += [(f"model.lods[{i}].path", _get(lod, "path")) for i, lod in _items(_get(model, "lods"))]
        out.append(("model.report", _get(model, "report")))
    images = doc.get("images")
    for i, image in enumerate(images if isinstance(images, list) else []):
        path = _get(image, "path")
        out.append((f"images[{i}].path", f"{path}/info.json" if isinstance(path, str) else None))
        out.append((f"images[{i}].thumb", _get(image, "thumb")))
    return out


def object_problems(folder: Path, oid: str) -> list[Problem]:
    """Problems of one object folder ``folder`` (``objects/<oid>``)."""
    rel = f"{OBJECTS}/{oid}/{OBJECT_JSON}"
    doc, problems = _read(folder / OBJECT_JSON, rel)
    if problems:
        return problems
    if not isinstance(doc, dict) or doc.get("vtour") != OBJECT_FORMAT:
        seen = doc.get("vtour") if isinstance(doc, dict) else type(doc).__name__
        return [Problem(f"{rel}: vtour", f"not an {OBJECT_FORMAT} document (vtour={seen!r})", REBUILD)]
    if doc.get("id") != oid:
        problems.append(Problem(f"{rel}: id", f"id {doc.get('id')!r} is not its folder's name {oid!r}", REBUILD))
    for where, name in named_files(doc):
        if not isinstance(name, str) or not name or PurePosixPath(name).is_absolute():
            problems.append(Problem(f"{rel}: {where}", f"{name!r} is not a relative file path", REBUILD))
            continue
        path = folder / name
        if not is_within(path.resolve(), folder.resolve()):
            problems.append(Problem(f"{rel}: {where}", f"{name} leaves the object's folder", REBUILD))
        elif not path.is_file():
            problems.append(Problem(f"{rel}: {where}", f"names {OBJECTS}/{oid}/{name}, which is missing", REBUILD))
    return problems


def listed_objects(collection: dict) -> list[str] | None:
    """The object ids collection.json lists (its items' ids end ``/objects/<id>/manifest.json``)."""
    items = collection.get("items")
    if not isinstance(items, list):
        return None
    ids = []
    for item in items:
        parts = str(item.get("id", "") if isinstance(item, dict) else "").rstrip("/").split("/")
        if len(parts) >= 3 and parts[-1] == MANIFEST_JSON and parts[-3] == OBJECTS:
            ids.append(parts[-2])
    return ids


def validate_built_collection(folder: str | Path) -> list[Problem]:
    """Every problem of the built collection in ``folder`` (module docstring); [] when it is whole."""
    folder = Path(folder)
    collection, problems = _read(folder / COLLECTION_JSON, COLLECTION_JSON)
    if not (folder / CATALOGUE_META).is_file():
        problems.append(Problem(CATALOGUE_META, "missing: the catalogue cannot load", REBUILD))
    objects = folder / OBJECTS
    ids = sorted(p.name for p in objects.iterdir() if p.is_dir()) if objects.is_dir() else []
    for oid in ids:
        problems += object_problems(objects / oid, oid)
    if isinstance(collection, dict):
        listed = listed_objects(collection)
        if listed is None:
            problems.append(Problem(f"{COLLECTION_JSON}: items", "no list of the objects' manifests", REBUILD))
        else:
            where = f"{COLLECTION_JSON}: items"
            problems += [
                Problem(where, f"does not list the object {oid} ({OBJECTS}/{oid}/)", REBUILD)
                for oid in ids
                if oid not in set(listed)
            ]
            problems += [
                Problem(where, f"lists the object {oid}, which has no folder {OBJECTS}/{oid}/", REBUILD)
                for oid in listed
                if oid not in set(ids)
            ]
    elif collection is not None:
        problems.append(Problem(COLLECTION_JSON, "not an IIIF Collection (a JSON object)", REBUILD))
    return problems


__all__ = ["CATALOGUE_META", "named_files", "validate_built_collection"]
