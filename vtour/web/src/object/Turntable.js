import { el } from "./dom.js";
import { fill } from "./labels.js";
import { cssUrl, frameAfterDrag, frameDegrees, framePosition, wrapFrame } from "./turntableFrame.js";

/**
 * The turntable: views.json's strip (`turntable.path`, `frames` square frames side by side) shown one frame at a
 * time as a CSS background, turned by dragging or swiping the picture (pointer events; a vertical swipe still
 * scrolls the page) and by a range slider (its arrow keys, Home, End; a drag gives it the focus, so the arrows go
 * on from there). No autoplay. onChange(frame) after each turn.
 */
export class Turntable {
  /**
   * @param {{url: string, frames: number, frame?: number, labels: object, title: string, onChange?: function}} o
   *   url: the strip's absolute URL (used as is); labels: objectLabelsFor(lang); title: the object's title, in the same language
   */
  constructor({ url, frames, frame = 0, labels, title, onChange = () => {} }) {
    this.frames = Math.max(1, Math.floor(frames));
    this.frame = wrapFrame(frame, this.frames);
    this.onChange = onChange;
    this.labels = labels;
    this.title = title;
    const sliderId = `vtour-turn-${Math.random().toString(36).slice(2)}`;
    this.picture = el("div", { className: "vtour-turntable-picture", attrs: { role: "img" } });
    this.picture.style.backgroundImage = cssUrl(url);
    this.picture.style.backgroundSize = `${this.frames * 100}% 100%`;
    this.slider = el("input", { className: "vtour-turntable-slider",
      attrs: { id: sliderId, type: "range", min: 0, max: this.frames - 1, step: 1 } });
    this.value = el("output", { className: "vtour-turntable-value", attrs: { for: sliderId } });
    this.element = el("div", { className: "vtour-turntable" }, [
      this.picture,
      el("div", { className: "vtour-turntable-controls" }, [
        el("label", { text: labels.turn, attrs: { for: sliderId } }), this.slider, this.value]),
    ]);
    this.slider.addEventListener("input", () => this.set(Number(this.slider.value)));
    this._drag = null;
    this.picture.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      this._drag = { id: e.pointerId, x: e.clientX, start: this.frame };
      this.picture.setPointerCapture?.(e.pointerId);
      this.picture.classList.add("vtour-dragging");
      e.preventDefault();
      this.slider.focus({ preventScroll: true });  // the arrow keys go on turning from where the drag left it
    });
    this.picture.addEventListener("pointermove", (e) => {
      const d = this._drag;
      if (!d || d.id !== e.pointerId) return;
      this.set(frameAfterDrag(d.start, e.clientX - d.x, this.picture.clientWidth, this.frames));
    });
    const end = (e) => {
      if (!this._drag || this._drag.id !== e.pointerId) return;
      this._drag = null;
      this.picture.classList.remove("vtour-dragging");
    };
    this.picture.addEventListener("pointerup", end);
    this.picture.addEventListener("pointercancel", end);
    this._show();
  }

  /** Shows frame `k` (wrapped). */
  set(k) {
    const f = wrapFrame(k, this.frames);
    if (f === this.frame) return;
    this.frame = f;
    this._show();
    this.onChange(f);
  }

  _show() {
    const degrees = frameDegrees(this.frame, this.frames);
    this.picture.style.backgroundPosition = `${framePosition(this.frame, this.frames)} 0`;
    this.picture.setAttribute("aria-label", fill(this.labels.turntableAlt, { title: this.title, degrees }));
    this.picture.dataset.frame = String(this.frame);
    this.slider.value = String(this.frame);
    const text = fill(this.labels.angle, { degrees });
    this.value.textContent = text;
    this.slider.setAttribute("aria-valuetext", text);
  }

  dispose() { this.element.remove(); }
}
