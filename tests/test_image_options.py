"""vtour.image.options and ``vtour image``: bounds named in one line, flags that map to the fields."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from vtour.cli import main
from vtour.errors import VtourError
from vtour.image import DEFAULT_IMAGE_OPTIONS, ImageOptions
from vtour.image.options import DEFAULT_BASE_URL, IMAGE_MAX_PIXELS
from vtour.images import write_image
from vtour.option_spec import declared


def test_the_defaults_are_512_px_tiles_quality_85_and_a_2x_zoom_past_full_resolution():
    o = DEFAULT_IMAGE_OPTIONS
    assert (o.tile_size, o.quality, o.max_zoom, o.max_pixels) == (512, 85, 2.0, IMAGE_MAX_PIXELS)
    assert o.base_url == DEFAULT_BASE_URL == "http://localhost:8000"


@pytest.mark.parametrize("name, value", [
    ("tile_size", 100), ("tile_size", 32), ("tile_size", 8192),
    ("quality", 0), ("quality", 101),
    ("max_pixels", 0),
    ("max_zoom", 0.5), ("max_zoom", 2.5), ("max_zoom", math.nan),
    ("base_url", "images/"), ("base_url", "ftp://host/x"), ("base_url", "http://host/x?a=1"), ("base_url", "/abs"),
])
def test_a_value_out_of_bounds_is_refused_naming_the_field_and_value_with_a_fix(name, value):
    with pytest.raises(VtourError) as e:
        ImageOptions(**{name: value})
    assert e.value.field == name and e.value.fix
    assert e.value.value == value or (isinstance(value, float) and math.isnan(value))


def test_every_field_has_a_flag():
    assert all(opt.flag for _, opt in declared(ImageOptions))


def test_each_flag_sets_its_field_and_the_id_follows_the_base_url(tmp_path, capsys):
    write_image(tmp_path / "s.png", np.full((300, 500, 3), 90, np.uint8))
    code = main([
        "image", str(tmp_path / "s.png"), "-o", str(tmp_path / "mural"),
        "--tile-size", "256", "--quality", "70", "--max-zoom", "1.5", "--base-url", "https://museum.example/iiif/",
        "--max-pixels", "200000", "--work-megapix", "0.5", "--compose-megapix", "2",
    ])
    assert code == 0
    out = capsys.readouterr().out
    assert "500x300 px" in out and "https://museum.example/iiif/mural" in out
    info = json.loads((tmp_path / "mural" / "info.json").read_text())
    assert info["id"] == "https://museum.example/iiif/mural" and info["tiles"][0]["width"] == 256
    assert json.loads((tmp_path / "mural" / "image.json").read_text())["max_zoom"] == 1.5


def test_a_bad_flag_value_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys):
    write_image(tmp_path / "s.png", np.full((300, 500, 3), 90, np.uint8))
    assert main(["image", str(tmp_path / "s.png"), "-o", str(tmp_path / "o"), "--max-pixels", "1000"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: image: ") and "max_pixels=1000" in err and "--max-pixels" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.png"]
