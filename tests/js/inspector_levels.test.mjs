// vtour/web/src/inspector/levels.js: which level of detail the view needs
import assert from "node:assert/strict";
import { test } from "node:test";

import { TRIANGLES_PER_PIXEL, chooseLevel, projectedRadiusPx, trianglesWanted }
  from "../../vtour/web/src/inspector/levels.js";

const LODS = [{ triangles: 1000, textureSize: 512 }, { triangles: 20_000, textureSize: 1024 },
              { triangles: 400_000, textureSize: 4096 }];

test("a sphere's projected radius follows the pinhole model and is infinite from inside", () => {
  // a unit sphere 10 away, 90 degrees of fov over 1000 px: tan(asin(0.1)) * 500 px
  assert.ok(Math.abs(projectedRadiusPx(1, 10, 90, 1000) - 500 * Math.tan(Math.asin(0.1))) < 1e-9);
  assert.equal(projectedRadiusPx(1, 0.5, 40, 800), Infinity);
  assert.equal(projectedRadiusPx(0, 5, 40, 800), 0);
  // twice as far, about half as large
  const near = projectedRadiusPx(1, 20, 40, 800), far = projectedRadiusPx(1, 40, 40, 800);
  assert.ok(Math.abs(near / far - 2) < 0.01);
});

test("the triangles wanted cover the projected disc, front and back", () => {
  assert.equal(trianglesWanted(100), 2 * TRIANGLES_PER_PIXEL * Math.PI * 100 * 100);
});

test("the coarsest level with enough triangles is chosen, else the finest allowed", () => {
  assert.equal(chooseLevel(LODS, 500), 0);
  assert.equal(chooseLevel(LODS, 1001), 1);
  assert.equal(chooseLevel(LODS, 1e9), 2);
  assert.equal(chooseLevel(LODS, 1e9, { maxTexture: 2048 }), 1);   // the 4k level is over the budget
  assert.equal(chooseLevel(LODS, 1e9, { maxTriangles: 10_000 }), 0);
  assert.equal(chooseLevel(LODS, 1e9, { maxTriangles: 10 }), 0);   // nothing allowed: the coarsest
  assert.equal(chooseLevel([], 10), 0);
});
