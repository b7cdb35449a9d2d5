/**
 * The viewer's buttons: scene gallery, floor plan (when the tour has one), fullscreen, and a
 * language choice (when the tour has more than one). Labels come from setLabels() as text.
 * Callbacks: onGallery(), onFloorplan(), onFullscreen(), onLanguage(lang).
 */
export class Toolbar {
  constructor(container, { languages = [], hasFloorplan = false, onGallery, onFloorplan, onFullscreen, onLanguage }) {
    this.element = document.createElement("div");
    this.element.className = "vtour-toolbar";
    this.element.setAttribute("role", "toolbar");
    const button = (cls, icon, fn) => {
      const b = document.createElement("button");
      b.type = "button"; b.className = `vtour-tool ${cls}`; b.textContent = icon;
      b.addEventListener("click", fn);
      this.element.appendChild(b);
      return b;
    };
    this.gallery = button("vtour-tool-gallery", "\u2637", () => onGallery());
    this.floorplan = hasFloorplan ? button("vtour-tool-floorplan", "\u2316", () => onFloorplan()) : null;
    this.fullscreen = button("vtour-tool-fullscreen", "\u26F6", () => onFullscreen());
    this.language = null;
    if (languages.length > 1) {
      this.language = document.createElement("select");
      this.language.className = "vtour-tool vtour-tool-language";
      for (const lang of languages) {
        const o = document.createElement("option");
        o.value = lang; o.textContent = lang;
        this.language.appendChild(o);
      }
      this.language.addEventListener("change", () => onLanguage(this.language.value));
      this.element.appendChild(this.language);
    }
    this.title = document.createElement("div");
    this.title.className = "vtour-scene-title";
    this.title.setAttribute("aria-live", "polite");
    container.append(this.title, this.element);
  }

  /** Sets accessible names (strings) and the scene title shown. */
  setLabels({ gallery, floorplan, fullscreen, language, sceneTitle, lang }) {
    const set = (el, text) => { if (el) { el.setAttribute("aria-label", text); el.title = text; } };
    set(this.gallery, gallery); set(this.floorplan, floorplan); set(this.fullscreen, fullscreen);
    if (this.language) { set(this.language, language); this.language.value = lang; }
    this.title.textContent = sceneTitle;
  }

  dispose() { this.element.remove(); this.title.remove(); }
}
