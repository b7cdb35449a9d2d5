"""``vtour image`` output's manifest.json opens unchanged in Mirador 4 (npm) from a plain static server (issue 13).

Mirador is loaded from its UMD build (``node_modules/mirador/dist/mirador.min.js``, React included)
and given the manifest's URL and nothing else. It must show the Canvas, draw it from the level-0
image service's tiles (not only the whole-image JPEG), and every request must be answered, all of
them from the local server.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from helpers import wait_for_js
from test_image_build import smooth_image

from vtour.image import ImageOptions, build_image
from vtour.images import write_image

pytestmark = [pytest.mark.browser, pytest.mark.viewport(1000, 700)]

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>mirador</title>
<style>html, body { margin: 0; width: 100%; height: 100%; } #mirador { position: absolute; inset: 0; }</style>
<script src="/node_modules/mirador/dist/mirador.min.js"></script>
</head><body><div id="mirador"></div>
<script>
  const manifestId = new URL("mural/manifest.json", location.href).href;
  window.mirador = Mirador.viewer({
    id: "mirador",
    windows: [{ manifestId, thumbnailNavigationPosition: "off" }],
    window: { allowClose: false, sideBarOpen: false },
    workspaceControlPanel: { enabled: false },
    osdConfig: { animationTime: 0, immediateRender: true },
  });
</script></body></html>
"""
#: The first window's manifest (loaded, no error) and canvas, from Mirador's redux store.
SHOWN = """() => {
  const state = mirador.store.getState();
  const win = Object.values(state.windows)[0];
  const m = win && state.manifests[win.manifestId];
  return m && m.json && !m.error && win.canvasId ? {canvas: win.canvasId, label: m.json.label} : null;
}"""
#: React 19's deprecation notice, printed by a component inside Mirador 4.0.0's own bundle (not a failure).
REACT_REF_NOTICE = "Accessing element.ref was removed in React 19"
TILE = r"/mural/(\d+),(\d+),(\d+),(\d+)/(\d+),(\d+)/0/default\.jpg$"
TILES_FETCHED = "() => performance.getEntriesByType('resource').some(e => /" + TILE.replace("/", r"\/") + "/.test(e.name))"


def test_mirador_opens_the_manifest_and_draws_the_canvas_from_level_0_tiles_with_no_failed_request(
    page, page_log, serve, node_package, tmp_path, screenshot
):
    node_package("mirador")
    from data_paths import ROOT

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(PAGE, encoding="utf-8")
    base = serve({"/": site, "/node_modules/": ROOT / "node_modules"})
    write_image(tmp_path / "mural.png", smooth_image(2000, 3000))
    options = ImageOptions(base_url=base, label="Mural")
    r = build_image([tmp_path / "mural.png"], site / "mural", options)

    page.goto(f"{base}index.html")
    shown = wait_for_js(page, SHOWN, what="Mirador's window with the manifest's canvas", log=page_log)
    assert shown == {"canvas": f"{base}mural/canvas/1", "label": {"none": ["Mural"]}}
    wait_for_js(page, TILES_FETCHED, what="tiles of the level-0 image service", log=page_log)
    page.wait_for_load_state("networkidle")
    path, rgb = screenshot(page, "canvas", as_array=True)

    paths = page_log.paths("/mural/")
    assert "/mural/manifest.json" in paths and "/mural/info.json" in paths
    tiles = [m for p in paths if (m := re.search(TILE, p))]
    assert tiles and all(f"/mural/{m[0].split('/mural/')[1]}" in paths for m in tiles)
    # every tile is one info.json implies: region on the 512 px grid at some scale factor
    factors = set(r.scale_factors)
    for m in tiles:
        x, y, w, h, sw, _ = map(int, m.groups())
        s = -(-w // sw)
        assert s in factors and x % (512 * s) == 0 and y % (512 * s) == 0, m[0]
    # the canvas is drawn: the middle of the window shows the image's waves, not a flat background
    h, w = rgb.shape[:2]
    middle = rgb[h // 3 : 2 * h // 3, w // 3 : 2 * w // 3].astype(np.float64)
    assert middle.std() > 20, path
    page_log.assert_clean(allow_console=lambda text: text.startswith(REACT_REF_NOTICE))
    page_log.assert_local_only()
