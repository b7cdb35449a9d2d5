// The catalogue's tokenizer, twin of vtour/collection/search_text.py (read its docstring for the rules);
// tests/js/fixtures/tokens.json pins that both give the same terms.

/** Code point ranges indexed one character and one pair at a time (Han, kana, Hangul). */
const CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u{20000}-\u{2fa1f}";
/** (CJK run) | (word: letters and digits that are not CJK) */
const RUN = new RegExp(`([${CJK}]+)|((?:(?![${CJK}])[\\p{L}\\p{N}])+)`, "gu");
const CJK_START = new RegExp(`^[${CJK}]`, "u");
const ASCII_WORD = /^[a-z]+$/;

function byCodePoint(a, b) {
  const x = Array.from(a, (c) => c.codePointAt(0));
  const y = Array.from(b, (c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** Groups of terms in Python's order for lists of strings: element by element, a shorter prefix first. */
function byGroup(a, b) {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = byCodePoint(a[i], b[i]);
    if (c) return c;
  }
  return a.length - b.length;
}

/** A prefix shorter than this (in characters) is looked up as a whole term. */
export const PREFIX_MIN = 3;

/** NFKC then lower case, ß -> ss and ς -> σ (Python: str.lower, the same Unicode mapping as toLowerCase). */
export function normalize(text) {
  return String(text).normalize("NFKC").toLowerCase().replace(/ß/g, "ss").replace(/ς/g, "σ");
}

/**
 * `word` and every singular it may be the plural of, sorted by code point (search_text.word_forms): only a
 * lowercase ASCII word longer than 3 letters with a plural ending has more than itself (niches -> niche, nich).
 */
export function wordForms(word) {
  const forms = new Set([word]);
  if (word.length > 3 && ASCII_WORD.test(word) && word.endsWith("s")) {
    if (word.endsWith("ies") && word.length > 4) { forms.add(`${word.slice(0, -3)}y`); forms.add(word.slice(0, -1)); }
    else if (word.endsWith("es") && ["s", "x", "z", "ch", "sh", "o"].some((e) => word.slice(0, -2).endsWith(e))) {
      forms.add(word.slice(0, -1)); forms.add(word.slice(0, -2));
    } else if (!["ss", "us", "is"].some((e) => word.endsWith(e))) forms.add(word.slice(0, -1));
  }
  return [...forms].sort(byCodePoint);
}

/** The shortest singular form of `word` (ties: the first by code point). */
export function stem(word) {
  return wordForms(word).reduce((a, b) => (b.length < a.length ? b : a));
}

/** One Latin letter (Basic Latin to Latin Extended-B): ignored as the word being typed. */
function isShortLatin(word) {
  return Array.from(word).length < 2 && /^\p{L}$/u.test(word) && word.codePointAt(0) < 0x250;
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


/** Every term under which `text` is indexed (sorted by code point): words and their singular forms, CJK grams. */
export function indexTerms(text) {
  const terms = new Set();
  for (const { cjk, word } of runs(normalize(text))) {
    if (cjk) {
      const chars = Array.from(cjk);
      chars.forEach((c) => terms.add(c));
      bigrams(chars).forEach((b) => terms.add(b));
    } else wordForms(word).forEach((f) => terms.add(f));
  }
  return [...terms].sort(byCodePoint);
}

/**
 * What a query looks up: {terms: [[alternative, ...], ...] (every group must match one of its alternatives
 * exactly; sorted), prefix: string | null (must start some term)}. The last word is a prefix while it is being
 * typed (no separator after it, >= PREFIX_MIN), as typed; one Latin letter being typed is ignored.
 */
export function queryTerms(query) {
  const normalized = normalize(query);
  const found = runs(normalized);
  const groups = new Map();
  const add = (group) => groups.set(JSON.stringify(group), group);
  let prefix = null;
  found.forEach(({ cjk, word, end }, i) => {
    if (cjk) {
      const chars = Array.from(cjk);
      (chars.length === 1 ? chars : bigrams(chars)).forEach((t) => add([t]));
      return;
    }
    const typing = i === found.length - 1 && end === normalized.length;
    if (typing && isShortLatin(word)) return;
    if (typing && Array.from(word).length >= PREFIX_MIN) prefix = word;
    else add(wordForms(word));
  });
  if (prefix !== null && [...groups.values()].some((g) => g.every((t) => t.startsWith(prefix)))) prefix = null;
  return { terms: [...groups.values()].sort(byGroup), prefix };
}
