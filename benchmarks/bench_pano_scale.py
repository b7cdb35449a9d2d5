"""Peak memory and time of ``build_pano`` as the equirect grows, and of stitching a few photos.

Each case runs in a child process (its VmHWM is that build's own peak; ru_maxrss would carry the
parent's resident size over exec) on a synthetic
equirect made by libvips straight to a JPEG (a cheap pattern, never held in memory), and prints
peak memory against the decoded source's size. The goal (issue 15): under 2 GB whatever the size.

    .venv/bin/python benchmarks/bench_pano_scale.py                  # 8192 .. 32768 wide, and the photos
    .venv/bin/python benchmarks/bench_pano_scale.py --huge           # adds 100,000 x 50,000 (5 Gpx, ~15 GB disc)
    .venv/bin/python benchmarks/bench_pano_scale.py --widths 16384 --stream-above 0   # force streaming

Scratch files go under ``--scratch`` (default /tmp/vtour_bench_scale) and are deleted at the end.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"

_CHILD = r"""
import json, sys, time
from pathlib import Path
from vtour.pano import PanoOptions, build_pano
args = json.loads(sys.argv[1])
t0 = time.perf_counter()
opts = PanoOptions(max_pixels=args["max_pixels"], **args.get("options", {}))
r = build_pano(args["inputs"], args["out"], opts, stream_above=args.get("stream_above"))
files = sum(1 for p in Path(args["out"]).rglob("*") if p.suffix in (".jpg", ".webp", ".avif") and p.parent.name != "")
print(json.dumps({
    "seconds": time.perf_counter() - t0,
    "peak_mb": int(next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM:"))) / 1024,
    "face": r.face_size, "tiles": r.tiles, "bytes": r.bytes,
}))
"""


def make_equirect(path: Path, width: int) -> Path:
    """A ``width`` x ``width / 2`` RGB image: gradients and a checker, streamed by libvips.

    A JPEG up to 65,500 px a side (the format's limit), else a tiled, JPEG-compressed BigTIFF.
    """
    import pyvips

    xy = pyvips.Image.xyz(width, width // 2)
    x, y = xy[0], xy[1]
    r = (x * (255.0 / width)).cast("uchar")
    g = (y * (510.0 / width)).cast("uchar")
    b = ((((x / 97).floor() + (y / 97).floor()) % 2) * 200 + 30).cast("uchar")
    img = r.bandjoin([g, b]).copy(interpretation="srgb")
    if width <= 65500:
        img.jpegsave(str(path), Q=85)
        return path
    path = path.with_suffix(".tif")
    img.tiffsave(str(path), tile=True, tile_width=512, tile_height=512, compression="jpeg", Q=85, bigtiff=True)
    return path


def run_child(job: dict) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, json.dumps(job)], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if out.returncode:
        raise SystemExit(f"build failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--widths", type=int, nargs="*", default=[8192, 16384, 30000, 32768])
    ap.add_argument("--huge", action="store_true", help="also 100,000 x 50,000")
    ap.add_argument("--stream-above", type=int, default=None, help="bytes; 0 streams every source")
    ap.add_argument("--no-stitch", action="store_true")
    ap.add_argument("--tile-format", default="jpeg", help="tile format of every case (default jpeg)")
    ap.add_argument("--scratch", type=Path, default=Path("/tmp/vtour_bench_scale"))
    a = ap.parse_args(argv)
    widths = list(a.widths) + ([100_000] if a.huge else [])
    a.scratch.mkdir(parents=True, exist_ok=True)
    print(f"{'equirect':>16} {'decoded':>9} {'face':>6} {'tiles':>6} {'time':>8} {'peak':>9} {'peak/decoded':>12}")
    try:
        for w in widths:
            src = a.scratch / f"eq{w}.jpg"
            t0 = time.perf_counter()
            src = make_equirect(src, w)
            made = time.perf_counter() - t0
            decoded = w * (w // 2) * 3 / 2**20
            res = run_child(
                {
                    "inputs": [str(src)],
                    "out": str(a.scratch / f"out{w}"),
                    "max_pixels": max(1 << 30, w * w),
                    "stream_above": a.stream_above,
                    "options": {"tile_format": a.tile_format},
                }
            )
            print(
                f"{w:>7} x {w // 2:<6} {decoded:>7.0f}MB {res['face']:>6} {res['tiles']:>6} {res['seconds']:>7.1f}s "
                f"{res['peak_mb']:>7.0f}MB {res['peak_mb'] / decoded:>12.2f}   (input made in {made:.0f} s)"
            )
            src.unlink()
            shutil.rmtree(a.scratch / f"out{w}", ignore_errors=True)
        photos = sorted((SHARED / "stitching" / "boat").glob("boat*.jpg"))[:3]
        if not a.no_stitch and photos:
            res = run_child(
                {
                    "inputs": [str(p) for p in photos],
                    "out": str(a.scratch / "stitch"),
                    "max_pixels": 1 << 30,
                    "options": {"tile_format": a.tile_format},
                }
            )
            print(
                f"stitch 3 photos (boat1-3): face {res['face']}, {res['tiles']} tiles (6 full faces would be "
                f"{_full_tiles(res['face'])}), {res['seconds']:.1f} s, peak {res['peak_mb']:.0f} MB"
            )
    finally:
        shutil.rmtree(a.scratch, ignore_errors=True)


def _full_tiles(face: int, tile: int = 512) -> int:
    from vtour.pano.tiles import plan_levels

    return sum(6 * lv.tiles_per_side**2 for lv in plan_levels(face, tile))


if __name__ == "__main__":
    main()
