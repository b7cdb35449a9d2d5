"""vtour.collection.manifest: an object's manifest (views, photos with their image service, the scan's
Scene) and the collection's IIIF Collection validate, name only files the object folder has, keep
every language, and are deterministic."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import numpy as np
import pydantic
import pytest
from iiif_prezi3 import Collection, Manifest
from test_image_build import smooth_image

from vtour.collection.manifest import collection_manifest, iiif_rights, object_manifest
from vtour.collection.views import VIEW_NAMES
from vtour.image import ImageOptions, build_image
from vtour.images import write_image
from vtour.model import DEFAULT_MODEL_OPTIONS, Level, build_model
from vtour.model.obj import write_obj
from vtour.model.synthetic import checker_texture, uv_sphere
from vtour.tour.iiif import PRESENTATION_4_CONTEXT, dump_json

SITE = "https://museum.example/bronzes"
CC_BY = "http://creativecommons.org/licenses/by/4.0/"
PHOTO = (500, 700)  # h, w: more than one 256 px tile, so the pyramid has a level of tiles


def object_doc(oid: str, title: dict, *, views=True, model=True, images=1, rights=CC_BY) -> dict:
    """object.json (the parts object_manifest reads) of an object folder made by :func:`object_folder`."""
    return {
        "vtour": "object/1",
        "id": oid,
        "collection": {"id": "bronzes", "title": {"en": "Bronzes", "zh": "青铜器"}, "catalogue": "../../index.html"},
        "languages": ["en", "zh"],
        "title": title,
        "fields": [
            {"key": "date", "value": {"en": "11th century BCE", "zh": "公元前11世纪"}},
            {"key": "period", "value": {"en": "Western Zhou", "zh": "西周"}},
            {"key": "material", "value": {"en": "bronze", "zh": "青铜"}},
            {"key": "dimensions", "value": {"en": "H 42 cm", "zh": "高42厘米"}},
            {"key": "museum", "value": {"en": "Shenzhen Museum", "zh": "深圳博物馆"}},
            {"key": "credit", "value": {"en": "Gift of the Wang family", "zh": "王氏家族捐赠"}},
            {"key": "metadata", "label": {"en": "Inventory"}, "value": {"en": "SZM-001"}},
        ],
        "description": {"en": "A ritual vessel.", "zh": "礼器。"},
        "tags": [{"en": "ritual", "zh": "礼器"}, {"en": "vessel"}],
        "museum": {"en": "Shenzhen Museum", "zh": "深圳博物馆"},
        "credit": {"en": "Gift of the Wang family", "zh": "王氏家族捐赠"},
        "rights": rights,
        "views": {
            "size": 64,
            "files": {name: f"views/{name}.jpg" for name in VIEW_NAMES},
            "turntable": {"path": "turntable.jpg", "frames": 4, "size": 32},
            "thumb": "thumb.jpg",
        }
        if views
        else None,
        "model": {"lods": [{"path": "model/lod0.glb"}, {"path": "model/lod1.glb"}]} if model else None,
        "images": [
            {"id": str(k), "path": f"images/{k}", "width": PHOTO[1], "height": PHOTO[0], "tileSize": 256}
            for k in range(1, images + 1)
        ],
        "manifest": "manifest.json",
    }


def make_media(tmp: Path) -> Path:
    """``tmp`` with photo.png and model/ (the levels of a small textured sphere)."""
    write_image(tmp / "photo.png", smooth_image(*PHOTO))
    scan = write_obj(uv_sphere(12, 24, bumps=0.05, texture=checker_texture(64)), tmp / "scan" / "vessel.obj")
    levels = (Level(100, 64), Level(400, 64))
    build_model(scan, tmp / "model", DEFAULT_MODEL_OPTIONS.replace(lods=levels, deviation_samples=2000))
    return tmp


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    return make_media(tmp_path_factory.mktemp("media"))


def object_folder(media: Path, out: Path, oid: str, doc: dict) -> Path:
    """OUT/objects/<oid>/ as the build writes it: views, thumb, model levels, photos' pyramids
    (info.json ids under the object's URL) and manifest.json."""
    folder = out / "objects" / oid
    base = f"{SITE}/objects/{oid}"
    if doc.get("views"):
        for k, name in enumerate(VIEW_NAMES):
            write_image(folder / "views" / f"{name}.jpg", np.full((64, 64, 3), 40 * k, np.uint8))
        write_image(folder / "thumb.jpg", np.full((320, 320, 3), 200, np.uint8))
    if doc.get("model"):
        shutil.copytree(media / "model", folder / "model")
    for entry in doc["images"]:
        options = ImageOptions(tile_size=256, base_url=f"{base}/images")
        build_image([media / "photo.png"], folder / entry["path"], options, name=entry["id"], manifest=False)
    (folder / "manifest.json").write_bytes(dump_json(object_manifest(doc, base)))
    return folder


@pytest.fixture(scope="module")
def built(media, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    object_folder(media, out, "ding-01", object_doc("ding-01", {"en": "Tripod cauldron", "zh": "鼎"}))
    return out / "objects" / "ding-01"


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def urls(node) -> list[str]:
    """Every id in a JSON tree."""
    if isinstance(node, dict):
        own = [node["id"]] if isinstance(node.get("id"), str) else []
        return own + [u for v in node.values() for u in urls(v)]
    if isinstance(node, list):
        return [u for v in node for u in urls(v)]
    return []


def test_the_manifest_validates_with_iiif_prezi3_and_its_scene_follows_the_3d_draft(built):
    manifest = load(built / "manifest.json")
    assert manifest["@context"] == PRESENTATION_4_CONTEXT  # it holds a Scene
    *canvases, scene = manifest["items"]
    # iiif-prezi3 knows Presentation 3.0 only: everything but the Scene, as tests/test_tour_iiif.py does
    flat = {**copy.deepcopy(manifest), "items": canvases, "@context": "http://iiif.io/api/presentation/3/context.json"}
    Manifest(**flat)
    with pytest.raises(pydantic.ValidationError):  # the check is not vacuous
        Manifest(**{k: v for k, v in flat.items() if k != "label"})
    assert scene["type"] == "Scene" and scene["id"] == f"{manifest['id']}/scene/1"
    (annotation,) = scene["items"][0]["items"]
    assert annotation["body"] == {
        "id": f"{SITE}/objects/ding-01/model/lod1.glb",
        "type": "Model",
        "format": "model/gltf-binary",
    }  # the finest level
    assert annotation["target"] == {"id": scene["id"], "type": "Scene"}
    assert manifest["partOf"] == [{"id": f"{SITE}/collection.json", "type": "Collection"}]


def test_six_view_canvases_then_one_canvas_per_photo_with_its_image_service(built):
    manifest = load(built / "manifest.json")
    canvases = [c for c in manifest["items"] if c["type"] == "Canvas"]
    views, photos = canvases[:6], canvases[6:]
    assert [c["id"].rsplit("/views/", 1)[1] for c in views] == list(VIEW_NAMES)
    assert views[0]["label"] == {"en": ["Front"], "zh": ["正面"]}
    assert all((c["width"], c["height"]) == (64, 64) for c in views)
    (photo,) = photos
    assert photo["label"] == {"en": ["Photo 1"], "zh": ["照片 1"]}
    info = load(built / "images/1/info.json")
    assert (photo["width"], photo["height"]) == (info["width"], info["height"]) == (PHOTO[1], PHOTO[0])
    body = photo["items"][0]["items"][0]["body"]
    assert body["service"] == [{"id": info["id"], "type": "ImageService3", "profile": "level0"}]
    # the whole-image file named is the largest the built info.json lists: the reconstruction agrees with the build
    assert (body["width"], body["height"]) == (info["sizes"][-1]["width"], info["sizes"][-1]["height"])
    assert manifest["thumbnail"][0]["id"] == f"{SITE}/objects/ding-01/thumb.jpg"


def test_every_file_the_manifest_names_is_in_the_object_folder(built):
    manifest = load(built / "manifest.json")
    prefix = f"{SITE}/objects/ding-01/"
    names = {u.removeprefix(prefix) for u in urls(manifest) if u.startswith(prefix)}
    files = {n for n in names if "/canvas/" not in n and "/scene/" not in n}
    files = {f"{n}/info.json" if n.startswith("images/") and n.count("/") == 1 else n for n in files}
    files.discard("")  # the homepage: the object page the build writes beside
    assert {"thumb.jpg", "views/front.jpg", "model/lod1.glb", "images/1/info.json"} <= files
    missing = sorted(n for n in files if not (built / n).is_file())
    assert missing == []


def test_texts_metadata_attribution_and_rights_keep_every_language(built):
    manifest = load(built / "manifest.json")
    assert manifest["label"] == {"en": ["Tripod cauldron"], "zh": ["鼎"]}
    assert manifest["summary"] == {"en": ["A ritual vessel."], "zh": ["礼器。"]}
    labels = [m["label"] for m in manifest["metadata"]]
    assert [label["en"][0] for label in labels] == [
        "Date",
        "Period",
        "Material",
        "Dimensions",
        "Museum",
        "Credit",
        "Inventory",
        "Tags",
    ]
    assert labels[1] == {"en": ["Period"], "zh": ["时期"]} and labels[4] == {"en": ["Museum"], "zh": ["博物馆"]}
    assert manifest["metadata"][2]["value"] == {"en": ["bronze"], "zh": ["青铜"]}
    assert manifest["metadata"][-1]["value"] == {"en": ["ritual", "vessel"], "zh": ["礼器"]}
    assert manifest["requiredStatement"]["value"] == {"en": ["Gift of the Wang family"], "zh": ["王氏家族捐赠"]}
    assert manifest["rights"] == CC_BY


def test_a_rights_url_iiif_refuses_becomes_metadata_and_the_museum_is_the_attribution():
    doc = object_doc("x", {"en": "Bowl"}, views=False, model=False, images=0, rights="https://museum.example/terms")
    doc["credit"] = None
    manifest = object_manifest(doc, f"{SITE}/objects/x")
    assert "rights" not in manifest and manifest["@context"] == "http://iiif.io/api/presentation/3/context.json"
    assert manifest["metadata"][-1]["value"] == {"none": ["https://museum.example/terms"]}
    assert manifest["requiredStatement"]["value"] == {"en": ["Shenzhen Museum"], "zh": ["深圳博物馆"]}
    assert manifest["items"] == [] and "thumbnail" not in manifest
    assert iiif_rights("http://rightsstatements.org/vocab/InC-EDU/1.0/")
    assert iiif_rights("https://creativecommons.org/publicdomain/zero/1.0/")
    assert not iiif_rights("ftp://creativecommons.org/x") and not iiif_rights("https://evilcreativecommons.org/")


def test_without_views_the_first_photo_is_the_thumbnail_and_the_manifest_validates_whole(built):
    doc = object_doc("ding-01", {"en": "Tripod cauldron", "zh": "鼎"}, views=False, model=False)
    manifest = object_manifest(doc, f"{SITE}/objects/ding-01")
    Manifest(**manifest)
    assert manifest["thumbnail"][0]["id"].startswith(f"{SITE}/objects/ding-01/images/1/full/")
    assert [c["id"].rsplit("/", 2)[1:] for c in manifest["items"]] == [["images", "1"]]


def test_the_same_document_gives_the_same_bytes(built):
    doc = object_doc("ding-01", {"en": "Tripod cauldron", "zh": "鼎"})
    base = f"{SITE}/objects/ding-01"
    assert dump_json(object_manifest(copy.deepcopy(doc), base)) == (built / "manifest.json").read_bytes()
    assert dump_json(object_manifest(doc, base + "/")) == (built / "manifest.json").read_bytes()


def test_the_collection_lists_every_manifest_and_validates():
    meta = {"id": "bronzes", "title": {"en": "Bronzes", "zh": "青铜器"}, "languages": ["en", "zh"], "description": None}
    objects = [("ding-01", {"en": "Tripod cauldron", "zh": "鼎"}, "thumb.jpg"), ("gui-02", {"zh": "簋", "en": "Gui"})]
    collection = collection_manifest(meta, objects, SITE + "/")
    Collection(**collection)
    assert collection["id"] == f"{SITE}/collection.json" and collection["label"] == {
        "en": ["Bronzes"],
        "zh": ["青铜器"],
    }
    assert [i["id"] for i in collection["items"]] == [
        f"{SITE}/objects/ding-01/manifest.json",
        f"{SITE}/objects/gui-02/manifest.json",
    ]
    assert collection["items"][1]["label"] == {"en": ["Gui"], "zh": ["簋"]}  # the collection's languages first
    assert collection["items"][0]["thumbnail"][0]["id"] == f"{SITE}/objects/ding-01/thumb.jpg"
    assert dump_json(collection) == dump_json(collection_manifest(meta, objects, SITE))


def test_part_of_names_another_collection_or_none():
    doc = object_doc("ding-01", {"en": "Tripod cauldron"}, views=False, model=False, images=0)
    base = f"{SITE}/objects/ding-01"
    assert object_manifest(doc, base)["partOf"] == [{"id": f"{SITE}/collection.json", "type": "Collection"}]
    show = "https://museum.example/show/iiif/collection.json"
    assert object_manifest(doc, base, part_of=show)["partOf"] == [{"id": show, "type": "Collection"}]
    assert "partOf" not in object_manifest(doc, base, part_of=None)
