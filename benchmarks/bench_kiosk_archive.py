"""A kiosk package's tiles as one archive or as a folder of files, for USB media.

    python benchmarks/bench_kiosk_archive.py [--tour BUILT_DIR] [--scale 10] [--requests 2000]
                                            [--concurrency 8] [--dest DIR]

Takes a built tour (default: the sample grotto, tiny, generated and built into a temporary folder) and
packs it with ``vtour package --kiosk``; ``--scale K`` repeats its scenes/ K times in the package (as
scenes-copyN/), for a tour of thousands of tiles. Then measures:

1. Copying the package to ``--dest`` (default: a temporary folder on the same disk as the temporary files),
   with an fsync per file as a USB stick pays a metadata write per file: the unpacked folder (thousands of
   files) vs the single zip vs a PMTiles-style single file (a small JSON index of offsets and lengths, then
   the tiles concatenated: written here for the comparison only). A cold USB stick costs far more per file
   than a local disk; the file counts printed say how that cost multiplies.
2. Serving: ``--requests`` GETs of random tiles through the kiosk launcher's server (its own process, as a
   kiosk runs it) over ``--concurrency`` keep-alive connections, from the unpacked folder vs straight from
   the zip, and from the PMTiles-style file through a minimal server of the same kind (the launcher does not
   read that format: this says what it would gain): median and p99 latency, requests/s. A failed request
   fails the benchmark (exit 1): a fast server that drops requests proves nothing.

Prints the figures and the ratios (folder / archive). Everything stays on 127.0.0.1 and in temporary folders.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SERVER = (
    "import sys; from vtour.kiosk_launch import make_server; "
    "s = make_server(0, sys.argv[1]); print(s.server_address[1], flush=True); s.serve_forever()"
)

# the PMTiles-style file (see pmtiles_like) behind the launcher's server classes: keep-alive, no Nagle, a
# handle per request, the tile read by offset
SINGLE_FILE_SERVER = """
import http.server, json, os, sys
from vtour.kiosk_launch import Server
path = sys.argv[1]
with open(path, "rb") as f:
    head = int.from_bytes(f.read(8), "little")
    index = json.loads(f.read(head))
base = 8 + head

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    def log_message(self, *args):
        pass
    def do_GET(self):
        where = index.get(self.path.lstrip("/"))
        if where is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        with open(path, "rb") as f:
            f.seek(base + where[0])
            data = f.read(where[1])
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

s = Server(("127.0.0.1", 0), Handler)
print(s.server_address[1], flush=True)
s.serve_forever()
"""


def sample_tour(folder: Path) -> Path:
    from vtour.sample import TINY_SAMPLE_OPTIONS, write_sample
    from vtour.tour.build import build_tour

    write_sample(folder / "sample", TINY_SAMPLE_OPTIONS)
    return build_tour(folder / "sample" / "tour.yaml", folder / "built", jobs=1).out_dir


def scaled(tour: Path, k: int, folder: Path) -> Path:
    """A copy of ``tour`` with its scenes/ repeated ``k`` times (the viewer never asks for the copies)."""
    if k <= 1:
        return tour
    out = folder / "scaled"
    shutil.copytree(tour, out)
    for i in range(1, k):
        shutil.copytree(tour / "scenes", out / f"scenes-copy{i}")
    return out


def pmtiles_like(folder: Path, dest: Path) -> Path:
    """One file: 8 bytes of index length, a JSON index {name: [offset, length]}, then every file's bytes."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    index, offset = {}, 0
    for p in files:
        size = p.stat().st_size
        index[p.relative_to(folder).as_posix()] = [offset, size]
        offset += size
    head = json.dumps(index).encode()
    with open(dest, "wb") as out:
        out.write(len(head).to_bytes(8, "little") + head)
        for p in files:
            out.write(p.read_bytes())
    return dest


def copy_fsync(src: Path, dest: Path) -> tuple[float, int]:
    """Copy a file or a folder, fsyncing every file and folder written; (seconds, files)."""
    t0, n = time.perf_counter(), 0
    items = [src] if src.is_file() else sorted(p for p in src.rglob("*"))
    for p in items:
        target = dest if src.is_file() else dest / p.relative_to(src)
        if p.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(p, "rb") as fin, open(target, "wb") as fout:
            shutil.copyfileobj(fin, fout, 1 << 20)
            fout.flush()
            os.fsync(fout.fileno())
        n += 1
    if hasattr(os, "O_DIRECTORY"):
        for d in {dest.parent} | ({dest} | {p.parent for p in dest.rglob("*")} if dest.is_dir() else set()):
            fd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
            os.fsync(fd)
            os.close(fd)
    return time.perf_counter() - t0, n


def serve(package: Path, script: str = SERVER) -> tuple[subprocess.Popen, int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", script, str(package)], stdout=subprocess.PIPE, text=True, env=env)
    return proc, int(proc.stdout.readline())


def load(port: int, paths: list[str], concurrency: int) -> dict:
    todo = list(paths)
    lock = threading.Lock()
    latencies: list[float] = []
    failures = 0

    def client():
        nonlocal failures
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while True:
            with lock:
                if not todo:
                    break
                path = todo.pop()
            t0 = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:  # a refused or dropped connection is a failed request, and a new connection
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append(time.perf_counter() - t0)
            if not ok:
                with lock:
                    failures += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    latencies.sort()
    return {
        "requests": len(latencies),
        "failed": failures,
        "rps": len(latencies) / wall,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(0.99 * (len(latencies) - 1))] * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tour", type=Path, help="a built tour (default: the tiny sample grotto, built here)")
    ap.add_argument("--scale", type=int, default=10, help="repeat scenes/ this many times (default 10)")
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--dest", type=Path, help="where the copies go (default: a temporary folder)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from vtour.package import package_tour
    from vtour.pano.codec import TILE_FORMATS

    with tempfile.TemporaryDirectory(prefix="bench-kiosk-") as tmp_name:
        tmp = Path(tmp_name)
        tour = args.tour.resolve() if args.tour else sample_tour(tmp)
        tour = scaled(tour, args.scale, tmp)
        pkg = package_tour(tour, tmp / "kiosk.zip", kiosk=True)
        folder = tmp / "unpacked"
        with zipfile.ZipFile(pkg) as zf:
            zf.extractall(folder)
        single = pmtiles_like(folder, tmp / "kiosk.pmtiles-like")
        files = sum(1 for p in folder.rglob("*") if p.is_file())
        mb = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6
        print(f"package: {files} files, {mb:.1f} MB unpacked; zip {pkg.stat().st_size / 1e6:.1f} MB; "
              f"single file {single.stat().st_size / 1e6:.1f} MB")
        dest_root = Path(tempfile.mkdtemp(prefix="bench-kiosk-dest-", dir=args.dest))
        try:
            print("\n1. copy with an fsync per file")
            copies = {}
            for label, src in (("folder", folder), ("zip", pkg), ("pmtiles-like", single)):
                seconds, n = copy_fsync(src, dest_root / label / src.name)
                copies[label] = seconds
                print(f"   {label:13s} {n:6d} file(s)  {seconds * 1000:9.1f} ms  {mb / seconds:8.1f} MB/s")
            print(f"   folder / zip: {copies['folder'] / copies['zip']:.1f}x   "
                  f"folder / pmtiles-like: {copies['folder'] / copies['pmtiles-like']:.1f}x   "
                  f"(per-file cost measured here: {(copies['folder'] - copies['zip']) / max(files - 1, 1) * 1000:.2f}"
                  " ms; a USB stick's is often 5-30 ms)")
        finally:
            shutil.rmtree(dest_root, ignore_errors=True)

        # what a visitor's browser asks for: the scenes' tiles and previews (AVIF by default, JPEG copies for the peers)
        tiles = sorted(
            p.relative_to(folder).as_posix()
            for p in folder.glob("scenes*/**/*")
            if p.suffix.lower() in TILE_FORMATS.values() and p.is_file()
        )
        rng = random.Random(args.seed)
        paths = ["/" + rng.choice(tiles) for _ in range(args.requests)]
        print(f"\n2. serving {args.requests} random tiles of {len(tiles)}, {args.concurrency} keep-alive connections")
        results = {}
        for label, src, script in (
            ("folder", folder, SERVER),
            ("zip", pkg, SERVER),
            ("pmtiles-like", single, SINGLE_FILE_SERVER),
        ):
            proc, port = serve(src, script)
            try:
                load(port, paths[:200], args.concurrency)  # warm-up: page cache, imports
                results[label] = r = load(port, paths, args.concurrency)
            finally:
                proc.terminate()
                proc.wait()
            print(f"   {label:12s} {r['requests']} done, {r['failed']} failed  {r['rps']:8.0f} req/s  "
                  f"p50 {r['p50_ms']:.2f} ms  p99 {r['p99_ms']:.2f} ms")
        f = results["folder"]
        for label in ("zip", "pmtiles-like"):
            a = results[label]
            print(f"   {label} / folder: throughput {a['rps'] / f['rps']:.2f}x, "
                  f"median latency {a['p50_ms'] / f['p50_ms']:.2f}x")
        failed = {label: r["failed"] for label, r in results.items() if r["failed"]}
        if failed:
            print(f"FAILED: requests failed: {failed}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
