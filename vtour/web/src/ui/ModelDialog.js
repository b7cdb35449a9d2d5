import { Dialog } from "./Dialog.js";

/** Largest texture edge picked for the refined level: 4k textures crash iOS browsers (NOTES.md). */
export const MODEL_MAX_TEXTURE = 2048;
/** Largest triangle count picked for the refined level in a visitor's view. */
export const MODEL_MAX_TRIANGLES = 1_500_000;

const modules = new Map(); // URL -> Promise of the model bundle: imported once per page

/**
 * A statue in 3D: a dialog with its own three.js canvas (renderers/ModelStage.js, in the model bundle
 * imported on first use from `moduleUrl`) and progressive loading: the coarsest LOD (lods[0]) first,
 * then the finest LOD within MODEL_MAX_TEXTURE and MODEL_MAX_TRIANGLES, which replaces it when
 * decoded. `loaded` lists the LOD paths shown, in order. Events are callbacks: onLoad(path).
 * Rendering runs only while open.
 *
 * Options: moduleUrl (string, required: URL of vtour-model.js), onLoad (function), and Dialog's.
 */
export class ModelDialog extends Dialog {
  constructor(container, { moduleUrl, onLoad = () => {}, ...options } = {}) {
    super(container, { className: "vtour-model", ...options });
    this.moduleUrl = moduleUrl;
    this.onLoadCb = onLoad;
    this.loaded = [];
    this.status = document.createElement("p");
    this.status.className = "vtour-model-status";
    this.status.setAttribute("aria-live", "polite");
    this.stage = document.createElement("div");
    this.stage.className = "vtour-model-stage";
    this.caption = document.createElement("p");
    this.caption.className = "vtour-model-caption";
  }

  /**
   * @param {{title: string, description: string, lods: Array<{url: string, path: string,
   *          triangles?: number, textureSize?: number}>}} model
   */
  show(model) {
    this._teardown();
    this.body.replaceChildren(this.stage, this.status, this.caption);
    this.caption.textContent = model.description || "";
    this.open(model.title);
    this.loaded = [];
    const token = this._token = {};
    this.status.textContent = "Loading\u2026";
    this._progressive(model, token);
  }

  async _progressive(model, token) {
    const lods = model.lods || [];
    if (!lods.length) { this.status.textContent = "No 3D levels"; return; }
    let ModelStage;
    try {
      if (!this.moduleUrl) throw new Error("no modelViewerUrl");
      if (!modules.has(this.moduleUrl)) modules.set(this.moduleUrl, import(/* webpackIgnore: true */ this.moduleUrl));
      ({ ModelStage } = await modules.get(this.moduleUrl));
    } catch (e) {
      modules.delete(this.moduleUrl);
      if (token !== this._token) return;
      this.status.textContent = "Could not load the 3D viewer";
      console.error(`ModelDialog: ${this.moduleUrl}: ${e}`);
      return;
    }
    if (token !== this._token) return;
    const stage = this._stageView = new ModelStage(this.stage);
    const fine = lods.filter((l) => (l.textureSize ?? 0) <= MODEL_MAX_TEXTURE && (l.triangles ?? 0) <= MODEL_MAX_TRIANGLES);
    const order = [lods[0]];
    const best = fine[fine.length - 1];
    if (best && best !== lods[0]) order.push(best);
    for (const [i, lod] of order.entries()) {
      this.status.textContent = i === 0 ? "Loading\u2026" : "Refining\u2026";
      let object;
      try { object = await stage.load(lod.url); } catch (e) {
        if (token !== this._token) return;
        this.status.textContent = `Could not load ${lod.path}`;
        console.error(`ModelDialog: ${lod.url}: ${e}`);
        return;
      }
      if (token !== this._token) { stage.discard(object); return; }
      stage.show(object, i === 0);
      this.loaded.push(lod.path);
      this.onLoadCb(lod.path);
    }
    this.status.textContent = "";
  }

  _teardown() {
    this._token = null;
    this._stageView?.dispose();
    this._stageView = null;
  }

  close() { super.close(); this._teardown(); }
  dispose() { this._teardown(); super.dispose(); }
}
