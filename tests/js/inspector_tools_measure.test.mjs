// vtour/web/src/inspector/measureMath.js: distances, polylines, heights above a plane, their text and exports.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  distance, formatWorldLength, heightAbovePlane, measureValue, measurementsToCsv, measurementsToJson, planeFromPointNormal,
  planeFromPoints, polylineLength, projectOnPlane,
} from "../../vtour/web/src/inspector/measureMath.js";

const close = (a, b, eps = 1e-12) => assert.ok(Math.abs(a - b) <= eps, `${a} != ${b}`);

test("a distance is the Euclidean length between two points", () => {
  close(distance([1, 2, 3], [4, 6, 3]), 5);
  close(distance([0, 0, 0], [0, 0, 0]), 0);
});

test("a polyline's length is the sum of its segments; one point has none", () => {
  close(polylineLength([[0, 0, 0], [3, 4, 0], [3, 4, 12]]), 17);
  close(polylineLength([[1, 1, 1]]), 0);
  close(measureValue({ kind: "polyline", points: [[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]] }), 3);
});

test("a plane from three points has the right-hand normal and gives signed heights", () => {
  const plane = planeFromPoints([0, 0, 2], [1, 0, 2], [0, 1, 2]);
  assert.deepEqual(plane.normal, [0, 0, 1]);
  close(heightAbovePlane(plane, [5, -3, 7.5]), 5.5);
  close(heightAbovePlane(plane, [0, 0, 0]), -2);
  assert.deepEqual(projectOnPlane(plane, [5, -3, 7.5]), [5, -3, 2]);
  const flipped = planeFromPoints([0, 0, 2], [0, 1, 2], [1, 0, 2]);
  close(heightAbovePlane(flipped, [5, -3, 7.5]), -5.5);
});

test("a tilted plane from a point and its normal measures along the normal", () => {
  const plane = planeFromPointNormal([1, 1, 1], [1, 1, 0]);
  close(Math.hypot(...plane.normal), 1);
  close(heightAbovePlane(plane, [2, 2, 1]), Math.SQRT2, 1e-12);
  close(measureValue({ kind: "height", points: [[1, 1, 9]], plane }), 0);
});

test("collinear points and a zero normal are refused with a message that says what to do", () => {
  assert.throws(() => planeFromPoints([0, 0, 0], [1, 1, 1], [2, 2, 2]), /in one line; pick three points/);
  assert.throws(() => planeFromPointNormal([0, 0, 0], [0, 0, 0]), /normal .* is zero/);
  assert.throws(() => measureValue({ kind: "area", points: [] }), /unknown measurement kind "area"/);
});

test("lengths are shown by format.js's formatLength, 4 significant digits, with their unit or 'units unknown'", () => {
  const mm = { units: "mm", unitsPerMetre: 1000 };
  assert.equal(formatWorldLength(0.1, mm), "100 mm");
  assert.equal(formatWorldLength(0.1234567, mm), "123.5 mm");
  assert.equal(formatWorldLength(2.3456, mm), "2346 mm");
  assert.equal(formatWorldLength(-0.0035, mm), "-3.5 mm");
  assert.equal(formatWorldLength(0, mm), "0 mm");
  assert.equal(formatWorldLength(0.1234567, { units: "cm", unitsPerMetre: 100 }), "12.35 cm");
  assert.equal(formatWorldLength(1.5, { units: "unknown", unitsPerMetre: 1 }), "1.5 (units unknown)");
  assert.equal(formatWorldLength(1.5, { units: "unknown", unitsPerMetre: 1 }, "单位未知"), "1.5 (单位未知)");
});

test("on a metre model a sub-millimetre length is shown in mm, never rounded to '0.000 m'", () => {
  const m = { units: "m", unitsPerMetre: 1 };
  assert.equal(formatWorldLength(0.0004, m), "0.4 mm");
  assert.equal(formatWorldLength(0.00012346, m), "0.1235 mm");
  assert.equal(formatWorldLength(0.0123, m), "0.0123 m");
  assert.equal(formatWorldLength(1.23456, m), "1.235 m");
  assert.equal(formatWorldLength(measureValue({ kind: "distance", points: [[0, 0, 0], [0.0004, 0, 0]] }), m), "0.4 mm");
});

const MEASUREMENTS = [
  { kind: "distance", points: [[0, 0, 0], [0.1, 0, 0]] },  // world metres: 100 mm
  { kind: "polyline", points: [[0, 0, 0], [0.03, 0.04, 0], [0.03, 0.04, 0.012]] },
  { kind: "height", points: [[0, 0, 0.02]], plane: { normal: [0, 0, 1], point: [0, 0, 0.005] } },
];
const LEVEL = { index: 1, count: 4, path: "models/box/lod1.glb", triangles: 12000, hausdorff: 1.2 };

test("the JSON export gives values and points in model units", () => {
  const doc = measurementsToJson(MEASUREMENTS, { units: "mm", unitsPerMetre: 1000 });
  assert.equal(doc.units, "mm");
  assert.deepEqual(doc.measurements.map((m) => [m.index, m.kind, m.value]),
                   [[1, "distance", 100], [2, "polyline", 62], [3, "height", 15]]);
  assert.deepEqual(doc.measurements[0].points, [[0, 0, 0], [100, 0, 0]]);
  assert.deepEqual(doc.measurements[2].plane, { normal: [0, 0, 1], point: [0, 0, 5] });
  assert.deepEqual(JSON.parse(JSON.stringify(doc)), doc);
  assert.equal(doc.measurements[0].level, null);   // made without a level known
});

test("each exported measurement records the level it was measured on: path, triangles, Hausdorff", () => {
  const ms = [{ ...MEASUREMENTS[0], level: LEVEL }, MEASUREMENTS[1]];
  const doc = measurementsToJson(ms, { units: "mm", unitsPerMetre: 1000 });
  assert.deepEqual(doc.measurements[0].level,
                   { level: 2, levels: 4, path: "models/box/lod1.glb", triangles: 12000, hausdorff: 1.2 });
  const rows = measurementsToCsv(ms, { units: "mm", unitsPerMetre: 1000 }).trimEnd().split("\r\n").map((r) => r.split(","));
  assert.deepEqual(rows[0].slice(8), ["level", "levels", "level_path", "triangles", "hausdorff"]);
  assert.deepEqual(rows[1].slice(8), ["2", "4", "models/box/lod1.glb", "12000", "1.2"]);
  assert.deepEqual(rows[3].slice(8), ["", "", "", "", ""]);
});

test("the CSV export has one row per point, a header, CRLF line ends and parses back to the values", () => {
  const csv = measurementsToCsv(MEASUREMENTS, { units: "mm", unitsPerMetre: 1000 });
  const rows = csv.trimEnd().split("\r\n").map((r) => r.split(","));
  assert.deepEqual(rows[0].slice(0, 8), ["index", "kind", "value", "units", "point", "x", "y", "z"]);
  assert.equal(rows.length, 1 + 2 + 3 + 1);
  assert.deepEqual(rows[1].slice(0, 8), ["1", "distance", "100", "mm", "1", "0", "0", "0"]);
  assert.deepEqual(rows[5].slice(0, 8), ["2", "polyline", "62", "mm", "3", "30", "40", "12"]);
  assert.deepEqual(rows[6].slice(0, 8), ["3", "height", "15", "mm", "1", "0", "0", "20"]);
  const unknown = measurementsToCsv(MEASUREMENTS.slice(0, 1), { units: "unknown", unitsPerMetre: 1 });
  assert.match(unknown, /\r\n1,distance,0\.1,unknown,2,0\.1,0,0,,,,,\r\n$/);
});
