import { EventEmitter } from "../EventEmitter.js";

const DEG = Math.PI / 180;

/** Folds a yaw in degrees into [-180, 180). */
export function wrapYaw(yaw) { return ((((yaw + 180) % 360) + 360) % 360) - 180; }

/**
 * The camera's view of a panorama: yaw, pitch, fov in degrees (vtour/conventions.py: yaw positive
 * right, pitch positive up, fov vertical), kept inside the scene's limits. Emits "change".
 *
 * Limits: `limits` {minFov=20, maxFov=100} from tour.json; `coverage` {hfov, vfov, yaw, pitch} of a
 * partial panorama keeps the whole screen inside the captured part (fov shrinks to fit if needed).
 */
export class PanoView extends EventEmitter {
  /**
   * @param {{yaw?: number, pitch?: number, fov?: number}} view
   * @param {{minFov?: number, maxFov?: number}} [limits]
   * @param {{hfov: number, vfov: number, yaw: number, pitch: number}} [coverage]
   */
  constructor(view = {}, limits = {}, coverage = null) {
    super();
    this.minFov = limits.minFov ?? 20;
    this.maxFov = limits.maxFov ?? 100;
    this.coverage = coverage || { hfov: 360, vfov: 180, yaw: 0, pitch: 0 };
    this.aspect = 4 / 3;
    this.yaw = 0; this.pitch = 0; this.fov = 75;
    this.set({ yaw: view.yaw ?? 0, pitch: view.pitch ?? 0, fov: view.fov ?? 75 }, true);
  }

  /** Width / height of the viewport (the horizontal limits depend on it). */
  setAspect(aspect) {
    if (aspect > 0 && Math.abs(aspect - this.aspect) > 1e-6) { this.aspect = aspect; this.set({}); }
  }

  /** Sets any of yaw, pitch, fov (degrees), clamps to the limits, emits "change" if anything moved. */
  set({ yaw = this.yaw, pitch = this.pitch, fov = this.fov } = {}, silent = false) {
    const cov = this.coverage;
    let maxFov = Math.min(this.maxFov, cov.vfov < 180 ? cov.vfov : 180);
    if (cov.hfov < 360) {
      const vOfH = 2 * Math.atan(Math.tan(cov.hfov * DEG / 2) / this.aspect) / DEG;
      maxFov = Math.min(maxFov, cov.hfov >= 180 ? maxFov : vOfH);
    }
    fov = Math.min(Math.max(fov, Math.min(this.minFov, maxFov)), maxFov);
    const half = fov / 2;
    const pLo = cov.vfov < 180 ? cov.pitch - cov.vfov / 2 + half : -90;
    const pHi = cov.vfov < 180 ? cov.pitch + cov.vfov / 2 - half : 90;
    pitch = pLo <= pHi ? Math.min(Math.max(pitch, pLo), pHi) : (pLo + pHi) / 2;
    if (cov.hfov < 360) {
      const hHalf = Math.atan(Math.tan(half * DEG) * this.aspect) / DEG;
      const off = wrapYaw(yaw - cov.yaw);
      const lim = Math.max(0, cov.hfov / 2 - hHalf);
      yaw = cov.yaw + Math.min(Math.max(off, -lim), lim);
    }
    yaw = wrapYaw(yaw);
    const moved = Math.abs(wrapYaw(yaw - this.yaw)) > 1e-9 || Math.abs(pitch - this.pitch) > 1e-9 ||
                  Math.abs(fov - this.fov) > 1e-9;
    this.yaw = yaw; this.pitch = pitch; this.fov = fov;
    if (moved && !silent) this.emit("change", this.get());
    return moved;
  }

  get() { return { yaw: this.yaw, pitch: this.pitch, fov: this.fov }; }

  /** Turns by screen pixels dragged (a drag across the screen height turns by fov). */
  dragBy(dxPx, dyPx, heightPx) {
    const perPx = this.fov / Math.max(1, heightPx);
    this.set({ yaw: this.yaw - dxPx * perPx, pitch: this.pitch + dyPx * perPx });
  }

  /** Zooms by a factor (<1 zooms in). */
  zoomBy(factor) { this.set({ fov: this.fov * factor }); }

  /** Points a Camera (views/Camera.js) along this view. */
  applyTo(camera) { camera.set(this.yaw, this.pitch, this.fov, this.aspect); }

  dispose() { this.removeAllListeners(); }
}
