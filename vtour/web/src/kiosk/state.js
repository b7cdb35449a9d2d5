/**
 * The kiosk's logic without a DOM (tested in node with a fake clock): its options (kioskOptions) and its state
 * machine (KioskMachine). Kiosk.js wires them to the page.
 */

/** Defaults of the kiosk's options (docs/kiosk.md; the mount option `kiosk` and tour.json settings.kiosk). */
export const KIOSK_DEFAULTS = Object.freeze({
  bridge: "__kiosk/",    // the launcher's calls, relative to the page (Bridge.js)
  exit: false,           // true: a staff exit (five taps in the top-left corner, then the PIN)
  idleSeconds: 60,       // without any input this long (while active): the countdown; 0: never
  countdownSeconds: 15,  // the countdown's length; 0: straight to attract after the idle time
  attract: Object.freeze({
    scenes: null,        // the scenes the attract loop shows, in order; null: every scene of the tour
    secondsPerScene: 20, // each scene shown this long
    narration: true,     // a scene's narration played muted, its captions shown
  }),
});

/**
 * The bounds of the kiosk's times, seconds. The most is a day: a longer idle time is a kiosk that never resets,
 * and past 2^31 ms (24.8 days) the browser's setTimeout fires at once, which would loop the attract state. The
 * least keeps a slip of the keyboard (0.05 for 5) from flashing the countdown at every visitor: a time under it
 * is raised to it, but 0 keeps its meaning (idle: never; countdown: none).
 */
export const SECONDS_BOUNDS = Object.freeze({
  idleSeconds: Object.freeze({ min: 1, max: 86_400 }),
  countdownSeconds: Object.freeze({ min: 1, max: 86_400 }),
  secondsPerScene: Object.freeze({ min: 1, max: 86_400 }),
});

const isSeconds = (v) => typeof v === "number" && Number.isFinite(v) && v >= 0;

/** `v` (seconds, >= 0) within `bounds` (0 stays 0); a value moved is reported as {field, value, used}. */
function bounded(v, { min, max }, field, problems) {
  if (v === 0) return 0;
  const used = Math.min(max, Math.max(min, v));
  if (used !== v) problems.push({ field, value: v, used });
  return used;
}

/**
 * The kiosk's options: `mount` (the mount option `kiosk`) wins over `settings` (tour.json settings.kiosk), which
 * wins over KIOSK_DEFAULTS, key by key (`attract` too). The old settings.kiosk.idleReturnSeconds (a viewer that
 * went straight back to the start after that long) reads as idleSeconds with no countdown, where the same level
 * gives neither idleSeconds nor countdownSeconds (as `vtour package --idle-return` writes it). A value of the
 * wrong kind is left out (the next level's is used) and reported in `problems` (field, value). `scenes`
 * (the tour's scene ids, in order): attract.scenes keeps only those; none left (or none given) is every scene.
 * A time outside SECONDS_BOUNDS is moved to the nearest bound and reported with the value `used`.
 * Returns {bridge, exit, idleSeconds, countdownSeconds, attract: {scenes, secondsPerScene, narration}, problems}.
 */
export function kioskOptions(mount, settings, scenes = []) {
  const problems = [];
  const out = { ...KIOSK_DEFAULTS, attract: { ...KIOSK_DEFAULTS.attract } };
  const level = (src, where) => {
    if (!src || typeof src !== "object") return;
    const legacy = src.idleReturnSeconds;
    if (legacy !== undefined && src.idleSeconds === undefined) {
      if (isSeconds(legacy)) {
        out.idleSeconds = bounded(legacy, SECONDS_BOUNDS.idleSeconds, `${where}.idleReturnSeconds`, problems);
        if (src.countdownSeconds === undefined) out.countdownSeconds = 0;
      } else problems.push({ field: `${where}.idleReturnSeconds`, value: legacy });
    }
    for (const key of ["idleSeconds", "countdownSeconds"]) {
      if (src[key] === undefined || src[key] === null) continue;
      if (isSeconds(src[key])) out[key] = bounded(src[key], SECONDS_BOUNDS[key], `${where}.${key}`, problems);
      else problems.push({ field: `${where}.${key}`, value: src[key] });
    }
    if (src.bridge !== undefined && src.bridge !== null) {
      if (typeof src.bridge === "string" && src.bridge) out.bridge = src.bridge.endsWith("/") ? src.bridge : `${src.bridge}/`;
      else problems.push({ field: `${where}.bridge`, value: src.bridge });
    }
    if (src.exit !== undefined && src.exit !== null) out.exit = src.exit === true;
    const a = src.attract;
    if (a === undefined || a === null) return;
    if (typeof a !== "object" || Array.isArray(a)) { problems.push({ field: `${where}.attract`, value: a }); return; }
    if (a.scenes !== undefined && a.scenes !== null) {
      if (Array.isArray(a.scenes) && a.scenes.every((s) => typeof s === "string")) out.attract.scenes = [...a.scenes];
      else problems.push({ field: `${where}.attract.scenes`, value: a.scenes });
    }
    if (a.secondsPerScene !== undefined && a.secondsPerScene !== null) {
      if (isSeconds(a.secondsPerScene) && a.secondsPerScene > 0) {
        out.attract.secondsPerScene = bounded(a.secondsPerScene, SECONDS_BOUNDS.secondsPerScene,
                                              `${where}.attract.secondsPerScene`, problems);
      } else problems.push({ field: `${where}.attract.secondsPerScene`, value: a.secondsPerScene });
    }
    if (a.narration !== undefined && a.narration !== null) out.attract.narration = a.narration !== false;
  };
  level(settings, "settings.kiosk");
  level(mount, "kiosk");
  const known = new Set(scenes);
  const chosen = (out.attract.scenes || []).filter((id) => {
    if (known.has(id)) return true;
    problems.push({ field: "attract.scenes", value: id });
    return false;
  });
  out.attract.scenes = chosen.length ? chosen : [...scenes];
  out.problems = problems;
  return out;
}

/** The kiosk's states. */
export const ATTRACT = "attract", ACTIVE = "active", COUNTDOWN = "countdown";

/** setTimeout / clearTimeout of the page (a test passes a fake clock). */
export const REAL_CLOCK = Object.freeze({
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (t) => clearTimeout(t),
});

/**
 * The kiosk's states: "attract" (the attract loop; the first input leaves it) -> "active" (a visitor) ->
 * after idleSeconds without input, "countdown" (countdownSeconds, one tick a second; input goes back to active)
 * -> attract. With countdownSeconds 0 the idle time leads straight to attract; with idleSeconds 0 the kiosk never
 * goes idle. While anything holds the machine (hold(key, true): narration audio playing, the staff's PIN pad
 * open) the idle time does not run: it starts again from zero when the last hold is let go; a hold taken during
 * the countdown ends it (back to active).
 *
 * Hooks: onState(state, previous, reason) with reason "start" | "input" | "idle" | "reset" | "hold";
 * onTick(secondsLeft) at the countdown's start and each second; onIdleReset() when the countdown runs out (before
 * the state becomes attract).
 */
export class KioskMachine {
  constructor({ idleSeconds = 60, countdownSeconds = 15 } = {},
              { onState = () => {}, onTick = () => {}, onIdleReset = () => {}, clock = REAL_CLOCK } = {}) {
    this.idleSeconds = idleSeconds;
    this.countdownSeconds = countdownSeconds;
    this.hooks = { onState, onTick, onIdleReset };
    this.clock = clock;
    this.state = null;
    this.secondsLeft = 0;
    this._holds = new Set();
    this._timer = null;
    this._disposed = false;
  }

  /** Enters attract (the kiosk starts there). */
  start() { this._set(ATTRACT, "start"); }

  /** Whether anything holds the idle time. */
  get held() { return this._holds.size > 0; }

  /** The visitor did something (a touch, a key, the wheel, a click on Continue). */
  input() {
    if (this._disposed) return;
    if (this.state === ACTIVE) this._arm();
    else this._set(ACTIVE, "input");
  }

  /** Holds (`on` true) or lets go of (false) the idle time for `key` ("media", "staff", ...). */
  hold(key, on) {
    if (this._disposed || on === this._holds.has(key)) return;
    if (on) this._holds.add(key); else this._holds.delete(key);
    if (this.state === COUNTDOWN && on) this._set(ACTIVE, "hold");
    else if (this.state === ACTIVE) this._arm();
  }

  /** Straight to attract (a test, or the page asked for it). */
  attract() { if (!this._disposed && this.state !== ATTRACT) this._set(ATTRACT, "reset"); }

  dispose() { this._disposed = true; this._clear(); }

  _set(state, reason) {
    const previous = this.state;
    this._clear();
    this.state = state;
    if (state === COUNTDOWN) this.secondsLeft = Math.ceil(this.countdownSeconds);
    this.hooks.onState(state, previous, reason);
    if (this.state !== state || this._disposed) return;  // the hook moved on
    if (state === ACTIVE) this._arm();
    else if (state === COUNTDOWN) this._tick();
  }

  _arm() {
    this._clear();
    if (this.held || !(this.idleSeconds > 0)) return;
    this._timer = this.clock.setTimeout(() => {
      this._timer = null;
      if (this.countdownSeconds > 0) this._set(COUNTDOWN, "idle");
      else this._reset();
    }, this.idleSeconds * 1000);
  }

  _tick() {
    this.hooks.onTick(this.secondsLeft);
    if (this.state !== COUNTDOWN) return;
    // the last second may be a fraction (countdownSeconds 2.5: 3, 2, 1 -> 0.5 s)
    const ms = this.secondsLeft === Math.ceil(this.countdownSeconds)
      ? (this.countdownSeconds - (this.secondsLeft - 1)) * 1000 : 1000;
    this._timer = this.clock.setTimeout(() => {
      this._timer = null;
      this.secondsLeft -= 1;
      if (this.secondsLeft <= 0) this._reset();
      else this._tick();
    }, ms);
  }

  _reset() {
    this.hooks.onIdleReset();
    if (!this._disposed && this.state !== ATTRACT) this._set(ATTRACT, "idle");
  }

  _clear() {
    if (this._timer !== null) this.clock.clearTimeout(this._timer);
    this._timer = null;
  }
}
