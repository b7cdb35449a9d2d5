"""Panorama benchmarks: vtour against py360convert (+ Pillow tiling), side by side in one run.

    .venv/bin/python benchmarks/bench_pano.py            # all three parts
    .venv/bin/python benchmarks/bench_pano.py --quick    # smaller inputs, for a smoke run

1. Remap: equirect 8192x4096 -> 6 faces of 2048 px, vtour vs ``py360convert.e2c`` (bilinear), with
   the PSNR of both against Hugin's faces of the real examplepano.jpg, and vtour's throughput as a
   fraction of a plain numpy copy of the same bytes (memory bandwidth).
2. The whole step equirect JPEG -> tile pyramid on disk: ``vtour.pano.build_pano`` vs py360convert
   + Pillow (resize per level, crop, JPEG), both writing 512 px tiles of 2048 px faces.
3. Peak memory of ``vtour pano`` on a 16384x8192 panorama, in a child process, against the
   decoded image's size.

The input is the real examplepano.jpg enlarged (bicubic) when ../shared/data is present, else a
synthetic panorama; timings are the best of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))

from vtour.conventions import PANNELLUM_CUBE_ORDER  # noqa: E402
from vtour.pano.equirect import equirect_to_faces  # noqa: E402
from vtour.images import read_image  # noqa: E402
from vtour.pano import PanoOptions, build_pano  # noqa: E402


def best_of(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def psnr(a, b):
    return 10 * np.log10(255 ** 2 / np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))


def source_image(width: int) -> np.ndarray:
    src = DATA / "equirect" / "examplepano.jpg"
    if src.exists():
        img = read_image(src)
        return cv2.resize(img, (width, width // 2), interpolation=cv2.INTER_CUBIC)
    rng = np.random.default_rng(1)
    small = rng.integers(0, 256, (64, 128, 3), dtype=np.uint8)
    return cv2.resize(small, (width, width // 2), interpolation=cv2.INTER_CUBIC)


def bench_remap(width: int, face: int, repeat: int) -> None:
    import py360convert

    img = source_image(width)
    print(f"\n== 1. remap: equirect {width}x{width // 2} -> 6 x {face} px ({img.nbytes / 1e6:.0f} MB in)")
    # py360convert caches its sampling maps per size (functools.lru_cache): its first call in a
    # process pays for them, later calls of the same size do not. vtour builds its maps every call.
    # Both are printed: "cold" is the first call, "warm" the best of the later ones.
    rows = []
    for name, fn in [
        ("vtour cubic+AA", lambda: equirect_to_faces(img, face)),
        ("vtour linear+AA", lambda: equirect_to_faces(img, face, interpolation="linear")),
        ("py360convert e2c bilinear", lambda: py360convert.e2c(img, face, mode="bilinear", cube_format="dict")),
    ]:
        cold, _ = best_of(fn, 1)
        warm, _ = best_of(fn, repeat)
        rows.append((name, cold, warm))
    _, peer_cold, peer_warm = rows[-1]
    for name, cold, warm in rows:
        print(f"  {name:28s} cold {cold:6.3f} s, warm {warm:6.3f} s   speed-up vs py360convert: "
              f"cold {peer_cold / cold:5.1f}x, warm {peer_warm / warm:5.1f}x")
    # bandwidth: bytes read + bytes written by the remap, against numpy copying the same bytes
    out_bytes = 6 * face * face * 3
    moved = img.nbytes + out_bytes
    buf_src = np.empty(moved, np.uint8)
    buf_dst = np.empty_like(buf_src)
    t_copy, _ = best_of(lambda: np.copyto(buf_dst, buf_src), 3)
    t_ours = rows[0][2]
    print(f"  bytes moved {moved / 1e6:.0f} MB: vtour {moved / t_ours / 1e9:.2f} GB/s, numpy copy "
          f"{moved / t_copy / 1e9:.2f} GB/s -> vtour at {t_copy / t_ours:.0%} of memory bandwidth")

    gt_dir = DATA / "cubemap" / "pannellum_jordan_pond"
    if gt_dir.exists():
        real = read_image(DATA / "equirect" / "examplepano.jpg")
        truth = np.stack([read_image(gt_dir / f"examplepanocube{i}.jpg") for i in range(6)])
        ours = equirect_to_faces(real, 1584)
        ours_lin = equirect_to_faces(real, 1584, interpolation="linear")
        peer_f = py360convert.e2c(real, 1584, mode="bilinear", cube_format="dict")
        stack = lambda d, up: np.stack([d[f.upper() if up else f] for f in PANNELLUM_CUBE_ORDER])
        print("  PSNR vs Hugin's faces of examplepano.jpg (1584 px), per face f r b l u d and all:")
        for name, faces, up in [("vtour cubic+AA", ours, False), ("vtour linear+AA", ours_lin, False),
                                ("py360convert bilinear", peer_f, True)]:
            per = " ".join(f"{psnr(faces[f.upper() if up else f], truth[i]):5.2f}"
                           for i, f in enumerate(PANNELLUM_CUBE_ORDER))
            print(f"    {name:24s} {per}   all {psnr(stack(faces, up), truth):5.2f} dB")


def pillow_tiles(src: Path, out: Path, face: int, tile: int = 512, quality: int = 85) -> None:
    """The peer pipeline: py360convert faces, Pillow levels, crops and JPEG files."""
    import py360convert
    from PIL import Image

    img = np.asarray(Image.open(src).convert("RGB"))
    faces = py360convert.e2c(img, face, mode="bilinear", cube_format="dict")
    for key, letter in zip("FRBLUD", "frblud"):
        im = Image.fromarray(faces[key])
        size, z = face, int(np.log2(face // tile)) + 1
        while size >= tile:
            level = im if size == face else im.resize((size, size), Image.Resampling.BOX)
            n = size // tile
            for y in range(n):
                (out / f"{z}/{letter}/{y}").mkdir(parents=True, exist_ok=True)
                for x in range(n):
                    level.crop((x * tile, y * tile, (x + 1) * tile, (y + 1) * tile)).save(
                        out / f"{z}/{letter}/{y}/{x}.jpg", quality=quality)
            size //= 2
            z -= 1


def bench_tiles(width: int, face: int, repeat: int, tmp: Path) -> None:
    src = tmp / "pano.jpg"
    cv2.imwrite(str(src), cv2.cvtColor(source_image(width), cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 92])
    print(f"\n== 2. whole step: {width}x{width // 2} JPEG -> 512 px tiles of {face} px faces on disk")

    def ours():
        return build_pano([src], tmp / "vtour", PanoOptions(face_size=face))

    def peer():
        shutil.rmtree(tmp / "peer", ignore_errors=True)
        (tmp / "peer").mkdir()
        pillow_tiles(src, tmp / "peer", face)

    t_ours, r = best_of(ours, repeat)
    t_peer, _ = best_of(peer, repeat)  # py360convert's maps are warm here (cached in part 1)
    print(f"  vtour build_pano              {t_ours:7.3f} s  ({r.tiles} tiles + preview, thumb, pano.json)")
    print(f"  py360convert + Pillow tiling  {t_peer:7.3f} s")
    print(f"  speed-up: {t_peer / t_ours:.1f}x (best of {repeat}; the peer's sampling maps cached)")


def bench_memory(width: int, tmp: Path) -> None:
    src = tmp / "big.jpg"
    img = source_image(width)
    decoded = img.nbytes
    cv2.imwrite(str(src), cv2.cvtColor(img, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 90])
    del img
    print(f"\n== 3. peak memory: vtour pano on {width}x{width // 2} ({decoded / 1e6:.0f} MB decoded)")
    # each child reports the high-water mark of its own address space (VmHWM, reset by exec);
    # ru_maxrss would count the pages the child shared with this process before exec
    probe = ("{}; print([int(l.split()[1]) * 1024 for l in open('/proc/self/status') "
             "if l.startswith('VmHWM')][0])")
    def child_peak(code: str) -> int:
        out = subprocess.run([sys.executable, "-c", probe.format(code)], check=True, capture_output=True,
                             text=True, cwd=ROOT)
        return int(out.stdout.strip().splitlines()[-1])

    base = child_peak("import vtour.pano")
    t = time.perf_counter()
    peak = child_peak(f"from vtour.pano import build_pano; build_pano([{str(src)!r}], {str(tmp / 'big')!r})")
    dt = time.perf_counter() - t
    print(f"  peak RSS {peak / 1e6:.0f} MB = {peak / decoded:.2f}x the decoded image "
          f"(of which interpreter + libraries {base / 1e6:.0f} MB); {dt:.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="4096 px inputs instead of 8192/16384")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    w, face, big = (4096, 1024, 8192) if args.quick else (8192, 2048, 16384)
    print(f"cv2 {cv2.__version__}, {cv2.getNumThreads()} threads")
    with tempfile.TemporaryDirectory() as d:
        bench_remap(w, face, args.repeat)
        bench_tiles(w, face, args.repeat, Path(d))
        bench_memory(big, Path(d))


if __name__ == "__main__":
    main()
