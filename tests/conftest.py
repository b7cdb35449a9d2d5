"""Shared fixtures: real captures from ../shared/data, and small inputs made in code.

Tests that need ../shared/data skip with a reason on a user's machine and fail under ``CI=true``.
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


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real captures nobody on this project made (see its SOURCES.md)."""
    return require(SHARED_DATA, "real test data folder ../shared/data")


@pytest.fixture
def data_file(shared_data):
    """``data_file("equirect/examplepano.jpg")`` -> the path, or skip/fail when it is missing."""
    return lambda rel: require(shared_data / rel, f"real test file {rel}")
