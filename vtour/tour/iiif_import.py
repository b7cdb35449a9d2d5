"""IIIF Presentation 3.0 manifests and collections imported into a tour.yaml (``vtour import``).

What is read::

    Manifest, Canvas painted with an Image (ImageService optional)  ->  one ``images:`` entry
    Manifest, Scene (IIIF 3D draft) painted with a Model (.glb/.gltf) ->  one ``models:`` entry
    Collection                                                      ->  every Manifest it lists
                                                                        (nested, MAX_COLLECTION_DEPTH deep)
    label -> title, summary -> description, metadata -> metadata (see METADATA_LABELS),
    requiredStatement -> metadata.credit, rights -> rights (a model's: metadata.licence),
    the Canvas's ``annotations`` pages (``...#xywh=x,y,w,h`` targets, TextualBody bodies) -> annotations

A manifest with several Canvases gives one entry per Canvas (ids ``<id>-1``, ``<id>-2``...).
Files only, under the folder read (never URLs), as :mod:`vtour.tour.iiif_read` describes: so a
built tour's ``iiif/images/<id>.json`` (whose image is ``<base_url>/images/<id>/...``) is read whole
when its tour folder is given, and a ``vtour image`` folder's ``manifest.json`` from that folder.

An Image's file, the first that applies::

    its body's ``id``, when that is a local file                  copied to images/<id>.<ext>
    its local ImageService's tiles at scale factor 1              joined (vtour.image.reassemble)
                                                                  into images/<id>.tif: full resolution
    the largest whole-image file of that service (``full/max/0/default.jpg`` or
    ``full/{w},{h}/0/default.jpg`` of info.json's ``sizes``)       copied, with a warning when it is
                                                                  smaller than the Canvas (regions scaled)

The output (tour.yaml, ``images/``, ``models/``) is staged and appears complete or not at all,
an existing different file replaced only with ``force`` (as :mod:`vtour.tour.peer_import`).
"""

from __future__ import annotations

import json
import re
import shutil
import urllib.parse
import warnings
from pathlib import Path, PurePosixPath

import yaml
from PIL import Image as PILImage

from vtour.errors import VtourError, VtourWarning
from vtour.image.options import DEFAULT_IMAGE_OPTIONS
from vtour.image.reassemble import check_info, full_tile_size, reassemble
from vtour.images import probe_image
from vtour.output import merge_staged, staging
from vtour.tour.document import METADATA_KEYS
from vtour.tour.iiif_read import Doc, IIIFReader, at, entry_file, id_stem, is_iiif, is_url, safe_id
from vtour.tour.validate import path_escape

__all__ = ["MAX_COLLECTION_DEPTH", "METADATA_LABELS", "MODEL_SUFFIXES", "import_iiif", "is_iiif", "read_iiif"]

#: Largest tour.json read for a built tour's id (the id is near its start).
MAX_TOUR_JSON_BYTES = 16 << 20
#: Deepest chain of Collections listing Collections that is followed.
MAX_COLLECTION_DEPTH = 8
#: English metadata labels (lower case) read as tour.yaml metadata keys; others become snake_case keys.
METADATA_LABELS = {**{k: k for k in METADATA_KEYS}, "license": "licence", "attribution": "credit"}
MODEL_SUFFIXES = {".glb": "model/gltf-binary", ".gltf": "model/gltf+json"}
#: Image formats (Pillow's names) an imported image may have, and the extension it is copied with.
IMAGE_SUFFIXES = {"JPEG": ".jpg", "PNG": ".png", "TIFF": ".tif"}


class _Reader(IIIFReader):
    """Reads manifests and collections into ``images``/``models`` entries, files copied into ``stage``."""

    def __init__(self, root: Path, stage: Path, language: str):
        super().__init__(root, language)
        self.stage = stage
        self.images: list[dict] = []
        self.models: list[dict] = []
        self.ids: set[str] = set()
        self.zoom: dict[str, dict] = {}  # image id -> zoom options its imported pyramid had

    def copy(self, src: Path, rel: str, where: str) -> str:
        target = self.stage / rel
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)
        except OSError as exc:
            self.fail(where, str(src), f"cannot copy {src} ({exc.strerror or exc})", "check its permissions")
        return rel

    def unique(self, raw: str, default: str) -> str:
        base = uid = safe_id(raw, default)
        n = 2
        while uid in self.ids:
            uid = f"{base[:60]}-{n}"
            n += 1
        self.ids.add(uid)
        return uid

    def document(self, data: dict, root: Path) -> dict:
        """What :func:`read_iiif` writes, from the top document ``data`` read under ``root``: a
        tour.yaml (a subclass may make another YAML document of the entries it read)."""
        return _tour(self, data, root)

    # -- documents ------------------------------------------------------------------------------

    def collection(self, data: dict, where: str, depth: int) -> None:
        if depth > MAX_COLLECTION_DEPTH:
            self.fail(
                where, None, f"collections nest more than {MAX_COLLECTION_DEPTH} deep", "list the manifests higher up"
            )
        for i, item in enumerate(self.objs(data.get("items"), at(where, "items"))):
            w = at(at(where, "items"), i)
            kind = self.kind(item, w, ("Manifest", "Collection"))
            outer = self.doc
            if "items" not in item:  # a reference: read the file it names
                path = self.local(item.get("id"), at(w, "id"))
                if path is None:
                    self.never_fetch(at(w, "id"), item["id"], kind.lower())
                if path in self.visited:
                    self.fail(at(w, "id"), item["id"], f"{path} is listed twice (or a loop)", "list it once")
                self.visited.add(path)
                raw, self.doc = self.load(path, at(w, "id"), item["id"])
                item, w = self.obj(raw, ""), ""
                self.kind(item, "", (kind,))
            if kind == "Collection":
                self.collection(item, w, depth + 1)
            else:
                self.manifest(item, w)
            self.doc = outer

    def manifest(self, data: dict, where: str) -> None:
        label = self.texts(data.get("label"), at(where, "label"), required=True) or {}
        info: dict = {"description": self.texts(data.get("summary"), at(where, "summary"))}
        info["metadata"] = self.metadata(data, where)
        rights = data.get("rights")
        if rights is not None and not (isinstance(rights, str) and re.match(r"^https?://\S+$", rights)):
            self.fail(
                at(where, "rights"),
                rights,
                "must be an http(s) URL",
                "e.g. http://creativecommons.org/licenses/by/4.0/",
            )
        canvases = self.objs(data.get("items"), at(where, "items"))
        if not canvases:
            self.fail(
                at(where, "items"),
                data.get("items"),
                "the manifest has no Canvas or Scene",
                "paint an Image on a Canvas",
            )
        raw_id = id_stem(data["id"]) if isinstance(data.get("id"), str) else ""
        raw_id = raw_id or next(iter(label.values()))
        for i, canvas in enumerate(canvases):
            w = at(at(where, "items"), i)
            kind = self.kind(canvas, w, ("Canvas", "Scene"))
            title = label
            if len(canvases) > 1:
                title = self.texts(canvas.get("label"), at(w, "label")) or {
                    k: f"{v} ({i + 1})" for k, v in label.items()
                }
            body, bw = self.painted(canvas, w)
            body_kind = self.kind(body, bw, ("Image", "Model") if kind == "Canvas" else ("Model", "Image"))
            uid = self.unique(f"{raw_id}-{i + 1}" if len(canvases) > 1 else raw_id, body_kind.lower())
            entry = {"id": uid, "title": title, **{k: v for k, v in info.items() if v}}
            if body_kind == "Image":
                if rights:
                    entry["rights"] = rights
                entry.update(self.image(uid, body, bw, canvas, w))
                self.images.append(entry)
            else:
                if rights and "licence" not in entry.get("metadata", {}):
                    entry.setdefault("metadata", {})["licence"] = rights
                entry["source"] = self.model(uid, body, bw)
                self.models.append(entry)

    def metadata(self, data: dict, where: str) -> dict:
        out: dict[str, dict | str] = {}
        dropped = []
        pairs = [
            (e, at(at(where, "metadata"), i))
            for i, e in enumerate(self.objs(data.get("metadata"), at(where, "metadata")))
        ]
        if data.get("requiredStatement") is not None:
            pairs.append(
                (self.obj(data["requiredStatement"], at(where, "requiredStatement")), at(where, "requiredStatement"))
            )
        for entry, w in pairs:
            names = self.texts(entry.get("label"), at(w, "label"), required=True) or {}
            value = self.text(entry.get("value"), at(w, "value"), required=True)
            name = names.get("en") or names.get(self.language) or next(iter(names.values()))
            if w.endswith("requiredStatement"):
                key = "credit"
            else:
                key = METADATA_LABELS.get(name.strip().lower()) or re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
            if not key or not re.match(r"^[a-z]", key):
                dropped.append(name)
            elif key not in out and value:
                out[key] = value
        if dropped:
            self.notes.append(
                f"{where or 'manifest'}.metadata: dropped {dropped} (no English or ASCII label to "
                "name a tour.yaml metadata key); add them to tour.yaml by hand"
            )
        return out

    def image(self, uid: str, body: dict, where: str, canvas: dict, cw: str) -> dict:
        src = self.local(body.get("id"), at(where, "id"))
        local = src if src is not None and src.is_file() else None
        found: tuple[Path, str] | None = None
        if local is not None and self.full_size(local, canvas):
            found = (local, "file")
        else:  # not local, or smaller than the Canvas (a viewer's thumbnail): the service's tiles first
            for s, service in enumerate(self.objs(body.get("service"), at(where, "service"), single=True)):
                found = found or self.from_service(uid, service, at(at(where, "service"), s))
            found = found or ((local, "file") if local is not None else None)
        if found is None:
            if src is None:
                self.never_fetch(at(where, "id"), body["id"])
            self.fail(at(where, "id"), body["id"], f"{src} not found", "put the image there or fix the id")
        src, how = found
        info = probe_image(src, step="import")
        width = canvas.get("width") or info.width
        height = canvas.get("height") or info.height
        if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in (width, height)):
            self.fail(at(cw, "width"), (width, height), "width and height must be positive integers")
        if info.width < width or info.height < height:
            what = "the largest local file of its image service" if how == "whole" else "its file"
            self.notes.append(
                f"image {uid}: {what} is {info.width}x{info.height} px, smaller than the canvas's {width}x{height}: "
                "full resolution is lost (annotation regions are scaled to it); put the full image in the "
                "tour folder and name it as the image's source in tour.yaml"
            )
        if how == "tiles":  # already written into the stage
            rel = src.relative_to(self.stage).as_posix()
        else:
            rel = self.copy(src, f"images/{uid}{self.suffix(src, at(where, 'id'))}", at(where, "id"))
        out: dict = {"source": rel}
        if how == "tiles" and uid in self.zoom:
            out["zoom"] = self.zoom[uid]
        scale = (info.width / width, info.height / height)
        annotations = self.annotations(canvas, cw, scale, uid, (info.width, info.height))
        if annotations:
            out["annotations"] = annotations
        return out

    def suffix(self, src: Path, where: str) -> str:
        """The extension of the image file's real format (its name may say another: a service's
        ``default.jpg`` may be a PNG); a format vtour build does not read is refused."""
        try:
            with PILImage.open(src) as im:
                kind = im.format or ""
        except (OSError, ValueError) as exc:
            self.fail(where, str(src), f"cannot read the image ({exc})", "export it again as JPEG, PNG or TIFF")
        if kind not in IMAGE_SUFFIXES:
            self.fail(
                where,
                str(src),
                f"the image is {kind or 'of an unknown format'}; vtour build reads {', '.join(IMAGE_SUFFIXES)}",
                "convert it to JPEG, PNG or TIFF and name it as the Image's id",
            )
        return IMAGE_SUFFIXES[kind]

    @staticmethod
    def full_size(path: Path, canvas: dict) -> bool:
        """Whether the image file has at least the Canvas's size (a Canvas without one: yes)."""
        info = probe_image(path, step="import")
        width, height = canvas.get("width"), canvas.get("height")
        if not (isinstance(width, int) and isinstance(height, int)):
            return True
        return info.width >= width and info.height >= height

    def from_service(self, uid: str, service: dict, where: str) -> tuple[Path, str] | None:
        """The image of a local Image API service: its scale-factor-1 tiles joined into the stage's
        ``images/<uid>.tif`` (full resolution, ``"tiles"``), else its largest whole-image file
        (``"whole"``); None when the service is not local or has neither."""
        sid = service.get("id", service.get("@id"))
        if not isinstance(sid, str) or not sid.strip():
            self.fail(at(where, "id"), sid, "must be a non-empty string (a URL or a relative path)")
        # via info.json: the service's id has no trailing slash, a base (a folder's URL) has one
        path = self.local(f"{sid.rstrip('/')}/info.json", at(where, "id"))
        if path is None or not path.is_file():
            return None
        folder = path.parent
        outer = self.doc
        raw, self.doc = self.load(folder / "info.json", at(where, "id"), sid, base=False)
        info = self.obj(raw, "")  # an error names info.json
        self.doc = outer
        check_info(info, folder / "info.json")
        tile = full_tile_size(info)
        if tile is not None:
            out = self.stage / f"images/{uid}.tif"
            reassemble(folder, out)  # a missing or bad tile is an error naming it, not a silent fallback
            if tile != DEFAULT_IMAGE_OPTIONS.tile_size:  # the rebuilt pyramid keeps the tiles' size
                self.zoom[uid] = {"tile_size": tile}
            return out, "tiles"
        candidates = []
        if isinstance(info.get("width"), int) and isinstance(info.get("height"), int):
            candidates.append(("max", (info["width"], info["height"])))
        for s in info.get("sizes") or []:  # a list of objects (check_info)
            if isinstance(s.get("width"), int) and isinstance(s.get("height"), int):
                candidates.append((f"{s['width']},{s['height']}", (s["width"], s["height"])))
        for name, _ in sorted(candidates, key=lambda c: c[1][0] * c[1][1], reverse=True):
            path = self.inside(folder / "full" / name / "0" / "default.jpg", at(where, "id"), sid)
            if path.is_file():
                return path, "whole"
        return None

    def model(self, uid: str, body: dict, where: str) -> str:
        src = self.local(body.get("id"), at(where, "id"))
        if src is None:
            self.never_fetch(at(where, "id"), body["id"], "model")
        suffix = src.suffix.lower()
        if suffix not in MODEL_SUFFIXES:
            self.fail(
                at(where, "id"),
                body["id"],
                f"a model must be .glb or .gltf, not {suffix or 'no extension'}",
                "convert it to glTF binary (.glb)",
            )
        if not src.is_file():
            self.fail(at(where, "id"), body["id"], f"{src} not found", "put the model there or fix the id")
        if suffix == ".glb":
            return self.copy(src, f"models/{uid}.glb", at(where, "id"))
        rel = self.copy(src, f"models/{uid}/{src.name}", at(where, "id"))
        gltf = self.load(src, at(where, "id"), body["id"], base=False)[0]
        for key in ("buffers", "images"):
            for i, item in enumerate(gltf.get(key) or [] if isinstance(gltf, dict) else []):
                uri = item.get("uri") if isinstance(item, dict) else None
                if isinstance(uri, str) and not uri.startswith("data:"):
                    w = f"{key}[{i}].uri"
                    if is_url(uri) or path_escape(urllib.parse.unquote(uri)):
                        self.fail(
                            w, uri, "names a file outside the glTF's folder", "keep its files beside it (or embed them)"
                        )
                    part = self.inside(src.parent / urllib.parse.unquote(uri), w, uri)
                    if not part.is_file():
                        self.fail(w, uri, f"{part} not found", "put it beside the .gltf")
                    self.copy(part, str(PurePosixPath(f"models/{uid}") / urllib.parse.unquote(uri)), w)
        return rel


def _languages(first: str, tour: dict) -> list[str]:
    """``first``, then every language of a text the tour.yaml keeps, in order of appearance (so a
    dropped metadata entry adds none)."""
    found = [first]

    def add(texts) -> None:
        for code in texts if isinstance(texts, dict) else ():
            if code not in found:
                found.append(code)

    add(tour["title"])
    for entry in tour.get("images", []) + tour.get("models", []):
        add(entry.get("title"))
        add(entry.get("description"))
        for value in entry.get("metadata", {}).values():
            add(value)
        for a in entry.get("annotations", []):
            add(a.get("title"))
            add(a.get("text"))
    return found


def _built_tour_id(data: dict, folder: Path) -> str | None:
    """The id of the built tour read: its tour.json's ``id`` beside the folder's ``iiif/``, else
    the folder above ``iiif/`` in the collection's id (``<base_url>/iiif/collection.json``)."""
    try:
        with (folder / "tour.json").open("rb") as f:
            doc = json.loads(f.read(MAX_TOUR_JSON_BYTES))
        if isinstance(doc, dict) and isinstance(doc.get("id"), str) and doc["id"].strip():
            return doc["id"]
    except (OSError, ValueError):
        pass
    cid = data.get("id")
    if data.get("type") == "Collection" and isinstance(cid, str):
        parts = [p for p in urllib.parse.unquote(urllib.parse.urlsplit(cid).path).split("/") if p]
        if len(parts) >= 3 and parts[-2:] == ["iiif", "collection.json"]:
            return parts[-3]
    return None


def _tour(reader: _Reader, data: dict, folder: Path) -> dict:
    title = reader.texts(data.get("label"), "label", required=True) or {}
    # a built tour's own id; else the label when it reads as an id (a collection's file name is
    # mostly generic: iiif/collection.json)
    stem = _built_tour_id(data, folder) or next((t for t in title.values() if re.search(r"[A-Za-z0-9]", t)), "")
    stem = stem or (id_stem(data["id"]) if isinstance(data.get("id"), str) else "") or folder.name
    tour: dict = {"id": safe_id(stem, "tour"), "title": title, "languages": [], "scenes": []}
    if reader.images:
        tour["images"] = reader.images
    if reader.models:
        tour["models"] = reader.models
    tour["languages"] = _languages(reader.language, tour)
    return tour


def read_iiif(
    source: str | Path,
    out_yaml: str | Path,
    language: str = "en",
    *,
    force: bool = False,
    header: str | None = None,
    reader_class: type[_Reader] = _Reader,
) -> dict:
    """The tour.yaml content of an IIIF manifest, collection or FOLDER; the images and models copied
    next to ``out_yaml`` (and, with ``header``, the tour.yaml written): all of it or, on a
    VtourError, nothing. ``reader_class`` (a subclass of the reader) makes another document of
    what it reads (:mod:`vtour.collection.iiif_import`: a collection.yaml)."""
    out_yaml = Path(out_yaml)
    if out_yaml.is_dir():
        raise VtourError("import", "the output is a folder", path=out_yaml, fix="pass -o FOLDER/tour.yaml")
    top, root = entry_file(Path(source))
    dest = out_yaml.parent
    with staging(dest, step="import") as stage:
        reader = reader_class(root, stage, language)
        raw, reader.doc = reader.load(top, "", str(top))
        data = reader.obj(raw, "")
        if "@context" in data and "presentation/2" in json.dumps(data["@context"]):
            reader.fail(
                "@context",
                data["@context"],
                "is IIIF Presentation 2; vtour import reads only 3.0",
                "upgrade it to 3.0 (e.g. with the IIIF prezi-2-to-3 converter)",
            )
        reader.visited.add(reader.doc.path)
        kind = reader.kind(data, "", ("Manifest", "Collection"))
        if kind == "Collection":
            reader.collection(data, "", 0)
        else:
            reader.manifest(data, "")
        reader.doc = Doc(top.resolve())
        tour = reader.document(data, root.resolve())
        if header is not None:
            body = yaml.safe_dump(tour, allow_unicode=True, sort_keys=False, width=100)
            (stage / out_yaml.name).write_text(header + body, encoding="utf-8")
        merge_staged(stage, dest, step="import", force=force, last=out_yaml.name)
    for note in reader.notes:
        warnings.warn(f"import IIIF: {note}", VtourWarning, stacklevel=3)
    return tour


def import_iiif(source: str | Path, out_yaml: str | Path, language: str = "en", *, force: bool = False) -> dict:
    """Write ``out_yaml`` (``images:``, ``models:``, ``scenes: []``) with its images/ and models/ from an
    IIIF Presentation 3.0 manifest, collection or FOLDER; returns the tour.yaml content written."""
    header = f"# imported by vtour from IIIF {Path(source).name}; add scenes; fields: docs/tour-yaml.md\n"
    return read_iiif(source, out_yaml, language, force=force, header=header)
