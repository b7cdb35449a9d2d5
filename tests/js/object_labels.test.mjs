// vtour/web/src/object/labels.js: the object and story pages' words, texts in a language, rights links and names
import assert from "node:assert/strict";
import { test } from "node:test";

import { OBJECT_LABELS, fill, langOf, objectLabelsFor, rightsName, safeHref, textIn } from "../../vtour/web/src/object/labels.js";

test("every language has every English word, and a missing language or word falls back to English", () => {
  for (const [lang, words] of Object.entries(OBJECT_LABELS)) {
    assert.deepEqual(Object.keys(words).sort(), Object.keys(OBJECT_LABELS.en).sort(), lang);
  }
  assert.equal(objectLabelsFor("zh").front, "正视");
  assert.equal(objectLabelsFor("zh-Hant").front, "正视");
  assert.equal(objectLabelsFor("fr").front, "Front");
  assert.equal(objectLabelsFor(undefined).rights, "Rights");
});

test("fill replaces the named fields and leaves unknown ones", () => {
  assert.equal(fill("{view} view of {title}", { view: "Left", title: "Ding" }), "Left view of Ding");
  assert.equal(fill("{a} and {b}", { a: 1 }), "1 and {b}");
  assert.equal(fill("scale bar: {label}", { label: "$& {label}" }), "scale bar: $& {label}");
});

test("a text is shown in the page's language, else the document's first, else any", () => {
  const langs = ["en", "zh"];
  assert.equal(textIn({ en: "Ding", zh: "鼎" }, "zh", langs), "鼎");
  assert.equal(textIn({ en: "Ding" }, "zh", langs), "Ding");
  assert.equal(textIn({ fr: "Chaudron" }, "zh", langs), "Chaudron");
  assert.equal(textIn({ en: "", zh: "鼎" }, "en", langs), "鼎");
  assert.equal(textIn("plain", "zh", langs), "plain");
  assert.equal(textIn(null, "zh", langs), "");
  assert.equal(textIn(undefined, "zh", langs), "");
  assert.equal(langOf({ en: "Ding" }, "zh", langs), "en");
  assert.equal(langOf({ en: "Ding", zh: "鼎" }, "zh", langs), "zh");
  assert.equal(langOf("plain", "zh", langs), null);
});

test("only http(s) rights URLs become links", () => {
  assert.equal(safeHref("http://creativecommons.org/licenses/by/4.0/"), "http://creativecommons.org/licenses/by/4.0/");
  assert.equal(safeHref("https://rightsstatements.org/vocab/InC/1.0/"), "https://rightsstatements.org/vocab/InC/1.0/");
  for (const bad of ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "/relative", "", null, 3]) {
    assert.equal(safeHref(bad), null, String(bad));
  }
});

test("well-known rights URLs have short names, others are shown as they are", () => {
  assert.equal(rightsName("http://creativecommons.org/licenses/by/4.0/"), "CC BY 4.0");
  assert.equal(rightsName("https://creativecommons.org/licenses/by-nc-sa/3.0/"), "CC BY-NC-SA 3.0");
  assert.equal(rightsName("http://creativecommons.org/publicdomain/zero/1.0/"), "CC0 1.0");
  assert.equal(rightsName("http://creativecommons.org/publicdomain/mark/1.0/"), "Public Domain Mark 1.0");
  assert.equal(rightsName("http://rightsstatements.org/vocab/InC-EDU/1.0/"), "InC-EDU 1.0");
  assert.equal(rightsName("https://museum.example/terms"), "https://museum.example/terms");
});
