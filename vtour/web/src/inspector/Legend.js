import { CHANGE_CLASSES, CHANGE_COLOURS, cssColour, deviationGradient } from "./colormap.js";
import { fill, formatCount, formatPercent } from "./format.js";

/**
 * The words and keys beside the view, as text (never HTML): the detail line (level, triangles, deviation) and
 * the legend of the deviation and change maps, in the model's units. `L` is the inspector's labels, `length(v)`
 * formats a length in model units (format.js's formatLength with the visitor's "units unknown").
 */

/** "Level 2 of 3: 123,456 triangles · deviation from the scan 0.2 mm (0.05 % of the diagonal)". */
export function detailText(L, { index, levels, lod, triangles, diagonal, length, language }) {
  const level = fill(L.levelInfo, { level: index + 1, levels, triangles: formatCount(lod.triangles ?? triangles, language) });
  const d = lod.deviation;
  if (!d || !Number.isFinite(d.hausdorff)) return `${level} · ${L.noDeviation}`;
  const rel = d.relativeHausdorff ?? (diagonal ? d.hausdorff / diagonal : null);
  return `${level} · ${fill(L.deviationInfo, { value: length(d.hausdorff), percent: rel === null ? "?" : formatPercent(rel) })}`;
}

const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  e.className = cls;
  if (text) e.textContent = text;
  return e;
};

/**
 * The change legend's entries for `limits` ({minor, major}, model units; null: none set): [class, text] in
 * CHANGE_CLASSES order, "minor loss ≥ 0.15 mm" style; without limits only "not measured" (the map then says
 * nothing about change, and the panel asks for limits).
 */
export function changeEntries(L, limits, length) {
  const text = {
    none: limits && `${L.noChange} < ${length(limits.minor)}`,
    minorLoss: limits && `${L.minorLoss} ≥ ${length(limits.minor)}`,
    minorGain: limits && `${L.minorGain} ≥ ${length(limits.minor)}`,
    majorLoss: limits && `${L.majorLoss} ≥ ${length(limits.major)}`,
    majorGain: limits && `${L.majorGain} ≥ ${length(limits.major)}`,
    notMeasured: L.notMeasured,
  };
  return CHANGE_CLASSES.filter((c) => text[c]).map((c) => [c, text[c]]);
}

/**
 * Fills `box` with the legend of `mode` and shows it (hidden for modes without one).
 * Deviation: the ramp from 0 to `max` (the level's Hausdorff distance); change: the signed classes of `limits`
 * ({minor, major}, or null when the tour has none for this previous scan: the legend says so) since `date`.
 */
export function renderLegend(box, mode, L, { max, limits, date, length }) {
  box.hidden = mode !== "deviation" && mode !== "change";
  box.replaceChildren();
  if (mode === "deviation") {
    const bar = el("div", "vtour-inspector-ramp");
    bar.style.background = deviationGradient();
    const ticks = el("div", "vtour-inspector-ticks");
    ticks.append(...[0, 0.5, 1].map((t) => el("span", "", length(max * t))));
    box.append(el("p", "vtour-inspector-legend-title", L.legendDeviation), bar, ticks);
  } else if (mode === "change") {
    const list = el("ul", "vtour-inspector-classes");
    for (const [cls, text] of changeEntries(L, limits, length)) {
      const swatch = el("span", "vtour-inspector-swatch");
      swatch.style.background = cssColour(CHANGE_COLOURS[cls]);
      const item = el("li", "", text);
      item.dataset.changeClass = cls;
      item.prepend(swatch);
      list.append(item);
    }
    box.append(el("p", "vtour-inspector-legend-title", fill(L.legendChange, { date: date ?? "?" })));
    if (!limits) box.append(el("p", "vtour-inspector-legend-note", L.noLimits));
    box.append(list);
  }
}
