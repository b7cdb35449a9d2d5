"""Simplification, issue 15: locked borders, so chunks simplified apart (vtour.model.chunked) still
meet, with the budget kept; and determinism."""

from __future__ import annotations

import numpy as np
import pytest

from vtour.errors import VtourWarning
from vtour.model.clean import clean_mesh, position_ids
from vtour.model.simplify import simplify_mesh
from vtour.model.synthetic import uv_sphere


def _sphere(rows=48, cols=96, bumps=0.05):
    return clean_mesh(uv_sphere(rows, cols, bumps=bumps))[0]


def _hemisphere():
    """The bumpy sphere's z > 0 half: one border loop of 96 positions, a UV seam ending on it."""
    sphere = _sphere()
    faces = sphere.faces[sphere.positions[sphere.faces].mean(axis=1)[:, 2] > 0]
    return sphere.with_vertices(np.unique(faces), faces, sphere.vertex_material()[faces[:, 0]])


def _border_positions(mesh) -> set:
    """Positions on an edge used by one triangle once seam copies are welded."""
    pid = position_ids(mesh)
    f = pid[mesh.faces]
    edges = np.sort(np.concatenate([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]]), axis=1)
    unique, count = np.unique(edges, axis=0, return_counts=True)
    on_border = np.isin(pid, unique[count == 1])
    return {tuple(p) for p in mesh.positions[on_border]}


def _welded_edge_uses(mesh) -> np.ndarray:
    pid = position_ids(mesh)
    f = pid[mesh.faces]
    edges = np.sort(np.concatenate([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]]), axis=1)
    return np.unique(edges, axis=0, return_counts=True)[1]


def test_lock_border_keeps_every_border_vertex_where_it_was():
    half = _hemisphere()
    border = _border_positions(half)
    assert len(border) == 96
    free, _ = simplify_mesh(half, 800)
    locked, result = simplify_mesh(half, 800, lock_border=True)
    assert locked.triangle_count <= 800 and result.triangles == locked.triangle_count
    kept = {tuple(p) for p in locked.positions}
    assert border <= kept
    assert _border_positions(locked) == border  # the border loop is the same, vertex for vertex
    assert len(border & {tuple(p) for p in free.positions}) < len(border)  # unlocked, it is simplified


def test_a_locked_chunk_that_cannot_reach_its_share_stays_above_it_rather_than_go_sloppy():
    half = _hemisphere()
    with pytest.warns(VtourWarning, match="locked borders"):
        locked, result = simplify_mesh(half, 50, lock_border=True)
    assert result.method == "meshopt" and locked.triangle_count > 50
    assert _border_positions(locked) == _border_positions(half)


def test_simplification_is_deterministic():
    sphere = _sphere()
    a, _ = simplify_mesh(sphere, 1000)
    b, _ = simplify_mesh(sphere, 1000)
    np.testing.assert_array_equal(a.faces, b.faces)
    np.testing.assert_array_equal(a.positions, b.positions)
