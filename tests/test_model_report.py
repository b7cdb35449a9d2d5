"""report.json: the per-level entry, the scan's summary and the text, in the order they are written."""

from __future__ import annotations

import json

import numpy as np
import pytest

from vtour.model import DEFAULT_MODEL_OPTIONS, Level, Material
from vtour.model.clean import CleanReport, clean_mesh
from vtour.model.deviation import measure_deviation
from vtour.model.glb import Texture
from vtour.model.lod import LeftOut
from vtour.model.report import (
    BINS,
    FORMAT,
    VERSION,
    dumps,
    histogram,
    level_entry,
    level_file,
    mesh_summary,
    model_report,
    to_json,
    uncompressed_entry,
)
from vtour.model.simplify import simplify_mesh
from vtour.model.synthetic import checker_texture, uv_sphere


def _level():
    """A cleaned bumpy sphere (radius about 1), its 300-triangle level and that level's deviation."""
    scan, _ = clean_mesh(uv_sphere(24, 48, bumps=0.05))
    mesh, simplified = simplify_mesh(scan, 300)
    return scan, mesh, simplified, measure_deviation(scan, mesh, samples=5000, seed=0)


def test_a_level_entry_reports_the_written_file_the_mesh_its_budget_and_its_maps():
    _, mesh, simplified, deviation = _level()
    base, orm = Texture(b"b", "webp", 256, 128), Texture(b"o", "jpeg", 64, 64)
    textures = [{"baseColor": base, "metallicRoughness": orm, "occlusion": orm}, None, {"normal": orm}]
    entry = level_entry(2, Level(300, 256), mesh, simplified, textures, deviation, 12345)
    assert list(entry) == ["level", "file", "bytes", "triangles", "vertices", "budget", "texture_sizes", "maps",
                           "texture_format", "simplifier", "deviation", "per_vertex_deviation"]
    assert entry["level"] == 2 and entry["file"] == "lod2.glb" and entry["bytes"] == 12345
    assert entry["triangles"] == mesh.triangle_count <= 300 and entry["vertices"] == mesh.vertex_count
    assert entry["budget"] == {"triangles": 300, "texture_size": 256}
    assert entry["texture_sizes"] == [[256, 128], None, None]            # [w, h] of the base colour only
    assert entry["maps"] == [{"baseColor": [256, 128], "metallicRoughness": [64, 64], "occlusion": [64, 64]},
                             None, {"normal": [64, 64]}]
    assert entry["texture_format"] == "webp" and entry["simplifier"] == simplified.method == "meshopt"
    assert entry["deviation"] == deviation.as_dict()
    per_vertex = deviation.per_vertex
    assert entry["per_vertex_deviation"] == {"attribute": "_DEVIATION", "max": float(per_vertex.max()),
                                             "histogram": histogram(per_vertex, 0.0, float(per_vertex.max()))}


def test_an_untextured_level_has_no_texture_format():
    _, mesh, simplified, deviation = _level()
    entry = level_entry(0, Level(300, 64), mesh, simplified, [None], deviation, 1)
    assert entry["texture_sizes"] == [None] and entry["maps"] == [None] and entry["texture_format"] is None


def test_deviation_is_in_the_model_units_and_its_fractions_are_not():
    scan, mesh, simplified, metres = _level()
    # the same scan and level in centimetres
    centimetres = measure_deviation(scan.replace(positions=scan.positions * 100),
                                    mesh.replace(positions=mesh.positions * 100), samples=5000, seed=0)
    a = level_entry(0, Level(300, 64), mesh, simplified, [None], metres, 1)["deviation"]
    b = level_entry(0, Level(300, 64), mesh, simplified, [None], centimetres, 1)["deviation"]
    assert 0 < a["hausdorff"] < a["diagonal"]
    for key in ("hausdorff", "mean", "rms", "forward_max", "backward_max", "diagonal"):
        assert b[key] == pytest.approx(100 * a[key], rel=1e-6)
        if key != "diagonal":
            assert b[f"{key}_fraction"] == pytest.approx(a[f"{key}_fraction"], rel=1e-6)
            assert a[f"{key}_fraction"] == pytest.approx(a[key] / a["diagonal"])


def test_the_uncompressed_variant_is_named_after_its_level():
    assert level_file(3) == "lod3.glb" and level_file(3, compressed=False) == "lod3.uncompressed.glb"
    assert uncompressed_entry(3, 99) == {"uncompressed_file": "lod3.uncompressed.glb", "uncompressed_bytes": 99}


def test_mesh_summary_counts_the_scan_and_sizes_each_map_width_first():
    sphere = uv_sphere(8, 16, texture=checker_texture(64))
    wide = np.zeros((32, 128, 3), np.uint8)
    mesh = sphere.replace(materials=(sphere.materials[0], Material("plain"), Material("orm", normal_texture=wide)),
                          face_material=np.arange(sphere.triangle_count, dtype=np.int32) % 3)
    summary = mesh_summary(mesh)
    assert summary["triangles"] == mesh.triangle_count and summary["vertices"] == mesh.vertex_count
    assert summary["materials"] == [m.name for m in mesh.materials]
    assert summary["textures"] == [[64, 64], None, None]
    assert summary["maps"] == [{"baseColor": [64, 64]}, None, {"normal": [128, 32]}]
    assert summary["bounds"] == mesh.bounds.tolist() and summary["diagonal"] == pytest.approx(2 * np.sqrt(3), rel=0.01)


def test_a_whole_report_round_trips_through_its_text_in_the_documented_order(tmp_path):
    scan, mesh, simplified, deviation = _level()
    lods = [level_entry(0, Level(300, 64), mesh, simplified, [None], deviation, 10)]
    metadata = {"title": "Ball", "source": "ball.obj", "units": "cm", "licence": "CC0"}
    options = DEFAULT_MODEL_OPTIONS.replace(lods=(Level(300, 64),), units="cm")
    same = LeftOut(Level(900, 64), "the same as lod0.glb", 0)
    report = model_report(tmp_path / "ball.obj", metadata, scan, CleanReport(welded_vertices=np.int64(3)), lods,
                          options, seconds=np.float64(1.5), left_out=[same])
    text = dumps(report)
    back = json.loads(text)
    assert back == to_json(report) and dumps(back) == text
    assert list(back) == ["format", "version", "source", "title", "units", "licence", "input", "clean", "lods",
                          "levels_left_out", "change", "options", "seconds"]
    assert back["change"] == []
    offered = {"scan": "scan/ball.zip", "files": ["ball.obj"], "glb": "lod0.uncompressed.glb"}
    with_downloads = model_report(tmp_path / "ball.obj", metadata, scan, CleanReport(), lods, options, 1.0,
                                  downloads=offered)
    assert list(with_downloads)[-3:] == ["downloads", "options", "seconds"] and with_downloads["downloads"] == offered
    assert back["levels_left_out"] == [{"budget": {"triangles": 900, "texture_size": 64}, "same_as": "lod0.glb",
                                        "reason": "the same as lod0.glb"}]
    assert (back["format"], back["version"]) == (FORMAT, VERSION) == ("vtour-model-report", 1)
    assert back["source"] == str(tmp_path / "ball.obj") and back["units"] == "cm" and back["licence"] == "CC0"
    assert back["clean"]["welded_vertices"] == 3 and back["seconds"] == 1.5
    assert back["options"]["lods"] == [{"triangles": 300, "texture_size": 64}]
    assert text.endswith("}\n") and text.startswith('{\n  "format"')


def test_a_histogram_has_its_bins_edges_and_every_value_counted():
    values = np.array([0.0, 0.1, 0.5, 0.99, 1.0, 1.0])
    hist = histogram(values, 0.0, 1.0, bins=4)
    assert hist["edges"] == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert hist["counts"] == [2, 0, 1, 3]  # the last bin holds its upper edge
    empty_range = histogram(np.zeros(5), 0.0, 0.0)
    assert sum(empty_range["counts"]) == 5 and len(empty_range["edges"]) == BINS + 1
    assert empty_range["edges"][-1] > empty_range["edges"][0]


def test_a_nan_in_a_report_is_refused_not_written():
    with pytest.raises(ValueError):
        dumps({"deviation": {"hausdorff": float("nan")}})
