"""``ModelInspector``: the Panel app's side panel of the conservator's inspector.

Beside a :class:`vtour.panel_viewer.TourViewer`, it holds Panel widgets bound to the viewer's inspector
parameters (the model open, the mode, the light, shadows, the section, finest level; for a model with
previous scans, the scan compared, the change limits and side-by-side comparison) and a Screenshot
button, the table of the open model's levels (from its report.json: triangles, bytes, texture size,
Hausdorff and RMS deviation in model units and as % of the diagonal, the level on screen marked) and a
histogram of the per-vertex deviation of the level on screen; while the change map is shown, the
histogram of the signed change since the previous scan too, its bars split and coloured by the classes
of the CURRENT limits (the inspector's: loss and gain apart, :data:`CHANGE_COLOURS`), with the share of
each class. Every length is in the model's units, "units unknown" when the model does not say. The words
follow the viewer's ``language`` (English, Chinese; English for any other), and every control's name
carries its English word, as the inspector's do.

Accessibility shapes the widgets: sliders are native ``<input type="range">`` elements
(:class:`RangeInput`; Bokeh's slider handle has no accessible name), options are labelled radio
buttons and checkboxes, the levels are an HTML table with a caption, each histogram has a text
summary, and the panel is an ``<aside>`` landmark (:class:`Landmark`).

The data functions (:func:`level_rows`, :func:`deviation_histogram`, :func:`change_histogram`,
:func:`change_bars`, :func:`change_fractions`, :func:`model_centre`) take and return plain data; the
histogram of a level comes from report.json
(``lods[k].per_vertex_deviation.histogram``), or, for a tour built before reports had it, from the
level's ``_DEVIATION`` attribute in its .glb.
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import panel as pn
import param
from bokeh.models import DataRange1d
from bokeh.plotting import figure

from vtour.errors import VtourError
from vtour.model.glb import read_accessor, unpack_glb
from vtour.model.report import histogram
from vtour.panel_viewer import MODES, TourViewer
from vtour.tour.schema import read_tour_json

#: The panel's words, per language (the inspector's own words where it has them: web/src/ui/labels.js).
# fmt: off
LABELS = {
    "en": {
        "inspector": "Inspector", "model": "Model", "none": "(none)", "open": "Choose a model to inspect it.",
        "mode": "Mode", "textured": "Textured", "clay": "Clay", "normals": "Normals", "wireframe": "Wireframe",
        "xray": "X-ray", "deviation": "Deviation", "change": "Change", "light": "Light",
        "azimuth": "Light azimuth (degrees)", "elevation": "Light elevation (degrees)", "ambient": "Light: ambient",
        "exposure": "Light: exposure", "shadows": "Light: shadows", "finest": "Finest level",
        "compare": "Compare side by side (Change)", "detail": "Detail", "levels": "Levels", "level": "Level",
        "file": "File", "triangles": "Triangles", "bytes": "Bytes", "texture": "Texture (px)",
        "hausdorff": "Hausdorff ({units})", "rms": "RMS ({units})", "percent": "% of diagonal", "shown": "On screen",
        "yes": "shown", "unitsUnknown": "units unknown",
        "levelInfo": "Level {level} of {levels}: {triangles} triangles",
        "deviationInfo": "deviation from the scan {value} ({percent} % of the diagonal)",
        "devTitle": "Deviation from the scan, level {level}", "distance": "distance to the scan ({units})",
        "vertices": "vertices", "changeTitle": "Change since {date}, level {level}",
        "signed": "signed distance ({units}; negative: material lost)",
        "devSummary": "{n} vertices; half within {median}, 95 % within {p95}, all within {max} ({units}).",
        "changeSummary": "{n} vertices measured; minor from {minor}, major from {major} ({units}). "
                         "Share of the surface:",
        "noHistogram": "No per-vertex deviation for this level.",
        "changeHeading": "Change", "previous": "Change: previous scan", "minor": "Change: minor from ({units})",
        "major": "Change: major from ({units})", "noChange": "no change", "minorLoss": "minor loss",
        "minorGain": "minor gain", "majorLoss": "major loss", "majorGain": "major gain",
        "notMeasured": "not measured", "share": "{name}: {percent} %",
        "noLimits": "This previous scan has no change limits: enter the minor and major limits under Change "
                    "to classify the map.",
        "section": "Section", "sectionOff": "Section: off", "sectionX": "Section: X, through the middle",
        "sectionY": "Section: Y, through the middle", "sectionZ": "Section: Z, through the middle",
        "sectionOther": "Section: another plane (set in the view)",
        "screenshot": "Screenshot", "screenshotSize": "Screenshot size", "times": "{n} × the view",
        "pixels": "{n} pixels wide", "saved": "Saved {file} ({width} × {height} pixels, {bytes} bytes).",
    },
    "zh": {
        "inspector": "检视器", "model": "模型 (Model)", "none": "（无）", "open": "选择一个模型进行检视。",
        "mode": "显示模式", "textured": "纹理 (Textured)", "clay": "白模 (Clay)", "normals": "法线 (Normals)",
        "wireframe": "线框 (Wireframe)", "xray": "透视 (X-ray)", "deviation": "偏差 (Deviation)",
        "change": "变化 (Change)", "light": "光照 (Light)", "azimuth": "光照方位角（度）(Light)",
        "elevation": "光照高度角（度）(Light)", "ambient": "环境光 (Light)", "exposure": "曝光 (Light)",
        "shadows": "阴影 (Light)", "finest": "最精细层级 (Finest level)", "compare": "并排比较 (Change)",
        "detail": "细节", "levels": "层级 (Levels)", "level": "层级", "file": "文件", "triangles": "三角形",
        "bytes": "字节", "texture": "纹理（像素）", "hausdorff": "豪斯多夫距离（{units}）",
        "rms": "均方根（{units}）", "percent": "对角线的 %", "shown": "当前显示", "yes": "显示中",
        "unitsUnknown": "单位未知", "levelInfo": "第 {level} 级，共 {levels} 级：{triangles} 个三角形",
        "deviationInfo": "与扫描的偏差 {value}（对角线的 {percent} %）",
        "devTitle": "与扫描的偏差，第 {level} 级 (Deviation)", "distance": "到扫描的距离（{units}）",
        "vertices": "顶点", "changeTitle": "自 {date} 以来的变化，第 {level} 级 (Change)",
        "signed": "有符号距离（{units}；负值：材料损失）",
        "devSummary": "{n} 个顶点；一半在 {median} 以内，95 % 在 {p95} 以内，全部在 {max} 以内（{units}）。",
        "changeSummary": "已测量 {n} 个顶点；轻微自 {minor}，显著自 {major}（{units}）。各类所占表面比例：",
        "noHistogram": "此层级没有逐顶点偏差。",
        "changeHeading": "变化 (Change)", "previous": "变化：此前扫描 (Change)",
        "minor": "变化：轻微起点（{units}）(Change)", "major": "变化：显著起点（{units}）(Change)",
        "noChange": "无变化", "minorLoss": "轻微损失", "minorGain": "轻微增加", "majorLoss": "显著损失",
        "majorGain": "显著增加", "notMeasured": "未测量", "share": "{name}：{percent} %",
        "noLimits": "此前扫描没有变化阈值：请在“变化 (Change)”下输入轻微和显著阈值，以便对变化图分类。",
        "section": "剖面 (Section)", "sectionOff": "剖面：关闭 (Section)", "sectionX": "剖面：X，过中心 (Section)",
        "sectionY": "剖面：Y，过中心 (Section)", "sectionZ": "剖面：Z，过中心 (Section)",
        "sectionOther": "剖面：其他平面（在视图中设置）(Section)",
        "screenshot": "截图 (Screenshot)", "screenshotSize": "截图尺寸 (Screenshot)", "times": "视图的 {n} 倍",
        "pixels": "宽 {n} 像素", "saved": "已保存 {file}（{width} × {height} 像素，{bytes} 字节）。",
    },
}
# fmt: on
#: Each light parameter of TourViewer: (label key, start, end, step).
LIGHT_SLIDERS = {
    "light_azimuth": ("azimuth", 0, 360, 1),
    "light_elevation": ("elevation", -90, 90, 1),
    "ambient": ("ambient", 0, 2, 0.05),
    "exposure": ("exposure", 0.1, 4, 0.05),
}
#: The boolean parameters of TourViewer shown as checkboxes, by group (a group's label key).
SWITCHES = {"light": ("shadows",), "detail": ("finest", "compare")}
#: The panel's width, CSS px.
PANEL_WIDTH = 400
#: The levels table's look (pandas Styler table styles).
TABLE_STYLES = [
    {"selector": "", "props": "border-collapse: collapse; font-size: 12px"},
    {"selector": "caption", "props": "caption-side: top; text-align: left; font-weight: bold; padding: 2px 0"},
    {"selector": "th, td", "props": "padding: 2px 6px; text-align: right; border-bottom: 1px solid #ccc"},
]
#: Bar colour of the deviation histogram (and of the change histogram while it has no limits).
BAR = "#4a6fa5"
#: The change map's classes in legend order and their colours: the inspector's own (web/src/inspector/colormap.js
#: CHANGE_CLASSES and CHANGE_HEX; a test pins them). Classes, for a signed change c (negative: loss) and limits
#: {minor, major}: |c| < minor "none"; minor <= |c| < major minor loss / gain; |c| >= major major loss / gain;
#: where the previous scan has no surface, "notMeasured" (not in the histogram: its share is report.json's
#: ``area_fraction.uncovered``).
CHANGE_CLASSES = ("none", "minorLoss", "minorGain", "majorLoss", "majorGain", "notMeasured")
CHANGE_COLOURS = {
    "none": "#9e9e9e", "minorLoss": "#f4a259", "minorGain": "#8ab8e8", "majorLoss": "#c62828",
    "majorGain": "#1f4fa8", "notMeasured": "#6a4c93",
}  # fmt: skip
#: Any |change| at or above this is the build's "not measured" sentinel (1e30), as in colormap.js.
NOT_MEASURED_MIN = 1e29
#: Each class's label key (LABELS).
CLASS_LABELS = {c: "noChange" if c == "none" else c for c in CHANGE_CLASSES}
#: The section presets: a plane through the middle of the model, normal along a world axis.
SECTION_AXES = {"x": (1.0, 0.0, 0.0), "y": (0.0, 1.0, 0.0), "z": (0.0, 0.0, 1.0)}
#: The screenshot sizes offered: (label key, its number, TourViewer.take_screenshot's arguments).
SCREENSHOT_SIZES: dict[str, tuple[str, int, dict[str, Any]]] = {
    "1x": ("times", 1, {"scale": 1.0}),
    "2x": ("times", 2, {"scale": 2.0}),
    "1920": ("pixels", 1920, {"width": 1920}),
    "3840": ("pixels", 3840, {"width": 3840}),
}


def labels_for(language: str | None) -> dict[str, str]:
    """The panel's words in ``language`` (by its primary subtag), English for any missing."""
    own = LABELS.get(str(language or "en").split("-")[0], {})
    return {**LABELS["en"], **own}


def units_text(units: str | None, L: dict[str, str]) -> str:
    """How lengths are labelled: the unit ("mm"), or "units unknown"."""
    return units if units and units != "unknown" else L["unitsUnknown"]


# -- the model's data -----------------------------------------------------------------------------------


def _inside(tour_dir: Path, rel: str, what: str) -> Path:
    """``tour_dir / rel``, refused when it leaves the tour's folder."""
    path = (tour_dir / rel).resolve()
    if not path.is_relative_to(tour_dir.resolve()):
        raise VtourError("serve", f"the {what} lies outside the tour", path=path, fix="rebuild the tour")
    return path


def read_built_json(tour_dir: Path, rel: str, what: str) -> tuple[Any, Path]:
    """The parsed JSON file ``rel`` of the built tour in ``tour_dir`` and its path; a VtourError naming
    ``what`` when it leaves the tour's folder or cannot be read."""
    path = _inside(tour_dir, rel, what)
    try:
        return json.loads(path.read_text("utf-8")), path
    except (OSError, json.JSONDecodeError) as exc:
        raise VtourError("serve", f"cannot read {what} ({exc})", path=path, fix="rebuild the tour") from None


def read_report(tour_dir: Path, model: dict) -> dict:
    """A model's report.json (tour.json's ``models[i].report``) as a dict."""
    report, path = read_built_json(tour_dir, str(model.get("report") or ""), f"model {model.get('id')!r}'s report.json")
    if not isinstance(report, dict) or not isinstance(report.get("lods"), list):
        raise VtourError("serve", "a model report has no 'lods' list", path=path, field="lods", fix="rebuild the tour")
    return report


def level_rows(report: dict) -> list[dict[str, Any]]:
    """One row per level of ``report`` (coarse first): level (1-based, as the inspector counts), file,
    triangles, bytes, texture (largest edge, px, or None), hausdorff and rms (model units) and percent
    (Hausdorff as % of the scan's bounding-box diagonal)."""
    rows = []
    for k, lod in enumerate(report["lods"]):
        dev = lod.get("deviation") or {}
        sizes = [max(s) for s in lod.get("texture_sizes") or [] if s]
        fraction = dev.get("hausdorff_fraction")
        rows.append(
            {
                "level": k + 1,
                "file": lod.get("file"),
                "triangles": lod.get("triangles"),
                "bytes": lod.get("bytes"),
                "texture": max(sizes) if sizes else None,
                "hausdorff": dev.get("hausdorff"),
                "rms": dev.get("rms"),
                "percent": None if fraction is None else 100 * fraction,
            }
        )
    return rows


def glb_attribute(path: Path, name: str) -> np.ndarray | None:
    """The values of per-vertex attribute ``name`` in a .glb, ``(n,) float32`` (None when absent);
    primitives sharing an accessor count it once."""
    doc, bin_data = unpack_glb(path.read_bytes())
    accessors = []
    for mesh in doc.get("meshes", []):
        for prim in mesh.get("primitives", []):
            index = prim.get("attributes", {}).get(name)
            if index is not None and index not in accessors:
                accessors.append(index)
    if not accessors:
        return None
    return np.concatenate([read_accessor(doc, bin_data, i).astype(np.float32).reshape(-1) for i in accessors])


def deviation_histogram(tour_dir: Path, model: dict, report: dict, k: int) -> dict | None:
    """Level ``k``'s per-vertex deviation histogram ``{"edges": [n + 1], "counts": [n]}`` in model
    units: report.json's, else computed from the level's ``_DEVIATION`` in its .glb; None when neither."""
    per_vertex = report["lods"][k].get("per_vertex_deviation") or {}
    if isinstance(per_vertex.get("histogram"), dict):
        return per_vertex["histogram"]
    lods = model.get("lods") or []
    if k >= len(lods):
        return None
    values = glb_attribute(_inside(tour_dir, lods[k]["path"], "level"), per_vertex.get("attribute", "_DEVIATION"))
    if values is None or not len(values):
        return None
    return histogram(values, 0.0, float(values.max()))


def change_histogram(report: dict, j: int, k: int) -> dict | None:
    """``report["change"][j]``'s entry for level ``k`` with its limits and date:
    ``{"histogram", "limits": {minor, major}, "date", "area_fraction"}``, or None."""
    changes = report.get("change") or []
    entry = next((c for c in changes if c.get("index", -1) == j), None)
    if entry is None:
        return None
    level = next((lv for lv in entry.get("levels") or [] if lv.get("level") == k), None)
    if level is None or not isinstance(level.get("histogram"), dict):
        return None
    return {
        "histogram": level["histogram"],
        "limits": entry.get("limits") or {},
        "date": entry.get("date"),
        "area_fraction": level.get("area_fraction") or {},
    }


def change_classes(values: np.ndarray, limits: dict) -> np.ndarray:
    """``(n,) str``: the class (:data:`CHANGE_CLASSES`) of each signed change in ``values`` under
    ``limits`` ``{minor, major}``; a boundary belongs to the class above (``>=``), as in the inspector."""
    values = np.asarray(values, float)
    size, loss = np.abs(values), values < 0
    out = np.where(loss, "minorLoss", "minorGain").astype(object)
    out[size >= limits["major"]] = np.where(loss, "majorLoss", "majorGain")[size >= limits["major"]]
    out[size < limits["minor"]] = "none"
    out[size >= NOT_MEASURED_MIN] = "notMeasured"  # the build's sentinel, should one reach a histogram
    return out.astype(str)


def change_bars(hist: dict, limits: dict | None) -> dict[str, np.ndarray]:
    """The change histogram as bars for ``limits``: each bin split where a limit (±minor, ±major) falls
    inside it, so that every bar lies in one class. ``{"left", "right", "top", "share", "class"}``, ``(m,)``:
    ``top`` is the bin's count (a split bin keeps its height), ``share`` the part of its count the bar
    holds (by its width: vertices spread evenly in a bin), ``class`` its class (None for every bar
    without limits)."""
    edges, counts = np.asarray(hist["edges"], float), np.asarray(hist["counts"], float)
    cuts = (
        np.array([]) if not limits else np.array([-limits["major"], -limits["minor"], limits["minor"], limits["major"]])
    )
    cuts = cuts[(cuts > edges[0]) & (cuts < edges[-1])]
    split = np.union1d(edges, cuts)
    left, right = split[:-1], split[1:]
    middle = (left + right) / 2
    k = np.clip(np.searchsorted(edges, middle, side="right") - 1, 0, len(counts) - 1)
    share = counts[k] * (right - left) / (edges[k + 1] - edges[k])
    kind = change_classes(middle, limits) if limits else np.full(len(middle), None, object)
    return {"left": left, "right": right, "top": counts[k], "share": share, "class": kind}


def change_fractions(hist: dict, limits: dict, uncovered: float = 0.0) -> dict[str, float]:
    """The share of the surface in each class (:data:`CHANGE_CLASSES`) under ``limits``: ``uncovered`` (the
    fraction the previous scan did not measure, report.json's ``area_fraction.uncovered``) is
    "notMeasured", and the rest is split as the histogram's vertices fall (:func:`change_bars`). The
    shares sum to 1."""
    bars = change_bars(hist, limits)
    total = float(bars["share"].sum())
    measured = max(0.0, 1.0 - uncovered)
    out = {c: 0.0 for c in CHANGE_CLASSES}
    if total > 0:
        for c in CHANGE_CLASSES[:-1]:
            out[c] = measured * float(bars["share"][bars["class"] == c].sum()) / total
    else:
        measured = 0.0
    out["notMeasured"] = 1.0 - measured
    return out


def model_centre(path: Path) -> np.ndarray:
    """``(3,) float64``: the middle of the bounding box of the .glb at ``path`` in world (glTF)
    coordinates, from its POSITION accessors' min and max through the nodes' transforms (translation,
    rotation, scale or matrix); what the inspector's section cuts through by default."""
    doc, _ = unpack_glb(path.read_bytes())
    corners = []

    def visit(index: int, parent: np.ndarray) -> None:
        node = doc["nodes"][index]
        world = parent @ _node_matrix(node)
        for prim in doc.get("meshes", [])[node["mesh"]]["primitives"] if "mesh" in node else []:
            acc = doc["accessors"][prim["attributes"]["POSITION"]]
            lo, hi = np.asarray(acc["min"], float), np.asarray(acc["max"], float)
            box = np.array([[(lo, hi)[i >> a & 1][a] for a in range(3)] + [1.0] for i in range(8)])
            corners.append((box @ world.T)[:, :3])
        for child in node.get("children", []):
            visit(child, world)

    for index in doc["scenes"][doc.get("scene", 0)]["nodes"]:
        visit(index, np.eye(4))
    if not corners:
        raise VtourError("serve", "the model has no mesh", path=path, fix="rebuild the tour")
    points = np.concatenate(corners)
    return (points.min(axis=0) + points.max(axis=0)) / 2


def _node_matrix(node: dict) -> np.ndarray:
    """A glTF node's local transform, 4 x 4 (column vectors): its matrix, or T * R * S."""
    if "matrix" in node:
        return np.asarray(node["matrix"], float).reshape(4, 4).T  # glTF stores it column-major
    x, y, z, w = node.get("rotation", (0.0, 0.0, 0.0, 1.0))
    rotation = np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
        [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
        [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
    ])  # fmt: skip
    out = np.eye(4)
    out[:3, :3] = rotation * np.asarray(node.get("scale", (1.0, 1.0, 1.0)), float)
    out[:3, 3] = node.get("translation", (0.0, 0.0, 0.0))
    return out


def quantile(hist: dict, q: float) -> float:
    """The upper edge of the first bin by which a fraction ``q`` of the counts is reached."""
    counts = np.asarray(hist["counts"], float)
    cumulative = np.cumsum(counts)
    if not cumulative[-1]:
        return float(hist["edges"][0])
    return float(hist["edges"][int(np.searchsorted(cumulative, q * cumulative[-1])) + 1])


def _number(value: float) -> str:
    return f"{value:.3g}"


def _percent(fraction: float) -> str:
    """A share as a percentage: one decimal ("12.5"), "<0.1" for a share too small to show as 0.0."""
    value = 100 * fraction
    return "<0.1" if 0 < value < 0.05 else f"{value:.1f}"


# -- widgets ----------------------------------------------------------------------------------------------


class RangeInput(pn.reactive.ReactiveHTML):
    """A native ``<input type="range">`` inside its ``<label>`` (``text``), with the value shown beside
    the words (``shown``, hidden from the accessible name: the slider says its value itself);
    keyboard-operable, and ``value`` follows the visitor's input as it moves."""

    value = param.Number(default=0, doc="the value, within [start, end]")
    start = param.Number(default=0, doc="the smallest value")
    end = param.Number(default=1, doc="the largest value")
    step = param.Number(default=0.01, doc="the step of the arrow keys and of a drag")
    text = param.String(default="", doc="the label: the accessible name (its English word included)")
    shown = param.String(default="", doc="the value as the label shows it (set from value)")

    _child_config: ClassVar[dict[str, str]] = {"text": "literal", "shown": "literal"}  # plain words, not Panel objects
    _template = (
        '<label id="box" style="display: block; margin: 2px 0">'
        '<span id="caption">${text}</span> <span id="number" aria-hidden="true">${shown}</span>'
        '<input id="range" type="range" min="${start}" max="${end}" step="${step}" value="${value}" '
        'style="display: block; width: 100%; margin: 2px 0"></input></label>'
    )
    _dom_events: ClassVar[dict[str, list[str]]] = {"range": ["input", "change"]}

    @param.depends("value", watch=True, on_init=True)
    def _show_value(self):
        self.shown = f"{self.value:.3g}"


class Landmark(pn.reactive.ReactiveHTML):
    """An ``<aside>`` landmark named ``label`` around a Panel object: what is in it is part of the
    page's structure for assistive technology (axe-core's "region" rule)."""

    content = param.Parameter(doc="the Panel object inside")
    label = param.String(default="", doc="the landmark's accessible name")

    _template = '<aside id="aside" aria-label="${label}" style="width: 100%">${content}</aside>'


def side_panel(content: pn.viewable.Viewable, label: str, landmark: bool = True) -> pn.viewable.Viewable:
    """A side panel's outer box: :data:`PANEL_WIDTH` wide, as tall as the page, scrolling; a :class:`Landmark`
    named ``label``, or (``landmark=False``: inside a landmark already) a plain column."""
    box: dict[str, Any] = {"width": PANEL_WIDTH, "sizing_mode": "stretch_height", "styles": {"overflow-y": "auto"}}
    return Landmark(label=label, content=content, **box) if landmark else pn.Column(content, margin=0, **box)


def _markup(text: str, tag: str = "p") -> str:
    """``text`` as one HTML element, escaped (tour titles and numbers are text, never markup)."""
    return f"<{tag} style='margin: 4px 0'>{html.escape(text)}</{tag}>" if text else ""


def _text(text: str, tag: str = "p", **kw) -> pn.pane.HTML:
    return pn.pane.HTML(_markup(text, tag), margin=(0, 5), **kw)


class ModelInspector(pn.viewable.Viewer):
    """The inspector's side panel for ``viewer`` over the built tour in ``tour_dir``.

    A Select of the tour's models (tour.json) sets ``viewer.model``; while a model is open, the mode,
    light sliders and checkboxes are bound both ways to the viewer's parameters, and the detail line,
    the levels table and the histograms follow ``viewer.level`` (the level on screen). Place the object
    itself in a layout (``__panel__``).

    ``landmark`` (bool, default True): the panel is its own ``<aside>`` (:class:`Landmark`); False when it is
    embedded in a layout that is one already (``vtour serve``'s tabs): a complementary landmark inside another
    is an axe-core violation (landmark-complementary-is-top-level).
    """

    def __init__(self, viewer: TourViewer, tour_dir: str | Path, landmark: bool = True, **params):
        super().__init__(**params)
        self.viewer = viewer
        self.tour_dir = Path(tour_dir)
        doc = read_tour_json(self.tour_dir, "serve")
        self.models = {m["id"]: m for m in doc.get("models") or [] if isinstance(m, dict) and "id" in m}
        self._reports: dict[str, dict] = {}
        L = self.L = labels_for(viewer.language)
        self.chooser = pn.widgets.Select(label=L["model"], options=self._model_options(), sizing_mode="stretch_width")
        self.prompt = _text(L["open"])
        self.modes = pn.widgets.RadioBoxGroup(label=L["mode"], options=self._mode_options(), value=viewer.mode)
        self.sliders = {
            p: RangeInput(
                value=getattr(viewer, p),
                start=lo,
                end=hi,
                step=step,
                text=L[key],
                sizing_mode="stretch_width",
                margin=(0, 10),
            )
            for p, (key, lo, hi, step) in LIGHT_SLIDERS.items()
        }
        self.switches = {group: pn.widgets.CheckBoxGroup(label=L[group]) for group in SWITCHES}
        self.section = pn.widgets.RadioBoxGroup(label=L["section"], options=self._section_options(), value="off")
        self.previous = pn.widgets.Select(label=L["previous"], options={}, sizing_mode="stretch_width")
        self.limits = {
            k: pn.widgets.FloatInput(label=k, value=None, start=0, sizing_mode="stretch_width")
            for k in ("minor", "major")
        }
        self.change_controls = pn.Column(self.previous, *self.limits.values(), sizing_mode="stretch_width")
        self.shot_size = pn.widgets.Select(label=L["screenshotSize"], options=self._size_options(), value="1x")
        self.shot_button = pn.widgets.Button(label=L["screenshot"])
        self.shot_status = _text("")
        self.detail = _text("")
        self.table = pn.pane.HTML("", sizing_mode="stretch_width", margin=(0, 5))
        self.histogram = pn.pane.Bokeh(None, sizing_mode="stretch_width", height=220)
        self.summary = _text("")
        self.change = pn.pane.Bokeh(None, sizing_mode="stretch_width", height=220)
        self.change_summary = _text("")
        # shown with the change map only (a Bokeh pane's own `visible` follows its figure's: toggle a box)
        self.change_box = pn.Column(self.change, self.change_summary, visible=False, sizing_mode="stretch_width")
        self.headings = {
            k: _text(L[k], "h3") for k in ("mode", "light", "section", "changeHeading", "screenshot", "detail")
        }
        self.change_group = pn.Column(self.headings["changeHeading"], self.change_controls, sizing_mode="stretch_width")
        self.body = pn.Column(
            self.headings["mode"], self.modes,
            self.headings["light"], *self.sliders.values(), self.switches["light"],
            self.headings["section"], self.section, self.change_group,
            self.headings["screenshot"], self.shot_size, self.shot_button, self.shot_status,
            self.headings["detail"], self.switches["detail"], self.detail, self.table,
            self.histogram, self.summary, self.change_box,
            sizing_mode="stretch_width",
        )  # fmt: skip
        self._centres: dict[str, np.ndarray] = {}
        self._syncing = False  # while the widgets follow the viewer: their watchers do not write back
        self.title = _text(L["inspector"], "h2")
        self.layout = side_panel(
            pn.Column(self.title, self.chooser, self.prompt, self.body, sizing_mode="stretch_width"),
            L["inspector"],
            landmark,
        )
        self._bind()
        self._relabel()

    def __panel__(self):
        return self.layout

    # -- bindings -------------------------------------------------------------------------------------

    def _bind(self) -> None:
        v = self.viewer
        self.modes.link(v, value="mode", bidirectional=True)
        for p, slider in self.sliders.items():
            slider.link(v, value=p, bidirectional=True)
        self.chooser.param.watch(lambda e: setattr(v, "model", e.new), "value")
        for group in self.switches.values():
            group.param.watch(self._switched, "value")
        self.previous.param.watch(self._previous_chosen, "value")
        for widget in self.limits.values():
            widget.param.watch(self._limits_entered, "value")
        self.section.param.watch(self._section_chosen, "value")
        self.shot_button.on_click(lambda _: v.take_screenshot(**SCREENSHOT_SIZES[self.shot_size.value][2]))
        v.param.watch(lambda *_: self._model_changed(), "model")
        v.param.watch(lambda *_: self._level_changed(), ["level", "mode", "previous", "change_limits"])
        v.param.watch(lambda *_: self._show_limits(), ["previous", "change_limits"])
        v.param.watch(lambda *_: self._show_previous(), "previous")
        v.param.watch(lambda *_: self._show_section(), "section")
        v.param.watch(lambda *_: self._show_screenshot(), "screenshot")
        v.param.watch(lambda *_: self._show_switches(), [k for keys in SWITCHES.values() for k in keys])
        v.param.watch(lambda *_: self._relabel(), "language")

    def _previous_chosen(self, event) -> None:
        if event.new is not None:
            self.viewer.previous = event.new

    def _show_previous(self) -> None:
        """The scan the viewer compares, when the model has it (the browser may ask for one it has not)."""
        if self.viewer.previous in self.previous.options.values():
            self.previous.value = self.viewer.previous

    def _limits_entered(self, _event) -> None:
        """The limits typed in: the viewer's (major raised to minor, as the inspector does)."""
        minor, major = (self.limits[k].value for k in ("minor", "major"))
        if self._syncing or minor is None or major is None:
            return
        self.viewer.change_limits = {"minor": float(minor), "major": float(max(minor, major))}

    def _show_limits(self) -> None:
        limits = self.current_limits
        self._syncing = True
        try:
            for k, widget in self.limits.items():
                widget.value = None if limits is None else limits[k]
        finally:
            self._syncing = False

    @property
    def current_limits(self) -> dict | None:
        """The change limits in force: the viewer's, else the tour's for the previous scan shown (tour.json,
        else report.json), else None (the tour has none: the panel asks for them)."""
        if self.viewer.change_limits is not None:
            return self.viewer.change_limits
        model = self.open_model
        previous = (model or {}).get("previous") or []
        j = self.viewer.previous
        limits = previous[j].get("limits") if j < len(previous) else None
        if not limits and model is not None:
            entry: dict = next((c for c in self.report(model["id"]).get("change") or [] if c.get("index") == j), {})
            limits = entry.get("limits")
        return {"minor": limits["minor"], "major": limits["major"]} if limits else None

    def centre(self, model_id: str) -> np.ndarray:
        """The middle of the model (world coordinates; its coarsest level's box), read once."""
        if model_id not in self._centres:
            lods = self.models[model_id].get("lods") or []
            if not lods:
                raise VtourError("serve", f"model {model_id!r} has no levels", fix="rebuild the tour")
            self._centres[model_id] = model_centre(_inside(self.tour_dir, lods[0]["path"], "level"))
        return self._centres[model_id]

    def _section_chosen(self, event) -> None:
        model = self.open_model
        if self._syncing or model is None or event.new == "other":
            return
        if event.new == "off":
            self.viewer.section = None
            return
        normal = SECTION_AXES[event.new]
        self.viewer.section = {"normal": list(normal), "offset": float(np.dot(normal, self.centre(model["id"])))}

    def _show_section(self) -> None:
        """The preset the viewer's section is, or "other" (a plane set in the view)."""
        section, model = self.viewer.section, self.open_model
        value = "off"
        if section is not None and model is not None:
            value = "other"
            centre = self.centre(model["id"])
            for axis, normal in SECTION_AXES.items():
                tolerance = 1e-6 * max(1.0, float(np.abs(centre).max()))
                if np.allclose(section.get("normal", (0, 0, 0)), normal, atol=1e-9) and math.isclose(
                    section.get("offset", math.nan), float(np.dot(normal, centre)), abs_tol=tolerance
                ):
                    value = axis
        self._syncing = True
        try:
            self.section.options = self._section_options(other=value == "other")
            self.section.value = value
        finally:
            self._syncing = False

    def _show_screenshot(self) -> None:
        shot = self.viewer.screenshot
        self.shot_status.object = _markup(
            self.L["saved"].format(
                file=shot["file"], width=shot["width"], height=shot["height"], bytes=f"{shot['bytes'] or 0:,}"
            )
            if shot
            else ""
        )

    def _switched(self, event) -> None:
        keys = event.obj.options.values()
        self.viewer.param.update({k: k in event.new for k in keys})

    def _show_switches(self) -> None:
        for group in self.switches.values():
            group.value = [k for k in group.options.values() if getattr(self.viewer, k)]

    # -- what is shown --------------------------------------------------------------------------------

    @property
    def open_model(self) -> dict | None:
        """tour.json's entry of the model open in the viewer, or None."""
        return self.models.get(self.viewer.model) if self.viewer.model else None

    def report(self, model_id: str) -> dict:
        """The model's report.json (read once)."""
        if model_id not in self._reports:
            self._reports[model_id] = read_report(self.tour_dir, self.models[model_id])
        return self._reports[model_id]

    @property
    def level_index(self) -> int | None:
        """Index (0: coarsest) of the level on screen in the open model's lods, or None."""
        paths = [lod.get("path") for lod in (self.open_model or {}).get("lods") or []]
        return paths.index(self.viewer.level) if self.viewer.level in paths else None

    def _model_changed(self) -> None:
        model = self.open_model
        self.chooser.value = model["id"] if model else None
        self.prompt.visible = model is None
        self.body.visible = model is not None
        has_previous = bool(model and model.get("previous"))
        self.modes.options = self._mode_options()
        for group, keys in SWITCHES.items():
            self.switches[group].options = {self.L[k]: k for k in keys if k != "compare" or has_previous}
        self.previous.options = self._previous_options()
        self._show_previous()
        self.change_group.visible = has_previous
        units = units_text((model or {}).get("units"), self.L)
        for k, entry in self.limits.items():
            entry.label = self.L[k].format(units=units)
        self._show_switches()
        self._show_limits()
        self._show_section()
        self._level_changed()

    def _level_changed(self) -> None:
        model = self.open_model
        if model is None:
            return
        report, k, L = self.report(model["id"]), self.level_index, self.L
        units = units_text(report.get("units"), L)
        rows = level_rows(report)
        self.detail.object = _markup(self._detail(rows, k, units))
        self.table.object = self._table(rows, k, units)
        hist = deviation_histogram(self.tour_dir, model, report, k) if k is not None else None
        self.histogram.object = self._figure(hist, L["devTitle"].format(level=(k or 0) + 1), L["distance"], units)
        self.summary.object = _markup(self._summary(hist, units)) if k is not None else ""
        change = change_histogram(report, self.viewer.previous, k) if k is not None else None
        shown = change is not None and self.viewer.mode == "change"
        if change is not None and shown:
            limits = self.current_limits
            title = L["changeTitle"].format(date=change["date"] or self.viewer.previous + 1, level=(k or 0) + 1)
            self.change.object = self._change_figure(change["histogram"], limits, title, units)
            self.change_summary.object = self._change_summary(change, limits, units)
        self.change_box.visible = shown

    def _detail(self, rows: list[dict], k: int | None, units: str) -> str:
        """ "Level 2 of 3: 1,499 triangles · deviation from the scan 0.02 mm (0.4 % of the diagonal)"."""
        if k is None or k >= len(rows):
            return ""
        L, row = self.L, rows[k]
        text = L["levelInfo"].format(level=k + 1, levels=len(rows), triangles=f"{row['triangles'] or 0:,}")
        if row["hausdorff"] is not None:
            percent = "?" if row["percent"] is None else _number(row["percent"])
            text += " · " + L["deviationInfo"].format(value=f"{_number(row['hausdorff'])} {units}", percent=percent)
        return text

    def _table(self, rows: list[dict], k: int | None, units: str) -> str:
        """The levels as an HTML table (captioned; the level on screen marked in words and colour) in a
        keyboard-scrollable region, for a panel narrower than the table."""
        L = self.L
        names = {
            "level": L["level"], "file": L["file"], "triangles": L["triangles"], "bytes": L["bytes"],
            "texture": L["texture"], "hausdorff": L["hausdorff"].format(units=units),
            "rms": L["rms"].format(units=units), "percent": L["percent"], "shown": L["shown"],
        }  # fmt: skip
        marked = [{**row, "shown": L["yes"] if i == k else ""} for i, row in enumerate(rows)]
        frame = pd.DataFrame(marked, columns=list(names)).rename(columns=names)
        shown = names["shown"]
        styler = (
            frame.style.format("{:,.0f}", subset=[names[c] for c in ("triangles", "bytes", "texture")], na_rep="—")
            .format("{:.3g}", subset=[names[c] for c in ("hausdorff", "rms", "percent")], na_rep="—")
            .format(escape="html", subset=[names["file"], shown])
            .format_index(escape="html", axis=1)
            .apply(lambda r: ["font-weight: bold; background: #fde8a6" if r[shown] else "" for _ in r], axis=1)
            .hide(axis="index")
            .set_caption(html.escape(L["levels"]))
            .set_table_styles(TABLE_STYLES)
        )
        label = html.escape(L["levels"], quote=True)
        return (
            f'<div role="region" tabindex="0" aria-label="{label}" style="overflow-x: auto; max-width: 100%">'
            f"{styler.to_html()}</div>"
        )

    def _change_figure(self, hist: dict, limits: dict | None, title: str, units: str):
        """The change histogram, split at the limits and coloured by class (:func:`change_bars`); one colour
        while there are no limits."""
        bars = change_bars(hist, limits)
        colour = [CHANGE_COLOURS[c] if c else BAR for c in bars["class"]]
        return self._quads(bars["left"], bars["right"], bars["top"], colour, title, self.L["signed"], units)

    def _figure(self, hist: dict | None, title: str, x_label: str, units: str):
        """A Bokeh histogram (one quad per bin)."""
        if hist is None:
            return None
        edges = np.asarray(hist["edges"], float)
        counts = np.asarray(hist["counts"], float)
        return self._quads(edges[:-1], edges[1:], counts, [BAR] * len(counts), title, x_label, units)

    def _quads(self, left, right, top, colour: list[str], title: str, x_label: str, units: str):
        fig = figure(
            title=title, height=220, sizing_mode="stretch_width", toolbar_location=None, tools="",
            y_range=DataRange1d(start=0),
        )  # fmt: skip
        fig.quad(left=left, right=right, bottom=0, top=top, fill_color=colour, line_color=colour)
        fig.xaxis.axis_label = x_label.format(units=units)
        fig.yaxis.axis_label = self.L["vertices"]
        return fig

    def _summary(self, hist: dict | None, units: str) -> str:
        if hist is None:
            return self.L["noHistogram"]
        return self.L["devSummary"].format(
            n=f"{int(sum(hist['counts'])):,}", median=_number(quantile(hist, 0.5)), p95=_number(quantile(hist, 0.95)),
            max=_number(hist["edges"][-1]), units=units,
        )  # fmt: skip

    def _change_summary(self, change: dict, limits: dict | None, units: str) -> str:
        """The limits and each class's share of the surface (:func:`change_fractions`) as HTML: a line and a
        list whose swatches (hidden from assistive technology: the words say the class) match the bars."""
        L = self.L
        if limits is None:
            return _markup(L["noLimits"])
        uncovered = float(change["area_fraction"].get("uncovered", 0.0))
        shares = change_fractions(change["histogram"], limits, uncovered)
        head = L["changeSummary"].format(
            n=f"{int(sum(change['histogram']['counts'])):,}", minor=_number(limits["minor"]),
            major=_number(limits["major"]), units=units,
        )  # fmt: skip
        items = "".join(
            f'<li><span aria-hidden="true" style="display: inline-block; width: 0.8em; height: 0.8em; '
            f'margin-right: 4px; background: {CHANGE_COLOURS[c]}"></span>'
            f"{html.escape(L['share'].format(name=L[CLASS_LABELS[c]], percent=_percent(shares[c])))}</li>"
            for c in CHANGE_CLASSES
        )
        return f"{_markup(head)}<ul style='margin: 0; padding-left: 1.2em'>{items}</ul>"

    # -- words ----------------------------------------------------------------------------------------

    def _model_options(self) -> dict[str, str | None]:
        """The Select's options: "(none)" and each model by its title in the viewer's language."""
        lang = self.viewer.language or "en"
        out: dict[str, str | None] = {self.L["none"]: None}
        for mid, m in self.models.items():
            title = m.get("title")
            if isinstance(title, dict):
                title = title.get(lang) or title.get("en") or next(iter(title.values()), None)
            text = str(title or mid)
            out[text if text not in out else f"{text} ({mid})"] = mid
        return out

    def _previous_options(self) -> dict[str, int]:
        """The open model's previous scans by date (in tour.json's order, which the inspector indexes)."""
        out: dict[str, int] = {}
        for j, p in enumerate((self.open_model or {}).get("previous") or []):
            text = str(p.get("date") or j + 1)
            out[text if text not in out else f"{text} ({j + 1})"] = j
        return out

    def _section_options(self, other: bool = False) -> dict[str, str]:
        """Off, X, Y, Z (and, while the view's plane is none of them, "another plane")."""
        keys = {"off": "sectionOff", "x": "sectionX", "y": "sectionY", "z": "sectionZ"}
        if other:
            keys["other"] = "sectionOther"
        return {self.L[key]: value for value, key in keys.items()}

    def _size_options(self) -> dict[str, str]:
        return {self.L[key].format(n=n): value for value, (key, n, _) in SCREENSHOT_SIZES.items()}

    def _mode_options(self) -> dict[str, str]:
        """The modes, "change" only for a model with previous scans."""
        has_previous = bool((self.open_model or {}).get("previous"))
        return {self.L[m]: m for m in MODES if m != "change" or has_previous}

    def _relabel(self) -> None:
        """Every word in the viewer's language."""
        L = self.L = labels_for(self.viewer.language)
        if isinstance(self.layout, Landmark):
            self.layout.label = L["inspector"]
        self.title.object = _markup(L["inspector"], "h2")
        for k, pane in self.headings.items():
            pane.object = _markup(L[k], "h3")
        self.prompt.object = _markup(L["open"])
        self.chooser.label, self.modes.label = L["model"], L["mode"]
        self.section.label, self.previous.label = L["section"], L["previous"]
        self.shot_size.label, self.shot_button.label = L["screenshotSize"], L["screenshot"]
        self.shot_size.options = self._size_options()
        for group, widget in self.switches.items():
            widget.label = L[group]
        self.chooser.options = self._model_options()
        for p, slider in self.sliders.items():
            slider.text = L[LIGHT_SLIDERS[p][0]]
        self._model_changed()


__all__ = [
    "CHANGE_CLASSES",
    "CHANGE_COLOURS",
    "LABELS",
    "Landmark",
    "ModelInspector",
    "RangeInput",
    "change_bars",
    "change_classes",
    "change_fractions",
    "change_histogram",
    "deviation_histogram",
    "glb_attribute",
    "labels_for",
    "level_rows",
    "model_centre",
    "read_report",
    "side_panel",
]
