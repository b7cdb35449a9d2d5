/**
 * Least-recently-used store of tile meshes (each owning a texture). Map insertion order is the
 * recency order: touch() moves a key to the end. evict() disposes the oldest entries that the caller
 * does not protect (tiles in view) until at most `capacity` remain.
 *
 * Options: capacity (number of tiles, default 256: 256 tiles of 512 px are 256 MB of RGBA).
 */
export class TileCache {
  constructor({ capacity = 256, onEvict = () => {} } = {}) {
    this.capacity = capacity; this.onEvict = onEvict;
    this.entries = new Map();
  }

  get size() { return this.entries.size; }
  has(key) { return this.entries.has(key); }
  get(key) { return this.entries.get(key); }
  set(key, value) { this.entries.delete(key); this.entries.set(key, value); }
  touch(key) { const v = this.entries.get(key); if (v !== undefined) this.set(key, v); }
  values() { return this.entries.values(); }

  /** Drops the least recently used entries not in `protect` (a Set of keys) down to capacity. */
  evict(protect = new Set()) {
    for (const [key, value] of this.entries) {
      if (this.entries.size <= this.capacity) break;
      if (protect.has(key)) continue;
      this.entries.delete(key);
      this.onEvict(key, value);
    }
  }

  clear() {
    for (const [key, value] of this.entries) this.onEvict(key, value);
    this.entries.clear();
  }

  dispose() { this.clear(); }
}
