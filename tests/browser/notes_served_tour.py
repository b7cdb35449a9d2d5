"""The tour of the served notes tests (test_inspector_notes_served.py): its sources (``tour.yaml``, in English
and Chinese) and its build, for ``vtour serve --sources``.

One scene (a generated panorama) whose model hotspot opens ``box``: a box of ``BOX_MM`` = 100 x 40 x 20 mm
(x 0..100, y 0..40, z 0..20; the front face, z = 20 mm, faces +Z), 8 vertices and 12 outward triangles, built by
vtour's tour build with units mm (world coordinates are then metres).
"""

from __future__ import annotations

from pathlib import Path

import yaml
from helpers import box_obj
from tour_helpers import equirect

#: The box's size in millimetres (x, y, z); and its model id.
BOX_MM = (100.0, 40.0, 20.0)
MODEL = "box"
LANGUAGES = ("en", "zh")


def notes_tour_sources(root: Path) -> Path:
    """Write the tour's sources in ``root`` (tour.yaml, the panorama, the box) and return tour.yaml's path."""
    equirect(root / "panoramas" / "hall.png", 7)
    box_obj(root / "models" / "box.obj", BOX_MM)
    data = {
        "id": "notes-served",
        "title": {"en": "Served notes", "zh": "服务器上的注释"},
        "languages": list(LANGUAGES),
        "pano": {"face_size": 128, "tile_size": 64},
        "scenes": [
            {
                "id": "hall",
                "title": {"en": "Hall", "zh": "大厅"},
                "panorama": "panoramas/hall.png",
                "view": {"yaw": 0, "pitch": 0, "fov": 70},
                "hotspots": [{"type": "model", "yaw": 0, "pitch": -10, "target": MODEL}],
            }
        ],
        "models": [
            {
                "id": MODEL,
                "title": {"en": "Test box", "zh": "测试盒"},
                "source": "models/box.obj",
                "units": "mm",
                "lod": {"levels": ["12:64"], "deviation_samples": 1000},
            }
        ],
    }
    path = root / "tour.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


def build_notes_tour(root: Path) -> tuple[Path, Path]:
    """``(tour.yaml, built tour folder)`` of the tour in ``root`` (sources written, then built)."""
    from vtour.tour.build import build_tour

    sources = notes_tour_sources(root)
    return sources, build_tour(sources, root / "out", jobs=1).out_dir
