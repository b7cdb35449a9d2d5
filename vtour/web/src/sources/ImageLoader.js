/**
 * Requests in flight at once, by default: 6 is the browsers' HTTP/1.1 limit per host (35a2b16), so
 * more would only queue in the browser, where the loader can no longer reorder them.
 */
export const DEFAULT_CONCURRENCY = 6;

/**
 * Fetches and decodes images a few at a time, in the order last asked for, retrying failures.
 *
 * want(list) replaces the queue of requests not yet started with `list` ({key, url}, most wanted
 * first); requests already in flight finish. Decoded images (ImageBitmap, not flipped: row 0 on top)
 * are passed to onLoad(key, bitmap, bytes); a request that fails for good goes to onError(key, error).
 *
 * Options: concurrency (number, default DEFAULT_CONCURRENCY), retries (number, default 3), backoffMs
 * (number, default 300; doubled at each retry). HTTP 4xx is not retried: the file is not there.
 */
export class ImageLoader {
  constructor({ concurrency = DEFAULT_CONCURRENCY, retries = 3, backoffMs = 300, onLoad = () => {}, onError = () => {} } = {}) {
    this.concurrency = concurrency; this.retries = retries; this.backoffMs = backoffMs;
    this.onLoad = onLoad; this.onError = onError;
    this.queue = [];
    this.active = new Map();   // key -> AbortController
    this.failed = new Set();   // keys given up on
    this.attempts = new Map(); // key -> failures so far
    this.timers = new Set();
    this.disposed = false;
  }

  /** Replaces the waiting queue; keys in flight, failed for good, or waiting for a retry are skipped. */
  want(list) {
    this.queue = list.filter((r) => !this.active.has(r.key) && !this.failed.has(r.key));
    this._pump();
  }

  /** Loads one image now, ahead of the queue (the preview), retrying like queued requests. */
  async loadNow(url) {
    for (let n = 1; ; n++) {
      try {
        return await this._fetch(url, null);
      } catch (err) {
        if (this.disposed || err.status >= 400 && err.status < 500 || n > this.retries) throw err;
        await new Promise((r) => setTimeout(r, this.backoffMs * 2 ** (n - 1)));
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
          this.active.delete(req.key); this.attempts.delete(req.key);
          if (this.disposed) { bitmap.close?.(); return; }
          this.onLoad(req.key, bitmap, bytes);
          this._pump();
        },
        (err) => {
          this.active.delete(req.key);
          if (this.disposed || err.name === "AbortError") return;
          const n = (this.attempts.get(req.key) || 0) + 1;
          this.attempts.set(req.key, n);
          if (err.status >= 400 && err.status < 500 || n > this.retries) {
            this.failed.add(req.key);
            this.onError(req.key, err);
          } else {
            // back off, then put it back at the head of the queue (it was wanted)
            this.failed.add(req.key);
            const t = setTimeout(() => {
              this.timers.delete(t); this.failed.delete(req.key);
              if (!this.disposed) { this.queue.unshift(req); this._pump(); }
            }, this.backoffMs * 2 ** (n - 1));
            this.timers.add(t);
          }
          this._pump();
        });
    }
  }

  async _fetch(url, signal) { return fetchImage(url, signal); }

  dispose() {
    this.disposed = true;
    for (const ctrl of this.active.values()) ctrl.abort();
    for (const t of this.timers) clearTimeout(t);
    this.active.clear(); this.queue = []; this.timers.clear();
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
