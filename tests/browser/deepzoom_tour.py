"""The test tour for the viewer's deep-zoom image dialog (tests/browser/test_viewer_deepzoom.py): viewer_tour.py's
two-scene tour plus one deep-zoom image, ``mural``, as docs/tour-json.md lays it out (issue 13, "In tours").

``deepzoom_tour(root)`` builds it (once per folder) and returns its folder. The image is a 3000 x 2000 px PNG: a
smooth grey-brown gradient with flat coloured rectangles at :data:`RECTS` (image px), built with
``vtour.image.build_image`` into ``images/mural/`` with a base URL where nothing is served
(:data:`FOREIGN_BASE`): the viewer must take tile URLs from where the tour is, not from info.json's ``id``.
Two annotations (en + zh) cover the red and the green rectangles (:data:`ANNOTATIONS`), in a hand-written W3C
AnnotationPage at ``iiif/images/mural-annotations.json``; the hall gains an info hotspot (:data:`HOTSPOT`)
with ``deepZoom: "mural"``.

Until ``vtour build`` writes ``images:`` itself, :func:`add_image` writes the image, the annotation page and the
tour.json fields by hand; switching to the real build means replacing that one function.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
from viewer_tour import synthetic_tour

#: The image's size, px.
WIDTH, HEIGHT = 3000, 2000
#: Flat rectangles drawn on the image: name -> (region [x, y, w, h] in image px, RGB).
RECTS = {
    "red": ((400, 300, 600, 400), (220, 30, 30)),
    "green": ((1800, 1200, 700, 500), (30, 190, 60)),
    "blue": ((2300, 200, 400, 300), (40, 60, 220)),
}
#: The annotations: id -> (rectangle of RECTS, title by language, text by language).
ANNOTATIONS = {
    "donor": ("red", {"en": "Donor figure", "zh": "供养人"},
              {"en": "A kneeling donor in a red robe.", "zh": "身着红袍的跪姿供养人。"}),
    "inscription": ("green", {"en": "Inscription", "zh": "题记"},
                    {"en": "A green cartouche with the dedication.", "zh": "绿色榜题，书写发愿文。"}),
}
#: The image's entry title and the hotspot that opens it.
IMAGE_TITLE = {"en": "Western Paradise", "fr": "Paradis de l'Ouest", "zh": "西方净土变"}
HOTSPOT = {"id": "hall-3", "type": "info", "yaw": 0, "pitch": 18, "deepZoom": "mural",
           "title": {"en": "Mural in deep zoom", "fr": "Peinture murale", "zh": "壁画高清图"},
           "text": {"en": "Zoom into the mural.", "zh": "放大观看壁画。"}}
#: Where the image was "published" at build time: nothing answers there, so a viewer using info.json's id fails.
FOREIGN_BASE = "https://museum.example/tours/test"


def mural_pixels() -> np.ndarray:
    """The mural: (HEIGHT, WIDTH, 3) uint8 RGB, a gradient with the flat rectangles of RECTS."""
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    img = np.empty((HEIGHT, WIDTH, 3), np.float32)
    img[..., 0] = 120 + 40 * xx / WIDTH
    img[..., 1] = 100 + 30 * yy / HEIGHT
    img[..., 2] = 80 + 20 * (xx + yy) / (WIDTH + HEIGHT)
    for (x, y, w, h), rgb in RECTS.values():
        img[y : y + h, x : x + w] = rgb
    return img.astype(np.uint8)


def annotation_page(base: str) -> dict:
    """The W3C AnnotationPage of the mural's ANNOTATIONS (ids under ``base``), as the tour build writes it."""
    page_id = f"{base}/iiif/images/mural-annotations.json"
    items = []
    for aid, (rect, title, text) in ANNOTATIONS.items():
        x, y, w, h = RECTS[rect][0]
        body = [{"type": "TextualBody", "value": v, "language": lang, "format": "text/plain", "purpose": "identifying"}
                for lang, v in title.items()]
        body += [{"type": "TextualBody", "value": v, "language": lang, "format": "text/plain", "purpose": "describing"}
                 for lang, v in text.items()]
        items.append({"id": f"{page_id}#{aid}", "type": "Annotation", "motivation": "commenting", "body": body,
                      "target": f"{base}/iiif/images/mural.json/canvas/1#xywh={x},{y},{w},{h}"})
    return {"@context": "http://iiif.io/api/presentation/3/context.json", "id": page_id, "type": "AnnotationPage",
            "items": items}


def add_image(root: Path, tour: Path) -> None:
    """Add the mural to the built ``tour`` by hand (what ``vtour build`` with ``images:`` will do): its pyramid, its
    annotation page and manifest under iiif/images/, tour.json's ``images``, ``baseUrl``, and the hall's hotspot."""
    from vtour.image import ImageOptions, build_image
    from vtour.images import write_image

    src = root / "src" / "mural.png"
    write_image(src, mural_pixels())
    options = ImageOptions(base_url=f"{FOREIGN_BASE}/images", tile_size=512)
    result = build_image([src], tour / "images" / "mural", options)
    iiif = tour / "iiif" / "images"
    iiif.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(tour / "images" / "mural" / "manifest.json", iiif / "mural.json")
    page = annotation_page(FOREIGN_BASE)
    (iiif / "mural-annotations.json").write_text(json.dumps(page, ensure_ascii=False, indent=1))
    smallest = min(result.info["sizes"], key=lambda s: s["width"])
    doc = json.loads((tour / "tour.json").read_text())
    doc["baseUrl"] = FOREIGN_BASE
    doc["images"] = [{
        "id": "mural", "title": IMAGE_TITLE, "description": {"en": "A wall painting.", "zh": "一幅壁画。"},
        "path": "images/mural", "width": result.width, "height": result.height, "tileSize": 512, "maxZoom": 2,
        "thumb": f"images/mural/full/{smallest['width']},{smallest['height']}/0/default.jpg",
        "manifest": "iiif/images/mural.json", "annotations": "iiif/images/mural-annotations.json",
    }]
    hall = next(s for s in doc["scenes"] if s["id"] == "hall")
    hall["hotspots"].append(HOTSPOT)
    (tour / "tour.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False))


def deepzoom_tour(root: Path) -> Path:
    """Build the deep-zoom test tour in ``root / "tour"`` (skipped when already there); return its folder."""
    tour = root / "tour"
    if (tour / "images" / "mural" / "info.json").is_file():
        return tour
    synthetic_tour(root)
    add_image(root, tour)
    return tour
