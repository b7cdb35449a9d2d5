// vtour/web/src/inspector/sectionOutline.js and sectionExport.js: where a plane cuts a mesh, the outline
// joined into polylines, and its SVG and DXF files read back to the same coordinates.
import assert from "node:assert/strict";
import { test } from "node:test";

import { DXF_INSUNITS, levelDescription, outlineToDxf, outlineToSvg } from "../../vtour/web/src/inspector/sectionExport.js";
import {
  anglesFromNormal, joinSegments, joinTolerance, normalFromAngles, planeBasis, sectionSegments, toPaper,
} from "../../vtour/web/src/inspector/sectionOutline.js";

const close = (a, b, eps = 1e-9) => assert.ok(Math.abs(a - b) <= eps, `${a} != ${b}`);

/** An axis-aligned box [x0, x1] x [y0, y1] x [z0, z1]: 8 vertices, 12 outward triangles. */
function box([x0, y0, z0], [x1, y1, z1]) {
  const positions = [];
  for (const z of [z0, z1]) for (const y of [y0, y1]) for (const x of [x0, x1]) positions.push(x, y, z);
  // vertex i = x + 2y + 4z (bits)
  const quads = [[0, 2, 3, 1], [4, 5, 7, 6], [0, 1, 5, 4], [2, 6, 7, 3], [0, 4, 6, 2], [1, 3, 7, 5]];
  const index = quads.flatMap(([a, b, c, d]) => [a, b, c, a, c, d]);
  return { positions: new Float64Array(positions), index: new Uint32Array(index) };
}

function soup({ positions, index }) {
  return new Float64Array([...index].flatMap((i) => [positions[3 * i], positions[3 * i + 1], positions[3 * i + 2]]));
}

function outline(mesh, normal, offset, indexed = true) {
  const segs = indexed ? sectionSegments(mesh.positions, mesh.index, normal, offset)
    : sectionSegments(soup(mesh), null, normal, offset);
  return joinSegments(segs, joinTolerance(segs));
}

/** Perimeter and (absolute) shoelace area of a closed paper polyline. */
function measure(points) {
  let perimeter = 0, area = 0;
  points.forEach((p, i) => {
    const q = points[(i + 1) % points.length];
    perimeter += Math.hypot(q[0] - p[0], q[1] - p[1]);
    area += p[0] * q[1] - q[0] * p[1];
  });
  return { perimeter, area: Math.abs(area) / 2 };
}

test("a plane through a cube gives one closed square of the cube's size, in the plane", () => {
  const cube = box([-1, -1, -1], [1, 1, 1]);
  for (const indexed of [true, false]) {
    const lines = outline(cube, [1, 0, 0], 0.3, indexed);
    assert.equal(lines.length, 1, `indexed=${indexed}`);
    assert.ok(lines[0].closed);
    for (const p of lines[0].points) { close(p[0], 0.3); assert.ok(Math.abs(p[1]) <= 1 + 1e-12 && Math.abs(p[2]) <= 1 + 1e-12); }
    const [paper] = toPaper(lines, [1, 0, 0]);
    const { perimeter, area } = measure(paper.points);
    close(perimeter, 8);
    close(area, 4);
  }
});

test("an oblique plane through a box's centre gives a closed loop whose area matches geometry", () => {
  // box 100 x 40 x 20 cut by the plane x = z (normal (1, 0, -1)/sqrt 2) through the centre: a parallelogram
  // 40 (along y) by 20 * sqrt 2 (along the diagonal of the x-z face)
  const b = box([-50, -20, -10], [50, 20, 10]);
  const n = [Math.SQRT1_2, 0, -Math.SQRT1_2];
  const lines = outline(b, n, 0);
  assert.equal(lines.length, 1);
  assert.ok(lines[0].closed);
  const { area } = measure(toPaper(lines, n)[0].points);
  close(area, 40 * 20 * Math.SQRT2, 1e-9);
});

test("a face lying in the plane is outlined once, and a plane missing the mesh gives nothing", () => {
  const cube = box([0, 0, 0], [2, 2, 2]);
  const lines = outline(cube, [0, 0, 1], 2);
  assert.equal(lines.length, 1);
  assert.ok(lines[0].closed);
  close(measure(toPaper(lines, [0, 0, 1])[0].points).perimeter, 8);
  assert.deepEqual(outline(cube, [0, 0, 1], 5), []);
  assert.deepEqual(outline(cube, [0, 0, 1], -1), []);
});

test("two separate boxes give two loops; an open strip gives an open polyline", () => {
  const a = box([0, 0, 0], [1, 1, 1]), b = box([3, 0, 0], [4, 1, 1]);
  const positions = new Float64Array([...a.positions, ...b.positions]);
  const index = new Uint32Array([...a.index, ...[...b.index].map((i) => i + 8)]);
  const lines = joinSegments(sectionSegments(positions, index, [0, 1, 0], 0.5), 1e-9);
  assert.equal(lines.length, 2);
  assert.ok(lines.every((l) => l.closed));
  // two triangles of a unit square in the z = 0 plane, cut by x = 0.5: one open segment chain
  const strip = joinSegments(sectionSegments([0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0], [0, 1, 2, 0, 2, 3], [1, 0, 0], 0.5), 1e-9);
  assert.equal(strip.length, 1);
  assert.equal(strip[0].closed, false);
  const ys = strip[0].points.map((p) => p[1]).sort((p, q) => p - q);
  assert.deepEqual([ys[0], ys[ys.length - 1]], [0, 1]);
});

test("normals from azimuth and elevation follow the documented convention and round-trip", () => {
  assert.deepEqual(normalFromAngles(0, 0), [1, 0, 0]);
  assert.deepEqual(normalFromAngles(90, 0), [0, 0, 1]);
  assert.deepEqual(normalFromAngles(30, 90), [0, 1, 0]);
  for (const [az, el] of [[0, 0], [45, 30], [200, -60], [359, 10]]) {
    const back = anglesFromNormal(normalFromAngles(az, el));
    close(back.azimuth, az, 1e-9);
    close(back.elevation, el, 1e-9);
  }
  assert.deepEqual(anglesFromNormal([0, -2, 0]), { azimuth: 0, elevation: -90 });
});

test("paper axes: the front section (normal +Z) has u = +X and v = +Y; both are unit and perpendicular to n", () => {
  assert.deepEqual(planeBasis([0, 0, 1]), { u: [1, 0, 0], v: [0, 1, 0] });
  assert.deepEqual(planeBasis([1, 0, 0]).v, [0, 1, 0]);
  for (const n of [[0, 1, 0], normalFromAngles(33, 71), normalFromAngles(250, -10)]) {
    const { u, v } = planeBasis(n);
    const dot = (a, b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    close(dot(u, u), 1); close(dot(v, v), 1); close(dot(u, v), 0); close(dot(u, n), 0); close(dot(v, n), 0);
  }
});

// --- exports ------------------------------------------------------------------------------------------

/** The polylines of an SVG written by outlineToSvg, back in paper coordinates (y up). */
function parseSvg(svg) {
  const out = [];
  for (const m of svg.matchAll(/<(polygon|polyline) points="([^"]*)"/g)) {
    out.push({ closed: m[1] === "polygon", points: m[2].split(" ").map((pair) => { const [x, y] = pair.split(",").map(Number); return [x, -y]; }) });
  }
  const attr = (name) => svg.match(new RegExp(`<svg[^>]* ${name}="([^"]*)"`))[1];
  return { lines: out, viewBox: attr("viewBox").split(" ").map(Number), width: attr("width"), height: attr("height") };
}

/** The POLYLINEs and header of a DXF written by outlineToDxf. */
function parseDxf(dxf) {
  const lines = dxf.split("\r\n");
  assert.equal(lines.pop(), "");
  const pairs = [];
  for (let i = 0; i < lines.length; i += 2) pairs.push([Number(lines[i]), lines[i + 1]]);
  const header = {};
  const polylines = [];
  let current = null, vertex = null, variable = null;
  for (const [code, value] of pairs) {
    if (code === 9) variable = value;
    else if (variable && code !== 0) { header[variable] = header[variable] || {}; header[variable][code] = value; }
    if (code === 0) {
      variable = null;
      if (value === "POLYLINE") { current = { closed: false, points: [] }; polylines.push(current); }
      else if (value === "VERTEX") { vertex = [0, 0]; current.points.push(vertex); }
      else vertex = null;
    } else if (current && !vertex && code === 70) current.closed = value === "1";
    else if (vertex && code === 10) vertex[0] = Number(value);
    else if (vertex && code === 20) vertex[1] = Number(value);
  }
  assert.deepEqual(pairs[pairs.length - 1], [0, "EOF"]);
  return { header, polylines };
}

const PAPER = [
  { closed: true, points: [[-0.05, -0.01], [0.05, -0.01], [0.05, 0.01], [-0.05, 0.01]] },  // world metres
  { closed: false, points: [[0.06, 0], [0.07, 0.005], [0.08, 0]] },
];

test("the SVG is to scale: viewBox in model units, width and height in mm, and reads back to the same points", () => {
  for (const [units, unitsPerMetre, mmPerUnit] of [["mm", 1000, 1], ["cm", 100, 10], ["m", 1, 1000]]) {
    const svg = outlineToSvg(PAPER, { units, unitsPerMetre, title: "box <section>" });
    assert.match(svg, /<title>box &lt;section&gt;<\/title>/);
    const { lines, viewBox, width, height } = parseSvg(svg);
    assert.deepEqual(lines.map((l) => l.closed), [true, false]);
    lines.forEach((l, i) => l.points.forEach((p, j) => {
      close(p[0], PAPER[i].points[j][0] * unitsPerMetre, 1e-9);
      close(p[1], PAPER[i].points[j][1] * unitsPerMetre, 1e-9);
    }));
    assert.match(width, /^[\d.]+mm$/);
    close(parseFloat(width) / viewBox[2], mmPerUnit, 1e-6);
    close(parseFloat(height) / viewBox[3], mmPerUnit, 1e-6);
    // the viewBox holds every point (y flipped), with a margin
    assert.ok(viewBox[0] < -0.05 * unitsPerMetre && viewBox[0] + viewBox[2] > 0.08 * unitsPerMetre);
    assert.ok(viewBox[1] < -0.01 * unitsPerMetre && viewBox[1] + viewBox[3] > 0.01 * unitsPerMetre);
  }
  const unknown = outlineToSvg(PAPER, { units: "unknown", unitsPerMetre: 1 });
  assert.match(parseSvg(unknown).width, /^[\d.]+$/);
  assert.match(unknown, /Units unknown/);
});

const LEVEL = { index: 1, count: 4, path: "models/box/lod1.glb", triangles: 12000, hausdorff: 1.2 };

test("the DXF is R12 ASCII in millimetres whatever the model's units, and reads back to the same points", () => {
  // R12 readers ignore $INSUNITS: the numbers themselves are millimetres
  for (const [units, unitsPerMetre] of [["mm", 1000], ["cm", 100], ["m", 1]]) {
    const { header, polylines } = parseDxf(outlineToDxf(PAPER, { units, unitsPerMetre }));
    assert.equal(header.$ACADVER[1], "AC1009");
    assert.equal(Number(header.$INSUNITS[70]), DXF_INSUNITS.mm);
    assert.deepEqual(polylines.map((l) => l.closed), [true, false]);
    polylines.forEach((l, i) => {
      assert.equal(l.points.length, PAPER[i].points.length);
      l.points.forEach((p, j) => {
        close(p[0], PAPER[i].points[j][0] * 1000, 1e-9);   // world metres -> mm
        close(p[1], PAPER[i].points[j][1] * 1000, 1e-9);
      });
    });
    assert.equal(Number(header.$EXTMAX[10]), 80);
  }
  // unknown units: the model's own numbers, unitless
  const { header, polylines } = parseDxf(outlineToDxf(PAPER, { units: "unknown", unitsPerMetre: 1 }));
  assert.equal(Number(header.$INSUNITS[70]), DXF_INSUNITS.unknown);
  close(polylines[0].points[1][0], 0.05, 1e-12);
  assert.deepEqual([DXF_INSUNITS.mm, DXF_INSUNITS.cm, DXF_INSUNITS.m, DXF_INSUNITS.unknown], [4, 5, 6, 0]);
});

/** The 999 comments of a DXF, in order. */
const comments = (dxf) => {
  const l = dxf.split("\r\n");
  return l.flatMap((v, i) => (i % 2 === 0 && v === "999" ? [l[i + 1]] : []));
};

test("the DXF's 999 comments name the units, the model, the level and its Hausdorff distance", () => {
  const c = comments(outlineToDxf(PAPER, { units: "m", unitsPerMetre: 1, model: "buddha", level: LEVEL }));
  assert.equal(c.length, 3);
  assert.match(c[0], /model buddha/);
  assert.match(c[1], /^units: millimetres \(converted from the model's m\)/);
  assert.equal(c[2], "cut from level 2 of 4 (models/box/lod1.glb, 12000 triangles), Hausdorff deviation from the scan 1.2 m");
  const u = comments(outlineToDxf(PAPER, { units: "unknown", unitsPerMetre: 1, model: "石佛", level: null }));
  assert.match(u[1], /^units unknown/);
  assert.equal(u[0], "vtour section outline of model ??");   // R12 text is ASCII
  assert.equal(u[2], "cut from level unknown");
});

test("the SVG's <desc> names the level and its deviation", () => {
  const svg = outlineToSvg(PAPER, { units: "mm", unitsPerMetre: 1000, level: LEVEL });
  assert.match(svg, /<desc>[^<]*Cut from level 2 of 4 \(models\/box\/lod1\.glb, 12000 triangles\), Hausdorff deviation from the scan 1\.2 mm\.<\/desc>/);
  assert.equal(levelDescription({ ...LEVEL, hausdorff: null }, "mm"),
               "level 2 of 4 (models/box/lod1.glb, 12000 triangles), Hausdorff deviation from the scan unknown");
  assert.match(levelDescription(LEVEL, "unknown"), /1\.2 \(units unknown\)$/);
});
