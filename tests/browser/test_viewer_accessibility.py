"""The viewer for a visitor using the keyboard or a screen reader: its dialogs are modal (everything under an
open dialog is inert: out of the Tab order, not clickable, drawn below it), and axe-core reports no violation
on the static page, the Panel app, an open info dialog and an open model dialog, in English and in Chinese.

Screenshots of each (``tests/artifacts/test_*-<name>.png``) show what a visitor sees, Chinese text included
(``fonts-noto-cjk``).
"""

from __future__ import annotations

import pytest
from helpers import PAGE_VIEWER, axe_violations, frames, open_panel_app, open_tour, wait_for_js

pytestmark = [pytest.mark.browser, pytest.mark.viewport(640, 480)]

#: The synthetic tour's hotspots of the first view (tests/browser/viewer_tour.py), by language.
NAMES = {
    "en": {"link": "To the crypt", "info": "<img src=x onerror=alert(1)>", "model": "Test sphere"},
    "zh": {"link": "前往地下墓室", "info": "壁画", "model": "测试球体"},
}
#: JavaScript: what the focused element is, looking into shadow roots (the Panel app's).
FOCUSED = """() => {
  let e = document.activeElement;
  while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
  if (!e) return null;
  return { cls: String(e.className || ""), tag: e.tagName, label: e.getAttribute("aria-label"),
           inDialog: !!e.closest("[role=dialog]"), hotspot: !!e.closest(".vtour-hotspot"),
           tool: !!e.closest(".vtour-toolbar") };
}"""


def open_dialog(page, page_log, kind: str, lang: str) -> dict:
    """Tab to the hotspot of ``kind`` and press Enter, with the pointer resting on it (hovered and focused:
    the state in which it was drawn above the dialog). Returns the hotspot's box."""
    button = page.get_by_role("button", name=NAMES[lang][kind], exact=True)
    box = button.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    button.focus()
    page.keyboard.press("Enter")
    page.get_by_role("dialog").wait_for()
    if kind == "model":
        wait_for_js(page, "() => window.vtour.modelView.loaded.length === 2", what="both LODs", timeout_s=30,
                    log=page_log)
    else:
        wait_for_js(page, "() => { const i = document.querySelector('.vtour-info-image');"
                          " return i && i.complete && i.naturalWidth > 0; }", what="the info image", log=page_log)
    frames(page)
    return box


@pytest.mark.parametrize("kind", ["info", "model"])
def test_an_open_dialog_is_drawn_above_everything_and_tab_never_leaves_it_for_what_is_under_it(
        kind, viewer_site, serve, page, page_log, screenshot):
    open_tour(page, page_log, serve(viewer_site))
    under = {"hotspot": open_dialog(page, page_log, kind, "en")}
    for name, selector in (("toolbar", ".vtour-tool-gallery"), ("scene title", ".vtour-scene-title"),
                           ("other hotspot", f".vtour-hotspot[aria-label='{NAMES['en']['link']}']")):
        under[name] = page.locator(selector).bounding_box()
    screenshot(page, f"{kind}-dialog-over-hotspot")
    # topmost: what is at each point of the viewer's own controls is the dialog (or its backdrop)
    for name, box in under.items():
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        hit = page.evaluate("([x, y]) => { const e = document.elementFromPoint(x, y);"
                            " return e && e.closest('.vtour-backdrop') ? null : e && e.outerHTML.slice(0, 120); }",
                            [x, y])
        assert hit is None, f"the {name} at ({x:.0f}, {y:.0f}) is drawn above the open {kind} dialog: {hit}"
    # the focus is in the dialog; Tab and Shift+Tab never reach a hotspot or a toolbar button
    assert page.evaluate(FOCUSED)["inDialog"]
    seen = []
    for key in ["Tab"] * 12 + ["Shift+Tab"] * 12:
        page.keyboard.press(key)
        seen.append(page.evaluate(FOCUSED))
    reached = [f for f in seen if f and (f["hotspot"] or f["tool"])]
    assert not reached, f"Tab reached the viewer's controls under the open {kind} dialog: {reached}"
    page.keyboard.press("Escape")
    assert not page.get_by_role("dialog").is_visible()
    # closed: everything is back in the Tab order, and the focus is back on the hotspot that opened it
    focused = page.evaluate(FOCUSED)
    assert focused["hotspot"] and focused["label"] == NAMES["en"][kind], focused
    assert page.evaluate("() => document.querySelectorAll('.vtour-root [inert]').length") == 0
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["hotspot"] or focused["tool"], focused
    page_log.assert_clean()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_axe_finds_no_violation_on_the_tour_page_and_its_info_and_model_dialogs(
        lang, viewer_site, serve, page, page_log, screenshot):
    open_tour(page, page_log, serve(viewer_site), f"#lang={lang}")
    assert page.evaluate("() => window.vtour.language") == lang
    found = {}
    screenshot(page, f"tour-{lang}")
    found["tour page"] = axe_violations(page)
    for kind in ("info", "model"):
        open_dialog(page, page_log, kind, lang)
        screenshot(page, f"{kind}-dialog-{lang}")
        found[f"{kind} dialog"] = axe_violations(page)
        page.keyboard.press("Escape")
    page.click(".vtour-tool-gallery")
    wait_for_js(page, "() => [...document.querySelectorAll('.vtour-gallery-item img')]"
                      ".every(i => i.complete && i.naturalWidth)", what="thumbnails", log=page_log)
    screenshot(page, f"gallery-{lang}")
    found["scene gallery"] = axe_violations(page)
    page.keyboard.press("Escape")
    problems = [f"{where}: {v}" for where, vs in found.items() for v in vs]
    assert not problems, f"axe-core ({lang}):\n  " + "\n  ".join(problems)
    page_log.assert_clean()
    page_log.assert_local_only()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_axe_finds_no_violation_in_the_panel_app(lang, viewer_site, page, page_log, screenshot):
    from vtour import serve as serve_mod

    port = serve_mod.free_port()
    server = serve_mod.serve_tour(viewer_site, port=port, threaded=True,
                                  app=lambda: serve_mod.tour_app(language=lang))
    try:
        open_panel_app(page, page_log, f"http://127.0.0.1:{port}/")
        assert page.evaluate(f"() => {PAGE_VIEWER}.language") == lang
        frames(page)
        screenshot(page, f"panel-app-{lang}")
        problems = axe_violations(page)
        assert not problems, f"axe-core, the Panel app ({lang}):\n  " + "\n  ".join(problems)
        page_log.assert_local_only()
        assert not page_log.page_errors and not page_log.bad_responses
    finally:
        server.stop()


def _inside(box: dict, width: int, height: int) -> bool:
    return box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= width and box["y"] + box["height"] <= height


@pytest.mark.viewport(390, 700)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_on_a_phone_the_controls_and_the_dialogs_fit_the_screen_and_axe_finds_nothing(
        lang, viewer_site, serve, page, page_log, screenshot):
    """A 390 x 700 px phone screen: the title, the toolbar and each open dialog with its close button lie
    wholly on screen, and axe-core finds no violation."""
    open_tour(page, page_log, serve(viewer_site), f"#lang={lang}")
    screenshot(page, f"phone-tour-{lang}")
    controls = page.locator(".vtour-scene-title, .vtour-toolbar button, .vtour-toolbar select")
    assert controls.count() >= 3
    off = [controls.nth(i).get_attribute("class") for i in range(controls.count())
           if not _inside(controls.nth(i).bounding_box(), 390, 700)]
    assert not off, f"controls off a phone's screen ({lang}): {off}"
    found = {"tour page": axe_violations(page)}
    for kind in ("info", "model"):
        open_dialog(page, page_log, kind, lang)
        screenshot(page, f"phone-{kind}-dialog-{lang}")
        dialog = page.get_by_role("dialog")
        assert _inside(dialog.bounding_box(), 390, 700), f"the {kind} dialog does not fit a phone's screen"
        close = dialog.get_by_role("button").first
        assert _inside(close.bounding_box(), 390, 700)
        found[f"{kind} dialog"] = axe_violations(page)
        page.keyboard.press("Escape")
    problems = [f"{where}: {v}" for where, vs in found.items() for v in vs]
    assert not problems, f"axe-core on a phone ({lang}):\n  " + "\n  ".join(problems)
    page_log.assert_clean()
