"""Write a mesh as one binary glTF (.glb) with KHR_mesh_quantization and, by default,
EXT_meshopt_compression; read it back for tests and tools.

Layout (one scene, one node, one mesh, one primitive per material):

* POSITION: VEC3 unsigned short, unnormalized, ``position_bits`` (<= 16) of the largest box side,
  padded to 8 bytes. The node's ``translation`` and uniform ``scale`` dequantize it and convert the
  scan's units to glTF's metres when the units are known (scale 1 per unit when "unknown").
* NORMAL: VEC3 normalized byte, padded to 4 bytes.
* TEXCOORD_0: VEC2 normalized unsigned short. UVs outside [0, 1] are quantized over their own range
  and a KHR_texture_transform (offset = min, scale = range) on every texture restores them.
* COLOR_0: VEC4 normalized unsigned short (linear RGBA; 8 bits would band dark colours).
* _DEVIATION: SCALAR float, the per-vertex distance to the scan in model units (a heat map).
* indices: unsigned short below 65,536 vertices, else unsigned int.

Every vertex stream is its own bufferView. Compressed, each is encoded with meshoptimizer's
codec (mode ATTRIBUTES or TRIANGLES, no filter) into buffer 0 (the GLB's BIN chunk), while the
bufferViews address a data-less fallback buffer 1 as the extension requires. Images are never
meshopt-encoded.

Materials are glTF's core metallic-roughness PBR: factors, base colour, metallic-roughness,
normal (+scale), occlusion (+strength), emissive (+factor), alphaMode/alphaCutoff, doubleSided,
one sampler (trilinear, repeat), every map on TEXCOORD_0. No tangents are written (see _material).
Vertices are first reordered for the GPU's vertex cache and fetch, which is also what lets the codec's deltas shrink.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass

import numpy as np

from vtour.conventions import UNIT_METRES
from vtour.errors import VtourError
from vtour.model.mesh import Material, Mesh
from vtour.model.texture import MIME

ARRAY_BUFFER, ELEMENT_ARRAY_BUFFER = 34962, 34963
BYTE, UBYTE, SHORT, USHORT, UINT, FLOAT = 5120, 5121, 5122, 5123, 5125, 5126
GLB_MAGIC, JSON_CHUNK, BIN_CHUNK = 0x46546C67, 0x4E4F534A, 0x004E4942


@dataclass(frozen=True)
class Texture:
    """An encoded image for one material: bytes, ``fmt`` in texture.MIME, size in pixels."""

    data: bytes
    fmt: str
    width: int
    height: int


def quantize_positions(positions: np.ndarray, bits: int) -> tuple[np.ndarray, np.ndarray, float]:
    """(n, 3) float64 -> ((n, 3) uint16, origin (3,), step): ``p ~= origin + step * q``."""
    if not 8 <= bits <= 16:
        raise VtourError("model", f"glb: position_bits {bits} is outside 8..16", field="position_bits", value=bits)
    lo = positions.min(axis=0)
    extent = float((positions.max(axis=0) - lo).max())
    step = extent / ((1 << bits) - 1) if extent > 0 else 1.0
    return np.rint((positions - lo) / step).astype(np.uint16), lo, step


def _pad(rows: np.ndarray, width: int) -> np.ndarray:
    """Pad (n, k) to (n, width) columns with zeros (glTF aligns vertex strides to 4 bytes)."""
    out = np.zeros((len(rows), width), rows.dtype)
    out[:, : rows.shape[1]] = rows
    return out


def _unorm16(values: np.ndarray) -> np.ndarray:
    return np.rint(np.clip(values, 0.0, 1.0) * 65535).astype(np.uint16)


def _snorm8(normals: np.ndarray) -> np.ndarray:
    n = normals / np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-30)
    return np.rint(n * 127).astype(np.int8)


def encode_glb(
    mesh: Mesh,
    textures: list[Texture | dict[str, Texture] | None],
    *,
    compress: bool = True,
    position_bits: int = 14,
    deviation: np.ndarray | None = None,
    metadata: dict | None = None,
) -> bytes:
    """The .glb bytes of ``mesh``.

    Parameters
    ----------
    mesh : Mesh, compact (every vertex used) with normals
    textures : per ``mesh.materials``: None, a base-colour Texture, or {role: Texture} with roles
        from ``mesh.MAP_ROLES``. Roles given the same Texture object share one image and texture
        (occlusion packed into the metallic-roughness image stays packed).
    compress : bool
        EXT_meshopt_compression (required extension) when True; plain quantized buffers otherwise.
    deviation : (n,) float, optional, the per-vertex heat map
    metadata : dict, optional: title, source, units, licence (into ``asset.extras``)
    """
    import meshopt

    metadata = dict(metadata or {})
    q, origin, step = quantize_positions(mesh.positions, position_bits)
    unit = UNIT_METRES.get(mesh.units, 1.0)
    uv_lo = uv_range = None
    if mesh.uv is not None:
        uv_lo, uv_hi = mesh.uv.min(axis=0), mesh.uv.max(axis=0)
        if uv_lo.min() >= 0.0 and uv_hi.max() <= 1.0:
            uv_lo = uv_range = None
        else:
            uv_range = np.maximum(uv_hi - uv_lo, 1e-12)
    streams = {
        "POSITION": (_pad(q, 4), USHORT, "VEC3", False),
        "NORMAL": (_pad(_snorm8(mesh.normals), 4), BYTE, "VEC3", True) if mesh.normals is not None else None,
        "TEXCOORD_0": (_unorm16(mesh.uv if uv_lo is None else (mesh.uv - uv_lo) / uv_range), USHORT, "VEC2", True)
        if mesh.uv is not None
        else None,
        "COLOR_0": (_unorm16(mesh.colors), USHORT, "VEC4", True) if mesh.colors is not None else None,
        "_DEVIATION": (np.asarray(deviation, np.float32)[:, None], FLOAT, "SCALAR", False)
        if deviation is not None
        else None,
    }
    streams = {k: v for k, v in streams.items() if v is not None}

    doc: dict = {
        "asset": {"version": "2.0", "generator": "vtour", "extras": metadata},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "buffers": [],
        "bufferViews": [],
        "accessors": [],
    }
    if metadata.get("licence"):
        doc["asset"]["copyright"] = str(metadata["licence"])
    used = {"KHR_mesh_quantization"}
    required = {"KHR_mesh_quantization"}
    bin_parts: list[bytes] = []
    fallback_len = [0]

    def append(data: bytes) -> int:
        offset = sum(len(p) for p in bin_parts)
        bin_parts.append(data + b"\0" * (-len(data) % 4))
        return offset

    def view(raw: np.ndarray, count: int, stride: int | None, target: int, mode: str) -> int:
        data = np.ascontiguousarray(raw).tobytes()
        bv: dict = {"buffer": 0, "byteLength": len(data), "target": target}
        if stride:
            bv["byteStride"] = stride
        if compress:
            payload = (
                meshopt.encode_gltf_buffer(np.ascontiguousarray(raw).view(np.uint8).reshape(count, -1), "ATTRIBUTES")
                if mode == "ATTRIBUTES"
                else meshopt.encode_index_buffer(raw)
            )
            ext = {
                "buffer": 0,
                "byteOffset": append(payload),
                "byteLength": len(payload),
                "byteStride": stride or raw.dtype.itemsize,
                "count": count,
                "mode": mode,
            }
            bv.update(buffer=1, byteOffset=fallback_len[0], extensions={"EXT_meshopt_compression": ext})
            fallback_len[0] += len(data) + (-len(data) % 4)
        else:
            bv["byteOffset"] = append(data)
        doc["bufferViews"].append(bv)
        return len(doc["bufferViews"]) - 1

    def accessor(
        bv: int, ctype: int, atype: str, count: int, normalized: bool, bounds: np.ndarray | None = None
    ) -> int:
        acc = {"bufferView": bv, "componentType": ctype, "type": atype, "count": count}
        if normalized:
            acc["normalized"] = True
        if bounds is not None:
            acc["min"], acc["max"] = (np.asarray(b).tolist() for b in bounds)
        doc["accessors"].append(acc)
        return len(doc["accessors"]) - 1

    primitives = []
    vertex_material = mesh.vertex_material()
    for k in np.unique(mesh.face_material):
        faces = mesh.faces[mesh.face_material == k]
        verts = np.unique(faces)
        local = np.searchsorted(verts, faces).astype(np.uint32).reshape(-1)
        local, remap, n = meshopt.reorder_mesh(local, True, False)
        order = np.empty(n, np.int64)
        order[remap[: len(verts)]] = verts  # new slot -> old vertex id
        attributes = {}
        for name, (rows, ctype, atype, normalized) in streams.items():
            data = rows[order]
            bounds = None
            if name == "POSITION":
                bounds = (data[:, :3].min(axis=0), data[:, :3].max(axis=0))
            elif name == "_DEVIATION":
                bounds = (data.min(axis=0), data.max(axis=0))
            stride = data.shape[1] * data.dtype.itemsize
            attributes[name] = accessor(
                view(data, n, stride, ARRAY_BUFFER, "ATTRIBUTES"), ctype, atype, n, normalized, bounds
            )
        index_type = np.uint16 if n < 65536 else np.uint32
        indices = local.astype(index_type)
        bv = view(indices, len(indices), None, ELEMENT_ARRAY_BUFFER, "TRIANGLES")
        prim = {
            "attributes": attributes,
            "indices": accessor(bv, USHORT if index_type is np.uint16 else UINT, "SCALAR", len(indices), False),
            "material": int(k),
        }
        primitives.append(prim)
        assert (vertex_material[verts] == k).all()

    doc["materials"] = []
    textures_of: dict[int, int] = {}  # id(Texture) -> glTF texture index: one image per object
    images: list[Texture] = []

    def texture_info(texture: Texture, **fields) -> dict:
        if id(texture) not in textures_of:
            textures_of[id(texture)] = len(images)
            images.append(texture)
        info: dict = {"index": textures_of[id(texture)], **fields}
        if uv_lo is not None:
            info["extensions"] = {"KHR_texture_transform": {"offset": uv_lo.tolist(), "scale": uv_range.tolist()}}
            used.add("KHR_texture_transform")
            required.add("KHR_texture_transform")
        return info

    for material, maps in zip(mesh.materials, textures):
        maps = {} if maps is None or mesh.uv is None else ({"baseColor": maps} if isinstance(maps, Texture) else maps)
        doc["materials"].append(_material(material, maps, texture_info))
    if images:
        doc["samplers"] = [{"magFilter": 9729, "minFilter": 9987, "wrapS": 10497, "wrapT": 10497}]
        doc["images"], doc["textures"] = [], []
        for i, texture in enumerate(images):
            doc["bufferViews"].append(
                {"buffer": 0, "byteOffset": append(texture.data), "byteLength": len(texture.data)}
            )
            doc["images"].append({"bufferView": len(doc["bufferViews"]) - 1, "mimeType": MIME[texture.fmt]})
            if texture.fmt == "webp":
                doc["textures"].append({"sampler": 0, "extensions": {"EXT_texture_webp": {"source": i}}})
                used.add("EXT_texture_webp")
                required.add("EXT_texture_webp")
            else:
                doc["textures"].append({"sampler": 0, "source": i})

    node = {
        "mesh": 0,
        "name": str(metadata.get("title") or "model"),
        "translation": (origin * unit).tolist(),
        "scale": [step * unit] * 3,
    }
    doc["nodes"] = [node]
    doc["meshes"] = [{"name": node["name"], "primitives": primitives}]
    bin_data = b"".join(bin_parts)
    doc["buffers"].append({"byteLength": len(bin_data)})
    if compress:
        doc["buffers"].append(
            {"byteLength": fallback_len[0], "extensions": {"EXT_meshopt_compression": {"fallback": True}}}
        )
        used.add("EXT_meshopt_compression")
        required.add("EXT_meshopt_compression")
    doc["extensionsUsed"] = sorted(used)
    doc["extensionsRequired"] = sorted(required)
    return pack_glb(doc, bin_data)


def _material(material: Material, maps: dict[str, Texture], texture_info) -> dict:
    """One glTF material: factors always, each map present as a textureInfo on TEXCOORD_0.

    No TANGENT attribute is written with a normal map: glTF lets viewers derive MikkTSpace tangents
    and three.js uses screen-space derivatives when a mesh has none.
    """
    pbr: dict = {
        "baseColorFactor": [float(c) for c in material.base_color],
        "metallicFactor": float(material.metallic),
        "roughnessFactor": float(material.roughness),
    }
    out: dict = {"name": material.name, "pbrMetallicRoughness": pbr}
    if "baseColor" in maps:
        pbr["baseColorTexture"] = texture_info(maps["baseColor"])
    if "metallicRoughness" in maps:
        pbr["metallicRoughnessTexture"] = texture_info(maps["metallicRoughness"])
    if "normal" in maps:
        scale = float(material.normal_scale)
        out["normalTexture"] = texture_info(maps["normal"], **({"scale": scale} if scale != 1 else {}))
    if "occlusion" in maps:
        strength = float(material.occlusion_strength)
        out["occlusionTexture"] = texture_info(maps["occlusion"], **({"strength": strength} if strength != 1 else {}))
    if "emissive" in maps:
        out["emissiveTexture"] = texture_info(maps["emissive"])
    if any(material.emissive):
        out["emissiveFactor"] = [float(c) for c in material.emissive]
    if material.alpha_mode != "OPAQUE":
        out["alphaMode"] = material.alpha_mode
        if material.alpha_mode == "MASK":
            out["alphaCutoff"] = float(material.alpha_cutoff)
    if material.double_sided:
        out["doubleSided"] = True
    return out


def pack_glb(doc: dict, bin_data: bytes) -> bytes:
    """GLB container: 12-byte header, JSON chunk (space padded), BIN chunk (zero padded)."""
    text = json.dumps(doc, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 4)
    bin_data += b"\0" * (-len(bin_data) % 4)
    total = 12 + 8 + len(text) + (8 + len(bin_data) if bin_data else 0)
    out = struct.pack("<III", GLB_MAGIC, 2, total) + struct.pack("<II", len(text), JSON_CHUNK) + text
    if bin_data:
        out += struct.pack("<II", len(bin_data), BIN_CHUNK) + bin_data
    return out


def unpack_glb(data: bytes) -> tuple[dict, bytes]:
    """(JSON document, BIN chunk) of a .glb."""
    magic, version, total = struct.unpack_from("<III", data, 0)
    if magic != GLB_MAGIC or version != 2 or total != len(data):
        raise VtourError("model", "not a glTF 2.0 binary file")
    length, _kind = struct.unpack_from("<II", data, 12)
    doc = json.loads(data[20 : 20 + length])
    rest = 20 + length
    bin_data = b""
    if rest < len(data):
        blen, _ = struct.unpack_from("<II", data, rest)
        bin_data = data[rest + 8 : rest + 8 + blen]
    return doc, bin_data


def read_view(doc: dict, bin_data: bytes, index: int) -> bytes:
    """The bytes of a bufferView, decoding EXT_meshopt_compression when present."""
    import meshopt

    bv = doc["bufferViews"][index]
    ext = bv.get("extensions", {}).get("EXT_meshopt_compression")
    if ext is None:
        off = bv.get("byteOffset", 0)
        return bin_data[off : off + bv["byteLength"]]
    payload = bin_data[ext.get("byteOffset", 0) : ext.get("byteOffset", 0) + ext["byteLength"]]
    out = meshopt.decode_gltf_buffer(payload, ext["count"], ext["byteStride"], ext["mode"], ext.get("filter", "NONE"))
    return np.ascontiguousarray(out).tobytes()


def read_accessor(doc: dict, bin_data: bytes, index: int) -> np.ndarray:
    """An accessor's values as stored (quantized), shape (count, components) or (count,)."""
    acc = doc["accessors"][index]
    dtype = {BYTE: np.int8, UBYTE: np.uint8, SHORT: np.int16, USHORT: np.uint16, UINT: np.uint32, FLOAT: np.float32}[
        acc["componentType"]
    ]
    width = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4}[acc["type"]]
    bv = doc["bufferViews"][acc["bufferView"]]
    raw = np.frombuffer(read_view(doc, bin_data, acc["bufferView"]), np.uint8)
    stride = bv.get("byteStride", width * np.dtype(dtype).itemsize)
    rows = raw[acc.get("byteOffset", 0) :].reshape(-1)[: acc["count"] * stride]
    rows = rows.reshape(acc["count"], stride)[:, : width * np.dtype(dtype).itemsize]
    values = np.ascontiguousarray(rows).view(dtype)
    return values.reshape(-1) if width == 1 else values
