import { svgIcon } from "./icon.js";

/**
 * The viewer's buttons: scene gallery, floor plan (when the tour has one), fullscreen, and a
 * language choice (when the tour has more than one), and those added with addButton. Labels come from setLabels()
 * as text.
 * Callbacks: onGallery(), onFloorplan(), onFullscreen(), onLanguage(lang).
 */
export class Toolbar {
  constructor(container, { languages = [], hasFloorplan = false, onGallery, onFloorplan, onFullscreen, onLanguage }) {
    this.element = document.createElement("div");
    this.element.className = "vtour-toolbar";
    this.element.setAttribute("role", "toolbar");
    const button = (cls, path, fn) => {
      const b = document.createElement("button");
      b.type = "button"; b.className = `vtour-tool ${cls}`;
      b.appendChild(svgIcon(path));
      b.addEventListener("click", fn);
      this.element.appendChild(b);
      return b;
    };
    this.gallery = button("vtour-tool-gallery", "M3 3h7v7H3zM14 3h7v7h-7zM3 14h7v7H3zM14 14h7v7h-7z", () => onGallery());
    this.floorplan = hasFloorplan ? button("vtour-tool-floorplan", "M3 3h18v18H3zM3 12h8M11 3v13M15 12h6", () => onFloorplan()) : null;
    this.fullscreen = button("vtour-tool-fullscreen", "M3 9V3h6M15 3h6v6M21 15v6h-6M9 21H3v-6", () => onFullscreen());
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
    this.extra = [];  // addButton's, in order, before the language choice
    this.title = document.createElement("div");
    this.title.className = "vtour-scene-title";
    this.title.setAttribute("aria-live", "polite");
    container.append(this.title, this.element);
  }

  /**
   * Adds a button (before the language choice): class `vtour-tool <className>`, an icon drawn by the SVG path `icon`
   * (d), `label` (text) as its accessible name and tooltip, onClick() on click. Returns the <button>; hide it with
   * `button.hidden = true`, rename it with setButtonLabel.
   */
  addButton({ className = "", icon, label = "", onClick = () => {} }) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = `vtour-tool ${className}`.trim();
    if (icon) b.appendChild(svgIcon(icon));
    b.addEventListener("click", () => onClick());
    this.setButtonLabel(b, label);
    this.element.insertBefore(b, this.language);  // null: at the end
    this.extra.push(b);
    return b;
  }

  /** Sets a button's accessible name and tooltip to `text`. */
  setButtonLabel(button, text) {
    button.setAttribute("aria-label", text);
    button.title = text;
  }

  /** Sets accessible names (strings) and the scene title shown. */
  setLabels({ gallery, floorplan, fullscreen, language, sceneTitle, lang }) {
    const set = (el, text) => { if (el) { el.setAttribute("aria-label", text); el.title = text; } };
    set(this.gallery, gallery); set(this.floorplan, floorplan); set(this.fullscreen, fullscreen);
    if (this.language) { set(this.language, language); this.language.value = lang; }
    this.title.textContent = sceneTitle;
  }

  dispose() { this.element.remove(); this.title.remove(); this.extra = []; }
}
