"""What a correct panorama viewer shows, computed in numpy: the references every browser test compares
screenshots with (vtour's viewer, Marzipano, Pannellum).

* The synthetic panorama: each cube face one known colour (:data:`FACE_COLOURS`) with a darker mark in its
  upper-left quadrant, so a flipped, rotated or misplaced face is caught (:func:`synthetic_colour` of
  directions; :func:`equirect_directions` makes its equirect).
* Views: :func:`view_directions` of a rectilinear view in vtour's convention (yaw, pitch, vertical fov in
  degrees); :func:`render_reference` resamples an equirect for it; :func:`mad` scores a screenshot against
  a reference (:data:`MAD_LIMIT`).
* Tiles: :func:`face_and_uv` inverts ``vtour.conventions.face_directions``; :func:`centre_tile` names the
  tile under the centre of a view.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from vtour.conventions import direction_to_yaw_pitch, yaw_pitch_to_direction

FACE_COLOURS = {  # RGB, far apart from each other and from their darkened marks
    "f": (220, 40, 40),
    "r": (40, 190, 40),
    "b": (40, 80, 230),
    "l": (230, 210, 40),
    "u": (210, 60, 210),
    "d": (40, 200, 210),
}
MARK = (-0.85, -0.15)  # the mark: u and v (face column, row in [-1, 1]) both in this range
MARK_SCALE = 0.45  # the mark's colour: the face colour times this
#: Screen points checked on the synthetic panorama, as fractions of width and height.
SAMPLE_POINTS = [(0.5, 0.5), (0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)]
COLOUR_TOLERANCE = 30.0  # max abs difference of a channel's mean over a 13 x 13 patch


def face_and_uv(x: np.ndarray, y: np.ndarray, z: np.ndarray):
    """Cube face (index into ``"fbrlud"``) and face coordinates (u right, v down) of directions."""
    ax, ay, az = np.abs(x), np.abs(y), np.abs(z)
    face = np.where(
        (az >= ax) & (az >= ay), np.where(z < 0, 0, 1), np.where(ax >= ay, np.where(x > 0, 2, 3), np.where(y > 0, 4, 5))
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        table = [  # inverse of vtour.conventions.face_directions, face by face
            (x / az, -y / az),  # f
            (-x / az, -y / az),  # b
            (z / ax, -y / ax),  # r
            (-z / ax, -y / ax),  # l
            (x / ay, z / -ay),  # u: (u, 1, -v)
            (x / ay, z / ay),  # d: (u, -1, v)
        ]
    u = np.select([face == i for i in range(6)], [t[0] for t in table])
    v = np.select([face == i for i in range(6)], [t[1] for t in table])
    return face, u, v


def synthetic_colour(x, y, z) -> np.ndarray:
    """RGB (float, (..., 3)) of the synthetic panorama in the given directions."""
    face, u, v = face_and_uv(x, y, z)
    colours = np.array([FACE_COLOURS[f] for f in "fbrlud"], np.float64)
    rgb = colours[face]
    mark = (u >= MARK[0]) & (u <= MARK[1]) & (v >= MARK[0]) & (v <= MARK[1])
    rgb[mark] *= MARK_SCALE
    return rgb


def equirect_directions(width: int, height: int):
    """Unit directions of an equirect's pixel centres (vtour's convention)."""
    lon = np.radians(((np.arange(width) + 0.5) / width - 0.5) * 360.0)
    lat = np.radians((0.5 - (np.arange(height) + 0.5) / height) * 180.0)
    lon, lat = np.meshgrid(lon, lat)
    return np.cos(lat) * np.sin(lon), np.sin(lat), -np.cos(lat) * np.cos(lon)


def view_directions(yaw: float, pitch: float, vfov: float, width: int, height: int, fx=None, fy=None):
    """Directions through pixel centres (or the fractions ``fx``, ``fy``) of a rectilinear view.

    yaw/pitch in degrees (vtour's convention), ``vfov`` vertical, no roll.
    """
    forward = yaw_pitch_to_direction(yaw, pitch)
    yr = math.radians(yaw)
    right = np.array([math.cos(yr), 0.0, math.sin(yr)])
    up = np.cross(right, forward)
    ty = math.tan(math.radians(vfov) / 2)
    tx = ty * width / height
    if fx is None:
        fx, fy = np.meshgrid((np.arange(width) + 0.5) / width, (np.arange(height) + 0.5) / height)
    sx = (2 * np.asarray(fx, float) - 1) * tx
    sy = (1 - 2 * np.asarray(fy, float)) * ty
    d = forward[:, None] * 1.0 + right[:, None] * sx.ravel() + up[:, None] * sy.ravel()
    shape = np.shape(sx)
    return d[0].reshape(shape), d[1].reshape(shape), d[2].reshape(shape)


def render_reference(
    equirect_rgb: np.ndarray, yaw: float, pitch: float, vfov: float, width: int, height: int
) -> np.ndarray:
    """What a correct viewer shows: the equirect resampled (bilinear) for the given view."""
    h, w = equirect_rgb.shape[:2]
    yaw_r, pitch_r = direction_to_yaw_pitch(*view_directions(yaw, pitch, vfov, width, height))
    map_x = ((yaw_r / (2 * math.pi) + 0.5) * w - 0.5).astype(np.float32)
    map_y = ((0.5 - pitch_r / math.pi) * h - 0.5).astype(np.float32)
    return cv2.remap(equirect_rgb, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_WRAP)


def centre_tile(meta: dict, level: int, yaw: float, pitch: float) -> tuple[str, int, int]:
    """(face, row, col) of the tile at level ``level`` under the centre of a view."""
    face, u, v = face_and_uv(*yaw_pitch_to_direction(yaw, pitch))
    size, tile = meta["levels"][level]["size"], meta["levels"][level]["tileSize"]
    n = size // tile
    col = min(n - 1, int((float(u) + 1) / 2 * n))
    row = min(n - 1, int((float(v) + 1) / 2 * n))
    return "fbrlud"[int(face)], row, col


DOWNSCALE = (200, 150)
#: Mean absolute difference (0..255) allowed between a viewer's screenshot and the reference, both
#: reduced to 200 x 150. Viewer resampling and JPEG tiles stay well below; a mirrored or rotated face,
#: or a view off by a few degrees, is far above (the test also checks that margin).
MAD_LIMIT = 5.0


def mad(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference (0..255) of two RGB images, both reduced to :data:`DOWNSCALE`."""
    small = [cv2.resize(x, DOWNSCALE, interpolation=cv2.INTER_AREA).astype(np.float64) for x in (a, b)]
    return float(np.abs(small[0] - small[1]).mean())
