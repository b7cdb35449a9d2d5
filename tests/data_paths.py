"""Where the real captures are, and how a test asks for one (importable from any test module).

A test module imports ``require`` from here, never from a conftest: with tests/ and tests/browser/
both on sys.path, ``conftest`` names two different modules.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("VTOUR_SHARED_DATA", ROOT.parent / "shared" / "data"))
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(path: Path, what: str) -> Path:
    """Return ``path`` if it exists; otherwise skip (or fail under CI) naming what is missing."""
    if path.exists():
        return path
    message = f"{what} not found at {path} (set VTOUR_SHARED_DATA to the shared data folder)"
    if IN_CI:
        pytest.fail(message + "; CI must have it", pytrace=False)
    pytest.skip(message)
