/**
 * PersistentMap: an immutable map whose `set`/`delete` return a new version
 * in O(1) instead of copying the whole map, so that the catalog (a pure state
 * machine, db/catalog-state.ts) stays cheap with 100,000 trees.
 *
 * Every version shares one real Map. The version that last touched it owns it
 * ("root"); every other version is a chain of single-entry differences
 * leading to the root. Reading a version makes it the root first, reversing
 * the differences on the way (Baker's trick): reading the newest version
 * after an update costs nothing extra, reading an old one (a snapshot's
 * catalog, the "before" of a diff) costs the number of changes between them.
 * Iteration order is the Map's own, which rerooting may change: callers that
 * need an order sort (the catalog does).
 */

const ABSENT: unique symbol = Symbol('absent');

type Diff<K, V> = { key: K; value: V | typeof ABSENT; next: PersistentMap<K, V> };

export class PersistentMap<K, V> implements ReadonlyMap<K, V> {
  /** The shared Map when this version is the root, else null. */
  private map: Map<K, V> | null;
  /** How this version differs from the next one toward the root. */
  private diff: Diff<K, V> | null = null;

  constructor(entries?: Iterable<readonly [K, V]>) {
    this.map = new Map(entries);
  }

  /** A new version with `key` set to `value`; this version is unchanged. */
  set(key: K, value: V): PersistentMap<K, V> {
    const map = this.reroot();
    const old = map.has(key) ? map.get(key)! : ABSENT;
    map.set(key, value);
    return this.handOver(key, old);
  }

  /** A new version without `key` (this one when it is absent). */
  delete(key: K): PersistentMap<K, V> {
    const map = this.reroot();
    if (!map.has(key)) return this;
    const old = map.get(key)!;
    map.delete(key);
    return this.handOver(key, old);
  }

  get size(): number { return this.reroot().size; }
  get(key: K): V | undefined { return this.reroot().get(key); }
  has(key: K): boolean { return this.reroot().has(key); }
  forEach(fn: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.reroot()) fn.call(thisArg, v, k, this);
  }
  entries(): MapIterator<[K, V]> { return this.reroot().entries(); }
  keys(): MapIterator<K> { return this.reroot().keys(); }
  values(): MapIterator<V> { return this.reroot().values(); }
  [Symbol.iterator](): MapIterator<[K, V]> { return this.entries(); }

  /** The map just changed `key` (it was `old` here): a new root takes it, this version keeps the difference. */
  private handOver(key: K, old: V | typeof ABSENT): PersistentMap<K, V> {
    const next = new PersistentMap<K, V>();
    next.map = this.map;
    this.map = null;
    this.diff = { key, value: old, next };
    return next;
  }

  /** Make this version the root and return the Map. */
  private reroot(): Map<K, V> {
    if (this.map !== null) return this.map;
    // The path to the root, then reverse each difference from the root back.
    const path: PersistentMap<K, V>[] = [];
    let p: PersistentMap<K, V> = this;
    while (p.map === null) { path.push(p); p = p.diff!.next; }
    const map = p.map;
    for (let i = path.length - 1; i >= 0; i--) {
      const v = path[i]!;
      const d = v.diff!;
      const next = d.next;
      // `next` now differs from `v` by the value `v` had; `v` becomes the root.
      const current = map.has(d.key) ? map.get(d.key)! : ABSENT;
      if (d.value === ABSENT) map.delete(d.key);
      else map.set(d.key, d.value);
      next.map = null;
      next.diff = { key: d.key, value: current, next: v };
      v.map = map;
      v.diff = null;
    }
    return map;
  }
}
