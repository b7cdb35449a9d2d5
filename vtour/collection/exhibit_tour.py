"""The tour an exhibition generates: its scenes (a room's own panorama, or generated galleries
rendered again only when their cache key changed), their hotspots (a model hotspot per scan, an info
hotspot crediting the others, link hotspots at the doorways), the scans' ``models:`` entries with
their credit lines, and the generated tour.yaml's text.

:func:`vtour.collection.exhibit.build_exhibition` orchestrates: it prepares the :class:`Exhibit`
objects, calls :func:`tour_scenes`, writes :func:`tour_yaml_text` and builds that tour.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import yaml

from vtour.collection import gallery
from vtour.collection.document import Collection, CollectionObject
from vtour.collection.exhibition import Exhibition, Room
from vtour.collection.objects import BuiltObject
from vtour.collection.validate import room_scenes
from vtour.conventions import UNIT_METRES
from vtour.images import read_image, write_image
from vtour.model.io import read_mesh
from vtour.output import link_file
from vtour.tour.stages import model_dependencies

STEP = "exhibition"
#: Longest side of an object's picture on an info hotspot and on the story page (px).
PICTURE_SIZE = 1600
#: Pitch of link hotspots in a real panorama, where the doorways are unknown: on the floor ahead.
FLOOR_PITCH = -20.0
#: Bump to re-render every generated gallery (their cache keys include it).
GALLERY_VERSION = 1


@dataclass(frozen=True, eq=False)
class Exhibit:
    """One exhibited object: where it comes from, its published folder id and its built stages."""

    collection: Collection
    obj: CollectionObject
    fid: str
    built: BuiltObject = field(repr=False)

    @property
    def scan(self) -> Path | None:
        return self.built.model_source if self.obj.model else None


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
# the scenes


def tour_scenes(exhibition: Exhibition, rooms, exhibits, work: Path, width: int, seed: int) -> tuple:
    """tour.yaml's scenes and models; writes panoramas, pictures and scans into ``work``. Returns
    (scenes, models, rendered gallery ids, each room's first scene id, and the pictures written:
    fid -> (w, h)), the last two for the story's rooms."""
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
    first_scene: dict[str, str] = {}
    for sid, (room, *_rest) in zip(ids, plan):
        first_scene.setdefault(room.id, sid)
    return scenes, list(models.values()), rendered, first_scene, pictures


def tour_yaml_text(doc: dict) -> str:
    """The generated tour.yaml: a header, then the document dumped by yaml.safe_dump (texts stay texts)."""
    return "# Generated by vtour from an exhibition.yaml: edit that, not this.\n" + yaml.safe_dump(
        json.loads(json.dumps(doc)), sort_keys=False, allow_unicode=True, width=100
    )


__all__ = [
    "FLOOR_PITCH",
    "GALLERY_VERSION",
    "PICTURE_SIZE",
    "STEP",
    "Exhibit",
    "credit_line",
    "credit_text",
    "gallery_key",
    "model_description",
    "render_gallery",
    "texts",
    "texts_in",
    "tour_scenes",
    "tour_yaml_text",
]
