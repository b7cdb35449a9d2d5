"""Clean a scan: weld, drop degenerate/duplicate faces and unreferenced vertices, drop fragments,
compute normals where missing. Every step counts what it removed, for the report.

Welding is exact: two vertices merge only when position, UV, colour, normal and material are all
bit-identical, so UV seams and material boundaries stay split (the simplifier relies on that) while
the triangle soup of an STL or a per-face export collapses to shared vertices.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from vtour.errors import VtourError
from vtour.model.mesh import Mesh

#: A face whose area is below this fraction of the squared bounding-box diagonal is degenerate.
#: 1e-14 is about float32's resolution squared; such faces have no normal and no visible area.
DEGENERATE_AREA = 1e-14


@dataclass(frozen=True)
class CleanOptions:
    """Options of :func:`clean_mesh`.

    drop_fragments : float, default 0.0
        Drop connected pieces with fewer than this fraction of all triangles (0 keeps every piece;
        0.001 removes typical photogrammetry floaters).
    compute_normals : bool, default True
        Compute area-weighted vertex normals when the file has none.
    """

    drop_fragments: float = 0.0
    compute_normals: bool = True


@dataclass(frozen=True)
class CleanReport:
    """What :func:`clean_mesh` removed or added."""

    welded_vertices: int = 0
    degenerate_faces: int = 0
    duplicate_faces: int = 0
    unreferenced_vertices: int = 0
    fragments: int = 0
    fragment_faces: int = 0
    normals_computed: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


def clean_mesh(mesh: Mesh, options: CleanOptions = CleanOptions()) -> tuple[Mesh, CleanReport]:
    """Return the cleaned mesh and what was removed (see the module docstring for the rules).

    Raises
    ------
    VtourError
        Every face is degenerate, so nothing would be left.
    """
    mesh, welded = weld_vertices(mesh)
    mesh, degenerate = drop_degenerate_faces(mesh)
    if mesh.triangle_count == 0:
        raise VtourError(
            "model",
            f"all {degenerate} faces are degenerate (a repeated vertex or no area): no surface is left to build",
            path=mesh.source or None,
            fix="re-export the scan with its triangles; this file holds only lines or points",
        )
    mesh, duplicate = drop_duplicate_faces(mesh)
    fragments = fragment_faces = 0
    if options.drop_fragments > 0:
        mesh, fragments, fragment_faces = drop_fragments(mesh, options.drop_fragments)
    mesh, unreferenced = drop_unreferenced_vertices(mesh)
    computed = options.compute_normals and mesh.normals is None
    if computed:
        mesh = mesh.replace(normals=vertex_normals(mesh))
    return mesh, CleanReport(welded, degenerate, duplicate, unreferenced, fragments, fragment_faces, computed)


def unique_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the first of each distinct row, and each row's group id: ((k,), (n,) int64).

    Rows are compared bit for bit (``-0.0`` counts as ``0.0``). Groups are numbered in the order
    of their first row, so ``first`` is increasing. Each row is hashed to one 64-bit word, the words
    are sorted (several times faster than sorting the rows as void items: 10 M rows in seconds, not
    a minute), and every row is then compared with its group's first row, bit for bit: a hash
    collision, never seen in practice, falls back to the exact sort of the rows themselves.
    """
    rows = np.ascontiguousarray(rows)
    if rows.ndim == 1:
        rows = rows[:, None]
    if rows.dtype.kind == "f":
        rows = rows + rows.dtype.type(0.0)  # -0.0 -> 0.0
    n = len(rows)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    width = rows.dtype.itemsize * rows.shape[1]
    if width % 4:
        return _unique_void(rows)
    words = rows.view(np.uint32).reshape(n, -1) if width % 8 else rows.view(np.uint64).reshape(n, -1)
    key = _row_hash(words)
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    del key
    start = np.empty(n, bool)
    start[0] = True
    np.not_equal(sorted_key[1:], sorted_key[:-1], out=start[1:])
    del sorted_key
    group_sorted = np.cumsum(start) - 1  # group of each sorted row, groups in hash order
    first_sorted = order[start]  # the first row of each group (the stable sort keeps file order)
    del start
    for lo in range(0, n, BLOCK):  # every row equals its group's first row, bit for bit
        rows_here = order[lo : lo + BLOCK]
        firsts = first_sorted[group_sorted[lo : lo + BLOCK]]
        if not np.array_equal(words[rows_here], words[firsts]):
            return _unique_void(rows)
    rank = np.empty(len(first_sorted), np.int64)  # groups renumbered by their first row
    by_first = np.argsort(first_sorted)
    rank[by_first] = np.arange(len(first_sorted))
    inverse = np.empty(n, np.int64)
    inverse[order] = rank[group_sorted]
    return first_sorted[by_first], inverse


def _row_hash(words: np.ndarray) -> np.ndarray:
    """(n,) uint64 hash of each row of (n, k) unsigned words (a multiply-xorshift mix per word)."""
    h = np.full(len(words), 0x9E3779B97F4A7C15, np.uint64)
    mult = np.uint64(0xBF58476D1CE4E5B9)
    for j in range(words.shape[1]):
        h ^= words[:, j].astype(np.uint64)
        h *= mult
        h ^= h >> np.uint64(31)
    return h


def _unique_void(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`unique_rows` by sorting the rows as void items (exact, slow; groups numbered by first row)."""
    void = rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))).reshape(-1)
    _, first, inverse = np.unique(void, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    by_first = np.argsort(first)
    rank = np.empty(len(first), np.int64)
    rank[by_first] = np.arange(len(first))
    return first[by_first], rank[inverse]


def vertex_keys(mesh: Mesh) -> np.ndarray:
    """(n, k) float64: every attribute of each vertex side by side, the welding key."""
    cols = [mesh.positions, mesh.vertex_material()[:, None].astype(np.float64)]
    cols += [a.astype(np.float64) for a in (mesh.uv, mesh.colors, mesh.normals) if a is not None]
    return np.concatenate(cols, axis=1)


def weld_vertices(mesh: Mesh) -> tuple[Mesh, int]:
    """Merge bit-identical vertices; returns the mesh and how many vertices were merged away."""
    first, group = unique_rows(vertex_keys(mesh))
    if len(first) == mesh.vertex_count:
        return mesh, 0
    welded = mesh.with_vertices(first, first[group][mesh.faces])
    return welded, mesh.vertex_count - len(first)


#: Faces per block of the face-wise loops: bounds their temporaries (a few hundred MB) on large scans.
BLOCK = 1 << 20


def face_areas(positions: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """(m,) float64 triangle areas (computed in blocks of :data:`BLOCK` faces)."""
    out = np.empty(len(faces), np.float64)
    for start in range(0, len(faces), BLOCK):
        f = faces[start : start + BLOCK]
        a, b, c = (positions[f[:, i]] for i in range(3))
        out[start : start + BLOCK] = 0.5 * np.linalg.norm(np.cross(b - a, c - a), axis=1)
    return out


def drop_degenerate_faces(mesh: Mesh) -> tuple[Mesh, int]:
    """Drop faces with a repeated vertex or (near) zero area."""
    f = mesh.faces
    repeated = (f[:, 0] == f[:, 1]) | (f[:, 1] == f[:, 2]) | (f[:, 0] == f[:, 2])
    flat = face_areas(mesh.positions, f) <= DEGENERATE_AREA * max(mesh.diagonal, 1e-300) ** 2
    keep = ~(repeated | flat)
    return _keep_faces(mesh, keep), int((~keep).sum())


def drop_duplicate_faces(mesh: Mesh) -> tuple[Mesh, int]:
    """Drop faces on the same three vertices as an earlier face, whatever their order."""
    first, _ = unique_rows(np.sort(mesh.faces, axis=1))
    keep = np.zeros(mesh.triangle_count, bool)
    keep[first] = True
    return _keep_faces(mesh, keep), int((~keep).sum())


def drop_unreferenced_vertices(mesh: Mesh) -> tuple[Mesh, int]:
    """Drop vertices no face uses, keeping the order of the others."""
    mask = mesh.referenced()
    if mask.all():
        return mesh, 0
    used = np.flatnonzero(mask)
    return mesh.with_vertices(used, mesh.faces), mesh.vertex_count - len(used)


def position_ids(mesh: Mesh) -> np.ndarray:
    """(n,) int64: one id per distinct position, so seam copies of a vertex share an id."""
    return unique_rows(mesh.positions)[1]


def connected_pieces(mesh: Mesh) -> np.ndarray:
    """(m,) int64: the connected piece of each face; faces touching at a position connect."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    pid = position_ids(mesh)[mesh.faces]
    n = int(pid.max()) + 1
    rows = np.concatenate([pid[:, 0], pid[:, 1]])
    cols = np.concatenate([pid[:, 1], pid[:, 2]])
    graph = coo_matrix((np.ones(len(rows), np.int8), (rows, cols)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    return label[pid[:, 0]]


def drop_fragments(mesh: Mesh, fraction: float) -> tuple[Mesh, int, int]:
    """Drop pieces with fewer than ``fraction`` of all faces; returns mesh, pieces, faces dropped.

    The largest piece is always kept, so a scan made only of small pieces is not emptied.
    """
    piece = connected_pieces(mesh)
    size = np.bincount(piece)
    small = size < fraction * mesh.triangle_count
    small[np.argmax(size)] = False
    keep = ~small[piece]
    return _keep_faces(mesh, keep), int(small.sum()), int((~keep).sum())


def vertex_normals(mesh: Mesh) -> np.ndarray:
    """(n, 3) float32 area-weighted unit normals, smooth across UV seams (shared per position)."""
    p, f = mesh.positions, mesh.faces
    face_n = np.cross(p[f[:, 1]] - p[f[:, 0]], p[f[:, 2]] - p[f[:, 0]])  # length = 2 * area
    pid = position_ids(mesh)
    k = int(pid.max()) + 1
    acc = np.stack(
        [np.bincount(pid[f].reshape(-1), weights=np.repeat(face_n[:, i], 3), minlength=k) for i in range(3)], axis=1
    )
    n = acc[pid]
    length = np.linalg.norm(n, axis=1, keepdims=True)
    n = np.where(length > 0, n / np.where(length > 0, length, 1), np.array([0.0, 0.0, 1.0]))
    return n.astype(np.float32)


def _keep_faces(mesh: Mesh, keep: np.ndarray) -> Mesh:
    if keep.all():
        return mesh
    return mesh.replace(faces=mesh.faces[keep], face_material=mesh.face_material[keep])
