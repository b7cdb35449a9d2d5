"""A generated gallery room: a calm rotunda whose plinths carry the scans and whose walls carry
the pictures, ray-cast into an equirectangular panorama with the objects' hotspot angles.

Frame and conventions (:mod:`vtour.conventions`): metres, +Y up, the floor at y = 0, the viewer at
``(0, EYE, 0)``; yaw 0 looks along -Z, positive yaw turns right. The room is a cylinder of radius
:data:`ROOM_RADIUS` and height :data:`ROOM_HEIGHT` with a flat ceiling and a skylight; two
doorways, ``next`` at yaw 0 (ahead) and ``previous`` at yaw -180 (behind), each open into a short
lit passage. A room built without one of them shows plain wall there.

Where each object stands, and the room's dimensions: :mod:`vtour.collection.gallery_layout`; the
textures and materials: :mod:`vtour.collection.gallery_textures` (both imported here too). This
module builds the room's geometry, renders its panorama and finds the hotspots.

Lighting is baked, not cast: the walls' and floor's textures hold the light pools, the skirting's
shade and the plinths' contact shadows, and the scans get a soft key light from above in their
vertex colours. The renderer then runs unlit (headlight 0), so the room stays calm and the output
depends only on the inputs and ``seed`` (same input, same bytes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from vtour.collection.gallery_layout import (
    DISPLAY_HEIGHT,
    DOOR_CLEAR,
    DOOR_HALF_WIDTH,
    DOOR_HEIGHT,
    DOORS,
    EYE,
    FRAME,
    MAX_HEIGHT,
    MAX_OBJECTS,
    PASSAGE,
    PICTURE_MAX_H,
    PICTURE_MAX_W,
    PICTURE_Y,
    PLINTH_RING,
    ROOM_HEIGHT,
    ROOM_RADIUS,
    SLOT_FILL,
    STEP,
    VIEWPOINT,
    GalleryItem,
    Placement,
    _frame,
    _metres,
    _plinth_half,
    floor_half,
    layout,
    slot_width,
    slot_yaws,
)
from vtour.collection.gallery_textures import (
    CEILING,
    FLOOR,
    PASSAGE_END,
    ROOM_MATERIALS,
    SKIRTING,
    SKYLIGHT,
    WALL,
    ceiling_texture,
    floor_texture,
    picture_material,
    room_materials,
    wall_texture,
)
from vtour.conventions import wrap_yaw, yaw_pitch_to_direction
from vtour.errors import VtourError
from vtour.images import read_image
from vtour.model.mesh import Material, Mesh
from vtour.render import look_at, prepare_scene, render_equirect
from vtour.sample.cave import Part, merge, patch

#: Longest side of a texture taken from an object (px): a gallery object covers a few hundred
#: pixels of the panorama, and each texture's float mip chain costs 16 bytes a pixel.
MAX_TEXTURE = 1024
DEFAULT_WIDTH = 4096


@dataclass(frozen=True)
class GalleryHotspot:
    key: str
    yaw: float
    pitch: float
    kind: str  # "model" | "picture"


@dataclass(frozen=True, eq=False)
class GalleryResult:
    """The panorama (H, W, 3) uint8, a hotspot per object, the doors' (yaw, pitch) by name, the
    room mesh (metres) with each object's face range ``[start, stop)``, and the placements."""

    image: np.ndarray
    hotspots: tuple[GalleryHotspot, ...]
    doors: dict
    mesh: Mesh = field(repr=False)
    face_ranges: dict = field(repr=False)
    placements: tuple[Placement, ...] = ()

    @property
    def door_yaws(self) -> dict:
        return {name: yaw for name, (yaw, _) in self.doors.items()}


# ---------------------------------------------------------------------------------------------
# geometry


def _quad(p00, p10, p01, material: int) -> Part:
    p00, p10, p01 = (np.asarray(p, np.float64) for p in (p00, p10, p01))
    return patch(p00, p10, p01, p10 + p01 - p00, material)


def _wall(doors: list[str], material: int, segments: int = 144) -> Part:
    """The round wall, u along yaw -180..180 and v down from the top, doorways cut out."""
    alpha = math.degrees(math.asin(DOOR_HALF_WIDTH / ROOM_RADIUS))
    cuts = set(np.linspace(-180.0, 180.0, segments + 1).tolist())
    for name in doors:
        cuts |= {DOORS[name] - alpha, DOORS[name] + alpha} if DOORS[name] > -180 else {-180 + alpha, 180 - alpha}
    yaws = np.array(sorted(cuts))
    heights = np.array(sorted({0.0, DOOR_HEIGHT, ROOM_HEIGHT, *np.linspace(0, ROOM_HEIGHT, 7).tolist()}))[::-1]
    yy, hh = np.meshgrid(np.radians(yaws), heights)
    pos = np.stack([ROOM_RADIUS * np.sin(yy), hh, -ROOM_RADIUS * np.cos(yy)], -1).reshape(-1, 3)
    uv = np.stack([(yaws[None, :] + 180) / 360 + 0 * hh, 1 - hh / ROOM_HEIGHT + 0 * yy], -1).reshape(-1, 2)
    nu, nv = len(yaws) - 1, len(heights) - 1
    ids = np.arange((nu + 1) * (nv + 1)).reshape(nv + 1, nu + 1)
    a, b, c, d = ids[:-1, :-1], ids[:-1, 1:], ids[1:, :-1], ids[1:, 1:]
    quads = np.stack([np.stack([a, c, d], -1), np.stack([a, d, b], -1)], axis=2)
    mid_yaw = (yaws[:-1] + yaws[1:]) / 2
    mid_h = (heights[:-1] + heights[1:]) / 2
    hole = np.zeros((nv, nu), bool)
    for name in doors:
        off = np.abs(np.vectorize(wrap_yaw)(mid_yaw - DOORS[name]))
        hole |= (mid_h[:, None] < DOOR_HEIGHT) & (off[None, :] < alpha)
    return Part(pos, quads[~hole].reshape(-1, 3).astype(np.int64), uv, material)


def _passage(name: str, side: int, top: int, end: int) -> list[Part]:
    """The lit passage behind a doorway: two sides, a lintel and an end wall."""
    f, r = _frame(DOORS[name])
    w, h = DOOR_HALF_WIDTH, DOOR_HEIGHT
    b0, b1 = math.sqrt(ROOM_RADIUS**2 - w**2) - 0.01, ROOM_RADIUS + PASSAGE
    at = lambda a, b, y: a * r + b * f + np.array([0.0, y, 0.0])  # noqa: E731
    return [
        _quad(at(-w, b0, h), at(-w, b1, h), at(-w, b0, 0), side),
        _quad(at(w, b1, h), at(w, b0, h), at(w, b1, 0), side),
        _quad(at(-w, b1, h), at(w, b1, h), at(-w, b0, h), top),
        _quad(at(-w - 0.5, b1, h + 0.5), at(w + 0.5, b1, h + 0.5), at(-w - 0.5, b1, 0), end),
    ]


def _plinth(p: Placement, top: int, side: int) -> list[Part]:
    """A box under the scan, turned to face the viewer."""
    f, r = _frame(p.yaw)
    c = np.array(p.centre)
    base = np.array([c[0], 0.0, c[2]])
    hw = _plinth_half(p)
    y = c[1]
    at = lambda a, b, yy: base + a * r + b * f + np.array([0.0, yy, 0.0])  # noqa: E731
    return [
        _quad(at(-hw, -hw, y), at(hw, -hw, y), at(-hw, hw, y), top),
        _quad(at(-hw, -hw, y), at(hw, -hw, y), at(-hw, -hw, 0), side),  # the face seen from the viewer
        _quad(at(hw, hw, y), at(-hw, hw, y), at(hw, hw, 0), side),
        _quad(at(-hw, hw, y), at(-hw, -hw, y), at(-hw, hw, 0), side),
        _quad(at(hw, -hw, y), at(hw, hw, y), at(hw, -hw, 0), side),
    ]


def _picture(p: Placement, frame: int, image: int) -> list[Part]:
    """A framed picture facing the viewer: the frame 3 cm proud of the wall, the image 1 cm more."""
    f, r = _frame(p.yaw)
    c = np.array(p.centre)
    w, h = p.size[0] / 2, p.size[2] / 2
    at = lambda a, yy, back: c + a * r + np.array([0.0, yy, 0.0]) - back * f  # noqa: E731
    g = FRAME
    return [
        _quad(at(-w - g, h + g, 0.0), at(w + g, h + g, 0.0), at(-w - g, -h - g, 0.0), frame),
        _quad(at(-w, h, 0.01), at(w, h, 0.01), at(-w, -h, 0.01), image),
    ]


def _key_lit(mesh: Mesh, positions: np.ndarray, yaw: float) -> np.ndarray:
    """(n, 4) float32 vertex colours: the scan's own times a soft key light from above the viewer."""
    faces = mesh.faces
    corners = positions[faces]
    normal = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    vertex_normal = np.zeros_like(positions)
    for k in range(3):
        np.add.at(vertex_normal, faces[:, k], normal)
    vertex_normal /= np.maximum(np.linalg.norm(vertex_normal, axis=1, keepdims=True), 1e-12)
    f, r = _frame(yaw)
    light = -f * 0.8 + r * 0.35 + np.array([0.0, 1.2, 0.0])
    light /= np.linalg.norm(light)
    lit = 0.38 + 0.72 * np.clip(vertex_normal @ light, 0.0, 1.0)
    base = np.ones((len(positions), 4), np.float32) if mesh.colors is None else mesh.colors.astype(np.float32)
    out = base.copy()
    out[:, :3] *= lit[:, None].astype(np.float32)
    return out


def _shrunk(material: Material) -> Material:
    """The material with its base-colour texture at most MAX_TEXTURE px (other maps dropped)."""
    tex = material.texture
    if tex is not None and max(tex.shape[:2]) > MAX_TEXTURE:
        s = MAX_TEXTURE / max(tex.shape[:2])
        tex = cv2.resize(tex, (round(tex.shape[1] * s), round(tex.shape[0] * s)), interpolation=cv2.INTER_AREA)
    return Material(material.name, base_color=material.base_color, texture=tex)


def _placed_scan(m: Mesh, metres_per_unit: float | None, p: Placement) -> Mesh:
    """Scan ``m`` in room coordinates: metres, scaled, front turned to the viewer, on its plinth."""
    pos = _metres(m, metres_per_unit) * p.scale
    lo, hi = pos.min(axis=0), pos.max(axis=0)
    pos = pos - np.array([(lo[0] + hi[0]) / 2, lo[1], (lo[2] + hi[2]) / 2])
    t = math.radians(-p.yaw)  # +Z (the front) turned to face the centre
    rot = np.array([[math.cos(t), 0, math.sin(t)], [0, 1, 0], [-math.sin(t), 0, math.cos(t)]])
    pos = pos @ rot.T + np.array(p.centre)
    uv = m.uv if m.uv is not None else np.zeros((len(pos), 2))
    return Mesh(
        positions=pos,
        faces=m.faces,
        uv=uv,
        colors=_key_lit(m, pos, p.yaw),
        face_material=m.face_material,
        materials=tuple(_shrunk(mat) for mat in m.materials),
        units="m",
    )


def _join(meshes: list[Mesh]) -> Mesh:
    """Concatenate meshes and their materials (uv and vertex colours filled where one lacks them)."""
    offsets = np.cumsum([0] + [m.vertex_count for m in meshes[:-1]])
    mat_offsets = np.cumsum([0] + [len(m.materials) for m in meshes[:-1]])

    def colors(m):
        return m.colors if m.colors is not None else np.ones((m.vertex_count, 4), np.float32)

    return Mesh(
        positions=np.concatenate([m.positions for m in meshes]),
        faces=np.concatenate([m.faces + o for m, o in zip(meshes, offsets)]),
        uv=np.concatenate([m.uv if m.uv is not None else np.zeros((m.vertex_count, 2)) for m in meshes]),
        colors=np.concatenate([colors(m) for m in meshes]).astype(np.float32),
        face_material=np.concatenate([m.face_material + k for m, k in zip(meshes, mat_offsets)]).astype(np.int32),
        materials=sum((m.materials for m in meshes), ()),
        units="m",
        source="vtour gallery",
    )


# ---------------------------------------------------------------------------------------------
# the room, its panorama and the hotspots


def _picture_image(picture) -> np.ndarray | None:
    if picture is None:
        return None
    img = read_image(picture, step=STEP) if isinstance(picture, (str, Path)) else np.asarray(picture)
    if img.ndim == 2:
        img = np.repeat(img[..., None], 3, axis=2)
    img = img[..., :3].astype(np.uint8)
    if max(img.shape[:2]) > MAX_TEXTURE:
        s = MAX_TEXTURE / max(img.shape[:2])
        img = cv2.resize(img, (round(img.shape[1] * s), round(img.shape[0] * s)), interpolation=cv2.INTER_AREA)
    return img


def _check(items: list[GalleryItem], doors) -> list[str]:
    doors = list(doors)
    bad = [d for d in doors if d not in DOORS]
    if bad:
        raise VtourError(STEP, f"unknown door {bad[0]!r}", field="doors", value=bad[0], fix="use next and previous")
    keys = [i.key for i in items]
    if len(set(keys)) != len(keys):
        dup = next(k for k in keys if keys.count(k) > 1)
        raise VtourError(STEP, "two objects share one key", field="key", value=dup, fix="give each object its own key")
    return doors


def gallery_scene(
    items: list[GalleryItem], *, doors=tuple(DOORS), width: int = DEFAULT_WIDTH, seed: int = 0
) -> tuple[Mesh, dict, list[Placement]]:
    """The room as one Mesh (metres), each object's face range ``[start, stop)`` by key (the scan, or
    the picture's image), and the placements. ``width`` sizes the textures for that panorama width."""
    doors = _check(items, doors)
    pictures = [_picture_image(i.picture) if i.mesh is None else None for i in items]
    placements = layout(items, pictures)
    rng = np.random.default_rng(seed)
    m = {name: k for k, name in enumerate(ROOM_MATERIALS)}
    half = floor_half()
    parts = [
        _quad((-half, 0, -half), (half, 0, -half), (-half, 0, half), m["floor"]),
        _wall(doors, m["wall"]),
        _quad((-half, ROOM_HEIGHT, -half), (half, ROOM_HEIGHT, -half), (-half, ROOM_HEIGHT, half), m["ceiling"]),
    ]
    for name in doors:
        parts += _passage(name, m["passage"], m["lintel"], m["beyond"])
    materials = room_materials(placements, doors, width, rng)
    ranges, faces = {}, sum(len(p.faces) for p in parts)
    for item, p, picture in zip(items, placements, pictures):
        if p.kind == "model":
            parts += _plinth(p, m["plinth_top"], m["plinth_side"])
            faces += sum(len(q.faces) for q in parts[-5:])
            continue
        image = len(materials)
        materials.append(picture_material(item.key, picture))
        frame, image_part = _picture(p, m["frame"], image)
        parts += [frame, image_part]
        ranges[item.key] = (faces + len(frame.faces), faces + len(frame.faces) + len(image_part.faces))
        faces += len(frame.faces) + len(image_part.faces)
    room = merge(parts, tuple(materials))
    # layout puts exactly the items with a scan on plinths ("model"), in order
    scans = [_placed_scan(i.mesh, i.metres_per_unit, p) for i, p in zip(items, placements) if i.mesh is not None]
    start = room.triangle_count
    for item in items:
        if item.mesh is not None:
            n = item.mesh.triangle_count
            ranges[item.key] = (start, start + n)
            start += n
    return _join([room, *scans]), ranges, placements


def _model_sight(scene, mesh: Mesh, span: tuple[int, int], viewpoint: np.ndarray):
    """A sight that lands on the object: towards its centre when that is on it, else towards the
    sampled vertex nearest that direction whose ray hits the object."""
    faces = mesh.faces[span[0] : span[1]]
    points = mesh.positions[np.unique(faces)]
    lo, hi = points.min(axis=0), points.max(axis=0)
    centre = (lo + hi) / 2
    sight = look_at(scene, viewpoint, [centre])[0]
    if span[0] <= sight.hit_face < span[1]:
        return sight
    sample = points[np.linspace(0, len(points) - 1, min(256, len(points))).astype(np.int64)]
    inward = sample + (centre - sample) * 0.02  # a hair inside, so the ray meets the surface
    sights = look_at(scene, viewpoint, inward)
    goal = (centre - viewpoint) / np.linalg.norm(centre - viewpoint)
    best = [s for s in sights if span[0] <= s.hit_face < span[1]]
    if not best:
        return sight
    return max(best, key=lambda s: float(yaw_pitch_to_direction(s.yaw, s.pitch) @ goal))


def gallery_hotspots(scene, mesh: Mesh, ranges: dict, placements: list[Placement]) -> list[GalleryHotspot]:
    """Each object's hotspot from the viewpoint: on the scan (not its plinth) or the picture."""
    out = []
    for p in placements:
        if p.kind == "model":
            sight = _model_sight(scene, mesh, ranges[p.key], VIEWPOINT)
        else:
            sight = look_at(scene, VIEWPOINT, [p.centre])[0]
        out.append(GalleryHotspot(p.key, round(sight.yaw, 2), round(sight.pitch, 2), p.kind))
    return out


def gallery_panorama(
    items: list[GalleryItem],
    *,
    doors=tuple(DOORS),
    width: int = DEFAULT_WIDTH,
    supersample: int = 2,
    seed: int = 0,
    stats: dict | None = None,
) -> GalleryResult:
    """Render the gallery of ``items`` (at most :data:`MAX_OBJECTS`) as a ``width x width/2`` panorama.

    Parameters
    ----------
    items : the objects, in visiting order (see :func:`layout`)
    doors : which doorways the room has, of ``"next"`` (yaw 0) and ``"previous"`` (yaw -180)
    width : panorama width in px (even); the textures are sized for it
    supersample : rays per edge pixel along each axis (:func:`vtour.render.render_equirect`)
    seed : the textures' random stream; the same inputs and seed give the same bytes
    stats : filled with the renderer's stats

    Returns
    -------
    GalleryResult: image (H, W, 3) uint8; hotspots in vtour's yaw/pitch (degrees); doors by name.
    """
    mesh, ranges, placements = gallery_scene(items, doors=doors, width=width, seed=seed)
    scene = prepare_scene(mesh)
    image, _ = render_equirect(scene, VIEWPOINT, width, supersample=supersample, background=WALL, stats=stats)
    hotspots = gallery_hotspots(scene, mesh, ranges, placements)
    door_pitch = round(math.degrees(math.atan2(DOOR_HEIGHT / 2 - EYE, ROOM_RADIUS)), 2)
    return GalleryResult(
        image=image,
        hotspots=tuple(hotspots),
        doors={name: (DOORS[name], door_pitch) for name in _check(items, doors)},
        mesh=mesh,
        face_ranges=ranges,
        placements=tuple(placements),
    )


__all__ = [
    "CEILING",
    "DEFAULT_WIDTH",
    "DISPLAY_HEIGHT",
    "DOORS",
    "DOOR_CLEAR",
    "DOOR_HALF_WIDTH",
    "DOOR_HEIGHT",
    "EYE",
    "FLOOR",
    "FRAME",
    "MAX_HEIGHT",
    "MAX_OBJECTS",
    "MAX_TEXTURE",
    "PASSAGE",
    "PASSAGE_END",
    "PICTURE_MAX_H",
    "PICTURE_MAX_W",
    "PICTURE_Y",
    "PLINTH_RING",
    "ROOM_HEIGHT",
    "ROOM_RADIUS",
    "SKIRTING",
    "SKYLIGHT",
    "SLOT_FILL",
    "STEP",
    "VIEWPOINT",
    "WALL",
    "GalleryHotspot",
    "GalleryItem",
    "GalleryResult",
    "Placement",
    "ceiling_texture",
    "floor_texture",
    "gallery_hotspots",
    "gallery_panorama",
    "gallery_scene",
    "layout",
    "slot_width",
    "slot_yaws",
    "wall_texture",
]
