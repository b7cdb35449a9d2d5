"""The deep-zoom images' side panel in the Panel app (vtour serve), in English and in Chinese: an image's button
opens the image in the viewer's dialog, an annotation's button fits that region in view, the visitor's zoom
reaches Python's ``region``, a region set from Python is shown, tour texts stay text, and axe-core finds nothing.

The tour is deepzoom_tour.py's (models and a 3000 x 2000 image ``mural`` with two annotations), so the side column
holds the inspector and the images in tabs. Screenshots (``tests/artifacts/test_*-<name>-<lang>.png``): the panel
with the image open at an annotation, after zooming in.
"""

from __future__ import annotations

import json
import time

import pytest
from deepzoom_tour import ANNOTATIONS, RECTS, deepzoom_tour
from helpers import PAGE_VIEWER, axe_violations, frames, open_panel_app, set_in_session, wait_for_js

pytestmark = [pytest.mark.browser, pytest.mark.viewport(1280, 800)]

IMAGE_VIEW = f"{PAGE_VIEWER}.imageView"
#: The part of the image in view in the browser, [x, y, w, h] image px (unrounded), or null.
BOUNDS = (
    f"() => {{ const o = {IMAGE_VIEW}.osd, item = o && o.world.getItemAt(0); if (!item) return null;"
    " const r = item.viewportToImageRectangle(o.viewport.getBounds(true)); return [r.x, r.y, r.width, r.height]; }"
)
#: A text with markup, put into the inscription's English text: the panel must show it as it is.
MARKUP = "A green <b>cartouche</b> & the dedication."


def until(predicate, what: str, timeout_s: float = 20.0) -> None:
    """Wait for a Python-side condition (a parameter the browser sets)."""
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def contains(outer, inner, tol: float = 1.0) -> bool:
    """Rectangle ``outer`` [x, y, w, h] holds ``inner`` (within ``tol`` px)."""
    return (
        outer[0] <= inner[0] + tol
        and outer[1] <= inner[1] + tol
        and outer[0] + outer[2] >= inner[0] + inner[2] - tol
        and outer[1] + outer[3] >= inner[1] + inner[3] - tol
    )


@pytest.fixture(scope="module")
def image_tour(tmp_path_factory):
    tour = deepzoom_tour(tmp_path_factory.mktemp("images-served"))
    page = tour / "iiif" / "images" / "mural-annotations.json"
    doc = json.loads(page.read_text())
    for item in doc["items"]:
        for body in item["body"]:
            if item["id"].endswith("#inscription") and body["purpose"] == "describing" and body["language"] == "en":
                body["value"] = MARKUP
    page.write_text(json.dumps(doc, ensure_ascii=False))
    return tour


@pytest.fixture
def served(image_tour, monkeypatch):
    """Start `vtour serve` on the tour with its side panels; yields (start, made): ``made`` collects each session's
    (TourViewer, ImageBrowser)."""
    from vtour import panel_images
    from vtour import serve as serve_mod

    made = []

    class Recorded(panel_images.ImageBrowser):
        def __init__(self, viewer, tour_dir, **params):
            super().__init__(viewer, tour_dir, **params)
            made.append((viewer, self))

    monkeypatch.setattr(panel_images, "ImageBrowser", Recorded)
    servers = []

    def start(**viewer_params):
        port = serve_mod.free_port()
        servers.append(
            serve_mod.serve_tour(
                image_tour,
                port=port,
                threaded=True,
                app=lambda: serve_mod.tour_app(tour_dir=image_tour, **viewer_params),
            )
        )
        return port

    yield start, made
    for server in servers:
        server.stop()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_images_panel_opens_the_image_shows_annotations_and_follows_the_zoom(
    lang, served, page, page_log, screenshot
):
    start, made = served
    open_panel_app(page, page_log, f"http://127.0.0.1:{start(language=lang)}/")
    viewer, panel = made[0]
    L = panel.L
    refused = len(page_log.failed)  # the page asked while the server started: not a failed request of the app
    page.locator(".bk-tab", has_text=L["images"]).click()
    aside = page.get_by_role("complementary", name=L["sidePanels"])  # the tabs' one landmark
    aside.get_by_text(L["open"]).wait_for()
    # an image's button in the images list opens it in the viewer's dialog, whole
    images = aside.get_by_role("list", name=L["images"])
    images.get_by_role("button", name="西方净土变" if lang == "zh" else "Western Paradise").click()
    wait_for_js(
        page,
        f"() => {IMAGE_VIEW}.isOpen && {IMAGE_VIEW}.osd && {IMAGE_VIEW}.osd.world.getItemAt(0)"
        f" && {IMAGE_VIEW}.osd.world.getItemAt(0).getFullyLoaded()",
        timeout_s=30,
        what="the image open",
        log=page_log,
    )
    until(lambda: viewer.image == "mural" and viewer.region is not None, "the image and its region in Python")
    until(lambda: contains(viewer.region, [0, 0, 3000, 2000], tol=2), "the whole image in view, in Python")
    assert images.get_by_role("button").count() == 1
    assert images.locator("button[aria-current='true']").count() == 1  # the image open, marked current
    # an annotation's button fits that region in view, and Python hears the part in view
    (x, y, w, h), _ = RECTS[ANNOTATIONS["inscription"][0]]
    title = ANNOTATIONS["inscription"][1][lang]
    notes = aside.get_by_role("list", name=L["annotations"]).get_by_role("button")
    until(lambda: notes.count() == 2, "the annotations listed")  # the image's two annotations
    facts = aside.get_by_role("table")  # the open image's facts: a row each
    assert facts.get_by_role("row").count() == 4 and facts.get_by_text("3,000 × 2,000").count() == 1
    notes.filter(has_text=title).click()
    until(lambda: viewer.region is not None and viewer.region[2] < 1500, "the annotation's region in Python")
    wait_for_js(page, f"() => {{ const b = ({BOUNDS})(); return b && b[2] < 1500; }}", what="zoomed to the annotation")
    frames(page, 30)  # the zoom's animation ends
    bounds = page.evaluate(BOUNDS)
    assert contains(bounds, [x, y, w, h]), (bounds, [x, y, w, h])
    assert bounds[2] < 2 * w or bounds[3] < 2 * h, f"the view {bounds} is not fitted to the region {[x, y, w, h]}"
    until(lambda: contains(viewer.region, [x, y, w, h]), "the region in view in Python")
    # tour texts are text: the markup shows as written, no element made of it
    if lang == "en":
        until(lambda: aside.get_by_text(MARKUP).count() == 1, "the annotation's text shown")
        assert aside.locator("b", has_text="cartouche").count() == 0
    assert aside.locator("button[aria-current='true']", has_text=title).count() == 1
    frames(page)
    screenshot(page, f"annotation-{lang}")
    # the visitor zooms in (the dialog's button): Python's region follows, about half as wide
    before = list(viewer.region)
    page.get_by_role("button", name="放大" if lang == "zh" else "Zoom in").click()
    until(lambda: viewer.region[2] < 0.75 * before[2], "the zoomed-in region in Python")
    until(lambda: abs(page.evaluate(BOUNDS)[2] - viewer.region[2]) <= 2, "the view and Python agreeing")
    screenshot(page, f"zoomed-{lang}")
    # a region set from Python is shown
    red = list(RECTS["red"][0])
    set_in_session(viewer, region=red)
    wait_for_js(
        page,
        f"() => {{ const b = ({BOUNDS})(); return b && b[0] <= {red[0] + 1} && b[1] <= {red[1] + 1}"
        f" && b[0] + b[2] >= {red[0] + red[2] - 1} && b[1] + b[3] >= {red[1] + red[3] - 1}"
        f" && b[2] < {2 * red[2]}; }}",
        what="the region from Python",
    )
    # closed in the page: Python and the panel follow
    page.evaluate(f"() => {PAGE_VIEWER}.closeImage()")
    until(lambda: viewer.image is None and viewer.region is None, "closed, in Python")
    until(lambda: panel.prompt.visible and panel.chooser.value is None, "the panel asking for an image")
    page_log.assert_local_only()
    answered = {u for s, u in page_log.responses if 200 <= s < 300}
    failed = [(u, why) for u, why in page_log.failed[refused:] if not ("ERR_ABORTED" in why and u in answered)]
    assert not failed and not page_log.bad_responses and not page_log.page_errors, (
        failed,
        page_log.bad_responses,
        page_log.page_errors,
    )


def test_an_image_opened_from_python_at_a_region_and_an_unknown_one_refused(served, page, page_log, caplog):
    start, made = served
    green = list(RECTS["green"][0])
    open_panel_app(page, page_log, f"http://127.0.0.1:{start()}/")
    viewer, panel = made[0]
    viewer.param.update(image="mural", region=green)
    wait_for_js(
        page,
        f"() => {{ const b = ({BOUNDS})(); return b && b[2] < 1500; }}",
        timeout_s=30,
        what="the image open at the region",
        log=page_log,
    )
    bounds = page.evaluate(BOUNDS)
    assert contains(bounds, green), (bounds, green)
    until(
        lambda: viewer.region is not None and contains(viewer.region, green) and viewer.region[2] < 1500,
        "the region in view in Python",
    )
    assert panel.chooser.value == "mural" and panel.image_box.visible
    set_in_session(viewer, image="nope")  # not in the tour: the viewer says why, and Python's parameter goes back
    until(lambda: viewer.image == "mural", "the unknown image refused")
    until(lambda: "image 'nope'" in caplog.text, "the reason in the log")
    set_in_session(viewer, image=None)
    wait_for_js(page, f"() => !{IMAGE_VIEW}.isOpen", what="the dialog closed")
    assert viewer.region is None and not page_log.page_errors and not page_log.bad_responses


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_axe_core_finds_nothing_in_the_page_with_the_images_panel_and_an_image_open(lang, served, page, page_log):
    start, made = served
    open_panel_app(page, page_log, f"http://127.0.0.1:{start(language=lang)}/")
    viewer, panel = made[0]
    page.locator(".bk-tab", has_text=panel.L["images"]).click()
    set_in_session(viewer, image="mural")
    wait_for_js(
        page,
        f"() => {IMAGE_VIEW}.osd && {IMAGE_VIEW}.osd.world.getItemAt(0)",
        timeout_s=30,
        what="the image open",
        log=page_log,
    )
    problems = axe_violations(page)
    assert not problems, f"axe-core, the image open ({lang}):\n  " + "\n  ".join(problems)
