"""Deep-zoom images in tours: tour.yaml's ``images:``, the image stage, tour.json's entries, validation."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from tour_helpers import cli, deep_zoom_tour, edit_tour, mural

import vtour
from vtour.errors import VtourError
from vtour.image.iiif import all_tile_paths
from vtour.tour import build_tour, check_tour_json, parse_tour, read_tour, validate_built, validate_path
from vtour.tour.assemble import image_block
from vtour.tour.deepzoom import Annotation, DeepZoomImage, url_problem
from vtour.tour.options import STAGE_BASE_URL
from vtour.tour.peers import marzipano_data, pannellum_config

BASE = "https://museum.example/tours/small"


def _problems(path) -> str:
    return "\n".join(map(str, validate_path(path)))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("dz")
    path = deep_zoom_tour(root, base_url=BASE + "/")
    result = build_tour(path, root / "out", jobs=1)
    return root, path, result


def test_a_built_image_is_an_iiif_level0_service_under_the_tours_base_url(built):
    root, _, _ = built
    folder = root / "out" / "images" / "mural"
    info = json.loads((folder / "info.json").read_text())
    assert info["id"] == f"{BASE}/images/mural"
    assert (info["width"], info["height"], info["tiles"][0]["width"]) == (1500, 900, 256)
    tiles = [p for p, _ in all_tile_paths(info)]
    assert len(tiles) > 20 and all((folder / p).is_file() for p in tiles)
    assert not (folder / "manifest.json").exists() and not (folder / "image.json").exists()  # the tour's own


def test_tour_json_lists_the_image_and_the_hotspot_opens_it(built):
    root, _, result = built
    doc = json.loads((root / "out" / "tour.json").read_text())
    assert doc["baseUrl"] == BASE and doc["iiif"] == "iiif/collection.json"
    assert doc["images"] == [
        {
            "id": "mural",
            "title": {"en": "Mural", "fr": "Fresque"},
            "path": "images/mural",
            "width": 1500,
            "height": 900,
            "tileSize": 256,
            "maxZoom": 2.0,
            "thumb": "images/mural/full/188,113/0/default.jpg",
            "manifest": "iiif/images/mural.json",
            "annotations": "iiif/images/mural-annotations.json",
            "metadata": {},
        }
    ]
    spot = doc["scenes"][0]["hotspots"][-1]
    assert spot["deepZoom"] == "mural" and "image" not in spot
    assert (root / "out" / doc["images"][0]["thumb"]).is_file()
    check_tour_json(doc)
    assert validate_built(root / "out") == []
    assert result.document == doc


def test_the_peers_open_the_image_in_vtours_viewer(built):
    root, _, _ = built
    doc = json.loads((root / "out" / "tour.json").read_text())
    spot = next(s for s in pannellum_config(doc)["scenes"]["s0"]["hotSpots"] if s["vtour"].get("deepZoom"))
    assert spot["type"] == "info" and spot["URL"] == "index.html#image=mural"
    info = next(i for i in marzipano_data(doc)["scenes"][0]["infoHotspots"] if i["vtour"].get("deepZoom"))
    assert '<a href="../index.html#image=mural">Mural</a>' in info["text"]


def test_a_rebuild_reuses_the_tiles_and_a_title_change_does_not_rebuild_them(built, tmp_path):
    root, path, _ = built
    again = build_tour(path, root / "out", jobs=1)
    assert "image:mural" in again.cached and again.built == []
    edit_tour(path, lambda d: d["images"][0].update(title={"en": "Wall", "fr": "Mur"}))
    retitled = build_tour(path, root / "out", jobs=1)
    assert "image:mural" in retitled.cached
    assert retitled.document["images"][0]["title"] == {"en": "Wall", "fr": "Mur"}
    (cached,) = (root / ".vtour-cache").rglob("images/*/info.json")
    before = cached.read_bytes()
    moved = build_tour(path, tmp_path / "out", jobs=1, base_url="https://other.example/t")
    assert "image:mural" in moved.cached and moved.built == []  # the tiles do not depend on the base URL
    published = tmp_path / "out" / "images" / "mural" / "info.json"
    assert json.loads(published.read_text())["id"] == "https://other.example/t/images/mural"
    first = json.loads((root / "out" / "images" / "mural" / "info.json").read_text())
    assert first["id"] == f"{BASE}/images/mural"  # the first build's own, untouched
    # a new file, not written through the cache's hard link
    assert cached.read_bytes() == before and not published.samefile(cached)
    assert json.loads(before)["id"] == f"{STAGE_BASE_URL}/mural"


def test_the_build_command_takes_a_base_url(tmp_path, capsys):
    path = deep_zoom_tour(tmp_path)
    assert cli("build", path, "-o", tmp_path / "out", "--jobs", "1", "--base-url", "http://a.example/x") == 0
    assert "1 images" in capsys.readouterr().out
    assert json.loads((tmp_path / "out" / "tour.json").read_text())["baseUrl"] == "http://a.example/x"
    with pytest.raises(VtourError, match="base URL 'ftp://a' is not an absolute http"):
        build_tour(path, tmp_path / "out", jobs=1, base_url="ftp://a")


def test_the_default_base_url_is_localhost(tmp_path):
    path = deep_zoom_tour(tmp_path, hotspot=None)
    doc = build_tour(path, tmp_path / "out", jobs=1).document
    assert doc["baseUrl"] == "http://localhost:8000"
    info = json.loads((tmp_path / "out" / "images" / "mural" / "info.json").read_text())
    assert info["id"] == "http://localhost:8000/images/mural"


def test_a_corrupt_source_fails_the_build_and_leaves_nothing_behind(tmp_path):
    path = deep_zoom_tour(tmp_path)
    data = (tmp_path / "images" / "mural.png").read_bytes()
    (tmp_path / "images" / "mural.png").write_bytes(data[: len(data) // 2])  # the header stays readable
    assert validate_path(path) == []
    with pytest.raises(VtourError, match=r"image mural: .*(corrupt|truncated|cannot)"):
        build_tour(path, tmp_path / "out", jobs=1)
    assert not (tmp_path / "out").exists()
    cache = tmp_path / ".vtour-cache" / "small" / "images"
    assert not cache.exists() or [p.name for p in cache.iterdir() if not p.name.startswith(".")] == []


def test_a_region_outside_a_stitched_image_is_a_build_error():
    tour, _ = parse_tour({"id": "t", "title": "T", "scenes": [{"id": "a", "panorama": "a.jpg"}]})
    image = DeepZoomImage("wall", ("a.jpg", "b.jpg"), annotations=(Annotation("a1", (900, 0, 200, 10), where="w"),))
    info = {"width": 1000, "height": 500, "tiles": [{"width": 256}], "sizes": [{"width": 250, "height": 125}]}
    with pytest.raises(VtourError, match=r"annotation a1 region \[900, 0, 200, 10\] leaves the stitched image"):
        image_block(tour, image, info, 2.0)
    ok = DeepZoomImage("wall", ("a.jpg", "b.jpg"), annotations=(Annotation("a1", (800, 0, 200, 10)),))
    assert image_block(tour, ok, info, 2.0)["thumb"] == "images/wall/full/250,125/0/default.jpg"


def test_a_stitched_region_error_names_the_tour_yaml_line(tmp_path):
    path = deep_zoom_tour(tmp_path)
    tour = read_tour(path)[0]
    image = tour.images[0]
    info = {"width": 100, "height": 100, "tiles": [{"width": 256}], "sizes": [{"width": 100, "height": 100}]}
    with pytest.raises(VtourError) as err:
        image_block(tour, image, info, 2.0)
    assert re.search(r"tour\.yaml:\d+: images\[0\]\.annotations\[0\]\.region", str(err.value)), str(err.value)


# -- validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("HTTPS://m.example/t", r"upper-case scheme \(write https://\)"),
        ("https://user:pw@m.example/t", "user name or password"),
        ("https://m.example/my tour", "must %-encode"),
        ('https://m.example/t"x', "must %-encode"),
        ("https://m.example/t?", "query or fragment"),
        ("https://m.example/t#", "query or fragment"),
        ("https://m.example/t?x=1", "query or fragment"),
        ("ftp://m.example/t", "not an absolute http"),
    ],
)
def test_a_base_url_the_schema_would_refuse_is_one_problem_on_base_url(tmp_path, url, why):
    schema = json.loads((Path(vtour.__file__).parent / "schemas" / "tour-1.schema.json").read_text())
    assert not re.match(schema["properties"]["baseUrl"]["pattern"], url)
    assert url_problem(url, query=False) is not None
    path = deep_zoom_tour(tmp_path, base_url=url, images=[_image(), _image(id="wall")])
    problems = [str(p) for p in validate_path(path)]
    assert len([p for p in problems if "base_url" in p]) == 1, problems
    assert re.search(r"tour\.yaml:\d+: base_url: .*" + why, "\n".join(problems)), problems
    assert not any(".zoom" in p for p in problems), problems
    with pytest.raises(VtourError, match="base_url") as err:
        build_tour(deep_zoom_tour(tmp_path / "cli"), tmp_path / "out", jobs=1, base_url=url)
    assert ".zoom" not in str(err.value)


def test_a_good_base_url_is_what_the_schema_takes():
    schema = json.loads((Path(vtour.__file__).parent / "schemas" / "tour-1.schema.json").read_text())
    for url in ("https://m.example/t", "http://localhost:8000", "https://m.example/my%20tour/a_b-c~d"):
        assert url_problem(url, query=False) is None
        assert re.match(schema["properties"]["baseUrl"]["pattern"], url)


def test_every_bad_zoom_value_is_reported(tmp_path):
    path = deep_zoom_tour(tmp_path, images=[_image(zoom={"tile_size": 0, "quality": 500})])
    problems = _problems(path)
    assert "bad zoom options tile_size: tile size must be a power of two" in problems, problems
    assert "quality: JPEG quality must be in 1..100" in problems, problems


def _image(**fields) -> dict:
    return {"id": "mural", "title": {"en": "Mural", "fr": "Fresque"}, "source": "images/mural.png", **fields}


@pytest.mark.parametrize(
    ("images", "expected"),
    [
        ([{"title": "x", "source": "images/mural.png"}], r"tour.yaml:\d+: images\[0\].id: image has no id"),
        ([_image(), _image()], r"images\[1\].id: duplicate image id 'mural' \(also at images\[0\]\)"),
        ([_image(id="../up")], r"images\[0\].id: image id '../up' is not a safe name"),
        ([_image(source="images/none.png")], r"images\[0\].source: image source 'images/none.png' not found"),
        ([_image(source="../mural.png")], r"images\[0\].source: image source path '../mural.png' leaves the tour"),
        ([_image(source="tour.yaml")], r"images\[0\].source: image source 'tour.yaml' is not an image"),
        ([_image(source=None)], r"images\[0\].source: no image source given; write source: images/NAME.tif"),
        (
            [_image(zoom={"max_pixels": 1000})],
            r"images\[0\].source: image source 'images/mural.png' has too many pixels \(1500x900 = 1,350,000\); "
            r"the limit is 1,000; raise zoom: \{max_pixels: ...\}",
        ),
        ([_image(zoom={"tile_size": 100})], r"images\[0\].zoom: image mural: bad zoom option tile_size"),
        (
            [_image(annotations=[{"region": [1, 2, 3], "title": "x"}])],
            r"images\[0\].annotations\[0\].region: a region is 4 whole numbers \[x, y, w, h\], got \[1, 2, 3\]",
        ),
        ([_image(annotations=[{"region": [1, 2, 3.5, 4], "title": "x"}])], r"a region is 4 whole numbers"),
        ([_image(annotations=[{"region": [0, 0, 0, 4], "title": "x"}])], r"w or h not above 0"),
        (
            [_image(annotations=[{"region": [1400, 0, 200, 10], "title": {"en": "a", "fr": "b"}}])],
            r"images\[0\].annotations\[0\].region: region \[1400, 0, 200, 10\] leaves the image \(1500x900 px\); "
            r"give a region inside \[0, 0, 1500, 900\]",
        ),
        (
            [_image(annotations=[{"region": [1, 2, 3, 4]}])],
            r"images\[0\].annotations\[0\].title: annotation has no title; add title",
        ),
        (
            [_image(annotations=[{"region": [1, 2, 3, 4], "title": {"en": "a"}}])],
            r"images\[0\].annotations\[0\].title: text has no fr version",
        ),
        (
            [
                _image(
                    annotations=[
                        {"id": "x", "region": [1, 2, 3, 4], "title": "a"},
                        {"id": "x", "region": [1, 2, 3, 4], "title": "b"},
                    ]
                )
            ],
            r"annotations\[1\].id: duplicate annotation id 'x'",
        ),
        ([_image(rights="CC BY 4.0")], r"images\[0\].rights: rights 'CC BY 4.0' is not an absolute http\(s\) URL"),
        ([_image(colour="red")], r"images\[0\].colour: unknown field 'colour'"),
    ],
)
def test_a_bad_image_is_a_located_problem_with_a_fix(tmp_path, images, expected):
    path = deep_zoom_tour(tmp_path, images=images, hotspot=None)
    assert re.search(expected, _problems(path)), _problems(path)


def test_a_bad_base_url_and_zoom_default_are_problems(tmp_path):
    path = deep_zoom_tour(tmp_path, base_url="museum.example/t", zoom={"quality": "85"})
    problems = _problems(path)
    assert re.search(r"tour.yaml:\d+: base_url: base_url 'museum.example/t' is not an absolute http\(s\) URL", problems)
    path = deep_zoom_tour(tmp_path, zoom={"quality": "85"})
    assert "images[0].zoom: image mural: bad zoom option quality: expected a number, got the text '85'" in _problems(
        path
    )


def test_regions_of_a_turned_image_are_checked_against_its_turned_size(tmp_path):
    image = {"id": "mural", "title": {"en": "Mural", "fr": "Fresque"}, "source": "images/mural.png",
             "zoom": {"tile_size": 256, "rotate": 90},
             "annotations": [{"id": "low", "region": [10, 1200, 300, 200], "title": {"en": "Low", "fr": "Bas"}}]}
    path = deep_zoom_tour(tmp_path, images=[image], hotspot=None)  # the mural: 1500 x 900, turned 900 x 1500
    assert "region" not in _problems(path)
    image["annotations"][0]["region"] = [1000, 10, 300, 200]  # inside the unturned image, outside the turned one
    path = deep_zoom_tour(tmp_path, images=[image], hotspot=None)
    assert "region [1000, 10, 300, 200] leaves the image (900x1500 px, turned)" in _problems(path)
    image["zoom"]["rotate"] = 45
    path = deep_zoom_tour(tmp_path, images=[image], hotspot=None)
    assert re.search(r"images\[0\]\.zoom: .*quarter turn", _problems(path)), _problems(path)


def test_an_image_id_that_is_also_a_photo_folder_under_images_is_a_problem(tmp_path):
    path = deep_zoom_tour(tmp_path)
    Image.new("RGB", (8, 8)).save(tmp_path / "images" / "photo.jpg")
    (tmp_path / "images" / "mural").mkdir()
    Image.new("RGB", (8, 8)).save(tmp_path / "images" / "mural" / "detail.jpg")
    edit_tour(path, lambda d: d["scenes"][1]["hotspots"][1].update(image="images/mural/detail.jpg"))
    problems = _problems(path)
    assert (
        "scenes[1].hotspots[1].image: image 'images/mural/detail.jpg' would become images/mural/detail.jpg, "
        "inside images/mural/, the folder of the deep-zoom image 'mural'" in problems
    )
    edit_tour(path, lambda d: d["scenes"][1]["hotspots"][1].update(image="images/photo.jpg"))
    assert validate_path(path) == []


def test_a_hotspot_image_that_is_neither_a_file_nor_an_id_says_both_fixes(tmp_path):
    path = deep_zoom_tour(tmp_path, hotspot="murl")
    assert "image 'murl' not found; put the file at" in _problems(path)
    assert "or give the id of an image under images:" in _problems(path)


def test_images_are_read_with_defaults_and_dates_in_metadata_as_text(tmp_path):
    path = deep_zoom_tour(tmp_path, zoom={"quality": 70})
    edit_tour(
        path,
        lambda d: d["images"][0].update(
            metadata={"date": "781"}, annotations=[{"region": [0, 0, 5, 5], "title": {"en": "a", "fr": "b"}}]
        ),
    )
    path.write_text(path.read_text().replace("date: '781'", "date: 2024-02-03"))
    tour, problems = read_tour(path)
    assert problems == []
    (image,) = tour.images
    assert image.metadata == {"date": "2024-02-03"} and tour.zoom == {"quality": 70}
    where = "images[0].annotations[0]"
    assert image.annotations == (Annotation("a1", (0, 0, 5, 5), {"en": "a", "fr": "b"}, None, where),)
    assert tour.deep_zoom(tour.scenes[0].hotspots[-1]) is image
    assert tour.deep_zoom(tour.scenes[0].hotspots[1]) is None  # a photo path


def test_a_tiff_source_is_accepted(tmp_path):
    img = np.zeros((300, 400, 3), np.uint8)
    Image.fromarray(img).save(tmp_path / "wall.tif")
    mural(tmp_path / "unused.png", (8, 8))
    path = deep_zoom_tour(tmp_path, images=[_image(source="wall.tif")], hotspot=None)
    assert validate_path(path) == []


def _image(**kw) -> dict:
    return {"id": "mural", "title": {"en": "Mural", "fr": "Fresque"}, "source": "images/mural.png", **kw}


def test_the_build_cache_holds_only_image_stage_folders(built):
    root, _, _ = built
    (images,) = (root / ".vtour-cache").rglob("images")
    assert not list((root / ".vtour-cache").rglob("vips-properties.xml"))
    assert all((p / "image.json").is_file() for p in images.iterdir() if not p.name.startswith("."))
