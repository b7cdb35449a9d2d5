import { EventEmitter } from "../EventEmitter.js";
import { Camera } from "../views/Camera.js";
import { QuadProgram } from "./QuadProgram.js";

/**
 * The WebGL canvas (WebGL2, else WebGL1) drawing panoramas (TiledPanorama layers, lowest `order`
 * first) seen from `camera`. Renders on demand: requestRender() schedules one frame; nothing runs
 * when idle. A canvas resize (ResizeObserver) emits "resize" and renders again. Textures made by
 * createTexture() are the caller's to deleteTexture().
 *
 * Events: "beforerender", "render" (now), "resize" ({width, height}).
 * Options: pixelRatio (number, default window.devicePixelRatio capped at 2).
 */
export class PanoRenderer extends EventEmitter {
  constructor(container, { pixelRatio = Math.min(window.devicePixelRatio || 1, 2) } = {}) {
    super();
    this.container = container;
    this.pixelRatio = pixelRatio;
    this.canvas = document.createElement("canvas");
    this.canvas.className = "vtour-canvas";
    const attrs = { antialias: false, alpha: false, depth: false, stencil: false, preserveDrawingBuffer: false };
    const gl = this.gl = this.canvas.getContext("webgl2", attrs) || this.canvas.getContext("webgl", attrs);
    if (!gl) throw new Error("PanoRenderer: this browser has no WebGL");
    container.appendChild(this.canvas);
    this.maxTextureSize = gl.getParameter(gl.MAX_TEXTURE_SIZE);
    this.program = new QuadProgram(gl);
    gl.disable(gl.DEPTH_TEST);
    gl.disable(gl.CULL_FACE);   // quads are seen from inside the cube
    gl.clearColor(0, 0, 0, 1);
    this.camera = new Camera();
    this.layers = [];
    this.width = 1; this.height = 1;
    this.frames = 0;
    this._frame = 0;
    this._beforeRender = new Set();
    this._resize = () => {
      const w = Math.max(1, container.clientWidth), h = Math.max(1, container.clientHeight);
      this.width = w; this.height = h;
      this.canvas.width = Math.floor(w * pixelRatio);
      this.canvas.height = Math.floor(h * pixelRatio);
      this.canvas.style.width = `${w}px`;
      this.canvas.style.height = `${h}px`;
      this.emit("resize", { width: w, height: h });
      this.requestRender();
    };
    this._observer = new ResizeObserver(this._resize);
    this._observer.observe(container);
    this._resize();
  }

  /** Viewport height in device pixels (what level selection compares texel density with). */
  get heightPx() { return this.canvas.height; }
  get aspect() { return this.width / Math.max(1, this.height); }

  /** Adds a layer: anything with `order` (number) and draw(program). */
  add(layer) { this.layers.push(layer); this.requestRender(); }
  remove(layer) { this.layers = this.layers.filter((l) => l !== layer); this.requestRender(); }

  /**
   * An RGB texture of an ImageBitmap (row 0 on top: UVs have t = 0 at the image's first row):
   * clamp-to-edge, linear, no mipmaps, so tiles meet without seams.
   */
  createTexture(bitmap) {
    const gl = this.gl, t = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, t);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGB, gl.RGB, gl.UNSIGNED_BYTE, bitmap);
    return t;
  }

  deleteTexture(texture) { if (!this.disposed) this.gl.deleteTexture(texture); }

  /** fn(now) runs before each frame (animations); return true to ask for another frame. */
  onBeforeRender(fn) { this._beforeRender.add(fn); return () => this._beforeRender.delete(fn); }

  requestRender() {
    if (this._frame || this.disposed) return;
    this._frame = requestAnimationFrame((now) => {
      this._frame = 0;
      let again = false;
      for (const fn of [...this._beforeRender]) again = fn(now) || again;
      this.emit("beforerender");
      this._draw();
      this.frames += 1;
      this.emit("render", now);
      if (again) this.requestRender();
    });
  }

  _draw() {
    const gl = this.gl;
    gl.viewport(0, 0, this.canvas.width, this.canvas.height);
    gl.clear(gl.COLOR_BUFFER_BIT);
    this.program.begin(this.camera, this.canvas.width, this.canvas.height);
    for (const layer of [...this.layers].sort((a, b) => a.order - b.order)) layer.draw(this.program);
  }

  dispose() {
    this.disposed = true;
    cancelAnimationFrame(this._frame);
    this._observer.disconnect();
    this.program.dispose();
    this.gl.getExtension("WEBGL_lose_context")?.loseContext();
    this.canvas.remove();
    this.layers = [];
    this.removeAllListeners();
  }
}
