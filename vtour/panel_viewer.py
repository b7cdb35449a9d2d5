"""``TourViewer``: vtour's tour viewer as a Panel component (``pn.custom.JSComponent``).

It runs the same bundle the static ``index.html`` runs (``vtour/web/dist/vtour-viewer.js``, its
``render`` entry). Its parameters ``scene``, ``yaw``, ``pitch``, ``fov`` and ``language`` follow the
visitor's view and move it when set from Python; every hotspot the visitor activates arrives as
``hotspot`` (and ``on_hotspot`` callbacks). :mod:`vtour.serve` serves it over a built tour; an app of
your own can place it like any Panel component (serve the tour folder and ``vtour.site.DIST`` as
:func:`vtour.serve.serve_tour` does).

This module imports Panel (about 1.5 s), so the command line imports it only when it serves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import panel as pn
import param

from vtour.errors import VtourError
from vtour.serve import STATIC_PREFIX
from vtour.site import BUNDLE, DIST
from vtour.tour.layout import TOUR_JSON

log = logging.getLogger(__name__)
#: URL of the tour.json the viewer loads by default, as :func:`vtour.serve.serve_tour` serves it.
DEFAULT_TOUR_URL = f"/{STATIC_PREFIX}/{TOUR_JSON}"


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
    error = param.String(default=None, allow_None=True, constant=True, doc="why the viewer failed")

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

    def on_hotspot(self, callback: Callable[[dict], Any]) -> None:
        """Call ``callback({scene, id, type, target})`` whenever the visitor activates a hotspot."""
        self._hotspot_callbacks.append(callback)

    def _handle_msg(self, msg: Any) -> None:
        if not isinstance(msg, dict):
            return
        kind = msg.get("event")
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


__all__ = ["DEFAULT_TOUR_URL", "TourViewer"]
