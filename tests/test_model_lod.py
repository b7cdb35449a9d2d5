"""Levels of detail: budgets parsed and checked at the boundary, a nested chain that meets them."""

from __future__ import annotations

import numpy as np
import pytest

from vtour.errors import VtourError
from vtour.model.clean import clean_mesh
from vtour.model.lod import DEFAULT_LEVELS, Level, build_chain, check_levels
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
