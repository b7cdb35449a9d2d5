"""vtour.pano.coverage: the part of the sphere an equirect covers, its ranges, JSON and bad values."""

from __future__ import annotations

import json

import pytest

from vtour.errors import VtourError
from vtour.pano.coverage import FULL, Coverage
from vtour.pano.gpano import GPano


def test_the_full_sphere_wraps_and_spans_every_angle():
    assert FULL == Coverage(360, 180, 0, 0)
    assert FULL.is_full and FULL.wraps
    assert FULL.yaw_range == (-180.0, 180.0)
    assert FULL.pitch_range == (-90.0, 90.0)


def test_a_partial_coverage_from_flags_spans_its_fov_around_its_centre():
    """``--hfov 120 --vfov 60 --yaw 30 --pitch -10``: a band that neither wraps nor reaches a pole."""
    cov = Coverage(hfov=120, vfov=60, yaw=30, pitch=-10)
    assert not cov.is_full and not cov.wraps
    assert cov.yaw_range == (-30.0, 90.0)
    assert cov.pitch_range == (-40.0, 20.0)


def test_a_full_turn_with_a_missing_pole_still_wraps():
    cov = Coverage(hfov=360, vfov=120, pitch=30)
    assert cov.wraps and not cov.is_full
    assert cov.pitch_range == (-30.0, 90.0)


def test_a_cropped_gpano_image_gives_the_ranges_of_its_crop():
    """An 8000 x 4000 panorama cropped to 2000 x 2000 at (3000, 500): 90 x 90 degrees whose centre
    column is the full panorama's centre (yaw 0) and whose centre row is 1500, a quarter turn up."""
    cov = GPano(8000, 4000, 2000, 2000, 3000, 500).coverage()
    assert cov == Coverage(hfov=90, vfov=90, yaw=0, pitch=22.5)
    assert cov.yaw_range == (-45.0, 45.0)
    assert cov.pitch_range == (-22.5, 67.5)
    assert not cov.wraps


def test_a_gpano_crop_across_the_seam_is_centred_with_a_wrapped_yaw():
    cov = GPano(4000, 2000, 1000, 2000, 3500, 0).coverage()  # columns 3500..4500: centred on the seam
    assert cov.yaw == pytest.approx(-180.0) and cov.hfov == pytest.approx(90.0)
    assert cov.pitch_range == pytest.approx((-90.0, 90.0))


@pytest.mark.parametrize("cov", [FULL, Coverage(hfov=120, vfov=60, yaw=30, pitch=-10),
                                 Coverage(hfov=137.92815830422865, vfov=34.2026065162836, pitch=0.0598)])
def test_json_round_trips_through_text_exactly(cov):
    data = json.loads(json.dumps(cov.to_json()))
    assert data == {"hfov": cov.hfov, "vfov": cov.vfov, "yaw": cov.yaw, "pitch": cov.pitch}
    assert all(isinstance(v, float) for v in data.values())  # pano.json writes 90.0, not 90
    assert Coverage.from_json(data) == cov


def test_json_without_some_keys_takes_the_full_spheres_defaults():
    assert Coverage.from_json({"hfov": 90}) == Coverage(hfov=90, vfov=180, yaw=0, pitch=0)


@pytest.mark.parametrize("kwargs, field, value", [
    ({"hfov": 0}, "hfov", 0),
    ({"hfov": 361}, "hfov", 361),
    ({"vfov": -5}, "vfov", -5),
    ({"vfov": 181}, "vfov", 181),
    ({"vfov": 90, "pitch": 50}, "pitch", 50),   # 50 + 45 goes past the north pole
    ({"vfov": 90, "pitch": -46}, "pitch", -46),
])
def test_a_bad_value_is_refused_naming_the_field_and_the_value(kwargs, field, value):
    with pytest.raises(VtourError) as err:
        Coverage(**kwargs)
    assert (err.value.step, err.value.field, err.value.value) == ("pano", field, value)
    assert f"{field}={value!r}" in str(err.value)


def test_a_band_touching_a_pole_is_accepted():
    assert Coverage(vfov=90, pitch=45).pitch_range == (0.0, 90.0)


@pytest.mark.parametrize("field", ["yaw", "pitch"])
@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_a_centre_that_is_not_finite_is_refused_naming_the_field(field, value):
    with pytest.raises(VtourError, match=rf"pano: {field}=.*: .*must be a finite number of degrees"):
        Coverage(**{field: value})
