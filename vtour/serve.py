"""``vtour serve``: a built tour in a Panel app, on 127.0.0.1 by default.

The page holds one :class:`vtour.panel_viewer.TourViewer` filling the window. Tiles, models and
tour.json are plain static files under ``/tour/`` (``static_dirs``): never through the websocket.
The model dialog's bundle (three.js, ``vtour-model.js``), which the viewer imports only when a 3D
model opens, is a static file under ``/vtour-viewer/``: Panel serves a component's ``_bundle`` by its
own URL and no file beside it. Bokeh's and Panel's JavaScript come from the local server, and no
template with web fonts is used: the app makes no request off the machine.

What the server answers is vtour's and nobody else's:

- Panel's ``/components/<module>/<class>/...`` handler imports whatever module a URL names; here it
  answers only for modules already imported from ``vtour``, ``panel`` and ``bokeh`` (the page's own
  components) and gives 404 for any other name without importing it.
- A NUL byte in a URL's path is a 400 (tornado's file handler would raise on it: a 500 and a
  traceback in the log), on Bokeh's own ``/static/`` route too.
- The websocket accepts pages opened by a name of this server: every loopback name on 127.0.0.1;
  the host's name and addresses when it listens on all interfaces (``0.0.0.0``), with a warning
  that the network can reach it; and the origins passed as ``allow_origin`` (a reverse proxy's).

This module holds the serving defaults (:data:`DEFAULT_ADDRESS`, :data:`DEFAULT_PORT`) that
``vtour serve`` and ``vtour demo`` use, and imports Panel only when it serves (Panel takes about
1.5 s to import, and every ``vtour`` command imports this module to show its defaults).
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import sys
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from vtour.errors import VtourError, VtourWarning
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
#: Top-level packages whose (already imported) components Panel's ``/components/`` URLs may name.
COMPONENT_PACKAGES = ("vtour", "panel", "bokeh")
#: Addresses that mean "every interface of this machine".
ALL_INTERFACES = ("", "0.0.0.0", "::")
# Bokeh matches origins as ``host[:port]`` split on ":", so IPv6 addresses cannot be listed
_LOOPBACK_NAMES = ("127.0.0.1", "localhost")


def tour_app(**viewer_params):
    """The app's page: the viewer filling the window (no template: no web fonts, no CDN).

    The viewer finds the model bundle at ``MODEL_VIEWER_URL``, which :func:`serve_tour` serves; an app
    served otherwise mounts ``vtour.site.DIST`` there too (or passes its own ``modelViewerUrl``).
    """
    import panel as pn  # Panel only when serving (see the module docstring)

    from vtour.panel_viewer import TourViewer  # imports Panel

    viewer_params["options"] = {
        "modelViewerUrl": MODEL_VIEWER_URL,
        "landmark": True,
        **viewer_params.get("options", {}),
    }
    viewer = TourViewer(sizing_mode="stretch_both", min_height=400, **viewer_params)
    return pn.Column(viewer, sizing_mode="stretch_both", margin=0, styles={"height": "100vh"})


def free_port(address: str = DEFAULT_ADDRESS) -> int:
    """A port that is free on ``address`` now (the OS picks it)."""
    with socket.socket() as s:
        s.bind((address, 0))
        return s.getsockname()[1]


def check_port(port: int) -> int:
    """``port`` if it is a TCP port number (0: any free one), else a :class:`VtourError`."""
    if not 0 <= port <= 65535:
        raise VtourError(
            "serve",
            "a port is a number from 0 to 65535",
            field="port",
            value=port,
            fix="pass one from 1024 to 65535, or 0 for any free port",
        )
    return port


def is_loopback(address: str) -> bool:
    """True for an address only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def _host_names() -> set[str]:
    """This machine's name and the addresses it resolves to (from /etc/hosts or the resolver)."""
    name = socket.gethostname()
    names = {name}
    try:
        names.update(str(info[4][0]) for info in socket.getaddrinfo(name, None, socket.AF_INET))
    except OSError:  # a name the resolver does not know: the name itself still works from /etc/hosts
        pass
    return names


def allowed_origin(text: str) -> str:
    """``host[:port]`` from what a user passes as ``--allow-origin`` (a URL is cut to its host[:port])."""
    origin = urlsplit(text).netloc if "://" in text else text
    host, _, port = origin.partition(":")
    if not host or "/" in origin or ":" in port or (port and not port.isdigit()):
        raise VtourError(
            "serve",
            "an origin is HOST or HOST:PORT, as the address bar shows the page (IPv6 addresses cannot be listed)",
            field="allow_origin",
            value=text,
            fix="pass e.g. --allow-origin tours.example.org or --allow-origin 192.168.1.20:5006",
        )
    return origin


def websocket_origins(address: str, port: int, allow: Iterable[str] = ()) -> list[str]:
    """The ``host:port`` origins whose pages may open the app's websocket (see the module docstring).

    ``allow`` adds origins (:func:`allowed_origin`); ``host`` alone stands for port 80, the port a
    browser leaves out of an ``http(s)://host/`` origin.
    """
    if is_loopback(address):
        names = set(_LOOPBACK_NAMES)
    elif address in ALL_INTERFACES:  # no browser sends 0.0.0.0: the names it is reached by
        names = _host_names() | set(_LOOPBACK_NAMES)
    else:
        names = _host_names() | {address}
    return sorted(f"{n}:{port}" for n in names if ":" not in n) + [allowed_origin(a) for a in allow]


def _routes() -> list[tuple]:
    """Tornado routes placed before Panel's own (the first that matches a URL answers it)."""
    from panel.io.server import ComponentResourceHandler
    from tornado.web import HTTPError, RequestHandler

    class RefuseNul(RequestHandler):
        def prepare(self):
            raise HTTPError(400, "NUL byte in the URL")

    class VtourComponents(ComponentResourceHandler):
        def parse_url_path(self, path: str) -> str:
            module = path.split("/", 1)[0]
            if module not in sys.modules or module.split(".")[0] not in COMPONENT_PACKAGES:
                raise HTTPError(404, "Module not found")  # never imported on a visitor's request
            return super().parse_url_path(path)

    _refuse_nul_in_static_files()
    # the path is matched before it is unquoted: %00 is how a NUL arrives
    return [(r"/.*%00.*", RefuseNul), (r"/components/(.*)", VtourComponents, {})]


def _refuse_nul_in_static_files() -> None:
    """Make a NUL in a static file's path a 400 in every tornado ``StaticFileHandler`` of the process.

    Bokeh's own ``/static/`` route comes before any route an app can add, and tornado's handler
    passes the path to ``os.path.realpath``, which raises ``ValueError`` on a NUL: a 500 and a
    traceback in the log. Done once per process; other paths go through unchanged.
    """
    from tornado.web import HTTPError, StaticFileHandler

    validate = StaticFileHandler.validate_absolute_path
    if getattr(validate, "refuses_nul", False):
        return

    def validate_absolute_path(self, root, absolute_path):
        if "\x00" in absolute_path:
            raise HTTPError(400, "NUL byte in the URL")
        return validate(self, root, absolute_path)

    validate_absolute_path.refuses_nul = True  # type: ignore[attr-defined]
    setattr(StaticFileHandler, "validate_absolute_path", validate_absolute_path)  # noqa: B010


def serve_tour(
    tour_dir: str | Path,
    *,
    port: int = DEFAULT_PORT,
    address: str = DEFAULT_ADDRESS,
    allow_origin: Iterable[str] = (),
    show: bool = False,
    threaded: bool = False,
    app: Callable[[], Any] | None = None,
    **kwargs,
):
    """Serve the tour in ``tour_dir`` with Panel on ``address:port`` (0: a free port).

    ``allow_origin`` adds origins (``host[:port]``) whose pages may open the app, e.g. a reverse
    proxy's name. ``app`` builds each session's page (default :func:`tour_app`). ``threaded=True``
    returns the running server thread (call ``.stop()``); otherwise blocks until interrupted.
    """
    check_port(port)
    tour_dir = require_built_tour(Path(tour_dir).resolve(), "serve")
    import panel as pn  # Panel only when serving (see the module docstring)

    if port == 0:
        port = free_port(address)
    origins = websocket_origins(address, port, allow_origin)
    if not is_loopback(address):
        warnings.warn(
            f"serve: address={address}: every machine that can reach this one on port {port} can open "
            f"the tour (pages from {', '.join(origins)}); pass --address 127.0.0.1 to keep it on this machine",
            VtourWarning,
            stacklevel=2,
        )
    shown = socket.gethostname() if address in ALL_INTERFACES else address  # an address a browser can open
    log.info("serve: %s on http://%s:%d/", tour_dir, shown, port)
    return pn.serve(
        app or tour_app,
        port=port,
        address=address,
        show=show,
        threaded=threaded,
        static_dirs={STATIC_PREFIX: str(tour_dir), VIEWER_PREFIX: str(DIST)},
        extra_patterns=_routes() + list(kwargs.pop("extra_patterns", [])),
        websocket_origin=origins,
        title="vtour",
        **kwargs,
    )


__all__ = [
    "ALL_INTERFACES",
    "COMPONENT_PACKAGES",
    "DEFAULT_ADDRESS",
    "DEFAULT_PORT",
    "MODEL_VIEWER_URL",
    "STATIC_PREFIX",
    "VIEWER_PREFIX",
    "allowed_origin",
    "check_port",
    "free_port",
    "is_loopback",
    "serve_tour",
    "tour_app",
    "websocket_origins",
]
