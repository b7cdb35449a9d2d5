// vtour/web/src/ui/Idle.js: autorotate, the kiosk's return to the start and the autotour.
import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";

import { Idle, idlePlan } from "../../vtour/web/src/ui/Idle.js";

test("the viewer's options win over the tour's settings, and false turns autorotate off", () => {
  const settings = { autorotate: { idleSeconds: 30, speed: 3 }, kiosk: { idleReturnSeconds: 120 } };
  assert.deepEqual(idlePlan({ autorotate: null, idleReturnSeconds: null, autotourSeconds: 0 }, settings),
                   { rotate: { idleSeconds: 30, speed: 3 }, returnSeconds: 120, autotourSeconds: 0 });
  assert.deepEqual(idlePlan({ autorotate: { idleSeconds: 5 }, idleReturnSeconds: 0, autotourSeconds: 8 }, settings),
                   { rotate: { idleSeconds: 5, speed: 2 }, returnSeconds: 0, autotourSeconds: 8 });
  assert.deepEqual(idlePlan({ autorotate: false, idleReturnSeconds: null, autotourSeconds: -1 }, {}),
                   { rotate: null, returnSeconds: 0, autotourSeconds: 0 });
  assert.equal(idlePlan({ autorotate: null }, { autorotate: { idleSeconds: 0, speed: 2 } }).rotate, null);
});

/** A renderer that runs its before-render callbacks only when the test says so. */
function fakeRenderer() {
  const fns = new Set();
  return { fns, requested: 0, onBeforeRender(fn) { fns.add(fn); return () => fns.delete(fn); },
           requestRender() { this.requested += 1; }, frame(now) { for (const fn of [...fns]) fn(now); } };
}

test("after the idle time the view turns at its speed in degrees per second, until the visitor acts", async () => {
  const renderer = fakeRenderer();
  const view = { yaw: 10, set({ yaw }) { this.yaw = yaw; } };
  const idle = new Idle({ rotate: { idleSeconds: 0.02, speed: 4 }, returnSeconds: 0, autotourSeconds: 0 },
                        { renderer, getView: () => view });
  assert.equal(renderer.fns.size, 0);
  await until(() => idle.rotating);
  assert.equal(renderer.requested, 1);
  const t0 = performance.now();
  renderer.frame(t0);        // the time since the turn began: up to 0.1 s
  const yaw0 = view.yaw;
  assert.ok(yaw0 > 10 && yaw0 <= 10.4, yaw0);
  renderer.frame(t0 + 50);   // 100 ms of frames: 0.4 degrees
  renderer.frame(t0 + 100);
  assert.ok(Math.abs(view.yaw - yaw0 - 0.4) < 1e-9, view.yaw);
  renderer.frame(t0 + 5100); // a 5 s gap (a hidden tab) counts as 0.1 s
  assert.ok(Math.abs(view.yaw - yaw0 - 0.8) < 1e-9, view.yaw);
  idle.interact();
  assert.equal(idle.rotating, false);
  assert.equal(renderer.fns.size, 0);
  idle.dispose();
});

test("the kiosk returns once per idle spell and the autotour keeps moving on, until disposed", async () => {
  const calls = { back: 0, next: 0 };
  const idle = new Idle({ rotate: null, returnSeconds: 0.03, autotourSeconds: 0.02 },
                        { renderer: fakeRenderer(), getView: () => null,
                          onReturn: () => { calls.back += 1; }, onNext: () => { calls.next += 1; } });
  // timers fire in the order they are due: by the 6th step (>= 120 ms) the return (30 ms) has fired
  await until(() => calls.next >= 6);
  assert.equal(calls.back, 1);
  idle.interact();              // a new idle spell: one more return
  await until(() => calls.back === 2);
  idle.dispose();
  const after = { ...calls };
  await sleep(80);
  assert.deepEqual(calls, after);
});

/** Resolves when `predicate()` holds; fails after `timeoutMs` (timers run late on a busy machine). */
async function until(predicate, timeoutMs = 5000) {
  const t0 = performance.now();
  while (!predicate()) {
    assert.ok(performance.now() - t0 < timeoutMs, `not within ${timeoutMs} ms: ${predicate}`);
    await sleep(5);
  }
}
