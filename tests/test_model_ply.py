"""PLY: a truncated file is refused naming both counts; triangle strips (``element tristrips``) are read."""

from __future__ import annotations

import numpy as np
import pytest

from vtour.errors import VtourError
from vtour.model.io import read_mesh

HEADER = ("ply\nformat ascii 1.0\nelement vertex 4\nproperty float x\nproperty float y\nproperty float z\n"
          "element face 4\nproperty list uchar int vertex_indices\nend_header\n")
VERTICES = "0 0 0\n1 0 0\n0 1 0\n0 0 1\n"
FACES = "3 0 2 1\n3 0 1 3\n3 0 3 2\n3 1 2 3\n"


@pytest.mark.parametrize("body, held", [
    (VERTICES + FACES[:16], "4 vertex and 2 face"),                  # two face lines lost
    (VERTICES + FACES[:-5], "4 vertex and 3 face"),                  # cut in the middle of the last line
    (VERTICES[:12], "2 vertex and 0 face"),                          # cut among the vertices
], ids=["lines-lost", "cut-mid-line", "cut-in-vertices"])
def test_a_truncated_ascii_ply_is_refused_naming_the_file_and_both_counts(tmp_path, body, held):
    path = tmp_path / "cut.ply"
    path.write_text(HEADER + body)
    with pytest.raises(VtourError) as info:
        read_mesh(path)
    message = str(info.value)
    assert message.startswith(f"model: {path}: ")
    assert f"the header declares 4 vertex and 4 face rows but the file holds {held}" in message
    assert "truncated" in message and "export" in info.value.fix


def test_a_complete_ascii_ply_with_a_trailing_blank_line_is_read(tmp_path):
    path = tmp_path / "whole.ply"
    path.write_text(HEADER + VERTICES + FACES + "\n")
    assert read_mesh(path).triangle_count == 4


def _grid_strips():
    """A 3 x 2 grid of quads in z = 0 as two strips (one per row of quads), its positions and the
    triangles a strip decoder must give (all counter-clockwise seen from +z)."""
    x, y = np.meshgrid(np.arange(4.0), np.arange(3.0))
    positions = np.stack([x.ravel(), y.ravel(), np.zeros(12)], axis=1)
    strips = [[4 * (r + 1) + c if i % 2 == 0 else 4 * r + c for c in range(4) for i in range(2)] for r in range(2)]
    return positions, strips


def _strip_ply(positions, rows, encoding="ascii", colors=None) -> bytes:
    props = "property float x\nproperty float y\nproperty float z\n"
    if colors is not None:
        props += "property uchar red\nproperty uchar green\nproperty uchar blue\n"
    header = (f"ply\nformat {encoding} 1.0\ncomment a Cyberware-style scan\nelement vertex {len(positions)}\n"
              f"{props}element tristrips {len(rows)}\nproperty list int int vertex_indices\nend_header\n")
    if encoding == "ascii":
        lines = [" ".join(f"{v:g}" for v in p) + ("" if colors is None else " %d %d %d" % tuple(colors[i]))
                 for i, p in enumerate(positions)]
        lines += [" ".join(str(v) for v in [len(r), *r]) for r in rows]
        return (header + "\n".join(lines) + "\n").encode()
    end = "<" if encoding == "binary_little_endian" else ">"
    fields = [("p", f"{end}f4", (3,))] + ([("c", "u1", (3,))] if colors is not None else [])
    vertices = np.zeros(len(positions), np.dtype(fields))
    vertices["p"] = positions
    if colors is not None:
        vertices["c"] = colors
    body = vertices.tobytes() + b"".join(np.array([len(r), *r], f"{end}i4").tobytes() for r in rows)
    return header.encode() + body


@pytest.mark.parametrize("encoding", ["ascii", "binary_little_endian", "binary_big_endian"])
def test_triangle_strips_are_read_with_alternating_winding_restarts_and_rows(tmp_path, encoding):
    positions, (row0, row1) = _grid_strips()
    # row 0 as its own strip; row 1 split in two by a -1 restart (the second half starts anew),
    # in a second tristrips row of another length
    rows = [row0, row1[:4] + [-1] + row1[2:]]
    colors = np.arange(36, dtype=np.uint8).reshape(12, 3) * 7
    path = tmp_path / "strips.ply"
    path.write_bytes(_strip_ply(positions, rows, encoding, colors))
    mesh = read_mesh(path)
    assert mesh.triangle_count == 12                                  # 6 quads, 2 triangles each
    p = mesh.positions[mesh.faces]
    normals = np.cross(p[:, 1] - p[:, 0], p[:, 2] - p[:, 0])
    np.testing.assert_allclose(normals[:, :2], 0)
    assert (normals[:, 2] > 0).all()                                  # one winding, facing +z
    area = 0.5 * np.linalg.norm(normals, axis=1).sum()
    assert area == pytest.approx(6.0)                                 # the grid covered once
    np.testing.assert_allclose(mesh.positions, positions)
    assert mesh.colors is not None


def test_strip_decoding_skips_the_degenerate_joins_between_strips():
    from vtour.model.ply import strip_faces

    # 0 1 2 3 | join 3 3 4 4 (degenerate) | 4 5 6
    faces = strip_faces(np.array([0, 1, 2, 3, 3, 4, 4, 5, 6]))
    assert faces.tolist() == [[0, 1, 2], [2, 1, 3], [4, 5, 6]]
    assert strip_faces(np.array([0, 1, 2, -1, 3, 4, 5, 6])).tolist() == [[0, 1, 2], [3, 4, 5], [5, 4, 6]]
    assert strip_faces(np.array([0, 1, -1, 2])).shape == (0, 3)


def test_a_truncated_strip_ply_is_refused_naming_both_counts(tmp_path):
    positions, rows = _grid_strips()
    data = _strip_ply(positions, rows, "binary_little_endian")
    path = tmp_path / "cut.ply"
    path.write_bytes(data[:-20])
    with pytest.raises(VtourError, match="the header declares 12 vertex and 2 tristrips rows but the file "
                                         "holds 12 vertex and 1 tristrips"):
        read_mesh(path)


def test_a_strip_row_that_is_not_numbers_is_a_clear_error(tmp_path):
    positions, rows = _grid_strips()
    path = tmp_path / "bad.ply"
    path.write_bytes(_strip_ply(positions, rows).replace(b"8 8 4 9 5", b"8 8 x 9 5"))
    with pytest.raises(VtourError, match=r"bad.ply: cannot read its triangle strips \(.*'x'"):
        read_mesh(path)
