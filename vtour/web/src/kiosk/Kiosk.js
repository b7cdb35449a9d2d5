import { Attract } from "./Attract.js";
import { Bridge } from "./Bridge.js";
import { Countdown } from "./Countdown.js";
import { Lockdown } from "./Lockdown.js";
import { StaffExit } from "./StaffExit.js";
import { kioskLabelsFor, kioskLanguages } from "./labels.js";
import { ACTIVE, ATTRACT, COUNTDOWN, KioskMachine, kioskOptions } from "./state.js";
import css from "./kiosk.css";

/** The input that counts as a visitor's activity, anywhere in the document. */
export const ACTIVITY_EVENTS = ["pointerdown", "touchstart", "keydown", "wheel"];
/** A kiosk whose tour failed to load reloads the page after this long, ms. */
export const RETRY_MS = 30_000;

/**
 * The visitor-centre kiosk (mount option `kiosk`; docs/kiosk.md): the page locked down for touch only
 * (Lockdown.js), an attract loop (Attract.js) it starts in and goes back to, a two-tier idle time (after
 * idleSeconds without input the "Are you still there?" countdown of Countdown.js, then attract; held while
 * narration plays and while a WebXR session runs; a hidden page goes to attract), the staff exit (StaffExit.js, with `exit: true`) and the launcher's bridge (Bridge.js:
 * pings, visit events, the package swap at attract).
 *
 * Options (kiosk/state.js kioskOptions): the mount option wins over tour.json settings.kiosk, which wins over
 * the defaults. The kiosk reports "attract" {state: "start" | "end"} and "idle_reset" {idleSeconds} with
 * viewer.track(); the visit events it passes on to the launcher that the attract loop caused (between "attract"
 * start and end: its scene_enter, dwell, muted narration) get `"attract": true`, so that statistics can leave
 * them out. `state` is "attract" | "active" | "countdown" (also the viewer root's data-kiosk), and the
 * kiosk emits nothing itself: the root's data-kiosk attribute and the visit events say what it does.
 *
 * Leaving attract, the visitor stays in the scene the loop shows, at the view it had reached: what caught
 * their eye is what they touched for, and jumping to the start scene would take it away (the gallery and the
 * links lead on from there).
 */
export class Kiosk {
  constructor(viewer, mountOptions = {}) {
    this.viewer = viewer;
    this.mountOptions = mountOptions && typeof mountOptions === "object" ? mountOptions : {};
    this.options = null;
    this.state = null;
    this.disposed = false;
    this._offs = [];
    this.lockdown = new Lockdown(viewer.root);
    this._style = addStyle(viewer.root);
    const bridge = this.mountOptions.bridge;  // (the launcher's base is the mount's: tour.json cannot move it)
    this.bridge = new Bridge(typeof bridge === "string" && bridge ? bridge.replace(/\/?$/, "/") : "__kiosk/", {
      state: () => ({ scene: viewer.sceneId ?? null, attract: this.state === ATTRACT }),
    });
    this.bridge.onReload = () => this._reload();
    // the visit events go to the launcher (from the first one: scene_enter of the start scene); those of the
    // attract loop itself (its scene_enter, dwell, muted narration: nobody is there) carry "attract": true, and so
    // do the page load's (the kiosk starts in its attract loop: nobody touched it yet)
    this._inLoop = true;
    // (the attract start and end events themselves are never marked: they are what cuts the log into visits)
    const mark = (e) => (this._inLoop && e.type !== "attract" ? { ...e, attract: true } : e);
    if (viewer.on) this._offs.push(viewer.on("visit", (e) => { this.bridge.add(mark(e)); this._urlNote(e); }));
    // a tour that would not load (media being swapped, a glitch) is tried again: nobody is there to reload it
    this.ready = Promise.resolve(viewer.ready).then(() => this._start(), () => {
      if (!this.disposed) this._retry = setTimeout(() => location.reload(), RETRY_MS);
    });
  }

  /** The launcher made a newer package live: reload now in attract, else at the next attract (a reload under a
   * visitor's finger would throw their visit away; the old page keeps working till then). */
  _reload() {
    if (this.disposed) return;
    if (this.state === ATTRACT) location.reload(); else this._reloadPending = true;
  }

  _start() {
    const v = this.viewer;
    if (this.disposed) return;
    this.options = kioskOptions(this.mountOptions, v.tour.settings?.kiosk, v.tour.scenes.map((s) => s.id));
    for (const p of this.options.problems) {
      const what = "used" in p ? `is out of range: ${p.used} is used` : "is not used";
      console.warn(`vtour kiosk: ${p.field} ${JSON.stringify(p.value)} ${what} (see docs/kiosk.md)`);
    }
    const reduced = globalThis.matchMedia?.("(prefers-reduced-motion: reduce)");
    this.attract = new Attract(v, this.options.attract, { reducedMotion: () => !!reduced?.matches });
    this.countdown = new Countdown(v, { onContinue: () => this.machine.input() });
    this.staff = this.options.exit ? new StaffExit(v, this.bridge, {
      onOpen: () => this.machine.hold("staff", true), onClose: () => this.machine.hold("staff", false),
    }) : null;
    this.machine = new KioskMachine(this.options, {
      onState: (state, previous, reason) => this._onState(state, previous, reason),
      onTick: (n) => this.countdown.show(n),
      // the time since the visitor's last input: the idle wait and the countdown (vtour stats ends the visit there)
      onIdleReset: () => v.track?.("idle_reset", { idleSeconds: this.options.idleSeconds + this.options.countdownSeconds }),
    });
    this._onInput = (e) => {
      if (e.type === "keydown" && ["Shift", "Control", "Alt", "Meta"].includes(e.key) && this.state !== ATTRACT) return;
      // the key that wakes the kiosk or answers the countdown does nothing else: its Enter or Space would click
      // what the focus goes back to (a hotspot), its Tab would leave the dialog before focus comes back
      if (e.type === "keydown" && this.state !== ACTIVE && e.cancelable) e.preventDefault();
      this.machine.input();
    };
    for (const type of ACTIVITY_EVENTS) {
      document.addEventListener(type, this._onInput, { capture: true, passive: type !== "keydown" });
    }
    // narration (or any media the viewer plays) holds the idle time; so does a WebXR session (panorama or statue:
    // nobody touches the screen with a headset on), and its end starts the idle time afresh
    if (v.on) {
      this._offs.push(v.on("mediastate", (playing) => this._media(playing)));
      this._offs.push(v.on("xrstart", () => this.machine.hold("xr", true)));
      this._offs.push(v.on("xrend", () => this.machine.hold("xr", false)));
    }
    // a hidden page (the launcher's or the staff's doing: nobody can use it) goes back to attract, so that it shows
    // again fresh instead of half-way through a countdown its throttled timers let stall; not while in a headset
    // (some browsers hide the page during an immersive session)
    this._onVisibility = () => {
      if (document.visibilityState === "hidden" && !this.machine.held) this.machine.attract();
    };
    document.addEventListener("visibilitychange", this._onVisibility);
    this.machine.start();
    this._media(!!v.mediaPlaying);
    this.bridge.ping();  // at once: the launcher hears the page is up (then every 10 s)
  }

  /** Media playing holds the idle time, except in attract (whose muted narration is the show itself). */
  _media(playing) { this.machine.hold("media", !!playing && this.state !== ATTRACT); }

  _onState(state, previous, reason) {
    const v = this.viewer;
    this.state = state;
    v.root.dataset.kiosk = state;
    if (state !== COUNTDOWN) this.countdown.hide({ instantly: state === ATTRACT });
    if (state === ATTRACT) {
      this.staff?.close();
      v.closeDialogs?.();
      v.stopNarration?.();
      v.track?.("attract", { state: "start" });
      this._inLoop = true;
      this.bridge.flush();
      this.attract.start();
      // the launcher swapped in a newer package: reload now, or at the next attract if a visitor came meanwhile
      // (a reload under a visitor's finger would throw their visit away; the old page keeps working till then)
      if (this._reloadPending) { location.reload(); return; }
      this.bridge.attract().then((reload) => {
        if (reload) this._reload();
      });
    } else if (previous === ATTRACT) {
      this.attract.stop();
      this._inLoop = false;
      v.track?.("attract", { state: "end" });
      this._media(!!v.mediaPlaying);  // narration the visitor starts from now on holds the idle time
    }
  }

  /**
   * An info hotspot with a web address: the kiosk cannot go there (Lockdown.js keeps the page), so its info dialog
   * says the address as plain text, in the viewer's language, for the visitor to look up later. (The viewer opens
   * the dialog right after it reports the hotspot: the note goes in once it is filled.)
   */
  _urlNote(e) {
    if (e.type !== "hotspot_open" || e.kind !== "url" || typeof e.target !== "string" || !e.target) return;
    queueMicrotask(() => {
      const info = this.viewer.info;
      if (this.disposed || !info?.isOpen || !info.body) return;
      const note = document.createElement("p");
      note.className = "vtour-kiosk-url-note";
      const lang = kioskLanguages([this.viewer.language])[0];
      note.lang = lang;
      note.append(`${kioskLabelsFor(lang).webAddress} `);
      const address = document.createElement("span");
      address.className = "vtour-kiosk-url";
      address.lang = "";
      address.textContent = e.target;
      note.append(address);
      info.body.querySelector(".vtour-kiosk-url-note")?.remove();
      info.body.append(note);
    });
  }

  /** Goes to attract now (tests; a page that wants it). */
  startAttract() { this.machine?.attract(); }

  dispose() {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this._retry);
    for (const off of this._offs) off();
    this._offs = [];
    if (this._onInput) for (const type of ACTIVITY_EVENTS) document.removeEventListener(type, this._onInput, { capture: true });
    if (this._onVisibility) document.removeEventListener("visibilitychange", this._onVisibility);
    this.machine?.dispose();
    this.attract?.dispose();
    this.countdown?.dispose();
    this.staff?.dispose();
    this.bridge.flush({ keepalive: true });
    this.bridge.dispose();
    this.lockdown.dispose();
    this._style?.remove();
    delete this.viewer.root?.dataset.kiosk;
  }
}

export { ACTIVE, ATTRACT, COUNTDOWN };

/** kiosk.css in a <style>: in the document's head, or the viewer's shadow root when it is in one. */
function addStyle(root) {
  const style = document.createElement("style");
  style.textContent = css;
  const host = root.getRootNode?.();
  if (host && host !== document && host.appendChild) host.appendChild(style);
  else document.head.appendChild(style);
  return style;
}
