"""The viewer on a phone and a poor network.

Touch goes through Chromium's real input path (CDP Input.dispatchTouchEvent -> touch and pointer
events), not synthetic events: one finger turns the view, two fingers pinch the field of view.
Tile failures are injected with Playwright's request routing: the loader must retry them, and keep
asking, with growing delays, for a tile that is missing or whose server is down until it comes (D15).
"""

import re
import time

import numpy as np
import pytest

from vtour.pano.codec import DEFAULT_TILE_FORMAT, TILE_FORMATS
from helpers import open_tour, wait_for_js

pytestmark = [pytest.mark.browser, pytest.mark.viewport(640, 480)]


def touch(cdp, kind: str, points: list[tuple[float, float]]) -> None:
    cdp.send("Input.dispatchTouchEvent", {
        "type": kind, "touchPoints": [{"x": x, "y": y, "id": i} for i, (x, y) in enumerate(points)]})


def gesture(cdp, start: list[tuple[float, float]], end: list[tuple[float, float]], steps: int = 8) -> None:
    touch(cdp, "touchStart", start)
    for k in range(1, steps + 1):
        t = k / steps
        touch(cdp, "touchMove", [(sx + (ex - sx) * t, sy + (ey - sy) * t) for (sx, sy), (ex, ey) in zip(start, end)])
    touch(cdp, "touchEnd", [])


def view(page) -> dict:
    return page.evaluate("() => window.vtour.state")


def test_one_finger_turns_and_two_fingers_pinch(viewer_site, serve, page, page_log):
    open_tour(page, page_log, serve(viewer_site))
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5})
    before = view(page)

    # fingers apart: zoom in (smaller fov); together again: zoom out (first, at the initial view,
    # where no hotspot lies under a finger: a finger on a hotspot presses the hotspot)
    gesture(cdp, [(270, 240), (370, 240)], [(170, 240), (470, 240)])
    zoomed = view(page)
    assert zoomed["fov"] < before["fov"] * 0.8, (before, zoomed)
    assert zoomed["yaw"] == pytest.approx(before["yaw"], abs=1)
    gesture(cdp, [(170, 240), (470, 240)], [(270, 240), (370, 240)])
    unzoomed = view(page)
    assert unzoomed["fov"] > zoomed["fov"] * 1.2, (zoomed, unzoomed)

    # drag left to right: the panorama follows the finger, so the view turns left (yaw decreases)
    gesture(cdp, [(200, 300)], [(400, 300)])
    after_drag = view(page)
    assert after_drag["yaw"] < unzoomed["yaw"] - 5, (unzoomed, after_drag)
    assert abs(after_drag["pitch"] - unzoomed["pitch"]) < 1
    assert after_drag["fov"] == pytest.approx(unzoomed["fov"])
    page_log.assert_clean()


def test_a_tile_that_fails_once_is_retried_and_the_view_gets_sharp(viewer_site, serve, page, page_log):
    """A flaky network: the first request of every level-2 tile answers 503; the loader retries."""
    failed: set[str] = set()

    def flaky(route):
        url = route.request.url
        if url not in failed:
            failed.add(url)
            route.fulfill(status=503, body="busy")
        else:
            route.continue_()

    page.route(f"**/2/*/*/*{TILE_EXT}", flaky)
    open_tour(page, page_log, serve(viewer_site))  # waits for the sharp view
    stats = page.evaluate("() => window.vtour.stats()")
    assert stats["level"] == 2 and failed, stats
    retried = [u for u in failed if sum(url == u for _, url, _ in page_log.requests) >= 2]
    assert sorted(retried) == sorted(failed)
    assert {s for s, _ in page_log.bad_responses} == {503}


#: The tiles' file extension: build_pano's default format (AVIF).
TILE_EXT = TILE_FORMATS[DEFAULT_TILE_FORMAT]
#: The tile the outage tests break: level 2 (the level of the first view), front face, top left.
TILE_KEY = "2/f/0/0"
TILE_URL = re.compile(rf"/scenes/hall/{TILE_KEY}\{TILE_EXT}$")


def tile_requests(page_log) -> int:
    return len(page_log.urls(TILE_URL.pattern))


def wait_for_requests(page, page_log, count: int, timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    while tile_requests(page_log) < count:
        assert time.monotonic() < deadline, f"{TILE_KEY} asked for {tile_requests(page_log)} times, not {count}"
        page.wait_for_timeout(50)


def mark_scene(page) -> None:
    """Tags the shown panorama object: a test can then tell that the scene was not reopened."""
    page.evaluate("() => { window.vtour.pano.testMark = 'first'; }")


def assert_same_scene_sharp(page) -> None:
    state = page.evaluate("() => ({scene: window.vtour.sceneId, mark: window.vtour.pano.testMark,"
                          " stats: window.vtour.stats()})")
    assert state["scene"] == "hall" and state["mark"] == "first", "the scene was reopened"
    assert TILE_KEY in state["stats"]["requested"] and state["stats"]["sharpNow"], state["stats"]


def test_a_tile_missing_until_it_is_uploaded_is_asked_for_again_and_shown_without_reopening_the_scene(
        viewer_site, serve, page, page_log):
    """A 404 fixed later: the tile is asked for again with growing delays, and drawn once it is there."""
    state = {"missing": True, "times": []}

    def tile(route):
        state["times"].append(time.monotonic())
        if state["missing"]:
            route.fulfill(status=404, body="not yet")
        else:
            route.continue_()

    page.route(TILE_URL, tile)
    open_tour(page, page_log, serve(viewer_site), sharp=False)
    mark_scene(page)
    wait_for_requests(page, page_log, 4)
    assert not page.evaluate("() => window.vtour.stats().sharpNow")
    state["missing"] = False  # the file is uploaded
    wait_for_js(page, "() => window.vtour.stats().sharpNow", timeout_s=20, what=f"{TILE_KEY} asked for again",
                log=page_log)
    assert_same_scene_sharp(page)
    gaps = np.diff(state["times"])
    # 300 ms, then twice as long each time; jitter only shortens a wait (by up to 20 %) and a loaded
    # machine only lengthens it: lower bounds alone, so that a busy CI machine cannot fail it
    floors = 0.8 * 0.3 * 2.0 ** np.arange(len(gaps)) - 0.02
    assert len(gaps) >= 4 and all(gaps > floors), (gaps.round(2), floors.round(2))
    assert {(s, TILE_URL.search(u) is not None) for s, u in page_log.bad_responses} == {(404, True)}
    warnings = [text for kind, text, _ in page_log.console
                if kind == "warning" and text.startswith("ImageLoader:")]
    assert len(warnings) == 1, f"one warning per missing tile, not one per request: {warnings}"
    assert warnings[0].startswith("ImageLoader: HTTP 404 for ") and warnings[0].endswith(f"/{TILE_KEY}{TILE_EXT}")


def test_after_an_outage_the_tiles_are_asked_for_as_soon_as_the_browser_is_back_online(
        viewer_site, serve, page, page_log):
    """After five failures the next retry is 9.6 s (at least 7.7 s) away; the `online` event asks at once."""
    state = {"down": True}

    def tile(route):
        if state["down"]:
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route(TILE_URL, tile)
    open_tour(page, page_log, serve(viewer_site), sharp=False)
    mark_scene(page)
    wait_for_requests(page, page_log, 6, timeout_s=30)  # 0.3 + 0.6 + 1.2 + 2.4 + 4.8 s of waits
    asked = tile_requests(page_log)
    page.context.set_offline(True)
    assert page.evaluate("() => navigator.onLine") is False
    state["down"] = False
    page.context.set_offline(False)  # the `online` event
    wait_for_js(page, "() => window.vtour.stats().sharpNow", timeout_s=5, what="the tile when back online",
                log=page_log)
    assert_same_scene_sharp(page)
    assert tile_requests(page_log) == asked + 1
