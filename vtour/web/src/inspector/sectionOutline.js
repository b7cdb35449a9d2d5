/**
 * The section tool's geometry, on plain arrays (no three.js).
 *
 * Conventions (pinned by tests/js/inspector_tools_section.test.mjs):
 *  - A section is `{normal: unit [x,y,z], offset}` in WORLD coordinates: the plane n.x = offset.
 *    The side the normal points to (n.x > offset) is cut away; n.x <= offset stays. three.js keeps
 *    what has `plane.distanceToPoint(x) >= 0`, so the clipping plane is `Plane(-n, offset)`.
 *  - The normal from angles (degrees): azimuth about +Y from +X towards +Z, elevation towards +Y:
 *    n = [cos(el) cos(az), sin(el), cos(el) sin(az)]. X = (0, 0), Z = (90, 0), Y = (any, 90).
 *  - The section seen on paper: looking at the cut face from the removed side (along -n), with
 *    `u` to the right and `v` up: v is world +Y made perpendicular to n (world -Z when n is nearly
 *    vertical), u = v x n. A section with n = +Z is the front view: u = +X, v = +Y.
 */
import { cross, dot, norm } from "./measureMath.js";

const DEG = Math.PI / 180;

/** Unit normal from azimuth and elevation in degrees (module comment). */
export function normalFromAngles(azimuth, elevation) {
  const a = azimuth * DEG, e = elevation * DEG;
  return [Math.cos(e) * Math.cos(a), Math.sin(e), Math.cos(e) * Math.sin(a)].map((v) => (Math.abs(v) < 1e-15 ? 0 : v));
}

/** `{azimuth in [0, 360), elevation in [-90, 90]}` of a normal (any length but zero), in degrees. */
export function anglesFromNormal(n) {
  const len = norm(n);
  const elevation = Math.asin(Math.max(-1, Math.min(1, n[1] / len))) / DEG;
  const flat = Math.hypot(n[0], n[2]);
  const azimuth = flat < 1e-12 * len ? 0 : ((Math.atan2(n[2], n[0]) / DEG) % 360 + 360) % 360;
  return { azimuth, elevation };
}

/** `{u, v}`: the paper axes of a section with normal `n` (module comment). */
export function planeBasis(n) {
  const up = Math.abs(n[1]) > 0.99 ? [0, 0, -1] : [0, 1, 0];
  const v0 = up.map((c, i) => c - dot(up, n) * n[i]);
  const v = v0.map((c) => c / norm(v0));
  return { u: cross(v, n), v };
}

/** Lexicographic order of two points: an edge is always cut from its first point (bit-identical results). */
function before(ax, ay, az, bx, by, bz) {
  return ax < bx || (ax === bx && (ay < by || (ay === by && az <= bz)));
}

/**
 * Where the plane n.x = offset cuts a triangle mesh.
 *
 * @param {Float32Array|Float64Array|number[]} positions  (n * 3) world coordinates
 * @param {Uint32Array|Uint16Array|number[]|null} index  (m * 3) vertex indices, or null for a
 *   triangle soup (every three positions a triangle)
 * @returns {number[]} segments, 6 numbers each (two world points); a triangle edge lying in the plane
 *   is given once, by the triangle on the kept side. A vertex exactly on the plane counts as on the
 *   removed side, so a triangle touching the plane at one vertex only gives nothing.
 */
export function sectionSegments(positions, index, normal, offset) {
  const [nx, ny, nz] = normal;
  const count = index ? index.length : positions.length / 3;
  const vertexCount = positions.length / 3;
  const d = new Float64Array(vertexCount);
  for (let i = 0; i < vertexCount; i++) d[i] = nx * positions[3 * i] + ny * positions[3 * i + 1] + nz * positions[3 * i + 2] - offset;
  const out = [];
  const cut = (a, b) => {  // the crossing point on edge a-b, into out
    if (d[a] === 0 || d[b] === 0) {
      const on = d[a] === 0 ? a : b;
      out.push(positions[3 * on], positions[3 * on + 1], positions[3 * on + 2]);
      return;
    }
    const pa = [positions[3 * a], positions[3 * a + 1], positions[3 * a + 2]];
    const pb = [positions[3 * b], positions[3 * b + 1], positions[3 * b + 2]];
    const [p, q, dp, dq] = before(...pa, ...pb) ? [pa, pb, d[a], d[b]] : [pb, pa, d[b], d[a]];
    const t = dp / (dp - dq);
    out.push(p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]), p[2] + t * (q[2] - p[2]));
  };
  for (let f = 0; f < count; f += 3) {
    const a = index ? index[f] : f, b = index ? index[f + 1] : f + 1, c = index ? index[f + 2] : f + 2;
    const sa = d[a] < 0, sb = d[b] < 0, sc = d[c] < 0;  // true: strictly on the kept side
    if (sa === sb && sb === sc) continue;
    const start = out.length;
    if (sa !== sb) cut(a, b);
    if (sb !== sc) cut(b, c);
    if (sc !== sa) cut(c, a);
    const s = out.slice(start);
    if (s[0] === s[3] && s[1] === s[4] && s[2] === s[5]) out.length = start;  // touches at a vertex only
  }
  return out;
}

/**
 * Joins segments into polylines: endpoints closer than `tolerance` (world units) are one point.
 *
 * @param {number[]} segments  6 numbers per segment
 * @returns {{points: number[][], closed: boolean}[]} a closed loop does not repeat its first point
 */
export function joinSegments(segments, tolerance) {
  const cell = tolerance > 0 ? tolerance : 1e-12;
  const grid = new Map(), points = [];
  const vertex = (x, y, z) => {  // the id of the point within tolerance, made if none
    const gx = Math.floor(x / cell), gy = Math.floor(y / cell), gz = Math.floor(z / cell);
    for (let i = -1; i <= 1; i++) for (let j = -1; j <= 1; j++) for (let k = -1; k <= 1; k++) {
      for (const id of grid.get(`${gx + i},${gy + j},${gz + k}`) || []) {
        const p = points[id];
        if (Math.abs(p[0] - x) <= tolerance && Math.abs(p[1] - y) <= tolerance && Math.abs(p[2] - z) <= tolerance) return id;
      }
    }
    const key = `${gx},${gy},${gz}`;
    if (!grid.has(key)) grid.set(key, []);
    grid.get(key).push(points.length);
    points.push([x, y, z]);
    return points.length - 1;
  };
  const edges = [], byVertex = new Map();
  for (let s = 0; s < segments.length; s += 6) {
    const a = vertex(segments[s], segments[s + 1], segments[s + 2]);
    const b = vertex(segments[s + 3], segments[s + 4], segments[s + 5]);
    if (a === b) continue;
    const e = edges.length;
    edges.push([a, b]);
    for (const v of [a, b]) { if (!byVertex.has(v)) byVertex.set(v, []); byVertex.get(v).push(e); }
  }
  const used = new Uint8Array(edges.length);
  const next = (v) => {  // an unused edge at v, marked used, and its other end
    for (const e of byVertex.get(v)) if (!used[e]) { used[e] = 1; return edges[e][0] === v ? edges[e][1] : edges[e][0]; }
    return -1;
  };
  const out = [];
  for (let e = 0; e < edges.length; e++) {
    if (used[e]) continue;
    used[e] = 1;
    const chain = [edges[e][0], edges[e][1]];
    for (let v = next(chain[chain.length - 1]); v >= 0; v = next(v)) {
      if (v === chain[0]) { chain.push(v); break; }
      chain.push(v);
    }
    const closed = chain.length > 3 && chain[chain.length - 1] === chain[0];
    if (closed) chain.pop();
    else for (let v = next(chain[0]); v >= 0; v = next(v)) chain.unshift(v);  // grow backwards too
    out.push({ points: chain.map((id) => points[id]), closed });
  }
  return out;
}

/** Polylines' world points -> paper coordinates [u, v] (world units) in the plane's basis. */
export function toPaper(polylines, normal) {
  const { u, v } = planeBasis(normal);
  return polylines.map((l) => ({ closed: l.closed, points: l.points.map((p) => [dot(p, u), dot(p, v)]) }));
}

/** Tolerance for joining: a millionth of the extent of the points. */
export function joinTolerance(segments) {
  let lo = Infinity, hi = -Infinity;
  for (const c of segments) { if (c < lo) lo = c; if (c > hi) hi = c; }
  return segments.length ? Math.max(hi - lo, 1e-9) * 1e-6 : 1e-9;
}
