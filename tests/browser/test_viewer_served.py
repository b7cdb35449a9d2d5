"""The viewer served three ways: the Panel app (vtour serve), a plain http.server, the kiosk zip's launcher."""

from __future__ import annotations

import http.server
import importlib.util
import threading
import time
import zipfile
from functools import partial

import pytest
from helpers import PAGE_VIEWER, set_in_session, wait_for_js

pytestmark = [pytest.mark.browser, pytest.mark.viewport(640, 480)]


def test_panel_app_makes_no_external_request_and_syncs_the_view_to_python(viewer_site, page, page_log, screenshot):
    from vtour import serve as serve_mod

    viewers = []

    def app():
        page_ = serve_mod.tour_app()
        viewers.append(page_[0])
        return page_

    port = serve_mod.free_port()
    server = serve_mod.serve_tour(viewer_site, port=port, threaded=True, app=app)
    try:
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                page.goto(f"http://127.0.0.1:{port}/")
                break
            except Exception:
                time.sleep(0.3)
        # the page has no window.vtour: the viewer is found from its root element, in Panel's shadow DOM
        wait_for_js(page, f"() => {PAGE_VIEWER}.timing.sharp", timeout_s=40, what="the Panel app's viewer",
                    log=page_log)
        assert page.evaluate("() => Object.keys(window).filter(k => k.startsWith('vtour'))") == []  # no globals
        viewer = viewers[0]
        for _ in range(50):
            if viewer.ready and viewer.scene == "hall" and viewer.fov == 70:
                break
            time.sleep(0.1)
        assert (viewer.scene, viewer.yaw, viewer.pitch, viewer.fov, viewer.language) == ("hall", 0, 0, 70, "en")
        # browser -> Python: keys turn the view
        page.focus(".vtour-root") if page.locator(".vtour-root").count() else None
        page.evaluate(f"() => {PAGE_VIEWER}.setView({{yaw: 30}})")
        for _ in range(50):
            if viewer.yaw == 30:
                break
            time.sleep(0.1)
        assert viewer.yaw == 30
        # Python -> browser
        set_in_session(viewer, pitch=-20)
        wait_for_js(page, f"() => {PAGE_VIEWER}.state.pitch === -20", what="pitch from Python")
        events = []
        viewer.on_hotspot(events.append)
        page.evaluate(f"() => {{ const v = {PAGE_VIEWER}; v.activate(v.tour.scene('hall').hotspots[0]); }}")
        for _ in range(80):
            if viewer.scene == "crypt" and events:
                break
            time.sleep(0.1)
        assert events and events[0]["target"] == "crypt" and viewer.hotspot["id"] == "hall-0"
        assert viewer.scene == "crypt"
        screenshot(page, "panel-app")
        page_log.assert_local_only()
        assert not page_log.page_errors and not page_log.bad_responses
    finally:
        server.stop()


def test_static_site_runs_on_a_plain_http_server(viewer_site, page, page_log):
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(viewer_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
        wait_for_js(page, "() => window.vtour && window.vtour.timing.sharp", what="sharp", log=page_log)
        assert page.title() == "Test tour"
        page_log.assert_clean()
        page_log.assert_local_only()
    finally:
        server.shutdown()
        server.server_close()


def test_kiosk_zip_runs_from_its_launcher_and_returns_to_the_start_when_idle(viewer_site, tmp_path, page, page_log):
    """The kiosk starts in its attract loop; a touch leaves it; left alone (--idle-return 1.5: no countdown) it goes
    back to the attract loop, which shows the first scene again."""
    from vtour.package import package_tour

    out = package_tour(viewer_site, tmp_path / "kiosk.zip", kiosk=True, idle_return_s=1.5)
    site = tmp_path / "kiosk"
    with zipfile.ZipFile(out) as zf:
        zf.extractall(site)
    spec = importlib.util.spec_from_file_location("launch", site / "launch.py")
    launch = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(launch)
    server = launch.make_server(0, launch.Kiosk(launch.open_package(site), tmp_path / "state"))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html")
        wait_for_js(page, "() => window.vtour && window.vtour.timing.sharp", what="sharp", log=page_log)
        wait_for_js(page, "() => window.vtour.root.dataset.kiosk === 'attract'", what="the attract loop", log=page_log)
        page.mouse.click(400, 300)  # touch anywhere to start
        wait_for_js(page, "() => window.vtour.root.dataset.kiosk === 'active'", what="a visitor", log=page_log)
        page.evaluate("() => window.vtour.goTo('crypt')")
        wait_for_js(page, "() => window.vtour.sceneId === 'crypt'", what="crypt")
        wait_for_js(page, "() => window.vtour.root.dataset.kiosk === 'attract' && window.vtour.sceneId === 'hall'",
                    timeout_s=10, what="back to the attract loop's first scene after 1.5 s idle", log=page_log)
        page_log.assert_clean()
        page_log.assert_local_only()
    finally:
        server.shutdown()
        server.server_close()
