"""vtour validate on a collection: every problem at once, each with file, line, field, value and a fix."""

from __future__ import annotations

import os

import pytest
from data_paths import SHARED_DATA, copy_data
from test_collection_document import GOOD, TRIANGLE_PLY, problems_text, write_collection, write_media

from vtour.collection.document import read_collection
from vtour.collection.validate import document_kind, validate_collection, validate_document

BAD = """\
id: bronzes
title: {en: Bronzes, fr: Bronzes}
languages: [en, zh]
rights: not a url
base_url: https://museum.example/a b
views: {size: 0, turntable: 300, turntable_size: 9000}
lod: {levl: 2}
objects:
  - id: ding-01
    title: {en: Tripod cauldron, de: Dreifuß}
    model: models/missing.ply
    images: [photos/missing.jpg, ../outside.jpg, /etc/hosts, photos/link.jpg]
  - id: ding-01
    title: Copy
    model: models/statue.fbx
    rights: ftp://example.org/licence
    tags: [{en: ritual, fr: rituel}]
    metadata: {Inventory: {ja: 一}}
  - id: .hidden
    title: Hidden
    model: models/notes.txt
"""


def test_every_collection_problem_is_reported_at_once(tmp_path):
    root = tmp_path / "bronzes"
    path = write_collection(root, BAD)
    write_media(root, models=(), photos=("photos/real.jpg",))
    (tmp_path / "outside.jpg").write_bytes(b"secret")
    os.symlink(tmp_path / "outside.jpg", root / "photos" / "link.jpg")
    (root / "models").mkdir()
    (root / "models" / "notes.txt").write_text("not a mesh")
    c, problems = read_collection(path)
    assert problems_text(problems) == "collection.yaml:7: lod.levl: unknown field 'levl'; did you mean 'levels'?"
    found = validate_collection(c)
    text = problems_text(found)
    expected = [
        "collection.yaml:2: title.fr: language 'fr' is not declared in languages ['en', 'zh']",
        "collection.yaml:4: rights: rights 'not a url' is not an absolute http(s) URL",
        "collection.yaml:5: base_url: base_url 'https://museum.example/a b' holds ' '",
        "collection.yaml:6: views.size: size 0: a view's side must be a whole number of px from 16 to 8192",
        "collection.yaml:6: views.turntable_size: turntable_size 9000: a view's side must be a whole number of px",
        "collection.yaml:10: objects[0].title.de: language 'de' is not declared",
        "collection.yaml:11: objects[0].model: model 'models/missing.ply' not found; put the file at",
        "collection.yaml:12: objects[0].images[0]: image 'photos/missing.jpg' not found",
        "collection.yaml:12: objects[0].images[1]: image path '../outside.jpg' leaves the collection folder; "
        "move the file into the collection's folder (a copy, not a link) and give its path relative to "
        "collection.yaml",
        "collection.yaml:12: objects[0].images[2]: image path '/etc/hosts' is absolute",
        f"collection.yaml:12: objects[0].images[3]: image path 'photos/link.jpg' is a link to {tmp_path}/outside.jpg, "
        "outside the collection folder",
        "collection.yaml:13: objects[1].id: duplicate object id 'ding-01' (also at collection.yaml:9: objects[0].id)",
        "collection.yaml:15: objects[1].model: model 'models/statue.fbx': FBX",
        "collection.yaml:15: objects[1].model: model 'models/statue.fbx' not found",
        "collection.yaml:16: objects[1].rights: rights 'ftp://example.org/licence' is not an absolute http(s) URL",
        "collection.yaml:17: objects[1].tags[0].fr: language 'fr' is not declared",
        "collection.yaml:18: objects[1].metadata.Inventory.ja: language 'ja' is not declared",
        "collection.yaml:19: objects[2].id: object id '.hidden' is not a safe name",
        "collection.yaml:21: objects[2].model: model 'models/notes.txt' is not a mesh format the build reads (.txt)",
    ]
    for line in expected:
        assert line in text, f"{line!r} not in:\n{text}"
    assert len(found) == len(expected), text
    assert all(p.fix for p in found), [str(p) for p in found if not p.fix]
    assert "tour" not in text  # the tour's file checks, in the collection's words


def test_a_good_collection_has_no_problems_and_its_photos_may_be_any_image_the_build_reads(tmp_path):
    path = write_collection(tmp_path, GOOD.replace("photos/ding-front.jpg", "photos/ding-front.tif"))
    write_media(tmp_path, photos=("photos/ding-front.tif",))
    c, problems = read_collection(path)
    assert problems == [] and validate_collection(c) == []
    assert validate_document(path) == []


def test_a_bad_image_and_a_bad_lod_option_are_problems(tmp_path):
    text = GOOD.replace("units: cm\n", "units: cm\nlod: {texture_quality: 500}\nviews: {size: 512, turntable: 36}\n")
    path = write_collection(tmp_path, text)
    write_media(tmp_path, photos=())
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "ding-front.jpg").write_bytes(b"not an image")
    c, problems = read_collection(path)
    assert problems == []
    found = [str(p) for p in validate_collection(c)]
    assert len(found) == 2, found
    assert found[0] == "collection.yaml:5: lod: texture_quality must be 1..100 (got 500); see docs/collection.md, lod"
    assert found[1].startswith(
        "collection.yaml:13: objects[0].images[0]: image 'photos/ding-front.jpg' is not an image"
    )


def test_document_kind_tells_collections_exhibitions_and_tours_apart(tmp_path):
    kinds = {
        "c.yaml": "id: c\nobjects: []\n",
        "csv.yaml": "id: c\ncsv: {file: x.csv}\n",
        "e.yaml": "id: e\nrooms: []\n",
        "t.yaml": "id: t\ntitle: T\nscenes: []\n",
        "list.yaml": "- a\n",
        "broken.yaml": "id: [\n",
    }
    for name, text in kinds.items():
        (tmp_path / name).write_text(text)
    assert {name: document_kind(tmp_path / name) for name in kinds} == {
        "c.yaml": "collection",
        "csv.yaml": "collection",
        "e.yaml": "exhibition",
        "t.yaml": "tour",
        "list.yaml": "tour",
        "broken.yaml": "tour",
    }
    assert document_kind(tmp_path) == "tour" and document_kind(tmp_path / "absent.yaml") == "tour"
    assert [str(p) for p in validate_document(tmp_path / "t.yaml")] == [  # the tour's validation
        "t.yaml:3: scenes: the tour has no scenes; add at least one scene with a panorama"
    ]


@pytest.mark.shared_data
def test_a_collection_of_real_scans_validates_clean_and_an_fbx_is_refused(tmp_path):
    copy_data(
        ["meshes/fuze", "meshes/LeePerrySmith/LeePerrySmith.glb", "meshes/Avocado", "meshes/DanishStatues/Maria.fbx"],
        tmp_path,
    )
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "tri.ply").write_bytes(TRIANGLE_PLY)
    path = write_collection(
        tmp_path,
        """\
        id: real
        title: {en: Real scans, zh: 真实扫描}
        languages: [en, zh]
        units: m
        objects:
          - {id: fuze, title: Fuze bottle, model: meshes/fuze/fuze.obj, units: cm, images: [meshes/fuze/fuze_uv.jpg]}
          - {id: head, title: {en: Head, zh: 头像}, model: meshes/LeePerrySmith/LeePerrySmith.glb}
          - id: avocado
            title: Avocado
            model: meshes/Avocado/Avocado.gltf
            images: [meshes/Avocado/Avocado_baseColor.png]
          - {id: tri, title: Triangle, model: models/tri.ply}
          - {id: maria, title: Maria, model: meshes/DanishStatues/Maria.fbx}
        """,
    )
    assert (SHARED_DATA / "meshes" / "fuze" / "fuze.obj").is_file()
    problems = validate_document(path)
    assert [p.location for p in problems] == ["collection.yaml:13: objects[4].model"]
    assert "FBX" in problems[0].message and "glTF" in problems[0].fix
    c, _ = read_collection(path)
    assert [o.units for o in c.objects] == ["cm", "m", "m", "m", "m"]


@pytest.mark.parametrize(
    ("views", "expected"),
    [
        ("{size: .nan}", "views.size: size nan is not a number; write a whole number, e.g. size: "),
        ("{turntable: .inf}", "views.turntable: turntable inf is not a number"),
        ("{size: 8}", "views.size: size 8: a view's side must be a whole number of px from 16 to 8192"),
        ("{size: 128.0}", "views.size: size 128.0: a view's side must be a whole number of px from 16 to 8192"),
        ("{turntable_size: 4096}", "views.turntable: turntable 24: the turntable strip would be 24 x 4096"),
        ("{turntable: 721, turntable_size: 9000}", "views.turntable_size: turntable_size 9000: a view's side"),
    ],
)
def test_views_are_checked_by_the_views_stages_own_rule_nan_and_inf_first(tmp_path, views, expected):
    path = write_collection(tmp_path, GOOD.replace("units: cm\n", f"units: cm\nviews: {views}\n"))
    write_media(tmp_path)
    found = [str(p) for p in validate_document(path)]
    assert found[0].startswith(f"collection.yaml:5: {expected}"), found
    assert not any("bug" in p for p in found)
    if "721" in views:  # frames checked alone when the size is bad: 721 is over the most, 720
        assert len(found) == 2 and "turntable 721: turntable frames must be a whole number from 1 to 720" in found[1]
    else:
        assert len(found) == 1, found


def test_good_views_have_no_problem(tmp_path):
    text = GOOD.replace("units: cm\n", "units: cm\nviews: {size: 512, turntable: 36, turntable_size: 256}\n")
    path = write_collection(tmp_path, text)
    write_media(tmp_path)
    assert validate_document(path) == []


def test_languages_must_be_language_tags(tmp_path):
    write_media(tmp_path)
    path = write_collection(tmp_path, GOOD.replace("languages: [en, zh]", 'languages: [en, zh_CN, "Chinese <b>"]'))
    c, read = read_collection(path)
    text = problems_text(validate_collection(c))
    assert "languages[1]: 'zh_CN' is not a language tag" in text
    assert "languages[2]: 'Chinese <b>' is not a language tag" in text and "zh-Hans" in text
