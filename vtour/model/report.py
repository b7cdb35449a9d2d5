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
                             "*_fraction", "diagonal",
                             "measured": {"scan_vertices", "scan_vertices_total",
                                          "scan_vertices_sampling": "all" | "stratified",
                                          "scan_samples", "level_samples"}},
               "per_vertex_deviation": {"attribute": "_DEVIATION", "max",
                                        "histogram": {"edges": [33 floats], "counts": [32 ints]}}}],
     "levels_left_out": [{"budget": {"triangles", "texture_size"}, "same_as": "lod<k>.glb" | null,
                          "reason"}],
     "change": [{"index": j, "source", "date", "file": "previous<j>.glb", "attribute": "_CHANGE_<j>",
                 "triangles", "bytes",
                 "alignment": {"method", "rms", "fitness", "transform": 4x4 row-major, previous -> current,
                               "inside_out": bool (the previous scan's winding was turned)},
                 "noise", "limits": {"minor", "major"}, "not_measured": 1e30 (the attribute's value there),
                 "scan": {"min", "max", "mean", "p05", "p95", "histogram",
                          "area_fraction": {"none", "minor", "major", "uncovered"}},
                 "levels": [{"level": k, ...as "scan"}]}],
     "downloads"?: {"scan": "scan/<name>.zip", "files": [...], "glb": "lod<k>.uncompressed.glb"},
     "options": {...}, "seconds": float}

``deviation.measured`` (:mod:`vtour.model.deviation`) says what each level was measured on: the
scan vertices asked (``scan_vertices``) out of all its faces use (``scan_vertices_total``), how
they were chosen (``"all"``, or ``"stratified"``: one seeded random vertex in each equal run of the
vertex order) and the area-uniform samples per direction (``scan_samples`` on the scan,
``level_samples`` on the level). Above :data:`vtour.model.deviation.MAX_POINTS` (1,000,000) scan
vertices the sampling is stratified, so ``forward_max`` (and ``hausdorff`` where it comes from
that direction) is a lower bound of the true maximum: the largest over the vertices measured.

``change`` (one entry per previous scan, :mod:`vtour.model.change`) is empty without previous
scans. Its ``scan`` statistics are the change as measured, on the scan's own vertices (area
fractions weighted by area); each level's are the same values carried to its vertices, so they
differ from the scan's only by sampling. ``downloads`` is there only when they were asked for.

``lods`` lists the files written; a level asked for but identical to the coarser one before it
(``same_as`` that file) or simplified to no triangles (``same_as`` null) is in ``levels_left_out``.

The keys are written in this order; the functions below build the parts a build fills in.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, is_dataclass
from pathlib import Path

import numpy as np

from vtour.model.clean import CleanReport
from vtour.model.deviation import Deviation
from vtour.model.glb import Texture
from vtour.model.lod import LeftOut, Level
from vtour.model.mesh import Mesh
from vtour.model.options import ModelOptions
from vtour.model.simplify import SimplifyResult

FORMAT, VERSION = "vtour-model-report", 1


def level_file(k: int, *, compressed: bool = True) -> str:
    """The file name of level ``k`` (0 is the coarsest): ``lod<k>.glb`` or ``lod<k>.uncompressed.glb``."""
    return f"lod{k}.glb" if compressed else f"lod{k}.uncompressed.glb"


def mesh_summary(mesh: Mesh) -> dict:
    """The ``input`` entry: counts, material names, image sizes [w, h] px, bounds and diagonal in model units."""
    return {
        "triangles": mesh.triangle_count,
        "vertices": mesh.vertex_count,
        "materials": [m.name for m in mesh.materials],
        "textures": [list(m.texture_size) if m.texture_size else None for m in mesh.materials],
        "maps": [{role: [a.shape[1], a.shape[0]] for role, a in m.maps.items()} or None for m in mesh.materials],
        "bounds": mesh.bounds.tolist(),
        "diagonal": mesh.diagonal,
    }


def level_entry(
    k: int,
    level: Level,
    mesh: Mesh,
    simplified: SimplifyResult,
    textures: list[dict[str, Texture] | None],
    deviation: Deviation,
    size: int,
) -> dict:
    """One ``lods`` entry: level ``k``'s file of ``size`` bytes, its mesh against its budget, each
    material's maps ([w, h] px, ``textures`` as :func:`vtour.model.build.level_textures` gives them)
    and its deviation from the scan in model units."""
    return {
        "level": k,
        "file": level_file(k),
        "bytes": size,
        "triangles": mesh.triangle_count,
        "vertices": mesh.vertex_count,
        "budget": {"triangles": level.triangles, "texture_size": level.texture_size},
        "texture_sizes": [
            [m["baseColor"].width, m["baseColor"].height] if m and "baseColor" in m else None for m in textures
        ],
        "maps": [{role: [t.width, t.height] for role, t in m.items()} if m else None for m in textures],
        "texture_format": next((t.fmt for m in textures if m for t in m.values()), None),
        "simplifier": simplified.method,
        "deviation": deviation.as_dict(),
        "per_vertex_deviation": {
            "attribute": "_DEVIATION",
            "max": float(deviation.per_vertex.max()),
            "histogram": histogram(deviation.per_vertex, 0.0, float(deviation.per_vertex.max())),
        },
    }


#: Bins of the histograms in report.json.
BINS = 32


def histogram(values: np.ndarray, lo: float, hi: float, bins: int = BINS) -> dict:
    """``{"edges": [bins + 1 floats], "counts": [bins ints]}`` of ``values`` over [lo, hi] (an
    empty range is widened by a hair, so that every value falls in a bin)."""
    if not hi > lo:
        hi = lo + max(abs(lo), 1.0) * 1e-9
    counts, edges = np.histogram(np.asarray(values, np.float64), bins=bins, range=(lo, hi))
    return {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]}


def left_out_entry(item: LeftOut) -> dict:
    """A ``levels_left_out`` entry: the budget asked for, the file it equals (or None), why."""
    budget = {"triangles": item.level.triangles, "texture_size": item.level.texture_size}
    return {
        "budget": budget,
        "same_as": None if item.same_as is None else level_file(item.same_as),
        "reason": item.reason,
    }


def uncompressed_entry(k: int, size: int) -> dict:
    """The keys a level entry gains when its uncompressed variant of ``size`` bytes is written too."""
    return {"uncompressed_file": level_file(k, compressed=False), "uncompressed_bytes": size}


def model_report(
    source: Path,
    metadata: dict,
    scan: Mesh,
    cleaning: CleanReport,
    lods: list[dict],
    options: ModelOptions,
    seconds: float,
    *,
    left_out: Sequence[LeftOut] = (),
    change: Sequence[dict] = (),
    downloads: dict | None = None,
) -> dict:
    """The whole report: ``metadata`` as the .glb files carry it (title, units, licence), the scan as
    read, what cleaning removed, the level entries, the levels not written, the change against each
    previous scan, the downloads written, the options and the build's seconds."""
    report = {
        "format": FORMAT,
        "version": VERSION,
        "source": str(source),
        "title": metadata["title"],
        "units": metadata["units"],
        "licence": metadata["licence"],
        "input": mesh_summary(scan),
        "clean": cleaning.as_dict(),
        "lods": lods,
        "levels_left_out": [left_out_entry(x) for x in left_out],
        "change": list(change),
    }
    if downloads is not None:
        report["downloads"] = downloads
    report.update(options=options, seconds=seconds)
    return report


def to_json(value):
    """Dataclasses, numpy scalars and tuples as plain JSON values."""
    if is_dataclass(value) and not isinstance(value, type):
        return to_json(asdict(value))
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def dumps(report: dict) -> str:
    """report.json's text: two-space indent, no NaN (a NaN deviation is a bug, not a value)."""
    return json.dumps(to_json(report), indent=2, allow_nan=False) + "\n"


def publish_report(path: Path, source: str) -> None:
    """Give the report.json at ``path`` its published form: the scan named ``source``, as the
    authoring file names it (not the build machine's absolute path), and no ``seconds`` (the build's
    own time), so that a published tour or collection is the same bytes wherever it was built (a
    Dask worker, this machine). The file is a hard link into a build cache: it is replaced, never
    written through."""
    report = json.loads(path.read_text(encoding="utf-8"))
    report.pop("seconds", None)
    report["source"] = source
    path.unlink()
    path.write_text(dumps(report), encoding="utf-8")
