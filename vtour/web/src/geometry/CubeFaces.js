/**
 * The cube geometry vtour shares with Marzipano, Pannellum and krpano (vtour/conventions.py):
 * y up, front = -Z, right = +X; f, b, l, r upright seen from the centre; u's bottom edge meets f;
 * d's top edge meets f. Face coordinates (u, v) in [-1, 1], u to the right, v down the image.
 */

/** Face letters in preview-strip order (b d f l r u). */
export const FACES = ["b", "d", "f", "l", "r", "u"];

/**
 * Unnormalised direction [x, y, z] of face coordinates (u, v); the dominant axis is exactly +-1.
 * @param {string} face one of FACES
 * @param {number} u column coordinate in [-1, 1], right positive
 * @param {number} v row coordinate in [-1, 1], down positive
 */
export function faceDirection(face, u, v) {
  switch (face) {
    case "f": return [u, -v, -1];
    case "b": return [-u, -v, 1];
    case "r": return [1, -v, u];
    case "l": return [-1, -v, -u];
    case "u": return [u, 1, -v];
    case "d": return [u, -1, v];
    default: throw new Error(`CubeFaces: unknown face ${JSON.stringify(face)}; expected one of ${FACES.join(" ")}`);
  }
}

/**
 * Corner positions and UVs of the rectangle [u0, u1] x [v0, v1] of a face, as two triangles.
 * UV (0, 0) is the image's top-left pixel: textures are uploaded without a flip.
 * @returns {{positions: Float32Array, uvs: Float32Array}}
 */
export function faceQuad(face, u0, v0, u1, v1, uvInset = [0, 0, 1, 1]) {
  const [s0, t0, s1, t1] = uvInset;
  const corners = [[u0, v0, s0, t0], [u1, v0, s1, t0], [u1, v1, s1, t1], [u0, v1, s0, t1]];
  const positions = new Float32Array(18);
  const uvs = new Float32Array(12);
  [0, 1, 2, 0, 2, 3].forEach((c, i) => {
    const [u, v, s, t] = corners[c];
    positions.set(faceDirection(face, u, v), 3 * i);
    uvs.set([s, t], 2 * i);
  });
  return { positions, uvs };
}

/** Yaw and pitch (degrees, vtour's convention) of a direction. */
export function directionToYawPitch(x, y, z) {
  return [Math.atan2(x, -z) * 180 / Math.PI, Math.atan2(y, Math.hypot(x, z)) * 180 / Math.PI];
}

/** Unit direction of a view angle in degrees: (cos p sin y, sin p, -cos p cos y). */
export function yawPitchToDirection(yawDeg, pitchDeg) {
  const y = yawDeg * Math.PI / 180, p = pitchDeg * Math.PI / 180;
  return [Math.cos(p) * Math.sin(y), Math.sin(p), -Math.cos(p) * Math.cos(y)];
}
