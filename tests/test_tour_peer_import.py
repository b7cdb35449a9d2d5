"""vtour.tour.peer_import: Marzipano and Pannellum configs into a tour.yaml, from vtour's own export and from
real tours; untrusted configs stay inside their folder, every shape problem is a VtourError, all or nothing."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import pytest
import yaml
from tour_helpers import cli, small_tour

from vtour.errors import VtourError, VtourWarning
from vtour.tour import build_tour, import_config, read_peer_config, read_tour, validate_path
from vtour.tour.peer_import import html_to_text, parse_js_object


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("peers")
    return build_tour(small_tour(root, scenes=3), root / "out", jobs=1)


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
    _, problems = read_tour(tmp_path / "tour.yaml")
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


# ---------------------------------------------------------------------------------------------
# import of untrusted configs: paths stay inside, shapes are checked, all or nothing


def _files(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def _pannellum_with(tmp_path, scene: dict, name="p.json"):
    """A one-scene Pannellum tour at tmp_path/a/b/src/<name> next to a pic.jpg; a/victim.txt beside."""
    src = tmp_path / "a" / "b" / "src"
    src.mkdir(parents=True, exist_ok=True)
    (src / "pic.jpg").write_bytes(b"IMG")
    (tmp_path / "a" / "victim.txt").write_text("PAYLOAD")
    config = src / name
    config.write_text(json.dumps({"default": {"firstScene": "a"},
                                  "scenes": {"a": {"type": "equirectangular", "panorama": "pic.jpg", **scene}}}))
    return config


def _snapshot(tmp_path):
    return {str(p.relative_to(tmp_path)): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}


@pytest.mark.parametrize("image", ["../../victim.txt", "../victim.txt", "images/../../victim.txt", "/tmp/x.jpg",
                                   "C:/x.jpg", ""])
def test_a_hotspot_image_leaving_the_output_folder_is_refused_and_nothing_is_written(tmp_path, image):
    config = _pannellum_with(tmp_path, {"hotSpots": [{"type": "info", "yaw": 0, "pitch": 0, "text": "x",
                                                      "vtour": {"type": "info", "image": image or "."}}]})
    before = _snapshot(tmp_path)
    out = tmp_path / "out" / "tour.yaml"
    with pytest.raises(VtourError) as caught:
        import_config(config, out)
    err = caught.value
    assert err.step == "import" and err.path == config
    assert err.field == "scenes.a.hotSpots[0].vtour.image" and err.value == (image or ".")
    assert _snapshot(tmp_path) == before and not (tmp_path / "out").exists()


def test_the_cli_refuses_the_reported_traversal_with_a_message_and_no_traceback(tmp_path):
    _pannellum_with(tmp_path, {"hotSpots": [{"type": "info", "yaw": 0, "pitch": 0, "text": "x",
                                             "vtour": {"type": "info", "image": "../../victim.txt"}}]})
    (tmp_path / "out").mkdir()
    before = _snapshot(tmp_path)
    run = subprocess.run([sys.executable, "-m", "vtour", "import", "a/b/src/p.json", "-o", "out/tour.yaml"],
                         cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode != 0 and "Traceback" not in run.stderr
    assert "../../victim.txt" in run.stderr and "p.json" in run.stderr
    assert _snapshot(tmp_path) == before and _files(tmp_path / "out") == []


@pytest.mark.parametrize("scene, field", [
    ({"panorama": "../../victim.txt"}, "scenes.a.panorama"),
    ({"panorama": "ABS"}, "scenes.a.panorama"),
    ({"panorama": "link.jpg"}, "scenes.a.panorama"),
    ({"basePath": "../..", "panorama": "victim.txt"}, "scenes.a.basePath"),
    ({"basePath": "/../../", "panorama": "victim.txt"}, "scenes.a.basePath"),
    ({"type": "cubemap", "cubeMap": ["pic.jpg"] * 5 + ["../../victim.txt"]}, "scenes.a.cubeMap[5]"),
    ({"type": "multires", "multiRes": {"basePath": "../..", "cubeResolution": 64}}, "scenes.a.multiRes.basePath"),
    ({"type": "multires", "multiRes": {"path": "/../../%l%s%y%x", "cubeResolution": 64}}, "scenes.a.multiRes.path"),
])
def test_a_source_outside_the_config_folder_is_refused(tmp_path, scene, field):
    victim = tmp_path / "a" / "victim.txt"
    if scene.get("panorama") == "ABS":
        scene = {"panorama": str(tmp_path / "a" / "victim.txt")}
    config = _pannellum_with(tmp_path, scene)
    (config.parent / "link.jpg").symlink_to(victim)  # a link inside pointing outside
    before = _snapshot(tmp_path)
    with pytest.raises(VtourError) as caught:
        import_config(config, tmp_path / "out" / "tour.yaml")
    assert caught.value.field == field and caught.value.path == config
    assert "outside the config's folder" in caught.value.message
    assert _snapshot(tmp_path) == before and not (tmp_path / "out").exists()


def test_a_link_inside_the_config_folder_to_a_file_inside_it_is_read(tmp_path):
    config = _pannellum_with(tmp_path, {"panorama": "inner.jpg"})
    (config.parent / "inner.jpg").symlink_to(config.parent / "pic.jpg")
    import_config(config, tmp_path / "out" / "tour.yaml")
    assert (tmp_path / "out" / "panoramas" / "a.jpg").read_bytes() == b"IMG"


def test_a_url_panorama_is_left_to_the_user_with_a_warning(tmp_path):
    config = _pannellum_with(tmp_path, {"panorama": "https://example.org/pano.jpg"})
    with pytest.warns(VtourWarning, match="is a URL"):
        import_config(config, tmp_path / "out" / "tour.yaml")
    assert yaml.safe_load((tmp_path / "out" / "tour.yaml").read_text())["scenes"][0]["panorama"] == "panoramas/a.jpg"
    assert _files(tmp_path / "out") == ["tour.yaml"]


def test_importing_next_to_the_config_with_the_same_source_and_destination_works(tmp_path):
    (tmp_path / "a" / "b" / "src" / "images").mkdir(parents=True)
    (tmp_path / "a" / "b" / "src" / "images" / "note.jpg").write_bytes(b"NOTE")
    config = _pannellum_with(tmp_path, {"hotSpots": [{"type": "info", "yaw": 0, "pitch": 0, "text": "x",
                                                      "vtour": {"type": "info", "image": "images/note.jpg"}}]})
    for _ in range(2):  # and again, over its own output
        import_config(config, config.parent / "tour.yaml")
    assert (config.parent / "images" / "note.jpg").read_bytes() == b"NOTE"
    assert (config.parent / "panoramas" / "a.jpg").read_bytes() == b"IMG"
    assert not [p for p in config.parent.iterdir() if p.name.startswith(".vtour-import")]


def test_an_existing_different_file_outside_panoramas_is_not_overwritten(tmp_path):
    config = _pannellum_with(tmp_path, {"hotSpots": [{"type": "info", "yaw": 0, "pitch": 0, "text": "x",
                                                      "vtour": {"type": "info", "image": "images/note.jpg"}}]})
    (config.parent / "images").mkdir()
    (config.parent / "images" / "note.jpg").write_bytes(b"NOTE")
    out = tmp_path / "out"
    (out / "images").mkdir(parents=True)
    (out / "images" / "note.jpg").write_bytes(b"MINE")
    with pytest.raises(VtourError, match="differ from what vtour import would write there: images/note.jpg"):
        import_config(config, out / "tour.yaml")
    assert _files(out) == ["images", "images/note.jpg"] and (out / "images" / "note.jpg").read_bytes() == b"MINE"


def test_a_link_in_the_output_folder_does_not_carry_the_import_outside_it(tmp_path):
    config = _pannellum_with(tmp_path, {})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "panoramas").symlink_to(elsewhere)
    with pytest.raises(VtourError, match="outside the output folder"):
        import_config(config, tmp_path / "out" / "tour.yaml")
    assert _files(elsewhere) == [] and _files(tmp_path / "out") == ["panoramas"]


_PIC = {"type": "equirectangular", "panorama": "pic.jpg"}
MALFORMED = {
    "top level is a list": ("p.json", "[1]"),
    "top level is a number": ("p.json", "3"),
    "scenes is a list": ("p.json", '{"scenes": [1, 2]}'),
    "a scene is a string": ("p.json", '{"scenes": {"a": "x"}}'),
    "default is a list": ("p.json", '{"default": [], "scenes": {}}'),
    "firstScene is an object": ("p.json", '{"default": {"firstScene": {}}, "scenes": {}}'),
    "cubeResolution is text": ("p.json", '{"type": "multires", "multiRes": {"cubeResolution": "x"}}'),
    "cubeResolution is missing": ("p.json", '{"type": "multires", "multiRes": {}}'),
    "tileResolution is zero": ("p.json", '{"type": "multires", "multiRes": {"cubeResolution": 64, '
                                         '"tileResolution": 0}}'),
    "cubeResolution is huge": ("p.json", '{"type": "multires", "multiRes": {"cubeResolution": 1e9}}'),
    "multiRes is a list": ("p.json", '{"type": "multires", "multiRes": [1]}'),
    "cubeMap is a string": ("p.json", '{"type": "cubemap", "cubeMap": "abcdef"}'),
    "a cubeMap entry is a number": ("p.json", '{"type": "cubemap", "cubeMap": [1, 2, 3, 4, 5, 6]}'),
    "panorama is a list": ("p.json", '{"panorama": ["pic.jpg"]}'),
    "basePath is a number": ("p.json", '{"basePath": 3, "panorama": "pic.jpg"}'),
    "type is a number": ("p.json", '{"type": 3}'),
    "type is unknown": ("p.json", '{"type": "cylinder"}'),
    "yaw is text": ("p.json", json.dumps({**_PIC, "yaw": "x"})),
    "hfov is NaN": ("p.json", '{"type": "equirectangular", "panorama": "pic.jpg", "hfov": NaN}'),
    "northOffset is text": ("p.json", json.dumps({**_PIC, "northOffset": "n"})),
    "hotSpots is an object": ("p.json", json.dumps({**_PIC, "hotSpots": {"a": 1}})),
    "a hotspot is a number": ("p.json", json.dumps({**_PIC, "hotSpots": [3]})),
    "a hotspot pitch is a list": ("p.json", json.dumps({**_PIC, "hotSpots": [{"pitch": [1]}]})),
    "a hotspot vtour block is a string": ("p.json", json.dumps({**_PIC, "hotSpots": [{"vtour": "x"}]})),
    "a hotspot image is a number": ("p.json", json.dumps({**_PIC, "hotSpots": [{"vtour": {"image": 3}}]})),
    "a scene vtour block is a list": ("p.json", json.dumps({**_PIC, "vtour": [1]})),
    "the tour vtour block is a string": ("p.json", json.dumps({"vtour": "x", "scenes": {"a": _PIC}})),
    "the second scene is bad after the first copied": ("p.json", json.dumps({"scenes": {"a": _PIC, "b": {
        "type": "multires", "multiRes": {"cubeResolution": "x"}}}})),
    "not JSON": ("p.json", "{nope"),
    "not UTF-8": ("p.json", b"\xff\xfe\xfa{}"),
    "data.js scenes is an object": ("data.js", "var APP_DATA = {scenes: {a: 1}};"),
    "data.js scene is a number": ("data.js", "var APP_DATA = {scenes: [1]};"),
    "data.js level without tileSize": ("data.js", 'var APP_DATA = {scenes: [{id: "a", levels: [{size: 512}]}]};'),
    "data.js level size is text": ("data.js", 'var APP_DATA = {scenes: [{id: "a", levels: [{size: "x", '
                                              'tileSize: 512}]}]};'),
    "data.js levels is an object": ("data.js", 'var APP_DATA = {scenes: [{id: "a", levels: {size: 512}}]};'),
    "data.js faceSize is negative": ("data.js", 'var APP_DATA = {scenes: [{id: "a", faceSize: -1}]};'),
    "data.js id is a list": ("data.js", "var APP_DATA = {scenes: [{id: [1]}]};"),
    "data.js id leaves the folder": ("data.js", 'var APP_DATA = {scenes: [{id: "../../.."}]};'),
    "data.js view is a list": ("data.js", 'var APP_DATA = {scenes: [{id: "a", initialViewParameters: [1]}]};'),
    "data.js view yaw is text": ("data.js", 'var APP_DATA = {scenes: [{id: "a", initialViewParameters: '
                                            '{yaw: "x"}}]};'),
    "data.js hotspot yaw is text": ("data.js", 'var APP_DATA = {scenes: [{id: "a", linkHotspots: [{yaw: "x"}]}]};'),
    "data.js infoHotspots is a string": ("data.js", 'var APP_DATA = {scenes: [{id: "a", infoHotspots: "x"}]};'),
    "data.js vtour is a list": ("data.js", "var APP_DATA = {vtour: [1], scenes: []};"),
    "data.js no object": ("data.js", "var APP_DATA = [1];"),
    "data.js nested 100,000 deep": ("data.js", "var APP_DATA = " + '{"a":' * 100_000 + "1" + "}" * 100_000 + ";"),
    "loose data.js nested 100,000 deep": ("data.js", "var APP_DATA = " + "{a:" * 100_000 + "1" + "}" * 100_000),
    "data.js title nested 600 deep": ("data.js", 'var APP_DATA = {"vtour": {"title": ' + "[" * 600 + "]" * 600
                                      + '}, "scenes": []};'),
    "JSON nested 100,000 deep": ("p.json", "[" * 100_000 + "]" * 100_000),
    "JSON title nested 600 deep": ("p.json", '{"vtour": {"title": ' + "[" * 600 + "]" * 600 + '}, "scenes": {}}'),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_each_malformed_config_gives_a_vtour_error_and_leaves_no_files(tmp_path, case):
    name, body = MALFORMED[case]
    src = tmp_path / "src"
    src.mkdir()
    (src / "pic.jpg").write_bytes(b"IMG")
    (tmp_path / "tiles-outside").mkdir()
    config = src / name
    if isinstance(body, bytes):
        config.write_bytes(body)
    else:
        config.write_text(body, encoding="utf-8")
    existing = tmp_path / "existing"
    existing.mkdir()
    before = _snapshot(tmp_path)
    for out in (tmp_path / "new" / "deeper" / "tour.yaml", existing / "tour.yaml"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", VtourWarning)
            try:
                import_config(config, out)
            except VtourError as exc:
                assert exc.step == "import" and exc.path == config and exc.message
                assert exc.fix
            else:
                pytest.fail(f"{case}: imported")
        assert _snapshot(tmp_path) == before
        assert not (tmp_path / "new").exists() and _files(existing) == []


def test_a_malformed_config_read_without_writing_a_yaml_leaves_no_files_either(tmp_path):
    config = tmp_path / "src" / "p.json"
    config.parent.mkdir()
    (config.parent / "pic.jpg").write_bytes(b"IMG")
    config.write_text(MALFORMED["the second scene is bad after the first copied"][1])
    with pytest.raises(VtourError) as caught:
        read_peer_config(config, tmp_path / "out" / "tour.yaml")
    assert (caught.value.field, caught.value.value) == ("scenes.b.multiRes.cubeResolution", "x")
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------------------------
# the user's files in the output folder; scene ids that read the same once made safe


def test_a_hand_written_tour_yaml_and_captures_are_refused_by_name_unless_forced(tmp_path, capsys):
    config = _pannellum_with(tmp_path, {})
    out = tmp_path / "out"
    (out / "panoramas").mkdir(parents=True)
    (out / "tour.yaml").write_text("# years of hand edits\nid: mine\n")
    (out / "panoramas" / "a.jpg").write_bytes(b"ORIGINAL CAPTURE")
    before = _snapshot(out)
    with pytest.raises(VtourError) as caught:
        import_config(config, out / "tour.yaml")
    err = caught.value
    assert err.path == out and "--force" in err.fix
    assert err.message.endswith("2 file(s) in the output folder differ from what vtour import would write there: "
                                "panoramas/a.jpg, tour.yaml")
    assert _snapshot(out) == before and _files(out) == ["panoramas", "panoramas/a.jpg", "tour.yaml"]
    assert cli("import", config, "-o", out / "tour.yaml", "--force") == 0
    assert (out / "panoramas" / "a.jpg").read_bytes() == b"IMG"
    assert yaml.safe_load((out / "tour.yaml").read_text())["id"] == "p"


def test_importing_the_same_config_again_needs_no_force(tmp_path):
    config = _pannellum_with(tmp_path, {})
    for _ in range(2):
        import_config(config, tmp_path / "out" / "tour.yaml")
    assert _files(tmp_path / "out") == ["panoramas", "panoramas/a.jpg", "tour.yaml"]


def test_pannellum_scene_ids_that_read_the_same_keep_their_own_panoramas_and_links(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "one.jpg").write_bytes(b"ONE")
    (src / "two.jpg").write_bytes(b"TWO")
    link = {"type": "scene", "yaw": 0, "pitch": 0, "sceneId": "a b"}
    (src / "p.json").write_text(json.dumps({"default": {"firstScene": "a-b"}, "scenes": {
        "a b": {"type": "equirectangular", "panorama": "one.jpg"},
        "a-b": {"type": "equirectangular", "panorama": "two.jpg", "hotSpots": [link]}}}))
    with pytest.warns(VtourWarning, match="'a-b' is imported as 'a-b-2'"):
        import_config(src / "p.json", tmp_path / "out" / "tour.yaml")
    data = yaml.safe_load((tmp_path / "out" / "tour.yaml").read_text())
    assert [s["id"] for s in data["scenes"]] == ["a-b", "a-b-2"] and data["start"] == "a-b-2"
    assert [s["panorama"] for s in data["scenes"]] == ["panoramas/a-b.jpg", "panoramas/a-b-2.jpg"]
    assert (tmp_path / "out" / "panoramas" / "a-b.jpg").read_bytes() == b"ONE"
    assert (tmp_path / "out" / "panoramas" / "a-b-2.jpg").read_bytes() == b"TWO"
    assert data["scenes"][1]["hotspots"][0]["target"] == "a-b"


def test_marzipano_scene_ids_that_read_the_same_get_their_own_faces_and_links(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "data.js").write_text('var APP_DATA = {scenes: [{id: "a b", linkHotspots: [{yaw: 0, pitch: 0, '
                                 'target: "a-b"}]}, {id: "a-b", linkHotspots: [{yaw: 0, pitch: 0, target: "a b"}]}]};')
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import_config(src / "data.js", tmp_path / "out" / "tour.yaml")
    assert any("'a-b' is imported as 'a-b-2'" in str(w.message) for w in caught)
    data = yaml.safe_load((tmp_path / "out" / "tour.yaml").read_text())
    assert [s["id"] for s in data["scenes"]] == ["a-b", "a-b-2"]
    assert [s["panorama"]["f"] for s in data["scenes"]] == ["panoramas/a-b/f.jpg", "panoramas/a-b-2/f.jpg"]
    assert [s["hotspots"][0]["target"] for s in data["scenes"]] == ["a-b-2", "a-b"]


def test_a_data_js_nested_100000_deep_is_refused_by_the_cli_in_one_line(tmp_path):
    config = tmp_path / "data.js"
    config.write_text("var APP_DATA = " + '{"a":' * 100_000 + "1" + "}" * 100_000 + ";")
    run = subprocess.run([sys.executable, "-m", "vtour", "import", str(config), "-o", str(tmp_path / "o" / "t.yaml")],
                         capture_output=True, text=True)
    assert run.returncode != 0 and "Traceback" not in run.stderr
    assert "data.js: lists and objects nest more than 64 deep" in run.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("name, text", [
    ("p.json", '{"vtour": {"title": [[[[1]]]]}, "scenes": {}}'),
    ("data.js", 'var APP_DATA = {"vtour": {"title": [[[[1]]]]}, "scenes": []};'),
    ("data.js", "var APP_DATA = {vtour: {title: [[[[1]]]]}, scenes: [],};"),
])
def test_the_import_guards_depth_with_the_tour_readers_one_limit(tmp_path, monkeypatch, name, text):
    from vtour.tour import document

    monkeypatch.setattr(document, "MAX_DEPTH", 3)  # one limit, in vtour.tour.document
    config = tmp_path / name
    config.write_text(text)
    with pytest.raises(VtourError) as info:
        import_config(config, tmp_path / "o" / "tour.yaml")
    assert info.value.step == "import" and info.value.path == config
    assert info.value.message == "lists and objects nest more than 3 deep" and info.value.fix
