"""What a model build can be asked to do: :class:`ModelOptions`, declared once.

The CLI flags of ``vtour model``, the keys of a tour.yaml's ``lod:`` blocks and the table in
docs/tour-yaml.md all come from these fields.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from vtour.conventions import UNITS
from vtour.errors import VtourError
from vtour.model.deviation import SAMPLES
from vtour.model.lod import DEFAULT_LEVELS, Level, check_levels
from vtour.model.texture import QUALITY


@dataclass(frozen=True)
class ModelOptions:
    """Options of :func:`build_model`; the CLI's defaults are these.

    lods : tuple of Level, coarse to fine, default DEFAULT_LEVELS (20k/512, 150k/2k, 500k/4k)
    texture_format : "jpeg" | "webp", default "jpeg" (colour maps; normal, metallic-roughness and
        occlusion maps are always JPEG 4:4:4 at quality >= 95, see texture.py)
    texture_quality : int 1..100, default 90
    uncompressed : bool, default False. Also write ``lod<k>.uncompressed.glb`` (quantized, no
        EXT_meshopt_compression) for tools without a meshopt decoder.
    position_bits : int 8..16, default 14 (gltfpack's default; 1/16383 of the largest box side)
    units : str or None. Overrides the units the format implies ("m", "cm", "mm", "unknown").
    title, licence : str. Written to each .glb's asset metadata and to report.json.
    drop_fragments : float, default 0.0 (keep all). Drop pieces below this fraction of triangles.
    color_weight : float, default 1.0. Weight of vertex colours in the simplifier's metric.
    deviation_samples : int, default 200,000 area-uniform samples per direction.
    """

    lods: tuple[Level, ...] = DEFAULT_LEVELS
    texture_format: str = "jpeg"
    texture_quality: int = QUALITY
    uncompressed: bool = False
    position_bits: int = 14
    units: str | None = None
    title: str = ""
    licence: str = ""
    drop_fragments: float = 0.0
    color_weight: float = 1.0
    deviation_samples: int = SAMPLES

    def __post_init__(self):
        check_levels(tuple(self.lods))
        if self.texture_format not in ("jpeg", "webp"):
            raise VtourError(
                "model", "texture format must be jpeg or webp", field="texture_format", value=self.texture_format
            )
        if self.units is not None and self.units not in UNITS:
            raise VtourError("model", f"units must be one of {', '.join(UNITS)}", field="units", value=self.units)
        if not 8 <= self.position_bits <= 16:
            raise VtourError("model", "position_bits must be 8..16", field="position_bits", value=self.position_bits)
        if not 0.0 <= self.drop_fragments < 1.0:
            raise VtourError(
                "model", "drop_fragments must be in [0, 1)", field="drop_fragments", value=self.drop_fragments
            )

    def replace(self, **changes) -> ModelOptions:
        return replace(self, **changes)


DEFAULT_MODEL_OPTIONS = ModelOptions()
