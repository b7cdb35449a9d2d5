/**
 * A panorama's level list (Marzipano's layout): validation and the level that matches a screen.
 *
 * Rules (same as Marzipano's CubeGeometry): square tiles, size % tileSize == 0, each size a multiple
 * of the one before. Levels flagged fallbackOnly (the 256 px preview level) are never selected.
 */

/** Largest texture edge the viewer ever creates, whatever the GPU allows (phones crash above it). */
export const MAX_TEXTURE_SIZE = 4096;

export class Levels {
  /**
   * @param {Array<{size: number, tileSize: number, fallbackOnly?: boolean}>} levels coarse to fine
   * @param {number} [maxTextureSize=4096] levels whose tiles are larger are skipped
   */
  constructor(levels, maxTextureSize = MAX_TEXTURE_SIZE) {
    if (!Array.isArray(levels) || levels.length === 0) throw new Error("Levels: no levels given");
    levels.forEach((lv, i) => {
      if (!(lv.size > 0 && lv.tileSize > 0) || lv.size % lv.tileSize !== 0) {
        throw new Error(`Levels: level ${i} size ${lv.size} is not a multiple of its tileSize ${lv.tileSize}`);
      }
      if (i > 0 && lv.size % levels[i - 1].size !== 0) {
        throw new Error(`Levels: level ${i} size ${lv.size} is not a multiple of level ${i - 1} size ${levels[i - 1].size}`);
      }
    });
    this.all = levels.map((lv, z) => ({ z, size: lv.size, tileSize: lv.tileSize, tiles: lv.size / lv.tileSize,
                                        fallbackOnly: !!lv.fallbackOnly }));
    this.selectable = this.all.filter((lv) => !lv.fallbackOnly && lv.tileSize <= Math.min(maxTextureSize, MAX_TEXTURE_SIZE));
    if (this.selectable.length === 0) throw new Error("Levels: every level is fallbackOnly or has tiles over the texture limit");
  }

  /**
   * The coarsest level whose texel density reaches the screen's: a face of `size` px spans 2 units of
   * tan, the screen `heightPx` device px spans 2 tan(fov/2); so size * tan(fov/2) >= heightPx.
   * @param {number} fovDeg vertical field of view
   * @param {number} heightPx viewport height in device pixels
   */
  select(fovDeg, heightPx) {
    const t = Math.tan(fovDeg * Math.PI / 360);
    for (const lv of this.selectable) if (lv.size * t >= heightPx) return lv;
    return this.selectable[this.selectable.length - 1];
  }
}
