"""``CollectionBrowser``: the Panel app over a BUILT collection (the folder ``vtour build collection.yaml -o OUT``
writes), for what a server adds to the static catalogue: widgets, a table and a plot beside the views, the state
declared as parameters, Python callbacks.

The state is parameters with bounds taken from the collection: the search text (``query``), one value per facet
(``period``, ``material``, ``museum``, ``tag``: a facet key, as :func:`vtour.collection.catalogue.facet_key` makes it
for the static catalogue, "" for any), the ``language`` (one of the collection's) and the ``selected`` object's id.
The widgets beside them: a labelled search field, a Select per facet whose options carry their counts (among the
objects the other filters keep), a language switch; the results as native buttons
(:class:`vtour.edit.widgets.ButtonList`), their number in a polite live region; a Bokeh bar chart of the results per
period with the same numbers in a visually hidden table (a canvas says nothing to assistive technology); and the
chosen object's six views, its documentation as a captioned table, its museum, credit and rights, and links to its
static object page and to that page's 3D inspector (``#model``).

Every visitor text is escaped (``html.escape``) or set as text by the widgets; image URLs are the built folder's
files under ``prefix`` (relative to the page, as ``vtour serve``'s own static prefixes are).

The data functions (:func:`read_built_collection`, :func:`object_frame`, :func:`filter_objects`,
:func:`facet_counts`) and the search's rules are :mod:`vtour.collection.browse`'s (imported here too): plain data
in and out. :func:`collection_app` is the page factory for ``pn.serve``.
"""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

import panel as pn
import param
from bokeh.models import BasicTicker, ColumnDataSource, DataRange1d, FactorRange
from bokeh.plotting import figure

from vtour.collection.browse import (
    FACETS,
    SEARCHED,
    STEP,
    BuiltCollection,
    _field,
    facet_counts,
    filter_objects,
    object_frame,
    read_built_collection,
)
from vtour.collection.views import VIEW_NAMES
from vtour.edit.widgets import ButtonList, Main, Section, StatusLine
from vtour.panel_images import CAPTION_STYLE, CELL_STYLE, FACTS_STYLE, text_in
from vtour.panel_inspector import _markup, _text

#: The app's words (the object page's own where it has them: web/src/object/labels.js).
# fmt: off
LABELS = {
    "en": {
        "search": "Search the collection", "placeholder": "title, period, material, museum, tag…",
        "period": "Period", "material": "Material", "museum": "Museum", "tag": "Tag", "any": "Any ({n})",
        "language": "Language", "filters": "Search and filters", "results": "Results",
        "count": "{n} of {total} objects", "more": "The first {shown} are listed: narrow the search to see the rest.",
        "chart": "Objects per period", "chartCount": "Objects", "unknown": "(none)",
        "object": "Object", "choose": "Choose an object to see its six views and documentation.",
        "views": "Six views", "front": "Front", "back": "Back", "left": "Left", "right": "Right", "top": "Top",
        "bottom": "Bottom", "viewAlt": "{view} view of {title}", "noViews": "No views: this object has no 3D scan.",
        "photos": "Photographs", "photoAlt": "Photograph {n} of {title}",
        "documentation": "Documentation of {title}", "id": "Object number", "date": "Date", "dimensions": "Dimensions",
        "credit": "Credit", "rights": "Rights", "tags": "Tags", "description": "Description",
        "objectPage": "Object page: {title}", "inspect": "View in 3D: {title}",
    },
    "zh": {
        "search": "搜索藏品", "placeholder": "名称、时期、材质、收藏单位、标签…",
        "period": "时期", "material": "材质", "museum": "收藏单位", "tag": "标签", "any": "全部（{n}）",
        "language": "语言 (Language)", "filters": "搜索与筛选", "results": "结果",
        "count": "共 {total} 件，符合 {n} 件", "more": "仅列出前 {shown} 件：请缩小搜索范围以查看其余。",
        "chart": "各时期文物数量", "chartCount": "件数", "unknown": "（无）",
        "object": "文物", "choose": "选择一件文物，查看其六视图与文物信息。",
        "views": "六视图", "front": "正视", "back": "后视", "left": "左视", "right": "右视", "top": "俯视",
        "bottom": "仰视", "viewAlt": "{title}的{view}图", "noViews": "暂无视图：此文物没有三维扫描。",
        "photos": "照片", "photoAlt": "{title}的照片 {n}",
        "documentation": "{title}的文物信息", "id": "编号", "date": "年代", "dimensions": "尺寸",
        "credit": "来源", "rights": "版权", "tags": "标签", "description": "描述",
        "objectPage": "文物页面：{title}", "inspect": "三维查看：{title}",
    },
}
# fmt: on
#: Each language's own name, for the language switch (the code for any other).
LANGUAGE_NAMES = {"en": "English", "zh": "中文", "fr": "Français", "de": "Deutsch", "ja": "日本語", "ko": "한국어"}
#: At most this many results are listed as buttons (the count says how many match).
RESULTS_MAX = 100
#: Shown size of a view in the detail pane, CSS px (the files are the build's ``views: size``).
VIEW_PX = 160
#: The bar colours: every period, and the period chosen.
BAR, BAR_CHOSEN = "#4a6fa5", "#c0392b"
#: Hidden from the eye, not from assistive technology (the chart's table).
VISUALLY_HIDDEN = (
    "position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; "
    "clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0"
)


def labels_for(language: str | None) -> dict[str, str]:
    """The app's words in ``language`` (by its primary subtag), English for any missing."""
    own = LABELS.get(str(language or "en").split("-")[0], {})
    return {**LABELS["en"], **own}


# -- the app ------------------------------------------------------------------------------------------------


class PageLanguage(pn.custom.JSComponent):
    """Keeps the page's ``<html lang>`` at ``language``, so that assistive technology reads the words in the
    voice of their language (the collection's texts and the app's follow the language switch). Shows nothing."""

    language = param.String(default="en", doc="a BCP 47 language tag")

    _esm = """
    export function render({ model }) {
      const set = () => { if (model.language) document.documentElement.lang = model.language; };
      set();
      model.on("language", set);
    }
    """

    def __init__(self, **params):
        super().__init__(**{"width": 0, "height": 0, "margin": 0, **params})


class CollectionBrowser(pn.viewable.Viewer):
    """The app over the built collection ``collection`` (a folder, or a :class:`BuiltCollection` shared by the
    sessions); see the module docstring. Place the object itself in a page (``__panel__``): it is the page's
    ``<main>`` landmark, named after the collection (``landmark=False``: a plain column, inside a page's own)."""

    query = param.String(default="", doc="the search text: each word must occur in an object's texts")
    period: param.Selector[str] = param.Selector(default="", objects=[""], doc="the period's facet key, '' for any")
    material: param.Selector[str] = param.Selector(default="", objects=[""], doc="the material's facet key, '' for any")
    museum: param.Selector[str] = param.Selector(default="", objects=[""], doc="the museum's facet key, '' for any")
    tag: param.Selector[str] = param.Selector(default="", objects=[""], doc="a tag's facet key, '' for any")
    language: param.Selector[str] = param.Selector(default="en", objects=["en"], doc="the language of every word shown")
    selected: param.Selector[str | None] = param.Selector(
        default=None, objects=[None], allow_None=True, doc="the id of the object shown"
    )
    prefix = param.String(default="collection-files", constant=True, doc="URL of the built folder (page-relative)")

    def __init__(self, collection: str | Path | BuiltCollection, landmark: bool = True, **params):
        c = self.collection = (
            collection if isinstance(collection, BuiltCollection) else read_built_collection(collection)
        )
        state = {k: params.pop(k) for k in (*FACETS, "query", "language", "selected") if k in params}
        super().__init__(**params)
        for facet in FACETS:  # the bounds: the collection's own values
            self.param[facet].objects = ["", *c.labels[facet]]
        self.param.language.objects = list(c.languages)
        self.param.selected.objects = [None, *c.objects]
        with param.parameterized.discard_events(self):  # no widget to follow it yet
            self.language = c.languages[0]
        self.results = c.frame
        L = self.L = labels_for(self.language)
        wide = {"sizing_mode": "stretch_width"}
        self.search = pn.widgets.TextInput(label=L["search"], placeholder=L["placeholder"], **wide)
        self.selects = {f: pn.widgets.Select(label=L[f], options={"": ""}, **wide) for f in FACETS}
        self.switch = pn.widgets.Select(label=L["language"], options=self._language_options(), width=160)
        self.page_language = PageLanguage(language=self.language)
        self.status = StatusLine(sizing_mode="stretch_width", height=None, width=None, margin=(0, 5))
        self.heading = _text(self._title(), "h1")
        self.list = ButtonList(**wide, margin=(0, 5))
        self.more = _text("")
        self.chart = pn.pane.Bokeh(None, height=240, **wide)  # a new figure each time (Panel holds the doc lock)
        self.chart_table = pn.pane.HTML("", margin=0, **wide)
        self.detail = pn.pane.HTML("", margin=(0, 5), **wide)
        self.titles = {k: _text("", "h2") for k in ("filters", "results", "object")}
        filters = pn.Column(
            self.titles["filters"], self.search, *self.selects.values(), self.chart,
            self.chart_table, **wide,
        )  # fmt: skip
        results = pn.Column(self.titles["results"], self.status, self.list, self.more, **wide)
        detail = pn.Column(self.titles["object"], self.detail, **wide)
        column = {"styles": {"flex": "1 1 300px", "min-width": "0"}, "margin": (0, 10)}
        self.sections = {
            "filters": Section(content=filters, **column),
            "results": Section(content=results, **column),
            "object": Section(content=detail, **{**column, "styles": {"flex": "2 1 520px", "min-width": "0"}}),
        }
        body = pn.Column(
            pn.Row(self.heading, pn.HSpacer(), self.switch, self.page_language, **wide),
            pn.FlexBox(*self.sections.values(), flex_wrap="wrap", align_items="flex-start", **wide),
            **wide,
        )  # fmt: skip
        self.layout = Main(content=body, label=self._title(), **wide) if landmark else body
        self.search.param.watch(lambda e: setattr(self, "query", e.new), "value_input")
        for facet, select in self.selects.items():
            select.param.watch(lambda e, f=facet: setattr(self, f, e.new or ""), "value")
        self.switch.param.watch(lambda e: setattr(self, "language", e.new), "value")
        self.list.on_choose(lambda oid: setattr(self, "selected", oid) if oid in c.objects else None)
        self.param.update(state)
        self._relabel()

    def __panel__(self):
        return self.layout

    def _title(self) -> str:
        return text_in(self.collection.title, self.language, self.collection.languages) or self.collection.id

    def _text(self, value: Any) -> str:
        return text_in(value, self.language, self.collection.languages)

    # -- Python callbacks -------------------------------------------------------------------------------

    @param.depends("query", *FACETS, watch=True)
    def _filter(self) -> None:
        """The results of the query and facets, and every count and the chart that follow them."""
        self.results = filter_objects(self.collection.frame, self.query, **{f: getattr(self, f) for f in FACETS})
        if self.search.value_input != self.query:
            self.search.param.update(value=self.query, value_input=self.query)
        self._show_facets()
        self._show_results()
        self._show_chart()

    @param.depends("language", watch=True)
    def _relabel(self) -> None:
        """Every word in the chosen language: the app's and the collection's."""
        L = self.L = labels_for(self.language)
        if isinstance(self.layout, Main):
            self.layout.label = self._title()
        self.heading.object = _markup(self._title(), "h1")
        for k, pane in self.titles.items():
            pane.object = _markup(L[k], "h2")
        for k, section in self.sections.items():
            section.label = L[k]
        self.search.param.update(label=L["search"], placeholder=L["placeholder"])
        self.switch.param.update(label=L["language"], value=self.language)
        self.page_language.language = self.language
        self._filter()
        self._show_detail()

    @param.depends("selected", watch=True)
    def _show_selected(self) -> None:
        self.list.value = self.selected
        self._show_detail()

    # -- what is shown ----------------------------------------------------------------------------------

    def _language_options(self) -> dict[str, str]:
        return {LANGUAGE_NAMES.get(lang.split("-")[0], lang): lang for lang in self.collection.languages}

    def _label(self, facet: str, key: str) -> str:
        return self._text(self.collection.labels[facet].get(key)) or key

    def _show_facets(self) -> None:
        """Each facet's options: "any", then its values with their counts among the objects the OTHER filters
        keep (most first); a value no object has then is left out unless it is the one chosen."""
        for facet, select in self.selects.items():
            others = {f: getattr(self, f) for f in FACETS if f != facet}
            kept = filter_objects(self.collection.frame, self.query, **others)
            counts = facet_counts(kept, facet)
            chosen = getattr(self, facet)
            keys = sorted(counts, key=lambda k: (-counts[k], self._label(facet, k)))
            if chosen and chosen not in counts:
                keys.append(chosen)
            options = {self.L["any"].format(n=len(kept)): ""}
            for key in keys:
                text = f"{self._label(facet, key)} ({counts.get(key, 0)})"
                options[text if text not in options else f"{text} [{key}]"] = key
            select.param.update(options=options, value=chosen, label=self.L[facet])

    def _show_results(self) -> None:
        L, c = self.L, self.collection
        ids = list(self.results["id"])
        shown = ids[:RESULTS_MAX]
        items = []
        for oid in shown:
            doc = c.objects[oid]
            extra = [self._text(_field(doc, k)) for k in ("period", "museum")]
            items.append({"value": oid, "text": " · ".join([self._text(doc["title"]) or oid, *filter(None, extra)])})
        self.list.param.update(items=items, label=L["results"], value=self.selected)
        self.status.text = L["count"].format(n=f"{len(ids):,}", total=f"{len(c.objects):,}")
        self.more.object = _markup(L["more"].format(shown=len(shown)) if len(ids) > len(shown) else "")

    def _chart_rows(self) -> list[tuple[str, int, bool]]:
        """(period as shown, number of results, chosen) per period of the results, most first."""
        counts = Counter(self.results["period"])
        keys = sorted(counts, key=lambda k: (-counts[k], k == "", self._label("period", k) if k else ""))
        return [(self._label("period", k) if k else self.L["unknown"], counts[k], k == self.period) for k in keys]

    def _show_chart(self) -> None:
        """The bar chart of :meth:`_chart_rows` (a new figure: one changed in place would need the session's
        document lock, which a callback from another thread does not hold) and its table."""
        rows = self._chart_rows()
        source = ColumnDataSource({
            "x": [label for label, _, _ in rows], "count": [n for _, n, _ in rows],
            "colour": [BAR_CHOSEN if chosen else BAR for _, _, chosen in rows],
        })  # fmt: skip
        fig = figure(
            title=self.L["chart"], x_range=FactorRange(*source.data["x"]), y_range=DataRange1d(start=0), height=240,
            sizing_mode="stretch_width", toolbar_location=None, tools="",
        )  # fmt: skip
        fig.vbar(x="x", top="count", width=0.8, source=source, fill_color="colour", line_color="colour")
        fig.yaxis.axis_label = self.L["chartCount"]
        fig.yaxis[0].ticker = BasicTicker(min_interval=1)  # counts: whole numbers
        fig.yaxis.minor_tick_line_color = None
        fig.xaxis.major_label_orientation = 0.8 if len(rows) > 4 else 0
        fig.xgrid.grid_line_color = None
        self.chart.object = fig
        L, cell = self.L, CELL_STYLE
        body = "".join(
            f"<tr><th scope='row' style='{cell}'>{html.escape(label)}</th><td style='{cell}'>{n:,}</td></tr>"
            for label, n, _ in rows
        )
        head = f"<tr><th scope='col'>{html.escape(L['period'])}</th><th scope='col'>{html.escape(L['chartCount'])}</th>"
        self.chart_table.object = (
            f"<table style='{VISUALLY_HIDDEN}'><caption>{html.escape(L['chart'])}</caption>{head}</tr>{body}</table>"
        )

    def url(self, oid: str, rel: str = "") -> str:
        """The URL of ``rel`` in object ``oid``'s folder of the served collection (page-relative)."""
        path = "/".join(quote(part) for part in rel.split("/")) if rel else ""
        return f"{self.prefix.rstrip('/')}/objects/{quote(oid)}/{path}"

    def _show_detail(self) -> None:
        """The chosen object's views, documentation and links (the prompt while none is chosen), all escaped."""
        oid = self.selected
        if oid is None:
            self.detail.object = _markup(self.L["choose"])
            return
        doc, L = self.collection.objects[oid], self.L
        title = self._text(doc.get("title")) or oid
        lang = html.escape(self.language, quote=True)
        parts = [f"<h3 lang='{lang}' style='margin: 4px 0'>{html.escape(title)}</h3>", self._figures(oid, doc, title)]
        description = self._text(doc.get("description"))
        if description:
            parts.append(_markup(description))
        parts.append(self._facts(oid, doc, title))
        page = f"{self.url(oid, 'index.html')}#lang={quote(self.language)}"
        links = [(page, L["objectPage"].format(title=title))]
        if doc.get("model"):
            links.append((f"{page}&model", L["inspect"].format(title=title)))
        parts.append(
            "<ul style='padding-left: 1.2em'>"
            + "".join(
                f"<li><a href='{html.escape(href, quote=True)}' target='_blank' rel='noopener'>"
                f"{html.escape(text)}</a></li>"
                for href, text in links
            )
            + "</ul>"
        )
        self.detail.object = "".join(parts)

    def _figures(self, oid: str, doc: dict, title: str) -> str:
        """The six views (or, without a scan, the photographs' thumbnails) as captioned images."""
        L, views = self.L, doc.get("views") or {}
        files = views.get("files") or {}
        shown = [(files[v], L["viewAlt"].format(view=L[v], title=title), L[v]) for v in VIEW_NAMES if v in files]
        heading = L["views"]
        if not shown:
            photos = [m for m in doc.get("images") or [] if isinstance(m, dict) and m.get("thumb")]
            shown = [
                (m["thumb"], L["photoAlt"].format(n=k, title=title), f"{L['photos']} {k}")
                for k, m in enumerate(photos, 1)
            ]
            heading = L["photos"] if shown else ""
        if not shown:
            return _markup(L["noViews"])
        figures = "".join(
            f"<li style='margin: 0'><figure style='margin: 0'><img src='{html.escape(self.url(oid, rel), quote=True)}' "
            f"alt='{html.escape(alt, quote=True)}' width='{VIEW_PX}' height='{VIEW_PX}' "
            f"style='max-width: 100%; height: auto; background: #eee; display: block'>"
            f"<figcaption style='font-size: 12px'>{html.escape(caption)}</figcaption></figure></li>"
            for rel, alt, caption in shown
        )
        grid = f"display: grid; grid-template-columns: repeat(auto-fill, minmax(110px, {VIEW_PX}px)); gap: 8px"
        return (
            f"<h4 style='margin: 4px 0'>{html.escape(heading)}</h4>"
            f"<ul aria-label='{html.escape(heading, quote=True)}' style='list-style: none; padding: 0; {grid}'>"
            f"{figures}</ul>"
        )

    def _facts(self, oid: str, doc: dict, title: str) -> str:
        """The documentation (id, the fields in object.json's order, tags, rights) as a captioned two-column table."""
        L = self.L
        rows = [(L["id"], oid)]
        for f in doc.get("fields") or []:
            key = f.get("key")
            label = self._text(f.get("label")) if key == "metadata" else L.get(str(key), str(key))
            value = self._text(f.get("value"))
            if label and value:
                rows.append((label, value))
        tags = ", ".join(filter(None, (self._text(t) for t in doc.get("tags") or [])))
        rows += [(L["tags"], tags)] if tags else []
        rows += [(L["rights"], str(doc["rights"]))] if doc.get("rights") else []
        cell = CELL_STYLE
        body = "".join(
            f"<tr><th scope='row' style='{cell}; width: 35%'>{html.escape(k)}</th>"
            f"<td style='{cell}; overflow-wrap: anywhere'>{html.escape(v)}</td></tr>"
            for k, v in rows
        )
        caption = html.escape(L["documentation"].format(title=title))
        return f"<table style='{FACTS_STYLE}'><caption style='{CAPTION_STYLE}'>{caption}</caption>{body}</table>"


def _apply_valid(browser: CollectionBrowser, values: dict) -> None:
    """The URL's values one by one, leaving out those outside the parameters' bounds (a stale link)."""
    for name, value in values.items():
        try:
            browser.param.update({name: value})
        except ValueError:
            pass


#: URL query parameters the page keeps its state in (a link shares the page as seen).
URL_STATE = {"query": "q", "language": "lang", "selected": "object", **{f: f for f in FACETS}}


def collection_app(out_dir: str | Path, *, prefix: str = "collection-files"):
    """A page factory for ``pn.serve`` over the built collection in ``out_dir`` (read once, here: a folder that is
    not one is a VtourError now, not in a visitor's session). The folder must be served as static files at
    ``<prefix>/`` relative to the page (``pn.serve(..., static_dirs={prefix: out_dir})``, or
    :func:`vtour.serve.site_routes`). The page's URL query carries its state (:data:`URL_STATE`)."""
    collection = read_built_collection(out_dir)

    def page():
        browser = CollectionBrowser(collection, prefix=prefix)
        if pn.state.location is not None:
            pn.state.location.sync(browser, URL_STATE, on_error=lambda values: _apply_valid(browser, values))
        return browser

    return page


__all__ = [
    "FACETS",
    "LABELS",
    "SEARCHED",
    "STEP",
    "URL_STATE",
    "BuiltCollection",
    "CollectionBrowser",
    "PageLanguage",
    "collection_app",
    "facet_counts",
    "filter_objects",
    "labels_for",
    "object_frame",
    "read_built_collection",
]
