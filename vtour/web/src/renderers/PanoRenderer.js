import * as THREE from "three";
import { EventEmitter } from "../EventEmitter.js";

/**
 * The WebGL canvas: a three.js renderer and camera drawing panoramas (TiledPanorama groups) at the
 * camera's centre. Renders on demand: requestRender() schedules one frame; nothing runs when idle.
 * A canvas resize (ResizeObserver) emits "resize" and renders again.
 *
 * Options: pixelRatio (number, default window.devicePixelRatio capped at 2).
 */
export class PanoRenderer extends EventEmitter {
  constructor(container, { pixelRatio = Math.min(window.devicePixelRatio || 1, 2) } = {}) {
    super();
    this.container = container;
    this.renderer = new THREE.WebGLRenderer({ antialias: false, alpha: false, preserveDrawingBuffer: false });
    this.renderer.setPixelRatio(pixelRatio);
    this.renderer.setClearColor(0x000000, 1);
    this.canvas = this.renderer.domElement;
    this.canvas.className = "vtour-canvas";
    container.appendChild(this.canvas);
    this.maxTextureSize = this.renderer.capabilities.maxTextureSize;
    this.scene = new THREE.Scene();
    this.camera = new THREE.PerspectiveCamera(75, 4 / 3, 0.01, 10);
    this.frames = 0;
    this._frame = 0;
    this._beforeRender = new Set();
    this._resize = () => {
      const w = Math.max(1, container.clientWidth), h = Math.max(1, container.clientHeight);
      this.renderer.setSize(w, h, true);
      this.emit("resize", { width: w, height: h });
      this.requestRender();
    };
    this._observer = new ResizeObserver(this._resize);
    this._observer.observe(container);
    this._resize();
  }

  /** Viewport height in device pixels (what level selection compares texel density with). */
  get heightPx() { return this.renderer.getDrawingBufferSize(new THREE.Vector2()).y; }
  get aspect() { const s = this.renderer.getSize(new THREE.Vector2()); return s.x / Math.max(1, s.y); }

  add(object) { this.scene.add(object); this.requestRender(); }
  remove(object) { this.scene.remove(object); this.requestRender(); }

  /** fn(now) runs before each frame (animations); return true to ask for another frame. */
  onBeforeRender(fn) { this._beforeRender.add(fn); return () => this._beforeRender.delete(fn); }

  requestRender() {
    if (this._frame || this.disposed) return;
    this._frame = requestAnimationFrame((now) => {
      this._frame = 0;
      let again = false;
      for (const fn of [...this._beforeRender]) again = fn(now) || again;
      this.emit("beforerender");
      this.renderer.render(this.scene, this.camera);
      this.frames += 1;
      this.emit("render", now);
      if (again) this.requestRender();
    });
  }

  dispose() {
    this.disposed = true;
    cancelAnimationFrame(this._frame);
    this._observer.disconnect();
    this.renderer.dispose();
    this.renderer.forceContextLoss?.();
    this.canvas.remove();
    this.removeAllListeners();
  }
}
