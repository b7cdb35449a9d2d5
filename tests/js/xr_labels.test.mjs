// vtour/web/src/xr/labels.js: the WebXR mode's words in every language the viewer has labels for (ui/labels.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { LABELS } from "../../vtour/web/src/ui/labels.js";
import { XR_LABELS, xrLabelsFor } from "../../vtour/web/src/xr/labels.js";

test("every viewer language has every XR word, none empty, none left in English", () => {
  const keys = Object.keys(XR_LABELS.en).sort();
  for (const lang of Object.keys(LABELS)) {
    const words = XR_LABELS[lang];
    assert.ok(words, `no XR labels for ${lang}`);
    assert.deepEqual(Object.keys(words).sort(), keys, lang);
    for (const k of keys) {
      assert.equal(typeof words[k], "string");
      assert.ok(words[k].trim().length > 0, `${lang}.${k} is empty`);
      if (lang !== "en" && k !== "enterVR" && k !== "exitVR") assert.notEqual(words[k], XR_LABELS.en[k], `${lang}.${k}`);
    }
    assert.notEqual(words.enterVR, words.exitVR);
  }
});

test("a regional language falls back to its base language, an unknown one to English", () => {
  assert.equal(xrLabelsFor("fr-CA").enterVR, XR_LABELS.fr.enterVR);
  assert.equal(xrLabelsFor("xx").exitVR, "Exit VR");
});
