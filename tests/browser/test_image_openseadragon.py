"""``vtour image`` output opens unchanged in OpenSeadragon (npm) from a plain static server (issue 13).

The pyramid is built with ``--base-url`` set to the server's address, so info.json's absolute ``id``
is where the files are; OpenSeadragon is given the info.json URL and nothing else. Zoomed to twice
the source's resolution (vtour's ``max_zoom``), it must fetch full-resolution tiles, and every
request must be answered.
"""

from __future__ import annotations

import re

import pytest
from helpers import wait_for_js
from test_image_build import smooth_image

from vtour.image import ImageOptions, build_image
from vtour.images import write_image

pytestmark = [pytest.mark.browser, pytest.mark.viewport(800, 600)]

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>deep zoom</title>
<style>html, body, #osd { margin: 0; width: 100%; height: 100%; background: #000; }</style>
<script src="/node_modules/openseadragon/build/openseadragon/openseadragon.min.js"></script>
</head><body><div id="osd"></div>
<script>
  window.viewer = OpenSeadragon({
    id: "osd",
    prefixUrl: "/node_modules/openseadragon/build/openseadragon/images/",
    tileSources: "mural/info.json",
    maxZoomPixelRatio: 2,
    animationTime: 0,
    immediateRender: true,
  });
  viewer.addHandler("open", () => { window.opened = true; });
  viewer.addHandler("open-failed", (e) => { window.openFailed = e.message; });
</script></body></html>
"""
LOADED = "() => window.opened && viewer.world.getItemAt(0).getFullyLoaded()"


def test_openseadragon_zooms_to_full_resolution_with_no_failed_request(
    page, page_log, serve, node_package, tmp_path, screenshot
):
    node_package("openseadragon")
    from data_paths import ROOT

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(PAGE, encoding="utf-8")
    base = serve({"/": site, "/node_modules/": ROOT / "node_modules"})
    write_image(tmp_path / "mural.png", smooth_image(2000, 3000))
    r = build_image([tmp_path / "mural.png"], site / "mural", ImageOptions(base_url=base))
    assert r.info["id"] == f"{base}mural" and r.scale_factors == (1, 2, 4, 8)

    page.goto(f"{base}index.html")
    wait_for_js(page, LOADED, what="OpenSeadragon's first view", log=page_log)
    assert page.evaluate("window.openFailed") is None
    page.evaluate("viewer.viewport.zoomTo(viewer.viewport.imageToViewportZoom(2), null, true)")
    page.evaluate("viewer.viewport.panTo(viewer.viewport.imageToViewportCoordinates(1700, 1100), true)")
    wait_for_js(page, LOADED, what="the full-resolution view", log=page_log)
    zoom = page.evaluate("viewer.viewport.viewportToImageZoom(viewer.viewport.getZoom())")
    assert zoom == pytest.approx(2.0, rel=1e-3)  # max_zoom 2 is reachable, and no further
    page.evaluate("viewer.viewport.zoomTo(viewer.viewport.imageToViewportZoom(8), null, true).applyConstraints(true)")
    assert page.evaluate("viewer.viewport.viewportToImageZoom(viewer.viewport.getZoom())") <= 2.0 + 1e-6
    wait_for_js(page, LOADED, what="the clamped view", log=page_log)
    screenshot(page, "full-resolution")

    tiles = page_log.paths("/mural/")
    full_res = [p for p in tiles if (m := re.search(r"/(\d+),(\d+),(\d+),(\d+)/(\d+),(\d+)/0/", p)) and m[3] == m[5]]
    # the tile under the centre of the view at full resolution: region 1536,1024 in 512 px tiles
    assert "/mural/1536,1024,512,512/512,512/0/default.jpg" in full_res
    page_log.assert_clean()
    page_log.assert_local_only()
