"""Large scans: chunked simplification with locked borders, the streaming OBJ and PLY readers, and
deviation measured on a bounded, stratified set of scan vertices (issue 15: 20 M triangles)."""

from __future__ import annotations

import numpy as np
import pytest
from gltf_validator import validate

from vtour.errors import VtourError
from vtour.model import DEFAULT_MODEL_OPTIONS, Level, build_model, chunked, obj, ply
from vtour.model.clean import clean_mesh, position_ids
from vtour.model.deviation import measure_deviation
from vtour.model.io import read_mesh
from vtour.model.lod import build_chain
from vtour.model.mesh import Material
from vtour.model.obj import read_obj_arrays, write_obj
from vtour.model.synthetic import checker_texture, uv_sphere

FAST = DEFAULT_MODEL_OPTIONS.replace(deviation_samples=20_000)
LEVELS = (Level(2000, 64), Level(8000, 128), Level(30_000, 256))
#: Forces chunking of the ~200 k-triangle test scan, in 4 chunks of at most 60 k triangles.
SMALL = {"CHUNK_THRESHOLD": 50_000, "CHUNK_TRIANGLES": 60_000}


@pytest.fixture(scope="module")
def scan():
    mesh, _ = clean_mesh(uv_sphere(301, 340, bumps=0.08, texture=checker_texture(256)))  # 204,000 triangles
    return mesh


@pytest.fixture(scope="module")
def scan_obj(scan, tmp_path_factory):
    return write_obj(scan, tmp_path_factory.mktemp("scan") / "scan.obj")


@pytest.fixture(scope="module")
def builds(scan_obj, tmp_path_factory):
    """The same scan built whole and in chunks: {"whole": result, "chunked": result}."""
    out = {}
    for name in ("whole", "chunked"):
        with pytest.MonkeyPatch.context() as mp:
            if name == "chunked":
                for key, value in SMALL.items():
                    mp.setattr(chunked, key, value)
            out[name] = build_model(scan_obj, tmp_path_factory.mktemp(name) / "scan", FAST.replace(lods=LEVELS))
    return out


def edge_counts(mesh) -> tuple[int, int]:
    """(border edges, edges of more than two faces), by position (seam copies count as one)."""
    pid = position_ids(mesh)[mesh.faces]
    edges = np.sort(np.concatenate([pid[:, [0, 1]], pid[:, [1, 2]], pid[:, [2, 0]]]), axis=1)
    _, counts = np.unique(edges, axis=0, return_counts=True)
    return int((counts == 1).sum()), int((counts > 2).sum())


def test_chunks_are_balanced_and_cover_every_face_once():
    rng = np.random.default_rng(0)
    centroids = rng.random((10_001, 3)) * [10, 1, 3]
    parts = chunked.split_chunks(centroids.astype(np.float32), 1500)
    assert all(len(p) <= 1500 for p in parts) and len(parts) == 8
    assert np.array_equal(np.sort(np.concatenate(parts)), np.arange(10_001))


def test_chunked_levels_are_within_budget_and_validator_clean(builds):
    result = builds["chunked"]
    lods = result.report["lods"]
    assert len(lods) == 3
    for lod, level in zip(lods, LEVELS):
        assert 0.9 * level.triangles <= lod["triangles"] <= level.triangles
    assert "chunked (4 chunks, borders locked)" in lods[-1]["simplifier"]
    assert "chunked" not in lods[0]["simplifier"]  # coarser levels start from the finest, as always
    assert "chunked" not in builds["whole"].report["lods"][-1]["simplifier"]
    for report in validate(list(result.files)):
        assert report["numErrors"] == 0, report["messages"]


def test_chunk_borders_are_not_torn(scan):
    whole = build_chain(scan, LEVELS)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(chunked, "CHUNK_TRIANGLES", 60_000)
        parts = build_chain(scan, LEVELS, chunk_threshold=50_000)
    assert "chunked" in parts[-1][1].method
    assert edge_counts(scan) == (0, 0)  # a closed sphere
    for (a, _), (b, _) in zip(whole, parts):
        border_a, nonmanifold_a = edge_counts(a)
        border_b, nonmanifold_b = edge_counts(b)
        assert border_b <= border_a  # no cracks along the former chunk borders
        assert nonmanifold_b <= max(2 * nonmanifold_a, 50)
    # every vertex is a scan vertex with its own UV: the texture stays valid
    finest = parts[-1][0]
    records = {tuple(r) for r in np.hstack([scan.positions, scan.uv])}
    assert {tuple(r) for r in np.hstack([finest.positions, finest.uv])} <= records


def test_chunked_deviation_is_measured_against_the_scan_and_close_to_the_whole_build(builds):
    vertices = builds["chunked"].report["input"]["vertices"]
    for whole, part in zip(builds["whole"].report["lods"], builds["chunked"].report["lods"]):
        a, b = whole["deviation"], part["deviation"]
        assert b["diagonal"] == a["diagonal"]  # measured against the same scan
        assert 0 < b["hausdorff"] <= 2 * a["hausdorff"]
        assert b["rms"] <= 1.5 * a["rms"]
        assert b["measured"] == {
            "scan_vertices": vertices,
            "scan_vertices_total": vertices,
            "scan_vertices_sampling": "all",
            "scan_samples": 20_000,
            "level_samples": 20_000,
        }


def test_deviation_above_max_points_is_a_stratified_sample_and_says_so(scan):
    level = build_chain(scan, (Level(5000, 64),))[0][0]
    dev = measure_deviation(scan, level, samples=5000, max_points=10_000, seed=1)
    assert dev.as_dict()["measured"] == {
        "scan_vertices": 10_000,
        "scan_vertices_total": scan.vertex_count,
        "scan_vertices_sampling": "stratified",
        "scan_samples": 5000,
        "level_samples": 5000,
    }
    assert len(np.unique(dev.scan_vertices)) == 10_000
    # one vertex in each run of ~10 of the vertex order: spread over the whole scan
    assert np.diff(dev.scan_vertices).max() < 2 * scan.vertex_count / 10_000
    full = measure_deviation(scan, level, samples=5000, seed=1)
    assert dev.hausdorff <= full.hausdorff * (1 + 1e-9)
    assert dev.hausdorff >= 0.5 * full.hausdorff


def corner_records(mesh) -> np.ndarray:
    """Each face's corners as (position, uv) rows, faces in file order: the mesh up to vertex order."""
    parts = [mesh.positions[mesh.faces]]
    if mesh.uv is not None:
        parts.append(mesh.uv[mesh.faces])
    return np.concatenate(parts, axis=2)


def test_the_streaming_obj_reader_reads_what_trimesh_reads(tmp_path, monkeypatch):
    mesh = uv_sphere(20, 40, bumps=0.05, texture=checker_texture(64))
    two = mesh.replace(
        face_material=(np.arange(mesh.triangle_count) % 2).astype(np.int32),
        materials=(mesh.materials[0], Material("plain", base_color=(0.5, 0.2, 0.1, 1.0))),
    )
    path = write_obj(two, tmp_path / "two.obj")
    monkeypatch.setattr(obj, "BLOCK_BYTES", 4096)  # many blocks, lines cut at block ends
    slow = read_mesh(path)
    monkeypatch.setattr(obj, "FAST_MIN_BYTES", 0)
    fast = read_mesh(path)
    assert fast.triangle_count == slow.triangle_count and fast.vertex_count == slow.vertex_count
    textured = [m.texture is not None for m in slow.materials]  # the materials in either order
    assert sorted(textured) == sorted(m.texture is not None for m in fast.materials) == [False, True]
    for k, m in enumerate(fast.materials):
        j = textured.index(m.texture is not None)
        a = corner_records(fast)[fast.face_material == k]
        b = corner_records(slow)[slow.face_material == j]
        assert np.array_equal(a, b)
        assert m.name == slow.materials[j].name
        assert m.base_color == pytest.approx(slow.materials[j].base_color)
        if m.texture is not None:
            assert np.array_equal(m.texture, slow.materials[j].texture)


def test_the_streaming_obj_reader_splits_quads_and_leaves_the_unusual_to_trimesh(tmp_path):
    quads = tmp_path / "quads.obj"
    quads.write_text("v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nvn 0 0 1\nf 1//1 2//1 3//1 4//1\n")
    arrays = read_obj_arrays(quads)
    assert arrays is not None and len(arrays.groups) == 1
    group = arrays.groups[0]
    fan = [[[0, 0, 0], [1, 0, 0], [1, 1, 0]], [[0, 0, 0], [1, 1, 0], [0, 1, 0]]]  # as trimesh splits a quad
    assert np.array_equal(group.positions[group.faces], np.array(fan, float))
    assert group.uv is None and np.allclose(group.normals, [0, 0, 1])
    relative = tmp_path / "relative.obj"
    relative.write_text("v 0 0 0\nv 1 0 0\nv 1 1 0\nf -3 -2 -1\n")
    assert read_obj_arrays(relative) is None
    mixed = tmp_path / "mixed.obj"
    mixed.write_text("v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nf 1 2 3\nf 1 2 3 4\n")
    assert read_obj_arrays(mixed) is None


def test_the_binary_ply_reader_reads_what_trimesh_reads(tmp_path, monkeypatch):
    mesh = uv_sphere(20, 40, bumps=0.05)
    rng = np.random.default_rng(0)
    colors = rng.integers(0, 256, (mesh.vertex_count, 3), dtype=np.uint8)
    header = (
        f"ply\nformat binary_little_endian 1.0\nelement vertex {mesh.vertex_count}\n"
        "property float x\nproperty float y\nproperty float z\nproperty float nx\nproperty float ny\n"
        "property float nz\nproperty uchar red\nproperty uchar green\nproperty uchar blue\n"
        f"element face {mesh.triangle_count}\nproperty list uchar int vertex_indices\nend_header\n"
    )
    vertex = np.empty(mesh.vertex_count, np.dtype([("p", "<f4", (3,)), ("n", "<f4", (3,)), ("c", "u1", (3,))]))
    vertex["p"], vertex["n"], vertex["c"] = mesh.positions, mesh.normals, colors
    face = np.empty(mesh.triangle_count, np.dtype([("k", "u1"), ("i", "<i4", (3,))]))
    face["k"], face["i"] = 3, mesh.faces
    path = tmp_path / "scan.ply"
    path.write_bytes(header.encode() + vertex.tobytes() + face.tobytes())
    slow = read_mesh(path)
    monkeypatch.setattr(ply, "FAST_MIN_BYTES", 0)
    assert ply.read_ply_arrays(path) is not None
    fast = read_mesh(path)
    assert np.array_equal(fast.positions, slow.positions) and np.array_equal(fast.faces, slow.faces)
    assert np.allclose(fast.colors, slow.colors, atol=1e-6) and np.allclose(fast.normals, slow.normals, atol=1e-6)
    # cut short: an error naming the element and the row that lacks bytes
    short = tmp_path / "short.ply"
    short.write_bytes(path.read_bytes()[:-100])
    row = mesh.triangle_count - 100 // 13 - 1  # face rows are 13 bytes: 7 whole rows and 9 bytes of one cut
    with pytest.raises(VtourError, match=rf"truncated: .* \(face row {row}, counted from 0, lacks 9 bytes\)"):
        read_mesh(short)


@pytest.mark.parametrize("target", [20_000, 12_000, 7000, 4000, 1000])
def test_the_final_unlocked_pass_never_gets_more_than_the_threshold_or_the_target(monkeypatch, target):
    scan, _ = clean_mesh(uv_sphere(101, 120, bumps=0.08))  # 24,000 triangles
    monkeypatch.setattr(chunked, "CHUNK_THRESHOLD", 6000)
    passes: list[int] = []
    one_call = chunked.simplify_mesh

    def spy(mesh, t, **kw):
        passes.append(mesh.triangle_count)
        return one_call(mesh, t, **kw)

    monkeypatch.setattr(chunked, "simplify_mesh", spy)
    simplified, result = chunked.simplify_chunked(scan, target, chunk_triangles=3000)
    assert 0.95 * target <= simplified.triangle_count <= target == max(target, result.triangles)
    # a target at or above half the scan no longer hands the whole scan to one call
    assert all(n <= 1.05 * max(6000, target) for n in passes)
    assert "chunked (8 chunks" in result.method and "borders locked" in result.method
