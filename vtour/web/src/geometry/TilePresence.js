/**
 * Which tiles of a panorama exist: a partial panorama leaves out the tiles wholly outside its
 * coverage, and tour.json's `panorama.present` says which are there (vtour/pano/manifest.py):
 * per level z, per face letter, `true` (every tile), `false` (none) or the base64 of the face's
 * n x n bit mask (bit y * n + x, row y from the top, most significant bit first). No `present`:
 * every tile exists. The viewer never requests a tile `has` denies; the preview strip (and any
 * coarser tile already drawn) shows there instead.
 */
import { FACES } from "./CubeFaces.js";

/** Bytes of a base64 string (atob: browsers and Node >= 16). */
function decodeBase64(text) {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export class TilePresence {
  /**
   * @param {Array<Object<string, boolean|string>>|undefined} present tour.json's panorama.present
   * @param {Array<{tiles: number}>} levels the Levels' `all` list (tiles per face side, coarse to fine)
   */
  constructor(present, levels) {
    this.complete = present == null;
    this.masks = [];  // per level: face -> true | false | Uint8Array of packed bits
    this.sides = levels.map((lv) => lv.tiles);
    if (this.complete) return;
    try {
      this.read(present, levels);
    } catch (err) {
      // a tampered or foreign tour.json: ask for every tile (a missing one just stays at the coarser level)
      console.warn(`TilePresence: ${err.message}; every tile is requested`);
      this.complete = true;
      this.masks = [];
    }
  }

  /** Fills `masks` from `present`; throws on a malformed one. */
  read(present, levels) {
    if (!Array.isArray(present) || present.length !== levels.length) {
      throw new Error(`TilePresence: present has ${Array.isArray(present) ? present.length : "no"} levels, expected ${levels.length}`);
    }
    present.forEach((entry, z) => {
      const n = levels[z].tiles;
      const faces = {};
      for (const f of FACES) {
        const value = entry?.[f] ?? true;
        if (typeof value === "boolean") { faces[f] = value; continue; }
        const bits = decodeBase64(value);
        if (bits.length !== Math.ceil(n * n / 8)) {
          throw new Error(`TilePresence: level ${z} face ${f} has ${bits.length} bytes, expected ${Math.ceil(n * n / 8)} for ${n} x ${n} tiles`);
        }
        faces[f] = bits;
      }
      this.masks.push(faces);
    });
  }

  /** Whether tile (z, face, y, x) exists. */
  has(z, face, y, x) {
    if (this.complete) return true;
    const m = this.masks[z]?.[face];
    if (typeof m === "boolean" || m === undefined) return m !== false;
    const i = y * this.sides[z] + x;
    return ((m[i >> 3] >> (7 - (i & 7))) & 1) === 1;
  }
}
