"""build_model and `vtour model`: the LOD chain on disk, its report, bad input, real scans."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gltf_validator import validate
from vtour.cli import main
from vtour.errors import VtourError, VtourWarning
from vtour.model import DEFAULT_MODEL_OPTIONS, Level, build_model
from vtour.model.glb import read_accessor, unpack_glb
from vtour.model.obj import write_obj
from vtour.model.synthetic import checker_texture, uv_sphere

FAST = DEFAULT_MODEL_OPTIONS.replace(deviation_samples=20_000)
LEVELS = (Level(500, 64), Level(2000, 128), Level(6000, 1024))


@pytest.fixture(scope="module")
def sphere_obj(tmp_path_factory):
    mesh = uv_sphere(64, 128, bumps=0.05, texture=checker_texture(512))  # 16,128 triangles
    return write_obj(mesh, tmp_path_factory.mktemp("scan") / "sphere.obj")


@pytest.fixture(scope="module")
def built(sphere_obj, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "sphere"
    return build_model(sphere_obj, out, FAST.replace(lods=LEVELS, uncompressed=True,
                                                     title="Sphere", licence="CC0"))


def test_levels_are_written_coarse_to_fine_within_their_budgets(built):
    lods = built.report["lods"]
    assert [p.name for p in built.files] == ["lod0.glb", "lod1.glb", "lod2.glb"]
    for lod, level in zip(lods, LEVELS):
        assert lod["triangles"] <= level.triangles
        assert max(lod["texture_sizes"][0]) == min(level.texture_size, 512)
        assert (built.out_dir / lod["file"]).stat().st_size == lod["bytes"]
    assert [lod["triangles"] for lod in lods] == sorted(lod["triangles"] for lod in lods)


def test_finer_levels_deviate_less_and_the_report_is_complete(built):
    on_disk = json.loads((built.out_dir / "report.json").read_text())
    assert on_disk == built.report
    hausdorff = [lod["deviation"]["hausdorff"] for lod in on_disk["lods"]]
    rms = [lod["deviation"]["rms"] for lod in on_disk["lods"]]
    assert hausdorff == sorted(hausdorff, reverse=True) and rms == sorted(rms, reverse=True)
    assert on_disk["input"]["triangles"] == 16128 and on_disk["units"] == "unknown"
    assert set(on_disk["clean"]) >= {"welded_vertices", "degenerate_faces", "duplicate_faces"}
    dev = on_disk["lods"][0]["deviation"]
    assert dev["hausdorff_fraction"] == pytest.approx(dev["hausdorff"] / dev["diagonal"])


def test_each_level_carries_its_per_vertex_deviation(built):
    doc, bin_data = unpack_glb((built.out_dir / "lod0.glb").read_bytes())
    prim = doc["meshes"][0]["primitives"][0]
    heat = read_accessor(doc, bin_data, prim["attributes"]["_DEVIATION"])
    assert heat.max() == pytest.approx(built.report["lods"][0]["per_vertex_deviation"]["max"])
    assert heat.max() <= built.report["lods"][0]["deviation"]["hausdorff"] + 1e-6
    assert doc["asset"]["extras"]["title"] == "Sphere"


def test_uncompressed_variants_pass_the_validator(built):
    paths = [built.out_dir / lod["uncompressed_file"] for lod in built.report["lods"]]
    for report in validate(paths):
        assert report["numErrors"] == 0, report["messages"]


def test_bad_input_leaves_no_output_and_keeps_an_earlier_build(tmp_path, built):
    bad = tmp_path / "bad.obj"
    bad.write_text("v 0 0 0\nv nan 0 0\nv 0 1 0\nf 1 2 3\n")
    with pytest.raises(VtourError, match="NaN"):
        build_model(bad, tmp_path / "out", FAST)
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.glob(".out*"))
    before = sorted(p.name for p in built.out_dir.iterdir())
    with pytest.raises(VtourError):
        build_model(bad, built.out_dir, FAST)
    assert sorted(p.name for p in built.out_dir.iterdir()) == before


def test_missing_texture_warns_and_builds_untextured(tmp_path):
    path = write_obj(uv_sphere(16, 32), tmp_path / "s.obj")
    (tmp_path / "s_0.png").unlink()
    with pytest.warns(VtourWarning, match="missing"):
        result = build_model(path, tmp_path / "out", FAST.replace(lods=(Level(200, 64),)))
    assert result.report["lods"][0]["texture_sizes"] == [None]


def test_options_are_checked_at_the_boundary():
    with pytest.raises(VtourError, match="coarse to fine"):
        DEFAULT_MODEL_OPTIONS.replace(lods=(Level(500, 512), Level(100, 512)))
    with pytest.raises(VtourError, match="texture format"):
        DEFAULT_MODEL_OPTIONS.replace(texture_format="gif")


def test_cli_builds_with_the_library_defaults_and_reports_errors(tmp_path, sphere_obj, capsys):
    out = tmp_path / "cli"
    assert main(["model", str(sphere_obj), "-o", str(out), "--lods", "1k:256", "4k:512",
                 "--texture-format", "webp", "--units", "cm", "--title", "Ball"]) == 0
    report = json.loads((out / "report.json").read_text())
    assert [lod["texture_format"] for lod in report["lods"]] == ["webp", "webp"]
    assert report["units"] == "cm" and report["title"] == "Ball"
    assert "lod1.glb" in capsys.readouterr().out
    assert main(["model", str(tmp_path / "nope.obj"), "-o", str(tmp_path / "x")]) == 2
    assert "file not found" in capsys.readouterr().err


@pytest.mark.parametrize("rel", ["meshes/fuze/fuze.obj", "meshes/stanford-bunny.obj",
                                 "meshes/Avocado/Avocado.gltf",
                                 "meshes/LeePerrySmith/LeePerrySmith.glb"])
def test_real_scans_build_with_the_default_levels(data_file, tmp_path, rel):
    result = build_model(data_file(rel), tmp_path / "out", FAST.replace(uncompressed=True))
    lods = result.report["lods"]
    assert len(lods) == 3
    for lod, level in zip(lods, DEFAULT_MODEL_OPTIONS.lods):
        assert lod["triangles"] <= level.triangles
        assert lod["deviation"]["hausdorff_fraction"] < 0.02
    for report in validate([tmp_path / "out" / lod["uncompressed_file"] for lod in lods]):
        assert report["numErrors"] == 0, report["messages"]
    assert np.isfinite([lod["deviation"]["rms"] for lod in lods]).all()
