import { fillLines } from "./Attract.js";
import { inEvery, kioskLanguages } from "./labels.js";

/**
 * The "Are you still there?" countdown: an alertdialog over everything, its question, a visible number counting
 * down and a large Continue button, each in every language of the tour. show(n) opens it at n seconds (focus
 * goes to Continue, and back where it was on hide()); set(n) updates the number; onContinue() runs for the
 * button (any input anywhere cancels the countdown too: Kiosk.js). Like the attract layer, it keeps the rest of
 * the gesture that closed it, so that the touch that says "still here" does not also act on what is under it.
 */
export class Countdown {
  constructor(viewer, { onContinue = () => {} } = {}) {
    this.viewer = viewer;
    this.isOpen = false;
    this._returnFocus = null;
    this._timer = 0;
    const langs = this.langs = kioskLanguages(viewer.tour.languages);
    const uid = `vtour-kiosk-${Math.random().toString(36).slice(2, 8)}`;
    const el = this.element = document.createElement("div");
    el.className = "vtour-kiosk-countdown";
    el.hidden = true;
    el.setAttribute("role", "alertdialog");
    el.setAttribute("aria-modal", "true");
    const box = document.createElement("div");
    box.className = "vtour-kiosk-countdown-box";
    this.heading = document.createElement("h2");
    this.heading.id = `${uid}-q`;
    this.heading.className = "vtour-kiosk-question";
    fillLines(this.heading, inEvery(langs, "stillThere"));
    this.number = document.createElement("p");
    this.number.className = "vtour-kiosk-number";
    this.number.setAttribute("aria-hidden", "true");  // the description says it in words
    this.text = document.createElement("p");
    this.text.id = `${uid}-d`;
    this.text.className = "vtour-kiosk-countdown-text";
    this.button = document.createElement("button");
    this.button.type = "button";
    this.button.className = "vtour-kiosk-continue";
    fillLines(this.button, inEvery(langs, "continue"));
    this.button.addEventListener("click", () => onContinue());
    box.append(this.heading, this.number, this.text, this.button);
    el.append(box);
    el.setAttribute("aria-labelledby", this.heading.id);
    el.setAttribute("aria-describedby", this.text.id);
    this._swallow = (e) => { if (this._leaving && e.target !== this.button) { e.preventDefault(); e.stopPropagation(); } };
    this._noTouchClick = (e) => { if (e.cancelable && e.target !== this.button && !this.button.contains(e.target)) e.preventDefault(); };
    el.addEventListener("touchstart", this._noTouchClick, { passive: false });
    el.addEventListener("wheel", (e) => { e.preventDefault(); e.stopPropagation(); }, { passive: false });
    for (const type of ["click", "pointerup", "mouseup", "contextmenu"]) el.addEventListener(type, this._swallow);
    viewer.root.appendChild(el);
  }

  /** Opens at `seconds` left. */
  show(seconds) {
    clearTimeout(this._timer);
    this._leaving = false;
    if (!this.isOpen) {
      const active = deepActive();
      this._returnFocus = active && active !== document.body ? active : null;
    }
    this.isOpen = true;
    this.set(seconds);
    this.element.hidden = false;
    this.element.classList.remove("vtour-kiosk-leaving");
    this.button.focus({ preventScroll: true });
  }

  /** The number shown (and said in the description). */
  set(seconds) {
    this.seconds = seconds;
    this.number.textContent = String(seconds);
    this.element.dataset.seconds = String(seconds);
    fillLines(this.text, inEvery(this.langs, "countdown", { n: seconds }));
  }

  /** Closes; focus goes back to where it was (or to the viewer). */
  hide({ instantly = false } = {}) {
    if (!this.isOpen) return;
    this.isOpen = false;
    const hadFocus = this.element.contains(deepActive());
    this._leaving = !instantly;
    this.element.classList.add("vtour-kiosk-leaving");
    const done = () => {
      if (this.isOpen) return;
      this._leaving = false;
      this.element.hidden = true;
      this.element.classList.remove("vtour-kiosk-leaving");
    };
    if (instantly) done(); else this._timer = setTimeout(done, 400);
    if (hadFocus) {
      const back = this._returnFocus;
      if (back?.isConnected && !this.element.contains(back)) back.focus({ preventScroll: true });
      else this.viewer.root.focus({ preventScroll: true });
    }
    this._returnFocus = null;
  }

  dispose() {
    clearTimeout(this._timer);
    this.element.remove();
  }
}

/** The focused element, looking into open shadow roots. */
export function deepActive() {
  let a = document.activeElement;
  while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
  return a;
}
