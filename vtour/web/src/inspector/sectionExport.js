/**
 * A section outline on paper, to scale: SVG and DXF (AutoCAD R12 ASCII) text. Pure functions.
 *
 * Input: polylines `{points: [[u, v], ...], closed}` in WORLD units (sectionOutline.js toPaper: u to the
 * right, v up), with `{units, unitsPerMetre}` of the model, and the `level` the outline was cut from
 * (`{index (0-based), count, path, triangles, hausdorff (model units) | null}`: a coarse level's outline is off
 * by up to its Hausdorff distance, so every file says which it is).
 *  - SVG: viewBox in MODEL units (world x unitsPerMetre), y flipped (SVG's y grows downwards), width/height in
 *    millimetres ("100mm") so that it prints at 1:1; with unknown units the size has no unit and <desc> says
 *    so. <desc> names the level and its deviation.
 *  - DXF (AutoCAD R12, AC1009): in MILLIMETRES whenever the units are known (converted: R12 readers ignore
 *    $INSUNITS, which only later versions define, so the numbers themselves must be in the unit every CAD user
 *    assumes); raw model numbers when they are not. One POLYLINE (70 = 1 when closed) with its VERTEXes per
 *    polyline on layer SECTION, z = 0. 999 comments before the header name the units, the model, the level
 *    and its Hausdorff distance ("units unknown" when they are); $INSUNITS (4 mm, 0 unitless) stays for the
 *    readers of later versions.
 */

/** DXF $INSUNITS codes by vtour unit. */
export const DXF_INSUNITS = { mm: 4, cm: 5, m: 6, unknown: 0 };
/** Millimetres per model unit (SVG's physical width and height; the DXF's coordinates). */
export const MM_PER_UNIT = Object.freeze({ mm: 1, cm: 10, m: 1000 });

/** A number for a file: 9 significant digits, no exponent for ordinary sizes, no "-0". */
export function num(v) {
  const r = Number(v.toPrecision(9));
  return Object.is(r, -0) ? "0" : String(r);
}

function scaled(polylines, unitsPerMetre) {
  return polylines.map((l) => ({ closed: l.closed, points: l.points.map(([u, v]) => [u * unitsPerMetre, v * unitsPerMetre]) }));
}

function bounds(polylines) {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const l of polylines) for (const [x, y] of l.points) {
    x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
  }
  return x0 <= x1 ? { x0, y0, x1, y1 } : { x0: 0, y0: 0, x1: 1, y1: 1 };
}

/**
 * The level an outline or a measurement was made on, in words (English: file metadata):
 * "level 2 of 4 (models/box/lod1.glb, 12000 triangles), Hausdorff deviation from the scan 1.2 mm";
 * "level unknown" without one. `hausdorff` is in model units (`units`).
 */
export function levelDescription(level, units) {
  if (!level) return "level unknown";
  const u = MM_PER_UNIT[units] ? ` ${units}` : " (units unknown)";
  const h = Number.isFinite(level.hausdorff) ? `Hausdorff deviation from the scan ${num(level.hausdorff)}${u}`
    : "Hausdorff deviation from the scan unknown";
  const tri = Number.isFinite(level.triangles) ? `, ${level.triangles} triangles` : "";
  return `level ${level.index + 1} of ${level.count} (${level.path ?? "?"}${tri}), ${h}`;
}

const escapeXml = (s) => String(s).replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]);

/**
 * The outline as an SVG document (string).
 * @param {{points: number[][], closed: boolean}[]} polylines  paper coordinates, world units
 * @param {{units: string, unitsPerMetre: number, title?: string, description?: string}} options
 */
export function outlineToSvg(polylines, { units, unitsPerMetre, title = "Section", description = "", level = null }) {
  const lines = scaled(polylines, unitsPerMetre);
  const b = bounds(lines);
  const margin = Math.max(b.x1 - b.x0, b.y1 - b.y0) * 0.02 || 1;
  const x = b.x0 - margin, y = -b.y1 - margin, w = b.x1 - b.x0 + 2 * margin, h = b.y1 - b.y0 + 2 * margin;
  const mm = MM_PER_UNIT[units];
  const size = (v) => (mm ? `${num(v * mm)}mm` : num(v));
  const stroke = num(Math.max(w, h) / 500);
  const shapes = lines.map((l) => {
    const pts = l.points.map(([u, v]) => `${num(u)},${num(-v)}`).join(" ");
    return `  <${l.closed ? "polygon" : "polyline"} points="${pts}"/>`;
  });
  const desc = `${description}${description ? " " : ""}${mm ? `Units: ${units}; drawn at 1:1.` : "Units unknown: not to a known scale."}`
    + ` Cut from ${levelDescription(level, units)}.`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="${num(x)} ${num(y)} ${num(w)} ${num(h)}" width="${size(w)}" height="${size(h)}" data-units="${escapeXml(units || "unknown")}">`,
    `  <title>${escapeXml(title)}</title>`,
    `  <desc>${escapeXml(desc)}</desc>`,
    `  <g fill="none" stroke="#000" stroke-width="${stroke}" stroke-linejoin="round">`,
    ...shapes.map((s) => `  ${s}`),
    "  </g>",
    "</svg>",
    "",
  ].join("\n");
}

/** DXF text values are one line; R12 readers expect plain ASCII (non-ASCII and control characters become "?"). */
const dxfText = (s) => String(s).replace(/[^\x20-\x7e]/g, "?");

/**
 * The outline as a DXF R12 ASCII drawing (string, CRLF line ends), in millimetres when the units are known.
 * @param {{points: number[][], closed: boolean}[]} polylines  paper coordinates, world units
 * @param {{units: string, unitsPerMetre: number, model?: string, level?: object}} options
 */
export function outlineToDxf(polylines, { units, unitsPerMetre, model = "", level = null }) {
  const mm = MM_PER_UNIT[units];
  const lines = scaled(polylines, mm ? unitsPerMetre * mm : unitsPerMetre);
  const b = bounds(lines);
  const out = [];
  const pair = (code, value) => out.push(String(code), String(value));
  pair(999, dxfText(`vtour section outline of model ${model || "?"}`));
  pair(999, mm ? `units: millimetres (converted from the model's ${units}); drawn at 1:1`
    : "units unknown: the numbers are the model's own, not to a known scale");
  pair(999, dxfText(`cut from ${levelDescription(level, units)}`));
  pair(0, "SECTION"); pair(2, "HEADER");
  pair(9, "$ACADVER"); pair(1, "AC1009");
  pair(9, "$INSUNITS"); pair(70, mm ? DXF_INSUNITS.mm : DXF_INSUNITS.unknown);
  pair(9, "$EXTMIN"); pair(10, num(b.x0)); pair(20, num(b.y0)); pair(30, 0);
  pair(9, "$EXTMAX"); pair(10, num(b.x1)); pair(20, num(b.y1)); pair(30, 0);
  pair(0, "ENDSEC");
  pair(0, "SECTION"); pair(2, "ENTITIES");
  for (const l of lines) {
    pair(0, "POLYLINE"); pair(8, "SECTION"); pair(66, 1); pair(10, 0); pair(20, 0); pair(30, 0); pair(70, l.closed ? 1 : 0);
    for (const [x, y] of l.points) { pair(0, "VERTEX"); pair(8, "SECTION"); pair(10, num(x)); pair(20, num(y)); pair(30, 0); }
    pair(0, "SEQEND"); pair(8, "SECTION");
  }
  pair(0, "ENDSEC");
  pair(0, "EOF");
  return out.join("\r\n") + "\r\n";
}
