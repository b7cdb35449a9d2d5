// The catalogue's tokenizer, twin of vtour/collection/search_text.py (read its docstring for the rules);
// tests/js/fixtures/tokens.json pins that both give the same terms.

/** Code point ranges indexed one character and one pair at a time (Han, kana, Hangul). */
const CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u{20000}-\u{2fa1f}";
/** (CJK run) | (word: letters and digits that are not CJK) */
const RUN = new RegExp(`([${CJK}]+)|((?:(?![${CJK}])[\\p{L}\\p{N}])+)`, "gu");
const CJK_START = new RegExp(`^[${CJK}]`, "u");
const ASCII_WORD = /^[a-z]+$/;

/** A prefix shorter than this (in characters) is looked up as a whole term. */
export const PREFIX_MIN = 3;

/** NFKC then case folding (as Python's casefold for the letters a catalogue holds: ß -> ss, ς -> σ). */
export function normalize(text) {
  return String(text).normalize("NFKC").toLowerCase().replace(/ß/g, "ss").replace(/ς/g, "σ");
}

/** Light English plural stemming of a lowercase ASCII word longer than 3 letters; others unchanged. */
export function stem(word) {
  if (word.length <= 3 || !ASCII_WORD.test(word)) return word;
  if (word.endsWith("ies") && word.length > 4) return `${word.slice(0, -3)}y`;
  if (["sses", "xes", "ches", "shes"].some((e) => word.endsWith(e))) return word.slice(0, -2);
  if (word.endsWith("s") && !["ss", "us", "is"].some((e) => word.endsWith(e))) return word.slice(0, -1);
  return word;
}

/** True when `text` starts with a CJK character. */
export function isCjk(text) {
  return CJK_START.test(text);
}

function runs(normalized) {
  return Array.from(normalized.matchAll(RUN), (m) => ({ cjk: m[1], word: m[2], end: m.index + m[0].length }));
}

function bigrams(chars) {
  const out = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
  return out;
}

const byCodePoint = (a, b) => {
  const x = Array.from(a, (c) => c.codePointAt(0));
  const y = Array.from(b, (c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
};

/** Every term under which `text` is indexed (sorted by code point): stemmed words, CJK unigrams and bigrams. */
export function indexTerms(text) {
  const terms = new Set();
  for (const { cjk, word } of runs(normalize(text))) {
    if (cjk) {
      const chars = Array.from(cjk);
      chars.forEach((c) => terms.add(c));
      bigrams(chars).forEach((b) => terms.add(b));
    } else terms.add(stem(word));
  }
  return [...terms].sort(byCodePoint);
}

/**
 * What a query looks up: {terms: [...] (sorted, all required exactly), prefix: string | null (must start
 * some term)}. The last word is a prefix while it is being typed (no separator after it, >= PREFIX_MIN).
 */
export function queryTerms(query) {
  const normalized = normalize(query);
  const found = runs(normalized);
  const terms = new Set();
  let prefix = null;
  found.forEach(({ cjk, word, end }, i) => {
    if (cjk) {
      const chars = Array.from(cjk);
      (chars.length === 1 ? chars : bigrams(chars)).forEach((t) => terms.add(t));
      return;
    }
    const stemmed = stem(word);
    if (i === found.length - 1 && end === normalized.length && Array.from(stemmed).length >= PREFIX_MIN) prefix = stemmed;
    else terms.add(stemmed);
  });
  if (prefix !== null && terms.has(prefix)) prefix = null;
  return { terms: [...terms].sort(byCodePoint), prefix };
}
