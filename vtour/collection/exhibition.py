"""exhibition.yaml, a curated selection from collections arranged into rooms: reading only.

An exhibition names its ``collections`` (collection.yaml files, relative to exhibition.yaml; they
may live anywhere) and its ``rooms`` in visiting order. A room takes objects by id (``ding-01``, or
``bronzes:ding-01`` when two collections share the id) and by a ``query``: each of ``tags``,
``period``, ``material`` and ``museum`` given must match (any of its values, against any language's
text of the object, ignoring case), at most ``limit`` matches. A room shows a real ``panorama`` (with
``positions`` of its objects, yaw and pitch in degrees) or else a generated gallery.

Reading is lenient as :mod:`vtour.collection.document`'s (the tour reader's): shape problems are
located Problems. :mod:`vtour.collection.validate` checks the collections, the object references and
the files, and resolves each room's objects (:func:`~vtour.collection.validate.resolve_rooms`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vtour.collection.document import id_and_title, keep_case, read_document, start
from vtour.errors import Problem
from vtour.tour.document import _kind, _Reader, locate

Texts = dict  # {lang: str}
#: What a room's query may match on; each is one value or a list of them.
QUERY_FIELDS = ("tags", "period", "material", "museum")
QUERY_KEYS = (*QUERY_FIELDS, "limit")
ROOM_KEYS = ("id", "title", "text", "objects", "query", "panorama", "positions")
_EXHIBITION_KEYS = ("id", "title", "languages", "description", "collections", "rooms")


@dataclass(frozen=True)
class Room:
    """One room (a scene of the built tour). ``objects`` holds references as written (``ding-01``,
    ``bronzes:ding-01``); ``query`` maps each of QUERY_FIELDS given to a tuple of values, and
    ``limit`` to a whole number or None; ``positions`` maps a reference to ``{"yaw", "pitch"}``."""

    id: str
    title: Texts
    text: Texts | None = None
    objects: tuple[str, ...] = ()
    query: dict | None = None
    panorama: str | None = None
    positions: dict = field(default_factory=dict)
    where: str = ""


@dataclass(frozen=True)
class Exhibition:
    """A whole exhibition.yaml; ``collections`` are paths relative to ``root`` (the file's folder)."""

    id: str
    title: Texts
    languages: tuple[str, ...] = ("en",)
    description: Texts | None = None
    collections: tuple[str, ...] = ()
    rooms: tuple[Room, ...] = ()
    root: Path = Path(".")
    file: str = "exhibition.yaml"
    lines: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def language(self) -> str:
        return self.languages[0]

    def room(self, room_id: str) -> Room | None:
        return next((room for room in self.rooms if room.id == room_id), None)

    def at(self, where: str) -> str:
        """``exhibition.yaml:12: rooms[0].objects[1]``: a problem's location."""
        return locate(self.file, self.lines, where)


def _values(r: _Reader, value, where: str) -> tuple[str, ...]:
    """One value, a list of them, or a text (its values): each as text."""
    if isinstance(value, dict):
        value = list(value.values())
    if not isinstance(value, list):
        value = [value]
    out = []
    for i, item in enumerate(value):
        text = r.string(item, f"{where}[{i}]" if len(value) > 1 else where)
        if text:
            out.append(text)
    return tuple(out)


def _query(r: _Reader, value, where: str) -> dict | None:
    if value is None:
        return None
    d = r.mapping(value, where, QUERY_KEYS)
    query: dict[str, Any] = {key: _values(r, d[key], f"{where}.{key}") for key in QUERY_FIELDS if key in d}
    limit = r.number(d.get("limit"), f"{where}.limit", None)
    if limit is not None and (limit != int(limit) or limit < 1):
        r.problem(f"{where}.limit", f"limit {limit:g} is not a whole number above 0", "write e.g. limit: 8")
        limit = None
    query["limit"] = None if limit is None else int(limit)
    return query


def _positions(r: _Reader, value, where: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        r.problem(
            where,
            f"expected a mapping object id -> {{yaw, pitch}}, got {_kind(value)}",
            "write {ding-01: {yaw: 30, pitch: -10}}",
        )
        return {}
    out = {}
    for ref, raw in value.items():
        here = f"{where}.{ref}"
        keep_case(r.lines, here)
        p = r.mapping(raw, here, ("yaw", "pitch"))
        if not p:
            r.problem(here, "a position needs yaw and pitch", "write {yaw: 30, pitch: -10} (degrees)")
            continue
        out[str(ref)] = {
            "yaw": r.yaw(p.get("yaw"), f"{here}.yaw"),
            "pitch": r.number(p.get("pitch"), f"{here}.pitch", 0.0),
        }
    return out


def _room(r: _Reader, raw, where: str, index: int) -> Room | None:
    if not isinstance(raw, dict):
        r.problem(
            where, f"a room is a mapping, got {_kind(raw)}", "write - {id: ritual, title: {en: ...}, objects: [...]}"
        )
        return None
    d = r.mapping(raw, where, ROOM_KEYS)
    rid = r.string(d.get("id"), f"{where}.id")
    if rid is None:
        r.problem(f"{where}.id", "room has no id", "add id: a short name like ritual")
        rid = f"room{index}"
    title = r.text(d.get("title"), f"{where}.title")
    if title is None:
        r.problem(f"{where}.title", "room has no title", "add title: {en: ...}")
        title = {r.lang: rid}
    objects = []
    for i, ref in enumerate(r.items(d.get("objects"), f"{where}.objects")):
        text = r.string(ref, f"{where}.objects[{i}]")
        if text:
            objects.append(text)
    return Room(
        id=rid,
        title=title,
        text=r.text(d.get("text"), f"{where}.text"),
        objects=tuple(objects),
        query=_query(r, d.get("query"), f"{where}.query"),
        panorama=r.string(d.get("panorama"), f"{where}.panorama") or None,
        positions=_positions(r, d.get("positions"), f"{where}.positions"),
        where=where,
    )


def parse_exhibition(
    data: Any, root: str | Path = ".", file: str = "exhibition.yaml", lines: dict | None = None
) -> tuple[Exhibition, list[Problem]]:
    """An :class:`Exhibition` from parsed exhibition.yaml content, and its shape problems."""
    lines = {} if lines is None else lines
    r, languages, d = start(data, file, lines, "exhibition")
    d = r.mapping(d, "", _EXHIBITION_KEYS)
    eid, title = id_and_title(r, d, "exhibition", "silk-road")
    collections = []
    for i, item in enumerate(r.items(d.get("collections"), "collections")):
        rel = r.string(item, f"collections[{i}]")
        if rel:
            collections.append(rel)
    rooms = tuple(
        room for i, raw in enumerate(r.items(d.get("rooms"), "rooms")) if (room := _room(r, raw, f"rooms[{i}]", i))
    )
    exhibition = Exhibition(
        id=eid,
        title=title,
        languages=languages,
        description=r.text(d.get("description"), "description"),
        collections=tuple(collections),
        rooms=rooms,
        root=Path(root),
        file=file,
        lines=lines,
    )
    return exhibition, r.problems


def read_exhibition(path: str | Path) -> tuple[Exhibition, list[Problem]]:
    """Read an exhibition.yaml: the exhibition and its shape problems (its collections are read by
    :func:`vtour.collection.validate.exhibition_collections`)."""
    path = Path(path)
    data, lines, problems = read_document(path, "exhibition")
    exhibition, shape = parse_exhibition(data, root=path.parent, file=path.name, lines=lines)
    return exhibition, problems + shape
