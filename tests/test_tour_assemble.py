"""vtour.tour.assemble: tour.json from the built stages follows the schema, and the files written beside it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
import yaml
from tour_helpers import small_tour

from vtour import site
from vtour.errors import VtourError, VtourWarning
from vtour.tour import build_tour, read_tour, schema_problems
from vtour.tour.assemble import dump_json, model_block, panorama_block, tour_document, write_tour_folder
from vtour.tour.layout import CACHE_ONLY

MANIFEST = {
    "format": "vtour-pano",
    "faceSize": 128,
    "tileSize": 64,
    "levels": [{"tileSize": 64, "size": 64, "fallbackOnly": True}, {"tileSize": 64, "size": 128}],
    "tiles": "{z}/{f}/{y}/{x}.jpg",
    "faces": list("bdflru"),
    "preview": "preview.jpg",
    "previewFaceOrder": "bdflru",
    "thumb": "thumb.jpg",
    "coverage": {"hfov": 360, "vfov": 180, "yaw": 0, "pitch": 0},
    "source": {"kind": "equirect", "files": ["hall.jpg"]},
    "marzipano": {"levels": [], "faceSize": 128},
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("assemble")
    path = small_tour(root)
    data = yaml.safe_load(path.read_text())
    data["scenes"][1]["hotspots"] = [{"type": "link", "yaw": 0, "pitch": 0, "target": "s0"}]  # no title
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    result = build_tour(path, root / "out", jobs=1)
    return root, path, result


def _stage_dirs(root, result, kind):
    return {s.id: root / ".vtour-cache" / "small" / f"{kind}s" / s.key for s in result.stages if s.kind == kind}


def test_panorama_block_makes_the_pano_json_paths_tour_relative_and_keeps_only_the_tour_fields():
    block = panorama_block("hall", MANIFEST)
    assert block == {
        "path": "scenes/hall",
        "tiles": "scenes/hall/{z}/{f}/{y}/{x}.jpg",
        "faceSize": 128,
        "tileSize": 64,
        "levels": MANIFEST["levels"],
        "preview": "scenes/hall/preview.jpg",
        "previewFaceOrder": "bdflru",
        "thumb": "scenes/hall/thumb.jpg",
        "coverage": MANIFEST["coverage"],
    }


def test_tour_document_from_the_cached_stages_follows_the_schema_and_is_the_written_tour_json(built):
    root, path, result = built
    tour, _ = read_tour(path)
    doc = tour_document(tour, _stage_dirs(root, result, "scene"), _stage_dirs(root, result, "model"))
    assert schema_problems(doc) == []
    assert dump_json(doc) == (result.out_dir / "tour.json").read_text("utf-8")
    assert doc["start"] == "s0" and doc["languages"] == ["en", "fr"] and doc["models"] == []
    link = doc["scenes"][1]["hotspots"][0]
    assert link["title"] == {"en": "Scene 0", "fr": "Scène 0"}  # a link without a title takes its target's
    info = doc["scenes"][0]["hotspots"][1]
    assert info["image"] == "images/panoramas/note.jpg" and (result.out_dir / info["image"]).is_file()


def _files(folder):
    return {p.relative_to(folder) for p in folder.rglob("*") if p.is_file()}


def test_the_tour_folder_holds_every_stage_file_but_the_cache_only_ones(built):
    root, _, result = built
    for scene_id, stage in _stage_dirs(root, result, "scene").items():
        cached = {p for p in _files(stage) if p.name not in CACHE_ONLY}
        written = _files(result.out_dir / "scenes" / scene_id)
        # beside vtour's AVIF tiles, the JPEG copies the Marzipano and Pannellum exports read (vtour.tour.peers)
        peers = {p.with_suffix(".jpg") for p in cached if p.suffix == ".avif"}
        assert written == cached | peers and len(cached) > 10 and peers


def test_without_the_viewer_bundle_the_tour_is_written_with_a_warning(built, tmp_path, monkeypatch):
    _, path, result = built
    tour, _ = read_tour(path)
    monkeypatch.setattr(site, "DIST", tmp_path / "no-bundle")
    folder = tmp_path / "tour"
    # the scenes' tiles, from which the peers' JPEG copies are made
    shutil.copytree(result.out_dir / "scenes", folder / "scenes")
    with pytest.warns(VtourWarning, match="no index.html/viewer written: site: .*viewer bundle is not built"):
        write_tour_folder(tour, result.document, folder)
    assert json.loads((folder / "tour.json").read_text("utf-8")) == result.document
    assert (folder / "marzipano" / "data.js").is_file() and (folder / "pannellum.json").is_file()
    assert not (folder / "index.html").exists() and not (folder / "viewer").exists()


@pytest.mark.parametrize("first", ["vtour.site", "vtour.package", "vtour.serve", "vtour.tour.assemble", "vtour.tour"])
def test_the_tour_and_its_delivery_modules_import_in_any_order(first):
    code = f"import {first}; import vtour.tour, vtour.site, vtour.package, vtour.serve"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_an_image_linked_to_a_file_outside_the_tour_is_never_copied_into_it(tmp_path):
    path = small_tour(tmp_path / "src")
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0")
    note = tmp_path / "src" / "panoramas" / "note.jpg"
    note.unlink()
    note.symlink_to(secret)
    tour, _ = read_tour(path)
    (tmp_path / "out").mkdir()
    with pytest.raises(VtourError) as caught:
        write_tour_folder(tour, {}, tmp_path / "out")
    assert caught.value.path == note and f"a link to {secret}, outside the tour's folder" in caught.value.message
    assert list((tmp_path / "out").rglob("*")) == []


def _model_report(**extra):
    lod = {"file": "lod0.glb", "triangles": 10, "bytes": 100, "texture_sizes": [[64, 32]],
           "deviation": {"hausdorff": 0.2, "mean": 0.1, "rms": 0.12, "hausdorff_fraction": 0.002,
                         "rms_fraction": 0.0012}}
    return {"units": "mm", "input": {"diagonal": 100.0}, "lods": [lod, {**lod, "file": "lod1.glb"}], **extra}


def test_a_model_entry_has_its_diagonal_and_an_empty_previous_list_without_earlier_scans(tmp_path):
    tour, _ = read_tour(small_tour(tmp_path, models=[{"id": "m", "source": "m.obj"}]))
    entry = model_block(tour, tour.models[0], _model_report())
    assert entry["diagonal"] == 100.0 and entry["previous"] == [] and entry["manifest"] == "iiif/models/m.json"
    assert "downloads" not in entry and all("uncompressedPath" not in lod for lod in entry["lods"])


def test_a_model_entry_names_its_previous_scans_and_downloads_and_follows_the_schema(tmp_path):
    tour, _ = read_tour(small_tour(tmp_path, models=[{"id": "m", "source": "m.obj"}]))
    report = _model_report(
        change=[{"index": 0, "date": "2019-05-14", "file": "previous0.glb", "attribute": "_CHANGE_0",
                 "alignment": {"rms": 0.05}, "noise": 0.04, "limits": {"minor": 0.12, "major": 0.4}}],
        downloads={"scan": "scan/m.zip", "files": ["m.obj"], "glb": "lod1.uncompressed.glb"})
    report["lods"][1]["uncompressed_file"] = "lod1.uncompressed.glb"
    entry = model_block(tour, tour.models[0], report)
    assert entry["previous"] == [{"date": "2019-05-14", "path": "models/m/previous0.glb", "attribute": "_change_0",
                                  "rms": 0.05, "noise": 0.04, "limits": {"minor": 0.12, "major": 0.4},
                                  "notMeasured": 1e30}]  # the sentinel, also from a report written before it
    assert entry["downloads"] == {"scan": "models/m/scan/m.zip", "glb": "models/m/lod1.uncompressed.glb"}
    assert entry["lods"][1]["uncompressedPath"] == "models/m/lod1.uncompressed.glb"
    assert "uncompressedPath" not in entry["lods"][0]
    tour_json = {"format": "vtour-tour", "version": 1, "id": "t", "title": {"en": "T"}, "languages": ["en"],
                 "start": "s", "scenes": [{"id": "s", "title": {"en": "S"}, "panorama": {
                     "path": "scenes/s", "tiles": "scenes/s/{z}/{f}/{y}/{x}.jpg", "faceSize": 128, "tileSize": 64,
                     "levels": [{"tileSize": 64, "size": 128}], "preview": "scenes/s/preview.jpg",
                     "previewFaceOrder": "bdflru", "thumb": "scenes/s/thumb.jpg",
                     "coverage": {"hfov": 360, "vfov": 180, "yaw": 0, "pitch": 0}},
                     "view": {"yaw": 0, "pitch": 0, "fov": 75}, "northOffset": 0, "hotspots": []}],
                 "models": [entry]}
    assert schema_problems(tour_json) == []
    entry["previous"][0]["date"] = "14/05/2019"
    assert [p.location for p in schema_problems(tour_json)] == ["tour.json: models[0].previous[0].date"]
    entry["previous"][0].update(date="2019-05-14", notMeasured=0)
    assert [p.location for p in schema_problems(tour_json)] == ["tour.json: models[0].previous[0].notMeasured"]


def test_a_tour_without_images_lists_none_and_still_has_its_iiif_collection_and_base_url(built):
    root, _, result = built
    doc = result.document
    assert doc["images"] == [] and doc["baseUrl"] == "http://localhost:8000" and doc["iiif"] == "iiif/collection.json"
    assert (root / "out" / doc["iiif"]).is_file()
    doc = dict(doc, images=[{"id": "x", "title": {"en": "X"}, "path": "images/x", "width": 0, "height": 10,
                             "tileSize": 256, "maxZoom": 3, "thumb": "a.png", "manifest": "m.json", "metadata": {}}])
    assert sorted(p.location for p in schema_problems(doc)) == [
        "tour.json: images[0].maxZoom", "tour.json: images[0].thumb", "tour.json: images[0].width"]
