// vtour/web/src/sources/TileUrlSource.js: tile and preview URLs from tour.json's `tiles` template.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { TileUrlSource } from "../../vtour/web/src/sources/TileUrlSource.js";

const BASE = "http://127.0.0.1:8000/tours/grotto/tour.json";
// the template tour.json carries: vtour/conventions.py TILE_TEMPLATE under the scene's folder
const CONVENTIONS = readFileSync(new URL("../../vtour/conventions.py", import.meta.url), "utf8");
const TILE_TEMPLATE = JSON.parse(CONVENTIONS.match(/^TILE_TEMPLATE = ("[^"]*")$/m)[1]);

test("the Python side's tile template fills in level, face, row and column", () => {
  const source = TileUrlSource.fromString(`scenes/hall/${TILE_TEMPLATE}`,
                                          { baseUrl: BASE, previewUrl: "scenes/hall/preview.jpg" });
  assert.equal(source.tileUrl(2, "f", 1, 0), "http://127.0.0.1:8000/tours/grotto/scenes/hall/2/f/1/0.jpg");
  assert.equal(source.tileUrl(0, "u", 0, 3), "http://127.0.0.1:8000/tours/grotto/scenes/hall/0/u/0/3.jpg");
  assert.equal(source.previewUrl, "http://127.0.0.1:8000/tours/grotto/scenes/hall/preview.jpg");
});

test("every occurrence of a placeholder is filled, and nothing else is touched", () => {
  const source = TileUrlSource.fromString("t/{f}{z}/{z}-{y}_{x}.jpg?face={f}&v={w}", { baseUrl: BASE, previewUrl: "p.jpg" });
  assert.equal(source.tileUrl(3, "b", 7, 12), "http://127.0.0.1:8000/tours/grotto/t/b3/3-7_12.jpg?face=b&v={w}");
});

test("absolute templates and preview URLs are kept as they are", () => {
  const source = TileUrlSource.fromString("https://tiles.example/{z}/{f}/{y}/{x}.jpg",
                                          { baseUrl: BASE, previewUrl: "https://tiles.example/preview.jpg" });
  assert.equal(source.tileUrl(1, "d", 0, 0), "https://tiles.example/1/d/0/0.jpg");
  assert.equal(source.previewUrl, "https://tiles.example/preview.jpg");
});

test("a template without a placeholder, or a panorama without tiles or preview, is refused", () => {
  assert.throws(() => TileUrlSource.fromString("scenes/hall/{z}/{x}.jpg", { baseUrl: BASE, previewUrl: "p.jpg" }),
                /"scenes\/hall\/\{z\}\/\{x\}\.jpg" lacks \{f\}, \{y\}/);
  assert.throws(() => TileUrlSource.fromString(undefined, { baseUrl: BASE, previewUrl: "p.jpg" }),
                /no tile template \(tour.json's panorama.tiles\)/);
  assert.throws(() => TileUrlSource.fromString(TILE_TEMPLATE, { baseUrl: BASE }), /no preview/);
});
