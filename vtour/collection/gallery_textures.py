"""The gallery room's surfaces (:mod:`vtour.collection.gallery`): procedural sRGB uint8 textures with
the room's light baked in (the wall's light pools over each object, its skirting and the architraves
round the doorways; the stone floor with the shade along the wall, the skylight's pool and the
plinths' contact shadows; the skylit ceiling; the plinths' sides) and the materials made of them.
Every random draw comes from the ``rng`` passed in, in a fixed order: the same seed, the same bytes.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from vtour.collection.gallery_layout import (
    DOOR_HALF_WIDTH,
    DOOR_HEIGHT,
    DOORS,
    PICTURE_Y,
    ROOM_HEIGHT,
    ROOM_RADIUS,
    Placement,
    _frame,
    _plinth_half,
    floor_half,
)
from vtour.conventions import wrap_yaw
from vtour.model.mesh import Material

# sRGB colours of the room
WALL = (206, 200, 189)
SKIRTING = (96, 90, 82)
FLOOR = (150, 141, 128)
CEILING = (232, 230, 225)
SKYLIGHT = (240, 240, 236)
PASSAGE_END = (238, 234, 226)
#: A picture's frame, and the panel hung for an object without an image.
FRAME_COLOUR, BLANK = (48, 42, 36), (228, 224, 214)
#: The room's materials, in the order of their indices in the room's mesh (:func:`room_materials`).
ROOM_MATERIALS = ("floor", "wall", "ceiling", "passage", "lintel", "beyond", "plinth_top", "plinth_side", "frame")


def _smooth(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)


def _to_image(base, shade: np.ndarray, rng: np.random.Generator, grain: float = 1.5) -> np.ndarray:
    """``base`` (3,) or (h, w, 3) sRGB times ``shade`` (h, w), with a fine grain of ``grain`` levels."""
    img = np.asarray(base, np.float32) * shade[..., None]
    img += rng.normal(0.0, grain, shade.shape).astype(np.float32)[..., None]
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def _mottle(rng: np.random.Generator, h: int, w: int, cells: int, amount: float) -> np.ndarray:
    """(h, w) float32 around 1: low-frequency unevenness of plaster or stone."""
    coarse = rng.normal(0.0, 1.0, (max(2, h // cells), max(2, w // cells))).astype(np.float32)
    return 1.0 + amount * cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)


def wall_texture(placements: list[Placement], doors: list[str], width: int, rng: np.random.Generator) -> np.ndarray:
    """The round wall's texture: u = yaw -180..180, v = height from the top."""
    w = int(np.clip(round(width * 1.2), 256, 5120))
    h = max(16, round(w * ROOM_HEIGHT / (2 * math.pi * ROOM_RADIUS)))
    yaw = (np.arange(w) + 0.5) / w * 360.0 - 180.0
    y = ROOM_HEIGHT * (1 - (np.arange(h)[:, None] + 0.5) / h)
    shade = 1.0 - 0.12 * np.exp(-(ROOM_HEIGHT - y) / 0.22) - 0.12 * (1 - y / ROOM_HEIGHT) ** 2 + 0 * yaw
    arc = math.radians(1) * ROOM_RADIUS  # metres of wall per degree
    for p in placements:
        along = np.vectorize(wrap_yaw)(yaw - p.yaw) * arc
        at = PICTURE_Y + 0.25 if p.kind == "picture" else 2.1
        shade = shade + 0.1 * np.exp(-0.5 * ((along / 0.75) ** 2 + ((y - at) / 0.8) ** 2))
    shade *= _mottle(rng, h, w, 48, 0.012)
    img = _to_image(WALL, shade, rng)
    skirting = y[:, 0] < 0.12
    img[skirting] = _to_image(SKIRTING, np.ones((int(skirting.sum()), w)), rng, 1.0)
    line = (y[:, 0] >= 0.12) & (y[:, 0] < 0.14)
    img[line] = (img[line] * 0.82).astype(np.uint8)
    for name in doors:  # a darker architrave round each doorway
        along = np.abs(np.vectorize(wrap_yaw)(yaw - DOORS[name])) * arc
        band = (along[None, :] < DOOR_HALF_WIDTH + 0.09) & (y < DOOR_HEIGHT + 0.09)
        img[band] = (img[band] * 0.7).astype(np.uint8)
    return img


def _plane_grid(n: int, half: float) -> tuple[np.ndarray, np.ndarray]:
    """(n, n) x and z of the pixel centres of a texture covering [-half, half]^2, row = z."""
    c = (-half + 2 * half * (np.arange(n) + 0.5) / n).astype(np.float32)  # float32: 4 M pixels at 4096
    return np.meshgrid(c, c)


def floor_texture(placements: list[Placement], width: int, rng: np.random.Generator) -> np.ndarray:
    """Stone laid in rings round a central medallion, the shade of the walls and plinths baked in."""
    n = int(np.clip(width // 2, 128, 2048))
    half = floor_half()
    x, z = _plane_grid(n, half)
    r, theta = np.hypot(x, z), np.arctan2(x, -z)
    ring_w, joint = 0.9, 0.012
    ring = np.floor(r / ring_w)
    segments = np.maximum(1, np.round(2 * np.pi * (ring + 0.5) * ring_w / ring_w))
    seg = np.floor((theta + np.pi) / (2 * np.pi) * segments)
    tones = 1.0 + rng.normal(0.0, 0.03, 4096).astype(np.float32)
    shade = tones[((ring * 131 + seg * 17) % 4096).astype(np.int64)]
    shade[r < ring_w] = 1.06  # the medallion
    on_ring = np.abs(r / ring_w - np.round(r / ring_w)) * ring_w < joint / 2
    frac = ((theta + np.pi) / (2 * np.pi) * segments) % 1
    seg_len = 2 * np.pi * np.maximum(r, 0.1) / segments
    on_radial = (np.minimum(frac, 1 - frac) * seg_len < joint / 2) & (r > ring_w)
    shade = np.where(on_ring | on_radial, 0.8, shade) * _mottle(rng, n, n, 32, 0.02)
    shade *= 1.0 - 0.28 * _smooth((r - (ROOM_RADIUS - 0.6)) / 0.6)  # darker along the wall
    shade *= 1.0 + 0.08 * np.exp(-0.5 * (r / 1.8) ** 2)  # the skylight's pool
    px = n / (2 * half)  # pixels per metre
    mask = np.zeros((n, n), np.float32)
    for p in placements:
        if p.kind != "model":
            continue
        f, rt = _frame(p.yaw)
        hw = _plinth_half(p) + 0.03
        c = np.array([p.centre[0], p.centre[2]])
        corners = [c + a * rt[[0, 2]] + b * f[[0, 2]] for a, b in ((-hw, -hw), (hw, -hw), (hw, hw), (-hw, hw))]
        pts = np.round((np.array(corners) + half) * px - 0.5).astype(np.int32)
        cv2.fillConvexPoly(mask, pts, 1.0, cv2.LINE_AA)
    if mask.any():
        sigma = max(1.0, 0.12 * px)
        shadow = cv2.GaussianBlur(mask, (0, 0), sigma)
        shade *= 1.0 - 0.45 * np.clip(shadow, 0, 1)
    return _to_image(FLOOR, shade, rng, 2.0)


def _plinth_side() -> np.ndarray:
    """A plinth's side: lit from above, a little darker towards the floor (v = 0 at the top)."""
    shade = np.linspace(1.0, 0.84, 64, dtype=np.float32)[:, None] * np.ones((1, 4), np.float32)
    return np.clip(np.round(np.array((218, 215, 209), np.float32) * shade[..., None]), 0, 255).astype(np.uint8)


def ceiling_texture(width: int, rng: np.random.Generator) -> np.ndarray:
    """A plaster ceiling with a round skylight of four panes in the middle (edges anti-aliased)."""
    n = int(np.clip(width // 2, 64, 2048))
    half = floor_half()
    x, z = _plane_grid(n, half)
    r = np.hypot(x, z)
    px = n / (2 * half)
    sky, rim, bar = 1.1, 0.12, 0.025

    def inside(d):  # 1 inside (d < 0), 0 outside, over about a pixel
        return np.clip(0.5 - d * px, 0.0, 1.0)

    ceiling = np.asarray(CEILING, np.float32) * (1.0 - 0.16 * _smooth(r / ROOM_RADIUS))[..., None]
    glass = np.asarray(SKYLIGHT, np.float32) * (1.0 - 0.04 * (r / sky) ** 2)[..., None]
    frame = np.asarray(CEILING, np.float32) * 0.8
    muntin = inside(np.minimum(np.abs(x), np.abs(z)) - bar) * inside(r - sky)
    img = ceiling + (frame - ceiling) * inside(r - sky - rim)[..., None]
    img = img + (glass - img) * inside(r - sky)[..., None]
    img = img + (frame * 1.05 - img) * muntin[..., None]
    img *= _mottle(rng, n, n, 32, 0.008)[..., None]
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def _linear(rgb) -> tuple[float, float, float, float]:
    c = np.asarray(rgb, np.float64) / 255
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return (*lin.tolist(), 1.0)


def room_materials(
    placements: list[Placement], doors: list[str], width: int, rng: np.random.Generator
) -> list[Material]:
    """The room's materials in :data:`ROOM_MATERIALS` order, the textures sized for a panorama ``width``
    px wide (``rng`` draws the floor's, then the wall's, then the ceiling's)."""
    return [
        Material("floor", texture=floor_texture(placements, width, rng)),
        Material("wall", texture=wall_texture(placements, doors, width, rng)),
        Material("ceiling", texture=ceiling_texture(width, rng)),
        Material("passage", base_color=_linear([c * 0.88 for c in WALL])),
        Material("lintel", base_color=_linear([c * 0.8 for c in WALL])),
        Material("beyond", base_color=_linear(PASSAGE_END)),
        Material("plinth_top", base_color=_linear((238, 236, 231))),
        Material("plinth_side", texture=_plinth_side()),
        Material("frame", base_color=_linear(FRAME_COLOUR)),
    ]


def picture_material(key: str, picture: np.ndarray | None) -> Material:
    """The material of object ``key``'s picture: its (h, w, 3) uint8 image, or a blank panel's colour."""
    return Material(f"picture:{key}", texture=picture, base_color=_linear(BLANK) if picture is None else (1, 1, 1, 1))
