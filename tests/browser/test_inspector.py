"""The conservator's inspector (vtour/web/src/inspector/Inspector.js) in headless Chromium, on the tour of
inspector_tour.py: a 200 x 100 x 50 mm box with a known synthetic change, and LeePerrySmith from the shared data.

Each mode draws a measurably different picture; raking and frontal light differ; a mid-grey clay lit head-on
stays mid-grey (Khronos PBR Neutral); a deep link brings back mode, light and camera after a reload; "Finest level"
loads the finest file and the detail line says its triangles; screenshots come at the size asked; every control
is reached and operated with the keyboard alone; axe-core finds nothing in English and Chinese; a phone's screen
fits. Screenshots of every mode: ``tests/artifacts/test_*-<model>-<mode>-<lang>.png``.
"""

from __future__ import annotations

import json
import re

import cv2
import numpy as np
import pytest
from data_paths import SHARED_DATA, require
from helpers import axe_violations, frames, open_tour, region_mean, wait_for_js
from inspector_tour import BOX_GRIDS, CHANGE_LIMITS, build_inspector_tour

from vtour.site import write_site

pytestmark = [pytest.mark.browser, pytest.mark.viewport(1024, 700)]

LEE = "meshes/LeePerrySmith/LeePerrySmith.glb"
MODES = ["textured", "clay", "normals", "wireframe", "xray", "deviation", "change"]
#: The English word each control's accessible name contains (the issue's list).
WORDS = [
    "Light",
    "Clay",
    "Normals",
    "Wireframe",
    "X-ray",
    "Deviation",
    "Change",
    "Section",
    "Measure",
    "Notes",
    "Finest level",
    "Screenshot",
]
NAMES = {
    "textured": "Textured",
    "clay": "Clay",
    "normals": "Normals",
    "wireframe": "Wireframe",
    "xray": "X-ray",
    "deviation": "Deviation",
    "change": "Change",
}
#: JavaScript: the focused element (inside shadow roots too) with its accessible name as a screen reader gets it
#: for these native controls: aria-label, else its <label>, else its text.
FOCUSED = """() => {
  let e = document.activeElement;
  while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
  if (!e) return null;
  const name = e.getAttribute("aria-label") || (e.labels && e.labels.length ? e.labels[0].textContent : "")
    || e.textContent || "";
  return { tag: e.tagName, type: e.type || "", name: name.trim(), inPanel: !!e.closest(".vtour-inspector-panel"),
           pressed: e.getAttribute("aria-pressed") };
}"""
#: JavaScript: the cameras of the main view and of the previous scan's, side by side.
BOTH_VIEWS = "() => [window.vtour.inspector.stage.getView(), window.vtour.inspector._compare.stage.getView()]"
#: JavaScript: the main view's canvas box in CSS px.
VIEW_BOX = (
    "() => { const r = window.vtour.inspector.view.getBoundingClientRect();"
    " return {x: r.x, y: r.y, width: r.width, height: r.height}; }"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    lee = SHARED_DATA / LEE
    tour = build_inspector_tour(tmp_path_factory.mktemp("inspector"), lee if lee.is_file() else None)
    write_site(tour)
    return tour


@pytest.fixture(scope="module")
def doc(site):
    return json.loads((site / "tour.json").read_text("utf-8"))


def model_entry(doc, model_id):
    return next(m for m in doc["models"] if m["id"] == model_id)


def open_inspector(page, log, base, model="box", extra="", lang="en", full=True):
    """Open index.html#model=<model> and wait for the inspector's first frame (and, with ``full``, full detail)."""
    open_tour(page, log, base, f"#lang={lang}&model={model}{extra}", sharp=False)
    key = "fullDetail" if full else "firstFrame"
    wait_for_js(
        page,
        f"() => window.vtour.inspector && window.vtour.inspector.timing.{key}",
        what=f"the inspector's {key}",
        timeout_s=40,
        log=log,
    )
    settle(page)


def settle(page):
    """Wait until no level is loading and the last change is drawn."""
    wait_for_js(page, "() => !window.vtour.inspector._loading", what="levels to load", timeout_s=30)
    page.wait_for_timeout(200)  # the refinement's rest delay
    wait_for_js(page, "() => !window.vtour.inspector._loading", what="levels to load", timeout_s=30)
    frames(page, 3)


def view_shot(page, screenshot, name):
    """The main view as an (H, W, 3) array (saved as an artifact)."""
    box = page.evaluate(VIEW_BOX)
    _, rgb = screenshot(page, name, as_array=True, clip=box)
    return rgb


def set_state(page, state):
    page.evaluate("(s) => window.vtour.inspector.set(s)", state)
    frames(page, 3)


def project(page, point):
    """CSS px (relative to the view) of a world point, through the stage's camera."""
    return page.evaluate(
        """(p) => { const s = window.vtour.inspector.stage;
      const v = s.camera.position.clone().set(p[0], p[1], p[2]).project(s.camera);
      const r = s.canvas.getBoundingClientRect();
      return [(v.x + 1) / 2 * r.width, (1 - v.y) / 2 * r.height]; }""",
        point,
    )


def pixel(rgb, xy, half=3):
    x, y = round(xy[0]), round(xy[1])
    return rgb[y - half : y + half + 1, x - half : x + half + 1].reshape(-1, 3).mean(axis=0)


def grey_level(rgb):
    """Mean grey level at the centre of an image."""
    return region_mean(rgb, 0.5, 0.5, half=10).mean()


def differ(a, b):
    """Mean absolute difference of two images, in grey levels."""
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


# ---------------------------------------------------------------------------------------------------


def test_each_mode_draws_a_measurably_different_picture_and_the_change_map_finds_the_loss(
    site, doc, serve, page, page_log, screenshot
):
    open_inspector(page, page_log, serve(site))
    # a fixed light and camera, so only the mode changes the picture
    set_state(
        page,
        {
            "light": {"azimuth": 30, "elevation": 35, "ambient": 0.3, "exposure": 1, "shadows": False},
            "camera": {"position": [0.12, 0.1, 0.3], "target": [0, 0, 0], "fov": 40},
        },
    )
    shots = {}
    for mode in MODES:
        page.get_by_role("button", name=NAMES[mode], exact=True).click()
        frames(page, 3)
        assert page.evaluate("() => window.vtour.inspector.state().mode") == mode
        shots[mode] = view_shot(page, screenshot, f"box-{mode}-en")
    for i, a in enumerate(MODES):
        for b in MODES[i + 1 :]:
            assert differ(shots[a], shots[b]) > 1.5, f"{a} and {b} draw nearly the same picture"
    # the change map: the 2 mm loss on the front face is a major loss (red), the 0.5 mm gain on top a minor gain
    # (light blue), the rest of the front face unchanged (grey)
    change = shots["change"]
    loss, rest, top = (pixel(change, project(page, p)) for p in ([0, 0, 0.025], [0.08, -0.03, 0.025], [0, 0.05, 0]))
    assert loss[0] > 120 and loss[1] < 0.5 * loss[0] and loss[2] < 0.5 * loss[0], f"the loss is not red: {loss}"
    assert np.ptp(rest) < 25, f"unchanged front face is not grey: {rest}"
    assert top[2] > top[0] + 40, f"the gain on top is not blue: {top}"
    legend = page.inner_text(".vtour-inspector-legend")
    assert "2019-05-14" in legend and "major loss ≥ 1 mm" in legend and "minor gain ≥ 0.15 mm" in legend, legend
    # the deviation legend's top is the level's Hausdorff distance, in mm
    page.get_by_role("button", name="Deviation", exact=True).click()
    hausdorff = model_entry(doc, "box")["lods"][-1]["deviation"]["hausdorff"]
    assert f"{hausdorff:.3g} mm" in page.inner_text(".vtour-inspector-legend")
    page_log.assert_clean()
    page_log.assert_local_only()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_change_map_keeps_the_sign_and_shows_what_was_not_measured(lang, site, serve, page, page_log, screenshot):
    open_inspector(page, page_log, serve(site), extra="&mode=change", lang=lang)
    set_state(
        page,
        {
            "light": {"azimuth": 0, "elevation": 20, "ambient": 0.6, "exposure": 1, "shadows": False},
            "camera": {"position": [0.1, 0.12, 0.3], "target": [0, 0, 0], "fov": 40},
        },
    )
    front = view_shot(page, screenshot, f"box-change-front-{lang}")
    loss, top, rest = (pixel(front, project(page, p)) for p in ([0, 0, 0.025], [0, 0.05, 0], [0.08, -0.03, 0.025]))
    # a loss is warm, a gain cool: the two are told apart by their hue, not only by their magnitude
    assert loss[0] > loss[2] + 60, f"the loss is not warm (red): {loss}"
    assert top[2] > top[0] + 40, f"the gain is not cool (blue): {top}"
    assert np.ptp(rest) < 25, f"unchanged face is not grey: {rest}"
    set_state(page, {"camera": {"position": [-0.1, 0.12, -0.3], "target": [0, 0, 0], "fov": 40}})
    back = view_shot(page, screenshot, f"box-change-back-{lang}")
    hole, beside = (pixel(back, project(page, p)) for p in ([0, 0, -0.025], [0.08, -0.03, -0.025]))
    # the sentinel 1e30 is "not measured" purple (#6a4c93: blue > red > green), not a major gain
    assert hole[2] > hole[0] + 15 and hole[0] > hole[1] + 10, f"the back disc is not purple: {hole}"
    assert np.ptp(beside) < 25, f"the back beside the hole is not grey: {beside}"
    # no false rim of "major gain" where the sentinel meets measured vertices (1e30 interpolated towards 0)
    corners = np.array([project(page, [x, y, -0.025]) for x in (-0.045, 0.045) for y in (-0.04, 0.04)])
    (x0, y0), (x1, y1) = np.floor(corners.min(axis=0)).astype(int), np.ceil(corners.max(axis=0)).astype(int)
    around = back[y0:y1, x0:x1].astype(np.int16)
    r, g, b = around[..., 0], around[..., 1], around[..., 2]
    blue = (g > r + 20) & (b > r + 60)  # major gain #1f4fa8 has green over red; the purple has red over green
    assert blue.sum() < 5, f"{blue.sum()} pixels around the hole look like a major gain"
    legend = page.locator(".vtour-inspector-legend")
    classes = legend.locator("li").evaluate_all("(items) => items.map((i) => i.dataset.changeClass)")
    assert classes == ["none", "minorLoss", "minorGain", "majorLoss", "majorGain", "notMeasured"], classes
    text = legend.inner_text()
    words = {
        "en": [
            "no change < 0.15 mm",
            "minor loss ≥ 0.15 mm",
            "minor gain ≥ 0.15 mm",
            "major loss ≥ 1 mm",
            "major gain ≥ 1 mm",
            "not measured",
        ],
        "zh": [
            "无变化 < 0.15 mm",
            "轻微损失 ≥ 0.15 mm",
            "轻微增加 ≥ 0.15 mm",
            "显著损失 ≥ 1 mm",
            "显著增加 ≥ 1 mm",
            "未测量",
        ],
    }[lang]
    for w in words:
        assert w in text, f"{w!r} not in the legend: {text}"
    page_log.assert_clean()


def test_a_previous_scan_without_limits_asks_for_them_instead_of_painting_all_major(
    site, serve, page, page_log, screenshot
):
    open_inspector(page, page_log, serve(site), extra="&mode=change")
    set_state(page, {"previous": 1, "camera": {"position": [0.1, 0.12, 0.3], "target": [0, 0, 0], "fov": 40}})
    assert page.evaluate("() => window.vtour.inspector.state().changeLimits") is None
    legend = page.inner_text(".vtour-inspector-legend")
    assert "2022-09-01" in legend and "no change limits" in legend, legend
    classes = page.locator(".vtour-inspector-legend li").evaluate_all("(i) => i.map((x) => x.dataset.changeClass)")
    assert classes == ["notMeasured"], classes  # no class of change is claimed without limits
    minor, major = page.get_by_label("Change: minor from (mm)"), page.get_by_label("Change: major from (mm)")
    assert minor.input_value() == "" and major.input_value() == ""
    shot = view_shot(page, screenshot, "box-change-no-limits")
    loss = pixel(shot, project(page, [0, 0, 0.025]))
    assert np.ptp(loss) < 25, f"without limits the loss must not be painted as a class: {loss}"
    # both limits entered: the map is classed again
    minor.fill("0.2")
    minor.press("Enter")
    assert page.evaluate("() => window.vtour.inspector.state().changeLimits") is None  # one limit is not enough
    major.fill("1.5")
    major.press("Enter")
    frames(page, 3)
    assert page.evaluate("() => window.vtour.inspector.state().changeLimits") == {"minor": 0.2, "major": 1.5}
    loss = pixel(view_shot(page, screenshot, "box-change-limits-entered"), project(page, [0, 0, 0.025]))
    assert loss[0] > loss[2] + 60, f"the 2 mm loss is not a major loss once limits are set: {loss}"
    page_log.assert_clean()


def test_the_change_limits_are_editable_and_reclass_the_map(site, serve, page, page_log, screenshot):
    open_inspector(page, page_log, serve(site), extra="&mode=change")
    set_state(page, {"camera": {"position": [0, 0.12, 0.3], "target": [0, 0, 0], "fov": 40}})
    top = project(page, [0, 0.05, -0.01])
    before = pixel(view_shot(page, screenshot, "change-default"), top)
    assert page.get_by_label("Change: minor from (mm)").input_value() == str(CHANGE_LIMITS["minor"])
    major = page.get_by_label("Change: major from (mm)")
    major.fill("0.4")  # the 0.5 mm gain on top is now major
    major.press("Enter")
    frames(page, 3)
    assert page.evaluate("() => window.vtour.inspector.state().changeLimits") == {"minor": 0.15, "major": 0.4}
    after = pixel(view_shot(page, screenshot, "change-major-0.4"), top)
    assert after[1] < before[1] - 40, f"the top did not turn from minor to major: {before} -> {after}"
    page_log.assert_clean()


def test_raking_light_differs_from_frontal_and_neutral_tone_mapping_keeps_mid_grey(
    site, serve, page, page_log, screenshot
):
    open_inspector(page, page_log, serve(site), extra="&mode=clay")
    set_state(page, {"camera": {"position": [0, 0, 0.4], "target": [0, 0, 0], "fov": 30}})
    page.get_by_role("button", name="Light: frontal").click()
    set_state(page, {"light": {"ambient": 0, "exposure": 1, "shadows": False}})
    frontal = view_shot(page, screenshot, "clay-frontal")
    page.get_by_role("button", name="Light: raking from the left").click()
    frames(page, 3)
    # from the viewer's left, 10 degrees above the horizon and 10 degrees off the face towards the viewer
    light = page.evaluate("() => window.vtour.inspector.state().light")
    assert (light["azimuth"], light["elevation"]) == (pytest.approx(280), pytest.approx(10))
    raking = view_shot(page, screenshot, "clay-raking")
    assert differ(frontal, raking) > 10
    face = region_mean(raking, 0.5, 0.5, half=10).mean()
    assert 5 < face < 0.6 * grey_level(frontal), f"the face under raking light: {face}"
    # the front face, lit head-on by a white light of unit irradiance, shows its sRGB 128 base colour as mid-grey
    grey = region_mean(frontal, 0.5, 0.5, half=10)
    print(f"mid-grey clay, lit head-on, shows as {grey}")
    assert np.ptp(grey) < 3 and abs(grey.mean() - 128) < 16, f"mid-grey clay shows as {grey}"
    assert page.evaluate("() => window.vtour.inspector.stage.renderer.toneMapping") == 7  # THREE.NeutralToneMapping
    page_log.assert_clean()


def test_a_deep_link_brings_back_mode_light_and_camera_after_a_reload(site, serve, page, page_log):
    base = serve(site)
    open_inspector(page, page_log, base)
    camera = {"position": [-0.15, 0.08, 0.22], "target": [0.01, 0, 0], "fov": 35}
    light = {"azimuth": 250, "elevation": 12, "ambient": 0.2, "exposure": 1.3, "shadows": True}
    section = {"normal": [-1, 0, 0], "offset": 0.02}
    set_state(page, {"mode": "normals", "light": light, "camera": camera, "section": section})
    assert page.evaluate("() => window.vtour.inspector.state().section") == section
    wait_for_js(
        page,
        "() => location.hash.includes('mode=normals') && location.hash.includes('cam=-0.15')",
        what="the hash to follow the inspector",
    )
    hash_ = page.evaluate("() => location.hash")
    assert "model=box" in hash_ and "light=250%2C12%2C0.2%2C1.3%2C1" in hash_, hash_
    assert "section=-1%2C0%2C0%2C0.02" in hash_, hash_
    page.reload()
    wait_for_js(
        page,
        "() => window.vtour && window.vtour.inspector && window.vtour.inspector.timing.firstFrame",
        what="the inspector after the reload",
        timeout_s=40,
        log=page_log,
    )
    settle(page)
    state = page.evaluate("() => window.vtour.inspector.state()")
    assert state["mode"] == "normals"
    assert state["light"] == light
    assert np.allclose(state["camera"]["position"], camera["position"], atol=1e-6)
    assert np.allclose(state["camera"]["target"], camera["target"], atol=1e-6)
    assert state["camera"]["fov"] == pytest.approx(35)
    assert page.get_by_role("button", name="Normals", exact=True).get_attribute("aria-pressed") == "true"
    assert state["section"] == section
    assert page.evaluate("() => window.vtour.inspector.stage.renderer.clippingPlanes.length") == 1
    # closing goes back to the scene and the hash forgets the model
    page.keyboard.press("Escape")
    wait_for_js(page, "() => !location.hash.includes('model=')", what="the hash without the model")
    assert page.evaluate("() => window.vtour.inspector") is None
    page_log.assert_clean()


def test_a_deep_link_brings_back_the_previous_scan_and_the_change_limits(site, serve, page, page_log):
    open_inspector(page, page_log, serve(site))
    set_state(page, {"mode": "change", "previous": 1, "changeLimits": {"minor": 0.2, "major": 0.4}})
    wait_for_js(
        page,
        "() => location.hash.includes('prev=1') && location.hash.includes('limits=0.2%2C0.4')",
        what="the hash to carry the previous scan and the limits",
    )
    page.reload()
    wait_for_js(
        page,
        "() => window.vtour && window.vtour.inspector && window.vtour.inspector.timing.firstFrame",
        what="the inspector after the reload",
        timeout_s=40,
        log=page_log,
    )
    state = page.evaluate("() => window.vtour.inspector.state()")
    assert (state["mode"], state["previous"], state["changeLimits"]) == ("change", 1, {"minor": 0.2, "major": 0.4})
    assert page.get_by_label("Change: previous scan").input_value() == "1"
    assert page.get_by_label("Change: minor from (mm)").input_value() == "0.2"
    assert page.get_by_label("Change: major from (mm)").input_value() == "0.4"
    assert "2022-09-01" in page.inner_text(".vtour-inspector-legend")
    page_log.assert_clean()


def test_the_finest_level_button_loads_the_finest_file_and_the_triangles_shown_are_tour_jsons(
    site, doc, serve, page, page_log
):
    lods = model_entry(doc, "box")["lods"]
    # from 40 m away the box covers a few pixels: the coarsest level is enough
    open_inspector(page, page_log, serve(site), extra="&cam=0,0,40,0,0,0,40")
    assert page.evaluate("() => window.vtour.modelView.loaded") == [lods[0]["path"]]
    detail = page.inner_text(".vtour-inspector-detail")
    assert f"Level 1 of {len(BOX_GRIDS)}: {lods[0]['triangles']:,} triangles" in detail, detail
    assert "deviation from the scan 0.5 mm" in detail and "% of the diagonal" in detail, detail
    page.get_by_role("button", name="Finest level").click()
    wait_for_js(page, "() => window.vtour.inspector.timing.finest", what="the finest level", log=page_log)
    assert page.evaluate("() => window.vtour.modelView.loaded") == [lods[0]["path"], lods[-1]["path"]]
    assert page_log.paths("/models/box/lod2.glb")
    detail = page.inner_text(".vtour-inspector-detail")
    assert f"Level {len(lods)} of {len(lods)}: {lods[-1]['triangles']:,} triangles" in detail, detail
    assert page.evaluate("() => window.vtour.inspector.stage.triangles()") == lods[-1]["triangles"]
    t = page.evaluate("() => window.vtour.inspector.timing")
    assert 0 < t["opened"] < t["firstFrame"] <= t["fullDetail"] < t["finest"], t
    # the view did not jump when the level changed
    assert np.allclose(page.evaluate("() => window.vtour.inspector.stage.getView().position"), [0, 0, 40], atol=1e-9)
    # downloads of the scan and the uncompressed finest level
    links = page.locator(".vtour-inspector-download")
    assert links.count() == 2
    assert links.nth(0).get_attribute("href").endswith("models/box/scan/box.zip")
    assert links.nth(1).get_attribute("href").endswith("models/box/lod2.uncompressed.glb")
    page_log.assert_clean()


def test_measure_and_section_say_when_they_work_on_a_coarse_level_and_load_the_finest(site, doc, serve, page, page_log):
    lods = model_entry(doc, "box")["lods"]
    open_inspector(page, page_log, serve(site), extra="&cam=0,0,40,0,0,0,40")  # far: the coarsest level is enough
    page.evaluate("() => { window.vtour.inspector.showTool('measure'); window.vtour.inspector.showTool('section'); }")
    hausdorff = lods[0]["deviation"]["hausdorff"]
    expected = (
        f"Measured on level 1 of {len(lods)}, Hausdorff {hausdorff:.3g} mm: load the finest level for full accuracy."
    )
    for tool in ("measure", "section"):
        notice = page.locator(f".vtour-tool-{tool} .vtour-tool-level")
        assert notice.is_visible() and notice.inner_text().startswith(expected), (tool, notice.inner_text())
    page.locator(".vtour-tool-section").get_by_role("button", name="Load the most detailed level").click()
    wait_for_js(page, "() => window.vtour.inspector.timing.finest", what="the finest level", log=page_log)
    assert page.evaluate("() => window.vtour.inspector.state().finest") is True
    assert page.evaluate("() => window.vtour.inspector.levelShown().index") == len(lods) - 1
    for tool in ("measure", "section"):
        assert not page.locator(f".vtour-tool-{tool} .vtour-tool-level").is_visible(), tool
    page_log.assert_clean()


def test_the_edit_token_leaves_the_address_bar_at_once_and_never_comes_back_into_a_shared_link(
    site, serve, page, page_log
):
    base = serve(site)
    page.goto(f"{base}index.html?token=s3cret&kiosk=0#lang=en&model=box")
    wait_for_js(
        page,
        "() => window.vtour && window.vtour.inspector && window.vtour.inspector.timing.firstFrame",
        what="the inspector",
        log=page_log,
    )
    # kept for this origin and tab, gone from the URL; other query parameters and the hash stay
    assert page.evaluate("() => sessionStorage.getItem('vtour-edit-token')") == "s3cret"
    assert page.evaluate("() => window.vtour._token") == "s3cret"
    assert page.evaluate("() => location.search") == "?kiosk=0"
    set_state(page, {"mode": "clay"})
    wait_for_js(page, "() => location.hash.includes('mode=clay')", what="the hash to follow the inspector")
    assert "s3cret" not in page.evaluate("() => location.href")
    assert "s3cret" not in page.evaluate("() => history.state === null ? '' : JSON.stringify(history.state)")
    # a reload without it (the link as shared) still edits in this tab
    page.goto(f"{base}index.html#lang=en&model=box")
    wait_for_js(page, "() => window.vtour && window.vtour.inspector", what="the inspector again", log=page_log)
    assert page.evaluate("() => window.vtour._token") == "s3cret"
    assert "token" not in page.evaluate("() => location.href")
    page_log.assert_clean()


def test_the_detail_refines_as_the_model_fills_the_screen(site, doc, serve, page, page_log):
    lods = model_entry(doc, "box")["lods"]
    open_inspector(page, page_log, serve(site), extra="&cam=0,0,40,0,0,0,40")
    assert page.evaluate("() => window.vtour.modelView.loaded") == [lods[0]["path"]]
    set_state(page, {"camera": {"position": [0, 0, 0.5], "target": [0, 0, 0], "fov": 40}})
    wait_for_js(
        page, "(p) => window.vtour.modelView.loaded.includes(p)", lods[-1]["path"], what="refinement", log=page_log
    )
    assert np.allclose(page.evaluate("() => window.vtour.inspector.stage.getView().position"), [0, 0, 0.5], atol=1e-9)
    page_log.assert_clean()


@pytest.mark.parametrize(("choice", "width"), [("2", None), ("width", 1000)])
def test_a_screenshot_is_a_png_of_the_size_asked(choice, width, site, serve, page, page_log):
    open_inspector(page, page_log, serve(site))
    view = page.evaluate(
        "() => ({width: window.vtour.inspector.view.clientWidth, height: window.vtour.inspector.view.clientHeight})"
    )
    page.get_by_label("Screenshot size").select_option(choice)
    if width:
        page.get_by_label("Screenshot width (pixels)").fill(str(width))
    with page.expect_download() as info:
        page.get_by_role("button", name="Screenshot", exact=True).click()
    path = info.value.path()
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    rgb = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    want_w = width or round(view["width"] * 2)
    want_h = round(width * view["height"] / view["width"]) if width else round(view["height"] * 2)
    assert rgb.shape[:2] == (want_h, want_w)
    assert rgb.std() > 10, "the screenshot is blank"
    assert re.fullmatch(rf"box-textured-{want_w}x{want_h}\.png", info.value.suggested_filename)
    # the view on screen is back to its own size
    assert page.evaluate("() => window.vtour.inspector.stage.canvas.width") == round(view["width"])
    page_log.assert_clean()


def test_every_control_is_reached_with_tab_and_operated_from_the_keyboard(site, serve, page, page_log):
    open_inspector(page, page_log, serve(site))
    seen = {}
    page.focus(".vtour-model .vtour-dialog-close")
    for _ in range(120):
        page.keyboard.press("Tab")
        f = page.evaluate(FOCUSED)
        if f and f["inPanel"]:
            seen.setdefault(f["name"], f)
    names = list(seen)
    for word in WORDS:
        assert any(word in n for n in names), f"Tab never reached a control named with {word!r}: {names}"

    def tab_to(name):
        for _ in range(150):
            page.keyboard.press("Tab")
            f = page.evaluate(FOCUSED)
            if f and f["name"] == name:
                return f
        raise AssertionError(f"Tab did not reach {name!r}")

    # the view itself: arrows turn the model, Shift + arrows move the light
    page.focus(".vtour-model .vtour-dialog-close")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["name"].startswith("3D view of Test box"), page.evaluate(FOCUSED)
    before = page.evaluate("() => window.vtour.inspector.state()")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowUp")
    after = page.evaluate("() => window.vtour.inspector.state()")
    assert after["light"]["azimuth"] == (before["light"]["azimuth"] + 5) % 360
    assert after["light"]["elevation"] == before["light"]["elevation"] + 5
    assert not np.allclose(after["camera"]["position"], before["camera"]["position"])
    assert np.allclose(
        np.linalg.norm(np.subtract(after["camera"]["position"], after["camera"]["target"])),
        np.linalg.norm(np.subtract(before["camera"]["position"], before["camera"]["target"])),
    )
    for mode, name in NAMES.items():
        tab_to(name)
        page.keyboard.press("Enter" if mode != "xray" else "Space")
        assert page.evaluate("() => window.vtour.inspector.state().mode") == mode
    azimuth = page.evaluate("() => window.vtour.inspector.state().light.azimuth")
    tab_to("Light azimuth (degrees)")
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    assert page.evaluate("() => window.vtour.inspector.state().light.azimuth") == azimuth + 5
    tab_to("Light: shadows")
    page.keyboard.press("Space")
    assert page.evaluate("() => window.vtour.inspector.state().light.shadows") is True
    tab_to("Change: major from (mm)")
    page.keyboard.press("Control+a")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    assert page.evaluate("() => window.vtour.inspector.state().changeLimits") == {"minor": 0.15, "major": 2}
    tab_to("Compare side by side (Change)")
    page.keyboard.press("Enter")
    assert page.evaluate("() => window.vtour.inspector.state().compare") is True
    tab_to("Finest level")
    page.keyboard.press("Enter")
    assert page.evaluate("() => window.vtour.inspector.state().finest") is True
    for tool in ("Section", "Measure", "Notes"):
        tab_to(tool)
        page.keyboard.press("Enter")
        shown = page.evaluate(f"""() => {{
          const b = document.querySelector('.vtour-inspector-tool-{tool.lower()} > .vtour-inspector-disclose');
          const controls = document.getElementById(b.getAttribute('aria-controls'));
          return b.getAttribute('aria-expanded') === 'true' && !controls.hidden;
        }}""")
        assert shown, f"{tool}'s controls did not open"
    with page.expect_download():
        tab_to("Screenshot")
        page.keyboard.press("Enter")
    page_log.assert_clean()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_axe_finds_no_violation_with_the_inspector_open(lang, site, serve, page, page_log, screenshot):
    open_inspector(page, page_log, serve(site), extra="&mode=change", lang=lang)
    for tool in ("section", "measure", "notes"):
        page.evaluate(f"() => window.vtour.inspector.showTool('{tool}')")
    frames(page)
    screenshot(page, f"inspector-{lang}")
    page.locator(".vtour-inspector-tools").scroll_into_view_if_needed()
    screenshot(page, f"inspector-tools-{lang}")
    found = axe_violations(page)
    set_state(page, {"compare": True})
    wait_for_js(
        page,
        "() => window.vtour.inspector._compare && window.vtour.inspector._compare.stage.current",
        what="the previous scan",
        log=page_log,
    )
    frames(page, 3)
    # the two views share one camera, whichever moves
    set_state(page, {"camera": {"position": [0.1, 0.05, 0.25], "target": [0, 0, 0], "fov": 40}})
    views = page.evaluate(BOTH_VIEWS)
    assert np.allclose(views[0]["position"], views[1]["position"]) and views[0]["fov"] == views[1]["fov"]
    page.evaluate("() => { const s = window.vtour.inspector._compare.stage; s.orbit(20, 5); }")
    views = page.evaluate(BOTH_VIEWS)
    assert np.allclose(views[0]["position"], views[1]["position"])
    assert not np.allclose(views[0]["position"], [0.1, 0.05, 0.25])
    frames(page, 3)
    screenshot(page, f"inspector-compare-{lang}")
    found += axe_violations(page)
    assert not found, f"axe-core ({lang}):\n  " + "\n  ".join(found)
    page_log.assert_clean()


@pytest.mark.viewport(390, 700)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_on_a_phone_the_view_and_its_panel_fit(lang, site, serve, page, page_log, screenshot):
    open_inspector(page, page_log, serve(site), lang=lang)
    screenshot(page, f"phone-{lang}")
    view = page.evaluate(VIEW_BOX)
    dialog = page.locator(".vtour-model .vtour-dialog").bounding_box()
    panel = page.locator(".vtour-inspector-panel").bounding_box()
    assert dialog["x"] >= 0 and dialog["x"] + dialog["width"] <= 390 and dialog["y"] + dialog["height"] <= 700
    assert view["width"] >= 300 and view["height"] >= 180, view
    assert panel["y"] >= view["y"] + view["height"] - 1, "the panel is not below the view"
    assert panel["x"] + panel["width"] <= dialog["x"] + dialog["width"] + 1
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 390
    # the panel scrolls to its last control
    page.get_by_role(
        "button", name="Screenshot" if lang == "en" else "截图 (Screenshot)", exact=True
    ).scroll_into_view_if_needed()
    shot = page.get_by_role("button", name=re.compile("Screenshot")).bounding_box()
    assert 0 <= shot["y"] and shot["y"] + shot["height"] <= 700
    screenshot(page, f"phone-panel-{lang}")
    assert not axe_violations(page)
    page_log.assert_clean()


def test_the_viewer_api_opens_and_closes_the_inspector_with_its_events(site, serve, page, page_log):
    open_tour(page, page_log, serve(site), sharp=False)
    page.evaluate("""() => { window.events = [];
      for (const e of ["modelopen", "modelclose", "inspectorchange"])
        window.vtour.on(e, (x) => window.events.push([e, e === "inspectorchange" ? x.mode : x ?? null])); }""")
    page.evaluate("() => window.vtour.openModel('box', {mode: 'wireframe'}).then((i) => { window.opened = !!i; })")
    wait_for_js(page, "() => window.opened", what="openModel", log=page_log)
    assert page.evaluate("() => window.vtour.inspector.state().mode") == "wireframe"
    page.evaluate("() => window.vtour.inspector.set({mode: 'xray'})")
    wait_for_js(
        page, "() => window.events.some(([e, m]) => e === 'inspectorchange' && m === 'xray')", what="inspectorchange"
    )
    page.evaluate("() => window.vtour.setLanguage('zh')")
    assert page.get_by_role("button", name="白模 (Clay)").is_visible()
    assert page.locator(".vtour-model .vtour-dialog-title").inner_text() == "测试盒"
    page.evaluate("() => window.vtour.closeModel()")
    events = page.evaluate("() => window.events")
    assert events[0] == ["modelopen", "box"] and events[-1] == ["modelclose", None], events
    assert page.evaluate("() => window.vtour.inspector") is None
    with pytest.raises(Exception, match="no model"):
        page.evaluate("() => window.vtour.openModel('nothing')")
    page_log.assert_clean()


@pytest.mark.shared_data
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_lee_perry_smith_in_every_mode(lang, site, doc, serve, page, page_log, screenshot):
    require(SHARED_DATA / LEE, "LeePerrySmith")
    open_inspector(page, page_log, serve(site), model="lee", lang=lang)
    lods = model_entry(doc, "lee")["lods"]
    set_state(page, {"finest": True, "light": {"azimuth": 300, "elevation": 20, "ambient": 0.25}})
    wait_for_js(page, "() => window.vtour.inspector.timing.finest", what="the finest level", log=page_log)
    frames(page, 3)
    assert page.evaluate("() => window.vtour.inspector.stage.triangles()") == lods[-1]["triangles"]
    available = [
        m
        for m in MODES
        if page.locator(f".vtour-inspector-modes button:nth-of-type({MODES.index(m) + 1})").is_visible()
    ]
    assert available == MODES[:-1], available  # no previous scan: no change map
    shots = {}
    for mode in available:
        set_state(page, {"mode": mode})
        shots[mode] = view_shot(page, screenshot, f"lee-{mode}-{lang}")
    for i, a in enumerate(available):
        for b in available[i + 1 :]:
            assert differ(shots[a], shots[b]) > 1.0, f"{a} and {b} draw nearly the same picture"
    screenshot(page, f"lee-inspector-{lang}")
    # shadows: a low light from the side casts the nose's and the ears' shadows
    set_state(page, {"mode": "clay", "light": {"ambient": 0.3, "shadows": False}})
    page.locator(".vtour-inspector-light .vtour-inspector-row button").first.click()  # the raking preset
    frames(page, 3)
    plain = view_shot(page, screenshot, f"lee-clay-raking-{lang}")
    set_state(page, {"light": {"shadows": True}})
    shadowed = view_shot(page, screenshot, f"lee-clay-raking-shadows-{lang}")
    changed = np.abs(plain.astype(np.int16) - shadowed.astype(np.int16)).max(axis=-1) > 10
    assert changed.mean() > 0.003, f"shadows changed only {changed.mean():.2%} of the view"
    assert shadowed.astype(int).sum() < plain.astype(int).sum(), "shadows did not darken anything"
    page_log.assert_clean()
