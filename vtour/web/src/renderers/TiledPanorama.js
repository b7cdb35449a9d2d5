import * as THREE from "three";
import { EventEmitter } from "../EventEmitter.js";
import { FACES, faceQuad } from "../geometry/CubeFaces.js";
import { Levels } from "../geometry/Levels.js";
import { ImageLoader } from "../sources/ImageLoader.js";
import { TileCache } from "../sources/TileCache.js";

/**
 * One scene's cube panorama as three.js meshes: the 6-face preview strip (drawn at once, always
 * under everything as the fallback level) and tiles {z}/{f}/{y}/{x} of the level matching the screen,
 * each tile its own quad and texture (clamp-to-edge, no mipmaps: tiles meet without seams).
 *
 * Events: "preview" (first image ready), "tile" (key), "sharp" ({z}) when every tile of the selected
 * level in view is drawn, "error" (Error). `stats` holds what tests and benchmarks read.
 *
 * Options: tileUrl(z, f, y, x) -> URL (required), previewUrl (string, required), maxTextureSize
 * (number, default 4096), concurrency (number, default 4), cacheTiles (number, default 256).
 */
export class TiledPanorama extends EventEmitter {
  constructor(panorama, { tileUrl, previewUrl, maxTextureSize = 4096, concurrency = 4, cacheTiles = 256 }) {
    super();
    this.levels = new Levels(panorama.levels, maxTextureSize);
    this.tileUrl = tileUrl;
    this.previewUrl = previewUrl;
    this.group = new THREE.Group();
    this.opacity = 1;
    this.materials = new Set();
    this.visibleKeys = new Set();
    this.level = null;
    this.stats = { requested: [], loaded: 0, bytes: 0, level: null, visible: [], sharp: false, errors: [] };
    this._frustum = new THREE.Frustum();
    this._matrix = new THREE.Matrix4();
    this.cache = new TileCache({ capacity: cacheTiles, onEvict: (key, mesh) => this._disposeMesh(mesh) });
    this.loader = new ImageLoader({
      concurrency,
      onLoad: (key, bitmap, bytes) => this._onTile(key, bitmap, bytes),
      onError: (key, err) => { this.stats.errors.push(key); this.emit("error", err); },
    });
    this.boxes = new Map(); // key -> Box3 of the tile quad (cheap frustum test)
  }

  /** Loads and shows the preview strip (b d f l r u stacked vertically). Resolves when drawable. */
  async loadPreview() {
    const { bitmap, bytes } = await this.loader.loadNow(this.previewUrl);
    if (this.disposed) { bitmap.close?.(); return; }
    this.stats.bytes += bytes;
    const size = bitmap.width, n = bitmap.height / size;
    if (n !== 6) throw new Error(`TiledPanorama: preview is ${bitmap.width} x ${bitmap.height}, expected 6 faces stacked`);
    const texture = this._texture(bitmap);
    const material = this._material(texture);
    // half-texel insets: bilinear filtering must not reach into the neighbouring face of the strip
    const ds = 0.5 / size, dt = 0.5 / bitmap.height;
    FACES.forEach((face, i) => {
      const quad = faceQuad(face, -1, -1, 1, 1, [ds, i / 6 + dt, 1 - ds, (i + 1) / 6 - dt]);
      const mesh = this._mesh(quad, material);
      mesh.renderOrder = 0;
      this.group.add(mesh);
    });
    this.previewTexture = texture;
    this.emit("preview");
  }

  /**
   * Picks the level, shows loaded tiles in view and queues the missing ones, nearest the centre first.
   * @param {THREE.PerspectiveCamera} camera with up-to-date matrices
   * @param {number} heightPx viewport height in device pixels
   */
  update(camera, heightPx) {
    const level = this.levels.select(camera.fov, heightPx);
    this.level = level;
    this.stats.level = level.z;
    this._matrix.multiplyMatrices(camera.projectionMatrix, camera.matrixWorldInverse);
    this._frustum.setFromProjectionMatrix(this._matrix);
    const forward = new THREE.Vector3(0, 0, -1).applyQuaternion(camera.quaternion);
    const wanted = [];
    const visible = [];
    for (const face of FACES) {
      for (let y = 0; y < level.tiles; y++) {
        for (let x = 0; x < level.tiles; x++) {
          const key = `${level.z}/${face}/${y}/${x}`;
          const box = this._box(key, face, level, y, x);
          if (!this._frustum.intersectsBox(box)) continue;
          visible.push(key);
          if (!this.cache.has(key)) {
            const c = box.getCenter(new THREE.Vector3()).normalize();
            wanted.push({ key, url: this.tileUrl(level.z, face, y, x), d: -c.dot(forward) });
          }
        }
      }
    }
    wanted.sort((a, b) => a.d - b.d);
    this.visibleKeys = new Set(visible);
    this.stats.visible = visible;
    // show every cached tile in view (coarser levels under finer ones); hide the rest
    for (const [key, mesh] of [...this.cache.entries]) {
      const inView = this._frustum.intersectsBox(this.boxes.get(key));
      mesh.visible = inView;
      if (inView) this.cache.touch(key);
    }
    this.cache.evict(this.visibleKeys);
    this.loader.want(wanted);
    this._checkSharp();
  }

  /** 0..1; below 1 the panorama blends over what was drawn before (scene transitions). */
  setOpacity(opacity) {
    this.opacity = opacity;
    for (const m of this.materials) { m.opacity = opacity; m.transparent = opacity < 1; }
  }

  _box(key, face, level, y, x) {
    let box = this.boxes.get(key);
    if (!box) {
      const n = level.tiles;
      const quad = faceQuad(face, -1 + 2 * x / n, -1 + 2 * y / n, -1 + 2 * (x + 1) / n, -1 + 2 * (y + 1) / n);
      box = new THREE.Box3().setFromArray(quad.positions);
      this.boxes.set(key, box);
    }
    return box;
  }

  _onTile(key, bitmap, bytes) {
    if (this.disposed) { bitmap.close?.(); return; }
    const [z, face, y, x] = key.split("/");
    const level = this.levels.all[+z];
    const n = level.tiles;
    const quad = faceQuad(face, -1 + 2 * x / n, -1 + 2 * y / n, -1 + 2 * (+x + 1) / n, -1 + 2 * (+y + 1) / n);
    const mesh = this._mesh(quad, this._material(this._texture(bitmap)));
    mesh.renderOrder = 1 + level.z;
    mesh.visible = this.visibleKeys.has(key) || this.level?.z !== level.z;
    this.group.add(mesh);
    this.cache.set(key, mesh);
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

  _texture(bitmap) {
    const t = new THREE.Texture(bitmap);
    t.flipY = false;                  // ImageBitmap: row 0 stays at v = 0, matching faceQuad's UVs
    t.generateMipmaps = false;
    t.minFilter = THREE.LinearFilter;
    t.magFilter = THREE.LinearFilter;
    t.wrapS = t.wrapT = THREE.ClampToEdgeWrapping;
    t.colorSpace = THREE.SRGBColorSpace;
    t.needsUpdate = true;
    return t;
  }

  _material(texture) {
    const m = new THREE.MeshBasicMaterial({ map: texture, side: THREE.DoubleSide, depthTest: false,
                                            depthWrite: false, transparent: this.opacity < 1, opacity: this.opacity });
    this.materials.add(m);
    return m;
  }

  _mesh({ positions, uvs }, material) {
    const g = new THREE.BufferGeometry();
    g.setAttribute("position", new THREE.BufferAttribute(positions, 3));
    g.setAttribute("uv", new THREE.BufferAttribute(uvs, 2));
    const mesh = new THREE.Mesh(g, material);
    mesh.frustumCulled = false; // culled per tile above
    return mesh;
  }

  _disposeMesh(mesh) {
    this.group.remove(mesh);
    mesh.geometry.dispose();
    mesh.material.map?.source?.data?.close?.();
    mesh.material.map?.dispose();
    mesh.material.dispose();
    this.materials.delete(mesh.material);
  }

  dispose() {
    this.disposed = true;
    this.loader.dispose();
    this.cache.dispose();
    for (const mesh of [...this.group.children]) {
      this.group.remove(mesh);
      mesh.geometry.dispose();
      if (mesh.material.map === this.previewTexture) continue;
      mesh.material.dispose();
    }
    if (this.previewTexture) {
      this.previewTexture.source?.data?.close?.();
      this.previewTexture.dispose();
    }
    for (const m of this.materials) m.dispose();
    this.materials.clear();
    this.removeAllListeners();
  }
}
