"""vtour.pano.options: the coverage flags of ``vtour pano`` (issue 10, D20) and the options' bounds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vtour.cli import main
from vtour.errors import VtourError
from vtour.images import write_image
from vtour.pano.coverage import Coverage
from vtour.pano.options import coverage_from_flags


@pytest.mark.parametrize(
    "flag, value, bounds",
    [
        ("hfov", 0.0, "(0, 360]"),
        ("hfov", -90.0, "(0, 360]"),
        ("hfov", 360.5, "(0, 360]"),
        ("hfov", math.nan, "(0, 360]"),
        ("hfov", math.inf, "(0, 360]"),
        ("vfov", 0.0, "(0, 180]"),
        ("vfov", -1.0, "(0, 180]"),
        ("vfov", 181.0, "(0, 180]"),
        ("vfov", math.nan, "(0, 180]"),
    ],
)
def test_a_coverage_flag_outside_its_range_is_refused_naming_the_flag(flag, value, bounds):
    with pytest.raises(VtourError) as e:
        coverage_from_flags({flag: value})
    assert e.value.field == f"--{flag}" and (e.value.value == value or math.isnan(value))
    assert bounds in e.value.message and e.value.fix


@pytest.mark.parametrize("flag", ["yaw", "pitch"])
@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_a_centre_flag_that_is_not_finite_is_refused_naming_the_flag(flag, value):
    with pytest.raises(VtourError) as e:
        coverage_from_flags({"hfov": 120.0, flag: value})
    assert e.value.field == f"--{flag}"


def test_coverage_flags_in_range_give_that_coverage_and_the_other_span_stays_full():
    assert coverage_from_flags({"hfov": 120.0}) == Coverage(hfov=120.0)
    assert coverage_from_flags({"vfov": 60.0, "pitch": -10.0}) == Coverage(vfov=60.0, pitch=-10.0)
    assert coverage_from_flags({"hfov": 360.0, "vfov": 180.0}) == Coverage()
    assert coverage_from_flags({"yaw": 30.0}) is None


def test_hfov_zero_through_the_cli_is_one_line_naming_the_flag_and_nothing_is_written(tmp_path, capsys):
    src = tmp_path / "wide.jpg"
    write_image(src, np.full((100, 400, 3), 128, np.uint8))
    assert main(["pano", str(src), "--hfov", "0", "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: pano: --hfov=0.0: ") and "(0, 360]" in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wide.jpg"]
