"""vtour.collection.built: a built collection checks out whole, and a damaged copy (a view deleted,
an object.json broken, an object missing from collection.json) is named file by file, also by
``vtour validate OUT``."""

from __future__ import annotations

import json
import shutil

import pytest
from test_collection_build import shrink
from tour_helpers import cli

from vtour.collection.build import build_collection
from vtour.collection.built import named_files, validate_built_collection
from vtour.collection.synthetic import write_synthetic_collection


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A real three-object build (scans and photos)."""
    root = tmp_path_factory.mktemp("built")
    path = write_synthetic_collection(root / "src", 3, seed=3)
    shrink(path)
    return build_collection(path, root / "out", jobs=1).out_dir


@pytest.fixture
def damaged(built, tmp_path):
    copy = tmp_path / "out"
    shutil.copytree(built, copy)
    return copy


def object_ids(out):
    return sorted(p.name for p in (out / "objects").iterdir())


def test_a_fresh_build_has_no_problems_and_every_named_file_is_checked(built, capsys):
    assert validate_built_collection(built) == []
    assert cli("validate", str(built)) == 0 and capsys.readouterr().out.strip() == f"{built}: ok"
    doc = json.loads((built / "objects" / object_ids(built)[0] / "object.json").read_text("utf-8"))
    fields = [f for f, _ in named_files(doc)]
    assert "views.files.front" in fields and "views.turntable.path" in fields and "views.thumb" in fields
    assert "model.report" in fields and "model.lods[0].path" in fields and "manifest" in fields
    assert "images[0].path" in fields or not doc["images"]


def test_a_deleted_view_and_a_broken_object_json_are_named(damaged, capsys):
    first, second, third = object_ids(damaged)
    (damaged / "objects" / first / "views" / "left.jpg").unlink()
    (damaged / "objects" / second / "object.json").write_text('{"vtour": "object/1", "id": ')
    doc = json.loads((damaged / "objects" / third / "object.json").read_text("utf-8"))
    doc["vtour"] = "object/9"
    (damaged / "objects" / third / "object.json").write_text(json.dumps(doc))
    problems = [str(p) for p in validate_built_collection(damaged)]
    assert len(problems) == 3, problems
    assert problems[0].startswith(f"objects/{first}/object.json: views.files.left: ") and "missing" in problems[0]
    assert problems[1].startswith(f"objects/{second}/object.json: not a readable JSON document")
    assert problems[2].startswith(f"objects/{third}/object.json: vtour: not an object/1 document")
    assert cli("validate", str(damaged)) == 1
    printed = capsys.readouterr()
    assert "views.files.left" in printed.out and "3 problem(s)" in printed.err


def test_an_object_collection_json_does_not_list_and_a_missing_catalogue_are_named(damaged):
    first = object_ids(damaged)[0]
    collection = json.loads((damaged / "collection.json").read_text("utf-8"))
    collection["items"] = [i for i in collection["items"] if f"/objects/{first}/" not in i["id"]]
    (damaged / "collection.json").write_text(json.dumps(collection))
    (damaged / "catalogue" / "meta.json").unlink()
    problems = {p.location: p.message for p in validate_built_collection(damaged)}
    assert problems == {
        "catalogue/meta.json": "missing: the catalogue cannot load",
        "collection.json: items": f"does not list the object {first} (objects/{first}/)",
    }


def test_a_path_that_leaves_the_object_folder_is_a_problem(damaged):
    oid = object_ids(damaged)[0]
    path = damaged / "objects" / oid / "object.json"
    doc = json.loads(path.read_text("utf-8"))
    doc["views"]["thumb"] = "../../index.html"
    path.write_text(json.dumps(doc))
    (problem,) = validate_built_collection(damaged)
    assert problem.location == f"objects/{oid}/object.json: views.thumb" and "leaves" in problem.message
