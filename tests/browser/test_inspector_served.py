"""The conservator's inspector in the Panel app (vtour serve): the side panel's widgets drive the inspector in
the page and follow it, the levels table and the deviation histogram are beside the view, and axe-core finds
nothing, in English and in Chinese.

The app is served with ``tour_app(tour_dir=...)``: the viewer and, beside it, the side panel. Screenshots
(``tests/artifacts/test_*-<name>-<lang>.png``): the levels table and the deviation histogram, the model in clay
and in normals, after the light moved, and cut by a section set from Python.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from helpers import PAGE_VIEWER, axe_violations, frames, open_panel_app, set_in_session, wait_for_js

pytestmark = [pytest.mark.browser, pytest.mark.viewport(1200, 800)]

INSPECTOR = f"{PAGE_VIEWER}.inspector"


def until(predicate, what: str, timeout_s: float = 20.0) -> None:
    """Wait for a Python-side condition (a parameter the browser sets)."""
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def view_pixels(page) -> np.ndarray:
    """The inspector's 3D view as it is on screen, (H, W, 3) uint8."""
    from helpers import png_to_rgb

    frames(page, 3)
    box = page.evaluate(f"() => {{ const r = {INSPECTOR}.stage.canvas.getBoundingClientRect();"
                        " return {x: r.x, y: r.y, width: r.width, height: r.height}; }")
    return png_to_rgb(page.screenshot(clip=box))


def differs(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


@pytest.fixture
def served(viewer_site, monkeypatch):
    """Start `vtour serve` on the test tour with the side panel; yields (port, made) where ``made`` collects each
    session's (TourViewer, ModelInspector)."""
    from vtour import panel_inspector
    from vtour import serve as serve_mod

    made = []

    class Recorded(panel_inspector.ModelInspector):
        def __init__(self, viewer, tour_dir, **params):
            super().__init__(viewer, tour_dir, **params)
            made.append((viewer, self))

    monkeypatch.setattr(panel_inspector, "ModelInspector", Recorded)
    servers = []

    def start(**viewer_params):
        port = serve_mod.free_port()
        servers.append(serve_mod.serve_tour(viewer_site, port=port, threaded=True,
                                            app=lambda: serve_mod.tour_app(tour_dir=viewer_site, **viewer_params)))
        return port

    yield start, made
    for server in servers:
        server.stop()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_side_panel_opens_the_model_and_drives_the_inspector_beside_its_levels_and_histogram(
        lang, served, page, page_log, screenshot):
    start, made = served
    open_panel_app(page, page_log, f"http://127.0.0.1:{start(language=lang)}/")
    viewer, panel = made[0]
    aside = page.get_by_role("complementary", name="Inspector" if lang == "en" else "检视器")
    # no model open: the panel asks for one, and axe-core finds nothing
    assert aside.get_by_text(panel.L["open"]).is_visible()
    problems = axe_violations(page)
    assert not problems, f"axe-core, no model open ({lang}):\n  " + "\n  ".join(problems)
    # choose the model: the inspector opens in the page, and what it shows comes back to Python
    title = next(k for k, v in panel.chooser.options.items() if v == "sphere")
    assert title == ("Test sphere" if lang == "en" else "测试球体")
    aside.get_by_role("combobox", name="Model").select_option(label=title)
    wait_for_js(page, f"() => {INSPECTOR} && {INSPECTOR}.timing.fullDetail !== null", timeout_s=60,
                what="the inspector at full detail", log=page_log)
    assert viewer.model == "sphere"
    until(lambda: viewer.level == "models/sphere/lod1.glb", "the level shown, in Python")
    assert viewer.triangles == page.evaluate(f"() => {INSPECTOR}.state().triangles") > 0
    # the levels table: both levels, the one on screen marked; the histogram beside it
    table = aside.get_by_role("table")
    assert table.get_by_role("row").count() == 3  # a header and two levels
    shown = table.get_by_role("row").filter(has_text="lod1.glb")
    assert shown.get_by_text(panel.L["yes"], exact=True).count() == 1
    assert table.get_by_role("row").filter(has_text="lod0.glb").get_by_text(panel.L["yes"], exact=True).count() == 0
    assert panel.histogram.object is not None and aside.locator(".bk-Canvas canvas").count() >= 1
    assert "vertices" in panel.summary.object or "顶点" in panel.summary.object
    aside.locator(".bk-Canvas canvas").first.scroll_into_view_if_needed()
    frames(page)
    screenshot(page, f"levels-and-histogram-{lang}")
    aside.get_by_role("heading", level=2).scroll_into_view_if_needed()
    # a mode set from Python, then from the panel's radio button: the inspector follows, the image changes
    set_in_session(viewer, mode="clay")
    wait_for_js(page, f"() => {INSPECTOR}.state().mode === 'clay'", what="clay from Python")
    clay = view_pixels(page)
    screenshot(page, f"clay-{lang}")
    aside.get_by_role("radio", name="Normals").check()
    wait_for_js(page, f"() => {INSPECTOR}.state().mode === 'normals'", what="normals from the panel")
    until(lambda: viewer.mode == "normals", "the mode in Python")
    normals = view_pixels(page)
    screenshot(page, f"normals-{lang}")
    assert differs(clay, normals) > 5, "normals look like clay"
    # the light, moved with the keyboard on the panel's slider: Python and the inspector follow, the image changes
    aside.get_by_role("radio", name="Clay").check()
    wait_for_js(page, f"() => {INSPECTOR}.state().mode === 'clay'", what="clay again")
    before = view_pixels(page)
    slider = aside.get_by_role("slider", name=panel.L["azimuth"])  # its English word too: "Light"
    slider.focus()
    for _ in range(25):  # one degree a press
        page.keyboard.press("ArrowRight")
    until(lambda: viewer.light_azimuth == 60, "the azimuth in Python")
    azimuth = 60
    wait_for_js(page, f"() => Math.abs({INSPECTOR}.state().light.azimuth - {azimuth}) < 1e-6",
                what="the azimuth in the inspector")
    after = view_pixels(page)
    screenshot(page, f"light-moved-{lang}")
    assert differs(before, after) > 2, f"the light moved from 35 to {azimuth} degrees and the image did not change"
    # the inspector's own controls drive Python too
    page.evaluate(f"() => {INSPECTOR}.set({{light: {{elevation: -20}}, finest: true}})")
    until(lambda: viewer.light_elevation == -20 and viewer.finest, "the inspector's change in Python")
    until(lambda: panel.sliders["light_elevation"].value == -20 and "finest" in panel.switches["detail"].value,
          "the inspector's change in the panel's widgets")
    # a section from Python: the inspector clips, and says so back
    set_in_session(viewer, section={"normal": [2, 0, 0], "offset": 0.0})
    wait_for_js(page, f"() => {{ const s = {INSPECTOR}.state().section; return !!s && s.normal[0] === 1; }}",
                what="the section from Python")
    until(lambda: viewer.section and viewer.section["normal"] == [1, 0, 0], "the unit normal back in Python")
    screenshot(page, f"section-{lang}")
    set_in_session(viewer, section=None)
    wait_for_js(page, f"() => {INSPECTOR}.state().section === null", what="no section")
    problems = axe_violations(page)
    assert not problems, f"axe-core, the model open ({lang}):\n  " + "\n  ".join(problems)
    # closing from Python closes the inspector; the panel asks again
    set_in_session(viewer, model=None)
    wait_for_js(page, f"() => {INSPECTOR} === null", what="the inspector closed")
    until(lambda: viewer.level is None, "nothing on screen")
    page_log.assert_local_only()
    assert not page_log.page_errors and not page_log.bad_responses, (page_log.page_errors, page_log.bad_responses)


def test_a_model_opened_by_the_visitor_reaches_python_and_an_unknown_one_from_python_is_refused(
        served, page, page_log, caplog):
    start, made = served
    open_panel_app(page, page_log, f"http://127.0.0.1:{start()}/")
    viewer, panel = made[0]
    set_in_session(viewer, model="nope")  # not in the tour: the viewer says why, and Python's parameter goes back
    until(lambda: viewer.model is None, "the unknown model refused")
    until(lambda: "model 'nope'" in caplog.text, "the reason in the log")
    assert page.evaluate(f"() => {INSPECTOR}") is None
    # the visitor picks Chinese in the viewer's toolbar: the panel's words follow, English words kept
    page.get_by_role("combobox", name="Language").select_option("zh")
    until(lambda: viewer.language == "zh", "the language in Python")
    page.get_by_role("complementary", name="检视器").get_by_role("combobox", name="模型 (Model)").wait_for()
    page.get_by_role("combobox", name="语言").select_option("en")
    page.get_by_role("complementary", name="Inspector").wait_for()
    # the visitor opens the model hotspot: Python and the panel follow
    page.evaluate(f"() => {{ const v = {PAGE_VIEWER}; v.activate(v.tour.scene('hall').hotspots[2]); }}")
    until(lambda: viewer.model == "sphere" and viewer.level is not None, "the visitor's model in Python")
    until(lambda: panel.body.visible and panel.chooser.value == "sphere", "the panel on the visitor's model")
    # and closes it: Python and the panel follow again
    wait_for_js(page, f"() => {INSPECTOR} && {INSPECTOR}.levelIndex >= 0", what="the inspector", log=page_log)
    page.evaluate(f"() => {PAGE_VIEWER}.closeModel()")
    until(lambda: viewer.model is None and viewer.level is None and viewer.triangles is None, "closed, in Python")
    until(lambda: panel.prompt.visible and not panel.body.visible, "the panel asking for a model")
    assert not page_log.page_errors and not page_log.bad_responses


def test_change_limits_previous_section_presets_and_screenshots_drive_the_inspector_from_the_panel(
        served, page, page_log, tmp_path):
    """The parameters the reviewer found missing: change_limits and previous both ways, the Section presets through
    the middle of the model, and the Screenshot button (a PNG download at the size chosen, reported to Python)."""
    start, made = served
    open_panel_app(page, page_log, f"http://127.0.0.1:{start()}/")
    viewer, panel = made[0]
    set_in_session(viewer, model="sphere")
    wait_for_js(page, f"() => {INSPECTOR} && {INSPECTOR}.timing.fullDetail !== null", timeout_s=60,
                what="the inspector at full detail", log=page_log)
    aside = page.get_by_role("complementary", name="Inspector")
    # change limits and the previous scan: Python -> inspector, then inspector -> Python
    set_in_session(viewer, change_limits={"minor": 0.002, "major": 0.01})
    wait_for_js(page, f"() => {{ const l = {INSPECTOR}.state().changeLimits;"
                      " return !!l && l.minor === 0.002 && l.major === 0.01; }", what="the limits from Python")
    page.evaluate(f"() => {INSPECTOR}.set({{changeLimits: {{minor: 0.003, major: 0.02}}, previous: 1}})")
    until(lambda: viewer.change_limits == {"minor": 0.003, "major": 0.02} and viewer.previous == 1,
          "the inspector's limits and previous scan in Python")
    set_in_session(viewer, previous=0)
    wait_for_js(page, f"() => {INSPECTOR}.state().previous === 0", what="the previous scan from Python")
    # the Section presets: a plane through the middle of the model, normal along the axis chosen
    aside.get_by_role("radio", name="Section: X, through the middle").check()
    wait_for_js(page, f"() => {{ const s = {INSPECTOR}.state().section; return !!s && s.normal[0] === 1; }}",
                what="the X section")
    offset, centre, radius = page.evaluate(f"() => [{INSPECTOR}.state().section.offset,"
                                           f" {INSPECTOR}.stage.bounds.center.x, {INSPECTOR}.stage.bounds.radius]")
    assert abs(offset - centre) < 1e-3 * radius, (offset, centre, radius)
    aside.get_by_role("radio", name="Section: Z, through the middle").check()
    wait_for_js(page, f"() => {{ const s = {INSPECTOR}.state().section; return !!s && s.normal[2] === 1; }}",
                what="the Z section")
    page.evaluate(f"() => {INSPECTOR}.set({{section: {{normal: [0, 1, 1], offset: 0}}}})")  # set in the view
    until(lambda: panel.section.value == "other", "another plane, in the panel")
    aside.get_by_role("radio", name="Section: off").check()
    wait_for_js(page, f"() => {INSPECTOR}.state().section === null", what="no section")
    # a screenshot 1920 pixels wide, from the panel's button: a PNG download, and Python hears of it
    aside.get_by_role("combobox", name="Screenshot size").select_option(label="1920 pixels wide")
    until(lambda: panel.shot_size.value == "1920", "the size in Python")
    with page.expect_download() as download:
        aside.get_by_role("button", name="Screenshot").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    from PIL import Image

    with Image.open(path) as image:
        assert image.format == "PNG" and image.width == 1920, (image.format, image.size)
        size = image.size
    assert path.name == f"sphere-textured-{size[0]}x{size[1]}.png"
    until(lambda: viewer.screenshot is not None, "the screenshot in Python")
    assert viewer.screenshot == {"file": path.name, "width": 1920, "height": size[1], "bytes": path.stat().st_size}
    until(lambda: path.name in panel.shot_status.object, "the panel saying what was saved")
    # the limits the inspector reported belong to its model: reopened, it starts from the tour's (none here) ...
    assert viewer.change_limits == {"minor": 0.003, "major": 0.02}
    reopen = (f"() => {INSPECTOR} && {INSPECTOR}.timing.firstFrame !== null && {INSPECTOR}.state().changeLimits"
              " !== undefined")
    for limits in (None, {"minor": 0.004, "major": 0.04}):  # ... and limits Python set meanwhile are applied
        set_in_session(viewer, model=None)
        wait_for_js(page, f"() => {INSPECTOR} === null", what="the inspector closed")
        if limits:
            set_in_session(viewer, change_limits=limits)
        set_in_session(viewer, model="sphere")
        wait_for_js(page, reopen, timeout_s=60, what="the inspector reopened", log=page_log)
        expected = "null" if limits is None else "{minor: 0.004, major: 0.04}"
        wait_for_js(page, f"() => JSON.stringify({INSPECTOR}.state().changeLimits) === JSON.stringify({expected})",
                    what=f"the limits on reopening ({limits})")
        until(lambda limits=limits: viewer.change_limits == limits, f"the limits in Python ({limits})")
    problems = axe_violations(page)
    assert not problems, "axe-core, the new controls:\n  " + "\n  ".join(problems)
    assert not page_log.page_errors and not page_log.bad_responses, (page_log.page_errors, page_log.bad_responses)
