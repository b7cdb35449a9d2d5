// vtour/web/src/inspector/annotationFormat.js and NotesStore.js: notes as W3C Web Annotations (the issue-11
// spec's exact form), and where they are read from and written to.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  annotationsOfPage, createdFromDate, dateOf, fromAnnotation, localDate, missingLanguages, toAnnotation, toAnnotationPage,
} from "../../vtour/web/src/inspector/annotationFormat.js";
import {
  NotesConflictError, NotesForbiddenError, NotesGoneError, createNotesStore, uuidOf,
} from "../../vtour/web/src/inspector/NotesStore.js";

const NOTE = {
  id: "urn:uuid:0b6c2f2e-1111-4222-8333-944445555666", type: "crack", texts: { en: "Hairline crack", zh: "细裂纹" },
  author: "Li Wei", created: "2026-11-30T17:20:00Z", modified: "2026-11-30T17:20:00Z", point: [0.1, 1.2, 0.05],
  view: { position: [0.5, 1.5, 2], target: [0.1, 1.2, 0.05], fov: 40 },
};
/** The spec's example (/tmp/spec/inspector.md), field for field. */
const ANNOTATION = {
  "@context": "http://www.w3.org/ns/anno.jsonld",
  id: "urn:uuid:0b6c2f2e-1111-4222-8333-944445555666", type: "Annotation", motivation: "commenting",
  created: "2026-11-30T17:20:00Z", modified: "2026-11-30T17:20:00Z",
  creator: { type: "Person", name: "Li Wei" },
  body: [
    { type: "TextualBody", purpose: "classifying", value: "crack" },
    { type: "TextualBody", purpose: "describing", format: "text/plain", language: "en", value: "Hairline crack" },
    { type: "TextualBody", purpose: "describing", format: "text/plain", language: "zh", value: "细裂纹" },
  ],
  target: {
    type: "SpecificResource",
    source: { id: "models/buddha", type: "Model" },
    selector: { type: "PointSelector", x: 0.1, y: 1.2, z: 0.05 },
    scope: { type: "PerspectiveCamera", position: { x: 0.5, y: 1.5, z: 2 },
             lookAt: { type: "PointSelector", x: 0.1, y: 1.2, z: 0.05 }, fieldOfView: 40 },
  },
};

test("a note becomes exactly the spec's annotation and comes back unchanged", () => {
  assert.deepEqual(toAnnotation(NOTE, { modelId: "buddha" }), ANNOTATION);
  assert.deepEqual(fromAnnotation(ANNOTATION), NOTE);
  assert.deepEqual(fromAnnotation(JSON.parse(JSON.stringify(toAnnotation(NOTE, { modelId: "buddha" })))), NOTE);
});

test("a new note has no id, times or empty texts; a note without a view has no scope", () => {
  const a = toAnnotation({ ...NOTE, id: null, created: null, modified: null, texts: { en: "Loss", zh: "  " }, view: null },
                         { modelId: "m" });
  assert.equal("id" in a || "created" in a || "modified" in a, false);
  assert.deepEqual(a.body.map((b) => b.language || b.value), ["crack", "en"]);
  assert.equal("scope" in a.target, false);
  const back = fromAnnotation(a);
  assert.equal(back.view, null);
  assert.deepEqual(back.texts, { en: "Loss" });
  assert.deepEqual(missingLanguages(back, ["en", "zh"]), ["zh"]);
});

test("bad annotations are refused naming the annotation, the field and the value", () => {
  assert.throws(() => toAnnotation({ ...NOTE, type: "graffiti" }, { modelId: "m" }), /type "graffiti" is not one of crack, loss/);
  const bad = (change) => { const a = structuredClone(ANNOTATION); change(a); return () => fromAnnotation(a); };
  assert.throws(bad((a) => { a.type = "Note"; }), /urn:uuid:0b6c.*type must be "Annotation", not "Note"/);
  assert.throws(bad((a) => { a.body[0].value = "dust"; }), /classifying TextualBody with value one of .*not "dust"/);
  assert.throws(bad((a) => { a.target.selector = { type: "FragmentSelector" }; }), /target.selector must be a PointSelector/);
  assert.throws(bad((a) => { a.target.selector.y = "1"; }), /target.selector needs finite numbers x, y, z/);
  assert.throws(bad((a) => { delete a.target.scope.fieldOfView; }), /fieldOfView must be a number/);
  assert.throws(() => annotationsOfPage({ type: "Annotation" }, "notes.json"), /notes.json: expected an AnnotationPage/);
});

test("an AnnotationPage wraps the annotations with the W3C context", () => {
  const page = toAnnotationPage([ANNOTATION]);
  assert.deepEqual(page, { "@context": "http://www.w3.org/ns/anno.jsonld", type: "AnnotationPage", items: [ANNOTATION] });
  assert.deepEqual(annotationsOfPage(page), [ANNOTATION]);
});

/** Runs `fn` with the process's time zone set to `tz` (Node reads TZ again when it changes). */
function inZone(tz, fn) {
  const before = process.env.TZ;
  process.env.TZ = tz;
  try { return fn(); } finally { if (before === undefined) delete process.env.TZ; else process.env.TZ = before; }
}

test("a note's date: today keeps the time to the second, another day is its local noon", () => {
  inZone("UTC", () => {
    const now = new Date("2026-11-30T17:20:31.456Z");
    assert.equal(createdFromDate("2026-11-30", now), "2026-11-30T17:20:31Z");
    assert.equal(createdFromDate("2019-05-14", now), "2019-05-14T12:00:00Z");
    assert.equal(dateOf("2019-05-14T12:00:00Z"), "2019-05-14");
    assert.equal(dateOf("2019-05-14"), "2019-05-14");
    assert.throws(() => createdFromDate("14/05/2019", now), /date "14\/05\/2019" is not a date; write YYYY-MM-DD/);
    assert.throws(() => createdFromDate("2019-02-30", now), /is not a date/);
  });
});

test("the date is the visitor's local day, and today's is never a time in the future", () => {
  // 01:30 on 1 December in Beijing is still 30 November in UTC
  inZone("Asia/Shanghai", () => {
    const now = new Date("2026-11-30T17:30:00Z");
    assert.equal(localDate(now), "2026-12-01");
    const created = createdFromDate("2026-12-01", now);
    assert.equal(created, "2026-11-30T17:30:00Z");
    assert.ok(Date.parse(created) <= now.getTime());
    assert.equal(dateOf(created), "2026-12-01");   // listed under the day it was written
    assert.equal(dateOf(createdFromDate("2019-05-14", now)), "2019-05-14");
  });
  // 20:00 on 30 November in Los Angeles is already 1 December in UTC: "today" is the 30th, and not in the future
  inZone("America/Los_Angeles", () => {
    const now = new Date("2026-12-01T04:00:00Z");
    assert.equal(localDate(now), "2026-11-30");
    const created = createdFromDate("2026-11-30", now);
    assert.equal(created, "2026-12-01T04:00:00Z");
    assert.ok(Date.parse(created) <= now.getTime());
    assert.equal(dateOf(created), "2026-11-30");
  });
});

// --- NotesStore ----------------------------------------------------------------------------------------

/** A fetch that records requests and answers from `reply(method, url, init)` -> [status, body]. */
function fakeFetch(reply) {
  const calls = [];
  const fetch = async (url, init = {}) => {
    calls.push({ url: String(url), method: init.method || "GET", headers: init.headers || {}, body: init.body ? JSON.parse(init.body) : null });
    const [status, body] = reply(init.method || "GET", String(url), init);
    return { ok: status >= 200 && status < 300, status, statusText: String(status), json: async () => body };
  };
  return { fetch, calls };
}

test("the static store reads model.notes relative to the tour and is read-only", async () => {
  const { fetch, calls } = fakeFetch(() => [200, toAnnotationPage([ANNOTATION])]);
  const store = createNotesStore({ model: { id: "buddha", notes: "models/buddha/notes.json" }, tourBase: "http://h/tour/tour.json", fetch });
  assert.equal(store.readOnly, true);
  assert.deepEqual(await store.list(), [ANNOTATION]);
  assert.equal(calls[0].url, "http://h/tour/models/buddha/notes.json");
  await assert.rejects(store.save(ANNOTATION), /read-only/);
  await assert.rejects(store.remove(ANNOTATION.id), /read-only/);
  const none = createNotesStore({ model: { id: "x" }, tourBase: "http://h/", fetch });
  assert.deepEqual(await none.list(), []);
  assert.equal(calls.length, 1);
});

test("the API store POSTs new notes, PUTs stored ones with If-Match, and sends the token", async () => {
  const { fetch, calls } = fakeFetch((method) => (method === "GET" ? [200, toAnnotationPage([ANNOTATION])]
    : method === "DELETE" ? [204, null] : [method === "POST" ? 201 : 200, ANNOTATION]));
  const store = createNotesStore({ model: { id: "buddha" }, tourBase: "http://h/tour/", apiUrl: "http://h/api/notes/", token: "s3cret", fetch });
  assert.equal(store.readOnly, false);
  assert.deepEqual(await store.list(), [ANNOTATION]);
  const fresh = toAnnotation({ ...NOTE, id: null, created: null, modified: null }, { modelId: "buddha" });
  assert.deepEqual(await store.save(fresh), ANNOTATION);
  await store.save(ANNOTATION);
  await store.remove(ANNOTATION.id, ANNOTATION.modified);
  assert.deepEqual(calls.map((c) => [c.method, c.url]), [
    ["GET", "http://h/api/notes/buddha"],
    ["POST", "http://h/api/notes/buddha"],
    ["PUT", "http://h/api/notes/buddha/0b6c2f2e-1111-4222-8333-944445555666"],
    ["DELETE", "http://h/api/notes/buddha/0b6c2f2e-1111-4222-8333-944445555666"],
  ]);
  assert.ok(calls.every((c) => c.headers["X-Vtour-Token"] === "s3cret"));
  assert.equal(calls[1].headers["Content-Type"], "application/json");
  assert.equal(calls[2].headers["If-Match"], ANNOTATION.modified);
  assert.equal("If-Match" in calls[1].headers, false);
  assert.deepEqual(calls[1].body, fresh);
  assert.equal(uuidOf("urn:uuid:abc"), "abc");
});

test("a 409 rejects with the server's current note, a 404 with 'gone', others with the server's reason", async () => {
  const current = { ...ANNOTATION, modified: "2026-11-30T18:00:00Z" };
  let answer = [409, { error: "changed meanwhile", current }];
  const { fetch } = fakeFetch(() => answer);
  const store = createNotesStore({ model: { id: "buddha" }, tourBase: "http://h/", apiUrl: "http://h/api/notes", fetch });
  const conflict = await store.save(ANNOTATION).catch((e) => e);
  assert.ok(conflict instanceof NotesConflictError);
  assert.deepEqual(conflict.current, current);
  answer = [404, { error: "no such note" }];
  assert.ok((await store.save(ANNOTATION).catch((e) => e)) instanceof NotesGoneError);
  await store.remove(ANNOTATION.id);  // already gone: nothing to do
  answer = [400, { error: "body: no classifying TextualBody" }];
  await assert.rejects(store.save(ANNOTATION), /HTTP 400: body: no classifying TextualBody/);
  assert.throws(() => createNotesStore({ model: {}, tourBase: "http://h/" }), /needs an id/);
});

test("the API store asks the API's root whether this page may edit, and a 403 is its own error", async () => {
  let edit = false;
  const { fetch, calls } = fakeFetch((method, url) => {
    if (url === "http://h/api/notes") return [200, { models: ["buddha"], tokenRequired: true, edit }];
    return [403, { error: "changes need the edit token" }];
  });
  const store = createNotesStore({ model: { id: "buddha" }, tourBase: "http://h/", apiUrl: "http://h/api/notes/", fetch });
  assert.equal(await store.canEdit(), false);
  assert.equal(calls[0].url, "http://h/api/notes");
  edit = true;
  assert.equal(await store.canEdit(), true);
  assert.ok((await store.save(ANNOTATION).catch((e) => e)) instanceof NotesForbiddenError);
  assert.ok((await store.remove(ANNOTATION.id, "2026-11-30T18:00:00Z").catch((e) => e)) instanceof NotesForbiddenError);
  const down = createNotesStore({ model: { id: "b" }, tourBase: "http://h/", apiUrl: "http://h/api/notes",
                                  fetch: async () => { throw new TypeError("network"); } });
  assert.equal(await down.canEdit(), true);  // unknown: the save itself will say
});
