/**
 * Requests in flight at once, by default: 6 is the browsers' HTTP/1.1 limit per host (35a2b16), so
 * more would only queue in the browser, where the loader can no longer reorder them.
 */
export const DEFAULT_CONCURRENCY = 6;

/**
 * How a failed image is asked for again (the defaults of ImageLoader's options of the same names):
 * after backoffMs, then twice as long after each further failure, up to maxBackoffMs. A tile that
 * failed for good is still asked for about once a minute: a short outage or a 404 fixed later
 * (files uploaded late) must not leave part of the view blurry until the scene is reopened. Each
 * delay is shortened by up to `jitter` (a fraction) at random, so that many viewers coming back
 * after one outage do not all ask at the same moment.
 */
export const DEFAULT_RETRY = Object.freeze({ backoffMs: 300, maxBackoffMs: 60_000, jitter: 0.2 });

/**
 * Milliseconds to wait after the `failures`-th consecutive failure of one image.
 * @param {number} failures 1 after the first failure
 * @param {{backoffMs: number, maxBackoffMs: number, jitter: number}} retry see DEFAULT_RETRY
 * @param {() => number} random in [0, 1)
 */
export function retryDelay(failures, { backoffMs, maxBackoffMs, jitter } = DEFAULT_RETRY, random = Math.random) {
  const doubled = backoffMs * 2 ** Math.min(Math.max(failures, 1) - 1, 40);  // 2 ** 40: far past any cap, no Infinity
  return Math.min(maxBackoffMs, doubled) * (1 - jitter * random());
}

/**
 * Whether to ask now: the page is visible (true outside a browser). `navigator.onLine` is not
 * consulted: a kiosk served from 127.0.0.1 with no network reports offline while its tiles load
 * fine, so retries keep their backoff whatever it says; the `online` event only asks sooner.
 */
function canAsk() {
  return globalThis.document?.visibilityState !== "hidden";
}

/**
 * Fetches and decodes images a few at a time, in the order last asked for, asking again for the
 * ones that failed.
 *
 * want(list) replaces the queue of requests not yet started with `list` ({key, url}, most wanted
 * first); requests already in flight finish. Decoded images (ImageBitmap, not flipped: row 0 on top)
 * are passed to onLoad(key, bitmap, bytes).
 *
 * A request that fails (any HTTP status, a network error, a time-out) waits (retryDelay: capped
 * exponential) and is asked for again if it is still wanted, for as long as the loader lives.
 * Waiting requests are asked for at once when the browser comes back online (`online`) or the page
 * is shown again (`visibilitychange`); while offline or hidden nothing is asked for. onError(key,
 * error) reports a failing image once per run of failures: at the first HTTP 4xx (the file is not
 * there: the tour is incomplete) or at the `retries`-th failure otherwise (a server or network
 * hiccup is not worth a warning).
 *
 * Options: concurrency (number, default DEFAULT_CONCURRENCY); retries (number, default 3: failures
 * before onError, and loadNow's attempts after the first); backoffMs, maxBackoffMs, jitter (numbers,
 * defaults DEFAULT_RETRY); random (function, default Math.random); onLoad, onError (functions).
 */
export class ImageLoader {
  constructor({ concurrency = DEFAULT_CONCURRENCY, retries = 3, backoffMs = DEFAULT_RETRY.backoffMs,
                maxBackoffMs = DEFAULT_RETRY.maxBackoffMs, jitter = DEFAULT_RETRY.jitter, random = Math.random,
                onLoad = () => {}, onError = () => {} } = {}) {
    if (!(backoffMs > 0) || !Number.isFinite(backoffMs)) throw new Error(`ImageLoader: backoffMs ${backoffMs} is not a positive number`);
    if (!(maxBackoffMs >= backoffMs)) throw new Error(`ImageLoader: maxBackoffMs ${maxBackoffMs} is below backoffMs ${backoffMs}`);
    if (!(jitter >= 0 && jitter < 1)) throw new Error(`ImageLoader: jitter ${jitter} is outside [0, 1)`);
    this.concurrency = concurrency; this.retries = retries;
    this.retry = { backoffMs, maxBackoffMs, jitter }; this.random = random;
    this.onLoad = onLoad; this.onError = onError;
    this.queue = [];
    this.wanted = new Set();   // keys of the last want() list
    this.active = new Map();   // key -> AbortController
    this.waiting = new Map();  // key -> {req, timer}: failed, asked for again when the timer fires or on wake()
    this.attempts = new Map(); // key -> consecutive failures
    this.reported = new Set(); // keys passed to onError in their current run of failures
    this.disposed = false;
    this._wake = () => this.wake();
    globalThis.addEventListener?.("online", this._wake);
    globalThis.document?.addEventListener?.("visibilitychange", this._wake);
  }

  /** Replaces the waiting queue; keys in flight or waiting to be asked for again are skipped. */
  want(list) {
    this.wanted = new Set(list.map((r) => r.key));
    this.queue = list.filter((r) => !this.active.has(r.key) && !this.waiting.has(r.key));
    this._pump();
  }

  /** Asks at once for every failed image still wanted (the browser is back online, the page shown again). */
  wake() {
    if (this.disposed || !canAsk()) return;
    const again = [];
    for (const [key, { req, timer }] of this.waiting) {
      clearTimeout(timer);
      if (this.wanted.has(key)) again.push(req);
    }
    this.waiting.clear();
    this.queue = [...again, ...this.queue];
    this._pump();
  }

  /** Loads one image now, ahead of the queue (the preview), with up to `retries` more attempts. */
  async loadNow(url) {
    for (let n = 1; ; n++) {
      try {
        return await this._fetch(url, null);
      } catch (err) {
        if (this.disposed || err.status >= 400 && err.status < 500 || n > this.retries) throw err;
        await new Promise((r) => setTimeout(r, retryDelay(n, this.retry, this.random)));
      }
    }
  }

  _pump() {
    while (!this.disposed && this.active.size < this.concurrency && this.queue.length) {
      const req = this.queue.shift();
      if (this.active.has(req.key)) continue;
      const ctrl = new AbortController();
      this.active.set(req.key, ctrl);
      this._fetch(req.url, ctrl.signal).then(
        ({ bitmap, bytes }) => {
          this.active.delete(req.key); this.attempts.delete(req.key); this.reported.delete(req.key);
          if (this.disposed) { bitmap.close?.(); return; }
          this.onLoad(req.key, bitmap, bytes);
          this._pump();
        },
        (err) => {
          this.active.delete(req.key);
          if (this.disposed || err.name === "AbortError") return;
          const n = (this.attempts.get(req.key) || 0) + 1;
          this.attempts.set(req.key, n);
          if (!this.reported.has(req.key) && (err.status >= 400 && err.status < 500 || n >= this.retries)) {
            this.reported.add(req.key);
            this.onError(req.key, err);
          }
          this._askAgainLater(req, n);
          this._pump();
        });
    }
  }

  /** After the n-th failure of `req`: wait, then ask again if it is still wanted (and asking can help). */
  _askAgainLater(req, n) {
    const entry = { req, timer: null };
    entry.timer = setTimeout(() => {
      if (this.waiting.get(req.key) !== entry) return;
      if (!canAsk()) { entry.timer = null; return; }  // wake() asks when the page is shown again
      this.waiting.delete(req.key);
      if (this.wanted.has(req.key)) { this.queue.unshift(req); this._pump(); }
    }, retryDelay(n, this.retry, this.random));
    this.waiting.set(req.key, entry);
  }

  async _fetch(url, signal) { return fetchImage(url, signal); }

  dispose() {
    this.disposed = true;
    globalThis.removeEventListener?.("online", this._wake);
    globalThis.document?.removeEventListener?.("visibilitychange", this._wake);
    for (const ctrl of this.active.values()) ctrl.abort();
    for (const { timer } of this.waiting.values()) clearTimeout(timer);
    this.active.clear(); this.queue = []; this.waiting.clear();
  }
}

/** How long one image request may take before it counts as failed (and is retried), ms. */
export const FETCH_TIMEOUT_MS = 20000;

/**
 * Fetches and decodes one image: {bitmap (ImageBitmap, row 0 on top, not premultiplied), bytes}.
 * fetch() with its defaults (mode cors, credentials same-origin): what a page's
 * <link rel="preload" as="fetch" crossorigin> matches, so a preloaded image is not downloaded twice.
 * HTTP errors throw an Error with `status`.
 */
export async function fetchImage(url, signal = null, timeoutMs = FETCH_TIMEOUT_MS) {
  // a request that hangs (a stalled connection) fails after timeoutMs, so the loader retries it
  // (AbortSignal.timeout/any: Chrome 116, Firefox 124, Safari 17.4; older browsers just wait)
  const timeout = AbortSignal.timeout ? AbortSignal.timeout(timeoutMs) : null;
  const both = signal && timeout && AbortSignal.any ? AbortSignal.any([signal, timeout]) : signal || timeout;
  const res = await fetch(url, { signal: both });
  if (!res.ok) {
    const err = new Error(`ImageLoader: HTTP ${res.status} for ${url}`);
    err.status = res.status;
    throw err;
  }
  const blob = await res.blob();
  const bitmap = await createImageBitmap(blob, { premultiplyAlpha: "none", colorSpaceConversion: "none" });
  return { bitmap, bytes: blob.size };
}
