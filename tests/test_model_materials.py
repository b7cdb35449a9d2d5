"""Full glTF PBR materials: every map read, resized per level, written once, validator clean."""

from __future__ import annotations

import io

import numpy as np
import pytest

from gltf_validator import validate
from vtour.model import DEFAULT_MODEL_OPTIONS, Level, build_model
from vtour.model.clean import clean_mesh
from vtour.model.glb import Texture, encode_glb, read_view, unpack_glb
from vtour.model.io import read_mesh
from vtour.model.obj import write_obj
from vtour.model.synthetic import bumpy_normal_map, checker_texture, uv_sphere
from vtour.model.texture import encode_texture, resize_normal_map, resize_texture

FAST = DEFAULT_MODEL_OPTIONS.replace(deviation_samples=20_000)
#: The one warning a normal map brings: no TANGENT is written (viewers derive tangents).
TANGENT_WARNING = "MESH_PRIMITIVE_GENERATED_TANGENT_SPACE"
ROLES = {"baseColor": ("pbrMetallicRoughness", "baseColorTexture"),
         "metallicRoughness": ("pbrMetallicRoughness", "metallicRoughnessTexture"),
         "normal": (None, "normalTexture"), "occlusion": (None, "occlusionTexture"),
         "emissive": (None, "emissiveTexture")}


def _decode(image_bytes: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(image_bytes)).convert("RGB"))


def _lengths(texels: np.ndarray) -> np.ndarray:
    return np.linalg.norm(texels.astype(np.float64) / 127.5 - 1.0, axis=-1)


def _maps(doc: dict, bin_data: bytes, material: int = 0) -> dict:
    """{role: (texture index, decoded image)} of a material in a .glb."""
    m = doc["materials"][material]
    out = {}
    for role, (parent, key) in ROLES.items():
        info = (m.get(parent, {}) if parent else m).get(key)
        if info is None:
            continue
        texture = doc["textures"][info["index"]]
        assert texture["sampler"] == 0 and info.get("texCoord", 0) == 0
        source = texture.get("source", texture.get("extensions", {}).get("EXT_texture_webp", {})
                             .get("source"))
        out[role] = (info["index"], _decode(read_view(doc, bin_data,
                                                      doc["images"][source]["bufferView"])))
    return out


def _assert_clean(reports: list[dict]) -> None:
    """No errors; the only warning is the tangent space a normal map asks viewers to generate."""
    for report in reports:
        assert report["numErrors"] == 0, (report["path"], report["messages"])
        warnings = [m for m in report["messages"] if m["severity"] == 1]
        assert {m["code"] for m in warnings} <= {TANGENT_WARNING}, (report["path"], warnings)


def test_normal_map_resize_keeps_unit_normals():
    normals = bumpy_normal_map(256)
    assert np.abs(_lengths(normals) - 1).max() < 0.01
    small = resize_normal_map(normals, 64)
    assert small.shape == (64, 64, 3) and small.dtype == np.uint8
    assert np.abs(_lengths(small) - 1).max() < 0.01
    naive = resize_texture(normals, 64)  # what resizing the RGB would give: short vectors
    assert np.abs(_lengths(naive) - 1).max() > 0.1
    untouched = resize_normal_map(normals, 512)  # never enlarged
    assert untouched.shape == normals.shape and np.abs(untouched.astype(int) - normals).max() <= 1


def _pbr_sphere():
    """A sphere with every map: base colour, packed occlusion-roughness-metallic, normal, emissive."""
    sphere, _ = clean_mesh(uv_sphere(16, 32))
    orm = np.broadcast_to(np.uint8([200, 120, 30]), (64, 64, 3)).copy()
    material = sphere.materials[0].__class__(
        "pbr", base_color=(1, 1, 1, 1), texture=checker_texture(128), metallic=0.5, roughness=0.8,
        metallic_roughness_texture=orm, occlusion_texture=orm, occlusion_strength=0.7,
        normal_texture=bumpy_normal_map(128), normal_scale=0.6,
        emissive_texture=checker_texture(32), emissive=(0.2, 0.1, 0.0),
        alpha_mode="MASK", alpha_cutoff=0.3, double_sided=False)
    return sphere.replace(materials=(material,))


def test_writer_keeps_every_map_and_the_orm_packing_and_validates(tmp_path):
    mesh = _pbr_sphere()
    material = mesh.materials[0]
    assert material.occlusion_packed
    encoded = {id(a): Texture(encode_texture(a, "jpeg")[0], "jpeg", a.shape[1], a.shape[0])
               for a in material.maps.values()}
    maps = {role: encoded[id(a)] for role, a in material.maps.items()}
    data = encode_glb(mesh, [maps], compress=False)
    doc, bin_data = unpack_glb(data)
    m = doc["materials"][0]
    assert m["normalTexture"]["scale"] == pytest.approx(0.6)
    assert m["occlusionTexture"]["strength"] == pytest.approx(0.7)
    assert m["emissiveFactor"] == pytest.approx([0.2, 0.1, 0.0])
    assert m["alphaMode"] == "MASK" and m["alphaCutoff"] == pytest.approx(0.3)
    assert "doubleSided" not in m
    assert m["pbrMetallicRoughness"]["metallicFactor"] == pytest.approx(0.5)
    found = _maps(doc, bin_data)
    assert set(found) == set(ROLES)
    assert found["occlusion"][0] == found["metallicRoughness"][0]  # one image, one texture
    assert len(doc["images"]) == len(doc["textures"]) == 4
    assert "TANGENT" not in doc["meshes"][0]["primitives"][0]["attributes"]
    path = tmp_path / "pbr.glb"
    path.write_bytes(data)
    (report,) = validate([path])
    _assert_clean([report])


def test_gltf_round_trip_reads_every_map_scale_strength_and_packing(tmp_path):
    mesh = _pbr_sphere()
    material = mesh.materials[0]
    maps = {role: Texture(encode_texture(a, "jpeg", 100)[0], "jpeg", a.shape[1], a.shape[0])
            for role, a in material.maps.items() if role != "occlusion"}
    maps["occlusion"] = maps["metallicRoughness"]
    path = tmp_path / "pbr.glb"
    path.write_bytes(encode_glb(mesh, [maps], compress=False))
    read = read_mesh(path).materials[0]
    assert set(read.maps) == set(material.maps) and read.occlusion_packed
    assert read.normal_scale == pytest.approx(0.6) and read.occlusion_strength == pytest.approx(0.7)
    assert read.emissive == pytest.approx((0.2, 0.1, 0.0))
    assert (read.alpha_mode, read.double_sided) == ("MASK", False)
    assert read.alpha_cutoff == pytest.approx(0.3)
    assert read.normal_texture.shape == (128, 128, 3)


def test_obj_normal_and_emissive_maps_are_read_and_resized_with_unit_normals(tmp_path):
    sphere = uv_sphere(32, 64, texture=checker_texture(256))
    material = sphere.materials[0].__class__("rippled", texture=checker_texture(256),
                                             normal_texture=bumpy_normal_map(256),
                                             emissive=(0.1, 0.2, 0.3))
    path = write_obj(sphere.replace(materials=(material,)), tmp_path / "scan" / "s.obj")
    read = read_mesh(path).materials[0]
    assert read.normal_texture is not None and read.emissive == pytest.approx((0.1, 0.2, 0.3))
    levels = (Level(600, 64), Level(2000, 128))
    result = build_model(path, tmp_path / "out", FAST.replace(lods=levels, uncompressed=True))
    for lod, level in zip(result.report["lods"], levels):
        assert lod["maps"] == [{"baseColor": [level.texture_size] * 2,
                                "normal": [level.texture_size] * 2}]
        doc, bin_data = unpack_glb((result.out_dir / lod["file"]).read_bytes())
        assert doc["materials"][0]["emissiveFactor"] == pytest.approx([0.1, 0.2, 0.3])
        normals = _maps(doc, bin_data)["normal"][1]
        assert normals.shape == (level.texture_size, level.texture_size, 3)
        lengths = _lengths(normals)  # JPEG 95 4:4:4 on near-Nyquist ripples: about 2.5 % off;
        # resizing the RGB instead would leave them 5 % (128 px) to 12 % (64 px) short
        assert np.abs(lengths - 1).mean() < 0.04 and np.abs(lengths - 1).max() < 0.15
    _assert_clean(validate([result.out_dir / lod["uncompressed_file"]
                            for lod in result.report["lods"]]))
    webp = build_model(path, tmp_path / "webp", FAST.replace(lods=levels, texture_format="webp"))
    for lod in webp.report["lods"]:  # data maps stay JPEG 4:4:4 (lossy WebP is 4:2:0)
        doc, bin_data = unpack_glb((webp.out_dir / lod["file"]).read_bytes())
        assert [image["mimeType"] for image in doc["images"]] == ["image/webp", "image/jpeg"]
        assert np.abs(_lengths(_maps(doc, bin_data)["normal"][1]) - 1).mean() < 0.04


def test_mtl_height_bump_map_is_dropped_with_a_warning(tmp_path):
    from vtour.errors import VtourWarning

    path = write_obj(uv_sphere(8, 16), tmp_path / "h.obj")
    height = np.repeat(np.linspace(0, 255, 32, dtype=np.uint8)[None, :, None], 32, 0).repeat(3, 2)
    from PIL import Image

    Image.fromarray(np.ascontiguousarray(height)).save(tmp_path / "height.png")
    mtl = tmp_path / "h.mtl"
    mtl.write_text(mtl.read_text() + "map_Bump -bm 0.5 height.png\n")
    with pytest.warns(VtourWarning, match="height map"):
        assert read_mesh(path).materials[0].normal_texture is None


def test_avocado_keeps_every_map_at_every_level(data_file, tmp_path):
    source = data_file("meshes/Avocado/Avocado.gltf")
    scan = read_mesh(source).materials[0]
    assert set(scan.maps) == {"baseColor", "metallicRoughness", "normal"}
    assert not scan.double_sided  # the file's value is kept
    result = build_model(source, tmp_path / "out", FAST.replace(uncompressed=True))
    for lod, level in zip(result.report["lods"], DEFAULT_MODEL_OPTIONS.lods):
        size = min(level.texture_size, 2048)
        assert lod["maps"] == [{role: [size, size] for role in scan.maps}]
        for key in ("file", "uncompressed_file"):
            doc, bin_data = unpack_glb((result.out_dir / lod[key]).read_bytes())
            found = _maps(doc, bin_data)
            assert set(found) == {"baseColor", "metallicRoughness", "normal"}
            assert all(image.shape[:2] == (size, size) for _, image in found.values())
            assert len({index for index, _ in found.values()}) == 3
            assert np.abs(_lengths(found["normal"][1]) - 1).mean() < 0.01
    assert result.report["lods"][0]["bytes"] < 200_000  # the thumb level stays small
    _assert_clean(validate([result.out_dir / lod["uncompressed_file"]
                            for lod in result.report["lods"]]))
