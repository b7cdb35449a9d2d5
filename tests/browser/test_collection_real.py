"""The collection issue's finish line on real, built output (collection_real_site.py: nothing made by hand): a
synthetic 8-object collection of the shared meshes, a partner's 4-object collection built and imported back
through its IIIF, and a two-room exhibition of both, all built by vtour with their IIIF ids under the test
server's URL and served from one local server (/bronzes/, /imported/, /silk-road/), in Chromium.

- the catalogue: an English word, a Chinese word and a single Chinese character find the objects Python
  computes from collection.yaml; a facet; the hash carries the query and a reload restores it; a card opens
  its object page;
- an object page: English and Chinese, the six views (their files on disk are what the page shows), the
  turntable by arrow keys, "View in 3D" on its coarsest level, a photo's deep zoom (info.json's id is its
  served URL);
- an imported object's page: its photo came back through IIIF and opens in deep zoom;
- the exhibition: the tour opens room 1, its model hotspot opens the inspector, its door leads to room 2; the
  story page lists both rooms, credits every object's museum and rights, and its object links resolve.

Every page is axe-core clean, no request fails and none leaves 127.0.0.1. Screenshots (EN, ZH, phone) of the
catalogue, an object page, the tour's room 1 and the story page: tests/artifacts/collection_real/
({catalogue,object,story}-{en,zh}, tour-room1-{en,zh}, phone-{catalogue,object,story,tour-room1}-zh, and the
dialogs: object-inspector, object-deepzoom, imported-deepzoom, tour-room1-inspector, tour-room2-en).
"""

from __future__ import annotations

import base64
import json
import urllib.parse

import cv2
import numpy as np
import pytest
from collection_real_site import EXHIBITION_ID, ROOM_1, ROOM_2, build_real_site
from helpers import axe_violations, frames, open_tour, png_to_rgb, start_server, wait_for_js

from vtour.collection.catalogue import catalogue_record, facet_key, record_terms
from vtour.collection.document import read_collection
from vtour.collection.search_text import query_terms, word_forms
from vtour.collection.views import VIEW_NAMES

pytestmark = [pytest.mark.browser, pytest.mark.shared_data, pytest.mark.viewport(1100, 800)]

CATALOGUE = "window.vtourCatalogue"
PAGE = "document.querySelector('.vtour-object').vtourPage"
STORY = "document.querySelector('.vtour-story').vtourPage"
#: The deep-zoom dialog's OpenSeadragon has drawn every tile it wants.
IMAGE_LOADED = f"""() => {{ const o = {PAGE}.imageView.osd; const item = o && o.world.getItemAt(0);
  return !!item && item.getFullyLoaded(); }}"""
#: Every picture of the page (lazy ones too, once scrolled to) decoded, none broken.
ALL_IMAGES = "() => [...document.images].every((i) => i.complete && i.naturalWidth > 0)"
#: An <img>'s pixels at natural size, as a PNG data URL (same origin: the canvas is not tainted).
IMG_PNG = """(img) => { const c = document.createElement('canvas'); c.width = img.naturalWidth;
  c.height = img.naturalHeight; c.getContext('2d').drawImage(img, 0, 0); return c.toDataURL('image/png'); }"""


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """The built site (collection_real_site.RealSite) and its server, for the whole module."""
    root = tmp_path_factory.mktemp("collection-real")
    (root / "site").mkdir()
    server, base = start_server({"/": root / "site"})
    try:
        site = build_real_site(root, base)
        print(f"\nbuilt in {', '.join(f'{k} {v:.1f} s' for k, v in site.seconds.items())}")
        yield site
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def shots(artifact_dir):
    folder = artifact_dir / "collection_real"
    folder.mkdir(parents=True, exist_ok=True)

    def shot(page, name, **kwargs):
        path = folder / f"{name}.png"
        path.write_bytes(page.screenshot(**kwargs))
        return path

    return shot


# ---------------------------------------------------------------------------------------------------
# Helpers


def records_of(real) -> list[dict]:
    """The catalogue's records as Python makes them from bronzes' collection.yaml."""
    collection, problems = read_collection(real.root / "bronzes" / "collection.yaml")
    assert problems == []
    return [catalogue_record(collection, o, thumb=None) for o in collection.objects]


def matches(records, query: str, period: str | None = None) -> list[str]:
    """The ids a query (and a period facet key) select, computed in Python: the page must agree."""
    plan = query_terms(query)
    out = []
    for r in records:
        terms = record_terms(r)
        if not all(set(forms) & terms for forms in plan["terms"]):  # each word in one of its forms
            continue
        prefix = plan["prefix"]
        if prefix and not any(t.startswith(prefix) for t in terms) and not set(word_forms(prefix)) & terms:
            continue
        if period is not None and facet_key(r["period"], ("en", "zh")) != period:
            continue
        out.append(r["id"])
    return out


def pick(records, candidates) -> tuple[str, list[str]]:
    """The first candidate query that selects some but not all records, and the ids it selects."""
    for query in candidates:
        found = matches(records, query)
        if 0 < len(found) < len(records):
            return query, found
    raise AssertionError(f"no query among {candidates[:20]} selects a strict subset")


def wait_catalogue(page, log, hash_: str, searches: int = 1):
    wait_for_js(
        page,
        f"() => {CATALOGUE} && {CATALOGUE}.ready && {CATALOGUE}.searches >= {searches}"
        f" && {CATALOGUE}.hash === {hash_!r}",
        what=f"the catalogue's results for #{hash_}",
        log=log,
    )


def card_ids(page) -> list[str]:
    return page.eval_on_selector_all(".vc-card a", "as => as.map(a => a.getAttribute('href').split('/')[1])")


def load_all_images(page, log) -> None:
    """Scroll every (lazy) picture into view, wait for all to decode, and go back to the top."""
    for img in page.locator("img").all():
        if img.is_visible():
            img.scroll_into_view_if_needed()
    wait_for_js(page, ALL_IMAGES, what="every picture of the page", timeout_s=30, log=log)
    page.evaluate("() => window.scrollTo(0, 0)")
    frames(page)


def open_object(page, log, url: str) -> None:
    page.goto(url)
    wait_for_js(page, f"() => {PAGE} && {PAGE}.doc", what="the object page", log=log)
    page.evaluate(f"() => {PAGE}.ready")
    load_all_images(page, log)


def open_story(page, log, url: str) -> None:
    page.goto(url)
    wait_for_js(page, f"() => {STORY} && {STORY}.doc", what="the story page", log=log)
    page.evaluate(f"() => {STORY}.ready")
    load_all_images(page, log)


def open_deep_zoom(page, log, base_path: str) -> list[str]:
    """Open the page's first photo in deep zoom; return the tile paths fetched under ``base_path``."""
    page.locator(".vtour-photo-button").first.click()
    page.get_by_role("dialog").wait_for()
    wait_for_js(page, IMAGE_LOADED, what="the photo's tiles", timeout_s=40, log=log)
    tiles = [p for p in log.paths(base_path) if p.endswith("/default.jpg")]
    assert tiles, log.urls()
    return tiles


def credit(doc: dict, obj: dict) -> tuple[dict, str]:
    """An object's museum and rights (its own, else the collection's)."""
    return obj.get("museum") or doc.get("museum"), obj.get("rights") or doc.get("rights")


def clean(page, log) -> None:
    assert axe_violations(page) == []
    log.assert_clean()
    log.assert_local_only()


# ---------------------------------------------------------------------------------------------------
# The catalogue


@pytest.mark.viewport(1024, 768)
def test_the_catalogue_searches_english_chinese_and_a_character_filters_and_keeps_the_hash(real, page, page_log, shots):
    records = records_of(real)
    ids = [r["id"] for r in records]
    base = f"{real.base}bronzes/"
    page.goto(f"{base}index.html")
    wait_catalogue(page, page_log, "")
    assert card_ids(page) == ids
    load_all_images(page, page_log)
    shots(page, "catalogue-en", full_page=True)
    assert axe_violations(page) == []

    # an English word of one object's title, typed whole (a space after it)
    words = [w.lower() for r in records for w in r["title"]["en"].replace(",", " ").split() if len(w) >= 4]
    word, expected = pick(records, [f"{w} " for w in words])
    page.focus("#vc-q")
    page.keyboard.type(word)
    wait_catalogue(page, page_log, f"q={urllib.parse.quote_plus(word)}")
    assert card_ids(page) == expected, word
    print(f"\n{word!r} -> {expected}")
    # a Chinese word (two characters: a material's name, else two of a title's characters) and a single
    # Chinese character of a title that finds other objects than the word
    titles = [r["title"]["zh"] for r in records]
    materials = [r["material"]["zh"] for r in records if len(r["material"]["zh"]) == 2]
    bigram, expected_2 = pick(records, materials + [t[k : k + 2] for t in titles for k in range(len(t) - 1)])
    single, expected_1 = pick(records, [c for t in titles for c in t if matches(records, c) != expected_2])
    for query, expected in ((bigram, expected_2), (single, expected_1)):
        page.fill("#vc-q", query)
        wait_catalogue(page, page_log, f"q={urllib.parse.quote_plus(query)}")
        assert card_ids(page) == expected, query
        print(f"{query!r} -> {expected}")

    # a facet narrows the English word's results
    in_word = [r for r in records if r["id"] in matches(records, word)]
    period = next(
        key
        for key in (facet_key(r["period"], ("en", "zh")) for r in in_word)
        if 0 < len(matches(records, word, key)) < len(in_word)
    )
    expected = matches(records, word, period)
    page.fill("#vc-q", word)
    page.select_option("#vc-f-period", period)
    hash_ = f"q={urllib.parse.quote_plus(word)}&period={urllib.parse.quote_plus(period)}"
    wait_catalogue(page, page_log, hash_)
    assert card_ids(page) == expected
    assert page.evaluate("location.hash") == f"#{hash_}"
    print(f"{word!r} + period {period!r} -> {expected}")
    # the reload restores the query and the filter from the hash
    page.reload()
    wait_catalogue(page, page_log, hash_)
    assert card_ids(page) == expected
    assert page.input_value("#vc-q") == word and page.input_value("#vc-f-period") == period
    # Chinese: the interface and the cards' texts switch
    page.click("button[lang=zh]")
    wait_catalogue(page, page_log, f"{hash_}&lang=zh")
    assert page.evaluate("document.documentElement.lang") == "zh"
    first = next(r for r in records if r["id"] == expected[0])
    assert page.text_content(".vc-card h2") == first["title"]["zh"]
    page.fill("#vc-q", "")
    wait_catalogue(page, page_log, f"period={urllib.parse.quote_plus(period)}&lang=zh")
    page.select_option("#vc-f-period", "")
    wait_catalogue(page, page_log, "lang=zh")
    load_all_images(page, page_log)
    shots(page, "catalogue-zh", full_page=True)
    assert axe_violations(page) == []

    # a result card opens its object page
    page.locator(".vc-card a").nth(1).click()
    page.wait_for_url(f"{base}objects/{ids[1]}/**")
    wait_for_js(page, f"() => {PAGE} && {PAGE}.doc", what="the object page from its card", log=page_log)
    assert page.evaluate(f"() => {PAGE}.doc.id") == ids[1]
    clean(page, page_log)


# ---------------------------------------------------------------------------------------------------
# An object page


def test_an_object_page_in_english_and_chinese_views_turntable_inspector_and_deep_zoom(real, page, page_log, shots):
    obj = real.bronzes["objects"][0]
    oid, base = obj["id"], f"{real.base}bronzes/objects/{obj['id']}/"
    out = real.site / "bronzes" / "objects" / oid
    open_object(page, page_log, base)
    assert page.title() == obj["title"]["en"]
    assert page.get_by_role("heading", level=1).text_content() == obj["title"]["en"]
    assert page.locator(".vtour-object-description").text_content() == obj["description"]["en"]
    en_values = page.locator(".vtour-fields dd").all_text_contents()
    assert obj["period"]["en"] in en_values and obj["material"]["en"] in en_values
    # the six views: every picture (the thumbnails and the large one) loaded
    assert page.locator(".vtour-view-button").count() == 6
    sizes = page.eval_on_selector_all(".vtour-object-views img", "is => is.map(i => i.naturalWidth)")
    assert len(sizes) == 7 and min(sizes) > 0, sizes
    assert axe_violations(page) == []
    shots(page, "object-en", full_page=True)

    # the turntable by arrow keys
    slider = page.get_by_label("Turn the object")
    slider.focus()
    assert page.evaluate(f"() => {PAGE}.turntable.frame") == 0
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.evaluate(f"() => {PAGE}.turntable.frame") == 2
    page.keyboard.press("ArrowLeft")
    assert page.evaluate(f"() => {PAGE}.turntable.frame") == 1
    degrees = round(360 / real.bronzes["views"]["turntable"])
    assert page.locator(".vtour-turntable-value").text_content() == f"{degrees}°"

    # View in 3D: the inspector on the coarsest level
    page.get_by_role("button", name="View in 3D").click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    wait_for_js(
        page,
        f"() => {PAGE}.modelView.inspector && {PAGE}.modelView.inspector.levelIndex >= 0",
        what="the inspector's first level",
        timeout_s=60,
        log=page_log,
    )
    assert page.evaluate(f"() => {PAGE}.modelView.loaded")[0] == "model/lod0.glb"
    assert page_log.paths(f"/bronzes/objects/{oid}/model/lod0.glb")
    assert axe_violations(page) == []
    frames(page, 3)
    shots(page, "object-inspector")
    page.keyboard.press("Escape")
    assert not dialog.is_visible()

    # a photo in deep zoom: its info.json's id is the URL it is served from (the build's base_url)
    info_url = f"{base}images/1"
    info = json.loads((out / "images" / "1" / "info.json").read_text("utf-8"))
    assert info["id"] == info_url
    assert page.evaluate("(u) => fetch(u).then((r) => r.json()).then((j) => j.id)", f"{info_url}/info.json") == info_url
    tiles = open_deep_zoom(page, page_log, f"/bronzes/objects/{oid}/images/1/")
    assert page_log.status_of(f"{info_url}/info.json") == 200
    print(f"\ndeep zoom: {len(tiles)} tiles, e.g. {tiles[0]}")
    assert axe_violations(page) == []
    frames(page, 3)
    shots(page, "object-deepzoom")
    page.keyboard.press("Escape")

    # Chinese: the texts change
    page.get_by_label("Language").select_option("zh")
    wait_for_js(page, "() => location.hash.startsWith('#lang=zh')", what="the hash in Chinese", log=page_log)
    assert page.title() == obj["title"]["zh"]
    assert page.get_by_role("heading", level=1).text_content() == obj["title"]["zh"]
    assert page.locator(".vtour-object-description").text_content() == obj["description"]["zh"]
    zh_values = page.locator(".vtour-fields dd").all_text_contents()
    assert obj["period"]["zh"] in zh_values and zh_values != en_values
    load_all_images(page, page_log)
    assert axe_violations(page) == []
    shots(page, "object-zh", full_page=True)
    clean(page, page_log)


def test_the_six_views_on_disk_are_what_the_object_page_shows(real, page, page_log):
    obj = real.bronzes["objects"][1]
    oid, base = obj["id"], f"{real.base}bronzes/objects/{obj['id']}/"
    out = real.site / "bronzes" / "objects" / oid
    open_object(page, page_log, base)
    thumbs = page.eval_on_selector_all(".vtour-view-button img", "is => is.map(i => i.src)")
    assert thumbs == [f"{base}views/small/{name}.jpg" for name in VIEW_NAMES]  # the small views as buttons
    large = page.locator(".vtour-view-large-image")
    for name in VIEW_NAMES:
        page.locator(f".vtour-view-button[data-view={name}]").click()
        wait_for_js(page, "() => document.querySelector('.vtour-view-large-image').complete", what=f"{name} loaded")
        assert large.get_attribute("src").endswith(f"views/{name}.jpg")
        assert large.evaluate("(i) => i.src") == f"{base}views/{name}.jpg"
        shown = png_to_rgb(base64.b64decode(large.evaluate(IMG_PNG).split(",", 1)[1])).astype(np.float64)
        disk = cv2.imread(str(out / "views" / f"{name}.jpg"), cv2.IMREAD_COLOR)[:, :, ::-1].astype(np.float64)
        assert shown.shape == disk.shape == (real.bronzes["views"]["size"],) * 2 + (3,), name
        assert np.abs(shown - disk).mean() < 2.0, name  # the same JPEG (decoders differ by a level or so)
        assert disk.std() > 5, f"{name} view is blank"
    page_log.assert_clean()
    page_log.assert_local_only()


def test_an_imported_object_page_shows_its_photo_that_came_back_through_iiif(real, page, page_log, shots):
    obj = real.imported["objects"][0]
    oid, base = obj["id"], f"{real.base}imported/objects/{obj['id']}/"
    assert obj["images"] and obj["images"][0].startswith("images/")  # joined back from the partner's tiles
    # the partner's photo, whole: joined again from its published tiles, at its full resolution
    partner_photo = cv2.imread(str(real.root / "partner" / "photos" / f"{oid}-1.jpg"), cv2.IMREAD_COLOR)
    info = json.loads((real.site / "imported" / "objects" / oid / "images" / "1" / "info.json").read_text("utf-8"))
    assert (info["width"], info["height"]) == (partner_photo.shape[1], partner_photo.shape[0])
    assert info["id"] == f"{base}images/1"
    open_object(page, page_log, base)
    assert page.get_by_role("heading", level=1).text_content() == obj["title"]["en"]
    museum, rights = credit(real.imported, obj)
    assert museum["en"] in page.locator(".vtour-fields").text_content()
    assert page.locator("a[rel=license]").get_attribute("href") == rights
    assert page.locator(".vtour-view-button").count() == 6  # its scan came back too: six views rendered again
    assert axe_violations(page) == []
    open_deep_zoom(page, page_log, f"/imported/objects/{oid}/images/1/")
    frames(page, 3)
    shots(page, "imported-deepzoom")
    assert axe_violations(page) == []
    page_log.assert_clean()
    page_log.assert_local_only()


# ---------------------------------------------------------------------------------------------------
# The exhibition


def test_the_exhibition_tour_opens_room_1_its_model_and_the_door_to_room_2(real, page, page_log, shots):
    base = f"{real.base}{EXHIBITION_ID}/"
    tour = json.loads((real.site / EXHIBITION_ID / "tour.json").read_text("utf-8"))
    scenes = {s["id"]: s for s in tour["scenes"]}
    assert list(scenes) == [ROOM_1, ROOM_2]
    models = {m["id"]: m for m in tour["models"]}
    open_tour(page, page_log, base)
    assert page.evaluate("() => window.vtour.sceneId") == ROOM_1
    assert page.inner_text(".vtour-scene-title") == real.exhibition["rooms"][0]["title"]["en"]
    assert axe_violations(page) == []
    shots(page, "tour-room1-en")

    # a model hotspot opens the inspector on the scan's coarsest level
    hotspot = next(h for h in scenes[ROOM_1]["hotspots"] if h["type"] == "model")
    page.evaluate("(h) => window.vtour.setView({yaw: h.yaw, pitch: h.pitch})", hotspot)
    frames(page)
    page.get_by_role("button", name=hotspot["title"]["en"], exact=True).click()
    page.get_by_role("dialog").wait_for()
    wait_for_js(
        page, "() => window.vtour.modelView.loaded.length >= 1", what="the coarse level", timeout_s=60, log=page_log
    )
    assert page.evaluate("() => window.vtour.modelView.loaded[0]") == models[hotspot["target"]]["lods"][0]["path"]
    assert axe_violations(page) == []
    frames(page, 3)
    shots(page, "tour-room1-inspector")
    page.keyboard.press("Escape")
    assert not page.get_by_role("dialog").is_visible()

    # the door to room 2
    door = next(h for h in scenes[ROOM_1]["hotspots"] if h["type"] == "link")
    assert door["target"] == ROOM_2
    page.evaluate("(h) => window.vtour.setView({yaw: h.yaw, pitch: h.pitch})", door)
    frames(page)
    page.get_by_role("button", name=real.exhibition["rooms"][1]["title"]["en"], exact=True).click()
    wait_for_js(
        page,
        f"() => window.vtour.sceneId === {ROOM_2!r} && window.vtour.timing.sharp",
        what="room 2 after the door",
        timeout_s=30,
        log=page_log,
    )
    wait_for_js(page, f"() => location.hash.includes('scene={ROOM_2}')", what="the URL", log=page_log)
    frames(page)
    shots(page, "tour-room2-en")
    assert axe_violations(page) == []

    # room 1 in Chinese, from a link
    page.goto("about:blank")
    open_tour(page, page_log, base, f"#scene={ROOM_1}&lang=zh")
    assert page.inner_text(".vtour-scene-title") == real.exhibition["rooms"][0]["title"]["zh"]
    shots(page, "tour-room1-zh")
    clean(page, page_log)


def _story_objects(real):
    """(room, collection doc, object) of every object of the exhibition, in order."""
    by_id = {
        "bronzes": (real.bronzes, {o["id"]: o for o in real.bronzes["objects"]}),
        real.imported["id"]: (real.imported, {o["id"]: o for o in real.imported["objects"]}),
    }
    out = []
    for room in real.exhibition["rooms"]:
        for ref in room["objects"]:
            cid, oid = ref.split(":")
            doc, objects = by_id[cid]
            out.append((room, doc, objects[oid]))
    return out


def test_the_story_page_lists_both_rooms_credits_every_object_and_links_its_pages(real, page, page_log, shots):
    base = f"{real.base}{EXHIBITION_ID}/story/"
    open_story(page, page_log, base)
    rooms = real.exhibition["rooms"]
    assert page.get_by_role("heading", level=1).text_content() == real.exhibition["title"]["en"]
    assert page.locator(".vtour-story-room h2").all_text_contents() == [r["title"]["en"] for r in rooms]
    expected = _story_objects(real)
    cards = page.locator(".vtour-card")
    assert cards.count() == len(expected)
    links = []
    for i, (room, doc, obj) in enumerate(expected):
        card = cards.nth(i)
        assert card.evaluate("(c) => c.closest('[data-room]').dataset.room") == room["id"]
        assert card.locator(".vtour-card-title").text_content() == obj["title"]["en"]
        museum, rights = credit(doc, obj)
        assert museum["en"] in card.locator(".vtour-card-credit").text_content(), obj["id"]
        assert card.locator("a[rel=license]").get_attribute("href") == rights, obj["id"]
        assert card.locator("a[rel=license]").text_content().strip(), obj["id"]
        links.append(card.locator(".vtour-card-title a").evaluate("(a) => a.href"))
    assert axe_violations(page) == []
    shots(page, "story-en", full_page=True)
    # every object link resolves
    for url in links:
        assert url.startswith(f"{real.base}{EXHIBITION_ID}/objects/"), url
        assert page.request.get(url).status == 200, url
        assert page.request.get(urllib.parse.urljoin(url, "object.json")).status == 200, url
    # Chinese
    page.get_by_label("Language").select_option("zh")
    wait_for_js(page, "() => location.hash === '#lang=zh'", what="the story in Chinese", log=page_log)
    assert page.locator(".vtour-story-room h2").all_text_contents() == [r["title"]["zh"] for r in rooms]
    for i, (_, doc, obj) in enumerate(expected):
        museum, _ = credit(doc, obj)
        assert museum["zh"] in cards.nth(i).locator(".vtour-card-credit").text_content(), obj["id"]
    frames(page)
    shots(page, "story-zh", full_page=True)
    # a card's link opens that object's page, which works
    cards.nth(len(expected) - 1).locator(".vtour-card-title a").click()
    wait_for_js(page, f"() => {PAGE} && {PAGE}.doc", what="the exhibition's object page", log=page_log)
    assert page.get_by_role("heading", level=1).text_content() == expected[-1][2]["title"]["zh"]
    load_all_images(page, page_log)
    clean(page, page_log)


# ---------------------------------------------------------------------------------------------------
# On a phone


@pytest.mark.viewport(390, 844)
def test_on_a_phone_the_catalogue_object_tour_and_story_fit(real, page, page_log, shots):
    obj = real.bronzes["objects"][2]
    pages = [
        ("catalogue", f"{real.base}bronzes/index.html#lang=zh"),
        ("object", f"{real.base}bronzes/objects/{obj['id']}/#lang=zh"),
        ("story", f"{real.base}{EXHIBITION_ID}/story/#lang=zh"),
    ]
    for name, url in pages:
        page.goto("about:blank")
        if name == "catalogue":
            page.goto(url)
            wait_catalogue(page, page_log, "lang=zh")
            load_all_images(page, page_log)
        elif name == "object":
            open_object(page, page_log, url)
        else:
            open_story(page, page_log, url)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"the {name} page scrolls sideways on a phone ({width} px)"
        assert axe_violations(page) == [], name
        shots(page, f"phone-{name}-zh", full_page=True)
    page.goto("about:blank")
    open_tour(page, page_log, f"{real.base}{EXHIBITION_ID}/", f"#scene={ROOM_1}&lang=zh")
    assert axe_violations(page) == []
    shots(page, "phone-tour-room1-zh")
    clean(page, page_log)
