import { inEvery, kioskLanguages } from "./labels.js";

/** The attract loop's slow camera move: yaw pan (degrees a second), and over a scene's time a gentle ease. */
export const PAN_DEG_PER_S = 3;
export const FOV_EASE = 0.88;     // the fov at the end of a scene's time, times its start
export const PITCH_EASE_DEG = 3;  // the pitch rises this much over a scene's time
/** The cross-fade between the attract loop's scenes, ms (none with reduced motion). */
export const ATTRACT_TRANSITION_MS = 1200;
/** How long the overlay keeps catching the input of the gesture that left it, at most, ms. */
const GESTURE_MS = 1000;

/** Smoothstep 0..1. */
const ease = (t) => { const x = Math.max(0, Math.min(1, t)); return x * x * (3 - 2 * x); };

/**
 * The next view of the attract pan: yaw moves `dir` * PAN_DEG_PER_S * dt, pitch and fov ease from `from`
 * over a scene's `fraction` (0..1). Pure (tested in node).
 */
export function panStep(from, yaw, dir, dt, fraction) {
  const s = ease(fraction);
  return { yaw: yaw + dir * PAN_DEG_PER_S * dt, pitch: from.pitch + PITCH_EASE_DEG * s,
           fov: from.fov + (from.fov * FOV_EASE - from.fov) * s };
}

/**
 * The attract state: a full-screen layer over the viewer (a modal dialog named by the tour's title) with the
 * tour's title, the scene's title and "Touch anywhere to start" in every language of the tour at once, over an
 * automatic tour of `options.scenes` (each shown `options.secondsPerScene` s with a slow pan, its narration
 * played muted with captions when `options.narration`; looping). With prefers-reduced-motion the view does not
 * move: only the scenes change.
 *
 * start() shows it and starts the loop; stop() ends the loop and the narration and hides the layer, which keeps
 * catching the rest of the gesture that left it (its click, its touch's click), so that nothing under it, a
 * hotspot say, is activated by the touch that woke the kiosk.
 */
export class Attract {
  constructor(viewer, options, { reducedMotion = () => false } = {}) {
    this.viewer = viewer;
    this.options = options;
    this.reducedMotion = reducedMotion;
    this.running = false;
    this.index = -1;
    this._token = null;
    this._timer = 0;
    this._stopPan = null;
    this._gestureTimer = 0;
    this.langs = kioskLanguages(viewer.tour.languages);
    const el = this.element = document.createElement("div");
    el.className = "vtour-kiosk-attract";
    el.hidden = true;
    el.tabIndex = -1;
    el.setAttribute("role", "dialog");
    el.setAttribute("aria-modal", "true");
    const uid = `vtour-kiosk-${Math.random().toString(36).slice(2, 8)}`;
    this.title = document.createElement("h2");
    this.title.className = "vtour-kiosk-tour-title";
    this.title.id = `${uid}-title`;
    this.sceneTitle = document.createElement("p");
    this.sceneTitle.className = "vtour-kiosk-scene-title";
    this.sceneTitle.setAttribute("aria-live", "off");
    this.prompt = document.createElement("p");
    this.prompt.className = "vtour-kiosk-touch";
    this.prompt.id = `${uid}-touch`;
    const panel = document.createElement("div");
    panel.className = "vtour-kiosk-attract-panel";
    panel.append(this.title, this.sceneTitle);
    el.append(panel, this.prompt);
    el.setAttribute("aria-labelledby", this.title.id);
    el.setAttribute("aria-describedby", this.prompt.id);
    fillLines(this.title, this._texts(viewer.tour.data.title));
    fillLines(this.prompt, inEvery(this.langs, "touchToStart"));
    // the rest of the gesture that left attract stops here (a touch's click too: its touchstart is prevented)
    this._swallow = (e) => { if (this._leaving) { e.preventDefault(); e.stopPropagation(); } };
    this._noTouchClick = (e) => { if (e.cancelable) e.preventDefault(); };
    this._gestureEnd = () => { if (this._leaving) this._finishSoon(300); };
    el.addEventListener("touchstart", this._noTouchClick, { passive: false });
    // the layer is modal: the wheel that wakes the kiosk does not also zoom the panorama under it
    el.addEventListener("wheel", (e) => { e.preventDefault(); e.stopPropagation(); }, { passive: false });
    for (const type of ["click", "dblclick", "contextmenu", "pointerup", "mouseup"]) el.addEventListener(type, this._swallow);
    for (const type of ["pointerup", "pointercancel", "touchend", "keyup"]) el.addEventListener(type, this._gestureEnd);
    viewer.root.appendChild(el);
  }

  /** [{lang, text}] of a tour text map in each of the tour's languages, a text shown once (a fallback repeats). */
  _texts(map) {
    const seen = new Set(), out = [];
    for (const lang of this.viewer.tour.languages) {
      const text = this.viewer.tour.text(map, lang);
      if (!text || seen.has(text)) continue;
      seen.add(text);
      out.push({ lang, text });
    }
    return out;
  }

  /** Shows the layer and starts the loop at the first of the chosen scenes. */
  start() {
    this._finish();
    this.running = true;
    this._leaving = false;
    this.element.hidden = false;
    this.element.classList.remove("vtour-kiosk-leaving");
    this.viewer.root.classList.add("vtour-kiosk-attracting");
    this.element.focus({ preventScroll: true });
    this.index = -1;
    this._next();
  }

  /** Ends the loop and the narration; the layer goes once the gesture that left it is over. */
  stop() {
    if (!this.running) return;
    this.running = false;
    this._token = null;
    clearTimeout(this._timer);
    this._stopPan?.();
    this._stopPan = null;
    this.viewer.stopNarration?.();
    this.viewer.root.classList.remove("vtour-kiosk-attracting");
    this._leaving = true;
    this.element.classList.add("vtour-kiosk-leaving");
    this._finishSoon(GESTURE_MS);
  }

  /** The scene the loop shows now (or null). */
  get sceneId() { return this.index < 0 ? null : this.options.scenes[this.index % this.options.scenes.length]; }

  _finishSoon(ms) {
    clearTimeout(this._gestureTimer);
    this._gestureTimer = setTimeout(() => this._finish(), ms);
  }

  _finish() {
    clearTimeout(this._gestureTimer);
    if (this.running) return;
    const focused = this.element.contains(document.activeElement) || this.element === document.activeElement;
    this._leaving = false;
    this.element.hidden = true;
    this.element.classList.remove("vtour-kiosk-leaving");
    if (focused) this.viewer.root.focus({ preventScroll: true });
  }

  async _next() {
    const scenes = this.options.scenes;
    if (!this.running || !scenes.length) return;
    this.index = (this.index + 1) % scenes.length;
    const id = scenes[this.index];
    const token = this._token = {};
    const v = this.viewer;
    this._stopPan?.();
    this._stopPan = null;
    v.stopNarration?.();
    const still = this.reducedMotion();
    try {
      if (id !== v.sceneId || this.index === 0) await v.goTo(id, null, { transitionMs: still ? 0 : ATTRACT_TRANSITION_MS });
    } catch { /* the viewer reported it; the loop goes on */ }
    if (token !== this._token) return;
    fillLines(this.sceneTitle, this._texts(v.tour.scene(v.sceneId)?.title));
    this.element.dataset.scene = v.sceneId ?? "";
    if (!still) this._pan();
    if (this.options.narration && v.playNarration) v.playNarration({ muted: true, captions: true }).catch(() => {});
    this._timer = setTimeout(() => this._next(), this.options.secondsPerScene * 1000);
  }

  /** The slow camera move over this scene's time (a pan that turns back at a partial panorama's edge). */
  _pan() {
    const v = this.viewer, r = v.renderer;
    if (!r?.onBeforeRender || !v.view) return;
    const view = v.view, from = view.get(), t0 = performance.now(), total = this.options.secondsPerScene * 1000;
    let last = t0, dir = 1, yaw = from.yaw;
    const stop = r.onBeforeRender((now) => {
      if (v.view !== view || !this.running) return false;
      const dt = Math.min(0.1, Math.max(0, now - last) / 1000);  // a hidden tab's pause is not a jump
      last = now;
      const next = panStep(from, yaw, dir, dt, (now - t0) / total);
      view.set(next);
      const off = ((((view.yaw - next.yaw) % 360) + 540) % 360) - 180;  // 0 unless a limit held it (wrap aside)
      if (dt > 0 && Math.abs(off) > 1e-6) dir = -dir;  // held at a partial panorama's edge: back the other way
      yaw = view.yaw;
      return true;
    });
    this._stopPan = () => stop();
    r.requestRender();
  }

  dispose() {
    this.stop();
    this._finish();
    clearTimeout(this._gestureTimer);
    this.element.remove();
  }
}

/** `el` emptied and given one line (a <span lang> each, as text) per {lang, text}. */
export function fillLines(el, lines) {
  el.replaceChildren(...lines.map(({ lang, text }) => {
    const span = document.createElement("span");
    span.className = "vtour-kiosk-line";
    span.lang = lang;
    span.textContent = text;
    return span;
  }));
}
