"""Where things stand in the generated gallery room (:mod:`vtour.collection.gallery`): the room's
dimensions (metres, degrees; the frame of :mod:`vtour.conventions`) and the layout that gives each
object its slot, on a plinth or on the wall.

Layout rules (:func:`layout`):

* at most :data:`MAX_OBJECTS` objects per room; more is a VtourError (the exhibition splits a
  room into several galleries before it gets here);
* the objects keep their order, clockwise from the ``next`` door: the first ``ceil(n / 2)`` share
  the right half of the room evenly (yaw in ``[DOOR_CLEAR, 180 - DOOR_CLEAR]``), the rest the
  left half (``[-180 + DOOR_CLEAR, -DOOR_CLEAR]``), so no object hides a doorway;
* an object with a scan stands on a plinth on a ring of radius :data:`PLINTH_RING`, its front
  (+Z, :mod:`vtour.collection.views`) turned to the viewer, at real size when its units are known,
  else at :data:`DISPLAY_HEIGHT`; a scan too wide for its slot or taller than :data:`MAX_HEIGHT`
  is shrunk to fit (``Placement.scale`` < 1 says so);
* an object without a scan hangs on the wall as a framed picture (its front view or first photo,
  aspect kept) centred at :data:`PICTURE_Y`; one with no image hangs as a blank panel;
* every object fits in its slot's yaw sector, with a margin, so neither objects nor their hotspots
  ever overlap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vtour.conventions import yaw_pitch_to_direction
from vtour.errors import VtourError
from vtour.model.mesh import Mesh

STEP = "gallery"
#: Room: wall radius, wall height, eye height (m).
ROOM_RADIUS, ROOM_HEIGHT, EYE = 5.0, 3.6, 1.6
VIEWPOINT = np.array([0.0, EYE, 0.0])
#: Doorways: half width and height (m), depth of the passage behind (m), and their yaws (degrees).
DOOR_HALF_WIDTH, DOOR_HEIGHT, PASSAGE = 0.75, 2.5, 1.6
DOORS = {"next": 0.0, "previous": -180.0}
#: Degrees kept free on each side of a doorway's yaw.
DOOR_CLEAR = 22.0
MAX_OBJECTS = 12
#: Plinths stand on this ring (m); a scan of unknown units is shown this tall (m); no scan is shown
#: taller than MAX_HEIGHT (m).
PLINTH_RING, DISPLAY_HEIGHT, MAX_HEIGHT = 2.5, 0.45, 2.4
#: Pictures: centre height, largest width and height (m), frame width (m).
PICTURE_Y, PICTURE_MAX_W, PICTURE_MAX_H, FRAME = 1.6, 1.8, 1.4, 0.05
#: Fraction of its slot's yaw sector an object may fill.
SLOT_FILL = 0.72


def floor_half() -> float:
    """Half the side (m) of the square floor and ceiling: the room and its passages."""
    return ROOM_RADIUS + PASSAGE + 0.2


@dataclass(frozen=True, eq=False)
class GalleryItem:
    """One object to show. ``picture``: (h, w, 3) uint8 image or a path (the front view, or a photo);
    ``mesh``: the scan, positions in its own units, ``metres_per_unit`` None when they are unknown."""

    key: str
    title: str = ""
    picture: np.ndarray | str | Path | None = None
    mesh: Mesh | None = None
    metres_per_unit: float | None = None


@dataclass(frozen=True)
class Placement:
    """Where :func:`layout` put an object: ``kind`` "model" (on a plinth) or "picture" (on the wall),
    the slot's ``yaw`` (degrees), the ``centre`` of its plinth's top or picture (3,), the size it is
    shown at (width, depth, height in m) and ``scale`` (1 = real size or display height)."""

    key: str
    kind: str
    yaw: float
    centre: tuple[float, float, float]
    size: tuple[float, float, float]
    scale: float = 1.0


def slot_yaws(n: int) -> list[float]:
    """Yaws (degrees) of ``n`` slots: right half first, clockwise from the ``next`` door."""
    right = math.ceil(n / 2)
    span = 180.0 - 2 * DOOR_CLEAR
    out = [DOOR_CLEAR + span * (i + 0.5) / right for i in range(right)]
    left = n - right
    out += [-180.0 + DOOR_CLEAR + span * (i + 0.5) / left for i in range(left)]
    return out


def slot_width(n: int) -> float:
    """Degrees of one slot's sector when ``n`` objects share the room."""
    return (180.0 - 2 * DOOR_CLEAR) / max(1, math.ceil(n / 2))


def _metres(mesh: Mesh, metres_per_unit: float | None) -> np.ndarray:
    """A scan's positions in metres (scaled to DISPLAY_HEIGHT when its units are unknown)."""
    p = np.asarray(mesh.positions, np.float64)
    if metres_per_unit:
        return p * metres_per_unit
    height = float(np.ptp(p[:, 1])) or 1.0
    return p * (DISPLAY_HEIGHT / height)


def _picture_size(picture: np.ndarray | None, max_w: float) -> tuple[float, float]:
    aspect = 0.75 if picture is None else picture.shape[1] / picture.shape[0]
    w = min(max_w, PICTURE_MAX_W, PICTURE_MAX_H * aspect)
    return w, w / aspect


def layout(items: list[GalleryItem], pictures: list[np.ndarray | None] | None = None) -> list[Placement]:
    """Place ``items`` (see the module docstring); ``pictures`` are their decoded images."""
    n = len(items)
    if n > MAX_OBJECTS:
        raise VtourError(
            STEP,
            f"{n} objects do not fit in one gallery room (at most {MAX_OBJECTS})",
            field="objects",
            value=n,
            fix="split the room into several rooms",
        )
    pictures = pictures or [None] * n
    half = math.radians(slot_width(n) * SLOT_FILL / 2)
    out = []
    for item, picture, yaw in zip(items, pictures, slot_yaws(n)):
        direction = yaw_pitch_to_direction(yaw, 0.0)
        if item.mesh is not None:
            p = _metres(item.mesh, item.metres_per_unit)
            extent = np.ptp(p, axis=0)
            radius = 0.5 * math.hypot(extent[0], extent[2])
            # the plinth (the scan's footprint plus a border) must stay inside the sector
            fit = (PLINTH_RING * math.sin(half) - 0.06) / 1.15
            scale = min(1.0, fit / max(radius, 1e-9), MAX_HEIGHT / max(extent[1], 1e-9))
            width, height, depth = extent * scale
            top = float(np.clip(1.25 - height, 0.12, 0.95))
            centre = direction * PLINTH_RING + np.array([0.0, top, 0.0])
            out.append(Placement(item.key, "model", yaw, tuple(centre.tolist()), (width, depth, height), scale))
        else:
            chord = 2 * (ROOM_RADIUS - 0.1) * math.tan(half) - 2 * FRAME
            w, h = _picture_size(picture, chord)
            centre = direction * _hang_distance(w) + np.array([0.0, PICTURE_Y, 0.0])
            out.append(Placement(item.key, "picture", yaw, tuple(centre.tolist()), (w, 0.0, h)))
    return out


def _hang_distance(width: float) -> float:
    """Distance of a flat picture of ``width`` (m, with its frame) from the centre: its edges touch
    the round wall, so it hangs just in front of it."""
    half = width / 2 + FRAME
    return math.sqrt(ROOM_RADIUS**2 - half**2) - 0.02


def _frame(yaw: float) -> tuple[np.ndarray, np.ndarray]:
    """(forward, right) horizontal unit vectors of a yaw in degrees."""
    t = math.radians(yaw)
    return np.array([math.sin(t), 0.0, -math.cos(t)]), np.array([math.cos(t), 0.0, math.sin(t)])


def _plinth_half(p: Placement) -> float:
    """Half the side of a plinth's square top (m): the scan's footprint circle with a border."""
    return max(0.22, 0.5 * math.hypot(p.size[0], p.size[1]) * 1.15 + 0.04)
