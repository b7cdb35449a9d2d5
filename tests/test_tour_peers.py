"""Marzipano data.js and Pannellum config: export over the same tiles, import back, real configs import."""

from __future__ import annotations

import json
import warnings

import pytest
import yaml
from tour_helpers import cli, small_tour

from vtour.errors import VtourWarning
from vtour.tour import build_tour, import_config, read_tour, validate_path
from vtour.tour.peers import html_to_text, parse_js_object


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("peers")
    return build_tour(small_tour(root, scenes=3), root / "out", jobs=1)


def _angles(doc_scenes):
    return [(s["view"], [(h["type"], h.get("target"), h["yaw"], h["pitch"]) for h in s["hotspots"]])
            for s in doc_scenes]


def _assert_round_trip(doc, tour):
    for s, t in zip(doc["scenes"], tour.scenes):
        assert s["id"] == t.id and s["title"] == t.title
        for key in ("yaw", "pitch", "fov"):
            assert getattr(t.view, key) == pytest.approx(s["view"][key], abs=1e-6)
        assert len(s["hotspots"]) == len(t.hotspots)
        for h, g in zip(s["hotspots"], t.hotspots):
            assert (g.id, g.type, g.target, g.title, g.text) == (h["id"], h["type"], h.get("target"),
                                                               h.get("title"), h.get("text"))
            assert g.yaw == pytest.approx(h["yaw"], abs=1e-6) and g.pitch == pytest.approx(h["pitch"], abs=1e-6)


@pytest.mark.parametrize("config", ["marzipano/data.js", "pannellum.json"])
def test_export_then_import_round_trips_views_hotspots_and_texts(built, tmp_path, config):
    out = tmp_path / "imported" / "tour.yaml"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        import_config(built.out_dir / config, out)
    tour, problems = read_tour(out)
    assert problems == []
    _assert_round_trip(built.document, tour)
    assert validate_path(out) == []
    rebuilt = build_tour(out, tmp_path / "again", jobs=1)
    assert [s["id"] for s in rebuilt.document["scenes"]] == [s["id"] for s in built.document["scenes"]]


def test_marzipano_export_uses_its_units_and_escapes_html(built):
    text = (built.out_dir / "marzipano" / "data.js").read_text()
    data = parse_js_object(text)
    s = data["scenes"][1]
    assert s["initialViewParameters"]["pitch"] == pytest.approx(3.25 * 3.141592653589793 / 180)  # down
    assert s["levels"] == built.document["scenes"][1]["panorama"]["levels"]
    assert s["infoHotspots"][0]["title"] == "A &lt;b&gt;note&lt;/b&gt; &amp; more"
    assert s["tiles"] == "scenes/s1/{z}/{f}/{y}/{x}.jpg"


def test_pannellum_export_points_multires_at_the_same_tiles(built):
    cfg = json.loads((built.out_dir / "pannellum.json").read_text())
    scene = cfg["scenes"]["s0"]
    m = scene["multiRes"]
    assert scene["type"] == "multires" and m["basePath"] == "scenes/s0"
    assert (built.out_dir / m["basePath"] / f"{m['maxLevel']}/f/0/0.{m['extension']}").is_file()
    # Pannellum inserts hotspot texts and titles with innerHTML unless the config's top level says
    # escapeHTML: without it "A <b>note</b> & more" would be markup (tests/browser/test_tour_peers_browser.py)
    assert cfg["escapeHTML"] is True and "escapeHTML" not in cfg["default"]
    assert scene["hotSpots"][1]["text"] == "A <b>note</b> & more: Text"  # plain text, escaped by Pannellum
    assert scene["hotSpots"][0] | {"vtour": None} == {"type": "scene", "sceneId": "s1", "yaw": -170.0,
                                                    "pitch": -7.0, "text": "Scene 1", "vtour": None}


def test_imported_faces_are_assembled_from_the_top_level_tiles(built, tmp_path):
    out = tmp_path / "t.yaml"
    import_config(built.out_dir / "pannellum.json", out)
    data = yaml.safe_load(out.read_text())
    faces = data["scenes"][0]["panorama"]
    assert sorted(faces) == sorted("frblud")
    from PIL import Image

    with Image.open(tmp_path / faces["f"]) as im:
        assert im.size == (128, 128)


def test_the_real_marzipano_tour_imports_with_warnings_for_html_and_missing_tiles(data_file, tmp_path):
    config = data_file("tours/marzipano/data.js")
    with pytest.warns(VtourWarning) as caught:
        import_config(config, tmp_path / "tour.yaml")
    notes = " ".join(str(w.message) for w in caught)
    assert "HTML" in notes and "tiles not found" in notes
    data = yaml.safe_load((tmp_path / "tour.yaml").read_text(encoding="utf-8"))
    assert [s["id"] for s in data["scenes"]] == ["oriente-station", "electricity-museum", "jeronimos"]
    link = data["scenes"][0]["hotspots"][0]
    assert link["target"] == "electricity-museum"
    assert link["pitch"] == pytest.approx(0.0076340532339251865 * 180 / 3.141592653589793)  # up, degrees
    assert data["scenes"][0]["view"]["fov"] == pytest.approx(90)
    assert data["scenes"][2]["title"] == "Jerónimos Monastery"
    tour, problems = read_tour(tmp_path / "tour.yaml")
    assert problems == []
    assert all("not found" in p.message for p in validate_path(tmp_path / "tour.yaml"))


@pytest.mark.parametrize("name, scenes", [("example-tour.json", ["pondCube", "pond"]),
                                          ("example-cube.json", ["example-cube"]),
                                          ("example-multires.json", ["example-multires"])])
def test_the_real_pannellum_configs_import(data_file, tmp_path, name, scenes):
    config = data_file(f"tours/pannellum/{name}")
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        assert cli("import", config, "-o", tmp_path / "tour.yaml") == 0
    data = yaml.safe_load((tmp_path / "tour.yaml").read_text(encoding="utf-8"))
    assert [s["id"] for s in data["scenes"]] == scenes
    if name == "example-tour.json":
        assert data["start"] == "pond"
        link = data["scenes"][0]["hotspots"][2]
        assert (link["type"], link["target"], link["yaw"], link["title"]) == ("link", "pond", -60, "Pond")
        info = data["scenes"][0]["hotspots"][1]
        assert info["url"] == "https://github.com/mpetroff/pannellum"
        assert data["scenes"][0]["panorama"]["f"] == "panoramas/pondCube/f.jpg"
    _, problems = read_tour(tmp_path / "tour.yaml")
    assert problems == []


def test_html_is_read_as_plain_text():
    assert html_to_text("<p>Tang &amp; Song<br/>dynasties</p>") == "Tang & Song\ndynasties"


def test_a_loose_js_object_literal_is_read():
    assert parse_js_object("// x\nvar APP_DATA = {scenes: [{id: 'a', yaw: 1,},], name: \"n\"};") == {
        "scenes": [{"id": "a", "yaw": 1}], "name": "n"}
