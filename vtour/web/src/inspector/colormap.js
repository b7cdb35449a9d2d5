/**
 * The colours of the deviation heat map and of the change classes, one table used by the shaders and the
 * legends alike (so a legend always says what the picture shows).
 *
 * Deviation: viridis (perceptually uniform, readable by colour-blind visitors and in grey), 0 = the level
 * lies on the scan, 1 = the level's Hausdorff distance.
 *
 * Change (docs of issue 11, shared with the Python histogram colours): a signed change c in model units
 * (negative = material lost, positive = gained) and limits {minor, major} > 0 give one of six classes:
 * |c| < minor "none" (grey); minor <= |c| < major "minorLoss" (orange) / "minorGain" (light blue);
 * |c| >= major "majorLoss" (red) / "majorGain" (dark blue); |c| >= NOT_MEASURED_MIN "notMeasured" (purple):
 * the build writes the sentinel 1e30 where the previous scan has no surface (holes, its unscanned back).
 * Warm for loss, cool for gain, lightness for magnitude: readable by the common colour-blind visitor too.
 */

/** Viridis at five evenly spaced stops, sRGB 0..1. */
export const DEVIATION_STOPS = Object.freeze([
  [0.267, 0.005, 0.329], [0.231, 0.322, 0.545], [0.129, 0.569, 0.549], [0.369, 0.788, 0.384], [0.993, 0.906, 0.144],
]);

const hex = (h) => Object.freeze([1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16) / 255));

/** The change classes in legend order. */
export const CHANGE_CLASSES = Object.freeze(["none", "minorLoss", "minorGain", "majorLoss", "majorGain", "notMeasured"]);

/** Class colours of the change map as CSS hex (the lead's table, the Python side's too). */
export const CHANGE_HEX = Object.freeze({
  none: "#9e9e9e", minorLoss: "#f4a259", minorGain: "#8ab8e8", majorLoss: "#c62828", majorGain: "#1f4fa8",
  notMeasured: "#6a4c93",
});

/** Class colours of the change map, sRGB 0..1. */
export const CHANGE_COLOURS = Object.freeze(Object.fromEntries(CHANGE_CLASSES.map((k) => [k, hex(CHANGE_HEX[k])])));

/** Any |change| at or above this is the "not measured" sentinel (the build writes 1e30). */
export const NOT_MEASURED_MIN = 1e29;

/**
 * The |change| from which a value means "not measured", for tour.json's previous[j].notMeasured (the sentinel
 * written; absent: 1e30): a tenth of it, and never above NOT_MEASURED_MIN (float32 keeps 1e30 to 7 digits, and a
 * value interpolated across a triangle from the sentinel stays far above any real change).
 */
export function notMeasuredThreshold(sentinel) {
  return Number.isFinite(sentinel) && sentinel > 0 ? Math.min(NOT_MEASURED_MIN, sentinel / 10) : NOT_MEASURED_MIN;
}

/** sRGB colour (0..1) of the deviation map at t in [0, 1] (clamped), interpolated between the stops. */
export function deviationColour(t) {
  const n = DEVIATION_STOPS.length - 1;
  const x = Math.min(1, Math.max(0, t)) * n, i = Math.min(n - 1, Math.floor(x)), f = x - i;
  return DEVIATION_STOPS[i].map((a, k) => a + (DEVIATION_STOPS[i + 1][k] - a) * f);
}

/**
 * The change class (CHANGE_CLASSES) of a signed change `c` (model units) for limits {minor, major}; both
 * boundaries belong to the class above (>=); a NaN or |c| >= `notMeasured` (NOT_MEASURED_MIN) is "notMeasured".
 */
export function changeClass(c, { minor, major }, notMeasured = NOT_MEASURED_MIN) {
  const a = Math.abs(c);
  if (!(a < notMeasured)) return "notMeasured";
  if (a >= major) return c < 0 ? "majorLoss" : "majorGain";
  if (a >= minor) return c < 0 ? "minorLoss" : "minorGain";
  return "none";
}

const css = ([r, g, b]) => `rgb(${Math.round(r * 255)}, ${Math.round(g * 255)}, ${Math.round(b * 255)})`;

/** CSS colour of an sRGB triple. */
export const cssColour = css;

/** CSS linear-gradient of the deviation map, left (0) to right (max). */
export function deviationGradient() {
  return `linear-gradient(to right, ${DEVIATION_STOPS.map(css).join(", ")})`;
}

const vec = ([r, g, b]) => `vec3(${r.toFixed(4)}, ${g.toFixed(4)}, ${b.toFixed(4)})`;

/**
 * GLSL (ES 3.0) functions `vec3 vtourDeviationColour(float t)` and `vec3 vtourChangeColour(float c, float minor,
 * float major, float notMeasured)` (changeClass's rule), returning sRGB colours (the caller converts to linear),
 * from the same tables.
 */
export function glslColourFunctions() {
  const s = DEVIATION_STOPS, n = s.length - 1;
  const steps = s.slice(1).map((c, i) =>
    `  if (x <= ${(i + 1).toFixed(1)}) return mix(${vec(s[i])}, ${vec(c)}, x - ${i.toFixed(1)});`).join("\n");
  return `vec3 vtourDeviationColour(float t) {
  float x = clamp(t, 0.0, 1.0) * ${n.toFixed(1)};
${steps}
  return ${vec(s[n])};
}
vec3 vtourChangeColour(float c, float minor, float major, float notMeasured) {
  float a = abs(c);
  if (!(a < notMeasured)) return ${vec(CHANGE_COLOURS.notMeasured)};
  if (a >= major) return c < 0.0 ? ${vec(CHANGE_COLOURS.majorLoss)} : ${vec(CHANGE_COLOURS.majorGain)};
  if (a >= minor) return c < 0.0 ? ${vec(CHANGE_COLOURS.minorLoss)} : ${vec(CHANGE_COLOURS.minorGain)};
  return ${vec(CHANGE_COLOURS.none)};
}
`;
}
