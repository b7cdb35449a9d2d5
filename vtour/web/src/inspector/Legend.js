import { CHANGE_COLOURS, cssColour, deviationGradient } from "./colormap.js";
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
 * Fills `box` with the legend of `mode` and shows it (hidden for modes without one).
 * Deviation: the ramp from 0 to `max` (the level's Hausdorff distance); change: the three classes of `limits`
 * ({minor, major}) since `date`.
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
    const { minor, major } = limits ?? { minor: 0, major: 0 };
    const list = el("ul", "vtour-inspector-classes");
    for (const [cls, text] of [["none", `${L.noChange}: < ${length(minor)}`],
                               ["minor", `${L.minorClass}: ${length(minor)} – ${length(major)}`],
                               ["major", `${L.majorClass}: ≥ ${length(major)}`]]) {
      const swatch = el("span", "vtour-inspector-swatch");
      swatch.style.background = cssColour(CHANGE_COLOURS[cls]);
      const item = el("li", "", text);
      item.prepend(swatch);
      list.append(item);
    }
    box.append(el("p", "vtour-inspector-legend-title", `${fill(L.legendChange, { date: date ?? "?" })} (${L.loss})`), list);
  }
}
