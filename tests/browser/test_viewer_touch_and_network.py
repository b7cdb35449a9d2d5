"""The viewer on a phone and a poor network.

Touch goes through Chromium's real input path (CDP Input.dispatchTouchEvent -> touch and pointer
events), not synthetic events: one finger turns the view, two fingers pinch the field of view.
Tile failures are injected with Playwright's request routing: the loader must retry them.
"""

import pytest
from helpers import open_tour

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

    page.route("**/2/*/*/*.jpg", flaky)
    open_tour(page, page_log, serve(viewer_site))  # waits for the sharp view
    stats = page.evaluate("() => window.vtour.stats()")
    assert stats["level"] == 2 and failed, stats
    retried = [u for u in failed if sum(url == u for _, url, _ in page_log.requests) >= 2]
    assert sorted(retried) == sorted(failed)
    assert {s for s, _ in page_log.bad_responses} == {503}
