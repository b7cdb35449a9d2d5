"""tour.yaml reading: texts normalised, aliases, faces, locations with YAML line numbers."""

from __future__ import annotations

import json

from vtour.tour.document import parse_tour, read_tour, snake
from vtour.tour.options import model_options, pano_options


def _write(tmp_path, text, name="tour.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_a_plain_string_is_the_default_language_and_maps_are_kept(tmp_path):
    tour, problems = read_tour(_write(tmp_path, """
id: t
title: Grotto
languages: [zh, en]
scenes:
  - id: a
    title: {en: Entrance, zh: 入口}
    panorama: a.jpg
"""))
    assert problems == []
    assert tour.title == {"zh": "Grotto"}
    assert tour.scenes[0].title == {"en": "Entrance", "zh": "入口"}
    assert tour.language == "zh" and tour.start == "a"


def test_camel_case_and_snake_case_keys_mean_the_same_field(tmp_path):
    tour, problems = read_tour(_write(tmp_path, """
id: t
title: T
floorplan: plan.png
scenes:
  - {id: a, panorama: a.jpg, northOffset: 12, floorplanPosition: {x: 0.5, y: 0.25}}
  - {id: b, panorama: b.jpg, north_offset: -3, floorplan_position: {x: 0, y: 1}}
"""))
    assert problems == []
    assert [s.north_offset for s in tour.scenes] == [12, -3]
    assert tour.scenes[0].floorplan_position == (0.5, 0.25)
    assert snake("floorplanPosition") == "floorplan_position"


def test_six_named_faces_are_kept_in_f_r_b_l_u_d_order(tmp_path):
    tour, problems = read_tour(_write(tmp_path, """
id: t
title: T
scenes:
  - id: a
    panorama: {u: u.jpg, d: d.jpg, front: f.jpg, right: r.jpg, back: b.jpg, left: l.jpg}
"""))
    assert problems == []
    assert tour.scenes[0].faces and tour.scenes[0].panorama == ("f.jpg", "r.jpg", "b.jpg", "l.jpg", "u.jpg", "d.jpg")
    assert pano_options(tour, tour.scenes[0]).mode == "cube"


def test_shape_problems_are_located_with_their_yaml_line_and_suggest_a_fix(tmp_path):
    _, problems = read_tour(_write(tmp_path, """id: t
title: T
scenes:
  - id: a
    panorama: a.jpg
    veiw: {yaw: 3}
    hotspots:
      - {type: link, yaw: ten, target: a}
"""))
    text = "\n".join(map(str, problems))
    assert "tour.yaml:6: scenes[0].veiw: unknown field 'veiw'; did you mean 'view'?" in text
    assert "tour.yaml:8: scenes[0].hotspots[0].yaw: expected a number" in text


def test_json_is_accepted_and_options_map_to_pano_and_model_options(tmp_path):
    doc = {"id": "t", "title": "T", "pano": {"face_size": 256, "quality": 70},
           "lod": {"levels": ["1k:256", {"triangles": 5000, "texture_size": 512}]},
           "scenes": [{"id": "a", "panorama": "a.jpg", "pano": {"quality": 90, "hfov": 180, "vfov": 90}}],
           "models": [{"id": "m", "title": "Bust", "source": "m.obj", "units": "cm",
                       "metadata": {"licence": "CC BY 4.0", "date": 1890}}]}
    tour, problems = read_tour(_write(tmp_path, json.dumps(doc), "tour.json"))
    assert problems == []
    po = pano_options(tour, tour.scenes[0])
    assert (po.face_size, po.quality, po.coverage.hfov, po.coverage.vfov) == (256, 90, 180, 90)
    mo = model_options(tour, tour.models[0])
    assert [(lv.triangles, lv.texture_size) for lv in mo.lods] == [(1000, 256), (5000, 512)]
    assert (mo.units, mo.title, mo.licence) == ("cm", "Bust", "CC BY 4.0")
    assert tour.models[0].metadata["date"] == "1890"


def test_a_document_that_is_not_a_mapping_is_one_problem_not_a_crash():
    tour, problems = parse_tour(["a", "b"])
    assert "not a mapping" in problems[0].message and tour.scenes == ()


def test_a_unit_outside_the_list_is_a_problem_where_it_is_written_and_reads_as_none():
    tour, problems = parse_tour({"id": "t", "title": "T", "models": [
        {"id": "a", "source": "a.obj", "units": "inches"}, {"id": "b", "source": "b.obj", "units": "cm"}]})
    assert [str(p) for p in problems] == ["tour.yaml: models[0].units: units 'inches' unknown; use one of m, cm, mm, unknown"]
    assert [m.units for m in tour.models] == [None, "cm"]
    assert model_options(tour, tour.models[0]).units is None


# --- hostile and broken input (issue 10) ----------------------------------------------------------

import math  # noqa: E402
import tracemalloc  # noqa: E402

import pytest  # noqa: E402

from vtour import cli  # noqa: E402
from vtour.errors import VtourError  # noqa: E402

#: The 566-byte kind of YAML "billion laughs": nine aliases of nine aliases of ... of one string.
BOMB = "id: t\ntitle: T\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{c}: &{c} [" + ", ".join([f"*{p}"] * 9) + "]\n" for p, c in zip("abcdefgh", "bcdefghi")
) + "settings: {x: *i}\n"


def test_a_yaml_alias_bomb_is_refused_before_it_expands_naming_the_aliases(tmp_path):
    path = _write(tmp_path, BOMB)
    tracemalloc.start()
    try:
        with pytest.raises(VtourError) as info:
            read_tour(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20e6
    assert str(info.value) == (
        f"tour: {path}: YAML aliases (*name) repeat what their anchors (&name) hold into more than 100,000 "
        "values; write the repeated parts out or repeat less"
    )


def test_the_cli_refuses_an_alias_bomb_in_one_line_without_blaming_max_pixels(tmp_path, capsys):
    path = _write(tmp_path, BOMB)
    assert cli.main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "YAML aliases" in err and "max-pixels" not in err and "Traceback" not in err


def test_an_alias_inside_what_its_anchor_holds_is_refused_with_its_line(tmp_path):
    path = _write(tmp_path, "id: t\ntitle: T\nsettings:\n  loop: &a {x: [1, *a]}\n")
    with pytest.raises(VtourError, match=r"line 4: the YAML anchor &a holds an alias to itself"):
        read_tour(path)


def test_a_few_aliases_that_repeat_a_text_still_read(tmp_path):
    tour, problems = read_tour(_write(tmp_path, """
id: t
title: &t {en: Grotto}
scenes:
  - {id: a, panorama: a.jpg, title: *t}
  - {id: b, panorama: b.jpg, title: *t}
"""))
    assert problems == [] and [s.title for s in tour.scenes] == [{"en": "Grotto"}] * 2


@pytest.mark.parametrize("name, text", [
    ("tour.yaml", "id: t\ntitle: T\nsettings: " + "[" * 100_000 + "]" * 100_000 + "\n"),
    ("tour.yaml", "id: t\ntitle: T\nsettings:\n" + "".join("  " * i + f"  k{i}:\n" for i in range(2000))),
    ("tour.json", '{"id": "t", "title": "T", "settings": ' + "[" * 100_000 + "]" * 100_000 + "}"),
    ("tour.json", '{"id": "t",\t"title": "T", "settings": ' + "[" * 500 + "]" * 500 + "}"),
])
def test_nesting_far_deeper_than_a_tour_needs_is_one_clear_error(tmp_path, name, text):
    path = _write(tmp_path, text, name)
    with pytest.raises(VtourError) as info:
        read_tour(path)
    assert str(info.value).startswith(f"tour: {path}: ") and "nested more than 64 levels deep" in str(info.value)
    assert str(info.value).endswith("; a tour needs a few levels: check the brackets and indentation")


def test_a_duplicate_key_is_a_problem_naming_both_lines(tmp_path):
    _, problems = read_tour(_write(tmp_path, """id: t
title: T
scenes:
  - id: a
    panorama: a.jpg
    hotspots:
      - {yaw: 1, target: a}
    northOffset: 3
    hotspots:
      - {yaw: 2, target: a}
    north_offset: 4
"""))
    assert [str(p) for p in problems] == [
        "tour.yaml:9: scenes[0].hotspots: key 'hotspots' is given twice (lines 6 and 9) and YAML keeps only the "
        "last; merge them into one",
        "tour.yaml:11: scenes[0].north_offset: key 'north_offset' is given twice (lines 8 and 11) and YAML keeps "
        "only the last; merge them into one",
    ]


@pytest.mark.parametrize("yaml_text, where", [
    ("languages: {en: English}", "languages"),
    ("scenes: {id: a, panorama: a.jpg}", "scenes"),
])
def test_a_mapping_where_a_list_belongs_is_a_problem_not_ignored(tmp_path, yaml_text, where):
    _, problems = read_tour(_write(tmp_path, f"id: t\ntitle: T\n{yaml_text}\n"))
    assert f"tour.yaml:3: {where}: expected a list, got a mapping; write a '- ' list" in [str(p) for p in problems]


@pytest.mark.parametrize("yaw, expected", [(180, -180), (200, -160), (540, -180), (-190, 170), (179.5, 179.5), (16.7, 16.7)])
def test_any_finite_yaw_is_accepted_and_normalised_into_minus_180_to_180(tmp_path, yaw, expected):
    tour, problems = read_tour(_write(tmp_path, f"""
id: t
title: T
scenes:
  - id: a
    panorama: a.jpg
    view: {{yaw: {yaw}}}
    north_offset: {yaw}
    hotspots: [{{yaw: {yaw}, target: a}}]
"""))
    s = tour.scenes[0]
    assert problems == [] and s.view.yaw == s.north_offset == s.hotspots[0].yaw == expected


def test_every_number_must_be_finite_nan_and_infinity_are_problems_where_written(tmp_path):
    tour, problems = read_tour(_write(tmp_path, """id: t
title: T
settings: {autorotate: {speed: .nan}, list: [1, -.inf]}
scenes:
  - id: a
    panorama: a.jpg
    view: {yaw: .inf, fov: .nan}
    limits: {min_fov: .nan, max_fov: .inf}
    floorplan_position: {x: .nan, y: 0}
    hotspots: [{yaw: 1, pitch: .nan, target: a}]
"""))
    fix = "write a number (.nan and .inf are not numbers here)"
    assert [str(p) for p in problems] == [
        f"tour.yaml:7: scenes[0].view.yaw: inf is not a finite number; {fix}",
        f"tour.yaml:7: scenes[0].view.fov: nan is not a finite number; {fix}",
        f"tour.yaml:9: scenes[0].floorplan_position.x: nan is not a finite number; {fix}",
        f"tour.yaml:8: scenes[0].limits.min_fov: nan is not a finite number; {fix}",
        f"tour.yaml:8: scenes[0].limits.max_fov: inf is not a finite number; {fix}",
        f"tour.yaml:10: scenes[0].hotspots[0].pitch: nan is not a finite number; {fix}",
        f"tour.yaml:3: settings.autorotate.speed: nan is not a finite number; {fix}",
        f"tour.yaml:3: settings.list[1]: -inf is not a finite number; {fix}",
    ]
    assert all(math.isfinite(v) for v in (tour.scenes[0].view.yaw, tour.scenes[0].view.fov))


def test_a_quoted_number_says_so_and_how_to_write_it(tmp_path):
    _, problems = read_tour(_write(tmp_path, "id: t\ntitle: T\nscenes:\n  - {id: a, panorama: a.jpg, view: {fov: '75'}}\n"))
    assert [str(p) for p in problems] == [
        "tour.yaml:4: scenes[0].view.fov: expected a number, got the text '75'; write 75 without quotes"
    ]


# --- values tour.json cannot hold (dates, !!binary, sets...) -----------------------------------------

import datetime  # noqa: E402

from vtour.tour import validate_tour  # noqa: E402


def test_an_impossible_date_is_a_problem_on_its_line_saying_to_quote_it_not_a_crash(tmp_path):
    tour, problems = read_tour(_write(tmp_path, """id: t
title: T
models:
  - id: m
    source: m.obj
    metadata:
      licence: CC0
      date: 2024-02-30
settings: {until: 2024-13-01}
"""))
    assert [str(p) for p in problems] == [
        "tour.yaml:8: models[0].metadata.date: 2024-02-30 is not a date (day is out of range for month); "
        "write a real date, or quote it to keep it as text: '2024-02-30'",
        "tour.yaml:9: settings.until: 2024-13-01 is not a date (month must be in 1..12); "
        "write a real date, or quote it to keep it as text: '2024-13-01'",
    ]
    assert tour.models[0].metadata == {"licence": "CC0", "date": "2024-02-30"}


def test_a_date_in_a_models_metadata_is_read_as_the_text_written(tmp_path):
    tour, problems = read_tour(_write(tmp_path, """id: t
title: T
models:
  - id: m
    source: m.obj
    metadata:
      date: 2024-02-03
      scanned: 2024-02-03T10:15:00Z
      credit: {en: 2023-1-5}
"""))
    assert problems == []
    assert tour.models[0].metadata == {"date": "2024-02-03", "scanned": "2024-02-03T10:15:00Z",
                                       "credit": {"en": "2023-1-5"}}


def test_values_tour_json_cannot_hold_are_problems_where_written_each_with_a_fix(tmp_path):
    tour, problems = read_tour(_write(tmp_path, """id: t
title: {en: T, no: Inngang}
languages: [en]
settings:
  since: 2024-02-03
  at: 2024-02-03 10:15:00
  blob: !!binary aGVsbG8=
  tags: !!set {a, b}
  order: !!omap [{a: 1}, {b: 2}]
  1: one
scenes:
  - {id: a, panorama: a.jpg, title: 2024-02-03}
"""))
    assert [str(p) for p in problems] == [
        "tour.yaml:2: title.no: the key no is read as false, not as text; quote it: 'no'",
        "tour.yaml:5: settings.since: 2024-02-03 is read as a date, which tour.json cannot hold; "
        "quote it: '2024-02-03'",
        "tour.yaml:6: settings.at: 2024-02-03 10:15:00 is read as a date, which tour.json cannot hold; "
        "quote it: '2024-02-03 10:15:00'",
        "tour.yaml:7: settings.blob: !!binary is read as bytes, which tour.json cannot hold; "
        "write text without the !!binary tag",
        "tour.yaml:8: settings.tags: !!set is read as a set, which tour.json cannot hold; "
        "write a '- ' list without the !!set tag",
        "tour.yaml:9: settings.order: !!omap is read as pairs, which tour.json cannot hold; "
        "write a list of mappings without the !!omap tag",
        "tour.yaml:10: settings.1: the key 1 is read as a number, not as text; quote it: '1'",
        "tour.yaml:12: scenes[0].title: 2024-02-03 is read as a date, which tour.json cannot hold; "
        "quote it: '2024-02-03'",
    ]
    json.dumps(tour.settings, allow_nan=False)  # what is read is JSON, whatever the problems
    assert tour.settings["since"] == "2024-02-03"


def test_a_number_yaml_cannot_construct_is_a_problem_not_a_crash(tmp_path):
    digits = "1" * 5000
    _, problems = read_tour(_write(tmp_path, f"id: t\ntitle: T\nsettings:\n  big: {digits}\n  f: !!float abc\n"))
    assert [p.location for p in problems] == ["tour.yaml:4: settings.big", "tour.yaml:5: settings.f"]
    assert problems[0].message.startswith("1111111111") and "cannot be read as a number" in problems[0].message
    assert problems[0].fix == "write a number, or quote it to keep it as text ('...')" and len(str(problems[0])) < 200
    assert problems[1].fix == "write a number, or quote it to keep it as text: 'abc'"
    assert problems[1].message.startswith("abc cannot be read as a number")


def test_a_value_json_cannot_hold_given_in_python_is_a_problem_too():
    tour, problems = parse_tour({"id": "t", "title": "T", "settings": {"since": datetime.date(2024, 2, 3),
                                                                        "tags": {"a"}, "map": {1: "x"}}})
    assert [str(p) for p in problems] == [
        "tour.yaml: settings.since: datetime.date(2024, 2, 3) is a date, which tour.json cannot hold; "
        "write it as text: '2024-02-03'",
        "tour.yaml: settings.tags: {'a'} is a set, which tour.json cannot hold; write a list",
        "tour.yaml: settings.map.1: the key 1 is not text; write it as text: '1'",
    ]
    assert [p.location for p in validate_tour(tour)] == ["tour.yaml: scenes"]  # no scenes; settings not again


def test_a_previous_scans_date_is_read_as_the_text_written_and_a_date_elsewhere_in_the_model_is_not(tmp_path):
    tour, problems = read_tour(_write(tmp_path, """id: t
title: T
models:
  - id: m
    source: m.obj
    downloads: true
    previous:
      - {source: m-2019.obj, date: 2019-05-14, units: mm}
      - source: m-2019.obj
        date: '2019-05-14'
    description: 2019-05-14
"""))
    assert [str(p) for p in problems] == [
        "tour.yaml:11: models[0].description: 2019-05-14 is read as a date, which tour.json cannot hold; "
        "quote it: '2019-05-14'"
    ]
    model = tour.models[0]
    assert model.downloads is True
    assert [(p.source, p.date, p.units, p.where) for p in model.previous] == [
        ("m-2019.obj", "2019-05-14", "mm", "models[0].previous[0]"),
        ("m-2019.obj", "2019-05-14", None, "models[0].previous[1]"),
    ]


def test_a_model_without_previous_scans_or_downloads_has_none(tmp_path):
    tour, problems = read_tour(_write(tmp_path, "id: t\ntitle: T\nmodels: [{id: m, source: m.obj}]\n"))
    assert problems == [] and tour.models[0].previous == () and tour.models[0].downloads is False


def test_images_zoom_and_base_url_are_read_in_either_spelling_with_located_shape_problems():
    from vtour.tour.deepzoom import Annotation

    data = {"id": "t", "title": "T", "baseUrl": "https://m.example/t", "zoom": {"tileSize": 256},
            "images": [{"id": "wall", "source": ["a.jpg", "b.jpg"], "annotations": [
                {"region": [1, 2, 3, 4], "title": "Donor"}, {"id": "x", "region": "1,2,3,4", "title": "y"},
                "not a mapping"]},
                       {"source": 7}]}
    tour, problems = parse_tour(data)
    assert tour.base_url == "https://m.example/t" and tour.zoom == {"tile_size": 256}
    wall = tour.images[0]
    assert wall.source == ("a.jpg", "b.jpg")
    assert wall.annotations == (Annotation("a1", (1, 2, 3, 4), {"en": "Donor"}, None, "images[0].annotations[0]"),)
    text = "\n".join(map(str, problems))
    assert "images[0].annotations[1].region: a region is 4 whole numbers [x, y, w, h], got '1,2,3,4'" in text
    assert "images[0].annotations[2]: an annotation is a mapping" in text
    assert "images[1].id: image has no id" in text and tour.images[1].id == "image1"
    assert "images[1].source: expected a file or a list of 2 or more photos, got 7" in text
