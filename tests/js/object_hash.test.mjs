// vtour/web/src/object/hash.js: what the object and story pages keep in the hash (#lang=zh&view=left&model, &image=2)
import assert from "node:assert/strict";
import { test } from "node:test";

import { VIEW_NAMES, formatPageHash, parsePageHash } from "../../vtour/web/src/object/hash.js";

const NONE = { lang: undefined, view: undefined, model: false, image: undefined, room: undefined };

test("a hash parses into the language, the view and the open dialog", () => {
  assert.deepEqual(parsePageHash("#lang=zh&view=left"), { ...NONE, lang: "zh", view: "left" });
  assert.deepEqual(parsePageHash("#model"), { ...NONE, model: true });
  assert.deepEqual(parsePageHash("lang=en&model=1"), { ...NONE, lang: "en", model: true });
  assert.deepEqual(parsePageHash("#image=2"), { ...NONE, image: 2 });
  assert.deepEqual(parsePageHash("#lang=en&room=ritual"), { ...NONE, lang: "en", room: "ritual" });
  assert.deepEqual(parsePageHash(""), NONE);
  assert.deepEqual(parsePageHash(undefined), NONE);
});

test("unknown views, empty values, model=0 and images not positive integers parse as absent", () => {
  assert.deepEqual(parsePageHash("#view=inside&lang="), NONE);
  assert.deepEqual(parsePageHash("#model=0"), NONE);
  assert.deepEqual(parsePageHash("#model=false"), NONE);
  for (const bad of ["0", "-1", "1.5", "x", "", "99999999999999999999"]) {
    assert.equal(parsePageHash(`#image=${bad}`).image, undefined, bad);
  }
});

test("a state formats into a hash that parses back to it", () => {
  assert.equal(formatPageHash({ lang: "zh", view: "left" }), "lang=zh&view=left");
  assert.equal(formatPageHash({ lang: "en", view: "front", model: true }), "lang=en&view=front&model");
  assert.equal(formatPageHash({ lang: "en", image: 1 }), "lang=en&image=1");
  assert.equal(formatPageHash({ model: true }), "model");
  assert.equal(formatPageHash({}), "");
  for (const view of VIEW_NAMES) {
    for (const state of [{ lang: "zh-Hant", view, model: true }, { lang: "en", view, image: 3 }, { lang: "a&b=c", view }]) {
      const back = parsePageHash(`#${formatPageHash(state)}`);
      assert.deepEqual(back, { ...NONE, ...state }, JSON.stringify(state));
    }
  }
});

test("the six views are in the page's order, as vtour.collection.views names them", () => {
  assert.deepEqual(VIEW_NAMES, ["front", "back", "left", "right", "top", "bottom"]);
});
