"""Resize a material's maps for a level of detail and encode them as JPEG or WebP.

A level's texture size is the longest side in pixels; a map is only ever shrunk, never enlarged,
and keeps its aspect ratio. UVs are resolution-independent, so they need no change. Every map of a
material (base colour, metallic-roughness, occlusion, emissive, normal) gets the level's size:
the normal map carries exactly the detail the simplifier removed, so a coarse level needs it most,
and at the thumb level's 512 px it costs tens of kilobytes (the Avocado's lod0 grows from 47 KB
to 119 KB with its normal and metallic-roughness maps, JPEG).

* Colour and factor maps are resized with Lanczos on the stored values (sRGB for colours).
* Normal maps are decoded to vectors (``rgb / 255 * 2 - 1``), each component resized with
  Lanczos in float, then renormalized to unit length (a filtered normal map shortens its vectors
  and Lanczos may overshoot) and encoded back; a zero vector becomes +Z.
* Data maps (normal, metallic-roughness, occlusion; see ``mesh.DATA_ROLES``) are always JPEG at
  quality ``max(quality, DATA_QUALITY)`` without chroma subsampling (4:4:4), so the channels stay
  independent, even when the level's format is WebP: lossy WebP is always 4:2:0, and lossless
  WebP is 2-3x larger. Measured on the Avocado's normal map at 512 px: JPEG 95 4:4:4 61 KB, mean
  error 0.8 degrees (99th percentile 3.0); lossless WebP 131 KB; PNG 196 KB; lossy WebP 95 31 KB
  (0.9 degrees), but on fine ripples (``synthetic.bumpy_normal_map``) its decoded vectors were
  14-21 % off unit length on average, against 2-3 % for JPEG 95 4:4:4. Alpha is dropped.
* A base colour with real transparency cannot be JPEG: it is written as PNG, with a warning.
"""

from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import Image

from vtour.errors import VtourError, VtourWarning
from vtour.model.mesh import DATA_ROLES

#: Encodings a level may use, with their glTF MIME type.
MIME = {"jpeg": "image/jpeg", "webp": "image/webp", "png": "image/png"}
#: Quality 90 keeps scan detail (pores, tool marks) with no visible blocking at 2k.
QUALITY = 90
#: The lowest quality a data map (normal, metallic-roughness, occlusion) is encoded at.
DATA_QUALITY = 95


def resize_texture(image: np.ndarray, max_size: int) -> np.ndarray:
    """Shrink ``image`` ((h, w, c) uint8) so its longest side is at most ``max_size`` pixels."""

    if max_size < 1:
        raise VtourError("model", f"texture: size {max_size} px is below 1", field="texture_size", value=max_size)
    h, w = image.shape[:2]
    scale = max_size / max(h, w)
    if scale >= 1.0:
        return image
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.asarray(Image.fromarray(image).resize(size, Image.Resampling.LANCZOS))


def resize_normal_map(image: np.ndarray, max_size: int) -> np.ndarray:
    """Shrink a tangent-space normal map like :func:`resize_texture`, keeping unit normals.

    Returns (h', w', 3) uint8 whose decoded texels ``rgb / 255 * 2 - 1`` are unit vectors (to 8-bit
    rounding). An image that needs no shrinking is renormalized all the same.
    """

    if max_size < 1:
        raise VtourError("model", f"texture: size {max_size} px is below 1", field="texture_size", value=max_size)
    vectors = image[..., :3].astype(np.float32) / 127.5 - 1.0
    h, w = image.shape[:2]
    scale = max_size / max(h, w)
    if scale < 1.0:
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        vectors = np.stack(
            [
                np.asarray(
                    Image.fromarray(np.ascontiguousarray(vectors[..., c]), "F").resize(size, Image.Resampling.LANCZOS)
                )
                for c in range(3)
            ],
            axis=-1,
        )
    return encode_normals(vectors)


def encode_normals(vectors: np.ndarray) -> np.ndarray:
    """(h, w, 3) float vectors -> uint8 normal-map texels, normalized first (zero -> +Z)."""
    length = np.linalg.norm(vectors, axis=-1, keepdims=True)
    flat = length[..., 0] < 1e-6
    vectors = vectors / np.maximum(length, 1e-6)
    vectors[flat] = (0.0, 0.0, 1.0)
    return np.rint((vectors + 1.0) * 127.5).clip(0, 255).astype(np.uint8)


def encode_map(image: np.ndarray, role: str, fmt: str, quality: int = QUALITY) -> tuple[bytes, str]:
    """Encode one material map (role as in ``mesh.MAP_ROLES``); data maps as JPEG 4:4:4, high
    quality, RGB, whatever ``fmt`` is (see the module's notes)."""
    if role in DATA_ROLES:
        rgb = image if image.ndim == 2 else image[..., :3]
        return encode_texture(np.ascontiguousarray(rgb), "jpeg", max(quality, DATA_QUALITY), subsampling=0)
    return encode_texture(image, fmt, quality)


def encode_texture(
    image: np.ndarray, fmt: str, quality: int = QUALITY, subsampling: int | None = None, lossless: bool = False
) -> tuple[bytes, str]:
    """Encode ``image`` ((h, w, 3 or 4) uint8); returns (bytes, format actually used).

    ``subsampling`` is JPEG's chroma subsampling (0 = 4:4:4); by default 4:4:4 from quality 90.
    ``lossless`` applies to WebP.
    """

    if fmt not in ("jpeg", "webp"):
        raise VtourError("model", f"texture format {fmt!r} is not jpeg or webp", field="texture_format", value=fmt)
    if image.ndim == 3 and image.shape[2] == 4 and image[..., 3].min() == 255:
        image = image[..., :3]
    if fmt == "jpeg" and image.ndim == 3 and image.shape[2] == 4:
        warnings.warn(
            "model: texture has transparency, which JPEG cannot hold; writing PNG; "
            "use --texture-format webp for a smaller file",
            VtourWarning,
            stacklevel=2,
        )
        fmt = "png"
    buf = io.BytesIO()
    pil = Image.fromarray(image)
    if fmt == "jpeg":
        if subsampling is None:
            subsampling = 0 if quality >= 90 else 2
        pil.save(buf, "JPEG", quality=quality, optimize=True, subsampling=subsampling)
    elif fmt == "webp":
        pil.save(buf, "WEBP", **({"lossless": True} if lossless else {"quality": quality}), method=4)
    else:
        pil.save(buf, "PNG", optimize=True)
    return buf.getvalue(), fmt
