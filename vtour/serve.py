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

With ``sources`` (the tour.yaml the tour was built from), the app also answers the notes API under
:data:`NOTES_API` (the viewer's ``notesApi`` option), saving notes beside that tour.yaml in
``notes/<model-id>.json`` (:class:`vtour.notes.NotesStore`); writes follow :class:`vtour.access.EditAccess`
(a token off loopback, the server's origins only, JSON only)::

    GET    api/notes                    {"models": [ids], "tokenRequired": bool, "edit": bool (this request's token)}
    GET    api/notes/<model>            200 AnnotationPage (empty when the model has no notes yet)
    POST   api/notes/<model>            one Annotation -> 201 the stored one (id made when absent; dates set)
    GET    api/notes/<model>/<uuid>     200 the Annotation
    PUT    api/notes/<model>/<uuid>     Annotation + If-Match: <its modified> -> 200 stored; 409 {"error",
                                        "current"} when it changed meanwhile; 404 when gone; 428 without If-Match
    DELETE api/notes/<model>/<uuid>     If-Match: <its modified> -> 204; 409 {"error", "current"} when it
                                        changed meanwhile; 428 without If-Match

Errors are ``{"error": "<one line>"}``: 400 a bad note or body, 403 (origin, token), 404 an unknown
model or note, 413 a body over :data:`MAX_NOTE_BYTES`, 415 not JSON, 428 a change without If-Match,
500 a stored file that cannot be read (the line names it). Every version replaced or deleted is kept
in ``notes/<model-id>.history.jsonl`` (:class:`vtour.notes.NotesStore`).

A body is never read whole before its size is known: one whose ``Content-Length`` is over
:data:`MAX_NOTE_BYTES` is refused (413) as soon as its headers arrive, and one sent without a length
(chunked) is counted as it streams in and refused when it passes the limit; the connection is then
closed. (Tornado would otherwise buffer up to its own limit, 100 MB, before any handler runs.)

This module holds the serving defaults (:data:`DEFAULT_ADDRESS`, :data:`DEFAULT_PORT`) that
``vtour serve`` and ``vtour demo`` use, and imports Panel only when it serves (Panel takes about
1.5 s to import, and every ``vtour`` command imports this module to show its defaults).
"""

from __future__ import annotations

import json
import logging
import re
import socket
import sys
import warnings
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from vtour.access import EditAccess, is_loopback
from vtour.errors import VtourError, VtourWarning
from vtour.notes import NoteConflict, NoteMissing, NotesFileError, NotesStore, parse_json
from vtour.site import DIST, IMAGE_BUNDLE, MODEL_BUNDLE
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
#: The viewer option that points it at the deep-zoom bundle (OpenSeadragon).
IMAGE_VIEWER_URL = f"{VIEWER_PREFIX}/{IMAGE_BUNDLE}"
#: The notes API's URL, relative to the page (the viewer option ``notesApi``).
NOTES_API = "api/notes"
#: The largest request body the notes API reads (one note: a few texts).
MAX_NOTE_BYTES = 1 << 20
#: Top-level packages whose (already imported) components Panel's ``/components/`` URLs may name.
COMPONENT_PACKAGES = ("vtour", "panel", "bokeh")
#: Addresses that mean "every interface of this machine".
ALL_INTERFACES = ("", "0.0.0.0", "::")
# Bokeh matches origins as ``host[:port]`` split on ":", so IPv6 addresses cannot be listed
_LOOPBACK_NAMES = ("127.0.0.1", "localhost")


def tour_app(**viewer_params):
    """The app's page: the viewer filling the window (no template: no web fonts, no CDN), and with
    ``tour_dir=`` (the built tour's folder) the side panels beside it: the inspector's for a tour with models
    (:class:`vtour.panel_inspector.ModelInspector`), the images' for a tour with deep-zoom images
    (:class:`vtour.panel_images.ImageBrowser`), in tabs when it has both (their names in the viewer's language),
    the side column always one ``<aside>`` landmark (the tab row inside it, no landmark nested in it).
    The page's first item is the viewer.

    The viewer finds the model bundle at ``MODEL_VIEWER_URL``, which :func:`serve_tour` serves; an app
    served otherwise mounts ``vtour.site.DIST`` there too (or passes its own ``modelViewerUrl``).
    """
    import panel as pn  # Panel only when serving (see the module docstring)

    from vtour.panel_viewer import TourViewer  # imports Panel

    tour_dir = viewer_params.pop("tour_dir", None)
    viewer_params["options"] = {
        "modelViewerUrl": MODEL_VIEWER_URL,
        "imageViewerUrl": IMAGE_VIEWER_URL,
        "landmark": True,
        **viewer_params.get("options", {}),
    }
    viewer = TourViewer(sizing_mode="stretch_both", min_height=400, **viewer_params)
    page = {"sizing_mode": "stretch_both", "margin": 0, "styles": {"height": "100vh"}}
    if tour_dir is None:
        return pn.Column(viewer, **page)
    from vtour import panel_images, panel_inspector

    # with models and images, both panels sit in tabs inside ONE landmark: they are not landmarks themselves
    # (an inspector without models is not shown at all)
    has_images = _has_images(tour_dir)
    inspector = panel_inspector.ModelInspector(viewer, tour_dir, landmark=not has_images)
    images = panel_images.ImageBrowser(viewer, tour_dir, landmark=not inspector.models) if has_images else None
    side: Any = None
    if images is None:
        side = inspector if inspector.models else None
    elif not inspector.models:
        side = images
    else:  # both: one tab each, named in the viewer's language, in one landmark (the tab row is inside it)
        panels = {"inspector": inspector, "images": images}
        tabs = pn.Tabs(*_named(panels, viewer.language), sizing_mode="stretch_both")
        landmark = side = panel_inspector.Landmark(
            label=panel_images.labels_for(viewer.language)["sidePanels"],
            content=tabs,
            width=panel_inspector.PANEL_WIDTH,
            sizing_mode="stretch_height",
            styles={"overflow-y": "auto"},
        )

        def rename(*_) -> None:
            landmark.label = panel_images.labels_for(viewer.language)["sidePanels"]
            for i, named in enumerate(_named(panels, viewer.language)):
                if tabs._names[i] != named[0]:
                    tabs[i] = named

        viewer.param.watch(rename, "language")
    if side is None:  # a tour of panoramas only: nothing to inspect
        return pn.Column(viewer, **page)
    return pn.Row(viewer, side, **page)


def _has_images(tour_dir: str | Path) -> bool:
    """The built tour in ``tour_dir`` has deep-zoom images (tour.json ``images``)."""
    from vtour.tour.schema import read_tour_json

    return bool(read_tour_json(Path(tour_dir), "serve").get("images"))


def _named(panels: dict[str, Any], language: str | None) -> list[tuple[str, Any]]:
    """(tab name, panel) of each side panel: ``inspector`` and ``images`` named in ``language``."""
    from vtour.panel_images import labels_for as image_labels
    from vtour.panel_inspector import labels_for as inspector_labels

    names = {"inspector": inspector_labels(language)["inspector"], "images": image_labels(language)["images"]}
    return [(names[key], panel) for key, panel in panels.items()]


def _page(tour_dir: Path, options: dict) -> Callable[[], Any]:
    """Each session's page: :func:`tour_app` over ``tour_dir``. A plain function, not a
    ``functools.partial``: Panel calls only functions and methods, and shows any other object as text."""

    def page():
        return tour_app(tour_dir=tour_dir, options=dict(options))

    return page


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


#: A static site's prefix: path segments of letters, digits, "-", "_" (never "..", never a leading "/").
_SITE_PREFIX = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$")


#: Where :func:`serve_collection` serves the built collection's files (the browser's images and links).
COLLECTION_PREFIX = "collection-files"


def serve_collection(
    folder: str | Path,
    *,
    port: int = DEFAULT_PORT,
    address: str = DEFAULT_ADDRESS,
    allow_origin: Iterable[str] = (),
    show: bool = False,
    threaded: bool = False,
):
    """Serve a built collection on ``address:port``: the Panel collection browser
    (:class:`vtour.panel_collection.CollectionBrowser`) at ``/``, the static catalogue and object
    pages at ``/collection-files/`` (the browser links to them). Nothing in it edits."""
    check_port(port)
    import panel as pn

    from vtour.panel_collection import collection_app

    app = collection_app(folder, prefix=COLLECTION_PREFIX)  # a bad folder fails here, named
    if port == 0:
        port = free_port(address)
    _warn_off_loopback(address, port, websocket_origins(address, port, allow_origin))
    log.info("serve: %s on http://%s:%d/", folder, address, port)
    return pn.serve(
        app,
        port=port,
        address=address,
        show=show,
        threaded=threaded,
        extra_patterns=_routes() + site_routes({COLLECTION_PREFIX: folder}),
        websocket_origin=websocket_origins(address, port, allow_origin),
        title="vtour collection",
    )


def _warn_off_loopback(address: str, port: int, origins: list[str]) -> None:
    if not is_loopback(address):
        warnings.warn(
            f"serve: address={address}: every machine that can reach this one on port {port} can open "
            f"the tour (pages from {', '.join(origins)}); pass --address 127.0.0.1 to keep it on this machine",
            VtourWarning,
            stacklevel=3,
        )


def site_routes(sites: Mapping[str, str | Path]) -> list[tuple]:
    """Tornado routes serving each folder of ``sites`` at ``/<prefix>/``: its files as they are and a
    folder's ``index.html`` for the folder (a catalogue's links end in ``objects/<id>/``, as on any
    static host); ``/<prefix>`` redirects there. Paths stay inside the folder (tornado's handler
    resolves symlinks and refuses what leaves it)."""
    from tornado.web import RedirectHandler, StaticFileHandler

    routes: list[tuple] = []
    for prefix, folder in sites.items():
        if not _SITE_PREFIX.match(prefix):
            raise VtourError(
                "serve", "a site's URL prefix must be path segments of letters, digits, - and _", value=prefix
            )
        root = str(Path(folder).resolve())
        routes.append((rf"/{re.escape(prefix)}", RedirectHandler, {"url": f"/{prefix}/"}))
        routes.append(
            (rf"/{re.escape(prefix)}/(.*)", StaticFileHandler, {"path": root, "default_filename": "index.html"})
        )
    return routes


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


def notes_routes(store: NotesStore, access: EditAccess) -> list[tuple]:
    """Tornado routes of the notes API under ``/`` + :data:`NOTES_API` (see the module docstring)."""
    from tornado.web import RequestHandler, stream_request_body

    class Reply(Exception):
        def __init__(self, status: int, payload: dict | None = None):
            self.status, self.payload = status, payload

    too_big = {"error": f"the body is over {MAX_NOTE_BYTES} bytes: send one note at a time"}

    @stream_request_body  # the body comes through data_received, counted, never buffered past the limit
    class NotesHandler(RequestHandler):
        def set_default_headers(self) -> None:
            self.set_header("Cache-Control", "no-store")  # another tab's note must show on a reload
            self.set_header("X-Content-Type-Options", "nosniff")

        def prepare(self) -> None:
            self._chunks: list[bytes] = []
            self._received = 0
            refusal = access.check(self.request.method or "", self.request.headers)
            if refusal is not None:
                return self.reply(refusal.status, {"error": refusal.reason})
            length = (self.request.headers.get("Content-Length") or "").strip()  # a malformed one: tornado says 400
            if length.isdigit() and int(length) > MAX_NOTE_BYTES:
                self.reply(413, too_big)

        def data_received(self, chunk: bytes) -> None:
            if self._finished:  # refused already: what still arrives is dropped with the connection
                return
            self._received += len(chunk)
            if self._received > MAX_NOTE_BYTES:
                self._chunks.clear()
                return self.reply(413, too_big)
            self._chunks.append(chunk)

        def reply(self, status: int, payload: dict | None = None) -> None:
            self.set_status(status)
            if payload is not None:
                self.set_header("Content-Type", "application/json; charset=utf-8")
                self.write(json.dumps(payload, ensure_ascii=False, allow_nan=False))
            self.finish()

        def write_error(self, status_code: int, **kwargs) -> None:  # tornado's own: 405, 500...
            self.set_header("Content-Type", "application/json; charset=utf-8")
            self.finish(json.dumps({"error": self._reason}))

        def body(self):
            try:
                text = b"".join(self._chunks).decode("utf-8")
            except UnicodeDecodeError:
                raise Reply(400, {"error": "the body is not UTF-8 text"}) from None
            return parse_json(text, None, "send one note as a JSON object")

        def answer(self, status: int, action) -> None:
            """Reply ``status`` with what ``action()`` returns, or the error it raises (nothing when the
            request was refused already: tornado calls the method once the body has ended even then)."""
            if self._finished:
                return
            try:
                result = action()
            except Reply as r:
                return self.reply(r.status, r.payload)
            except NoteConflict as exc:
                return self.reply(409, {"error": str(exc), "current": exc.current})
            except NoteMissing as exc:
                return self.reply(404, {"error": str(exc)})
            except NotesFileError as exc:
                log.error("%s", exc)
                return self.reply(500, {"error": str(exc)})
            except VtourError as exc:
                return self.reply(400, {"error": str(exc)})
            self.reply(status, result)

    class NotesIndex(NotesHandler):
        def get(self) -> None:
            self.reply(
                200,
                {
                    "models": list(store.models),
                    "tokenRequired": access.needs_token,
                    "edit": access.token_ok(self.request.headers),
                },
            )

    class NotesPage(NotesHandler):
        def get(self, model: str) -> None:
            self.answer(200, lambda: store.page(model))

        def post(self, model: str) -> None:
            def add():
                note = store.add(model, self.body())
                self.set_header("Location", f"{self.request.path.rstrip('/')}/{note['id'].rsplit(':', 1)[1]}")
                return note

            self.answer(201, add)

    class NoteItem(NotesHandler):
        def get(self, model: str, note: str) -> None:
            self.answer(200, lambda: store.get(model, note))

        def version(self, what: str) -> str | None:
            """The If-Match header, or None after replying 428 without it."""
            version = self.request.headers.get("If-Match")
            if version is None and not self._finished:
                self.reply(
                    428,
                    {
                        "error": f"{what} needs the If-Match header: the modified date of the "
                        "note as it was read (so that no one's later change is lost)"
                    },
                )
            return version

        def put(self, model: str, note: str) -> None:
            version = self.version("an update")
            if version is not None:
                self.answer(200, lambda: store.update(model, note, self.body(), version))

        def delete(self, model: str, note: str) -> None:
            version = self.version("a deletion")
            if version is not None:

                def remove() -> None:
                    store.delete(model, note, version)

                self.answer(204, remove)

    base = f"/{NOTES_API}"
    return [(rf"{base}/?", NotesIndex), (rf"{base}/([^/]+)/?", NotesPage), (rf"{base}/([^/]+)/([^/]+)/?", NoteItem)]


def notes_store(sources: str | Path, tour_dir: Path) -> NotesStore:
    """The notes store beside the tour.yaml ``sources`` that the tour in ``tour_dir`` was built from."""
    from vtour.tour.document import read_tour
    from vtour.tour.schema import read_tour_json

    path = Path(sources).resolve()
    if not path.is_file():
        raise VtourError(
            "serve",
            "the tour's sources are not found",
            field="sources",
            value=str(sources),
            fix="pass the tour.yaml the tour was built from (notes are saved beside it)",
        )
    doc = read_tour_json(tour_dir, "serve")
    tour, _ = read_tour(path)  # only its id: `vtour validate` reports the rest
    if tour.id != doc.get("id"):
        raise VtourError(
            "serve",
            f"the sources are tour {tour.id!r} and the served tour is {doc.get('id')!r}",
            field="sources",
            value=str(sources),
            fix="pass the tour.yaml this tour was built from",
        )
    models = [m["id"] for m in doc.get("models") or [] if isinstance(m, dict) and isinstance(m.get("id"), str)]
    return NotesStore(path.parent, models)


def serve_tour(
    tour_dir: str | Path,
    *,
    port: int = DEFAULT_PORT,
    address: str = DEFAULT_ADDRESS,
    allow_origin: Iterable[str] = (),
    show: bool = False,
    threaded: bool = False,
    app: Callable[[], Any] | None = None,
    sources: str | Path | None = None,
    token: str | None = None,
    sites: Mapping[str, str | Path] | None = None,
    apps: dict[str, Callable[[], Any]] | None = None,
    **kwargs,
):
    """Serve the tour in ``tour_dir`` with Panel on ``address:port`` (0: a free port).

    ``sites``: more static folders (a built collection or exhibition), each at ``/<prefix>/``
    with its ``index.html`` (and every folder's) as the page (:func:`site_routes`); ``apps``: more
    Panel pages, each at ``/<name>`` (the demo's collection browser).

    ``allow_origin`` adds origins (``host[:port]``) whose pages may open the app, e.g. a reverse
    proxy's name. ``app`` builds each session's page (default :func:`tour_app`). ``threaded=True``
    returns the running server thread (call ``.stop()``); otherwise blocks until interrupted.

    ``sources``: the tour.yaml the tour was built from; notes are then editable and saved beside it
    (the notes API, :func:`notes_routes`). ``token``: the edit token (:class:`vtour.access.EditAccess`:
    default none on loopback, a generated one, logged with the address, otherwise).
    """
    check_port(port)
    tour_dir = require_built_tour(Path(tour_dir).resolve(), "serve")
    import panel as pn  # Panel only when serving (see the module docstring)

    if port == 0:
        port = free_port(address)
    origins = websocket_origins(address, port, allow_origin)
    routes = _routes() + site_routes(sites or {})
    access = None
    if sources is not None:
        access = EditAccess(address, token, tuple(origins))
        routes += notes_routes(notes_store(sources, tour_dir), access)
        app = app or _page(tour_dir, {"notesApi": NOTES_API})
    elif token is not None:
        raise VtourError(
            "serve",
            "a token protects note edits, which need the sources",
            field="token",
            fix="pass --sources TOUR.yaml too, or leave --token out",
        )
    _warn_off_loopback(address, port, origins)
    shown = socket.gethostname() if address in ALL_INTERFACES else address  # an address a browser can open
    log.info("serve: %s on http://%s:%d/", tour_dir, shown, port)
    if access is not None and access.generated:  # once: the only way to learn it
        log.warning("serve: notes can be edited from http://%s:%d/?token=%s", shown, port, access.token)
    page = app or _page(tour_dir, {})
    return pn.serve(
        {"/": page, **apps} if apps else page,
        port=port,
        address=address,
        show=show,
        threaded=threaded,
        static_dirs={STATIC_PREFIX: str(tour_dir), VIEWER_PREFIX: str(DIST)},
        extra_patterns=routes + list(kwargs.pop("extra_patterns", [])),
        websocket_origin=origins,
        title="vtour",
        **kwargs,
    )


__all__ = [
    "ALL_INTERFACES",
    "COMPONENT_PACKAGES",
    "DEFAULT_ADDRESS",
    "DEFAULT_PORT",
    "IMAGE_VIEWER_URL",
    "MAX_NOTE_BYTES",
    "MODEL_VIEWER_URL",
    "NOTES_API",
    "STATIC_PREFIX",
    "VIEWER_PREFIX",
    "allowed_origin",
    "check_port",
    "free_port",
    "is_loopback",
    "notes_routes",
    "notes_store",
    "serve_collection",
    "serve_tour",
    "site_routes",
    "tour_app",
    "websocket_origins",
]
