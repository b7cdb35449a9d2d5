"""The viewer's core for the visitor-centre kiosk (issue 16), headless Chromium: a lost WebGL context is recovered
(restored, or a fresh canvas) without leaking textures; narration plays with its captions as text; visit events
arrive in order as "vtour:visit" DOM events; axe-core finds nothing with the narration button and captions shown.

The tour is the synthetic one of viewer_tour.py with narration written into its tour.json by hand: the hall has a
short generated WAV (English and Chinese) and an English WebVTT caption file; so has its info hotspot (English).
"""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest
from helpers import axe_violations, frames, open_tour, region_mean, wait_for_js
from reference import FACE_COLOURS
from viewer_tour import XSS_TITLE, synthetic_tour

from vtour.site import write_site

pytestmark = [pytest.mark.browser, pytest.mark.viewport(640, 480)]

CUE = "Welcome to the hall & its <b>mural</b>"
VTT = f"WEBVTT\n\n00:00:00.000 --> 00:00:05.000\n<v Guide>{CUE.replace('&', '&amp;').replace('<', '&lt;')}</v>\n"


def _wav(path: Path, seconds: float, rate: int = 8000) -> None:
    """A quiet 440 Hz tone, mono 16-bit PCM."""
    t = np.arange(int(seconds * rate)) / rate
    samples = (0.2 * 32767 * np.sin(2 * np.pi * 440 * t)).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())


@pytest.fixture(scope="module")
def narrated_site(tmp_path_factory) -> Path:
    """The synthetic tour with narration for the hall (audio en + zh, captions en) and for its info hotspot (en),
    and its static site."""
    tour = synthetic_tour(tmp_path_factory.mktemp("kiosk-core"))
    media = tour / "media"
    media.mkdir(exist_ok=True)
    _wav(media / "hall.en.wav", 6.0)
    _wav(media / "hall.zh.wav", 6.0)
    (media / "hall.en.vtt").write_text(VTT, encoding="utf-8")
    doc = json.loads((tour / "tour.json").read_text(encoding="utf-8"))
    hall = doc["scenes"][0]
    hall["narration"] = {
        "audio": {"en": "media/hall.en.wav", "zh": "media/hall.zh.wav"},
        "captions": {"en": "media/hall.en.vtt"},
    }
    hall["hotspots"][1]["narration"] = {"audio": {"en": "media/hall.en.wav"}, "captions": {"en": "media/hall.en.vtt"}}
    (tour / "tour.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False), encoding="utf-8")
    write_site(tour)
    return tour


def _stats(page) -> dict:
    return page.evaluate("() => window.vtour.stats()")


def _front_face_shown(page, screenshot, name: str) -> None:
    """The screenshot's centre shows the hall's front face (the panorama is drawn, not black)."""
    page.add_style_tag(content=".vtour-hotspots, .vtour-toolbar, .vtour-scene-title { display: none !important; }")
    frames(page)
    _, rgb = screenshot(page, name, as_array=True)
    centre = region_mean(rgb, 0.5, 0.5)
    assert np.abs(centre - FACE_COLOURS["f"]).max() < 30, centre


LOSE = """() => new Promise((resolve) => {
  window.__loseExt = window.vtour.renderer.gl.getExtension('WEBGL_lose_context');
  window.vtour.renderer.canvas.addEventListener('webglcontextlost', () => resolve(), {once: true});
  window.__loseExt.loseContext();
})"""


def test_a_lost_context_that_comes_back_redraws_the_scene_with_as_many_textures(
    narrated_site, serve, page, page_log, screenshot
):
    base = serve(narrated_site)
    open_tour(page, page_log, base)
    before = _stats(page)
    assert before["textures"] == 5, before  # the preview strip and the 4 tiles of level 2 in view
    assert (before["contextLosses"], before["recoveries"]) == (0, 0)
    page.evaluate("() => { window.__restored = 0; window.vtour.on('contextrestored', () => window.__restored++); }")
    page.evaluate(LOSE)
    lost = _stats(page)
    assert lost["contextLosses"] == 1 and lost["textures"] == 0, lost
    page.evaluate("() => window.__loseExt.restoreContext()")
    wait_for_js(page, "() => window.__restored === 1", what="contextrestored", log=page_log)
    wait_for_js(
        page,
        "() => { const s = window.vtour.stats(); return s.sharpNow && s.textures === 5; }",
        what="the scene sharp again with its 5 textures",
        log=page_log,
    )
    after = _stats(page)
    assert after["recoveries"] == 1 and after["frames"] > before["frames"], after
    assert page.evaluate("() => document.querySelector('.vtour-root').dataset.recoveries") == "1"
    state = ("scene", "yaw", "pitch", "fov")
    assert {k: after[k] for k in state} == {k: before[k] for k in state}
    _front_face_shown(page, screenshot, "restored")
    assert not [m for _, m, _ in page_log.console if "WebGL" in m], page_log.console
    page_log.assert_clean()


def test_a_context_that_stays_lost_is_replaced_by_a_fresh_canvas(narrated_site, serve, page, page_log, screenshot):
    base = serve(narrated_site)
    open_tour(page, page_log, base)
    page.evaluate("() => { window.__oldCanvas = window.vtour.renderer.canvas; }")
    page.evaluate(LOSE)  # and never restored: after 2 s a new canvas takes over
    wait_for_js(
        page,
        "() => window.vtour.stats().recoveries === 1",
        what="the recovery by a fresh canvas",
        timeout_s=15,
        log=page_log,
    )
    wait_for_js(
        page,
        "() => { const s = window.vtour.stats(); return s.sharpNow && s.textures === 5; }",
        what="the scene sharp again with its 5 textures",
        log=page_log,
    )
    canvases = page.evaluate("""() => {
        const c = document.querySelectorAll('.vtour-canvas'), r = window.vtour.renderer;
        return {n: c.length, fresh: c[0] !== window.__oldCanvas && c[0] === r.canvas, alive: !r.gl.isContextLost()};
    }""")
    assert canvases == {"n": 1, "fresh": True, "alive": True}, canvases
    # another scene and back: the first scene's textures are all deleted, none leak across the recovery
    page.evaluate("() => window.vtour.goTo('crypt', null, {transitionMs: 0})")
    wait_for_js(page, "() => window.vtour.stats().sharpNow", what="the crypt sharp", log=page_log)
    page.evaluate("() => window.vtour.goTo('hall', null, {transitionMs: 0})")
    wait_for_js(
        page,
        "() => { const s = window.vtour.stats(); return s.sharpNow && s.textures === 5; }",
        what="the hall again with its 5 textures",
        log=page_log,
    )
    _front_face_shown(page, screenshot, "replaced")
    assert not [m for _, m, _ in page_log.console if "WebGL" in m], page_log.console
    page_log.assert_clean()


def test_narration_plays_with_captions_as_text_and_reports_its_state(narrated_site, serve, page, page_log, screenshot):
    base = serve(narrated_site)
    open_tour(page, page_log, base)
    page.evaluate("""() => { window.__media = [];
        window.vtour.on('mediastate', (on) => window.__media.push(on)); }""")
    button = page.locator(".vtour-tool-narration")
    assert button.is_visible()
    assert page.get_by_role("button", name="Play the narration").count() == 1
    button.click()
    playing = "() => window.vtour.mediaPlaying && window.__media.join() === 'true'"
    wait_for_js(page, playing, what="the narration playing", log=page_log)
    assert page.get_by_role("button", name="Stop the narration").count() == 1
    captions = page.locator(".vtour-captions")
    wait_for_js(
        page, "() => document.querySelector('.vtour-captions').textContent !== ''", what="the caption", log=page_log
    )
    assert captions.inner_text() == CUE  # the cue's tags dropped, its entities read: as text, never as markup
    assert captions.get_attribute("lang") == "en"
    assert page.evaluate("() => document.querySelectorAll('.vtour-captions b').length") == 0
    track = page.evaluate("""() => { const t = document.querySelector('audio.vtour-narration-audio track');
        return [t.kind, t.track.mode, t.srclang]; }""")
    assert track == ["captions", "hidden", "en"]
    screenshot(page, "captions")
    button.click()  # stops
    wait_for_js(
        page,
        "() => !window.vtour.mediaPlaying && window.__media.join() === 'true,false'",
        what="the narration stopped",
        log=page_log,
    )
    assert captions.is_hidden()
    assert page.get_by_role("button", name="Play the narration").count() == 1
    # a language change stops narration; a language without audio for this scene hides the button
    page.evaluate("() => window.vtour.playNarration({muted: true})")
    wait_for_js(page, "() => window.vtour.mediaPlaying", what="the narration playing again", log=page_log)
    page.select_option(".vtour-tool-language", "fr")
    wait_for_js(page, "() => !window.vtour.mediaPlaying", what="stopped by the language change", log=page_log)
    assert button.is_hidden()
    assert page.evaluate("() => window.vtour.playNarration()") is False
    page.select_option(".vtour-tool-language", "zh")
    assert page.get_by_role("button", name="播放讲解").count() == 1
    # a scene change stops it too
    page.evaluate("() => window.vtour.playNarration()")
    wait_for_js(page, "() => window.vtour.mediaPlaying", what="the Chinese narration playing", log=page_log)
    page.evaluate("() => window.vtour.goTo('crypt', null, {transitionMs: 0})")
    wait_for_js(
        page,
        "() => !window.vtour.mediaPlaying && window.vtour.sceneId === 'crypt'",
        what="stopped by the scene change",
        log=page_log,
    )
    assert button.is_hidden()  # the crypt has no narration
    page_log.assert_clean()
    page_log.assert_local_only()


def test_visit_events_arrive_in_order_as_dom_events(narrated_site, serve, page, page_log):
    page.add_init_script("""window.__visits = [];
        document.addEventListener('vtour:visit', (e) => window.__visits.push(e.detail));""")
    base = serve(narrated_site)
    open_tour(page, page_log, base)
    page.evaluate("() => { window.__own = []; window.vtour.on('visit', (e) => window.__own.push(e)); }")
    page.select_option(".vtour-tool-language", "fr")
    page.get_by_role("button", name="Sphère de test").click()
    wait_for_js(page, "() => window.vtour.modelView.isOpen", what="the model dialog", log=page_log)
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Vers la crypte").click()
    wait_for_js(
        page,
        "() => window.vtour.sceneId === 'crypt' && window.__visits.length >= 7",
        what="the crypt's scene_enter",
        log=page_log,
    )
    visits = page.evaluate("() => window.__visits")
    brief = [(v["type"], v["scene"], v["language"]) for v in visits]
    assert brief == [
        ("scene_enter", "hall", "en"),
        ("language", "hall", "fr"),
        ("hotspot_open", "hall", "fr"),
        ("model_open", "hall", "fr"),
        ("hotspot_open", "hall", "fr"),
        ("dwell", "hall", "fr"),
        ("scene_enter", "crypt", "fr"),
    ], visits
    assert visits[0]["from"] is None and visits[6]["from"] == "hall"
    assert visits[1]["from"] == "en"
    assert {k: visits[2][k] for k in ("hotspot", "kind", "target")} == {
        "hotspot": "hall-2",
        "kind": "model",
        "target": "sphere",
    }
    assert visits[3]["model"] == "sphere"
    assert {k: visits[4][k] for k in ("hotspot", "kind", "target")} == {
        "hotspot": "hall-0",
        "kind": "link",
        "target": "crypt",
    }
    assert isinstance(visits[5]["seconds"], (int, float)) and visits[5]["seconds"] >= 0
    assert all(v["t"].endswith("Z") for v in visits)
    assert page.evaluate("() => window.__own") == visits[1:]  # the viewer's "visit" events are the same
    # the kiosk's attract start ends the dwell first; the page hidden ends the one begun at attract end
    page.evaluate("() => window.vtour.track('attract', {state: 'start'})")
    page.evaluate("() => window.vtour.track('attract', {state: 'end'})")
    page.evaluate("""() => {
        Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});
        document.dispatchEvent(new Event('visibilitychange'));
    }""")
    page.evaluate("() => window.dispatchEvent(new PageTransitionEvent('pagehide'))")  # no second dwell
    more = page.evaluate("() => window.__visits.slice(7)")
    assert [(v["type"], v["scene"], v.get("state")) for v in more] == [
        ("dwell", "crypt", None),
        ("attract", "crypt", "start"),
        ("attract", "crypt", "end"),
        ("dwell", "crypt", None),
    ], more
    with pytest.raises(Exception, match="unknown"):
        page.evaluate("() => window.vtour.track('click', {})")
    page_log.assert_clean()
    page_log.assert_local_only()


def test_axe_finds_nothing_with_the_narration_button_and_captions_shown(narrated_site, serve, page, page_log):
    base = serve(narrated_site)
    open_tour(page, page_log, base)
    page.get_by_role("button", name="Play the narration").click()
    wait_for_js(
        page, "() => document.querySelector('.vtour-captions').textContent !== ''", what="the caption", log=page_log
    )
    problems = axe_violations(page)
    assert not problems, "axe-core:\n  " + "\n  ".join(problems)
    page_log.assert_clean()


def test_an_info_hotspot_narration_plays_from_its_dialog_and_stops_when_it_closes(narrated_site, serve, page, page_log):
    page.add_init_script("""window.__visits = [];
        document.addEventListener('vtour:visit', (e) => window.__visits.push(e.detail));""")
    base = serve(narrated_site)
    open_tour(page, page_log, base)
    page.get_by_role("button", name=XSS_TITLE).click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    dialog.get_by_role("button", name="Play the narration").click()
    wait_for_js(page, "() => window.vtour.mediaPlaying", what="the hotspot's narration", log=page_log)
    assert dialog.get_by_role("button", name="Stop the narration").count() == 1
    wait_for_js(
        page, "() => document.querySelector('.vtour-captions').textContent !== ''", what="the caption", log=page_log
    )
    assert page.locator(".vtour-captions").is_visible()  # over the dialog's backdrop
    problems = axe_violations(page)
    assert not problems, "axe-core:\n  " + "\n  ".join(problems)
    page.keyboard.press("Escape")
    wait_for_js(page, "() => !window.vtour.mediaPlaying", what="stopped with the dialog closed", log=page_log)
    narration = [v for v in page.evaluate("() => window.__visits") if v["type"] == "narration"]
    assert [(v["target"], v["muted"]) for v in narration] == [("hall-1", False)]
    page_log.assert_clean()


DRAW_RIGHT_HALF = """() => {
  const r = window.vtour.renderer, gl = r.gl, w = r.canvas.width, h = r.canvas.height;
  gl.clearColor(0, 0, 0, 1);
  gl.clear(gl.COLOR_BUFFER_BIT);
  r.drawView(r.camera, {framebuffer: null, x: Math.floor(w / 2), y: 0, width: w - Math.floor(w / 2), height: h});
  const px = (x, y) => { const p = new Uint8Array(4); gl.readPixels(x, y, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, p);
                         return [p[0], p[1], p[2]]; };
  return {centre: px(Math.floor(w * 3 / 4), Math.floor(h / 2)), left: px(Math.floor(w / 4), Math.floor(h / 2))};
}"""


def test_paused_renderer_draws_nothing_on_demand_and_draw_view_fills_one_viewport(narrated_site, serve, page, page_log):
    base = serve(narrated_site)
    open_tour(page, page_log, base, "#scene=hall&yaw=40&pitch=0&fov=70")
    page.evaluate("() => { window.vtour.renderer.paused = true; }")
    count = page.evaluate("() => window.vtour.stats().frames")
    page.evaluate("() => window.vtour.setView({yaw: 41})")
    frames(page, 4)
    assert page.evaluate("() => window.vtour.stats().frames") == count  # a WebXR session draws the frames then
    page.evaluate("() => window.vtour.setView({yaw: 40})")
    drawn = page.evaluate(DRAW_RIGHT_HALF)
    # the viewport's centre looks straight ahead (yaw 40: still the front face, 5 degrees from the right one);
    # left of the viewport nothing is drawn (nor cleared by drawView)
    assert np.abs(np.array(drawn["centre"]) - FACE_COLOURS["f"]).max() < 30, drawn
    assert drawn["left"] == [0, 0, 0], drawn
    page.evaluate("() => { window.vtour.renderer.paused = false; }")
    wait_for_js(page, f"() => window.vtour.stats().frames > {count}", what="frames again once unpaused", log=page_log)
    page_log.assert_clean()


def test_textures_do_not_leak_across_scene_changes_that_overtake_each_other(narrated_site, serve, page, page_log):
    base = serve(narrated_site)
    open_tour(page, page_log, base)
    assert page.evaluate("() => window.vtour.stats().textures") == 5
    # a cross-fade overtaken by the next change, three times over, then back to the hall
    page.evaluate("""async () => {
        const v = window.vtour;
        const moves = [v.goTo('crypt'), new Promise((r) => setTimeout(r, 150)).then(() => v.goTo('hall')),
                       new Promise((r) => setTimeout(r, 300)).then(() => v.goTo('crypt', null, {transitionMs: 0})),
                       new Promise((r) => setTimeout(r, 320)).then(() => v.goTo('hall'))];
        await Promise.allSettled(moves);
    }""")
    wait_for_js(
        page,
        "() => { const s = window.vtour.stats(); return s.scene === 'hall' && s.sharpNow && s.textures === 5; }",
        what="the hall sharp with only its own 5 textures",
        log=page_log,
    )
    assert page.evaluate("() => window.vtour.renderer.layers.length") == 1
    page_log.assert_clean()
