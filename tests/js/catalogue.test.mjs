// vtour/web/src/catalogue/: the tokenizer (pinned against the Python one by tests/js/fixtures/tokens.json),
// postings, term shards, the URL-hash state and CatalogueIndex's search over a small in-memory index.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { CatalogueIndex, checkMeta, facetFile } from "../../vtour/web/src/catalogue/CatalogueIndex.js";
import { decodePostings, intersect, union } from "../../vtour/web/src/catalogue/postings.js";
import { fnv1a, termShardPath } from "../../vtour/web/src/catalogue/shards.js";
import { CATALOGUE_LABELS, label, pick } from "../../vtour/web/src/catalogue/labels.js";
import { cardHref } from "../../vtour/web/src/catalogue/CatalogueView.js";
import { indexTerms, queryTerms, stem, wordForms } from "../../vtour/web/src/catalogue/tokens.js";
import { defaultState, formatHash, parseHash } from "../../vtour/web/src/catalogue/urlState.js";

const fixture = JSON.parse(readFileSync(new URL("./fixtures/tokens.json", import.meta.url), "utf8"));

test("index terms agree with the Python tokenizer on every shared case", () => {
  for (const { text, terms } of fixture.index) assert.deepEqual(indexTerms(text), terms, JSON.stringify(text));
});

test("query terms and the typed prefix agree with the Python tokenizer on every shared case", () => {
  for (const { query, terms, prefix } of fixture.query) {
    assert.deepEqual(queryTerms(query), { terms, prefix }, JSON.stringify(query));
  }
});

test("a plural and its singular share a form whichever is typed; short and non-ASCII words are left alone", () => {
  for (const [one, many] of [["niche", "niches"], ["axe", "axes"], ["lotus", "lotuses"], ["canvas", "canvases"],
                             ["vase", "vases"], ["body", "bodies"], ["glass", "glasses"], ["box", "boxes"]]) {
    assert.ok(wordForms(one).some((f) => indexTerms(many).includes(f)), `${one} finds ${many}`);
    assert.ok(wordForms(many).some((f) => indexTerms(one).includes(f)), `${many} finds ${one}`);
  }
  assert.equal(stem("bodies"), "body");
  assert.deepEqual(wordForms("bus"), ["bus"]);
  assert.deepEqual(wordForms("cafés"), ["cafés"]);
});

test("the word being typed is a prefix as typed, never stemmed; one Latin letter being typed is ignored", () => {
  assert.deepEqual(queryTerms("glas"), { terms: [], prefix: "glas" });
  assert.deepEqual(queryTerms("bronze a"), { terms: [["bronze"]], prefix: null });
  assert.deepEqual(queryTerms("x"), { terms: [], prefix: null });
});

test("term shards use the Python hash and shard key", () => {
  for (const { term, fnv1a: hash, shards, path } of fixture.shards) {
    assert.equal(termShardPath(term, shards), path, term);
    assert.equal(fnv1a(term), hash, term);
  }
  assert.equal(termShardPath("bronzeware", 64), termShardPath("bron", 64), "a prefix shares its terms' shard");
});

test("postings decode from gaps and from bitmaps", () => {
  for (const { ids, encoded } of fixture.postings) assert.deepEqual([...decodePostings(encoded)], ids);
});

test("intersection keeps the records in every list; union the records in any, once, sorted", () => {
  const a = Int32Array.from([1, 3, 5, 7, 9]);
  const b = Int32Array.from([0, 3, 4, 7, 10]);
  assert.deepEqual([...intersect([a, b])], [3, 7]);
  assert.deepEqual([...intersect([a, b, Int32Array.from([7])])], [7]);
  assert.equal(intersect([]), null);
  assert.deepEqual([...union([a, b], 11)], [0, 1, 3, 4, 5, 7, 9, 10]);
});

test("the hash carries query, facets, page and language, and parses back", () => {
  const state = { q: "青铜 bronze & co", period: "western zhou", material: null, museum: "palace museum", tag: "daily life",
                  page: 3, lang: "zh" };
  const hash = formatHash(state);
  assert.equal(hash, "q=%E9%9D%92%E9%93%9C+bronze+%26+co&period=western+zhou&museum=palace+museum&tag=daily+life&page=3&lang=zh");
  assert.deepEqual(parseHash(`#${hash}`), state);
});

test("an empty or broken hash gives the default state, and the default state an empty hash", () => {
  assert.deepEqual(parseHash(""), defaultState());
  assert.deepEqual(parseHash("#page=-2&period=&q="), defaultState());
  assert.deepEqual(parseHash("#page=abc").page, 1);
  assert.equal(formatHash(defaultState()), "");
});

/** A 5-record index built by hand in the layout catalogue.py writes. */
function tinyIndex() {
  const meta = { vtour: "catalogue/1", languages: ["en"], count: 5, pageSize: 2, recordShard: 2, termShards: 8, termPrefix: 3,
                 facets: { period: [{ key: "han", label: { en: "Han" }, count: 2, file: "facets/period/a.json" }] } };
  // gaps: bronze = 0, 2, 3; bowl = 1, 3; 青铜 = 2, 3; period han = 1, 3; niche = 1; niches = 4
  // (period "song" is beyond meta.json's list: only its file knows it)
  const postings = { bronze: [0, 2, 1], bowl: [1, 2], bronzeware: [4], "鼎": [0], "青铜": [2, 1], niche: [1], niches: [4],
                     nich: [4] };
  const files = { "meta.json": meta, "facets/period/a.json": { han: [1, 2] }, [facetFile("period", "song")]: { song: [0, 4] } };
  for (let k = 0; k < 8; k++) files[`terms/${k}.json`] = {};  // every shard is written, as catalogue.py does
  for (const [term, value] of Object.entries(postings)) {
    const path = termShardPath(term, 8);
    files[path] = { ...files[path], [term]: value };
  }
  const records = [0, 1, 2, 3, 4].map((i) => ({ id: `o${i}` }));
  for (let k = 0; k < 3; k++) files[`records/${k}.json`] = records.slice(2 * k, 2 * k + 2);
  const fetched = [];
  const fetchJson = async (url) => {
    const path = url.replace("http://host/cat/", "");
    fetched.push(path);
    if (!Object.hasOwn(files, path)) throw Object.assign(new Error(`404 ${path}`), { status: 404 });
    return files[path];
  };
  return { index: new CatalogueIndex("http://host/cat/meta.json", fetchJson), fetched, files };
}

test("a search ANDs its terms, matches the typed prefix and filters by facet; files are fetched once", async () => {
  const { index, fetched } = tinyIndex();
  await index.load();
  const ids = async (state) => [...((await index.search({ ...defaultState(), ...state })).ids ?? [])];
  assert.deepEqual(await ids({ q: "bronze " }), [0, 2, 3]);
  assert.deepEqual(await ids({ q: "bron" }), [0, 2, 3, 4]);
  assert.deepEqual(await ids({ q: "bowl bron" }), [3]);
  assert.deepEqual(await ids({ q: "青铜" }), [2, 3]);
  assert.deepEqual(await ids({ q: "鼎" }), [0]);
  assert.deepEqual(await ids({ q: "青铜", period: "han" }), [3]);
  assert.deepEqual(await ids({ q: "nothing " }), []);
  assert.deepEqual(await ids({ period: "unknown" }), []);
  const all = await index.search(defaultState());
  assert.equal(all.ids, null);
  assert.equal(all.total, 5);
  assert.deepEqual(index.pageNumbers(all, 3), [4]);
  assert.deepEqual((await index.records([4, 0, 1])).map((r) => r.id), ["o4", "o0", "o1"]);
  assert.equal(new Set(fetched).size, fetched.length, `a file was fetched twice: ${fetched}`);
});

test("Object.prototype's names are no terms: constructor, __proto__ and toString find nothing", async () => {
  const { index } = tinyIndex();
  await index.load();
  for (const q of ["constructor ", "__proto__ ", "tostring ", "con", "hasownproperty "]) {
    assert.deepEqual([...(await index.search({ ...defaultState(), q })).ids], [], q);
  }
  assert.deepEqual([...(await index.search({ ...defaultState(), period: "constructor" })).ids], []);
  assert.equal(pick({}, "constructor"), "");
  assert.equal(label("constructor", "toString"), "toString");
});

test("a singular finds its plural while typed and once typed", async () => {
  const { index } = tinyIndex();
  await index.load();
  const ids = async (q) => [...(await index.search({ ...defaultState(), q })).ids];
  assert.deepEqual(await ids("niche"), [1, 4]);
  assert.deepEqual(await ids("niches"), [1, 4], "typing the plural finds the singular too");
  assert.deepEqual(await ids("niches "), [1, 4]);
  assert.deepEqual(await ids("bronze a"), [0, 2, 3], "a trailing letter is ignored");
});

test("a facet value beyond meta.json's list is read from its own file; an unknown one matches nothing", async () => {
  const { index } = tinyIndex();
  await index.load();
  assert.deepEqual([...(await index.search({ ...defaultState(), period: "song" })).ids], [0, 4]);
  assert.deepEqual([...(await index.search({ ...defaultState(), period: "nowhere" })).ids], []);
});

test("records come shard by shard: each arrival reports the cards known so far, in page order", async () => {
  const { index } = tinyIndex();
  await index.load();
  const seen = [];
  const cards = await index.records([4, 0, 1], (partial) => seen.push(partial.map((c) => c?.id ?? null)));
  assert.deepEqual(cards.map((c) => c.id), ["o4", "o0", "o1"]);
  assert.equal(seen.length, 2, "one report per shard (records/0 and records/2)");
  assert.deepEqual(seen.at(-1), ["o4", "o0", "o1"]);
  assert.ok(seen[0].includes(null), "the first report has holes");
});

test("a meta.json of the wrong shape or version is refused with the field named", () => {
  const good = { vtour: "catalogue/1", languages: ["en"], count: 0, pageSize: 24, recordShard: 16, termShards: 8,
                 termPrefix: 3, facets: {} };
  assert.equal(checkMeta(good), good);
  assert.throws(() => checkMeta(null), /meta\.json is null/);
  assert.throws(() => checkMeta({ ...good, vtour: "catalogue/9" }), /version "catalogue\/9"/);
  assert.throws(() => checkMeta({ ...good, facets: undefined }), /no facets/);
  assert.throws(() => checkMeta({ ...good, count: -1 }), /count -1/);
  assert.throws(() => checkMeta([]), /not an object/);
  assert.throws(() => checkMeta(null), (error) => error.unreadable === true);
});

test("a card links to its object page's index.html in the catalogue's language", () => {
  assert.equal(cardHref({ id: "a", url: "objects/a/index.html" }, "zh"), "objects/a/index.html#lang=zh");
  assert.equal(cardHref({ id: "a b" }, "en"), "objects/a%20b/index.html#lang=en");
});

test("interface words exist in English and Chinese for the same keys, with English as the fallback", () => {
  assert.deepEqual(Object.keys(CATALOGUE_LABELS.zh).sort(), Object.keys(CATALOGUE_LABELS.en).sort());
  assert.equal(label("zh", "page", { p: 2, n: 9 }), "第 2 页，共 9 页");
  assert.equal(label("fr", "search"), "Search the collection");
});

test("a collection text shows in the asked language, else the collection's languages in order", () => {
  assert.equal(pick({ en: "Bell", zh: "编钟" }, "zh", ["en", "zh"]), "编钟");
  assert.equal(pick({ en: "Bell" }, "zh", ["en", "zh"]), "Bell");
  assert.equal(pick({ fr: "Cloche" }, "zh", ["en", "zh"]), "Cloche");
  assert.equal(pick("Plain", "zh"), "Plain");
  assert.equal(pick(null, "en"), "");
});
