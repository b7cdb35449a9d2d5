/**
 * The turntable's arithmetic, pure: the strip turntable.jpg holds `frames` square frames side by side, frame k the
 * camera at 360 k / frames degrees around +Y (vtour.collection.views), frame 0 the front.
 */

/** `k` wrapped into 0 .. frames - 1 (any integer, negative too). */
export function wrapFrame(k, frames) {
  const n = Math.max(1, Math.floor(frames));
  return ((Math.round(k) % n) + n) % n;
}

/**
 * The frame shown after a drag of `dx` CSS px from frame `start` on a picture `width` px wide: one width turns the
 * object once round; dragging to the left shows the frames that follow (the object's surface follows the finger).
 */
export function frameAfterDrag(start, dx, width, frames) {
  if (!(width > 0)) return wrapFrame(start, frames);
  return wrapFrame(start - (dx / width) * frames, frames);
}

/** The frame's angle in whole degrees (0 .. 359). */
export function frameDegrees(k, frames) {
  return Math.round((360 * wrapFrame(k, frames)) / Math.max(1, Math.floor(frames))) % 360;
}

/** CSS background-position-x of frame k in a strip of `frames` (a percentage: 0% first, 100% last). */
export function framePosition(k, frames) {
  return frames > 1 ? `${(100 * wrapFrame(k, frames)) / (frames - 1)}%` : "0%";
}

/**
 * A CSS `url("...")` of `href`, an absolute URL as `new URL().href` gives it (already percent-encoded: encoding it
 * again would turn "%20" into "%2520" and lose a folder named with a space or in Chinese). Only what a quoted CSS
 * string cannot hold is escaped: `"`, `\` and line breaks.
 */
export function cssUrl(href) {
  return `url("${String(href).replace(/["\\\n\r\f]/g, (c) => `\\${c.codePointAt(0).toString(16)} `)}")`;
}
