"""The sample grotto's chamber: a Mogao-style cave with an inverted-funnel ceiling and a niche.

Metres, +Y up, the floor at y = 0, the entrance in the front wall (+Z) and the niche in the back
wall (-Z), so a visitor entering looks along -Z (yaw 0) at the niche. Every surface is a bilinear
patch of quads with its own UVs (texture upright seen from inside the cave); walls bulge by a few
centimetres of smooth noise that fades to zero at every edge, so patches meet without cracks.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from vtour.model.mesh import Material, Mesh
from vtour.sample import murals

#: Half width (x) and half depth (z) of the chamber, wall height and ceiling apex height, metres.
HALF_X, HALF_Z, WALL_H, APEX_Y = 3.5, 4.0, 3.0, 5.0
#: Half size of the caisson square at the apex.
CAISSON = 1.2
#: Niche in the back wall: half width, floor and top heights, depth behind the wall.
NICHE_X, NICHE_Y0, NICHE_Y1, NICHE_D = 1.3, 0.5, 2.9, 1.2
#: Doorway in the front wall: half width and height.
DOOR_X, DOOR_H = 0.8, 2.2
#: Grid cell of the patches (m) and amplitude of the walls' bulges (m).
CELL, BULGE = 0.1, 0.06


@dataclass(frozen=True)
class Part:
    """One textured surface patch (positions (n, 3), faces (m, 3), uv (n, 2)) and its material index."""

    positions: np.ndarray
    faces: np.ndarray
    uv: np.ndarray
    material: int


def patch(
    p00, p10, p01, p11, material: int, rng: np.random.Generator | None = None, *, hole=None, bulge: float = 0.0
) -> Part:
    """A bilinear patch; p00 is the texture's top-left corner, p10 top-right, p01 bottom-left.

    ``hole`` = (u0, v0, u1, v1): cells whose centre falls inside are left out. ``bulge``: noise
    amplitude along the patch normal, faded to zero within 0.35 m of the border and of the hole.
    """
    p00, p10, p01, p11 = (np.asarray(p, np.float64) for p in (p00, p10, p01, p11))
    len_u = max(np.linalg.norm(p10 - p00), np.linalg.norm(p11 - p01))
    len_v = max(np.linalg.norm(p01 - p00), np.linalg.norm(p11 - p10))
    nu, nv = max(1, round(len_u / CELL)), max(1, round(len_v / CELL))
    u, v = np.meshgrid(np.linspace(0, 1, nu + 1), np.linspace(0, 1, nv + 1))
    pos = (
        (1 - u)[..., None] * (1 - v)[..., None] * p00
        + u[..., None] * (1 - v)[..., None] * p10
        + (1 - u)[..., None] * v[..., None] * p01
        + u[..., None] * v[..., None] * p11
    )
    if bulge and rng is not None:
        normal = np.cross(p10 - p00, p01 - p00)
        normal /= np.linalg.norm(normal)
        d = np.minimum.reduce([u * len_u, (1 - u) * len_u, v * len_v, (1 - v) * len_v])
        if hole is not None:
            u0, v0, u1, v1 = hole
            dx = np.maximum.reduce([(u0 - u) * len_u, (u - u1) * len_u, np.zeros_like(u)])
            dy = np.maximum.reduce([(v0 - v) * len_v, (v - v1) * len_v, np.zeros_like(v)])
            d = np.minimum(d, np.hypot(dx, dy))
        window = np.clip(d / 0.35, 0, 1)
        window = window * window * (3 - 2 * window)
        coarse = rng.normal(0, 1, (max(2, nv // 6), max(2, nu // 6))).astype(np.float32)
        noise = cv2.resize(coarse, (nu + 1, nv + 1), interpolation=cv2.INTER_CUBIC)
        pos += (bulge * noise * window)[..., None] * normal
    ids = np.arange((nu + 1) * (nv + 1)).reshape(nv + 1, nu + 1)
    a, b, c, d_ = ids[:-1, :-1], ids[:-1, 1:], ids[1:, :-1], ids[1:, 1:]
    quads = np.stack([np.stack([a, c, d_], -1), np.stack([a, d_, b], -1)], axis=2)  # (nv, nu, 2, 3)
    if hole is not None:
        u0, v0, u1, v1 = hole
        cu = (np.arange(nu) + 0.5) / nu
        cv_ = (np.arange(nv) + 0.5) / nv
        inside = (cv_[:, None] > v0) & (cv_[:, None] < v1) & (cu[None, :] > u0) & (cu[None, :] < u1)
        quads = quads[~inside]
    faces = quads.reshape(-1, 3)
    return Part(pos.reshape(-1, 3), faces.astype(np.int64), np.stack([u, v], -1).reshape(-1, 2), material)


MATERIALS = (
    "floor",
    "wall_left",
    "wall_right",
    "wall_back",
    "wall_front",
    "ceiling_slope",
    "caisson",
    "niche_back",
    "niche_sides",
)


def chamber(rng: np.random.Generator, density: float = 256.0) -> tuple[Mesh, dict]:
    """The chamber mesh with its painted materials (one per entry of :data:`MATERIALS`).

    ``density``: texture pixels per metre of wall. Returns the mesh and ``points``, the 3D centres
    of the murals' main figures (for info hotspots), keyed by material name.
    """
    X, Z, H, A, C = HALF_X, HALF_Z, WALL_H, APEX_Y, CAISSON
    m = {name: k for k, name in enumerate(MATERIALS)}
    px = lambda metres: max(8, round(metres * density))  # noqa: E731
    niche_hole = ((X - NICHE_X) / (2 * X), 1 - NICHE_Y1 / H, (X + NICHE_X) / (2 * X), 1 - NICHE_Y0 / H)
    door_hole = ((X - DOOR_X) / (2 * X), 1 - DOOR_H / H, (X + DOOR_X) / (2 * X), 1.01)
    parts = [
        patch((-X, 0, -Z), (X, 0, -Z), (-X, 0, Z), (X, 0, Z), m["floor"]),
        patch((-X, H, Z), (-X, H, -Z), (-X, 0, Z), (-X, 0, -Z), m["wall_left"], rng, bulge=BULGE),
        patch((X, H, -Z), (X, H, Z), (X, 0, -Z), (X, 0, Z), m["wall_right"], rng, bulge=BULGE),
        patch((-X, H, -Z), (X, H, -Z), (-X, 0, -Z), (X, 0, -Z), m["wall_back"], rng, hole=niche_hole, bulge=BULGE),
        patch((X, H, Z), (-X, H, Z), (X, 0, Z), (-X, 0, Z), m["wall_front"], rng, hole=door_hole, bulge=BULGE),
        # Ceiling slopes: texture top at the apex square, bottom along the wall top.
        patch((-C, A, -C), (C, A, -C), (-X, H, -Z), (X, H, -Z), m["ceiling_slope"], rng, bulge=BULGE),
        patch((C, A, C), (-C, A, C), (X, H, Z), (-X, H, Z), m["ceiling_slope"], rng, bulge=BULGE),
        patch((-C, A, C), (-C, A, -C), (-X, H, Z), (-X, H, -Z), m["ceiling_slope"], rng, bulge=BULGE),
        patch((C, A, -C), (C, A, C), (X, H, -Z), (X, H, Z), m["ceiling_slope"], rng, bulge=BULGE),
        patch((-C, A, -C), (C, A, -C), (-C, A, C), (C, A, C), m["caisson"]),
        # The niche: back, sides, ceiling and floor (a platform at NICHE_Y0).
        patch(
            (-NICHE_X, NICHE_Y1, -Z - NICHE_D),
            (NICHE_X, NICHE_Y1, -Z - NICHE_D),
            (-NICHE_X, NICHE_Y0, -Z - NICHE_D),
            (NICHE_X, NICHE_Y0, -Z - NICHE_D),
            m["niche_back"],
        ),
        patch(
            (-NICHE_X, NICHE_Y1, -Z),
            (-NICHE_X, NICHE_Y1, -Z - NICHE_D),
            (-NICHE_X, NICHE_Y0, -Z),
            (-NICHE_X, NICHE_Y0, -Z - NICHE_D),
            m["niche_sides"],
        ),
        patch(
            (NICHE_X, NICHE_Y1, -Z - NICHE_D),
            (NICHE_X, NICHE_Y1, -Z),
            (NICHE_X, NICHE_Y0, -Z - NICHE_D),
            (NICHE_X, NICHE_Y0, -Z),
            m["niche_sides"],
        ),
        patch(
            (-NICHE_X, NICHE_Y1, -Z - NICHE_D),
            (NICHE_X, NICHE_Y1, -Z - NICHE_D),
            (-NICHE_X, NICHE_Y1, -Z),
            (NICHE_X, NICHE_Y1, -Z),
            m["niche_sides"],
        ),
        patch(
            (-NICHE_X, NICHE_Y0, -Z),
            (NICHE_X, NICHE_Y0, -Z),
            (-NICHE_X, NICHE_Y0, -Z - NICHE_D),
            (NICHE_X, NICHE_Y0, -Z - NICHE_D),
            m["floor"],
        ),
    ]
    left, left_c = murals.wall(rng, px(2 * Z), px(H), scene="preaching")
    right, right_c = murals.wall(rng, px(2 * Z), px(H), scene="preaching")
    back, _ = murals.wall(rng, px(2 * X), px(H), scene="buddhas")
    front, _ = murals.wall(rng, px(2 * X), px(H), scene="buddhas")
    niche, niche_c = murals.niche_back(rng, px(2 * NICHE_X), px(NICHE_Y1 - NICHE_Y0))
    textures = {
        "floor": murals.floor(rng, px(2 * X) // 2, px(2 * Z) // 2, max(8, px(1.0) // 2)),
        "wall_left": left,
        "wall_right": right,
        "wall_back": back,
        "wall_front": front,
        "ceiling_slope": murals.slope(rng, px(2 * X), px(2.6)),
        "caisson": murals.caisson(rng, px(2 * C)),
        "niche_back": niche,
        "niche_sides": murals.plaster(rng, px(NICHE_D), px(NICHE_Y1 - NICHE_Y0), murals.OCHRE),
    }
    materials = tuple(Material(name, texture=textures[name]) for name in MATERIALS)
    points = {
        "wall_left": np.array([-X, H * (1 - left_c[1]), Z - 2 * Z * left_c[0]]),
        "wall_right": np.array([X, H * (1 - right_c[1]), -Z + 2 * Z * right_c[0]]),
        "caisson": np.array([0.0, A, 0.0]),
        "niche_back": np.array([0.0, NICHE_Y1 - (NICHE_Y1 - NICHE_Y0) * niche_c[1], -Z - NICHE_D]),
    }
    return merge(parts, materials), points


def merge(parts: list[Part], materials: tuple[Material, ...], units: str = "m") -> Mesh:
    """One Mesh from patches (vertices are not shared between patches)."""
    offsets = np.cumsum([0] + [len(p.positions) for p in parts[:-1]])
    return Mesh(
        positions=np.concatenate([p.positions for p in parts]),
        faces=np.concatenate([p.faces + o for p, o in zip(parts, offsets)]),
        uv=np.concatenate([p.uv for p in parts]),
        face_material=np.concatenate([np.full(len(p.faces), p.material, np.int32) for p in parts]),
        materials=materials,
        units=units,
        source="vtour sample grotto",
    )


def combine(meshes: list[Mesh]) -> Mesh:
    """Concatenate textured meshes and their materials (the cave and the statue, for rendering)."""
    offsets = np.cumsum([0] + [m.vertex_count for m in meshes[:-1]])
    mat_offsets = np.cumsum([0] + [len(m.materials) for m in meshes[:-1]])
    return Mesh(
        positions=np.concatenate([m.positions for m in meshes]),
        faces=np.concatenate([m.faces + o for m, o in zip(meshes, offsets)]),
        uv=np.concatenate([m.uv for m in meshes]),
        face_material=np.concatenate([m.face_material + k for m, k in zip(meshes, mat_offsets)]).astype(np.int32),
        materials=sum((m.materials for m in meshes), ()),
        units=meshes[0].units,
        source="vtour sample grotto",
    )
