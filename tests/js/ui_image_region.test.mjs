// vtour/web/src/ui/imageRegion.js: regions of a deep-zoom image clipped to it, and the part of the frame clear of the
// minimap and the buttons
import assert from "node:assert/strict";
import { test } from "node:test";

import { clearArea, clipRegion, growRegion } from "../../vtour/web/src/ui/imageRegion.js";

test("a region is intersected with the image; nothing left, or not finite, is null", () => {
  assert.deepEqual(clipRegion([-5, 0, 100, 100], 3000, 2000), [0, 0, 95, 100]);
  assert.deepEqual(clipRegion([0, 0, 1e400, 10], 3000, 2000), null);          // Infinity
  assert.deepEqual(clipRegion([0, 0, Number.MAX_SAFE_INTEGER, 10], 3000, 2000), [0, 0, 3000, 10]);
  assert.equal(clipRegion([5000, 5000, 10, 10], 3000, 2000), null);
  assert.equal(clipRegion([NaN, 0, 1, 1], 3000, 2000), null);
  assert.equal(clipRegion([0, 0, 1], 3000, 2000), null);
  assert.deepEqual(clipRegion([400, 300, 600, 400], 3000, 2000), [400, 300, 600, 400]);
});

test("growRegion adds the margin on each side", () => {
  assert.deepEqual(growRegion([100, 100, 100, 50], 0.1), [90, 95, 120, 60]);
});

test("the clear area avoids every obstacle by the cut that leaves the content largest", () => {
  const frame = { left: 0, top: 0, right: 800, bottom: 600 };
  const nav = { left: 640, top: 480, right: 800, bottom: 600 }, buttons = { left: 8, top: 8, right: 140, bottom: 48 };
  const wide = clearArea(frame, [nav, buttons], 4);     // a wide region: above the minimap, below the buttons
  assert.deepEqual(wide, { left: 0, top: 56, right: 800, bottom: 472 });
  const tall = clearArea(frame, [nav, buttons], 0.25);  // a tall one: left of the minimap, right of the buttons
  assert.deepEqual(tall, { left: 148, top: 0, right: 632, bottom: 600 });
  for (const a of [wide, tall]) {
    for (const o of [nav, buttons]) assert.ok(a.right <= o.left || a.left >= o.right || a.bottom <= o.top || a.top >= o.bottom);
  }
  assert.deepEqual(clearArea(frame, [], 1), frame);
});
