"""A built tour exported for Marzipano and Pannellum, over the same tiles.

Written from tour.json, so both peers see exactly what vtour's viewer sees:

- ``marzipano/data.js``: ``var APP_DATA = {...};`` as the Marzipano Tool writes it (radians, pitch
  positive down, vertical fov; ``levels``/``faceSize`` of each scene), plus ``tiles``/``preview``
  URL templates relative to the tour folder (the Tool's index.js builds ``tiles/<id>/...`` itself:
  point it at ``scene.tiles``). The Tool's index.js inserts hotspot titles and texts, and a link
  hotspot's tooltip (its target scene's ``name``), as HTML, so those texts and the scene and tour
  ``name`` are HTML-escaped here. (Its title bar runs the name through its own ``sanitize()`` first,
  so a name with ``&``, ``<`` or ``>`` shows an entity there: a cosmetic flaw, where unescaped it
  would run as markup in the tooltip.)
- ``pannellum.json``: a Pannellum tour config (``default.firstScene``, ``scenes.<id>`` of
  ``type: "multires"`` whose ``basePath`` is ``scenes/<id>``, relative to the tour folder; with
  512 px tiles Marzipano's z and Pannellum's level coincide, see vtour.conventions). Texts are plain
  text: top-level ``escapeHTML: true`` makes Pannellum show them as text, not HTML.

Each scene's Marzipano ``levels`` and Pannellum ``multiRes`` come from tour.json's own ``levels``,
``faceSize`` and ``coverage`` through :func:`vtour.pano.manifest.peer_blocks`, the function that
writes them into pano.json.

Both peers read JPEG tiles at :data:`~vtour.conventions.TILE_TEMPLATE`'s paths. A scene whose tiles
are another format (WebP, AVIF: tour.json's ``tiles`` says) or that lacks some tiles (a partial
panorama's ``present``) gets them written beside its own by :func:`write_peer_tiles`: each tile
transcoded to JPEG (``PEER_JPEG_QUALITY``; JPEG tiles are hard-linked, not re-encoded) at the same
path with ``.jpg``, and each absent tile a hard link to one blank (black, the colour outside a
partial panorama's coverage) tile, so neither peer ever meets a 404: Marzipano retries a failed tile
every 10 s for ever, logging each. vtour's viewer reads its own tiles and never requests an absent
one. A preview strip in another format gets a JPEG copy, ``preview.jpg`` (Marzipano's
``cubeMapPreviewUrl``). A full panorama of JPEG tiles and preview gets nothing written: the peers
share vtour's files.

An info hotspot that opens a deep-zoom image (``deepZoom``) is exported as an info hotspot
whose link opens that image in vtour's viewer, ``index.html#image=<id>`` (neither peer shows IIIF
images): Pannellum's ``URL``, and a link after the text in Marzipano's (HTML) text, relative to
data.js's folder.

Every exported hotspot and scene also carries a ``vtour`` block (ignored by the peers) with its
id, type and multilingual texts, so that :mod:`vtour.tour.peer_import`, which reads these files
back into a tour.yaml, loses nothing; angles always come from the peer's own fields through
:mod:`vtour.conventions`.
"""

from __future__ import annotations

import html
import json
import os
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from vtour.conventions import FACES, TILE_TEMPLATE, tile_path, to_marzipano_view, to_pannellum_view
from vtour.images import encode_jpeg
from vtour.output import link_file
from vtour.pano.codec import decode_tile
from vtour.pano.manifest import decode_present, peer_blocks
from vtour.tour.layout import INDEX_HTML, MARZIPANO_DATA, PANNELLUM_CONFIG

#: JPEG quality of tiles transcoded for the peers: above vtour's q85, as the tile was lossy already.
PEER_JPEG_QUALITY = 90
#: The preview strip the peers read, in the panorama's folder.
PEER_PREVIEW = "preview.jpg"


def image_link(image_id: str) -> str:
    """vtour's viewer opening deep-zoom image ``image_id``, relative to the tour folder."""
    return f"{INDEX_HTML}#image={urllib.parse.quote(image_id)}"


def _first(texts, languages, fallback="") -> str:
    if not texts:
        return fallback
    return texts.get(languages[0]) or next(iter(texts.values()), fallback)


# ---------------------------------------------------------------------------------------------
# export


def peer_tiles(panorama: dict) -> str:
    """The JPEG tile template (tour-relative) the peers read for a tour.json ``panorama``: its own
    ``tiles`` when they are JPEG, else the ``.jpg`` files :func:`write_peer_tiles` writes beside them."""
    return f"{panorama['path']}/{TILE_TEMPLATE}"


def peer_preview(panorama: dict) -> str:
    """The JPEG preview strip (tour-relative) Marzipano reads: ``preview.jpg`` in the panorama's folder,
    vtour's own or the copy :func:`write_peer_tiles` writes."""
    return f"{panorama['path']}/{PEER_PREVIEW}"


def needs_peer_tiles(panorama: dict) -> bool:
    """Whether the peers need tiles written for them: vtour's are not JPEG, or some are absent."""
    return not panorama["tiles"].endswith(TILE_TEMPLATE.rsplit("}", 1)[1]) or "present" in panorama


def write_peer_tiles(panorama: dict, folder: Path, *, jobs: int | None = None) -> int:
    """Write the JPEG tiles (and preview strip) the peers read for one tour.json ``panorama`` into the
    tour ``folder`` (see the module docstring); returns how many files were written or linked (0 when
    none are needed).

    ``jobs`` threads transcode (None: one per core; OpenCV and libvips release the GIL).
    """
    written = 0
    if panorama["preview"] != peer_preview(panorama):
        jpeg = encode_jpeg(decode_tile((folder / panorama["preview"]).read_bytes()), PEER_JPEG_QUALITY)
        (folder / peer_preview(panorama)).write_bytes(jpeg)
        written += 1
    if not needs_peer_tiles(panorama):
        return written
    levels, own = panorama["levels"], panorama["tiles"]
    present = decode_present(panorama.get("present"), levels)
    copies: list[tuple[Path, Path, int]] = []  # (vtour's tile, the peers' tile, tile size)
    blanks: list[tuple[Path, Path, int]] = []
    for z, level in enumerate(levels):
        n = level["size"] // level["tileSize"]
        for f in FACES:
            for y, x in np.ndindex(n, n):
                rel = f"{panorama['path']}/{tile_path(z, f, y, x)}"
                src = own.format(z=z, f=f, y=y, x=x)
                (copies if present[z][f][y, x] else blanks).append((folder / src, folder / rel, level["tileSize"]))
    same = own == peer_tiles(panorama)

    def copy(job: tuple[Path, Path, int]) -> None:
        src, dest, _ = job
        if not same:
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(encode_jpeg(decode_tile(src.read_bytes()), PEER_JPEG_QUALITY))

    with ThreadPoolExecutor(jobs or os.cpu_count() or 1) as pool:
        list(pool.map(copy, copies))
    first: dict[int, Path] = {}  # tile size -> the blank tile every other absent tile of that size links to
    for _, dest, size in blanks:
        dest.parent.mkdir(parents=True, exist_ok=True)
        if size in first:
            link_file(first[size], dest)
        else:
            dest.write_bytes(encode_jpeg(np.zeros((size, size, 3), np.uint8), PEER_JPEG_QUALITY))
            first[size] = dest
    return written + (0 if same else len(copies)) + len(blanks)


def marzipano_data(doc: dict) -> dict:
    """APP_DATA of Marzipano's data.js for a tour.json document."""
    langs = doc["languages"]
    image_titles = {i["id"]: _first(i["title"], langs, i["id"]) for i in doc.get("images", [])}
    scenes = []
    for s in doc["scenes"]:
        p = s["panorama"]
        links, infos = [], []
        for h in s["hotspots"]:
            at = to_marzipano_view(h["yaw"], h["pitch"], 90)
            if h["type"] == "link":
                links.append({"yaw": at["yaw"], "pitch": at["pitch"], "rotation": 0, "target": h["target"], "vtour": h})
            else:
                text = html.escape(_first(h.get("text"), langs))
                if h.get("deepZoom"):
                    href = html.escape(f"../{image_link(h['deepZoom'])}")
                    label = html.escape(image_titles.get(h["deepZoom"], h["deepZoom"]))
                    text += f'{"<br>" if text else ""}<a href="{href}">{label}</a>'
                infos.append(
                    {
                        "yaw": at["yaw"],
                        "pitch": at["pitch"],
                        "title": html.escape(_first(h.get("title"), langs)),
                        "text": text,
                        "vtour": h,
                    }
                )
        scenes.append(
            {
                "id": s["id"],
                "name": html.escape(_first(s["title"], langs, s["id"])),
                "levels": p["levels"],
                "faceSize": p["faceSize"],
                "initialViewParameters": to_marzipano_view(**s["view"]),
                "linkHotspots": links,
                "infoHotspots": infos,
                "tiles": peer_tiles(p),
                "preview": peer_preview(p),
                "vtour": {"title": s["title"]},
            }
        )
    return {
        "scenes": scenes,
        "name": html.escape(_first(doc["title"], langs, doc["id"])),
        "settings": {
            "mouseViewMode": "drag",
            "autorotateEnabled": False,
            "fullscreenButton": True,
            "viewControlButtons": True,
        },
        "vtour": {"id": doc["id"], "title": doc["title"], "languages": langs, "start": doc["start"]},
    }


def pannellum_config(doc: dict) -> dict:
    """A Pannellum tour config (``default`` + ``scenes``) for a tour.json document."""
    langs = doc["languages"]
    titles = {s["id"]: _first(s["title"], langs, s["id"]) for s in doc["scenes"]}
    scenes = {}
    for s in doc["scenes"]:
        p = s["panorama"]
        block = peer_blocks(p["faceSize"], p["levels"], p["coverage"], base_path=p["path"], tiles=peer_tiles(p))[
            "pannellum"
        ]
        spots = []
        for h in s["hotspots"]:
            spot = {"type": "scene" if h["type"] == "link" else "info", "yaw": h["yaw"], "pitch": h["pitch"]}
            title, text = _first(h.get("title"), langs), _first(h.get("text"), langs)
            if h["type"] == "link":
                spot.update(sceneId=h["target"], text=title or titles.get(h["target"], h["target"]))
            else:
                spot["text"] = f"{title}: {text}" if title and text else title or text
                if h.get("url"):
                    spot["URL"] = h["url"]
                elif h.get("deepZoom"):
                    spot["URL"] = image_link(h["deepZoom"])
            spot["vtour"] = h
            spots.append(spot)
        view = to_pannellum_view(**s["view"])
        scenes[s["id"]] = {
            "title": titles[s["id"]],
            "type": "multires",
            **block,
            **view,
            "northOffset": s["northOffset"],
            "hotSpots": spots,
            "vtour": {"title": s["title"]},
        }
    # escapeHTML (read by Pannellum from the config's top level only): titles and hotspot texts are
    # plain text, which Pannellum would otherwise insert as HTML (its standalone viewer always escapes)
    return {
        "default": {
            "firstScene": doc["start"],
            "title": _first(doc["title"], langs, doc["id"]),
            "sceneFadeDuration": 1000,
            "autoLoad": True,
        },
        "escapeHTML": True,
        "scenes": scenes,
        "vtour": {"id": doc["id"], "title": doc["title"], "languages": langs},
    }


def write_peers(doc: dict, folder: Path) -> None:
    """Write ``marzipano/data.js`` and ``pannellum.json`` into a tour folder, and the JPEG tiles
    they read where vtour's own will not do (:func:`write_peer_tiles`)."""
    for s in doc["scenes"]:
        write_peer_tiles(s["panorama"], folder)
    (folder / MARZIPANO_DATA).parent.mkdir(exist_ok=True)
    body = json.dumps(marzipano_data(doc), indent=1, ensure_ascii=False, allow_nan=False)
    (folder / MARZIPANO_DATA).write_text(f"var APP_DATA = {body};\n", encoding="utf-8")
    (folder / PANNELLUM_CONFIG).write_text(
        json.dumps(pannellum_config(doc), indent=1, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8"
    )
