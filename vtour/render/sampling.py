"""Textures for the ray caster: linear-light mip pyramids and trilinear sampling.

Texels are filtered in linear light (averaging sRGB values darkens edges and fine patterns), stored
as ``uint16`` (linear value x 65535: enough precision for dark tones, half the memory of float32)
so that OpenCV's multithreaded ``remap`` does the bilinear fetches. UVs follow glTF (origin at the
image's top-left, v down) and wrap outside [0, 1] (``BORDER_WRAP``), as OBJ and glTF repeat them.
"""

from __future__ import annotations

import cv2
import numpy as np

_SRGB8_TO_LINEAR16 = np.round(
    65535.0 * np.where((c := np.arange(256) / 255.0) <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
).astype(np.uint16)
_LINEAR16_TO_SRGB8 = np.round(
    255.0 * np.where((l := np.arange(65536) / 65535.0) <= 0.0031308, 12.92 * l, 1.055 * l ** (1 / 2.4) - 0.055)
).astype(np.uint8)
#: Rows of the remap maps: OpenCV wants 2-D maps no wider than SHRT_MAX.
_MAP_COLS = 1024


def srgb_to_linear(image: np.ndarray) -> np.ndarray:
    """(..., C) uint8 sRGB -> (..., C) float32 linear in [0, 1]."""
    return _SRGB8_TO_LINEAR16[image].astype(np.float32) / 65535.0


def linear_to_srgb(linear: np.ndarray) -> np.ndarray:
    """(..., C) float linear (clipped to [0, 1]) -> (..., C) uint8 sRGB, rounded."""
    q = np.clip(linear * 65535.0 + 0.5, 0, 65535).astype(np.uint16)
    return _LINEAR16_TO_SRGB8[q]


def mip_pyramid(image: np.ndarray) -> tuple[np.ndarray, ...]:
    """Linear-light mip chain of an sRGB texture, full size down to 1 px on the long side.

    Parameters
    ----------
    image : (h, w, 3 or 4) uint8 sRGB; alpha is dropped (the renderer treats surfaces as opaque).

    Returns
    -------
    tuple of (h_k, w_k, 3) uint16 arrays, linear x 65535; level k is the box-filtered level k-1
    (``cv2.INTER_AREA``) at half the size, rounded down, at least 1 px.
    """
    level = _SRGB8_TO_LINEAR16[np.ascontiguousarray(image[..., :3])]
    levels = [level]
    while max(level.shape[:2]) > 1:
        h, w = level.shape[:2]
        level = cv2.resize(level.astype(np.float32), (max(w // 2, 1), max(h // 2, 1)), interpolation=cv2.INTER_AREA)
        level = np.round(level).astype(np.uint16)
        levels.append(level)
    return tuple(levels)


def sample_bilinear(level: np.ndarray, uv: np.ndarray) -> np.ndarray:
    """Bilinear, wrapping fetch of one mip level.

    Parameters
    ----------
    level : (h, w, 3) uint16 linear texture
    uv : (n, 2) float32 glTF UVs; texel centres sit at ``(i + 0.5) / w``

    Returns
    -------
    (n, 3) float32 linear colours in [0, 1].
    """
    n = len(uv)
    if n == 0:
        return np.zeros((0, 3), np.float32)
    h, w = level.shape[:2]
    rows = -(-n // _MAP_COLS)
    maps = np.zeros((2, rows * _MAP_COLS), np.float32)
    maps[0, :n] = uv[:, 0] * w - 0.5
    maps[1, :n] = uv[:, 1] * h - 0.5
    # Keep coordinates small: remap's fixed-point arithmetic loses precision on large values.
    maps[0, :n] %= w
    maps[1, :n] %= h
    out = cv2.remap(
        level,
        maps[0].reshape(rows, _MAP_COLS),
        maps[1].reshape(rows, _MAP_COLS),
        cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_WRAP,
    )
    return out.reshape(-1, 3)[:n].astype(np.float32) * np.float32(1 / 65535)


def sample_trilinear(levels: tuple[np.ndarray, ...], uv: np.ndarray, lod: np.ndarray) -> np.ndarray:
    """Trilinear fetch: bilinear in the two mip levels around ``lod``, blended linearly.

    Parameters
    ----------
    levels : mip chain from :func:`mip_pyramid`
    uv : (n, 2) float32
    lod : (n,) float32 level of detail; 0 = full size, negative magnifies (level 0), clipped at the
        coarsest level.

    Returns
    -------
    (n, 3) float32 linear colours.
    """
    top = len(levels) - 1
    lod = np.clip(np.nan_to_num(lod, nan=top, posinf=top), 0.0, top).astype(np.float32)
    base = np.minimum(lod.astype(np.int16), top)
    frac = (lod - base)[:, None]
    out = np.empty((len(uv), 3), np.float32)
    order = np.argsort(base, kind="stable")
    counts = np.bincount(base, minlength=top + 1)
    start = 0
    for k, count in enumerate(counts):
        if count == 0:
            continue
        idx = order[start : start + count]
        start += count
        c = sample_bilinear(levels[k], uv[idx])
        if k < top:
            f = frac[idx]
            blend = f[:, 0] > 1e-3
            if blend.any():
                c[blend] += f[blend] * (sample_bilinear(levels[k + 1], uv[idx[blend]]) - c[blend])
        out[idx] = c
    return out
