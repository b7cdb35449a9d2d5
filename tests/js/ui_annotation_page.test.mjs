// vtour/web/src/ui/annotationPage.js: a deep-zoom image's regions from its W3C Web Annotation page
// (iiif/images/<id>-annotations.json): xywh targets in image px, titles and texts per language
import assert from "node:assert/strict";
import { test } from "node:test";

import { parseAnnotationPage, parseXywh, targetRegion, textAndLang, textIn } from "../../vtour/web/src/ui/annotationPage.js";

const BASE = "https://museum.example/tour/iiif/images";
const body = (value, language, purpose) => ({ type: "TextualBody", value, language, format: "text/plain", ...(purpose ? { purpose } : {}) });
const page = (items) => ({ "@context": "http://iiif.io/api/presentation/3/context.json", id: `${BASE}/mural-annotations.json`,
                            type: "AnnotationPage", items });

test("each annotation gives its id, its xywh region and its title and text per language", () => {
  const doc = page([
    { id: `${BASE}/mural-annotations.json#donor`, type: "Annotation", motivation: "commenting",
      body: [body("Donor figure", "en", "identifying"), body("供养人", "zh", "identifying"),
             body("A kneeling donor.", "en", "describing"), body("跪姿供养人。", "zh", "describing")],
      target: `${BASE}/mural.json/canvas/1#xywh=400,300,600,400` },
    { id: `${BASE}/mural-annotations.json#b`, type: "Annotation", body: [body("Tag", "en", "tagging")],
      target: `${BASE}/mural.json/canvas/1#xywh=1,2,3,4` },
  ]);
  assert.deepEqual(parseAnnotationPage(doc), [
    { id: "donor", region: [400, 300, 600, 400], title: { en: "Donor figure", zh: "供养人" },
      text: { en: "A kneeling donor.", zh: "跪姿供养人。" } },
    { id: "b", region: [1, 2, 3, 4], title: { en: "Tag" }, text: {} },
  ]);
});

test("the first non-describing body of a language is its title; a body without purpose counts as one", () => {
  const [a] = parseAnnotationPage(page([{ type: "Annotation", target: "c#xywh=0,0,5,5",
    body: [body("First", "en"), body("Second", "en", "identifying"), body("Text", "en", "describing")] }]));
  assert.deepEqual(a, { id: "a1", region: [0, 0, 5, 5], title: { en: "First" }, text: { en: "Text" } });
});

test("items with no usable region, or not annotations, are left out; a document that is no page throws", () => {
  const regions = parseAnnotationPage(page([
    { type: "Annotation", target: "c", body: [body("no fragment", "en")] },
    { type: "Annotation", target: "c#xywh=0,0,0,5", body: [body("empty", "en")] },
    { type: "Comment", target: "c#xywh=0,0,5,5" },
    { type: "Annotation", target: { source: "c", selector: { type: "FragmentSelector", value: "xywh=1,1,2,2" } },
      body: body("selector", "en") },
  ]));
  assert.deepEqual(regions.map((r) => r.region), [[1, 1, 2, 2]]);
  assert.throws(() => parseAnnotationPage({ type: "Manifest" }), /not a W3C AnnotationPage \(type "Manifest"\)/);
  assert.throws(() => parseAnnotationPage(null), /AnnotationPage/);
});

test("targetRegion reads xywh= and xywh=pixel: fragments, percent with the image's size, and says what it cannot read", () => {
  assert.deepEqual(targetRegion("x#xywh=pixel:10,20,30,40"), { region: [10, 20, 30, 40] });
  assert.deepEqual(targetRegion({ id: "x#xywh=1,2,3,4" }), { region: [1, 2, 3, 4] });
  assert.deepEqual(targetRegion("x#xywh=percent:10,20,30,40", { width: 3000, height: 2000 }), { region: [300, 400, 900, 800] });
  assert.match(targetRegion("x#xywh=percent:1,2,3,4").error, /percent/);
  assert.deepEqual(targetRegion({ source: "x", selector: { value: "xywh=1,2,3,4&t=5" } }), { region: [1, 2, 3, 4] });
  assert.match(targetRegion("x#xywh=1,2,3,4,5").error, /unreadable xywh=1,2,3,4,5/);
  assert.match(targetRegion("x#xywh=mm:1,2,3,4").error, /unreadable/);
  assert.equal(targetRegion(42), null);
  assert.equal(targetRegion("x#t=5"), null);
});

test("parseXywh reads the unit and the four numbers, or names what is wrong", () => {
  assert.deepEqual(parseXywh("c#xywh=percent:0,0,100,100"), { unit: "percent", xywh: [0, 0, 100, 100] });
  assert.deepEqual(parseXywh("xywh=1.5,2,3,4"), { unit: "pixel", xywh: [1.5, 2, 3, 4] });
  assert.match(parseXywh("xywh=1,2,0,4").error, /empty/);
  assert.equal(parseXywh("c#xyz=1"), null);
});

test("a selector with extra parts is warned about, never silently dropped", () => {
  const warnings = [];
  const out = parseAnnotationPage(page([
    { id: "p#odd", type: "Annotation", target: { source: "c", selector: { value: "xywh=1,2,3,4,5" } }, body: body("Odd", "en") },
  ]), { warn: (m) => warnings.push(m) });
  assert.deepEqual(out, []);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /item 1 \("odd"\): unreadable xywh=1,2,3,4,5; left out/);
});

test("duplicate ids become id-2, id-3, and fallback ids never take an explicit one", () => {
  const at = (id, i) => ({ ...(id ? { id: `p#${id}` } : {}), type: "Annotation", target: `c#xywh=${i},0,5,5`, body: body(`T${i}`, "en") });
  const ids = parseAnnotationPage(page([at("d", 0), at("d", 1), at("d-2", 2), at(null, 3), at("a4", 4), at("d", 5)])).map((a) => a.id);
  assert.deepEqual(ids, ["d", "d-3", "d-2", "a4-2", "a4", "d-4"]);
  assert.equal(new Set(ids).size, ids.length);
});

test("with the image's size, regions are clipped to it and those wholly outside are left out, with a warning", () => {
  const warnings = [];
  const out = parseAnnotationPage(page([
    { id: "p#out", type: "Annotation", target: "c#xywh=5000,5000,100,100", body: body("Out", "en") },
    { id: "p#edge", type: "Annotation", target: "c#xywh=2900,1900,400,400", body: body("Edge", "en") },
    { id: "p#in", type: "Annotation", target: "c#xywh=10,10,20,20", body: body("In", "en") },
    { id: "p#pc", type: "Annotation", target: "c#xywh=percent:90,0,20,50", body: body("Percent", "en") },
  ]), { size: { width: 3000, height: 2000 }, warn: (m) => warnings.push(m) });
  assert.deepEqual(out.map((a) => [a.id, a.region]), [["edge", [2900, 1900, 100, 100]], ["in", [10, 10, 20, 20]],
                                                      ["pc", [2700, 0, 300, 1000]]]);
  assert.equal(warnings.length, 3);
  assert.match(warnings[0], /"out".*outside the 3000 x 2000 image; left out/);
  assert.match(warnings[1], /"edge".*clipped/);
  assert.match(warnings[2], /"pc".*clipped/);
});

test("textAndLang says which language a fallback is in", () => {
  assert.deepEqual(textAndLang({ zh: "只有中文" }, "en", ["en", "zh"]), { text: "只有中文", lang: "zh" });
  assert.deepEqual(textAndLang({ none: "?" }, "en"), { text: "?", lang: "" });
  assert.deepEqual(textAndLang(null, "en"), { text: "", lang: "" });
});

test("textIn picks the language, then its primary subtag, then the tour's languages, then any", () => {
  const map = { en: "Donor", zh: "供养人" };
  assert.equal(textIn(map, "zh"), "供养人");
  assert.equal(textIn(map, "zh-Hans"), "供养人");
  assert.equal(textIn(map, "fr", ["en", "zh"]), "Donor");
  assert.equal(textIn({ de: "Stifter" }, "fr", ["en"]), "Stifter");
  assert.equal(textIn({}, "en"), "");
  assert.equal(textIn(null, "en"), "");
});
