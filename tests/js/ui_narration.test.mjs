// vtour/web/src/ui/Narration.js: which audio and captions a narration plays, and caption cues as plain text.
import assert from "node:assert/strict";
import { test } from "node:test";

import { activeCaption, cuePlainText, narrationSource } from "../../vtour/web/src/ui/Narration.js";

const NARRATION = { audio: { en: "media/hall.en.wav", zh: "media/hall.zh.wav" }, captions: { en: "media/hall.en.vtt" } };

test("the audio and captions of the language, resolved against the tour", () => {
  const url = (p) => new URL(p, "https://example.org/tours/t/tour.json").href;
  assert.deepEqual(narrationSource(NARRATION, "en", url), {
    audio: "https://example.org/tours/t/media/hall.en.wav", captions: "https://example.org/tours/t/media/hall.en.vtt",
    lang: "en" });
  assert.deepEqual(narrationSource(NARRATION, "zh", url),
                   { audio: "https://example.org/tours/t/media/hall.zh.wav", captions: null, lang: "zh" });
});

test("no audio in the language (or no narration at all): nothing to play", () => {
  assert.equal(narrationSource(NARRATION, "fr"), null);
  assert.equal(narrationSource(undefined, "en"), null);
  assert.equal(narrationSource({ captions: { en: "a.vtt" } }, "en"), null);
  assert.equal(narrationSource({ audio: { en: "" } }, "en"), null);
});

test("cue text loses its WebVTT tags and keeps the characters its entities stand for, never markup", () => {
  assert.equal(cuePlainText("<v Guide>Welcome to the <i>grotto</i></v>"), "Welcome to the grotto");
  assert.equal(cuePlainText("Fish &amp; chips &lt;b&gt;"), "Fish & chips <b>");
  assert.equal(cuePlainText("<c.loud>欢迎</c> <00:00:01.000>光临"), "欢迎 光临");
  assert.equal(cuePlainText(undefined), "");
});

test("the active cues, one per line; empty cues dropped", () => {
  assert.equal(activeCaption([{ text: "First line" }, { text: "<b></b>" }, { text: "Second" }]), "First line\nSecond");
  assert.equal(activeCaption(null), "");
});
