"""vtour's panorama tiles open in the peer viewers Marzipano and Pannellum (issue 2).

``build_pano`` with JPEG tiles (``tile_format="jpeg"``; AVIF, the default, gets JPEG copies in a tour's peer
exports, tests/browser/test_pano_tileset_browser.py) writes one tile set (``{z}/{f}/{y}/{x}.jpg``,
``preview.jpg``, ``pano.json``). These tests
load it, unchanged, in Marzipano (``ImageUrlSource`` + ``CubeGeometry`` from ``pano.json["marzipano"]``)
and in Pannellum (``type: "multires"`` with ``pano.json["pannellum"]["multiRes"]``) in headless Chromium,
and check what a user would see:

* a synthetic panorama whose six cube faces have known colours and an orientation mark (a darker square
  in each face's upper-left quadrant): at yaw 0/90/180/-90 and pitch +-90 the screen shows the right face
  colour at the centre and the mark in the right corner (a flipped or rotated face moves it);
* the tile requests are those of the face in view at the level the viewer picks for that zoom, and every
  request answered 200 with no console error and nothing fetched from outside 127.0.0.1;
* the real ``examplepano.jpg`` renders like a rectilinear view computed in numpy (reference.py) from the
  equirect for the same yaw, pitch and fov.

Views are given in vtour's convention and converted with ``vtour.conventions.to_marzipano_view`` /
``to_pannellum_view``, so these tests also pin those conversions. Screenshots: ``tests/artifacts/``.
"""

from __future__ import annotations

import json
import math
import re
import urllib.parse
from pathlib import Path

import cv2
import numpy as np
import pytest
from helpers import region_mean, wait_for_js
from reference import (
    COLOUR_TOLERANCE,
    MAD_LIMIT,
    SAMPLE_POINTS,
    centre_tile,
    equirect_directions,
    face_and_uv,
    mad,
    render_reference,
    synthetic_colour,
    view_directions,
)

from vtour.conventions import face_directions, to_marzipano_view, to_pannellum_view, vfov_to_hfov

pytestmark = [pytest.mark.browser, pytest.mark.viewport(800, 600)]

WIDTH, HEIGHT = 800, 600  # the harness's default page size (pinned by the viewport marker below)
ASPECT = WIDTH / HEIGHT
#: Vertical fov of the checked views. Marzipano's ``limit.traditional(faceSize)`` will not zoom past one
#: screen pixel per texel, i.e. fov >= 2 atan(H / faceSize) = 60.7 deg for 1024 px faces at 600 px.
VFOV = 70.0

#: (name, vtour yaw, vtour pitch, face expected at the centre of the screen)
VIEWS = [
    ("front", 0.0, 0.0, "f"),
    ("right", 90.0, 0.0, "r"),
    ("back", 180.0, 0.0, "b"),
    ("left", -90.0, 0.0, "l"),
    ("up", 0.0, 90.0, "u"),
    ("down", 0.0, -90.0, "d"),
]


# ---------------------------------------------------------------------------------------------------
# The levels the peer viewers pick (the reference images and geometry: reference.py)


def marzipano_level(levels: list[dict], vfov: float, height: int) -> int:
    """z Marzipano's RectilinearView.selectLevel picks: first non-fallback level with tan(fov/2)*size >= H."""
    usable = [i for i, lv in enumerate(levels) if not lv.get("fallbackOnly")]
    for i in usable:
        if math.tan(math.radians(vfov) / 2) * levels[i]["size"] >= height:
            return i
    return usable[-1]


def pannellum_level(multires: dict, hfov: float, width: int) -> int:
    """Level Pannellum's checkZoom picks (libpannellum.js): 1 .. maxLevel."""
    level = 1
    while level < multires["maxLevel"] and width > (
            multires["tileResolution"] * 2 ** (level - 1) * math.tan(math.radians(hfov) / 2) * 0.707):
        level += 1
    return level


def test_synthetic_geometry_is_consistent():
    """reference.py's numpy geometry agrees with vtour.conventions (so the browser checks test the viewers)."""
    c = np.linspace(-0.95, 0.95, 9)
    u, v = np.meshgrid(c, c)
    for i, f in enumerate("fbrlud"):
        face, uu, vv = face_and_uv(*face_directions(f, u, v))
        assert (face == i).all() and np.allclose(uu, u) and np.allclose(vv, v), f
    for _, yaw, pitch, face in VIEWS:
        got, uu, vv = face_and_uv(*view_directions(yaw, pitch, VFOV, WIDTH, HEIGHT, 0.5, 0.5))
        assert "fbrlud"[int(got)] == face and abs(uu) < 1e-9 and abs(vv) < 1e-9
        # the sample points stay inside the face, clear of the mark's edges
        fx, fy = np.array(SAMPLE_POINTS).T
        got, uu, vv = face_and_uv(*view_directions(yaw, pitch, VFOV, WIDTH, HEIGHT, fx, fy))
        assert all("fbrlud"[int(g)] == face for g in got)
        for a in (uu, vv):
            assert np.min(np.abs(np.abs(a[:, None]) - np.array([0.15, 0.85, 1.0])[None, :])) > 0.1


# ---------------------------------------------------------------------------------------------------
# Tiles and pages


@pytest.fixture(scope="module")
def synthetic_tiles(tmp_path_factory) -> Path:
    """Tiles of a 4096 x 2048 synthetic equirect (six flat face colours + marks), 1024 px faces."""
    from vtour.pano import PanoOptions, build_pano

    root = tmp_path_factory.mktemp("synthetic")
    rgb = synthetic_colour(*equirect_directions(4096, 2048))
    src = root / "synthetic_equirect.jpg"
    cv2.imwrite(str(src), np.clip(rgb, 0, 255).astype(np.uint8)[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 95])
    result = build_pano([src], root / "tiles", PanoOptions(tile_size=512, face_size=1024, tile_format="jpeg"))
    return Path(result.out_dir)


_EXAMPLE_TILES: dict[Path, Path] = {}


@pytest.fixture
def example_tiles(tmp_path_factory, data_file) -> tuple[Path, Path]:
    """The real examplepano.jpg (4096 x 2048) and its tiles at build_pano's default face size.

    Built once per session (``data_file`` is function-scoped: it skips, or fails under CI, when the file
    is missing).
    """
    from vtour.pano import PanoOptions, build_pano

    src = data_file("equirect/examplepano.jpg")
    if src not in _EXAMPLE_TILES:
        root = tmp_path_factory.mktemp("example")
        result = build_pano([src], root / "tiles", PanoOptions(tile_size=512, face_size=None, tile_format="jpeg"))
        _EXAMPLE_TILES[src] = Path(result.out_dir)
    return src, _EXAMPLE_TILES[src]


PAGE_HEAD = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title>
<link rel="icon" href="data:,">
{extra_head}
<style>html, body {{ margin: 0; height: 100%; overflow: hidden; background: #000; }}
#pano {{ position: absolute; inset: 0; }}</style></head>
<body><div id="pano"></div>
"""

#: Marzipano, set up as the Marzipano Tool's export does. Query: tiles (URL of the tile folder, with a
#: trailing slash), yaw, pitch, fov (Marzipano's units). window.vtour.stable turns true on the first
#: renderComplete(stable=true): every tile of the selected level in view has loaded and been drawn.
MARZIPANO_PAGE = PAGE_HEAD.format(title="vtour tiles in Marzipano", extra_head="") + """
<script src="/node_modules/marzipano/dist/marzipano.js"></script>
<script>
window.vtour = {stable: false, error: null};
(async function () {
  try {
    const q = new URLSearchParams(location.search);
    const base = q.get("tiles");
    const meta = await (await fetch(base + "pano.json")).json();
    const viewer = new Marzipano.Viewer(document.getElementById("pano"));
    const source = Marzipano.ImageUrlSource.fromString(base + "{z}/{f}/{y}/{x}.jpg",
                                                       {cubeMapPreviewUrl: base + "preview.jpg"});
    const geometry = new Marzipano.CubeGeometry(meta.marzipano.levels);
    const limiter = Marzipano.RectilinearView.limit.traditional(meta.marzipano.faceSize,
                                                                110 * Math.PI / 180, 120 * Math.PI / 180);
    const view = new Marzipano.RectilinearView(
      {yaw: +q.get("yaw"), pitch: +q.get("pitch"), fov: +q.get("fov")}, limiter);
    const scene = viewer.createScene({source, geometry, view, pinFirstLevel: true});
    viewer.stage().addEventListener("renderComplete", (stable) => { if (stable) window.vtour.stable = true; });
    scene.switchTo({transitionDuration: 0});
    window.vtour.view = view;
  } catch (e) { window.vtour.error = String(e); console.error(e); }
})();
</script></body></html>
"""

#: Pannellum multires from pano.json, basePath replaced by the tile folder's URL (no trailing slash,
#: pano.json's path starts with "/"). Query: tiles, yaw, pitch, hfov (Pannellum's units).
#: window.vtour.stable turns true once loaded and no tile in view has been loading for 10 frames in a row.
PANNELLUM_PAGE = PAGE_HEAD.format(
    title="vtour tiles in Pannellum",
    extra_head='<link rel="stylesheet" href="/node_modules/pannellum/build/pannellum.css">') + """
<script src="/node_modules/pannellum/build/pannellum.js"></script>
<script>
window.vtour = {stable: false, loaded: false, error: null};
(async function () {
  try {
    const q = new URLSearchParams(location.search);
    const base = q.get("tiles");
    const meta = await (await fetch(base + "pano.json")).json();
    const multiRes = Object.assign({}, meta.pannellum.multiRes, {basePath: base.replace(/\\/$/, "")});
    const viewer = pannellum.viewer("pano", {
      type: "multires", multiRes, autoLoad: true, showControls: false, compass: false,
      yaw: +q.get("yaw"), pitch: +q.get("pitch"), hfov: +q.get("hfov"),
    });
    window.vtour.viewer = viewer;
    viewer.on("error", (e) => { window.vtour.error = String(e); console.error("pannellum: " + e); });
    // "load" can fire before this line (multires loads nothing up front), so poll isLoaded() too.
    viewer.on("load", () => { window.vtour.loaded = true; });
    let quiet = 0;
    const tick = () => {
      const ready = window.vtour.loaded || viewer.isLoaded();
      quiet = ready && !viewer.getRenderer().isLoading() ? quiet + 1 : 0;
      if (quiet >= 10) window.vtour.stable = true; else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  } catch (e) { window.vtour.error = String(e); console.error(e); }
})();
</script></body></html>
"""


@pytest.fixture
def site(tmp_path, serve, node_modules, node_package):
    """Pages + node_modules + tile folders on one local server.

    Returns ``(mount, base_url)``: ``mount(tiles_dir) -> "/tiles/N/"`` for each tile folder first, then
    ``base_url()`` starts the server and returns ``http://127.0.0.1:PORT/``.
    """
    node_package("marzipano")
    node_package("pannellum")
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "marzipano.html").write_text(MARZIPANO_PAGE)
    (pages / "pannellum.html").write_text(PANNELLUM_PAGE)
    mounted: dict[str, Path] = {}
    state = {}

    def mount(tiles: Path) -> str:
        name = f"/tiles/{len(mounted)}"
        mounted[name] = tiles
        return name + "/"

    def base_url() -> str:
        if "url" not in state:
            state["url"] = serve({"/": pages, "/node_modules": node_modules, **mounted})
        return state["url"]

    return mount, base_url


def open_view(page, log, base: str, viewer: str, tiles_path: str, yaw: float, pitch: float, vfov: float):
    """Open ``viewer``'s page on the tiles at a vtour view; wait until it has rendered the view."""
    if viewer == "marzipano":
        params = to_marzipano_view(yaw, pitch, vfov)
    else:
        v = to_pannellum_view(yaw, pitch, vfov, aspect=ASPECT)
        params = {"yaw": v["yaw"], "pitch": v["pitch"], "hfov": v["hfov"]}
    query = urllib.parse.urlencode({"tiles": base.rstrip("/") + tiles_path, **params})
    page.goto(f"{base}{viewer}.html?{query}")
    wait_for_js(page, "() => window.vtour && (window.vtour.stable || window.vtour.error)",
                what=f"{viewer} to render yaw={yaw} pitch={pitch}", log=log)
    error = page.evaluate("() => window.vtour.error")
    assert error is None, f"{viewer}: {error}"
    # two more frames so that the last tiles drawn are on screen
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


TILE_RE = re.compile(r"/tiles/\d+/(\d+)/([bdflru])/(\d+)/(\d+)\.jpg$")


def tile_requests(page_log) -> list[tuple[int, str, int, int]]:
    """(z, face, row, col) of every tile requested."""
    out = []
    for path in page_log.paths("/tiles/"):
        m = TILE_RE.search(path)
        if m:
            out.append((int(m[1]), m[2], int(m[3]), int(m[4])))
    return out


def check_tile_requests(page_log, tiles: Path, meta: dict, yaw: float, pitch: float, level: int,
                        viewer: str) -> None:
    """The tile under the view's centre at ``level`` was fetched; every tile URL is one build_pano wrote."""
    requested = tile_requests(page_log)
    tile_urls = [p for p in page_log.paths("/tiles/") if p.endswith(".jpg") and not p.endswith("preview.jpg")]
    assert len(requested) == len(tile_urls), f"{viewer}: tile URLs outside the z/f/y/x layout: {tile_urls}"
    for z, f, y, x in requested:
        assert (tiles / str(z) / f / str(y) / f"{x}.jpg").is_file(), \
            f"{viewer} asked for a tile build_pano did not write: {z}/{f}/{y}/{x}"
    face, row, col = centre_tile(meta, level, yaw, pitch)
    assert (level, face, row, col) in requested, (
        f"{viewer}: the tile under the centre of the view (z={level}, {face}/{row}/{col}) was not requested; "
        f"got {sorted(set(requested))}")


def expected_level(viewer: str, meta: dict, vfov: float) -> int:
    """The z the viewer will use for a view with vertical fov ``vfov`` on the default page."""
    if viewer == "marzipano":
        return marzipano_level(meta["marzipano"]["levels"], vfov, HEIGHT)
    return pannellum_level(meta["pannellum"]["multiRes"], vfov_to_hfov(vfov, ASPECT), WIDTH)


# ---------------------------------------------------------------------------------------------------
# The tests


@pytest.mark.parametrize("viewer", ["marzipano", "pannellum"])
def test_synthetic_faces_land_where_expected(viewer, synthetic_tiles, site, page, page_log, screenshot):
    mount, base_url = site
    tiles_path = mount(synthetic_tiles)
    base = base_url()
    meta = json.loads((synthetic_tiles / "pano.json").read_text())
    level = expected_level(viewer, meta, VFOV)
    assert meta["levels"][level]["size"] == meta["faceSize"] == 1024  # the most detailed level is used

    failures = []
    for name, yaw, pitch, face in VIEWS:
        page_log.clear()
        open_view(page, page_log, base, viewer, tiles_path, yaw, pitch, VFOV)
        _, rgb = screenshot(page, name, as_array=True)
        assert rgb.shape[:2] == (HEIGHT, WIDTH)
        fx, fy = np.array(SAMPLE_POINTS).T
        expected = synthetic_colour(*view_directions(yaw, pitch, VFOV, WIDTH, HEIGHT, fx, fy))
        for (px, py), want in zip(SAMPLE_POINTS, expected):
            got = region_mean(rgb, px, py)
            if np.abs(got - want).max() > COLOUR_TOLERANCE:
                failures.append(f"{name} (yaw {yaw}, pitch {pitch}) at ({px}, {py}): "
                                f"got {got.round().astype(int).tolist()}, want {want.round().astype(int).tolist()}")
        assert centre_tile(meta, level, yaw, pitch)[0] == face
        check_tile_requests(page_log, synthetic_tiles, meta, yaw, pitch, level, viewer)
        if viewer == "marzipano":
            assert page_log.status_of(f"{base.rstrip('/')}{tiles_path}preview.jpg") == 200
        page_log.assert_clean()
        page_log.assert_local_only()
    assert not failures, f"{viewer} shows the cube faces wrongly:\n  " + "\n  ".join(failures)


#: Views (name, yaw, pitch, vertical fov) of the real panorama compared with a numpy rendering: the front
#: face, a view right and up across the r/u edge, a view down-left across the d, l and b faces, and a
#: wide view across the f/r edge for which Marzipano picks the 512 px level (z=1) instead of z=2.
EXAMPLE_VIEWS = [("front", 0.0, 0.0, VFOV), ("right_up", 100.0, 20.0, VFOV), ("down_left", -140.0, -60.0, VFOV),
                 ("wide", 40.0, 5.0, 100.0)]
@pytest.mark.shared_data
@pytest.mark.parametrize("viewer", ["marzipano", "pannellum"])
def test_example_panorama_matches_reference(viewer, example_tiles, site, page, page_log, screenshot,
                                            artifact_dir):
    src, tiles = example_tiles
    mount, base_url = site
    tiles_path = mount(tiles)
    base = base_url()
    meta = json.loads((tiles / "pano.json").read_text())
    equirect = cv2.imread(str(src))[:, :, ::-1]
    report = []
    for name, yaw, pitch, vfov in EXAMPLE_VIEWS:
        page_log.clear()
        open_view(page, page_log, base, viewer, tiles_path, yaw, pitch, vfov)
        _, rgb = screenshot(page, name, as_array=True)
        ref = render_reference(equirect, yaw, pitch, vfov, WIDTH, HEIGHT)
        cv2.imwrite(str(artifact_dir / f"reference-examplepano-{name}.png"), ref[:, :, ::-1])
        score = mad(rgb, ref)
        # what typical mistakes would score: a mirrored view, a view 3 degrees off in yaw
        mirrored = mad(rgb, ref[:, ::-1])
        off = mad(rgb, render_reference(equirect, yaw + 3.0, pitch, vfov, WIDTH, HEIGHT))
        level = expected_level(viewer, meta, vfov)
        report.append(f"{name} (z={level}): MAD {score:.2f} (mirrored {mirrored:.2f}, yaw+3 {off:.2f})")
        assert score < MAD_LIMIT, f"{viewer} {name}: differs from the reference: " + "; ".join(report)
        assert min(mirrored, off) > 1.5 * score, f"{viewer} {name}: the check cannot tell errors apart: {report}"
        check_tile_requests(page_log, tiles, meta, yaw, pitch, level, viewer)
        page_log.assert_clean()
        page_log.assert_local_only()
    print(f"{viewer}: " + "; ".join(report))
