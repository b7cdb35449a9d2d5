import * as THREE from "three";
import { dot, formatWorldLength } from "./measureMath.js";
import { outlineToDxf, outlineToSvg, num } from "./sectionExport.js";
import {
  anglesFromNormal, joinSegments, joinTolerance, normalFromAngles, sectionSegments, toPaper,
} from "./sectionOutline.js";
import { LevelNotice, ToolText, disposeHelper, download, el, field, levelOf, lineObject, newId, safeName, unitsOf } from "./toolKit.js";

const OUTLINE = 0xff3b30;
const PRESETS = { X: [1, 0, 0], Y: [0, 1, 0], Z: [0, 0, 1] };

/**
 * The inspector's section: one clipping plane in any orientation (`stage.renderer.clippingPlanes`, global, so
 * every material mode is cut), its outline (where the plane cuts the current object's triangles, joined into
 * polylines) drawn in `stage.helpers`, exported to scale as SVG or DXF.
 *
 * State `{normal: [x, y, z] (unit), offset}` in world units, or null when off: the plane n.x = offset, the side
 * the normal points to cut away (sectionOutline.js). Orientation by the X/Y/Z buttons (which keep the plane's
 * distance from the object's centre) or azimuth/elevation sliders; offset by its slider, or Shift + drag on the
 * model (along the normal as it appears on screen). The outline is recomputed, at most once per frame, when
 * the plane moves and on "objectchange" (a finer level shown).
 *
 * `new Section(ctx)`; ctx: {stage, units, labels, language, model, onChange}.
 */
export class Section {
  constructor(ctx) {
    this.name = "section";
    this.ctx = ctx;
    this.stage = ctx.stage;
    this.text = new ToolText(ctx);
    this.enabled = false;
    this.normal = [1, 0, 0];
    this.offset = 0;
    this.polylines = [];   // world points
    this.plane = new THREE.Plane();
    this._worldCache = new Map();  // mesh -> Float64Array of its world positions
    this._build();
    this._onObject = () => { this._worldCache.clear(); this._syncOffsetRange(); this._schedule(); this.levelNotice.update(); };
    this.stage.on("objectchange", this._onObject);
    this._onPointerDown = (e) => this._dragStart(e);
    this.stage.canvas.addEventListener("pointerdown", this._onPointerDown, { capture: true });
    this._syncOffsetRange();
  }

  _build() {
    const T = this.text;
    const heading = T.bind(el("h3", { id: newId("section") }), "section");
    this.checkbox = el("input", { type: "checkbox", id: newId("section-on") });
    this.checkbox.addEventListener("change", () => this.setState(this.checkbox.checked ? this._defaultState() : null));
    const on = el("div", { className: "vtour-field vtour-field-check" }, [this.checkbox, T.bind(el("label", { htmlFor: this.checkbox.id }), "sectionOn")]);
    const presets = Object.entries(PRESETS).map(([axis, n]) => {
      const b = el("button", { type: "button", className: "vtour-tool-axis" });
      b.textContent = axis;
      T.bind(b, "normalAxis", "aria-label", { axis });
      b.addEventListener("click", () => this._turn(n));
      return b;
    });
    const flip = T.bind(el("button", { type: "button" }), "flip");
    flip.addEventListener("click", () => this._turn(this.normal.map((v) => -v)));
    const group = el("div", { className: "vtour-tool-row", role: "group" }, [...presets, flip]);
    T.bind(group, "normalGroup", "aria-label");
    this.azimuth = el("input", { type: "range", min: "0", max: "360", step: "1", value: "0" });
    this.elevation = el("input", { type: "range", min: "-90", max: "90", step: "1", value: "0" });
    for (const s of [this.azimuth, this.elevation]) {
      s.addEventListener("input", () => this._turn(normalFromAngles(Number(this.azimuth.value), Number(this.elevation.value)), false));
    }
    this.offsetSlider = el("input", { type: "range", min: "0", max: "1", step: "0.001", value: "0" });
    this.offsetSlider.addEventListener("input", () => this._setPlane(this.normal, Number(this.offsetSlider.value)));
    this.controls = [...presets, flip, this.azimuth, this.elevation, this.offsetSlider];
    this.status = el("p", { className: "vtour-tool-status", role: "status" });
    this.hint = T.bind(el("p", { className: "vtour-tool-hint" }), "dragHint");
    const svg = T.bind(el("button", { type: "button" }), "exportSvg");
    svg.addEventListener("click", () => this.exportSvg());
    const dxf = T.bind(el("button", { type: "button" }), "exportDxf");
    dxf.addEventListener("click", () => this.exportDxf());
    this.exportButtons = [svg, dxf];
    this.levelNotice = new LevelNotice(this.ctx, T);
    this.element = el("section", { className: "vtour-tool-panel vtour-tool-section", "aria-labelledby": heading.id }, [
      heading, on, group,
      field(T, "azimuth", this.azimuth).wrapper, field(T, "elevation", this.elevation).wrapper,
      field(T, "offset", this.offsetSlider).wrapper, this.hint, this.status, this.levelNotice.element,
      el("div", { className: "vtour-tool-row" }, this.exportButtons),
    ]);
    this._syncControls();
  }

  // --- state ------------------------------------------------------------------------------------

  getState() { return this.enabled ? { normal: this.normal.slice(), offset: this.offset } : null; }

  /** `{normal, offset}` (world) or null (no section). Bad input throws naming the field and value. */
  setState(s) {
    if (!s) {
      this.enabled = false;
      this.stage.renderer.clippingPlanes = [];
      this._clearOutline();
      this._syncControls();
      this.stage.draw();
      this.ctx.onChange?.(this.getState());
      return;
    }
    const n = s.normal, len = Array.isArray(n) && n.length === 3 ? Math.hypot(...n) : NaN;
    if (!(len > 0) || !n.every(Number.isFinite)) throw new Error(`Section: state normal ${JSON.stringify(n)} must be three finite numbers, not all zero`);
    if (!Number.isFinite(s.offset)) throw new Error(`Section: state offset ${JSON.stringify(s.offset)} must be a finite number (world units)`);
    this.enabled = true;
    this._setPlane(n.map((v) => v / len), s.offset);
  }

  /** The plane through the object's centre, normal +X. */
  _defaultState() {
    const c = this._centre();
    return { normal: [1, 0, 0], offset: c[0] };
  }

  _centre() { return this.stage.bounds ? this.stage.bounds.center.toArray() : [0, 0, 0]; }

  /** A new normal, keeping the plane's signed distance from the object's centre. */
  _turn(n, syncAngles = true) {
    const c = this._centre();
    const fromCentre = this.offset - dot(this.normal, c);
    this._setPlane(n, dot(n, c) + fromCentre, syncAngles);
  }

  _setPlane(n, offset, syncAngles = true) {
    this.normal = n.map((v) => (Math.abs(v) < 1e-12 ? 0 : v));
    this.offset = offset;
    this.plane.normal.set(-n[0], -n[1], -n[2]);
    this.plane.constant = offset;
    this.stage.renderer.clippingPlanes = [this.plane];
    this._syncOffsetRange();
    this._syncControls(syncAngles);
    this._schedule();
    this.stage.draw();
    this.ctx.onChange?.(this.getState());
  }

  /** The offset slider spans the object's extent along the normal. */
  _syncOffsetRange() {
    const box = this.stage.current ? new THREE.Box3().setFromObject(this.stage.current) : null;
    let lo = -1, hi = 1;
    if (box && !box.isEmpty()) {
      lo = Infinity; hi = -Infinity;
      for (const x of [box.min.x, box.max.x]) for (const y of [box.min.y, box.max.y]) for (const z of [box.min.z, box.max.z]) {
        const d = dot(this.normal, [x, y, z]);
        lo = Math.min(lo, d); hi = Math.max(hi, d);
      }
    }
    const span = hi - lo || 1;
    lo = Math.min(lo - span * 0.01, this.offset); hi = Math.max(hi + span * 0.01, this.offset);
    Object.assign(this.offsetSlider, { min: String(lo), max: String(hi), step: String((hi - lo) / 1000) });
    this.offsetSlider.value = String(this.offset);
    this._range = hi - lo;
  }

  _syncControls(syncAngles = true) {
    this.checkbox.checked = this.enabled;
    for (const c of this.controls) c.disabled = !this.enabled;
    for (const b of this.exportButtons) b.disabled = !this.enabled || !this.polylines.length;
    if (syncAngles) {
      const { azimuth, elevation } = anglesFromNormal(this.normal);
      this.azimuth.value = String(Math.round(azimuth));
      this.elevation.value = String(Math.round(elevation));
    }
    this.offsetSlider.setAttribute("aria-valuetext", formatWorldLength(this.offset, unitsOf(this.ctx), this.text.t("unitsUnknown")));
    this.azimuth.setAttribute("aria-valuetext", `${this.azimuth.value}°`);
    this.elevation.setAttribute("aria-valuetext", `${this.elevation.value}°`);
    this._sayOutline();
  }

  // --- the outline --------------------------------------------------------------------------------

  _schedule() {
    if (this._pending) return;
    this._pending = requestAnimationFrame(() => { this._pending = 0; this.updateOutline(); });
  }

  /** Recomputes the outline now (normally done once per frame after a change). */
  updateOutline() {
    this._clearOutline();
    if (!this.enabled || !this.stage.current) { this._syncControls(false); return; }
    const segments = [];
    this.stage.current.updateMatrixWorld(true);
    this.stage.current.traverse((o) => {
      if (!o.isMesh || !o.visible || !o.geometry.attributes.position) return;
      const index = o.geometry.index ? o.geometry.index.array : null;
      for (const v of sectionSegments(this._world(o), index, this.normal, this.offset)) segments.push(v);
    });
    this.polylines = joinSegments(segments, joinTolerance(segments));
    if (segments.length) {
      const line = this._outline = lineObject(this.polylines.flatMap((l) => {
        const pts = l.closed ? [...l.points, l.points[0]] : l.points;
        return pts.slice(1).flatMap((p, i) => [pts[i], p]);
      }), OUTLINE, { strip: false });
      this.stage.helpers.add(line);
    }
    this._syncControls(false);
    this.stage.draw();
  }

  /** The world positions of a mesh's vertices (cached until the object changes). */
  _world(mesh) {
    let world = this._worldCache.get(mesh);
    if (world) return world;
    const attr = mesh.geometry.attributes.position, v = new THREE.Vector3();
    world = new Float64Array(attr.count * 3);
    for (let i = 0; i < attr.count; i++) {
      v.fromBufferAttribute(attr, i).applyMatrix4(mesh.matrixWorld);
      world[3 * i] = v.x; world[3 * i + 1] = v.y; world[3 * i + 2] = v.z;
    }
    this._worldCache.set(mesh, world);
    return world;
  }

  _clearOutline() {
    disposeHelper(this._outline);
    this._outline = null;
    this.polylines = [];
  }

  _sayOutline() {
    if (!this.enabled) { this.status.textContent = this.text.t("sectionOff"); return; }
    const closed = this.polylines.filter((l) => l.closed).length;
    this.status.textContent = this.polylines.length
      ? this.text.t("outlineInfo", { n: this.polylines.length, closed })
      : this.text.t("noOutline");
  }

  // --- Shift + drag on the model ----------------------------------------------------------------

  _dragStart(e) {
    if (!this.enabled || !e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    e.stopImmediatePropagation();  // OrbitControls would pan
    const canvas = this.stage.canvas;
    // the normal as it appears on screen: px per world unit along it
    const c = new THREE.Vector3(...this._centre()), r = this.stage.bounds?.radius || 1;
    const a = c.clone().project(this.stage.camera), b = c.clone().addScaledVector(new THREE.Vector3(...this.normal), r).project(this.stage.camera);
    const w = canvas.clientWidth, h = canvas.clientHeight;
    let dir = [(b.x - a.x) * w / 2, -(b.y - a.y) * h / 2];
    let perWorld = Math.hypot(...dir) / r;
    if (perWorld < 0.05 * h / r) { dir = [0, -1]; perWorld = h / (this._range || r); }  // normal towards the camera: up moves it
    const unit = dir.map((v) => v / Math.hypot(...dir));
    const start = { x: e.clientX, y: e.clientY, offset: this.offset };
    const move = (m) => {
      const along = (m.clientX - start.x) * unit[0] + (m.clientY - start.y) * unit[1];
      this._setPlane(this.normal, start.offset + along / perWorld, false);
    };
    const up = () => {
      canvas.removeEventListener("pointermove", move);
      canvas.removeEventListener("pointerup", up);
      canvas.removeEventListener("pointercancel", up);
    };
    canvas.setPointerCapture?.(e.pointerId);
    canvas.addEventListener("pointermove", move);
    canvas.addEventListener("pointerup", up);
    canvas.addEventListener("pointercancel", up);
  }

  // --- exports ------------------------------------------------------------------------------------

  _paper() { return toPaper(this.polylines, this.normal); }

  _description() {
    const { units, unitsPerMetre } = unitsOf(this.ctx);
    const n = this.normal.map((v) => num(Number(v.toFixed(6)))).join(", ");
    return `Section of ${this.ctx.model?.title || this.ctx.model?.id || "the model"}: plane normal (${n}), offset ${num(this.offset * unitsPerMetre)} ${units}; seen from the removed side.`;
  }

  exportSvg() {
    const opts = { ...unitsOf(this.ctx), title: `${this.ctx.model?.id || "model"} section`, description: this._description(),
                   level: levelOf(this.ctx) };
    download(`${safeName(this.ctx.model?.id)}-section.svg`, outlineToSvg(this._paper(), opts), "image/svg+xml");
  }

  exportDxf() {
    const opts = { ...unitsOf(this.ctx), model: this.ctx.model?.id ?? "", level: levelOf(this.ctx) };
    download(`${safeName(this.ctx.model?.id)}-section.dxf`, outlineToDxf(this._paper(), opts), "application/dxf");
  }

  activate() {}
  deactivate() {}

  setLanguage(lang) { this.text.setLanguage(lang); this._syncControls(false); this.levelNotice.update(); }

  dispose() {
    cancelAnimationFrame(this._pending);
    this.stage.off("objectchange", this._onObject);
    this.stage.canvas.removeEventListener("pointerdown", this._onPointerDown, { capture: true });
    if (this.enabled) this.stage.renderer.clippingPlanes = [];
    this._clearOutline();
    this.stage.draw();
    this.element.remove();
  }
}
