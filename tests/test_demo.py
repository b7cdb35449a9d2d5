"""``vtour demo --no-serve``: the sample is generated once, built, and reused on the next run."""

from __future__ import annotations

import json


from vtour.cli import main
from vtour.commands.demo import default_folder
from vtour.sample import SAMPLE_ID


def test_demo_builds_the_sample_and_reuses_it(tmp_path, capsys):
    assert main(["demo", "--no-serve", "--tiny", "--dir", str(tmp_path)]) == 0
    assert "vtour demo: built" in capsys.readouterr().out
    out = tmp_path / "export" / SAMPLE_ID
    doc = json.loads((out / "tour.json").read_text("utf-8"))
    assert {s["id"] for s in doc["scenes"]} == {"entrance", "chamber", "niche"}
    assert (out / "index.html").is_file()
    stamp = (tmp_path / "panoramas" / "entrance.jpg").stat().st_mtime_ns
    assert main(["demo", "--no-serve", "--tiny", "--dir", str(tmp_path)]) == 0
    assert (tmp_path / "panoramas" / "entrance.jpg").stat().st_mtime_ns == stamp, "sample reused"


def test_default_folder_is_the_checkout_root():
    root = default_folder()
    assert (root / "pyproject.toml").is_file() and (root / "vtour" / "cli.py").is_file()
