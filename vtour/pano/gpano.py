"""GPano (Google Photo Sphere) XMP metadata: where a cropped equirect sits on the sphere.

Read from a JPEG's APP1 XMP segment, a PNG's iTXt chunk or a TIFF's XMP tag, in the attribute form
(``GPano:FullPanoWidthPixels="8000"``) or the element form, without decoding any pixels and reading
at most :data:`GPANO_READ_LIMIT` bytes.
"""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from vtour.conventions import wrap_yaw
from vtour.images import _FIX_REEXPORT, _error, probe_image
from vtour.pano.coverage import Coverage

#: How much of a file :func:`read_gpano` may read looking for XMP.
GPANO_READ_LIMIT: int = 4 << 20


GPANO_NS = "http://ns.google.com/photos/1.0/panorama/"
_GPANO_FIELDS = (
    "FullPanoWidthPixels",
    "FullPanoHeightPixels",
    "CroppedAreaImageWidthPixels",
    "CroppedAreaImageHeightPixels",
    "CroppedAreaLeftPixels",
    "CroppedAreaTopPixels",
)


@dataclass(frozen=True)
class GPano:
    """The GPano fields that place a (possibly cropped) equirect image on the sphere, in pixels.

    ``heading`` is PoseHeadingDegrees (compass heading of the full panorama's centre), or None.
    """

    full_width: int
    full_height: int
    cropped_width: int
    cropped_height: int
    cropped_left: int = 0
    cropped_top: int = 0
    heading: float | None = None

    def coverage(self) -> Coverage:
        """The cropped image's angular extent; yaw 0 is the full panorama's centre column."""
        fw, fh = self.full_width, self.full_height
        return Coverage(
            hfov=self.cropped_width / fw * 360.0,
            vfov=self.cropped_height / fh * 180.0,
            yaw=wrap_yaw(((self.cropped_left + self.cropped_width / 2) / fw - 0.5) * 360.0),
            pitch=(0.5 - (self.cropped_top + self.cropped_height / 2) / fh) * 180.0,
        )


def _xmp_packets(path: Path, kind: str | None) -> list[bytes]:
    """XMP packets in the first GPANO_READ_LIMIT bytes of a JPEG (APP1), PNG (iTXt) or TIFF (tag 700)."""
    if kind == "TIFF":
        import tifffile

        with tifffile.TiffFile(path) as tif:
            tag = tif.pages.first.tags.get(700)
            if tag is None:
                return []
            value = tag.value
            return [value if isinstance(value, bytes) else str(value).encode()]
    with open(path, "rb") as f:
        data = f.read(GPANO_READ_LIMIT)
    packets = []
    if kind == "JPEG":
        pos = 2
        while pos + 4 <= len(data) and data[pos] == 0xFF:
            marker = data[pos + 1]
            if marker == 0xFF:
                pos += 1
                continue
            if marker in (0xDA, 0xD9):
                break
            length = int.from_bytes(data[pos + 2 : pos + 4], "big")
            payload = data[pos + 4 : pos + 2 + length]
            if marker == 0xE1 and payload.startswith(b"http://ns.adobe.com/xap/1.0/\x00"):
                packets.append(payload[29:])
            pos += 2 + length
    elif kind == "PNG":
        pos = 8
        while pos + 8 <= len(data):
            length = int.from_bytes(data[pos : pos + 4], "big")
            ctype = data[pos + 4 : pos + 8]
            body = data[pos + 8 : pos + 8 + length]
            if ctype in (b"IDAT", b"IEND"):  # XMP belongs before the image data
                break
            if ctype == b"iTXt" and body.startswith(b"XML:com.adobe.xmp\x00"):
                rest = body[len(b"XML:com.adobe.xmp\x00") :]
                compressed = rest[:1] == b"\x01"
                # skip compression flag, method, language tag\0, translated keyword\0
                text = rest[2:].split(b"\x00", 2)[-1]
                try:
                    packets.append(zlib.decompress(text) if compressed else text)
                except zlib.error:
                    pass
            pos += 12 + length
    return packets


def _gpano_values(xmp: str) -> dict[str, str]:
    m = re.search(r'xmlns:([\w.-]+)\s*=\s*["\']' + re.escape(GPANO_NS) + "[\"']", xmp)
    prefix = re.escape(m.group(1) if m else "GPano")
    values = {}
    for name, value in re.findall(prefix + r':(\w+)\s*=\s*"([^"]*)"', xmp):
        values[name] = value
    for name, value in re.findall(prefix + r":(\w+)\s*=\s*'([^']*)'", xmp):
        values[name] = value
    for name, value in re.findall(r"<" + prefix + r":(\w+)\s*>([^<]*)</" + prefix + r":\1\s*>", xmp):
        values[name] = value.strip()
    return values


def read_gpano(path, *, step: str = "pano") -> GPano | None:
    """GPano (Photo Sphere) XMP of a JPEG, PNG or TIFF, or None when it has no extent fields.

    Reads at most the first :data:`GPANO_READ_LIMIT` bytes and never decodes pixels. Both the
    attribute form (``GPano:X="..."``) and the element form (``<GPano:X>..</GPano:X>``) are read;
    the namespace prefix is taken from its ``xmlns`` declaration. Missing CroppedArea* fields
    default to the image itself (size from the header, left/top 0).

    Raises VtourError naming the field and value when the metadata is malformed or is not
    equirectangular.
    """
    path = Path(path)
    info = probe_image(path, step=step)
    try:
        packets = _xmp_packets(path, info.format)
    except Exception as e:
        raise _error(step, path, f"cannot read XMP metadata ({e})", _FIX_REEXPORT) from None
    values: dict[str, str] = {}
    for packet in packets:
        values.update(_gpano_values(packet.decode("utf-8", "replace")))
    if not any(k in values for k in _GPANO_FIELDS):
        return None
    projection = values.get("ProjectionType", "equirectangular").strip()
    if projection.lower() != "equirectangular":
        raise _error(
            step,
            path,
            "only equirectangular GPano panoramas are supported",
            "reproject it to equirectangular",
            field="GPano:ProjectionType",
            value=projection,
        )
    defaults = {
        "CroppedAreaImageWidthPixels": info.width,
        "CroppedAreaImageHeightPixels": info.height,
        "CroppedAreaLeftPixels": 0,
        "CroppedAreaTopPixels": 0,
    }
    ints = {}
    for name in _GPANO_FIELDS:
        if name not in values:
            if name not in defaults:
                raise _error(
                    step,
                    path,
                    "GPano metadata lacks a field needed to place the image",
                    "add it, or pass the coverage explicitly",
                    field=f"GPano:{name}",
                )
            ints[name] = defaults[name]
            continue
        try:
            number = float(values[name])
        except ValueError:
            number = float("nan")
        if not (math.isfinite(number) and number == int(number)):
            raise _error(
                step,
                path,
                "GPano value is not a whole number of pixels",
                "fix the XMP metadata",
                field=f"GPano:{name}",
                value=values[name],
            )
        ints[name] = int(number)
    fw, fh, cw, ch, left, top = (ints[n] for n in _GPANO_FIELDS)
    for name, v, low in zip(_GPANO_FIELDS, (fw, fh, cw, ch, left, top), (1, 1, 1, 1, 0, 0)):
        if v < low:
            raise _error(
                step,
                path,
                f"GPano value must be at least {low}",
                "fix the XMP metadata",
                field=f"GPano:{name}",
                value=v,
            )
    if cw > fw:
        raise _error(
            step,
            path,
            f"cropped width is larger than the full panorama width {fw}",
            "fix the XMP metadata",
            field="GPano:CroppedAreaImageWidthPixels",
            value=cw,
        )
    if top + ch > fh:
        raise _error(
            step,
            path,
            f"cropped area (top {top} + height {ch}) runs past the full panorama height {fh}",
            "fix the XMP metadata",
            field="GPano:CroppedAreaTopPixels",
            value=top,
        )
    heading = None
    if "PoseHeadingDegrees" in values:
        try:
            heading = float(values["PoseHeadingDegrees"])
        except ValueError:
            raise _error(
                step,
                path,
                "GPano heading is not a number",
                "fix the XMP metadata",
                field="GPano:PoseHeadingDegrees",
                value=values["PoseHeadingDegrees"],
            ) from None
    return GPano(fw, fh, cw, ch, left, top, heading)
