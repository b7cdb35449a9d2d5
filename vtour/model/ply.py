"""PLY files checked, and triangle strips made faces, before trimesh parses them.

trimesh reads PLY's ``vertex`` and ``face`` elements, but it takes an ASCII file cut short with the
rows it still has, and it ignores ``element tristrips`` (Cyberware's and older Stanford scanners'
triangle strips), so such a scan reads as a point cloud. :func:`prepared` closes both gaps: it
compares each element's row count in the header with what the file holds, and rewrites strips as a
``face`` element, leaving every other byte of the file as it was, so trimesh's handling of colours,
normals and texture coordinates applies unchanged.

Strips follow OpenGL's GL_TRIANGLE_STRIP: triangle ``i`` of a strip is ``(s[i], s[i+1], s[i+2])``
for even ``i`` and ``(s[i+1], s[i], s[i+2])`` for odd ``i``, so every triangle keeps the first one's
winding; ``-1`` ends a strip and the next index starts a new one, as does each row of the element.
Triangles with a repeated vertex are the joins between strips, not surface, and are left out.

The PLY format: Turk, "The PLY polygon file format" (Stanford, 1994); one row per line in ASCII.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vtour.errors import VtourError

STEP = "model"
#: PLY's scalar types and their numpy codes (both the 1994 names and the sized ones).
TYPES = {
    "char": "i1",
    "int8": "i1",
    "uchar": "u1",
    "uint8": "u1",
    "short": "i2",
    "int16": "i2",
    "ushort": "u2",
    "uint16": "u2",
    "int": "i4",
    "int32": "i4",
    "uint": "u4",
    "uint32": "u4",
    "float": "f4",
    "float32": "f4",
    "double": "f8",
    "float64": "f8",
}
STRIP_ELEMENTS = ("tristrips", "tristrip")
#: A header longer than this is not a PLY header (trimesh then gives its own error).
MAX_HEADER = 1 << 20


@dataclass(frozen=True)
class Property:
    """One property: its name, its numpy type code and, for a list, the type of its length."""

    name: str
    dtype: str
    count_dtype: str | None = None


@dataclass(frozen=True)
class Element:
    name: str
    count: int
    properties: tuple[Property, ...]
    lines: tuple[str, ...]  # its header lines, as written


@dataclass(frozen=True)
class Header:
    format: str  # "ascii", "binary_little_endian" or "binary_big_endian"
    elements: tuple[Element, ...]
    lines: tuple[str, ...]  # the header lines before the first element ("ply", "format", comments)
    size: int  # bytes up to and including the end_header line

    @property
    def endian(self) -> str:
        return ">" if self.format == "binary_big_endian" else "<"


def read_header(data: bytes) -> Header | None:
    """The header of a PLY file's bytes, or None when it is not one this module understands."""
    end = data.find(b"end_header", 0, MAX_HEADER)
    if not data.startswith(b"ply") or end < 0:
        return None
    stop = data.find(b"\n", end)
    size = len(data) if stop < 0 else stop + 1
    lines = data[:end].decode("latin-1").splitlines()
    head: list[str] = []
    elements: list[Element] = []
    fmt = ""
    try:
        for line in lines:
            words = line.split()
            if words[:1] == ["format"]:
                fmt = words[1]
            if words[:1] == ["element"]:
                elements.append(Element(words[1], int(words[2]), (), (line,)))
            elif elements:
                e = elements[-1]
                prop = _property(words) if words[:1] == ["property"] else None
                elements[-1] = Element(e.name, e.count, e.properties + ((prop,) if prop else ()), (*e.lines, line))
            else:
                head.append(line)
    except (IndexError, ValueError, KeyError):
        return None
    if fmt not in ("ascii", "binary_little_endian", "binary_big_endian"):
        return None
    return Header(fmt, tuple(elements), tuple(head), size)


def _property(words: list[str]) -> Property:
    if words[1] == "list":
        return Property(words[4], TYPES[words[3]], TYPES[words[2]])
    return Property(words[2], TYPES[words[1]])


def prepared(path: Path) -> bytes | None:
    """The bytes trimesh should parse for the PLY file ``path``: None when the file itself will do,
    else the file with its triangle strips rewritten as faces.

    Raises
    ------
    VtourError
        The file holds fewer rows than its header declares (ASCII always; binary when it has strips).
    """
    with open(path, "rb") as f:
        start = f.read(MAX_HEADER)
    header = read_header(start)
    if header is None:
        return None
    strips = any(e.name in STRIP_ELEMENTS and e.count for e in header.elements)
    if header.format != "ascii" and not strips:
        return None  # trimesh checks a binary file's length itself
    body = path.read_bytes()[header.size :]
    try:
        if header.format == "ascii":
            lines = [line for line in body.splitlines() if line.strip()]
            _check_ascii(path, header, lines)
            if not strips:
                return None
            rows, indices = _ascii_rows(header, lines)
        else:
            rows, indices = _binary_rows(path, header, body)
    except (ValueError, IndexError) as exc:  # a strip row that is not numbers
        raise VtourError(
            STEP, f"cannot read its triangle strips ({exc})", path=path, fix="export the scan again"
        ) from None
    return _with_faces(header, rows, strip_faces(indices))


def _truncated(path: Path, header: Header, held: list[int], detail: str = "") -> VtourError:
    declared = " and ".join(f"{e.count} {e.name}" for e in header.elements)
    holds = " and ".join(f"{n} {e.name}" for n, e in zip(held, header.elements))
    return VtourError(
        STEP,
        f"the file is truncated: the header declares {declared} rows but the file holds {holds} rows{detail}",
        path=path,
        fix="export the scan again, or copy the whole file again",
    )


def _held(header: Header, rows: int) -> list[int]:
    """Rows of each element among the first ``rows`` rows of the file."""
    out = []
    for e in header.elements:
        out.append(min(e.count, rows))
        rows -= out[-1]
    return out


def _held_in(header: Header, k: int, rows: int) -> list[int]:
    """Rows of each element when the file ends after ``rows`` rows of element ``k``."""
    return [e.count if i < k else rows if i == k else 0 for i, e in enumerate(header.elements)]


def _row_length(tokens: list[bytes], element: Element) -> int:
    """How many tokens a complete ASCII row of ``element`` starting with ``tokens`` has."""
    pos = 0
    for prop in element.properties:
        if prop.count_dtype is None:
            pos += 1
        elif pos < len(tokens):
            pos += 1 + int(float(tokens[pos]))
        else:
            return pos + 1
    return pos


def _check_ascii(path: Path, header: Header, lines: list[bytes]) -> None:
    """Raise the truncation error when the non-blank ``lines`` of an ASCII body hold fewer rows
    than the header declares, the last one counted only when it is complete."""
    expected = sum(e.count for e in header.elements)
    complete = len(lines)
    if 0 < complete <= expected:  # the last row may be cut short in the middle of its line
        last = lines[-1].split()
        try:
            short = len(last) < _row_length(last, _element_of(header, complete - 1))
        except ValueError:
            short = True
        complete -= short
    if complete < expected:
        raise _truncated(path, header, _held(header, complete))


def _ascii_rows(header: Header, lines: list[bytes]) -> tuple[list[bytes], np.ndarray]:
    """Each element's lines, re-joined (the strips element's left out), and the strips' indices
    with -1 between strips."""
    rows, strips, at = [], [], 0
    for e in header.elements:
        own = lines[at : at + e.count]
        at += e.count
        if e.name in STRIP_ELEMENTS:
            strips += [_ascii_strip(line, e) for line in own]
            rows.append(b"")
        else:
            rows.append(b"".join(line + b"\n" for line in own))
    return rows, _joined(strips)


def _element_of(header: Header, row: int) -> Element:
    """The element that row ``row`` (0-based, over the whole body) belongs to."""
    for e in header.elements:
        if row < e.count:
            return e
        row -= e.count
    return header.elements[-1]


def _ascii_strip(line: bytes, element: Element) -> np.ndarray:
    tokens, pos = line.split(), 0
    for prop in element.properties:
        if prop.count_dtype is None:
            pos += 1
            continue
        n = int(float(tokens[pos]))
        values = np.array(tokens[pos + 1 : pos + 1 + n], np.int64)
        pos += 1 + n
        if prop.name == "vertex_indices":
            return values
    return np.zeros(0, np.int64)


def _binary_rows(path: Path, header: Header, body: bytes) -> tuple[list[bytes], np.ndarray]:
    """As :func:`_ascii_rows` for a binary file: each element's bytes and the strips' indices."""
    rows, strips, at = [], [], 0
    end = header.endian
    for k, e in enumerate(header.elements):
        start = at
        if all(p.count_dtype is None for p in e.properties):
            size = sum(np.dtype(p.dtype).itemsize for p in e.properties)
            at += e.count * size
            if at > len(body):
                raise _truncated(path, header, _held_in(header, k, (len(body) - start) // max(size, 1)))
        else:
            for row in range(e.count):
                try:
                    at, indices = _binary_row(body, at, e, end)
                except (IndexError, ValueError):
                    raise _truncated(path, header, _held_in(header, k, row)) from None
                if e.name in STRIP_ELEMENTS and indices is not None:
                    strips.append(indices)
        rows.append(b"" if e.name in STRIP_ELEMENTS else body[start:at])
    return rows, _joined(strips)


def _binary_row(body: bytes, at: int, element: Element, end: str) -> tuple[int, np.ndarray | None]:
    """The offset after one row of ``element`` starting at ``at``, and its vertex_indices if any."""
    indices = None
    for prop in element.properties:
        size = np.dtype(prop.dtype).itemsize
        if prop.count_dtype is None:
            at += size
            continue
        count_type = np.dtype(end + prop.count_dtype)
        if at + count_type.itemsize > len(body):
            raise IndexError("row cut short")
        n = int(np.frombuffer(body, count_type, 1, at)[0])
        at += count_type.itemsize
        if n < 0 or at + n * size > len(body):
            raise IndexError("row cut short")
        if prop.name == "vertex_indices":
            indices = np.frombuffer(body, end + prop.dtype, n, at).astype(np.int64)
        at += n * size
    if at > len(body):
        raise IndexError("row cut short")
    return at, indices


def _joined(strips: list[np.ndarray]) -> np.ndarray:
    """Strips as one index array, -1 between them."""
    if not strips:
        return np.zeros(0, np.int64)
    parts = []
    for s in strips:
        parts += [s, np.array([-1], np.int64)]
    return np.concatenate(parts)


def strip_faces(indices: np.ndarray) -> np.ndarray:
    """(m, 3) int64 triangles of triangle strips given as one (n,) index array, -1 ending a strip
    (see the module docstring for the winding); triangles with a repeated vertex are left out."""
    s = np.asarray(indices, np.int64).reshape(-1)
    if len(s) < 3:
        return np.zeros((0, 3), np.int64)
    a, b, c = s[:-2], s[1:-1], s[2:]
    position = np.arange(len(s))
    last_restart = np.maximum.accumulate(np.where(s < 0, position, -1))
    odd = ((position - last_restart - 1) % 2 == 1)[:-2]
    keep = (a >= 0) & (b >= 0) & (c >= 0) & (a != b) & (b != c) & (a != c)
    faces = np.stack([np.where(odd, b, a), np.where(odd, a, b), c], axis=1)
    return faces[keep]


def _with_faces(header: Header, rows: list[bytes], faces: np.ndarray) -> bytes:
    """The file again, the strips element replaced by a ``face`` element holding ``faces``
    (an empty ``face`` element the file declared is left out, so there is one)."""
    lines = list(header.lines)
    body = []
    for e, data in zip(header.elements, rows):
        if e.name == "face" and e.count == 0:
            continue
        if e.name in STRIP_ELEMENTS:
            lines += [f"element face {len(faces)}", "property list uchar int vertex_indices"]
            body.append(_face_rows(header, faces))
        else:
            lines += e.lines
            body.append(data)
    lines.append("end_header")
    return ("\n".join(lines) + "\n").encode("latin-1") + b"".join(body)


def _face_rows(header: Header, faces: np.ndarray) -> bytes:
    if header.format == "ascii":
        return (b"3 %d %d %d\n" * len(faces)) % tuple(faces.ravel().tolist())
    rows = np.zeros(len(faces), np.dtype([("n", "u1"), ("i", header.endian + "i4", (3,))]))
    rows["n"] = 3
    rows["i"] = faces
    return rows.tobytes()


#: Binary PLY files at least this large are read by :func:`read_ply_arrays` straight into arrays
#: (trimesh's reader keeps the raw element tables and several copies beside the mesh).
FAST_MIN_BYTES = 64 << 20
_UV_NAMES = {"s", "t", "u", "v", "texture_u", "texture_v", "texcoord"}
_FACE_LISTS = ("vertex_indices", "vertex_index")


def read_ply_arrays(
    path: str | Path,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None, None] | None:
    """Positions (n, 3) float64, faces (m, 3) int64, sRGB colours (n, 4) float32 in [0, 1] or None,
    unit normals (n, 3) float32 or None, and None for UVs, of a plain binary PLY read with
    ``np.fromfile``; None when the file needs trimesh (ASCII, triangle strips, texture coordinates,
    face colours, polygons other than triangles, other elements, colours not in bytes).

    Raises
    ------
    VtourError
        The file is shorter than its header declares (naming the element and row cut short), or a
        face indexes a missing vertex (naming the index and the face).
    """
    path = Path(path)
    with open(path, "rb") as f:
        header = read_header(f.read(MAX_HEADER))
    if header is None or header.format == "ascii":
        return None
    elements = [e for e in header.elements if e.count]
    if [e.name for e in elements] != ["vertex", "face"]:
        return None
    vertex, face = elements
    if any(p.count_dtype is not None or p.name in _UV_NAMES for p in vertex.properties):
        return None
    names = [p.name for p in vertex.properties]
    if not {"x", "y", "z"} <= set(names) or len(set(names)) != len(names):
        return None
    color_names = [c for c in ("red", "green", "blue", "alpha") if c in names]
    if color_names and (
        color_names[:3] != ["red", "green", "blue"]
        or any(p.dtype != "u1" for p in vertex.properties if p.name in color_names)
    ):
        return None
    if len(face.properties) != 1 or face.properties[0].name not in _FACE_LISTS:
        return None
    end = header.endian
    vdtype = np.dtype([(p.name, end + p.dtype) for p in vertex.properties])
    prop = face.properties[0]
    fdtype = np.dtype([("n", end + str(prop.count_dtype)), ("i", end + prop.dtype, (3,))])
    vertex_end = header.size + vertex.count * vdtype.itemsize
    size = path.stat().st_size
    if size < vertex_end:
        held = (size - header.size) // vdtype.itemsize
        raise _cut_short(path, header, vertex, held, header.size + (held + 1) * vdtype.itemsize - size)
    if size < vertex_end + face.count * fdtype.itemsize:
        # polygons of fewer corners (trimesh's), or a file cut short: the rows it holds whole say which
        held = (size - vertex_end) // fdtype.itemsize
        if not (np.fromfile(path, fdtype, held, offset=vertex_end)["n"] == 3).all():
            return None
        raise _cut_short(path, header, face, held, vertex_end + (held + 1) * fdtype.itemsize - size)
    rows = np.fromfile(path, vdtype, vertex.count, offset=header.size)
    positions = np.empty((vertex.count, 3), np.float64)
    for k, c in enumerate("xyz"):
        positions[:, k] = rows[c]
    normals = None
    if {"nx", "ny", "nz"} <= set(names):
        n = np.stack([rows[c].astype(np.float32) for c in ("nx", "ny", "nz")], axis=1)
        n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-30)
        normals = n
    colors = None
    if color_names:
        colors = np.ones((vertex.count, 4), np.float32)
        for k, c in enumerate(color_names):
            colors[:, k] = rows[c] / np.float32(255.0)
    del rows
    table = np.fromfile(path, fdtype, face.count, offset=header.size + vertex.count * vdtype.itemsize)
    if len(table) and not (table["n"] == 3).all():
        return None
    faces = table["i"].astype(np.int64)
    del table
    if len(faces) and (faces.min() < 0 or faces.max() >= vertex.count):
        bad = int(np.argmax(((faces < 0) | (faces >= vertex.count)).any(axis=1)))
        index = int(faces[bad][(faces[bad] < 0) | (faces[bad] >= vertex.count)][0])
        raise VtourError(
            STEP,
            f"faces index missing vertices: index {index} (face {bad} of {len(faces)}, counted from 0) "
            f"with {vertex.count} vertices (indices 0 to {vertex.count - 1})",
            path=path,
            fix="re-export the mesh; the file is truncated or corrupt",
        )
    return positions, faces, colors, normals, None


def _cut_short(path: Path, header: Header, element: Element, rows: int, missing: int) -> VtourError:
    """The error for a binary file that ends ``missing`` bytes into row ``rows`` (from 0) of ``element``."""
    k = next(i for i, e in enumerate(header.elements) if e is element)
    detail = f" ({element.name} row {rows}, counted from 0, lacks {missing} bytes)"
    return _truncated(path, header, _held_in(header, k, rows), detail)
