"""vtour.collection.synthetic: a synthetic collection reads back clean, is deterministic, gives every
object its own scan, speaks English and Chinese, and exercises the CSV path."""

from __future__ import annotations

import csv
import hashlib
import re
import time
from pathlib import Path

import numpy as np
import pytest
import yaml
from data_paths import SHARED_DATA, require

from vtour.collection.document import read_collection
from vtour.collection.synthetic import KINDS, PHOTO_SIZE, synthetic_objects, write_synthetic_collection
from vtour.collection.validate import validate_collection
from vtour.images import probe_image
from vtour.model.io import read_mesh

MESHES = SHARED_DATA / "meshes"
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    require(MESHES / "stanford-bunny.obj", "the shared test meshes")
    folder = tmp_path_factory.mktemp("synthetic") / "c"
    write_synthetic_collection(folder, 5, seed=3, meshes=MESHES)
    return folder


def digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_five_objects_read_back_with_no_problems_and_their_files_exist(written):
    collection, problems = read_collection(written / "collection.yaml")
    assert problems == [] and validate_collection(collection) == []
    assert collection.languages == ("en", "zh") and len(collection.objects) == 5
    for obj in collection.objects:
        assert (written / obj.model).is_file()
        assert obj.museum and obj.credit and obj.rights.startswith("http")  # defaults resolved
        assert len(obj.images) == 1
        assert probe_image(written / obj.images[0]).width == PHOTO_SIZE[0]
        assert probe_image(written / obj.images[0]).height == PHOTO_SIZE[1]
        assert obj.id.split("-")[0] in KINDS


def test_each_object_has_its_own_scan_whose_box_matches_its_dimensions(written):
    collection, _ = read_collection(written / "collection.yaml")
    models = [obj.model for obj in collection.objects]
    assert len(set(models)) == 5
    assert len({hashlib.sha256((written / m).read_bytes()).hexdigest() for m in models}) == 5
    for obj in collection.objects:
        mesh = read_mesh(written / obj.model)
        extent = np.ptp(mesh.bounds, axis=0) * (1.0 if obj.units == "cm" else 100.0)  # cm
        h, w, d = (float(v) for v in re.findall(r"[\d.]+", obj.dimensions["en"]))
        assert [w, h, d] == pytest.approx(extent, abs=0.06)
        assert mesh.textured or mesh.colors is not None
    assert {Path(m).suffix for m in models} == {".obj", ".ply"}  # textured and coloured scans


def test_english_and_chinese_texts_are_present_in_every_text_field(written):
    collection, _ = read_collection(written / "collection.yaml")
    for obj in collection.objects:
        for texts in (obj.title, obj.date, obj.period, obj.material, obj.dimensions, obj.description, *obj.tags):
            assert set(texts) == {"en", "zh"}
            assert HAN.search(texts["zh"]) and not HAN.search(texts["en"])


def test_the_same_seed_writes_the_same_bytes_and_a_smaller_collection_is_a_prefix(written, tmp_path):
    again = write_synthetic_collection(tmp_path / "a", 2, seed=3, meshes=MESHES).parent
    first, second = digest(written), digest(again)
    media = {rel for rel in second if rel != "collection.yaml"}
    assert {"models/ding-0001.ply", "photos/buddha-0002-1.jpg"} <= media and {rel: second[rel] for rel in media} == {
        rel: first[rel] for rel in media
    }
    objects = yaml.safe_load((written / "collection.yaml").read_text("utf-8"))["objects"]
    assert yaml.safe_load((again / "collection.yaml").read_text("utf-8"))["objects"] == objects[:2]
    other = write_synthetic_collection(tmp_path / "b", 1, seed=4)
    assert yaml.safe_load(other.read_text("utf-8"))["objects"][0] != objects[0]


def test_csv_mode_writes_half_the_objects_as_csv_rows_that_read_back(tmp_path):
    path = write_synthetic_collection(tmp_path, 4, seed=1, csv=True, images_per_object=2, collection_id="partner")
    data = yaml.safe_load(path.read_text("utf-8"))
    assert len(data["objects"]) == 2 and data["csv"]["file"] == "objects.csv"
    with open(tmp_path / "objects.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2 and set(rows[0]) == set(data["csv"]["columns"].values())
    collection, problems = read_collection(path)
    assert problems == [] and validate_collection(collection) == []
    assert collection.id == "partner" and len(collection.objects) == 4
    from_csv = collection.objects[2:]
    assert all("objects.csv" in obj.where for obj in from_csv)
    assert [obj.id for obj in from_csv] == [row["Object number"] for row in rows]
    for obj in from_csv:
        assert HAN.search(obj.title["zh"]) and obj.title["en"]
        assert len(obj.images) == 2 and all((tmp_path / image).is_file() for image in obj.images)
        assert (tmp_path / obj.model).is_file()


def test_synthetic_objects_agree_with_the_written_texts_and_make_100k_quickly(written):
    collection, _ = read_collection(written / "collection.yaml")
    t0 = time.process_time()
    objects = synthetic_objects(20_000, seed=3)
    seconds = time.process_time() - t0
    assert seconds < 8.0, f"{seconds:.1f} s of CPU for 20,000 objects"
    assert len({obj.id for obj in objects}) == 20_000
    for made, read in zip(objects[:5], collection.objects, strict=True):
        assert made.model is None and made.images == ()
        # same draws: the texts agree but for the measured dimensions (and the kinds without the meshes)
        assert made.period == read.period and made.museum == read.museum and made.rights == read.rights
    assert synthetic_objects(3, seed=3) == objects[:3]  # object k depends on (seed, k) only
