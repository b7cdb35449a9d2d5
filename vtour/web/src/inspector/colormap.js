/**
 * The colours of the deviation heat map and of the change classes, one table used by the shaders and the
 * legends alike (so a legend always says what the picture shows).
 *
 * Deviation: viridis (perceptually uniform, readable by colour-blind visitors and in grey), 0 = the level
 * lies on the scan, 1 = the level's Hausdorff distance. Change: grey = no change, orange = minor, red = major.
 */

/** Viridis at five evenly spaced stops, sRGB 0..1. */
export const DEVIATION_STOPS = Object.freeze([
  [0.267, 0.005, 0.329], [0.231, 0.322, 0.545], [0.129, 0.569, 0.549], [0.369, 0.788, 0.384], [0.993, 0.906, 0.144],
]);

/** Class colours of the change map, sRGB 0..1. */
export const CHANGE_COLOURS = Object.freeze({ none: [0.62, 0.62, 0.62], minor: [0.99, 0.68, 0.2], major: [0.84, 0.15, 0.12] });

/** sRGB colour (0..1) of the deviation map at t in [0, 1] (clamped), interpolated between the stops. */
export function deviationColour(t) {
  const n = DEVIATION_STOPS.length - 1;
  const x = Math.min(1, Math.max(0, t)) * n, i = Math.min(n - 1, Math.floor(x)), f = x - i;
  return DEVIATION_STOPS[i].map((a, k) => a + (DEVIATION_STOPS[i + 1][k] - a) * f);
}

/** The change class of a signed change `c` (model units) for limits {minor, major}: "none" | "minor" | "major". */
export function changeClass(c, { minor, major }) {
  const a = Math.abs(c);
  return a >= major ? "major" : a >= minor ? "minor" : "none";
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
 * float major)`, returning sRGB colours (the caller converts to linear), from the same tables.
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
vec3 vtourChangeColour(float c, float minor, float major) {
  float a = abs(c);
  return a >= major ? ${vec(CHANGE_COLOURS.major)} : a >= minor ? ${vec(CHANGE_COLOURS.minor)} : ${vec(CHANGE_COLOURS.none)};
}
`;
}
