"""An equirect as a source of pixel regions: in memory when small, else a raw copy on disc.

A source whose decoded pixels fit ``STREAM_ABOVE_BYTES`` (512 MB: a 13k x 6.5k RGB equirect) is
decoded into memory (:class:`ArraySource`: fastest). A larger one is decoded once, sequentially, by
libvips into a raw ``(H, W, C)`` uint8 file in the build's temporary folder (disc use = its decoded
size; removed with that folder, even on failure), and each region is read back through a
``numpy.memmap`` of just its rows (:class:`RawSource`), so the pages a remap touched leave the
process when the region is dropped. :mod:`vtour.pano.stream` makes the faces from either.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from vtour.errors import VtourError
from vtour.images import probe_image, read_image, to_uint8

#: Decoded sources larger than this (bytes) are streamed from a raw file instead of held in memory.
STREAM_ABOVE_BYTES = 512 * 2**20


class ArraySource:
    """An equirect held in memory: ``img`` (H, W, C) uint8."""

    def __init__(self, img: np.ndarray):
        if img.ndim == 2:
            img = img[..., None]
        self.img = img
        self.height, self.width, self.channels = img.shape

    def rows(self, y0: int, y1: int) -> np.ndarray:
        return self.img[y0:y1]

    def region(self, y0: int, y1: int, x0: int, x1: int) -> np.ndarray:
        """Rows ``y0:y1`` and columns ``x0:x1`` (any integers: taken modulo the width), a new array."""
        return wrapped_columns(self.rows(y0, y1), x0, x1)

    def close(self) -> None:
        pass


class RawSource(ArraySource):
    """An equirect decoded to a raw (H, W, C) uint8 file, read by regions (see the module docstring)."""

    def __init__(self, path: Path, height: int, width: int, channels: int):
        self.path = path
        self.height, self.width, self.channels = height, width, channels

    def rows(self, y0: int, y1: int) -> np.ndarray:
        # a mapping of these rows only: dropped with the region, so its pages leave the process
        return np.memmap(
            self.path, np.uint8, "r", offset=y0 * self.width * self.channels, shape=(y1 - y0, self.width, self.channels)
        )

    def region(self, y0: int, y1: int, x0: int, x1: int) -> np.ndarray:
        mm = self.rows(y0, y1)
        try:
            return wrapped_columns(mm, x0, x1)
        finally:
            del mm

    def close(self) -> None:
        self.path.unlink(missing_ok=True)


def wrapped_columns(rows: np.ndarray, x0: int, x1: int) -> np.ndarray:
    w = rows.shape[1]
    parts = []
    x = x0
    while x < x1:
        s = x % w
        take = min(x1 - x, w - s)
        parts.append(rows[:, s : s + take])
        x += take
    return np.array(parts[0]) if len(parts) == 1 else np.concatenate(parts, axis=1)


def open_equirect(
    path: Path,
    *,
    max_pixels: int,
    work_dir: Path | None,
    stream_above: int | None = None,
    memory_pixels: int | None = None,
) -> ArraySource:
    """The equirect at ``path`` as a source of regions: in memory when small, else a raw file.

    ``work_dir`` holds the raw file (the build's temporary folder: removed with it); None streams
    nothing (every source is decoded into memory). ``stream_above`` overrides ``STREAM_ABOVE_BYTES``.
    ``max_pixels`` refuses larger files; ``memory_pixels`` (default ``max_pixels``) refuses a file that
    would be decoded whole into memory (``work_dir`` None) with more pixels.

    Raises
    ------
    VtourError
        Naming the file: unreadable, too many pixels, or no room for its decoded copy.
    """
    info = probe_image(path)
    if info.pixels > max_pixels:
        read_image(path, max_pixels=max_pixels)  # raises the reader's own message
    limit = STREAM_ABOVE_BYTES if stream_above is None else stream_above
    if work_dir is None or info.pixels * 3 <= limit:
        in_memory = max_pixels if memory_pixels is None else min(max_pixels, memory_pixels)
        return ArraySource(to_uint8(read_image(path, max_pixels=in_memory)))
    # the decoded copy is at most 4 bytes a pixel (RGBA); refuse before hours of decoding fill the disc
    free = shutil.disk_usage(work_dir).free
    if info.pixels * 4 > free:
        raise _no_room(path, work_dir / ".source.raw", f"{free / 2**30:.1f} GB free")
    return _decode_to_raw(path, work_dir / ".source.raw")


def _no_room(path: Path, raw: Path, why: str) -> VtourError:
    info = probe_image(path)
    gb = info.width * info.height * 4 / 2**30  # at most RGBA
    return VtourError(
        "pano",
        f"could not write the decoded copy of {path.name} ({why}); it needs {gb:.1f} GB",
        path=raw,
        fix="free disc space beside the output folder, or build into a folder on a larger disc",
    )


def _decode_to_raw(path: Path, raw: Path) -> RawSource:
    from vtour.image.build import _pyvips  # lazy: libvips only for large sources

    pyvips = _pyvips()
    try:
        img = pyvips.Image.new_from_file(str(path), access="sequential", fail_on="error")
        if img.get_typeof("orientation") and img.get("orientation") not in (0, 1):
            img = img.autorot()
        if img.interpretation not in ("srgb", "rgb", "b-w"):  # CMYK (its K is no alpha), Lab, 16-bit RGB
            img = img.colourspace("srgb" if img.bands >= 3 else "b-w")
        if img.format != "uchar":
            img = img.cast("uchar")
        if img.bands in (1, 2):  # grey (+ alpha) -> RGB(A)
            grey = img[0]
            img = grey.bandjoin([grey, grey] + ([img[1]] if img.bands == 2 else []))
        elif img.bands > 4:
            img = img.extract_band(0, n=4)
        img.rawsave(str(raw))
    except pyvips.Error as e:
        raw.unlink(missing_ok=True)
        if "No space left" in str(e):
            raise _no_room(path, raw, "No space left on device") from None
        first = str(e).strip().splitlines()
        raise VtourError(
            "pano",
            f"libvips could not decode the equirect ({first[-1] if first else e})",
            path=path,
            fix="check the file opens in an image viewer, or export it again as JPEG, PNG or TIFF",
        ) from None
    except OSError as e:
        raw.unlink(missing_ok=True)
        raise _no_room(path, raw, e.strerror or str(e)) from None
    return RawSource(raw, img.height, img.width, img.bands)


__all__ = ["STREAM_ABOVE_BYTES", "ArraySource", "RawSource", "open_equirect"]
