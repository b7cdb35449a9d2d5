"""Reading and writing raster images: decoded pixels as numpy arrays, every failure a VtourError.

Pixels are ``(H, W, C)`` arrays, ``C`` 3 (RGB) or 4 (RGBA), dtype ``uint8`` or ``uint16`` (16-bit PNG
and TIFF keep their 16 bits), row 0 at the top. Greyscale is expanded to RGB.

Decoders, and why
    JPEG and PNG: ``cv2.imread``, which decodes straight into the one array we return (RGB order is
    restored in place), so the peak memory is the decoded size; Pillow needs about 2.3x (its
    4-byte-per-pixel store plus the copy numpy makes) and cannot keep 16-bit RGB. cv2 silently
    fills a truncated JPEG with grey, so we check that the entropy-coded data reaches an EOI
    marker; libpng already fails on a truncated PNG.
    Corrupt data inside a complete JPEG (a damaged sector, a bad copy) makes libjpeg warn
    ("Corrupt JPEG data: ...", "Premature end of JPEG file") and go on, grey-filling the rest; no
    decoder we have turns that into an error: cv2.imread returns the image and OpenCV leaves
    libjpeg's default message handler in place, which prints the warning on file descriptor 2;
    Pillow's handler drops it. So a JPEG is decoded with descriptor 2 pointed at a temporary file
    (:func:`_imread_jpeg`), the warnings found there are the error, and anything else written
    there meanwhile is passed on to the real stderr. Measured: about 0.2 ms a file (a temporary
    file and two ``dup2``), against 1.4-2.7 s for decoding a 16384 x 8192 JPEG here.
    TIFF: ``tifffile``, which reads 8/16-bit RGB, grey, alpha, planar and tiled files in RGB order
    and raises on a truncated strip. Compressions it needs the optional ``imagecodecs`` package
    for (LZW, the most common, and JPEG) fall back to OpenCV's libtiff.
    Anything else Pillow knows (WebP, BMP...) goes through Pillow.
    Headers are read lazily first (Pillow's ``Image.open``, tifffile's page tags) so an image
    with more pixels than ``max_pixels`` is refused before a byte of it is decoded.

EXIF orientation
    Applied for JPEG (the tag is read from the header; the rotation is one ``cv2.rotate``). Phone
    photos held upright are stored on their side with the tag set; feeding them to the stitcher
    unrotated gives it cameras rolled by 90 degrees, which breaks wave correction, and every
    browser shows them rotated, which is what the user expects to see.
"""

from __future__ import annotations

import mmap
import os
import sys
import tempfile
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

from vtour.errors import VtourError
from vtour.output import write_bytes_atomic

#: Largest image (width x height) read without the caller raising the limit: a decompression-bomb
#: guard. 1 << 30 is also OpenCV's own default (``OPENCV_IO_MAX_IMAGE_PIXELS``).
DEFAULT_MAX_PIXELS: int = 1 << 30

_CV2_MAX_PIXELS = 1 << 30
_PIL_LOCK = threading.Lock()  # Pillow's bomb limit is a module global; we swap it under this lock
_FIX_REEXPORT = "export or copy the file again"


@dataclass(frozen=True)
class ImageInfo:
    """What an image header says, read without decoding pixels.

    ``width`` and ``height`` are those of the image :func:`read_image` returns (after EXIF
    orientation), ``orientation`` the EXIF tag as stored.
    """

    format: str  # "JPEG", "PNG", "TIFF", or Pillow's name for anything else
    width: int
    height: int
    orientation: int = 1  # EXIF orientation tag, 1..8; 1 = as stored

    @property
    def pixels(self) -> int:
        return self.width * self.height


def _error(step, path, message, fix=None, field=None, value=None) -> VtourError:
    return VtourError(step, message, path=path, fix=fix, field=field, value=value)


def _sniff(path: Path) -> str | None:
    with open(path, "rb") as f:
        head = f.read(8)
    if head[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if head == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "TIFF"
    return None


def _pil_open(path: Path, max_pixels: int, step: str):
    """Pillow's lazy open with its bomb limit set to ours, its bomb error turned into ours."""

    with _PIL_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        old, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, max_pixels
        try:
            return Image.open(path)
        except Image.DecompressionBombError as e:
            raise _too_many(step, path, None, max_pixels, str(e)) from None
        except UnidentifiedImageError:
            raise _error(
                step,
                path,
                "not an image file (no JPEG, PNG, TIFF or other known header)",
                "give a JPEG, PNG or TIFF image",
            ) from None
        except (OSError, ValueError, SyntaxError) as e:
            raise _error(step, path, f"cannot read the image header ({e})", _FIX_REEXPORT) from None
        finally:
            Image.MAX_IMAGE_PIXELS = old


def _too_many(step, path, info: ImageInfo | None, max_pixels: int, detail: str = "") -> VtourError:
    size = f"{info.width}x{info.height} = {info.pixels:,} pixels" if info else detail
    return _error(
        step,
        path,
        f"image has too many pixels ({size}); the limit is {max_pixels:,}",
        "raise it with --max-pixels if you trust the file",
    )


def probe_image(path, *, step: str = "pano") -> ImageInfo:
    """Format, size and EXIF orientation of an image, from its header only.

    Raises VtourError when the file is missing, a folder, or not an image.
    """
    path = Path(path)
    if not path.exists():
        raise _error(step, path, "file not found", "check the path")
    if not path.is_file():
        raise _error(step, path, "is not a file", "give an image file")
    kind = _sniff(path)
    if kind == "TIFF":
        import tifffile

        try:
            with tifffile.TiffFile(path) as tif:
                page = tif.pages.first
                return ImageInfo("TIFF", int(page.imagewidth), int(page.imagelength))
        except Exception as e:  # tifffile raises many types for damaged headers
            raise _error(step, path, f"cannot read the TIFF header ({e})", _FIX_REEXPORT) from None
    # Pillow's limit here is a generous backstop; the caller's own limit is checked on the result.
    with _pil_open(path, 1 << 62, step) as im:
        orientation = 1
        if im.format == "JPEG":
            try:
                orientation = int(im.getexif().get(0x0112, 1))
            except Exception:  # a damaged EXIF block should not stop an otherwise good photo
                orientation = 1
        orientation = orientation if 1 <= orientation <= 8 else 1
        w, h = im.size[::-1] if orientation >= 5 else im.size  # 5..8 turn the image a quarter
        return ImageInfo(im.format or kind or "unknown", w, h, orientation)


def _jpeg_is_complete(path: Path) -> bool:
    """True when an EOI marker follows the first scan: a truncated JPEG has none there.

    The segments before the first SOS are walked by their lengths, so an EOI inside an EXIF
    thumbnail does not count. Uses mmap: nothing is copied into memory.
    """
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        pos, n = 2, len(mm)
        while pos + 4 <= n:
            if mm[pos] != 0xFF:
                return False
            marker = mm[pos + 1]
            if marker == 0xFF:  # fill byte before a marker
                pos += 1
                continue
            if marker == 0xDA:
                return mm.find(b"\xff\xd9", pos) != -1
            if marker == 0x01 or 0xD0 <= marker <= 0xD7:
                pos += 2
                continue
            pos += 2 + int.from_bytes(mm[pos + 2 : pos + 4], "big")
        return False


#: Starts of libjpeg's warnings (JWRN_* in its jerror.h) that mean the pixels are not what was
#: written. "extraneous bytes before marker 0xd9" is left out: padding after the last scan, which
#: some cameras write, with every pixel decoded.
_LIBJPEG_CORRUPT = (
    "Corrupt JPEG data",
    "Premature end of JPEG file",
    "Invalid SOS parameters for sequential JPEG",
    "Inconsistent progression sequence",
)
_STDERR_LOCK = threading.Lock()  # descriptor 2 is one per process: one JPEG decode borrows it at a time


def _is_corrupt(line: str) -> bool:
    return line.startswith(_LIBJPEG_CORRUPT) and not line.endswith("before marker 0xd9")


def _imread_jpeg(path: Path) -> tuple[np.ndarray | None, str | None]:
    """``cv2.imread`` of a JPEG and the first corrupt-data warning libjpeg gave, or None.

    libjpeg prints only its first warning of an image; one that means nothing to the pixels
    (an unknown JFIF revision) can therefore hide a later corrupt-data one.
    """
    with _STDERR_LOCK:
        try:
            sink = tempfile.TemporaryFile()
        except OSError:  # no temporary space: decode unchecked, as cv2 would
            return cv2.imread(str(path), cv2.IMREAD_UNCHANGED), None
        with sink:
            try:
                saved = os.dup(2)
            except OSError:  # no descriptor 2 to borrow: decode unchecked, as cv2 would
                return cv2.imread(str(path), cv2.IMREAD_UNCHANGED), None
            sys.stderr.flush()  # what Python buffered before goes out before the switch
            os.dup2(sink.fileno(), 2)
            try:
                img = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
            finally:
                sys.stderr.flush()
                os.dup2(saved, 2)
                os.close(saved)
            sink.seek(0)
            lines = sink.read().decode("utf-8", "replace").splitlines(keepends=True)
    corrupt = [line.strip() for line in lines if _is_corrupt(line.strip())]
    others = "".join(line for line in lines if not _is_corrupt(line.strip()))
    if others:  # another thread's output, or another library's message: not ours to swallow
        os.write(2, others.encode())
    return img, (corrupt[0] if corrupt else None)


def _decode_cv2(path: Path, info: ImageInfo, step: str) -> np.ndarray:
    if info.format == "JPEG":
        img, corrupt = _imread_jpeg(path)
        if corrupt is not None:
            raise _error(
                step,
                path,
                f"JPEG data is corrupt (libjpeg: {corrupt}); its decoder would fill the damaged part with grey",
                _FIX_REEXPORT,
            )
    else:
        img = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if img is None:
        raise _error(step, path, f"{info.format} file is truncated or damaged", _FIX_REEXPORT)
    return img  # BGR(A) or grey


def _decode_tiff(path: Path, step: str) -> np.ndarray:
    import tifffile

    try:
        with tifffile.TiffFile(path) as tif:
            page = tif.pages.first
            img = page.asarray()
            axes, photometric = page.axes, int(page.photometric)
            colormap = page.colormap
    except Exception as e:
        if "imagecodecs" in str(e):
            # LZW, JPEG, ... need the optional imagecodecs package; libtiff in OpenCV has them.
            decoded = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
            if decoded is None:
                raise _error(step, path, f"TIFF file is truncated or damaged ({e})", _FIX_REEXPORT) from None
            return _to_rgb(decoded, from_bgr=True)
        raise _error(step, path, f"TIFF file is truncated or damaged ({e})", _FIX_REEXPORT) from None
    if img.dtype not in (np.uint8, np.uint16):
        raise _error(
            step,
            path,
            f"TIFF sample type {img.dtype} is not supported",
            "save it as 8- or 16-bit integer TIFF",
            field="dtype",
            value=str(img.dtype),
        )
    if axes.endswith("SYX") and img.ndim == 3:  # planar: channels first
        img = np.moveaxis(img, 0, -1)
    if photometric == 3 and colormap is not None:  # palette: 16-bit colour map entries
        cmap = np.moveaxis(np.asarray(colormap), 0, -1)
        img = cmap[img] if cmap.max() > 255 else cmap[img].astype(np.uint8)
    elif photometric == 0:  # MINISWHITE: 0 is white
        img = np.iinfo(img.dtype).max - img
    elif photometric not in (1, 2):
        raise _error(
            step,
            path,
            f"TIFF photometric interpretation {photometric} (e.g. CMYK, YCbCr, Lab) is not supported",
            "save it as RGB or greyscale TIFF",
            field="photometric",
            value=photometric,
        )
    return _to_rgb(np.ascontiguousarray(img), from_bgr=False)


def _decode_pil(path: Path, max_pixels: int, step: str) -> np.ndarray:
    with _pil_open(path, max_pixels, step) as im:
        try:
            im = im.convert("RGBA" if "A" in im.getbands() or "transparency" in im.info else "RGB")
        except OSError as e:
            raise _error(step, path, f"{im.format} file is truncated or damaged ({e})", _FIX_REEXPORT) from None
        return np.array(im)


def _to_rgb(img: np.ndarray, from_bgr: bool) -> np.ndarray:
    """(H, W), (H, W, 1|2|3|4) -> (H, W, 3|4) RGB(A), in place where the channel count stays."""
    if img.ndim == 2:
        img = img[..., None]
    c = img.shape[2]
    if c == 1:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2RGB)
    if c == 2:  # grey + alpha
        return np.concatenate([img[..., :1], img], axis=2)
    if c > 4:  # extra samples beyond alpha carry no colour
        img = np.ascontiguousarray(img[..., :4])
        c = 4
    if from_bgr:
        cv2.cvtColor(img, cv2.COLOR_BGR2RGB if c == 3 else cv2.COLOR_BGRA2RGBA, dst=img)
    return img


def _apply_orientation(img: np.ndarray, orientation: int) -> np.ndarray:
    """Undo EXIF orientation 2..8 (flips as numpy views, rotations through cv2.rotate)."""
    if orientation in (5, 6, 7, 8):
        img = cv2.rotate(
            img,
            {
                5: cv2.ROTATE_90_CLOCKWISE,
                6: cv2.ROTATE_90_CLOCKWISE,
                7: cv2.ROTATE_90_COUNTERCLOCKWISE,
                8: cv2.ROTATE_90_COUNTERCLOCKWISE,
            }[orientation],
        )
        return np.ascontiguousarray(img[:, ::-1]) if orientation in (5, 7) else img
    if orientation == 2:
        return np.ascontiguousarray(img[:, ::-1])
    if orientation == 3:
        return cv2.rotate(img, cv2.ROTATE_180)
    if orientation == 4:
        return np.ascontiguousarray(img[::-1])
    return img


def read_image(path, *, max_pixels: int = DEFAULT_MAX_PIXELS, step: str = "pano") -> np.ndarray:
    """Decode an image file to an RGB(A) array.

    Parameters
    ----------
    path : str or Path
        JPEG, PNG (8/16 bit, grey, palette, alpha) or TIFF (8/16 bit); other formats Pillow reads.
    max_pixels : int
        Refuse images with more than this many pixels (width x height), checked from the header
        before decoding.
    step : str
        Step name for error messages.

    Returns
    -------
    (H, W, 3|4) uint8 or uint16 array, C-contiguous, RGB(A) order, EXIF orientation applied (JPEG).

    Raises
    ------
    VtourError
        Missing file, not an image, truncated or damaged file, too many pixels.
    """
    path = Path(path)
    info = probe_image(path, step=step)
    if info.pixels > max_pixels:
        raise _too_many(step, path, info, max_pixels)
    if info.format == "JPEG" and not _jpeg_is_complete(path):  # both decoders would grey-fill it
        raise _error(step, path, "JPEG file is truncated (its image data ends before the end marker)", _FIX_REEXPORT)
    if info.format == "TIFF":
        img = _decode_tiff(path, step)
    elif info.format in ("JPEG", "PNG") and info.pixels <= _CV2_MAX_PIXELS:
        img = _to_rgb(_decode_cv2(path, info, step), from_bgr=True)
    else:  # other formats, or past OpenCV's compiled-in limit (8-bit only through Pillow)
        img = _to_rgb(_decode_pil(path, max_pixels, step), from_bgr=False)
    return _apply_orientation(img, info.orientation)


def to_uint8(img: np.ndarray) -> np.ndarray:
    """uint16 -> uint8 by ``round(x / 257)`` (65535 -> 255); uint8 is returned as is.

    Any shape; channels are kept (alpha too). Runs in OpenCV without a wider temporary.
    """
    if img.dtype == np.uint8:
        return img
    if img.dtype != np.uint16:
        raise ValueError(f"to_uint8: expected uint8 or uint16 pixels, got {img.dtype}")
    if img.ndim == 3 and img.shape[2] > 4:  # cv2 handles at most 4 channels per call
        return np.dstack([to_uint8(img[..., i : i + 4]) for i in range(0, img.shape[2], 4)])
    return cv2.convertScaleAbs(img, alpha=1 / 257)


def _to_bgr(img: np.ndarray) -> np.ndarray:
    if img.ndim == 2:
        return img
    if img.shape[2] == 3:
        return cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
    if img.shape[2] == 4:
        return cv2.cvtColor(img, cv2.COLOR_RGBA2BGRA)
    raise ValueError(f"images: expected 1, 3 or 4 channels, got shape {img.shape}")


def encode_jpeg(rgb: np.ndarray, quality: int = 85) -> bytes:
    """Baseline JPEG bytes (4:2:0 chroma, not progressive) of an ``(H, W, 3|4)`` uint8 RGB(A) array.

    Alpha is dropped: the caller composites first. quality in [1, 100].
    """
    if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] not in (3, 4):
        raise ValueError(f"encode_jpeg: expected (H, W, 3|4) uint8, got {rgb.shape} {rgb.dtype}; call to_uint8 first")
    bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR if rgb.shape[2] == 3 else cv2.COLOR_RGBA2BGR)
    ok, buf = cv2.imencode(
        ".jpg",
        bgr,
        [
            cv2.IMWRITE_JPEG_QUALITY,
            int(quality),
            cv2.IMWRITE_JPEG_PROGRESSIVE,
            0,
            cv2.IMWRITE_JPEG_SAMPLING_FACTOR,
            cv2.IMWRITE_JPEG_SAMPLING_FACTOR_420,
        ],
    )
    if not ok:
        raise ValueError(f"encode_jpeg: OpenCV could not encode an image of shape {rgb.shape}")
    return buf.tobytes()


def write_image(path, img: np.ndarray, *, quality: int = 90) -> None:
    """Write ``(H, W[, 3|4])`` uint8/uint16 RGB(A) pixels; the format follows the suffix.

    JPEG (8-bit, alpha dropped), PNG and TIFF (8/16-bit, alpha kept). Written atomically.
    """
    path = Path(path)
    ext = path.suffix.lower()
    if ext in (".jpg", ".jpeg"):
        data = encode_jpeg(to_uint8(img) if img.ndim == 3 else cv2.cvtColor(to_uint8(img), cv2.COLOR_GRAY2RGB), quality)
    elif ext in (".png", ".tif", ".tiff"):
        ok, buf = cv2.imencode(ext, _to_bgr(img))
        if not ok:
            raise ValueError(f"write_image: OpenCV could not encode {path.name} from {img.shape} {img.dtype}")
        data = buf.tobytes()
    else:
        raise ValueError(f"write_image: unsupported suffix {ext!r} in {path}; use .jpg, .png or .tif")
    write_bytes_atomic(path, data)
