"""docs/tour-yaml.md's option tables say what the options dataclasses declare: keys, flags, defaults."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from vtour.model import DEFAULT_MODEL_OPTIONS, ModelOptions
from vtour.option_spec import declared, values_from_tour
from vtour.pano import DEFAULT_PANO_OPTIONS, PanoOptions

DOC = Path(__file__).resolve().parents[1] / "docs" / "tour-yaml.md"


def _table(heading: str) -> list[list[str]]:
    """The cells of the table under ``heading`` (to the next heading), header rows left out."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index(heading)
    end = text.find("\n#", start + len(heading))
    rows = [line for line in text[start:end].splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows[1:]]


def _code(cell: str) -> str | None:
    """The first `code span` of a cell, or None."""
    match = re.search(r"`([^`]+)`", cell)
    return match.group(1) if match else None


def _declared_rows(cls) -> dict[str, tuple[str, str, object]]:
    """tour.yaml key -> (flag, field name, Option) for every key the class declares."""
    out = {}
    for f, opt in declared(cls):
        for _, part in opt.parts or (("", opt),):
            if part.tour:
                out[part.tour] = (part.flag, f.name, opt)
    return out


@pytest.mark.parametrize(("heading", "cls", "defaults"), [
    ("### Scene `pano`", PanoOptions, DEFAULT_PANO_OPTIONS),
    ("### Model `lod`", ModelOptions, DEFAULT_MODEL_OPTIONS),
])
def test_the_docs_table_lists_each_key_with_its_flag_and_default(heading, cls, defaults):
    rows = _table(heading)
    expected = _declared_rows(cls)
    assert [_code(r[0]) for r in rows] == list(expected)
    for key, flag_cell, default_cell, _meaning in rows:
        flag, name, opt = expected[_code(key)]
        assert _code(flag_cell) == flag, key
        written = _code(default_cell)
        if written is None:  # a default computed at build time is described in words
            assert getattr(defaults, name) is None, key
            continue
        # the value the doc names must give the field the value the options start from
        value = values_from_tour(cls, {_code(key): yaml.safe_load(written)})[name]
        default = opt.from_tour({}) if opt.parts else getattr(defaults, name)
        assert value == default, f"{key}: the doc says {written}, the default is {default!r}"


def test_the_limits_the_docs_state_are_the_ones_the_code_and_schema_enforce():
    from vtour.tour.document import MAX_ALIAS_VALUES, MAX_DEPTH
    from vtour.tour.schema import tour_schema
    from vtour.tour.validate import MAX_MISSING

    yaml_doc = DOC.read_text(encoding="utf-8")
    json_doc = (DOC.parent / "tour-json.md").read_text(encoding="utf-8")
    defs = tour_schema()["$defs"]
    levels = defs["panorama"]["properties"]["levels"]
    assert f"nest at most {MAX_DEPTH}" in yaml_doc and f"up to {MAX_ALIAS_VALUES:,}" in yaml_doc
    assert (f"`faceSize` and a level's `size` are at most {defs['faceSize']['maximum']} px, a\n`tileSize` is "
            f"{defs['tileSize']['minimum']}") in json_doc
    assert f"to {defs['tileSize']['maximum']} px, a panorama has at most {levels['maxItems']} levels" in json_doc
    assert f"deeper than {MAX_DEPTH} levels" in json_doc and f"after {MAX_MISSING:,} missing" in json_doc


COLLECTION_DOC = DOC.parent / "collection.md"


def _yaml_block(heading: str) -> str:
    """The first ```yaml block under ``heading`` in docs/collection.md."""
    text = COLLECTION_DOC.read_text(encoding="utf-8")
    start = text.index("```yaml", text.index(heading)) + len("```yaml")
    return text[start : text.index("```", start)]


def test_the_collection_reference_example_reads_without_a_problem(tmp_path):
    from vtour.collection.document import read_collection

    path = tmp_path / "collection.yaml"
    text = _yaml_block("## collection.yaml")
    for old, new in (("lod: {...}", "lod: {}"), ("zoom: {...}", "zoom: {}"), ("csv: {...}", ""),
                     ("{en: ..., zh: ...}", "{en: text, zh: 文字}")):
        text = text.replace(old, new)
    path.write_text(text, "utf-8")
    collection, problems = read_collection(path)
    assert problems == []
    assert [o.id for o in collection.objects] == ["ding-01"] and collection.object("ding-01").units == "cm"
    assert collection.object("ding-01").tags[0] == {"en": "ritual", "zh": "礼器"}


def test_the_exhibition_reference_example_reads_without_a_problem(tmp_path):
    from vtour.collection.exhibition import read_exhibition

    path = tmp_path / "exhibition.yaml"
    path.write_text(_yaml_block("## exhibition.yaml").replace("{en: ..., zh: ...}", "{en: text, zh: 文字}"), "utf-8")
    exhibition, problems = read_exhibition(path)
    assert problems == []
    assert [r.id for r in exhibition.rooms] == ["ritual", "hall"] and exhibition.rooms[1].panorama
