/**
 * What the object and story pages keep in the URL's hash, so that a link shares the page as seen:
 * `#lang=zh&view=left` (the language and the large view), `&model` while the 3D inspector is open, `&image=2`
 * while the second photograph is open in deep zoom (1-based, as images/<k>/), `&room=ritual` on the story page
 * (a room to scroll to). parsePageHash and formatPageHash are the format, pure.
 */

/** The views of an object, in the order the page shows them (vtour.collection.views.VIEW_NAMES). */
export const VIEW_NAMES = ["front", "back", "left", "right", "top", "bottom"];

/**
 * The state in `hash` (leading "#" optional): {lang, view, model, image, room}; lang, view and room are strings or
 * undefined (absent or empty; a view not in VIEW_NAMES is undefined), model is a boolean (present, with or without a
 * value other than 0 or false), image a positive integer or undefined.
 */
export function parsePageHash(hash) {
  const q = new URLSearchParams(String(hash ?? "").replace(/^#/, ""));
  const view = q.get("view");
  const image = q.get("image");
  const k = /^\d+$/.test(image ?? "") ? Number(image) : NaN;
  return {
    lang: q.get("lang") || undefined,
    view: VIEW_NAMES.includes(view) ? view : undefined,
    model: q.has("model") && !["0", "false"].includes(q.get("model")),
    image: Number.isSafeInteger(k) && k > 0 ? k : undefined,
    room: q.get("room") || undefined,
  };
}

/** The hash (without "#") of a state {lang, view?, model?, image?, room?}: what parsePageHash reads back. */
export function formatPageHash({ lang, view, model = false, image, room }) {
  const q = new URLSearchParams();
  if (lang) q.set("lang", lang);
  if (view) q.set("view", view);
  if (room) q.set("room", room);
  if (image) q.set("image", String(image));
  const s = String(q);
  return model ? (s ? `${s}&model` : "model") : s;
}
