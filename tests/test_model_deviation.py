"""Deviation: exact distances, checked against shapes whose deviation is known analytically."""

from __future__ import annotations

import numpy as np
import pytest

from vtour.model.deviation import Surface, measure_deviation, sample_surface
from vtour.model.mesh import Mesh
from vtour.model.synthetic import uv_sphere


def _plane(z: float, n: int = 8) -> Mesh:
    y, x = np.mgrid[0:n + 1, 0:n + 1] / n
    positions = np.stack([x.ravel(), y.ravel(), np.full(x.size, z)], axis=1)
    ids = np.arange(positions.shape[0]).reshape(n + 1, n + 1)
    a, b, c, d = ids[:-1, :-1], ids[:-1, 1:], ids[1:, :-1], ids[1:, 1:]
    faces = np.concatenate([np.stack([a, b, d], -1).reshape(-1, 3), np.stack([a, d, c], -1).reshape(-1, 3)])
    return Mesh(positions=positions, faces=faces)


def test_parallel_planes_deviate_by_their_offset_everywhere():
    dev = measure_deviation(_plane(0.0), _plane(0.25, n=3), samples=5000)
    assert dev.hausdorff == pytest.approx(0.25, abs=1e-9)
    assert dev.mean == pytest.approx(0.25, abs=1e-9) and dev.rms == pytest.approx(0.25, abs=1e-9)
    np.testing.assert_allclose(dev.per_vertex, 0.25, atol=1e-9)
    d = dev.as_dict()
    assert d["hausdorff_fraction"] == pytest.approx(0.25 / np.sqrt(2))


def test_coarse_sphere_deviation_matches_the_analytic_sagitta():
    fine, coarse = uv_sphere(128, 256), uv_sphere(12, 24)
    dev = measure_deviation(fine, coarse, samples=100_000)
    # coarse vertices lie on the unit sphere; its faces' deepest point is the plane's distance
    p = coarse.positions[coarse.faces]
    normal = np.cross(p[:, 1] - p[:, 0], p[:, 2] - p[:, 0])
    normal /= np.linalg.norm(normal, axis=1, keepdims=True)
    plane_distance = np.abs(np.einsum("ij,ij->i", normal, p[:, 0]))
    analytic = 1.0 - plane_distance.min()
    fine_error = 1.0 - np.cos(np.pi / 256) ** 2  # the fine sphere's own sagitta, an upper bound
    assert dev.hausdorff == pytest.approx(analytic, abs=2 * fine_error + 1e-3)
    assert 0 < dev.rms < dev.hausdorff and dev.mean < dev.rms


def test_identical_meshes_have_zero_deviation():
    sphere = uv_sphere(16, 32)
    dev = measure_deviation(sphere, sphere, samples=5000)
    assert dev.hausdorff < 1e-12 and dev.per_vertex.max() < 1e-12


def test_surface_distance_is_exact_point_to_triangle():
    surface = Surface(np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0.0]]), np.array([[0, 1, 2]]))
    d, face, closest = surface.closest(np.array([[0.2, 0.2, 3.0], [2.0, 0.0, 0.0], [-1, -1, 0.0]]))
    np.testing.assert_allclose(d, [3.0, 1.0, np.sqrt(2)])
    np.testing.assert_allclose(closest, [[0.2, 0.2, 0], [1, 0, 0], [0, 0, 0]], atol=1e-12)


def test_surface_samples_are_area_uniform():
    mesh = _plane(0.0, n=4)
    points = sample_surface(mesh.positions, mesh.faces, 40_000, np.random.default_rng(1))
    counts, _, _ = np.histogram2d(points[:, 0], points[:, 1], bins=4, range=[[0, 1], [0, 1]])
    assert counts.min() > 0.9 * counts.mean() and counts.max() < 1.1 * counts.mean()
