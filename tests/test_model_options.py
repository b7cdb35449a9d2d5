"""ModelOptions as flags and tour.yaml keys: bad values are clear errors naming the flag or key."""

from __future__ import annotations

import pytest

from vtour.cli import main
from vtour.errors import VtourError
from vtour.model.options import levels_from_yaml


@pytest.mark.parametrize("value, says", [
    ("abc", "level 'abc' is not TRIANGLES:TEXTURE_PX; write e.g. 20k:512"),
    ("0:0", "level '0:0': 0 triangles is below the minimum of 4"),
    ("20k:0", "level '20k:0': texture size 0 px is below 1"),
    ("inf:512", "level 'inf:512' is not TRIANGLES:TEXTURE_PX"),
    ("1e400:512", "level '1e400:512' is not TRIANGLES:TEXTURE_PX"),
    ("nan:512", "level 'nan:512' is not TRIANGLES:TEXTURE_PX"),
])
def test_a_bad_lods_flag_exits_2_naming_the_flag_and_the_value_without_a_traceback(tmp_path, capsys, value, says):
    scan = tmp_path / "scan.obj"
    scan.write_text("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
    with pytest.raises(SystemExit) as info:
        main(["model", str(scan), "-o", str(tmp_path / "out"), "--lods", "1k:64", value])
    err = capsys.readouterr().err
    assert info.value.code == 2
    assert f"argument --lods: {says}" in err
    assert "Traceback" not in err and not (tmp_path / "out").exists()


@pytest.mark.parametrize("levels, says", [
    ([{"triangles": 500}], "level {'triangles': 500} is not 'TRIANGLES:TEXTURE_PX' or {triangles, texture_size}"),
    ([{"triangles": "many", "texture_size": 64}], "needs whole numbers of triangles and texture pixels"),
    ([7], "level 7 is not"),
    (["abc"], "level 'abc' is not TRIANGLES:TEXTURE_PX"),
    (["2:64"], "level '2:64': 2 triangles is below the minimum of 4"),
    ("20k:512", "lod.levels must be a list, not '20k:512'"),
])
def test_a_bad_level_in_tour_yaml_is_a_clear_message_naming_the_key_and_an_example(levels, says):
    # a ValueError: vtour.tour.options turns it into the VtourError naming the model
    with pytest.raises(ValueError) as info:
        levels_from_yaml(levels)
    assert says in str(info.value) and "lod.levels" in str(info.value) and "20k:512" in str(info.value)


@pytest.mark.parametrize("flag, value, says", [
    ("--texture-quality", "0", "texture_quality=0: texture_quality must be 1..100"),
    ("--texture-quality", "500", "texture_quality=500: texture_quality must be 1..100"),
    ("--color-weight", "nan", "color_weight=nan: color_weight must be a finite number >= 0"),
    ("--color-weight", "-1", "color_weight=-1.0: color_weight must be a finite number >= 0"),
    ("--color-weight", "inf", "color_weight=inf: color_weight must be a finite number >= 0"),
    ("--deviation-samples", "0", "deviation_samples=0: deviation_samples must be at least 1000"),
    ("--deviation-samples", "-5", "deviation_samples=-5: deviation_samples must be at least 1000"),
])
def test_a_numeric_flag_out_of_range_exits_2_naming_the_option_and_the_value(tmp_path, capsys, flag, value, says):
    scan = tmp_path / "scan.obj"
    scan.write_text("v 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\nf 1 3 2\nf 1 2 4\nf 1 4 3\nf 2 3 4\n")
    assert main(["model", str(scan), "-o", str(tmp_path / "out"), "--lods", "4:8", flag, value]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: model: {says}") and "Traceback" not in err
    assert not (tmp_path / "out").exists()
