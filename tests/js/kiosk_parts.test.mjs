// vtour/web/src/kiosk: the staff exit's corner taps, the launcher bridge's batching and failures, the kiosk's
// words in every language, the attract loop's camera move.
import assert from "node:assert/strict";
import { test } from "node:test";

import { TapCounter, TAPS, WINDOW_MS, CORNER_PX } from "../../vtour/web/src/kiosk/StaffExit.js";
import { Bridge, batches, MAX_EVENTS, PING_MS, EVENTS_MS, ABSENT_MS } from "../../vtour/web/src/kiosk/Bridge.js";
import { KIOSK_LABELS, kioskLanguages, inEvery, fill } from "../../vtour/web/src/kiosk/labels.js";
import { LABELS } from "../../vtour/web/src/ui/labels.js";
import { panStep, PAN_DEG_PER_S } from "../../vtour/web/src/kiosk/Attract.js";
import { isBlockedKey } from "../../vtour/web/src/kiosk/Lockdown.js";

test("five taps within 3 s in the top-left 64 px corner open the staff exit", () => {
  assert.deepEqual([TAPS, WINDOW_MS, CORNER_PX], [5, 3000, 64]);
  const c = new TapCounter();
  const taps = [0, 400, 800, 1200].map((t) => c.tap(10, 20, t));
  assert.deepEqual(taps, [false, false, false, false]);
  assert.equal(c.tap(63, 63, 1600), true);
  assert.equal(c.tap(10, 10, 1700), false, "counting starts afresh");
});

test("taps spread over more than 3 s, outside the corner, or interrupted elsewhere do not", () => {
  const slow = new TapCounter();
  assert.equal([0, 800, 1600, 2400, 3200].map((t) => slow.tap(5, 5, t)).some(Boolean), false);
  assert.equal(slow.tap(5, 5, 3300), true, "the last five within 3 s: 800 .. 3300");
  const outside = new TapCounter();
  assert.equal([0, 100, 200, 300, 400].map((t) => outside.tap(64, 5, t)).some(Boolean), false);
  const broken = new TapCounter();
  [0, 100, 200, 300].forEach((t) => broken.tap(5, 5, t));
  broken.tap(400, 300, 350);
  assert.equal(broken.tap(5, 5, 400), false, "a tap elsewhere starts the count afresh");
});

test("batches: at most 200 events and about the byte limit each, in order", () => {
  const events = Array.from({ length: 450 }, (_, i) => ({ type: "scene_enter", i }));
  const b = batches(events);
  assert.deepEqual(b.map((x) => x.length), [MAX_EVENTS, MAX_EVENTS, 50]);
  assert.deepEqual(b.flat(), events);
  const big = Array.from({ length: 10 }, (_, i) => ({ type: "dwell", pad: "x".repeat(100), i }));
  for (const batch of batches(big, 200, 400)) assert.ok(JSON.stringify(batch).length <= 400 || batch.length === 1);
});

/** A bridge on fake timers and a fetch that answers as `answer(name, body)` says ({status, json}). */
function fakeBridge(answer) {
  const calls = [], warnings = [], intervals = [];
  let now = 0;
  const bridge = new Bridge("__kiosk/", {
    baseUrl: "http://127.0.0.1:8000/tour/index.html",
    state: () => ({ scene: "entrance", attract: true }),
    fetch: async (url, init) => {
      const body = JSON.parse(init.body);
      calls.push({ url, body, init });
      const a = await answer(url.split("/").at(-1), body);
      if (a instanceof Error) throw a;
      return { status: a.status, ok: a.status >= 200 && a.status < 300, json: async () => a.json ?? null };
    },
    warn: (m) => warnings.push(m),
    setInterval: (fn, ms) => { intervals.push({ fn, ms }); return intervals.length; },
    clearInterval: () => {},
    now: () => now,
  });
  return { bridge, calls, warnings, intervals, tick: (ms) => { now += ms; } };
}

test("the bridge pings and sends batched events to the launcher, relative to the page", async () => {
  const { bridge, calls, intervals } = fakeBridge((name, body) => ({ status: 200, json: name === "events" ? { ok: true, written: body.length } : { ok: true } }));
  assert.deepEqual(intervals.map((i) => i.ms), [PING_MS, EVENTS_MS]);
  assert.equal(await bridge.ping(), true);
  assert.deepEqual(calls[0].body, { scene: "entrance", attract: true });
  assert.equal(calls[0].url, "http://127.0.0.1:8000/tour/__kiosk/ping");
  assert.equal(calls[0].init.method, "POST");
  assert.equal(calls[0].init.headers["Content-Type"], "application/json");
  assert.equal(await bridge.flush(), 0, "nothing queued: nothing sent");
  assert.equal(calls.length, 1);
  for (let i = 0; i < 250; i++) bridge.add({ type: "scene_enter", i });
  assert.equal(await bridge.flush(), 250);
  assert.deepEqual(calls.slice(1).map((c) => [c.url.split("/").at(-1), c.body.length]), [["events", 200], ["events", 50]]);
  assert.equal(bridge.queue.length, 0);
});

test("failures are silent but one warning a kind; unsent events wait for the next try, refused ones are dropped", async () => {
  let mode = "down";
  const { bridge, calls, warnings } = fakeBridge((name, body) => {
    if (mode === "down") return new Error("connection refused");
    if (mode === "refuse") return { status: 400, json: { ok: false } };
    return { status: 200, json: { ok: true, written: body.length ?? 0 } };
  });
  bridge.add({ type: "scene_enter" });
  for (let i = 0; i < 3; i++) { await bridge.ping(); await bridge.flush(); }
  assert.equal(bridge.queue.length, 1, "kept");
  assert.equal(warnings.length, 2, warnings.join("\n"));
  assert.match(warnings[0], /ping/);
  assert.match(warnings[1], /events/);
  mode = "refuse";
  assert.equal(await bridge.flush(), 0);
  assert.equal(bridge.queue.length, 0, "a batch the launcher refuses is not sent again");
  mode = "up";
  bridge.add({ type: "attract", state: "start" });
  assert.equal(await bridge.flush(), 1);
  assert.equal(warnings.length, 2);
  assert.ok(calls.length >= 8);
});

test("with no launcher at all (404) the bridge asks again only every 5 minutes", async () => {
  const { bridge, calls, tick } = fakeBridge(() => ({ status: 404 }));
  await bridge.ping();
  await bridge.ping();
  bridge.add({ type: "scene_enter" });
  await bridge.flush();
  assert.equal(calls.length, 1);
  tick(ABSENT_MS);
  await bridge.ping();
  assert.equal(calls.length, 2);
});

test("attract: true only when the launcher says {reload: true}; exit: the launcher's status", async () => {
  let reload = false, status = 403;
  const { bridge, calls } = fakeBridge((name) => (name === "attract" ? { status: 200, json: { reload } } : { status, json: { ok: status === 200 } }));
  assert.equal(await bridge.attract(), false);
  reload = true;
  assert.equal(await bridge.attract(), true);
  assert.deepEqual(calls[0].body, {});
  assert.equal(await bridge.exit("1234"), 403);
  assert.deepEqual(calls.at(-1).body, { pin: "1234" });
  status = 429;
  assert.equal(await bridge.exit("1234"), 429);
});

test("every kiosk word in every language the viewer has labels for, with the same {fields}", () => {
  assert.deepEqual(Object.keys(KIOSK_LABELS).sort(), Object.keys(LABELS).sort());
  const keys = Object.keys(KIOSK_LABELS.en).sort();
  for (const [lang, words] of Object.entries(KIOSK_LABELS)) {
    assert.deepEqual(Object.keys(words).sort(), keys, lang);
    for (const k of keys) {
      assert.ok(words[k].trim(), `${lang}.${k}`);
      assert.deepEqual(words[k].match(/\{\w+\}/g), KIOSK_LABELS.en[k].match(/\{\w+\}/g), `${lang}.${k}`);
    }
  }
  assert.deepEqual(kioskLanguages(["zh", "en"]), ["zh", "en"]);
  assert.deepEqual(kioskLanguages(["ja", "en", "ko"]), ["en"], "a language without words is English, once");
  assert.deepEqual(kioskLanguages([]), ["en"]);
  assert.deepEqual(inEvery(["en", "zh"], "countdown", { n: 7 }).map((l) => l.text),
                   ["The tour starts again in 7 seconds. Touch the screen to continue.", "7 秒后导览将重新开始。轻触屏幕继续。"]);
  assert.equal(fill("{a} {b}", { a: 1 }), "1 {b}");
});

test("the attract move: a slow yaw pan, pitch and fov eased over the scene's time", () => {
  const from = { yaw: 10, pitch: 0, fov: 80 };
  const start = panStep(from, 10, 1, 0.5, 0);
  assert.deepEqual(start, { yaw: 10 + PAN_DEG_PER_S * 0.5, pitch: 0, fov: 80 });
  const mid = panStep(from, 40, -1, 1, 0.5);
  assert.equal(mid.yaw, 40 - PAN_DEG_PER_S);
  assert.ok(mid.fov < 80 && mid.fov > 80 * 0.88 && mid.pitch > 0 && mid.pitch < 3);
  const end = panStep(from, 0, 1, 0, 2);
  assert.ok(Math.abs(end.fov - 80 * 0.88) < 1e-9);
  assert.ok(PAN_DEG_PER_S > 0 && PAN_DEG_PER_S <= 5, "slow");
});

test("the lockdown keeps zoom and history keys from the browser, and nothing else", () => {
  const k = (key, mods = {}) => isBlockedKey({ key, code: "", ctrlKey: false, metaKey: false, altKey: false, ...mods });
  for (const key of ["+", "=", "-", "0"]) assert.equal(k(key, { ctrlKey: true }), true, key);
  assert.equal(k("=", { metaKey: true }), true);
  assert.equal(k("ArrowLeft", { altKey: true }), true);
  assert.equal(k("BrowserBack"), true);
  assert.equal(isBlockedKey({ key: "+", code: "Equal", ctrlKey: false, metaKey: false, altKey: false }), false,
               "+ alone zooms the panorama");
  for (const key of ["ArrowLeft", "Enter", "a", "1"]) assert.equal(k(key), false, key);
});
