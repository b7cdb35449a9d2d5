"""Cleaning: exact welding that keeps seams, degenerate/duplicate faces, fragments, normals."""

from __future__ import annotations

import numpy as np

from vtour.model.clean import CleanOptions, clean_mesh, connected_pieces, vertex_normals
from vtour.model.mesh import Mesh
from vtour.model.synthetic import uv_sphere


def _soup(mesh: Mesh) -> Mesh:
    """Every face with its own three vertices, as an STL stores it."""
    corners = mesh.faces.reshape(-1)
    pick = (lambda a: None if a is None else a[corners])
    return mesh.replace(positions=mesh.positions[corners],
                        faces=np.arange(len(corners)).reshape(-1, 3),
                        uv=pick(mesh.uv), normals=pick(mesh.normals))


def test_a_triangle_soup_welds_back_to_the_shared_vertices_and_keeps_the_uv_seam():
    sphere = uv_sphere(8, 16)
    cleaned, report = clean_mesh(_soup(sphere))
    assert cleaned.vertex_count == sphere.vertex_count  # the seam copies stay apart
    assert report.welded_vertices == 3 * sphere.triangle_count - sphere.vertex_count
    assert cleaned.triangle_count == sphere.triangle_count
    # the same surface: every (position, uv) record of the original is still there
    rows = lambda m: {tuple(r) for r in np.round(np.hstack([m.positions, m.uv]), 12)}
    assert rows(cleaned) == rows(sphere)


def test_degenerate_duplicate_faces_and_unreferenced_vertices_are_counted_and_removed():
    sphere = uv_sphere(8, 16)
    f = sphere.faces
    extra = np.array([[f[0, 0], f[0, 0], f[0, 1]],      # repeated vertex
                      [f[1, 2], f[1, 0], f[1, 1]]])     # duplicate of face 1, rotated
    positions = np.vstack([sphere.positions, [[5, 5, 5]]])  # an unreferenced vertex
    mesh = sphere.replace(positions=positions, faces=np.vstack([f, extra]),
                          uv=np.vstack([sphere.uv, [[0, 0]]]),
                          normals=np.vstack([sphere.normals, [[0, 0, 1]]]),
                          face_material=np.zeros(len(f) + 2, np.int32))
    cleaned, report = clean_mesh(mesh)
    assert (report.degenerate_faces, report.duplicate_faces, report.unreferenced_vertices) == (1, 1, 1)
    assert cleaned.triangle_count == sphere.triangle_count
    assert cleaned.vertex_count == sphere.vertex_count


def test_collinear_faces_are_degenerate():
    mesh = Mesh(positions=np.array([[0, 0, 0], [1, 0, 0], [2, 0, 0], [0, 1, 0.0]]),
                faces=np.array([[0, 1, 2], [0, 1, 3]]))
    cleaned, report = clean_mesh(mesh)
    assert report.degenerate_faces == 1 and cleaned.triangle_count == 1


def test_tiny_fragments_are_dropped_only_when_asked():
    big, small = uv_sphere(16, 32), uv_sphere(2, 3, radius=0.01)
    small = small.replace(positions=small.positions + 3.0)
    merged = big.replace(positions=np.vstack([big.positions, small.positions]),
                         faces=np.vstack([big.faces, small.faces + big.vertex_count]),
                         uv=np.vstack([big.uv, small.uv]), normals=np.vstack([big.normals, small.normals]),
                         face_material=np.zeros(big.triangle_count + small.triangle_count, np.int32))
    kept, report = clean_mesh(merged)
    assert kept.triangle_count == merged.triangle_count and report.fragments == 0
    assert len(np.unique(connected_pieces(kept))) == 2  # the seam does not split the big sphere
    dropped, report = clean_mesh(merged, CleanOptions(drop_fragments=0.01))
    assert report.fragments == 1 and report.fragment_faces == small.triangle_count
    assert dropped.triangle_count == big.triangle_count
    assert dropped.positions.max() < 1.01


def test_computed_normals_of_a_sphere_point_outwards_and_agree_across_the_seam():
    sphere = uv_sphere(32, 64)
    n = vertex_normals(sphere.replace(normals=None))
    radial = sphere.positions / np.linalg.norm(sphere.positions, axis=1, keepdims=True)
    assert np.einsum("ij,ij->i", n, radial).min() > 0.99
    cleaned, report = clean_mesh(sphere.replace(normals=None))
    assert report.normals_computed and cleaned.normals.shape == (cleaned.vertex_count, 3)


def test_a_mesh_whose_faces_are_all_degenerate_is_refused_naming_the_file_and_the_count():
    import pytest

    from vtour.errors import VtourError

    line = Mesh(positions=np.array([[0, 0, 0], [1, 0, 0], [2, 0, 0], [3, 0, 0.0]]),
                faces=np.array([[0, 1, 2], [1, 2, 3], [3, 3, 1]]), source="/scans/line.obj")
    with pytest.raises(VtourError) as info:
        clean_mesh(line)
    assert str(info.value).startswith("model: /scans/line.obj: all 3 faces are degenerate")
    assert "re-export" in info.value.fix
