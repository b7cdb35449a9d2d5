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
    lods, left_out = result.report["lods"], result.report["levels_left_out"]
    # every level asked for is written or is the same as one written (a scan below a budget)
    budgets = sorted([lod["budget"] for lod in lods] + [x["budget"] for x in left_out], key=lambda b: b["triangles"])
    assert budgets == [{"triangles": lv.triangles, "texture_size": lv.texture_size} for lv in DEFAULT_MODEL_OPTIONS.lods]
    assert all(x["same_as"] in [lod["file"] for lod in lods] for x in left_out)
    assert [p.name for p in result.files] == [f"lod{k}.glb" for k in range(len(lods))]
    for lod in lods:
        assert 0 < lod["triangles"] <= lod["budget"]["triangles"]
        assert lod["deviation"]["hausdorff_fraction"] < 0.02
    for report in validate([tmp_path / "out" / lod["uncompressed_file"] for lod in lods]):
        assert report["numErrors"] == 0, report["messages"]
    assert np.isfinite([lod["deviation"]["rms"] for lod in lods]).all()


@pytest.mark.parametrize("text, says", [
    ("v 0 0 0\nv 1 0 0\nv 2 0 0\nv 3 0 0\nf 1 2 3\nf 2 3 4\n", "all 2 faces are degenerate"),
    ("v 0 0 0\nv 1e308 0 0\nv 0 1e308 0\nv 0 0 1e308\nf 1 2 3\nf 1 3 4\nf 1 4 2\nf 2 4 3\n",
     "vertex 1 has a coordinate of 1e+308"),
], ids=["degenerate", "1e308"])
def test_cli_refuses_a_mesh_it_cannot_build_in_one_line_without_output(tmp_path, capsys, text, says):
    scan = tmp_path / "scan.obj"
    scan.write_text(text)
    assert main(["model", str(scan), "-o", str(tmp_path / "out"), "--lods", "4:8"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: model: {scan}: ") and says in err
    assert "Traceback" not in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists() and not list(tmp_path.glob(".out*"))


def _files(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_levels_the_scan_fits_whole_are_written_once_and_the_report_and_cli_say_so(tmp_path, sphere_obj, capsys):
    out = tmp_path / "once"
    assert main(["model", str(sphere_obj), "-o", str(out), "--lods", "1k:256", "20k:512", "50k:1024",
                 "--deviation-samples", "5000"]) == 0
    report = json.loads((out / "report.json").read_text())
    assert _files(out) == ["lod0.glb", "lod1.glb", "report.json"]
    assert [lod["file"] for lod in report["lods"]] == ["lod0.glb", "lod1.glb"]
    assert report["lods"][1]["budget"] == {"triangles": 20000, "texture_size": 512}
    assert report["levels_left_out"] == [{
        "budget": {"triangles": 50000, "texture_size": 1024}, "same_as": "lod1.glb",
        "reason": "the same as lod1.glb: the mesh has 16128 triangles, within both budgets, "
                  "and its textures are at most 512 px"}]
    assert "50000:1024 not written: the same as lod1.glb" in capsys.readouterr().out


def test_a_level_simplified_to_no_triangles_is_never_written(tmp_path):
    from vtour.model.mesh import Mesh

    sphere = uv_sphere(32, 64, texture=checker_texture(64))
    positions = sphere.positions[sphere.faces].reshape(-1, 3)      # every triangle its own UVs: all seams
    uv = np.random.default_rng(0).random((len(positions), 2))
    seams = Mesh(positions, np.arange(len(positions)).reshape(-1, 3), uv=uv, materials=sphere.materials)
    path = write_obj(seams, tmp_path / "seams.obj")
    with pytest.warns(VtourWarning) as record:   # the sloppy fallback's warning, then the level left out
        result = build_model(path, tmp_path / "out", FAST.replace(lods=(Level(10, 8), Level(5000, 64))))
    messages = [str(w.message) for w in record]
    assert any(f"{path}: level 0 (10 triangles, 8 px) is left out" in m for m in messages), messages
    assert _files(result.out_dir) == ["lod0.glb", "report.json"]
    assert [p.name for p in result.files] == ["lod0.glb"]
    (lod,) = result.report["lods"]
    assert lod["triangles"] == 3968 and lod["budget"]["triangles"] == 5000
    (left,) = result.report["levels_left_out"]
    assert left["budget"] == {"triangles": 10, "texture_size": 8} and left["same_as"] is None


def test_downloads_zip_the_scan_with_its_files_and_write_only_the_finest_level_uncompressed(sphere_obj, tmp_path):
    import zipfile

    files = sorted(sphere_obj.parent.iterdir())  # the .obj, its .mtl and its texture
    result = build_model(sphere_obj, tmp_path / "out", FAST.replace(lods=LEVELS), downloads=files)
    report = result.report
    assert report["downloads"] == {"scan": "scan/sphere.zip", "files": sorted(p.name for p in files),
                                   "glb": "lod2.uncompressed.glb"}
    assert [lod.get("uncompressed_file") for lod in report["lods"]] == [None, None, "lod2.uncompressed.glb"]
    assert report["change"] == []
    with zipfile.ZipFile(tmp_path / "out" / "scan" / "sphere.zip") as archive:
        assert {n: archive.read(n) for n in archive.namelist()} == {p.name: p.read_bytes() for p in files}
    again = build_model(sphere_obj, tmp_path / "again", FAST.replace(lods=LEVELS), downloads=files[::-1])
    zipped = [(tmp_path / out / "scan" / "sphere.zip").read_bytes() for out in ("out", "again")]
    assert zipped[0] == zipped[1]  # the same bytes whatever the order given
    assert again.report["downloads"] == report["downloads"]


def test_a_file_to_offer_outside_the_scans_folder_is_refused(sphere_obj, tmp_path):
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("not the scan's")
    with pytest.raises(VtourError, match="outside the scan's folder"):
        build_model(sphere_obj, tmp_path / "out", FAST.replace(lods=LEVELS), downloads=[sphere_obj, outside])
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("stem", "name"),
    [("Buddha #2", "Buddha-2"), ("statue", "statue"), ("佛像 2019", "2019"), ("佛像", "scan"), (".hidden", "hidden")],
)
def test_the_scan_zip_is_named_safely_for_a_url(tmp_path, stem, name):
    import zipfile

    from vtour.model.archive import archive_name

    source = write_obj(uv_sphere(8, 16), tmp_path / "scan" / f"{stem}.obj")
    files = sorted(source.parent.iterdir())
    result = build_model(source, tmp_path / "out", FAST.replace(lods=(Level(200, 64),)), downloads=files)
    assert archive_name(stem) == name
    assert result.report["downloads"]["scan"] == f"scan/{name}.zip"
    with zipfile.ZipFile(tmp_path / "out" / "scan" / f"{name}.zip") as archive:
        assert f"{stem}.obj" in archive.namelist()  # the members keep their own names
