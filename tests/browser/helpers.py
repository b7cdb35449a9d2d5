"""The browser test harness's helpers: Chromium's flags, request logs, waits, local HTTP servers, images,
and vtour's own viewer on a page. The fixtures built on them are in conftest.py.

Nothing here downloads anything: Chromium is Debian's (``/usr/bin/chromium`` or ``$VTOUR_CHROMIUM``), the
JavaScript comes from ``node_modules/`` (``npm install`` at the repo root), and every server listens on
127.0.0.1 only.

``wait_for_js(page, "() => window.ready")`` polls a JavaScript predicate (pass ``log=page_log`` to get the
page's errors in the timeout message); :class:`PageLog` records what a page asked for and complained about;
``start_server(mounts) -> (server, url)`` serves folders (call ``server.shutdown()``; the ``serve`` fixture
does it for a test); ``png_to_rgb(png_bytes)`` decodes a screenshot; ``region_mean(rgb, 0.5, 0.5)``
averages a patch; ``open_tour`` opens vtour's static page and waits for its view; ``PAGE_VIEWER`` finds the
viewer of a page that has no ``window.vtour`` (the Panel app's); ``axe_violations(page)`` runs axe-core
(``node_modules/axe-core``) on the page as it is and lists what it reports.
"""

from __future__ import annotations

import http.server
import mimetypes
import os
import posixpath
import re
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import cv2
import numpy as np
from data_paths import ROOT, missing

ARTIFACTS = ROOT / "tests" / "artifacts"
NODE_MODULES = ROOT / "node_modules"
#: axe-core's browser build (package.json's devDependencies): a plain script that defines ``window.axe``.
AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"
CHROMIUM = Path(os.environ.get("VTOUR_CHROMIUM", "/usr/bin/chromium"))

#: Flags for a quiet, offline, deterministic headless Chromium with WebGL through SwiftShader.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--disable-quic",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
]
DEFAULT_VIEWPORT = (800, 600)

#: Content types the test servers send (the system mime.types may lack some or map .js oddly).
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".glb": "model/gltf-binary",
    ".gltf": "model/gltf+json",
    ".bin": "application/octet-stream",
    ".wasm": "application/wasm",
    ".ktx2": "image/ktx2",
    ".txt": "text/plain; charset=utf-8",
}


# ---------------------------------------------------------------------------------------------------
# Pages: what they asked for, waits


def is_local_url(url: str) -> bool:
    """True for URLs that cannot reach the network: 127.0.0.1/localhost, data:, blob:, about:."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme in ("data", "blob", "about", "chrome-error"):
        return True
    return parsed.scheme in ("http", "https", "ws", "wss") and parsed.hostname in ("127.0.0.1", "localhost")


@dataclass
class PageLog:
    """Everything a page asked for and complained about, in order.

    ``requests``: ``(method, url, resource_type)``; ``responses``: ``(status, url)``;
    ``failed``: ``(url, error text)``; ``console``: ``(type, text, location url)``; ``page_errors``:
    uncaught exception messages.
    """

    requests: list[tuple[str, str, str]] = field(default_factory=list)
    responses: list[tuple[int, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    console: list[tuple[str, str, str]] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def attach(self, page) -> PageLog:
        page.on("request", lambda r: self.requests.append((r.method, r.url, r.resource_type)))
        page.on("response", lambda r: self.responses.append((r.status, r.url)))
        page.on("requestfailed", lambda r: self.failed.append((r.url, r.failure or "")))
        page.on("console", lambda m: self.console.append((m.type, m.text, (m.location or {}).get("url", ""))))
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        return self

    # -- queries ------------------------------------------------------------------------------------
    def urls(self, pattern: str | None = None) -> list[str]:
        """Requested URLs, optionally only those matching the regular expression ``pattern``."""
        urls = [url for _, url, _ in self.requests]
        return urls if pattern is None else [u for u in urls if re.search(pattern, u)]

    def paths(self, prefix: str = "") -> list[str]:
        """URL paths (no host, no query) of requests whose path starts with ``prefix``."""
        out = []
        for url in self.urls():
            path = urllib.parse.urlsplit(url).path
            if path.startswith(prefix):
                out.append(path)
        return out

    def status_of(self, url: str) -> int | None:
        """The last status seen for ``url`` (None if no response came)."""
        for status, u in reversed(self.responses):
            if u == url:
                return status
        return None

    @property
    def console_errors(self) -> list[str]:
        return [text for kind, text, _ in self.console if kind == "error"]

    @property
    def bad_responses(self) -> list[tuple[int, str]]:
        return [(s, u) for s, u in self.responses if s >= 400]

    def clear(self) -> None:
        for part in (self.requests, self.responses, self.failed, self.console, self.page_errors):
            part.clear()

    # -- assertions ---------------------------------------------------------------------------------
    def assert_clean(self, allow_console: Callable[[str], bool] | None = None) -> None:
        """No failed request, no response >= 400, no console error, no uncaught page error.

        ``allow_console(text) -> bool`` may excuse specific console errors (name them in the test).
        """
        problems = []
        # net::ERR_ABORTED on a URL that was also answered 2xx is not a failure: Chromium reports it
        # for a fetch whose body was read to the end through a stream, and for a preload that the
        # page's own request replaced. An aborted URL never answered 2xx is a failure.
        answered = {u for s, u in self.responses if 200 <= s < 300}
        problems += [
            f"request failed: {u} ({why})" for u, why in self.failed if not ("ERR_ABORTED" in why and u in answered)
        ]
        problems += [f"HTTP {s}: {u}" for s, u in self.bad_responses]
        problems += [f"console error: {t}" for t in self.console_errors if not (allow_console and allow_console(t))]
        problems += [f"page error: {e}" for e in self.page_errors]
        assert not problems, "page was not clean:\n  " + "\n  ".join(problems)

    def assert_local_only(self) -> None:
        """No request went anywhere but 127.0.0.1 (or data:/blob:/about:)."""
        remote = [url for url in self.urls() if not is_local_url(url)]
        assert not remote, "requests left 127.0.0.1:\n  " + "\n  ".join(remote)


def wait_for_js(
    page, predicate: str, arg: Any = None, timeout_s: float = 15.0, what: str = "", log: PageLog | None = None
) -> Any:
    """Poll the JavaScript function source ``predicate`` (e.g. ``"() => window.ready"``) until truthy.

    Returns its value. On timeout fails naming ``what`` and, given the page's ``log``, its console
    errors, page errors and bad responses. A predicate that throws (``window.viewer`` not made yet)
    counts as false and is polled again: Playwright would otherwise end the wait at once.
    """
    guarded = f"(arg) => {{ try {{ return ({predicate})(arg); }} catch (e) {{ return false; }} }}"
    try:
        handle = page.wait_for_function(guarded, arg=arg, timeout=timeout_s * 1000, polling=50)
    except Exception as exc:  # playwright's TimeoutError; keep the message useful
        detail = ""
        if log is not None:
            detail = "".join(f"\n  console {k}: {t}" for k, t, _ in log.console if k in ("error", "warning"))
            detail += "".join(f"\n  page error: {e}" for e in log.page_errors)
            detail += "".join(f"\n  HTTP {s}: {u}" for s, u in log.bad_responses)
            detail += "".join(f"\n  failed: {u} ({w})" for u, w in log.failed)
        raise AssertionError(
            f"timed out after {timeout_s:.0f} s waiting for {what or predicate}: {str(exc).splitlines()[0]}{detail}"
        ) from None
    return handle.json_value()


# ---------------------------------------------------------------------------------------------------
# Local HTTP servers


class _MountedHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files from several folders by URL prefix; quiet; no directory listings."""

    mounts: ClassVar[list[tuple[str, Path]]] = []  # longest prefix first; set per server class

    def translate_path(self, path: str) -> str:
        # normpath of an absolute path cannot climb above "/", so no URL escapes its folder.
        path = posixpath.normpath("/" + urllib.parse.unquote(urllib.parse.urlsplit(path).path).lstrip("/"))
        for prefix, folder in self.mounts:
            if prefix == "/" or path == prefix or path.startswith(prefix + "/"):
                rest = path[len(prefix) :].strip("/") if prefix != "/" else path.strip("/")
                return str(folder / rest) if rest else str(folder)
        return ""  # under no mount: 404

    def send_head(self):
        # Browsers ask for /favicon.ico on their own; answer 204 instead of a 404 console error.
        is_favicon = urllib.parse.urlsplit(self.path).path == "/favicon.ico"
        if is_favicon and not Path(self.translate_path(self.path)).is_file():
            self.send_response(204)
            self.end_headers()
            return None
        return super().send_head()

    def guess_type(self, path) -> str:
        return (
            CONTENT_TYPES.get(Path(str(path)).suffix.lower())
            or mimetypes.guess_type(str(path))[0]
            or "application/octet-stream"
        )

    def list_directory(self, path):
        self.send_error(404, "No directory listings")
        return None

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format, *args):  # quiet
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):  # a browser closing a socket early is not an error
        pass


def start_server(mounts: Mapping[str, os.PathLike] | os.PathLike) -> tuple[_Server, str]:
    """Start a server (see the ``serve`` fixture); return it and its base URL. Call ``shutdown()`` after."""
    if not isinstance(mounts, Mapping):
        mounts = {"/": mounts}
    table = []
    for prefix, folder in mounts.items():
        folder = Path(folder).resolve()
        if not folder.is_dir():
            raise FileNotFoundError(f"serve: {folder} is not a folder")
        table.append(("/" + prefix.strip("/"), folder))
    table.sort(key=lambda item: len(item[0]), reverse=True)
    handler = type("Handler", (_MountedHandler,), {"mounts": table})
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name=f"http-{server.server_port}", daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_port}/"


# ---------------------------------------------------------------------------------------------------
# Images


def png_to_rgb(png: bytes) -> np.ndarray:
    """Decode PNG bytes (a Playwright screenshot) to an (H, W, 3) uint8 RGB array."""
    bgr = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    if bgr is None:
        raise ValueError("png_to_rgb: not a decodable image")
    return bgr[:, :, ::-1].copy()


def region_mean(rgb: np.ndarray, cx: float, cy: float, half: int = 6) -> np.ndarray:
    """Mean RGB (float, (3,)) of a (2*half+1)^2 patch centred at fractions ``cx``, ``cy`` of the image."""
    h, w = rgb.shape[:2]
    x, y = round(cx * (w - 1)), round(cy * (h - 1))
    patch = rgb[max(0, y - half) : y + half + 1, max(0, x - half) : x + half + 1]
    return patch.reshape(-1, 3).astype(np.float64).mean(axis=0)


# ---------------------------------------------------------------------------------------------------
# vtour's viewer on a page

#: JavaScript expression: the vtour viewer of the page, or null. Viewer.js keeps it on its root element
#: (``.vtour-root``) as ``vtourViewer`` until dispose(); the Panel app renders that root inside nested
#: (open) shadow roots, which ``querySelector`` does not enter, so they are searched one by one.
PAGE_VIEWER = """(() => {
  const find = (root) => {
    const el = root.querySelector(".vtour-root");
    if (el) return el.vtourViewer || null;
    for (const host of root.querySelectorAll("*")) {
      const found = host.shadowRoot && find(host.shadowRoot);
      if (found) return found;
    }
    return null;
  };
  return find(document);
})()"""


def frames(page, n: int = 2) -> None:
    """Wait for ``n`` animation frames: what was drawn last is then on screen."""
    next_frames = "(n) => new Promise(r => { const f = (k) => k ? requestAnimationFrame(() => f(k - 1)) : r(); f(n); })"
    page.evaluate(next_frames, n)


def open_tour(page, log: PageLog, base: str, hash_: str = "", sharp: bool = True, timeout_s: float = 30.0) -> None:
    """Open the static site's ``index.html`` at ``base`` (plus ``hash_``) and wait for its sharp first view
    (``sharp=False``: its first view, the preview). ``window.alert`` is recorded in ``window.alerts``, so a
    test can assert that no tour text ran as HTML."""
    page.add_init_script("window.alerts = []; window.alert = (m) => window.alerts.push(String(m));")
    page.goto(f"{base}index.html{hash_}")
    key = "sharp" if sharp else "firstView"
    wait_for_js(
        page,
        f"() => window.vtour && window.vtour.timing && window.vtour.timing.{key}",
        what=f"the viewer's {key} view",
        timeout_s=timeout_s,
        log=log,
    )
    frames(page)


# ---------------------------------------------------------------------------------------------------
# Accessibility

#: Runs axe-core on the whole document (open shadow roots included: the Panel app's) with its default
#: rules, and returns one line per violation and element.
_AXE_RUN = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.flatMap((v) => v.nodes.map((n) =>
    `${v.id} (${v.impact}): ${n.target.join(" > ")}: ${n.failureSummary.replace(/\\s+/g, " ")}`
    + ` [${n.html.slice(0, 160)}]`));
}"""


def axe_violations(page) -> list[str]:
    """axe-core's violations on ``page`` as it is now (injected on first use), one line each: rule, impact,
    element, what to fix. Skips (fails under CI) when ``npm install`` did not install axe-core."""
    if not AXE_SCRIPT.is_file():
        missing(f"{AXE_SCRIPT} not found (run `npm install` at the repository root)")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    return page.evaluate(_AXE_RUN)


def box_obj(path: Path, size: tuple[float, float, float]) -> Path:
    """An OBJ of an axis-aligned box from the origin to ``size``: 8 vertices, 12 outward triangles
    (vertex i = x + 2y + 4z in bits); returns ``path``."""
    xs, ys, zs = ((0.0, s) for s in size)
    vertices = [(x, y, z) for z in zs for y in ys for x in xs]
    quads = [(0, 2, 3, 1), (4, 5, 7, 6), (0, 1, 5, 4), (2, 6, 7, 3), (0, 4, 6, 2), (1, 3, 7, 5)]
    lines = [f"v {x} {y} {z}" for x, y, z in vertices]
    lines += [f"f {a + 1} {b + 1} {c + 1}\nf {a + 1} {c + 1} {d + 1}" for a, b, c, d in quads]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


def open_panel_app(page, log: PageLog, url: str, timeout_s: float = 40.0) -> None:
    """Open a ``vtour serve`` page at ``url`` (asked again for up to 20 s while the server thread starts)
    and wait for its viewer's sharp first view."""
    deadline = time.monotonic() + 20
    while True:
        try:
            page.goto(url)
            break
        except Exception:
            assert time.monotonic() < deadline, "the Panel app did not start"
            time.sleep(0.3)
    wait_for_js(page, f"() => {PAGE_VIEWER} && {PAGE_VIEWER}.timing.sharp", timeout_s=timeout_s,
                what="the Panel app's viewer", log=log)


def set_in_session(obj, timeout_s: float = 15.0, **values: Any) -> None:
    """Sets ``obj``'s parameters to ``values`` as a callback of its Panel session would: on the next tick of the
    session's Bokeh document (the server's thread, the document locked, Bokeh's curdoc set), waiting until done and
    raising here what the setting raised. ``obj`` is a Panel component or a ``pn.viewable.Viewer`` shown in one
    session.

    A parameter set from the test's own thread races the server's thread over Bokeh's global curdoc: Panel reads
    it twice while updating a widget (``panel.theme.base._get_modifiers``), seen set and then None, an
    AttributeError one run in a few hundred. A Python user of a served app is in a session callback, as here."""
    holder = getattr(obj, "__panel__", lambda: obj)()
    docs = {id(m.document): m.document for m, _ in getattr(holder, "_models", {}).values() if m.document is not None}
    if len(docs) != 1:
        raise AssertionError(f"set_in_session: {holder!r} is shown in {len(docs)} documents, not one")
    (doc,) = docs.values()
    done = threading.Event()
    failed: list[BaseException] = []

    def apply() -> None:
        try:
            obj.param.update(**values)
        except BaseException as exc:  # raised again in the test's thread
            failed.append(exc)
        finally:
            done.set()

    doc.add_next_tick_callback(apply)
    if not done.wait(timeout_s):
        raise AssertionError(f"set_in_session: the session did not run the update of {sorted(values)} in {timeout_s} s")
    if failed:
        raise failed[0]
