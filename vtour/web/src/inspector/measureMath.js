/**
 * The measure tool's arithmetic, on plain arrays (no three.js): points are [x, y, z] in WORLD (glTF)
 * coordinates, which are metres when the model's units are known. A length shown to a conservator is
 * in the MODEL's units: world length x `unitsPerMetre` (1000 for mm; 1 when the units are unknown,
 * the glTF then being written at one world unit per model unit).
 *
 * A measurement is `{kind, points, plane?, value}`:
 *  - "distance": two points; value = |b - a|;
 *  - "polyline": two or more points; value = the sum of its segments;
 *  - "height": one point and the reference plane `{normal: unit [x,y,z], point}`; value = the signed
 *    distance of the point above the plane (positive on the normal's side).
 * `value` is in model units.
 */

import { formatLength } from "./format.js";

/** The kinds of measurement, as named in exports. */
export const MEASURE_KINDS = ["distance", "polyline", "height"];

export function sub(a, b) { return [a[0] - b[0], a[1] - b[1], a[2] - b[2]]; }
export function dot(a, b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
export function cross(a, b) { return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]; }
export function norm(a) { return Math.hypot(a[0], a[1], a[2]); }

/** Distance between two points (world units). */
export function distance(a, b) { return norm(sub(b, a)); }

/** Length of the polyline through `points` (world units); 0 for fewer than two points. */
export function polylineLength(points) {
  let sum = 0;
  for (let i = 1; i < points.length; i++) sum += distance(points[i - 1], points[i]);
  return sum;
}

/**
 * The plane through three points as `{normal (unit), point}`, the normal by the right-hand rule
 * (a -> b -> c counter-clockwise seen from its side). Throws when the points are (nearly) collinear:
 * their triangle's area is below 1e-9 of the squared longest side.
 */
export function planeFromPoints(a, b, c) {
  const n = cross(sub(b, a), sub(c, a));
  const longest = Math.max(distance(a, b), distance(b, c), distance(c, a));
  const len = norm(n);
  if (!(len > 1e-9 * longest * longest)) {
    throw new Error("measureMath: the three points picked for the plane are in one line; pick three points that span a triangle");
  }
  return { normal: n.map((v) => v / len), point: a.slice() };
}

/** The plane through `point` with normal `normal` (any length but zero). */
export function planeFromPointNormal(point, normal) {
  const len = norm(normal);
  if (!(len > 0)) throw new Error("measureMath: the surface normal at the picked point is zero; pick another point");
  return { normal: normal.map((v) => v / len), point: point.slice() };
}

/** Signed distance of `p` above `plane` (world units; positive on the normal's side). */
export function heightAbovePlane(plane, p) { return dot(sub(p, plane.point), plane.normal); }

/** The foot of `p` on `plane`: where its height is measured from. */
export function projectOnPlane(plane, p) {
  const h = heightAbovePlane(plane, p);
  return [p[0] - h * plane.normal[0], p[1] - h * plane.normal[1], p[2] - h * plane.normal[2]];
}

/** A measurement's value in world units (see the module comment). */
export function measureValue(m) {
  if (m.kind === "distance") return distance(m.points[0], m.points[1]);
  if (m.kind === "polyline") return polylineLength(m.points);
  if (m.kind === "height") return heightAbovePlane(m.plane, m.points[0]);
  throw new Error(`measureMath: unknown measurement kind ${JSON.stringify(m.kind)}; use one of ${MEASURE_KINDS.join(", ")}`);
}

/** Significant digits of a measurement shown (a 200 mm span to 0.1 mm: well inside the 0.5 % asked). */
export const MEASURE_DIGITS = 4;

/**
 * A length in WORLD units as the measure tool shows it: converted to model units, then format.js's formatLength
 * (the one formatter of lengths: a metre model's 0.0004 m is "0.4 mm", never "0.000 m"), MEASURE_DIGITS
 * significant digits, "(units unknown)" (`unknownText`, translated by the caller) when the units are unknown.
 */
export function formatWorldLength(world, { units, unitsPerMetre }, unknownText = "units unknown") {
  return formatLength(world * unitsPerMetre, units || "unknown", unknownText, MEASURE_DIGITS);
}

/** Rounds world coordinates for export: 9 significant digits are below a micrometre on a 100 m site. */
function round(v) { return Number(v.toPrecision(9)); }

/**
 * The level a measurement was made on, for export: `{level (1-based), levels, path, triangles, hausdorff (model
 * units) | null}`, or null when unknown. `level` is toolKit.js levelOf's object ({index 0-based, count, ...}).
 */
export function exportedLevel(level) {
  if (!level) return null;
  return { level: level.index + 1, levels: level.count, path: level.path ?? null, triangles: level.triangles ?? null,
           hausdorff: Number.isFinite(level.hausdorff) ? round(level.hausdorff) : null };
}

/**
 * Measurements as a plain JSON document: `{units, measurements: [{index, kind, value, points (model units),
 * plane?, level}]}`. Points and planes are exported in MODEL units (world x unitsPerMetre), the same units as
 * the values, so a spreadsheet can check them; `level` (exportedLevel) is the level on screen when the
 * measurement was made (`m.level`): its points lie on that level's surface, within its Hausdorff distance of
 * the scan.
 */
export function measurementsToJson(measurements, { units, unitsPerMetre }) {
  const scale = (p) => p.map((v) => round(v * unitsPerMetre));
  return {
    units: units || "unknown",
    measurements: measurements.map((m, i) => ({
      index: i + 1,
      kind: m.kind,
      value: round(measureValue(m) * unitsPerMetre),
      points: m.points.map(scale),
      ...(m.plane ? { plane: { normal: m.plane.normal.map(round), point: scale(m.plane.point) } } : {}),
      level: exportedLevel(m.level),
    })),
  };
}

/**
 * Measurements as CSV (RFC 4180, CRLF): one row per point; columns index, kind, value, units, point, x, y, z
 * (model units), then the level measured on: level, levels, level_path, triangles, hausdorff (model units; empty
 * when unknown). The value and the level are repeated on each of a measurement's rows.
 */
export function measurementsToCsv(measurements, { units, unitsPerMetre }) {
  const rows = [["index", "kind", "value", "units", "point", "x", "y", "z", "level", "levels", "level_path", "triangles",
                 "hausdorff"]];
  for (const m of measurementsToJson(measurements, { units, unitsPerMetre }).measurements) {
    const l = m.level ?? {};
    const level = [l.level, l.levels, l.path, l.triangles, l.hausdorff].map((v) => v ?? "");
    m.points.forEach((p, j) => rows.push([m.index, m.kind, m.value, units || "unknown", j + 1, ...p, ...level]));
  }
  const cell = (v) => (/[",\r\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return rows.map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}
