"""``vtour serve``: a built tour in a Panel app, on 127.0.0.1 by default.

The page holds one :class:`vtour.panel_viewer.TourViewer` filling the window. Tiles, models and
tour.json are plain static files under ``/tour/`` (``static_dirs``): never through the websocket.
The model dialog's bundle (three.js, ``vtour-model.js``), which the viewer imports only when a 3D
model opens, is a static file under ``/vtour-viewer/``: Panel serves a component's ``_bundle`` by its
own URL and no file beside it. Bokeh's and Panel's JavaScript come from the local server, and no
template with web fonts is used: the app makes no request off the machine.

This module holds the serving defaults (:data:`DEFAULT_ADDRESS`, :data:`DEFAULT_PORT`) that
``vtour serve`` and ``vtour demo`` use, and imports Panel only when it serves (Panel takes about
1.5 s to import, and every ``vtour`` command imports this module to show its defaults).
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vtour.site import DIST, MODEL_BUNDLE
from vtour.tour.layout import require_built_tour

log = logging.getLogger(__name__)

#: Defaults of :func:`serve_tour`; ``vtour serve`` and ``vtour demo`` read them.
DEFAULT_ADDRESS = "127.0.0.1"
DEFAULT_PORT = 5006
#: URL prefix of the tour's files in the app.
STATIC_PREFIX = "tour"
#: URL prefix of the viewer's bundles (vtour/web/dist) in the app.
VIEWER_PREFIX = "vtour-viewer"
#: The viewer option that points it at the model bundle (relative to the page, so subpaths work).
MODEL_VIEWER_URL = f"{VIEWER_PREFIX}/{MODEL_BUNDLE}"


def tour_app(**viewer_params):
    """The app's page: the viewer filling the window (no template: no web fonts, no CDN).

    The viewer finds the model bundle at ``MODEL_VIEWER_URL``, which :func:`serve_tour` serves; an app
    served otherwise mounts ``vtour.site.DIST`` there too (or passes its own ``modelViewerUrl``).
    """
    import panel as pn  # Panel only when serving (see the module docstring)

    from vtour.panel_viewer import TourViewer  # imports Panel

    viewer_params["options"] = {"modelViewerUrl": MODEL_VIEWER_URL, **viewer_params.get("options", {})}
    viewer = TourViewer(sizing_mode="stretch_both", min_height=400, **viewer_params)
    return pn.Column(viewer, sizing_mode="stretch_both", margin=0, styles={"height": "100vh"})


def free_port(address: str = DEFAULT_ADDRESS) -> int:
    """A port that is free on ``address`` now (the OS picks it)."""
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
    tour_dir = require_built_tour(Path(tour_dir).resolve(), "serve")
    import panel as pn  # Panel only when serving (see the module docstring)

    if port == 0:
        port = free_port(address)
    # a page opened as localhost on a loopback-bound server is the same machine: accept its websocket too
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
    "free_port",
    "serve_tour",
    "tour_app",
]
