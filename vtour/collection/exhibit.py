"""``build_exhibition``: exhibition.yaml -> a tour of its rooms, the exhibited objects' pages and a
story page for phones.

The build, as a table of contents (:func:`build_exhibition` reads the same)::

    load     read + validate exhibition.yaml and the collections it names (every problem listed,
             before any work); resolve each room's objects (by id, then by query)
    objects  each collection's exhibited objects, their stages run or taken from the collection's
             own cache (vtour.collection.build.prepare_objects)
    rooms    a room is one scene, or several chained galleries when it holds more than
             gallery.MAX_OBJECTS; each scene's panorama is the room's own (linked) or a generated
             gallery (vtour.collection.gallery), rendered again only when its inputs changed
             (vtour.collection.exhibit_tour.tour_scenes)
    tour     a tour.yaml written into the work folder (yaml.safe_dump: texts stay texts): model
             hotspots for scans (their files linked under models/), info hotspots for the others,
             each crediting its museum and rights, link hotspots at the doorways
             (vtour.collection.exhibit_tour); then build_tour
    publish  OUT in a temporary folder, swapped in whole: the built tour (index.html, tour.json,
             scenes/, models/ ...), objects/<id>/ (each object's page) and story/ (index.html,
             story.json and the pictures of objects without scans)

Work folder: ``<exhibition.yaml's folder>/.vtour-cache/<exhibition-id>/tour/`` (or ``cache_dir/tour``):
the generated tour's sources, its stage cache and its built copy. An object id found in two of the
exhibition's collections is published as ``<collection-id>--<object-id>``, else as itself; one that
would still clash (or pass 64 characters) is numbered (:func:`folder_ids`). A scan's caption in the 3D
dialog ends with its credit line (museum · credit · rights: vtour.collection.exhibit_tour, whose
names are re-exported here); an object page's manifest is ``partOf`` the tour's
``iiif/collection.json``. A failure of the generated tour is reported at the room it comes from
(:func:`_in_exhibition`).
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from vtour.collection import build as collection_build
from vtour.collection import gallery
from vtour.collection.document import Collection
from vtour.collection.exhibit_tour import (
    FLOOR_PITCH,
    GALLERY_VERSION,
    PICTURE_SIZE,
    STEP,
    Exhibit,
    credit_line,
    credit_text,
    gallery_key,
    model_description,
    render_gallery,
    texts,
    texts_in,
    tour_scenes,
    tour_yaml_text,
)
from vtour.collection.exhibition import Exhibition, Room, read_exhibition
from vtour.collection.page import story_html
from vtour.collection.validate import exhibition_collections, resolve_rooms, room_scenes, validate_exhibition
from vtour.errors import VtourError
from vtour.image.options import DEFAULT_BASE_URL
from vtour.output import MANIFEST, atomic_dir, check_output_dir, link_file, link_tree
from vtour.site import bundle_path
from vtour.tour.build import CACHE_NAME, BuildResult, build_tour, check_base_url
from vtour.tour.layout import IIIF_COLLECTION, TOP_LEVEL, TOUR_JSON, VIEWER

log = logging.getLogger(__name__)
STORY = "story"
STORY_FORMAT = "story/1"
#: Longest tour id (vtour.tour.document.ID_PATTERN): a published object's folder id fits in it.
ID_LENGTH = 64


@dataclass(frozen=True)
class ExhibitionBuildResult:
    out_dir: Path
    tour: BuildResult = field(repr=False)
    scenes: tuple[str, ...]
    objects: tuple[str, ...]
    rendered: tuple[str, ...]  # galleries rendered now (the others came from the work folder)
    seconds: float


# ---------------------------------------------------------------------------------------------
# load


def load_valid_exhibition(path: str | Path) -> tuple[Exhibition, list[Collection]]:
    """Read an exhibition.yaml and its collections; one VtourError listing every problem, if any."""
    exhibition, problems = read_exhibition(path)
    collections, found = exhibition_collections(exhibition)
    problems = list(problems) + found + validate_exhibition(exhibition, collections)
    if problems:
        raise VtourError(
            "build",
            f"{len(problems)} problem(s) in the exhibition:\n  " + "\n  ".join(map(str, problems)) + "\n",
            path=path,
            fix="fix them (vtour validate lists them again)",
        )
    return exhibition, collections


def folder_ids(collections: list[Collection]) -> dict[tuple[str, str], str]:
    """(collection id, object id) -> the object's folder and model id in the exhibition: its own id
    when no other collection has it, else ``<collection-id>--<object-id>``; an id already taken (an
    object's own, or another qualified one) or too long for a tour id (64) is cut and numbered
    (``-2``, ``-3``...) until it is free, so no two objects share a folder."""
    count = Counter(o.id for c in collections for o in c.objects)
    taken = set(count)  # every object's own id: a qualified id must not take one
    out = {(c.id, o.id): o.id for c in collections for o in c.objects if count[o.id] == 1}
    for c in collections:
        for o in c.objects:
            if count[o.id] == 1 or (c.id, o.id) in out:
                continue
            fid, k = f"{c.id}--{o.id}"[:ID_LENGTH], 1
            while fid in taken:
                k += 1
                fid = f"{c.id}--{o.id}"[: ID_LENGTH - len(str(k)) - 1] + f"-{k}"
            taken.add(fid)
            out[(c.id, o.id)] = fid
    return out


def prepare(rooms, collections, *, jobs, scheduler, force, cache_dir) -> dict[tuple[str, str], Exhibit]:
    """Every exhibited object, prepared by its collection's build (stages cached per collection)."""
    fids = folder_ids(collections)
    out: dict[tuple[str, str], Exhibit] = {}
    for c in collections:
        ids = list(dict.fromkeys(o.id for _, found in rooms for cc, o in found if cc is c))
        if not ids:
            continue
        where = None if cache_dir is None else Path(cache_dir) / "collections" / c.id
        built = collection_build.prepare_objects(c, ids, jobs=jobs, scheduler=scheduler, force=force, cache_dir=where)
        for oid in ids:
            out[(c.id, oid)] = Exhibit(c, c.object(oid), fids[(c.id, oid)], built[oid])
    return out


# ---------------------------------------------------------------------------------------------
# the build


def _story_rooms(exhibition, rooms, exhibits, first_scene, pictures) -> list[dict]:
    """story.json's rooms: each room's texts, its first scene and its objects' cards."""
    langs = exhibition.languages
    out = []
    for room, found in rooms:
        objects = []
        for c, o in found:
            e = exhibits[(c.id, o.id)]
            image, width, height = None, None, None
            if e.scan and e.built.views_dir is not None:
                image = f"../objects/{e.fid}/views/front.jpg"
                size = (e.built.views or {}).get("size")
                width = height = size
            elif e.fid in pictures:
                image = f"images/{e.fid}.jpg"
                width, height = pictures[e.fid]
            objects.append(
                {
                    "id": e.fid,
                    "title": texts(o.title, langs),
                    **{k: texts(getattr(o, k), langs) for k in ("date", "period", "material", "museum", "credit")},
                    "rights": o.rights,
                    "description": texts(o.description, langs),
                    "image": image,
                    "width": width,
                    "height": height,
                    "page": f"../objects/{e.fid}/index.html",
                }
            )
        out.append(
            {
                "id": room.id,
                "title": texts(room.title, langs),
                "text": texts(room.text, langs),
                "scene": first_scene[room.id],
                "objects": objects,
            }
        )
    return out


def _in_exhibition(exc: VtourError, exhibition: Exhibition, scenes: list[tuple[str, Room]], work: Path) -> VtourError:
    """A failure of the generated tour told where the exhibition can be fixed: ``tour.yaml:N:
    scenes[i].id`` and ``scene big-2:`` as the room that scene shows (``exhibition.yaml:12:
    rooms[1] (generated scene 'big-2': scenes[1].id)``), and a room's panorama copied into the work
    folder as the room's own file, with a fix that speaks of the exhibition (not of --hfov).
    validate_exhibition checks what could fail here; this is for what it misses."""

    def scene_at(m: re.Match) -> str:
        if int(m[1]) >= len(scenes):
            return m[0]
        sid, room = scenes[int(m[1])]
        return f"{exhibition.at(room.where)} (generated scene {sid!r}: {m[0].partition(' ')[2]})"

    message = re.sub(r"tour\.yaml:\d+: scenes\[(\d+)\][\w.\[\]-]*", scene_at, exc.message)
    path, fix = exc.path, exc.fix
    for sid, room in scenes:
        message = re.sub(rf"\bscene {re.escape(sid)}:", f"{exhibition.at(room.where)} (scene {sid!r}):", message)
        if not room.panorama:
            continue
        copy = work / "panoramas" / f"{sid}{PurePosixPath(room.panorama).suffix.lower()}"
        if str(copy) in message or (path is not None and Path(path).absolute() == copy):
            message = message.replace(str(copy), str(exhibition.root / room.panorama)).partition("; pass --hfov")[0]
            path = None if path is None else exhibition.root / room.panorama
            fix = f"give {exhibition.at(room.where + '.panorama')} a 2:1 equirectangular panorama, or remove it"
    if path is not None and Path(path).absolute() == work / "tour.yaml":
        path = exhibition.root / exhibition.file
        message = message.rstrip() + f"\n(in the tour generated from it, {work / 'tour.yaml'})"
    return VtourError(exc.step, message, path=path, field=exc.field, value=exc.value, fix=fix)


def work_folder(exhibition: Exhibition, cache_dir: str | Path | None) -> Path:
    base = Path(cache_dir) if cache_dir is not None else exhibition.root / CACHE_NAME / exhibition.id
    return base.absolute() / "tour"


def build_exhibition(
    path: str | Path,
    out_dir: str | Path | None = None,
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    cache_dir: str | Path | None = None,
    base_url: str | None = None,
    gallery_width: int = gallery.DEFAULT_WIDTH,
    seed: int = 0,
) -> ExhibitionBuildResult:
    """Build an exhibition.yaml into ``out_dir`` (default ``export/<exhibition-id>``).

    Parameters
    ----------
    path : the exhibition.yaml
    out_dir : the published folder, replaced atomically when the build is complete
    jobs, scheduler, force : as :func:`vtour.tour.build.build_tour` (objects' stages and the tour's)
    cache_dir : the exhibition's work folder and caches (default beside exhibition.yaml)
    base_url : where OUT will be published (the objects' manifests and the tour's IIIF ids)
    gallery_width : width of the generated galleries' panoramas (px, even)
    seed : the galleries' textures' random stream

    Raises
    ------
    VtourError
        An exhibition or collection with problems (all listed), an output folder that is not an
        earlier exhibition (both before any work), a failing stage; OUT is left untouched.
    """
    t0 = time.perf_counter()
    check_base_url(base_url)
    exhibition, collections = load_valid_exhibition(path)
    out = check_output_dir(
        out_dir if out_dir is not None else Path("export") / exhibition.id, marker=TOUR_JSON, step=STEP
    )
    rooms = resolve_rooms(exhibition, collections)
    exhibits = prepare(rooms, collections, jobs=jobs, scheduler=scheduler, force=force, cache_dir=cache_dir)
    work = work_folder(exhibition, cache_dir)
    work.mkdir(parents=True, exist_ok=True)
    scenes, models, rendered, first_scene, pictures = tour_scenes(
        exhibition, rooms, exhibits, work, gallery_width, seed
    )
    langs = exhibition.languages
    doc = {"id": exhibition.id, "title": texts(exhibition.title, langs), "languages": list(langs)}
    if exhibition.description:
        doc["description"] = texts(exhibition.description, langs)
    doc |= {"start": scenes[0]["id"], "scenes": scenes, "models": models}
    (work / "tour.yaml").write_text(tour_yaml_text(doc), "utf-8")
    base = (base_url or DEFAULT_BASE_URL).rstrip("/")
    try:
        tour = build_tour(
            work / "tour.yaml", work / "built", jobs=jobs, scheduler=scheduler, force=force, base_url=base
        )
    except VtourError as exc:
        plan = [(sid, room) for room, found in rooms for sid in room_scenes(room, len(found))]
        raise _in_exhibition(exc, exhibition, plan, work) from exc
    story = {
        "vtour": STORY_FORMAT,
        "id": exhibition.id,
        "title": texts(exhibition.title, langs),
        "languages": list(langs),
        "description": texts(exhibition.description, langs),
        "tour": "../index.html",
        "rooms": _story_rooms(exhibition, rooms, exhibits, first_scene, pictures),
    }
    shown = list(dict.fromkeys(exhibits[(c.id, o.id)] for _, found in rooms for c, o in found))
    with atomic_dir(out, marker=TOUR_JSON, step=STEP, manifest=True, legacy=(*TOP_LEVEL, "objects", STORY)) as tmp:
        link_tree(work / "built", tmp, skip={MANIFEST})
        for name in collection_build.BUNDLES:  # the story and object pages' bundle beside the viewer's
            shutil.copyfile(bundle_path(name), tmp / VIEWER / name)
        # an object page leads back to the story; its manifest is part of the exhibition's IIIF collection
        shown_in = collection_build.ShownIn(
            "../../story/index.html", texts_in(exhibition.title, langs), f"{base}/{IIIF_COLLECTION}"
        )
        for e in shown:
            e.built.write(tmp / "objects" / e.fid, f"{base}/objects/{e.fid}", shown_in)
        (tmp / STORY / "images").mkdir(parents=True)
        for e in shown:
            if (work / "pictures" / f"{e.fid}.jpg").is_file() and not e.scan:
                link_file(work / "pictures" / f"{e.fid}.jpg", tmp / STORY / "images" / f"{e.fid}.jpg")
        (tmp / STORY / "story.json").write_text(json.dumps(story, ensure_ascii=False, indent=1) + "\n", "utf-8")
        (tmp / STORY / "index.html").write_text(story_html(story), "utf-8")
    seconds = time.perf_counter() - t0
    log.info("exhibition: %s written in %.1f s (%d galleries rendered)", out, seconds, len(rendered))
    return ExhibitionBuildResult(
        out, tour, tuple(s["id"] for s in scenes), tuple(e.fid for e in shown), tuple(rendered), seconds
    )


__all__ = [
    "FLOOR_PITCH",
    "GALLERY_VERSION",
    "ID_LENGTH",
    "PICTURE_SIZE",
    "STEP",
    "STORY",
    "STORY_FORMAT",
    "Exhibit",
    "ExhibitionBuildResult",
    "build_exhibition",
    "credit_line",
    "credit_text",
    "folder_ids",
    "gallery_key",
    "load_valid_exhibition",
    "model_description",
    "prepare",
    "render_gallery",
    "texts",
    "texts_in",
    "work_folder",
]
