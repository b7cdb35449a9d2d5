// vtour/web/src/views/PanoView.js: yaw, pitch, fov in degrees, kept inside the scene's limits.
import assert from "node:assert/strict";
import { test } from "node:test";

import { PanoView, wrapYaw } from "../../vtour/web/src/views/PanoView.js";

const DEG = Math.PI / 180;
const near = (a, b, eps = 1e-9) => Math.abs(a - b) < eps;

test("wrapYaw folds any yaw into [-180, 180)", () => {
  assert.deepEqual([180, -180, 540, 190, -190, 359.5, 0].map(wrapYaw), [-180, -180, -180, -170, 170, -0.5, 0]);
});

test("a view starts where asked, with yaw folded, and defaults to fov 75 looking ahead", () => {
  assert.deepEqual(new PanoView().get(), { yaw: 0, pitch: 0, fov: 75 });
  assert.deepEqual(new PanoView({ yaw: 270, pitch: -10, fov: 60 }).get(), { yaw: -90, pitch: -10, fov: 60 });
});

test("fov stays within the scene's limits and pitch within the poles", () => {
  const v = new PanoView({ fov: 150 }, { minFov: 20, maxFov: 100 });
  assert.equal(v.fov, 100);
  v.set({ fov: 5, pitch: 120 });
  assert.deepEqual(v.get(), { yaw: 0, pitch: 90, fov: 20 });
});

test("a partial panorama keeps the screen's edges inside the captured part", () => {
  // captured: 120 x 60 degrees centred on yaw 30; a 4:3 screen
  const v = new PanoView({ fov: 90 }, {}, { hfov: 120, vfov: 60, yaw: 30, pitch: 0 });
  v.setAspect(4 / 3);
  assert.equal(v.fov, 60);                  // no taller than the capture
  v.set({ pitch: 40 });
  assert.equal(v.pitch, 0);                 // 60 high at fov 60: no room to tilt
  v.set({ fov: 40, pitch: 40, yaw: 170 });
  assert.ok(near(v.pitch + v.fov / 2, 30), `top edge at ${v.pitch + v.fov / 2}`);
  const halfWidth = Math.atan(Math.tan(v.fov / 2 * DEG) * 4 / 3) / DEG;
  assert.ok(near(v.yaw + halfWidth, 90), `right edge at ${v.yaw + halfWidth}`); // 30 + 120 / 2
  v.set({ yaw: -100 });
  assert.ok(near(v.yaw - halfWidth, -30), `left edge at ${v.yaw - halfWidth}`);
});

test("dragging the screen's height turns by one fov, against the drag", () => {
  const v = new PanoView({ yaw: 0, pitch: 0, fov: 60 });
  v.dragBy(480, 0, 480);
  assert.ok(near(v.yaw, -60));
  v.dragBy(0, 240, 480);
  assert.ok(near(v.pitch, 30));
  v.zoomBy(0.5);
  assert.ok(near(v.fov, 30));
});

test("change is emitted once per move and not when nothing moved", () => {
  const v = new PanoView({ yaw: 10 });
  const seen = [];
  v.on("change", (s) => seen.push(s));
  v.set({ yaw: 10 });
  v.set({ yaw: 370 });          // the same direction
  v.set({ yaw: 20 });
  assert.deepEqual(seen, [{ yaw: 20, pitch: 0, fov: 75 }]);
  v.dispose();
  v.set({ yaw: 30 });
  assert.equal(seen.length, 1);
});
