"""Issue 13's finish line on real captures, built by ``vtour build`` (not by hand): a 1-gigapixel mural and the
stitched grid of a flat subject open in vtour's tour and in Mirador 4, with their annotations.

- The mural: the Pannellum example photograph (../shared/data/equirect/examplepano.jpg, 4096 x 2048, Jordan Pond)
  enlarged by libvips, streamed, to 46347 x 23173 px = 1.07 gigapixels (a JPEG of about 55 MB). No real
  gigapixel mural is in the shared data; the enlargement keeps its content real and its size the issue's.
- The newspaper: the four overlapping photos of ../shared/data/stitching/newspaper, stitched affine ("scans") and
  turned upright (``zoom: {rotate: 270}``: the photos lie on their side).

Both are ``images:`` of one tour.yaml (regions annotated in English and Chinese, opened from info hotspots) built
with ``--base-url`` set to where the test server publishes it, so the IIIF ids are the real URLs. The tour's
viewer opens the mural at a shared link's full-resolution region (tiles at scale factor 1 come) and the
newspaper from its hotspot, in Chinese, with the annotation reached by keyboard. Mirador opens both manifests
from ``iiif/`` in two windows and lists the annotations in its side bar. No request fails, none leaves the
server.

Screenshots: tests/artifacts/test_*-{mural-en,mural-zh,newspaper-zh,mirador}.png.
"""

from __future__ import annotations

import json
import re

import pytest
from data_paths import ROOT, copy_data
from helpers import axe_violations, frames, open_tour, start_server, wait_for_js

pytestmark = [pytest.mark.browser, pytest.mark.shared_data, pytest.mark.viewport(1000, 700)]

#: The mural's size after enlarging examplepano.jpg (4096 x 2048) by sqrt(1.074e9 / 4096 / 2048).
MURAL_PIXELS = 1.074e9
#: The annotated regions, in full-resolution px of each image.
POND = [20000, 12500, 6000, 2500]
SHORE = [2000, 8000, 5000, 3000]
HEADLINE = [60, 60, 600, 260]
TOUR_YAML = """\
id: real-deepzoom
title: {en: Pond and print, zh: 池塘与报纸}
languages: [en, zh]
scenes:
  - id: shore
    title: {en: Shore, zh: 岸边}
    panorama: equirect/examplepano.jpg
    hotspots:
      - {type: info, yaw: -20, pitch: 0, title: {en: The pond in a gigapixel, zh: 十亿像素的池塘}, image: mural}
      - {type: info, yaw: 25, pitch: 0, title: {en: The newspaper, zh: 报纸}, image: newspaper}
images:
  - id: mural
    title: {en: Jordan Pond, zh: 乔丹池塘}
    description: {en: A photograph enlarged to a gigapixel., zh: 放大到十亿像素的照片。}
    source: mural.jpg
    rights: http://creativecommons.org/licenses/by-sa/3.0/
    metadata: {credit: {en: Matthew Petroff, zh: Matthew Petroff}}
    annotations:
      - {id: pond, region: %(pond)s, title: {en: The pond, zh: 池塘}, text: {en: Still water., zh: 平静的水面。}}
      - {id: shore, region: %(shore)s, title: {en: The shore, zh: 岸边}}
  - id: newspaper
    title: {en: Newspaper, zh: 报纸}
    zoom: {rotate: 270}               # the photos lie on their side: stand the page up
    source: [stitching/newspaper/newspaper1.jpg, stitching/newspaper/newspaper2.jpg,
             stitching/newspaper/newspaper3.jpg, stitching/newspaper/newspaper4.jpg]
    annotations:
      - {id: headline, region: %(headline)s, title: {en: Headline, zh: 标题}, text: {en: The top of the page., zh: 版面顶部。}}
"""
MIRADOR_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Mirador</title>
<style>html, body { margin: 0; width: 100%%; height: 100%%; } #mirador { position: absolute; inset: 0; }</style>
<script src="/node_modules/mirador/dist/mirador.min.js"></script>
</head><body><div id="mirador"></div>
<script>
  window.mirador = Mirador.viewer({
    id: "mirador",
    windows: %(windows)s,
    window: { allowClose: false, sideBarOpen: true, defaultSideBarPanel: "annotations" },
    workspaceControlPanel: { enabled: false },
    osdConfig: { animationTime: 0, immediateRender: true },
  });
</script></body></html>
"""
#: Mirador's store: every window's manifest loaded without error, and every annotation page fetched.
MIRADOR_READY = """(n) => {
  const s = mirador.store.getState(), wins = Object.values(s.windows);
  if (wins.length !== n || !wins.every((w) => s.manifests[w.manifestId]?.json && w.canvasId)) return null;
  const pages = Object.values(s.annotations || {}).flatMap((byPage) => Object.values(byPage));
  return pages.length >= n && pages.every((p) => p.json && !p.error) ? pages.map((p) => p.id).sort() : null;
}"""
#: React 19's deprecation notice, printed by a component inside Mirador 4.0.0's own bundle (not a failure).
REACT_REF_NOTICE = "Accessing element.ref was removed in React 19"
TILE = r"/images/mural/(\d+),(\d+),(\d+),(\d+)/(\d+),(\d+)/0/default\.jpg$"
#: The deep-zoom dialog's OpenSeadragon: its image fully drawn, no animation running.
SETTLED = """(n) => { const d = window.vtour.imageView, o = d && d.osd; const item = o && o.world.getItemAt(0);
  return !!item && item.getFullyLoaded() && Math.abs(o.viewport.getZoom(true) - o.viewport.getZoom(false)) < 1e-9
    && d.buttons.size === n; }"""
BOUNDS = """() => { const o = window.vtour.imageView.osd, item = o.world.getItemAt(0);
  const r = item.viewportToImageRectangle(o.viewport.getBounds(true));
  return [r.x, r.y, r.width, r.height]; }"""


def make_gigapixel(src, out) -> tuple[int, int]:
    """``src`` enlarged to about MURAL_PIXELS px, written as a JPEG by libvips as a stream."""
    import pyvips

    image = pyvips.Image.new_from_file(str(src), access="sequential")
    big = image.resize((MURAL_PIXELS / (image.width * image.height)) ** 0.5, kernel="linear")
    big.jpegsave(str(out), Q=85)
    return big.width, big.height


@pytest.fixture(scope="module")
def real_site(tmp_path_factory):
    """(base URL, built tour folder, tour.json): the tour built with its IIIF ids under the server's URL."""
    from vtour.tour.build import build_tour

    root = tmp_path_factory.mktemp("deepzoom-real")
    src = copy_data(["stitching/newspaper", "equirect/examplepano.jpg"], root / "src")
    size = make_gigapixel(src / "equirect" / "examplepano.jpg", src / "mural.jpg")
    assert size[0] * size[1] > 1e9
    regions = {"pond": json.dumps(POND), "shore": json.dumps(SHORE), "headline": json.dumps(HEADLINE)}
    (src / "tour.yaml").write_text(TOUR_YAML % regions, encoding="utf-8")
    site = root / "site"
    site.mkdir()
    server, base = start_server({"/": site, "/node_modules/": ROOT / "node_modules"})
    try:
        build_tour(src / "tour.yaml", site / "tour", base_url=f"{base}tour", jobs=2)
        doc = json.loads((site / "tour" / "tour.json").read_text(encoding="utf-8"))
        yield base, site, doc
    finally:
        server.shutdown()


def settle(page, log, n) -> None:
    wait_for_js(page, SETTLED, n, what="the deep-zoom image, drawn and still", timeout_s=60, log=log)
    frames(page)


def test_the_gigapixel_mural_opens_at_a_full_resolution_region_of_a_shared_link(real_site, page, page_log, screenshot):
    base, site, doc = real_site
    mural = next(i for i in doc["images"] if i["id"] == "mural")
    assert mural["width"] * mural["height"] > 1e9 and mural["annotations"]
    info = json.loads((site / "tour" / mural["path"] / "info.json").read_text())
    assert info["id"] == f"{base}tour/images/mural" and info["tiles"][0]["scaleFactors"][0] == 1
    # a 900 x 560 px window into the pond annotation, seen at (about) full resolution
    region = [POND[0] + 1000, POND[1] + 800, 900, 560]
    open_tour(page, page_log, f"{base}tour/", "#scene=shore&image=mural&region=" + ",".join(map(str, region)))
    settle(page, page_log, 2)
    x, y, w, h = page.evaluate(BOUNDS)
    assert x <= region[0] + 3 and y <= region[1] + 3 and x + w >= region[0] + region[2] - 3, ((x, y, w, h), region)
    assert w < 2000, "the view is not at (near) full resolution"
    # tiles of scale factor 1 (full resolution: region size == tile size) around the region were fetched
    full = [m for p in page_log.paths("/tour/images/mural/") if (m := re.search(TILE, p)) and m[3] == m[5]]
    assert full, page_log.paths("/tour/images/mural/")[:10]
    for m in full:
        tx, ty, tw, th = map(int, m.groups()[:4])
        assert tx < region[0] + 4 * region[2] and tx + tw > region[0] - 3 * region[2], m[0]
    # the pond's annotation box covers the whole view: it holds the region
    pond = page.get_by_role("button", name="The pond", exact=True)
    box, view = pond.bounding_box(), page.locator(".vtour-image-canvas").bounding_box()
    assert box["x"] <= view["x"] + 1 and box["x"] + box["width"] >= view["x"] + view["width"] - 1, (box, view)
    screenshot(page, "mural-en")
    page.locator(".vtour-image-canvas").focus()
    page.keyboard.press("0")  # the whole image: both annotations are boxes inside it
    settle(page, page_log, 2)
    whole = page.evaluate(BOUNDS)
    assert whole[2] >= mural["width"] - 2 or whole[3] >= mural["height"] - 2
    shore = page.get_by_role("button", name="The shore", exact=True).bounding_box()
    expect = page.evaluate(
        """(r) => { const o = window.vtour.imageView.osd, item = o.world.getItemAt(0);
        const a = item.imageToViewerElementCoordinates(new (window.vtour.imageView.OpenSeadragon.Point)(r[0], r[1]));
        const b = item.imageToViewerElementCoordinates(new (window.vtour.imageView.OpenSeadragon.Point)(r[0] + r[2],
                                                                                                        r[1] + r[3]));
        const c = o.element.getBoundingClientRect();
        return [c.left + a.x, c.top + a.y, b.x - a.x, b.y - a.y]; }""",
        SHORE,
    )
    got = [shore["x"], shore["y"], shore["width"], shore["height"]]
    assert max(abs(g - e) for g, e in zip(got, expect)) < 2.0, (got, expect)
    assert axe_violations(page) == []
    page_log.assert_clean()
    page_log.assert_local_only()


def test_the_stitched_newspaper_opens_from_its_hotspot_in_chinese_with_its_annotation(
    real_site, page, page_log, screenshot
):
    base, site, doc = real_site
    paper = next(i for i in doc["images"] if i["id"] == "newspaper")
    assert paper["height"] > 818 and paper["width"] >= 1000  # four photos of 818 x 1125 px, overlapping, turned
    open_tour(page, page_log, f"{base}tour/", "#scene=shore&lang=zh")
    page.get_by_role("button", name="报纸", exact=True).click()
    page.get_by_role("dialog").wait_for()
    settle(page, page_log, 1)
    assert page.get_by_role("dialog").get_by_role("heading").text_content() == "报纸"
    headline = page.get_by_role("button", name="标题", exact=True)
    headline.focus()
    page.keyboard.press("Enter")
    wait_for_js(page, "() => document.querySelector('.vtour-image-caption')?.textContent.includes('版面顶部')"
                " || [...document.querySelectorAll('*')].some((e) => e.shadowRoot?.querySelector("
                "'.vtour-image-caption')?.textContent.includes('版面顶部'))", what="the annotation's caption",
                log=page_log)
    settle(page, page_log, 1)
    x, y, w, h = page.evaluate(BOUNDS)
    assert x <= HEADLINE[0] + 3 and y <= HEADLINE[1] + 3 and x + w >= sum(HEADLINE[::2]) - 3, (x, y, w, h)
    assert axe_violations(page) == []
    screenshot(page, "newspaper-zh")
    page_log.assert_clean()
    page_log.assert_local_only()


def test_mirador_opens_both_manifests_of_the_tour_with_their_annotations(
    real_site, page, page_log, node_package, screenshot
):
    node_package("mirador")
    base, site, doc = real_site
    collection = json.loads((site / "tour" / "iiif" / "collection.json").read_text(encoding="utf-8"))
    manifests = [m["id"] for m in collection["items"] if m["id"].startswith(f"{base}tour/iiif/images/")]
    assert sorted(manifests) == [f"{base}tour/iiif/images/mural.json", f"{base}tour/iiif/images/newspaper.json"]
    windows = json.dumps([{"manifestId": m, "thumbnailNavigationPosition": "off"} for m in sorted(manifests)])
    (site / "mirador.html").write_text(MIRADOR_PAGE % {"windows": windows}, encoding="utf-8")
    page.goto(f"{base}mirador.html")
    pages = wait_for_js(page, MIRADOR_READY, 2, what="Mirador's two windows and their annotation pages",
                        timeout_s=60, log=page_log)
    assert pages == [f"{base}tour/iiif/images/mural-annotations.json",
                     f"{base}tour/iiif/images/newspaper-annotations.json"]
    # the side bars list the annotations' texts
    for text in ("The pond", "Still water.", "The shore", "Headline"):
        page.get_by_text(text, exact=False).first.wait_for(timeout=30_000)
    # each window draws its image from its level-0 service (a window this small needs only the whole-image level)
    for name in ("mural", "newspaper"):
        wait_for_js(page, "(n) => performance.getEntriesByType('resource').some((e) => e.name.includes(`/tour/images/${n}/`)"
                    " && e.name.endsWith('/0/default.jpg'))", name, what=f"the {name}'s level-0 service images",
                    log=page_log)
        assert f"/tour/images/{name}/info.json" in page_log.paths("/tour/images/")
    page.wait_for_load_state("networkidle")
    screenshot(page, "mirador")
    page_log.assert_clean(allow_console=lambda text: text.startswith(REACT_REF_NOTICE))
    page_log.assert_local_only()
