/**
 * The object and story pages' own words, per language (the collection's text comes from object.json and
 * story.json). A language without an entry, or a word missing from one, uses English. `{name}` fields are filled
 * by fill().
 */
export const OBJECT_LABELS = {
  en: {
    language: "Language", catalogue: "Back to the catalogue: {title}",
    exhibition: "Back to the exhibition: {title}", loadFailed: "Could not load {url}",
    views: "Six views", front: "Front", back: "Back", left: "Left", right: "Right", top: "Top", bottom: "Bottom",
    viewAlt: "{view} view of {title}", scaleBar: "scale bar: {label}", noScale: "units unknown: no scale",
    turntable: "Turntable", turn: "Turn the object", angle: "{degrees}°",
    turnHint: "Drag or swipe the picture, or use the slider and its arrow keys, to turn the object.",
    turntableAlt: "{title}, turned {degrees}°",
    inspect: "View in 3D", inspectHint: "Examine the scan in the conservator's 3D inspector.",
    photos: "Photographs", photoOpen: "Open in deep zoom: {title}", photo: "Photograph {n}",
    documentation: "Documentation", description: "Description",
    date: "Date", period: "Period", material: "Material", dimensions: "Dimensions", museum: "Museum",
    credit: "Credit", rights: "Rights", tags: "Tags", manifest: "IIIF manifest",
    // the story page
    contents: "Rooms", walk: "Walk through this room", walkAll: "Walk through the exhibition",
    objectPage: "See the object: {title}", noImage: "No picture",
  },
  zh: {
    language: "语言", catalogue: "返回藏品目录：{title}", exhibition: "返回展览：{title}",
    loadFailed: "无法加载 {url}",
    views: "六视图", front: "正视", back: "后视", left: "左视", right: "右视", top: "俯视", bottom: "仰视",
    viewAlt: "{title}的{view}图", scaleBar: "比例尺：{label}", noScale: "单位未知：无比例尺",
    turntable: "转台", turn: "旋转文物", angle: "{degrees}°",
    turnHint: "拖动或滑动图片，或使用滑块及其方向键，即可旋转文物。",
    turntableAlt: "{title}，旋转 {degrees}°",
    inspect: "三维查看", inspectHint: "在文保检视器中查看三维扫描。",
    photos: "照片", photoOpen: "高清查看：{title}", photo: "照片 {n}",
    documentation: "文物信息", description: "描述",
    date: "年代", period: "时期", material: "材质", dimensions: "尺寸", museum: "收藏单位",
    credit: "来源", rights: "版权", tags: "标签", manifest: "IIIF 清单",
    contents: "展厅", walk: "漫游此展厅", walkAll: "漫游整个展览",
    objectPage: "查看文物：{title}", noImage: "暂无图片",
  },
};

/** The words of `lang` (by its primary subtag), English for any missing. */
export function objectLabelsFor(lang) {
  const words = ownValue(OBJECT_LABELS, lang) || ownValue(OBJECT_LABELS, String(lang).split("-")[0]) || {};
  return { ...OBJECT_LABELS.en, ...words };
}

/** `object[key]` when it is `object`'s own property, else undefined: data keys never reach Object.prototype. */
export function ownValue(object, key) {
  return object != null && typeof object === "object" && Object.hasOwn(object, key) ? object[key] : undefined;
}

/** `template` with each `{name}` replaced by values[name] (left as is when absent). */
export function fill(template, values) {
  return String(template).replace(/\{(\w+)\}/g, (m, k) => (ownValue(values, k) === undefined ? m : String(values[k])));
}

/**
 * A text of object.json / story.json in `lang`: a language map ({lang: str}) falls back to the document's first
 * language (`languages[0]`), then to any; a plain string is itself; null or undefined is "". Always a string.
 */
export function textIn(texts, lang, languages = []) {
  if (texts == null) return "";
  if (typeof texts !== "object") return String(texts);
  for (const l of [lang, languages[0]]) if (l && ownValue(texts, l)) return String(texts[l]);
  return String(Object.values(texts).find((v) => v) ?? "");
}

/** The language (of `lang`, `languages`) `texts` is actually shown in by textIn, or null when it is not a map. */
export function langOf(texts, lang, languages = []) {
  if (texts == null || typeof texts !== "object") return null;
  for (const l of [lang, languages[0]]) if (l && ownValue(texts, l)) return l;
  return Object.keys(texts).find((k) => texts[k]) ?? null;
}

/** A language's own name for itself ("English", "中文"), else its code. */
export function languageName(lang) {
  try {
    const name = new Intl.DisplayNames([lang], { type: "language" }).of(lang);
    return name && name !== lang ? name : lang;
  } catch {
    return lang;
  }
}

/** A rights URL as the page may link it: only http(s) URLs (never javascript:, data:, ...); else null. */
export function safeHref(url) {
  if (typeof url !== "string") return null;
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

/**
 * A short name for a well-known rights URL ("CC BY 4.0", "CC0 1.0", "Public Domain Mark 1.0", rightsstatements.org's
 * "InC 1.0"), else the URL itself.
 */
export function rightsName(url) {
  const s = String(url ?? "");
  let m = s.match(/creativecommons\.org\/licenses\/([a-z-]+)\/(\d+(?:\.\d+)?)/i);
  if (m) return `CC ${m[1].toUpperCase()} ${m[2]}`;
  m = s.match(/creativecommons\.org\/publicdomain\/(zero|mark)\/(\d+(?:\.\d+)?)/i);
  if (m) return m[1].toLowerCase() === "zero" ? `CC0 ${m[2]}` : `Public Domain Mark ${m[2]}`;
  m = s.match(/rightsstatements\.org\/(?:vocab|page)\/([A-Za-z-]+)\/(\d+(?:\.\d+)?)/);
  if (m) return `${m[1]} ${m[2]}`;
  return s;
}
