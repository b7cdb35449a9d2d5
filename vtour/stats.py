"""Visitor statistics from kiosk event logs: ``vtour stats LOG...``.

A kiosk (``vtour package --kiosk``) appends the viewer's visit events (docs/events.md) to
``<state>/logs/events-YYYY-MM-DD.jsonl``, one JSON object per line with a ``"package"`` field.
:func:`read_logs` reads them (files, folders holding ``events-*.jsonl`` or their ``logs/``, glob
patterns); :func:`visit_stats` cuts them into visits and counts; :func:`text_report`,
:func:`csv_report` and :func:`write_html_report` show the result.

Reading: a torn line (a power cut mid-write: the last line of a file that does not end in a newline,
or a line that starts ``{`` but does not end ``}``, or NUL bytes) is skipped with a warning naming
the file and line; any other bad line (not JSON, not an object, an unknown type, a field missing or
of the wrong kind) is a :class:`VtourError` naming the file, line, field and value. Blank lines are
skipped.

Visits: events are taken per kiosk (the folder a log lies in: one folder holds one kiosk's logs; two
kiosks' logs merged into one folder contradict each other, which is warned about) in time order. A visit starts with
``attract`` ``end``, or with the first event after an ``idle_reset`` or an ``attract`` ``start``
(and at the start of the log), and ends at the next ``idle_reset`` or ``attract`` ``start`` (or at
the end of the log). One ending in an idle reset ends when the visitor last acted: the reset's time
less its ``idleSeconds``; the ``dwell`` the viewer reports for the scene it was left in, just after
the end, belongs to that visit, less the same idle seconds. Events of the attract loop are no one's
visit, and so is a page load before the loop starts (an old page's unmarked ``scene_enter`` from null
and ``dwell``, then ``attract`` ``start``). A visit's language is the viewer's language at its last
event.

Times are shown in the zone given (``--tz``; default: this machine's rules at each event's instant,
summer time included), days and hours of a visit by its start. CSV cells that a spreadsheet would
read as a formula (starting ``= + - @``, a tab or CR) are prefixed ``'``.
"""

from __future__ import annotations

import csv
import datetime as dt
import glob
import html
import io
import json
import math
import statistics
import time
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from vtour.errors import VtourError, VtourWarning
from vtour.output import write_bytes_atomic

STEP = "stats"
#: The log files a kiosk writes (vtour.kiosk_launch), one per local day.
LOG_PATTERN = "events-*.jsonl"
#: Event types and, per type, its own fields: (name, kinds allowed, may be null).
HOTSPOT_KINDS = ("info", "link", "model", "image", "url")
EVENT_FIELDS: dict[str, tuple[tuple[str, tuple[type, ...], bool], ...]] = {
    "scene_enter": (("from", (str,), True),),
    "dwell": (("seconds", (int, float), False),),
    "hotspot_open": (("hotspot", (str,), True), ("kind", (str,), False), ("target", (str,), True)),
    "model_open": (("model", (str,), False),),
    "image_open": (("image", (str,), False),),
    "language": (("from", (str,), True),),
    "narration": (("target", (str,), False), ("muted", (bool,), False)),
    "idle_reset": (("idleSeconds", (int, float), False),),
    "attract": (("state", (str,), False),),
}
EVENT_TYPES = tuple(EVENT_FIELDS)
#: Visit length buckets of the durations table: (upper bound in seconds, label).
DURATION_BUCKETS = (
    (30, "under 30 s"),
    (60, "30 s - 1 min"),
    (120, "1 - 2 min"),
    (300, "2 - 5 min"),
    (600, "5 - 10 min"),
    (1200, "10 - 20 min"),
    (math.inf, "20 min or more"),
)


@dataclass(frozen=True)
class Event:
    """One logged event: its type, UTC time, scene and language, its own fields, and where it was read."""

    type: str
    t: dt.datetime
    scene: str | None
    language: str | None
    fields: dict
    file: str
    line: int
    kiosk: str = ""
    #: the kiosk's attract loop caused it (the page marks its scene_enter, dwell and narration "attract": true)
    in_attract: bool = False


@dataclass
class Visit:
    """A visitor's session: its events, when it started and ended (UTC), and how it ended
    (``idle_reset``, ``attract`` or ``end of log``)."""

    start: dt.datetime
    end: dt.datetime
    events: list[Event] = field(default_factory=list)
    ended_by: str = "end of log"
    idle_seconds: float = 0.0  # of the idle reset that ended it

    @property
    def seconds(self) -> float:
        return max(0.0, (self.end - self.start).total_seconds())

    @property
    def language(self) -> str | None:
        return next((e.language for e in reversed(self.events) if e.language), None)


@dataclass(frozen=True)
class Table:
    """A titled table: column names and rows of values (str, int or float)."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple]


@dataclass
class Stats:
    """What :func:`visit_stats` found: the visits, the tables (by name, in report order), the files
    read and the torn lines skipped."""

    visits: list[Visit]
    tables: dict[str, Table]
    files: list[str]
    events: int
    torn: int = 0


# ---------------------------------------------------------------------------------------------
# reading


def log_files(paths: Iterable[str | Path]) -> list[Path]:
    """The log files ``paths`` name: files as given, folders' ``events-*.jsonl`` (else their
    ``logs/`` folder's), glob patterns' matches; each once, in the order given (a folder's and a
    pattern's sorted by name, which is by day)."""
    out: dict[Path, None] = {}
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(p.glob(LOG_PATTERN)) or sorted((p / "logs").glob(LOG_PATTERN))
            if not found:
                raise VtourError(
                    STEP,
                    f"no {LOG_PATTERN} files in the folder (nor in its logs/)",
                    path=p,
                    fix="pass the kiosk's logs folder or the log files themselves",
                )
        elif p.is_file():
            found = [p]
        elif glob.has_magic(str(raw)):
            found = sorted(Path(x) for x in glob.glob(str(raw)) if Path(x).is_file())
            if not found:
                raise VtourError(STEP, "no file matches the pattern", path=raw, fix="check the pattern")
        else:
            raise VtourError(STEP, "no such file or folder", path=p, fix="pass kiosk log files (events-*.jsonl)")
        for f in found:
            out.setdefault(f.resolve(), None)
    return list(out)


def _bad(file: str, line: int, field_name: str | None, value: Any, message: str, fix: str) -> VtourError:
    shown = value if not isinstance(value, str) or len(value) <= 80 else value[:77] + "..."
    return VtourError(STEP, message, path=f"{file}:{line}", field=field_name, value=shown, fix=fix)


_FIX = "this line is not a kiosk visit event (docs/events.md); remove it, or pass only the kiosk's logs"


def parse_time(text: Any, file: str, line: int) -> dt.datetime:
    """An event's ``t``: ISO-8601 with a zone (``2026-03-01T09:15:02.120Z``), as aware UTC."""
    if not isinstance(text, str):
        raise _bad(file, line, "t", text, "the time is not text", "write t as ISO-8601 UTC, e.g. 2026-03-01T09:15:02Z")
    try:
        t = dt.datetime.fromisoformat(text)
    except ValueError:
        raise _bad(
            file, line, "t", text, "not an ISO-8601 time", "write t as ISO-8601 UTC, e.g. 2026-03-01T09:15:02Z"
        ) from None
    if t.tzinfo is None:
        raise _bad(file, line, "t", text, "the time has no zone", "end it with Z (UTC), as the viewer writes it")
    return t.astimezone(dt.UTC)


def parse_event(obj: Any, file: str, line: int, kiosk: str = "") -> Event:
    """An :class:`Event` from one parsed log line; VtourError naming the field and value when it is not one."""
    if not isinstance(obj, dict):
        raise _bad(file, line, None, obj, f"expected a JSON object, got {type(obj).__name__}", _FIX)
    kind = obj.get("type")
    if kind not in EVENT_FIELDS:
        raise _bad(file, line, "type", kind, "unknown event type", f"one of {', '.join(EVENT_TYPES)}; " + _FIX)
    t = parse_time(obj.get("t"), file, line)
    for name in ("scene", "language", "package"):
        value = obj.get(name)
        if value is not None and not isinstance(value, str):
            raise _bad(file, line, name, value, f"{name} is not text", _FIX)
    for name, kinds, nullable in EVENT_FIELDS[kind]:
        value = obj.get(name)
        if value is None and nullable:
            continue
        if name not in obj:
            raise _bad(file, line, name, None, f"a {kind} event without {name}", _FIX)
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            raise _bad(file, line, name, value, f"{name} of a {kind} event has the wrong kind", _FIX)
        if (isinstance(value, float) and not math.isfinite(value)) or (isinstance(value, (int, float)) and value < 0):
            raise _bad(file, line, name, value, f"{name} is not a number of seconds", _FIX)
    if kind == "hotspot_open" and obj["kind"] not in HOTSPOT_KINDS:
        raise _bad(file, line, "kind", obj["kind"], "unknown hotspot kind", f"one of {', '.join(HOTSPOT_KINDS)}")
    if kind == "attract" and obj["state"] not in ("start", "end"):
        raise _bad(file, line, "state", obj["state"], "an attract state is start or end", _FIX)
    own = {name: obj.get(name) for name, _, _ in EVENT_FIELDS[kind]}
    if kind == "language" and not isinstance(obj.get("language"), str):
        raise _bad(file, line, "language", obj.get("language"), "a language event without the new language", _FIX)
    marked = obj.get("attract") is True and kind not in ("attract", "idle_reset")
    return Event(kind, t, obj.get("scene"), obj.get("language"), own, file, line, kiosk, marked)


def _torn(text: str, last: bool, terminated: bool) -> bool:
    """A line cut short by a power cut: the unterminated last line, a ``{`` line without its
    ``}``, or NUL bytes (a file system's unwritten blocks)."""
    stripped = text.strip()
    return (last and not terminated) or "\x00" in text or (stripped.startswith("{") and not stripped.endswith("}"))


def read_log(path: str | Path, kiosk: str | None = None) -> tuple[list[Event], int]:
    """The events of one log file and the number of torn lines skipped (each warned about)."""
    path = Path(path)
    name = str(path)
    kiosk = str(path.parent) if kiosk is None else kiosk
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise VtourError(
            STEP, f"cannot read the log ({exc.strerror or exc})", path=path, fix="check the path"
        ) from None
    raw_lines = data.split(b"\n")
    terminated = data.endswith(b"\n")
    if terminated:
        raw_lines.pop()
    events: list[Event] = []
    torn = 0
    for i, raw in enumerate(raw_lines, 1):
        last = i == len(raw_lines)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            if _torn(raw.decode("utf-8", "replace"), last, terminated):
                torn += 1
                warnings.warn(f"{name}:{i}: torn line skipped (the kiosk lost power?)", VtourWarning, stacklevel=2)
                continue
            raise _bad(name, i, None, raw[:40], f"not UTF-8 text (byte {exc.start})", _FIX) from None
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            if _torn(text, last, terminated):
                torn += 1
                warnings.warn(f"{name}:{i}: torn line skipped (the kiosk lost power?)", VtourWarning, stacklevel=2)
                continue
            raise _bad(name, i, None, text, f"not JSON ({exc.msg} at column {exc.colno})", _FIX) from None
        events.append(parse_event(obj, name, i, kiosk))
    return events, torn


def read_logs(paths: Iterable[str | Path]) -> tuple[list[Event], list[Path], int]:
    """The events of every log ``paths`` name (:func:`log_files`), the files and the torn lines skipped."""
    files = log_files(paths)
    events: list[Event] = []
    torn = 0
    for f in files:
        got, n = read_log(f)
        events += got
        torn += n
    return events, files, torn


# ---------------------------------------------------------------------------------------------
# visits


def visits(events: Sequence[Event]) -> list[Visit]:
    """The visits in ``events`` (see the module's doc), per kiosk, in time order."""
    by_kiosk: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        by_kiosk[e.kiosk].append(e)
    out: list[Visit] = []
    for stream in by_kiosk.values():
        out += _visits_of(sorted(stream, key=lambda e: e.t))  # stable: same-time events keep the log's order
    out.sort(key=lambda v: v.start)
    return out


def _page_load(v: Visit) -> bool:
    """A page (re)load's own events, which an old kiosk page did not mark: no attract end, only
    ``scene_enter`` from null and ``dwell``."""
    return all((e.type == "scene_enter" and e.fields["from"] is None) or e.type == "dwell" for e in v.events)


def _visits_of(stream: list[Event]) -> list[Visit]:
    done: list[Visit] = []
    current: Visit | None = None
    attract = False
    last_state: str | None = None  # the last attract state seen
    contradictions: list[Event] = []
    trailing: Visit | None = None  # a visit just ended, whose last scene's dwell may follow

    def close(at: dt.datetime, how: str, idle: float = 0.0) -> None:
        nonlocal current, trailing
        if current is not None:
            current.end = max(current.start, at - dt.timedelta(seconds=idle))
            current.ended_by, current.idle_seconds = how, idle
            done.append(current)
            trailing = current
        current = None

    for e in stream:
        if e.type == "dwell" and current is None and trailing is not None:
            trailing.events.append(e)  # the scene the visitor left, reported as the visit ends
            trailing = None
            continue
        if e.type == "idle_reset":
            last_state = None  # the loop starts next (its start may be in a batch lost)
            if current is not None:
                current.events.append(e)
            close(e.t, "idle_reset", float(e.fields["idleSeconds"]))
            continue
        if e.type == "attract" and e.fields["state"] == "start":
            last_state = "start"
            if current is not None and _page_load(current):
                current, trailing = None, None  # the page loaded, then its attract loop began: nobody's visit
            if current is not None:
                current.events.append(e)
            close(e.t, "attract")
            attract = True
            continue
        if e.type == "attract":  # end: the visitor touched the attract loop
            if last_state == "end":
                contradictions.append(e)
            last_state = "end"
            attract, trailing = False, None
            close(e.t, "attract")
            current = Visit(e.t, e.t, [e])
            continue
        if attract or e.in_attract:
            continue  # the attract loop's own scene changes (also in a log that begins inside the loop)
        trailing = None
        if current is None:
            current = Visit(e.t, e.t)
        current.events.append(e)
        current.end = e.t
    if current is not None:
        done.append(current)
    if contradictions:
        first = contradictions[0]
        warnings.warn(
            f"{first.file}:{first.line}: the attract loop ended twice without starting in between "
            f"({len(contradictions)} time(s) in {Path(first.file).parent}): are two kiosks' logs in one folder? "
            "One folder holds one kiosk's logs; put each kiosk's in a folder of its own, or the visits are miscounted",
            VtourWarning,
            stacklevel=3,
        )
    return done


class LocalZone(dt.tzinfo):
    """This machine's time zone rules (``time.localtime``, the ``TZ`` variable included), at each instant:
    summer and winter time both, unlike the fixed offset of today."""

    def fromutc(self, d: dt.datetime) -> dt.datetime:
        local = d.replace(tzinfo=dt.UTC).astimezone()  # the system's rules at this instant
        offset = local.utcoffset() or dt.timedelta(0)
        name = local.tzname()
        return local.replace(tzinfo=dt.timezone(offset, name) if name else dt.timezone(offset))

    def _local(self, d: dt.datetime | None) -> time.struct_time | None:
        if d is None:
            return None
        return time.localtime(time.mktime((*d.replace(tzinfo=None).timetuple()[:8], -1)))

    def utcoffset(self, d: dt.datetime | None) -> dt.timedelta | None:
        lt = self._local(d)
        return None if lt is None else dt.timedelta(seconds=lt.tm_gmtoff)

    def dst(self, d: dt.datetime | None) -> dt.timedelta | None:
        return None

    def tzname(self, d: dt.datetime | None) -> str | None:
        lt = self._local(d)
        return None if lt is None else lt.tm_zone

    def __repr__(self) -> str:
        return "LocalZone()"


def time_zone(name: str | None) -> dt.tzinfo:
    if name is None:
        return LocalZone()
    if name.upper() == "UTC":
        return dt.UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise VtourError(
            STEP, "unknown time zone", field="--tz", value=name, fix="give an IANA zone like Asia/Shanghai, or UTC"
        ) from None


def _dwell_seconds(v: Visit) -> list[tuple[str, float]]:
    """(scene, seconds) of a visit's dwell events, the last less the idle time before its reset."""
    dwell = [(e.scene or "?", float(e.fields["seconds"])) for e in v.events if e.type == "dwell"]
    if dwell and v.ended_by == "idle_reset" and v.events[-1].type == "dwell":
        scene, seconds = dwell[-1]
        dwell[-1] = (scene, max(0.0, seconds - v.idle_seconds))
    return dwell


def _r(x: float) -> float:
    return round(float(x), 1)


def visit_stats(
    events: Sequence[Event], tz: str | None = None, files: Sequence[str | Path] = (), torn: int = 0
) -> Stats:
    """Every table of the report from ``events`` (times shown in ``tz``; None: this machine's zone)."""
    zone = time_zone(tz)
    found = visits(events)
    tables: dict[str, Table] = {}
    durations = [v.seconds for v in found]
    resets = [e for e in events if e.type == "idle_reset"]
    local_days = sorted({e.t.astimezone(zone).date() for e in events})
    summary = [
        ("visits", len(found)),
        ("events", len(events)),
        ("days", len(local_days)),
        ("first event", min(e.t for e in events).astimezone(zone).isoformat(timespec="seconds") if events else ""),
        ("last event", max(e.t for e in events).astimezone(zone).isoformat(timespec="seconds") if events else ""),
        ("idle resets", len(resets)),
        ("visit median (s)", _r(statistics.median(durations)) if durations else 0.0),
        ("visit mean (s)", _r(statistics.fmean(durations)) if durations else 0.0),
        ("visit total (s)", _r(sum(durations))),
        ("log files", len(files)),
        ("torn lines skipped", torn),
    ]
    tables["summary"] = Table("summary", "Summary", ("measure", "value"), summary)
    per_day: Counter = Counter(v.start.astimezone(zone).date().isoformat() for v in found)
    resets_day: Counter = Counter(e.t.astimezone(zone).date().isoformat() for e in resets)
    days = sorted(set(per_day) | set(resets_day) | {d.isoformat() for d in local_days})
    tables["days"] = Table(
        "days", "Visits per day", ("day", "visits", "idle resets"), [(d, per_day[d], resets_day[d]) for d in days]
    )
    per_hour: Counter = Counter(v.start.astimezone(zone).hour for v in found)
    tables["hours"] = Table(
        "hours", "Visits per hour of the day", ("hour", "visits"), [(f"{h:02d}:00", per_hour[h]) for h in range(24)]
    )
    enters: Counter = Counter()
    dwell: dict[str, list[float]] = defaultdict(list)
    objects: Counter = Counter()
    switches: Counter = Counter()
    for v in found:
        for e in v.events:
            if e.type == "scene_enter":
                enters[e.scene or "?"] += 1
            elif e.type == "model_open":
                objects[("model", e.fields["model"])] += 1
            elif e.type == "image_open":
                objects[("image", e.fields["image"])] += 1
            elif e.type == "hotspot_open" and e.fields["kind"] in ("info", "link", "url"):
                # a model or image hotspot's opening is counted by its model_open / image_open
                objects[(f"hotspot ({e.fields['kind']})", e.fields["target"] or e.fields["hotspot"] or "?")] += 1
            elif e.type == "language":
                switches[e.language or "?"] += 1
        for scene, seconds in _dwell_seconds(v):
            dwell[scene].append(seconds)
    scenes = sorted(set(enters) | set(dwell), key=lambda s: (-enters[s], -sum(dwell.get(s, [])), s))
    tables["scenes"] = Table(
        "scenes",
        "Scenes: entries and dwell time",
        ("scene", "entries", "dwells", "median dwell (s)", "mean dwell (s)", "total dwell (s)"),
        [
            (
                s,
                enters[s],
                len(dwell.get(s, [])),
                _r(statistics.median(dwell[s])) if dwell.get(s) else 0.0,
                _r(statistics.fmean(dwell[s])) if dwell.get(s) else 0.0,
                _r(sum(dwell.get(s, []))),
            )
            for s in scenes
        ],
    )
    tables["objects"] = Table(
        "objects",
        "Objects opened",
        ("kind", "object", "opens"),
        [(k, o, n) for (k, o), n in sorted(objects.items(), key=lambda kv: (-kv[1], kv[0]))],
    )
    by_language: Counter = Counter(v.language or "?" for v in found)
    languages = sorted(set(by_language) | set(switches), key=lambda x: (-by_language[x], x))
    tables["languages"] = Table(
        "languages",
        "Languages (visits by the language they ended in)",
        ("language", "visits", "share (%)", "switches to"),
        [(x, by_language[x], _r(100 * by_language[x] / len(found)) if found else 0.0, switches[x]) for x in languages],
    )
    buckets: Counter = Counter()
    for d in durations:
        buckets[next(label for bound, label in DURATION_BUCKETS if d < bound)] += 1
    tables["durations"] = Table(
        "durations",
        "Visit durations",
        ("duration", "visits"),
        [(label, buckets[label]) for _, label in DURATION_BUCKETS],
    )
    return Stats(found, tables, [str(f) for f in files], len(events), torn)


def stats_from_logs(paths: Iterable[str | Path], tz: str | None = None) -> Stats:
    """:func:`read_logs` then :func:`visit_stats`."""
    events, files, torn = read_logs(paths)
    return visit_stats(events, tz, files, torn)


# ---------------------------------------------------------------------------------------------
# reports


def _cell(value) -> str:
    return f"{value:.1f}" if isinstance(value, float) else str(value)


#: what makes a spreadsheet read a cell as a formula (CSV injection)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> str:
    """A CSV cell: a text a spreadsheet would run as a formula is prefixed ``'``."""
    text = _cell(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def text_report(stats: Stats, top: int | None = 20) -> str:
    """The tables as plain text; the scenes and objects tables cut to their ``top`` rows, the
    hours table to the hours with visits."""
    out: list[str] = []
    for t in stats.tables.values():
        rows = t.rows
        if t.name == "hours":
            rows = [r for r in rows if r[1]]
        shown = rows[:top] if top and t.name in ("scenes", "objects") else rows
        cells = [list(t.columns)] + [[_cell(c) for c in r] for r in shown]
        widths = [max(len(row[k]) for row in cells) for k in range(len(t.columns))]
        out.append(t.title)
        out.append("  ".join(c.ljust(w) for c, w in zip(cells[0], widths)).rstrip())
        out.append("  ".join("-" * w for w in widths))
        for row in cells[1:]:
            out.append("  ".join(c.rjust(w) if k else c.ljust(w) for k, (c, w) in enumerate(zip(row, widths))).rstrip())
        if not shown:
            out.append("(none)")
        if len(shown) < len(rows):
            out.append(f"... and {len(rows) - len(shown)} more")
        out.append("")
    return "\n".join(out)


def csv_report(stats: Stats) -> str:
    """Every table as tidy CSV rows ``table,key,measure,value`` (key: a table's first column)."""
    buffer = io.StringIO()
    w = csv.writer(buffer, lineterminator="\n")
    w.writerow(["table", "key", "measure", "value"])
    for t in stats.tables.values():
        for row in t.rows:
            if t.name == "summary":
                w.writerow([t.name, "", _csv_cell(row[0]), _csv_cell(row[1])])
            elif t.name == "objects":
                w.writerow([t.name, _csv_cell(f"{row[0]}:{row[1]}"), "opens", _csv_cell(row[2])])
            else:
                for name, value in zip(t.columns[1:], row[1:]):
                    w.writerow([t.name, _csv_cell(row[0]), _csv_cell(name), _csv_cell(value)])
    return buffer.getvalue()


def write_csv_report(stats: Stats, path: str | Path) -> None:
    write_bytes_atomic(path, csv_report(stats).encode("utf-8"))


def _html_table(t: Table, top: int | None) -> str:
    rows = t.rows[:top] if top and t.name in ("scenes", "objects") else t.rows
    head = "".join(f"<th>{html.escape(c)}</th>" for c in t.columns)
    body = (
        "".join("<tr>" + "".join(f"<td>{html.escape(_cell(c))}</td>" for c in r) + "</tr>" for r in rows)
        or f'<tr><td colspan="{len(t.columns)}">(none)</td></tr>'
    )
    more = f"<p>... and {len(t.rows) - len(rows)} more</p>" if len(rows) < len(t.rows) else ""
    return f"<h2>{html.escape(t.title)}</h2><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def plots(stats: Stats, top: int) -> dict[str, Any]:
    """hvPlot bar charts (rendered to bokeh figures) of the tables, by table name."""
    try:
        import holoviews as hv
        import hvplot.pandas  # noqa: F401  (registers .hvplot)
        import pandas as pd
    except ImportError as exc:
        raise VtourError(
            STEP,
            f"the HTML report needs hvPlot ({exc})",
            field="-o",
            fix="pip install hvplot (a vtour dependency), or leave out -o for the text tables",
        ) from None

    def frame(name: str, rows=None) -> pd.DataFrame:
        t = stats.tables[name]
        return pd.DataFrame(rows if rows is not None else t.rows, columns=list(t.columns))

    common = {"responsive": True, "height": 300, "color": "#4c72b0"}
    charts: dict[str, Any] = {}
    if stats.visits:
        charts["days"] = frame("days").hvplot.bar(x="day", y="visits", title="Visits per day", rot=45, **common)
        charts["hours"] = frame("hours").hvplot.bar(x="hour", y="visits", title="Visits per hour", rot=90, **common)
        charts["durations"] = frame("durations").hvplot.bar(x="duration", y="visits", title="Visit durations", **common)
        charts["languages"] = frame("languages").hvplot.bar(
            x="language", y="visits", title="Visits by language", **common
        )
    scenes = stats.tables["scenes"].rows[:top]
    if scenes:
        df = frame("scenes", scenes)
        charts["scenes"] = df.iloc[::-1].hvplot.barh(
            x="scene", y="entries", title="Most visited scenes", **common
        ) + df.iloc[::-1].hvplot.barh(x="scene", y="mean dwell (s)", title="Mean dwell per scene (s)", **common)
    objects = stats.tables["objects"].rows[:top]
    if objects:
        df = pd.DataFrame([(f"{k}: {o}", n) for k, o, n in objects], columns=["object", "opens"])
        charts["objects"] = df.iloc[::-1].hvplot.barh(x="object", y="opens", title="Most opened objects", **common)
    return {name: hv.render(p, backend="bokeh") for name, p in charts.items()}


_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.plot { margin: 1em 0 2em; }
"""


def html_report(stats: Stats, title: str = "Kiosk visits", top: int = 20) -> str:
    """One self-contained HTML page: the tables and their hvPlot (bokeh) charts, bokeh's JavaScript
    inline (no network): its raw bundles only, not the files extensions register (Panel, which
    hvPlot imports, adds a ``<script src>`` of its own that a page opened from disk cannot load and
    these plots do not use). Every name from the logs is escaped."""
    from bokeh.embed import components
    from bokeh.resources import Resources

    figures = plots(stats, top)
    script, divs = components(figures) if figures else ("", {})
    # bokeh's core bundle draws these bar charts: no WebGL (bokeh-gl), no widgets (bokeh-widgets)
    resources = Resources(mode="inline", components=["bokeh"]) if figures else None
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{_CSS}</style>",
        *(f"<script>{raw}</script>" for raw in (resources.js_raw if resources else ())),
        *(f"<style>{raw}</style>" for raw in (resources.css_raw if resources else ())),
        "</head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{len(stats.visits)} visits, {stats.events} events, {len(stats.files)} log file(s)"
        + (f", {stats.torn} torn line(s) skipped" if stats.torn else "")
        + ".</p>",
    ]
    if not stats.visits:
        parts.append("<p>No visits in these logs.</p>")
    for name, t in stats.tables.items():
        parts.append(_html_table(t, top))
        if name in divs:
            parts.append(f'<div class="plot">{divs[name]}</div>')
    parts += [script, "</body></html>", ""]
    return "\n".join(parts)


def write_html_report(stats: Stats, path: str | Path, title: str = "Kiosk visits", top: int = 20) -> None:
    """:func:`html_report` written atomically to ``path``."""
    write_bytes_atomic(path, html_report(stats, title, top).encode("utf-8"))


# ---------------------------------------------------------------------------------------------
# a realistic log, for tests and benchmarks


def simulated_events(
    scenes: Sequence[str],
    days: int = 3,
    seed: int = 0,
    start: dt.datetime = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC),
    languages: Sequence[str] = ("en", "zh"),
    objects: Sequence[tuple[str, str]] = (("model", "statue"), ("image", "mural")),
    idle_seconds: float = 60.0,
    package: str = "sample-20260301T000000Z-0123abcd",
) -> list[dict]:
    """A kiosk's events over ``days`` opening days (09:00-17:00 from ``start``), as the viewer and
    the launcher write them: the attract loop between visitors, visits of a few scenes with dwell,
    objects opened, language switches, narration, and an idle reset (or a tap on the attract loop
    and a walk away to the next one). Seeded: the same arguments give the same events."""
    rng = np.random.default_rng(seed)
    out: list[dict] = []

    def add(t: dt.datetime, type_: str, scene: str, language: str, **fields) -> None:
        stamp = t.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        out.append({"type": type_, "t": stamp, "scene": scene, "language": language, **fields, "package": package})

    for day in range(days):
        t = start + dt.timedelta(days=day)
        close = t + dt.timedelta(hours=8)
        scene, language = scenes[0], languages[0]
        add(t, "attract", scene, language, state="start")
        while True:
            t += dt.timedelta(seconds=float(rng.exponential(420.0)) + 5.0)  # the next visitor
            if t >= close:
                break
            add(t, "attract", scene, language, state="end")
            if rng.random() < 0.4 and len(languages) > 1:
                t += dt.timedelta(seconds=float(rng.uniform(1, 5)))
                new = str(rng.choice([x for x in languages if x != language]))
                add(t, "language", scene, new, **{"from": language})
                language = new
            for _ in range(int(rng.integers(1, 6))):
                stay = round(float(rng.gamma(2.0, 20.0)) + 1.0, 1)
                if rng.random() < 0.3:
                    add(t + dt.timedelta(seconds=1), "narration", scene, language, target="scene", muted=False)
                if rng.random() < 0.3 and objects:
                    kind, target = objects[int(rng.integers(len(objects)))]
                    add(
                        t + dt.timedelta(seconds=2),
                        "hotspot_open",
                        scene,
                        language,
                        hotspot=f"{scene}-{kind}",
                        kind=kind,
                        target=target,
                    )
                    add(t + dt.timedelta(seconds=2.1), f"{kind}_open", scene, language, **{kind: target})
                t += dt.timedelta(seconds=stay)
                nxt = str(rng.choice([s for s in scenes if s != scene])) if len(scenes) > 1 else scene
                add(t, "dwell", scene, language, seconds=stay)
                add(t, "scene_enter", nxt, language, **{"from": scene})
                scene = nxt
            stay = round(float(rng.gamma(2.0, 20.0)) + 1.0, 1)
            t += dt.timedelta(seconds=stay + idle_seconds)
            add(t, "idle_reset", scene, language, idleSeconds=idle_seconds)
            add(t, "dwell", scene, language, seconds=round(stay + idle_seconds, 1))
            add(t, "attract", scene, language, state="start")
            scene, language = scenes[0], languages[0]
    return out


def write_simulated_logs(folder: str | Path, events: Sequence[dict]) -> list[Path]:
    """``events`` into ``folder/events-YYYY-MM-DD.jsonl`` by their UTC day, as a launcher appends them."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    by_day: dict[str, list[str]] = defaultdict(list)
    for e in events:
        by_day[e["t"][:10]].append(json.dumps(e, ensure_ascii=False))
    paths = []
    for day, lines in sorted(by_day.items()):
        path = folder / f"events-{day}.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
