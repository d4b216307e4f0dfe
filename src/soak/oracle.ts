/**
 * The in-memory model a normal-mode run checks the engine against: for each
 * key index of one tree, the revision and version of its live value. Keys are
 * also indexed by bucket so a scan or prefix check inside one bucket costs
 * O(keys in the bucket).
 */
import { bucketOf, keyFor } from './keys.js';

export interface OracleEntry {
  rev: number;
  version: number;
}

export class TreeOracle {
  readonly name: string;
  readonly live = new Map<number, OracleEntry>();
  private readonly buckets = new Map<number, Set<number>>();

  constructor(name: string) {
    this.name = name;
  }

  get size(): number {
    return this.live.size;
  }

  get(i: number): OracleEntry | undefined {
    return this.live.get(i);
  }

  put(i: number, rev: number, version: number): void {
    this.live.set(i, { rev, version });
    const b = bucketOf(i);
    let s = this.buckets.get(b);
    if (s === undefined) this.buckets.set(b, (s = new Set()));
    s.add(i);
  }

  delete(i: number): void {
    this.live.delete(i);
    this.buckets.get(bucketOf(i))?.delete(i);
  }

  clear(): void {
    this.live.clear();
    this.buckets.clear();
  }

  /** Live keys of one bucket that start with `prefix`, in byte order (keys are ASCII). */
  private keysWith(bucket: number, prefix: string): string[] {
    const out: string[] = [];
    for (const i of this.buckets.get(bucket) ?? []) {
      const k = keyFor(i);
      if (k.startsWith(prefix)) out.push(k);
    }
    return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * What a key-only scan of `prefix` (inside `bucket`) rolled up at
   * `delimiter` must return, as `k:<key>` and `p:<common prefix>` strings.
   */
  expectedScan(bucket: number, prefix: string, delimiter: string, limit: number): string[] {
    const out: string[] = [];
    let lastRollup = '';
    for (const k of this.keysWith(bucket, prefix)) {
      const at = k.indexOf(delimiter, prefix.length);
      if (at < 0) {
        out.push(`k:${k}`);
      } else {
        const rollup = k.slice(0, at + 1);
        if (rollup === lastRollup) continue;
        lastRollup = rollup;
        out.push(`p:${rollup}`);
      }
      if (out.length >= limit) break;
    }
    return out;
  }

  /** True when no live key of `bucket` starts with `prefix`. */
  prefixEmpty(bucket: number, prefix: string): boolean {
    for (const i of this.buckets.get(bucket) ?? []) if (keyFor(i).startsWith(prefix)) return false;
    return true;
  }
}
