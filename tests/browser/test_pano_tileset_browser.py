"""WebP/AVIF tiles and partial panoramas in vtour's viewer, Marzipano and Pannellum (headless Chromium).

A tour of two synthetic panoramas (reference.py: each cube face one known colour, a darker mark in its
upper-left quadrant):

* ``full``: the whole sphere, AVIF tiles;
* ``part``: a partial equirect (180 x 90 degrees about yaw 0, pitch 0), WebP tiles; its tiles wholly
  outside the coverage are not written and tour.json's ``present`` says so.

vtour's viewer shows the right colours from AVIF and WebP tiles, never requests a tile marked absent
(every request is recorded while the view turns all round), and shows black (the preview strip) where
the panorama has nothing. The tour's Marzipano and Pannellum exports show ``part`` from the JPEG tiles
written for them, with a blank tile wherever vtour wrote none: every request answered 200, no console
error, the view settles. Screenshots: ``tests/artifacts/test_*tileset*``.
"""

from __future__ import annotations

import base64
import json
import math
import re
import shutil

import cv2
import numpy as np
import pytest
import yaml
from helpers import frames, open_tour, region_mean, wait_for_js
from reference import COLOUR_TOLERANCE, synthetic_colour, view_directions
from test_tour_peers_browser import MARZIPANO_PAGE, PANNELLUM_PAGE, SETTLED

from vtour.pano.manifest import decode_present

WIDTH, HEIGHT = 800, 450
pytestmark = [pytest.mark.browser, pytest.mark.viewport(WIDTH, HEIGHT)]
PART = {"hfov": 180.0, "vfov": 90.0}
TOUR = {
    "id": "tileset",
    "title": {"en": "Tile formats"},
    "languages": ["en"],
    "pano": {"face_size": 1024},
    "scenes": [
        {
            "id": "part",
            "title": {"en": "Part"},
            "panorama": "part.png",
            "view": {"yaw": 0, "pitch": 0, "fov": 70},
            "pano": {"tile_format": "webp", **PART},
            "hotspots": [{"type": "link", "yaw": -30.0, "pitch": -30.0, "target": "full"}],
        },
        {
            "id": "full",
            "title": {"en": "Full"},
            "panorama": "full.png",
            "view": {"yaw": 0, "pitch": 0, "fov": 70},
            "pano": {"tile_format": "avif"},
            "hotspots": [{"type": "link", "yaw": -30.0, "pitch": -30.0, "target": "part"}],
        },
    ],
}
TILE_RE = re.compile(r"/scenes/(\w+)/(\d+)/([bdflru])/(\d+)/(\d+)\.(\w+)$")
#: Views of ``part`` that together see every face: inside the coverage, across its edges, and behind it.
#: The TiledPanorama of the page's viewer.
PANO = "document.querySelector('.vtour-root').vtourViewer.pano"
LOOK_AROUND = [(0, 0, 70), (80, 0, 70), (-80, 20, 70), (180, 0, 70), (0, 80, 70), (0, -80, 70), (120, 40, 100)]


def _partial_equirect(width: int, height: int, hfov: float, vfov: float) -> np.ndarray:
    """The synthetic panorama's part within ``hfov`` x ``vfov`` degrees about (0, 0), as RGB uint8."""
    lon = np.radians(((np.arange(width) + 0.5) / width - 0.5) * hfov)
    lat = np.radians((0.5 - (np.arange(height) + 0.5) / height) * vfov)
    lon, lat = np.meshgrid(lon, lat)
    rgb = synthetic_colour(np.cos(lat) * np.sin(lon), np.sin(lat), -np.cos(lat) * np.cos(lon))
    return np.clip(rgb, 0, 255).astype(np.uint8)


@pytest.fixture(scope="module")
def tour(tmp_path_factory):
    from vtour.tour import build_tour

    root = tmp_path_factory.mktemp("tileset-tour")
    cv2.imwrite(str(root / "full.png"), _partial_equirect(4096, 2048, 360, 180)[:, :, ::-1])
    cv2.imwrite(str(root / "part.png"), _partial_equirect(2048, 1024, PART["hfov"], PART["vfov"])[:, :, ::-1])
    (root / "tour.yaml").write_text(yaml.safe_dump(TOUR, sort_keys=False))
    out = build_tour(root / "tour.yaml", root / "out", jobs=1).out_dir
    return out, json.loads((out / "tour.json").read_text())


@pytest.fixture
def site(tour, tmp_path, serve, node_modules, node_package):
    """The tour folder served at / with the two peer pages of test_tour_peers_browser beside it."""
    node_package("marzipano")
    node_package("pannellum")
    out, _ = tour
    root = tmp_path / "site"
    root.mkdir()
    for entry in out.iterdir():
        (root / entry.name).symlink_to(entry)
    (root / "marzipano.html").write_text(MARZIPANO_PAGE)
    (root / "pannellum.html").write_text(PANNELLUM_PAGE)
    return serve({"/": root, "/node_modules": node_modules})


#: Tiles taken out of ``part`` inside its coverage (at the finest level, in the first view), as a
#: stitched panorama lacks tiles between its photos: the viewer must show the preview there.
HOLES = [("f", 0, 0), ("f", 1, 1)]


@pytest.fixture
def holed(tour, tmp_path, serve):
    """The tour with :data:`HOLES` deleted from ``part`` and marked absent in its tour.json, served."""
    out, doc = tour
    folder = tmp_path / "holed"
    shutil.copytree(out, folder)
    p = doc["scenes"][0]["panorama"]
    top = len(p["levels"]) - 1
    present = decode_present(p["present"], p["levels"])
    for f, y, x in HOLES:
        (folder / p["tiles"].format(z=top, f=f, y=y, x=x)).unlink()
        present[top][f][y, x] = False
    doc = json.loads(json.dumps(doc))
    doc["scenes"][0]["panorama"]["present"][top]["f"] = base64.b64encode(np.packbits(present[top]["f"])).decode()
    (folder / "tour.json").write_text(json.dumps(doc))
    return serve(folder), doc, [f"{top}/{f}/{y}/{x}" for f, y, x in HOLES]


def _tiles(log, scene: str) -> list[tuple[int, str, int, int, str]]:
    found = (m for m in map(TILE_RE.search, log.paths()) if m and m[1] == scene)
    return [(int(m[2]), m[3], int(m[4]), int(m[5]), m[6]) for m in found]


def _check_colours(rgb, yaw, pitch, fov, points, what):
    bad = []
    for fx, fy in points:
        want = synthetic_colour(*view_directions(yaw, pitch, fov, WIDTH, HEIGHT, np.array([fx]), np.array([fy])))[0]
        got = region_mean(rgb, fx, fy)
        if np.abs(got - want).max() > COLOUR_TOLERANCE:
            bad.append(f"({fx}, {fy}): got {got.round().tolist()}, want {want.round().tolist()}")
    assert not bad, f"{what}: " + "; ".join(bad)


def _hide_ui(page):
    page.add_style_tag(content=".vtour-hotspots, .vtour-toolbar, .vtour-scene-title { display: none !important; }")


def test_vtour_viewer_shows_avif_tiles(tour, site, page, page_log, screenshot):
    _, doc = tour
    assert doc["scenes"][1]["panorama"]["tiles"].endswith(".avif")
    open_tour(page, page_log, site, "#scene=full&yaw=0&pitch=0&fov=70")
    _hide_ui(page)
    frames(page)
    _, rgb = screenshot(page, "full-avif", as_array=True)
    _check_colours(rgb, 0, 0, 70, [(0.5, 0.5), (0.25, 0.25), (0.75, 0.75)], "AVIF tiles")
    tiles = _tiles(page_log, "full")
    top = len(doc["scenes"][1]["panorama"]["levels"]) - 1
    assert tiles and {t[4] for t in tiles} == {"avif"} and top in {t[0] for t in tiles}
    page_log.assert_clean()


def test_vtour_viewer_never_requests_an_absent_tile_and_shows_the_partial_panorama(
    tour, site, page, page_log, screenshot
):
    _, doc = tour
    p = doc["scenes"][0]["panorama"]
    assert p["tiles"].endswith(".webp") and "present" in p
    present = decode_present(p["present"], p["levels"])
    absent = sum(int((~m).sum()) for faces in present.values() for m in faces.values())
    assert absent > 0
    open_tour(page, page_log, site, "#scene=part&yaw=0&pitch=0&fov=70")
    _hide_ui(page)
    shots, in_view_absent = {}, set()
    for yaw, pitch, fov in LOOK_AROUND:
        page.evaluate(f"() => window.vtour.setView({{yaw: {yaw}, pitch: {pitch}, fov: {fov}}})")
        wait_for_js(page, "() => window.vtour.stats().sharpNow", what=f"sharp at {yaw}, {pitch}", log=page_log)
        frames(page)
        # the tiles in view that the panorama lacks (renderers/TiledPanorama.js stats.absent)
        in_view_absent |= set(page.evaluate(f"() => {PANO}.stats.absent"))
        _, shots[(yaw, pitch)] = screenshot(page, f"part-webp-{yaw}-{pitch}", as_array=True)
    tiles = _tiles(page_log, "part")
    assert tiles and {t[4] for t in tiles} == {"webp"}
    asked_absent = [t for t in tiles if not present[t[0]][t[1]][t[2], t[3]]]
    assert not asked_absent, f"absent tiles requested: {asked_absent}"
    # the view stays inside the coverage (views/PanoView.js), so no wholly absent tile is ever in view
    # here; a tile absent inside the coverage is the next test's
    for key in in_view_absent:
        z, f, y, x = key.split("/")
        assert not present[int(z)][f][int(y), int(x)], key
    page_log.assert_clean()
    _check_colours(shots[(0, 0)], 0, 0, 70, [(0.5, 0.5), (0.25, 0.25), (0.75, 0.75)], "WebP tiles")
    assert all(rgb.std() > 20 for rgb in shots.values())  # never a blank screen


def test_vtour_viewer_shows_the_preview_where_a_tile_is_absent_and_never_asks_for_it(holed, page, page_log, screenshot):
    base, _, holes = holed
    open_tour(page, page_log, base, "#scene=part&yaw=0&pitch=0&fov=70")
    _hide_ui(page)
    frames(page)
    assert page.evaluate("() => window.vtour.stats().sharpNow")
    assert set(holes) <= set(page.evaluate(f"() => {PANO}.stats.absent"))
    asked = {f"{z}/{f}/{y}/{x}" for z, f, y, x, _ in _tiles(page_log, "part")}
    assert asked and not asked & set(holes), f"absent tiles requested: {sorted(asked & set(holes))}"
    page_log.assert_clean()
    _, rgb = screenshot(page, "holes-preview", as_array=True)
    # the holes' part of the screen (upper left and lower right of f) shows the preview's colours
    _check_colours(rgb, 0, 0, 70, [(0.5, 0.5), (0.3, 0.2), (0.7, 0.8)], "preview under absent tiles")


@pytest.mark.parametrize("viewer", ["marzipano", "pannellum"])
def test_peer_exports_show_a_partial_webp_panorama_from_jpeg_tiles(viewer, tour, site, page, page_log, screenshot):
    _, doc = tour
    page.goto(f"{site}{viewer}.html")
    current = (
        "() => window.vtour && window.vtour.current"
        if viewer == "marzipano"
        else "() => window.vtour && window.vtour.viewer && window.vtour.viewer.getScene()"
    )
    wait_for_js(
        page,
        f"() => ({current})() === 'part' && ({SETTLED[viewer]})()",
        what=f"{viewer} settled",
        log=page_log,
        timeout_s=30,
    )
    assert page.evaluate("() => window.vtour.error") is None
    frames(page)
    page.evaluate("() => document.body.classList.add('bare')")
    _, rgb = screenshot(page, f"{viewer}-part", as_array=True)
    # the export's first view is the tour's (yaw 0, pitch 0, vertical fov 70 on this 16:9 page)
    _check_colours(rgb, 0, 0, 70, [(0.5, 0.5), (0.4, 0.4), (0.6, 0.6)], f"{viewer} from JPEG tiles")
    # drag the view right, past the coverage's edge: the tiles there are the blank ones written for the peers
    for _ in range(2):
        page.evaluate("() => { window.vtour.stable = false; window.vtour.quiet = 0; }")
        page.mouse.move(700, 225)
        page.mouse.down()
        page.mouse.move(150, 225, steps=12)
        page.mouse.up()
        wait_for_js(page, SETTLED[viewer], what=f"{viewer} settled after a drag", log=page_log, timeout_s=30)
        frames(page)
    screenshot(page, f"{viewer}-part-turned")  # for people: how far the drag goes varies (Marzipano's inertia)
    tiles = _tiles(page_log, "part")
    assert tiles and {t[4] for t in tiles} == {"jpg"}
    p = doc["scenes"][0]["panorama"]
    present = decode_present(p["present"], p["levels"])
    if viewer == "marzipano":  # Pannellum keeps the view inside the coverage (minYaw... in pannellum.json)
        assert any(not present[z][f][y, x] for z, f, y, x, _ in tiles), "the drag reached no absent tile"
    for status, url in page_log.responses:
        m = TILE_RE.search(url)
        if m:
            assert status == 200 and (tour[0] / "scenes" / m[1] / m[2] / m[3] / m[4] / f"{m[5]}.{m[6]}").is_file(), url
    page_log.assert_clean()
    page_log.assert_local_only()


def test_peer_tiles_cover_every_tile_either_peer_may_ask_for(tour):
    _, doc = tour
    p = doc["scenes"][0]["panorama"]
    for z, level in enumerate(p["levels"]):
        n = level["size"] // level["tileSize"]
        for f in "bdflru":
            for y in range(n):
                for x in range(n):
                    assert (tour[0] / p["path"] / str(z) / f / str(y) / f"{x}.jpg").is_file()
    assert math.isclose(p["coverage"]["hfov"], PART["hfov"])
