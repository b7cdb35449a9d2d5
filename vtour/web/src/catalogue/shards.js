// Where the catalogue keeps a term: the same hash and shard key as vtour/collection/catalogue.py.
import { isCjk } from "./tokens.js";

const encoder = new TextEncoder();

/** FNV-1a 32-bit hash of the UTF-8 bytes of `text`, as an unsigned integer. */
export function fnv1a(text) {
  let h = 0x811c9dc5;
  for (const byte of encoder.encode(text)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h >>> 0;
}

/** The part of a term that picks its shard: its first character if CJK, else its first `prefix` characters. */
export function shardKey(term, prefix = 3) {
  const chars = Array.from(term);
  return chars.slice(0, isCjk(term) ? 1 : prefix).join("");
}

/** The term shard file (relative to the catalogue folder) holding `term`. */
export function termShardPath(term, shards, prefix = 3) {
  return `terms/${fnv1a(shardKey(term, prefix)) % shards}.json`;
}
