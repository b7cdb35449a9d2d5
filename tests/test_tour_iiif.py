"""vtour.tour.iiif: a built tour's Manifests (images: Presentation 3.0; models: the IIIF 3D draft),
their region annotations and the Collection validate, keep every language, and are deterministic."""

from __future__ import annotations

import copy
import json
import shutil
import time
from pathlib import Path

import numpy as np
import pydantic
import pytest
from iiif_prezi3 import AnnotationPage, Collection, Manifest
from PIL import Image
from test_image_build import smooth_image

from vtour.errors import VtourError
from vtour.image import ImageOptions, build_image
from vtour.images import write_image
from vtour.model import DEFAULT_MODEL_OPTIONS, Level, build_model
from vtour.model.obj import write_obj
from vtour.model.synthetic import checker_texture, uv_sphere
from vtour.tour.iiif import PRESENTATION_4_CONTEXT, read_glb, render_thumbnail, write_iiif

BASE = "https://museum.example/tours/mogao"
CC_BY = "http://creativecommons.org/licenses/by/4.0/"
REGIONS = [
    {
        "id": "donor",
        "region": [10, 20, 300, 400],
        "title": {"en": "Donor figure", "zh": "供养人"},
        "text": {"en": "A kneeling donor.", "zh": "跪姿供养人。"},
    },
    {"id": "a2", "region": [0, 0, 1500, 1100], "title": {"zh": "全图", "en": "Whole"}, "text": None},
]


def tour_doc() -> dict:
    """tour.json (the parts write_iiif reads) of the fixture's folder: one image, one model."""
    return {
        "baseUrl": BASE + "/",
        "languages": ["en", "zh"],
        "title": {"en": "Mogao 45", "zh": "莫高窟第45窟"},
        "description": {"en": "A cave", "zh": "洞窟"},
        "images": [
            {
                "id": "mural",
                "title": {"en": "Western Paradise", "zh": "西方净土变"},
                "description": {"en": "North wall", "zh": "北壁"},
                "path": "images/mural",
                "width": 1500,
                "height": 1100,
                "tileSize": 256,
                "maxZoom": 1,
                "thumb": "images/mural/full/188,138/0/default.jpg",
                "manifest": "iiif/images/mural.json",
                "annotations": "iiif/images/mural-annotations.json",
                "rights": CC_BY,
                "metadata": {
                    "date": {"en": "Tang", "zh": "唐"},
                    "credit": {"en": "Dunhuang Academy", "zh": "敦煌研究院"},
                    "dimensions": "3 x 2 m",
                    "provenance": {"en": "In situ"},
                },
            },
        ],
        "models": [
            {
                "id": "statue",
                "title": {"en": "Statue", "zh": "塑像"},
                "units": "m",
                "metadata": {"licence": CC_BY, "date": "1990"},
                "manifest": "iiif/models/statue.json",
                "lods": [{"path": "models/statue/lod0.glb"}, {"path": "models/statue/lod1.glb"}],
            },
        ],
    }


@pytest.fixture(scope="module")
def tour(tmp_path_factory) -> Path:
    """A built tour's folder, as write_iiif finds it: images/mural/ and models/statue/lod*.glb."""
    tmp = tmp_path_factory.mktemp("iiif")
    folder = tmp / "tour"
    write_image(tmp / "mural.png", smooth_image(1100, 1500))
    options = ImageOptions(tile_size=256, base_url=BASE + "/images")
    build_image([tmp / "mural.png"], folder / "images" / "mural", options, name="mural", manifest=False)
    scan = write_obj(uv_sphere(24, 48, bumps=0.08, texture=checker_texture(128)), tmp / "scan" / "statue.obj")
    levels = (Level(300, 64), Level(1500, 128))
    build_model(scan, folder / "models" / "statue", DEFAULT_MODEL_OPTIONS.replace(lods=levels, deviation_samples=5000))
    write_iiif(tour_doc(), folder, {"mural": REGIONS})
    return folder


def load(folder: Path, rel: str) -> dict:
    return json.loads((folder / rel).read_text(encoding="utf-8"))


def test_the_image_manifest_and_the_collection_validate_with_iiif_prezi3(tour):
    manifest = load(tour, "iiif/images/mural.json")
    Manifest(**manifest)  # strict pydantic models of the Presentation 3.0 schema
    with pytest.raises(pydantic.ValidationError):  # the check is not vacuous
        Manifest(**{k: v for k, v in manifest.items() if k != "label"})
    assert manifest["id"] == f"{BASE}/iiif/images/mural.json"
    (canvas,) = manifest["items"]
    assert canvas["id"] == f"{BASE}/iiif/images/mural.json/canvas/1" and (canvas["width"], canvas["height"]) == (
        1500,
        1100,
    )
    assert canvas["annotations"] == [{"id": f"{BASE}/iiif/images/mural-annotations.json", "type": "AnnotationPage"}]
    service = canvas["items"][0]["items"][0]["body"]["service"][0]
    assert service == {"id": f"{BASE}/images/mural", "type": "ImageService3", "profile": "level0"}
    assert manifest["rights"] == CC_BY
    assert manifest["partOf"] == [{"id": f"{BASE}/iiif/collection.json", "type": "Collection"}]

    collection = load(tour, "iiif/collection.json")
    Collection(**collection)
    assert collection["id"] == f"{BASE}/iiif/collection.json"
    assert collection["label"] == {"en": ["Mogao 45"], "zh": ["莫高窟第45窟"]}
    items = collection["items"]
    assert [i["id"] for i in items] == [f"{BASE}/iiif/images/mural.json", f"{BASE}/iiif/models/statue.json"]
    assert all(i["type"] == "Manifest" and i["label"] and i["thumbnail"] for i in items)
    assert items[0]["thumbnail"] == manifest["thumbnail"]


def test_texts_metadata_and_attribution_keep_every_language(tour):
    manifest = load(tour, "iiif/images/mural.json")
    assert manifest["label"] == {"en": ["Western Paradise"], "zh": ["西方净土变"]}
    assert manifest["summary"] == {"en": ["North wall"], "zh": ["北壁"]}
    assert manifest["metadata"] == [  # METADATA_KEYS order, labels in both languages
        {"label": {"en": ["Provenance"], "zh": ["来源"]}, "value": {"en": ["In situ"]}},
        {"label": {"en": ["Date"], "zh": ["年代"]}, "value": {"en": ["Tang"], "zh": ["唐"]}},
        {"label": {"en": ["Dimensions"], "zh": ["尺寸"]}, "value": {"none": ["3 x 2 m"]}},
        {"label": {"en": ["Credit"], "zh": ["鸣谢"]}, "value": {"en": ["Dunhuang Academy"], "zh": ["敦煌研究院"]}},
    ]
    assert manifest["requiredStatement"] == {
        "label": {"en": ["Attribution"], "zh": ["署名"]},
        "value": {"en": ["Dunhuang Academy"], "zh": ["敦煌研究院"]},
    }


def test_a_language_of_the_tour_without_a_translation_gets_english_metadata_labels(tour, tmp_path):
    doc = tour_doc()
    doc["languages"] = ["fr", "en"]
    doc["title"]["fr"] = "Mogao 45 (fr)"
    doc["models"] = []
    folder = tmp_path / "t"
    shutil.copytree(tour / "images", folder / "images")
    write_iiif(doc, folder, {})
    manifest = load(folder, "iiif/images/mural.json")
    assert manifest["metadata"][1]["label"] == {"fr": ["Date"], "en": ["Date"], "zh": ["年代"]}
    assert list(load(folder, "iiif/collection.json")["label"]) == ["fr", "en", "zh"]  # the tour's first
    assert "annotations" not in manifest["items"][0]
    assert not (folder / "iiif/images/mural-annotations.json").exists()


def test_annotations_target_exactly_their_region_with_a_body_per_language(tour):
    page = load(tour, "iiif/images/mural-annotations.json")
    AnnotationPage(**page)
    assert page["id"] == f"{BASE}/iiif/images/mural-annotations.json" and page["type"] == "AnnotationPage"
    canvas = f"{BASE}/iiif/images/mural.json/canvas/1"
    donor, whole = page["items"]
    assert donor["id"] == f"{BASE}/iiif/images/mural-annotations.json#donor"
    assert donor["target"] == f"{canvas}#xywh=10,20,300,400" and whole["target"] == f"{canvas}#xywh=0,0,1500,1100"
    assert donor["motivation"] == whole["motivation"] == "commenting"  # what Mirador shows
    assert [(b["language"], b["purpose"], b["value"]) for b in donor["body"]] == [
        ("en", "identifying", "Donor figure"),
        ("en", "describing", "A kneeling donor."),
        ("zh", "identifying", "供养人"),
        ("zh", "describing", "跪姿供养人。"),
    ]  # language by language: Mirador shows them in this order, in one line
    # the tour's languages first, whatever order the author wrote; no text, no describing body
    assert [(b["language"], b["purpose"]) for b in whole["body"]] == [("en", "identifying"), ("zh", "identifying")]
    for body in donor["body"] + whole["body"]:
        assert body["type"] == "TextualBody" and body["format"] == "text/plain"
        assert body["purpose"] != "tagging"  # Mirador 4 shows the value of every body not tagging


def test_the_model_manifest_follows_the_3d_draft(tour):
    manifest = load(tour, "iiif/models/statue.json")
    # iiif-prezi3 3.1.1 knows Presentation 3.0 only (no Scene, no Model): it validates everything
    # but the Scene, in a copy whose items are emptied and whose @context is 3.0's ...
    flat = {**copy.deepcopy(manifest), "items": [], "@context": "http://iiif.io/api/presentation/3/context.json"}
    Manifest(**flat)
    # ... and the Scene is checked here against the IIIF 3D TSG draft (github.com/IIIF/3d,
    # manifests/1_basic_model_in_scene/model_origin.json): a Scene with an AnnotationPage holding
    # a painting Annotation whose body is a Model (glTF binary) and whose target is the Scene.
    assert manifest["@context"] == PRESENTATION_4_CONTEXT and manifest["type"] == "Manifest"
    assert manifest["id"] == f"{BASE}/iiif/models/statue.json"
    (scene,) = manifest["items"]
    assert scene["type"] == "Scene" and scene["id"].startswith(manifest["id"] + "/") and scene["label"]
    assert "width" not in scene and "height" not in scene  # a boundless 3D space, not a Canvas
    (page,) = scene["items"]
    assert page["type"] == "AnnotationPage" and page["id"].startswith(scene["id"] + "/")
    (annotation,) = page["items"]
    assert annotation["type"] == "Annotation" and annotation["motivation"] == ["painting"]
    assert annotation["target"] == {"id": scene["id"], "type": "Scene"}
    assert annotation["body"] == {
        "id": f"{BASE}/models/statue/lod1.glb",
        "type": "Model",
        "format": "model/gltf-binary",
    }  # the finest level
    ids = [manifest["id"], scene["id"], page["id"], annotation["id"]]
    assert len(set(ids)) == len(ids)

    assert manifest["label"] == {"en": ["Statue"], "zh": ["塑像"]} and "summary" not in manifest
    assert manifest["rights"] == CC_BY  # the licence, an http URL
    assert "requiredStatement" not in manifest  # no credit
    assert [m["label"]["en"][0] for m in manifest["metadata"]] == ["Date", "Licence"]


def test_the_model_thumbnail_is_a_256_px_jpeg_of_the_model(tour):
    manifest = load(tour, "iiif/models/statue.json")
    (thumb,) = manifest["thumbnail"]
    assert thumb == {
        "id": f"{BASE}/iiif/models/statue.jpg",
        "type": "Image",
        "format": "image/jpeg",
        "width": 256,
        "height": 256,
    }
    with Image.open(tour / "iiif/models/statue.jpg") as im:
        assert im.format == "JPEG" and im.size == (256, 256)
        rgb = np.asarray(im.convert("RGB")).astype(np.float64)
    assert rgb.std() > 20  # not blank: the checker sphere, shaded, on a plain background
    centre, corner = rgb[118:138, 118:138], rgb[:16, :16]
    assert corner.std() < 2 and np.abs(centre.mean(axis=(0, 1)) - corner.mean(axis=(0, 1))).max() > 10


def test_the_thumbnail_render_is_deterministic_and_fast(tour):
    mesh = read_glb(tour / "models/statue/lod0.glb")
    assert mesh.triangle_count <= 300 and np.ptp(mesh.positions, axis=0).min() > 1.5  # a sphere of radius ~1
    render_thumbnail(mesh)  # warm up (open3d's import)
    start = time.perf_counter()
    first = render_thumbnail(mesh)
    assert time.perf_counter() - start < 1.0
    assert first.shape == (256, 256, 3) and first.dtype == np.uint8
    assert np.array_equal(first, render_thumbnail(mesh))


def test_the_same_inputs_write_the_same_bytes_and_nothing_outside_iiif(tour, tmp_path):
    before = {p.relative_to(tour) for p in tour.rglob("*") if "iiif" not in p.relative_to(tour).parts}
    snapshot = {p.relative_to(tour): p.read_bytes() for p in sorted((tour / "iiif").rglob("*")) if p.is_file()}
    write_iiif(tour_doc(), tour, {"mural": REGIONS})
    again = {p.relative_to(tour): p.read_bytes() for p in sorted((tour / "iiif").rglob("*")) if p.is_file()}
    assert again == snapshot
    assert {p.relative_to(tour) for p in tour.rglob("*") if "iiif" not in p.relative_to(tour).parts} == before
    assert sorted(str(p) for p in snapshot) == [
        "iiif/collection.json",
        "iiif/images/mural-annotations.json",
        "iiif/images/mural.json",
        "iiif/models/statue.jpg",
        "iiif/models/statue.json",
    ]


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda d, a: d["images"][0].pop("title"), "images.mural.title"),
        (lambda d, a: d["models"][0].update(title={}), "models.statue.title"),
        (lambda d, a: d["images"][0]["metadata"].update(date={"en": ""}), "images.mural.metadata.date"),
        (lambda d, a: d.pop("title"), "tour.title"),
        (lambda d, a: a["mural"][0].pop("title"), "annotations.images.mural[0].title"),
        (lambda d, a: a["mural"][1].update(region=[1400, 0, 101, 10]), "annotations.images.mural[1].region"),
        (lambda d, a: a["mural"][1].update(region=[0, 0, 0, 10]), "annotations.images.mural[1].region"),
        (lambda d, a: d["images"][0].update(rights="CC-BY"), "images.mural.rights"),
        (lambda d, a: a.update(other=[]), "annotations"),
        (lambda d, a: d.update(baseUrl="/relative"), "baseUrl"),
        (lambda d, a: d["images"][0].update(path="images/gone"), "images.mural.path"),
        (lambda d, a: d["models"][0]["lods"].append({"path": "models/statue/lod9.glb"}), "models.statue.lods"),
    ],
)
def test_a_missing_label_or_a_bad_region_is_refused_naming_the_field_and_writes_nothing(tour, tmp_path, change, field):
    doc, annotations = tour_doc(), {"mural": copy.deepcopy(REGIONS)}
    change(doc, annotations)
    folder = tmp_path / "t"
    shutil.copytree(tour / "images", folder / "images")
    shutil.copytree(tour / "models", folder / "models")
    with pytest.raises(VtourError) as e:
        write_iiif(doc, folder, annotations)
    assert e.value.field == field and e.value.step == "iiif"
    assert not (folder / "iiif").exists()


def test_an_info_json_built_for_another_base_url_is_refused(tour, tmp_path):
    doc = tour_doc()
    doc["baseUrl"] = "https://elsewhere.example"
    doc["models"] = []
    with pytest.raises(VtourError, match="another base_url"):
        write_iiif(doc, tour, {})
