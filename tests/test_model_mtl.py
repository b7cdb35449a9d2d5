"""An OBJ's material files: every map stays inside the model's folder; one outside is refused with
a warning naming the file, the key and the path and saying what to do; the report agrees with the .glb."""

from __future__ import annotations

import os
import shutil
import warnings

import numpy as np
import pytest
from PIL import Image

from vtour.errors import VtourWarning
from vtour.model import DEFAULT_MODEL_OPTIONS, Level, build_model
from vtour.model.glb import unpack_glb
from vtour.model.io import read_mesh
from vtour.model.obj import write_obj
from vtour.model.synthetic import bumpy_normal_map, checker_texture, uv_sphere

FAST = DEFAULT_MODEL_OPTIONS.replace(deviation_samples=5000, lods=(Level(100, 32),))


def _scan(tmp_path):
    """model/s.obj with s.mtl naming s_0.png (map_Kd), and a folder ``elsewhere`` beside it."""
    path = write_obj(uv_sphere(8, 16, texture=checker_texture(32)), tmp_path / "model" / "s.obj")
    (tmp_path / "elsewhere").mkdir()
    return path


def _messages(record) -> list[str]:
    return [str(w.message) for w in record if issubclass(w.category, VtourWarning)]


def _read(path):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        mesh = read_mesh(path)
    return mesh, _messages(record)


@pytest.mark.parametrize("how", ["relative", "absolute"])
def test_a_base_colour_texture_outside_the_model_folder_is_refused_with_a_warning_saying_what_to_do(tmp_path, how):
    path = _scan(tmp_path)
    shutil.move(tmp_path / "model" / "s_0.png", tmp_path / "elsewhere" / "wood.png")
    name = "../elsewhere/wood.png" if how == "relative" else str(tmp_path / "elsewhere" / "wood.png")
    mtl = tmp_path / "model" / "s.mtl"
    mtl.write_text(mtl.read_text().replace("map_Kd s_0.png", f"map_Kd {name}"))
    mesh, messages = _read(path)
    assert not mesh.textured
    assert messages == [f"model: {mtl}: map_Kd {name!r} is outside the model's folder {tmp_path / 'model'}, so it "
                        f"is not used; copy wood.png beside s.obj (it is then found by its name)"]
    # doing what it says works
    shutil.copy(tmp_path / "elsewhere" / "wood.png", tmp_path / "model" / "wood.png")
    mesh, messages = _read(path)
    assert mesh.textured and messages == []


def test_a_material_library_outside_the_model_folder_is_refused_and_no_placeholder_texture_is_written(tmp_path):
    path = _scan(tmp_path)
    shutil.move(tmp_path / "model" / "s.mtl", tmp_path / "elsewhere" / "s.mtl")
    shutil.move(tmp_path / "model" / "s_0.png", tmp_path / "elsewhere" / "s_0.png")
    path.write_text(path.read_text().replace("mtllib s.mtl", "mtllib ../elsewhere/s.mtl"))
    with pytest.warns(VtourWarning) as record:
        result = build_model(path, tmp_path / "out", FAST)
    assert _messages(record) == [
        f"model: {path}: mtllib '../elsewhere/s.mtl' is outside the model's folder {tmp_path / 'model'}, so "
        "the model continues untextured; copy s.mtl and the textures it names beside s.obj"]
    assert result.report["input"]["textures"] == [None] and result.report["lods"][0]["maps"] == [None]
    doc, _ = unpack_glb(result.files[0].read_bytes())
    assert "images" not in doc


def _extra_maps_outside(tmp_path):
    """An MTL whose norm (absolute), map_bump (../) and map_Ke (a link inside pointing out) all
    name images outside the model's folder; the OBJ's own texture stays."""
    path = _scan(tmp_path)
    outside = tmp_path / "elsewhere"
    Image.fromarray(bumpy_normal_map(32)).save(outside / "normal.png")
    Image.fromarray(np.full((32, 32, 3), 200, np.uint8)).save(outside / "secret.png")
    os.symlink(outside / "secret.png", tmp_path / "model" / "glow.png")
    mtl = tmp_path / "model" / "s.mtl"
    mtl.write_text(mtl.read_text() + f"norm {outside / 'normal.png'}\nmap_bump -bm 0.5 ../elsewhere/normal.png\n"
                   "map_Ke glow.png\n")
    return path, mtl


def test_normal_bump_and_emissive_maps_outside_the_model_folder_are_refused_each_with_a_warning(tmp_path):
    path, mtl = _extra_maps_outside(tmp_path)
    mesh, messages = _read(path)
    folder = tmp_path / "model"
    outside = tmp_path / "elsewhere"
    assert messages == [
        f"model: {mtl}: norm {str(outside / 'normal.png')!r} is outside the model's folder {folder}, so it is not "
        "used; copy normal.png beside s.obj (it is then found by its name)",
        f"model: {mtl}: map_bump '../elsewhere/normal.png' is outside the model's folder {folder}, so it is not "
        "used; copy normal.png beside s.obj (it is then found by its name)",
        f"model: {mtl}: map_Ke 'glow.png' is outside the model's folder {folder}, so it is not "
        "used; copy glow.png beside s.obj (it is then found by its name)",
    ]
    material = mesh.materials[0]
    assert material.texture is not None
    assert material.normal_texture is None and material.emissive_texture is None
    assert material.emissive == (0.0, 0.0, 0.0)


def test_the_report_and_the_glb_agree_when_maps_are_refused(tmp_path):
    path, _ = _extra_maps_outside(tmp_path)
    with pytest.warns(VtourWarning, match="outside the model's folder"):
        result = build_model(path, tmp_path / "out", FAST)
    lod = result.report["lods"][0]
    assert lod["maps"] == [{"baseColor": [32, 32]}] and result.report["input"]["maps"] == [{"baseColor": [32, 32]}]
    doc, _ = unpack_glb(result.files[0].read_bytes())
    material = doc["materials"][0]
    assert len(doc["images"]) == 1 and "normalTexture" not in material and "emissiveTexture" not in material
    assert material.get("emissiveFactor", [0, 0, 0]) == [0, 0, 0]   # no white glow without its map


def test_a_gltf_image_outside_the_model_folder_is_refused_with_a_warning(tmp_path, data_file):
    import json

    folder = tmp_path / "model"
    shutil.copytree(data_file("meshes/Avocado/Avocado.gltf").parent, folder)
    (tmp_path / "elsewhere").mkdir()
    shutil.move(folder / "Avocado_normal.png", tmp_path / "elsewhere" / "normal.png")
    path = folder / "Avocado.gltf"
    doc = json.loads(path.read_text())
    k = next(i for i, image in enumerate(doc["images"]) if "normal" in image["uri"])
    doc["images"][k]["uri"] = "../elsewhere/normal.png"
    path.write_text(json.dumps(doc))
    mesh, messages = _read(path)
    assert messages == [f"model: {path}: images[{k}].uri '../elsewhere/normal.png' is outside the model's folder "
                        f"{folder}, so it is not used; copy normal.png beside Avocado.gltf (it is then found by its name)"]
    assert mesh.materials[0].normal_texture is None and mesh.materials[0].texture is not None


def _library_copied_beside(tmp_path, keep_outside: bool):
    """s.obj names ``mtllib ../elsewhere/s.mtl``; s.mtl is copied beside the OBJ (the D19 advice),
    naming s_0.png and a normal map found there. With ``keep_outside`` the outside library stays,
    naming maps the copy does not (red.png, which is there too, and a missing norm)."""
    path = _scan(tmp_path)
    folder, outside = tmp_path / "model", tmp_path / "elsewhere"
    Image.fromarray(bumpy_normal_map(32)).save(folder / "normal.png")
    Image.fromarray(np.full((32, 32, 3), (255, 0, 0), np.uint8)).save(folder / "red.png")
    mtl = folder / "s.mtl"
    mtl.write_text(mtl.read_text() + "norm normal.png\n")
    if keep_outside:
        (outside / "s.mtl").write_text("newmtl material_0\nmap_Kd red.png\nnorm missing.png\n")
    path.write_text(path.read_text().replace("mtllib s.mtl", "mtllib ../elsewhere/s.mtl"))
    return path


@pytest.mark.parametrize("keep_outside", [False, True], ids=["moved", "still-outside"])
def test_a_material_library_found_by_its_base_name_beside_the_obj_is_the_one_read(tmp_path, keep_outside):
    path = _library_copied_beside(tmp_path, keep_outside)
    mesh, messages = _read(path)
    assert messages == []  # the copy's maps are all there; the outside library's are not looked at
    material = mesh.materials[0]
    assert material.texture is not None and material.normal_texture is not None
    assert not (material.texture[..., 1] == 0).all()  # the checker of the copy, not the outside red.png
    result = build_model(path, tmp_path / "out", FAST)
    assert result.report["lods"][0]["maps"][0].keys() == {"baseColor", "normal"}


@pytest.mark.parametrize(
    ("doc", "what"),
    [
        ([1, 2], "the glTF is an array, not an object"),
        ({"asset": {"version": "2.0"}, "buffers": {"uri": "a.bin"}}, "buffers is an object, not an array"),
        ({"asset": {"version": "2.0"}, "images": 5}, "images is a number, not an array"),
        ({"asset": {"version": "2.0"}, "images": [5]}, "images[0] is a number, not an object"),
        ({"asset": {"version": "2.0"}, "buffers": [{"uri": 7}]}, "buffers[0].uri is a number, not a string"),
    ],
)
def test_a_gltf_not_shaped_like_gltf_is_a_vtour_error_naming_the_file_and_what_is_wrong(tmp_path, doc, what):
    import json

    from vtour.errors import VtourError

    path = tmp_path / "m.gltf"
    path.write_text(json.dumps(doc))
    with pytest.raises(VtourError) as info:
        read_mesh(path)
    assert str(path) in str(info.value) and what in str(info.value)
