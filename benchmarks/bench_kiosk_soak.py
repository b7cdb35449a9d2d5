"""Soak test of the visitor-centre kiosk: a kiosk package of the sample grotto, started by its own launcher
(launch.py, which starts and watches headless Chromium), left in its attract loop for ``--minutes`` (default 30),
with a visitor now and then; Marzipano's export of the same tour runs beside it in a second headless Chromium,
autorotating and changing scene on the same beat. One run, both side by side.

    python benchmarks/bench_kiosk_soak.py [--minutes 30] [--sample-seconds 60] [--out DIR] [--tiny]

Every ``--sample-seconds`` it records, for vtour's kiosk page: the JavaScript heap in use after a forced
garbage collection (CDP HeapProfiler.collectGarbage, then Runtime.getHeapUsage), DOM nodes and JS event
listeners (Performance.getMetrics), the viewer's live WebGL textures (``stats().textures``); the launcher's
resident memory (VmRSS) and the sum over the browser's processes; for Marzipano: its heap, nodes and listeners,
and its browser's resident memory the same way.
At the end it prints start, end and peak of each, the growth from the first sample, the slope over the second
half (per 10 minutes, least squares) and the ratio of vtour's heap to Marzipano's. Console errors and uncaught
page errors of both pages are counted and printed. The kiosk's visit log (the launcher's
events-YYYY-MM-DD.jsonl) is copied to DIR with ``vtour stats``' table and HTML report of it.

A "visitor" (every ``--visit-minutes``, default 3): taps to leave the attract loop, follows two link hotspots,
switches language, opens the statue and closes it, then walks away; the kiosk's countdown and attract loop
take over. Kiosk times are short for a soak (idle 20 s, countdown 5 s, 15 s a scene) so that the loop turns
often. Nothing grows without bound if each metric's second-half slope is about zero.

Before the first sample, ``--warmup-visits`` (default 10) visitors come one after the other (each sent back to
attract at once): V8 gives a function a feedback vector, then baseline and optimised code, only after it has
run some number of times, so the viewer's and the model bundle's code that a visit runs once or twice keeps
adding ~0.2 MB of code and feedback to the heap per visitor for the first ~9 visitors, then levels off (about
5.4 MB after GC with the tiny sample). Without the warm-up that tier-up reads as a slope in a 30-minute soak.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "browser"), str(ROOT / "tests")]

import helpers  # noqa: E402  (the browser harness: server, Chromium flags)

W, H = 1280, 800
PIN = "2468"

MARZIPANO = """<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<style>html,body,#pano{margin:0;width:100%;height:100%;background:#000}</style></head><body><div id="pano"></div>
<script src="/node_modules/marzipano/dist/marzipano.js"></script><script src="marzipano/data.js"></script>
<script>
// the Marzipano Tool's export in its autorotate mode, changing scene every SECONDS s (an attract loop)
const viewer = new Marzipano.Viewer(document.getElementById("pano"));
const scenes = APP_DATA.scenes.map((d) => {
  // data.js's own tile and preview paths (tour-relative JPEG copies: vtour.tour.peers)
  const source = Marzipano.ImageUrlSource.fromString(d.tiles, {cubeMapPreviewUrl: d.preview});
  const geometry = new Marzipano.CubeGeometry(d.levels);
  const limiter = Marzipano.RectilinearView.limit.traditional(d.faceSize, 100 * Math.PI / 180, 120 * Math.PI / 180);
  const view = new Marzipano.RectilinearView(d.initialViewParameters, limiter);
  return viewer.createScene({source, geometry, view, pinFirstLevel: true});
});
const autorotate = Marzipano.autorotate({yawSpeed: 0.05, targetPitch: 0, targetFov: Math.PI / 2});
let i = 0;
const show = () => {
  scenes[i].switchTo({transitionDuration: 1000});
  viewer.startMovement(autorotate);
  i = (i + 1) % scenes.length;
};
show();
setInterval(show, SECONDS * 1000);
window.bench = {scenes: scenes.length};
</script></body></html>"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    m = re.search(r"VmRSS:\s+(\d+)", text)
    return int(m.group(1)) if m else 0


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int(re.search(r"PPid:\s+(\d+)", (d / "status").read_text()).group(1))  # type: ignore[union-attr]
            except (OSError, AttributeError):
                continue
            children.setdefault(ppid, []).append(int(d.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for c in children.get(p, []):
            out.append(c)
            todo.append(c)
    return out


PEER_MARK = "--vtour-soak-peer"  # an unknown switch Chromium ignores: finds the peer's browser process


def peer_browser_kb() -> int:
    """Resident memory of Marzipano's browser: its main process (the one started with PEER_MARK) and
    every process below it."""
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                argv = (d / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if PEER_MARK.encode() in argv:
                pid = int(d.name)
                return rss_kb(pid) + sum(rss_kb(c) for c in descendants(pid))
    return 0


def build(tmp: Path, tiny: bool) -> tuple[Path, Path]:
    """The sample grotto written, built and packed as a kiosk; returns (unpacked package, built tour)."""
    from vtour.sample import DEFAULT_SAMPLE_OPTIONS, TINY_SAMPLE_OPTIONS, write_sample
    from vtour.tour.build import build_tour

    src = tmp / "sample"
    write_sample(src, TINY_SAMPLE_OPTIONS if tiny else DEFAULT_SAMPLE_OPTIONS, overwrite=True)
    tour = build_tour(src / "tour.yaml", tmp / "tour", jobs=1).out_dir
    zip_path = tmp / "kiosk.zip"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "vtour",
            "package",
            str(tour),
            "-o",
            str(zip_path),
            "--kiosk",
            "--pin",
            PIN,
            "--idle",
            "20",
            "--countdown",
            "5",
            "--attract-seconds",
            "15",
        ],
        check=True,
    )
    pkg = tmp / "package"
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(pkg)
    return pkg, tour


def slope_per_10min(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope of the second half of (seconds, value), per 10 minutes."""
    half = samples[len(samples) // 2 :]
    if len(half) < 2:
        return 0.0
    n = len(half)
    mx = sum(t for t, _ in half) / n
    my = sum(v for _, v in half) / n
    den = sum((t - mx) ** 2 for t, _ in half)
    return 0.0 if den == 0 else sum((t - mx) * (v - my) for t, v in half) / den * 600


def heap(cdp) -> dict:
    cdp.send("HeapProfiler.collectGarbage")
    used = cdp.send("Runtime.getHeapUsage")["usedSize"]
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {"heap_MB": used / 1e6, "nodes": metrics.get("Nodes", 0), "listeners": metrics.get("JSEventListeners", 0)}


def visit(page) -> None:
    """One visitor: leaves the attract loop, follows two links, switches language, opens the statue, walks away."""
    page.mouse.click(W / 2, H / 2)  # touch anywhere to start
    page.wait_for_timeout(1500)
    for _ in range(2):
        target = page.evaluate(
            """() => { const v = window.vtour; const s = v.tour.scene(v.sceneId);
                       const h = (s.hotspots || []).find((x) => x.type === "link"); if (!h) return null;
                       v.activate(h); return h.target; }"""
        )
        if target:
            page.wait_for_timeout(3000)
    page.evaluate(
        "() => { const v = window.vtour, l = v.tour.languages;"
        " v.setLanguage(l[(l.indexOf(v.language) + 1) % l.length]); }"
    )
    page.wait_for_timeout(1000)
    has_model = page.evaluate("() => (window.vtour.tour.data.models || []).length > 0")
    if has_model:
        page.evaluate("() => window.vtour.openModel(window.vtour.tour.data.models[0].id).catch(() => {})")
        page.wait_for_timeout(6000)
        page.keyboard.press("Escape")
        page.wait_for_timeout(1000)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--sample-seconds", type=float, default=60.0)
    ap.add_argument("--visit-minutes", type=float, default=3.0, help="a visitor every this many minutes (0: none)")
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "vtour-soak")
    ap.add_argument("--tiny", action="store_true", help="the small sample (quick trial runs)")
    ap.add_argument(
        "--warmup-visits", type=int, default=10, help="visitors before the first sample (V8's tier-up; 0: none)"
    )
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="vtour-soak-"))
    launcher = None
    try:
        t_build = time.perf_counter()
        pkg, tour = build(tmp, args.tiny)
        print(f"built and packed the sample grotto in {time.perf_counter() - t_build:.0f} s: {pkg}", flush=True)
        state = tmp / "state"
        cdp_port = free_port()
        http_port = free_port()
        browser_args = [
            *helpers.CHROMIUM_ARGS,
            "--headless=new",
            f"--remote-debugging-port={cdp_port}",
            f"--window-size={W},{H}",
        ]
        cmd = [
            sys.executable,
            str(pkg / "launch.py"),
            str(http_port),
            "--state-dir",
            str(state),
            "--browser",
            str(helpers.CHROMIUM),
            *[f"--browser-arg={a}" for a in browser_args],
        ]
        launcher = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
        )
        # Marzipano's page of the same tour, served beside it
        (tour / "soak-marzipano.html").write_text(MARZIPANO.replace("SECONDS", "15"))
        server, base = helpers.start_server({"/tour": tour, "/node_modules": ROOT / "node_modules"})
        samples: dict[str, list[tuple[float, float]]] = {}
        errors: dict[str, list[str]] = {"vtour": [], "marzipano": []}
        with sync_playwright() as pw:
            deadline = time.time() + 60
            kiosk = None
            while time.time() < deadline:
                try:
                    kiosk = pw.chromium.connect_over_cdp(f"http://127.0.0.1:{cdp_port}")
                    break
                except Exception:  # the launcher's browser is still starting
                    time.sleep(0.5)
            if kiosk is None:
                raise SystemExit("the launcher's Chromium never opened its debugging port")
            page = None
            while time.time() < deadline and page is None:
                pages = [p for c in kiosk.contexts for p in c.pages if "index.html" in p.url]
                page = pages[0] if pages else None
                time.sleep(0.5)
            assert page is not None, "no kiosk page"
            page.on("console", lambda m: m.type == "error" and errors["vtour"].append(m.text))
            page.on("pageerror", lambda e: errors["vtour"].append(str(e)))
            page.wait_for_function("() => window.vtour && window.vtour.timing.firstView !== null", timeout=120_000)
            peer_browser = pw.chromium.launch(
                executable_path=str(helpers.CHROMIUM), headless=True, args=[*helpers.CHROMIUM_ARGS, PEER_MARK]
            )
            peer = peer_browser.new_page(viewport={"width": W, "height": H})
            peer.on("console", lambda m: m.type == "error" and errors["marzipano"].append(m.text))
            peer.on("pageerror", lambda e: errors["marzipano"].append(str(e)))
            peer.goto(base + "tour/soak-marzipano.html")
            peer.wait_for_function("() => window.bench", timeout=60_000)
            cdp = page.context.new_cdp_session(page)
            cdp.send("Performance.enable")
            peer_cdp = peer.context.new_cdp_session(peer)
            peer_cdp.send("Performance.enable")
            for _ in range(args.warmup_visits):  # V8's tier-up is done before the first sample (see above)
                visit(page)
                page.evaluate("() => window.vtour.kiosk.startAttract()")
                page.wait_for_timeout(1000)
            if args.warmup_visits:
                print(f"{args.warmup_visits} warm-up visitors: heap {heap(cdp)['heap_MB']:.1f} MB", flush=True)
            page.wait_for_timeout(5000)
            t0 = time.time()
            next_visit = t0 + args.visit_minutes * 60 if args.visit_minutes > 0 else float("inf")
            end = t0 + args.minutes * 60
            visits = 0

            def sample() -> None:
                t = time.time() - t0
                v = heap(cdp)
                m = heap(peer_cdp)
                textures = page.evaluate("() => window.vtour.stats().textures ?? -1")
                browser_kb = sum(rss_kb(p) for p in descendants(launcher.pid))
                row = {
                    "vtour heap MB": v["heap_MB"],
                    "vtour DOM nodes": v["nodes"],
                    "vtour JS listeners": v["listeners"],
                    "vtour GL textures": textures,
                    "launcher RSS MB": rss_kb(launcher.pid) / 1024,
                    "kiosk browser RSS MB": browser_kb / 1024,
                    "marzipano heap MB": m["heap_MB"],
                    "marzipano DOM nodes": m["nodes"],
                    "marzipano JS listeners": m["listeners"],
                    "marzipano browser RSS MB": peer_browser_kb() / 1024,
                }
                for k, val in row.items():
                    samples.setdefault(k, []).append((t, float(val)))
                print(f"{t / 60:5.1f} min  " + "  ".join(f"{k} {val:.1f}" for k, val in row.items()), flush=True)

            sample()
            next_sample = t0 + args.sample_seconds
            while time.time() < end:
                now = time.time()
                if now >= next_visit:
                    visit(page)
                    visits += 1
                    next_visit = now + args.visit_minutes * 60
                if time.time() >= next_sample:
                    sample()
                    next_sample += args.sample_seconds
                page.wait_for_timeout(1000)
            sample()
            state_now = page.evaluate("() => window.vtour.stats()")
            peer_browser.close()
            kiosk.close()
        server.shutdown()
        print()
        print(
            f"soak: {args.minutes:g} min, {visits} visitors, sample every {args.sample_seconds:g} s; "
            f"kiosk at the end: scene {state_now.get('scene')}, {state_now.get('frames')} frames"
        )
        print(f"{'metric':<24} {'start':>9} {'end':>9} {'peak':>9} {'growth':>9} {'slope/10min, 2nd half':>22}")
        for k, s in samples.items():
            vals = [v for _, v in s]
            print(
                f"{k:<24} {vals[0]:>9.1f} {vals[-1]:>9.1f} {max(vals):>9.1f} {vals[-1] - vals[0]:>+9.1f} "
                f"{slope_per_10min(s):>+22.2f}"
            )
        v_end, m_end = samples["vtour heap MB"][-1][1], samples["marzipano heap MB"][-1][1]
        print(f"ratio vtour/marzipano JS heap at the end: {v_end / m_end:.2f}")
        v_rss, m_rss = samples["kiosk browser RSS MB"], samples["marzipano browser RSS MB"]
        if m_rss[-1][1] > 0:
            print(
                f"ratio vtour/marzipano browser RSS at the end: {v_rss[-1][1] / m_rss[-1][1]:.2f}; "
                f"growth {v_rss[-1][1] - v_rss[0][1]:+.1f} MB vs {m_rss[-1][1] - m_rss[0][1]:+.1f} MB"
            )
        for who, errs in errors.items():
            print(f"{who}: {len(errs)} console or page errors" + "".join(f"\n  {e}" for e in errs[:10]))
        logs = sorted((state / "logs").glob("events-*.jsonl"))
        for log_file in logs:
            shutil.copy2(log_file, out / log_file.name)
        launcher_log = state / "logs" / "launcher.log"
        if launcher_log.is_file():
            shutil.copy2(launcher_log, out / "launcher.log")
        (out / "samples.json").write_text(json.dumps(samples))
        if logs:
            print(f"\nvtour stats of the soak's log ({sum(1 for f in logs for _ in f.open())} events):", flush=True)
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "vtour",
                    "stats",
                    *map(str, (out / f.name for f in logs)),
                    "-o",
                    str(out / "stats.html"),
                    "--csv",
                    str(out / "stats.csv"),
                ],
                check=False,
            )
        else:
            print("no visit log was written")
        return 0
    finally:
        if launcher is not None and launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGTERM)
            try:
                launcher.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(launcher.pid, signal.SIGKILL)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
