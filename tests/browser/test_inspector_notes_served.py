"""Notes in the served app, end to end: ``vtour serve --sources tour.yaml`` (the real server, in a thread of this
process) and headless Chromium driving the inspector's Notes tool as a conservator would.

* a note added with the Notes tool (a point picked on the model, a type, a text in each of the tour's languages,
  an author) is saved into the sources' ``notes/box.json``; after a reload of the page it is listed again with
  its pin on its point and its saved view; a second save (an edit) keeps the first file as ``box.json.bak``;
* two pages (two browser contexts) adding a note each and saving at the same moment both keep theirs: after a
  reload both notes are listed in both pages and are in the file;
* off loopback (the server on 0.0.0.0) a page without the edit token cannot save, says so and writes nothing;
  with the token the server logs, as ``?token=...`` in the page's address, it can;
* axe-core finds no violation with the notes form open, in English and in Chinese.

The tour (notes_served_tour.py) has one model, ``box``: 100 x 40 x 20 mm, world coordinates in metres. Run
``npm run build`` first. Screenshots: ``tests/artifacts/test_*-<name>.png``.
"""

from __future__ import annotations

import logging
import re
import socket
import time
import warnings
from pathlib import Path

import pytest
from data_paths import require
from helpers import PAGE_VIEWER, PageLog, axe_violations, frames, wait_for_js
from notes_served_tour import LANGUAGES, MODEL, build_notes_tour

from vtour.errors import VtourWarning
from vtour.notes import read_page
from vtour.serve import NOTES_API, free_port, serve_tour, tour_app
from vtour.site import DIST, MODEL_BUNDLE

pytestmark = [pytest.mark.browser, pytest.mark.viewport(1200, 800)]

INSPECTOR = f"{PAGE_VIEWER}.inspector"
NOTES = f"{INSPECTOR}.tools.find((t) => t.name === 'notes')"
#: The view every test looks from: the whole front face (z = 20 mm) of the box, from the front and a little above.
FRONT = {"position": [0.05, 0.07, 0.25], "target": [0.05, 0.02, 0.01], "fov": 40}
#: The words of the UI the tests look for, per language (the side panel's and the Notes tool's).
WORDS = {
    "en": {"model": "Model", "title": "Test box", "notes": "Notes", "add": "Notes: add a note", "save": "Save note"},
    "zh": {
        "model": "模型 (Model)",
        "title": "测试盒",
        "notes": "注释 (Notes)",
        "add": "添加注释 (Notes)",
        "save": "保存注释",
    },
}


def mm(x: float, y: float, z: float) -> list[float]:
    """World (glTF, metres) coordinates of a point of the box given in millimetres."""
    return [x / 1000, y / 1000, z / 1000]


# ---------------------------------------------------------------------------------------------------
# The served tour


@pytest.fixture(scope="module")
def tour(tmp_path_factory) -> tuple[Path, Path]:
    """(tour.yaml, built tour folder) of the notes tour."""
    require(DIST / MODEL_BUNDLE, "the viewer bundle", "npm run build, or make setup")
    return build_notes_tour(tmp_path_factory.mktemp("notes-served"))


@pytest.fixture
def notes_dir(tour) -> Path:
    """The sources' notes folder, empty before and after the test."""

    def wipe():
        for path in (tour[0].parent / "notes").glob("*"):
            path.unlink()

    wipe()
    yield tour[0].parent / "notes"
    wipe()


def wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert time.monotonic() < deadline, f"vtour serve did not listen on port {port}"
            time.sleep(0.1)


@pytest.fixture
def server(tour):
    """``start(address="127.0.0.1", language=None, default_app=False) -> port``: ``vtour serve`` of the tour with
    ``sources=`` its tour.yaml, in a thread; stopped when the test ends.

    The page is the app ``serve_tour`` makes for sources (``tour_app`` with the notes API), passed as ``app=``:
    ``serve_tour``'s own default is a ``functools.partial``, which Panel shows as text (see
    test_the_default_app_of_serve_with_sources_is_the_viewer); ``default_app=True`` uses it.
    """
    sources, built = tour
    servers = []

    def start(address: str = "127.0.0.1", language: str | None = None, default_app: bool = False) -> int:
        port = free_port(address)
        params = {"language": language} if language else {}
        app = None if default_app else (lambda: tour_app(tour_dir=built, options={"notesApi": NOTES_API}, **params))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", VtourWarning)  # off loopback: the network may reach it, as it says
            servers.append(serve_tour(built, port=port, address=address, threaded=True, sources=sources, app=app))
        wait_for_port(port)
        return port

    yield start
    for thread in servers:
        thread.stop()


# ---------------------------------------------------------------------------------------------------
# Driving the page


def open_app(page, page_log, url: str | None = None) -> None:
    """Open the app at ``url`` (None: reload the page, a new session of the app) and wait for the tour's sharp
    first view."""
    if url is None:
        page.reload()
    else:
        page.goto(url)
    wait_for_js(
        page, f"() => {PAGE_VIEWER} && {PAGE_VIEWER}.timing.sharp", timeout_s=60, what="the app's viewer", log=page_log
    )


def open_model(page, page_log, lang: str = "en") -> None:
    """Open the box from the side panel's model chooser, wait for it and its notes, show the Notes tool and look
    at the box from FRONT."""
    w = WORDS[lang]
    page.get_by_role("combobox", name=w["model"], exact=True).select_option(label=w["title"])
    wait_for_js(
        page,
        f"() => {INSPECTOR} && {INSPECTOR}.timing.fullDetail !== null",
        timeout_s=60,
        what="the inspector at full detail",
        log=page_log,
    )
    page.evaluate(f"async () => {{ await {NOTES}.loaded; }}")
    # the tool's disclosure button: its name is the tool's, after the triangle drawn by CSS
    page.get_by_role("button", name=re.compile(rf"^\W*{re.escape(w['notes'])}$")).click()
    page.evaluate(f"(v) => {INSPECTOR}.stage.setView(v)", FRONT)
    frames(page, 2)


def screen_of(page, point: list[float]) -> dict:
    """Where the world point ``point`` is drawn on the page (CSS px)."""
    return page.evaluate(
        f"""(p) => {{ const s = {INSPECTOR}.stage; const v = s.camera.position.clone().set(...p).project(s.camera);
        const r = s.canvas.getBoundingClientRect();
        return {{x: r.left + (v.x + 1) / 2 * r.width, y: r.top + (1 - v.y) / 2 * r.height}}; }}""",
        point,
    )


def pick_note_point(page, point: list[float], lang: str = "en") -> None:
    """Press "add a note" and click the model at ``point``: the form opens."""
    page.get_by_role("button", name=WORDS[lang]["add"], exact=True).click()
    xy = screen_of(page, point)
    page.mouse.click(xy["x"], xy["y"])
    page.locator(".vtour-tool-form").wait_for(state="visible")


def fill_note(page, kind: str, texts: dict[str, str], author: str) -> None:
    page.get_by_label("Type", exact=True).select_option(kind)
    for language, text in texts.items():
        page.get_by_label(f"Text ({language})").fill(text)
    page.get_by_label("Author").fill(author)


def status(page) -> str:
    return page.evaluate(f"() => {NOTES}.status.textContent")


def listed(page) -> list[str]:
    """The Notes tool's list, one line per note (its jump button's text)."""
    return page.locator(".vtour-tool-notes .vtour-tool-list .vtour-tool-jump").all_inner_texts()


def stored(notes_dir: Path) -> list[dict]:
    """The notes in the sources' notes/box.json (validated)."""
    return read_page(notes_dir / f"{MODEL}.json", model=MODEL)["items"]


def texts_of(annotation: dict) -> dict[str, str]:
    return {b["language"]: b["value"] for b in annotation["body"] if b["purpose"] == "describing"}


def kind_of(annotation: dict) -> str:
    return next(b["value"] for b in annotation["body"] if b["purpose"] == "classifying")


def point_of(annotation: dict) -> list[float]:
    s = annotation["target"]["selector"]
    return [s["x"], s["y"], s["z"]]


# ---------------------------------------------------------------------------------------------------
# A note survives a reload


def test_a_note_added_in_the_served_app_is_saved_into_the_sources_and_survives_a_reload(
    server, notes_dir, page, page_log, screenshot
):
    port = server()
    open_app(page, page_log, f"http://127.0.0.1:{port}/")
    open_model(page, page_log)
    assert listed(page) == [] and page.get_by_text("No notes.").is_visible()
    point = mm(30, 20, 20)  # on the front face
    pick_note_point(page, point)
    texts = {"English": "Hairline crack <b>across</b> the face", "Chinese": "细裂纹贯穿表面"}
    fill_note(page, "crack", texts, "Li Wei")
    today = page.evaluate("() => new Date().toLocaleDateString('sv')")  # the page's own calendar day, YYYY-MM-DD
    assert page.get_by_label("Date").input_value() == today
    screenshot(page, "form")
    page.get_by_role("button", name="Save note").click()
    wait_for_js(page, f"() => /^Saved/.test({NOTES}.status.textContent)", what="the note saved", log=page_log)
    assert listed(page) == ["1. Crack: Hairline crack <b>across</b> the face"]  # the text, never HTML
    screenshot(page, "saved")

    # in the sources: one W3C annotation with the point picked, the view it was made in, both texts and the author
    [first] = stored(notes_dir)
    assert first["id"].startswith("urn:uuid:") and first["type"] == "Annotation"
    assert kind_of(first) == "crack"
    assert texts_of(first) == {"en": "Hairline crack <b>across</b> the face", "zh": "细裂纹贯穿表面"}
    assert first["creator"] == {"type": "Person", "name": "Li Wei"} and first["created"].startswith(today)
    assert point_of(first) == pytest.approx(point, abs=5e-4)  # picked on the surface, within half a millimetre
    assert first["target"]["source"]["id"] == f"models/{MODEL}"
    scope = first["target"]["scope"]
    assert [scope["position"][k] for k in "xyz"] == pytest.approx(FRONT["position"])
    assert [scope["lookAt"][k] for k in "xyz"] == pytest.approx(FRONT["target"])
    assert scope["fieldOfView"] == pytest.approx(FRONT["fov"])
    assert not (notes_dir / f"{MODEL}.json.bak").exists()  # nothing to back up before the first note
    first_file = (notes_dir / f"{MODEL}.json").read_bytes()

    # a reload: a new session of the app; the note is listed again, its pin on its point, its view kept
    open_app(page, page_log)
    open_model(page, page_log)
    assert listed(page) == ["1. Crack: Hairline crack <b>across</b> the face"]
    meta = page.locator(".vtour-tool-notes .vtour-tool-meta").first.inner_text()
    assert "Li Wei" in meta and today in meta and "missing" not in meta, meta
    pin = page.get_by_role("button", name="Note 1: Crack: Hairline crack <b>across</b> the face", exact=True)
    box, where = pin.bounding_box(), screen_of(page, point)
    assert abs(box["x"] + box["width"] / 2 - where["x"]) < 1.5 and abs(box["y"] + box["height"] / 2 - where["y"]) < 1.5
    page.locator(".vtour-tool-notes .vtour-tool-jump").first.scroll_into_view_if_needed()
    screenshot(page, "reloaded")
    page.evaluate(f"() => {INSPECTOR}.stage.setView({{position: [0.3, 0.3, 0.3], target: [0, 0, 0], fov: 60}})")
    pin.click()  # the pin jumps to the saved view
    view = page.evaluate(f"() => {INSPECTOR}.stage.getView()")
    assert view["position"] == pytest.approx(FRONT["position"]) and view["target"] == pytest.approx(FRONT["target"])

    # a second save (an edit of the English text): PUT over the first version, which is kept as the .bak
    page.get_by_role("button", name="Edit note 1").click()
    page.get_by_label("Text (English)").fill("Hairline crack, 30 mm long")
    page.get_by_role("button", name="Save note").click()
    wait_for_js(page, f"() => /^Saved/.test({NOTES}.status.textContent)", what="the edit saved", log=page_log)
    [second] = stored(notes_dir)
    assert second["id"] == first["id"] and second["created"] == first["created"]
    assert second["modified"] > first["modified"]
    assert texts_of(second) == {"en": "Hairline crack, 30 mm long", "zh": "细裂纹贯穿表面"}
    assert (notes_dir / f"{MODEL}.json.bak").read_bytes() == first_file
    open_app(page, page_log)
    open_model(page, page_log)
    assert listed(page) == ["1. Crack: Hairline crack, 30 mm long"]
    page_log.assert_clean()
    page_log.assert_local_only()


# ---------------------------------------------------------------------------------------------------
# Two tabs saving at once


def test_two_pages_saving_a_note_each_at_the_same_moment_both_keep_theirs(
    server, notes_dir, browser, page, page_log, screenshot
):
    port = server()
    url = f"http://127.0.0.1:{port}/"
    other_context = browser.new_context(viewport={"width": 1200, "height": 800}, device_scale_factor=1)
    try:
        other = other_context.new_page()
        other.set_default_timeout(15_000)
        other_log = PageLog().attach(other)
        pages = [(page, page_log), (other, other_log)]
        notes = [
            ("crack", {"English": "Crack seen in tab A"}, "Anna", mm(20, 30, 20)),
            ("deposit", {"English": "Salt crust seen in tab B", "Chinese": "乙标签所见盐壳"}, "Bo", mm(80, 10, 20)),
        ]
        for (p, log), (kind, texts, author, point) in zip(pages, notes, strict=True):
            open_app(p, log, url)
            open_model(p, log)
            pick_note_point(p, point)
            fill_note(p, kind, texts, author)
        # both POSTs are held in the browsers until both are made, then let go together: they reach the server
        # at the same moment, each page knowing only the notes it loaded (none)
        held = []
        for p, _ in pages:
            p.route(
                f"**/{NOTES_API}/{MODEL}",
                lambda route: held.append(route) if route.request.method == "POST" else route.continue_(),
            )
        for p, _ in pages:
            p.get_by_role("button", name="Save note").click()
        deadline = time.monotonic() + 20
        while len(held) < 2:
            assert time.monotonic() < deadline, f"{len(held)} of the 2 saves were sent"
            for p, _ in pages:
                p.wait_for_timeout(20)  # lets Playwright deliver the route events
        for route in held:
            route.continue_()
        for p, log in pages:
            wait_for_js(p, f"() => /^Saved/.test({NOTES}.status.textContent)", what="the save", log=log)
            p.unroute(f"**/{NOTES_API}/{MODEL}")
        assert [
            s for s, u in page_log.responses + other_log.responses if u.endswith(f"/{NOTES_API}/{MODEL}") and s != 200
        ] == [201, 201]
        items = stored(notes_dir)
        assert sorted(texts_of(a)["en"] for a in items) == ["Crack seen in tab A", "Salt crust seen in tab B"]
        assert len({a["id"] for a in items}) == 2
        for a in items:  # each at its own point
            expected = notes[0][3] if kind_of(a) == "crack" else notes[1][3]
            assert point_of(a) == pytest.approx(expected, abs=5e-4)
        backup = read_page(notes_dir / f"{MODEL}.json.bak", model=MODEL)["items"]
        assert len(backup) == 1 and backup[0] in items  # the file as the first save left it
        # after a reload, both pages list both notes (in the file's order)
        order = [
            f"{i}. {'Crack' if kind_of(a) == 'crack' else 'Deposit'}: {texts_of(a)['en']}"
            for i, a in enumerate(items, 1)
        ]
        for name, (p, log) in zip("AB", pages, strict=True):
            open_app(p, log)
            open_model(p, log)
            assert listed(p) == order, name
            assert p.locator(".vtour-note-pin").count() == 2
            p.locator(".vtour-tool-notes .vtour-tool-jump").first.scroll_into_view_if_needed()
            screenshot(p, f"tab-{name}-reloaded")
        for log in (page_log, other_log):
            log.assert_clean()
            log.assert_local_only()
    finally:
        other_context.close()


# ---------------------------------------------------------------------------------------------------
# Off loopback: the token


def can_bind_all_interfaces() -> bool:
    try:
        with socket.socket() as s:
            s.bind(("0.0.0.0", 0))
        return True
    except OSError:
        return False


def test_off_loopback_a_page_without_the_token_cannot_save_and_says_so_and_with_the_logged_token_it_can(
    server, notes_dir, page, page_log, caplog, screenshot
):
    if not can_bind_all_interfaces():
        pytest.skip("this machine cannot listen on 0.0.0.0")
    with caplog.at_level(logging.WARNING, logger="vtour.serve"):
        port = server(address="0.0.0.0")
    [line] = [r.getMessage() for r in caplog.records if "?token=" in r.getMessage()]
    token = line.rsplit("?token=", 1)[1]
    assert line == f"serve: notes can be edited from http://{socket.gethostname()}:{port}/?token={token}"
    # the page opened without the token: the API's root says it may not edit, so the panel says how to get
    # the right to edit before anything is typed, offers no "add", and nothing is written
    open_app(page, page_log, f"http://127.0.0.1:{port}/")
    open_model(page, page_log)
    add = page.get_by_role("button", name="Notes: add a note")
    wait_for_js(page, f"() => {NOTES}.readOnly === true", what="notes locked without the token", log=page_log)
    assert add.is_disabled()
    hint = page.locator(".vtour-tool-hint", has_text="edit token")
    assert hint.is_visible() and "?token=" in hint.text_content()
    screenshot(page, "refused")
    assert not list(notes_dir.glob(f"{MODEL}.json*"))
    assert [m for m, _, _ in page_log.requests if m in ("POST", "PUT", "DELETE")] == []
    page_log.clear()
    # with the token the server logged in the page's address, the save is let through; a reload lists the note
    open_app(page, page_log, f"http://127.0.0.1:{port}/?token={token}")
    open_model(page, page_log)
    pick_note_point(page, mm(50, 20, 20))
    fill_note(page, "loss", {"English": "Paint loss"}, "Li Wei")
    page.get_by_role("button", name="Save note").click()
    wait_for_js(page, f"() => /^Saved/.test({NOTES}.status.textContent)", what="the save with the token", log=page_log)
    [note] = stored(notes_dir)
    assert texts_of(note) == {"en": "Paint loss"} and kind_of(note) == "loss"
    assert [m for m, _, _ in page_log.requests if m == "POST"] == ["POST"]
    open_app(page, page_log)
    open_model(page, page_log)
    assert listed(page) == ["1. Loss: Paint loss"]
    page_log.assert_clean()


# ---------------------------------------------------------------------------------------------------
# The default app


def test_the_default_app_of_serve_with_sources_is_the_viewer(server, notes_dir, page, page_log):
    port = server(default_app=True)
    page.goto(f"http://127.0.0.1:{port}/")
    page.locator(".vtour-root").or_(page.get_by_text("functools.partial")).first.wait_for(timeout=60_000)
    assert page.get_by_text("functools.partial").count() == 0, "the page shows the app's repr, not the viewer"
    wait_for_js(
        page, f"() => {PAGE_VIEWER} && {PAGE_VIEWER}.timing.sharp", timeout_s=60, what="the viewer", log=page_log
    )
    assert page.evaluate(f"() => {PAGE_VIEWER}.options.notesApi") == NOTES_API


# ---------------------------------------------------------------------------------------------------
# Accessibility


@pytest.mark.parametrize("lang", LANGUAGES)
def test_axe_finds_no_violation_with_the_notes_form_open_in_the_served_app(
    lang, server, notes_dir, page, page_log, screenshot
):
    port = server(language=lang)
    open_app(page, page_log, f"http://127.0.0.1:{port}/")
    open_model(page, page_log, lang)
    pick_note_point(page, mm(40, 20, 20), lang)
    w = WORDS[lang]
    assert page.get_by_role("button", name=w["save"], exact=True).is_visible()
    assert page.get_by_role("button", name="Notes").count() >= 2  # its English word, in every language
    frames(page, 2)
    screenshot(page, f"form-{lang}")
    problems = axe_violations(page)
    assert not problems, f"axe-core, the notes form open ({lang}):\n  " + "\n  ".join(problems)
    page_log.assert_clean()
    page_log.assert_local_only()
