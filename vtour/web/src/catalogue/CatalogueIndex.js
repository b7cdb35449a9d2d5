// A catalogue's sharded index on a static host (vtour/collection/catalogue.py writes it): meta.json first,
// then only the term shards, facet postings and record shards a search needs, each fetched once and kept.
import { decodePostings, intersect, union } from "./postings.js";
import { queryTerms } from "./tokens.js";
import { termShardPath } from "./shards.js";
import { FACETS } from "./urlState.js";

const EMPTY = new Int32Array(0);

export class CatalogueIndex {
  /**
   * @param {string} metaUrl absolute or page-relative URL of meta.json; the other files are beside it.
   * @param {(url: string) => Promise<any>} [fetchJson] how to get a JSON file (tests pass their own).
   */
  constructor(metaUrl, fetchJson = defaultFetchJson) {
    this.metaUrl = new URL(metaUrl, globalThis.location?.href ?? "http://localhost/");
    this.fetchJson = fetchJson;
    this.meta = null;
    this._files = new Map(); // path -> Promise<json>
    this._postings = new Map(); // "t:term" | "f:facet:key" -> Int32Array
  }

  /** Fetch meta.json; resolves to it. */
  async load() {
    this.meta = await this.fetchJson(this.metaUrl.href);
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
    const ids = shard[term] === undefined ? EMPTY : decodePostings(shard[term]);
    this._postings.set(`t:${term}`, ids);
    return ids;
  }

  /** The record numbers holding a term that starts with `prefix` (one shard: prefix >= termPrefix chars). */
  async prefix(prefix) {
    const shard = await this.file(termShardPath(prefix, this.meta.termShards, this.meta.termPrefix));
    const lists = [];
    for (const term of Object.keys(shard)) if (term.startsWith(prefix)) lists.push(this._decodeTerm(term, shard[term]));
    return lists.length ? union(lists, this.meta.count) : EMPTY;
  }

  _decodeTerm(term, value) {
    let ids = this._postings.get(`t:${term}`);
    if (!ids) this._postings.set(`t:${term}`, (ids = decodePostings(value)));
    return ids;
  }

  /** The facet's value entry in meta.json ({key, label, count, file}) or undefined. */
  facetValue(facet, key) {
    return (this.meta.facets[facet] || []).find((v) => v.key === key);
  }

  /** The record numbers with facet value `key` (none for a key meta.json does not list). */
  async facet(facet, key) {
    const id = `f:${facet}:${key}`;
    const cached = this._postings.get(id);
    if (cached) return cached;
    const value = this.facetValue(facet, key);
    const ids = value ? decodePostings((await this.file(value.file))[key] ?? []) : EMPTY;
    this._postings.set(id, ids);
    return ids;
  }

  /**
   * The records matching a state's query and filters: {ids: Int32Array | null (null: every record, in
   * order), total}. Every file it needs is fetched at once.
   */
  async search(state) {
    const { terms, prefix } = queryTerms(state.q || "");
    const wanted = terms.map((t) => this.term(t));
    if (prefix) wanted.push(this.prefix(prefix));
    for (const facet of FACETS) if (state[facet]) wanted.push(this.facet(facet, state[facet]));
    const ids = intersect(await Promise.all(wanted));
    return { ids, total: ids ? ids.length : this.meta.count };
  }

  /** The card records of the given record numbers, in that order (their shards fetched at once). */
  async records(numbers) {
    const size = this.meta.recordShard;
    const shards = await Promise.all(numbers.map((n) => this.file(`records/${Math.floor(n / size)}.json`)));
    return numbers.map((n, i) => shards[i][n % size]);
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
  if (!response.ok) throw new Error(`CatalogueIndex: ${url} answered HTTP ${response.status}`);
  return response.json();
}
