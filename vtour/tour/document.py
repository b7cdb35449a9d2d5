"""tour.yaml, the authoring file: read (YAML or JSON) into small frozen dataclasses.

Reading is lenient: every shape problem (a missing id, a list where a mapping belongs, an unknown
key) becomes a :class:`vtour.errors.Problem` with its location (``tour.yaml:12: scenes[1].view.yaw``)
instead of an exception, so :mod:`vtour.tour.validate` can list them all at once. The field
reference is ``docs/tour-yaml.md``; deep-zoom images (``images:``) are read by :mod:`.deepzoom`.

Texts are normalised to ``{lang: str}``; a plain string means the tour's default language (the
first of ``languages``). Keys may be written snake_case or camelCase (``north_offset`` or
``northOffset``). Paths stay as written (relative to the tour.yaml's folder); :mod:`validate`
checks that they exist and stay inside that folder. Numbers must be finite; a yaw (and a
``north_offset``) may be any finite number and is folded into [-180, 180).

The file itself is read defensively: nesting deeper than :data:`MAX_DEPTH`, YAML aliases that
would add more than :data:`MAX_ALIAS_VALUES` values (an "alias bomb") or that contain themselves
are a :class:`VtourError` before anything is expanded; a key given twice in one mapping (YAML
silently keeps the last) is a Problem naming both lines.

What is read is JSON's kind of data (tour.json is built from it): a value YAML makes something else
(a date such as ``2024-02-03``, ``!!binary``, ``!!set``, ``!!omap``), a key that is not text
(``1:``, ``no:``) or a value YAML cannot construct (``2024-02-30``) is a Problem on its line saying
how to write it, and reads as the text written. A date in a model's (or image's) ``metadata`` is simply that
text: ``date: 2024-02-03`` means what it says there; a previous scan's ``date`` is read the same
way and must be a real day written YYYY-MM-DD.
"""

from __future__ import annotations

import datetime
import difflib
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

import yaml

from vtour.conventions import PANNELLUM_CUBE_ORDER, UNITS, wrap_yaw
from vtour.errors import Problem, VtourError
from vtour.model.options import ModelOptions
from vtour.option_spec import tour_keys
from vtour.pano.options import PanoOptions
from vtour.tour.deepzoom import ZOOM_KEYS, DeepZoomImage, read_images

Texts = dict  # {lang: str}
HOTSPOT_TYPES = ("link", "info", "model")
#: Ids become folder names and URL fragments: letters, digits, "-", "_", "."; no leading dot.
ID_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")
#: PanoOptions fields a tour may set per scene (or for all under the top-level ``pano``), by the keys
#: the fields declare; ``hfov``/``vfov``/``yaw``/``pitch`` form its coverage.
PANO_KEYS = tour_keys(PanoOptions)
#: ModelOptions fields a tour may set per model (or for all under the top-level ``lod``).
LOD_KEYS = tour_keys(ModelOptions)
METADATA_KEYS = ("provenance", "date", "dimensions", "licence", "credit")

_TOUR_KEYS = (
    "id",
    "title",
    "description",
    "languages",
    "start",
    "scenes",
    "models",
    "images",
    "floorplan",
    "settings",
    "pano",
    "lod",
    "zoom",
    "base_url",
    "kiosk",
)
_SCENE_KEYS = (
    "id",
    "title",
    "description",
    "panorama",
    "view",
    "limits",
    "north_offset",
    "floorplan_position",
    "hotspots",
    "pano",
    "narration",
)
_HOTSPOT_KEYS = ("id", "type", "yaw", "pitch", "target", "title", "text", "image", "url", "narration")
_NARRATION_KEYS = ("audio", "captions")
_KIOSK_KEYS = ("idle_seconds", "countdown_seconds", "attract")
_ATTRACT_KEYS = ("scenes", "seconds_per_scene", "narration")
_MODEL_KEYS = ("id", "title", "description", "source", "units", "metadata", "lod", "downloads", "previous")
_PREVIOUS_KEYS = ("source", "date", "units")
#: A previous scan's date: a day, YYYY-MM-DD.
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class View:
    """Initial view: degrees, yaw positive right, pitch positive up, vertical fov."""

    yaw: float = 0.0
    pitch: float = 0.0
    fov: float = 75.0


@dataclass(frozen=True)
class Narration:
    """Spoken narration of a scene or an info hotspot: ``audio`` and ``captions`` (WebVTT) files,
    each ``{lang: path}`` (paths as written, relative to tour.yaml; a plain string is the tour's
    first language)."""

    audio: dict = field(default_factory=dict)
    captions: dict = field(default_factory=dict)
    where: str = ""


#: The longest kiosk time (idle, countdown, seconds per attract scene): a day. More is a typo (minutes
#: meant as hours), and a browser's timer overflows past 2**31 ms (24.8 days) into firing at once.
KIOSK_MAX_SECONDS = 86400


@dataclass(frozen=True)
class Kiosk:
    """The top-level ``kiosk:`` mapping, as read: only the keys written are set (None: not given).
    ``attract_scenes`` None means every scene in order; ``where`` locates ``kiosk``."""

    idle_seconds: float | None = None
    countdown_seconds: float | None = None
    attract_scenes: tuple[str, ...] | None = None
    seconds_per_scene: float | None = None
    narration: bool | None = None
    attract_given: bool = False
    where: str = "kiosk"


@dataclass(frozen=True)
class Hotspot:
    """A point in a scene: ``link`` to a scene, ``info`` text (+ image, url) or a ``model``."""

    id: str
    type: str
    yaw: float
    pitch: float
    target: str | None = None
    title: Texts | None = None
    text: Texts | None = None
    image: str | None = None
    url: str | None = None
    narration: Narration | None = None
    where: str = ""


@dataclass(frozen=True)
class Scene:
    """One panorama. ``panorama`` holds the source files; with ``faces`` True they are the six
    cube faces in the order f r b l u d."""

    id: str
    panorama: tuple[str, ...] = ()
    faces: bool = False
    title: Texts | None = None
    description: Texts | None = None
    view: View = View()
    limits: dict | None = None
    north_offset: float = 0.0
    floorplan_position: tuple[float, float] | None = None
    hotspots: tuple[Hotspot, ...] = ()
    pano: dict = field(default_factory=dict)
    narration: Narration | None = None
    where: str = ""


@dataclass(frozen=True)
class Previous:
    """An earlier scan of a model's object: its file (relative to tour.yaml), the day it was taken
    (YYYY-MM-DD) and its units (None: the model's)."""

    source: str
    date: str
    units: str | None = None
    where: str = ""


@dataclass(frozen=True)
class Model:
    """One scan shown in the 3D viewer; ``lod`` holds ModelOptions fields (see LOD_KEYS).
    ``downloads`` offers the original scan and the uncompressed finest level; ``previous`` lists
    earlier scans of the same object, compared with this one (change over time)."""

    id: str
    source: str = ""
    title: Texts | None = None
    description: Texts | None = None
    units: str | None = None
    metadata: dict = field(default_factory=dict)
    lod: dict = field(default_factory=dict)
    downloads: bool = False
    previous: tuple[Previous, ...] = ()
    where: str = ""


@dataclass(frozen=True)
class Tour:
    """A whole tour.yaml. ``pano``, ``lod`` and ``zoom`` are defaults for every scene, model and
    deep-zoom image; ``base_url`` where the built tour will be published (None: the default);
    ``root`` is the file's folder; ``lines`` maps locations (``scenes[0].view``) to YAML line numbers."""

    id: str
    title: Texts
    languages: tuple[str, ...] = ("en",)
    start: str | None = None
    description: Texts | None = None
    scenes: tuple[Scene, ...] = ()
    models: tuple[Model, ...] = ()
    images: tuple[DeepZoomImage, ...] = ()
    floorplan: str | None = None
    settings: dict = field(default_factory=dict)
    pano: dict = field(default_factory=dict)
    lod: dict = field(default_factory=dict)
    zoom: dict = field(default_factory=dict)
    base_url: str | None = None
    kiosk: Kiosk | None = None
    root: Path = Path(".")
    file: str = "tour.yaml"
    lines: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def language(self) -> str:
        return self.languages[0]

    def scene(self, scene_id: str) -> Scene | None:
        return next((s for s in self.scenes if s.id == scene_id), None)

    def model(self, model_id: str) -> Model | None:
        return next((m for m in self.models if m.id == model_id), None)

    def deep_zoom(self, hotspot: Hotspot) -> DeepZoomImage | None:
        """The deep-zoom image an info hotspot opens (its ``image:`` names an id of ``images:``)."""
        if hotspot.type != "info" or not hotspot.image:
            return None
        return next((i for i in self.images if i.id == hotspot.image), None)

    def plays_narration(self, hotspot: Hotspot) -> bool:
        """Whether the viewer offers this hotspot's narration: only an info hotspot's dialog has the
        play button (vtour/web/src/Viewer.js ``activate``); a link moves on, a model opens the
        inspector and an info hotspot whose ``image:`` is a deep-zoom image opens the image viewer."""
        return hotspot.type == "info" and self.deep_zoom(hotspot) is None

    def at(self, where: str) -> str:
        """``tour.yaml:12: scenes[0].view`` (with the line when known): a problem's location."""
        return locate(self.file, self.lines, where)


def locate(file: str, lines: dict, where: str) -> str:
    """``tour.yaml:12: scenes[1].view.yaw``; the line is the nearest enclosing one known."""
    probe = where
    while probe and probe not in lines:
        up = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", probe)
        if up == probe:
            break
        probe = up
    line = lines.get(probe)
    head = f"{file}:{line}" if line else file
    return f"{head}: {where}" if where else head


def snake(key: str) -> str:
    """``northOffset`` -> ``north_offset``."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", str(key)).lower()


# ---------------------------------------------------------------------------------------------
# reading


#: Deepest nesting of mappings and lists a tour file may have. A tour needs about six
#: (``scenes[0].hotspots[1].title.en``); more is a mistake or an attack, and PyYAML's composer and
#: Python's json recurse once per level (100,000 levels would end in a RecursionError).
MAX_DEPTH = 64
#: Most values YAML aliases (``*name``) may add by repeating what their anchors (``&name``) hold: a
#: 566-byte "billion laughs" of nine aliases of nine aliases... expands to 387 million values.
MAX_ALIAS_VALUES = 100_000
_DEEP = "a tour needs a few levels: check the brackets and indentation"
_TOO_DEEP = "nested more than {max_depth} levels deep"
_NOT_FINITE_FIX = "write a number (.nan and .inf are not numbers here)"
_TAG = "tag:yaml.org,2002:"
#: Where a date is read as the text written, without a problem: a model's metadata (``date: 1890-05-01``).
_DATES_AS_TEXT = re.compile(r"(models|images)\[\d+\]\.metadata\.|models\[\d+\]\.previous\[\d+\]\.date$")
#: What a key YAML reads as something other than text is read as, in a message.
_KEY_KINDS = {"int": "a number", "float": "a number", "null": "null", "timestamp": "a date"}


def _quoted(text: str) -> str:
    """``text`` as a single-quoted YAML scalar: ``'it''s'``."""
    return "'" + text.replace("'", "''") + "'"


def _as_text_fix(text: str, lead: str = "quote it") -> str:
    """``quote it: '2024-02-03'`` (a long value is not repeated)."""
    return f"{lead}: {_quoted(text)}" if len(text) <= 60 else f"{lead} ('...')"


def _shown(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


class _TourLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing nesting deeper than MAX_DEPTH while it composes (it recurses
    once per level), so a deep file stops at level 65 instead of in a RecursionError."""

    def __init__(self, stream, file: str = "tour.yaml"):
        super().__init__(stream)
        self.depth = 0
        self.anchor_names: dict[int, str] = {}  # id(node) -> its anchor (PyYAML forgets them after a document)
        self.file = file
        self.paths: dict[int, str] = {}  # id(node) -> its location (scenes[0].title), from _yaml_lines
        self.problems: list[tuple[int, Problem]] = []  # (line, problem): values that are not JSON's

    def compose_node(self, parent, index):
        event = self.peek_event()
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _TooDeep(event.start_mark.line + 1)
            node = super().compose_node(parent, index)
        finally:
            self.depth -= 1
        if getattr(event, "anchor", None) and not isinstance(event, yaml.AliasEvent):
            self.anchor_names[id(node)] = event.anchor
        return node

    # -- constructing: JSON's kinds of values only ----------------------------------------------

    def problem(self, node, message: str, fix: str) -> None:
        line, where = node.start_mark.line + 1, self.paths.get(id(node), "")
        self.problems.append((line, Problem(f"{self.file}:{line}" + (f": {where}" if where else ""), message, fix)))

    def construct_object(self, node, deep=False):
        """PyYAML's, with a value it cannot construct (``2024-02-30``, a 5000-digit number, ``!!float
        abc``: a ValueError, not a YAMLError) a problem on its line, read as the text written."""
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, AttributeError, OverflowError) as exc:
            self.recursive_objects.pop(node, None)
            scalar = isinstance(node, yaml.ScalarNode)
            text = node.value if scalar else ""
            kind = node.tag.removeprefix(_TAG)
            if kind == "timestamp":
                why = f" ({exc})" if isinstance(exc, ValueError) else ""
                message, fix = f"{_shown(text)} is not a date{why}", "write a real date, or "
            elif kind in ("int", "float"):
                message, fix = f"{_shown(text)} cannot be read as a number", "write a number, or "
            else:
                message, fix = f"{_shown(text) or 'this value'} cannot be read as !!{kind} ({exc})", ""
            self.problem(
                node,
                message,
                _as_text_fix(text, fix + "quote it to keep it as text") if scalar else f"remove the !!{kind} tag",
            )
            value = self.constructed_objects[node] = text if scalar else None
            return value

    def construct_yaml_timestamp(self, node, values=None):
        """The text written (``2024-02-03``): tour.json has no dates. Outside a model's metadata a
        date is a problem: the viewer gets text where it may expect something else."""
        super().construct_yaml_timestamp(node)  # a ValueError for an impossible date (2024-02-30)
        if not _DATES_AS_TEXT.match(self.paths.get(id(node), "")):
            self.problem(
                node, f"{_shown(node.value)} is read as a date, which tour.json cannot hold", _as_text_fix(node.value)
            )
        return node.value

    def construct_yaml_binary(self, node):
        self.problem(
            node, "!!binary is read as bytes, which tour.json cannot hold", "write text without the !!binary tag"
        )
        return self.construct_scalar(node)

    def construct_yaml_set(self, node):
        self.problem(
            node, "!!set is read as a set, which tour.json cannot hold", "write a '- ' list without the !!set tag"
        )
        data: list = []
        yield data
        data.extend(self.construct_mapping(node))

    def construct_yaml_pairs(self, node):
        """``!!omap`` and ``!!pairs``: a problem, read as the list of mappings written."""
        tag = "!!" + node.tag.removeprefix(_TAG)
        self.problem(
            node,
            f"{tag} is read as pairs, which tour.json cannot hold",
            f"write a list of mappings without the {tag} tag",
        )
        yield from self.construct_yaml_seq(node)


for _kind_name, _constructor in (
    ("timestamp", _TourLoader.construct_yaml_timestamp),
    ("binary", _TourLoader.construct_yaml_binary),
    ("set", _TourLoader.construct_yaml_set),
    ("omap", _TourLoader.construct_yaml_pairs),
    ("pairs", _TourLoader.construct_yaml_pairs),
):
    _TourLoader.add_constructor(_TAG + _kind_name, _constructor)


class _TooDeep(Exception):
    def __init__(self, line: int | None = None):
        self.line = line


def _children(node) -> list:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _check_aliases(root, path: Path, anchor_names: dict[int, str]) -> None:
    """Refuse a node graph that aliases make cyclic, deeper than MAX_DEPTH or more than
    MAX_ALIAS_VALUES values larger than written. Iterative and memoised: linear in the nodes written."""
    size: dict[int, int] = {}  # id(node) -> values once expanded (capped), and the nesting below it
    depth: dict[int, int] = {}
    open_: set[int] = set()  # nodes on the current path (an alias to one of them is a cycle)
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        kids = _children(node)
        if done:
            open_.discard(id(node))
            size[id(node)] = min(1 + sum(size[id(k)] for k in kids), 1 << 62)
            depth[id(node)] = 1 + max((depth[id(k)] for k in kids), default=0)
            continue
        if id(node) in size:
            continue
        open_.add(id(node))
        stack.append((node, True))
        for kid in kids:
            if id(kid) in open_:
                anchor = anchor_names.get(id(kid), "...")
                raise VtourError(
                    "tour",
                    f"line {kid.start_mark.line + 1}: the YAML anchor &{anchor} holds an alias to itself (*{anchor})",
                    path=path,
                    fix="write the value out instead of the alias",
                )
            if id(kid) not in size:
                stack.append((kid, False))
    if depth[id(root)] > MAX_DEPTH:
        raise VtourError(
            "tour", f"nested more than {MAX_DEPTH} levels deep (through YAML aliases)", path=path, fix=_DEEP
        )
    if size[id(root)] - len(size) > MAX_ALIAS_VALUES:
        raise VtourError(
            "tour",
            f"YAML aliases (*name) repeat what their anchors (&name) hold into more than {MAX_ALIAS_VALUES:,} values",
            path=path,
            fix="write the repeated parts out or repeat less",
        )


def _yaml_lines(
    node, where: str = "", out: dict | None = None, twice: list | None = None, loader: _TourLoader | None = None
) -> dict:
    """Location -> 1-based line of every mapping key and sequence item in a composed YAML tree; a
    key given twice in one mapping (YAML keeps the last silently) is added to ``twice`` as
    ``(location, first line, line)``. With a ``loader``, each node's location goes into its
    ``paths`` and a key YAML would read as something other than text (``1:``, ``no:``) is a problem
    there, and is read as the text written."""
    out = {} if out is None else out
    if loader is not None:
        loader.paths.setdefault(id(node), where)
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key, value in node.value:
            name = snake(key.value) if isinstance(key, yaml.ScalarNode) else str(key.start_mark)
            here = f"{where}.{name}" if where else name
            line = key.start_mark.line + 1
            if name in first and twice is not None:
                twice.append((here, first[name], line))
            first.setdefault(name, line)
            out[here] = line
            if loader is not None and isinstance(key, yaml.ScalarNode):
                _text_key(loader, key, here)
            _yaml_lines(value, here, out, twice, loader)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            here = f"{where}[{i}]"
            out[here] = item.start_mark.line + 1
            _yaml_lines(item, here, out, twice, loader)
    return out


def _text_key(loader: _TourLoader, key, where: str) -> None:
    """A mapping key YAML would read as a number, true/false, null or a date: a problem, and the
    key is read as the text written (tour.json's keys are text)."""
    kind = key.tag.removeprefix(_TAG)
    if kind in ("str", "merge", "value"):
        return
    if kind == "bool":
        as_what = "true" if loader.bool_values.get(key.value.lower()) else "false"
    else:
        as_what = _KEY_KINDS.get(kind, f"!!{kind}")
    loader.paths[id(key)] = where
    loader.problem(key, f"the key {_shown(key.value)} is read as {as_what}, not as text", _as_text_fix(key.value))
    key.tag = _TAG + "str"


def nesting_depth(data: Any, limit: int = MAX_DEPTH) -> int:
    """How deeply lists and dicts nest in ``data`` (a scalar: 0), counted without recursion and
    only up to ``limit + 1``."""
    deepest, stack = 0, [(data, 1)]
    while stack and deepest <= limit:
        value, level = stack.pop()
        if isinstance(value, (dict, list)):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in (value.values() if isinstance(value, dict) else value))
    return deepest


def read_json(text: str, path: Path, fix: str, *, step: str = "tour", too_deep: str = _TOO_DEEP) -> Any:
    """``json.loads(text)``, refusing nesting deeper than MAX_DEPTH (which Python's parser may meet as
    a RecursionError) in a VtourError of ``step`` saying ``too_deep`` (``{max_depth}`` filled in),
    with ``fix``. Text that is not JSON raises json.JSONDecodeError (a ValueError), as json.loads does.
    The one JSON reader of tour files and of the peers' configs (:mod:`vtour.tour.peer_import`)."""
    try:
        data = json.loads(text)
    except RecursionError:
        data = None
        deep = True
    else:
        deep = nesting_depth(data, MAX_DEPTH) > MAX_DEPTH
    if deep:
        raise VtourError(step, too_deep.format(max_depth=MAX_DEPTH), path=path, fix=fix) from None
    return data


def read_data(path: str | Path) -> tuple[Any, dict, list[Problem]]:
    """The parsed content of a tour.yaml or tour.json, its location -> line map and the problems
    only its text shows (a key given twice). Raises VtourError for a file that cannot be read:
    not UTF-8, not YAML (or JSON), nested deeper than MAX_DEPTH, or an alias bomb."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise VtourError("tour", "file not found", path=path, fix="check the path") from None
    except UnicodeDecodeError as exc:
        raise VtourError("tour", f"not UTF-8 text ({exc.reason})", path=path, fix="save the file as UTF-8") from None
    return read_text(text, path)


def read_text(text: str, path: Path) -> tuple[Any, dict, list[Problem]]:
    """:func:`read_data` of ``text`` as if it were the content of ``path`` (the editor's document,
    not yet saved): the parsed content, its location -> line map and the problems only the text shows.
    Raises VtourError for text that is not YAML (or JSON), nested too deep, or an alias bomb."""
    loader = _TourLoader(text, path.name)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}, []
        _check_aliases(node, path, loader.anchor_names)
        twice: list[tuple[str, int, int]] = []
        lines = _yaml_lines(node, twice=twice, loader=loader)
        found = [
            (
                line,
                Problem(
                    f"{path.name}:{line}: {where}",
                    f"key {key!r} is given twice (lines {first} and {line}) and YAML keeps only the last",
                    "merge them into one",
                ),
            )
            for where, first, line in twice
            for key in [where.rsplit(".", 1)[-1]]
        ]
        data = loader.construct_document(node)
        problems = [p for _, p in sorted(found + loader.problems, key=lambda lp: lp[0])]
        return data, lines, problems
    except _TooDeep as exc:
        raise VtourError(
            "tour", f"line {exc.line}: nested more than {MAX_DEPTH} levels deep", path=path, fix=_DEEP
        ) from None
    except yaml.YAMLError as exc:
        if path.suffix.lower() == ".json":
            try:
                return read_json(text, path, _DEEP), {}, []
            except json.JSONDecodeError as jexc:
                raise VtourError("tour", f"not valid JSON: {jexc}", path=path) from None
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise VtourError(
            "tour",
            f"not valid YAML{where}: {getattr(exc, 'problem', exc)}",
            path=path,
            fix="check the indentation and quoting there",
        ) from None
    finally:
        loader.dispose()


def _is_number_text(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def number_problem(value) -> tuple[str, str] | None:
    """Why ``value`` is not a finite number, as ``(message, fix)``; None when it is one. A number
    written in quotes (``'75'``) is named as such: YAML reads it as text."""
    if isinstance(value, str) and _is_number_text(value):
        return f"expected a number, got the text {value!r}", f"write {value.strip()} without quotes"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"expected a number, got {value!r:.60}", "write a number"
    if not math.isfinite(value):
        return f"{value} is not a finite number", _NOT_FINITE_FIX
    return None


class _Reader:
    """Turns raw YAML values into typed ones, recording a Problem (never raising) when it can't."""

    def __init__(self, file: str, lines: dict, default_language: str):
        self.file, self.lines, self.lang = file, lines, default_language
        self.problems: list[Problem] = []

    def at(self, where: str) -> str:
        return locate(self.file, self.lines, where)

    def problem(self, where: str, message: str, fix: str = "") -> None:
        self.problems.append(Problem(self.at(where), message, fix))

    def mapping(self, value, where: str, keys: tuple[str, ...]) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(
                where, f"expected a mapping, got {type(value).__name__} {value!r:.60}", "write key: value pairs here"
            )
            return {}
        out = {}
        for k, v in value.items():
            key = snake(k)
            if key not in keys:
                near = difflib.get_close_matches(key, keys, n=1)
                self.problem(
                    f"{where}.{key}" if where else key,
                    f"unknown field {k!r}",
                    f"did you mean {near[0]!r}?" if near else f"known fields: {', '.join(keys)}",
                )
                continue
            out[key] = v
        return out

    def text(self, value, where: str) -> Texts | None:
        if value is None:
            return None
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return {self.lang: str(value)}
        if isinstance(value, dict) and all(isinstance(v, (str, int, float)) for v in value.values()):
            return {str(k): str(v) for k, v in value.items()}
        self.problem(
            where,
            f"a text is a string or a mapping language -> string, got {value!r:.60}",
            "write e.g. {en: Entrance, zh: 入口}",
        )
        return None

    @overload
    def number(self, value, where: str, default: float) -> float: ...
    @overload
    def number(self, value, where: str, default: None) -> float | None: ...
    def number(self, value, where: str, default: float | None) -> float | None:
        if value is None:
            return default
        why = number_problem(value)
        if why:
            self.problem(where, *why)
            return default
        return float(value)

    def yaw(self, value, where: str, default: float = 0.0) -> float:
        """A yaw: any finite number of degrees, folded into [-180, 180) (DESIGN.md: authoring files
        may give any finite yaw; 180 and -180 are one direction). A yaw already in range is kept as
        written: folding it would add rounding noise (16.7 -> 16.69999999999999) to tour.json."""
        yaw = self.number(value, where, default)
        return yaw if yaw is None or -180.0 <= yaw < 180.0 else wrap_yaw(yaw)

    def json_value(self, value, where: str) -> None:
        """Report every value in ``value`` (nested lists and mappings) that tour.json, strict JSON,
        cannot hold: a number that is not finite, a key that is not text, anything but text, a
        number, true/false, null, a list or a mapping (a date, bytes, a set given in Python; read
        from YAML, those are problems already and read as text). Depth is bounded by MAX_DEPTH."""
        if isinstance(value, float) and not math.isfinite(value):
            self.problem(where, f"{value} is not a finite number", _NOT_FINITE_FIX)
        elif isinstance(value, dict):
            for k, v in value.items():
                if not isinstance(k, str):
                    self.problem(
                        f"{where}.{k}", f"the key {k!r:.60} is not text", _as_text_fix(str(k), "write it as text")
                    )
                self.json_value(v, f"{where}.{k}")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                self.json_value(v, f"{where}[{i}]")
        elif isinstance(value, (datetime.date, datetime.time)):
            self.problem(
                where,
                f"{value!r:.60} is a {type(value).__name__}, which tour.json cannot hold",
                _as_text_fix(value.isoformat(), "write it as text"),
            )
        elif isinstance(value, (set, frozenset, tuple)):
            self.problem(
                where, f"{value!r:.60} is a {type(value).__name__}, which tour.json cannot hold", "write a list"
            )
        elif value is not None and not isinstance(value, (str, int, float)):
            self.problem(
                where,
                f"{value!r:.60} is a {type(value).__name__}, which tour.json cannot hold",
                "write text, a number, true/false, null, a list or a mapping",
            )

    @overload
    def string(self, value, where: str, default: str) -> str: ...
    @overload
    def string(self, value, where: str, default: None = None) -> str | None: ...
    def string(self, value, where: str, default: str | None = None) -> str | None:
        if value is None:
            return default
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value)
        self.problem(where, f"expected a string, got {value!r:.60}")
        return default

    def metadata(self, value, where: str) -> dict:
        """A model's or image's ``metadata``: key -> string or text (METADATA_KEYS, and any other)."""
        if value is not None and not isinstance(value, dict):
            self.problem(where, "expected a mapping", f"use the keys {', '.join(METADATA_KEYS)}")
            value = None
        return {
            snake(k): (self.text(v, f"{where}.{snake(k)}") if isinstance(v, dict) else str(v))
            for k, v in (value or {}).items()
            if v is not None
        }

    def items(self, value, where: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(where, f"expected a list, got {_kind(value)}", "write a '- ' list")
            return []
        return value


def _kind(value) -> str:
    """``a mapping``, ``a string``...: a YAML value's kind in a message."""
    names = {dict: "a mapping", list: "a list", str: "a string", bool: "true or false"}
    return names.get(type(value), f"a {type(value).__name__}")


def _panorama(r: _Reader, value, where: str) -> tuple[tuple[str, ...], bool]:
    if isinstance(value, str):
        return (value,), False
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value), False
    if isinstance(value, dict):
        faces = {}
        for k, v in value.items():
            letter = {"front": "f", "right": "r", "back": "b", "left": "l", "up": "u", "down": "d"}.get(
                str(k).lower(), str(k).lower()
            )
            if letter not in PANNELLUM_CUBE_ORDER or not isinstance(v, str):
                r.problem(
                    f"{where}.{k}",
                    f"{k!r}: {v!r:.40} is not a face and a file",
                    "use the keys f, r, b, l, u, d (or front, right, ...) with a file each",
                )
                continue
            faces[letter] = v
        missing = [c for c in PANNELLUM_CUBE_ORDER if c not in faces]
        if missing:
            r.problem(where, f"cube faces {', '.join(missing)} are missing", "give all six faces")
            return (), True
        return tuple(faces[c] for c in PANNELLUM_CUBE_ORDER), True
    r.problem(
        where,
        "no panorama source given"
        if value is None
        else f"expected a file, a list of photos or six faces, got {value!r:.60}",
        "write panorama: panoramas/NAME.jpg (or a list of photos, or {f: ..., r: ..., ...})",
    )
    return (), False


def _hotspot(r: _Reader, raw, where: str, scene_id: str, index: int) -> Hotspot | None:
    d = r.mapping(raw, where, _HOTSPOT_KEYS)
    if not d and raw is not None and not isinstance(raw, dict):
        return None
    kind = r.string(d.get("type"), f"{where}.type")
    if kind is None:
        kind = "link" if d.get("target") is not None and d.get("text") is None else "info"
    target = r.string(d.get("target"), f"{where}.target")
    return Hotspot(
        id=r.string(d.get("id"), f"{where}.id", f"{scene_id}-{index}"),
        type=kind,
        yaw=r.yaw(d.get("yaw"), f"{where}.yaw"),
        pitch=r.number(d.get("pitch"), f"{where}.pitch", 0.0),
        target=target,
        title=r.text(d.get("title"), f"{where}.title"),
        text=r.text(d.get("text"), f"{where}.text"),
        image=r.string(d.get("image"), f"{where}.image"),
        url=r.string(d.get("url"), f"{where}.url"),
        narration=_narration(r, d.get("narration"), f"{where}.narration"),
        where=where,
    )


def _scene(r: _Reader, raw, where: str, index: int) -> Scene:
    d = r.mapping(raw, where, _SCENE_KEYS)
    sid = r.string(d.get("id"), f"{where}.id")
    if sid is None:
        r.problem(f"{where}.id", "scene has no id", "add id: a short name like entrance")
        sid = f"scene{index}"
    files, faces = _panorama(r, d.get("panorama"), f"{where}.panorama")
    v = r.mapping(d.get("view"), f"{where}.view", ("yaw", "pitch", "fov"))
    view = View(
        yaw=r.yaw(v.get("yaw"), f"{where}.view.yaw"),
        pitch=r.number(v.get("pitch"), f"{where}.view.pitch", View.pitch),
        fov=r.number(v.get("fov"), f"{where}.view.fov", View.fov),
    )
    pos = d.get("floorplan_position")
    position = None
    if pos is not None:
        p = r.mapping(pos, f"{where}.floorplan_position", ("x", "y"))
        if "x" not in p or "y" not in p:
            r.problem(f"{where}.floorplan_position", "needs x and y", "write {x: 0.4, y: 0.6}")
        else:
            position = (
                r.number(p["x"], f"{where}.floorplan_position.x", 0.0),
                r.number(p["y"], f"{where}.floorplan_position.y", 0.0),
            )
    limits = None
    if d.get("limits") is not None:
        lim = r.mapping(d["limits"], f"{where}.limits", ("min_fov", "max_fov"))
        limits = {k: r.number(v, f"{where}.limits.{k}", None) for k, v in lim.items()}
    hotspots = tuple(
        h
        for i, raw_h in enumerate(r.items(d.get("hotspots"), f"{where}.hotspots"))
        if (h := _hotspot(r, raw_h, f"{where}.hotspots[{i}]", sid, i)) is not None
    )
    return Scene(
        id=sid,
        panorama=files,
        faces=faces,
        title=r.text(d.get("title"), f"{where}.title"),
        description=r.text(d.get("description"), f"{where}.description"),
        view=view,
        limits=limits,
        north_offset=r.yaw(d.get("north_offset"), f"{where}.north_offset"),
        floorplan_position=position,
        hotspots=hotspots,
        pano=r.mapping(d.get("pano"), f"{where}.pano", PANO_KEYS),
        narration=_narration(r, d.get("narration"), f"{where}.narration"),
        where=where,
    )


def _paths_by_language(r: _Reader, value, where: str, what: str, example: str) -> dict:
    """``{lang: path}`` from a path (the tour's first language) or a mapping language -> path; a
    language without a file (``en:`` left empty, null) or with something else is a problem of its
    own, the other languages kept."""
    if value is None:
        return {}
    if isinstance(value, str):
        return {r.lang: value}
    if not isinstance(value, dict) or not value:
        r.problem(
            where,
            f"expected a file or a mapping language -> file, got {value!r:.60}",
            f"write e.g. {{{r.lang}: {example}}}",
        )
        return {}
    out = {}
    for k, v in value.items():
        if isinstance(v, str) and v:
            out[str(k)] = v
        elif v is None or v == "":
            r.problem(
                f"{where}.{k}",
                f"no {what} file given for {k} (the value is empty)",
                f"write the file's path, e.g. {k}: {example}, or remove the {k} line",
            )
        else:
            r.problem(f"{where}.{k}", f"expected a file, got {_kind(v)} {v!r:.60}", f"write e.g. {k}: {example}")
    return out


def _narration(r: _Reader, value, where: str) -> Narration | None:
    """A scene's or info hotspot's ``narration:``: a plain path is the audio in the tour's first
    language; else ``{audio: path | {lang: path}, captions: path.vtt | {lang: path.vtt}}``."""
    if value is None:
        return None
    if isinstance(value, str):
        return Narration(audio={r.lang: value}, where=where)
    if not isinstance(value, dict):
        r.problem(
            where,
            f"expected a file or a mapping with audio and captions, got {_kind(value)}",
            f"write narration: {{audio: {{{r.lang}: narration/NAME.{r.lang}.mp3}}, "
            f"captions: {{{r.lang}: narration/NAME.{r.lang}.vtt}}}}",
        )
        return None
    d = r.mapping(value, where, _NARRATION_KEYS)
    audio = _paths_by_language(r, d.get("audio"), f"{where}.audio", "audio", "narration/NAME.mp3")
    captions = _paths_by_language(r, d.get("captions"), f"{where}.captions", "captions", "narration/NAME.vtt")
    if d.get("audio") is None:
        r.problem(
            f"{where}.audio" if "audio" in d else where,
            "narration without audio" + (" (audio: is empty)" if "audio" in d else ""),
            f"add audio: {{{r.lang}: narration/NAME.mp3}} or remove the narration",
        )
    if not audio and not captions:
        return None
    return Narration(audio=audio, captions=captions, where=where)


def _seconds(r: _Reader, value, where: str) -> float | None:
    """A number of seconds (finite; a negative one, or one over KIOSK_MAX_SECONDS, is validate's
    problem, named there)."""
    return r.number(value, where, None)


def _kiosk(r: _Reader, value) -> Kiosk | None:
    """The top-level ``kiosk:`` mapping (idle_seconds, countdown_seconds, attract: {scenes,
    seconds_per_scene, narration}); unknown keys are problems with a "did you mean"."""
    if value is None:
        return None
    if not isinstance(value, dict):
        r.problem("kiosk", f"expected a mapping, got {_kind(value)}", "write e.g. kiosk: {idle_seconds: 60}")
        return None
    d = r.mapping(value, "kiosk", _KIOSK_KEYS)
    raw_attract = d.get("attract")
    a = r.mapping(raw_attract, "kiosk.attract", _ATTRACT_KEYS)
    scenes: tuple[str, ...] | None = None
    if a.get("scenes") is not None:
        items = a["scenes"] if isinstance(a["scenes"], list) else None
        if items is None or not all(isinstance(x, str) for x in items):
            r.problem(
                "kiosk.attract.scenes",
                f"expected a list of scene ids, got {a['scenes']!r:.60}",
                "write scenes: [entrance, hall]",
            )
        else:
            scenes = tuple(items)
    narration = a.get("narration")
    if narration is not None and not isinstance(narration, bool):
        r.problem("kiosk.attract.narration", f"expected true or false, got {narration!r:.60}", "write narration: true")
        narration = None
    return Kiosk(
        idle_seconds=_seconds(r, d.get("idle_seconds"), "kiosk.idle_seconds"),
        countdown_seconds=_seconds(r, d.get("countdown_seconds"), "kiosk.countdown_seconds"),
        attract_scenes=scenes,
        seconds_per_scene=_seconds(r, a.get("seconds_per_scene"), "kiosk.attract.seconds_per_scene"),
        narration=narration,
        attract_given=raw_attract is not None,
    )


def _units(r: _Reader, value, where: str) -> str | None:
    """The scan's units, one of UNITS; any other value is a problem here, where it is written, and
    reads as None (so no later step reports it again)."""
    units = r.string(value, where)
    if units is not None and units not in UNITS:
        r.problem(where, f"units {units!r} unknown", f"use one of {', '.join(UNITS)}")
        return None
    return units


def _is_day(text: str) -> bool:
    """True for a real day written YYYY-MM-DD (not 2019-02-30, not 20190514)."""
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return bool(DATE_PATTERN.match(text))


def _previous(r: _Reader, raw, where: str) -> Previous | None:
    """One ``previous:`` item: ``{source, date, units}``, date required (YYYY-MM-DD)."""
    if not isinstance(raw, dict):
        r.problem(
            where,
            f"a previous scan is a mapping, got {_kind(raw)}",
            "write - {source: models/NAME-2019.ply, date: 2019-05-14}",
        )
        return None
    d = r.mapping(raw, where, _PREVIOUS_KEYS)
    source = r.string(d.get("source"), f"{where}.source")
    if not source:
        r.problem(f"{where}.source", "previous scan has no source", "write source: models/NAME-2019.ply")
    date = r.string(d.get("date"), f"{where}.date")
    if date is None:
        r.problem(f"{where}.date", "previous scan has no date", "add date: YYYY-MM-DD, the day it was scanned")
    elif not _is_day(date):
        r.problem(f"{where}.date", f"date {date!r} is not a day written YYYY-MM-DD", "write e.g. 2019-05-14")
    return Previous(
        source=source or "", date=date or "", units=_units(r, d.get("units"), f"{where}.units"), where=where
    )


def _model(r: _Reader, raw, where: str, index: int) -> Model:
    d = r.mapping(raw, where, _MODEL_KEYS)
    mid = r.string(d.get("id"), f"{where}.id")
    if mid is None:
        r.problem(f"{where}.id", "model has no id", "add id: a short name like buddha")
        mid = f"model{index}"
    source = r.string(d.get("source"), f"{where}.source")
    if not source:
        r.problem(f"{where}.source", "model has no source scan", "write source: models/NAME.obj")
    metadata = r.metadata(d.get("metadata") or {}, f"{where}.metadata")
    downloads = d.get("downloads", False)
    if not isinstance(downloads, bool):
        r.problem(f"{where}.downloads", f"expected true or false, got {downloads!r:.60}", "write downloads: true")
        downloads = False
    previous = tuple(
        p
        for i, raw_p in enumerate(r.items(d.get("previous"), f"{where}.previous"))
        if (p := _previous(r, raw_p, f"{where}.previous[{i}]")) is not None
    )
    return Model(
        id=mid,
        source=source or "",
        title=r.text(d.get("title"), f"{where}.title"),
        description=r.text(d.get("description"), f"{where}.description"),
        units=_units(r, d.get("units"), f"{where}.units"),
        metadata=metadata,
        lod=r.mapping(d.get("lod"), f"{where}.lod", LOD_KEYS),
        downloads=downloads,
        previous=previous,
        where=where,
    )


def parse_tour(
    data: Any, root: str | Path = ".", file: str = "tour.yaml", lines: dict | None = None
) -> tuple[Tour, list[Problem]]:
    """A :class:`Tour` from parsed tour.yaml content, and every shape problem found on the way."""
    lines = lines or {}
    langs = data.get("languages") if isinstance(data, dict) else None
    if isinstance(langs, str):
        langs = [langs]
    first = str(langs[0]) if isinstance(langs, list) and langs else "en"
    r = _Reader(file, lines, first)
    if langs is not None and not isinstance(langs, list):
        r.problem("languages", f"expected a list, got {_kind(langs)}", "write a '- ' list")
    if not isinstance(data, dict):
        r.problems.append(Problem(file, "the file is not a mapping of tour fields", "start with id:, title:, scenes:"))
        data = {}
    d = r.mapping(data, "", _TOUR_KEYS)
    languages = tuple(str(x) for x in (langs if isinstance(langs, list) and langs else ["en"]))
    tid = r.string(d.get("id"), "id")
    if tid is None:
        r.problem("id", "tour has no id", "add id: a short name; the output goes to export/<id>/")
        tid = "tour"
    title = r.text(d.get("title"), "title")
    if title is None:
        r.problem("title", "tour has no title", "add title: {en: ...}")
        title = {first: tid}
    scenes = tuple(_scene(r, s, f"scenes[{i}]", i) for i, s in enumerate(r.items(d.get("scenes"), "scenes")))
    models = tuple(_model(r, m, f"models[{i}]", i) for i, m in enumerate(r.items(d.get("models"), "models")))
    images = read_images(r, d.get("images"))
    settings = d.get("settings") or {}
    if not isinstance(settings, dict):
        r.problem("settings", f"expected a mapping, got {_kind(settings)}", "write key: value pairs here")
        settings = {}
    r.json_value(settings, "settings")
    tour = Tour(
        id=tid,
        title=title,
        languages=languages,
        start=r.string(d.get("start"), "start", scenes[0].id if scenes else None),
        description=r.text(d.get("description"), "description"),
        scenes=scenes,
        models=models,
        images=images,
        floorplan=r.string(d.get("floorplan"), "floorplan"),
        settings=settings,
        pano=r.mapping(d.get("pano"), "pano", PANO_KEYS),
        lod=r.mapping(d.get("lod"), "lod", LOD_KEYS),
        zoom=r.mapping(d.get("zoom"), "zoom", ZOOM_KEYS),
        base_url=r.string(d.get("base_url"), "base_url"),
        kiosk=_kiosk(r, d.get("kiosk")),
        root=Path(root),
        file=file,
        lines=lines,
    )
    return tour, r.problems


def read_tour(path: str | Path) -> tuple[Tour, list[Problem]]:
    """Read a tour.yaml (or .json) file: the tour and its shape problems (empty when clean)."""
    path = Path(path)
    data, lines, problems = read_data(path)
    tour, shape = parse_tour(data, root=path.parent, file=path.name, lines=lines)
    return tour, problems + shape
