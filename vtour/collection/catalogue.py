"""A collection's static catalogue: records -> a sharded search index under ``OUT/catalogue/`` + its page.

No server: the page (``OUT/index.html``, :func:`catalogue_html`) runs ``viewer/vtour-catalogue.js``, which
fetches only what a view needs, so the first load stays small and a search stays fast at 100,000 objects.

Files (every path relative to ``OUT/catalogue/``; JSON, UTF-8, keys sorted, no spaces)
--------------------------------------------------------------------------------
``meta.json``  (:data:`META_FILE`, the only file the page names)
    ``{"vtour": "catalogue/1", "id", "title", "languages", "description", "count": N,
    "pageSize": 24, "recordShard": 16, "termShards": T, "termPrefix": 3,
    "facets": {"period": [{"key", "label": {lang: text}, "count", "file"}, ...], "material", "museum", "tag"}}``.
    Facet values are sorted by count (most first) then key; at most :data:`FACET_VALUES_MAX` per facet.
``records/<k>.json``
    Records ``k * 16 .. k * 16 + 15`` in collection order: ``[{"id", "url", "thumb", "thumbSmall", "title",
    "date", "period", "museum"}, ...]`` (texts ``{lang: text}``; a field without a value is left out): only
    what a result card shows. Small shards, because a selective query's page of 24 cards comes from up to
    24 shards: at 100,000 objects each is ~3 kB, so such a page costs ~24 small fetches, not ~500 kB.
``terms/<s>.json``  for s in ``0 .. T-1`` (every shard is written, empty ones as ``{}``)
    ``{term: postings}`` for every term whose *shard key* hashes to s (:func:`term_shard`). The shard key
    is a term's first character when it is CJK, else its first :data:`TERM_PREFIX` characters, so every
    term that starts with a 3-letter prefix sits in one file and a typed prefix needs one fetch.
``facets/<facet>/<fnv32 hex of key>.json``
    ``{key: postings}`` for one facet value (two keys only when their hashes collide).

Postings are the sorted record numbers (positions in the collection) that hold a term or value, as
either a JSON array of gaps (first number, then differences: ``[3, 1, 7]`` = 3, 4, 11) or, when the
list is dense (over 1 in :data:`BITMAP_RATIO` records), a base64 string of a bitmap (bit ``i % 8`` of
byte ``i // 8`` set for record i): a term in half the collection then costs N/6 bytes, not about 3N/2.

Invariants
----------
Deterministic: the same input gives the same bytes. ``T`` depends only on N (a power of two, about one
shard per :data:`RECORDS_PER_TERM_SHARD` records), the hash is FNV-1a 32 over the UTF-8 shard key, and
records keep the collection's order; so editing one object's text changes its record shard and the term
shards of the terms it gained or lost, and nothing else (meta.json changes only when facet values,
counts, languages or N do). Searchable text: every language of title, period, material, museum, tags,
date, description, the metadata's values (an inventory number) and the id (vtour.collection.search_text
tokenizes it).
"""

from __future__ import annotations

import base64
import html
import json
import unicodedata
from collections import Counter, defaultdict
from functools import lru_cache

from vtour.collection.search_text import PREFIX_MIN, index_terms, is_cjk, normalize

#: Format marker in meta.json.
CATALOGUE_VERSION = "catalogue/1"
#: The index file the page loads first (relative to OUT/catalogue/).
META_FILE = "meta.json"
#: Records per record shard.
RECORD_SHARD_SIZE = 16
#: Result cards per page (the page reads it from meta.json).
PAGE_SIZE = 24
#: Characters of a non-CJK term that choose its shard: the shortest prefix a query looks up as a prefix,
#: so one shard holds every term that starts with it.
TERM_PREFIX = PREFIX_MIN
#: About this many records per term shard: T = the power of two nearest above N / this, in [8, 4096].
RECORDS_PER_TERM_SHARD = 64
#: A postings list holding more than 1 in this many records is stored as a bitmap.
BITMAP_RATIO = 16
#: The facets, in the page's order: record field -> facet name.
FACETS = {"period": "period", "material": "material", "museum": "museum", "tags": "tag"}
#: At most this many values per facet are listed in meta.json (the most frequent), so its size is bounded.
FACET_VALUES_MAX = 300
#: Record fields shown on a result card (kept in the record shards).
CARD_FIELDS = ("id", "url", "thumb", "thumbSmall", "title", "date", "period", "museum")
#: Record fields whose every language is searchable (besides the id).
SEARCH_FIELDS = ("title", "period", "material", "museum", "date", "description")


def catalogue_record(collection, obj, *, thumb: str | None, thumb_small: str | None = None) -> dict:
    """What the catalogue needs of one object: card fields, searchable texts, facet values.

    ``thumb`` is the thumbnail's path relative to OUT (``"objects/<id>/thumb.jpg"``, 320 px) or None;
    ``thumb_small`` its small version (``"objects/<id>/thumb-small.jpg"``, 160 px) or None.
    Returns ``{"id", "url": "objects/<id>/index.html", "thumb", "thumbSmall", "title", "date", "period",
    "material", "museum", "tags": [texts], "metadata": [texts], "description"}``; texts are ``{lang: text}``
    dicts (or None), copied. The url names index.html: a host without index documents serves it too.
    """
    lang = (getattr(collection, "languages", None) or ("en",))[0]

    def texts(value):  # a plain string is a text in the collection's default language
        if not value:
            return None
        return {lang: value} if isinstance(value, str) else dict(value)

    return {
        "id": obj.id,
        "url": f"objects/{obj.id}/index.html",
        "thumb": thumb,
        "thumbSmall": thumb_small,
        "title": texts(obj.title),
        "date": texts(obj.date),
        "period": texts(obj.period),
        "material": texts(obj.material),
        "museum": texts(obj.museum),
        "tags": [texts(t) for t in obj.tags if t],
        "metadata": [texts(v) for _, v in sorted((getattr(obj, "metadata", None) or {}).items()) if v],
        "description": texts(obj.description),
    }


def record_terms(record: dict) -> set[str]:
    """Every index term of one record (all languages of its searchable fields, tags, metadata and id)."""
    parts = [record["id"]]
    for key in SEARCH_FIELDS:
        parts.extend((record.get(key) or {}).values())
    for text in (*(record.get("tags") or ()), *(record.get("metadata") or ())):
        parts.extend(text.values())
    return set().union(*map(_text_terms, parts))


@lru_cache(maxsize=1 << 16)
def _text_terms(text: str) -> frozenset:
    # periods, materials, museums and tags repeat across a collection: tokenize each text once
    return frozenset(index_terms(text))


def term_shard_count(count: int) -> int:
    """The number of term shards for ``count`` records (a power of two in [8, 4096])."""
    shards = 8
    while shards < 4096 and shards * RECORDS_PER_TERM_SHARD < count:
        shards *= 2
    return shards


def fnv1a(text: str) -> int:
    """FNV-1a 32-bit hash of the UTF-8 bytes of ``text`` (the JS side has the same function)."""
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def shard_key(term: str) -> str:
    """The part of a term that chooses its shard: the first character if CJK, else the first 3."""
    return term[:1] if is_cjk(term) else term[:TERM_PREFIX]


def term_shard(term: str, shards: int) -> str:
    """The file (relative to OUT/catalogue/) holding ``term``'s postings among ``shards`` term shards."""
    return f"terms/{fnv1a(shard_key(term)) % shards}.json"


def facet_key(value: dict, languages) -> str:
    """A facet value's identity: its text in the first of ``languages`` it has, normalized."""
    for lang in (*languages, *sorted(value)):
        if value.get(lang):
            return " ".join(normalize(value[lang]).split())
    return ""


def facet_file(facet: str, key: str) -> str:
    return f"facets/{facet}/{fnv1a(key):08x}.json"


def encode_postings(ids: list[int], count: int):
    """Sorted record numbers -> a JSON array of gaps, or a base64 bitmap string when that is smaller."""
    if len(ids) * BITMAP_RATIO > count:
        bits = bytearray((count + 7) // 8)
        for i in ids:
            bits[i >> 3] |= 1 << (i & 7)
        return base64.b64encode(bytes(bits)).decode("ascii")
    return [b - a for a, b in zip([0, *ids], ids)]


def _dump(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _most_common(counter: Counter[str]) -> str:
    """The most frequent text, ties broken by the text itself (so the label does not depend on order)."""
    return min(counter, key=lambda t: (-counter[t], t))


def _facet_values(records, languages):
    """facet -> {key: (sorted record numbers, label {lang: its most frequent text, ties by text})}."""
    languages = tuple(languages)
    out = {}
    for field, facet in FACETS.items():
        ids: defaultdict[str, list[int]] = defaultdict(list)
        # key -> Counter of the texts' (lang, text) items as written
        spellings: defaultdict[str, Counter] = defaultdict(Counter)
        for n, record in enumerate(records):
            raw = record.get(field)
            seen = set()
            for value in (raw or ()) if field == "tags" else (raw,) if raw else ():
                items = tuple(value.items())
                key = _facet_key(items, languages)
                if key and key not in seen:
                    seen.add(key)
                    ids[key].append(n)
                    spellings[key][items] += 1
        values = {}
        for key, counter in spellings.items():
            by_lang: defaultdict[str, Counter[str]] = defaultdict(Counter)
            for items, times in counter.items():
                for lang, text in items:
                    by_lang[lang][unicodedata.normalize("NFC", text.strip())] += times
            label = {lang: _most_common(c) for lang, c in sorted(by_lang.items())}
            values[key] = (ids[key], label)
        out[facet] = values
    return out


@lru_cache(maxsize=1 << 14)
def _facet_key(items: tuple, languages: tuple) -> str:
    return facet_key(dict(items), languages)


def catalogue_files(collection_meta: dict, records: list[dict]) -> dict[str, bytes]:
    """Every file under OUT/catalogue/ for ``records`` (in collection order): relative posix path -> bytes.

    ``collection_meta`` is ``{"id", "title", "languages", "description"}``. See the module docstring for
    the layout; the result is deterministic and sorted by path.
    """
    count = len(records)
    languages = list(collection_meta.get("languages") or ["en"])
    shards = term_shard_count(count)
    files: dict[str, bytes] = {}

    for k in range(0, count, RECORD_SHARD_SIZE):
        cards = [{f: r[f] for f in CARD_FIELDS if r.get(f)} for r in records[k : k + RECORD_SHARD_SIZE]]
        files[f"records/{k // RECORD_SHARD_SIZE}.json"] = _dump(cards)

    postings: dict[str, list[int]] = defaultdict(list)
    for n, record in enumerate(records):
        for term in record_terms(record):
            postings[term].append(n)  # n grows, so every list is sorted
    by_shard: list[dict] = [{} for _ in range(shards)]
    for term, ids in postings.items():
        by_shard[fnv1a(shard_key(term)) % shards][term] = encode_postings(ids, count)
    for s, terms in enumerate(by_shard):
        files[f"terms/{s}.json"] = _dump(terms)

    facets_meta = {}
    for facet, values in _facet_values(records, languages).items():
        by_file: dict[str, dict] = defaultdict(dict)
        for key, (ids, _) in values.items():
            by_file[facet_file(facet, key)][key] = encode_postings(ids, count)
        files.update((path, _dump(content)) for path, content in by_file.items())
        ranked = sorted(values.items(), key=lambda kv: (-len(kv[1][0]), kv[0]))[:FACET_VALUES_MAX]
        facets_meta[facet] = [
            {"key": key, "label": label, "count": len(ids), "file": facet_file(facet, key)}
            for key, (ids, label) in ranked
        ]

    files[META_FILE] = _dump(
        {
            "vtour": CATALOGUE_VERSION,
            "id": collection_meta.get("id"),
            "title": collection_meta.get("title"),
            "languages": languages,
            "description": collection_meta.get("description"),
            "count": count,
            "pageSize": PAGE_SIZE,
            "recordShard": RECORD_SHARD_SIZE,
            "termShards": shards,
            "termPrefix": TERM_PREFIX,
            "facets": facets_meta,
        }
    )
    return dict(sorted(files.items()))


def catalogue_html(collection_meta: dict) -> str:
    """OUT/index.html: a tiny shell that runs ``viewer/vtour-catalogue.js`` on ``catalogue/meta.json``."""
    languages = list(collection_meta.get("languages") or ["en"])
    lang = languages[0]
    title = collection_meta.get("title") or {}
    if isinstance(title, str):
        title = {lang: title}
    name = title.get(lang) or next(iter(title.values()), "") or collection_meta.get("id") or "Catalogue"
    e = html.escape
    return (
        "<!doctype html>\n"
        f'<html lang="{e(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(name)}</title>\n"
        '<link rel="icon" href="data:,">\n'
        f'<link rel="preload" href="./catalogue/{META_FILE}" as="fetch" crossorigin>\n'
        '<script type="module" src="./viewer/vtour-catalogue.js"></script>\n'
        "</head>\n<body>\n"
        f'<div id="vtour-catalogue" data-index="./catalogue/{META_FILE}">'
        f"<noscript><h1>{e(name)}</h1><p>This catalogue needs JavaScript.</p></noscript></div>\n"
        "</body>\n</html>\n"
    )
