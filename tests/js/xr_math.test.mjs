// vtour/web/src/xr/xrMath.js: the WebXR mode's math: rays to yaw/pitch, hotspot hits, eye cameras from XR matrices.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Camera } from "../../vtour/web/src/views/Camera.js";
import {
  angleBetween, directionOf, frustumTangents, pickHotspot, rayDirection, toPanorama, unionProjection, xrCamera, yawPitchOf,
} from "../../vtour/web/src/xr/xrMath.js";

const DEG = Math.PI / 180;
const near = (a, b, eps = 1e-6) => Math.abs(a - b) < eps;
const nearAll = (a, b, eps = 1e-6) => a.length === b.length && [...a].every((x, i) => near(x, b[i], eps));

/** A pose matrix (column-major) turned `yaw` right and `pitch` up, as a headset or controller would be, at `t`. */
function pose(yaw, pitch, t = [0, 0, 0]) {
  // R = Ry(-yaw) * Rx(pitch): columns are the pose's right, up, back
  const cy = Math.cos(-yaw * DEG), sy = Math.sin(-yaw * DEG), cp = Math.cos(pitch * DEG), sp = Math.sin(pitch * DEG);
  const right = [cy, 0, -sy], up = [sy * sp, cp, cy * sp], back = [sy * cp, -sp, cy * cp];
  return new Float32Array([...right, 0, ...up, 0, ...back, 0, ...t, 1]);
}

/** A WebXR-style projection: tangents of the frustum edges (left, right negative / positive ...), near, far. */
function projection({ left, right, bottom, top }, n = 0.05, f = 20) {
  const a = 2 / (right - left), c = 2 / (top - bottom), b = (right + left) / (right - left), d = (top + bottom) / (top - bottom);
  const p = new Float32Array(16);
  p[0] = a; p[5] = c; p[8] = b; p[9] = d; p[10] = -(f + n) / (f - n); p[11] = -1; p[14] = -2 * f * n / (f - n);
  return p;
}

const symmetric = (fov, aspect) => {
  const t = Math.tan(fov * DEG / 2);
  return projection({ left: -t * aspect, right: t * aspect, bottom: -t, top: t });
};

test("yaw and pitch of a direction follow the viewer's convention (front -Z, yaw right, pitch up)", () => {
  assert.ok(nearAll(directionOf(0, 0), [0, 0, -1]));
  assert.ok(nearAll(directionOf(90, 0), [1, 0, 0]));
  assert.ok(nearAll(directionOf(0, 90), [0, 1, 0]));
  for (const [yaw, pitch] of [[0, 0], [37, -12], [-170, 45], [179.5, -89], [-90, 10]]) {
    const back = yawPitchOf(directionOf(yaw, pitch).map((v) => v * 3));
    assert.ok(near(back.yaw, yaw, 1e-9) && near(back.pitch, pitch, 1e-9), `${yaw}/${pitch} -> ${JSON.stringify(back)}`);
  }
  assert.equal(yawPitchOf([0, 0, 1]).yaw, 180);   // (-180, 180]
  assert.ok(nearAll(new Camera().set(33, -7, 60, 1).forward, directionOf(33, -7), 1e-12));
});

test("the panorama turns by the yaw offset: the headset's -Z sees the view's yaw", () => {
  const d = toPanorama([0, 0, -1], 30);
  assert.ok(near(yawPitchOf(d).yaw, 30, 1e-9));
  const e = toPanorama(directionOf(-50, 20), 30);
  assert.ok(near(yawPitchOf(e).yaw, -20, 1e-9) && near(yawPitchOf(e).pitch, 20, 1e-9));
});

test("a controller's target ray gives the yaw and pitch it points at; its position does not matter", () => {
  for (const [yaw, pitch, offset] of [[20, 0, 0], [-35, 15, 0], [10, -5, 40], [170, 30, -100]]) {
    const d = rayDirection(pose(yaw, pitch, [0.3, 1.2, -0.4]), offset);
    const yp = yawPitchOf(d);
    const want = ((yaw + offset + 540) % 360) - 180;
    assert.ok(near(yp.yaw, want === -180 ? 180 : want, 1e-4) && near(yp.pitch, pitch, 1e-4), `${yaw}/${pitch}/${offset}: ${JSON.stringify(yp)}`);
  }
});

test("the hit test picks the nearest hotspot within the limit, and only those the filter keeps", () => {
  const hotspots = [{ id: "a", type: "link", yaw: 16.7, pitch: 0 }, { id: "b", type: "link", yaw: -14.8, pitch: -1.05 },
                    { id: "i", type: "info", yaw: 20, pitch: 1 }, { id: "bad", type: "link" }];
  assert.equal(pickHotspot(directionOf(17, 0.5), hotspots, 6).hotspot.id, "a");
  assert.equal(pickHotspot(directionOf(19.8, 1), hotspots, 6).hotspot.id, "i");
  assert.equal(pickHotspot(directionOf(19.8, 1), hotspots, 6, (h) => h.type === "link").hotspot.id, "a");
  assert.equal(pickHotspot(directionOf(-14, -2), hotspots, 6).hotspot.id, "b");
  assert.equal(pickHotspot(directionOf(0, 0), hotspots, 6), null);
  assert.equal(pickHotspot(directionOf(90, 0), [], 6), null);
  const hit = pickHotspot(directionOf(16.7, 3), hotspots, 6, (h) => h.type === "link");
  assert.ok(near(hit.angle, 3, 1e-6));
  assert.ok(near(angleBetween(directionOf(10, 0), directionOf(-10, 0)), 20, 1e-9));
});

test("an XR eye looking ahead with a symmetric projection is the viewer's own camera", () => {
  for (const [yawOffset, fov, aspect] of [[0, 90, 1], [25, 100, 0.9], [-140, 75, 1.5]]) {
    const xr = xrCamera(symmetric(fov, aspect), pose(0, 0), yawOffset, new Camera());
    const flat = new Camera().set(yawOffset, 0, fov, aspect);
    assert.ok(nearAll(xr.ray, flat.ray, 1e-5), `ray ${[...xr.ray]} vs ${[...flat.ray]}`);
    assert.ok(nearAll(xr.forward, flat.forward, 1e-6));
    assert.ok(near(xr.fov, fov, 1e-4) && near(xr.aspect, aspect, 1e-5) && near(xr.yaw, yawOffset, 1e-4));
    for (const d of [directionOf(yawOffset + 10, 5), directionOf(yawOffset - 30, -20), directionOf(yawOffset + 2, 30)]) {
      const [x1, y1] = xr.project(d), [x2, y2] = flat.project(d);
      assert.ok(near(x1, x2, 1e-5) && near(y1, y2, 1e-5), `${x1},${y1} vs ${x2},${y2}`);
    }
  }
});

test("an XR eye turned by the head, its translation dropped, with an off-axis projection", () => {
  const p = projection({ left: -1.1, right: 0.9, bottom: -1.2, top: 0.95 });
  const a = xrCamera(p, pose(40, 10, [0, 1.6, 0]), 15, new Camera());
  const b = xrCamera(p, pose(40, 10, [-0.03, 1.7, 2]), 15, new Camera());
  assert.ok(nearAll(a.viewProj, b.viewProj, 1e-6), "the panorama is at infinity: the eye's position changes nothing");
  assert.ok(near(a.yaw, 55, 1e-4) && near(a.pitch, 10, 1e-4));
  // the ray through each NDC point projects back onto it (ray and viewProj agree, off-axis too)
  for (const [x, y] of [[0, 0], [0.9, -0.7], [-1, 1], [0.3, 0.95]]) {
    const r = a.ray, d = [0, 1, 2].map((i) => r[i] * x + r[3 + i] * y + r[6 + i]);
    const [px, py, w] = a.project(d);
    assert.ok(near(px, x, 1e-4) && near(py, y, 1e-4) && w > 0, `${x},${y} -> ${px},${py}`);
  }
  // the frustum: what is ahead is in, what is behind is out
  const box = (d, s = 0.05) => [d[0] - s, d[1] - s, d[2] - s, d[0] + s, d[1] + s, d[2] + s];
  assert.ok(a.intersectsBox(box(directionOf(55, 10))));
  assert.ok(!a.intersectsBox(box(directionOf(55 + 180, -10))));
  const t = frustumTangents(p);
  assert.ok(near(t.left, -1.1, 1e-6) && near(t.right, 0.9, 1e-6) && near(t.bottom, -1.2, 1e-6) && near(t.top, 0.95, 1e-6));
});

test("one symmetric frustum covers both eyes at their finest pixel density", () => {
  const left = projection({ left: -1.2, right: 0.9, bottom: -1, top: 1 });
  const right = projection({ left: -0.9, right: 1.2, bottom: -1, top: 1 });
  const { projection: u, heightPx } = unionProjection([left, right], [1000, 1000]);
  const t = frustumTangents(u);
  assert.ok(t.right >= 1.2 && -t.left >= 1.2 && t.top >= 1 && -t.bottom >= 1);
  assert.ok(t.right < 1.3 && t.top < 1.1);
  // the same pixels per unit of tangent as the eyes: 1000 px over 2 units
  assert.ok(near(heightPx / (t.top - t.bottom), 500, 1));
});
