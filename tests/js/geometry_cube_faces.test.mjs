// vtour/web/src/geometry/CubeFaces.js: the cube vtour shares with Marzipano, Pannellum and krpano
// (vtour/conventions.py): front = -Z, right = +X, up = +Y; u right, v down each face image.
import assert from "node:assert/strict";
import { test } from "node:test";

import { FACES, directionToYawPitch, faceDirection, faceQuad, yawPitchToDirection } from "../../vtour/web/src/geometry/CubeFaces.js";

const close = (a, b, eps = 1e-9) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) < eps);

test("faces are listed in the preview strip's order", () => {
  assert.deepEqual(FACES, ["b", "d", "f", "l", "r", "u"]);
});

test("each face's centre is the direction of its name, at the yaw and pitch the conventions give it", () => {
  const centres = { f: [0, 0, -1], b: [0, 0, 1], r: [1, 0, 0], l: [-1, 0, 0], u: [0, 1, 0], d: [0, -1, 0] };
  const angles = { f: [0, 0], r: [90, 0], b: [180, 0], l: [-90, 0], u: [null, 90], d: [null, -90] };
  for (const face of FACES) {
    const dir = faceDirection(face, 0, 0);
    assert.ok(close(dir, centres[face]), `${face}: ${dir}`);
    const [yaw, pitch] = directionToYawPitch(...dir);
    assert.ok(Math.abs(pitch - angles[face][1]) < 1e-12, `${face}: pitch ${pitch}`);
    // yaw compared modulo 360: b's centre comes out at 180 or -180, both behind
    const turn = (((yaw - (angles[face][0] ?? yaw)) % 360) + 360) % 360;
    assert.ok(Math.min(turn, 360 - turn) < 1e-12, `${face}: yaw ${yaw}`);
  }
});

test("the face image's top-left corner is up and left seen from the centre", () => {
  assert.deepEqual(faceDirection("f", -1, -1), [-1, 1, -1]); // front: left = -X, up = +Y
  assert.deepEqual(faceDirection("r", -1, -1), [1, 1, -1]);  // right's left edge meets the front
  assert.deepEqual(faceDirection("u", -1, 1), [-1, 1, -1]);  // up's bottom edge meets the front's top
  assert.deepEqual(faceDirection("d", -1, -1), [-1, -1, -1]); // down's top edge meets the front's bottom
});

test("every edge point of a face is an edge point of exactly one other face", () => {
  const key = (d) => d.map((c) => c.toFixed(6)).join(",");
  const edges = new Map(); // direction -> faces whose edge passes through it
  const ts = [-0.75, -0.25, 0.25, 0.75];
  for (const face of FACES) {
    for (const t of ts) {
      for (const [u, v] of [[t, -1], [t, 1], [-1, t], [1, t]]) {
        const k = key(faceDirection(face, u, v));
        edges.set(k, [...(edges.get(k) || []), face]);
      }
    }
  }
  for (const [dir, faces] of edges) assert.equal(new Set(faces).size, 2, `${dir}: on ${faces}`);
  assert.equal(edges.size, 12 * ts.length); // a cube's 12 edges
});

test("an unknown face letter is refused, naming the letters there are", () => {
  assert.throws(() => faceDirection("x", 0, 0), /unknown face "x"; expected one of b d f l r u/);
});

test("yaw and pitch turn into the unit direction the camera looks along, and back", () => {
  assert.ok(close(yawPitchToDirection(0, 0), [0, 0, -1]));
  assert.ok(close(yawPitchToDirection(90, 0), [1, 0, 0]));   // positive yaw turns right
  assert.ok(close(yawPitchToDirection(0, 90), [0, 1, 0]));   // positive pitch looks up
  for (const [yaw, pitch] of [[30, 20], [-150, -45], [179, 89], [-179.5, 0]]) {
    const d = yawPitchToDirection(yaw, pitch);
    assert.ok(Math.abs(Math.hypot(...d) - 1) < 1e-12);
    assert.ok(close(directionToYawPitch(...d), [yaw, pitch], 1e-9), `${yaw}, ${pitch}`);
  }
});

test("faceQuad gives two triangles over the rectangle, UV (0, 0) at its top-left", () => {
  const { positions, uvs } = faceQuad("f", 0, -1, 1, 0);  // the front face's upper-right quarter
  assert.ok(close([...positions], [0, 1, -1, 1, 1, -1, 1, 0, -1, 0, 1, -1, 1, 0, -1, 0, 0, -1]), String(positions));
  assert.deepEqual([...uvs], [0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1]);
  const inset = faceQuad("b", -1, -1, 1, 1, [0.25, 0.5, 0.75, 1]).uvs;
  assert.deepEqual([...inset.slice(0, 4)], [0.25, 0.5, 0.75, 0.5]);
});
