"""vtour.package: zips and kiosk packages of a built tour."""

import datetime
import json
import math
import os
import re
import shutil
import subprocess
import sys
import zipfile

import pytest
from data_paths import require

from vtour.errors import VtourError
from vtour.kiosk_launch import check_pin
from vtour.package import kiosk_options, package_tour
from vtour.site import BUNDLE, DIST, IMAGE_BUNDLE, MODEL_BUNDLE


@pytest.fixture
def tour(tmp_path):
    t = tmp_path / "tour"
    (t / "scenes" / "a" / "0" / "f" / "0").mkdir(parents=True)
    (t / "scenes" / "a" / "0" / "f" / "0" / "0.jpg").write_bytes(b"\xff\xd8jpeg")
    (t / "tour.json").write_text(json.dumps({"format": "vtour-tour", "version": 1, "id": "t", "scenes": [{"id": "a"}]}))
    (t / "index.html").write_text("<!doctype html>")
    (t / "viewer").mkdir()
    (t / "viewer" / "vtour-viewer.js").write_text("export {}")
    return t


def test_plain_package_holds_the_tour_and_no_launcher(tour, tmp_path):
    out = package_tour(tour, tmp_path / "out" / "t.zip")
    names = zipfile.ZipFile(out).namelist()
    assert "tour.json" in names and "scenes/a/0/f/0/0.jpg" in names and "launch.py" not in names


def _mount_options(html: str) -> dict:
    return json.loads(html.split('"tour.json", ', 1)[1].split(");\n", 1)[0])


def test_kiosk_package_has_launchers_kiosk_json_and_the_kiosk_page(tour, tmp_path):
    out = package_tour(tour, tmp_path / "k.zip", kiosk=True, pin="2468", daily_restart="04:30", idle=30,
                       countdown=10, attract_scenes=["a"], attract_seconds=12,
                       now=datetime.datetime(2026, 12, 1, 8, 0, 5, tzinfo=datetime.UTC))
    zf = zipfile.ZipFile(out)
    assert {"launch.py", "launch.sh", "launch.bat", "__main__.py", "index.html", "kiosk.json"} <= set(zf.namelist())
    html = zf.read("index.html").decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=1, user-scalable=no">' \
        in html
    options = _mount_options(html)
    assert options["urlState"] is False
    assert options["kiosk"] == {"bridge": "__kiosk/", "exit": True, "idleSeconds": 30.0, "countdownSeconds": 10.0,
                                "attract": {"scenes": ["a"], "secondsPerScene": 12.0}}
    meta = json.loads(zf.read("kiosk.json"))
    assert re.fullmatch(r"t-20261201T080005Z-[0-9a-f]{8}", meta["version"])
    assert meta["format"] == "vtour-kiosk-1" and meta["tour"] == "t" and meta["built"] == "2026-12-01T08:00:05Z"
    assert meta["dailyRestart"] == "04:30" and meta["pingTimeoutSeconds"] == 45
    assert check_pin(meta["pin"], "2468") and not check_pin(meta["pin"], "2469") and "2468" not in meta["pin"]
    compile(zf.read("launch.py"), "launch.py", "exec")
    compile(zf.read("__main__.py"), "__main__.py", "exec")
    assert zf.getinfo("scenes/a/0/f/0/0.jpg").compress_type == zipfile.ZIP_STORED
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.zip", "tour"]  # no temporary file left


def test_the_kiosk_version_changes_with_the_content_only(tour, tmp_path):
    now = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)

    def version(name):
        return json.loads(zipfile.ZipFile(package_tour(tour, tmp_path / name, kiosk=True, now=now)).read("kiosk.json"))[
            "version"]

    first, same = version("1.zip"), version("2.zip")
    (tour / "scenes" / "a" / "0" / "f" / "0" / "0.jpg").write_bytes(b"\xff\xd8other")
    assert first == same != version("3.zip")


def test_the_old_idle_options_map_onto_the_kiosk(tour, tmp_path):
    html = zipfile.ZipFile(package_tour(tour, tmp_path / "k.zip", kiosk=True, idle_return_s=45, autotour=True)).read(
        "index.html").decode()
    assert _mount_options(html)["kiosk"] == {"bridge": "__kiosk/", "exit": False, "idleSeconds": 45.0,
                                             "countdownSeconds": 0.0, "attract": {"secondsPerScene": 20.0}}
    bare = _mount_options(zipfile.ZipFile(package_tour(tour, tmp_path / "b.zip", kiosk=True)).read(
        "index.html").decode())
    assert bare["kiosk"] == {"bridge": "__kiosk/", "exit": False}, "the page takes tour.json settings.kiosk"
    assert json.loads(zipfile.ZipFile(tmp_path / "b.zip").read("kiosk.json"))["pin"] is None


@pytest.mark.parametrize("kwargs, field, value, fix", [
    ({"pin": "12a4"}, "pin", "12a4", "digits only"),
    ({"pin": "123"}, "pin", "123", "digits only"),
    ({"daily_restart": "24:00"}, "daily_restart", "24:00", "--daily-restart 04:00"),
    ({"idle": -1}, "idle", -1, "--idle"),
    ({"countdown": math.inf}, "countdown", math.inf, "--countdown"),
    ({"attract_seconds": math.nan}, "attract_seconds", None, "--attract-seconds"),
    ({"attract_scenes": ["a", "crypt"]}, "attract_scenes", "crypt", "scene ids: a"),
    ({"attract_scenes": []}, "attract_scenes", [], "--attract-scenes"),
])
def test_bad_kiosk_options_name_the_field_and_value_and_write_nothing(tour, tmp_path, kwargs, field, value, fix):
    with pytest.raises(VtourError) as caught:
        package_tour(tour, tmp_path / "k.zip", kiosk=True, **kwargs)
    err = caught.value
    assert err.field == field and fix in err.fix
    if value is not None:
        assert err.value == value
    assert not (tmp_path / "k.zip").exists()


def test_the_cli_writes_a_kiosk_package_and_names_an_unknown_attract_scene(tour, tmp_path):
    base = [sys.executable, "-m", "vtour", "package", str(tour), "-o", str(tmp_path / "k.zip"), "--kiosk"]
    run = subprocess.run([*base, "--attract-scenes", "a,crypt"], capture_output=True, text=True)
    assert run.returncode != 0 and "Traceback" not in run.stderr
    assert "no scene 'crypt' in the tour" in run.stderr and not (tmp_path / "k.zip").exists()
    run = subprocess.run([*base, "--pin", "2468", "--daily-restart", "03:15", "--idle", "40", "--countdown", "5",
                          "--attract-scenes", "a", "--attract-seconds", "8"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    zf = zipfile.ZipFile(tmp_path / "k.zip")
    assert _mount_options(zf.read("index.html").decode())["kiosk"]["attract"] == {"scenes": ["a"],
                                                                                   "secondsPerScene": 8.0}
    assert json.loads(zf.read("kiosk.json"))["dailyRestart"] == "03:15"


def test_a_failing_package_leaves_the_previous_zip_and_no_temporary_file(tour, tmp_path, monkeypatch):
    import vtour.package

    out = package_tour(tour, tmp_path / "t.zip")
    before = out.read_bytes()
    (tour / "scenes" / "a" / "0" / "f" / "0" / "1.jpg").write_bytes(b"\xff\xd8more")

    def disk_full(path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(vtour.package, "_compression", disk_full)
    with pytest.raises(OSError):
        package_tour(tour, out)
    assert out.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["t.zip", "tour"]


def test_bad_inputs_are_refused(tour, tmp_path):
    with pytest.raises(VtourError, match="inside the tour"):
        package_tour(tour, tour / "x.zip")
    with pytest.raises(VtourError, match=re.escape("no tour.json in the folder: not a built tour; pass")):
        package_tour(tmp_path / "nothing", tmp_path / "x.zip")
    assert not (tmp_path / "x.zip").exists()
    with pytest.raises(VtourError, match="idle"):
        kiosk_options(-1, False)


def _snapshot(folder):
    return {
        str(p.relative_to(folder)): (p.is_symlink(), p.read_bytes() if p.is_file() else None)
        for p in sorted(folder.rglob("*"))
    }


@pytest.mark.parametrize("where", ["scenes/a/secret.jpg", "passwd", "scenes/linked-folder"])
def test_a_link_out_of_the_tour_is_refused_naming_it_and_no_zip_is_written(tour, tmp_path, where):
    secret = tmp_path / "home" / "passwd"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0")
    (tour / where).symlink_to(secret.parent if where.endswith("folder") else secret)
    with pytest.raises(VtourError) as caught:
        package_tour(tour, tmp_path / "t.zip")
    err = caught.value
    assert err.step == "package" and err.path == tour / where
    assert f"a link to {secret.parent if where.endswith('folder') else secret}, outside the tour" in err.message
    assert "copy the file into the tour" in err.fix
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "tour"]


def test_a_link_to_a_file_inside_the_tour_is_packed_as_that_file(tour, tmp_path):
    (tour / "scenes" / "b").symlink_to(tour / "scenes" / "a")
    out = package_tour(tour, tmp_path / "t.zip")
    zf = zipfile.ZipFile(out)
    assert zf.read("scenes/b/0/f/0/0.jpg") == zf.read("scenes/a/0/f/0/0.jpg") == b"\xff\xd8jpeg"


def test_a_tour_without_its_viewer_is_packed_with_one_and_left_as_it_was(tour, tmp_path):
    require(DIST / BUNDLE, "the viewer bundle", "npm run build, or make setup")
    (tour / "index.html").unlink()
    shutil.rmtree(tour / "viewer")
    before = _snapshot(tour)
    for kiosk in (False, True):
        zf = zipfile.ZipFile(package_tour(tour, tmp_path / f"{kiosk}.zip", kiosk=kiosk))
        assert zf.read(f"viewer/{BUNDLE}") == (DIST / BUNDLE).read_bytes()
        assert zf.read(f"viewer/{MODEL_BUNDLE}") == (DIST / MODEL_BUNDLE).read_bytes()
        assert zf.read(f"viewer/{IMAGE_BUNDLE}") == (DIST / IMAGE_BUNDLE).read_bytes()
        assert b'import { mount } from "./viewer/vtour-viewer.js"' in zf.read("index.html")
    assert _snapshot(tour) == before


@pytest.mark.parametrize("text", ["[1, 2]", '{"scenes": 5}', "{not json"])
def test_a_tampered_tour_json_without_a_viewer_is_one_clear_error_and_no_zip(tour, tmp_path, text):
    (tour / "index.html").unlink()
    shutil.rmtree(tour / "viewer")
    (tour / "tour.json").write_text(text)
    if text.startswith('{"scenes'):  # an object: packed, without a preload of a start preview
        zf = zipfile.ZipFile(package_tour(tour, tmp_path / "t.zip"))
        assert b'rel="preload" href="tour.json"' in zf.read("index.html")
        return
    with pytest.raises(VtourError) as caught:
        package_tour(tour, tmp_path / "t.zip")
    assert caught.value.step == "package" and "tour.json" in caught.value.message
    assert not (tmp_path / "t.zip").exists()


@pytest.mark.parametrize(
    "idle, autotour, field",
    [
        (math.nan, 0, "idle_return_s"),
        (math.inf, 0, "idle_return_s"),
        (-1, 0, "idle_return_s"),
        (10, -1, "autotour"),
        (10, math.nan, "autotour"),
    ],
)
def test_kiosk_times_must_be_finite_and_not_negative(tour, tmp_path, idle, autotour, field):
    with pytest.raises(VtourError) as caught:
        package_tour(tour, tmp_path / "k.zip", kiosk=True, idle_return_s=idle, autotour=autotour)
    assert caught.value.field == field and "finite number of seconds >= 0" in caught.value.message
    assert not (tmp_path / "k.zip").exists()


def test_the_cli_refuses_idle_return_nan_in_one_line(tour, tmp_path):
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "vtour",
            "package",
            str(tour),
            "-o",
            str(tmp_path / "k.zip"),
            "--kiosk",
            "--idle-return",
            "nan",
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0 and "Traceback" not in run.stderr
    assert "idle_return_s=nan" in run.stderr and not (tmp_path / "k.zip").exists()


def test_the_zip_and_its_entries_get_the_ordinary_modes(tour, tmp_path):
    (tour / "scenes" / "a" / "0" / "f" / "0" / "0.jpg").chmod(0o600)
    old = os.umask(0o022)
    try:
        out = package_tour(tour, tmp_path / "k.zip", kiosk=True)
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644
    modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in zipfile.ZipFile(out).infolist()}
    assert modes.pop("launch.sh") == 0o755 and set(modes.values()) == {0o644}


@pytest.fixture
def collection(tmp_path):
    """The shape of a built collection (vtour.package.is_built_collection): collection.json,
    catalogue/ and objects/."""
    c = tmp_path / "collection"
    (c / "catalogue").mkdir(parents=True)
    (c / "objects" / "ding-01").mkdir(parents=True)
    (c / "collection.json").write_text(json.dumps({"type": "Collection"}))
    (c / "index.html").write_text("<!doctype html>")
    return c


@pytest.mark.parametrize("idle, autotour, field", [(math.nan, 0, "idle_return_s"), (10, -1, "autotour")])
def test_kiosk_times_of_a_built_collection_are_checked_like_a_tours(collection, tmp_path, idle, autotour, field):
    with pytest.raises(VtourError) as caught:
        package_tour(collection, tmp_path / "k.zip", kiosk=True, idle_return_s=idle, autotour=autotour)
    assert caught.value.field == field and "finite number of seconds >= 0" in caught.value.message
    assert not (tmp_path / "k.zip").exists()
    names = zipfile.ZipFile(package_tour(collection, tmp_path / "k.zip", kiosk=True)).namelist()
    assert "launch.py" in names and "collection.json" in names


def test_media_and_tiles_already_compressed_are_stored_and_the_rest_deflated(tour, tmp_path):
    media = tour / "media"
    media.mkdir()
    stored = ["a.jpg", "a.png", "a.webp", "a.avif", "a.ktx2", "a.mp3", "a.m4a", "a.aac", "a.ogg", "a.oga",
              "a.opus", "a.webm", "a.mp4", "A.MP3"]
    for name in [*stored, "a.vtt", "a.js"]:
        (media / name).write_bytes(b"x" * 1000)
    methods = {i.filename: i.compress_type for i in zipfile.ZipFile(package_tour(tour, tmp_path / "t.zip")).infolist()}
    assert {name: methods[f"media/{name}"] for name in stored} == {name: zipfile.ZIP_STORED for name in stored}
    assert methods["media/a.vtt"] == methods["media/a.js"] == methods["tour.json"] == zipfile.ZIP_DEFLATED


def test_a_file_dated_before_1980_is_packed_dated_1980(tour, tmp_path):
    old = tour / "scenes" / "a" / "0" / "f" / "0" / "0.jpg"
    os.utime(old, (0, 0))  # 1970
    info = zipfile.ZipFile(package_tour(tour, tmp_path / "t.zip")).getinfo("scenes/a/0/f/0/0.jpg")
    assert info.date_time == (1980, 1, 1, 0, 0, 0)


def test_a_link_to_nothing_is_refused_naming_it(tour, tmp_path):
    (tour / "scenes" / "gone.jpg").symlink_to(tour / "scenes" / "missing.jpg")
    with pytest.raises(VtourError) as caught:
        package_tour(tour, tmp_path / "t.zip")
    assert caught.value.path == tour / "scenes" / "gone.jpg" and "does not exist" in caught.value.message
    assert not (tmp_path / "t.zip").exists()


@pytest.mark.parametrize("option", [["--pin", "2468"], ["--daily-restart", "04:00"], ["--idle", "30"],
                                    ["--autotour"], ["--attract-scenes", "a"]])
def test_the_cli_refuses_kiosk_options_without_kiosk(tour, tmp_path, option):
    run = subprocess.run([sys.executable, "-m", "vtour", "package", str(tour), "-o", str(tmp_path / "t.zip"),
                          *option], capture_output=True, text=True)
    assert run.returncode != 0 and "Traceback" not in run.stderr
    assert f"{option[0]} is a kiosk option" in run.stderr and "add --kiosk" in run.stderr
    assert not (tmp_path / "t.zip").exists()


@pytest.mark.parametrize("seconds", [14.9, 0, math.nan, True])
def test_the_ping_timeout_is_at_least_15_s(tour, tmp_path, seconds):
    with pytest.raises(VtourError, match=">= 15"):
        package_tour(tour, tmp_path / "k.zip", kiosk=True, ping_timeout_s=seconds)
    assert json.loads(zipfile.ZipFile(package_tour(tour, tmp_path / "k.zip", kiosk=True, ping_timeout_s=15))
                      .read("kiosk.json"))["pingTimeoutSeconds"] == 15


def test_launch_bat_runs_launch_py_by_its_full_path_so_a_unc_folder_works(tour, tmp_path):
    bat = zipfile.ZipFile(package_tour(tour, tmp_path / "k.zip", kiosk=True)).read("launch.bat").decode()
    assert 'python "%~dp0launch.py" %*' in bat and "cd " not in bat and bat.endswith("\r\n")
