"""Marzipano and Pannellum tours imported into a tour.yaml (the export is :mod:`vtour.tour.peers`).

Import (``import_config``): a Marzipano ``data.js`` (the JS object literal after ``var X =``) or a
Pannellum config (one scene or a tour; equirectangular, cubemap or multires scenes; a UTF-8 BOM is
fine) -> tour.yaml, with the panorama images copied (or cube faces assembled from the top tile
level) under ``panoramas/`` next to it. Marzipano texts and names are HTML and become plain text
(tags removed, entities decoded), with a warning.

The config is untrusted input: its shape is checked (a :class:`VtourError` names the file, the field,
the value and a fix; never another exception), every file it names is read only from inside its own
folder (the exported tour's folder for a ``marzipano/data.js``; links resolved, URLs left for the user
with a warning), and every file written stays inside the output folder (a hotspot ``image`` that would
leave it is refused). The output appears complete or not at all: the images and the tour.yaml are
staged in a temporary folder next to it and moved in once every check has passed; the import
replaces an existing file that differs (a hand-written tour.yaml, a capture of the same name under
``panoramas/``) only with ``force``, and otherwise refuses, naming every such file. Scene ids that read
the same once made safe (``"a b"``, ``"a-b"``) are made unique (``a-b``, ``a-b-2``), links following.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import shutil
import warnings
from pathlib import Path, PurePosixPath
from typing import NoReturn

import numpy as np
import yaml

from vtour.conventions import PANNELLUM_CUBE_ORDER, from_marzipano_view, from_pannellum_view
from vtour.errors import VtourError, VtourWarning
from vtour.images import read_image, to_uint8, write_image
from vtour.output import is_within, merge_staged, staging
from vtour.tour.document import read_json
from vtour.tour.layout import MARZIPANO_DATA, scene_dir
from vtour.tour.validate import path_escape

# ---------------------------------------------------------------------------------------------
# reading the peers' configs


_FIX_DEEP = "pass a Marzipano data.js or a Pannellum config as the peer writes it"


def _read_json(text: str, path, fix: str = _FIX_DEEP):
    """``json.loads(text)`` refusing lists and objects nested more than
    :data:`vtour.tour.document.MAX_DEPTH` deep (the peers' own configs need 6) in a VtourError;
    text that is not JSON raises a ValueError (json.JSONDecodeError, or a number too long to read)."""
    return read_json(text, path, fix, step="import", too_deep="lists and objects nest more than {max_depth} deep")


def parse_js_object(text: str, path="data.js") -> dict:
    """The object literal of a ``var NAME = {...};`` script (JSON, or JS with bare keys and
    trailing commas), nesting at most :data:`vtour.tour.document.MAX_DEPTH` deep."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"^\s*//.*$", "", text, flags=re.M)
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise VtourError(
            "import", "no object literal found", path=path, fix="pass a Marzipano data.js (var APP_DATA = {...};)"
        )
    body = text[start : end + 1]
    as_written = "pass a Marzipano data.js as the Marzipano Tool writes it"
    try:
        return _read_json(body, path, as_written)
    except json.JSONDecodeError:
        pass
    except ValueError as exc:
        raise VtourError("import", str(exc), path=path, fix=as_written) from None
    loose = re.sub(r"([{,]\s*)([A-Za-z_$][\w$]*)\s*:", r'\1"\2":', body)  # bare keys
    loose = re.sub(r",(\s*[}\]])", r"\1", loose)  # trailing commas
    loose = re.sub(r"'((?:[^'\\]|\\.)*)'", lambda m: json.dumps(m.group(1)), loose)
    try:
        return _read_json(loose, path, as_written)
    except ValueError as exc:  # JSONDecodeError included
        raise VtourError(
            "import",
            f"cannot read the object literal ({exc})",
            path=path,
            fix="make data.js plain JSON after 'var APP_DATA ='",
        ) from None


def html_to_text(value: str) -> str:
    """Marzipano's HTML title or text as plain text: tags removed, <br>/<p> as newlines."""
    value = re.sub(r"(?i)<br\s*/?>|</p\s*>", "\n", value)
    value = re.sub(r"<[^>]*>", "", value)
    return html.unescape(value).strip()


def _safe_id(value) -> str:
    out = re.sub(r"[^A-Za-z0-9_.-]+", "-", str(value)).strip("-.") or "scene"
    return out[:64]


def _unique_ids(raw_ids: list[str], notes: list[str]) -> tuple[list[str], dict[str, str]]:
    """Each scene's tour.yaml id (:func:`_safe_id`, made unique with ``-2``, ``-3``... where two
    read the same: ``"a b"`` and ``"a-b"``), in order, and the first one of each peer id (for links)."""
    ids: list[str] = []
    first: dict[str, str] = {}
    for raw in raw_ids:
        base = sid = _safe_id(raw)
        n = 2
        while sid in ids:
            sid = f"{base[:60]}-{n}"
            n += 1
        if sid != base:
            notes.append(
                f"scene {raw!r} is imported as {sid!r}: {base!r}, the id it would read as, "
                "is another scene's; links to it follow"
            )
        ids.append(sid)
        first.setdefault(raw, sid)
    return ids, first


#: the largest cube face assembled from tiles: its pixels within read_image's limit (1 << 30)
MAX_ASSEMBLED_FACE = 1 << 15
_MISSING = object()
_FIX_SHAPE = "write it as the peer's format has it (the Marzipano Tool's data.js, Pannellum's JSON config)"


def _at(where: str, key) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else str(key)


def _kind(value) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__
    )


def _is_url(value: str) -> bool:
    why = path_escape(value)
    return bool(why) and why == path_escape("a://")


class _Importer:
    """Reads one peer config. Source files are read only from inside ``tour_root`` (the config's folder,
    or the exported tour's folder for its ``marzipano/data.js``); everything is written into ``stage``."""

    def __init__(self, config: Path, stage: Path, language: str):
        self.config, self.src = config, config.parent
        self.stage = stage
        self.language = language
        self.notes: list[str] = []
        self.html_texts = self.html_changed = 0
        self.tour_root = self.src  # the exported tour's folder, for its images

    # -- shapes ---------------------------------------------------------------------------------

    def fail(self, field: str, value, message: str, fix: str = _FIX_SHAPE) -> NoReturn:
        field = field or "(top level)"
        raise VtourError("import", message, path=self.config, field=field, value=value, fix=fix)

    def obj(self, value, field: str) -> dict:
        """``value`` when it is an object; null or missing -> {}."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(field, value, f"must be an object ({{...}}), not {_kind(value)}")
        return value

    def objs(self, value, field: str) -> list[dict]:
        """``value`` when it is a list of objects; null or missing -> []."""
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(field, value, f"must be a list ([...]), not {_kind(value)}")
        return [self.obj(v, _at(field, i)) or {} for i, v in enumerate(value)]

    def string(self, value, field: str, default: str = "") -> str:
        if value is None:
            return default
        if not isinstance(value, str):
            self.fail(field, value, f"must be a string, not {_kind(value)}")
        return value

    def number(self, cfg: dict, key: str, where: str, default=_MISSING) -> float:
        value = cfg.get(key)
        if value is None:
            if default is _MISSING:
                self.fail(_at(where, key), None, "is missing", "give it (a number)")
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            what = value if isinstance(value, float) and not isinstance(value, bool) else _kind(value)
            self.fail(
                _at(where, key),
                value,
                f"must be a finite number, not {what}",
                f"give {_at(where, key)} as a number (degrees for angles)",
            )
        return float(value)

    def whole(self, cfg: dict, key: str, where: str, default=_MISSING, hi: int | None = None) -> int:
        """A positive integer (at most ``hi``)."""
        field = _at(where, key)
        value = cfg.get(key)
        if value is None:
            if default is _MISSING:
                self.fail(field, None, "is missing", f"give {field} (a positive integer, in pixels)")
            return default
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
            or value != int(value)
            or value < 1
        ):
            self.fail(field, value, "must be a positive integer", f"give {field} as e.g. 512")
        if hi is not None and value > hi:
            self.fail(
                field,
                value,
                f"is larger than the {hi} px vtour assembles",
                "import a smaller level (or split the panorama)",
            )
        return int(value)

    def angles(self, cfg: dict, where: str, keys) -> dict:
        """The present ones of ``keys`` of ``cfg``, each a finite number."""
        return {k: self.number(cfg, k, where) for k in keys if cfg.get(k) is not None}

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

    # -- files ----------------------------------------------------------------------------------

    def source(self, path: Path, field: str, value) -> Path:
        """``path`` when it (links resolved) lies inside the folder the config's files may come from."""
        root = self.tour_root.resolve()
        try:
            real = path.resolve()
        except (OSError, RuntimeError) as exc:
            self.fail(field, value, f"cannot resolve {path} ({exc})", "fix the link or name another file")
        if not is_within(real, root):
            self.fail(
                field,
                value,
                f"{path} is outside the config's folder {root}"
                + (f" (a link to {real})" if real != Path(os.path.abspath(path)) else ""),
                "keep the files the config names in its folder (or below) and name them by "
                "relative paths; vtour import reads nothing else",
            )
        return path

    def destination(self, rel: str, field: str, value) -> str:
        """``rel`` when it names a file inside the output folder."""
        why = path_escape(rel) if rel and rel.strip() not in (".", "") else "is empty"
        if why:
            self.fail(
                field,
                value,
                f"{rel!r} {why}: vtour import writes only inside the output folder",
                "name a file inside the tour folder, e.g. images/<name>",
            )
        return os.path.normpath(rel.replace("\\", "/")).replace("\\", "/")

    def copy(self, src: Path | None, rel: str, field: str, value) -> str:
        """Copy ``src`` (inside tour_root) to ``rel`` (inside the output folder); a note when it is missing."""
        rel = self.destination(rel, field, value)
        if src is None or not value:
            self.notes.append(f"{field} names no local file ({value!r}); put the image at {rel} (tour.yaml names it)")
            return rel
        if isinstance(value, str) and _is_url(value):
            self.notes.append(f"{field} is a URL ({value}); download it to {rel} (tour.yaml names it)")
            return rel
        self.source(src, field, value)
        if not src.is_file():
            self.notes.append(f"{src} not found; put it at {rel} (tour.yaml names it)")
            return rel
        target = self.stage / rel
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)
        except OSError as exc:
            self.fail(field, value, f"cannot copy {src} ({exc.strerror or exc})", "check the file's permissions")
        return rel

    def faces_from_tiles(self, scene_id, tile_of, n_tiles, tile_size, face_size, field, value) -> dict:
        """Assemble six faces from the top level's tiles; ``tile_of(face, y, x)`` -> Path."""
        rels = _face_rels(scene_id)
        first = self.source(tile_of("f", 0, 0), field, value)
        if not first.is_file():
            self.notes.append(
                f"scene {scene_id}: tiles not found (looked for {first}); "
                f"put its cube faces at panoramas/{scene_id}/f.jpg ... d.jpg"
            )
            return rels
        for c in PANNELLUM_CUBE_ORDER:
            face = np.zeros((face_size, face_size, 3), np.uint8)
            for y in range(n_tiles):
                for x in range(n_tiles):
                    path = self.source(tile_of(c, y, x), field, value)
                    tile = to_uint8(read_image(path, step="import"))[..., :3]
                    y0, x0 = y * tile_size, x * tile_size
                    h, w = min(tile.shape[0], face_size - y0), min(tile.shape[1], face_size - x0)
                    face[y0 : y0 + h, x0 : x0 + w] = tile[:h, :w]
            (self.stage / rels[c]).parent.mkdir(parents=True, exist_ok=True)
            write_image(self.stage / rels[c], face, quality=95)
        return rels

    def hotspot(self, spot_vtour, base: dict, where: str) -> dict:
        """A tour.yaml hotspot: the peer's angles, with the vtour block's fields when present."""
        spot_vtour = self.obj(spot_vtour, _at(where, "vtour"))
        if spot_vtour:
            out = {
                k: spot_vtour[k]
                for k in ("id", "type", "target", "title", "text", "url")
                if spot_vtour.get(k) is not None
            }
            field = _at(where, "vtour.image")
            image = self.string(spot_vtour.get("image"), field)
            if image:
                out["image"] = self.copy(self.tour_root / image, image, field, image)
            base = {k: v for k, v in base.items() if k in ("yaw", "pitch")}
            return {**out, **base}
        return {k: v for k, v in base.items() if v is not None}


def _face_rels(scene_id: str) -> dict:
    return {c: f"panoramas/{scene_id}/{c}.jpg" for c in PANNELLUM_CUBE_ORDER}


def _marzipano(imp: _Importer, data) -> dict:
    data = imp.obj(data, "")
    meta = imp.obj(data.get("vtour"), "vtour")
    # a data.js in a vtour tour's marzipano/ names files relative to the tour folder
    exported = imp.src.name == PurePosixPath(MARZIPANO_DATA).parent.name
    imp.tour_root = imp.src.parent if exported else imp.src
    configs = imp.objs(data.get("scenes"), "scenes")
    raw_ids = []
    for i, s in enumerate(configs):
        raw_id = s.get("id", f"scene{i}")
        if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)) or str(raw_id) == "":
            imp.fail(
                _at(f"scenes[{i}]", "id"), raw_id, "must be a non-empty string", 'give the scene an id, e.g. "hall"'
            )
        raw_ids.append(str(raw_id))
    ids, by_raw = _unique_ids(raw_ids, imp.notes)
    scenes = []
    for i, (s, raw_id, sid) in enumerate(zip(configs, raw_ids, ids)):
        where = f"scenes[{i}]"
        levels = imp.objs(s.get("levels"), _at(where, "levels"))
        if levels:
            sizes = [
                (
                    imp.whole(lv, "size", _at(_at(where, "levels"), z), hi=MAX_ASSEMBLED_FACE),
                    imp.whole(lv, "tileSize", _at(_at(where, "levels"), z)),
                )
                for z, lv in enumerate(levels)
            ]
        else:
            sizes = [(imp.whole(s, "faceSize", where, default=512, hi=MAX_ASSEMBLED_FACE), 512)]
        top = max(range(len(sizes)), key=lambda z: sizes[z][0])
        size, tile = sizes[top]
        roots = [imp.src / "tiles" / raw_id, imp.tour_root / scene_dir(raw_id)]
        root = next((r for r in roots if (r / str(top)).is_dir()), roots[0])
        faces = imp.faces_from_tiles(
            sid,
            lambda f, y, x, level=root / str(top): level / f / str(y) / f"{x}.jpg",
            math.ceil(size / tile),
            tile,
            size,
            _at(where, "id"),
            raw_id,
        )
        hotspots = []
        for j, h in enumerate(imp.objs(s.get("linkHotspots"), _at(where, "linkHotspots"))):
            hw = _at(_at(where, "linkHotspots"), j)
            at = from_marzipano_view(imp.angles(h, hw, ("yaw", "pitch")))
            hotspots.append(
                imp.hotspot(
                    h.get("vtour"),
                    {
                        "type": "link",
                        "yaw": at["yaw"],
                        "pitch": at["pitch"],
                        "target": _target(h.get("target"), by_raw),
                    },
                    hw,
                )
            )
        for j, h in enumerate(imp.objs(s.get("infoHotspots"), _at(where, "infoHotspots"))):
            hw = _at(_at(where, "infoHotspots"), j)
            at = from_marzipano_view(imp.angles(h, hw, ("yaw", "pitch")))
            base = {"type": "info", "yaw": at["yaw"], "pitch": at["pitch"]}
            if not h.get("vtour"):  # texts only from HTML when no exact copy came along
                base.update(title=imp.text(h.get("title"), True), text=imp.text(h.get("text"), True))
            hotspots.append(imp.hotspot(h.get("vtour"), base, hw))
        vw = _at(where, "initialViewParameters")
        view = from_marzipano_view(imp.angles(imp.obj(s.get("initialViewParameters"), vw), vw, ("yaw", "pitch", "fov")))
        # names are HTML (the Tool's tooltips insert them with innerHTML; vtour's export escapes them)
        title = imp.obj(s.get("vtour"), _at(where, "vtour")).get("title") or imp.text(s.get("name"), True) or sid
        scenes.append({"id": sid, "title": title, "panorama": faces, "view": view, "hotspots": hotspots})
    title = meta.get("title") or imp.text(data.get("name"), True) or imp.config.stem
    name = html_to_text(str(data["name"])) if data.get("name") else ""
    return {
        "id": meta.get("id") or _safe_id(name or imp.config.parent.name),
        "title": title,
        "languages": meta.get("languages") or [imp.language],
        "start": meta.get("start") or (scenes[0]["id"] if scenes else None),
        "scenes": scenes,
    }


def _target(raw, by_raw: dict[str, str]):
    """A link's target as the tour.yaml id of the scene it names (unknown ones as read: validate names them)."""
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        return raw
    return by_raw.get(str(raw), _safe_id(raw))


def _local_base(imp: _Importer, value: str, field: str, default: Path) -> Path | None:
    """A Pannellum basePath as a folder inside the config's folder; None (with a note) for a URL."""
    if not value:
        return default
    if _is_url(value):
        imp.notes.append(
            f"{field} is a URL ({value}): download its images next to the config "
            "and import again, or put them where tour.yaml names them"
        )
        return None
    return imp.source(imp.src / value.lstrip("/"), field, value)


def _pannellum_scene(imp: _Importer, sid: str, cfg: dict, where: str, by_raw: dict[str, str]) -> dict:
    base = _local_base(imp, imp.string(cfg.get("basePath"), _at(where, "basePath")), _at(where, "basePath"), imp.src)
    kind = imp.string(cfg.get("type"), _at(where, "type"), "equirectangular")
    if kind == "cubemap":
        field = _at(where, "cubeMap")
        faces = cfg.get("cubeMap")
        if not isinstance(faces, list) or len(faces) != 6:
            imp.fail(
                field,
                faces,
                f"scene {sid}: cubeMap must list 6 files"
                + (f", not {len(faces)}" if isinstance(faces, list) else f", not {_kind(faces)}"),
                "list the front, right, back, left, up and down faces' files",
            )
        faces_rels: dict[str, str] = {}
        for i, (c, f) in enumerate(zip(PANNELLUM_CUBE_ORDER, faces)):
            f = imp.string(f, _at(field, i))
            faces_rels[c] = imp.copy(
                base / f if base else None, f"panoramas/{sid}/{c}{Path(f).suffix.lower() or '.jpg'}", _at(field, i), f
            )
        panorama: dict[str, str] | str = faces_rels
    elif kind == "multires":
        mw = _at(where, "multiRes")
        m = imp.obj(cfg.get("multiRes"), mw)
        root = _local_base(imp, imp.string(m.get("basePath"), _at(mw, "basePath")), _at(mw, "basePath"), imp.src)
        size = imp.whole(m, "cubeResolution", mw, hi=MAX_ASSEMBLED_FACE)
        tile = imp.whole(m, "tileResolution", mw, default=512)
        top = imp.whole(m, "maxLevel", mw, default=1)
        ext = imp.string(m.get("extension"), _at(mw, "extension"), "jpg")
        pattern = imp.string(m.get("path"), _at(mw, "path"), "/%l/%s/%y/%x")

        def tile_of(f, y, x, root: Path):
            rel = pattern.replace("%l", str(top)).replace("%s", f).replace("%y", str(y)).replace("%x", str(x))
            return root / f"{rel.lstrip('/')}.{ext}"

        if root is None:
            panorama = _face_rels(sid)
        else:
            panorama = imp.faces_from_tiles(
                sid,
                lambda f, y, x, root=root: tile_of(f, y, x, root),
                math.ceil(size / tile),
                tile,
                size,
                _at(mw, "path"),
                pattern,
            )
    elif kind == "equirectangular":
        field = _at(where, "panorama")
        src = imp.string(cfg.get("panorama"), field)
        panorama = imp.copy(
            base / src if base and src else None, f"panoramas/{sid}{Path(src).suffix.lower() or '.jpg'}", field, src
        )
    else:
        imp.fail(
            _at(where, "type"),
            kind,
            f"scene {sid}: panorama type {kind!r} is not supported",
            "use equirectangular, cubemap or multires",
        )
    hotspots = []
    for j, h in enumerate(imp.objs(cfg.get("hotSpots"), _at(where, "hotSpots"))):
        hw = _at(_at(where, "hotSpots"), j)
        at = from_pannellum_view(imp.angles(h, hw, ("yaw", "pitch")))
        if h.get("type") == "scene":
            base_spot = {
                "type": "link",
                "yaw": at["yaw"],
                "pitch": at["pitch"],
                "target": _target(h.get("sceneId", ""), by_raw),
                "title": imp.text(h.get("text")),
            }
        else:
            base_spot = {
                "type": "info",
                "yaw": at["yaw"],
                "pitch": at["pitch"],
                "text": imp.text(h.get("text")),
                "url": h.get("URL"),
            }
        hotspots.append(imp.hotspot(h.get("vtour"), base_spot, hw))
    out = {
        "id": sid,
        "title": imp.obj(cfg.get("vtour"), _at(where, "vtour")).get("title") or imp.text(cfg.get("title")) or sid,
        "panorama": panorama,
        "view": from_pannellum_view(imp.angles(cfg, where, ("yaw", "pitch", "hfov"))),
    }
    north = imp.number(cfg, "northOffset", where, 0.0)
    if north:
        out["north_offset"] = north
    out["hotspots"] = hotspots
    return out


def _pannellum(imp: _Importer, data) -> dict:
    data = imp.obj(data, "")
    imp.tour_root = imp.src
    meta = imp.obj(data.get("vtour"), "vtour")
    default = dict(imp.obj(data.get("default"), "default"))
    if "scenes" in data:
        configs = imp.obj(data["scenes"], "scenes")
        places = {sid: _at("scenes", sid) for sid in configs}
    else:
        configs, default = {_safe_id(imp.config.stem): data}, {}
        places = {sid: "" for sid in configs}
    first = default.pop("firstScene", None)
    if first is not None and (isinstance(first, bool) or not isinstance(first, (str, int))):
        imp.fail("default.firstScene", first, "must be a scene id (a string)", "name one of the scenes")
    ids, by_raw = _unique_ids([str(sid) for sid in configs], imp.notes)
    scenes = [
        _pannellum_scene(imp, new_id, {**default, **imp.obj(cfg, places[sid])}, places[sid], by_raw)
        for new_id, (sid, cfg) in zip(ids, configs.items())
    ]
    if scenes:  # Pannellum takes the tour title from the first scene when default has none
        title = meta.get("title") or imp.text(default.get("title")) or scenes[0]["title"]
    else:
        title = imp.config.stem
    return {
        "id": meta.get("id") or _safe_id(imp.config.stem),
        "title": title,
        "languages": meta.get("languages") or [imp.language],
        "start": _target(first, by_raw) if first else (scenes[0]["id"] if scenes else None),
        "scenes": scenes,
    }


def _parse(config: Path, imp: _Importer) -> tuple[dict, str]:
    try:
        text = config.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise VtourError("import", "config not found", path=config, fix="check the path") from None
    except UnicodeDecodeError as exc:
        raise VtourError(
            "import",
            f"config is not UTF-8 text ({exc.reason} at byte {exc.start})",
            path=config,
            fix="pass a Marzipano data.js or a Pannellum JSON config",
        ) from None
    except OSError as exc:
        raise VtourError(
            "import", f"cannot read the config ({exc.strerror or exc})", path=config, fix="pass a readable file"
        ) from None
    if config.suffix.lower() == ".js" or re.match(r"\s*(/\*|//|var |let |const |window\.)", text):
        return _marzipano(imp, parse_js_object(text, config)), "Marzipano"
    try:
        raw = _read_json(text, config)
    except ValueError as exc:  # JSONDecodeError included
        raise VtourError(
            "import",
            f"not a Marzipano data.js nor a Pannellum JSON config ({exc})",
            path=config,
            fix="pass a data.js (var APP_DATA = {...};) or a Pannellum .json (check it with a JSON linter)",
        ) from None
    return _pannellum(imp, raw), "Pannellum"


def _import(config, out_yaml, language: str, header: str | None, force: bool) -> dict:
    """Read ``config`` and write its images (and, with a ``header``, the tour.yaml) next to ``out_yaml``:
    all of it, or nothing (staged in a temporary folder there, moved in once every check passed)."""
    config, out_yaml = Path(config), Path(out_yaml)
    if out_yaml.is_dir():
        raise VtourError("import", "the output is a folder", path=out_yaml, fix="pass -o FOLDER/tour.yaml")
    dest = out_yaml.parent
    with staging(dest, step="import") as stage:
        imp = _Importer(config, stage, language)
        data, peer = _parse(config, imp)
        if header is not None:
            body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
            (stage / out_yaml.name).write_text(header + body, encoding="utf-8")
        # an existing file that differs (a hand-written tour.yaml, a capture) only with force; tour.yaml last
        merge_staged(stage, dest, step="import", force=force, last=out_yaml.name)
    if imp.html_texts:
        imp.notes.append(
            f"Marzipano shows titles and texts as HTML; {imp.html_texts} were read as plain "
            f"text (tags removed, entities decoded; {imp.html_changed} changed): check them "
            "in tour.yaml"
        )
    for note in imp.notes:
        warnings.warn(f"import {peer}: {note}", VtourWarning, stacklevel=3)
    return data


def read_peer_config(config: str | Path, out_yaml: str | Path, language: str = "en", *, force: bool = False) -> dict:
    """The tour.yaml content of a Marzipano data.js or Pannellum config, its images copied next to
    ``out_yaml`` (all or, on a VtourError, none of them; existing files that differ only with ``force``)."""
    return _import(config, out_yaml, language, None, force)


def import_config(config: str | Path, out_yaml: str | Path, language: str = "en", *, force: bool = False) -> Path:
    """Write ``out_yaml`` and its panoramas/ from a Marzipano or Pannellum tour config: all of it, or
    (on a VtourError) nothing. An existing file there that differs from what the import writes (a
    hand-written tour.yaml, a capture of the same name) is refused, naming them all, unless ``force``."""
    out_yaml = Path(out_yaml)
    header = f"# imported by vtour from {Path(config).name}; fields: docs/tour-yaml.md\n"
    _import(config, out_yaml, language, header, force)
    return out_yaml
