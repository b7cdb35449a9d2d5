"""vtour's own viewer on REAL tours made by the real build (issue 5: "the sample tour and a tour built
from ../shared/data work in the served app and the static site").

Two tours, each built once per module with :func:`vtour.tour.build_tour` from a tour.yaml (the build
also writes the static site, ``index.html`` + ``viewer/``, through :func:`vtour.site.write_site`):

* ``real``, from ../shared/data: ``pond`` (equirect/examplepano.jpg) and ``castle`` (the six
  SwedishRoyalCastle faces, three.js names), 512 px faces; a link each way, an info hotspot with a
  photo, a model hotspot on meshes/fuze/fuze.obj with two small LODs (500 and 1000 triangles).
* the sample grotto (``vtour.sample.write_sample`` with ``TINY_SAMPLE_OPTIONS``), en + zh.

What a visitor sees is compared with numpy references computed here from the source images
(reference.py's ``render_reference`` for an equirect; the cube faces sampled directly with
its ``face_and_uv``), as a mean absolute difference of the two images reduced to 200 x 150.
Screenshots go to ``tests/artifacts/test_*-<name>.png``.

Readiness hooks used (the same public ones as test_viewer_static.py / test_viewer_served.py):
``window.vtour`` (static page) / ``helpers.PAGE_VIEWER`` (Panel app: ``.vtour-root``'s ``vtourViewer``)
with ``timing.sharp``, ``stats().sharpNow``, ``sceneId``, ``state``, ``setView``, ``modelView.loaded``; DOM:
``.vtour-root`` (``data-first-view``), hotspots as ``<button>`` with ``aria-label``, ``.vtour-tool-language``, the
info and model dialogs (``role=dialog``), ``.vtour-info-image``.
"""

from __future__ import annotations

import json
import shutil
import socket
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
import yaml
from helpers import PAGE_VIEWER, frames, open_tour, wait_for_js
from reference import MAD_LIMIT as PEER_MAD_LIMIT
from reference import face_and_uv, mad, render_reference, view_directions

pytestmark = [pytest.mark.browser, pytest.mark.viewport(640, 480)]
W, H = 640, 480

#: The castle's faces by three.js name; vtour.pano.cube_input.GL_FACES puts nz in front, nx right, pz behind and
#: px left, upright (py / ny, rotated, are never in the views checked here).
CASTLE = ("px", "nx", "py", "ny", "pz", "nz")
CASTLE_HORIZONTAL = {"f": "nz", "r": "nx", "b": "pz", "l": "px"}
#: Files of ../shared/data the real tour is built from.
REAL_FILES = ["equirect/examplepano.jpg", "meshes/fuze/fuze.obj", "meshes/fuze/fuze.obj.mtl",
              "meshes/fuze/fuze_uv.jpg", *(f"cubemap/SwedishRoyalCastle/{n}.jpg" for n in CASTLE)]
POND_VIEW = (0.0, 0.0, 70.0)      # pond's initial view (yaw, pitch, vertical fov)
CASTLE_VIEW = (40.0, 0.0, 70.0)   # castle's: across the nz / nx edge (not 45: see test_view_at_yaw_45)
#: Screenshot vs reference (0..255, 200 x 150). Resampling, 512 px JPEG tiles and the cube seams stay
#: well below; a mirrored view or one 3 degrees off is far above (each check also asserts that margin).
MAD_LIMIT = PEER_MAD_LIMIT  # 5.0, as for Marzipano and Pannellum
OVERLAYS = ".vtour-hotspots, .vtour-toolbar, .vtour-scene-title"
TITLES = {"link": "To the castle", "back": "Back to the pond", "info": "About the pond", "model": "Fuze"}
INFO_TEXT = "Jordan Pond, Acadia National Park."

_BUILT: dict = {}


# ---------------------------------------------------------------------------------------------------
# The tours


def _real_yaml(root: Path, data: Path) -> Path:
    # copies, not a link to ../shared/data: a tour's files must be inside its folder, links resolved (D3)
    for rel in REAL_FILES:
        (root / "data" / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(data / rel, root / "data" / rel)
    doc = {
        "id": "real", "title": {"en": "Real captures", "zh": "真实采集"}, "languages": ["en", "zh"],
        "pano": {"face_size": 512, "tile_size": 512},
        "lod": {"levels": ["500:128", "1000:256"], "deviation_samples": 2000},
        "scenes": [
            {"id": "pond", "title": {"en": "Pond", "zh": "池塘"}, "panorama": "data/equirect/examplepano.jpg",
             "view": dict(zip(("yaw", "pitch", "fov"), POND_VIEW)),
             "hotspots": [
                 {"type": "link", "yaw": 20, "pitch": 0, "target": "castle",
                  "title": {"en": TITLES["link"], "zh": "去城堡"}},
                 {"type": "info", "yaw": -25, "pitch": 5, "title": {"en": TITLES["info"], "zh": "关于池塘"},
                  "text": {"en": INFO_TEXT, "zh": "乔丹池塘。"},
                  "image": "data/cubemap/SwedishRoyalCastle/nz.jpg"},
                 {"type": "model", "yaw": 0, "pitch": -22, "target": "fuze"}]},
            {"id": "castle", "title": {"en": "Castle", "zh": "城堡"},
             "panorama": [f"data/cubemap/SwedishRoyalCastle/{n}.jpg" for n in CASTLE],
             "view": dict(zip(("yaw", "pitch", "fov"), CASTLE_VIEW)),
             "hotspots": [{"type": "link", "yaw": 60, "pitch": -10, "target": "pond",
                           "title": {"en": TITLES["back"], "zh": "回到池塘"}}]}],
        "models": [{"id": "fuze", "title": {"en": TITLES["model"], "zh": "引信"},
                    "source": "data/meshes/fuze/fuze.obj", "units": "m"}],
    }
    path = root / "tour.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def real_tour(data_file, tmp_path_factory) -> Path:
    """The built ``real`` tour folder (built once per module; skips/fails like ``data_file``)."""
    from vtour.tour import build_tour

    for rel in REAL_FILES:
        data_file(rel)
    if "real" not in _BUILT:
        root = tmp_path_factory.mktemp("real-tour")
        data = data_file(REAL_FILES[0]).parents[1]
        result = build_tour(_real_yaml(root, data), root / "export" / "real", jobs=2)
        _BUILT["real"] = result.out_dir
    out = _BUILT["real"]
    assert (out / "index.html").is_file() and (out / "viewer" / "vtour-viewer.js").is_file(), \
        "the build wrote no static site (vtour.site.write_site)"
    return out


@pytest.fixture
def sample_tour(tmp_path_factory) -> tuple[Path, Path]:
    """(sample source folder, built sample tour), made once per module from TINY_SAMPLE_OPTIONS."""
    from vtour.sample import TINY_SAMPLE_OPTIONS, write_sample
    from vtour.tour import build_tour

    if "sample" not in _BUILT:
        src = tmp_path_factory.mktemp("sample") / "grotto"
        write_sample(src, TINY_SAMPLE_OPTIONS)
        _BUILT["sample"] = (src, build_tour(src / "tour.yaml", src / "export" / "sample", jobs=2).out_dir)
    src, out = _BUILT["sample"]
    assert (out / "index.html").is_file(), "the build wrote no static site (vtour.site.write_site)"
    return src, out


# ---------------------------------------------------------------------------------------------------
# References and page helpers


def read_rgb(path: Path) -> np.ndarray:
    return cv2.imread(str(path), cv2.IMREAD_COLOR)[:, :, ::-1]


def cube_reference(faces: dict[str, np.ndarray], yaw: float, pitch: float, vfov: float) -> np.ndarray:
    """The view of a cube panorama, sampled (bilinear) straight from its face images by letter."""
    face, u, v = face_and_uv(*view_directions(yaw, pitch, vfov, W, H))
    out = np.zeros((H, W, 3), np.uint8)
    for i, letter in enumerate("fbrlud"):
        hit = face == i
        if not hit.any():
            continue
        assert letter in faces, f"the view reaches face {letter}, which this reference does not have"
        img = faces[letter]
        n = img.shape[0]
        mx = ((u + 1) / 2 * n - 0.5).astype(np.float32)
        my = ((v + 1) / 2 * n - 0.5).astype(np.float32)
        out[hit] = cv2.remap(img, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)[hit]
    return out


def castle_faces(castle_dir: Path) -> dict[str, np.ndarray]:
    return {letter: read_rgb(castle_dir / f"{name}.jpg") for letter, name in CASTLE_HORIZONTAL.items()}


def check_view(rgb: np.ndarray, render, view: tuple[float, float, float], what: str) -> float:
    """Assert the screenshot matches ``render(yaw, pitch, fov)`` and that the check has a margin."""
    yaw, pitch, fov = view
    ref = render(yaw, pitch, fov)
    score = mad(rgb, ref)
    mirrored, off = mad(rgb, ref[:, ::-1]), mad(rgb, render(yaw + 3.0, pitch, fov))
    report = f"{what}: MAD {score:.2f} (mirrored {mirrored:.2f}, yaw+3 {off:.2f})"
    print(report)
    assert score < MAD_LIMIT, f"{what} differs from its reference: {report}"
    assert min(mirrored, off) > 1.5 * score, f"{what}: the check cannot tell errors apart: {report}"
    return score


def wait_scene(page, log, scene: str, view, viewer: str = "window.vtour", what: str = "") -> None:
    """Wait until ``scene`` is shown sharp at its initial ``view`` (the turn and the cross-fade done)."""
    yaw, pitch, fov = view
    wait_for_js(
        page, f"""() => {{ const v = {viewer}; if (!v || v.sceneId !== {json.dumps(scene)}) return false;
                 const s = v.state, st = v.stats();
                 return st.sharpNow && Math.abs(s.yaw - {yaw}) < 0.01 && Math.abs(s.pitch - {pitch}) < 0.01
                        && Math.abs(s.fov - {fov}) < 0.01; }}""",
        what=what or f"scene {scene} sharp at its view", timeout_s=20, log=log)
    page.wait_for_timeout(700)  # transitionMs (600): the old scene's fade ends
    frames(page)


def view_screenshot(page, screenshot, name: str) -> np.ndarray:
    """The panorama alone (hotspots, toolbar and title hidden for the shot, shown again after)."""
    overlays = page.locator(OVERLAYS)  # locators pierce the Panel app's shadow DOM; a <style> would not
    overlays.evaluate_all("(els) => els.forEach(e => { e.dataset.testVisibility = e.style.visibility;"
                          " e.style.visibility = 'hidden'; })")
    frames(page)
    _, rgb = screenshot(page, name, as_array=True)
    overlays.evaluate_all("(els) => els.forEach(e => { e.style.visibility = e.dataset.testVisibility;"
                          " delete e.dataset.testVisibility; })")
    frames(page)
    return rgb


def check_model_drawn(page, rgb: np.ndarray, what: str) -> None:
    """The model dialog's canvas shows something coloured over its plain background."""
    box = page.locator(".vtour-model-stage").bounding_box()
    stage = rgb[int(box["y"]) + 2:int(box["y"] + box["height"]) - 2, int(box["x"]) + 2:int(box["x"] + box["width"]) - 2]
    assert stage.shape[0] > 100 and stage.shape[1] > 100, box
    background = np.median(np.concatenate([stage[0], stage[-1], stage[:, 0], stage[:, -1]]), axis=0)
    drawn = np.abs(stage.astype(np.int16) - background).max(axis=-1) > 40
    assert drawn.mean() > 0.03, f"{what}: only {drawn.mean():.1%} of the stage differs from its background"
    assert stage[drawn].std(axis=0).max() > 20, f"{what}: drawn as one flat colour"


def focus_by_tab(page, label: str, max_tabs: int = 12) -> None:
    """From the viewer, press Tab until the element named ``label`` has the focus."""
    page.focus(".vtour-root")
    seen = []
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        name = page.evaluate("() => { const e = document.activeElement;"
                             " return e && e.tagName === 'BUTTON' ? e.getAttribute('aria-label') : null; }")
        seen.append(name)
        if name == label:
            return
    raise AssertionError(f"Tab never reached {label!r}; focus went to {seen}")


# ---------------------------------------------------------------------------------------------------
# The real tour in the static site


@pytest.mark.shared_data
def test_real_tour_first_view_link_by_click_and_keyboard(real_tour, data_file, serve, page, page_log, screenshot):
    pond = read_rgb(data_file("equirect/examplepano.jpg"))
    faces = castle_faces(data_file("cubemap/SwedishRoyalCastle/nz.jpg").parent)
    pond_ref = lambda y, p, f: render_reference(pond, y, p, f, W, H)  # noqa: E731
    castle_ref = lambda y, p, f: cube_reference(faces, y, p, f)  # noqa: E731
    base = serve(real_tour)
    open_tour(page, page_log, base)
    assert page.evaluate("() => window.vtour.state") == {
        "scene": "pond", "yaw": POND_VIEW[0], "pitch": POND_VIEW[1], "fov": POND_VIEW[2], "language": "en"}
    screenshot(page, "pond")
    check_view(view_screenshot(page, screenshot, "pond-view"), pond_ref, POND_VIEW, "pond first view")
    # every hotspot in the first view is a real, labelled <button>
    for key in ("link", "info", "model"):
        button = page.get_by_role("button", name=TITLES[key], exact=True)
        assert button.is_visible(), key
        assert button.evaluate("(b) => b.tagName") == "BUTTON"

    # click: pond -> castle
    page.get_by_role("button", name=TITLES["link"], exact=True).click()
    wait_scene(page, page_log, "castle", CASTLE_VIEW)
    wait_for_js(page, "() => location.hash.includes('scene=castle')", what="the URL", log=page_log)
    screenshot(page, "castle-by-click")
    check_view(view_screenshot(page, screenshot, "castle-view"), castle_ref, CASTLE_VIEW, "castle after a click")
    # ... and it is not the pond any more
    assert mad(view_screenshot(page, screenshot, "castle-view"), pond_ref(*CASTLE_VIEW)) > 3 * MAD_LIMIT

    # keyboard: castle -> pond (Tab to the back link, Enter), then pond -> castle the same way
    focus_by_tab(page, TITLES["back"])
    page.keyboard.press("Enter")
    wait_scene(page, page_log, "pond", POND_VIEW, what="the pond after Enter")
    focus_by_tab(page, TITLES["link"])
    screenshot(page, "pond-link-focused")
    page.keyboard.press("Enter")
    wait_scene(page, page_log, "castle", CASTLE_VIEW, what="the castle after Enter")
    check_view(view_screenshot(page, screenshot, "castle-by-keyboard"), castle_ref, CASTLE_VIEW,
               "castle after the keyboard")
    assert page.evaluate("() => window.alerts") == []
    page_log.assert_clean()
    page_log.assert_local_only()


@pytest.mark.shared_data
def test_view_at_yaw_45_matches_reference(real_tour, data_file, serve, page, page_log, screenshot):
    """Nine presses of ArrowRight (5 degrees each) from yaw 0 reach it; so does `view: {yaw: 45}`."""
    pond = read_rgb(data_file("equirect/examplepano.jpg"))
    base = serve(real_tour)
    open_tour(page, page_log, base, "#scene=pond&yaw=45&pitch=0&fov=70")
    check_view(view_screenshot(page, screenshot, "pond-yaw45"),
               lambda y, p, f: render_reference(pond, y, p, f, W, H), (45.0, 0.0, 70.0), "pond at yaw 45")


@pytest.mark.shared_data
def test_real_tour_info_dialog_shows_text_and_photo(real_tour, serve, page, page_log, screenshot):
    base = serve(real_tour)
    open_tour(page, page_log, base)
    page.get_by_role("button", name=TITLES["info"], exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    assert dialog.locator("h2").inner_text() == TITLES["info"]
    assert INFO_TEXT in dialog.inner_text()
    size = wait_for_js(
        page, "() => { const i = document.querySelector('.vtour-info-image');"
              " return i && i.complete && i.naturalWidth > 0 && [i.naturalWidth, i.naturalHeight, i.clientWidth]; }",
        what="the info photo", log=page_log)
    assert size[:2] == [512, 512] and size[2] > 50, size  # the castle photo, shown at a visible size
    _, rgb = screenshot(page, "info-dialog", as_array=True)
    box = page.locator(".vtour-info-image").bounding_box()
    photo = rgb[int(box["y"]):int(box["y"] + box["height"]), int(box["x"]):int(box["x"] + box["width"])]
    assert photo.size and photo.std() > 20, "the photo area is blank"
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    page_log.assert_clean()
    page_log.assert_local_only()


@pytest.mark.shared_data
def test_real_tour_model_hotspot_loads_fuze_coarse_then_fine(real_tour, serve, page, page_log, screenshot):
    doc = json.loads((real_tour / "tour.json").read_text("utf-8"))
    lods = [lod["path"] for lod in doc["models"][0]["lods"]]
    assert lods == ["models/fuze/lod0.glb", "models/fuze/lod1.glb"]
    base = serve(real_tour)
    open_tour(page, page_log, base)
    page.get_by_role("button", name=TITLES["model"], exact=True).click()
    page.get_by_role("dialog").wait_for()
    wait_for_js(page, "() => window.vtour.modelView.loaded.length >= 1", what="the coarse LOD",
                timeout_s=30, log=page_log)
    assert page.evaluate("() => window.vtour.modelView.loaded[0]") == lods[0]  # coarse first
    wait_for_js(page, "() => window.vtour.modelView.loaded.length === 2", what="the fine LOD",
                timeout_s=30, log=page_log)
    assert page.evaluate("() => window.vtour.modelView.loaded") == lods
    frames(page)
    _, rgb = screenshot(page, "fuze", as_array=True)
    check_model_drawn(page, rgb, "fuze")
    assert page.get_by_role("dialog").locator("h2").inner_text() == TITLES["model"]
    page_log.assert_clean()
    page_log.assert_local_only()


# ---------------------------------------------------------------------------------------------------
# The real tour in the served Panel app


@pytest.mark.shared_data
def test_real_tour_in_the_panel_app(real_tour, data_file, page, page_log, screenshot):
    from vtour import serve as serve_mod

    pond = read_rgb(data_file("equirect/examplepano.jpg"))
    port = serve_mod.free_port()
    # the viewer alone, filling the window, so its picture compares with the reference; the default page
    # adds the inspector's side panel beside it (tests/browser/test_inspector_served.py)
    server = serve_mod.serve_tour(real_tour, port=port, address="127.0.0.1", show=False, threaded=True,
                                  app=lambda: serve_mod.tour_app())
    viewer = PAGE_VIEWER
    try:
        deadline = time.time() + 20
        while True:  # the server thread is up when the port accepts (a refused page load would log a failure)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.2)
        page.goto(f"http://127.0.0.1:{port}/")
        wait_for_js(page, f"() => {viewer}.timing.sharp", timeout_s=40, what="the Panel app's viewer", log=page_log)
        wait_scene(page, page_log, "pond", POND_VIEW, viewer=viewer)
        screenshot(page, "panel-pond")
        box = page.locator(".vtour-root").bounding_box()
        assert (round(box["width"]), round(box["height"])) == (W, H), box  # the viewer fills the window
        check_view(view_screenshot(page, screenshot, "panel-pond-view"),
                   lambda y, p, f: render_reference(pond, y, p, f, W, H), POND_VIEW, "Panel app first view")
        page.get_by_role("button", name=TITLES["link"], exact=True).click()
        wait_scene(page, page_log, "castle", CASTLE_VIEW, viewer=viewer)
        screenshot(page, "panel-castle")
        page_log.assert_local_only()
        page_log.assert_clean()
    finally:
        server.stop()


# ---------------------------------------------------------------------------------------------------
# The sample grotto in the static site


def test_sample_tour_first_view_labels_languages_and_statue(sample_tour, serve, page, page_log, screenshot):
    src, tour = sample_tour
    doc = json.loads((tour / "tour.json").read_text("utf-8"))
    assert doc["languages"] == ["en", "zh"]
    first = next(s for s in doc["scenes"] if s["id"] == doc["start"])
    view = (first["view"]["yaw"], first["view"]["pitch"], first["view"]["fov"])
    entrance = read_rgb(src / "panoramas" / f"{first['id']}.jpg")
    base = serve(tour)
    open_tour(page, page_log, base)
    screenshot(page, "entrance")
    rgb = view_screenshot(page, screenshot, "entrance-view")
    assert rgb.mean() > 60, f"the first view is dark (mean {rgb.mean():.1f})"
    check_view(rgb, lambda y, p, f: render_reference(entrance, y, p, f, W, H), view, "sample entrance")

    # every hotspot of the first scene: turned to, a visible, focusable <button> named in English
    hotspots = first["hotspots"]
    assert {h["type"] for h in hotspots} == {"link", "info", "model"}
    for h in hotspots:
        en = h["title"]["en"]
        page.evaluate("(v) => window.vtour.setView(v)", {"yaw": h["yaw"], "pitch": h["pitch"]})
        frames(page)
        button = page.get_by_role("button", name=en, exact=True)
        assert button.count() == 1, en
        assert button.is_visible(), en
        assert button.evaluate("(b) => b.tagName") == "BUTTON"
        button.focus()
        assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == en
    # back to the start view: the buttons in it are in the Tab order
    page.evaluate("(v) => window.vtour.setView(v)", dict(zip(("yaw", "pitch", "fov"), view)))
    frames(page)
    in_view = [h for h in hotspots if page.get_by_role("button", name=h["title"]["en"], exact=True).is_visible()]
    assert any(h["type"] == "model" for h in in_view), "the statue's hotspot is not in the first view"
    for h in in_view:
        focus_by_tab(page, h["title"]["en"], max_tabs=len(hotspots) + 8)

    # language: zh relabels every hotspot with tour.yaml's Chinese texts
    page.select_option(".vtour-tool-language", "zh")
    wait_for_js(page, "() => window.vtour.state.language === 'zh'", what="zh", log=page_log)
    labels = page.evaluate(
        "() => [...document.querySelectorAll('.vtour-hotspots button')].map(b => b.getAttribute('aria-label'))")
    assert sorted(labels) == sorted(h["title"]["zh"] for h in hotspots), labels
    # a focused or hovered label shows in full and may cover a neighbour (the model's zh label covers the
    # link at yaw 16.7): each button is hovered with nothing focused and the pointer coming from a corner
    page.evaluate("() => document.activeElement?.blur()")
    for h in in_view:
        button = page.get_by_role("button", name=h["title"]["zh"], exact=True)
        page.mouse.move(2, H - 2)
        button.hover()  # labels that would cover another hotspot show on hover and focus
        assert button.is_visible() and button.inner_text().strip().endswith(h["title"]["zh"]), h["title"]
    assert page.inner_text(".vtour-scene-title") == first["title"]["zh"]
    screenshot(page, "entrance-zh")

    # the statue opens in 3D, coarse then fine
    model = next(h for h in hotspots if h["type"] == "model")
    page.get_by_role("button", name=model["title"]["zh"], exact=True).click()
    page.get_by_role("dialog").wait_for()
    # coarse, then the finest level; a scan smaller than every level's budget has one distinct level only,
    # written once (issue 10), and shown once
    lods = [lod["path"] for lod in doc["models"][0]["lods"]]
    shown = list(dict.fromkeys([lods[0], lods[-1]]))
    wait_for_js(page, "(n) => window.vtour.modelView.loaded.length === n", len(shown), what="the statue's LODs",
                timeout_s=30, log=page_log)
    assert page.evaluate("() => window.vtour.modelView.loaded") == shown
    frames(page)
    _, rgb = screenshot(page, "statue", as_array=True)
    check_model_drawn(page, rgb, "the statue")
    page_log.assert_clean()
    page_log.assert_local_only()


def test_sample_hotspot_centres_are_not_covered(sample_tour, serve, page, page_log, screenshot):
    """What a click on the middle of each button of the entrance view hits, looking straight at it."""
    _, tour = sample_tour
    doc = json.loads((tour / "tour.json").read_text("utf-8"))
    first = next(s for s in doc["scenes"] if s["id"] == doc["start"])
    base = serve(tour)
    open_tour(page, page_log, base)
    covered = []
    for h in first["hotspots"]:
        page.evaluate("(v) => window.vtour.setView(v)", {"yaw": h["yaw"], "pitch": h["pitch"]})
        frames(page)
        name = h["title"]["en"]
        box = page.get_by_role("button", name=name, exact=True).bounding_box()
        hit = page.evaluate("([x, y]) => { const e = document.elementFromPoint(x, y)?.closest('button');"
                            " return e ? e.getAttribute('aria-label') : null; }",
                            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
        if hit != name:
            covered.append(f"{name!r} (yaw {h['yaw']}): its centre hits {hit!r}")
            screenshot(page, "covered-" + h["id"])
    assert not covered, "; ".join(covered)
