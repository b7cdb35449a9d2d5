/**
 * Kiosk mode's touch-only page: no page zoom (ctrl / meta + wheel, ctrl / meta + plus, minus, 0, Safari's
 * gesture events, a pinch outside the viewer's stage), no text selection, no context menu, no swipe-back or
 * overscroll, no image drag, no history keys (Alt + arrows, the browser's Back key). The viewer's stage keeps
 * its own gestures: its touch-action is none (views/ViewControls.js) and it zooms the panorama with pointer
 * events, which nothing here stops (a prevented touchmove or wheel still reaches the viewer's listeners).
 *
 * The page's html and body get touch-action: none (no browser pan or zoom; a scrolling dialog inside still
 * scrolls: a scroller's own touch-action starts afresh), overscroll-behavior: none and user-select: none as
 * inline styles, put back as they were on dispose(). A viewport meta without user zoom is added when the page
 * lacks one (the kiosk package's index.html has it).
 */
export const ZOOM_KEYS = new Set(["+", "=", "-", "_", "0", "Add", "Subtract"]);
export const ZOOM_CODES = new Set(["Equal", "Minus", "Digit0", "NumpadAdd", "NumpadSubtract", "Numpad0"]);

/** Whether keydown `e` is a browser shortcut the kiosk keeps from the browser (zoom, history). */
export function isBlockedKey(e) {
  if ((e.ctrlKey || e.metaKey) && (ZOOM_KEYS.has(e.key) || ZOOM_CODES.has(e.code))) return true;
  if (e.altKey && (e.key === "ArrowLeft" || e.key === "ArrowRight" || e.key === "Home")) return true;
  return e.key === "BrowserBack" || e.key === "BrowserForward" || e.key === "BrowserHome";
}

const EDITABLE = "input, textarea, [contenteditable=''], [contenteditable='true']";
const PAGE_STYLE = { touchAction: "none", overscrollBehavior: "none", userSelect: "none", webkitUserSelect: "none",
                     webkitTouchCallout: "none" };

export class Lockdown {
  /** @param {Element} stage the viewer's stage (its own pinch and drag stay) */
  constructor(stage, { doc = document } = {}) {
    this.doc = doc;
    this.stage = stage;
    const win = doc.defaultView;
    this._listeners = [];
    const on = (target, type, fn, opts = { capture: true, passive: false }) => {
      target.addEventListener(type, fn, opts);
      this._listeners.push([target, type, fn, opts]);
    };
    const stop = (e) => { if (e.cancelable) e.preventDefault(); };
    on(win, "wheel", (e) => { if (e.ctrlKey || e.metaKey) stop(e); });
    on(win, "keydown", (e) => { if (isBlockedKey(e)) stop(e); });
    for (const type of ["gesturestart", "gesturechange", "gestureend"]) on(doc, type, stop);
    // a pinch outside the stage (the viewer's own inside it is pointer events on a touch-action: none element)
    on(doc, "touchmove", (e) => { if (e.touches.length > 1 && !this._inStage(e)) stop(e); });
    on(doc, "touchstart", (e) => { if (e.touches.length > 1 && !this._inStage(e)) stop(e); });
    on(doc, "contextmenu", stop);
    on(doc, "selectstart", (e) => { if (!e.target?.closest?.(EDITABLE)) stop(e); });
    on(doc, "dragstart", stop);
    this._saved = [];
    for (const el of [doc.documentElement, doc.body].filter(Boolean)) {
      const before = Object.fromEntries(Object.keys(PAGE_STYLE).map((k) => [k, el.style[k]]));  // (aliases read first)
      Object.assign(el.style, PAGE_STYLE);
      this._saved.push([el, before]);
    }
    doc.documentElement.classList.add("vtour-kiosk-page");
    this._meta = null;
    if (!doc.querySelector('meta[name="viewport"]')) {
      const meta = this._meta = doc.createElement("meta");
      meta.name = "viewport";
      meta.content = "width=device-width, initial-scale=1, maximum-scale=1, user-scalable=no";
      doc.head?.appendChild(meta);
    }
  }

  /** Whether every touch of `e` is on the viewer's stage (its target's composed path holds the stage). */
  _inStage(e) {
    const path = e.composedPath?.() || [];
    return !!this.stage && (path.includes(this.stage) || this.stage.contains(e.target));
  }

  dispose() {
    for (const [t, type, fn, opts] of this._listeners) t.removeEventListener(type, fn, opts);
    this._listeners = [];
    for (const [el, before] of this._saved) for (const [k, v] of Object.entries(before)) el.style[k] = v;
    this._saved = [];
    this.doc.documentElement.classList.remove("vtour-kiosk-page");
    this._meta?.remove();
  }
}
