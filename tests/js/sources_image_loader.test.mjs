// vtour/web/src/sources/ImageLoader.js: the order of requests and how failed tiles are asked for again.
import assert from "node:assert/strict";
import { afterEach, beforeEach, mock, test } from "node:test";
import { setImmediate as flushed } from "node:timers/promises";

import { DEFAULT_RETRY, ImageLoader, retryDelay } from "../../vtour/web/src/sources/ImageLoader.js";

/** The browser's globals the loader listens to: `online` on the window, `visibilitychange` on the document. */
class FakeBrowser {
  constructor() {
    this.window = new EventTarget();
    this.document = Object.assign(new EventTarget(), { visibilityState: "visible" });
    this.navigator = { onLine: true };
  }

  install() {
    this.saved = { add: globalThis.addEventListener, remove: globalThis.removeEventListener,
                   document: globalThis.document, navigator: Object.getOwnPropertyDescriptor(globalThis, "navigator") };
    globalThis.addEventListener = this.window.addEventListener.bind(this.window);
    globalThis.removeEventListener = this.window.removeEventListener.bind(this.window);
    globalThis.document = this.document;
    Object.defineProperty(globalThis, "navigator", { value: this.navigator, configurable: true, writable: true });
  }

  uninstall() {
    globalThis.addEventListener = this.saved.add;
    globalThis.removeEventListener = this.saved.remove;
    globalThis.document = this.saved.document;
    if (this.saved.navigator) Object.defineProperty(globalThis, "navigator", this.saved.navigator);
    else delete globalThis.navigator;
  }

  goOffline() { this.navigator.onLine = false; this.window.dispatchEvent(new Event("offline")); }
  goOnline() { this.navigator.onLine = true; this.window.dispatchEvent(new Event("online")); }
  hide() { this.document.visibilityState = "hidden"; this.document.dispatchEvent(new Event("visibilitychange")); }
  show() { this.document.visibilityState = "visible"; this.document.dispatchEvent(new Event("visibilitychange")); }
}

/** A server whose answer per URL the test sets: a status (>= 400 fails) or "ok". */
function fakeServer() {
  const server = { answers: new Map(), asked: [] };
  server.fetch = (url) => {
    server.asked.push(url);
    const answer = server.answers.get(url) ?? "ok";
    if (answer === "ok") return Promise.resolve({ bitmap: { url }, bytes: 10 });
    const err = new Error(`HTTP ${answer} for ${url}`);
    err.status = answer;
    return Promise.reject(err);
  };
  server.count = (url) => server.asked.filter((u) => u === url).length;
  return server;
}

/** A loader on `server` (no jitter unless asked), recording what it loaded and reported. */
function loader(server, options = {}) {
  const loaded = [], errors = [];
  const l = new ImageLoader({ random: () => 0, onLoad: (key) => loaded.push(key), onError: (key, e) => errors.push([key, e.status]),
                              ...options });
  l._fetch = (url) => server.fetch(url);
  return { l, loaded, errors };
}

let browser;
beforeEach(() => {
  browser = new FakeBrowser();
  browser.install();
  mock.timers.enable({ apis: ["setTimeout"] });
});
afterEach(() => {
  mock.timers.reset();
  browser.uninstall();
});

/** Moves the fake clock on by `ms` and lets the fetches' promises settle. */
async function advance(ms) {
  mock.timers.tick(ms);
  await flushed();
}

test("the delay before asking again doubles from the first backoff up to its cap, jitter only shortening it", () => {
  const retry = { backoffMs: 300, maxBackoffMs: 60_000, jitter: 0.2 };
  const delays = [1, 2, 3, 4, 8, 9, 10, 50, 5000].map((n) => retryDelay(n, retry, () => 0));
  assert.deepEqual(delays, [300, 600, 1200, 2400, 38_400, 60_000, 60_000, 60_000, 60_000]);
  assert.equal(retryDelay(9, retry, () => 1), 48_000);   // random() -> 1: 20 % shorter, never longer than the cap
  assert.ok(DEFAULT_RETRY.maxBackoffMs >= 60_000, "a tile that failed for good is still asked for, about once a minute");
  assert.throws(() => new ImageLoader({ backoffMs: 0 }), /^Error: ImageLoader: backoffMs 0 is not a positive number$/);
  assert.throws(() => new ImageLoader({ backoffMs: 100, maxBackoffMs: 10 }),
                /^Error: ImageLoader: maxBackoffMs 10 is below backoffMs 100$/);
  assert.throws(() => new ImageLoader({ jitter: 1.5 }), /^Error: ImageLoader: jitter 1.5 is outside \[0, 1\)$/);
});

test("a tile answering 404 is asked for again with growing delays, never given up, and shown once it is there", async () => {
  const server = fakeServer();
  const url = "/2/f/0/0.jpg";
  server.answers.set(url, 404);
  const { l, loaded, errors } = loader(server, { backoffMs: 300, maxBackoffMs: 5000 });
  l.want([{ key: "2/f/0/0", url }]);
  await flushed();
  assert.equal(server.count(url), 1);
  assert.deepEqual(errors, [["2/f/0/0", 404]], "a 404 is reported at once, and once");
  // 300, 600, 1200, 2400, 4800, then 5000 ms apart (capped)
  for (const [wait, count] of [[299, 1], [1, 2], [600, 3], [1200, 4], [2400, 5], [4799, 5], [1, 6], [5000, 7]]) {
    await advance(wait);
    assert.equal(server.count(url), count, `after ${wait} ms more`);
  }
  server.answers.delete(url);  // the missing file is uploaded
  await advance(5000);
  assert.deepEqual(loaded, ["2/f/0/0"]);
  assert.equal(errors.length, 1);
  await advance(120_000);
  assert.equal(server.count(url), 8, "nothing asked again once loaded");
  l.dispose();
});

test("a server error is retried quickly and reported only when it goes on", async () => {
  const server = fakeServer();
  server.answers.set("a", 503);
  const { l, loaded, errors } = loader(server, { retries: 3 });
  l.want([{ key: "a", url: "a" }]);
  await flushed();
  await advance(300);
  assert.deepEqual(errors, [], "one or two failures are a hiccup, not worth a warning");
  await advance(600);
  assert.deepEqual(errors, [["a", 503]]);
  server.answers.delete("a");
  await advance(1200);
  assert.deepEqual(loaded, ["a"]);
  l.dispose();
});

test("coming back online asks at once for every failed tile still wanted, not for those turned away from", async () => {
  const server = fakeServer();
  for (const u of ["a", "b", "c"]) server.answers.set(u, 503);
  const { l, loaded } = loader(server, { backoffMs: 1000, maxBackoffMs: 60_000 });
  l.want([{ key: "a", url: "a" }, { key: "b", url: "b" }, { key: "c", url: "c" }]);
  await flushed();
  for (const wait of [1000, 2000, 4000, 8000]) await advance(wait);  // five failures each: next in 16 s
  assert.equal(server.count("a"), 5);
  l.want([{ key: "a", url: "a" }, { key: "b", url: "b" }]);  // c is out of view now
  browser.goOffline();
  server.answers.clear();
  await advance(8_000);  // halfway to the next retry
  assert.equal(server.count("a"), 5);
  assert.deepEqual(loaded, []);
  browser.goOnline();
  await flushed();
  assert.deepEqual(loaded.sort(), ["a", "b"]);
  assert.equal(server.count("c"), 5, "a tile no longer in view is not asked for");
  l.dispose();
});

test("offline, the retries go on at their pace: a kiosk on 127.0.0.1 with no network reports offline", async () => {
  const server = fakeServer();
  server.answers.set("a", 503);
  const { l, loaded } = loader(server, { backoffMs: 1000 });
  l.want([{ key: "a", url: "a" }]);
  await flushed();
  browser.goOffline();
  await advance(1000);
  assert.equal(server.count("a"), 2, "the retry that fell due while offline was sent");
  server.answers.clear();
  await advance(2000);
  assert.deepEqual(loaded, ["a"]);
  l.dispose();
});

test("a page shown again asks at once for the failed tiles; hidden, it asks for nothing", async () => {
  const server = fakeServer();
  server.answers.set("a", 503);
  const { l, loaded } = loader(server, { backoffMs: 1000 });
  l.want([{ key: "a", url: "a" }]);
  await flushed();
  browser.hide();
  server.answers.clear();
  await advance(600_000);
  assert.equal(server.count("a"), 1, "no request from a hidden page");
  browser.show();
  await flushed();
  assert.deepEqual(loaded, ["a"]);
  l.dispose();
});

test("a visibility event before the retry is due asks again at once (the outage may be over)", async () => {
  const server = fakeServer();
  server.answers.set("a", 404);
  const { l, loaded } = loader(server, { backoffMs: 30_000 });
  l.want([{ key: "a", url: "a" }]);
  await flushed();
  server.answers.clear();
  browser.show();  // visibilitychange with the page visible
  await flushed();
  assert.deepEqual(loaded, ["a"]);
  assert.equal(server.count("a"), 2);
  l.dispose();
});

test("dispose cancels the retries and stops listening", async () => {
  const server = fakeServer();
  server.answers.set("a", 503);
  const { l } = loader(server);
  l.want([{ key: "a", url: "a" }]);
  await flushed();
  l.dispose();
  server.answers.clear();
  browser.goOnline();
  browser.show();
  await advance(600_000);
  assert.equal(server.count("a"), 1);
});
