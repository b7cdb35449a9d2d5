// Postings: the sorted record numbers of a term or facet value, as vtour/collection/catalogue.py writes
// them: a JSON array of gaps ([3, 1, 7] = 3, 4, 11) or a base64 bitmap string (bit i % 8 of byte i / 8).

/** Decode one postings value into a sorted Int32Array of record numbers. */
export function decodePostings(value) {
  if (typeof value === "string") {
    const bytes = atob(value);
    const out = [];
    for (let k = 0; k < bytes.length; k++) {
      let b = bytes.charCodeAt(k);
      while (b) {
        const low = b & -b;
        out.push(k * 8 + 31 - Math.clz32(low));
        b ^= low;
      }
    }
    return Int32Array.from(out);
  }
  const out = new Int32Array(value.length);
  let n = 0;
  for (let i = 0; i < value.length; i++) out[i] = n += value[i];
  return out;
}

/** The record numbers in every one of `lists` (sorted Int32Arrays); smallest list first keeps it linear. */
export function intersect(lists) {
  if (lists.length === 0) return null;
  const sorted = [...lists].sort((a, b) => a.length - b.length);
  let result = sorted[0];
  for (const other of sorted.slice(1)) {
    const out = new Int32Array(result.length);
    let n = 0;
    for (let i = 0, j = 0; i < result.length && j < other.length;) {
      if (result[i] === other[j]) { out[n++] = result[i]; i++; j++; } else if (result[i] < other[j]) i++; else j++;
    }
    result = out.subarray(0, n);
    if (n === 0) break;
  }
  return result;
}

/** The record numbers in any of `lists` (sorted, each once), among `count` records. */
export function union(lists, count) {
  if (lists.length === 1) return lists[0];
  const seen = new Uint8Array(count);
  let n = 0;
  for (const list of lists) for (const i of list) if (!seen[i]) { seen[i] = 1; n++; }
  const out = new Int32Array(n);
  for (let i = 0, k = 0; k < n; i++) if (seen[i]) out[k++] = i;
  return out;
}
