"""A collection object's page (vtour/collection/page.py's shell, vtour-object.js's mountObject) on object_site.py's
site, in Chromium: title and documentation in English and Chinese (the hash follows), the six views shown by click
and by keyboard, the turntable turned by mouse, touch (Chromium's real touch input, CDP) and arrow keys, the 3D
inspector opened on its coarsest level, the photo's deep zoom loading tiles, shared links (#lang=zh&view=left,
#model, #image=1), hostile text shown as text, no failed request, nothing outside the test server, axe-core clean
with and without dialogs, one column on a phone.

Screenshots: tests/artifacts/object_page/{en,zh,phone,inspector,deepzoom,evil}.png.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from helpers import axe_violations, frames, png_to_rgb, region_mean, wait_for_js
from object_site import (
    FIELDS,
    FRAMES,
    HOSTILE,
    OBJECT_ID,
    ODD_FOLDER,
    PHOTO_TITLE,
    RIGHTS,
    TITLE,
    VIEW_COLOURS,
    object_site,
)

pytestmark = [pytest.mark.browser, pytest.mark.viewport(1100, 800)]

PAGE = "document.querySelector('.vtour-object').vtourPage"
#: JavaScript: the deep-zoom dialog's OpenSeadragon has drawn every tile it wants.
IMAGE_LOADED = f"""() => {{ const o = {PAGE}.imageView.osd; const item = o && o.world.getItemAt(0);
  return !!item && item.getFullyLoaded(); }}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return object_site(tmp_path_factory.mktemp("object_site"))


@pytest.fixture
def shots(artifact_dir):
    folder = artifact_dir / "object_page"
    folder.mkdir(parents=True, exist_ok=True)

    def shot(page, name, **kwargs):
        path = folder / f"{name}.png"
        path.write_bytes(page.screenshot(**kwargs))
        return path

    return shot


def open_object(page, log, base, oid=OBJECT_ID, hash_=""):
    page.add_init_script("window.alerts = []; window.alert = (m) => window.alerts.push(String(m));")
    page.goto(f"{base}objects/{oid}/{hash_}")
    wait_for_js(page, f"() => {PAGE} && {PAGE}.doc", what="the object page", log=log)
    page.evaluate(f"() => {PAGE}.ready")
    # every picture on screen decoded (the thumbnails are lazy: those in view)
    wait_for_js(
        page,
        "() => [...document.images].filter((i) => i.loading !== 'lazy').every((i) => i.complete)",
        what="the pictures",
        log=log,
    )
    frames(page)


def large_view(page) -> str:
    return page.evaluate("() => document.querySelector('.vtour-view-large-image').dataset.view")


def hash_of(page) -> str:
    return page.evaluate("() => location.hash")


def frame_of(page) -> int:
    return page.evaluate(f"() => {PAGE}.turntable.frame")


def test_the_page_shows_the_object_and_its_documentation_in_english_and_chinese(site, serve, page, page_log, shots):
    base = serve(site)
    open_object(page, page_log, base)
    assert page.title() == TITLE["en"]
    assert page.evaluate("() => document.documentElement.lang") == "en"
    assert page.get_by_role("heading", level=1).text_content() == TITLE["en"]
    back = page.get_by_role("link", name="Back to the catalogue: Bronzes")
    assert back.get_attribute("href") == "../../index.html#lang=en"
    terms = page.locator(".vtour-fields dt").all_text_contents()
    values = page.locator(".vtour-fields dd").all_text_contents()
    assert terms == ["Date", "Period", "Material", "Dimensions", "Museum", "Credit", "Inventory", "Rights", "Tags"]
    assert values[:7] == [f["value"]["en"] for f in FIELDS]
    licence = page.locator("a[rel=license]")
    assert licence.get_attribute("href") == RIGHTS and licence.text_content() == "CC BY 4.0"
    assert page.locator(".vtour-tags li").all_text_contents() == ["ritual", "vessel"]
    assert page.get_by_role("link", name="IIIF manifest").get_attribute("href") == "manifest.json"
    assert page.locator(".vtour-view-caption").text_content() == "Front · scale bar: 10 cm"
    assert hash_of(page) == "#lang=en&view=front"
    assert axe_violations(page) == []
    shots(page, "en", full_page=True)

    page.get_by_label("Language").select_option("zh")
    wait_for_js(page, "() => location.hash === '#lang=zh&view=front'", what="the hash in Chinese", log=page_log)
    assert page.title() == TITLE["zh"]
    assert page.evaluate("() => document.documentElement.lang") == "zh"
    assert page.get_by_role("heading", level=1).text_content() == TITLE["zh"]
    assert page.locator(".vtour-fields dt").all_text_contents()[:7] == [
        "年代",
        "时期",
        "材质",
        "尺寸",
        "收藏单位",
        "来源",
        "藏品编号",
    ]
    assert page.locator(".vtour-fields dd").all_text_contents()[:7] == [
        f["value"].get("zh", f["value"]["en"]) for f in FIELDS
    ]
    assert page.locator(".vtour-view-caption").text_content() == "正视 · 比例尺：10 cm"
    assert page.get_by_role("link", name="返回藏品目录：青铜器").get_attribute("href") == "../../index.html#lang=zh"
    assert page.get_by_label("语言").evaluate("(e) => e === document.activeElement")
    assert axe_violations(page) == []
    frames(page)
    shots(page, "zh", full_page=True)
    page_log.assert_clean()
    page_log.assert_local_only()


def test_each_view_is_shown_by_click_and_by_keyboard_and_the_link_keeps_it(site, serve, page, page_log):
    base = serve(site)
    open_object(page, page_log, base)
    for name in VIEW_COLOURS:
        page.locator(f".vtour-view-button[data-view={name}]").click()
        assert large_view(page) == name
        assert page.locator(f".vtour-view-button[data-view={name}]").get_attribute("aria-pressed") == "true"
        assert page.locator(".vtour-view-button[aria-pressed=true]").count() == 1
        wait_for_js(page, "() => document.querySelector('.vtour-view-large-image').complete", what=f"{name} loaded")
        frames(page)
        rgb = png_to_rgb(page.locator(".vtour-view-large-image").screenshot())
        assert abs(region_mean(rgb, 0.5, 0.5) - VIEW_COLOURS[name]).max() < 30, name  # that view's pixels shown
        assert hash_of(page) == f"#lang=en&view={name}"
    # the keyboard: Tab reaches the buttons, the arrows move along them and show each view, Enter shows one
    page.locator(".vtour-view-button[data-view=front]").click()
    names = list(VIEW_COLOURS)
    for k in range(1, len(names)):
        page.keyboard.press("ArrowRight")
        assert large_view(page) == names[k]
        assert page.evaluate("() => document.activeElement.dataset.view") == names[k]
    page.keyboard.press("ArrowRight")  # wraps round
    assert large_view(page) == "front"
    page.keyboard.press("End")
    assert large_view(page) == "bottom"
    page.locator(".vtour-view-button[data-view=left]").focus()
    page.keyboard.press("Enter")
    assert large_view(page) == "left"
    assert page.get_by_role("img", name="Left view of Tripod cauldron").is_visible()
    # a shared link opens the same view in the same language
    page.goto("about:blank")
    page.goto(f"{base}objects/{OBJECT_ID}/#lang=zh&view=top")
    wait_for_js(page, f"() => {PAGE} && {PAGE}.doc", what="the page again", log=page_log)
    assert large_view(page) == "top" and page.title() == TITLE["zh"]
    page_log.assert_clean()
    page_log.assert_local_only()


def test_the_turntable_turns_by_mouse_touch_and_arrow_keys(site, serve, page, page_log):
    base = serve(site)
    open_object(page, page_log, base)
    picture = page.locator(".vtour-turntable-picture")
    picture.scroll_into_view_if_needed()
    box = picture.bounding_box()
    cx, cy, w = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, box["width"]
    assert frame_of(page) == 0
    # mouse: dragging left by a quarter of the width shows the frames a quarter turn on
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx - w / 8, cy, steps=4)
    page.mouse.move(cx - w / 4, cy, steps=4)
    page.mouse.up()
    assert frame_of(page) == FRAMES // 4
    assert picture.get_attribute("aria-label") == "Tripod cauldron, turned 90°"
    assert page.locator(".vtour-turntable-value").text_content() == "90°"
    # the frame shown is the strip's frame: the background moved by that many frames
    pos = page.evaluate(
        "() => getComputedStyle(document.querySelector('.vtour-turntable-picture')).backgroundPositionX"
    )
    assert pos.endswith("%") and float(pos[:-1]) == pytest.approx(100 * (FRAMES // 4) / (FRAMES - 1), abs=1e-3), pos
    # the drag gave the slider the focus: the arrow keys go on from there
    page.keyboard.press("ArrowRight")
    assert frame_of(page) == FRAMES // 4 + 1
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert frame_of(page) == FRAMES // 4 - 1
    page.keyboard.press("Home")
    assert frame_of(page) == 0
    # touch: a swipe to the right by half the width turns back half a turn (frame wraps)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5})

    def touch(kind, points):
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": x, "y": y} for x, y in points]})

    touch("touchStart", [(cx - w / 4, cy)])
    for k in range(1, 9):
        touch("touchMove", [(cx - w / 4 + (w / 2) * k / 8, cy)])
    touch("touchEnd", [])
    assert frame_of(page) == FRAMES - FRAMES // 2
    # the slider by keyboard from Tab order: a label names it
    slider = page.get_by_label("Turn the object")
    slider.focus()
    page.keyboard.press("End")
    assert frame_of(page) == FRAMES - 1
    page_log.assert_clean()
    page_log.assert_local_only()


def test_view_in_3d_opens_the_inspector_on_its_coarsest_level(site, serve, page, page_log, shots):
    base = serve(site)
    open_object(page, page_log, base)
    page.get_by_role("button", name="View in 3D").click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    wait_for_js(
        page,
        f"() => {PAGE}.modelView.inspector && {PAGE}.modelView.inspector.levelIndex >= 0",
        what="the inspector's first level",
        timeout_s=40,
        log=page_log,
    )
    assert page.evaluate(f"() => {PAGE}.modelView.loaded")[0] == "model/lod0.glb"
    assert dialog.get_by_role("heading").first.text_content() == TITLE["en"]
    assert hash_of(page) == "#lang=en&view=front&model"
    assert page_log.paths(f"/objects/{OBJECT_ID}/model/lod0.glb")
    assert page_log.paths("/viewer/vtour-model.js")
    # the page behind is inert while the inspector is open
    assert page.evaluate("() => document.querySelector('.vtour-page-content').inert")
    assert axe_violations(page) == []
    frames(page, 3)
    shots(page, "inspector")
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert hash_of(page) == "#lang=en&view=front"
    assert page.evaluate("() => document.activeElement.textContent") == "View in 3D"
    # a shared link opens it again, in Chinese
    page.goto("about:blank")
    page.goto(f"{base}objects/{OBJECT_ID}/#lang=zh&model")
    wait_for_js(
        page,
        f"() => {PAGE} && {PAGE}.modelView.inspector && {PAGE}.modelView.inspector.levelIndex >= 0",
        what="the inspector from the link",
        timeout_s=40,
        log=page_log,
    )
    assert page.get_by_role("dialog").get_by_role("heading").first.text_content() == TITLE["zh"]
    assert page.get_by_role("dialog").get_by_role("button", name="关闭").is_visible()  # its words in Chinese too
    page.keyboard.press("Escape")
    assert page.evaluate("() => document.activeElement.textContent") == "三维查看", (
        "a deep link's close drops the focus"
    )
    page_log.assert_clean()
    page_log.assert_local_only()


def test_a_photo_opens_in_deep_zoom_and_loads_its_tiles(site, serve, page, page_log, shots):
    base = serve(site)
    open_object(page, page_log, base)
    page.get_by_role("button", name=f"Open in deep zoom: {PHOTO_TITLE['en']}").click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    wait_for_js(page, IMAGE_LOADED, what="the photo's tiles", timeout_s=30, log=page_log)
    assert dialog.get_by_role("heading").text_content() == PHOTO_TITLE["en"]
    assert hash_of(page) == "#lang=en&view=front&image=1"
    tiles = [p for p in page_log.paths(f"/objects/{OBJECT_ID}/images/1/") if p.endswith("default.jpg")]
    assert tiles, page_log.urls()
    assert not page_log.urls(r"museum\.example")  # info.json's id is not where the tiles are taken from
    assert axe_violations(page) == []
    frames(page, 3)
    shots(page, "deepzoom")
    page.keyboard.press("Escape")
    assert hash_of(page) == "#lang=en&view=front"
    page.goto("about:blank")
    page.goto(f"{base}objects/{OBJECT_ID}/#image=1")
    wait_for_js(page, f"() => {PAGE} && {PAGE}.imageView.osd", what="the photo from the link", log=page_log)
    wait_for_js(page, IMAGE_LOADED, what="the photo's tiles from the link", timeout_s=30, log=page_log)
    page.keyboard.press("Escape")
    focused = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    assert focused == f"Open in deep zoom: {PHOTO_TITLE['en']}", "a deep link's close drops the focus"
    page_log.assert_clean()
    page_log.assert_local_only()


@pytest.mark.viewport(390, 844)
def test_on_a_phone_the_page_is_one_column(site, serve, page, page_log, shots):
    base = serve(site)
    open_object(page, page_log, base, hash_="#lang=zh")
    media = page.locator(".vtour-object-media").bounding_box()
    docs = page.locator(".vtour-object-documentation").bounding_box()
    assert docs["y"] >= media["y"] + media["height"] - 1  # documentation below the media, not beside
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    assert axe_violations(page) == []
    shots(page, "phone", full_page=True)
    page_log.assert_clean()


def test_hostile_text_is_shown_as_text_and_unsafe_rights_are_not_linked(site, serve, page, page_log, shots):
    base = serve(site)
    open_object(page, page_log, base, oid="evil")
    assert page.title() == HOSTILE
    assert page.get_by_role("heading", level=1).text_content() == HOSTILE
    assert page.locator(".vtour-object-description").text_content() == HOSTILE
    assert page.locator(".vtour-fields script, .vtour-page-content img[src=x]").count() == 0
    assert page.evaluate("() => window.alerts") == []
    assert page.locator("a[rel=license]").count() == 0
    assert "javascript:alert(3)" in page.locator(".vtour-fields").text_content()
    assert page.locator(".vtour-view-caption").text_content() == "Front · units unknown: no scale"
    assert page.locator(".vtour-object-turntable").count() == 0  # no strip, no model: no turntable
    assert axe_violations(page) == []
    shots(page, "evil", full_page=True)
    page_log.assert_clean()
    page_log.assert_local_only()


def test_the_turntable_shows_under_a_folder_named_with_a_space_and_chinese(site, serve, page, page_log):
    base = serve(site)
    page.goto(f"{base}{quote(ODD_FOLDER)}/objects/{OBJECT_ID}/")
    wait_for_js(page, f"() => {PAGE} && {PAGE}.turntable", what="the object page", log=page_log)
    css = page.evaluate("() => getComputedStyle(document.querySelector('.vtour-turntable-picture')).backgroundImage")
    assert "%25" not in css, f"the strip's URL is encoded twice: {css}"
    strip = css[len('url("') : -len('")')]
    loaded = page.evaluate(
        "(u) => new Promise((ok) => { const i = new Image(); i.onload = () => ok(i.naturalWidth);"
        " i.onerror = () => ok(0); i.src = u; })",
        strip,
    )
    assert loaded > 0, f"the turntable strip {strip} does not load"
    page_log.assert_clean()


def test_the_view_buttons_show_the_small_views(site, serve, page, page_log):
    open_object(page, page_log, serve(site))
    sources = page.eval_on_selector_all(".vtour-view-button img", "is => is.map((i) => i.getAttribute('src'))")
    assert sources and all("/views/small/" in s for s in sources), sources
    assert page.locator(".vtour-view-large-image").get_attribute("src").endswith("/views/front.jpg")


def test_an_exhibition_object_page_links_back_to_the_exhibition(site, serve, page, page_log):
    doc = json.loads((site / "objects" / OBJECT_ID / "object.json").read_text(encoding="utf-8"))
    doc["collection"] = {**doc["collection"], "kind": "exhibition", "catalogue": "../../story/index.html"}
    body = json.dumps(doc)
    page.route(
        f"**/objects/{OBJECT_ID}/object.json",
        lambda r: r.fulfill(status=200, body=body, content_type="application/json"),
    )
    open_object(page, page_log, serve(site), hash_="#lang=zh")
    assert page.locator(".vtour-page-back").text_content().startswith("返回展览：")
    page.get_by_label("语言").select_option("en")
    assert page.locator(".vtour-page-back").text_content().startswith("Back to the exhibition: ")


def _contrast(a, b) -> float:
    def lum(rgb):
        c = [x / 255 for x in rgb]
        c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_focus_ring_stands_out_and_links_are_24_px_targets(site, serve, page, page_log):
    open_object(page, page_log, serve(site))
    page.focus(".vtour-page-back")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # a keyboard focus: :focus-visible
    colour = page.evaluate("() => getComputedStyle(document.activeElement).outlineColor")
    rgb = [int(v) for v in colour[colour.index("(") + 1 : colour.index(")")].split(",")[:3]]
    for background in [(0xF6, 0xF5, 0xF2), (255, 255, 255), (0xE9, 0xE6, 0xDF), (0xE6, 0xEF, 0xFF)]:
        assert _contrast(rgb, background) >= 3, (colour, background)
    for selector in [".vtour-page-back", "a[rel=license]", ".vtour-page-footer a"]:
        box = page.locator(selector).first.bounding_box()
        assert box["height"] >= 24, (selector, box)
