/** Calls onIdle() once after `seconds` without poke(); poke() restarts the wait. 0 or less: never. */
export class IdleTimer {
  constructor(seconds, onIdle) {
    this.ms = seconds * 1000; this.onIdle = onIdle; this._t = 0;
    this.poke();
  }

  poke() {
    clearTimeout(this._t);
    if (this.ms > 0) this._t = setTimeout(() => this.onIdle(), this.ms);
  }

  dispose() { clearTimeout(this._t); }
}
