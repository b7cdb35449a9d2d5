"""Every convention vtour shares with its peers, written once. ``tests/test_conventions.py`` pins them.

Angles (tour.json, pano.json, the viewer)
    Degrees. ``yaw`` in [-180, 180): 0 is the centre column of the equirect image, which is the
    centre of the front face; positive turns right (clockwise seen from above). ``pitch`` in
    [-90, 90], positive up. ``fov`` is the *vertical* field of view.

3D axes
    glTF: right-handed, +Y up, metres. The viewer looks along -Z at yaw 0, +X is to its right.
    Direction of (yaw, pitch): ``(cos p sin y, sin p, -cos p cos y)``.

Cube faces
    ``f b l r u d``, the geometry Marzipano, Pannellum and krpano share: front = -Z, right = +X.
    f, b, l, r are upright seen from the centre; the u face's bottom edge meets f; the d face's top
    edge meets f. A face image is indexed ``[row, col]`` with row 0 at the top; ``(u, v)`` in
    [-1, 1] are its column and row coordinates (u right, v down) at pixel centres
    ``(2 * (i + 0.5) / size - 1)``.

Equirect pixels
    Column x (0 at the left edge) covers longitude ``(x / W - 0.5) * 360`` degrees, row y (0 at the
    top) latitude ``(0.5 - y / H) * 180``; pixel centres sit at ``x + 0.5``, ``y + 0.5``.

Tiles
    ``{z}/{f}/{y}/{x}.jpg``: z indexes the level list (Marzipano), f a face letter, y the tile row
    from the top and x the column from the left, both from 0. Level 0 is the 256 px fallback level,
    so with 512 px tiles and power-of-two faces z equals Pannellum's multires level number. The
    extension is the tile format's (``.jpg``, ``.webp``, ``.avif``: :func:`tile_template`); pano.json
    and tour.json carry the template, so readers never assume ``.jpg``. A partial panorama may lack
    tiles wholly outside its coverage: pano.json's ``present`` says which exist
    (:mod:`vtour.pano.manifest`).

Units (3D models)
    A scan's length unit is one of ``UNITS``: metres, centimetres, millimetres, or "unknown" (a
    format such as OBJ or STL that carries none, when the author did not say). glTF output is in
    metres: ``UNIT_METRES`` scales a known unit; an unknown one is written at scale 1 and says so.

Peers
    Marzipano: radians, pitch positive *down*, vertical fov. Pannellum: degrees, pitch up,
    horizontal fov (``hfov``), yaw positive right.
"""

from __future__ import annotations

import math

import numpy as np

#: Face letters in vtour's canonical order (also the order of the 6-face preview strip).
FACES: tuple[str, ...] = ("b", "d", "f", "l", "r", "u")
#: Pannellum's plain cubemap order and the order of the jordan_pond ground truth files.
PANNELLUM_CUBE_ORDER: tuple[str, ...] = ("f", "r", "b", "l", "u", "d")
#: Path of a tile inside a panorama's folder, as pano.json and tour.json carry it (the viewer, Marzipano and
#: Pannellum fill it in; see "Tiles" above).
TILE_TEMPLATE = "{z}/{f}/{y}/{x}.jpg"
#: Metres per unit of a scan, for the units vtour accepts.
UNIT_METRES: dict[str, float] = {"m": 1.0, "cm": 0.01, "mm": 0.001}
#: Every value a model's ``units`` may take ("unknown": the format carries none and nobody said).
UNITS: tuple[str, ...] = (*UNIT_METRES, "unknown")
# three.js / OpenGL cube map names (px, nz...) map to these faces with flips: see vtour.pano.cube_input.GL_FACES.


def face_directions(face: str, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unnormalised 3D direction of face coordinates.

    Parameters
    ----------
    face : str
        One of ``FACES``.
    u, v : (...) float arrays
        Face coordinates in [-1, 1]; u to the right, v downwards on the face image.

    Returns
    -------
    x, y, z : (...) float arrays, broadcast to a common shape. Not normalised; the dominant axis is
        exactly +-1.
    """
    one = np.ones_like(u)
    table = {
        "f": (u, -v, -one),
        "b": (-u, -v, one),
        "r": (one, -v, u),
        "l": (-one, -v, -u),
        "u": (u, one, -v),  # bottom edge (v = 1) meets f at z = -1
        "d": (u, -one, v),  # top edge (v = -1) meets f at z = -1
    }
    if face not in table:
        raise ValueError(f"conventions: unknown face {face!r}; expected one of {FACES}")
    x, y, z = np.broadcast_arrays(*table[face])
    return x, y, z


def direction_to_yaw_pitch(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(yaw, pitch) in radians of 3D directions (any length > 0). yaw in [-pi, pi], pitch in [-pi/2, pi/2]."""
    yaw = np.arctan2(x, -z)
    pitch = np.arctan2(y, np.hypot(x, z))
    return yaw, pitch


def yaw_pitch_to_direction(yaw_deg: float, pitch_deg: float) -> np.ndarray:
    """Unit direction (3,) float64 of a view angle in degrees."""
    y, p = math.radians(yaw_deg), math.radians(pitch_deg)
    return np.array([math.cos(p) * math.sin(y), math.sin(p), -math.cos(p) * math.cos(y)])


def wrap_yaw(yaw_deg: float) -> float:
    """Yaw in degrees folded into [-180, 180)."""
    return (yaw_deg + 180.0) % 360.0 - 180.0


def vfov_to_hfov(vfov_deg: float, aspect: float) -> float:
    """Horizontal fov (degrees) of a rectilinear view with vertical fov ``vfov_deg`` and width/height ``aspect``."""
    return math.degrees(2 * math.atan(math.tan(math.radians(vfov_deg) / 2) * aspect))


def hfov_to_vfov(hfov_deg: float, aspect: float) -> float:
    """Inverse of :func:`vfov_to_hfov`."""
    return math.degrees(2 * math.atan(math.tan(math.radians(hfov_deg) / 2) / aspect))


def to_marzipano_view(yaw: float, pitch: float, fov: float) -> dict[str, float]:
    """vtour view (degrees, pitch up, vertical fov) to Marzipano's (radians, pitch down, vertical fov)."""
    # "+ 0.0" turns the -0.0 of a negated zero into 0.0 (it would be written out as "-0.0")
    return {"yaw": math.radians(wrap_yaw(yaw)), "pitch": -math.radians(pitch) + 0.0, "fov": math.radians(fov)}


def from_marzipano_view(view: dict[str, float]) -> dict[str, float]:
    """Inverse of :func:`to_marzipano_view`; missing keys take Marzipano's defaults (0, 0, pi/4)."""
    return {
        "yaw": wrap_yaw(math.degrees(view.get("yaw", 0.0))),
        "pitch": -math.degrees(view.get("pitch", 0.0)) + 0.0,
        "fov": math.degrees(view.get("fov", math.pi / 4)),
    }


#: Pannellum converts hfov with the canvas aspect; 16:9 is the aspect its examples assume.
PANNELLUM_ASPECT = 16 / 9


def to_pannellum_view(yaw: float, pitch: float, fov: float, aspect: float = PANNELLUM_ASPECT) -> dict[str, float]:
    """vtour view to Pannellum's ``yaw``, ``pitch``, ``hfov`` (degrees, pitch up, horizontal fov)."""
    return {"yaw": wrap_yaw(yaw), "pitch": float(pitch), "hfov": vfov_to_hfov(fov, aspect)}


def from_pannellum_view(view: dict[str, float], aspect: float = PANNELLUM_ASPECT) -> dict[str, float]:
    """Inverse of :func:`to_pannellum_view`; missing keys take Pannellum's defaults (0, 0, hfov 100)."""
    return {
        "yaw": wrap_yaw(float(view.get("yaw", 0.0))),
        "pitch": float(view.get("pitch", 0.0)),
        "fov": hfov_to_vfov(float(view.get("hfov", 100.0)), aspect),
    }


def tile_template(ext: str = ".jpg") -> str:
    """``TILE_TEMPLATE`` with the extension ``ext`` (``".webp"``: ``{z}/{f}/{y}/{x}.webp``)."""
    if not ext.startswith(".") or "/" in ext or "{" in ext:
        raise ValueError(f"tile_template: extension {ext!r} must start with '.' and hold no '/' or braces")
    return TILE_TEMPLATE.rsplit(".", 1)[0] + ext


def tile_path(z: int, face: str, y: int, x: int, ext: str = ".jpg") -> str:
    """Relative path of one tile: :func:`tile_template` of ``ext`` filled in (Marzipano's layout)."""
    return tile_template(ext).format(z=z, f=face, y=y, x=x)
