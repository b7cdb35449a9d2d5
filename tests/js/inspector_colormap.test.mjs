// vtour/web/src/inspector/colormap.js and format.js: legends say what the shaders draw, in the model's units
import assert from "node:assert/strict";
import { test } from "node:test";

import { CHANGE_COLOURS, DEVIATION_STOPS, changeClass, deviationColour, deviationGradient, glslColourFunctions }
  from "../../vtour/web/src/inspector/colormap.js";
import { fill, formatCount, formatLength, formatPercent, significant } from "../../vtour/web/src/inspector/format.js";

test("the deviation ramp starts and ends on its stops, clamps, and interpolates between them", () => {
  assert.deepEqual(deviationColour(0), DEVIATION_STOPS[0]);
  assert.deepEqual(deviationColour(1), DEVIATION_STOPS.at(-1));
  assert.deepEqual(deviationColour(-3), DEVIATION_STOPS[0]);
  assert.deepEqual(deviationColour(7), DEVIATION_STOPS.at(-1));
  const mid = deviationColour(0.125);   // halfway between stops 0 and 1
  mid.forEach((c, k) => assert.ok(Math.abs(c - (DEVIATION_STOPS[0][k] + DEVIATION_STOPS[1][k]) / 2) < 1e-12));
  assert.match(deviationGradient(), /^linear-gradient\(to right, rgb\(68, 1, 84\), .*rgb\(253, 231, 37\)\)$/);
});

test("a change is classed by its magnitude: losses and gains alike", () => {
  const limits = { minor: 0.15, major: 1 };
  assert.equal(changeClass(0.1, limits), "none");
  assert.equal(changeClass(-0.15, limits), "minor");
  assert.equal(changeClass(0.99, limits), "minor");
  assert.equal(changeClass(-2, limits), "major");
  assert.equal(changeClass(1, limits), "major");
});

test("the shader's colour functions are generated from the same tables", () => {
  const glsl = glslColourFunctions();
  assert.match(glsl, /vec3 vtourDeviationColour\(float t\)/);
  assert.match(glsl, /vec3 vtourChangeColour\(float c, float minor, float major\)/);
  for (const c of [DEVIATION_STOPS[2], CHANGE_COLOURS.major]) {
    assert.ok(glsl.includes(`vec3(${c.map((x) => x.toFixed(4)).join(", ")})`), c);
  }
});

test("lengths carry their units, or say the units are unknown", () => {
  assert.equal(formatLength(0.21349, "mm"), "0.213 mm");
  assert.equal(formatLength(1234.5, "mm"), "1235 mm");
  assert.equal(formatLength(0.5, "unknown"), "0.5 (units unknown)");
  assert.equal(formatLength(0.00000872, "m"), "0.00872 mm");   // under a centimetre: in mm
  assert.equal(formatLength(0.25, "cm"), "2.5 mm");
  assert.equal(formatLength(1.5, "m"), "1.5 m");
  assert.equal(formatLength(0, "m"), "0 mm");
  assert.equal(formatLength(0.5, "unknown", "单位未知"), "0.5 (单位未知)");
  assert.equal(formatPercent(0.000512), "0.0512 %");
  assert.equal(significant(0), "0");
  assert.equal(formatCount(1234567), "1,234,567");
  assert.equal(fill("Level {level} of {levels} {x}", { level: 2, levels: 3 }), "Level 2 of 3 {x}");
});
