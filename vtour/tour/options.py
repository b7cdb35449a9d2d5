"""A scene's PanoOptions and a model's ModelOptions, from the tour's defaults and its own fields.

The tour only names fields of :class:`vtour.pano.PanoOptions` and :class:`vtour.model.ModelOptions`;
their defaults stay in those modules (``DEFAULT_PANO_OPTIONS``, ``DEFAULT_MODEL_OPTIONS``). A
scene's ``pano`` mapping overrides the tour's top-level ``pano``; a model's ``lod`` overrides the
top-level ``lod``. Both raise :class:`vtour.errors.VtourError` for a bad value.
"""

from __future__ import annotations

from dataclasses import replace

from vtour.errors import VtourError
from vtour.pano import DEFAULT_PANO_OPTIONS, PanoOptions
from vtour.pano.coverage import Coverage
from vtour.tour.document import Model, Scene, Tour

_COVERAGE = ("hfov", "vfov", "yaw", "pitch")


def pano_options(tour: Tour, scene: Scene) -> PanoOptions:
    """PanoOptions of one scene. Tile encoding uses one thread: stages run side by side."""
    fields = {**tour.pano, **scene.pano}
    coverage = {k: fields.pop(k) for k in _COVERAGE if k in fields}
    options = {"jobs": 1, **fields}
    if coverage:
        options["coverage"] = Coverage(**{k: float(v) for k, v in coverage.items()})
    if scene.faces:  # named faces: their files are linked as f.jpg, r.jpg... so the order is moot
        options["mode"] = "cube"
    try:
        return replace(DEFAULT_PANO_OPTIONS, **options)
    except (TypeError, ValueError) as exc:
        raise VtourError(
            "tour",
            f"scene {scene.id}: bad pano option ({exc})",
            field="pano",
            value=fields,
            fix="see docs/tour-yaml.md, scene pano",
        ) from None


def _level(value):
    from vtour.model import Level

    if isinstance(value, str):
        return Level.parse(value)
    if isinstance(value, dict):
        return Level(int(value["triangles"]), int(value["texture_size"]))
    raise VtourError(
        "tour",
        "a level is 'TRIANGLES:TEXTURE_PX' or {triangles, texture_size}",
        field="lod.levels",
        value=value,
        fix="write e.g. 20k:512",
    )


def model_options(tour: Tour, model: Model):
    """ModelOptions of one model: its ``lod`` fields, units, title and licence."""
    from vtour.model import DEFAULT_MODEL_OPTIONS

    fields = {**tour.lod, **model.lod}
    options = {k: v for k, v in fields.items() if k != "levels"}
    if "levels" in fields:
        levels = fields["levels"]
        if not isinstance(levels, list):
            raise VtourError(
                "tour",
                f"model {model.id}: lod.levels must be a list",
                field="lod.levels",
                value=levels,
                fix="write levels: [20k:512, 150k:2048]",
            )
        options["lods"] = tuple(_level(v) for v in levels)
    title = model.title or {}
    options["title"] = title.get(tour.language) or next(iter(title.values()), model.id)
    licence = model.metadata.get("licence")
    if isinstance(licence, dict):
        licence = licence.get(tour.language) or next(iter(licence.values()), "")
    options["licence"] = licence or ""
    if model.units is not None:
        options["units"] = model.units
    try:
        return DEFAULT_MODEL_OPTIONS.replace(**options)
    except (TypeError, ValueError, KeyError) as exc:
        raise VtourError(
            "tour",
            f"model {model.id}: bad lod option ({exc})",
            field="lod",
            value=fields,
            fix="see docs/tour-yaml.md, model lod",
        ) from None
