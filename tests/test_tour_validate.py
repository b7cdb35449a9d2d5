"""vtour validate: every listed problem is caught, all at once, each with a location and a fix."""

from __future__ import annotations

import json

from tour_helpers import cli, small_tour

from vtour.tour import build_tour, validate_path

BAD = """id: bad
title: {en: Bad tour, fr: Mauvaise visite}
languages: [en, fr]
start: nowhere
scenes:
  - id: a
    title: {en: A}
    panorama: a.png
    view: {yaw: 200, pitch: 95, fov: 75}
    hotspots:
      - {type: link, yaw: 10, pitch: 0, target: missing-scene}
      - {type: model, yaw: 0, pitch: -91, target: no-model}
      - {type: info, yaw: 0, pitch: 0, text: {en: hi, fr: salut}, image: ../outside.jpg}
  - id: a
    panorama: /etc/passwd
  - id: b
    panorama: not-there.jpg
models:
  - {id: m, source: m.obj}
  - {id: m, source: ../../m.obj}
"""


def test_every_listed_problem_is_reported_at_once(tmp_path):
    (tmp_path / "a.png").write_bytes(b"x")
    (tmp_path / "m.obj").write_text("v 0 0 0\n")
    path = tmp_path / "tour.yaml"
    path.write_text(BAD)
    problems = validate_path(path)
    text = "\n".join(map(str, problems))
    expected = [
        "tour.yaml:4: start: start scene 'nowhere' does not exist",                           # reference
        "tour.yaml:11: scenes[0].hotspots[0].target: link to unknown scene 'missing-scene'",  # target
        "scenes[0].hotspots[1].target: unknown model 'no-model'",                             # target
        "tour.yaml:14: scenes[1].id: duplicate scene id 'a'",                                 # duplicate
        "models[1].id: duplicate model id 'm'",                                               # duplicate
        "scenes[2].panorama: panorama 'not-there.jpg' not found",                             # missing
        "scenes[0].view.yaw: yaw 200 is outside [-180, 180); use -160",                       # angle
        "scenes[0].view.pitch: pitch 95 is outside [-90, 90]",                                # angle
        "scenes[0].hotspots[1].pitch: pitch -91 is outside",                                  # angle
        "tour.yaml:7: scenes[0].title: text has no fr version",                               # language
        "scenes[0].hotspots[2].image: image path '../outside.jpg' leaves the tour folder",    # escape
        "scenes[1].panorama: panorama path '/etc/passwd' is absolute",                        # escape
        "models[1].source: model source path '../../m.obj' leaves the tour folder",           # escape
    ]
    for line in expected:
        assert line in text, f"{line!r} not in:\n{text}"
    assert len(problems) == len(expected), text  # each problem once, none beyond these
    assert all(p.fix for p in problems), [str(p) for p in problems if not p.fix]


def test_the_command_exits_1_listing_every_problem_and_0_with_ok(tmp_path, capsys):
    (tmp_path / "a.png").write_bytes(b"x")
    (tmp_path / "m.obj").write_text("v 0 0 0\n")
    (tmp_path / "tour.yaml").write_text(BAD)
    assert cli("validate", tmp_path / "tour.yaml") == 1
    captured = capsys.readouterr()
    assert captured.out.count("\n") == 13 and captured.err == "13 problem(s)\n"  # one line per problem
    good = small_tour(tmp_path / "good")
    assert cli("validate", good) == 0
    assert capsys.readouterr().out.strip().endswith(": ok")


def test_undeclared_languages_and_bad_ids_are_problems(tmp_path):
    small = small_tour(tmp_path)
    text = small.read_text().replace("fr: Petit", "fr: Petit\n  de: Klein").replace("id: s1", "id: ../s1")
    small.write_text(text)
    out = "\n".join(map(str, validate_path(small)))
    assert "title.de: language 'de' is not declared" in out
    assert "scene id '../s1' is not a safe name" in out


def test_a_folder_without_tour_json_is_one_problem_saying_how_to_build_it(tmp_path):
    problems = validate_path(tmp_path)
    assert [(p.location, p.message) for p in problems] == [
        (str(tmp_path), "no tour.json in the folder: not a built tour")
    ]
    assert "vtour build" in problems[0].fix


def test_a_built_tour_is_checked_against_its_schema_and_its_files(tmp_path):
    built = build_tour(small_tour(tmp_path), tmp_path / "out", jobs=1).out_dir
    assert validate_path(built) == []
    assert validate_path(built / "tour.json") == []
    doc = json.loads((built / "tour.json").read_text())
    doc["scenes"][0]["hotspots"][0]["target"] = "gone"
    doc["scenes"][1]["view"]["pitch"] = 120
    (built / "tour.json").write_text(json.dumps(doc))
    (built / "scenes" / "s0" / "1" / "f" / "0" / "0.jpg").unlink()
    out = "\n".join(map(str, validate_path(built)))
    assert "tour.json: scenes[1].view.pitch: 120 is greater than the maximum of 90" in out
    assert "scenes[0].hotspots[0].target: unknown link target 'gone'" in out
    assert "'scenes/s0/1/f/0/0.jpg' not found" in out


def test_two_images_that_would_land_on_one_built_file_are_a_problem(tmp_path):
    from PIL import Image

    path = small_tour(tmp_path)
    Image.new("RGB", (8, 8), (200, 0, 0)).save(tmp_path / "a.png")
    (tmp_path / "images").mkdir()
    Image.new("RGB", (8, 8), (0, 0, 200)).save(tmp_path / "images" / "a.png")
    text = path.read_text().replace("image: panoramas/note.jpg", "image: a.png", 1)
    text = text.replace("image: panoramas/note.jpg", "image: images/a.png", 1)
    path.write_text(text)
    problems = [str(p) for p in validate_path(path)]
    assert any("would both become images/a.png" in p for p in problems), problems

