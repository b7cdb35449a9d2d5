import { clipRegion } from "./imageRegion.js";

/**
 * A deep-zoom image's regions from its W3C Web Annotation page (tour.json images[].annotations, written by the
 * tour build: docs/tour-json.md). Pure: no DOM, so node --test covers it.
 *
 * Each annotation's `target` carries a media fragment `xywh=x,y,w,h` (full-resolution image px; `pixel:` is the same)
 * or `xywh=percent:x,y,w,h` (percent of the image's width and height), after `#` in its id or as a selector's value;
 * other dimensions beside it (`&t=..`) are ignored, a malformed xywh is warned about. Its bodies are TextualBody
 * objects with a `language`: per language, the first whose purpose is not "describing" is the title, the
 * "describing" one the text. Texts stay plain strings: the dialog sets them with textContent.
 */

const NUMBER = String.raw`\d+(?:\.\d+)?`;
const XYWH = new RegExp(String.raw`^(?:(pixel|percent):)?(${NUMBER}),(${NUMBER}),(${NUMBER}),(${NUMBER})$`);

/**
 * The xywh media fragment of one target string ("...#xywh=..", "xywh=..&t=.."): {unit: "pixel" | "percent", xywh:
 * [x, y, w, h]}, {error} when there is an xywh it cannot read (extra parts, another unit, w or h not > 0), null when
 * there is none.
 */
export function parseXywh(text) {
  const fragment = text.includes("#") ? text.slice(text.lastIndexOf("#") + 1) : text;
  const value = fragment.split("&").find((p) => p.startsWith("xywh="))?.slice(5);
  if (value === undefined) return null;
  const m = XYWH.exec(decodeURIComponent(value).trim());
  if (!m) return { error: `unreadable xywh=${value}` };
  const xywh = m.slice(2, 6).map(Number);
  if (!(xywh[2] > 0 && xywh[3] > 0)) return { error: `empty xywh=${value}` };
  return { unit: m[1] || "pixel", xywh };
}

/**
 * An annotation target's region (a string, or {id} / {source, selector: {value}}, or a list of those): [x, y, w, h]
 * image px; `size` {width, height} (image px) converts percent (without it a percent region is unusable). Returns
 * {region} or {error} (what is wrong) or null (no xywh at all).
 */
export function targetRegion(target, size = null) {
  const candidates = [];
  for (const t of Array.isArray(target) ? target : [target]) {
    if (typeof t === "string") candidates.push(t);
    else if (t && typeof t === "object") {
      if (typeof t.id === "string") candidates.push(t.id);
      for (const s of Array.isArray(t.selector) ? t.selector : [t.selector]) {
        if (typeof s?.value === "string") candidates.push(s.value);
      }
    }
  }
  let error = null;
  for (const text of candidates) {
    const f = parseXywh(text);
    if (!f) continue;
    if (f.error) { error ??= f.error; continue; }
    if (f.unit === "pixel") return { region: f.xywh };
    if (!(size?.width > 0 && size?.height > 0)) { error ??= "xywh=percent: without the image's size"; continue; }
    const [x, y, w, h] = f.xywh;
    return { region: [x * size.width / 100, y * size.height / 100, w * size.width / 100, h * size.height / 100] };
  }
  return error ? { error } : null;
}

/** Explicit ids (after "#" of the item's id) as given, duplicates as id-2, id-3..; fallback ids a<n> never clash. */
function uniqueIds(rawIds) {
  const explicit = new Set(rawIds.filter((r) => r.explicit).map((r) => r.id));
  const used = new Set();
  return rawIds.map(({ id, explicit: own }) => {
    let out = id;
    if (used.has(out) || (!own && explicit.has(out))) {
      let n = 2;
      while (used.has(`${id}-${n}`) || explicit.has(`${id}-${n}`)) n++;
      out = `${id}-${n}`;
    }
    used.add(out);
    return out;
  });
}

/**
 * The regions of an AnnotationPage document: [{id, region: [x, y, w, h], title: {lang: text}, text: {lang: text}}],
 * in the page's order, ids unique (uniqueIds). With `size` {width, height} (image px), regions are clipped to the
 * image and one wholly outside it is left out; percent regions need it. An item with no usable xywh target, or
 * that is not an Annotation, is left out; `warn(message)` (default console.warn) names each one left out, clipped
 * or unreadable. A document that is not an AnnotationPage throws, naming what it is.
 */
export function parseAnnotationPage(doc, { size = null, warn = (m) => console.warn(m) } = {}) {
  if (!doc || doc.type !== "AnnotationPage" || !Array.isArray(doc.items)) {
    throw new Error(`annotationPage: not a W3C AnnotationPage (type ${JSON.stringify(doc?.type)})`);
  }
  const kept = [];
  doc.items.forEach((item, i) => {
    if (!item || item.type !== "Annotation") return;
    const explicit = typeof item.id === "string" && item.id.includes("#") && item.id.split("#").pop() !== "";
    const id = explicit ? item.id.split("#").pop() : `a${i + 1}`;
    const name = `annotationPage: item ${i + 1} (${JSON.stringify(id)})`;
    const found = targetRegion(item.target, size);
    if (!found?.region) {
      if (found?.error) warn(`${name}: ${found.error}; left out`);
      return;
    }
    let region = found.region;
    if (size) {
      region = clipRegion(region, size.width, size.height);
      if (!region) { warn(`${name}: region ${found.region.join(",")} is outside the ${size.width} x ${size.height} image; left out`); return; }
      if (region.some((v, k) => v !== found.region[k])) {
        warn(`${name}: region ${found.region.join(",")} clipped to the ${size.width} x ${size.height} image`);
      }
    }
    const title = {}, text = {};
    const bodies = Array.isArray(item.body) ? item.body : item.body ? [item.body] : [];
    for (const b of bodies) {
      if (!b || typeof b.value !== "string" || (b.type && b.type !== "TextualBody")) continue;
      const lang = typeof b.language === "string" && b.language ? b.language : "none";
      const into = b.purpose === "describing" ? text : title;
      if (!(lang in into)) into[lang] = b.value;
    }
    kept.push({ raw: { id, explicit }, annotation: { id, region, title, text } });
  });
  const ids = uniqueIds(kept.map((k) => k.raw));
  return kept.map((k, i) => ({ ...k.annotation, id: ids[i] }));
}

/**
 * The text of a language map in `lang` and the language it is in: by exact tag, then primary subtag, then the tour's
 * `languages`, then "none", then the first: {text, lang} (lang "" when unknown: "none" or no text).
 */
export function textAndLang(map, lang, languages = []) {
  if (!map) return { text: "", lang: "" };
  const primary = String(lang).split("-")[0];
  const key = [lang, primary, ...languages, "none"].find((l) => l in map) ?? Object.keys(map)[0];
  if (key === undefined) return { text: "", lang: "" };
  return { text: String(map[key]), lang: key === "none" ? "" : key };
}

/** The text of a language map in `lang` (textAndLang's text). */
export function textIn(map, lang, languages = []) { return textAndLang(map, lang, languages).text; }
