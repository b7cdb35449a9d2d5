"""Conservators' notes on a model: W3C Web Annotations, one AnnotationPage per model.

Where they live: in a tour's sources, ``notes/<model-id>.json`` beside tour.yaml (what ``vtour serve
--sources`` writes, through :class:`NotesStore`); in a built tour, ``models/<id>/notes.json``
(:func:`copy_notes`, read-only there). One annotation (the IIIF 3D flavour of the W3C model)::

    {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "urn:uuid:<uuid4>", "type": "Annotation",
     "motivation": "commenting", "created": "2026-11-30T17:20:00.000Z", "modified": "...",
     "creator": {"type": "Person", "name": "Li Wei"},
     "body": [{"type": "TextualBody", "purpose": "classifying", "value": "crack"},
              {"type": "TextualBody", "purpose": "describing", "format": "text/plain", "language": "en",
               "value": "Hairline crack"}],
     "target": {"type": "SpecificResource", "source": {"id": "models/<model-id>", "type": "Model"},
                "selector": {"type": "PointSelector", "x": 0.1, "y": 1.2, "z": 0.05},
                "scope": {"type": "PerspectiveCamera", "position": {"x": .., "y": .., "z": ..},
                          "lookAt": {"type": "PointSelector", "x": .., "y": .., "z": ..}, "fieldOfView": 40}}}

Conventions: points are world (glTF) coordinates of the model, metres when its units are known;
``fieldOfView`` is the vertical angle in degrees, in (0, 180). Exactly one classifying body, whose
value is one of :data:`NOTE_TYPES`; describing bodies are plain text, one per language (an empty
text says nothing and is left out). Dates are ISO 8601 with a time zone. The store writes UTC with
milliseconds and moves ``modified`` forward on every change, so ``modified`` names one version of a
note: an update or a deletion carries the one it was made from (``If-Match``) and is refused when the
note changed since. No version is ever lost: each one replaced or deleted is first appended to
``notes/<model-id>.history.jsonl``, one JSON object a line ``{"at", "action": "update"|"delete", "note"}``.

Validation is at the boundary: a note from a request or a page from a file comes back as a fresh,
normalised dict, or a :class:`vtour.errors.VtourError` of step ``notes`` naming the file, the field
(``items[2].body[0].value``), the value and the fix, in one line.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import shutil
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from vtour.errors import Problem, VtourError
from vtour.output import atomic_file, is_within

try:  # POSIX: writers in other processes (a second `vtour serve` on the same sources) wait too
    import fcntl
except ImportError:  # pragma: no cover - Windows: the threading lock alone
    fcntl = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from vtour.tour.document import Tour

log = logging.getLogger(__name__)

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
#: The classifying body's values: what a conservator sees.
NOTE_TYPES = ("crack", "loss", "restoration", "deposit", "other")
#: The W3C Web Annotation motivations (``commenting`` is what the inspector writes).
MOTIVATIONS = (
    "assessing bookmarking classifying commenting describing editing highlighting identifying "
    "linking moderating questioning replying tagging"
).split()
#: The folder of notes beside tour.yaml, and a built model's notes file.
NOTES_FOLDER = "notes"
BUILT_NOTES = "notes.json"
#: The store's own files beside ``<model-id>.json`` in notes/: every version replaced or deleted, the
#: previous file, the lock. None of them is a notes file (:func:`source_notes`).
HISTORY_SUFFIX, BACKUP_SUFFIX, LOCK_SUFFIX = ".history.jsonl", ".json.bak", ".json.lock"
#: Longest text of one body and longest creator name, in characters (a note, not a document).
MAX_TEXT, MAX_NAME = 20_000, 200
NOTE_ID = re.compile(r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_ANNOTATION_KEYS = ("@context", "id", "type", "motivation", "created", "modified", "creator", "body", "target")
_PAGE_KEYS = ("@context", "id", "type", "items")
_ID_FIX = "give it an id urn:uuid:<a UUID> (python -c 'import uuid; print(uuid.uuid4())')"


class NoteMissing(VtourError):
    """The model or the note asked for does not exist (HTTP 404)."""


class NoteConflict(VtourError):
    """The note changed since the version an update or a delete was made from (HTTP 409);
    ``current`` is the note as stored now."""

    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current

    def __reduce__(self):
        return (_rebuild_conflict, (self.step, self.message, self.path, self.field, self.value, self.fix, self.current))


def _rebuild_conflict(step, message, path, field, value, fix, current) -> NoteConflict:
    return NoteConflict(step, message, path=path, field=field, value=value, fix=fix, current=current)


class NotesFileError(VtourError):
    """A stored notes file that cannot be read or is not a valid page: the server's problem (500)."""


# ---------------------------------------------------------------------------------------------
# one annotation


def _shown(value: Any) -> Any:
    """``value`` for a one-line message: long strings cut, containers named by type."""
    if isinstance(value, str):
        return value if len(value) <= 60 else value[:57] + "..."
    if isinstance(value, (dict, list)):
        return f"<{type(value).__name__} of {len(value)}>"
    return value


class _Check:
    """Raises the first problem of a note or page, naming ``path`` (a file, or None for a request)."""

    def __init__(self, path: str | Path | None):
        self.path = path

    def fail(self, field: str, message: str, value: Any = None, fix: str | None = None) -> NoReturn:
        raise VtourError("notes", message, path=self.path, field=field, value=_shown(value), fix=fix)

    def object(self, value: Any, field: str, what: str, fix: str | None = None) -> dict:
        if not isinstance(value, dict):
            self.fail(field, f"{what} must be a JSON object", value, fix)
        return value

    def keys(self, value: dict, field: str, allowed: Iterable[str]) -> None:
        extra = sorted(set(value) - set(allowed))
        if extra:
            self.fail(f"{field}{extra[0]}", "unknown property", fix=f"use only {', '.join(allowed)}")

    def const(self, obj: dict, key: str, expected: str, field: str, *, default: bool = False) -> str:
        value = obj.get(key, expected if default else None)
        if value != expected:
            self.fail(f"{field}{key}", f"{key} must be {expected!r}", value)
        return expected

    def number(self, obj: dict, key: str, field: str) -> float:
        value = obj.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.fail(f"{field}{key}", "must be a finite number", value, "give world coordinates as numbers")
        return value

    def point(self, value: Any, field: str, kind: str | None) -> dict:
        obj = self.object(value, field.rstrip("."), "a point")
        out = {"type": self.const(obj, "type", kind, field)} if kind else {}
        self.keys(obj, field, ("type", "x", "y", "z") if kind else ("x", "y", "z"))
        return out | {axis: self.number(obj, axis, field) for axis in "xyz"}

    def date(self, obj: dict, key: str, field: str) -> str:
        value = obj.get(key)
        try:
            ok = isinstance(value, str) and datetime.fromisoformat(value).tzinfo is not None
        except ValueError:
            ok = False
        if not ok or not isinstance(value, str):
            self.fail(
                f"{field}{key}",
                "must be an ISO 8601 date and time with a time zone",
                value,
                "write e.g. 2026-11-30T17:20:00Z",
            )
        return value


def check_note(
    note: Any, *, model: str | None = None, path: str | Path | None = None, where: str = "", stored: bool = True
) -> dict:
    """A validated, normalised copy of one annotation (see the module docstring).

    ``model``: the model it must target (``target.source`` is filled in when absent). ``stored``:
    it must carry its ``id``, ``created`` and ``modified`` (a note from a file); without, those are
    the store's to set and only an id given is checked. ``where`` prefixes the field names
    (``items[3].``). Raises :class:`VtourError` on the first problem.
    """
    c = _Check(path)
    a = c.object(note, where.rstrip(".") or "note", "a note")
    c.keys(a, where, _ANNOTATION_KEYS)
    out: dict[str, Any] = {"@context": c.const(a, "@context", CONTEXT, where, default=True)}
    if stored or "id" in a:
        if not isinstance(a.get("id"), str) or not NOTE_ID.match(a["id"].lower()):
            c.fail(f"{where}id", "a note's id is urn:uuid: and a UUID", a.get("id"), _ID_FIX)
        out["id"] = a["id"].lower()
    out["type"] = c.const(a, "type", "Annotation", where)
    motivation = a.get("motivation", "commenting")
    if motivation not in MOTIVATIONS:
        c.fail(f"{where}motivation", "not a W3C motivation", motivation, "use commenting")
    out["motivation"] = motivation
    if stored or "created" in a:  # the note's date: its author's (an observation may predate the note)
        out["created"] = c.date(a, "created", where)
    if stored:
        out["modified"] = c.date(a, "modified", where)
    out["creator"] = _creator(c, a.get("creator"), f"{where}creator")
    out["body"] = _bodies(c, a.get("body"), f"{where}body")
    out["target"] = _target(c, a.get("target"), f"{where}target", model)
    return out


def _creator(c: _Check, value: Any, field: str) -> dict:
    fix = 'give the author as {"type": "Person", "name": "..."}'
    obj = c.object(value, field, "the creator", fix)
    c.keys(obj, f"{field}.", ("type", "name"))
    kind = obj.get("type", "Person")
    if kind not in ("Person", "Organization"):
        c.fail(f"{field}.type", "a creator is a Person or an Organization", kind, fix)
    name = obj.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        c.fail(f"{field}.name", f"an author's name is a text of 1 to {MAX_NAME} characters", name, fix)
    return {"type": kind, "name": name.strip()}


def _bodies(c: _Check, value: Any, field: str) -> list[dict]:
    if isinstance(value, dict):  # the W3C model allows one body without a list
        value = [value]
    if not isinstance(value, list) or not value:
        c.fail(field, "a note's body is a list with one classifying body (its type)", _shown(value))
    kinds, texts, languages = [], [], set()
    for i, b in enumerate(value):
        f = f"{field}[{i}]"
        obj = c.object(b, f, "a body")
        c.const(obj, "type", "TextualBody", f"{f}.")
        purpose = obj.get("purpose")
        if purpose == "classifying":
            c.keys(obj, f"{f}.", ("type", "purpose", "value"))
            if obj.get("value") not in NOTE_TYPES:
                c.fail(f"{f}.value", f"a note's type is one of {', '.join(NOTE_TYPES)}", obj.get("value"))
            kinds.append({"type": "TextualBody", "purpose": "classifying", "value": obj["value"]})
        elif purpose == "describing":
            c.keys(obj, f"{f}.", ("type", "purpose", "format", "language", "value"))
            c.const(obj, "format", "text/plain", f"{f}.", default=True)
            lang, text = obj.get("language"), obj.get("value")
            if not isinstance(lang, str) or not LANGUAGE.match(lang):
                c.fail(f"{f}.language", "a text's language is a language tag", lang, "use e.g. en, zh or zh-Hant")
            if lang in languages:
                c.fail(f"{f}.language", "two texts in one language", lang, "keep one text per language")
            if not isinstance(text, str) or len(text) > MAX_TEXT:
                c.fail(f"{f}.value", f"a text is a string of at most {MAX_TEXT} characters", text)
            languages.add(lang)
            if text.strip():
                texts.append(
                    {
                        "type": "TextualBody",
                        "purpose": "describing",
                        "format": "text/plain",
                        "language": lang,
                        "value": text,
                    }
                )
        else:
            c.fail(f"{f}.purpose", "a body's purpose is classifying (the type) or describing (a text)", purpose)
    if len(kinds) != 1:
        c.fail(
            field,
            f"a note has exactly one classifying body (its type), not {len(kinds)}",
            fix=f'add {{"type": "TextualBody", "purpose": "classifying", "value": "crack"}} '
            f"(or {', '.join(NOTE_TYPES[1:])})",
        )
    return kinds + texts


def _target(c: _Check, value: Any, field: str, model: str | None) -> dict:
    obj = c.object(value, field, "the target")
    c.keys(obj, f"{field}.", ("type", "source", "selector", "scope"))
    out: dict[str, Any] = {"type": c.const(obj, "type", "SpecificResource", f"{field}.")}
    expected = {"id": f"models/{model}", "type": "Model"} if model else None
    source = obj.get("source", expected)
    src = c.object(source, f"{field}.source", "the target's source")
    c.keys(src, f"{field}.source.", ("id", "type"))
    if not isinstance(src.get("id"), str) or (expected and src["id"] != expected["id"]):
        c.fail(
            f"{field}.source.id",
            "the note is not on this model",
            src.get("id"),
            f"use {expected['id']}" if expected else "use models/<model-id>",
        )
    out["source"] = {"id": src["id"], "type": c.const(src, "type", "Model", f"{field}.source.")}
    out["selector"] = c.point(obj.get("selector"), f"{field}.selector.", "PointSelector")
    if obj.get("scope") is not None:
        f = f"{field}.scope."
        scope = c.object(obj["scope"], f.rstrip("."), "a saved view")
        c.keys(scope, f, ("type", "position", "lookAt", "fieldOfView"))
        fov = c.number(scope, "fieldOfView", f)
        if not 0 < fov < 180:
            c.fail(f"{f}fieldOfView", "the vertical field of view lies in (0, 180) degrees", fov)
        out["scope"] = {
            "type": c.const(scope, "type", "PerspectiveCamera", f),
            "position": c.point(scope.get("position"), f"{f}position.", None),
            "lookAt": c.point(scope.get("lookAt"), f"{f}lookAt.", "PointSelector"),
            "fieldOfView": fov,
        }
    return out


# ---------------------------------------------------------------------------------------------
# a page of notes (one file)


def empty_page() -> dict:
    return {"@context": CONTEXT, "type": "AnnotationPage", "items": []}


def check_page(page: Any, *, model: str | None = None, path: str | Path | None = None) -> dict:
    """A validated, normalised copy of an AnnotationPage of stored notes (ids unique)."""
    c = _Check(path)
    p = c.object(page, "(document)", "a notes file")
    c.keys(p, "", _PAGE_KEYS)
    out = {"@context": c.const(p, "@context", CONTEXT, ""), "type": c.const(p, "type", "AnnotationPage", "")}
    if "id" in p:
        if not isinstance(p["id"], str):
            c.fail("id", "a page's id is a string (a URI)", p["id"])
        out["id"] = p["id"]
    if not isinstance(p.get("items"), list):
        c.fail("items", "a page's items are a list of notes", p.get("items"))
    items: list[dict] = []
    seen: dict[str, int] = {}
    for i, note in enumerate(p["items"]):
        item = check_note(note, model=model, path=path, where=f"items[{i}].")
        if item["id"] in seen:
            c.fail(f"items[{i}].id", f"the same id as items[{seen[item['id']]}]", item["id"], _ID_FIX)
        seen[item["id"]] = i
        items.append(item)
    return out | {"items": items}


def parse_json(text: str, path: str | Path | None, fix: str) -> Any:
    """``text`` as JSON (nesting bounded) or a one-line VtourError. NaN and Infinity, which Python
    reads, are refused by the checks: every number of a note must be finite."""
    from vtour.tour.document import read_json  # vtour.tour imports this module: not at the top

    try:
        return read_json(text, Path(path or "request body"), fix, step="notes")
    except json.JSONDecodeError as exc:
        raise VtourError(
            "notes", f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})", path=path, fix=fix
        ) from None


def read_page(path: str | Path, *, model: str | None = None) -> dict:
    """The validated page in the file ``path`` (see :func:`check_page`)."""
    path = Path(path)
    fix = f"fix the file, or restore {path.name}.bak beside it"
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        raise VtourError("notes", f"not UTF-8 text ({exc.reason})", path=path, fix=fix) from None
    except OSError as exc:
        raise VtourError("notes", f"cannot read the notes ({exc.strerror or exc})", path=path) from None
    return check_page(parse_json(text, path, fix), model=model, path=path)


def dump_page(page: dict) -> str:
    return json.dumps(page, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def write_page(path: str | Path, page: dict, *, fsync: bool = False) -> None:
    """Write ``page`` to ``path`` atomically (a complete file or the previous one, never half);
    ``fsync``: on the disk when this returns (:func:`vtour.output.atomic_file`)."""
    with atomic_file(path, fsync=fsync) as tmp:
        tmp.write_text(dump_page(page), encoding="utf-8")


def read_history(path: str | Path) -> list[dict]:
    """The entries of a history file (``<model-id>.history.jsonl``), oldest first; [] when none.
    A last line cut short (a crash while appending) is left out: every entry before it is whole."""
    path = Path(path)
    if not path.exists():
        return []
    out = []
    for line in path.read_text("utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return out


# ---------------------------------------------------------------------------------------------
# the store: one note's change at a time, on the latest file

T = TypeVar("T")


def now() -> datetime:
    return datetime.now(UTC)


def stamp(when: datetime) -> str:
    """``when`` as the store writes dates: UTC, milliseconds, ``Z``."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def note_id(text: str) -> str | None:
    """The stored id (``urn:uuid:...``) that a URL's ``<uuid>`` or ``urn:uuid:<uuid>`` names, or None."""
    text = text.lower()
    full = text if text.startswith("urn:uuid:") else f"urn:uuid:{text}"
    return full if NOTE_ID.match(full) else None


class NotesStore:
    """The notes of a tour's models, in ``<sources_dir>/notes/<model-id>.json``.

    Every change applies ONE note's addition, update or deletion to the file as it is now, under a
    lock held across threads (``threading.Lock``) and processes (``flock`` on ``<model-id>.json.lock``):
    two editors saving different notes at once both keep theirs, whatever the order. Nothing is
    lost: the version an update replaces or a deletion removes is appended to
    ``<model-id>.history.jsonl`` (flushed and fsynced) before the file changes, the previous file is
    copied to ``<model-id>.json.bak``, and the new one is written under a temporary name, fsynced
    and renamed over the old (:func:`vtour.output.atomic_file`). ``models`` names the models that
    may have notes (others are :class:`NoteMissing`); ``clock`` gives the time (UTC).
    """

    def __init__(self, sources_dir: str | Path, models: Iterable[str], clock: Callable[[], datetime] = now):
        from vtour.tour.document import ID_PATTERN  # vtour.tour imports this module: not at the top

        self.folder = Path(sources_dir) / NOTES_FOLDER
        if self.folder.exists() and links_out(self.folder, sources_dir):
            raise VtourError(
                "notes", "the notes folder links out of the tour's folder", path=self.folder, fix=_LINK_FIX
            )
        self.models = tuple(m for m in models if ID_PATTERN.match(m))  # a tampered id never names a file
        self.clock = clock
        self._lock = threading.Lock()

    def path(self, model: str) -> Path:
        """The notes file of ``model``; :class:`NoteMissing` for a model the tour does not have."""
        if model not in self.models:
            raise NoteMissing(
                "notes",
                "no such model in the tour",
                field="model",
                value=_shown(model),
                fix=f"use one of {', '.join(self.models) or '(none: the tour has no models)'}",
            )
        path = self.folder / f"{model}.json"
        if path.is_symlink():  # a write would replace the link, a read would follow it out of the tour
            raise NotesFileError("notes", "a notes file is a link", path=path, fix=_LINK_FIX)
        return path

    def history_path(self, model: str) -> Path:
        """Where every replaced or deleted version of ``model``'s notes is kept (:func:`read_history`)."""
        return self.path(model).with_name(f"{model}{HISTORY_SUFFIX}")

    def page(self, model: str) -> dict:
        """The model's notes (an empty page when it has none yet)."""
        path = self.path(model)
        if not path.exists():
            return empty_page()
        try:
            return read_page(path, model=model)
        except VtourError as exc:
            raise NotesFileError(
                exc.step, exc.message, path=exc.path, field=exc.field, value=exc.value, fix=exc.fix
            ) from None

    def get(self, model: str, note: str) -> dict:
        items = self.page(model)["items"]
        key = self._key(note)
        for item in items:
            if item["id"] == key:
                return item
        raise NoteMissing("notes", "no such note", field="id", value=key, fix="it may have been deleted")

    def add(self, model: str, note: Any) -> dict:
        """Store a new note (its id and date ``created`` kept when given, else made); the server sets
        ``modified``, which names the version."""
        self.path(model)  # an unknown model before the note: 404, not 400
        new = check_note(note, model=model, stored=False)
        new.setdefault("id", f"urn:uuid:{uuid.uuid4()}")

        def apply(items: list[dict]) -> dict:
            for item in items:
                if item["id"] == new["id"]:
                    raise NoteConflict(
                        "notes",
                        "a note with this id exists",
                        field="id",
                        value=new["id"],
                        fix="update it with PUT, or leave the id out",
                        current=item,
                    )
            when = stamp(self.clock())
            stored = _ordered({"created": when} | new | {"modified": when})
            items.append(stored)
            return stored

        return self._change(model, apply)

    def update(self, model: str, note: str, edited: Any, if_match: str) -> dict:
        """Replace the note ``note`` by ``edited``, if it is still at version ``if_match`` (its
        ``modified``): else :class:`NoteConflict` with the current one, and nothing changes. The
        version replaced goes to the history."""
        self.path(model)
        key = self._key(note)
        replaced: list[tuple[str, dict]] = []
        new = check_note(edited, model=model, stored=False)
        if new.setdefault("id", key) != key:
            raise VtourError(
                "notes",
                "the note's id is not the one in the URL",
                field="id",
                value=new["id"],
                fix=f"send {key} or leave the id out",
            )

        def apply(items: list[dict]) -> dict:
            i = self._find(items, key)
            self._check_version(items[i], if_match)
            stored = _ordered({"created": items[i]["created"]} | new | {"modified": self._next(items[i])})
            replaced.append(("update", items[i]))
            items[i] = stored
            return stored

        return self._change(model, apply, replaced)

    def delete(self, model: str, note: str, if_match: str) -> bool:
        """Delete the note if it is still at version ``if_match`` (its ``modified``: a deletion is
        made from what its author saw, as an update is), else :class:`NoteConflict`; False when it
        was gone. The version deleted goes to the history."""
        self.path(model)
        key = self._key(note)
        replaced: list[tuple[str, dict]] = []

        def apply(items: list[dict]) -> bool:
            for i, item in enumerate(items):
                if item["id"] == key:
                    self._check_version(item, if_match)
                    replaced.append(("delete", item))
                    del items[i]
                    return True
            return False

        return self._change(model, apply, replaced)

    # -- under the lock -------------------------------------------------------------------------

    @staticmethod
    def _key(note: str) -> str:
        key = note_id(note)
        if key is None:
            raise VtourError("notes", "a note's id is a UUID", field="id", value=_shown(note), fix=_ID_FIX)
        return key

    @staticmethod
    def _find(items: list[dict], key: str) -> int:
        for i, item in enumerate(items):
            if item["id"] == key:
                return i
        raise NoteMissing(
            "notes", "no such note: it was deleted", field="id", value=key, fix="add it again (POST) if it should stay"
        )

    @staticmethod
    def _check_version(item: dict, if_match: str) -> None:
        if if_match.strip().strip('"') != item["modified"]:
            raise NoteConflict(
                "notes",
                f"the note changed since the version edited (now {item['modified']})",
                field="If-Match",
                value=_shown(if_match),
                fix="merge with the current note and save again",
                current=item,
            )

    def _next(self, item: dict) -> str:
        """A ``modified`` later than the item's (the clock may not have moved a millisecond)."""
        when, before = self.clock(), datetime.fromisoformat(item["modified"])
        return stamp(max(when, before + timedelta(milliseconds=1)))

    @contextmanager
    def _locked(self, model: str) -> Iterator[Path]:
        path = self.path(model)
        with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(path.with_name(f"{model}{LOCK_SUFFIX}"), os.O_RDWR | os.O_CREAT, 0o666)
            try:
                if fcntl is not None:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                yield path
            finally:
                os.close(fd)  # releases the flock

    def _change(
        self, model: str, apply: Callable[[list[dict]], T], replaced: list[tuple[str, dict]] | None = None
    ) -> T:
        """Run ``apply`` on the notes as the file holds them now; write them back if they changed.
        ``replaced`` is where ``apply`` puts the ``(action, version)`` it replaced or removed: they
        reach the history (on the disk) before the file changes."""
        with self._locked(model) as path:
            page = self.page(model)
            items = list(page["items"])
            result = apply(items)
            if items != page["items"]:
                if replaced:
                    self._append_history(model, replaced)
                if path.exists():
                    with atomic_file(path.with_name(f"{model}{BACKUP_SUFFIX}"), fsync=True) as tmp:
                        shutil.copyfile(path, tmp)
                write_page(path, page | {"items": items}, fsync=True)
                log.info("notes: %s: %d note(s) saved", path, len(items))
            return result

    def _append_history(self, model: str, versions: list[tuple[str, dict]]) -> None:
        """Append one line per ``(action, version)`` to the history, on the disk when this returns.
        A line is written whole by one write(); a file a crash cut mid-line gets a newline first."""
        path = self.history_path(model)
        at = stamp(self.clock())
        text = "".join(
            json.dumps({"at": at, "action": action, "note": note}, ensure_ascii=False, allow_nan=False) + "\n"
            for action, note in versions
        )
        created = not path.exists()
        with open(path, "a+b") as f:
            if not created and f.tell() > 0:
                f.seek(-1, os.SEEK_END)
                if f.read(1) != b"\n":
                    text = "\n" + text
            f.write(text.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
        # a new file's name reaches the disk with the folder's next fsync: the notes file's, just after


def _ordered(note: dict) -> dict:
    """A note with its properties in the order of the W3C examples (files diff well)."""
    return {k: note[k] for k in _ANNOTATION_KEYS if k in note}


# ---------------------------------------------------------------------------------------------
# notes in a build


def source_notes(root: str | Path) -> dict[str, Path]:
    """The notes files beside a tour.yaml: ``{model id: notes/<id>.json}`` (hidden and other files
    of notes/, such as the store's .history.jsonl, .json.bak and .json.lock, are not notes)."""
    folder = Path(root) / NOTES_FOLDER
    if not folder.is_dir():
        return {}
    return {
        p.name[: -len(".json")]: p
        for p in sorted(folder.iterdir())
        if p.name.endswith(".json") and not p.name.startswith(".") and p.is_file()
    }


_LINK_FIX = "copy the file (or the notes folder) into the tour's folder instead of linking to it"


def links_out(path: Path, root: str | Path) -> bool:
    """True when ``path`` (a notes file or folder) resolves outside ``root``, the tour's folder: a link
    that would let a build publish, or a server write, a file elsewhere."""
    return not is_within(path.resolve(), Path(root).resolve())


def notes_problems(tour: Tour) -> list[Problem]:
    """Every problem of the notes beside ``tour``'s tour.yaml: a file for a model the tour does not
    have, or a file that is not a valid page of notes on its model (the first problem of each)."""
    models = {m.id for m in tour.models}
    problems = []
    for model, path in source_notes(tour.root).items():
        where = f"{NOTES_FOLDER}/{path.name}"
        if links_out(path, tour.root):
            problems.append(Problem(where, f"a link out of the tour's folder (to {path.resolve()})", _LINK_FIX))
            continue
        if model not in models:
            problems.append(
                Problem(
                    where,
                    f"notes for a model the tour does not have ({model!r})",
                    f"rename it to {NOTES_FOLDER}/<model id>.json for one of "
                    f"{sorted(models) or '(no models)'}, or remove it",
                )
            )
            continue
        try:
            read_page(path, model=model)
        except VtourError as exc:
            problems.append(_problem(where, exc))
    return problems


def _problem(where: str, exc: VtourError) -> Problem:
    field = f"{exc.field}={exc.value!r}" if exc.value is not None else exc.field
    return Problem(f"{where}: {field}" if field else where, exc.message, exc.fix or "")


def built_notes_problems(folder: str | Path, doc: dict) -> list[Problem]:
    """Problems of the notes files a built tour's tour.json ``doc`` names (``models[i].notes``):
    each must be a valid page of notes on its model. A missing file is the file check's to report."""
    problems = []
    for m in doc.get("models") or []:
        rel = m.get("notes") if isinstance(m, dict) else None
        if not isinstance(rel, str) or rel.startswith("/") or ".." in PurePosixPath(rel).parts:
            continue  # none, or a path the schema refuses
        path = Path(folder) / rel
        if isinstance(m.get("id"), str) and path.is_file():
            try:
                read_page(path, model=m["id"])
            except VtourError as exc:
                problems.append(_problem(rel, exc))
    return problems


def copy_notes(tour: Tour, doc: dict, folder: Path) -> None:
    """Write each model's notes (validated) as ``models/<id>/notes.json`` in the tour ``folder``
    being assembled, and name it as ``notes`` in the model's entry of tour.json ``doc``."""
    from vtour.tour.layout import model_dir  # vtour.tour imports this module: not at the top

    files = source_notes(tour.root)
    entries = {m["id"]: m for m in doc["models"]}
    for model, path in files.items():
        if model not in entries:
            raise VtourError(
                "build",
                "notes for a model the tour does not have",
                path=path,
                fix="rename the file after one of the models, or remove it",
            )
        if links_out(path, tour.root):
            raise VtourError("build", "notes linked from outside the tour's folder", path=path, fix=_LINK_FIX)
        rel = f"{model_dir(model)}/{BUILT_NOTES}"
        write_page(folder / rel, read_page(path, model=model))
        entries[model]["notes"] = rel


__all__ = [
    "BUILT_NOTES",
    "CONTEXT",
    "MOTIVATIONS",
    "NOTES_FOLDER",
    "NOTE_TYPES",
    "NoteConflict",
    "NoteMissing",
    "NotesFileError",
    "NotesStore",
    "built_notes_problems",
    "check_note",
    "check_page",
    "copy_notes",
    "dump_page",
    "empty_page",
    "note_id",
    "notes_problems",
    "read_history",
    "read_page",
    "source_notes",
    "stamp",
    "write_page",
]
