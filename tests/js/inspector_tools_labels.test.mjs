// vtour/web/src/inspector/toolLabels.js: every tool text exists in every language, with the same placeholders,
// and the tools' main controls name their English word in every language.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { TOOL_LABELS } from "../../vtour/web/src/inspector/toolLabels.js";

const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test("every language has every key, with the same placeholders as English", () => {
  for (const [lang, table] of Object.entries(TOOL_LABELS)) {
    assert.deepEqual(Object.keys(table).sort(), Object.keys(TOOL_LABELS.en).sort(), lang);
    for (const [key, text] of Object.entries(table)) {
      assert.equal(typeof text, "string");
      assert.ok(text.trim(), `${lang}.${key} is empty`);
      assert.deepEqual(placeholders(text), placeholders(TOOL_LABELS.en[key]), `${lang}.${key}`);
    }
  }
});

test("the tools' headings and main controls contain 'Measure', 'Section' and 'Notes' in every language", () => {
  const words = { measure: "Measure", measureToggle: "Measure", section: "Section", sectionOn: "Section",
                  notes: "Notes", addNote: "Notes" };
  for (const [lang, table] of Object.entries(TOOL_LABELS)) {
    for (const [key, word] of Object.entries(words)) assert.ok(table[key].includes(word), `${lang}.${key}: ${table[key]}`);
  }
});

test("every key the tools ask for is in the table", () => {
  const src = new URL("../../vtour/web/src/inspector/", import.meta.url);
  for (const file of ["Measure.js", "Section.js", "Notes.js"]) {
    const code = readFileSync(new URL(file, src), "utf8");
    const used = new Set();
    for (const m of code.matchAll(/(?:\.t\(|_say\(|\),\s*|bind\([\w.]+,\s*|field\(T,\s*)"(\w+)"/g)) used.add(m[1]);
    for (const m of code.matchAll(/`(mode|plane|kind|type)_\$\{/g)) used.add(`${m[1]}_`);
    for (const key of used) {
      if (key.endsWith("_")) assert.ok(Object.keys(TOOL_LABELS.en).some((k) => k.startsWith(key)), `${file}: ${key}*`);
      else assert.ok(key in TOOL_LABELS.en, `${file} uses label ${key}, which is not in TOOL_LABELS.en`);
    }
    assert.ok(used.size > 12, `${file}: found only ${[...used]}`);
  }
});
