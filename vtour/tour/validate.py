"""Every problem of a tour.yaml or a built tour, at once, each with its location and a fix.

``validate_path(PATH)`` takes a tour.yaml/.json or a built tour folder (or its tour.json) and
returns a list of :class:`vtour.errors.Problem`; an empty list means the tour is good. Nothing here
raises for a problem in the tour: only for a file that cannot be read at all.

Checked for tour.yaml: shape (types, unknown fields with a "did you mean"), ids (present, unique,
safe as folder names), references (start, link and model hotspot targets), angles (yaw in
[-180, 180), pitch in [-90, 90], fov in (0, 180)), texts (every declared language present, no
undeclared ones), paths (inside the tour folder, files present) and the pano/lod options. For a
built tour: the JSON Schema, references, texts and that every file tour.json names exists.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path, PurePosixPath

from vtour.conventions import FACES, wrap_yaw
from vtour.errors import Problem, VtourError
from vtour.tour.document import HOTSPOT_TYPES, ID_PATTERN, Tour, locate, read_tour
from vtour.tour.layout import TOUR_JSON, built_tour_folder, image_destination, require_built_tour
from vtour.tour.options import model_options, pano_options
from vtour.tour.schema import schema_problems


class _Report:
    def __init__(self, file: str, lines: dict):
        self.file, self.lines = file, lines
        self.problems: list[Problem] = []

    def __call__(self, where: str, message: str, fix: str = "") -> None:
        self.problems.append(Problem(locate(self.file, self.lines, where), message, fix))


def path_escape(rel: str) -> str | None:
    """Why ``rel`` (a path from the tour's folder) would leave it, or None when it stays inside."""
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", rel):
        return "is a URL, not a file in the tour folder"
    if rel.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", rel):
        return "is absolute"
    norm = os.path.normpath(rel.replace("\\", "/"))
    if norm == ".." or norm.startswith("../"):
        return "leaves the tour folder"
    return None


def check_texts(report, texts, languages, where: str) -> None:
    """A text must hold every declared language and no undeclared one."""
    if texts is None:
        return
    missing = [lang for lang in languages if not str(texts.get(lang, "")).strip()]
    if missing:
        report(
            where,
            f"text has no {', '.join(missing)} version" + (f" (has {', '.join(texts)})" if texts else ""),
            f"add {missing[0]}: ... or remove {missing[0]} from languages",
        )
    for lang in texts:
        if lang not in languages:
            report(
                f"{where}.{lang}",
                f"language {lang!r} is not declared in languages {list(languages)}",
                f"add {lang} to languages or remove this text",
            )


def check_angles(report, where: str, yaw=None, pitch=None, fov=None) -> None:
    if yaw is not None and not -180 <= yaw < 180:
        report(
            f"{where}.yaw" if where else "yaw",
            f"yaw {yaw:g} is outside [-180, 180)",
            f"use {wrap_yaw(yaw):g} (the same direction)",
        )
    if pitch is not None and not -90 <= pitch <= 90:
        report(f"{where}.pitch", f"pitch {pitch:g} is outside [-90, 90]", "use a pitch between -90 and 90")
    if fov is not None and not 0 < fov < 180:
        report(f"{where}.fov", f"field of view {fov:g} is outside (0, 180)", "use e.g. 75 (vertical degrees)")


def _check_file(report, root: Path, rel: str | None, where: str, what: str) -> None:
    if not rel:
        return
    why = path_escape(rel)
    if why:
        report(
            where,
            f"{what} path {rel!r} {why}",
            "move the file into the tour's folder and give its path relative to tour.yaml",
        )
    elif not (root / rel).is_file():
        report(where, f"{what} {rel!r} not found", f"put the file at {root / rel} or fix the path")


def _check_ids(report, items, kind: str, seen: dict) -> None:
    for item in items:
        where = f"{item.where}.id"
        if not ID_PATTERN.match(item.id):
            report(
                where,
                f"{kind} id {item.id!r} is not a safe name",
                "use letters, digits, '-', '_' or '.', at most 64, not starting with '.' or '-'",
            )
        if item.id in seen:
            report(where, f"duplicate {kind} id {item.id!r} (also at {seen[item.id]})", "give each a unique id")
        else:
            seen[item.id] = item.where


def validate_tour(tour: Tour) -> list[Problem]:
    """Semantic problems of a parsed tour.yaml (references, ids, angles, texts, files, options)."""
    report = _Report(tour.file, tour.lines)
    langs = tour.languages
    if len(set(langs)) != len(langs):
        report("languages", f"languages {list(langs)} lists one twice", "list each language once")
    if not tour.scenes:
        report("scenes", "the tour has no scenes", "add at least one scene with a panorama")
    if not ID_PATTERN.match(tour.id):
        report("id", f"tour id {tour.id!r} is not a safe folder name", "use letters, digits, '-', '_'")
    check_texts(report, tour.title, langs, "title")
    check_texts(report, tour.description, langs, "description")
    _check_ids(report, tour.scenes, "scene", {})
    _check_ids(report, tour.models, "model", {})
    scene_ids, model_ids = {s.id for s in tour.scenes}, {m.id for m in tour.models}
    if tour.start is not None and tour.start not in scene_ids:
        report(
            "start",
            f"start scene {tour.start!r} does not exist",
            f"use one of {sorted(scene_ids)}" if scene_ids else "add the scene",
        )
    _check_file(report, tour.root, tour.floorplan, "floorplan", "floor plan image")
    hotspot_ids: dict = {}
    for scene in tour.scenes:
        w = scene.where
        check_texts(report, scene.title, langs, f"{w}.title")
        check_texts(report, scene.description, langs, f"{w}.description")
        check_angles(report, f"{w}.view", scene.view.yaw, scene.view.pitch, scene.view.fov)
        if not -180 <= scene.north_offset < 180:
            report(
                f"{w}.north_offset",
                f"north offset {scene.north_offset:g} is outside [-180, 180)",
                "give the yaw of north in degrees",
            )
        if (
            scene.limits
            and None not in (scene.limits.get("min_fov"), scene.limits.get("max_fov"))
            and scene.limits["min_fov"] >= scene.limits["max_fov"]
        ):
            report(f"{w}.limits", "min_fov is not below max_fov", "swap them")
        if scene.floorplan_position is not None:
            if tour.floorplan is None:
                report(
                    f"{w}.floorplan_position",
                    "a position on a floor plan, but the tour has no floorplan",
                    "add floorplan: images/plan.png to the tour",
                )
            for axis, v in zip("xy", scene.floorplan_position):
                if not 0 <= v <= 1:
                    report(
                        f"{w}.floorplan_position.{axis}",
                        f"{axis} {v:g} is outside [0, 1]",
                        "give fractions of the plan image's width and height",
                    )
        for i, rel in enumerate(scene.panorama):
            _check_file(
                report, tour.root, rel, f"{w}.panorama" + (f"[{i}]" if len(scene.panorama) > 1 else ""), "panorama"
            )
        try:
            pano_options(tour, scene)
        except VtourError as exc:
            report(f"{w}.pano", exc.message, exc.fix or "see docs/tour-yaml.md")
        for h in scene.hotspots:
            _check_hotspot(report, tour, h, scene_ids, model_ids, hotspot_ids)
    _check_image_destinations(report, tour)
    for model in tour.models:
        w = model.where
        check_texts(report, model.title, langs, f"{w}.title")
        check_texts(report, model.description, langs, f"{w}.description")
        for key, value in model.metadata.items():
            if isinstance(value, dict):
                check_texts(report, value, langs, f"{w}.metadata.{key}")
        if model.source:
            _check_file(report, tour.root, model.source, f"{w}.source", "model source")
        try:
            model_options(tour, model)
        except VtourError as exc:
            report(f"{w}.lod", exc.message, exc.fix or "see docs/tour-yaml.md")
    return report.problems


def _check_image_destinations(report, tour) -> None:
    """Two different image paths must not land on one file of the built tour (a.png, images/a.png)."""
    seen: dict[str, tuple[str, str]] = {}
    images = [("floorplan", tour.floorplan)] + [(f"{h.where}.image", h.image) for s in tour.scenes for h in s.hotspots]
    for where, rel in images:
        if not rel or path_escape(rel):
            continue
        dest = image_destination(rel)
        first = seen.setdefault(dest, (where, os.path.normpath(rel)))
        if first[1] != os.path.normpath(rel):
            report(
                where,
                f"image {rel!r} and {first[1]!r} (at {first[0]}) would both become {dest} in the built tour",
                "rename or move one of them",
            )


def _check_hotspot(report, tour, h, scene_ids, model_ids, seen) -> None:
    w = h.where
    if h.type not in HOTSPOT_TYPES:
        report(f"{w}.type", f"unknown hotspot type {h.type!r}", f"use one of {', '.join(HOTSPOT_TYPES)}")
    if h.id in seen:
        report(f"{w}.id", f"duplicate hotspot id {h.id!r} (also at {seen[h.id]})", "give each a unique id")
    seen.setdefault(h.id, w)
    check_angles(report, w, h.yaw, h.pitch)
    check_texts(report, h.title, tour.languages, f"{w}.title")
    check_texts(report, h.text, tour.languages, f"{w}.text")
    if h.type == "link" and h.target not in scene_ids:
        report(
            f"{w}.target",
            f"link to unknown scene {h.target!r}" if h.target else "link without a target",
            f"use one of {sorted(scene_ids)}",
        )
    if h.type == "model" and h.target not in model_ids:
        report(
            f"{w}.target",
            f"unknown model {h.target!r}" if h.target else "model hotspot without a target",
            f"use one of {sorted(model_ids)}" if model_ids else "add the model under models:",
        )
    if h.type == "info":
        if h.title is None and h.text is None:
            report(w, "info hotspot has neither title nor text", "add title: or text:")
        _check_file(report, tour.root, h.image, f"{w}.image", "image")
        if h.url is not None and not re.match(r"^https?://", h.url):
            report(f"{w}.url", f"url {h.url!r} is not http(s)", "use a full https:// address")


# ---------------------------------------------------------------------------------------------
# a built tour


def tour_json_paths(doc: dict) -> list[tuple[str, str]]:
    """(location, path) of every file a tour.json names, tiles included."""
    out = []
    if isinstance(doc.get("floorplan"), dict):
        out.append(("floorplan.image", doc["floorplan"].get("image", "")))
    for i, s in enumerate(doc.get("scenes") or []):
        p = s.get("panorama") or {}
        for key in ("preview", "thumb"):
            out.append((f"scenes[{i}].panorama.{key}", p.get(key, "")))
        for z, level in enumerate(p.get("levels") or []):
            n = max(1, level.get("size", 1) // max(1, level.get("tileSize", 1)))
            for f in FACES:
                for y in range(n):
                    for x in range(n):
                        out.append(
                            (f"scenes[{i}].panorama.levels[{z}]", str(p.get("tiles", "")).format(z=z, f=f, y=y, x=x))
                        )
        for j, h in enumerate(s.get("hotspots") or []):
            if h.get("image"):
                out.append((f"scenes[{i}].hotspots[{j}].image", h["image"]))
    for i, m in enumerate(doc.get("models") or []):
        out.append((f"models[{i}].report", m.get("report", "")))
        for k, lod in enumerate(m.get("lods") or []):
            out.append((f"models[{i}].lods[{k}].path", lod.get("path", "")))
    return out


def validate_built(folder: str | Path) -> list[Problem]:
    """Problems of a built tour folder: schema, references, texts and every named file."""
    try:
        folder = require_built_tour(folder, "validate")
    except VtourError as exc:
        return [Problem(str(exc.path), exc.message, exc.fix or "")]
    path = folder / TOUR_JSON
    try:
        doc = json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        return [Problem(str(path), f"not valid JSON ({exc})", "rebuild the tour")]
    file = TOUR_JSON
    problems = schema_problems(doc, file)
    if not isinstance(doc, dict) or (problems and any(p.location == f"{file}: (document)" for p in problems)):
        return problems
    report = _Report(file, {})
    langs = tuple(doc.get("languages") or ())
    scenes, models = doc.get("scenes") or [], doc.get("models") or []
    scene_ids = [s.get("id") for s in scenes]
    model_ids = [m.get("id") for m in models]
    for kind, ids, key in (("scene", scene_ids, "scenes"), ("model", model_ids, "models")):
        for i, x in enumerate(ids):
            if x in ids[:i]:
                report(f"{key}[{i}].id", f"duplicate {kind} id {x!r}", "give each a unique id")
    if doc.get("start") not in scene_ids:
        report("start", f"start scene {doc.get('start')!r} does not exist", f"use one of {scene_ids}")
    check_texts(report, doc.get("title"), langs, "title")
    seen = set()
    for i, s in enumerate(scenes):
        check_texts(report, s.get("title"), langs, f"scenes[{i}].title")
        for j, h in enumerate(s.get("hotspots") or []):
            w = f"scenes[{i}].hotspots[{j}]"
            if h.get("id") in seen:
                report(f"{w}.id", f"duplicate hotspot id {h.get('id')!r}", "give each a unique id")
            seen.add(h.get("id"))
            for key in ("title", "text"):
                check_texts(report, h.get(key), langs, f"{w}.{key}")
            targets = {"link": scene_ids, "model": model_ids}.get(h.get("type"))
            if targets is not None and h.get("target") not in targets:
                report(f"{w}.target", f"unknown {h.get('type')} target {h.get('target')!r}", f"use one of {targets}")
    for i, m in enumerate(models):
        check_texts(report, m.get("title"), langs, f"models[{i}].title")
    missing = 0
    for where, rel in tour_json_paths(doc):
        if not rel or path_escape(rel):
            continue  # the schema reported it
        if not (folder / PurePosixPath(rel)).is_file():
            missing += 1
            if missing <= 20:
                report(where, f"file {rel!r} not found", "rebuild the tour")
    if missing > 20:
        report("", f"... and {missing - 20} more missing files", "rebuild the tour")
    return problems + report.problems


def validate_path(path: str | Path) -> list[Problem]:
    """Problems of a tour.yaml/.json file or a built tour (folder or its tour.json)."""
    path = Path(path)
    if path.is_dir() or path.name == TOUR_JSON:
        return validate_built(built_tour_folder(path))
    tour, problems = read_tour(path)
    return problems + validate_tour(tour)
