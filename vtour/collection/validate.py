"""Every problem of a collection or an exhibition, at once, each with its location and a fix.

:func:`validate_document` is ``vtour validate``'s entry: it tells a tour.yaml, a collection.yaml and an
exhibition.yaml apart (:func:`document_kind`, by their top-level keys) and lists every problem.

Checked for a collection: ids (safe as folder names, unique: a duplicate names both places),
languages (a text in a language the collection does not declare; a missing translation is allowed,
pages fall back to the default language), media (the scan in a format the build reads, each photo an
image the build reads, all inside the collection's folder once links are resolved: the tour's checks),
``rights`` and ``base_url`` as absolute http(s) URLs, ``views`` sizes, and the ``lod``/``zoom`` options
as a tour's. For an exhibition: its collection files (each read and checked, its problems located in
its own files), object references (unknown, or ambiguous between two collections), queries that match
nothing, rooms with nothing to show, positions of objects not in the room, panoramas (an image
inside the folder, of a shape the pano stage takes without options), room ids (also those of a
room's numbered galleries: :func:`room_scenes`) and languages. :func:`resolve_rooms` gives each
room's objects, as the build uses them.
"""

from __future__ import annotations

import difflib
import math
import re
from pathlib import Path, PurePosixPath

from vtour.collection.document import TEXT_FIELDS, Collection, CollectionObject, read_collection, read_document, snake
from vtour.collection.exhibition import QUERY_FIELDS, Exhibition, Room, read_exhibition
from vtour.collection.gallery_layout import MAX_OBJECTS
from vtour.collection.views import MIN_SIZE, VIEW_OPTIONS, views_options
from vtour.conventions import UNITS
from vtour.errors import Problem, VtourError
from vtour.images import read_image
from vtour.model.io import FORMATS, UNSUPPORTED
from vtour.pano.cube_input import cube_layout_problem
from vtour.pano.gpano import read_gpano
from vtour.tour.deepzoom import DeepZoomImage, url_problem
from vtour.tour.document import ID_PATTERN, Model, Tour
from vtour.tour.options import image_options, model_options
from vtour.tour.validate import _check_file, check_angles, validate_path

_ID_FIX = "use letters, digits, '-', '_' or '.', at most 64, not starting with '.' or '-'"


class _Report:
    """Problems located by a document's ``at``. The tour's file checks speak of "the tour folder"
    and tour.yaml; here they are the collection's (or the exhibition's)."""

    def __init__(self, at, kind: str):
        self.at, self.kind = at, kind
        self.problems: list[Problem] = []

    def _words(self, text: str) -> str:
        return (
            text.replace("tour folder", f"{self.kind} folder")
            .replace("tour's", f"{self.kind}'s")
            .replace("tour.yaml", f"{self.kind}.yaml")
        )

    def __call__(self, where: str, message: str, fix: str = "") -> None:
        self.problems.append(Problem(self.at(where), self._words(message), self._words(fix)))


def _undeclared(report, texts, languages, where: str) -> None:
    """A text in a language not in ``languages``: a problem on that language."""
    for lang in texts or ():
        if lang not in languages:
            report(
                f"{where}.{lang}",
                f"language {lang!r} is not declared in languages {list(languages)}",
                f"add {lang} to languages or remove this text",
            )


#: A language tag as HTML's lang attribute takes it (BCP 47's shape: en, zh, zh-Hans, zh-CN, pt-BR).
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def _languages(report, languages) -> None:
    if len(set(languages)) != len(languages):
        report("languages", f"languages {list(languages)} lists one twice", "list each language once")
    for i, lang in enumerate(languages):
        if not LANGUAGE_TAG.match(lang):
            report(
                f"languages[{i}]",
                f"{lang!r} is not a language tag",
                "write a BCP 47 tag such as en, zh, zh-Hans or pt-BR (a hyphen, not an underscore)",
            )


def _views(report, views: dict) -> None:
    """``views`` by the views stage's own rule (:func:`vtour.collection.views.views_options`),
    non-numbers first: each size alone, then the frames with the turntable size they make a strip
    with (the smallest when the given one is bad, so that only the frames' own range is checked)."""
    bad = set()
    for key, value in views.items():
        if isinstance(value, float) and not math.isfinite(value):
            fix = f"write a whole number, e.g. {key}: {VIEW_OPTIONS[key]}"
            report(f"views.{key}", f"{key} {value} is not a number", fix)
            bad.add(key)
    for key in ("size", "turntable_size"):  # alone: one frame makes no strip too wide
        if key in views and key not in bad and (why := _views_problem({key: views[key], "turntable": 1})):
            report(*why)
            bad.add(key)
    if ("turntable" in views or "turntable_size" in views) and "turntable" not in bad:
        frames = views.get("turntable", VIEW_OPTIONS["turntable"])
        size = MIN_SIZE if "turntable_size" in bad else views.get("turntable_size", VIEW_OPTIONS["turntable_size"])
        if why := _views_problem({"turntable": frames, "turntable_size": size}):
            report(*why)


def _views_problem(views: dict) -> tuple[str, str, str] | None:
    """(where, message, fix) of the first thing views_options rejects in ``views``, or None."""
    try:
        views_options(views)
    except VtourError as exc:
        where = exc.field or "views"
        key = where.rpartition(".")[2]
        message = exc.message if exc.value is None else f"{key} {exc.value!r:.40}: {exc.message}"
        example = f"{key}: {VIEW_OPTIONS[key]}" if key in VIEW_OPTIONS else "size: 1024"
        return where, message, exc.fix or f"write a whole number, e.g. {example}"
    return None


def _options(report, c: Collection) -> None:
    """``lod`` and ``zoom`` as a tour's, checked through the tour's own option readers."""
    tour = Tour(id=c.id, title=c.title, languages=c.languages, lod=c.lod, zoom=c.zoom, base_url=c.base_url)
    for where, check in (
        ("lod", lambda: model_options(tour, Model(id=c.id, units=c.units))),
        ("zoom", lambda: image_options(tour, DeepZoomImage(id=c.id))),
    ):
        if where == "zoom" and c.base_url is not None and url_problem(c.base_url, query=False):
            continue  # reported as base_url's
        try:
            check()
        except VtourError as exc:
            message = exc.message.replace(f"model {c.id}: ", "").replace(f"image {c.id}: ", "")
            if exc.value is not None and str(exc.value) not in message:
                message += f" (got {exc.value!r:.60})"
            report(where, message, exc.fix or f"see docs/collection.md, {where}")


def _rights(report, rights: str | None, where: str) -> None:
    if rights is not None and (why := url_problem(rights)):
        report(
            where, f"rights {rights!r} {why}", "give a licence URL, e.g. http://creativecommons.org/licenses/by/4.0/"
        )


def _model(report, c: Collection, obj: CollectionObject) -> None:
    if not obj.model:
        return
    where = f"{obj.where}.model"
    suffix = PurePosixPath(obj.model.replace("\\", "/")).suffix.lower()
    if suffix in UNSUPPORTED:
        report(where, f"model {obj.model!r}: {UNSUPPORTED[suffix]}", "give its OBJ or glTF/GLB export")
    elif suffix not in FORMATS:
        report(
            where,
            f"model {obj.model!r} is not a mesh format the build reads ({suffix or 'no suffix'})",
            "give it as OBJ, PLY, STL, glTF or GLB",
        )
    _check_file(report, c.root, obj.model, where, "model")


def _object(report, c: Collection, obj: CollectionObject, seen: dict) -> None:
    w, langs = obj.where, c.languages
    if not ID_PATTERN.match(obj.id):
        report(f"{w}.id", f"object id {obj.id!r} is not a safe name", _ID_FIX)
    if obj.id in seen:
        report(f"{w}.id", f"duplicate object id {obj.id!r} (also at {c.at(seen[obj.id])})", "give each a unique id")
    else:
        seen[obj.id] = f"{w}.id"
    if not obj.title:
        report(f"{w}.title", "object has no title", "add title: {en: ...}")
    _undeclared(report, obj.title, langs, f"{w}.title")
    for key in TEXT_FIELDS:
        if getattr(obj, key) is not c.defaults.get(key):  # a default is checked once, where it is written
            _undeclared(report, getattr(obj, key), langs, f"{w}.{key}")
    for i, tag in enumerate(obj.tags):
        _undeclared(report, tag, langs, f"{w}.tags[{i}]")
    for label, texts in obj.metadata.items():
        _undeclared(report, texts, langs, f"{w}.metadata.{label}")
    if obj.rights != c.defaults.get("rights"):
        _rights(report, obj.rights, f"{w}.rights")
    if obj.units is not None and obj.units not in UNITS and obj.units != c.units:
        report(f"{w}.units", f"units {obj.units!r} unknown", f"use one of {', '.join(UNITS)}")
    _model(report, c, obj)
    for i, rel in enumerate(obj.images):
        _check_file(report, c.root, rel, f"{w}.images[{i}]", "image", image=True, formats=None)


def validate_collection(c: Collection) -> list[Problem]:
    """Semantic problems of a read collection (ids, languages, media, URLs, options)."""
    report = _Report(c.at, "collection")
    langs = c.languages
    _languages(report, langs)
    if not ID_PATTERN.match(c.id):
        report("id", f"collection id {c.id!r} is not a safe folder name", _ID_FIX)
    if not c.objects:
        report("objects", "the collection has no objects", "add objects: or a csv: file of them")
    _undeclared(report, c.title, langs, "title")
    _undeclared(report, c.description, langs, "description")
    for key in ("museum", "credit"):
        _undeclared(report, c.defaults.get(key), langs, key)
    _rights(report, c.defaults.get("rights"), "rights")
    if c.units is not None and c.units not in UNITS:
        report("units", f"units {c.units!r} unknown", f"use one of {', '.join(UNITS)}")
    if c.base_url is not None and (why := url_problem(c.base_url, query=False)):
        report(
            "base_url",
            f"base_url {c.base_url!r} {why}",
            "give the URL the built collection will be published at, e.g. https://museum.example/bronzes",
        )
    _views(report, c.views)
    _options(report, c)
    seen: dict[str, str] = {}
    for obj in c.objects:
        _object(report, c, obj, seen)
    return report.problems


# ---------------------------------------------------------------------------------------------
# exhibitions


def exhibition_collections(e: Exhibition, *, validate: bool = True) -> tuple[list[Collection], list[Problem]]:
    """The collections ``e`` names that exist (a missing one is :func:`validate_exhibition`'s
    problem), in order, and their problems (with ``validate``, their :func:`validate_collection`
    ones too), each located in the collection's own files as seen from the exhibition's folder
    (``../bronzes/collection.yaml:12: objects[1].title``)."""
    collections, problems = [], []
    for i, rel in enumerate(e.collections):
        path = e.root / rel
        if not path.is_file():
            continue
        try:
            c, found = read_collection(path)
        except VtourError as exc:
            problems.append(Problem(e.at(f"collections[{i}]"), f"collection {rel!r}: {exc.message}", exc.fix or ""))
            continue
        if validate:
            found += validate_collection(c)
        folder = PurePosixPath(rel.replace("\\", "/")).parent
        problems += [p if str(folder) == "." else Problem(f"{folder}/{p.location}", p.message, p.fix) for p in found]
        collections.append(c)
    return collections, problems


def _index(collections: list[Collection]) -> dict[str, list[tuple[Collection, CollectionObject]]]:
    """object id -> every (collection, object) holding it."""
    index: dict[str, list[tuple[Collection, CollectionObject]]] = {}
    for c in collections:
        for obj in c.objects:
            index.setdefault(obj.id, []).append((c, obj))
    return index


def _find(ref: str, index: dict, collections: list[Collection]) -> list[tuple[Collection, CollectionObject]]:
    """What ``ref`` (``ding-01`` or ``bronzes:ding-01``) names: none, one, or (ambiguous) several."""
    cid, _, oid = ref.rpartition(":")
    hits = index.get(oid, [])
    return [(c, o) for c, o in hits if c.id == cid] if cid else hits


def _same(texts, wanted: set[str]) -> bool:
    return bool(texts) and any(str(v).casefold() in wanted for v in texts.values())


def matches(obj: CollectionObject, query: dict) -> bool:
    """Whether ``obj`` matches a room's query: every field given, by any of its values, against any
    language's text, ignoring case."""
    for key in QUERY_FIELDS:
        wanted = {str(v).casefold() for v in query.get(key) or ()}
        if not wanted:
            continue
        texts = obj.tags if key == "tags" else (getattr(obj, key),)
        if not any(_same(t, wanted) for t in texts):
            return False
    return True


def _room_objects(room: Room, index: dict, collections: list[Collection]) -> list[tuple[Collection, CollectionObject]]:
    out: dict[tuple[str, str], tuple[Collection, CollectionObject]] = {}
    for ref in room.objects:
        hits = _find(ref, index, collections)
        if len(hits) == 1:
            out.setdefault((hits[0][0].id, hits[0][1].id), hits[0])
    if room.query is not None:
        limit, added = room.query.get("limit"), 0
        for c in collections:
            for obj in c.objects:
                if (limit is not None and added >= limit) or (c.id, obj.id) in out or not matches(obj, room.query):
                    continue
                out[(c.id, obj.id)] = (c, obj)
                added += 1
    return list(out.values())


def resolve_rooms(
    e: Exhibition, collections: list[Collection]
) -> list[tuple[Room, list[tuple[Collection, CollectionObject]]]]:
    """Each room with its objects: those named by id first, in the order written (an unknown or
    ambiguous reference is left out: :func:`validate_exhibition` reports it), then the query's
    matches in the collections' order, at most ``limit`` of them, each object once."""
    index = _index(collections)
    return [(room, _room_objects(room, index, collections)) for room in e.rooms]


def _reference(report, ref: str, where: str, index: dict, collections: list[Collection]) -> None:
    hits = _find(ref, index, collections)
    if len(hits) > 1:
        report(
            where,
            f"object {ref!r} is in {len(hits)} collections: {', '.join(c.id for c, _ in hits)}",
            " or ".join(f'write "{c.id}:{o.id}"' for c, o in hits),
        )
    elif not hits:
        cid, _, oid = ref.rpartition(":")
        if cid and not any(c.id == cid for c in collections):
            known = ", ".join(c.id for c in collections) or "none read"
            report(where, f"object {ref!r}: no collection has the id {cid!r}", f"the collections are {known}")
            return
        near = difflib.get_close_matches(oid, list(index), n=1)
        report(
            where,
            f"object {ref!r} is in no collection"
            + (f" (looked in {', '.join(c.id for c in collections)})" if collections else ""),
            f"did you mean {near[0]!r}?" if near else "check the id, or add its collection under collections:",
        )


def _check_panorama(report, root: Path, rel: str | None, where: str) -> None:
    """A room's own panorama: an image inside the exhibition's folder that the pano stage reads
    without options (an exhibition gives none): 2:1 equirectangular, a partial one with GPano
    metadata, or six cube faces in a strip or cross (:func:`vtour.pano.build.detect_mode`'s rule)."""
    info = _check_file(report, root, rel, where, "panorama", image=True, formats=None)
    if info is None or math.isclose(info.width / info.height, 2.0, rel_tol=0.01):
        return
    path = root / str(rel)
    try:
        if read_gpano(path, step="exhibition") is not None:
            return
    except VtourError as exc:
        report(where, f"panorama {rel!r}: {exc.message}", exc.fix or "fix or remove its GPano metadata")
        return
    ratio = info.width / info.height
    if any(math.isclose(ratio, a, rel_tol=0.01) for a in (6.0, 1 / 6, 4 / 3, 3 / 4)):
        try:
            why = cube_layout_problem(read_image(path, step="exhibition"))
        except VtourError as exc:
            report(where, f"panorama {rel!r} cannot be read ({exc.message})", "convert it to JPEG or PNG")
            return
        if why is None:
            return
    report(
        where,
        f"panorama {rel!r} is {info.width}x{info.height}, not 2:1, has no GPano metadata giving its coverage "
        "and holds no cube faces",
        "give a 2:1 equirectangular panorama (crop or pad it to 2:1), or remove panorama: to show the room "
        "as a generated gallery",
    )


def room_scenes(room: Room, objects: int) -> list[str]:
    """The ids of the tour scenes a room showing ``objects`` objects becomes: one scene with its own
    panorama, else a gallery of at most MAX_OBJECTS objects each, numbered after the first:
    ``big``, ``big-2``, ``big-3``."""
    parts = 1 if room.panorama else max(1, math.ceil(objects / MAX_OBJECTS))
    return [room.id, *(f"{room.id}-{k}" for k in range(2, parts + 1))]


def _check_scene_ids(report, resolved: list) -> None:
    """A room split into galleries must not take another room's id, and its numbered ids must be
    ids (at most 64 characters)."""
    rooms = {room.id: room for room, _ in resolved}
    for room, found in resolved:
        for k, sid in enumerate(room_scenes(room, len(found))[1:], 2):
            why = f"room {room.id!r} shows {len(found)} objects, more than the {MAX_OBJECTS} of one gallery"
            if sid in rooms:
                report(
                    f"{rooms[sid].where}.id",
                    f"room id {sid!r} is also the id of gallery {k} of room {room.id!r} ({why})",
                    f"rename this room or room {room.id!r}",
                )
            if not ID_PATTERN.match(sid):
                report(
                    f"{room.where}.id",
                    f"room id {room.id!r} is too long to number its galleries ({sid!r}; {why})",
                    f"shorten it to at most {64 - len(sid) + len(room.id)} characters",
                )


def _check_room(report, e: Exhibition, room: Room, found: list, index: dict, collections: list) -> None:
    w = room.where
    _undeclared(report, room.title, e.languages, f"{w}.title")
    _undeclared(report, room.text, e.languages, f"{w}.text")
    for i, ref in enumerate(room.objects):
        _reference(report, ref, f"{w}.objects[{i}]", index, collections)
    if (
        room.query is not None
        and collections
        and not any(matches(o, room.query) for c in collections for o in c.objects)
    ):
        asked = "; ".join(f"{k}: {', '.join(room.query[k])}" for k in QUERY_FIELDS if room.query.get(k))
        report(
            f"{w}.query",
            f"the query ({asked or 'no criteria'}) matches no object",
            "check its values against the objects' texts",
        )
    if not found and not room.panorama:
        report(w, f"room {room.id!r} shows no object and has no panorama", "add objects: or a query:, or a panorama:")
    _check_panorama(report, e.root, room.panorama, f"{w}.panorama")
    if room.positions and not room.panorama:
        report(f"{w}.positions", "positions are used only with a panorama", "add panorama: or remove positions:")
    shown = {ref for c, o in found for ref in (o.id, f"{c.id}:{o.id}")}
    for ref, position in room.positions.items():
        if ref not in shown:
            report(
                f"{w}.positions.{ref}",
                f"a position for {ref!r}, which is not in this room",
                "add it to objects: or remove the position",
            )
        check_angles(report, f"{w}.positions.{ref}", position["pitch"])


def validate_exhibition(e: Exhibition, collections: list[Collection]) -> list[Problem]:
    """Semantic problems of a read exhibition, given the collections it names that could be read
    (:func:`exhibition_collections`): missing collection files, references, rooms, languages."""
    report = _Report(e.at, "exhibition")
    _languages(report, e.languages)
    if not ID_PATTERN.match(e.id):
        report("id", f"exhibition id {e.id!r} is not a safe folder name", _ID_FIX)
    _undeclared(report, e.title, e.languages, "title")
    _undeclared(report, e.description, e.languages, "description")
    if not e.collections:
        report("collections", "the exhibition names no collections", "add collections: [../NAME/collection.yaml]")
    for i, rel in enumerate(e.collections):
        if not (e.root / rel).is_file():
            report(
                f"collections[{i}]",
                f"collection file {rel!r} not found",
                f"put it at {e.root / rel} or fix the path (relative to {e.file})",
            )
    ids: dict[str, Collection] = {}
    for c in collections:
        if c.id in ids:
            report(
                "collections",
                f"two collections have the id {c.id!r} ({ids[c.id].root / ids[c.id].file} and {c.root / c.file})",
                "give each collection its own id",
            )
        ids.setdefault(c.id, c)
    if not e.rooms:
        report("rooms", "the exhibition has no rooms", "add rooms: with objects")
    index = _index(collections)
    seen: dict[str, str] = {}
    resolved = resolve_rooms(e, collections)
    for room, found in resolved:
        if not ID_PATTERN.match(room.id):
            report(f"{room.where}.id", f"room id {room.id!r} is not a safe name", _ID_FIX)
        if room.id in seen:
            report(
                f"{room.where}.id",
                f"duplicate room id {room.id!r} (also at {e.at(seen[room.id])})",
                "give each room a unique id",
            )
        seen.setdefault(room.id, f"{room.where}.id")
        _check_room(report, e, room, found, index, collections)
        for c, o in found:  # an exhibition credits every object: its museum and its rights
            missing = [name for name, value in (("museum", o.museum), ("rights", o.rights)) if not value]
            if missing:
                report(
                    f"{room.where}.objects",
                    f"object {c.id}:{o.id} has no {' and no '.join(missing)}: an exhibition credits every object's "
                    "museum and rights",
                    f"give {' and '.join(missing)} in {c.root / c.file} (for the object, or for the whole collection)",
                )
    _check_scene_ids(report, resolved)
    return report.problems


# ---------------------------------------------------------------------------------------------
# any document


def document_kind(path: str | Path) -> str:
    """``"collection"`` (top-level ``objects:`` or ``csv:``), ``"exhibition"`` (``rooms:``) or
    ``"tour"``: anything else, a folder, or a file that cannot be read (the tour reader says why)."""
    path = Path(path)
    if not path.is_file():
        return "tour"
    try:
        data, _, _ = read_document(path, "validate")
    except (VtourError, OSError):
        return "tour"
    keys = {snake(k) for k in data if isinstance(k, str)} if isinstance(data, dict) else set()
    if "rooms" in keys:
        return "exhibition"
    if keys & {"objects", "csv"}:
        return "collection"
    return "tour"


def validate_document(path: str | Path) -> list[Problem]:
    """Problems of a tour (yaml, json or built folder), a collection.yaml or an exhibition.yaml (with
    the collections it names, relative to its folder). Raises VtourError only for a file that cannot
    be read at all."""
    kind = document_kind(path)
    if kind == "collection":
        c, problems = read_collection(path)
        return problems + validate_collection(c)
    if kind == "exhibition":
        e, problems = read_exhibition(path)
        collections, found = exhibition_collections(e)
        return problems + validate_exhibition(e, collections) + found
    return validate_path(path)
