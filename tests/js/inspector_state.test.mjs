// vtour/web/src/inspector/state.js: the inspector's state, its bounds and its URL form
import assert from "node:assert/strict";
import { test } from "node:test";

import { DEFAULT_STATE, MODES, inspectorParams, normalizeLight, normalizeState, parseInspectorParams }
  from "../../vtour/web/src/inspector/state.js";

test("the modes are the issue's seven, textured first", () => {
  assert.deepEqual(MODES, ["textured", "clay", "normals", "wireframe", "xray", "deviation", "change"]);
  assert.equal(DEFAULT_STATE.mode, "textured");
});

test("light numbers are clamped into their bounds and the azimuth wraps", () => {
  const l = normalizeLight({ azimuth: -90, elevation: 120, ambient: 5, exposure: 0, shadows: true });
  assert.deepEqual(l, { azimuth: 270, elevation: 90, ambient: 2, exposure: 0.1, shadows: true });
  assert.equal(normalizeLight({ azimuth: 725 }).azimuth, 5);
  assert.equal(normalizeLight({ elevation: Number.NaN }).elevation, DEFAULT_STATE.light.elevation);
});

test("a partial state keeps the rest, and a mode that does not exist is an error naming the modes", () => {
  const s = normalizeState({ mode: "clay", light: { azimuth: 10 } });
  assert.equal(s.mode, "clay");
  assert.equal(s.light.azimuth, 10);
  assert.equal(s.light.elevation, DEFAULT_STATE.light.elevation);
  assert.throws(() => normalizeState({ mode: "sepia" }), /mode "sepia" is not one of textured, clay/);
  const kept = normalizeState({ mode: null, finest: null, previous: null }, s);
  assert.equal(kept.mode, "clay");
  assert.equal(kept.finest, false);
  assert.equal(kept.previous, 0);
});

test("a section's normal is made unit length; a zero normal or a malformed camera is ignored", () => {
  const s = normalizeState({ section: { normal: [0, 0, 2], offset: 0.5 } });
  assert.deepEqual(s.section, { normal: [0, 0, 1], offset: 0.5 });
  assert.equal(normalizeState({ section: { normal: [0, 0, 0], offset: 1 } }).section, null);
  assert.equal(normalizeState({ camera: { position: [0, 1], target: [0, 0, 0] } }).camera, null);
  assert.equal(normalizeState({ section: { normal: [1, 0, 0], offset: 1 } }, s).section.offset, 1);
  assert.equal(normalizeState({ section: null }, s).section, null);
});

test("change limits stay ordered and non-negative", () => {
  assert.deepEqual(normalizeState({ changeLimits: { minor: 2, major: 1 } }).changeLimits, { minor: 2, major: 2 });
  assert.deepEqual(normalizeState({ changeLimits: { minor: -1, major: 1 } }).changeLimits, { minor: 0, major: 1 });
});

test("the URL form round-trips mode, light, camera, section and the flags", () => {
  const state = normalizeState({
    mode: "deviation", light: { azimuth: 270, elevation: 10, ambient: 0.2, exposure: 1.5, shadows: true },
    camera: { position: [0.1234567, -2, 3e-4], target: [0, 0.5, 0], fov: 40 },
    section: { normal: [1, 0, 0], offset: -0.025 }, finest: true, compare: true,
  });
  const q = new URLSearchParams(inspectorParams({ model: "buddha", ...state }));
  assert.equal(q.get("light"), "270,10,0.2,1.5,1");
  assert.equal(q.get("cam"), "0.123457,-2,0.0003,0,0.5,0,40");
  assert.equal(q.get("section"), "1,0,0,-0.025");
  const back = parseInspectorParams(q);
  assert.equal(back.model, "buddha");
  assert.equal(back.mode, "deviation");
  assert.deepEqual(back.light, state.light);
  assert.deepEqual(back.camera, { position: [0.123457, -2, 0.0003], target: [0, 0.5, 0], fov: 40 });
  assert.deepEqual(back.section, state.section);
  assert.equal(back.finest, true);
  assert.equal(back.compare, true);
});

test("the previous scan and the change limits round-trip through the URL", () => {
  const state = normalizeState({ mode: "change", previous: 2, changeLimits: { minor: 0.15, major: 1.25 } });
  const pairs = inspectorParams({ model: "buddha", ...state });
  const q = new URLSearchParams(pairs);
  assert.equal(q.get("prev"), "2");
  assert.equal(q.get("limits"), "0.15,1.25");
  assert.ok(String(q).endsWith("prev=2&limits=0.15%2C1.25"));
  const back = parseInspectorParams(q);
  assert.equal(back.previous, 2);
  assert.deepEqual(back.changeLimits, { minor: 0.15, major: 1.25 });
  // the state the inspector is opened with takes them
  const opened = normalizeState(back);
  assert.equal(opened.previous, 2);
  assert.deepEqual(opened.changeLimits, { minor: 0.15, major: 1.25 });
  // the first previous scan and no limits write nothing
  const plain = new URLSearchParams(inspectorParams({ model: "b", ...normalizeState({ previous: 0 }) }));
  assert.equal(plain.has("prev"), false);
  assert.equal(plain.has("limits"), false);
});

test("a malformed prev or limits is left out", () => {
  for (const bad of ["prev=-1", "prev=1.5", "prev=x", "limits=1", "limits=2,1", "limits=-1,2", "limits=a,b"]) {
    const back = parseInspectorParams(new URLSearchParams(`model=m&${bad}`));
    assert.deepEqual(back, { model: "m" }, bad);
  }
});

test("a state with only its model (still loading) writes only the model", () => {
  assert.deepEqual(inspectorParams({ model: "box" }), [["model", "box"]]);
});

test("malformed URL values are left out, and no model means no inspector", () => {
  const q = new URLSearchParams("model=m&mode=sepia&light=1,2,3&cam=a,b,c,d,e,f,g&section=0,0,0,1&finest=yes");
  assert.deepEqual(parseInspectorParams(q), { model: "m" });
  assert.equal(parseInspectorParams(new URLSearchParams("mode=clay")), undefined);
});
