"""Where the real captures are, and how a test asks for one (importable from any test module).

A test module imports ``require`` from here, never from a conftest: with tests/ and tests/browser/
both on sys.path, ``conftest`` names two different modules.
"""

from __future__ import annotations

import importlib
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("VTOUR_SHARED_DATA", ROOT.parent / "shared" / "data"))
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing(message: str):
    """Skip with ``message`` on a user's machine; under CI everything must be there, so fail."""
    if IN_CI:
        pytest.fail(message + "; CI must have it", pytrace=False)
    pytest.skip(message, allow_module_level=True)


def require(path: Path, what: str, hint: str = "set VTOUR_SHARED_DATA to the shared data folder") -> Path:
    """Return ``path`` if it exists; otherwise skip (or fail under CI) naming what is missing."""
    if not path.exists():
        missing(f"{what} not found at {path} ({hint})")
    return path


def require_module(name: str, why: str):
    """Import an optional development module (``make test`` installs it), or skip / fail under CI."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        missing(f"{name} is not importable ({why}): {exc}; `make test` installs it")


def copy_data(rels: list[str], dest: Path, data: Path = SHARED_DATA) -> Path:
    """Copy files or folders of the shared data to ``dest/<rel>`` and return ``dest``.

    A tour's paths must stay inside its folder once links are resolved, so a test tour copies the
    captures it uses instead of linking ``../shared/data`` into it.
    """
    for rel in rels:
        src = require(data / rel, f"real test file {rel}")
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dest / rel)
        else:
            shutil.copyfile(src, dest / rel)
    return dest
