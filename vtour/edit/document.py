"""The tour editor's document: a tour.yaml edited in memory, one undoable step at a time, and
saved so that only the lines of what was edited change.

The file is held as text. Each edit loads that text with ruamel.yaml's round-trip loader (which
keeps comments, key order, quoting and flow or block style), changes the tree, dumps it, and
applies the line diff *dump before -> dump after* onto the text (:func:`merge_text`, a 3-way
merge): ruamel re-wraps long plain scalars and may respell what it does not model, and those
lines stay as the author wrote them unless the edit touches them. A merged text that does not
load to the same data as the edited tree is replaced by the edited tree's dump (correct first,
minimal second). New keys are written snake_case unless the mapping already spells that key in
camelCase; angles are rounded to 0.01 degree; new scenes and hotspots are block style.

What the editor shows comes from the same reader as ``vtour build``: :meth:`EditDocument.problems`
reads the current text as :func:`vtour.tour.validate.validate_path` reads a saved file, so its
texts are exactly the lines ``vtour validate`` prints. Indices are positions in the file's lists
(``hotspots[2]`` is the third item written), as in those locations.

Saving refuses to overwrite a file that changed on disk since it was loaded or last saved
(:class:`ChangedOnDisk`), keeps the previous file as ``tour.yaml.bak`` and writes atomically, with
the file's permissions, newline style and byte-order mark.
"""

from __future__ import annotations

import hashlib
import math
import numbers
import os
import posixpath
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError as RuamelError
from ruamel.yaml.scalarstring import ScalarString, SingleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from vtour.conventions import UNITS, wrap_yaw
from vtour.edit.yamltext import detect_indent, dump_rt, load_rt, merge_text, plain, rt_yaml
from vtour.errors import VtourError
from vtour.notes import notes_problems
from vtour.output import atomic_file, is_within
from vtour.tour.document import (
    HOTSPOT_TYPES,
    ID_PATTERN,
    METADATA_KEYS,
    Kiosk,
    Tour,
    parse_tour,
    read_text,
    snake,
)
from vtour.tour.validate import path_escape, validate_tour

__all__ = ["ChangedOnDisk", "EditDocument", "EditError", "EditProblem", "Target", "target_of"]

T = TypeVar("T")
#: Angles are stored rounded to this many decimals of a degree (0.01 deg: 1.7 mm at 10 m).
ANGLE_DECIMALS = 2
#: Header of a tour.yaml written by :meth:`EditDocument.create`.
NEW_TOUR_HEADER = (
    "# Made by `vtour edit`. Edit it there or by hand: the editor keeps comments, key order\n"
    "# and quoting when it saves. Field reference: docs/tour-yaml.md\n"
)
#: Key order of new keys (after the keys that come before them in these lists).
_TOUR_ORDER = tuple("id title description languages start floorplan settings pano lod scenes models".split())
_SCENE_ORDER = tuple("id title description panorama view limits north_offset floorplan_position pano hotspots".split())
_HOTSPOT_ORDER = ("id", "type", "yaw", "pitch", "target", "title", "text", "image", "url")
_MODEL_ORDER = ("id", "title", "description", "source", "units", "metadata", "lod", "downloads", "previous")
#: Where a new ``kiosk:`` goes among tour.yaml's top-level keys (after ``settings``, before ``scenes``), and the
#: order of the keys inside it.
_KIOSK_AT = (
    *_TOUR_ORDER[: _TOUR_ORDER.index("settings") + 1],
    "kiosk",
    *_TOUR_ORDER[_TOUR_ORDER.index("settings") + 1 :],
)
_KIOSK_ORDER = ("idle_seconds", "countdown_seconds", "attract")
_ATTRACT_ORDER = ("scenes", "seconds_per_scene", "narration")
#: The fields :func:`set_kiosk` sets: tour.yaml's ``kiosk.<name>`` or ``kiosk.attract.<name>``.
KIOSK_FIELDS = {
    "idle_seconds": ("idle_seconds",), "countdown_seconds": ("countdown_seconds",),
    "attract_scenes": ("attract", "scenes"), "seconds_per_scene": ("attract", "seconds_per_scene"),
    "narration": ("attract", "narration"),
}  # fmt: skip


def _kiosk_value(name: str, value: Any, scene_ids: list[str]) -> Any:
    """A :func:`set_kiosk` value checked (an EditError naming the field and value), as written to tour.yaml."""
    where = "kiosk." + ".".join(KIOSK_FIELDS[name])
    if value is None:
        return None
    if name == "narration":
        if not isinstance(value, bool):
            raise EditError("must be true or false", field=where, value=value, fix="tick or untick it")
        return value
    if name == "attract_scenes":
        ids = [value] if isinstance(value, str) else list(value)
        for sid in ids:
            if sid not in scene_ids:
                raise EditError(
                    f"no scene {sid!r} in the tour", field=where, value=sid,
                    fix="choose the tour's scenes: " + (", ".join(scene_ids) or "(it has none)"),
                )  # fmt: skip
        return ids or None  # none chosen: every scene, in the tour's order (the default)
    positive = name == "seconds_per_scene"
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value < 0
        or (positive and value == 0)
    ):
        raise EditError(
            f"must be a number of seconds {'> 0' if positive else '>= 0'}", field=where, value=value,
            fix="e.g. 20" if positive else "e.g. 60, or 0 for never" if name == "idle_seconds" else "e.g. 15, or 0",
        )  # fmt: skip
    return int(value) if float(value).is_integer() else float(value)


#: The text fields each kind of owner has (set_text).
_TEXT_FIELDS = {
    "tour": ("title", "description"),
    "scene": ("title", "description"),
    "hotspot": ("title", "text"),
    "model": ("title", "description"),
}
_HOTSPOT_FIELDS = ("target", "image", "url", "type")
_MODEL_FIELDS = ("source", "units", "metadata", "title")
_ID_FIX = "use letters, digits, '-', '_' or '.', at most 64, not starting with '.' or '-'"
_PATH_FIX = "give a path relative to the tour's folder, of a file inside it"


class EditError(VtourError):
    """Bad input to an edit: an unknown scene, an angle out of range, an id already taken...
    Nothing was changed. The message names the scene, hotspot or model, the field and the value."""

    def __init__(self, message: str, *, field: str | None = None, value: Any = None, fix: str | None = None):
        super().__init__("edit", message, field=field, value=value, fix=fix)


class ChangedOnDisk(VtourError):
    """Save refused: the file on disk is not what was loaded or last saved (another editor, a
    ``git pull``...). Nothing was written."""

    def __init__(self, path: Path):
        super().__init__(
            "edit",
            "the file changed on disk since it was loaded",
            path=path,
            fix="Reload from disk to see the other changes, or copy your edits",
        )


@dataclass(frozen=True)
class Target:
    """What a problem (or a selection) points at. ``scene`` and ``model`` are ids, ``hotspot`` an
    index in that scene's hotspots, ``field`` the first key below the owner (``target``,
    ``title``, ``view``, ``panorama``)."""

    kind: str  # "tour" | "scene" | "hotspot" | "model"
    scene: str | None = None
    hotspot: int | None = None
    model: str | None = None
    field: str | None = None


@dataclass(frozen=True)
class EditProblem:
    """One problem of the document: ``text`` is the line ``vtour validate`` prints for it,
    ``where`` its location without file and line (``scenes[1].hotspots[0].target``)."""

    text: str
    where: str
    target: Target


# ---------------------------------------------------------------------------------------------
# reading like vtour validate


_WHERE = re.compile(r"^(?:scenes\[(?P<scene>\d+)\](?:\.hotspots\[(?P<hotspot>\d+)\])?|models\[(?P<model>\d+)\])")


def target_of(where: str, data: Any) -> Target:
    """The Target of a location (``scenes[1].hotspots[0].target``) in the parsed content ``data``."""
    m = _WHERE.match(where)
    rest = where[m.end() :] if m else where
    field = re.split(r"[.\[]", rest.lstrip("."), maxsplit=1)[0] or None
    doc = data if isinstance(data, dict) else {}
    if m and m.group("model") is not None:
        models = doc.get("models")
        i = int(m.group("model"))
        raw = models[i] if isinstance(models, list) and i < len(models) else None
        return Target("model", model=_effective_id(raw, i, "model"), field=field)
    if m:
        scenes = doc.get("scenes")
        i = int(m.group("scene"))
        raw = scenes[i] if isinstance(scenes, list) and i < len(scenes) else None
        sid = _effective_id(raw, i, "scene")
        if m.group("hotspot") is not None:
            return Target("hotspot", scene=sid, hotspot=int(m.group("hotspot")), field=field)
        return Target("scene", scene=sid, field=field)
    return Target("tour", field=field)


def _effective_id(raw: Any, index: int, kind: str) -> str:
    """The id vtour.tour.document reads for the ``index``-th scene or model ``raw``."""
    rid = _get(raw, "id") if isinstance(raw, dict) else None
    if isinstance(rid, (str, int, float)) and not isinstance(rid, bool):
        return str(rid)
    return f"{kind}{index}"


# ---------------------------------------------------------------------------------------------
# small pieces of the tree


def _key(m: dict, name: str) -> str:
    """How mapping ``m`` spells key ``name`` (``northOffset`` for north_offset), else ``name``."""
    return next((k for k in m if isinstance(k, str) and snake(k) == name), name)


def _get(m: Any, name: str, default: Any = None) -> Any:
    return m.get(_key(m, name), default) if isinstance(m, dict) else default


_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()


def _scalar(value: Any) -> Any:
    """A new string as YAML that PyYAML (YAML 1.1, what vtour reads with) reads back as that
    string: ``yes``, ``on``, ``2019-05-14`` are quoted (ruamel's YAML 1.2 would write them plain)."""
    if isinstance(value, str) and not isinstance(value, ScalarString):
        if _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) != _STR_TAG:
            return SingleQuotedScalarString(value)
    return value


def _styled(old: Any, new: Any) -> Any:
    """``new`` written in the quoting (or block) style of the value it replaces."""
    if isinstance(new, str) and isinstance(old, ScalarString) and not isinstance(new, ScalarString):
        return type(old)(new)
    return _scalar(new)


def _anchor(node: Any) -> str | None:
    """The YAML anchor (``&name``) of a mapping or list, or None: a node other places use as ``*name``."""
    anchor = getattr(node, "anchor", None)
    return getattr(anchor, "value", None)


def _own(m: Any, name: str) -> None:
    """Refuse to change ``m`` in place when it is shared through a YAML anchor: every ``*alias`` (and every
    ``<<:`` merge) of it would change too."""
    anchor = _anchor(m)
    if anchor is not None:
        raise EditError(
            f"{name!r} is in a part of the file shared as &{anchor}: changing it here would change every place "
            f"that uses *{anchor}",
            field=name,
            fix=f"edit it in tour.yaml by hand, or write &{anchor}'s content out in full where this one uses it",
        )


def _put(m: CommentedMap, name: str, value: Any, order: tuple[str, ...]) -> None:
    """Set ``m[name]`` keeping the key's spelling and the value's style; a new key goes before
    the first present key that ``order`` puts after it. A mapping shared through an anchor is refused."""
    _own(m, name)
    key = _key(m, name)
    if key in m:
        old = m[key]
        if not (old == value and isinstance(old, bool) == isinstance(value, bool) and type(old) is not CommentedMap):
            m[key] = _styled(old, value)  # an equal value stays as written (``0.0`` is not rewritten ``0``)
        return
    later = order[order.index(name) + 1 :] if name in order else ()
    pos = next((i for i, k in enumerate(m) if isinstance(k, str) and snake(k) in later), len(m))
    m.insert(pos, name, _scalar(value))


def _drop(m: CommentedMap, name: str) -> None:
    _own(m, name)
    key = _key(m, name)
    if key in m:
        del m[key]


def _tail(node: Any) -> tuple[Any, Any] | None:
    """The collection and key (an index in a list) of the last value written for ``node``: ruamel keeps
    the comment lines that follow an item there, though they introduce whatever comes next."""
    while isinstance(node, (CommentedMap, CommentedSeq)) and node:
        key = list(node)[-1] if isinstance(node, CommentedMap) else len(node) - 1
        value = node[key]
        if isinstance(value, (CommentedMap, CommentedSeq)) and value:
            node = value
            continue
        return node, key
    return None


def _carry_comments(old: Any, new: Any) -> None:
    """Move the full-line comments that follow ``old`` to follow ``new`` instead: an item appended after
    ``old`` (or ``old`` deleted, ``new`` its predecessor) keeps a comment that opened the next section
    in front of that section, not inside the list. The end-of-line comment of ``old``'s last line stays."""
    src, dst = _tail(old), _tail(new)
    if src is None or dst is None:
        return
    (m, k), (m2, k2) = src, dst
    slot = 2 if isinstance(m, CommentedMap) else 0
    entry = m.ca.items.get(k)
    token = entry[slot] if entry is not None and len(entry) > slot else None
    if token is None or not isinstance(token.value, str):
        return
    eol, sep, rest = token.value.partition("\n")
    if not rest.strip():
        return
    token.value = eol + sep
    slot2 = 2 if isinstance(m2, CommentedMap) else 0
    entry2 = m2.ca.items.setdefault(k2, [None, None, None, None] if slot2 == 2 else [None, None])
    if entry2[slot2] is None:
        entry2[slot2] = CommentToken(sep + rest, token.start_mark)
    else:
        entry2[slot2].value = entry2[slot2].value.rstrip("\n") + "\n" + rest


def _append(items: Any, item: Any) -> None:
    """``items.append(item)``, the comments after the old last item kept after the new one."""
    if len(items):
        _carry_comments(items[-1], item)
    items.append(item)


def _attract_scenes(data: Any) -> list[tuple[Any, list]]:
    """Each attract loop's ``attract`` mapping and ``scenes`` list in tour.yaml, where one is written:
    ``kiosk: attract:`` and ``settings: kiosk: attract:`` (the build merges the two, ``kiosk:``
    winning, so a scene renamed or deleted must follow in both)."""
    out = []
    for kiosk in (_get(data, "kiosk"), _get(_get(data, "settings"), "kiosk")):
        attract = _get(kiosk, "attract")
        scenes = _get(attract, "scenes")
        if isinstance(scenes, list):
            out.append((attract, scenes))
    return out


def _delete(items: Any, index: int) -> None:
    """``del items[index]``, the comment lines after the deleted item kept (after its predecessor)."""
    if index > 0:
        _carry_comments(items[index], items[index - 1])
    del items[index]


def _angle(value: float) -> int | float:
    """Rounded to 0.01 degree; integral values as ints (``90``, not ``90.0``), never ``-0``."""
    r = round(float(value), ANGLE_DECIMALS) + 0.0
    return int(r) if r.is_integer() else r


def _finite(value: Any, field: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise EditError(f"{where}: {field} must be a finite number", field=field, value=value, fix="give degrees")
    return float(value)


def _safe_id(text: str, fallback: str) -> str:
    """``text`` made an id (ID_PATTERN): other characters become ``-``; empty: ``fallback``."""
    s = re.sub(r"[^A-Za-z0-9_.-]+", "-", text).lstrip(".-")[:64].rstrip("-")
    return s if s and ID_PATTERN.match(s) else fallback


def _unique(base: str, taken: Iterable[str]) -> str:
    taken = set(taken)
    if base not in taken:
        return base
    n = 2
    while f"{base[:58]}-{n}" in taken:
        n += 1
    return f"{base[:58]}-{n}"


def _is_link(h: Any) -> bool:
    """A hotspot mapping reads as a link (its type, or a target without text: document._hotspot)."""
    kind = _get(h, "type")
    if kind is None:
        return _get(h, "target") is not None and _get(h, "text") is None
    return kind == "link"


def _kind(h: Any) -> str:
    kind = _get(h, "type")
    return str(kind) if kind is not None else ("link" if _is_link(h) else "info")


# ---------------------------------------------------------------------------------------------
# the document


class EditDocument:
    """A tour.yaml open for editing. Construct with :meth:`open` or :meth:`create`.

    ``path`` is the file (absolute), ``root`` its folder. State queries read the current text as
    ``vtour build`` would (normalised texts, folded yaws, defaults filled in); edits change the
    text; :meth:`save` writes it. Not thread-safe: one editor session owns it."""

    def __init__(self, path: Path, raw: bytes):
        self.path = path
        self.root = path.parent
        self._load_bytes(raw)

    # -- files ----------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path) -> EditDocument:
        """Open ``path``. VtourError naming the file if it cannot be read or is not YAML."""
        path = Path(os.path.abspath(path))
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise VtourError("edit", "file not found", path=path, fix="check the path") from None
        except OSError as exc:
            raise VtourError("edit", f"cannot be read ({exc.strerror})", path=path) from None
        return cls(path, raw)

    @classmethod
    def create(
        cls,
        folder: str | Path,
        *,
        tour_id: str | None = None,
        title: dict | None = None,
        languages: Iterable[str] = ("en", "zh"),
    ) -> EditDocument:
        """Open ``folder/tour.yaml``, first writing a new one (commented, no scenes) if there is
        none. ``folder`` is created if missing; its parent must exist."""
        folder = Path(os.path.abspath(folder))
        path = folder / "tour.yaml"
        if path.is_file():
            return cls.open(path)
        if os.path.lexists(path):  # a folder, or a link to nothing (a drive not mounted): never replaced
            raise VtourError(
                "edit",
                "exists but is not a file that can be read (a folder, or a link to a file that is not there)",
                path=path,
                fix="open the tour.yaml it stands for, or move it away to start a new tour here",
            )
        langs = list(languages)
        if not langs or any(not isinstance(x, str) or not x for x in langs) or len(set(langs)) != len(langs):
            raise EditError("languages must be distinct names", field="languages", value=langs, fix="e.g. en, zh")
        tid = tour_id if tour_id is not None else _safe_id(folder.name, "tour")
        if not ID_PATTERN.match(tid):
            raise EditError(f"tour id {tid!r} is not a safe folder name", field="id", value=tid, fix=_ID_FIX)
        if not folder.parent.is_dir():
            raise VtourError(
                "edit", "its parent folder does not exist", path=folder, fix="create it, or choose another folder"
            )
        try:
            folder.mkdir(exist_ok=True)
        except FileExistsError:
            raise VtourError("edit", "is a file, not a folder", path=folder, fix="choose a folder") from None
        data = CommentedMap()
        data["id"] = _scalar(tid)
        data["title"] = _texts(title if title is not None else {langs[0]: folder.name}, langs, "title", "tour")
        data["languages"] = CommentedSeq(_scalar(x) for x in langs)
        data["languages"].fa.set_flow_style()
        data["scenes"] = CommentedSeq()
        data["scenes"].fa.set_flow_style()
        text = NEW_TOUR_HEADER + dump_rt(rt_yaml((2, 2, 0)), data)
        with atomic_file(path, fsync=True) as tmp:
            tmp.write_text(text, encoding="utf-8")
        return cls.open(path)

    def _load_bytes(self, raw: bytes) -> None:
        """Take ``raw`` (the file's bytes) as the loaded and saved state; history cleared."""
        self._disk_hash = hashlib.sha256(raw).hexdigest()
        self._bom = raw.startswith(b"\xef\xbb\xbf")
        self._crlf = b"\r\n" in raw
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise VtourError(
                "edit", f"not UTF-8 text ({exc.reason})", path=self.path, fix="save the file as UTF-8"
            ) from None
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        read_text(text, self.path)  # refuses what vtour cannot read (deep nesting, alias bombs, bad YAML)
        self._yaml = rt_yaml(detect_indent(text))
        try:
            base = dump_rt(self._yaml, load_rt(self._yaml, text))
        except (RuamelError, RecursionError) as exc:
            raise VtourError("edit", f"cannot be edited: {exc}", path=self.path, fix="fix the YAML by hand") from None
        self._saved = text
        self._state = (text, base)  # the text, and ruamel's dump of it
        self.version = getattr(self, "version", 0) + 1  # every change of the text: pages compare it
        self._undo: list[tuple[str, str]] = []
        self._redo: list[tuple[str, str]] = []
        self._read: tuple[str, Any, Tour] | None = None
        self._spare: tuple[str, Any] | None = None  # a loaded tree of a text, unused yet

    def changed_on_disk(self) -> bool:
        """Whether the file's bytes differ from what was loaded or last saved (gone: changed)."""
        try:
            raw = self.path.read_bytes()
        except OSError:
            return True
        return hashlib.sha256(raw).hexdigest() != self._disk_hash

    def save(self) -> Path:
        """Write the document: ChangedOnDisk if :meth:`changed_on_disk`; else the file on disk is
        copied to ``tour.yaml.bak`` and the new text written in its place, both atomically and
        fsynced, with the file's permissions. Nothing is written when the text is unchanged. A file
        deleted (or moved away) since is written anew: nothing is overwritten, and the edits are kept."""
        gone = not os.path.lexists(self.path)
        if not gone and self.changed_on_disk():
            raise ChangedOnDisk(self.path)
        text = self.text()
        if text == self._saved and not gone:
            return self.path
        body = text.replace("\n", "\r\n") if self._crlf else text
        raw = (b"\xef\xbb\xbf" if self._bom else b"") + body.encode("utf-8")
        try:
            if gone:
                writes, mode = [(self.path, raw)], None
            else:
                dest = self.path.resolve()  # a symbolic link stays one
                mode = stat.S_IMODE(dest.stat().st_mode)
                writes = [(self.path.with_name(self.path.name + ".bak"), dest.read_bytes()), (dest, raw)]
            for target, data in writes:
                with atomic_file(target, fsync=True) as tmp:
                    tmp.write_bytes(data)
                    if mode is not None:
                        os.chmod(tmp, mode)
        except OSError as exc:
            raise VtourError(
                "edit",
                f"cannot be saved ({exc.strerror or exc})",
                path=getattr(exc, "filename", None) or self.path,
                fix="check that the folder is writable and has space (a tour.yaml.bak that is a folder is in the way); "
                "your edits are kept: save again",
            ) from None
        self._disk_hash = hashlib.sha256(raw).hexdigest()
        self._saved = text
        return self.path

    def reload(self) -> None:
        """Discard the edits and read the file again (the undo history is cleared)."""
        fresh = EditDocument.open(self.path)
        version = self.version
        self.__dict__.update(fresh.__dict__)
        self.version = version + 1

    # -- state ----------------------------------------------------------------------------------

    def text(self) -> str:
        """The current document as YAML."""
        return self._state[0]

    @property
    def dirty(self) -> bool:
        """Whether the text differs from the file as loaded or last saved."""
        return self._state[0] != self._saved

    def _parsed(self) -> tuple[Any, Tour]:
        """The current text read as vtour reads it: raw content and Tour (cached per text)."""
        text = self._state[0]
        if self._read is None or self._read[0] != text:
            data, lines, _ = read_text(text, self.path)
            tour, _ = parse_tour(data, root=self.root, file=self.path.name, lines=lines)
            self._read = (text, data, tour)
        return self._read[1], self._read[2]

    @property
    def languages(self) -> tuple[str, ...]:
        return self._parsed()[1].languages

    @property
    def floorplan(self) -> str | None:
        return self._parsed()[1].floorplan

    @property
    def title(self) -> dict:
        """The tour's title, ``{language: text}`` (the id when it has none, as the build reads it)."""
        return dict(self._parsed()[1].title)

    @property
    def start(self) -> str | None:
        """The start scene: ``start:``, else the first scene's id (as the build reads it)."""
        return self._parsed()[1].start

    @property
    def kiosk(self) -> Kiosk:
        """tour.yaml's ``kiosk:`` as the build reads it (every field None when it is not written)."""
        return self._parsed()[1].kiosk or Kiosk()

    def set_kiosk(self, **fields: Any) -> None:
        """Set fields of tour.yaml's ``kiosk:`` (:data:`KIOSK_FIELDS`: ``idle_seconds``, ``countdown_seconds``
        (seconds >= 0), ``attract_scenes`` (scene ids of the tour, in the order given; empty: every scene),
        ``seconds_per_scene`` (> 0), ``narration`` (bool)) as one undoable edit; None removes a field,
        and a mapping left empty goes too. Comments, key spelling (``idleSeconds``) and order are kept; a new
        ``kiosk:`` goes before ``pano:``/``scenes:``. An EditError (nothing changed) for a bad value."""
        for name in fields:
            if name not in KIOSK_FIELDS:
                raise EditError(f"kiosk: {name} cannot be set here", field=name, fix=f"set one of {list(KIOSK_FIELDS)}")
        ids = self.scene_ids()
        values = {name: _kiosk_value(name, value, ids) for name, value in fields.items()}

        def mapping(parent: Any, name: str, order: tuple[str, ...], create: bool) -> Any:
            found = _get(parent, name)
            if found is None and create:
                _put(parent, name, CommentedMap(), order)
                found = _get(parent, name)
            if found is not None and not isinstance(found, CommentedMap):
                raise EditError(
                    f"{name} is not a mapping", field=name, value=found, fix=f"write {name}: as a mapping by hand"
                )
            return found

        def change(data: CommentedMap) -> None:
            for name, value in values.items():
                path = KIOSK_FIELDS[name]
                kiosk = mapping(data, "kiosk", _KIOSK_AT, value is not None)
                parent = (
                    kiosk
                    if len(path) == 1 or kiosk is None
                    else mapping(kiosk, "attract", _KIOSK_ORDER, value is not None)
                )
                if parent is None:
                    continue
                key = path[-1]
                _own(parent, key)
                if value is None:
                    _drop(parent, key)
                elif isinstance(value, list):
                    old = _get(parent, key)
                    if isinstance(old, CommentedSeq) and list(old) != value:
                        old[:] = value  # the list's style (flow or block) and comments kept
                    elif not isinstance(old, CommentedSeq):
                        _put(parent, key, CommentedSeq(value), _ATTRACT_ORDER)
                else:
                    _put(parent, key, value, _ATTRACT_ORDER if len(path) == 2 else _KIOSK_ORDER)
                attract = _get(kiosk, "attract") if kiosk is not None else None
                if isinstance(attract, CommentedMap) and not attract:
                    _drop(kiosk, "attract")
                if isinstance(kiosk, CommentedMap) and not kiosk:
                    _drop(data, "kiosk")

        self._edit(change)

    def scene_ids(self) -> list[str]:
        return [s.id for s in self._parsed()[1].scenes]

    def scenes(self) -> list[dict]:
        """Every scene as ``{id, title, panorama, view, limits, north_offset, floorplan_position,
        hotspots}`` (``hotspots``: how many)."""
        out = []
        for s in self._parsed()[1].scenes:
            pos = s.floorplan_position
            out.append(
                {
                    "id": s.id,
                    "title": dict(s.title or {}),
                    "panorama": list(s.panorama),
                    "view": {"yaw": s.view.yaw, "pitch": s.view.pitch, "fov": s.view.fov},
                    "limits": dict(s.limits) if s.limits is not None else None,
                    "north_offset": s.north_offset,
                    "floorplan_position": {"x": pos[0], "y": pos[1]} if pos else None,
                    "hotspots": len(s.hotspots),
                }
            )
        return out

    def scene(self, scene_id: str) -> dict:
        found = next((s for s in self.scenes() if s["id"] == scene_id), None)
        if found is None:
            raise self._unknown_scene(scene_id)
        return found

    def hotspots(self, scene_id: str) -> list[dict]:
        """The scene's hotspots: ``{index, id, type, yaw, pitch, target, title, text, image, url}``;
        ``index`` is the position in the file's list, ``id`` None unless written."""
        data, tour = self._parsed()
        i = next((k for k, s in enumerate(tour.scenes) if s.id == scene_id), None)
        if i is None:
            raise self._unknown_scene(scene_id)
        raw = _get(_get(data, "scenes")[i], "hotspots")
        out = []
        for h in tour.scenes[i].hotspots:
            index = int(h.where.rsplit("[", 1)[1].rstrip("]"))
            rid = _get(raw[index], "id")
            out.append(
                {
                    "index": index,
                    "id": None if rid is None else h.id,
                    "type": h.type,
                    "yaw": h.yaw,
                    "pitch": h.pitch,
                    "target": h.target,
                    "title": dict(h.title or {}),
                    "text": dict(h.text or {}),
                    "image": h.image,
                    "url": h.url,
                }
            )
        return out

    def models(self) -> list[dict]:
        """Every model as ``{id, source, title, units, metadata}``."""
        return [
            {
                "id": m.id,
                "source": m.source,
                "title": dict(m.title or {}),
                "units": m.units,
                "metadata": dict(m.metadata),
            }
            for m in self._parsed()[1].models
        ]

    def deep_zoom_images(self) -> list[dict]:
        """Every deep-zoom image of ``images:`` as ``{id, title}`` (what an info hotspot's ``image`` may name)."""
        return [{"id": i.id, "title": dict(i.title or {})} for i in self._parsed()[1].images]

    def problems(self) -> list[EditProblem]:
        """Every problem ``vtour validate`` would print for the current text saved at ``path``,
        in its order and words, each with the Target it is about."""
        text = self._state[0]
        try:
            data, lines, problems = read_text(text, self.path)
        except VtourError as exc:  # cannot happen after edits; a file opened is readable
            return [EditProblem(str(exc), "", Target("tour"))]
        tour, shape = parse_tour(data, root=self.root, file=self.path.name, lines=lines)
        found = problems + shape + validate_tour(tour) + notes_problems(tour)
        head = re.compile(rf"^{re.escape(self.path.name)}(?::\d+)?(?:: |$)")
        out = []
        for p in found:
            m = head.match(p.location)
            where = p.location[m.end() :] if m else ""
            out.append(EditProblem(str(p), where, target_of(where, data)))
        return out

    # -- history --------------------------------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo(self) -> bool:
        """Go back one edit; False when there is none."""
        if not self._undo:
            return False
        self._redo.append(self._state)
        self._state = self._undo.pop()
        self.version += 1
        return True

    def redo(self) -> bool:
        """Do again the last undone edit; False when there is none."""
        if not self._redo:
            return False
        self._undo.append(self._state)
        self._state = self._redo.pop()
        self.version += 1
        return True

    def _edit(self, change: Callable[[CommentedMap], T]) -> T:
        """Apply ``change`` to a fresh tree of the current text as one undo step. An exception
        leaves the document as it was (the tree is thrown away)."""
        text, base = self._state
        spare, self._spare = self._spare, None
        data = spare[1] if spare is not None and spare[0] == text else load_rt(self._yaml, text)
        if data is None:
            data = CommentedMap()
        if not isinstance(data, CommentedMap):
            raise EditError(
                "the file is not a mapping of tour fields", fix="fix it by hand: start with id:, title:, scenes:"
            )
        result = change(data)
        new = dump_rt(self._yaml, data)
        merged, rt = merge_text(text, base, new), new
        if merged != new:
            try:
                tree = load_rt(self._yaml, merged)
            except RuamelError:
                tree = None
            if tree is not None and plain(tree) == plain(data):
                rt = dump_rt(self._yaml, tree)
                self._spare = (merged, tree)  # the next edit's fresh tree: one load per edit
            else:
                merged = new  # correct first: the edited tree's own dump
        if merged != text:
            self._undo.append(self._state)
            self._redo.clear()
            self._state = (merged, rt)
            self.version += 1
        return result

    # -- lookups in the tree ----------------------------------------------------------------------

    def _unknown_scene(self, scene_id: Any) -> EditError:
        return EditError(
            f"no scene {scene_id!r}",
            field="scene",
            value=scene_id,
            fix=f"use one of {self.scene_ids()}" if self.scene_ids() else "add a scene first",
        )

    def _list(self, m: CommentedMap, name: str, where: str, create: bool = False) -> CommentedSeq:
        value = _get(m, name)
        if value is None and create:
            _put(m, name, CommentedSeq(), _TOUR_ORDER if where == "tour" else _SCENE_ORDER)
            value = _get(m, name)
        if value is None:
            return CommentedSeq()
        if not isinstance(value, CommentedSeq):
            raise EditError(
                f"{where}: {name} is not a list", field=name, value=value, fix=f"write {name} as a '- ' list by hand"
            )
        if create and not value:
            value.fa.set_block_style()  # `scenes: []` of a new tour: items go below, block style
        return value

    def _scene_at(self, data: CommentedMap, scene_id: Any) -> tuple[int, CommentedMap]:
        for i, raw in enumerate(self._list(data, "scenes", "tour")):
            if isinstance(raw, CommentedMap) and _effective_id(raw, i, "scene") == scene_id:
                return i, raw
        raise self._unknown_scene(scene_id)

    def _hotspot_at(self, data: CommentedMap, scene_id: Any, index: Any) -> tuple[CommentedSeq, CommentedMap]:
        _, scene = self._scene_at(data, scene_id)
        items = self._list(scene, "hotspots", f"scene {scene_id!r}")
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(items):
            raise EditError(
                f"scene {scene_id!r} has no hotspot {index!r}",
                field="hotspot",
                value=index,
                fix=f"use an index from 0 to {len(items) - 1}" if items else "add a hotspot first",
            )
        h = items[index]
        if not isinstance(h, CommentedMap):
            raise EditError(
                f"scene {scene_id!r}, hotspot {index} is not a mapping", fix="fix it by hand: write type:, yaw:, pitch:"
            )
        return items, h

    def _model_at(self, data: CommentedMap, model_id: Any) -> tuple[int, CommentedMap]:
        for i, raw in enumerate(self._list(data, "models", "tour")):
            if isinstance(raw, CommentedMap) and _effective_id(raw, i, "model") == model_id:
                return i, raw
        ids = [m["id"] for m in self.models()]
        raise EditError(
            f"no model {model_id!r}",
            field="model",
            value=model_id,
            fix=f"use one of {ids}" if ids else "add a model first",
        )

    def _path(self, value: Any, field: str, where: str) -> str:
        """A path as written in tour.yaml: relative to root, posix, inside it."""
        if not isinstance(value, (str, os.PathLike)) or not str(value):
            raise EditError(f"{where}: {field} must be a file path", field=field, value=value, fix=_PATH_FIX)
        p = Path(value)
        if p.is_absolute():
            for a, b in ((p, self.root), (p.resolve(), self.root.resolve())):
                if is_within(a, b) and a != b:
                    return a.relative_to(b).as_posix()
            raise EditError(
                f"{where}: {field} is outside the tour's folder", field=field, value=str(value), fix=_PATH_FIX
            )
        rel = posixpath.normpath(str(value).replace("\\", "/"))
        why = path_escape(rel)
        if why or rel == ".":
            raise EditError(f"{where}: {field} {why or 'is the folder'}", field=field, value=str(value), fix=_PATH_FIX)
        return rel

    def _check_id(self, new_id: Any, taken: Iterable[str], kind: str) -> str:
        if not isinstance(new_id, str) or not ID_PATTERN.match(new_id):
            raise EditError(f"{kind} id {new_id!r} is not a safe name", field="id", value=new_id, fix=_ID_FIX)
        if new_id in set(taken):
            raise EditError(f"{kind} id {new_id!r} is already taken", field="id", value=new_id, fix="choose another id")
        return new_id

    # -- scenes ---------------------------------------------------------------------------------

    def add_scene(self, panoramas: list[str], *, scene_id: str | None = None, title: dict | None = None) -> str:
        """Add a scene at the end; returns its id (from the first file's stem unless given)."""
        if isinstance(panoramas, (str, os.PathLike)) or not panoramas:
            raise EditError("a scene needs a list of one or more panorama files", field="panoramas", value=panoramas)
        files = [self._path(p, "panorama", "new scene") for p in panoramas]
        stem = Path(files[0]).stem
        taken = self.scene_ids()
        sid = (
            self._check_id(scene_id, taken, "scene")
            if scene_id is not None
            else _unique(_safe_id(stem, "scene"), taken)
        )
        langs = self.languages
        texts = _texts(title if title is not None else {langs[0]: stem}, langs, "title", f"scene {sid!r}")

        def change(data: CommentedMap) -> str:
            scene = CommentedMap()
            scene["id"] = _scalar(sid)
            if texts is not None:
                scene["title"] = texts
            pano = _scalar(files[0]) if len(files) == 1 else CommentedSeq(_scalar(f) for f in files)
            scene["panorama"] = pano
            _append(self._list(data, "scenes", "tour", create=True), scene)
            return sid

        return self._edit(change)

    def rename_scene(self, scene_id: str, *, new_id: str | None = None, title: dict | None = None) -> None:
        """Give a scene a new id (link targets and ``start`` follow) and/or a new title."""
        if new_id is not None and new_id != scene_id:
            self._check_id(new_id, [s for s in self.scene_ids() if s != scene_id], "scene")
        texts = _texts(title, self.languages, "title", f"scene {scene_id!r}") if title is not None else None

        def change(data: CommentedMap) -> None:
            _, scene = self._scene_at(data, scene_id)
            if title is not None:
                if texts is None:
                    _drop(scene, "title")
                else:
                    _put(scene, "title", texts, _SCENE_ORDER)
            if new_id is None or new_id == scene_id:
                return
            _put(scene, "id", new_id, _SCENE_ORDER)
            for other in self._list(data, "scenes", "tour"):
                for h in self._list(other, "hotspots", "scene") if isinstance(other, CommentedMap) else ():
                    if isinstance(h, CommentedMap) and _is_link(h) and _get(h, "target") == scene_id:
                        _put(h, "target", new_id, _HOTSPOT_ORDER)
            if _get(data, "start") == scene_id:
                _put(data, "start", new_id, _TOUR_ORDER)
            for _, attract_scenes in _attract_scenes(data):
                for k, sid in enumerate(attract_scenes):
                    if sid == scene_id:
                        attract_scenes[k] = new_id

        self._edit(change)

    def move_scene(self, scene_id: str, index: int) -> None:
        """Move a scene to position ``index`` (clamped to the list)."""
        if isinstance(index, bool) or not isinstance(index, int):
            raise EditError(f"scene {scene_id!r}: a position is a whole number", field="index", value=index)

        def change(data: CommentedMap) -> None:
            i, _ = self._scene_at(data, scene_id)
            scenes = self._list(data, "scenes", "tour")
            to = min(max(index, 0), len(scenes) - 1)
            if to != i:
                scenes.insert(to, scenes.pop(i))

        self._edit(change)

    def delete_scene(self, scene_id: str) -> int:
        """Delete a scene and the links to it from other scenes; returns how many links went. A
        ``start`` naming it moves to the first scene left (or goes)."""

        def change(data: CommentedMap) -> int:
            i, _ = self._scene_at(data, scene_id)
            scenes = self._list(data, "scenes", "tour")
            _delete(scenes, i)
            removed = 0
            for other in scenes:
                items = self._list(other, "hotspots", "scene") if isinstance(other, CommentedMap) else []
                for k in reversed(range(len(items))):
                    if _is_link(items[k]) and _get(items[k], "target") == scene_id:
                        _delete(items, k)
                        removed += 1
            if _get(data, "start") == scene_id:
                first = next((s for s in scenes if isinstance(s, CommentedMap)), None)
                if first is None:
                    _drop(data, "start")
                else:
                    _put(data, "start", _effective_id(first, scenes.index(first), "scene"), _TOUR_ORDER)
            for attract, attract_scenes in _attract_scenes(data):
                if scene_id not in attract_scenes:
                    continue
                for k in reversed(range(len(attract_scenes))):
                    if attract_scenes[k] == scene_id:
                        _delete(attract_scenes, k)
                if not attract_scenes:  # none left: the attract loop shows every scene (the default)
                    _drop(attract, "scenes")
            return removed

        return self._edit(change)

    def set_start(self, scene_id: str) -> None:
        def change(data: CommentedMap) -> None:
            self._scene_at(data, scene_id)
            _put(data, "start", scene_id, _TOUR_ORDER)

        self._edit(change)

    def set_view(self, scene_id: str, yaw: float, pitch: float, fov: float) -> None:
        """The scene's initial view; yaw folded into [-180, 180), all rounded to 0.01 deg."""
        where = f"scene {scene_id!r}, view"
        y = wrap_yaw(_finite(yaw, "yaw", where))
        p = _pitch(_finite(pitch, "pitch", where), where)
        f = _fov(_finite(fov, "fov", where), "fov", where)

        def change(data: CommentedMap) -> None:
            _, scene = self._scene_at(data, scene_id)
            view = _get(scene, "view")
            if not isinstance(view, CommentedMap):
                view = CommentedMap()
                _put(scene, "view", view, _SCENE_ORDER)
                view = _get(scene, "view")
            for name, value in (("yaw", y), ("pitch", p), ("fov", f)):
                _put(view, name, _angle(value), ("yaw", "pitch", "fov"))

        self._edit(change)

    def set_limits(self, scene_id: str, min_fov: float | None, max_fov: float | None) -> None:
        """Zoom limits (vertical fov, each in (0, 180), min below max); None leaves one out, both
        None remove the limits."""
        where = f"scene {scene_id!r}, limits"
        low = None if min_fov is None else _fov(_finite(min_fov, "min_fov", where), "min_fov", where)
        high = None if max_fov is None else _fov(_finite(max_fov, "max_fov", where), "max_fov", where)
        if low is not None and high is not None and low >= high:
            raise EditError(
                f"{where}: min_fov {low:g} is not below max_fov {high:g}", field="min_fov", value=low, fix="swap them"
            )

        def change(data: CommentedMap) -> None:
            _, scene = self._scene_at(data, scene_id)
            if low is None and high is None:
                _drop(scene, "limits")
                return
            limits = _get(scene, "limits")
            if not isinstance(limits, CommentedMap):
                _put(scene, "limits", CommentedMap(), _SCENE_ORDER)
                limits = _get(scene, "limits")
            for name, value in (("min_fov", low), ("max_fov", high)):
                if value is None:
                    _drop(limits, name)
                else:
                    _put(limits, name, _angle(value), ("min_fov", "max_fov"))

        self._edit(change)

    def set_north(self, scene_id: str, degrees: float) -> None:
        """The yaw of north in this panorama, folded into [-180, 180)."""
        north = wrap_yaw(_finite(degrees, "north_offset", f"scene {scene_id!r}"))

        def change(data: CommentedMap) -> None:
            _, scene = self._scene_at(data, scene_id)
            _put(scene, "north_offset", _angle(north), _SCENE_ORDER)

        self._edit(change)

    def set_floorplan_position(self, scene_id: str, x: float | None, y: float | None) -> None:
        """Where the scene is on the floor plan: fractions 0..1 from the top left; None removes it."""
        where = f"scene {scene_id!r}, floorplan_position"
        if (x is None) != (y is None):
            raise EditError(f"{where}: give both x and y, or neither", field="x" if x is None else "y", value=None)
        pos = []
        for name, v in (("x", x), ("y", y)):
            if v is None:
                continue
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
                raise EditError(f"{where}: {name} must be a fraction from 0 to 1", field=name, value=v, fix="e.g. 0.4")
            pos.append(round(float(v), 4))

        def change(data: CommentedMap) -> None:
            _, scene = self._scene_at(data, scene_id)
            if not pos:
                _drop(scene, "floorplan_position")
                return
            old = _get(scene, "floorplan_position")
            if not isinstance(old, CommentedMap):
                _put(scene, "floorplan_position", CommentedMap(), _SCENE_ORDER)
                old = _get(scene, "floorplan_position")
            _put(old, "x", pos[0], ("x", "y"))
            _put(old, "y", pos[1], ("x", "y"))

        self._edit(change)

    def set_floorplan(self, path: str | None) -> None:
        """The tour's floor plan image (a path in the tour's folder); None removes it."""
        rel = None if path is None else self._path(path, "floorplan", "tour")

        def change(data: CommentedMap) -> None:
            if rel is None:
                _drop(data, "floorplan")
            else:
                _put(data, "floorplan", rel, _TOUR_ORDER)

        self._edit(change)

    # -- hotspots -------------------------------------------------------------------------------

    def add_hotspot(
        self,
        scene_id: str,
        type: str,
        yaw: float,
        pitch: float,
        *,
        target: str | None = None,
        title: dict | None = None,
        text: dict | None = None,
    ) -> int:
        """Add a hotspot at the end of the scene's list; returns its index. A link's target may be
        any scene id, even one not there (yet): that is a validation problem, not an edit error."""
        where = f"scene {scene_id!r}, new hotspot"
        if type not in HOTSPOT_TYPES:
            raise EditError(
                f"{where}: unknown hotspot type {type!r}", field="type", value=type, fix=f"use one of {HOTSPOT_TYPES}"
            )
        y = wrap_yaw(_finite(yaw, "yaw", where))
        p = _pitch(_finite(pitch, "pitch", where), where)
        if target is not None and (not isinstance(target, str) or not target):
            raise EditError(f"{where}: target must be an id", field="target", value=target)
        langs = self.languages
        titles = _texts(title, langs, "title", where) if title is not None else None
        texts = _texts(text, langs, "text", where) if text is not None else None

        def change(data: CommentedMap) -> int:
            _, scene = self._scene_at(data, scene_id)
            h = CommentedMap()
            h["type"] = type
            h["yaw"] = _angle(y)
            h["pitch"] = _angle(p)
            for name, value in (("target", target), ("title", titles), ("text", texts)):
                if value is not None:
                    h[name] = _scalar(value)
            items = self._list(scene, "hotspots", f"scene {scene_id!r}", create=True)
            _append(items, h)
            return len(items) - 1

        return self._edit(change)

    def move_hotspot(self, scene_id: str, index: int, yaw: float, pitch: float) -> None:
        """Move a hotspot: yaw folded into [-180, 180), pitch clamped to [-90, 90], 0.01 deg."""
        where = f"scene {scene_id!r}, hotspot {index!r}"
        y = wrap_yaw(_finite(yaw, "yaw", where))
        p = min(max(_finite(pitch, "pitch", where), -90.0), 90.0)

        def change(data: CommentedMap) -> None:
            _, h = self._hotspot_at(data, scene_id, index)
            _put(h, "yaw", _angle(y), _HOTSPOT_ORDER)
            _put(h, "pitch", _angle(p), _HOTSPOT_ORDER)

        self._edit(change)

    def delete_hotspot(self, scene_id: str, index: int) -> None:
        def change(data: CommentedMap) -> None:
            items, _ = self._hotspot_at(data, scene_id, index)
            _delete(items, index)

        self._edit(change)

    def set_hotspot(self, scene_id: str, index: int, **fields: Any) -> None:
        """Set ``target``, ``image``, ``url`` or ``type`` of a hotspot; None removes the key."""
        where = f"scene {scene_id!r}, hotspot {index!r}"
        values: dict[str, Any] = {}
        for name, value in fields.items():
            if name not in _HOTSPOT_FIELDS:
                raise EditError(f"{where}: {name} cannot be set here", field=name, fix=f"set one of {_HOTSPOT_FIELDS}")
            if value is None:
                if name == "type":
                    raise EditError(f"{where}: a hotspot needs a type", field="type", fix=f"use one of {HOTSPOT_TYPES}")
            elif name == "type" and value not in HOTSPOT_TYPES:
                raise EditError(
                    f"{where}: unknown hotspot type {value!r}",
                    field="type",
                    value=value,
                    fix=f"use one of {HOTSPOT_TYPES}",
                )
            elif name == "image":
                value = self._path(value, "image", where)
            elif not isinstance(value, str) or not value:
                raise EditError(f"{where}: {name} must be text", field=name, value=value, fix="or None to remove it")
            values[name] = value

        def change(data: CommentedMap) -> None:
            _, h = self._hotspot_at(data, scene_id, index)
            for name, value in values.items():
                if value is None:
                    _drop(h, name)
                else:
                    _put(h, name, value, _HOTSPOT_ORDER)

        self._edit(change)

    def add_reverse_link(self, scene_id: str, index: int) -> tuple[str, int]:
        """For link ``index`` of scene A targeting scene B, add in B a link back to A, pointing the
        opposite way: ``yaw_B = yaw_A - north_A + 180 + north_B`` (folded), the same pitch. Returns
        ``(B, index of the new link)``."""
        _, tour = self._parsed()
        a = tour.scene(scene_id)
        if a is None:
            raise self._unknown_scene(scene_id)
        h = next((h for h in a.hotspots if h.where.endswith(f".hotspots[{index}]")), None)
        where = f"scene {scene_id!r}, hotspot {index!r}"
        if h is None:
            raise EditError(f"{where}: no such hotspot", field="hotspot", value=index, fix="select a link hotspot")
        if h.type != "link":
            raise EditError(
                f"{where} is a {h.type} hotspot, not a link", field="type", value=h.type, fix="select a link hotspot"
            )
        b = tour.scene(h.target) if h.target else None
        if b is None:
            raise EditError(
                f"{where} links to unknown scene {h.target!r}",
                field="target",
                value=h.target,
                fix="set its target to a scene first",
            )
        if any(x.type == "link" and x.target == scene_id for x in b.hotspots):
            raise EditError(
                f"scene {b.id!r} already links back to {scene_id!r}",
                field="target",
                value=scene_id,
                fix="move that link instead",
            )
        yaw = wrap_yaw(h.yaw - a.north_offset + 180.0 + b.north_offset)
        return b.id, self.add_hotspot(b.id, "link", yaw, h.pitch, target=scene_id)

    # -- texts ----------------------------------------------------------------------------------

    def set_text(self, owner: Target, field: str, language: str, value: str) -> None:
        """Set one language of a text (``title``, ``text``, ``description``) of the tour, a scene,
        a hotspot or a model; ``""`` removes that language. A text written as a plain string
        becomes ``{first language: old, language: value}``."""
        fields = _TEXT_FIELDS.get(owner.kind)
        if fields is None:
            raise EditError(f"cannot set texts of a {owner.kind!r}", field="owner", value=owner.kind)
        if field not in fields:
            raise EditError(
                f"a {owner.kind} has no text {field!r}", field="field", value=field, fix=f"use one of {fields}"
            )
        langs = self.languages
        if language not in langs:
            raise EditError(
                f"language {language!r} is not one of the tour's languages {list(langs)}",
                field="language",
                value=language,
                fix="add it to languages first",
            )
        if not isinstance(value, str):
            raise EditError(f"{owner.kind} {field}: a text is a string", field=field, value=value)
        order = {"tour": _TOUR_ORDER, "scene": _SCENE_ORDER, "hotspot": _HOTSPOT_ORDER, "model": _MODEL_ORDER}[
            owner.kind
        ]

        def change(data: CommentedMap) -> None:
            if owner.kind == "tour":
                m = data
            elif owner.kind == "scene":
                m = self._scene_at(data, owner.scene)[1]
            elif owner.kind == "hotspot":
                m = self._hotspot_at(data, owner.scene, owner.hotspot)[1]
            else:
                m = self._model_at(data, owner.model)[1]
            _own(m, field)
            old = _get(m, field)
            own = {k for k, _ in m.non_merged_items()}  # not what a `<<: *name` merge brings
            if isinstance(old, CommentedMap) and (_anchor(old) is not None or _key(m, field) not in own):
                mine = CommentedMap((k, v) for k, v in old.items())  # shared: this one gets its own copy
                m[_key(m, field)] = mine
                old = mine
            if isinstance(old, CommentedMap):
                key = next((k for k in old if str(k) == language), language)
                if value:
                    old[key] = _styled(old.get(key), value)
                elif key in old:
                    del old[key]
                if not old:
                    _drop(m, field)
                return
            if isinstance(old, (str, int, float)) and not isinstance(old, bool) and language == langs[0]:
                if value:
                    _put(m, field, value, order)
                else:
                    _drop(m, field)
                return
            texts = CommentedMap()
            if isinstance(old, (str, int, float)) and not isinstance(old, bool):
                texts[langs[0]] = old
            if value:
                texts[language] = _scalar(value)
            if texts:
                _put(m, field, texts, order)
            else:
                _drop(m, field)

        self._edit(change)

    # -- models ---------------------------------------------------------------------------------

    def add_model(
        self,
        source: str,
        *,
        model_id: str | None = None,
        title: dict | None = None,
        units: str | None = None,
        metadata: dict | None = None,
    ) -> str:
        """Add a model (a scan in the tour's folder); returns its id (from the file's stem)."""
        rel = self._path(source, "source", "new model")
        stem = Path(rel).stem
        taken = [m["id"] for m in self.models()]
        mid = (
            self._check_id(model_id, taken, "model")
            if model_id is not None
            else _unique(_safe_id(stem, "model"), taken)
        )
        where = f"model {mid!r}"
        langs = self.languages
        texts = _texts(title if title is not None else {langs[0]: stem}, langs, "title", where)
        fields = _model_fields({"units": units, "metadata": metadata}, langs, where)

        def change(data: CommentedMap) -> str:
            m = CommentedMap()
            m["id"] = _scalar(mid)
            if texts is not None:
                m["title"] = texts
            m["source"] = _scalar(rel)
            for name, value in fields.items():
                if value is not None:
                    m[name] = value
            _append(self._list(data, "models", "tour", create=True), m)
            return mid

        return self._edit(change)

    def set_model(self, model_id: str, **fields: Any) -> None:
        """Set ``source``, ``units``, ``metadata`` (a mapping of METADATA_KEYS, replacing the old)
        or ``title`` (a mapping language -> text) of a model; None removes the key (not source)."""
        where = f"model {model_id!r}"
        for name in fields:
            if name not in _MODEL_FIELDS:
                raise EditError(f"{where}: {name} cannot be set here", field=name, fix=f"set one of {_MODEL_FIELDS}")
        values = _model_fields({k: v for k, v in fields.items() if k in ("units", "metadata")}, self.languages, where)
        if "source" in fields:
            values["source"] = self._path(fields["source"], "source", where)
        if "title" in fields:
            values["title"] = _texts(fields["title"], self.languages, "title", where) if fields["title"] else None

        def change(data: CommentedMap) -> None:
            _, m = self._model_at(data, model_id)
            for name, value in values.items():
                if value is None:
                    _drop(m, name)
                else:
                    _put(m, name, value, _MODEL_ORDER)

        self._edit(change)

    def delete_model(self, model_id: str) -> int:
        """Delete a model and the model hotspots pointing at it; returns how many hotspots went."""

        def change(data: CommentedMap) -> int:
            i, _ = self._model_at(data, model_id)
            _delete(self._list(data, "models", "tour"), i)
            removed = 0
            for scene in self._list(data, "scenes", "tour"):
                items = self._list(scene, "hotspots", "scene") if isinstance(scene, CommentedMap) else []
                for k in reversed(range(len(items))):
                    if _kind(items[k]) == "model" and _get(items[k], "target") == model_id:
                        _delete(items, k)
                        removed += 1
            return removed

        return self._edit(change)


# ---------------------------------------------------------------------------------------------
# checks of edit values


def _pitch(value: float, where: str) -> float:
    if not -90 <= value <= 90:
        raise EditError(
            f"{where}: pitch {value:g} is outside [-90, 90]", field="pitch", value=value, fix="use -90 to 90"
        )
    return value


def _fov(value: float, name: str, where: str) -> float:
    if not 0 < value < 180:
        raise EditError(
            f"{where}: {name} {value:g} is outside (0, 180)",
            field=name,
            value=value,
            fix="use e.g. 75 (vertical degrees)",
        )
    return value


def _texts(value: Any, languages: tuple[str, ...] | list[str], field: str, where: str) -> CommentedMap | None:
    """A text mapping (a plain string: the first language's) checked against the languages, empty
    entries left out; None when nothing is left."""
    if isinstance(value, str):
        value = {languages[0]: value}
    if not isinstance(value, dict):
        raise EditError(
            f"{where}: {field} must be a mapping language -> text", field=field, value=value, fix="e.g. {'en': 'Hall'}"
        )
    out = CommentedMap()
    for lang, text in value.items():
        if lang not in languages:
            raise EditError(
                f"{where}: {field} in language {lang!r}, which is not one of {list(languages)}",
                field=field,
                value=lang,
                fix="add it to languages first, or leave it out",
            )
        if not isinstance(text, str):
            raise EditError(f"{where}: {field} ({lang}) must be text", field=field, value=text)
        if text:
            out[lang] = _scalar(text)
    return out or None


def _model_fields(fields: dict, languages: tuple[str, ...], where: str) -> dict:
    """``units`` (one of UNITS) and ``metadata`` (METADATA_KEYS -> text or texts) checked, as tree values."""
    out: dict[str, Any] = {}
    if "units" in fields:
        units = fields["units"]
        if units is not None and units not in UNITS:
            raise EditError(f"{where}: units {units!r} unknown", field="units", value=units, fix=f"use one of {UNITS}")
        out["units"] = units
    if "metadata" in fields:
        meta = fields["metadata"]
        if meta is None or meta == {}:
            out["metadata"] = None
        elif not isinstance(meta, dict):
            raise EditError(f"{where}: metadata must be a mapping", field="metadata", value=meta)
        else:
            tree = CommentedMap()
            for key, value in meta.items():
                if key not in METADATA_KEYS:
                    raise EditError(
                        f"{where}: unknown metadata {key!r}", field="metadata", value=key, fix=f"use {METADATA_KEYS}"
                    )
                if isinstance(value, dict):
                    tree[key] = _texts(value, languages, f"metadata.{key}", where)
                elif isinstance(value, str):
                    tree[key] = _scalar(value)
                else:
                    raise EditError(f"{where}: metadata {key} must be text", field="metadata", value=value)
            out["metadata"] = tree
    return out
