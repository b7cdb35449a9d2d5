"""The tour editor in headless Chromium (issue 12, "How it is measured"): ``serve_editor`` in a thread of this
process on a copy of the tiny sample grotto, its page driven by the controls' English accessible names.

* a click with "Add link" armed adds a hotspot whose saved yaw and pitch are the direction under the clicked point
  (the camera model of vtour/conventions.py, computed here in numpy) within 0.5 degrees, at fovs 90, 60 and 30 and
  looking 80 degrees up and down (clicks past the zenith and the nadir);
* a hotspot dragged by some pixels is saved at the direction under the drop point (the icon's centre);
* an edit survives a save and a reload of the page;
* the comments of tour.yaml survive a save, and the save only adds the new hotspot's lines;
* a change made to tour.yaml on disk is shown within seconds, Save refuses and leaves the file as the disk has it;
  "Reload from disk" takes the disk's version;
* the validation panel lists a broken link with the words of ``vtour validate``; activating it shows that hotspot
  selected in its scene;
* undo returns the document to the bytes it had, redo goes forward again;
* off loopback every request without the token is refused (the page, the tour's files, the upload API), and with
  ``?token=`` the page opens and saves;
* axe-core finds no violation in English and in Chinese (screenshots ``tests/artifacts/test_axe*-editor-<lang>.png``);
* the main controls are reached with Tab and work with Enter and Space; Enter on the viewer places the armed
  hotspot at the view's centre.

Run ``npm run build`` first.
"""

from __future__ import annotations

import difflib
import re
import urllib.error
import urllib.request

import pytest
from data_paths import require
from editor_helpers import (
    ANGLE_TOLERANCE_DEG,
    angle_mismatch,
    arm,
    button,
    canvas_box,
    choose_option,
    copy_sample,
    direction_under,
    field,
    hit_at,
    hotspot_count,
    hotspot_icon_centre,
    make_sample,
    non_loopback_address,
    open_editor,
    read_tour,
    scene_of,
    scene_shown,
    set_view,
    start_editor,
    tab_to,
    until,
    viewer_eval,
    wait_disarmed,
    wait_file_changes,
    wait_hotspot_count,
    yaw_pitch_of,
)
from helpers import PAGE_VIEWER, axe_violations, frames, wait_for_js

from vtour.conventions import wrap_yaw
from vtour.site import BUNDLE, DIST
from vtour.tour.validate import validate_path

pytestmark = [pytest.mark.browser, pytest.mark.viewport(1400, 900)]

#: The sample's start scene and how many hotspots it has in tour.yaml.
START = "entrance"
START_HOTSPOTS = 6


# ---------------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The tiny sample grotto, written and built once for the module: (tour.yaml, build output)."""
    require(DIST / BUNDLE, "the viewer bundle", "npm run build, or make setup")
    return make_sample(tmp_path_factory.mktemp("editor-sample"))


@pytest.fixture
def tour(template, tmp_path):
    """This test's own copy of the sample: (tour.yaml, build output)."""
    return copy_sample(template, tmp_path)


@pytest.fixture
def editor(tour):
    """``start(**serve_editor_kwargs) -> Editor`` on this test's tour; stopped when the test ends."""
    started = []

    def start(**kwargs):
        started.append(start_editor(tour[0], tour[1], **kwargs))
        return started[-1]

    yield start
    for e in started:
        e.stop()


# ---------------------------------------------------------------------------------------------------
# Driving the page


def save(page, tour_yaml, what: str = "the save") -> bytes:
    """Press Save and wait until tour.yaml changes; returns its new bytes."""
    before = tour_yaml.read_bytes()
    button(page, "Save").click()
    return wait_file_changes(tour_yaml, before, what)


def click_canvas(page, log, fx: float, fy: float) -> tuple[float, float]:
    """Click the panorama at fractions (fx, fy) of the canvas (rounded to whole page px, as a mouse is) with a tool
    armed; waits for the new hotspot to be shown. Returns the (yaw, pitch) under that point by the camera model."""
    box = canvas_box(page)
    x, y = round(box["x"] + fx * box["width"]), round(box["y"] + fy * box["height"])
    hit = hit_at(page, x, y)
    assert hit == "canvas", f"the point ({fx}, {fy}) of the canvas is covered by {hit!r}: pick another in the test"
    view = viewer_eval(page, "v.view.get()")
    n = hotspot_count(page)
    page.mouse.click(x, y)
    wait_hotspot_count(page, log, n + 1, f"the hotspot added by the click at ({fx}, {fy})")
    wait_disarmed(page, log)
    return yaw_pitch_of(direction_under(view, x - box["x"], y - box["y"], box["width"], box["height"]))


def same_view(a: dict, b: dict) -> bool:
    """Two views {yaw, pitch, fov} alike to a millionth of a degree (yaw folded: -180 is 180)."""
    return (
        abs(wrap_yaw(a["yaw"] - b["yaw"])) < 1e-6
        and a["pitch"] == pytest.approx(b["pitch"], abs=1e-6)
        and a["fov"] == pytest.approx(b["fov"], abs=1e-6)
    )


def saved_angles(hotspot: dict) -> tuple[float, float]:
    return float(hotspot["yaw"]), float(hotspot["pitch"])


def selected_hotspot(page) -> dict | None:
    """The hotspot button the viewer shows selected: {id, pressed}, or None."""
    return viewer_eval(
        page,
        "(() => { const b = v.hotspots.element.querySelector('.vtour-hotspot-selected');"
        " return b ? {id: b.dataset.hotspotId, pressed: b.getAttribute('aria-pressed')} : null; })()",
    )


def status_text(page) -> str:
    """What the page's status and alert regions say now."""
    return " | ".join(t.strip() for t in page.locator("[role=status], [role=alert]").all_text_contents() if t.strip())


# ---------------------------------------------------------------------------------------------------
# Click to add: the saved angles are the direction under the clicked point

#: (view, points clicked as fractions of the canvas). Views look away from the sample's hotspots (entrance's are
#: within 55 degrees of yaw 0); the last two look 80 degrees up and down, and their clicks above / below the
#: centre land past the zenith / nadir (the saved yaw is then on the other side).
CLICKS = [
    ({"yaw": 180.0, "pitch": 0.0, "fov": 90.0}, [(0.5, 0.5), (0.2, 0.3), (0.82, 0.74)]),
    ({"yaw": 135.0, "pitch": 12.0, "fov": 60.0}, [(0.3, 0.62), (0.76, 0.25)]),
    ({"yaw": -140.0, "pitch": -8.0, "fov": 30.0}, [(0.14, 0.18), (0.86, 0.83), (0.47, 0.55)]),
    ({"yaw": 170.0, "pitch": 80.0, "fov": 60.0}, [(0.5, 0.12), (0.33, 0.3), (0.62, 0.44)]),
    ({"yaw": -165.0, "pitch": -80.0, "fov": 60.0}, [(0.5, 0.88), (0.7, 0.68)]),
]


def test_a_click_adds_a_hotspot_saved_at_the_direction_under_the_point_at_several_zooms_and_near_the_poles(
    tour, editor, page, page_log, screenshot
):
    tour_yaml, _ = tour
    open_editor(page, page_log, editor().url)
    assert scene_shown(page) == START
    expected = []
    for view, points in CLICKS:
        reached = set_view(page, **view)
        assert same_view(reached, view), f"the scene's limits changed the test's view {view} to {reached}"
        box = canvas_box(page)
        aspect = viewer_eval(page, "v.view.aspect")
        assert aspect == pytest.approx(box["width"] / box["height"], rel=1e-3), "the camera's aspect is not the canvas'"
        for fx, fy in points:
            arm(page, "Add link")
            expected.append((view, (fx, fy), click_canvas(page, page_log, fx, fy)))
        screenshot(page, f"clicked-fov{view['fov']:.0f}-pitch{view['pitch']:.0f}")
    save(page, tour_yaml)
    added = scene_of(read_tour(tour_yaml), START)["hotspots"][START_HOTSPOTS:]
    assert [h["type"] for h in added] == ["link"] * len(expected)
    errors, offs = [], []
    for (view, point, want), h in zip(expected, added, strict=True):
        got = saved_angles(h)
        off = angle_mismatch(got, want)
        offs.append(off)
        if not off < ANGLE_TOLERANCE_DEG:
            errors.append(
                f"view {view} point {point}: saved {got}, expected {tuple(round(a, 3) for a in want)}, "
                f"off by {off:.3f} deg"
            )
    assert not errors, "clicked hotspots saved away from the clicked direction:\n  " + "\n  ".join(errors)
    print(
        f"click to add: {len(offs)} clicks, saved within {max(offs):.3f} deg",
        f"(median {sorted(offs)[len(offs) // 2]:.3f})",
    )
    # the clicks above the centre looking 80 degrees up (below it, looking down) went past the pole: the direction
    # under them faces the other way (the test means what it says)
    for view, _ in CLICKS:
        if abs(view["pitch"]) == 80:
            assert any(abs(wrap_yaw(w[0] - view["yaw"])) > 90 for v, _, w in expected if v is view), view
    page_log.assert_clean()


# ---------------------------------------------------------------------------------------------------
# Drag


def test_a_dragged_hotspot_is_saved_at_the_direction_under_its_icon_where_it_is_dropped(
    tour, editor, page, page_log, screenshot
):
    tour_yaml, _ = tour
    original = scene_of(read_tour(tour_yaml), START)["hotspots"]
    index = 3  # "Preaching scene, south wall", info, yaw -53.39, pitch -3.5
    h = original[index]
    open_editor(page, page_log, editor().url)
    view = set_view(page, h["yaw"] + 12, 6, 60)
    box = canvas_box(page)
    icon = hotspot_icon_centre(page, index)
    assert icon is not None, "the hotspot to drag is not shown"
    # the icon sits on the hotspot's direction (the camera model), to a pixel
    at = yaw_pitch_of(direction_under(view, icon["x"] - box["x"], icon["y"] - box["y"], box["width"], box["height"]))
    assert angle_mismatch(at, saved_angles(h)) < 0.1, f"the icon is drawn at {at}, the hotspot is at {saved_angles(h)}"
    start = (round(icon["x"]), round(icon["y"]))
    drop = (start[0] + 160, start[1] - 110)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(start[0] + 3, start[1] - 2, steps=2)
    page.mouse.move(*drop, steps=12)
    screenshot(page, "dragging")
    page.mouse.up()
    frames(page, 3)
    assert same_view(viewer_eval(page, "v.view.get()"), view), "dragging a hotspot turned the view"
    # the icon is now where it was dropped, also after the document's answer redrew the hotspots
    wait_for_js(
        page,
        f"""() => {{ const b = [...{PAGE_VIEWER}.hotspots.element.querySelectorAll('button')]
          .find((e) => e.dataset.hotspotId === '{index}'); const r = b.getBoundingClientRect();
          return Math.abs(r.left + 17 - {drop[0]}) < 1.5 && Math.abs(r.top + r.height / 2 - {drop[1]}) < 1.5; }}""",
        what="the hotspot's icon at the drop point",
        log=page_log,
    )
    save(page, tour_yaml)
    hotspots = scene_of(read_tour(tour_yaml), START)["hotspots"]
    want = yaw_pitch_of(direction_under(view, drop[0] - box["x"], drop[1] - box["y"], box["width"], box["height"]))
    got = saved_angles(hotspots[index])
    assert angle_mismatch(got, want) < ANGLE_TOLERANCE_DEG, f"saved at {got}, dropped at {want}"
    print(f"drag: saved within {angle_mismatch(got, want):.3f} deg of the drop point")
    assert got != pytest.approx(saved_angles(h), abs=5), "the hotspot did not move"
    assert [x for i, x in enumerate(hotspots) if i != index] == [x for i, x in enumerate(original) if i != index]
    screenshot(page, "dropped")
    page_log.assert_clean()


# ---------------------------------------------------------------------------------------------------
# Save and reload


def test_a_hotspot_added_and_titled_survives_a_save_and_a_reload_of_the_page(tour, editor, page, page_log, screenshot):
    tour_yaml, _ = tour
    open_editor(page, page_log, editor().url)
    set_view(page, 180, 0, 75)
    arm(page, "Add info")
    want = click_canvas(page, page_log, 0.5, 0.5)
    title = field(page, "Title (en)")
    title.fill("Bronze bell <b>cast</b> in 1421")
    title.press("Tab")
    field(page, "Text (zh)").fill("明代铜钟")
    field(page, "Text (zh)").press("Tab")
    wait_for_js(
        page,
        f"() => {PAGE_VIEWER}.hotspots.items.some((i) => i.button.getAttribute('aria-label') === "
        "'Bronze bell <b>cast</b> in 1421')",
        what="the viewer showing the new title",
        log=page_log,
    )
    save(page, tour_yaml)
    [new] = scene_of(read_tour(tour_yaml), START)["hotspots"][START_HOTSPOTS:]
    assert new["type"] == "info"
    assert new["title"] == {"en": "Bronze bell <b>cast</b> in 1421"} and new["text"] == {"zh": "明代铜钟"}
    assert angle_mismatch(saved_angles(new), want) < ANGLE_TOLERANCE_DEG

    page.reload()  # a new session of the page
    open_editor(page, page_log, page.url)
    set_view(page, 180, 0, 75)
    hotspot = page.get_by_role("button", name="Bronze bell <b>cast</b> in 1421", exact=True)
    hotspot.click()  # in edit mode: selects it
    want_selected = {"id": str(START_HOTSPOTS), "pressed": "true"}
    until(lambda: selected_hotspot(page) == want_selected, "the reloaded hotspot selected", page=page)
    until(lambda: field(page, "Title (en)").input_value() == "Bronze bell <b>cast</b> in 1421", "its title", page=page)
    assert field(page, "Text (zh)").input_value() == "明代铜钟"
    assert field(page, "Text (en)").input_value() == ""
    screenshot(page, "reloaded")
    # the title is text, never markup
    assert viewer_eval(page, "v.hotspots.element.querySelector('b') === null")
    page_log.assert_clean()


# ---------------------------------------------------------------------------------------------------
# Comments survive


def test_comments_in_tour_yaml_survive_a_save_which_only_adds_the_new_hotspot_lines(tour, editor, page, page_log):
    tour_yaml, _ = tour
    text = tour_yaml.read_text(encoding="utf-8")
    text = text.replace("start: entrance\n", "# the visitors come in here\nstart: entrance  # keep it first\n", 1)
    text = text.replace("    yaw: 16.7\n", "    yaw: 16.7  # measured on site, 2024-03-02\n", 1)
    text = text.replace("- id: chamber\n", "# the main chamber, lit by the east window\n- id: chamber\n", 1)
    text += "# end of the tour\n"
    tour_yaml.write_text(text, encoding="utf-8")
    original = tour_yaml.read_bytes()
    open_editor(page, page_log, editor().url)
    set_view(page, 180, 0, 75)
    arm(page, "Add info")
    click_canvas(page, page_log, 0.4, 0.6)
    saved = save(page, tour_yaml).decode("utf-8")
    for comment in (
        "# the visitors come in here\n",
        "start: entrance  # keep it first\n",
        "    yaw: 16.7  # measured on site, 2024-03-02\n",
        "# the main chamber, lit by the east window\n- id: chamber\n",
        "# end of the tour\n",
    ):
        assert comment in saved, f"the save lost {comment!r}"
    before, after = text.splitlines(keepends=True), saved.splitlines(keepends=True)
    changes = [
        op for op in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes() if op[0] != "equal"
    ]
    diff = "".join(difflib.unified_diff(before, after, "before", "after"))
    assert [op[0] for op in changes] == ["insert"], f"the save changed more than the new hotspot's lines:\n{diff}"
    inserted = "".join(after[changes[0][3] : changes[0][4]])
    assert "type: info" in inserted and "yaw:" in inserted and "pitch:" in inserted, diff
    assert tour_yaml.with_name("tour.yaml.bak").read_bytes() == original
    page_log.assert_clean()


# ---------------------------------------------------------------------------------------------------
# Changed on disk


def test_a_change_made_on_disk_is_shown_and_save_refuses_to_overwrite_it_until_reloaded(
    tour, editor, page, page_log, screenshot
):
    tour_yaml, _ = tour
    open_editor(page, page_log, editor().url)
    set_view(page, 180, 0, 75)
    arm(page, "Add info")
    click_canvas(page, page_log, 0.5, 0.5)  # an unsaved edit
    changed = tour_yaml.read_text(encoding="utf-8").replace("    en: Entrance\n", "    en: Entrance hall\n", 1)
    assert "Entrance hall" in changed
    tour_yaml.write_text(changed, encoding="utf-8")
    on_disk = tour_yaml.read_bytes()
    warning = page.get_by_text(re.compile("changed on disk")).first
    warning.wait_for(state="visible", timeout=10_000)  # without pressing anything
    screenshot(page, "warned")
    button(page, "Save").click()
    until(lambda: "nothing was saved" in status_text(page), "the page saying the save was refused", page=page)
    assert tour_yaml.read_bytes() == on_disk, "Save overwrote the change made on disk"
    assert not tour_yaml.with_name("tour.yaml.bak").exists()
    screenshot(page, "refused")
    # reload: the edit is dropped (after a confirmation: it was not saved) and the disk's version is edited
    button(page, "Reload from disk").click()
    button(page, "Confirm reload").click()
    wait_hotspot_count(page, page_log, START_HOTSPOTS, "the unsaved hotspot gone after the reload")
    arm(page, "Add info")
    click_canvas(page, page_log, 0.3, 0.3)
    saved = save(page, tour_yaml, "the save after the reload").decode("utf-8")
    assert "en: Entrance hall\n" in saved
    assert len(scene_of(read_tour(tour_yaml), START)["hotspots"]) == START_HOTSPOTS + 1
    assert tour_yaml.with_name("tour.yaml.bak").read_bytes() == on_disk
    page_log.assert_clean()


# ---------------------------------------------------------------------------------------------------
# Validation


def test_the_validation_panel_lists_a_broken_link_in_vtour_validates_words_and_going_to_it_selects_it(
    tour, editor, page, page_log, screenshot
):
    tour_yaml, _ = tour
    text = tour_yaml.read_text(encoding="utf-8")
    # chamber's second hotspot, the link to the niche, now leads nowhere
    broken = text.replace(
        "    yaw: -45.0\n    pitch: -1.76\n    target: niche\n",
        "    yaw: -45.0\n    pitch: -1.76\n    target: crypt\n",
        1,
    )
    assert broken != text
    tour_yaml.write_text(broken, encoding="utf-8")
    expected = [str(p) for p in validate_path(tour_yaml)]
    [line] = [p for p in expected if "crypt" in p]
    open_editor(page, page_log, editor().url)
    problems = page.get_by_role("list", name=re.compile("Problems found by validation"))
    problem = problems.get_by_role("button", name=line, exact=True)
    problem.wait_for(state="visible")
    listed = problems.get_by_role("button").all_inner_texts()
    assert sorted(t.strip() for t in listed) == sorted(expected), "the panel's problems are not vtour validate's"
    screenshot(page, "problems")
    assert scene_shown(page) == START
    problem.click()
    wait_for_js(page, f"() => {PAGE_VIEWER}.sceneId === 'chamber'", what="the viewer in the chamber", log=page_log)
    want_selected = {"id": "1", "pressed": "true"}
    until(lambda: selected_hotspot(page) == want_selected, "the broken link selected", page=page)
    # the link's form is shown: its target is the field to fix
    assert field(page, "Target scene").is_visible()
    screenshot(page, "went-to-problem")
    # fixing it empties the panel
    choose_option(field(page, "Target scene"), "(niche)")
    page.get_by_text(re.compile("No problems")).first.wait_for(state="visible")
    assert problems.get_by_role("button").count() == 0
    page_log.assert_clean()


# ---------------------------------------------------------------------------------------------------
# Undo and redo


def test_undo_returns_the_document_to_the_bytes_it_had_and_redo_goes_forward_again(tour, editor, page, page_log):
    tour_yaml, _ = tour
    original = tour_yaml.read_bytes()
    open_editor(page, page_log, editor().url)
    set_view(page, 180, 0, 75)
    arm(page, "Add link")
    click_canvas(page, page_log, 0.5, 0.5)
    first = save(page, tour_yaml, "the first save")
    assert len(scene_of(read_tour(tour_yaml), START)["hotspots"]) == START_HOTSPOTS + 1
    # two more edits, then both undone: the viewer shows the state after the first edit again
    arm(page, "Add info")
    click_canvas(page, page_log, 0.25, 0.25)
    button(page, "Set start view").click()
    undo, redo = button(page, "Undo"), button(page, "Redo")
    undo.click()
    undo.click()
    wait_hotspot_count(page, page_log, START_HOTSPOTS + 1, "the info hotspot undone")
    redo.click()
    wait_hotspot_count(page, page_log, START_HOTSPOTS + 2, "the info hotspot redone")
    undo.click()
    wait_hotspot_count(page, page_log, START_HOTSPOTS + 1, "the info hotspot undone again")
    # and the first (saved) edit undone too: saving gives back the file as it was before any edit, byte for byte
    undo.click()
    wait_hotspot_count(page, page_log, START_HOTSPOTS, "the saved link undone")
    assert save(page, tour_yaml, "the save after the undos") == original
    assert tour_yaml.with_name("tour.yaml.bak").read_bytes() == first
    redo.click()
    wait_hotspot_count(page, page_log, START_HOTSPOTS + 1, "the link redone")
    assert save(page, tour_yaml, "the save after the redo") == first
    page_log.assert_clean()


# ---------------------------------------------------------------------------------------------------
# The token


def http_status(url: str, method: str = "GET", data: bytes | None = None, headers: dict | None = None) -> int:
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            return answer.status
    except urllib.error.HTTPError as err:
        return err.code


def test_off_loopback_every_request_without_the_token_is_refused_and_with_it_the_page_edits(
    tour, editor, page, page_log, screenshot
):
    tour_yaml, _ = tour
    address = non_loopback_address()
    if address is None:  # no other interface: loopback with a token given, which the gate then requires too
        served = editor(token="test-token-0123456789abcdef")
        token = served.token
    else:
        served = editor(address=address)
        found = re.findall(r"\?token=([A-Za-z0-9_-]{16,})", served.printed)
        assert found, f"serve_editor off loopback printed no address with ?token=: {served.printed!r}"
        token = found[0]
        assert served.printed.count(token) == 1, "the token was printed more than once"
    base = served.url
    # without the token: the page, Bokeh's files, the tour's files, the viewer bundle and the API are refused
    for path in (
        "",
        "?token=wrong-token-0123456789",
        "tour/tour.json",
        "vtour-viewer/vtour-viewer.js",
        "static/js/bokeh.min.js",
        "api/edit/file/panoramas/entrance.jpg",
    ):
        assert http_status(base + path) == 403, f"{base + path} answered without the token"
    assert (
        http_status(
            base + "api/edit/upload/panoramas/x.jpg",
            "PUT",
            b"\xff\xd8\xff",
            {"Content-Type": "application/octet-stream"},
        )
        == 403
    )
    assert not (tour_yaml.parent / "panoramas" / "x.jpg").exists()
    answer = page.goto(base)
    assert answer is not None and answer.status == 403
    page.goto("about:blank")  # the refused page's own requests (its favicon, refused too) end here
    # with it (as printed): the page opens, and edits are saved
    page_log.clear()
    open_editor(page, page_log, f"{base}?token={token}")
    assert http_status(base + "tour/tour.json", headers={"X-Vtour-Token": token}) == 200
    cookie = [c for c in page.context.cookies() if c["name"].startswith("vtour_edit_token_")]
    assert cookie and cookie[0]["httpOnly"] and cookie[0]["sameSite"] == "Strict" and cookie[0]["value"] == token
    set_view(page, 180, 0, 75)
    arm(page, "Add link")
    click_canvas(page, page_log, 0.5, 0.5)
    save(page, tour_yaml, "the save with the token")
    assert len(scene_of(read_tour(tour_yaml), START)["hotspots"]) == START_HOTSPOTS + 1
    screenshot(page, "with-token")
    page_log.assert_clean()
    # a fetch from the page without its cookie is refused, nothing written
    refused = page.evaluate(
        "async () => (await fetch('api/edit/upload/panoramas/y.jpg', {method: 'PUT', credentials: 'omit',"
        " headers: {'Content-Type': 'application/octet-stream'}, body: new Uint8Array([255, 216, 255])})).status"
    )
    assert refused == 403
    assert not (tour_yaml.parent / "panoramas" / "y.jpg").exists()


# ---------------------------------------------------------------------------------------------------
# Accessibility


def test_axe_finds_no_violation_in_the_editor_in_english_and_in_chinese(tour, editor, page, page_log, screenshot):
    open_editor(page, page_log, editor().url)
    set_view(page, -53.39 + 10, 0, 75)
    page.get_by_role("button", name="Preaching scene, south wall", exact=True).click()  # the hotspot form shown
    field(page, "Title (en)").wait_for(state="visible")
    frames(page, 2)
    screenshot(page, "editor-en")
    problems = axe_violations(page)
    assert not problems, "axe-core, the editor in English:\n  " + "\n  ".join(problems)
    field(page, "Editor language").select_option(label="中文")
    button(page, "Add scene").filter(has_text="添加场景").wait_for(state="visible")
    field(page, "Title (zh)").wait_for(state="visible")
    for words in (
        "Add link",
        "Add info",
        "Add model hotspot",
        "Set start view",
        "Undo",
        "Redo",
        "Save",
        "Build",
        "Package",
        "Reload from disk",
    ):
        assert button(page, words).count() >= 1, f"no button named with {words!r} in the Chinese page"
    assert page.get_by_role("button", name="添加链接 (Add link)", exact=True).is_visible()
    # the page's own messages follow the language too (the sample has no problems)
    page.get_by_text("没有问题 (No problems)", exact=True).wait_for(state="visible")
    frames(page, 2)
    screenshot(page, "editor-zh")
    problems = axe_violations(page)
    assert not problems, "axe-core, the editor in Chinese:\n  " + "\n  ".join(problems)
    page_log.assert_clean()


# ---------------------------------------------------------------------------------------------------
# Keyboard


MAIN_CONTROLS = (
    "Add link", "Add info", "Add model hotspot", "Set start view", "Undo", "Redo", "Save", "Build", "Package",
    "Reload from disk", "Add scene",
)  # fmt: skip


def named(words: str):
    """A focus predicate: the focused element's name holds ``words`` as whole words."""
    return lambda f: re.search(rf"(^|\W){re.escape(words)}($|\W)", f["name"]) is not None


def test_the_main_controls_are_reached_with_tab_and_work_with_enter_and_space(tour, editor, page, page_log):
    tour_yaml, _ = tour
    open_editor(page, page_log, editor().url)
    view = set_view(page, 170, 20, 60)
    page.locator("body").click(position={"x": 1, "y": 1})  # the focus at the page's start
    stops = []
    # "Add info" pressed with Enter; Tab on to the viewer, where Enter places the hotspot at the view's centre
    stops += tab_to(page, named("Add info"), "the Add info button")
    page.keyboard.press("Enter")
    until(lambda: button(page, "Add info").get_attribute("aria-pressed") == "true", "Add info pressed", page=page)
    stops += tab_to(page, lambda f: "vtour-root" in f["cls"], "the viewer")
    n = hotspot_count(page)
    page.keyboard.press("Enter")
    wait_hotspot_count(page, page_log, n + 1, "the hotspot placed with Enter")
    # Undo (now enabled) with Enter, Redo with Space
    stops += tab_to(page, named("Undo"), "the Undo button")
    page.keyboard.press("Enter")
    wait_hotspot_count(page, page_log, n, "the hotspot undone with Enter")
    stops += tab_to(page, named("Redo"), "the Redo button")
    page.keyboard.press(" ")
    wait_hotspot_count(page, page_log, n + 1, "the hotspot redone with Space")
    # Save with Space
    stops += tab_to(page, named("Save"), "the Save button")
    before = tour_yaml.read_bytes()
    page.keyboard.press(" ")
    wait_file_changes(tour_yaml, before, "the save with Space")
    [new] = scene_of(read_tour(tour_yaml), START)["hotspots"][START_HOTSPOTS:]
    assert new["type"] == "info"
    assert angle_mismatch(saved_angles(new), (view["yaw"], view["pitch"])) < ANGLE_TOLERANCE_DEG
    # and once round the whole page: every main control is a Tab stop
    stops += tab_to(page, named("Save"), "the Save button, once round the page", limit=400)
    unreached = [w for w in MAIN_CONTROLS if not any(named(w)(f) for f in stops if f)]
    assert not unreached, f"not reached with Tab: {unreached}"
    page_log.assert_clean()
