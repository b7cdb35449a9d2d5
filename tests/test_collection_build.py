"""vtour build collection.yaml: 50 objects with scans and photos, object pages, the catalogue,
incremental rebuilds after a text edit, the Dask path byte-identical, bad input refused whole."""

from __future__ import annotations

import json
import os
import shutil
import warnings

import pytest
import yaml
from data_paths import SHARED_DATA, require, require_module
from PIL import Image
from tour_helpers import cli, tree_bytes

from vtour.collection.build import BUNDLES, build_collection, load_valid_collection, prepare_objects
from vtour.collection.synthetic import write_synthetic_collection
from vtour.collection.views import VIEW_NAMES
from vtour.errors import VtourError
from vtour.output import MANIFEST
from vtour.tour.stages import FileHasher

#: Small sizes so that 50 objects build in about a minute on two cores.
SMALL = {
    "views": {"size": 192, "turntable": 8, "turntable_size": 96},
    "lod": {"levels": ["400:128", "1500:256"], "deviation_samples": 2000},
    "zoom": {"tile_size": 256},
}


def shrink(path, **extra):
    """collection.yaml with SMALL's sizes (and ``extra``) set."""
    data = yaml.safe_load(path.read_text("utf-8"))
    data.update(SMALL | extra)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return data


@pytest.fixture(scope="module")
def fifty(tmp_path_factory):
    """A 50-object synthetic collection from the sample statue and ../shared/data's meshes, built once."""
    root = tmp_path_factory.mktemp("fifty")
    meshes = require(SHARED_DATA / "meshes", "the shared meshes")
    path = write_synthetic_collection(root / "src", 50, seed=7, meshes=meshes)
    shrink(path)
    result = build_collection(path, root / "out", jobs=2)
    return path, result


def test_fifty_objects_each_get_a_page_six_views_and_a_manifest(fifty):
    path, result = fifty
    out = result.out_dir
    data = yaml.safe_load(path.read_text("utf-8"))
    ids = [o["id"] for o in data["objects"]]
    assert result.objects == 50 and len(set(result.pages)) == 50
    for oid in ids:
        folder = out / "objects" / oid
        doc = json.loads((folder / "object.json").read_text("utf-8"))
        assert doc["id"] == oid and doc["title"]["en"] and doc["title"]["zh"]
        assert (folder / "index.html").is_file()
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
        assert manifest["type"] == "Manifest" and manifest["id"].endswith(f"/objects/{oid}/manifest.json")
        if doc["model"]:
            for name in VIEW_NAMES:
                with Image.open(folder / "views" / f"{name}.jpg") as im:
                    assert im.size == (192, 192)
            assert (folder / doc["model"]["lods"][-1]["path"]).is_file()
            with Image.open(folder / "turntable.jpg") as im:
                assert im.size == (96 * 8, 96)
        for image in doc["images"]:
            info = json.loads((folder / image["path"] / "info.json").read_text("utf-8"))
            assert info["id"].endswith(f"/objects/{oid}/{image['path']}")  # the published id, not the cache's
    assert (out / "index.html").is_file() and (out / "collection.json").is_file()
    assert sorted(p.name for p in (out / "viewer").iterdir()) == sorted(BUNDLES)
    collection = json.loads((out / "collection.json").read_text("utf-8"))
    assert len(collection["items"]) == 50


def test_every_scan_is_built_once_and_a_second_build_takes_all_from_the_cache(fifty, tmp_path):
    path, first = fifty
    kinds = {}
    for s in first.stages:
        kinds.setdefault(s.kind, set()).add(s.id)
    assert len(kinds["model"]) == len(kinds["views"]) >= 40
    again = build_collection(path, first.out_dir, jobs=1)
    assert again.built == [] and again.pages == () and again.written == ()


@pytest.fixture
def five(tmp_path):
    path = write_synthetic_collection(tmp_path / "src", 5, seed=3)
    shrink(path)
    return path


def test_a_text_edit_rebuilds_one_page_and_the_shards_that_hold_it(five, tmp_path):
    out = tmp_path / "out"
    build_collection(five, out, jobs=1)
    data = yaml.safe_load(five.read_text("utf-8"))
    edited = data["objects"][2]["id"]
    other = data["objects"][0]["id"]
    inode = (out / "objects" / other / "index.html").stat().st_ino
    data["objects"][2]["title"]["en"] = "Zebra-striped tripod"
    five.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    again = build_collection(five, out, jobs=1)
    assert again.built == []  # no scan, view or tile is made again
    assert again.pages == (edited,)
    page_files = {f"objects/{edited}/{n}" for n in ("object.json", "index.html", "manifest.json")}
    assert page_files <= set(again.written)
    others = set(again.written) - page_files - {"collection.json"}
    assert others and all(p.startswith("catalogue/") for p in others), others
    assert (out / "objects" / other / "index.html").stat().st_ino == inode  # the same file, not rewritten
    doc = json.loads((out / "objects" / edited / "object.json").read_text("utf-8"))
    assert doc["title"]["en"] == "Zebra-striped tripod"


def test_a_dask_local_cluster_build_is_byte_identical(five, tmp_path):
    distributed = require_module("distributed", "the Dask build")
    local = build_collection(five, tmp_path / "local", jobs=1)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        dask = build_collection(
            five, tmp_path / "dask", scheduler=cluster.scheduler_address, cache_dir=tmp_path / "dask-cache"
        )  # its own cache: every stage runs there
    assert sorted(dask.built) == sorted(local.built)
    a, b = tree_bytes(local.out_dir), tree_bytes(dask.out_dir)
    assert sorted(a) == sorted(b)
    differ = [k for k in a if a[k] != b[k]]
    assert differ == []


def test_missing_media_and_duplicate_ids_are_refused_before_any_work(five, tmp_path):
    data = yaml.safe_load(five.read_text("utf-8"))
    data["objects"][1]["id"] = data["objects"][0]["id"]
    data["objects"][3]["images"] = ["photos/nowhere.jpg"]
    five.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    with pytest.raises(VtourError) as info:
        build_collection(five, tmp_path / "out")
    text = str(info.value)
    assert "2 problem(s)" in text or "problem(s)" in text
    assert "nowhere.jpg" in text and data["objects"][0]["id"] in text
    assert not (tmp_path / "out").exists()
    assert cli("validate", str(five)) == 1


def test_a_failing_object_leaves_the_previous_build_untouched(five, tmp_path):
    out = tmp_path / "out"
    build_collection(five, out, jobs=1)
    before = tree_bytes(out)
    data = yaml.safe_load(five.read_text("utf-8"))
    scan = five.parent / data["objects"][1]["model"]
    scan.write_bytes(scan.read_bytes()[:200])  # a truncated scan: its stage fails
    with pytest.raises(VtourError, match=data["objects"][1]["id"]):
        build_collection(five, out, jobs=1)
    assert tree_bytes(out) == before
    assert not [p for p in out.parent.iterdir() if ".tmp-" in p.name]


def test_the_command_builds_and_validates_a_collection(five, tmp_path, capsys):
    assert cli("validate", str(five)) == 0
    assert cli("build", str(five), "-o", str(tmp_path / "out"), "--jobs", "1") == 0
    printed = capsys.readouterr().out
    assert "5 objects" in printed and "5 page(s)" in printed
    assert (tmp_path / "out" / "index.html").is_file()


def test_sources_are_never_modified(five, tmp_path):
    before = {p: p.read_bytes() for p in five.parent.rglob("*") if p.is_file() and ".vtour-cache" not in p.parts}
    build_collection(five, tmp_path / "out", jobs=1)
    after = {p: p.read_bytes() for p in five.parent.rglob("*") if p.is_file() and ".vtour-cache" not in p.parts}
    assert after == before
    assert os.listdir(tmp_path / "out")


def test_a_csv_export_builds_like_the_yaml(tmp_path):
    path = write_synthetic_collection(tmp_path / "src", 4, seed=5, csv=True)
    shrink(path)
    data = yaml.safe_load(path.read_text("utf-8"))
    assert data.get("csv")
    result = build_collection(path, tmp_path / "out", jobs=1)
    assert result.objects == 4
    shutil.rmtree(tmp_path / "out")


def published(out):
    """Every file of a built collection (POSIX paths relative to it), its manifest aside."""
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != MANIFEST)


def test_a_build_into_a_new_folder_reports_every_file_as_written(five, tmp_path):
    first = build_collection(five, tmp_path / "a", jobs=1)
    assert list(first.written) == published(first.out_dir)
    again = build_collection(five, tmp_path / "b", jobs=1)  # every part from the cache, into an empty folder
    assert again.built == [] and again.pages == ()
    assert list(again.written) == published(again.out_dir) == published(first.out_dir)


@pytest.mark.parametrize("force", [False, True])
def test_an_edit_in_a_published_file_never_reaches_a_later_build(five, tmp_path, force):
    a = tmp_path / "a"
    build_collection(five, a, jobs=1)
    oid = yaml.safe_load(five.read_text("utf-8"))["objects"][0]["id"]
    edited = [f"objects/{oid}/index.html", "catalogue/meta.json", "collection.json"]  # a page, two files
    before = tree_bytes(a)
    for rel in edited:  # in place: each is a hard link into the cache
        with open(a / rel, "ab") as f:
            f.write(b"<!-- tampered -->")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        b = build_collection(five, tmp_path / "b", jobs=1, force=force)
    assert tree_bytes(b.out_dir) == before
    stale = [w for w in caught if "no longer matches its record" in str(w.message)]
    assert len(stale) == (0 if force else len(edited)), [str(w.message) for w in caught]
    assert (b.pages == (oid,)) if not force else len(b.pages) == 5
    again = build_collection(five, tmp_path / "b", jobs=1)  # the cache is whole again: nothing to redo
    assert again.pages == () and again.written == ()


def test_a_file_hasher_can_keep_the_hashes_it_did_not_use(tmp_path):
    store, a, b = tmp_path / "hashes.json", tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("a")
    b.write_text("b")
    first = FileHasher(store)
    first(a), first(b)
    first.save()
    b.write_text("bb")
    partial = FileHasher(store)
    partial(b)
    partial.save(keep_known=True)
    kept = json.loads(store.read_text())
    assert set(kept) == {str(a.absolute()), str(b.absolute())} and kept[str(b.absolute())][0] == 2  # used wins
    pruning = FileHasher(store)
    pruning(a)
    pruning.save()
    assert set(json.loads(store.read_text())) == {str(a.absolute())}


def test_preparing_an_exhibitions_objects_keeps_the_collections_other_hashes(five, tmp_path):
    build_collection(five, tmp_path / "out", jobs=1)
    c = load_valid_collection(five)
    hashes = five.parent / ".vtour-cache" / c.id / "hashes.json"
    known = json.loads(hashes.read_text())
    assert len(known) > 2
    prepare_objects(c, [c.objects[1].id], jobs=1)
    assert json.loads(hashes.read_text()) == known
