"""tour.yaml ``pano:``/``lod:`` keys -> the PanoOptions and ModelOptions a build uses."""

from __future__ import annotations

from dataclasses import replace

import pytest
import yaml

from vtour.errors import VtourError
from vtour.model import DEFAULT_MODEL_OPTIONS, Level, ModelOptions
from vtour.option_spec import tour_keys
from vtour.pano import DEFAULT_PANO_OPTIONS, PanoOptions
from vtour.pano.coverage import Coverage
from vtour.tour import validate_path
from vtour.tour.document import LOD_KEYS, PANO_KEYS, Model, Scene, Tour, _yaml_lines, parse_tour
from vtour.tour.options import model_options, pano_options

#: A tour.yaml value for each key, and the options field and value it must give; a key a field
#: declares without an entry here fails test_every_declared_key_has_a_case.
PANO_CASES = {
    "mode": ("stitch", "mode", "stitch"),
    "tile_size": (256, "tile_size", 256),
    "face_size": (1024, "face_size", 1024),
    "tile_format": ("webp", "tile_format", "webp"),
    "quality": (70, "quality", 70),
    "antialias": (False, "antialias", False),
    "interpolation": ("cubic", "interpolation", "cubic"),
    "hfov": (120, "coverage", Coverage(hfov=120)),
    "vfov": (90, "coverage", Coverage(vfov=90)),
    "yaw": (-30, "coverage", Coverage(yaw=-30)),
    "pitch": (10, "coverage", Coverage(vfov=160, pitch=10)),
    "cube_order": ("rlfbud", "cube_order", "rlfbud"),
    "max_pixels": (1000, "max_pixels", 1000),
    "work_megapix": (0.3, "work_megapix", 0.3),
    "compose_megapix": (2.5, "compose_megapix", 2.5),
}
LOD_CASES = {
    "levels": (["1k:256", {"triangles": 5000, "texture_size": 512}], "lods", (Level(1000, 256), Level(5000, 512))),
    "texture_format": ("webp", "texture_format", "webp"),
    "texture_quality": (75, "texture_quality", 75),
    "uncompressed": (True, "uncompressed", True),
    "position_bits": (12, "position_bits", 12),
    "drop_fragments": (0.05, "drop_fragments", 0.05),
    "color_weight": (0.5, "color_weight", 0.5),
    "deviation_samples": (5000, "deviation_samples", 5000),
}


def test_every_declared_key_has_a_case_and_the_reader_accepts_exactly_those():
    assert tuple(PANO_CASES) == PANO_KEYS == tour_keys(PanoOptions)
    assert tuple(LOD_CASES) == LOD_KEYS == tour_keys(ModelOptions)


@pytest.mark.parametrize(("key", "case"), PANO_CASES.items())
def test_each_pano_key_reaches_its_field_in_the_scene_options(key, case):
    value, name, expected = case
    if key == "pitch":  # a pitch off the equator needs a vertical span that stays off the poles
        raw = {"pitch": value, "vfov": 160}
    else:
        raw = {key: value}
    tour, problems = parse_tour({"id": "t", "title": "T", "scenes": [{"id": "a", "panorama": "a.jpg", "pano": raw}]})
    assert problems == []
    got = pano_options(tour, tour.scenes[0])
    assert getattr(got, name) == expected != getattr(DEFAULT_PANO_OPTIONS, name)
    assert got == replace(DEFAULT_PANO_OPTIONS, jobs=1, **{name: expected})


@pytest.mark.parametrize(("key", "case"), LOD_CASES.items())
def test_each_lod_key_reaches_its_field_in_the_model_options(key, case):
    value, name, expected = case
    tour, problems = parse_tour(
        {"id": "t", "title": "T", "scenes": [{"id": "a", "panorama": "a.jpg"}],
         "models": [{"id": "m", "source": "m.obj", "lod": {key: value}}]}
    )
    assert problems == []
    got = model_options(tour, tour.models[0])
    assert getattr(got, name) == expected != getattr(DEFAULT_MODEL_OPTIONS, name)
    assert got == replace(DEFAULT_MODEL_OPTIONS, title="m", **{name: expected})


def test_a_scene_pano_overrides_the_tour_pano_and_named_faces_force_cube_mode():
    tour = Tour(id="t", title={"en": "T"}, pano={"quality": 60, "tile_size": 256}, scenes=(
        Scene(id="a", pano={"quality": 90}),
        Scene(id="b", panorama=tuple("frblud"), faces=True, pano={"mode": "equirect"}),
    ))
    a, b = (pano_options(tour, s) for s in tour.scenes)
    assert (a.quality, a.tile_size, a.mode, a.jobs) == (90, 256, "auto", 1)
    assert (b.quality, b.mode) == (60, "cube")


def test_a_models_lod_overrides_the_tour_lod_and_its_own_fields_give_units_title_and_licence():
    tour = Tour(id="t", title={"en": "T"}, languages=("fr", "en"), lod={"texture_quality": 70, "position_bits": 12},
                models=(Model(id="m", title={"en": "Bust", "fr": "Buste"}, units="mm", lod={"texture_quality": 95},
                              metadata={"licence": {"en": "CC BY"}}),))
    got = model_options(tour, tour.models[0])
    assert (got.texture_quality, got.position_bits) == (95, 12)
    assert (got.units, got.title, got.licence) == ("mm", "Buste", "CC BY")


@pytest.mark.parametrize(("block", "key", "meant"), [("pano", "tile_sise", "tile_size"),
                                                   ("lod", "texture_qualty", "texture_quality")])
def test_a_misspelt_key_is_a_problem_with_did_you_mean(block, key, meant):
    text = f"id: t\ntitle: T\nscenes: [{{id: a, panorama: a.jpg}}]\n{block}:\n  {key}: 1\n"
    _, problems = parse_tour(yaml.safe_load(text), lines=_yaml_lines(yaml.compose(text)))
    assert [str(p) for p in problems] == [f"tour.yaml:5: {block}.{key}: unknown field '{key}'; did you mean '{meant}'?"]


def test_a_bad_value_is_one_vtour_error_naming_the_scene_or_model():
    tour = Tour(id="t", title={"en": "T"}, scenes=(Scene(id="a", pano={"hfov": "wide"}),),
                models=(Model(id="m", lod={"levels": [{"triangles": 10}]}),))
    with pytest.raises(VtourError, match="scene a: bad pano option"):
        pano_options(tour, tour.scenes[0])
    with pytest.raises(VtourError, match="model m: bad lod option"):
        model_options(tour, tour.models[0])


def test_a_bad_unit_is_reported_once_where_it_is_written(tmp_path):
    (tmp_path / "a.png").write_bytes(b"x")
    (tmp_path / "m.obj").write_text("v 0 0 0\n")
    (tmp_path / "tour.yaml").write_text(
        "id: t\ntitle: T\nscenes: [{id: a, panorama: a.png}]\nmodels:\n  - {id: m, source: m.obj, units: inches}\n"
    )
    problems = [str(p) for p in validate_path(tmp_path / "tour.yaml")]
    assert problems == ["tour.yaml:5: models[0].units: units 'inches' unknown; use one of m, cm, mm, unknown"]


@pytest.mark.parametrize(("block", "key", "value", "message", "fix"), [
    ("pano", "quality", "'90'", "scene a: bad pano option quality: expected a number, got the text '90'",
     "write 90 without quotes"),
    ("pano", "hfov", "'120.5'", "scene a: bad pano option hfov: expected a number, got the text '120.5'",
     "write 120.5 without quotes"),
    ("pano", "tile_size", "true", "scene a: bad pano option tile_size: expected a number, got True",
     "write a number"),
    ("pano", "vfov", ".nan", "scene a: bad pano option vfov: nan is not a finite number",
     "write a number (.nan and .inf are not numbers here)"),
    ("lod", "position_bits", "'12'", "model m: bad lod option position_bits: expected a number, got the text '12'",
     "write 12 without quotes"),
    ("lod", "color_weight", "-.inf", "model m: bad lod option color_weight: -inf is not a finite number",
     "write a number (.nan and .inf are not numbers here)"),
])
def test_a_quoted_or_non_finite_number_is_one_clear_problem_not_a_python_message(tmp_path, block, key, value,
                                                                                 message, fix):
    (tmp_path / "a.png").write_bytes(b"x")
    (tmp_path / "m.obj").write_text("v 0 0 0\n")
    (tmp_path / "tour.yaml").write_text(
        f"id: t\ntitle: T\n{block}: {{{key}: {value}}}\nscenes: [{{id: a, panorama: a.png}}]\n"
        "models: [{id: m, source: m.obj}]\n"
    )
    problems = [str(p) for p in validate_path(tmp_path / "tour.yaml")]
    where = "scenes[0].pano" if block == "pano" else "models[0].lod"
    assert problems == [f"tour.yaml:{4 if block == 'pano' else 5}: {where}: {message}; {fix}"]
