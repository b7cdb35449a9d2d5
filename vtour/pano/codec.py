"""Panorama tile codecs: one encode and one decode for every tile format a tour may use.

Formats (``TILE_FORMATS``: name -> file extension)
    ``avif``  the default. AV1 intra frame through Pillow's libavif + libaom, speed 9 (libaom's
              fastest all-intra preset), 4:2:0, one thread per tile (tiles are encoded in a
              thread pool, so parallelism comes from there). Decoded by Chrome 85+, Firefox 93+,
              Safari 16+ and Debian's headless Chromium (checked: its pixels equal
              :func:`decode_tile`'s exactly; both decode with dav1d).
    ``webp``  lossy WebP through Pillow's libwebp, method 4 (libwebp's default).
    ``jpeg``  baseline 4:2:0 JPEG through :func:`vtour.images.encode_jpeg` (OpenCV's
              libjpeg-turbo): vtour's tiles before AVIF, and what the Marzipano and Pannellum
              exports keep (peers transcode with :func:`decode_tile` + ``encode_tile(.., "jpeg")``).

Why AVIF at speed 9 (``benchmarks/bench_tiles.py``: 84 real 512 px tiles, total bytes against
JPEG q85 at equal mean luma SSIM, interpolated between integer qualities): AVIF 0.69 (0.71 at
its default q70, whose SSIM is a little above JPEG's: libavif's quality moves libaom's quantizer
in 64 steps), WebP 0.79, mozjpeg trellis 0.93, libjpeg-turbo with optimised Huffman tables 0.94,
jpegli 0.95. Encoding costs ~15x JPEG's time (~25 ms a tile on one core, so ~7 minutes for the
~33,000 tiles of a 100,000 px panorama on 2 cores); speed 7 saves another 7% of the bytes for
~8x the time, which is why it is not the default.

Quality is each format's own 1..100 scale. :func:`default_quality` is the quality whose mean SSIM
over those real tiles equals JPEG q85's, so switching format keeps the picture on average and
changes the bytes. The mean hides a split: at q70 AVIF keeps more SSIM than JPEG q85 on smooth
tiles and less on fine texture (down to -0.03 on a tile); asking every tile to reach its own JPEG
q85 SSIM costs AVIF 0.82 of JPEG's bytes, WebP 0.95. SSIM is :func:`ssim` (Wang et al. 2004 on
BT.601 luma, 11 x 11 Gaussian, sigma 1.5).

Arrays are ``(h, w, 3)`` uint8 RGB, row 0 at the top (``(h, w, 4)`` is accepted and its alpha
dropped: composite first). Every function is thread-safe: each call builds its own encoder, and
OpenCV and Pillow release the GIL while coding.
"""

from __future__ import annotations

import io

import cv2
import numpy as np

from vtour.errors import VtourError
from vtour.images import encode_jpeg

TILE_FORMATS: dict[str, str] = {"jpeg": ".jpg", "webp": ".webp", "avif": ".avif"}
DEFAULT_TILE_FORMAT = "avif"

# Lowest quality whose mean luma SSIM on the benchmark's 84 real tiles reaches JPEG q85's (0.98526).
_DEFAULT_QUALITY: dict[str, int] = {"jpeg": 85, "webp": 84, "avif": 70}
AVIF_SPEED = 9  # libavif 0 (slowest) .. 10; libaom's all-intra mode stops at 9
WEBP_METHOD = 4  # libwebp 0 (fastest) .. 6; 6 saves 0.3% for 7x the time


def _check_format(fmt: str) -> str:
    if fmt not in TILE_FORMATS:
        raise VtourError(
            "pano",
            f"unknown tile format {fmt!r}",
            field="tile_format",
            value=fmt,
            fix=f"use one of {', '.join(TILE_FORMATS)}",
        )
    return fmt


def default_quality(fmt: str) -> int:
    """The quality of ``fmt`` whose SSIM on real panorama tiles equals JPEG q85's."""
    return _DEFAULT_QUALITY[_check_format(fmt)]


def check_encoder(fmt: str) -> None:
    """Refuse, before any work, a tile format this installation cannot encode (VtourError naming it)."""
    from PIL import features

    _check_format(fmt)
    if fmt in ("avif", "webp") and not features.check(fmt):
        raise VtourError(
            "pano",
            f"this Pillow cannot write {fmt.upper()} tiles",
            field="tile_format",
            value=fmt,
            fix="pip install 'pillow>=11.3' (its wheels carry libavif and libwebp), or choose tile_format jpeg",
        )


def _pillow_save(rgb: np.ndarray, fmt: str, **params) -> bytes:
    from PIL import Image

    check_encoder(fmt.lower())
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, fmt, **params)
    return out.getvalue()


def encode_tile(rgb: np.ndarray, fmt: str, quality: int | None = None) -> bytes:
    """Encoded bytes of one ``(h, w, 3)`` uint8 RGB tile in ``fmt``.

    ``quality`` 1..100 on the format's own scale; None = :func:`default_quality` (equal SSIM to
    JPEG q85).
    """
    _check_format(fmt)
    if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] not in (3, 4):
        raise ValueError(f"encode_tile: expected (h, w, 3) uint8 RGB, got {rgb.shape} {rgb.dtype}")
    q = default_quality(fmt) if quality is None else int(quality)
    if not 1 <= q <= 100:
        raise ValueError(f"encode_tile: quality {q} is outside 1..100")
    if fmt == "jpeg":
        return encode_jpeg(rgb, q)
    rgb = np.ascontiguousarray(rgb[:, :, :3])
    if fmt == "webp":
        return _pillow_save(rgb, "WEBP", quality=q, method=WEBP_METHOD)
    return _pillow_save(rgb, "AVIF", quality=q, speed=AVIF_SPEED, subsampling="4:2:0", max_threads=1)


def tile_format_of(data: bytes) -> str | None:
    """The ``TILE_FORMATS`` name of encoded tile bytes, from their magic bytes; None if none."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:12] in (b"ftypavif", b"ftypavis"):
        return "avif"
    return None


def decode_tile(data: bytes) -> np.ndarray:
    """``(h, w, 3)`` uint8 RGB pixels of a tile in any of ``TILE_FORMATS``."""
    fmt = tile_format_of(data)
    if fmt is None:
        raise ValueError(f"decode_tile: not a JPEG, WebP or AVIF tile (starts {bytes(data[:12])!r})")
    if fmt == "jpeg":
        bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        if bgr is None:
            raise ValueError("decode_tile: OpenCV could not decode the JPEG tile")
        return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data), formats=[fmt.upper()]) as im:
            return np.asarray(im.convert("RGB"))
    except (OSError, SyntaxError) as exc:
        raise ValueError(f"decode_tile: Pillow could not decode the {fmt} tile: {exc}") from exc


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Mean SSIM of two ``(h, w, 3)`` uint8 RGB images on BT.601 luma, in [-1, 1] (1 = identical).

    Wang, Bovik, Sheikh & Simoncelli 2004: 11 x 11 Gaussian window sigma 1.5, K1 0.01, K2 0.03,
    L 255; borders reflected. The measure :func:`default_quality` is calibrated with.
    """
    luma = np.array([0.299, 0.587, 0.114], np.float32)
    x, y = a[:, :, :3].astype(np.float32) @ luma, b[:, :, :3].astype(np.float32) @ luma
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2

    def blur(z: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(z, (11, 11), 1.5, borderType=cv2.BORDER_REFLECT)

    mx, my = blur(x), blur(y)
    vx, vy, cxy = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
    s = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    return float(s.mean())
