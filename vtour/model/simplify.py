"""Simplify a mesh to a triangle budget with meshoptimizer, keeping UV seams and the texture valid.

meshoptimizer's ``meshopt_simplify`` (Kapoulkine; quadric error metrics after Garland & Heckbert
1997) only collapses an edge onto one of the mesh's own vertices and classifies vertices that share a
position but differ in attributes as seam vertices, which may only slide along their seam. So the
output indexes a subset of the input vertices with their original UVs, colours and normals: the
texture stays valid with no re-baking. Vertex colours enter the metric through
``meshopt_simplifyWithAttributes`` so colour boundaries of untextured scans survive too.

The C library is the one PyPI's ``meshoptimizer`` wheel ships (core of about v0.23). Its Python
``simplify_with_attributes`` passes floats and sizes without ctypes argtypes (a crash upstream),
so this module declares the C signatures itself from meshoptimizer.h and calls them directly.

Budget contract: the result has at most ``target`` triangles. meshoptimizer may stop short when
topology (seams, borders) blocks further collapses; the last resort is ``meshopt_simplifySloppy``,
which always reaches the budget but may stretch the texture across seams, and warns. With
``lock_border`` (chunks simplified apart, then merged: :mod:`vtour.model.chunked`) border vertices
stay where they are and the sloppy fallback, which would move them, is not taken: such a chunk
stays above its share.

Deviation (benchmarks/bench_simplify.py: exact two-sided Hausdorff against open3d's quadric
decimation, which moves vertices to their optimum and drops the UVs). On real scans (Stanford
bunny, LeePerrySmith, to 10 %) vtour's is 0.7x open3d's. On bench_model's lat-long bump sphere it
is 6x: meshoptimizer collapses onto the scan's own vertices, in batches, with an error averaged
over the area a vertex stands for, and leaves long edges across the bump crests. A newer
meshoptimizer core's ``meshopt_simplifyWithUpdate`` (vertices moved to their quadric optimum, UVs
kept) measured 5.6x there, and with edge flips towards the scan 3.2x, as MeshLab's texture-aware
collapse; none reaches 1.5x while keeping the UVs, and PyPI's ``meshoptimizer`` still ships the
older core.
"""

from __future__ import annotations

import ctypes
import logging
import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from vtour.errors import VtourError, VtourWarning
from vtour.model.mesh import Mesh

log = logging.getLogger(__name__)

# meshopt_SimplifyXxx option bits (meshoptimizer.h, v0.23)
SIMPLIFY_LOCK_BORDER = 1 << 0
SIMPLIFY_PRUNE = 1 << 3  # removes every piece below target_error: useless with a budget-driven 1.0
#: Below this many triangles a budget is refused: nothing recognisable is left.
MIN_TRIANGLES = 4


@dataclass(frozen=True)
class SimplifyResult:
    """What a simplification reached: triangles, meshoptimizer's error estimate (model units;
    an estimate, not a bound: measure with vtour.model.deviation) and the method used."""

    triangles: int
    error_estimate: float
    method: str


@lru_cache(maxsize=1)
def _lib():
    try:
        from meshoptimizer._loader import lib
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise VtourError("model", "the meshoptimizer package is missing", fix="pip install meshoptimizer") from exc
    u32p, f32p = ctypes.POINTER(ctypes.c_uint), ctypes.POINTER(ctypes.c_float)
    size, vp = ctypes.c_size_t, ctypes.c_void_p
    lib.meshopt_simplify.argtypes = [u32p, u32p, size, f32p, size, size, size, ctypes.c_float, ctypes.c_uint, f32p]
    lib.meshopt_simplify.restype = size
    lib.meshopt_simplifyWithAttributes.argtypes = [
        u32p,
        u32p,
        size,
        f32p,
        size,
        size,
        f32p,
        size,
        f32p,
        size,
        vp,
        size,
        ctypes.c_float,
        ctypes.c_uint,
        f32p,
    ]
    lib.meshopt_simplifyWithAttributes.restype = size
    lib.meshopt_simplifySloppy.argtypes = [u32p, u32p, size, f32p, size, size, size, ctypes.c_float, f32p]
    lib.meshopt_simplifySloppy.restype = size
    lib.meshopt_simplifyScale.argtypes = [f32p, size, size]
    lib.meshopt_simplifyScale.restype = ctypes.c_float
    return lib


def _ptr(a: np.ndarray, kind):
    return a.ctypes.data_as(ctypes.POINTER(kind))


def simplify_indices(
    indices: np.ndarray,
    positions: np.ndarray,
    target: int,
    *,
    attributes: np.ndarray | None = None,
    weights: np.ndarray | None = None,
    options: int = 0,
    sloppy: bool = False,
    target_error: float = 1.0,
) -> tuple[np.ndarray, float]:
    """Call meshoptimizer on a flat index buffer.

    Parameters
    ----------
    indices : (3m,) uint32
    positions : (n, 3) float32, C-contiguous
    target : int
        Triangle budget.
    attributes : (n, k) float32, optional, with ``weights`` (k,) float32 (1 each when not given)
    target_error : float
        Relative to the mesh extent (1.0 lets the budget decide).

    Returns
    -------
    ((3t,) uint32 indices with t <= target, relative error estimate)
    """
    lib = _lib()
    out = np.empty(len(indices), np.uint32)
    err = ctypes.c_float(0.0)
    args = (
        _ptr(out, ctypes.c_uint),
        _ptr(indices, ctypes.c_uint),
        len(indices),
        _ptr(positions, ctypes.c_float),
        len(positions),
        12,
    )
    if sloppy:
        count = lib.meshopt_simplifySloppy(*args, 3 * target, target_error, ctypes.byref(err))
    elif attributes is not None:
        weights = np.ones(attributes.shape[1], np.float32) if weights is None else weights
        count = lib.meshopt_simplifyWithAttributes(
            *args,
            _ptr(attributes, ctypes.c_float),
            attributes.shape[1] * 4,
            _ptr(weights, ctypes.c_float),
            len(weights),
            None,
            3 * target,
            target_error,
            options,
            ctypes.byref(err),
        )
    else:
        count = lib.meshopt_simplify(*args, 3 * target, target_error, options, ctypes.byref(err))
    return out[:count].copy(), float(err.value)


def simplify_mesh(
    mesh: Mesh, target: int, *, color_weight: float = 1.0, lock_border: bool = False
) -> tuple[Mesh, SimplifyResult]:
    """Simplify to at most ``target`` triangles, reusing the mesh's own vertices.

    Parameters
    ----------
    mesh : Mesh, cleaned (welded, so seams are split vertices at one position)
    target : int, >= MIN_TRIANGLES
    color_weight : float
        Weight of RGB vertex colours (in [0, 1]) against relative position error.
    lock_border : bool
        Keep every border vertex (an edge used by one triangle) where it is
        (meshopt SIMPLIFY_LOCK_BORDER), so chunks simplified apart still meet. The sloppy
        fallback would move borders, so a locked simplification that stops above the budget
        returns above it, with a warning.

    Returns
    -------
    (Mesh with only the used vertices, SimplifyResult)
    """
    if target < MIN_TRIANGLES:
        raise VtourError(
            "model",
            f"simplify: target {target} triangles is below the minimum of {MIN_TRIANGLES}",
            field="target",
            value=target,
        )
    if target >= mesh.triangle_count:
        return mesh, SimplifyResult(mesh.triangle_count, 0.0, "none")
    # float32 loses precision far from the origin (georeferenced scans); the metric is
    # translation-invariant, so simplify around the box centre.
    centre = mesh.bounds.mean(axis=0)
    positions = np.ascontiguousarray(mesh.positions - centre, dtype=np.float32)
    indices = np.ascontiguousarray(mesh.faces.reshape(-1), dtype=np.uint32)
    attributes = weights = None
    if mesh.colors is not None and color_weight > 0:
        attributes = np.ascontiguousarray(mesh.colors[:, :3], dtype=np.float32)
        weights = np.full(3, color_weight, np.float32)
    method = "meshopt" if attributes is None else "meshopt+colors"
    options = SIMPLIFY_LOCK_BORDER if lock_border else 0
    out, err = simplify_indices(indices, positions, target, attributes=attributes, weights=weights, options=options)
    if len(out) > 3 * target and lock_border:
        warnings.warn(
            f"model: {mesh.source}: locked borders stop meshoptimizer at {len(out) // 3} "
            f"triangles above the budget of {target}; kept above it, as the sloppy fallback "
            "would open cracks between chunks; give this chunk a larger share",
            VtourWarning,
            stacklevel=2,
        )
    elif len(out) > 3 * target:
        warnings.warn(
            f"model: {mesh.source}: seams and borders stop meshoptimizer at "
            f"{len(out) // 3} triangles above the budget of {target}; using sloppy "
            "simplification, which may smear the texture across seams; raise the "
            "budget of this level to avoid it",
            VtourWarning,
            stacklevel=2,
        )
        out, err = simplify_indices(indices, positions, target, sloppy=True)
        method = "meshopt-sloppy"
    faces = out.reshape(-1, 3).astype(np.int64)
    face_material = mesh.vertex_material()[faces[:, 0]]
    used = np.unique(faces)
    scale = float(_lib().meshopt_simplifyScale(_ptr(positions, ctypes.c_float), len(positions), 12))
    result = mesh.with_vertices(used, faces, face_material)
    log.info("model: simplified %d -> %d triangles (%s)", mesh.triangle_count, result.triangle_count, method)
    return result, SimplifyResult(result.triangle_count, err * scale, method)
