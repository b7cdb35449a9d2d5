"""vtour's viewer vs Marzipano (npm, set up as the Marzipano Tool's export: data.js, pinFirstLevel) on the
same tiles of the real examplepano.jpg, headless Chromium, one run. Prints bytes downloaded (response
bodies), time to the first view (preview painted) and to the sharp view (every visible tile of the
selected level drawn), their ratios, the JavaScript each page downloaded (bytes, and gzip -9 of the same
files: what a server with compression would send), and the bundles' sizes.

vtour's viewer is measured once per tile format (``--formats``, default every one of
vtour.pano.codec.TILE_FORMATS, each at its default quality: the SSIM of JPEG q85); Marzipano always reads the
JPEG tiles (its export's, vtour.tour.peers). The first view's bytes are split into JavaScript, tiles (the
preview strip included) and the rest (HTML, CSS, JSON), and each total is compared with Marzipano's tiles + JS
(the goal of issue 15: at least 35 % fewer).

    python benchmarks/bench_viewer.py [--runs 3] [--formats jpeg,webp]

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
import re
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


#: What a response is, from its URL path: a tile or the preview strip, JavaScript, or anything else.
TILE_PATH = re.compile(r"/(\d+/[bdflru]/\d+/\d+\.\w+|preview\.\w+)$")


def kind(path: str) -> str:
    return "js" if path.endswith(".js") else "tiles" if TILE_PATH.search(path) else "other"


def build_tour(tmp: Path, fmt: str) -> tuple[Path, dict]:
    """A one-scene vtour site of examplepano.jpg with ``fmt`` tiles: (folder, its pano.json)."""
    from vtour.pano import PanoOptions, build_pano
    from vtour.site import write_site
    from vtour.tour.assemble import panorama_block

    src = ROOT.parent / "shared" / "data" / "equirect" / "examplepano.jpg"
    tour = tmp / f"tour-{fmt}"
    m = build_pano([src], tour / "scenes" / "main", PanoOptions(tile_size=512, tile_format=fmt)).manifest
    doc = {"format": "vtour-tour", "version": 1, "id": "bench", "title": {"en": "Bench"}, "languages": ["en"],
           "start": "main", "scenes": [{"id": "main", "title": {"en": "Main"}, "view": VIEW, "hotspots": [],
           "panorama": panorama_block("main", m)}]}
    (tour / "tour.json").write_text(json.dumps(doc))
    write_site(tour)
    return tour, m


def build_marzipano(tmp: Path, tour: Path, m: dict) -> Path:
    """Marzipano's page over the JPEG tiles of ``tour``."""
    mz = tmp / "marzipano"
    (mz / "tiles").mkdir(parents=True)
    (mz / "tiles" / "main").symlink_to(tour / "scenes" / "main")
    data = {"scenes": [{"id": "main", "name": "Main", "levels": m["marzipano"]["levels"], "faceSize": m["faceSize"],
                        "initialViewParameters": to_marzipano_view(**VIEW), "linkHotspots": [], "infoHotspots": []}],
            "name": "Bench", "settings": {"mouseViewMode": "drag", "autorotateEnabled": False}}
    (mz / "data.js").write_text("var APP_DATA = " + json.dumps(data) + ";\n")
    (mz / "index.html").write_text(MARZIPANO)
    return mz


def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 9))


def measure(browser, url: str, ready_js: str, timing_js: str, files: dict[str, Path]) -> dict:
    """One first visit. ``files`` maps URL paths to the files served there (for the JavaScript's gzip size)."""
    ctx = browser.new_context(viewport={"width": W, "height": H}, device_scale_factor=1)
    page = ctx.new_page()
    sizes, js, js_gz = [], [0], [0]
    split = {"tiles": 0, "other": 0}

    def finished(r):
        size = r.sizes()["responseBodySize"]
        sizes.append(size)
        path = urllib.parse.urlsplit(r.url).path
        if path.endswith(".js"):
            js[0] += size
            js_gz[0] += gzip_size(files[path])
        else:
            split[kind(path)] += size

    page.on("requestfinished", finished)
    page.goto(url)
    page.wait_for_function(ready_js, timeout=60_000, polling=20)
    page.wait_for_timeout(300)  # late requests (Marzipano keeps loading the pinned level) count too
    t = page.evaluate(timing_js)
    ctx.close()
    return {"bytes": sum(sizes), "requests": len(sizes), "js": js[0], "jsGzip": js_gz[0], **split, **t}


def main() -> int:
    from vtour.pano.codec import TILE_FORMATS

    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=9)  # SwiftShader timings swing by +-100 ms
    ap.add_argument("--formats", default=",".join(TILE_FORMATS), help="vtour tile formats, comma-separated")
    args = ap.parse_args()
    formats = args.formats.split(",")
    from playwright.sync_api import sync_playwright

    from vtour.site import MODEL_BUNDLE, bundle_path

    with tempfile.TemporaryDirectory() as tmp:
        tours = {fmt: build_tour(Path(tmp), fmt) for fmt in dict.fromkeys(["jpeg", *formats])}
        mz = build_marzipano(Path(tmp), *tours["jpeg"])
        mounts = {f"/vtour-{fmt}": tour for fmt, (tour, _) in tours.items()}
        server, base = helpers.start_server({**mounts, "/marzipano": mz, "/node_modules": ROOT / "node_modules"})
        files = {"/marzipano/data.js": mz / "data.js", "/node_modules/marzipano/dist/marzipano.js": MARZIPANO_JS}
        for fmt, (tour, _) in tours.items():
            for name in ("vtour-viewer.js", "vtour-model.js"):
                files[f"/vtour-{fmt}/viewer/{name}"] = tour / "viewer" / name
        pages = {
            f"vtour {fmt}": (base + f"vtour-{fmt}/index.html", "() => window.vtour && window.vtour.timing.sharp",
                             "() => ({firstView: window.vtour.timing.firstView, sharp: window.vtour.timing.sharp})")
            for fmt in formats
        }
        pages["marzipano"] = (base + "marzipano/index.html", "() => window.bench.sharp",
                              "() => ({firstView: window.bench.firstView, sharp: window.bench.sharp})")
        results: dict[str, list[dict]] = {name: [] for name in pages}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(helpers.CHROMIUM), headless=True,
                                         args=helpers.CHROMIUM_ARGS)
            # one discarded visit of each first: the browser's first page pays for starting its GPU
            # process (about 0.5 s here), which would fall on whichever viewer went first
            for url, ready, timing in pages.values():
                measure(browser, url, ready, timing, files)
            for i in range(args.runs):
                order = list(pages) if i % 2 == 0 else list(pages)[::-1]  # none always goes first
                for name in order:
                    results[name].append(measure(browser, *pages[name], files))
            browser.close()
        server.shutdown()
    measured = ("bytes", "requests", "firstView", "sharp", "js", "jsGzip", "tiles", "other")
    med = {k: {m: statistics.median(r[m] for r in v) for m in measured} for k, v in results.items()}
    bundle, model = bundle_path().read_bytes(), bundle_path(MODEL_BUNDLE).read_bytes()
    mzjs = MARZIPANO_JS.read_bytes()
    print(f"examplepano.jpg, view yaw {VIEW['yaw']} pitch {VIEW['pitch']} fov {VIEW['fov']}, {W}x{H}, "
          f"median of {args.runs} runs after one warm-up each, headless Chromium (SwiftShader), "
          "uncompressed local HTTP; Marzipano on the JPEG tiles")
    print(f"{'viewer':<12} {'bytes':>9} {'JS':>8} {'tiles':>8} {'other':>7} {'requests':>9} {'first view ms':>14} "
          f"{'sharp ms':>9} {'JS gzip':>8} {'bytes, JS gz':>13} {'vs marzipano':>13}")
    m = med["marzipano"]
    for k, r in med.items():
        print(f"{k:<12} {r['bytes']:>9.0f} {r['js']:>8.0f} {r['tiles']:>8.0f} {r['other']:>7.0f} "
              f"{r['requests']:>9.0f} {r['firstView']:>14.0f} {r['sharp']:>9.0f} {r['jsGzip']:>8.0f} "
              f"{r['bytes'] - r['js'] + r['jsGzip']:>13.0f} {r['bytes'] / m['bytes']:>13.2f}")
    for k, v in med.items():
        if k != "marzipano":
            print(f"ratio {k}/marzipano: bytes {v['bytes'] / m['bytes']:.2f} "
                  f"({100 * (1 - v['bytes'] / m['bytes']):.0f} % fewer; goal >= 35 %), "
                  f"tiles {v['tiles'] / m['tiles']:.2f}, JS {v['js'] / m['js']:.2f}, "
                  f"first view {v['firstView'] / m['firstView']:.2f}, sharp {v['sharp'] / m['sharp']:.2f}")
    print(f"bundle vtour-viewer.js: {len(bundle)} bytes, {len(gzip.compress(bundle, 9))} gzipped; "
          f"marzipano.js: {len(mzjs)} bytes, {len(gzip.compress(mzjs, 9))} gzipped; "
          f"vtour-model.js (three.js, fetched only when a model opens): {len(model)} bytes, "
          f"{len(gzip.compress(model, 9))} gzipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
