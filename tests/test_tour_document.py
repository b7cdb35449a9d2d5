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
