import { Dialog } from "./Dialog.js";
import { labelsFor } from "./labels.js";
import { CANCELLED, Opening, StatusLine, importBundle } from "./lazyBundle.js";
import { xrLabelsFor } from "../xr/labels.js";
import { xrSupported } from "../xr/support.js";

export { MODEL_MAX_TEXTURE, MODEL_MAX_TRIANGLES } from "../inspector/levels.js";

/**
 * A statue in 3D: a dialog holding the conservator's inspector (inspector/Inspector.js, in the model bundle
 * imported on first use from `moduleUrl`), which opens with the coarsest level and refines as the model fills
 * the screen. `loaded` lists the level paths shown, in order; `inspector` is the open Inspector or null.
 * Rendering runs only while open.
 *
 * Life size in VR: when the browser can show immersive VR (xr/support.js), a "View in VR at life size" button
 * under the model (`xrButton`) starts the stage's WebXR session (renderers/ModelStage.js enterXR: real scale from
 * the model's units, standing on the floor 1.5 m in front of the visitor). A model of unknown units has no life
 * size: instead of the button, a note (`xrNote`) says so. The button waits for the first level on screen.
 *
 * Options: moduleUrl (string, required: URL of vtour-model.js), onLoad(path), onInspector(inspector) (each
 * inspector made), xr (default navigator.xr), and Dialog's (onClose).
 */
export class ModelDialog extends Dialog {
  constructor(container, { moduleUrl, onLoad = () => {}, onInspector = () => {}, xr = globalThis.navigator?.xr,
                           ...options } = {}) {
    super(container, { className: "vtour-model", ...options });
    this.xr = xr;
    this.xrRow = document.createElement("p");
    this.xrRow.className = "vtour-model-xr";
    this.xrRow.style.margin = "4px 0 0";
    this.xrRow.hidden = true;
    this.xrButton = document.createElement("button");
    this.xrButton.type = "button";
    this.xrButton.className = "vtour-model-xr-button";
    this.xrButton.addEventListener("click", () => this.viewInVR().catch(() => {}));
    this.xrNote = document.createElement("span");
    this.xrNote.className = "vtour-model-xr-note";
    this.xrNote.setAttribute("role", "status");
    this.xrRow.append(this.xrButton, this.xrNote);
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
    this.body.append(this.caption, this.xrRow);
    this.onInspector(inspector);
    const units = options.model?.units || "unknown";
    this._xrOffer(units, opening);
    await opening.wait(inspector.ready);
    const shown = opening.live && inspector.levelIndex >= 0;
    if (shown) this.xrButton.disabled = false;
    return shown ? inspector : null;
  }

  /** Shows the VR button (or, for a model of unknown units, the note) once the browser says it can show VR. */
  async _xrOffer(units, opening) {
    this.xrRow.hidden = true;
    this.xrButton.disabled = true;
    this._units = units;
    if (!(await xrSupported(this.xr)) || !opening.live) return;
    this.xrButton.hidden = units === "unknown";
    this.xrRow.hidden = false;
    this._xrLabels();
  }

  _xrLabels() {
    const L = xrLabelsFor(this.language);
    this.xrButton.textContent = L.viewInVR;
    this.xrNote.textContent = this._units === "unknown" ? L.vrUnitsUnknown : (this._xrError ? L.vrFailed : "");
  }

  /**
   * The model at life size in VR (the open inspector's stage, ModelStage.enterXR). Resolves to the XRSession;
   * rejects (the note then says VR could not start) when it cannot.
   */
  async viewInVR() {
    const stage = this.inspector?.stage;
    if (!stage) throw new Error("ModelDialog: no model is shown");
    this._xrError = false;
    try {
      return await stage.enterXR({ xr: this.xr });
    } catch (e) {
      this._xrError = true;
      console.warn(`ModelDialog: VR: ${e?.message || e}`);
      throw e;
    } finally {
      this._xrLabels();
    }
  }

  /** Words in `lang` (the inspector's and the close button's). */
  setLanguage(lang) {
    this.language = lang;
    this.statusLine.setLanguage(lang);
    this.inspector?.setLanguage(lang);
    this._xrLabels();
  }

  _teardown() {
    this.xrRow.hidden = true;
    this._xrError = false;
    this.opening?.cancel();
    this.opening = null;
    this.inspector?.dispose();
    this.inspector = null;
  }

  close() { super.close(); this._teardown(); }
  dispose() { this._teardown(); super.dispose(); }
}
