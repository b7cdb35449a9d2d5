/** The viewer's own interface words, per language; tour text comes from tour.json instead. */
export const LABELS = {
  en: { gallery: "Scenes", floorplan: "Floor plan", fullscreen: "Full screen", language: "Language", close: "Close", viewer: "Panorama viewer" },
  zh: { gallery: "场景", floorplan: "平面图", fullscreen: "全屏", language: "语言", close: "关闭", viewer: "全景查看器" },
  fr: { gallery: "Scènes", floorplan: "Plan", fullscreen: "Plein écran", language: "Langue", close: "Fermer", viewer: "Visionneuse panoramique" },
  de: { gallery: "Szenen", floorplan: "Grundriss", fullscreen: "Vollbild", language: "Sprache", close: "Schließen", viewer: "Panorama-Ansicht" },
};

/** The labels of `lang` (by its primary subtag), English otherwise. */
export function labelsFor(lang) {
  return LABELS[lang] || LABELS[String(lang).split("-")[0]] || LABELS.en;
}
