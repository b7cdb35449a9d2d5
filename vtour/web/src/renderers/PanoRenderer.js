import { EventEmitter } from "../EventEmitter.js";
import { Camera } from "../views/Camera.js";
import { QuadProgram } from "./QuadProgram.js";

/** How long a lost WebGL context may take to come back before the renderer makes a new canvas, ms. */
export const CONTEXT_RESTORE_MS = 2000;

const ATTRIBUTES = { antialias: false, alpha: false, depth: false, stencil: false, preserveDrawingBuffer: false };

/**
 * The WebGL canvas (WebGL2, else WebGL1) drawing panoramas (TiledPanorama layers, lowest `order`
 * first) seen from `camera`. Renders on demand: requestRender() schedules one frame; nothing runs
 * when idle or `paused` (a WebXR session drives the frames then, with drawView). A canvas resize (ResizeObserver)
 * emits "resize" and renders again. Textures made by createTexture() are the caller's to deleteTexture();
 * `textures` counts the live ones.
 *
 * A lost WebGL context (the GPU process restarted, the driver reset, too many contexts): drawing stops
 * ("contextlost"); when the browser gives it back, the program is made again and "contextrestored" ({replaced:
 * false}) asks the owner to make its textures again (every texture of the lost context is gone: layers are told
 * with forgetTextures(), and deleteTexture ignores them). Not back within CONTEXT_RESTORE_MS (or never: restoreCanvas()), a fresh canvas with a new context
 * replaces the old one ("contextrestored" {replaced: true}). `contextLosses` counts the losses.
 *
 * Events: "beforerender", "render" (now), "resize" ({width, height}), "contextlost", "contextrestored" ({replaced}).
 * Options: pixelRatio (number, default window.devicePixelRatio capped at 2), restoreMs (default CONTEXT_RESTORE_MS).
 */
export class PanoRenderer extends EventEmitter {
  constructor(container, { pixelRatio = Math.min(window.devicePixelRatio || 1, 2), restoreMs = CONTEXT_RESTORE_MS } = {}) {
    super();
    this.container = container;
    this.pixelRatio = pixelRatio;
    this.restoreMs = restoreMs;
    this.camera = new Camera();
    this.layers = [];
    this.width = 1; this.height = 1;
    this.frames = 0;
    this.contextLosses = 0;
    this.lost = false;
    this._paused = false;
    this._frame = 0;
    this._live = new Set();  // textures of the current context not yet deleted
    this._beforeRender = new Set();
    this._onLost = (e) => this._contextLost(e);
    this._onRestored = () => this._contextRestored();
    this._setCanvas();
    this._resize = () => {
      const w = Math.max(1, container.clientWidth), h = Math.max(1, container.clientHeight);
      this.width = w; this.height = h;
      this._size();
      this.emit("resize", { width: w, height: h });
      this.requestRender();
    };
    this._observer = new ResizeObserver(this._resize);
    this._observer.observe(container);
    this._resize();
  }

  /** A new canvas and context in the container (in place of the old one, if any). */
  _setCanvas() {
    const old = this.canvas;
    const canvas = document.createElement("canvas");
    canvas.className = "vtour-canvas";
    const gl = canvas.getContext("webgl2", ATTRIBUTES) || canvas.getContext("webgl", ATTRIBUTES);
    if (!gl) throw new Error("PanoRenderer: this browser has no WebGL");
    if (old) {
      old.removeEventListener("webglcontextlost", this._onLost);
      old.removeEventListener("webglcontextrestored", this._onRestored);
      old.replaceWith(canvas);
    } else {
      this.container.appendChild(canvas);
    }
    this.canvas = canvas;
    this.gl = gl;
    canvas.addEventListener("webglcontextlost", this._onLost);
    canvas.addEventListener("webglcontextrestored", this._onRestored);
    this._size();
    this._setupGl();
  }

  /** The program and the fixed state of a new (or restored) context. */
  _setupGl() {
    const gl = this.gl;
    this._live.clear();
    this.maxTextureSize = gl.getParameter(gl.MAX_TEXTURE_SIZE);
    this.program = new QuadProgram(gl);
    gl.disable(gl.DEPTH_TEST);
    gl.disable(gl.CULL_FACE);   // quads are seen from inside the cube
    gl.clearColor(0, 0, 0, 1);
  }

  _size() {
    this.canvas.width = Math.floor(this.width * this.pixelRatio);
    this.canvas.height = Math.floor(this.height * this.pixelRatio);
    this.canvas.style.width = `${this.width}px`;
    this.canvas.style.height = `${this.height}px`;
  }

  _contextLost(e) {
    e.preventDefault();  // tells the browser the page will restore: webglcontextrestored may come
    if (this.disposed || this.lost) return;
    this.lost = true;
    this.contextLosses += 1;
    cancelAnimationFrame(this._frame);
    this._frame = 0;
    this._live.clear();   // gone with the context
    for (const layer of this.layers) layer.forgetTextures?.();
    clearTimeout(this._restoreTimer);
    this._restoreTimer = setTimeout(() => this.restoreCanvas(), this.restoreMs);
    this.emit("contextlost");
  }

  _contextRestored() {
    if (this.disposed || !this.lost) return;
    clearTimeout(this._restoreTimer);
    this.lost = false;
    this._setupGl();
    this.emit("contextrestored", { replaced: false });
    this.requestRender();
  }

  /** Gives up on the lost context: a fresh canvas and context take its place ("contextrestored" {replaced: true}). */
  restoreCanvas() {
    if (this.disposed || !this.lost) return;
    clearTimeout(this._restoreTimer);
    this._setCanvas();
    this.lost = false;
    this.emit("contextrestored", { replaced: true });
    this.requestRender();
  }

  /** Viewport height in device pixels (what level selection compares texel density with). */
  get heightPx() { return this.canvas.height; }
  get aspect() { return this.width / Math.max(1, this.height); }

  /** Live textures: made by createTexture in the current context and not yet deleted. */
  get textures() { return this._live.size; }

  /** true: no frame is drawn on demand (a WebXR session draws with drawView); false again: one frame is drawn. */
  get paused() { return this._paused; }
  set paused(value) {
    this._paused = !!value;
    if (this._paused) { cancelAnimationFrame(this._frame); this._frame = 0; } else this.requestRender();
  }

  /** Adds a layer: anything with `order` (number) and draw(program). */
  add(layer) { this.layers.push(layer); this.requestRender(); }
  remove(layer) { this.layers = this.layers.filter((l) => l !== layer); this.requestRender(); }

  /**
   * An RGB texture of an ImageBitmap (row 0 on top: UVs have t = 0 at the image's first row):
   * clamp-to-edge, linear, no mipmaps, so tiles meet without seams. null while the context is lost.
   */
  createTexture(bitmap) {
    const gl = this.gl;
    if (this.lost || gl.isContextLost()) return null;
    const t = gl.createTexture();
    if (!t) return null;
    this._live.add(t);
    gl.bindTexture(gl.TEXTURE_2D, t);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGB, gl.RGB, gl.UNSIGNED_BYTE, bitmap);
    return t;
  }

  /** Deletes a texture of createTexture (one of a lost context, or null, is ignored). */
  deleteTexture(texture) {
    if (!texture || !this._live.delete(texture)) return;
    if (!this.disposed && !this.gl.isContextLost()) this.gl.deleteTexture(texture);
  }

  /** fn(now) runs before each frame (animations); return true to ask for another frame. */
  onBeforeRender(fn) { this._beforeRender.add(fn); return () => this._beforeRender.delete(fn); }

  /** Runs the onBeforeRender functions for a frame drawn elsewhere (WebXR, while paused); true if one wants another. */
  tick(now) {
    let again = false;
    for (const fn of [...this._beforeRender]) again = fn(now) || again;
    return again;
  }

  requestRender() {
    if (this._frame || this.disposed || this.lost || this._paused) return;
    this._frame = requestAnimationFrame((now) => {
      this._frame = 0;
      if (this.lost || this._paused) return;
      const again = this.tick(now);
      this.emit("beforerender");
      this._draw();
      this.frames += 1;
      this.emit("render", now);
      if (again) this.requestRender();
    });
  }

  _draw() {
    const gl = this.gl;
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.viewport(0, 0, this.canvas.width, this.canvas.height);
    gl.clear(gl.COLOR_BUFFER_BIT);
    this.drawView(this.camera, { width: this.canvas.width, height: this.canvas.height });
  }

  /**
   * Draws the layers seen from `camera` (views/Camera.js, or anything with its `viewProj` and `ray`) into the
   * viewport (x, y, width, height; px, lower-left origin) of `framebuffer` (null: the canvas), clearing nothing
   * (WebXR draws each eye this way). Nothing while the context is lost.
   */
  drawView(camera, { framebuffer = null, x = 0, y = 0, width = this.canvas.width, height = this.canvas.height } = {}) {
    if (this.lost || this.disposed) return;
    const gl = this.gl;
    gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer);
    gl.viewport(x, y, width, height);
    this.program.begin(camera, width, height, x, y);
    for (const layer of [...this.layers].sort((a, b) => a.order - b.order)) layer.draw(this.program);
  }

  dispose() {
    this.disposed = true;
    clearTimeout(this._restoreTimer);
    cancelAnimationFrame(this._frame);
    this._observer.disconnect();
    this.canvas.removeEventListener("webglcontextlost", this._onLost);
    this.canvas.removeEventListener("webglcontextrestored", this._onRestored);
    if (!this.gl.isContextLost()) this.program.dispose();
    this.gl.getExtension("WEBGL_lose_context")?.loseContext();
    this._live.clear();
    this.canvas.remove();
    this.layers = [];
    this.removeAllListeners();
  }
}
