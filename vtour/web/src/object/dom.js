/**
 * Small DOM helpers of the object and story pages. Collection text is only ever set with textContent (el's
 * `text`) or as attribute values: never parsed as HTML.
 */

/**
 * A new element: `tag` with optional {className, text, lang, dir, attrs: {name: value}} and children (elements or
 * strings, set as text; null/false skipped).
 */
export function el(tag, { className = "", text = null, attrs = {}, lang = null, dir = null } = {}, children = []) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text != null) e.textContent = String(text);
  if (lang) e.lang = lang;
  if (dir) e.dir = dir;
  for (const [k, v] of Object.entries(attrs)) if (v != null && v !== false) e.setAttribute(k, v === true ? "" : String(v));
  for (const c of children) if (c != null && c !== false) e.append(c);
  return e;
}

/** The JSON at `url` (relative to the page); rejects naming the URL and the HTTP status. */
export async function fetchJson(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${url}`);
  return res.json();
}

/** A <style> holding `css` (the pages put their styles in their own root, as the viewer does). */
export function styleElement(css) {
  const s = document.createElement("style");
  s.textContent = css;
  return s;
}

/** A labelled <select> of `languages` (each named in itself), `value` chosen; onChange(lang). */
export function languageSelect(languages, value, label, onChange, nameOf) {
  const id = `vtour-lang-${Math.random().toString(36).slice(2)}`;
  const select = el("select", { className: "vtour-page-language", attrs: { id } },
    languages.map((l) => el("option", { text: nameOf(l), lang: l, attrs: { value: l } })));
  select.value = value;
  select.addEventListener("change", () => onChange(select.value));
  return el("div", { className: "vtour-page-language-box" }, [el("label", { text: label, attrs: { for: id } }), select]);
}
