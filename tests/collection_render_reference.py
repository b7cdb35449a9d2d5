"""An independent reference for tests/test_collection_views.py: a mesh's silhouette along an axis,
its triangles projected with plain numpy and filled with Pillow (no ray casting), and test meshes.

The image axes of each view are restated here from the spec, not imported from the module under test.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from vtour.model.mesh import Mesh

#: (image right, image up) of each view, as the spec's table gives them (glTF: +Y up, front on +Z).
SPEC_AXES = {
    "front": ((1, 0, 0), (0, 1, 0)),
    "back": ((-1, 0, 0), (0, 1, 0)),
    "left": ((0, 0, 1), (0, 1, 0)),
    "right": ((0, 0, -1), (0, 1, 0)),
    "top": ((1, 0, 0), (0, 0, -1)),
    "bottom": ((1, 0, 0), (0, 0, 1)),
}


def silhouette(mesh: Mesh, right, up, step: float, size: int, *, supersample: int = 4) -> np.ndarray:
    """(size, size) bool: pixels at least half covered by the mesh's triangles projected on the plane
    (right, up), ``step`` mesh units per pixel, the bounding box's centre at the image centre."""
    used = mesh.positions[np.unique(mesh.faces)]
    centre = (used.min(axis=0) + used.max(axis=0)) / 2
    p = mesh.positions - centre
    # continuous pixel coordinates (pixel k covers [k, k + 1)); Pillow's integer points are pixel centres
    cols = (p @ np.asarray(right, float) / step + size / 2) * supersample - 0.5
    rows = (size / 2 - p @ np.asarray(up, float) / step) * supersample - 0.5
    image = Image.new("L", (size * supersample, size * supersample), 0)
    draw = ImageDraw.Draw(image)
    for tri in mesh.faces:
        draw.polygon([(cols[i], rows[i]) for i in tri], fill=255)
    cover = np.asarray(image, np.float64).reshape(size, supersample, size, supersample).mean(axis=(1, 3))
    return cover >= 127.5


def iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two bool masks."""
    return float((a & b).sum() / max((a | b).sum(), 1))


def box_mesh(boxes, colour=(0.05, 0.1, 0.4), units: str = "m") -> Mesh:
    """Axis-aligned boxes ``[(x0, y0, z0, x1, y1, z1), ...]`` as one mesh (12 triangles each) with a
    uniform linear vertex colour: dark, so that its silhouette stands out of the light background."""
    corner = np.array([[i >> 2 & 1, i >> 1 & 1, i & 1] for i in range(8)], float)
    quads = [(0, 1, 3, 2), (4, 6, 7, 5), (0, 4, 5, 1), (2, 3, 7, 6), (0, 2, 6, 4), (1, 5, 7, 3)]
    tris = np.array([t for a, b, c, d in quads for t in ((a, b, c), (a, c, d))])
    positions, faces = [], []
    for k, box in enumerate(boxes):
        lo, hi = np.asarray(box[:3], float), np.asarray(box[3:], float)
        positions.append(lo + corner * (hi - lo))
        faces.append(tris + 8 * k)
    positions = np.concatenate(positions)
    colors = np.tile(np.array([*colour, 1.0], np.float32), (len(positions), 1))
    return Mesh(positions=positions, faces=np.concatenate(faces), colors=colors, units=units)


#: An object with no mirror symmetry along any axis: a slab, a tower on its left back corner and a
#: low nose at its right front, so a view flipped left-right or up-down does not match its reference.
ASYMMETRIC_BOXES = [(0, 0, 0, 3, 1, 2), (0, 1, 0, 1, 4, 1), (2, 0, 2, 3, 0.5, 3)]
