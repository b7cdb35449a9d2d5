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
``Ke``/``map_Ke`` (emissive); see :mod:`vtour.model.mtl`, which also keeps every file an OBJ names
inside the OBJ's folder (one outside is refused with a warning). OBJ, PLY and STL materials are
double-sided.

Units: glTF and GLB are metres by specification; OBJ, PLY and STL carry no units, so they are
``"unknown"`` unless the caller says otherwise. Nothing is guessed.

Large files: an OBJ of at least 64 MB and a plain binary PLY (x y z, normals, byte colours,
triangles) of at least 64 MB are parsed by vtour's own streaming readers (:mod:`vtour.model.obj`,
:func:`vtour.model.ply.read_ply_arrays`) into the same mesh trimesh would give (up to the order of
vertices and materials), without trimesh's text and Python objects per line: a 20 M-triangle OBJ
reads within ~3 GB. Whatever those readers do not handle goes to trimesh as before.

FBX is not read: no well-kept permissively licensed reader is on PyPI (assimp's Python bindings
need a system library); convert it to glTF with Blender or FBX2glTF first.
"""

from __future__ import annotations

import json
import logging
import struct
import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import numpy as np

from vtour.errors import VtourError, VtourWarning
from vtour.model import gltf_decode, mtl, obj, ply
from vtour.model.mesh import Material, Mesh

log = logging.getLogger(__name__)

STEP = "model"
#: Suffixes this module reads, and the units each implies.
FORMATS: dict[str, str] = {".obj": "unknown", ".ply": "unknown", ".stl": "unknown", ".gltf": "m", ".glb": "m"}
#: The largest coordinate accepted, in the scan's units: its square stays within float32 (3.4e38),
#: as the simplifier's error metric and the viewer's WebGL arithmetic need (1e18 mm is a tenth of a light-year).
MAX_COORDINATE = 1e18
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
        mtl.check_material_files(path)
    if suffix == ".gltf":
        mtl.check_gltf_files(path)
    context: dict = {
        "gltf": _gltf_materials(path) if suffix in (".gltf", ".glb") else None,
        "folder": path.parent,
        "obj": suffix == ".obj",
        "images": {},
    }
    mesh = _read_large(path, suffix, context, units=units or FORMATS[suffix])
    if mesh is None:
        loaded = _load(path, suffix)
        geometries = _geometries(loaded)
        if not geometries:
            raise VtourError(STEP, "the file holds no triangle mesh", path=path)
        mesh = _merge(geometries, context, units=units or FORMATS[suffix], source=str(path))
        del loaded, geometries
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
    """trimesh's scene or mesh of ``path``; every way it fails becomes a VtourError naming the file.

    A PLY file is checked first (:func:`vtour.model.ply.prepared`: rows cut short are an error,
    triangle strips become faces); a glTF that needs it is decoded to core glTF first (:func:`_plain_gltf`)."""
    import trimesh  # heavy; imported on first read

    data = ply.prepared(path) if suffix == ".ply" else None
    plain = _plain_gltf(path) if suffix in (".gltf", ".glb") else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=RuntimeWarning)
            if plain is not None:
                loaded = trimesh.load(
                    BytesIO(plain), file_type="glb", resolver=mtl.folder_resolver(path), process=False
                )
            elif suffix in (".obj", ".gltf"):
                loaded = trimesh.load(str(path), resolver=mtl.folder_resolver(path), process=False)
            elif data is None:
                loaded = trimesh.load(str(path), process=False)
            else:
                resolver = trimesh.resolvers.FilePathResolver(str(path))
                loaded = trimesh.load(BytesIO(data), file_type="ply", resolver=resolver, process=False)
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


def _plain_gltf(path: Path) -> bytes | None:
    """The core-glTF GLB of a .gltf/.glb that uses meshopt compression, quantization or texture
    transforms (:mod:`vtour.model.gltf_decode`); None when trimesh reads the file as it is, or its
    JSON is unreadable (trimesh then says why). A required extension vtour cannot decode is a VtourError."""
    try:
        doc, buffers = gltf_decode.read_document(path)
    except (ValueError, OSError, struct.error, VtourError, AttributeError, IndexError):
        return None
    gltf_decode.check_required(doc, path)
    if not gltf_decode.needs_decoding(doc):
        return None
    try:
        return gltf_decode.plain_glb(doc, buffers)
    except VtourError:
        raise
    except Exception as exc:  # a corrupt compressed stream or accessor fails in many ways
        raise VtourError(
            STEP,
            f"cannot decode the file's compressed or quantized geometry ({type(exc).__name__}: {exc})",
            path=path,
            fix="check that it is a valid, complete glTF file (gltf-validator says what is wrong)",
        ) from exc


def validate(mesh: Mesh, path: str | Path = "") -> None:
    """Raise VtourError for an empty mesh, non-finite coordinates or beyond ``MAX_COORDINATE``, or
    faces out of range."""
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
    big = np.abs(mesh.positions).max(axis=1) > MAX_COORDINATE
    if big.any():
        first = int(np.argmax(big))
        value = mesh.positions[first][np.argmax(np.abs(mesh.positions[first]))]
        raise VtourError(
            STEP,
            f"vertex {first} has a coordinate of {value:g}, beyond the {MAX_COORDINATE:g} whose square a "
            "32-bit float holds (the simplifier and the viewer's WebGL compute in 32-bit floats)",
            path=path or None,
            fix="scale the scan down, or export it in larger units (metres rather than millimetres)",
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
    """Our Material from a trimesh visual: glTF's PBR material, or an MTL's (with :mod:`vtour.model.mtl`)."""
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
        texture=image(_base_colour_image(material, pbr, context), "color"),
        metallic=0.0 if metallic is None else float(metallic),
        roughness=1.0 if roughness is None else float(roughness),
    )
    if context["gltf"] is None:  # OBJ: the MTL's extra maps; PLY/STL have no material
        kwargs = getattr(material, "kwargs", None) or {}
        maps = mtl.extra_maps(kwargs, context["folder"]) if textured else {}
        return Material(**fields, **maps, **mtl.emissive_factor(kwargs, "emissive_texture" in maps))
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


def _base_colour_image(material, pbr, context: dict):
    """The base-colour PIL image, or None for the 2 x 2 placeholder trimesh gives an OBJ whose MTL
    was not read (its images carry the ``file_path`` they were read from; the placeholder none)."""
    pil = getattr(pbr, "baseColorTexture", None)
    if context["obj"] and "file_path" not in getattr(getattr(material, "image", None), "info", {}):
        return None
    return pil


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
    """A geometry placed by ``transform``, its vertex colours made linear (:func:`_colors`)."""
    positions, faces, normals = _place(g, transform)
    visual = g.visual
    uv = getattr(visual, "uv", None)
    colors = _colors(visual, gltf=context["gltf"] is not None)
    return _Part(
        positions=positions,
        faces=faces,
        uv=None if uv is None else np.asarray(uv, np.float64),
        colors=colors,
        normals=None if normals is None else np.asarray(normals, np.float32),
        material=_material(visual, context),
    )


def _colors(visual, *, gltf: bool) -> np.ndarray | None:
    """(n, 4) float32 linear RGBA in [0, 1] of a trimesh visual, or None.

    An OBJ's or PLY's colours are sRGB bytes. glTF's COLOR_0 is linear: trimesh turns it into bytes
    when the primitive has no material, and keeps the accessor's values as stored (floats, or
    normalized integers) in ``vertex_attributes["color"]`` beside a material."""
    if getattr(visual, "kind", None) == "vertex":
        rgba = np.asarray(visual.vertex_colors, np.float32) / 255.0
        return rgba if gltf else srgb_to_linear(rgba)
    raw = getattr(visual, "vertex_attributes", {}).get("color") if gltf else None
    if raw is None:
        return None
    raw = np.asarray(raw).reshape(len(raw), -1)
    values = raw / float(np.iinfo(raw.dtype).max) if raw.dtype.kind in "iu" else raw
    return np.pad(values, ((0, 0), (0, 4 - values.shape[1])), constant_values=1.0).astype(np.float32)


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


def _read_large(path: Path, suffix: str, context: dict, *, units: str) -> Mesh | None:
    """A large file read by vtour's own streaming parsers (:func:`vtour.model.obj.read_obj_arrays`
    for an OBJ of at least :data:`vtour.model.obj.FAST_MIN_BYTES`, :func:`vtour.model.ply.read_ply_arrays`
    for a binary PLY of at least :data:`vtour.model.ply.FAST_MIN_BYTES`), or None to let trimesh read it.
    The same mesh as trimesh's reading, up to the order of vertices and materials."""
    if suffix == ".obj" and path.stat().st_size >= obj.FAST_MIN_BYTES:
        arrays = obj.read_obj_arrays(path)
        if arrays is None:
            return None
        parts = _obj_parts(path, arrays, context)
    elif suffix == ".ply" and path.stat().st_size >= ply.FAST_MIN_BYTES:
        found = ply.read_ply_arrays(path)
        if found is None:
            return None
        positions, faces, colors, normals, uv = found
        parts = [
            _Part(
                positions=positions,
                faces=faces,
                uv=uv,
                colors=None if colors is None else srgb_to_linear(colors),
                normals=normals,
                material=Material(),
            )
        ]
    else:
        return None
    if not parts or not any(len(p.faces) for p in parts):
        raise VtourError(STEP, "the file holds no triangle mesh", path=path)
    return _merge_parts(parts, units=units, source=str(path))


def _obj_parts(path: Path, arrays, context: dict) -> list[_Part]:
    """Parts of an OBJ read by :func:`vtour.model.obj.read_obj_arrays`, each group's material made
    from its MTL as trimesh makes it (its MTL parser and material), then as :func:`_material` does."""
    from types import SimpleNamespace

    from trimesh.exchange.obj import parse_mtl
    from trimesh.visual.material import SimpleMaterial, empty_material

    materials: dict = {}
    if arrays.mtllib:
        resolver = mtl.folder_resolver(path)
        try:
            found = parse_mtl(resolver[arrays.mtllib], resolver=resolver)
            materials = {k: SimpleMaterial(**v) for k, v in found.items()}
        except Exception:  # as trimesh: a missing or broken MTL leaves the faces untextured
            log.debug("unable to load materials from %s", arrays.mtllib, exc_info=True)
    parts = []
    for group in arrays.groups:
        uv = group.uv
        material = materials.get(group.material)
        if material is None and uv is not None:  # as trimesh: UVs without a material get its empty one
            material = empty_material()
        visual = SimpleNamespace(material=material, uv=uv)
        normals = None
        if group.normals is not None:
            normals = group.normals / np.maximum(np.linalg.norm(group.normals, axis=1, keepdims=True), 1e-30)
        parts.append(
            _Part(
                positions=group.positions,
                faces=group.faces,
                uv=uv,
                colors=None,
                normals=None if normals is None else normals.astype(np.float32),
                material=_material(visual, context),
            )
        )
    arrays.groups.clear()
    return parts


def _merge(geometries: list, context: dict, *, units: str, source: str) -> Mesh:
    """One mesh from several trimesh geometries, one material each."""
    return _merge_parts([_part(g, transform, context) for g, transform in geometries], units=units, source=source)


def _merge_parts(parts: list[_Part], *, units: str, source: str) -> Mesh:
    """One mesh from several parts, one material each."""
    offsets = np.cumsum([0, *(len(p.positions) for p in parts[:-1])])
    uv = _stack(parts, "uv", (0.0, 0.0))
    if uv is not None:
        uv = uv.astype(np.float64, copy=False)
        uv[:, 1] = 1.0 - uv[:, 1]  # trimesh keeps OBJ's v-up convention; glTF's v is down
    colors = _stack(parts, "colors", (1.0, 1.0, 1.0, 1.0))
    normals = None if any(p.normals is None for p in parts) else _stack(parts, "normals", (0, 0, 1))
    if len(parts) == 1:  # no copies of a large scan's arrays
        positions, faces = parts[0].positions, np.asarray(parts[0].faces, np.int64)
    else:
        positions = np.concatenate([p.positions for p in parts])
        faces = np.concatenate([p.faces + o for p, o in zip(parts, offsets)])
    return Mesh(
        positions=positions,
        faces=faces,
        uv=uv,
        colors=None if colors is None else colors.astype(np.float32, copy=False),
        normals=None if normals is None else normals.astype(np.float32, copy=False),
        face_material=np.repeat(np.arange(len(parts), dtype=np.int32), [len(p.faces) for p in parts]),
        materials=tuple(p.material for p in parts),
        units=units,
        source=source,
    )


def _rgb(values) -> tuple[float, float, float]:
    """The first three of ``values`` as floats (a colour factor)."""
    r, g, b = (float(c) for c in np.asarray(values, np.float64)[:3])
    return r, g, b
