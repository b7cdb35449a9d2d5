"""``vtour serve``: a built tour in a Panel app, on 127.0.0.1 by default.

The viewer is :class:`TourViewer`, a ``pn.custom.JSComponent`` around the same bundle the static
``index.html`` runs (``vtour/web/dist/vtour-viewer.js``, its ``render`` entry). Its parameters
``scene``, ``yaw``, ``pitch``, ``fov`` and ``language`` follow the visitor's view and move it when
set from Python; every hotspot the visitor activates arrives as ``hotspot`` (and ``on_hotspot``
callbacks). Tiles, models and tour.json are plain static files under ``/tour/`` (``static_dirs``):
never through the websocket. The model dialog's bundle (three.js, ``vtour-model.js``), which the
viewer imports only when a 3D model opens, is a static file under ``/vtour-viewer/``: Panel serves a
component's ``_bundle`` by its own URL and no file beside it. Bokeh's and Panel's JavaScript come
from the local server, no template with web fonts is used: the app makes no request off the machine.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vtour.errors import VtourError
from vtour.site import BUNDLE, DIST, MODEL_BUNDLE

log = logging.getLogger(__name__)

#: Defaults of :func:`serve_tour`; the CLI reads them.
DEFAULT_ADDRESS = "127.0.0.1"
DEFAULT_PORT = 5006
#: URL prefix of the tour's files in the app.
STATIC_PREFIX = "tour"
#: URL prefix of the viewer's bundles (vtour/web/dist) in the app.
VIEWER_PREFIX = "vtour-viewer"
#: The viewer option that points it at the model bundle (relative to the page, so subpaths work).
MODEL_VIEWER_URL = f"{VIEWER_PREFIX}/{MODEL_BUNDLE}"


def _panel():
    try:
        import panel as pn
        import param
    except ImportError:  # pragma: no cover - panel is a core dependency
        raise VtourError("serve", "Panel is not installed", fix="pip install 'panel>=1.5'") from None
    return pn, param


def _viewer_class():
    pn, param = _panel()

    class TourViewer(pn.custom.JSComponent):
        """vtour's tour viewer as a Panel component; view state synced both ways with the browser."""

        tour_url = param.String(default=f"/{STATIC_PREFIX}/tour.json", doc="URL of the tour.json")
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

    return TourViewer


_CLASS = None


def __getattr__(name: str):
    # TourViewer is built on first use so that importing vtour.serve does not import Panel.
    global _CLASS
    if name == "TourViewer":
        if _CLASS is None:
            _CLASS = _viewer_class()
        return _CLASS
    raise AttributeError(name)


def check_tour_dir(tour_dir: str | Path) -> Path:
    tour_dir = Path(tour_dir).resolve()
    if not (tour_dir / "tour.json").is_file():
        raise VtourError(
            "serve",
            "no tour.json in the folder",
            path=tour_dir,
            fix="pass a built tour's folder (vtour build TOUR.yaml writes one)",
        )
    return tour_dir


def tour_app(**viewer_params):
    """The app's page: the viewer filling the window (no template: no web fonts, no CDN).

    The viewer finds the model bundle at ``MODEL_VIEWER_URL``, which :func:`serve_tour` serves; an app
    served otherwise mounts ``vtour.site.DIST`` there too (or passes its own ``modelViewerUrl``).
    """
    pn, _ = _panel()
    viewer_params["options"] = {"modelViewerUrl": MODEL_VIEWER_URL, **viewer_params.get("options", {})}
    viewer = __getattr__("TourViewer")(sizing_mode="stretch_both", min_height=400, **viewer_params)
    return pn.Column(viewer, sizing_mode="stretch_both", margin=0, styles={"height": "100vh"})


def free_port(address: str = DEFAULT_ADDRESS) -> int:
    with socket.socket() as s:
        s.bind((address, 0))
        return s.getsockname()[1]


def serve_tour(
    tour_dir: str | Path,
    *,
    port: int = DEFAULT_PORT,
    address: str = DEFAULT_ADDRESS,
    show: bool = False,
    threaded: bool = False,
    app: Callable[[], Any] | None = None,
    **kwargs,
):
    """Serve the tour in ``tour_dir`` with Panel on ``address:port`` (0: a free port).

    ``app`` builds each session's page (default :func:`tour_app`). ``threaded=True`` returns the
    running server thread (call ``.stop()``); otherwise blocks until interrupted.
    """
    pn, _ = _panel()
    tour_dir = check_tour_dir(tour_dir)
    if port == 0:
        port = free_port(address)
    origins = [f"{address}:{port}"] + ([f"localhost:{port}"] if address == "127.0.0.1" else [])
    log.info("serve: %s on http://%s:%d/", tour_dir, address, port)
    return pn.serve(
        app or tour_app,
        port=port,
        address=address,
        show=show,
        threaded=threaded,
        static_dirs={STATIC_PREFIX: str(tour_dir), VIEWER_PREFIX: str(DIST)},
        websocket_origin=origins,
        title="vtour",
        **kwargs,
    )


__all__ = [
    "DEFAULT_ADDRESS",
    "DEFAULT_PORT",
    "MODEL_VIEWER_URL",
    "STATIC_PREFIX",
    "VIEWER_PREFIX",
    "TourViewer",
    "serve_tour",
    "tour_app",
]
