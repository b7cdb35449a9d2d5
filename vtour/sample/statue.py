"""The sample grotto's statue: a seated Buddha on a lotus throne that looks like a photogrammetry
scan: dense (about 1 M triangles by default), textured through a cylindrical UV chart, with
sub-millimetre scanning noise and a few holes where a scanner could not see (under the chin,
behind the back, on top of the head).

The surface is a lathe: for each height, a superellipse cross-section whose half-axes follow a
profile of the figure (throne, crossed legs, torso, shoulders, neck, head, ushnisha), plus
displacements for the lotus petals, robe folds, arms, hands, nose, brows, ears and hair curls.
Rows are spaced evenly along the profile's arc length, so the throne's ledges get as many rows as
the slopes. Metres, +Y up, facing +Z, the base centred on the origin.

:func:`chip` carves a known loss into a scan (the sample's current scan has one on its right knee,
which an earlier scan of the intact statue, ``previous:`` in tour.yaml, shows as change).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from vtour.model.mesh import Material, Mesh
from vtour.sample import murals

#: (height, half-width x, half-depth z, z offset) of the cross-sections, bottom to top, metres.
PROFILE = np.array(
    [
        (0.00, 0.50, 0.46, 0.00),
        (0.08, 0.50, 0.46, 0.00),
        (0.12, 0.44, 0.40, 0.00),
        (0.22, 0.40, 0.36, 0.00),
        (0.30, 0.50, 0.44, 0.00),
        (0.42, 0.56, 0.48, 0.00),
        (0.45, 0.54, 0.46, 0.00),
        (0.47, 0.50, 0.40, 0.06),
        (0.58, 0.52, 0.40, 0.08),
        (0.68, 0.48, 0.36, 0.07),
        (0.74, 0.36, 0.26, 0.03),
        (0.80, 0.30, 0.20, 0.00),
        (0.95, 0.31, 0.19, -0.01),
        (1.10, 0.33, 0.18, -0.02),
        (1.18, 0.32, 0.17, -0.02),
        (1.24, 0.22, 0.14, -0.02),
        (1.28, 0.09, 0.09, -0.01),
        (1.32, 0.085, 0.09, 0.00),
        (1.34, 0.11, 0.12, 0.01),
        (1.40, 0.125, 0.135, 0.01),
        (1.47, 0.125, 0.135, 0.00),
        (1.54, 0.11, 0.12, -0.01),
        (1.58, 0.08, 0.09, -0.01),
        (1.60, 0.065, 0.065, -0.01),
        (1.66, 0.06, 0.06, -0.01),
        (1.70, 0.03, 0.03, -0.01),
        (1.715, 0.0, 0.0, -0.01),
    ]
)
HEIGHT = float(PROFILE[-1, 0])
#: Height of the chest, where a model hotspot aims (metres above the base).
CHEST = 1.05
#: Scanning noise: standard deviation along the surface normal, metres.
NOISE = 0.0008
#: The chip lost since the earlier scan: (height, angle from the front (rad, + towards +X), radius,
#: depth), metres; 2 % of the statue's height deep, on the front of its right knee.
CHIP = (0.62, -0.45, 0.06, 0.02 * 1.715)


def _gauss(x):
    return np.exp(-0.5 * x * x)


def _band(h, lo, hi, soft=0.02):
    return np.clip((h - lo) / soft, 0, 1) * np.clip((hi - h) / soft, 0, 1)


def _profile(rows: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Height, half-axes and z offset at ``rows + 1`` stations evenly spaced in arc length."""
    fine = np.linspace(0, HEIGHT, 4096)
    cols = [
        cv2.GaussianBlur(np.interp(fine, PROFILE[:, 0], PROFILE[:, k]).reshape(-1, 1), (1, 31), 0).ravel()
        for k in (1, 2, 3)
    ]
    cols[0][-1] = cols[1][-1] = 0.0  # close the top exactly
    ds = np.hypot(np.diff(fine), np.diff(0.5 * (cols[0] + cols[1])))
    s = np.concatenate([[0], np.cumsum(ds)])
    h = np.interp(np.linspace(0, s[-1], rows + 1), s, fine)
    return h, *(np.interp(h, fine, c) for c in cols)


def _radius(phi: np.ndarray, h: np.ndarray, ax, az) -> np.ndarray:
    """Superellipse cross-section (exponent 2.5: squarer than an ellipse) plus carved details."""
    n = 2.5
    s, c = np.abs(np.sin(phi)), np.abs(np.cos(phi))
    with np.errstate(divide="ignore"):
        r = 1.0 / ((s / np.maximum(ax, 1e-9)) ** n + (c / np.maximum(az, 1e-9)) ** n) ** (1 / n)
    r = np.where(ax[..., :1] > 1e-9, r, 0.0) if np.ndim(ax) else r
    front = np.cos(phi)
    side = np.abs(np.sin(phi))
    petals = np.maximum(0, np.cos(12 * phi)) ** 0.6 * _band(h, 0.27, 0.44, 0.04)
    petals2 = np.maximum(0, np.cos(12 * phi + math.pi)) ** 0.6 * _band(h, 0.3, 0.38, 0.03)
    folds = np.sin(30 * phi + 9 * h) * _band(h, 0.47, 1.2, 0.04)
    arms = side**8 * _band(h, 0.8, 1.17, 0.06)
    hands = _gauss(phi / 0.3) * _gauss((h - 0.77) / 0.03)
    nose = _gauss(phi / 0.1) * _gauss((h - 1.45) / 0.025)
    brow = _gauss(phi / 0.45) * _gauss((h - 1.49) / 0.01) * (front > 0)
    eyes = _gauss((np.abs(phi) - 0.28) / 0.09) * _gauss((h - 1.475) / 0.012)
    ears = _gauss((side - 1.0) / 0.03) * _gauss((h - 1.44) / 0.05)
    curls = np.sin(40 * phi) * np.sin(220 * h) * _band(h, 1.52, 1.7, 0.01) * (1 - (front > 0.8) * _band(h, 1.52, 1.56))
    return (
        r * (1 + 0.06 * petals + 0.03 * petals2)
        + 0.006 * folds
        + 0.05 * arms
        + 0.05 * hands
        + 0.018 * nose
        + 0.008 * brow
        - 0.007 * eyes
        + 0.03 * ears
        + 0.004 * curls
    )


def _texture(h_of_v, size: int, rng: np.random.Generator) -> np.ndarray:
    """Cylindrical texture: x = angle from the front (u = phi / 2 pi), y = arc length down from the top."""
    w, hgt = 2 * size, size
    u = (np.arange(w) + 0.5) / w
    v = (np.arange(hgt) + 0.5) / hgt
    phi, h = np.meshgrid(2 * np.pi * u, h_of_v(v))
    front = np.cos(phi)
    img = np.empty((hgt, w, 3), np.float32)
    img[:] = murals.RED
    skin = (
        ((h > 1.24) & (h < 1.56))
        | ((front > 0.75 + (1.24 - h) * 1.2) & (h > 1.06) & (h < 1.24))
        | ((front > 0.9) & (h > 0.73) & (h < 0.81))
    )
    hair = (h >= 1.52) & ~((front > 0.8) & (h < 1.55))
    throne = h < 0.45
    hem = (np.abs(h - 0.49) < 0.015) | ((front > 0.5) & (np.abs(front - 0.6) < 0.03) & (h > 0.8) & (h < 1.2))
    petal = np.maximum(0, np.cos(12 * phi)) > 0.25
    img[throne & petal] = murals.GREEN
    img[throne & ~petal] = murals.OCHRE
    img[throne & (h < 0.12)] = murals.INK
    img[hem] = murals.GREEN
    img[skin] = murals.GOLD
    img[hair] = murals.BLUE
    folds = (np.sin(30 * phi + 9 * h) > 0.92) & (h > 0.47) & (h < 1.2) & ~skin
    img[folds] *= 0.7
    img[(np.abs(h - 1.475) < 0.006) & (np.abs(np.abs(phi - np.pi) - np.pi + 0.28) < 0.05)] = murals.INK
    grime = cv2.resize(rng.random((16, 32)).astype(np.float32), (w, hgt), interpolation=cv2.INTER_CUBIC)
    img *= (0.8 + 0.25 * grime)[..., None]
    img *= (1 + 0.05 * rng.normal(0, 1, (hgt, w)).astype(np.float32))[..., None]  # photo grain
    return np.clip(img, 0, 255).astype(np.uint8)


def statue(rng: np.random.Generator, triangles: int = 1_000_000, texture_size: int = 1024) -> Mesh:
    """The seated Buddha as a scan-like textured Mesh with about ``triangles`` triangles.

    ``texture_size``: height of the (2:1) cylindrical texture, px.
    """
    cols = max(16, round(math.sqrt(triangles)))
    rows = max(8, triangles // (2 * cols))
    h, ax, az, zoff = _profile(rows)
    phi = np.linspace(0, 2 * np.pi, cols + 1)
    P, Hh = np.meshgrid(phi, h)  # (rows+1, cols+1)
    r = _radius(P, Hh, ax[:, None], az[:, None])
    r[-1] = 0.0
    r += rng.normal(0, NOISE, r.shape) * (r > 0)
    r[:, -1] = r[:, 0]  # the UV seam: same position twice
    pos = np.stack([r * np.sin(P), Hh, r * np.cos(P) + zoff[:, None]], -1)
    s = np.linspace(0, 1, rows + 1)
    uv = np.stack([P / (2 * np.pi), np.broadcast_to(1 - s[:, None], P.shape)], -1)
    ids = np.arange((rows + 1) * (cols + 1)).reshape(rows + 1, cols + 1)
    a, b, c, d = ids[:-1, :-1], ids[:-1, 1:], ids[1:, :-1], ids[1:, 1:]
    faces = np.stack([np.stack([a, b, d], -1), np.stack([a, d, c], -1)], 2).reshape(-1, 3)  # ccw outside
    # Holes where a scanner sees nothing: a few patches in occluded places.
    centre = pos.reshape(-1, 3)[faces].mean(axis=1)
    keep = np.ones(len(faces), bool)
    anchors = [(0.0, 1.31, 0.10), (math.pi, 1.0, 0.2), (math.pi * 0.8, 0.6, 0.3), (0.0, 1.70, 0.0)]
    for ang, height, jitter in anchors:
        a_ = ang + rng.uniform(-jitter, jitter)
        target = np.array([0.3 * math.sin(a_), height + rng.uniform(-0.03, 0.03), 0.3 * math.cos(a_)])
        d2 = (centre[:, 1] - target[1]) ** 2 + (
            (np.arctan2(centre[:, 0], centre[:, 2]) - a_ + np.pi) % (2 * np.pi) - np.pi
        ) ** 2 * 0.04
        keep &= d2 > rng.uniform(0.02, 0.035) ** 2
    faces = faces[keep]
    v_of_h = lambda v: np.interp(1 - v, s, h)  # noqa: E731  texture row -> height
    material = Material("statue", texture=_texture(v_of_h, texture_size, rng))
    mesh = Mesh(
        positions=pos.reshape(-1, 3),
        faces=faces.astype(np.int64),
        uv=uv.reshape(-1, 2),
        materials=(material,),
        units="m",
        source="vtour sample statue",
    )
    used = np.unique(faces)
    return mesh.with_vertices(used, faces)


def chip(mesh: Mesh, chip: tuple[float, float, float, float] = CHIP) -> Mesh:
    """``mesh`` with a roughly round loss carved in: vertices within ``radius`` (3D distance, the
    rim wavy by +-12 %) of the surface point at (height, angle) are pushed inwards along their
    normals by ``depth``, flat at the bottom and tapering over the outer 30 % of the radius."""
    from vtour.model.clean import vertex_normals

    height, angle, radius, depth = chip
    p = mesh.positions
    direction = np.array([math.sin(angle), 0.0, math.cos(angle)])
    near = np.abs(p[:, 1] - height) < 0.02
    centre = p[near][np.argmax(p[near] @ direction)]  # the outermost point at that height and angle
    offset = p - centre
    r = np.linalg.norm(offset, axis=1)
    theta = np.arctan2(offset[:, 1], offset @ np.array([math.cos(angle), 0.0, -math.sin(angle)]))
    rim = radius * (1.0 + 0.12 * np.sin(3 * theta + 0.7))
    profile = depth * np.clip((rim - r) / (0.3 * rim), 0.0, 1.0)
    normals = vertex_normals(mesh).astype(np.float64)
    return mesh.replace(positions=p - profile[:, None] * normals)
