"""Pins every convention of vtour/conventions.py: a change here is a change of contract."""

import math

import numpy as np
import pytest

from vtour import conventions as C


def direction(face, u, v):
    x, y, z = C.face_directions(face, np.float64(u), np.float64(v))
    d = np.array([x, y, z], float)
    return d / np.linalg.norm(d)


@pytest.mark.parametrize("face,axis", [("f", (0, 0, -1)), ("b", (0, 0, 1)), ("r", (1, 0, 0)),
                                       ("l", (-1, 0, 0)), ("u", (0, 1, 0)), ("d", (0, -1, 0))])
def test_face_centres_look_along_their_axis(face, axis):
    np.testing.assert_allclose(direction(face, 0, 0), axis, atol=1e-12)


@pytest.mark.parametrize("face", ["f", "b", "l", "r"])
def test_side_faces_are_upright(face):
    assert direction(face, 0, -1)[1] > 0 > direction(face, 0, 1)[1]


def test_up_face_bottom_edge_and_down_face_top_edge_meet_the_front_face():
    np.testing.assert_allclose(direction("u", 0.3, 1), direction("f", 0.3, -1), atol=1e-12)
    np.testing.assert_allclose(direction("d", 0.3, -1), direction("f", 0.3, 1), atol=1e-12)


@pytest.mark.parametrize("left,right", [("f", "r"), ("r", "b"), ("b", "l"), ("l", "f")])
def test_side_faces_meet_edge_to_edge_turning_right(left, right):
    np.testing.assert_allclose(direction(left, 1, 0.2), direction(right, -1, 0.2), atol=1e-12)


def test_yaw_turns_right_and_pitch_looks_up():
    np.testing.assert_allclose(C.yaw_pitch_to_direction(0, 0), [0, 0, -1], atol=1e-12)
    np.testing.assert_allclose(C.yaw_pitch_to_direction(90, 0), [1, 0, 0], atol=1e-12)
    np.testing.assert_allclose(C.yaw_pitch_to_direction(0, 90), [0, 1, 0], atol=1e-12)
    yaw, pitch = C.direction_to_yaw_pitch(*C.yaw_pitch_to_direction(-120, 30))
    assert math.degrees(yaw) == pytest.approx(-120) and math.degrees(pitch) == pytest.approx(30)


def test_yaw_wraps_into_half_open_range():
    assert C.wrap_yaw(180) == -180 and C.wrap_yaw(-180) == -180 and C.wrap_yaw(540) == -180
    assert C.wrap_yaw(190) == pytest.approx(-170)


def test_marzipano_view_is_radians_with_pitch_down():
    m = C.to_marzipano_view(90, 30, 60)
    assert m == pytest.approx({"yaw": math.pi / 2, "pitch": -math.pi / 6, "fov": math.pi / 3})
    assert C.from_marzipano_view(m) == pytest.approx({"yaw": 90, "pitch": 30, "fov": 60})


def test_a_level_view_converts_to_a_plain_zero_pitch():
    assert str(C.to_marzipano_view(0, 0, 60)["pitch"]) == "0.0"
    assert str(C.from_marzipano_view({"pitch": 0.0})["pitch"]) == "0.0"


def test_pannellum_view_is_degrees_with_horizontal_fov():
    p = C.to_pannellum_view(-45, 10, 60, aspect=1.0)
    assert p == pytest.approx({"yaw": -45, "pitch": 10, "hfov": 60})
    p = C.to_pannellum_view(0, 0, 60, aspect=16 / 9)
    assert p["hfov"] == pytest.approx(91.492845, abs=1e-6)  # 2 atan(tan 30 deg * 16 / 9)
    assert C.from_pannellum_view(p, aspect=16 / 9)["fov"] == pytest.approx(60)


def test_tile_path_is_marzipano_layout():
    assert C.tile_path(2, "f", 1, 3) == "2/f/1/3.jpg"
    assert C.FACES == ("b", "d", "f", "l", "r", "u")


def test_tile_template_is_the_one_tile_path_layout():
    assert C.TILE_TEMPLATE == "{z}/{f}/{y}/{x}.jpg"
    assert C.tile_path(0, "b", 0, 0) == C.TILE_TEMPLATE.format(z=0, f="b", y=0, x=0) == "0/b/0/0.jpg"


def test_pannellum_cube_order_turns_right_through_the_side_faces_then_up_and_down():
    assert C.PANNELLUM_CUBE_ORDER == ("f", "r", "b", "l", "u", "d")
    yaws = [C.wrap_yaw(math.degrees(C.direction_to_yaw_pitch(*direction(f, 0, 0))[0])) for f in C.PANNELLUM_CUBE_ORDER[:4]]
    assert yaws == pytest.approx([0, 90, -180, -90])  # each a quarter turn right of the one before
    assert [direction(f, 0, 0)[1] for f in C.PANNELLUM_CUBE_ORDER[4:]] == pytest.approx([1, -1])


def test_units_are_metres_centimetres_millimetres_or_unknown():
    assert C.UNITS == ("m", "cm", "mm", "unknown")
    assert C.UNIT_METRES == {"m": 1.0, "cm": 0.01, "mm": 0.001}
