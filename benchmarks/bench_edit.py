"""Editor benchmark: what one edit in `vtour edit` costs, against a bare ruamel.yaml round trip of the same file.

    .venv/bin/python benchmarks/bench_edit.py                 # tours of 3, 30 and 100 scenes
    .venv/bin/python benchmarks/bench_edit.py --scenes 10 60  # other sizes

Each tour has 12 hotspots per scene (6 links, 6 info hotspots with English and Chinese texts long enough to be
folded over two lines, as PyYAML writes them), written by PyYAML at width 100 like `vtour sample`. One edit is
``EditDocument.move_hotspot`` on a scene in the middle: ruamel load of the text, the change, two dumps, the
3-way line merge that keeps the save to the edited lines, and the check that the merged text reads back as the
edited tree. "problems" is ``EditDocument.problems()``: what the page's live validation panel runs after every
edit (the checks of `vtour validate`). The peer, the floor any round-trip editor pays, is ruamel.yaml loading
and dumping the file once (it keeps comments but re-folds long texts, so its save would change unrelated
lines). The ratio is vtour's edit over that round trip; median of --runs edits.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vtour.edit.document import EditDocument  # noqa: E402


def write_tour(folder: Path, n: int) -> Path:
    """A tour of ``n`` scenes (empty panorama files: nothing is built) in ``folder``; its tour.yaml."""
    (folder / "panoramas").mkdir(parents=True)
    scenes = []
    for i in range(n):
        (folder / "panoramas" / f"s{i}.jpg").write_bytes(b"")
        links = [
            {"type": "link", "yaw": float(k * 30 - 170), "pitch": 0.0, "target": f"s{(i + k + 1) % n}"}
            for k in range(6)
        ]
        infos = [
            {
                "type": "info",
                "yaw": float(k * 20),
                "pitch": -3.0,
                "title": {"en": f"Painting {k}", "zh": "壁画"},
                "text": {"en": "A long description of this painting, its date and its makers. " * 2, "zh": "说明" * 20},
            }
            for k in range(6)
        ]
        scenes.append(
            {
                "id": f"s{i}",
                "title": {"en": f"Room {i}", "zh": f"房间{i}"},
                "panorama": f"panoramas/s{i}.jpg",
                "hotspots": links + infos,
            }
        )
    data = {"id": "bench", "title": {"en": "Bench", "zh": "基准"}, "languages": ["en", "zh"], "scenes": scenes}
    path = folder / "tour.yaml"
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    path.write_text("# a tour for the editor benchmark\n" + text, encoding="utf-8")
    return path


def ruamel_round_trip(text: str) -> None:
    y = YAML()
    y.preserve_quotes = True
    y.dump(y.load(text), io.StringIO())


def timed(fn, runs: int) -> float:
    times = []
    for k in range(runs):
        t0 = time.perf_counter()
        fn(k)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenes", type=int, nargs="+", default=[3, 30, 100])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"{'scenes':>6} {'lines':>6} {'edit s':>8} {'problems s':>10} {'ruamel rt s':>11} {'edit/rt':>8}")
    for n in args.scenes:
        with tempfile.TemporaryDirectory() as tmp:
            path = write_tour(Path(tmp), n)
            text = path.read_text(encoding="utf-8")
            doc = EditDocument.open(path)
            scene = f"s{n // 2}"
            edit = timed(lambda k, d=doc, s=scene: d.move_hotspot(s, 3, 10.0 + k, 1.0), args.runs)
            problems = timed(lambda k, d=doc: d.problems(), args.runs)
            peer = timed(lambda k, t=text: ruamel_round_trip(t), args.runs)
            doc.save()
            changed = sum(a != b for a, b in zip(text.splitlines(), path.read_text(encoding="utf-8").splitlines()))
            lines = text.count("\n")
            print(
                f"{n:>6} {lines:>6} {edit:>8.2f} {problems:>10.2f} {peer:>11.2f} {edit / peer:>7.2f}x"
                f"   (the save changed {changed} line(s))"
            )


if __name__ == "__main__":
    main()
