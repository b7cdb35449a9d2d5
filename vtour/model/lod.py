"""The chain of levels of detail: budgets, and simplification from fine to coarse.

Levels are listed coarse to fine (``lod0`` is the coarsest), as the viewer loads them. Each level is
simplified from the next finer one, not from the scan: meshoptimizer reuses vertices, so the chain
is nested (every vertex of a coarse level is a vertex of the finer ones) and each step is cheaper.
Deviation is always measured against the scan, so the error does not hide in the chain.

Defaults follow Smithsonian Voyager's derivatives (thumb 20 k faces with 512 px; web 150 k with
2k; close inspection 500 k with 4k; 2k is the safe size for phones, 4k crashes iOS browsers).
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass

import numpy as np

from vtour.errors import VtourError, VtourWarning
from vtour.model import chunked
from vtour.model.mesh import Mesh
from vtour.model.simplify import MIN_TRIANGLES, SimplifyResult, simplify_mesh


@dataclass(frozen=True)
class Level:
    """One level's budget: at most ``triangles`` triangles, textures at most ``texture_size`` px
    on their longest side (never enlarged)."""

    triangles: int
    texture_size: int

    def __post_init__(self):
        if self.triangles < MIN_TRIANGLES:
            raise VtourError(
                "model",
                f"level: {self.triangles} triangles is below the minimum of {MIN_TRIANGLES}",
                field="triangles",
                value=self.triangles,
            )
        if self.texture_size < 1:
            raise VtourError(
                "model",
                f"level: texture size {self.texture_size} px is below 1",
                field="texture_size",
                value=self.texture_size,
            )

    def texture_side(self, image: np.ndarray) -> int:
        """The longest side of ``image`` ((h, w, ...) array) at this level: never enlarged."""
        return min(self.texture_size, max(image.shape[:2]))

    @classmethod
    def parse(cls, text: str) -> Level:
        """``"20000:512"`` or ``"20k:512"`` -> Level(20000, 512); VtourError naming ``text`` otherwise."""
        try:
            tri, size = text.lower().split(":")
            factor = 1000 if tri.endswith("k") else 1_000_000 if tri.endswith("m") else 1
            triangles, pixels = int(float(tri.rstrip("km")) * factor), int(size)
        except (ValueError, OverflowError) as exc:  # OverflowError: inf or 1e400 triangles
            raise VtourError(
                "model",
                f"level {text!r} is not TRIANGLES:TEXTURE_PX",
                field="--lods",
                value=text,
                fix="write e.g. 20k:512",
            ) from exc
        try:
            return cls(triangles, pixels)
        except VtourError as exc:
            raise VtourError(
                "model",
                f"level {text!r}: {exc.message.removeprefix('level: ')}",
                field="--lods",
                value=text,
                fix="write e.g. 20k:512",
            ) from None


#: Voyager-like thumb / web / close-inspection levels, coarse to fine.
DEFAULT_LEVELS: tuple[Level, ...] = (Level(20_000, 512), Level(150_000, 2048), Level(500_000, 4096))


def check_levels(levels: tuple[Level, ...]) -> None:
    """Levels must be listed coarse to fine: triangles strictly and texture sizes not decreasing."""
    if not levels:
        raise VtourError("model", "no levels of detail were asked for", field="lods")
    for i, (a, b) in enumerate(itertools.pairwise(levels)):
        if b.triangles <= a.triangles or b.texture_size < a.texture_size:
            raise VtourError(
                "model",
                f"levels must go coarse to fine: level {i + 1} "
                f"({b.triangles} triangles, {b.texture_size} px) follows level {i} "
                f"({a.triangles} triangles, {a.texture_size} px)",
                field="lods",
            )


def build_chain(
    mesh: Mesh, levels: tuple[Level, ...], *, color_weight: float = 1.0, chunk_threshold: int | None = None
) -> list[tuple[Mesh, SimplifyResult]]:
    """Simplified meshes for ``levels`` (coarse to fine), each from the next finer one that has
    triangles (a level may come out empty: see :func:`written_levels`).

    A mesh above ``chunk_threshold`` triangles (default :data:`vtour.model.chunked.CHUNK_THRESHOLD`)
    is simplified in chunks with locked borders, then merged and finished in one pass
    (:func:`vtour.model.chunked.simplify_chunked`): bounded memory for 20 M-triangle scans. That is
    the finest level's step; the coarser levels start from it as always.
    """
    check_levels(levels)
    threshold = chunked.CHUNK_THRESHOLD if chunk_threshold is None else chunk_threshold
    out: list[tuple[Mesh, SimplifyResult]] = []
    current = mesh
    for level in reversed(levels):
        if current.triangle_count > threshold and level.triangles < current.triangle_count:
            simplified, result = chunked.simplify_chunked(current, level.triangles, color_weight=color_weight)
        else:
            simplified, result = simplify_mesh(current, level.triangles, color_weight=color_weight)
        out.append((simplified, result))
        if simplified.triangle_count:
            current = simplified
    return out[::-1]


@dataclass(frozen=True)
class LeftOut:
    """A level of the chain that is not written, and why: ``same_as`` is the index (among the
    written levels) of the level it equals, or None when its simplification left no triangles."""

    level: Level
    reason: str
    same_as: int | None


def texture_sides(mesh: Mesh, level: Level) -> tuple[int, ...]:
    """The longest side of each map of ``mesh`` at ``level``: its budget, or the image's own side
    when smaller (never enlarged); () for a mesh without UVs, whose maps are not written."""
    if mesh.uv is None:
        return ()
    return tuple(level.texture_side(image) for m in mesh.materials for image in m.maps.values())


def written_levels(
    levels: tuple[Level, ...], chain: list[tuple[Mesh, SimplifyResult]]
) -> tuple[list[int], list[LeftOut]]:
    """Which levels of ``chain`` (from :func:`build_chain`) to write, coarse to fine, and which not.

    A level is left out when its simplification left no triangles (never a level of 0 triangles:
    warned, as a budget to raise), or when it equals the coarser level written before it: the same
    mesh (the scan fits both budgets whole) with textures of the same sizes, which would be the
    same file twice.

    Raises
    ------
    VtourError
        No level has triangles.
    """
    written: list[int] = []
    left_out: list[LeftOut] = []
    for k, (level, (mesh, _)) in enumerate(zip(levels, chain)):
        if mesh.triangle_count == 0:
            reason = (
                f"simplifying to {level.triangles} triangles left none: meshoptimizer stops above the budget "
                "at seams and borders, and its sloppy fallback removes every triangle at this size"
            )
            warnings.warn(
                f"model: {mesh.source}: level {k} ({level.triangles} triangles, {level.texture_size} px) is "
                f"left out: {reason}; raise that level's triangles (--lods or lod.levels)",
                VtourWarning,
                stacklevel=2,
            )
            left_out.append(LeftOut(level, reason, None))
            continue
        if written:
            j = written[-1]
            coarser, budget = chain[j][0], levels[j]
            if coarser is mesh and texture_sides(mesh, budget) == texture_sides(mesh, level):
                sides = texture_sides(mesh, level)
                reason = (
                    f"the same as lod{len(written) - 1}.glb: the mesh has {mesh.triangle_count} triangles, "
                    "within both budgets"
                )
                if sides:
                    reason += f", and its textures are at most {max(sides)} px"
                left_out.append(LeftOut(level, reason, len(written) - 1))
                continue
        written.append(k)
    if not written:
        raise VtourError(
            "model",
            "no level has triangles left after simplification",
            path=chain[-1][0].source or None,
            fix="raise the triangles of the finest level (--lods or lod.levels)",
        )
    return written, left_out
