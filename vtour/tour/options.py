"""A scene's PanoOptions, a model's ModelOptions and a deep-zoom image's ImageOptions, from the
tour's defaults and its own fields.

The tour only names fields of :class:`vtour.pano.PanoOptions` and :class:`vtour.model.ModelOptions`,
by the tour.yaml keys those fields declare (:mod:`vtour.option_spec`); their defaults stay in those
modules (``DEFAULT_PANO_OPTIONS``, ``DEFAULT_MODEL_OPTIONS``). A scene's ``pano`` mapping overrides
the tour's top-level ``pano``; a model's ``lod`` overrides the top-level ``lod``; an image's ``zoom``
(fields of :class:`vtour.image.ImageOptions` by name, :data:`vtour.tour.deepzoom.ZOOM_KEYS`)
overrides the top-level ``zoom``. All raise :class:`vtour.errors.VtourError` for a bad value.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from vtour.errors import VtourError
from vtour.image.options import DEFAULT_BASE_URL, DEFAULT_IMAGE_OPTIONS, ImageOptions
from vtour.model import DEFAULT_MODEL_OPTIONS, ModelOptions
from vtour.option_spec import declared, values_from_tour
from vtour.pano import DEFAULT_PANO_OPTIONS, PanoOptions
from vtour.tour.deepzoom import ZOOM_INTEGERS, DeepZoomImage
from vtour.tour.document import Model, Scene, Tour, number_problem
from vtour.tour.layout import IMAGES


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


def base_url(tour: Tour) -> str:
    """Where the built tour will be published, without a trailing slash: the tour's ``base_url``,
    else :data:`vtour.image.options.DEFAULT_BASE_URL` (what ``vtour serve`` and ``python3 -m
    http.server`` serve at)."""
    return (tour.base_url or DEFAULT_BASE_URL).rstrip("/")


#: The base URL a deep-zoom image's tiles are built with (the image stage's info.json id is
#: ``STAGE_BASE_URL/<id>``): the stage does not depend on the tour's ``base_url``, so publishing
#: elsewhere reuses the cached tiles; the tour's own info.json is written at assembly
#: (:func:`vtour.tour.assemble.write_tour_folder`) with the real id.
STAGE_BASE_URL = "http://vtour.invalid/images"


def image_options(tour: Tour, image: DeepZoomImage, *, stage: bool = False) -> ImageOptions:
    """ImageOptions of one deep-zoom image: its ``zoom`` fields over the tour's, and the base URL
    ``<base_url>/images`` (info.json's id is then ``<base_url>/images/<id>``), or with ``stage``
    :data:`STAGE_BASE_URL`. The manifest's label, summary and rights stay empty: the tour writes its
    manifests itself (:mod:`vtour.tour.iiif`), so a title change does not rebuild the tiles.

    Raises one VtourError naming every bad value (``zoom: {tile_size: 0, quality: 500}``: both)."""
    fields = {**tour.zoom, **image.zoom}
    problems: list[tuple[str, object, str, str]] = []  # key, value, why, fix
    given: dict[str, Any] = {}
    for key, value in fields.items():
        why = number_problem(value)
        if why is None and key in ZOOM_INTEGERS and value != int(value):
            why = (f"expected a whole number, got {value!r}", f"write {round(value)}")
        if why:
            problems.append((key, value, why[0], why[1]))
            continue
        number: Any = int(value) if key in ZOOM_INTEGERS else float(value)
        try:  # one field at a time, so that each bad one is named
            replace(DEFAULT_IMAGE_OPTIONS, **{key: number})
        except VtourError as exc:
            problems.append((key, value, exc.message, exc.fix or "see docs/tour-yaml.md, image zoom"))
            continue
        given[key] = number
    if problems:
        key, value, _, _ = problems[0]
        raise VtourError(
            "tour",
            f"image {image.id}: bad zoom option{'s' if len(problems) > 1 else ''} "
            + "; ".join(f"{k}: {why}" for k, _, why, _ in problems),
            field=f"zoom.{key}" if len(problems) == 1 else "zoom",
            value=value if len(problems) == 1 else {k: v for k, v, _, _ in problems},
            fix="; ".join(dict.fromkeys(f for _, _, _, f in problems)),
        )
    url = STAGE_BASE_URL if stage else f"{base_url(tour)}/{IMAGES}"
    try:
        return replace(DEFAULT_IMAGE_OPTIONS, **given, base_url=url)
    except VtourError as exc:
        raise VtourError(
            "tour",
            f"image {image.id}: bad zoom option {exc.field} ({exc.message})",
            field=f"zoom.{exc.field}",
            value=exc.value,
            fix=exc.fix or "see docs/tour-yaml.md, image zoom",
        ) from None
