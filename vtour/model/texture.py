"""Resize a base-colour texture for a level of detail and encode it as JPEG or WebP.

A level's texture size is the longest side in pixels; a texture is only ever shrunk (Lanczos, in
sRGB as stored), never enlarged, and keeps its aspect ratio. UVs are resolution-independent, so they
need no change. A texture with real transparency cannot be JPEG: it is written as PNG, with a warning.
"""

from __future__ import annotations

import io
import warnings

import numpy as np

from vtour.errors import VtourError, VtourWarning

#: Encodings a level may use, with their glTF MIME type.
MIME = {"jpeg": "image/jpeg", "webp": "image/webp", "png": "image/png"}
#: Quality 90 keeps scan detail (pores, tool marks) with no visible blocking at 2k.
QUALITY = 90


def resize_texture(image: np.ndarray, max_size: int) -> np.ndarray:
    """Shrink ``image`` ((h, w, c) uint8) so its longest side is at most ``max_size`` pixels."""
    from PIL import Image

    if max_size < 1:
        raise VtourError("model", f"texture: size {max_size} px is below 1", field="texture_size",
                         value=max_size)
    h, w = image.shape[:2]
    scale = max_size / max(h, w)
    if scale >= 1.0:
        return image
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.asarray(Image.fromarray(image).resize(size, Image.Resampling.LANCZOS))


def encode_texture(image: np.ndarray, fmt: str, quality: int = QUALITY) -> tuple[bytes, str]:
    """Encode ``image`` ((h, w, 3 or 4) uint8); returns (bytes, format actually used)."""
    from PIL import Image

    if fmt not in ("jpeg", "webp"):
        raise VtourError("model", f"texture format {fmt!r} is not jpeg or webp",
                         field="texture_format", value=fmt)
    if image.ndim == 3 and image.shape[2] == 4 and image[..., 3].min() == 255:
        image = image[..., :3]
    if fmt == "jpeg" and image.ndim == 3 and image.shape[2] == 4:
        warnings.warn("model: texture has transparency, which JPEG cannot hold; writing PNG; "
                      "use --texture-format webp for a smaller file", VtourWarning, stacklevel=2)
        fmt = "png"
    buf = io.BytesIO()
    pil = Image.fromarray(image)
    if fmt == "jpeg":
        pil.save(buf, "JPEG", quality=quality, optimize=True, subsampling=0 if quality >= 90 else 2)
    elif fmt == "webp":
        pil.save(buf, "WEBP", quality=quality, method=4)
    else:
        pil.save(buf, "PNG", optimize=True)
    return buf.getvalue(), fmt
