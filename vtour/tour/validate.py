"""Every problem of a tour.yaml or a built tour, at once, each with its location and a fix.

``validate_path(PATH)`` takes a tour.yaml/.json or a built tour folder (or its tour.json) and
returns a list of :class:`vtour.errors.Problem`; an empty list means the tour is good. Nothing here
raises for a problem in the tour: only for a file that cannot be read at all.

Checked for tour.yaml: shape (types, unknown fields with a "did you mean"), ids (present, unique,
safe as folder names), references (start, link and model hotspot targets), angles (pitch in
[-90, 90], fov and zoom limits in (0, 180); yaws are read as any finite number and normalised),
texts (every declared language present, no undeclared ones), paths (inside the tour folder with
links followed, files present, hotspot images and the floor plan decodable as web images; a
model's previous scans too, in a format the build reads and in units comparable with the model's)
and the pano/lod options; deep-zoom images (ids, sources as images within the zoom options' pixel
limit, annotated regions inside the image, rights and ``base_url`` as absolute http(s) URLs, no
clash with the photos' folders under images/). For a built tour: the JSON Schema,
references, texts and that every file tour.json names exists, read from a bounded stream of
paths (a tampered level size cannot make it enumerate without end). Malformed structure (a scene
that is not an object) is the schema's problem to report; the checks here skip it instead of
failing.
"""

from __future__ import annotations

import binascii
import dataclasses
import difflib
import json
import math
import os
import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from vtour.conventions import FACES
from vtour.errors import Problem, VtourError
from vtour.image.iiif import scale_factors, tile_paths
from vtour.images import ImageInfo, probe_image
from vtour.model.io import FORMATS, UNSUPPORTED
from vtour.notes import built_notes_problems, notes_problems
from vtour.output import is_within
from vtour.pano.manifest import decode_present
from vtour.tour.deepzoom import DeepZoomImage, url_problem
from vtour.tour.document import (
    HOTSPOT_TYPES,
    ID_PATTERN,
    KIOSK_MAX_SECONDS,
    Kiosk,
    Narration,
    Tour,
    locate,
    read_json,
    read_tour,
)
from vtour.tour.layout import IMAGES, TOUR_JSON, built_tour_folder, image_destination, image_dir, require_built_tour
from vtour.tour.options import image_options, model_options, pano_options
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


def check_angles(report, where: str, pitch=None, fov=None) -> None:
    """Pitch in [-90, 90] and fov in (0, 180). A yaw needs no check: tour.yaml's are read as any
    finite number and folded into [-180, 180) (:mod:`vtour.tour.document`)."""
    if pitch is not None and not -90 <= pitch <= 90:
        report(f"{where}.pitch", f"pitch {pitch:g} is outside [-90, 90]", "use a pitch between -90 and 90")
    if fov is not None and not 0 < fov < 180:
        report(f"{where}.fov", f"field of view {fov:g} is outside (0, 180)", "use e.g. 75 (vertical degrees)")


def _check_limits(report, limits: dict, where: str) -> None:
    """Zoom limits: each a vertical fov in (0, 180), min below max (read as finite numbers)."""
    for key, example in (("min_fov", 30), ("max_fov", 120)):
        v = limits.get(key)
        if v is not None and not 0 < v < 180:
            report(f"{where}.{key}", f"{key} {v:g} is outside (0, 180)", f"use e.g. {example} (vertical degrees)")
    low, high = limits.get("min_fov"), limits.get("max_fov")
    if low is not None and high is not None and 0 < low < 180 and 0 < high < 180 and low >= high:
        report(where, f"min_fov {low:g} is not below max_fov {high:g}", "swap them")


_OUTSIDE_FIX = "move the file into the tour's folder (a copy, not a link) and give its path relative to tour.yaml"
#: Image formats every browser shows (Pillow's names): a hotspot image or floor plan is copied as is.
WEB_IMAGE_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")


def _check_file(
    report,
    root: Path,
    rel: str | None,
    where: str,
    what: str,
    image: bool = False,
    formats: tuple[str, ...] | None = WEB_IMAGE_FORMATS,
    missing_fix: str = "",
) -> ImageInfo | None:
    """The file ``rel`` names exists inside ``root``, links followed (a link out of the tour folder
    would publish whatever it points at); with ``image``, it is an image in one of ``formats``
    (None: any the build reads), and its header is returned."""
    if not rel:
        return None
    why = path_escape(rel)
    if why:
        report(where, f"{what} path {rel!r} {why}", _OUTSIDE_FIX)
        return None
    try:
        real = (root / rel).resolve()
        inside = is_within(real, root.resolve())
    except (OSError, RuntimeError) as exc:  # a loop of links
        report(where, f"{what} path {rel!r} cannot be resolved ({exc})", "fix or remove the link")
        return None
    if not inside:
        report(where, f"{what} path {rel!r} is a link to {real}, outside the tour folder", _OUTSIDE_FIX)
    elif not real.is_file():
        report(where, f"{what} {rel!r} not found", f"put the file at {root / rel} or fix the path{missing_fix}")
    elif image:
        try:
            info = probe_image(real, step="tour")
        except VtourError as exc:
            report(where, f"{what} {rel!r} is not an image ({exc.message})", "convert it to JPEG or PNG")
            return None
        if formats is not None and info.format not in formats:
            report(
                where,
                f"{what} {rel!r} is a {info.format} image, which browsers do not show",
                "convert it to JPEG or PNG",
            )
            return None
        return info
    return None


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
    _check_ids(report, tour.images, "image", {})
    if tour.base_url is not None and (why := url_problem(tour.base_url, query=False)):
        report(
            "base_url",
            f"base_url {tour.base_url!r} {why}",
            "give the URL the built tour will be published at, e.g. https://museum.example/tours/NAME",
        )
    scene_ids, model_ids = {s.id for s in tour.scenes}, {m.id for m in tour.models}
    if tour.start is not None and tour.start not in scene_ids:
        report(
            "start",
            f"start scene {tour.start!r} does not exist",
            f"use one of {sorted(scene_ids)}" if scene_ids else "add the scene",
        )
    _check_file(report, tour.root, tour.floorplan, "floorplan", "floor plan image", image=True)
    hotspot_ids: dict = {}
    for scene in tour.scenes:
        w = scene.where
        check_texts(report, scene.title, langs, f"{w}.title")
        check_texts(report, scene.description, langs, f"{w}.description")
        check_angles(report, f"{w}.view", scene.view.pitch, scene.view.fov)
        _check_limits(report, scene.limits or {}, f"{w}.limits")
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
        _check_narration(report, tour, scene.narration)
        for h in scene.hotspots:
            _check_hotspot(report, tour, h, scene_ids, model_ids, hotspot_ids)
    _check_kiosk(report, tour)
    _check_image_destinations(report, tour)
    for image in tour.images:
        _check_deep_zoom(report, tour, image)
    for model in tour.models:
        w = model.where
        check_texts(report, model.title, langs, f"{w}.title")
        check_texts(report, model.description, langs, f"{w}.description")
        for key, value in model.metadata.items():
            if isinstance(value, dict):
                check_texts(report, value, langs, f"{w}.metadata.{key}")
        if model.source:
            _check_file(report, tour.root, model.source, f"{w}.source", "model source")
        for p in model.previous:
            if p.source:
                _check_file(report, tour.root, p.source, f"{p.where}.source", "previous scan")
            _check_previous(report, model, p)
        try:
            model_options(tour, model)
        except VtourError as exc:
            report(f"{w}.lod", exc.message, exc.fix or "see docs/tour-yaml.md")
    return report.problems


def _check_previous(report, model, p) -> None:
    """A previous scan must be in a format the build reads, and its units comparable with the
    model's: both known (the build scales one to the other) or the same; one known and the other
    "unknown" has no scale between them. A scan's units are its ``units:``, else what its format
    implies (glTF/GLB: metres; OBJ, PLY, STL: unknown), and a previous scan's default to the model's."""
    suffix = PurePosixPath(p.source.replace("\\", "/")).suffix.lower()
    if p.source and suffix in UNSUPPORTED:
        report(
            f"{p.where}.source", f"previous scan {p.source!r}: {UNSUPPORTED[suffix]}", "give its OBJ or glTF/GLB export"
        )
    elif p.source and suffix not in FORMATS:
        report(
            f"{p.where}.source",
            f"previous scan {p.source!r} is not a mesh format the build reads ({suffix or 'no suffix'})",
            "give it as OBJ, PLY, STL, glTF or GLB",
        )
    model_suffix = PurePosixPath(model.source.replace("\\", "/")).suffix.lower()
    units = model.units or FORMATS.get(model_suffix)
    if p.units is None or units is None or p.units == units or "unknown" not in (p.units, units):
        return
    implied = "" if model.units else f" (what its {model_suffix} source implies)"
    fix = (
        f"write units: {units} here if the previous scan is in {units}, or remove units: to use the model's"
        if p.units == "unknown"
        else f"give the model its units (units: {p.units} under {model.where}) or remove units: here"
    )
    report(
        f"{p.where}.units",
        f"previous scan units {p.units!r} cannot be compared with the model's units {units!r}{implied}: "
        "nothing gives the scale between them",
        fix,
    )


def _check_deep_zoom(report, tour: Tour, image: DeepZoomImage) -> None:
    """A deep-zoom image: texts, rights, zoom options, each source an image within the pixel
    limit, annotation ids unique and, for one source, every region inside it (from its header;
    photos to stitch have their size only once stitched: the build checks them then)."""
    w, langs = image.where, tour.languages
    check_texts(report, image.title, langs, f"{w}.title")
    check_texts(report, image.description, langs, f"{w}.description")
    for key, value in image.metadata.items():
        if isinstance(value, dict):
            check_texts(report, value, langs, f"{w}.metadata.{key}")
    if image.rights is not None and (why := url_problem(image.rights)):
        report(
            f"{w}.rights",
            f"rights {image.rights!r} {why}",
            "give a licence URL, e.g. http://creativecommons.org/licenses/by-nc/4.0/",
        )
    max_pixels = None
    quarter = False  # turned by 90 or 270 degrees: regions are in px of the turned image
    if tour.base_url is None or not url_problem(tour.base_url, query=False):
        try:
            options = image_options(tour, image)
            max_pixels, quarter = options.max_pixels, options.rotate in (90, 270)
        except VtourError as exc:
            report(f"{w}.zoom", exc.message, exc.fix or "see docs/tour-yaml.md, image zoom")
    sizes = []
    for i, rel in enumerate(image.source):
        at = f"{w}.source" + (f"[{i}]" if len(image.source) > 1 else "")
        info = _check_file(report, tour.root, rel, at, "image source", image=True, formats=None)
        if info is not None and max_pixels is not None and info.pixels > max_pixels:
            report(
                at,
                f"image source {rel!r} has too many pixels ({info.width}x{info.height} = {info.pixels:,}); "
                f"the limit is {max_pixels:,}",
                "raise zoom: {max_pixels: ...} if you trust the file",
            )
        sizes.append(info)
    seen: dict[str, str] = {}
    size = sizes[0] if len(sizes) == 1 else None
    if size is not None and quarter:
        size = dataclasses.replace(size, width=size.height, height=size.width)
    for a in image.annotations:
        if not ID_PATTERN.match(a.id):
            report(f"{a.where}.id", f"annotation id {a.id!r} is not a safe name", "use letters, digits, '-', '_', '.'")
        if a.id in seen:
            report(f"{a.where}.id", f"duplicate annotation id {a.id!r} (also at {seen[a.id]})", "give each a unique id")
        seen.setdefault(a.id, a.where)
        check_texts(report, a.title, langs, f"{a.where}.title")
        check_texts(report, a.text, langs, f"{a.where}.text")
        x, y, rw, rh = a.region
        if size is not None and (x + rw > size.width or y + rh > size.height):
            report(
                f"{a.where}.region",
                f"region {list(a.region)} leaves the image ({size.width}x{size.height} px"
                + (", turned" if quarter else "")
                + ")",
                f"give a region inside [0, 0, {size.width}, {size.height}]",
            )


def _check_image_destinations(report, tour) -> None:
    """Two different image paths must not land on one file of the built tour (a.png, images/a.png),
    nor in the folder of a deep-zoom image (images/<id>/)."""
    seen: dict[str, tuple[str, str]] = {}
    zoom_ids = {image.id: image.where for image in tour.images}
    images = [("floorplan", tour.floorplan)] + [
        (f"{h.where}.image", h.image) for s in tour.scenes for h in s.hotspots if tour.deep_zoom(h) is None
    ]
    for where, rel in images:
        if not rel or path_escape(rel):
            continue
        dest = image_destination(rel)
        top = PurePosixPath(dest).parts[1] if len(PurePosixPath(dest).parts) > 1 else ""
        if top in zoom_ids:
            report(
                where,
                f"image {rel!r} would become {dest}, inside {image_dir(top)}/, the folder of the deep-zoom image "
                f"{top!r} (at {zoom_ids[top]})",
                f"rename the folder of the photo or the image's id (under {IMAGES}/ the two would collide)",
            )
        first = seen.setdefault(dest, (where, os.path.normpath(rel)))
        if first[1] != os.path.normpath(rel):
            report(
                where,
                f"image {rel!r} and {first[1]!r} (at {first[0]}) would both become {dest} in the built tour",
                "rename or move one of them",
            )


#: Audio a browser's <audio> plays (by extension): narration is copied as is.
AUDIO_EXTENSIONS = (".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".wav", ".webm")
#: Captions are WebVTT: UTF-8 text whose first line starts with this.
WEBVTT_SIGNATURE = "WEBVTT"
#: ... and are named so (tour.json's schema requires it: the viewer and a kiosk's server rely on the type).
CAPTIONS_EXTENSION = ".vtt"
#: A captions file larger than this is not a few sentences of captions.
MAX_CAPTIONS_BYTES = 1 << 20


def _suffix(rel: str) -> str:
    return PurePosixPath(rel.replace("\\", "/")).suffix.lower()


def _check_language(report, tour: Tour, lang: str, where: str, what: str) -> bool:
    if lang in tour.languages:
        return True
    report(
        f"{where}.{lang}",
        f"{what} language {lang!r} is not one of the tour's languages {list(tour.languages)}",
        f"add {lang} to languages or remove this {what}",
    )
    return False


def captions_problem(path: Path) -> str | None:
    """Why the file at ``path`` is not WebVTT captions (UTF-8, first line ``WEBVTT...``), or None."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_CAPTIONS_BYTES + 1)
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if len(data) > MAX_CAPTIONS_BYTES:
        return f"is larger than {MAX_CAPTIONS_BYTES // 1024} kB"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"is not UTF-8 text (byte {exc.start})"
    # WebVTT's line terminators are CRLF, LF and CR alone (old Mac editors): any of them ends the first line
    first = re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff"), maxsplit=1)[0]
    if not first.startswith(WEBVTT_SIGNATURE) or first[len(WEBVTT_SIGNATURE) :][:1] not in ("", " ", "\t"):
        return f"is not WebVTT: its first line is {first[:40]!r}, not 'WEBVTT'"
    return None


def _check_narration(report, tour: Tour, narration: Narration | None) -> None:
    """A narration's audio and captions: tour languages, files inside the tour folder (links
    followed), audio in a format browsers play, captions WebVTT and each with audio in its language."""
    if narration is None:
        return
    w = narration.where
    for lang, rel in narration.audio.items():
        at = f"{w}.audio.{lang}"
        _check_language(report, tour, lang, f"{w}.audio", "narration audio")
        if _suffix(rel) not in AUDIO_EXTENSIONS:
            report(
                at,
                f"narration audio {rel!r} is not in a format browsers play ({_suffix(rel) or 'no extension'})",
                f"convert it to one of {', '.join(AUDIO_EXTENSIONS)} (MP3 or AAC .m4a plays everywhere)",
            )
        _check_file(report, tour.root, rel, at, "narration audio")
    for lang, rel in narration.captions.items():
        at = f"{w}.captions.{lang}"
        known = _check_language(report, tour, lang, f"{w}.captions", "captions")
        if known and lang not in narration.audio:
            report(
                at, f"captions in {lang} but no narration audio in {lang}", f"add audio: {{{lang}: ...}} or remove them"
            )
        before = len(report.problems)
        if _suffix(rel) != CAPTIONS_EXTENSION:
            report(
                at,
                f"captions {rel!r} are not a {CAPTIONS_EXTENSION} file ({_suffix(rel) or 'no extension'})",
                f"save the captions as WebVTT with the extension {CAPTIONS_EXTENSION} (first line WEBVTT)",
            )
        _check_file(report, tour.root, rel, at, "captions")
        if len(report.problems) == before and (why := captions_problem(tour.root / rel)):
            report(at, f"captions {rel!r} {why}", "save the captions as WebVTT (UTF-8, first line WEBVTT)")


#: tour.yaml's ``settings.kiosk`` keys of seconds (tour.json's names) and ``kiosk:``'s names for them.
_KIOSK_SECONDS = {"idleSeconds": "idle_seconds", "countdownSeconds": "countdown_seconds", "idleReturnSeconds": None}


def _seconds_problem(value, above_zero: bool = False) -> tuple[str, str] | None:
    """Why ``value`` is no kiosk time (a number of seconds: 0 or more, or with ``above_zero`` the
    seconds per scene, above 0; at most :data:`KIOSK_MAX_SECONDS`), or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"expected a number of seconds, got {value!r:.60}", "write a number, e.g. 20"
    if not math.isfinite(value):  # tour.yaml's reading reports it already; a tour made in code may hold one
        return f"{value} is not a finite number", "write a number of seconds"
    if above_zero and value <= 0:
        return f"{value:g} seconds per scene is not above 0", "give the seconds each scene is shown, e.g. 20"
    if value < 0:
        return f"{value:g} seconds is negative", "give 0 or more seconds"
    if value > KIOSK_MAX_SECONDS:
        return (
            f"{value:g} seconds is more than a day ({KIOSK_MAX_SECONDS} s)",
            f"give at most {KIOSK_MAX_SECONDS} seconds (a kiosk clamps longer times to a day)",
        )
    return None


def _check_attract_scenes(report, tour: Tour, scenes, where: str) -> None:
    """The attract loop's scene ids: a non-empty list of the tour's scenes (a close match suggested)."""
    if not isinstance(scenes, list) or not all(isinstance(x, str) for x in scenes):
        report(where, f"expected a list of scene ids, got {scenes!r:.60}", "write scenes: [entrance, hall]")
        return
    if not scenes:
        report(where, "the attract loop lists no scene", "list scene ids, or remove scenes: for all")
    ids = [s.id for s in tour.scenes]
    for i, sid in enumerate(scenes):
        if sid not in ids:
            near = difflib.get_close_matches(sid, ids, n=1)
            report(
                f"{where}[{i}]",
                f"unknown scene {sid!r} in the attract loop",
                f"did you mean {near[0]!r}?" if near else f"use one of {ids}",
            )


def _check_kiosk(report, tour: Tour) -> None:
    """The kiosk settings tour.json gets (:func:`vtour.tour.assemble.kiosk_settings`: ``kiosk:``
    over ``settings.kiosk``, key by key), each where it is written: times finite, not negative, at
    most :data:`KIOSK_MAX_SECONDS`, the seconds per scene above 0, attract scenes that exist. A
    ``settings.kiosk`` value that ``kiosk:`` replaces is not checked: it never reaches tour.json."""
    k = tour.kiosk or Kiosk()
    for where, value, above_zero in (
        ("kiosk.idle_seconds", k.idle_seconds, False),
        ("kiosk.countdown_seconds", k.countdown_seconds, False),
        ("kiosk.attract.seconds_per_scene", k.seconds_per_scene, True),
    ):
        if value is not None and (why := _seconds_problem(value, above_zero)):
            report(where, *why)
    if k.attract_scenes is not None:
        _check_attract_scenes(report, tour, list(k.attract_scenes), "kiosk.attract.scenes")
    old = tour.settings.get("kiosk")
    if old is None:
        return
    if not isinstance(old, dict):
        report("settings.kiosk", f"expected a mapping, got {old!r:.60}", "write e.g. kiosk: {idleSeconds: 60}")
        return
    for key, yaml_key in _KIOSK_SECONDS.items():
        given = getattr(k, yaml_key) if yaml_key else None
        if given is None and old.get(key) is not None and (why := _seconds_problem(old[key])):
            report(f"settings.kiosk.{key}", *why)
    attract = old.get("attract")
    if attract is None:
        return
    if not isinstance(attract, dict):
        report("settings.kiosk.attract", f"expected a mapping, got {attract!r:.60}", "write e.g. {secondsPerScene: 20}")
        return
    seconds = attract.get("secondsPerScene")
    if k.seconds_per_scene is None and seconds is not None and (why := _seconds_problem(seconds, True)):
        report("settings.kiosk.attract.secondsPerScene", *why)
    if k.attract_scenes is None and attract.get("scenes") is not None:
        _check_attract_scenes(report, tour, attract["scenes"], "settings.kiosk.attract.scenes")
    narration = attract.get("narration")
    if k.narration is None and narration is not None and not isinstance(narration, bool):
        report(
            "settings.kiosk.attract.narration",
            f"expected true or false, got {narration!r:.60}",
            "write narration: true",
        )


def _check_hotspot(report, tour, h, scene_ids, model_ids, seen) -> None:
    w = h.where
    if h.type not in HOTSPOT_TYPES:
        report(f"{w}.type", f"unknown hotspot type {h.type!r}", f"use one of {', '.join(HOTSPOT_TYPES)}")
    if h.id in seen:
        report(f"{w}.id", f"duplicate hotspot id {h.id!r} (also at {seen[h.id]})", "give each a unique id")
    seen.setdefault(h.id, w)
    check_angles(report, w, h.pitch)
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
    if h.narration is not None and h.type != "info":
        report(
            f"{w}.narration",
            f"a {h.type} hotspot cannot have narration: the viewer never plays it",
            "give the narration to the scene or to an info hotspot that shows text (no deep-zoom image)",
        )
    elif h.narration is not None and not tour.plays_narration(h):
        report(
            f"{w}.narration",
            f"an info hotspot that opens the deep-zoom image {h.image!r} cannot have narration: "
            "the image viewer never plays it",
            "give the narration to the scene or to an info hotspot without a deep-zoom image (one that shows text)",
        )
    elif h.narration is not None:
        _check_narration(report, tour, h.narration)
    if h.type == "info":
        if h.title is None and h.text is None:
            report(w, "info hotspot has neither title nor text", "add title: or text:")
        if tour.deep_zoom(h) is None:
            _check_file(
                report,
                tour.root,
                h.image,
                f"{w}.image",
                "image",
                image=True,
                missing_fix=", or give the id of an image under images:",
            )
        if h.url is not None and not re.match(r"^https?://", h.url):
            report(f"{w}.url", f"url {h.url!r} is not http(s)", "use a full https:// address")


# ---------------------------------------------------------------------------------------------
# a built tour


def _objects(items) -> Iterator[tuple[int, dict]]:
    """``(index, item)`` for the items of a list that are objects (the schema reports the others)."""
    for i, item in enumerate(items if isinstance(items, list) else ()):
        if isinstance(item, dict):
            yield i, item


def _present(panorama: dict):
    """A partial panorama's tile masks (vtour.pano.manifest.decode_present), or None: every tile, or
    a ``present`` the schema reports as malformed (then every tile is looked for)."""
    if "present" not in panorama:
        return None
    try:
        return decode_present(panorama["present"], panorama["levels"])
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, binascii.Error):
        return None


def tour_json_paths(doc: dict) -> Iterator[tuple[str, str]]:
    """(location, path) of every file a tour.json names, tiles included, one at a time: a level's
    tiles are counted from its size, which a tampered file may make astronomical."""
    if isinstance(doc.get("floorplan"), dict):
        yield "floorplan.image", doc["floorplan"].get("image", "")
    for i, s in _objects(doc.get("scenes")):
        p: dict = s["panorama"] if isinstance(s.get("panorama"), dict) else {}
        tiles = str(p.get("tiles", ""))
        for key in ("preview", "thumb"):
            yield f"scenes[{i}].panorama.{key}", p.get(key, "")
        present = _present(p)
        for z, level in _objects(p.get("levels")):
            size, tile = level.get("size"), level.get("tileSize")
            if not (isinstance(size, int) and isinstance(tile, int) and size > 0 and tile > 0):
                continue  # the schema reported it
            n = -(-size // tile)
            for f in FACES:
                for y in range(n):
                    for x in range(n):
                        if present is None or present[z][f][y, x]:  # a partial panorama lacks some by design
                            yield f"scenes[{i}].panorama.levels[{z}]", _tile(tiles, z, f, y, x)
        yield from _narration_files(s.get("narration"), f"scenes[{i}].narration")
        for j, h in _objects(s.get("hotspots")):
            if h.get("image"):
                yield f"scenes[{i}].hotspots[{j}].image", h["image"]
            yield from _narration_files(h.get("narration"), f"scenes[{i}].hotspots[{j}].narration")
    for i, m in _objects(doc.get("models")):
        yield f"models[{i}].report", m.get("report", "")
        for k, lod in _objects(m.get("lods")):
            yield f"models[{i}].lods[{k}].path", lod.get("path", "")
            if "uncompressedPath" in lod:
                yield f"models[{i}].lods[{k}].uncompressedPath", lod["uncompressedPath"]
        downloads = m["downloads"] if isinstance(m.get("downloads"), dict) else {}
        for key in ("scan", "glb") if downloads else ():
            yield f"models[{i}].downloads.{key}", downloads.get(key, "")
        for j, p in _objects(m.get("previous")):
            yield f"models[{i}].previous[{j}].path", p.get("path", "")
        if isinstance(m.get("notes"), str):
            yield f"models[{i}].notes", m["notes"]
        if isinstance(m.get("manifest"), str):
            yield f"models[{i}].manifest", m["manifest"]
    for i, im in _objects(doc.get("images")):
        for key in ("thumb", "manifest", "annotations"):
            if isinstance(im.get(key), str):
                yield f"images[{i}].{key}", im[key]
        yield from _image_files(im, f"images[{i}]")
    if isinstance(doc.get("iiif"), str):
        yield "iiif", doc["iiif"]


def _narration_files(narration, where: str) -> Iterator[tuple[str, str]]:
    """The audio and captions files of a scene's or hotspot's narration in tour.json."""
    if not isinstance(narration, dict):
        return
    for key in ("audio", "captions"):
        files = narration.get(key)
        for lang, rel in files.items() if isinstance(files, dict) else ():
            yield f"{where}.{key}.{lang}", rel


def _image_files(image: dict, where: str) -> Iterator[tuple[str, str]]:
    """A deep-zoom image's info.json and every tile its size implies (the schema bounds the size)."""
    base, width, height, tile = (image.get(k) for k in ("path", "width", "height", "tileSize"))
    if not (isinstance(base, str) and isinstance(width, int) and isinstance(height, int) and isinstance(tile, int)):
        return  # the schema reported it
    if min(width, height, tile) <= 0:
        return
    yield f"{where}.path", f"{base}/info.json"
    for factor in scale_factors(width, height, tile):
        for rel, _ in tile_paths(width, height, tile, factor):
            yield f"{where}.path", f"{base}/{rel}"


def _tile(template: str, z: int, f: str, y: int, x: int) -> str:
    """The tile path ``template`` gives; by replacement, not ``str.format``, which would run a
    tampered template's format specs (``{x:>999999999}`` asks for a gigabyte)."""
    return template.replace("{z}", str(z)).replace("{f}", f).replace("{y}", str(y)).replace("{x}", str(x))


#: Missing files of a built tour listed one by one; looking stops after MAX_MISSING.
LIST_MISSING, MAX_MISSING = 20, 1000


def _check_files(report, folder: Path, doc: dict) -> None:
    """Every file tour.json names exists: the first LIST_MISSING missing ones listed, then a count;
    looking stops after MAX_MISSING missing, so a tampered level size costs at most that many stats."""
    missing = 0
    for where, rel in tour_json_paths(doc):
        if not isinstance(rel, str) or not rel or path_escape(rel):
            continue  # the schema reported it
        if not (folder / PurePosixPath(rel)).is_file():
            missing += 1
            if missing <= LIST_MISSING:
                report(where, f"file {rel!r} not found", "rebuild the tour")
            elif missing == MAX_MISSING:
                report(
                    "",
                    f"... and more files may be missing: stopped looking after {MAX_MISSING:,}",
                    "rebuild the tour",
                )
                return
    if missing > LIST_MISSING:
        report("", f"... and {missing - LIST_MISSING} more missing files", "rebuild the tour")


def validate_built(folder: str | Path) -> list[Problem]:
    """Problems of a built tour folder: schema, references, texts and every named file."""
    try:
        folder = require_built_tour(folder, "validate")
        path = folder / TOUR_JSON
        doc = read_json(path.read_text("utf-8"), path, "rebuild the tour")
    except VtourError as exc:
        return [Problem(str(exc.path), exc.message, exc.fix or "")]
    except json.JSONDecodeError as exc:
        return [Problem(str(path), f"not valid JSON ({exc})", "rebuild the tour")]
    except UnicodeDecodeError as exc:
        return [Problem(str(path), f"not UTF-8 text ({exc.reason})", "rebuild the tour")]
    file = TOUR_JSON
    problems = schema_problems(doc, file)
    if not isinstance(doc, dict) or (problems and any(p.location == f"{file}: (document)" for p in problems)):
        return problems
    report = _Report(file, {})
    raw_langs = doc.get("languages")
    langs = tuple(x for x in raw_langs if isinstance(x, str)) if isinstance(raw_langs, list) else ()
    scenes, models = list(_objects(doc.get("scenes"))), list(_objects(doc.get("models")))
    images = list(_objects(doc.get("images")))
    scene_ids = [s.get("id") for _, s in scenes]
    model_ids = [m.get("id") for _, m in models]
    image_ids = [m.get("id") for _, m in images]
    for kind, items, key in (("scene", scenes, "scenes"), ("model", models, "models"), ("image", images, "images")):
        seen_ids: set = set()
        for i, item in items:
            x = item.get("id")
            if isinstance(x, str) and x in seen_ids:
                report(f"{key}[{i}].id", f"duplicate {kind} id {x!r}", "give each a unique id")
            if isinstance(x, str):
                seen_ids.add(x)
    if doc.get("start") not in scene_ids:
        report("start", f"start scene {doc.get('start')!r} does not exist", f"use one of {scene_ids}")
    check_texts(report, _text(doc.get("title")), langs, "title")
    seen = set()
    for i, s in scenes:
        check_texts(report, _text(s.get("title")), langs, f"scenes[{i}].title")
        _check_built_narration(report, s.get("narration"), langs, f"scenes[{i}].narration")
        for j, h in _objects(s.get("hotspots")):
            w = f"scenes[{i}].hotspots[{j}]"
            _check_built_narration(report, h.get("narration"), langs, f"{w}.narration")
            if h.get("narration") is not None and (h.get("type") != "info" or h.get("deepZoom") is not None):
                report(
                    f"{w}.narration",
                    "narration on a hotspot that does not open the info dialog: the viewer never plays it",
                    "rebuild with narration only on scenes and info hotspots without a deep-zoom image",
                )
            hid = h.get("id") if isinstance(h.get("id"), str) else None
            if hid is not None and hid in seen:
                report(f"{w}.id", f"duplicate hotspot id {hid!r}", "give each a unique id")
            seen.add(hid)
            for key in ("title", "text"):
                check_texts(report, _text(h.get(key)), langs, f"{w}.{key}")
            htype = h.get("type")
            targets = {"link": scene_ids, "model": model_ids}.get(htype) if isinstance(htype, str) else None
            if targets is not None and h.get("target") not in targets:
                report(f"{w}.target", f"unknown {h.get('type')} target {h.get('target')!r}", f"use one of {targets}")
            if "deepZoom" in h and h["deepZoom"] not in image_ids:
                report(f"{w}.deepZoom", f"unknown deep-zoom image {h['deepZoom']!r}", f"use one of {image_ids}")
    for i, m in models:
        check_texts(report, _text(m.get("title")), langs, f"models[{i}].title")
    for i, m in images:
        for key in ("title", "description"):
            check_texts(report, _text(m.get(key)), langs, f"images[{i}].{key}")
    _check_files(report, folder, doc)
    return problems + report.problems + built_notes_problems(folder, doc)


def _check_built_narration(report, narration, langs, where: str) -> None:
    """A narration's languages are the tour's (the schema checks its shape; _check_files its files)."""
    if not isinstance(narration, dict):
        return
    for key in ("audio", "captions"):
        files = narration.get(key)
        for lang in files if isinstance(files, dict) else ():
            if lang not in langs:
                report(
                    f"{where}.{key}.{lang}",
                    f"narration {key} language {lang!r} is not one of the tour's languages {list(langs)}",
                    "rebuild the tour",
                )


def _text(value) -> dict | None:
    """A text of tour.json when it is a mapping (the schema reports any other value)."""
    return value if isinstance(value, dict) else None


def validate_path(path: str | Path) -> list[Problem]:
    """Problems of a tour.yaml/.json file or a built tour (folder or its tour.json)."""
    path = Path(path)
    if path.is_dir() or path.name == TOUR_JSON:
        return validate_built(built_tour_folder(path))
    tour, problems = read_tour(path)
    return problems + validate_tour(tour) + notes_problems(tour)  # the build adds the notes' own
