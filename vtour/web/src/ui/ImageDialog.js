import { Dialog } from "./Dialog.js";
import { labelsFor } from "./labels.js";
import { parseAnnotationPage, textIn } from "./annotationPage.js";
import { svgIcon } from "./icon.js";

const modules = new Map(); // URL -> Promise of the image bundle (OpenSeadragon): imported once per page

/** The dialog's own buttons: one stroked path in a 24 x 24 box each (drawn: no OpenSeadragon images to fetch). */
const BUTTONS = [
  ["zoomIn", "M5 12h14M12 5v14"],
  ["zoomOut", "M5 12h14"],
  ["resetView", "M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5"],
];
/** What one press of the zoom buttons multiplies the zoom by (OpenSeadragon's own zoomPerClick). */
export const ZOOM_STEP = 2;
/** Margin kept around an annotation fitted in view, a fraction of its size on each side (its outline and focus ring
 * stay visible, with some of what surrounds it). */
export const ANNOTATION_MARGIN = 0.15;
/** Highest screen px per image px when tour.json's image has no maxZoom (vtour.image's MAX_ZOOM_LIMIT). */
export const DEFAULT_MAX_ZOOM = 2;

/** "{title}" in `template` filled with `title`. */
const fill = (template, title) => template.replace("{title}", title);

/**
 * A deep-zoom image (IIIF Image API 3 level 0, tour.json images[]) in a dialog: OpenSeadragon (the image bundle,
 * imported on first use from `moduleUrl`) with its minimap (navigator), the dialog's own zoom in / zoom out /
 * whole-image buttons, keyboard (+ - 0, arrows, W A S D once the image has the focus) and touch (pinch, drag), and
 * the image's annotations as outlined <button>s over their regions: focusing or clicking one shows its title and
 * text in the caption (a live region) and fits its region in view. Every tour text is set as text.
 *
 * The info.json is fetched from url(image.path + "/info.json") and its `id` replaced by the absolute URL of
 * image.path, so tiles come from where the tour is served whatever base URL it was built with.
 *
 * Options: moduleUrl (string, required: URL of vtour-image.js), onView() (the part in view changed: see
 * `region`), onAnnotation(annotation) (one was chosen), and Dialog's (onClose).
 * `osd` is the open OpenSeadragon viewer (null until opened), `OpenSeadragon` the library once loaded, `annotations` the parsed regions
 * (ui/annotationPage.js), `buttons` the overlay buttons by annotation id.
 */
export class ImageDialog extends Dialog {
  constructor(container, { moduleUrl, onView = () => {}, onAnnotation = () => {}, ...options } = {}) {
    super(container, { className: "vtour-image", ...options });
    this.moduleUrl = moduleUrl;
    this.onView = onView;
    this.onAnnotation = onAnnotation;
    this.osd = null;
    this.OpenSeadragon = null;
    this.image = null;
    this.annotations = [];
    this.buttons = new Map();
    this.status = document.createElement("p");
    this.status.className = "vtour-image-status";
    this.status.setAttribute("role", "status");
    this.frame = document.createElement("div");
    this.frame.className = "vtour-image-frame";
    this.controls = document.createElement("div");
    this.controls.className = "vtour-image-controls";
    this.controlButtons = {};
    for (const [name, d] of BUTTONS) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = `vtour-image-button vtour-image-${name}`;
      b.appendChild(svgIcon(d));
      b.addEventListener("click", () => this._control(name));
      this.controlButtons[name] = b;
      this.controls.appendChild(b);
    }
    this.keysHint = document.createElement("span");
    this.keysHint.className = "vtour-visually-hidden";
    this.keysHint.id = `${this.heading.id}-keys`;
    this.caption = document.createElement("p");
    this.caption.className = "vtour-image-caption";
    this.caption.setAttribute("aria-live", "polite");
    this.captionTitle = document.createElement("strong");
    this.captionText = document.createElement("span");
    this.caption.append(this.captionTitle, this.captionText);
  }

  /**
   * Opens `image` (tour.json's images[] entry); resolves to the OpenSeadragon viewer once the image is open (null
   * when the bundle or info.json could not be loaded: the dialog then says why).
   * @param {{image: object, url: function(string): string, title: string, caption?: string, language: string,
   *          languages?: string[], region?: number[]}} options  region: [x, y, w, h] image px to show first
   *          (default: the whole image)
   */
  async show({ image, url, title, caption = "", language, languages = [], region = null }) {
    this._teardown();
    const token = this._token = {};
    this.image = image;
    this.language = language;
    this.languages = languages;
    this.defaultCaption = caption;
    this.selected = null;
    // the status is drawn over the image: the frame's size (and so the view fitted to a region) never changes with it
    this.frame.replaceChildren(this.controls, this.status);
    this.body.replaceChildren(this.frame, this.keysHint, this.caption);
    this._applyLabels(title);
    this._showCaption(null);
    this.open(title);
    const L = labelsFor(language);
    this.status.textContent = L.loading;
    const base = url(image.path).replace(/\/+$/, "");
    const annotations = image.annotations ? this._fetchAnnotations(url(image.annotations)) : Promise.resolve([]);
    let bundle, info;
    try {
      if (!this.moduleUrl) throw new Error("no imageViewerUrl");
      if (!modules.has(this.moduleUrl)) modules.set(this.moduleUrl, import(/* webpackIgnore: true */ this.moduleUrl));
      const loaded = await Promise.all([modules.get(this.moduleUrl).catch((e) => { modules.delete(this.moduleUrl); throw e; }),
                                        fetchJson(`${base}/info.json`)]);
      [bundle, info] = loaded;
    } catch (e) {
      if (token === this._token) this.status.textContent = L.imageFailed;
      console.error(`ImageDialog: ${image.id}: ${e.message || e}`);
      return null;
    }
    if (token !== this._token) return null;
    const OSD = this.OpenSeadragon = bundle.OpenSeadragon;
    const osd = this.osd = OSD({
      element: this.frame,
      tileSources: { ...info, id: base },
      maxZoomPixelRatio: Math.min(DEFAULT_MAX_ZOOM, image.maxZoom || DEFAULT_MAX_ZOOM),
      showNavigationControl: false,   // the dialog's own buttons: no OpenSeadragon images (prefixUrl) fetched
      showNavigator: true, navigatorPosition: "BOTTOM_RIGHT", navigatorAutoFade: false, navigatorSizeRatio: 0.2,
      drawer: "canvas",               // the panorama already holds a WebGL context
      zoomPerClick: ZOOM_STEP, visibilityRatio: 0.5,
      gestureSettingsMouse: { clickToZoom: false },  // a click chooses an annotation or focuses, never jumps
      gestureSettingsTouch: { pinchToZoom: true, flickEnabled: true, clickToZoom: false, dblClickToZoom: true },
      preserveImageSizeOnResize: true,
    });
    const canvas = osd.canvas;
    canvas.setAttribute("role", "application");
    canvas.setAttribute("aria-describedby", this.keysHint.id);
    canvas.classList.add("vtour-image-canvas");
    this._applyLabels(title);
    osd.addHandler("canvas-click", (e) => {  // a press on an annotation: OpenSeadragon's capture takes its click
      const b = e.originalTarget?.closest?.(".vtour-annotation");
      if (!b) return;
      e.preventDefaultAction = true;
      if (e.quick) this.select(b.dataset.annotationId);
    });
    osd.addHandler("viewport-change", () => this.onView());
    const opened = new Promise((resolve) => {
      osd.addOnceHandler("open", () => resolve(true));
      osd.addOnceHandler("open-failed", (e) => { console.error(`ImageDialog: ${image.id}: ${e.message}`); resolve(false); });
    });
    if (!(await opened) || token !== this._token) {
      if (token === this._token) this.status.textContent = L.imageFailed;
      return null;
    }
    this.status.textContent = "";
    if (region) this.fitRegion(region, true);
    this._addOverlays(await annotations);
    if (token !== this._token) return null;
    this.onView();
    return osd;
  }

  /** The part of the image in view, [x, y, w, h] in whole image px, clipped to the image; null when closed. */
  get region() {
    const item = this.osd?.world.getItemAt(0);
    if (!item) return null;
    const r = item.viewportToImageRectangle(this.osd.viewport.getBounds(true));
    const { x: W, y: H } = item.getContentSize();
    const x0 = Math.max(0, Math.round(r.x)), y0 = Math.max(0, Math.round(r.y));
    const x1 = Math.min(W, Math.round(r.x + r.width)), y1 = Math.min(H, Math.round(r.y + r.height));
    return [x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0)];
  }

  /** Shows image region [x, y, w, h] (px) whole, centred, as large as the zoom limits allow. */
  fitRegion([x, y, w, h], immediately = false) {
    const item = this.osd?.world.getItemAt(0);
    if (!item) return;
    this.osd.viewport.fitBounds(item.imageToViewportRectangle(x, y, w, h), immediately);
    this.osd.viewport.applyConstraints(immediately);
  }

  /**
   * Shows annotation `id`'s title and text in the caption and fits its region in view with ANNOTATION_MARGIN around it
   * (null: the default caption).
   */
  select(id) {
    const a = this.annotations.find((n) => n.id === id) || null;
    this.selected = a ? a.id : null;
    for (const [key, b] of this.buttons) b.classList.toggle("vtour-annotation-selected", key === this.selected);
    this._showCaption(a);
    if (a) {
      const [x, y, w, h] = a.region, m = ANNOTATION_MARGIN;
      this.fitRegion([x - w * m, y - h * m, w * (1 + 2 * m), h * (1 + 2 * m)]);
      this.onAnnotation(a);
    }
  }

  /** Words in `lang`: the controls', the annotations' labels, the caption; `title` (and `caption`) as given. */
  setLanguage(lang, { title = this.heading.textContent, caption = this.defaultCaption } = {}) {
    this.language = lang;
    this.defaultCaption = caption;
    this._applyLabels(title);
    this.heading.textContent = title;
    for (const a of this.annotations) this.buttons.get(a.id)?.setAttribute("aria-label", this._title(a));
    this._showCaption(this.annotations.find((n) => n.id === this.selected) || null);
  }

  // -- internals ------------------------------------------------------------------------------------

  async _fetchAnnotations(href) {
    try {
      return parseAnnotationPage(await fetchJson(href));
    } catch (e) {  // the image still opens, without its regions
      console.warn(`ImageDialog: annotations ${href}: ${e.message || e}`);
      return [];
    }
  }

  _title(a) { return textIn(a.title, this.language, this.languages) || a.id; }

  _addOverlays(list) {
    const item = this.osd.world.getItemAt(0);
    this.annotations = list;
    for (const a of list) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "vtour-annotation";
      b.dataset.annotationId = a.id;
      b.setAttribute("aria-label", this._title(a));
      b.addEventListener("click", () => this.select(a.id));   // Enter, Space (a pointer's click is OSD's: canvas-click)
      b.addEventListener("focus", () => { if (this.selected !== a.id) this.select(a.id); });
      this.buttons.set(a.id, b);
      this.osd.addOverlay({ element: b, location: item.imageToViewportRectangle(...a.region) });
    }
  }

  _showCaption(a) {
    if (a) {
      this.captionTitle.textContent = this._title(a);
      this.captionText.textContent = textIn(a.text, this.language, this.languages);
    } else {
      this.captionTitle.textContent = "";
      this.captionText.textContent = this.defaultCaption || "";
    }
  }

  _applyLabels(title) {
    const L = labelsFor(this.language);
    for (const [name] of BUTTONS) {
      this.controlButtons[name].setAttribute("aria-label", L[name]);
      this.controlButtons[name].title = L[name];
    }
    this.keysHint.textContent = L.imageKeys;
    this.osd?.canvas.setAttribute("aria-label", fill(L.imageView, title));
  }

  _control(name) {
    const v = this.osd?.viewport;
    if (!v) return;
    if (name === "resetView") v.goHome();
    else v.zoomBy(name === "zoomIn" ? ZOOM_STEP : 1 / ZOOM_STEP);
    v.applyConstraints();
  }

  _teardown() {
    this._token = null;
    this.osd?.destroy();
    this.osd = null;
    this.annotations = [];
    this.buttons.clear();
    this.selected = null;
  }

  close() { super.close(); this._teardown(); }
  dispose() { this._teardown(); super.dispose(); }
}

async function fetchJson(href) {
  const res = await fetch(href);
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${href}`);
  return res.json();
}
