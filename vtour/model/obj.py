"""``write_obj``: a :class:`~vtour.model.mesh.Mesh` as Wavefront OBJ + MTL + one PNG per map;
``read_obj_arrays``: the geometry of a large OBJ, parsed block by block.

The one OBJ writer of vtour (the sample grotto's sources, test scans, benchmarks). It formats a whole
block of lines with one ``%`` per block instead of one per line: a million faces in about a second.

The reader serves :func:`vtour.model.io.read_mesh` for files of at least :data:`FAST_MIN_BYTES`
(a 20 M-triangle photogrammetry export is ~1.5 GB of text): it reads :data:`BLOCK_BYTES` at a
time, finds each run of ``v``/``vt``/``vn``/``f`` lines with numpy and parses the run with one
``np.fromstring``, then unmerges OBJ's separate position/UV/normal indices into one vertex per
distinct corner, as trimesh does. Anything unusual (vertex colours, negative indices, polygons of
mixed sizes in one run, continuation lines) makes it return None and trimesh reads the file. A
value that is not a number (a comment after the values, a decimal comma, ``1.#QNAN``) and a face
naming a missing vertex are errors naming the line; trimesh cannot read such files either.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vtour.images import write_image
from vtour.model.mesh import Mesh

#: Rows formatted per ``%`` in :func:`write_obj`: the text of a block stays a few tens of MB.
WRITE_ROWS = 1 << 18


def _write_rows(f, line: str, values: np.ndarray) -> None:
    """``line % row`` for each row of ``values`` (2-D), written :data:`WRITE_ROWS` rows at a time."""
    for start in range(0, len(values), WRITE_ROWS):
        block = values[start : start + WRITE_ROWS]
        f.write((line * len(block)) % tuple(block.ravel().tolist()))


def _mtl(mesh: Mesh, path: Path, image_suffix: str = ".png") -> str:
    """MTL text: ``Kd`` (and ``Ke``) factors, and the base colour (``map_Kd``), normal (``norm``) and
    emissive (``map_Ke``) maps written beside ``path`` as ``<stem>_<k>[_normal|_emissive].png``.
    Other PBR maps have no MTL equivalent."""
    lines = []
    for k, m in enumerate(mesh.materials):
        lines += [f"newmtl {m.name}", "Kd %g %g %g" % tuple(m.base_color[:3])]
        if any(m.emissive):
            lines.append("Ke %g %g %g" % tuple(m.emissive))
        for image, key, suffix in [
            (m.texture, "map_Kd", ""),
            (m.normal_texture, "norm", "_normal"),
            (m.emissive_texture, "map_Ke", "_emissive"),
        ]:
            if image is not None:
                name = f"{path.stem}_{k}{suffix}{image_suffix}"
                write_image(path.parent / name, image)
                lines.append(f"{key} {name}")
    return "\n".join(lines) + "\n"


def write_obj(
    mesh: Mesh,
    path: str | Path,
    *,
    position_format: str = "%.9g",
    uv_format: str = "%.9g",
    comment: str | None = None,
    image_suffix: str = ".png",
) -> Path:
    """Write ``mesh`` to ``path`` (.obj), its ``.mtl`` and maps beside it; returns ``path``.

    ``position_format``/``uv_format`` are ``%`` formats of one coordinate ("%.9g" keeps float32
    exactly; the sample writes "%.5f", 10 um in metres). UVs are written in OBJ's convention (v up).
    ``comment`` becomes a first ``#`` line. ``image_suffix`` (".png", ".jpg") is the maps' format.
    Written in blocks of :data:`WRITE_ROWS` rows, so a 20 M-triangle scan needs no more memory
    than its arrays.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.with_suffix(".mtl").write_text(_mtl(mesh, path, image_suffix))
    p, t = position_format, uv_format
    with open(path, "w") as f:
        if comment is not None:
            f.write(f"# {comment}\n")
        f.write(f"mtllib {path.stem}.mtl\n")
        _write_rows(f, f"v {p} {p} {p}\n", mesh.positions)
        if mesh.uv is not None:
            uv = mesh.uv.copy()
            uv[:, 1] = 1.0 - uv[:, 1]  # OBJ's v points up
            _write_rows(f, f"vt {t} {t}\n", uv)
        for k, m in enumerate(mesh.materials):
            rows = mesh.faces[mesh.face_material == k] + 1
            f.write(f"usemtl {m.name}\n")
            if mesh.uv is not None:
                for start in range(0, len(rows), WRITE_ROWS):
                    _write_rows(f, "f %d/%d %d/%d %d/%d\n", np.repeat(rows[start : start + WRITE_ROWS], 2, axis=1))
            else:
                _write_rows(f, "f %d %d %d\n", rows)
    return path


# --- reading: a streaming parser for the large, plain OBJ files scanning software exports ---

#: Files at least this large are parsed by :func:`read_obj_arrays` (trimesh's parser holds the
#: whole text and a Python string per face line: about 10 GB and minutes for 20 M triangles).
FAST_MIN_BYTES = 64 << 20
#: Bytes of text parsed at once.
BLOCK_BYTES = 32 << 20
_V, _VT, _VN, _F, _OTHER = 0, 1, 2, 3, 4


@dataclass(frozen=True, eq=False)
class ObjGroup:
    """The faces of one material (``None``: before any ``usemtl``), OBJ's separate index spaces
    unmerged into one vertex per distinct (position, uv, normal) corner: positions (n, 3) float64,
    uv (n, 2) float64 in OBJ's v-up convention or None, normals (n, 3) float64 or None, faces (m, 3) int64."""

    material: str | None
    positions: np.ndarray
    faces: np.ndarray
    uv: np.ndarray | None
    normals: np.ndarray | None


@dataclass(frozen=True, eq=False)
class ObjArrays:
    """What :func:`read_obj_arrays` read: the ``mtllib`` named (first one) and one group per material."""

    mtllib: str | None
    groups: list[ObjGroup]


class _Unsupported(Exception):
    """A construct the streaming parser leaves to trimesh (mixed polygons, relative indices...)."""


def _line_kinds(arr: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Kind of each line (``_V``...``_OTHER``) from its first two bytes."""
    a = arr[starts]
    b = arr[np.minimum(starts + 1, len(arr) - 1)]
    space = (b == 32) | (b == 9)
    kind = np.full(len(starts), _OTHER, np.int8)
    kind[(a == ord("v")) & space] = _V
    kind[(a == ord("v")) & (b == ord("t"))] = _VT
    kind[(a == ord("v")) & (b == ord("n"))] = _VN
    kind[(a == ord("f")) & space] = _F
    return kind


class _Faces:
    """Face corners of one material, appended run by run as (k, fields) int32 blocks, with where
    each block came from: (its first line number, triangles per line, triangles), for error messages."""

    def __init__(self):
        self.blocks: list[np.ndarray] = []
        self.lines: list[tuple[int, int, int]] = []
        self.layout: str | None = None

    def line_of(self, triangle: int) -> int:
        """The line number of the face line that gave triangle ``triangle`` of this material."""
        for first, per_line, count in self.lines:
            if triangle < count:
                return first + triangle // per_line
            triangle -= count
        return -1


def _parse_face_run(text: bytes, lines: int) -> tuple[np.ndarray, str]:
    """(lines * corners, fields) int64 indices (1-based, as written) of ``lines`` face lines of
    the same shape; the layout ``"v"``, ``"v/vt"``, ``"v//vn"`` or ``"v/vt/vn"``."""
    first = text[: text.find(b"\n")] if b"\n" in text else text
    words = first.split()[1:]
    corners = len(words)
    if corners < 3:
        raise _Unsupported("a face with fewer than three corners")
    w = words[0]
    layout = "v//vn" if b"//" in w else ("v", "v/vt", "v/vt/vn")[min(w.count(b"/"), 2)]
    fields = {"v": 1, "v/vt": 2, "v//vn": 2, "v/vt/vn": 3}[layout]
    values = _fromstring(text.translate(_FACE_TABLE), np.int64)
    slashes = {"v": 0, "v/vt": 1, "v//vn": 2, "v/vt/vn": 2}[layout]
    if len(values) != lines * corners * fields or text.count(b"/") != lines * corners * slashes:
        raise _Unsupported("face lines of different shapes")  # the slashes: a hexagon of v is no two v/vt
    values = values.reshape(lines, corners, fields)
    if corners > 3:  # a fan, as trimesh splits polygons
        fan = [values[:, [0, i, i + 1]] for i in range(1, corners - 1)]
        values = np.stack(fan, axis=1)
    return values.reshape(-1, fields), layout


_FACE_TABLE = bytes.maketrans(b"f/", b"  ")


def _fromstring(text: bytes, dtype) -> np.ndarray:
    """The whitespace-separated numbers of ``text``; numpy stops at the first word that is not a
    number (it warns; numpy 2 raises ValueError, which the caller reports with
    :func:`_not_a_number`): the caller compares the count with what the lines should hold."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return np.fromstring(text, sep=" ", dtype=dtype)


def _floats(text: bytes, prefix: bytes, lines: int, widths: tuple[int, ...]) -> np.ndarray:
    values = _fromstring(text.replace(prefix, b" " * len(prefix)), np.float64)
    for width in widths:
        if len(values) == lines * width:
            return values.reshape(lines, width)
    raise _Unsupported(f"{prefix.decode().strip()} lines with {len(values) / max(lines, 1):g} values")


def _not_a_number(path: Path, text: bytes, first_line: int):
    """The VtourError for a run of lines starting at line ``first_line`` that holds a word numpy
    cannot read as a number: the first such word, its line and what to do."""
    from vtour.errors import VtourError

    for k, line in enumerate(text.split(b"\n")):
        words = line.split()
        face = words[:1] == [b"f"]
        for word in words[1:]:
            for token in word.split(b"/") if face else [word]:
                try:
                    int(token) if face else float(token)
                except ValueError:
                    pass
                else:
                    continue
                if not token and face:
                    continue
                shown = token.decode("utf-8", "replace")
                if shown.startswith("#"):
                    fix = "put comments on lines of their own (remove what follows the values), or export again"
                elif "," in shown:
                    fix = "export again with a point as the decimal separator (an English locale)"
                else:
                    fix = "export the mesh again; write NaN and infinity as numbers or leave them out"
                return VtourError(
                    "model",
                    f"{shown!r} in {line.strip().decode('utf-8', 'replace')[:80]!r} is not a number",
                    path=path,
                    field=f"line {first_line + k}",
                    value=shown,
                    fix=fix,
                )
    last = first_line + text.count(b"\n") - 1
    return VtourError(
        "model",
        f"lines {first_line}-{last}: a value is not a number",
        path=path,
        fix="export the mesh again",
    )


def read_obj_arrays(path: str | Path) -> ObjArrays | None:
    """Parse an OBJ's geometry block by block with numpy; None when it uses what this parser
    leaves to trimesh (vertex colours, relative or mixed face indices, polygons of mixed sizes in
    one run, line continuations), so the caller falls back to trimesh.

    Faces are grouped by material (``usemtl``) as trimesh groups them; ``o`` and ``g`` are ignored.

    Raises
    ------
    VtourError
        A face indexes a vertex, UV or normal the file does not hold, or a ``v``/``vt``/``vn``/``f``
        line holds a word that is not a number (the message names the line and the word).
    """
    try:
        return _read_obj_arrays(Path(path))
    except _Unsupported:
        return None


def _read_obj_arrays(path: Path) -> ObjArrays:
    from vtour.errors import VtourError

    v: list[np.ndarray] = []
    vt: list[np.ndarray] = []
    vn: list[np.ndarray] = []
    faces: dict[str | None, _Faces] = {}
    material: str | None = None
    mtllib: str | None = None
    tail = b""
    line0 = 0  # lines before the current block
    with open(path, "rb") as f:
        if f.read(3) != b"\xef\xbb\xbf":  # a UTF-8 byte order mark (Windows tools write one)
            f.seek(0)
        while True:
            block = f.read(BLOCK_BYTES)
            data = tail + block
            if not block:
                if not data:
                    break
                data += b"\n"
            cut = data.rfind(b"\n") + 1
            data, tail = data[:cut], data[cut:]
            if not data:
                continue
            if b"\\\n" in data or b"\\\r\n" in data:
                raise _Unsupported("line continuations")
            arr = np.frombuffer(data, np.uint8)
            ends = np.flatnonzero(arr == 10)
            starts = np.concatenate([[0], ends[:-1] + 1])
            # leading blanks: rare in exports; let trimesh handle them
            kinds = _line_kinds(arr, starts)
            change = np.flatnonzero(np.diff(kinds)) + 1
            run_starts = np.concatenate([[0], change])
            run_ends = np.concatenate([change, [len(kinds)]])
            for r0, r1 in zip(run_starts.tolist(), run_ends.tolist()):
                kind = int(kinds[r0])
                text = data[starts[r0] : ends[r1 - 1] + 1]
                n = r1 - r0
                try:
                    if kind == _V:
                        v.append(_floats(text, b"v", n, (3,)))
                    elif kind == _VT:
                        vt.append(_floats(text, b"vt", n, (2, 3))[:, :2])
                    elif kind == _VN:
                        vn.append(_floats(text, b"vn", n, (3,)))
                    elif kind == _F:
                        values, layout = _parse_face_run(text, n)
                except ValueError:
                    raise _not_a_number(path, text, line0 + r0 + 1) from None
                if kind == _F:
                    group = faces.setdefault(material, _Faces())
                    if group.layout not in (None, layout):
                        raise _Unsupported("faces of one material with different layouts")
                    group.layout = layout
                    if values.size and values.min() <= 0:
                        raise _Unsupported("relative (negative) indices")
                    group.blocks.append(values.astype(np.int32 if values.max() < 2**31 else np.int64))
                    group.lines.append((line0 + r0 + 1, len(values) // 3 // n, len(values) // 3))
                elif kind == _OTHER:
                    for line in text.splitlines():
                        words = line.split()
                        if not words:
                            continue
                        if words[0] == b"usemtl":
                            if len(words) > 1:  # as trimesh, an empty usemtl changes nothing
                                material = line.split(None, 1)[1].strip().decode("utf-8", "replace")
                        elif words[0] == b"mtllib" and mtllib is None and len(words) > 1:
                            mtllib = line.split(None, 1)[1].strip().decode("utf-8", "replace")
                        elif words[0][:1] in (b"v", b"f") and words[0] not in (b"vp",):
                            raise _Unsupported(f"a {words[0]!r} line")
            line0 += len(starts)
    positions = np.concatenate(v) if v else np.zeros((0, 3))
    del v
    uv = np.concatenate(vt) if vt else None
    del vt
    normals = np.concatenate(vn) if vn else None
    del vn
    groups = []
    for name, group in faces.items():
        corners = np.concatenate(group.blocks).astype(np.int64) - 1
        group.blocks.clear()
        layout = group.layout or "v"
        iv = corners[:, 0]
        it = corners[:, 1] if layout in ("v/vt", "v/vt/vn") else None
        iN = corners[:, -1] if layout in ("v//vn", "v/vt/vn") else None
        for ids, table, what in ((iv, positions, "vertex"), (it, uv, "uv"), (iN, normals, "normal")):
            count = 0 if table is None else len(table)
            if ids is not None and int(ids.max()) >= count:
                corner = int(np.argmax(ids >= count))
                where = group.line_of(corner // 3)
                raise VtourError(
                    "model",
                    f"faces index missing vertices: the face on line {where} names {what} {int(ids[corner]) + 1}, "
                    f"but the file holds {count} ({what} numbers start at 1)",
                    path=path,
                    fix="re-export the mesh; the file is truncated or corrupt",
                )
        group.lines.clear()
        del corners
        key = iv
        if it is not None:
            key = iv * len(uv) + it  # type: ignore[arg-type]
        if iN is not None:
            key = np.unique(key, return_inverse=True)[1].reshape(-1) * len(normals) + iN  # type: ignore[arg-type]
        first, inverse = _first_and_inverse(key)
        del key
        groups.append(
            ObjGroup(
                material=name,
                positions=positions[iv[first]],
                faces=inverse.reshape(-1, 3),
                uv=None if it is None else uv[it[first]],  # type: ignore[index]
                normals=None if iN is None else normals[iN[first]],  # type: ignore[index]
            )
        )
    return ObjArrays(mtllib, groups)


def _first_and_inverse(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of the first occurrence of each distinct key (in order of first occurrence) and each
    key's new id: vertices keep the order the faces first use them."""
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    new = np.empty(len(key), bool)
    new[:1] = True
    np.not_equal(sorted_key[1:], sorted_key[:-1], out=new[1:])
    del sorted_key
    group = np.cumsum(new) - 1
    first = order[new]  # first occurrence of each distinct key (stable sort)
    rank = np.empty(len(first), np.int64)
    rank[np.argsort(first)] = np.arange(len(first))
    inverse = np.empty(len(key), np.int64)
    inverse[order] = rank[group]
    return np.sort(first), inverse
