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
import urllib.parse
from pathlib import Path

from vtour.conventions import to_marzipano_view, to_pannellum_view
from vtour.pano.manifest import peer_blocks
from vtour.tour.layout import INDEX_HTML, MARZIPANO_DATA, PANNELLUM_CONFIG


def image_link(image_id: str) -> str:
    """vtour's viewer opening deep-zoom image ``image_id``, relative to the tour folder."""
    return f"{INDEX_HTML}#image={urllib.parse.quote(image_id)}"


def _first(texts, languages, fallback="") -> str:
    if not texts:
        return fallback
    return texts.get(languages[0]) or next(iter(texts.values()), fallback)


# ---------------------------------------------------------------------------------------------
# export


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
                "tiles": p["tiles"],
                "preview": p["preview"],
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
        block = peer_blocks(p["faceSize"], p["levels"], p["coverage"], base_path=p["path"])["pannellum"]
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
    """Write ``marzipano/data.js`` and ``pannellum.json`` into a tour folder."""
    (folder / MARZIPANO_DATA).parent.mkdir(exist_ok=True)
    body = json.dumps(marzipano_data(doc), indent=1, ensure_ascii=False, allow_nan=False)
    (folder / MARZIPANO_DATA).write_text(f"var APP_DATA = {body};\n", encoding="utf-8")
    (folder / PANNELLUM_CONFIG).write_text(
        json.dumps(pannellum_config(doc), indent=1, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8"
    )
