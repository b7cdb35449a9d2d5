"""The tour editor's page (``vtour edit``): :func:`editor_app` and :class:`Editor`.

One :class:`Editor` per browser session, over one :class:`vtour.edit.document.EditDocument` (tour.yaml)
and the folder its builds go to (``out``)::

    header   h1 "vtour editor", the tour's title, "unsaved changes"; Editor language; Undo Redo Save
             "Reload from disk" Build; the status line (polite; errors as an alert)
    left     Scenes (a list of buttons: "(start)", "(not built)"), Move scene up/down, Make start scene,
             Scene id + Scene title (<lang>) per tour language + Rename scene, Delete scene -> Confirm delete,
             Panorama files + Add scene, Upload panorama; Models (list, title per language, Units,
             metadata, Delete model; Model file + Add model)
    centre   the hotspot tools (Add link, Add info, Add model hotspot: toggles, one armed), Set start
             view, Min zoom (fov), Max zoom (fov), North offset + Apply; the TourViewer in edit mode
             on the built tour; the floor plan (click, or Plan x / Plan y)
    right    the selected hotspot (Type, Yaw, Pitch, Target scene + Add reverse link, Target model, Title and
             Text per language side by side with "missing" flags, Image, Link URL, Delete hotspot);
             Problems (`vtour validate`'s words; a button each, going to the problem); Build (progress,
             log); Package (Kiosk; the kiosk's behaviour, saved in tour.yaml's ``kiosk:``: Idle before
             countdown (s), Countdown (s), Attract scenes, Seconds per attract scene, Attract narration; for
             this package only: Staff exit PIN, Daily restart (HH:MM); Package, Download package)

State lives in the Editor's parameters (``scene``, ``hotspot``, ``model``, ``tool``, ``language``,
``status``) and in the document; every edit goes through :meth:`Editor.edit`, which shows an
:class:`~vtour.errors.VtourError` in the status line (never a traceback) and refreshes everything that
depends on the document (:meth:`Editor.refresh`). The viewer's edit messages (``editclick``,
``hotspotmove``, ``hotspotselect``) arrive at :meth:`Editor.on_viewer_edit`. Served, a periodic
callback (:data:`POLL_MS`) follows the build and package jobs and, every :data:`DISK_CHECK_S`, checks
whether tour.yaml changed on disk.

Nothing from the tour (titles, texts, file names) becomes markup: panes escape it, and the custom
widgets (:mod:`vtour.edit.widgets`) set it as text. The words are :mod:`vtour.edit.labels`'.

The kiosk's behaviour is the tour's (tour.yaml ``kiosk:``, which the build puts in tour.json and the package
reads): :attr:`EditDocument.kiosk` and :meth:`EditDocument.set_kiosk` read and edit it as one undoable step,
like every other field. The staff exit PIN and the daily restart are the package's only: the PIN is handed to
the package job and never written to tour.yaml, to the page or to a message.
"""

from __future__ import annotations

import html
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import panel as pn
import param

from vtour.conventions import UNITS
from vtour.edit import jobs
from vtour.edit.document import ChangedOnDisk, EditDocument, Target
from vtour.edit.labels import UI_LANGUAGES, labels_for
from vtour.edit.widgets import ButtonList, FloorPlanPicker, Focuser, LogView, Main, Section, StatusLine, UploadInput
from vtour.errors import VtourError
from vtour.package import check_daily_restart
from vtour.panel_viewer import TourViewer
from vtour.serve import IMAGE_VIEWER_URL, MODEL_VIEWER_URL
from vtour.tour.document import HOTSPOT_TYPES, METADATA_KEYS
from vtour.tour.layout import TOUR_JSON

log = logging.getLogger(__name__)

#: How often a served page polls the jobs (ms), and how often it checks tour.yaml on disk (s).
POLL_MS = 500
DISK_CHECK_S = 2.0
#: File types offered: panoramas and info images, and model sources (what ``vtour build`` reads).
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp")
MESH_SUFFIXES = (".obj", ".ply", ".stl", ".glb", ".gltf")
#: Folders of the tour's folder never listed: the build's cache and the default output folder.
SKIPPED_FOLDERS = (".vtour-cache", "export", "node_modules")
#: At most this many files are listed (a tour folder holding a photo library stays usable).
MAX_FILES = 2000
#: Lines of the build log shown.
LOG_SHOWN = 200
#: Column widths, CSS px (the page fits a 1280 x 800 laptop screen).
LEFT_WIDTH, RIGHT_WIDTH = 300, 380
#: Number inputs without Bokeh's spin buttons, which have no accessible name (the Arrow keys step the value).
NUMBER_CSS = ".bk-spin-btn { display: none !important; }"
#: Labels wrap inside their input's width (Bokeh keeps them on one line, over the next input's label).
LABEL_CSS = "label { white-space: normal !important; overflow-wrap: anywhere; }"
#: Which input a problem's field goes to (a label key of :mod:`vtour.edit.labels`).
FIELD_INPUTS = {
    "target": "targetScene", "yaw": "yaw", "pitch": "pitch", "image": "image", "url": "url",
    "panorama": "panoramaFiles", "units": "units", "source": "modelFile",
}  # fmt: skip


def tour_files(root: Path, suffixes: tuple[str, ...], *, skip: tuple[Path, ...] = ()) -> list[str]:
    """The files under ``root`` with one of ``suffixes`` (lower case), as POSIX paths relative to it:
    hidden files and folders, :data:`SKIPPED_FOLDERS` and the folders in ``skip`` left out; those under
    ``panoramas/`` first, then by path; at most :data:`MAX_FILES`."""
    found: list[str] = []
    skipped = {p.resolve() for p in skip}
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".") and d not in SKIPPED_FOLDERS and (here / d).resolve() not in skipped
        )
        for name in sorted(files):
            if not name.startswith(".") and name.lower().endswith(suffixes):
                found.append((here / name).relative_to(root).as_posix())
                if len(found) >= MAX_FILES:
                    return sorted(found, key=lambda p: (not p.startswith("panoramas/"), p))
    return sorted(found, key=lambda p: (not p.startswith("panoramas/"), p))


def built_scenes(out: Path) -> set[str]:
    """The scene ids of the tour built in ``out`` (its tour.json), empty when it is not built (or unreadable)."""
    try:
        data = json.loads((out / TOUR_JSON).read_text("utf-8"))
        return {str(s["id"]) for s in data.get("scenes") or [] if isinstance(s, dict) and "id" in s}
    except (OSError, ValueError, AttributeError, TypeError):
        return set()


@dataclass
class JobBoard:
    """The build and package jobs of one output folder, shared by every page of the server."""

    build: jobs.BuildJob | None = None
    package: jobs.PackageJob | None = None
    building_text: str | None = None  # the document's text the build running (or last run) started from
    built_text: str | None = None  # the text of the last build that succeeded


_BOARDS: dict[Path, JobBoard] = {}


def job_board(out: Path) -> JobBoard:
    """The :class:`JobBoard` of the output folder ``out`` (one per folder in this process)."""
    return _BOARDS.setdefault(Path(out).resolve(), JobBoard())


def pick_text(texts: Any, language: str, fallback: str = "") -> str:
    """A text of the tour in ``language``, else its first language's, else ``fallback``."""
    if isinstance(texts, dict):
        return str(texts.get(language) or next((v for v in texts.values() if v), "") or fallback)
    return str(texts or fallback)


def _html(text: str, tag: str = "p", **attrs: str) -> str:
    """``text`` as one escaped HTML element (with escaped attributes)."""
    extra = "".join(f' {k.replace("_", "-")}="{html.escape(v, quote=True)}"' for k, v in attrs.items())
    return f"<{tag}{extra} style='margin: 4px 0'>{html.escape(text)}</{tag}>"


def _pane(text: str = "", tag: str = "p", **kw: Any) -> pn.pane.HTML:
    return pn.pane.HTML(_html(text, tag) if text else "", margin=(0, 5), **kw)


class Editor(pn.viewable.Viewer):
    """The editor page over ``doc`` (see the module docstring). Place the object itself in a layout."""

    scene = param.String(default=None, allow_None=True, doc="the selected scene's id")
    hotspot = param.Integer(default=None, allow_None=True, doc="the selected hotspot's index in the scene")
    model = param.String(default=None, allow_None=True, doc="the selected model's id")
    tool = param.Selector(default=None, objects=[None, *HOTSPOT_TYPES], doc="the armed hotspot tool")  # type: ignore[var-annotated]
    language = param.Selector(default="en", objects=list(UI_LANGUAGES.values()), doc="the editor's own language")  # type: ignore[var-annotated]
    status = param.String(default="", doc="the last message")
    alert = param.Boolean(default=False, doc="the last message is an error")
    conflict = param.Boolean(default=False, doc="tour.yaml changed on disk since it was loaded or saved")

    def __init__(
        self,
        doc: EditDocument,
        *,
        out: str | Path,
        token: str | None = None,
        upload_api: str = "api/edit/upload",
        file_api: str = "api/edit/file",
        download_api: str = "api/edit/download",
        tour_url: str = "/tour/tour.json",
        **params: Any,
    ):
        super().__init__(**params)
        self.doc, self.out = doc, Path(out)
        self.file_api, self.download_api = file_api.rstrip("/"), download_api.rstrip("/")
        # the build and package jobs, shared by every page of this output: a page reloaded, or a second one, sees
        # the build in progress and never starts another into the same folder
        self.board = job_board(self.out)
        self._job_states: dict[str, str] = {}
        self._syncing = False  # while widgets are set from the document: their watchers do not edit it
        self._timer: Any = None
        self._ticks = 0
        self._problems: list = []
        self._seen_version = doc.version  # the document's version the page shows (another page may edit it)
        self._deleting: str | None = None  # the scene "Confirm delete" deletes
        self._problems_text: tuple[str, str] | None = None  # the text the problems shown are of
        self._images: list[str] = []
        self._meshes: list[str] = []
        self.failed = False  # the last edit was refused (its error is in the status line)
        self.built = built_scenes(self.out)
        self.L = labels_for(self.language)
        self._make_widgets(token, upload_api, tour_url)
        self._bind()
        self.scene = doc.start if doc.start in doc.scene_ids() else next(iter(doc.scene_ids()), None)
        self._relabel()

    # -- widgets --------------------------------------------------------------------------------------

    def _make_widgets(self, token: str | None, upload_api: str, tour_url: str) -> None:
        L, doc, w = self.L, self.doc, pn.widgets
        stretch: dict[str, Any] = {"sizing_mode": "stretch_width", "stylesheets": [LABEL_CSS]}
        number: dict[str, Any] = {"width": 140, "stylesheets": [NUMBER_CSS, LABEL_CSS]}
        # header
        self.heading = _pane(L["heading"], "h1")
        self.tour_title = _pane()
        self.dirty_mark = _pane()
        self.language_select = w.Select(
            label=L["language"], options=UI_LANGUAGES, value=self.language, width=120, margin=(0, 5)
        )
        self.buttons = {
            k: w.Button(label=L[k], margin=(18, 3, 0, 3)) for k in ("undo", "redo", "save", "reload", "build")
        }
        self.buttons["build"].color = "primary"
        self.reload_question = _pane()
        self.reload_yes = w.Button(label=L["confirmReloadButton"], color="primary")
        self.reload_no = w.Button(label=L["cancel"])
        self.reload_box = pn.Row(self.reload_question, self.reload_yes, self.reload_no, visible=False)
        self.status_line = StatusLine(**stretch)
        self.focuser = Focuser()
        # left: scenes
        self.scene_list = ButtonList(label=L["sceneList"], **stretch)
        self.scene_buttons = {k: w.Button(label=L[k], min_width=130) for k in ("moveUp", "moveDown", "setStart")}
        self.scene_id = w.TextInput(label=L["sceneId"], **stretch)
        self.scene_titles = {lang: w.TextInput(label=lang, **stretch) for lang in doc.languages}
        self.rename_button = w.Button(label=L["rename"], **stretch)
        self.delete_button = w.Button(label=L["delete"], color="primary", **stretch)
        self.delete_question = _pane()
        self.delete_yes = w.Button(label=L["confirmDelete"], color="primary")
        self.delete_no = w.Button(label=L["cancel"])
        self.delete_box = pn.Column(self.delete_question, pn.Row(self.delete_yes, self.delete_no), visible=False)
        self.pano_files = w.MultiSelect(label=L["panoramaFiles"], size=6, **stretch)
        self.add_scene_button = w.Button(label=L["addScene"], color="primary", **stretch)
        self.upload = UploadInput(url=f"{upload_api.rstrip('/')}/panoramas", token=token or "", **stretch)
        self.no_scenes = _pane()
        # left: models
        self.model_list = ButtonList(label=L["modelList"], **stretch)
        self.no_models = _pane()
        self.model_titles = {lang: w.TextInput(label=lang, **stretch) for lang in doc.languages}
        self.units = w.Select(label=L["units"], options=["", *UNITS], **stretch)
        self.metadata = {k: w.TextInput(label=L[k], **stretch) for k in METADATA_KEYS}
        self.delete_model_button = w.Button(label=L["deleteModel"], color="primary", **stretch)
        self.model_form = pn.Column(
            pn.Column(*self.model_titles.values(), **stretch), self.units, *self.metadata.values(),
            self.delete_model_button, **stretch,
        )  # fmt: skip
        self.mesh_files = w.Select(label=L["modelFile"], **stretch)
        self.add_model_button = w.Button(label=L["addModel"], **stretch)
        # centre
        self.tools = ButtonList(attr="aria-pressed", horizontal=True)
        self.armed = _pane()
        self.set_view_button = w.Button(label=L["setView"], margin=(18, 5, 0, 5))
        self.min_fov = w.FloatInput(label=L["minFov"], start=1, end=180, **number)
        self.max_fov = w.FloatInput(label=L["maxFov"], start=1, end=180, **number)
        self.north = w.FloatInput(label=L["north"], start=-360, end=360, **number)
        self.apply_view = w.Button(label=L["apply"], margin=(18, 5, 0, 5))
        self.not_built = _pane()
        self.viewer = TourViewer(
            edit=True,
            tour_url=tour_url,
            scene=self.scene if self.scene in self.built else None,
            language=self._viewer_language(),
            options={"landmark": False, "modelViewerUrl": MODEL_VIEWER_URL, "imageViewerUrl": IMAGE_VIEWER_URL},
            sizing_mode="stretch_both",
            min_height=360,
            visible=bool(self.built),
        )
        self.plan_image = w.Select(label=L["planImage"], **stretch)  # the tour's floor plan: an image of the folder
        self.plan = FloorPlanPicker()
        self.plan_x = w.FloatInput(label=L["planX"], start=0, end=1, step=0.01, **number)
        self.plan_y = w.FloatInput(label=L["planY"], start=0, end=1, step=0.01, **number)
        self.plan_clear = w.Button(label=L["planClear"], margin=(18, 5, 0, 5))
        self.plan_heading = _pane("", "h2")
        self.plan_help = _pane()
        self.plan_box = pn.Column(
            self.plan_heading, self.plan_help, self.plan, pn.Row(self.plan_x, self.plan_y, self.plan_clear), **stretch
        )
        # right: the hotspot
        self.hotspot_info = _pane()
        narrow = {**number, "width": 100}  # type, yaw and pitch share one row of the right column
        self.hotspot_type = w.Select(label=L["type"], options=list(HOTSPOT_TYPES), width=100, stylesheets=[LABEL_CSS])
        self.yaw = w.FloatInput(label=L["yaw"], start=-180, end=180, step=0.1, **narrow)
        self.pitch = w.FloatInput(label=L["pitch"], start=-90, end=90, step=0.1, **narrow)
        self.target_scene = w.Select(label=L["targetScene"], **stretch)
        self.reverse_button = w.Button(label=L["reverse"], **stretch)
        self.link_box = pn.Column(self.target_scene, self.reverse_button, **stretch)
        self.target_model = w.Select(label=L["targetModel"], **stretch)
        self.texts = {
            (field, lang): (
                w.TextInput(label=lang, **stretch)
                if field == "title"
                else w.TextAreaInput(label=lang, rows=4, auto_grow=True, max_rows=12, **stretch)
            )
            for field in ("title", "text")
            for lang in doc.languages
        }
        self.text_box = pn.Row(
            *(pn.Column(self.texts["title", lang], self.texts["text", lang], **stretch) for lang in doc.languages),
            **stretch,
        )
        self.image = w.Select(label=L["image"], **stretch)
        self.url = w.TextInput(label=L["url"], **stretch)
        self.info_box = pn.Column(self.image, self.url, **stretch)
        self.delete_hotspot_button = w.Button(label=L["deleteHotspot"], color="primary", **stretch)
        self.hotspot_form = pn.Column(
            pn.Row(self.hotspot_type, self.yaw, self.pitch), self.link_box, self.target_model, self.text_box,
            self.info_box, self.delete_hotspot_button, **stretch,
        )  # fmt: skip
        # right: problems, build, package
        self.problem_list = ButtonList(**stretch)
        self.no_problems = _pane()
        self.progress = pn.pane.HTML("", margin=(0, 5), **stretch)
        self.build_state = _pane()
        self.log_view = LogView(**stretch)
        self.kiosk = w.CheckBoxGroup(label=L["packageHeading"], options={L["kiosk"]: "kiosk"}, value=["kiosk"])
        # the kiosk's behaviour: tour.yaml's kiosk: (empty: the viewer's default)
        self.kiosk_idle = w.FloatInput(label=L["idleSeconds"], align="end", **number)
        self.kiosk_countdown = w.FloatInput(label=L["countdownSeconds"], align="end", **number)
        # checkboxes, not a MultiChoice or a Checkbox: those two fail axe-core (Choices.js's ARIA; an unlabelled input)
        self.attract_help = _pane()
        self.attract_scenes = w.CheckBoxGroup(label=L["attractScenes"], inline=False, **stretch)
        self.attract_seconds = w.FloatInput(label=L["secondsPerScene"], **number)
        self.attract_narration = w.CheckBoxGroup(
            label=L["attractNarration"], options={L["attractNarration"]: "narration"}, margin=(24, 10, 0, 10)
        )
        # this package's only: never saved, never set from here (a PIN is not shown back)
        self.pin = w.PasswordInput(label=L["pin"], width=140, stylesheets=[LABEL_CSS])
        self.daily_restart = w.TextInput(
            label=L["dailyRestart"], placeholder="04:00", width=140, stylesheets=[LABEL_CSS]
        )
        self.package_button = w.Button(label=L["package"], **stretch)
        self.package_state = _pane()
        self.download = pn.pane.HTML("", margin=(0, 5), **stretch)
        self.headings = {k: _pane("", "h2") for k in ("scenes", "models", "hotspot", "problems", "buildHeading")}
        self.headings["packageHeading"] = _pane("", "h2")
        self.subheadings = {
            k: _pane("", "h3") for k in ("addScene", "rename", "addModel", "tools", "kioskBehaviour", "thisPackage")
        }
        self.layout = self._layout()

    def _layout(self) -> Main:
        stretch = {"sizing_mode": "stretch_width"}
        b = self.buttons
        header = pn.Column(
            pn.Row(self.heading, self.tour_title, self.dirty_mark),
            pn.Row(self.language_select, b["undo"], b["redo"], b["save"], b["reload"], b["build"], self.focuser),
            self.reload_box,
            self.status_line,
            **stretch,
        )
        h, sub = self.headings, self.subheadings
        left = pn.Column(
            h["scenes"], self.no_scenes, self.scene_list,
            pn.FlexBox(self.scene_buttons["moveUp"], self.scene_buttons["moveDown"], **stretch),
            self.scene_buttons["setStart"],
            sub["rename"], self.scene_id, pn.Column(*self.scene_titles.values(), **stretch), self.rename_button,
            self.delete_button, self.delete_box,
            sub["addScene"], self.pano_files, self.add_scene_button, self.upload,
            h["models"], self.no_models, self.model_list, self.model_form,
            sub["addModel"], self.mesh_files, self.add_model_button,
            width=LEFT_WIDTH, sizing_mode="stretch_height", styles={"overflow-y": "auto"},
        )  # fmt: skip
        centre = pn.Column(
            sub["tools"], self.tools, self.armed,
            pn.FlexBox(self.set_view_button, self.min_fov, self.max_fov, self.north, self.apply_view, **stretch),
            self.not_built, self.viewer, self.plan_image, self.plan_box,
            # the preview never spreads under the right column (a hotspot near its edge would sit on it)
            sizing_mode="stretch_both", styles={"overflow-y": "auto", "overflow-x": "hidden", "min-width": "0"},
        )  # fmt: skip
        right = pn.Column(
            h["hotspot"], self.hotspot_info, self.hotspot_form,
            h["problems"], self.no_problems, self.problem_list,
            h["buildHeading"], self.build_state, self.progress, self.log_view,
            h["packageHeading"], self.kiosk,
            sub["kioskBehaviour"], pn.Row(self.kiosk_idle, self.kiosk_countdown), self.attract_help,
            self.attract_scenes,
            pn.Row(self.attract_seconds, self.attract_narration),
            sub["thisPackage"], pn.Row(self.pin, self.daily_restart), self.package_button,
            self.package_state, self.download,
            width=RIGHT_WIDTH, sizing_mode="stretch_height", styles={"overflow-y": "auto"},
        )  # fmt: skip
        self.regions = {
            "scenes": Section(content=left, sizing_mode="stretch_height", width=LEFT_WIDTH),
            "preview": Section(
                content=centre, sizing_mode="stretch_both", styles={"overflow": "hidden", "min-width": "0"}
            ),
            # a margin wider than half a hotspot icon: one at the preview's edge never covers this column
            "hotspot": Section(content=right, sizing_mode="stretch_height", width=RIGHT_WIDTH, margin=(0, 0, 0, 24)),
        }
        body = pn.Column(
            header,
            pn.Row(*self.regions.values(), sizing_mode="stretch_both"),
            sizing_mode="stretch_both",
            styles={"height": "100vh"},
        )
        self.body = body
        return Main(content=body, sizing_mode="stretch_both")

    def __panel__(self) -> Main:
        return self.layout

    # -- bindings -------------------------------------------------------------------------------------

    def _bind(self) -> None:
        b, sb = self.buttons, self.scene_buttons
        self.language_select.param.watch(lambda e: setattr(self, "language", e.new), "value")
        self.param.watch(lambda *_: self._relabel(), "language")
        self.param.watch(lambda *_: self._show_status(), ["status", "alert"])
        self.param.watch(lambda *_: self._selection_changed(), ["scene", "hotspot", "model"])
        self.param.watch(lambda *_: self._show_tool(), "tool")
        b["undo"].on_click(lambda _: self.undo())
        b["redo"].on_click(lambda _: self.redo())
        b["save"].on_click(self._click(self.save))
        b["reload"].on_click(lambda _: self.ask_reload())
        b["build"].on_click(lambda _: self.build())
        self.reload_yes.on_click(lambda _: self.reload())
        self.reload_no.on_click(self._click(self.reload_box.param.update, visible=False))
        self.scene_list.on_choose(self.select_scene)
        sb["moveUp"].on_click(lambda _: self.move_scene(-1))
        sb["moveDown"].on_click(lambda _: self.move_scene(+1))
        sb["setStart"].on_click(lambda _: self.edit_scene(self.doc.set_start))
        self.rename_button.on_click(lambda _: self.rename_scene())
        self.delete_button.on_click(lambda _: self.ask_delete_scene())
        self.delete_yes.on_click(lambda _: self.delete_scene())
        self.delete_no.on_click(self._click(self.delete_box.param.update, visible=False))
        self.add_scene_button.on_click(lambda _: self.add_chosen_scene())
        self.upload.on_upload(self.uploaded)
        self.model_list.on_choose(lambda value: setattr(self, "model", value))
        self.add_model_button.on_click(lambda _: self.add_model())
        self.delete_model_button.on_click(lambda _: self.delete_model())
        for lang, title in self.model_titles.items():
            title.param.watch(self._watcher(self._set_text, "model", "title", lang), "value")
        self.units.param.watch(self._watcher(self._set_model_field, "units"), "value")
        for key, entry in self.metadata.items():
            entry.param.watch(self._watcher(self._set_metadata, key), "value")
        self.tools.on_choose(lambda value: setattr(self, "tool", None if value == self.tool else value))
        self.set_view_button.on_click(lambda _: self.set_start_view())
        self.apply_view.on_click(lambda _: self.apply_limits())
        self.viewer.on_edit(self.on_viewer_edit)
        self.viewer.param.watch(lambda *_: self._show_viewer_hotspots(), "scene")
        self.plan.on_pick(self.place_on_plan)
        for fraction in (self.plan_x, self.plan_y):
            fraction.param.watch(self._watcher(self._plan_typed), "value")
        self.plan_clear.on_click(lambda _: self.edit_scene(self.doc.set_floorplan_position, None, None))
        self.hotspot_type.param.watch(self._watcher(self._set_hotspot_field, "type"), "value")
        for angle in (self.yaw, self.pitch):
            angle.param.watch(self._watcher(self._angles_typed), "value")
        self.target_scene.param.watch(self._watcher(self._set_hotspot_field, "target"), "value")
        self.target_model.param.watch(self._watcher(self._set_hotspot_field, "target"), "value")
        self.reverse_button.on_click(lambda _: self.add_reverse_link())
        for (field, lang), text in self.texts.items():
            text.param.watch(self._watcher(self._set_text, "hotspot", field, lang), "value")
        self.image.param.watch(self._watcher(self._set_hotspot_field, "image"), "value")
        self.plan_image.param.watch(self._watcher(lambda path: self.edit(self.doc.set_floorplan, path)), "value")
        self.url.param.watch(self._watcher(self._set_hotspot_field, "url"), "value")
        self.delete_hotspot_button.on_click(lambda _: self.delete_hotspot())
        self.problem_list.on_choose(self.go_to_problem)
        self.package_button.on_click(lambda _: self.package())
        self.kiosk.param.watch(lambda e: self._show_kiosk(), "value")
        for name, widget in (
            ("idle_seconds", self.kiosk_idle), ("countdown_seconds", self.kiosk_countdown),
            ("seconds_per_scene", self.attract_seconds),
        ):  # fmt: skip
            widget.param.watch(self._watcher(self._set_kiosk_field, name), "value")
        self.attract_scenes.param.watch(self._watcher(self._set_attract_scenes), "value")
        self.attract_narration.param.watch(
            self._watcher(lambda value: self._set_kiosk_field("narration", "narration" in value)), "value"
        )

    @staticmethod
    def _click(fn: Callable[..., Any], *args: Any, **kw: Any) -> Callable[[Any], None]:
        """A button's on_click handler calling ``fn(*args, **kw)`` (its result dropped)."""

        def handler(_event: Any) -> None:
            fn(*args, **kw)

        return handler

    def _watcher(self, handler: Callable[..., Any], *args: Any) -> Callable[[Any], None]:
        """A widget watcher calling ``handler(*args, new value)``, silent while widgets follow the document."""

        def watch(event: Any) -> None:
            if not self._syncing:
                handler(*args, event.new)

        return watch

    # -- messages -------------------------------------------------------------------------------------

    def say(self, text: str, *, alert: bool = False) -> None:
        """Show ``text`` in the status line (``alert``: as an error, announced at once)."""
        self.param.update(status=text, alert=alert)

    def _show_status(self) -> None:
        self.status_line.param.update(text=self.status, alert=self.alert)

    def edit(self, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        """Run one edit of the document; its error (a VtourError, never a traceback) goes to the status
        line. Everything that depends on the document is refreshed either way. Returns the edit's result
        (None when it failed: :attr:`failed` then says so)."""
        self.failed, result = True, None
        if self.doc.version != self._seen_version:  # edited meanwhile in another page: its indexes may be stale
            self.refresh()
            self.say(self.L["otherWindow"], alert=True)
            return None
        try:
            result = fn(*args, **kw)
        except VtourError as exc:
            self.say(" ".join(str(exc).split()), alert=True)
        except Exception as exc:  # a bug: said on the page rather than lost in the server's log
            log.exception("editor: %s failed", getattr(fn, "__name__", fn))
            self.say(f"unexpected {type(exc).__name__}: {exc}", alert=True)
        else:
            self.failed = False
            if self.alert and not self.conflict:
                self.say("")
        self.refresh()
        return result

    # -- scenes ---------------------------------------------------------------------------------------

    def select_scene(self, scene_id: str | None) -> None:
        """Select a scene (its hotspot selection cleared)."""
        self.param.update(scene=scene_id, hotspot=None)

    def edit_scene(self, fn: Callable[..., Any], *args: Any) -> None:
        """``fn(selected scene, *args)`` as an edit, when a scene is selected."""
        if self.scene is not None:
            self.edit(fn, self.scene, *args)

    def move_scene(self, step: int) -> None:
        if self.scene is None:
            return
        index = self.doc.scene_ids().index(self.scene) + step
        if 0 <= index < len(self.doc.scene_ids()):
            self.edit(self.doc.move_scene, self.scene, index)

    def rename_scene(self) -> None:
        """Rename button: the id typed (links and start follow) and the titles typed, one step."""
        if self.scene is None:
            return
        new_id = (self.scene_id.value or "").strip()
        title = {lang: (w.value or "").strip() for lang, w in self.scene_titles.items() if (w.value or "").strip()}
        changed_id = new_id and new_id != self.scene
        old_title = {k: v for k, v in self.doc.scene(self.scene)["title"].items() if v}
        kw: dict[str, Any] = {"new_id": new_id if changed_id else None, "title": title if title != old_title else None}
        if kw["new_id"] is None and kw["title"] is None:
            return
        old = self.scene
        self.edit(self.doc.rename_scene, old, **kw)
        if not self.failed and kw["new_id"] is not None:
            self.select_scene(new_id)

    def links_to(self, scene_id: str) -> int:
        """How many link hotspots of other scenes point at ``scene_id`` (what deleting it removes)."""
        return sum(
            1
            for s in self.doc.scene_ids()
            for h in self.doc.hotspots(s)
            if h["type"] == "link" and h.get("target") == scene_id
        )

    def ask_delete_scene(self) -> None:
        if self.scene is None:
            return
        self._deleting = self.scene
        self.delete_question.object = _html(self.L["deleteQuestion"].format(id=self.scene, n=self.links_to(self.scene)))
        self.delete_box.visible = True
        self.focuser.focus(self.L["confirmDelete"])

    def delete_scene(self) -> None:
        """Delete the scene "Delete scene" asked about (the question names it), not whatever is selected now."""
        self.delete_box.visible = False
        scene_id, self._deleting = self._deleting, None
        ids = self.doc.scene_ids()
        if scene_id not in ids:
            return
        index = ids.index(scene_id)
        removed = self.edit(self.doc.delete_scene, scene_id)
        if not self.failed:
            ids = self.doc.scene_ids()
            self.select_scene(ids[min(index, len(ids) - 1)] if ids else None)
            self.say(self.L["sceneDeleted"].format(id=scene_id, n=removed))

    def add_scene(self, panoramas: list[str]) -> str | None:
        """Add one scene from ``panoramas`` (paths in the tour's folder) and select it."""
        if not panoramas:
            self.say(self.L["panoramaFiles"] + ": " + self.L["none"], alert=True)
            self.focuser.focus(self.L["panoramaFiles"])
            return None
        scene_id = self.edit(self.doc.add_scene, list(panoramas))
        if scene_id is not None:
            self.select_scene(scene_id)
            self.say(self.L["added"].format(what=scene_id))
        return scene_id

    def add_chosen_scene(self) -> None:
        """Add scene: one scene from the panorama files chosen."""
        self.add_scene(list(self.pano_files.value or []))

    def uploaded(self, paths: list[str], errors: list[str]) -> None:
        """The upload widget's end: a scene from the stored panoramas; the refused files said."""
        self._scan_files()
        if paths:
            self.add_scene(paths)
        if errors:
            self.say("; ".join(errors), alert=True)
        elif paths:
            self.say(self.L["uploaded"].format(names=", ".join(paths)) + " " + self.status)

    # -- models ---------------------------------------------------------------------------------------

    def add_model(self) -> None:
        source = self.mesh_files.value
        if not source:
            self.say(self.L["modelFile"] + ": " + self.L["none"], alert=True)
            return
        model_id = self.edit(self.doc.add_model, source)
        if model_id is not None:
            self.model = model_id
            self.say(self.L["added"].format(what=model_id))

    def delete_model(self) -> None:
        """Delete model: the model and the model hotspots pointing at it."""
        if self.model is not None:
            self.edit(self.doc.delete_model, self.model)

    def _set_model_field(self, field: str, value: Any) -> None:
        if self.model is not None:
            self.edit(self.doc.set_model, self.model, **{field: value or None})

    def _set_metadata(self, key: str, value: str) -> None:
        if self.model is None:
            return
        metadata = {k: v for k, v in self._model_entry().get("metadata", {}).items() if v not in (None, "")}
        if value.strip():
            metadata[key] = value.strip()
        else:
            metadata.pop(key, None)
        self.edit(self.doc.set_model, self.model, metadata=metadata)

    def _model_entry(self) -> dict:
        return next((m for m in self.doc.models() if m["id"] == self.model), {})

    # -- the view -------------------------------------------------------------------------------------

    def set_start_view(self) -> None:
        """Set start view: the scene's initial view from the viewer's camera."""
        v = self.viewer
        if self.scene is None or v.scene != self.scene or None in (v.yaw, v.pitch, v.fov):
            self.say(self.L["notBuiltYet"], alert=True)
            return
        self.edit(self.doc.set_view, self.scene, v.yaw, v.pitch, v.fov)
        if self.failed:
            return
        view = self.doc.scene(self.scene)["view"]
        self.say(self.L["viewSet"].format(id=self.scene, yaw=view["yaw"], pitch=view["pitch"], fov=view["fov"]))

    def apply_limits(self) -> None:
        """Apply: the zoom limits and the north offset typed."""
        if self.scene is None:
            return
        low, high, north = self.min_fov.value, self.max_fov.value, self.north.value  # before a refresh resets them
        self.edit(self.doc.set_limits, self.scene, low, high)
        if self.failed:
            return
        if north is not None and north != self.doc.scene(self.scene).get("north_offset"):
            self.edit(self.doc.set_north, self.scene, north)

    def place_on_plan(self, x: float, y: float) -> None:
        if self.scene is not None:
            self.edit(self.doc.set_floorplan_position, self.scene, x, y)

    def _plan_typed(self, _value: Any) -> None:
        if self.scene is not None and self.plan_x.value is not None and self.plan_y.value is not None:
            self.place_on_plan(self.plan_x.value, self.plan_y.value)

    # -- hotspots -------------------------------------------------------------------------------------

    def on_viewer_edit(self, msg: dict) -> None:
        """The viewer's edit messages: ``editclick`` (with a tool armed: a hotspot there), ``hotspotmove``,
        ``hotspotselect``."""
        event, scene = msg.get("event"), msg.get("scene")
        if scene not in self.doc.scene_ids():
            return
        if event == "editclick" and self.tool is not None:
            self.add_hotspot(scene, self.tool, float(msg["yaw"]), float(msg["pitch"]))
        elif event == "hotspotmove":
            index = int(msg["index"])
            self._quietly(scene=scene, hotspot=index)
            self.edit(self.doc.move_hotspot, scene, index, float(msg["yaw"]), float(msg["pitch"]))
        elif event == "hotspotselect":
            self.param.update(scene=scene, hotspot=int(msg["index"]))

    def default_target(self, scene: str, kind: str) -> str | None:
        """A new hotspot's target: for a link the next scene (the first after the last), for a model the
        first model; None otherwise."""
        if kind == "link":
            ids = self.doc.scene_ids()
            others = ids[ids.index(scene) + 1 :] + ids[: ids.index(scene)]
            return others[0] if others else None
        if kind == "model":
            return next((m["id"] for m in self.doc.models()), None)
        return None

    def add_hotspot(self, scene: str, kind: str, yaw: float, pitch: float) -> int | None:
        """Add a hotspot of ``kind`` at (yaw, pitch) in ``scene``, select it and disarm the tool."""
        index = self.edit(self.doc.add_hotspot, scene, kind, yaw, pitch, target=self.default_target(scene, kind))
        self.tool = None
        if index is not None:
            self.param.update(scene=scene, hotspot=index)
            self.say(self.L["added"].format(what=f"{self.L[kind]} ({scene})"))
        return index

    def _selected(self) -> dict | None:
        """The selected hotspot's entry (document.hotspots), or None."""
        if self.scene is None or self.hotspot is None:
            return None
        hotspots = self.doc.hotspots(self.scene)
        return hotspots[self.hotspot] if 0 <= self.hotspot < len(hotspots) else None

    def _angles_typed(self, _value: Any) -> None:
        if self._selected() is not None and self.yaw.value is not None and self.pitch.value is not None:
            self.edit(self.doc.move_hotspot, self.scene, self.hotspot, self.yaw.value, self.pitch.value)

    def _set_hotspot_field(self, field: str, value: Any) -> None:
        if self._selected() is not None:
            value = value.strip() if isinstance(value, str) else value
            self.edit(self.doc.set_hotspot, self.scene, self.hotspot, **{field: value or None})

    def _set_text(self, kind: str, field: str, language: str, value: str) -> None:
        if kind == "hotspot" and self._selected() is not None:
            owner = Target("hotspot", scene=self.scene, hotspot=self.hotspot)
        elif kind == "model" and self.model is not None:
            owner = Target("model", model=self.model)
        else:
            return
        self.edit(self.doc.set_text, owner, field, language, value.strip())

    def add_reverse_link(self) -> None:
        if self._selected() is None:
            return
        result = self.edit(self.doc.add_reverse_link, self.scene, self.hotspot)
        if result is not None:
            self.say(self.L["added"].format(what=f"{self.L['link']} {result[0]} → {self.scene}"))

    def delete_hotspot(self) -> None:
        if self._selected() is None:
            return
        scene, index = self.scene, self.hotspot
        self.hotspot = None
        self.edit(self.doc.delete_hotspot, scene, index)

    # -- problems -------------------------------------------------------------------------------------

    def go_to_problem(self, index: Any) -> None:
        """A problem's button: select what it points at and focus its input when there is one."""
        if not isinstance(index, int) or not 0 <= index < len(self._problems):
            return
        target = self._problems[index].target
        if target.scene in self.doc.scene_ids():
            self.param.update(scene=target.scene, hotspot=target.hotspot if target.kind == "hotspot" else None)
        if target.model is not None and target.model in {m["id"] for m in self.doc.models()}:
            self.model = target.model
        label = self._field_label(target)
        if label:
            self.focuser.focus(label)

    def _field_label(self, target: Target) -> str | None:
        """The label of the input a problem's target field is edited in, when the page has one."""
        L, field = self.L, target.field
        if field is None:
            return None
        if field in ("title", "text") and target.kind == "hotspot":
            return self.texts[field, self.doc.languages[0]].label.split(" — ")[0]
        if field == "target" and target.kind == "hotspot":
            entry = self._selected()
            return L["targetModel"] if entry and entry["type"] == "model" else L["targetScene"]
        key = FIELD_INPUTS.get(field)
        return L[key] if key else None

    # -- undo, save, reload ---------------------------------------------------------------------------

    def undo(self) -> None:
        if self.edit(self.doc.undo):
            self.say(self.L["undone"])
        elif not self.alert:
            self.say(self.L["nothingToUndo"])

    def redo(self) -> None:
        if self.edit(self.doc.redo):
            self.say(self.L["redone"])
        elif not self.alert:
            self.say(self.L["nothingToRedo"])

    def save(self) -> bool:
        """Save tour.yaml; a change on disk is refused and said (alert), with Reload from disk offered."""
        try:
            path = self.doc.save()
        except ChangedOnDisk:
            self.conflict = True
            self.say(self.L["conflict"], alert=True)
            self.refresh()
            return False
        except VtourError as exc:
            self.say(" ".join(str(exc).split()), alert=True)
            return False
        self.conflict = False
        self.say(self.L["savedTo"].format(path=path))
        self.refresh()
        return True

    def ask_reload(self) -> None:
        """Reload from disk: at once when nothing is unsaved, else after a confirmation."""
        if not self.doc.dirty:
            self.reload()
            return
        self.reload_question.object = _html(self.L["confirmReload"])
        self.reload_box.visible = True
        self.focuser.focus(self.L["confirmReloadButton"])

    def reload(self) -> None:
        self.reload_box.visible = False
        try:
            self.doc.reload()
        except VtourError as exc:
            self.say(" ".join(str(exc).split()), alert=True)
            return
        self.conflict = False
        ids = self.doc.scene_ids()
        self.param.update(
            scene=self.scene if self.scene in ids else (ids[0] if ids else None), hotspot=None, model=None
        )
        self.say(self.L["reloaded"])
        self.refresh()

    def check_disk(self) -> None:
        """Say, once, that tour.yaml changed on disk (before any save is refused)."""
        changed = self.doc.changed_on_disk()
        if changed and not self.conflict:
            self.conflict = True
            self.say(self.L["changedOnDisk"], alert=True)
            self._show_header()
        elif not changed and self.conflict:
            self.conflict = False
            self._show_header()

    # -- the kiosk ------------------------------------------------------------------------------------

    def _set_kiosk_field(self, name: str, value: Any) -> None:
        """One field of tour.yaml's ``kiosk:`` from its input (empty: removed, the default applies)."""
        self.edit(self.doc.set_kiosk, **{name: value})

    def _set_attract_scenes(self, ticked: list[str]) -> None:
        """The attract scenes ticked: those already chosen keep their order (tour.yaml's, which may be hand-made),
        the newly ticked follow in the tour's order; none ticked: every scene (the key goes)."""
        before = [sid for sid in self.doc.kiosk.attract_scenes or () if sid in ticked]
        chosen = before + [sid for sid in self.doc.scene_ids() if sid in ticked and sid not in before]
        self._set_kiosk_field("attract_scenes", chosen or None)

    # -- build and package ----------------------------------------------------------------------------

    def build(self) -> None:
        """Build: save first when there are unsaved edits (stop if that fails), then the build job."""
        if self.board.build is not None and self.board.build.running:
            self.say(self.L["running"].format(percent=round(100 * self.board.build.progress)))
            return
        if self.doc.dirty and not self.save():
            return
        job = jobs.BuildJob(self.doc.path, self.out)
        try:
            job.start()
        except VtourError as exc:
            self.say(" ".join(str(exc).split()), alert=True)
            return
        self.board.build, self.board.building_text = job, self.doc.text()
        self.poll()

    def package(self) -> None:
        """Package the last build (one of this session, of the document as it is now)."""
        if self.board.built_text is None or self.board.built_text != self.doc.text() or not self.built:
            self.say(self.L["buildFirst"], alert=True)
            return
        if self.board.package is not None and self.board.package.running:
            return
        kiosk = "kiosk" in self.kiosk.value
        options: dict[str, Any] = {"kiosk": kiosk}
        if kiosk:
            pin, restart = self.pin.value or None, (self.daily_restart.value or "").strip() or None
            try:
                jobs.check_pin(pin)
            except VtourError:
                self.say(self.L["pinInvalid"], alert=True)  # said without the PIN typed
                self.focuser.focus(self.L["pin"])
                return
            try:
                check_daily_restart(restart)
            except VtourError as exc:
                self.say(" ".join(str(exc).split()), alert=True)
                self.focuser.focus(self.L["dailyRestart"])
                return
            k = self.doc.kiosk  # what the build put in tour.json, written into the kiosk's page too
            options.update(
                pin=pin, daily_restart=restart, idle=k.idle_seconds, countdown=k.countdown_seconds,
                attract_scenes=k.attract_scenes, attract_seconds=k.seconds_per_scene,
            )  # fmt: skip
        job = jobs.PackageJob(self.out)
        try:
            job.start(**options)
        except VtourError as exc:
            self.say(self.L["packageFailed"].format(error=" ".join(str(exc).split())), alert=True)
            return
        self.board.package = job
        self.download.object = ""
        self.poll()

    def poll(self) -> None:
        """Show the jobs' state (the served page calls this every POLL_MS; every DISK_CHECK_S it checks the disk)."""
        self._ticks += 1
        if self.doc.version != self._seen_version:  # another page edited the document: show it as it is
            self.refresh()
        if self._ticks % max(1, round(DISK_CHECK_S * 1000 / POLL_MS)) == 0:
            self.check_disk()
            self._scan_files()
        if self.board.build is not None:
            self._show_build(self.board.build.snapshot())
        if self.board.package is not None:
            self._show_package(self.board.package.snapshot())

    def _show_build(self, snap: dict) -> None:
        L, state = self.L, snap["state"]
        percent = round(100 * snap["progress"])
        label = html.escape(L["progress"], quote=True)
        self.progress.object = (
            f'<label style="display: block">{html.escape(L["progress"])} '
            f'<progress max="100" value="{percent}" aria-label="{label}" style="width: 60%">{percent} %</progress> '
            f"{percent} %</label>"
        )
        self.log_view.text = "\n".join(snap["log"][-LOG_SHOWN:])
        words = {
            "running": L["running"].format(percent=percent),
            "done": L["done"].format(seconds=snap["seconds"]),
            "failed": L["failed"].format(error=snap["error"]),
        }.get(state, L["idle"])
        self.build_state.object = _html(words)
        if self._job_states.get("build") != state:
            self._job_states["build"] = state
            if state == "done":
                self.built = built_scenes(self.out)
                self.board.built_text = self.board.building_text
                self.viewer.visible = bool(self.built)
                self.viewer.reload += 1
                self.say(words)
                self.refresh()
            elif state == "failed":
                self.say(words, alert=True)

    def _show_package(self, snap: dict) -> None:
        L, state = self.L, snap["state"]
        words = {
            "running": L["packaging"],
            "done": L["packaged"].format(name=snap.get("zip")),
            "failed": L["packageFailed"].format(error=snap["error"]),
        }.get(state, "")
        self.package_state.object = _html(words) if words else ""
        if state == "done" and snap.get("zip"):
            href = html.escape(f"{self.download_api}/{quote(snap['zip'])}", quote=True)
            self.download.object = (
                f'<p style="margin: 4px 0"><a href="{href}" download>{html.escape(L["download"])}</a> '
                f"({html.escape(snap['zip'])})</p>"
            )
        if self._job_states.get("package") != state:
            self._job_states["package"] = state
            if state in ("done", "failed"):
                self.say(words, alert=state == "failed")

    def start_timers(self) -> None:
        """Poll the jobs and the disk while the session lives (a served page; tests call :meth:`poll`)."""
        if self._timer is not None:
            return
        self._timer = pn.state.add_periodic_callback(self.poll, period=POLL_MS)

        def stop(_context: Any) -> None:
            if self._timer is not None:
                self._timer.stop()
                self._timer = None

        pn.state.on_session_destroyed(stop)

    # -- showing the document -------------------------------------------------------------------------

    def _viewer_language(self) -> str | None:
        """The tour language the preview shows: the editor's own when the tour has it."""
        return self.language if self.language in self.doc.languages else None

    def _quietly(self, **selection: Any) -> None:
        """Change the selection without the refresh it would cause (the caller refreshes)."""
        self._syncing = True
        try:
            self.param.update(**selection)
        finally:
            self._syncing = False

    def _selection_changed(self) -> None:
        if self._syncing:
            return
        self.refresh()

    def refresh(self) -> None:
        """Everything that depends on the document and the selection, from them: sent to the page as one
        message, so that it never shows half of it (a problem listed under "No problems")."""
        with pn.io.hold():
            self._refresh()

    def _refresh(self) -> None:
        self._seen_version = self.doc.version
        ids = self.doc.scene_ids()
        if self.scene not in ids or (self.hotspot is not None and self._selected() is None):
            self._syncing = True
            try:
                self.param.update(
                    scene=self.scene if self.scene in ids else (ids[0] if ids else None),
                    hotspot=None if self._selected() is None else self.hotspot,
                )
                if self.hotspot is not None and self._selected() is None:
                    self.hotspot = None
            finally:
                self._syncing = False
        if self.model is not None and self.model not in {m["id"] for m in self.doc.models()}:
            self._syncing = True
            try:
                self.model = None
            finally:
                self._syncing = False
        self._syncing = True
        try:
            self._show_header()
            self._show_scenes()
            self._show_models()
            self._show_view()
            self._show_hotspot()
            self._show_problems()
            self._show_kiosk_settings()
        finally:
            self._syncing = False
        self._show_viewer_hotspots()

    def _show_header(self) -> None:
        L = self.L
        self.tour_title.object = _html(pick_text(self.doc.title, self.language, self.doc.root.name), "p")
        self.dirty_mark.object = _html(L["unsaved"] if self.doc.dirty else L["saved"], "p")
        self.buttons["undo"].disabled = not self.doc.can_undo
        self.buttons["redo"].disabled = not self.doc.can_redo
        self.buttons["reload"].color = "warning" if self.conflict else "default"

    def _show_scenes(self) -> None:
        L, doc = self.L, self.doc
        scenes = doc.scenes()
        items = []
        for s in scenes:
            words = pick_text(s["title"], self.language, s["id"])
            if words != s["id"]:
                words = f"{words} ({s['id']})"
            if s["id"] == doc.start:
                words += " " + L["start"]
            if s["id"] not in self.built:
                words += " " + L["notBuilt"]
            items.append({"value": s["id"], "text": words})
        self.scene_list.param.update(items=items, value=self.scene)
        self.no_scenes.object = "" if scenes else _html(L["noScenes"])
        selected = doc.scene(self.scene) if self.scene is not None else None
        ids = doc.scene_ids()
        for button in self.scene_buttons.values():
            button.disabled = selected is None
        if selected is not None:
            index = ids.index(selected["id"])
            self.scene_buttons["moveUp"].disabled = index == 0
            self.scene_buttons["moveDown"].disabled = index == len(ids) - 1
            self.scene_buttons["setStart"].disabled = doc.start == self.scene
        for widget in (self.rename_button, self.delete_button, self.scene_id, *self.scene_titles.values()):
            widget.disabled = selected is None
        self.scene_id.value = self.scene or ""
        titles = selected["title"] if selected else {}
        self._texts_with_flags(self.scene_titles, titles, L["sceneTitle"])
        if self.delete_box.visible and (selected is None or self._deleting != self.scene):
            self.delete_box.visible = False  # the question was about another scene: it is withdrawn
            self._deleting = None
        self.target_scene.options = {
            f"{pick_text(s['title'], self.language, s['id'])} ({s['id']})": s["id"] for s in scenes
        }

    def _texts_with_flags(self, widgets: dict[str, Any], texts: Any, template: str) -> None:
        """Fill one text input per tour language; an empty one where another language has text is flagged
        "missing" in its label (its accessible name)."""
        texts = texts if isinstance(texts, dict) else ({self.doc.languages[0]: texts} if texts else {})
        some = any(texts.values())
        for lang, widget in widgets.items():
            value = str(texts.get(lang) or "")
            name = template.format(lang=lang)
            missing = some and not value
            widget.param.update(
                value=value,
                label=f"{name} — ⚠ {self.L['missing']}" if missing else name,
                # explicit either way: Bokeh keeps an inline style that an update leaves out
                styles={"border-left": f"4px solid {'#c62828' if missing else 'transparent'}", "padding-left": "2px"},
            )

    def _show_models(self) -> None:
        L, models = self.L, self.doc.models()
        items = [
            {"value": m["id"], "text": f"{pick_text(m['title'], self.language, m['id'])} ({m['id']})"} for m in models
        ]
        self.model_list.param.update(items=items, value=self.model, visible=bool(models))
        self.no_models.object = "" if models else _html(L["noModels"])
        entry = self._model_entry() if self.model else {}
        self.model_form.visible = bool(entry)
        if entry:
            self._texts_with_flags(self.model_titles, entry.get("title") or {}, L["modelTitle"])
            self.units.value = entry.get("units") or ""
            for k, widget in self.metadata.items():
                widget.value = str((entry.get("metadata") or {}).get(k) or "")

    def _show_view(self) -> None:
        L, scene = self.L, self.doc.scene(self.scene) if self.scene else None
        for widget in (self.set_view_button, self.min_fov, self.max_fov, self.north, self.apply_view):
            widget.disabled = scene is None
        limits = (scene or {}).get("limits") or {}
        self.min_fov.value, self.max_fov.value = limits.get("min_fov"), limits.get("max_fov")
        self.north.value = (scene or {}).get("north_offset")
        shown = self.scene in self.built
        if not self.built:
            self.not_built.object = _html(L["noBuild"], "p", role="note")
        elif scene is not None and not shown:
            self.not_built.object = _html(L["notBuiltYet"], "p", role="note")
        else:
            self.not_built.object = ""
        self.set_view_button.disabled = not shown
        if shown and self.viewer.scene != self.scene:
            self.viewer.scene = self.scene
        plan = self.doc.floorplan
        self.plan_image.param.update(
            options={self.L["none"]: None, **{p: p for p in self._images}, **({plan: plan} if plan else {})}, value=plan
        )
        self.plan_box.visible = bool(plan)
        if plan:
            position = (scene or {}).get("floorplan_position") or {}
            self.plan_x.value, self.plan_y.value = position.get("x"), position.get("y")
            for widget in (self.plan_x, self.plan_y, self.plan_clear):
                widget.disabled = scene is None
            self.plan.param.update(
                src=f"{self.file_api}/{quote(plan)}",
                points=[
                    {
                        "text": s["id"],
                        "x": s["floorplan_position"]["x"],
                        "y": s["floorplan_position"]["y"],
                        "selected": s["id"] == self.scene,
                    }
                    for s in self.doc.scenes()
                    if s.get("floorplan_position")
                ],
            )

    def _show_hotspot(self) -> None:
        L, entry = self.L, self._selected()
        self.hotspot_form.visible = entry is not None
        if entry is None:
            self.hotspot_info.object = _html(L["noHotspot"])
            return
        self.hotspot_info.object = _html(L["hotspotOf"].format(n=(self.hotspot or 0) + 1, id=self.scene))
        kind = entry["type"]
        self.hotspot_type.param.update(options={L[t]: t for t in HOTSPOT_TYPES}, value=kind)
        self.yaw.value, self.pitch.value = entry["yaw"], entry["pitch"]
        self.link_box.visible = kind == "link"
        self.target_model.visible = kind == "model"
        self.info_box.visible = kind == "info"
        target = entry.get("target")
        if kind == "link":
            options = dict(self.target_scene.options)
            if target is not None and target not in options.values():
                options[f"{target} ?"] = target  # a broken link: shown as it is (Problems says why)
            self.target_scene.param.update(options={L["none"]: None, **options}, value=target)
        if kind == "model":
            options = {
                f"{pick_text(m['title'], self.language, m['id'])} ({m['id']})": m["id"] for m in self.doc.models()
            }
            if target is not None and target not in options.values():
                options[f"{target} ?"] = target
            self.target_model.param.update(options={L["none"]: None, **options}, value=target)
        for field in ("title", "text"):
            widgets = {lang: self.texts[field, lang] for lang in self.doc.languages}
            self._texts_with_flags(widgets, entry.get(field) or {}, L[field])
        if kind == "info":
            images = {
                f"{pick_text(i['title'], self.language, i['id'])} ({L['deepZoom']}: {i['id']})": i["id"]
                for i in self.doc.deep_zoom_images()
            }
            images.update({p: p for p in self._images})
            if entry.get("image") and entry["image"] not in images.values():
                images[entry["image"]] = entry["image"]
            self.image.param.update(options={L["none"]: None, **images}, value=entry.get("image"))
            self.url.value = entry.get("url") or ""

    def _show_problems(self) -> None:
        """The problems of the document as it is now (validated once per text)."""
        text = self.doc.text()
        if (text, self.language) == self._problems_text:
            return
        self._problems, self._problems_text = list(self.doc.problems()), (text, self.language)
        self.problem_list.items = [{"value": i, "text": p.text} for i, p in enumerate(self._problems)]
        self.problem_list.visible = bool(self._problems)
        self.no_problems.object = "" if self._problems else _html(self.L["noProblems"], "p", role="status")

    def _show_viewer_hotspots(self) -> None:
        """The preview's hotspots: the document's, for the scene it shows; the selected one marked."""
        v, shown = self.viewer, self.viewer.scene
        if shown not in self.doc.scene_ids():
            v.param.update(edit_hotspots=None, selected_hotspot=None)
            return
        lang = v.language or self.doc.languages[0]
        titles = {s["id"]: pick_text(s.get("title"), lang, s["id"]) for s in self.doc.scenes()}
        hotspots = [
            {
                "index": h["index"],
                "type": h["type"],
                "yaw": h["yaw"],
                "pitch": h["pitch"],
                # a link without a title shows its target scene's, as the visitor's viewer does
                "title": pick_text(h.get("title"), lang, titles.get(h.get("target") or "", h.get("target") or "")),
                "target": h.get("target"),
            }
            for h in self.doc.hotspots(shown)
        ]
        v.param.update(
            edit_hotspots=hotspots, selected_hotspot=self.hotspot if shown == self.scene else None, tool=self.tool
        )

    def _show_tool(self) -> None:
        self.tools.value = self.tool
        self.viewer.tool = self.tool
        # always one line of text: arming a tool must not move the preview under the pointer
        self.armed.object = _html(self.L["armed"] if self.tool else self.L["unarmed"], "p")

    def _show_kiosk(self) -> None:
        """The package-time kiosk options only for a kiosk package (the tour's kiosk fields always)."""
        self.pin.disabled = self.daily_restart.disabled = "kiosk" not in self.kiosk.value

    def _show_kiosk_settings(self) -> None:
        """tour.yaml's ``kiosk:`` in its inputs; the attract scenes offered are the tour's, in its order, by
        their titles in the editor's language (an id the tour lacks, written by hand, shown as it is)."""
        k = self.doc.kiosk
        self.kiosk_idle.value, self.kiosk_countdown.value = k.idle_seconds, k.countdown_seconds
        self.attract_seconds.value = k.seconds_per_scene
        self.attract_narration.value = [] if k.narration is False else ["narration"]
        options = {f"{pick_text(s['title'], self.language, s['id'])} ({s['id']})": s["id"] for s in self.doc.scenes()}
        chosen = list(k.attract_scenes or [])
        for sid in chosen:
            if sid not in options.values():
                options[f"{sid} ?"] = sid
        self.attract_scenes.param.update(options=options, value=chosen)
        self.attract_help.object = _html(self.L["attractScenes"], "p")

    def _scan_files(self) -> None:
        """The folder's images and meshes (the selects' options), when they changed."""
        skip = (self.out,) if self.out.resolve().is_relative_to(self.doc.root.resolve()) else ()
        images = tour_files(self.doc.root, IMAGE_SUFFIXES, skip=skip)
        meshes = tour_files(self.doc.root, MESH_SUFFIXES, skip=skip)
        if images != getattr(self, "_images", None):
            self._images = images
            self.pano_files.options = [p for p in images if not p.startswith("models/")]
        if meshes != getattr(self, "_meshes", None):
            self._meshes = meshes
            self.mesh_files.options = meshes

    # -- words ----------------------------------------------------------------------------------------

    def _relabel(self) -> None:
        """Every word in the editor's language (and the preview's texts in it, when the tour has it)."""
        L = self.L = labels_for(self.language)
        self.language_select.value = self.language
        self.heading.object = _html(L["heading"], "h1")
        self.language_select.label = L["language"]
        for k, button in self.buttons.items():
            button.label = L[k]
        self.reload_yes.label, self.reload_no.label = L["confirmReloadButton"], L["cancel"]
        self.delete_yes.label, self.delete_no.label = L["confirmDelete"], L["cancel"]
        for k in ("scenes", "models", "hotspot", "problems", "buildHeading", "packageHeading"):
            self.headings[k].object = _html(L[k], "h2")
        for k in self.subheadings:
            self.subheadings[k].object = _html(L[k], "h3")
        self.scene_list.label, self.model_list.label = L["sceneList"], L["modelList"]
        self.problem_list.label, self.tools.label = L["problemList"], L["tools"]
        for k, button in self.scene_buttons.items():
            button.label = L[k]
        self.scene_id.label, self.rename_button.label, self.delete_button.label = L["sceneId"], L["rename"], L["delete"]
        self.pano_files.label, self.add_scene_button.label = L["panoramaFiles"], L["addScene"]
        self.upload.param.update(label=L["upload"], progress_text=L["uploading"])
        self.units.label, self.delete_model_button.label = L["units"], L["deleteModel"]
        for k, widget in self.metadata.items():
            widget.label = L[k]
        self.mesh_files.label, self.add_model_button.label = L["modelFile"], L["addModel"]
        self.tools.items = [
            {"value": t, "text": L[k]} for t, k in zip(HOTSPOT_TYPES, ("addLink", "addInfo", "addModelHotspot"))
        ]
        self.set_view_button.label, self.apply_view.label = L["setView"], L["apply"]
        self.min_fov.label, self.max_fov.label, self.north.label = L["minFov"], L["maxFov"], L["north"]
        self.plan_heading.object, self.plan_help.object = _html(L["floorplan"], "h2"), _html(L["planHelp"])
        self.plan.label = L["floorplan"]
        self.plan_x.label, self.plan_y.label, self.plan_clear.label = L["planX"], L["planY"], L["planClear"]
        self.plan_image.label = L["planImage"]
        self.hotspot_type.label, self.yaw.label, self.pitch.label = L["type"], L["yaw"], L["pitch"]
        self.target_scene.label, self.reverse_button.label, self.target_model.label = (
            L["targetScene"], L["reverse"], L["targetModel"],
        )  # fmt: skip
        self.image.label, self.url.label, self.delete_hotspot_button.label = L["image"], L["url"], L["deleteHotspot"]
        self.log_view.label = L["log"]
        self.kiosk.param.update(label=L["packageHeading"], options={L["kiosk"]: "kiosk"})
        self.kiosk_idle.label, self.kiosk_countdown.label = L["idleSeconds"], L["countdownSeconds"]
        self.attract_scenes.label, self.attract_seconds.label = L["attractScenes"], L["secondsPerScene"]
        self.attract_narration.param.update(label=L["attractNarration"], options={L["attractNarration"]: "narration"})
        self.pin.label, self.daily_restart.label = L["pin"], L["dailyRestart"]
        self.package_button.label = L["package"]
        self.layout.label = L["editor"]
        for k, region in self.regions.items():
            region.label = L[k]
        if self._viewer_language() is not None:
            self.viewer.language = self._viewer_language()
        self._scan_files()
        self._show_tool()
        self._show_kiosk()
        self._show_status()
        self.refresh()
        if self.board.build is not None:
            self._show_build(self.board.build.snapshot())
        else:
            self.build_state.object = _html(L["idle"])


def editor_app(
    doc: EditDocument,
    *,
    out: str | Path,
    token: str | None = None,
    upload_api: str = "api/edit/upload",
    file_api: str = "api/edit/file",
    download_api: str = "api/edit/download",
    tour_url: str = "/tour/tour.json",
) -> Editor:
    """The editor's page over ``doc``, building into ``out`` (see the module docstring). ``token``: the
    edit token the page's uploads send (None: the page's ?token= or the server's cookie). The API
    paths are relative to the page, as :func:`vtour.edit.server.serve_editor` mounts them. In a served
    session, the jobs and the disk are polled until the session ends."""
    editor = Editor(
        doc,
        out=out,
        token=token,
        upload_api=upload_api,
        file_api=file_api,
        download_api=download_api,
        tour_url=tour_url,
    )
    if pn.state.curdoc is not None and pn.state.curdoc.session_context is not None:
        editor.start_timers()
    return editor


__all__ = [
    "DISK_CHECK_S",
    "POLL_MS",
    "Editor",
    "built_scenes",
    "editor_app",
    "pick_text",
    "tour_files",
]
