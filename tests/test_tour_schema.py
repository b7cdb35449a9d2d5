"""The tour.json schema: a valid draft 2020-12 schema, shipped in the package, checked on write and load."""

from __future__ import annotations

import copy
import json
from importlib import resources

import jsonschema
import pytest
from tour_helpers import small_tour

from vtour.errors import VtourError
from vtour.tour import build_tour, check_tour_json, load_tour_json, schema_problems, tour_schema


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("schema")
    return build_tour(small_tour(root), root / "out", jobs=1)


def test_the_schema_is_valid_draft_2020_12_and_ships_as_package_data():
    schema = tour_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert resources.files("vtour.schemas").joinpath("tour-1.schema.json").is_file()


def test_a_built_tour_json_is_valid_and_follows_the_contract(built):
    doc = json.loads((built.out_dir / "tour.json").read_text())
    assert schema_problems(doc) == []
    assert load_tour_json(built.out_dir) == doc
    s = doc["scenes"][0]
    assert s["panorama"]["tiles"] == "scenes/s0/{z}/{f}/{y}/{x}.avif"  # AVIF: the default tile format
    assert s["panorama"]["levels"][-1] == {"tileSize": 64, "size": 128}
    assert set(s) >= {"id", "title", "panorama", "view", "northOffset", "hotspots"}
    assert s["hotspots"][1]["image"] == "images/panoramas/note.jpg"


@pytest.mark.parametrize("edit, where", [
    (lambda d: d["scenes"][0]["view"].update(yaw=180), "scenes[0].view.yaw"),
    (lambda d: d["scenes"][0]["panorama"].update(preview="../x.jpg"), "scenes[0].panorama.preview"),
    (lambda d: d["scenes"][0]["hotspots"][0].pop("target"), "scenes[0].hotspots[0]"),
    (lambda d: d.pop("languages"), "(document)"),
    (lambda d: d["title"].update(en=3), "title.en"),
])
def test_bad_documents_are_rejected_naming_the_field(built, edit, where):
    doc = copy.deepcopy(built.document)
    edit(doc)
    problems = schema_problems(doc)
    assert any(p.location == f"tour.json: {where}" for p in problems), problems
    with pytest.raises(VtourError, match="schema problem"):
        check_tour_json(doc)


def test_loading_an_invalid_tour_json_fails_with_every_problem(tmp_path, built):
    doc = copy.deepcopy(built.document)
    doc["version"] = 1
    doc["scenes"][0]["view"]["fov"] = 0
    doc["start"] = "bad id!"
    (tmp_path / "tour.json").write_text(json.dumps(doc))
    with pytest.raises(VtourError) as info:
        load_tour_json(tmp_path)
    assert "2 schema problem(s)" in str(info.value)


@pytest.mark.parametrize("edit, where, words", [
    (lambda d: d["scenes"][0]["panorama"]["levels"][-1].update(size=2**31), "scenes[0].panorama.levels[2].size",
     "is greater than the maximum of 65536"),
    (lambda d: d["scenes"][0]["panorama"]["levels"][-1].update(tileSize=1), "scenes[0].panorama.levels[2].tileSize",
     "is less than the minimum of 32"),
    (lambda d: d["scenes"][0]["panorama"].update(faceSize=2**20), "scenes[0].panorama.faceSize",
     "is greater than the maximum of 65536"),
    (lambda d: d["scenes"][0]["panorama"].update(levels=[{"tileSize": 64, "size": 64}] * 17),
     "scenes[0].panorama.levels", "is too long"),
])
def test_sizes_and_counts_are_bounded_so_no_reader_enumerates_without_end(built, edit, where, words):
    doc = copy.deepcopy(built.document)
    edit(doc)
    assert any(p.location == f"tour.json: {where}" and words in p.message for p in schema_problems(doc)), \
        schema_problems(doc)


@pytest.mark.parametrize("depth", [100_000, 500])
def test_loading_a_tour_json_nested_far_too_deep_is_one_clear_error(tmp_path, depth):
    (tmp_path / "tour.json").write_text('{"settings": ' + "[" * depth + "]" * depth + "}")
    with pytest.raises(VtourError) as info:
        load_tour_json(tmp_path)
    assert str(info.value) == f"tour: {tmp_path / 'tour.json'}: nested more than 64 levels deep; rebuild the tour"
