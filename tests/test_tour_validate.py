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
    view: {yaw: .nan, pitch: 95, fov: 75}
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
        "tour.yaml:9: scenes[0].view.yaw: nan is not a finite number",                       # number
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
    (built / "scenes" / "s0" / "1" / "f" / "0" / "0.avif").unlink()
    out = "\n".join(map(str, validate_path(built)))
    assert "tour.json: scenes[1].view.pitch: 120 is greater than the maximum of 90" in out
    assert "scenes[0].hotspots[0].target: unknown link target 'gone'" in out
    assert "'scenes/s0/1/f/0/0.avif' not found" in out


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



# --- hostile and broken input (issue 10) ----------------------------------------------------------

import os  # noqa: E402
import tracemalloc  # noqa: E402

import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from vtour import cli as vtour_cli  # noqa: E402
from vtour.errors import VtourError  # noqa: E402
from vtour.tour.build import load_valid_tour  # noqa: E402

OUTSIDE = "move the file into the tour's folder (a copy, not a link) and give its path relative to tour.yaml"


def _linked(tmp_path, rel: str, target) -> None:
    link = tmp_path / rel
    link.parent.mkdir(parents=True, exist_ok=True)
    link.unlink(missing_ok=True)
    os.symlink(target, link)


@pytest.mark.parametrize("rel, where, what", [
    ("panoramas/note.jpg", "scenes[0].hotspots[1].image", "image"),
    ("plan.png", "floorplan", "floor plan image"),
    ("panoramas/s1.png", "scenes[1].panorama", "panorama"),
    ("models/m.obj", "models[0].source", "model source"),
])
def test_a_link_that_leads_out_of_the_tour_folder_is_refused_by_validate_and_build(tmp_path, rel, where, what):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0\n")
    path = small_tour(tmp_path / "t", floorplan="plan.png", models=[{"id": "m", "source": "models/m.obj"}])
    _linked(tmp_path / "t", rel, secret)
    if rel != "plan.png":
        Image.new("RGB", (8, 8)).save(tmp_path / "t" / "plan.png")
    if rel != "models/m.obj":
        _linked(tmp_path / "t", "models/m.obj", "../panoramas/s0.png")  # a link inside the folder is fine
    problems = [str(p) for p in validate_path(path)]
    expected = f"{where}: {what} path {rel!r} is a link to {secret}, outside the tour folder; {OUTSIDE}"
    links = [p for p in problems if "is a link to" in p]
    assert any(p.endswith(expected) for p in links), problems
    assert len(links) == (2 if rel.endswith("note.jpg") else 1), problems  # both scenes show note.jpg
    assert all(f"{rel!r} is a link to {secret}, outside the tour folder" in p for p in links)
    with pytest.raises(VtourError, match="outside the tour folder"):
        load_valid_tour(path)


def test_a_link_inside_the_tour_folder_to_a_file_inside_it_is_fine(tmp_path):
    path = small_tour(tmp_path, floorplan="plan.png")
    Image.new("RGB", (8, 8)).save(tmp_path / "real-plan.png")
    _linked(tmp_path, "plan.png", "real-plan.png")
    assert validate_path(path) == []


@pytest.mark.parametrize("content, message", [
    (b"root:x:0:0:root:/root:/bin/bash\n", "is not an image (not an image file (no JPEG, PNG, TIFF or other known "
                                           "header))"),
    (None, "is a TIFF image, which browsers do not show"),
])
@pytest.mark.parametrize("rel, where, what", [
    ("panoramas/note.jpg", "scenes[0].hotspots[1].image", "image"),
    ("plan.png", "floorplan", "floor plan image"),
])
def test_hotspot_images_and_the_floor_plan_must_be_images_a_browser_shows(tmp_path, rel, where, what, content, message):
    path = small_tour(tmp_path, floorplan="plan.png")
    Image.new("RGB", (8, 8)).save(tmp_path / "plan.png")
    if content is None:
        Image.new("RGB", (8, 8)).save(tmp_path / rel, format="TIFF")
    else:
        (tmp_path / rel).write_bytes(content)
    problems = [str(p) for p in validate_path(path)]
    assert f"tour.yaml:{_line(path, where)}: {where}: {what} {rel!r} {message}" in "\n".join(problems), problems
    assert len(problems) == (2 if rel.endswith("note.jpg") else 1), problems  # note.jpg: both scenes name it
    assert all("convert it to JPEG or PNG" in p for p in problems)


def _line(path, where):
    from vtour.tour.document import read_tour

    tour, _ = read_tour(path)
    return tour.lines[where]


def test_zoom_limits_must_lie_in_0_180_and_min_below_max(tmp_path):
    path = small_tour(tmp_path)
    text = path.read_text().replace("  north_offset: 0.0\n", "  north_offset: 0.0\n  limits: {min_fov: -50, max_fov: 100000}\n", 1)
    path.write_text(text)
    problems = [str(p) for p in validate_path(path)]
    assert [p.split(": ", 1)[1] for p in problems] == [
        "scenes[0].limits.min_fov: min_fov -50 is outside (0, 180); use e.g. 30 (vertical degrees)",
        "scenes[0].limits.max_fov: max_fov 100000 is outside (0, 180); use e.g. 120 (vertical degrees)",
    ]


def test_a_built_tour_whose_scenes_are_not_objects_is_listed_not_a_crash(tmp_path, capsys):
    built = build_tour(small_tour(tmp_path), tmp_path / "out", jobs=1).out_dir
    doc = json.loads((built / "tour.json").read_text())
    doc["scenes"] = ["s0", 3, None, doc["scenes"][1]]
    doc["scenes"][3]["hotspots"] = ["x"]
    doc["models"] = [[]]
    (built / "tour.json").write_text(json.dumps(doc))
    problems = [str(p) for p in validate_path(built)]
    assert "tour.json: scenes[0]: 's0' is not of type 'object'; rebuild the tour with vtour build" in problems
    assert "tour.json: scenes[3].hotspots[0]: 'x' is not of type 'object'; rebuild the tour with vtour build" in problems
    assert "tour.json: models[0]: [] is not of type 'object'; rebuild the tour with vtour build" in problems
    assert vtour_cli.main(["validate", str(built)]) == 1
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("depth", [100_000, 500])
def test_a_built_tour_json_nested_deeper_than_a_tour_needs_is_one_problem(tmp_path, depth):
    (tmp_path / "tour.json").write_text('{"settings": ' + "[" * depth + "]" * depth + "}")
    assert [str(p) for p in validate_path(tmp_path)] == [
        f"{tmp_path / 'tour.json'}: nested more than 64 levels deep; rebuild the tour"
    ]


def test_a_tampered_level_size_is_a_schema_problem_and_no_tile_list_is_made(tmp_path):
    built = build_tour(small_tour(tmp_path), tmp_path / "out", jobs=1).out_dir
    doc = json.loads((built / "tour.json").read_text())
    doc["scenes"][0]["panorama"]["levels"][-1] = {"tileSize": 1, "size": 2**31}
    (built / "tour.json").write_text(json.dumps(doc))
    tracemalloc.start()
    try:
        problems = [str(p) for p in validate_path(built)]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50e6
    assert "tour.json: scenes[0].panorama.levels[2].size: 2147483648 is greater than the maximum of 65536" in "\n".join(problems)
    assert "tour.json: scenes[0].panorama.levels[2].tileSize: 1 is less than the minimum of 32" in "\n".join(problems)
    assert problems[-1].endswith("more files may be missing: stopped looking after 1,000; rebuild the tour")


def test_dates_and_other_values_tour_json_cannot_hold_are_listed_by_validate_and_stop_build(tmp_path, capsys):
    import datetime

    from vtour import cli as vtour_cli

    path = small_tour(tmp_path, settings={"since": datetime.date(2024, 2, 3)})  # yaml.safe_dump: since: 2024-02-03
    text = path.read_text()
    path.write_text(text + "models:\n  - id: m\n    source: m.obj\n    metadata: {licence: CC0, date: 2024-02-30}\n")
    (tmp_path / "m.obj").write_text("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
    lines = path.read_text().splitlines()
    since, date = lines.index("  since: 2024-02-03") + 1, len(lines)
    problems = [str(p) for p in validate_path(path)]
    assert problems == [
        f"tour.yaml:{since}: settings.since: 2024-02-03 is read as a date, which tour.json cannot hold; "
        "quote it: '2024-02-03'",
        f"tour.yaml:{date}: models[0].metadata.date: 2024-02-30 is not a date (day is out of range for month); "
        "write a real date, or quote it to keep it as text: '2024-02-30'",
    ]
    assert vtour_cli.main(["validate", str(path)]) == 1  # problems: exit 1, one line each
    out, err = capsys.readouterr()
    assert out.splitlines() == problems and err == "2 problem(s)\n"
    assert vtour_cli.main(["build", str(path), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "unexpected" not in err and "2 problem(s) in the tour" in err and "settings.since" in err
    assert not (tmp_path / "out").exists()
