"""The test tour for vtour's viewer tests (tests/browser/test_viewer_*.py; conftest.py's ``viewer_site``
adds its static site), written exactly per docs/tour-json.md: ``build_pano`` per scene into
``<tour>/scenes/<id>/`` and a hand-written tour.json.

``synthetic_tour(root)`` builds (once per folder) a two-scene tour:

* ``hall``: the synthetic panorama of reference.py (each cube face one known colour with a darker
  mark in its upper-left quadrant), 1024 px faces, 512 px tiles: levels z = 0 (256, fallback), 1 (512),
  2 (1024). Hotspots: a link to ``crypt`` at yaw 20, an info hotspot at yaw -20 titled
  ``<img src=x onerror=alert(1)>``, a model hotspot at yaw 0, pitch -25 (a textured sphere, two LODs).
* ``crypt``: a second panorama, grey faces, 512 px, a link back at yaw 180.

Languages en, fr and zh (Chinese: the screenshots show CJK text); a floor plan; kiosk and autorotate
settings.
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
from reference import equirect_directions, synthetic_colour

from vtour.tour.assemble import panorama_block

XSS_TITLE = "<img src=x onerror=alert(1)>"


def _equirect(path: Path, rgb: np.ndarray) -> Path:
    cv2.imwrite(str(path), np.clip(rgb, 0, 255).astype(np.uint8)[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 95])
    return path


def _model(root: Path, tour: Path) -> dict:
    from vtour.model import DEFAULT_MODEL_OPTIONS, Level, build_model
    from vtour.model.obj import write_obj
    from vtour.model.synthetic import checker_texture, uv_sphere

    scan = write_obj(uv_sphere(24, 48, texture=checker_texture(128)), root / "src" / "sphere.obj")
    options = DEFAULT_MODEL_OPTIONS.replace(lods=(Level(300, 64), Level(1500, 128)), deviation_samples=2000,
                                            title="Sphere", units="m")
    result = build_model(scan, tour / "models" / "sphere", options)
    lods = [{"path": f"models/sphere/{lod['file']}", "triangles": lod["triangles"], "bytes": lod["bytes"],
             "textureSize": max(max(s) for s in lod["texture_sizes"] if s)} for lod in result.report["lods"]]
    return {"id": "sphere", "title": {"en": "Test sphere", "fr": "Sphère de test", "zh": "测试球体"}, "units": "m",
            "description": {"en": "A checkered sphere", "zh": "棋盘格球体"}, "lods": lods,
            "report": "models/sphere/report.json"}


def synthetic_tour(root: Path) -> Path:
    """Build the test tour in ``root / "tour"`` (skipped when already there); return its folder."""
    from vtour.pano import PanoOptions, build_pano

    tour = root / "tour"
    if (tour / "tour.json").is_file():
        return tour
    (root / "src").mkdir(parents=True, exist_ok=True)
    hall_src = _equirect(root / "src" / "hall.jpg", synthetic_colour(*equirect_directions(4096, 2048)))
    grey = np.full((1024, 2048, 3), 128.0)
    grey[:, :, 0] = np.linspace(60, 200, 2048)[None, :]
    crypt_src = _equirect(root / "src" / "crypt.jpg", grey)
    hall = build_pano([hall_src], tour / "scenes" / "hall", PanoOptions(tile_size=512, face_size=1024, jobs=2))
    crypt = build_pano([crypt_src], tour / "scenes" / "crypt", PanoOptions(tile_size=512, face_size=512, jobs=2))
    model = _model(root, tour)
    (tour / "floorplan").mkdir()
    plan = np.full((300, 400, 3), 230, np.uint8)
    cv2.rectangle(plan, (40, 40), (360, 260), (60, 60, 60), 4)
    cv2.imwrite(str(tour / "floorplan" / "plan.png"), plan)
    (tour / "images").mkdir()
    cv2.imwrite(str(tour / "images" / "mural.jpg"), np.full((60, 120, 3), (40, 120, 200), np.uint8))
    doc = {
        "format": "vtour-tour", "version": 1, "id": "test-tour",
        "title": {"en": "Test tour", "fr": "Visite de test", "zh": "测试导览"},
        "languages": ["en", "fr", "zh"], "start": "hall",
        "settings": {"autorotate": {"idleSeconds": 0, "speed": 2}, "kiosk": {"idleReturnSeconds": 0}},
        "floorplan": {"image": "floorplan/plan.png", "width": 400, "height": 300},
        "scenes": [
            {"id": "hall", "title": {"en": "Hall", "fr": "Salle", "zh": "大厅"},
             "panorama": panorama_block("hall", hall.manifest),
             "view": {"yaw": 0, "pitch": 0, "fov": 70}, "limits": {"minFov": 20, "maxFov": 110},
             "northOffset": 0, "floorplanPosition": {"x": 0.3, "y": 0.5},
             "hotspots": [
                 {"id": "hall-0", "type": "link", "yaw": 20, "pitch": 0, "target": "crypt",
                  "title": {"en": "To the crypt", "fr": "Vers la crypte", "zh": "前往地下墓室"}},
                 {"id": "hall-1", "type": "info", "yaw": -20, "pitch": 0, "title": {"en": XSS_TITLE, "zh": "壁画"},
                  "text": {"en": "Text <b>not bold</b> & plain", "fr": "Texte", "zh": "文字 <b>不加粗</b> 与纯文本"},
                  "image": "images/mural.jpg"},
                 {"id": "hall-2", "type": "model", "yaw": 0, "pitch": -25, "target": "sphere"},
             ]},
            {"id": "crypt", "title": {"en": "Crypt", "fr": "Crypte", "zh": "地下墓室"},
             "panorama": panorama_block("crypt", crypt.manifest),
             "view": {"yaw": 0, "pitch": 0, "fov": 80}, "northOffset": 0,
             "floorplanPosition": {"x": 0.7, "y": 0.5},
             "hotspots": [{"id": "crypt-0", "type": "link", "yaw": 180, "pitch": 0, "target": "hall"}]},
        ],
        "models": [model],
    }
    (tour / "tour.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False))
    return tour

