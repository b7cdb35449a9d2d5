"""Tile formats and tile presence, from the options to pano.json, tour.json and the peers' exports.

* ``vtour.conventions``: a tile's path takes its format's extension.
* ``PanoOptions.tile_format`` / ``quality``: validated, naming the field and the value.
* ``vtour.pano.manifest``: pano.json's ``tiles`` has the format's extension and ``present`` round-trips
  (numpy packbits, base64), absent when every tile exists.
* ``vtour.tour``: tour.json's ``panorama`` carries both; the Marzipano and Pannellum exports read
  JPEG tiles written beside WebP ones (decoding to the same picture) and a blank tile wherever a partial
  panorama has none, so every tile their configs name exists.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from tour_helpers import equirect, small_tour

from vtour import conventions as C
from vtour.errors import VtourError
from vtour.pano import PanoOptions, build_pano
from vtour.pano.codec import TILE_FORMATS, decode_tile
from vtour.pano.coverage import FULL, Coverage
from vtour.pano.manifest import decode_present, encode_present, pano_manifest
from vtour.pano.tiles import plan_levels
from vtour.tour.assemble import panorama_block
from vtour.tour.peers import PEER_JPEG_QUALITY, marzipano_data, pannellum_config, peer_preview, write_peer_tiles

SOURCE = {"kind": "equirect", "files": ["a.jpg"]}


# ---------------------------------------------------------------------------------------------
# conventions and options


@pytest.mark.parametrize("fmt", list(TILE_FORMATS))
def test_a_tile_path_takes_the_extension_of_its_format(fmt):
    ext = TILE_FORMATS[fmt]
    assert C.tile_template(ext) == "{z}/{f}/{y}/{x}" + ext
    assert C.tile_path(2, "f", 1, 3, ext) == f"2/f/1/3{ext}"
    assert C.tile_path(2, "f", 1, 3) == "2/f/1/3.jpg" == C.TILE_TEMPLATE.format(z=2, f="f", y=1, x=3)


@pytest.mark.parametrize("ext", ["webp", "./x", ".{z}"])
def test_a_tile_extension_must_be_a_plain_dotted_suffix(ext):
    with pytest.raises(ValueError, match=r"must start with '\.'"):
        C.tile_template(ext)


def test_an_unknown_tile_format_is_refused_naming_the_field_and_the_value():
    with pytest.raises(VtourError) as e:
        PanoOptions(tile_format="jxl")
    assert (e.value.field, e.value.value) == ("tile_format", "jxl")
    assert "jpeg" in e.value.fix and "webp" in e.value.fix


@pytest.mark.parametrize("quality", [0, 101])
def test_a_tile_quality_outside_1_to_100_is_refused(quality):
    with pytest.raises(VtourError) as e:
        PanoOptions(quality=quality)
    assert (e.value.field, e.value.value) == ("quality", quality)


def test_quality_is_the_formats_own_and_previews_stay_jpeg_at_85_unless_jpeg_tiles_ask():
    assert PanoOptions(tile_format="webp").quality is None  # None: codec.default_quality
    assert PanoOptions(tile_format="webp", quality=60).jpeg_quality == 85  # a WebP scale says nothing of JPEG
    assert PanoOptions(tile_format="jpeg", quality=70).jpeg_quality == 70
    assert PanoOptions(tile_format="avif").tile_extension == ".avif"


def test_the_cli_offers_every_tile_format():
    import argparse

    from vtour.commands import pano

    parser = argparse.ArgumentParser()
    pano.register(parser.add_subparsers())
    args = parser.parse_args(["pano", "a.jpg", "-o", "out", "--tile-format", "avif", "--quality", "40"])
    assert (args.tile_format, args.quality) == ("avif", 40)
    with pytest.raises(SystemExit):
        parser.parse_args(["pano", "a.jpg", "-o", "out", "--tile-format", "gif"])


# ---------------------------------------------------------------------------------------------
# pano.json


def random_present(levels, seed=0):
    rng = np.random.default_rng(seed)
    return {z: {f: rng.random((lv.tiles_per_side,) * 2) < 0.5 for f in C.FACES} for z, lv in enumerate(levels)}


@pytest.mark.parametrize("fmt", list(TILE_FORMATS))
def test_pano_json_names_tiles_with_their_formats_extension_in_every_block(fmt):
    levels = plan_levels(2048, 512)
    man = json.loads(json.dumps(pano_manifest(2048, levels, FULL, SOURCE, tile_format=fmt)))
    ext = TILE_FORMATS[fmt]
    assert man["tiles"] == C.tile_template(ext)
    assert man["pannellum"]["multiRes"]["extension"] == ext[1:]
    assert "present" not in man


def test_presence_masks_round_trip_through_pano_json():
    levels = plan_levels(4096, 512)  # up to 8 x 8 tiles per face: several bytes, and 1 x 1 masks
    present = random_present(levels)
    present[1]["u"][:] = False
    present[2]["f"][:] = True
    man = json.loads(json.dumps(pano_manifest(4096, levels, FULL, SOURCE, tile_format="webp", present=present)))
    assert man["present"][1]["u"] is False and man["present"][2]["f"] is True
    back = decode_present(man["present"], man["levels"])
    for z, faces in present.items():
        for f, mask in faces.items():
            np.testing.assert_array_equal(back[z][f], mask, err_msg=f"level {z} face {f}")
    # the encoding documented in manifest.py: base64 of numpy's packbits of the row-major mask
    z, f = 3, "r"
    assert man["present"][z][f] == __import__("base64").b64encode(np.packbits(present[z][f].ravel())).decode()


def test_a_complete_presence_is_left_out_of_pano_json():
    levels = plan_levels(1024, 512)
    full = {z: {f: np.ones((lv.tiles_per_side,) * 2, bool) for f in C.FACES} for z, lv in enumerate(levels)}
    assert encode_present(levels, full) is None
    assert "present" not in pano_manifest(1024, levels, FULL, SOURCE, present=full)
    assert all(
        m.all() for faces in decode_present(None, [lv.to_json() for lv in levels]).values() for m in faces.values()
    )


def test_a_presence_mask_of_the_wrong_shape_is_refused():
    levels = plan_levels(1024, 512)
    with pytest.raises(ValueError, match=r"level 2 face f mask is \(1, 1\), expected \(2, 2\)"):
        encode_present(levels, {2: {"f": np.ones((1, 1), bool)}})
    with pytest.raises(ValueError, match="has 2 bytes for 2 x 2 tiles"):
        decode_present([{"f": "AAA="}], [{"size": 1024, "tileSize": 512}])
    with pytest.raises(ValueError, match="unknown tile format"):
        pano_manifest(1024, levels, FULL, SOURCE, tile_format="png")


# ---------------------------------------------------------------------------------------------
# tour.json and the peers


@pytest.fixture(scope="module")
def partial_webp(tmp_path_factory) -> tuple[Path, dict]:
    """A tour-like folder ``scenes/p`` holding a partial panorama with WebP tiles, and its tour.json
    ``panorama`` block (what the peers' export reads)."""
    root = tmp_path_factory.mktemp("tileset")
    src = equirect(root / "src.png", 3, size=(512, 256))
    options = PanoOptions(tile_format="webp", face_size=256, tile_size=64, coverage=Coverage(hfov=120, vfov=60))
    build_pano([src], root / "tour" / "scenes" / "p", options)
    manifest = json.loads((root / "tour" / "scenes" / "p" / "pano.json").read_text())
    return root / "tour", panorama_block("p", manifest)


def test_tour_json_carries_the_tile_template_and_the_presence(partial_webp):
    folder, block = partial_webp
    assert block["tiles"] == "scenes/p/{z}/{f}/{y}/{x}.webp"
    present = decode_present(block["present"], block["levels"])
    for z, level in enumerate(block["levels"]):
        n = level["size"] // level["tileSize"]
        for f in C.FACES:
            for y, x in np.ndindex(n, n):
                exists = (folder / block["tiles"].format(z=z, f=f, y=y, x=x)).is_file()
                assert exists == present[z][f][y, x], (z, f, y, x)
    assert not present[len(block["levels"]) - 1]["b"].any()  # behind a 120 x 60 degree panorama
    assert present[len(block["levels"]) - 1]["f"].all()


def test_peers_get_jpeg_tiles_of_the_same_picture_and_blanks_for_absent_ones(partial_webp, tmp_path):
    src, block = partial_webp
    folder = tmp_path / "tour"
    import shutil

    shutil.copytree(src, folder)
    written = write_peer_tiles(block, folder)
    doc = {
        "scenes": [
            {
                "id": "p",
                "title": {"en": "P"},
                "panorama": block,
                "view": {"yaw": 0, "pitch": 0, "fov": 70},
                "hotspots": [],
                "northOffset": 0,
            }
        ],
        "languages": ["en"],
        "id": "t",
        "title": {"en": "T"},
        "start": "p",
    }
    marzipano = marzipano_data(doc)["scenes"][0]
    multires = pannellum_config(doc)["scenes"]["p"]["multiRes"]
    assert marzipano["tiles"] == "scenes/p/" + C.TILE_TEMPLATE
    assert (multires["basePath"], multires["extension"]) == ("scenes/p", "jpg")
    present = decode_present(block["present"], block["levels"])
    count, blank_inodes = 0, set()
    for z, level in enumerate(block["levels"]):
        n = level["size"] // level["tileSize"]
        for f in C.FACES:
            for y, x in np.ndindex(n, n):
                # every tile both peers may ask for exists, as a JPEG of the level's tile size
                jpeg = folder / marzipano["tiles"].format(z=z, f=f, y=y, x=x)
                pannellum = folder / f"{multires['basePath']}{multires['path']}.{multires['extension']}".replace(
                    "%l", str(z)
                ).replace("%s", f).replace("%y", str(y)).replace("%x", str(x))
                assert jpeg == pannellum and jpeg.read_bytes()[:3] == b"\xff\xd8\xff"
                rgb = decode_tile(jpeg.read_bytes())
                assert rgb.shape == (level["tileSize"], level["tileSize"], 3)
                count += 1
                if present[z][f][y, x]:  # the WebP tile's picture, within a JPEG q90 re-encoding
                    webp = decode_tile((folder / block["tiles"].format(z=z, f=f, y=y, x=x)).read_bytes())
                    mse = np.mean((rgb.astype(float) - webp) ** 2)
                    assert 10 * np.log10(255**2 / max(mse, 1e-9)) > 32, (z, f, y, x)
                else:  # one blank tile, hard-linked
                    assert rgb.max() <= 8
                    blank_inodes.add((level["tileSize"], jpeg.stat().st_ino))
    assert written == count + (block["preview"] != peer_preview(block))  # and a JPEG preview, if it is not one
    assert len(blank_inodes) == len({s for s, _ in blank_inodes})  # one file per tile size
    assert PEER_JPEG_QUALITY >= 85


def test_a_preview_strip_in_another_format_gets_a_jpeg_copy_for_marzipano(partial_webp, tmp_path):
    import shutil

    from vtour.pano.codec import encode_tile

    src, block = partial_webp
    folder = tmp_path / "tour"
    shutil.copytree(src, folder)
    strip = decode_tile((folder / block["preview"]).read_bytes())
    (folder / "scenes" / "p" / "preview.jpg").unlink(missing_ok=True)
    (folder / "scenes" / "p" / "preview.webp").write_bytes(encode_tile(strip, "webp"))
    block = {**block, "preview": "scenes/p/preview.webp"}
    man = pano_manifest(256, plan_levels(256, 64), FULL, SOURCE, tile_format="webp", preview="preview.webp")
    assert man["preview"] == "preview.webp"
    write_peer_tiles(block, folder)
    doc = {
        "scenes": [
            {
                "id": "p",
                "title": {"en": "P"},
                "panorama": block,
                "view": {"yaw": 0, "pitch": 0, "fov": 70},
                "hotspots": [],
                "northOffset": 0,
            }
        ],
        "languages": ["en"],
        "id": "t",
        "title": {"en": "T"},
        "start": "p",
    }
    assert marzipano_data(doc)["scenes"][0]["preview"] == "scenes/p/preview.jpg"
    copy = decode_tile((folder / "scenes" / "p" / "preview.jpg").read_bytes())
    assert copy.shape == strip.shape and np.abs(copy.astype(float) - strip).mean() < 3


def test_a_full_jpeg_panorama_gets_no_peer_tiles(tmp_path):
    src = equirect(tmp_path / "src.png", 1)
    build_pano([src], tmp_path / "t" / "scenes" / "s", PanoOptions(tile_format="jpeg", face_size=128, tile_size=64))
    block = panorama_block("s", json.loads((tmp_path / "t" / "scenes" / "s" / "pano.json").read_text()))
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert "present" not in block
    assert write_peer_tiles(block, tmp_path / "t") == 0
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


@pytest.mark.parametrize("fmt", ["webp", "jpeg"])
def test_a_tour_of_a_partial_panorama_builds_with_its_format_and_presence(tmp_path, fmt):
    from vtour.tour import build_tour
    from vtour.tour.validate import validate_built

    path = small_tour(tmp_path, pano={"face_size": 256, "tile_size": 64, "tile_format": fmt})
    data = yaml.safe_load(path.read_text())
    data["scenes"][0]["pano"] = {"hfov": 120, "vfov": 60}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    out = tmp_path / "out"
    build_tour(path, out, jobs=1)
    doc = json.loads((out / "tour.json").read_text())
    partial, full = (s["panorama"] for s in doc["scenes"])
    ext = TILE_FORMATS[fmt]
    assert partial["tiles"].endswith(ext) and full["tiles"].endswith(ext)
    assert "present" in partial and "present" not in full
    pano_json = json.loads((out / partial["path"] / "pano.json").read_text())
    assert partial["present"] == pano_json["present"]
    assert validate_built(out) == []  # the absent tiles are absent by design, not missing
    # the peers' files name only JPEG tiles that exist
    data_js = (out / "marzipano" / "data.js").read_text()
    app = json.loads(re.sub(r"^var APP_DATA = |;\s*$", "", data_js))
    pannellum = json.loads((out / "pannellum.json").read_text())
    for scene in app["scenes"]:
        assert scene["tiles"].endswith(".jpg")
        for z, level in enumerate(scene["levels"]):
            n = level["size"] // level["tileSize"]
            for f in C.FACES:
                for y, x in np.ndindex(n, n):
                    assert (out / scene["tiles"].format(z=z, f=f, y=y, x=x)).is_file(), (scene["id"], z, f, y, x)
        assert pannellum["scenes"][scene["id"]]["multiRes"]["extension"] == "jpg"
