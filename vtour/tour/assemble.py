"""tour.json from a tour and its built stages, and the files written beside it.

``tour_document`` follows docs/tour-json.md (version 1) exactly and adds nothing that is not
deterministic (no times, no absolute paths), so two builds of the same inputs write the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import warnings
from pathlib import Path
from typing import Any

from PIL import Image

# the module, not its names: vtour.site imports vtour.tour.layout, so either may be imported first
from vtour import site
from vtour.errors import VtourError, VtourWarning
from vtour.model.change import NOT_MEASURED
from vtour.output import is_within, link_file, temp_path
from vtour.tour.deepzoom import DeepZoomImage
from vtour.tour.document import Narration, Tour
from vtour.tour.iiif import write_iiif
from vtour.tour.layout import (
    IIIF_COLLECTION,
    TOUR_JSON,
    image_annotations,
    image_destination,
    image_dir,
    image_manifest,
    model_dir,
    model_manifest,
    scene_dir,
)
from vtour.tour.options import base_url
from vtour.tour.peers import write_peers
from vtour.tour.schema import TOUR_FORMAT, TOUR_VERSION, check_tour_json


def _text(texts, fallback: str, languages) -> dict:
    return dict(texts) if texts else {lang: fallback for lang in languages}


def panorama_block(scene_id: str, manifest: dict) -> dict:
    """A scene's pano.json with its paths made tour-relative (the ``panorama`` of tour.json): the
    tile template keeps its format's extension, and a partial panorama's ``present`` (which tiles
    exist, :mod:`vtour.pano.manifest`) comes along so that no viewer requests an absent tile."""
    base = scene_dir(scene_id)
    block = {
        "path": base,
        "tiles": f"{base}/{manifest['tiles']}",
        "faceSize": manifest["faceSize"],
        "tileSize": manifest["tileSize"],
        "levels": manifest["levels"],
        "preview": f"{base}/{manifest['preview']}",
        "previewFaceOrder": manifest["previewFaceOrder"],
        "thumb": f"{base}/{manifest['thumb']}",
        "coverage": manifest["coverage"],
    }
    if "present" in manifest:
        block["present"] = manifest["present"]
    return block


def model_block(tour: Tour, model, report: dict) -> dict:
    """A model's entry: its levels coarse to fine with sizes and deviation from the scan, its
    diagonal (model units), its previous scans aligned to it (change over time) and, when the
    tour offers them, its downloads (the original scan zipped, the finest level uncompressed)."""
    base = model_dir(model.id)
    lods = []
    for lod in report["lods"]:
        sizes = [max(s) for s in lod.get("texture_sizes") or [] if s]
        dev = lod["deviation"]
        entry = {
            "path": f"{base}/{lod['file']}",
            "triangles": lod["triangles"],
            "bytes": lod["bytes"],
            "textureSize": max(sizes) if sizes else None,
            "deviation": {
                "hausdorff": dev["hausdorff"],
                "mean": dev["mean"],
                "rms": dev["rms"],
                "relativeHausdorff": dev["hausdorff_fraction"],
                "relativeRms": dev["rms_fraction"],
            },
        }
        if lod.get("uncompressed_file"):
            entry["uncompressedPath"] = f"{base}/{lod['uncompressed_file']}"
        lods.append(entry)
    out = {"id": model.id, "title": _text(model.title, model.id, tour.languages)}
    if model.description:
        out["description"] = model.description
    out.update(
        {
            "units": report["units"],
            "diagonal": report["input"]["diagonal"],
            "metadata": dict(model.metadata),
            "lods": lods,
            "report": f"{base}/report.json",
            "previous": [
                {
                    "date": c["date"],
                    "path": f"{base}/{c['file']}",
                    "attribute": c["attribute"].lower(),  # the name three.js's GLTFLoader gives it
                    "rms": c["alignment"]["rms"],
                    "noise": c["noise"],
                    "limits": dict(c["limits"]),
                    "notMeasured": c.get("not_measured", NOT_MEASURED),
                }
                for c in report.get("change", [])
            ],
        }
    )
    if report.get("downloads"):
        out["downloads"] = {key: f"{base}/{report['downloads'][key]}" for key in ("scan", "glb")}
    out["manifest"] = model_manifest(model.id)
    return out


def image_block(tour: Tour, image: DeepZoomImage, info: dict, max_zoom: float) -> dict:
    """A deep-zoom image's entry from its built info.json. Raises VtourError for an annotation
    whose region leaves the image: for stitched photos the size is known only now."""
    width, height = info["width"], info["height"]
    for a in image.annotations:
        x, y, w, h = a.region
        if x + w > width or y + h > height:
            raise VtourError(
                "build",
                f"image {image.id}: annotation {a.id} region {list(a.region)} leaves the stitched image "
                f"of {width}x{height} px",
                field=tour.at(f"{a.where}.region"),  # tour.yaml:LINE: images[i].annotations[j].region
                value=list(a.region),
                fix=f"give a region inside [0, 0, {width}, {height}]",
            )
    base = image_dir(image.id)
    small = info["sizes"][0]  # smallest first (vtour.image.iiif.finish_info)
    out: dict[str, Any] = {"id": image.id, "title": _text(image.title, image.id, tour.languages)}
    if image.description:
        out["description"] = image.description
    out.update(
        {
            "path": base,
            "width": width,
            "height": height,
            "tileSize": info["tiles"][0]["width"],
            "maxZoom": max_zoom,
            "thumb": f"{base}/full/{small['width']},{small['height']}/0/default.jpg",
            "manifest": image_manifest(image.id),
        }
    )
    if image.annotations:
        out["annotations"] = image_annotations(image.id)
    out["metadata"] = dict(image.metadata)
    if image.rights:
        out["rights"] = image.rights
    return out


def region_annotations(tour: Tour) -> dict[str, list[dict]]:
    """Image id -> its annotated regions, as :func:`vtour.tour.iiif.write_iiif` takes them."""
    return {
        image.id: [{"id": a.id, "region": list(a.region), "title": a.title, "text": a.text} for a in image.annotations]
        for image in tour.images
        if image.annotations
    }


#: The built tour's folder of narration audio and captions (content-named files).
MEDIA = "media"
#: Bytes read at a time when a narration file is hashed or copied: memory stays this small whatever its size.
MEDIA_CHUNK = 1 << 20


def media_name(rel: str, digest: str) -> str:
    """Where the narration file ``rel`` (as tour.yaml names it) goes in the built tour when its
    content's sha256 is ``digest`` (hex): ``media/<name>.<8 hex><ext>``, so that a changed file gets
    a new URL (no stale cache on a kiosk) and the same content under the same name is one file. The
    name keeps letters, digits, '-', '_' and '.' of the source's; the extension is lowercased."""
    name = Path(rel.replace("\\", "/"))
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", name.stem).strip("-.") or "narration"
    return f"{MEDIA}/{stem}.{digest[:8]}{name.suffix.lower()}"


def _sha256(path: Path) -> str:
    """The hex sha256 of the file at ``path``, read in :data:`MEDIA_CHUNK` pieces."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(MEDIA_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def media_names(tour: Tour) -> dict[str, str]:
    """Every narration file tour.yaml names (as written) -> its :func:`media_name`, each file read once."""
    return {rel: media_name(rel, _sha256(tour.root / rel)) for rel in narration_sources(tour)}


def copy_media(tour: Tour, folder: Path) -> dict[str, str]:
    """Copy every narration file into ``folder``/media/, each read once: hashed while it is written
    to a temporary file there, which is then renamed to the name of the bytes copied (so a file
    changed meanwhile is published under its new content's name, never under an older one). Returns
    tour.yaml's path (as written) -> its name in ``folder``. A file that is a link out of the tour's
    folder is a VtourError (validate refuses it first; never publish what lies outside)."""
    root = tour.root.resolve()
    (folder / MEDIA).mkdir(parents=True, exist_ok=True)
    names = {}
    for rel in narration_sources(tour):
        src = tour.root / rel
        if not is_within(src.resolve(), root):
            raise VtourError(
                "build",
                f"narration {rel} is a link to {src.resolve()}, outside the tour's folder {root}",
                path=src,
                fix="copy the file into the tour's folder instead of linking it",
            )
        tmp = temp_path(folder / media_name(rel, ""))
        try:
            digest = hashlib.sha256()
            with open(src, "rb") as f, open(tmp, "xb") as out:
                while chunk := f.read(MEDIA_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
            names[rel] = media_name(rel, digest.hexdigest())
            os.replace(tmp, folder / names[rel])  # the same name is the same bytes: replacing it changes nothing
        finally:
            tmp.unlink(missing_ok=True)
    return names


def narration_block(tour: Tour, narration: Narration, names: dict[str, str]) -> dict:
    """A narration's entry in tour.json: ``{"audio": {lang: path}, "captions": {lang: path}}``
    (captions only when given), in the tour's language order; ``names`` maps each file as tour.yaml
    names it to its place in the built tour (:func:`media_names`, :func:`copy_media`)."""
    out: dict[str, Any] = {}
    for key, files in (("audio", narration.audio), ("captions", narration.captions)):
        if files:
            order = [lang for lang in tour.languages if lang in files] + [x for x in files if x not in tour.languages]
            out[key] = {lang: names[files[lang]] for lang in order}
    return out


def narrations(tour: Tour) -> list[tuple[int, int | None, Narration]]:
    """Every narration tour.json holds: (scene index, hotspot index or None for the scene's own,
    narration); a hotspot's only where the viewer plays it (:meth:`Tour.plays_narration`)."""
    out: list[tuple[int, int | None, Narration]] = []
    for i, s in enumerate(tour.scenes):
        if s.narration is not None:
            out.append((i, None, s.narration))
        out += [(i, j, h.narration) for j, h in enumerate(s.hotspots) if h.narration and tour.plays_narration(h)]
    return out


def narration_sources(tour: Tour) -> list[str]:
    """Every narration file tour.json names (paths as tour.yaml writes them), each once."""
    out: dict[str, None] = {}
    for _, _, n in narrations(tour):
        out.update(dict.fromkeys([*n.audio.values(), *n.captions.values()]))
    return list(out)


def set_narration_names(tour: Tour, doc: dict, names: dict[str, str]) -> None:
    """Point every narration of ``doc`` (tour.json of ``tour``) at ``names`` (keys stay in place)."""
    for i, j, n in narrations(tour):
        entry = doc["scenes"][i] if j is None else doc["scenes"][i]["hotspots"][j]
        entry["narration"] = narration_block(tour, n, names)


def kiosk_settings(tour: Tour) -> dict | None:
    """tour.json's ``settings.kiosk``: tour.yaml's ``settings.kiosk`` (as written) merged with its
    top-level ``kiosk:`` in camelCase, ``kiosk:`` winning key by key (``attract`` merged too).
    Only the keys written are set; the viewer applies the defaults. None when neither is given."""
    old = tour.settings.get("kiosk")
    k = tour.kiosk
    if k is None:
        return None
    merged: dict[str, Any] = dict(old) if isinstance(old, dict) else {}
    for key, value in (("idleSeconds", k.idle_seconds), ("countdownSeconds", k.countdown_seconds)):
        if value is not None:
            merged[key] = _number(value)
    attract: dict[str, Any] = dict(merged["attract"]) if isinstance(merged.get("attract"), dict) else {}
    if k.attract_scenes is not None:
        attract["scenes"] = list(k.attract_scenes)
    if k.seconds_per_scene is not None:
        attract["secondsPerScene"] = _number(k.seconds_per_scene)
    if k.narration is not None:
        attract["narration"] = k.narration
    if attract or k.attract_given:
        merged["attract"] = attract
    return merged


def _number(value: float) -> int | float:
    """60 rather than 60.0 in tour.json for a whole number of seconds."""
    return int(value) if float(value).is_integer() else value


def _hotspot(tour: Tour, h, names: dict[str, str]) -> dict:
    out = {"id": h.id, "type": h.type, "yaw": h.yaw, "pitch": h.pitch}
    if h.target is not None and h.type in ("link", "model"):
        out["target"] = h.target
    title = h.title
    if title is None and h.type in ("link", "model"):  # the target's title (validation checked it exists)
        target = tour.scene(h.target) if h.type == "link" else tour.model(h.target)
        title = target.title if target is not None else None
    if title:
        out["title"] = title
    if h.text:
        out["text"] = h.text
    if tour.deep_zoom(h) is not None:
        out["deepZoom"] = h.image
    elif h.image:
        out["image"] = image_destination(h.image)
    if h.url:
        out["url"] = h.url
    if h.narration is not None and tour.plays_narration(h):
        out["narration"] = narration_block(tour, h.narration, names)
    return out


def tour_document(
    tour: Tour,
    scene_dirs: dict[str, Path],
    model_dirs: dict[str, Path],
    image_dirs: dict[str, Path] | None = None,
    media: dict[str, str] | None = None,
) -> dict:
    """tour.json (a dict) from the tour and each stage's built folder (pano.json, report.json,
    a deep-zoom image's info.json and image.json). Narration files are named by ``media`` (from
    :func:`copy_media`) or, without it, by their content as it is now (:func:`media_names`);
    :func:`write_tour_folder` names them by the bytes it copies."""
    doc = {"format": TOUR_FORMAT, "version": TOUR_VERSION, "id": tour.id, "title": tour.title}
    settings = dict(tour.settings)
    kiosk = kiosk_settings(tour)
    if kiosk is not None:
        settings["kiosk"] = kiosk
    if tour.description:
        doc["description"] = tour.description
    doc.update(
        {
            "languages": list(tour.languages),
            "start": tour.start or tour.scenes[0].id,
            "baseUrl": base_url(tour),
            "settings": settings,
        }
    )
    if tour.floorplan:
        with Image.open(tour.root / tour.floorplan) as im:
            width, height = im.size
        doc["floorplan"] = {"image": image_destination(tour.floorplan), "width": width, "height": height}
    names = media_names(tour) if media is None else media
    scenes = []
    for s in tour.scenes:
        manifest = json.loads((scene_dirs[s.id] / "pano.json").read_text())
        entry: dict[str, Any] = {"id": s.id, "title": _text(s.title, s.id, tour.languages)}
        if s.description:
            entry["description"] = s.description
        entry.update(
            {
                "panorama": panorama_block(s.id, manifest),
                "view": {"yaw": s.view.yaw, "pitch": s.view.pitch, "fov": s.view.fov},
            }
        )
        if s.limits:
            entry["limits"] = {{"min_fov": "minFov", "max_fov": "maxFov"}[k]: v for k, v in s.limits.items()}
        entry["northOffset"] = s.north_offset
        if s.floorplan_position is not None:
            entry["floorplanPosition"] = {"x": s.floorplan_position[0], "y": s.floorplan_position[1]}
        if s.narration is not None:
            entry["narration"] = narration_block(tour, s.narration, names)
        entry["hotspots"] = [_hotspot(tour, h, names) for h in s.hotspots]
        scenes.append(entry)
    doc["scenes"] = scenes
    doc["models"] = [
        model_block(tour, m, json.loads((model_dirs[m.id] / "report.json").read_text())) for m in tour.models
    ]
    images = []
    for image in tour.images:
        folder = (image_dirs or {})[image.id]
        record = json.loads((folder / "image.json").read_text())
        images.append(image_block(tour, image, json.loads((folder / "info.json").read_text()), record["max_zoom"]))
    doc["images"] = images
    doc["iiif"] = IIIF_COLLECTION
    return doc


def dump_json(doc: dict) -> str:
    return json.dumps(doc, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def write_info(image_folder: Path, service: str) -> None:
    """Give the deep-zoom image in ``image_folder`` its published info.json (``id`` = ``service``).
    The stage built it under :data:`vtour.tour.options.STAGE_BASE_URL` and the folder's info.json is
    a hard link into the cache: it is replaced by a new file, never written through (the cache stays
    the same whatever the base URL, so another ``base_url`` reuses the tiles)."""
    path = image_folder / "info.json"
    info = json.loads(path.read_text(encoding="utf-8"))
    info["id"] = service
    path.unlink()
    path.write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")


def write_tour_folder(tour: Tour, doc: dict, folder: Path, media: dict[str, str] | None = None) -> None:
    """Into ``folder`` (stage outputs already linked): media/ (narration audio and captions,
    content-named: :func:`copy_media`, ``doc``'s narration pointed at them), images/ (the
    photos; deep-zoom images are stages, their info.json rewritten with the tour's base URL:
    :func:`write_info`), tour.json (schema-checked), iiif/ (:mod:`vtour.tour.iiif`),
    marzipano/data.js, pannellum.json, and index.html with viewer/ (:mod:`vtour.site`). With
    ``media`` (:func:`copy_media` has copied them into ``folder``, and ``doc`` was made with those
    names) the narration files are not read again."""
    images = {h.image for s in tour.scenes for h in s.hotspots if h.image and tour.deep_zoom(h) is None}
    if tour.floorplan:
        images.add(tour.floorplan)
    root = tour.root.resolve()
    for rel in sorted(images):
        src = tour.root / rel
        if not is_within(src.resolve(), root):  # validate refuses it first; never publish what lies outside
            raise VtourError(
                "build",
                f"{rel} is a link to {src.resolve()}, outside the tour's folder {root}",
                path=src,
                fix="copy the image into the tour's folder instead of linking it",
            )
        link_file(src, folder / image_destination(rel), copy=True)  # sources: never linked
    if media is None:  # tour.json names the bytes copied, whatever happened to a file since tour_document read it
        set_narration_names(tour, doc, copy_media(tour, folder))
    check_tour_json(doc)
    for entry in doc["images"]:
        write_info(folder / entry["path"], f"{doc['baseUrl']}/{entry['path']}")
    (folder / TOUR_JSON).write_text(dump_json(doc), encoding="utf-8")
    write_iiif(doc, folder, region_annotations(tour))
    write_peers(doc, folder)
    try:
        site.write_site(folder)
    except VtourError as exc:  # the tour is complete without its viewer (not built); say how to add it
        warnings.warn(f"build: no index.html/viewer written: {exc}", VtourWarning, stacklevel=2)
