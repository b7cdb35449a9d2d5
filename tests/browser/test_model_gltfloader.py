"""vtour's .glb levels load in three.js's GLTFLoader (with MeshoptDecoder) in headless Chromium."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from helpers import region_mean, wait_for_js

from vtour.model import DEFAULT_MODEL_OPTIONS, Level, build_model
from vtour.model.obj import write_obj
from vtour.model.synthetic import bumpy_normal_map, checker_texture, uv_sphere

PAGE = Path(__file__).parent / "model_gltfloader"
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    sphere = uv_sphere(48, 96, texture=checker_texture(256))
    material = replace(sphere.materials[0], normal_texture=bumpy_normal_map(128, waves=8))
    scan = write_obj(sphere.replace(materials=(material,)),
                     tmp_path_factory.mktemp("scan") / "sphere.obj")
    options = DEFAULT_MODEL_OPTIONS.replace(lods=(Level(1000, 128), Level(4000, 256)), uncompressed=True,
                                            deviation_samples=10_000, title="Sphere", units="m")
    return build_model(scan, tmp_path_factory.mktemp("out") / "sphere", options)


def test_compressed_and_uncompressed_levels_load_with_their_geometry_and_maps(
        built, page, page_log, serve, node_package, screenshot):
    node_package("three")
    base = serve({"/": PAGE, "/node_modules/": node_package("three").parent, "/models/": built.out_dir})
    lods = built.report["lods"]
    files = [f"/models/{lod[key]}" for lod in lods for key in ("file", "uncompressed_file")]
    page.goto(f"{base}index.html?files={','.join(files)}")
    result = wait_for_js(page, "() => window.result || window.loadError",
                         what="GLTFLoader to load every level", log=page_log)
    assert isinstance(result, list), result
    for i, lod in enumerate(lods):
        for r in result[2 * i: 2 * i + 2]:
            assert r["triangles"] == lod["triangles"], r
            assert r["vertices"] == lod["vertices"], r
            assert r["textured"] and r["normalMap"], r  # the MTL's `norm` map, per level
            assert not r["roughnessMap"], r  # an OBJ has none
            assert {"position", "normal", "uv", "_deviation"} <= set(r["attributes"]), r
            assert r["extras"]["title"] == "Sphere"
            # dequantized by the node transform back onto the unit sphere (metres); the
            # simplified level's extreme vertices may sit a little inside it
            assert -1.001 <= min(r["min"]) and max(r["min"]) <= -0.99, r["min"]
            assert 0.99 <= min(r["max"]) and max(r["max"]) <= 1.001, r["max"]
    _, rgb = screenshot(page, "sphere", as_array=True)
    centre = region_mean(rgb, 0.5, 0.5, half=20)
    assert centre.sum() > 60, f"the sphere did not render: centre colour {centre}"
    page_log.assert_clean()
    page_log.assert_local_only()
