// vtour/web/src/edit/pick.js: a screen point back to the direction under it, the inverse of views/Camera.js.
import assert from "node:assert/strict";
import { test } from "node:test";

import { yawPitchToDirection } from "../../vtour/web/src/geometry/CubeFaces.js";
import { directionAt, screenPointOf, yawPitchAt, yawPitchOf } from "../../vtour/web/src/edit/pick.js";
import { Camera } from "../../vtour/web/src/views/Camera.js";

/** Angle between two yaws, degrees, across the +-180 seam. */
const yawGap = (a, b) => Math.abs((((a - b) % 360) + 540) % 360 - 180);

/** A few hundred views and points on screen: poles, the seam, narrow and wide, tall and flat. */
function* cases() {
  const W = 1000;
  for (const camYaw of [-180, -135, -20, 0, 45, 179.99, 180]) {
    for (const camPitch of [-89.9, -60, 0, 30, 89.9]) {
      for (const fov of [10, 75, 120]) {
        for (const aspect of [0.5, 4 / 3, 21 / 9]) {
          for (const [x, y] of [[0.5, 0.5], [0.02, 0.97], [0.9, 0.1], [0.33, 0.71]]) {
            yield { camYaw, camPitch, fov, aspect, width: W * aspect, height: W, x: x * W * aspect, y: y * W };
          }
        }
      }
    }
  }
}

test("a screen point picked and projected again lands on the same point, to a millionth of a pixel", () => {
  for (const c of cases()) {
    const cam = new Camera().set(c.camYaw, c.camPitch, c.fov, c.aspect);
    const p = screenPointOf(cam, directionAt(cam, c.x, c.y, c.width, c.height), c.width, c.height);
    assert.ok(Math.abs(p.x - c.x) < 1e-6 && Math.abs(p.y - c.y) < 1e-6 && p.ahead > 0, JSON.stringify({ c, p }));
  }
});

test("a direction projected to the screen and picked there is the same yaw and pitch within 1e-6 degrees", () => {
  for (const c of cases()) {
    const cam = new Camera().set(c.camYaw, c.camPitch, c.fov, c.aspect);
    // a target somewhere on screen: the direction under a point, as yaw and pitch (near the poles too)
    const target = yawPitchOf(directionAt(cam, c.x, c.y, c.width, c.height));
    const d = yawPitchToDirection(target.yaw, target.pitch);
    const p = screenPointOf(cam, d, c.width, c.height);
    const got = yawPitchAt(cam, p.x, p.y, c.width, c.height);
    assert.ok(Math.abs(got.pitch - target.pitch) < 1e-6, JSON.stringify({ c, target, got }));
    assert.ok(yawGap(got.yaw, target.yaw) < 1e-6, JSON.stringify({ c, target, got }));
  }
});

test("the view's own direction is under the centre, and yaw pitch hotspots come back as set", () => {
  for (const [yaw, pitch] of [[0, 0], [-180, 0], [179.5, 12], [-90, -89.9], [90, 89.9], [33.3, -45]]) {
    for (const fov of [30, 90]) {
      const cam = new Camera().set(yaw, pitch, fov, 16 / 9);
      const centre = yawPitchAt(cam, 800, 450, 1600, 900);
      assert.ok(yawGap(centre.yaw, yaw) < 1e-9 && Math.abs(centre.pitch - pitch) < 1e-9, `${yaw} ${pitch}: ${JSON.stringify(centre)}`);
      // a hotspot a little off centre: projected (double precision), picked, the same angles
      const h = { yaw: yaw + 7.25, pitch: Math.max(-89, Math.min(89, pitch - 5.5)) };
      const p = screenPointOf(cam, yawPitchToDirection(h.yaw, h.pitch), 1600, 900);
      const got = yawPitchAt(cam, p.x, p.y, 1600, 900);
      assert.ok(yawGap(got.yaw, h.yaw) < 1e-6 && Math.abs(got.pitch - h.pitch) < 1e-6, `${JSON.stringify(h)}: ${JSON.stringify(got)}`);
    }
  }
});

test("picking agrees with Camera.project (the WebGL matrices, single precision) to 1e-4 degrees", () => {
  for (const c of cases()) {
    const cam = new Camera().set(c.camYaw, c.camPitch, c.fov, c.aspect);
    const d = directionAt(cam, c.x, c.y, c.width, c.height);
    const [nx, ny, w] = cam.project(d);
    assert.ok(w > 0);
    const x = (nx + 1) / 2 * c.width, y = (1 - ny) / 2 * c.height;  // as hotspots/HotspotLayer.js places icons
    const a = yawPitchOf(d), b = yawPitchAt(cam, x, y, c.width, c.height);
    const gap = Math.hypot(yawGap(a.yaw, b.yaw) * Math.cos(a.pitch * Math.PI / 180), a.pitch - b.pitch);
    assert.ok(gap < 1e-4, JSON.stringify({ c, a, b }));
  }
});

test("yaw is folded into [-180, 180) and pitch stays in [-90, 90], straight up and down included", () => {
  assert.deepEqual(yawPitchOf([0, 0, 1]), { yaw: -180, pitch: 0 });   // behind: -180, never +180
  assert.deepEqual(yawPitchOf([1, 0, 0]), { yaw: 90, pitch: 0 });     // right
  assert.equal(yawPitchOf([0, 2, 0]).pitch, 90);
  assert.equal(yawPitchOf([0, -1, 0]).pitch, -90);
  assert.ok(Math.abs(yawPitchOf([-1, 0, -1]).yaw + 45) < 1e-12);       // front left
});
