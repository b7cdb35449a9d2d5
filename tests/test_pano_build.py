"""build_pano and vtour pano: inputs to a complete, peer-compatible tile set, or nothing at all."""

import json
import math
from pathlib import Path

import cv2
import numpy as np
import pytest

from vtour.cli import main
from vtour.conventions import FACES, PANNELLUM_CUBE_ORDER
from vtour.pano.coverage import Coverage
from vtour.errors import VtourError
from vtour.pano import FaceSource, PanoOptions, build_pano, choose_face_size, read_faces
from vtour.pano import build as pano_build
from vtour.pano import equirect
from vtour.pano.codec import DEFAULT_TILE_FORMAT, TILE_FORMATS, decode_tile
from vtour.pano.tiles import plan_levels


def write_rgb(path: Path, rgb: np.ndarray, *params) -> Path:
    ok, buf = cv2.imencode(path.suffix, cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), list(params))
    assert ok
    path.write_bytes(buf.tobytes())
    return path


def gradient_equirect(h=512, w=1024) -> np.ndarray:
    """A smooth, asymmetric test panorama: red follows longitude, green latitude."""
    y, x = np.mgrid[0:h, 0:w]
    r = 128 + 100 * np.sin(2 * np.pi * x / w)
    g = 128 + 100 * np.cos(np.pi * y / h)
    return np.stack([r, g, np.full_like(r, 60)], -1).astype(np.uint8)


#: The default tile format's file extension: tiles are AVIF unless the options say otherwise.
EXT = TILE_FORMATS[DEFAULT_TILE_FORMAT]


def decode(path: Path) -> np.ndarray:
    """A tile (in the default tile format) or a JPEG preview, as (h, w, 3) RGB."""
    return decode_tile(path.read_bytes())


def leftovers(parent: Path) -> list[str]:
    return [p.name for p in parent.iterdir() if p.name.startswith(".")]


def test_equirect_builds_every_tile_of_every_level(tmp_path):
    src = write_rgb(tmp_path / "pano.jpg", gradient_equirect())
    r = build_pano([src], tmp_path / "out", PanoOptions(tile_size=128))
    assert r.face_size == 256 and r.source_kind == "equirect"  # 1024 / pi = 326 -> 256
    man = json.loads((tmp_path / "out" / "pano.json").read_text())
    for z, level in enumerate(man["levels"]):
        n = level["size"] // level["tileSize"]
        for f in FACES:
            files = sorted((tmp_path / "out" / str(z) / f).rglob(f"*{EXT}"))
            assert len(files) == n * n
            for x in range(n):
                tile = decode(tmp_path / "out" / f"{z}/{f}/{n - 1}/{x}{EXT}")
                assert tile.shape == (level["tileSize"], level["tileSize"], 3)
    assert decode(tmp_path / "out" / "preview.jpg").shape == (6 * 64, 64, 3)
    assert man["pannellum"]["multiRes"]["maxLevel"] == len(man["levels"]) - 1
    assert man["marzipano"]["levels"] == man["levels"]


def test_default_face_size_is_the_power_of_two_nearest_the_source_resolution():
    assert choose_face_size(4096 / math.pi, PanoOptions()) == 1024
    assert choose_face_size(8192 / math.pi, PanoOptions()) == 2048
    assert choose_face_size(1584, PanoOptions()) == 2048
    assert choose_face_size(1584, PanoOptions(face_size=512)) == 512


def test_tiles_reassemble_into_the_face_seen_in_the_source(tmp_path):
    img = gradient_equirect(1024, 2048)
    src = write_rgb(tmp_path / "pano.png", img)
    build_pano([src], tmp_path / "out", PanoOptions(tile_size=256, face_size=512, quality=95))
    # the front face's centre looks at yaw 0, pitch 0: the centre of the equirect
    tiles = [[decode(tmp_path / "out" / f"2/f/{y}/{x}{EXT}") for x in range(2)] for y in range(2)]
    face = np.concatenate([np.concatenate(row, axis=1) for row in tiles], axis=0)
    assert face.shape == (512, 512, 3)
    centre = face[250:262, 250:262].mean(axis=(0, 1))
    np.testing.assert_allclose(centre, img[508:516, 1020:1028].mean(axis=(0, 1)), atol=3)
    # the right face's centre looks at yaw 90: three quarters across the equirect
    right = decode(tmp_path / "out" / f"2/r/0/1{EXT}")
    np.testing.assert_allclose(right[250:256, 0:6].mean(axis=(0, 1)),
                               img[505:512, 1532:1540].mean(axis=(0, 1)), atol=4)


def test_an_equirect_face_source_makes_each_face_only_when_it_is_taken(tmp_path, monkeypatch):
    src = write_rgb(tmp_path / "pano.jpg", gradient_equirect())
    made = []
    real = equirect._remap_face
    monkeypatch.setattr(equirect, "_remap_face", lambda face, *a, **k: made.append(face) or real(face, *a, **k))
    source = read_faces([src], "equirect", PanoOptions())
    assert (source.face_size, source.kind, source.stitch) == (256, "equirect", None)
    assert made == []                                     # reading decoded the image, no face yet
    letter, face = next(source.faces)
    assert made == [letter] == ["f"]                      # face 2 is not computed when face 1 is taken
    assert face.shape == (256, 256, 3) and face.dtype == np.uint8
    assert [f for f, _ in source.faces] == list(PANNELLUM_CUBE_ORDER[1:])
    assert made == list(PANNELLUM_CUBE_ORDER)             # each face made once, side faces first


def test_a_cube_face_source_resizes_each_face_only_when_it_is_taken(tmp_path, monkeypatch):
    paths = [write_rgb(tmp_path / f"{f}.png", np.full((128, 128, 3), 40 * i, np.uint8))
             for i, f in enumerate(PANNELLUM_CUBE_ORDER)]
    resized = []
    real = pano_build.resize_face
    monkeypatch.setattr(pano_build, "resize_face", lambda face, n: resized.append(n) or real(face, n))
    source = read_faces(paths, "cube", PanoOptions(face_size=64))
    assert (source.face_size, source.kind, source.coverage.is_full) == (64, "cube", True)
    assert resized == []
    letter, face = next(source.faces)
    assert resized == [64] and face.shape == (64, 64, 3)
    assert face[0, 0, 0] == 40 * PANNELLUM_CUBE_ORDER.index(letter)  # the face named by the file
    assert sorted(f for f, _ in source.faces) == sorted(set(FACES) - {letter})
    assert resized == [64] * 6


def test_a_face_source_missing_a_face_is_refused_and_nothing_is_written(tmp_path, monkeypatch):
    src = write_rgb(tmp_path / "pano.jpg", gradient_equirect())
    faces = ((f, np.zeros((64, 64, 3), np.uint8)) for f in FACES if f != "u")
    monkeypatch.setattr(pano_build, "read_faces", lambda *a: FaceSource(64, Coverage(), "equirect", faces))
    with pytest.raises(ValueError, match="not the six"):
        build_pano([src], tmp_path / "out")
    assert not (tmp_path / "out").exists() and leftovers(tmp_path) == []


def test_a_failed_build_leaves_nothing_behind_and_keeps_the_previous_output(tmp_path):
    good = write_rgb(tmp_path / "good.jpg", gradient_equirect())
    out = tmp_path / "out"
    build_pano([good], out)
    before = (out / "pano.json").read_bytes()
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])  # truncated
    with pytest.raises(VtourError, match="bad.jpg"):
        build_pano([bad], out)
    assert (out / "pano.json").read_bytes() == before
    assert leftovers(tmp_path) == []


def test_output_over_a_folder_that_is_not_a_vtour_output_is_refused(tmp_path):
    src = write_rgb(tmp_path / "p.jpg", gradient_equirect())
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.docx").write_text("years of work")
    with pytest.raises(VtourError, match="not an earlier vtour output"):
        build_pano([src], precious)
    assert (precious / "thesis.docx").read_text() == "years of work"


def test_image_that_is_not_2_to_1_without_coverage_is_refused_with_the_fix(tmp_path):
    src = write_rgb(tmp_path / "wide.jpg", np.zeros((300, 800, 3), np.uint8))
    with pytest.raises(VtourError, match=r"wide.jpg: image is 800x300, not 2:1.*--hfov"):
        build_pano([src], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_partial_panorama_with_coverage_limits_the_peer_views(tmp_path):
    src = write_rgb(tmp_path / "wide.jpg", np.full((300, 800, 3), 200, np.uint8))
    cov = Coverage(hfov=240, vfov=90, yaw=0, pitch=0)
    r = build_pano([src], tmp_path / "out", PanoOptions(coverage=cov))
    man = r.manifest
    assert man["coverage"] == {"hfov": 240.0, "vfov": 90.0, "yaw": 0.0, "pitch": 0.0}
    assert (man["pannellum"]["minYaw"], man["pannellum"]["maxYaw"]) == (-120, 120)
    assert (man["pannellum"]["minPitch"], man["pannellum"]["maxPitch"]) == (-45, 45)
    z = len(r.levels) - 1
    front = decode(tmp_path / "out" / f"{z}/f/0/0{EXT}")
    assert front[-20:].mean() > 150
    # the back face is wholly outside 240 degrees around the front: not written, and pano.json says so
    assert not (tmp_path / "out" / f"{z}/b").exists()
    assert man["present"][z]["b"] is False and man["present"][z]["f"] is True


def test_rgba_is_composited_over_the_background(tmp_path):
    img = np.zeros((256, 512, 4), np.uint8)
    img[..., 1] = 255  # green, fully transparent everywhere
    src = tmp_path / "a.png"
    cv2.imwrite(str(src), cv2.cvtColor(img, cv2.COLOR_RGBA2BGRA))
    build_pano([src], tmp_path / "out", PanoOptions(background=(0, 0, 255)))
    tile = decode(tmp_path / "out" / f"1/f/0/0{EXT}")
    assert tile[..., 2].mean() > 240 and tile[..., 1].mean() < 15


def test_sixteen_bit_png_builds(tmp_path):
    img16 = (gradient_equirect().astype(np.uint16) * 257)
    src = tmp_path / "deep.png"
    cv2.imwrite(str(src), cv2.cvtColor(img16, cv2.COLOR_RGB2BGR))
    r = build_pano([src], tmp_path / "out")
    assert decode(tmp_path / "out" / f"1/f/0/0{EXT}").mean() > 20 and r.face_size == 256


def test_bad_options_name_the_field_and_value():
    with pytest.raises(VtourError, match=r"tile_size=500"):
        PanoOptions(tile_size=500)
    with pytest.raises(VtourError, match=r"face_size=1000.*use 1024"):
        PanoOptions(face_size=1000)


def test_cli_prints_the_error_without_a_traceback_and_exits_non_zero(tmp_path, capsys):
    missing = tmp_path / "nope.jpg"
    assert main(["pano", str(missing), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "nope.jpg" in err and "Traceback" not in err


# ---------------------------------------------------------------------------------------------
# real captures


@pytest.mark.shared_data
def test_real_equirect_builds_through_the_cli(data_file, tmp_path, capsys):
    src = data_file("equirect/examplepano.jpg")
    assert main(["pano", str(src), "-o", str(tmp_path / "jordan")]) == 0
    man = json.loads((tmp_path / "jordan" / "pano.json").read_text())
    assert man["faceSize"] == 1024 and len(man["levels"]) == 3
    assert "1024 px" in capsys.readouterr().out


@pytest.mark.shared_data
def test_hugin_cube_faces_build_and_match_the_equirect_build(data_file, tmp_path):
    faces = [data_file(f"cubemap/pannellum_jordan_pond/examplepanocube{i}.jpg") for i in range(6)]
    r = build_pano(faces, tmp_path / "cube", PanoOptions(face_size=1024))
    assert r.source_kind == "cube" and r.face_size == 1024
    build_pano([data_file("equirect/examplepano.jpg")], tmp_path / "eq", PanoOptions(face_size=1024))
    for f in ("f", "r", "d"):
        a = decode(tmp_path / "cube" / f"2/{f}/0/0{EXT}").astype(float)
        b = decode(tmp_path / "eq" / f"2/{f}/0/0{EXT}").astype(float)
        assert 10 * np.log10(255 ** 2 / np.mean((a - b) ** 2)) > 24, f


@pytest.mark.shared_data
def test_threejs_cube_faces_by_name_build(data_file, tmp_path):
    faces = [data_file(f"cubemap/SwedishRoyalCastle/{n}.jpg") for n in ("px", "nx", "py", "ny", "pz", "nz")]
    r = build_pano(faces, tmp_path / "castle")
    assert r.face_size == 512 and [lv.size for lv in r.levels] == [256, 512]


@pytest.mark.shared_data
@pytest.mark.parametrize("name", ["fireplace.png", "large_corridor.png", "py360convert/example_input.png"])
def test_real_rgba_pngs_build(data_file, tmp_path, name):
    r = build_pano([data_file(f"equirect/{name}")], tmp_path / "out")
    assert r.levels == plan_levels(r.face_size, 512)


@pytest.mark.shared_data
def test_photos_of_a_flat_subject_stitch_through_the_cli(data_file, tmp_path, capsys):
    photos = [str(data_file(f"stitching/newspaper/newspaper{i}.jpg")) for i in range(1, 5)]
    assert main(["pano", *photos, "--stitch", "--stitch-mode", "scans", "-o", str(tmp_path / "news")]) == 0
    man = json.loads((tmp_path / "news" / "pano.json").read_text())
    assert man["source"]["kind"] == "stitch"
    assert man["source"]["used"] == [f"newspaper{i}.jpg" for i in range(1, 5)]
    assert man["source"]["unmatched"] == []
    assert (tmp_path / "news" / "stitched.jpg").stat().st_size > 100_000


# ---------------------------------------------------------------------------------------------
# issue 10: a photo is not a cross (D16), corrupt JPEG data (D17), an equirect too wide to remap


@pytest.mark.shared_data
@pytest.mark.parametrize("aspect", ["4:3", "3:4"])
def test_a_plain_photo_of_a_cross_shape_gives_the_not_2_to_1_error_through_the_cli(data_file, tmp_path, capsys, aspect):
    from vtour.images import read_image, write_image

    img = read_image(data_file("stitching/boat/boat1.jpg"))
    s = min(img.shape[1] // 4, img.shape[0] // 3) if aspect == "4:3" else min(img.shape[1] // 3, img.shape[0] // 4)
    img = img[: 3 * s, : 4 * s] if aspect == "4:3" else img[: 4 * s, : 3 * s]
    src = tmp_path / "photo.jpg"
    write_image(src, img, quality=90)
    assert main(["pano", str(src), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    h, w = img.shape[:2]
    assert err.startswith(f"error: pano: {src}: image is {w}x{h}, not 2:1, and no coverage was given"), err
    assert "--hfov" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists() and leftovers(tmp_path) == []


@pytest.mark.shared_data
def test_a_real_cube_cross_builds_the_same_tiles_as_its_six_faces(data_file, tmp_path):
    from vtour.images import read_image, write_image
    from vtour.pano.cube_input import HORIZONTAL_CROSS

    folder = data_file("cubemap/SwedishRoyalCastle")
    six = sorted(folder.glob("*.jpg"))
    faces = pano_build.read_cube_faces(six)
    s = faces["f"].shape[0]
    cross = np.zeros((3 * s, 4 * s, 3), np.uint8)
    for f, (r, c) in HORIZONTAL_CROSS.items():
        cross[r * s : (r + 1) * s, c * s : (c + 1) * s] = faces[f]
    write_image(tmp_path / "cross.png", cross)
    assert read_image(tmp_path / "cross.png").shape == cross.shape
    a = build_pano([tmp_path / "cross.png"], tmp_path / "a")
    b = build_pano(six, tmp_path / "b")
    assert a.source_kind == "cube" and a.face_size == b.face_size == 512
    files = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob(f"*{EXT}"))
    assert len(files) > 6
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


