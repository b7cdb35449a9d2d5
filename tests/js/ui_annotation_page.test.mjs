// vtour/web/src/ui/annotationPage.js: a deep-zoom image's regions from its W3C Web Annotation page
// (iiif/images/<id>-annotations.json): xywh targets in image px, titles and texts per language
import assert from "node:assert/strict";
import { test } from "node:test";

import { parseAnnotationPage, targetRegion, textIn } from "../../vtour/web/src/ui/annotationPage.js";

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

test("targetRegion reads xywh= and xywh=pixel: fragments, and nothing else", () => {
  assert.deepEqual(targetRegion("x#xywh=pixel:10,20,30,40"), [10, 20, 30, 40]);
  assert.deepEqual(targetRegion({ id: "x#xywh=1,2,3,4" }), [1, 2, 3, 4]);
  assert.equal(targetRegion("x#xywh=percent:1,2,3,4"), null);
  assert.equal(targetRegion(42), null);
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
