"""vtour's model inspector vs Google's <model-viewer> (npm ``@google/model-viewer``, which decodes
meshopt) on the same 2 M-triangle scan, headless Chromium, side by side in one run. Prints, for each, the
time to the first frame of the model and to full detail, and the bytes downloaded by then, and the ratios.

    python benchmarks/bench_inspector.py [--runs 3] [--triangles 2000000]

The scan is a bumpy textured sphere made in code (``vtour.model.synthetic``), 2 M triangles with a
2048 px texture, built by ``vtour build`` into levels of 20 k, 150 k, 500 k and the full 2 M triangles.

- vtour: the static site opened at ``index.html#model=<id>`` (the inspector opened by URL as a visitor's
  link does: first frame with the coarsest level, full detail = the level the view needs drawn,
  ``inspector.timing.fullDetail``) and at ``#model=<id>&finest=1`` (a conservator's link: the finest level
  fetched beside the coarsest; full detail = the finest, 2 M triangles, drawn: ``timing.finest``). The page
  also loads the tour's panorama behind the dialog.
- model-viewer: a page with ``<model-viewer src="<the same finest .glb>">``. It has no levels of detail,
  so its first frame of the model is its full detail: the ``load`` event, then one animation frame.

Times are ms from navigation start (performance.now() in each page). Bytes are response bodies
(Resource Timing ``encodedBodySize``, same origin) up to that moment, the page itself included. Both pages
come from the same local server, uncompressed, no cache: each run is a first visit. SwiftShader renders
(no GPU), so frame times are slow for both; the ratio is what matters.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL_VIEWER = ROOT / "node_modules" / "@google" / "model-viewer" / "dist" / "model-viewer.min.js"
# a classic script that defines the global MeshoptDecoder, which model-viewer loads by URL
MESHOPT_DECODER = ROOT / "node_modules" / "meshoptimizer" / "meshopt_decoder.cjs"
sys.path[:0] = [str(ROOT / "tests" / "browser"), str(ROOT / "tests"), str(ROOT)]

import helpers  # noqa: E402  (the browser harness: server, Chromium flags)

W, H = 1000, 700
LEVELS = ["20000:512", "150000:2048", "500000:2048"]

MODEL_VIEWER_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>model-viewer</title>
<style>html,body{margin:0;height:100%;background:#202020}model-viewer{width:100%;height:100%}</style>
<script type="module" src="/node_modules/@google/model-viewer/dist/model-viewer.min.js"></script></head>
<body><script type="module">
customElements.whenDefined("model-viewer").then(() => {
  // offline: the decoder from npm (meshoptimizer), not model-viewer's default CDN URL
  customElements.get("model-viewer").meshoptDecoderLocation = "/mv/meshopt_decoder.js";
});
</script><model-viewer id="mv" src="GLB" camera-controls alt="the scan"></model-viewer>
<script>
window.bench = {firstFrame: null, fullDetail: null};
document.getElementById("mv").addEventListener("load", () => {
  requestAnimationFrame(() => {
    const t = performance.now();
    window.bench.firstFrame = t;
    window.bench.fullDetail = t;
  });
});
</script></body></html>"""

BYTES_UNTIL = """(t) => {
  const nav = performance.getEntriesByType("navigation")[0];
  let sum = nav ? nav.encodedBodySize : 0;
  for (const e of performance.getEntriesByType("resource")) if (e.responseEnd <= t) sum += e.encodedBodySize;
  return sum;
}"""


def make_tour(tmp: Path, triangles: int) -> tuple[Path, str]:
    """A tour.yaml with one small scene and the scan; returns (tour.yaml, the model id)."""
    import yaml
    from tour_helpers import equirect

    from vtour.model.clean import clean_mesh
    from vtour.model.obj import write_obj
    from vtour.model.synthetic import checker_texture, uv_sphere

    cols = round((triangles / 2) ** 0.5)
    rows = triangles // (2 * cols) + 1
    mesh, _ = clean_mesh(uv_sphere(rows, cols, bumps=0.08, texture=checker_texture(2048, 16)))
    write_obj(mesh, tmp / "models" / "scan.obj")
    equirect(tmp / "panoramas" / "hall.png", 0, size=(1024, 512))
    data = {
        "id": "bench",
        "title": {"en": "Bench"},
        "languages": ["en"],
        "scenes": [
            {
                "id": "hall",
                "panorama": "panoramas/hall.png",
                "hotspots": [{"type": "model", "yaw": 0, "pitch": 0, "target": "scan"}],
            }
        ],
        "models": [
            {
                "id": "scan",
                "source": "models/scan.obj",
                "units": "m",
                "lod": {
                    "levels": [lv for lv in LEVELS if int(lv.split(":")[0]) < mesh.triangle_count]
                    + [f"{mesh.triangle_count}:2048"]
                },
            }
        ],
    }
    path = tmp / "tour.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path, "scan"


def run_vtour(browser, base: str, model_id: str, finest: bool) -> dict:
    """The inspector opened by URL. ``finest``: the deep link asks for the finest level (``finest=1``),
    which is then fetched beside the coarsest; full detail is when it is drawn. Otherwise the visitor's
    open: the coarsest level first, then the level the view needs (``timing.fullDetail``)."""
    page = browser.new_page(viewport={"width": W, "height": H})
    key = "finest" if finest else "fullDetail"
    try:
        page.goto(f"{base}tour/index.html#model={model_id}" + ("&finest=1" if finest else ""))
        timing = page.wait_for_function(
            f"""() => {{ const v = document.querySelector('.vtour-root')?.vtourViewer;
                       const t = v?.inspector?.timing; return t && t.{key} ? t : null; }}""",
            timeout=600_000,
        ).json_value()
        out = {"firstFrame": timing["firstFrame"], "fullDetail": timing[key]}
        for k in ("firstFrame", "fullDetail"):
            out[f"{k}Bytes"] = page.evaluate(BYTES_UNTIL, out[k])
        state = page.evaluate("() => document.querySelector('.vtour-root').vtourViewer.inspector.state()")
        out["triangles"] = state.get("triangles")
        return out
    finally:
        page.close()


def run_model_viewer(browser, base: str) -> dict:
    page = browser.new_page(viewport={"width": W, "height": H})
    try:
        page.goto(f"{base}mv/index.html")
        page.wait_for_function("() => window.bench && window.bench.fullDetail", timeout=600_000)
        out = page.evaluate("() => window.bench")
        for key in ("firstFrame", "fullDetail"):
            out[f"{key}Bytes"] = page.evaluate(BYTES_UNTIL, out[key])
        return out
    finally:
        page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--triangles", type=int, default=2_000_000)
    args = parser.parse_args()
    for needed in (MODEL_VIEWER, MESHOPT_DECODER):
        if not needed.is_file():
            sys.exit(f"{needed} is missing: run `npm ci` (or `make setup`)")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        tour_yaml, model_id = make_tour(tmp / "src", args.triangles)
        site = tmp / "tour"
        subprocess.run([sys.executable, "-m", "vtour", "build", str(tour_yaml), "-o", str(site)], check=True)
        doc = json.loads((site / "tour.json").read_text())
        finest = doc["models"][0]["lods"][-1]
        (tmp / "mv").mkdir()
        shutil.copyfile(MESHOPT_DECODER, tmp / "mv" / "meshopt_decoder.js")
        (tmp / "mv" / "index.html").write_text(MODEL_VIEWER_PAGE.replace("GLB", f"/tour/{finest['path']}"))
        print(f"scan: {finest['triangles']:,} triangles in its finest level, {finest['bytes']:,} bytes (.glb, meshopt)")
        server, base = helpers.start_server({"/": tmp, "/node_modules/": ROOT / "node_modules"})
        try:
            results: dict[str, list[dict]] = {"vtour": [], "vtour finest=1": [], "model-viewer": []}
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=helpers.CHROMIUM, args=helpers.CHROMIUM_ARGS)
                for _ in range(args.runs):  # interleaved, so drift affects both alike
                    results["vtour"].append(run_vtour(browser, base, model_id, finest=False))
                    results["vtour finest=1"].append(run_vtour(browser, base, model_id, finest=True))
                    results["model-viewer"].append(run_model_viewer(browser, base))
                browser.close()
        finally:
            server.shutdown()
    med = {
        name: {k: statistics.median(r[k] for r in runs) for k in runs[0] if isinstance(runs[0][k], (int, float))}
        for name, runs in results.items()
    }
    print(f"\nmedian of {args.runs} runs, {W}x{H}, headless Chromium (SwiftShader)")
    print(f"{'':16}{'first frame ms':>16}{'bytes':>14}{'full detail ms':>16}{'bytes':>14}")
    for name, m in med.items():
        print(
            f"{name:16}{m['firstFrame']:16.0f}{m['firstFrameBytes']:14,.0f}{m['fullDetail']:16.0f}{m['fullDetailBytes']:14,.0f}"
        )
    p = med["model-viewer"]
    for name in ("vtour", "vtour finest=1"):
        v = med[name]
        r = {k: v[k] / p[k] for k in ("firstFrame", "firstFrameBytes", "fullDetail", "fullDetailBytes")}
        print(
            f"{name} / model-viewer: first frame {r['firstFrame']:.2f}x time, {r['firstFrameBytes']:.2f}x bytes; "
            f"full detail {r['fullDetail']:.2f}x time, {r['fullDetailBytes']:.2f}x bytes "
            f"({v.get('triangles', 0):,.0f} triangles)"
        )


if __name__ == "__main__":
    main()
