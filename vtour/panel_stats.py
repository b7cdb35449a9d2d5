"""``StatsApp``: the Panel app over kiosk visit logs (``vtour stats LOG... --serve``), for staff who want to look
at the figures of :mod:`vtour.stats` by day and language while the kiosk keeps logging.

The state is parameters: the first and last day shown (``start``, ``end``: local days, in the zone ``tz``, within
the logs' days) and the ``language`` of the visits shown ("" for every language, else one the logs have). Their
widgets: three selects (the logs' days, the languages); a "Reload logs" button re-reads the files (a kiosk
appends to today's). Every change recomputes, in Python, :mod:`vtour.stats`' own tables
(:func:`vtour.stats.visit_stats`) and its hvPlot charts (the ones its HTML report has), shown as Bokeh panes,
each below its table (``pn.pane.DataFrame``: a plain ``<table>``; Tabulator's grid fails axe-core).

What a filter keeps (:func:`filtered_stats`): the date range keeps the events of those local days, so the days
table is the unfiltered one's rows of those days; the language keeps, of the visits in that range, those that
ended in that language (:attr:`vtour.stats.Visit.language`, as the languages table counts them), with their own
events, each visit cut out as the report cut it. Unfiltered, the figures are exactly ``vtour stats``'.

:func:`serve_stats` serves it read-only on 127.0.0.1 by default, as :func:`vtour.serve.serve_tour` serves a tour.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import logging
import socket
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import panel as pn
import param

from vtour.edit.widgets import Main, Section, StatusLine
from vtour.errors import VtourError
from vtour.serve import (
    ALL_INTERFACES,
    DEFAULT_ADDRESS,
    DEFAULT_PORT,
    _routes,
    _warn_off_loopback,
    check_port,
    free_port,
    websocket_origins,
)
from vtour.stats import Event, Stats, Visit, log_files, plots, read_logs, time_zone, visit_stats, visits

log = logging.getLogger(__name__)

#: The app's words.
LABELS = {
    "title": "Kiosk visits",
    "filters": "Filters",
    "start": "From (day)",
    "end": "To (day)",
    "language": "Visitors' language",
    "every": "Every language",
    "reload": "Reload logs",
    "read": "{visits} visits shown of {total}; {events} events in {files} log file(s), read at {time}.",
    "torn": " {torn} torn line(s) skipped.",
    "none": "No visits in these days and language.",
    "figures": "Figures",
}
#: Width of a table, CSS px (its chart takes the rest of the row).
TABLE_PX = 440
#: The tables shown, in this order, and the chart beside each (the HTML report's, :func:`vtour.stats.plots`).
TABLES = ("summary", "days", "hours", "scenes", "objects", "languages", "durations")


def local_day(t: dt.datetime, zone: dt.tzinfo) -> dt.date:
    return t.astimezone(zone).date()


def filtered_stats(
    events: Sequence[Event],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    language: str = "",
    tz: str | None = None,
    files: Sequence[str | Path] = (),
    torn: int = 0,
) -> Stats:
    """:func:`vtour.stats.visit_stats` of the events of the local days ``start``..``end`` (None: open) and,
    with ``language``, of the visits among them that ended in it (see the module docstring)."""
    zone = time_zone(tz)
    kept = [
        e
        for e in events
        if (start is None or start <= local_day(e.t, zone)) and (end is None or local_day(e.t, zone) <= end)
    ]
    if language:
        chosen = [v for v in visits(kept) if (v.language or "?") == language]
        kept = _as_streams(chosen)
    return visit_stats(kept, tz, files, torn)


def _as_streams(chosen: Iterable[Visit]) -> list[Event]:
    """The events of ``chosen``, each visit a stream of its own (vtour.stats cuts visits per kiosk: alone in its
    stream, a visit is cut again as it was, whichever visits went before it)."""
    return [dataclasses.replace(e, kiosk=f"{e.kiosk}\0{k}") for k, v in enumerate(chosen) for e in v.events]


class StatsApp(pn.viewable.Viewer):
    """The app over the kiosk logs ``logs`` (files, folders or patterns, as ``vtour stats`` takes them); see the
    module docstring. Place the object itself in a page: it is the page's ``<main>`` landmark."""

    start = param.CalendarDate(default=None, allow_None=True, doc="the first local day shown (None: the logs' first)")
    end = param.CalendarDate(default=None, allow_None=True, doc="the last local day shown (None: the logs' last)")
    language: param.Selector[str] = param.Selector(
        default="", objects=[""], doc="the language the visits shown ended in ('' for every language)"
    )

    def __init__(self, logs: Sequence[str | Path], *, tz: str | None = None, top: int = 20, **params: Any):
        self.logs, self.tz, self.top = list(logs), tz, top
        self.zone = time_zone(tz)  # a bad zone is a VtourError now, not in a session
        state: dict[str, Any] = {k: params.pop(k) for k in ("start", "end", "language") if k in params}
        super().__init__(**params)
        self.events: list[Event] = []
        self.files: list[str] = []
        self.torn = 0
        self.days: list[dt.date] = []
        self.total = 0  # visits in the logs
        self._syncing = False  # while the widgets are set from the parameters: their watchers are silent
        self.stats: Stats | None = None
        self.read_at = ""
        L = LABELS
        wide = {"sizing_mode": "stretch_width"}
        # the logs' days as native selects (Bokeh's date picker has an unlabelled input: axe-core fails it)
        self.start_picker = pn.widgets.Select(label=L["start"], width=160)
        self.end_picker = pn.widgets.Select(label=L["end"], width=160)
        self.language_select = pn.widgets.Select(label=L["language"], width=200)
        self.reload_button = pn.widgets.Button(label=L["reload"], color="primary", margin=(22, 10, 0, 10))
        self.status = StatusLine(sizing_mode="stretch_width", height=None, width=None, margin=(0, 5))
        # each table beside its chart (below it in a narrow window)
        self.tables = {
            name: pn.pane.DataFrame(None, index=False, width=TABLE_PX, styles={"flex": f"0 1 {TABLE_PX}px"})
            for name in TABLES
        }
        self.charts = {
            name: pn.pane.Bokeh(None, min_height=300, **wide, styles={"flex": "1 1 480px", "min-width": "0"})
            for name in TABLES
        }
        self.titles = {name: pn.pane.HTML("", margin=(10, 5, 0, 5)) for name in TABLES}
        blocks = [
            pn.Column(
                self.titles[name], pn.FlexBox(self.tables[name], self.charts[name], flex_wrap="wrap", **wide), **wide
            )
            for name in TABLES
        ]
        filters = pn.Row(
            self.start_picker, self.end_picker, self.language_select, self.reload_button, **wide,
        )  # fmt: skip
        self.sections = {
            "filters": Section(
                content=pn.Column(_heading(L["filters"]), filters, self.status, **wide), label=L["filters"], **wide
            ),
            "figures": Section(content=pn.Column(*blocks, **wide), label=L["figures"], **wide),
        }
        body = pn.Column(_heading(L["title"], "h1"), *self.sections.values(), **wide)
        self.layout = Main(content=body, label=L["title"], **wide)
        for name, widget in (
            ("start", self.start_picker),
            ("end", self.end_picker),
            ("language", self.language_select),
        ):
            widget.param.watch(lambda e, name=name: None if self._syncing else setattr(self, name, e.new), "value")
        self.reload_button.on_click(lambda _: self.reload())
        self._read()
        self.param.update(state)
        self._recompute()

    def __panel__(self) -> Main:
        return self.layout

    # -- Python callbacks -------------------------------------------------------------------------------

    def reload(self) -> None:
        """Reload logs: read the files again (new lines, and the files a new day added), keeping the filters
        that still fit the logs, and recompute. A log that cannot be read now (a bad line, a file gone) is said
        in the status line, as an alert, and the figures shown stay those of the last read."""
        try:
            self._read()
        except VtourError as exc:
            self.status.param.update(text=" ".join(str(exc).split()), alert=True)
            return
        self.status.alert = False
        self._recompute()

    def _read(self) -> None:
        """Read the logs; the bounds of the parameters (the days, the languages) from them."""
        events, files, torn = read_logs(self.logs)
        self.events, self.files, self.torn = events, [str(f) for f in files], torn
        self.read_at = dt.datetime.now().strftime("%H:%M:%S")
        self.days = sorted({local_day(e.t, self.zone) for e in events})
        first, last = (self.days[0], self.days[-1]) if self.days else (None, None)
        counts: dict[str, int] = {}
        found = visits(events)
        self.total = len(found)
        for v in found:
            counts[v.language or "?"] = counts.get(v.language or "?", 0) + 1
        languages = sorted(counts, key=lambda x: (-counts[x], x))
        with param.parameterized.discard_events(self):
            self.param.language.objects = ["", *languages]
            if self.language not in self.param.language.objects:
                self.language = ""
            for name in ("start", "end"):
                if getattr(self, name) is not None and first is not None and not first <= getattr(self, name) <= last:
                    setattr(self, name, None)
        days = {d.isoformat(): d for d in self.days}
        self._syncing = True
        try:
            self.start_picker.options, self.end_picker.options = days, days
            self.language_select.options = {LABELS["every"]: "", **{x: x for x in languages}}
        finally:
            self._syncing = False

    @param.depends("start", "end", "language", watch=True)
    def _recompute(self) -> None:
        """The tables and charts of the visits the filters keep."""
        self.stats = filtered_stats(
            self.events, start=self.start, end=self.end, language=self.language, tz=self.tz, files=self.files,
            torn=self.torn,
        )  # fmt: skip
        with pn.io.hold():
            self._show()

    # -- what is shown ----------------------------------------------------------------------------------

    def _show(self) -> None:
        import pandas as pd

        stats = self.stats
        assert stats is not None
        self._syncing = True
        try:
            if self.days:
                self.start_picker.value = self.start or self.days[0]
                self.end_picker.value = self.end or self.days[-1]
            self.language_select.value = self.language
        finally:
            self._syncing = False
        total = self.total
        words = LABELS["read"].format(
            visits=len(stats.visits), total=total, events=len(self.events), files=len(self.files), time=self.read_at
        )
        if self.torn:
            words += LABELS["torn"].format(torn=self.torn)
        if not stats.visits:
            words += " " + LABELS["none"]
        self.status.text = words
        figures = plots(stats, self.top)
        for name in TABLES:
            table = stats.tables[name]
            rows = table.rows
            if name == "hours":
                rows = [r for r in rows if r[1]]
            if name in ("scenes", "objects"):
                rows = rows[: self.top]
            self.titles[name].object = _html_heading(table.title, "h2")
            self.tables[name].object = pd.DataFrame(rows, columns=list(table.columns))
            figure = figures.get(name)
            if figure is not None:
                _quiet_toolbar(figure)
            self.charts[name].param.update(object=figure, visible=figure is not None)


def _html_heading(text: str, tag: str) -> str:
    return f"<{tag} style='margin: 4px 0'>{html.escape(text)}</{tag}>"


def _heading(text: str, tag: str = "h2") -> pn.pane.HTML:
    return pn.pane.HTML(_html_heading(text, tag), margin=(0, 5))


def _quiet_toolbar(figure: Any) -> None:
    """No toolbar on a chart (or on the charts of a layout): its icons are unnamed buttons, and staff read
    the numbers in the table beside it."""
    for fig in [figure, *getattr(figure, "children", [])]:
        fig = fig[0] if isinstance(fig, tuple) else fig
        if hasattr(fig, "toolbar_location"):
            fig.toolbar_location = None


def stats_app(logs: Sequence[str | Path], *, tz: str | None = None, top: int = 20):
    """A page factory for ``pn.serve``: a :class:`StatsApp` per session (the logs read once here first, so a
    bad log or zone is a VtourError now, not in a visitor's session)."""
    read_logs(logs)
    time_zone(tz)

    def page() -> StatsApp:
        return StatsApp(logs, tz=tz, top=top)

    return page


def serve_stats(
    logs: Sequence[str | Path],
    *,
    port: int = DEFAULT_PORT,
    address: str = DEFAULT_ADDRESS,
    tz: str | None = None,
    top: int = 20,
    show: bool = False,
    threaded: bool = False,
):
    """Serve :class:`StatsApp` over ``logs`` on ``address:port`` (0: a free port); read-only, so no token. With
    ``threaded=True`` returns the running server thread (``.stop()`` ends it); otherwise blocks until interrupted."""
    check_port(port)
    page = stats_app(logs, tz=tz, top=top)
    if port == 0:
        port = free_port(address)
    origins = websocket_origins(address, port)
    _warn_off_loopback(address, port, origins)
    shown = socket.gethostname() if address in ALL_INTERFACES else address
    log.info("stats: %d log file(s) on http://%s:%d/", len(log_files(logs)), shown, port)
    return pn.serve(
        page,
        port=port,
        address=address,
        show=show,
        threaded=threaded,
        extra_patterns=_routes(),
        websocket_origin=origins,
        title=LABELS["title"],
    )


__all__ = ["LABELS", "TABLES", "StatsApp", "filtered_stats", "serve_stats", "stats_app"]
