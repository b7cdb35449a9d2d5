"""Tile codec benchmark: bytes of 512 px panorama tiles at equal SSIM, against today's JPEG q85.

    .venv/bin/python benchmarks/bench_tiles.py            # every codec, every tile
    .venv/bin/python benchmarks/bench_tiles.py --quick    # a third of the tiles, fast efforts only
    .venv/bin/python benchmarks/bench_tiles.py --quick --browser /usr/bin/chromium   # + browser decode

Tiles are real: cube faces of ../shared/data/equirect/*.{jpg,png} (``equirect_to_faces``) and the
cubemaps in ../shared/data/cubemap, cut into 512 x 512 tiles (faces at the power-of-two sizes
``vtour pano`` builds, plus native-resolution crops of the Jordan Pond faces for full detail).

For each codec the quality is bisected (integers) to the lowest one whose mean SSIM over all tiles
reaches the mean SSIM of JPEG q85 (OpenCV, ``vtour.images.encode_jpeg``: what vtour writes today).
SSIM is Wang et al. 2004 on BT.601 luma, 11 x 11 Gaussian window sigma 1.5, K1 0.01, K2 0.03;
``ssim_rgb`` (mean of the R, G, B SSIMs) is printed alongside so a codec that buys luma with
colour shows it. Then per codec: calibrated quality, mean SSIM, total bytes / JPEG q85 bytes at
that quality and ``@equal``, interpolated between it and the quality below to exactly JPEG's SSIM,
encode and decode ms per tile (one thread, best of 2 passes; the ratios survive a busy machine,
the ms less so; ``x jpeg`` is the encode time over OpenCV JPEG's in the same run), and the
2-thread speed-up of encoding in a thread pool (1.0 on a machine whose cores are busy).
Last, what ``vtour.pano.codec``'s defaults give: overall, per source panorama (the mean hides a
split: AVIF keeps more SSIM than JPEG on smooth tiles and less on fine texture), and the stricter
bytes when every tile must reach its own JPEG q85 SSIM. Butteraugli is not measured: no binding
or binary of it is installed here, and none turned up in the package lists searched.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))

from vtour.images import encode_jpeg, read_image  # noqa: E402
from vtour.pano.codec import DEFAULT_TILE_FORMAT, TILE_FORMATS, decode_tile, default_quality, encode_tile, ssim  # noqa: E402
from vtour.pano.equirect import equirect_to_faces  # noqa: E402

TILE = 512


# ---------------------------------------------------------------------------------------- tiles
def _cut(face: np.ndarray, keep_every: int = 1) -> list[np.ndarray]:
    n = face.shape[0] // TILE
    tiles = [face[y * TILE : (y + 1) * TILE, x * TILE : (x + 1) * TILE] for y in range(n) for x in range(n)]
    return [np.ascontiguousarray(t[:, :, :3]) for t in tiles[::keep_every]]


def real_tiles() -> list[tuple[str, np.ndarray]]:
    """(label, (512, 512, 3) uint8) tiles from every real panorama in ../shared/data."""
    out: list[tuple[str, np.ndarray]] = []
    sizes = {"examplepano.jpg": 1024, "fireplace.png": 512, "large_corridor.png": 512}
    for name, size in sizes.items():
        path = DATA / "equirect" / name
        if path.exists():
            img = read_image(path)[:, :, :3]
            for f, face in equirect_to_faces(img, size).items():
                out += [(f"{name}:{f}", t) for t in _cut(face)]
    pond = sorted((DATA / "cubemap" / "pannellum_jordan_pond").glob("*.jpg"))
    for p in pond:
        face = read_image(p)[:, :, :3]
        small = cv2.resize(face, (1024, 1024), interpolation=cv2.INTER_AREA)
        out += [(f"jordan_pond cube @1024:{p.name}", t) for t in _cut(small)]
        out += [(f"jordan_pond cube native:{p.name}", t) for t in _cut(face[:1536, :1536], keep_every=3)]
    for p in sorted((DATA / "cubemap" / "SwedishRoyalCastle").glob("*.jpg")):
        out += [(f"SwedishRoyalCastle cube:{p.name}", t) for t in _cut(read_image(p)[:, :, :3])]
    return out


def synthetic_tiles(n: int = 8) -> list[tuple[str, np.ndarray]]:
    """Stand-ins when ../shared/data is missing: smooth gradients plus texture and edges."""
    rng = np.random.default_rng(0)
    out = []
    for i in range(n):
        small = rng.integers(0, 256, (8 + 4 * i, 8 + 4 * i, 3), dtype=np.uint8)
        t = cv2.resize(small, (TILE, TILE), interpolation=cv2.INTER_CUBIC)
        t = cv2.add(t, rng.integers(0, 12, t.shape, dtype=np.uint8))
        out.append((f"synthetic{i}", t))
    return out


# ----------------------------------------------------------------------------------------- SSIM
def _ssim_plane(a: np.ndarray, b: np.ndarray) -> float:
    return ssim(np.repeat(a[:, :, None], 3, axis=2), np.repeat(b[:, :, None], 3, axis=2))


def ssim_rgb(a: np.ndarray, b: np.ndarray) -> float:
    """Mean of the per-channel SSIMs (codec.ssim is on luma)."""
    return float(np.mean([_ssim_plane(a[:, :, c], b[:, :, c]) for c in range(3)]))


# --------------------------------------------------------------------------------------- codecs
@dataclass(frozen=True)
class Codec:
    name: str
    encode: Callable[[np.ndarray, int], bytes]
    decode: Callable[[bytes], np.ndarray]
    lo: int
    hi: int
    slow: bool = False  # left out of --quick


def _vips_image(rgb: np.ndarray):
    import pyvips

    return pyvips.Image.new_from_memory(rgb.data, rgb.shape[1], rgb.shape[0], 3, "uchar")


def _vips_jpeg(**kw) -> Callable[[np.ndarray, int], bytes]:
    # subsample_mode "on": 4:2:0 like encode_jpeg at every Q (libvips's "auto" turns it off at Q >= 90).
    return lambda rgb, q: bytes(_vips_image(rgb).jpegsave_buffer(Q=q, strip=True, subsample_mode="on", **kw))


def _jpegli(rgb: np.ndarray, q: int) -> bytes:
    import pyjpegli

    return pyjpegli.encode(rgb.tobytes(), rgb.shape[1], rgb.shape[0], q)


def _pillow(fmt: str, **kw) -> Callable[[np.ndarray, int], bytes]:
    def enc(rgb: np.ndarray, q: int) -> bytes:
        out = io.BytesIO()
        Image.fromarray(rgb).save(out, fmt, quality=q, **kw)
        return out.getvalue()

    return enc


def _pillow_avif(speed: int, **kw) -> Callable[[np.ndarray, int], bytes]:
    return _pillow("AVIF", speed=speed, subsampling="4:2:0", max_threads=1, **kw)


def _vips_avif(effort: int, **kw) -> Callable[[np.ndarray, int], bytes]:
    # effort e is libaom's all-intra cpu-used 9 - e; tune defaults to libheif's ("iq" on this libaom).
    return lambda rgb, q: bytes(
        _vips_image(rgb).heifsave_buffer(Q=q, effort=effort, compression="av1", subsample_mode="on", strip=True, **kw)
    )


def codecs() -> list[Codec]:
    out = [
        Codec("jpeg opencv (today)", encode_jpeg, decode_tile, 40, 100),
        Codec("jpeg libvips plain", _vips_jpeg(), decode_tile, 40, 100),
        Codec("jpeg libvips optimize_coding", _vips_jpeg(optimize_coding=True), decode_tile, 40, 100),
        Codec("jpeg mozjpeg trellis", _vips_jpeg(optimize_coding=True, trellis_quant=True), decode_tile, 40, 100),
        Codec(
            "jpeg mozjpeg trellis+deringing+qt3",
            _vips_jpeg(optimize_coding=True, trellis_quant=True, overshoot_deringing=True, quant_table=3),
            decode_tile,
            40,
            100,
        ),
    ]
    try:
        import pyjpegli  # noqa: F401

        out.append(Codec("jpeg jpegli (pyjpegli)", _jpegli, decode_tile, 40, 100))
    except ImportError:
        print("jpegli: pyjpegli is not installed (pip install pyjpegli) - skipped")
    out += [
        Codec("webp pillow method 4 (codec webp)", lambda rgb, q: encode_tile(rgb, "webp", q), decode_tile, 40, 100),
        Codec("webp pillow method 6", _pillow("WEBP", method=6), decode_tile, 40, 100, slow=True),
        Codec("avif pillow speed 9 (codec avif)", lambda rgb, q: encode_tile(rgb, "avif", q), decode_tile, 20, 100),
        Codec("avif pillow speed 9 tune=iq", _pillow_avif(9, advanced={"tune": "iq"}), decode_tile, 20, 100),
        Codec("avif pillow speed 7", _pillow_avif(7), decode_tile, 50, 81, slow=True),
        Codec("avif libvips/libheif effort 0", _vips_avif(0), decode_tile, 20, 100),
        Codec("avif libvips/libheif effort 2", _vips_avif(2), decode_tile, 50, 81, slow=True),
    ]
    return out


# ---------------------------------------------------------------------------------- measurement
@dataclass
class Point:
    q: int
    ssim: float
    nbytes: int


_CACHE: dict[tuple[str, int], Point] = {}


def evaluate(codec: Codec, tiles: list[np.ndarray], q: int) -> Point:
    if (codec.name, q) not in _CACHE:
        _CACHE[codec.name, q] = _evaluate(codec, tiles, q)
    return _CACHE[codec.name, q]


def _evaluate(codec: Codec, tiles: list[np.ndarray], q: int) -> Point:
    datas = [codec.encode(t, q) for t in tiles]
    s = float(np.mean([ssim(t, codec.decode(d)) for t, d in zip(tiles, datas)]))
    return Point(q, s, sum(len(d) for d in datas))


def calibrate(codec: Codec, tiles: list[np.ndarray], target: float) -> tuple[Point, int]:
    """Lowest integer quality whose mean SSIM >= target (bisection; SSIM rises with quality)."""
    lo, hi, evals = codec.lo, codec.hi, 0
    best: Point | None = None
    while lo <= hi:
        mid = (lo + hi) // 2
        p = evaluate(codec, tiles, mid)
        evals += 1
        if p.ssim >= target:
            best, hi = p, mid - 1
        else:
            lo = mid + 1
    if best is None:  # even the top quality falls short: report it
        best = evaluate(codec, tiles, codec.hi)
    return best, evals


def bytes_at(codec: Codec, tiles: list[np.ndarray], p: Point, target: float) -> float:
    """Bytes at exactly the target SSIM: linear between quality p.q - 1 (below it) and p.q."""
    if p.q <= codec.lo or p.ssim <= target:
        return float(p.nbytes)
    below = evaluate(codec, tiles, p.q - 1)
    if below.ssim >= p.ssim:
        return float(p.nbytes)
    f = (target - below.ssim) / (p.ssim - below.ssim)
    return below.nbytes + f * (p.nbytes - below.nbytes)


def timing(codec: Codec, tiles: list[np.ndarray], q: int) -> tuple[float, float, float]:
    """(encode ms, decode ms) per tile, one thread, best of 2; and the 2-thread encode speed-up."""
    enc, dec = [], []
    for _ in range(2):
        t0 = time.perf_counter()
        datas = [codec.encode(t, q) for t in tiles]
        enc.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for d in datas:
            codec.decode(d)
        dec.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda t: codec.encode(t, q), tiles))
    pooled = time.perf_counter() - t0
    n = len(tiles)
    return 1000 * min(enc) / n, 1000 * min(dec) / n, min(enc) / pooled


_DECODE_IN_PAGE = """async (id) => {
  const im = document.getElementById(id);
  try { await im.decode(); } catch (e) { return null; }
  const c = document.createElement("canvas");
  c.width = im.naturalWidth; c.height = im.naturalHeight;
  const g = c.getContext("2d");
  g.drawImage(im, 0, 0);
  return [c.width, c.height, Array.from(g.getImageData(0, 0, c.width, c.height).data)];
}"""


def browser_check(tile: np.ndarray, chromium: str) -> None:
    """Does headless Chromium decode every tile format, to the pixels decode_tile gives?"""
    import base64

    from playwright.sync_api import sync_playwright

    mime = {"jpeg": "image/jpeg", "webp": "image/webp", "avif": "image/avif"}
    datas = {f: encode_tile(tile, f) for f in TILE_FORMATS}
    b64 = {f: base64.b64encode(d).decode() for f, d in datas.items()}
    imgs = "".join(f'<img id="{f}" src="data:{mime[f]};base64,{b64[f]}">' for f in datas)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        page.set_content(f"<html><body>{imgs}</body></html>")
        print(f"\nheadless Chromium {browser.version} ({chromium}):")
        for fmt, data in datas.items():
            got = page.evaluate(_DECODE_IN_PAGE, fmt)
            if got is None:
                print(f"  {fmt:5} NOT DECODED")
                continue
            w, h, rgba = got
            px = np.array(rgba, np.uint8).reshape(h, w, 4)[:, :, :3].astype(int)
            diff = np.abs(px - decode_tile(data))
            print(f"  {fmt:5} decoded {w}x{h}; |browser - decode_tile| mean {diff.mean():.3f} max {diff.max()}")
        browser.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="a third of the tiles and no slow efforts")
    ap.add_argument("--browser", metavar="CHROMIUM", help="also check that this Chromium decodes every format")
    args = ap.parse_args()

    labelled = real_tiles() if DATA.exists() else synthetic_tiles()
    if not DATA.exists():
        print("../shared/data missing: synthetic tiles (figures are not representative)")
    if args.quick:
        labelled = labelled[::3]
    tiles = [t for _, t in labelled]
    if args.browser:
        browser_check(tiles[len(tiles) // 2], args.browser)
    table = codecs()
    base = evaluate(table[0], tiles, 85)
    ssim_rgb_base = np.mean([ssim_rgb(t, decode_tile(encode_jpeg(t, 85))) for t in tiles])
    print(
        f"{len(tiles)} real tiles of {TILE} px; target = JPEG q85 (OpenCV) mean luma SSIM {base.ssim:.5f} "
        f"(rgb {ssim_rgb_base:.5f}), {base.nbytes / len(tiles) / 1024:.1f} kB/tile"
    )
    print(f"codec.default_quality: {', '.join(f'{f}={default_quality(f)}' for f in ('jpeg', 'webp', 'avif'))}\n")
    head = (
        f"{'codec':36} {'q':>4} {'ssim':>8} {'ssim_rgb':>8} {'bytes/q85':>9} {'@equal':>7} "
        f"{'enc ms':>7} {'x jpeg':>6} {'dec ms':>7} {'2-thr':>5}"
    )
    print(head)
    print("-" * len(head))
    jpeg_ms = 0.0
    for codec in table:
        if args.quick and codec.slow:
            continue
        p, _ = calibrate(codec, tiles, base.ssim)
        equal = bytes_at(codec, tiles, p, base.ssim) / base.nbytes
        s_rgb = np.mean([ssim_rgb(t, codec.decode(codec.encode(t, p.q))) for t in tiles])
        enc_ms, dec_ms, speedup = timing(codec, tiles, p.q)
        jpeg_ms = jpeg_ms or enc_ms
        print(
            f"{codec.name:36} {p.q:4d} {p.ssim:8.5f} {s_rgb:8.5f} {p.nbytes / base.nbytes:9.3f} {equal:7.3f} "
            f"{enc_ms:7.1f} {enc_ms / jpeg_ms:6.1f} {dec_ms:7.1f} {speedup:5.2f}",
            flush=True,
        )
    report_defaults(labelled, base)


def report_defaults(labelled: list[tuple[str, np.ndarray]], base: Point) -> None:
    """What vtour.pano.codec's defaults give on these tiles, overall and per source panorama."""
    tiles = [t for _, t in labelled]
    print("\nvtour.pano.codec defaults (encode_tile(tile, fmt) with quality None):")
    for fmt in TILE_FORMATS:
        datas = [encode_tile(t, fmt) for t in tiles]
        s = np.mean([ssim(t, decode_tile(d)) for t, d in zip(tiles, datas)])
        mark = " (DEFAULT_TILE_FORMAT)" if fmt == DEFAULT_TILE_FORMAT else ""
        ratio = sum(map(len, datas)) / base.nbytes
        print(f"  {fmt:5} q{default_quality(fmt):<3} ssim {s:.5f}  bytes/q85 {ratio:.3f}{mark}")
    print(f"\n{DEFAULT_TILE_FORMAT} q{default_quality(DEFAULT_TILE_FORMAT)} against JPEG q85 per source:")
    for source in dict.fromkeys(label.split(":")[0] for label, _ in labelled):
        group = [t for label, t in labelled if label.split(":")[0] == source]
        jpeg, ours = [encode_jpeg(t, 85) for t in group], [encode_tile(t, DEFAULT_TILE_FORMAT) for t in group]
        d = [ssim(t, decode_tile(b)) - ssim(t, decode_tile(a)) for t, a, b in zip(group, jpeg, ours)]
        ratio = sum(map(len, ours)) / sum(map(len, jpeg))
        below = sum(x < 0 for x in d)
        print(
            f"  {source:32} {len(group):3d} tiles  bytes {ratio:.3f}  ssim {np.mean(d):+.5f} "
            f"(below JPEG's on {below} tiles, worst {min(d):+.4f})"
        )
    print("\nStricter: every tile at least its own JPEG q85 SSIM (lowest quality per tile, bisected):")
    jpeg = [encode_jpeg(t, 85) for t in tiles]
    targets = [ssim(t, decode_tile(b)) for t, b in zip(tiles, jpeg)]
    for fmt in [f for f in TILE_FORMATS if f != "jpeg"]:
        total, qs = 0, list[int]()
        for t, target in zip(tiles, targets):
            lo, hi, best = 1, 100, encode_tile(t, fmt, 100)
            while lo <= hi:
                mid = (lo + hi) // 2
                data = encode_tile(t, fmt, mid)
                if ssim(t, decode_tile(data)) >= target:
                    best, hi = data, mid - 1
                else:
                    lo = mid + 1
            total += len(best)
            qs.append(min(lo, 100))
        print(
            f"  {fmt:5} bytes/q85 {total / sum(map(len, jpeg)):.3f}  quality median {int(np.median(qs))} "
            f"(range {min(qs)}..{max(qs)})"
        )
    print()
    t0 = time.perf_counter()
    for t in tiles:
        encode_tile(t, DEFAULT_TILE_FORMAT)
    ms = 1000 * (time.perf_counter() - t0) / len(tiles)
    print(
        f"  a 100,000 px panorama (~33,000 tiles) in {DEFAULT_TILE_FORMAT}: {ms:.1f} ms/tile, "
        f"~{33_000 * ms / 1000 / 2 / 60:.0f} min of encoding on 2 cores"
    )


if __name__ == "__main__":
    main()
