"""vtour.tour.stages: the plan's keys change when, and only when, an input or an option changes."""

from __future__ import annotations

import os
import shutil

import pytest
import yaml
from tour_helpers import equirect, small_tour

from vtour.conventions import PANNELLUM_CUBE_ORDER
from vtour.tour import read_tour
from vtour.tour.stages import FileHasher, model_dependencies, plan_stages, record_stage, stage_intact

OBJ = "mtllib m.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\nvt 0 0\nvt 1 0\nvt 0 1\nusemtl a\nf 1/1 2/2 3/3\n"


def _tour(root):
    """small_tour's two scenes, a third one of six cube faces, and an OBJ model with a textured .mtl."""
    path = small_tour(root)
    for i, c in enumerate(PANNELLUM_CUBE_ORDER):
        equirect(root / "faces" / f"{c}.png", 10 + i, size=(32, 32))
    (root / "m.obj").write_text(OBJ)
    (root / "m.mtl").write_text("newmtl a\nmap_Kd tex.png\n")
    equirect(root / "tex.png", 20, size=(16, 8))
    data = yaml.safe_load(path.read_text())
    data["scenes"].append({"id": "cube", "panorama": {c: f"faces/{c}.png" for c in PANNELLUM_CUBE_ORDER}})
    data["models"] = [{"id": "m", "source": "m.obj", "units": "m"}]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


def _keys(path, cache) -> dict[str, str]:
    tour, problems = read_tour(path)
    assert problems == []
    return {s.id: s.key for s in plan_stages(tour, cache, FileHasher())}


def _edit(path, change):
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def _changed(before: dict, after: dict) -> set[str]:
    assert set(before) == set(after)
    return {k for k in before if before[k] != after[k]}


def test_the_plan_has_one_stage_per_scene_and_model_writing_into_the_cache(tmp_path):
    path = _tour(tmp_path)
    tour, _ = read_tour(path)
    stages = plan_stages(tour, tmp_path / "cache", FileHasher())
    assert [(s.kind, s.id, s.marker) for s in stages] == [
        ("scene", "s0", "pano.json"),
        ("scene", "s1", "pano.json"),
        ("scene", "cube", "pano.json"),
        ("model", "m", "report.json"),
    ]
    assert [s.dest for s in stages] == [tmp_path / "cache" / f"{s.kind}s" / s.key for s in stages]
    assert not any(s.done for s in stages)
    (stages[0].dest).mkdir(parents=True)
    (stages[0].dest / "pano.json").write_text("{}")
    assert not stages[0].done  # complete, but not recorded: it cannot be verified
    record_stage(stages[0].dest)
    assert stages[0].done


def test_a_cache_entry_is_reused_only_while_every_recorded_file_is_there_unchanged(tmp_path):
    entry = tmp_path / "entry"
    (entry / "0" / "f").mkdir(parents=True)
    (entry / "pano.json").write_text("{}")
    tile = entry / "0" / "f" / "0.jpg"
    tile.write_bytes(b"TILE")
    record_stage(entry)
    assert stage_intact(entry)
    os.utime(tile, ns=(1, 1))  # touched, same bytes: the sha256 settles it
    assert stage_intact(entry)
    tile.write_bytes(b"EDIT")  # written through a hard link of the built tour
    assert not stage_intact(entry)
    tile.write_bytes(b"TILE")
    assert stage_intact(entry)
    tile.unlink()
    assert not stage_intact(entry)
    tile.write_bytes(b"TILE")
    (entry / "0" / "f" / "1.jpg").write_bytes(b"NEW")
    assert not stage_intact(entry)


def test_keys_do_not_change_with_the_folder_the_views_texts_or_hotspots(tmp_path):
    path = _tour(tmp_path / "a")
    before = _keys(path, tmp_path / "cache")
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    assert _keys(tmp_path / "b" / "tour.yaml", tmp_path / "cache") == before
    _edit(path, lambda d: d["scenes"][0].update(view={"yaw": 33, "pitch": 1, "fov": 50}, title="Other", hotspots=[]))
    assert _keys(path, tmp_path / "cache") == before


def test_changing_one_input_file_changes_only_the_keys_that_read_it(tmp_path):
    path = _tour(tmp_path)
    before = _keys(path, tmp_path / "cache")
    equirect(tmp_path / "panoramas" / "s1.png", 99)
    assert _changed(before, after := _keys(path, tmp_path / "cache")) == {"s1"}
    equirect(tmp_path / "tex.png", 98, size=(16, 8))  # a texture the .mtl names
    assert _changed(after, _keys(path, tmp_path / "cache")) == {"m"}


def test_swapping_two_cube_faces_changes_the_key(tmp_path):
    path = _tour(tmp_path)
    before = _keys(path, tmp_path / "cache")
    f, b = tmp_path / "faces" / "f.png", tmp_path / "faces" / "b.png"
    f_bytes = f.read_bytes()
    f.write_bytes(b.read_bytes())
    b.write_bytes(f_bytes)
    assert _changed(before, _keys(path, tmp_path / "cache")) == {"cube"}


def test_changing_an_option_changes_only_the_keys_it_applies_to(tmp_path):
    path = _tour(tmp_path)
    before = _keys(path, tmp_path / "cache")
    _edit(path, lambda d: d["scenes"][1].update(pano={"quality": 60}))
    assert _changed(before, after := _keys(path, tmp_path / "cache")) == {"s1"}
    _edit(path, lambda d: d["models"][0].update(lod={"deviation_samples": 9999}))
    assert _changed(after, after2 := _keys(path, tmp_path / "cache")) == {"m"}
    _edit(path, lambda d: d.update(pano={**d["pano"], "tile_size": 128}))  # the tour-wide block: every scene
    assert _changed(after2, _keys(path, tmp_path / "cache")) == {"s0", "s1", "cube"}


def test_two_scenes_of_one_file_with_the_same_options_share_one_key(tmp_path):
    path = small_tour(tmp_path)
    _edit(path, lambda d: d["scenes"][1].update(panorama="panoramas/s0.png"))
    keys = _keys(path, tmp_path / "cache")
    assert keys["s0"] == keys["s1"]
    shutil.copy(tmp_path / "panoramas" / "s0.png", tmp_path / "panoramas" / "copy.png")
    _edit(path, lambda d: d["scenes"][1].update(panorama="panoramas/copy.png"))
    assert len(set(_keys(path, tmp_path / "cache").values())) == 2  # the file name is recorded in pano.json


def test_a_models_dependencies_are_the_scan_its_mtl_and_the_maps_it_names(tmp_path):
    _tour(tmp_path)
    assert model_dependencies(tmp_path / "m.obj") == [tmp_path / "m.obj", tmp_path / "m.mtl", tmp_path / "tex.png"]


def test_a_texture_found_by_its_base_name_is_a_dependency_and_editing_it_changes_the_key(tmp_path):
    path = _tour(tmp_path)
    (tmp_path / "m.mtl").write_text("newmtl a\nmap_Kd ../textures/tex.png\n")  # tex.png is beside the OBJ
    assert model_dependencies(tmp_path / "m.obj") == [tmp_path / "m.obj", tmp_path / "m.mtl", tmp_path / "tex.png"]
    before = _keys(path, tmp_path / "cache")
    equirect(tmp_path / "tex.png", 98, size=(16, 8))
    assert _changed(before, _keys(path, tmp_path / "cache")) == {"m"}


def test_a_material_library_found_by_its_base_name_is_a_dependency(tmp_path):
    _tour(tmp_path)
    (tmp_path / "m.obj").write_text(OBJ.replace("mtllib m.mtl", "mtllib ../tex/m.mtl"))
    assert model_dependencies(tmp_path / "m.obj") == [tmp_path / "m.obj", tmp_path / "m.mtl", tmp_path / "tex.png"]


def test_a_map_outside_the_models_folder_is_not_a_dependency_and_does_not_stop_planning(tmp_path, monkeypatch):
    from vtour.tour import stages

    root = tmp_path / "tour"
    root.mkdir()
    path = _tour(root)
    secret = tmp_path / "secret.png"  # stands for /etc/shadow: not readable by the build
    equirect(secret, 5, size=(16, 8))
    (root / "m.mtl").write_text(f"newmtl a\nmap_Kd tex.png\nnorm {secret}\nmap_Ke ../secret.png\n")
    os.symlink(secret, root / "link.png")
    (root / "m.mtl").write_text((root / "m.mtl").read_text() + "map_bump link.png\n")
    assert model_dependencies(root / "m.obj") == [root / "m.obj", root / "m.mtl", root / "tex.png"]

    real = stages.file_sha256

    def sha256(p):
        if os.path.realpath(p) == str(secret):
            raise PermissionError(13, "Permission denied", str(p))
        return real(p)

    monkeypatch.setattr(stages, "file_sha256", sha256)
    before = _keys(path, tmp_path / "cache")
    equirect(secret, 6, size=(16, 8))
    assert _keys(path, tmp_path / "cache") == before


@pytest.mark.parametrize(
    "doc", [[1, 2], {"buffers": {"uri": "a.bin"}}, {"images": 5}, {"images": [5]}, {"buffers": [{"uri": 7}]}]
)
def test_a_gltf_not_shaped_like_gltf_does_not_stop_planning(tmp_path, doc):
    import json

    path = _tour(tmp_path)
    (tmp_path / "m.gltf").write_text(json.dumps(doc))
    _edit(path, lambda d: d["models"][0].update(source="m.gltf"))
    assert model_dependencies(tmp_path / "m.gltf") == [tmp_path / "m.gltf"]
    assert "m" in _keys(path, tmp_path / "cache")


def test_a_gltfs_dependencies_are_the_files_its_uris_name_inside_its_folder(tmp_path):
    import json

    (tmp_path / "a.bin").write_bytes(b"\0" * 4)
    (tmp_path / "b.png").write_bytes(b"png")
    (tmp_path / "c.png").write_bytes(b"png")
    doc = {"buffers": [{"uri": "a.bin"}, {"uri": "data:application/octet-stream;base64,AAAA"}],
           "images": [{"uri": "../elsewhere/b.png"}, {"uri": str(tmp_path.parent / "x.png")}, {"bufferView": 0}]}
    (tmp_path / "m.gltf").write_text(json.dumps(doc))
    assert model_dependencies(tmp_path / "m.gltf") == [tmp_path / "m.gltf", tmp_path / "a.bin", tmp_path / "b.png"]


def test_downloads_and_each_previous_scans_file_date_and_units_change_only_the_models_key(tmp_path):
    path = _tour(tmp_path)
    (tmp_path / "old.obj").write_text(OBJ.replace("mtllib m.mtl\n", ""))
    before = _keys(path, tmp_path / "cache")
    _edit(path, lambda d: d["models"][0].update(downloads=True))
    assert _changed(before, downloads := _keys(path, tmp_path / "cache")) == {"m"}
    _edit(path, lambda d: d["models"][0].update(previous=[{"source": "old.obj", "date": "2019-05-14"}]))
    assert _changed(downloads, previous := _keys(path, tmp_path / "cache")) == {"m"}
    (tmp_path / "old.obj").write_text(OBJ.replace("mtllib m.mtl\n", "").replace("v 1 0 0", "v 2 0 0"))
    assert _changed(previous, edited := _keys(path, tmp_path / "cache")) == {"m"}
    _edit(path, lambda d: d["models"][0]["previous"][0].update(date="2019-05-15"))
    assert _changed(edited, redated := _keys(path, tmp_path / "cache")) == {"m"}
    _edit(path, lambda d: d["models"][0]["previous"][0].update(units="mm"))
    assert _changed(redated, _keys(path, tmp_path / "cache")) == {"m"}


def test_the_model_stage_is_given_the_previous_scans_and_the_files_to_offer(tmp_path):
    path = _tour(tmp_path)
    (tmp_path / "old.obj").write_text(OBJ.replace("mtllib m.mtl\n", ""))
    _edit(path, lambda d: d["models"][0].update(downloads=True, previous=[{"source": "old.obj", "date": "2019-05-14"}]))
    tour, _ = read_tour(path)
    stage = next(s for s in plan_stages(tour, tmp_path / "cache", FileHasher()) if s.kind == "model")
    source, _, previous, downloads = stage.args
    assert [(os.path.basename(p.source), p.date, p.units) for p in previous] == [("old.obj", "2019-05-14", "m")]
    assert sorted(os.path.basename(f) for f in downloads) == ["m.mtl", "m.obj", "tex.png"]
    assert source == downloads[0]


def test_an_images_key_covers_its_source_zoom_id_and_base_url_but_not_its_texts(tmp_path):
    from tour_helpers import deep_zoom_tour, edit_tour

    path = deep_zoom_tour(tmp_path)

    def key(change=None):
        if change is not None:
            edit_tour(path, change)
        (image,) = [s for s in plan_stages(read_tour(path)[0], tmp_path / "c", FileHasher()) if s.kind == "image"]
        assert image.dest == tmp_path / "c" / "images" / image.key and image.marker == "image.json"
        return image.key

    first = key()
    same = key(lambda d: d["images"][0].update(title={"en": "W", "fr": "M"}, annotations=[], rights="http://a.b/"))
    assert same == first
    assert key(lambda d: d["images"][0]["zoom"].update(quality=70)) != first
    zoomed = key()
    assert key(lambda d: d.update(zoom={"quality": 60})) == zoomed  # the image's own zoom wins
    assert key(lambda d: d.update(base_url="https://x.example")) == zoomed  # ids are written at assembly
    moved = key()
    assert key(lambda d: d["images"][0].update(id="wall")) != moved
