"""vtour's own viewer in its static site (index.html + viewer/ from vtour.site.write_site), headless Chromium.

The tour (tests/browser/viewer_tour.py) has a synthetic panorama whose cube faces have known colours and
a darker mark in each face's upper-left quadrant, so a flipped, rotated or misplaced face is caught.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from vtour.pano.codec import DEFAULT_TILE_FORMAT, TILE_FORMATS
from helpers import frames, open_tour, region_mean, wait_for_js
from reference import FACE_COLOURS, centre_tile, synthetic_colour, view_directions
from viewer_tour import XSS_TITLE

pytestmark = [pytest.mark.browser, pytest.mark.viewport(640, 480)]
W, H = 640, 480


def expected(yaw, pitch, fov, fx, fy):
    return synthetic_colour(*view_directions(yaw, pitch, fov, W, H, np.array([fx]), np.array([fy])))[0]


VIEWS = [("front", 0, 0, "f"), ("right", 90, 0, "r"), ("back", 180, 0, "b"), ("left", -90, 0, "l"),
         ("up", 0, 90, "u"), ("down", 0, -90, "d")]
POINTS = [(0.5, 0.5), (0.3, 0.3), (0.7, 0.3), (0.3, 0.7), (0.7, 0.7)]


def test_first_view_shows_each_face_where_the_conventions_put_it(viewer_site, serve, page, page_log, screenshot):
    base = serve(viewer_site)
    open_tour(page, page_log, base)
    failures = []
    for name, yaw, pitch, face in VIEWS:
        page.evaluate(f"() => window.vtour.setView({{yaw: {yaw}, pitch: {pitch}, fov: 70}})")
        wait_for_js(page, "() => window.vtour.stats().sharpNow", what=f"{name} sharp", log=page_log)
        frames(page)
        # hide hotspots and toolbar so they do not cover the sampled points
        page.add_style_tag(content=".vtour-hotspots, .vtour-toolbar, .vtour-scene-title { display: none !important; }")
        _, rgb = screenshot(page, name, as_array=True)
        assert page.evaluate("() => window.vtour.stats().level") == 2  # 1024 px faces at 480 px, fov 70
        for fx, fy in POINTS:
            want = expected(yaw, pitch, 70, fx, fy)
            got = region_mean(rgb, fx, fy, half=5)
            if np.abs(got - want).max() > 30:
                failures.append(f"{name} at ({fx}, {fy}): got {got.round()}, expected {want.round()}")
        centre = region_mean(rgb, 0.5, 0.5)
        assert np.abs(centre - FACE_COLOURS[face]).max() < 30, (name, centre)
    assert not failures, "\n".join(failures)
    page_log.assert_clean()
    page_log.assert_local_only()


#: The tiles' file extension: build_pano's default format (AVIF).
TILE_EXT = TILE_FORMATS[DEFAULT_TILE_FORMAT]


@pytest.mark.parametrize("fov,level", [(70, 2), (100, 1)])
def test_only_the_tiles_in_view_at_the_matching_level_are_requested(fov, level, viewer_site, serve, page, page_log):
    base = serve(viewer_site)
    open_tour(page, page_log, base, f"#scene=hall&yaw=0&pitch=0&fov={fov}")
    meta = json.loads((viewer_site / "scenes" / "hall" / "pano.json").read_text())
    tiles = [tuple(m.groups()) for m in (re.search(rf"/scenes/hall/(\d)/([bdflru])/(\d+)/(\d+)\{TILE_EXT}$", u)
                                         for u in page_log.urls()) if m]
    assert {int(z) for z, *_ in tiles} == {level}, tiles       # no other level, no pinned first level
    face, row, col = centre_tile(meta, level, 0, 0)
    assert (str(level), face, str(row), str(col)) in tiles
    # in view at fov 70 only the front face: 4 tiles of 1024 px; at fov 100 the 512 px f tile and its neighbours
    assert len(tiles) == len(set(tiles))
    if level == 2:
        assert {f for _, f, _, _ in tiles} == {"f"} and len(tiles) == 4
    else:
        assert {f for _, f, _, _ in tiles} <= {"f", "l", "r", "u", "d"} and len(tiles) <= 5
    assert page_log.urls(r"preview\.jpg$")
    page_log.assert_clean()


def test_hotspots_navigate_by_click_and_by_keyboard(viewer_site, serve, page, page_log, screenshot):
    base = serve(viewer_site)
    open_tour(page, page_log, base)
    screenshot(page, "hotspots")
    page.get_by_role("button", name="To the crypt").click()
    wait_for_js(page,
                "() => window.vtour.sceneId === 'crypt' && document.querySelector('.vtour-root').dataset.firstView",
                what="the crypt after a click", log=page_log)
    wait_for_js(page, "() => location.hash.includes('scene=crypt')", what="the URL", log=page_log)
    # keyboard: focus the viewer, Tab to the back link (the only hotspot in view at yaw 180), Enter
    page.evaluate("() => window.vtour.setView({yaw: 180, pitch: 0})")
    wait_for_js(page, """() => [...document.querySelectorAll('.vtour-hotspots button')]
        .some(b => b.getAttribute('aria-label') === 'Hall' && !b.hidden)""", what="the back link in view", log=page_log)
    page.focus(".vtour-root")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    assert focused == "Hall", focused  # a link without a title is named after its target scene
    page.keyboard.press("Enter")
    wait_for_js(page, "() => window.vtour.sceneId === 'hall'", what="back to the hall by keyboard",
                log=page_log)
    page_log.assert_clean()


def test_url_restores_scene_view_and_language(viewer_site, serve, page, page_log):
    base = serve(viewer_site)
    open_tour(page, page_log, base, "#scene=crypt&yaw=45.5&pitch=-10&fov=60&lang=fr")
    state = page.evaluate("() => window.vtour.state")
    assert state == {"scene": "crypt", "yaw": 45.5, "pitch": -10, "fov": 60, "language": "fr"}
    assert page.inner_text(".vtour-scene-title") == "Crypte"
    page.focus(".vtour-root")
    page.keyboard.press("ArrowRight")
    wait_for_js(page, "() => location.hash.includes('yaw=50.50')", what="the URL to follow the view",
                log=page_log)
    page_log.assert_clean()


def test_hotspot_text_is_shown_as_text_and_the_info_dialog_opens(viewer_site, serve, page, page_log, screenshot):
    base = serve(viewer_site)
    open_tour(page, page_log, base)
    button = page.get_by_role("button", name=XSS_TITLE)
    button.hover()  # a label that would cover another hotspot shows on hover and focus
    assert button.inner_text().strip().endswith(XSS_TITLE)
    assert page.evaluate("() => document.querySelectorAll('.vtour-root img[src=x], img[src=\"x\"]').length") == 0
    button.click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    assert dialog.locator("h2").inner_text() == XSS_TITLE
    assert "Text <b>not bold</b> & plain" in dialog.inner_text()
    wait_for_js(page, "() => { const i = document.querySelector('.vtour-info-image');"
                      " return i && i.complete && i.naturalWidth > 0; }",
                what="the info image", log=page_log)
    screenshot(page, "info-dialog")
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert page.evaluate("() => window.alerts") == []
    page_log.assert_clean()


def test_model_hotspot_opens_the_model_coarse_first_then_refined(viewer_site, serve, page, page_log, screenshot):
    base = serve(viewer_site)
    open_tour(page, page_log, base)
    page.get_by_role("button", name="Test sphere").click()
    wait_for_js(page, "() => window.vtour.modelView.loaded.length === 2", what="both LODs",
                timeout_s=30, log=page_log)
    assert page.evaluate("() => window.vtour.modelView.loaded") == ["models/sphere/lod0.glb", "models/sphere/lod1.glb"]
    frames(page)
    _, rgb = screenshot(page, "model", as_array=True)
    assert region_mean(rgb, 0.5, 0.5, half=10).sum() > 60
    page_log.assert_clean()


def test_language_switch_gallery_and_floorplan(viewer_site, serve, page, page_log, screenshot):
    base = serve(viewer_site)
    open_tour(page, page_log, base)
    page.select_option(".vtour-tool-language", "fr")
    assert page.get_by_role("button", name="Vers la crypte").is_visible()
    assert page.inner_text(".vtour-scene-title") == "Salle"
    page.click(".vtour-tool-gallery")
    items = page.locator(".vtour-gallery-item")
    assert items.count() == 2 and items.nth(1).inner_text() == "Crypte"
    thumbs_loaded = ("() => [...document.querySelectorAll('.vtour-gallery-item img')]"
                     ".every(i => i.complete && i.naturalWidth)")
    wait_for_js(page, thumbs_loaded, what="thumbnails", log=page_log)
    screenshot(page, "gallery")
    items.nth(1).click()
    wait_for_js(page, "() => window.vtour.sceneId === 'crypt'", what="crypt from the gallery", log=page_log)
    page.click(".vtour-tool-floorplan")
    page.locator('.vtour-floorplan-point[data-scene-id="hall"]').click()
    wait_for_js(page, "() => window.vtour.sceneId === 'hall'", what="hall from the plan", log=page_log)
    page_log.assert_clean()
    page_log.assert_local_only()
