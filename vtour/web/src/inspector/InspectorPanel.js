import { button, checkbox, group, number, select, setPressed, slider } from "./controls.js";
import { fill } from "./format.js";
import { LIGHT_BOUNDS, MODES } from "./state.js";

/** Screenshot sizes offered: multiples of the view, or a width in pixels (the view's aspect kept). */
export const SCREENSHOT_SCALES = Object.freeze([1, 2, 4]);

/**
 * The inspector's side panel (a bottom sheet on a narrow screen, viewer.css): the detail shown with the "Finest
 * level" button and downloads, the modes, the light, the change map's previous scan, limits and side-by-side
 * view, a place for the tools (`toolBox`) and screenshots. Every control is a native labelled element whose
 * text comes from setLanguage(); it changes nothing itself but calls `onSet(partialState)` (or
 * `onScreenshot()`), and sync(state) shows a state.
 *
 * `model`: tour.json's entry (downloads, previous); `url(path)` resolves a tour path; `limits()` the change
 * limits now; `lightPreset("raking" | "frontal")` the light of the preset buttons for the view now.
 */
export class InspectorPanel {
  constructor({ model, url, state, limits, lightPreset, onSet, onScreenshot }) {
    this.model = model;
    this.element = document.createElement("div");
    this.element.className = "vtour-inspector-panel";
    this.element.setAttribute("role", "region");
    this._labelled = [];
    const L = (node, key) => { this._labelled.push([node, key]); return node; };
    const s = state;

    this.detail = document.createElement("p");
    this.detail.className = "vtour-inspector-detail";
    this.detail.setAttribute("aria-live", "polite");
    this.finest = L(button("", () => onSet({ finest: !this._state.finest }), { pressed: s.finest }), "finest");
    const downloads = document.createElement("div");
    downloads.className = "vtour-inspector-downloads";
    for (const [key, path] of [["downloadScan", model.downloads?.scan], ["downloadGlb", model.downloads?.glb]]) {
      if (!path) continue;
      const a = document.createElement("a");
      a.className = "vtour-inspector-download";
      a.href = url(path);
      a.download = path.split("/").pop();
      a.setLabel = (t) => { a.textContent = t; };
      downloads.append(L(a, key));
    }
    const detail = L(group("", "vtour-inspector-detail-group", this.detail, this.finest, downloads), "detail");

    this.modes = new Map(MODES.map((m) => [m, L(button("", () => onSet({ mode: m }), { pressed: m === s.mode }), m)]));
    const modes = L(group("", "vtour-inspector-modes", ...this.modes.values()), "mode");

    const lightSlider = (key) => L(slider("", `light-${key}`, {
      min: LIGHT_BOUNDS[key][0], max: key === "azimuth" ? 359 : LIGHT_BOUNDS[key][1],
      step: key === "azimuth" || key === "elevation" ? 1 : 0.05, value: s.light[key],
    }, (v) => onSet({ light: { [key]: v } })), key);
    this.light = {
      azimuth: lightSlider("azimuth"), elevation: lightSlider("elevation"),
      ambient: lightSlider("ambient"), exposure: lightSlider("exposure"),
      shadows: L(checkbox("", "light-shadows", s.light.shadows, (v) => onSet({ light: { shadows: v } })), "shadows"),
    };
    const presets = document.createElement("div");
    presets.className = "vtour-inspector-row";
    presets.append(L(button("", () => onSet({ light: lightPreset("raking") })), "raking"),
                   L(button("", () => onSet({ light: lightPreset("frontal") })), "frontal"));
    const light = L(group("", "vtour-inspector-light", ...Object.values(this.light), presets), "light");

    this.previous = L(select("", "change-previous", [], "0", (v) => onSet({ previous: Number(v), changeLimits: null })), "previous");
    const lim = limits();
    // without limits (the tour set none for this scan) both fields start empty; the map is classed once both are
    const limit = (key) => number("", `change-${key}`, { min: 0, step: "any", value: lim?.[key] }, (v) => {
      const other = key === "minor" ? "major" : "minor";
      const typed = this[other].input.value;
      const now = limits() ?? { [other]: typed === "" ? NaN : Number(typed) };
      if (Number.isFinite(now[other])) onSet({ changeLimits: { ...now, [key]: v } });
    });
    this.minor = limit("minor");
    this.major = limit("major");
    this.compare = L(button("", () => onSet({ compare: !this._state.compare }), { pressed: s.compare }), "compare");
    const change = L(group("", "vtour-inspector-change", this.previous, this.minor, this.major, this.compare), "change");
    change.hidden = !model.previous?.length;

    this.toolBox = document.createElement("div");
    this.toolBox.className = "vtour-inspector-tools";

    this.shotSize = L(select("", "screenshot-size", [], "1", () => {}), "screenshotSize");
    this.shotWidth = L(number("", "screenshot-width", { min: 16, max: 16384, step: 1, value: null }, () => {}), "screenshotWidth");
    const shoot = L(button("", () => onScreenshot()), "screenshot");
    const shots = L(group("", "vtour-inspector-screenshot", this.shotSize, this.shotWidth, shoot), "screenshot");

    this.element.append(detail, modes, light, change, this.toolBox, shots);
    this._state = state;
  }

  /** The screenshot's size as chosen: {scale} (a multiple of the view) or {width} (px). */
  screenshotChoice() {
    const choice = this.shotSize.input.value;
    const width = Number(this.shotWidth.input.value);
    return choice === "width" && width > 0 ? { width } : { scale: Number(choice) || 1 };
  }

  /** Every label in the words `L` (labels.js merged with toolLabels.js); `unitsText`: "mm" or "units unknown". */
  setLanguage(L, unitsText) {
    for (const [node, key] of this._labelled) node.setLabel(L[key]);
    this.element.setAttribute("aria-label", L.inspector);
    const size = this.shotSize.input.value || "1";
    this.shotSize.setOptions([...SCREENSHOT_SCALES.map((n) => [String(n), fill(L.times, { n })]), ["width", L.widthOption]]);
    this.shotSize.set(size);
    this.previous.setOptions((this.model.previous || []).map((p, j) => [String(j), fill(L.previousOption, { date: p.date ?? j })]));
    this.previous.set(this._state.previous);
    this.minor.setLabel(fill(L.minor, { units: unitsText }));
    this.major.setLabel(fill(L.major, { units: unitsText }));
  }

  /** Shows `state`; `available`: the modes the model can draw (the others hidden); `limits`: the change limits. */
  sync(state, available, limits) {
    this._state = state;
    for (const [m, b] of this.modes) { setPressed(b, m === state.mode); b.hidden = !available.has(m); }
    for (const k of ["azimuth", "elevation", "ambient", "exposure", "shadows"]) this.light[k].set(state.light[k]);
    setPressed(this.finest, state.finest);
    setPressed(this.compare, state.compare);
    this.previous.set(state.previous);
    if (limits) { this.minor.set(limits.minor); this.major.set(limits.major); }
    else if (this._limitsShown) { this.minor.set(null); this.major.set(null); }
    this._limitsShown = !!limits;
  }
}
