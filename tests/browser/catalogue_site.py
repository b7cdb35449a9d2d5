"""A synthetic catalogue for the tests: records made up in English and Chinese, and its static site.

``synthetic_catalogue(n, seed)`` -> ``(collection_meta, records)``: ``n`` catalogue records (the shape of
vtour.collection.catalogue.catalogue_record) with titles, periods, materials, museums, tags, dates and
descriptions drawn from small bilingual vocabularies, the same for the same ``(n, seed)``. Object 0 is
always the Tripod cauldron (鼎), so a test knows one object to find.

``write_catalogue_site(folder, meta, records, thumbs=False)`` writes ``index.html``, ``catalogue/`` and
``viewer/vtour-catalogue.js`` (the built bundle); with ``thumbs`` a JPEG per object as heavy as a real
one, as its ``objects/<id>/thumb.jpg`` (320 px) and ``thumb-small.jpg`` (160 px). Returns the folder.
"""

from __future__ import annotations

import functools
import random
import shutil
from pathlib import Path

import cv2
import numpy as np
from data_paths import ROOT, missing

from vtour.collection.catalogue import catalogue_files, catalogue_html

BUNDLE = ROOT / "vtour" / "web" / "dist" / "vtour-catalogue.js"

NOUNS = [
    ("Tripod cauldron", "鼎"),
    ("Food vessel", "簋"),
    ("Wine vessel", "尊"),
    ("Bell", "编钟"),
    ("Mirror", "铜镜"),
    ("Vase", "花瓶"),
    ("Bowl", "碗"),
    ("Plate", "盘"),
    ("Jar", "罐"),
    ("Figure", "俑"),
    ("Horse", "马"),
    ("Seal", "印章"),
    ("Coin", "钱币"),
    ("Sword", "剑"),
    ("Scroll", "卷轴"),
    ("Lamp", "灯"),
    ("Cup", "杯"),
    ("Incense burner", "香炉"),
    ("Buddha", "佛像"),
    ("Pillow", "枕"),
]
ADJECTIVES = [
    ("Painted", "彩绘"),
    ("Gilded", "鎏金"),
    ("Inscribed", "铭文"),
    ("Small", "小型"),
    ("Large", "大型"),
    ("Carved", "雕刻"),
    ("Lidded", "带盖"),
    ("Square", "方形"),
    ("Round", "圆形"),
    ("Blue-and-white", "青花"),
]
PERIODS = [
    ("Shang", "商", "13th century BCE", "公元前13世纪"),
    ("Western Zhou", "西周", "10th century BCE", "公元前10世纪"),
    ("Eastern Zhou", "东周", "5th century BCE", "公元前5世纪"),
    ("Han", "汉", "1st century", "1世纪"),
    ("Tang", "唐", "8th century", "8世纪"),
    ("Song", "宋", "11th century", "11世纪"),
    ("Yuan", "元", "14th century", "14世纪"),
    ("Ming", "明", "15th century", "15世纪"),
    ("Qing", "清", "18th century", "18世纪"),
]
MATERIALS = [
    ("bronze", "青铜"),
    ("jade", "玉"),
    ("porcelain", "瓷"),
    ("earthenware", "陶"),
    ("silk", "丝绸"),
    ("lacquer", "漆器"),
    ("gold", "金"),
    ("silver", "银"),
    ("wood", "木"),
    ("stone", "石"),
]
MUSEUMS = [
    ("Shenzhen Museum", "深圳博物馆"),
    ("Palace Museum", "故宫博物院"),
    ("Shanghai Museum", "上海博物馆"),
    ("Dunhuang Academy", "敦煌研究院"),
    ("Hunan Museum", "湖南博物院"),
    ("Henan Museum", "河南博物院"),
]
TAGS = [
    ("ritual", "礼器"),
    ("vessel", "容器"),
    ("burial", "随葬"),
    ("inscription", "铭文"),
    ("animal", "动物"),
    ("dragon", "龙"),
    ("flower", "花卉"),
    ("music", "乐器"),
    ("weapon", "兵器"),
    ("daily life", "日常生活"),
    ("export", "外销"),
    ("imperial", "宫廷"),
]


def _texts(en: str, zh: str, languages) -> dict:
    return {lang: text for lang, text in (("en", en), ("zh", zh)) if lang in languages}


def synthetic_catalogue(n: int, seed: int = 0, languages=("en", "zh")) -> tuple[dict, list[dict]]:
    """``n`` made-up bilingual catalogue records and their collection's meta (see the module docstring)."""
    rng = random.Random(seed)
    meta = {
        "id": "synthetic",
        "title": _texts("Synthetic collection", "合成藏品", languages),
        "languages": list(languages),
        "description": _texts(f"{n:,} made-up objects", f"{n}件虚构藏品", languages),
    }
    records = []
    for i in range(n):
        adj, noun = rng.choice(ADJECTIVES), NOUNS[0] if i == 0 else rng.choice(NOUNS)
        period, material, museum = rng.choice(PERIODS), rng.choice(MATERIALS), rng.choice(MUSEUMS)
        tags = rng.sample(TAGS, rng.randint(1, 3))
        oid = f"obj-{i:06d}"
        title = (noun[0], noun[1]) if i == 0 else (f"{adj[0]} {noun[0].lower()}", adj[1] + noun[1])
        records.append(
            {
                "id": oid,
                "url": f"objects/{oid}/index.html",
                "thumb": None,
                "title": _texts(*title, languages),
                "date": _texts(period[2], period[3], languages),
                "period": _texts(period[0], period[1], languages),
                "material": _texts(material[0], material[1], languages),
                "museum": _texts(*museum, languages),
                "tags": [_texts(*t, languages) for t in tags],
                "description": _texts(
                    f"A {material[0]} {noun[0].lower()} of the {period[0]} period, held by the {museum[0]}.",
                    f"{period[1]}{material[1]}{noun[1]}，{museum[1]}藏。",
                    languages,
                ),
            }
        )
    return meta, records


@functools.lru_cache(maxsize=16)
def _thumb_jpeg(i: int, side: int = 320) -> bytes:
    """A ``side`` px JPEG in one of a few colours, as heavy as a rendered front view (a shaded, textured
    statue: ~12 kB at 320 px, ~4 kB at 160 px, JPEG quality 90 as vtour.collection.views writes)."""
    colours = [(70, 110, 160), (150, 120, 60), (90, 140, 90), (160, 80, 80), (120, 100, 150)]
    rng = np.random.default_rng(i % len(colours))
    image = np.full((side, side, 3), 236, np.uint8)
    yy, xx = np.mgrid[0:side, 0:side] / side
    body = (xx - 0.5) ** 2 / 0.09 + (yy - 0.5) ** 2 / 0.16 < 1
    shade = 0.6 + 0.4 * (1 - xx) + 0.08 * np.sin(xx * 60) * np.cos(yy * 45)
    colour = np.asarray(colours[i % len(colours)], np.float64)
    texture = rng.normal(0, 6, (side, side, 1))
    image[body] = np.clip(colour * shade[..., None] + texture, 0, 255)[body].astype(np.uint8)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert ok
    return data.tobytes()


def write_catalogue_site(folder: Path, meta: dict, records: list[dict], thumbs: bool = False) -> Path:
    """Write the catalogue's static site into ``folder`` (see the module docstring)."""
    if not BUNDLE.is_file():
        missing(f"{BUNDLE} not found (run `npm run build` at the repository root)")
    folder = Path(folder)
    if thumbs:
        records = [
            dict(r, thumb=f"objects/{r['id']}/thumb.jpg", thumbSmall=f"objects/{r['id']}/thumb-small.jpg")
            for r in records
        ]
        for i, r in enumerate(records):
            path = folder / r["thumb"]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(_thumb_jpeg(i))
            (folder / r["thumbSmall"]).write_bytes(_thumb_jpeg(i, 160))
    for rel, data in catalogue_files(meta, records).items():
        path = folder / "catalogue" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (folder / "index.html").write_text(catalogue_html(meta), encoding="utf-8")
    (folder / "viewer").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(BUNDLE, folder / "viewer" / "vtour-catalogue.js")
    return folder
