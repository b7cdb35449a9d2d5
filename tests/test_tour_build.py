"""vtour build: several scenes and models from real data, incremental rebuilds, atomic output, Dask."""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest
import yaml
from data_paths import require, require_module
from tour_helpers import cli, small_tour, tree_bytes

from vtour.errors import VtourError
from vtour.tour import build_tour, validate_path
from vtour.tour.build import run_stages
from vtour.tour.stages import Stage

pytestmark = pytest.mark.shared_data
JORDAN = "cubemap/pannellum_jordan_pond/examplepanocube{}.jpg"
CASTLE = "cubemap/SwedishRoyalCastle/{}.jpg"


def real_tour(root, data) -> dict:
    """Four scenes (equirect JPEG and PNG, six named faces, six GL-named faces) and two models."""
    for rel in ["equirect/examplepano.jpg", "equirect/fireplace.png", "meshes/fuze/fuze.obj",
                "meshes/Avocado/Avocado.gltf", *(JORDAN.format(i) for i in range(6)),
                *(CASTLE.format(n) for n in ("px", "nx", "py", "ny", "pz", "nz"))]:
        require(data / rel, f"real test file {rel}")
    os.symlink(data, root / "data")
    return {"id": "real", "title": {"en": "Real data", "sv": "Riktiga data"}, "languages": ["en", "sv"],
            "pano": {"face_size": 256}, "lod": {"levels": ["300:128", "600:256"], "deviation_samples": 5000},
            "scenes": [
                {"id": "pond", "title": {"en": "Pond", "sv": "Damm"}, "panorama": "data/equirect/examplepano.jpg",
                 "view": {"yaw": 20, "pitch": -5, "fov": 70},
                 "hotspots": [{"type": "link", "yaw": 100, "pitch": 0, "target": "castle"},
                              {"type": "model", "yaw": -40, "pitch": -10, "target": "fuze"}]},
                {"id": "pond-cube", "title": {"en": "Pond (faces)", "sv": "Damm (sidor)"},
                 "panorama": {c: "data/" + JORDAN.format(i) for i, c in enumerate("frblud")}},
                {"id": "castle", "title": {"en": "Castle", "sv": "Slott"},
                 "panorama": ["data/" + CASTLE.format(n) for n in ("px", "nx", "py", "ny", "pz", "nz")],
                 "hotspots": [{"type": "model", "yaw": 0, "pitch": 0, "target": "avocado"}]},
                {"id": "fireplace", "title": {"en": "Fireplace", "sv": "Eldstad"},
                 "panorama": "data/equirect/fireplace.png", "north_offset": -90}],
            "models": [
                {"id": "fuze", "title": {"en": "Fuze", "sv": "Tändrör"}, "source": "data/meshes/fuze/fuze.obj",
                 "units": "m", "metadata": {"provenance": "three.js examples", "licence": "see SOURCES.md"}},
                {"id": "avocado", "title": {"en": "Avocado", "sv": "Avokado"},
                 "source": "data/meshes/Avocado/Avocado.gltf",
                 "metadata": {"credit": "Khronos glTF sample models", "dimensions": "6 x 4 x 4 cm"}}]}


def write(path, data):
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def first(tmp_path_factory, shared_data):
    root = tmp_path_factory.mktemp("real")
    data = real_tour(root, shared_data)
    path = write(root / "tour.yaml", data)
    result = build_tour(path, root / "export" / "real", jobs=2)
    return root, data, result


def test_a_multi_scene_tour_builds_from_real_data(first):
    _, _, result = first
    out = result.out_dir
    assert sorted(result.built) == ["model:avocado", "model:fuze", "scene:castle", "scene:fireplace",
                                    "scene:pond", "scene:pond-cube"]
    assert validate_path(out) == []
    doc = json.loads((out / "tour.json").read_text())
    assert [s["id"] for s in doc["scenes"]] == ["pond", "pond-cube", "castle", "fireplace"]
    fuze = doc["models"][0]
    assert [lod["path"] for lod in fuze["lods"]] == ["models/fuze/lod0.glb", "models/fuze/lod1.glb"]
    assert fuze["lods"][0]["deviation"]["hausdorff"] >= fuze["lods"][1]["deviation"]["hausdorff"]
    assert doc["models"][1]["units"] == "m"  # glTF is metres
    assert (out / "marzipano" / "data.js").read_text().startswith("var APP_DATA = {")
    assert json.loads((out / "pannellum.json").read_text())["default"]["firstScene"] == "pond"
    assert not any(p.name.startswith(".") for p in out.parent.iterdir() if p.name != ".vtour-cache")


def test_editing_one_scene_rebuilds_only_that_scene(first):
    root, data, result = first
    out = result.out_dir
    before = tree_bytes(out)
    data["scenes"][0]["view"]["yaw"] = 33            # a view edit redoes no stage
    again = build_tour(write(root / "tour.yaml", data), out, jobs=2)
    assert again.built == [] and len(again.cached) == 6
    assert json.loads((out / "tour.json").read_text())["scenes"][0]["view"]["yaw"] == 33
    data["scenes"][3]["pano"] = {"quality": 60}      # the fireplace's tiles change
    again = build_tour(write(root / "tour.yaml", data), out, jobs=2)
    assert again.built == ["scene:fireplace"]
    after = tree_bytes(out)
    for rel, blob in before.items():
        if rel.startswith(("scenes/pond", "scenes/castle", "models/")):
            assert after[rel] == blob, rel
    assert after["scenes/fireplace/1/f/0/0.jpg"] != before["scenes/fireplace/1/f/0/0.jpg"]


def test_a_failing_stage_leaves_the_previous_tour_intact(first, tmp_path):
    root, data, result = first
    out = result.out_dir
    before = tree_bytes(out)
    broken = root / "broken.jpg"
    broken.write_bytes((root / "data" / "equirect" / "examplepano.jpg").read_bytes()[:5000])  # truncated
    bad = json.loads(json.dumps(data))
    bad["scenes"][1] = {"id": "pond-cube", "panorama": "broken.jpg", "title": {"en": "x", "sv": "x"}}
    with pytest.raises(VtourError, match="scene pond-cube"):
        build_tour(write(root / "bad.yaml", bad), out, jobs=1)
    assert tree_bytes(out) == before
    assert not [p for p in out.parent.iterdir() if ".tmp-" in p.name]


def test_a_dask_local_cluster_build_is_byte_identical(first):
    distributed = require_module("distributed", "the Dask build")
    root, _, result = first
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        dask = build_tour(root / "tour.yaml", root / "dask" / "real", scheduler=cluster.scheduler_address)
    assert len(dask.built) == 6
    local = tree_bytes(result.out_dir)
    remote = tree_bytes(dask.out_dir)
    keep = [k for k in local if not k.endswith("report.json") and not k.startswith("viewer/")]
    assert [k for k in keep if k not in remote] == []
    assert [k for k in keep if local[k] != remote[k]] == []


def test_the_command_builds_to_export_tour_id_by_default(tmp_path, monkeypatch, capsys):
    path = small_tour(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert cli("build", path, "--jobs", "1") == 0
    assert (tmp_path / "export" / "small" / "tour.json").is_file()
    assert "built 2, cached 0" in capsys.readouterr().out
    assert cli("build", path, "--force") == 0
    assert "built 2, cached 0" in capsys.readouterr().out


def test_an_invalid_tour_is_refused_listing_every_problem_before_any_work(tmp_path):
    path = small_tour(tmp_path)
    path.write_text(path.read_text().replace("target: s1", "target: nope").replace("fov: 60", "fov: 200"))
    with pytest.raises(VtourError) as info:
        build_tour(path, tmp_path / "out")
    assert "2 problem(s)" in str(info.value) and not (tmp_path / "out").exists()


def test_unused_cache_entries_are_pruned(tmp_path):
    path = small_tour(tmp_path)
    old = build_tour(path, tmp_path / "out", jobs=1).stages[0].key
    (tmp_path / "panoramas" / "s0.png").write_bytes((tmp_path / "panoramas" / "s1.png").read_bytes())
    r = build_tour(path, tmp_path / "out", jobs=1)
    assert r.built == ["scene:s0"]
    entries = {p.name for p in (tmp_path / ".vtour-cache" / "small" / "scenes").iterdir()}
    assert entries == {s.key for s in r.stages} and old not in entries
    shutil.rmtree(tmp_path / "out")
    assert build_tour(path, tmp_path / "out", jobs=1).built == []


def test_a_stage_error_in_a_worker_process_comes_back_with_its_message(tmp_path):
    path = small_tour(tmp_path)
    for name in ("s0.png", "s1.png"):
        p = tmp_path / "panoramas" / name
        p.write_bytes(p.read_bytes()[:200])
    with pytest.raises(VtourError, match=r"build: scene s[01]: pano: .*s[01]\.png"):
        build_tour(path, tmp_path / "out", jobs=2)
    assert not (tmp_path / "out").exists()


def test_building_never_links_or_writes_into_a_source_image(tmp_path):
    """Authored images are copied: editing the built tour's copy leaves the capture untouched."""
    src = tmp_path / "src"
    src.mkdir()
    tour_yaml = small_tour(src)
    note = src / "panoramas" / "note.jpg"
    before = note.read_bytes()
    out = tmp_path / "out"
    build_tour(tour_yaml, out)
    built = out / "images" / "panoramas" / "note.jpg"
    assert built.read_bytes() == before and not os.path.samefile(built, note)
    built.write_bytes(b"edited in the export")
    build_tour(tour_yaml, out)  # a rebuild replaces the edited copy instead of writing through it
    assert note.read_bytes() == before and built.read_bytes() == before


def _a_bug(dest):
    raise ValueError(f"a bug writing {dest}")


def _buggy_stages(tmp_path):
    return [Stage("scene", f"s{i}", f"k{i}", _a_bug, (), tmp_path / f"k{i}", "pano.json") for i in range(2)]


def test_a_bug_in_a_worker_process_is_a_build_error_naming_the_stage_and_the_exception(tmp_path):
    with pytest.raises(VtourError) as caught:
        run_stages(_buggy_stages(tmp_path), jobs=2)
    assert caught.value.step == "build" and "--jobs 1" in caught.value.fix
    assert re.fullmatch(r"scene s[01] failed: ValueError: a bug writing .*k[01]", caught.value.message)


def test_a_bug_in_this_process_keeps_its_own_exception_and_traceback(tmp_path):
    with pytest.raises(ValueError, match="a bug writing"):
        run_stages(_buggy_stages(tmp_path), jobs=1)
