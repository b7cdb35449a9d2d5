import { Camera } from "../views/Camera.js";
import { HotspotMarks } from "./HotspotMarks.js";
import { VR_ICON, xrLabelsFor } from "./labels.js";
import { DWELL_GAP_MS, DWELL_MS, GazeDwell } from "./GazeDwell.js";
import { floorSpace, requestVRSession, xrSupported } from "./support.js";
import { multiply4, pickHotspot, poseForward, rayDirection, toPanorama, unionProjection, xrCamera, yawPitchOf } from "./xrMath.js";

export { DWELL_MS };
/** The angular radius of a link hotspot's ring, degrees; an info (or model) hotspot's ring is 0.6 of it. */
export const RING_DEG = 3.5;
/** A ray points at a hotspot within its ring's angular radius plus this margin (the hand's tremor), degrees. */
export const HIT_MARGIN_DEG = 1.5;
/** How long the "VR failed" note stays on screen, ms. */
const NOTE_MS = 8000;

const isLink = (h) => h.type === "link";
/** The angular radius of hotspot `h`'s ring, degrees. */
export const ringRadius = (h) => (isLink(h) ? RING_DEG : RING_DEG * 0.6);
/** How far from hotspot `h`'s direction a ray still points at it, degrees (what the visitor sees, a little more). */
export const hitRadius = (h) => ringRadius(h) + HIT_MARGIN_DEG;

/**
 * The panorama viewer's WebXR headset mode. When the browser says it can show immersive VR
 * (navigator.xr.isSessionSupported("immersive-vr")), the toolbar gets an "Enter VR" button (its accessible name in
 * the viewer's language; "Exit VR" while presenting). In VR the panorama surrounds the visitor (both eyes drawn
 * with renderer.drawView from each XRView's projection and rotation; the panorama is at infinity, so the head's
 * translation is dropped), the visitor first facing the view's yaw. Tiles load for the headset's view (one
 * update a frame, for a frustum covering both eyes at the eyes' pixel density).
 *
 * Which way the panorama turns: `yawOffset` (xrMath.js) is set so that the view's yaw is straight ahead of the
 * visitor's head when the session starts, when the scene changes (the new scene's start view; a link's own view)
 * and when the visitor recentres the headset (the reference space's "reset": what was ahead stays ahead).
 *
 * Hotspots are rings drawn in GL (xr/HotspotMarks.js): links white, info hotspots blue; a controller shows a
 * beam from the hand (the one thing at a finite distance, so in true stereo) and a dot where its ray points. A ray
 * points at the hotspot of any kind nearest to it by angle within hitRadius (its ring's radius + HIT_MARGIN_DEG), so
 * aiming at an info ring beside a link never follows the link; a link pointed at is highlighted (yellow), and a
 * `select` (trigger, pinch) on it follows it (viewer.activate). Gaze input (an input source whose targetRayMode is
 * "gaze", or the head when no controller is connected, unless the session has shown a transient-pointer: its pinch
 * selects): resting on a link for DWELL_MS (a dark arc fills the yellow disc) follows it (xr/GazeDwell.js: the gaze
 * must then leave it, and a new scene's links too, before it can fire again; a gap between frames restarts it).
 * Info and model hotspots are shown, not opened: their dialogs are page DOM, which the headset does not show; the
 * title of the hotspot each ray points at (each controller's, else the gaze's) shows under it, in the viewer's
 * language. When VR cannot start, a note in a live region (`note`, role "status") says so.
 *
 * A lost WebGL context ends the session (its layer is gone with the context); the page then recovers as usual.
 * The session drives the frames (renderer.paused) and the viewer's animations (scene cross-fades) advance with
 * them; when it ends (exit(), the headset's own menu, or session.end()), the page renders as before, the view
 * turned to where the visitor last looked.
 *
 * `state` (for tests): {supported, presenting, frames, eyes: [{eye, x, y, width, height}], pointed: ids of the link
 * hotspots a ray points at, activations, gaze (bool), dwell (0..1), labels (the titles shown), label (the first, or
 * null), yawOffset, error}. Frames without a viewer pose clear pointed, dwell and labels. Options: xr (default
 * navigator.xr).
 */
export class PanoXR {
  constructor(viewer, { xr = globalThis.navigator?.xr } = {}) {
    this.viewer = viewer;
    this.xr = xr;
    this.session = null;
    this.button = null;
    this.language = viewer.language;
    this.state = { supported: false, presenting: false, frames: 0, eyes: [], pointed: [], activations: 0,
                   gaze: false, dwell: 0, labels: [], label: null, yawOffset: 0, error: null };
    this.dwell = new GazeDwell();
    this._cams = [];
    this._union = new Camera();
    this._onFrame = (t, frame) => this._frame(t, frame);
    this._onSelect = (e) => this._select(e);
    this._onEnd = () => this._ended();
    // recentred: what the visitor looked at stays ahead (the space's forward turned under the head)
    this._onReset = () => { this._faceYaw = this._head?.yaw ?? null; this.dwell.restart(); };
    this._onHidden = () => this.dwell.restart();
    this._onDeviceChange = () => this._check();
    xr?.addEventListener?.("devicechange", this._onDeviceChange);
    // a lost WebGL context takes the session's layer with it: the session ends, the page recovers as usual
    this._offLost = viewer.renderer?.on?.("contextlost", () => { this.exit(); });
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
    this._note("");
    const renderer = this.viewer.renderer;
    let session = null, endedEarly = false;
    const onEarlyEnd = () => { endedEarly = true; };
    try {
      session = await requestVRSession(this.xr);
      // the headset may end it at any await below (taken off, its menu): then nothing must stay paused for it
      session.addEventListener("end", onEarlyEnd);
      const gl = renderer.gl;
      await gl.makeXRCompatible?.();
      const Layer = globalThis.XRWebGLLayer;
      session.updateRenderState({ baseLayer: new Layer(session, gl), depthNear: 0.05, depthFar: 20 });
      const { space } = await floorSpace(session);
      session.removeEventListener("end", onEarlyEnd);
      if (this.disposed) { if (!endedEarly) session.end().catch(() => {}); return; }
      if (endedEarly) throw new Error("PanoXR: the session ended while it was starting");
      this.session = session;
      this.space = space;
      this._gl = gl;
      this.marks = new HotspotMarks(gl);
      Object.assign(this.state, { presenting: true, frames: 0, eyes: [], pointed: [], dwell: 0, labels: [],
                                  label: null, error: null });
      this.dwell = new GazeDwell();
      this._head = null;
      this._noDwell = false;
      this._lastFrame = -Infinity;
      this._sceneId = this.viewer.sceneId;
      this._faceYaw = this.viewer.view?.get().yaw ?? 0;   // set against the head on the first frame
      session.addEventListener("end", this._onEnd);
      session.addEventListener("select", this._onSelect);
      session.addEventListener("visibilitychange", this._onHidden);
      space.addEventListener?.("reset", this._onReset);
      globalThis.document?.addEventListener("visibilitychange", this._onHidden);
      renderer.paused = true;
      session.requestAnimationFrame(this._onFrame);
      this._label();
      this.viewer.emit?.("xrstart", { mode: "panorama" });
    } catch (e) {
      session?.removeEventListener("end", onEarlyEnd);
      this.state.error = String(e?.message || e);
      const failed = xrLabelsFor(this.language).vrFailed;
      console.warn(`PanoXR: ${failed}: ${this.state.error}`);
      this._note(failed);
      if (session && !this.session && !endedEarly) session.end().catch(() => {});
      throw e;
    } finally {
      this._starting = false;
    }
  }

  /**
   * Ends the session (the page then renders as before). Resolves when it has ended, or at once when the runtime
   * refuses to end it (session.end() rejects: the session is then dropped here, its frames no longer drawn).
   */
  async exit() {
    const session = this.session;
    if (!session) return;
    const ended = new Promise((resolve) => session.addEventListener("end", resolve, { once: true }));
    try {
      await session.end();
    } catch (e) {
      console.warn(`PanoXR: session.end() failed (${e?.message || e}); leaving VR anyway`);
      this._ended();
      return;
    }
    await ended;
  }

  /** Shows `text` ("" hides it) in the live region under the toolbar, for NOTE_MS. */
  _note(text) {
    const doc = globalThis.document, root = this.viewer.root;
    if (!doc || !root) return;
    if (!this.note) {
      this.note = doc.createElement("p");
      this.note.className = "vtour-xr-note";
      this.note.setAttribute("role", "status");
      this.note.setAttribute("aria-live", "polite");
      this.note.style.cssText = "position: absolute; left: 50%; bottom: 64px; transform: translateX(-50%); margin: 0;"
        + " padding: 6px 12px; border-radius: 6px; background: rgba(0, 0, 0, 0.85); color: #fff; z-index: 30;";
      root.append(this.note);
    }
    this.note.textContent = text;
    this.note.hidden = !text;
    clearTimeout(this._noteTimer);
    if (text) this._noteTimer = setTimeout(() => this._note(""), NOTE_MS);
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
    if (r.gl !== this._gl) { this.exit(); return; }  // a new canvas replaced a lost context
    const pose = frame.getViewerPose(this.space);
    if (!pose || r.lost) { this._untracked(); return; }
    if (now - this._lastFrame > DWELL_GAP_MS) this.dwell.restart();
    this._lastFrame = now;
    this._tick(now);
    this._face(pose);
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
    const { marks, beams, labels } = this._pointing(frame, pose, now);
    this.state.eyes = views.map(({ view, vp }, i) => {
      const cam = xrCamera(view.projectionMatrix, view.transform.matrix, yawOffset, this._cams[i] ||= new Camera());
      r.drawView(cam, { framebuffer: layer.framebuffer, x: vp.x, y: vp.y, width: vp.width, height: vp.height });
      this.marks.draw(cam, marks);
      for (const label of labels) this.marks.drawLabel(cam, label);
      if (beams.length) {
        this.marks.drawBeams({ viewProj: multiply4(view.projectionMatrix, view.transform.inverse.matrix) }, beams);
      }
      return { eye: view.eye, x: vp.x, y: vp.y, width: vp.width, height: vp.height };
    });
    this.state.frames += 1;
  }

  /**
   * Turns the panorama (yawOffset) so that the yaw to face is ahead of the head: on the first frame, after a scene
   * change (the new scene's hotspots are live from the start of its cross-fade, before "scenechange") and after a
   * recentring. A new scene also clears the gaze's dwell: its links must be looked at afresh.
   */
  _face(pose) {
    if (this.viewer.sceneId !== this._sceneId) {
      this._sceneId = this.viewer.sceneId;
      this._faceYaw = this.viewer.view?.get().yaw ?? 0;
      this.dwell.reset();
    }
    if (this._faceYaw == null) return;
    const headYaw = yawPitchOf(poseForward(pose.transform.matrix)).yaw;   // in the reference space
    this.state.yawOffset = this._faceYaw - headYaw;
    this._faceYaw = null;
  }

  /** A frame without the head's pose (tracking lost): nothing is pointed at, the dwell starts afresh. */
  _untracked() {
    Object.assign(this.state, { pointed: [], dwell: 0, labels: [], label: null });
    this.dwell.restart();
  }

  /** Rays this frame: what each points at, the marks to draw; the gaze's dwell follows a link when complete. */
  _pointing(frame, pose, now) {
    const hotspots = this._hotspots(), yawOffset = this.state.yawOffset, session = this.session;
    const rays = [], beams = [];
    let gaze = null;
    for (const source of session.inputSources || []) {
      const rayPose = source.targetRaySpace && frame.getPose(source.targetRaySpace, this.space);
      if (!rayPose) continue;
      const d = rayDirection(rayPose.transform.matrix, yawOffset);
      if (source.targetRayMode === "gaze") { gaze = d; continue; }
      rays.push(d);   // tracked-pointer (a controller, a hand), transient-pointer (look and pinch), screen
      if (source.targetRayMode === "transient-pointer") this._noDwell = true;
      if (source.targetRayMode === "tracked-pointer") {
        const p = rayPose.transform.position;
        beams.push({ origin: [p.x, p.y, p.z], dir: poseForward(rayPose.transform.matrix) });
      }
    }
    const useGaze = !rays.length;
    if (useGaze && !gaze) gaze = toPanorama(poseForward(pose.transform.matrix), yawOffset);
    const pick = (d) => pickHotspot(d, hotspots, hitRadius)?.hotspot ?? null;
    const hits = useGaze ? [pick(gaze)] : rays.map(pick);
    const hot = new Set(hits.filter((h) => h && isLink(h)));
    let progress = 0, dwellOn = null;
    if (useGaze && !this._noDwell && (session.visibilityState ?? "visible") === "visible") {
      dwellOn = hot.values().next().value ?? null;
      const step = this.dwell.update(dwellOn, now);
      progress = step.progress;
      if (step.fire) this._activate(dwellOn);
    }
    const labels = [...new Set(hits.filter(Boolean))]
      .map((h) => ({ yaw: h.yaw, pitch: h.pitch, text: this._title(h) })).filter((l) => l.text);
    const pointed = [...hot].map((h) => h.id ?? null);
    Object.assign(this.state, { pointed, gaze: useGaze, dwell: progress, labels: labels.map((l) => l.text),
                                label: labels[0]?.text ?? null });
    const marks = hotspots.map((h) => ({ yaw: h.yaw, pitch: h.pitch, radiusDeg: ringRadius(h),
                                         kind: isLink(h) ? "link" : "info", hot: hot.has(h),
                                         progress: h === dwellOn ? progress : 0 }));
    for (const d of rays) marks.push({ ...yawPitchOf(d), radiusDeg: 0.6, kind: "cursor" });
    return { marks, beams, labels };
  }

  /** A hotspot's title in the viewer's language (tour.json's, else its target's), or "". */
  _title(h) {
    try {
      return String(this.viewer.tour?.hotspotTitle?.(h, this.viewer.language) || "").trim();
    } catch {
      return "";
    }
  }

  /** A select (trigger, pinch) of an input source: follows the link hotspot its ray points at. */
  _select(e) {
    if (!this.session) return;
    const rayPose = e.frame?.getPose(e.inputSource.targetRaySpace, this.space);
    if (!rayPose) return;
    const d = rayDirection(rayPose.transform.matrix, this.state.yawOffset);
    const hit = pickHotspot(d, this._hotspots(), hitRadius);   // the nearest of any kind: only a link acts
    if (hit && isLink(hit.hotspot)) this._activate(hit.hotspot);
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
    session.removeEventListener("visibilitychange", this._onHidden);
    this.space?.removeEventListener?.("reset", this._onReset);
    globalThis.document?.removeEventListener("visibilitychange", this._onHidden);
    this.session = null;
    this.space = null;
    this.marks?.dispose();
    this.marks = null;
    Object.assign(this.state, { presenting: false, pointed: [], dwell: 0, labels: [], label: null });
    const r = this.viewer.renderer;
    if (r && !r.disposed) {
      r.gl.bindFramebuffer(r.gl.FRAMEBUFFER, null);
      r.paused = false;
      // the page's view turns to where the visitor last looked
      if (this._head && this.viewer.view) this.viewer.view.set({ yaw: this._head.yaw, pitch: this._head.pitch });
      r.requestRender();
    }
    this._label();
    this.viewer.emit?.("xrend", { mode: "panorama" });
  }

  dispose() {
    this.disposed = true;
    this.xr?.removeEventListener?.("devicechange", this._onDeviceChange);
    this._offLost?.();
    if (this.session) this.session.end().catch(() => {});
    this.button?.remove();
    this.button = null;
    clearTimeout(this._noteTimer);
    this.note?.remove();
    this.note = null;
  }
}
