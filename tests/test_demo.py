"""``vtour demo --no-serve``: the sample is generated once, built, and reused on the next run."""

from __future__ import annotations

import json
from types import SimpleNamespace

import yaml

from vtour.cli import main
from vtour.commands import demo
from vtour.commands.demo import default_folder
from vtour.sample import SAMPLE_ID
from vtour.serve import DEFAULT_ADDRESS, DEFAULT_PORT


def test_demo_builds_the_sample_and_reuses_it(tmp_path, capsys):
    assert main(["demo", "--no-serve", "--tiny", "--dir", str(tmp_path)]) == 0
    out = tmp_path / "export" / SAMPLE_ID
    assert f"vtour demo: built {out} in " in capsys.readouterr().out
    doc = json.loads((out / "tour.json").read_text("utf-8"))
    assert {s["id"] for s in doc["scenes"]} == {"entrance", "chamber", "niche"}
    assert (out / "index.html").is_file()
    # the collections and the exhibition drawing from two of them (one imported from IIIF) beside it
    export = tmp_path / "export"
    for built in ("bronzes", "imported"):
        assert (export / built / "index.html").is_file() and (export / built / "collection.json").is_file()
        # --no-serve builds for the default port: the IIIF ids are where the demo serves them
        collection = json.loads((export / built / "collection.json").read_text("utf-8"))
        assert collection["id"] == f"http://{DEFAULT_ADDRESS}:{DEFAULT_PORT}/collections/{built}/collection.json"
    exhibition = json.loads((export / "silk-road" / "iiif" / "collection.json").read_text("utf-8"))
    assert exhibition["id"] == f"http://{DEFAULT_ADDRESS}:{DEFAULT_PORT}/exhibitions/silk-road/iiif/collection.json"
    imported = yaml.safe_load((tmp_path / "collections" / "imported" / "collection.yaml").read_text("utf-8"))
    assert imported["id"] == "partner"  # from the partner's IIIF Collection id
    story = json.loads((export / "silk-road" / "story" / "story.json").read_text("utf-8"))
    assert [r["id"] for r in story["rooms"]] == ["ritual", "partners"]
    assert all(o["museum"] and o["rights"] for r in story["rooms"] for o in r["objects"])
    stamp = (tmp_path / "panoramas" / "entrance.jpg").stat().st_mtime_ns
    yaml_stamp = (tmp_path / "collections" / "bronzes" / "collection.yaml").stat().st_mtime_ns
    assert main(["demo", "--no-serve", "--tiny", "--dir", str(tmp_path)]) == 0
    assert (tmp_path / "panoramas" / "entrance.jpg").stat().st_mtime_ns == stamp, "sample reused"
    assert (tmp_path / "collections" / "bronzes" / "collection.yaml").stat().st_mtime_ns == yaml_stamp


def serve_without_building(tmp_path, monkeypatch):
    """``vtour demo`` with the builds and the server replaced: returns what the server was given,
    the sites and the ``site_url`` the collections were built for."""
    served, built = {}, {}
    monkeypatch.setattr(demo, "sample_is_complete", lambda folder: True)
    monkeypatch.setattr(demo, "build_tour", lambda tour, out, jobs: SimpleNamespace(out_dir=out))
    monkeypatch.setattr(demo, "serve_tour", lambda folder, **kw: served.update(folder=folder, **kw))
    sites = {"collections/bronzes": tmp_path / "b", "exhibitions/silk-road": tmp_path / "s"}

    def build(folder, tiny, jobs, site_url):
        built["site_url"] = site_url
        return SimpleNamespace(sites=sites)

    monkeypatch.setattr(demo, "build_demo_collections", build)
    monkeypatch.setattr(demo, "collection_app", lambda folder, prefix: ("app", folder, prefix))
    return served, sites, built


def test_demo_serves_the_built_tour_on_the_default_address(tmp_path, monkeypatch, capsys):
    served, sites, built = serve_without_building(tmp_path, monkeypatch)
    assert main(["demo", "--dir", str(tmp_path), "--port", "8123"]) == 0
    assert built["site_url"] == f"http://{DEFAULT_ADDRESS}:8123"  # the collections' IIIF ids name the port
    out = tmp_path / "export" / SAMPLE_ID
    assert served == {
        "folder": out,
        "port": 8123,
        "address": DEFAULT_ADDRESS,
        "show": False,
        "sources": tmp_path / "tour.yaml",
        "sites": sites,
        "apps": {"collection": ("app", tmp_path / "b", "/collections/bronzes")},
    }
    printed = capsys.readouterr().out
    assert f"serving http://{DEFAULT_ADDRESS}:8123/" in printed
    assert f"http://{DEFAULT_ADDRESS}:8123/exhibitions/silk-road/" in printed


def test_port_0_is_chosen_before_the_build_so_the_ids_name_the_port_served(tmp_path, monkeypatch, capsys):
    served, _, built = serve_without_building(tmp_path, monkeypatch)
    monkeypatch.setattr(demo, "free_port", lambda address: 8765)
    assert main(["demo", "--dir", str(tmp_path), "--port", "0"]) == 0
    assert served["port"] == 8765 and built["site_url"] == f"http://{DEFAULT_ADDRESS}:8765"
    assert f"http://{DEFAULT_ADDRESS}:8765/exhibitions/silk-road/" in capsys.readouterr().out


def test_default_folder_is_the_checkout_root():
    root = default_folder()
    assert (root / "pyproject.toml").is_file() and (root / "vtour" / "cli.py").is_file()


def test_a_bad_port_is_refused_before_anything_is_generated_or_built(tmp_path, capsys):
    assert main(["demo", "--dir", str(tmp_path), "--port", "99999"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: serve: port=99999: a port is a number from 0 to 65535")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == [], "nothing was generated or built"


def test_demo_never_replaces_a_tour_of_the_users_own(tmp_path, capsys):
    (tmp_path / "tour.yaml").write_text("id: my-tour\ntitle: Mine\n")
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "scan.obj").write_text("v 0 0 0\n")
    assert main(["demo", "--no-serve", "--tiny", "--dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'tour.yaml'} would be replaced by the sample grotto's" in err and "--dir" in err
    assert (tmp_path / "tour.yaml").read_text() == "id: my-tour\ntitle: Mine\n"
    assert (tmp_path / "models" / "scan.obj").is_file() and not (tmp_path / "export").exists()


def test_demo_never_replaces_captures_without_a_tour_yaml(tmp_path, capsys):
    (tmp_path / "panoramas").mkdir()
    (tmp_path / "panoramas" / "cave.jpg").write_bytes(b"mine")
    assert main(["demo", "--no-serve", "--tiny", "--dir", str(tmp_path)]) == 2
    assert f"{tmp_path / 'panoramas'} would be replaced" in capsys.readouterr().err
    assert (tmp_path / "panoramas" / "cave.jpg").read_bytes() == b"mine"
