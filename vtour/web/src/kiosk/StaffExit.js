import { fillLines } from "./Attract.js";
import { deepActive } from "./Countdown.js";
import { fill, inEvery, kioskLabelsFor, kioskLanguages } from "./labels.js";

/** The staff exit's gesture: TAPS taps within WINDOW_MS in the page's top-left CORNER_PX x CORNER_PX corner. */
export const TAPS = 5, WINDOW_MS = 3000, CORNER_PX = 64;
/** The PIN pad closes itself after this long without input, ms. */
export const PAD_IDLE_MS = 30_000;
/** The PIN's length (as vtour package takes it). */
export const PIN_MIN = 4, PIN_MAX = 12;

/**
 * Counts corner taps: tap(x, y, t) (CSS px from the page's top-left, ms) returns true when this tap makes
 * `taps` taps in the corner within `windowMs` (and starts counting afresh). A tap elsewhere starts afresh too.
 */
export class TapCounter {
  constructor({ taps = TAPS, windowMs = WINDOW_MS, cornerPx = CORNER_PX } = {}) {
    this.taps = taps; this.windowMs = windowMs; this.cornerPx = cornerPx;
    this.times = [];
  }

  tap(x, y, t) {
    if (!(x >= 0 && y >= 0 && x < this.cornerPx && y < this.cornerPx)) { this.times = []; return false; }
    this.times = this.times.filter((s) => t - s < this.windowMs);
    this.times.push(t);
    if (this.times.length < this.taps) return false;
    this.times = [];
    return true;
  }
}

/**
 * The staff exit (kiosk option `exit: true`): five taps in the top-left corner open a PIN pad (a modal dialog:
 * digit buttons and the keyboard, the entry masked, Delete, Enter, Cancel). Enter POSTs the PIN to the launcher
 * (bridge.exit): 403 says "Wrong PIN", 429 "Too many tries, wait a minute", 200 "Closing…" (the launcher closes
 * the browser), each in every language of the tour. The pad closes itself after PAD_IDLE_MS without input.
 * onOpen / onClose tell the kiosk (its idle time is held meanwhile).
 */
export class StaffExit {
  constructor(viewer, bridge, { onOpen = () => {}, onClose = () => {}, now = () => performance.now() } = {}) {
    this.viewer = viewer;
    this.bridge = bridge;
    this.hooks = { onOpen, onClose };
    this.now = now;
    this.counter = new TapCounter();
    this.isOpen = false;
    this.busy = false;
    this._idle = 0;
    this._returnFocus = null;
    this.langs = kioskLanguages(viewer.tour.languages);
    const L = kioskLabelsFor(this.langs[0]);
    const uid = `vtour-kiosk-${Math.random().toString(36).slice(2, 8)}`;
    const el = this.element = document.createElement("div");
    el.className = "vtour-kiosk-staff";
    el.hidden = true;
    el.setAttribute("role", "dialog");
    el.setAttribute("aria-modal", "true");
    const form = this.form = document.createElement("form");
    form.className = "vtour-kiosk-pad";
    form.noValidate = true;
    const heading = document.createElement("h2");
    heading.id = `${uid}-h`;
    fillLines(heading, inEvery(this.langs, "staffExit"));
    el.setAttribute("aria-labelledby", heading.id);
    const label = document.createElement("label");
    label.htmlFor = `${uid}-pin`;
    label.className = "vtour-kiosk-pin-label";
    fillLines(label, dedupe(inEvery(this.langs, "pin")));
    const input = this.input = document.createElement("input");
    input.id = `${uid}-pin`;
    input.type = "password";
    input.className = "vtour-kiosk-pin";
    input.autocomplete = "off";
    input.inputMode = "none";          // no on-screen keyboard: the pad's buttons are the keyboard
    input.maxLength = PIN_MAX;
    input.spellcheck = false;
    input.addEventListener("input", () => {
      const digits = input.value.replace(/\D+/g, "").slice(0, PIN_MAX);
      if (digits !== input.value) input.value = digits;
      this._poke();
    });
    this.message = document.createElement("p");
    this.message.className = "vtour-kiosk-pin-message";
    this.message.setAttribute("role", "status");
    const keys = document.createElement("div");
    keys.className = "vtour-kiosk-keys";
    const key = (text, name, fn, cls = "") => {
      const b = document.createElement("button");
      b.type = "button";
      b.className = `vtour-kiosk-key ${cls}`.trim();
      b.textContent = text;
      if (name) b.setAttribute("aria-label", name);
      b.addEventListener("click", () => { fn(); this._poke(); });
      keys.appendChild(b);
      return b;
    };
    for (const d of ["1", "2", "3", "4", "5", "6", "7", "8", "9"]) key(d, fill(L.digit, { n: d }), () => this._digit(d));
    this.deleteButton = key("⌫", L.deleteDigit, () => { input.value = input.value.slice(0, -1); }, "vtour-kiosk-key-delete");
    key("0", fill(L.digit, { n: "0" }), () => this._digit("0"));
    this.submitButton = key("↵", L.submit, () => this._submit(), "vtour-kiosk-key-submit");
    this.cancelButton = document.createElement("button");
    this.cancelButton.type = "button";
    this.cancelButton.className = "vtour-kiosk-cancel";
    fillLines(this.cancelButton, dedupe(inEvery(this.langs, "cancel")));
    this.cancelButton.addEventListener("click", () => this.close());
    form.append(heading, label, input, this.message, keys, this.cancelButton);
    form.addEventListener("submit", (e) => { e.preventDefault(); this._submit(); });
    form.addEventListener("keydown", (e) => {
      this._poke();
      if (e.key === "Escape") { e.preventDefault(); this.close(); }
    });
    el.appendChild(form);
    // the dialog is modal: nothing under it hears its presses
    for (const type of ["pointerdown", "click", "wheel"]) el.addEventListener(type, (e) => { e.stopPropagation(); this._poke(); });
    viewer.root.appendChild(el);
    // the fifth tap opens the pad once its gesture is over (its click, or a moment after it), so that the
    // tap's own focus change and click do not land on what is under the pad
    this._pending = 0;
    this._onTap = (e) => {
      if (this.isOpen || this._pending || (e.pointerType === "mouse" && e.button !== 0)) return;
      if (this.counter.tap(e.clientX, e.clientY, this.now())) this._pending = setTimeout(() => this._openPending(), 600);
    };
    this._onClick = (e) => {
      if (!this._pending) return;
      e.preventDefault();
      e.stopPropagation();
      this._openPending();
    };
    this._onMouseDown = (e) => { if (this._pending) e.preventDefault(); };  // no focus change by the tap
    document.addEventListener("pointerdown", this._onTap, { capture: true, passive: true });
    document.addEventListener("click", this._onClick, { capture: true });
    document.addEventListener("mousedown", this._onMouseDown, { capture: true });
  }

  _openPending() {
    clearTimeout(this._pending);
    this._pending = 0;
    this.open();
  }

  /** Opens the PIN pad (empty). */
  open() {
    if (this.isOpen) return;
    this.isOpen = true;
    const active = deepActive();
    this._returnFocus = active && active !== document.body ? active : null;
    this.input.value = "";
    this._say(null);
    this._enable(true);
    this.element.hidden = false;
    this.hooks.onOpen();
    this._poke();
    this.input.focus({ preventScroll: true });
  }

  /** Closes it; focus goes back where it was. */
  close() {
    if (!this.isOpen) return;
    this.isOpen = false;
    clearTimeout(this._idle);
    const hadFocus = this.element.contains(deepActive());
    this.element.hidden = true;
    this.input.value = "";
    if (hadFocus) {
      const back = this._returnFocus;
      if (back?.isConnected && !this.element.contains(back)) back.focus({ preventScroll: true });
      else this.viewer.root.focus({ preventScroll: true });
    }
    this._returnFocus = null;
    this.hooks.onClose();
  }

  _poke() {
    if (!this.isOpen) return;
    clearTimeout(this._idle);
    this._idle = setTimeout(() => this.close(), PAD_IDLE_MS);
  }

  _digit(d) {
    if (this.busy || this.input.value.length >= PIN_MAX) return;
    this.input.value += d;
  }

  async _submit() {
    const pin = this.input.value;
    if (this.busy || !this.isOpen) return;
    if (pin.length < PIN_MIN) { this._say("wrongPin"); this.input.value = ""; return; }
    this.busy = true;
    this._enable(false);
    let status = 0;
    try {
      status = await this.bridge.exit(pin);
    } finally {
      this.busy = false;
    }
    if (!this.isOpen) return;
    if (status === 200) { this._say("closing"); return; }  // the launcher closes the browser
    this._enable(true);
    this.input.value = "";
    this._say(status === 403 ? "wrongPin" : status === 429 ? "tooMany" : "unavailable");
    this.input.focus({ preventScroll: true });
    this._poke();
  }

  _enable(on) {
    for (const b of this.form.querySelectorAll(".vtour-kiosk-key")) b.disabled = !on;
    this.input.readOnly = !on;
  }

  /** The message (a kiosk word's key, in every language), or none. */
  _say(key) {
    this.message.dataset.message = key || "";
    if (key) fillLines(this.message, dedupe(inEvery(this.langs, key)));
    else this.message.replaceChildren();
  }

  dispose() {
    clearTimeout(this._idle);
    clearTimeout(this._pending);
    document.removeEventListener("pointerdown", this._onTap, { capture: true });
    document.removeEventListener("click", this._onClick, { capture: true });
    document.removeEventListener("mousedown", this._onMouseDown, { capture: true });
    this.element.remove();
  }
}

/** [{lang, text}] with a text that repeats an earlier one left out ("PIN" in English and German). */
function dedupe(lines) {
  const seen = new Set();
  return lines.filter(({ text }) => (seen.has(text) ? false : (seen.add(text), true)));
}
