"""vtour.package: zips and kiosk packages of a built tour."""

import json
import re
import zipfile

import pytest

from vtour.errors import VtourError
from vtour.package import kiosk_options, package_tour


@pytest.fixture
def tour(tmp_path):
    t = tmp_path / "tour"
    (t / "scenes" / "a" / "0" / "f" / "0").mkdir(parents=True)
    (t / "scenes" / "a" / "0" / "f" / "0" / "0.jpg").write_bytes(b"\xff\xd8jpeg")
    (t / "tour.json").write_text(json.dumps({"format": "vtour-tour", "version": 1}))
    (t / "index.html").write_text("<!doctype html>")
    (t / "viewer").mkdir()
    (t / "viewer" / "vtour-viewer.js").write_text("export {}")
    return t


def test_plain_package_holds_the_tour_and_no_launcher(tour, tmp_path):
    out = package_tour(tour, tmp_path / "out" / "t.zip")
    names = zipfile.ZipFile(out).namelist()
    assert "tour.json" in names and "scenes/a/0/f/0/0.jpg" in names and "launch.py" not in names


def test_kiosk_package_has_launchers_and_idle_options(tour, tmp_path):
    out = package_tour(tour, tmp_path / "k.zip", kiosk=True, idle_return_s=45, autotour=True)
    zf = zipfile.ZipFile(out)
    assert {"launch.py", "launch.sh", "launch.bat", "index.html"} <= set(zf.namelist())
    html = zf.read("index.html").decode()
    assert '"idleReturnSeconds": 45.0' in html and '"autotourSeconds": 20.0' in html
    compile(zf.read("launch.py"), "launch.py", "exec")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.zip", "tour"]  # no temporary file left


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
