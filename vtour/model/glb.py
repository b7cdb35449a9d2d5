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
* further application-specific SCALAR float attributes (``_CHANGE_<j>``: the signed distance to
  the j-th previous scan, model units), in the order given.
* indices: unsigned short below 65,536 vertices, else unsigned int.

Plain (``plain=True``, the download for Blender and MeshLab, whose readers may know neither
extension): POSITION float32 relative to the same node translation (so large coordinates keep
their precision), NORMAL float32, TEXCOORD_0 float32 as they are (no texture transform), no
KHR_mesh_quantization; COLOR_0, the float attributes and the indices as above (all core glTF). A
plain file requires no extension but EXT_texture_webp for WebP textures.

Every vertex stream is its own bufferView. Compressed, each is encoded with meshoptimizer's
codec (mode ATTRIBUTES or TRIANGLES, no filter) into buffer 0 (the GLB's BIN chunk), while the
bufferViews address a data-less fallback buffer 1 as the extension requires. Images are never
meshopt-encoded.

Materials are glTF's core metallic-roughness PBR: factors, base colour, metallic-roughness,
normal (+scale), occlusion (+strength), emissive (+factor), alphaMode/alphaCutoff, doubleSided,
one sampler (trilinear, repeat), every map on TEXCOORD_0. No tangents are written (see _material).
Vertices are first reordered for the GPU's vertex cache and fetch, which is also what lets the codec's
deltas shrink.

The writer is hand-written on purpose: pygltflib's GLB packing moves every bufferView onto one
buffer (no room for the meshopt fallback buffer) and its JSON writes defaults and another key order,
so neither would keep this layout nor these bytes. :class:`GlbWriter` holds the state one file needs,
as glTF-Transform's ``WriterContext`` does; :func:`encode_glb` is the list of steps.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import meshopt
import numpy as np

from vtour.conventions import UNIT_METRES
from vtour.errors import VtourError
from vtour.model.mesh import Material, Mesh
from vtour.model.texture import MIME

ARRAY_BUFFER, ELEMENT_ARRAY_BUFFER = 34962, 34963
BYTE, UBYTE, SHORT, USHORT, UINT, FLOAT = 5120, 5121, 5122, 5123, 5125, 5126
GLB_MAGIC, JSON_CHUNK, BIN_CHUNK = 0x46546C67, 0x4E4F534A, 0x004E4942
#: The one sampler every texture uses: trilinear (LINEAR, LINEAR_MIPMAP_LINEAR), REPEAT (tiled UVs).
SAMPLER = {"magFilter": 9729, "minFilter": 9987, "wrapS": 10497, "wrapT": 10497}
#: Components per glTF accessor type.
WIDTH = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4}


@dataclass(frozen=True)
class Texture:
    """An encoded image for one material: bytes, ``fmt`` in texture.MIME, size in pixels."""

    data: bytes
    fmt: str
    width: int
    height: int


class UvTransform(NamedTuple):
    """KHR_texture_transform restoring UVs quantized over their own range: ``uv = offset + scale * q``."""

    offset: np.ndarray  # (2,) float64, the UVs' minimum
    scale: np.ndarray  # (2,) float64, their range (> 0)


class Stream(NamedTuple):
    """One vertex attribute, quantized: ``rows`` (n, k) padded so a row is a multiple of 4 bytes."""

    rows: np.ndarray
    component_type: int
    type: str  # SCALAR, VEC2, VEC3 or VEC4
    normalized: bool
    bounded: bool  # accessor min/max written (POSITION requires them)


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


def _padded(data: bytes) -> bytes:
    """``data`` zero-padded to a multiple of 4 bytes (glTF's alignment of buffer views)."""
    return data + b"\0" * (-len(data) % 4)


@dataclass(eq=False)
class GlbWriter:
    """The state of one .glb being written: the glTF JSON's arrays and the BIN chunk's parts.

    Each ``add_*`` method appends one glTF object and returns its index. With
    ``compress`` every vertex and index view is meshopt-encoded into the BIN chunk while the view
    itself addresses the data-less fallback buffer 1, ``fallback_length`` bytes long.
    ``uv_transform`` is put on every textureInfo when TEXCOORD_0 was quantized over its own range.
    """

    compress: bool
    uv_transform: UvTransform | None = None
    plain: bool = False
    bin_parts: list[bytes] = field(default_factory=list)
    bin_length: int = 0
    fallback_length: int = 0
    buffer_views: list[dict] = field(default_factory=list)
    accessors: list[dict] = field(default_factory=list)
    materials: list[dict] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    textures: list[dict] = field(default_factory=list)
    #: Every extension used is also required: none of them has a fallback a viewer could use.
    extensions: set[str] = field(default_factory=lambda: {"KHR_mesh_quantization"})
    #: id(Texture) -> (the object, kept so its id stays unique; its glTF texture index).
    texture_of: dict[int, tuple[Texture, int]] = field(default_factory=dict)

    def __post_init__(self):
        if self.compress:
            self.extensions.add("EXT_meshopt_compression")
        if self.plain:
            self.extensions.discard("KHR_mesh_quantization")

    def append(self, data: bytes) -> int:
        """Add ``data`` to the BIN chunk, padded to 4 bytes; its byte offset there."""
        offset = self.bin_length
        self.bin_parts.append(_padded(data))
        self.bin_length += len(self.bin_parts[-1])
        return offset

    def add_buffer_view(self, raw: np.ndarray, target: int) -> int:
        """A bufferView of vertex rows ((n, k), ARRAY_BUFFER) or indices ((m,), ELEMENT_ARRAY_BUFFER)."""
        data = np.ascontiguousarray(raw).tobytes()
        vertex = target == ARRAY_BUFFER
        view: dict = {"buffer": 0, "byteLength": len(data), "target": target}
        if vertex:
            view["byteStride"] = raw[0].nbytes
        if not self.compress:
            view["byteOffset"] = self.append(data)
        else:
            view.update(
                buffer=1,
                byteOffset=self.fallback_length,
                extensions={"EXT_meshopt_compression": self._meshopt(raw, vertex)},
            )
            self.fallback_length += len(_padded(data))
        self.buffer_views.append(view)
        return len(self.buffer_views) - 1

    def _meshopt(self, raw: np.ndarray, vertex: bool) -> dict:
        """Encode ``raw`` with meshoptimizer's codec into the BIN chunk; the extension's object."""
        if vertex:
            payload = meshopt.encode_gltf_buffer(
                np.ascontiguousarray(raw).view(np.uint8).reshape(len(raw), -1), "ATTRIBUTES"
            )
        else:
            payload = meshopt.encode_index_buffer(raw)
        return {
            "buffer": 0,
            "byteOffset": self.append(payload),
            "byteLength": len(payload),
            "byteStride": raw[0].nbytes if vertex else raw.dtype.itemsize,
            "count": len(raw),
            "mode": "ATTRIBUTES" if vertex else "TRIANGLES",
        }

    def add_accessor(
        self,
        view: int,
        component_type: int,
        type_: str,
        count: int,
        normalized: bool = False,
        bounds: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> int:
        """An accessor on a whole bufferView; ``bounds`` = (min, max) per component."""
        accessor: dict = {"bufferView": view, "componentType": component_type, "type": type_, "count": count}
        if normalized:
            accessor["normalized"] = True
        if bounds is not None:
            accessor["min"], accessor["max"] = (np.asarray(b).tolist() for b in bounds)
        self.accessors.append(accessor)
        return len(self.accessors) - 1

    def add_texture(self, texture: Texture) -> int:
        """The glTF texture of ``texture``: its image is added on first use, so roles or materials
        given the same object share one image."""
        if id(texture) not in self.texture_of:
            view = {"buffer": 0, "byteOffset": self.append(texture.data), "byteLength": len(texture.data)}
            self.buffer_views.append(view)
            self.images.append({"bufferView": len(self.buffer_views) - 1, "mimeType": MIME[texture.fmt]})
            source = len(self.images) - 1
            if texture.fmt == "webp":
                self.textures.append({"sampler": 0, "extensions": {"EXT_texture_webp": {"source": source}}})
                self.extensions.add("EXT_texture_webp")
            else:
                self.textures.append({"sampler": 0, "source": source})
            self.texture_of[id(texture)] = (texture, len(self.textures) - 1)
        return self.texture_of[id(texture)][1]

    def texture_info(self, texture: Texture, **fields: float) -> dict:
        """A textureInfo on TEXCOORD_0 (``fields``: scale or strength), with the UV transform if any."""
        info: dict = {"index": self.add_texture(texture), **fields}
        if self.uv_transform is not None:
            offset, scale = self.uv_transform
            info["extensions"] = {"KHR_texture_transform": {"offset": offset.tolist(), "scale": scale.tolist()}}
            self.extensions.add("KHR_texture_transform")
        return info

    def add_material(self, material: Material, maps: dict[str, Texture]) -> int:
        """A glTF material (see :func:`_material`) with a textureInfo for each of ``maps`` ({role: Texture})."""
        self.materials.append(_material(material, maps, self.texture_info))
        return len(self.materials) - 1

    def document(self, metadata: dict, node: dict, primitives: list[dict]) -> dict:
        """The glTF JSON, keys in the order vtour has always written them."""
        asset: dict = {"version": "2.0", "generator": "vtour", "extras": metadata}
        if metadata.get("licence"):
            asset["copyright"] = str(metadata["licence"])
        doc: dict = {"asset": asset, "scene": 0, "scenes": [{"nodes": [0]}]}
        doc["buffers"] = [{"byteLength": self.bin_length}]
        if self.compress:
            fallback = {"EXT_meshopt_compression": {"fallback": True}}
            doc["buffers"].append({"byteLength": self.fallback_length, "extensions": fallback})
        doc.update(bufferViews=self.buffer_views, accessors=self.accessors, materials=self.materials)
        if self.images:
            doc.update(samplers=[SAMPLER], images=self.images, textures=self.textures)
        doc.update(nodes=[node], meshes=[{"name": node["name"], "primitives": primitives}])
        if self.extensions:  # glTF's schema wants these lists non-empty when present
            doc.update(extensionsUsed=sorted(self.extensions), extensionsRequired=sorted(self.extensions))
        return doc

    def glb(self, metadata: dict, node: dict, primitives: list[dict]) -> bytes:
        """The finished file."""
        return pack_glb(self.document(metadata, node, primitives), b"".join(self.bin_parts))


def encode_glb(
    mesh: Mesh,
    textures: Sequence[Texture | dict[str, Texture] | None],
    *,
    compress: bool = True,
    plain: bool = False,
    position_bits: int = 14,
    deviation: np.ndarray | None = None,
    attributes: Mapping[str, np.ndarray] | None = None,
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
    plain : bool
        float32 positions, normals and UVs without KHR_mesh_quantization (module docstring);
        only uncompressed (``compress=False``).
    position_bits : int in 8..16, the POSITION grid (see :func:`quantize_positions`)
    deviation : (n,) float, optional, the per-vertex heat map in model units
    attributes : {name: (n,) float}, optional, more per-vertex scalars written as float
        attributes; names start with "_" (glTF's application-specific attributes), e.g. _CHANGE_0
    metadata : dict, optional: title, source, units, licence (into ``asset.extras``)
    """
    metadata = dict(metadata or {})
    if plain and compress:
        raise VtourError("model", "glb: a plain file is uncompressed (compress=False)", field="plain", value=plain)
    q, origin, step = quantize_positions(mesh.positions, position_bits)
    uv_transform = None if plain else _uv_transform(mesh.uv)
    writer = GlbWriter(compress, uv_transform, plain)
    scalars = {"_DEVIATION": deviation} if deviation is not None else {}
    for name, values in (attributes or {}).items():
        if not name.startswith("_") or name in scalars or len(values) != mesh.vertex_count:
            raise VtourError(
                "model",
                f"glb: attribute {name!r} needs a name starting with '_', given once, and "
                f"{mesh.vertex_count} values (has {len(values)})",
                field="attributes",
                value=name,
            )
        scalars[name] = values
    streams = _plain_streams(mesh, origin, scalars) if plain else _vertex_streams(mesh, q, uv_transform, scalars)
    primitives = [_primitive(writer, mesh, streams, int(k)) for k in np.unique(mesh.face_material)]
    _materials(writer, mesh, textures)
    unit = UNIT_METRES.get(mesh.units, 1.0)
    node = {
        "mesh": 0,
        "name": str(metadata.get("title") or "model"),
        "translation": (origin * unit).tolist(),
        "scale": [(1.0 if plain else step) * unit] * 3,
    }
    return writer.glb(metadata, node, primitives)


def _uv_transform(uv: np.ndarray | None) -> UvTransform | None:
    """None when the UVs fit [0, 1] (quantized as they are), else their own range."""
    if uv is None:
        return None
    lo, hi = uv.min(axis=0), uv.max(axis=0)
    if lo.min() >= 0.0 and hi.max() <= 1.0:
        return None
    return UvTransform(lo, np.maximum(hi - lo, 1e-12))


def _vertex_streams(
    mesh: Mesh, q: np.ndarray, uv_transform: UvTransform | None, scalars: Mapping[str, np.ndarray]
) -> dict[str, Stream]:
    """Each attribute the mesh has, quantized as the module docstring lays out, in glTF order."""
    streams = {"POSITION": Stream(_pad(q, 4), USHORT, "VEC3", False, True)}
    if mesh.normals is not None:
        streams["NORMAL"] = Stream(_pad(_snorm8(mesh.normals), 4), BYTE, "VEC3", True, False)
    if mesh.uv is not None:
        uv = mesh.uv if uv_transform is None else (mesh.uv - uv_transform.offset) / uv_transform.scale
        streams["TEXCOORD_0"] = Stream(_unorm16(uv), USHORT, "VEC2", True, False)
    if mesh.colors is not None:
        streams["COLOR_0"] = Stream(_unorm16(mesh.colors), USHORT, "VEC4", True, False)
    for name, values in scalars.items():
        streams[name] = Stream(np.asarray(values, np.float32)[:, None], FLOAT, "SCALAR", False, True)
    return streams


def _plain_streams(mesh: Mesh, origin: np.ndarray, scalars: Mapping[str, np.ndarray]) -> dict[str, Stream]:
    """Each attribute the mesh has as core glTF floats (``plain``, module docstring), in glTF order."""
    streams = {"POSITION": Stream((mesh.positions - origin).astype(np.float32), FLOAT, "VEC3", False, True)}
    if mesh.normals is not None:
        n = mesh.normals.astype(np.float64)
        n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-30)
        streams["NORMAL"] = Stream(n.astype(np.float32), FLOAT, "VEC3", False, False)
    if mesh.uv is not None:
        streams["TEXCOORD_0"] = Stream(mesh.uv.astype(np.float32), FLOAT, "VEC2", False, False)
    if mesh.colors is not None:
        streams["COLOR_0"] = Stream(_unorm16(mesh.colors), USHORT, "VEC4", True, False)
    for name, values in scalars.items():
        streams[name] = Stream(np.asarray(values, np.float32)[:, None], FLOAT, "SCALAR", False, True)
    return streams


def _primitive(writer: GlbWriter, mesh: Mesh, streams: dict[str, Stream], material: int) -> dict:
    """The primitive of one material's faces: its own vertices, reordered for the GPU, then written.

    Each primitive gathers the vertices its faces use, so a vertex that faces of two materials
    share (against mesh.py's convention) is simply written twice; nothing here relies on it.
    """
    faces = mesh.faces[mesh.face_material == material]
    verts = np.unique(faces)
    local = np.searchsorted(verts, faces).astype(np.uint32).reshape(-1)
    local, remap, n = meshopt.reorder_mesh(local, True, False)
    order = np.empty(n, np.int64)
    order[remap[: len(verts)]] = verts  # new slot -> old vertex id
    attributes = {}
    for name, stream in streams.items():
        rows = stream.rows[order]
        width = WIDTH[stream.type]
        bounds = (rows[:, :width].min(axis=0), rows[:, :width].max(axis=0)) if stream.bounded else None
        view = writer.add_buffer_view(rows, ARRAY_BUFFER)
        attributes[name] = writer.add_accessor(view, stream.component_type, stream.type, n, stream.normalized, bounds)
    indices = local.astype(np.uint16 if n < 65536 else np.uint32)
    view = writer.add_buffer_view(indices, ELEMENT_ARRAY_BUFFER)
    index_type = USHORT if indices.dtype == np.uint16 else UINT
    return {
        "attributes": attributes,
        "indices": writer.add_accessor(view, index_type, "SCALAR", len(indices)),
        "material": material,
    }


def _materials(writer: GlbWriter, mesh: Mesh, textures: Sequence[Texture | dict[str, Texture] | None]) -> None:
    """One glTF material per ``mesh.materials``; maps only when the mesh has UVs to put them on."""
    for material, maps in zip(mesh.materials, textures):
        if maps is None or mesh.uv is None:
            maps = {}
        elif isinstance(maps, Texture):
            maps = {"baseColor": maps}
        writer.add_material(material, maps)


def _material(material: Material, maps: dict[str, Texture], texture_info: Callable[..., dict]) -> dict:
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


#: Buffers to read views from: one BIN chunk that every view addresses (a .glb written here), or
#: one bytes per entry of the document's ``buffers`` (a .gltf, or a .glb with external buffers).
Buffers = bytes | Sequence[bytes]
#: numpy type of each glTF componentType.
DTYPE = {BYTE: np.int8, UBYTE: np.uint8, SHORT: np.int16, USHORT: np.uint16, UINT: np.uint32, FLOAT: np.float32}


def _buffer(buffers: Buffers, index: int) -> bytes:
    return buffers if isinstance(buffers, (bytes, bytearray, memoryview)) else buffers[index]  # type: ignore[return-value]


def read_view(doc: dict, bin_data: Buffers, index: int) -> bytes:
    """The bytes of a bufferView, decoding EXT_meshopt_compression (any mode and filter) when present."""
    bv = doc["bufferViews"][index]
    ext = bv.get("extensions", {}).get("EXT_meshopt_compression")
    if ext is None:
        off = bv.get("byteOffset", 0)
        return bytes(_buffer(bin_data, bv.get("buffer", 0))[off : off + bv["byteLength"]])
    start = ext.get("byteOffset", 0)
    payload = bytes(_buffer(bin_data, ext.get("buffer", 0))[start : start + ext["byteLength"]])
    out = meshopt.decode_gltf_buffer(payload, ext["count"], ext["byteStride"], ext["mode"], ext.get("filter", "NONE"))
    return np.ascontiguousarray(out).tobytes()


def _rows(data: bytes, offset: int, count: int, stride: int, dtype: type, width: int) -> np.ndarray:
    """``count`` elements of ``width`` ``dtype`` values, one every ``stride`` bytes from ``offset``
    (the last element may end short of a full stride, as glTF allows)."""
    size = width * np.dtype(dtype).itemsize
    raw = np.frombuffer(data, np.uint8)[offset:]
    raw = np.pad(raw, (0, max(count * stride - len(raw), 0)))[: count * stride]
    rows = raw.reshape(count, stride)[:, :size]
    return np.ascontiguousarray(rows).view(dtype)


def read_accessor(doc: dict, bin_data: Buffers, index: int) -> np.ndarray:
    """An accessor's values as stored (quantized), shape (count, components) or (count,);
    sparse substitutions applied, zeros where it has no bufferView."""
    acc = doc["accessors"][index]
    dtype = DTYPE[acc["componentType"]]
    width = WIDTH[acc["type"]]
    if "bufferView" in acc:
        bv = doc["bufferViews"][acc["bufferView"]]
        stride = bv.get("byteStride", width * np.dtype(dtype).itemsize)
        data = read_view(doc, bin_data, acc["bufferView"])
        values = _rows(data, acc.get("byteOffset", 0), acc["count"], stride, dtype, width)
    else:
        values = np.zeros((acc["count"], width), dtype)
    sparse = acc.get("sparse")
    if sparse is not None:
        n, at, by = sparse["count"], sparse["indices"], sparse["values"]
        kind = DTYPE[at["componentType"]]
        where = _rows(
            read_view(doc, bin_data, at["bufferView"]), at.get("byteOffset", 0), n, np.dtype(kind).itemsize, kind, 1
        )
        size = width * np.dtype(dtype).itemsize
        values = values.copy()
        values[where.reshape(-1)] = _rows(
            read_view(doc, bin_data, by["bufferView"]), by.get("byteOffset", 0), n, size, dtype, width
        )
    return values.reshape(-1) if width == 1 else values
