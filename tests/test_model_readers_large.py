"""The streaming readers of large scans (vtour.model.obj, vtour.model.ply) on what exports get wrong:
errors that name the line, row or index, and the same mesh and materials as the small-file path.
The files are tiny; the size thresholds are lowered so the streaming path reads them."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

from vtour.errors import VtourError
from vtour.model import archive, mtl, obj, ply
from vtour.model.io import read_mesh

TRIANGLE = "v 0 0 0\nv 1 0 0\nv 1 1 0\n"
SQUARE = "v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\n"
PLY_HEADER = (
    b"ply\nformat binary_little_endian 1.0\nelement vertex 4\nproperty float x\nproperty float y\n"
    b"property float z\nelement face 2\nproperty list uchar int vertex_indices\nend_header\n"
)


@pytest.fixture
def streaming(monkeypatch):
    """Every OBJ and binary PLY read by the streaming readers, in blocks of 64 bytes (lines cut)."""
    monkeypatch.setattr(obj, "FAST_MIN_BYTES", 0)
    monkeypatch.setattr(obj, "BLOCK_BYTES", 64)
    monkeypatch.setattr(ply, "FAST_MIN_BYTES", 0)


def ply_bytes(faces) -> bytes:
    vertex = np.zeros(4, [("x", "<f4"), ("y", "<f4"), ("z", "<f4")])
    vertex["x"], vertex["y"] = [0, 1, 0, 1], [0, 0, 1, 1]
    face = np.zeros(len(faces), [("n", "u1"), ("i", "<i4", (3,))])
    face["n"], face["i"] = 3, faces
    return PLY_HEADER + vertex.tobytes() + face.tobytes()


@pytest.mark.parametrize(
    "text, line, token, fix",
    [
        (TRIANGLE + "f 1 2 3 # a triangle\n", 4, "#", "comments on lines of their own"),
        ("v 0 0 0  # origin\n" + TRIANGLE + "f 1 2 3\n", 1, "#", "comments on lines of their own"),
        (TRIANGLE + "v 0,5 0 0\nf 1 2 3\n", 4, "0,5", "point as the decimal separator"),
        ("# scan\n" * 20 + TRIANGLE + "v 1.#QNAN 0 0\nf 1 2 3\n", 24, "1.#QNAN", "export the mesh again"),
    ],
)
def test_a_word_that_is_not_a_number_is_an_error_naming_the_line_and_the_word(
    tmp_path, streaming, text, line, token, fix
):
    path = tmp_path / "scan.obj"
    path.write_text(text)
    with pytest.raises(VtourError) as caught:
        read_mesh(path)
    error = caught.value
    assert error.field == f"line {line}" and error.value == token and fix in error.fix
    assert str(path) in str(error)


def test_an_empty_usemtl_changes_nothing_as_with_trimesh(tmp_path, monkeypatch):
    (tmp_path / "scan.mtl").write_text("newmtl red\nKd 1 0 0\n")
    path = tmp_path / "scan.obj"
    path.write_text("mtllib scan.mtl\n" + SQUARE + "usemtl red\nf 1 2 3\nusemtl\nf 1 3 4\n")
    small = read_mesh(path)
    monkeypatch.setattr(obj, "FAST_MIN_BYTES", 0)
    large = read_mesh(path)
    for mesh in (small, large):
        assert mesh.triangle_count == 2 and len(mesh.materials) == 1
        assert mesh.materials[0].base_color == (1.0, 0.0, 0.0, 1.0)


def test_a_byte_order_mark_before_mtllib_keeps_the_materials(tmp_path, streaming):
    (tmp_path / "scan.mtl").write_text("newmtl red\nKd 1 0 0\n")
    path = tmp_path / "scan.obj"
    path.write_bytes(b"\xef\xbb\xbf" + ("mtllib scan.mtl\n" + TRIANGLE + "usemtl red\nf 1 2 3\n").encode())
    assert obj.read_obj_arrays(path).mtllib == "scan.mtl"  # type: ignore[union-attr]
    mesh = read_mesh(path)
    assert [m.base_color for m in mesh.materials] == [(1.0, 0.0, 0.0, 1.0)]
    assert [n.name for n in mtl.material_files(path)] == ["scan.mtl"]  # the dependency scan agrees


def test_faces_with_uvs_but_no_material_look_the_same_at_any_size(tmp_path, monkeypatch):
    path = tmp_path / "scan.obj"
    path.write_text(SQUARE + "vt 0 0\nvt 1 0\nvt 1 1\nusemtl missing\nf 1/1 2/2 3/3\n")
    small = read_mesh(path).materials[0]
    monkeypatch.setattr(obj, "FAST_MIN_BYTES", 0)
    large = read_mesh(path).materials[0]
    assert (large.name, large.base_color, large.roughness) == (small.name, small.base_color, small.roughness)
    assert large.base_color == pytest.approx((0.4, 0.4, 0.4, 1.0))  # trimesh's empty material


def test_a_face_naming_a_missing_vertex_names_the_line_and_the_index(tmp_path, streaming):
    path = tmp_path / "scan.obj"
    # lines 6-15 triangles, 16 a group, 17-18 quads (two triangles each): the second names vertex 9
    path.write_text(SQUARE + "vt 0 0\n" + "f 1/1 2/1 3/1\n" * 10 + "g quads\nf 1/1 2/1 3/1 4/1\nf 1/1 2/1 3/1 9/1\n")
    with pytest.raises(VtourError, match=r"the face on line 18 names vertex 9, but the file holds 4"):
        read_mesh(path)
    path.write_text(SQUARE + "vt 0 0\nf 1/1 2/1 3/1\nf 1/1 2/2 3/1\n")
    with pytest.raises(VtourError, match=r"the face on line 7 names uv 2, but the file holds 1"):
        read_mesh(path)


def test_a_ply_face_naming_a_negative_index_names_that_index_and_its_face(tmp_path, streaming):
    path = tmp_path / "scan.ply"
    path.write_bytes(ply_bytes([[0, 1, 2], [1, -1, 2]]))
    with pytest.raises(VtourError, match=r"index -1 \(face 1 of 2, counted from 0\) with 4 vertices"):
        read_mesh(path)


@pytest.mark.parametrize("cut, element, row, missing", [(5, "face", 1, 5), (20, "face", 0, 7), (30, "vertex", 3, 4)])
def test_a_binary_ply_cut_short_names_the_element_and_row_missing_bytes(
    tmp_path, streaming, cut, element, row, missing
):
    path = tmp_path / "scan.ply"
    path.write_bytes(ply_bytes([[0, 1, 2], [1, 3, 2]])[:-cut])
    with pytest.raises(
        VtourError, match=rf"truncated: .*\({element} row {row}, counted from 0, lacks {missing} bytes\)"
    ):
        read_mesh(path)


def test_mtllib_lines_are_found_across_scan_blocks(tmp_path, monkeypatch):
    path = tmp_path / "scan.obj"
    path.write_bytes(b"# x\r\nmtllib a.mtl\r\n" + b"v 0 0 0\n" * 50 + b"  mtllib\tb c.mtl \nmtllib d.mtl")
    expected = ["a.mtl", "b c.mtl", "d.mtl"]
    assert mtl.mtllib_names(path) == expected
    monkeypatch.setattr(mtl, "SCAN_BYTES", 7)  # every name cut by a block's end
    assert mtl.mtllib_names(path) == expected


def test_large_zip_members_are_deflated_fast_and_read_back_whole(tmp_path, monkeypatch):
    scan = tmp_path / "scan.obj"
    scan.write_bytes(b"v 0.123456 1.234567 2.345678\n" * 20_000)
    sizes = {}
    for limit in (1 << 40, 1000):
        monkeypatch.setattr(archive, "FAST_DEFLATE_BYTES", limit)
        dest = tmp_path / f"{limit}.zip"
        archive.write_zip([scan], tmp_path, dest)
        with zipfile.ZipFile(dest) as z:
            assert z.testzip() is None and z.read("scan.obj") == scan.read_bytes()
            sizes[limit] = z.getinfo("scan.obj").compress_size
    assert sizes[1000] != sizes[1 << 40]  # level 1, not the default level


def test_face_lines_of_other_shapes_with_the_same_count_of_numbers_go_to_trimesh(tmp_path):
    path = tmp_path / "scan.obj"
    path.write_text(SQUARE + "v 0 0 1\nv 1 0 1\nvt 0 0\nvt 1 0\nvt 1 1\nf 1/1 2/2 3/3\nf 1 2 3 4 5 6\n")
    assert obj.read_obj_arrays(path) is None  # 12 numbers as two v/vt triangles would be, but a hexagon
