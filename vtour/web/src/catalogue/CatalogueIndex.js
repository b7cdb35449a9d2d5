// A catalogue's sharded index on a static host (vtour/collection/catalogue.py writes it): meta.json first,
// then only the term shards, facet postings and record shards a search needs, each fetched once and kept.
// Every key that comes from the data (a term, a facet key) is looked up with Object.hasOwn: a query for
// "constructor" or "__proto__" must find nothing, not Object.prototype's members.
import { decodePostings, intersect, union } from "./postings.js";
import { queryTerms, wordForms } from "./tokens.js";
import { fnv1a, termShardPath } from "./shards.js";
import { FACETS } from "./urlState.js";

const EMPTY = new Int32Array(0);
/** The meta.json format this page reads (catalogue.py's CATALOGUE_VERSION). */
export const CATALOGUE_VERSION = "catalogue/1";

/** `object[key]` when `object` has it as its own property, else undefined. */
export function own(object, key) {
  return object != null && typeof object === "object" && Object.hasOwn(object, key) ? object[key] : undefined;
}

/** The facet file of `key` (catalogue.py facet_file): facets/<facet>/<fnv1a hex>.json. */
export function facetFile(facet, key) {
  return `facets/${facet}/${fnv1a(key).toString(16).padStart(8, "0")}.json`;
}

/**
 * Throws, naming the field, unless `meta` has the shape and version this page reads; the error's `unreadable` is
 * true (the index came but cannot be read, unlike a failed fetch).
 */
export function checkMeta(meta) {
  const fail = (what) => { throw Object.assign(new Error(`CatalogueIndex: meta.json ${what}`), { unreadable: true }); };
  if (meta === null || typeof meta !== "object" || Array.isArray(meta)) fail(`is ${meta === null ? "null" : typeof meta}, not an object`);
  if (meta.vtour !== CATALOGUE_VERSION) fail(`has version ${JSON.stringify(meta.vtour)}, not "${CATALOGUE_VERSION}"`);
  const count = (name, min) => {
    if (!Number.isSafeInteger(meta[name]) || meta[name] < min) fail(`has ${name} ${JSON.stringify(meta[name])}, not an integer >= ${min}`);
  };
  count("count", 0);
  count("pageSize", 1);
  count("recordShard", 1);
  count("termShards", 1);
  count("termPrefix", 1);
  if (!Array.isArray(meta.languages) || !meta.languages.length || !meta.languages.every((l) => typeof l === "string")) {
    fail("has no list of languages");
  }
  if (meta.facets === null || typeof meta.facets !== "object" || Array.isArray(meta.facets)) fail("has no facets");
  for (const facet of Object.keys(meta.facets)) if (!Array.isArray(meta.facets[facet])) fail(`facet ${facet} is not a list`);
  return meta;
}

export class CatalogueIndex {
  /**
   * @param {string} metaUrl absolute or page-relative URL of meta.json; the other files are beside it.
   * @param {(url: string) => Promise<any>} [fetchJson] how to get a JSON file (tests pass their own); a failed
   *   fetch rejects with an Error whose `status` is the HTTP status, when there is one.
   */
  constructor(metaUrl, fetchJson = defaultFetchJson) {
    this.metaUrl = new URL(metaUrl, globalThis.location?.href ?? "http://localhost/");
    this.fetchJson = fetchJson;
    this.meta = null;
    this._files = new Map(); // path -> Promise<json>
    this._postings = new Map(); // "t:term" | "f:facet:key" -> Int32Array
  }

  /** Fetch meta.json and check its shape (checkMeta); resolves to it. */
  async load() {
    this.meta = checkMeta(await this.fetchJson(this.metaUrl.href));
    return this.meta;
  }

  /** A file beside meta.json, fetched once (a failed fetch is forgotten so it can be retried). */
  file(path) {
    let promise = this._files.get(path);
    if (!promise) {
      promise = this.fetchJson(new URL(path, this.metaUrl).href);
      promise.catch(() => this._files.delete(path));
      this._files.set(path, promise);
    }
    return promise;
  }

  /** The record numbers holding `term` exactly. */
  async term(term) {
    const cached = this._postings.get(`t:${term}`);
    if (cached) return cached;
    const shard = await this.file(termShardPath(term, this.meta.termShards, this.meta.termPrefix));
    const value = own(shard, term);
    const ids = value === undefined ? EMPTY : decodePostings(value);
    this._postings.set(`t:${term}`, ids);
    return ids;
  }

  /** The record numbers holding any of `terms` exactly (a query word's forms). */
  async anyTerm(terms) {
    const lists = await Promise.all(terms.map((t) => this.term(t)));
    return lists.length === 1 ? lists[0] : union(lists, this.meta.count);
  }

  /**
   * The record numbers holding a term that starts with `prefix` (one shard: prefix >= termPrefix chars), or one
   * of its singular forms exactly (so "niches" being typed finds "niche" too).
   */
  async prefix(prefix) {
    const others = wordForms(prefix).filter((f) => !f.startsWith(prefix));
    const [shard, ...exact] = await Promise.all([
      this.file(termShardPath(prefix, this.meta.termShards, this.meta.termPrefix)), ...others.map((f) => this.term(f))]);
    const lists = exact.filter((l) => l.length);
    if (shard && typeof shard === "object") {
      for (const term of Object.keys(shard)) if (term.startsWith(prefix)) lists.push(this._decodeTerm(term, shard[term]));
    }
    return lists.length ? union(lists, this.meta.count) : EMPTY;
  }

  _decodeTerm(term, value) {
    let ids = this._postings.get(`t:${term}`);
    if (!ids) this._postings.set(`t:${term}`, (ids = decodePostings(value)));
    return ids;
  }

  /** The facet's value entry in meta.json ({key, label, count, file}) or undefined (beyond the listed ones). */
  facetValue(facet, key) {
    return (own(this.meta.facets, facet) || []).find((v) => v && v.key === key);
  }

  /**
   * The record numbers with facet value `key`. A key meta.json does not list (it lists the most frequent values
   * only) is read from its file directly (facetFile); a key no object has (its file is absent) matches nothing.
   */
  async facet(facet, key) {
    const id = `f:${facet}:${key}`;
    const cached = this._postings.get(id);
    if (cached) return cached;
    const value = this.facetValue(facet, key);
    let content;
    try {
      content = await this.file(value?.file ?? facetFile(facet, key));
    } catch (error) {
      if (value || error?.status !== 404) throw error;
      content = {};
    }
    const postings = own(content, key);
    const ids = postings === undefined ? EMPTY : decodePostings(postings);
    this._postings.set(id, ids);
    return ids;
  }

  /**
   * The records matching a state's query and filters: {ids: Int32Array | null (null: every record, in
   * order), total}. Every file it needs is fetched at once.
   */
  async search(state) {
    const { terms, prefix } = queryTerms(state.q || "");
    const wanted = terms.map((group) => this.anyTerm(group));
    if (prefix) wanted.push(this.prefix(prefix));
    for (const facet of FACETS) if (state[facet]) wanted.push(this.facet(facet, state[facet]));
    const ids = intersect(await Promise.all(wanted));
    return { ids, total: ids ? ids.length : this.meta.count };
  }

  /**
   * The card records of the given record numbers, in that order (their shards fetched at once). `onShard(cards)`,
   * when given, is called each time a shard arrives with the cards known so far (undefined where not yet).
   */
  async records(numbers, onShard = null) {
    const size = this.meta.recordShard;
    const cards = new Array(numbers.length).fill(undefined);
    const paths = [...new Set(numbers.map((n) => `records/${Math.floor(n / size)}.json`))];
    await Promise.all(paths.map(async (path) => {
      const shard = await this.file(path);
      if (!Array.isArray(shard)) throw new Error(`CatalogueIndex: ${path} is not a list of records`);
      numbers.forEach((n, i) => {
        if (`records/${Math.floor(n / size)}.json` === path) cards[i] = shard[n % size] ?? null;
      });
      onShard?.(cards.slice());
    }));
    return cards;
  }

  /** The record numbers on page `page` (1-based) of a search result. */
  pageNumbers(result, page) {
    const size = this.meta.pageSize;
    const start = (page - 1) * size;
    const end = Math.min(result.total, start + size);
    const out = [];
    for (let i = start; i < end; i++) out.push(result.ids ? result.ids[i] : i);
    return out;
  }
}

async function defaultFetchJson(url) {
  const response = await fetch(url);
  if (!response.ok) {
    throw Object.assign(new Error(`CatalogueIndex: ${url} answered HTTP ${response.status}`), { status: response.status });
  }
  return response.json();
}
