"""A bounded load test of vtour's two servers on a small built tour: ``vtour serve`` (Panel/tornado,
static tiles under /tour/) and the kiosk launcher's server (``vtour.kiosk_launch.make_server``).

    python benchmarks/bench_serve.py [--requests 3000] [--concurrency 20] [--time-limit 60]
                                     [--server-pythonpath DIR] [--tour DIR] [--against DIR]

The peer is Python's own static server (``python -m http.server``), which any kiosk could run
instead of the launcher; ``--against DIR`` also measures another copy of vtour in the same run (the
code before a change: ``git archive <commit> vtour | tar -x -C DIR`` plus ``vtour/web/dist``) and
prints the ratios.

Each server runs in its own process (``--server-pythonpath`` is its PYTHONPATH: point it at another
copy of vtour to measure that one) and gets a fixed number of GETs of the tour's tiles, from
``--concurrency`` client threads that each keep one HTTP/1.1 connection open as a browser does (a
server that closes it after each response costs a new connection per tile). Requests go to 127.0.0.1
only; a run stops at ``--time-limit`` seconds whatever it has done. Prints, per server: requests done
and failed, requests/s, p50/p99/max latency (ms) and the server's peak resident memory (VmHWM,
Linux). The client shares the machine's cores with the server: compare runs made on the same machine.
"""

from __future__ import annotations

import argparse
import http.client
import os
import queue
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests")]

KIOSK = (
    "import sys; from vtour.kiosk_launch import make_server; "
    "s = make_server(0, sys.argv[1]); print(s.server_address[1], flush=True); s.serve_forever()"
)


def small_built_tour(folder: Path) -> Path:
    from tour_helpers import small_tour

    from vtour.tour.build import build_tour

    return build_tour(small_tour(folder, scenes=3), folder / "out", jobs=1).out_dir


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ok(port: int, path: str, proc: subprocess.Popen, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer {path} within {timeout_s} s")


def _peak_rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            kb = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
        return kb / 1024
    except (OSError, StopIteration):
        return float("nan")


def load(port: int, paths: list[str], requests: int, concurrency: int, time_limit: float) -> dict:
    """GET ``requests`` paths (cycled) over ``concurrency`` keep-alive connections; latencies in s."""
    todo: queue.SimpleQueue[str] = queue.SimpleQueue()
    for i in range(requests):
        todo.put(paths[i % len(paths)])
    latencies: list[float] = []
    failures: list[str] = []
    deadline = time.monotonic() + time_limit
    lock = threading.Lock()

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad = [], []
        while time.monotonic() < deadline:
            try:
                path = todo.get_nowait()
            except queue.Empty:
                break
            t0 = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad.append(f"{response.status} {path}")
                mine.append(time.perf_counter() - t0)
            except (OSError, http.client.HTTPException) as exc:
                bad.append(f"{type(exc).__name__} {path}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()
        with lock:
            latencies.extend(mine)
            failures.extend(bad)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    latencies.sort()

    def q(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else float("nan")

    return {
        "done": len(latencies),
        "failed": len(failures),
        "rps": len(latencies) / wall,
        "p50": q(0.50),
        "p99": q(0.99),
        "max": latencies[-1] * 1000 if latencies else float("nan"),
        "timed_out": time.monotonic() >= deadline,
        "examples": failures[:3],
    }


def run_server(kind: str, tour: Path, env: dict, cwd: str) -> tuple[subprocess.Popen, int, str]:
    """Start a server process in ``cwd`` (``python -m``/``-c`` put the current folder first on the
    path: not the checkout's, or it would shadow PYTHONPATH); return it, its port and the URL prefix
    of the tour's files."""
    if kind == "vtour serve":
        port = _free_port()
        cmd = [sys.executable, "-m", "vtour.cli", "-q", "serve", str(tour), "--port", str(port)]
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        prefix = "/tour/"
    elif kind == "http.server":  # the peer: Python's own static server, what `python -m http.server` runs
        port = _free_port()
        cmd = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(tour)]
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        prefix = "/"
    else:
        proc = subprocess.Popen(
            [sys.executable, "-c", KIOSK, str(tour)], env=env, cwd=cwd, stdout=subprocess.PIPE, text=True
        )
        port = int(proc.stdout.readline())
        prefix = "/"
    _wait_ok(port, prefix + "tour.json", proc)
    return proc, port, prefix


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000, help="GETs per server (default 3000)")
    parser.add_argument("--concurrency", type=int, default=20, help="client connections (default 20)")
    parser.add_argument("--time-limit", type=float, default=60, help="seconds per server at most (default 60)")
    parser.add_argument(
        "--server-pythonpath", default=str(ROOT), help="PYTHONPATH of the servers (default: this checkout)"
    )
    parser.add_argument("--tour", type=Path, help="a built tour to serve (default: a small one built now)")
    parser.add_argument(
        "--against",
        help="PYTHONPATH of another copy of vtour, measured in the same run (e.g. the code before a change)",
    )
    args = parser.parse_args(argv)

    env = {**os.environ, "PYTHONPATH": args.server_pythonpath}
    other = {**os.environ, "PYTHONPATH": args.against} if args.against else None
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        tour = args.tour.resolve() if args.tour else small_built_tour(Path(tmp))
        tiles = sorted(p.relative_to(tour).as_posix() for p in (tour / "scenes").rglob("*.jpg"))
        where = subprocess.run(
            [sys.executable, "-c", "import vtour; print(vtour.__file__)"],
            env=env,
            cwd=tmp,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        print(
            f"tour {tour}: {len(tiles)} tile and preview files; {args.requests} GETs per server, "
            f"{args.concurrency} connections, at most {args.time_limit:g} s; the servers run {where}"
        )
        runs = [("vtour serve", env, ""), ("kiosk launcher", env, ""), ("http.server", env, " (peer)")]
        if other is not None:
            runs += [("vtour serve", other, " (--against)"), ("kiosk launcher", other, " (--against)")]
        results = {}
        for kind, server_env, label in runs:
            proc, port, prefix = run_server(kind, tour, server_env, tmp)
            try:
                r = load(port, [prefix + t for t in tiles], args.requests, args.concurrency, args.time_limit)
                r["rss"] = _peak_rss_mb(proc.pid)
            finally:
                proc.terminate()
                proc.wait(timeout=30)
            results[kind + label] = r
            print(
                f"{kind + label:28s} {r['done']:6d} done {r['failed']:4d} failed {r['rps']:8.0f} req/s  "
                f"p50 {r['p50']:7.1f} ms  p99 {r['p99']:7.1f} ms  max {r['max']:7.1f} ms  "
                f"peak RSS {r['rss']:6.1f} MB" + ("  (time limit reached)" if r["timed_out"] else "")
            )
            if r["examples"]:
                print("   failures, e.g.:", "; ".join(r["examples"]))
        pairs = [("kiosk launcher", "http.server (peer)")]
        pairs += [(k, f"{k} (--against)") for k in ("vtour serve", "kiosk launcher") if other is not None]
        for a, b in pairs:
            ra, rb = results[a], results[b]
            print(
                f"{a} / {b}: req/s x{ra['rps'] / rb['rps']:.2f}, p99 x{ra['p99'] / rb['p99']:.2f}, "
                f"peak RSS x{ra['rss'] / rb['rss']:.2f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
