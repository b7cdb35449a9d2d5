/**
 * A deep-zoom image's regions from its W3C Web Annotation page (tour.json images[].annotations, written by the
 * tour build: docs/tour-json.md). Pure: no DOM, so node --test covers it.
 *
 * Each annotation's `target` ends in a media fragment `#xywh=x,y,w,h` in full-resolution image px; its bodies
 * are TextualBody objects with a `language`: per language, the first whose purpose is not "describing" is the
 * title, the "describing" one the text. Texts stay plain strings: the dialog sets them with textContent.
 */

/** `#xywh=x,y,w,h` at the end of an annotation target (a string, or {id} / {source, selector}), else null. */
export function targetRegion(target) {
  const candidates = [];
  const add = (t) => {
    if (typeof t === "string") candidates.push(t);
    else if (t && typeof t === "object") {
      if (typeof t.id === "string") candidates.push(t.id);
      if (typeof t.selector?.value === "string") candidates.push(t.selector.value);
    }
  };
  (Array.isArray(target) ? target : [target]).forEach(add);
  for (const text of candidates) {
    const m = /(?:^|[#&])xywh=(?:pixel:)?(\d+(?:\.\d+)?),(\d+(?:\.\d+)?),(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)$/.exec(text);
    if (m) {
      const r = m.slice(1, 5).map(Number);
      if (r[2] > 0 && r[3] > 0) return r;
    }
  }
  return null;
}

/**
 * The regions of an AnnotationPage document: [{id, region: [x, y, w, h], title: {lang: text}, text: {lang: text}}],
 * in the page's order; an item with no usable xywh target is left out (a region the viewer cannot place), as is
 * one that is not an Annotation. A document that is not an AnnotationPage throws, naming what it is.
 */
export function parseAnnotationPage(doc) {
  if (!doc || doc.type !== "AnnotationPage" || !Array.isArray(doc.items)) {
    throw new Error(`annotationPage: not a W3C AnnotationPage (type ${JSON.stringify(doc?.type)})`);
  }
  const out = [];
  doc.items.forEach((item, i) => {
    if (!item || item.type !== "Annotation") return;
    const region = targetRegion(item.target);
    if (!region) return;
    const title = {}, text = {};
    const bodies = Array.isArray(item.body) ? item.body : item.body ? [item.body] : [];
    for (const b of bodies) {
      if (!b || typeof b.value !== "string" || (b.type && b.type !== "TextualBody")) continue;
      const lang = typeof b.language === "string" && b.language ? b.language : "none";
      const into = b.purpose === "describing" ? text : title;
      if (!(lang in into)) into[lang] = b.value;
    }
    const id = typeof item.id === "string" && item.id.includes("#") ? item.id.split("#").pop() : `a${i + 1}`;
    out.push({ id, region, title, text });
  });
  return out;
}

/** The text of a language map in `lang` (by exact tag, then primary subtag), else the first language's, else "". */
export function textIn(map, lang, languages = []) {
  if (!map) return "";
  const primary = String(lang).split("-")[0];
  const key = [lang, primary, ...languages, "none"].find((l) => l in map) ?? Object.keys(map)[0];
  return key === undefined ? "" : String(map[key]);
}
