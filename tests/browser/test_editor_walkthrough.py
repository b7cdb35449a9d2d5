"""The editor's scripted walkthrough (issue 12): a person takes the sample tour through the editor in the browser,
without opening a file, and the kiosk package it downloads shows what they made.

1. start from the sample tour (``vtour sample``, tiny sizes, built once so the preview shows);
2. add a scene from a real panorama of ../shared/data (``equirect/examplepano.jpg``), uploaded through the page's
   "Upload panorama" control (which adds the scene), and given its title in both languages with "Rename scene"
   (the page flags the missing Chinese title; the build refuses a tour without it);
3. link it both ways: "Add link" in the start scene, the new scene as "Target scene", "Add reverse link";
4. build, go to the new scene in the preview and add an info hotspot there with an English and a Chinese title
   and text;
5. save, build (the progress bar reaches its end), package for the kiosk and download the zip through the
   "Download package" link;
6. extract the zip, serve it and open its index.html: the start scene's new link leads to the new scene, whose
   info hotspot shows its texts in English and in Chinese, and whose reverse link leads back.

Screenshots: ``tests/artifacts/test_the_sample_tour*-<step>.png``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile

import pytest
from data_paths import SHARED_DATA, require
from editor_helpers import (
    arm,
    button,
    choose_option,
    field,
    make_sample,
    open_editor,
    read_tour,
    scene_of,
    scene_shown,
    set_view,
    start_editor,
    until,
    viewer_eval,
    wait_file_changes,
    wait_hotspot_count,
    wait_viewer,
)
from helpers import PAGE_VIEWER, PageLog, frames, open_tour, wait_for_js

from vtour.site import BUNDLE, DIST

pytestmark = [pytest.mark.browser, pytest.mark.shared_data, pytest.mark.viewport(1400, 900)]

PANORAMA = "equirect/examplepano.jpg"
SCENE_TITLE = {"en": "The reading room", "zh": "阅览室"}
NEW_SCENE = "examplepano"  # the id the editor makes from the file's stem
TEXTS = {
    "title": {"en": "The reading corner", "zh": "阅读角"},
    "text": {
        "en": "Visitors sit here to read the guide before going on.",
        "zh": "参观者可在此阅读导览手册，然后继续参观。",
    },
}
#: A build of the sample plus a 4096 x 2048 panorama, in a subprocess: generous for a loaded machine.
BUILD_TIMEOUT_S = 240


def click_centre(page, log) -> None:
    """Click the panorama's centre with a tool armed; waits for the new hotspot."""
    box = viewer_eval(
        page,
        "(() => { const r = v.renderer.canvas.getBoundingClientRect(); "
        "return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()",
    )
    n = viewer_eval(page, "v.hotspots.items.length")
    page.mouse.click(round(box["x"]), round(box["y"]))
    wait_hotspot_count(page, log, n + 1, "the hotspot placed by the click")


def commit(locator, text: str) -> None:
    """Type ``text`` into a field and leave it (Panel sends a text input's value on change)."""
    locator.fill(text)
    locator.press("Tab")


def build(page, log, screenshot, name: str) -> None:
    """Press Build and wait until the build is done and the preview reloaded on it (fails at once on a failed
    build, saying why)."""
    before = viewer_eval(page, "v.timing.sharp")
    button(page, "Build").click()
    failed = page.get_by_text(re.compile("The build failed"))
    # the preview is a new viewer on the new build (TourViewer.reload): only once the build is done
    until(
        lambda: (
            failed.count() > 0
            or page.evaluate(
                f"(t) => {{ const v = {PAGE_VIEWER}; return !!(v && v.timing.sharp && v.timing.sharp !== t); }}", before
            )
        ),
        "the build done and the preview reloaded",
        timeout_s=BUILD_TIMEOUT_S,
        page=page,
    )
    assert failed.count() == 0, failed.first.text_content()
    page.get_by_text(re.compile(r"Built in [\d.]+ s")).first.wait_for(state="visible")
    progress = page.get_by_role("progressbar", name=re.compile("Build progress"))
    assert progress.get_attribute("value") == progress.get_attribute("max") == "100"
    wait_viewer(page, log)
    screenshot(page, name)


def selected_text(select) -> str:
    """The text of the option a <select> shows."""
    return select.evaluate("(s) => s.selectedIndex < 0 ? '' : s.options[s.selectedIndex].text")


def test_the_sample_tour_gets_a_new_scene_linked_both_ways_with_a_bilingual_info_hotspot_and_ships_as_a_kiosk_zip(
    tmp_path, page, page_log, serve, screenshot, browser
):
    require(DIST / BUNDLE, "the viewer bundle", "npm run build, or make setup")
    panorama = require(SHARED_DATA / PANORAMA, "the real panorama " + PANORAMA)
    # 1. the sample tour, built
    tour_yaml, out = make_sample(tmp_path)
    editor = start_editor(tour_yaml, out)
    try:
        open_editor(page, page_log, editor.url)
        assert scene_shown(page) == "entrance"
        screenshot(page, "1-opened")

        # 2. a scene from the real panorama: uploaded into panoramas/ (never over a file there), which adds it
        page.get_by_label(re.compile("Upload panorama")).set_input_files(str(panorama))
        uploaded = tour_yaml.parent / "panoramas" / panorama.name
        until(
            lambda: uploaded.is_file() and uploaded.stat().st_size == panorama.stat().st_size,
            "the upload written into panoramas/",
            timeout_s=60,
            page=page,
        )
        assert uploaded.read_bytes() == panorama.read_bytes()
        scenes = page.get_by_role("list", name=re.compile("Scenes of the tour"))
        scenes.get_by_role("button", name=re.compile(NEW_SCENE)).wait_for(state="visible")
        # the file is now offered in "Panorama files" too (for a scene of several overlapping photos)
        files = field(page, "Panorama files")
        until(
            lambda: any(f"panoramas/{panorama.name}" in t for t in files.locator("option").all_text_contents()),
            "the uploaded file offered in Panorama files",
            page=page,
        )
        screenshot(page, "2-scene-added")

        # its title in the tour's second language (the page flags it missing; the build refuses a tour without it)
        scenes.get_by_role("button", name=re.compile(NEW_SCENE)).click()
        zh_title = field(page, "Scene title (zh)")
        until(lambda: field(page, "Scene id").input_value() == NEW_SCENE, "the new scene's form", page=page)
        commit(field(page, "Scene title (en)"), SCENE_TITLE["en"])
        commit(zh_title, SCENE_TITLE["zh"])
        button(page, "Rename scene").click()
        scenes.get_by_role("button", name=re.compile(re.escape(SCENE_TITLE["en"]))).wait_for(state="visible")
        scenes.get_by_role("button", name=re.compile("Entrance")).click()
        wait_for_js(page, f"() => {PAGE_VIEWER}.sceneId === 'entrance'", what="back at the entrance", log=page_log)

        # 3. linked both ways: a link in the start scene to it, and its reverse
        assert scene_shown(page) == "entrance"  # the new scene is not built yet: the preview stays
        set_view(page, 180, 0, 75)
        arm(page, "Add link")
        click_centre(page, page_log)
        target = field(page, "Target scene")
        # the new link's form, as the page fills it (its default target: the scene after this one)
        page.get_by_text("Hotspot 7 of scene entrance").wait_for(state="visible")
        until(lambda: selected_text(target).endswith("(chamber)"), "the new link's default target shown", page=page)
        chosen = choose_option(target, f"({NEW_SCENE})")
        button(page, "Add reverse link").click()
        page.get_by_text(re.compile(f"Added link {NEW_SCENE}")).first.wait_for(state="visible")
        assert selected_text(target) == chosen, "the Target scene select no longer shows the link's target"
        before = tour_yaml.read_bytes()
        button(page, "Save").click()
        wait_file_changes(tour_yaml, before, "the save of the new scene and its links")
        doc = read_tour(tour_yaml)
        new = scene_of(doc, NEW_SCENE)
        assert new["panorama"] == f"panoramas/{panorama.name}"
        assert [h["target"] for h in scene_of(doc, "entrance")["hotspots"] if h["type"] == "link"][-1] == NEW_SCENE
        assert [(h["type"], h.get("target")) for h in new.get("hotspots", [])] == [("link", "entrance")]
        screenshot(page, "3-linked")

        # 4. built; in the new scene, an info hotspot with both languages' texts
        build(page, page_log, screenshot, "4-built")
        scenes.get_by_role("button", name=re.compile(NEW_SCENE)).click()
        wait_for_js(
            page, f"() => {PAGE_VIEWER}.sceneId === '{NEW_SCENE}'", what="the new scene in the preview", log=page_log
        )
        wait_viewer(page, page_log)
        set_view(page, 40, -5, 75)
        arm(page, "Add info")
        click_centre(page, page_log)
        for kind in ("title", "text"):
            for lang in ("en", "zh"):
                commit(field(page, f"{kind.capitalize()} ({lang})"), TEXTS[kind][lang])
        wait_for_js(
            page,
            f"() => {PAGE_VIEWER}.hotspots.items.some((i) => i.button.getAttribute('aria-label') === "
            f"'{TEXTS['title']['en']}')",
            what="the preview showing the new title",
            log=page_log,
        )
        frames(page, 2)
        screenshot(page, "4-info-hotspot")

        # 5. saved, built, packaged for the kiosk, downloaded
        before = tour_yaml.read_bytes()
        button(page, "Save").click()
        wait_file_changes(tour_yaml, before, "the save of the info hotspot")
        [info] = [h for h in scene_of(read_tour(tour_yaml), NEW_SCENE)["hotspots"] if h["type"] == "info"]
        assert info["title"] == TEXTS["title"] and info["text"] == TEXTS["text"]
        build(page, page_log, screenshot, "5-built-again")
        kiosk = field(page, "Kiosk")
        if not kiosk.is_checked():
            kiosk.check()
        button(page, "Package").click()
        download_link = page.get_by_role("link", name=re.compile("Download package"))
        download_link.wait_for(state="visible", timeout=BUILD_TIMEOUT_S * 1000)
        screenshot(page, "5-packaged")
        with page.expect_download() as event:
            download_link.click()
        download = event.value
        zip_path = tmp_path / download.suggested_filename
        download.save_as(zip_path)
        assert zip_path.suffix == ".zip" and "kiosk" in zip_path.name
        page_log.assert_clean()
    finally:
        editor.stop()

    # 6. the package, extracted and opened: the new scene and its texts are there
    site = tmp_path / "unzipped"
    with zipfile.ZipFile(zip_path) as zf:
        names = zf.namelist()
        assert "index.html" in names and "launch.py" in names, names[:20]
        zf.extractall(site)
    # as staff start it: `python vtour-sample-kiosk.zip` (here without its browser: Playwright's is the visitor)
    state = tmp_path / "kiosk-state"
    launcher = subprocess.Popen(
        [sys.executable, str(zip_path), "--no-browser", "--state-dir", str(state)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = launcher.stdout.readline()
    assert line.startswith("serving http://127.0.0.1:"), (line, launcher.poll() is not None and launcher.stderr.read())
    base = line.split()[1].removesuffix("index.html")
    context = browser.new_context(viewport={"width": 1000, "height": 700}, device_scale_factor=1)
    try:
        visitor = context.new_page()
        visitor.set_default_timeout(15_000)
        log = PageLog().attach(visitor)
        open_tour(visitor, log, base)
        # a kiosk package opens in its attract loop; a visitor's click starts the visit (where the tour starts)
        wait_for_js(visitor, "() => document.querySelector('.vtour-root').dataset.kiosk === 'attract'", log=log)
        visitor.mouse.click(500, 350)
        wait_for_js(visitor, "() => document.querySelector('.vtour-root').dataset.kiosk === 'active'", log=log)
        # the visit goes on in the scene the attract loop showed: to the entrance, where the new link is
        visitor.evaluate("() => window.vtour.goTo('entrance', null, {transitionMs: 0})")
        wait_for_js(visitor, "() => window.vtour.sceneId === 'entrance' && window.vtour.timing.sharp", log=log)
        tour_json = visitor.evaluate("() => window.vtour.tour.data")
        assert NEW_SCENE in [s["id"] for s in tour_json["scenes"]]
        # the link placed at yaw 180 of the entrance, named after the new scene
        visitor.evaluate("() => window.vtour.setView({yaw: 180, pitch: 0, fov: 75})")
        frames(visitor, 2)
        [target_name] = visitor.evaluate(
            "(id) => window.vtour.hotspots.items.filter((i) => i.h.target === id)"
            ".map((i) => i.button.getAttribute('aria-label'))",
            NEW_SCENE,
        )
        assert target_name == SCENE_TITLE["en"]
        visitor.get_by_role("button", name=target_name, exact=True).click()
        wait_for_js(visitor, f"() => window.vtour.sceneId === '{NEW_SCENE}'", what="the new scene", log=log)
        scene_title = visitor.locator(".vtour-scene-title")
        until(lambda: scene_title.text_content() == SCENE_TITLE["en"], "the new scene's title shown", page=visitor)
        wait_for_js(visitor, "() => window.vtour.stats().sharpNow", what="the new scene sharp", log=log)
        visitor.evaluate("() => window.vtour.setView({yaw: 40, pitch: -5, fov: 75})")
        frames(visitor, 2)
        screenshot(visitor, "6-new-scene-en")
        visitor.get_by_role("button", name=TEXTS["title"]["en"], exact=True).click()
        dialog = visitor.get_by_role("dialog")
        dialog.wait_for()
        assert dialog.locator("h2").inner_text() == TEXTS["title"]["en"]
        assert TEXTS["text"]["en"] in dialog.inner_text()
        screenshot(visitor, "6-info-en")
        visitor.keyboard.press("Escape")
        dialog.wait_for(state="hidden")
        visitor.evaluate("() => window.vtour.setLanguage('zh')")
        assert scene_title.text_content() == SCENE_TITLE["zh"]
        visitor.get_by_role("button", name=TEXTS["title"]["zh"], exact=True).click()
        dialog.wait_for()
        assert dialog.locator("h2").inner_text() == TEXTS["title"]["zh"]
        assert TEXTS["text"]["zh"] in dialog.inner_text()
        screenshot(visitor, "6-info-zh")
        visitor.keyboard.press("Escape")
        dialog.wait_for(state="hidden")
        # the reverse link leads back to the entrance
        back = visitor.evaluate(
            "() => window.vtour.hotspots.items.filter((i) => i.h.target === 'entrance')"
            ".map((i) => ({yaw: i.h.yaw, pitch: i.h.pitch, name: i.button.getAttribute('aria-label')}))"
        )
        assert len(back) == 1, back
        visitor.evaluate("(b) => window.vtour.setView({yaw: b.yaw, pitch: b.pitch, fov: 75})", back[0])
        frames(visitor, 2)
        visitor.get_by_role("button", name=back[0]["name"], exact=True).click()
        wait_for_js(visitor, "() => window.vtour.sceneId === 'entrance'", what="back at the entrance", log=log)
        log.assert_clean()
        log.assert_local_only()
    finally:
        context.close()
        launcher.terminate()
        launcher.wait(20)
    # the visit reached the launcher's log: the new scene entered, by this visitor (not the attract loop)
    events = [
        json.loads(x) for p in sorted((state / "logs").glob("events-*.jsonl")) for x in p.read_text().splitlines()
    ]
    assert any(e["type"] == "scene_enter" and e.get("scene") == NEW_SCENE and not e.get("attract") for e in events)
