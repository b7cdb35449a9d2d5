"""A scene's PanoOptions and a model's ModelOptions, from the tour's defaults and its own fields.

The tour only names fields of :class:`vtour.pano.PanoOptions` and :class:`vtour.model.ModelOptions`,
by the tour.yaml keys those fields declare (:mod:`vtour.option_spec`); their defaults stay in those
modules (``DEFAULT_PANO_OPTIONS``, ``DEFAULT_MODEL_OPTIONS``). A scene's ``pano`` mapping overrides
the tour's top-level ``pano``; a model's ``lod`` overrides the top-level ``lod``. Both raise
:class:`vtour.errors.VtourError` for a bad value.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from vtour.errors import VtourError
from vtour.model import DEFAULT_MODEL_OPTIONS, ModelOptions
from vtour.option_spec import declared, values_from_tour
from vtour.pano import DEFAULT_PANO_OPTIONS, PanoOptions
from vtour.tour.document import Model, Scene, Tour, number_problem


def _check_numbers(cls: type, fields: dict, what: str, field: str) -> None:
    """A VtourError for the first key that declares a number (its flag parses with int or float)
    and is given anything but a finite one: a quoted ``'90'`` would otherwise end in a Python
    message (``'>' not supported between instances of 'str' and 'int'``)."""
    for _, opt in declared(cls):
        for _, part in opt.parts or (("", opt),):
            if part.tour in fields and part.parse in (int, float):
                why = number_problem(fields[part.tour])
                if why:
                    raise VtourError(
                        "tour",
                        f"{what}: bad {field} option {part.tour}: {why[0]}",
                        field=f"{field}.{part.tour}",
                        value=fields[part.tour],
                        fix=why[1],
                    )


def pano_options(tour: Tour, scene: Scene) -> PanoOptions:
    """PanoOptions of one scene. Tile encoding uses one thread: stages run side by side."""
    fields = {**tour.pano, **scene.pano}
    _check_numbers(PanoOptions, fields, f"scene {scene.id}", "pano")
    try:
        options = {"jobs": 1, **values_from_tour(PanoOptions, fields)}
        if scene.faces:  # named faces: their files are linked as f.jpg, r.jpg... so the order is moot
            options["mode"] = "cube"
        return replace(DEFAULT_PANO_OPTIONS, **options)
    except (TypeError, ValueError) as exc:
        raise VtourError(
            "tour",
            f"scene {scene.id}: bad pano option ({exc})",
            field="pano",
            value=fields,
            fix="see docs/tour-yaml.md, scene pano",
        ) from None


def _text(texts: dict | None, language: str, fallback: str) -> str:
    """A model's text in the tour's language, else its first, else ``fallback``."""
    texts = texts or {}
    return texts.get(language) or next(iter(texts.values()), fallback)


def model_options(tour: Tour, model: Model) -> ModelOptions:
    """ModelOptions of one model: its ``lod`` fields, units, title and licence.

    ``model.units`` is one of :data:`vtour.conventions.UNITS` or None: :mod:`vtour.tour.document`
    reports any other value where it is written (``models[i].units``) and reads it as None.
    """
    fields = {**tour.lod, **model.lod}
    _check_numbers(ModelOptions, fields, f"model {model.id}", "lod")
    licence = model.metadata.get("licence")
    own: dict[str, Any] = {
        "title": _text(model.title, tour.language, model.id),
        "licence": _text(licence, tour.language, "") if isinstance(licence, dict) else licence or "",
    }
    if model.units is not None:
        own["units"] = model.units
    try:
        return replace(DEFAULT_MODEL_OPTIONS, **values_from_tour(ModelOptions, fields), **own)
    except (TypeError, ValueError, KeyError) as exc:
        raise VtourError(
            "tour",
            f"model {model.id}: bad lod option ({exc})",
            field="lod",
            value=fields,
            fix="see docs/tour-yaml.md, model lod",
        ) from None
