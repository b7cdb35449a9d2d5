import { EventEmitter } from "../EventEmitter.js";
import { FACES, faceQuad } from "../geometry/CubeFaces.js";
import { Levels } from "../geometry/Levels.js";
import { TilePresence } from "../geometry/TilePresence.js";
import { DEFAULT_CONCURRENCY, ImageLoader } from "../sources/ImageLoader.js";
import { TileCache } from "../sources/TileCache.js";

const FULL_UV = [0, 0, 1, 1];

/**
 * One scene's cube panorama as textured quads for PanoRenderer: the 6-face preview strip (drawn at
 * once, always under everything as the fallback level) and tiles {z}/{f}/{y}/{x} of the level
 * matching the screen, each tile its own quad and texture (clamp-to-edge, no mipmaps: tiles meet
 * without seams). Tiles of coarser levels stay under finer ones while those load. A partial
 * panorama's absent tiles (panorama.present, geometry/TilePresence.js) are never requested nor
 * waited for: the preview strip shows there. Tiles may be JPEG, WebP or AVIF (the template's
 * extension; createImageBitmap decodes each).
 *
 * Events: "preview" (first image ready), "tile" (key), "sharp" ({z}) when every tile of the selected
 * level in view is drawn, "error" (Error) once per tile that keeps failing (it is still asked for again,
 * with growing delays and when the browser is back online: sources/ImageLoader.js, so the view gets
 * sharp without reopening the scene). `stats` holds what tests and benchmarks read.
 *
 * Options: renderer (PanoRenderer, required: makes and deletes the textures), source (TileUrlSource,
 * required: the URLs of the tiles and of the preview), maxTextureSize (number, default 4096),
 * concurrency (number, default sources/ImageLoader.js DEFAULT_CONCURRENCY), cacheTiles (number,
 * default 256).
 */
export class TiledPanorama extends EventEmitter {
  constructor(panorama, { renderer, source, maxTextureSize = 4096, concurrency = DEFAULT_CONCURRENCY, cacheTiles = 256 }) {
    super();
    if (!renderer) throw new Error("TiledPanorama: no renderer given");
    if (!source) throw new Error("TiledPanorama: no source given");
    this.levels = new Levels(panorama.levels, maxTextureSize);
    this.present = new TilePresence(panorama.present, this.levels.all);
    this.renderer = renderer;
    this.source = source;
    this.order = 0;              // layers draw in increasing order (PanoRenderer)
    this.opacity = 1;
    this.preview = [];           // the fallback level: {face, rect, uv} per face, one texture
    this.visibleKeys = new Set();
    this.level = null;
    // absent: keys in view that the panorama lacks (never requested)
    this.stats = { requested: [], loaded: 0, bytes: 0, level: null, visible: [], absent: [], sharp: false, errors: [] };
    // key -> {texture, face, rect, uv, z, visible}
    this.cache = new TileCache({ capacity: cacheTiles, onEvict: (key, tile) => this.renderer.deleteTexture(tile.texture) });
    this.loader = new ImageLoader({
      concurrency,
      onLoad: (key, bitmap, bytes) => this._onTile(key, bitmap, bytes),
      onError: (key, err) => { this.stats.errors.push(key); this.emit("error", err); },
    });
    this.boxes = new Map(); // key -> [minX, minY, minZ, maxX, maxY, maxZ] of the tile quad (cheap frustum test)
  }

  /**
   * Loads and shows the preview strip (b d f l r u stacked vertically). Resolves when drawable.
   * @param {Promise<{bitmap: ImageBitmap, bytes: number}>} [fetched] the strip already asked for
   *   (sources/ImageLoader.js fetchImage), else it is fetched now
   */
  async loadPreview(fetched = null) {
    // the strip asked for early (a preload) may have failed: ask again, with retries
    const load = () => this.loader.loadNow(this.source.previewUrl);
    const { bitmap, bytes } = await (fetched ? fetched.catch(load) : load());
    if (this.disposed) { bitmap.close?.(); return; }
    this.stats.bytes += bytes;
    const size = bitmap.width, n = bitmap.height / size;
    if (n !== 6) {
      bitmap.close?.();
      throw new Error(`TiledPanorama: preview is ${bitmap.width} x ${bitmap.height}, expected 6 faces stacked`);
    }
    this.previewTexture = this.renderer.createTexture(bitmap);
    bitmap.close?.();
    // half-texel insets: bilinear filtering must not reach into the neighbouring face of the strip
    const ds = 0.5 / size, dt = 0.5 / (6 * size);
    this.preview = FACES.map((face, i) => ({ face, rect: [-1, -1, 1, 1], uv: [ds, i / 6 + dt, 1 - ds, (i + 1) / 6 - dt] }));
    this.emit("preview");
  }

  /**
   * Picks the level, shows loaded tiles in view and queues the missing ones, nearest the centre first.
   * @param {import("../views/Camera.js").Camera} camera pointed for this frame
   * @param {number} heightPx viewport height in device pixels
   */
  update(camera, heightPx) {
    const level = this.levels.select(camera.fov, heightPx);
    this.level = level;
    this.stats.level = level.z;
    const [fx, fy, fz] = camera.forward;
    const wanted = [];
    const visible = [];
    const absent = [];
    for (const face of FACES) {
      for (let y = 0; y < level.tiles; y++) {
        for (let x = 0; x < level.tiles; x++) {
          const key = `${level.z}/${face}/${y}/${x}`;
          const box = this._box(key, face, level.tiles, y, x);
          if (!camera.intersectsBox(box)) continue;
          if (!this.present.has(level.z, face, y, x)) { absent.push(key); continue; }  // the preview shows there
          visible.push(key);
          if (!this.cache.has(key)) {
            const cx = box[0] + box[3], cy = box[1] + box[4], cz = box[2] + box[5];
            wanted.push({ key, url: this.source.tileUrl(level.z, face, y, x),
                          d: -(cx * fx + cy * fy + cz * fz) / Math.hypot(cx, cy, cz) });
          }
        }
      }
    }
    wanted.sort((a, b) => a.d - b.d);
    this.visibleKeys = new Set(visible);
    this.stats.visible = visible;
    this.stats.absent = absent;
    // show every cached tile in view (coarser levels under finer ones); hide the rest
    for (const [key, tile] of [...this.cache.entries]) {
      tile.visible = camera.intersectsBox(this.boxes.get(key));
      if (tile.visible) this.cache.touch(key);
    }
    this.cache.evict(this.visibleKeys);
    this.loader.want(wanted);
    this._checkSharp();
  }

  /** 0..1; below 1 the panorama blends over what was drawn before (scene transitions). */
  setOpacity(opacity) { this.opacity = opacity; }

  /** Draws the preview, then the visible tiles coarse to fine (PanoRenderer calls it). */
  draw(program) {
    if (this.disposed || !this.previewTexture) return;
    for (const q of this.preview) program.draw(this.previewTexture, q.face, q.rect, q.uv, this.opacity);
    const tiles = [...this.cache.values()].filter((t) => t.visible).sort((a, b) => a.z - b.z);
    for (const t of tiles) program.draw(t.texture, t.face, t.rect, FULL_UV, this.opacity);
  }

  _box(key, face, n, y, x) {
    let box = this.boxes.get(key);
    if (!box) {
      const { positions } = faceQuad(face, -1 + 2 * x / n, -1 + 2 * y / n, -1 + 2 * (x + 1) / n, -1 + 2 * (y + 1) / n);
      box = [Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity];
      for (let i = 0; i < positions.length; i += 3) {
        for (let j = 0; j < 3; j++) {
          box[j] = Math.min(box[j], positions[i + j]);
          box[j + 3] = Math.max(box[j + 3], positions[i + j]);
        }
      }
      this.boxes.set(key, box);
    }
    return box;
  }

  _onTile(key, bitmap, bytes) {
    if (this.disposed) { bitmap.close?.(); return; }
    const [z, face, y, x] = key.split("/");
    const level = this.levels.all[+z];
    const n = level.tiles;
    const texture = this.renderer.createTexture(bitmap);
    bitmap.close?.();
    if (!texture) return;  // the WebGL context is lost: asked for again once the scene is reloaded
    this.cache.set(key, { texture, face, z: level.z, rect: [-1 + 2 * x / n, -1 + 2 * y / n, -1 + 2 * (+x + 1) / n, -1 + 2 * (+y + 1) / n],
                          visible: this.visibleKeys.has(key) || this.level?.z !== level.z });
    this.stats.requested.push(key);
    this.stats.loaded += 1;
    this.stats.bytes += bytes;
    this.emit("tile", key);
    this._checkSharp();
  }

  _checkSharp() {
    if (!this.level) return;
    const sharp = this.stats.visible.every((k) => this.cache.has(k));
    if (sharp && !this.stats.sharp) { this.stats.sharp = true; this.emit("sharp", { z: this.level.z }); }
    else if (!sharp) this.stats.sharp = false;
  }

  /**
   * The WebGL context was lost: its textures are gone (PanoRenderer ignores their deletion). Forgets them all;
   * nothing is drawn until the preview is loaded again (the viewer makes a new panorama), tiles are asked for again.
   */
  forgetTextures() {
    this.cache.clear();
    this.previewTexture = null;
    this.preview = [];
    this.stats.sharp = false;
  }

  dispose() {
    this.disposed = true;
    this.loader.dispose();
    this.cache.dispose();
    if (this.previewTexture) this.renderer.deleteTexture(this.previewTexture);
    this.previewTexture = null;
    this.preview = [];
    this.removeAllListeners();
  }
}
