"""Reading IIIF Presentation 3.0 JSON for ``vtour import``: bounded, local, every problem named.

:class:`IIIFReader` holds what every document read needs: shapes (objects, lists, ``type``,
language maps), files, and a Canvas's painting body and annotations; :mod:`vtour.tour.iiif_import`
turns what it reads into tour.yaml entries.

Texts are language maps; language ``none`` is the tour's ``--language``, HTML values (IIIF: those
between ``<`` and ``>``) become plain text.

Files, never URLs: vtour import reads only files inside one folder (the ``root``: the FOLDER given,
else the manifest's or collection's own folder), links resolved. A reference is a relative path (from
the JSON file naming it) or an http(s) URL under a **base** the JSON files read so far show:

    The base of a file is its ``id`` up to the folders its own path under ``root`` shares with that
    id's path, counted from the end: ``http://h/iiif/images/mural.json`` read from
    ``ROOT/iiif/images/mural.json`` has base ``http://h/`` <-> ``ROOT``; read from
    ``ROOT/mural.json`` it has base ``http://h/iiif/images/`` <-> ``ROOT``. The file's name is not
    compared (a download may be renamed), and a base never maps above ``root``.

The input is untrusted: JSON nesting is bounded (:func:`vtour.tour.document.read_json`), every shape
problem is a :class:`VtourError` naming the file, the field (``items[0].items[0].type``) and the
value.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from vtour.errors import VtourError
from vtour.output import is_within
from vtour.tour.document import read_json
from vtour.tour.peer_import import html_to_text
from vtour.tour.validate import path_escape

#: Largest JSON file read (manifests of whole libraries stay far below).
MAX_JSON_BYTES = 64 << 20
#: What a FOLDER given to vtour import is read through, the first one present.
FOLDER_ENTRIES = ("iiif/collection.json", "collection.json", "manifest.json")
_GENERIC = {"manifest", "collection", "index", "info", "top", "canvas", "1"}
_LANGUAGE = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")
_XYWH = re.compile(r"xywh=(?:pixel:)?(\d+(?:\.\d*)?),(\d+(?:\.\d*)?),(\d+(?:\.\d*)?),(\d+(?:\.\d*)?)")
#: How much of a JSON file :func:`is_iiif` looks at for an IIIF context or type.
SNIFF_BYTES = 4096
_IIIF_TYPE = re.compile(rb'"@?type"\s*:\s*"(?:sc:)?(?:Manifest|Collection)"')
FIX = "write it as IIIF Presentation 3.0 has it (https://iiif.io/api/presentation/3.0/)"


def at(where: str, key) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else str(key)


def safe_id(value: str, default: str) -> str:
    out = re.sub(r"[^A-Za-z0-9_.-]+", "-", value).strip("-.")[:64].strip("-.")
    return out or default


def is_url(value: str) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value)) and not re.match(r"^[A-Za-z]:[\\/]", value)


def _plain(value: str) -> str:
    value = value.strip()
    return html_to_text(value) if value.startswith("<") and value.endswith(">") else value


def id_stem(url: str) -> str:
    """The last meaningful part of an id: ``.../mural.json`` -> mural, ``.../mural/manifest.json`` -> mural."""
    parts = [p for p in urllib.parse.unquote(urllib.parse.urlsplit(url).path).split("/") if p]
    stems = [re.sub(r"\.json$", "", p) for p in parts]
    while stems and stems[-1].lower() in _GENERIC:
        stems.pop()
    return stems[-1] if stems else ""


def _read_text(path: Path) -> str:
    with path.open("rb") as f:
        raw = f.read(MAX_JSON_BYTES + 1)
    if len(raw) > MAX_JSON_BYTES:
        raise VtourError("import", f"larger than {MAX_JSON_BYTES >> 20} MiB", path=path, fix="split it into manifests")
    return raw.decode("utf-8-sig")


def is_iiif(path: str | Path) -> bool:
    """True for a folder and for a JSON file that is an IIIF Manifest or Collection (any version):
    what :func:`import_iiif` reads; anything else is left to :mod:`vtour.tour.peer_import`.

    The file's first :data:`SNIFF_BYTES` are looked at first (an IIIF Presentation context, or a
    ``"type": "Manifest"``/``"Collection"``), so that a manifest too deep, not UTF-8 or not JSON
    at all is still the IIIF reader's to report, not a Marzipano or Pannellum one's."""
    path = Path(path)
    if path.is_dir():
        return True
    if path.suffix.lower() == ".js":
        return False
    try:
        with path.open("rb") as f:
            head = f.read(SNIFF_BYTES)
    except OSError:
        return False
    if b"iiif.io/api/presentation" in head or (path.suffix.lower() == ".json" and _IIIF_TYPE.search(head)):
        return True
    try:
        data = read_json(_read_text(path), path, FIX, step="import")
    except (OSError, ValueError, VtourError):
        return False
    if not isinstance(data, dict):
        return False
    context = json.dumps(data.get("@context", ""))
    kind = str(data.get("type") or data.get("@type") or "")
    return "iiif.io/api/presentation" in context or kind in ("Manifest", "Collection", "sc:Manifest", "sc:Collection")


@dataclass
class Doc:
    """A JSON file read: its path (resolved) and the bases (URL prefix, folder) it shows."""

    path: Path
    bases: list[tuple[str, Path]] = field(default_factory=list)
    id: str | None = None


def base_of(url: str, path: Path, root: Path) -> tuple[str, Path] | None:
    """The base (URL prefix, folder) that the file ``path`` under ``root`` with id ``url`` shows
    (see the module's docstring), or None for an id that is no absolute http(s) URL."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    url_dirs = parts.path.split("/")[1:-1]
    file_dirs = path.relative_to(root).parts[:-1]
    k = 0
    while k < min(len(url_dirs), len(file_dirs)) and urllib.parse.unquote(url_dirs[-1 - k]) == file_dirs[-1 - k]:
        k += 1
    prefix = f"{parts.scheme}://{parts.netloc}/" + "".join(d + "/" for d in url_dirs[: len(url_dirs) - k])
    return prefix, path.parents[k]


class IIIFReader:
    """The documents read under ``root`` so far (their bases), the languages seen and the notes
    (warnings) gathered; ``doc`` is the file being read, the one errors name."""

    def __init__(self, root: Path, language: str):
        self.root = root.resolve()
        self.language = language
        self.notes: list[str] = []
        self.bases: list[tuple[str, Path]] = []
        self.visited: set[Path] = set()
        self.doc = Doc(self.root)

    # -- shapes ---------------------------------------------------------------------------------

    def fail(self, where: str, value, message: str, fix: str = FIX) -> NoReturn:
        raise VtourError("import", message, path=self.doc.path, field=where or "(top level)", value=value, fix=fix)

    def obj(self, value, where: str) -> dict:
        if not isinstance(value, dict):
            self.fail(where, value, "must be an object ({...})")
        return value

    def objs(self, value, where: str, *, single=False) -> list[dict]:
        """A list of objects (null: none); with ``single`` one object is read as a list of it."""
        if value is None:
            return []
        if single and isinstance(value, dict):
            return [value]
        if not isinstance(value, list):
            self.fail(where, value, "must be a list ([...])")
        return [self.obj(v, at(where, i)) for i, v in enumerate(value)]

    def kind(self, value: dict, where: str, allowed: tuple[str, ...]) -> str:
        kind = value.get("type")
        if kind is None and "@type" in value:
            self.fail(
                at(where, "@type"),
                value["@type"],
                "is IIIF Presentation 2; vtour import reads only 3.0",
                "upgrade it to 3.0 (e.g. with the IIIF prezi-2-to-3 converter)",
            )
        if kind not in allowed:
            self.fail(at(where, "type"), kind, f"is not one of {', '.join(allowed)}", f"give type: {allowed[0]}")
        return kind

    def texts(self, value, where: str, *, required: bool = False) -> dict | None:
        """An IIIF language map -> ``{lang: text}`` (values of one language joined by newlines)."""
        if value is None:
            if required:
                self.fail(where, None, "is missing", 'give it, e.g. {"en": ["Mural"]}')
            return None
        if not isinstance(value, dict):
            self.fail(where, value, 'must be a language map ({"en": ["..."]})')
        out: dict[str, str] = {}
        for lang, values in value.items():
            values = [values] if isinstance(values, str) else values
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                self.fail(at(where, lang), values, "must be a list of strings")
            if lang != "none" and not _LANGUAGE.match(str(lang)):
                self.fail(at(where, lang), lang, "is not a language code", "use e.g. en, zh, zh-Hans or none")
            text = "\n".join(t for t in (_plain(v) for v in values) if t)
            if text:
                code = self.language if lang == "none" else str(lang)
                out[code] = f"{out[code]}\n{text}" if code in out else text
        if required and not out:
            self.fail(where, value, "holds no text", 'give it, e.g. {"en": ["Mural"]}')
        return out or None

    def text(self, value, where: str, *, required: bool = False) -> dict | str | None:
        """As :meth:`texts`, but a map of language ``none`` alone (what an exported tour.yaml plain
        string becomes) is that plain string again, in every language of the tour."""
        texts = self.texts(value, where, required=required)
        if texts and isinstance(value, dict) and set(value) == {"none"}:
            return texts[self.language]
        return texts

    # -- files ----------------------------------------------------------------------------------

    def inside(self, path: Path, where: str, value) -> Path:
        try:
            real = path.resolve()
        except (OSError, RuntimeError) as exc:
            self.fail(where, value, f"cannot resolve {path} ({exc})", "fix the link or name another file")
        if not is_within(real, self.root):
            self.fail(
                where,
                value,
                f"{path} is outside the folder vtour import reads ({self.root})",
                "keep the files in that folder (or give a folder above them: vtour import FOLDER)",
            )
        return real

    def load(self, path: Path, where: str, value, *, base: bool = True) -> tuple:
        """A JSON file inside root, read bounded, and its :class:`Doc`; with ``base``, the base its
        id shows becomes known (not for info.json, whose id is its folder's URL)."""
        real = self.inside(path, where, value)
        try:
            text = _read_text(real)
            data = read_json(
                text, real, FIX, step="import", too_deep="lists and objects nest more than {max_depth} deep"
            )
        except FileNotFoundError:
            self.fail(where, value, f"{path} not found", "put the file there or fix the reference")
        except UnicodeDecodeError as exc:
            raise VtourError("import", f"not UTF-8 text ({exc.reason})", path=real, fix=FIX) from None
        except OSError as exc:
            self.fail(where, value, f"cannot read {path} ({exc.strerror or exc})", "check its permissions")
        except ValueError as exc:
            raise VtourError("import", f"not JSON ({exc})", path=real, fix="check it with a JSON linter") from None
        doc = Doc(real)
        if base and isinstance(data, dict) and isinstance(data.get("id"), str):
            doc.id = data["id"]
            self.add_base(data["id"], doc)
        return data, doc

    def add_base(self, url: str, doc: Doc) -> None:
        base = base_of(url, doc.path, self.root)
        if base is None:
            return
        doc.bases.append(base)
        if base not in self.bases:
            self.bases.append(base)

    def folder_above(self, url: str) -> Path | None:
        """A folder above root under which ``url`` would be a file, from the current file's id (a
        built tour's ``iiif/collection.json`` given instead of the tour's folder); None if none."""
        if not self.doc.id:
            return None
        bare = url.split("#")[0].split("?")[0]
        for folder in self.root.parents:
            base = base_of(self.doc.id, self.doc.path, folder)
            if base is not None and bare.startswith(base[0]):
                target = base[1] / urllib.parse.unquote(bare[len(base[0]) :])
                if is_within(target.resolve(), folder) and target.exists():
                    return folder
        return None

    def local(self, ref, where: str) -> Path | None:
        """The file inside root that ``ref`` (a relative path or a URL under a known base) names;
        None for a URL under no base."""
        if not isinstance(ref, str) or not ref.strip():
            self.fail(where, ref, "must be a non-empty string (a URL or a relative path)")
        bare = ref.split("#")[0].split("?")[0]
        if is_url(ref):
            for prefix, folder in self.doc.bases + self.bases:
                if bare.startswith(prefix):
                    return self.inside(folder / urllib.parse.unquote(bare[len(prefix) :]), where, ref)
            return None
        why = path_escape(bare)
        if why and why != "leaves the tour folder":
            self.fail(where, ref, f"{ref!r} {why}", "name files by paths relative to the manifest")
        return self.inside(self.doc.path.parent / urllib.parse.unquote(bare), where, ref)

    def never_fetch(self, where: str, url: str, what: str = "image") -> NoReturn:
        above = self.folder_above(url) if is_url(url) else None
        if above is not None:
            self.fail(
                where,
                url,
                f"vtour import never fetches URLs: {url} is a file under {above}, above the folder read",
                f"give the folder {above} instead: vtour import {above} -o ...",
            )
        self.fail(
            where,
            url,
            f"vtour import never fetches URLs: {url}; download the {what} next to the manifest "
            "and give its relative path",
            "or give the folder its id's base URL maps to: vtour import FOLDER",
        )

    def painted(self, canvas: dict, where: str) -> tuple[dict, str]:
        """The first painting body of a Canvas or Scene (a Choice's first item, a SpecificResource's source)."""
        for p, page in enumerate(self.objs(canvas.get("items"), at(where, "items"))):
            pw = at(at(where, "items"), p)
            self.kind(page, pw, ("AnnotationPage",))
            for a, anno in enumerate(self.objs(page.get("items"), at(pw, "items"))):
                aw = at(at(pw, "items"), a)
                self.kind(anno, aw, ("Annotation",))
                if anno.get("motivation", "painting") not in ("painting", ["painting"]):
                    continue
                bodies = self.objs(anno.get("body"), at(aw, "body"), single=True)
                if not bodies:
                    continue
                body, bw = bodies[0], at(aw, "body") if isinstance(anno["body"], dict) else at(at(aw, "body"), 0)
                for _ in range(4):  # Choice / SpecificResource wrappers
                    if body.get("type") == "Choice":
                        choice = self.objs(body.get("items"), at(bw, "items"))
                        if not choice:
                            self.fail(at(bw, "items"), body.get("items"), "the Choice has no items")
                        body, bw = choice[0], at(at(bw, "items"), 0)
                        self.notes.append(f"{bw}: the first of a Choice is imported")
                    elif body.get("type") == "SpecificResource":
                        body, bw = self.obj(body.get("source"), at(bw, "source")), at(bw, "source")
                return body, bw
        self.fail(at(where, "items"), None, "paints no Image or Model", "add a painting Annotation with an Image body")

    def annotations(
        self, canvas: dict, where: str, scale: tuple[float, float], uid: str, size: tuple[int, int]
    ) -> list[dict]:
        """The Canvas's region annotations as tour.yaml ``annotations``: regions in px of the image
        file (``size``, ``scale`` from the Canvas's px), clamped to it (a warning names the target),
        refused when nothing is left; one that targets another Canvas is skipped with a warning."""
        out: list[dict] = []
        ids: set[str] = set()
        for p, page in enumerate(self.objs(canvas.get("annotations"), at(where, "annotations"))):
            pw = at(at(where, "annotations"), p)
            self.kind(page, pw, ("AnnotationPage",))
            outer = self.doc
            if "items" not in page:  # a page in its own file
                path = self.local(page.get("id"), at(pw, "id"))
                if path is None:
                    self.never_fetch(at(pw, "id"), page["id"], "annotation page")
                raw, self.doc = self.load(path, at(pw, "id"), page["id"])
                page = self.obj(raw, "")
                self.kind(page, "", ("AnnotationPage",))
                pw = ""
            for a, anno in enumerate(self.objs(page.get("items"), at(pw, "items"))):
                aw = at(at(pw, "items"), a)
                self.kind(anno, aw, ("Annotation",))
                xywh = self.region(anno.get("target"), at(aw, "target"), canvas)
                if xywh is None:
                    continue
                region = self.clamp(xywh, scale, size, at(aw, "target"))
                title, text = self.bodies(anno.get("body"), at(aw, "body"))
                raw = str(anno.get("id") or "")
                raw = raw.rpartition("#")[2] if "#" in raw else ""
                aid = safe_id(raw, f"a{len(out) + 1}")
                n = 2
                while aid in ids:
                    aid, n = f"{safe_id(raw, 'a')[:60]}-{n}", n + 1
                ids.add(aid)
                entry = {"id": aid, "region": region, "title": title}
                if text:
                    entry["text"] = text
                out.append(entry)
            self.doc = outer
        return out

    def clamp(self, xywh: tuple[int, ...], scale: tuple[float, float], size: tuple[int, int], where: str) -> list[int]:
        """A Canvas region scaled to the image file's px and clamped inside its ``size``."""
        x, y, w, h = xywh
        sx, sy = scale
        x0, y0 = max(0, round(x * sx)), max(0, round(y * sy))
        x1, y1 = min(size[0], round((x + w) * sx)), min(size[1], round((y + h) * sy))
        if x1 <= x0 or y1 <= y0:
            self.fail(
                where,
                f"xywh={x},{y},{w},{h}",
                f"the region lies outside the image ({size[0]}x{size[1]} px)",
                "give a region inside the Canvas, or remove the annotation",
            )
        region = [x0, y0, x1 - x0, y1 - y0]
        if (x * sx, y * sy, (x + w) * sx, (y + h) * sy) != (x0, y0, x1, y1):
            self.notes.append(
                f"{where}: region xywh={x},{y},{w},{h} leaves the image ({size[0]}x{size[1]} px) "
                f"or is not whole px in it: imported as {region}"
            )
        return region

    def region(self, target, where: str, canvas: dict) -> tuple[int, ...] | None:
        """``(x, y, w, h)`` whole px of the Canvas that ``target`` names (rounded, with a warning,
        when not whole); None (a warning) when it names another Canvas than ``canvas``."""
        if isinstance(target, list) and len(target) == 1:
            target, where = target[0], at(where, 0)
        fragment, source = None, None
        if isinstance(target, str):
            source, _, fragment = target.partition("#")
        elif isinstance(target, dict) and target.get("type") == "SpecificResource":
            src = target.get("source")
            source = src.get("id") if isinstance(src, dict) else src
            for s, sel in enumerate(self.objs(target.get("selector"), at(where, "selector"), single=True)):
                if sel.get("type") == "FragmentSelector" and isinstance(sel.get("value"), str):
                    fragment, where = sel["value"], at(at(where, "selector"), s)
        else:
            self.fail(where, target, "must be a Canvas region: a URL ending #xywh=x,y,w,h or a SpecificResource")
        canvas_id = canvas.get("id")
        if isinstance(canvas_id, str) and isinstance(source, str) and source and source != canvas_id:
            self.notes.append(f"{where}: skipped: it targets {source}, not this Canvas ({canvas_id})")
            return None
        if not fragment:
            self.notes.append(f"{where}: no region (xywh) given; the whole canvas is used")
            return (0, 0, canvas.get("width") or 1, canvas.get("height") or 1)
        m = _XYWH.fullmatch(fragment)
        if not m or float(m[3]) <= 0 or float(m[4]) <= 0:
            self.fail(
                where,
                target,
                f"region {fragment!r} is not xywh=x,y,w,h in pixels with w, h > 0",
                "give e.g. ...#xywh=100,200,300,400",
            )
        x, y, w, h = (int(v) if v.isdigit() else round(float(v)) for v in m.groups())
        values = (x, y, max(1, w), max(1, h))
        if any(not v.isdigit() for v in m.groups()):
            self.notes.append(f"{where}: region {fragment!r} is not whole px: rounded to {list(values)}")
        return values

    def bodies(self, value, where: str) -> tuple[dict, dict | None]:
        """Title (bodies not "describing") and text ("describing") per language, from TextualBody bodies."""
        title: dict[str, str] = {}
        text: dict[str, str] = {}
        for b, body in enumerate(self.objs(value, where, single=True)):
            bw = where if isinstance(value, dict) else at(where, b)
            if body.get("type") != "TextualBody":
                self.notes.append(f"{bw}: a {body.get('type')} body is not imported (only TextualBody)")
                continue
            words = body.get("value")
            if not isinstance(words, str):
                self.fail(at(bw, "value"), words, "must be a string")
            lang = body.get("language", "none")
            lang = lang[0] if isinstance(lang, list) and lang else lang
            texts = self.texts({lang: [words]}, at(bw, "language")) or {}
            for code, t in texts.items():
                into = text if body.get("purpose") == "describing" or code in title else title
                into[code] = f"{into[code]}\n{t}" if code in into else t
        if not title:
            self.fail(
                where,
                value,
                "has no title: no TextualBody whose purpose is not describing",
                'give a body {"type": "TextualBody", "value": "...", "language": "en"}',
            )
        return title, text or None


def entry_file(path: Path) -> tuple[Path, Path]:
    """The JSON file to read and the root folder, for a FILE or a FOLDER given to vtour import."""
    if path.is_dir():
        for name in FOLDER_ENTRIES:
            if (path / name).is_file():
                return path / name, path
        raise VtourError(
            "import",
            f"holds none of {', '.join(FOLDER_ENTRIES)}",
            path=path,
            fix="give the IIIF manifest or collection file itself",
        )
    if not path.is_file():
        raise VtourError("import", "not found", path=path, fix="check the path")
    return path, path.parent
