/** Minimal event emitter: on(name, fn) returns an unsubscribe function. */
export class EventEmitter {
  constructor() { this._handlers = new Map(); }

  on(name, fn) {
    if (!this._handlers.has(name)) this._handlers.set(name, new Set());
    this._handlers.get(name).add(fn);
    return () => this.off(name, fn);
  }

  off(name, fn) { this._handlers.get(name)?.delete(fn); }

  emit(name, ...args) {
    for (const fn of [...(this._handlers.get(name) || [])]) fn(...args);
  }

  removeAllListeners() { this._handlers.clear(); }
}
