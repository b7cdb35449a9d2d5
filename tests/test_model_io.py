"""Readers: every supported format into one Mesh in the scan's own coordinates; bad input refused."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from vtour.errors import VtourError, VtourWarning
from vtour.model.io import read_mesh
from vtour.model.mesh import Material, Mesh
from vtour.model.obj import write_obj
from vtour.model.synthetic import uv_sphere


def _tetra_colored() -> "trimesh.Trimesh":  # noqa: F821
    import trimesh

    v = np.array([[0, 0, 0], [2, 0, 0], [0, 3, 0], [0, 0, 4]], float) + [10, 20, 30]
    f = np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]])
    colors = np.array([[255, 0, 0, 255], [0, 255, 0, 255], [0, 0, 255, 255], [255, 255, 255, 255]],
                      np.uint8)
    return trimesh.Trimesh(v, f, vertex_colors=colors, process=False)


@pytest.mark.parametrize("encoding", ["binary", "ascii"])
def test_ply_keeps_positions_and_vertex_colours_in_both_encodings(tmp_path, encoding):
    tm = _tetra_colored()
    path = tmp_path / f"t_{encoding}.ply"
    path.write_bytes(tm.export(file_type="ply", encoding=encoding))
    mesh = read_mesh(path)
    np.testing.assert_allclose(mesh.positions, tm.vertices)  # scale and origin kept
    np.testing.assert_array_equal(mesh.faces, tm.faces)
    assert mesh.colors is not None and mesh.units == "unknown"
    assert mesh.colors[0, 0] == pytest.approx(1.0) and mesh.colors[0, 1] == pytest.approx(0.0)


def test_stl_is_read_as_a_triangle_soup_with_unknown_units(tmp_path):
    tm = _tetra_colored()
    path = tmp_path / "t.stl"
    path.write_bytes(tm.export(file_type="stl"))
    mesh = read_mesh(path)
    assert mesh.triangle_count == 4 and mesh.units == "unknown"
    np.testing.assert_allclose(mesh.bounds, [[10, 20, 30], [12, 23, 34]], atol=1e-5)


def test_obj_with_two_materials_keeps_both_textures_and_the_uvs(tmp_path):
    sphere = uv_sphere(8, 16)
    red = np.zeros((8, 8, 3), np.uint8) + [200, 10, 10]
    half = (sphere.positions[sphere.faces].mean(axis=1)[:, 1] > 0).astype(np.int32)
    two = sphere.replace(face_material=half, materials=(
        sphere.materials[0], Material("red", texture=red.astype(np.uint8))))
    mesh = read_mesh(write_obj(two, tmp_path / "two.obj"))
    assert len(mesh.materials) == 2
    assert sorted(m.texture_size for m in mesh.materials) == [(8, 8), (256, 256)]
    assert mesh.triangle_count == sphere.triangle_count
    assert sorted(np.bincount(mesh.face_material)) == sorted(np.bincount(half))
    # glTF's v-down convention: the north pole (+y) has v near 0
    north = mesh.positions[:, 1] > 0.99
    assert mesh.uv[north, 1].max() < 0.2


def test_obj_polygons_are_triangulated(tmp_path):
    path = tmp_path / "quad.obj"
    path.write_text("v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nv 2 0 0\nv 2 1 0\nf 1 2 3 4\nf 2 5 6 3\n")
    mesh = read_mesh(path)
    assert mesh.triangle_count == 4


def test_gltf_is_in_metres_and_units_can_be_overridden(data_file):
    avocado = data_file("meshes/Avocado/Avocado.gltf")
    mesh = read_mesh(avocado)
    assert mesh.units == "m" and mesh.triangle_count == 682 and mesh.textured
    assert mesh.normals is not None  # read from the file, not recomputed
    assert read_mesh(avocado, units="cm").units == "cm"


def test_real_scans_in_supported_formats_are_read(data_file):
    for rel, triangles in [("meshes/fuze/fuze.obj", 1000), ("meshes/stanford-bunny.obj", 69451),
                           ("meshes/LeePerrySmith/LeePerrySmith.glb", 17684)]:
        mesh = read_mesh(data_file(rel))
        assert mesh.triangle_count == triangles, rel
        assert np.isfinite(mesh.positions).all()
    assert read_mesh(data_file("meshes/fuze/fuze.obj")).materials[0].texture_size == (1024, 1024)


def test_fbx_is_refused_with_a_way_out(data_file):
    with pytest.raises(VtourError, match="FBX is not supported.*glTF"):
        read_mesh(data_file("meshes/DanishStatues/Maria.fbx"))


@pytest.mark.parametrize("name, text, message", [
    ("empty.obj", "", "empty"),
    ("nofaces.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\n", "no triangle mesh|empty"),
    ("nan.obj", "v 0 0 0\nv nan 0 0\nv 0 1 0\nf 1 2 3\n", "NaN or infinite"),
    ("inf.obj", "v 0 0 0\nv inf 0 0\nv 0 1 0\nf 1 2 3\n", "NaN or infinite"),
    ("missing.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\nf 1 2 9\n", "faces index missing vertices"),
    ("garbage.ply", "this is not a ply file\n", "cannot read"),
    ("notes.txt", "hello", "unknown mesh format"),
])
def test_bad_input_is_a_clear_error(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(VtourError, match=message):
        read_mesh(path)


def test_ply_faces_out_of_range_are_an_error(tmp_path):
    path = tmp_path / "bad.ply"
    path.write_text("ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\n"
                    "property float z\nelement face 1\nproperty list uchar int vertex_indices\n"
                    "end_header\n0 0 0\n1 0 0\n0 1 0\n3 0 1 5\n")
    with pytest.raises(VtourError, match="faces index missing vertices: index 5 with 3 vertices"):
        read_mesh(path)


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(VtourError, match="file not found"):
        read_mesh(tmp_path / "nope.obj")


def test_texture_missing_from_the_mtl_warns_and_continues_untextured(tmp_path):
    path = write_obj(uv_sphere(6, 12), tmp_path / "s.obj")
    (tmp_path / "s_0.png").unlink()
    with pytest.warns(VtourWarning, match="texture 's_0.png' is missing.*untextured"):
        mesh = read_mesh(path)
    assert not mesh.textured and mesh.triangle_count == uv_sphere(6, 12).triangle_count


def test_mesh_bounds_and_diagonal_ignore_unreferenced_vertices():
    mesh = Mesh(positions=np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [100, 100, 100.0]]),
                faces=np.array([[0, 1, 2]]))
    assert mesh.diagonal == pytest.approx(np.sqrt(2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert mesh.vertex_material().tolist() == [0, 0, 0, 0]


@pytest.mark.parametrize("value", ["1e308", "-1e300", "3e18"])
def test_coordinates_too_large_for_32_bit_arithmetic_are_refused_naming_the_value(tmp_path, value):
    path = tmp_path / "huge.obj"
    path.write_text(f"v 0 0 0\nv {value} 0 0\nv 0 1 0\nv 0 0 1\nf 1 3 2\nf 1 2 4\nf 1 4 3\nf 2 3 4\n")
    with pytest.raises(VtourError) as info:
        read_mesh(path)
    message = str(info.value)
    assert message.startswith(f"model: {path}: ")
    assert f"vertex 1 has a coordinate of {float(value):g}" in message and "1e+18" in message
    assert "scale" in info.value.fix


def test_coordinates_of_a_georeferenced_scan_are_read(tmp_path):
    path = tmp_path / "utm.obj"
    path.write_text("v 500000 4649776 100\nv 500001 4649776 100\nv 500000 4649777 100\nf 1 2 3\n")
    assert read_mesh(path).positions[0, 1] == 4649776


def _checker_png(size: int = 32) -> "Texture":  # noqa: F821
    import io

    from PIL import Image

    from vtour.model.glb import Texture
    from vtour.model.synthetic import checker_texture

    out = io.BytesIO()
    Image.fromarray(checker_texture(size)).save(out, "PNG")
    return Texture(out.getvalue(), "png", size, size)


def test_the_finest_level_vtour_builds_reads_back_as_the_scan_within_its_quantization_step(tmp_path):
    from scipy.spatial import cKDTree

    from vtour.model.build import build_model
    from vtour.model.synthetic import checker_texture

    scan = uv_sphere(16, 32, bumps=0.05, texture=checker_texture(64))
    built = build_model(write_obj(scan, tmp_path / "scan" / "s.obj"), tmp_path / "out")
    finest = sorted(built.out_dir.glob("lod*.glb"), key=lambda p: int(p.stem[3:]))[-1]
    mesh = read_mesh(finest)
    step = scan.diagonal * 2.0**-13  # 14-bit positions over the largest side, which is under the diagonal
    assert mesh.triangle_count == scan.triangle_count
    np.testing.assert_allclose(mesh.bounds, scan.bounds, atol=step)
    # both ways: every vertex read lies on a scan vertex and every scan vertex is read
    assert cKDTree(scan.positions).query(mesh.positions)[0].max() < step
    assert cKDTree(mesh.positions).query(scan.positions)[0].max() < step
    assert mesh.textured and mesh.materials[0].texture_size == (64, 64)
    assert mesh.normals is not None and np.allclose(np.linalg.norm(mesh.normals, axis=1), 1, atol=1e-3)


@pytest.mark.parametrize("compress", [True, False])
def test_quantized_uvs_outside_the_unit_square_and_vertex_colours_are_restored(tmp_path, compress):
    from scipy.spatial import cKDTree

    from vtour.model.glb import encode_glb

    sphere = uv_sphere(8, 16)
    colors = np.random.default_rng(0).uniform(0, 1, (sphere.vertex_count, 4)).astype(np.float32)
    sphere = sphere.replace(uv=sphere.uv * 3 - 1, colors=colors)  # KHR_texture_transform on the texture
    path = tmp_path / "q.glb"
    path.write_bytes(encode_glb(sphere, [_checker_png()], compress=compress))
    mesh = read_mesh(path)
    # seam vertices share a position, so match on position, UV and colour together
    key = lambda m: np.hstack([m.positions, m.uv, m.colors])  # noqa: E731
    distance, nearest = cKDTree(key(sphere)).query(key(mesh))
    assert mesh.triangle_count == sphere.triangle_count
    np.testing.assert_allclose(mesh.uv, sphere.uv[nearest], atol=3 / 65535)  # 16-bit UVs over a range of 3
    np.testing.assert_allclose(mesh.colors, sphere.colors[nearest], atol=1 / 65535)
    np.testing.assert_allclose(mesh.positions, sphere.positions[nearest], atol=sphere.diagonal * 2.0**-13)
    assert mesh.materials[0].texture_size == (32, 32)


def _rewritten(path, tmp_path, change) -> "Path":  # noqa: F821
    from vtour.model.glb import pack_glb, unpack_glb

    doc, bin_data = unpack_glb(path.read_bytes())
    change(doc)
    out = tmp_path / f"changed_{path.name}"
    out.write_bytes(pack_glb(doc, bin_data))
    return out


def test_node_matrix_and_rotation_of_a_quantized_file_place_the_mesh(tmp_path):
    from vtour.model.glb import encode_glb

    sphere = uv_sphere(8, 16).replace(positions=uv_sphere(8, 16).positions * [1, 2, 3] + [5, 6, 7])
    path = tmp_path / "m.glb"
    path.write_bytes(encode_glb(sphere, [_checker_png()]))
    turn = np.array([[0, -1, 0], [1, 0, 0], [0, 0, 1.0]])  # a quarter turn about +z

    def as_matrix(doc):
        node = doc["nodes"][0]
        m = np.eye(4)
        m[:3, :3] = turn * node.pop("scale")[0]
        m[:3, 3] = turn @ node.pop("translation")
        node["matrix"] = m.T.reshape(-1).tolist()  # glTF matrices are column-major

    def as_rotation(doc):
        node = doc["nodes"][0]
        node["translation"] = (turn @ node["translation"]).tolist()
        node["rotation"] = [0, 0, np.sin(np.pi / 4), np.cos(np.pi / 4)]

    expected = np.sort(sphere.positions @ turn.T, axis=0)
    for change in (as_matrix, as_rotation):
        mesh = read_mesh(_rewritten(path, tmp_path, change))
        np.testing.assert_allclose(np.sort(mesh.positions, axis=0), expected, atol=sphere.diagonal * 2.0**-13)


def test_a_required_extension_vtour_cannot_decode_is_a_clear_error(tmp_path):
    from vtour.model.glb import encode_glb

    path = tmp_path / "draco.glb"
    path.write_bytes(encode_glb(uv_sphere(6, 12), [None], compress=False, plain=True))

    def draco(doc):
        doc["extensionsUsed"] = doc["extensionsRequired"] = ["KHR_draco_mesh_compression"]

    changed = _rewritten(path, tmp_path, draco)
    with pytest.raises(VtourError, match="requires the glTF extension KHR_draco_mesh_compression") as info:
        read_mesh(changed)
    assert str(changed) in str(info.value) and "without Draco compression" in info.value.fix
