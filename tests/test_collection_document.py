"""collection.yaml is read into frozen dataclasses; every shape problem is located (file:line: field)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from PIL import Image

from vtour.collection.document import Collection, CollectionObject, read_collection
from vtour.errors import VtourError

TRIANGLE_PLY = b"""ply
format ascii 1.0
element vertex 3
property float x
property float y
property float z
element face 1
property list uchar int vertex_indices
end_header
0 0 0
1 0 0
0 1 0
3 0 1 2
"""

GOOD = """\
id: bronzes
title: {en: Bronzes, zh: 青铜器}
languages: [en, zh]
units: cm
museum: Shenzhen Museum
rights: http://creativecommons.org/licenses/by/4.0/
objects:
  - id: ding-01
    title: {en: Tripod cauldron, zh: 鼎}
    model: models/ding.ply
    images: [photos/ding-front.jpg]
    date: 1890-05-01
    period: {en: Western Zhou, zh: 西周}
    material: {en: bronze, zh: 青铜}
    tags: [{en: ritual, zh: 礼器}, vessel]
    metadata:
      Inventory: SZM-001
  - id: gui-02
    title: Food vessel
    units: mm
    museum: {en: Palace Museum}
    rights: http://rightsstatements.org/vocab/InC/1.0/
"""


def write_media(root: Path, models=("models/ding.ply",), photos=("photos/ding-front.jpg",)) -> None:
    """A one-triangle PLY and a small JPEG at each path under ``root``."""
    for rel in models:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(TRIANGLE_PLY)
    for rel in photos:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (32, 24), (120, 90, 60)).save(root / rel)


def write_collection(root: Path, text: str, name: str = "collection.yaml") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    path = root / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_text(problems) -> str:
    return "\n".join(map(str, problems))


def test_a_collection_reads_into_objects_with_the_defaults_applied(tmp_path):
    c, problems = read_collection(write_collection(tmp_path, GOOD))
    assert problems == []
    assert isinstance(c, Collection) and c.id == "bronzes" and c.languages == ("en", "zh") and c.language == "en"
    assert c.root == tmp_path and c.file == "collection.yaml" and c.units == "cm"
    ding, gui = c.objects
    assert ding == CollectionObject(
        id="ding-01",
        title={"en": "Tripod cauldron", "zh": "鼎"},
        model="models/ding.ply",
        units="cm",  # the collection's
        images=("photos/ding-front.jpg",),
        date={"en": "1890-05-01"},  # a date is the text written, in the default language
        period={"en": "Western Zhou", "zh": "西周"},
        material={"en": "bronze", "zh": "青铜"},
        museum={"en": "Shenzhen Museum"},  # the collection's default
        rights="http://creativecommons.org/licenses/by/4.0/",
        tags=({"en": "ritual", "zh": "礼器"}, {"en": "vessel"}),
        metadata={"Inventory": {"en": "SZM-001"}},  # the label as written
        where="objects[0]",
    )
    assert gui.title == {"en": "Food vessel"} and gui.units == "mm" and gui.museum == {"en": "Palace Museum"}
    assert gui.rights == "http://rightsstatements.org/vocab/InC/1.0/" and gui.model is None and gui.images == ()
    assert c.object("gui-02") is gui and c.object("nope") is None
    assert c.defaults == {"museum": {"en": "Shenzhen Museum"}, "rights": "http://creativecommons.org/licenses/by/4.0/"}
    assert c.at("objects[1].title") == "collection.yaml:19: objects[1].title"
    assert c.at("objects[0].metadata.Inventory") == "collection.yaml:17: objects[0].metadata.Inventory"


def test_shape_problems_are_located_with_a_fix(tmp_path):
    path = write_collection(
        tmp_path,
        """\
        id: bronzes
        title: {en: Bronzes}
        units: furlong
        objects:
          - id: ding-01
            titel: {en: Tripod cauldron}
            units: cubit
            tags: ritual
            images: [photos/a.jpg, 3]
          - title: {en: No id}
          - just a string
          - id: x
            title: [not, a, text]
        """,
    )
    c, problems = read_collection(path)
    text = problems_text(problems)
    expected = [
        "collection.yaml:3: units: units 'furlong' unknown; use one of m, cm, mm, unknown",
        "collection.yaml:6: objects[0].titel: unknown field 'titel'; did you mean 'title'?",
        "collection.yaml:5: objects[0].title: object has no title; add title: {en: ...}",
        "collection.yaml:7: objects[0].units: units 'cubit' unknown",
        "collection.yaml:9: objects[0].images[1]: expected a file, got 3",
        "collection.yaml:10: objects[1].id: object has no id",
        "collection.yaml:11: objects[2]: an object is a mapping, got a string",
        "collection.yaml:13: objects[3].title: a text is a string or a mapping language -> string",
    ]
    for line in expected:
        assert line in text, f"{line!r} not in:\n{text}"
    assert len(problems) == len(expected), text
    assert all(p.fix for p in problems)
    ding = c.objects[0]
    assert ding.title == {"en": "ding-01"} and ding.units is None and ding.tags == ({"en": "ritual"},)
    assert ding.images == ("photos/a.jpg",)
    assert [o.id for o in c.objects] == ["ding-01", "object1", "x"]


def test_a_file_that_is_not_a_mapping_or_lacks_id_and_title_is_a_problem(tmp_path):
    _, problems = read_collection(write_collection(tmp_path, "- just\n- a list\n"))
    assert [p.location for p in problems] == ["collection.yaml", "collection.yaml: id", "collection.yaml: title"]
    assert problems[0].message == "the file is not a mapping of collection fields"


def test_a_file_that_is_not_yaml_is_a_collection_error(tmp_path):
    with pytest.raises(VtourError) as exc:
        read_collection(write_collection(tmp_path, "id: [unclosed\n"))
    assert exc.value.step == "collection" and "not valid YAML at line 2" in exc.value.message
