"""report.json: what a model build read, removed and wrote, and how far each level deviates.

Shape (all lengths in the scan's units, ``*_fraction`` relative to its bounding-box diagonal)::

    {"format": "vtour-model-report", "version": 1,
     "source": "...", "title": "...", "units": "m" | "unknown", "licence": "...",
     "input": {"triangles", "vertices", "materials", "textures": [[w, h] | null],
               "maps": [{role: [w, h]} | null], "bounds", "diagonal"},
     "clean": {"welded_vertices", "degenerate_faces", "duplicate_faces", "unreferenced_vertices",
               "fragments", "fragment_faces", "normals_computed"},
     "lods": [{"level": 0, "file": "lod0.glb", "bytes", "triangles", "vertices",
               "budget": {"triangles", "texture_size"}, "texture_sizes": [[w, h] | null],
               "maps": [{role: [w, h]} | null] (roles: mesh.MAP_ROLES),
               "texture_format", "simplifier", "uncompressed_file"?, "uncompressed_bytes"?,
               "deviation": {"hausdorff", "mean", "rms", "forward_max", "backward_max",
                             "*_fraction", "diagonal"},
               "per_vertex_deviation": {"attribute": "_DEVIATION", "max"}}],
     "options": {...}, "seconds": float}
"""

from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass

import numpy as np

from vtour.model.mesh import Mesh

FORMAT, VERSION = "vtour-model-report", 1


def mesh_summary(mesh: Mesh) -> dict:
    return {
        "triangles": mesh.triangle_count,
        "vertices": mesh.vertex_count,
        "materials": [m.name for m in mesh.materials],
        "textures": [list(m.texture_size) if m.texture_size else None for m in mesh.materials],
        "maps": [{role: [a.shape[1], a.shape[0]] for role, a in m.maps.items()} or None for m in mesh.materials],
        "bounds": mesh.bounds.tolist(),
        "diagonal": mesh.diagonal,
    }


def to_json(value):
    """Dataclasses, numpy scalars and tuples as plain JSON values."""
    if is_dataclass(value):
        return to_json(asdict(value))
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def dumps(report: dict) -> str:
    return json.dumps(to_json(report), indent=2, allow_nan=False) + "\n"
