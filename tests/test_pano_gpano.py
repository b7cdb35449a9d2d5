"""vtour.pano.gpano: GPano XMP from JPEG, PNG and TIFF, and the coverage it gives."""

import struct

import numpy as np
import pytest
import tifffile
from PIL import Image

from vtour.errors import VtourError
from vtour.pano.gpano import GPano, read_gpano
from vtour.images import encode_jpeg, read_image, write_image


def gradient(h=48, w=64):
    y, x = np.mgrid[0:h, 0:w]
    return np.stack([x * 255 // w, y * 255 // h, np.full_like(x, 128)], -1).astype(np.uint8)


XMP_ATTR = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            '<rdf:Description xmlns:GPano="http://ns.google.com/photos/1.0/panorama/" '
            'GPano:ProjectionType="equirectangular" GPano:FullPanoWidthPixels="8000" '
            'GPano:FullPanoHeightPixels="4000" GPano:CroppedAreaImageWidthPixels="{w}" '
            'GPano:CroppedAreaImageHeightPixels="2000" GPano:CroppedAreaLeftPixels="{left}" '
            'GPano:CroppedAreaTopPixels="500" GPano:PoseHeadingDegrees="12.5"/></rdf:RDF></x:xmpmeta>')
XMP_ELEM = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description '
            'xmlns:pano="http://ns.google.com/photos/1.0/panorama/">'
            '<pano:FullPanoWidthPixels>4096</pano:FullPanoWidthPixels>'
            '<pano:FullPanoHeightPixels>2048</pano:FullPanoHeightPixels>'
            '<pano:CroppedAreaImageWidthPixels>4096</pano:CroppedAreaImageWidthPixels>'
            '<pano:CroppedAreaImageHeightPixels>1024</pano:CroppedAreaImageHeightPixels>'
            '<pano:CroppedAreaLeftPixels>0</pano:CroppedAreaLeftPixels>'
            '<pano:CroppedAreaTopPixels>512</pano:CroppedAreaTopPixels>'
            '</rdf:Description></x:xmpmeta>')


def jpeg_with_xmp(path, xmp: str):
    """A JPEG with an XMP APP1 segment inserted after SOI, as cameras write it."""
    data = encode_jpeg(gradient(), 80)
    payload = b"http://ns.adobe.com/xap/1.0/\x00" + xmp.encode()
    path.write_bytes(data[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + data[2:])
    return path


def test_gpano_attributes_are_read_from_jpeg_xmp(tmp_path):
    path = jpeg_with_xmp(tmp_path / "g.jpg", XMP_ATTR.format(w=2000, left=3000))
    gp = read_gpano(path)
    assert gp == GPano(8000, 4000, 2000, 2000, 3000, 500, 12.5)
    cov = gp.coverage()
    assert cov.hfov == pytest.approx(90) and cov.vfov == pytest.approx(90)
    assert cov.yaw == pytest.approx(0) and cov.pitch == pytest.approx(22.5)   # centre row 1500 of 4000
    assert read_image(path).shape == (48, 64, 3)


def test_gpano_elements_with_another_prefix_are_read(tmp_path):
    gp = read_gpano(jpeg_with_xmp(tmp_path / "e.jpg", XMP_ELEM))
    cov = gp.coverage()
    assert (cov.hfov, cov.vfov, cov.yaw, cov.pitch) == pytest.approx((360, 90, 0, 0))


def test_gpano_coverage_places_an_off_centre_crop():
    cov = GPano(8000, 4000, 2000, 1000, 6000, 0).coverage()
    assert (cov.hfov, cov.vfov) == pytest.approx((90, 45))
    assert cov.yaw == pytest.approx(135) and cov.pitch == pytest.approx(67.5)


def test_gpano_is_read_from_png_itxt_and_tiff_tag(tmp_path):
    from PIL import PngImagePlugin
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", XMP_ELEM, zip=True)
    Image.fromarray(gradient()).save(tmp_path / "g.png", pnginfo=info)
    assert read_gpano(tmp_path / "g.png").full_width == 4096
    tifffile.imwrite(tmp_path / "g.tif", gradient(), extratags=[(700, 1, None, XMP_ELEM.encode(), True)])
    assert read_gpano(tmp_path / "g.tif").cropped_top == 512


def test_no_gpano_gives_none(tmp_path):
    write_image(tmp_path / "plain.jpg", gradient())
    assert read_gpano(tmp_path / "plain.jpg") is None


def test_malformed_gpano_names_the_field_and_value(tmp_path):
    path = jpeg_with_xmp(tmp_path / "bad.jpg", XMP_ATTR.format(w="wide", left=0))
    with pytest.raises(VtourError, match=r"bad.jpg: GPano:CroppedAreaImageWidthPixels='wide'"):
        read_gpano(path)
    path = jpeg_with_xmp(tmp_path / "big.jpg", XMP_ATTR.format(w=9000, left=0))
    with pytest.raises(VtourError, match="CroppedAreaImageWidthPixels=9000.*larger"):
        read_gpano(path)
    path = jpeg_with_xmp(tmp_path / "cyl.jpg", XMP_ATTR.replace("equirectangular", "cylindrical")
                         .format(w=1000, left=0))
    with pytest.raises(VtourError, match="ProjectionType='cylindrical'"):
        read_gpano(path)
