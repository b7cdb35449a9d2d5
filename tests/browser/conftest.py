"""The browser test harness: headless Chromium through Playwright, local HTTP servers, request logs.

Every test under ``tests/browser/`` (peer viewers, the 3D model viewer, vtour's own viewer) uses these
fixtures. Nothing here downloads anything: Chromium is Debian's (``/usr/bin/chromium`` or
``$VTOUR_CHROMIUM``), the JavaScript comes from ``node_modules/`` (``npm install`` at the repo root),
and every server listens on 127.0.0.1 only.

Missing pieces (Chromium, the ``playwright`` package, an npm package) skip the test with a reason on a
user's machine and fail it under ``CI=true``.

Fixtures
--------
``browser`` (session)
    A Playwright ``Browser``: headless Chromium with SwiftShader WebGL and no background networking.
    Playwright gives every launch a fresh temporary user-data dir.
``page_log`` / ``page`` (function)
    ``page`` is a fresh ``Page`` in its own ``BrowserContext`` (800 x 600 CSS px, device scale 1).
    ``page_log`` is the :class:`PageLog` attached to it before anything loads: every request,
    response status, failed request, console message and uncaught page error. Typical end of a test::

        page_log.assert_clean()        # no failed request, no HTTP >= 400, no console error, no page error
        page_log.assert_local_only()   # no request left 127.0.0.1

    To change the viewport, mark the test ``@pytest.mark.viewport(1280, 720)``. When a test using
    ``page`` fails, the page as it was is saved to ``tests/artifacts/<test name>-FAILED.png``.
``serve`` (function)
    ``serve(folder)`` or ``serve({"/": site, "/node_modules/": ROOT / "node_modules"})`` starts a
    threaded HTTP server on 127.0.0.1 on a free port and returns its base URL (``http://127.0.0.1:PORT/``,
    with the trailing slash). The longest matching URL prefix picks the folder; content types are right
    for .js/.mjs, .json, .jpg, .png, .glb, .gltf, .wasm, .css, .html; no directory listings; a missing
    ``/favicon.ico`` answers 204 (not a 404 console error). Servers stop at the end of the test.
``node_package`` (session)
    ``node_package("marzipano")`` -> ``ROOT/node_modules/marzipano`` or skip (fail under CI).
``node_modules`` (session)
    ``ROOT/node_modules`` (or skip/fail when ``npm install`` was never run).
``screenshot`` (function)
    ``screenshot(page, "front")`` saves ``tests/artifacts/<test name>-front.png`` (git-ignored) for a
    human to look at, and returns its path. ``screenshot(page, "x", as_array=True)`` also returns the
    image as an (H, W, 3) uint8 RGB array: ``path, rgb = screenshot(...)``.
``artifact_dir`` (function)
    ``tests/artifacts/`` (created), for anything else a test wants to keep.
``browser_helpers`` (session)
    The module-level helpers below as one namespace (conftest modules cannot be imported reliably
    from test modules): ``browser_helpers.wait_for_js(page, "() => window.ready")`` polls a JavaScript
    predicate (pass ``log=page_log`` to get the page's errors in the timeout message);
    ``.png_to_rgb(png_bytes)`` decodes a screenshot; ``.region_mean(rgb, 0.5, 0.5)`` averages a patch;
    ``.is_local_url(url)``; ``.start_server(mounts) -> (server, url)`` for a server outliving a test
    (call ``server.shutdown()``); ``.PageLog``; ``.viewport`` is the default page size ``(800, 600)``.
"""

from __future__ import annotations

import http.server
import mimetypes
import os
import posixpath
import re
import threading
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np
import pytest

from data_paths import IN_CI, ROOT  # one rule for the whole suite: under CI everything must be there

ARTIFACTS = ROOT / "tests" / "artifacts"
NODE_MODULES = ROOT / "node_modules"
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


def missing(message: str) -> None:
    """Skip with ``message``, or fail under ``CI=true`` where everything must be installed."""
    if IN_CI:
        pytest.fail(message + "; CI must have it", pytrace=False)
    pytest.skip(message)


# ---------------------------------------------------------------------------------------------------
# Chromium through Playwright


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's Chromium binary (``$VTOUR_CHROMIUM`` overrides), or skip/fail naming how to get it."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        missing(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium, or set VTOUR_CHROMIUM)")
    return CHROMIUM


@pytest.fixture(scope="session")
def playwright_sync():
    """The started sync Playwright driver (session), or skip/fail when the package is missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the playwright Python package is not installed (pip install -e '.[dev]'; "
                "never run `playwright install`, Debian's Chromium is used)")
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_sync, chromium_path):
    """Headless Chromium, launched once per session from ``chromium_path`` with :data:`CHROMIUM_ARGS`."""
    browser = playwright_sync.chromium.launch(
        executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


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

    def attach(self, page) -> "PageLog":
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
        problems += [f"request failed: {u} ({why})" for u, why in self.failed
                     if not ("ERR_ABORTED" in why and u in answered)]
        problems += [f"HTTP {s}: {u}" for s, u in self.bad_responses]
        problems += [f"console error: {t}" for t in self.console_errors
                     if not (allow_console and allow_console(t))]
        problems += [f"page error: {e}" for e in self.page_errors]
        assert not problems, "page was not clean:\n  " + "\n  ".join(problems)

    def assert_local_only(self) -> None:
        """No request went anywhere but 127.0.0.1 (or data:/blob:/about:)."""
        remote = [url for url in self.urls() if not is_local_url(url)]
        assert not remote, "requests left 127.0.0.1:\n  " + "\n  ".join(remote)


def _viewport_of(request) -> tuple[int, int]:
    marker = request.node.get_closest_marker("viewport")
    return tuple(marker.args) if marker else DEFAULT_VIEWPORT


def pytest_configure(config):
    config.addinivalue_line("markers", "viewport(width, height): the browser page's size in CSS px")


@pytest.fixture
def page_log() -> PageLog:
    """The :class:`PageLog` of this test's ``page`` (attached before the first navigation)."""
    return PageLog()


@pytest.fixture
def page(browser, page_log, request):
    """A fresh page in its own context (no cache, no storage shared with other tests)."""
    width, height = _viewport_of(request)
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1,
                                  service_workers="block")
    page = context.new_page()
    page_log.attach(page)
    page.set_default_timeout(15_000)
    try:
        yield page
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            try:
                page.screenshot(path=str(ARTIFACTS / f"{_test_slug(request)}-FAILED.png"))
            except Exception:  # a crashed page has nothing to show; the failure itself is reported
                pass
    finally:
        context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item (``item.rep_call``) so fixtures can see a failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def wait_for_js(page, predicate: str, arg: Any = None, timeout_s: float = 15.0, what: str = "",
                log: PageLog | None = None) -> Any:
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
        raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what or predicate}: "
                             f"{str(exc).splitlines()[0]}{detail}") from None
    return handle.json_value()


# ---------------------------------------------------------------------------------------------------
# Local HTTP servers


class _MountedHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files from several folders by URL prefix; quiet; no directory listings."""

    mounts: list[tuple[str, Path]] = []  # longest prefix first; set per server class

    def translate_path(self, path: str) -> str:
        # normpath of an absolute path cannot climb above "/", so no URL escapes its folder.
        path = posixpath.normpath("/" + urllib.parse.unquote(urllib.parse.urlsplit(path).path).lstrip("/"))
        for prefix, folder in self.mounts:
            if prefix == "/" or path == prefix or path.startswith(prefix + "/"):
                rest = path[len(prefix):].strip("/") if prefix != "/" else path.strip("/")
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
        return CONTENT_TYPES.get(Path(str(path)).suffix.lower()) or mimetypes.guess_type(str(path))[0] \
            or "application/octet-stream"

    def list_directory(self, path):
        self.send_error(404, "No directory listings")
        return None

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002 - quiet
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


@pytest.fixture
def serve():
    """``serve(folder_or_mounts) -> "http://127.0.0.1:PORT/"``; servers stop when the test ends."""
    servers = []

    def _serve(mounts):
        server, url = start_server(mounts)
        servers.append(server)
        return url

    yield _serve
    for server in servers:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------------------------------------------
# npm packages


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """``ROOT/node_modules``; skip (fail under CI) when ``npm install`` has not been run."""
    if not NODE_MODULES.is_dir():
        missing(f"{NODE_MODULES} not found (run `npm install` at the repository root)")
    return NODE_MODULES


@pytest.fixture(scope="session")
def node_package(node_modules):
    """``node_package("marzipano") -> Path``; skip (fail under CI) naming the missing package."""

    def _package(name: str) -> Path:
        path = node_modules / name
        if not (path / "package.json").is_file():
            missing(f"npm package {name!r} not found in {node_modules} (run `npm install` at the repository root)")
        return path

    return _package


# ---------------------------------------------------------------------------------------------------
# Screenshots and images


def _test_slug(request) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name).strip("_")


@pytest.fixture
def artifact_dir() -> Path:
    """``tests/artifacts/`` (git-ignored), created."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def png_to_rgb(png: bytes) -> np.ndarray:
    """Decode PNG bytes (a Playwright screenshot) to an (H, W, 3) uint8 RGB array."""
    import cv2

    bgr = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    if bgr is None:
        raise ValueError("png_to_rgb: not a decodable image")
    return bgr[:, :, ::-1].copy()


@pytest.fixture
def screenshot(artifact_dir, request):
    """``screenshot(page, name, as_array=False, **playwright_kwargs)`` -> path (or ``(path, rgb)``).

    Saves ``tests/artifacts/<test name>-<name>.png``.
    """
    slug = _test_slug(request)

    def _shot(page, name: str, as_array: bool = False, **kwargs):
        path = artifact_dir / f"{slug}-{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
        png = page.screenshot(**kwargs)
        path.write_bytes(png)
        return (path, png_to_rgb(png)) if as_array else path

    return _shot


def region_mean(rgb: np.ndarray, cx: float, cy: float, half: int = 6) -> np.ndarray:
    """Mean RGB (float, (3,)) of a (2*half+1)^2 patch centred at fractions ``cx``, ``cy`` of the image."""
    h, w = rgb.shape[:2]
    x, y = int(round(cx * (w - 1))), int(round(cy * (h - 1)))
    patch = rgb[max(0, y - half): y + half + 1, max(0, x - half): x + half + 1]
    return patch.reshape(-1, 3).astype(np.float64).mean(axis=0)


@pytest.fixture(scope="session")
def browser_helpers():
    """This module's helpers as a namespace (see the module docstring)."""
    import types

    return types.SimpleNamespace(wait_for_js=wait_for_js, png_to_rgb=png_to_rgb, region_mean=region_mean,
                                 is_local_url=is_local_url, start_server=start_server,
                                 viewport=DEFAULT_VIEWPORT, PageLog=PageLog)
