"""The CSV a museum's collection system exports, read through collection.yaml's ``csv:`` mapping.

``csv:`` names the file (relative to collection.yaml), its ``delimiter`` (default ``,``), the
``list_separator`` inside a cell that holds a list (default ``|``) and ``columns``: object field ->
CSV header. A field is ``id``, ``model``, ``title`` (a text in the default language),
``title.zh`` (a text in one language), ``metadata.Inventory`` (a documentation field labelled
"Inventory")...; :mod:`vtour.collection.document` knows which fields exist and turns each row into
an object. This module knows only CSV: it decodes UTF-8 (a byte-order mark accepted, as Excel
writes one), finds every mapped header, and returns each row's cells by field with the line the row
starts on (a quoted cell may span lines). The file must lie inside the collection's folder, links
followed (else it is never read: its rows would be published), and quoting is strict: a quote left
open, which would swallow every later row into one cell, is a problem at the line it opened on.
Every problem is a :class:`vtour.errors.Problem` located in the CSV (``objects.csv:14``) or, for the
mapping, in collection.yaml (``collection.yaml:9: csv.columns.title.en``); reading never raises.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from vtour.errors import Problem
from vtour.output import is_within
from vtour.tour.validate import path_escape

CSV_KEYS = ("file", "delimiter", "list_separator", "columns")
DEFAULT_DELIMITER = ","
DEFAULT_LIST_SEPARATOR = "|"
#: Headers listed in a message before "...": a museum export may have a hundred columns.
_SHOWN_HEADERS = 20
_OUTSIDE_FIX = (
    "move the CSV into the collection's folder (a copy, not a link) and give its path relative to collection.yaml"
)
_QUOTE_FIX = (
    'close the quote: a cell that starts with a double quote (") ends at the next lone one; a quote inside '
    'a cell is doubled ("")'
)
_UTF8_FIX = "re-save it as UTF-8 (Excel: Save As > 'CSV UTF-8'; LibreOffice: character set 'Unicode (UTF-8)')"


@dataclass(frozen=True)
class CsvSource:
    """collection.yaml's ``csv:``: the file as written, its delimiter, the separator of list cells
    and the mapping object field (``title.en``) -> CSV header (``Title``)."""

    file: str
    delimiter: str = DEFAULT_DELIMITER
    list_separator: str = DEFAULT_LIST_SEPARATOR
    columns: dict = field(default_factory=dict)

    def row(self, line: int) -> str:
        """An object's ``where`` for the row starting on ``line``: ``objects.csv row 14``."""
        return f"{self.file} row {line}"


def _listed(headers: list[str]) -> str:
    shown = ", ".join(repr(h) for h in headers[:_SHOWN_HEADERS])
    return shown + (f", ... ({len(headers)} in all)" if len(headers) > _SHOWN_HEADERS else "")


def decode(data: bytes, name: str) -> tuple[str | None, Problem | None]:
    """``data`` as text (UTF-8, a leading byte-order mark dropped), or the Problem naming the first
    byte that is not UTF-8 by line, column and offset."""
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[bom:].decode("utf-8"), None
    except UnicodeDecodeError as exc:
        offset = bom + exc.start
        line = data.count(b"\n", 0, offset) + 1
        column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
        return None, Problem(
            f"{name}:{line}",
            f"not UTF-8 text: byte 0x{data[offset]:02x} at line {line}, column {column} (byte {offset}) "
            "is not UTF-8 (perhaps a Windows or GBK export)",
            _UTF8_FIX,
        )


def _header_columns(
    header: list[str], columns: dict, name: str, at: Callable[[str], str]
) -> tuple[dict[str, int], list[Problem]]:
    """Field -> index of its header; a mapped header the CSV lacks (or holds twice) is a Problem at
    the mapping's line."""
    index: dict[str, int] = {}
    problems = []
    for key, wanted in columns.items():
        hits = [i for i, h in enumerate(header) if h == wanted]
        if not hits:
            near = difflib.get_close_matches(wanted, header, n=1)
            problems.append(
                Problem(
                    at(f"columns.{key}"),
                    f"column {wanted!r} is not in the header of {name}",
                    (f"did you mean {near[0]!r}? " if near else "") + f"the header has {_listed(header)}",
                )
            )
            continue
        if len(hits) > 1:
            problems.append(
                Problem(
                    at(f"columns.{key}"),
                    f"column {wanted!r} appears {len(hits)} times in the header of {name} "
                    f"(columns {', '.join(str(i + 1) for i in hits)}); the first is read",
                    "rename the others in the CSV",
                )
            )
        index[key] = hits[0]
    return index, problems


def _outside(root: Path, name: str) -> str | None:
    """Why the CSV ``name`` (relative to ``root``) is not a file inside ``root``, links followed."""
    why = path_escape(name)
    if why:
        return why.replace("tour folder", "collection folder")
    try:
        real = (root / name).resolve()
        inside = is_within(real, root.resolve())
    except (OSError, RuntimeError) as exc:  # a loop of links
        return f"cannot be resolved ({exc})"
    return None if inside else f"is a link to {real}, outside the collection folder"


def _open_quote_line(text: str, line: int, delimiter: str) -> int | None:
    """The line of the quote left open in the row starting on ``line`` of ``text`` (quotes read as
    :mod:`csv` does: one opens a cell only at its start, and "" inside it is a quote), or None when
    every quote from there on closes."""
    quoted, opened = False, line
    for n, row in enumerate(io.StringIO(text, newline="").readlines()[line - 1 :], line):  # csv's lines
        start, k = not quoted, 0
        while k < len(row):
            ch = row[k]
            if quoted and ch == '"':
                if row[k + 1 : k + 2] == '"':  # "" is a quote inside the cell
                    k += 1
                else:
                    quoted = False
            elif not quoted and ch == '"' and start:
                quoted, opened = True, n
            start = not quoted and ch == delimiter
            k += 1
    return opened if quoted else None


def read_rows(
    root: Path, source: CsvSource, at: Callable[[str], str]
) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """The rows of ``source``'s CSV (its path relative to ``root``) as ``(line, {field: cell})``,
    ``line`` the 1-based line the row starts on, ``cell`` stripped, empty cells left out, and the
    problems found: a missing or non-UTF-8 file, a mapped header the CSV lacks, a row whose number
    of fields is not the header's (the row is skipped: its cells would land in the wrong fields).
    ``at(key)`` locates a key of the ``csv:`` mapping in collection.yaml (``file``, ``columns.id``)."""
    name = source.file
    path = root / name
    outside = _outside(root, name)
    if outside:  # never read it: its rows would be published
        return [], [Problem(at("file"), f"csv file {name!r} {outside}", _OUTSIDE_FIX)]
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return [], [Problem(at("file"), f"csv file {name!r} not found", f"put the CSV at {path} or fix the path")]
    except OSError as exc:
        return [], [Problem(at("file"), f"csv file {name!r} cannot be read ({exc.strerror or exc})", "check the path")]
    text, bad = decode(data, name)
    if text is None:
        return [], [bad] if bad else []
    # strict: a quote left open would otherwise swallow every row after it into one cell
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=source.delimiter, strict=True)
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[Problem] = []
    header: list[str] | None = None
    index: dict[str, int] = {}
    end = 0  # the line the previous row ended on
    try:
        for cells in reader:
            line, end = end + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue  # a blank line
            if header is None:
                header = [c.strip() for c in cells]
                index, problems = _header_columns(header, source.columns, name, at)
                continue
            if len(cells) != len(header):
                problems.append(
                    Problem(
                        f"{name}:{line}",
                        f"row has {len(cells)} fields, the header (line 1) has {len(header)}",
                        f"check the quoting: a cell holding {source.delimiter!r} or a line break must be in double "
                        'quotes ("..."), and a quote inside one doubled ("")',
                    )
                )
                continue
            rows.append((line, {key: cells[i].strip() for key, i in index.items() if cells[i].strip()}))
    except csv.Error as exc:
        opened = _open_quote_line(text, end + 1, source.delimiter)
        if opened is not None:
            problems.append(
                Problem(
                    f"{name}:{opened}",
                    f"a quoted cell opened on line {opened} is never closed: every line after it would be read "
                    "into that cell",
                    _QUOTE_FIX,
                )
            )
        else:
            problems.append(
                Problem(f"{name}:{reader.line_num}", f"not readable as CSV ({exc})", _QUOTE_FIX + ", near that line")
            )
    if header is None:
        problems.append(Problem(name, "the CSV is empty: no header row", "export the table with its header row"))
    return rows, problems


def nest(cells: dict[str, str], *, language: str, separator: str, lists: tuple[str, ...]) -> dict:
    """One row's cells (``{"title.en": "Ding", "tags": "ritual|vessel"}``) as an object's raw
    fields, shaped as collection.yaml writes them: texts as ``{lang: str}`` (a field without a
    language is in ``language``), ``metadata`` as label -> text, and a field in ``lists`` split at
    ``separator`` (``tags`` in two languages pairs the two lists item by item)."""
    raw: dict = {}
    for key, cell in cells.items():
        name, _, rest = key.partition(".")
        value: str | list[str] = cell
        if name in lists:
            value = [part.strip() for part in cell.split(separator) if part.strip()]
        if name == "metadata":
            raw.setdefault("metadata", {})[rest] = {language: cell}
        elif name == "tags":
            raw.setdefault("tags", {})[rest or language] = value
        elif rest:  # a text in one language, beside perhaps the default language's ("title" and "title.zh")
            texts = raw.get(name)
            raw[name] = {**({language: texts} if isinstance(texts, str) else texts or {}), rest: value}
        elif isinstance(raw.get(name), dict):
            raw[name] = {language: value, **raw[name]}
        else:
            raw[name] = value
    if "tags" in raw:
        by_language = raw["tags"]
        count = max(len(v) for v in by_language.values())
        raw["tags"] = [{lang: items[k] for lang, items in by_language.items() if k < len(items)} for k in range(count)]
    return raw
