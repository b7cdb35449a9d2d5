"""Levels of detail: budgets parsed and checked at the boundary, a nested chain that meets them."""

from __future__ import annotations

import numpy as np
import pytest

from vtour.errors import VtourError, VtourWarning
from vtour.model.clean import clean_mesh
from vtour.model.lod import DEFAULT_LEVELS, Level, build_chain, check_levels, written_levels
from vtour.model.simplify import MIN_TRIANGLES
from vtour.model.synthetic import uv_sphere


def _records(mesh) -> set:
    return {tuple(r) for r in np.hstack([mesh.positions, mesh.uv])}


@pytest.mark.parametrize("text, level", [("20000:512", Level(20000, 512)), ("20k:512", Level(20000, 512)),
                                         ("1.5K:2048", Level(1500, 2048)), ("2m:4096", Level(2_000_000, 4096))])
def test_a_level_parses_from_triangles_colon_pixels_with_k_and_m_suffixes(text, level):
    assert Level.parse(text) == level


@pytest.mark.parametrize("text", ["lots", "20k", "20k:512:1", "k:512", "20k:big"])
def test_a_level_that_is_not_triangles_colon_pixels_is_refused_with_an_example(text):
    with pytest.raises(VtourError, match="is not TRIANGLES:TEXTURE_PX") as info:
        Level.parse(text)
    assert info.value.fix == "write e.g. 20k:512" and info.value.value == text


def test_a_level_below_the_simplifier_minimum_or_without_texture_pixels_is_refused():
    with pytest.raises(VtourError, match=f"level: 3 triangles is below the minimum of {MIN_TRIANGLES}"):
        Level(3, 512)
    with pytest.raises(VtourError, match="level: texture size 0 px is below 1"):
        Level(1000, 0)


def test_levels_out_of_order_are_refused_naming_both_levels_and_their_values():
    with pytest.raises(VtourError) as info:
        check_levels((Level(100, 64), Level(1000, 512), Level(500, 512)))
    assert ("level 2 (500 triangles, 512 px) follows level 1 (1000 triangles, 512 px)") in str(info.value)
    with pytest.raises(VtourError, match=r"level 1 \(2000 triangles, 256 px\) follows level 0 \(1000 triangles, 512 px\)"):
        check_levels((Level(1000, 512), Level(2000, 256)))          # texture size shrinking
    with pytest.raises(VtourError, match="no levels of detail"):
        check_levels(())
    check_levels((Level(1000, 512), Level(2000, 512)))               # equal texture sizes are fine
    check_levels(DEFAULT_LEVELS)


def test_the_chain_reaches_each_budget_coarse_to_fine_and_is_nested():
    sphere, _ = clean_mesh(uv_sphere(48, 96))                         # 9,024 triangles
    levels = (Level(400, 64), Level(1000, 128), Level(4000, 256))
    chain = build_chain(sphere, levels)
    for (mesh, result), level in zip(chain, levels):
        assert 0.9 * level.triangles <= mesh.triangle_count <= level.triangles
        assert result.triangles == mesh.triangle_count
    for (coarse, _), (fine, _) in zip(chain, chain[1:]):
        assert _records(coarse) <= _records(fine)                     # every coarse vertex is a finer one
    assert _records(chain[-1][0]) <= _records(sphere)


def test_the_chain_keeps_the_uv_seam_at_every_level():
    sphere, _ = clean_mesh(uv_sphere(48, 96))
    for mesh, _ in build_chain(sphere, (Level(400, 64), Level(2000, 128))):
        u = mesh.uv[mesh.faces, 0]
        # a triangle joining u ~ 0 and u ~ 1 would smear the whole texture across the seam
        assert (u.max(axis=1) - u.min(axis=1)).max() < 0.5


def test_a_budget_above_the_scan_keeps_the_scan_as_its_finest_level():
    sphere, _ = clean_mesh(uv_sphere(8, 16))
    chain = build_chain(sphere, (Level(50, 64), Level(10_000, 128)))
    assert chain[1][0] is sphere and chain[1][1].method == "none"
    assert chain[0][0].triangle_count <= 50


def _seamed_sphere():
    """A sphere whose every triangle has its own UVs: all edges are seams, so meshoptimizer cannot
    collapse it and the sloppy fallback empties it at a few triangles."""
    from vtour.model.mesh import Mesh

    sphere = uv_sphere(32, 64)
    positions = sphere.positions[sphere.faces].reshape(-1, 3)
    uv = np.random.default_rng(0).random((len(positions), 2))
    mesh, _ = clean_mesh(Mesh(positions, np.arange(len(positions)).reshape(-1, 3), uv=uv, source="/scans/seams.obj"))
    return mesh


def test_a_level_simplified_to_no_triangles_is_left_out_with_a_warning_naming_the_file_and_budget():
    mesh = _seamed_sphere()
    levels = (Level(10, 8), Level(5000, 16))                         # the finest is the mesh whole
    with pytest.warns(VtourWarning, match="sloppy"):
        chain = build_chain(mesh, levels)
    assert chain[0][0].triangle_count == 0 < chain[1][0].triangle_count
    with pytest.warns(VtourWarning, match=r"/scans/seams.obj: level 0 \(10 triangles, 8 px\) is left out: "
                                          "simplifying to 10 triangles left none") as caught:
        written, left_out = written_levels(levels, chain)
    assert "raise" in str(caught[0].message)
    assert written == [1]
    assert [(x.level, x.same_as) for x in left_out] == [(Level(10, 8), None)]


def test_no_level_with_triangles_at_all_is_an_error_naming_the_file():
    mesh = _seamed_sphere()
    with pytest.warns(VtourWarning):
        chain = build_chain(mesh, (Level(4, 8),))
    with pytest.raises(VtourError, match="/scans/seams.obj: no level has triangles left") as info, \
            pytest.warns(VtourWarning):
        written_levels((Level(4, 8),), chain)
    assert "--lods" in info.value.fix


def test_levels_that_the_scan_fits_in_whole_are_written_once():
    sphere, _ = clean_mesh(uv_sphere(8, 16, texture=np.zeros((300, 200, 3), np.uint8)))  # 224 triangles
    levels = (Level(50, 64), Level(500, 256), Level(1000, 512), Level(2000, 1024))
    written, left_out = written_levels(levels, build_chain(sphere, levels))
    # 256 px and 300 px textures differ; 300 px (the image's own) is the same at 512 and 1024 px
    assert written == [0, 1, 2]
    assert [(x.level, x.same_as) for x in left_out] == [(Level(2000, 1024), 2)]
    assert left_out[0].reason == ("the same as lod2.glb: the mesh has 224 triangles, within both budgets, "
                                  "and its textures are at most 300 px")
    untextured = sphere.replace(uv=None)
    written, left_out = written_levels(levels, build_chain(untextured, levels))
    assert written == [0, 1] and [x.same_as for x in left_out] == [1, 1]
