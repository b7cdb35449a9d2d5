"""The Khronos glTF-Validator (npm ``gltf-validator``), for any test that writes .glb or .gltf files."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from data_paths import missing

ROOT = Path(__file__).resolve().parents[1]
VALIDATOR = ROOT / "tests" / "tools" / "validate_gltf.mjs"


def validate(paths: list[Path]) -> list[dict]:
    """Run the validator on files; one report per file (``numErrors``, ``numWarnings``, ``messages``...)."""
    if shutil.which("node") is None or not (ROOT / "node_modules" / "gltf-validator").is_dir():
        missing("node or npm package gltf-validator missing (run `npm install` at the repo root)")
    out = subprocess.run(["node", str(VALIDATOR), *map(str, paths)], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    return json.loads(out.stdout)
