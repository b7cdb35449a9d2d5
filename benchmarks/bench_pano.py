"""Panorama benchmarks: vtour against py360convert (+ Pillow tiling), side by side in one run.

    .venv/bin/python benchmarks/bench_pano.py            # all three parts
    .venv/bin/python benchmarks/bench_pano.py --quick    # smaller inputs, for a smoke run
    .venv/bin/python benchmarks/bench_pano.py --only remap   # one part

1. Remap: equirect 8192x4096 -> 6 faces of 2048 px, vtour (default and each variant) vs
   ``py360convert.e2c`` (bilinear), each cold (maps not cached) and cached (a batch of same-size
   panoramas), with speed ratios, peak traced memory, bytes/s as a fraction of a numpy copy of the
   same bytes, and the PSNR of each against Hugin nona's faces of the real examplepano.jpg (and
   nona's own time when ``nona`` is installed).
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
import tracemalloc
from functools import partial
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))

from vtour.conventions import PANNELLUM_CUBE_ORDER  # noqa: E402
from vtour.images import read_image  # noqa: E402
from vtour.pano import PanoOptions, build_pano  # noqa: E402
from vtour.pano.equirect import clear_map_cache, equirect_to_faces, map_cache_info  # noqa: E402


def best_of(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def psnr(a, b):
    return 10 * np.log10(255**2 / np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))


def source_image(width: int) -> np.ndarray:
    src = DATA / "equirect" / "examplepano.jpg"
    if src.exists():
        img = read_image(src)
        return cv2.resize(img, (width, width // 2), interpolation=cv2.INTER_CUBIC)
    rng = np.random.default_rng(1)
    small = rng.integers(0, 256, (64, 128, 3), dtype=np.uint8)
    return cv2.resize(small, (width, width // 2), interpolation=cv2.INTER_CUBIC)


def py360_clear_cache() -> None:
    """Forget py360convert's sampling maps (functools.lru_cache on its map builders)."""
    from py360convert import utils

    for fn in (utils.xyzcube, utils.equirect_uvgrid, utils.equirect_facetype, utils.EquirecSampler.from_cubemap):
        fn.cache_clear()


def traced_peak(fn) -> int:
    """Peak bytes numpy (and OpenCV's returned arrays) allocated during ``fn()``, by tracemalloc."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def nona_faces(src: Path, face: int, tmp: Path) -> float | None:
    """Hugin's nona making the six faces of ``src`` (the reference itself); seconds, None if absent."""
    if shutil.which("nona") is None:
        return None
    h, w = cv2.imread(str(src)).shape[:2]
    yaws = {"0": (0, 0), "1": (90, 0), "2": (180, 0), "3": (-90, 0), "4": (0, 90), "5": (0, -90)}
    t = time.perf_counter()
    for name, (yaw, pitch) in yaws.items():
        pto = tmp / f"face{name}.pto"
        pto.write_text(f'p f0 w{face} h{face} v90 n"TIFF"\ni f4 w{w} h{h} v360 y{-yaw} p{-pitch} r0 n"{src}"\n')
        subprocess.run(["nona", "-o", str(tmp / f"nona{name}"), str(pto)], check=True, capture_output=True)
    return time.perf_counter() - t


VARIANTS = [  # (label, equirect_to_faces keywords); the first is vtour's default
    ("vtour linear+AA (default)", {}),
    ("vtour linear, no AA", {"antialias": False}),
    ("vtour cubic+AA", {"interpolation": "cubic"}),
]


def bench_remap(width: int, face: int, repeat: int, tmp: Path) -> None:
    import py360convert

    img = source_image(width)
    print(
        f"\n== 1. remap: equirect {width}x{width // 2} -> 6 x {face} px ({img.nbytes / 1e6:.0f} MB in, "
        f"{6 * face * face * 3 / 1e6:.0f} MB out); cv2 {cv2.__version__} on {cv2.getNumThreads()} threads"
    )
    # Both sides cache their sampling maps per size (py360convert: functools.lru_cache; vtour: a
    # byte-bounded LRU of fixed-point maps). "cold" is a call with the caches emptied (the first
    # panorama of a size), "cached" the best of --repeat later calls (a batch of same-size panoramas).
    peer = (
        "py360convert e2c bilinear",
        lambda: py360convert.e2c(img, face, mode="bilinear", cube_format="dict"),
        py360_clear_cache,
    )
    runs = [(label, lambda kw=kw: equirect_to_faces(img, face, **kw), clear_map_cache) for label, kw in VARIANTS]
    runs.append(peer)
    colds, peaks = [], []
    for _, fn, clear in runs:
        clear()
        colds.append(best_of(fn, 1)[0])
        clear()
        peaks.append((traced_peak(fn), traced_peak(fn)))  # cold, then cached
    # cached: round robin, so that a shared machine's load weighs on every contestant alike
    cached = [min(ts) for ts in zip(*[[best_of(fn, 1)[0] for _, fn, _ in runs] for _ in range(repeat)])]
    rows = [(name, cold, cach, pk[0], pk[1]) for (name, _, _), cold, cach, pk in zip(runs, colds, cached, peaks)]
    _, peer_cold, peer_cached, _, _ = rows[-1]
    print(f"  {'':28s} {'cold s':>7s} {'cached s':>9s}   speed-up vs py360convert    peak traced MB")
    print(f"  {'':28s} {'':7s} {'':9s}   {'cold':>6s} {'cached':>7s}             cold  cached")
    for name, cold, cached, pk_cold, pk_cached in rows:
        print(
            f"  {name:28s} {cold:7.3f} {cached:9.3f}   {peer_cold / cold:5.1f}x {peer_cached / cached:6.1f}x"
            f"           {pk_cold / 1e6:5.0f}  {pk_cached / 1e6:6.0f}"
        )
    info = map_cache_info()
    print(
        f"  vtour map cache after the run: {info['entries']} map sets, {info['bytes'] / 1e6:.0f} MB "
        f"(bound {info['max_bytes'] / 1e6:.0f} MB); tracemalloc sees numpy's and OpenCV's returned arrays, "
        "not OpenCV's scratch"
    )

    # Throughput against memory bandwidth: the remap reads the source and writes the faces; a plain
    # numpy copy of that many bytes (read + write of the same sizes) is the ceiling.
    moved = img.nbytes + 6 * face * face * 3
    buf_src = np.empty(moved, np.uint8)
    buf_dst = np.empty_like(buf_src)
    buf_src[:] = 1
    t_copy, _ = best_of(partial(np.copyto, buf_dst, buf_src), 5)
    del buf_src, buf_dst
    print(
        f"  bytes: source + faces = {moved / 1e6:.0f} MB; numpy copy of those bytes {t_copy * 1e3:.1f} ms "
        f"= {moved / t_copy / 1e9:.2f} GB/s"
    )
    for name, _, cached, _, _ in rows:
        print(f"    {name:28s} cached {moved / cached / 1e9:5.2f} GB/s = {t_copy / cached:5.1%} of a memory copy")

    gt_dir = DATA / "cubemap" / "pannellum_jordan_pond"
    if not gt_dir.exists():
        print("  PSNR vs Hugin's nona: ../shared/data/cubemap/pannellum_jordan_pond missing, skipped")
        return
    real_path = DATA / "equirect" / "examplepano.jpg"
    real = read_image(real_path)
    truth = np.stack([read_image(gt_dir / f"examplepanocube{i}.jpg") for i in range(6)])
    n = truth.shape[1]
    results = [(label, equirect_to_faces(real, n, **kw), False) for label, kw in VARIANTS]
    results.append(("py360convert bilinear", py360convert.e2c(real, n, mode="bilinear", cube_format="dict"), True))

    def stack(d, up):
        return np.stack([d[f.upper() if up else f] for f in PANNELLUM_CUBE_ORDER])

    print(
        f"  PSNR vs Hugin nona's faces of examplepano.jpg ({real.shape[1]}x{real.shape[0]} -> {n} px), "
        "per face f r b l u d and all:"
    )
    for name, faces, up in results:
        per = " ".join(
            f"{psnr(faces[f.upper() if up else f], truth[i]):5.2f}" for i, f in enumerate(PANNELLUM_CUBE_ORDER)
        )
        print(f"    {name:28s} {per}   all {psnr(stack(faces, up), truth):5.2f} dB")
    t_nona = nona_faces(real_path, n, tmp)
    print("  nona not installed" if t_nona is None else f"  nona: 6 faces of {n} px in {t_nona:.2f} s")


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
                        out / f"{z}/{letter}/{y}/{x}.jpg", quality=quality
                    )
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
    probe = "{}; print([int(l.split()[1]) * 1024 for l in open('/proc/self/status') if l.startswith('VmHWM')][0])"

    def child_peak(code: str) -> int:
        out = subprocess.run(
            [sys.executable, "-c", probe.format(code)], check=True, capture_output=True, text=True, cwd=ROOT
        )
        return int(out.stdout.strip().splitlines()[-1])

    base = child_peak("import vtour.pano")
    t = time.perf_counter()
    peak = child_peak(f"from vtour.pano import build_pano; build_pano([{str(src)!r}], {str(tmp / 'big')!r})")
    dt = time.perf_counter() - t
    print(
        f"  peak RSS {peak / 1e6:.0f} MB = {peak / decoded:.2f}x the decoded image "
        f"(of which interpreter + libraries {base / 1e6:.0f} MB); {dt:.1f} s"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="4096 px inputs instead of 8192/16384")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", choices=("remap", "tiles", "memory"), help="run one part")
    args = ap.parse_args()
    w, face, big = (4096, 1024, 8192) if args.quick else (8192, 2048, 16384)
    print(f"cv2 {cv2.__version__}, {cv2.getNumThreads()} threads")
    with tempfile.TemporaryDirectory() as d:
        if args.only in (None, "remap"):
            bench_remap(w, face, args.repeat, Path(d))
        if args.only in (None, "tiles"):
            bench_tiles(w, face, args.repeat, Path(d))
        if args.only in (None, "memory"):
            bench_memory(big, Path(d))


if __name__ == "__main__":
    main()
