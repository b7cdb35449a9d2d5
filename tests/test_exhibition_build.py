"""vtour build exhibition.yaml: a 2-room exhibition drawn from two collections becomes a tour of
generated galleries, object pages and a story page, every object crediting its museum and rights."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
import yaml

from vtour.collection import exhibit, exhibit_tour
from vtour.collection.exhibit import build_exhibition, credit_text, folder_ids, texts
from vtour.collection.exhibition import Exhibition, Room
from vtour.errors import VtourError
from vtour.images import write_image
from vtour.model.obj import write_obj
from vtour.model.synthetic import uv_sphere

SMALL = {
    "views": {"size": 64, "turntable": 4, "turntable_size": 32},
    "lod": {"levels": ["200:64"], "deviation_samples": 1000},
    "zoom": {"tile_size": 256},
}
CC_BY = "http://creativecommons.org/licenses/by/4.0/"
PD = "http://creativecommons.org/publicdomain/zero/1.0/"


def photo(path, h=120, w=90, colour=(150, 90, 60)):
    img = np.full((h, w, 3), 220, np.uint8)
    img[h // 5 : -h // 5, w // 5 : -w // 5] = colour
    path.parent.mkdir(parents=True, exist_ok=True)
    write_image(path, img)


def collection(root, cid, museum, rights, objects):
    root.mkdir(parents=True, exist_ok=True)
    doc = {
        "id": cid,
        "title": {"en": cid.title(), "zh": "藏品"},
        "languages": ["en", "zh"],
        "units": "cm",
        "museum": museum,
        "rights": rights,
        **SMALL,
        "objects": objects,
    }
    (root / "collection.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")


@pytest.fixture(scope="module")
def exhibition(tmp_path_factory):
    root = tmp_path_factory.mktemp("exhibition")
    scan = uv_sphere(8, 12, 10.0, bumps=0.1, units="cm")
    write_obj(scan, root / "bronzes" / "models" / "ding.obj")
    write_obj(uv_sphere(8, 12, 0.2, units="m"), root / "silk" / "models" / "vase.obj")
    photo(root / "bronzes" / "photos" / "cup.jpg")
    photo(root / "silk" / "photos" / "ding.jpg", 80, 160, (60, 90, 150))
    photo(root / "panoramas" / "hall.jpg", 128, 256, (120, 110, 100))
    collection(
        root / "bronzes",
        "bronzes",
        {"en": "Shenzhen Museum", "zh": "深圳博物馆"},
        CC_BY,
        [
            {"id": "ding-01", "title": {"en": "Tripod cauldron", "zh": "鼎"}, "model": "models/ding.obj"},
            {
                "id": "cup-02",
                "title": {"en": "Wine cup <b>", "zh": "酒杯"},
                "images": ["photos/cup.jpg"],
                "period": {"en": "Western Zhou", "zh": "西周"},
                "credit": {"en": "Gift of A. Donor"},
            },
        ],
    )
    collection(
        root / "silk",
        "silk",
        "Dunhuang Academy",
        PD,
        [
            {"id": "ding-01", "title": {"en": "Painted banner"}, "images": ["photos/ding.jpg"]},
            {"id": "vase-03", "title": {"en": "Vase", "zh": "瓶"}, "model": "models/vase.obj", "units": "m"},
        ],
    )
    doc = {
        "id": "silk-road",
        "title": {"en": "Along the Silk Road", "zh": "丝绸之路"},
        "languages": ["en", "zh"],
        "description": {"en": "Two rooms.", "zh": "两个展厅。"},
        "collections": ["bronzes/collection.yaml", "silk/collection.yaml"],
        "rooms": [
            {
                "id": "ritual",
                "title": {"en": "Ritual bronzes", "zh": "礼器"},
                "text": {"en": "Vessels for the ancestors: 'quoted' & <tagged>", "zh": "祭祀祖先的器物"},
                "objects": ["bronzes:ding-01", "cup-02"],
            },
            {"id": "trade", "title": {"en": "Trade", "zh": "贸易"}, "objects": ["silk:ding-01", "vase-03"]},
            {
                "id": "hall",
                "title": {"en": "The hall", "zh": "大厅"},
                "panorama": "panoramas/hall.jpg",
                "objects": ["cup-02"],
                "positions": {"cup-02": {"yaw": 30, "pitch": -10}},
            },
        ],
    }
    path = root / "exhibition.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    result = build_exhibition(path, root / "out", jobs=1, gallery_width=256)
    return path, result


def hotspots(scene, kind):
    return [h for h in scene["hotspots"] if h["type"] == kind]


def test_each_room_is_a_scene_with_model_info_and_link_hotspots(exhibition):
    _, result = exhibition
    out = result.out_dir
    tour = json.loads((out / "tour.json").read_text("utf-8"))
    scenes = {s["id"]: s for s in tour["scenes"]}
    assert list(scenes) == ["ritual", "trade", "hall"] and result.scenes == ("ritual", "trade", "hall")
    ritual, trade, hall = scenes["ritual"], scenes["trade"], scenes["hall"]
    assert [h["target"] for h in hotspots(ritual, "model")] == ["bronzes--ding-01"]
    assert [h["target"] for h in hotspots(trade, "model")] == ["vase-03"]
    assert [h["target"] for h in hotspots(ritual, "link")] == ["trade"]
    assert [(h["target"], h["yaw"]) for h in hotspots(trade, "link")] == [("ritual", -180), ("hall", 0)]
    assert [(h["target"], h["yaw"]) for h in hotspots(ritual, "link")] == [("trade", 0)]
    assert [(h["target"], h["yaw"], h["pitch"]) for h in hotspots(hall, "link")] == [("trade", -180, -20)]
    (placed,) = hotspots(hall, "info")  # a real panorama: the position written in exhibition.yaml
    assert (placed["yaw"], placed["pitch"]) == (30, -10) and placed["title"]["en"] == "Wine cup <b>"
    (cup,) = hotspots(ritual, "info")
    assert cup["title"]["en"] == "Wine cup <b>"  # text stays text
    for lang in ("en", "zh"):
        assert CC_BY in cup["text"][lang] and "Western Zhou" in cup["text"]["en"]
    assert "深圳博物馆" in cup["text"]["zh"] and "Gift of A. Donor" in cup["text"]["zh"]  # en fills zh
    (banner,) = hotspots(trade, "info")
    assert "Dunhuang Academy" in banner["text"]["en"] and PD in banner["text"]["en"]
    models = {m["id"]: m for m in tour["models"]}
    assert set(models) == {"bronzes--ding-01", "vase-03"}
    for m in models.values():
        assert (out / m["lods"][-1]["path"]).is_file()
    assert "Vessels for the ancestors: 'quoted' & <tagged>" in json.dumps(ritual, ensure_ascii=False)
    for s in tour["scenes"]:
        for h in s["hotspots"]:
            assert -180 <= h["yaw"] < 180 and -90 <= h["pitch"] <= 90


def test_the_generated_tour_yaml_keeps_every_path_inside_its_folder(exhibition):
    path, _ = exhibition
    work = path.parent / ".vtour-cache" / "silk-road" / "tour"
    doc = yaml.safe_load((work / "tour.yaml").read_text("utf-8"))
    files = [s["panorama"] for s in doc["scenes"]] + [m["source"] for m in doc["models"]]
    files += [h["image"] for s in doc["scenes"] for h in s["hotspots"] if "image" in h]
    for rel in files:
        assert not rel.startswith(("/", "..")) and (work / rel).is_file(), rel
    ding = next(m for m in doc["models"] if m["id"] == "bronzes--ding-01")
    assert ding["metadata"]["museum"] == {"en": "Shenzhen Museum", "zh": "深圳博物馆"}
    assert ding["metadata"]["licence"] == CC_BY and ding["units"] == "cm"


def test_story_json_credits_every_object_and_links_pages_and_images(exhibition):
    _, result = exhibition
    story_dir = result.out_dir / "story"
    story = json.loads((story_dir / "story.json").read_text("utf-8"))
    assert story["vtour"] == "story/1" and story["tour"] == "../index.html"
    assert (story_dir / "index.html").is_file()
    assert [r["scene"] for r in story["rooms"]] == ["ritual", "trade", "hall"]
    objects = [o for r in story["rooms"] for o in r["objects"]]
    assert [o["id"] for o in objects] == ["bronzes--ding-01", "cup-02", "silk--ding-01", "vase-03", "cup-02"]
    for o in objects:
        assert o["museum"]["en"] and o["museum"]["zh"] and o["rights"] in (CC_BY, PD)
        assert o["page"].endswith("/index.html") and (story_dir / o["page"]).is_file()
        assert (story_dir / o["page"]).with_name("object.json").is_file()
        assert o["image"] and (story_dir / o["image"]).is_file()
        assert o["width"] > 0 and o["height"] > 0
    assert objects[2]["width"] == 160 and objects[2]["height"] == 80  # the photo's aspect


def test_a_second_build_renders_no_gallery_again(exhibition):
    path, first = exhibition
    assert first.rendered == ("ritual", "trade")
    again = build_exhibition(path, first.out_dir, jobs=1, gallery_width=256)
    assert again.rendered == ()
    assert all(s.status == "cached" for s in again.tour.stages)


def test_an_object_no_collection_has_is_refused_before_any_work(tmp_path, exhibition):
    path, _ = exhibition
    doc = yaml.safe_load(path.read_text("utf-8"))
    doc["rooms"][0]["objects"].append("gui-99")
    doc["collections"] = [f"../{path.parent.name}/{c}" for c in doc["collections"]]
    bad = tmp_path / "exhibition.yaml"
    bad.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    with pytest.raises(VtourError, match="gui-99"):
        build_exhibition(bad, tmp_path / "out", jobs=1, gallery_width=256)
    assert not (tmp_path / "out").exists()


def test_a_room_of_more_than_twelve_objects_becomes_chained_galleries_of_even_size():
    assert [len(p) for p in exhibit_tour._chunks(list(range(13)), 12)] == [7, 6]
    assert [len(p) for p in exhibit_tour._chunks(list(range(25)), 12)] == [9, 8, 8]
    assert [len(p) for p in exhibit_tour._chunks(list(range(12)), 12)] == [12]


def test_shared_ids_get_the_collection_prefix_and_texts_fill_every_language():
    class C:
        def __init__(self, cid, oids):
            self.id = cid
            self.objects = [type("O", (), {"id": o}) for o in oids]

    ids = folder_ids([C("a", ["x", "y"]), C("b", ["x"])])
    assert ids == {("a", "x"): "a--x", ("a", "y"): "y", ("b", "x"): "b--x"}
    assert texts({"en": "Cup", "fr": "Tasse"}, ("en", "zh")) == {"en": "Cup", "zh": "Cup"}
    assert texts(None, ("en",)) is None
    assert exhibit.GALLERY_VERSION >= 1 and callable(credit_text)


def test_every_scanned_objects_3d_caption_ends_with_its_museum_credit_and_rights(exhibition):
    _, result = exhibition
    tour = json.loads((result.out_dir / "tour.json").read_text("utf-8"))
    museums = {"bronzes--ding-01": {"en": "Shenzhen Museum", "zh": "深圳博物馆"}, "vase-03": "Dunhuang Academy"}
    rights = {"bronzes--ding-01": CC_BY, "vase-03": PD}
    assert {m["id"] for m in tour["models"]} == set(museums)
    for m in tour["models"]:  # the viewer shows a model's description as the caption of its 3D dialog
        for lang in tour["languages"]:
            museum = museums[m["id"]] if isinstance(museums[m["id"]], str) else museums[m["id"]][lang]
            assert m["description"][lang].endswith(f"{museum} · {rights[m['id']]}"), m["description"]


def test_object_manifests_are_part_of_the_exhibitions_iiif_collection(exhibition):
    _, result = exhibition
    out = result.out_dir
    for fid in result.objects:
        manifest = json.loads((out / "objects" / fid / "manifest.json").read_text("utf-8"))
        assert manifest["partOf"] == [{"id": "http://localhost:8000/iiif/collection.json", "type": "Collection"}]
    assert (out / "iiif" / "collection.json").is_file()


def test_folder_ids_are_unique_even_when_a_qualified_id_is_another_objects_own():
    class C:
        def __init__(self, cid, oids):
            self.id = cid
            self.objects = [type("O", (), {"id": o}) for o in oids]

    a, b = C("synthetic", ["ding-01", "other--ding-01"]), C("other", ["ding-01"])
    ids = folder_ids([a, b])
    assert ids == {
        ("synthetic", "ding-01"): "synthetic--ding-01",
        ("synthetic", "other--ding-01"): "other--ding-01",  # an id held once keeps it
        ("other", "ding-01"): "other--ding-01-2",
    }
    long = C("c" * 40, ["x" * 40]), C("d", ["x" * 40])
    ids = folder_ids(list(long))
    assert len(set(ids.values())) == 2 and all(len(i) <= 64 for i in ids.values())


def test_a_failure_in_the_generated_tour_is_located_in_the_exhibition(tmp_path):
    e = Exhibition(id="show", title={"en": "Show"}, rooms=(Room(id="big", title={"en": "Big"}, where="rooms[1]"),))
    e = dataclasses.replace(e, root=tmp_path, lines={"rooms[1]": 9})
    work = tmp_path / "work"
    exc = VtourError("build", "1 problem(s) in the tour:\n  tour.yaml:181: scenes[1].id: bad", path=work / "tour.yaml")
    moved = exhibit._in_exhibition(exc, e, [("big", e.rooms[0]), ("big-2", e.rooms[0])], work)
    assert "exhibition.yaml:9: rooms[1] (generated scene 'big-2': scenes[1].id): bad" in moved.message
    assert "tour.yaml:181" not in moved.message and moved.path == tmp_path / "exhibition.yaml"


def test_a_failing_panorama_is_named_as_the_rooms_own_file_without_the_pano_commands_options(tmp_path):
    hall = Room(id="hall", title={"en": "Hall"}, panorama="panoramas/Hall.JPG", where="rooms[0]")
    e = Exhibition(id="show", title={"en": "Show"}, rooms=(hall,), root=tmp_path, lines={"rooms[0]": 5})
    work = tmp_path / "work"
    copy = work / "panoramas" / "hall.jpg"
    exc = VtourError(
        "build", f"scene hall: pano: {copy}: image is 1200x900, not 2:1; pass --hfov and --vfov (degrees), or crop"
    )
    moved = exhibit._in_exhibition(exc, e, [("hall", hall)], work)
    assert moved.message == f"exhibition.yaml:5: rooms[0] (scene 'hall'): pano: {tmp_path}/panoramas/Hall.JPG: " + (
        "image is 1200x900, not 2:1"
    )
    assert "rooms[0].panorama" in moved.fix and "--hfov" not in str(moved)
