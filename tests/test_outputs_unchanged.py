"""A refactor is invisible to users: the same tours built by the base commit (the last that changed
outputs on purpose) and by this checkout have the same bytes, file for file (tests/tools/compare_outputs.py; the full sample is checked by hand
with the same script, see its docstring)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from data_paths import SHARED_DATA, require

TOOLS = Path(__file__).resolve().parent / "tools"
sys.path.insert(0, str(TOOLS))
import compare_outputs  # noqa: E402


@pytest.mark.shared_data
def test_the_tiny_sample_and_the_shared_data_tour_build_to_the_same_bytes_as_the_base_commit(tmp_path):
    data = require(SHARED_DATA, "real test data folder ../shared/data")
    if not compare_outputs.has_commit(compare_outputs.DEFAULT_BASE):
        pytest.skip(f"commit {compare_outputs.DEFAULT_BASE} is not in this clone (a shallow clone?)")
    diff = compare_outputs.compare(compare_outputs.DEFAULT_BASE, tmp_path,
                                   ["--tiny", "--data", str(data)])
    head = (tmp_path / "head" / "digests.json").read_text()
    assert '"shared/tour.json"' in head and '"sample/export/tour.json"' in head
    assert diff == []
