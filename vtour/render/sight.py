"""Directions between points of a scene, with a line-of-sight check: what link and info hotspots
of rendered panoramas are computed from, instead of being placed by hand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from vtour.conventions import direction_to_yaw_pitch, wrap_yaw
from vtour.errors import VtourError
from vtour.render.scene import STEP, RenderScene

#: A target counts as seen when the first hit is no nearer than this fraction of its distance
#: (and 1 mm): float32 ray casting is not exact at the far end.
SIGHT_TOLERANCE = 1e-3


@dataclass(frozen=True)
class Sight:
    """What a viewer at ``origin`` sees in the direction of ``target``.

    ``yaw``, ``pitch`` in degrees (:mod:`vtour.conventions`), ``distance`` to the target in metres,
    ``hit_distance`` to the first surface on the way (``inf`` if none), ``hit_face`` that surface's
    triangle (-1 if none), ``hit_material`` its material (-1 if none). ``visible``: nothing blocks
    the line before the target.
    """

    yaw: float
    pitch: float
    distance: float
    hit_distance: float
    hit_face: int
    hit_material: int

    @property
    def visible(self) -> bool:
        return self.hit_distance >= self.distance * (1 - SIGHT_TOLERANCE) - 1e-3


def look_at(scene: RenderScene, origin, targets) -> list[Sight]:
    """Sights from ``origin`` (3,) to each of ``targets`` (k, 3), in metres."""
    origin = np.asarray(origin, np.float64).reshape(3)
    targets = np.asarray(targets, np.float64).reshape(-1, 3)
    d = targets - origin
    distance = np.linalg.norm(d, axis=1)
    if (distance <= 0).any():
        raise VtourError(
            STEP, "a target coincides with the viewpoint", field="target", value=tuple(targets[np.argmin(distance)])
        )
    unit = d / distance[:, None]
    rays = np.concatenate([np.broadcast_to(origin, unit.shape), unit], axis=1)
    hits = scene.cast(rays.astype(np.float32))
    yaw, pitch = direction_to_yaw_pitch(unit[:, 0], unit[:, 1], unit[:, 2])
    out = []
    for k in range(len(targets)):
        t = float(hits["t_hit"][k])
        face = int(hits["primitive_ids"][k]) if math.isfinite(t) else -1
        out.append(
            Sight(
                yaw=wrap_yaw(float(np.degrees(yaw[k]))),
                pitch=float(np.degrees(pitch[k])),
                distance=float(distance[k]),
                hit_distance=t,
                hit_face=face,
                hit_material=int(scene.face_material[face]) if face >= 0 else -1,
            )
        )
    return out


def links_between(scene: RenderScene, viewpoints) -> dict[tuple[int, int], Sight]:
    """Sight from every viewpoint to every other one.

    Parameters
    ----------
    viewpoints : (k, 3) float metres

    Returns
    -------
    ``{(i, j): Sight}`` for all i != j; ``Sight.visible`` is False where a surface blocks the way
    (a link hotspot there would point at a wall).
    """
    points = np.asarray(viewpoints, np.float64).reshape(-1, 3)
    links = {}
    for i in range(len(points)):
        others = [j for j in range(len(points)) if j != i]
        if others:
            links.update({(i, j): s for j, s in zip(others, look_at(scene, points[i], points[others]))})
    return links
