"""The words of a synthetic collection (:mod:`vtour.collection.synthetic`): its vocabulary (periods,
materials, museums, tags, the kinds of object with their sizes and eras), the random draws behind each
object, its texts in en and zh (title, date, dimensions, credit, description), collection.yaml's header
and the CSV columns; no meshes, photos or files.

Object ``k``'s texts depend on ``(seed, k)`` alone: every random draw is one row of a table
(:func:`_draws`) drawn for all ``n``, so a collection of 50 is the first 50 of one of 1,000.
"""

from __future__ import annotations

import csv as csvlib
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

COLLECTION_ID = "synthetic"

#: (en, zh, first century, last century): negative centuries are BCE; there is no century 0.
PERIODS = (
    ("Shang", "商", -16, -11),
    ("Western Zhou", "西周", -11, -8),
    ("Eastern Zhou", "东周", -8, -3),
    ("Han", "汉", -3, 3),
    ("Tang", "唐", 7, 10),
    ("Song", "宋", 10, 13),
    ("Ming", "明", 14, 17),
    ("Qing", "清", 17, 20),
)
#: en -> (zh, sRGB colour of the surface)
MATERIALS = {
    "bronze": ("青铜", (92, 112, 84)),
    "jade": ("玉", (150, 182, 140)),
    "ceramic": ("陶瓷", (214, 202, 180)),
    "lacquer": ("漆器", (132, 34, 28)),
    "gilt bronze": ("鎏金铜", (204, 162, 72)),
    "stone": ("石", (152, 146, 136)),
}
MUSEUMS = (
    ("Shenzhen Museum", "深圳博物馆", "SZM"),
    ("Palace Museum", "故宫博物院", "PM"),
    ("Dunhuang Academy", "敦煌研究院", "DHA"),
    ("Silk Road Digital Museum", "丝绸之路数字博物馆", "SRDM"),
    ("Shaanxi History Museum", "陕西历史博物馆", "SXHM"),
    ("Shanghai Museum", "上海博物馆", "SHM"),
)
TAGS = {
    "ritual": "礼器",
    "vessel": "容器",
    "wine": "酒器",
    "daily life": "日常生活",
    "Buddhist": "佛教",
    "sculpture": "雕塑",
    "funerary": "随葬",
    "zodiac": "生肖",
    "portrait": "肖像",
    "scholar's object": "文房",
}
#: kind -> (en, zh, materials, largest extent range in metres, tags, base mesh)
KINDS = {
    "ding": ("tripod cauldron", "鼎", ("bronze",), (0.2, 0.8), ("ritual", "vessel"), "lathe"),
    "buddha": ("seated Buddha", "坐佛", ("gilt bronze", "stone"), (0.3, 1.8), ("Buddhist", "sculpture"), "statue"),
    "rabbit": ("zodiac rabbit", "生肖兔", ("jade", "ceramic"), (0.05, 0.2), ("zodiac",), "stanford-bunny.obj"),
    "zun": ("wine vessel", "尊", ("bronze", "ceramic"), (0.2, 0.5), ("ritual", "wine"), "lathe"),
    "flask": ("flask", "壶", ("ceramic",), (0.15, 0.35), ("vessel",), "fuze/fuze.obj"),
    "gui": ("food vessel", "簋", ("bronze",), (0.15, 0.4), ("ritual", "vessel"), "lathe"),
    "head": (
        "portrait head",
        "头像",
        ("stone",),
        (0.2, 0.4),
        ("portrait", "sculpture"),
        "LeePerrySmith/LeePerrySmith.glb",
    ),
    "vase": ("vase", "瓶", ("ceramic", "jade"), (0.15, 0.6), ("vessel",), "lathe"),
    "fruit": ("fruit carving", "果形雕件", ("jade",), (0.05, 0.12), ("scholar's object",), "Avocado/Avocado.gltf"),
    "bowl": ("bowl", "碗", ("ceramic", "lacquer"), (0.1, 0.25), ("vessel", "daily life"), "lathe"),
    "figurine": ("figurine", "俑", ("ceramic", "stone"), (0.15, 0.6), ("funerary", "sculpture"), "statue"),
    "mirror": ("mirror", "镜", ("bronze",), (0.08, 0.3), ("daily life",), "lathe"),
}
#: kind -> width / height of its objects
ASPECT = {
    "ding": 1.0,
    "buddha": 0.7,
    "rabbit": 1.0,
    "zun": 0.8,
    "flask": 0.35,
    "gui": 1.2,
    "head": 1.0,
    "vase": 0.7,
    "fruit": 0.7,
    "bowl": 2.2,
    "figurine": 0.6,
    "mirror": 1.0,
}
#: kind -> (first, last) index into PERIODS of the periods its objects come from
ERAS = {
    "ding": (0, 3),
    "buddha": (3, 7),
    "rabbit": (3, 7),
    "zun": (0, 3),
    "flask": (4, 7),
    "gui": (0, 3),
    "head": (3, 7),
    "vase": (4, 7),
    "fruit": (5, 7),
    "bowl": (4, 7),
    "figurine": (3, 4),
    "mirror": (2, 5),
}
#: Sentences a description may end with, (en, zh).
REMARKS = (
    ("Its surface carries a cast taotie mask pattern.", "器表饰饕餮纹。"),
    ("Traces of red pigment remain in the recesses.", "凹处残留朱砂痕迹。"),
    ("Excavated from a tomb in 1976.", "1976年出土于墓葬。"),
    ("Repaired in the 1950s; part of the rim is restored.", "二十世纪五十年代修复，口沿部分为补配。"),
    ("Acquired through the Silk Road digitisation programme.", "经丝绸之路数字化项目征集。"),
    ("A cloud-and-thunder pattern runs around the body.", "腹部饰云雷纹。"),
    ("The glaze shows a fine crackle.", "釉面有细密开片。"),
)
RIGHTS = (
    "http://creativecommons.org/licenses/by/4.0/",
    "http://creativecommons.org/licenses/by-sa/4.0/",
    "http://creativecommons.org/licenses/by-nc/4.0/",
    "http://creativecommons.org/publicdomain/zero/1.0/",
    "http://rightsstatements.org/vocab/InC-EDU/1.0/",
)
DEFAULT_RIGHTS = RIGHTS[0]
#: The ``csv:`` mapping written with ``csv=True``: object field -> CSV header, in column order.
COLUMNS = {
    "id": "Object number",
    "title.en": "Title",
    "title.zh": "名称",
    "date.en": "Date",
    "date.zh": "年代",
    "period.en": "Period",
    "period.zh": "时期",
    "material.en": "Material",
    "material.zh": "材质",
    "dimensions.en": "Dimensions",
    "dimensions.zh": "尺寸",
    "museum.en": "Museum",
    "museum.zh": "博物馆",
    "credit.en": "Credit",
    "credit.zh": "鸣谢",
    "rights": "Rights",
    "description.en": "Description",
    "description.zh": "描述",
    "model": "Scan file",
    "units": "Units",
    "images": "Photos",
    "tags": "Keywords",
    "metadata.Inventory": "Inventory",
}
_DRAWS = 12  # random numbers per object (columns of the table drawn for all objects)


def kinds(meshes: str | Path | None) -> tuple[str, ...]:
    """The kinds objects cycle through: those made in code, and those whose mesh ``meshes`` holds."""
    return tuple(
        k
        for k, v in KINDS.items()
        if v[5] in ("lathe", "statue") or (meshes is not None and (Path(meshes) / v[5]).is_file())
    )


# --- texts -------------------------------------------------------------------------------------------


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _century(c: int) -> dict:
    if c < 0:
        return {"en": f"{_ordinal(-c)} century BCE", "zh": f"公元前{-c}世纪"}
    return {"en": f"{_ordinal(c)} century", "zh": f"公元{c}世纪"}


def _dimensions(extent_cm: Iterable[float]) -> dict:
    w, h, d = (f"{v:.1f}".removesuffix(".0") for v in extent_cm)
    return {"en": f"H {h} cm, W {w} cm, D {d} cm", "zh": f"高{h}厘米，宽{w}厘米，深{d}厘米"}


def _in(texts: dict, languages: Sequence[str]) -> dict:
    """``texts`` (en and zh) in ``languages``: another language gets the English."""
    if len(texts) == len(languages) and all(a == b for a, b in zip(texts, languages, strict=True)):
        return texts
    return {lang: texts.get(lang, texts["en"]) for lang in languages}


def _draws(n: int, seed: int) -> np.ndarray:
    """(n, _DRAWS) float64 in [0, 1): row k is object k's, whatever n (one stream, row-major)."""
    return np.random.default_rng(seed).random((n, _DRAWS))


def _extent(kind: str, u: Sequence[float]) -> tuple[float, float, float]:
    """Metres: the box (x, y, z) an object of ``kind`` is scaled into (``u``: its draws), its
    largest side in the kind's size range, its proportions the kind's (ASPECT)."""
    lo, hi = KINDS[kind][3]
    size = lo + (hi - lo) * u[5]
    aspect = ASPECT[kind] * (0.9 + 0.2 * u[6])
    height = size / max(1.0, aspect)
    depth = 0.05 if kind == "mirror" else 0.8 + 0.2 * u[7]  # a mirror is a disc standing, facing +Z
    return height * aspect, height, height * aspect * depth


def _record(
    k: int, u: Sequence[float], kind_list: Sequence[str], languages: Sequence[str], extent_cm: np.ndarray | None = None
) -> dict:
    """Object ``k``'s collection.yaml entry, without media (``u``: its row of draws; ``extent_cm``:
    the scan's measured box, else the one drawn)."""
    kind = kind_list[k % len(kind_list)]
    type_en, type_zh, materials, _, tags, _ = KINDS[kind]
    first, last = ERAS[kind]
    period_en, period_zh, c0, c1 = PERIODS[first + int(u[0] * (last - first + 1))]
    centuries = [c for c in range(c0, c1 + 1) if c != 0]
    century = _century(centuries[int(u[1] * len(centuries))])
    material = materials[int(u[2] * len(materials))]
    museum_en, museum_zh, prefix = MUSEUMS[int(u[3] * len(MUSEUMS)) if u[9] >= 0.25 else 0]
    remark_en, remark_zh = REMARKS[int(u[4] * len(REMARKS))]
    material_zh = MATERIALS[material][0]
    dims = _dimensions([v * 100 for v in _extent(kind, u)] if extent_cm is None else extent_cm)
    year = 2015 + int(u[8] * 10)
    obj: dict = {
        "id": f"{kind}-{k + 1:04d}",
        "title": _in(
            {"en": f"{material.capitalize()} {type_en}, {period_en}", "zh": f"{period_zh}{material_zh}{type_zh}"},
            languages,
        ),
        "date": _in(century, languages),
        "period": _in({"en": period_en, "zh": period_zh}, languages),
        "material": _in({"en": material, "zh": material_zh}, languages),
        "dimensions": _in(dims, languages),
    }
    if u[9] >= 0.25:  # else the collection's default museum, MUSEUMS[0]
        obj["museum"] = _in({"en": museum_en, "zh": museum_zh}, languages)
    obj["credit"] = _in(
        {"en": f"{museum_en}; scan and photography {year}", "zh": f"{museum_zh}；{year}年扫描与摄影"}, languages
    )
    if u[10] < 0.4:  # else the collection's default rights
        obj["rights"] = RIGHTS[int(u[10] / 0.4 * len(RIGHTS))]
    obj["description"] = _in(
        {
            "en": f"A {material} {type_en} of the {period_en} period ({century['en']}), {dims['en']}, "
            f"in the collection of the {museum_en}. {remark_en}",
            "zh": f"{period_zh}{material_zh}{type_zh}，{century['zh']}，{dims['zh']}，{museum_zh}藏。{remark_zh}",
        },
        languages,
    )
    obj["tags"] = [_in({"en": t, "zh": TAGS[t]}, languages) for t in tags]
    obj["metadata"] = {"Inventory": f"{prefix}-{k + 1:06d}"}
    return obj


def collection_header(languages: Sequence[str], collection_id: str = COLLECTION_ID) -> dict:
    """collection.yaml's keys before ``objects``: id, title, languages, description, defaults."""
    title = {"en": "Synthetic collection", "zh": "合成藏品"}
    if collection_id != COLLECTION_ID:
        title = {"en": f"{title['en']}: {collection_id}", "zh": f"{title['zh']}：{collection_id}"}
    return {
        "id": collection_id,
        "title": _in(title, languages),
        "languages": list(languages),
        "description": _in(
            {
                "en": "Objects generated by vtour from the sample statue and open test meshes, "
                "with invented documentation.",
                "zh": "由vtour根据示例塑像与公开测试模型生成的藏品，说明文字为虚构。",
            },
            languages,
        ),
        "units": "m",
        "museum": _in({"en": "Shenzhen Museum", "zh": "深圳博物馆"}, languages),
        "credit": _in({"en": "Shenzhen Museum", "zh": "深圳博物馆"}, languages),
        "rights": DEFAULT_RIGHTS,
    }


def synthetic_objects(n: int, seed: int = 0, languages: Sequence[str] = ("en", "zh")) -> list:
    """``n`` CollectionObjects (:mod:`vtour.collection.document`) with the texts
    :func:`write_synthetic_collection` gives them, no media (model None, no images), defaults resolved:
    the catalogue benchmark's 100,000 objects, index only. Every kind takes its turn, as in a
    collection written with ``meshes``."""
    from vtour.collection.document import CollectionObject

    header = collection_header(languages)
    draws = _draws(n, seed)
    kind_list = tuple(KINDS)
    out = []
    for k in range(n):
        rec = _record(k, draws[k].tolist(), kind_list, languages)
        out.append(
            CollectionObject(
                id=rec["id"],
                title=rec["title"],
                units="m",
                date=rec["date"],
                period=rec["period"],
                material=rec["material"],
                dimensions=rec["dimensions"],
                museum=rec.get("museum", header["museum"]),
                credit=rec["credit"],
                rights=rec.get("rights", header["rights"]),
                description=rec["description"],
                tags=tuple(rec["tags"]),
                metadata={label: {languages[0]: v} for label, v in rec["metadata"].items()},
                where=f"objects[{k}]",
            )
        )
    return out


# --- objects.csv -----------------------------------------------------------------------------------------


def csv_columns(languages: Sequence[str]) -> dict[str, str]:
    """COLUMNS without the texts of languages the collection does not have."""
    return {k: v for k, v in COLUMNS.items() if k.partition(".")[2] in ("", *languages) or k.startswith("metadata.")}


def _csv_text(objects: list[dict], columns: dict[str, str], language: str) -> str:
    """objects.csv of ``objects`` through ``columns`` (lists joined with ``|``, tags in ``language``)."""
    out = io.StringIO()
    writer = csvlib.writer(out, lineterminator="\n")
    writer.writerow(columns.values())
    for obj in objects:
        row = []
        for key in columns:
            name, _, sub = key.partition(".")
            value: Any = obj.get(name)  # a text, a {lang: text}, a list or None
            if name == "tags":
                value = "|".join(t[language] for t in value)
            elif name == "images":
                value = "|".join(value or [])
            elif name == "metadata":
                value = value.get(sub)
            elif isinstance(value, dict):
                value = value.get(sub, "")
            row.append("" if value is None else value)
        writer.writerow(row)
    return out.getvalue()
