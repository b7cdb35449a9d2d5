"""Read what scanning software exports into a :class:`~vtour.model.mesh.Mesh`.

Formats: OBJ (+MTL and textures, several materials), PLY (binary and ASCII, vertex colours), STL,
glTF (external or embedded buffers and textures) and GLB. Parsing is trimesh's; this module turns
its scene into one plain mesh, applies the scene graph's transforms (so a glTF keeps its placement),
and validates at the boundary: an unreadable or empty file, NaN or infinite coordinates and faces
that index missing vertices are errors; a texture the MTL names but that is missing is a warning,
and that material continues untextured.

Units: glTF and GLB are metres by specification; OBJ, PLY and STL carry no units, so they are
``"unknown"`` unless the caller says otherwise. Nothing is guessed.

FBX is not read: no well-kept permissively licensed reader is on PyPI (assimp's Python bindings
need a system library); convert it to glTF with Blender or FBX2glTF first.
"""

from __future__ import annotations

import logging
import re
import warnings
from pathlib import Path

import numpy as np

from vtour.errors import VtourError, VtourWarning
from vtour.model.mesh import Material, Mesh

log = logging.getLogger(__name__)

STEP = "model"
#: Suffixes this module reads, and the units each implies.
FORMATS: dict[str, str] = {".obj": "unknown", ".ply": "unknown", ".stl": "unknown",
                           ".gltf": "m", ".glb": "m"}
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
        raise VtourError(STEP, f"unknown mesh format {suffix!r}", path=path,
                         fix="use OBJ, PLY, STL, glTF or GLB")
    if not path.is_file():
        raise VtourError(STEP, "file not found", path=path)
    if path.stat().st_size == 0:
        raise VtourError(STEP, "file is empty", path=path)
    if suffix == ".obj":
        _warn_missing_textures(path)
    import trimesh  # heavy; imported on first read

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=RuntimeWarning)
            loaded = trimesh.load(str(path), process=False)
    except IndexError as exc:
        if suffix != ".obj":
            raise VtourError(STEP, f"cannot read the file ({exc})", path=path,
                             fix="check that it is a valid, complete mesh file") from exc
        raise VtourError(STEP, f"faces index missing vertices ({exc})", path=path,
                         fix="re-export the mesh; the file is truncated or corrupt") from exc
    except Exception as exc:  # trimesh raises many types for unreadable files
        raise VtourError(STEP, f"cannot read the file ({type(exc).__name__}: {exc})",
                         path=path, fix="check that it is a valid, complete mesh file") from exc
    geometries = _geometries(loaded)
    if not geometries:
        raise VtourError(STEP, "the file holds no triangle mesh", path=path)
    mesh = _merge(geometries, units=units or FORMATS[suffix], source=str(path))
    validate(mesh, path)
    log.info("model: read %s: %d triangles, %d vertices, %d material(s), units %s",
             path.name, mesh.triangle_count, mesh.vertex_count, len(mesh.materials), mesh.units)
    return mesh


def validate(mesh: Mesh, path: str | Path = "") -> None:
    """Raise VtourError for an empty mesh, non-finite coordinates or faces out of range."""
    if mesh.triangle_count == 0 or mesh.vertex_count == 0:
        raise VtourError(STEP, "the mesh is empty (no triangles)", path=path or None)
    bad = ~np.isfinite(mesh.positions).all(axis=1)
    if bad.any():
        raise VtourError(STEP, f"{int(bad.sum())} vertices have NaN or infinite coordinates, "
                         f"the first is vertex {int(np.argmax(bad))}", path=path or None,
                         fix="repair the scan in its capture software and export again")
    lo, hi = int(mesh.faces.min()), int(mesh.faces.max())
    if lo < 0 or hi >= mesh.vertex_count:
        raise VtourError(STEP, f"faces index missing vertices: index {hi if hi >= mesh.vertex_count else lo} "
                         f"with {mesh.vertex_count} vertices", path=path or None,
                         fix="re-export the mesh; the file is truncated or corrupt")
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
            warnings.warn(f"model: {obj}: material library {mtl.name} is missing; the model "
                          "continues untextured; put it next to the OBJ", VtourWarning, stacklevel=3)
            continue
        text = mtl.read_text("utf-8", "replace")
        for name in re.findall(r"(?m)^\s*map_Kd\s+(?:-\S+\s+\S+\s+)*(.+?)\s*$", text):
            if not (mtl.parent / name).is_file():
                warnings.warn(f"model: {mtl}: texture {name!r} is missing; the model continues "
                              f"untextured; put {name} next to {mtl.name}", VtourWarning,
                              stacklevel=3)


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


def _material(visual) -> Material:
    material = getattr(visual, "material", None)
    if material is None:
        return Material()
    pbr = material.to_pbr() if hasattr(material, "to_pbr") else material
    image = getattr(pbr, "baseColorTexture", None)
    texture = None
    if image is not None and getattr(visual, "uv", None) is not None:
        image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
        texture = np.asarray(image)
        if texture.shape[2] == 4 and texture[..., 3].min() == 255:
            texture = texture[..., :3]
    factor = getattr(pbr, "baseColorFactor", None)
    factor = (1.0, 1.0, 1.0, 1.0) if factor is None else np.asarray(factor, np.float64)
    if np.asarray(factor).dtype.kind in "ui" or np.max(factor) > 1.0:
        factor = np.asarray(factor, np.float64) / 255.0
    metallic = getattr(pbr, "metallicFactor", None)
    roughness = getattr(pbr, "roughnessFactor", None)
    return Material(name=str(getattr(pbr, "name", None) or "material"),
                    base_color=tuple(float(c) for c in factor),
                    texture=texture,
                    metallic=0.0 if metallic is None else float(metallic),
                    roughness=1.0 if roughness is None else float(roughness))


def _merge(geometries: list, *, units: str, source: str) -> Mesh:
    """One mesh from several trimesh geometries, one material each."""
    parts = []
    for g, transform in geometries:
        positions, faces, normals = _place(g, transform)
        visual = g.visual
        uv = getattr(visual, "uv", None)
        colors = None
        if getattr(visual, "kind", None) == "vertex":
            colors = srgb_to_linear(np.asarray(visual.vertex_colors, np.float32) / 255.0)
        parts.append(dict(positions=positions, faces=faces,
                          uv=None if uv is None else np.asarray(uv, np.float64),
                          colors=colors,
                          normals=None if normals is None else np.asarray(normals, np.float32),
                          material=_material(visual)))
    n = [len(p["positions"]) for p in parts]
    offsets = np.cumsum([0] + n[:-1])

    def stack(key, fill):
        if all(p[key] is None for p in parts):
            return None
        return np.concatenate([p[key] if p[key] is not None and len(p[key]) == k
                               else np.broadcast_to(np.asarray(fill, np.float64), (k, len(fill)))
                               for p, k in zip(parts, n)])

    uv = stack("uv", (0.0, 0.0))
    if uv is not None:
        uv = uv.astype(np.float64)
        uv[:, 1] = 1.0 - uv[:, 1]  # trimesh keeps OBJ's v-up convention; glTF's v is down
    colors = stack("colors", (1.0, 1.0, 1.0, 1.0))
    normals = None if any(p["normals"] is None for p in parts) else stack("normals", (0, 0, 1))
    return Mesh(positions=np.concatenate([p["positions"] for p in parts]),
                faces=np.concatenate([p["faces"] + o for p, o in zip(parts, offsets)]),
                uv=uv,
                colors=None if colors is None else colors.astype(np.float32),
                normals=None if normals is None else normals.astype(np.float32),
                face_material=np.repeat(np.arange(len(parts), dtype=np.int32),
                                        [len(p["faces"]) for p in parts]),
                materials=tuple(p["material"] for p in parts),
                units=units, source=source)
