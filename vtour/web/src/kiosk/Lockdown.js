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
 *
 * Nothing leaves the page either (a link in a tour text, an info hotspot's URL, a script): a link that would go
 * to another document or window is not followed (click, middle click, Enter), window.open opens nothing (null,
 * as a blocked pop-up), a form is not sent elsewhere, and a link or file dropped onto the page is not opened.
 */
export const ZOOM_KEYS = new Set(["+", "=", "-", "_", "0", "Add", "Subtract"]);
export const ZOOM_CODES = new Set(["Equal", "Minus", "Digit0", "NumpadAdd", "NumpadSubtract", "Numpad0"]);

/** The editing keys a text field keeps with Ctrl / Cmd (the PIN field: select all, copy, cut, paste, undo). */
const EDIT_KEYS = new Set(["a", "c", "v", "x", "z"]);

/**
 * Whether keydown `e` is a browser shortcut the kiosk keeps from the browser: zoom, history, and every other
 * Ctrl / Cmd / Alt combination and function key (new window or tab, open, save, print, view source, find, the
 * address bar, downloads, developer tools, full screen, reload), the ways out of a kiosk a keyboard left at the
 * stand would give. A browser may keep some for itself (Ctrl+N, Ctrl+T, Ctrl+W in Chromium): its kiosk mode
 * (vtour kiosk-launch starts it so) is the other half. `editable`: the key goes to a text field.
 */
export function isBlockedKey(e, { editable = false } = {}) {
  const key = String(e.key || "");
  if (key === "BrowserBack" || key === "BrowserForward" || key === "BrowserHome" || key === "BrowserRefresh"
      || key === "BrowserSearch" || key === "ContextMenu" || /^F\d{1,2}$/.test(key)) return true;
  if (e.ctrlKey || e.metaKey) return !(editable && !e.altKey && !e.shiftKey && EDIT_KEYS.has(key.toLowerCase()));
  return !!e.altKey && !["Alt", "Shift", "Control", "Meta", "AltGraph"].includes(key);
}

/**
 * Whether following link `a` (an <a> or <area> with an href) would leave the kiosk's page: another document, a
 * new window or tab (any target but _self), a download. A jump within the page (#id) stays.
 */
export function leavesPage(a, here = location.href) {
  if (a.hasAttribute("download")) return true;
  const target = (a.getAttribute("target") || "").trim().toLowerCase();
  if (target && target !== "_self") return true;
  let url;
  try { url = new URL(a.getAttribute("href"), a.baseURI || here); } catch { return true; }
  const page = new URL(here);
  return url.origin !== page.origin || url.pathname !== page.pathname || url.search !== page.search
    || !url.hash;
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
    on(win, "keydown", (e) => { if (isBlockedKey(e, { editable: !!e.target?.closest?.(EDITABLE) })) stop(e); });
    // the ways out of the page: links to elsewhere (any button, Enter on one too: all reach "click"), pop-ups, forms,
    // drops (a dropped link or file replaces the page); the middle button's press would start autoscroll
    const link = (e) => e.composedPath?.().find((n) => n.matches?.("a[href], area[href]")) || null;
    const away = (e) => { const a = link(e); if (a && leavesPage(a, doc.location?.href)) stop(e); };
    on(doc, "click", away);
    on(doc, "auxclick", (e) => { if (link(e)) stop(e); });
    on(doc, "mousedown", (e) => { if (e.button === 1) stop(e); });
    on(doc, "submit", (e) => {
      const f = e.target;
      if (f?.getAttribute?.("action") || (f?.target && f.target !== "_self")) stop(e);
    });
    for (const type of ["dragover", "drop"]) on(win, type, stop);
    this._open = Object.getOwnPropertyDescriptor(win, "open");
    this._win = win;
    this.refused = 0;  // what window.open was asked for and refused (a count a test or the staff can read)
    win.open = () => { this.refused += 1; return null; };
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
    if (this._open) Object.defineProperty(this._win, "open", this._open); else delete this._win.open;
    for (const [el, before] of this._saved) for (const [k, v] of Object.entries(before)) el.style[k] = v;
    this._saved = [];
    this.doc.documentElement.classList.remove("vtour-kiosk-page");
    this._meta?.remove();
  }
}
