"""How far a level of detail deviates from the scan: two-sided Hausdorff, mean and RMS distance,
and a per-vertex deviation for a heat map.

Distances are exact point-to-triangle distances (libigl's AABB tree), not point-to-sample
distances, so a coarse mesh is not charged for the spacing of the samples. Both directions are
measured, as Metro (Cignoni et al. 1998) does:

* forward, scan -> level: every scan vertex up to ``max_points`` (:data:`MAX_POINTS`, 1 M), above
  it a stratified sample of exactly ``max_points`` of them (one seeded random vertex in each of
  ``max_points`` equal runs of the vertex order, which follows the scan's faces: the sample covers
  the whole scan evenly, where a plain random subset leaves gaps and clumps), and ``samples``
  area-uniform points on the scan;
* backward, level -> scan: ``samples`` area-uniform points on the level.

The distances are exact either way; what is bounded is how many scan points are asked: a 20 M-
triangle scan has ~10 M vertices, and querying each against every level costs minutes where the
bounded set costs seconds. Above ``max_points`` the forward maximum is therefore the maximum over
the sampled vertices, a lower bound of the true one; ``as_dict``'s ``measured`` says how many scan
vertices were asked out of how many (and the samples per direction), so a report never hides it.

Hausdorff is the largest distance seen in either direction; mean and RMS average the area-uniform
samples of both directions (so they are surface integrals, not vertex averages). All values are in
model units; ``as_dict`` adds each as a fraction of the scan's bounding-box diagonal.

Per-vertex deviation: each forward point is charged to the level vertex nearest its closest point,
and a level vertex keeps the largest distance charged to it: the worst deviation of the scan region
that vertex stands for. The scan vertices' charges are kept (``Deviation.scan_vertices``,
``Deviation.nearest``): the change map carries the scan's values to a level by the same regions
(:func:`vtour.model.change.carried`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from vtour.errors import VtourError
from vtour.model.clean import face_areas
from vtour.model.mesh import Mesh

#: Default area-uniform samples per direction: the mean's standard error is below 0.3 %.
SAMPLES = 200_000
#: Scan vertices queried at most (a seeded random subset above it).
MAX_POINTS = 1_000_000


class Surface:
    """A triangle surface that answers exact closest-point queries.

    Parameters
    ----------
    positions : (n, 3) float64
    faces : (m, 3) int
    """

    def __init__(self, positions: np.ndarray, faces: np.ndarray):
        try:
            import igl
        except ImportError as exc:
            raise VtourError("model", "deviation needs libigl", fix="pip install libigl") from exc
        self.positions = np.ascontiguousarray(positions, np.float64)
        self.faces = np.ascontiguousarray(faces, np.int64)
        self._tree = igl.AABB()
        self._tree.init(self.positions, self.faces)
        self._cdf: np.ndarray | None = None

    def sample(self, count: int, rng: np.random.Generator) -> np.ndarray:
        """(count, 3) area-uniform points on the surface (:func:`sample_surface`), the cumulative
        areas kept between calls (one pass over a large scan's faces, not one per level)."""
        if self._cdf is None:
            self._cdf = np.cumsum(face_areas(self.positions, self.faces))
        return sample_surface(self.positions, self.faces, count, rng, cdf=self._cdf)

    def closest(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For (k, 3) points: distance (k,), closest face (k,) and closest point (k, 3)."""
        sq, face, point = self._tree.squared_distance(
            self.positions, self.faces, np.ascontiguousarray(points, np.float64)
        )
        return np.sqrt(np.maximum(sq, 0.0)), np.asarray(face).reshape(-1), point

    def dispose(self) -> None:
        self._tree = None
        self._cdf = None


def sample_surface(
    positions: np.ndarray, faces: np.ndarray, count: int, rng: np.random.Generator, *, cdf: np.ndarray | None = None
) -> np.ndarray:
    """(count, 3) points uniformly distributed over the area of the triangles (``cdf``: their
    cumulative areas, when known)."""
    if cdf is None:
        cdf = np.cumsum(face_areas(positions, faces))
    face = np.minimum(np.searchsorted(cdf, rng.random(count) * cdf[-1], side="right"), len(faces) - 1)
    r1, r2 = np.sqrt(rng.random(count)), rng.random(count)
    a, b, c = (positions[faces[face, i]] for i in range(3))
    return (1 - r1)[:, None] * a + (r1 * (1 - r2))[:, None] * b + (r1 * r2)[:, None] * c


@dataclass(frozen=True, eq=False)
class Deviation:
    """Distances between a scan and a level, model units.

    per_vertex : (n_level,) float32, the heat map (see module docstring).
    scan_vertices : (k,) int64, the scan vertices measured (all that faces use, a stratified
        sample above ``max_points``); nearest : (k,) int64, the level vertex each is charged to.
    """

    hausdorff: float
    mean: float
    rms: float
    forward_max: float
    backward_max: float
    diagonal: float
    per_vertex: np.ndarray
    scan_vertices: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    nearest: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    measured: dict = field(default_factory=dict, repr=False)

    def as_dict(self) -> dict:
        """The statistics in model units and as fractions of the diagonal, and (``measured``) how
        many points each direction asked: scan vertices measured of all, how they were chosen
        ("all" or "stratified"), area-uniform samples on the scan and on the level."""
        d = max(self.diagonal, 1e-300)
        out = {k: getattr(self, k) for k in ("hausdorff", "mean", "rms", "forward_max", "backward_max")}
        out.update({f"{k}_fraction": v / d for k, v in list(out.items())})
        out["diagonal"] = self.diagonal
        values: dict = {k: float(v) for k, v in out.items()}
        if self.measured:
            values["measured"] = dict(self.measured)
        return values


def measure_deviation(
    scan: Mesh,
    level: Mesh,
    *,
    scan_surface: Surface | None = None,
    samples: int = SAMPLES,
    max_points: int = MAX_POINTS,
    seed: int = 0,
) -> Deviation:
    """Measure ``level`` against ``scan`` (pass ``scan_surface`` to reuse its tree across levels)."""
    rng = np.random.default_rng(seed)
    scan_surface = scan_surface or Surface(scan.positions, scan.faces)
    level_surface = Surface(level.positions, level.faces)
    ids = np.flatnonzero(scan.referenced())  # unreferenced vertices are not surface
    total = len(ids)
    if total > max_points:
        ids = stratified(ids, max_points, rng)
    on_scan = scan_surface.sample(samples, rng)
    fwd, face, closest = level_surface.closest(np.concatenate([scan.positions[ids], on_scan]))
    del on_scan
    back, _, _ = scan_surface.closest(level_surface.sample(samples, rng))
    level_surface.dispose()

    corners = level.faces[face]  # (k, 3) vertex ids
    gap = np.linalg.norm(level.positions[corners] - closest[:, None, :], axis=2)
    nearest = corners[np.arange(len(corners)), np.argmin(gap, axis=1)]
    per_vertex = np.zeros(level.vertex_count, np.float64)
    np.maximum.at(per_vertex, nearest, fwd)

    fwd_samples = fwd[len(ids) :]
    both = np.concatenate([fwd_samples, back])
    return Deviation(
        hausdorff=float(max(fwd.max(), back.max())),
        mean=float(both.mean()),
        rms=float(np.sqrt(np.mean(both**2))),
        forward_max=float(fwd.max()),
        backward_max=float(back.max()),
        diagonal=scan.diagonal,
        per_vertex=per_vertex.astype(np.float32),
        scan_vertices=ids,
        nearest=nearest[: len(ids)],
        measured={
            "scan_vertices": len(ids),
            "scan_vertices_total": int(total),
            "scan_vertices_sampling": "all" if len(ids) == total else "stratified",
            "scan_samples": int(samples),
            "level_samples": int(samples),
        },
    )


def stratified(ids: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` of ``ids`` (sorted): one random pick in each of ``count`` equal runs of them."""
    edges = np.arange(count + 1, dtype=np.int64) * len(ids) // count  # whole runs, none empty
    picks = edges[:-1] + (rng.random(count) * np.diff(edges)).astype(np.int64)
    return ids[picks]
