import { EventEmitter } from "./EventEmitter.js";
import { Tour } from "./Tour.js";
import { PanoView } from "./views/PanoView.js";
import { ViewControls } from "./views/ViewControls.js";
import { PanoRenderer } from "./renderers/PanoRenderer.js";
import { TiledPanorama } from "./renderers/TiledPanorama.js";
import { DEFAULT_CONCURRENCY, fetchImage } from "./sources/ImageLoader.js";
import { TileUrlSource } from "./sources/TileUrlSource.js";
import { HotspotLayer } from "./hotspots/HotspotLayer.js";
import { InfoDialog, NARRATION_ICON } from "./ui/InfoDialog.js";
import { Narration, narrationSource } from "./ui/Narration.js";
import { VisitTracker } from "./ui/VisitEvents.js";
import { PanoXR } from "./xr/PanoXR.js";
import { ModelDialog } from "./ui/ModelDialog.js";
import { ImageDialog } from "./ui/ImageDialog.js";
import { SceneGallery } from "./ui/SceneGallery.js";
import { FloorPlan } from "./ui/FloorPlan.js";
import { Toolbar } from "./ui/Toolbar.js";
import { UrlState, takePageToken } from "./ui/UrlState.js";
import { Idle, idlePlan } from "./ui/Idle.js";
import { labelsFor } from "./ui/labels.js";
import { Camera } from "./views/Camera.js";
import { wrapYaw } from "./views/PanoView.js";
import { EditMode, TOOLS } from "./edit/EditMode.js";
import { yawPitchAt } from "./edit/pick.js";
import css from "./ui/viewer.css";

/** How long the first scene's early preview request may take before it is asked for again, ms. */
const EARLY_PREVIEW_MS = 4000;

/** Defaults of Viewer's options (mount() and the Panel component take the same names). */
export const DEFAULT_OPTIONS = Object.freeze({
  urlState: true,          // read the view from location.hash and keep it there
  transitionMs: 600,       // scene change: turn towards the link, then cross-fade
  language: null,          // null: the URL's lang, else the tour's first language
  scene: null,             // null: the URL's scene, else the tour's start
  view: null,              // {yaw, pitch, fov}: overrides the scene's initial view
  autorotate: null,        // null: tour.settings.autorotate; false: off; {idleSeconds, speed (deg/s)}
  idleReturnSeconds: null, // kiosk: back to the start scene after this long idle; null: tour.settings.kiosk
  autotourSeconds: 0,      // > 0: when idle, move to the next scene every this many seconds
  concurrency: DEFAULT_CONCURRENCY, // tile requests in flight (the browsers' HTTP/1.1 limit per host)
  documentTitle: false,    // set document.title to the tour's title (the static index.html does)
  modelViewerUrl: null,    // URL of vtour-model.js (three.js, imported when a model opens); null: beside this bundle
  imageViewerUrl: null,    // URL of vtour-image.js (OpenSeadragon, imported when a deep-zoom image opens); null: beside
                           // this bundle
  startPreview: null,      // URL of the start scene's preview.jpg (the static page passes the one it preloads):
                           // fetched and decoded while tour.json loads; unused if another scene is shown first
  landmark: false,         // true: the viewer is the page's main content: a <main> landmark headed by the tour's
                           // title as a (visually hidden) <h1>, which a page needs (axe-core: landmark-one-main,
                           // page-has-heading-one); the static index.html and `vtour serve` set it
  notesApi: null,          // URL of the notes API (`vtour serve --sources`, e.g. "api/notes"); null: the tour's notes,
                           // read-only (inspector/NotesStore.js)
  token: null,             // the notes API's write token; null: the page URL's ?token= (if any), which is then
                           // taken out of the address bar and kept in sessionStorage (ui/UrlState.js takePageToken)
  kiosk: null,             // the visitor-centre kiosk's options (kiosk/Kiosk.js reads them): when set, the viewer's own
                           // autorotate, idle return and autotour are off (the kiosk replaces them) and so is urlState
  edit: false,             // true: the tour editor's preview: hotspots are selected and dragged instead of followed,
                           // a click on the panorama is reported ("editclick"), autorotate, kiosk return and autotour
                           // are off; see setEditing and setHotspots
});

/** The edit-mode options that win over the tour's settings (nothing moves while a tour is being edited). */
/** The input that counts as the visitor's activity (autorotate stops, the kiosk's and autotour's waits restart). */
const ACTIVITY_EVENTS = ["keydown", "pointerdown", "wheel", "touchstart"];
const EDIT_QUIET = Object.freeze({ autorotate: false, idleReturnSeconds: 0, autotourSeconds: 0 });
/** The options the kiosk (option `kiosk`) turns off: its attract loop tours and turns the scenes itself. */
const KIOSK_QUIET = Object.freeze({ autorotate: false, idleReturnSeconds: 0, autotourSeconds: 0, urlState: false });

/** Throttle of the "inspectorchange" event, ms (at most one per this, and one after the last change). */
const INSPECTOR_EVENT_MS = 150;

/** Where a lazily imported bundle (`file`) is: the option (relative to the page), else beside the viewer bundle. */
function bundleUrl(option, file) {
  try {
    return option ? new URL(option, document.baseURI).href : new URL(`./${file}`, import.meta.url).href;
  } catch {
    return null; // a bundle loaded as text (blob:) has no siblings: the option is needed
  }
}

/**
 * vtour's panorama tour viewer in `element`: loads tour.json, shows its scenes' tiled panoramas,
 * hotspots, gallery, floor plan, info and 3D model dialogs.
 *
 * Events: "ready", "scenechange" (id), "viewchange" ({yaw, pitch, fov}), "languagechange" (lang),
 * "hotspot" ({scene, id, type, target}), "firstview" (ms since page start), "sharp" (ms), "error",
 * "xrstart", "xrend" ({mode: "panorama"} or {mode: "model", model: id}: a WebXR session of the panorama's headset
 * mode, xr/PanoXR.js, or of a statue at life size, ModelStage.enterXR, started or ended; each "xrstart" is followed
 * by one "xrend", also when the model dialog closes during the session), "modelopen" (model id), "modelclose",
 * "inspectorchange" (the inspector's state, at most every 150 ms),
 * "imageopen" (deep-zoom image id), "imageclose", "imageview" (the part of the open image in view, [x, y, w, h] image
 * px, each time it moves: unthrottled; the Panel bridge throttles it), "visit" (a visit event, docs/events.md; also
 * the DOM event "vtour:visit" on the root), "mediastate" (bool: narration audio started / stopped),
 * "contextrestored" (the scene is drawn again after a lost WebGL context; stats() counts contextLosses, recoveries).
 * Narration (tour.json `narration` of a scene or info hotspot): a toolbar button and one in the info dialog play it
 * in the viewer's language with captions (playNarration, stopNarration, mediaPlaying); it stops on a scene or
 * language change. `xr` is the WebXR mode (xr/PanoXR.js).
 * With the option `edit` (the tour editor), hotspots do not navigate: "hotspotselect" ({scene, index}) on click,
 * Enter or Space; "hotspotmove" ({scene, index, yaw, pitch}) when one is dragged (the direction under its icon
 * centre where it is dropped) or nudged with the Arrow keys; "editclick" ({scene, yaw, pitch}) for a click on the
 * panorama (the direction under the pointer; edit/pick.js), or Enter / Space on the viewer with a tool armed (the
 * view's centre). Angles in degrees, unrounded.
 * A model opens in the conservator's inspector (openModel; `inspector` is the open one, or null), also from the
 * page URL (#model=<id>, with its mode, light, camera and section: ui/UrlState.js). A deep-zoom image (tour.json
 * images[]) opens in ui/ImageDialog.js (openImage; `imageView`), from an info hotspot with `deepZoom`, the gallery
 * or the page URL (#image=<id>&region=x,y,w,h, image px, kept as the view changes).
 * `stats()` reports what tests and benchmarks measure. While it lives, its root element (`.vtour-root`)
 * holds it as `vtourViewer`, so a page that has only the DOM (the Panel app's, in a shadow root) can
 * reach it; dispose() removes it, so nothing outside the viewer keeps a disposed viewer alive.
 */
export class Viewer extends EventEmitter {
  constructor(element, tourUrl, options = {}) {
    super();
    this.options = { ...DEFAULT_OPTIONS, ...options, ...(options.kiosk ? KIOSK_QUIET : {}),
                     ...(options.edit ? EDIT_QUIET : {}) };
    this.editing = { tool: null, selected: null };  // setEditing
    this._editHotspots = null;                      // setHotspots: {scene, list} or null
    // before anything writes the URL: a shared link must never carry the edit token
    const pageToken = takePageToken();
    this._token = this.options.token ?? pageToken;
    this.root = document.createElement("div");
    this.root.className = "vtour-root";
    this.root.tabIndex = 0;
    this.root.setAttribute("role", "application");
    const style = document.createElement("style");
    style.textContent = css;
    this.stage = document.createElement("div");
    this.stage.className = "vtour-stage";
    this.root.append(style, this.stage);
    this.root.vtourViewer = this;
    if (this.options.landmark) {
      this.main = document.createElement("main");
      this.main.className = "vtour-main";
      this.pageHeading = document.createElement("h1");
      this.pageHeading.className = "vtour-visually-hidden";
      this.pageHeading.textContent = labelsFor(this.options.language).viewer;  // the tour's title once loaded
      this.main.append(this.pageHeading, this.root);
    }
    element.appendChild(this.main || this.root);
    this.sceneId = null;
    this.language = null;
    this.timing = { firstView: null, sharp: null };
    this._layer = 0;
    this._recoveries = 0;
    this._mediaPlaying = false;
    this.visits = new VisitTracker({
      state: () => ({ scene: this.sceneId, language: this.language }),
      emit: (event) => this._emitVisit(event),
    });
    // the dwell in the scene ends when the page is hidden or left (the kiosk sends its batch on pagehide after this)
    this._onPageHide = () => this.visits.setHidden(true);
    this._onPageShow = () => this.visits.setHidden(document.visibilityState === "hidden");
    window.addEventListener("pagehide", this._onPageHide);
    window.addEventListener("pageshow", this._onPageShow);
    document.addEventListener("visibilitychange", this._onPageShow);
    this.ready = this._init(tourUrl).then(() => { this.emit("ready"); return this; }, (err) => {
      this._fail(err); throw err;
    });
  }

  async _init(tourUrl) {
    const o = this.options;
    // tour.json, the start preview (when the page names it) and the WebGL context all at once
    const loading = Tour.load(tourUrl);
    loading.catch(() => {}); // awaited below
    const hinted = o.startPreview ? new URL(o.startPreview, document.baseURI).href : null;
    // the early request is a head start, not a dependency: if it has not delivered within a few
    // seconds (a stalled preload was seen under load), the panorama asks again with retries
    const early = hinted ? fetchImage(hinted, null, EARLY_PREVIEW_MS) : null;
    early?.catch(() => {});  // goTo reports it, or it is not used
    const drop = (p) => p?.then(({ bitmap }) => bitmap.close?.(), () => {});
    this.renderer = new PanoRenderer(this.stage);
    const tour = this.tour = await loading.catch((err) => { drop(early); throw err; });
    this.urlState = o.urlState ? new UrlState() : null;
    const fromUrl = this.urlState ? this.urlState.read() : {};
    this.language = [o.language, fromUrl.lang].find((l) => l && tour.languages.includes(l)) || tour.languages[0];
    const scene = [o.scene, fromUrl.scene].find((id) => id && tour.scene(id)) || tour.start;
    const url = this._source(tour.scene(scene).panorama).previewUrl;
    let preview = early;
    if (url !== hinted) {
      drop(early);
      preview = fetchImage(url, null, EARLY_PREVIEW_MS); // decoded off the main thread while the UI is built
      preview.catch(() => {});   // goTo reports it
    }
    this.renderer.on("beforerender", () => this._beforeRender());
    this.renderer.on("render", () => this._afterRender());
    this.renderer.on("resize", () => this.view?.setAspect(this.renderer.aspect));
    this.renderer.on("contextlost", () => { this.root.dataset.contextLost = "true"; });
    this.renderer.on("contextrestored", () => this._recover());
    this.hotspots = new HotspotLayer(this.root, {
      onActivate: (h) => this.activate(h), onDrop: (h, x, y) => this._hotspotDropped(h, x, y),
      onNudge: (h, dYaw, dPitch) => this._hotspotNudged(h, dYaw, dPitch),
    });
    if (o.edit) {
      this.root.classList.add("vtour-editing");
      this.hotspots.setEditable(true);
      this.hotspots.select(this.editing.selected);
      this.editMode = new EditMode(this.root, {
        onClick: (x, y) => this._editClick(x, y), onCentre: () => this._editClick(null, null),
        getTool: () => this.editing.tool,
      });
    }
    const onClose = () => this.root.focus({ preventScroll: true });
    this.info = new InfoDialog(this.root, { onClose: () => this._infoClosed() });
    this.modelView = new ModelDialog(this.root, {
      moduleUrl: bundleUrl(o.modelViewerUrl, "vtour-model.js"), onClose: () => this._modelClosed(),
      onInspector: (inspector) => {
        inspector.on("change", () => this._inspectorChanged());
        // the statue at life size in VR: the same events as the panorama's headset mode (a kiosk hears both)
        const model = this._modelId;
        inspector.stage?.on("xrstart", () => this.emit("xrstart", { mode: "model", model }));
        inspector.stage?.on("xrend", () => this.emit("xrend", { mode: "model", model }));
      },
    });
    this.imageView = new ImageDialog(this.root, {
      moduleUrl: bundleUrl(o.imageViewerUrl, "vtour-image.js"), onClose: () => this._imageClosed(),
      // the view moved (the visitor zooms, pans or picks an annotation): not idle (kiosk return, autotour)
      onView: () => { if (this._imageId) { this._interact(); this._writeUrl(); this.emit("imageview", this.imageView.region); } },
    });
    this.gallery = new SceneGallery(this.root, {
      onSelect: (id, kind) => (kind === "image" ? this.openImage(id).catch(() => {}) : this.goTo(id)), onClose });
    this.floorplan = new FloorPlan(this.root, { onSelect: (id) => this.goTo(id), onClose });
    this.toolbar = new Toolbar(this.root, {
      languages: tour.languages, hasFloorplan: !!tour.data.floorplan,
      onGallery: () => this.openGallery(), onFloorplan: () => this.openFloorplan(),
      onFullscreen: () => this.toggleFullscreen(), onLanguage: (l) => this.setLanguage(l),
    });
    this.narration = new Narration(this.root, { onState: (playing) => this._mediaState(playing) });
    // the toolbar's narration button, when any scene has narration (shown in those scenes that have it in the language)
    this.narrationButton = tour.scenes.some((s) => s.narration) ? this.toolbar.addButton({
      className: "vtour-tool-narration", icon: NARRATION_ICON, label: labelsFor(this.language).narrationPlay,
      onClick: () => this._toggleNarration(null),
    }) : null;
    if (this.narrationButton) this.narrationButton.hidden = true;
    this.xr = new PanoXR(this);
    this.controls = new ViewControls(this.root, () => this.view, { onInteract: () => this._interact() });
    this.idle = new Idle(idlePlan(o, tour.settings), {
      renderer: this.renderer, getView: () => this.view,
      onReturn: () => this._returnToStart(), onNext: () => this._nextScene(),
      paused: () => this._dialogs().some((d) => d?.isOpen),  // modal: the panorama behind is not for show
    });
    // any input anywhere in the viewer is activity, also inside a dialog (whose backdrop keeps keys, presses and the
    // wheel from the panorama's handlers): seen on the way down, before anything stops it
    this._onActivity = () => this._interact();
    for (const type of ACTIVITY_EVENTS) this.root.addEventListener(type, this._onActivity, { capture: true, passive: true });
    let view = o.view || null;
    if (!view && fromUrl.scene === scene && fromUrl.yaw !== undefined) {
      view = { yaw: fromUrl.yaw, pitch: fromUrl.pitch ?? 0, fov: fromUrl.fov ?? tour.scene(scene).view?.fov ?? 75 };
    }
    this._applyLabels();
    await this.goTo(scene, view, { transitionMs: 0, preview });
    const deep = fromUrl.inspector;
    if (deep && tour.model(deep.model)) this.openModel(deep.model, deep).catch(() => {});
    else if (fromUrl.image && tour.image(fromUrl.image)) this.openImage(fromUrl.image, fromUrl.region).catch(() => {});
  }

  /** The current scene id, view and language. */
  get state() {
    const v = this.view ? this.view.get() : { yaw: 0, pitch: 0, fov: 75 };
    return { scene: this.sceneId, ...v, language: this.language };
  }

  /**
   * Shows scene `id` at `view` (default: the scene's initial view). With `towards` (a hotspot) the
   * camera first turns towards it; the new scene then fades in over the old one.
   */
  async goTo(id, view = null, { transitionMs = this.options.transitionMs, towards = null, preview = null } = {}) {
    return this._goTo(id, view, { transitionMs, towards, preview, reload: false });
  }

  /** goTo; `reload`: the same scene again after a lost WebGL context (no visit events, the narration goes on). */
  async _goTo(id, view, { transitionMs, towards, preview, reload }) {
    const scene = this.tour.scene(id);
    if (!scene) throw new Error(`Viewer: no scene ${JSON.stringify(id)} in the tour`);
    const token = this._goToken = {};
    if (!reload) this.stopNarration();
    const p = scene.panorama;
    const pano = new TiledPanorama(p, {
      renderer: this.renderer, source: this._source(p),
      maxTextureSize: this.renderer.maxTextureSize, concurrency: this.options.concurrency,
    });
    const first = this.sceneId === null;
    const turning = towards && this.view && transitionMs > 0
      ? this._animateView({ yaw: towards.yaw, pitch: towards.pitch, fov: this.view.fov * 0.75 }, transitionMs * 0.4)
      : null;
    try {
      await Promise.all([pano.loadPreview(preview), turning]);
    } catch (err) {
      pano.dispose();
      this.emit("error", err);
      throw err;
    }
    if (token !== this._goToken) { pano.dispose(); return; }
    const newView = new PanoView({ ...(scene.view || {}), ...(view || {}) }, scene.limits || {}, p.coverage);
    newView.setAspect(this.renderer.aspect);
    this.view?.dispose();
    this.view = newView;
    newView.on("change", () => this._viewChanged());
    const old = this.pano;
    this.pano = pano;
    pano.order = ++this._layer;
    pano.on("tile", () => this.renderer.requestRender());
    pano.on("sharp", () => { this._sharpPending = true; this.renderer.requestRender(); });
    pano.on("error", (e) => console.warn(String(e.message || e)));
    this.renderer.add(pano);
    const from = this.sceneId;
    this.sceneId = id;
    if (!reload) this.visits.enter(id, from);
    this._narrationButtonState();
    this._sceneStart = performance.now();
    this._previewPending = true;
    this._showHotspots();
    if (old) {
      if (transitionMs > 0) {
        pano.setOpacity(0);
        await this._animate(transitionMs * 0.6, (t) => pano.setOpacity(t));
        // superseded by a later goTo, which removes only this scene: the one it replaced goes now
        if (token !== this._goToken) { this.renderer.remove(old); old.dispose(); return; }
      }
      this.renderer.remove(old);
      old.dispose();
    }
    this._applyLabels();
    this._viewChanged();
    if (!reload && (!first || !this._announced)) { this._announced = true; this.emit("scenechange", id); }
  }

  /** Sets any of yaw, pitch, fov (degrees); clamped to the scene's limits. */
  setView(view) { this.view?.set(view); }

  setLanguage(lang) {
    if (!this.tour.languages.includes(lang) || lang === this.language) return;
    const from = this.language;
    this.stopNarration();
    this.language = lang;
    this.visits.track("language", { language: lang, from });
    this.xr?.setLanguage(lang);
    this.hotspots.relabel((h) => this._hotspotLabel(h));
    this._applyLabels();
    if (this.modelView.isOpen && this._modelId) {
      const m = this.tour.model(this._modelId);
      this.modelView.heading.textContent = this.tour.text(m.title, lang) || this.modelView.heading.textContent;
      this.modelView.setLanguage(lang);
    }
    if (this.imageView.isOpen && this._imageId) this.imageView.setLanguage(lang, this._imageTexts(this._imageId, this._imageFrom));
    this._writeUrl();
    this.emit("languagechange", lang);
  }

  /** Closes every dialog (info, model, image, gallery, floor plan). */
  closeDialogs() { for (const d of this._dialogs()) d?.close(); }

  /**
   * Turns the view to `view` (any of yaw, pitch, fov; degrees) over `ms` (eased; the shorter way round in yaw).
   * Resolves when there (at once for ms <= 0, or while nothing is drawn: paused, context lost).
   */
  animateTo(view, ms = this.options.transitionMs) {
    if (!this.view) return Promise.resolve();
    const target = { ...this.view.get(), ...view };
    if (!(ms > 0) || this.renderer.paused || this.renderer.lost) { this.view.set(target); return Promise.resolve(); }
    return this._animateView(target, ms);
  }

  /**
   * Emits a visit event (docs/events.md) of `type` with `fields` ("visit" and the DOM event "vtour:visit" on the
   * root) and returns it. The kiosk reports "idle_reset" and "attract" this way; an attract start ends the dwell.
   */
  track(type, fields = {}) { return this.visits.track(type, fields); }

  /** Whether narration audio is playing now ("mediastate" says when this changes). */
  get mediaPlaying() { return this._mediaPlaying; }

  /**
   * Plays the narration of the current scene (`target` null or "scene") or of its info hotspot `target` (an id) in
   * the viewer's language, `muted` or not, its captions shown when `captions`. Resolves to true once it plays;
   * false when there is none in this language, or the browser would not play it.
   */
  async playNarration({ muted = false, captions = true, target = null } = {}) {
    const name = target == null || target === "scene" ? "scene" : String(target);
    const scene = this.tour?.scene(this.sceneId);
    const entry = name === "scene" ? scene : scene?.hotspots?.find((h) => h.id != null && String(h.id) === name);
    const source = narrationSource(entry?.narration, this.language, (p) => this.tour.url(p));
    if (!source) { this.stopNarration(); return false; }
    const playing = this.narration.play(source, { target: name, muted: !!muted, captions });
    this._narrationButtonState();
    const ok = await playing;
    if (ok) this.visits.track("narration", { target: name, muted: !!muted });
    return ok;
  }

  /** Stops the narration playing (if any). */
  stopNarration() {
    this.narration?.stop();
    this._narrationButtonState();
  }

  /** What a click / Enter on a hotspot does (editing: "hotspotselect", nothing else). */
  activate(h) {
    this._interact();
    if (this.options.edit) { this.emit("hotspotselect", { scene: this.sceneId, index: h.index }); return; }
    this.emit("hotspot", { scene: this.sceneId, id: h.id ?? null, type: h.type, target: h.target ?? null });
    const lang = this.language, tour = this.tour;
    const image = h.type === "info" && h.deepZoom && tour.image(h.deepZoom) ? h.deepZoom : null;
    const kind = h.type === "info" ? (image ? "image" : h.url ? "url" : "info") : h.type;
    this.visits.track("hotspot_open", { hotspot: h.id ?? null, kind,
                                        target: image ?? (kind === "url" ? h.url : h.target ?? null) });
    if (h.type === "link") {
      if (tour.scene(h.target)) this.goTo(h.target, null, { towards: h }).catch(() => {});
    } else if (h.type === "model") {
      if (tour.model(h.target)) this._openModel(h.target, {}, tour.hotspotTitle(h, lang)).catch(() => {});
    } else if (h.deepZoom && tour.image(h.deepZoom)) {
      this._openImage(h.deepZoom, null, h).catch(() => {});
    } else {
      const narrated = h.id != null && narrationSource(h.narration, lang);
      this.info.show({ title: tour.hotspotTitle(h, lang), text: tour.text(h.text, lang),
                       imageUrl: h.image ? tour.url(h.image) : null,
                       narration: narrated ? { label: labelsFor(lang).narrationPlay,
                                               onClick: () => this._toggleNarration(String(h.id)) } : null });
      this._infoHotspot = narrated ? String(h.id) : null;
    }
  }

  /**
   * Opens model `id` (tour.json's models[].id) in the inspector, at `state` (inspector/state.js: mode, light,
   * camera, section, finest, compare, ...). Resolves to the Inspector when its first level is shown (null if it
   * could not be loaded; the dialog says why).
   */
  openModel(id, state = {}) { return this._openModel(id, state, null); }

  async _openModel(id, state, fallbackTitle) {
    const m = this.tour.model(id);
    if (!m) throw new Error(`Viewer: no model ${JSON.stringify(id)} in the tour`);
    const tour = this.tour, lang = this.language, o = this.options;
    if (this.modelView.isOpen) this.modelView.close();
    this._interact();
    this._modelId = id;
    this._modelState = state;  // what the URL says until the inspector can say it
    const opening = this.modelView.show({
      model: m, url: (p) => tour.url(p), title: tour.text(m.title, lang) || fallbackTitle || id,
      description: tour.text(m.description, lang), language: lang, languages: tour.languages, state,
      tourBase: tour.baseUrl, notesApi: o.notesApi, token: this._token,
    });
    this.emit("modelopen", id);
    this.visits.track("model_open", { model: id });
    this._writeUrl();
    return opening;
  }

  /** Closes the inspector (the model dialog) and goes back to the scene. */
  closeModel() { this.modelView.close(); }

  /** The open inspector (inspector/Inspector.js: set(partial), state(), timing), or null. */
  get inspector() { return this.modelView?.inspector ?? null; }

  /**
   * Opens deep-zoom image `id` (tour.json's images[].id) in the image dialog, showing `region` ([x, y, w, h], image
   * px; default the whole image). Resolves to the OpenSeadragon viewer once the image is open (null if it could not
   * be loaded; the dialog says why).
   */
  openImage(id, region = null) { return this._openImage(id, region, null); }

  /** Closes the deep-zoom image dialog and goes back to the scene. */
  closeImage() { this.imageView.close(); }

  /** The id of the deep-zoom image open in the image dialog (loading or shown), or null. */
  get imageId() { return this._imageId ?? null; }

  /** The part of the open deep-zoom image in view, [x, y, w, h] image px; null while none is open (or loading). */
  get imageRegion() { return this._imageId ? this.imageView.region : null; }

  /** Shows `region` ([x, y, w, h] image px) of the open deep-zoom image whole, centred (animated unless `immediately`). */
  showImageRegion(region, immediately = false) { if (this._imageId) this.imageView.fitRegion(region, immediately); }

  /** `from`: the info hotspot that opened the image (its title and text win over the image's), or null. */
  async _openImage(id, region, from) {
    const image = this.tour.image(id);
    if (!image) throw new Error(`Viewer: no image ${JSON.stringify(id)} in the tour`);
    for (const d of this._dialogs()) if (d !== this.imageView && d.isOpen) d.close();
    this._interact();
    this._imageId = null;  // the dialog being replaced does not write the URL
    if (this.imageView.isOpen) this.imageView.close();
    this._imageId = id;
    this._imageFrom = from;
    const opening = this.imageView.show({
      image, url: (p) => this.tour.url(p), ...this._imageTexts(id, from), language: this.language,
      languages: this.tour.languages, region: region || null,
    });
    this.emit("imageopen", id);
    this.visits.track("image_open", { image: id });
    this._writeUrl();
    return opening;
  }

  /** The image dialog's title and default caption in the viewer's language: the hotspot's, else the image's. */
  _imageTexts(id, from) {
    const image = this.tour.image(id), lang = this.language;
    const title = (from && this.tour.hotspotTitle(from, lang)) || this.tour.text(image?.title, lang) || id;
    const caption = (from && this.tour.text(from.text, lang)) || this.tour.text(image?.description, lang);
    return { title, caption };
  }

  _imageClosed() {
    this._imageId = null;
    this._imageFrom = null;
    this._writeUrl();
    this.urlState?.flush();  // a shared or reloaded page must not reopen what was closed (the kiosk's return too)
    this.emit("imageclose");
  }

  /** The gallery: the tour's scenes, then its deep-zoom images (each opens in the image dialog). */
  openGallery() {
    const lang = this.language, tour = this.tour;
    this.gallery.show(labelsFor(lang).gallery, [
      ...tour.scenes.map((s) => ({
        id: s.id, title: tour.text(s.title, lang) || s.id, current: s.id === this.sceneId,
        thumbUrl: s.panorama?.thumb ? tour.url(s.panorama.thumb) : null })),
      ...tour.images.map((m) => ({
        id: m.id, kind: "image", title: tour.text(m.title, lang) || m.id, current: false,
        thumbUrl: m.thumb ? tour.url(m.thumb) : null })),
    ], { images: labelsFor(lang).images });
  }

  openFloorplan() {
    const plan = this.tour.data.floorplan, lang = this.language;
    if (!plan) return;
    this.floorplan.show(labelsFor(lang).floorplan, { ...plan, imageUrl: this.tour.url(plan.image) },
      this.tour.scenes.filter((s) => s.floorplanPosition).map((s) => ({
        id: s.id, title: this.tour.text(s.title, lang) || s.id, current: s.id === this.sceneId, ...s.floorplanPosition })));
  }

  toggleFullscreen() {
    const doc = this.root.ownerDocument;
    if (doc.fullscreenElement) doc.exitFullscreen?.();
    else this.root.requestFullscreen?.().catch(() => {});
  }

  /**
   * The editor's state (option `edit`): `tool` null | "link" | "info" | "model" (armed: a crosshair over the
   * panorama, and Enter / Space on the viewer click its centre), `selected` a hotspot index of the shown scene or
   * null (its button pressed: class vtour-hotspot-selected, aria-pressed="true"). Keys left out stay as they are.
   */
  setEditing({ tool, selected } = {}) {
    if (tool !== undefined) {
      if (!TOOLS.includes(tool)) {
        throw new Error(`Viewer: edit tool ${JSON.stringify(tool)} is unknown; use one of ${TOOLS.map((t) => JSON.stringify(t)).join(", ")}`);
      }
      this.editing.tool = tool;
      this.root.classList.toggle("vtour-armed", !!tool);
      if (tool) this.root.dataset.tool = tool; else delete this.root.dataset.tool;
    }
    if (selected !== undefined) {
      if (selected !== null && !(Number.isInteger(selected) && selected >= 0)) {
        throw new Error(`Viewer: selected hotspot ${JSON.stringify(selected)} is not an index; give an integer >= 0 or null`);
      }
      this.editing.selected = selected;
      this.hotspots?.select(selected);
    }
  }

  /**
   * Replaces the hotspots of scene `scene` (default: the one shown) without reloading: `list` holds
   * {index, type, yaw, pitch, title, target} (the editor's document; title a text map or string), shown as soon as
   * that scene is; null goes back to tour.json's. Editing, a hotspot's id in the layer is String(index).
   */
  setHotspots(list, { scene = this.sceneId } = {}) {
    if (list != null) {
      if (!Array.isArray(list)) throw new Error(`Viewer: setHotspots takes a list of hotspots or null, not ${typeof list}`);
      list.forEach((h, i) => {
        for (const k of ["yaw", "pitch"]) {
          if (!Number.isFinite(h?.[k])) {
            throw new Error(`Viewer: setHotspots: hotspot ${i} has ${k} ${JSON.stringify(h?.[k])}; give degrees as a number`);
          }
        }
      });
    }
    this._editHotspots = list == null ? null : { scene, list: list.map((h, i) => ({ ...h, index: h.index ?? i })) };
    if (this.tour && scene === this.sceneId) this._showHotspots();
  }

  /** Numbers tests and benchmarks read: timings (ms since page start), tiles, level. */
  stats() {
    const s = this.pano?.stats || {};
    return { scene: this.sceneId, firstView: this.timing.firstView, sharp: this.timing.sharp,
             level: s.level, visible: s.visible || [], requested: s.requested || [], sharpNow: !!s.sharp,
             bytes: s.bytes || 0, frames: this.renderer?.frames || 0, textures: this.renderer?.textures ?? 0,
             contextLosses: this.renderer?.contextLosses ?? 0, recoveries: this._recoveries, ...this.state };
  }

  // -- internals ------------------------------------------------------------------------------------

  /** The shown scene's hotspots in the layer: setHotspots' for it, else tour.json's (editing: ids are indices). */
  _showHotspots() {
    const own = this._editHotspots;
    let list = own && own.scene === this.sceneId ? own.list : (this.tour.scene(this.sceneId)?.hotspots || []);
    if (this.options.edit) list = list.map((h, i) => ({ ...h, index: h.index ?? i, id: String(h.index ?? i) }));
    this.hotspots.set(list, (h) => this._hotspotLabel(h));
    this.renderer.requestRender();
  }

  /** A hotspot's label: its title in the viewer's language (else its target's); editing, else its type and target. */
  _hotspotLabel(h) {
    if (!this.options.edit) return this.tour.hotspotTitle(h, this.language);
    const t = h.title, named = typeof t === "string" ? t !== "" : !!t && Object.values(t).some((v) => v);
    return this.tour.hotspotTitle(named ? h : { ...h, title: null }, this.language) ||
      (h.target ? `${h.type}: ${h.target}` : h.type);
  }

  /** A camera on the current view (the renderer's may be a frame behind), for picking. */
  _pickCamera() {
    const cam = new Camera();
    this.view.setAspect(this.renderer.aspect);
    this.view.applyTo(cam);
    return cam;
  }

  /** Editing: a click on the panorama at client point (x, y), or the view's centre (null). */
  _editClick(x, y) {
    if (!this.view) return;
    this._interact();
    let at = { yaw: this.view.yaw, pitch: this.view.pitch };
    if (x !== null) {
      const r = this.stage.getBoundingClientRect();
      if (!(r.width > 0 && r.height > 0)) return;
      at = yawPitchAt(this._pickCamera(), x - r.left, y - r.top, r.width, r.height);
    }
    this.emit("editclick", { scene: this.sceneId, ...at });
  }

  /** Editing: hotspot `h` dropped with its icon centre at (x, y) px of the layer (the stage's size). */
  _hotspotDropped(h, x, y) {
    if (!this.view) return;
    const at = yawPitchAt(this._pickCamera(), x, y, this.stage.clientWidth, this.stage.clientHeight);
    this._hotspotMoved(h, at.yaw, at.pitch);
  }

  /** Editing: hotspot `h` turned by Arrow keys; angles kept to a thousandth of a degree (no float drift). */
  _hotspotNudged(h, dYaw, dPitch) {
    const r = (v) => Math.round(v * 1000) / 1000;
    this._hotspotMoved(h, r(wrapYaw(h.yaw + dYaw)), r(Math.max(-90, Math.min(90, h.pitch + dPitch))));
  }

  _hotspotMoved(h, yaw, pitch) {
    this._interact();
    this.hotspots.moveTo(h.id, yaw, pitch);
    this.renderer.requestRender();
    this.emit("hotspotmove", { scene: this.sceneId, index: h.index, yaw, pitch });
  }

  _viewChanged() {
    this.renderer.requestRender();
    this._writeUrl();
    if (this.view) this.emit("viewchange", this.view.get());
  }

  /** Tile and preview URLs of a scene's panorama: tour.json's `tiles` template and `preview` (both required). */
  _source(p) { return TileUrlSource.fromString(p.tiles, { baseUrl: this.tour.baseUrl, previewUrl: p.preview }); }

  _writeUrl() {
    if (!this.urlState || !this.view) return;
    const inspector = this.modelView.isOpen && this._modelId
      ? { ...(this.inspector ? this.inspector.state() : this._modelState), model: this._modelId } : undefined;
    const image = this.imageView.isOpen && this._imageId ? this._imageId : undefined;
    this.urlState.write({ scene: this.sceneId, lang: this.language, ...this.view.get(), inspector,
                         image, region: image ? this.imageView.region ?? undefined : undefined });
  }

  /** The inspector changed: the URL follows; "inspectorchange" at most every INSPECTOR_EVENT_MS, the last one kept. */
  _inspectorChanged() {
    this._writeUrl();
    if (this._inspectorTimer) { this._inspectorPending = true; return; }
    if (this.inspector) this.emit("inspectorchange", this.inspector.state());
    this._inspectorTimer = setTimeout(() => {
      this._inspectorTimer = 0;
      if (this._inspectorPending) { this._inspectorPending = false; this._inspectorChanged(); }
    }, INSPECTOR_EVENT_MS);
  }

  _modelClosed() {
    this._modelId = null;
    this._inspectorPending = false;
    this._writeUrl();
    this.emit("modelclose");
  }

  _beforeRender() {
    if (!this.view) return;
    const cam = this.renderer.camera;
    this.view.setAspect(this.renderer.aspect);
    this.view.applyTo(cam);
    this.pano?.update(cam, this.renderer.heightPx);
    this.hotspots.update(cam, this.stage.clientWidth, this.stage.clientHeight);
  }

  _afterRender() {
    const now = performance.now();
    if (this._previewPending) {
      this._previewPending = false;
      if (this.timing.firstView === null) { this.timing.firstView = now; this.emit("firstview", now); }
      this.root.dataset.firstView = "true";
    }
    if (this._sharpPending) {
      this._sharpPending = false;
      if (this.timing.sharp === null) { this.timing.sharp = now; this.emit("sharp", now); }
      this.root.dataset.sharp = this.sceneId;
    }
  }

  _applyLabels() {
    const L = labelsFor(this.language);
    this.root.lang = this.language;
    if (this.options.documentTitle) document.title = this.tour.text(this.tour.data.title, this.language) || document.title;
    const title = this.tour.text(this.tour.data.title, this.language);
    this.root.setAttribute("aria-label", `${L.viewer}: ${title}`);
    if (this.main) { this.main.lang = this.language; this.pageHeading.textContent = title || L.viewer; }
    for (const d of this._dialogs()) d.closeButton.setAttribute("aria-label", L.close);
    this.toolbar.setLabels({ gallery: L.gallery, floorplan: L.floorplan, fullscreen: L.fullscreen, language: L.language,
                             lang: this.language, sceneTitle: this.tour.text(this.tour.scene(this.sceneId)?.title, this.language) });
    this._narrationButtonState();
  }

  _animate(ms, step) {
    return new Promise((resolve) => {
      const t0 = performance.now();
      const stop = this.renderer.onBeforeRender((now) => {
        const t = Math.min(1, (now - t0) / ms);
        step(t * t * (3 - 2 * t));
        if (t >= 1) { stop(); resolve(); return false; }
        return true;
      });
      this.renderer.requestRender();
    });
  }

  _animateView(target, ms) {
    const from = this.view.get();
    const dyaw = ((((target.yaw - from.yaw) + 180) % 360) + 360) % 360 - 180;
    return this._animate(ms, (t) => this.view.set({ yaw: from.yaw + dyaw * t, pitch: from.pitch + (target.pitch - from.pitch) * t,
                                                     fov: from.fov + (target.fov - from.fov) * t }));
  }

  /** Kiosk: after the idle time, close every dialog and show the start scene at its initial view. */
  _returnToStart() {
    this.closeDialogs();
    if (this.sceneId !== this.tour.start) this.goTo(this.tour.start).catch(() => {});
    else this.view.set(this.tour.scene(this.tour.start).view || {});
  }

  /** Autotour: the scene after the current one, in tour.json's order, round to the first. */
  _nextScene() {
    const i = this.tour.scenes.findIndex((s) => s.id === this.sceneId);
    this.goTo(this.tour.scenes[(i + 1) % this.tour.scenes.length].id).catch(() => {});
  }

  _interact() { this.idle?.interact(); }

  /** A visit event out: "visit" and the DOM event "vtour:visit" on the root (bubbling out of a shadow root too). */
  _emitVisit(event) {
    Object.freeze(event);
    this.emit("visit", event);
    this.root.dispatchEvent(new CustomEvent("vtour:visit", { detail: event, bubbles: true, composed: true }));
  }

  /** The narration buttons: play or stop ("scene", or a hotspot id); the toolbar's shown when the scene has one. */
  _toggleNarration(target) {
    const name = target ?? "scene";
    if (this.narration.current?.target === name) this.stopNarration();
    else this.playNarration({ target: name }).catch(() => {});
  }

  _narrationButtonState() {
    if (!this.tour || !this.narration) return;
    const L = labelsFor(this.language), on = (name) => this.narration.current?.target === name;
    const button = this.narrationButton;
    if (button) {
      button.hidden = !narrationSource(this.tour.scene(this.sceneId)?.narration, this.language);
      this.toolbar.setButtonLabel(button, on("scene") ? L.narrationStop : L.narrationPlay);
    }
    if (this.info?.isOpen && this._infoHotspot && this.info.narrationButton) {
      const h = this.tour.scene(this.sceneId)?.hotspots?.find((x) => x.id != null && String(x.id) === this._infoHotspot);
      this.info.narrationButton.hidden = !narrationSource(h?.narration, this.language);  // none in this language
      this.info.setNarrationLabel(on(this._infoHotspot) ? L.narrationStop : L.narrationPlay);
    }
  }

  _mediaState(playing) {
    this._narrationButtonState();
    if (playing === this._mediaPlaying) return;
    this._mediaPlaying = playing;
    this.root.dataset.mediaPlaying = String(playing);
    this.emit("mediastate", playing);
  }

  /** The info dialog closed: its hotspot's narration stops. */
  _infoClosed() {
    const id = this._infoHotspot;
    this._infoHotspot = null;
    if (id && this.narration.current?.target === id) this.stopNarration();
  }

  /**
   * The WebGL context is back, or a fresh canvas replaced it: the scene again at the same view (new textures), then
   * "contextrestored" once it is drawn.
   */
  async _recover() {
    if (this.sceneId === null) { this.ready.then(() => this._recover(), () => {}); return; }  // lost while loading
    const view = this.view?.get() ?? null;
    try {
      await this._goTo(this.sceneId, view, { transitionMs: 0, towards: null, preview: null, reload: true });
    } catch {
      return;   // "error" was emitted
    }
    if (this.renderer.lost) return;  // lost again meanwhile: the next restore reloads
    await new Promise((resolve) => {
      const off = this.renderer.on("render", () => { off(); resolve(); });
      this.renderer.requestRender();
    });
    this._recoveries += 1;
    delete this.root.dataset.contextLost;
    this.root.dataset.recoveries = String(this._recoveries);
    this.emit("contextrestored");
  }

  _dialogs() { return [this.info, this.modelView, this.imageView, this.gallery, this.floorplan]; }

  _fail(err) {
    console.error(String(err?.message || err));
    const box = document.createElement("div");
    box.className = "vtour-error";
    box.setAttribute("role", "alert");
    box.textContent = String(err?.message || err);
    this.root.appendChild(box);
  }

  dispose() {
    this._goToken = {};
    window.removeEventListener("pagehide", this._onPageHide);
    window.removeEventListener("pageshow", this._onPageShow);
    document.removeEventListener("visibilitychange", this._onPageShow);
    this.narration?.dispose();
    this.xr?.dispose();
    clearTimeout(this._inspectorTimer);
    this.idle?.dispose();
    for (const type of ACTIVITY_EVENTS) this.root.removeEventListener(type, this._onActivity, { capture: true });
    this.urlState?.dispose();
    this.controls?.dispose();
    this.editMode?.dispose();
    this.pano?.dispose();
    this.view?.dispose();
    for (const d of [...this._dialogs(), this.toolbar, this.hotspots]) d?.dispose();
    this.renderer?.dispose();
    delete this.root.vtourViewer;
    (this.main || this.root).remove();
    this.removeAllListeners();
  }
}
