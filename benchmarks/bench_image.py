"""Deep-zoom benchmark: ``vtour image`` vs libvips' dzsave vs a Pillow loop, whole processes, one run.

    .venv/bin/python benchmarks/bench_image.py                   # ~1 gigapixel (32768 x 32768)
    .venv/bin/python benchmarks/bench_image.py --megapixels 100  # smaller, for a smoke run

The input is a generated JPEG (streamed out by libvips, so generating it needs little memory) of
``--megapixels`` megapixels, 1:1. Each contender runs in its own child process writing IIIF 3
512 px Q85 tiles; the child's time and peak RSS (``wait4``) are printed side by side, with the
ratios to dzsave. Issue 13's goal: vtour within 1.5x of dzsave's time, memory under 1 GB.

- ``vtour image``: the command, end to end (header check, dzsave, info.json fix-up, image.json).
- dzsave: ``pyvips.Image.new_from_file(access="sequential").dzsave(layout="iiif3")``.
- Pillow: decode the whole image, then per level crop tiles, save, and halve (what a simple tiler does).
  Skipped above ``--pillow-max-megapixels`` (default 1100: it holds the decoded image, 3 bytes a pixel,
  and more; 8.2 GB at 1 gigapixel).
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VTOUR = [sys.executable, "-m", "vtour", "-q", "image", "{src}", "-o", "{out}"]
DZSAVE = [
    sys.executable,
    "-c",
    "import pyvips, sys; pyvips.Image.new_from_file(sys.argv[1], access='sequential')"
    ".dzsave(sys.argv[2], layout='iiif3', tile_size=512, suffix='.jpg[Q=85]')",
    "{src}",
    "{out}",
]
PILLOW = r"""
import math, os, sys
from PIL import Image
Image.MAX_IMAGE_PIXELS = None
src, out, t = sys.argv[1], sys.argv[2], 512
im = Image.open(src).convert("RGB")
W, H = im.size
s = 1
while True:
    w, h = im.size
    for y in range(0, h, t):
        for x in range(0, w, t):
            tw, th = min(t, w - x), min(t, h - y)
            d = f"{out}/{x * s},{y * s},{min(t * s, W - x * s)},{min(t * s, H - y * s)}/{tw},{th}/0"
            os.makedirs(d, exist_ok=True)
            im.crop((x, y, x + tw, y + th)).save(f"{d}/default.jpg", quality=85)
    if w <= t and h <= t:
        break
    im = im.resize((math.ceil(w / 2), math.ceil(h / 2)), Image.Resampling.BOX)
    s *= 2
"""


def make_input(path: Path, megapixels: float) -> tuple[int, int]:
    """A side x side JPEG of smooth waves and noise, written by libvips as a stream."""
    import pyvips

    side = int(math.sqrt(megapixels * 1e6))
    xy = pyvips.Image.xyz(side, side)
    x, y = xy[0], xy[1]
    r = (x / 37.0).sin() * 100 + 128
    g = ((x + y) / 71.0).sin() * 90 + 128
    b = (y / 53.0).cos() * 80 + 128
    noise = pyvips.Image.gaussnoise(side, side, sigma=12)
    img = (r.bandjoin([g, b]) + noise).cast("uchar")
    img.jpegsave(str(path), Q=90)
    return side, side


def run(cmd: list[str], src: Path, out: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one child process; fails on a non-zero exit."""
    argv = [{"{src}": str(src), "{out}": str(out)}.get(a, a) for a in cmd]
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{argv[:4]} exited {proc.returncode}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--megapixels", type=float, default=1074.0, help="input size (default 1074: 32768^2)")
    ap.add_argument(
        "--pillow-max-megapixels",
        type=float,
        default=1100.0,
        help="skip Pillow above this (it holds the decoded image, 3 bytes a pixel)",
    )
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_image_"))
    try:
        src = tmp / "big.jpg"
        t0 = time.perf_counter()
        w, h = make_input(src, args.megapixels)
        made = time.perf_counter() - t0
        print(f"input: {w} x {h} = {w * h / 1e6:.0f} MP JPEG, {src.stat().st_size / 1e6:.0f} MB (made in {made:.0f} s)")
        rows = [("vtour image", VTOUR), ("pyvips dzsave", DZSAVE)]
        if w * h / 1e6 <= args.pillow_max_megapixels:
            rows.append(("Pillow loop", ["python", "-c", PILLOW, "{src}", "{out}"]))
        results = {}
        for name, cmd in rows:
            cmd = [sys.executable if a == "python" else a for a in cmd]
            out = tmp / name.split()[0].lower()
            results[name] = run(cmd, src, out)
            shutil.rmtree(out, ignore_errors=True)
        base_s, base_mb = results["pyvips dzsave"]
        print(f"{'':16} {'time s':>8} {'peak RSS MB':>12} {'time / dzsave':>14} {'RSS / dzsave':>13}")
        for name, (s, mb) in results.items():
            print(f"{name:16} {s:8.1f} {mb:12.0f} {s / base_s:14.2f} {mb / base_mb:13.2f}")
        if "Pillow loop" not in results:
            print(f"Pillow loop: skipped above {args.pillow_max_megapixels:g} MP (--pillow-max-megapixels)")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
