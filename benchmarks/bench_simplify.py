"""Simplification quality against its peers, side by side in one run; prints ratios.

On the benchmark scan (bench_model.py part 1: a textured bumpy UV sphere of 1 M triangles, cleaned,
to 100 k) and on real scans from ../shared/data/meshes when present (the Stanford bunny, no UVs;
LeePerrySmith.glb, textured; each to a tenth):

* vtour (``simplify_mesh``: meshoptimizer, the scan's own vertices, UVs kept),
  fast-simplification and open3d's ``simplify_quadric_decimation`` (both on the welded mesh: they
  know no seams and drop the UVs), and MeshLab's texture-aware quadric edge collapse (optimal
  placement, UVs kept per wedge) when ``pymeshlab`` is installed;
* triangles, seconds, exact two-sided Hausdorff and RMS distance to the scan
  (``vtour.model.deviation.measure_deviation``, one shared tree), whether the UVs were kept (every
  output UV is one of the scan's), the widest UV span of a triangle (one joining u ~ 0 and u ~ 1
  smears the whole texture across the seam) and the UV error: median texels between the UV a
  triangle gives its centroid and the scan's UV at the centroid's closest point (what a renderer
  looks up against what the scan shows there);
* ratios: Hausdorff / open3d's (goal <= 1.5) and seconds / fast-simplification's (goal <= 1).

    .venv/bin/python benchmarks/bench_simplify.py [--quick]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vtour.model.carry import barycentric  # noqa: E402
from vtour.model.clean import clean_mesh, position_ids  # noqa: E402
from vtour.model.deviation import Surface, measure_deviation  # noqa: E402
from vtour.model.io import read_mesh  # noqa: E402
from vtour.model.mesh import Mesh  # noqa: E402
from vtour.model.simplify import simplify_mesh  # noqa: E402
from vtour.model.synthetic import checker_texture, uv_sphere  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "meshes"
REAL = ("stanford-bunny.obj", "LeePerrySmith/LeePerrySmith.glb")


def bench_scan(rows: int, cols: int) -> Mesh:
    """bench_model.py's scan: 2 * cols * (rows - 1) triangles, bumps 0.08, a 1024 px checker."""
    mesh, _ = clean_mesh(uv_sphere(rows, cols, bumps=0.08, texture=checker_texture(1024, 16)))
    return mesh


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def welded(mesh: Mesh) -> tuple[np.ndarray, np.ndarray]:
    """One vertex per position (the peers know no seams): (positions, faces)."""
    pid = position_ids(mesh)
    first = np.unique(pid, return_index=True)[1]
    return mesh.positions[first], pid[mesh.faces]


def run_vtour(mesh: Mesh, target: int, **kwargs):
    (out, _), seconds = timed(simplify_mesh, mesh, target, **kwargs)
    return out.positions, out.faces, seconds, out.uv


def run_fast_simplification(mesh: Mesh, target: int):
    import fast_simplification

    p, f = welded(mesh)
    (points, faces), seconds = timed(
        fast_simplification.simplify, p.astype(np.float32), f.astype(np.int32), 1 - target / len(f)
    )
    return points, faces, seconds, None


def run_open3d(mesh: Mesh, target: int):
    import open3d as o3d

    p, f = welded(mesh)
    o3 = o3d.geometry.TriangleMesh(o3d.utility.Vector3dVector(p), o3d.utility.Vector3iVector(f.astype(np.int32)))
    simple, seconds = timed(o3.simplify_quadric_decimation, target_number_of_triangles=target)
    return np.asarray(simple.vertices), np.asarray(simple.triangles), seconds, None


def run_meshlab(mesh: Mesh, target: int):
    """MeshLab's texture-aware quadric edge collapse (per-wedge UVs, so it reads an OBJ)."""
    import pymeshlab

    from vtour.model.obj import write_obj

    with tempfile.TemporaryDirectory(prefix="vtour-bench-simplify-") as work:
        path = write_obj(mesh, Path(work) / "scan.obj")
        ms = pymeshlab.MeshSet()
        ms.load_new_mesh(str(path))
        _, seconds = timed(ms.meshing_decimation_quadric_edge_collapse_with_texture, targetfacenum=target)
    out = ms.current_mesh()
    wedge = out.wedge_tex_coord_matrix().reshape(-1, 3, 2)  # re-interpolated UVs per corner
    return out.vertex_matrix(), out.face_matrix(), seconds, wedge


def peers() -> dict:
    out = {"fast-simplification": run_fast_simplification}
    for module, name, fn in (("open3d", "open3d", run_open3d), ("pymeshlab", "meshlab+texture", run_meshlab)):
        try:
            __import__(module)
        except ImportError as exc:
            print(f"{name} unavailable ({exc}); skipped")
            continue
        out[name] = fn
    return out


def uv_state(mesh: Mesh, uv: np.ndarray | None) -> str:
    """ "kept": every output UV is one of the scan's (vtour's update moves positions, never UVs);
    "new": per-corner UVs made by the simplifier (MeshLab); "dropped"; "-" when the scan has none."""
    if mesh.uv is None:
        return "-"
    if uv is None:
        return "dropped"
    if uv.ndim == 3:
        return "new"
    return "kept" if {tuple(r) for r in uv} <= {tuple(r) for r in mesh.uv} else "changed"


def widest_u_span(faces: np.ndarray, uv: np.ndarray | None) -> float:
    """The largest u extent of one triangle (per-vertex (n, 2) or per-corner (m, 3, 2) UVs)."""
    if uv is None:
        return float("nan")
    u = uv[..., 0] if uv.ndim == 3 else uv[faces, 0]
    return float((u.max(axis=1) - u.min(axis=1)).max())


def uv_drift(mesh: Mesh, surface: Surface, positions: np.ndarray, faces: np.ndarray, uv: np.ndarray | None) -> float:
    """Texture error: median, in texels of the scan's texture, of the distance between the UV a
    level's triangle gives its centroid and the scan's UV at the centroid's closest point (what a
    renderer looks up against what the scan shows there). Plain simplification has some (a
    triangle's UVs interpolate linearly over what were many triangles); moving vertices should
    not add to it."""
    if mesh.uv is None or uv is None or uv.ndim == 3:
        return float("nan")
    centroid = positions[faces].mean(axis=1)
    _, face, point = surface.closest(centroid)
    corners = mesh.faces[face]
    weights = barycentric(point, *(mesh.positions[corners[:, i]] for i in range(3)))
    there = np.einsum("ki,kij->kj", weights, mesh.uv[corners])
    size = mesh.materials[0].texture_size or (1024, 1024)
    return float(np.median(np.linalg.norm((uv[faces].mean(axis=1) - there) * size, axis=1)))


def compare(name: str, mesh: Mesh, target: int, *, meshlab: bool = True) -> None:
    print(f"\n== {name}: {mesh.triangle_count} -> {target} triangles ({'UVs' if mesh.uv is not None else 'no UVs'})")
    runs = {
        "vtour": lambda: run_vtour(mesh, target),
    }
    for peer, fn in peers().items():
        if peer != "meshlab+texture" or (meshlab and mesh.uv is not None):
            runs[peer] = lambda fn=fn: fn(mesh, target)
    surface = Surface(mesh.positions, mesh.faces)
    rows = {}
    for label, run in runs.items():
        try:
            p, f, seconds, uv = run()
        except Exception as exc:  # a peer that refuses this scan is reported, not fatal
            print(f"{label} failed: {str(exc).splitlines()[-1]}")
            continue
        dev = measure_deviation(
            mesh, Mesh(positions=np.asarray(p, np.float64), faces=np.asarray(f, np.int64)), scan_surface=surface
        )
        drift = uv_drift(mesh, surface, np.asarray(p, np.float64), np.asarray(f, np.int64), uv)
        rows[label] = (len(f), seconds, dev.hausdorff, dev.rms, uv_state(mesh, uv), widest_u_span(f, uv), drift)
    o3 = rows.get("open3d")
    fs = rows["fast-simplification"]
    print(
        f"{'method':22s} {'triangles':>9s} {'seconds':>8s} {'Hausdorff':>10s} {'RMS':>10s} {'UVs':>8s} "
        f"{'UV span':>7s} {'UV err':>8s}  H / open3d's  s / fast-simp's"
    )
    for label, (n, sec, h, rms, kept, span, drift) in rows.items():
        h_ratio = f"{h / o3[2]:12.2f}" if o3 else f"{'-':>12s}"
        print(
            f"{label:22s} {n:9d} {sec:8.2f} {h:10.6f} {rms:10.7f} {kept:>8s} {span:7.3f} {drift:8.2f}  {h_ratio}  "
            f"{sec / fs[1]:14.2f}"
        )
    surface.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 0.1 M-triangle scan to 10 k and no MeshLab")
    args = parser.parse_args()
    if args.quick:
        compare("bench scan (quick)", bench_scan(101, 500), 10_000, meshlab=False)
    else:
        compare("bench scan", bench_scan(501, 1000), 100_000)
    for rel in REAL:
        path = DATA / rel
        if not path.exists():
            print(f"\n{path} not present; skipped")
            continue
        mesh, _ = clean_mesh(read_mesh(path))
        compare(rel, mesh, max(mesh.triangle_count // 10, 100), meshlab=not args.quick)


if __name__ == "__main__":
    main()
