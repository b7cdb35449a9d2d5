// vtour/web/src/ui/VisitEvents.js: the visit events' shape, their order and the dwell measured in a scene.
import assert from "node:assert/strict";
import { test } from "node:test";

import { VISIT_TYPES, VisitTracker, dwellSeconds } from "../../vtour/web/src/ui/VisitEvents.js";

/** A tracker on a fake viewer whose clock the test moves; returns it with its list of events. */
function tracker() {
  const viewer = { scene: null, language: "en" };
  let ms = 1000;
  const events = [];
  const visits = new VisitTracker({
    emit: (e) => events.push(e), state: () => ({ scene: viewer.scene, language: viewer.language }),
    clock: () => ms, date: () => new Date(Date.UTC(2026, 11, 1, 9, 0, 0) + ms),
  });
  const enter = (id) => { const from = viewer.scene; viewer.scene = id; visits.enter(id, from); };
  return { visits, events, viewer, enter, advance: (s) => { ms += s * 1000; } };
}

test("every event has its type, an ISO UTC time, the scene, the language and exactly its type's fields", () => {
  const { visits, events, enter } = tracker();
  enter("hall");
  visits.track("hotspot_open", { hotspot: "hall-1", kind: "info" });
  visits.track("model_open", { model: "statue", extra: "dropped" });
  assert.deepEqual(events[0], { type: "scene_enter", t: "2026-12-01T09:00:01.000Z", scene: "hall", language: "en", from: null });
  assert.deepEqual(events[1], { type: "hotspot_open", t: "2026-12-01T09:00:01.000Z", scene: "hall", language: "en",
                                hotspot: "hall-1", kind: "info", target: null });
  assert.deepEqual(Object.keys(events[2]), ["type", "t", "scene", "language", "model"]);
  for (const e of events) assert.match(e.t, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.deepEqual(Object.keys(VISIT_TYPES).sort(),
                   ["attract", "dwell", "hotspot_open", "idle_reset", "image_open", "language", "model_open",
                    "narration", "scene_enter"]);
});

test("an unknown type is refused, naming the known ones", () => {
  const { visits, events } = tracker();
  assert.throws(() => visits.track("click", {}), /visit event type "click" is unknown; use one of scene_enter, dwell/);
  assert.equal(events.length, 0);
});

test("leaving a scene reports its dwell to a tenth of a second before the next scene_enter", () => {
  const { events, enter, advance } = tracker();
  enter("hall");
  advance(12.34);
  enter("crypt");
  advance(3);
  enter("hall");
  assert.deepEqual(events.map((e) => [e.type, e.scene, "from" in e ? e.from : e.seconds]),
                   [["scene_enter", "hall", null], ["dwell", "hall", 12.3], ["scene_enter", "crypt", "hall"],
                    ["dwell", "crypt", 3], ["scene_enter", "hall", "crypt"]]);
  assert.equal(dwellSeconds(0, 149), 0.1);
  assert.equal(dwellSeconds(500, 100), 0);
});

test("the page hidden ends the dwell once; shown again, a new one starts", () => {
  const { visits, events, enter, advance } = tracker();
  enter("hall");
  advance(5);
  visits.setHidden(true);
  visits.setHidden(true);   // visibilitychange, then pagehide: one dwell
  advance(100);             // hidden: not counted
  visits.setHidden(false);
  advance(2);
  enter("crypt");
  const dwells = events.filter((e) => e.type === "dwell").map((e) => [e.scene, e.seconds]);
  assert.deepEqual(dwells, [["hall", 5], ["hall", 2]]);
});

test("attract start ends the dwell before it is reported; no dwell while attracting; end starts one", () => {
  const { visits, events, enter, advance } = tracker();
  enter("hall");
  advance(7);
  visits.track("attract", { state: "start" });
  enter("crypt");   // the kiosk shows its scenes: scene_enter, but nobody dwells there
  advance(20);
  enter("hall");
  visits.track("attract", { state: "end" });
  advance(4);
  enter("crypt");
  assert.deepEqual(events.map((e) => [e.type, e.scene, e.state ?? e.seconds ?? e.from]), [
    ["scene_enter", "hall", null], ["dwell", "hall", 7], ["attract", "hall", "start"],
    ["scene_enter", "crypt", "hall"], ["scene_enter", "hall", "crypt"], ["attract", "hall", "end"],
    ["dwell", "hall", 4], ["scene_enter", "crypt", "hall"],
  ]);
});

test("language events name the new language and the one before; fields may set scene and language", () => {
  const { visits, events, enter, viewer } = tracker();
  enter("hall");
  viewer.language = "zh";
  visits.track("language", { language: "zh", from: "en" });
  visits.track("idle_reset", { idleSeconds: 60 });
  assert.deepEqual(events[1], { type: "language", t: events[1].t, scene: "hall", language: "zh", from: "en" });
  assert.deepEqual(events[2].idleSeconds, 60);
  assert.equal(events[2].language, "zh");
});
