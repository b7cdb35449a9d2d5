"""vtour.site: the static index.html and viewer/ of a built tour."""

import json
import os
import shutil

import pytest
from data_paths import require

from vtour.errors import VtourError
from vtour.site import BUNDLE, DIST, IMAGE_BUNDLE, MODEL_BUNDLE, index_html, start_preview, write_site


def test_index_html_holds_no_tour_text_and_escapes_options():
    html = index_html({"note": "</script><script>alert(1)</script>"})
    assert "</script><script>" not in html
    assert 'import { mount } from "./viewer/vtour-viewer.js"' in html
    assert '"tour.json"' in html


def test_index_html_preloads_the_bundle_the_tour_and_the_start_preview():
    tour = {"start": "b", "scenes": [{"id": "a", "panorama": {"preview": "scenes/a/preview.jpg"}},
                                     {"id": "b", "panorama": {"preview": "scenes/b/preview.jpg"}}]}
    html = index_html(tour=tour)
    assert '<link rel="modulepreload" href="viewer/vtour-viewer.js">' in html
    # as="fetch" crossorigin: the same mode and credentials as the viewer's fetch(), so it is reused
    assert '<link rel="preload" href="tour.json" as="fetch" crossorigin>' in html
    assert '<link rel="preload" href="scenes/b/preview.jpg" as="fetch" crossorigin>' in html
    assert "scenes/a/preview.jpg" not in html
    assert '"startPreview": "scenes/b/preview.jpg"' in html  # decoded while tour.json loads


def test_write_site_needs_a_tour_json(tmp_path):
    with pytest.raises(VtourError, match=r"site: .*: no tour\.json in the folder"):
        write_site(tmp_path)


def test_write_site_writes_index_and_bundle_and_replaces_them(tmp_path):
    (tmp_path / "tour.json").write_text(json.dumps({"format": "vtour-tour", "version": 1}))
    require(DIST / BUNDLE, "the viewer bundle", "npm run build, or make setup")
    index = write_site(tmp_path)
    assert index.read_text().startswith("<!doctype html>")
    assert (tmp_path / "viewer" / BUNDLE).stat().st_size > 10_000
    assert (tmp_path / "viewer" / MODEL_BUNDLE).stat().st_size > 100_000  # three.js, imported when a model opens
    (tmp_path / "viewer" / "stale.js").write_text("from an older vtour")
    write_site(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html", "tour.json", "viewer"]
    assert (tmp_path / "viewer" / IMAGE_BUNDLE).stat().st_size > 100_000  # OpenSeadragon, imported when an image opens
    assert sorted(p.name for p in (tmp_path / "viewer").iterdir()) == sorted([BUNDLE, MODEL_BUNDLE, IMAGE_BUNDLE])
    (tmp_path / "plain").mkdir()  # viewer/ is as readable as any folder (a web server may run as another user)
    assert (tmp_path / "viewer").stat().st_mode == (tmp_path / "plain").stat().st_mode


def test_a_failing_write_site_leaves_the_previous_viewer_whole(tmp_path, monkeypatch):
    import vtour.site

    (tmp_path / "tour.json").write_text(json.dumps({"format": "vtour-tour", "version": 1}))
    require(DIST / BUNDLE, "the viewer bundle", "npm run build, or make setup")
    write_site(tmp_path)
    before = {p.name: p.read_bytes() for p in (tmp_path / "viewer").iterdir()}
    copies, real_copyfile = [], shutil.copyfile

    def second_copy_fails(src, dst):
        copies.append(src)
        if len(copies) == 2:
            raise OSError(28, "No space left on device")
        return real_copyfile(src, dst)

    monkeypatch.setattr(vtour.site.shutil, "copyfile", second_copy_fails)
    with pytest.raises(OSError):
        write_site(tmp_path)
    assert len(copies) == 2
    assert {p.name: p.read_bytes() for p in (tmp_path / "viewer").iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html", "tour.json", "viewer"]


def test_the_viewer_files_get_the_ordinary_modes_whatever_the_installed_bundle_has(tmp_path, monkeypatch):
    import vtour.site

    dist = tmp_path / "dist"
    dist.mkdir()
    for name in (BUNDLE, MODEL_BUNDLE, IMAGE_BUNDLE):
        (dist / name).write_text("export {}")
        (dist / name).chmod(0o600)  # installed by a user with umask 077
    monkeypatch.setattr(vtour.site, "DIST", dist)
    tour = tmp_path / "tour"
    tour.mkdir()
    (tour / "tour.json").write_text(json.dumps({"format": "vtour-tour", "version": 1}))
    old = os.umask(0o022)
    try:
        write_site(tour)
    finally:
        os.umask(old)
    modes = {p.name: p.stat().st_mode & 0o777 for p in [tour / "viewer", *tour.rglob("*")]}
    assert modes == {"viewer": 0o755, BUNDLE: 0o644, MODEL_BUNDLE: 0o644, IMAGE_BUNDLE: 0o644, "index.html": 0o644, "tour.json": 0o644}


@pytest.mark.parametrize("scenes", [5, {"a": 1}, "abc", None, [], [7], [{"panorama": 3}]])
def test_a_tampered_tour_json_gives_no_preload_instead_of_a_crash(scenes):
    assert start_preview({"scenes": scenes, "start": "a"}) is None
    assert "<link rel=\"preload\" href=\"tour.json\"" in index_html(tour={"scenes": scenes})
