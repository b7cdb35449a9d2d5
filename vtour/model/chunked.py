"""Simplify a very large scan in spatial chunks with locked borders, then merge and finish.

meshoptimizer's simplifier holds its own per-vertex and per-edge tables for the whole mesh (about
200 bytes per triangle for a textured scan), and its collapse loop is serial. A 20 M-triangle scan
in one call needs several GB beside the scan and one core for minutes. So above
:data:`CHUNK_THRESHOLD` triangles, :func:`simplify_chunked`:

1. splits the faces into chunks of at most :data:`CHUNK_TRIANGLES` triangles by recursive median
   splits of their centroids along the longest side of each chunk's box (a k-d tree: balanced
   chunks whatever the scan's shape, where a regular grid over the box leaves cells empty);
2. simplifies every chunk to its share (by triangle count) of an intermediate budget,
   :data:`OVERSHOOT` times the target but at most :data:`CHUNK_THRESHOLD` (and at least the target;
   a chunk whose share is its whole size is left as it is), with ``SIMPLIFY_LOCK_BORDER``: every vertex on an open edge
   of the chunk (the cut, and the scan's own holes) stays, so two chunks still share their border
   vertices, by index, and the merged mesh is as watertight as the scan. Chunks run on
   :data:`WORKERS` threads (ctypes releases the GIL around meshoptimizer's C call);
3. merges the chunks' faces (they index the scan's vertices, so no welding is needed), repeats
   step 2 on the merged mesh while it is above :data:`CHUNK_THRESHOLD` and a stage still removes a
   tenth, then runs one unlocked pass (:func:`vtour.model.simplify.simplify_mesh`) down to the
   target, which also simplifies the dense strips the locked borders left. That pass gets at most
   about :data:`CHUNK_THRESHOLD` triangles whatever the target (a target above it is reached by the
   chunk stages; the pass then only trims what they left over the target).

Every output vertex is still one of the scan's own vertices with its UV, colour and normal, as
with the one-call simplifier: the texture stays valid. The deviation a chunked level has is
measured against the scan like any other level's (report.json), not estimated.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from vtour.model.mesh import Mesh
from vtour.model.simplify import SIMPLIFY_LOCK_BORDER, SimplifyResult, simplify_indices, simplify_mesh

log = logging.getLogger(__name__)

#: Above this many triangles a level is simplified in chunks (below it one call is fast and small).
CHUNK_THRESHOLD = 4_000_000
#: The most triangles of one chunk: meshoptimizer's tables for it stay under about 0.5 GB.
CHUNK_TRIANGLES = 2_000_000
#: The chunks together aim at this many times the target, so that the final unlocked pass has room
#: to choose which collapses to make across the former borders.
OVERSHOOT = 2.0
#: Chunks simplified at once (one per core of a small machine; each holds its own tables).
WORKERS = 2


def split_chunks(centroids: np.ndarray, max_faces: int) -> list[np.ndarray]:
    """Face indices of each chunk: recursive median splits along the longest side of a chunk's
    centroid box until no chunk has more than ``max_faces`` faces; (k,) int64 arrays, sorted."""
    out: list[np.ndarray] = []
    stack = [np.arange(len(centroids), dtype=np.int64)]
    while stack:
        ids = stack.pop()
        if len(ids) <= max_faces:
            out.append(np.sort(ids))
            continue
        c = centroids[ids]
        axis = int(np.argmax(c.max(axis=0) - c.min(axis=0)))
        half = len(ids) // 2
        order = np.argpartition(c[:, axis], half)
        del c
        stack += [ids[order[:half]], ids[order[half:]]]
    return out


def _centroids(mesh: Mesh) -> np.ndarray:
    """(m, 3) float32 face centroids, computed in blocks (no (m, 3, 3) temporary)."""
    out = np.empty((mesh.triangle_count, 3), np.float32)
    block = 1 << 20
    for start in range(0, mesh.triangle_count, block):
        f = mesh.faces[start : start + block]
        p = mesh.positions
        out[start : start + block] = (p[f[:, 0]] + p[f[:, 1]] + p[f[:, 2]]) / 3.0
    return out


def simplify_chunked(
    mesh: Mesh,
    target: int,
    *,
    color_weight: float = 1.0,
    chunk_triangles: int | None = None,
    workers: int | None = None,
) -> tuple[Mesh, SimplifyResult]:
    """Simplify ``mesh`` to at most ``target`` triangles in chunks (module docstring).

    The chunks aim at ``OVERSHOOT * target`` triangles in all, capped at :data:`CHUNK_THRESHOLD`
    (never below the target), so the final one-call pass gets at most about that many: its tables
    are bounded like the chunks'. Where the chunks leave more (dense strips along locked borders),
    the chunk stage runs again on the merged mesh, new chunks cut elsewhere, while it still removes
    a tenth. A target of at least :data:`CHUNK_THRESHOLD` is reached by chunk stages alone; the
    unlocked pass then only runs when they stop above the target (on about ``target`` triangles).

    Returns the mesh and a SimplifyResult whose method reads ``"<final pass's method>, chunked
    (<k> chunks, borders locked)"`` (``<k> + <k2> chunks in 2 stages`` when repeated); its error
    estimate is the largest of the chunks' and the final pass's (meshoptimizer's estimates, model units).
    """
    chunk_triangles = chunk_triangles or CHUNK_TRIANGLES
    workers = workers or WORKERS
    if target >= mesh.triangle_count:
        return simplify_mesh(mesh, target, color_weight=color_weight)
    budget = max(target, min(int(OVERSHOOT * target), CHUNK_THRESHOLD))
    current, counts, errors = mesh, [], [0.0]
    while current.triangle_count > budget:
        merged, error, count = _chunk_stage(current, budget, color_weight, chunk_triangles, workers)
        counts.append(count)
        errors.append(error)
        log.info(
            "model: chunked: %d -> %d triangles in %d chunks of at most %d, borders locked",
            current.triangle_count,
            merged.triangle_count,
            count,
            chunk_triangles,
        )
        progress = merged.triangle_count < 0.9 * current.triangle_count
        current = merged
        if current.triangle_count <= CHUNK_THRESHOLD or not progress:
            break
    stages = " + ".join(map(str, counts)) + (f" chunks in {len(counts)} stages" if len(counts) > 1 else " chunks")
    if current.triangle_count <= target:
        kind = "meshopt+colors" if mesh.colors is not None and color_weight > 0 else "meshopt"
        return current, SimplifyResult(
            current.triangle_count, max(errors), f"{kind}, chunked ({stages}, borders locked)"
        )
    result, final = simplify_mesh(current, target, color_weight=color_weight)
    method = f"{final.method}, chunked ({stages}, borders locked)"
    return result, SimplifyResult(result.triangle_count, max(*errors, final.error_estimate), method)


def _chunk_stage(
    mesh: Mesh, budget: int, color_weight: float, chunk_triangles: int, workers: int
) -> tuple[Mesh, float, int]:
    """``mesh`` simplified chunk by chunk, borders locked, to about ``budget`` triangles in all:
    the merged mesh, the largest of the chunks' error estimates (model units) and the chunk count.
    A chunk whose share is at least its size is kept as it is."""
    chunks = split_chunks(_centroids(mesh), chunk_triangles)
    centre = mesh.bounds.mean(axis=0)  # as simplify_mesh: float32 keeps its precision near the centre
    use_colors = mesh.colors is not None and color_weight > 0
    weights = np.full(3, color_weight, np.float32) if use_colors else None

    def one(ids: np.ndarray) -> tuple[np.ndarray, float]:
        share = max(1, budget * len(ids) // mesh.triangle_count)  # floor: the shares sum to the budget at most
        if share >= len(ids):
            return mesh.faces[ids], 0.0
        faces = mesh.faces[ids]
        verts, local = np.unique(faces, return_inverse=True)
        positions = np.ascontiguousarray(mesh.positions[verts] - centre, dtype=np.float32)
        attributes = (
            np.ascontiguousarray(mesh.colors[verts, :3], dtype=np.float32) if use_colors else None  # type: ignore[index]
        )
        indices = np.ascontiguousarray(local.reshape(-1), dtype=np.uint32)
        del faces, local
        out, err = simplify_indices(
            indices, positions, share, attributes=attributes, weights=weights, options=SIMPLIFY_LOCK_BORDER
        )
        scale = float((positions.max(axis=0) - positions.min(axis=0)).max())  # meshopt_simplifyScale
        return verts[out.astype(np.int64)].reshape(-1, 3), err * scale

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(one, chunks))
    merged_faces = np.concatenate([f for f, _ in results])
    error = max(e for _, e in results)
    count = len(chunks)
    del results, chunks
    used = np.unique(merged_faces)
    face_material = mesh.vertex_material()[merged_faces[:, 0]]
    merged = mesh.with_vertices(used, merged_faces, face_material)
    return merged, error, count
