import { Camera } from "../views/Camera.js";
import { HotspotMarks } from "./HotspotMarks.js";
import { VR_ICON, xrLabelsFor } from "./labels.js";
import { floorSpace, requestVRSession, xrSupported } from "./support.js";
import { multiply4, pickHotspot, poseForward, rayDirection, toPanorama, unionProjection, xrCamera, yawPitchOf } from "./xrMath.js";

/** A ray (controller or gaze) this close to a link hotspot's direction points at it, degrees. */
export const POINT_DEG = 6;
/** The rings' angular radius, degrees. */
export const RING_DEG = 3.5;
/** How long the gaze must rest on a link hotspot to follow it, ms. */
export const DWELL_MS = 1500;

/**
 * The panorama viewer's WebXR headset mode. When the browser says it can show immersive VR
 * (navigator.xr.isSessionSupported("immersive-vr")), the toolbar gets an "Enter VR" button (its accessible name in
 * the viewer's language; "Exit VR" while presenting). In VR the panorama surrounds the visitor (both eyes drawn
 * with renderer.drawView from each XRView's projection and rotation; the panorama is at infinity, so the head's
 * translation is dropped), the visitor first facing the view's yaw. Tiles load for the headset's view (one
 * update a frame, for a frustum covering both eyes at the eyes' pixel density).
 *
 * Hotspots are rings drawn in GL (xr/HotspotMarks.js): links white, info hotspots blue; a controller shows a
 * beam from the hand (the one thing at a finite distance, so in true stereo) and a dot where its ray points, and a ring it points at (within POINT_DEG) is highlighted. A controller's `select` on a
 * link follows it (viewer.activate). Gaze input (an input source whose targetRayMode is "gaze", or the head
 * when no controller is connected): resting on a link for DWELL_MS (the arc fills) follows it. Info and model
 * hotspots are shown, not opened: their dialogs are page DOM, which the headset does not show; the title of the
 * hotspot pointed at (by a controller, else the gaze) shows under it, in the viewer's language.
 *
 * A lost WebGL context ends the session (its layer is gone with the context); the page then recovers as usual.
 * The session drives the frames (renderer.paused) and the viewer's animations (scene cross-fades) advance with
 * them; when it ends (exit(), the headset's own menu, or session.end()), the page renders as before, the view
 * turned to where the visitor last looked.
 *
 * `state` (for tests): {supported, presenting, frames, eyes: [{eye, x, y, width, height}], pointed: ids of the link
 * hotspots a ray points at, activations, gaze (bool), dwell (0..1), label (the title shown, or null), yawOffset}. Options: xr (default navigator.xr).
 */
export class PanoXR {
  constructor(viewer, { xr = globalThis.navigator?.xr } = {}) {
    this.viewer = viewer;
    this.xr = xr;
    this.session = null;
    this.button = null;
    this.language = viewer.language;
    this.state = { supported: false, presenting: false, frames: 0, eyes: [], pointed: [], activations: 0,
                   gaze: false, dwell: 0, label: null, yawOffset: 0, error: null };
    this._cams = [];
    this._union = new Camera();
    this._onFrame = (t, frame) => this._frame(t, frame);
    this._onSelect = (e) => this._select(e);
    this._onEnd = () => this._ended();
    this._onDeviceChange = () => this._check();
    xr?.addEventListener?.("devicechange", this._onDeviceChange);
    // a lost WebGL context takes the session's layer with it: the session ends, the page recovers as usual
    this._offLost = viewer.renderer?.on?.("contextlost", () => { this.session?.end().catch(() => {}); });
    this.ready = this._check();
  }

  /** Whether a session is running. */
  get presenting() { return !!this.session; }

  async _check() {
    const ok = await xrSupported(this.xr);
    if (this.disposed) return false;
    this.state.supported = ok;
    if (ok && !this.button && this.viewer.toolbar) {
      this.button = this.viewer.toolbar.addButton({
        className: "vtour-tool-vr", icon: VR_ICON, label: xrLabelsFor(this.language).enterVR,
        onClick: () => (this.session ? this.exit() : this.enter().catch(() => {})),
      });
    }
    if (this.button) this.button.hidden = !ok;
    this._label();
    return ok;
  }

  _label() {
    if (!this.button) return;
    const L = xrLabelsFor(this.language);
    const text = this.session ? L.exitVR : L.enterVR;
    if (this.viewer.toolbar?.setButtonLabel) this.viewer.toolbar.setButtonLabel(this.button, text);
    else { this.button.setAttribute("aria-label", text); this.button.title = text; }
  }

  setLanguage(lang) { this.language = lang; this._label(); }

  /** Starts the immersive session (call it from a click: browsers ask for a user gesture). Resolves when presenting. */
  async enter() {
    if (this.session || this._starting || this.disposed) return;
    this._starting = true;
    const renderer = this.viewer.renderer;
    let session = null;
    try {
      session = await requestVRSession(this.xr);
      const gl = renderer.gl;
      await gl.makeXRCompatible?.();
      const Layer = globalThis.XRWebGLLayer;
      session.updateRenderState({ baseLayer: new Layer(session, gl), depthNear: 0.05, depthFar: 20 });
      const { space } = await floorSpace(session);
      if (this.disposed) { session.end().catch(() => {}); return; }
      this.session = session;
      this.space = space;
      this._gl = gl;
      this.marks = new HotspotMarks(gl);
      this.state.yawOffset = this.viewer.view?.get().yaw ?? 0;
      Object.assign(this.state, { presenting: true, frames: 0, eyes: [], pointed: [], dwell: 0, error: null });
      this._dwell = null;
      this._head = null;
      session.addEventListener("select", this._onSelect);
      session.addEventListener("end", this._onEnd);
      renderer.paused = true;
      session.requestAnimationFrame(this._onFrame);
      this._label();
      this.viewer.emit?.("xrstart");
    } catch (e) {
      this.state.error = String(e?.message || e);
      console.warn(`PanoXR: ${xrLabelsFor(this.language).vrFailed}: ${this.state.error}`);
      if (session && !this.session) session.end().catch(() => {});
      throw e;
    } finally {
      this._starting = false;
    }
  }

  /** Ends the session (the page then renders as before). Resolves when it has ended. */
  async exit() {
    if (!this.session) return;
    const ended = new Promise((resolve) => this.session.addEventListener("end", resolve, { once: true }));
    await this.session.end().catch(() => {});
    await ended;
  }

  /** The shown scene's hotspots with a direction (link, info, model). */
  _hotspots() {
    const v = this.viewer;
    return (v.tour?.scene(v.sceneId)?.hotspots || []).filter((h) => Number.isFinite(h.yaw) && Number.isFinite(h.pitch));
  }

  /** Runs the viewer's per-frame animations (a scene change's cross-fade) while the session draws the frames. */
  _tick(now) { this.viewer.renderer.tick(now); }

  _frame(now, frame) {
    const session = frame.session;
    if (session !== this.session) return;
    session.requestAnimationFrame(this._onFrame);
    const r = this.viewer.renderer;
    if (r.gl !== this._gl) { session.end().catch(() => {}); return; }  // a new canvas replaced a lost context
    const pose = frame.getViewerPose(this.space);
    if (!pose || r.lost) return;
    this._tick(now);
    const layer = session.renderState.baseLayer;
    const gl = r.gl, yawOffset = this.state.yawOffset;
    gl.bindFramebuffer(gl.FRAMEBUFFER, layer.framebuffer);
    gl.viewport(0, 0, layer.framebufferWidth, layer.framebufferHeight);
    gl.clearColor(0, 0, 0, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    const views = [...pose.views].map((view) => ({ view, vp: layer.getViewport(view) }))
      .filter(({ vp }) => vp && vp.width > 0 && vp.height > 0);
    if (!views.length) return;
    // tiles for both eyes at once
    const union = unionProjection(views.map(({ view }) => view.projectionMatrix), views.map(({ vp }) => vp.height));
    xrCamera(union.projection, pose.transform.matrix, yawOffset, this._union);
    this._head = this._union;
    this.viewer.pano?.update(this._union, union.heightPx);
    const { marks, beams, label } = this._pointing(frame, pose, now);
    this.state.eyes = views.map(({ view, vp }, i) => {
      const cam = xrCamera(view.projectionMatrix, view.transform.matrix, yawOffset, this._cams[i] ||= new Camera());
      r.drawView(cam, { framebuffer: layer.framebuffer, x: vp.x, y: vp.y, width: vp.width, height: vp.height });
      this.marks.draw(cam, marks);
      if (label) this.marks.drawLabel(cam, label);
      if (beams.length) {
        this.marks.drawBeams({ viewProj: multiply4(view.projectionMatrix, view.transform.inverse.matrix) }, beams);
      }
      return { eye: view.eye, x: vp.x, y: vp.y, width: vp.width, height: vp.height };
    });
    this.state.frames += 1;
  }

  /** Rays this frame: what each points at, the marks to draw; the gaze's dwell follows a link when complete. */
  _pointing(frame, pose, now) {
    const hotspots = this._hotspots(), yawOffset = this.state.yawOffset;
    const rays = [], beams = [];
    let gaze = null;
    for (const source of this.session.inputSources || []) {
      const rayPose = source.targetRaySpace && frame.getPose(source.targetRaySpace, this.space);
      if (!rayPose) continue;
      const d = rayDirection(rayPose.transform.matrix, yawOffset);
      if (source.targetRayMode === "gaze") gaze = d;
      else if (source.targetRayMode === "tracked-pointer") {
        rays.push(d);
        const p = rayPose.transform.position;
        beams.push({ origin: [p.x, p.y, p.z], dir: poseForward(rayPose.transform.matrix) });
      }
    }
    const useGaze = !rays.length;
    if (useGaze && !gaze) gaze = toPanorama(poseForward(pose.transform.matrix), yawOffset);
    const isLink = (h) => h.type === "link";
    const hot = new Set();
    for (const d of rays) {
      const hit = pickHotspot(d, hotspots, POINT_DEG, isLink);
      if (hit) hot.add(hit.hotspot);
    }
    let progress = 0, dwellOn = null;
    if (useGaze) {
      const hit = pickHotspot(gaze, hotspots, POINT_DEG, isLink);
      dwellOn = hit?.hotspot ?? null;
      if (dwellOn) hot.add(dwellOn);
      if (!dwellOn || this._dwell?.hotspot !== dwellOn) this._dwell = dwellOn ? { hotspot: dwellOn, since: now, done: false } : null;
      if (this._dwell && !this._dwell.done) {
        progress = Math.min(1, (now - this._dwell.since) / DWELL_MS);
        if (progress >= 1) { this._dwell.done = true; progress = 0; this._activate(dwellOn); }
      }
    } else {
      this._dwell = null;
    }
    const pointed = [...hot].filter(isLink).map((h) => h.id ?? null);
    // the title of what a ray (the first that points at one; else the gaze) points at, whatever its kind
    const titled = [...rays, gaze].filter(Boolean).map((d) => pickHotspot(d, hotspots, POINT_DEG)?.hotspot)
      .find(Boolean) ?? null;
    const text = titled ? this._title(titled) : "";
    const label = text ? { yaw: titled.yaw, pitch: titled.pitch, text } : null;
    Object.assign(this.state, { pointed, gaze: useGaze, dwell: progress, label: text || null });
    const marks = hotspots.map((h) => ({ yaw: h.yaw, pitch: h.pitch, radiusDeg: isLink(h) ? RING_DEG : RING_DEG * 0.6,
                                         kind: isLink(h) ? "link" : "info", hot: hot.has(h) && isLink(h),
                                         progress: h === dwellOn ? progress : 0 }));
    for (const d of rays) marks.push({ ...yawPitchOf(d), radiusDeg: 0.6, kind: "cursor" });
    return { marks, beams, label };
  }

  /** A hotspot's title in the viewer's language (tour.json's, else its target's), or "". */
  _title(h) {
    try {
      return String(this.viewer.tour?.hotspotTitle?.(h, this.viewer.language) || "").trim();
    } catch {
      return "";
    }
  }

  /** A select (trigger) of a controller: follows the link hotspot its ray points at. */
  _select(e) {
    if (!this.session) return;
    const rayPose = e.frame?.getPose(e.inputSource.targetRaySpace, this.space);
    if (!rayPose) return;
    const d = rayDirection(rayPose.transform.matrix, this.state.yawOffset);
    const hit = pickHotspot(d, this._hotspots(), POINT_DEG, (h) => h.type === "link");
    if (hit) this._activate(hit.hotspot);
  }

  _activate(h) {
    this.state.activations += 1;
    this.viewer.activate(h);
  }

  _ended() {
    const session = this.session;
    if (!session) return;
    session.removeEventListener("select", this._onSelect);
    session.removeEventListener("end", this._onEnd);
    this.session = null;
    this.space = null;
    this.marks?.dispose();
    this.marks = null;
    this.state.presenting = false;
    const r = this.viewer.renderer;
    if (r && !r.disposed) {
      r.gl.bindFramebuffer(r.gl.FRAMEBUFFER, null);
      r.paused = false;
      // the page's view turns to where the visitor last looked
      if (this._head && this.viewer.view) this.viewer.view.set({ yaw: this._head.yaw, pitch: this._head.pitch });
      r.requestRender();
    }
    this._label();
    this.viewer.emit?.("xrend");
  }

  dispose() {
    this.disposed = true;
    this.xr?.removeEventListener?.("devicechange", this._onDeviceChange);
    this._offLost?.();
    if (this.session) this.session.end().catch(() => {});
    this.button?.remove();
    this.button = null;
  }
}
