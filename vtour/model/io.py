"""Read what scanning software exports into a :class:`~vtour.model.mesh.Mesh`.

Formats: OBJ (+MTL and textures, several materials), PLY (binary and ASCII, vertex colours), STL,
glTF (external or embedded buffers and textures) and GLB. Parsing is trimesh's; this module turns
its scene into one plain mesh, applies the scene graph's transforms (so a glTF keeps its placement),
and validates at the boundary: an unreadable or empty file, NaN or infinite coordinates and faces
that index missing vertices are errors; a texture the MTL names but that is missing is a warning,
and that material continues untextured.

Materials: glTF's metallic-roughness PBR material is read whole (base colour, metallic-roughness,
normal + scale, occlusion + strength, emissive + factor, alphaMode/alphaCutoff, doubleSided); an
occlusion map in the metallic-roughness image stays one array (see ``Material.occlusion_packed``).
A map on TEXCOORD_1 is dropped with a warning (only TEXCOORD_0 is read). From an MTL: ``Kd`` and
``map_Kd`` (base colour), ``norm`` or a ``map_bump``/``bump`` that is a normal map (normal),
``Ke``/``map_Ke`` (emissive); see ``_mtl_maps``. OBJ, PLY and STL materials are double-sided.

Units: glTF and GLB are metres by specification; OBJ, PLY and STL carry no units, so they are
``"unknown"`` unless the caller says otherwise. Nothing is guessed.

FBX is not read: no well-kept permissively licensed reader is on PyPI (assimp's Python bindings
need a system library); convert it to glTF with Blender or FBX2glTF first.
"""

from __future__ import annotations

import json
import logging
import re
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from vtour.errors import VtourError, VtourWarning
from vtour.model.mesh import Material, Mesh

log = logging.getLogger(__name__)

STEP = "model"
#: Suffixes this module reads, and the units each implies.
FORMATS: dict[str, str] = {".obj": "unknown", ".ply": "unknown", ".stl": "unknown", ".gltf": "m", ".glb": "m"}
UNSUPPORTED: dict[str, str] = {
    ".fbx": "FBX is not supported; export or convert it to glTF/GLB (Blender, FBX2glTF) or OBJ",
    ".3ds": "3DS is not supported; convert it to glTF/GLB or OBJ",
    ".dae": "COLLADA is not supported; convert it to glTF/GLB or OBJ",
}


def read_mesh(path: str | Path, *, units: str | None = None) -> Mesh:
    """Read a scan file into one mesh in the scan's own coordinates.

    Parameters
    ----------
    path : path to .obj, .ply, .stl, .gltf or .glb
    units : str, optional
        Overrides the units the format implies (``"m"``, ``"cm"``, ``"mm"``, ``"unknown"``).

    Returns
    -------
    Mesh
        Triangulated (polygons are fan-split by the reader); ``Mesh.source`` is ``str(path)``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED:
        raise VtourError(STEP, UNSUPPORTED[suffix], path=path)
    if suffix not in FORMATS:
        raise VtourError(STEP, f"unknown mesh format {suffix!r}", path=path, fix="use OBJ, PLY, STL, glTF or GLB")
    if not path.is_file():
        raise VtourError(STEP, "file not found", path=path)
    if path.stat().st_size == 0:
        raise VtourError(STEP, "file is empty", path=path)
    if suffix == ".obj":
        _warn_missing_textures(path)
    loaded = _load(path, suffix)
    geometries = _geometries(loaded)
    if not geometries:
        raise VtourError(STEP, "the file holds no triangle mesh", path=path)
    context: dict = {
        "gltf": _gltf_materials(path) if suffix in (".gltf", ".glb") else None,
        "folder": path.parent,
        "images": {},
    }
    mesh = _merge(geometries, context, units=units or FORMATS[suffix], source=str(path))
    validate(mesh, path)
    log.info(
        "model: read %s: %d triangles, %d vertices, %d material(s), units %s",
        path.name,
        mesh.triangle_count,
        mesh.vertex_count,
        len(mesh.materials),
        mesh.units,
    )
    return mesh


def _load(path: Path, suffix: str):
    """trimesh's scene or mesh of ``path``; every way it fails becomes a VtourError naming the file."""
    import trimesh  # heavy; imported on first read

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=RuntimeWarning)
            loaded = trimesh.load(str(path), process=False)
    except IndexError as exc:
        if suffix != ".obj":
            raise VtourError(
                STEP, f"cannot read the file ({exc})", path=path, fix="check that it is a valid, complete mesh file"
            ) from exc
        raise VtourError(
            STEP,
            f"faces index missing vertices ({exc})",
            path=path,
            fix="re-export the mesh; the file is truncated or corrupt",
        ) from exc
    except Exception as exc:  # trimesh raises many types for unreadable files
        raise VtourError(
            STEP,
            f"cannot read the file ({type(exc).__name__}: {exc})",
            path=path,
            fix="check that it is a valid, complete mesh file",
        ) from exc
    return loaded


def validate(mesh: Mesh, path: str | Path = "") -> None:
    """Raise VtourError for an empty mesh, non-finite coordinates or faces out of range."""
    if mesh.triangle_count == 0 or mesh.vertex_count == 0:
        raise VtourError(STEP, "the mesh is empty (no triangles)", path=path or None)
    bad = ~np.isfinite(mesh.positions).all(axis=1)
    if bad.any():
        raise VtourError(
            STEP,
            f"{int(bad.sum())} vertices have NaN or infinite coordinates, the first is vertex {int(np.argmax(bad))}",
            path=path or None,
            fix="repair the scan in its capture software and export again",
        )
    lo, hi = int(mesh.faces.min()), int(mesh.faces.max())
    if lo < 0 or hi >= mesh.vertex_count:
        raise VtourError(
            STEP,
            f"faces index missing vertices: index {hi if hi >= mesh.vertex_count else lo} "
            f"with {mesh.vertex_count} vertices",
            path=path or None,
            fix="re-export the mesh; the file is truncated or corrupt",
        )
    for name in ("uv", "normals", "colors"):
        arr = getattr(mesh, name)
        if arr is not None and not np.isfinite(arr).all():
            raise VtourError(STEP, f"{name} contain NaN or infinite values", path=path or None)


def srgb_to_linear(rgba: np.ndarray) -> np.ndarray:
    """(n, 4) sRGB-encoded colours in [0, 1] -> linear (glTF's COLOR_0); alpha unchanged."""
    out = rgba.copy()
    c = rgba[:, :3]
    out[:, :3] = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return out


def _warn_missing_textures(obj: Path) -> None:
    """Warn for each texture an OBJ's MTL files name but that is not on disk."""
    head = obj.read_bytes()
    for lib in re.findall(rb"(?m)^\s*mtllib\s+(.+?)\s*$", head):
        mtl = obj.parent / lib.decode("utf-8", "replace")
        if not mtl.is_file():
            warnings.warn(
                f"model: {obj}: material library {mtl.name} is missing; the model "
                "continues untextured; put it next to the OBJ",
                VtourWarning,
                stacklevel=3,
            )
            continue
        text = mtl.read_text("utf-8", "replace")
        for name in re.findall(r"(?m)^\s*map_Kd\s+(?:-\S+\s+\S+\s+)*(.+?)\s*$", text):
            if not (mtl.parent / name).is_file():
                warnings.warn(
                    f"model: {mtl}: texture {name!r} is missing; the model continues "
                    f"untextured; put {name} next to {mtl.name}",
                    VtourWarning,
                    stacklevel=3,
                )


def _geometries(loaded) -> list:
    """(trimesh, 4x4 world transform) pairs, one per placed mesh."""
    import trimesh

    if isinstance(loaded, trimesh.Scene):
        pairs = []
        for node in loaded.graph.nodes_geometry:
            transform, name = loaded.graph[node]
            pairs.append((loaded.geometry[name], np.asarray(transform, np.float64)))
    else:
        pairs = [(loaded, np.eye(4))]
    return [(g, t) for g, t in pairs if isinstance(g, trimesh.Trimesh) and len(g.faces)]


def _place(g, transform: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Positions, faces and file normals of ``g`` moved by ``transform`` (winding kept outward)."""
    linear, shift = transform[:3, :3], transform[:3, 3]
    with np.errstate(invalid="ignore", over="ignore"):  # NaN/inf are reported by validate()
        positions = np.asarray(g.vertices, np.float64) @ linear.T + shift
    faces = np.asarray(g.faces, np.int64)
    normals = g._cache.cache.get("vertex_normals")  # present only when the file has normals
    if normals is not None:
        normals = np.asarray(normals, np.float64) @ np.linalg.inv(linear)
        normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-30)
    if np.linalg.det(linear) < 0:
        faces = faces[:, ::-1]
    return positions, faces, normals


def _material(visual, context: dict) -> Material:
    """Our Material from a trimesh visual: glTF's PBR material, or an MTL's via ``_mtl_maps``."""
    material = getattr(visual, "material", None)
    if material is None:
        return Material()
    pbr = material.to_pbr() if hasattr(material, "to_pbr") else material
    textured = getattr(visual, "uv", None) is not None

    def image(pil, kind="data"):
        return _image(pil, kind, context["images"]) if textured else None

    factor = getattr(pbr, "baseColorFactor", None)
    factor = (1.0, 1.0, 1.0, 1.0) if factor is None else np.asarray(factor, np.float64)
    if np.asarray(factor).dtype.kind in "ui" or np.max(factor) > 1.0:
        factor = np.asarray(factor, np.float64) / 255.0
    metallic = getattr(pbr, "metallicFactor", None)
    roughness = getattr(pbr, "roughnessFactor", None)
    fields = dict(
        name=str(getattr(pbr, "name", None) or "material"),
        base_color=tuple(float(c) for c in factor),
        texture=image(getattr(pbr, "baseColorTexture", None), "color"),
        metallic=0.0 if metallic is None else float(metallic),
        roughness=1.0 if roughness is None else float(roughness),
    )
    if context["gltf"] is None:  # OBJ: the MTL's extra maps; PLY/STL have no material
        kwargs = getattr(material, "kwargs", None) or {}
        return Material(**fields, **(_mtl_maps(kwargs, context["folder"]) if textured else {}), **_mtl_emissive(kwargs))
    entry = _gltf_entry(pbr, context["gltf"])
    maps = {}
    for role, attr in [
        ("metallic_roughness_texture", "metallicRoughnessTexture"),
        ("normal_texture", "normalTexture"),
        ("occlusion_texture", "occlusionTexture"),
        ("emissive_texture", "emissiveTexture"),
    ]:
        info = entry.get(attr) or entry.get("pbrMetallicRoughness", {}).get(attr) or {}
        if info.get("texCoord", 0) != 0 and getattr(pbr, attr, None) is not None:
            warnings.warn(
                f"model: material {fields['name']!r}: {attr} uses TEXCOORD_"
                f"{info['texCoord']}, which is not read; the map is dropped",
                VtourWarning,
                stacklevel=4,
            )
            continue
        maps[role] = image(getattr(pbr, attr, None), "color" if role == "emissive_texture" else "data")
    emissive = getattr(pbr, "emissiveFactor", None)
    cutoff = getattr(pbr, "alphaCutoff", None)
    return Material(
        **fields,
        **maps,
        normal_scale=float((entry.get("normalTexture") or {}).get("scale", 1.0)),
        occlusion_strength=float((entry.get("occlusionTexture") or {}).get("strength", 1.0)),
        emissive=(0.0, 0.0, 0.0) if emissive is None else _rgb(emissive),
        alpha_mode=str(getattr(pbr, "alphaMode", None) or "OPAQUE"),
        alpha_cutoff=0.5 if cutoff is None else float(cutoff),
        double_sided=bool(getattr(pbr, "doubleSided", False)),
    )


def _image(pil, kind: str, images: dict) -> np.ndarray | None:
    """(h, w, 3 or 4) uint8 array of a PIL image, made once per (image object, kind) and kept in
    ``images``, so a map packed into another (an ORM) stays one array. ``kind`` "color" keeps an
    alpha channel that is not all opaque; "data" is always RGB."""
    if pil is None:
        return None
    key = (id(pil), kind)
    if key not in images:
        if kind == "color":
            arr = np.asarray(pil.convert("RGBA" if pil.mode in ("RGBA", "LA", "P") else "RGB"))
            images[key] = arr[..., :3] if arr.shape[2] == 4 and arr[..., 3].min() == 255 else arr
        else:
            images[key] = np.asarray(pil.convert("RGB"))
    return images[key]


def _gltf_materials(path: Path) -> list[dict]:
    """The ``materials`` of a .gltf/.glb's JSON (trimesh drops normal scale, occlusion strength
    and texCoord; we read them here)."""
    try:
        data = path.read_bytes()
        if data[:4] == b"glTF":
            (length,) = struct.unpack_from("<I", data, 12)
            data = data[20 : 20 + length]
        return list(json.loads(data).get("materials", []))
    except (ValueError, OSError, struct.error):
        return []


def _gltf_entry(pbr, entries: list[dict]) -> dict:
    """The file's entry for a trimesh PBRMaterial: the first with its name and the same maps."""
    for entry in entries:
        if entry.get("name", None) == getattr(pbr, "name", None) and all(
            (attr in entry) == (getattr(pbr, attr, None) is not None)
            for attr in ("normalTexture", "occlusionTexture", "emissiveTexture")
        ):
            return entry
    return {}


def _mtl_maps(kwargs: dict, folder: Path) -> dict:
    """Normal and emissive maps of an MTL material (trimesh keeps unknown MTL keys, lower-cased).

    ``norm`` is a tangent-space normal map. ``map_bump``/``bump`` is often a height map; it is
    taken as a normal map only when the image looks like one (colour, decoded vectors about unit
    length, mostly +Z), else dropped with a warning: height maps are not converted. Its ``-bm``
    option becomes the normal scale. ``map_Ke`` is the emissive map. Paths are relative to the OBJ.
    """

    def load(key):
        args = list(kwargs.get(key) or [])
        options = {}
        while len(args) > 2 and args[0].startswith("-"):
            options[args[0]] = args[1]
            args = args[2:]
        if not args:
            return None, options
        name = " ".join(args)
        try:
            with Image.open(folder / name) as pil:
                return np.asarray(pil.convert("RGB")), options
        except OSError:
            warnings.warn(
                f"model: MTL {key} texture {name!r} cannot be read; the map is dropped", VtourWarning, stacklevel=5
            )
            return None, options

    out = {}
    for key in ("norm", "map_bump", "bump"):
        normal, options = load(key)
        if normal is None:
            continue
        if key != "norm" and not _looks_like_normal_map(normal):
            warnings.warn(
                f"model: MTL {key} image looks like a height map, which is not converted "
                "to a normal map; it is dropped",
                VtourWarning,
                stacklevel=4,
            )
            continue
        out["normal_texture"] = normal
        if "-bm" in options:
            out["normal_scale"] = float(options["-bm"])
        break
    emissive, _ = load("map_ke")
    if emissive is not None:
        out["emissive_texture"] = emissive
    return out


def _mtl_emissive(kwargs: dict) -> dict:
    """``Ke r g b`` as the emissive factor; white when only ``map_Ke`` is given."""
    try:
        values = [float(v) for v in kwargs.get("ke") or []]
    except ValueError:
        values = []
    if len(values) >= 3:
        return {"emissive": tuple(values[:3])}
    return {"emissive": (1.0, 1.0, 1.0)} if kwargs.get("map_ke") else {}


def _looks_like_normal_map(image: np.ndarray) -> bool:
    """Colour texels that decode to about unit vectors pointing mostly out of the surface."""
    v = image[::4, ::4].astype(np.float32) / 127.5 - 1.0
    if np.abs(v[..., 0] - v[..., 2]).mean() < 0.05:  # grey: a height map
        return False
    return abs(float(np.linalg.norm(v, axis=-1).mean()) - 1.0) < 0.15 and float(v[..., 2].mean()) > 0.5


@dataclass(frozen=True, eq=False)
class _Part:
    """One placed trimesh geometry as arrays (shapes as in Mesh), with its one material."""

    positions: np.ndarray
    faces: np.ndarray
    uv: np.ndarray | None
    colors: np.ndarray | None
    normals: np.ndarray | None
    material: Material


def _part(g, transform: np.ndarray, context: dict) -> _Part:
    """A geometry placed by ``transform``; vertex colours (sRGB bytes in the file) made linear."""
    positions, faces, normals = _place(g, transform)
    visual = g.visual
    uv = getattr(visual, "uv", None)
    colors = None
    if getattr(visual, "kind", None) == "vertex":
        colors = srgb_to_linear(np.asarray(visual.vertex_colors, np.float32) / 255.0)
    return _Part(
        positions=positions,
        faces=faces,
        uv=None if uv is None else np.asarray(uv, np.float64),
        colors=colors,
        normals=None if normals is None else np.asarray(normals, np.float32),
        material=_material(visual, context),
    )


def _stack(parts: list[_Part], key: str, fill: tuple[float, ...]) -> np.ndarray | None:
    """Attribute ``key`` of all parts as one (n, len(fill)) array, ``fill`` where a part lacks it
    (or has it for another vertex count); None when no part has it."""
    arrays = [getattr(p, key) for p in parts]
    if all(a is None for a in arrays):
        return None
    return np.concatenate(
        [
            a
            if a is not None and len(a) == len(p.positions)
            else np.broadcast_to(np.asarray(fill, np.float64), (len(p.positions), len(fill)))
            for a, p in zip(arrays, parts)
        ]
    )


def _merge(geometries: list, context: dict, *, units: str, source: str) -> Mesh:
    """One mesh from several trimesh geometries, one material each."""
    parts = [_part(g, transform, context) for g, transform in geometries]
    offsets = np.cumsum([0, *(len(p.positions) for p in parts[:-1])])
    uv = _stack(parts, "uv", (0.0, 0.0))
    if uv is not None:
        uv = uv.astype(np.float64)
        uv[:, 1] = 1.0 - uv[:, 1]  # trimesh keeps OBJ's v-up convention; glTF's v is down
    colors = _stack(parts, "colors", (1.0, 1.0, 1.0, 1.0))
    normals = None if any(p.normals is None for p in parts) else _stack(parts, "normals", (0, 0, 1))
    return Mesh(
        positions=np.concatenate([p.positions for p in parts]),
        faces=np.concatenate([p.faces + o for p, o in zip(parts, offsets)]),
        uv=uv,
        colors=None if colors is None else colors.astype(np.float32),
        normals=None if normals is None else normals.astype(np.float32),
        face_material=np.repeat(np.arange(len(parts), dtype=np.int32), [len(p.faces) for p in parts]),
        materials=tuple(p.material for p in parts),
        units=units,
        source=source,
    )


def _rgb(values) -> tuple[float, float, float]:
    """The first three of ``values`` as floats (a colour factor)."""
    r, g, b = (float(c) for c in np.asarray(values, np.float64)[:3])
    return r, g, b
