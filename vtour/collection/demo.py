"""The demo's collections and exhibition, beside the sample grotto (``vtour demo``).

Three collections and one exhibition drawing from two of them, the way museums would publish them::

    DIR/collections/bronzes/       a synthetic collection (the sample statue, varied; metadata in en and zh)
    DIR/collections/partner/       another museum's synthetic collection, built and published as IIIF ...
    DIR/collections/imported/      ... and imported back from those IIIF manifests (vtour import --collection)
    DIR/collections/silk-road/     exhibition.yaml: a generated gallery of bronzes, a room of imported objects

Each is built into ``DIR/export/<id>/`` (incremental: a second run takes everything from the caches)
and served by ``vtour demo`` under ``/collections/<id>/`` and ``/exhibitions/<id>/`` of ``site_url``
(their IIIF ids are absolute under it), with the Panel collection browser over the bronzes at
``/collection``. Sources are written once and then reused,
like the sample's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import yaml

from vtour.collection.build import build_collection
from vtour.collection.document import read_collection
from vtour.collection.exhibit import build_exhibition
from vtour.collection.iiif_import import import_collection
from vtour.collection.synthetic import write_synthetic_collection
from vtour.output import write_bytes_atomic
from vtour.serve import DEFAULT_ADDRESS, DEFAULT_PORT

log = logging.getLogger(__name__)

#: The collection the demo's Panel browser shows (its URL prefix).
DEMO_COLLECTION = "collections/bronzes"
#: Where ``vtour demo`` serves by default (``--no-serve`` builds for it).
DEFAULT_SITE_URL = f"http://{DEFAULT_ADDRESS}:{DEFAULT_PORT}"
#: Where the partner museum publishes its collection (not served by the demo: only its IIIF is read
#: back, locally); the import takes the collection's id, ``partner``, from the IIIF Collection's id.
PARTNER_BASE_URL = "https://partner-museum.example/collections/partner"
#: Objects in the demo's two synthetic collections (full, tiny).
SIZES = {"bronzes": (24, 4), "partner": (8, 2)}
#: Smaller renders and levels than a museum would choose: the demo builds in a couple of minutes.
DEMO_SETTINGS = {
    "views": {"size": 768, "turntable": 24, "turntable_size": 256},
    "lod": {"levels": ["2000:512", "20000:1024"]},
}
TINY_SETTINGS = {
    "views": {"size": 192, "turntable": 8, "turntable_size": 96},
    "lod": {"levels": ["400:128", "1500:256"], "deviation_samples": 2000},
    "zoom": {"tile_size": 256},
}


@dataclass(frozen=True)
class DemoSites:
    """The built folders, by the URL prefix the demo serves each at."""

    sites: dict[str, Path]


def _synthetic(folder: Path, name: str, seed: int, tiny: bool) -> Path:
    path = folder / "collection.yaml"
    if path.is_file():
        return path
    n = SIZES[name][1 if tiny else 0]
    path = write_synthetic_collection(folder, n, seed=seed, collection_id=name)
    data = yaml.safe_load(path.read_text("utf-8"))
    data.update(TINY_SETTINGS if tiny else DEMO_SETTINGS)
    write_bytes_atomic(path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8"))
    return path


def _exhibition(folder: Path, bronzes: Path, imported: Path) -> Path:
    path = folder / "exhibition.yaml"
    if path.is_file():
        return path
    first, _ = read_collection(bronzes)
    second, _ = read_collection(imported)
    with_scans = [f"{first.id}:{o.id}" for o in first.objects if o.model][:5]
    doc = {
        "id": "silk-road",
        "title": {"en": "Along the Silk Road", "zh": "丝路之旅"},
        "languages": ["en", "zh"],
        "description": {
            "en": "Bronzes from our own collection beside objects lent, as IIIF, by a partner museum.",
            "zh": "本馆青铜器与合作博物馆以IIIF共享的藏品同堂展出。",
        },
        "collections": [
            Path("..", bronzes.parent.name, bronzes.name).as_posix(),
            Path("..", imported.parent.name, imported.name).as_posix(),
        ],
        "rooms": [
            {
                "id": "ritual",
                "title": {"en": "Ritual bronzes", "zh": "礼仪青铜"},
                "text": {
                    "en": "Vessels for offerings to the ancestors, seen on plinths from every side.",
                    "zh": "祭祀祖先的礼器，置于展台之上，可从各个角度观看。",
                },
                "objects": with_scans,
            },
            {
                "id": "partners",
                "title": {"en": "From our partners", "zh": "合作博物馆藏品"},
                "text": {
                    "en": "Objects published by another museum as IIIF manifests and imported here.",
                    "zh": "由另一家博物馆以IIIF清单发布并导入本展的藏品。",
                },
                "objects": [f"{second.id}:{o.id}" for o in second.objects][:6],
            },
        ],
    }
    write_bytes_atomic(path, yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode("utf-8"))
    return path


def build_demo_collections(
    folder: str | Path, *, tiny: bool = False, jobs: int | None = 1, site_url: str = DEFAULT_SITE_URL
) -> DemoSites:
    """Write (once) and build the demo's collections and exhibition under ``folder``, each for
    publication at ``<site_url>/<its prefix>`` (``site_url``: where the demo serves, no trailing
    slash). The partner's collection is built for the partner's own site (:data:`PARTNER_BASE_URL`)."""
    folder = Path(folder)
    site_url = site_url.rstrip("/")
    sources, export = folder / "collections", folder / "export"
    bronzes = _synthetic(sources / "bronzes", "bronzes", 11, tiny)
    partner = _synthetic(sources / "partner", "partner", 12, tiny)
    built = {}
    prefix = "collections/bronzes"
    built[prefix] = build_collection(bronzes, export / "bronzes", jobs=jobs, base_url=f"{site_url}/{prefix}").out_dir
    partner_out = build_collection(partner, export / "partner", jobs=jobs, base_url=PARTNER_BASE_URL).out_dir
    imported = sources / "imported" / "collection.yaml"
    if not imported.is_file():
        import_collection(partner_out, imported, language="en")
    prefix = "collections/imported"
    built[prefix] = build_collection(imported, export / "imported", jobs=jobs, base_url=f"{site_url}/{prefix}").out_dir
    exhibition = _exhibition(sources / "silk-road", bronzes, imported)
    width = 1024 if tiny else 4096
    prefix = "exhibitions/silk-road"
    built[prefix] = build_exhibition(
        exhibition, export / "silk-road", jobs=jobs, gallery_width=width, base_url=f"{site_url}/{prefix}"
    ).out_dir
    return DemoSites(built)
