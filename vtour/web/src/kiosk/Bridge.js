/**
 * The kiosk page's side of the launcher's protocol (docs/kiosk.md; vtour/kiosk_launch.py answers): every call a
 * POST with a JSON body to `base` + ping | events | attract | exit, `base` relative to the page.
 *
 *  - ping {scene, attract} every PING_MS (a missed ping tells the launcher the browser hangs) -> {reload} when
 *    the launcher made a pending update live (onReload() is called);
 *  - events: the viewer's visit events (docs/events.md), batched: sent every EVENTS_MS, at attract start
 *    (flush) and with keepalive on pagehide; at most MAX_EVENTS and about MAX_BYTES a batch;
 *  - attract {} -> {reload} when the kiosk enters attract (the launcher may have a newer package);
 *  - exit {pin} -> the HTTP status (the staff exit).
 *
 * Without a launcher (the page served by anything else) the calls fail, and the page carries on: failures
 * are silent but for one console.warn per call kind. A launcher that is not there at all (404, 405, 501 for
 * a ping) is asked again only every ABSENT_MS. Events that could not be sent are kept for the next try, the
 * newest MAX_QUEUE of them; a batch the launcher refuses (400) is dropped.
 */
export const PING_MS = 10_000;
export const EVENTS_MS = 5_000;
export const ABSENT_MS = 300_000;
export const MAX_EVENTS = 200;
export const MAX_BYTES = 200 * 1024;      // under the launcher's 256 kB with room to spare
export const KEEPALIVE_BYTES = 60 * 1024; // the browsers' keepalive budget is 64 kB in all
export const MAX_QUEUE = 2000;

const NO_LAUNCHER = new Set([404, 405, 501]);

/** `events` split into batches of at most `maxEvents` events and about `maxBytes` of JSON each. */
export function batches(events, maxEvents = MAX_EVENTS, maxBytes = MAX_BYTES) {
  const out = [];
  let batch = [], bytes = 2;
  for (const e of events) {
    const size = JSON.stringify(e).length + 1;
    if (batch.length && (batch.length >= maxEvents || bytes + size > maxBytes)) { out.push(batch); batch = []; bytes = 2; }
    batch.push(e);
    bytes += size;
  }
  if (batch.length) out.push(batch);
  return out;
}

export class Bridge {
  /**
   * @param {string} base the launcher's calls, e.g. "__kiosk/" (relative to the page's base URL)
   * @param {{state?: () => {scene: ?string, attract: boolean}, fetch?: Function, warn?: Function,
   *          setInterval?: Function, clearInterval?: Function, baseUrl?: string, now?: () => number}} hooks
   */
  constructor(base = "__kiosk/", {
    state = () => ({ scene: null, attract: false }), fetch = globalThis.fetch?.bind(globalThis),
    warn = (...a) => console.warn(...a), setInterval: every = (fn, ms) => setInterval(fn, ms),
    clearInterval: stopEvery = (t) => clearInterval(t), baseUrl = globalThis.document?.baseURI,
    now = () => Date.now(),
  } = {}) {
    this.base = baseUrl ? new URL(base, baseUrl).href : base;
    this.state = state;
    this._fetch = fetch;
    this._warn = warn;
    this._now = now;
    this._warned = new Set();
    this.queue = [];
    this.sending = false;
    this.absentUntil = 0;   // no launcher answered: pings wait till then
    this.sent = 0;          // events the launcher wrote
    this._stopEvery = stopEvery;
    this._timers = [every(() => this.ping(), PING_MS), every(() => this.flush(), EVENTS_MS)];
    this._onPageHide = () => this.flush({ keepalive: true });
    globalThis.addEventListener?.("pagehide", this._onPageHide);
  }

  /** The URL of call `name`. */
  url(name) { return this.base + name; }

  /** Queues a visit event for the next batch. */
  add(event) {
    this.queue.push(event);
    if (this.queue.length > MAX_QUEUE) this.queue.splice(0, this.queue.length - MAX_QUEUE);
  }

  /** POSTs `body` to call `name`: {status, data} (data: the JSON answer or null); status 0 when it failed. */
  async post(name, body, { keepalive = false } = {}) {
    if (!this._fetch) return { status: 0, data: null };
    try {
      const r = await this._fetch(this.url(name), {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
        cache: "no-store", credentials: "same-origin", keepalive,
      });
      let data = null;
      try { data = await r.json(); } catch { /* not JSON */ }
      if (!r.ok) this._once(name, `the kiosk launcher answered ${r.status} to ${name}`);
      return { status: r.status, data };
    } catch (err) {
      this._once(name, `the kiosk launcher did not answer ${name} (${err?.message || err})`);
      return { status: 0, data: null };
    }
  }

  /** The ping: {scene, attract}. Skipped while no launcher is known to be there (every ABSENT_MS only). */
  async ping() {
    if (this._now() < this.absentUntil) return false;
    const { status, data } = await this.post("ping", this.state());
    this.absentUntil = NO_LAUNCHER.has(status) ? this._now() + ABSENT_MS : 0;
    // a pending update the launcher kept over its restart goes live on a ping in attract: {reload: true}
    if (status === 200 && data?.reload === true) this.onReload?.();
    return status === 200;
  }

  /**
   * Sends the queued events in batches; with `keepalive` (the page is going) all at once, as much as the
   * keepalive budget holds. Resolves to the number the launcher wrote.
   */
  async flush({ keepalive = false } = {}) {
    if (!this.queue.length || (this.sending && !keepalive)) return 0;
    if (keepalive) {
      const events = this.queue.splice(0);
      let budget = KEEPALIVE_BYTES;
      for (const batch of batches(events, MAX_EVENTS, Math.min(MAX_BYTES, KEEPALIVE_BYTES))) {
        const size = JSON.stringify(batch).length;
        if (size > budget) break;
        budget -= size;
        this.post("events", batch, { keepalive: true });  // not awaited: the page is going
      }
      return 0;
    }
    if (this._now() < this.absentUntil) return 0;
    this.sending = true;
    let written = 0;
    try {
      while (this.queue.length) {
        const [batch] = batches(this.queue);
        this.queue.splice(0, batch.length);
        const { status, data } = await this.post("events", batch);
        if (status === 200) { written += Number(data?.written) || batch.length; continue; }
        if (status !== 400) {  // not sent: kept (in front) for the next try; a refused batch is dropped
          this.queue.unshift(...batch);
          if (this.queue.length > MAX_QUEUE) this.queue.splice(0, this.queue.length - MAX_QUEUE);
          if (NO_LAUNCHER.has(status)) this.absentUntil = this._now() + ABSENT_MS;
        }
        break;
      }
    } finally {
      this.sending = false;
    }
    this.sent += written;
    return written;
  }

  /** The kiosk entered attract: resolves to true when the launcher asks for a reload (a newer package). */
  async attract() {
    const { status, data } = await this.post("attract", {});
    return status === 200 && data?.reload === true;
  }

  /** The staff exit: the launcher's HTTP status for `pin` (200 closing, 403 wrong, 429 locked; 0: no answer). */
  async exit(pin) { return (await this.post("exit", { pin })).status; }

  _once(kind, message) {
    if (this._warned.has(kind)) return;
    this._warned.add(kind);
    this._warn(`vtour kiosk: ${message}; the kiosk carries on (said once)`);
  }

  dispose() {
    for (const t of this._timers) this._stopEvery(t);
    this._timers = [];
    globalThis.removeEventListener?.("pagehide", this._onPageHide);
  }
}
