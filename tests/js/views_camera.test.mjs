// vtour/web/src/views/Camera.js: the matrices and frustum of a view (front = -Z, right = +X, up = +Y).
import assert from "node:assert/strict";
import { test } from "node:test";

import { yawPitchToDirection } from "../../vtour/web/src/geometry/CubeFaces.js";
import { Camera } from "../../vtour/web/src/views/Camera.js";

const close = (a, b, eps = 1e-6) => a.every((x, i) => Math.abs(x - b[i]) < eps);

test("the camera looks along the view's direction with right and up square to it", () => {
  const cam = new Camera().set(30, 20, 70, 4 / 3);
  assert.ok(close(cam.forward, yawPitchToDirection(30, 20), 1e-12));
  const dot = (a, b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  assert.ok(Math.abs(dot(cam.forward, cam.right)) < 1e-12 && Math.abs(dot(cam.forward, cam.up)) < 1e-12);
  assert.equal(cam.right[1], 0); // no roll
  assert.ok(cam.up[1] > 0);
});

test("a direction projects to the screen point the fov and aspect put it at", () => {
  const cam = new Camera().set(90, 0, 90, 2);  // looking right (+X); 90 high, tan(h/2) = 2 wide
  assert.ok(close(cam.project([1, 0, 0]), [0, 0, 1]));             // straight ahead: the centre
  assert.ok(close(cam.project([1, 1, 0]), [0, 1, 1]));             // 45 degrees up: the top edge
  assert.ok(close(cam.project([1, 0, 2]).slice(0, 2), [1, 0]));    // right is +Z at yaw 90: the right edge
  assert.ok(close(cam.project([1, 0, 1]).slice(0, 2), [0.5, 0]));
});

test("the ray matrix takes a screen point back to its direction", () => {
  const cam = new Camera().set(-40, 15, 60, 16 / 9);
  const r = cam.ray; // column-major 3x3: ray * (x, y, 1)
  for (const [x, y] of [[0, 0], [1, 1], [-0.5, 0.25]]) {
    const d = [0, 1, 2].map((i) => r[i] * x + r[3 + i] * y + r[6 + i]);
    assert.ok(close(cam.project(d).slice(0, 2), [x, y]), `${x}, ${y}`);
  }
});

test("only boxes inside the frustum intersect it", () => {
  const cam = new Camera().set(0, 0, 60, 1);
  const around = (d, h = 0.05) => [d[0] - h, d[1] - h, d[2] - h, d[0] + h, d[1] + h, d[2] + h];
  assert.equal(cam.intersectsBox(around([0, 0, -1])), true);     // ahead
  assert.equal(cam.intersectsBox(around([0, 0, 1])), false);     // behind
  assert.equal(cam.intersectsBox(around([1, 0, -1])), false);    // 45 degrees right, outside 30
  assert.equal(cam.intersectsBox(around([0.5, 0, -1])), true);   // 26.6 degrees right, inside
  assert.equal(cam.intersectsBox(around([0, 0.7, -1])), false);  // 35 degrees up, outside
});
