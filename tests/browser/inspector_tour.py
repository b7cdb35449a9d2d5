"""The test tour of the inspector's browser tests (test_inspector.py): one small scene whose model hotspots open

* ``box``: a box of known size, ``BOX_MM`` = 200 x 100 x 50 mm (x, y, z) centred on the origin, written here as
  three plain .glb levels (each face a grid of n x n quads, n in ``BOX_GRIDS``: 12 n^2 triangles), in mm with a
  node scale of 0.001 (world = metres, as vtour's builds write them), textured with a checker, with per-vertex
  ``_DEVIATION`` (model units, up to the level's Hausdorff) and ``_CHANGE_0`` (a 2 mm loss in a disc of radius 30 mm
  on the front face, +Z; a 0.5 mm gain on the top face; the "not measured" sentinel 1e30 in a disc of the same
  radius on the back face, -Z, a hole of the previous scan; zero elsewhere), a previous scan ``previous0.glb``
  (the box before the loss) listed twice: dated 2019-05-14 with change limits, and 2022-09-01 without (the
  inspector must then ask for limits), and downloads;
* ``lee``: ../shared/data/meshes/LeePerrySmith/LeePerrySmith.glb built by vtour's model build into three levels
  (only when the shared data is there: ``lee`` is then in the tour, see ``build_inspector_tour``).

The tour.json follows the inspector's spec (docs of issue 11): units, diagonal, lods with deviation,
``downloads``, ``previous`` with the change limits.
"""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path

import cv2
import numpy as np

from vtour.tour.assemble import panorama_block

BOX_MM = (200.0, 100.0, 50.0)
BOX_GRIDS = (2, 8, 24)
#: The synthetic change of the box (model units, mm): a loss on the front face's disc, a gain on the top.
LOSS_MM, LOSS_RADIUS_MM, GAIN_MM = 2.0, 30.0, 0.5
#: The build's "not measured" sentinel of _CHANGE_<j> (tour.json previous[j].notMeasured).
NOT_MEASURED = 1.0e30
CHANGE_LIMITS = {"minor": 0.15, "major": 1.0}
FLOAT, UINT32 = 5126, 5125


def _face_grid(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The box's six faces as n x n quad grids: positions (v, 3) mm, normals (v, 3), uvs (v, 2), triangles (t, 3)."""
    half = np.array(BOX_MM) / 2
    t = np.linspace(-1.0, 1.0, n + 1)
    u, v = np.meshgrid(t, t, indexing="xy")
    positions, normals, uvs, triangles = [], [], [], []
    # each face: its normal axis and sign, and the two in-plane axes ordered so the winding faces outwards
    for axis, sign in ((0, 1), (0, -1), (1, 1), (1, -1), (2, 1), (2, -1)):
        a, b = [(axis + 1) % 3, (axis + 2) % 3][::sign]
        p = np.zeros(((n + 1) ** 2, 3))
        p[:, axis] = sign * half[axis]
        p[:, a] = u.ravel() * half[a]
        p[:, b] = v.ravel() * half[b]
        start = sum(len(x) for x in positions)
        idx = np.arange((n + 1) ** 2).reshape(n + 1, n + 1) + start
        q = np.stack([idx[:-1, :-1], idx[:-1, 1:], idx[1:, 1:], idx[1:, :-1]], -1).reshape(-1, 4)
        triangles.append(np.concatenate([q[:, [0, 1, 2]], q[:, [0, 2, 3]]]))
        nrm = np.zeros_like(p)
        nrm[:, axis] = sign
        positions.append(p)
        normals.append(nrm)
        uvs.append(np.stack([(u.ravel() + 1) / 2, (v.ravel() + 1) / 2], -1))
    return (np.concatenate(positions), np.concatenate(normals), np.concatenate(uvs), np.concatenate(triangles))


def box_change(positions: np.ndarray) -> np.ndarray:
    """The synthetic signed change (mm) at box vertices (v, 3) mm: -LOSS_MM in the front disc, +GAIN_MM on top,
    NOT_MEASURED in the back disc (a hole of the previous scan)."""
    half = np.array(BOX_MM) / 2
    disc = np.hypot(positions[:, 0], positions[:, 1]) <= LOSS_RADIUS_MM
    front = np.isclose(positions[:, 2], half[2]) & disc
    back = np.isclose(positions[:, 2], -half[2]) & disc
    top = np.isclose(positions[:, 1], half[1])
    return np.where(front, -LOSS_MM, np.where(back, NOT_MEASURED, np.where(top, GAIN_MM, 0.0)))


def write_glb(
    path: Path,
    positions,
    normals,
    triangles,
    uvs=None,
    texture_png: bytes | None = None,
    scalars: dict[str, np.ndarray] | None = None,
    scale: float = 0.001,
    colour=(1.0, 1.0, 1.0, 1.0),
) -> int:
    """A minimal glTF 2.0 binary: one mesh, one material, float attributes, uint32 indices; returns its bytes."""
    chunks: list[bytes] = []
    views, accessors = [], []

    def add(array: np.ndarray, ctype: int, kind: str, target: int | None, minmax: bool = False) -> int:
        data = np.ascontiguousarray(array, np.uint32 if ctype == UINT32 else np.float32).tobytes()
        offset = sum(len(c) for c in chunks)
        chunks.append(data + b"\0" * (-len(data) % 4))
        view = {"buffer": 0, "byteOffset": offset, "byteLength": len(data)}
        if target:
            view["target"] = target
        views.append(view)
        acc = {"bufferView": len(views) - 1, "componentType": ctype, "count": len(array), "type": kind}
        if minmax:
            acc["min"], acc["max"] = array.min(0).tolist(), array.max(0).tolist()
        accessors.append(acc)
        return len(accessors) - 1

    attributes = {"POSITION": add(positions, FLOAT, "VEC3", 34962, True), "NORMAL": add(normals, FLOAT, "VEC3", 34962)}
    if uvs is not None:
        attributes["TEXCOORD_0"] = add(uvs, FLOAT, "VEC2", 34962)
    for name, values in (scalars or {}).items():
        attributes[name] = add(np.asarray(values, np.float32), FLOAT, "SCALAR", 34962)
    indices = add(np.asarray(triangles).ravel(), UINT32, "SCALAR", 34963)
    pbr = {"baseColorFactor": list(colour), "metallicFactor": 0.0, "roughnessFactor": 0.9}
    doc = {
        "asset": {"version": "2.0", "generator": "vtour tests/browser/inspector_tour.py"},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0, "scale": [scale] * 3}],
        "meshes": [{"primitives": [{"attributes": attributes, "indices": indices, "material": 0}]}],
        "materials": [{"pbrMetallicRoughness": pbr}],
    }
    if texture_png is not None:
        offset = sum(len(c) for c in chunks)
        chunks.append(texture_png + b"\0" * (-len(texture_png) % 4))
        views.append({"buffer": 0, "byteOffset": offset, "byteLength": len(texture_png)})
        doc["images"] = [{"bufferView": len(views) - 1, "mimeType": "image/png"}]
        doc["samplers"] = [{"magFilter": 9729, "minFilter": 9987}]
        doc["textures"] = [{"source": 0, "sampler": 0}]
        pbr["baseColorTexture"] = {"index": 0}
    binary = b"".join(chunks)
    doc.update({"accessors": accessors, "bufferViews": views, "buffers": [{"byteLength": len(binary)}]})
    text = json.dumps(doc).encode()
    text += b" " * (-len(text) % 4)
    glb = (
        struct.pack("<III", 0x46546C67, 2, 12 + 8 + len(text) + 8 + len(binary))
        + struct.pack("<II", len(text), 0x4E4F534A)
        + text
        + struct.pack("<II", len(binary), 0x004E4942)
        + binary
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(glb)
    return len(glb)


def _checker_png(size: int = 256, cells: int = 8) -> bytes:
    """A terracotta / cream checker (RGB) as PNG bytes."""
    y, x = np.mgrid[0:size, 0:size] // (size // cells)
    light = ((x + y) % 2 == 0)[..., None]
    rgb = np.where(light, [235, 215, 170], [170, 80, 50]).astype(np.uint8)
    ok, png = cv2.imencode(".png", rgb[:, :, ::-1])
    assert ok
    return png.tobytes()


def _box(tour: Path) -> dict:
    folder = tour / "models" / "box"
    png = _checker_png()
    diagonal = float(np.linalg.norm(BOX_MM))
    lods = []
    for k, n in enumerate(BOX_GRIDS):
        p, nrm, uv, tri = _face_grid(n)
        hausdorff = 1.0 / n  # a coarser level deviates more
        deviation = hausdorff * np.abs(p[:, 0]) / (BOX_MM[0] / 2)  # 0 at the middle, the Hausdorff at the ends
        size = write_glb(
            folder / f"lod{k}.glb", p, nrm, tri, uv, png, {"_DEVIATION": deviation, "_CHANGE_0": box_change(p)}
        )
        lods.append(
            {
                "path": f"models/box/lod{k}.glb",
                "triangles": len(tri),
                "bytes": size,
                "textureSize": 256,
                "deviation": {
                    "hausdorff": hausdorff,
                    "mean": hausdorff / 2,
                    "rms": hausdorff / 1.7,
                    "relativeHausdorff": hausdorff / diagonal,
                    "relativeRms": hausdorff / 1.7 / diagonal,
                },
            }
        )
    # the previous scan: the finest grid before the loss (the front disc 2 mm further out)
    p, nrm, uv, tri = _face_grid(BOX_GRIDS[-1])
    before = p.copy()
    before[:, 2] -= np.minimum(box_change(p), 0) * (p[:, 2] > 0)  # the back disc's sentinel is positive: kept
    write_glb(folder / "previous0.glb", before, nrm, tri, uv, None, colour=(0.8, 0.75, 0.65, 1.0))
    finest = f"lod{len(BOX_GRIDS) - 1}"
    (folder / f"{finest}.uncompressed.glb").write_bytes((folder / f"{finest}.glb").read_bytes())
    (folder / "scan").mkdir()
    with zipfile.ZipFile(folder / "scan" / "box.zip", "w") as z:
        z.writestr("box.txt", "the box scan\n")
    return {
        "id": "box",
        "title": {"en": "Test box", "zh": "测试盒"},
        "units": "mm",
        "diagonal": diagonal,
        "description": {"en": "A 200 x 100 x 50 mm box", "zh": "200 x 100 x 50 毫米的盒子"},
        "lods": lods,
        "downloads": {"scan": "models/box/scan/box.zip", "glb": f"models/box/{finest}.uncompressed.glb"},
        "previous": [
            {
                "date": "2019-05-14",
                "path": "models/box/previous0.glb",
                "attribute": "_change_0",
                "rms": 0.08,
                "noise": 0.05,
                "limits": dict(CHANGE_LIMITS),
                "notMeasured": NOT_MEASURED,
            },
            {
                "date": "2022-09-01",
                "path": "models/box/previous0.glb",
                "attribute": "_change_0",
                "rms": 0.08,
                "noise": 0.05,
                "notMeasured": NOT_MEASURED,
            },
        ],
    }


def _lee(tour: Path, scan: Path) -> dict:
    from vtour.model import DEFAULT_MODEL_OPTIONS, Level, build_model

    options = DEFAULT_MODEL_OPTIONS.replace(
        lods=(Level(1000, 256), Level(4000, 256), Level(20000, 256)), deviation_samples=4000, title="Lee Perry-Smith"
    )
    result = build_model(scan, tour / "models" / "lee", options)
    lods = []
    for lod in result.report["lods"]:
        d = lod["deviation"]
        lods.append(
            {
                "path": f"models/lee/{lod['file']}",
                "triangles": lod["triangles"],
                "bytes": lod["bytes"],
                "textureSize": None,
                "deviation": {
                    "hausdorff": d["hausdorff"],
                    "mean": d["mean"],
                    "rms": d["rms"],
                    "relativeHausdorff": d["hausdorff_fraction"],
                    "relativeRms": d["rms_fraction"],
                },
            }
        )
    return {
        "id": "lee",
        "title": {"en": "Lee Perry-Smith", "zh": "李·佩里-史密斯"},
        "units": result.report["units"],
        "lods": lods,
        "report": "models/lee/report.json",
    }


def build_inspector_tour(root: Path, lee_scan: Path | None = None) -> Path:
    """Build the tour in ``root / "tour"`` (once per folder) and return its folder; ``lee_scan``: add ``lee``."""
    from vtour.pano import PanoOptions, build_pano

    tour = root / "tour"
    if (tour / "tour.json").is_file():
        return tour
    (root / "src").mkdir(parents=True, exist_ok=True)
    grey = np.full((512, 1024, 3), 110.0)
    grey[:, :, 2] = np.linspace(80, 160, 1024)[None, :]
    src = root / "src" / "room.jpg"
    cv2.imwrite(str(src), grey.astype(np.uint8))
    room = build_pano([src], tour / "scenes" / "room", PanoOptions(tile_size=256, face_size=256, jobs=1))
    models = [_box(tour)]
    hotspots = [{"id": "room-0", "type": "model", "yaw": 0, "pitch": -10, "target": "box"}]
    if lee_scan is not None:
        models.append(_lee(tour, lee_scan))
        hotspots.append({"id": "room-1", "type": "model", "yaw": 30, "pitch": -10, "target": "lee"})
    doc = {
        "format": "vtour-tour",
        "version": 1,
        "id": "inspector-tour",
        "title": {"en": "Inspector test", "zh": "检视器测试"},
        "languages": ["en", "zh"],
        "start": "room",
        "scenes": [
            {
                "id": "room",
                "title": {"en": "Room", "zh": "房间"},
                "panorama": panorama_block("room", room.manifest),
                "view": {"yaw": 0, "pitch": 0, "fov": 70},
                "northOffset": 0,
                "hotspots": hotspots,
            }
        ],
        "models": models,
    }
    (tour / "tour.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False))
    return tour
