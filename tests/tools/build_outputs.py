"""Build the sample grotto and the tour of ../shared/data, and print a digest of every output file.

    .venv/bin/python tests/tools/build_outputs.py OUT [--data DIR] [--only sample|shared] [--tiny]

Writes ``OUT/sample/`` and ``OUT/shared/`` (sources and built tours) and ``OUT/digests.json``:
``{"sample/export/...": sha256, ...}`` for every file vtour wrote. Two runs of this script with two
versions of vtour (e.g. a ``git worktree`` of an older commit on ``PYTHONPATH``) must give the same
digests when a change is meant to be invisible to users; ``tests/test_outputs_unchanged.py`` does
exactly that against a pinned commit.

The script only uses the public API that every version since the first tour build has had:
``vtour.sample.write_sample`` and ``vtour.tour.build_tour``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = Path(os.environ.get("VTOUR_SHARED_DATA", ROOT.parent / "shared" / "data"))

JORDAN = "cubemap/pannellum_jordan_pond/examplepanocube{}.jpg"
CASTLE = "cubemap/SwedishRoyalCastle/{}.jpg"


#: What the shared tour reads from ../shared/data.
SHARED_FILES = ["equirect/examplepano.jpg", "equirect/fireplace.png", "meshes/fuze", "meshes/Avocado",
                *(JORDAN.format(i) for i in range(6)), *(CASTLE.format(n) for n in ("px", "nx", "py", "ny", "pz", "nz"))]


def shared_tour() -> dict:
    """A tour over ../shared/data: an equirect, six named faces, a px/nx cube, a PNG and two models."""
    return {
        "id": "shared", "title": {"en": "Shared data", "zh": "共享数据"}, "languages": ["en", "zh"],
        "pano": {"face_size": 1024},
        "lod": {"levels": ["2k:512", "20k:1024"], "deviation_samples": 20000},
        "scenes": [
            {"id": "pond", "title": {"en": "Pond", "zh": "池塘"}, "panorama": "data/equirect/examplepano.jpg",
             "view": {"yaw": 12.5, "pitch": -4, "fov": 70},
             "hotspots": [{"type": "link", "yaw": 90, "pitch": 0, "target": "castle"},
                          {"type": "info", "yaw": -30, "pitch": 10, "title": {"en": "Note", "zh": "注释"},
                           "text": {"en": "A <b>text</b>", "zh": "文字"}},
                          {"type": "model", "yaw": 10, "pitch": -5, "target": "fuze"}]},
            {"id": "pond-cube", "panorama": {c: "data/" + JORDAN.format(i) for i, c in enumerate("frblud")}},
            {"id": "castle", "panorama": ["data/" + CASTLE.format(n) for n in ("px", "nx", "py", "ny", "pz", "nz")],
             "hotspots": [{"type": "model", "yaw": 0, "pitch": 0, "target": "avocado"},
                          {"type": "link", "yaw": -90, "pitch": 0, "target": "pond"}]},
            {"id": "fireplace", "panorama": "data/equirect/fireplace.png", "pano": {"quality": 80}}],
        "models": [{"id": "fuze", "title": {"en": "Fuze", "zh": "引信"}, "source": "data/meshes/fuze/fuze.obj", "units": "m"},
                   {"id": "avocado", "source": "data/meshes/Avocado/Avocado.gltf"}],
    }


#: Keys whose values differ from one run to the next by nature (wall-clock seconds).
VOLATILE_KEYS = frozenset({"seconds"})


def _drop_volatile(value):
    if isinstance(value, dict):
        return {k: _drop_volatile(v) for k, v in value.items() if k not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [_drop_volatile(v) for v in value]
    return value


def digest(path: Path, root: Path) -> str:
    """sha256 of the file's bytes; a report.json is digested without its timings and with ``root``
    (where this run wrote) replaced by ``<root>``, since it records both."""
    data = path.read_bytes()
    if path.name == "report.json":
        text = data.decode("utf-8").replace(str(root), "<root>")
        data = json.dumps(_drop_volatile(json.loads(text)), sort_keys=True).encode()
    return hashlib.sha256(data).hexdigest()


#: vtour's bookkeeping, not content: the cache's source hashes and each entry's record hold mtimes, and
#: the output's manifest (what vtour wrote, so that a rebuild keeps the user's own files) is newer than
#: the base commit of compare_outputs.py.
BOOKKEEPING = frozenset({"hashes.json", ".vtour-stage.json", ".vtour-manifest.json"})


def digests(folder: Path, root: Path) -> dict[str, str]:
    """Every file under ``folder`` but vtour's bookkeeping files."""
    return {str(p.relative_to(folder)): digest(p, root) for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in BOOKKEEPING}


def build_sample(out: Path, tiny: bool = False) -> dict[str, str]:
    from vtour.sample import DEFAULT_SAMPLE_OPTIONS, TINY_SAMPLE_OPTIONS, write_sample
    from vtour.tour import build_tour

    src = out / "sample"
    write_sample(src, TINY_SAMPLE_OPTIONS if tiny else DEFAULT_SAMPLE_OPTIONS)
    build_tour(src / "tour.yaml", src / "export", jobs=2)
    return {f"sample/{k}": v for k, v in digests(src, out).items()}


def build_shared(out: Path, data: Path) -> dict[str, str]:
    from vtour.tour import build_tour

    src = out / "shared"
    src.mkdir(parents=True)
    # a tour's paths must stay inside its folder once links are resolved: copy the captures in
    for rel in SHARED_FILES:
        (src / "data" / rel).parent.mkdir(parents=True, exist_ok=True)
        if (data / rel).is_dir():
            shutil.copytree(data / rel, src / "data" / rel)
        else:
            shutil.copyfile(data / rel, src / "data" / rel)
    (src / "tour.yaml").write_text(yaml.safe_dump(shared_tour(), allow_unicode=True, sort_keys=False),
                                   encoding="utf-8")
    build_tour(src / "tour.yaml", src / "export", jobs=2)
    return {f"shared/{k}": v for k, v in digests(src / "export", out).items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--only", choices=("sample", "shared"))
    parser.add_argument("--tiny", action="store_true", help="the small sample (seconds, not a minute)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    result: dict[str, str] = {}
    if args.only in (None, "sample"):
        result.update(build_sample(args.out, args.tiny))
    if args.only in (None, "shared"):
        if not args.data.exists():
            print(f"build_outputs: shared data not found at {args.data}", file=sys.stderr)
            return 1
        result.update(build_shared(args.out, args.data))
    (args.out / "digests.json").write_text(json.dumps(result, indent=1, sort_keys=True))
    import vtour

    print(f"build_outputs: vtour from {Path(vtour.__file__).parent}: {len(result)} files digested into "
          f"{args.out / 'digests.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
