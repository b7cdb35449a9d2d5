// vtour/web/src/object/turntableFrame.js: the turntable frame shown for a drag, its angle and its strip position
import assert from "node:assert/strict";
import { test } from "node:test";

import { cssUrl, frameAfterDrag, frameDegrees, framePosition, wrapFrame } from "../../vtour/web/src/object/turntableFrame.js";

test("frames wrap round in both directions", () => {
  assert.equal(wrapFrame(0, 24), 0);
  assert.equal(wrapFrame(24, 24), 0);
  assert.equal(wrapFrame(25, 24), 1);
  assert.equal(wrapFrame(-1, 24), 23);
  assert.equal(wrapFrame(-49, 24), 23);
  assert.equal(wrapFrame(5.6, 24), 6);
  assert.equal(wrapFrame(3, 1), 0);
  assert.equal(wrapFrame(3, 0), 0);  // a strip of no frames shows its only one
});

test("a drag of the picture's width turns the object once round; to the left shows the frames that follow", () => {
  const w = 240, n = 24;
  assert.equal(frameAfterDrag(0, 0, w, n), 0);
  assert.equal(frameAfterDrag(0, -w / 4, w, n), 6);
  assert.equal(frameAfterDrag(0, w / 4, w, n), 18);
  assert.equal(frameAfterDrag(5, -w, w, n), 5);
  assert.equal(frameAfterDrag(5, -w / n, w, n), 6);     // one frame per width / frames px
  assert.equal(frameAfterDrag(5, -w / n / 3, w, n), 5); // less than half a frame: no turn
  assert.equal(frameAfterDrag(5, 2 * w + 1, w, n), 5);
  assert.equal(frameAfterDrag(7, 100, 0, n), 7);        // a picture not laid out does not turn
});

test("each frame's angle and background position", () => {
  assert.equal(frameDegrees(0, 24), 0);
  assert.equal(frameDegrees(6, 24), 90);
  assert.equal(frameDegrees(23, 24), 345);
  assert.equal(frameDegrees(24, 24), 0);
  assert.equal(frameDegrees(1, 7), 51);
  assert.equal(framePosition(0, 24), "0%");
  assert.equal(framePosition(23, 24), "100%");
  assert.equal(framePosition(-1, 24), "100%");
  assert.equal(parseFloat(framePosition(6, 24)), (100 * 6) / 23);
  assert.equal(framePosition(0, 1), "0%");
});

test("the strip's URL goes into CSS as it is, so an encoded folder name is not encoded twice", () => {
  const href = new URL("turntable.jpg", "http://host/sp ace/展览/objects/a/object.json").href;
  assert.equal(cssUrl(href), `url("${href}")`);
  assert.ok(!cssUrl(href).includes("%25"), "no double encoding");
  assert.equal(cssUrl('http://h/a"b\\c'), 'url("http://h/a\\22 b\\5c c")');
});
