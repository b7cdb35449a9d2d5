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
from dataclasses import dataclass

from vtour.errors import VtourError
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

    @classmethod
    def parse(cls, text: str) -> Level:
        """``"20000:512"`` or ``"20k:512"`` -> Level(20000, 512)."""
        try:
            tri, size = text.lower().split(":")
            factor = 1000 if tri.endswith("k") else 1_000_000 if tri.endswith("m") else 1
            return cls(int(float(tri.rstrip("km")) * factor), int(size))
        except ValueError as exc:
            raise VtourError(
                "model",
                f"level {text!r} is not TRIANGLES:TEXTURE_PX",
                field="--lods",
                value=text,
                fix="write e.g. 20k:512",
            ) from exc


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
    mesh: Mesh, levels: tuple[Level, ...], *, color_weight: float = 1.0
) -> list[tuple[Mesh, SimplifyResult]]:
    """Simplified meshes for ``levels`` (coarse to fine), each from the next finer one."""
    check_levels(levels)
    out: list[tuple[Mesh, SimplifyResult]] = []
    current = mesh
    for level in reversed(levels):
        current, result = simplify_mesh(current, level.triangles, color_weight=color_weight)
        out.append((current, result))
    return out[::-1]
