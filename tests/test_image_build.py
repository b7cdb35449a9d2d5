"""vtour.image.build: IIIF level-0 pyramids that match the source at every level (issue 13, first slice)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
import tifffile
from data_paths import SHARED_DATA, require
from PIL import Image

from vtour.errors import VtourError
from vtour.image import IMAGE_JSON, ImageOptions, build_image
from vtour.image.iiif import all_tile_paths, scale_factors
from vtour.images import write_image

#: PSNR every tile must reach against a crop-and-resize of the source (Q 85 JPEG leaves 38-45 dB).
MIN_PSNR_DB = 35.0
REQUIRED_FIELDS = ("@context", "id", "type", "protocol", "profile", "width", "height", "tiles", "sizes")


def smooth_image(h: int, w: int) -> np.ndarray:
    """(h, w, 3) uint8: waves a few tiles long, so a box downscale and a JPEG leave them intact."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    r = 128 + 100 * np.sin(x / 37.0) * np.cos(y / 53.0)
    g = 128 + 90 * np.sin((x + y) / 71.0)
    b = 60 + 0.15 * x % 120 + 0.1 * y % 60
    return np.clip(np.dstack([r, g, b]) + 0.5, 0, 255).astype(np.uint8)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 99.0 if mse == 0 else 10 * np.log10(255.0**2 / mse)


def written_files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*.jpg")}


def assert_tiles_match_source(out: Path, source: np.ndarray, min_psnr: float = MIN_PSNR_DB) -> int:
    """Every tile info.json implies exists, no other is written, and each is the source's region
    resized (Pillow's box filter) to the tile's size within ``min_psnr``. Returns the tile count."""
    info = json.loads((out / "info.json").read_text())
    implied = dict(all_tile_paths(info))
    assert written_files(out) == set(implied)
    pil = Image.fromarray(source)
    worst = 99.0
    for path, (x, y, w, h, sw, sh) in implied.items():
        tile = np.asarray(Image.open(out / path).convert("RGB"))
        assert tile.shape == (sh, sw, 3), path
        reference = np.asarray(pil.resize((sw, sh), Image.Resampling.BOX, box=(x, y, x + w, y + h)))
        worst = min(worst, psnr(tile, reference))
        assert worst > min_psnr, f"{path}: {psnr(tile, reference):.1f} dB"
    return len(implied)


def assert_iiif_info(info: dict, width: int, height: int, base: str, name: str, tile: int) -> None:
    assert all(k in info for k in REQUIRED_FIELDS)
    assert info["@context"] == "http://iiif.io/api/image/3/context.json"
    assert info["type"] == "ImageService3" and info["profile"] == "level0"
    assert info["protocol"] == "http://iiif.io/api/image"
    assert info["id"] == f"{base}/{name}"
    assert (info["width"], info["height"]) == (width, height)
    assert info["tiles"] == [{"scaleFactors": scale_factors(width, height, tile), "width": tile}]
    assert info["tiles"][0]["scaleFactors"][0] == 1  # viewers can reach the source's full resolution
    small = info["sizes"][-1]
    assert max(small["width"], small["height"]) <= tile


def test_every_tile_at_every_level_is_the_source_region_resized(tmp_path):
    src = smooth_image(1100, 1500)
    write_image(tmp_path / "src.png", src)
    r = build_image([tmp_path / "src.png"], tmp_path / "out", ImageOptions(tile_size=256, base_url="http://h:1/x/"))
    assert_iiif_info(r.info, 1500, 1100, "http://h:1/x", "out", 256)
    assert r.scale_factors == (1, 2, 4, 8)
    assert assert_tiles_match_source(r.out_dir, src) == r.tiles
    assert json.loads((r.out_dir / "info.json").read_text()) == r.info
    record = json.loads((r.out_dir / IMAGE_JSON).read_text())
    assert record["width"] == 1500 and record["max_zoom"] == 2.0 and record["sources"] == ["src.png"]


@pytest.mark.parametrize("rotate", [90, 180, 270])
def test_a_turned_image_is_tiled_as_the_source_turned_clockwise(tmp_path, rotate):
    src = smooth_image(700, 1000)
    write_image(tmp_path / "page.png", src)
    r = build_image([tmp_path / "page.png"], tmp_path / "out", ImageOptions(tile_size=256, rotate=rotate))
    turned = np.ascontiguousarray(np.rot90(src, k=-rotate // 90))  # np.rot90 turns anticlockwise for k > 0
    assert (r.width, r.height) == (turned.shape[1], turned.shape[0])
    assert assert_tiles_match_source(r.out_dir, turned) == r.tiles
    assert json.loads((r.out_dir / IMAGE_JSON).read_text())["rotate"] == rotate


@pytest.mark.parametrize("rotate", [45, -90, 360])
def test_a_turn_that_is_not_a_quarter_turn_is_refused_naming_the_field(rotate):
    with pytest.raises(VtourError) as caught:
        ImageOptions(rotate=rotate)
    assert caught.value.field == "rotate" and caught.value.value == rotate and "90" in caught.value.fix


def test_an_image_that_fits_one_tile_has_full_max_and_its_size(tmp_path):
    src = smooth_image(150, 200)
    write_image(tmp_path / "small.png", src)
    r = build_image([tmp_path / "small.png"], tmp_path / "out")
    assert r.info["sizes"] == [{"width": 200, "height": 150}] and r.scale_factors == (1,)
    assert written_files(r.out_dir) == {"full/200,150/0/default.jpg", "full/max/0/default.jpg"}
    assert_tiles_match_source(r.out_dir, src)


@pytest.mark.parametrize("kind", ["png16", "tiff16", "bigtiff8", "grey"])
def test_16_bit_grey_and_bigtiff_sources_give_8_bit_rgb_tiles_of_the_same_picture(tmp_path, kind):
    rgb8 = smooth_image(700, 900)
    if kind == "png16":
        write_image(tmp_path / "s.png", rgb8.astype(np.uint16) * 257)
        path = tmp_path / "s.png"
    elif kind == "tiff16":
        path = tmp_path / "s.tif"
        tifffile.imwrite(path, rgb8.astype(np.uint16) * 257, photometric="rgb")
    elif kind == "bigtiff8":
        path = tmp_path / "s.tif"
        tifffile.imwrite(path, rgb8, bigtiff=True, photometric="rgb")
    else:
        path = tmp_path / "g.png"
        Image.fromarray(rgb8[..., 1]).save(path)
        rgb8 = np.repeat(rgb8[..., 1:2], 3, axis=2)
    r = build_image([path], tmp_path / "out", ImageOptions(tile_size=256))
    assert assert_tiles_match_source(r.out_dir, rgb8) == r.tiles


def test_the_real_equirect_as_a_flat_image_matches_its_source_at_every_level(tmp_path):
    src_path = require(SHARED_DATA / "equirect" / "examplepano.jpg", "real test image equirect/examplepano.jpg")
    r = build_image([src_path], tmp_path / "pano-flat")
    source = np.asarray(Image.open(src_path).convert("RGB"))
    assert_iiif_info(r.info, source.shape[1], source.shape[0], "http://localhost:8000", "pano-flat", 512)
    assert assert_tiles_match_source(r.out_dir, source, min_psnr=30.0) == r.tiles


def test_the_newspaper_photos_stitch_into_one_larger_flat_image(tmp_path):
    folder = require(SHARED_DATA / "stitching" / "newspaper", "real test photos stitching/newspaper")
    photos = sorted(folder.glob("*.jpg"))
    r = build_image(photos, tmp_path / "newspaper", ImageOptions(work_megapix=0.6, compose_megapix=-1))
    assert r.source_kind == "stitch" and len(r.used) == 4 and not r.unmatched
    one = Image.open(photos[0]).size
    # four overlapping 818 x 1125 shots of one page: larger than any, smaller than all side by side
    assert max(one) < max(r.width, r.height) and r.width * r.height < 4 * one[0] * one[1]
    info = json.loads((r.out_dir / "info.json").read_text())
    assert written_files(r.out_dir) == {p for p, _ in all_tile_paths(info)}
    full = np.asarray(Image.open(r.out_dir / "0,0,512,512/512,512/0/default.jpg"))
    assert full.std() > 20  # print on paper, not an empty canvas


# ---------------------------------------------------------------------------------------------
# Bad input: one clear error, nothing left behind


def _bad(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _jpeg(tmp_path: Path) -> bytes:
    write_image(tmp_path / "good.jpg", smooth_image(600, 800))
    return (tmp_path / "good.jpg").read_bytes()


@pytest.mark.parametrize("how", ["truncated jpeg", "corrupt jpeg", "truncated png", "truncated tiff"])
def test_a_corrupt_or_truncated_image_is_one_error_naming_the_file_and_nothing_is_written(tmp_path, how):
    if "jpeg" in how:
        data = _jpeg(tmp_path)
        if how == "corrupt jpeg":
            data = data[:2000] + bytes(3000) + data[5000:]
        else:
            data = data[: len(data) // 2]
        path = _bad(tmp_path, "bad.jpg", data)
    elif "png" in how:
        write_image(tmp_path / "good.png", smooth_image(600, 800))
        path = _bad(tmp_path, "bad.png", (tmp_path / "good.png").read_bytes()[:-20000])
    else:
        tifffile.imwrite(tmp_path / "good.tif", smooth_image(600, 800), photometric="rgb")
        path = _bad(tmp_path, "bad.tif", (tmp_path / "good.tif").read_bytes()[:-200000])
    before = set(os.listdir(tmp_path))
    with pytest.raises(VtourError) as e:
        build_image([path], tmp_path / "out")
    assert e.value.path == path and "corrupt or truncated" in e.value.message and e.value.fix
    assert set(os.listdir(tmp_path)) == before


def test_an_image_over_max_pixels_is_refused_from_its_header_before_decoding(tmp_path, monkeypatch):
    write_image(tmp_path / "big.png", smooth_image(300, 400))
    monkeypatch.setattr("vtour.image.build.open_image", lambda p: pytest.fail("decoded an image over the limit"))
    with pytest.raises(VtourError) as e:
        build_image([tmp_path / "big.png"], tmp_path / "out", ImageOptions(max_pixels=100_000))
    assert e.value.field == "max_pixels" and "400x300 = 120,000" in e.value.message and "--max-pixels" in e.value.fix
    assert sorted(os.listdir(tmp_path)) == ["big.png"]


@pytest.mark.parametrize(
    "name, data, words",
    [
        ("missing.jpg", None, "file not found"),
        ("notes.jpg", b"just some text, not pixels", "not an image"),
    ],
)
def test_a_missing_or_unreadable_input_is_one_error_naming_it(tmp_path, name, data, words):
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    with pytest.raises(VtourError) as e:
        build_image([path], tmp_path / "out")
    assert e.value.path == path and words in e.value.message
    assert not (tmp_path / "out").exists()


def test_a_folder_that_is_not_an_earlier_image_output_is_never_replaced(tmp_path):
    write_image(tmp_path / "s.png", smooth_image(100, 100))
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "mine.txt").write_text("keep")
    with pytest.raises(VtourError, match=r"image\.json"):
        build_image([tmp_path / "s.png"], tmp_path / "out")
    assert os.listdir(tmp_path / "out") == ["mine.txt"]
    build_image([tmp_path / "s.png"], tmp_path / "again")
    build_image([tmp_path / "s.png"], tmp_path / "again")  # an earlier output is replaced


def test_nothing_but_the_output_folder_appears_beside_it(tmp_path):
    """dzsave writes vips-properties.xml beside the folder it makes: never beside the output."""
    write_image(tmp_path / "src" / "a.png", smooth_image(300, 400))
    parent = tmp_path / "parent"
    parent.mkdir()
    r = build_image([tmp_path / "src" / "a.png"], parent / "out", ImageOptions(tile_size=256))
    assert [p.name for p in parent.iterdir()] == ["out"]
    assert not list(r.out_dir.rglob("vips-properties.xml")) and not (r.out_dir / ".dzsave").exists()
    assert written_files(r.out_dir) == set(dict(all_tile_paths(r.info)))
