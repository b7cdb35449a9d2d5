"""The editor's server (``vtour edit``): the Panel page, behind a token gate, with its file routes.

On 127.0.0.1 (the default) only this machine can reach the editor, and no token is needed unless
one is given. On any other address a token is required: the one given (``--token``, ``$VTOUR_TOKEN``)
or a generated one, logged once with the address to open (``http://host:port/?token=...``).

**The token gate.** With a token, every request the server answers (the page, Bokeh's websocket and
static files, Panel's files, the tour's tiles under ``/tour/``, the API) is refused with a 403 and
one line of plain text unless it carries the token: as ``?token=<t>`` (the page; its answer then sets
the cookie :data:`vtour.access.TOKEN_COOKIE`, HttpOnly, SameSite=Strict, Path=/, which the page's
later requests carry), as that cookie, or in the header :data:`vtour.access.TOKEN_HEADER`; compared
in constant time. The gate is one tornado rule placed first in the application's router
(:func:`install_gate`), before every route Bokeh, Panel or vtour adds, not a check in each handler.
Writes pass :class:`vtour.access.EditAccess`'s Origin check as well: a page of another site open in
the same browser is refused.

Routes, relative to the page (the page's JavaScript calls them with ``fetch``)::

    PUT api/edit/upload/<folder>/<name>   raw body (Content-Type: application/octet-stream) into the
                                          tour's folder panoramas/, models/ or images/ -> 201 {"path"}
    GET api/edit/file/<relpath>           a source image of the tour's folder (floor plan, thumbnails)
    GET api/edit/download/<name>.zip      a package the editor wrote (<out>.packages/), as an attachment
    GET tour/...                          the build output (may not exist yet: a new tour)
    GET vtour-viewer/...                  the viewer's bundles

An upload is streamed to a temporary file in its destination folder (never held in memory), refused
413 past :data:`MAX_UPLOAD_BYTES` (as soon as its ``Content-Length`` says so, or when a chunked body
passes it; nothing is left behind), then linked to the first free name (``x.jpg``, ``x-2.jpg``...):
an upload never replaces a file. Its name is cut to its last component and to ID-safe characters,
and its extension must suit the folder (:data:`UPLOAD_FOLDERS`, else 415). A destination folder
whose real path leaves the tour's folder (a symlink) is refused: 403. Errors are
``{"error": "<one line>"}``: 400 a bad folder or name, 403 origin or folder, 413, 415.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import socket
import tempfile
import uuid
import warnings
import webbrowser
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from vtour.access import TOKEN_COOKIE, TOKEN_QUERY, EditAccess, is_loopback
from vtour.edit.jobs import packages_folder
from vtour.errors import VtourError, VtourWarning
from vtour.output import is_within
from vtour.serve import (
    ALL_INTERFACES,
    DEFAULT_ADDRESS,
    DEFAULT_PORT,
    STATIC_PREFIX,
    VIEWER_PREFIX,
    _routes,
    check_port,
    free_port,
    websocket_origins,
)
from vtour.site import DIST

log = logging.getLogger(__name__)

#: The editor's API, relative to the page.
EDIT_API = "api/edit"
UPLOAD_API = f"{EDIT_API}/upload"
FILE_API = f"{EDIT_API}/file"
DOWNLOAD_API = f"{EDIT_API}/download"
#: The largest upload (one panorama or model file), bytes.
MAX_UPLOAD_BYTES = 2 << 30
#: Source images: what a panorama, floor plan or hotspot image may be, and what the file route serves.
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp")
#: Model files: the meshes vtour model reads, their materials and buffers, and their textures.
MODEL_EXTENSIONS = (".obj", ".ply", ".stl", ".glb", ".gltf", ".mtl", ".bin", *IMAGE_EXTENSIONS)
#: The folders of the tour an upload may go to, and the extensions each takes.
UPLOAD_FOLDERS = {"panoramas": IMAGE_EXTENSIONS, "models": MODEL_EXTENSIONS, "images": IMAGE_EXTENSIONS}
#: What the gate answers a request without the token (one line of plain text).
HOST_REFUSAL = "edit: this editor answers only pages opened by its own address (127.0.0.1 or localhost and its port)\n"
GATE_REFUSAL = (
    "edit: this editor needs its token: open the address with ?token=... that vtour edit printed "
    "(or send it in the X-Vtour-Token header)\n"
)

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class UploadRefused(Exception):
    """An upload that cannot be taken: its HTTP status and a one-line reason."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


def upload_name(folder: str, name: str) -> str:
    """The file name an upload called ``name`` gets in ``folder`` (before a free one is picked).

    Only the last path component is kept (``../a.jpg`` -> ``a.jpg``), cut to ID-safe characters
    (letters, digits, ``_ . -``; other runs become ``-``; a name with none left gets the folder's
    word), the extension lower-cased. :class:`UploadRefused` 400 for an unknown folder or a NUL, 415
    for an extension the folder does not take.
    """
    if folder not in UPLOAD_FOLDERS:
        raise UploadRefused(400, f"uploads go to {', '.join(UPLOAD_FOLDERS)}, not {folder[:40]!r}")
    if "\x00" in name:
        raise UploadRefused(400, "a file name cannot hold a NUL byte")
    base = re.split(r"[/\\]", name)[-1].strip()
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = ext, ""
    ext = "." + ext.lower() if ext else ""
    allowed = UPLOAD_FOLDERS[folder]
    if ext not in allowed:
        raise UploadRefused(
            415, f"{folder}/ takes {' '.join(allowed)} files, not {base[:60]!r}: convert it to one of them first"
        )
    stem = _UNSAFE.sub("-", stem).strip(".-")[:60] or folder.rstrip("s")
    return stem + ext


def upload_folder(root: Path, folder: str) -> Path:
    """The real path of the tour's ``folder`` (created when missing); :class:`UploadRefused` 403 when
    it resolves outside the tour's folder ``root`` (a symlink out)."""
    real_root = root.resolve()
    dest = Path(os.path.realpath(real_root / folder))
    if not is_within(dest, real_root) or dest == real_root:
        raise UploadRefused(
            403,
            f"{folder}/ leads outside the tour's folder (to {dest}): uploads stay inside it; "
            f"replace the link {folder} with a real folder",
        )
    try:
        dest.mkdir(exist_ok=True)
    except FileExistsError:
        raise UploadRefused(403, f"{folder} in the tour's folder is a file, not a folder: rename it") from None
    return dest


def link_free_name(tmp: Path, folder: Path, name: str) -> Path:
    """Give the complete file ``tmp`` the first free name among ``name``, ``stem-2.ext``...
    in ``folder``, and remove ``tmp``. Race-free: a name is taken by a link (or an exclusive create)
    that fails when it exists, so no file is ever replaced."""
    stem, ext = os.path.splitext(name)
    n = 1
    while True:
        dest = folder / f"{stem}{'' if n == 1 else f'-{n}'}{ext}"
        try:
            os.link(tmp, dest)
        except FileExistsError:
            n += 1
            continue
        except OSError as exc:  # a file system without hard links: claim the name, then move onto it
            if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                raise
            try:
                os.close(os.open(dest, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            except FileExistsError:
                n += 1
                continue
            os.replace(tmp, dest)
            return dest
        os.unlink(tmp)
        return dest


def token_cookie(port: int) -> str:
    """The name of the token's cookie for the editor on ``port``: cookies are shared by every port of a host,
    and two editors side by side must not take each other's."""
    return f"{TOKEN_COOKIE}_{port}"


def _carried(request, cookie_name: str) -> tuple[str | None, str | None]:
    """The token values a request carries besides the header: its cookie and its ``?token=``."""
    cookie = request.cookies.get(cookie_name)
    query = request.query_arguments.get(TOKEN_QUERY) or [b""]
    return (cookie.value if cookie is not None else None, query[-1].decode("utf-8", "replace"))


def install_gate(application, access: EditAccess, cookie_name: str) -> None:
    """Put the token gate in front of every route of the tornado ``application`` (see the module
    docstring): a rule first in its router answering 403 to a request without the token, and an
    output transform that sets the cookie ``cookie_name`` on the answer to a request with the right
    ``?token=``. Without a token (loopback), the rule refuses instead a request that names another host
    than the server's (a DNS-rebinding page: its name resolves to 127.0.0.1, and it could read the tour's
    sources and packages)."""
    from tornado.routing import Matcher, Rule
    from tornado.web import OutputTransform, RequestHandler

    token = access.token

    class Refuse(RequestHandler):
        def prepare(self) -> None:
            self.set_status(403)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(GATE_REFUSAL if token is not None else HOST_REFUSAL)

    if token is None:
        hosts = {origin.lower() for origin in access.origins}

        class OtherHost(Matcher):
            def match(self, request) -> dict | None:
                return None if (request.host or "").lower() in hosts else {}

        application.default_router.rules.insert(0, Rule(OtherHost(), Refuse))
        return

    class WithoutToken(Matcher):
        def match(self, request) -> dict | None:
            return None if access.token_ok(request.headers, _carried(request, cookie_name)) else {}

    class SetTokenCookie(OutputTransform):
        def __init__(self, request) -> None:
            query = request.query_arguments.get(TOKEN_QUERY) or [b""]
            self.set = access.token_ok({}, (query[-1].decode("utf-8", "replace"),))

        def transform_first_chunk(self, status_code, headers, chunk, finishing):
            headers["Referrer-Policy"] = "no-referrer"  # the token in the address goes nowhere
            if self.set:
                headers.add("Set-Cookie", f"{cookie_name}={token}; HttpOnly; SameSite=Strict; Path=/")
            return status_code, headers, chunk

    application.default_router.rules.insert(0, Rule(WithoutToken(), Refuse))
    application.add_transform(SetTokenCookie)


def editor_routes(
    root: Path,
    out: Path,
    access: EditAccess,
    max_upload_bytes: int = MAX_UPLOAD_BYTES,
    *,
    cookie_name: str = TOKEN_COOKIE,
) -> list[tuple]:
    """Tornado routes of the editor's API and files (see the module docstring) for the tour whose
    sources are in ``root`` and whose build goes to ``out``."""
    from tornado.http1connection import HTTP1Connection
    from tornado.web import HTTPError, RequestHandler, StaticFileHandler, stream_request_body

    real_root = root.resolve()
    packages = packages_folder(out)
    too_big = f"the file is over {max_upload_bytes} bytes, the editor's upload limit"

    @stream_request_body  # the body comes through data_received, to disk, never held whole
    class Upload(RequestHandler):
        def set_default_headers(self) -> None:
            self.set_header("Cache-Control", "no-store")
            self.set_header("X-Content-Type-Options", "nosniff")

        def prepare(self) -> None:
            self._tmp: Path | None = None
            self._file: Any = None
            self._received = 0
            try:
                self._prepare(*self.path_args)
            except UploadRefused as r:
                self.reply(r.status, {"error": r.reason})

        def _prepare(self, folder: str, name: str) -> None:
            if self.request.method != "PUT":
                raise UploadRefused(405, "uploads are PUT requests with the file as the body")
            refusal = access.check(
                "PUT",
                self.request.headers,
                carried=_carried(self.request, cookie_name),
                body_type="application/octet-stream",
            )
            if refusal is not None:
                raise UploadRefused(refusal.status, refusal.reason)
            self._name = upload_name(folder, name)
            length = (self.request.headers.get("Content-Length") or "").strip()
            if length.isdigit() and int(length) > max_upload_bytes:
                raise UploadRefused(413, too_big)
            self._folder = upload_folder(real_root, folder)
            # tornado's own limit (100 MB) would cut the connection first; ours answers 413 instead
            if isinstance(self.request.connection, HTTP1Connection):
                self.request.connection.set_max_body_size(max_upload_bytes + (64 << 20))
            fd, tmp = tempfile.mkstemp(dir=self._folder, prefix=".upload-", suffix=".part")
            self._tmp, self._file = Path(tmp), os.fdopen(fd, "wb")

        def data_received(self, chunk: bytes) -> None:
            if self._finished or self._file is None:  # refused already: the rest goes with the connection
                return
            self._received += len(chunk)
            if self._received > max_upload_bytes:
                self.discard()
                return self.reply(413, {"error": too_big})
            self._file.write(chunk)

        def put(self, folder: str, name: str) -> None:
            if self._finished or self._file is None or self._tmp is None:
                return
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            self._file = None
            dest = link_free_name(self._tmp, self._folder, self._name)
            self._tmp = None
            log.info("edit: uploaded %s (%d bytes)", dest, self._received)
            self.reply(201, {"path": dest.relative_to(real_root).as_posix()})

        def discard(self) -> None:
            """Close and remove the temporary file (a refused, failed or dropped upload)."""
            if self._file is not None:
                self._file.close()
                self._file = None
            if self._tmp is not None:
                self._tmp.unlink(missing_ok=True)
                self._tmp = None

        def on_connection_close(self) -> None:
            self.discard()

        def on_finish(self) -> None:
            self.discard()

        def reply(self, status: int, payload: dict) -> None:
            self.set_status(status)
            self.set_header("Content-Type", "application/json; charset=utf-8")
            self.finish(json.dumps(payload, ensure_ascii=False))

        def write_error(self, status_code: int, **kwargs) -> None:  # tornado's own: 500...
            self.discard()
            self.set_header("Content-Type", "application/json; charset=utf-8")
            self.finish(json.dumps({"error": self._reason}))

    class Files(StaticFileHandler):
        """A file below ``path`` whose real path stays there (a link out: 404), of ``extensions``."""

        extensions: tuple[str, ...] = ()  # empty: any file
        attachment = False

        @classmethod
        def get_absolute_path(cls, root: str, path: str) -> str:
            try:
                return super().get_absolute_path(root, path)
            except HTTPError:  # ../ out of the folder: as missing as any file that is not there
                raise HTTPError(404) from None

        def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
            real, real_root = Path(os.path.realpath(absolute_path)), Path(os.path.realpath(root))
            if (
                "\x00" in absolute_path
                or (self.extensions and real.suffix.lower() not in self.extensions)
                or not is_within(real, real_root)
                or not real.exists()
            ):
                raise HTTPError(404)
            return super().validate_absolute_path(root, absolute_path)

        def set_extra_headers(self, path: str) -> None:
            self.set_header("Cache-Control", "no-cache")  # a rebuild or an upload changes them
            self.set_header("X-Content-Type-Options", "nosniff")
            if self.attachment:
                self.set_header("Content-Disposition", f'attachment; filename="{PurePosixPath(path).name}"')

    class SourceImages(Files):
        extensions = IMAGE_EXTENSIONS

    class Packages(Files):
        extensions, attachment = (".zip",), True

    return [
        (rf"/{UPLOAD_API}/([^/]*)/(.*)", Upload),
        (rf"/{FILE_API}/(.*)", SourceImages, {"path": str(real_root)}),
        (rf"/{DOWNLOAD_API}/([^/]+\.zip)", Packages, {"path": str(packages)}),
        (rf"/{STATIC_PREFIX}/(.*)", Files, {"path": str(out), "default_filename": "index.html"}),
        (rf"/{VIEWER_PREFIX}/(.*)", Files, {"path": str(DIST)}),
    ]


def open_document(path: str | Path):
    """The :class:`vtour.edit.document.EditDocument` of ``path``: a tour.yaml, or a folder (its
    tour.yaml, written when missing)."""
    from vtour.edit.document import EditDocument

    path = Path(path)
    return EditDocument.create(path) if path.is_dir() or not path.suffix else EditDocument.open(path)


def default_out(doc) -> Path:
    """Where ``vtour build`` writes the tour of ``doc`` by default: ``export/<tour id>`` (the tour's id
    as its tour.yaml says, else its folder's name), from the current folder."""
    from vtour.tour.document import ID_PATTERN, read_data

    try:
        data = read_data(doc.path)[0]
    except VtourError:
        data = None
    tour_id = data.get("id") if isinstance(data, dict) else None
    if not isinstance(tour_id, str) or not ID_PATTERN.match(tour_id):
        tour_id = Path(doc.root).name
    return (Path("export") / tour_id).resolve()


def serve_editor(
    path: str | Path,
    *,
    port: int = DEFAULT_PORT,
    address: str = DEFAULT_ADDRESS,
    token: str | None = None,
    out: str | Path | None = None,
    allow_origin: Iterable[str] = (),
    show: bool = False,
    threaded: bool = False,
    app: Callable[[], Any] | None = None,
    max_upload_bytes: int = MAX_UPLOAD_BYTES,
):
    """Serve the editor of the tour at ``path`` (a tour.yaml, or a folder: see :func:`open_document`)
    on ``address:port`` (0: a free port); see the module docstring.

    Parameters
    ----------
    token : the edit token (default: none on loopback; a generated one, logged once, otherwise)
    out : the build output (default :func:`default_out`); packages go to ``<out>.packages/``
    allow_origin : more origins (``host[:port]``) whose pages may open the editor, e.g. a proxy's name
    show : open a browser on the page (with the token in its address)
    threaded : return the running server's thread (call ``.stop()``); otherwise block until interrupted
    app : builds each session's page (default :func:`vtour.edit.app.editor_app` of the document)
    max_upload_bytes : the largest upload (default :data:`MAX_UPLOAD_BYTES`)
    """
    check_port(port)
    doc = open_document(path)
    out = Path(out).resolve() if out is not None else default_out(doc)
    if port == 0:
        port = free_port(address)
    origins = websocket_origins(address, port, allow_origin)
    access = EditAccess(address, token, tuple(origins))
    cookie = token_cookie(port)
    if app is None:
        app = _editor_page(doc, out, access.token)
    if not is_loopback(address):
        warnings.warn(
            f"edit: address={address}: every machine that can reach this one on port {port} can ask for the "
            "editor; only requests with the token are answered. Pass --address 127.0.0.1 to keep it on "
            "this machine",
            VtourWarning,
            stacklevel=2,
        )
    shown = socket.gethostname() if address in ALL_INTERFACES else address  # an address a browser can open
    url = f"http://{shown}:{port}/" + (f"?{TOKEN_QUERY}={access.token}" if access.token else "")
    log.info("edit: %s (builds to %s)", doc.path, out)
    if access.generated:  # once: the only way to learn it
        log.warning("edit: open %s", url)
    else:
        log.info("edit: open http://%s:%d/%s", shown, port, "?token=<your token>" if access.token else "")
    options = dict(
        port=port,
        address=address,
        show=False,  # the page needs the token in its address: opened below
        websocket_origin=origins,
        title="vtour editor",
        verbose=False,
        extra_patterns=_routes() + editor_routes(doc.root, out, access, max_upload_bytes, cookie_name=cookie),
    )

    def start(server):
        install_gate(server._tornado, access, cookie)  # before the loop runs: no request precedes the gate
        server.start()
        if show:
            server.io_loop.add_callback(webbrowser.open, url)
        try:
            server.io_loop.start()
        except RuntimeError:  # the loop was stopped before it ran
            pass
        return server

    if not threaded:
        import panel as pn

        return start(pn.serve(app, start=False, **options))
    return _serve_in_thread(app, options, start)


def _editor_page(doc, out: Path, token: str | None) -> Callable[[], Any]:
    """Each session's page: :func:`vtour.edit.app.editor_app` over the one document (imported here:
    Panel takes a while to import, and the command's help does not need it)."""
    from vtour.edit.app import editor_app

    def page():
        return editor_app(doc, out=out, token=token, upload_api=UPLOAD_API)

    return page


def _serve_in_thread(app, options: dict, start: Callable):
    """``pn.serve(threaded=True)`` with the gate installed before the server's loop runs: a
    :class:`panel.io.threads.StoppableThread` (``.stop()`` ends it) whose loop is the server's."""
    from panel.io.server import get_server
    from panel.io.state import state
    from panel.io.threads import StoppableThread
    from tornado.ioloop import IOLoop

    loop = IOLoop(make_current=False)
    server_id = uuid.uuid4().hex

    def run(server_id: str):
        return start(get_server(app, loop=loop, start=False, server_id=server_id, **options))

    thread = StoppableThread(target=run, io_loop=loop, kwargs={"server_id": server_id}, owns_loop=True, daemon=True)
    state._threads[server_id] = thread
    thread.start()
    return thread


__all__ = [
    "DOWNLOAD_API",
    "EDIT_API",
    "FILE_API",
    "GATE_REFUSAL",
    "IMAGE_EXTENSIONS",
    "MAX_UPLOAD_BYTES",
    "MODEL_EXTENSIONS",
    "UPLOAD_API",
    "UPLOAD_FOLDERS",
    "UploadRefused",
    "default_out",
    "editor_routes",
    "install_gate",
    "link_free_name",
    "open_document",
    "serve_editor",
    "token_cookie",
    "upload_name",
]
