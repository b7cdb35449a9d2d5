// vtour/web/src/xr/PanoXR.js: what the rays of a frame point at, the gaze dwell (frame times, not wall-clock time)
// and a controller's select, with a stand-in viewer, session and frame (no WebGL, no WebXR needed).
import assert from "node:assert/strict";
import { test } from "node:test";

import { DWELL_MS, PanoXR } from "../../vtour/web/src/xr/PanoXR.js";

const DEG = Math.PI / 180;
/** A pose matrix looking `yaw` right and `pitch` up (R = Ry(-yaw) Rx(pitch)), at `t`. */
function matrix(yaw, pitch, t = [0, 1.6, 0]) {
  const cy = Math.cos(-yaw * DEG), sy = Math.sin(-yaw * DEG), cp = Math.cos(pitch * DEG), sp = Math.sin(pitch * DEG);
  return new Float32Array([cy, 0, -sy, 0, sy * sp, cp, cy * sp, 0, sy * cp, -sp, cy * cp, 0, ...t, 1]);
}
const poseOf = (m) => ({ transform: { matrix: m, position: { x: m[12], y: m[13], z: m[14] } } });

function setup(sources = []) {
  const activated = [];
  const hotspots = [{ id: "to-chamber", type: "link", target: "chamber", yaw: 16.7, pitch: 0 },
                    { id: "note", type: "info", yaw: -30, pitch: 5 }];
  const viewer = { language: "en", sceneId: "entrance",
                   tour: { scene: () => ({ hotspots }), hotspotTitle: (h, lang) => `${h.id} (${lang})` },
                   activate: (h) => activated.push(h.id), renderer: { on: () => () => {} } };
  const xr = new PanoXR(viewer, { xr: null });
  const space = {};
  xr.session = { inputSources: sources };
  xr.space = space;
  const frame = { getPose: (s) => (s.matrix ? poseOf(s.matrix) : null) };
  return { xr, frame, activated };
}

test("without controllers the head's gaze resting on a link for DWELL_MS follows it, once", () => {
  const { xr, frame, activated } = setup();
  const head = poseOf(matrix(17, 1));
  xr._pointing(frame, head, 1000);
  assert.equal(xr.state.gaze, true);
  assert.deepEqual(xr.state.pointed, ["to-chamber"]);
  assert.equal(xr.state.label, "to-chamber (en)");
  xr._pointing(frame, head, 1000 + DWELL_MS / 2);
  assert.ok(Math.abs(xr.state.dwell - 0.5) < 1e-9);
  assert.deepEqual(activated, []);
  xr._pointing(frame, head, 1000 + DWELL_MS);
  assert.deepEqual(activated, ["to-chamber"]);
  xr._pointing(frame, head, 1000 + 3 * DWELL_MS);
  assert.deepEqual(activated, ["to-chamber"], "resting on after it fired does not fire again");
});

test("looking away restarts the dwell; an info hotspot is never followed", () => {
  const { xr, frame, activated } = setup();
  xr._pointing(frame, poseOf(matrix(17, 1)), 0);
  xr._pointing(frame, poseOf(matrix(60, 0)), DWELL_MS * 0.9);
  assert.equal(xr.state.dwell, 0);
  xr._pointing(frame, poseOf(matrix(17, 1)), DWELL_MS);
  xr._pointing(frame, poseOf(matrix(17, 1)), DWELL_MS * 1.9);
  assert.deepEqual(activated, []);
  xr._pointing(frame, poseOf(matrix(-30, 5)), 10 * DWELL_MS);
  xr._pointing(frame, poseOf(matrix(-30, 5)), 20 * DWELL_MS);
  assert.deepEqual(activated, []);
  assert.deepEqual(xr.state.pointed, []);
  assert.equal(xr.state.label, "note (en)", "an info hotspot pointed at shows its title");
  xr._pointing(frame, poseOf(matrix(100, 0)), 30 * DWELL_MS);
  assert.equal(xr.state.label, null);
});

test("with a controller the gaze does nothing; its ray highlights a link and its select follows it", () => {
  const ray = { matrix: matrix(18, -2, [0.2, 1.3, -0.3]) };
  const source = { targetRayMode: "tracked-pointer", targetRaySpace: ray };
  const { xr, frame, activated } = setup([source]);
  const { marks, beams } = xr._pointing(frame, poseOf(matrix(17, 1)), 0);
  xr._pointing(frame, poseOf(matrix(17, 1)), 5 * DWELL_MS);
  assert.equal(xr.state.gaze, false);
  assert.deepEqual(activated, []);
  assert.deepEqual(xr.state.pointed, ["to-chamber"]);
  assert.equal(marks.find((m) => m.kind === "link").hot, true);
  assert.equal(marks.filter((m) => m.kind === "cursor").length, 1);
  assert.deepEqual(beams[0].origin.map((v) => Math.round(v * 10) / 10), [0.2, 1.3, -0.3]);
  xr._select({ frame, inputSource: source });
  assert.deepEqual(activated, ["to-chamber"]);
  ray.matrix = matrix(-30, 5);   // at the info hotspot: a select opens nothing
  xr._select({ frame, inputSource: source });
  assert.deepEqual(activated, ["to-chamber"]);
});

test("the yaw offset turns the panorama: the head ahead sees the view's yaw", () => {
  const { xr, frame, activated } = setup();
  xr.state.yawOffset = 16.7;
  xr._pointing(frame, poseOf(matrix(0, 0)), 0);
  xr._pointing(frame, poseOf(matrix(0, 0)), DWELL_MS);
  assert.deepEqual(activated, ["to-chamber"]);
});
