"""Six cube faces as panorama input: six files, or one image holding all six, to vtour's faces.

The result is always the geometry of :mod:`vtour.conventions` (Marzipano / Pannellum / krpano):
front = -Z, right = +X, f b l r upright from the centre, u's bottom edge and d's top edge meet f.

Accepted inputs
    * six files in ``order`` (default f r b l u d, Pannellum's plain cubemap order);
    * six files whose names say the face: ``front/right/back/left/up/down`` (also top/bottom),
      ``f/r/b/l/u/d``, as the whole stem or its last ``_ - .`` separated token, any case
      (``scene_f.jpg``, ``pano_front.png``); or three.js / OpenGL names ``px nx py ny pz nz``
      (also ``posx`` ...);
    * one image: a 6:1 horizontal or 1:6 vertical strip in ``order``, a 4:3 horizontal cross
      (row 1 = l f r b, u above f, d below f) or a 3:4 vertical cross (column 1 = u f d b, with
      b upside down because it hangs below d; l and r beside f).

A cross is taken only when it looks like one
    A 4:3 or 3:4 photo has a cross's shape too. Its six empty cells must be blank (one colour, or
    transparent, within ``BLANK_TOLERANCE`` of full scale, a margin of JPEG ringing left out) and
    its faces' shared edges must meet (:func:`edge_mismatch` below ``CROSS_EDGE_MISMATCH``): the
    real cubes of the test data score 0.015-0.03 and their JPEG crosses have exactly blank cells,
    while photos cut to 4:3 or 3:4 have 100-255 levels of range in every empty cell and score
    0.08-0.18 at the edges.

three.js / OpenGL names
    An OpenGL cube map is defined in a left-handed frame (GL spec, table "cube map face
    selection"): face +Z seen from the centre with +X to the right and every image upright. three.js
    shows it by sampling with x negated (``tFlip = -1`` in its ``cube_frag.glsl``), so its default
    camera, looking down -Z, sees ``nz`` upright with ``nx`` on its right and ``px`` on its left; ``py``
    and ``ny`` appear turned by 180 degrees. We keep what a three.js user sees: f = nz, r = nx,
    b = pz, l = px, u = py and d = ny each rotated 180 degrees. Taking ``px`` as right *and* ``nz``
    as front cannot be done without mirroring the
    whole panorama. Seam continuity (:func:`edge_mismatch`) pins the relative placement of the
    faces but not a global mirror image; the handedness comes from the GL table and three.js.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from vtour.conventions import FACES, PANNELLUM_CUBE_ORDER, face_directions
from vtour.errors import VtourError
from vtour.images import DEFAULT_MAX_PIXELS, read_image, to_uint8

#: three.js / OpenGL name -> (vtour face, turns by 90 degrees counter-clockwise applied to the image).
GL_FACES: dict[str, tuple[str, int]] = {
    "nz": ("f", 0),
    "nx": ("r", 0),
    "pz": ("b", 0),
    "px": ("l", 0),
    "py": ("u", 2),
    "ny": ("d", 2),
}
_GL_ALIASES = {"posx": "px", "negx": "nx", "posy": "py", "negy": "ny", "posz": "pz", "negz": "nz"}
_WORDS = {
    "front": "f",
    "right": "r",
    "back": "b",
    "left": "l",
    "up": "u",
    "down": "d",
    "top": "u",
    "bottom": "d",
    **{c: c for c in PANNELLUM_CUBE_ORDER},
}
_TOKEN = re.compile(r"(?:^|[_\-. ])([a-z]+)$")

#: The 4:3 cross: face -> (cell row, cell column); the 3:4 cross: face -> (row, column, turns).
HORIZONTAL_CROSS = {"u": (0, 1), "l": (1, 0), "f": (1, 1), "r": (1, 2), "b": (1, 3), "d": (2, 1)}
VERTICAL_CROSS = {"u": (0, 1, 0), "l": (1, 0, 0), "f": (1, 1, 0), "r": (1, 2, 0), "d": (2, 1, 0), "b": (3, 1, 2)}

_CROSS_PLACES = {
    True: "l f r b across the middle row, u above f and d below f",
    False: "u f d b down the middle column (b upside down), l and r beside f",
}
_LAYOUTS = "6:1 or 1:6 strip, 4:3 or 3:4 cross, sides a multiple of the face size"

#: Largest range of an empty cell of a cross, as a fraction of full scale, per channel.
BLANK_TOLERANCE = 0.05
#: Largest :func:`edge_mismatch` of a cross's faces: twice the worst real cube of the test data.
CROSS_EDGE_MISMATCH = 0.06


def face_name(path) -> tuple[str, int] | None:
    """(face letter, quarter turns) named by a file's stem, or None when it names no face."""
    stem = Path(path).stem.lower()
    m = _TOKEN.search(stem)
    token = m.group(1) if m else stem
    token = _GL_ALIASES.get(token, token)
    if token in GL_FACES:
        return GL_FACES[token]
    if token in _WORDS:
        return _WORDS[token], 0
    return None


def _harmonise(faces: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Same dtype (uint8 if any face is 8-bit) and channel count (alpha added where missing)."""
    if len({f.dtype for f in faces.values()}) > 1:
        faces = {k: to_uint8(v) for k, v in faces.items()}
    if len({f.shape[2] for f in faces.values()}) > 1:
        opaque = np.iinfo(next(iter(faces.values())).dtype).max
        faces = {
            k: v if v.shape[2] == 4 else np.dstack([v, np.full(v.shape[:2], opaque, v.dtype)]) for k, v in faces.items()
        }
    return faces


def _check_order(order: Sequence[str], step: str) -> tuple[str, ...]:
    order = tuple(order)
    if sorted(order) != sorted(FACES):
        raise VtourError(
            step,
            f"face order must name each of {' '.join(PANNELLUM_CUBE_ORDER)} once",
            field="order",
            value="".join(order),
        )
    return order


def _from_files(paths: list[Path], order, max_pixels, step) -> dict[str, np.ndarray]:
    found = [face_name(p) for p in paths]
    named: list[tuple[str, int]]
    if all(n is None for n in found):
        named = [(f, 0) for f in order]
    else:
        bad = [str(p) for p, n in zip(paths, found) if n is None]
        if bad:
            raise VtourError(
                step,
                "some face files name their face and some do not",
                path=", ".join(bad),
                fix="name all six (front/right/.., f/r/.., px/nx/..) or none (then the order f r b l u d is used)",
            )
        gl = [p.stem.lower().endswith(tuple(GL_FACES) + tuple(_GL_ALIASES)) for p in paths]
        if any(gl) and not all(gl):
            raise VtourError(
                step,
                "face files mix three.js names (px, nx, ...) with face names",
                path=", ".join(map(str, paths)),
                fix="use one naming scheme",
            )
        named = [n for n in found if n is not None]
    seen: dict[str, Path] = {}
    for p, (face, _) in zip(paths, named):
        if face in seen:
            raise VtourError(
                step, f"two files name face {face}: {seen[face]} and {p}", path=p, fix="give each of f r b l u d once"
            )
        seen[face] = p
    faces, where = {}, {}
    for p, (face, turns) in zip(paths, named):
        img = read_image(p, max_pixels=max_pixels, step=step)
        faces[face] = np.ascontiguousarray(np.rot90(img, turns)) if turns else img
        where[face] = p
    _check_sizes(faces, where, step)
    return faces


def _check_sizes(faces: dict[str, np.ndarray], where: dict[str, Path], step: str) -> None:
    for face, img in faces.items():
        h, w = img.shape[:2]
        if h != w:
            raise VtourError(
                step,
                f"face {face} is not square: {w}x{h}",
                path=where[face],
                fix="cube faces must be square; crop or resize it",
            )
    first = next(iter(faces))
    for face, img in faces.items():
        if img.shape[:2] != faces[first].shape[:2]:
            a, b = faces[first].shape[0], img.shape[0]
            raise VtourError(
                step,
                f"faces have different sizes: {first} is {a}x{a} ({where[first]}), {face} is {b}x{b} ({where[face]})",
                path=where[face],
                fix="resize them to one size",
            )


def split_cube_image(
    img: np.ndarray, order: Sequence[str] = PANNELLUM_CUBE_ORDER, *, path=None, step: str = "pano"
) -> dict[str, np.ndarray]:
    """Cut one image holding six faces into vtour's faces.

    Parameters
    ----------
    img : (H, W, C) array
        A 6:1 or 1:6 strip of faces in ``order``, a 4:3 horizontal cross or a 3:4 vertical cross
        (layouts in the module docstring).
    order : sequence of the six face letters, for strips.

    Returns
    -------
    dict face letter -> (s, s, C) array of img's dtype; views into ``img`` except the turned b of
    a vertical cross.
    """
    h, w = img.shape[:2]
    if w == 6 * h or h == 6 * w:
        order = _check_order(order, step)
        s = min(h, w)
        cells = [img[:, i * s : (i + 1) * s] if w > h else img[i * s : (i + 1) * s] for i in range(6)]
        return dict(zip(order, cells))
    layout = _cross_layout(img)
    if layout is None:
        raise VtourError(
            step,
            f"image size {w}x{h} matches no cube layout ({_LAYOUTS})",
            path=path,
            fix="give six face files, or an image in one of those layouts",
        )
    faces = _cut_cross(img, layout)
    why = _not_a_cross(img, layout, faces)
    if why is not None:
        raise VtourError(
            step,
            f"image is {w}x{h}, a cross's shape, but it is not a cube cross: {why}",
            path=path,
            fix="give six face files, or a 4:3 or 3:4 cube cross with blank empty cells",
        )
    return faces


def cube_layout_problem(img: np.ndarray) -> str | None:
    """Why one ``(H, W, C)`` image holds no six cube faces, as a clause; None when it does.

    A 6:1 or 1:6 strip always does; a 4:3 or 3:4 cross only when it looks like one (see the
    module docstring): a photo of that shape is not taken for a cross.
    """
    h, w = img.shape[:2]
    if w == 6 * h or h == 6 * w:
        return None
    layout = _cross_layout(img)
    if layout is None:
        return f"its size matches no cube layout ({_LAYOUTS})"
    why = _not_a_cross(img, layout, _cut_cross(img, layout))
    return None if why is None else f"it is not a cube cross: {why}"


def _cross_layout(img: np.ndarray) -> dict[str, tuple[int, int, int]] | None:
    """Face -> (cell row, cell column, turns) of the cross ``img``'s size fits, or None."""
    h, w = img.shape[:2]
    if 3 * w == 4 * h and w % 4 == 0:
        return {f: (r, c, 0) for f, (r, c) in HORIZONTAL_CROSS.items()}
    if 4 * w == 3 * h and w % 3 == 0:
        return VERTICAL_CROSS
    return None


def _cut_cross(img: np.ndarray, layout: Mapping[str, tuple[int, int, int]]) -> dict[str, np.ndarray]:
    s = img.shape[1] // (4 if img.shape[1] > img.shape[0] else 3)
    cells = {f: img[r * s : (r + 1) * s, c * s : (c + 1) * s] for f, (r, c, _) in layout.items()}
    return {f: np.ascontiguousarray(np.rot90(cells[f], t)) if t else cells[f] for f, (_, _, t) in layout.items()}


def _not_a_cross(
    img: np.ndarray, layout: Mapping[str, tuple[int, int, int]], faces: Mapping[str, np.ndarray]
) -> str | None:
    """Why ``img`` is no cube cross in ``layout`` (see the module docstring), or None when it is one."""
    h, w = img.shape[:2]
    s = faces["f"].shape[0]
    used = {(r, c) for r, c, _ in layout.values()}
    full = float(np.iinfo(img.dtype).max) if img.dtype.kind in "ui" else 1.0
    m = min(s // 4, max(s // 16, 16))  # JPEG ringing and chroma bleed from the faces beside a cell
    step = max(1, (s - 2 * m) // 256)  # a strided sample of the cell is plenty to see content
    for r in range(h // s):
        for c in range(w // s):
            if (r, c) in used:
                continue
            cell = img[r * s + m : (r + 1) * s - m : step, c * s + m : (c + 1) * s - m : step]
            if cell.size == 0 or (cell.shape[2] == 4 and not cell[..., 3].any()):
                continue  # transparent: the colour under alpha 0 is not seen
            flat = cell.reshape(-1, cell.shape[2])
            spread = float((flat.max(axis=0) - flat.min(axis=0)).max()) / full
            if spread > BLANK_TOLERANCE:
                return (
                    f"its empty cell at row {r + 1}, column {c + 1} is not blank "
                    f"(its levels span {spread:.0%} of full scale, at most {BLANK_TOLERANCE:.0%} in a cross)"
                )
    mismatch = edge_mismatch(faces)
    if mismatch > CROSS_EDGE_MISMATCH:
        return (
            f"its faces' edges do not meet (mismatch {mismatch:.3f}, a cube cross scores below "
            f"{CROSS_EDGE_MISMATCH}; are its faces placed {_CROSS_PLACES[w > h]}?)"
        )
    return None


def read_cube_faces(
    paths, *, max_pixels: int = DEFAULT_MAX_PIXELS, step: str = "pano", order: Sequence[str] = PANNELLUM_CUBE_ORDER
) -> dict[str, np.ndarray]:
    """Read six cube faces into vtour's orientation.

    Parameters
    ----------
    paths : sequence of paths, or mapping face -> path
        Six face files (in ``order`` unless their names say the face), one image holding all six,
        or a mapping from face letter (or name: front, px, ...) to file.
    max_pixels : int
        Per-file pixel limit, see :func:`vtour.images.read_image`.
    order : sequence of str
        Order of six unnamed files or of a strip's cells; default f r b l u d.

    Returns
    -------
    dict with keys f b l r u d -> (s, s, 3|4) uint8 or uint16 RGB(A) arrays, all of one size,
    dtype and channel count.

    Raises
    ------
    VtourError
        Wrong number of files, duplicate faces, unequal or non-square faces, a single image with
        no cube layout, and every read error.
    """
    if isinstance(paths, Mapping):
        keys = [(face_name(str(k)), Path(v)) for k, v in paths.items()]
        items = [(n, p) for n, p in keys if n is not None]
        if len(items) != len(keys) or len({n[0] for n, _ in items}) != 6 or len(items) != 6:
            raise VtourError(
                step, "face mapping must have the six keys f r b l u d", field="faces", value=sorted(map(str, paths))
            )
        faces = {}
        for (face, turns), p in items:
            img = read_image(p, max_pixels=max_pixels, step=step)
            faces[face] = np.ascontiguousarray(np.rot90(img, turns)) if turns else img
        _check_sizes(faces, {f: p for (f, _), p in items}, step)
        return _harmonise(faces)
    paths = [Path(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths)]
    order = _check_order(order, step)
    if len(paths) == 1:
        faces = split_cube_image(
            read_image(paths[0], max_pixels=max_pixels, step=step), order, path=paths[0], step=step
        )
        return faces
    if len(paths) != 6:
        raise VtourError(
            step,
            f"cube faces need 6 files or one image holding all six, got {len(paths)}",
            path=", ".join(map(str, paths)),
            fix="give f r b l u d, in that order or named",
        )
    return _harmonise(_from_files(paths, order, max_pixels, step))


def _face_frame(face: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centre direction and the unit 3D steps of u and v on a face (all from the conventions)."""
    zero, one = np.zeros(1), np.ones(1)
    c = np.array([a[0] for a in face_directions(face, zero, zero)])
    du = np.array([a[0] for a in face_directions(face, one, zero)]) - c
    dv = np.array([a[0] for a in face_directions(face, zero, one)]) - c
    return c, du, dv


def edge_mismatch(faces: Mapping[str, np.ndarray]) -> float:
    """Mean absolute difference across the 12 cube edges, as a fraction of full scale (0..1).

    For each pair of adjacent faces, the pixels touching their shared edge are compared one to
    one (in the geometry of :mod:`vtour.conventions`). A correctly oriented cube of a natural
    scene scores a few hundredths; a face turned or swapped scores several times more.

    Parameters
    ----------
    faces : mapping f b l r u d -> (s, s, C) arrays of one size and dtype.
    """
    frames = {f: _face_frame(f) for f in FACES}
    s = faces["f"].shape[0]
    t = (np.arange(s) + 0.5) * 2 / s - 1  # pixel centres along the edge
    full = np.iinfo(faces["f"].dtype).max if faces["f"].dtype.kind in "ui" else 1.0
    diffs = []
    for i, a in enumerate(FACES):
        for b in FACES[i + 1 :]:
            ca, cb = frames[a][0], frames[b][0]
            if abs(ca @ cb) > 0.5:  # opposite faces share no edge
                continue
            points = ca + cb + t[:, None] * np.cross(ca, cb)  # (s, 3) on the shared edge
            pixels = []
            for face in (a, b):
                c, du, dv = frames[face]
                depth = points @ c
                cols = np.clip(((points @ du / depth + 1) / 2 * s).astype(int), 0, s - 1)
                rows = np.clip(((points @ dv / depth + 1) / 2 * s).astype(int), 0, s - 1)
                pixels.append(faces[face][rows, cols, :3].astype(np.float64))
            diffs.append(np.abs(pixels[0] - pixels[1]).mean())
    return float(np.mean(diffs) / full)
