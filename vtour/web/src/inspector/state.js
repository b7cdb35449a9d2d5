/**
 * The inspector's state, plain data: what the URL, the Panel app and the controls all carry.
 *
 *   {mode: one of MODES,
 *    light: {azimuth: deg [0, 360), elevation: deg [-90, 90], ambient: [0, 2], exposure: [0.1, 4], shadows: bool},
 *    section: null | {normal: [x, y, z] (unit, world), offset: world units},
 *    camera: null | {position: [x, y, z], target: [x, y, z], fov: deg} (world = glTF metres when units are known),
 *    finest: bool, compare: bool, previous: index of the previous scan compared / mapped,
 *    changeLimits: null | {minor, major} (model units; null: the tour's)}
 *
 * Light angles are in the model's frame: azimuth 0 lights from +Z (the side the camera opens on), 90 from +X;
 * elevation 90 from straight above (+Y). normalizeState clamps numbers into their bounds, so the inspector
 * never holds a value its controls cannot show; a mode that is not one of MODES is an error.
 * The URL hash form (parseInspectorParams / inspectorParams) is
 *   model=<id>&mode=clay&light=az,el,amb,exp,shadow&cam=px,py,pz,tx,ty,tz,fov&section=nx,ny,nz,d&finest=1&compare=1
 *   &prev=j&limits=minor,major
 * (prev: the previous scan of the change map, written when not the first; limits: the change limits in model
 * units, written whenever the state has them, so a link shows the classes its sender saw).
 */

export const MODES = Object.freeze(["textured", "clay", "normals", "wireframe", "xray", "deviation", "change"]);

/** Bounds of the light's numbers: [min, max]. */
export const LIGHT_BOUNDS = Object.freeze({ azimuth: [0, 360], elevation: [-90, 90], ambient: [0, 2], exposure: [0.1, 4] });

/** A raking-enough key light from the front left, a little fill, no shadows. */
export const DEFAULT_LIGHT = Object.freeze({ azimuth: 35, elevation: 30, ambient: 0.35, exposure: 1, shadows: false });

export const DEFAULT_STATE = Object.freeze({
  mode: "textured", light: DEFAULT_LIGHT, section: null, camera: null, finest: false, compare: false, previous: 0,
  changeLimits: null,
});

const clamp = (v, [lo, hi]) => Math.min(hi, Math.max(lo, v));
const finite = (v) => typeof v === "number" && Number.isFinite(v);
const vec3 = (v) => Array.isArray(v) && v.length === 3 && v.every(finite);

/** The light `partial` over `base`, each number clamped (azimuth wrapped into [0, 360)). */
export function normalizeLight(partial = {}, base = DEFAULT_LIGHT) {
  const out = { ...base };
  for (const k of ["azimuth", "elevation", "ambient", "exposure"]) if (finite(partial[k])) out[k] = partial[k];
  if (typeof partial.shadows === "boolean") out.shadows = partial.shadows;
  out.azimuth = ((out.azimuth % 360) + 360) % 360;
  for (const k of ["elevation", "ambient", "exposure"]) out[k] = clamp(out[k], LIGHT_BOUNDS[k]);
  return out;
}

/**
 * `partial` applied over `base` (default DEFAULT_STATE): unknown keys ignored, numbers clamped, malformed
 * camera / section / limits ignored; a null mode, flag or previous keeps the base's (null camera, section or
 * limits clears them). Throws on a mode that is not one of MODES (a caller's bug, named).
 */
export function normalizeState(partial = {}, base = DEFAULT_STATE) {
  const out = { ...base };
  if (partial.mode != null) {   // null, like undefined: keep the mode (the Panel app sends null for "unset")
    if (!MODES.includes(partial.mode)) {
      throw new Error(`Inspector: mode ${JSON.stringify(partial.mode)} is not one of ${MODES.join(", ")}`);
    }
    out.mode = partial.mode;
  }
  if (partial.light) out.light = normalizeLight(partial.light, base.light);
  if (partial.section === null) out.section = null;
  else if (partial.section && vec3(partial.section.normal) && finite(partial.section.offset)) {
    const n = partial.section.normal, len = Math.hypot(...n);
    if (len > 0) out.section = { normal: n.map((x) => x / len), offset: partial.section.offset };
  }
  if (partial.camera === null) out.camera = null;
  else if (partial.camera && vec3(partial.camera.position) && vec3(partial.camera.target)) {
    const fov = finite(partial.camera.fov) ? clamp(partial.camera.fov, [1, 120]) : base.camera?.fov ?? 40;
    out.camera = { position: [...partial.camera.position], target: [...partial.camera.target], fov };
  }
  for (const k of ["finest", "compare"]) if (typeof partial[k] === "boolean") out[k] = partial[k];
  if (Number.isInteger(partial.previous) && partial.previous >= 0) out.previous = partial.previous;
  if (partial.changeLimits === null) out.changeLimits = null;
  else if (partial.changeLimits && finite(partial.changeLimits.minor) && finite(partial.changeLimits.major)) {
    const minor = Math.max(0, partial.changeLimits.minor);
    out.changeLimits = { minor, major: Math.max(minor, partial.changeLimits.major) };
  }
  return out;
}

const numbers = (text, n) => {
  if (typeof text !== "string") return null;
  const parts = text.split(",");
  if (parts.length !== n || parts.some((p) => p.trim() === "")) return null;
  const values = parts.map(Number);
  return values.every(Number.isFinite) ? values : null;
};

/**
 * The inspector's part of a hash's parameters (URLSearchParams): {model, mode, light, camera, section, finest,
 * compare, previous, changeLimits}, each undefined when absent or malformed (a mode not in MODES, a prev that is
 * not a whole number >= 0, negative limits or a major below the minor included); nothing when no model.
 */
export function parseInspectorParams(q) {
  const model = q.get("model");
  if (!model) return undefined;
  const out = { model };
  if (MODES.includes(q.get("mode"))) out.mode = q.get("mode");
  const l = numbers(q.get("light"), 5);
  if (l) out.light = normalizeLight({ azimuth: l[0], elevation: l[1], ambient: l[2], exposure: l[3], shadows: l[4] !== 0 });
  const c = numbers(q.get("cam"), 7);
  if (c) out.camera = { position: c.slice(0, 3), target: c.slice(3, 6), fov: c[6] };
  const s = numbers(q.get("section"), 4);
  if (s && Math.hypot(s[0], s[1], s[2]) > 0) out.section = { normal: s.slice(0, 3), offset: s[3] };
  if (q.get("finest") === "1") out.finest = true;
  if (q.get("compare") === "1") out.compare = true;
  const prev = q.get("prev");
  if (prev !== null && /^\d+$/.test(prev)) out.previous = Number(prev);
  const lim = numbers(q.get("limits"), 2);
  if (lim && lim[0] >= 0 && lim[1] >= lim[0]) out.changeLimits = { minor: lim[0], major: lim[1] };
  return out;
}

/** Six significant digits, without trailing zeros: what a URL needs to bring a view back. */
const short = (v) => String(Number(v.toPrecision(6)));

/** The inspector's hash parameters, in order, as [key, value] pairs (for URLSearchParams); absent parts left out. */
export function inspectorParams(state) {
  const out = [["model", state.model]];
  if (state.mode) out.push(["mode", state.mode]);
  const l = state.light;
  if (l) out.push(["light", [l.azimuth, l.elevation, l.ambient, l.exposure].map(short).concat(l.shadows ? "1" : "0").join(",")]);
  const c = state.camera;
  if (c) out.push(["cam", [...c.position, ...c.target, c.fov].map(short).join(",")]);
  if (state.section) out.push(["section", [...state.section.normal, state.section.offset].map(short).join(",")]);
  if (state.finest) out.push(["finest", "1"]);
  if (state.compare) out.push(["compare", "1"]);
  if (Number.isInteger(state.previous) && state.previous > 0) out.push(["prev", String(state.previous)]);
  const lim = state.changeLimits;
  if (lim && Number.isFinite(lim.minor) && Number.isFinite(lim.major)) out.push(["limits", [lim.minor, lim.major].map(short).join(",")]);
  return out;
}
