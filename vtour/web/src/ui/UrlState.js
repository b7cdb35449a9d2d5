/**
 * The view in the page URL's hash: #scene=<id>&yaw=..&pitch=..&fov=..&lang=.. . read() parses it;
 * write(state) replaces the history entry (no new entry per drag), at most every `delayMs` (default 250).
 */
export class UrlState {
  constructor({ delayMs = 250 } = {}) { this.delayMs = delayMs; this._timer = 0; }

  read() {
    const q = new URLSearchParams(location.hash.replace(/^#/, ""));
    const num = (k) => (q.has(k) && Number.isFinite(+q.get(k)) ? +q.get(k) : undefined);
    return { scene: q.get("scene") || undefined, yaw: num("yaw"), pitch: num("pitch"), fov: num("fov"),
             lang: q.get("lang") || undefined };
  }

  write(state) {
    clearTimeout(this._timer);
    this._timer = setTimeout(() => {
      const q = new URLSearchParams({ scene: state.scene, yaw: state.yaw.toFixed(2), pitch: state.pitch.toFixed(2),
                                      fov: state.fov.toFixed(2), lang: state.lang });
      history.replaceState(history.state, "", `${location.pathname}${location.search}#${q}`);
    }, this.delayMs);
  }

  dispose() { clearTimeout(this._timer); }
}
