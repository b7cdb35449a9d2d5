/**
 * The view in the page URL's hash: #scene=<id>&yaw=..&pitch=..&fov=..&lang=.. .
 * parseHash and formatHash are the format, pure; UrlState applies them to `location`: read() parses the
 * page's hash, write(state) replaces the history entry (no new entry per drag), at most every `delayMs`
 * (default 250).
 */

/**
 * The state a hash carries: {scene, yaw, pitch, fov, lang}; a scene or lang absent or empty, an angle
 * absent or not a finite number, is undefined. A leading "#" is optional.
 */
export function parseHash(hash) {
  const q = new URLSearchParams(hash.replace(/^#/, ""));
  const num = (k) => (q.has(k) && Number.isFinite(+q.get(k)) ? +q.get(k) : undefined);
  return { scene: q.get("scene") || undefined, yaw: num("yaw"), pitch: num("pitch"), fov: num("fov"),
           lang: q.get("lang") || undefined };
}

/** The hash (without "#") of a state {scene, yaw, pitch, fov (degrees), lang}: angles to 0.01 degree. */
export function formatHash(state) {
  return String(new URLSearchParams({ scene: state.scene, yaw: state.yaw.toFixed(2), pitch: state.pitch.toFixed(2),
                                      fov: state.fov.toFixed(2), lang: state.lang }));
}

export class UrlState {
  constructor({ delayMs = 250 } = {}) { this.delayMs = delayMs; this._timer = 0; }

  read() { return parseHash(location.hash); }

  write(state) {
    clearTimeout(this._timer);
    this._timer = setTimeout(() => {
      history.replaceState(history.state, "", `${location.pathname}${location.search}#${formatHash(state)}`);
    }, this.delayMs);
  }

  dispose() { clearTimeout(this._timer); }
}
