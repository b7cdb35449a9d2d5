"""vtour.render against ground truth: a box room whose walls and textures are known analytically."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest


from vtour.cli import main  # noqa: E402
from vtour.errors import VtourError  # noqa: E402
from vtour.model.mesh import Material, Mesh  # noqa: E402
from vtour.render import links_between, look_at, pixel_directions, prepare_scene, render_equirect  # noqa: E402
from vtour.render.sampling import linear_to_srgb, srgb_to_linear  # noqa: E402

HALF = 2.0
#: sRGB colours of the walls -X, +X, -Y, +Y, -Z (front: textured), +Z.
WALLS = np.array([(200, 40, 40), (40, 200, 40), (90, 90, 90), (230, 230, 230), (255, 255, 255),
                  (40, 40, 200)], np.uint8)
SQUARES = 8                     # checker squares across the front wall


def checker(size: int, squares: int) -> np.ndarray:
    y, x = np.mgrid[0:size, 0:size]
    cell = ((x * squares // size) + (y * squares // size)) % 2
    return np.where(cell[..., None] == 1, 255, 0).astype(np.uint8).repeat(3, axis=2)


def quad(p00, p10, p01, p11):
    """Positions and UVs of a quad, p00 at the texture's top-left."""
    return np.array([p00, p10, p01, p11], np.float64), np.array([(0, 0), (1, 0), (0, 1), (1, 1)], np.float64)


def room(texture: np.ndarray, box: bool = False) -> Mesh:
    """A cube room [-2, 2]^3: walls of solid colour, the front (-Z) wall checkered (u along +X,
    v down from y = +2); with ``box``, a red 0.4 m cube centred on (1, 0, -1)."""
    h = HALF
    quads = [quad((-h, h, h), (-h, h, -h), (-h, -h, h), (-h, -h, -h)),
             quad((h, h, -h), (h, h, h), (h, -h, -h), (h, -h, h)),
             quad((-h, -h, -h), (h, -h, -h), (-h, -h, h), (h, -h, h)),
             quad((-h, h, h), (h, h, h), (-h, h, -h), (h, h, -h)),
             quad((-h, h, -h), (h, h, -h), (-h, -h, -h), (h, -h, -h)),
             quad((h, h, h), (-h, h, h), (h, -h, h), (-h, -h, h))]
    materials = [Material(f"wall{k}", base_color=tuple(srgb_to_linear(WALLS[k]).tolist()) + (1.0,))
                 for k in range(6)]
    materials[4] = Material("checker", texture=texture)
    if box:
        c, s = np.array([1.0, 0.0, -1.0]), 0.2
        for axis in range(3):
            for sign in (-1, 1):
                u, v = [a for a in range(3) if a != axis]
                corners = []
                for du, dv in ((-1, 1), (1, 1), (-1, -1), (1, -1)):
                    p = c.copy()
                    p[axis] += sign * s
                    p[u] += du * s
                    p[v] += dv * s
                    corners.append(p)
                quads.append(quad(*corners))
        materials.append(Material("red", base_color=(1.0, 0.0, 0.0, 1.0)))
    positions = np.concatenate([q[0] for q in quads])
    uv = np.concatenate([q[1] for q in quads])
    faces = np.concatenate([np.array([[0, 2, 3], [0, 3, 1]]) + 4 * k for k in range(len(quads))])
    face_material = np.concatenate([[min(k, 6)] * 2 for k in range(len(quads))]).astype(np.int32)
    return Mesh(positions=positions, faces=faces, uv=uv, face_material=face_material,
                materials=tuple(materials), units="m")


def analytic(origin, width: int, texture: np.ndarray):
    """The panorama computed from the geometry: wall hit by each pixel-centre ray, its colour, depth."""
    height = width // 2
    rows, cols = np.meshgrid(np.arange(height) + 0.5, np.arange(width) + 0.5, indexing="ij")
    d = pixel_directions(width, rows.ravel(), cols.ravel()).astype(np.float64)
    o = np.asarray(origin, np.float64)
    with np.errstate(divide="ignore"):
        t_axis = np.where(d > 0, (HALF - o) / d, (-HALF - o) / d)
    axis = np.argmin(t_axis, axis=1)
    t = t_axis[np.arange(len(d)), axis]
    wall = 2 * axis + (d[np.arange(len(d)), axis] > 0)
    rgb = WALLS[wall].copy()
    p = o + t[:, None] * d
    front = wall == 4
    u = (p[front, 0] + HALF) / (2 * HALF)
    v = (HALF - p[front, 1]) / (2 * HALF)
    size = texture.shape[0]
    rgb[front] = texture[np.clip((v * size).astype(int), 0, size - 1), np.clip((u * size).astype(int), 0, size - 1)]
    return rgb.reshape(height, width, 3), t.reshape(height, width).astype(np.float32), wall.reshape(height, width)


def interior(labels: np.ndarray, margin: int = 2) -> np.ndarray:
    """Pixels at least ``margin`` pixels from any change of ``labels``."""
    ok = np.ones(labels.shape, bool)
    for dy in range(-margin, margin + 1):
        for dx in range(-margin, margin + 1):
            shifted = np.roll(labels, (dy, dx), axis=(0, 1))
            ok &= shifted == labels
    ok[:margin] = ok[-margin:] = False
    return ok


@pytest.fixture(scope="module")
def coarse():
    tex = checker(512, SQUARES)
    return tex, prepare_scene(room(tex))


@pytest.mark.parametrize("origin", [(0.0, 0.0, 0.0), (0.7, -0.4, 0.3)])
def test_room_renders_to_the_panorama_computed_from_its_geometry(coarse, origin):
    tex, scene = coarse
    width = 512
    rgb, depth = render_equirect(scene, origin, width, supersample=2, depth=True)
    want, t, wall = analytic(origin, width, tex)
    # Labels: the wall, and the checker square on the textured wall.
    d = pixel_directions(width, *[a.ravel() for a in np.meshgrid(np.arange(width // 2) + 0.5,
                                                               np.arange(width) + 0.5, indexing="ij")])
    p = np.asarray(origin) + t.reshape(-1, 1) * d
    square = ((np.floor((p[:, 0] + HALF) / (2 * HALF) * SQUARES) + np.floor((HALF - p[:, 1]) / (2 * HALF) * SQUARES))
              % 2).reshape(wall.shape)
    labels = wall * 2 + np.where(wall == 4, square, 0)
    inside = interior(labels, margin=3)
    assert inside.mean() > 0.8
    diff = np.abs(rgb.astype(int) - want.astype(int)).max(axis=2)
    assert np.percentile(diff[inside], 99.9) <= 1, "colours away from edges are exact"
    # Depth is the distance along the pixel-centre ray, everywhere (float32 precision).
    np.testing.assert_allclose(depth, t, rtol=1e-4, atol=1e-4)


def test_supersampling_reduces_aliasing_on_a_fine_checker():
    # 256 squares of 1.6 cm across the front wall, seen with 2.5 cm pixels: aliasing territory.
    tex = checker(2048, 256)
    scene = prepare_scene(room(tex))
    origin, width = (0.3, 0.2, 0.5), 256
    reference, _ = render_equirect(scene, origin, width, supersample=8, adaptive=False)
    errors = {}
    for ss in (1, 2, 4):
        rgb, _ = render_equirect(scene, origin, width, supersample=ss, adaptive=False)
        errors[ss] = float(np.sqrt(np.mean((rgb.astype(float) - reference.astype(float)) ** 2)))
    assert errors[4] < errors[2] < errors[1], errors
    # Mip filtering alone already keeps the checker from turning into noise: far below the
    # 128 RMS of a point-sampled black/white checker.
    assert errors[1] < 20, errors


def test_adaptive_supersampling_matches_full_supersampling_on_edges():
    tex = checker(512, SQUARES)
    scene = prepare_scene(room(tex, box=True))
    origin, width = (0.0, 0.0, 0.5), 256
    full, _ = render_equirect(scene, origin, width, supersample=4, adaptive=False)
    stats: dict = {}
    adaptive, _ = render_equirect(scene, origin, width, supersample=4, stats=stats)
    single, _ = render_equirect(scene, origin, width, supersample=1)
    err = lambda a: float(np.sqrt(np.mean((a.astype(float) - full.astype(float)) ** 2)))  # noqa: E731
    assert err(adaptive) < 0.5 * err(single)
    assert stats["rays"] < 0.6 * 16 * width * width // 2, "adaptive casts far fewer rays"
    # one ray through every pixel centre, then 4 x 4 more through each refined pixel, none else
    assert stats["pixels"] == width * width // 2
    assert stats["rays"] == stats["pixels"] + 16 * stats["refined_pixels"]
    assert 0 < stats["refined_pixels"] < stats["pixels"]
    assert stats["rays_per_second"] == pytest.approx(stats["rays"] / stats["seconds"])


def test_links_between_give_the_analytic_angles_and_report_occlusion():
    scene = prepare_scene(room(checker(64, 2), box=True))
    # The red box (centre (1, 0, -1), half size 0.2) stands between viewpoints 0 and 2.
    points = np.array([(0.0, 0.0, 0.0), (-1.0, 0.5, 1.0), (1.5, 0.0, -1.5)])
    links = links_between(scene, points)
    assert set(links) == {(i, j) for i in range(3) for j in range(3) if i != j}
    s = links[(0, 1)]
    assert s.yaw == pytest.approx(math.degrees(math.atan2(-1.0, -1.0)))   # -135: left and behind
    assert s.pitch == pytest.approx(math.degrees(math.atan2(0.5, math.sqrt(2))))
    assert s.distance == pytest.approx(math.sqrt(2.25))
    assert s.visible and links[(1, 0)].visible
    assert links[(1, 0)].yaw == pytest.approx(45.0)
    blocked = links[(0, 2)]
    assert not blocked.visible and not links[(2, 0)].visible
    assert blocked.hit_distance == pytest.approx(math.sqrt(2) * 0.8, rel=1e-4)   # the box's near face
    assert blocked.yaw == pytest.approx(135.0 - 90.0)


def test_hotspot_computed_from_geometry_lands_on_the_object_in_the_panorama():
    mesh = room(checker(64, 2), box=True)
    scene = prepare_scene(mesh)
    origin, width = (-0.8, 0.6, 1.1), 512
    sight = look_at(scene, origin, [(1.0, 0.0, -1.0)])[0]
    assert sight.hit_material == 6 and not sight.visible      # the box's surface hides its centre
    rgb, _ = render_equirect(scene, origin, width)
    col = int((sight.yaw / 360 + 0.5) * width)
    row = int((0.5 - sight.pitch / 180) * (width // 2))
    patch = rgb[row - 1:row + 2, col - 1:col + 2].reshape(-1, 3).astype(int)
    assert (patch[:, 0] > 200).all() and (patch[:, 1:] < 30).all(), patch


def test_vertex_colours_are_interpolated_with_barycentrics():
    positions = np.array([(-1, -1, -1), (1, -1, -1), (0, 1, -1)], np.float64)
    colors = np.array([(1, 0, 0, 1), (0, 1, 0, 1), (0, 0, 1, 1)], np.float32)
    mesh = Mesh(positions=positions, faces=np.array([[0, 1, 2]]), colors=colors)
    rgb, depth = render_equirect(mesh, (0, 0, 0), 64, supersample=1, background=(7, 8, 9), depth=True)
    d = pixel_directions(64, np.array([16.5]), np.array([32.5]))[0].astype(np.float64)
    hit = d / -d[2]                                        # on the plane z = -1
    bary = np.linalg.solve(np.vstack([positions[:, :2].T, np.ones(3)]), np.append(hit[:2], 1.0))
    assert np.abs(rgb[16, 32].astype(int) - linear_to_srgb(bary @ colors[:, :3]).astype(int)).max() <= 1
    assert depth[16, 32] == pytest.approx(np.linalg.norm(hit), rel=1e-5)
    assert (rgb[16, 0] == (7, 8, 9)).all() and np.isinf(depth[16, 0])


def test_bad_width_and_viewpoint_are_refused():
    mesh = room(checker(8, 2))
    with pytest.raises(VtourError, match="even"):
        render_equirect(mesh, (0, 0, 0), 33)
    with pytest.raises(VtourError, match="viewpoint"):
        render_equirect(mesh, (0, 0), 32)


def test_cli_writes_panoramas_depth_and_links(tmp_path, capsys):
    from vtour.model.obj import write_obj

    obj = write_obj(room(checker(64, 4), box=True), tmp_path / "room" / "room.obj")
    out = tmp_path / "out"
    assert main(["render", str(obj), "--at", "0,0,0", "--at", "1.5,0,-1.5", "--names", "a,b",
                 "--width", "128", "--depth", "-o", str(out)]) == 0
    assert "rays/s" in capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == ["a.jpg", "a_depth.png", "b.jpg", "b_depth.png", "links.json"]
    doc = json.loads((out / "links.json").read_text())
    assert {(link["from"], link["to"], link["visible"]) for link in doc["links"]} == {
        ("a", "b", False), ("b", "a", False)}
    import cv2

    depth = cv2.imread(str(out / "a_depth.png"), cv2.IMREAD_UNCHANGED)
    assert depth.dtype == np.uint16 and int(depth[32, 64]) == pytest.approx(2000, abs=3)   # 2 m ahead
    assert main(["render", str(obj), "--at", "0,0", "-o", str(tmp_path / "x")]) == 2
