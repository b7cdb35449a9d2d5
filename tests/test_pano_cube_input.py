"""vtour.pano.cube_input: six files, named files, three.js names, strips and crosses -> vtour's faces."""

from __future__ import annotations

import numpy as np
import pytest

from vtour.conventions import FACES, PANNELLUM_CUBE_ORDER, face_directions
from vtour.errors import VtourError
from vtour.pano.cube_input import (HORIZONTAL_CROSS, VERTICAL_CROSS, edge_mismatch, face_name,
                         read_cube_faces, split_cube_image)
from vtour.images import read_image, write_image

SIZE = 32


def synthetic_cube(size=SIZE):
    """Faces coloured by their pixels' 3D directions: continuous across every edge by construction."""
    t = (np.arange(size) + 0.5) * 2 / size - 1
    u, v = np.meshgrid(t, t)
    faces = {}
    for f in FACES:
        x, y, z = face_directions(f, u, v)
        d = np.stack([x, y, z], -1)
        d /= np.linalg.norm(d, axis=-1, keepdims=True)
        faces[f] = np.round((d + 1) / 2 * 255).astype(np.uint8)
    return faces


def write_faces(folder, faces, names, ext="png"):
    paths = []
    for face, name in zip(PANNELLUM_CUBE_ORDER, names):
        paths.append(folder / f"{name}.{ext}")
        write_image(paths[-1], faces[face])
    return paths


def assert_same_cube(got, expected):
    assert sorted(got) == sorted(FACES)
    for f in FACES:
        np.testing.assert_array_equal(got[f], expected[f], err_msg=f"face {f}")


def test_the_synthetic_cube_is_seamless_and_a_turned_face_is_not():
    cube = synthetic_cube()
    good = edge_mismatch(cube)
    assert good < 0.03
    for f in FACES:
        bad = dict(cube)
        bad[f] = np.rot90(cube[f])
        assert edge_mismatch(bad) > 2 * good, f


def test_six_unnamed_files_are_taken_in_pannellum_order(tmp_path):
    cube = synthetic_cube()
    paths = write_faces(tmp_path, cube, [f"cube{i}" for i in range(6)])
    assert_same_cube(read_cube_faces(paths), cube)


@pytest.mark.parametrize("names", [
    ["front", "right", "back", "left", "up", "down"],
    ["scene_F", "scene_R", "scene_B", "scene_L", "scene_U", "scene_D"],
    ["pano_front", "pano_right", "pano_back", "pano_left", "pano_top", "pano_bottom"],
])
def test_named_files_are_placed_by_name_whatever_their_order(tmp_path, names):
    cube = synthetic_cube()
    paths = write_faces(tmp_path, cube, names)
    assert_same_cube(read_cube_faces(list(reversed(paths))), cube)


def test_face_names_are_read_from_the_last_token_only():
    assert face_name("scene_f.jpg") == ("f", 0)
    assert face_name("Pano-Front.PNG") == ("f", 0)
    assert face_name("interior.jpg") is None
    assert face_name("examplepanocube0.jpg") is None
    assert face_name("posx.jpg") == face_name("px.jpg") == ("l", 0)


def test_three_js_names_follow_the_gl_convention(tmp_path):
    cube = synthetic_cube()
    # what a three.js cube map holds for this scene: the inverse of our mapping
    gl = {"nz": cube["f"], "nx": cube["r"], "pz": cube["b"], "px": cube["l"],
          "py": np.rot90(cube["u"], 2), "ny": np.rot90(cube["d"], 2)}
    paths = []
    for name, img in gl.items():
        paths.append(tmp_path / f"{name}.png")
        write_image(paths[-1], img)
    assert_same_cube(read_cube_faces(paths), cube)


def test_three_js_cubemap_is_seamless_only_in_our_orientation(data_file):
    paths = [data_file(f"cubemap/SwedishRoyalCastle/{n}.jpg") for n in ("px", "nx", "py", "ny", "pz", "nz")]
    ours = edge_mismatch(read_cube_faces(paths))
    raw = {p.stem: read_image(p) for p in paths}
    naive = {"r": raw["px"], "l": raw["nx"], "u": raw["py"], "d": raw["ny"], "b": raw["pz"], "f": raw["nz"]}
    assert ours < 0.03
    assert edge_mismatch(naive) > 3 * ours       # taken as named, without the GL flip: seams break
    # the authored frame (pz ahead, px right, nothing turned) is ours turned by 180 degrees
    authored = {"f": raw["pz"], "r": raw["px"], "b": raw["nz"], "l": raw["nx"], "u": raw["py"], "d": raw["ny"]}
    assert edge_mismatch(authored) == pytest.approx(ours)


def test_pannellum_ground_truth_faces_are_seamless_in_file_order(data_file):
    paths = [data_file(f"cubemap/pannellum_jordan_pond/examplepanocube{i}.jpg") for i in range(6)]
    faces = read_cube_faces(paths)
    assert faces["f"].shape == (1584, 1584, 3)
    good = edge_mismatch(faces)
    swapped = dict(faces, r=faces["l"], l=faces["r"])
    assert good < 0.04 and edge_mismatch(swapped) > 1.5 * good


@pytest.mark.parametrize("layout", ["horizontal strip", "vertical strip", "horizontal cross", "vertical cross"])
def test_single_image_layouts_give_back_the_cube(tmp_path, layout):
    cube, s = synthetic_cube(), SIZE
    if layout == "horizontal strip":
        img = np.hstack([cube[f] for f in PANNELLUM_CUBE_ORDER])
    elif layout == "vertical strip":
        img = np.vstack([cube[f] for f in PANNELLUM_CUBE_ORDER])
    elif layout == "horizontal cross":
        img = np.zeros((3 * s, 4 * s, 3), np.uint8)
        for f, (r, c) in HORIZONTAL_CROSS.items():
            img[r * s:(r + 1) * s, c * s:(c + 1) * s] = cube[f]
    else:
        img = np.zeros((4 * s, 3 * s, 3), np.uint8)
        for f, (r, c, turns) in VERTICAL_CROSS.items():
            img[r * s:(r + 1) * s, c * s:(c + 1) * s] = np.rot90(cube[f], -turns)
    write_image(tmp_path / "cube.png", img)
    faces = read_cube_faces([tmp_path / "cube.png"])
    assert_same_cube(faces, cube)
    assert edge_mismatch(faces) < 0.03


def test_strip_order_can_be_given():
    cube = synthetic_cube()
    order = ["b", "d", "f", "l", "r", "u"]
    assert_same_cube(split_cube_image(np.hstack([cube[f] for f in order]), order), cube)
    with pytest.raises(VtourError, match="order='fffff'"):
        split_cube_image(np.hstack([cube["f"]] * 6), "ffffff"[:5])


def test_a_single_image_of_no_cube_layout_is_an_error(tmp_path):
    write_image(tmp_path / "odd.png", np.zeros((100, 250, 3), np.uint8))
    with pytest.raises(VtourError, match=r"odd.png: image size 250x100 matches no cube layout"):
        read_cube_faces([tmp_path / "odd.png"])


def test_wrong_number_of_files_is_an_error(tmp_path):
    paths = write_faces(tmp_path, synthetic_cube(), "frblud")[:4]
    with pytest.raises(VtourError, match="need 6 files or one image.*got 4"):
        read_cube_faces(paths)


def test_duplicate_face_names_are_an_error(tmp_path):
    paths = write_faces(tmp_path, synthetic_cube(), ["f", "r", "b", "l", "u", "d"])
    (tmp_path / "scene_front.png").write_bytes(paths[0].read_bytes())
    with pytest.raises(VtourError, match="two files name face f"):
        read_cube_faces(paths[:5] + [tmp_path / "scene_front.png"])


def test_faces_of_different_sizes_name_both_files_and_sizes(tmp_path):
    cube = synthetic_cube()
    cube["r"] = synthetic_cube(16)["r"]
    paths = write_faces(tmp_path, cube, ["f", "r", "b", "l", "u", "d"])
    with pytest.raises(VtourError, match=r"faces have different sizes: f is 32x32 \(.*f.png\), "
                                         r"r is 16x16 \(.*r.png\); resize them to one size"):
        read_cube_faces(paths)


def test_non_square_faces_are_an_error(tmp_path):
    cube = synthetic_cube()
    cube["b"] = cube["b"][:20]
    paths = write_faces(tmp_path, cube, ["f", "r", "b", "l", "u", "d"])
    with pytest.raises(VtourError, match=r"b.png: face b is not square: 32x20"):
        read_cube_faces(paths)


def test_partly_named_files_are_an_error(tmp_path):
    paths = write_faces(tmp_path, synthetic_cube(), ["f", "r", "b", "l", "u", "img6"])
    with pytest.raises(VtourError, match="some face files name their face"):
        read_cube_faces(paths)


def test_a_mapping_of_faces_is_accepted(tmp_path):
    cube = synthetic_cube()
    paths = write_faces(tmp_path, cube, [f"x{i}" for i in range(6)])
    assert_same_cube(read_cube_faces(dict(zip(PANNELLUM_CUBE_ORDER, paths))), cube)


# ---------------------------------------------------------------------------------------------
# a cross must look like one: blank empty cells and faces whose edges meet (issue 10, D16)


def horizontal_cross(cube, fill=0):
    s = cube["f"].shape[0]
    img = np.full((3 * s, 4 * s, cube["f"].shape[2]), fill, cube["f"].dtype)
    for f, (r, c) in HORIZONTAL_CROSS.items():
        img[r * s:(r + 1) * s, c * s:(c + 1) * s] = cube[f]
    return img


def vertical_cross(cube, fill=0):
    s = cube["f"].shape[0]
    img = np.full((4 * s, 3 * s, cube["f"].shape[2]), fill, cube["f"].dtype)
    for f, (r, c, turns) in VERTICAL_CROSS.items():
        img[r * s:(r + 1) * s, c * s:(c + 1) * s] = np.rot90(cube[f], -turns)
    return img


def castle_faces(data_file):
    folder = data_file("cubemap/SwedishRoyalCastle")
    return read_cube_faces(sorted(folder.glob("*.jpg")))


def photo_cropped(data_file, aspect):
    """boat1.jpg (3888 x 2592) cropped to an exact 4:3 or 3:4 whose sides are multiples of the cell."""
    img = read_image(data_file("stitching/boat/boat1.jpg"))
    if aspect == "4:3":
        s = min(img.shape[1] // 4, img.shape[0] // 3)
        return img[:3 * s, :4 * s]
    s = min(img.shape[1] // 3, img.shape[0] // 4)
    return img[:4 * s, :3 * s]


@pytest.mark.shared_data
@pytest.mark.parametrize("layout, fill", [("horizontal", 0), ("horizontal", 255), ("vertical", 0)])
def test_a_real_cube_cross_saved_as_jpeg_is_accepted_and_gives_back_its_faces(data_file, tmp_path, layout, fill):
    cube = castle_faces(data_file)
    img = horizontal_cross(cube, fill) if layout == "horizontal" else vertical_cross(cube, fill)
    write_image(tmp_path / "cross.jpg", img, quality=85)
    faces = read_cube_faces([tmp_path / "cross.jpg"])
    assert sorted(faces) == sorted(FACES)
    for f in FACES:
        assert np.abs(faces[f].astype(int) - cube[f]).mean() < 3, f
    assert edge_mismatch(faces) < 0.03


@pytest.mark.shared_data
@pytest.mark.parametrize("aspect", ["4:3", "3:4"])
def test_a_plain_photo_of_a_cross_shape_is_not_taken_for_a_cube_cross(data_file, tmp_path, aspect):
    write_image(tmp_path / "photo.jpg", photo_cropped(data_file, aspect), quality=90)
    with pytest.raises(VtourError) as e:
        read_cube_faces([tmp_path / "photo.jpg"])
    text = str(e.value)
    assert f"{tmp_path / 'photo.jpg'}: " in text
    assert "not a cube cross" in text and "not blank" in text, text
    assert e.value.fix and "six face files" in e.value.fix


@pytest.mark.shared_data
def test_a_cross_whose_faces_do_not_meet_at_their_edges_is_refused_with_the_mismatch(data_file):
    cube = castle_faces(data_file)
    scrambled = dict(cube, f=cube["b"], b=cube["f"], u=np.rot90(cube["u"]))
    with pytest.raises(VtourError, match=r"not a cube cross: its faces' edges do not meet \(mismatch 0\.\d+"):
        split_cube_image(horizontal_cross(scrambled))


def test_a_synthetic_cross_with_a_transparent_background_is_accepted():
    cube = {f: np.dstack([v, np.full(v.shape[:2], 255, np.uint8)]) for f, v in synthetic_cube().items()}
    img = horizontal_cross(cube)  # RGBA zeros: transparent black around the faces
    img[:SIZE, :SIZE, :3] = 77  # colour under alpha 0 is not looked at
    assert_same_cube(split_cube_image(img), cube)
