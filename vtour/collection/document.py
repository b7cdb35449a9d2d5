"""collection.yaml, a museum's objects: read (with the CSV it may name) into small frozen dataclasses.

Reading is the tour reader's (:mod:`vtour.tour.document`): lenient, every shape problem (a missing
title, a list where a text belongs, an unknown key with a "did you mean") a located
:class:`vtour.errors.Problem`, texts normalised to ``{lang: str}`` (a plain string is in the
default language, the first of ``languages``), paths kept as written (relative to collection.yaml);
:mod:`vtour.collection.validate` checks files, ids, languages and URLs. The field reference is
docs/collection.md.

Objects come from ``objects:`` and then from the rows of the ``csv:`` file (:mod:`.csvfile`), in
that order. An object's ``where`` is ``objects[3]`` or ``objects.csv row 14``; :meth:`Collection.at`
turns a location under either into ``collection.yaml:12: objects[3].title`` or ``objects.csv:14:
Title`` (the CSV header the field is mapped from). The collection's ``museum``, ``credit`` and
``rights`` are defaults, applied to every object that gives none (kept in ``defaults``), as is its
``units``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from vtour.collection.csvfile import CSV_KEYS, DEFAULT_DELIMITER, DEFAULT_LIST_SEPARATOR, CsvSource, nest, read_rows
from vtour.errors import Problem, VtourError
from vtour.tour.deepzoom import ZOOM_KEYS
from vtour.tour.document import LOD_KEYS, _kind, _Reader, _units, locate, read_data, snake

Texts = dict  # {lang: str}
#: Texts an object may have besides its title (each in the collection's languages).
TEXT_FIELDS = ("date", "period", "material", "dimensions", "museum", "credit", "description")
#: Fields a collection gives every object that has none of its own.
DEFAULT_FIELDS = ("museum", "credit", "rights")
#: Fields that hold a list (a CSV cell of them is split at ``list_separator``).
LIST_FIELDS = ("images", "tags")
OBJECT_KEYS = ("id", "title", "model", "units", "images", *TEXT_FIELDS, "rights", "tags", "metadata")
VIEWS_KEYS = ("size", "turntable", "turntable_size")
_COLLECTION_KEYS = (
    "id",
    "title",
    "languages",
    "description",
    "units",
    *DEFAULT_FIELDS,
    "base_url",
    "views",
    "lod",
    "zoom",
    "csv",
    "objects",
)
#: An object's location in a CSV: ``objects.csv row 14`` and perhaps a field (``.title.en``).
_ROW = re.compile(r"^(?P<file>.+) row (?P<line>\d+)(?:\.(?P<field>.+))?$")
_UP = re.compile(r"(\.[^.\[]+|\[\d+\])$")
#: The tour reader's problem for a date outside a model's metadata; an object's date (and its
#: metadata) may well be one: ``date: 1890-05-01`` means what it says.
_DATE_FIELD = re.compile(r"^.+:\d+: objects\[\d+\]\.(date|metadata\..+)$")


@dataclass(frozen=True)
class CollectionObject:
    """One object: ``model`` and ``images`` are paths relative to the collection's folder as
    written; ``units``, ``museum``, ``credit`` and ``rights`` are resolved (the object's own, else
    the collection's); ``metadata`` maps a label (as written) to a text."""

    id: str
    title: Texts
    model: str | None = None
    units: str | None = None
    images: tuple[str, ...] = ()
    date: Texts | None = None
    period: Texts | None = None
    material: Texts | None = None
    dimensions: Texts | None = None
    museum: Texts | None = None
    credit: Texts | None = None
    rights: str | None = None
    description: Texts | None = None
    tags: tuple[Texts, ...] = ()
    metadata: dict = field(default_factory=dict)
    where: str = ""


@dataclass(frozen=True)
class Collection:
    """A whole collection.yaml. ``views`` holds VIEWS_KEYS (defaults in vtour.collection.views),
    ``lod`` ModelOptions and ``zoom`` ImageOptions fields for every object, as a tour's; ``defaults``
    the collection's own museum, credit and rights; ``csv`` the CSV objects were read from (if any);
    ``root`` is the file's folder; ``lines`` maps locations (``objects[0].title``) to line numbers."""

    id: str
    title: Texts
    languages: tuple[str, ...] = ("en",)
    description: Texts | None = None
    objects: tuple[CollectionObject, ...] = ()
    units: str | None = None
    views: dict = field(default_factory=dict)
    lod: dict = field(default_factory=dict)
    zoom: dict = field(default_factory=dict)
    base_url: str | None = None
    defaults: dict = field(default_factory=dict)
    csv: CsvSource | None = None
    root: Path = Path(".")
    file: str = "collection.yaml"
    lines: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def language(self) -> str:
        return self.languages[0]

    @cached_property
    def _by_id(self) -> dict[str, CollectionObject]:
        return {o.id: o for o in reversed(self.objects)}  # the first of a duplicated id

    def object(self, oid: str) -> CollectionObject | None:
        return self._by_id.get(oid)

    def at(self, where: str) -> str:
        """``collection.yaml:12: objects[1].title``, or for an object of the CSV ``objects.csv:14:
        Title`` (the header its field comes from): a problem's location."""
        return locate_in(self.file, self.lines, self.csv.columns if self.csv else {}, where)


def locate_in(file: str, lines: dict, columns: dict, where: str) -> str:
    """:func:`vtour.tour.document.locate`, and a location in a CSV row (``objects.csv row
    14.title.en``) as ``objects.csv:14: Title``: the header of the nearest mapped field."""
    m = _ROW.match(where)
    if not m:
        return locate(file, lines, where)
    head, name = f"{m['file']}:{m['line']}", m["field"]
    if not name:
        return head
    probe = name
    while probe not in columns and (up := _UP.sub("", probe)) != probe:
        probe = up
    if probe in columns:
        return f"{head}: {columns[probe]}"
    top = _UP.sub("", name.partition(".")[0])  # title, of title.en and title.zh
    return f"{head}: {' / '.join(h for k, h in columns.items() if k.partition('.')[0] == top) or name}"


class _CollectionReader(_Reader):
    """The tour's reader, locating in a CSV row as :meth:`Collection.at` does."""

    def __init__(self, file: str, lines: dict, default_language: str):
        super().__init__(file, lines, default_language)
        self.columns: dict = {}

    def at(self, where: str) -> str:
        return locate_in(self.file, self.lines, self.columns, where)


def keep_case(lines: dict, where: str) -> None:
    """Locations are snake_case (``metadata.inventory``); a key kept as written (a label, a
    mapped column) finds its line under its own name too."""
    parent, _, key = where.rpartition(".")
    line = lines.get(f"{parent}.{snake(key)}" if parent else snake(key))
    if line is not None:
        lines.setdefault(where, line)


def start(data: Any, file: str, lines: dict, what: str) -> tuple[_CollectionReader, tuple[str, ...], dict]:
    """The reader of a collection or exhibition file, its languages and its fields as a mapping
    (``what`` names the kind of file in the problem of one that is not a mapping)."""
    langs = data.get("languages") if isinstance(data, dict) else None
    if isinstance(langs, str):
        langs = [langs]
    languages = tuple(str(x) for x in (langs if isinstance(langs, list) and langs else ["en"]))
    r = _CollectionReader(file, lines, languages[0])
    if langs is not None and not isinstance(langs, list):
        r.problem("languages", f"expected a list, got {_kind(langs)}", "write a '- ' list")
    if not isinstance(data, dict):
        r.problems.append(Problem(file, f"the file is not a mapping of {what} fields", "start with id:, title:"))
    return r, languages, data if isinstance(data, dict) else {}


def id_and_title(r: _Reader, d: dict, what: str, example: str) -> tuple[str, Texts]:
    """A collection's or exhibition's required ``id`` and ``title`` (each missing one a problem; the
    kind of file stands in for a missing id, the id for a missing title)."""
    oid = r.string(d.get("id"), "id")
    if oid is None:
        r.problem("id", f"{what} has no id", f"add id: a short name like {example}")
        oid = what
    title = r.text(d.get("title"), "title")
    if title is None:
        r.problem("title", f"{what} has no title", "add title: {en: ...}")
        title = {r.lang: oid}
    return oid, title


def _strings(r: _Reader, value, where: str) -> tuple[str, ...]:
    """A file or a list of files."""
    if isinstance(value, str):
        return (value,) if value else ()
    out = []
    for i, item in enumerate(r.items(value, where)):
        if isinstance(item, str) and item:
            out.append(item)
        else:
            r.problem(f"{where}[{i}]", f"expected a file, got {item!r:.60}", "write a path relative to collection.yaml")
    return tuple(out)


def _metadata(r: _Reader, value, where: str) -> dict:
    """label (as written: a visitor reads it) -> text."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        r.problem(where, f"expected a mapping label -> text, got {_kind(value)}", "write e.g. {Inventory: SZM-001}")
        return {}
    out = {}
    for label, text in value.items():
        keep_case(r.lines, f"{where}.{label}")
        texts = r.text(text, f"{where}.{label}")
        if texts is not None:
            out[str(label)] = texts
    return out


def _object(r: _Reader, raw, where: str, index: int, defaults: dict, units: str | None) -> CollectionObject | None:
    if not isinstance(raw, dict):
        r.problem(where, f"an object is a mapping, got {_kind(raw)}", "write - {id: ding-01, title: {en: ...}}")
        return None
    d = r.mapping(raw, where, OBJECT_KEYS)
    oid = r.string(d.get("id"), f"{where}.id")
    if oid is None:
        r.problem(f"{where}.id", "object has no id", "add id: a short name like ding-01 (its page is objects/<id>/)")
        oid = f"object{index}"
    title = r.text(d.get("title"), f"{where}.title")
    if title is None:
        if d.get("title") is None:  # else the reader said what is wrong with it
            r.problem(f"{where}.title", "object has no title", "add title: {en: ...}")
        title = {r.lang: oid}
    texts = {key: r.text(d.get(key), f"{where}.{key}") for key in TEXT_FIELDS}
    raw_tags = d.get("tags")
    if isinstance(raw_tags, (str, dict)):  # one tag
        raw_tags = [raw_tags]
    tags = tuple(
        t for i, raw_t in enumerate(r.items(raw_tags, f"{where}.tags")) if (t := r.text(raw_t, f"{where}.tags[{i}]"))
    )
    rights = r.string(d.get("rights"), f"{where}.rights")
    for key in ("museum", "credit"):
        texts[key] = texts[key] or defaults.get(key)
    return CollectionObject(
        id=oid,
        title=title,
        model=r.string(d.get("model"), f"{where}.model") or None,
        units=_units(r, d.get("units"), f"{where}.units") or units,
        images=_strings(r, d.get("images"), f"{where}.images"),
        **texts,
        rights=rights if rights is not None else defaults.get("rights"),
        tags=tags,
        metadata=_metadata(r, d.get("metadata"), f"{where}.metadata"),
        where=where,
    )


def _csv_source(r: _CollectionReader, value, languages: tuple[str, ...]) -> CsvSource | None:
    """The ``csv:`` mapping; a column mapped to a field objects do not have (or to a language the
    collection does not declare) is a problem here, once, and is not read."""
    if value is None:
        return None
    d = r.mapping(value, "csv", CSV_KEYS)
    name = r.string(d.get("file"), "csv.file")
    if not name:
        r.problem("csv.file" if "file" in d else "csv", "csv has no file", "write file: objects.csv")
        return None
    separators = {}
    for key, default in (("delimiter", DEFAULT_DELIMITER), ("list_separator", DEFAULT_LIST_SEPARATOR)):
        sep = r.string(d.get(key), f"csv.{key}", default)
        if len(sep) != 1:
            r.problem(f"csv.{key}", f"{key} {sep!r} is not one character", f'write {key}: "{default}"')
            sep = default
        separators[key] = sep
    raw_columns = d.get("columns")
    if not isinstance(raw_columns, dict):
        r.problem("csv.columns", "csv has no columns mapping", "write columns: {id: Object number, title: Title}")
        raw_columns = {}
    columns = {}
    for key, header in raw_columns.items():
        where = f"csv.columns.{key}"
        keep_case(r.lines, where)
        name_, _, rest = str(key).partition(".")
        if name_ not in OBJECT_KEYS:
            near = difflib.get_close_matches(name_, OBJECT_KEYS, n=1)
            r.problem(
                where,
                f"unknown object field {key!r}",
                f"did you mean {near[0]!r}?" if near else f"map a column to one of {', '.join(OBJECT_KEYS)}",
            )
        elif name_ == "metadata" and not rest:
            r.problem(
                where, "metadata needs a label", "write metadata.LABEL: HEADER, e.g. metadata.Inventory: Inv. no."
            )
        elif rest and name_ not in ("metadata", "title", "tags", *TEXT_FIELDS):
            r.problem(where, f"{name_} is not a text: it has no language", f"write {name_}: HEADER")
        elif rest and name_ != "metadata" and rest not in languages:
            r.problem(
                where,
                f"language {rest!r} is not declared in languages {list(languages)}",
                f"add {rest} to languages or remove this column",
            )
        elif not isinstance(header, (str, int, float)) or isinstance(header, bool) or str(header) == "":
            r.problem(
                where,
                f"expected a CSV header, got {header!r:.60}",
                "quote it: YAML reads No, Yes, On and Off as true or false"
                if isinstance(header, bool)
                else "write the column's header as in the CSV",
            )
        else:
            columns[str(key)] = str(header)
    for required in ("id", "title"):
        if raw_columns and not any(k.partition(".")[0] == required for k in columns):
            r.problem("csv.columns", f"no column is mapped to {required}", f"add {required}: HEADER")
    r.columns.update(columns)
    return CsvSource(file=name, columns=columns, **separators)


def _csv_objects(
    r: _CollectionReader, source: CsvSource, root: Path, defaults: dict, units: str | None, first: int
) -> list[CollectionObject]:
    rows, problems = read_rows(root, source, lambda key: r.at(f"csv.{key}"))
    r.problems.extend(problems)
    titled = any(k.partition(".")[0] == "title" for k in source.columns)
    objects: list[CollectionObject] = []
    for line, cells in rows:
        where = source.row(line)
        raw = nest(cells, language=r.lang, separator=source.list_separator, lists=LIST_FIELDS)
        if "id" not in raw:
            if "id" in source.columns:
                r.problem(f"{where}.id", "the id cell is empty", "give every row an id, or delete the row")
            continue
        if "title" not in raw and not titled:
            raw["title"] = raw["id"]  # the mapping's problem, said once above
        obj = _object(r, raw, where, first + len(objects), defaults, units)
        if obj is not None:
            objects.append(obj)
    return objects


def parse_collection(
    data: Any, root: str | Path = ".", file: str = "collection.yaml", lines: dict | None = None
) -> tuple[Collection, list[Problem]]:
    """A :class:`Collection` from parsed collection.yaml content (reading its CSV under ``root``),
    and every shape problem found on the way."""
    lines = {} if lines is None else lines
    r, languages, d = start(data, file, lines, "collection")
    d = r.mapping(d, "", _COLLECTION_KEYS)
    cid, title = id_and_title(r, d, "collection", "bronzes")
    units = _units(r, d.get("units"), "units")
    defaults: dict[str, Any] = {key: r.text(d.get(key), key) for key in DEFAULT_FIELDS[:2]}
    defaults["rights"] = r.string(d.get("rights"), "rights")
    defaults = {k: v for k, v in defaults.items() if v is not None}
    objects: list[CollectionObject] = [
        o
        for i, raw in enumerate(r.items(d.get("objects"), "objects"))
        if (o := _object(r, raw, f"objects[{i}]", i, defaults, units)) is not None
    ]
    source = _csv_source(r, d.get("csv"), languages)
    if source is not None:
        objects += _csv_objects(r, source, Path(root), defaults, units, len(objects))
    collection = Collection(
        id=cid,
        title=title,
        languages=languages,
        description=r.text(d.get("description"), "description"),
        objects=tuple(objects),
        units=units,
        views=r.mapping(d.get("views"), "views", VIEWS_KEYS),
        lod=r.mapping(d.get("lod"), "lod", LOD_KEYS),
        zoom=r.mapping(d.get("zoom"), "zoom", ZOOM_KEYS),
        base_url=r.string(d.get("base_url"), "base_url"),
        defaults=defaults,
        csv=source,
        root=Path(root),
        file=file,
        lines=lines,
    )
    return collection, r.problems


def read_document(path: str | Path, step: str) -> tuple[Any, dict, list[Problem]]:
    """:func:`vtour.tour.document.read_data` for a collection or exhibition file: the tour
    reader's errors under ``step``, and a date in an object's ``date`` or ``metadata`` read as
    the text written without a problem."""
    try:
        data, lines, problems = read_data(path)
    except VtourError as exc:
        raise VtourError(step, exc.message, path=exc.path, field=exc.field, value=exc.value, fix=exc.fix) from None
    kept = [p for p in problems if not (_DATE_FIELD.match(p.location) and "is read as a date" in p.message)]
    return data, lines, kept


def read_collection(path: str | Path) -> tuple[Collection, list[Problem]]:
    """Read a collection.yaml (and its CSV): the collection and its shape problems (empty when
    clean). Raises VtourError only for a file that cannot be read (missing, not YAML, not UTF-8)."""
    path = Path(path)
    data, lines, problems = read_document(path, "collection")
    collection, shape = parse_collection(data, root=path.parent, file=path.name, lines=lines)
    return collection, problems + shape
