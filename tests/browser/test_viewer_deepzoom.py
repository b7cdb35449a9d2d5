"""The viewer's deep-zoom image dialog (ui/ImageDialog.js, OpenSeadragon from viewer/vtour-image.js) on the tour of
deepzoom_tour.py: opened from an info hotspot and from a shared link (#image=mural&region=x,y,w,h), zoomed by
keyboard, by its own buttons and by a pinch (Chromium's real touch input, CDP), its annotations drawn as outlined
buttons over the right pixels and reachable with Tab, in English and Chinese, on a desktop and a phone, with no
failed request, no request outside the tour's server (info.json's id points elsewhere) and no axe-core violation.

Screenshots: tests/artifacts/test_*-{en,zh,phone,...}.png.
"""

from __future__ import annotations

import json
import re
import shutil

import numpy as np
import pytest
from deepzoom_tour import ANNOTATIONS, HEIGHT, HOTSPOT, RECTS, WIDTH, annotation_page, deepzoom_tour
from helpers import axe_violations, frames, open_tour, wait_for_js

from vtour.site import DIST, write_site

pytestmark = [pytest.mark.browser, pytest.mark.viewport(800, 600)]

#: The image bundle; vtour.site copies it once the tour build knows about images (until then, this module does).
IMAGE_BUNDLE = "vtour-image.js"
#: JavaScript: the dialog's OpenSeadragon has drawn every tile it wants and no animation is running.
SETTLED = """() => { const d = window.vtour.imageView, o = d && d.osd; const item = o && o.world.getItemAt(0);
  return !!item && item.getFullyLoaded()
    && Math.abs(o.viewport.getZoom(true) - o.viewport.getZoom(false)) < 1e-9
    && o.viewport.getCenter(true).distanceTo(o.viewport.getCenter(false)) < 1e-9
    && d.buttons.size === %d; }""" % len(ANNOTATIONS)
#: JavaScript: the viewport's bounds in image px, [x, y, w, h], and the zoom (viewport units) now and at home.
BOUNDS = """() => { const o = window.vtour.imageView.osd, item = o.world.getItemAt(0);
  const r = item.viewportToImageRectangle(o.viewport.getBounds(true));
  return { rect: [r.x, r.y, r.width, r.height], zoom: o.viewport.getZoom(true), home: o.viewport.getHomeZoom() }; }"""


@pytest.fixture(scope="session")
def deepzoom_site(tmp_path_factory):
    tour = deepzoom_tour(tmp_path_factory.mktemp("deepzoom"))
    write_site(tour)
    if not (tour / "viewer" / IMAGE_BUNDLE).is_file():
        shutil.copyfile(DIST / IMAGE_BUNDLE, tour / "viewer" / IMAGE_BUNDLE)
    return tour


def settle(page, log, what="the image") -> None:
    wait_for_js(page, SETTLED, what=f"{what}, fully loaded and still", timeout_s=30, log=log)
    frames(page)


def open_from_hotspot(page, log, base, lang="en") -> None:
    open_tour(page, log, base, f"#scene=hall&lang={lang}" if lang != "en" else "")
    page.evaluate(
        "() => { window.events = []; for (const n of ['imageopen', 'imageclose'])"
        " window.vtour.on(n, (id) => window.events.push([n, id ?? null])); }"
    )
    page.get_by_role("button", name=HOTSPOT["title"][lang], exact=True).click()
    page.get_by_role("dialog").wait_for()
    settle(page, log)


def hash_of(page) -> dict:
    return dict(re.findall(r"([a-z]+)=([^&]*)", page.evaluate("() => location.hash")))


def assert_contains(outer, inner, tol=3.0):
    ox, oy, ow, oh = outer
    x, y, w, h = inner
    assert ox <= x + tol and oy <= y + tol and ox + ow >= x + w - tol and oy + oh >= y + h - tol, (outer, inner)


def test_an_info_hotspot_opens_the_image_with_its_minimap_and_the_url_follows(
    deepzoom_site, serve, page, page_log, screenshot
):
    base = serve(deepzoom_site)
    open_from_hotspot(page, page_log, base)
    dialog = page.get_by_role("dialog")
    assert dialog.get_by_role("heading").text_content() == HOTSPOT["title"]["en"]
    assert page.locator(".vtour-image-caption").text_content() == HOTSPOT["text"]["en"]
    for name in ("Zoom in", "Zoom out", "Show the whole image"):
        assert dialog.get_by_role("button", name=name, exact=True).is_visible()
    canvas = dialog.get_by_role("application", name=f"Deep-zoom image: {HOTSPOT['title']['en']}")
    assert canvas.is_visible()
    minimap = page.locator(".vtour-image .navigator")
    assert minimap.is_visible() and minimap.bounding_box()["width"] > 40
    assert page.evaluate("() => window.events") == [["imageopen", "mural"]]
    wait_for_js(
        page, "() => /[#&]image=mural&region=\\d+,\\d+,\\d+,\\d+/.test(location.hash)", what="the URL", log=page_log
    )
    region = [int(v) for v in hash_of(page)["region"].split(",")]
    assert_contains([0, 0, 3000, 2000], region, tol=0)
    assert region[2] >= 2990 or region[3] >= 1990, region  # the whole image is in view: it fills one dimension
    assert axe_violations(page) == []
    screenshot(page, "en")
    # tiles came from where the tour is served, not from info.json's id; OpenSeadragon fetched no image of its own
    assert page_log.paths("/images/mural/") and not page_log.urls(r"museum\.example")
    assert not page_log.urls(r"\.png$|openseadragon/images"), page_log.urls(r"\.png$")
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert page.evaluate("() => window.events")[-1] == ["imageclose", None]
    wait_for_js(
        page,
        "() => !/image=|region=/.test(location.hash) && /scene=hall/.test(location.hash)",
        what="the URL without the image",
        log=page_log,
    )
    page_log.assert_clean()
    page_log.assert_local_only()


def test_a_link_with_an_image_and_a_region_opens_the_image_at_that_region(deepzoom_site, serve, page, page_log):
    region = list(RECTS["green"][0])
    open_tour(page, page_log, serve(deepzoom_site), "#scene=hall&image=mural&region=" + ",".join(map(str, region)))
    page.get_by_role("dialog").wait_for()
    settle(page, page_log)
    b = page.evaluate(BOUNDS)
    assert_contains(b["rect"], region)
    # fitted: the region fills the view's width or its height, within a few px
    assert abs(b["rect"][2] - region[2]) < 4 or abs(b["rect"][3] - region[3]) < 4, (b["rect"], region)
    assert page.get_by_role("dialog").get_by_role("heading").text_content() == "Western Paradise"
    page_log.assert_clean()


def test_the_keyboard_the_buttons_and_a_pinch_zoom_and_reset_goes_home(deepzoom_site, serve, page, page_log):
    open_from_hotspot(page, page_log, serve(deepzoom_site))
    home = page.evaluate(BOUNDS)["home"]
    assert page.evaluate(BOUNDS)["zoom"] == pytest.approx(home)

    page.locator(".vtour-image-canvas").focus()
    page.keyboard.press("+")  # OpenSeadragon zooms while the key is held: a press is a small step
    settle(page, page_log, "the zoom by keyboard")
    by_key = page.evaluate(BOUNDS)["zoom"]
    assert by_key > home * 1.02, (by_key, home)
    page.keyboard.down("+")
    page.wait_for_timeout(600)
    page.keyboard.up("+")
    settle(page, page_log, "the zoom by a held key")
    held = page.evaluate(BOUNDS)["zoom"]
    assert held > by_key * 1.03, (held, by_key)  # 1 % a frame: how much depends on the frame rate
    centre = page.evaluate(BOUNDS)["rect"]
    page.keyboard.press("ArrowRight")
    settle(page, page_log, "the pan by keyboard")
    assert page.evaluate(BOUNDS)["rect"][0] > centre[0] + 1
    page.keyboard.press("0")
    settle(page, page_log, "the home view by keyboard")
    assert page.evaluate(BOUNDS)["zoom"] == pytest.approx(home, rel=1e-3)

    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Zoom in", exact=True).click()
    settle(page, page_log, "the zoom-in button")
    assert page.evaluate(BOUNDS)["zoom"] == pytest.approx(home * 2, rel=1e-3)
    dialog.get_by_role("button", name="Zoom out", exact=True).click()
    settle(page, page_log, "the zoom-out button")
    assert page.evaluate(BOUNDS)["zoom"] == pytest.approx(home, rel=1e-3)

    # two fingers spreading over the image: Chromium's touch input path, as on a phone
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5})
    box = page.locator(".vtour-image-canvas").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.75
    start, end = [(cx - 40, cy), (cx + 40, cy)], [(cx - 140, cy), (cx + 140, cy)]
    cdp.send(
        "Input.dispatchTouchEvent",
        {"type": "touchStart", "touchPoints": [{"x": x, "y": y, "id": i} for i, (x, y) in enumerate(start)]},
    )
    for k in range(1, 11):
        pts = [(sx + (ex - sx) * k / 10, sy + (ey - sy) * k / 10) for (sx, sy), (ex, ey) in zip(start, end)]
        cdp.send(
            "Input.dispatchTouchEvent",
            {"type": "touchMove", "touchPoints": [{"x": x, "y": y, "id": i} for i, (x, y) in enumerate(pts)]},
        )
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    settle(page, page_log, "the pinch")
    pinched = page.evaluate(BOUNDS)["zoom"]
    assert pinched > home * 1.5, (pinched, home)
    assert page.get_by_role("dialog").is_visible()  # the page's own touch handling did not close or eat it

    dialog.get_by_role("button", name="Show the whole image", exact=True).click()
    settle(page, page_log, "the reset")
    assert page.evaluate(BOUNDS)["zoom"] == pytest.approx(home, rel=1e-3)
    page_log.assert_clean()


def test_annotations_are_outlined_buttons_on_their_regions_reached_by_tab(
    deepzoom_site, serve, page, page_log, screenshot
):
    open_from_hotspot(page, page_log, serve(deepzoom_site))
    path, rgb = screenshot(page, "annotations", as_array=True)
    for aid, (rect, title, _) in ANNOTATIONS.items():
        button = page.get_by_role("button", name=title["en"], exact=True)
        got = button.bounding_box()
        want = page.evaluate(
            """(r) => { const o = window.vtour.imageView.osd, item = o.world.getItemAt(0);
          const Point = window.vtour.imageView.OpenSeadragon.Point;
          const a = item.imageToViewerElementCoordinates(new Point(r[0], r[1]));
          const b = item.imageToViewerElementCoordinates(new Point(r[0] + r[2], r[1] + r[3]));
          const e = o.element.getBoundingClientRect();
          return [e.left + a.x, e.top + a.y, b.x - a.x, b.y - a.y]; }""",
            list(RECTS[rect][0]),
        )
        assert [got["x"], got["y"], got["width"], got["height"]] == pytest.approx(want, abs=1.5), aid
        # inside the outline (a few px in from the border): the rectangle's own colour
        x0, y0 = round(got["x"] + 6), round(got["y"] + 6)
        x1, y1 = round(got["x"] + got["width"] - 6), round(got["y"] + got["height"] - 6)
        mean = rgb[y0:y1, x0:x1].reshape(-1, 3).astype(float).mean(axis=0)
        assert np.abs(mean - RECTS[rect][1]).max() < 25, (aid, mean, RECTS[rect][1], path)

    # Tab from the image reaches the annotations; Enter shows the title and text in the caption
    page.locator(".vtour-image-canvas").focus()
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('vtour-annotation')"):
            break
    focused = page.evaluate("() => document.activeElement.dataset.annotationId")
    assert focused == "donor"
    page.keyboard.press("Enter")
    title, text = ANNOTATIONS["donor"][1]["en"], ANNOTATIONS["donor"][2]["en"]
    # title and text in their own elements, apart in the caption's text too
    assert page.locator(".vtour-image-caption").text_content() == f"{title} {text}"
    assert page.locator(".vtour-image-caption-title").text_content() == title
    assert page.locator(".vtour-image-caption").get_attribute("aria-live") == "polite"
    settle(page, page_log, "the view fitted to the annotation")
    assert_contains(page.evaluate(BOUNDS)["rect"], list(RECTS["red"][0]))
    screenshot(page, "annotation-chosen")
    page_log.assert_clean()


def test_chinese_labels_and_no_axe_violation_and_a_language_switch(deepzoom_site, serve, page, page_log, screenshot):
    base = serve(deepzoom_site)
    open_from_hotspot(page, page_log, base, lang="zh")
    dialog = page.get_by_role("dialog")
    assert dialog.get_by_role("heading").text_content() == HOTSPOT["title"]["zh"]
    for name in ("放大", "缩小", "显示整幅图像", "供养人", "题记"):
        assert dialog.get_by_role("button", name=name, exact=True).count() == 1, name
    assert axe_violations(page) == []
    page.get_by_role("button", name="题记", exact=True).focus()
    settle(page, page_log, "the inscription")
    assert page.locator(".vtour-image-caption").text_content() == "题记 " + ANNOTATIONS["inscription"][2]["zh"]
    screenshot(page, "zh")
    page.evaluate("() => window.vtour.setLanguage('en')")
    assert dialog.get_by_role("heading").text_content() == HOTSPOT["title"]["en"]
    for name in ("Zoom in", "Donor figure", "Inscription"):
        assert dialog.get_by_role("button", name=name, exact=True).count() == 1, name
    assert page.locator(".vtour-image-caption").text_content() == "Inscription " + ANNOTATIONS["inscription"][2]["en"]
    assert axe_violations(page) == []
    page_log.assert_clean()


@pytest.mark.viewport(390, 844)
def test_the_dialog_is_usable_on_a_phone(deepzoom_site, serve, page, page_log, screenshot):
    open_tour(page, page_log, serve(deepzoom_site), "#scene=hall&image=mural")
    page.get_by_role("dialog").wait_for()
    settle(page, page_log)
    box = page.locator(".vtour-image .vtour-dialog").bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= 390 and box["y"] + box["height"] <= 844
    frame = page.locator(".vtour-image-frame").bounding_box()
    assert frame["width"] > 330 and frame["height"] > 400, frame
    for name in ("Zoom in", "Zoom out", "Show the whole image", "Close"):
        b = page.get_by_role("dialog").get_by_role("button", name=name, exact=True).bounding_box()
        assert b["width"] >= 32 and b["height"] >= 32, (name, b)
    assert axe_violations(page) == []
    screenshot(page, "phone")
    # one finger drags the image (the panorama under the dialog does not take the gesture)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5})
    before, yaw = page.evaluate(BOUNDS)["rect"], page.evaluate("() => window.vtour.state.yaw")
    x, y = frame["x"] + frame["width"] / 2, frame["y"] + frame["height"] * 0.3
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y, "id": 0}]})
    for k in range(1, 9):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x - 15 * k, "y": y, "id": 0}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    settle(page, page_log, "the drag")
    after = page.evaluate(BOUNDS)["rect"]
    assert after[0] > before[0] + 50, (before, after)
    assert page.evaluate("() => window.vtour.state.yaw") == yaw
    page_log.assert_clean()


def test_the_gallery_lists_the_images_after_the_scenes_and_opens_one(deepzoom_site, serve, page, page_log, screenshot):
    open_tour(page, page_log, serve(deepzoom_site))
    screenshot(page, "hall")  # the deep-zoom hotspot: a magnifier icon
    page.get_by_role("button", name="Scenes", exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    items = page.evaluate(
        "() => [...document.querySelectorAll('.vtour-gallery-item')].map((b) =>"
        " [b.dataset.sceneId || null, b.dataset.imageId || null, b.textContent])"
    )
    assert items == [["hall", None, "Hall"], ["crypt", None, "Crypt"], [None, "mural", "Western Paradise"]]
    assert dialog.get_by_role("heading", name="Images").is_visible()
    wait_for_js(
        page,
        "() => { const i = document.querySelector('.vtour-gallery-image img');"
        " return i && i.complete && i.naturalWidth === 375; }",
        what="the image's thumb",
        log=page_log,
    )
    assert axe_violations(page) == []
    screenshot(page, "gallery")
    dialog.get_by_role("button", name="Western Paradise", exact=True).click()
    page.locator(".vtour-image .vtour-dialog").wait_for()
    settle(page, page_log)
    assert page.get_by_role("dialog").get_by_role("heading").text_content() == "Western Paradise"
    assert page.locator(".vtour-image-caption").text_content() == "A wall painting."
    page.evaluate("() => window.vtour.closeImage()")
    assert page.locator(".vtour-image").is_hidden()
    page_log.assert_clean()


#: JavaScript: OpenSeadragon's view is open and still (whatever the number of annotations).
STILL = """() => { const o = window.vtour.imageView.osd, item = o && o.world.getItemAt(0);
  return !!item && item.getFullyLoaded() && Math.abs(o.viewport.getZoom(true) - o.viewport.getZoom(false)) < 1e-9
    && o.viewport.getCenter(true).distanceTo(o.viewport.getCenter(false)) < 1e-9; }"""
#: JavaScript: the view's centre, zoom, rotation and flip, and the region the dialog reports.
VIEW = """() => { const d = window.vtour.imageView, v = d.osd.viewport, c = v.getCenter(true);
  return { cx: c.x, cy: c.y, zoom: v.getZoom(true), home: v.getHomeZoom(), degrees: v.getRotation(),
           flipped: v.getFlip(), region: d.region }; }"""


def still(page, log, what="the image") -> None:
    wait_for_js(page, STILL, what=f"{what}, loaded and still", timeout_s=30, log=log)
    frames(page)


def assert_whole_image_view(view) -> None:
    assert all(isinstance(view[k], (int, float)) and view[k] == view[k] for k in ("cx", "cy", "zoom")), view  # no NaN
    assert view["zoom"] == pytest.approx(view["home"], rel=1e-3), view
    assert view["region"] is not None and view["region"][2] >= WIDTH - 10, view


@pytest.mark.parametrize("region", ["0,0," + "9" * 400 + ",10", "5000,5000,10,10", "0,0,99999999,99999999"])
def test_a_link_with_an_overlong_or_off_image_region_opens_the_whole_image(
    deepzoom_site, serve, page, page_log, region
):
    open_tour(page, page_log, serve(deepzoom_site), f"#scene=hall&image=mural&region={region}")
    settle(page, page_log)
    assert_whole_image_view(page.evaluate(VIEW))
    # the API clips too: no region, however absurd, leaves a NaN or infinite view, and reset recovers
    page.evaluate("() => window.vtour.showImageRegion([0, 0, Infinity, 10], true)")
    page.evaluate("() => window.vtour.showImageRegion([NaN, -1e308, 1e308, 5], true)")
    settle(page, page_log, "the view after absurd regions")
    assert_whole_image_view(page.evaluate(VIEW))
    page.get_by_role("dialog").get_by_role("button", name="Show the whole image", exact=True).click()
    settle(page, page_log, "the reset")
    assert_whole_image_view(page.evaluate(VIEW))
    wait_for_js(
        page, "() => /region=0,0,3000,2000/.test(location.hash)", what="the whole image in the URL", log=page_log
    )
    page_log.assert_clean()


def test_the_rotate_and_flip_keys_do_nothing_and_the_keys_hint_names_the_live_ones(
    deepzoom_site, serve, page, page_log
):
    open_from_hotspot(page, page_log, serve(deepzoom_site))
    page.locator(".vtour-image-canvas").focus()
    for key in ("r", "R", "f", "F", "j", "k"):
        page.keyboard.press(key)
    settle(page, page_log, "the view after r, R, f")
    view = page.evaluate(VIEW)
    assert view["degrees"] == 0 and view["flipped"] is False, view
    assert_whole_image_view(view)
    hint = page.locator(".vtour-image-canvas").get_attribute("aria-describedby")
    text = page.locator(f"#{hint}").text_content()
    assert "+ and -" in text and "W A S D" in text and "0 shows the whole image" in text
    assert not re.search(r"\b[RrFf]\b", text), text  # no rotate or flip key named
    page_log.assert_clean()


def kiosk_tour(page, deepzoom_site, idle_return_s=3, rotate_s=1) -> None:
    """Serve the test tour with a kiosk return after `idle_return_s` and autorotate after `rotate_s`."""
    doc = json.loads((deepzoom_site / "tour.json").read_text())
    doc.setdefault("settings", {})["kiosk"] = {"idleReturnSeconds": idle_return_s}
    doc["settings"]["autorotate"] = {"idleSeconds": rotate_s, "speed": 30}
    page.route(
        "**/tour.json",
        lambda route: route.fulfill(
            status=200, body=json.dumps(doc, ensure_ascii=False), content_type="application/json"
        ),
    )


def test_input_in_a_dialog_is_activity_and_autorotate_waits_while_it_is_open(deepzoom_site, serve, page, page_log):
    kiosk_tour(page, deepzoom_site)
    open_tour(page, page_log, serve(deepzoom_site), "#scene=hall")
    page.evaluate(
        "() => { window.closedHash = null;"
        " window.vtour.on('imageclose', () => { window.closedHash = location.hash; }); }"
    )
    page.evaluate("() => window.vtour.openImage('mural')")
    settle(page, page_log)
    yaw = page.evaluate("() => window.vtour.state.yaw")
    page.mouse.move(400, 330)
    # 4.5 s of keys and wheel inside the dialog, past the 3 s kiosk wait: the dialog stays, the panorama never turns
    for i in range(9):
        if i % 3 == 2:
            page.mouse.wheel(0, -60)
        else:
            page.keyboard.press("Tab")
        page.wait_for_timeout(500)
        state = page.evaluate(
            "() => [window.vtour.imageView.isOpen, window.vtour.idle.rotating, window.vtour.state.yaw]"
        )
        assert state == [True, False, yaw], (i, state)
    # then nothing: the kiosk closes the dialog; the URL loses the image at once; the panorama may turn again
    wait_for_js(page, "() => !window.vtour.imageView.isOpen", what="the kiosk's return", timeout_s=6, log=page_log)
    closed = page.evaluate("() => window.closedHash")
    assert "image=" not in closed and "region=" not in closed, closed
    wait_for_js(page, "() => window.vtour.idle.rotating", what="autorotate after the return", timeout_s=4, log=page_log)
    page_log.assert_clean()


def test_a_small_annotation_inside_a_large_one_stays_clickable(deepzoom_site, serve, page, page_log):
    doc = annotation_page("https://museum.example/tours/test")
    whole = json.loads(json.dumps(doc["items"][1]))
    whole["id"] = whole["id"].split("#")[0] + "#whole"
    whole["target"] = whole["target"].split("#")[0] + f"#xywh=0,0,{WIDTH},{HEIGHT}"
    whole["body"] = [{"type": "TextualBody", "value": "Whole scene", "language": "en"}]
    doc["items"].insert(0, whole)  # first in the page: the largest
    page.route(
        "**/mural-annotations.json",
        lambda route: route.fulfill(status=200, body=json.dumps(doc), content_type="application/json"),
    )
    open_tour(page, page_log, serve(deepzoom_site), "#scene=hall&image=mural")
    wait_for_js(page, "() => window.vtour.imageView.buttons.size === 3", what="three annotations", log=page_log)
    still(page, page_log)
    for aid in ("donor", "inscription"):
        page.evaluate("() => window.vtour.imageView.select(null)")
        box = page.locator(f'.vtour-annotation[data-annotation-id="{aid}"]').bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        assert page.evaluate(f"() => document.elementFromPoint({x}, {y}).dataset.annotationId") == aid
        page.mouse.click(x, y)
        wait_for_js(page, f"() => window.vtour.imageView.selected === '{aid}'", what=f"{aid} chosen", log=page_log)
        still(page, page_log, f"the view on {aid}")
        page.evaluate("() => window.vtour.imageView.osd.viewport.goHome(true)")
        still(page, page_log)
    # Tab still follows the page's order
    assert page.evaluate(
        "() => [...document.querySelectorAll('.vtour-annotation')].map((b) => b.dataset.annotationId)"
    ) == ["whole", "donor", "inscription"]
    page_log.assert_clean()


@pytest.mark.parametrize("answer", ["404", "not json", "not a page"])
def test_annotations_that_cannot_be_loaded_are_reported_and_the_image_still_works(
    deepzoom_site, serve, page, page_log, screenshot, answer
):
    def fulfil(route):
        if answer == "404":
            route.fulfill(status=404, body="nope")
        else:
            route.fulfill(
                status=200,
                body="{oops" if answer == "not json" else '{"type": "Manifest"}',
                content_type="application/json",
            )

    page.route("**/mural-annotations.json", fulfil)
    open_tour(page, page_log, serve(deepzoom_site), "#scene=hall&image=mural")
    still(page, page_log)
    notes = page.locator(".vtour-image-notes-status")
    wait_for_js(
        page,
        "() => document.querySelector('.vtour-image-notes-status').textContent !== ''",
        what="the notes' status",
        log=page_log,
    )
    assert notes.is_visible() and notes.get_attribute("role") == "status"
    assert notes.text_content() == "The notes on this image could not be loaded"
    assert page.locator(".vtour-image-status").text_content() == ""
    still(page, page_log)
    before = page.evaluate(VIEW)["zoom"]
    page.get_by_role("dialog").get_by_role("button", name="Zoom in", exact=True).click()
    still(page, page_log, "the zoom-in button")
    assert page.evaluate(VIEW)["zoom"] == pytest.approx(before * 2, rel=1e-3)
    page.evaluate("() => window.vtour.setLanguage('zh')")
    assert notes.text_content() == "无法加载此图像的注释"
    if answer == "404":
        screenshot(page, "notes-failed-zh")
    assert axe_violations(page) == []
    # the one bad answer is the annotations' own (the test's 404); nothing else failed
    assert [u for s, u in page_log.bad_responses] == (
        [u for u in page_log.urls("mural-annotations") if answer == "404"][:1]
    )
    assert not page_log.page_errors and all("404" in t for t in page_log.console_errors), page_log.console_errors


def test_statuses_follow_the_language(deepzoom_site, serve, page, page_log):
    page.route("**/images/mural/info.json", lambda route: route.fulfill(status=500, body="no"))
    open_tour(page, page_log, serve(deepzoom_site), "#scene=hall")
    assert page.evaluate("() => window.vtour.openImage('mural')") is None
    status = page.locator(".vtour-image-status")
    assert status.text_content() == "Could not load the image" and status.get_attribute("role") == "status"
    page.evaluate("() => window.vtour.setLanguage('zh')")
    assert status.text_content() == "无法加载图像"


def test_open_image_settles_when_the_dialog_closes_while_opening(deepzoom_site, serve, page, page_log):
    open_tour(page, page_log, serve(deepzoom_site), "#scene=hall")
    results = page.evaluate("""async () => {
      const v = window.vtour, d = v.imageView, out = [];
      const settled = (p) => Promise.race([p, new Promise((r) => setTimeout(() => r("hung"), 8000))]);
      let p = v.openImage('mural');            // closed at once: the bundle and info.json still loading
      v.closeImage();
      out.push(await settled(p));
      p = v.openImage('mural');                // closed once OpenSeadragon exists, before its "open"
      while (!d.osd) await new Promise((r) => setTimeout(r, 0));
      v.closeImage();
      out.push(await settled(p));
      p = v.openImage('mural');                // replaced by another opening
      const q = v.openImage('mural');
      out.push(await settled(p), (await settled(q)) ? 'osd' : 'none');
      return out; }""")
    assert results == [None, None, None, "osd"], results
    page_log.assert_clean()


@pytest.mark.parametrize("size", [(800, 600), (1920, 1080)])
def test_a_chosen_annotation_is_fitted_clear_of_the_minimap_and_the_buttons(
    deepzoom_site, serve, page, page_log, screenshot, size
):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    open_from_hotspot(page, page_log, serve(deepzoom_site))
    boxes = {}
    for aid in ANNOTATIONS:
        page.evaluate(f"() => window.vtour.imageView.select('{aid}')")
        settle(page, page_log, f"the view on {aid}")
        got = page.locator(f'.vtour-annotation[data-annotation-id="{aid}"]').bounding_box()
        nav = page.locator(".vtour-image .navigator").bounding_box()
        buttons = page.locator(".vtour-image-controls").bounding_box()
        frame = page.locator(".vtour-image-frame").bounding_box()
        for name, o in (("minimap", nav), ("buttons", buttons)):
            apart = (
                got["x"] + got["width"] <= o["x"]
                or got["x"] >= o["x"] + o["width"]
                or got["y"] + got["height"] <= o["y"]
                or got["y"] >= o["y"] + o["height"]
            )
            assert apart, (aid, name, got, o)
        assert got["x"] >= frame["x"] and got["y"] >= frame["y"], (got, frame)
        assert (
            got["x"] + got["width"] <= frame["x"] + frame["width"]
            and got["y"] + got["height"] <= frame["y"] + frame["height"]
        )
        assert max(got["width"] / frame["width"], got["height"] / frame["height"]) > 0.4, (
            aid,
            got,
            frame,
        )  # still large
        boxes[aid] = got
    screenshot(page, f"annotation-clear-{size[0]}")
    page_log.assert_clean()


def test_max_zoom_is_in_device_pixels_on_a_high_dpi_screen(deepzoom_site, serve, browser):
    context = browser.new_context(
        viewport={"width": 800, "height": 600}, device_scale_factor=2, service_workers="block"
    )
    page = context.new_page()
    from helpers import PageLog

    log = PageLog().attach(page)
    try:
        open_tour(page, log, serve(deepzoom_site), "#scene=hall&image=mural&region=0,0,1,1")  # as close as allowed
        settle(page, log)
        got = page.evaluate("""() => { const d = window.vtour.imageView, it = d.osd.world.getItemAt(0);
          const P = d.OpenSeadragon.Point, a = it.imageToViewerElementCoordinates(new P(0, 0));
          const b = it.imageToViewerElementCoordinates(new P(100, 0));
          return { dpr: devicePixelRatio, device: (b.x - a.x) / 100 * devicePixelRatio }; }""")
        assert got["dpr"] == 2
        assert got["device"] == pytest.approx(2.0, rel=1e-3), got  # tour.json's maxZoom: 2 device px per image px
        log.assert_clean()
    finally:
        context.close()


def test_a_drag_that_starts_or_ends_inside_the_dialog_does_not_close_it(deepzoom_site, serve, page, page_log):
    open_from_hotspot(page, page_log, serve(deepzoom_site))
    dialog = page.locator(".vtour-image .vtour-dialog")
    box = dialog.bounding_box()
    inside = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    outside = (box["x"] / 2, box["y"] + box["height"] / 2) if box["x"] > 4 else (inside[0], box["y"] / 2)
    assert page.evaluate(
        f"() => document.elementFromPoint({outside[0]}, {outside[1]}).classList.contains('vtour-backdrop')"
    )
    for start, end in ((inside, outside), (outside, inside)):
        page.mouse.move(*start)
        page.mouse.down()
        page.mouse.move(*end, steps=6)
        page.mouse.up()
        page.wait_for_timeout(100)
        assert dialog.is_visible(), (start, end)
    page.mouse.click(*outside)
    assert not dialog.is_visible()
    page_log.assert_clean()
