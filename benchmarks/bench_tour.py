"""Tour build benchmark: the first build, an incremental one, a no-change one, and on a Dask LocalCluster.

    .venv/bin/python benchmarks/bench_tour.py              # real sizes (faces from the sources)
    .venv/bin/python benchmarks/bench_tour.py --quick      # 512 px faces, small LODs

The tour: four scenes from ../shared/data (examplepano.jpg, Jordan Pond's six faces, the Swedish
Royal Castle cube, fireplace.png) and two models (fuze.obj, Avocado.gltf), written to a temporary
folder. "Incremental" edits one scene's JPEG quality, so exactly one stage is rebuilt; "no change"
rebuilds nothing and only re-assembles the tour folder (hard links).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("VTOUR_SHARED_DATA", ROOT.parent / "shared" / "data"))
JORDAN = "cubemap/pannellum_jordan_pond/examplepanocube{}.jpg"
CASTLE = "cubemap/SwedishRoyalCastle/{}.jpg"


FILES = ["equirect/examplepano.jpg", "equirect/fireplace.png", "meshes/fuze", "meshes/Avocado",
         *(JORDAN.format(i) for i in range(6)), *(CASTLE.format(n) for n in ("px", "nx", "py", "ny", "pz", "nz"))]


def tour_data(quick: bool) -> dict:
    data = {"id": "bench", "title": "Benchmark tour",
            "scenes": [
                {"id": "pond", "panorama": "data/equirect/examplepano.jpg",
                 "hotspots": [{"type": "link", "yaw": 90, "pitch": 0, "target": "castle"},
                              {"type": "model", "yaw": 10, "pitch": -5, "target": "fuze"}]},
                {"id": "pond-cube", "panorama": {c: "data/" + JORDAN.format(i) for i, c in enumerate("frblud")}},
                {"id": "castle", "panorama": ["data/" + CASTLE.format(n) for n in ("px", "nx", "py", "ny", "pz", "nz")],
                 "hotspots": [{"type": "model", "yaw": 0, "pitch": 0, "target": "avocado"}]},
                {"id": "fireplace", "panorama": "data/equirect/fireplace.png"}],
            "models": [{"id": "fuze", "source": "data/meshes/fuze/fuze.obj", "units": "m"},
                       {"id": "avocado", "source": "data/meshes/Avocado/Avocado.gltf"}]}
    if quick:
        data["pano"] = {"face_size": 512}
        data["lod"] = {"levels": ["300:256", "1k:512"], "deviation_samples": 20000}
    return data


def timed(label: str, fn):
    t0 = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - t0
    print(f"{label:<34} {seconds:7.2f} s   built {len(result.built)}, cached {len(result.cached)}")
    return seconds, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--no-dask", action="store_true")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"real data not found at {DATA}; set VTOUR_SHARED_DATA", file=sys.stderr)
        return 1
    from vtour.tour import build_tour

    with tempfile.TemporaryDirectory(prefix="vtour-bench-") as tmp:
        root = Path(tmp)
        for rel in FILES:  # a tour's paths must stay inside its folder: copy, never link, the captures
            (root / "data" / rel).parent.mkdir(parents=True, exist_ok=True)
            copy = shutil.copytree if (DATA / rel).is_dir() else shutil.copyfile
            copy(DATA / rel, root / "data" / rel)
        data = tour_data(args.quick)
        path = root / "tour.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        out = root / "export" / "bench"
        print(f"tour: {len(data['scenes'])} scenes, {len(data['models'])} models; --jobs {args.jobs}; "
              f"{'quick' if args.quick else 'real sizes'}")
        first, _ = timed("first build", lambda: build_tour(path, out, jobs=args.jobs))
        same, _ = timed("rebuild, nothing changed", lambda: build_tour(path, out, jobs=args.jobs))
        data["scenes"][3]["pano"] = {"quality": 70}
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        incr, r = timed("rebuild after editing one scene", lambda: build_tour(path, out, jobs=args.jobs))
        assert r.built == ["scene:fireplace"], r.built
        print(f"incremental / first: {incr / first:.2f} (x{first / incr:.1f} faster)")
        if not args.no_dask:
            from distributed import LocalCluster

            with LocalCluster(n_workers=args.jobs, threads_per_worker=1, processes=True, host="127.0.0.1",
                              dashboard_address=None) as cluster:
                timed("first build on a Dask LocalCluster",
                      lambda: build_tour(path, root / "dask" / "bench", scheduler=cluster.scheduler_address))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
