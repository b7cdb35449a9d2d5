"""vtour's viewer vs Marzipano (npm, set up as the Marzipano Tool's export: data.js, pinFirstLevel) on the
same tiles of the real examplepano.jpg, headless Chromium, one run. Prints bytes downloaded (response
bodies), time to the first view (preview painted) and to the sharp view (every visible tile of the
selected level drawn), their ratios, the JavaScript each page downloaded (bytes, and gzip -9 of the same
files: what a server with compression would send), and the bundles' sizes.

    python benchmarks/bench_viewer.py [--runs 3]

First view: the first frame drawn with the preview on screen (for Marzipano, the first renderComplete
after a texture loaded: its earlier frames are empty). Both pages are served by the same local server,
uncompressed (like python -m http.server), no cache: each run is a first visit. vtour's page is vtour.site's
index.html as written (its preloads included); its model bundle (three.js) is not fetched because no model is
opened.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import tempfile
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARZIPANO_JS = ROOT / "node_modules" / "marzipano" / "dist" / "marzipano.js"
sys.path[:0] = [str(ROOT / "tests" / "browser"), str(ROOT / "tests")]

import helpers  # noqa: E402  (the browser harness: server, Chromium flags)

from vtour.conventions import to_marzipano_view  # noqa: E402

VIEW = {"yaw": 30.0, "pitch": 5.0, "fov": 75.0}
W, H = 800, 600

MARZIPANO = """<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<style>html,body,#pano{margin:0;width:100%;height:100%;background:#000}</style></head><body><div id="pano"></div>
<script src="/node_modules/marzipano/dist/marzipano.js"></script><script src="data.js"></script>
<script>
window.bench = {firstView: null, sharp: null};
const d = APP_DATA.scenes[0];
const viewer = new Marzipano.Viewer(document.getElementById("pano"));
const source = Marzipano.ImageUrlSource.fromString("tiles/" + d.id + "/{z}/{f}/{y}/{x}.jpg",
  {cubeMapPreviewUrl: "tiles/" + d.id + "/preview.jpg"});
const geometry = new Marzipano.CubeGeometry(d.levels);
const limiter = Marzipano.RectilinearView.limit.traditional(d.faceSize, 100 * Math.PI / 180, 120 * Math.PI / 180);
const view = new Marzipano.RectilinearView(d.initialViewParameters, limiter);
const scene = viewer.createScene({source, geometry, view, pinFirstLevel: true});
// Marzipano's first frames are empty (black): they come before preview.jpg is even requested. Its
// first view is the first frame drawn after a texture (the preview, its fallback level) is uploaded,
// as vtour's is the first frame after its preview texture is.
let textured = false;
scene.layer().textureStore().addEventListener("textureLoad", () => { textured = true; });
viewer.stage().addEventListener("renderComplete", (stable) => {
  const t = performance.now();
  if (textured && window.bench.firstView === null) window.bench.firstView = t;
  if (stable && window.bench.sharp === null) window.bench.sharp = t;
});
scene.switchTo({transitionDuration: 0});
</script></body></html>"""


def build(tmp: Path) -> tuple[Path, Path]:
    from vtour.pano import PanoOptions, build_pano
    from vtour.site import write_site
    from vtour.tour.assemble import panorama_block

    src = ROOT.parent / "shared" / "data" / "equirect" / "examplepano.jpg"
    tour = tmp / "tour"
    pano = build_pano([src], tour / "scenes" / "main", PanoOptions(tile_size=512))
    m = pano.manifest
    doc = {"format": "vtour-tour", "version": 1, "id": "bench", "title": {"en": "Bench"}, "languages": ["en"],
           "start": "main", "scenes": [{"id": "main", "title": {"en": "Main"}, "view": VIEW, "hotspots": [],
           "panorama": panorama_block("main", m)}]}
    (tour / "tour.json").write_text(json.dumps(doc))
    write_site(tour)
    mz = tmp / "marzipano"
    (mz / "tiles").mkdir(parents=True)
    (mz / "tiles" / "main").symlink_to(tour / "scenes" / "main")
    data = {"scenes": [{"id": "main", "name": "Main", "levels": m["marzipano"]["levels"], "faceSize": m["faceSize"],
                        "initialViewParameters": to_marzipano_view(**VIEW), "linkHotspots": [], "infoHotspots": []}],
            "name": "Bench", "settings": {"mouseViewMode": "drag", "autorotateEnabled": False}}
    (mz / "data.js").write_text("var APP_DATA = " + json.dumps(data) + ";\n")
    (mz / "index.html").write_text(MARZIPANO)
    return tour, mz


def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 9))


def measure(browser, url: str, ready_js: str, timing_js: str, files: dict[str, Path]) -> dict:
    """One first visit. ``files`` maps URL paths to the files served there (for the JavaScript's gzip size)."""
    ctx = browser.new_context(viewport={"width": W, "height": H}, device_scale_factor=1)
    page = ctx.new_page()
    sizes, js, js_gz = [], [0], [0]

    def finished(r):
        size = r.sizes()["responseBodySize"]
        sizes.append(size)
        path = urllib.parse.urlsplit(r.url).path
        if path.endswith(".js"):
            js[0] += size
            js_gz[0] += gzip_size(files[path])

    page.on("requestfinished", finished)
    page.goto(url)
    page.wait_for_function(ready_js, timeout=60_000, polling=20)
    page.wait_for_timeout(300)  # late requests (Marzipano keeps loading the pinned level) count too
    t = page.evaluate(timing_js)
    ctx.close()
    return {"bytes": sum(sizes), "requests": len(sizes), "js": js[0], "jsGzip": js_gz[0], **t}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=9)  # SwiftShader timings swing by +-100 ms
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    from vtour.site import MODEL_BUNDLE, bundle_path

    with tempfile.TemporaryDirectory() as tmp:
        tour, mz = build(Path(tmp))
        server, base = helpers.start_server({"/vtour": tour, "/marzipano": mz, "/node_modules": ROOT / "node_modules"})
        results = {"vtour": [], "marzipano": []}
        files = {"/vtour/viewer/vtour-viewer.js": tour / "viewer" / "vtour-viewer.js",
                 "/vtour/viewer/vtour-model.js": tour / "viewer" / "vtour-model.js",
                 "/marzipano/data.js": mz / "data.js",
                 "/node_modules/marzipano/dist/marzipano.js": MARZIPANO_JS}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(helpers.CHROMIUM), headless=True,
                                         args=helpers.CHROMIUM_ARGS)
            pages = {
                "vtour": (base + "vtour/index.html", "() => window.vtour && window.vtour.timing.sharp",
                          "() => ({firstView: window.vtour.timing.firstView, sharp: window.vtour.timing.sharp})"),
                "marzipano": (base + "marzipano/index.html", "() => window.bench.sharp",
                              "() => ({firstView: window.bench.firstView, sharp: window.bench.sharp})"),
            }
            # one discarded visit of each first: the browser's first page pays for starting its GPU
            # process (about 0.5 s here), which would fall on whichever viewer went first
            for url, ready, timing in pages.values():
                measure(browser, url, ready, timing, files)
            for i in range(args.runs):
                order = list(pages) if i % 2 == 0 else list(pages)[::-1]  # neither always goes first
                for name in order:
                    results[name].append(measure(browser, *pages[name], files))
            browser.close()
        server.shutdown()
    measured = ("bytes", "requests", "firstView", "sharp", "js", "jsGzip")
    med = {k: {m: statistics.median(r[m] for r in v) for m in measured} for k, v in results.items()}
    bundle, model = bundle_path().read_bytes(), bundle_path(MODEL_BUNDLE).read_bytes()
    mzjs = MARZIPANO_JS.read_bytes()
    print(f"examplepano.jpg, view yaw {VIEW['yaw']} pitch {VIEW['pitch']} fov {VIEW['fov']}, {W}x{H}, "
          f"median of {args.runs} runs after one warm-up each, headless Chromium (SwiftShader), "
          "uncompressed local HTTP")
    print(f"{'viewer':<10} {'bytes':>10} {'requests':>9} {'first view ms':>14} {'sharp ms':>10} {'JS bytes':>9} "
          f"{'JS gzip':>8} {'bytes, JS gzipped':>18}")
    for k in ("vtour", "marzipano"):
        r = med[k]
        print(f"{k:<10} {r['bytes']:>10.0f} {r['requests']:>9.0f} {r['firstView']:>14.0f} {r['sharp']:>10.0f} "
              f"{r['js']:>9.0f} {r['jsGzip']:>8.0f} {r['bytes'] - r['js'] + r['jsGzip']:>18.0f}")
    v, m = med["vtour"], med["marzipano"]
    print(f"ratio vtour/marzipano: bytes {v['bytes'] / m['bytes']:.2f}, "
          f"first view {v['firstView'] / m['firstView']:.2f}, sharp {v['sharp'] / m['sharp']:.2f}")
    print(f"bundle vtour-viewer.js: {len(bundle)} bytes, {len(gzip.compress(bundle, 9))} gzipped; "
          f"marzipano.js: {len(mzjs)} bytes, {len(gzip.compress(mzjs, 9))} gzipped; "
          f"vtour-model.js (three.js, fetched only when a model opens): {len(model)} bytes, "
          f"{len(gzip.compress(model, 9))} gzipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
