/**
 * Detail on demand: which level of detail the view needs.
 *
 * A level is worth showing while its triangles stay larger than a screen pixel: about half a closed model's
 * triangles face the camera, so the level that is enough covers the projected disc of the model's bounding
 * sphere with TRIANGLES_PER_PIXEL visible triangles per device pixel, i.e. has
 *   triangles >= 2 * TRIANGLES_PER_PIXEL * pi * r_px^2
 * (r_px: the sphere's projected radius in device pixels). Finer geometry than that is not seen, only paid for.
 */

/** Visible triangles per device pixel at which refining stops. */
export const TRIANGLES_PER_PIXEL = 1;

/**
 * Projected radius (device px) of a sphere of `radius` whose centre is `distance` from a perspective camera
 * of vertical field of view `fovDeg` drawing `heightPx` device pixels high; Infinity inside the sphere.
 */
export function projectedRadiusPx(radius, distance, fovDeg, heightPx) {
  if (!(radius > 0)) return 0;
  if (distance <= radius) return Infinity;
  const half = Math.asin(radius / distance);  // half the angle the sphere subtends
  return (heightPx / 2) * Math.tan(half) / Math.tan((fovDeg * Math.PI) / 360);
}

/** Triangles a model needs at projected radius `radiusPx` (see the module's comment). */
export function trianglesWanted(radiusPx) {
  return 2 * TRIANGLES_PER_PIXEL * Math.PI * radiusPx * radiusPx;
}

/**
 * Index of the level to show: the coarsest of the allowed levels (triangles <= maxTriangles, textureSize <=
 * maxTexture) with at least `wanted` triangles, else the finest allowed one; 0 when none is allowed.
 * `lods` are coarse to fine ({triangles, textureSize}).
 */
export function chooseLevel(lods, wanted, { maxTriangles = Infinity, maxTexture = Infinity } = {}) {
  let best = 0;
  for (const [i, lod] of lods.entries()) {
    if ((lod.triangles ?? 0) > maxTriangles || (lod.textureSize ?? 0) > maxTexture) continue;
    best = i;
    if ((lod.triangles ?? 0) >= wanted) break;
  }
  return best;
}

/** Largest texture edge the automatic choice picks: 4k textures crash iOS browsers (NOTES.md). */
export const MODEL_MAX_TEXTURE = 2048;
/** Largest triangle count the automatic choice picks in a visitor's view ("Finest level" ignores it). */
export const MODEL_MAX_TRIANGLES = 1_500_000;
