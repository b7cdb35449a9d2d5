import { Dialog } from "./Dialog.js";
import { labelsFor } from "./labels.js";
import { parseAnnotationPage, textAndLang } from "./annotationPage.js";
import { clearArea, clipRegion, growRegion } from "./imageRegion.js";
import { CANCELLED, Opening, StatusLine, importBundle } from "./lazyBundle.js";
import { svgIcon } from "./icon.js";

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
/**
 * Highest device px per image px when tour.json's image has no maxZoom (vtour.image's MAX_ZOOM_LIMIT), and the most
 * any image may ask for. Device px, not CSS px: OpenSeadragon's maxZoomPixelRatio (CSS px) is maxZoom divided by
 * devicePixelRatio, so that an image is never shown magnified more than this on the actual screen.
 */
export const DEFAULT_MAX_ZOOM = 2;
/**
 * OpenSeadragon's keys that turn or mirror the image (r, R, f) or change page (j, k; there is one): not live, so
 * that "Show the whole image" always restores the view and the regions stay where the annotations say.
 */
const DEAD_KEYS = new Set(["KeyR", "KeyF", "KeyJ", "KeyK"]);

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
    this.statusLine = new StatusLine("vtour-image-status", labelsFor);      // loading, or why the image failed
    this.status = this.statusLine.element;
    this.notesLine = new StatusLine("vtour-image-notes-status", labelsFor); // why the annotations failed
    this.opening = null;
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
    this.heading.dir = "auto";
    this.keysHint = document.createElement("span");
    this.keysHint.className = "vtour-visually-hidden";
    this.keysHint.id = `${this.heading.id}-keys`;
    this.caption = document.createElement("p");
    this.caption.className = "vtour-image-caption";
    this.caption.setAttribute("aria-live", "polite");
    this.captionTitle = document.createElement("strong");
    this.captionTitle.className = "vtour-image-caption-title";
    this.captionText = document.createElement("span");
    this.captionText.className = "vtour-image-caption-text";
    for (const el of [this.captionTitle, this.captionText]) el.dir = "auto";  // tour text in any script
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
    const opening = this.opening = new Opening();
    this.image = image;
    this.language = language;
    this.languages = languages;
    this.defaultCaption = caption;
    this.selected = null;
    // the status is drawn over the image: the frame's size (and so the view fitted to a region) never changes with it
    this.frame.replaceChildren(this.controls, this.status);
    this.notesLine.set(null, language);
    this.body.replaceChildren(this.frame, this.keysHint, this.notesLine.element, this.caption);
    this._applyLabels(title);
    this._showCaption(null);
    this.open(title);
    this.statusLine.set("loading", language);
    const base = url(image.path).replace(/\/+$/, "");
    const notesUrl = image.annotations ? url(image.annotations) : null;
    const notes = notesUrl ? fetchJson(notesUrl).then((doc) => ({ doc }), (error) => ({ error })) : Promise.resolve(null);
    const fail = (e) => {
      if (opening.live) this.statusLine.set("imageFailed", this.language);
      console.error(`ImageDialog: ${image.id}: ${e?.message || e}`);
      return null;
    };
    let loaded;
    try {
      loaded = await opening.wait(Promise.all([importBundle(this.moduleUrl, "imageViewerUrl"), fetchJson(`${base}/info.json`)]));
    } catch (e) {
      return fail(e);
    }
    if (loaded === CANCELLED || !opening.live) return null;
    const [bundle, info] = loaded;
    const OSD = this.OpenSeadragon = bundle.OpenSeadragon;
    const maxZoom = Math.min(DEFAULT_MAX_ZOOM, image.maxZoom || DEFAULT_MAX_ZOOM);
    const osd = this.osd = OSD({
      element: this.frame,
      tileSources: { ...info, id: base },
      maxZoomPixelRatio: maxZoom / (window.devicePixelRatio || 1),  // OpenSeadragon's ratio is per CSS px
      degrees: 0, showRotationControl: false, showFlipControl: false,  // and DEAD_KEYS: never turned or mirrored
      showNavigationControl: false,   // the dialog's own buttons: no OpenSeadragon images (prefixUrl) fetched
      showNavigator: true, navigatorPosition: "BOTTOM_RIGHT", navigatorAutoFade: false, navigatorSizeRatio: 0.2,
      drawer: "canvas",               // the panorama already holds a WebGL context
      zoomPerClick: ZOOM_STEP, visibilityRatio: 0.5,
      gestureSettingsMouse: { clickToZoom: false },  // a click chooses an annotation or focuses, never jumps
      gestureSettingsTouch: { pinchToZoom: true, pinchRotate: false, flickEnabled: true, clickToZoom: false, dblClickToZoom: true },
      preserveImageSizeOnResize: true,
    });
    const canvas = osd.canvas;
    canvas.setAttribute("role", "application");
    canvas.setAttribute("aria-describedby", this.keysHint.id);
    canvas.classList.add("vtour-image-canvas");
    this._applyLabels(title);
    osd.addHandler("canvas-key", (e) => { if (DEAD_KEYS.has(e.originalEvent?.code)) e.preventDefaultAction = true; });
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
    const ok = await opening.wait(opened);
    if (ok === CANCELLED || !opening.live) return null;
    if (!ok) return fail("OpenSeadragon could not open it");
    this.statusLine.set(null, this.language);
    if (region) this.fitRegion(region, true);
    const got = await opening.wait(notes);
    if (got === CANCELLED || !opening.live) return null;
    this._addOverlays(this._parseNotes(got, notesUrl));
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
    const out = [x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0)];
    return out.every(Number.isFinite) ? out : null;
  }

  /** The image's size, {width, height} (image px), once open; null before. */
  get imageSize() {
    const item = this.osd?.world.getItemAt(0);
    if (!item) return null;
    const { x, y } = item.getContentSize();
    return { width: x, height: y };
  }

  /**
   * Shows image region [x, y, w, h] (px) whole, centred, as large as the zoom limits allow: clipped to the image
   * first (a region off the image, or not four finite numbers, shows the whole image). With `clear`, the region is
   * fitted in the largest part of the frame clear of the minimap and the dialog's buttons (clearArea).
   */
  fitRegion(region, immediately = false, { clear = false } = {}) {
    const item = this.osd?.world.getItemAt(0);
    if (!item) return;
    const v = this.osd.viewport;
    const { width: W, height: H } = this.imageSize;
    const r = clipRegion(region, W, H);
    if (!r) { v.goHome(immediately); v.applyConstraints(immediately); return; }
    const target = item.imageToViewportRectangle(...r);
    const size = v.getContainerSize();
    if (!clear || !(size.x > 0 && size.y > 0)) {
      v.fitBounds(target, immediately);
    } else {
      const el = this.osd.element.getBoundingClientRect();
      const obstacles = [this.controls, this.osd.navigator?.element]
        .filter((e) => e && e.getClientRects().length)
        .map((e) => { const b = e.getBoundingClientRect();
                      return { left: b.left - el.left, top: b.top - el.top, right: b.right - el.left, bottom: b.bottom - el.top }; });
      const area = clearArea({ left: 0, top: 0, right: size.x, bottom: size.y }, obstacles, target.width / target.height);
      // px per viewport unit: the target fills the area, no closer than the zoom limit (OpenSeadragon zooms by width)
      const scale = Math.min((area.right - area.left) / target.width, (area.bottom - area.top) / target.height,
                             v.getMaxZoom() * size.x);
      const cx = target.x + target.width / 2 - (area.left + area.right) / 2 / scale;
      const cy = target.y + target.height / 2 - (area.top + area.bottom) / 2 / scale;
      v.fitBounds(new this.OpenSeadragon.Rect(cx, cy, size.x / scale, size.y / scale), immediately);
    }
    v.applyConstraints(immediately);
  }

  /**
   * Shows annotation `id`'s title and text in the caption and fits its region in view with ANNOTATION_MARGIN around
   * it, clear of the minimap and the buttons (null: the default caption).
   */
  select(id) {
    const a = this.annotations.find((n) => n.id === id) || null;
    this.selected = a ? a.id : null;
    for (const [key, b] of this.buttons) b.classList.toggle("vtour-annotation-selected", key === this.selected);
    this._showCaption(a);
    if (a) {
      this.fitRegion(growRegion(a.region, ANNOTATION_MARGIN), false, { clear: true });
      this.onAnnotation(a);
    }
  }

  /** Words in `lang`: the controls', the annotations' labels, the caption; `title` (and `caption`) as given. */
  setLanguage(lang, { title = this.heading.textContent, caption = this.defaultCaption } = {}) {
    this.language = lang;
    this.defaultCaption = caption;
    this._applyLabels(title);
    this.heading.textContent = title;
    this.statusLine.setLanguage(lang);
    this.notesLine.setLanguage(lang);
    for (const a of this.annotations) this._labelButton(this.buttons.get(a.id), a);
    this._showCaption(this.annotations.find((n) => n.id === this.selected) || null);
  }

  // -- internals ------------------------------------------------------------------------------------

  /**
   * The annotations of a fetched page (`got`: {doc} or {error}; null: the image has none), clipped to the image;
   * when the page could not be fetched or read, the dialog says so under the image (which stays usable).
   */
  _parseNotes(got, href) {
    if (!got) return [];
    try {
      if (got.error) throw got.error;
      return parseAnnotationPage(got.doc, { size: this.imageSize, warn: (m) => console.warn(`ImageDialog: ${href}: ${m}`) });
    } catch (e) {
      console.warn(`ImageDialog: annotations ${href}: ${e.message || e}`);
      this.notesLine.set("annotationsFailed", this.language);
      return [];
    }
  }

  /** Annotation `a`'s title in the dialog's language, and the language it is in (another, when it falls back). */
  _title(a) {
    const t = textAndLang(a.title, this.language, this.languages);
    return t.text ? t : { text: a.id, lang: "" };
  }

  _labelButton(b, a) {
    if (!b) return;
    const t = this._title(a);
    b.setAttribute("aria-label", t.text);
    setLang(b, t.lang);
  }

  /**
   * One outlined button per annotation, in the page's order (the Tab order); a smaller region is stacked above a
   * larger one (z-index by area), so that one inside another stays visible and clickable.
   */
  _addOverlays(list) {
    const item = this.osd.world.getItemAt(0);
    this.annotations = list;
    const bySize = [...list].sort((p, q) => q.region[2] * q.region[3] - p.region[2] * p.region[3]);
    for (const a of list) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "vtour-annotation";
      b.dataset.annotationId = a.id;
      b.style.zIndex = String(1 + bySize.indexOf(a));
      this._labelButton(b, a);
      b.addEventListener("click", () => this.select(a.id));   // Enter, Space (a pointer's click is OSD's: canvas-click)
      b.addEventListener("focus", () => { if (this.selected !== a.id) this.select(a.id); });
      this.buttons.set(a.id, b);
      this.osd.addOverlay({ element: b, location: item.imageToViewportRectangle(...a.region) });
    }
  }

  /** The caption: annotation `a`'s title and text (each in its own element, language and direction), else the default. */
  _showCaption(a) {
    if (a) {
      const title = this._title(a), text = textAndLang(a.text, this.language, this.languages);
      this.captionTitle.textContent = title.text;
      setLang(this.captionTitle, title.lang);
      this.captionText.textContent = text.text;
      setLang(this.captionText, text.lang);
      this.caption.replaceChildren(this.captionTitle, " ", this.captionText);
    } else {
      this.captionTitle.textContent = "";
      this.captionText.textContent = this.defaultCaption || "";
      setLang(this.captionText, "");
      this.caption.replaceChildren(this.captionText);
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
    this.opening?.cancel();   // a show() still opening resolves to null
    this.opening = null;
    this.osd?.destroy();
    this.osd = null;
    this.annotations = [];
    this.buttons.clear();
    this.selected = null;
  }

  close() { super.close(); this._teardown(); }
  dispose() { this._teardown(); super.dispose(); }
}

/** `el`'s lang: `lang` when given (a text that fell back to another language says which), else its parent's. */
function setLang(el, lang) {
  if (lang) el.lang = lang;
  else el.removeAttribute("lang");
}

async function fetchJson(href) {
  const res = await fetch(href);
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${href}`);
  return res.json();
}
