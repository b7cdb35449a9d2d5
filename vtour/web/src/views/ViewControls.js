/**
 * Mouse drag, touch drag and pinch, wheel and keyboard (arrows, +/-) acting on the PanoView that
 * getView() returns at the time (scenes change views).
 * Emits nothing itself: it calls onInteract() at every user action (for idle timers).
 *
 * Options: keyStepDeg (number, default 5), zoomStep (number, default 1.15).
 */
export class ViewControls {
  constructor(element, getView, { onInteract = () => {}, keyStepDeg = 5, zoomStep = 1.15 } = {}) {
    this.element = element; this.getView = getView; this.onInteract = onInteract;
    this.keyStepDeg = keyStepDeg; this.zoomStep = zoomStep;
    this.pointers = new Map();
    this.pinchDist = 0;
    this._listeners = [];
    const on = (type, fn, opts) => { element.addEventListener(type, fn, opts); this._listeners.push([type, fn, opts]); };
    on("pointerdown", (e) => this._down(e));
    on("pointermove", (e) => this._move(e));
    on("pointerup", (e) => this._up(e));
    on("pointercancel", (e) => this._up(e));
    on("wheel", (e) => this._wheel(e), { passive: false });
    on("keydown", (e) => this._key(e));
    element.style.touchAction = "none";
  }

  _down(e) {
    // controls keep their own clicks (pointer capture would retarget them to this element)
    if (e.target !== this.element && e.target.closest?.("button, select, input, a, [role=dialog], .vtour-toolbar")) return;
    if (e.button !== undefined && e.button !== 0 && e.pointerType === "mouse") return;
    this.element.setPointerCapture?.(e.pointerId);
    this.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    this.pinchDist = this._spread();
    this.element.focus({ preventScroll: true });
    this.onInteract();
  }

  _spread() {
    const p = [...this.pointers.values()];
    return p.length >= 2 ? Math.hypot(p[0].x - p[1].x, p[0].y - p[1].y) : 0;
  }

  _move(e) {
    const last = this.pointers.get(e.pointerId);
    if (!last) return;
    const h = this.element.clientHeight;
    if (this.pointers.size === 1) {
      this.getView()?.dragBy(e.clientX - last.x, e.clientY - last.y, h);
    }
    last.x = e.clientX; last.y = e.clientY;
    if (this.pointers.size >= 2) {
      const d = this._spread();
      if (this.pinchDist > 0 && d > 0) this.getView()?.zoomBy(this.pinchDist / d);
      this.pinchDist = d;
    }
    this.onInteract();
  }

  _up(e) {
    this.pointers.delete(e.pointerId);
    this.pinchDist = this._spread();
  }

  _wheel(e) {
    e.preventDefault();
    if (!this.getView()) return;
    const dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
    this.getView().zoomBy(Math.pow(this.zoomStep, Math.max(-3, Math.min(3, dy / 100))));
    this.onInteract();
  }

  _key(e) {
    const s = this.keyStepDeg, v = this.getView();
    if (!v || e.target !== this.element) return; // keys on buttons and fields stay theirs
    const actions = {
      ArrowLeft: () => v.set({ yaw: v.yaw - s }), ArrowRight: () => v.set({ yaw: v.yaw + s }),
      ArrowUp: () => v.set({ pitch: v.pitch + s }), ArrowDown: () => v.set({ pitch: v.pitch - s }),
      "+": () => v.zoomBy(1 / this.zoomStep), "=": () => v.zoomBy(1 / this.zoomStep),
      "-": () => v.zoomBy(this.zoomStep), "_": () => v.zoomBy(this.zoomStep),
    };
    const act = actions[e.key];
    if (!act || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    act();
    this.onInteract();
  }

  dispose() {
    for (const [type, fn, opts] of this._listeners) this.element.removeEventListener(type, fn, opts);
    this._listeners = [];
    this.pointers.clear();
  }
}
