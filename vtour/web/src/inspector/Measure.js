import * as THREE from "three";
import {
  formatWorldLength, measureValue, measurementsToCsv, measurementsToJson, planeFromPointNormal, planeFromPoints,
  polylineLength, projectOnPlane, distance,
} from "./measureMath.js";
import {
  LABEL_STYLE, LevelNotice, ToolText, claimCanvas, crosshair, disposeHelper, dotsObject, download, el, field, lineObject,
  levelOf, listenForClicks, newId, pickAtCentre, placeAt, releaseCanvas, safeName, setShown, unitsOf,
} from "./toolKit.js";

const COLOUR = 0xffd400, PENDING = 0x00e5ff, PLANE = 0xff4fd8;

/**
 * The inspector's tape measure: points picked on the surface give distances, polylines and heights above a
 * reference plane, in the model's units ("units unknown" beside every number when they are). Several
 * measurements stay on screen (lines in stage.helpers, HTML labels in stage.overlay that follow the camera),
 * listed with a delete button each, exported as CSV or JSON.
 *
 * Picking: a click on the model (not a drag) while the tool is active, or the "Pick at the crosshair" button
 * (the centre of the view, marked by a crosshair) for keyboard users. Polylines end with a double click, Enter
 * or the "Finish" button; Escape drops the measurement being made.
 *
 * `new Measure(ctx)`; ctx: {stage, units, labels, language, model, onChange} (see the inspector spec).
 */
export class Measure {
  constructor(ctx) {
    this.name = "measure";
    this.ctx = ctx;
    this.stage = ctx.stage;
    this.text = new ToolText(ctx);
    this.measurements = [];  // {kind, points, plane?, helper, label}
    this.pending = [];       // points of the measurement being made (or of the reference plane)
    this.plane = null;       // the reference plane of heights: {normal, point}
    this.active = false;
    this._nextNumber = 1;
    this._build();
    this._onRender = () => this._placeLabels();
    this.stage.on("render", this._onRender);
    this._onObject = () => this.levelNotice.update();
    this.stage.on("objectchange", this._onObject);
    this._onKey = (e) => this._key(e);
  }

  _build() {
    const T = this.text;
    const heading = T.bind(el("h3", { id: newId("measure") }), "measure");
    this.toggle = T.bind(el("button", { type: "button", className: "vtour-tool-toggle", "aria-pressed": "false" }), "measureToggle");
    this.toggle.addEventListener("click", () => (this.active ? this.deactivate() : this.activate()));
    this.modeSelect = el("select", {}, ["distance", "polyline", "height"].map((m) => T.bind(el("option", { value: m }), `mode_${m}`)));
    this.modeSelect.addEventListener("change", () => this.setMode(this.modeSelect.value));
    this.planeSelect = el("select", {}, ["three", "normal"].map((m) => T.bind(el("option", { value: m }), `plane_${m}`)));
    this.planeSelect.addEventListener("change", () => this.newPlane());
    this.newPlaneButton = T.bind(el("button", { type: "button" }), "newPlane");
    this.newPlaneButton.addEventListener("click", () => this.newPlane());
    const planeField = field(T, "planeFrom", this.planeSelect);
    this.planeRow = el("div", { className: "vtour-tool-row" }, [planeField.wrapper, this.newPlaneButton]);
    setShown(this.planeRow, false);
    this.pickButton = T.bind(el("button", { type: "button" }), "pickCentre");
    this.pickButton.addEventListener("click", () => { if (!this.active) this.activate(); this._picked(pickAtCentre(this.stage)); });
    this.finishButton = T.bind(el("button", { type: "button", disabled: true }), "finishPolyline");
    this.finishButton.addEventListener("click", () => this.finish());
    this.cancelButton = T.bind(el("button", { type: "button", disabled: true }), "cancel");
    this.cancelButton.addEventListener("click", () => this.cancel());
    this.status = el("p", { className: "vtour-tool-status", role: "status" });
    this.list = el("ul", { className: "vtour-tool-list", style: { listStyle: "none", paddingLeft: "0" } });
    this.empty = T.bind(el("p", { className: "vtour-tool-empty" }), "noMeasurements");
    const csv = T.bind(el("button", { type: "button" }), "exportCsv");
    csv.addEventListener("click", () => this.exportCsv());
    const json = T.bind(el("button", { type: "button" }), "exportJson");
    json.addEventListener("click", () => this.exportJson());
    this.clearButton = T.bind(el("button", { type: "button" }), "deleteAll");
    this.clearButton.addEventListener("click", () => this.clear());
    this.exportButtons = [csv, json, this.clearButton];
    const listHeading = T.bind(el("h4"), "measurements");
    this.levelNotice = new LevelNotice(this.ctx, T);
    this.element = el("section", { className: "vtour-tool-panel vtour-tool-measure", "aria-labelledby": heading.id }, [
      heading, this.toggle, field(T, "measureMode", this.modeSelect).wrapper, this.planeRow,
      el("div", { className: "vtour-tool-row" }, [this.pickButton, this.finishButton, this.cancelButton]),
      this.status, listHeading, this.levelNotice.element, this.empty, this.list, el("div", { className: "vtour-tool-row" }, this.exportButtons),
    ]);
    this._hint();
    this._renderList();
  }

  get mode() { return this.modeSelect.value; }

  /** "distance" | "polyline" | "height": drops the measurement being made. */
  setMode(mode) {
    this.modeSelect.value = mode;
    setShown(this.planeRow, mode === "height");
    this.cancel();
  }

  activate() {
    if (this.active) return;
    claimCanvas(this.stage, this);
    this.active = true;
    this.toggle.setAttribute("aria-pressed", "true");
    this._detach = listenForClicks(this.stage.canvas, (x, y) => this._picked(this.stage.pick(x, y)), () => this.finish(true));
    this._cross = crosshair(this.stage);
    // the document's keys, in the capture phase: Escape drops a measurement before a dialog sees it
    this.stage.canvas.ownerDocument.addEventListener("keydown", this._onKey, true);
    this._hint();
  }

  deactivate() {
    if (!this.active) return;
    this.active = false;
    releaseCanvas(this.stage, this);
    this.toggle.setAttribute("aria-pressed", "false");
    this._detach?.();
    this._cross?.remove();
    this.stage.canvas.ownerDocument.removeEventListener("keydown", this._onKey, true);
    this.cancel();
  }

  /** Enter ends a polyline (unless a control has the focus: its own Enter wins); Escape drops the measurement. */
  _key(e) {
    const target = e.composedPath?.()[0] || e.target;
    const inControl = /^(BUTTON|INPUT|SELECT|TEXTAREA|A|SUMMARY)$/.test(target?.tagName || "");
    if (e.key === "Enter" && !inControl && this.mode === "polyline" && this.pending.length >= 2) {
      e.preventDefault();
      this.finish();
    } else if (e.key === "Escape" && this.pending.length) {
      e.stopPropagation();  // drops the measurement, does not close the dialog
      this.cancel();
    }
  }

  /** A pick (stage.pick's result, or null for no surface) from a click or the crosshair. */
  _picked(hit) {
    if (!hit) { this._say("noSurface"); return; }
    const p = hit.point.toArray();
    if (this.mode === "height" && !this.plane) {
      if (this.planeSelect.value === "normal") return this._setPlane(() => planeFromPointNormal(p, hit.normal.toArray()));
      this.pending.push(p);
      if (this.pending.length === 3) return this._setPlane(() => planeFromPoints(...this.pending));
    } else if (this.mode === "height") {
      this._add({ kind: "height", points: [p], plane: this.plane });
    } else {
      this.pending.push(p);
      if (this.mode === "distance" && this.pending.length === 2) this._add({ kind: "distance", points: this.pending });
    }
    this._drawPending();
    this._hint();
  }

  _setPlane(make) {
    try { this.plane = make(); } catch (e) { this.pending = []; this._drawPending(); this._say("collinear"); return; }
    this.pending = [];
    this._drawPending();
    this._drawPlane();
    this._hint();
  }

  /** Ends the polyline being made (two points at least; a double click's repeated point is dropped). */
  finish(fromDoubleClick = false) {
    if (this.mode !== "polyline") return;
    const pts = this.pending.filter((p, i, all) => i === 0 || distance(p, all[i - 1]) > 0);
    if (pts.length < 2) { if (!fromDoubleClick) this._say("polylineShort"); return; }
    this._add({ kind: "polyline", points: pts });
  }

  /** Drops the measurement being made (or the reference plane's points). */
  cancel() {
    this.pending = [];
    this._drawPending();
    this._hint();
  }

  /** Starts a new reference plane for heights. */
  newPlane() {
    this.plane = null;
    disposeHelper(this._planeHelper);
    this._planeHelper = null;
    this.cancel();
    this.stage.draw();
  }

  _add(m) {
    m.number = this._nextNumber++;
    m.level = levelOf(this.ctx);   // exported with it: its points lie on this level's surface
    m.points = m.points.map((p) => p.slice());
    this.pending = [];
    this._drawPending();
    this._drawMeasurement(m);
    this.measurements.push(m);
    this._renderList();
    this._hint();
    this._say("added", { text: this._describe(m) });
  }

  /** Deletes measurement `m` (one of `measurements`). */
  remove(m) {
    const i = this.measurements.indexOf(m);
    if (i < 0) return;
    this.measurements.splice(i, 1);
    disposeHelper(m.helper);
    m.label.remove();
    this._renderList();
    this.stage.draw();
  }

  clear() { for (const m of [...this.measurements]) this.remove(m); }

  /** The value of `m` as text in model units (or "units unknown"). */
  formatValue(m) {
    return formatWorldLength(measureValue(m), unitsOf(this.ctx), this.text.t("unitsUnknown"));
  }

  _describe(m) {
    const kind = this.text.t(`kind_${m.kind}`, { segments: m.points.length - 1 });
    return this.text.t("measurementText", { n: m.number, kind, value: this.formatValue(m) });
  }

  _drawMeasurement(m) {
    const group = new THREE.Group();
    const ends = m.kind === "height" ? [m.points[0], projectOnPlane(m.plane, m.points[0])] : m.points;
    group.add(lineObject(ends, COLOUR), dotsObject(ends, COLOUR));
    this.stage.helpers.add(group);
    m.helper = group;
    m.anchor = ends.length === 2 ? ends[0].map((v, i) => (v + ends[1][i]) / 2) : ends[ends.length - 1];
    m.label = el("div", { className: "vtour-tool-label", "aria-hidden": "true", style: LABEL_STYLE });
    m.label.textContent = this.formatValue(m);
    this.stage.overlay.appendChild(m.label);
    placeAt(this.stage, m.label, m.anchor);
    this.stage.draw();
  }

  _drawPending() {
    disposeHelper(this._pendingHelper);
    this._pendingHelper = null;
    if (this.pending.length) {
      const group = this._pendingHelper = new THREE.Group();
      if (this.pending.length > 1) group.add(lineObject(this.pending, PENDING));
      group.add(dotsObject(this.pending, PENDING));
      this.stage.helpers.add(group);
    }
    this.finishButton.disabled = !(this.mode === "polyline" && this.pending.length >= 2);
    this.cancelButton.disabled = !this.pending.length;
    this.stage.draw();
  }

  /** The reference plane: a square around its point, sized by the model, and its normal. */
  _drawPlane() {
    disposeHelper(this._planeHelper);
    const { normal, point } = this.plane;
    const r = (this.stage.bounds?.radius || 1) * 0.35;
    const n = new THREE.Vector3(...normal);
    const a = new THREE.Vector3().crossVectors(n, Math.abs(n.y) < 0.9 ? new THREE.Vector3(0, 1, 0) : new THREE.Vector3(1, 0, 0)).normalize();
    const b = new THREE.Vector3().crossVectors(n, a);
    const c = new THREE.Vector3(...point);
    const corner = (s, t) => c.clone().addScaledVector(a, s * r).addScaledVector(b, t * r).toArray();
    const square = [corner(-1, -1), corner(1, -1), corner(1, 1), corner(-1, 1), corner(-1, -1)];
    const group = this._planeHelper = new THREE.Group();
    group.add(lineObject(square, PLANE), lineObject([point, c.clone().addScaledVector(n, r * 0.5).toArray()], PLANE));
    this.stage.helpers.add(group);
    this.stage.draw();
  }

  _placeLabels() { for (const m of this.measurements) placeAt(this.stage, m.label, m.anchor); }

  _renderList() {
    const T = this.text;
    this.list.replaceChildren(...this.measurements.map((m) => {
      const del = el("button", { type: "button", className: "vtour-tool-delete" });
      del.textContent = T.t("delete");
      del.setAttribute("aria-label", T.t("deleteMeasurement", { n: m.number }));
      del.addEventListener("click", () => { this.remove(m); this.list.querySelector("button")?.focus() || this.modeSelect.focus(); });
      m.label.textContent = this.formatValue(m);
      return el("li", {}, [el("span", { textContent: this._describe(m) }), " ", del]);
    }));
    setShown(this.empty, !this.measurements.length);
    for (const b of this.exportButtons) b.disabled = !this.measurements.length;
  }

  _hint() {
    const n = this.pending.length;
    let key;
    if (this.mode === "distance") key = n ? "hintSecond" : "hintFirst";
    else if (this.mode === "polyline") key = n ? "hintPolylineMore" : "hintFirst";
    else if (!this.plane) key = this.planeSelect.value === "normal" ? "hintPlaneNormal" : "hintPlaneThree";
    else key = "hintHeight";
    const running = this.mode === "polyline" && n > 1 ? this._lengthText(polylineLength(this.pending)) : "";
    this._say(this.active ? key : "hintInactive", { left: 3 - n, length: running });
  }

  _lengthText(world) {
    return formatWorldLength(world, unitsOf(this.ctx), this.text.t("unitsUnknown"));
  }

  _say(key, values) { this.status.textContent = this.text.t(key, values); }

  _exportOptions() { return unitsOf(this.ctx); }

  exportCsv() {
    download(`${safeName(this.ctx.model?.id)}-measurements.csv`, measurementsToCsv(this.measurements, this._exportOptions()), "text/csv");
  }

  exportJson() {
    const doc = { model: this.ctx.model?.id ?? null, ...measurementsToJson(this.measurements, this._exportOptions()) };
    download(`${safeName(this.ctx.model?.id)}-measurements.json`, `${JSON.stringify(doc, null, 2)}\n`, "application/json");
  }

  setLanguage(lang) {
    this.text.setLanguage(lang);
    this.levelNotice.update();
    this._renderList();
    this._hint();
  }

  getState() { return null; }
  setState() {}

  dispose() {
    this.deactivate();
    this.clear();
    this.newPlane();
    this.stage.off("render", this._onRender);
    this.stage.off("objectchange", this._onObject);
    this.element.remove();
  }
}
