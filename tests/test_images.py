"""vtour.images: decoding every accepted format, refusing every bad file, JPEG encoding."""

from __future__ import annotations

import os
import struct
import sys
from unittest import mock

import cv2
import numpy as np
import pytest
import tifffile
from PIL import Image

from vtour import images
from vtour.errors import VtourError
from vtour.images import encode_jpeg, probe_image, read_image, to_uint8, write_image


def gradient(h=48, w=64, channels=3, dtype=np.uint8):
    """A smooth image whose channels differ, so a swapped or flipped channel shows."""
    top = np.iinfo(dtype).max
    y, x = np.mgrid[0:h, 0:w]
    planes = [x / (w - 1), y / (h - 1), 1 - x / (w - 1), (x + y) / (h + w - 2)][:channels]
    return np.round(np.dstack(planes) * top).astype(dtype)


def test_jpeg_reads_as_rgb_uint8_close_to_the_source(tmp_path):
    img = gradient()
    write_image(tmp_path / "g.jpg", img, quality=95)
    out = read_image(tmp_path / "g.jpg")
    assert out.shape == img.shape and out.dtype == np.uint8 and out.flags.c_contiguous
    assert np.abs(out.astype(int) - img).mean() < 3   # red really is channel 0


def test_png_16_bit_rgba_round_trips_exactly(tmp_path):
    img = gradient(channels=4, dtype=np.uint16)
    write_image(tmp_path / "g.png", img)
    out = read_image(tmp_path / "g.png")
    assert out.dtype == np.uint16 and out.shape == img.shape
    np.testing.assert_array_equal(out, img)


def test_png_8_bit_rgba_round_trips_exactly(tmp_path):
    img = gradient(channels=4)
    write_image(tmp_path / "g.png", img)
    np.testing.assert_array_equal(read_image(tmp_path / "g.png"), img)


def test_greyscale_and_palette_pngs_are_expanded_to_rgb(tmp_path):
    grey = gradient()[..., 0]
    Image.fromarray(grey, "L").save(tmp_path / "l.png")
    out = read_image(tmp_path / "l.png")
    assert out.shape == grey.shape + (3,)
    np.testing.assert_array_equal(out[..., 1], grey)
    Image.fromarray(gradient()).convert("P").save(tmp_path / "p.png")
    assert read_image(tmp_path / "p.png").shape == (48, 64, 3)
    Image.fromarray(np.dstack([grey, grey]), "LA").save(tmp_path / "la.png")
    assert read_image(tmp_path / "la.png").shape == (48, 64, 4)


def test_tiff_8_and_16_bit_keep_their_depth_and_channel_order(tmp_path):
    for dtype in (np.uint8, np.uint16):
        img = gradient(dtype=dtype)
        tifffile.imwrite(tmp_path / "g.tif", img, photometric="rgb")
        out = read_image(tmp_path / "g.tif")
        assert out.dtype == dtype
        np.testing.assert_array_equal(out, img)
    tifffile.imwrite(tmp_path / "planar.tif", np.moveaxis(gradient(), -1, 0), photometric="rgb",
                     planarconfig="separate")
    np.testing.assert_array_equal(read_image(tmp_path / "planar.tif"), gradient())


def test_a_missing_file_is_an_error_naming_it(tmp_path):
    with pytest.raises(VtourError, match="nope.jpg: file not found"):
        read_image(tmp_path / "nope.jpg")


def test_a_file_that_is_not_an_image_is_an_error(tmp_path):
    (tmp_path / "notes.jpg").write_text("hello, not a picture")
    with pytest.raises(VtourError, match="notes.jpg: not an image"):
        read_image(tmp_path / "notes.jpg")


def test_a_truncated_jpeg_is_an_error_not_a_grey_image(tmp_path):
    img = (np.random.default_rng(0).random((256, 256, 3)) * 255).astype(np.uint8)
    data = encode_jpeg(img, 90)
    (tmp_path / "cut.jpg").write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(VtourError, match="cut.jpg: JPEG file is truncated"):
        read_image(tmp_path / "cut.jpg")


def test_an_exif_thumbnail_end_marker_does_not_hide_truncation(tmp_path):
    img = (np.random.default_rng(1).random((128, 128, 3)) * 255).astype(np.uint8)
    thumb = encode_jpeg(img[:16, :16], 80)           # contains its own FFD9
    main = encode_jpeg(img, 90)
    app1 = b"\xff\xe1" + struct.pack(">H", len(thumb) + 2) + thumb
    data = main[:2] + app1 + main[2:]
    (tmp_path / "thumb.jpg").write_bytes(data)
    assert read_image(tmp_path / "thumb.jpg").shape == (128, 128, 3)
    (tmp_path / "thumb_cut.jpg").write_bytes(data[:-200])
    with pytest.raises(VtourError, match="truncated"):
        read_image(tmp_path / "thumb_cut.jpg")


def test_a_truncated_png_is_an_error(tmp_path):
    write_image(tmp_path / "g.png", gradient(256, 256))
    data = (tmp_path / "g.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(VtourError, match="cut.png: PNG file is truncated"):
        read_image(tmp_path / "cut.png")


def test_a_truncated_tiff_is_an_error(tmp_path):
    tifffile.imwrite(tmp_path / "g.tif", gradient(256, 256))
    data = (tmp_path / "g.tif").read_bytes()
    (tmp_path / "cut.tif").write_bytes(data[: len(data) // 2])
    with pytest.raises(VtourError, match="cut.tif: TIFF file is truncated"):
        read_image(tmp_path / "cut.tif")


@pytest.mark.parametrize("suffix", ["jpg", "png", "tif"])
def test_too_many_pixels_is_refused_before_decoding(tmp_path, suffix):
    write_image(tmp_path / f"big.{suffix}", gradient(300, 400))
    with mock.patch.object(images.cv2, "imread", side_effect=AssertionError("decoded")), \
            mock.patch.object(images, "_decode_tiff", side_effect=AssertionError("decoded")):
        with pytest.raises(VtourError, match=r"400x300 = 120,000 pixels.*limit is 1,000.*--max-pixels"):
            read_image(tmp_path / f"big.{suffix}", max_pixels=1000)
    assert read_image(tmp_path / f"big.{suffix}", max_pixels=120_000).shape[:2] == (300, 400)


def test_pillows_own_bomb_error_becomes_ours(tmp_path):
    Image.fromarray(gradient(300, 400)).save(tmp_path / "big.bmp")
    with pytest.raises(VtourError, match="too many pixels.*--max-pixels"):
        read_image(tmp_path / "big.bmp", max_pixels=1000)
    with pytest.raises(VtourError, match="too many pixels"):
        images._decode_pil(tmp_path / "big.bmp", 10, "pano")   # Pillow refuses at 2x its limit
    assert read_image(tmp_path / "big.bmp").shape == (300, 400, 3)
    assert Image.MAX_IMAGE_PIXELS == 89478485 or Image.MAX_IMAGE_PIXELS is None  # restored


def test_exif_orientation_is_applied_to_jpeg(tmp_path):
    img = gradient(40, 60)
    Image.fromarray(img).save(tmp_path / "rot.jpg", quality=95, exif=_exif_orientation(6))
    info = probe_image(tmp_path / "rot.jpg")
    assert info.orientation == 6 and (info.width, info.height) == (40, 60)   # as read_image returns
    out = read_image(tmp_path / "rot.jpg")
    assert out.shape == (60, 40, 3)
    expected = np.rot90(img, -1)                      # 6 = stored turned left; show turned right
    assert np.abs(out.astype(int) - expected).mean() < 3


def _exif_orientation(value):
    exif = Image.Exif()
    exif[0x0112] = value
    return exif.tobytes()


def test_to_uint8_rounds_and_keeps_alpha():
    x = np.array([[[0, 128, 129, 65535]]], dtype=np.uint16)
    np.testing.assert_array_equal(to_uint8(x), [[[0, 0, 1, 255]]])
    full = np.arange(65536, dtype=np.uint16).reshape(256, 64, 4)
    np.testing.assert_array_equal(to_uint8(full), np.round(full / 257).astype(np.uint8))
    u8 = np.zeros((2, 2, 3), np.uint8)
    assert to_uint8(u8) is u8


def test_encode_jpeg_is_baseline_420_and_drops_alpha():
    img = gradient(64, 64, channels=4)
    data = encode_jpeg(img, 80)
    assert data[:2] == b"\xff\xd8" and b"\xff\xc0" in data and b"\xff\xc2" not in data  # SOF0, not SOF2
    sof = data.index(b"\xff\xc0")
    assert data[sof + 11] == 0x22                       # Y sampled 2x2: 4:2:0
    out = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    assert out.shape == (64, 64, 3)
    assert np.abs(out[..., ::-1].astype(int) - img[..., :3]).mean() < 4


def test_real_equirect_panoramas_read(data_file):
    img = read_image(data_file("equirect/examplepano.jpg"))
    assert img.shape[1] == 2 * img.shape[0] and img.shape[2] == 3
    png = read_image(data_file("equirect/fireplace.png"))
    assert png.ndim == 3 and png.shape[2] in (3, 4)


def test_lzw_tiff_from_opencv_reads_without_imagecodecs(tmp_path):
    img = gradient(dtype=np.uint16)
    write_image(tmp_path / "lzw.tif", img)              # cv2 writes LZW
    np.testing.assert_array_equal(read_image(tmp_path / "lzw.tif"), img)


# ---------------------------------------------------------------------------------------------
# corrupt data inside a complete JPEG (issue 10, D17)


def corrupt_jpeg(tmp_path, kind: str):
    """A complete JPEG (SOI .. EOI) whose entropy-coded data is damaged half way through."""
    y, x = np.mgrid[0:600, 0:800]
    img = np.dstack([x % 256, y % 256, (x + y) % 256]).astype(np.uint8)
    data = bytearray(encode_jpeg(img, 90))
    mid = (data.index(b"\xff\xda") + len(data)) // 2
    if kind == "zeroed":
        data[mid : mid + 4000] = bytes(4000)
    elif kind == "random":
        noise = np.random.default_rng(2).integers(0, 255, 400, dtype=np.uint8).tobytes()
        data[mid : mid + 400] = noise.replace(b"\xff", b"\x00")
    elif kind == "cut out":
        del data[mid : mid + 4000]
    elif kind == "stray marker":
        data[mid : mid + 2] = b"\xff\xd3"
    path = tmp_path / f"{kind.replace(' ', '_')}.jpg"
    path.write_bytes(bytes(data))
    assert data.endswith(b"\xff\xd9") and images._jpeg_is_complete(path)
    return path


@pytest.mark.parametrize("kind", ["zeroed", "random", "cut out", "stray marker"])
def test_a_jpeg_with_corrupt_data_mid_scan_is_an_error_not_a_grey_image(tmp_path, capfd, kind):
    path = corrupt_jpeg(tmp_path, kind)
    with pytest.raises(VtourError) as e:
        read_image(path)
    assert str(e.value).startswith(f"pano: {path}: JPEG data is corrupt"), str(e.value)
    assert "Corrupt JPEG data" in e.value.message and e.value.fix
    assert capfd.readouterr().err == ""  # libjpeg's own line is in the error, not on the terminal


def test_reading_a_good_jpeg_keeps_what_others_write_to_stderr(tmp_path, capfd):
    good = tmp_path / "good.jpg"
    write_image(good, gradient(600, 800))
    print("before", file=sys.stderr, flush=True)
    with mock.patch.object(images.cv2, "imread", side_effect=lambda *a: (os.write(2, b"other\n"), real(*a))[1]):
        out = read_image(good)
    print("after", file=sys.stderr, flush=True)
    assert out.shape == (600, 800, 3)
    assert capfd.readouterr().err == "before\nother\nafter\n"


real = cv2.imread


def test_a_corrupt_jpeg_through_the_cli_is_one_line_and_nothing_is_written(tmp_path, capfd):
    from vtour.cli import main

    path = corrupt_jpeg(tmp_path, "zeroed")
    assert main(["pano", str(path), "--hfov", "120", "--vfov", "90", "-o", str(tmp_path / "out")]) == 2
    err = capfd.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert lines == [lines[0]] and f"{path}: JPEG data is corrupt" in lines[0], err
    assert "Traceback" not in err and not (tmp_path / "out").exists()
