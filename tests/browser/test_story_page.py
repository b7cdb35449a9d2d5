"""An exhibition's story page (vtour/collection/page.py's story_html, vtour-object.js's mountStory) on
object_site.py's two-room story, in Chromium: the title, introduction, rooms' contents, each room's text, its
"walk through this room" link into the tour and its objects as cards in English and Chinese (the hash follows),
every object crediting its museum and rights, links to the object pages, hostile text as text, axe-core clean,
one column on a phone.

Screenshots: tests/artifacts/story_page/{en,zh,phone}.png.
"""

from __future__ import annotations

import pytest
from helpers import axe_violations, frames, wait_for_js
from object_site import HOSTILE, STORY, object_site

pytestmark = [pytest.mark.browser, pytest.mark.viewport(1000, 800)]

PAGE = "document.querySelector('.vtour-story').vtourPage"
OBJECTS = [o for room in STORY["rooms"] for o in room["objects"]]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return object_site(tmp_path_factory.mktemp("story_site"))


@pytest.fixture
def shots(artifact_dir):
    folder = artifact_dir / "story_page"
    folder.mkdir(parents=True, exist_ok=True)

    def shot(page, name, **kwargs):
        path = folder / f"{name}.png"
        path.write_bytes(page.screenshot(**kwargs))
        return path

    return shot


def open_story(page, log, base, hash_=""):
    page.add_init_script("window.alerts = []; window.alert = (m) => window.alerts.push(String(m));")
    page.goto(f"{base}story/{hash_}")
    wait_for_js(page, f"() => {PAGE} && {PAGE}.doc", what="the story page", log=log)
    page.evaluate(f"() => {PAGE}.ready")
    for img in page.locator("img").all():  # the cards' pictures are lazy: load them all for the screenshots
        img.scroll_into_view_if_needed()
    wait_for_js(
        page, "() => [...document.images].every((i) => i.complete && i.naturalWidth > 0)", what="the pictures", log=log
    )
    page.evaluate("() => window.scrollTo(0, 0)")
    frames(page)


def texts(page, selector):
    return page.locator(selector).all_text_contents()


def assert_cards(page, lang):
    cards = page.locator(".vtour-card")
    assert cards.count() == len(OBJECTS)
    for i, o in enumerate(OBJECTS):
        card = cards.nth(i)
        title = o["title"].get(lang, o["title"]["en"])
        assert card.locator(".vtour-card-title").text_content() == title
        # every object credits its museum and rights
        museum = o["museum"].get(lang, o["museum"]["en"])
        assert museum in card.locator(".vtour-card-credit").text_content()
        licence = card.locator("a[rel=license]")
        assert licence.get_attribute("href") == o["rights"]
        if o["image"]:
            assert card.locator("img").get_attribute("alt") == title
        if o["page"]:
            link = card.locator(".vtour-card-title a")
            assert link.get_attribute("href") == f"{o['page']}#lang={lang}"


def test_the_story_shows_rooms_and_credited_objects_in_english_and_chinese(site, serve, page, page_log, shots):
    base = serve(site)
    open_story(page, page_log, base)
    assert page.title() == STORY["title"]["en"]
    assert page.get_by_role("heading", level=1).text_content() == STORY["title"]["en"]
    assert page.locator(".vtour-story-intro").text_content() == STORY["description"]["en"]
    rooms = [r["title"]["en"] for r in STORY["rooms"]]
    assert texts(page, ".vtour-story-toc a") == rooms
    assert texts(page, ".vtour-story-room h2") == rooms
    assert page.locator(".vtour-story-text").first.text_content() == STORY["rooms"][0]["text"]["en"]
    walks = page.get_by_role("link", name="Walk through this room")
    assert [walks.nth(i).get_attribute("href") for i in range(walks.count())] == [
        f"../tour/index.html#scene={r['scene']}&lang=en" for r in STORY["rooms"]
    ]
    assert (
        page.get_by_role("link", name="Walk through the exhibition").get_attribute("href")
        == "../tour/index.html#lang=en"
    )
    assert_cards(page, "en")
    assert texts(page, ".vtour-card a[rel=license]") == ["CC BY 4.0", "InC 1.0", "CC0 1.0"]
    assert (
        page.locator(".vtour-card-facts").first.text_content()
        == "Date: 11th century BCEPeriod: Western ZhouMaterial: bronze"
    )
    assert page.evaluate("() => location.hash") == "#lang=en"
    assert axe_violations(page) == []
    shots(page, "en", full_page=True)

    page.get_by_label("Language").select_option("zh")
    wait_for_js(page, "() => location.hash === '#lang=zh'", what="the hash in Chinese", log=page_log)
    assert page.title() == STORY["title"]["zh"]
    assert page.evaluate("() => document.documentElement.lang") == "zh"
    assert texts(page, ".vtour-story-room h2") == [r["title"]["zh"] for r in STORY["rooms"]]
    assert (
        page.get_by_role("link", name="漫游此展厅").first.get_attribute("href")
        == "../tour/index.html#scene=ritual&lang=zh"
    )
    assert_cards(page, "zh")
    assert axe_violations(page) == []
    frames(page)
    shots(page, "zh", full_page=True)
    page_log.assert_clean()
    page_log.assert_local_only()


def test_contents_links_go_to_rooms_and_links_reach_the_object_pages(site, serve, page, page_log):
    base = serve(site)
    open_story(page, page_log, base, "#lang=zh")
    page.get_by_role("link", name="贸易与旅行").click()
    assert page.evaluate("() => location.hash") == "#lang=zh&room=trade"
    assert page.evaluate("() => document.activeElement.textContent") == "贸易与旅行"
    # a shared link scrolls to its room
    page.goto("about:blank")
    page.goto(f"{base}story/#lang=en&room=trade")
    wait_for_js(page, f"() => {PAGE} && {PAGE}.doc", what="the story again", log=page_log)
    top = page.evaluate("() => document.querySelector('[data-room=trade] h2').getBoundingClientRect().top")
    assert 0 <= top < 50, top
    page.locator(".vtour-card-title a").first.click()
    page.wait_for_url(f"{base}objects/ding-01/**")
    wait_for_js(
        page, "() => document.querySelector('.vtour-object').vtourPage.doc", what="the object page", log=page_log
    )
    assert page.title() == "Tripod cauldron"
    page_log.assert_clean()
    page_log.assert_local_only()


def test_hostile_story_text_is_shown_as_text(site, serve, page, page_log):
    base = serve(site)
    open_story(page, page_log, base)
    evil = page.locator(".vtour-card[data-object=evil]")
    assert evil.locator(".vtour-card-title").text_content() == HOSTILE
    assert evil.locator(".vtour-card-description").text_content() == HOSTILE
    assert evil.locator("img").get_attribute("alt") == HOSTILE
    assert page.locator("main script, main img[src=x]").count() == 0
    assert page.evaluate("() => window.alerts") == []
    page_log.assert_clean()


@pytest.mark.viewport(390, 844)
def test_on_a_phone_the_story_is_one_column(site, serve, page, page_log, shots):
    base = serve(site)
    open_story(page, page_log, base, "#lang=zh")
    cards = page.locator(".vtour-card")
    a, b = cards.nth(1).bounding_box(), cards.nth(2).bounding_box()
    assert b["y"] >= a["y"] + a["height"] - 1 and abs(a["x"] - b["x"]) < 1
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
    shots(page, "phone", full_page=True)
    page_log.assert_clean()


@pytest.mark.viewport(390, 844)
def test_links_in_the_contents_cards_and_credits_are_24_px_targets(site, serve, page, page_log):
    open_story(page, page_log, serve(site))
    selectors = [".vtour-story-toc a", ".vtour-card-title a", ".vtour-card-credit a"]
    for selector in selectors:
        boxes = page.eval_on_selector_all(selector, "as => as.map((a) => a.getBoundingClientRect().height)")
        assert boxes and min(boxes) >= 24, (selector, boxes)
    page_log.assert_clean()
