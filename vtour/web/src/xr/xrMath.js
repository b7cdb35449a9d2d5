/**
 * The pure math of the WebXR mode (xr/PanoXR.js): no DOM, no WebGL, tested in tests/js/xr_math.test.mjs.
 *
 * Frames: WebXR's reference space and vtour's panorama share their axes (vtour/conventions.py: front = -Z,
 * right = +X, +Y up), but the panorama may be turned: `yawOffset` (degrees) is the panorama yaw seen when the
 * headset looks along the reference space's -Z (PanoXR takes the view's yaw when the session starts, so the
 * visitor keeps facing what was on screen). A direction d of the reference space is R_y(-yawOffset) d in the
 * panorama. The panorama is at infinity: poses' translations are dropped (only their rotation turns the view).
 * Matrices are column-major Float32Arrays, as WebXR gives them (XRView.projectionMatrix, XRRigidTransform.matrix).
 */
const DEG = Math.PI / 180;

/** The unit direction of (yaw, pitch), degrees (views/Camera.js's forward). */
export function directionOf(yaw, pitch) {
  const y = yaw * DEG, p = pitch * DEG;
  return [Math.cos(p) * Math.sin(y), Math.sin(p), -Math.cos(p) * Math.cos(y)];
}

/** {yaw (-180, 180], pitch [-90, 90]} in degrees of direction `d` (any length > 0). */
export function yawPitchOf(d) {
  const n = Math.hypot(d[0], d[1], d[2]) || 1;
  let yaw = Math.atan2(d[0], -d[2]) / DEG;
  if (yaw <= -180) yaw += 360;
  return { yaw, pitch: Math.asin(Math.max(-1, Math.min(1, d[1] / n))) / DEG };
}

/** Angle between two directions, degrees. */
export function angleBetween(a, b) {
  const na = Math.hypot(...a) || 1, nb = Math.hypot(...b) || 1;
  const c = (a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) / (na * nb);
  return Math.acos(Math.max(-1, Math.min(1, c))) / DEG;
}

/** Turns reference-space direction `d` into the panorama's (R_y(-yawOffset) d). */
export function toPanorama(d, yawOffset) {
  const a = -yawOffset * DEG, c = Math.cos(a), s = Math.sin(a);
  return [c * d[0] + s * d[2], d[1], -s * d[0] + c * d[2]];
}

/** The direction a pose points along (its -Z axis), in the reference space: the rotation of `matrix` only. */
export function poseForward(matrix) { return [-matrix[8], -matrix[9], -matrix[10]]; }

/** A target ray (pose matrix of XRInputSource.targetRaySpace, or the head's) as a panorama direction. */
export function rayDirection(matrix, yawOffset) { return toPanorama(poseForward(matrix), yawOffset); }

/**
 * The hotspot of `hotspots` ({yaw, pitch, ...}) nearest to direction `d` (panorama frame) within its hit radius
 * `maxDeg` (degrees: a number, or a function of the hotspot, e.g. its ring's radius plus a margin), as
 * {hotspot, angle}, or null. `filter(h)` keeps only some (default: all).
 */
export function pickHotspot(d, hotspots, maxDeg, filter = () => true) {
  let best = null;
  const radius = typeof maxDeg === "function" ? maxDeg : () => maxDeg;
  for (const h of hotspots || []) {
    if (!Number.isFinite(h?.yaw) || !Number.isFinite(h?.pitch) || !filter(h)) continue;
    const angle = angleBetween(d, directionOf(h.yaw, h.pitch));
    if (angle <= radius(h) && (!best || angle < best.angle)) best = { hotspot: h, angle };
  }
  return best;
}

/** The tangents of a projection's frustum edges: {left, right, bottom, top} (left and bottom negative). */
export function frustumTangents(p) {
  const a = p[0], b = p[8], c = p[5], d = p[9];
  return { left: (b - 1) / a, right: (b + 1) / a, bottom: (d - 1) / c, top: (d + 1) / c };
}

/** c = a * b, 4 x 4 column-major. */
export function multiply4(a, b, out = new Float32Array(16)) {
  for (let col = 0; col < 4; col++) {
    for (let row = 0; row < 4; row++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[4 * k + row] * b[4 * col + k];
      out[4 * col + row] = s;
    }
  }
  return out;
}

/**
 * Points `camera` (a views/Camera.js Camera, whose fields this overwrites: viewProj, ray, forward, right, up,
 * planes, yaw, pitch, fov, aspect) as an XR eye: `projection` (XRView.projectionMatrix, may be off-axis), `pose`
 * (XRView.transform.matrix: the eye in the reference space; its translation is ignored), `yawOffset` (degrees).
 * `fov` is the vertical field of view of the same pixel density at the centre (2 atan(1 / p[5])), for the tiles'
 * level choice. Returns `camera`.
 */
export function xrCamera(projection, pose, yawOffset, camera) {
  const m = pose;
  // eye -> panorama rotation: its columns are the eye's right, up and back
  const right = toPanorama([m[0], m[1], m[2]], yawOffset);
  const up = toPanorama([m[4], m[5], m[6]], yawOffset);
  const back = toPanorama([m[8], m[9], m[10]], yawOffset);
  const forward = back.map((v) => -v);
  const p = projection, a = p[0], b = p[8], c = p[5], d = p[9];
  // ray * (x, y, 1) = right * (x + b) / a + up * (y + d) / c + forward
  camera.ray.set([...right.map((v) => v / a), ...up.map((v) => v / c),
                  ...forward.map((v, i) => v + right[i] * b / a + up[i] * d / c)]);
  // view matrix: the inverse rotation (rows right, up, back), no translation
  const view = new Float32Array(16);
  for (let i = 0; i < 3; i++) { view[4 * i] = right[i]; view[4 * i + 1] = up[i]; view[4 * i + 2] = back[i]; }
  view[15] = 1;
  multiply4(p, view, camera.viewProj);
  const vp = camera.viewProj;
  const row = (k) => [vp[k], vp[4 + k], vp[8 + k], vp[12 + k]];
  const r0 = row(0), r1 = row(1), r2 = row(2), r3 = row(3);
  [[r0, -1], [r0, 1], [r1, 1], [r1, -1], [r2, -1], [r2, 1]].forEach(([rk, s], i) => {
    const pl = camera.planes[i];
    for (let j = 0; j < 4; j++) pl[j] = r3[j] + s * rk[j];
  });
  const { yaw, pitch } = yawPitchOf(forward);
  Object.assign(camera, { forward, right, up, yaw, pitch, fov: 2 * Math.atan(1 / c) / DEG, aspect: c / a });
  return camera;
}

/**
 * One symmetric projection covering every view of `projections` (both eyes), with 5 % to spare, near and far
 * of the first: the camera the tiles are chosen for, so that one panorama update serves both eyes. With the
 * eyes' viewport heights `heights` (px) it also gives `heightPx`: the height at which its fov has the eyes'
 * finest pixel density. Returns {projection, heightPx}.
 */
export function unionProjection(projections, heights) {
  let h = 0, v = 0, heightPx = 1;
  const tans = projections.map(frustumTangents);
  for (const t of tans) {
    h = Math.max(h, -t.left, t.right);
    v = Math.max(v, -t.bottom, t.top);
  }
  h *= 1.05; v *= 1.05;
  tans.forEach((t, i) => { heightPx = Math.max(heightPx, (heights[i] || 1) * 2 * v / (t.top - t.bottom)); });
  const p0 = projections[0], out = new Float32Array(16);
  out[0] = 1 / h; out[5] = 1 / v; out[10] = p0[10]; out[11] = -1; out[14] = p0[14];
  return { projection: out, heightPx: Math.round(heightPx) };
}
