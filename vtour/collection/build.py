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
               object's texts and its stages' summaries (vtour.collection.objects), and kept in
               the cache under a hash of exactly that (vtour.collection.store): an unchanged
               object's page is not made again
    catalogue  the sharded search index (vtour.collection.catalogue) and index.html, each file
               kept in the cache under the hash of its bytes (vtour.collection.store): an edit
               rewrites only the shards whose content changed
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
``force``) it is made again, with a warning (:class:`vtour.collection.store.Store`).

The object itself (its stages' outputs read into object.json, its page files, its published
folder) is vtour.collection.objects; its names are re-exported here.
"""

from __future__ import annotations

import filecmp
import logging
import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vtour.collection.catalogue import catalogue_files, catalogue_html, catalogue_record
from vtour.collection.document import Collection, CollectionObject, read_collection
from vtour.collection.manifest import collection_manifest
from vtour.collection.objects import (
    COLLECTION_JSON,
    FIELDS,
    IMAGES_DIR,
    INDEX_HTML,
    MANIFEST_JSON,
    MODEL_DIR,
    OBJECT_FORMAT,
    OBJECT_JSON,
    BuiltObject,
    ShownIn,
    _texts_or_none,
    built_object,
    image_name,
    object_document,
    stage_tour,
)
from vtour.collection.store import FILES, PAGES, Store
from vtour.collection.validate import validate_collection
from vtour.collection.views import views_stage
from vtour.errors import VtourError
from vtour.image.options import DEFAULT_BASE_URL
from vtour.output import atomic_dir, check_output_dir, clean_stale, link_file, link_tree
from vtour.site import DIST, bundle_path
from vtour.tour.build import StageRun, StagesDone, cache_folder, check_base_url, check_jobs, prune_cache, run_missing
from vtour.tour.iiif import dump_json
from vtour.tour.layout import CACHE_ONLY, STAGE_FOLDERS, STAGE_RECORD
from vtour.tour.stages import FileHasher, Stage, model_dependencies, plan_stages, stage_dest, stage_key

log = logging.getLogger(__name__)
STEP = "collection"

OBJECTS = "objects"
VIEWER = "viewer"
#: The bundles a collection's pages load (copied into OUT/viewer/).
BUNDLES = ("vtour-catalogue.js", "vtour-object.js", "vtour-viewer.js", "vtour-model.js", "vtour-image.js")


# ---------------------------------------------------------------------------------------------
# the plan: an object's stages are the tour's model and image stages (vtour.collection.objects)
# plus its views


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
    store = Store(cache, force=force)
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
    "FIELDS",
    "FILES",
    "IMAGES_DIR",
    "INDEX_HTML",
    "MANIFEST_JSON",
    "MODEL_DIR",
    "OBJECTS",
    "OBJECT_FORMAT",
    "OBJECT_JSON",
    "PAGES",
    "STAGE_RECORD",
    "VIEWER",
    "BuiltObject",
    "CollectionBuildResult",
    "ShownIn",
    "build_collection",
    "built_object",
    "changed_files",
    "collection_base",
    "collection_meta",
    "image_name",
    "load_valid_collection",
    "object_document",
    "plan_object_stages",
    "prepare_objects",
    "stage_tour",
    "views_options",
]
