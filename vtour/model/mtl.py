"""The files a scan names (an OBJ's material library and maps, a glTF's images and buffers): where
each may come from, what is refused, and the MTL maps trimesh skips.

Every file a scan names (an OBJ's ``mtllib`` and the images its MTL names, a .gltf's ``uri``) is
read from the scan's folder or a folder below it, never from elsewhere: a published .glb must not
carry an image from anywhere else on the machine (an absolute path, ``../``, or a link inside the
folder pointing out), as the tour keeps its asset paths inside its folder. A name is looked up as
trimesh's resolver does: as written, then by its base name in the folder, so ``map_Kd
../textures/wood.jpg`` is found once ``wood.jpg`` is copied beside the OBJ. Links are followed
before the check.

:func:`material_files` (:func:`gltf_files`) is the one parser of those names, with where each is
found: the warnings and the build's cache keys (``vtour.tour.stages.model_dependencies``) both read
it, so the files hashed are the files read. :func:`check_material_files` (:func:`check_gltf_files`)
warns once, before trimesh reads the scan, for each name refused or missing (a .gltf whose JSON is
not shaped as glTF is a VtourError); :func:`folder_resolver` is what trimesh reads an OBJ's
``mtllib`` and ``map_Kd`` (a glTF's ``uri``) through; :func:`extra_maps` reads the maps trimesh
keeps only as text (``norm``, ``map_bump``/``bump``, ``map_Ke``). What is warned about and what is
read follow one rule, :func:`locate`.
"""

from __future__ import annotations

import json
import os
import re
import urllib.parse
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from vtour.errors import VtourError, VtourWarning

STEP = "model"

#: The MTL statements whose images vtour reads (base colour, normal, emissive), as MTL writes them.
MAP_KEYS = ("map_Kd", "norm", "map_bump", "bump", "map_Ke")
_MAP_LINE = re.compile(r"^\s*(map_kd|norm|map_bump|bump|map_ke)\s+(.+?)\s*$", re.IGNORECASE | re.MULTILINE)
#: An OBJ's ``mtllib`` line, in bytes (the OBJ is scanned block by block; a UTF-8 BOM may precede it).
_MTLLIB_LINE = re.compile(rb"^(?:\xef\xbb\xbf)?[ \t]*mtllib[ \t]+([^\r\n]+?)[ \t\r]*$", re.MULTILINE)
#: Bytes of an OBJ scanned at once for ``mtllib`` lines: a 1.5 GB scan needs no more than this.
SCAN_BYTES = 16 << 20


def mtllib_names(obj: Path) -> list[str]:
    """The ``mtllib`` names of an OBJ, in file order, read :data:`SCAN_BYTES` at a time (a line
    cut at a block's end is read whole with the next block). OSError when it cannot be read."""
    names: list[str] = []
    tail = b""
    with open(obj, "rb") as f:
        while True:
            block = f.read(SCAN_BYTES)
            data = tail + block
            if not block:
                if data and b"mtllib" in data:
                    names += [m.decode("utf-8", "replace") for m in _MTLLIB_LINE.findall(data)]
                return names
            cut = data.rfind(b"\n") + 1
            data, tail = data[:cut], data[cut:]
            if b"mtllib" in data:
                names += [m.decode("utf-8", "replace") for m in _MTLLIB_LINE.findall(data)]


def locate(folder: Path, name: str) -> Path | None:
    """The file ``name`` (from an OBJ or MTL) refers to inside ``folder``: as written, else its base
    name in ``folder``; None when neither is a file inside it once links are resolved."""
    root = folder.resolve()
    name = name.strip()
    slashed = name.replace("\\", "/")  # a Windows export writes textures\\wood.jpg
    for candidate in (name, slashed, os.path.basename(slashed)):
        if candidate:
            path = (root / candidate).resolve()
            if path.is_relative_to(root) and path.is_file():
                return path
    return None


def outside(folder: Path, name: str) -> bool:
    """True when ``name`` as written leads out of ``folder`` (absolute, ``../`` or a link out)."""
    root = folder.resolve()
    return not (root / name.strip()).resolve().is_relative_to(root)


def map_name(args: list[str]) -> tuple[str, dict[str, str]]:
    """The file name and the ``-option value`` pairs (``-bm 0.5``) of a map statement's arguments."""
    options = {}
    while len(args) > 2 and args[0].startswith("-"):
        options[args[0]] = args[1]
        args = args[2:]
    return " ".join(args), options


def folder_resolver(source: Path):
    """trimesh's file resolver for the scan ``source``, answering only with files :func:`locate`
    finds in its folder (trimesh's own falls back to any path before trimesh 5)."""
    from trimesh.resolvers import FilePathResolver  # heavy; imported on first read

    class FolderResolver(FilePathResolver):
        def get(self, name: str) -> bytes:
            path = locate(Path(self.parent), name)
            if path is None:
                raise FileNotFoundError(name)
            return path.read_bytes()

    return FolderResolver(str(source))


def _warn(message: str) -> None:
    warnings.warn(message, VtourWarning, stacklevel=4)


@dataclass(frozen=True)
class Named:
    """One file a scan names: ``key`` says where (``mtllib``, ``map_Kd``, ``images[0].uri``...),
    ``name`` is as written, ``source`` is the file that names it; ``path`` is the file the reader
    reads for it (:func:`locate`, spelled under the scan's folder as given), None when the name is
    refused or missing."""

    key: str
    name: str
    source: Path
    path: Path | None


def _found(folder: Path, name: str) -> Path | None:
    """:func:`locate`'s file, spelled under ``folder`` as given (not resolved)."""
    path = locate(folder, name)
    return None if path is None else folder / path.relative_to(folder.resolve())


def material_files(obj: Path) -> list[Named]:
    """Each material library an OBJ names and, for each one found, each map it names
    (:data:`MAP_KEYS`, options dropped), each looked up with :func:`locate` as the reader does.
    The one parser of these names: the warnings and the build's dependencies both read it.
    OSError when the OBJ cannot be read; an MTL that cannot be read names no maps."""
    folder = obj.parent
    out = []
    for lib in mtllib_names(obj):
        mtl = _found(folder, lib)
        out.append(Named("mtllib", lib, obj, mtl))
        if mtl is None:
            continue
        try:
            text = mtl.read_text("utf-8", "replace")
        except OSError:
            continue
        for key, rest in _MAP_LINE.findall(text):
            name, _ = map_name(rest.split())
            if name:
                out.append(Named(key, name, mtl, _found(folder, name)))
    return out


def _json_kind(value) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (int, float)):
        return "a number"
    return "null" if value is None else type(value).__name__


def gltf_files(gltf: Path) -> list[Named]:
    """Each buffer and image ``uri`` of a .gltf that names a file (not a ``data:`` URI), looked up
    with :func:`locate` as the reader does (the ``uri`` as written).

    OSError or ValueError when the file cannot be read as JSON (the reader reports it);
    :class:`~vtour.errors.VtourError` naming the file and the entry when the JSON is not shaped as
    glTF (not an object, ``buffers``/``images`` not an array, an entry not an object, a ``uri``
    not a string)."""

    def wrong(where: str, value, expected: str) -> VtourError:
        return VtourError(
            STEP,
            f"{where} is {_json_kind(value)}, not {expected}",
            path=gltf,
            fix="the file is not valid glTF; re-export it",
        )

    doc = json.loads(gltf.read_text("utf-8"))
    if not isinstance(doc, dict):
        raise wrong("the glTF", doc, "an object")
    folder = gltf.parent
    out = []
    for kind in ("buffers", "images"):
        items = doc.get(kind)
        if items is None:
            continue
        if not isinstance(items, list):
            raise wrong(kind, items, "an array")
        for k, item in enumerate(items):
            if not isinstance(item, dict):
                raise wrong(f"{kind}[{k}]", item, "an object")
            uri = item.get("uri")
            if uri is None:
                continue
            if not isinstance(uri, str):
                raise wrong(f"{kind}[{k}].uri", uri, "a string")
            if not uri.startswith("data:"):
                out.append(Named(f"{kind}[{k}].uri", uri, gltf, _found(folder, uri)))
    return out


def check_material_files(obj: Path) -> None:
    """Warn for each material library and map an OBJ names that is outside its folder or missing,
    saying what becomes of it and what to do."""
    folder = obj.parent
    for named in material_files(obj):
        if named.path is not None:
            continue
        key, name, source = named.key, named.name, named.source
        if key == "mtllib":
            if outside(folder, name):
                _warn(
                    f"model: {obj}: mtllib {name!r} is outside the model's folder {folder}, so the model continues "
                    f"untextured; copy {Path(name).name} and the textures it names beside {obj.name}"
                )
            else:
                _warn(
                    f"model: {obj}: material library {Path(name).name} is missing; the model continues "
                    "untextured; put it next to the OBJ"
                )
        elif outside(folder, name):
            _warn(
                f"model: {source}: {key} {name!r} is outside the model's folder {folder}, so it is not used; "
                f"copy {Path(name).name} beside {obj.name} (it is then found by its name)"
            )
        elif key.lower() == "map_kd":
            _warn(
                f"model: {source}: texture {name!r} is missing; the model continues untextured; "
                f"put {name} next to {source.name}"
            )
        else:
            _warn(f"model: {source}: {key} texture {name!r} is missing; the map is dropped; put it next to {obj.name}")


def check_gltf_files(gltf: Path) -> None:
    """Warn for each image or buffer ``uri`` of a .gltf that is outside its folder; a VtourError
    when the JSON is not shaped as glTF (:func:`gltf_files`)."""
    try:
        files = gltf_files(gltf)
    except (OSError, ValueError):
        return  # the reader reports an unreadable file
    folder = gltf.parent
    for named in files:
        name = urllib.parse.unquote(named.name)
        if locate(folder, name) is None and outside(folder, name):
            _warn(
                f"model: {gltf}: {named.key} {named.name!r} is outside the model's folder {folder}, so it is not "
                f"used; copy {Path(name).name} beside {gltf.name} (it is then found by its name)"
            )


def extra_maps(kwargs: dict, folder: Path) -> dict:
    """Normal and emissive maps of an MTL material (trimesh keeps unknown MTL keys, lower-cased),
    as :class:`~vtour.model.mesh.Material` fields.

    ``norm`` is a tangent-space normal map. ``map_bump``/``bump`` is often a height map; it is
    taken as a normal map only when the image looks like one (colour, decoded vectors about unit
    length, mostly +Z), else dropped with a warning: height maps are not converted. Its ``-bm``
    option becomes the normal scale. ``map_Ke`` is the emissive map. Names are looked up with
    :func:`locate` (refusals were warned about by :func:`check_material_files`).
    """

    def load(key):
        name, options = map_name(list(kwargs.get(key) or []))
        path = locate(folder, name) if name else None
        if path is None:
            return None, options
        try:
            with Image.open(path) as pil:
                return np.asarray(pil.convert("RGB")), options
        except OSError:
            _warn(f"model: MTL {key} texture {name!r} cannot be read; the map is dropped")
            return None, options

    out = {}
    for key in ("norm", "map_bump", "bump"):
        normal, options = load(key)
        if normal is None:
            continue
        if key != "norm" and not looks_like_normal_map(normal):
            _warn(
                f"model: MTL {key} image looks like a height map, which is not converted to a normal map; it is dropped"
            )
            continue
        out["normal_texture"] = normal
        try:
            out["normal_scale"] = float(options.get("-bm", 1.0))
        except ValueError:
            _warn(f"model: MTL {key} -bm {options['-bm']!r} is not a number; the normal scale stays 1")
        break
    emissive, _ = load("map_ke")
    if emissive is not None:
        out["emissive_texture"] = emissive
    return out


def emissive_factor(kwargs: dict, has_map: bool) -> dict:
    """``Ke r g b`` as the emissive factor; white when only a ``map_Ke`` in use is given (glTF's
    black default would switch the map off)."""
    try:
        values = [float(v) for v in kwargs.get("ke") or []]
    except ValueError:
        values = []
    if len(values) >= 3:
        return {"emissive": tuple(values[:3])}
    return {"emissive": (1.0, 1.0, 1.0)} if has_map else {}


def looks_like_normal_map(image: np.ndarray) -> bool:
    """Colour texels that decode to about unit vectors pointing mostly out of the surface."""
    v = image[::4, ::4].astype(np.float32) / 127.5 - 1.0
    if np.abs(v[..., 0] - v[..., 2]).mean() < 0.05:  # grey: a height map
        return False
    return abs(float(np.linalg.norm(v, axis=-1).mean()) - 1.0) < 0.15 and float(v[..., 2].mean()) > 0.5
