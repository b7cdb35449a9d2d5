"""``ImageBrowser``: the Panel app's side panel of a tour's deep-zoom images and their annotations.

Beside a :class:`vtour.panel_viewer.TourViewer`, a list of the tour's images (tour.json ``images``, by title in the
viewer's language) and, for the image open in the viewer, a table of its facts (width x height in px, megapixels,
how many annotations, rights) and a list of its annotations, read from the built tour's W3C AnnotationPage
(tour.json ``images[].annotations``), with the chosen annotation's text and region (``x, y, w, h`` in image px).
Choosing an image opens it in the viewer (its ``image``, whole); choosing an annotation shows its region (the
viewer's ``region``; chosen again, the view fits it again). The panel follows the viewer: the image open (whoever
opened it) is the one marked current, and the words follow its ``language`` (English, Chinese; English for any
other), as :class:`vtour.panel_inspector.ModelInspector` does.

Accessibility shapes the widgets, as in the inspector: the lists are native buttons
(:class:`vtour.edit.widgets.ButtonList`, the chosen one ``aria-current``), the facts a small two-column table
with a caption (no scrolling in the 400 px panel), and the panel an ``<aside>`` landmark
(:class:`vtour.panel_inspector.Landmark`) unless it is embedded in one. Tour texts are text: the buttons set
their words with ``textContent`` and every HTML pane escapes what it holds.

The data functions (:func:`read_annotations`, :func:`image_rows`, :func:`annotation_rows`, :func:`text_in`) take
and return plain data.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import panel as pn

from vtour.edit.widgets import ButtonList
from vtour.errors import VtourError
from vtour.panel_inspector import Landmark, _markup, _text, read_built_json, side_panel
from vtour.panel_viewer import TourViewer
from vtour.tour.schema import read_tour_json

#: The panel's words, per language (English words kept beside the Chinese ones, as the inspector's panel does).
# fmt: off
LABELS = {
    "en": {
        "images": "Images", "open": "Choose an image to open it in the viewer.",
        "size": "Size (px)", "megapixels": "Megapixels", "annotations": "Annotations", "rights": "Rights",
        "none": "—", "facts": "About {title}", "annotationsOf": "Annotations of {title}",
        "region": "Region (x, y, w, h px)", "noAnnotations": "This image has no annotations.",
        "choose": "Choose an annotation to show its region.", "sidePanels": "Inspector and images",
    },
    "zh": {
        "images": "图像 (Images)", "open": "选择一幅图像，在查看器中打开。",
        "size": "尺寸（像素）", "megapixels": "百万像素", "annotations": "标注 (Annotations)", "rights": "版权",
        "none": "—", "facts": "关于{title}", "annotationsOf": "{title}的标注 (Annotations)",
        "region": "区域（x, y, 宽, 高，像素）", "noAnnotations": "此图像没有标注。",
        "choose": "选择一条标注，显示其区域。", "sidePanels": "检视器与图像 (Inspector and images)",
    },
}
# fmt: on
#: The rows of an image's facts table (keys of LABELS and of :func:`image_rows`' rows), in order.
FACTS = ("size", "megapixels", "annotations", "rights")
#: The facts table's look: the inspector's, left-aligned, long words (a rights URL) broken to fit the panel.
FACTS_STYLE = "border-collapse: collapse; font-size: 12px; width: 100%; table-layout: fixed"
CELL_STYLE = "padding: 2px 6px; text-align: left; vertical-align: top; border-bottom: 1px solid #ccc"
CAPTION_STYLE = "caption-side: top; text-align: left; font-weight: bold; padding: 2px 0"
#: A W3C annotation target's media fragment: ``#xywh=x,y,w,h`` (image px) at its end.
_XYWH = re.compile(r"(?:^|[#&])xywh=(?:pixel:)?(\d+(?:\.\d+)?),(\d+(?:\.\d+)?),(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)$")


def labels_for(language: str | None) -> dict[str, str]:
    """The panel's words in ``language`` (by its primary subtag), English for any missing."""
    own = LABELS.get(str(language or "en").split("-")[0], {})
    return {**LABELS["en"], **own}


def text_in(mapping: Any, language: str | None, languages: Sequence[str] = ()) -> str:
    """A tour text (a language map, or a plain string) in ``language``: by its exact tag, then its primary subtag,
    then the tour's first language that has it, then any; "" when there is none (the viewer's textIn)."""
    if isinstance(mapping, str):
        return mapping
    if not isinstance(mapping, dict) or not mapping:
        return ""
    lang = str(language or "")
    for key in (lang, lang.split("-")[0], *languages, *mapping):
        if key in mapping and isinstance(mapping[key], str) and mapping[key]:
            return mapping[key]
    return ""


def read_annotations(tour_dir: Path, image: dict) -> list[dict[str, Any]]:
    """The annotations of a tour.json ``images[]`` entry, from its AnnotationPage file (none when it has no
    ``annotations``): ``[{"id", "region": [x, y, w, h] (int image px), "title": {lang: text}, "text": {lang: text}}]``
    in the page's order. As the viewer reads them (web/src/ui/annotationPage.js): per language, the first TextualBody
    whose purpose is not "describing" is the title, the "describing" one the text; an item without an ``xywh``
    target is left out."""
    rel = image.get("annotations")
    if not rel:
        return []
    page, path = read_built_json(tour_dir, str(rel), f"image {image.get('id')!r}'s annotation page")
    if not isinstance(page, dict) or page.get("type") != "AnnotationPage" or not isinstance(page.get("items"), list):
        raise VtourError(
            "serve", "an image's annotations are not a W3C AnnotationPage", path=path, fix="rebuild the tour"
        )
    out = []
    for i, item in enumerate(page["items"]):
        if not isinstance(item, dict) or item.get("type") != "Annotation":
            continue
        region = _target_region(item.get("target"))
        if region is None:
            continue
        title: dict[str, str] = {}
        text: dict[str, str] = {}
        bodies = item.get("body")
        for body in bodies if isinstance(bodies, list) else [bodies] if bodies else []:
            if not isinstance(body, dict) or not isinstance(body.get("value"), str):
                continue
            into = text if body.get("purpose") == "describing" else title
            into.setdefault(str(body.get("language") or "none"), body["value"])
        ident = item.get("id")
        aid = ident.rsplit("#", 1)[1] if isinstance(ident, str) and "#" in ident else f"a{i + 1}"
        out.append({"id": aid, "region": region, "title": title, "text": text})
    return out


def _target_region(target: Any) -> list[int] | None:
    """``[x, y, w, h]`` (ints) of a target's ``#xywh=`` fragment (a string, ``{id}`` or ``{selector: {value}}``)."""
    candidates = []
    for t in target if isinstance(target, list) else [target]:
        if isinstance(t, str):
            candidates.append(t)
        elif isinstance(t, dict):
            candidates += [v for v in (t.get("id"), (t.get("selector") or {}).get("value")) if isinstance(v, str)]
    for text in candidates:
        m = _XYWH.search(text)
        if m:
            region = [round(float(v)) for v in m.groups()]
            if region[2] > 0 and region[3] > 0:
                return region
    return None


def image_rows(
    images: list[dict], counts: dict[str, int], language: str | None, languages: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """One row per image: id, title (in ``language``; the id when it has none), size ("W × H" px), megapixels
    (one decimal), annotations (``counts[id]``), rights (its ``rights`` URL, else its licence, else "")."""
    rows = []
    for m in images:
        w, h = int(m.get("width") or 0), int(m.get("height") or 0)
        metadata = m.get("metadata")
        if not isinstance(metadata, dict):
            metadata = {}
        rights = m.get("rights") or text_in(metadata.get("licence"), language, languages)
        rows.append(
            {
                "id": m["id"],
                "title": text_in(m.get("title"), language, languages) or m["id"],
                "size": f"{w:,} × {h:,}",
                "megapixels": round(w * h / 1e6, 1),
                "annotations": counts.get(m["id"], 0),
                "rights": str(rights or ""),
            }
        )
    return rows


def annotation_rows(annotations: list[dict], language: str | None, languages: Sequence[str] = ()) -> list[dict]:
    """One row per annotation: id, title (in ``language``; the id when it has none), text, region ("x, y, w, h")."""
    return [
        {
            "id": a["id"],
            "title": text_in(a["title"], language, languages) or a["id"],
            "text": text_in(a["text"], language, languages),
            "region": ", ".join(str(v) for v in a["region"]),
        }
        for a in annotations
    ]


class ImageBrowser(pn.viewable.Viewer):
    """The deep-zoom images' side panel for ``viewer`` over the built tour in ``tour_dir`` (see the module
    docstring). ``images`` holds tour.json's entries by id, ``annotations`` their annotations (:func:`read_annotations`)
    by image id; place the object itself in a layout (``__panel__``).

    ``landmark`` (bool, default True): the panel is its own ``<aside>``; False when it is embedded in a layout that
    is one already (``vtour serve``'s tabs), as :class:`vtour.panel_inspector.ModelInspector`'s.
    """

    def __init__(self, viewer: TourViewer, tour_dir: str | Path, landmark: bool = True, **params):
        super().__init__(**params)
        self.viewer = viewer
        self.tour_dir = Path(tour_dir)
        doc = read_tour_json(self.tour_dir, "serve")
        self.languages = [str(lang) for lang in doc.get("languages") or []]
        self.images = {m["id"]: m for m in doc.get("images") or [] if isinstance(m, dict) and "id" in m}
        self.annotations = {mid: read_annotations(self.tour_dir, m) for mid, m in self.images.items()}
        self.L = labels_for(viewer.language)
        lists: dict[str, Any] = {"sizing_mode": "stretch_width", "margin": (0, 5)}
        self.chooser = ButtonList(**lists)  # value: the open image's id
        self.annotation_list = ButtonList(**lists)  # value: the chosen annotation's index in its image's list
        self.title = _text(self.L["images"], "h2")
        self.prompt = _text(self.L["open"])
        self.facts = pn.pane.HTML("", sizing_mode="stretch_width", margin=(0, 5))
        self.heading = _text("", "h3")
        self.hint = _text("")
        self.detail = pn.pane.HTML("", sizing_mode="stretch_width", margin=(0, 5))
        self.image_box = pn.Column(
            self.facts, self.heading, self.hint, self.annotation_list, self.detail, visible=False,
            sizing_mode="stretch_width",
        )  # fmt: skip
        self.layout = side_panel(
            pn.Column(self.title, self.prompt, self.chooser, self.image_box, sizing_mode="stretch_width"),
            self.L["images"],
            landmark,
        )
        self.chooser.on_choose(self._image_chosen)
        self.annotation_list.on_choose(self._annotation_chosen)
        viewer.param.watch(lambda *_: self._image_changed(), "image")
        viewer.param.watch(lambda *_: self._relabel(), "language")
        self._relabel()

    def __panel__(self):
        return self.layout

    @property
    def open_image(self) -> dict | None:
        """tour.json's entry of the image open in the viewer, or None."""
        return self.images.get(self.viewer.image) if self.viewer.image else None

    @property
    def open_annotations(self) -> list[dict]:
        """The open image's annotations (:func:`read_annotations`), none when no image is open."""
        image = self.open_image
        return self.annotations.get(image["id"], []) if image else []

    # -- choices --------------------------------------------------------------------------------------

    def _image_chosen(self, image_id: Any) -> None:
        if image_id in self.images and image_id != self.viewer.image:
            self.viewer.param.update(image=image_id, region=None)  # opened whole

    def _annotation_chosen(self, index: Any) -> None:
        notes = self.open_annotations
        if not isinstance(index, int) or not 0 <= index < len(notes):
            return
        self.annotation_list.value = index
        self._show_annotation()
        region = list(notes[index]["region"])
        if region == self.viewer.region:
            self.viewer.param.trigger("region")  # shown again, wherever the view went
        else:
            self.viewer.region = region

    def _image_changed(self) -> None:
        self.annotation_list.value = None  # another image: no annotation chosen yet
        self._show_image()

    # -- what is shown --------------------------------------------------------------------------------

    def _show_image(self) -> None:
        """The open image marked in the list, its facts and its annotations shown (the prompt while none is)."""
        image, L = self.open_image, self.L
        self.chooser.value = image["id"] if image else None
        self.prompt.visible = image is None
        self.image_box.visible = image is not None
        if image is None:
            return
        lang = self.viewer.language
        title = text_in(image.get("title"), lang, self.languages) or image["id"]
        counts = {image["id"]: len(self.open_annotations)}
        self.facts.object = self._facts(image_rows([image], counts, lang, self.languages)[0], title)
        self.heading.object = _markup(L["annotationsOf"].format(title=title), "h3")
        rows = annotation_rows(self.open_annotations, lang, self.languages)
        self.hint.object = _markup(L["choose" if rows else "noAnnotations"])
        self.annotation_list.param.update(
            items=[{"value": i, "text": row["title"]} for i, row in enumerate(rows)], label=L["annotations"]
        )
        self.annotation_list.visible = bool(rows)
        self._show_annotation()

    def _facts(self, row: dict[str, Any], title: str) -> str:
        """An image's facts (:data:`FACTS` of its :func:`image_rows` row) as a captioned two-column HTML table,
        every word escaped."""
        L = self.L
        shown = {
            "size": row["size"], "megapixels": f"{row['megapixels']:.1f}", "annotations": f"{row['annotations']:,}",
            "rights": row["rights"] or L["none"],
        }  # fmt: skip
        cell = CELL_STYLE
        rows = "".join(
            f"<tr><th scope='row' style='{cell}; width: 40%'>{html.escape(L[k])}</th>"
            f"<td style='{cell}; overflow-wrap: anywhere'>{html.escape(shown[k])}</td></tr>"
            for k in FACTS
        )
        head = html.escape(L["facts"].format(title=title))
        return f"<table style='{FACTS_STYLE}'><caption style='{CAPTION_STYLE}'>{head}</caption>{rows}</table>"

    def _show_annotation(self) -> None:
        """The chosen annotation's title, text and region, escaped (nothing while none is chosen)."""
        k, notes = self.annotation_list.value, self.open_annotations
        self.detail.visible = isinstance(k, int) and 0 <= k < len(notes)
        if not self.detail.visible:
            self.detail.object = ""
            return
        row = annotation_rows([notes[k]], self.viewer.language, self.languages)[0]
        region = f"{self.L['region']}: {row['region']}"
        self.detail.object = _markup(row["title"], "h4") + _markup(row["text"]) + _markup(region)

    def _relabel(self) -> None:
        """Every word in the viewer's language: the panel's and the tour's."""
        L = self.L = labels_for(self.viewer.language)
        if isinstance(self.layout, Landmark):
            self.layout.label = L["images"]
        self.title.object = _markup(L["images"], "h2")
        self.prompt.object = _markup(L["open"])
        items: list[dict[str, Any]] = []
        counts = {mid: len(a) for mid, a in self.annotations.items()}
        for row in image_rows(list(self.images.values()), counts, self.viewer.language, self.languages):
            text = row["title"] if all(i["text"] != row["title"] for i in items) else f"{row['title']} ({row['id']})"
            items.append({"value": row["id"], "text": text})
        self.chooser.param.update(items=items, label=L["images"])
        self._show_image()


__all__ = [
    "FACTS",
    "LABELS",
    "ImageBrowser",
    "annotation_rows",
    "image_rows",
    "labels_for",
    "read_annotations",
    "text_in",
]
