"""A BUILT collection as plain data (the folder ``vtour build collection.yaml -o OUT`` writes): its object.json
documents read once (:func:`read_built_collection`), a table of them with their facet keys and folded texts
(:func:`object_frame`), the search (:func:`filter_objects`) and the facets' counts (:func:`facet_counts`). The Panel
app over it is :mod:`vtour.panel_collection`.

Search: every word of the query (NFKC, case-folded, as the catalogue folds) must occur in the object's texts in some
language: id, title, date, period, material, museum, description and tags. It is a substring test, so Chinese is
found by a word or by a single character without word breaks (青铜 finds 青铜器).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from vtour.collection.catalogue import facet_key
from vtour.collection.search_text import normalize
from vtour.errors import VtourError

#: The facets (parameters of :class:`vtour.panel_collection.CollectionBrowser`, columns of :func:`object_frame`),
#: in the page's order.
FACETS = ("period", "material", "museum", "tag")
#: object.json text fields searched (every language), besides the id and the tags.
SEARCHED = ("title", "date", "period", "material", "museum", "description")
STEP = "serve"


@dataclass(frozen=True)
class BuiltCollection:
    """A built collection as the app reads it once (shared by every session): ``folder``; the collection's
    ``id``, ``title`` and ``languages`` (first: the default); ``objects`` (each object.json, in the collection's
    order); ``frame`` (:func:`object_frame`) and ``labels`` (facet -> key -> its text ``{lang: str}``)."""

    folder: Path
    id: str
    title: dict
    languages: tuple[str, ...]
    objects: dict[str, dict]
    frame: pd.DataFrame
    labels: dict[str, dict[str, dict]]


def _not_built(folder: Path, why: str) -> VtourError:
    return VtourError(
        STEP, f"{folder} is not a built collection ({why})", path=folder,
        fix="pass the folder that `vtour build collection.yaml -o DIR` wrote (DIR), or build it first",
    )  # fmt: skip


def _order(folder: Path, ids: list[str]) -> list[str]:
    """``ids`` in the collection's order: the catalogue's record shards' (records/<k>.json), else by id."""
    shards = sorted((folder / "catalogue" / "records").glob("*.json"), key=lambda p: (len(p.stem), p.stem))
    try:
        listed = [r["id"] for p in shards for r in json.loads(p.read_text("utf-8"))]
    except (OSError, ValueError, KeyError, TypeError):
        listed = []
    known = set(ids)
    first = [i for i in dict.fromkeys(listed) if i in known]
    return first + sorted(known - set(first))


def read_built_collection(folder: str | Path) -> BuiltCollection:
    """Every ``objects/<id>/object.json`` of the built collection in ``folder``; a VtourError naming the folder
    (or the file) and the fix when it is not one."""
    folder = Path(folder)
    if not folder.is_dir():
        raise _not_built(folder, "no such folder")
    paths = sorted(folder.glob("objects/*/object.json"))
    if not paths:
        raise _not_built(folder, "it has no objects/<id>/object.json")
    docs = {}
    for path in paths:
        try:
            doc = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise VtourError(
                STEP, f"cannot read an object document ({exc})", path=path, fix="rebuild the collection"
            ) from None
        if not isinstance(doc, dict) or not str(doc.get("vtour", "")).startswith("object/") or "id" not in doc:
            raise VtourError(
                STEP, "not an object document (vtour: object/1)", path=path, field="vtour",
                value=doc.get("vtour") if isinstance(doc, dict) else None, fix="rebuild the collection",
            )  # fmt: skip
        docs[str(doc["id"])] = doc
    first = docs[min(docs)]
    languages = tuple(str(x) for x in first.get("languages") or []) or ("en",)
    collection = first.get("collection") or {}
    objects = {oid: docs[oid] for oid in _order(folder, list(docs))}
    frame, labels = object_frame(list(objects.values()), languages)
    return BuiltCollection(
        folder=folder, id=str(collection.get("id") or folder.name), title=dict(collection.get("title") or {}),
        languages=languages, objects=objects, frame=frame, labels=labels,
    )  # fmt: skip


def _field(doc: dict, key: str) -> Any:
    """An object.json text: top-level (title, description, museum, credit), else its ``fields`` entry's value."""
    if doc.get(key):
        return doc[key]
    return next((f.get("value") for f in doc.get("fields") or [] if f.get("key") == key), None)


def _texts(value: Any, languages) -> dict:
    """A text as ``{lang: str}`` (a plain string is the default language's)."""
    if isinstance(value, str):
        return {languages[0]: value} if value else {}
    return {k: v for k, v in value.items() if isinstance(v, str) and v} if isinstance(value, dict) else {}


def object_frame(docs: list[dict], languages) -> tuple[pd.DataFrame, dict[str, dict[str, dict]]]:
    """One row per object.json, in order: ``id``; ``period``, ``material``, ``museum`` (facet keys, "" when none);
    ``tag`` (a tuple of keys); ``text`` (everything searched, folded). And the facets' labels: facet -> key ->
    ``{lang: text}`` (the first object's wording of that value)."""
    labels: dict[str, dict[str, dict]] = {f: {} for f in FACETS}
    rows = []
    for doc in docs:
        row: dict[str, Any] = {"id": str(doc["id"])}
        parts = [row["id"]]
        for key in SEARCHED:
            parts += _texts(_field(doc, key), languages).values()
        tags = [_texts(t, languages) for t in doc.get("tags") or []]
        for tag in tags:
            parts += tag.values()
        for facet in FACETS[:3]:
            value = _texts(_field(doc, facet), languages)
            row[facet] = facet_key(value, languages) if value else ""
            if row[facet]:
                labels[facet].setdefault(row[facet], value)
        keys = [(facet_key(t, languages), t) for t in tags if t]
        row["tag"] = tuple(dict.fromkeys(k for k, _ in keys if k))
        for k, t in keys:
            labels["tag"].setdefault(k, t)
        row["text"] = normalize("\n".join(parts))
        rows.append(row)
    return pd.DataFrame(rows, columns=["id", *FACETS, "text"]), labels


def filter_objects(frame: pd.DataFrame, query: str = "", **facets: str) -> pd.DataFrame:
    """The rows of ``frame`` whose ``text`` holds every word of ``query`` (folded) and whose facets have the keys
    given (``period="western zhou"``; "" or None: any; ``tag``: one of the object's tags)."""
    keep = pd.Series(True, index=frame.index)
    for word in normalize(query or "").split():
        keep &= frame["text"].str.contains(word, regex=False)
    for facet, key in facets.items():
        if key:
            keep &= frame[facet].map(lambda v, k=key: k in v) if facet == "tag" else frame[facet] == key
    return frame[keep]


def facet_counts(frame: pd.DataFrame, facet: str) -> Counter:
    """How many rows of ``frame`` have each key of ``facet`` (an object counts once per tag it has)."""
    values = frame[facet].explode() if facet == "tag" else frame[facet]
    return Counter(v for v in values if isinstance(v, str) and v)
