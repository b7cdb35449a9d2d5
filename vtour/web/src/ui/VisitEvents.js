/**
 * Visit events (docs/events.md): what a visitor does in the viewer, as plain JSON objects
 * `{type, t, scene, language, ...fields}` (`t`: ISO-8601 UTC). No ids of people, no network: the viewer only
 * hands them to its listeners (viewer.on("visit"), the DOM event "vtour:visit"); a site or the kiosk decides what
 * to keep. DOM-free: the viewer gives the emitter and the clocks.
 */

/** Each type's own fields (besides type, t, scene and language). */
export const VISIT_TYPES = Object.freeze({
  scene_enter: ["from"],
  dwell: ["seconds"],
  hotspot_open: ["hotspot", "kind", "target"],
  model_open: ["model"],
  image_open: ["image"],
  language: ["from"],
  narration: ["target", "muted"],
  idle_reset: ["idleSeconds"],
  attract: ["state"],
});

/** Seconds between two clock readings in ms, to one decimal. */
export function dwellSeconds(fromMs, toMs) {
  return Math.round(Math.max(0, toMs - fromMs) / 100) / 10;
}

/**
 * Makes, checks and emits visit events, and measures dwell: the time a scene was shown while the page was visible
 * and the kiosk was not in its attract state.
 *
 * Hooks: emit(event) hands one event on; state() -> {scene, language} now; clock() ms, monotonic (performance.now);
 * date() -> Date (the event's `t`).
 */
export class VisitTracker {
  constructor({ emit, state, clock = () => performance.now(), date = () => new Date() }) {
    this._emit = emit;
    this._state = state;
    this._clock = clock;
    this._date = date;
    this._dwell = null;      // {scene, since} while a dwell is being measured
    this._attract = false;   // between attract start and attract end: no dwell (nobody is there)
    this._hidden = false;    // the page is hidden (another tab, the screen off): no dwell
  }

  /**
   * Emits a visit event of `type` (one of VISIT_TYPES) with `fields` (only that type's own fields are kept;
   * `scene` and `language` may be given to override the viewer's). Returns the event. An attract start ends the
   * dwell first; an attract end starts a new one.
   */
  track(type, fields = {}) {
    const own = VISIT_TYPES[type];
    if (!own) {
      throw new Error(`visit event type ${JSON.stringify(type)} is unknown; use one of ${Object.keys(VISIT_TYPES).join(", ")}`);
    }
    if (type === "attract" && fields.state === "start") { this.leave(); this._attract = true; }
    const now = this._state();
    const event = { type, t: this._date().toISOString(), scene: fields.scene ?? now.scene ?? null,
                    language: fields.language ?? now.language ?? null };
    for (const k of own) event[k] = fields[k] === undefined ? null : fields[k];
    this._emit(event);
    if (type === "attract" && fields.state === "end") { this._attract = false; this.resume(); }
    return event;
  }

  /** Scene `scene` is shown (coming from `from`, or null): the dwell in the one left, then scene_enter. */
  enter(scene, from = null) {
    this.leave();
    const event = this.track("scene_enter", { scene, from });
    this.resume(scene);
    return event;
  }

  /** The scene is left (or the page hidden, or the attract state begins): its dwell, if one is being measured. */
  leave() {
    const d = this._dwell;
    if (!d) return null;
    this._dwell = null;
    return this.track("dwell", { scene: d.scene, seconds: dwellSeconds(d.since, this._clock()) });
  }

  /** The page is hidden (true: the dwell ends) or shown again (false: a new one starts). */
  setHidden(hidden) {
    this._hidden = !!hidden;
    if (hidden) this.leave(); else this.resume();
  }

  /** Starts measuring the dwell in `scene` (default: the one shown), unless hidden, attracting or measuring. */
  resume(scene = this._state().scene) {
    if (this._dwell || this._hidden || this._attract || !scene) return;
    this._dwell = { scene, since: this._clock() };
  }
}
