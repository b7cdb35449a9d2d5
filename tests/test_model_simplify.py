"""Simplification: within budget, reusing the scan's own vertices, seams and UVs kept."""

from __future__ import annotations

import numpy as np
import pytest

from vtour.errors import VtourError, VtourWarning
from vtour.model.clean import clean_mesh
from vtour.model.io import read_mesh
from vtour.model.simplify import simplify_mesh
from vtour.model.synthetic import uv_sphere


def _records(mesh) -> set:
    cols = [mesh.positions, mesh.uv] + ([mesh.colors] if mesh.colors is not None else [])
    return {tuple(r) for r in np.hstack(cols)}


def _assert_reuses_vertices(simple, original):
    assert _records(simple) <= _records(original), "a vertex (position, uv) was invented"
    lo, hi = original.uv.min(axis=0), original.uv.max(axis=0)
    assert (simple.uv >= lo).all() and (simple.uv <= hi).all()


@pytest.mark.parametrize("target", [2000, 500])
def test_simplified_sphere_is_within_budget_and_reuses_original_vertices_with_their_uvs(target):
    sphere, _ = clean_mesh(uv_sphere(48, 96, bumps=0.05))
    simple, result = simplify_mesh(sphere, target)
    assert simple.triangle_count <= target and simple.triangle_count >= 0.9 * target
    assert result.triangles == simple.triangle_count and result.method == "meshopt"
    _assert_reuses_vertices(simple, sphere)
    assert simple.faces.max() < simple.vertex_count  # compact
    np.testing.assert_allclose(simple.bounds, sphere.bounds, atol=0.05)


def test_a_budget_the_seams_block_falls_back_to_sloppy_with_a_warning_and_stays_in_budget():
    # 96 pole copies and a seam stop edge collapses near 300 triangles
    sphere, _ = clean_mesh(uv_sphere(48, 96, bumps=0.05))
    with pytest.warns(VtourWarning, match="sloppy simplification"):
        simple, result = simplify_mesh(sphere, 100)
    assert 0 < simple.triangle_count <= 100 and result.method == "meshopt-sloppy"
    _assert_reuses_vertices(simple, sphere)


def test_uv_seam_is_kept_so_no_triangle_spans_the_texture_wrap():
    sphere, _ = clean_mesh(uv_sphere(48, 96))
    simple, _ = simplify_mesh(sphere, 400)
    u = simple.uv[simple.faces, 0]
    # a triangle joining u ~ 0 and u ~ 1 would smear the whole texture across the seam
    assert (u.max(axis=1) - u.min(axis=1)).max() < 0.5


def test_vertex_coloured_scan_keeps_its_colours_and_is_simplified():
    sphere, _ = clean_mesh(uv_sphere(32, 64))
    colors = np.ones((sphere.vertex_count, 4), np.float32)
    colors[sphere.positions[:, 0] > 0, :3] = [1, 0, 0]
    mesh = sphere.replace(colors=colors, uv=None, materials=(sphere.materials[0].__class__(),))
    simple, result = simplify_mesh(mesh, 300)
    assert simple.triangle_count <= 300 and result.method == "meshopt+colors"
    keys = {tuple(r) for r in np.hstack([mesh.positions, mesh.colors])}
    assert {tuple(r) for r in np.hstack([simple.positions, simple.colors])} <= keys


def test_untextured_real_scan_reaches_its_budget(data_file):
    bunny, _ = clean_mesh(read_mesh(data_file("meshes/stanford-bunny.obj")))
    simple, _ = simplify_mesh(bunny, 5000)
    assert 4500 <= simple.triangle_count <= 5000


def test_textured_real_scan_keeps_its_uvs(data_file):
    fuze, _ = clean_mesh(read_mesh(data_file("meshes/fuze/fuze.obj")))
    simple, _ = simplify_mesh(fuze, 400)
    assert simple.triangle_count <= 400
    _assert_reuses_vertices(simple, fuze)


def test_a_budget_above_the_scan_returns_it_unchanged():
    sphere, _ = clean_mesh(uv_sphere(8, 16))
    same, result = simplify_mesh(sphere, 10_000)
    assert same is sphere and result.method == "none"


def test_budget_below_the_minimum_is_refused():
    sphere, _ = clean_mesh(uv_sphere(8, 16))
    with pytest.raises(VtourError, match="target 2 triangles is below the minimum of 4"):
        simplify_mesh(sphere, 2)
