// vtour/web/src/geometry/TilePresence.js: which tiles of a partial panorama exist (tour.json's panorama.present).
import assert from "node:assert/strict";
import { test } from "node:test";

import { Levels } from "../../vtour/web/src/geometry/Levels.js";
import { TilePresence } from "../../vtour/web/src/geometry/TilePresence.js";

// 256 px fallback level, 1 tile per face at 512 px, 2 x 2 at 1024 px, 3 x 3 at 3072 (bits past a byte)
const LEVELS = new Levels([
  { size: 256, tileSize: 256, fallbackOnly: true }, { size: 512, tileSize: 512 },
  { size: 1024, tileSize: 512 }, { size: 3072, tileSize: 1024 },
]).all;
const ALL = { b: true, d: true, f: true, l: true, r: true, u: true };
const NONE = { b: false, d: false, f: false, l: false, r: false, u: false };

test("no present: every tile exists", () => {
  const p = new TilePresence(undefined, LEVELS);
  assert.equal(p.has(2, "f", 1, 1), true);
  assert.equal(p.has(0, "u", 0, 0), true);
});

test("true and false stand for a whole face", () => {
  const p = new TilePresence([ALL, ALL, { ...ALL, b: false }, NONE], LEVELS);
  assert.equal(p.has(2, "b", 0, 0), false);
  assert.equal(p.has(2, "b", 1, 1), false);
  assert.equal(p.has(2, "f", 1, 1), true);
  assert.equal(p.has(3, "f", 0, 0), false);
});

test("a mask is numpy's packbits of the row-major n x n mask, most significant bit first", () => {
  // np.packbits([[1,0],[0,1]].ravel()) = 0b10010000 = "kA=="; the 3 x 3 identity: 0b10001000 0b10000000 = "iIA="
  const p = new TilePresence([ALL, ALL, { ...NONE, f: "kA==" }, { ...NONE, r: "iIA=" }], LEVELS);
  assert.deepEqual([[0, 0], [0, 1], [1, 0], [1, 1]].map(([y, x]) => p.has(2, "f", y, x)), [true, false, false, true]);
  const seen = [];
  for (let y = 0; y < 3; y++) for (let x = 0; x < 3; x++) if (p.has(3, "r", y, x)) seen.push([y, x]);
  assert.deepEqual(seen, [[0, 0], [1, 1], [2, 2]]);
  assert.equal(p.has(2, "b", 0, 0), false);
});

test("a present list that does not match the levels is named in a warning, and every tile is then asked for", () => {
  const warned = [];
  const warn = console.warn;
  console.warn = (msg) => warned.push(msg);
  try {
    for (const bad of [[ALL], [ALL, ALL, { ...ALL, f: "iIA=" }, ALL], [ALL, ALL, { ...ALL, f: "not base64!" }, ALL]]) {
      const p = new TilePresence(bad, LEVELS);
      assert.equal(p.complete, true);
      assert.equal(p.has(2, "f", 0, 0), true);
    }
  } finally {
    console.warn = warn;
  }
  assert.match(warned[0], /present has 1 levels, expected 4/);
  assert.match(warned[1], /level 2 face f has 2 bytes, expected 1/);
  assert.equal(warned.length, 3);
});
