"""Model pipeline against its peers, in one run; prints ratios.

1. A textured 1 M-triangle scan (a bumpy UV sphere made in code) simplified to 100 k triangles by
   vtour (meshoptimizer, seams kept), fast-simplification (through trimesh) and open3d: time ratio,
   deviation ratio at the same triangle count (exact two-sided Hausdorff and RMS against the scan),
   and whether each kept the UVs.
2. .glb bytes of the same 100 k-triangle level: vtour's writer against gltfpack -c (npm).
3. A 2 M-triangle scan with an 8k texture through the whole `build_model` in a child process:
   seconds and peak memory (ru_maxrss).

    python benchmarks/bench_model.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vtour.model.clean import clean_mesh, position_ids  # noqa: E402
from vtour.model.deviation import Surface, measure_deviation  # noqa: E402
from vtour.model.glb import encode_glb  # noqa: E402
from vtour.model.mesh import Mesh  # noqa: E402
from vtour.model.obj import write_obj  # noqa: E402
from vtour.model.simplify import simplify_mesh  # noqa: E402
from vtour.model.synthetic import checker_texture, uv_sphere  # noqa: E402


def scan(rows: int, cols: int, texture: int = 1024) -> Mesh:
    """A bumpy textured sphere with 2 * cols * (rows - 1) triangles (cleaned)."""
    mesh, _ = clean_mesh(uv_sphere(rows, cols, bumps=0.08, texture=checker_texture(texture, 16)))
    return mesh


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def peers(mesh: Mesh, target: int) -> dict:
    """Simplify with each peer; return {name: (positions, faces, seconds, kept_uv)}."""
    import trimesh

    # fast-simplification needs one vertex per position (it has no notion of seams)
    pid = position_ids(mesh)
    first = np.unique(pid, return_index=True)[1]
    welded = trimesh.Trimesh(mesh.positions[first], pid[mesh.faces], process=False)
    out = {}
    simple, seconds = timed(welded.simplify_quadric_decimation, face_count=target)
    out["fast-simplification"] = (np.asarray(simple.vertices), np.asarray(simple.faces), seconds, False)
    try:
        import open3d as o3d
    except ImportError as exc:  # libusb-1.0-0, libgomp1, libgl1 from Debian
        print(f"open3d unavailable ({exc}); skipped")
        return out
    o3 = o3d.geometry.TriangleMesh(o3d.utility.Vector3dVector(mesh.positions[first]),
                                   o3d.utility.Vector3iVector(pid[mesh.faces].astype(np.int32)))
    o3.triangle_uvs = o3d.utility.Vector2dVector(mesh.uv[mesh.faces].reshape(-1, 2))
    simple, seconds = timed(o3.simplify_quadric_decimation, target_number_of_triangles=target)
    out["open3d"] = (np.asarray(simple.vertices), np.asarray(simple.triangles), seconds,
                     bool(simple.has_triangle_uvs()))
    return out


def bench_simplify(mesh: Mesh, target: int) -> Mesh:
    print(f"\n== simplify a textured {mesh.triangle_count / 1e6:.2f} M-triangle scan to {target // 1000} k")
    (ours, _), seconds = timed(simplify_mesh, mesh, target)
    records = {tuple(r) for r in np.hstack([mesh.positions, mesh.uv])}
    kept = {tuple(r) for r in np.hstack([ours.positions, ours.uv])} <= records
    surface = Surface(mesh.positions, mesh.faces)
    rows = {"vtour (meshoptimizer)": (ours.positions, ours.faces, seconds, kept)}
    rows.update(peers(mesh, target))
    results = {}
    for name, (p, f, sec, uv) in rows.items():
        dev = measure_deviation(mesh, Mesh(positions=p, faces=f), scan_surface=surface)
        results[name] = (len(f), sec, dev.hausdorff, dev.rms, uv)
    base = results["vtour (meshoptimizer)"]
    print(f"{'method':24s} {'triangles':>9s} {'seconds':>8s} {'Hausdorff':>10s} {'RMS':>10s} "
          f"{'kept UVs':>8s}  vtour time / theirs, vtour Hausdorff / theirs, vtour RMS / theirs")
    for name, (n, sec, h, rms, uv) in results.items():
        ratios = "" if name.startswith("vtour") else \
            f"  {base[1] / sec:6.2f}  {base[2] / h:6.2f}  {base[3] / rms:6.2f}"
        print(f"{name:24s} {n:9d} {sec:8.2f} {h:10.5f} {rms:10.6f} {uv!s:>8s}{ratios}")
    return ours


def bench_glb(level: Mesh, work: Path) -> None:
    print(f"\n== .glb bytes at {level.triangle_count} triangles (geometry: positions, normals, UVs)")
    import trimesh

    gltfpack = ROOT / "node_modules" / ".bin" / "gltfpack"
    if not gltfpack.exists():
        print("gltfpack not installed (npm install); skipped")
        return
    plain = trimesh.Trimesh(level.positions, level.faces, vertex_normals=level.normals,
                            visual=trimesh.visual.TextureVisuals(uv=level.uv * [1, -1] + [0, 1]),
                            process=False)
    src, dst = work / "level.glb", work / "gltfpack.glb"
    src.write_bytes(plain.export(file_type="glb"))
    subprocess.run([str(gltfpack), "-i", str(src), "-o", str(dst), "-c"],
                   check=True, capture_output=True)
    theirs = dst.stat().st_size
    ours = len(encode_glb(level, [None]))
    print(f"float input {src.stat().st_size} B; gltfpack -c {theirs} B; vtour {ours} B; "
          f"vtour / gltfpack = {ours / theirs:.2f}")


def child_build(path: str, out: str) -> None:
    from vtour.model import build_model

    (result, seconds) = timed(build_model, path, out)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
    print(json.dumps({"seconds": seconds, "peak_gb": peak,
                      "lods": [(x["triangles"], x["bytes"], x["texture_sizes"][0]) for x in result.report["lods"]]}))


def bench_memory(rows: int, cols: int, texture: int, work: Path) -> None:
    mesh = scan(rows, cols, texture)
    print(f"\n== build_model on a {mesh.triangle_count / 1e6:.2f} M-triangle scan with a "
          f"{texture} px texture (OBJ in, default levels)")
    path = write_obj(mesh, work / "big.obj")
    del mesh
    out = subprocess.run([sys.executable, __file__, "--child", str(path), str(work / "out")],
                         capture_output=True, text=True, check=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"seconds {r['seconds']:.1f}, peak memory {r['peak_gb']:.2f} GB "
          f"({'under' if r['peak_gb'] < 4 else 'OVER'} the 4 GB budget); levels {r['lods']}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller meshes, for a smoke run")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child_build(*args.child)
    work = Path(tempfile.mkdtemp(prefix="vtour-bench-model-"))
    try:
        big = scan(101, 500) if args.quick else scan(501, 1000)             # 0.1 M / 1.0 M
        level = bench_simplify(big, 10_000 if args.quick else 100_000)
        bench_glb(level, work)
        if args.quick:
            bench_memory(201, 500, 2048, work)
        else:
            bench_memory(708, 1414, 8192, work)                             # 2.0 M, 8k
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
