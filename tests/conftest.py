"""Shared fixtures: real captures from ../shared/data, and small inputs made in code.

Tests that need ../shared/data skip with a reason on a user's machine and fail under ``CI=true``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from data_paths import SHARED_DATA, require


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real captures nobody on this project made (see its SOURCES.md)."""
    return require(SHARED_DATA, "real test data folder ../shared/data")


@pytest.fixture
def data_file(shared_data):
    """``data_file("equirect/examplepano.jpg")`` -> the path, or skip/fail when it is missing."""
    return lambda rel: require(shared_data / rel, f"real test file {rel}")
