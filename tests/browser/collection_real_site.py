"""The real, built collection site of test_collection_real.py: nothing made by hand, everything by vtour.

``build_real_site(root, base)`` writes and builds, with every published IIIF id under ``base`` (the test
server's URL, which serves ``root / "site"``)::

    root/bronzes/collection.yaml       write_synthetic_collection: 8 objects (scans from ../shared/data/meshes)
    root/partner/collection.yaml       another museum's: 4 objects, another seed
    root/partner-out/                  built partner (its IIIF is what gets imported)
    root/imported/collection.yaml      vtour.collection.iiif_import.import_collection(partner-out)
    root/exhibition.yaml               "silk-road": room 1 from bronzes, room 2 from the imported collection
    root/site/bronzes/                 built bronzes       (base/bronzes)
    root/site/imported/                built imported      (base/imported)
    root/site/silk-road/               built exhibition    (base/silk-road)

Every collection gets small sizes (SMALL) so that the whole site builds in about a minute on two cores.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import yaml
from data_paths import SHARED_DATA, require

from vtour.collection.build import build_collection
from vtour.collection.exhibit import build_exhibition
from vtour.collection.iiif_import import import_collection
from vtour.collection.synthetic import write_synthetic_collection

#: The sizes the brief asks for: small views, two model levels, 256 px tiles.
SMALL = {
    "views": {"size": 256, "turntable": 12, "turntable_size": 128},
    "lod": {"levels": ["400:128", "1500:256"], "deviation_samples": 2000},
    "zoom": {"tile_size": 256},
}
EXHIBITION_ID = "silk-road"
ROOM_1, ROOM_2 = "ritual", "trade"
GALLERY_WIDTH = 1024


def shrink(path: Path) -> dict:
    """Set SMALL's sizes in the collection.yaml at ``path``; return its document."""
    data = yaml.safe_load(path.read_text("utf-8"))
    data.update(SMALL)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return data


@dataclass
class RealSite:
    root: Path
    site: Path  # what the server serves at base
    base: str  # "http://127.0.0.1:PORT/"
    bronzes: dict  # bronzes' collection.yaml document
    imported: dict  # the imported collection.yaml document
    exhibition: dict  # exhibition.yaml's document
    room_1: list[str]  # bronzes' object ids in room 1
    room_2: list[str]  # the imported collection's object ids in room 2
    seconds: dict  # build times


def build_real_site(root: Path, base: str) -> RealSite:
    """Write, build and import everything (module docstring); ``base`` ends with "/"."""
    meshes = require(SHARED_DATA / "meshes", "the shared meshes")
    site = root / "site"
    site.mkdir(parents=True, exist_ok=True)
    seconds = {}

    t0 = time.perf_counter()
    bronzes_yaml = write_synthetic_collection(root / "bronzes", 8, seed=11, meshes=meshes, collection_id="bronzes")
    bronzes = shrink(bronzes_yaml)
    build_collection(bronzes_yaml, site / "bronzes", jobs=2, base_url=f"{base}bronzes")
    seconds["bronzes"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    partner_yaml = write_synthetic_collection(root / "partner", 4, seed=23, meshes=meshes, collection_id="partner")
    shrink(partner_yaml)
    build_collection(partner_yaml, root / "partner-out", jobs=2)
    seconds["partner"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    imported_yaml = root / "imported" / "collection.yaml"
    import_collection(root / "partner-out", imported_yaml)
    imported = shrink(imported_yaml)
    build_collection(imported_yaml, site / "imported", jobs=2, base_url=f"{base}imported")
    seconds["imported"] = time.perf_counter() - t0

    room_1 = [o["id"] for o in bronzes["objects"][:3]]
    room_2 = [o["id"] for o in imported["objects"][:3]]
    exhibition = {
        "id": EXHIBITION_ID,
        "title": {"en": "Along the Silk Road", "zh": "丝路之旅"},
        "languages": ["en", "zh"],
        "description": {"en": "Two rooms of two museums' objects.", "zh": "两家博物馆藏品的两个展厅。"},
        "collections": ["bronzes/collection.yaml", "imported/collection.yaml"],
        "rooms": [
            {
                "id": ROOM_1,
                "title": {"en": "Ritual bronzes", "zh": "礼仪青铜"},
                "text": {"en": "Vessels and figures from Shenzhen's collection.", "zh": "深圳藏品中的器物与造像。"},
                "objects": [f"bronzes:{oid}" for oid in room_1],
            },
            {
                "id": ROOM_2,
                "title": {"en": "A partner's loans", "zh": "合作馆借展"},
                "text": {"en": "Objects imported through IIIF.", "zh": "经IIIF导入的藏品。"},
                "objects": [f"{imported['id']}:{oid}" for oid in room_2],
            },
        ],
    }
    exhibition_yaml = root / "exhibition.yaml"
    exhibition_yaml.write_text(yaml.safe_dump(exhibition, allow_unicode=True, sort_keys=False), "utf-8")
    t0 = time.perf_counter()
    build_exhibition(
        exhibition_yaml,
        site / EXHIBITION_ID,
        jobs=2,
        gallery_width=GALLERY_WIDTH,
        base_url=f"{base}{EXHIBITION_ID}",
    )
    seconds["exhibition"] = time.perf_counter() - t0
    return RealSite(root, site, base, bronzes, imported, exhibition, room_1, room_2, seconds)
