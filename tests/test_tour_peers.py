"""vtour.tour.peers: Marzipano data.js and Pannellum config, exported over the same tiles.

Importing them back is tests/test_tour_peer_import.py.
"""

from __future__ import annotations

import json

import pytest
import yaml
from tour_helpers import small_tour

from vtour.conventions import PANNELLUM_CUBE_ORDER
from vtour.errors import VtourWarning
from vtour.tour import build_tour, import_config
from vtour.tour.peer_import import parse_js_object


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("peers")
    return build_tour(small_tour(root, scenes=3), root / "out", jobs=1)


def _angles(doc_scenes):
    return [(s["view"], [(h["type"], h.get("target"), h["yaw"], h["pitch"]) for h in s["hotspots"]])
            for s in doc_scenes]


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


def test_every_tile_pannellum_asks_for_is_a_tile_vtour_wrote(built):
    """Pannellum's level l (1..maxLevel) shows faces of cubeResolution / 2**(maxLevel - l) px in
    tileResolution px tiles at basePath + path + "." + extension; each of those files must exist."""
    cfg = json.loads((built.out_dir / "pannellum.json").read_text())
    for doc_scene in built.document["scenes"]:
        m = cfg["scenes"][doc_scene["id"]]["multiRes"]
        pano = doc_scene["panorama"]
        assert (m["cubeResolution"], m["maxLevel"]) == (pano["faceSize"], len(pano["levels"]) - 1)
        for level in range(1, m["maxLevel"] + 1):
            n = -(-(m["cubeResolution"] >> (m["maxLevel"] - level)) // m["tileResolution"])
            for face in PANNELLUM_CUBE_ORDER:
                for y in range(n):
                    for x in range(n):
                        rel = m["path"].replace("%l", str(level)).replace("%s", face).replace("%y", str(y))
                        path = built.out_dir / (m["basePath"] + rel.replace("%x", str(x)) + "." + m["extension"])
                        assert path.is_file(), path
            assert not (built.out_dir / m["basePath"] / f"{m['maxLevel'] + 1}").exists()


def test_scene_and_tour_names_are_html_escaped_in_data_js_and_read_back(tmp_path):
    evil = "<img src=x onerror=alert(1)>"
    root = tmp_path / "src"
    root.mkdir()
    path = small_tour(root, scenes=2)
    data = yaml.safe_load(path.read_text())
    data["title"] = {"en": f"Tour & {evil}", "fr": "T"}
    data["scenes"][1]["title"] = {"en": evil, "fr": "S"}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    built = build_tour(path, tmp_path / "out", jobs=1)
    app = parse_js_object((built.out_dir / "marzipano" / "data.js").read_text(encoding="utf-8"))
    assert app["scenes"][1]["name"] == "&lt;img src=x onerror=alert(1)&gt;"
    assert app["name"] == "Tour &amp; &lt;img src=x onerror=alert(1)&gt;"
    assert "<" not in json.dumps([s["name"] for s in app["scenes"]] + [app["name"]])
    # with the vtour blocks (exact) and without them (from the escaped names alone)
    tour_path = tmp_path / "back" / "tour.yaml"
    import_config(built.out_dir / "marzipano" / "data.js", tour_path)
    back = yaml.safe_load(tour_path.read_text(encoding="utf-8"))
    assert back["scenes"][1]["title"] == {"en": evil, "fr": "S"} and back["title"]["en"] == f"Tour & {evil}"
    for s in app["scenes"]:
        s.pop("vtour")
    app.pop("vtour")
    bare = built.out_dir / "marzipano" / "bare.js"
    bare.write_text(f"var APP_DATA = {json.dumps(app)};", encoding="utf-8")
    with pytest.warns(VtourWarning, match="HTML"):
        import_config(bare, tmp_path / "bare" / "tour.yaml")
    back = yaml.safe_load((tmp_path / "bare" / "tour.yaml").read_text(encoding="utf-8"))
    # the escaped name decodes to exactly the original text: the tag was never markup
    assert [s["title"] for s in back["scenes"]] == ["Scene 0", evil] and back["title"] == f"Tour & {evil}"

