"""``build_collection``: collection.yaml -> a static catalogue and one page per object, redoing only
what changed.

The build, as a table of contents (:func:`build_collection` reads the same)::

    load       read + validate collection.yaml and its CSV (every problem listed, before any work)
    plan       per object: its scan's levels (the tour's model stage), its six views, turntable and
               thumbnail (a "views" stage, rendered from the scan: vtour.collection.views), one
               deep-zoom stage per photo (the tour's image stage); keyed by content as a tour's
    run        the missing stages side by side: in this process, a process pool or a Dask cluster
               (``--scheduler``): an object is its own small task graph, independent of the others
    pages      per object: object.json, index.html and its IIIF manifest.json, made from the
               object's texts and its stages' summaries, and kept in the cache under a hash of
               exactly that: an unchanged object's page is not made again
    catalogue  the sharded search index (vtour.collection.catalogue) and index.html, each file
               kept in the cache under the hash of its bytes: an edit rewrites only the shards
               whose content changed
    publish    OUT/ in a temporary folder (hard links from the cache), swapped in whole

Stage outputs are the tour's: a model's ``report.json`` and levels, a deep-zoom image's IIIF
pyramid (its info.json rewritten with the published id), so the object page shows them with the
tour viewer's own dialogs. Texts are not inputs of any stage: an edited title or description
rebuilds only that object's page and the catalogue files that hold it (:attr:`CollectionBuildResult.written`).

Cache: ``<collection.yaml's folder>/.vtour-cache/<collection-id>/`` (as a tour's: beside the
sources, never in the output), with ``pages/<key>/`` and ``files/<sha256>`` beside the stages.
Published files are hard links into it, so an edit made in OUT reaches the cache: like a stage, a
page folder is reused only while its record (:func:`vtour.tour.stages.record_stage`) checks out,
and a ``files/<sha256>`` only while its bytes are still those; otherwise (and always with
``force``) it is made again, with a warning.
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import logging
import os
import shutil
import time
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vtour import __version__
from vtour.collection.catalogue import catalogue_files, catalogue_html, catalogue_record
from vtour.collection.document import Collection, CollectionObject, Texts, read_collection
from vtour.collection.manifest import collection_manifest, object_manifest
from vtour.collection.page import object_html
from vtour.collection.validate import validate_collection
from vtour.collection.views import views_stage
from vtour.errors import VtourError, VtourWarning
from vtour.image.options import DEFAULT_BASE_URL
from vtour.model.report import dumps as report_text
from vtour.output import atomic_dir, check_output_dir, clean_stale, link_file, link_tree, write_bytes_atomic
from vtour.site import DIST, bundle_path
from vtour.tour.assemble import image_block, model_block, write_info
from vtour.tour.build import StageRun, StagesDone, cache_folder, check_base_url, check_jobs, prune_cache, run_missing
from vtour.tour.deepzoom import DeepZoomImage
from vtour.tour.document import Model, Tour
from vtour.tour.iiif import dump_json
from vtour.tour.layout import CACHE_ONLY, STAGE_FOLDERS, STAGE_RECORD
from vtour.tour.stages import (
    FileHasher,
    Stage,
    model_dependencies,
    plan_stages,
    record_stage,
    stage_dest,
    stage_intact,
    stage_key,
)

log = logging.getLogger(__name__)
STEP = "collection"

#: The IIIF Collection of the objects' manifests: every built collection has it (atomic_dir's marker).
COLLECTION_JSON = "collection.json"
INDEX_HTML = "index.html"
OBJECTS = "objects"
VIEWER = "viewer"
#: The object folder's parts (docs/collection.md).
OBJECT_JSON, MANIFEST_JSON, MODEL_DIR, IMAGES_DIR = "object.json", "manifest.json", "model", "images"
OBJECT_FORMAT = "object/1"
#: The bundles a collection's pages load (copied into OUT/viewer/).
BUNDLES = ("vtour-catalogue.js", "vtour-object.js", "vtour-viewer.js", "vtour-model.js", "vtour-image.js")
#: Cache folders of the assembled parts, beside the stage folders.
PAGES, FILES = "pages", "files"
#: Documentation fields of an object, in the order the page lists them.
FIELDS = ("date", "period", "material", "dimensions", "museum", "credit")


# ---------------------------------------------------------------------------------------------
# the plan: an object's stages are the tour's model and image stages plus its views


def image_name(object_id: str, k: int) -> str:
    """The deep-zoom stage id of an object's ``k``-th photo (1-based): ``<object>/images/<k>``."""
    return f"{object_id}/{IMAGES_DIR}/{k}"


def stage_tour(c: Collection, objects: Iterable[CollectionObject]) -> Tour:
    """The collection's objects as the tour the stage planner takes: one model per scan, one image
    per photo. No texts: a title is not an input of any stage (a model stage would otherwise
    rebuild for an edited title)."""
    objects = list(objects)
    models = tuple(Model(id=o.id, source=o.model, units=o.units) for o in objects if o.model)
    images = tuple(
        DeepZoomImage(id=image_name(o.id, k), source=(p,)) for o in objects for k, p in enumerate(o.images, 1)
    )
    return Tour(
        id=c.id,
        title=c.title,
        languages=c.languages,
        models=models,
        images=images,
        lod=c.lod,
        zoom=c.zoom,
        base_url=c.base_url,
        root=c.root,
        file=c.file,
        lines=c.lines,
    )


def views_options(c: Collection) -> dict:
    """The views stage's options (collection.yaml ``views:``): size, turntable, turntable_size."""
    return dict(sorted(c.views.items()))


def plan_object_stages(c: Collection, objects: Iterable[CollectionObject], cache: Path, hasher) -> list[Stage]:
    """Every stage of ``objects``: model, views, images; identical inputs share one key."""
    objects = list(objects)
    stages = plan_stages(stage_tour(c, objects), cache, hasher)
    options = views_options(c)
    for o in objects:
        if not o.model:
            continue
        source = c.root / o.model
        inputs: list[list[Any]] = [[os.path.relpath(p, source.parent), hasher(p)] for p in model_dependencies(source)]
        key = stage_key("views", options, [*inputs, ["units", o.units]])
        args = (str(source), o.units, options)
        stages.append(Stage("views", o.id, key, views_stage, args, stage_dest(cache, "views", key), "views.json"))
    return stages


# ---------------------------------------------------------------------------------------------
# an object's page


def _rebase(value: Any, old: str, new: str) -> Any:
    """``value`` with every string that starts with ``old`` starting with ``new`` instead."""
    if isinstance(value, str):
        return new + value[len(old) :] if value.startswith(old) else value
    if isinstance(value, dict):
        return {k: _rebase(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_rebase(v, old, new) for v in value]
    return value


@dataclass(frozen=True)
class ShownIn:
    """An exhibition that publishes an object's page: the page's way back (``url``, relative to the
    page, and ``title``) and the IIIF Collection its manifest is part of (``part_of``, absolute)."""

    url: str
    title: Texts
    part_of: str


@dataclass(frozen=True)
class BuiltObject:
    """One object with its stages built: the folders they wrote (in the cache) and its page document.

    ``views_dir`` holds ``views/front.jpg`` ... (None without a scan); ``document`` is object.json."""

    collection: Collection
    obj: CollectionObject
    model_dir: Path | None
    views_dir: Path | None
    image_dirs: tuple[Path, ...]
    document: dict = field(repr=False)

    @property
    def views(self) -> dict | None:
        return self.document.get("views")

    @property
    def model_source(self) -> Path | None:
        return self.collection.root / self.obj.model if self.obj.model else None

    @property
    def units(self) -> str | None:
        return self.obj.units

    def page_files(self, base: str, shown_in: ShownIn | None = None) -> dict[str, bytes]:
        """object.json, index.html and manifest.json (whose ids start with ``base``, the object
        folder's absolute URL); ``shown_in``: an exhibition publishing the page (its way back and
        its IIIF Collection instead of the collection's)."""
        doc, part_of = self.document, f"../../{COLLECTION_JSON}"
        if shown_in is not None:
            back = {"catalogue": shown_in.url, "title": dict(shown_in.title), "kind": "exhibition"}
            doc, part_of = {**doc, "collection": {**doc["collection"], **back}}, shown_in.part_of
        return {
            OBJECT_JSON: dump_json(doc),
            INDEX_HTML: object_html(doc).encode("utf-8"),
            MANIFEST_JSON: dump_json(object_manifest(doc, base, part_of=part_of)),
        }

    def link_media(self, folder: Path, base: str) -> None:
        """Hard-link the object's built media into ``folder`` (its info.json files rewritten with
        ids under ``base``, never written through the cache's)."""
        if self.model_dir is not None:
            link_tree(self.model_dir, folder / MODEL_DIR, skip=CACHE_ONLY)
            _published_report(folder / MODEL_DIR / "report.json", self.obj.model or "")
        if self.views_dir is not None:
            link_tree(self.views_dir, folder, skip=CACHE_ONLY)
        for k, src in enumerate(self.image_dirs, 1):
            link_tree(src, folder / IMAGES_DIR / str(k), skip=CACHE_ONLY)
            write_info(folder / IMAGES_DIR / str(k), f"{base}/{IMAGES_DIR}/{k}")

    def write(self, folder: Path, base: str, shown_in: ShownIn | None = None) -> None:
        """The whole object folder (media and page, :meth:`page_files`) into ``folder``."""
        self.link_media(folder, base)
        for name, data in self.page_files(base, shown_in).items():
            write_bytes_atomic(folder / name, data)


def _published_report(path: Path, source: str) -> None:
    """The model's report.json as published: the scan named as collection.yaml names it (not this
    machine's absolute path) and without the build's own time (``seconds``), so that a collection is
    the same bytes wherever it was built (a Dask worker, this machine). The file is a hard link into
    the cache: it is replaced, never written through."""
    report = _read_json(path)
    report.pop("seconds", None)
    report["source"] = source
    path.unlink()
    path.write_text(report_text(report), encoding="utf-8")


def _texts_or_none(t):
    return dict(t) if t else None


def object_document(
    c: Collection, o: CollectionObject, report: dict | None, views: dict | None, infos: list[tuple[dict, dict]]
) -> dict:
    """object.json (docs/collection.md) of ``o`` from its stages' summaries: the model's report.json,
    views.json, and each photo's (info.json, image.json)."""
    tour = stage_tour(c, [])
    fields: list[dict] = [{"key": k, "value": dict(getattr(o, k))} for k in FIELDS if getattr(o, k)]
    fields += [{"key": "metadata", "label": {c.language: label}, "value": dict(v)} for label, v in o.metadata.items()]
    model = None
    if report is not None:
        m = Model(id=o.id, source=o.model or "", title=o.title, description=o.description, units=o.units)
        model = _rebase(model_block(tour, m, report), f"models/{o.id}/", f"{MODEL_DIR}/")
        model["manifest"] = MANIFEST_JSON
    images = []
    for k, (info, record) in enumerate(infos, 1):
        name = image_name(o.id, k)
        image = DeepZoomImage(id=name, title=o.title, rights=o.rights)
        entry = _rebase(image_block(tour, image, info, record["max_zoom"]), f"images/{name}", f"{IMAGES_DIR}/{k}")
        entry["id"] = str(k)
        entry["manifest"] = MANIFEST_JSON
        images.append(entry)
    return {
        "vtour": OBJECT_FORMAT,
        "id": o.id,
        "collection": {"id": c.id, "title": dict(c.title), "catalogue": "../../index.html"},
        "languages": list(c.languages),
        "title": dict(o.title),
        "fields": fields,
        "description": _texts_or_none(o.description),
        "tags": [dict(t) for t in o.tags],
        "museum": _texts_or_none(o.museum),
        "credit": _texts_or_none(o.credit),
        "rights": o.rights,
        "views": views,
        "model": model,
        "images": images,
        "manifest": MANIFEST_JSON,
    }


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def built_object(c: Collection, o: CollectionObject, dests: dict[tuple[str, str], Path]) -> BuiltObject:
    """``o`` with its stages' folders (``dests``: (kind, stage id) -> folder) read into its page."""
    model_dir = dests.get(("model", o.id))
    views_dir = dests.get(("views", o.id))
    image_dirs = tuple(dests[("image", image_name(o.id, k))] for k in range(1, len(o.images) + 1))
    doc = object_document(
        c,
        o,
        _read_json(model_dir / "report.json") if model_dir else None,
        _read_json(views_dir / "views.json") if views_dir else None,
        [(_read_json(d / "info.json"), _read_json(d / "image.json")) for d in image_dirs],
    )
    return BuiltObject(c, o, model_dir, views_dir, image_dirs, doc)


# ---------------------------------------------------------------------------------------------
# the build


@dataclass(frozen=True)
class CollectionBuildResult(StagesDone):
    """What :func:`build_collection` did: each stage built or cached, the objects whose page was
    made anew (``pages``), and the published files (paths relative to OUT) whose bytes differ from
    what the previous output held at that path, a file that was not there counting as written
    (``written``: everything, for a build into a new folder)."""

    out_dir: Path
    stages: tuple[StageRun, ...]
    pages: tuple[str, ...]
    written: tuple[str, ...]
    objects: int
    seconds: float


def load_valid_collection(path: str | Path, base_url: str | None = None) -> Collection:
    """Read a collection.yaml and raise one VtourError listing every problem, if there are any."""
    check_base_url(base_url)
    collection, problems = read_collection(path)
    problems = list(problems) + validate_collection(collection)
    if problems:
        raise VtourError(
            "build",
            f"{len(problems)} problem(s) in the collection:\n  " + "\n  ".join(map(str, problems)) + "\n",
            path=path,
            fix="fix them (vtour validate lists them again)",
        )
    if base_url is not None:
        from dataclasses import replace

        collection = replace(collection, base_url=base_url)
    return collection


def collection_base(c: Collection) -> str:
    """Where the collection is published, without a trailing slash."""
    return (c.base_url or DEFAULT_BASE_URL).rstrip("/")


def prepare_objects(
    collection: Collection,
    ids: Iterable[str] | None = None,
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    cache_dir: str | Path | None = None,
    out: Path | None = None,
) -> dict[str, BuiltObject]:
    """Run (or take from the collection's cache) the stages of the objects ``ids`` (all: None);
    returns each as a :class:`BuiltObject`. ``out`` is only checked not to hold the cache."""
    objects = list(collection.objects) if ids is None else [_object(collection, i) for i in ids]
    # a subset (an exhibition's objects) keeps the other objects' remembered hashes
    built, _ = _prepare(
        collection,
        objects,
        jobs=jobs,
        scheduler=scheduler,
        force=force,
        cache_dir=cache_dir,
        out=out,
        keep_known=ids is not None,
    )
    return built


def _object(c: Collection, oid: str) -> CollectionObject:
    o = c.object(oid)
    if o is None:
        raise VtourError(STEP, f"no object {oid!r} in collection {c.id}", path=c.root / c.file, field="objects")
    return o


def _prepare(
    c, objects, *, jobs, scheduler, force, cache_dir, out, keep_known=False
) -> tuple[dict[str, BuiltObject], tuple]:
    check_jobs(jobs)
    cache = cache_folder(stage_tour(c, []), Path(out or c.root / "export" / c.id), cache_dir)
    for kind in STAGE_FOLDERS.values():
        clean_stale(cache / kind)
    hasher = FileHasher(cache / "hashes.json")
    stages = plan_object_stages(c, objects, cache, hasher)
    runs = run_missing(stages, c.id, jobs=jobs, scheduler=scheduler, force=force)
    hasher.save(keep_known=keep_known)
    dests = {(s.kind, s.id): s.dest for s in stages}
    return {o.id: built_object(c, o, dests) for o in objects}, runs


class _Store:
    """The cache's assembled parts: object pages by the hash of their inputs, other files by the
    hash of their bytes. Each is checked before it is reused (published files are hard links to
    them: an edit in OUT changes them); records the pages made anew and what was used, so the rest
    can be pruned. With ``force`` every part is made anew."""

    def __init__(self, cache: Path, force: bool = False):
        self.pages, self.files = cache / PAGES, cache / FILES
        self.force = force
        self.used: set[Path] = set()
        self.new_pages: list[str] = []

    def page(self, built: BuiltObject, base: str) -> Path:
        """The cache folder holding ``built``'s page files, made only when its inputs changed or
        the folder no longer matches its record."""
        blob = json.dumps({"doc": built.document, "base": base, "vtour": __version__}, sort_keys=True)
        folder = self.pages / hashlib.sha256(blob.encode()).hexdigest()
        if folder in self.used:
            return folder
        self.used.add(folder)
        if not self.force and (folder / INDEX_HTML).is_file() and stage_intact(folder):
            return folder
        if not self.force and (folder / STAGE_RECORD).is_file():
            _stale(f"page of {built.obj.id}", folder)
        shutil.rmtree(folder, ignore_errors=True)
        with atomic_dir(folder, marker=INDEX_HTML, step="build") as tmp:
            for name, data in built.page_files(base).items():
                (tmp / name).write_bytes(data)
            record_stage(tmp)
        self.new_pages.append(built.obj.id)
        return folder

    def file(self, rel: str, data: bytes) -> Path:
        """The cache file holding ``data`` (``rel``: where it is published, for the warning),
        written when no file holds those bytes yet."""
        path = self.files / hashlib.sha256(data).hexdigest()
        if path in self.used:
            return path
        self.used.add(path)
        if not self.force and _holds(path, data):
            return path
        if not self.force and path.is_file():
            _stale(rel, path)
        write_bytes_atomic(path, data)  # a new file, never written through: OUT's links keep theirs
        return path

    def prune(self) -> None:
        for folder in (self.pages, self.files):
            if folder.is_dir():
                clean_stale(folder)
                for entry in folder.iterdir():
                    if entry not in self.used and not entry.name.startswith("."):
                        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def _holds(path: Path, data: bytes) -> bool:
    """True when the file ``path`` holds exactly ``data``."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _stale(what: str, path: Path) -> None:
    warnings.warn(
        f"build: the cached {what} ({path}) no longer matches its record (a file missing or changed, "
        "perhaps edited in a published collection): making it again",
        VtourWarning,
        stacklevel=4,
    )


def changed_files(new: Path, old: Path) -> list[str]:
    """The files under ``new`` (sorted POSIX paths relative to it) whose bytes differ from the file
    at the same path under ``old``; one ``old`` lacks counts as changed. A hard link to the same
    file is the same bytes (one ``stat``); other files are compared byte for byte."""
    changed = []
    for root, _, names in os.walk(new):
        for name in names:
            path = Path(root) / name
            rel = path.relative_to(new).as_posix()
            before = old / rel
            try:
                same = os.path.samefile(path, before) or filecmp.cmp(path, before, shallow=False)
            except OSError:
                same = False
            if not same:
                changed.append(rel)
    return sorted(changed)


def collection_meta(c: Collection) -> dict:
    """What the catalogue and the IIIF collection say of the collection itself."""
    return {
        "id": c.id,
        "title": dict(c.title),
        "languages": list(c.languages),
        "description": _texts_or_none(c.description),
    }


def build_collection(
    path: str | Path,
    out_dir: str | Path | None = None,
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    cache_dir: str | Path | None = None,
    base_url: str | None = None,
) -> CollectionBuildResult:
    """Build a collection from its collection.yaml into ``out_dir`` (default ``export/<id>``).

    Parameters are :func:`vtour.tour.build.build_tour`'s. Raises VtourError for a collection with
    problems (all listed, before any work), an output folder that is not an earlier collection,
    or a failing stage; the previous output is then left untouched.
    """
    t0 = time.perf_counter()
    check_jobs(jobs)
    c = load_valid_collection(path, base_url)
    out = check_output_dir(
        out_dir if out_dir is not None else Path("export") / c.id, marker=COLLECTION_JSON, step="build"
    )
    built, runs = _prepare(
        c, list(c.objects), jobs=jobs, scheduler=scheduler, force=force, cache_dir=cache_dir, out=out
    )
    cache = cache_folder(stage_tour(c, []), out, cache_dir)
    store = _Store(cache, force=force)
    base = collection_base(c)
    meta = collection_meta(c)
    with atomic_dir(out, marker=COLLECTION_JSON, step="build", manifest=True) as tmp:
        records = []
        for o in c.objects:
            b = built[o.id]
            folder = tmp / OBJECTS / o.id
            b.link_media(folder, f"{base}/{OBJECTS}/{o.id}")
            link_tree(store.page(b, f"{base}/{OBJECTS}/{o.id}"), folder, skip=CACHE_ONLY)
            records.append(catalogue_record(c, o, **_thumbs(b)))
        parts = {f"catalogue/{rel}": data for rel, data in catalogue_files(meta, records).items()}
        parts[INDEX_HTML] = catalogue_html(meta).encode("utf-8")
        labels = [(o.id, dict(o.title)) for o in c.objects]
        parts[COLLECTION_JSON] = dump_json(collection_manifest(meta, labels, base))
        for rel, data in sorted(parts.items()):
            link_file(store.file(rel, data), tmp / rel)
        for name in BUNDLES:
            shutil.copyfile(bundle_path(name), _mkdir(tmp / VIEWER) / name)
        written = changed_files(tmp, out)  # before the swap: against what OUT held
    keep = {s.key for s in runs}
    prune_cache(cache, keep)
    store.prune()
    seconds = time.perf_counter() - t0
    log.info("build: %s written in %.1f s (%d page(s) made)", out, seconds, len(store.new_pages))
    return CollectionBuildResult(out, runs, tuple(store.new_pages), tuple(written), len(c.objects), seconds)


def _mkdir(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _thumbs(b: BuiltObject) -> dict[str, str | None]:
    """The catalogue card's images, relative to OUT (``thumb``, and ``thumb_small`` for a srcset): the
    front view's thumbnails, else the first photo's."""
    folder = f"{OBJECTS}/{b.obj.id}"
    if b.views is not None:
        small = b.views.get("thumbSmall")
        return {"thumb": f"{folder}/{b.views['thumb']}", "thumb_small": f"{folder}/{small}" if small else None}
    if b.document["images"]:
        return {"thumb": f"{folder}/{b.document['images'][0]['thumb']}", "thumb_small": None}
    return {"thumb": None, "thumb_small": None}


__all__ = [
    "BUNDLES",
    "COLLECTION_JSON",
    "DIST",
    "STAGE_RECORD",
    "BuiltObject",
    "CollectionBuildResult",
    "build_collection",
    "load_valid_collection",
    "object_document",
    "prepare_objects",
]
