"""The collection app (vtour.panel_collection) served on 127.0.0.1 with the built folder as static files, in
Chromium, in English and in Chinese: typing in the search field filters the results in Python, a facet is chosen by
keyboard, a click on a result shows the object's six views (each image loaded from the static files), markup in a
title stays text, the URL carries the state, and axe-core finds nothing. Also on a phone.

The collection is tests/test_panel_collection.py's fake built folder (object.json in the build's shape, small
coloured JPEG views; one title is ``<img src=x onerror=alert(1)>``). Screenshots:
``tests/artifacts/collection_served/{en,zh,phone}.png``.
"""

from __future__ import annotations

import time

import pytest
from helpers import axe_violations, set_in_session, wait_for_js
from test_panel_collection import HOSTILE, fake_collection

pytestmark = [pytest.mark.browser, pytest.mark.viewport(1280, 900)]

PREFIX = "collection-files"


def until(predicate, what: str, timeout_s: float = 20.0) -> None:
    """Wait for a Python-side condition (a parameter the browser sets)."""
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def serve_collection(out):
    """The app over the built collection ``out`` on a free port: (server, base URL, made), ``made`` collecting each
    session's browser."""
    import panel as pn

    from vtour.panel_collection import collection_app
    from vtour.serve import free_port

    page = collection_app(out, prefix=PREFIX)
    made = []

    def factory():
        browser = page()
        made.append(browser)
        return browser

    port = free_port()
    server = pn.serve(
        factory, port=port, address="127.0.0.1", threaded=True, show=False, static_dirs={PREFIX: str(out)},
        websocket_origin=[f"127.0.0.1:{port}"], title="Collection",
    )  # fmt: skip
    return server, f"http://127.0.0.1:{port}/", made


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The fake collection served: yields (base URL, made)."""
    server, url, made = serve_collection(fake_collection(tmp_path_factory.mktemp("collection-served")))
    yield url, made
    server.stop()


def open_app(page, log, url: str, made: list):
    """Open the app (asked again while the server thread starts); its session's browser once the page is live."""
    page.add_init_script("window.alerts = []; window.alert = (m) => window.alerts.push(String(m));")
    before = len(made)
    deadline = time.monotonic() + 20
    while True:
        try:
            page.goto(url)
            break
        except Exception:
            assert time.monotonic() < deadline, "the Panel app did not start"
            time.sleep(0.3)
    until(lambda: len(made) > before, "the session's app")
    app = made[-1]
    page.get_by_role("main").wait_for()
    wait_for_js(page, "() => document.readyState === 'complete'", log=log)
    return app


def shot(page, artifact_dir, name: str) -> None:
    folder = artifact_dir / "collection_served"
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def views_loaded(page, count: int) -> None:
    """``count`` images in the page, each with its pixels loaded (not a broken image)."""
    wait_for_js(
        page,
        """(n) => { const all = [];
          const walk = (root) => { for (const el of root.querySelectorAll("*")) {
            if (el.tagName === "IMG") all.push(el); if (el.shadowRoot) walk(el.shadowRoot); } };
          walk(document); const views = all.filter((i) => i.src.includes("/objects/"));
          return views.length === n && views.every((i) => i.complete && i.naturalWidth > 0); }""",
        arg=count,
        what=f"{count} images loaded",
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_search_by_typing_a_facet_by_keyboard_and_a_click_show_the_object(lang, served, page, page_log, artifact_dir):
    url, made = served
    app = open_app(page, page_log, f"{url}?lang={lang}", made)
    until(lambda: app.language == lang, "the language from the URL")
    wait_for_js(page, "(lang) => document.documentElement.lang === lang", arg=lang, what="the page's language")
    L = app.L
    search = page.get_by_label(L["search"])
    search.click()
    search.press_sequentially("bronze" if lang == "en" else "青铜", delay=30)
    until(lambda: len(app.results) == 3, "three bronzes in Python")
    status = page.get_by_role("status").filter(has_text=L["count"].format(n=3, total=5))
    status.wait_for()
    results = page.get_by_role("list", name=L["results"]).get_by_role("button")
    until(lambda: results.count() == 3, "three result buttons")
    # a facet by keyboard: the museum's native select, focused, one step down -> its most frequent museum
    museum = page.get_by_label(L["museum"], exact=True)
    museum.focus()
    page.keyboard.press("ArrowDown")
    until(lambda: app.museum == "shenzhen museum", "the museum chosen by keyboard, in Python")
    until(lambda: results.count() == 2, "the two bronzes of the Shenzhen Museum")
    assert sorted(app.results["id"]) == ["ding-01", "mirror-04"]
    # a click on a result: its six views, loaded from the static files, and its documentation
    title = "Tripod cauldron" if lang == "en" else "鼎"
    results.filter(has_text=title).click()
    until(lambda: app.selected == "ding-01", "the object chosen, in Python")
    views_loaded(page, 6)
    front = page.get_by_role("img", name=L["viewAlt"].format(view=L["front"], title=title))
    assert front.count() == 1
    table = page.get_by_role("table", name=L["documentation"].format(title=title))
    assert table.get_by_role("row").count() >= 8
    inspect = page.get_by_role("link", name=L["inspect"].format(title=title))
    assert inspect.get_attribute("href") == f"{PREFIX}/objects/ding-01/index.html#lang={lang}&model"
    assert results.filter(has_text=title).get_attribute("aria-current") == "true"
    # the hostile title: text in the list and in the detail, never an element
    set_in_session(app, query="", museum="")
    until(lambda: results.count() == 5, "every object listed")
    hostile = results.nth(3)
    hostile.click()
    until(lambda: app.selected == "mirror-04", "the hostile object chosen")
    views_loaded(page, 6)
    if lang == "en":
        assert hostile.text_content().startswith(HOSTILE)
        page.get_by_role("heading", name=HOSTILE).wait_for()
    assert page.locator("img[src='x']").count() == 0 and page.evaluate("() => window.alerts") == []
    # the URL carries the state
    wait_for_js(page, "() => location.search.includes('object=mirror-04')", what="the object in the URL")
    # back to the cauldron, for the picture
    results.nth(1).click()
    until(lambda: app.selected == "ding-01", "the cauldron again")
    views_loaded(page, 6)
    shot(page, artifact_dir, lang)
    problems = axe_violations(page)
    assert not problems, f"axe-core ({lang}):\n  " + "\n  ".join(problems)
    page_log.assert_local_only()
    assert not page_log.page_errors and not page_log.bad_responses, (page_log.page_errors, page_log.bad_responses)


@pytest.mark.viewport(390, 844)
def test_on_a_phone_the_columns_stack_and_the_views_fit(served, page, page_log, artifact_dir):
    url, made = served
    app = open_app(page, page_log, f"{url}?lang=zh&object=vase-03&period=nope", made)  # a value out of bounds
    until(lambda: app.selected == "vase-03" and app.language == "zh", "the state from the URL")
    wait_for_js(page, "() => document.documentElement.lang === 'zh'", what="the page's language")
    assert app.period == ""
    views_loaded(page, 6)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the page is {width} px wide on a 390 px phone"
    shot(page, artifact_dir, "phone")
    problems = axe_violations(page)
    assert not problems, "axe-core (phone):\n  " + "\n  ".join(problems)
    page.get_by_label(app.L["language"]).select_option(label="English")  # the language switch
    until(lambda: app.language == "en", "English, in Python")
    page.get_by_role("heading", name="Bronzes & Jades", level=1).wait_for()
    page.get_by_role("img", name="Front view of Blue-and-white vase").wait_for()
    wait_for_js(page, "() => document.documentElement.lang === 'en' && location.search.includes('lang=en')")
    assert not page_log.page_errors and not page_log.bad_responses


def test_a_really_built_collection_shows_its_rendered_views(tmp_path, page, page_log, artifact_dir):
    build = pytest.importorskip("vtour.collection.build")
    synthetic = pytest.importorskip("vtour.collection.synthetic")
    import yaml

    path = synthetic.write_synthetic_collection(tmp_path / "src", 4, seed=1, images_per_object=0)
    doc = yaml.safe_load(path.read_text("utf-8"))
    doc["views"] = {"size": 192, "turntable": 8, "turntable_size": 96}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    build.build_collection(path, tmp_path / "out", jobs=1)
    server, url, made = serve_collection(tmp_path / "out")
    try:
        app = open_app(page, page_log, url, made)
        first = next(oid for oid, o in app.collection.objects.items() if o.get("views"))
        title = app._text(app.collection.objects[first]["title"])
        page.get_by_role("list", name=app.L["results"]).get_by_role("button").filter(has_text=title).first.click()
        until(lambda: app.selected == first, "the object chosen")
        views_loaded(page, 6)
        shot(page, artifact_dir, "built-en")
        for name in (app.L["objectPage"], app.L["inspect"]):  # the static object page, served beside the app
            href = page.get_by_role("link", name=name.format(title=title)).get_attribute("href")
            assert page.request.get(url + href.split("#")[0]).ok, href
        problems = axe_violations(page)
        assert not problems, "axe-core (a built collection):\n  " + "\n  ".join(problems)
        assert not page_log.page_errors and not page_log.bad_responses
    finally:
        server.stop()
