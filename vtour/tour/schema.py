"""The tour.json JSON Schema (draft 2020-12) that ships in the package, and validation against it.

``vtour/schemas/tour-<version>.schema.json`` is read with :mod:`importlib.resources`, so it works
from a wheel; hatchling includes it because it lies inside the ``vtour`` package folder.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path

from vtour.errors import Problem, VtourError
from vtour.tour.document import read_json
from vtour.tour.layout import TOUR_JSON, built_tour_folder, require_built_tour

TOUR_FORMAT, TOUR_VERSION = "vtour-tour", 1


@functools.cache
def tour_schema(version: int = TOUR_VERSION) -> dict:
    """The parsed schema of tour.json ``version``."""
    try:
        text = resources.files("vtour.schemas").joinpath(f"tour-{version}.schema.json").read_text("utf-8")
    except FileNotFoundError:
        raise VtourError(
            "tour", f"no schema for tour.json version {version}", field="version", value=version, fix="upgrade vtour"
        ) from None
    return json.loads(text)


@functools.cache
def _validator(version: int):
    import jsonschema  # ~0.12 s to import: only when a document is checked, not for every vtour command

    schema = tour_schema(version)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _where(error) -> str:
    out = ""
    for part in error.absolute_path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


def schema_problems(doc: dict, file: str = "tour.json") -> list[Problem]:
    """Every schema violation of a tour.json document, each located (``tour.json: scenes[0].view``)."""
    version = doc.get("version", TOUR_VERSION) if isinstance(doc, dict) else TOUR_VERSION
    if not isinstance(version, int) or version < 1:
        return [Problem(f"{file}: version", f"unknown version {version!r}", "rebuild the tour")]
    try:
        validator = _validator(version)
    except VtourError as exc:
        return [Problem(f"{file}: version", exc.message, exc.fix or "")]
    errors = sorted(validator.iter_errors(doc), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    return [Problem(f"{file}: {_where(e)}", e.message, "rebuild the tour with vtour build") for e in errors]


def check_tour_json(doc: dict, file: str = "tour.json") -> None:
    """Raise VtourError listing every schema violation (used when writing and when loading)."""
    problems = schema_problems(doc, file)
    if problems:
        raise VtourError("tour", f"{len(problems)} schema problem(s):\n  " + "\n  ".join(map(str, problems)), path=file)


def read_tour_json(path: str | Path, step: str = "tour") -> dict:
    """A built tour's tour.json (a folder or the file) as a JSON object, not checked against the
    schema (the static page and the package only read the start scene from it); errors are
    ``step``'s."""
    path = require_built_tour(built_tour_folder(path), step) / TOUR_JSON
    try:
        doc = read_json(path.read_text("utf-8"), path, "rebuild the tour")
    except json.JSONDecodeError as exc:
        raise VtourError(step, f"tour.json is not valid JSON ({exc})", path=path, fix="rebuild the tour") from None
    except OSError as exc:
        raise VtourError(step, f"cannot read tour.json ({exc.strerror or exc})", path=path) from None
    if not isinstance(doc, dict):
        raise VtourError(step, "tour.json is not a JSON object", path=path, fix="rebuild the tour")
    return doc


def load_tour_json(path: str | Path) -> dict:
    """Read a built tour's tour.json (a folder or the file), validated against its schema."""
    path = require_built_tour(built_tour_folder(path), "tour") / TOUR_JSON
    doc = read_tour_json(path)
    check_tour_json(doc, str(path))
    return doc
