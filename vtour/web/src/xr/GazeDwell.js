/** How long the gaze must rest on a link hotspot to follow it, ms. */
export const DWELL_MS = 1500;
/** A gap between two frames longer than this (the headset taken off, the system menu) restarts the dwell, ms. */
export const DWELL_GAP_MS = 500;

/**
 * The gaze's dwell on one target (xr/PanoXR.js): `update(target, now)` each frame with what the gaze rests on
 * (any object, or null) and the frame's time (ms) returns {progress (0..1), fire (bool)}; `fire` is true on the one
 * frame the dwell completes. Invariants that keep one look from following two links:
 *  - after a dwell fires, and after reset() (a scene change, the session hidden), the gaze must first rest on
 *    nothing (a target of null) before any target can fire again: a visitor who lands in a new scene looking at one
 *    of its links does not follow it without looking away and back;
 *  - only time seen in consecutive frames counts: PanoXR calls restart() after a gap between frames longer than
 *    DWELL_GAP_MS, or when the session is hidden, and the dwell starts afresh.
 * Options: ms (default DWELL_MS).
 */
export class GazeDwell {
  constructor({ ms = DWELL_MS } = {}) {
    this.ms = ms;
    this.target = null;
    this.since = 0;
    this.mustLeave = false;
  }

  /** The dwell in progress starts again from the next update (a target rested on still counts). */
  restart() { this.target = null; }

  /** Forgets the dwell in progress; no target fires until the gaze has rested on nothing. */
  reset() {
    this.target = null;
    this.mustLeave = true;
  }

  update(target, now) {
    if (!target) { this.target = null; this.mustLeave = false; return { progress: 0, fire: false }; }
    if (this.mustLeave) return { progress: 0, fire: false };
    if (target !== this.target) { this.target = target; this.since = now; }
    const progress = Math.min(1, (now - this.since) / this.ms);
    if (progress < 1) return { progress, fire: false };
    this.reset();
    return { progress: 0, fire: true };
  }
}
