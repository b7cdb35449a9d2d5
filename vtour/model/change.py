"""Change over time: an earlier scan of the same object aligned to the current one, and the signed
distance from each vertex of the current model to it.

Alignment (previous -> current frame, current scan's units), :func:`align_scans`:

1. coarse, by features: both scans' vertices with their normals (estimated ones oriented
   consistently), voxel-downsampled at ``diagonal / COARSE_VOXELS``; FPFH features (Rusu et al.
   2009) and open3d's ``registration_ransac_based_on_feature_matching`` with a fixed seed, run
   with the previous scan's normals as they are and turned, keeping the fit with more inliers:
   FPFH's angles depend on the normals' sign, which a scan's winding sets (one wound inside out
   has them all inward). Any starting pose works.
2. fine: point-to-plane ICP (Chen & Medioni 1992) at decreasing voxel sizes (:data:`ICP_VOXELS`),
   with a Tukey kernel so that what really changed (a loss, a deposit) does not pull the fit.
3. winding: the sign of the change comes from the previous scan's face winding, which nothing
   guarantees. The median cosine between the current scan's vertex normals and the previous face
   normal at their closest points (:meth:`PreviousSurface.facing`) must be positive; when it is
   negative the previous scan is wound inside out and its faces are turned (:func:`rewound`; the
   build warns, naming the file).

Then, with the exact closest points of libigl's AABB tree (:class:`vtour.model.deviation.Surface`):

* signed distance (:meth:`PreviousSurface.signed_distance`): the distance to the closest point of
  the aligned previous surface, signed by the normal of the previous face it lies on. Negative:
  the current surface lies inside the previous one, material was lost; positive: material was
  added (a deposit, a restoration). Model units. Where the closest point lies on the previous
  scan's border (a hole, an edge it did not see past), or on a face turned away from the vertex's
  own normal (:data:`FACING_MIN`: another side of the object, a thin part's back seen through a
  hole of the previous scan), the previous scan says nothing: such a vertex is "uncovered" (not
  measured): its value in the .glb is :data:`NOT_MEASURED` and it is left out of the statistics
  but for its area (``area_fraction.uncovered``).
* measured once, on the scan (:func:`scan_change`), never on a level. A level's vertices are scan
  vertices (meshoptimizer collapses edges onto them), but the simplifier keeps the costliest
  ones: noise spikes and the loss's rim; measured there, and spread over a coarse level's large
  triangles, the change of a coarse level reads as more change than the scan has (the sample
  Buddha: 5.3 % minor at its coarsest level against 1.4 % on the scan). So each level vertex gets
  the area-weighted mean of the scan's change over the scan vertices it stands for
  (:mod:`vtour.model.carry`: the regions of the deviation heat map); one that stands for none
  (rare) gets the value interpolated at its closest point on the scan. Every level then shows the
  scan's change, only less finely: a coarse level smooths the noise and a change smaller than its
  triangles.
* noise (:func:`estimate_noise`): 1.4826 x the median absolute deviation of the current scan's
  vertices' signed distances, a robust standard deviation of the two scans' combined noise and
  residual misalignment that ignores the changed minority of the surface.
* rms (:class:`Alignment`): the RMS of the same distances within :data:`INLIER_NOISE` noise of
  their median (what the alignment fitted, without what changed); fitness: the fraction of those
  vertices within the last ICP pass's reach (3 voxels, ``diagonal / 200``) of the previous
  surface, as open3d defines it: low when the scans hardly overlap.
* limits (:func:`default_limits`): minor = 3 noise (a vertex that did not change passes it 0.3 %
  of the time under Gaussian noise), major = 10 noise (clearly beyond scanning error). The viewer
  lets a conservator edit both. Classes (:func:`level_change`, as the viewer's legend): no change
  ``|c| < minor``, minor ``minor <= |c| < major``, major ``|c| >= major``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vtour.conventions import UNIT_METRES
from vtour.errors import VtourError
from vtour.model.clean import face_areas, unique_rows, vertex_normals
from vtour.model.deviation import Surface
from vtour.model.mesh import Mesh
from vtour.model.report import histogram

#: Coarse voxel: the scan's bounding-box diagonal over this (the features' scale).
COARSE_VOXELS = 50
#: ICP passes: voxel = diagonal / each, correspondences up to 3 voxels, Tukey kernel of 1 voxel.
ICP_VOXELS = (100, 250, 600)
#: Most points of a cloud given to ICP (a regular subset above it): ICP's cost grows with them and
#: its fit does not improve beyond a few per voxel of the coarser passes.
MAX_CLOUD = 150_000
#: Current-scan vertices measured for noise, rms and fitness (a seeded subset above it).
NOISE_POINTS = 200_000
#: A vertex within this many noise of the median distance counts as fitted (rms).
INLIER_NOISE = 3.0
#: Default limits, in noise: (minor, major).
LIMITS = (3.0, 10.0)
#: A closest point within this fraction of an edge's length from a border edge lies on it (libigl's
#: closest points on an edge are exact to rounding).
BORDER_TOLERANCE = 1e-7
#: A point whose closest point lies on the border is beside the surface (past its rim, not over
#: it) when its offset runs along the face more than this times across it (about 11 degrees off
#: the normal): a curved region missing from the previous scan can have its rim's face tilted
#: by tens of degrees from the missing surface, so "more along than across" is not enough.
RIM_SLOPE = 0.2
#: A point further than FACING_REACH face sizes (square root of twice its area) from the previous
#: face at its closest point is not measured when that face is turned more than 120 degrees from
#: the point's normal (cosine below FACING_MIN): the face is another side of the object (the back
#: of a thin part whose front the previous scan lacks). Near the surface a noisy scan's normals
#: and folded faces make such angles by chance (1 % of the sample statue's vertices), and a
#: crease's vertex normal a little over 90 degrees with a face that does lie under it.
FACING_MIN, FACING_REACH = -0.5, 2.0
#: 1 / Phi^-1(3/4): the MAD of a Gaussian times this is its standard deviation.
MAD_TO_SIGMA = 1.4826
#: The grid the final transform is rounded to (:func:`snapped`): radians, and diagonals.
SNAP = 1e-9
METHOD = "fpfh-ransac + point-to-plane icp (open3d)"
#: ``_CHANGE_<j>`` where the previous scan has no surface (a hole, a side it did not see): "not
#: measured". Any value with ``|c| >= NOT_MEASURED_MIN`` reads as not measured (float32 keeps 1e30).
NOT_MEASURED = 1.0e30
NOT_MEASURED_MIN = 1.0e29


@dataclass(frozen=True)
class PreviousScan:
    """An earlier scan of the model's object: its file, the day it was taken (``YYYY-MM-DD``) and
    its units (None: the current scan's)."""

    source: str | Path
    date: str
    units: str | None = None


@dataclass(frozen=True, eq=False)
class Alignment:
    """``transform`` (4, 4) float64 maps the previous scan's points (homogeneous columns) into the
    current frame; ``rms`` in model units and ``fitness`` in [0, 1] (module docstring);
    ``inside_out``: the previous scan's faces were wound inside out (turned before measuring)."""

    transform: np.ndarray
    rms: float
    fitness: float
    inside_out: bool = False

    def as_dict(self) -> dict:
        return {
            "method": METHOD,
            "rms": float(self.rms),
            "fitness": float(self.fitness),
            "transform": [[float(v) for v in row] for row in self.transform],
            "inside_out": bool(self.inside_out),
        }


def in_units(mesh: Mesh, units: str) -> Mesh:
    """``mesh`` with its positions in ``units`` (scaled when both are known and differ).

    Raises VtourError when one is unknown and the other is not: the scale is then unknown.
    """
    if mesh.units == units:
        return mesh
    if mesh.units not in UNIT_METRES or units not in UNIT_METRES:
        raise VtourError(
            "model",
            f"previous scan: its units {mesh.units!r} cannot be compared with the current scan's {units!r}",
            path=mesh.source or None,
            field="previous.units",
            value=mesh.units,
            fix="give the model and its previous scan known units (units: mm), or neither",
        )
    return mesh.replace(positions=mesh.positions * (UNIT_METRES[mesh.units] / UNIT_METRES[units]), units=units)


def transformed(mesh: Mesh, transform: np.ndarray) -> Mesh:
    """``mesh`` moved rigidly by ``transform`` (4, 4): positions and normals."""
    rotation, shift = transform[:3, :3], transform[:3, 3]
    normals = None if mesh.normals is None else (mesh.normals @ rotation.T).astype(np.float32)
    return mesh.replace(positions=mesh.positions @ rotation.T + shift, normals=normals)


def _open3d():
    """open3d, imported when an alignment needs it."""
    try:
        import open3d
    except ImportError as exc:
        raise VtourError("model", "aligning a previous scan needs open3d", fix="pip install open3d") from exc
    # open3d prints its own warnings (e.g. RANSAC's "too few correspondences, fall back") to the console
    # even under --quiet; vtour judges the alignment itself (fitness, RMS) and warns in its own words
    open3d.utility.set_verbosity_level(open3d.utility.VerbosityLevel.Error)
    return open3d


def _cloud(mesh: Mesh, voxel: float, *, consistent: bool = False):
    """The mesh's used vertices and normals as an open3d point cloud, voxel-downsampled; with
    ``consistent``, normals it has to estimate are oriented consistently (for FPFH)."""
    o3d = _open3d()

    used = np.unique(mesh.faces)
    cloud = o3d.geometry.PointCloud(o3d.utility.Vector3dVector(mesh.positions[used]))
    if mesh.normals is not None:
        cloud.normals = o3d.utility.Vector3dVector(mesh.normals[used].astype(np.float64))
    small = cloud.voxel_down_sample(voxel)
    if len(small.points) > MAX_CLOUD:
        small = small.uniform_down_sample(-(-len(small.points) // MAX_CLOUD))
    if mesh.normals is None or not small.has_normals():
        small.estimate_normals(o3d.geometry.KDTreeSearchParamHybrid(radius=2 * voxel, max_nn=30))
        if consistent and len(small.points) > 10:
            small.orient_normals_consistent_tangent_plane(10)
    small.normalize_normals()
    return small


def _coarse(previous: Mesh, current: Mesh, voxel: float, seed: int) -> np.ndarray:
    """RANSAC on FPFH feature matches, with the previous scan's normals as they are and turned
    (module docstring): the (4, 4) transform previous -> current of the fit with more inliers."""
    o3d = _open3d()

    reg = o3d.pipelines.registration
    source, target = (_cloud(m, voxel, consistent=True) for m in (previous, current))
    search = o3d.geometry.KDTreeSearchParamHybrid(radius=5 * voxel, max_nn=100)
    target_features = reg.compute_fpfh_feature(target, search)
    turned = o3d.geometry.PointCloud(source)
    turned.normals = o3d.utility.Vector3dVector(-np.asarray(source.normals))
    results = []
    for cloud in (source, turned):
        o3d.utility.random.seed(seed)
        result = reg.registration_ransac_based_on_feature_matching(
            cloud,
            target,
            reg.compute_fpfh_feature(cloud, search),
            target_features,
            True,
            1.5 * voxel,
            reg.TransformationEstimationPointToPoint(False),
            3,
            [reg.CorrespondenceCheckerBasedOnEdgeLength(0.9), reg.CorrespondenceCheckerBasedOnDistance(1.5 * voxel)],
            reg.RANSACConvergenceCriteria(100_000, 0.999),
        )
        results.append(result)
    best = max(results, key=lambda r: r.fitness)  # the first of equals: the normals as they are
    return np.asarray(best.transformation, np.float64)


def _refine(previous: Mesh, current: Mesh, start: np.ndarray, diagonal: float) -> np.ndarray:
    """Point-to-plane ICP passes from ``start`` at the voxel sizes of :data:`ICP_VOXELS`."""
    o3d = _open3d()

    reg = o3d.pipelines.registration
    transform = start
    for fraction in ICP_VOXELS:
        voxel = diagonal / fraction
        source, target = _cloud(previous, voxel), _cloud(current, voxel)
        result = reg.registration_icp(
            source,
            target,
            3 * voxel,
            transform,
            reg.TransformationEstimationPointToPlane(reg.TukeyLoss(k=voxel)),
            reg.ICPConvergenceCriteria(relative_fitness=1e-7, relative_rmse=1e-7, max_iteration=60),
        )
        transform = np.asarray(result.transformation, np.float64)
    return snapped(transform, diagonal)


def snapped(transform: np.ndarray, diagonal: float) -> np.ndarray:
    """``transform`` with its rotation vector rounded to :data:`SNAP` radians and its translation
    to SNAP diagonals. open3d's RANSAC and ICP run on threads and end ~1e-14 apart from run to run;
    the grid (far below any scan's precision) makes the same inputs give the same bytes."""
    from scipy.spatial.transform import Rotation

    rotvec = np.round(Rotation.from_matrix(transform[:3, :3]).as_rotvec() / SNAP) * SNAP
    step = SNAP * diagonal
    out = np.eye(4)
    out[:3, :3] = Rotation.from_rotvec(rotvec).as_matrix()
    out[:3, 3] = np.round(transform[:3, 3] / step) * step
    return out


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(k,) cosines of the angles between the rows of (k, 3) ``a`` and ``b`` (any lengths)."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return np.einsum("ij,ij->i", a, b) / np.maximum(np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1), 1e-300)


class PreviousSurface:
    """The aligned previous scan as a surface answering signed closest-point queries.

    Parameters
    ----------
    positions : (n, 3) float64, in the current frame
    faces : (m, 3) int, wound counter-clockwise seen from outside
    """

    def __init__(self, positions: np.ndarray, faces: np.ndarray):
        self.surface = Surface(positions, faces)
        p, f = self.surface.positions, self.surface.faces
        self.face_normals = np.cross(p[f[:, 1]] - p[f[:, 0]], p[f[:, 2]] - p[f[:, 0]])
        pid = unique_rows(p)[1]
        self.border = border_edges(p, f, pid)
        # corner k of a face is on the border when a border edge of any face ends there
        on_border = np.zeros(int(pid.max()) + 1, bool)
        on_border[pid[f][self.border]] = True
        on_border[pid[f][np.roll(self.border, 1, axis=1)]] = True
        self.border_corner = on_border[pid[f]]

    def facing(self, points: np.ndarray, normals: np.ndarray) -> float:
        """The median, over (k, 3) ``points`` with their (k, 3) ``normals``, of the cosine between a
        point's normal and the normal of the face its closest point lies on: near 1 when the
        surface is wound as the points' normals say, near -1 when it is wound inside out."""
        _, face, _ = self.surface.closest(points)
        return float(np.median(_cosines(normals, self.face_normals[face])))

    def signed_distance(self, points: np.ndarray, normals: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """For (k, 3) points: the signed distance (k,) float64 to the surface, negative inside, and
        (k,) bool, True where the surface covers the point: False where the closest point lies on
        the scan's border (a hole or an edge the scanner did not see past) and the point lies
        beside the surface there rather than above or below it, so that the distance says how
        far the hole's rim is, not how the object changed; and, given the points' (k, 3)
        ``normals``, False where the face the closest point lies on is turned away from the
        point's normal and the point lies well off it (:data:`FACING_MIN`, :data:`FACING_REACH`):
        another side of the object."""
        distance, face, closest = self.surface.closest(points)
        side = np.einsum("ij,ij->i", points - closest, self.face_normals[face])
        signed = np.where(side < 0, -distance, distance)
        twice_area = np.maximum(np.linalg.norm(self.face_normals[face], axis=1), 1e-300)
        facing = np.ones(len(points), bool)
        if normals is not None:
            far = distance > FACING_REACH * np.sqrt(twice_area)
            facing[far] = _cosines(normals[far], self.face_normals[face[far]]) > FACING_MIN
        # beside the surface: the offset to the closest point runs along the face (RIM_SLOPE)
        across = np.abs(side) / twice_area
        beside = np.sqrt(np.maximum(distance**2 - across**2, 0.0)) > RIM_SLOPE * across
        covered = np.ones(len(points), bool)
        near = np.flatnonzero(beside & self.border_corner[face].any(axis=1))
        p, f = self.surface.positions, self.surface.faces
        size = np.linalg.norm(p[f[face[near], 1]] - p[f[face[near], 0]], axis=1)
        for k in range(3):
            a, b = p[f[face[near], k]], p[f[face[near], (k + 1) % 3]]
            edge = b - a
            t = np.clip(
                np.einsum("ij,ij->i", closest[near] - a, edge) / np.maximum(np.einsum("ij,ij->i", edge, edge), 1e-300),
                0.0,
                1.0,
            )
            on_edge = np.linalg.norm(closest[near] - (a + t[:, None] * edge), axis=1) <= BORDER_TOLERANCE * size
            at_corner = np.linalg.norm(closest[near] - a, axis=1) <= BORDER_TOLERANCE * size
            covered[near[(on_edge & self.border[face[near], k]) | (at_corner & self.border_corner[face[near], k])]] = (
                False
            )
        return signed, covered & facing

    def dispose(self) -> None:
        self.surface.dispose()


def border_edges(positions: np.ndarray, faces: np.ndarray, ids: np.ndarray | None = None) -> np.ndarray:
    """(m, 3) bool: edge k of face i (corners k, k+1) is used by no other face. Corners are
    compared by position (``ids``: :func:`vtour.model.clean.unique_rows`' groups, computed when
    None), so a UV seam (the same position twice) is not a border."""
    pid = (unique_rows(positions)[1] if ids is None else ids)[faces]
    a, b = pid, np.roll(pid, -1, axis=1)
    key = (np.minimum(a, b) * (int(pid.max()) + 1) + np.maximum(a, b)).reshape(-1)  # one int64 per edge
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    return (counts[inverse] == 1).reshape(-1, 3)


def estimate_noise(distances: np.ndarray) -> float:
    """Robust standard deviation of signed distances: 1.4826 x median absolute deviation."""
    d = np.asarray(distances, np.float64)
    return float(MAD_TO_SIGMA * np.median(np.abs(d - np.median(d))))


def default_limits(noise: float) -> dict:
    """``{"minor", "major"}`` in model units from the noise (module docstring, :data:`LIMITS`)."""
    return {"minor": LIMITS[0] * noise, "major": LIMITS[1] * noise}


def align_scans(previous: Mesh, current: Mesh, *, seed: int = 0) -> tuple[Alignment, np.ndarray]:
    """Align ``previous`` to ``current`` (both in the same units): the alignment (with whether the
    previous scan is wound inside out: :func:`rewound` it then) and the signed distances of (a
    seeded subset of at most :data:`NOISE_POINTS` of) the current scan's vertices that the aligned
    previous surface covers, for :func:`estimate_noise`."""
    diagonal = current.diagonal
    transform = _refine(previous, current, _coarse(previous, current, diagonal / COARSE_VOXELS, seed), diagonal)
    moved = transformed(previous, transform).positions
    surface = PreviousSurface(moved, previous.faces)
    used = np.unique(current.faces)
    if len(used) > NOISE_POINTS:
        used = np.sort(np.random.default_rng(seed).choice(used, NOISE_POINTS, replace=False))
    points = current.positions[used]
    normals = current.normals if current.normals is not None else vertex_normals(current)
    inside_out = surface.facing(points, normals[used].astype(np.float64)) < 0
    if inside_out:
        surface.dispose()
        surface = PreviousSurface(moved, previous.faces[:, ::-1])
    signed, covered = surface.signed_distance(points, normals[used])
    surface.dispose()
    distances = signed[covered]
    noise = estimate_noise(distances)
    inliers = np.abs(distances - np.median(distances)) <= INLIER_NOISE * max(noise, 1e-300)
    rms = float(np.sqrt(np.mean(distances[inliers] ** 2))) if inliers.any() else float("inf")
    reach = 3 * diagonal / ICP_VOXELS[-1]
    fitness = float(np.count_nonzero(np.abs(distances) <= reach) / len(points))
    return Alignment(transform, rms, fitness, bool(inside_out)), distances


def rewound(mesh: Mesh) -> Mesh:
    """``mesh`` with each face's winding reversed (a scan wound inside out turned right), and its
    vertex normals negated when they agreed with the old winding (computed from it, as most are)."""
    out = mesh.replace(faces=np.ascontiguousarray(mesh.faces[:, ::-1]))
    if mesh.normals is None:
        return out
    agree = np.einsum("ij,ij->i", mesh.normals.astype(np.float64), vertex_normals(out).astype(np.float64))
    return out if np.median(agree) >= 0 else out.replace(normals=-mesh.normals)


def scan_change(surface: PreviousSurface, scan: Mesh) -> tuple[np.ndarray, np.ndarray]:
    """The signed change (n,) float64 at each of the scan's vertices against the aligned previous
    ``surface``, and (n,) bool where it is measured (covered, facing, and a vertex of some face)."""
    values = np.zeros(scan.vertex_count)
    covered = np.zeros(scan.vertex_count, bool)
    used = np.unique(scan.faces)
    normals = scan.normals if scan.normals is not None else vertex_normals(scan)
    values[used], covered[used] = surface.signed_distance(scan.positions[used], normals[used])
    return values, covered


def with_sentinel(values: np.ndarray, covered: np.ndarray) -> np.ndarray:
    """``values`` where ``covered``, :data:`NOT_MEASURED` elsewhere: a ``_CHANGE_<j>`` attribute."""
    return np.where(covered, values, NOT_MEASURED)


def vertex_areas(positions: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """(n,) float64: a third of the area of each vertex's faces (they sum to the surface's area)."""
    area = np.repeat(face_areas(positions, faces) / 3.0, 3)
    return np.bincount(faces.reshape(-1), weights=area, minlength=len(positions))


def level_change(
    change: np.ndarray, positions: np.ndarray, faces: np.ndarray, limits: dict, covered: np.ndarray | None = None
) -> dict:
    """One level's (or the scan's) change statistics over the vertices the previous scan ``covered``
    (all when None): min, max, mean, 5th and 95th percentiles and a histogram; and the fractions
    of the surface's area (each vertex weighted by a third of its faces' area) with no change
    (``|change| < minor``), minor change (``minor <= |change| < major``), major change
    (``|change| >= major``) and none measured (``uncovered``)."""
    covered = np.ones(len(change), bool) if covered is None else covered
    seen = change[covered] if covered.any() else np.zeros(1)
    magnitude = np.abs(change)
    area = vertex_areas(positions, faces)
    total = max(float(area.sum()), 1e-300)
    major = float(area[covered & (magnitude >= limits["major"])].sum()) / total
    minor = float(area[covered & (magnitude >= limits["minor"]) & (magnitude < limits["major"])].sum()) / total
    uncovered = float(area[~covered].sum()) / total
    lo, hi = float(seen.min()), float(seen.max())
    return {
        "min": lo,
        "max": hi,
        "mean": float(seen.mean()),
        "p05": float(np.percentile(seen, 5)),
        "p95": float(np.percentile(seen, 95)),
        "histogram": histogram(seen, lo, hi),
        "area_fraction": {
            "none": max(0.0, 1.0 - major - minor - uncovered),
            "minor": minor,
            "major": major,
            "uncovered": uncovered,
        },
    }
