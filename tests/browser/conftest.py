"""The browser tests' fixtures: headless Chromium through Playwright, pages with their request logs, local
HTTP servers, npm packages, screenshots and vtour's synthetic test site. The helpers they are built on,
which test modules import too, are in helpers.py.

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
``viewer_site`` (session)
    The synthetic two-scene tour of viewer_tour.py with its static site (``index.html`` + ``viewer/``),
    built once per session.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from data_paths import missing  # one rule for the whole suite: under CI everything must be there
from helpers import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    DEFAULT_VIEWPORT,
    NODE_MODULES,
    PageLog,
    png_to_rgb,
    start_server,
)
from viewer_tour import synthetic_tour
from xr_helpers import xr_emulator  # noqa: F401  (the WebXR emulator, a module fixture of test_xr and test_kiosk_page)

from vtour.site import write_site

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
        missing(
            "the playwright Python package is not installed (pip install -e '.[dev]'; "
            "never run `playwright install`, Debian's Chromium is used)"
        )
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_sync, chromium_path):
    """Headless Chromium, launched once per session from ``chromium_path`` with :data:`CHROMIUM_ARGS`."""
    browser = playwright_sync.chromium.launch(executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


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
    context = browser.new_context(
        viewport={"width": width, "height": height}, device_scale_factor=1, service_workers="block"
    )
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


@pytest.fixture(scope="session")
def viewer_site(tmp_path_factory) -> Path:
    """The synthetic tour (viewer_tour.py) with its static site written; built once per session."""
    tour = synthetic_tour(tmp_path_factory.mktemp("viewer"))
    write_site(tour)
    return tour
