/**
 * Where one panorama's images are: its tiles, through a URL template, and its preview strip.
 * Like Marzipano's `ImageUrlSource.fromString`, the source owns the template: `{z}` (level, 0 =
 * coarsest), `{f}` (face letter, b d f l r u), `{y}` (row) and `{x}` (column) are filled in, every
 * occurrence, then the path is resolved against `baseUrl`. The template comes from tour.json's
 * `panorama.tiles` (written from vtour/conventions.py tile_template), so the viewer never restates it,
 * nor its extension (.jpg, .webp, .avif: whatever the tiles are, createImageBitmap decodes them).
 *
 * Filled before resolving, not after: a URL parser percent-encodes `{` and `}` in a path.
 */
const PLACEHOLDER = /\{([zfyx])\}/g;

export class TileUrlSource {
  /**
   * @param {(z: number, f: string, y: number, x: number) => string} tileUrl absolute URL of one tile
   * @param {string} previewUrl absolute URL of the 6-face preview strip
   */
  constructor(tileUrl, previewUrl) {
    this.tileUrl = tileUrl;
    this.previewUrl = previewUrl;
  }

  /**
   * @param {string} template tile path with {z}, {f}, {y} and {x}, relative to `baseUrl` (or absolute)
   * @param {{baseUrl: string, previewUrl: string}} options `previewUrl` relative to `baseUrl` too
   */
  static fromString(template, { baseUrl, previewUrl }) {
    if (typeof template !== "string") {
      throw new Error(`TileUrlSource: no tile template (tour.json's panorama.tiles), got ${JSON.stringify(template)}`);
    }
    const missing = ["z", "f", "y", "x"].filter((k) => !template.includes(`{${k}}`));
    if (missing.length) {
      throw new Error(`TileUrlSource: tile template ${JSON.stringify(template)} lacks ${missing.map((k) => `{${k}}`).join(", ")}`);
    }
    if (typeof previewUrl !== "string") {
      throw new Error(`TileUrlSource: no preview (tour.json's panorama.preview), got ${JSON.stringify(previewUrl)}`);
    }
    const tileUrl = (z, f, y, x) => {
      const tile = { z, f, y, x };
      return new URL(template.replace(PLACEHOLDER, (_, k) => String(tile[k])), baseUrl).href;
    };
    return new TileUrlSource(tileUrl, new URL(previewUrl, baseUrl).href);
  }
}
