// vtour/web/src/geometry/Levels.js: which level of a tile pyramid the viewer draws for a screen.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Levels, MAX_TEXTURE_SIZE } from "../../vtour/web/src/geometry/Levels.js";

// The synthetic hall of the browser tests: 1024 px faces, 512 px tiles, the 256 px preview level.
const HALL = [{ size: 256, tileSize: 256, fallbackOnly: true }, { size: 512, tileSize: 512 }, { size: 1024, tileSize: 512 }];

test("levels are numbered coarse to fine with their tile counts per face side", () => {
  const { all } = new Levels(HALL);
  assert.deepEqual(all.map((lv) => [lv.z, lv.size, lv.tiles, lv.fallbackOnly]),
                   [[0, 256, 1, true], [1, 512, 1, false], [2, 1024, 2, false]]);
});

test("select picks the coarsest level whose texels reach the screen's pixels", () => {
  const levels = new Levels(HALL);
  // fov 70 on 480 px: 512 * tan(35 deg) = 358.5 < 480 <= 1024 * tan(35 deg) = 717.0
  assert.equal(levels.select(70, 480).z, 2);
  // fov 100 on 480 px: 512 * tan(50 deg) = 610.2 >= 480
  assert.equal(levels.select(100, 480).z, 1);
  // the boundary: 512 * tan(35 deg) = 358.51
  assert.equal(levels.select(70, 358).z, 1);
  assert.equal(levels.select(70, 359).z, 2);
});

test("select never picks a fallback-only level and stops at the finest", () => {
  const levels = new Levels(HALL);
  assert.equal(levels.select(120, 1).z, 1);     // the 256 px level would do, but it is fallbackOnly
  assert.equal(levels.select(20, 10000).z, 2);  // nothing is fine enough: the finest there is
});

test("levels with tiles over the texture limit are never selected", () => {
  const big = [...HALL, { size: 2 * MAX_TEXTURE_SIZE, tileSize: 2 * MAX_TEXTURE_SIZE }];
  assert.equal(new Levels(big, 4 * MAX_TEXTURE_SIZE).select(20, 10000).z, 2); // capped at MAX_TEXTURE_SIZE
  assert.throws(() => new Levels(HALL, 256), /over the texture limit/); // 512 px tiles on a 256 px GPU
});

test("a level list that breaks Marzipano's rules is refused with the rule it breaks", () => {
  assert.throws(() => new Levels([]), /no levels given/);
  assert.throws(() => new Levels([{ size: 500, tileSize: 256 }]), /level 0 size 500 is not a multiple of its tileSize 256/);
  assert.throws(() => new Levels([{ size: 512, tileSize: 512 }, { size: 768, tileSize: 256 }]),
                /level 1 size 768 is not a multiple of level 0 size 512/);
  assert.throws(() => new Levels([{ size: 256, tileSize: 256, fallbackOnly: true }]), /every level is fallbackOnly/);
});
