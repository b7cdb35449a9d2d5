"""vtour.site: the static index.html and viewer/ of a built tour."""

import json

import pytest

from vtour.errors import VtourError
from vtour.site import BUNDLE, index_html, write_site


def test_index_html_holds_no_tour_text_and_escapes_options():
    html = index_html({"note": "</script><script>alert(1)</script>"})
    assert "</script><script>" not in html
    assert 'import { mount } from "./viewer/vtour-viewer.js"' in html
    assert '"tour.json"' in html


def test_write_site_needs_a_tour_json(tmp_path):
    with pytest.raises(VtourError, match="tour.json"):
        write_site(tmp_path)


def test_write_site_writes_index_and_bundle_and_replaces_them(tmp_path):
    (tmp_path / "tour.json").write_text(json.dumps({"format": "vtour-tour", "version": 1}))
    try:
        index = write_site(tmp_path)
    except VtourError as exc:  # bundle not built on this machine
        pytest.skip(str(exc))
    assert index.read_text().startswith("<!doctype html>")
    assert (tmp_path / "viewer" / BUNDLE).stat().st_size > 100_000
    write_site(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html", "tour.json", "viewer"]
