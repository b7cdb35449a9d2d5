// vtour/web/src/inspector/Legend.js: the detail line says what is on screen, in the model's units
import assert from "node:assert/strict";
import { test } from "node:test";

import { changeEntries, detailText } from "../../vtour/web/src/inspector/Legend.js";
import { formatLength } from "../../vtour/web/src/inspector/format.js";
import { INSPECTOR_LABELS } from "../../vtour/web/src/ui/labels.js";

const L = INSPECTOR_LABELS.en;
const mm = (v) => formatLength(v, "mm");

test("the detail line gives the level, tour.json's triangle count and the Hausdorff deviation with its share", () => {
  const lod = { triangles: 123456, deviation: { hausdorff: 0.21, relativeHausdorff: 0.0005 } };
  assert.equal(detailText(L, { index: 1, levels: 3, lod, triangles: 1, diagonal: 400, length: mm, language: "en" }),
               "Level 2 of 3: 123,456 triangles · deviation from the scan 0.21 mm (0.05 % of the diagonal)");
});

test("without a relative deviation the diagonal gives it; without a deviation the line says so", () => {
  const lod = { triangles: 10, deviation: { hausdorff: 2 } };
  assert.match(detailText(L, { index: 0, levels: 1, lod, diagonal: 400, length: mm, language: "en" }),
               /deviation from the scan 2 mm \(0\.5 % of the diagonal\)$/);
  assert.match(detailText(L, { index: 0, levels: 1, lod: { triangles: 10 }, length: mm, language: "en" }),
               /deviation unknown$/);
  // the triangles drawn when tour.json has no count
  assert.match(detailText(L, { index: 0, levels: 1, lod: {}, triangles: 48, length: mm, language: "en" }), /48 triangles/);
});

test("units unknown are said beside the number, in the visitor's language", () => {
  const lod = { triangles: 10, deviation: { hausdorff: 0.5, relativeHausdorff: 0.01 } };
  const text = detailText(INSPECTOR_LABELS.zh, { index: 0, levels: 1, lod, length: (v) => formatLength(v, "unknown", "单位未知"),
                                                 language: "zh" });
  assert.match(text, /0\.5 \(单位未知\)/);
});

test("every control's English word is in its Chinese label too", () => {
  for (const [key, word] of [["clay", "Clay"], ["normals", "Normals"], ["wireframe", "Wireframe"], ["xray", "X-ray"],
                             ["deviation", "Deviation"], ["change", "Change"], ["light", "Light"],
                             ["azimuth", "Light"], ["finest", "Finest level"], ["screenshot", "Screenshot"],
                             ["section", "Section"], ["measure", "Measure"], ["notes", "Notes"]]) {
    assert.ok(INSPECTOR_LABELS.en[key].includes(word), `en ${key}`);
    assert.ok(INSPECTOR_LABELS.zh[key].includes(word), `zh ${key}: ${INSPECTOR_LABELS.zh[key]}`);
  }
});

test("the change legend names loss and gain apart, with their limits, and 'not measured', in both languages", () => {
  const limits = { minor: 0.15, major: 1 };
  assert.deepEqual(changeEntries(L, limits, mm), [
    ["none", "no change < 0.15 mm"], ["minorLoss", "minor loss ≥ 0.15 mm"], ["minorGain", "minor gain ≥ 0.15 mm"],
    ["majorLoss", "major loss ≥ 1 mm"], ["majorGain", "major gain ≥ 1 mm"], ["notMeasured", "not measured"]]);
  assert.deepEqual(changeEntries(INSPECTOR_LABELS.zh, limits, mm).map(([, t]) => t),
                   ["无变化 < 0.15 mm", "轻微损失 ≥ 0.15 mm", "轻微增加 ≥ 0.15 mm", "显著损失 ≥ 1 mm", "显著增加 ≥ 1 mm", "未测量"]);
});

test("without limits the change legend claims no class but 'not measured'", () => {
  assert.deepEqual(changeEntries(L, null, mm), [["notMeasured", "not measured"]]);
  assert.match(L.noLimits, /no change limits/);
  assert.ok(INSPECTOR_LABELS.zh.noLimits);
});
