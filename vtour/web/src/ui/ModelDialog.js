import { Dialog } from "./Dialog.js";
import { labelsFor } from "./labels.js";
import { CANCELLED, Opening, StatusLine, importBundle } from "./lazyBundle.js";

export { MODEL_MAX_TEXTURE, MODEL_MAX_TRIANGLES } from "../inspector/levels.js";

/**
 * A statue in 3D: a dialog holding the conservator's inspector (inspector/Inspector.js, in the model bundle
 * imported on first use from `moduleUrl`), which opens with the coarsest level and refines as the model fills
 * the screen. `loaded` lists the level paths shown, in order; `inspector` is the open Inspector or null.
 * Rendering runs only while open.
 *
 * Options: moduleUrl (string, required: URL of vtour-model.js), onLoad(path), onInspector(inspector) (each
 * inspector made), and Dialog's (onClose).
 */
export class ModelDialog extends Dialog {
  constructor(container, { moduleUrl, onLoad = () => {}, onInspector = () => {}, ...options } = {}) {
    super(container, { className: "vtour-model", ...options });
    this.moduleUrl = moduleUrl;
    this.onLoadCb = onLoad;
    this.onInspector = onInspector;
    this.inspector = null;
    this.statusLine = new StatusLine("vtour-model-status", labelsFor);
    this.status = this.statusLine.element;
    this.opening = null;
    this.caption = document.createElement("p");
    this.caption.className = "vtour-model-caption";
  }

  /** The level paths the open inspector has shown, coarse first. */
  get loaded() { return this.inspector ? this.inspector.loaded : []; }

  /**
   * Opens the inspector on `model` (tour.json's entry); resolves to the Inspector once the coarsest level is
   * on screen (null when the bundle or the level could not be loaded: the dialog then says why).
   * @param {{model: object, url: function(string): string, title: string, description: string,
   *          language: string, languages: string[], state?: object, tourBase: string,
   *          notesApi?: string, token?: string}} options
   */
  async show({ description = "", ...options }) {
    const openedAt = performance.now();
    this._teardown();
    this.language = options.language;
    this.body.replaceChildren(this.status, this.caption);
    this.caption.textContent = description || "";
    this.open(options.title);
    const opening = this.opening = new Opening();
    this.statusLine.set("loading", this.language);
    let bundle;
    try {
      bundle = await opening.wait(importBundle(this.moduleUrl, "modelViewerUrl"));
    } catch (e) {
      if (opening.live) this.statusLine.set("viewerFailed", this.language);
      console.error(`ModelDialog: ${this.moduleUrl}: ${e}`);
      return null;
    }
    if (bundle === CANCELLED || !opening.live) return null;
    let inspector;
    try {
      inspector = this.inspector = new bundle.Inspector(this.body, { ...options, openedAt, onLoad: (p) => this.onLoadCb(p) });
    } catch (e) {
      this.statusLine.set(null, this.language, String(e.message || e));
      throw e;
    }
    this.statusLine.set(null, this.language);
    this.status.remove();
    this.body.append(this.caption);
    this.onInspector(inspector);
    await opening.wait(inspector.ready);
    return opening.live && inspector.levelIndex >= 0 ? inspector : null;
  }

  /** Words in `lang` (the inspector's and the close button's). */
  setLanguage(lang) {
    this.language = lang;
    this.statusLine.setLanguage(lang);
    this.inspector?.setLanguage(lang);
  }

  _teardown() {
    this.opening?.cancel();
    this.opening = null;
    this.inspector?.dispose();
    this.inspector = null;
  }

  close() { super.close(); this._teardown(); }
  dispose() { this._teardown(); super.dispose(); }
}
