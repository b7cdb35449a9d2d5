"""Export and import are inverse (issue 13): a tour in English and Chinese with a deep-zoom image (annotated
regions, metadata, rights, credit) and a model is built (``iiif/``), its built folder imported back into a
tour.yaml (``vtour import``), and that tour built again: the image manifests and annotation pages come out
byte for byte the same, the model's manifest with the same texts, and every text keeps both languages.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from tour_helpers import equirect, mural

from vtour.model.obj import write_obj
from vtour.model.synthetic import checker_texture, uv_sphere
from vtour.tour import build_tour, validate_path
from vtour.tour.iiif_import import import_iiif

IMAGE = {
    "id": "paradise",
    "title": {"en": "Western Paradise", "zh": "西方净土变"},
    "description": {"en": "A Tang dynasty wall painting.", "zh": "唐代壁画。"},
    "source": "walls/paradise.png",
    "rights": "http://creativecommons.org/licenses/by-nc/4.0/",
    "metadata": {"date": {"en": "8th century", "zh": "八世纪"}, "credit": {"en": "Dunhuang Academy", "zh": "敦煌研究院"}},
    "zoom": {"tile_size": 256},
    "annotations": [
        {"id": "donor", "region": [100, 150, 300, 200], "title": {"en": "Donor", "zh": "供养人"},
         "text": {"en": "A kneeling donor.", "zh": "跪姿供养人。"}},
        {"id": "band", "region": [900, 40, 500, 120], "title": {"en": "Inscription", "zh": "题记"}},
    ],
}
MODEL = {"id": "buddha", "title": {"en": "Seated Buddha", "zh": "坐佛"}, "description": {"en": "A scan.", "zh": "扫描。"},
         "source": "scans/buddha.obj", "units": "m", "metadata": {"provenance": {"en": "Cave 45", "zh": "第45窟"}},
         "lod": {"levels": ["400:64", "1500:128"], "deviation_samples": 2000}}
SCENE = {"id": "cave", "title": {"en": "Cave", "zh": "洞窟"}, "panorama": "panoramas/cave.png",
         "hotspots": [{"type": "info", "yaw": 10, "pitch": 0, "title": {"en": "Mural", "zh": "壁画"}, "image": "paradise"}]}
BASE = "https://museum.example/tours/cave-45"


def write_tour(root: Path) -> Path:
    mural(root / "walls" / "paradise.png", size=(1600, 1000))
    equirect(root / "panoramas" / "cave.png", 1)
    write_obj(uv_sphere(16, 32, bumps=0.05, texture=checker_texture(64)), root / "scans" / "buddha.obj")
    data = {"id": "cave-45", "title": {"en": "Cave 45", "zh": "第45窟"}, "languages": ["en", "zh"],
            "base_url": BASE, "pano": {"face_size": 128, "tile_size": 64}, "scenes": [SCENE], "images": [IMAGE],
            "models": [MODEL]}
    path = root / "tour.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_build_import_build_keeps_every_text_in_both_languages_and_the_same_manifests(tmp_path):
    first = tmp_path / "first"
    build_tour(write_tour(tmp_path / "src"), first, jobs=1)

    back = tmp_path / "back" / "tour.yaml"
    import_iiif(first, back)
    data = yaml.safe_load(back.read_text(encoding="utf-8"))
    assert data["id"] == "cave-45" and data["title"] == {"en": "Cave 45", "zh": "第45窟"}
    assert data["languages"] == ["en", "zh"]
    (image,) = data["images"]
    for key in ("id", "title", "description", "rights", "metadata"):
        assert image[key] == IMAGE[key], key
    assert [(a["id"], a["region"], a["title"], a.get("text")) for a in image["annotations"]] == [
        (a["id"], a["region"], a["title"], a.get("text")) for a in IMAGE["annotations"]
    ]
    (model,) = data["models"]
    assert (model["id"], model["title"], model["description"]) == (MODEL["id"], MODEL["title"], MODEL["description"])
    assert model["metadata"]["provenance"] == MODEL["metadata"]["provenance"]

    # the imported tour needs a scene; with the original's, it builds to the same IIIF documents
    (back.parent / "panoramas").mkdir()
    (back.parent / "panoramas" / "cave.png").write_bytes((tmp_path / "src" / "panoramas" / "cave.png").read_bytes())
    data.update(base_url=BASE, scenes=[SCENE], pano={"face_size": 128, "tile_size": 64})
    back.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert validate_path(back) == []
    second = tmp_path / "second"
    build_tour(back, second, jobs=1)
    for rel in ("iiif/images/paradise.json", "iiif/images/paradise-annotations.json"):
        assert (second / rel).read_bytes() == (first / rel).read_bytes(), rel
    info = [json.loads((d / "images" / "paradise" / "info.json").read_text()) for d in (first, second)]
    assert info[0] == info[1]  # same size, tiles and id: the full resolution came back
    manifests = [json.loads((d / "iiif" / "models" / "buddha.json").read_text()) for d in (first, second)]
    for key in ("label", "summary", "metadata"):
        assert manifests[0][key] == manifests[1][key], key
    assert manifests[0]["label"] == {"en": ["Seated Buddha"], "zh": ["坐佛"]}
    collections = [json.loads((d / "iiif" / "collection.json").read_text()) for d in (first, second)]
    assert [i["label"] for i in collections[0]["items"]] == [i["label"] for i in collections[1]["items"]]
