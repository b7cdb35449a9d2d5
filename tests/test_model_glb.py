"""The .glb writer: Khronos validator clean, meshopt payloads decode to the quantized geometry."""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest
from gltf_validator import validate

from vtour.conventions import UNIT_METRES
from vtour.model.clean import clean_mesh
from vtour.model.glb import (
    ARRAY_BUFFER,
    ELEMENT_ARRAY_BUFFER,
    FLOAT,
    USHORT,
    GlbWriter,
    Texture,
    encode_glb,
    read_accessor,
    read_view,
    unpack_glb,
)
from vtour.model.mesh import Material
from vtour.model.synthetic import uv_sphere
from vtour.model.texture import encode_texture


def _texture(mesh) -> list:
    data, fmt = encode_texture(mesh.materials[0].texture, "jpeg")
    return [Texture(data, fmt, 256, 256)]


def _variants() -> dict:
    sphere, _ = clean_mesh(uv_sphere(16, 32))
    tiled = sphere.replace(uv=sphere.uv * 3 - 1)                     # UVs in [-1, 2]
    colored = sphere.replace(uv=None, colors=np.tile(np.float32([[0.2, 0.5, 0.9, 1.0]]),
                                                      (sphere.vertex_count, 1)),
                             materials=(Material("paint"),), units="cm")
    webp = encode_texture(sphere.materials[0].texture, "webp")[0]
    return {"textured": (sphere, _texture(sphere)), "tiled": (tiled, _texture(tiled)),
            "colored": (colored, [None]), "webp": (sphere, [Texture(webp, "webp", 256, 256)])}


def test_uncompressed_files_have_no_validator_errors(tmp_path):
    paths = []
    for name, (mesh, textures) in _variants().items():
        dev = np.linspace(0, 1, mesh.vertex_count)
        data = encode_glb(mesh, textures, compress=False, deviation=dev,
                          metadata={"title": name, "licence": "CC0", "units": mesh.units})
        paths.append(tmp_path / f"{name}.glb")
        paths[-1].write_bytes(data)
    for report in validate(paths):
        assert report["numErrors"] == 0, (report["path"], report["messages"])
        assert report["numWarnings"] == 0, (report["path"], report["messages"])


def test_compressed_files_validate_apart_from_the_opaque_meshopt_payload(tmp_path):
    mesh, textures = _variants()["textured"]
    path = tmp_path / "c.glb"
    path.write_bytes(encode_glb(mesh, textures, compress=True))
    (report,) = validate([path])
    assert report["numErrors"] == 0, report["messages"]


@pytest.mark.parametrize("name", ["textured", "tiled", "colored"])
def test_meshopt_payloads_decode_to_the_same_quantized_geometry(name):
    mesh, textures = _variants()[name]
    plain_doc, plain_bin = unpack_glb(encode_glb(mesh, textures, compress=False))
    doc, bin_data = unpack_glb(encode_glb(mesh, textures, compress=True))
    assert "EXT_meshopt_compression" in doc["extensionsRequired"]
    assert len(bin_data) < len(plain_bin)
    indices = {p["indices"] for m in doc["meshes"] for p in m["primitives"]}
    for i in range(len(doc["accessors"])):
        ours, theirs = read_accessor(doc, bin_data, i), read_accessor(plain_doc, plain_bin, i)
        if i in indices:  # the index codec may rotate a triangle's corners (winding kept)
            ours, theirs = _canonical(ours), _canonical(theirs)
        np.testing.assert_array_equal(ours, theirs)


def _canonical(indices: np.ndarray) -> np.ndarray:
    """Each triangle rotated to start at its smallest index (same winding)."""
    t = indices.reshape(-1, 3)
    shift = np.argmin(t, axis=1)
    return t[np.arange(len(t))[:, None], (shift[:, None] + np.arange(3)) % 3]


def test_dequantized_positions_are_within_half_a_step_and_in_metres():
    mesh, textures = _variants()["colored"]                          # units cm
    doc, bin_data = unpack_glb(encode_glb(mesh, textures, position_bits=14))
    node = doc["nodes"][0]
    prim = doc["meshes"][0]["primitives"][0]
    q = read_accessor(doc, bin_data, prim["attributes"]["POSITION"]).astype(np.float64)
    metres = np.asarray(node["translation"]) + q * np.asarray(node["scale"])
    indices = read_accessor(doc, bin_data, prim["indices"]).astype(np.int64).reshape(-1, 3)
    step_m = node["scale"][0]
    assert step_m == pytest.approx(0.01 * 2.0 / 16383)
    # the same triangles, in metres: compare sorted corner positions of the triangle sets
    ours = np.sort(metres[indices].reshape(-1, 3) / 0.01, axis=0)
    theirs = np.sort(mesh.positions[mesh.faces].reshape(-1, 3), axis=0)
    assert np.abs(ours - theirs).max() <= 0.5 * step_m / 0.01 + 1e-9


def test_tiled_uvs_are_restored_by_the_texture_transform():
    mesh, textures = _variants()["tiled"]
    doc, bin_data = unpack_glb(encode_glb(mesh, textures))
    info = doc["materials"][0]["pbrMetallicRoughness"]["baseColorTexture"]
    transform = info["extensions"]["KHR_texture_transform"]
    prim = doc["meshes"][0]["primitives"][0]
    q = read_accessor(doc, bin_data, prim["attributes"]["TEXCOORD_0"]) / 65535.0
    uv = np.asarray(transform["offset"]) + q * np.asarray(transform["scale"])
    assert uv.min() == pytest.approx(-1, abs=1e-4) and uv.max() == pytest.approx(2, abs=1e-4)


def test_metadata_is_in_the_asset():
    mesh, textures = _variants()["textured"]
    doc, _ = unpack_glb(encode_glb(mesh, textures, metadata={
        "title": "Bust", "source": "bust.obj", "units": "m", "licence": "CC BY 4.0"}))
    assert doc["asset"]["extras"] == {"title": "Bust", "source": "bust.obj", "units": "m",
                                      "licence": "CC BY 4.0"}
    assert doc["asset"]["copyright"] == "CC BY 4.0" and doc["nodes"][0]["name"] == "Bust"
    assert "KHR_mesh_quantization" in doc["extensionsRequired"]


def test_every_buffer_view_starts_on_4_bytes_and_the_bin_chunk_is_their_padded_sum():
    writer = GlbWriter(compress=False)
    rows = np.arange(15, dtype=np.uint8).reshape(5, 3)                   # 15 bytes: one pad byte
    first = writer.add_buffer_view(rows, ARRAY_BUFFER)
    second = writer.add_buffer_view(np.arange(3, dtype=np.uint16), ELEMENT_ARRAY_BUFFER)  # 6 bytes
    views = writer.buffer_views
    assert [v["byteOffset"] for v in views] == [0, 16] and writer.bin_length == 24
    assert views[first]["byteLength"] == 15 and views[first]["byteStride"] == 3
    assert "byteStride" not in views[second]
    assert b"".join(writer.bin_parts)[15] == 0 and all(len(p) % 4 == 0 for p in writer.bin_parts)


def test_accessor_bounds_are_the_written_min_and_max_per_component():
    mesh, textures = _variants()["textured"]
    deviation = np.linspace(0.25, 0.75, mesh.vertex_count)
    doc, bin_data = unpack_glb(encode_glb(mesh, textures, deviation=deviation))
    attributes = doc["meshes"][0]["primitives"][0]["attributes"]
    for name in ("POSITION", "_DEVIATION"):
        accessor = doc["accessors"][attributes[name]]
        values = read_accessor(doc, bin_data, attributes[name]).reshape(accessor["count"], -1)
        assert accessor["min"] == values.min(axis=0).tolist() and accessor["max"] == values.max(axis=0).tolist()
    position = doc["accessors"][attributes["POSITION"]]
    assert position["componentType"] == USHORT and position["min"] == [0, 0, 0] and max(position["max"]) == 16383
    assert doc["accessors"][attributes["_DEVIATION"]]["componentType"] == FLOAT
    assert "min" not in doc["accessors"][attributes["NORMAL"]]


def test_meshopt_views_address_a_fallback_buffer_that_has_no_data():
    mesh, textures = _variants()["textured"]
    data = encode_glb(mesh, textures, compress=True)
    doc, bin_data = unpack_glb(data)
    main, fallback = doc["buffers"]
    assert "uri" not in fallback and fallback["extensions"] == {"EXT_meshopt_compression": {"fallback": True}}
    (json_length,) = struct.unpack_from("<I", data, 12)
    assert len(data) == 12 + 8 + json_length + 8 + main["byteLength"]       # one BIN chunk: buffer 0's
    assert main["byteLength"] == len(bin_data)
    compressed = [v for v in doc["bufferViews"] if "extensions" in v]
    images = [v for v in doc["bufferViews"] if "extensions" not in v]
    assert compressed and all(v["buffer"] == 1 for v in compressed)
    assert len(images) == 1 and images[0]["buffer"] == 0                  # images are never meshopt-encoded
    # the fallback is laid out as the decoded views would be: back to back, each padded to 4 bytes
    padded = [v["byteLength"] + (-v["byteLength"] % 4) for v in compressed]
    assert [v["byteOffset"] for v in compressed] == np.cumsum([0, *padded[:-1]]).tolist()
    assert fallback["byteLength"] == sum(padded)
    # while the BIN chunk holds only the encoded payloads and the image, each padded to 4 bytes
    stored = [v["extensions"]["EXT_meshopt_compression"]["byteLength"] for v in compressed] + [images[0]["byteLength"]]
    assert len(bin_data) == sum(n + (-n % 4) for n in stored)


def test_a_texture_object_given_to_two_roles_is_one_image():
    mesh, _ = _variants()["textured"]
    orm = Texture(b"orm-image", "png", 4, 4)
    doc, bin_data = unpack_glb(encode_glb(mesh, [{"metallicRoughness": orm, "occlusion": orm}], compress=False))
    material = doc["materials"][0]
    assert material["pbrMetallicRoughness"]["metallicRoughnessTexture"]["index"] == 0
    assert material["occlusionTexture"]["index"] == 0 and len(doc["images"]) == 1
    assert read_view(doc, bin_data, doc["images"][0]["bufferView"]) == b"orm-image"


def test_a_vertex_shared_by_two_materials_is_written_into_both_primitives():
    sphere, _ = clean_mesh(uv_sphere(8, 16))
    left = (sphere.positions[sphere.faces].mean(axis=1)[:, 0] > 0).astype(np.int32)
    mesh = sphere.replace(face_material=left, materials=(Material("a"), Material("b")))
    shared = np.intersect1d(mesh.faces[left == 0], mesh.faces[left == 1])
    assert len(shared) > 0                                                # the case mesh.py's convention excludes
    doc, bin_data = unpack_glb(encode_glb(mesh, [None, None], compress=True))
    node = doc["nodes"][0]
    corners = []
    for prim in doc["meshes"][0]["primitives"]:
        q = read_accessor(doc, bin_data, prim["attributes"]["POSITION"]).astype(np.float64)
        indices = read_accessor(doc, bin_data, prim["indices"]).astype(np.int64).reshape(-1, 3)
        corners.append(np.asarray(node["translation"]) + q[indices] * node["scale"][0])
    written = np.sort(np.concatenate(corners).reshape(-1, 3), axis=0)
    expected = np.sort(mesh.positions[mesh.faces].reshape(-1, 3), axis=0)
    assert np.abs(written - expected).max() <= 0.5 * node["scale"][0] + 1e-12


@pytest.mark.parametrize("name", ["textured", "tiled", "colored", "webp"])
def test_a_plain_file_is_core_gltf_floats_that_every_reader_takes(tmp_path, name):
    """The download for Blender and MeshLab (tinygltf): no KHR_mesh_quantization, float32
    positions, normals and UVs (tiled UVs as they are, no KHR_texture_transform); only a WebP
    texture needs an extension."""
    mesh, textures = _variants()[name]
    path = tmp_path / f"{name}.glb"
    path.write_bytes(encode_glb(mesh, textures, compress=False, plain=True, metadata={"units": mesh.units}))
    doc, bin_data = unpack_glb(path.read_bytes())
    assert doc.get("extensionsRequired", []) == (["EXT_texture_webp"] if name == "webp" else [])
    assert "KHR_texture_transform" not in json.dumps(doc)
    attributes = doc["meshes"][0]["primitives"][0]["attributes"]
    for key in ("POSITION", "NORMAL", "TEXCOORD_0"):
        if key in attributes:
            accessor = doc["accessors"][attributes[key]]
            assert accessor["componentType"] == FLOAT and not accessor.get("normalized")
    node = doc["nodes"][0]
    unit = UNIT_METRES[mesh.units]
    stored = read_accessor(doc, bin_data, attributes["POSITION"])
    positions = np.asarray(node["translation"]) + node["scale"][0] * stored
    assert set(map(tuple, np.round(positions / unit, 5))) == set(map(tuple, np.round(mesh.positions, 5)))
    if "TEXCOORD_0" in attributes:
        uv = read_accessor(doc, bin_data, attributes["TEXCOORD_0"])
        assert uv.min() == pytest.approx(mesh.uv.min(), abs=1e-6) and uv.max() == pytest.approx(mesh.uv.max(), abs=1e-6)
    (report,) = validate([path])
    assert report["numErrors"] == 0 and report["numWarnings"] == 0, report["messages"]
