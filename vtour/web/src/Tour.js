/**
 * A tour.json v1 document (docs/tour-json.md) and its base URL. Texts are maps language -> plain
 * string; text() resolves one for a language (falling back to the default language, then any).
 * Nothing here turns tour text into HTML.
 */
export class Tour {
  constructor(data, baseUrl) {
    if (!data || data.format !== "vtour-tour") throw new Error(`Tour: not a vtour tour document (format ${JSON.stringify(data?.format)})`);
    if (data.version !== 1) throw new Error(`Tour: version ${data.version} is not supported (expected 1)`);
    if (!Array.isArray(data.scenes) || data.scenes.length === 0) throw new Error("Tour: the tour has no scenes");
    this.data = data;
    this.baseUrl = baseUrl;
    this.languages = data.languages?.length ? data.languages : ["en"];
    this.scenes = data.scenes;
    this.models = data.models || [];
    this.images = Array.isArray(data.images) ? data.images : [];  // deep-zoom images (absent before issue 13)
    this.start = this.scene(data.start) ? data.start : data.scenes[0].id;
    this.settings = data.settings || {};
  }

  /** Fetches and checks a tour.json; relative paths in it resolve against its URL. */
  static async load(url) {
    const abs = new URL(url, document.baseURI).href;
    const res = await fetch(abs);
    if (!res.ok) throw new Error(`Tour: HTTP ${res.status} for ${abs}`);
    return new Tour(await res.json(), abs);
  }

  scene(id) { return this.scenes.find((s) => s.id === id) || null; }
  model(id) { return this.models.find((m) => m.id === id) || null; }
  image(id) { return this.images.find((m) => m.id === id) || null; }

  /** The text of a language map (or a plain string) in `lang`, else the default language, else any. */
  text(map, lang) {
    if (map == null) return "";
    if (typeof map === "string") return map;
    return String(map[lang] ?? map[this.languages[0]] ?? Object.values(map)[0] ?? "");
  }

  /** Absolute URL of a tour-relative path. */
  url(path) { return new URL(path, this.baseUrl).href; }

  /** The visible title of a hotspot: its own, else its target scene's, model's or deep-zoom image's. */
  hotspotTitle(h, lang) {
    if (h.title) return this.text(h.title, lang);
    if (h.deepZoom) return this.text(this.image(h.deepZoom)?.title, lang) || h.deepZoom;
    if (h.type === "link") return this.text(this.scene(h.target)?.title, lang) || h.target || "";
    if (h.type === "model") return this.text(this.model(h.target)?.title, lang) || h.target || "";
    return "";
  }
}
