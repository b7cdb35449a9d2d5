"""The tour for Marzipano and Pannellum, over the same tiles; and their tours imported into a tour.yaml.

Export (from tour.json, so both peers see exactly what vtour's viewer sees):

- ``marzipano/data.js``: ``var APP_DATA = {...};`` as the Marzipano Tool writes it (radians, pitch
  positive down, vertical fov; ``levels``/``faceSize`` of each scene), plus ``tiles``/``preview``
  URL templates relative to the tour folder (the Tool's index.js builds ``tiles/<id>/...`` itself:
  point it at ``scene.tiles``). Marzipano inserts hotspot titles and texts as HTML, so they are
  HTML-escaped here.
- ``pannellum.json``: a Pannellum tour config (``default.firstScene``, ``scenes.<id>`` of
  ``type: "multires"`` whose ``basePath`` is ``scenes/<id>``, relative to the tour folder; with
  512 px tiles Marzipano's z and Pannellum's level coincide, see vtour.conventions). Texts are plain
  text: top-level ``escapeHTML: true`` makes Pannellum show them as text, not HTML.

Every exported hotspot and scene also carries a ``vtour`` block (ignored by the peers) with its
id, type and multilingual texts, so export-then-import loses nothing; angles always come from the
peer's own fields through :mod:`vtour.conventions`.

Import (``import_config``): a Marzipano ``data.js`` (the JS object literal after ``var X =``) or a
Pannellum config (one scene or a tour; equirectangular, cubemap or multires scenes; a UTF-8 BOM is
fine) -> tour.yaml, with the panorama images copied (or cube faces assembled from the top tile
level) under ``panoramas/`` next to it. Marzipano texts are HTML and become plain text (tags
removed, entities decoded), with a warning.
"""

from __future__ import annotations

import html
import json
import math
import re
import shutil
import warnings
from pathlib import Path

from vtour.conventions import (from_marzipano_view, from_pannellum_view, to_marzipano_view,
                               to_pannellum_view)
from vtour.errors import VtourError, VtourWarning

PANNELLUM_FACE_ORDER = "frblud"  # the cubeMap list order


def _first(texts, languages, fallback="") -> str:
    if not texts:
        return fallback
    return texts.get(languages[0]) or next(iter(texts.values()), fallback)


# ---------------------------------------------------------------------------------------------
# export


def marzipano_data(doc: dict) -> dict:
    """APP_DATA of Marzipano's data.js for a tour.json document."""
    langs = doc["languages"]
    scenes = []
    for s in doc["scenes"]:
        p = s["panorama"]
        links, infos = [], []
        for h in s["hotspots"]:
            at = to_marzipano_view(h["yaw"], h["pitch"], 90)
            if h["type"] == "link":
                links.append({"yaw": at["yaw"], "pitch": at["pitch"], "rotation": 0, "target": h["target"],
                              "vtour": h})
            else:
                infos.append({"yaw": at["yaw"], "pitch": at["pitch"],
                              "title": html.escape(_first(h.get("title"), langs)),
                              "text": html.escape(_first(h.get("text"), langs)), "vtour": h})
        scenes.append({"id": s["id"], "name": _first(s["title"], langs, s["id"]), "levels": p["levels"],
                       "faceSize": p["faceSize"], "initialViewParameters": to_marzipano_view(**s["view"]),
                       "linkHotspots": links, "infoHotspots": infos, "tiles": p["tiles"],
                       "preview": p["preview"], "vtour": {"title": s["title"]}})
    return {"scenes": scenes, "name": _first(doc["title"], langs, doc["id"]),
            "settings": {"mouseViewMode": "drag", "autorotateEnabled": False, "fullscreenButton": True,
                         "viewControlButtons": True},
            "vtour": {"id": doc["id"], "title": doc["title"], "languages": langs, "start": doc["start"]}}


def pannellum_config(doc: dict) -> dict:
    """A Pannellum tour config (``default`` + ``scenes``) for a tour.json document."""
    from vtour.coverage import Coverage
    from vtour.pano import peer_blocks
    from vtour.tiles import Level

    langs = doc["languages"]
    titles = {s["id"]: _first(s["title"], langs, s["id"]) for s in doc["scenes"]}
    scenes = {}
    for s in doc["scenes"]:
        p = s["panorama"]
        levels = tuple(Level(lv["size"], lv["tileSize"], lv.get("fallbackOnly", False)) for lv in p["levels"])
        block = peer_blocks(p["faceSize"], levels, Coverage.from_json(p["coverage"]))["pannellum"]
        block["multiRes"]["basePath"] = p["path"]
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
            spot["vtour"] = h
            spots.append(spot)
        view = to_pannellum_view(**s["view"])
        scenes[s["id"]] = {"title": titles[s["id"]], "type": "multires", **block, **view,
                           "northOffset": s["northOffset"], "hotSpots": spots, "vtour": {"title": s["title"]}}
    # escapeHTML (read by Pannellum from the config's top level only): titles and hotspot texts are
    # plain text, which Pannellum would otherwise insert as HTML (its standalone viewer always escapes)
    return {"default": {"firstScene": doc["start"], "title": _first(doc["title"], langs, doc["id"]),
                        "sceneFadeDuration": 1000, "autoLoad": True},
            "escapeHTML": True,
            "scenes": scenes, "vtour": {"id": doc["id"], "title": doc["title"], "languages": langs}}


def write_peers(doc: dict, folder: Path) -> None:
    """Write ``marzipano/data.js`` and ``pannellum.json`` into a tour folder."""
    (folder / "marzipano").mkdir(exist_ok=True)
    body = json.dumps(marzipano_data(doc), indent=1, ensure_ascii=False, allow_nan=False)
    (folder / "marzipano" / "data.js").write_text(f"var APP_DATA = {body};\n", encoding="utf-8")
    (folder / "pannellum.json").write_text(
        json.dumps(pannellum_config(doc), indent=1, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# reading the peers' configs


def parse_js_object(text: str, path="data.js") -> dict:
    """The object literal of a ``var NAME = {...};`` script (JSON, or JS with bare keys and
    trailing commas)."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"^\s*//.*$", "", text, flags=re.M)
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise VtourError("import", "no object literal found", path=path,
                         fix="pass a Marzipano data.js (var APP_DATA = {...};)")
    body = text[start:end + 1]
    try:
        return json.loads(body)
    except json.JSONDecodeError:
        pass
    loose = re.sub(r"([{,]\s*)([A-Za-z_$][\w$]*)\s*:", r'\1"\2":', body)   # bare keys
    loose = re.sub(r",(\s*[}\]])", r"\1", loose)                              # trailing commas
    loose = re.sub(r"'((?:[^'\\]|\\.)*)'", lambda m: json.dumps(m.group(1)), loose)
    try:
        return json.loads(loose)
    except json.JSONDecodeError as exc:
        raise VtourError("import", f"cannot read the object literal ({exc})", path=path,
                         fix="make data.js plain JSON after 'var APP_DATA ='") from None


def html_to_text(value: str) -> str:
    """Marzipano's HTML title or text as plain text: tags removed, <br>/<p> as newlines."""
    value = re.sub(r"(?i)<br\s*/?>|</p\s*>", "\n", value)
    value = re.sub(r"<[^>]*>", "", value)
    return html.unescape(value).strip()


def _safe_id(value: str) -> str:
    out = re.sub(r"[^A-Za-z0-9_.-]+", "-", str(value)).strip("-.") or "scene"
    return out[:64]


class _Importer:
    def __init__(self, config: Path, out_yaml: Path, language: str):
        self.config, self.src = config, config.parent
        self.dest = out_yaml.parent
        self.language = language
        self.notes: list[str] = []
        self.html_texts = self.html_changed = 0
        self.tour_root = self.src  # the exported tour's folder, for its images

    def text(self, value, from_html=False):
        if value is None or value == "":
            return None
        value = str(value)
        if from_html:
            plain = html_to_text(value)
            self.html_texts += 1
            self.html_changed += plain != value
            value = plain
        return value

    def copy(self, src: Path, rel: str) -> str:
        if src.is_file():
            (self.dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, self.dest / rel)
        else:
            self.notes.append(f"{src} not found; put it at {rel} (tour.yaml names it)")
        return rel

    def faces_from_tiles(self, scene_id, tile_of, n_tiles, tile_size, face_size) -> dict:
        """Assemble six faces from the top level's tiles; ``tile_of(face, y, x)`` -> Path."""
        import numpy as np

        from vtour.imageio import read_image, to_uint8, write_image

        rels = {c: f"panoramas/{scene_id}/{c}.jpg" for c in PANNELLUM_FACE_ORDER}
        if not tile_of("f", 0, 0).is_file():
            self.notes.append(f"scene {scene_id}: tiles not found (looked for {tile_of('f', 0, 0)}); "
                              f"put its cube faces at panoramas/{scene_id}/f.jpg ... d.jpg")
            return rels
        for c in PANNELLUM_FACE_ORDER:
            face = np.zeros((face_size, face_size, 3), np.uint8)
            for y in range(n_tiles):
                for x in range(n_tiles):
                    tile = to_uint8(read_image(tile_of(c, y, x), step="import"))[..., :3]
                    y0, x0 = y * tile_size, x * tile_size
                    h, w = min(tile.shape[0], face_size - y0), min(tile.shape[1], face_size - x0)
                    face[y0:y0 + h, x0:x0 + w] = tile[:h, :w]
            (self.dest / rels[c]).parent.mkdir(parents=True, exist_ok=True)
            write_image(self.dest / rels[c], face, quality=95)
        return rels

    def hotspot(self, spot_vtour: dict | None, base: dict) -> dict:
        """A tour.yaml hotspot: the peer's angles, with the vtour block's fields when present."""
        if spot_vtour:
            out = {k: spot_vtour[k] for k in ("id", "type", "target", "title", "text", "url")
                   if spot_vtour.get(k) is not None}
            if spot_vtour.get("image"):
                out["image"] = self.copy(self.tour_root / spot_vtour["image"], spot_vtour["image"])
            base = {k: v for k, v in base.items() if k in ("yaw", "pitch")}
            return {**out, **base}
        return {k: v for k, v in base.items() if v is not None}


def _marzipano(imp: _Importer, data: dict) -> dict:
    meta = data.get("vtour") or {}
    imp.tour_root = imp.src.parent if imp.src.name == "marzipano" else imp.src
    scenes = []
    for s in data.get("scenes", []):
        sid = _safe_id(s.get("id", f"scene{len(scenes)}"))
        levels = s.get("levels") or [{"tileSize": 512, "size": s.get("faceSize", 512)}]
        top = max(range(len(levels)), key=lambda z: levels[z]["size"])
        size, tile = levels[top]["size"], levels[top]["tileSize"]
        roots = [imp.src / "tiles" / s.get("id", sid), imp.tour_root / "scenes" / s.get("id", sid)]
        root = next((r for r in roots if (r / str(top)).is_dir()), roots[0])
        faces = imp.faces_from_tiles(sid, lambda f, y, x: root / str(top) / f / str(y) / f"{x}.jpg",
                                     math.ceil(size / tile), tile, size)
        hotspots = []
        for h in s.get("linkHotspots", []):
            at = from_marzipano_view({"yaw": h.get("yaw", 0.0), "pitch": h.get("pitch", 0.0)})
            hotspots.append(imp.hotspot(h.get("vtour"), {"type": "link", "yaw": at["yaw"],
                                                         "pitch": at["pitch"], "target": h.get("target")}))
        for h in s.get("infoHotspots", []):
            at = from_marzipano_view({"yaw": h.get("yaw", 0.0), "pitch": h.get("pitch", 0.0)})
            base = {"type": "info", "yaw": at["yaw"], "pitch": at["pitch"]}
            if not h.get("vtour"):  # texts only from HTML when no exact copy came along
                base.update(title=imp.text(h.get("title"), True), text=imp.text(h.get("text"), True))
            hotspots.append(imp.hotspot(h.get("vtour"), base))
        view = from_marzipano_view(s.get("initialViewParameters") or {})
        title = (s.get("vtour") or {}).get("title") or imp.text(s.get("name"), True) or sid
        scenes.append({"id": sid, "title": title, "panorama": faces, "view": view, "hotspots": hotspots})
    title = meta.get("title") or imp.text(data.get("name"), True) or imp.config.stem
    return {"id": meta.get("id") or _safe_id(data.get("name") or imp.config.parent.name),
            "title": title, "languages": meta.get("languages") or [imp.language],
            "start": meta.get("start") or (scenes[0]["id"] if scenes else None), "scenes": scenes}


def _pannellum_scene(imp: _Importer, sid: str, cfg: dict) -> dict:
    base = imp.src / str(cfg.get("basePath", "")).lstrip("/") if cfg.get("basePath") else imp.src
    kind = cfg.get("type", "equirectangular")
    if kind == "cubemap":
        faces = cfg.get("cubeMap") or []
        if len(faces) != 6:
            raise VtourError("import", f"scene {sid}: cubeMap lists {len(faces)} files, not 6", path=imp.config)
        panorama = {c: imp.copy(base / f, f"panoramas/{sid}/{c}{Path(f).suffix.lower() or '.jpg'}")
                    for c, f in zip(PANNELLUM_FACE_ORDER, faces)}
    elif kind == "multires":
        m = cfg.get("multiRes") or {}
        root = imp.src / str(m.get("basePath", ".")).lstrip("/")
        size, tile, top = int(m.get("cubeResolution", 0)), int(m.get("tileResolution", 512)), int(m.get("maxLevel", 1))
        ext, pattern = m.get("extension", "jpg"), str(m.get("path", "/%l/%s/%y/%x"))

        def tile_of(f, y, x):
            rel = (pattern.replace("%l", str(top)).replace("%s", f).replace("%y", str(y))
                   .replace("%x", str(x))).lstrip("/")
            return root / f"{rel}.{ext}"

        panorama = imp.faces_from_tiles(sid, tile_of, math.ceil(size / tile), tile, size)
    elif kind == "equirectangular":
        src = str(cfg.get("panorama", ""))
        panorama = imp.copy(base / src, f"panoramas/{sid}{Path(src).suffix.lower() or '.jpg'}")
    else:
        raise VtourError("import", f"scene {sid}: panorama type {kind!r} is not supported", path=imp.config,
                         fix="use equirectangular, cubemap or multires")
    hotspots = []
    for h in cfg.get("hotSpots") or []:
        at = from_pannellum_view({"yaw": h.get("yaw", 0.0), "pitch": h.get("pitch", 0.0)})
        if h.get("type") == "scene":
            base_spot = {"type": "link", "yaw": at["yaw"], "pitch": at["pitch"],
                         "target": _safe_id(h.get("sceneId", "")), "title": imp.text(h.get("text"))}
        else:
            base_spot = {"type": "info", "yaw": at["yaw"], "pitch": at["pitch"], "text": imp.text(h.get("text")),
                         "url": h.get("URL")}
        hotspots.append(imp.hotspot(h.get("vtour"), base_spot))
    out = {"id": sid, "title": (cfg.get("vtour") or {}).get("title") or imp.text(cfg.get("title")) or sid,
           "panorama": panorama, "view": from_pannellum_view(cfg)}
    if cfg.get("northOffset"):
        out["north_offset"] = float(cfg["northOffset"])
    out["hotspots"] = hotspots
    return out


def _pannellum(imp: _Importer, data: dict) -> dict:
    imp.tour_root = imp.src
    meta = data.get("vtour") or {}
    default = dict(data.get("default") or {})
    if "scenes" in data:
        configs = data["scenes"]
    else:
        configs, default = {_safe_id(imp.config.stem): data}, {}
    first = default.pop("firstScene", None)
    scenes = [_pannellum_scene(imp, _safe_id(sid), {**default, **cfg}) for sid, cfg in configs.items()]
    if scenes:  # Pannellum takes the tour title from the first scene when default has none
        title = meta.get("title") or imp.text(default.get("title")) or scenes[0]["title"]
    else:
        title = imp.config.stem
    return {"id": meta.get("id") or _safe_id(imp.config.stem), "title": title,
            "languages": meta.get("languages") or [imp.language],
            "start": _safe_id(first) if first else (scenes[0]["id"] if scenes else None), "scenes": scenes}


def read_peer_config(config: str | Path, out_yaml: str | Path, language: str = "en") -> dict:
    """The tour.yaml content of a Marzipano data.js or Pannellum config (copying its images)."""
    config, out_yaml = Path(config), Path(out_yaml)
    try:
        text = config.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise VtourError("import", "config not found", path=config, fix="check the path") from None
    imp = _Importer(config, out_yaml, language)
    if config.suffix.lower() == ".js" or re.match(r"\s*(/\*|//|var |let |const |window\.)", text):
        data = _marzipano(imp, parse_js_object(text, config))
        peer = "Marzipano"
    else:
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise VtourError("import", f"not a Marzipano data.js nor a Pannellum JSON config ({exc})",
                             path=config) from None
        data, peer = _pannellum(imp, raw), "Pannellum"
    if imp.html_texts:
        imp.notes.append(f"Marzipano shows titles and texts as HTML; {imp.html_texts} were read as plain "
                         f"text (tags removed, entities decoded; {imp.html_changed} changed): check them "
                         "in tour.yaml")
    for note in imp.notes:
        warnings.warn(f"import {peer}: {note}", VtourWarning, stacklevel=2)
    return data


def import_config(config: str | Path, out_yaml: str | Path, language: str = "en") -> Path:
    """Write ``out_yaml`` (and its panoramas/) from a Marzipano or Pannellum tour config."""
    import yaml

    out_yaml = Path(out_yaml)
    out_yaml.parent.mkdir(parents=True, exist_ok=True)
    data = read_peer_config(config, out_yaml, language)
    from vtour.output import write_bytes_atomic

    header = f"# imported by vtour from {Path(config).name}; fields: docs/tour-yaml.md\n"
    write_bytes_atomic(out_yaml, (header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False,
                                                          width=100)).encode("utf-8"))
    return out_yaml
