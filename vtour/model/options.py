"""What a model build can be asked to do: :class:`ModelOptions`, declared once.

The CLI flags of ``vtour model``, the keys of a tour.yaml's ``lod:`` blocks and the table in
docs/tour-yaml.md all come from these fields: each declares its flag and key with
:func:`vtour.option_spec.option`.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from vtour.conventions import UNITS
from vtour.errors import VtourError
from vtour.model.deviation import SAMPLES
from vtour.model.lod import DEFAULT_LEVELS, Level, check_levels
from vtour.model.texture import QUALITY
from vtour.option_spec import option

#: The fewest area-uniform samples per direction a deviation report may use.
MIN_SAMPLES = 1000


def _whole(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _real(value: Any) -> bool:
    return isinstance(value, (int, float, np.number)) and not isinstance(value, bool) and math.isfinite(value)


def _levels_text(levels: tuple[Level, ...]) -> str:
    return " ".join(f"{lv.triangles}:{lv.texture_size}" for lv in levels)


def _level_flag(text: str) -> Level:
    """One ``--lods`` item -> Level. argparse reports a refused item as ``argument --lods:
    <message>`` with exit code 2 only when it raises ArgumentTypeError (a VtourError would escape
    argument parsing as a traceback)."""
    try:
        return Level.parse(text)
    except VtourError as exc:
        raise argparse.ArgumentTypeError(exc.message + (f"; {exc.fix}" if exc.fix else "")) from None


def _level_from_yaml(value: Any) -> Level:
    try:
        if isinstance(value, str):
            return Level.parse(value)
        if isinstance(value, dict) and set(value) == {"triangles", "texture_size"}:
            return Level(int(value["triangles"]), int(value["texture_size"]))
        problem = "is not 'TRIANGLES:TEXTURE_PX' or {triangles, texture_size}"
    except VtourError as exc:  # Level.parse's message names the level already
        raise ValueError(f"lod.levels: {exc.message}; write e.g. 20k:512") from None
    except (ValueError, TypeError, OverflowError):
        problem = "needs whole numbers of triangles and texture pixels"
    raise ValueError(f"lod.levels: level {value!r} {problem}; write e.g. 20k:512")


def levels_from_yaml(levels: Any) -> tuple[Level, ...]:
    """A tour.yaml's ``levels:`` -> Levels: a list of ``"20k:512"`` strings or
    ``{triangles, texture_size}`` mappings, coarse to fine.

    Raises
    ------
    ValueError
        Naming ``lod.levels``, the level and an example; :mod:`vtour.tour.options` adds the model.
    """
    if not isinstance(levels, list):
        raise ValueError(f"lod.levels must be a list, not {levels!r}; write levels: [20k:512, 150k:2048]")
    return tuple(_level_from_yaml(v) for v in levels)


@dataclass(frozen=True)
class ModelOptions:
    """Options of :func:`build_model`; the CLI's defaults are these.

    lods : tuple of Level, coarse to fine, default DEFAULT_LEVELS (20k/512, 150k/2k, 500k/4k)
    texture_format : "jpeg" | "webp", default "jpeg" (colour maps; normal, metallic-roughness and
        occlusion maps are always JPEG 4:4:4 at quality >= 95, see texture.py)
    texture_quality : int 1..100, default 90
    uncompressed : bool, default False. Also write ``lod<k>.uncompressed.glb`` (core glTF floats:
        no EXT_meshopt_compression, no KHR_mesh_quantization) for tools without their decoders.
    position_bits : int 8..16, default 14 (gltfpack's default; 1/16383 of the largest box side)
    units : str or None. Overrides the units the format implies ("m", "cm", "mm", "unknown").
    title, licence : str. Written to each .glb's asset metadata and to report.json.
    drop_fragments : float, default 0.0 (keep all). Drop pieces below this fraction of triangles.
    color_weight : float, default 1.0. Weight of vertex colours in the simplifier's metric.
    deviation_samples : int, default 200,000 area-uniform samples per direction.
    """

    lods: tuple[Level, ...] = field(
        default=DEFAULT_LEVELS,
        metadata=option(
            "--lods",
            "levels coarse to fine, triangles:texture px (default {default})",
            tour="levels",
            nargs="+",
            metavar="TRI:PX",
            parse=_level_flag,
            show=_levels_text,
            from_tour=levels_from_yaml,
        ),
    )
    texture_format: str = field(
        default="jpeg",
        metadata=option(
            "--texture-format", "texture encoding (default {default})", tour="texture_format", choices=("jpeg", "webp")
        ),
    )
    texture_quality: int = field(
        default=QUALITY,
        metadata=option(
            "--texture-quality", "JPEG/WebP quality (default {default})", tour="texture_quality", parse=int
        ),
    )
    uncompressed: bool = field(
        default=False,
        metadata=option(
            "--uncompressed",
            "also write lod<k>.uncompressed.glb without EXT_meshopt_compression",
            tour="uncompressed",
            switch=True,
        ),
    )
    position_bits: int = field(
        default=14,
        metadata=option(
            "--position-bits",
            "position quantization bits, 8..16 (default {default})",
            tour="position_bits",
            parse=int,
        ),
    )
    # units, title and licence are a tour's model fields (units:, title:, metadata.licence), not lod keys
    units: str | None = field(
        default=None,
        metadata=option("--units", "the scan's units (default: metres for glTF/GLB, else unknown)", choices=UNITS),
    )
    title: str = field(default="", metadata=option("--title", "title in the .glb metadata (default: file name)"))
    licence: str = field(default="", metadata=option("--licence", "licence or copyright line", aliases=("--license",)))
    drop_fragments: float = field(
        default=0.0,
        metadata=option(
            "--drop-fragments",
            "drop pieces smaller than this fraction of the triangles (default: keep all)",
            tour="drop_fragments",
            metavar="FRACTION",
            parse=float,
        ),
    )
    color_weight: float = field(
        default=1.0,
        metadata=option(
            "--color-weight",
            "weight of vertex colours in the simplifier's metric (default {default})",
            tour="color_weight",
            parse=float,
        ),
    )
    deviation_samples: int = field(
        default=SAMPLES,
        metadata=option(
            "--deviation-samples",
            "area-uniform samples per direction for the deviation report (default {default})",
            tour="deviation_samples",
            parse=int,
        ),
    )

    def __post_init__(self):
        check_levels(tuple(self.lods))
        if self.texture_format not in ("jpeg", "webp"):
            raise VtourError(
                "model", "texture format must be jpeg or webp", field="texture_format", value=self.texture_format
            )
        if self.units is not None and self.units not in UNITS:
            raise VtourError("model", f"units must be one of {', '.join(UNITS)}", field="units", value=self.units)
        for name, ok, rule in (
            ("position_bits", lambda v: _whole(v) and 8 <= v <= 16, "must be 8..16"),
            ("texture_quality", lambda v: _whole(v) and 1 <= v <= 100, "must be 1..100"),
            ("drop_fragments", lambda v: _real(v) and 0.0 <= v < 1.0, "must be in [0, 1)"),
            ("color_weight", lambda v: _real(v) and v >= 0.0, "must be a finite number >= 0"),
            # fewer samples leave the mean and RMS deviation noise (their standard error is ~1/sqrt(n))
            ("deviation_samples", lambda v: _whole(v) and v >= MIN_SAMPLES, f"must be at least {MIN_SAMPLES}"),
        ):
            value = getattr(self, name)
            if not ok(value):
                raise VtourError("model", f"{name} {rule}", field=name, value=value)

    def replace(self, **changes) -> ModelOptions:
        return replace(self, **changes)


DEFAULT_MODEL_OPTIONS = ModelOptions()
