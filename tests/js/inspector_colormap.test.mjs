// vtour/web/src/inspector/colormap.js and format.js: legends say what the shaders draw, in the model's units
import assert from "node:assert/strict";
import { test } from "node:test";

import { CHANGE_CLASSES, CHANGE_COLOURS, CHANGE_HEX, DEVIATION_STOPS, NOT_MEASURED_MIN, changeClass, cssColour,
  deviationColour, deviationGradient, glslColourFunctions, notMeasuredThreshold } from "../../vtour/web/src/inspector/colormap.js";
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

test("a change is classed by its magnitude and its sign, boundaries going to the class above", () => {
  const limits = { minor: 0.15, major: 1 };
  assert.equal(changeClass(0.1, limits), "none");
  assert.equal(changeClass(-0.1, limits), "none");
  assert.equal(changeClass(-0.15, limits), "minorLoss");
  assert.equal(changeClass(0.15, limits), "minorGain");
  assert.equal(changeClass(0.99, limits), "minorGain");
  assert.equal(changeClass(-2, limits), "majorLoss");
  assert.equal(changeClass(1, limits), "majorGain");
  assert.equal(changeClass(-1, limits), "majorLoss");
});

test("the sentinel (|c| >= 1e29) and NaN are 'not measured', whatever the limits", () => {
  const limits = { minor: 0.15, major: 1 };
  assert.equal(changeClass(1e30, limits), "notMeasured");
  assert.equal(changeClass(-1e30, limits), "notMeasured");
  assert.equal(changeClass(NOT_MEASURED_MIN, limits), "notMeasured");
  assert.equal(changeClass(NaN, limits), "notMeasured");
  assert.equal(changeClass(9.9e28, limits), "majorGain");
  assert.equal(notMeasuredThreshold(1e30), 1e29);
  assert.equal(notMeasuredThreshold(1e20), 1e19);   // a tour's own sentinel
  assert.equal(notMeasuredThreshold(undefined), NOT_MEASURED_MIN);
});

test("the class colours are the lead's table, and a loss never shares a colour with a gain", () => {
  assert.deepEqual(CHANGE_HEX, { none: "#9e9e9e", minorLoss: "#f4a259", minorGain: "#8ab8e8", majorLoss: "#c62828",
                                 majorGain: "#1f4fa8", notMeasured: "#6a4c93" });
  assert.deepEqual(CHANGE_CLASSES, Object.keys(CHANGE_HEX));
  assert.equal(cssColour(CHANGE_COLOURS.majorLoss), "rgb(198, 40, 40)");
  assert.equal(new Set(CHANGE_CLASSES.map((c) => cssColour(CHANGE_COLOURS[c]))).size, CHANGE_CLASSES.length);
});

test("the shader's colour functions are generated from the same tables", () => {
  const glsl = glslColourFunctions();
  assert.match(glsl, /vec3 vtourDeviationColour\(float t\)/);
  assert.match(glsl, /vec3 vtourChangeColour\(float c, float minor, float major, float notMeasured\)/);
  for (const c of [DEVIATION_STOPS[2], ...CHANGE_CLASSES.map((k) => CHANGE_COLOURS[k])]) {
    assert.ok(glsl.includes(`vec3(${c.map((x) => x.toFixed(4)).join(", ")})`), c);
  }
  assert.match(glsl, /c < 0\.0 \?/);   // the sign picks loss or gain
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
