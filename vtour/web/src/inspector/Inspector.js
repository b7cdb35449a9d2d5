import { EventEmitter } from "../EventEmitter.js";
import { ModelStage } from "../renderers/ModelStage.js";
import { inspectorLabelsFor } from "../ui/labels.js";
import { Compare } from "./Compare.js";
import { button } from "./controls.js";
import { notMeasuredThreshold } from "./colormap.js";
import { fill, formatLength } from "./format.js";
import { InspectorPanel } from "./InspectorPanel.js";
import { detailText, renderLegend } from "./Legend.js";
import { MODEL_MAX_TEXTURE, MODEL_MAX_TRIANGLES, chooseLevel, projectedRadiusPx, trianglesWanted } from "./levels.js";
import { DEFAULT_STATE, normalizeState } from "./state.js";
import { Measure } from "./Measure.js";
import { Notes } from "./Notes.js";
import { Section } from "./Section.js";
import { createNotesStore } from "./NotesStore.js";
import { TOOL_LABELS } from "./toolLabels.js";
import css from "./inspector.css";

/** Degrees the camera or the light turns per arrow key on the view. */
const KEY_STEP_DEG = 5;
/** Raking light: degrees above the horizon and off the plane of the surfaces facing the viewer. */
const RAKING_DEG = 10;
/** How long the view must rest before the level it needs is chosen, ms. */
const REFINE_DELAY_MS = 150;
/**
 * The conservator's inspector of one model: a 3D view (ModelStage) that loads the coarsest level first and
 * refines as the model fills the screen (levels.js), and a side panel (InspectorPanel.js; a bottom sheet on a
 * narrow screen) with the detail shown (level, triangles, deviation), downloads, light, material modes
 * (materials.js), the change map and its side-by-side view (Compare.js), the section, measure and notes tools
 * (Section.js, Measure.js, Notes.js) and screenshots. The view takes the keyboard: arrows turn the model,
 * Shift + arrows move the light, + and - zoom.
 *
 * `model` is tour.json's entry (doc.models[i]); `url(path)` resolves a tour path. The state (state.js) is read
 * with state() and changed with set(partial); every change emits "change" (state). Also "level" ({index,
 * path}) when a level is shown and "fulldetail" when the level the view needs (or the finest, when asked)
 * is. `timing = {opened, firstFrame, fullDetail, finest}` (performance.now() ms; finest: when the finest level,
 * asked for, is on screen); `loaded`: the level paths shown.
 *
 * Options: model, url, title (text), language, languages, state (partial state), tourBase (URL the model's
 * paths are relative to), notesApi, token (notes: NotesStore.js), maxTriangles / maxTexture (the automatic
 * choice's budget; "Finest level" ignores it), onLoad(path), openedAt (performance.now() when the visitor asked
 * for it, before the model bundle was fetched; default: now).
 */
export class Inspector extends EventEmitter {
  constructor(container, { model, url, title = "", language = "en", languages = [language], state = {},
                           tourBase = document.baseURI, notesApi = null, token = null, maxTriangles = MODEL_MAX_TRIANGLES,
                           maxTexture = MODEL_MAX_TEXTURE, onLoad = () => {}, openedAt = performance.now() }) {
    super();
    if (!model || !Array.isArray(model.lods)) throw new Error("Inspector: the model needs its lods (tour.json models[].lods)");
    this.model = model;
    this.url = url;
    this.title = title;
    this.language = language;
    this.languages = languages;
    this.budget = { maxTriangles, maxTexture };
    this.onLoad = onLoad;
    this.timing = { opened: openedAt, firstFrame: null, fullDetail: null, finest: null };
    this.loaded = [];
    this.levelIndex = -1;
    this.units = model.units || "unknown";
    this._state = normalizeState({ changeLimits: null, ...state }, DEFAULT_STATE);
    this.tools = [];
    this._build(container);
    this.stage = new ModelStage(this.view, { units: this.units });
    // the view takes the keyboard too: arrows turn the model, Shift + arrows move the light, + / - zoom
    this.stage.canvas.setAttribute("role", "application");
    this.stage.canvas.setAttribute("aria-roledescription", "3D");
    this.stage.canvas.tabIndex = 0;
    this.stage.canvas.addEventListener("keydown", (e) => this._key(e));
    this.stage.on("render", () => this._rendered());
    this.stage.controls.addEventListener("change", () => { this._scheduleRefine(); this._changed(); });
    this.stage.on("resize", () => this._scheduleRefine());
    this.stage.setLight(this._state.light);
    this.notesStore = createNotesStore({ model, tourBase, apiUrl: notesApi, token });
    this.setLanguage(language);
    this.ready = this._start();
    this.ready.catch(() => {});
  }

  // -- state ----------------------------------------------------------------------------------------

  /** The whole state (state.js) plus the read-only {model, level (path), triangles, deviation}. */
  state() {
    const lod = this.model.lods[this.levelIndex];
    const section = this.tools.find((t) => t.name === "section")?.getState() ?? this._state.section;
    return { ...this._state, model: this.model.id, section, camera: this.stage.current ? this.stage.getView() : this._state.camera,
             changeLimits: this._limits(), level: lod?.path ?? null, triangles: lod?.triangles ?? null,
             deviation: lod?.deviation ?? null };
  }

  /** Applies part of a state (state.js); bad values clamped, a bad mode throws. */
  set(partial) {
    const before = this._state;
    const s = this._state = normalizeState(partial, before);
    if (partial.camera && this.stage.current) this.stage.setView(s.camera);
    if (partial.light) this.stage.setLight(s.light);
    if (partial.section !== undefined) this.tools.find((t) => t.name === "section")?.setState(s.section);
    if (partial.finest !== undefined || partial.camera) this._scheduleRefine(0);
    if (s.compare !== before.compare || (s.compare && s.previous !== before.previous)) this._setCompare(s.compare);
    this._applyMode();   // the side-by-side view follows there too
    this._syncControls();
    this._changed();
  }

  /** Everything in the visitor's language (labels.js, toolLabels.js). */
  setLanguage(lang) {
    this.language = lang;
    const L = this.L = { ...(TOOL_LABELS.en || {}), ...(TOOL_LABELS[lang] || {}), ...inspectorLabelsFor(lang) };
    this.element.lang = lang;
    this.panel.setLanguage(L, this.units === "unknown" ? L.unitsUnknown : this.units);
    for (const [node, key] of this._labelled) node.setLabel(L[key]);
    this.stage?.canvas.setAttribute("aria-label", `${fill(L.view, { title: this.title })}. ${L.viewKeys}`);
    for (const t of this.tools) t.setLanguage(lang);
    this._showDetail();
    this._showLegend();
  }

  /** Keys on the view: arrows orbit by KEY_STEP_DEG, Shift + arrows move the light as much, + / - zoom. */
  _key(e) {
    const steps = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[e.key];
    if (steps && e.shiftKey) {
      const l = this._state.light;
      this.set({ light: { azimuth: l.azimuth + steps[0] * KEY_STEP_DEG, elevation: l.elevation + steps[1] * KEY_STEP_DEG } });
    } else if (steps) {
      this.stage.orbit(-steps[0] * KEY_STEP_DEG, steps[1] * KEY_STEP_DEG);
    } else if (e.key === "+" || e.key === "=" || e.key === "-") {
      this.stage.dolly(e.key === "-" ? 1.15 : 1 / 1.15);
    } else {
      return;
    }
    e.preventDefault();
    e.stopPropagation();
  }

  /**
   * The light of a preset, for the view now: "frontal" from the camera; "raking" from the viewer's left,
   * RAKING_DEG above the horizon and RAKING_DEG towards the viewer from the plane of the surfaces facing them,
   * so that tool marks and cracks on what is seen cast their shadows across it.
   */
  lightPreset(kind) {
    const offset = this.stage.camera.position.clone().sub(this.stage.controls.target);
    const azimuth = (Math.atan2(offset.x, offset.z) * 180) / Math.PI;
    const elevation = (Math.asin(offset.y / (offset.length() || 1)) * 180) / Math.PI;
    return kind === "raking" ? { azimuth: azimuth - 90 + RAKING_DEG, elevation: RAKING_DEG } : { azimuth, elevation };
  }

  // -- loading and detail on demand -----------------------------------------------------------------

  async _start() {
    const lods = this.model.lods;
    if (!lods.length) { this._status(this.L.noLevels); return; }
    this._status(this.L.loading);
    // the finest level asked for from the start (a deep link): fetched and decoded beside the coarsest,
    // not after it, so full detail comes as soon as its own bytes allow
    if (this._state.finest && lods.length > 1) {
      const index = lods.length - 1;
      this._prefetch = { index, promise: this._load(index) };
    }
    const object = await this._load(0);
    if (!object) return;
    if (this.disposed) { this.stage.discard(object); return; }
    this._show(0, object);
    if (this._state.camera) this.stage.setView(this._state.camera);
    this._makeTools();
    if (this._state.compare) this._setCompare(true);
    this._scheduleRefine(0);
  }

  async _load(index) {
    if (this._prefetch?.index === index) {
      const { promise } = this._prefetch;
      this._prefetch = null;
      return promise;
    }
    const lod = this.model.lods[index];
    try {
      return await this.stage.load(this.url(lod.path));
    } catch (e) {
      if (this.disposed) return null;
      this._status(fill(this.L.loadFailed, { path: lod.path }));
      console.error(`Inspector: ${lod.path}: ${e.message || e}`);
      return null;
    }
  }

  _show(index, object) {
    const first = this.levelIndex < 0;
    this.levelIndex = index;   // before show(): the tools read levelShown() on its "objectchange"
    this.stage.show(object, first);
    const path = this.model.lods[index].path;
    this.loaded.push(path);
    this._status("");
    this._frameLevel = true;
    this._applyMode();
    this._syncControls();
    this._showDetail();
    this._showLegend();
    this.onLoad(path);
    this.emit("level", { index, path });
    this._changed();
  }

  /**
   * The level on screen for the tools (measure, section: toolKit.js levelOf): {index (0-based), count, path,
   * triangles, hausdorff (model units) | null}, or null before the first.
   */
  levelShown() {
    const lod = this.model.lods[this.levelIndex];
    if (!lod) return null;
    return { index: this.levelIndex, count: this.model.lods.length, path: lod.path,
             triangles: lod.triangles ?? this.stage.triangles(), hausdorff: lod.deviation?.hausdorff ?? null };
  }

  /** The level the view needs now: the finest when asked, else by the model's projected size (levels.js). */
  targetLevel() {
    const lods = this.model.lods;
    if (this._state.finest) return lods.length - 1;
    const cam = this.stage.camera, b = this.stage.bounds;
    const heightPx = this.stage.canvas.height;   // device pixels
    const r = projectedRadiusPx(b.radius, cam.position.distanceTo(b.center), cam.fov, heightPx);
    return chooseLevel(lods, trianglesWanted(r), this.budget);
  }

  _scheduleRefine(delay = REFINE_DELAY_MS) {
    clearTimeout(this._refineTimer);
    this._refineTimer = setTimeout(() => this._refine(), delay);
  }

  /** Loads the level the view needs when it is finer than the one shown (never coarser: what was paid for stays). */
  async _refine() {
    if (this.disposed || this._loading || this.levelIndex < 0) return;
    const target = this.targetLevel();
    if (target <= this.levelIndex) { this._reached(); return; }
    this._loading = true;
    this._status(this.L.refining);
    const object = await this._load(target);
    this._loading = false;
    if (this.disposed) { if (object) this.stage.discard(object); return; }
    if (!object) return;
    this._show(target, object);
    this._scheduleRefine(0);
  }

  /** The level needed is shown: full detail reached (once) for the benchmark. */
  _reached() {
    if (!this.stage.current) return;
    if (this.timing.fullDetail === null || (this._state.finest && this.timing.finest == null)) {
      this._fullDetailPending = true;   // stamped after the frame that shows it
      this.stage.draw();
    }
  }

  _rendered() {
    const now = performance.now();
    if (this._frameLevel) {
      this._frameLevel = false;
      if (this.timing.firstFrame === null) { this.timing.firstFrame = now; this.emit("firstframe", now); }
    }
    if (this._fullDetailPending) {
      this._fullDetailPending = false;
      if (this.timing.fullDetail === null) this.timing.fullDetail = now;
      if (this._state.finest && this.levelIndex === this.model.lods.length - 1) this.timing.finest = now;
      this.emit("fulldetail", now);
    }
    if (this._compare && this._compare.stage.renderer.clippingPlanes !== this.stage.renderer.clippingPlanes) {
      this._compare.stage.renderer.clippingPlanes = this.stage.renderer.clippingPlanes;
      this._compare.stage.draw();
    }
  }

  // -- modes ----------------------------------------------------------------------------------------

  /** The change limits in model units: the state's, else the tour's for the previous scan chosen. */
  _limits() {
    const p = this.model.previous?.[this._state.previous];
    return this._state.changeLimits ?? p?.limits ?? null;
  }

  /** Which modes the model shown can draw. */
  available() {
    const out = new Set(["textured", "clay", "normals", "wireframe", "xray"]);
    if (!this.stage.current || this.stage.hasAttribute("_deviation")) out.add("deviation");
    if (this.model.previous?.length) out.add("change");
    return out;
  }

  _changeAttribute() {
    const p = this.model.previous?.[this._state.previous];
    return String(p?.attribute ?? `_change_${this._state.previous}`).toLowerCase();
  }

  /** Top of the deviation scale: the level's Hausdorff distance (tour.json), else the largest value it carries. */
  _deviationMax() {
    return this.model.lods[this.levelIndex]?.deviation?.hausdorff ?? (this.stage.attributeMax("_deviation") || 1);
  }

  /**
   * The change map's shader parameters: without limits every measured vertex is drawn "no change" grey (limits
   * beyond any float), never "all major", while the legend and the panel ask for limits.
   */
  _changeParams() {
    const p = this.model.previous?.[this._state.previous];
    return { attribute: this._changeAttribute(), limits: this._limits() ?? { minor: 3e38, major: 3e38 },
             notMeasured: notMeasuredThreshold(p?.notMeasured) };
  }

  _applyMode() {
    const mode = this._state.mode;
    const params = mode === "deviation" ? { attribute: "_deviation", max: this._deviationMax() }
      : mode === "change" ? this._changeParams() : {};
    this.stage.setMode(mode, params);
    this._compare?.update();
    this._showLegend();
  }

  // -- the panel --------------------------------------------------------------------------------------

  /** The views (the main one, the previous scan's beside it, the legend over them), the status and the panel. */
  _build(container) {
    const el = (tag, cls) => { const e = document.createElement(tag); e.className = cls; return e; };
    this.element = el("div", "vtour-inspector");
    const views = this.views = el("div", "vtour-inspector-views");
    this.view = el("div", "vtour-model-stage vtour-inspector-view");
    this.compareBox = el("div", "vtour-inspector-view vtour-inspector-compare");
    this.compareBox.hidden = true;
    this.legend = el("div", "vtour-inspector-legend");
    this.legend.hidden = true;
    views.append(this.view, this.compareBox, this.legend);
    this.statusLine = el("p", "vtour-model-status");
    this.statusLine.setAttribute("aria-live", "polite");
    this._labelled = [];   // [node, label key] of the tools' disclosure buttons
    this.panel = new InspectorPanel({
      model: this.model, url: this.url, state: this._state, limits: () => this._limits(),
      lightPreset: (kind) => this.lightPreset(kind),
      onSet: (partial) => this.set(partial),
      onScreenshot: () => this.saveScreenshot().catch((e) => this._status(String(e.message || e))),
    });
    this.toolBox = this.panel.toolBox;
    const style = document.createElement("style");
    style.textContent = css;
    this.element.append(style, views, this.statusLine, this.panel.element);
    container.appendChild(this.element);
  }

  /**
   * Constructs the tools (Section.js, Measure.js, Notes.js) on the stage shown, each under a disclosure button of
   * the panel named after it (aria-expanded). Their ctx has, beside the spec's keys, `level()` (levelShown(): the
   * level measurements and sections are made on, which they record and say) and `loadFinest()`. Each tool has its
   * own activation control; the canvas's clicks go to the one active (toolKit.js's claimCanvas keeps measure and
   * notes from being active together).
   */
  _makeTools() {
    const ctx = {
      stage: this.stage, units: this.units, labels: (key) => this.L[key] ?? key, language: this.language,
      languages: this.languages, model: this.model, notesStore: this.notesStore, readOnly: this.notesStore.readOnly,
      onChange: () => this._changed(), level: () => this.levelShown(), loadFinest: () => this.set({ finest: true }),
    };
    for (const Tool of [Section, Measure, Notes]) {
      let tool;
      try { tool = new Tool(ctx); } catch (e) { console.error(`Inspector: ${Tool.name}: ${e.message || e}`); continue; }
      this.tools.push(tool);
      const box = document.createElement("div");
      box.className = `vtour-inspector-tool vtour-inspector-tool-${tool.name}`;
      tool.element.id ||= `vtour-inspector-${tool.name}-${Math.random().toString(36).slice(2, 8)}`;
      const disclose = button(this.L[tool.name], () => this.showTool(tool.name, disclose.getAttribute("aria-expanded") !== "true"),
                              { className: "vtour-inspector-button vtour-inspector-disclose" });
      disclose.setAttribute("aria-expanded", "false");
      disclose.setAttribute("aria-controls", tool.element.id);
      this._labelled.push([disclose, tool.name]);
      tool.element.hidden = true;
      box.append(disclose, tool.element);
      this.toolBox.append(box);
      tool.disclose = disclose;
    }
    if (this._state.section) { this.tools.find((t) => t.name === "section")?.setState(this._state.section); this.showTool("section"); }
  }

  /** Shows (`open`) or hides a tool's controls. */
  showTool(name, open = true) {
    const tool = this.tools.find((t) => t.name === name);
    if (!tool) return;
    tool.disclose.setAttribute("aria-expanded", String(open));
    tool.element.hidden = !open;
  }

  /** Shows a tool's controls and activates it (`on` false: deactivates it). */
  activateTool(name, on = true) {
    const tool = this.tools.find((t) => t.name === name);
    if (!tool) return;
    if (on) { this.showTool(name); tool.activate(); } else tool.deactivate();
    this.stage.draw();
  }

  _syncControls() { this.panel.sync(this._state, this.available(), this._limits()); }

  _length(v) { return formatLength(v, this.units, this.L.unitsUnknown); }

  _showDetail() {
    const lod = this.model.lods[this.levelIndex];
    this.panel.detail.textContent = lod && this.L ? detailText(this.L, {
      index: this.levelIndex, levels: this.model.lods.length, lod, triangles: this.stage.triangles(),
      diagonal: this.model.diagonal, length: (v) => this._length(v), language: this.language,
    }) : "";
  }

  _showLegend() {
    if (!this.L) return;
    renderLegend(this.legend, this._state.mode, this.L, {
      max: this._deviationMax(), limits: this._limits(), date: this.model.previous?.[this._state.previous]?.date,
      length: (v) => this._length(v),
    });
  }

  _status(text) { this.statusLine.textContent = text; }

  _setCompare(on) {
    this._compare?.dispose();
    this._compare = null;
    this.compareBox.hidden = !on;
    this.views.classList.toggle("vtour-inspector-comparing", !!on);
    const p = this.model.previous?.[this._state.previous];
    if (!on || !p || !this.stage.current) return;
    this._compare = new Compare(this.compareBox, this.stage, { url: this.url(p.path), units: this.units });
    this._compare.stage.canvas.setAttribute("role", "img");  // it follows the main view: nothing to operate
    this._compare.stage.canvas.setAttribute("aria-label", fill(this.L.compareView, { date: p.date ?? "?" }));
    this._compare.ready.catch((e) => this._status(fill(this.L.loadFailed, { path: p.path })) || console.error(String(e)));
  }

  _changed() { if (!this.disposed) this.emit("change", this.state()); }

  // -- screenshots ----------------------------------------------------------------------------------

  /**
   * A PNG of the view: `scale` x the view's size in CSS pixels, or `width` pixels wide (the view's aspect kept).
   * Resolves to {blob, width, height}.
   */
  async screenshot({ scale = 1, width = null } = {}) {
    const w0 = this.view.clientWidth || 1, h0 = this.view.clientHeight || 1;
    const w = Math.round(width ?? w0 * scale), h = Math.round(width ? (width * h0) / w0 : h0 * scale);
    return { blob: await this.stage.screenshot(w, h), width: w, height: h };
  }

  /** The Screenshot button: the size chosen in the panel, downloaded as <model>-<mode>-<width>x<height>.png. */
  async saveScreenshot() {
    const shot = await this.screenshot(this.panel.screenshotChoice());
    const a = document.createElement("a");
    a.href = URL.createObjectURL(shot.blob);
    a.download = `${this.model.id}-${this._state.mode}-${shot.width}x${shot.height}.png`;
    a.hidden = true;
    this.element.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    this.lastScreenshot = { width: shot.width, height: shot.height, bytes: shot.blob.size };
    return shot;
  }

  dispose() {
    this.disposed = true;
    clearTimeout(this._refineTimer);
    this._prefetch?.promise.then((object) => object && this.stage.discard(object));
    this._prefetch = null;
    for (const t of this.tools) t.dispose();
    this._compare?.dispose();
    this.stage.dispose();
    this.element.remove();
    this.removeAllListeners();
  }
}
