"""The editor's background jobs: a real ``vtour build`` subprocess on the tiny sample (built once per
module), its progress, log and one-line error, cancelling it, and packages of the result."""

from __future__ import annotations

import json
import re
import zipfile

import pytest

from vtour.edit.document import EditError
from vtour.edit.jobs import STAGES_SHARE, BuildJob, PackageJob, build_progress, packages_folder
from vtour.errors import VtourError


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(sample tour.yaml, the finished BuildJob that built it)."""
    from vtour.sample import TINY_SAMPLE_OPTIONS, write_sample

    root = tmp_path_factory.mktemp("jobs")
    tour_yaml = write_sample(root / "sample", TINY_SAMPLE_OPTIONS).tour
    job = BuildJob(tour_yaml, root / "export" / "sample")
    assert job.snapshot() == {"state": "idle", "progress": 0.0, "log": [], "error": None, "seconds": 0.0}
    job.start()
    assert job.wait(timeout=600) == "done", job.snapshot()
    return tour_yaml, job


def test_a_build_runs_to_done_with_its_stage_lines_and_full_progress(built):
    _, job = built
    snap = job.snapshot()
    assert snap["state"] == "done" and snap["progress"] == 1.0 and snap["error"] is None
    assert any(re.match(r"build: vtour-sample: \d+ stage\(s\), \d+ to build, \d+ cached", line) for line in job.log)
    stages = [line for line in job.log if re.match(r"build: \[\d+/\d+\] .* built \(", line)]
    assert stages and stages[-1].startswith(f"build: [{len(stages)}/{len(stages)}]")
    assert (job.result_dir / "tour.json").is_file()
    assert snap["seconds"] > 0 and snap["log"] == list(job.log)[-200:]


def test_progress_follows_the_stage_lines_and_reaches_one_only_at_the_end():
    p = build_progress("build: t: 4 stage(s), 4 to build, 0 cached", 0.0)
    assert p == 0.0
    p = build_progress("build: [1/4] scene:a built (1.0 s)", p)
    assert p == pytest.approx(STAGES_SHARE / 4)
    assert build_progress("warning: something", p) == p
    assert build_progress("build: [4/4] model:m built (3.0 s)", p) == pytest.approx(STAGES_SHARE)
    assert STAGES_SHARE < 1.0
    assert build_progress("build: t: 4 stage(s), 0 to build, 4 cached", 0.0) == STAGES_SHARE


def test_a_broken_tour_fails_with_the_clis_one_line_error(tmp_path):
    tour_yaml = tmp_path / "tour.yaml"
    tour_yaml.write_text("id: broken\ntitle: {en: B}\nscenes:\n  - id: a\n    panorama: missing.jpg\n")
    job = BuildJob(tour_yaml, tmp_path / "out")
    job.start()
    assert job.wait(timeout=120) == "failed"
    assert job.error == job.log[-1] and job.error.startswith("error: ")
    assert "missing.jpg" in job.error and "tour.yaml" in job.error
    assert job.snapshot()["progress"] < 1.0 and not (tmp_path / "out").exists()


def test_a_second_start_while_running_is_refused_and_cancel_stops_the_build(built, tmp_path):
    tour_yaml, _ = built
    job = BuildJob(tour_yaml, tmp_path / "out")
    job.start()
    with pytest.raises(EditError, match="a build is running already"):
        job.start()
    job.cancel()
    assert job.wait(timeout=120) == "failed"
    assert "SIGTERM" in job.error
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("kiosk", [True, False])
def test_a_package_of_the_build_is_written_beside_it_with_the_kiosk_launcher_when_asked(built, kiosk):
    _, build = built
    job = PackageJob(build.result_dir)
    job.start(kiosk=kiosk, idle_return_s=60, autotour=15)
    assert job.wait(timeout=300) == "done", job.snapshot()
    snap = job.snapshot()
    kind = "kiosk" if kiosk else "web"
    assert re.fullmatch(rf"vtour-sample-{kind}-\d{{8}}-\d{{6}}(-\d+)?\.zip", snap["zip"])
    assert job.zip_path == packages_folder(build.result_dir) / snap["zip"]
    assert job.zip_path.parent == build.result_dir.parent / "sample.packages"
    names = zipfile.ZipFile(job.zip_path).namelist()
    assert "tour.json" in names and ("launch.py" in names) == kiosk
    assert snap["progress"] == 1.0 and snap["log"][-1].startswith(f"package: wrote {snap['zip']}")


def test_a_kiosk_package_gets_the_pin_hash_the_daily_restart_and_the_kiosk_options_in_its_page(built):
    _, build = built
    job = PackageJob(build.result_dir)
    job.start(
        kiosk=True, pin="482915", daily_restart="04:00", idle=45, countdown=10, attract_scenes=["niche", "entrance"],
        attract_seconds=12,
    )  # fmt: skip
    assert job.wait(timeout=300) == "done", job.snapshot()
    with zipfile.ZipFile(job.zip_path) as z:
        meta = json.loads(z.read("kiosk.json"))
        page = z.read("index.html").decode()
    assert meta["format"] == "vtour-kiosk-1" and meta["dailyRestart"] == "04:00"
    assert meta["pin"].startswith("pbkdf2_sha256$") and "482915" not in meta["pin"]
    options = json.loads(re.search(r'"tour\.json", (\{.*\})\);', page)[1])
    assert options["urlState"] is False
    assert options["kiosk"] == {
        "bridge": "__kiosk/", "exit": True, "idleSeconds": 45, "countdownSeconds": 10,
        "attract": {"scenes": ["niche", "entrance"], "secondsPerScene": 12},
    }  # fmt: skip
    assert "482915" not in " ".join(job.snapshot()["log"])


def test_the_older_idle_return_and_autotour_still_pack(built):
    _, build = built
    job = PackageJob(build.result_dir)
    job.start(kiosk=True, idle_return_s=90, autotour=15)
    assert job.wait(timeout=300) == "done", job.snapshot()
    page = zipfile.ZipFile(job.zip_path).read("index.html").decode()
    kiosk = json.loads(re.search(r'"tour\.json", (\{.*\})\);', page)[1])["kiosk"]
    assert (kiosk["idleSeconds"], kiosk["countdownSeconds"], kiosk["attract"]["secondsPerScene"]) == (90, 0, 15)
    assert kiosk["exit"] is False and json.loads(zipfile.ZipFile(job.zip_path).read("kiosk.json"))["pin"] is None


@pytest.mark.parametrize("pin", ["12ab", "123", "", "1234567890123"])
def test_a_pin_that_is_not_4_to_12_digits_is_refused_before_packing_and_never_repeated(built, pin):
    _, build = built
    job = PackageJob(build.result_dir)
    with pytest.raises(EditError, match="the staff-exit PIN must be 4 to 12 digits") as caught:
        job.start(kiosk=True, pin=pin)
    snap = job.snapshot()
    assert snap["state"] == "failed" and snap["zip"] is None
    if pin:
        assert pin not in str(caught.value) and pin not in snap["error"] + " ".join(snap["log"])


def test_a_daily_restart_that_is_not_hh_mm_is_refused_before_packing(built):
    _, build = built
    job = PackageJob(build.result_dir)
    with pytest.raises(VtourError, match="daily_restart='4 am'"):
        job.start(kiosk=True, daily_restart="4 am")
    assert job.snapshot()["state"] == "failed" and not job.running


def test_a_package_before_any_build_fails_naming_the_folder(tmp_path):
    job = PackageJob(tmp_path / "export" / "t")
    with pytest.raises(VtourError, match="package"):
        job.start()
    snap = job.snapshot()
    assert snap["state"] == "failed" and snap["zip"] is None and str(tmp_path / "export" / "t") in snap["error"]
