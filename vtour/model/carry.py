"""The change measured on a scan's vertices carried to a level of detail's vertices.

A level's vertices are scan vertices (meshoptimizer collapses edges onto them), and the simplifier
keeps the costliest ones: noise spikes, a loss's rim. Their own values, spread over a coarse
level's large triangles, read as more change than the scan has (:mod:`vtour.model.change`). So a
level vertex carries the area-weighted mean of the scan's change over the scan vertices it stands
for, the regions of the deviation heat map (:mod:`vtour.model.deviation`: each scan vertex is
charged to the level vertex nearest its closest point on the level), copies of a vertex at a UV
seam sharing one region (:func:`carried`). A vertex standing for no scan vertex (rare: a seam
copy's twin took them all, or the scan was subsampled) gets the scan's values interpolated
(barycentric, over the measured corners) at its closest point on the scan (:func:`transferred`).

Measured: a level vertex is measured when at least half the area charged to it is; an
interpolated one when the scan corner of largest weight is.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from vtour.model.change import vertex_areas
from vtour.model.clean import unique_rows
from vtour.model.deviation import Surface
from vtour.model.mesh import Mesh


def barycentric(points: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """(k, 3) barycentric weights (non-negative, summing to 1) of (k, 3) ``points`` in the triangles
    (a, b, c) (each (k, 3)), which the points lie on (closest points); a degenerate triangle gives
    all the weight to its corner nearest the point."""
    v0, v1, v2 = b - a, c - a, points - a
    d00, d01, d11 = (np.einsum("ij,ij->i", x, y) for x, y in ((v0, v0), (v0, v1), (v1, v1)))
    d20, d21 = np.einsum("ij,ij->i", v2, v0), np.einsum("ij,ij->i", v2, v1)
    denom = d00 * d11 - d01 * d01
    flat = ~(denom > 1e-12 * d00 * d11)
    safe = np.where(flat, 1.0, denom)
    v, w = (d11 * d20 - d01 * d21) / safe, (d00 * d21 - d01 * d20) / safe
    weights = np.clip(np.stack([1.0 - v - w, v, w], axis=1), 0.0, None)
    weights /= np.maximum(weights.sum(axis=1, keepdims=True), 1e-300)
    if flat.any():
        gap = np.stack([np.linalg.norm(points[flat] - x[flat], axis=1) for x in (a, b, c)], axis=1)
        weights[flat] = np.eye(3)[np.argmin(gap, axis=1)]
    return weights


def transfer_weights(scan_surface: Surface, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For (k, 3) ``points`` (a level's vertices): the scan vertices (k, 3) int of the scan face
    each point's closest point lies on, and that closest point's (k, 3) barycentric weights."""
    _, face, closest = scan_surface.closest(points)
    corners = scan_surface.faces[face]
    p = scan_surface.positions
    return corners, barycentric(closest, p[corners[:, 0]], p[corners[:, 1]], p[corners[:, 2]])


def transferred(
    values: np.ndarray, covered: np.ndarray, corners: np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The scan's per-vertex ``values`` (where ``covered``) at points given by
    :func:`transfer_weights`: (k,) float64 interpolated over the covered corners, and (k,) bool,
    True where the corner of largest weight is covered (a point over the previous scan's hole is
    not measured; one beside its rim takes the measured side's values)."""
    ok = covered[corners]
    measured = ok[np.arange(len(corners)), np.argmax(weights, axis=1)]
    w = weights * ok
    total = w.sum(axis=1)
    out = np.einsum("ij,ij->i", w, values[corners]) / np.where(total > 0, total, 1.0)
    return np.where(measured, out, 0.0), measured


def carried(
    values: np.ndarray,
    covered: np.ndarray,
    weight: np.ndarray,
    charged: np.ndarray,
    nearest: np.ndarray,
    group: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The scan's change carried to a level by regions.

    Parameters
    ----------
    values, covered : (n,) float64 and bool, the scan's change and where it is measured
        (:func:`vtour.model.change.scan_change`)
    weight : (n,) float64, each scan vertex's weight (its area, :func:`vtour.model.change.vertex_areas`)
    charged : (m,) int, scan vertices; nearest : (m,) int, the level vertex each stands for
        (``Deviation.scan_vertices`` and ``Deviation.nearest``)
    group : (k,) int, the level vertices' position ids (copies of a vertex at a UV seam share one)

    Returns
    -------
    (k,) float64, the weighted mean of the measured values charged to each vertex's position;
    (k,) bool, measured: at least half the weight charged there is; (k,) bool, reached: something
    was charged there (elsewhere use :func:`transferred`).
    """
    n = int(group.max()) + 1 if len(group) else 0
    g = group[nearest]
    w = weight[charged]
    good = w * covered[charged]
    total = np.bincount(g, w, n)
    measured_weight = np.bincount(g, good, n)
    mean = np.bincount(g, good * values[charged], n) / np.where(measured_weight > 0, measured_weight, 1.0)
    reached = total > 0
    measured = reached & (measured_weight >= 0.5 * total)
    return np.where(measured, mean, 0.0)[group], measured[group], reached[group]


def carried_to_level(
    changes: Sequence[tuple[np.ndarray, np.ndarray]],
    scan: Mesh,
    scan_surface: Surface,
    charged: np.ndarray,
    nearest: np.ndarray,
    positions: np.ndarray,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each previous scan's change on the scan (``changes``: (values, measured) per scan vertex,
    :func:`vtour.model.change.scan_change`) carried to a level's (k, 3) ``positions``:
    :func:`carried` over the scan regions ``charged`` -> ``nearest`` (``Deviation.scan_vertices``,
    ``Deviation.nearest``), and :func:`transferred` at the closest point on ``scan_surface`` for a
    vertex that stands for no scan vertex. Returns (values (k,) float64, measured (k,) bool) per
    previous scan."""
    if not changes:
        return []
    weight = vertex_areas(scan.positions, scan.faces)
    group = unique_rows(positions)[1]
    out = []
    alone: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # the same for every previous scan
    for values, measured in changes:
        level_values, level_measured, reached = carried(values, measured, weight, charged, nearest, group)
        if not reached.all():
            if alone is None:
                ids = np.flatnonzero(~reached)
                alone = (ids, *transfer_weights(scan_surface, positions[ids]))
            ids, corners, weights = alone
            level_values[ids], level_measured[ids] = transferred(values, measured, corners, weights)
        out.append((level_values, level_measured))
    return out
