"""Build the same tours with an earlier commit of vtour and with this checkout; every output must match.

    .venv/bin/python tests/tools/compare_outputs.py                 # full sample + ../shared/data tour
    .venv/bin/python tests/tools/compare_outputs.py --tiny          # the small sample (what the tests run)
    .venv/bin/python tests/tools/compare_outputs.py --base <commit> --work /tmp/cmp

For a change meant to be invisible to users (a refactor), every file ``vtour sample`` and
``vtour build`` write must keep its bytes. The earlier commit is read with ``git archive`` (the
repository is not touched) into ``WORK/base-src``; both versions run ``tests/tools/build_outputs.py``
in a child process whose ``PYTHONPATH`` puts that version first, with the same viewer bundle
(``vtour/web/dist``, built from this checkout: the bundle is not what is compared). Exit 1 and list
the files that differ, are missing or are new.

The default base is the last commit that changed outputs on purpose (issue 13: deep-zoom images,
the sample's mural, ``iiif/`` manifests, tour.json's ``baseUrl``/``images``/``iiif``, the image
bundle; checked against 6a1b937: 27 files differ, all of them those, models and tiles unchanged;
then ``rotate`` joined the image options: the image stage's cache key, not its files, changed);
issue 9's refactor was checked against 0db2482, the commit before it, with
``--base 0db2482`` (434 files, none different). ``VTOUR_OUTPUTS_BASE`` or ``--base`` names another:
after a change that alters outputs on purpose, move it forward.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD_OUTPUTS = Path(__file__).with_name("build_outputs.py")
#: The last commit that changed what vtour writes on purpose (see the module docstring).
DEFAULT_BASE = os.environ.get("VTOUR_OUTPUTS_BASE", "915b9198c8f1fe38415cb5284300595327a3c78f")


def has_commit(ref: str) -> bool:
    probe = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{ref}^{{commit}}"], capture_output=True)
    return probe.returncode == 0


def extract(ref: str, dest: Path) -> Path:
    """The tree of ``ref`` in ``dest`` (``git archive``: no worktree, no change to the repository)."""
    dest.mkdir(parents=True)
    archive = dest.with_suffix(".tar")
    with open(archive, "wb") as f:
        subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", ref, "vtour"], stdout=f, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data")
    archive.unlink()
    shutil.copytree(ROOT / "vtour" / "web" / "dist", dest / "vtour" / "web" / "dist")
    return dest


def run_version(src: Path, out: Path, extra: list[str]) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    proc = subprocess.run([sys.executable, str(BUILD_OUTPUTS), str(out), *extra], env=env, capture_output=True,
                          text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"build_outputs failed with vtour from {src}:\n{proc.stdout}\n{proc.stderr}")
    reported = proc.stdout.strip().splitlines()[-1]
    if f"vtour from {src / 'vtour'}:" not in reported:
        raise RuntimeError(f"the child imported the wrong vtour: {reported}")
    return json.loads((out / "digests.json").read_text())


def differences(base: dict[str, str], head: dict[str, str]) -> list[str]:
    lines = []
    for key in sorted(set(base) | set(head)):
        if key not in head:
            lines.append(f"missing now: {key}")
        elif key not in base:
            lines.append(f"new now:     {key}")
        elif base[key] != head[key]:
            lines.append(f"differs:     {key}")
    return lines


def compare(base_ref: str, work: Path, extra: list[str]) -> list[str]:
    base_src = extract(base_ref, work / "base-src")
    base = run_version(base_src, work / "base", extra)
    head = run_version(ROOT, work / "head", extra)
    if not base or not head:
        raise RuntimeError("no outputs were digested")
    return differences(base, head)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=DEFAULT_BASE, help="the earlier commit (default: the last that changed outputs on purpose)")
    parser.add_argument("--work", type=Path, help="keep the builds here (default: a temporary folder)")
    parser.add_argument("--tiny", action="store_true", help="the small sample instead of the full one")
    parser.add_argument("--data", type=Path, help="../shared/data (default: VTOUR_SHARED_DATA or ../shared/data)")
    parser.add_argument("--only", choices=("sample", "shared"))
    args = parser.parse_args(argv)
    if not has_commit(args.base):
        print(f"compare_outputs: commit {args.base} is not in this clone (fetch its history)", file=sys.stderr)
        return 2
    extra = (["--tiny"] if args.tiny else []) + (["--only", args.only] if args.only else [])
    extra += ["--data", str(args.data)] if args.data else []
    with tempfile.TemporaryDirectory(prefix="vtour-compare-") as tmp:
        work = args.work or Path(tmp)
        diff = compare(args.base, work, extra)
        count = len(json.loads((work / "head" / "digests.json").read_text()))
    for line in diff:
        print(line)
    print(f"compare_outputs: {count} files, {len(diff)} differ from {args.base[:10]}")
    return 1 if diff else 0


if __name__ == "__main__":
    raise SystemExit(main())
