"""vtour.collection.catalogue and vtour.collection.search_text: records, the sharded index's layout, its
determinism and incremental changes, the tokenizer pinned with the JS one (tests/js/fixtures/tokens.json),
and the first load's size at 100,000 records."""

from __future__ import annotations

import base64
import copy
import json
import sys
import time
from pathlib import Path

import pytest
from data_paths import ROOT

from vtour.collection.catalogue import (
    CATALOGUE_VERSION,
    META_FILE,
    RECORD_SHARD_SIZE,
    catalogue_files,
    catalogue_html,
    catalogue_record,
    facet_file,
    record_terms,
    term_shard,
    term_shard_count,
)
from vtour.collection.document import Collection, CollectionObject
from vtour.collection.search_text import index_terms, query_terms

sys.path.insert(0, str(Path(__file__).parent / "browser"))  # the synthetic records live with the browser tests
from catalogue_site import BUNDLE, synthetic_catalogue

FIXTURE = json.loads((ROOT / "tests" / "js" / "fixtures" / "tokens.json").read_text(encoding="utf-8"))
FIRST_LOAD_LIMIT = 300_000


def decode(postings, count: int) -> list[int]:
    if isinstance(postings, str):
        bits = base64.b64decode(postings)
        return [i for i in range(count) if bits[i >> 3] >> (i & 7) & 1]
    out, n = [], 0
    for gap in postings:
        n += gap
        out.append(n)
    return out


def load(files: dict, path: str):
    return json.loads(files[path])


@pytest.fixture(scope="module")
def small():
    meta, records = synthetic_catalogue(300, seed=3)
    return meta, records, catalogue_files(meta, records)


# -- the tokenizer -----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", FIXTURE["index"], ids=lambda c: c["text"][:20])
def test_index_terms_match_the_shared_fixture(case):
    assert sorted(index_terms(case["text"])) == case["terms"]


@pytest.mark.parametrize("case", FIXTURE["query"], ids=lambda c: c["query"][:20] or "empty")
def test_query_terms_match_the_shared_fixture(case):
    assert query_terms(case["query"]) == {"terms": case["terms"], "prefix": case["prefix"]}


def test_shard_paths_match_the_shared_fixture():
    for case in FIXTURE["shards"]:
        assert term_shard(case["term"], case["shards"]) == case["path"]


def test_a_chinese_word_is_found_by_its_bigrams_and_a_single_character_by_its_unigram():
    terms = index_terms("西周青铜鼎")

    def grams(query):
        return {t for (t,) in query_terms(query)["terms"]}

    assert grams("青铜") <= terms
    assert grams("周青铜") <= terms
    assert grams("鼎") <= terms
    assert not grams("铜周") <= terms


# -- records and the page ------------------------------------------------------------------------------


def test_a_record_holds_every_language_of_the_card_and_search_fields():
    collection = Collection(id="bronzes", title={"en": "Bronzes", "zh": "青铜器"}, languages=("en", "zh"))
    obj = CollectionObject(
        id="ding-01",
        title={"en": "Tripod cauldron", "zh": "鼎"},
        period={"en": "Western Zhou", "zh": "西周"},
        material={"en": "bronze", "zh": "青铜"},
        museum={"en": "Shenzhen Museum"},
        tags=({"en": "ritual", "zh": "礼器"}, {"en": "vessel"}),
        description={"en": "A cauldron.", "zh": "一件鼎。"},
        metadata={"Inventory": {"en": "SZM-001"}},
    )
    record = catalogue_record(
        collection, obj, thumb="objects/ding-01/thumb.jpg", thumb_small="objects/ding-01/thumb-small.jpg"
    )
    assert record == {
        "id": "ding-01",
        "url": "objects/ding-01/index.html",
        "thumb": "objects/ding-01/thumb.jpg",
        "thumbSmall": "objects/ding-01/thumb-small.jpg",
        "title": {"en": "Tripod cauldron", "zh": "鼎"},
        "date": None,
        "period": {"en": "Western Zhou", "zh": "西周"},
        "material": {"en": "bronze", "zh": "青铜"},
        "museum": {"en": "Shenzhen Museum"},
        "tags": [{"en": "ritual", "zh": "礼器"}, {"en": "vessel"}],
        "metadata": [{"en": "SZM-001"}],
        "description": {"en": "A cauldron.", "zh": "一件鼎。"},
    }
    assert {
        "ding",
        "01",
        "tripod",
        "鼎",
        "西周",
        "青铜",
        "shenzhen",
        "ritual",
        "礼器",
        "cauldron",
        "一件",
        "szm",
        "001",
    } <= record_terms(record), "an inventory number is searchable"


def test_the_page_loads_the_bundle_and_meta_with_relative_urls_and_escapes_the_title():
    html = catalogue_html({"id": "x", "title": {"zh": "<青铜器>", "en": "B"}, "languages": ["zh", "en"]})
    assert '<html lang="zh">' in html
    assert "<title>&lt;青铜器&gt;</title>" in html
    assert 'src="./viewer/vtour-catalogue.js"' in html
    assert f'data-index="./catalogue/{META_FILE}"' in html
    assert len(html.encode()) < 1000


# -- the index -------------------------------------------------------------------------------------------


def test_meta_lists_languages_counts_shards_and_facet_values_with_labels(small):
    _, records, files = small
    meta = load(files, META_FILE)
    assert meta["vtour"] == CATALOGUE_VERSION
    assert meta["count"] == 300 and meta["languages"] == ["en", "zh"]
    assert meta["termShards"] == term_shard_count(300)
    assert set(meta["facets"]) == {"period", "material", "museum", "tag"}
    for facet, values in meta["facets"].items():
        counts = [v["count"] for v in values]
        assert counts == sorted(counts, reverse=True)
        for value in values:
            assert set(value["label"]) == {"en", "zh"}
            ids = decode(load(files, value["file"])[value["key"]], 300)
            assert len(ids) == value["count"]
            field = "tags" if facet == "tag" else facet
            for n in ids:
                values_of = records[n][field] if field == "tags" else [records[n][field]]
                assert value["key"] in {v["en"].lower() for v in values_of}


def test_record_shards_hold_the_cards_in_collection_order(small):
    _, records, files = small
    shards = sorted((p for p in files if p.startswith("records/")), key=lambda p: int(p[8:-5]))
    assert len(shards) == -(-300 // RECORD_SHARD_SIZE)
    cards = [c for p in shards for c in load(files, p)]
    assert [c["id"] for c in cards] == [r["id"] for r in records]
    assert set(cards[0]) <= {"id", "url", "thumb", "thumbSmall", "title", "date", "period", "museum"}
    assert {"id", "url", "title"} <= set(cards[0])


def test_record_shards_stay_small_so_a_selective_page_of_scattered_cards_is_cheap(small):
    _, _, files = small
    assert RECORD_SHARD_SIZE <= 16
    largest = max(len(data) for path, data in files.items() if path.startswith("records/"))
    assert largest < 8_000, f"a record shard is {largest} bytes"


def test_a_singular_finds_its_plural_and_back_and_a_typed_prefix_is_kept_as_typed():
    for singular, plural in [
        ("niche", "niches"),
        ("axe", "axes"),
        ("lotus", "lotuses"),
        ("canvas", "canvases"),
        ("box", "boxes"),
        ("body", "bodies"),
        ("vase", "vases"),
        ("glass", "glasses"),
    ]:
        for query, text in [(singular, plural), (plural, singular)]:
            (group,) = query_terms(query + " ")["terms"]
            assert set(group) & index_terms(text), f"{query!r} misses {text!r}"
    assert query_terms("glas") == {"terms": [], "prefix": "glas"}
    assert "glass" in index_terms("Glasses")


def test_a_trailing_single_latin_letter_being_typed_is_ignored():
    assert query_terms("bronze a") == {"terms": [["bronze"]], "prefix": None}
    assert query_terms("x") == {"terms": [], "prefix": None}
    assert query_terms("青铜 b")["terms"] == [["青铜"]]


def test_every_term_shard_exists_and_every_posting_is_exactly_the_records_holding_the_term(small):
    _, records, files = small
    count = len(records)
    shards = term_shard_count(count)
    assert {f"terms/{s}.json" for s in range(shards)} == {p for p in files if p.startswith("terms/")}
    holders: dict[str, list[int]] = {}
    for n, record in enumerate(records):
        for term in record_terms(record):
            holders.setdefault(term, []).append(n)
    seen = 0
    for s in range(shards):
        for term, postings in load(files, f"terms/{s}.json").items():
            assert term_shard(term, shards) == f"terms/{s}.json"
            assert decode(postings, count) == holders[term], term
            seen += 1
    assert seen == len(holders)


def test_an_empty_collection_and_a_record_with_only_an_id_and_a_title_make_a_valid_index():
    meta = {"id": "c", "title": {"en": "C"}, "languages": ["en"], "description": None}
    files = catalogue_files(meta, [])
    assert load(files, META_FILE)["count"] == 0
    assert all(load(files, f"terms/{s}.json") == {} for s in range(term_shard_count(0)))
    record = {"id": "x-1", "url": "objects/x-1/index.html", "thumb": None, "title": {"en": "Plain pot"}}
    files = catalogue_files(meta, [record])
    assert load(files, "records/0.json") == [
        {"id": "x-1", "url": "objects/x-1/index.html", "title": {"en": "Plain pot"}}
    ]
    assert load(files, META_FILE)["facets"] == {"period": [], "material": [], "museum": [], "tag": []}
    assert decode(load(files, term_shard("pot", term_shard_count(1)))["pot"], 1) == [0]


def test_the_same_input_gives_the_same_bytes(small):
    meta, records, files = small
    again = catalogue_files(copy.deepcopy(meta), copy.deepcopy(records))
    assert list(again) == list(files) and again == files


def test_editing_one_title_changes_only_its_record_shard_and_the_term_shards_of_the_terms_it_changed(small):
    meta, records, files = small
    n = 77
    edited = copy.deepcopy(records)
    edited[n]["title"] = {"en": "Lacquered zither with phoenixes", "zh": "凤纹漆琴"}
    after = catalogue_files(meta, edited)
    changed = {p for p in set(files) | set(after) if files.get(p) != after.get(p)}
    shards = term_shard_count(len(records))
    terms = record_terms(records[n]) ^ record_terms(edited[n])
    expected = {f"records/{n // RECORD_SHARD_SIZE}.json"} | {term_shard(t, shards) for t in terms}
    assert changed == expected
    assert META_FILE not in changed and not any(p.startswith("facets/") for p in changed)
    assert len(changed) < 20


def test_a_facet_value_file_is_named_by_a_stable_hash_of_its_key():
    assert facet_file("period", "western zhou") == facet_file("period", "western zhou")
    assert facet_file("period", "western zhou").startswith("facets/period/")
    assert facet_file("period", "western zhou") != facet_file("period", "eastern zhou")


# -- at 100,000 records ------------------------------------------------------------------------------------


def test_at_100000_records_the_files_are_written_in_seconds_and_the_first_load_stays_under_300_kb():
    meta, records = synthetic_catalogue(100_000, seed=1)
    start = time.perf_counter()
    files = catalogue_files(meta, records)
    seconds = time.perf_counter() - start
    html = catalogue_html(meta).encode()
    bundle = BUNDLE.stat().st_size if BUNDLE.is_file() else 30_000  # the aim when the bundle is not built
    first = len(html) + bundle + len(files[META_FILE]) + len(files["records/0.json"])
    largest_term_shard = max(len(v) for p, v in files.items() if p.startswith("terms/"))
    print(
        f"\n100k: {len(files)} files, {sum(map(len, files.values())) / 1e6:.1f} MB in {seconds:.1f} s; first load "
        f"{first / 1000:.1f} kB (html {len(html)}, js {bundle}, meta {len(files[META_FILE])}, "
        f"records/0 {len(files['records/0.json'])}); largest term shard {largest_term_shard / 1000:.1f} kB"
    )
    assert first < FIRST_LOAD_LIMIT
    assert bundle < 30_000
    assert largest_term_shard < 200_000
    assert seconds < 60  # a few seconds on one core; generous for shared machines
