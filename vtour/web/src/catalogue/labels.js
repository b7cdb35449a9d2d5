// The catalogue page's own words, per language (English when a language has none); collection text
// comes from the index instead. "{n}"-style fields are filled by format().

export const CATALOGUE_LABELS = {
  en: {
    search: "Search the collection", searchHint: "Words in any language of the collection, or Chinese characters",
    filters: "Filters", period: "Period", material: "Material", museum: "Museum", tag: "Tag",
    anyperiod: "All periods", anymaterial: "All materials", anymuseum: "All museums", anytag: "All tags",
    clear: "Clear search and filters", count: "{n} objects", count1: "1 object", none: "No object matches.",
    showing: "{n} objects · showing {from}–{to}", page: "Page {p} of {n}", pages: "Pages", previous: "Previous", next: "Next",
    language: "Language", loading: "Loading…", failed: "The catalogue could not be loaded.", results: "Results",
    unreadable: "The catalogue could not be read (its index is damaged or from another version).",
    searchFailed: "This search failed.", retry: "Try again",
  },
  zh: {
    search: "搜索藏品", searchHint: "可输入任一语言的词语，或单个汉字",
    filters: "筛选", period: "时代", material: "材质", museum: "博物馆", tag: "标签",
    anyperiod: "全部时代", anymaterial: "全部材质", anymuseum: "全部博物馆", anytag: "全部标签",
    clear: "清除搜索和筛选", count: "共 {n} 件藏品", count1: "共 1 件藏品", none: "没有符合条件的藏品。",
    showing: "共 {n} 件藏品，显示第 {from}–{to} 件", page: "第 {p} 页，共 {n} 页", pages: "分页", previous: "上一页", next: "下一页",
    language: "语言", loading: "加载中…", failed: "无法加载藏品目录。", results: "结果",
    unreadable: "无法读取藏品目录（索引已损坏或版本不符）。",
    searchFailed: "本次搜索失败。", retry: "重试",
  },
};

/** `object[key]` when it is `object`'s own property (a language code from the data may be "constructor"). */
function own(object, key) {
  return object != null && typeof object === "object" && Object.hasOwn(object, key) ? object[key] : undefined;
}

/** Language names shown on the language switch, in their own language. */
export const LANGUAGE_NAMES = { en: "English", zh: "中文", fr: "Français", de: "Deutsch", ja: "日本語", ko: "한국어",
                                es: "Español", it: "Italiano", ru: "Русский", ar: "العربية" };

/** The label `key` in `lang` (English fallback), with {name} fields filled from `values`. */
export function label(lang, key, values = {}) {
  const text = own(own(CATALOGUE_LABELS, lang), key) ?? own(CATALOGUE_LABELS.en, key) ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

/** A collection text ({lang: text}, a plain string, or null) in `lang`, else the first language that has it. */
export function pick(texts, lang, languages = []) {
  if (texts == null) return "";
  if (typeof texts === "string") return texts;
  if (typeof texts !== "object") return String(texts);
  for (const l of [lang, ...languages]) {
    const text = own(texts, l);
    if (text) return String(text);
  }
  return String(Object.values(texts).find(Boolean) || "");
}

/** A number with the language's digit grouping. */
export function formatNumber(n, lang) {
  try { return new Intl.NumberFormat(lang).format(n); } catch { return String(n); }
}
