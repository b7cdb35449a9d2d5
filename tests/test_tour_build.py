"""vtour build: several scenes and models from real data, incremental rebuilds, atomic output, Dask."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from data_paths import copy_data, require_module
from tour_helpers import age, cli, read_only, small_tour, tree_bytes

from vtour.errors import VtourError, VtourWarning
from vtour.tour import build_tour, validate_path
from vtour.tour.build import run_stages
from vtour.tour.stages import Stage

pytestmark = pytest.mark.shared_data
JORDAN = "cubemap/pannellum_jordan_pond/examplepanocube{}.jpg"
CASTLE = "cubemap/SwedishRoyalCastle/{}.jpg"


def real_tour(root, data) -> dict:
    """Four scenes (equirect JPEG and PNG, six named faces, six GL-named faces) and two models."""
    copy_data(["equirect/examplepano.jpg", "equirect/fireplace.png", "meshes/fuze", "meshes/Avocado",
               *(JORDAN.format(i) for i in range(6)), *(CASTLE.format(n) for n in ("px", "nx", "py", "ny", "pz", "nz"))],
              root / "data", data)
    return {"id": "real", "title": {"en": "Real data", "sv": "Riktiga data"}, "languages": ["en", "sv"],
            "pano": {"face_size": 256}, "lod": {"levels": ["300:128", "600:256"], "deviation_samples": 5000},
            "scenes": [
                {"id": "pond", "title": {"en": "Pond", "sv": "Damm"}, "panorama": "data/equirect/examplepano.jpg",
                 "view": {"yaw": 20, "pitch": -5, "fov": 70},
                 "hotspots": [{"type": "link", "yaw": 100, "pitch": 0, "target": "castle"},
                              {"type": "model", "yaw": -40, "pitch": -10, "target": "fuze"}]},
                {"id": "pond-cube", "title": {"en": "Pond (faces)", "sv": "Damm (sidor)"},
                 "panorama": {c: "data/" + JORDAN.format(i) for i, c in enumerate("frblud")}},
                {"id": "castle", "title": {"en": "Castle", "sv": "Slott"},
                 "panorama": ["data/" + CASTLE.format(n) for n in ("px", "nx", "py", "ny", "pz", "nz")],
                 "hotspots": [{"type": "model", "yaw": 0, "pitch": 0, "target": "avocado"}]},
                {"id": "fireplace", "title": {"en": "Fireplace", "sv": "Eldstad"},
                 "panorama": "data/equirect/fireplace.png", "north_offset": -90}],
            "models": [
                {"id": "fuze", "title": {"en": "Fuze", "sv": "Tändrör"}, "source": "data/meshes/fuze/fuze.obj",
                 "units": "m", "metadata": {"provenance": "three.js examples", "licence": "see SOURCES.md"}},
                {"id": "avocado", "title": {"en": "Avocado", "sv": "Avokado"},
                 "source": "data/meshes/Avocado/Avocado.gltf",
                 "metadata": {"credit": "Khronos glTF sample models", "dimensions": "6 x 4 x 4 cm"}}]}


def write(path, data):
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def first(tmp_path_factory, shared_data):
    root = tmp_path_factory.mktemp("real")
    data = real_tour(root, shared_data)
    path = write(root / "tour.yaml", data)
    result = build_tour(path, root / "export" / "real", jobs=2)
    return root, data, result


def test_a_multi_scene_tour_builds_from_real_data(first):
    _, _, result = first
    out = result.out_dir
    assert sorted(result.built) == ["model:avocado", "model:fuze", "scene:castle", "scene:fireplace",
                                    "scene:pond", "scene:pond-cube"]
    assert validate_path(out) == []
    doc = json.loads((out / "tour.json").read_text())
    assert [s["id"] for s in doc["scenes"]] == ["pond", "pond-cube", "castle", "fireplace"]
    fuze = doc["models"][0]
    assert [lod["path"] for lod in fuze["lods"]] == ["models/fuze/lod0.glb", "models/fuze/lod1.glb"]
    assert fuze["lods"][0]["deviation"]["hausdorff"] >= fuze["lods"][1]["deviation"]["hausdorff"]
    assert doc["models"][1]["units"] == "m"  # glTF is metres
    assert (out / "marzipano" / "data.js").read_text().startswith("var APP_DATA = {")
    assert json.loads((out / "pannellum.json").read_text())["default"]["firstScene"] == "pond"
    assert not any(p.name.startswith(".") for p in out.parent.iterdir() if p.name != ".vtour-cache")


def test_editing_one_scene_rebuilds_only_that_scene(first):
    root, data, result = first
    out = result.out_dir
    before = tree_bytes(out)
    data["scenes"][0]["view"]["yaw"] = 33            # a view edit redoes no stage
    again = build_tour(write(root / "tour.yaml", data), out, jobs=2)
    assert again.built == [] and len(again.cached) == 6
    assert json.loads((out / "tour.json").read_text())["scenes"][0]["view"]["yaw"] == 33
    data["scenes"][3]["pano"] = {"quality": 60}      # the fireplace's tiles change
    again = build_tour(write(root / "tour.yaml", data), out, jobs=2)
    assert again.built == ["scene:fireplace"]
    after = tree_bytes(out)
    for rel, blob in before.items():
        if rel.startswith(("scenes/pond", "scenes/castle", "models/")):
            assert after[rel] == blob, rel
    assert after["scenes/fireplace/1/f/0/0.jpg"] != before["scenes/fireplace/1/f/0/0.jpg"]


def test_a_failing_stage_leaves_the_previous_tour_intact(first, tmp_path):
    root, data, result = first
    out = result.out_dir
    before = tree_bytes(out)
    broken = root / "broken.jpg"
    broken.write_bytes((root / "data" / "equirect" / "examplepano.jpg").read_bytes()[:5000])  # truncated
    bad = json.loads(json.dumps(data))
    bad["scenes"][1] = {"id": "pond-cube", "panorama": "broken.jpg", "title": {"en": "x", "sv": "x"}}
    with pytest.raises(VtourError, match="scene pond-cube"):
        build_tour(write(root / "bad.yaml", bad), out, jobs=1)
    assert tree_bytes(out) == before
    assert not [p for p in out.parent.iterdir() if ".tmp-" in p.name]


def test_a_dask_local_cluster_build_is_byte_identical(first):
    distributed = require_module("distributed", "the Dask build")
    root, _, result = first
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        dask = build_tour(root / "tour.yaml", root / "dask" / "real", scheduler=cluster.scheduler_address,
                          cache_dir=root / "dask-cache")  # a cache of its own, so that every stage runs there
    assert len(dask.built) == 6
    local = tree_bytes(result.out_dir)
    remote = tree_bytes(dask.out_dir)
    keep = [k for k in local if not k.startswith("viewer/")]
    assert [k for k in keep if k not in remote] == []
    assert [k for k in keep if local[k] != remote[k]] == []  # report.json too: no machine path, no timing
    report = json.loads(local["models/fuze/report.json"])
    assert report["source"] == "data/meshes/fuze/fuze.obj" and "seconds" not in report


def test_the_command_builds_to_export_tour_id_by_default(tmp_path, monkeypatch, capsys):
    path = small_tour(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert cli("build", path, "--jobs", "1") == 0
    assert (tmp_path / "export" / "small" / "tour.json").is_file()
    assert "built 2, cached 0" in capsys.readouterr().out
    assert cli("build", path, "--force") == 0
    assert "built 2, cached 0" in capsys.readouterr().out


def test_an_invalid_tour_is_refused_listing_every_problem_before_any_work(tmp_path):
    path = small_tour(tmp_path)
    path.write_text(path.read_text().replace("target: s1", "target: nope").replace("fov: 60", "fov: 200"))
    with pytest.raises(VtourError) as info:
        build_tour(path, tmp_path / "out")
    assert "2 problem(s)" in str(info.value) and not (tmp_path / "out").exists()


def test_unused_cache_entries_are_pruned(tmp_path):
    path = small_tour(tmp_path)
    old = build_tour(path, tmp_path / "out", jobs=1).stages[0].key
    (tmp_path / "panoramas" / "s0.png").write_bytes((tmp_path / "panoramas" / "s1.png").read_bytes())
    r = build_tour(path, tmp_path / "out", jobs=1)
    assert r.built == ["scene:s0"]
    entries = {p.name for p in (tmp_path / ".vtour-cache" / "small" / "scenes").iterdir()}
    assert entries == {s.key for s in r.stages} and old not in entries
    shutil.rmtree(tmp_path / "out")
    assert build_tour(path, tmp_path / "out", jobs=1).built == []


def test_a_stage_error_in_a_worker_process_comes_back_with_its_message(tmp_path):
    path = small_tour(tmp_path)
    for name in ("s0.png", "s1.png"):
        p = tmp_path / "panoramas" / name
        p.write_bytes(p.read_bytes()[:200])
    with pytest.raises(VtourError, match=r"build: scene s[01]: pano: .*s[01]\.png"):
        build_tour(path, tmp_path / "out", jobs=2)
    assert not (tmp_path / "out").exists()


def test_building_never_links_or_writes_into_a_source_image(tmp_path):
    """Authored images are copied: editing the built tour's copy leaves the capture untouched."""
    src = tmp_path / "src"
    src.mkdir()
    tour_yaml = small_tour(src)
    note = src / "panoramas" / "note.jpg"
    before = note.read_bytes()
    out = tmp_path / "out"
    build_tour(tour_yaml, out)
    built = out / "images" / "panoramas" / "note.jpg"
    assert built.read_bytes() == before and not os.path.samefile(built, note)
    built.write_bytes(b"edited in the export")
    build_tour(tour_yaml, out)  # a rebuild replaces the edited copy instead of writing through it
    assert note.read_bytes() == before and built.read_bytes() == before


def _a_bug(dest):
    raise ValueError(f"a bug writing {dest}")


def _buggy_stages(tmp_path):
    return [Stage("scene", f"s{i}", f"k{i}", _a_bug, (), tmp_path / f"k{i}", "pano.json") for i in range(2)]


def test_a_bug_in_a_worker_process_is_a_build_error_naming_the_stage_and_the_exception(tmp_path):
    with pytest.raises(VtourError) as caught:
        run_stages(_buggy_stages(tmp_path), jobs=2)
    assert caught.value.step == "build" and "--jobs 1" in caught.value.fix
    assert re.fullmatch(r"scene s[01] failed: ValueError: a bug writing .*k[01]", caught.value.message)


def test_a_bug_in_this_process_keeps_its_own_exception_and_traceback(tmp_path):
    with pytest.raises(ValueError, match="a bug writing"):
        run_stages(_buggy_stages(tmp_path), jobs=1)


def _write_pid(dest):
    Path(dest).mkdir(parents=True)
    (Path(dest) / "pid").write_text(str(os.getpid()))


def test_deep_zoom_image_stages_run_in_this_process_after_the_pool(tmp_path):
    """libvips runs its own threads, and a process forked after they started can deadlock in it: image
    stages never go to a forked worker, whatever --jobs says."""
    stages = [Stage(kind, f"{kind}{i}", f"{kind}{i}", _write_pid, (), tmp_path / f"{kind}{i}", "pid")
              for kind in ("scene", "image") for i in range(2)]
    order = []
    run_stages(stages, jobs=2, report=lambda stage, seconds: order.append(stage.kind))
    pids = {s.id: int((s.dest / "pid").read_text()) for s in stages}
    assert pids["image0"] == pids["image1"] == os.getpid()
    assert pids["scene0"] != os.getpid() and pids["scene1"] != os.getpid()
    assert order == ["scene", "scene", "image", "image"]


# ---------------------------------------------------------------------------------------------
# the output folder, the cache and the workers under hostile conditions


def _src_tour(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    return small_tour(src)


def test_a_rebuild_keeps_the_files_the_user_added_to_the_output_and_names_them(tmp_path):
    path = _src_tour(tmp_path)
    out = tmp_path / "www" / "tour"
    build_tour(path, out, jobs=1)
    (out / "about.html").write_text("<h1>About the museum</h1>")
    (out / "images" / "logo.png").write_bytes(b"LOGO")
    path.write_text(path.read_text().replace("fov: 60", "fov: 61"))
    with pytest.warns(VtourWarning, match=r"kept 2 file\(s\) in .*tour that vtour did not write: about.html, "
                                          r"images/logo.png"):
        build_tour(path, out, jobs=1)
    assert (out / "about.html").read_text() == "<h1>About the museum</h1>"
    assert (out / "images" / "logo.png").read_bytes() == b"LOGO"
    assert json.loads((out / "tour.json").read_text())["scenes"][0]["view"]["fov"] == 61


def test_a_user_file_at_a_path_the_build_now_writes_is_refused_and_the_tour_kept(tmp_path):
    path = _src_tour(tmp_path)
    out = tmp_path / "out"
    build_tour(path, out, jobs=1)
    (out / "images" / "plan.png").write_bytes(b"THE USER'S OWN PLAN")
    before = tree_bytes(out)
    shutil.copy(path.parent / "panoramas" / "note.jpg", path.parent / "plan.png")
    data = yaml.safe_load(path.read_text())
    data["scenes"][0]["hotspots"][1]["image"] = "plan.png"  # now written to images/plan.png
    write(path, data)
    with pytest.raises(VtourError) as caught:
        build_tour(path, out, jobs=1)
    assert caught.value.path == out and "images/plan.png" in caught.value.message
    assert tree_bytes(out) == before and not [p for p in tmp_path.rglob("*") if ".tmp-" in p.name]


def _modes(folder):
    return {str(p.relative_to(folder)): p.stat().st_mode & 0o777 for p in [folder, *folder.rglob("*")]}


def test_every_file_and_folder_a_build_writes_gets_the_ordinary_modes(tmp_path):
    path = _src_tour(tmp_path)
    (path.parent / "panoramas" / "note.jpg").chmod(0o600)  # a capture private to its owner
    old = os.umask(0o022)
    try:
        out = build_tour(path, tmp_path / "out", jobs=2).out_dir
    finally:
        os.umask(old)
    for folder in (out, *tmp_path.rglob(".vtour-cache")):
        modes = _modes(folder)
        wrong = {k: oct(m) for k, m in modes.items() if m != (0o755 if (folder / k).is_dir() else 0o644)}
        assert wrong == {} and len(modes) > 20


def test_jobs_below_one_is_refused_before_any_work(tmp_path, capsys):
    path = _src_tour(tmp_path)
    for jobs in (-1, 0):
        with pytest.raises(VtourError) as caught:
            build_tour(path, tmp_path / "out", jobs=jobs)
        assert (caught.value.field, caught.value.value) == ("jobs", jobs) and "--jobs 1" in caught.value.fix
    with pytest.raises(SystemExit) as exited:
        cli("build", path, "--jobs", "-1")
    err = capsys.readouterr().err
    assert exited.value.code == 2 and "argument --jobs: '-1' is not a whole number of at least 1" in err
    assert "Traceback" not in err and not (tmp_path / "out").exists() and not (tmp_path / "src" / ".vtour-cache").exists()


def test_a_writable_output_folder_in_a_read_only_parent_is_rebuilt_in_place(tmp_path, monkeypatch):
    path = _src_tour(tmp_path)
    out = tmp_path / "www" / "tour"
    build_tour(path, out, jobs=1)
    (out / "about.html").write_text("mine")
    read_only(monkeypatch, tmp_path / "www")
    path.write_text(path.read_text().replace("fov: 60", "fov: 62"))
    with pytest.warns(VtourWarning, match="about.html"):
        build_tour(path, out, jobs=1)
    assert json.loads((out / "tour.json").read_text())["scenes"][0]["view"]["fov"] == 62
    assert (out / "about.html").read_text() == "mine" and os.listdir(tmp_path / "www") == ["tour"]
    assert not [p for p in out.rglob("*") if ".tmp-" in p.name or ".old-" in p.name]


def test_the_next_build_deletes_the_temporary_folders_a_killed_build_left(tmp_path):
    path = _src_tour(tmp_path)
    out = tmp_path / "out"
    key = build_tour(path, out, jobs=1).stages[0].key
    scenes = path.parent / ".vtour-cache" / "small" / "scenes"
    for left in (tmp_path / ".out.tmp-0123abcd", tmp_path / ".out.old-01234567", scenes / f".{key}.tmp-89abcdef",
                 scenes / ".0123.tmp-aaaaaaaa"):
        (left / "0").mkdir(parents=True)
        (left / "0" / "t.jpg").write_bytes(b"HALF")
        age(left)
    build_tour(path, out, jobs=1)
    assert sorted(os.listdir(tmp_path)) == ["out", "src"]
    assert not [p for p in scenes.iterdir() if p.name.startswith(".")]


def test_the_default_cache_lies_beside_the_tour_yaml_never_in_the_published_folder(tmp_path):
    path = _src_tour(tmp_path)
    www = tmp_path / "www"
    build_tour(path, www / "tour", jobs=1)
    assert os.listdir(www) == ["tour"]
    assert (path.parent / ".vtour-cache" / "small" / "hashes.json").is_file()
    assert not [rel for rel, blob in tree_bytes(www).items() if str(tmp_path).encode() in blob]
    with pytest.raises(VtourError) as caught:
        build_tour(path, www / "tour", jobs=1, cache_dir=www / "tour" / "cache")
    assert caught.value.field == "cache" and "inside the output folder" in caught.value.message


def test_a_damaged_cache_entry_is_built_again(tmp_path):
    path = _src_tour(tmp_path)
    out = tmp_path / "out"
    first = build_tour(path, out, jobs=1)
    entry = path.parent / ".vtour-cache" / "small" / "scenes" / first.stages[0].key
    tile = sorted(entry.glob("*/f/0/0.avif"))[-1]
    tile.unlink()
    with pytest.warns(VtourWarning, match="the cached scene s0 .* no longer matches its record"):
        again = build_tour(path, out, jobs=1)
    assert again.built == ["scene:s0"]
    rel = tile.relative_to(entry)
    assert (out / "scenes" / "s0" / rel).read_bytes() == tile.read_bytes()
    assert build_tour(path, out, jobs=1).built == []


def test_a_non_empty_output_folder_is_refused_before_any_stage_runs(tmp_path):
    path = _src_tour(tmp_path)
    out = tmp_path / "thesis"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    with pytest.raises(VtourError, match="not an earlier vtour output"):
        build_tour(path, out, jobs=1)
    assert tree_bytes(out) == {"thesis.tex": b"years of work"}
    assert not list(tmp_path.rglob("pano.json"))  # no stage ran


WORKERS = """
import os, signal, sys, time
from pathlib import Path
from vtour.output import atomic_dir
from vtour.tour.build import run_stages
from vtour.tour.stages import Stage

def slow(dest):
    with atomic_dir(dest, marker="m", step="t") as tmp:
        (tmp / "half.jpg").write_text("x")
        Path(dest + ".pid").write_text(str(os.getpid()))
        time.sleep(300)

def interrupt(signum, frame):
    raise KeyboardInterrupt

if sys.argv[2] == "interrupted":  # as vtour's CLI treats SIGTERM
    signal.signal(signal.SIGTERM, interrupt)
cache = Path(sys.argv[1])
try:
    run_stages([Stage("scene", f"s{i}", f"k{i}", slow, (), cache / f"k{i}", "m") for i in range(2)], jobs=2)
except KeyboardInterrupt:
    print("interrupted")
    sys.exit(130)
"""


def _alive(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return "\nState:\tZ" not in f.read()
    except FileNotFoundError:
        return False


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")
@pytest.mark.parametrize("how", ["killed", "interrupted"])
def test_sigterm_to_a_parallel_build_ends_its_workers_and_their_temporary_folders(tmp_path, how):
    cache = tmp_path / "cache"
    cache.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", WORKERS, str(cache), how], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    pids = []
    try:
        deadline = time.monotonic() + 60
        while len(pids) < 2 and time.monotonic() < deadline:
            pids = [int(p.read_text()) for p in cache.glob("*.pid") if p.read_text()]
            time.sleep(0.05)
        assert len(pids) == 2, proc.stderr.read() if proc.poll() is not None else "workers did not start"
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)  # end of file: no worker holds the caller's pipes any more
        assert proc.returncode == (130 if how == "interrupted" else -signal.SIGTERM)
        assert (out.strip(), "Traceback" in err) == ("interrupted" if how == "interrupted" else "", False)
        deadline = time.monotonic() + 10
        while any(map(_alive, pids)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(map(_alive, pids))
        assert sorted(p.name for p in cache.iterdir() if not p.name.endswith(".pid")) == []
    finally:
        for pid in pids:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        proc.kill()


def test_sources_in_a_read_only_folder_keep_their_cache_in_the_users_cache_folder(tmp_path, monkeypatch):
    path = _src_tour(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    read_only(monkeypatch, path.parent)
    build_tour(path, tmp_path / "out", jobs=1)
    assert sorted(os.listdir(path.parent)) == ["panoramas", "tour.yaml"]
    [cache] = (tmp_path / "home-cache" / "vtour").iterdir()
    assert cache.name.startswith("small-") and (cache / "hashes.json").is_file()
    assert build_tour(path, tmp_path / "out", jobs=1).built == []
