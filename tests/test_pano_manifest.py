"""vtour.pano.manifest: pano.json, and the Marzipano and Pannellum blocks computed from JSON levels and coverage."""

from __future__ import annotations

import json

import pytest

from vtour.conventions import FACES, TILE_TEMPLATE, tile_path
from vtour.pano.coverage import FULL, Coverage
from vtour.pano.manifest import PANO_FORMAT_VERSION, pano_manifest, pannellum_bounds, peer_blocks
from vtour.pano.tiles import plan_levels

PLANS = [(64, 512), (256, 512), (512, 512), (4096, 512), (2048, 256), (1024, 64)]


def json_levels(face_size: int, tile_size: int) -> list[dict]:
    """The ``levels`` list exactly as pano.json and tour.json carry it."""
    return json.loads(json.dumps([lv.to_json() for lv in plan_levels(face_size, tile_size)]))


@pytest.mark.parametrize("face_size, tile_size", PLANS)
def test_marzipano_levels_grow_by_multiples_of_the_level_before(face_size, tile_size):
    levels = json_levels(face_size, tile_size)
    block = peer_blocks(face_size, levels, FULL.to_json())["marzipano"]
    assert block == {"levels": levels, "faceSize": face_size}
    sizes = [lv["size"] for lv in block["levels"]]
    assert all(b > a and b % a == 0 for a, b in zip(sizes, sizes[1:])), sizes
    assert sizes[-1] == face_size
    assert all(lv["size"] % lv["tileSize"] == 0 for lv in block["levels"])
    assert [lv.get("fallbackOnly", False) for lv in block["levels"]] == [True] + [False] * (len(levels) - 1)


@pytest.mark.parametrize("face_size, tile_size", PLANS)
def test_pannellum_levels_are_the_same_tiles_as_marzipano_levels(face_size, tile_size):
    """Pannellum's level l (1..maxLevel) has faces of cubeResolution / 2**(maxLevel - l) px cut into
    tileResolution px tiles: exactly vtour's level z = l, so both read one tile set."""
    levels = json_levels(face_size, tile_size)
    multires = peer_blocks(face_size, levels, FULL.to_json())["pannellum"]["multiRes"]
    assert multires["cubeResolution"] == face_size
    assert multires["maxLevel"] == len(levels) - 1
    assert multires["tileResolution"] == min(tile_size, face_size)
    for z in range(1, multires["maxLevel"] + 1):
        assert levels[z]["size"] == multires["cubeResolution"] >> (multires["maxLevel"] - z)
        assert levels[z]["tileSize"] == multires["tileResolution"]


def test_pannellum_tile_path_is_the_tile_template_in_its_own_spelling():
    multires = peer_blocks(1024, json_levels(1024, 512), FULL.to_json(), base_path="scenes/hall")["pannellum"]["multiRes"]
    url = multires["basePath"] + multires["path"].replace("%l", "2").replace("%s", "f").replace("%y", "1").replace(
        "%x", "0"
    ) + "." + multires["extension"]
    assert url == "scenes/hall/" + tile_path(2, "f", 1, 0)
    assert TILE_TEMPLATE.endswith("." + multires["extension"])


def test_a_full_panorama_gets_no_yaw_or_pitch_limits():
    block = peer_blocks(1024, json_levels(1024, 512), FULL.to_json())["pannellum"]
    assert set(block) == {"multiRes"}


def test_a_partial_panorama_gets_its_yaw_and_pitch_range():
    cov = Coverage(hfov=90, vfov=60, yaw=10, pitch=-5).to_json()
    block = peer_blocks(1024, json_levels(1024, 512), cov)["pannellum"]
    assert {k: v for k, v in block.items() if k != "multiRes"} == {
        "minYaw": -35.0, "maxYaw": 55.0, "minPitch": -35.0, "maxPitch": 25.0}


@pytest.mark.parametrize("coverage, keys", [
    (Coverage(hfov=360, vfov=120, pitch=20), {"minPitch": -40.0, "maxPitch": 80.0}),   # wraps: no yaw limits
    (Coverage(hfov=200, vfov=180), {"minYaw": -100.0, "maxYaw": 100.0}),                # both poles: no pitch limits
])
def test_only_the_missing_directions_are_limited(coverage, keys):
    assert pannellum_bounds(coverage.to_json()) == keys


def test_pano_json_carries_the_tile_set_and_the_peer_blocks_of_the_same_values():
    levels = plan_levels(2048, 512)
    cov = Coverage(hfov=180, vfov=90, yaw=0, pitch=0)
    man = json.loads(json.dumps(pano_manifest(2048, levels, cov, {"kind": "equirect", "files": ["a.jpg"]})))
    assert man == {
        "format": "vtour-pano",
        "version": PANO_FORMAT_VERSION,
        "faceSize": 2048,
        "tileSize": 512,
        "levels": [{"tileSize": 256, "size": 256, "fallbackOnly": True}, {"tileSize": 512, "size": 512},
                   {"tileSize": 512, "size": 1024}, {"tileSize": 512, "size": 2048}],
        "tiles": "{z}/{f}/{y}/{x}.jpg",
        "faces": list(FACES),
        "preview": "preview.jpg",
        "previewFaceOrder": "bdflru",
        "thumb": "thumb.jpg",
        "coverage": {"hfov": 180.0, "vfov": 90.0, "yaw": 0.0, "pitch": 0.0},
        "source": {"kind": "equirect", "files": ["a.jpg"]},
        "marzipano": {"levels": man["levels"], "faceSize": 2048},
        "pannellum": {
            "multiRes": {"basePath": ".", "path": "/%l/%s/%y/%x", "extension": "jpg", "tileResolution": 512,
                         "maxLevel": 3, "cubeResolution": 2048},
            "minYaw": -90.0, "maxYaw": 90.0, "minPitch": -45.0, "maxPitch": 45.0,
        },
    }
    # what tour/peers.py computes from tour.json's copy of these values is the same block
    again = peer_blocks(man["faceSize"], man["levels"], man["coverage"])
    assert again == {"marzipano": man["marzipano"], "pannellum": man["pannellum"]}
