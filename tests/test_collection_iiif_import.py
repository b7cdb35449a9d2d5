"""vtour.collection.iiif_import: a built collection's IIIF manifests imported back into a
collection.yaml give each object its texts, rights, full-resolution photos and model, and skip the
rendered views; a failed import writes nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from test_collection_manifest import PHOTO, SITE, make_media, object_doc, object_folder
from test_image_build import psnr, smooth_image

from vtour.collection.document import read_collection
from vtour.collection.iiif_import import import_collection, is_view_canvas
from vtour.collection.manifest import collection_manifest
from vtour.collection.validate import validate_collection
from vtour.errors import VtourError
from vtour.images import read_image
from vtour.tour.iiif import dump_json

IN_C = "http://rightsstatements.org/vocab/InC/1.0/"


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    """A built collection's IIIF: ding-01 (views, model, a photo) and gui-02 (two photos, no scan,
    its period labelled in Chinese only, its rights a RightsStatements.org URL)."""
    tmp = tmp_path_factory.mktemp("import")
    media = make_media(tmp / "media")
    out = tmp / "out"
    object_folder(media, out, "ding-01", object_doc("ding-01", {"en": "Tripod cauldron", "zh": "鼎"}))
    gui = object_doc("gui-02", {"en": "Food vessel", "zh": "簋"}, views=False, model=False, images=2, rights=IN_C)
    gui["fields"][4]["value"] = gui["museum"] = {"en": "Palace Museum", "zh": "故宫博物院"}
    folder = object_folder(media, out, "gui-02", gui)
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    manifest["metadata"][1]["label"] = {"zh": ["时期"]}
    (folder / "manifest.json").write_bytes(dump_json(manifest))
    meta = {"id": "bronzes", "title": {"en": "Bronzes", "zh": "青铜器"}, "languages": ["en", "zh"], "description": None}
    objects = [("ding-01", {"en": "Tripod cauldron", "zh": "鼎"}, "thumb.jpg"), ("gui-02", gui["title"])]
    (out / "collection.json").write_bytes(dump_json(collection_manifest(meta, objects, SITE)))
    return out


@pytest.fixture(scope="module")
def imported(out, tmp_path_factory) -> tuple[Path, dict]:
    dest = tmp_path_factory.mktemp("imported") / "collection.yaml"
    return dest, import_collection(out, dest)


def test_each_manifest_becomes_one_object_with_its_texts_and_rights(imported):
    path, doc = imported
    assert yaml.safe_load(path.read_text("utf-8")) == doc
    assert doc["id"] == "bronzes" and doc["title"] == {"en": "Bronzes", "zh": "青铜器"}
    assert doc["languages"] == ["en", "zh"]
    ding, gui = doc["objects"]
    assert (ding["id"], gui["id"]) == ("ding-01", "gui-02")
    assert ding["title"] == {"en": "Tripod cauldron", "zh": "鼎"} and gui["title"] == {"en": "Food vessel", "zh": "簋"}
    assert ding["museum"] == {"en": "Shenzhen Museum", "zh": "深圳博物馆"}
    assert gui["museum"] == {"en": "Palace Museum", "zh": "故宫博物院"}
    assert ding["period"] == gui["period"] == {"en": "Western Zhou", "zh": "西周"}  # gui's labelled 时期 only
    assert ding["date"] == {"en": "11th century BCE", "zh": "公元前11世纪"}
    assert ding["material"] == {"en": "bronze", "zh": "青铜"} and ding["dimensions"] == {
        "en": "H 42 cm",
        "zh": "高42厘米",
    }
    assert ding["credit"] == {"en": "Gift of the Wang family", "zh": "王氏家族捐赠"}
    assert ding["rights"] == "http://creativecommons.org/licenses/by/4.0/" and gui["rights"] == IN_C
    assert ding["description"] == {"en": "A ritual vessel.", "zh": "礼器。"}
    assert ding["tags"] == [{"en": "ritual", "zh": "礼器"}, {"en": "vessel"}]
    assert ding["metadata"] == {"Inventory": {"en": "SZM-001"}}


def test_the_photos_come_back_at_full_resolution_and_the_views_are_skipped(imported):
    path, doc = imported
    ding, gui = doc["objects"]
    assert len(ding["images"]) == 1 and len(gui["images"]) == 2  # not the six views
    original = smooth_image(*PHOTO)
    for rel in ding["images"] + gui["images"]:
        pixels = read_image(path.parent / rel, step="image")
        assert pixels.shape == original.shape  # joined from the scale-factor-1 tiles
        assert psnr(pixels, original) > 35
    assert ding["model"].endswith(".glb") and ding["units"] == "m" and "model" not in gui
    assert (path.parent / ding["model"]).read_bytes()[:4] == b"glTF"


def test_the_imported_collection_reads_back_with_no_problems(imported):
    path, _ = imported
    collection, problems = read_collection(path)
    assert problems == [] and validate_collection(collection) == []
    assert [o.id for o in collection.objects] == ["ding-01", "gui-02"]
    assert all((collection.root / image).is_file() for o in collection.objects for image in o.images)


def test_a_single_manifest_imports_as_a_collection_of_one(out, tmp_path):
    doc = import_collection(out / "objects" / "ding-01" / "manifest.json", tmp_path / "c.yaml")
    (ding,) = doc["objects"]
    assert ding["id"] == "ding-01" and ding["title"]["zh"] == "鼎" and len(ding["images"]) == 1
    assert doc["title"] == {"en": "Tripod cauldron", "zh": "鼎"}


def test_a_missing_model_writes_nothing_and_a_rerun_without_force_keeps_identical_files(out, imported, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(out, broken)
    (broken / "objects" / "ding-01" / "model" / "lod1.glb").unlink()
    dest = tmp_path / "dest" / "collection.yaml"
    with pytest.raises(VtourError, match="not found"):
        import_collection(broken, dest)
    assert not dest.parent.exists() or not any(dest.parent.iterdir())
    path, doc = imported
    assert import_collection(out, path) == doc  # the same bytes: nothing to force


def test_view_canvases_are_recognised_by_their_id():
    assert is_view_canvas({"id": f"{SITE}/objects/a/manifest.json/canvas/views/front"})
    assert not is_view_canvas({"id": f"{SITE}/objects/a/manifest.json/canvas/images/1"})
    assert not is_view_canvas({"id": f"{SITE}/views/frontal"}) and not is_view_canvas({})


@pytest.mark.parametrize(
    "base, label, expected",
    [
        ("https://museum.example/bronzes", {"en": ["Anything"]}, "bronzes"),  # the Collection's own id
        ("http://localhost:8000", {"en": ["Bronzes of Zhou"], "zh": ["周代青铜器"]}, "Bronzes-of-Zhou"),  # its label
        ("http://localhost:8000", {"zh": ["青铜器"]}, "built"),  # neither gives an id: the folder's name
    ],
)
def test_the_collection_id_comes_from_the_collections_id_else_its_label_else_the_folder(
    out, tmp_path, base, label, expected
):
    built = tmp_path / "built"
    shutil.copytree(out, built)
    for path in built.rglob("*.json"):  # published at ``base``
        path.write_text(path.read_text("utf-8").replace(SITE, base), "utf-8")
    data = json.loads((built / "collection.json").read_text("utf-8"))
    data["label"] = label
    (built / "collection.json").write_bytes(dump_json(data))
    doc = import_collection(built / "collection.json", tmp_path / "imported" / "collection.yaml")
    assert doc["id"] == expected and [o["id"] for o in doc["objects"]] == ["ding-01", "gui-02"]
    collection, problems = read_collection(tmp_path / "imported" / "collection.yaml")
    assert problems == [] and collection.id == expected
