"""Turn a glTF that uses compression or quantization extensions into the core glTF trimesh reads.

gltfpack, meshoptimizer and vtour's own levels of detail (:mod:`vtour.model.glb`) write
EXT_meshopt_compression (compressed bufferViews), KHR_mesh_quantization (integer positions,
normalized normals, UVs and colours, dequantized by the node transforms) and KHR_texture_transform
(UVs quantized over their own range). trimesh reads none of them, so :func:`plain_glb` rewrites
such a file as one GLB in core glTF 2.0: every accessor a primitive uses holds float32 values
(normalized integers divided by their maximum, signed ones clamped at -1, as the glTF spec says;
indices as uint32, JOINTS_n as stored), each material's texture transform is applied to its
primitives' UVs, images are copied as they are, and the JSON's nodes, scenes, materials and
samplers are kept, so the reader places and dresses the mesh exactly as it does a plain file.
Decoding uses :func:`vtour.model.glb.read_accessor`, the reader of vtour's own files.

A file that requires (``extensionsRequired``) an extension vtour neither decodes here nor reads
through trimesh is refused with a VtourError naming it and what to do (glTF requires a loader to
refuse what it cannot read); Draco is the one met in practice.
"""

from __future__ import annotations

import base64
import copy
import json
import urllib.parse
import warnings
from pathlib import Path

import numpy as np

from vtour.errors import VtourError, VtourWarning
from vtour.model import mtl
from vtour.model.glb import DTYPE, FLOAT, Buffers, pack_glb, read_accessor, read_view, unpack_glb

STEP = "model"
#: Extensions :func:`plain_glb` removes by decoding.
DECODED = frozenset({"EXT_meshopt_compression", "KHR_mesh_quantization", "KHR_texture_transform"})
#: Required extensions the reader handles: decoded here, read by trimesh, or safe to ignore for geometry
#: and base colour (a file only lists a material extension as required when its look depends on it).
READABLE = DECODED | {
    "EXT_texture_webp",
    "KHR_materials_pbrSpecularGlossiness",
    "KHR_materials_unlit",
    "KHR_materials_emissive_strength",
}
#: What to do about a required extension vtour cannot decode, by name.
ADVICE = {
    "KHR_draco_mesh_compression": (
        "export it again without Draco compression, or import it into Blender (File > Import > glTF 2.0) "
        "and export it as glTF with Compression off; meshopt compression (gltfpack) is read"
    ),
    "KHR_texture_basisu": "convert its KTX2 textures to PNG or JPEG (`gltf-transform png in.glb out.glb`)",
    "EXT_texture_avif": "convert its AVIF textures to PNG, JPEG or WebP (`gltf-transform png in.glb out.glb`)",
}
#: The texture slots of a material, base colour first: its transform wins when slots disagree.
SLOTS = (
    ("pbrMetallicRoughness", "baseColorTexture"),
    ("pbrMetallicRoughness", "metallicRoughnessTexture"),
    (None, "normalTexture"),
    (None, "occlusionTexture"),
    (None, "emissiveTexture"),
)


def read_document(path: Path) -> tuple[dict, list[bytes]]:
    """The JSON of a .gltf/.glb and the bytes of each of its ``buffers`` (a .glb's first buffer
    without ``uri`` is its BIN chunk; a buffer the reader cannot find is empty)."""
    data = path.read_bytes()
    if data[:4] == b"glTF":
        doc, bin_data = unpack_glb(data)
    else:
        doc, bin_data = json.loads(data), b""
    buffers = []
    for i, buffer in enumerate(doc.get("buffers", [])):
        uri = buffer.get("uri")
        if uri is None:
            buffers.append(bin_data if i == 0 else b"")
        elif uri.startswith("data:"):
            buffers.append(base64.b64decode(uri.split(",", 1)[1]))
        else:
            found = mtl.locate(path.parent, urllib.parse.unquote(uri))
            buffers.append(found.read_bytes() if found is not None else b"")
    return doc, buffers


def check_required(doc: dict, path: Path) -> None:
    """A VtourError for the first extension ``doc`` requires that vtour cannot read."""
    for name in doc.get("extensionsRequired", []):
        if name not in READABLE:
            raise VtourError(
                STEP,
                f"the file requires the glTF extension {name}, which vtour cannot decode",
                path=path,
                field="extensionsRequired",
                value=name,
                fix=ADVICE.get(name, f"convert it to core glTF without {name} (glTF-Transform, gltfpack or Blender)"),
            )


def needs_decoding(doc: dict) -> bool:
    """Whether ``doc`` uses an extension trimesh does not read and :func:`plain_glb` decodes."""
    return bool(DECODED & set(doc.get("extensionsUsed", [])))


def plain_glb(doc: dict, buffers: Buffers) -> bytes:
    """A GLB in core glTF with the geometry and looks of ``doc`` (module docstring)."""
    out = copy.deepcopy(doc)
    meshes = out.get("meshes", [])
    roles = _roles(meshes)
    values = {i: _decoded(doc, buffers, i, role) for i, role in roles.items()}
    _bake_texture_transforms(out, values)
    chunks: list[bytes] = []
    views: list[dict] = []

    def add_view(data: bytes) -> int:
        offset = sum(len(c) for c in chunks)
        chunks.append(data + b"\0" * (-len(data) % 4))
        views.append({"buffer": 0, "byteOffset": offset, "byteLength": len(data)})
        return len(views) - 1

    accessors = []
    for i, array in values.items():
        acc = {k: v for k, v in out["accessors"][i].items() if k in ("name", "type", "extras")}
        acc.update(bufferView=add_view(array.tobytes()), count=len(array))
        acc["componentType"] = FLOAT if array.dtype == np.float32 else _component(array.dtype)
        if roles.get(i) == "POSITION":  # glTF requires POSITION's bounds
            acc.update(min=array.min(axis=0).tolist(), max=array.max(axis=0).tolist())
        accessors.append(acc)
    renumber = {old: new for new, old in enumerate(values)}
    for mesh in meshes:
        for prim in mesh.get("primitives", []):
            _renumber(prim, renumber)
    for image in out.get("images", []):
        if "bufferView" in image:
            image["bufferView"] = add_view(read_view(doc, buffers, image["bufferView"]))
    out.update(accessors=accessors, bufferViews=views, buffers=[{"byteLength": sum(len(c) for c in chunks)}])
    for key in ("animations", "skins"):  # their accessors are not decoded; the mesh is read at rest
        out.pop(key, None)
    for node in out.get("nodes", []):
        node.pop("skin", None)
    for key in ("extensionsUsed", "extensionsRequired"):
        kept = [name for name in out.get(key, []) if name not in DECODED]
        if kept:
            out[key] = kept
        else:
            out.pop(key, None)
    return pack_glb(out, b"".join(chunks))


def _roles(meshes: list[dict]) -> dict[int, str]:
    """Each accessor a primitive uses, by its attribute name ("indices" for indices), in first use order."""
    roles: dict[int, str] = {}
    for mesh in meshes:
        for prim in mesh.get("primitives", []):
            for name, index in prim.get("attributes", {}).items():
                roles.setdefault(index, name)
            for target in prim.get("targets", []):
                for name, index in target.items():
                    roles.setdefault(index, name)
            if "indices" in prim:
                roles.setdefault(prim["indices"], "indices")
    return roles


def _decoded(doc: dict, buffers: Buffers, index: int, role: str) -> np.ndarray:
    """Accessor ``index`` as core glTF values: uint32 indices, JOINTS as stored, else float32."""
    raw = read_accessor(doc, buffers, index)
    if role == "indices":
        return raw.astype(np.uint32)
    if role.startswith("JOINTS_"):
        return raw
    if doc["accessors"][index].get("normalized") and raw.dtype.kind in "iu":
        return np.maximum(raw / float(np.iinfo(raw.dtype).max), -1.0).astype(np.float32)
    return raw.astype(np.float32)


def _component(dtype: np.dtype) -> int:
    """glTF's componentType of a numpy integer type."""
    return next(k for k, v in DTYPE.items() if np.dtype(v) == dtype)


def _renumber(prim: dict, renumber: dict[int, int]) -> None:
    """Point a primitive's accessor indices at their decoded copies."""
    prim["attributes"] = {name: renumber[i] for name, i in prim.get("attributes", {}).items()}
    if "targets" in prim:
        prim["targets"] = [{name: renumber[i] for name, i in t.items()} for t in prim["targets"]]
    if "indices" in prim:
        prim["indices"] = renumber[prim["indices"]]


def _transform(t: dict) -> np.ndarray:
    """(2, 3) affine matrix of a KHR_texture_transform (``{}``: identity).

    ``uv' = offset + R @ (scale * uv)`` with R rotating by ``rotation`` counter-clockwise in the
    image (v down): the extension's example maps [0, 1]² with offset (0, 1), rotation pi/2 and
    scale 0.5 onto the lower-left quadrant, which fixes the sign (the draft's GLSL had it flipped).
    """
    ox, oy = t.get("offset", (0.0, 0.0))
    sx, sy = t.get("scale", (1.0, 1.0))
    c, s = np.cos(t.get("rotation", 0.0)), np.sin(t.get("rotation", 0.0))
    return np.array([[c * sx, s * sy, ox], [-s * sx, c * sy, oy]], np.float64)


def _bake_texture_transforms(doc: dict, values: dict[int, np.ndarray]) -> None:
    """Apply each material's texture transforms to the UVs of the primitives that use it, as new
    accessors in ``values``, and remove the extension from the material. One UV set carries one
    transform: when a material's maps disagree, the base colour's is applied and a warning says so."""
    materials = doc.get("materials", [])
    per_material: list[dict[int, np.ndarray]] = []  # texCoord set -> transform
    for m, material in enumerate(materials):
        chosen: dict[int, np.ndarray] = {}
        for parent, slot in SLOTS:
            info = (material.get(parent, {}) if parent else material).get(slot)
            if info is None:
                continue
            ext = info.get("extensions", {}).pop("KHR_texture_transform", None)
            matrix = _transform(ext or {})
            target = int(info.get("texCoord", 0))
            if ext is not None and "texCoord" in ext:
                info["texCoord"] = target = int(ext["texCoord"])
            if not info.get("extensions"):
                info.pop("extensions", None)
            if target not in chosen:
                chosen[target] = matrix
            elif not np.allclose(chosen[target], matrix):
                warnings.warn(
                    f"model: material {material.get('name', m)!r}: {slot} has another KHR_texture_transform "
                    f"than the material's other maps on TEXCOORD_{target}; the first one's is applied to the UVs",
                    VtourWarning,
                    stacklevel=5,
                )
        per_material.append(chosen)
    baked: dict[tuple[int, bytes], int] = {}
    for mesh in doc.get("meshes", []):
        for prim in mesh.get("primitives", []):
            if "material" not in prim:
                continue
            attributes = prim.get("attributes", {})
            for target, matrix in per_material[prim["material"]].items():
                name = f"TEXCOORD_{target}"
                if name not in attributes or np.allclose(matrix, np.eye(2, 3)):
                    continue
                key = (attributes[name], matrix.tobytes())
                if key not in baked:
                    uv = values[attributes[name]].astype(np.float64)
                    baked[key] = len(doc["accessors"]) + len(baked)
                    values[baked[key]] = (uv @ matrix[:, :2].T + matrix[:, 2]).astype(np.float32)
                attributes[name] = baked[key]
    doc["accessors"] = doc.get("accessors", []) + [{"type": "VEC2"}] * len(baked)
