import { inspectorParams, parseInspectorParams } from "../inspector/state.js";

/**
 * The view in the page URL's hash: #scene=<id>&yaw=..&pitch=..&fov=..&lang=.. and, while a model is open in
 * the inspector, its state: &model=<id>&mode=..&light=..&cam=..&section=..&finest=1&compare=1&prev=j&limits=a,b
 * (inspector/state.js has that part's format), and while a deep-zoom image is open: &image=<id>&region=x,y,w,h (the
 * part of the image in view, full-resolution image px, integers).
 * parseHash and formatHash are the format, pure; UrlState applies them to `location`: read() parses the
 * page's hash, write(state) replaces the history entry (no new entry per drag), at most every `delayMs`
 * (default 250; a throttle: the latest state is always written at the end of the wait, however long the changes
 * go on), flush() writes the pending state now.
 */

/**
 * A region "x,y,w,h" (image px: safe integers, x and y >= 0, w and h > 0) as [x, y, w, h], else undefined (absent,
 * malformed, fractional, empty or beyond Number.MAX_SAFE_INTEGER: the image then opens whole). Not clipped to the
 * image here (its size is not known yet): ImageDialog.fitRegion clips.
 */
export function parseRegion(text) {
  const parts = String(text ?? "").split(",");
  if (parts.length !== 4 || parts.some((p) => !/^\s*-?\d+\s*$/.test(p))) return undefined;
  const [x, y, w, h] = parts.map(Number);
  if (![x, y, w, h].every(Number.isSafeInteger)) return undefined;
  return x >= 0 && y >= 0 && w > 0 && h > 0 ? [x, y, w, h] : undefined;
}

/**
 * The state a hash carries: {scene, yaw, pitch, fov, lang, inspector, image, region}; a scene, lang or image absent
 * or empty, an angle absent or not a finite number, is undefined; inspector is undefined without a model, else
 * parseInspectorParams's object; region (parseRegion) is undefined without an image. A leading "#" is optional.
 */
export function parseHash(hash) {
  const q = new URLSearchParams(hash.replace(/^#/, ""));
  const num = (k) => (q.has(k) && Number.isFinite(+q.get(k)) ? +q.get(k) : undefined);
  const image = q.get("image") || undefined;
  return { scene: q.get("scene") || undefined, yaw: num("yaw"), pitch: num("pitch"), fov: num("fov"),
           lang: q.get("lang") || undefined, inspector: parseInspectorParams(q),
           image, region: image ? parseRegion(q.get("region")) : undefined };
}

/**
 * The hash (without "#") of a state {scene, yaw, pitch, fov (degrees), lang, inspector?, image?, region?}: angles to
 * 0.01 degree; an inspector state (with its model id) adds its keys; an image id adds image and, given one, its
 * region [x, y, w, h] rounded to whole px (w, h at least 1).
 */
export function formatHash(state) {
  const q = new URLSearchParams({ scene: state.scene, yaw: state.yaw.toFixed(2), pitch: state.pitch.toFixed(2),
                                  fov: state.fov.toFixed(2), lang: state.lang });
  if (state.inspector?.model) for (const [k, v] of inspectorParams(state.inspector)) q.append(k, v);
  if (!state.image) return String(q);
  q.append("image", state.image);
  const r = state.region;
  if (!(r && r.length === 4 && r.every(Number.isFinite))) return String(q);
  // written as is, not as %2C: digits and commas need no escaping, and a shared link stays readable
  const [x, y, w, h] = r.map(Math.round);
  return `${q}&region=${[Math.max(0, x), Math.max(0, y), Math.max(1, w), Math.max(1, h)].join(",")}`;
}

/** sessionStorage key of the notes' edit token (per origin and tab: the browser keeps it from other sites). */
export const TOKEN_KEY = "vtour-edit-token";

/**
 * The notes' edit token: `?token=` of the page URL, taken out of the address bar at once (history.replaceState,
 * hash kept) and kept in sessionStorage, so that a shared link (the URL, the hash written by UrlState) never
 * carries it; on a later load of the page without it, the one kept. null when there is none. `win` (default
 * `window`): {location, history, sessionStorage}, for tests.
 */
export function takePageToken(win = window) {
  const { location: loc, history: hist } = win;
  let storage = null;
  try { storage = win.sessionStorage; } catch { /* storage blocked (sandboxed frame): the token lives for this page */ }
  const q = new URLSearchParams(loc.search);
  if (q.has("token")) {
    const token = q.get("token");
    q.delete("token");
    const search = String(q);
    hist.replaceState(hist.state, "", `${loc.pathname}${search ? `?${search}` : ""}${loc.hash}`);
    if (token) {
      try { storage?.setItem(TOKEN_KEY, token); } catch { /* quota or blocked: this page still has it */ }
      return token;
    }
  }
  try { return storage?.getItem(TOKEN_KEY) || null; } catch { return null; }
}

export class UrlState {
  constructor({ delayMs = 250 } = {}) { this.delayMs = delayMs; this._timer = 0; this._pending = null; }

  read() { return parseHash(location.hash); }

  /** Writes `state` within `delayMs`: one write per wait, of the latest state given (a throttle, not a debounce). */
  write(state) {
    this._pending = state;
    if (!this._timer) this._timer = setTimeout(() => this.flush(), this.delayMs);
  }

  /** Writes the pending state now (a closed dialog leaves the URL at once). */
  flush() {
    clearTimeout(this._timer);
    this._timer = 0;
    const state = this._pending;
    this._pending = null;
    if (state) history.replaceState(history.state, "", `${location.pathname}${location.search}#${formatHash(state)}`);
  }

  dispose() { clearTimeout(this._timer); this._timer = 0; this._pending = null; }
}
