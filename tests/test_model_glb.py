"""The .glb writer: Khronos validator clean, meshopt payloads decode to the quantized geometry."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from data_paths import missing

from vtour.model.clean import clean_mesh
from vtour.model.glb import Texture, encode_glb, read_accessor, unpack_glb
from vtour.model.mesh import Material
from vtour.model.synthetic import uv_sphere
from vtour.model.texture import encode_texture

ROOT = Path(__file__).resolve().parents[1]
VALIDATOR = ROOT / "tests" / "tools" / "validate_gltf.mjs"


def validate(paths: list[Path]) -> list[dict]:
    """Run the Khronos glTF-Validator (npm gltf-validator) on files; one report per file."""
    if shutil.which("node") is None or not (ROOT / "node_modules" / "gltf-validator").is_dir():
        missing("node or npm package gltf-validator missing (run `npm install` at the repo root)")
    out = subprocess.run(["node", str(VALIDATOR), *map(str, paths)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    return json.loads(out.stdout)


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
