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
    tour     a tour.yaml written into the work folder (yaml.safe_dump: texts stay texts): model
             hotspots for scans (their files linked under models/), info hotspots for the others,
             each crediting its museum and rights, link hotspots at the doorways; then build_tour
    publish  OUT in a temporary folder, swapped in whole: the built tour (index.html, tour.json,
             scenes/, models/ ...), objects/<id>/ (each object's page) and story/ (index.html,
             story.json and the pictures of objects without scans)

Work folder: ``<exhibition.yaml's folder>/.vtour-cache/<exhibition-id>/tour/`` (or ``cache_dir/tour``):
the generated tour's sources, its stage cache and its built copy. An object id found in two of the
exhibition's collections is published as ``<collection-id>--<object-id>``, else as itself; one that
would still clash (or pass 64 characters) is numbered (:func:`folder_ids`). A scan's caption in the 3D
dialog ends with its credit line (museum · credit · rights); an object page's manifest is ``partOf``
the tour's ``iiif/collection.json``. A failure of the generated tour is reported at the room it
comes from (:func:`_in_exhibition`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import math
import re
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import cv2
import numpy as np
import yaml

from vtour.collection import build as collection_build
from vtour.collection import gallery
from vtour.collection.document import Collection, CollectionObject
from vtour.collection.exhibition import Exhibition, Room, read_exhibition
from vtour.collection.page import story_html
from vtour.collection.validate import exhibition_collections, resolve_rooms, room_scenes, validate_exhibition
from vtour.conventions import UNIT_METRES
from vtour.errors import VtourError
from vtour.image.options import DEFAULT_BASE_URL
from vtour.images import read_image, write_image
from vtour.model.io import read_mesh
from vtour.output import MANIFEST, atomic_dir, check_output_dir, link_file, link_tree
from vtour.site import bundle_path
from vtour.tour.build import CACHE_NAME, BuildResult, build_tour, check_base_url
from vtour.tour.layout import IIIF_COLLECTION, TOP_LEVEL, TOUR_JSON, VIEWER
from vtour.tour.stages import model_dependencies

log = logging.getLogger(__name__)
STEP = "exhibition"
STORY = "story"
STORY_FORMAT = "story/1"
#: Longest side of an object's picture on an info hotspot and on the story page (px).
PICTURE_SIZE = 1600
#: Pitch of link hotspots in a real panorama, where the doorways are unknown: on the floor ahead.
FLOOR_PITCH = -20.0
#: Bump to re-render every generated gallery (their cache keys include it).
GALLERY_VERSION = 1
#: Longest tour id (vtour.tour.document.ID_PATTERN): a published object's folder id fits in it.
ID_LENGTH = 64


@dataclass(frozen=True, eq=False)
class Exhibit:
    """One exhibited object: where it comes from, its published folder id and its built stages."""

    collection: Collection
    obj: CollectionObject
    fid: str
    built: collection_build.BuiltObject = field(repr=False)

    @property
    def scan(self) -> Path | None:
        return self.built.model_source if self.obj.model else None


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
# texts


def texts(t: dict | None, languages: tuple[str, ...]) -> dict | None:
    """``t`` in exactly ``languages`` (:func:`texts_in`), None when it is empty."""
    return texts_in(t, languages) if t else None


def texts_in(t: dict, languages: tuple[str, ...]) -> dict:
    """A text that is there (a title) in exactly ``languages``: a missing language takes the first
    one given (the tour requires every declared language and no other)."""
    fallback = next((t[k] for k in languages if t.get(k)), None) or next(iter(t.values()))
    return {lang: str(t.get(lang) or fallback) for lang in languages}


def credit_line(o: CollectionObject, languages: tuple[str, ...]) -> dict | None:
    """``museum · credit · rights`` in each language, None when the object names none of them."""
    parts = [texts_in(t, languages) for t in (o.museum, o.credit) if t]
    parts += [dict.fromkeys(languages, o.rights)] if o.rights else []
    return {lang: " · ".join(p[lang] for p in parts) for lang in languages} if parts else None


def model_description(o: CollectionObject, languages: tuple[str, ...]) -> dict | None:
    """A scan's caption in the viewer's 3D dialog: its description, then its credit line (which
    the dialog would otherwise never show)."""
    desc, credit = texts(o.description, languages), credit_line(o, languages)
    if not credit:
        return desc
    return {lang: f"{desc[lang]}\n{credit[lang]}" if desc else credit[lang] for lang in languages}


def credit_text(o: CollectionObject, languages: tuple[str, ...]) -> dict:
    """What an info hotspot says about an object: its dating, material, museum, credit and rights."""
    out = {}
    for lang in languages:
        lines = []
        for part in (o.date, o.period, o.material, o.dimensions):
            if part:
                lines.append(texts_in(part, languages)[lang])
        for part in (o.museum, o.credit):
            if part:
                lines.append(texts_in(part, languages)[lang])
        if o.rights:
            lines.append(o.rights)
        out[lang] = "\n".join(lines) or texts_in(o.title, languages)[lang]
    return out


def _numbered(title: dict, k: int, n: int) -> dict:
    return title if n == 1 else {lang: f"{t} ({k}/{n})" for lang, t in title.items()}


# ---------------------------------------------------------------------------------------------
# rooms and panoramas


def _chunks(found: list, size: int) -> list[list]:
    """``found`` in the fewest parts of at most ``size``, as even as can be, the larger first."""
    parts = max(1, math.ceil(len(found) / size))
    small, extra = divmod(len(found), parts)
    ends = list(itertools.accumulate(small + (k < extra) for k in range(parts)))
    return [found[a:b] for a, b in itertools.pairwise([0, *ends])]


def _picture(e: Exhibit) -> Path | None:
    return e.collection.root / e.obj.images[0] if e.obj.images else None


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def gallery_key(exhibits: list[Exhibit], doors: tuple[str, ...], width: int, seed: int) -> str:
    """The content hash of a gallery's inputs: the objects, in order, with their files' bytes."""
    objects: list[dict] = []
    record = {"version": GALLERY_VERSION, "doors": list(doors), "width": width, "seed": seed, "objects": objects}
    for e in exhibits:
        files = model_dependencies(e.scan) if e.scan else [p for p in [_picture(e)] if p]
        objects.append({"id": e.fid, "units": e.obj.units, "files": [_file_digest(p) for p in files]})
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


def _gallery_item(e: Exhibit) -> gallery.GalleryItem:
    title = texts_in(e.obj.title, e.collection.languages)[e.collection.language]
    if e.scan:
        mesh = read_mesh(e.scan, units=e.obj.units)
        return gallery.GalleryItem(e.fid, title, mesh=mesh, metres_per_unit=UNIT_METRES.get(mesh.units))
    return gallery.GalleryItem(e.fid, title, picture=_picture(e))


def render_gallery(exhibits: list[Exhibit], doors: tuple[str, ...], dest: Path, width: int, seed: int) -> tuple:
    """The gallery's panorama at ``dest`` (JPEG) and its hotspots and doors, rendered only when the
    record beside it holds another key. Returns (hotspots, doors, rendered)."""
    key = gallery_key(exhibits, doors, width, seed)
    record = dest.with_suffix(".json")
    if dest.is_file() and record.is_file():
        old = json.loads(record.read_text("utf-8"))
        if old.get("key") == key:
            return [tuple(h) for h in old["hotspots"]], {k: tuple(v) for k, v in old["doors"].items()}, False
    result = gallery.gallery_panorama([_gallery_item(e) for e in exhibits], doors=doors, width=width, seed=seed)
    write_image(dest, result.image, quality=90)
    hotspots = [(h.key, h.yaw, h.pitch, h.kind) for h in result.hotspots]
    doors_at = {k: list(v) for k, v in result.doors.items()}
    record.write_text(json.dumps({"key": key, "hotspots": hotspots, "doors": doors_at}), "utf-8")
    return hotspots, {k: tuple(v) for k, v in doors_at.items()}, True


def _link_file(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    if not dest.is_file() or _file_digest(dest) != _file_digest(src):
        link_file(src, dest, copy=True)


def _picture_file(src: Path, dest: Path) -> tuple[int, int]:
    """``src`` as a JPEG of at most PICTURE_SIZE px at ``dest`` (written when missing); its (w, h)."""
    img = read_image(src, step=STEP)[..., :3]
    scale = min(1.0, PICTURE_SIZE / max(img.shape[:2]))
    if scale < 1:
        img = cv2.resize(img, (round(img.shape[1] * scale), round(img.shape[0] * scale)), interpolation=cv2.INTER_AREA)
    dest.parent.mkdir(parents=True, exist_ok=True)
    write_image(dest, np.ascontiguousarray(img), quality=88)
    return img.shape[1], img.shape[0]


def _model_entry(e: Exhibit, scan: Path, work: Path, languages: tuple[str, ...]) -> dict:
    """tour.yaml's ``models:`` item of ``e``'s scan, its files linked under models/<fid>/."""
    for dep in model_dependencies(scan):
        _link_file(dep, work / "models" / e.fid / dep.relative_to(scan.parent))
    o = e.obj
    metadata: dict[str, Any] = {}
    for key in ("date", "period", "material", "dimensions", "museum", "credit"):
        if getattr(o, key):
            metadata[key] = texts(getattr(o, key), languages)
    if o.rights:
        metadata["licence"] = o.rights
    entry: dict[str, Any] = {
        "id": e.fid,
        "title": texts(o.title, languages),
        "source": f"models/{e.fid}/{scan.name}",
        "metadata": metadata,
    }
    if description := model_description(o, languages):
        entry["description"] = description
    if o.units:
        entry["units"] = o.units
    if e.collection.lod:
        entry["lod"] = dict(e.collection.lod)
    return entry


def _spread(exhibits: list[Exhibit], room: Room) -> list[tuple[str, float, float, str]]:
    """Hotspots of objects in a real panorama: the room's positions, else spread like a gallery's."""
    out = []
    for e, yaw in zip(exhibits, gallery.slot_yaws(len(exhibits))):
        at = room.positions.get(e.obj.id) or room.positions.get(f"{e.collection.id}:{e.obj.id}")
        kind = "model" if e.scan else "picture"
        out.append((e.fid, at["yaw"], at["pitch"], kind) if at else (e.fid, round(yaw, 2), 0.0, kind))
    return out


def _object_hotspot(e: Exhibit, yaw: float, pitch: float, kind: str, languages, pictures: dict) -> dict:
    title = texts(e.obj.title, languages)
    if kind == "model":
        return {"type": "model", "yaw": yaw, "pitch": pitch, "target": e.fid, "title": title}
    spot = {"type": "info", "yaw": yaw, "pitch": pitch, "title": title, "text": credit_text(e.obj, languages)}
    if e.fid in pictures:
        spot["image"] = f"pictures/{e.fid}.jpg"
    return spot


# ---------------------------------------------------------------------------------------------
# the build


def _scenes(exhibition: Exhibition, rooms, exhibits, work: Path, width: int, seed: int) -> tuple:
    """tour.yaml's scenes and models, the story's rooms; writes panoramas, pictures and scans into
    ``work``. Returns (scenes, models, story rooms, rendered gallery ids)."""
    langs = exhibition.languages
    plan = []  # (room, part index, part count, exhibits)
    ids: list[str] = []  # each part's scene id (validate_exhibition saw that no two are the same)
    for room, found in rooms:
        chosen = [exhibits[(c.id, o.id)] for c, o in found]
        parts = [chosen] if room.panorama else _chunks(chosen, gallery.MAX_OBJECTS)
        plan += [(room, k, len(parts), part) for k, part in enumerate(parts, 1)]
        ids += room_scenes(room, len(found))
    pictures = {}
    for e in dict.fromkeys(e for *_, part in plan for e in part):
        picture = _picture(e)
        if not e.scan and picture is not None:
            pictures[e.fid] = _picture_file(picture, work / "pictures" / f"{e.fid}.jpg")
    scenes, models, rendered = [], {}, []
    for i, (room, k, n, part) in enumerate(plan):
        sid = ids[i]
        doors = tuple(d for d, ok in (("previous", i > 0), ("next", i < len(plan) - 1)) if ok)
        if room.panorama:
            src = exhibition.root / room.panorama
            rel = f"panoramas/{sid}{src.suffix.lower()}"
            _link_file(src, work / rel)
            spots = _spread(part, room)
            door_at = {"previous": (-180.0, FLOOR_PITCH), "next": (0.0, FLOOR_PITCH)}
        else:
            rel = f"panoramas/{sid}.jpg"
            (work / "panoramas").mkdir(parents=True, exist_ok=True)
            spots, door_at, now = render_gallery(part, doors, work / rel, width, seed)
            if now:
                rendered.append(sid)
        by_fid = {e.fid: e for e in part}
        hotspots = [_object_hotspot(by_fid[f], y, p, kind, langs, pictures) for f, y, p, kind in spots]
        for f, *_ in spots:
            scan = by_fid[f].scan
            if scan and f not in models:
                models[f] = _model_entry(by_fid[f], scan, work, langs)
        for door, j in (("previous", i - 1), ("next", i + 1)):
            if door in doors:
                yaw, pitch = door_at[door]
                hotspots.append(
                    {
                        "type": "link",
                        "yaw": yaw,
                        "pitch": pitch,
                        "target": ids[j],
                        "title": texts(plan[j][0].title, langs),
                    }
                )
        scene: dict[str, Any] = {
            "id": sid,
            "title": _numbered(texts_in(room.title, langs), k, n),
            "panorama": rel,
            "view": {"yaw": spots[0][1] if spots else 0.0, "pitch": -5.0, "fov": 75.0},
            "hotspots": hotspots,
        }
        if room.text:
            scene["description"] = texts(room.text, langs)
        scenes.append(scene)
    story_rooms = _story_rooms(exhibition, rooms, exhibits, ids, plan, pictures)
    return scenes, list(models.values()), story_rooms, rendered


def _story_rooms(exhibition, rooms, exhibits, ids, plan, pictures) -> list[dict]:
    langs = exhibition.languages
    first_scene: dict[str, str] = {}
    for sid, (room, *_rest) in zip(ids, plan):
        first_scene.setdefault(room.id, sid)
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


def _yaml_text(doc: dict) -> str:
    """The generated tour.yaml: a header, then the document dumped by yaml.safe_dump (texts stay texts)."""
    return "# Generated by vtour from an exhibition.yaml: edit that, not this.\n" + yaml.safe_dump(
        json.loads(json.dumps(doc)), sort_keys=False, allow_unicode=True, width=100
    )


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
    scenes, models, story_rooms, rendered = _scenes(exhibition, rooms, exhibits, work, gallery_width, seed)
    langs = exhibition.languages
    doc = {"id": exhibition.id, "title": texts(exhibition.title, langs), "languages": list(langs)}
    if exhibition.description:
        doc["description"] = texts(exhibition.description, langs)
    doc |= {"start": scenes[0]["id"], "scenes": scenes, "models": models}
    (work / "tour.yaml").write_text(_yaml_text(doc), "utf-8")
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
        "rooms": story_rooms,
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
