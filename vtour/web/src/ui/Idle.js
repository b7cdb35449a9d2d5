import { IdleTimer } from "./IdleTimer.js";

/**
 * What the viewer does while nobody touches it, from its options and tour.json's settings:
 * `rotate` {idleSeconds, speed (deg/s)} or null (autorotate), `returnSeconds` (kiosk: back to the
 * start after this long; 0: never), `autotourSeconds` (on to the next scene every this many seconds;
 * 0: never). An option given wins over the tour's setting; `autorotate: false` turns rotation off.
 */
export function idlePlan(options, settings = {}) {
  const rotate = options.autorotate === false ? null : (options.autorotate || settings.autorotate || null);
  return {
    rotate: rotate && rotate.idleSeconds > 0 ? { idleSeconds: rotate.idleSeconds, speed: rotate.speed ?? 2 } : null,
    returnSeconds: options.idleReturnSeconds ?? settings.kiosk?.idleReturnSeconds ?? 0,
    autotourSeconds: options.autotourSeconds > 0 ? options.autotourSeconds : 0,
  };
}

/**
 * Idle behaviour of a viewer (an idlePlan): autorotate turns the view returned by getView() by
 * `speed` degrees of yaw per second of frames; onReturn() runs after `returnSeconds` (the kiosk
 * going back to the start) and onNext() every `autotourSeconds` (the autotour). interact() stops
 * the turn and restarts every wait; dispose() stops everything. While paused() is true (a modal dialog is open)
 * the panorama does not turn, and no frame is asked for: a turn due then waits again, one running stops; the kiosk
 * return and the autotour still run (the return closes the dialogs).
 */
export class Idle {
  /**
   * @param {{rotate: ?{idleSeconds: number, speed: number}, returnSeconds: number, autotourSeconds: number}} plan
   * @param {{renderer: {onBeforeRender: Function, requestRender: Function}, getView: () => ?object,
   *          onReturn?: () => void, onNext?: () => void, paused?: () => boolean}} hooks
   */
  constructor(plan, { renderer, getView, onReturn = () => {}, onNext = () => {}, paused = () => false }) {
    this.renderer = renderer;
    this.getView = getView;
    this.paused = paused;
    this.rotating = false;
    this._stopRotate = null;
    this._turn = null;
    this._timers = [];
    if (plan.rotate) {
      const turn = this._turn = new IdleTimer(plan.rotate.idleSeconds,
                                              () => (this.paused() ? turn.poke() : this._rotate(plan.rotate.speed)));
      this._timers.push(turn);
    }
    if (plan.returnSeconds > 0) this._timers.push(new IdleTimer(plan.returnSeconds, onReturn));
    if (plan.autotourSeconds > 0) {
      const next = new IdleTimer(plan.autotourSeconds, () => { onNext(); next.poke(); });
      this._timers.push(next);
    }
  }

  /** The visitor did something: stop turning, wait again from now. */
  interact() {
    this._stop();
    for (const t of this._timers) t.poke();
  }

  _rotate(speed) {
    if (this.rotating) return;
    this.rotating = true;
    let last = performance.now();
    this._stopRotate = this.renderer.onBeforeRender((now) => {
      if (this.paused()) { this._stop(); this._turn?.poke(); return false; }  // turns again once closed and idle
      const dt = Math.min(0.1, (now - last) / 1000); // s; a long pause (hidden tab) is not a jump
      last = now;
      const view = this.getView();
      view?.set({ yaw: view.yaw + speed * dt });
      return true;
    });
    this.renderer.requestRender();
  }

  _stop() {
    this._stopRotate?.();
    this._stopRotate = null;
    this.rotating = false;
  }

  dispose() {
    for (const t of this._timers) t.dispose();
    this._timers = [];
    this._stop();
  }
}
