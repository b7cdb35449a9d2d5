"""A built tour's ``marzipano/data.js`` and ``pannellum.json`` work in Marzipano and Pannellum themselves.

``vtour.tour.build_tour`` builds a two-scene tour (``colours``: a synthetic panorama whose cube faces have
known colours and orientation marks, see reference.py; ``pond``: the real ``examplepano.jpg``), with a
link hotspot each way and an info hotspot whose title and text hold ``<b>``, ``<i>``, ``&`` and ``<``.
Then, in headless Chromium, over the tour's own tiles and with the paths exactly as the files give them
(the pages are served from the tour folder's root, which is what the files' relative paths mean):

* Marzipano, set up from ``APP_DATA`` as the Marzipano Tool's ``index.js`` does (ImageUrlSource from each
  scene's ``tiles``/``preview``, CubeGeometry(levels), RectilinearView(initialViewParameters) with the
  Tool's limiter, hotspots in ``scene.hotspotContainer()``, titles and texts inserted with ``innerHTML``
  as the Tool does): the first scene shows the right face colours at the initial view, clicking the link
  hotspot switches to ``pond``, which matches a numpy rendering of the equirect, and the info hotspot
  reads as the original characters with no element made from them.
* Pannellum, ``pannellum.viewer(el, <pannellum.json as fetched>)``: the same checks, the scene switch by
  a click on the ``.pnlm-scene`` hotspot, the info hotspot's tooltip showing the tour's text as text.

Every tile request is answered 200, is a file of the tour and stays on 127.0.0.1; no console error.
The page is 16:9 because ``pannellum.json`` turns vtour's vertical fov into ``hfov`` for 16:9
(vtour.conventions.PANNELLUM_ASPECT), so both viewers show the tour's view exactly.
Screenshots: ``tests/artifacts/test_*_tour_in_*`` (``-bare``: hotspots and UI hidden, as checked).
Seen here: at this exact initial view Marzipano 0.10.2 leaves the r and l face strips at the screen's edges
black (their tiles are requested and load; a drag draws them), so only the f face's points are checked.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
import yaml
from helpers import region_mean, wait_for_js
from reference import (
    COLOUR_TOLERANCE,
    MAD_LIMIT,
    SAMPLE_POINTS,
    equirect_directions,
    mad,
    render_reference,
    synthetic_colour,
    view_directions,
)

WIDTH, HEIGHT = 800, 450
pytestmark = [pytest.mark.browser, pytest.mark.shared_data, pytest.mark.viewport(WIDTH, HEIGHT)]

INFO_TITLE = "A <b>note</b> & more"
INFO_TEXT = "x < y & <i>z</i>"
VIEWS = {"colours": (0.0, 0.0, 70.0), "pond": (20.0, -5.0, 70.0)}  # vtour yaw, pitch, vertical fov
TOUR = {
    "id": "peers", "title": {"en": "Peers"}, "languages": ["en"],
    # 1024 px faces: Marzipano's resolution limiter keeps a 16:9 page's vfov >= 2 atan(450/1024) = 47 deg
    "pano": {"face_size": 1024},
    "scenes": [
        {"id": "colours", "title": {"en": "Colours"}, "panorama": "colours.png",
         "view": dict(zip(("yaw", "pitch", "fov"), VIEWS["colours"])),
         # away from the sampled points (0.25/0.75 of the screen) and the centre
         "hotspots": [{"type": "link", "yaw": -10.0, "pitch": -25.0, "target": "pond"}]},
        {"id": "pond", "title": {"en": "Pond"}, "panorama": "examplepano.jpg",
         "view": dict(zip(("yaw", "pitch", "fov"), VIEWS["pond"])),
         "hotspots": [{"type": "link", "yaw": -30.0, "pitch": -10.0, "target": "colours"},
                      {"type": "info", "yaw": 30.0, "pitch": 5.0, "title": {"en": INFO_TITLE},
                       "text": {"en": INFO_TEXT}}]},
    ],
}

_BUILT: dict[Path, Path] = {}


@pytest.fixture
def tour(tmp_path_factory, data_file) -> tuple[Path, Path]:
    """(equirect of pond, built tour folder); built once per session (~1 s)."""
    from vtour.tour import build_tour

    src = data_file("equirect/examplepano.jpg")
    if src not in _BUILT:
        root = tmp_path_factory.mktemp("peer-tour")
        rgb = synthetic_colour(*equirect_directions(4096, 2048))
        cv2.imwrite(str(root / "colours.png"), np.clip(rgb, 0, 255).astype(np.uint8)[:, :, ::-1])
        shutil.copyfile(src, root / "examplepano.jpg")  # a copy: a tour's files must be inside its folder (D3)
        (root / "tour.yaml").write_text(yaml.safe_dump(TOUR, sort_keys=False))
        _BUILT[src] = build_tour(root / "tour.yaml", root / "out", jobs=1).out_dir
    return src, _BUILT[src]


PAGE_HEAD = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title><link rel="icon" href="data:,">{extra}
<style>html, body {{ margin: 0; height: 100%; overflow: hidden; background: #000; }}
#pano {{ position: absolute; inset: 0; }}
.link-hotspot {{ width: 40px; height: 40px; margin: -20px 0 0 -20px; border-radius: 50%;
  background: #fff; border: 4px solid #000; box-sizing: border-box; cursor: pointer; }}
.info-hotspot {{ background: rgba(0,0,0,.8); color: #fff; font: 14px sans-serif; padding: 6px; }}
body.bare .link-hotspot, body.bare .info-hotspot, body.bare .pnlm-hotspot-base, body.bare .pnlm-ui > *
  {{ visibility: hidden !important; }}</style></head>
<body><div id="pano"></div>
"""

#: The Marzipano Tool's index.js, cut down to what it does with data.js (scene list and buttons left out;
#: switches without its 1 s transition). Paths: data.js's tiles/preview, relative to the tour folder.
MARZIPANO_PAGE = PAGE_HEAD.format(title="vtour tour in Marzipano", extra="") + """
<script src="/node_modules/marzipano/dist/marzipano.js"></script>
<script src="marzipano/data.js"></script>
<script>
window.vtour = {stable: false, current: null, error: null};
try {
  const data = window.APP_DATA;
  const viewer = new Marzipano.Viewer(document.getElementById("pano"),
                                      {controls: {mouseViewMode: data.settings.mouseViewMode}});
  const scenes = data.scenes.map(function (d) {
    const source = Marzipano.ImageUrlSource.fromString(d.tiles, {cubeMapPreviewUrl: d.preview});
    const geometry = new Marzipano.CubeGeometry(d.levels);
    const limiter = Marzipano.RectilinearView.limit.traditional(d.faceSize, 100 * Math.PI / 180,
                                                                120 * Math.PI / 180);
    const view = new Marzipano.RectilinearView(d.initialViewParameters, limiter);
    const scene = viewer.createScene({source, geometry, view, pinFirstLevel: true});
    d.linkHotspots.forEach(function (h) {
      const el = document.createElement("div");
      el.className = "link-hotspot";
      el.dataset.target = h.target;
      el.style.transform = "rotate(" + h.rotation + "rad)";
      el.addEventListener("click", () => switchScene(scenes.find(s => s.data.id === h.target)));
      scene.hotspotContainer().createHotspot(el, {yaw: h.yaw, pitch: h.pitch});
    });
    d.infoHotspots.forEach(function (h) {
      const el = document.createElement("div");
      el.className = "info-hotspot";
      const title = document.createElement("div"), text = document.createElement("div");
      title.className = "info-hotspot-title"; title.innerHTML = h.title;  // as the Tool does
      text.className = "info-hotspot-text"; text.innerHTML = h.text;
      el.append(title, text);
      scene.hotspotContainer().createHotspot(el, {yaw: h.yaw, pitch: h.pitch});
    });
    return {data: d, scene, view};
  });
  function switchScene(s) {
    s.view.setParameters(s.data.initialViewParameters);
    window.vtour.stable = false;
    s.scene.switchTo({transitionDuration: 0});
    window.vtour.current = s.data.id;
  }
  viewer.stage().addEventListener("renderComplete", (stable) => { if (stable) window.vtour.stable = true; });
  window.vtour.params = () => viewer.scene().view().parameters();
  switchScene(scenes[0]);
} catch (e) { window.vtour.error = String(e); console.error(e); }
</script></body></html>
"""

#: Pannellum on pannellum.json as written. Settled: loaded, no tile loading and no scene fade for 10 frames.
PANNELLUM_PAGE = PAGE_HEAD.format(
    title="vtour tour in Pannellum",
    extra='<link rel="stylesheet" href="/node_modules/pannellum/build/pannellum.css">') + """
<script src="/node_modules/pannellum/build/pannellum.js"></script>
<script>
window.vtour = {error: null, quiet: 0};
(async function () {
  try {
    const config = await (await fetch("pannellum.json")).json();
    const viewer = pannellum.viewer("pano", config);
    window.vtour.viewer = viewer;
    viewer.on("error", (e) => { window.vtour.error = String(e); console.error("pannellum: " + e); });
    const tick = () => {
      const r = viewer.getRenderer();
      const ready = viewer.isLoaded() && r && !r.isLoading() && !document.querySelector(".pnlm-fade-img");
      window.vtour.quiet = ready ? window.vtour.quiet + 1 : 0;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  } catch (e) { window.vtour.error = String(e); console.error(e); }
})();
</script></body></html>
"""

SETTLED = {"marzipano": "() => window.vtour && (window.vtour.error || window.vtour.stable)",
           "pannellum": "() => window.vtour && (window.vtour.error || window.vtour.quiet >= 10)"}
# guarded: the predicate runs before the page's script has made the viewer
CURRENT = {"marzipano": "() => window.vtour && window.vtour.current",
           "pannellum": "() => window.vtour && window.vtour.viewer && window.vtour.viewer.getScene()"}


@pytest.fixture
def tour_site(tour, tmp_path, serve, node_modules, node_package):
    """Base URL of a server whose root is the tour folder plus the two test pages (and node_modules)."""
    node_package("marzipano")
    node_package("pannellum")
    _, out = tour
    root = tmp_path / "site"  # the tour folder's entries, linked, beside the pages
    root.mkdir()
    for entry in out.iterdir():
        (root / entry.name).symlink_to(entry)
    (root / "marzipano.html").write_text(MARZIPANO_PAGE)
    (root / "pannellum.html").write_text(PANNELLUM_PAGE)
    return serve({"/": root, "/node_modules": node_modules})


def settle(page, log, viewer: str, scene: str) -> None:
    wait_for_js(page, f"() => ({CURRENT[viewer]})() === {json.dumps(scene)} && ({SETTLED[viewer]})()",
                what=f"{viewer} to show scene {scene}", log=log, timeout_s=20)
    assert page.evaluate("() => window.vtour.error") is None
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def shot(screenshot, page, name: str) -> np.ndarray:
    """A screenshot for people (UI and hotspots shown), and the bare panorama as RGB for the checks."""
    screenshot(page, name)
    page.evaluate("() => document.body.classList.add('bare')")
    _, rgb = screenshot(page, name + "-bare", as_array=True)
    page.evaluate("() => document.body.classList.remove('bare')")
    assert rgb.shape[:2] == (HEIGHT, WIDTH)
    return rgb


def check_colours(rgb: np.ndarray, viewer: str) -> None:
    yaw, pitch, vfov = VIEWS["colours"]
    fx, fy = np.array(SAMPLE_POINTS).T
    expected = synthetic_colour(*view_directions(yaw, pitch, vfov, WIDTH, HEIGHT, fx, fy))
    bad = []
    for (px, py), want in zip(SAMPLE_POINTS, expected):
        got = region_mean(rgb, px, py)
        if np.abs(got - want).max() > COLOUR_TOLERANCE:
            bad.append(f"({px}, {py}): got {got.round().tolist()}, want {want.round().tolist()}")
    assert not bad, f"{viewer} shows scene colours wrongly: " + "; ".join(bad)


def check_pond(rgb: np.ndarray, src: Path, viewer: str) -> None:
    yaw, pitch, vfov = VIEWS["pond"]
    equirect = cv2.imread(str(src))[:, :, ::-1]
    score = mad(rgb, render_reference(equirect, yaw, pitch, vfov, WIDTH, HEIGHT))
    off = mad(rgb, render_reference(equirect, yaw + 3.0, pitch, vfov, WIDTH, HEIGHT))
    assert score < MAD_LIMIT and off > 1.5 * score, \
        f"{viewer}: scene pond differs from the reference: MAD {score:.2f} (yaw+3: {off:.2f})"


TILE_RE = re.compile(r"^/scenes/([^/]+)/(\d+)/([bdflru])/(\d+)/(\d+)\.jpg$")


def check_requests(log, out: Path, scene: str, top_level: int) -> None:
    """Every tile/preview request is a file of the tour answered 200; the scene's top level was used."""
    paths = log.paths("/scenes/")
    assert paths, "no tile requested"
    for status, url in log.responses:
        path = url.split("127.0.0.1", 1)[-1].split("/", 1)[-1]
        if path.startswith("scenes/"):
            assert status == 200 and (out / path).is_file(), f"{status} {url}"
    levels = {(m[1], int(m[2])) for m in map(TILE_RE.match, paths) if m}
    assert (scene, top_level) in levels, f"no z={top_level} tile of {scene} requested: {sorted(levels)}"
    log.assert_clean()
    log.assert_local_only()


def test_the_marzipano_data_js_tour_in_marzipano(tour, tour_site, page, page_log, screenshot):
    src, out = tour
    page.goto(tour_site + "marzipano.html")
    settle(page, page_log, "marzipano", "colours")
    initial = json.loads((out / "tour.json").read_text())
    params = page.evaluate("() => window.vtour.params()")
    app = page.evaluate("() => APP_DATA.scenes[0].initialViewParameters")
    for key in ("yaw", "pitch", "fov"):  # the Tool's limiter leaves the tour's view as it is
        assert params[key] == pytest.approx(app[key], abs=1e-9)
    check_colours(shot(screenshot, page, "colours"), "marzipano")
    top = len(initial["scenes"][0]["panorama"]["levels"]) - 1
    check_requests(page_log, out, "colours", top)

    page_log.clear()
    page.click(".link-hotspot[data-target='pond']")
    settle(page, page_log, "marzipano", "pond")
    check_pond(shot(screenshot, page, "pond"), src, "marzipano")
    check_requests(page_log, out, "pond", top)

    info = page.locator(".info-hotspot")
    assert info.count() == 1 and info.is_visible()
    assert page.locator(".info-hotspot-title").text_content() == INFO_TITLE
    assert page.locator(".info-hotspot-text").text_content() == INFO_TEXT
    assert page.locator(".info-hotspot b, .info-hotspot i").count() == 0  # shown, not interpreted


def test_the_pannellum_json_tour_in_pannellum(tour, tour_site, page, page_log, screenshot):
    src, out = tour
    config = json.loads((out / "pannellum.json").read_text())
    page.goto(tour_site + "pannellum.html")
    settle(page, page_log, "pannellum", "colours")
    got = page.evaluate("() => [vtour.viewer.getYaw(), vtour.viewer.getPitch(), vtour.viewer.getHfov()]")
    first = config["scenes"]["colours"]
    assert got == pytest.approx([first["yaw"], first["pitch"], first["hfov"]], abs=1e-6)
    assert page.locator(".pnlm-title-box").text_content() == "Colours"
    check_colours(shot(screenshot, page, "colours"), "pannellum")
    top = first["multiRes"]["maxLevel"]
    check_requests(page_log, out, "colours", top)

    page_log.clear()
    page.click(".pnlm-hotspot-base.pnlm-scene")
    settle(page, page_log, "pannellum", "pond")
    assert page.locator(".pnlm-title-box").text_content() == "Pond"
    check_pond(shot(screenshot, page, "pond"), src, "pannellum")
    check_requests(page_log, out, "pond", top)

    tooltip = page.locator(".pnlm-hotspot-base.pnlm-info span")
    assert tooltip.count() == 1
    assert tooltip.text_content() == f"{INFO_TITLE}: {INFO_TEXT}"
    assert page.locator(".pnlm-hotspot-base.pnlm-info b, .pnlm-hotspot-base.pnlm-info i").count() == 0, \
        "Pannellum interpreted the tour's text as HTML"
