"""The generated gallery room: layout, real sizes, hotspots on their objects, doors, determinism."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from vtour.collection.gallery import (
    DISPLAY_HEIGHT,
    DOOR_CLEAR,
    MAX_OBJECTS,
    ROOM_RADIUS,
    VIEWPOINT,
    GalleryItem,
    _plinth_half,
    gallery_hotspots,
    gallery_panorama,
    gallery_scene,
)
from vtour.conventions import direction_to_yaw_pitch
from vtour.errors import VtourError
from vtour.images import write_image
from vtour.model.mesh import Material, Mesh
from vtour.render import prepare_scene, render_equirect

ARTIFACTS = Path(__file__).parent / "artifacts" / "gallery"


def box(size=(1.0, 1.0, 1.0), nose: bool = True) -> Mesh:
    """A box standing on y = 0 (units of the caller), with a small nose on its front (+Z) face."""
    sx, sy, sz = (s / 2 for s in size)
    corners = np.array([[x, y, z] for x in (-sx, sx) for y in (0, 2 * sy) for z in (-sz, sz)], np.float64)
    faces = [[0, 1, 3], [0, 3, 2], [4, 6, 7], [4, 7, 5], [0, 4, 5], [0, 5, 1]]
    faces += [[2, 3, 7], [2, 7, 6], [1, 5, 7], [1, 7, 3], [0, 2, 6], [0, 6, 4]]
    positions = corners
    if nose:  # a pyramid on the front face, tip at z = sz * 1.5
        tip = np.array([[0.0, sy, sz * 1.5]])
        positions = np.concatenate([corners, tip])
        faces += [[1, 3, 8], [3, 7, 8], [7, 5, 8], [5, 1, 8]]
    return Mesh(positions=positions, faces=np.array(faces, np.int64))


def picture(h: int, w: int, value: int = 90) -> np.ndarray:
    img = np.full((h, w, 3), value, np.uint8)
    img[h // 4 : 3 * h // 4, w // 4 : 3 * w // 4] = (180, 60, 40)
    return img


def items(n: int) -> list[GalleryItem]:
    """Scans (cm, m and unknown units) alternating with pictures of several aspects."""
    out = []
    for k in range(n):
        if k % 2 == 0:
            units = (0.01, 1.0, None)[k // 2 % 3]
            size = {0.01: (30, 40, 25), 1.0: (1.6, 0.6, 1.2), None: (3, 5, 2)}[units]  # 1.6 m: shrunk
            out.append(GalleryItem(f"scan-{k}", title=f"Scan {k}", mesh=box(size), metres_per_unit=units))
        else:
            out.append(GalleryItem(f"pic-{k}", title=f"Picture {k}", picture=picture(40 + 20 * (k % 3), 60)))
    return out


def object_yaws(mesh: Mesh, span) -> tuple[float, float]:
    """(min, max) yaw in degrees of an object's vertices seen from the viewpoint."""
    p = mesh.positions[np.unique(mesh.faces[span[0] : span[1]])] - VIEWPOINT
    yaw, _ = direction_to_yaw_pitch(p[:, 0], p[:, 1], p[:, 2])
    return float(np.degrees(yaw.min())), float(np.degrees(yaw.max()))


def sector(mesh: Mesh, span, placement) -> tuple[float, float]:
    """(min, max) yaw of an object and, for a scan, of its plinth's corners."""
    lo, hi = object_yaws(mesh, span)
    if placement.kind == "model":
        half = _plinth_half(placement)
        t = np.radians(placement.yaw)
        f, r = np.array([np.sin(t), -np.cos(t)]), np.array([np.cos(t), np.sin(t)])
        c = np.array([placement.centre[0], placement.centre[2]])
        corners = np.array([c + a * r + b * f for a in (-half, half) for b in (-half, half)])
        yaw = np.degrees(np.arctan2(corners[:, 0], -corners[:, 1]))
        lo, hi = min(lo, yaw.min()), max(hi, yaw.max())
    return lo, hi


def object_bounds(mesh: Mesh, span) -> np.ndarray:
    p = mesh.positions[np.unique(mesh.faces[span[0] : span[1]])]
    return np.stack([p.min(axis=0), p.max(axis=0)])


@pytest.mark.parametrize("n", [1, 5, 12])
def test_objects_never_overlap_in_the_room_or_in_the_view(n):
    mesh, ranges, placements = gallery_scene(items(n), width=128)
    assert [p.key for p in placements] == [i.key for i in items(n)]
    assert all(p.scale < 1 for p in placements if p.key == "scan-2")  # the 1.6 m wide scan
    sectors = sorted(sector(mesh, ranges[p.key], p) for p in placements)
    for (_, hi), (lo, _) in itertools.pairwise(sectors):
        assert hi < lo, sectors
    for lo, hi in sectors:  # doorways at yaw 0 and -180 stay clear
        assert lo > DOOR_CLEAR / 2 or hi < -DOOR_CLEAR / 2
        assert abs(lo) < 180 - DOOR_CLEAR / 2 and abs(hi) < 180 - DOOR_CLEAR / 2
    boxes = [object_bounds(mesh, ranges[p.key]) for p in placements]
    for i in range(n):
        lo, hi = ranges[placements[i].key]
        points = mesh.positions[np.unique(mesh.faces[lo:hi])]
        assert np.hypot(points[:, 0], points[:, 2]).max() < ROOM_RADIUS
        for j in range(i + 1, n):
            apart = (boxes[i][1] < boxes[j][0]) | (boxes[j][1] < boxes[i][0])
            assert apart.any(), (placements[i].key, placements[j].key)


def test_more_objects_than_a_room_holds_is_an_error_naming_the_count():
    with pytest.raises(VtourError, match=f"{MAX_OBJECTS + 1} objects"):
        gallery_scene(items(MAX_OBJECTS + 1), width=128)


def test_scans_stand_at_real_size_facing_the_viewer():
    scans = [
        GalleryItem("cm", mesh=box((30, 40, 20)), metres_per_unit=0.01),
        GalleryItem("unknown", mesh=box((7, 9, 5))),
    ]
    mesh, ranges, placements = gallery_scene(scans, width=128)
    cm = object_bounds(mesh, ranges["cm"])
    assert cm[1, 1] - cm[0, 1] == pytest.approx(0.40, abs=1e-9)
    assert placements[0].scale == 1.0
    unknown = object_bounds(mesh, ranges["unknown"])
    assert unknown[1, 1] - unknown[0, 1] == pytest.approx(DISPLAY_HEIGHT, abs=1e-9)
    for key, source in (("cm", scans[0].mesh), ("unknown", scans[1].mesh)):
        lo, hi = ranges[key]
        placed = mesh.positions[np.unique(mesh.faces[lo:hi])]
        nose = placed[-1]  # the nose's tip is the last vertex, as in the source
        horizontal = np.hypot(placed[:, 0], placed[:, 2])
        assert np.argmin(horizontal) == len(placed) - 1, key
        assert source.positions[-1, 2] == source.positions[:, 2].max()
        assert nose[1] > 0


def flat_colours(mesh: Mesh, ranges: dict, keys: list[str]) -> Mesh:
    """The room black and object k a flat red of value 20 * (k + 1), untextured and unlit."""
    materials = [Material("room", base_color=(0.0, 0.0, 0.0, 1.0))]
    face_material = np.zeros(mesh.triangle_count, np.int32)
    for k, key in enumerate(keys):
        lo, hi = ranges[key]
        face_material[lo:hi] = k + 1
        linear = ((20 * (k + 1)) / 255 + 0.055) / 1.055
        materials.append(Material(key, base_color=(linear**2.4, 0.0, 0.0, 1.0)))
    return mesh.replace(colors=None, uv=None, face_material=face_material, materials=tuple(materials))


def test_each_hotspot_lands_on_its_object_in_the_rendered_panorama():
    things = items(MAX_OBJECTS)
    mesh, ranges, placements = gallery_scene(things, width=128)
    hotspots = gallery_hotspots(prepare_scene(mesh), mesh, ranges, placements)
    keys = [i.key for i in things]
    width = 512
    rgb, _ = render_equirect(flat_colours(mesh, ranges, keys), VIEWPOINT, width, supersample=1)
    for h in hotspots:
        x = int((h.yaw / 360 + 0.5) * width)
        y = int((0.5 - h.pitch / 180) * (width // 2))
        assert rgb[y, x, 0] == pytest.approx(20 * (keys.index(h.key) + 1), abs=2), h
        assert h.kind == ("model" if h.key.startswith("scan") else "picture")


def test_doors_open_at_their_yaws_and_the_panorama_is_deterministic():
    first = gallery_panorama(items(5), width=256, seed=3)
    again = gallery_panorama(items(5), width=256, seed=3)
    assert first.image.shape == (128, 256, 3) and first.image.dtype == np.uint8
    assert np.array_equal(first.image, again.image)
    assert first.hotspots == again.hotspots
    assert first.door_yaws == {"next": 0.0, "previous": -180.0}
    _, depth = render_equirect(first.mesh, VIEWPOINT, 256, supersample=1, depth=True)
    for yaw, pitch in first.doors.values():
        x = min(255, int((yaw / 360 + 0.5) * 256))
        y = int((0.5 - pitch / 180) * 128)
        assert depth[y, x] > ROOM_RADIUS  # seen through the doorway, into the passage
    closed = gallery_panorama(items(1), doors=("next",), width=128)
    assert set(closed.doors) == {"next"}
    _, depth = render_equirect(closed.mesh, VIEWPOINT, 128, supersample=1, depth=True)
    assert depth[int((0.5 + 4 / 180) * 64), 0] < ROOM_RADIUS + 0.1  # a wall where "previous" would be


def test_gallery_artifact_for_review():
    """A 1024 px gallery with scans and pictures, kept under tests/artifacts/gallery/ to look at."""
    from vtour.sample.statue import statue

    figure = statue(np.random.default_rng(1), 20_000, 128)
    things = []
    for k in range(8):
        if k % 2 == 0:
            things.append(GalleryItem(f"statue-{k}", mesh=figure, metres_per_unit=None if k % 4 else 0.3))
        else:
            things.append(GalleryItem(f"picture-{k}", picture=picture(50 + 30 * (k % 3), 70, 200)))
    result = gallery_panorama(things, width=1024)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    write_image(ARTIFACTS / "gallery-8.png", result.image)
    assert 110 < result.image.mean() < 220  # a light, calm room: neither dark nor blown out
    assert len(result.hotspots) == 8
