"""``TourViewer``: vtour's tour viewer as a Panel component (``pn.custom.JSComponent``).

It runs the same bundle the static ``index.html`` runs (``vtour/web/dist/vtour-viewer.js``, its
``render`` entry). Its parameters ``scene``, ``yaw``, ``pitch``, ``fov`` and ``language`` follow the
visitor's view and move it when set from Python; every hotspot the visitor activates arrives as
``hotspot`` (and ``on_hotspot`` callbacks). :mod:`vtour.serve` serves it over a built tour; an app of
your own can place it like any Panel component (serve the tour folder and ``vtour.site.DIST`` as
:func:`vtour.serve.serve_tour` does).

The conservator's inspector is driven by parameters too: ``model`` opens a model (tour.json's
``models[].id``; None closes it), and ``mode``, the light (``light_azimuth``, ``light_elevation``,
``ambient``, ``exposure``, ``shadows``), ``section``, ``finest``, ``compare``, ``previous`` and
``change_limits`` follow the open inspector and change it when set (the browser pushes its state at most
every 150 ms). ``level``, ``triangles`` and ``deviation`` say what is on screen (read-only). Opened from
Python, the inspector starts at these parameters; opened by the visitor (a model hotspot), the parameters
follow it. The defaults are the inspector's own (vtour/web/src/inspector/state.js). :meth:`TourViewer.take_screenshot`
has the page save a PNG of the inspector's view (``screenshot`` then says what was saved).
:class:`vtour.panel_inspector.ModelInspector` is a side panel of widgets on these parameters, with the
model's levels and its deviation and change histograms.

A deep-zoom image is driven the same way: ``image`` opens one (tour.json's ``images[].id``; None closes it) and
``region`` (``[x, y, w, h]``, ints, full-resolution image px) is the part in view: set from Python, the dialog shows
it whole and centred (the image's aspect kept, so what is then in view holds it); as the visitor zooms and pans, the
browser writes it back (at most every 150 ms, and once when the view stops). Both are None while no image is open;
an image the tour lacks is refused (logged, ``image`` back to what is open).
:class:`vtour.panel_images.ImageBrowser` is a side panel of the tour's images and their annotations on them.

The tour editor (``vtour edit``) makes it with ``edit=True``: hotspots are then selected and dragged instead of
followed, and what the editor does arrives as messages at :meth:`TourViewer.on_edit` callbacks: ``editclick``
(a click on the panorama, or Enter / Space on the viewer with a ``tool`` armed: ``{scene, yaw, pitch}``),
``hotspotselect`` (``{scene, index}``) and ``hotspotmove`` (``{scene, index, yaw, pitch}``, dragged or moved with
the Arrow keys), angles in degrees rounded to 0.001. ``tool`` (a crosshair while armed), ``selected_hotspot`` and
``edit_hotspots`` (the shown scene's hotspots from the document, shown without a rebuild; set ``scene`` first, in
the same ``param.update``, when both change) drive it; incrementing ``reload`` shows a new build (tour.json
fetched again at the scene and view). A scene not in the built tour.json is not shown: ``missing_scene`` names it.

This module imports Panel (about 1.5 s), so the command line imports it only when it serves.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

import panel as pn
import param

from vtour.errors import VtourError
from vtour.serve import STATIC_PREFIX
from vtour.site import BUNDLE, DIST
from vtour.tour.layout import TOUR_JSON

log = logging.getLogger(__name__)
#: The inspector's display modes (vtour/web/src/inspector/state.js MODES), in the order its controls show them.
MODES = ("textured", "clay", "normals", "wireframe", "xray", "deviation", "change")
#: The inspector's default light (state.js DEFAULT_LIGHT): a raking-enough key light from the front left.
DEFAULT_LIGHT: dict[str, Any] = {"azimuth": 35.0, "elevation": 30.0, "ambient": 0.35, "exposure": 1.0, "shadows": False}
#: The tour editor's tools (vtour/web/src/edit/EditMode.js TOOLS): what a click on the panorama adds; None: nothing.
TOOLS = (None, "link", "info", "model")
#: Messages from the browser that :meth:`TourViewer.on_edit` callbacks get, and the keys each carries.
EDIT_MESSAGES: dict[str, tuple[str, ...]] = {
    "editclick": ("scene", "yaw", "pitch"),
    "hotspotselect": ("scene", "index"),
    "hotspotmove": ("scene", "index", "yaw", "pitch"),
}
#: URL of the tour.json the viewer loads by default, as :func:`vtour.serve.serve_tour` serves it.
DEFAULT_TOUR_URL = f"/{STATIC_PREFIX}/{TOUR_JSON}"


class ChangeLimits(param.Dict):
    """The change map's limits ``{"minor": m, "major": M}`` (model units, ``0 <= m <= M``, finite), or None:
    the tour's for the previous scan shown. A value of any other shape is refused (ValueError)."""

    def _validate_value(self, value, allow_None):
        super()._validate_value(value, allow_None)
        if value is None:
            return
        numbers = [value.get(k) for k in ("minor", "major")] if isinstance(value, dict) else [None]
        if (
            not isinstance(value, dict)
            or set(value) != {"minor", "major"}
            or any(isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) for v in numbers)
            or not 0 <= numbers[0] <= numbers[1]  # type: ignore[operator]  # numbers, checked above
        ):
            raise ValueError(
                f"{self.name}: {value!r} is not change limits: give {{'minor': m, 'major': M}} in the model's "
                "units with 0 <= m <= M, or None for the tour's"
            )


class ImageRegion(param.List):
    """A part of a deep-zoom image ``[x, y, w, h]`` in full-resolution image px: four ints, ``x, y >= 0`` and
    ``w, h > 0``; or None. A value of any other shape is refused (ValueError)."""

    def _validate_value(self, value, allow_None):
        if value is None and allow_None:
            return
        if not (
            isinstance(value, list)
            and len(value) == 4
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            and min(value[:2]) >= 0
            and min(value[2:]) > 0
        ):
            raise ValueError(
                f"{self.name}: {value!r} is not an image region: give [x, y, w, h] in image pixels, "
                "ints with x, y >= 0 and w, h > 0, or None"
            )


class TourViewer(pn.custom.JSComponent):
    """vtour's tour viewer as a Panel component; view state synced both ways with the browser."""

    tour_url = param.String(default=DEFAULT_TOUR_URL, doc="URL of the tour.json")
    scene = param.String(default=None, allow_None=True, doc="id of the scene shown")
    yaw = param.Number(default=None, allow_None=True, bounds=(-180, 180), doc="degrees, positive right")
    pitch = param.Number(default=None, allow_None=True, bounds=(-90, 90), doc="degrees, positive up")
    fov = param.Number(default=None, allow_None=True, bounds=(1, 180), doc="vertical field of view, degrees")
    language = param.String(default=None, allow_None=True, doc="language of the tour's texts")
    options = param.Dict(default={}, doc="viewer options (see DEFAULT_OPTIONS in vtour/web/src/Viewer.js)")
    hotspot = param.Dict(
        default=None, allow_None=True, constant=True, doc="the last hotspot activated: {scene, id, type, target}"
    )
    ready = param.Boolean(default=False, constant=True, doc="the first scene is shown")
    # -- the conservator's inspector (see the module docstring) ----------------------------------------
    model = param.String(
        default=None, allow_None=True, doc="id of the model open in the inspector (tour.json models[].id); None: closed"
    )
    mode = param.Selector(default=MODES[0], objects=list(MODES), doc="how the model is drawn")  # type: ignore[var-annotated]
    light_azimuth = param.Number(
        default=DEFAULT_LIGHT["azimuth"],
        bounds=(0, 360),
        doc="degrees about the vertical: 0 lights from +Z, 90 from +X",
    )
    light_elevation = param.Number(
        default=DEFAULT_LIGHT["elevation"], bounds=(-90, 90), doc="degrees above the horizon; 90 from straight above"
    )
    ambient = param.Number(default=DEFAULT_LIGHT["ambient"], bounds=(0, 2), doc="ambient light's intensity")
    exposure = param.Number(default=DEFAULT_LIGHT["exposure"], bounds=(0.1, 4), doc="tone mapping exposure")
    shadows = param.Boolean(default=DEFAULT_LIGHT["shadows"], doc="the key light casts shadows")
    section = param.Dict(
        default=None,
        allow_None=True,
        doc="clipping plane {normal: [x, y, z], offset} in world (glTF) units, or None (the normal is made unit)",
    )
    finest = param.Boolean(default=False, doc="load the finest level whatever the screen needs")
    compare = param.Boolean(default=False, doc="the previous scan side by side, cameras synced")
    previous = param.Integer(default=0, bounds=(0, None), doc="index of the previous scan the change map shows")
    change_limits = ChangeLimits(
        default=None,
        allow_None=True,
        doc="the change map's limits {minor, major} in model units; None: the tour's (the inspector then says them)",
    )
    screenshot = param.Dict(
        default=None,
        allow_None=True,
        constant=True,
        doc="the last screenshot saved by the page: {file, width, height, bytes} (read-only; take_screenshot)",
    )
    level = param.String(default=None, allow_None=True, constant=True, doc="path of the level on screen (read-only)")
    triangles = param.Integer(default=None, allow_None=True, constant=True, doc="its triangles (read-only)")
    deviation = param.Dict(
        default=None,
        allow_None=True,
        constant=True,
        doc="its deviation from the scan as tour.json gives it: {hausdorff, mean, rms, relativeHausdorff, relativeRms}",
    )
    error = param.String(default=None, allow_None=True, constant=True, doc="why the viewer failed")
    # -- the deep-zoom image dialog (see the module docstring) -------------------------------------------
    image = param.String(
        default=None, allow_None=True, doc="id of the deep-zoom image open (tour.json images[].id); None: closed"
    )
    region = ImageRegion(
        default=None,
        allow_None=True,
        doc="the part of the open image in view, [x, y, w, h] in image px (ints); None while no image is open",
    )
    # -- the tour editor (see the module docstring) -----------------------------------------------------
    edit = param.Boolean(
        default=False, constant=True, doc="the tour editor's viewer: hotspots selected and dragged (set at creation)"
    )
    tool = param.Selector(  # type: ignore[var-annotated]
        default=None, objects=list(TOOLS), doc="editing: the armed tool, what a click on the panorama adds; None: none"
    )
    edit_hotspots = param.List(
        default=None,
        allow_None=True,
        item_type=dict,
        doc="editing: the shown scene's hotspots [{index, type, yaw, pitch, title, target}]; None: tour.json's",
    )
    selected_hotspot = param.Integer(
        default=None, allow_None=True, bounds=(0, None), doc="editing: index of the selected hotspot of the shown scene"
    )
    reload = param.Integer(
        default=0,
        bounds=(0, None),
        doc="increment: show a new build (tour_url?v=<n>) at the same scene and view",
    )
    missing_scene = param.String(
        default=None,
        allow_None=True,
        constant=True,
        doc="the scene asked for that the built tour does not have (the viewer stays where it is), else None",
    )

    _bundle = DIST / BUNDLE

    def __init__(self, **params):
        if not self._bundle.is_file():
            raise VtourError(
                "serve",
                "the viewer bundle is not built",
                path=self._bundle,
                fix="run `npm install && npm run build` (or `make setup`)",
            )
        super().__init__(**params)
        self._hotspot_callbacks: list[Callable[[dict], Any]] = []
        self._edit_callbacks: list[Callable[[dict], Any]] = []

    @param.depends("image", watch=True)
    def _image_closed(self) -> None:
        """No image, no region (so that the next image opens whole unless a region is given with it)."""
        if self.image is None and self.region is not None:
            self.region = None

    def take_screenshot(self, *, width: int | None = None, scale: float = 1.0) -> None:
        """Have the page save a PNG of the inspector's view (a download in the visitor's browser):
        ``width`` pixels wide (the view's aspect kept), else ``scale`` x the view's size. When it is
        saved, ``screenshot`` says its file name and size; with no inspector open, the log says so."""
        if width is not None and not (isinstance(width, int) and 16 <= width <= 8192):
            raise ValueError(f"take_screenshot: width {width!r} is not a number of pixels from 16 to 8192")
        if not (isinstance(scale, (int, float)) and 0.25 <= scale <= 4):
            raise ValueError(f"take_screenshot: scale {scale!r} lies outside 0.25 to 4")
        self._send_msg({"event": "screenshot", "width": width, "scale": scale})

    def on_hotspot(self, callback: Callable[[dict], Any]) -> None:
        """Call ``callback({scene, id, type, target})`` whenever the visitor activates a hotspot."""
        self._hotspot_callbacks.append(callback)

    def on_edit(self, callback: Callable[[dict], Any]) -> None:
        """Call ``callback(message)`` for each edit the browser reports (``edit=True``): ``{"event": "editclick",
        "scene", "yaw", "pitch"}``, ``{"event": "hotspotselect", "scene", "index"}`` or ``{"event": "hotspotmove",
        "scene", "index", "yaw", "pitch"}``; angles in degrees rounded to 0.001."""
        self._edit_callbacks.append(callback)

    def _handle_msg(self, msg: Any) -> None:
        if not isinstance(msg, dict):
            return
        kind = msg.get("event")
        if kind in EDIT_MESSAGES:
            event = _edit_message(kind, msg)
            if event is None:
                log.warning("viewer: malformed %s message %r dropped", kind, msg)
                return
            for cb in list(self._edit_callbacks):
                cb(event)
            return
        with param.parameterized.edit_constant(self):
            if kind == "hotspot":
                h = msg.get("hotspot") or {}
                event = {k: h.get(k) for k in ("scene", "id", "type", "target")}
                self.hotspot = event
                for cb in list(self._hotspot_callbacks):
                    cb(event)
            elif kind == "ready":
                self.ready = True
            elif kind == "error":
                self.error = str(msg.get("message"))
                log.error("viewer: %s", self.error)
            elif kind == "imageerror":  # the viewer did not open the image asked for: it says why
                log.error("viewer: image %r: %s", msg.get("image"), msg.get("message"))
            elif kind == "modelerror":  # the viewer did not open the model asked for: it says why
                log.error("viewer: model %r: %s", msg.get("model"), msg.get("message"))
            elif kind == "screenshot":  # saved by the page (take_screenshot)
                self.screenshot = {k: msg.get(k) for k in ("file", "width", "height", "bytes")}
            elif kind == "screenshoterror":
                log.error("viewer: screenshot: %s", msg.get("message"))
            elif kind == "missingscene":  # a scene the built tour lacks (None: a scene of the tour is shown)
                scene = msg.get("scene")
                self.missing_scene = scene if isinstance(scene, str) and scene else None


def _edit_message(kind: str, msg: dict) -> dict | None:
    """The editor message ``kind`` as on_edit callbacks get it (only its keys; angles rounded to 0.001, the index
    an int), or None if a value has the wrong type."""
    out: dict[str, Any] = {"event": kind}
    for key in EDIT_MESSAGES[kind]:
        value = msg.get(key)
        if key == "scene":
            if not isinstance(value, str):
                return None
        elif key == "index":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                return None
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return None
        else:
            value = round(float(value), 3)
        out[key] = value
    return out


__all__ = [
    "DEFAULT_LIGHT",
    "DEFAULT_TOUR_URL",
    "EDIT_MESSAGES",
    "MODES",
    "TOOLS",
    "ChangeLimits",
    "ImageRegion",
    "TourViewer",
]
