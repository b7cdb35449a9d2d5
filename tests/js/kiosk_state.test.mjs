// vtour/web/src/kiosk/state.js: the kiosk's options and its state machine (attract, active, countdown), on a fake clock.
import assert from "node:assert/strict";
import { test } from "node:test";

import { ATTRACT, ACTIVE, COUNTDOWN, KIOSK_DEFAULTS, KioskMachine, kioskOptions } from "../../vtour/web/src/kiosk/state.js";

const SCENES = ["entrance", "chamber", "niche"];

/** A clock whose time moves only when the test says (advance(ms) runs what falls due, in order). */
function fakeClock() {
  let now = 0, next = 1;
  const timers = new Map();
  return {
    get now() { return now; },
    get pending() { return timers.size; },
    setTimeout(fn, ms) { const id = next++; timers.set(id, { at: now + ms, fn }); return id; },
    clearTimeout(id) { timers.delete(id); },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = end;
    },
  };
}

function machine(options = { idleSeconds: 60, countdownSeconds: 15 }) {
  const clock = fakeClock();
  const log = [];
  const m = new KioskMachine(options, {
    clock,
    onState: (state, previous, reason) => log.push(["state", state, previous, reason]),
    onTick: (n) => log.push(["tick", n]),
    onIdleReset: () => log.push(["reset"]),
  });
  return { m, clock, log };
}

test("the defaults: 60 s idle, a 15 s countdown, every scene 20 s each with narration", () => {
  const o = kioskOptions(undefined, undefined, SCENES);
  assert.deepEqual({ ...o, problems: undefined }, {
    bridge: "__kiosk/", exit: false, idleSeconds: 60, countdownSeconds: 15, problems: undefined,
    attract: { scenes: SCENES, secondsPerScene: 20, narration: true },
  });
  assert.deepEqual(o.problems, []);
  assert.equal(KIOSK_DEFAULTS.attract.scenes, null);
});

test("the mount option wins over tour.json settings.kiosk, which wins over the defaults, key by key (attract too)", () => {
  const settings = { idleSeconds: 90, countdownSeconds: 10, attract: { scenes: ["niche", "entrance"], secondsPerScene: 30 } };
  const mount = { bridge: "kiosk-api", exit: true, countdownSeconds: 5, attract: { narration: false } };
  const o = kioskOptions(mount, settings, SCENES);
  assert.equal(o.idleSeconds, 90);
  assert.equal(o.countdownSeconds, 5);
  assert.equal(o.bridge, "kiosk-api/");
  assert.equal(o.exit, true);
  assert.deepEqual(o.attract, { scenes: ["niche", "entrance"], secondsPerScene: 30, narration: false });
  const again = kioskOptions({ attract: { scenes: ["chamber"] } }, settings, SCENES);
  assert.deepEqual(again.attract.scenes, ["chamber"]);
  assert.equal(again.attract.secondsPerScene, 30);
});

test("the old idleReturnSeconds is the idle time with no countdown, unless its level says otherwise", () => {
  assert.deepEqual([kioskOptions({}, { idleReturnSeconds: 120 }, SCENES)].map((o) => [o.idleSeconds, o.countdownSeconds])[0], [120, 0]);
  const both = kioskOptions({}, { idleReturnSeconds: 120, countdownSeconds: 20 }, SCENES);
  assert.deepEqual([both.idleSeconds, both.countdownSeconds], [120, 20]);
  const newer = kioskOptions({}, { idleReturnSeconds: 120, idleSeconds: 45 }, SCENES);
  assert.deepEqual([newer.idleSeconds, newer.countdownSeconds], [45, 15]);
  // the mount's idleSeconds wins over the tour's old setting; the tour's "no countdown" stays
  const mounted = kioskOptions({ idleSeconds: 30 }, { idleReturnSeconds: 120 }, SCENES);
  assert.deepEqual([mounted.idleSeconds, mounted.countdownSeconds], [30, 0]);
});

test("values of the wrong kind and unknown scenes are left out and reported; no scene left means every scene", () => {
  const o = kioskOptions({ idleSeconds: -1, attract: { secondsPerScene: 0, scenes: ["nope"] } },
                         { countdownSeconds: "10", attract: "all" }, SCENES);
  assert.equal(o.idleSeconds, 60);
  assert.equal(o.countdownSeconds, 15);
  assert.equal(o.attract.secondsPerScene, 20);
  assert.deepEqual(o.attract.scenes, SCENES);
  assert.deepEqual(o.problems.map((p) => p.field), ["settings.kiosk.countdownSeconds", "settings.kiosk.attract",
                                                     "kiosk.idleSeconds", "kiosk.attract.secondsPerScene", "attract.scenes"]);
  const some = kioskOptions({ attract: { scenes: ["niche", "gone", "entrance"] } }, {}, SCENES);
  assert.deepEqual(some.attract.scenes, ["niche", "entrance"]);
});

test("the kiosk starts in attract; the first input makes it active", () => {
  const { m, log, clock } = machine();
  m.start();
  assert.equal(m.state, ATTRACT);
  clock.advance(3_600_000);
  assert.equal(m.state, ATTRACT, "attract lasts until someone comes");
  m.input();
  assert.equal(m.state, ACTIVE);
  assert.deepEqual(log, [["state", ATTRACT, null, "start"], ["state", ACTIVE, ATTRACT, "input"]]);
});

test("idle -> countdown (ticking each second) -> idle_reset -> attract", () => {
  const { m, log, clock } = machine({ idleSeconds: 60, countdownSeconds: 3 });
  m.start();
  m.input();
  log.length = 0;
  clock.advance(59_999);
  assert.equal(m.state, ACTIVE);
  clock.advance(1);
  assert.equal(m.state, COUNTDOWN);
  assert.deepEqual(log, [["state", COUNTDOWN, ACTIVE, "idle"], ["tick", 3]]);
  clock.advance(1000);
  clock.advance(1000);
  assert.deepEqual(log.slice(2), [["tick", 2], ["tick", 1]]);
  assert.equal(m.secondsLeft, 1);
  clock.advance(999);
  assert.equal(m.state, COUNTDOWN);
  clock.advance(1);
  assert.deepEqual(log.slice(4), [["reset"], ["state", ATTRACT, COUNTDOWN, "idle"]]);
  assert.equal(m.state, ATTRACT);
  assert.equal(clock.pending, 0, "nothing runs in attract");
});

test("input restarts the idle time; input during the countdown cancels it and the wait starts afresh", () => {
  const { m, clock } = machine({ idleSeconds: 10, countdownSeconds: 5 });
  m.start();
  m.input();
  clock.advance(9000);
  m.input();
  clock.advance(9000);
  assert.equal(m.state, ACTIVE, "the wait restarted at the input");
  clock.advance(1000);
  assert.equal(m.state, COUNTDOWN);
  clock.advance(4000);
  m.input();
  assert.equal(m.state, ACTIVE);
  clock.advance(9999);
  assert.equal(m.state, ACTIVE, "a whole idle time again, not the countdown's remainder");
  clock.advance(1);
  assert.equal(m.state, COUNTDOWN);
  assert.equal(m.secondsLeft, 5);
});

test("while media plays the idle time is held; it starts from zero when the media stops", () => {
  const { m, clock } = machine({ idleSeconds: 10, countdownSeconds: 5 });
  m.start();
  m.input();
  clock.advance(8000);
  m.hold("media", true);
  clock.advance(600_000);
  assert.equal(m.state, ACTIVE, "ten minutes of narration: never idle");
  assert.equal(clock.pending, 0);
  m.hold("media", false);
  clock.advance(9999);
  assert.equal(m.state, ACTIVE);
  clock.advance(1);
  assert.equal(m.state, COUNTDOWN);
});

test("two holds: the idle time runs again only when both are let go; a hold during the countdown ends it", () => {
  const { m, clock, log } = machine({ idleSeconds: 10, countdownSeconds: 5 });
  m.start();
  m.input();
  m.hold("media", true);
  m.hold("staff", true);
  m.hold("media", false);
  clock.advance(60_000);
  assert.equal(m.state, ACTIVE);
  m.hold("staff", false);
  clock.advance(10_000);
  assert.equal(m.state, COUNTDOWN);
  m.hold("media", true);
  assert.equal(m.state, ACTIVE);
  assert.deepEqual(log.at(-1), ["state", ACTIVE, COUNTDOWN, "hold"]);
  m.hold("media", true);  // said twice: one hold
  m.hold("media", false);
  clock.advance(10_000);
  assert.equal(m.state, COUNTDOWN);
});

test("a hold taken in attract holds the idle time once active (Kiosk.js does not hold for attract's own narration)", () => {
  const { m, clock } = machine({ idleSeconds: 10, countdownSeconds: 5 });
  m.start();
  m.hold("media", true);
  clock.advance(100_000);
  assert.equal(m.state, ATTRACT);
  m.input();
  clock.advance(100_000);
  assert.equal(m.state, ACTIVE);
  m.hold("media", false);
  clock.advance(10_000);
  assert.equal(m.state, COUNTDOWN);
});

test("countdown 0 goes straight to attract after the idle time (with its idle_reset); idle 0 never goes idle", () => {
  const a = machine({ idleSeconds: 120, countdownSeconds: 0 });
  a.m.start();
  a.m.input();
  a.clock.advance(120_000);
  assert.equal(a.m.state, ATTRACT);
  assert.deepEqual(a.log.slice(-2), [["reset"], ["state", ATTRACT, ACTIVE, "idle"]]);
  const b = machine({ idleSeconds: 0, countdownSeconds: 15 });
  b.m.start();
  b.m.input();
  b.clock.advance(86_400_000);
  assert.equal(b.m.state, ACTIVE);
});

test("a fractional countdown shows whole seconds, its first one short", () => {
  const { m, clock, log } = machine({ idleSeconds: 1, countdownSeconds: 2.5 });
  m.start();
  m.input();
  clock.advance(1000);
  assert.deepEqual(log.filter((e) => e[0] === "tick"), [["tick", 3]]);
  clock.advance(500);
  assert.deepEqual(log.filter((e) => e[0] === "tick").at(-1), ["tick", 2]);
  clock.advance(2000);
  assert.equal(m.state, ATTRACT);
});

test("attract() goes to attract at once; dispose() stops every timer", () => {
  const { m, clock } = machine({ idleSeconds: 10, countdownSeconds: 5 });
  m.start();
  m.input();
  m.attract();
  assert.equal(m.state, ATTRACT);
  m.input();
  m.dispose();
  assert.equal(clock.pending, 0);
  m.input();
  assert.equal(m.state, ACTIVE, "a disposed machine does not move");
});
