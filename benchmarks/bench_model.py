"""Model pipeline against its peers, in one run; prints ratios.

1. A textured 1 M-triangle scan (a bumpy UV sphere made in code) simplified to 100 k triangles by
   vtour (meshoptimizer, seams kept), fast-simplification (through trimesh) and open3d: time ratio,
   deviation ratio at the same triangle count (exact two-sided Hausdorff and RMS against the scan),
   and whether each kept the UVs.
2. .glb bytes of the same 100 k-triangle level: vtour's writer against gltfpack -c (npm).
3. A 2 M-triangle scan with an 8k texture through the whole `build_model` in a child process:
   seconds and peak memory (ru_maxrss).
4. A 20 M-triangle scan (``--scale``; ``--scale-triangles`` to change the size) as photogrammetry
   software exports it: a textured OBJ + MTL + 8k JPEG and a binary PLY with vertex colours, each
   through the whole `build_model` (default levels) in a child process: seconds and peak memory
   against the goals (8 GB, 10 minutes), and gltfpack (npm) simplifying the same OBJ to the finest
   level's 500 k triangles (-si) in its own child process. Needs ~10 GB of RAM and ~5 GB of disk.

    python benchmarks/bench_model.py [--quick] [--scale [--scale-only] [--scale-triangles N]]
"""

from __future__ import annotations

import argparse
import json
import os
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
    o3 = o3d.geometry.TriangleMesh(
        o3d.utility.Vector3dVector(mesh.positions[first]), o3d.utility.Vector3iVector(pid[mesh.faces].astype(np.int32))
    )
    o3.triangle_uvs = o3d.utility.Vector2dVector(mesh.uv[mesh.faces].reshape(-1, 2))
    simple, seconds = timed(o3.simplify_quadric_decimation, target_number_of_triangles=target)
    out["open3d"] = (
        np.asarray(simple.vertices),
        np.asarray(simple.triangles),
        seconds,
        bool(simple.has_triangle_uvs()),
    )
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
    print(
        f"{'method':24s} {'triangles':>9s} {'seconds':>8s} {'Hausdorff':>10s} {'RMS':>10s} "
        f"{'kept UVs':>8s}  vtour time / theirs, vtour Hausdorff / theirs, vtour RMS / theirs"
    )
    for name, (n, sec, h, rms, uv) in results.items():
        ratios = "" if name.startswith("vtour") else f"  {base[1] / sec:6.2f}  {base[2] / h:6.2f}  {base[3] / rms:6.2f}"
        print(f"{name:24s} {n:9d} {sec:8.2f} {h:10.5f} {rms:10.6f} {uv!s:>8s}{ratios}")
    return ours


def bench_glb(level: Mesh, work: Path) -> None:
    print(f"\n== .glb bytes at {level.triangle_count} triangles (geometry: positions, normals, UVs)")
    import trimesh

    gltfpack = ROOT / "node_modules" / ".bin" / "gltfpack"
    if not gltfpack.exists():
        print("gltfpack not installed (npm install); skipped")
        return
    plain = trimesh.Trimesh(
        level.positions,
        level.faces,
        vertex_normals=level.normals,
        visual=trimesh.visual.TextureVisuals(uv=level.uv * [1, -1] + [0, 1]),
        process=False,
    )
    src, dst = work / "level.glb", work / "gltfpack.glb"
    src.write_bytes(plain.export(file_type="glb"))
    subprocess.run([str(gltfpack), "-i", str(src), "-o", str(dst), "-c"], check=True, capture_output=True)
    theirs = dst.stat().st_size
    ours = len(encode_glb(level, [None]))
    print(
        f"float input {src.stat().st_size} B; gltfpack -c {theirs} B; vtour {ours} B; "
        f"vtour / gltfpack = {ours / theirs:.2f}"
    )


def peak_gb() -> float:
    """This process's peak resident memory in GB (2**30 B): VmHWM, which starts afresh at exec.
    (ru_maxrss does not: Linux carries the parent's resident size at fork over into the child's.)"""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


class _StepLog:
    """A logging handler writing each vtour message with the seconds since start and the resident
    memory then (GB), so a long build's log shows where its time and memory go."""

    def __init__(self):
        import logging

        self.start = time.perf_counter()
        handler = logging.StreamHandler(sys.stderr)
        handler.addFilter(self.stamp)
        handler.setFormatter(logging.Formatter("%(elapsed)7.1f s %(rss)5.2f GB  %(message)s"))
        logger = logging.getLogger("vtour")
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)

    def stamp(self, record) -> bool:
        record.elapsed = time.perf_counter() - self.start
        rss = 0.0
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024**2
        record.rss = rss
        return True


def child_build(path: str, out: str) -> None:
    from vtour.model import build_model

    _StepLog()

    (result, seconds) = timed(build_model, path, out)
    peak = peak_gb()
    lods = result.report["lods"]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_gb": peak,
                "cpu_seconds": usage.ru_utime + usage.ru_stime,
                "lods": [(x["triangles"], x["bytes"], x["texture_sizes"][0]) for x in lods],
                "simplifier": lods[-1]["simplifier"],
                "measured": lods[-1]["deviation"].get("measured"),
            }
        )
    )


def bench_memory(rows: int, cols: int, texture: int, work: Path) -> None:
    mesh = scan(rows, cols, texture)
    print(
        f"\n== build_model on a {mesh.triangle_count / 1e6:.2f} M-triangle scan with a "
        f"{texture} px texture (OBJ in, default levels)"
    )
    path = write_obj(mesh, work / "big.obj")
    del mesh
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(path), str(work / "out")], capture_output=True, text=True, check=True
    )
    r = json.loads(out.stdout.strip().splitlines()[-1])
    print(
        f"seconds {r['seconds']:.1f}, peak memory {r['peak_gb']:.2f} GB "
        f"({'under' if r['peak_gb'] < 4 else 'OVER'} the 4 GB budget); levels {r['lods']}"
    )


#: The goals of part 4: a 20 M-triangle scan builds within these.
GOAL_GB, GOAL_SECONDS = 8.0, 600.0


def big_scan(triangles: int, texture: int = 8192):
    """A bumpy textured sphere of about ``triangles`` triangles (made in code; not cleaned: it has
    no duplicates) and its texture; the arrays are float64/int64 as a reader gives them."""
    from vtour.model.synthetic import uv_sphere

    side = round(np.sqrt(triangles / 2))
    image = checker_texture(texture, 64)
    return uv_sphere(side + 1, side, bumps=0.08, texture=image), image


def write_binary_ply(mesh: Mesh, colors: np.ndarray, path: Path) -> Path:
    """``mesh`` as a binary little-endian PLY: float x y z, uchar red green blue, int faces."""
    header = (
        f"ply\nformat binary_little_endian 1.0\ncomment made by vtour's bench_model\n"
        f"element vertex {mesh.vertex_count}\nproperty float x\nproperty float y\nproperty float z\n"
        "property uchar red\nproperty uchar green\nproperty uchar blue\n"
        f"element face {mesh.triangle_count}\nproperty list uchar int vertex_indices\nend_header\n"
    )
    vertex = np.empty(mesh.vertex_count, np.dtype([("p", "<f4", (3,)), ("c", "u1", (3,))]))
    vertex["p"], vertex["c"] = mesh.positions, colors
    face = np.empty(mesh.triangle_count, np.dtype([("n", "u1"), ("i", "<i4", (3,))]))
    face["n"], face["i"] = 3, mesh.faces
    with open(path, "wb") as f:
        f.write(header.encode())
        vertex.tofile(f)
        del vertex
        face.tofile(f)
    return path


def make_scale_inputs(triangles: int, work: Path) -> dict[str, Path]:
    """The 20 M-triangle scan written as photogrammetry exports it: OBJ + MTL + 8k JPEG, and a
    binary PLY whose vertex colours are the texture sampled at each vertex's UV."""
    from vtour.model.obj import write_obj

    made = {"OBJ + 8k JPEG": work / f"scan{triangles}.obj", "binary PLY, vertex colours": work / f"scan{triangles}.ply"}
    if all(p.exists() for p in made.values()):
        return made
    mesh, image = big_scan(triangles)
    # the writers take float32 text (%.7g) as exporters do; a 20 M-triangle OBJ is ~1.4 GB
    obj = write_obj(mesh, made["OBJ + 8k JPEG"], position_format="%.7g", uv_format="%.7g", image_suffix=".jpg")
    side = image.shape[0] - 1
    texel = np.rint(mesh.uv * side).astype(np.int64).clip(0, side)
    ply = write_binary_ply(mesh, image[texel[:, 1], texel[:, 0]], made["binary PLY, vertex colours"])
    print(
        f"made a {mesh.triangle_count / 1e6:.1f} M-triangle scan ({mesh.vertex_count / 1e6:.1f} M vertices): "
        f"OBJ {obj.stat().st_size / 1e9:.2f} GB + 8k JPEG, binary PLY {ply.stat().st_size / 1e9:.2f} GB"
    )
    return made


def child_peer(args: list[str]) -> None:
    """Run a peer's command; print its seconds and peak memory (the largest child's ru_maxrss)."""
    timer = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    report = Path(tempfile.mkstemp(suffix=".txt")[1])
    start = time.perf_counter()
    done = subprocess.run(
        [timer, "-f", "%M", "-o", str(report), *args] if timer else args, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    if timer:  # GNU time: the peer's own peak (KiB)
        peak = int(report.read_text().split()[-1]) / 1024**2
    else:
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2
    report.unlink()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_gb": peak,
                "rc": done.returncode,
                "error": (done.stderr + done.stdout).strip().splitlines()[-2:] if done.returncode else [],
            }
        )
    )


def run_child(*args: str, timeout: float = 3 * GOAL_SECONDS, log: Path | None = None) -> dict:
    """This script run with ``args`` in a child process; its last line of output as JSON, or
    {"error": ...}. ``log``: where its standard error goes (the build's step log)."""
    try:
        with open(log or os.devnull, "w") as err:
            out = subprocess.run(
                [sys.executable, __file__, *args], stdout=subprocess.PIPE, stderr=err, text=True, timeout=timeout
            )
    except subprocess.TimeoutExpired:
        return {"error": f"over {timeout:.0f} s"}
    if out.returncode:
        tail = log.read_text().strip().splitlines()[-1:] if log else []
        return {"error": f"exit status {out.returncode} {tail}"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_scale(triangles: int, work: Path) -> None:
    print(
        f"\n== build_model on a {triangles / 1e6:.0f} M-triangle scan (default levels; goals "
        f"{GOAL_GB:.0f} GB peak, {GOAL_SECONDS / 60:.0f} minutes)"
    )
    inputs = make_scale_inputs(triangles, work)
    print(f"{'input':28s} {'seconds':>8s} {'peak GB':>8s}  time / goal  peak / goal  levels (triangles, bytes, px)")
    ours = {}
    for name, path in inputs.items():
        log = work / f"build-{path.suffix[1:]}.log"
        r = run_child("--child", str(path), str(work / f"out-{path.suffix[1:]}"), log=log)
        if "error" in r:
            print(f"{name:28s} failed: {r['error']} (log: {log})")
            continue
        print(
            f"{name:28s} {r['seconds']:8.1f} {r['peak_gb']:8.2f}  {r['seconds'] / GOAL_SECONDS:11.2f}  "
            f"{r['peak_gb'] / GOAL_GB:11.2f}  {r['lods']}"
        )
        print(
            f"{'':28s} CPU {r['cpu_seconds']:.0f} s (wall above, on a shared machine); finest level: simplifier "
            f"{r['simplifier']!r}; deviation measured on {r['measured']}; step log {log}"
        )
        ours[name] = r
        shutil.rmtree(work / f"out-{path.suffix[1:]}", ignore_errors=True)
    gltfpack = ROOT / "node_modules" / ".bin" / "gltfpack"
    if not gltfpack.exists():
        print("gltfpack not installed (npm install); peer skipped")
        return
    obj = inputs["OBJ + 8k JPEG"]
    ratio = 500_000 / triangles
    r = run_child(
        "--peer", str(gltfpack), "-i", str(obj), "-o", str(work / "gltfpack.glb"), "-si", f"{ratio:.4f}", "-c"
    )
    if "seconds" not in r or r.get("rc"):
        print(f"gltfpack -si {ratio:.4f} (one level of 500 k): failed: {r.get('error')}")
        return
    print(
        f"gltfpack -si {ratio:.4f} -c on the OBJ (one level of 500 k; textures copied, no deviation): "
        f"{r['seconds']:.1f} s, peak {r['peak_gb']:.2f} GB"
    )
    if "OBJ + 8k JPEG" in ours:
        o = ours["OBJ + 8k JPEG"]
        print(
            f"vtour (three levels, textures, deviation) / gltfpack: time {o['seconds'] / r['seconds']:.2f}, "
            f"peak memory {o['peak_gb'] / r['peak_gb']:.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller meshes, for a smoke run")
    parser.add_argument("--scale", action="store_true", help="also part 4: a 20 M-triangle scan (~10 GB RAM)")
    parser.add_argument("--scale-only", action="store_true", help="only part 4")
    parser.add_argument("--scale-triangles", type=int, default=20_000_000)
    parser.add_argument("--work", help="scratch folder (default: a new temporary one)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--peer", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child_build(*args.child)
    if args.peer:
        return child_peer(args.peer)
    if args.work:  # kept, and the scale inputs in it reused (they take minutes to make)
        work = Path(args.work)
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="vtour-bench-model-"))
    try:
        if args.scale or args.scale_only:
            bench_scale(args.scale_triangles, work)
        if args.scale_only:
            return
        big = scan(101, 500) if args.quick else scan(501, 1000)  # 0.1 M / 1.0 M
        level = bench_simplify(big, 10_000 if args.quick else 100_000)
        bench_glb(level, work)
        if args.quick:
            bench_memory(201, 500, 2048, work)
        else:
            bench_memory(708, 1414, 8192, work)  # 2.0 M, 8k
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
