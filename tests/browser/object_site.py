"""The test site of the object and story pages (test_object_page.py, test_story_page.py): a built collection's
folder as the collection spec lays it out, made in code.

``object_site(root)`` writes (once per folder) and returns ``root / "site"``::

    site/index.html                        a stand-in catalogue page (the back link's target)
    site/viewer/                           vtour/web/dist/*.js (object, model and image bundles)
    site/objects/ding-01/index.html        object_html(object.json)
    site/objects/ding-01/object.json       every part: fields, six views, turntable, model, one deep-zoom photo
    site/objects/ding-01/views/*.jpg       six distinct flat-coloured views (VIEW_COLOURS) with their name drawn
    site/objects/ding-01/views/small/*.jpg the same views reduced (views.json "small": the view buttons)
    site/objects/ding-01/turntable.jpg     FRAMES frames of FRAME px side by side, frame k's number drawn in it
    site/objects/ding-01/model/            a small textured sphere built by vtour.model.build_model (two levels)
    site/objects/ding-01/images/1/         a deep-zoom photo built by vtour.image.build_image
    site/objects/ding-01/manifest.json     a stand-in IIIF manifest
    site/objects/evil/                     an object whose texts are hostile markup (HOSTILE), no media, no units
    site/story/index.html + story.json     a two-room story of both objects (STORY)
    site/tour/index.html                   a stand-in for the walkable tour (the story's links)
    site/展览 hall/                          a copy of viewer/ and objects/ding-01/ under a folder named with a space
                                           and Chinese (ODD_FOLDER): URLs the page gets already percent-encoded
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import numpy as np
from data_paths import missing
from PIL import Image, ImageDraw

from vtour.collection.page import object_html, story_html
from vtour.site import DIST
from vtour.tour.assemble import model_block
from vtour.tour.layout import model_dir

OBJECT_ID = "ding-01"
#: A folder whose name a URL holds percent-encoded.
ODD_FOLDER = "展览 hall"
EVIL_ID = "evil"
LANGUAGES = ["en", "zh"]
#: Hostile text: shown as text, never run (the page records window.alert calls).
HOSTILE = '</title><script>alert(1)</script><img src=x onerror="alert(2)">'
VIEW_SIZE = 256
#: Each view's flat colour (RGB): a test can tell which one is shown from its pixels.
VIEW_COLOURS = {
    "front": (200, 40, 40),
    "back": (40, 160, 60),
    "left": (40, 70, 200),
    "right": (210, 180, 30),
    "top": (150, 60, 170),
    "bottom": (30, 170, 170),
}
FRAMES, FRAME = 24, 128
TITLE = {"en": "Tripod cauldron", "zh": "鼎"}
COLLECTION = {"id": "bronzes", "title": {"en": "Bronzes", "zh": "青铜器"}, "catalogue": "../../index.html"}
RIGHTS = "http://creativecommons.org/licenses/by/4.0/"
FIELDS = [
    {"key": "date", "value": {"en": "11th century BCE", "zh": "公元前11世纪"}},
    {"key": "period", "value": {"en": "Western Zhou", "zh": "西周"}},
    {"key": "material", "value": {"en": "bronze", "zh": "青铜"}},
    {"key": "dimensions", "value": {"en": "H 42 cm", "zh": "高42厘米"}},
    {"key": "museum", "value": {"en": "Shenzhen Museum", "zh": "深圳博物馆"}},
    {"key": "credit", "value": {"en": "Gift of the Li family", "zh": "李氏家族捐赠"}},
    {"key": "metadata", "label": {"en": "Inventory", "zh": "藏品编号"}, "value": {"en": "SZM-001"}},
]
PHOTO_TITLE = {"en": "Inscription inside the bowl", "zh": "腹内铭文"}


def _view(name: str, rgb) -> Image.Image:
    img = Image.new("RGB", (VIEW_SIZE, VIEW_SIZE), (232, 232, 232))
    d = ImageDraw.Draw(img)
    d.rectangle([40, 40, VIEW_SIZE - 40, VIEW_SIZE - 60], fill=rgb)
    d.text((48, 48), name.upper(), fill=(255, 255, 255))
    d.rectangle([10, VIEW_SIZE - 40, 110, VIEW_SIZE - 10], fill=(250, 250, 250))  # the scale bar's box
    d.rectangle([16, VIEW_SIZE - 22, 96, VIEW_SIZE - 16], fill=(30, 30, 30))
    d.text((16, VIEW_SIZE - 38), "10 cm", fill=(30, 30, 30))
    return img


def turntable_strip() -> Image.Image:
    """FRAMES square frames side by side: frame k a grey disc with a dark wedge at 360 k / FRAMES and k drawn."""
    strip = Image.new("RGB", (FRAME * FRAMES, FRAME), (232, 232, 232))
    d = ImageDraw.Draw(strip)
    for k in range(FRAMES):
        x0 = k * FRAME
        d.ellipse([x0 + 14, 14, x0 + FRAME - 14, FRAME - 14], fill=(170, 150, 120))
        a = 360 * k / FRAMES
        d.pieslice([x0 + 14, 14, x0 + FRAME - 14, FRAME - 14], a - 12, a + 12, fill=(60, 40, 20))
        d.text((x0 + 8, 4), f"{k}", fill=(0, 0, 0))
    return strip


def _model(folder: Path, work: Path) -> dict:
    """The sphere built into folder/model/; its object.json entry (assemble.model_block, paths under model/)."""
    from vtour.model import DEFAULT_MODEL_OPTIONS, Level, build_model
    from vtour.model.obj import write_obj
    from vtour.model.synthetic import uv_sphere

    scan = work / "sphere.obj"
    write_obj(uv_sphere(24, 48, radius=0.2, units="m"), scan)
    options = DEFAULT_MODEL_OPTIONS.replace(lods=(Level(300, 64), Level(2000, 128)), deviation_samples=2000, units="m")
    result = build_model(scan, folder / "model", options)
    tour = SimpleNamespace(languages=LANGUAGES)
    model = SimpleNamespace(id=OBJECT_ID, title=TITLE, description=None, metadata={})
    block = model_block(tour, model, result.report)
    prefix = model_dir(OBJECT_ID) + "/"

    def moved(v):
        if isinstance(v, str) and v.startswith(prefix):
            return "model/" + v[len(prefix) :]
        if isinstance(v, dict):
            return {k: moved(x) for k, x in v.items()}
        if isinstance(v, list):
            return [moved(x) for x in v]
        return v

    block = moved(block)
    block["manifest"] = "manifest.json"
    return block


def _photo(folder: Path, work: Path) -> dict:
    """A 1200 x 800 photo built into folder/images/1/; its entry as assemble.image_block writes one."""
    from vtour.image import ImageOptions, build_image

    yy, xx = np.mgrid[0:800, 0:1200]
    pixels = np.stack([100 + xx * 100 // 1200, 80 + yy * 80 // 800, 60 + (xx + yy) % 40], -1).astype(np.uint8)
    pixels[300:500, 400:800] = (200, 40, 40)
    src = work / "photo.png"
    Image.fromarray(pixels).save(src)
    result = build_image(
        [src], folder / "images" / "1", ImageOptions(base_url="https://museum.example/x", tile_size=256)
    )
    small = min(result.info["sizes"], key=lambda s: s["width"])
    return {
        "id": "1",
        "title": PHOTO_TITLE,
        "path": "images/1",
        "width": result.width,
        "height": result.height,
        "tileSize": 256,
        "maxZoom": 2,
        "thumb": f"images/1/full/{small['width']},{small['height']}/0/default.jpg",
        "manifest": "images/1/manifest.json",
        "metadata": {},
    }


def _write_object(folder: Path, doc: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "object.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1))
    (folder / "index.html").write_text(object_html(doc), encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps({"id": "manifest.json", "type": "Manifest"}))


def object_document(views: dict, model: dict, images: list[dict]) -> dict:
    return {
        "vtour": "object/1",
        "id": OBJECT_ID,
        "collection": COLLECTION,
        "languages": LANGUAGES,
        "title": TITLE,
        "fields": FIELDS,
        "description": {
            "en": "A ritual cauldron on three legs, cast in one piece.",
            "zh": "三足礼器，整体浇铸而成。",
        },
        "tags": [{"en": "ritual", "zh": "礼器"}, {"en": "vessel", "zh": "容器"}],
        "museum": {"en": "Shenzhen Museum", "zh": "深圳博物馆"},
        "credit": {"en": "Gift of the Li family", "zh": "李氏家族捐赠"},
        "rights": RIGHTS,
        "views": views,
        "model": model,
        "images": images,
        "manifest": "manifest.json",
    }


def evil_document() -> dict:
    """An object whose every text is HOSTILE, rights a javascript: URL, no views, model or images."""
    return {
        "vtour": "object/1",
        "id": EVIL_ID,
        "collection": {**COLLECTION, "title": {"en": HOSTILE}},
        "languages": ["en"],
        "title": {"en": HOSTILE},
        "fields": [
            {"key": "date", "value": {"en": HOSTILE}},
            {"key": "metadata", "label": {"en": HOSTILE}, "value": {"en": HOSTILE}},
        ],
        "description": {"en": HOSTILE},
        "tags": [{"en": HOSTILE}],
        "museum": {"en": HOSTILE},
        "credit": None,
        "rights": "javascript:alert(3)",
        "views": {
            "size": VIEW_SIZE,
            "metresPerPixel": None,
            "scaleBar": None,
            "files": {n: f"views/{n}.jpg" for n in VIEW_COLOURS},
            "turntable": None,
            "thumb": "thumb.jpg",
        },
        "model": None,
        "images": [],
        "manifest": "manifest.json",
    }


#: The story: two rooms; every object credits its museum and rights.
STORY = {
    "vtour": "story/1",
    "id": "silk-road",
    "title": {"en": "Along the Silk Road", "zh": "丝绸之路"},
    "languages": LANGUAGES,
    "description": {"en": "Objects from two museums, one route.", "zh": "两座博物馆的文物，一条道路。"},
    "tour": "../tour/index.html",
    "rooms": [
        {
            "id": "ritual",
            "title": {"en": "Ritual bronzes", "zh": "礼器"},
            "text": {"en": "Vessels for offerings to the ancestors.", "zh": "祭祀祖先的礼器。"},
            "scene": "ritual",
            "objects": [
                {
                    "id": OBJECT_ID,
                    "title": TITLE,
                    "date": FIELDS[0]["value"],
                    "period": FIELDS[1]["value"],
                    "material": FIELDS[2]["value"],
                    "museum": {"en": "Shenzhen Museum", "zh": "深圳博物馆"},
                    "credit": {"en": "Gift of the Li family", "zh": "李氏家族捐赠"},
                    "rights": RIGHTS,
                    "description": None,
                    "image": f"../objects/{OBJECT_ID}/views/front.jpg",
                    "width": VIEW_SIZE,
                    "height": VIEW_SIZE,
                    "page": f"../objects/{OBJECT_ID}/",
                }
            ],
        },
        {
            "id": "trade",
            "title": {"en": "Trade and travel", "zh": "贸易与旅行"},
            "text": None,
            "scene": "trade",
            "objects": [
                {
                    "id": EVIL_ID,
                    "title": {"en": HOSTILE},
                    "date": None,
                    "period": {"en": "Tang", "zh": "唐"},
                    "material": None,
                    "museum": {"en": "Dunhuang Academy", "zh": "敦煌研究院"},
                    "credit": None,
                    "rights": "https://rightsstatements.org/vocab/InC/1.0/",
                    "description": {"en": HOSTILE},
                    "image": f"../objects/{EVIL_ID}/views/left.jpg",
                    "width": VIEW_SIZE,
                    "height": VIEW_SIZE,
                    "page": f"../objects/{EVIL_ID}/",
                },
                {
                    "id": "mirror-03",
                    "title": {"en": "Bronze mirror", "zh": "铜镜"},
                    "date": None,
                    "period": None,
                    "material": {"en": "bronze", "zh": "青铜"},
                    "museum": {"en": "Palace Museum", "zh": "故宫博物院"},
                    "credit": {"en": "Palace Museum collection", "zh": "故宫博物院藏"},
                    "rights": "http://creativecommons.org/publicdomain/zero/1.0/",
                    "description": None,
                    "image": None,
                    "width": None,
                    "height": None,
                    "page": None,
                },
            ],
        },
    ],
}


def object_site(root: Path) -> Path:
    """Write the site into ``root / "site"`` (skipped when complete) and return it."""
    site = root / "site"
    if (site / "story" / "story.json").is_file():
        return site
    work = root / "work"
    work.mkdir(parents=True, exist_ok=True)
    (site / "viewer").mkdir(parents=True, exist_ok=True)
    for name in ("vtour-object.js", "vtour-model.js", "vtour-image.js"):
        if not (DIST / name).is_file() or (DIST / name).stat().st_size == 0:
            missing(f"{DIST / name} is missing or empty (run `node vtour/web/build.mjs`)")
        shutil.copyfile(DIST / name, site / "viewer" / name)
    page = (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>{0}</title></head>"
        "<body><main><h1>{0}</h1></main></body></html>"
    )
    (site / "index.html").write_text(page.format("Catalogue"))
    (site / "tour").mkdir(exist_ok=True)
    (site / "tour" / "index.html").write_text(page.format("Tour"))

    folder = site / "objects" / OBJECT_ID
    (folder / "views").mkdir(parents=True, exist_ok=True)
    (folder / "views" / "small").mkdir(parents=True, exist_ok=True)
    for name, rgb in VIEW_COLOURS.items():
        _view(name, rgb).save(folder / "views" / f"{name}.jpg", quality=90)
        _view(name, rgb).resize((96, 96)).save(folder / "views" / "small" / f"{name}.jpg", quality=90)
    _view("front", VIEW_COLOURS["front"]).resize((128, 128)).save(folder / "thumb.jpg")
    turntable_strip().save(folder / "turntable.jpg", quality=90)
    views = {
        "size": VIEW_SIZE,
        "metresPerPixel": 0.1 / 80,
        "scaleBar": {"metres": 0.1, "label": "10 cm", "pixels": 80},
        "files": {n: f"views/{n}.jpg" for n in VIEW_COLOURS},
        "turntable": {"path": "turntable.jpg", "frames": FRAMES, "size": FRAME},
        "thumb": "thumb.jpg",
        "small": {n: f"views/small/{n}.jpg" for n in VIEW_COLOURS},
    }
    _write_object(folder, object_document(views, _model(folder, work), [_photo(folder, work)]))
    shutil.copytree(site / "viewer", site / ODD_FOLDER / "viewer")
    shutil.copytree(folder, site / ODD_FOLDER / "objects" / OBJECT_ID)

    evil = site / "objects" / EVIL_ID
    shutil.copytree(folder / "views", evil / "views")
    _write_object(evil, evil_document())

    (site / "story").mkdir(exist_ok=True)
    (site / "story" / "index.html").write_text(story_html(STORY), encoding="utf-8")
    (site / "story" / "story.json").write_text(json.dumps(STORY, ensure_ascii=False, indent=1))
    return site
