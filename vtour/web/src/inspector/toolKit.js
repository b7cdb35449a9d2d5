import * as THREE from "three";
import { formatLength } from "./format.js";
import { TOOL_LABELS } from "./toolLabels.js";

/**
 * What the inspector's tools (Measure, Section, Notes) share: DOM building with labels that follow the
 * language, downloads, clicks on the model told apart from drags, the keyboard's crosshair, HTML labels
 * that follow 3D points, and which tool owns the canvas's clicks.
 */

/** Model units per world unit: stage.unitsPerMetre (1 when the units are unknown). */
export function unitsOf(ctx) {
  const stage = ctx.stage;
  const units = ctx.units || stage.units || "unknown";
  return { units, unitsPerMetre: units === "unknown" ? 1 : stage.unitsPerMetre || { m: 1, cm: 100, mm: 1000 }[units] || 1 };
}

/**
 * The level on screen: ctx.level() (the Inspector gives it) -> `{index (0-based), count, path, triangles,
 * hausdorff (model units) | null}`, or null when the page has no levels (a bare stage).
 */
export function levelOf(ctx) {
  return typeof ctx.level === "function" ? ctx.level() ?? null : null;
}

/**
 * The line beside a tool's results when the level on screen is not the finest ("Measured on level 2 of 4,
 * Hausdorff 1.2 mm: load the finest level for full accuracy.") with a button that loads the finest
 * (ctx.loadFinest()). Hidden on the finest level, or without levels. `update()` after a level change and a
 * language change (the tool calls it on "objectchange" and in setLanguage).
 */
export class LevelNotice {
  constructor(ctx, text) {
    this.ctx = ctx;
    this.text = text;
    this.message = el("span", { className: "vtour-tool-level-text" });
    this.button = el("button", { type: "button", className: "vtour-tool-level-finest" });
    this.button.addEventListener("click", () => ctx.loadFinest?.());
    this.element = el("p", { className: "vtour-tool-level", role: "note" }, [this.message, " ", this.button]);
    this.update();
  }

  update() {
    const level = levelOf(this.ctx);
    const coarse = !!level && level.index < level.count - 1;
    setShown(this.element, coarse);
    if (!coarse) return;
    const units = unitsOf(this.ctx).units;
    const hausdorff = Number.isFinite(level.hausdorff) ? formatLength(level.hausdorff, units, this.text.t("unitsUnknown")) : "?";
    this.message.textContent = this.text.t("coarseLevel", { level: level.index + 1, levels: level.count, hausdorff });
    this.button.textContent = this.text.t("loadFinest");
    this.button.hidden = typeof this.ctx.loadFinest !== "function";
  }
}

/**
 * Labels of one tool: `t(key, values)` gives the text in the current language (ctx.labels first, then
 * TOOL_LABELS, then English), with `{name}` placeholders filled from `values`; `bind(el, key, attr)`
 * remembers an element's text (or attribute) so that `refresh()` re-sets it after a language change.
 */
export class ToolText {
  constructor(ctx) { this.ctx = ctx; this.language = ctx.language || "en"; this._bound = []; }

  t(key, values = {}) {
    let text = null;
    const own = TOOL_LABELS[this.language] || TOOL_LABELS[String(this.language).split("-")[0]];
    if (own && own[key] != null) text = own[key];
    else if (typeof this.ctx.labels === "function") {
      const given = this.ctx.labels(key);
      if (typeof given === "string" && given !== key) text = given;
    }
    if (text == null) text = TOOL_LABELS.en[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (m, name) => (name in values ? String(values[name]) : m));
  }

  bind(el, key, attr = null, values = undefined) {
    this._bound.push([el, key, attr, values]);
    this._apply(el, key, attr, values);
    return el;
  }

  _apply(el, key, attr, values) {
    const text = this.t(key, typeof values === "function" ? values() : values);
    if (attr) el.setAttribute(attr, text); else el.textContent = text;
  }

  setLanguage(lang) { this.language = lang; this.refresh(); }
  refresh() { for (const b of this._bound) this._apply(...b); }
}

let uid = 0;
/** A page-unique id for label/for pairs. */
export function newId(prefix) { uid += 1; return `vtour-${prefix}-${uid}-${Math.random().toString(36).slice(2, 7)}`; }

/** `el("button", {type: "button", className: "x"}, [children])`: properties set as properties. */
export function el(tag, props = {}, children = []) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "style") Object.assign(e.style, v);
    else if (k.startsWith("aria-") || k.startsWith("data-") || k === "role" || k === "for") e.setAttribute(k, v);
    else e[k] = v;
  }
  e.append(...children);
  return e;
}

/**
 * Shows or hides `element`: the `hidden` attribute, and `display: none` too, since a stylesheet's `display` for
 * its class (a flex row) would otherwise win over the attribute.
 */
export function setShown(element, shown) {
  element.hidden = !shown;
  element.style.display = shown ? "" : "none";
}

/** A labelled control: `<label for>text</label>` + the control, in one wrapper `<div class="vtour-field">`. */
export function field(text, key, control) {
  control.id = control.id || newId("field");
  const label = el("label", { htmlFor: control.id });
  text.bind(label, key);
  return { wrapper: el("div", { className: "vtour-field" }, [label, control]), label, control };
}

/** Saves `content` as a file named `filename` (a download in the browser). */
export function download(filename, content, type) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = el("a", { href: url, download: filename, style: { display: "none" } });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A file name part from a model id: letters, digits, '-', '_' only. */
export function safeName(text) { return String(text || "model").replace(/[^A-Za-z0-9_-]+/g, "_"); }

// --- the canvas: which tool takes its clicks ------------------------------------------------------

const owners = new WeakMap();  // stage -> the tool whose clicks these are

/** Makes `tool` the one taking the canvas's clicks, deactivating the previous one. */
export function claimCanvas(stage, tool) {
  const previous = owners.get(stage);
  owners.set(stage, tool);
  if (previous && previous !== tool) previous.deactivate();
}
export function releaseCanvas(stage, tool) { if (owners.get(stage) === tool) owners.delete(stage); }

/**
 * Calls `onClick(clientX, clientY, event)` for a click on the canvas that is not a drag (the pointer moved
 * under 5 CSS px between down and up) and `onDouble()` for a double click. Returns a detach function.
 */
export function listenForClicks(canvas, onClick, onDouble = null) {
  let down = null;
  const pointerdown = (e) => { down = e.button === 0 ? { x: e.clientX, y: e.clientY } : null; };
  const pointerup = (e) => {
    if (down && e.button === 0 && Math.hypot(e.clientX - down.x, e.clientY - down.y) < 5) onClick(e.clientX, e.clientY, e);
    down = null;
  };
  const dblclick = (e) => { if (onDouble) { e.preventDefault(); onDouble(e); } };
  canvas.addEventListener("pointerdown", pointerdown);
  canvas.addEventListener("pointerup", pointerup);
  canvas.addEventListener("dblclick", dblclick);
  return () => {
    canvas.removeEventListener("pointerdown", pointerdown);
    canvas.removeEventListener("pointerup", pointerup);
    canvas.removeEventListener("dblclick", dblclick);
  };
}

/** The pick at the centre of the canvas (the crosshair), for picking without a mouse. */
export function pickAtCentre(stage) {
  stage.camera.updateMatrixWorld();  // a view just set has not been drawn yet
  const r = stage.canvas.getBoundingClientRect();
  return stage.pick(r.left + r.width / 2, r.top + r.height / 2);
}

/** A crosshair at the centre of the overlay (shown while a tool picks); `.remove()` when done. */
export function crosshair(stage) {
  const line = (w, h) => el("div", { style: { position: "absolute", left: "50%", top: "50%", width: w, height: h,
    transform: "translate(-50%, -50%)", background: "#ffd400", boxShadow: "0 0 0 1px #000" } });
  const box = el("div", { className: "vtour-tool-crosshair", "aria-hidden": "true",
    style: { position: "absolute", inset: "0", pointerEvents: "none" } }, [line("21px", "1px"), line("1px", "21px")]);
  stage.overlay.appendChild(box);
  return box;
}

// --- 3D helpers with HTML labels ------------------------------------------------------------------

const v3 = new THREE.Vector3();

/** CSS px of world point `p` ([x, y, z]) in the overlay, or null when behind the camera or outside the view. */
export function project(stage, p) {
  v3.set(p[0], p[1], p[2]).project(stage.camera);
  if (v3.z > 1 || v3.z < -1 || Math.abs(v3.x) > 1 || Math.abs(v3.y) > 1) return null;
  const w = stage.canvas.clientWidth, h = stage.canvas.clientHeight;
  return { x: (v3.x + 1) / 2 * w, y: (1 - v3.y) / 2 * h };
}

/**
 * Places an overlay element (absolutely positioned) at world point `p`; hidden (so out of the Tab order too)
 * when the point is behind the camera or outside the view.
 */
export function placeAt(stage, element, p) {
  const s = project(stage, p);
  element.style.visibility = s ? "" : "hidden";
  if (s) element.style.transform = `translate(${s.x.toFixed(1)}px, ${s.y.toFixed(1)}px)`;
}

/** The style of an HTML label on the model: legible on any background, no pointer events. */
export const LABEL_STYLE = {
  position: "absolute", left: "0", top: "0", margin: "0", padding: "1px 4px", font: "12px/1.3 system-ui, sans-serif",
  color: "#fff", background: "rgba(0, 0, 0, 0.78)", borderRadius: "3px", whiteSpace: "nowrap", pointerEvents: "none",
};

/** Line segments through pairs of world points, drawn over everything (no depth test) in `color`. */
export function lineObject(points, color, { strip = true } = {}) {
  const geometry = new THREE.BufferGeometry().setFromPoints(points.map((p) => new THREE.Vector3(...p)));
  const material = new THREE.LineBasicMaterial({ color, depthTest: false, transparent: true });
  const line = strip ? new THREE.Line(geometry, material) : new THREE.LineSegments(geometry, material);
  line.renderOrder = 10;
  return line;
}

/** Dots at world points, a constant `size` CSS px on screen, drawn over everything. */
export function dotsObject(points, color, size = 7) {
  const geometry = new THREE.BufferGeometry().setFromPoints(points.map((p) => new THREE.Vector3(...p)));
  const material = new THREE.PointsMaterial({ color, size, sizeAttenuation: false, depthTest: false, transparent: true });
  const dots = new THREE.Points(geometry, material);
  dots.renderOrder = 11;
  return dots;
}

/** Removes `object` from its parent and frees its geometry and material. */
export function disposeHelper(object) {
  if (!object) return;
  object.removeFromParent();
  object.traverse((o) => { o.geometry?.dispose(); o.material?.dispose(); });
}
